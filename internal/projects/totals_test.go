package projects

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
)

// fillTotals loads the demo rates, the seed projects, a programme with
// projects in three currencies, a project in a currency without a rate
// and n generated projects; it returns the programme's public id.
func fillTotals(t testing.TB, s *Service, d *db.DB, n int) string {
	t.Helper()
	ctx := context.Background()
	if _, err := s.LoadRates(ctx, DemoRates()); err != nil {
		t.Fatal(err)
	}
	seeds, err := SeedProjects(noOrgs)
	if err != nil {
		t.Fatal(err)
	}
	prog := validProject()
	prog.Kind, prog.Texts[0].Title, prog.Budget = KindProgramme, "Programme", money.New(1_000_000_00, "EUR")
	if err := s.Create(ctx, Actor{}, prog); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		cur, start string
		minor      int64
	}{{"USD", "2019-03-01", 333_333_33}, {"BAM", "2021-01-01", 100_000_01}, {"USD", "2024-06-30", 777_777_77}, {"EUR", "", 5}} {
		p := validProject()
		p.Texts[0].Title = "Child " + c.cur + c.start
		p.Programme, p.Budget, p.PlannedStart, p.FundingYear = prog.PublicID, money.New(c.minor, c.cur), c.start, 2020+i
		seeds = append(seeds, p)
	}
	nok := validProject()
	nok.Texts[0].Title, nok.Budget = "No rate", money.New(12_345_67, "NOK")
	seeds = append(seeds, nok)
	for _, p := range seeds {
		if err := s.Create(ctx, Actor{}, p); err != nil {
			t.Fatalf("Create(%q): %v", p.Title(), err)
		}
	}
	lsgs, err := places.NewService(d).LSGs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateMany(ctx, Actor{}, GenerateProjects(n, 15, lsgs, noOrgs)); err != nil {
		t.Fatal(err)
	}
	return prog.PublicID
}

// listedEUR sums the euro values of the listed projects the totals count
// (every live project but the programmes that have projects), and the
// euro values of the programme's projects.
func listedEUR(t testing.TB, s *Service, programme string) (all, ofProgramme int64) {
	t.Helper()
	var ps []*Project
	parents := map[string]bool{}
	if err := s.Each(context.Background(), Filter{}, func(p *Project) error {
		ps = append(ps, p)
		parents[p.Programme] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if !parents[p.PublicID] {
			all += p.ValueEUR
		}
		if p.Programme == programme {
			ofProgramme += p.ValueEUR
		}
	}
	return all, ofProgramme
}

// generatedTotals is the number of generated projects TestTotalsAddUp
// adds: 2,000, or DIJALOG_TOTALS_N for a run at scale (e.g. 100000).
func generatedTotals(t *testing.T) int {
	n := 2000
	if v := os.Getenv("DIJALOG_TOTALS_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			t.Fatalf("DIJALOG_TOTALS_N=%q: not a count", v)
		}
	}
	return n
}

// TestTotalsAddUp: every view of the totals (by year, donor, sector and
// LSG; the dashboard and its CSV; the stacked chart) adds up to the sum of
// the listed projects' euro values, to the cent; a programme's value is
// the sum of its projects'; a currency without a rate is stated, not
// dropped.
func TestTotalsAddUp(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		prog := fillTotals(t, s, d, generatedTotals(t))
		wantAll, wantProg := listedEUR(t, s, prog)
		for _, cur := range []string{"EUR", "BAM", "USD"} {
			dash, err := s.Dashboard(ctx, cur)
			if err != nil {
				t.Fatal(err)
			}
			if cur == "EUR" && dash.Total != wantAll {
				t.Errorf("EUR total %d, the listed projects add up to %d (off by %d)", dash.Total, wantAll, dash.Total-wantAll)
			}
			checkViews(t, dash)
		}
		pv, err := s.ProgrammeValue(ctx, prog)
		if err != nil {
			t.Fatal(err)
		}
		if pv.EUR != wantProg || pv.Projects != 4 {
			t.Errorf("programme value %d of %d projects, its projects add up to %d", pv.EUR, pv.Projects, wantProg)
		}
	})
}

// checkViews checks that each list of buckets, the stacked chart's table
// and each CSV add up to dash.Total, and that the budgets without a rate
// are stated.
func checkViews(t *testing.T, dash *Dashboard) {
	t.Helper()
	if len(dash.Unconverted) != 1 || dash.Unconverted[0] != money.New(12_345_67, "NOK") || dash.Skipped != 1 {
		t.Errorf("%s: unconverted %v (skipped %d), want 12345.67 NOK", dash.Currency, dash.Unconverted, dash.Skipped)
	}
	for _, by := range []string{"year", "donor", "sector", "lsg"} {
		bs, _ := dash.BucketsBy(by)
		var sum int64
		for _, b := range bs {
			sum += b.Minor
		}
		if sum != dash.Total {
			t.Errorf("%s by %s: rows add up to %d, total %d (off by %d)", dash.Currency, by, sum, dash.Total, sum-dash.Total)
		}
		if got := csvSum(t, dash, by); got != dash.Total {
			t.Errorf("%s CSV by %s: rows add up to %d, total %d", dash.Currency, by, got, dash.Total)
		}
	}
	var stacked int64
	for _, row := range dash.YearDonor {
		for _, v := range row {
			stacked += v
		}
	}
	if stacked != dash.Total {
		t.Errorf("%s stacked by year and donor: %d, total %d", dash.Currency, stacked, dash.Total)
	}
	if len(dash.Rates) == 0 {
		t.Errorf("%s: no rates stated", dash.Currency)
	}
}

// csvSum adds up the rows of the totals CSV in the dashboard's currency,
// in minor units; it checks that the row without a rate is there.
func csvSum(t *testing.T, dash *Dashboard, by string) int64 {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTotalsCSV(&buf, dash, by); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	nok := false
	for _, r := range recs[1:] {
		a, err := money.Parse(r[2], r[3])
		if err != nil {
			t.Fatalf("CSV value %q %q: %v", r[2], r[3], err)
		}
		if r[3] == dash.Currency {
			sum += a.Minor
		} else if a == money.New(12_345_67, "NOK") {
			nok = true
		}
		if r[5] == "" {
			t.Errorf("CSV row %v does not state the rate date", r)
		}
	}
	if !nok {
		t.Errorf("CSV by %s does not state the NOK budget without a rate", by)
	}
	return sum
}
