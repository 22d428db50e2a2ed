package projects

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func newService(t testing.TB, d *db.DB) *Service {
	t.Helper()
	s, err := NewService(d, places.NewService(d), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func noOrgs(string) string { return "" }

// ignoreStored are the fields the database sets.
var ignoreStored = cmpopts.IgnoreFields(Project{}, "ID", "PublicID", "Version", "CreatedAt", "UpdatedAt", "ValueEUR", "rowIndex", "parentRef", "iati", "ProgrammeTitle")

func TestCreateGetUpdateHistory(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		seeds, err := SeedProjects(noOrgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range seeds {
			want := *p
			if err := s.Create(ctx, Actor{Name: "tester"}, p); err != nil {
				t.Fatalf("Create(%q): %v", p.Title(), err)
			}
			got, err := s.Get(ctx, p.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			normalise(&want)
			if diff := cmp.Diff(&want, got, ignoreStored, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Get(%q) -want +got:\n%s", p.Title(), diff)
			}
		}
		makers := seeds[2]
		if makers.Budget != money.New(42500000, "USD") || len(makers.Locations) != 15 {
			t.Fatalf("MAKERS: budget %v, %d LSGs", makers.Budget, len(makers.Locations))
		}
		// An update is kept in the history with its field diff.
		p, _ := s.Get(ctx, makers.PublicID)
		v := p.Version
		p.Status = 4
		p.ActualEnd = "2023-03-31"
		p.Targets[1].Actuals = []Actual{{Date: "2023-03-31", Value: 9}}
		if err := s.Update(ctx, Actor{Name: "Ana", Role: ActorOwnerOrg}, p, v); err != nil {
			t.Fatal(err)
		}
		hs, err := s.History(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 2 || hs[0].Action != "update" || hs[0].Actor != ActorOwnerOrg || hs[1].Action != "create" {
			t.Fatalf("history = %+v", hs)
		}
		var fields []string
		for _, c := range hs[0].Diff {
			fields = append(fields, c.Field)
		}
		if diff := cmp.Diff([]string{"actual_end", "status", "targets"}, fields); diff != "" {
			t.Errorf("changed fields -want +got:\n%s", diff)
		}
		// The same version again is stale.
		p.Status = 5
		if err := s.Update(ctx, Actor{Name: "Ana"}, p, v); !errors.Is(err, refuse.ErrConflict) {
			t.Errorf("stale update: err = %v, want ErrConflict", err)
		}
		// A project joins a programme; a project is not a programme.
		link := seeds[1]
		p, _ = s.Get(ctx, seeds[0].PublicID)
		p.Programme = makers.PublicID
		var fe FieldErrors
		if err := s.Update(ctx, Actor{}, p, p.Version); !errors.As(err, &fe) || fe["programme"] == "" {
			t.Errorf("programme = a project: err = %v", err)
		}
		p.Programme = link.PublicID
		if err := s.Update(ctx, Actor{}, p, p.Version); err != nil {
			t.Fatal(err)
		}
		res, err := s.List(ctx, Filter{Parent: link.PublicID})
		if err != nil || res.Total != 1 || res.Items[0].PublicID != p.PublicID {
			t.Errorf("projects of the programme: %+v, %v", res, err)
		}
		// Soft delete.
		if err := s.Delete(ctx, Actor{}, p.PublicID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, p.PublicID); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("Get after delete: %v", err)
		}
	})
}

// TestFacetsFollowWrites: the filter index (project_facets) is rewritten
// with every change of a project, a new rate and a delete.
func TestFacetsFollowWrites(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		total := func(f Filter) int {
			t.Helper()
			res, err := s.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return res.Total
		}
		p := validProject()
		p.Orgs = []Org{{Role: RoleFunding, Name: "Švedska (Sida)"}}
		p.Sectors = []string{"15150"}
		p.Budget = money.New(100000_00, "USD")
		if err := s.Create(ctx, Actor{Name: "t"}, p); err != nil {
			t.Fatal(err)
		}
		for _, f := range []Filter{{LSG: "ba-fbih-mostar"}, {Region: "ba-fbih"}, {Donor: "svedska (sida)"}, {Sector: "151"}, {Sector: "15150"}, {Status: 2}} {
			if n := total(f); n != 1 {
				t.Errorf("after create, %+v: %d", f, n)
			}
		}
		if n := total(Filter{MinEUR: 1}); n != 0 {
			t.Errorf("no rate yet, yet a euro value: %d", n)
		}
		if _, err := s.LoadRates(ctx, []Rate{{Currency: "USD", Date: "2020-01-01", PerEUR: 1.25}}); err != nil {
			t.Fatal(err)
		}
		if n := total(Filter{MinEUR: 80000, MaxEUR: 80000}); n != 1 {
			t.Errorf("after the rate, value 80,000 EUR: %d", n)
		}
		p, _ = s.Get(ctx, p.PublicID)
		p.Locations = []Location{{Place: "ba-rs-trebinje"}}
		p.Orgs = []Org{{Role: RoleFunding, Name: "UNDP"}}
		p.Sectors = []string{"43040"}
		p.Status = 3
		if err := s.Update(ctx, Actor{Name: "t"}, p, p.Version); err != nil {
			t.Fatal(err)
		}
		for f, want := range map[*Filter]int{
			{LSG: "ba-fbih-mostar"}: 0, {Region: "ba-fbih"}: 0, {Donor: "Švedska (Sida)"}: 0, {Sector: "151"}: 0, {Status: 2}: 0,
			{LSG: "ba-rs-trebinje"}: 1, {Region: "ba-rs"}: 1, {Donor: "undp"}: 1, {Sector: "430"}: 1, {Status: 3}: 1, {MinEUR: 80000}: 1,
		} {
			if n := total(*f); n != want {
				t.Errorf("after update, %+v: %d, want %d", *f, n, want)
			}
		}
		if err := s.Delete(ctx, Actor{}, p.PublicID); err != nil {
			t.Fatal(err)
		}
		if n := total(Filter{}) + total(Filter{Region: "ba-rs"}); n != 0 {
			t.Errorf("after delete: %d", n)
		}
		var rows int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_facets`).Scan(&rows); err != nil || rows != 0 {
			t.Errorf("facet rows after delete: %d, %v", rows, err)
		}
	})
}

func validProject() *Project {
	return &Project{Kind: KindProject, Status: 2, DefaultLang: "bs", Texts: []Text{{Lang: "bs", Title: "Test"}},
		Budget: money.New(100, "EUR"), Locations: []Location{{Place: "ba-fbih-mostar"}}}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	s := newService(t, d)
	ctx := context.Background()
	if fe := s.Validate(ctx, validProject()); fe != nil {
		t.Fatalf("valid project: %v", fe)
	}
	for _, c := range []struct {
		name  string
		edit  func(p *Project)
		field string
	}{
		{"negative budget", func(p *Project) { p.Budget.Minor = -1 }, "budget"},
		{"absurd budget", func(p *Project) { p.Budget.Minor = money.Max + 1 }, "budget"},
		{"unknown currency", func(p *Project) { p.Budget.Currency = "XYZ" }, "currency"},
		{"end before start", func(p *Project) { p.PlannedStart, p.PlannedEnd = "2023-01-01", "2022-12-31" }, "planned_end"},
		{"bad date", func(p *Project) { p.ActualStart = "2023-02-30" }, "actual_start"},
		{"no title", func(p *Project) { p.Texts = nil }, "title_bs"},
		{"unknown sector", func(p *Project) { p.Sectors = []string{"99999"} }, "sectors"},
		{"sector not 5 digits", func(p *Project) { p.Sectors = []string{"151"} }, "sectors"},
		{"unknown SDG", func(p *Project) { p.SDGs = []int{18} }, "sdgs"},
		{"acquis chapter", func(p *Project) { p.Acquis = []int{36} }, "acquis"},
		{"status", func(p *Project) { p.Status = 7 }, "status"},
		{"unknown LSG", func(p *Project) { p.Locations = []Location{{Place: "ba-fbih-atlantis"}} }, "lsgs"},
		{"entity is not an LSG", func(p *Project) { p.Locations = []Location{{Place: "ba-fbih"}} }, "lsgs"},
		{"bad e-mail", func(p *Project) { p.ContactEmail = "not an address" }, "contact_email"},
		{"javascript link", func(p *Project) { p.Links = []Link{{Title: "x", URL: "javascript:alert(1)"}} }, "link_url_0"},
		{"negative disbursement", func(p *Project) {
			p.Transactions = []Transaction{{Type: 3, Date: "2022-01-01", Amount: money.New(-5, "EUR")}}
		}, "tx_amount_0"},
		{"unknown role", func(p *Project) { p.Orgs = []Org{{Role: 9, Name: "X"}} }, "org_role_0"},
		{"negative target", func(p *Project) { p.Targets = []Target{{Label: "x", Target: -1}} }, "target_value_0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := validProject()
			c.edit(p)
			fe := s.Validate(ctx, p)
			if fe[c.field] == "" {
				t.Errorf("errors = %v, want one for %q", fe, c.field)
			}
			if err := s.Create(ctx, Actor{}, p); err == nil {
				t.Errorf("Create accepted an invalid project")
			}
		})
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		if _, err := s.LoadRates(ctx, DemoRates()); err != nil {
			t.Fatal(err)
		}
		lsgs, err := places.NewService(d).LSGs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all := GenerateProjects(150, 7, lsgs, noOrgs)
		if err := s.CreateMany(ctx, Actor{Name: "gen"}, all); err != nil {
			t.Fatal(err)
		}
		mostar := "ba-fbih-mostar"
		inRegion := map[string]bool{}
		for _, p := range lsgs {
			if p.EntityCode == "ba-rs" {
				inRegion[p.Code] = true
			}
		}
		for _, c := range []struct {
			name string
			f    Filter
			keep func(p *Project) bool
		}{
			{"all", Filter{}, func(p *Project) bool { return true }},
			{"lsg", Filter{LSG: mostar}, func(p *Project) bool { return slices.Contains(p.Places(), mostar) }},
			{"region", Filter{Region: "ba-rs"}, func(p *Project) bool {
				return slices.ContainsFunc(p.Places(), func(c string) bool { return inRegion[c] })
			}},
			{"donor", Filter{Donor: "usaid"}, func(p *Project) bool { return slices.Contains(p.Donors(), "USAID") }},
			{"sector", Filter{Sector: "14030"}, func(p *Project) bool { return slices.Contains(p.Sectors, "14030") }},
			{"sector category", Filter{Sector: "151"}, func(p *Project) bool {
				return slices.ContainsFunc(p.Sectors, func(c string) bool { return strings.HasPrefix(c, "151") })
			}},
			{"status", Filter{Status: 4}, func(p *Project) bool { return p.Status == 4 }},
			{"year", Filter{Year: 2015}, func(p *Project) bool { return p.StartYear() <= 2015 && (p.End() == "" || p.End() >= "2015-01-01") }},
			{"value", Filter{MinEUR: 100000, MaxEUR: 500000}, func(p *Project) bool { return p.ValueEUR >= 100000*100 && p.ValueEUR <= 500000*100 }},
			{"q folds diacritics", Filter{Q: "vodovodne mreze"}, func(p *Project) bool { return strings.Contains(p.Title(), "vodovodne mreže") }},
			{"donor, sector category and status", Filter{Donor: "USAID", Sector: "151", Status: 4}, func(p *Project) bool {
				return slices.Contains(p.Donors(), "USAID") && p.Status == 4 && slices.ContainsFunc(p.Sectors, func(c string) bool { return strings.HasPrefix(c, "151") })
			}},
			{"region, year and value", Filter{Region: "ba-rs", Year: 2015, MinEUR: 50000}, func(p *Project) bool {
				return slices.ContainsFunc(p.Places(), func(c string) bool { return inRegion[c] }) && p.StartYear() <= 2015 &&
					(p.End() == "" || p.End() >= "2015-01-01") && p.ValueEUR >= 50000*100
			}},
			{"lsg in its region", Filter{LSG: mostar, Region: "ba-fbih"}, func(p *Project) bool { return slices.Contains(p.Places(), mostar) }},
			{"lsg outside the region", Filter{LSG: mostar, Region: "ba-rs"}, func(p *Project) bool { return false }},
			{"region is an lsg", Filter{Region: mostar}, func(p *Project) bool { return slices.Contains(p.Places(), mostar) }},
			{"unknown region", Filter{Region: "ba-nowhere"}, func(p *Project) bool { return false }},
		} {
			t.Run(c.name, func(t *testing.T) {
				want := 0
				for _, p := range all {
					if c.keep(p) {
						want++
					}
				}
				f := c.f
				f.PerPage = 200
				res, err := s.List(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != want || len(res.Items) != want {
					t.Errorf("total %d, items %d, want %d", res.Total, len(res.Items), want)
				}
				for _, p := range res.Items {
					if !c.keep(p) {
						t.Errorf("%q does not match the filter", p.Title())
					}
				}
			})
		}
		// Sorting and paging.
		res, err := s.List(ctx, Filter{Sort: "-value", PerPage: 7, Page: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) != 7 || res.Pages() != 22 {
			t.Fatalf("page 2: %d items, %d pages", len(res.Items), res.Pages())
		}
		for i := 1; i < len(res.Items); i++ {
			if res.Items[i].ValueEUR > res.Items[i-1].ValueEUR {
				t.Errorf("not sorted by value")
			}
		}
		// Each streams every project once.
		n := 0
		if err := s.Each(ctx, Filter{}, func(*Project) error { n++; return nil }); err != nil || n != 150 {
			t.Errorf("Each: %d, %v", n, err)
		}
	})
}

func TestParseFilter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		q     string
		field string
	}{
		{"status=9", "status"}, {"year=abc", "year"}, {"sector=12", "sector"}, {"sort=evil", "sort"},
		{"min=500&max=100", "max"}, {"page=0", "page"}, {"per_page=1000", "per_page"}, {"kind=x", "kind"},
	} {
		v, _ := parseQuery(c.q)
		if _, fe := ParseFilter(v); fe[c.field] == "" {
			t.Errorf("%s: errors %v, want %s", c.q, fe, c.field)
		}
	}
	v, _ := parseQuery("lsg=ba-fbih-mostar&donor=UNDP&status=2&year=2022&min=1.000&sort=title&q=%C5%BEep%C4%8De")
	f, fe := ParseFilter(v)
	if fe != nil {
		t.Fatal(fe)
	}
	if diff := cmp.Diff(Filter{LSG: "ba-fbih-mostar", Donor: "UNDP", Status: 2, Year: 2022, MinEUR: 1000, Sort: "title", Q: "žepče"}, f); diff != "" {
		t.Error(diff)
	}
	if got := f.Values().Encode(); got != "donor=UNDP&lsg=ba-fbih-mostar&min=1000&q=%C5%BEep%C4%8De&sort=title&status=2&year=2022" {
		t.Errorf("Values = %s", got)
	}
}

func TestDashboardAndRates(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		mk := func(title, cur string, minor int64, donor string, lsgs ...string) *Project {
			p := validProject()
			p.Texts[0].Title = title
			p.Budget = money.New(minor, cur)
			p.PlannedStart = "2022-05-01"
			p.Orgs = []Org{{Role: 1, Name: donor}}
			p.Locations = nil
			for _, l := range lsgs {
				p.Locations = append(p.Locations, Location{Place: l})
			}
			return p
		}
		for _, p := range []*Project{
			mk("A", "EUR", 100000_00, "EU", "ba-fbih-mostar"),
			mk("B", "BAM", 195583_00, "EU", "ba-fbih-mostar", "ba-rs-trebinje"),
			mk("C", "USD", 110000_00, "UNDP", "ba-rs-trebinje"),
		} {
			if err := s.Create(ctx, Actor{}, p); err != nil {
				t.Fatal(err)
			}
		}
		dash, err := s.Dashboard(ctx, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		// No USD rate yet: C is left out and named.
		if dash.Total != 200000_00 || dash.Skipped != 1 || !slices.Equal(dash.Missing, []string{"USD"}) {
			t.Fatalf("without USD rate: total %d, skipped %d, missing %v", dash.Total, dash.Skipped, dash.Missing)
		}
		rates, err := ParseRates(strings.NewReader("\ufeffcurrency,date,per_eur,source\nUSD,2022-01-03,1.1,test\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadRates(ctx, rates); err != nil {
			t.Fatal(err)
		}
		dash, err = s.Dashboard(ctx, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		if dash.Total != 300000_00 || dash.Skipped != 0 {
			t.Fatalf("with USD rate: total %d, skipped %d", dash.Total, dash.Skipped)
		}
		want := []Bucket{{Key: "EU", Label: "EU", Minor: 200000_00, Count: 2}, {Key: "UNDP", Label: "UNDP", Minor: 100000_00, Count: 1}}
		if diff := cmp.Diff(want, dash.ByDonor); diff != "" {
			t.Errorf("by donor -want +got:\n%s", diff)
		}
		// B is split between Mostar and Trebinje.
		wantLSG := []Bucket{{Key: "ba-rs-trebinje", Label: "Trebinje", Minor: 150000_00, Count: 2}, {Key: "ba-fbih-mostar", Label: "Mostar", Minor: 150000_00, Count: 2}}
		if diff := cmp.Diff(wantLSG, dash.ByLSG, cmpopts.SortSlices(func(a, b Bucket) bool { return a.Key < b.Key })); diff != "" {
			t.Errorf("by LSG -want +got:\n%s", diff)
		}
		var used []string
		for _, r := range dash.Rates {
			used = append(used, fmt.Sprintf("%s %g %s", r.Currency, r.PerEUR, r.Date))
		}
		if diff := cmp.Diff([]string{"BAM 1.95583 ", "USD 1.1 2022-01-03"}, used); diff != "" {
			t.Errorf("rates stated -want +got:\n%s", diff)
		}
		usd, err := s.Dashboard(ctx, "USD")
		if err != nil || usd.Total != 330000_00 {
			t.Errorf("in USD: %v, %v", usd.Total, err)
		}
		// The value filter uses the euro value computed with the rates.
		res, _ := s.List(ctx, Filter{MinEUR: 100000, MaxEUR: 100000})
		if res.Total != 3 {
			t.Errorf("value filter after rates: %d projects, want 3", res.Total)
		}
		// Totals of an LSG, per currency.
		sums, err := s.LSGTotals(ctx, "ba-rs-trebinje")
		if err != nil || len(sums) != 2 || sums[0] != money.New(195583_00, "BAM") || sums[1] != money.New(110000_00, "USD") {
			t.Errorf("LSGTotals = %v, %v", sums, err)
		}
	})
}

func TestParseRatesErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"", "line 1"},
		{"a,b,c\n", "header"},
		{"currency,date,per_eur\nXYZ,2022-01-01,1\n", "line 2: unknown currency"},
		{"currency,date,per_eur\nUSD,2022-13-01,1\n", "line 2: date"},
		{"currency,date,per_eur\nUSD,2022-01-01,-1\n", "line 2: rate"},
		{"currency,date,per_eur\nUSD,2022-01-01,NaN\n", "line 2: rate"},
		{"currency,date,per_eur\nUSD,2022-01-01\n", "line 2: three fields"},
		{"currency,date,per_eur\n\"USD,2022\n", "line 2: not valid CSV"},
	} {
		if _, err := ParseRates(strings.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseRates(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

// TestMapJoin: the boundary shapes join to LSG codes through the places'
// "geo" aliases and names.
func TestMapJoin(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	h := newHandlers(nil, newService(t, d), nil)
	geo, shapeOf := h.geoJoin(context.Background())
	if len(geo) != 142 || len(shapeOf) != 142 {
		var missing []string
		for _, s := range chartShapes() {
			if geo[s] == "" {
				missing = append(missing, s)
			}
		}
		t.Errorf("%d of 142 shapes joined; not joined: %v", len(geo), missing)
	}
	for shape, code := range map[string]string{"Mostar": "ba-fbih-mostar", "Žepče": "ba-fbih-zepce", "Brčko distrikt Bosne i Hercegovine": "ba-bd-brcko"} {
		if geo[shape] != code {
			t.Errorf("%s joins to %q, want %s", shape, geo[shape], code)
		}
	}
}
