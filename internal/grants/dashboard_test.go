package grants

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/google/go-cmp/cmp"
)

func dashRecords() []Support {
	rec := func(year int, who string, amount int64, proc, cur string) Support {
		return Support{Year: year, Recipient: who, Amount: amount, Procedure: proc, Currency: cur, LSG: "ba-fbih-mostar"}
	}
	return []Support{
		rec(2025, "Mladi most", 1000000, "open_call", "BAM"),
		rec(2025, "Abrašević", 500000, "direct", "BAM"),
		rec(2025, "Mladi most", 250000, "direct", "BAM"),
		rec(2024, "Abrašević", 300000, "direct", "BAM"),
		rec(2024, "Velež", 100000, "open_call", "BAM"),
		rec(2023, "Velež", 200000, "open_call", "BAM"),
		rec(2025, "Donor abroad", 999999, "open_call", "EUR"), // other currency: not summed
	}
}

func TestByYear(t *testing.T) {
	t.Parallel()
	got := ByYear(dashRecords(), "BAM")
	want := []YearRow{
		{Year: 2023, OpenCall: 200000, Total: 200000, OpenCallPct: 100, Recipients: 1, Records: 1},
		{Year: 2024, OpenCall: 100000, Direct: 300000, Total: 400000, OpenCallPct: 25, Recipients: 2, Records: 2},
		{Year: 2025, OpenCall: 1000000, Direct: 750000, Total: 1750000, OpenCallPct: 57, Recipients: 2, Records: 3},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ByYear (-want +got):\n%s", d)
	}
	if got := ByYear(nil, "BAM"); len(got) != 0 {
		t.Errorf("ByYear(nil) = %v", got)
	}
}

func TestAllRecipients(t *testing.T) {
	t.Parallel()
	got := AllRecipients(OnlyYear(dashRecords(), 2025), "BAM")
	want := []Recipient{{Name: "Mladi most", Amount: 1250000, Pct: 71}, {Name: "Abrašević", Amount: 500000, Pct: 29}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("AllRecipients (-want +got):\n%s", d)
	}
}

func readCSV(t *testing.T, kind string, recs []Support, year int) [][]string {
	t.Helper()
	var b bytes.Buffer
	ok, err := WriteDashboardCSV(&b, kind, recs, year)
	if err != nil || !ok {
		t.Fatalf("WriteDashboardCSV(%s) = %v, %v", kind, ok, err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestWriteDashboardCSV(t *testing.T) {
	t.Parallel()
	recs := dashRecords()
	tests := []struct {
		kind string
		year int
		want [][]string
	}{
		{DashProcedure, 2025, [][]string{{"procedure", "currency", "amount", "share_pct"}, {"open_call", "BAM", "10000.00", "57"}, {"direct", "BAM", "7500.00", "43"}}},
		{DashProcedure, 0, [][]string{{"procedure", "currency", "amount", "share_pct"}, {"open_call", "BAM", "13000.00", "55"}, {"direct", "BAM", "10500.00", "45"}}},
		{DashRecipient, 2024, [][]string{{"rank", "recipient", "currency", "amount", "share_pct"}, {"1", "Abrašević", "BAM", "3000.00", "75"}, {"2", "Velež", "BAM", "1000.00", "25"}}},
		// The yearly charts show every year whatever the year filter.
		{DashYear, 2024, [][]string{{"year", "currency", "open_call", "direct", "total", "open_call_pct"},
			{"2023", "BAM", "2000.00", "0.00", "2000.00", "100"}, {"2024", "BAM", "1000.00", "3000.00", "4000.00", "25"}, {"2025", "BAM", "10000.00", "7500.00", "17500.00", "57"}}},
		{DashCSOs, 0, [][]string{{"year", "recipients", "records"}, {"2023", "1", "1"}, {"2024", "2", "2"}, {"2025", "2", "3"}}},
		// No records: headers and zeros, never a division by zero.
		{DashProcedure, 1999, [][]string{{"procedure", "currency", "amount", "share_pct"}, {"open_call", "", "0.00", "0"}, {"direct", "", "0.00", "0"}}},
	}
	for _, tt := range tests {
		got := readCSV(t, tt.kind, recs, tt.year)
		if tt.year == 1999 {
			got = readCSV(t, tt.kind, nil, 0)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s, year %d (-want +got):\n%s", tt.kind, tt.year, d)
		}
	}
	if ok, _ := WriteDashboardCSV(&bytes.Buffer{}, "bogus", recs, 0); ok {
		t.Error("an unknown kind was written")
	}
}

func TestBuildCharts(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := cat.Printer("en")
	c := BuildCharts(p, dashRecords(), 2025, url.Values{"lsg": {"ba-fbih-mostar"}, "year": {"2025"}})
	if c.Dash.Total != 1750000 || c.Dash.Recipients != 2 || c.Dash.OtherCurrency != 1 {
		t.Errorf("dashboard of 2025 = %+v", c.Dash)
	}
	if len(c.Years) != 3 {
		t.Errorf("the yearly rows = %v, want all three years", c.Years)
	}
	charts := map[string]string{"procedure": string(c.ProcChart), "largest": string(c.TopChart), "year": string(c.YearChart), "csos": string(c.CSOChart)}
	for name, svg := range charts {
		if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, "<title") || !strings.Contains(svg, "<desc") {
			t.Errorf("the %s chart is not an accessible SVG: %.200s", name, svg)
		}
		if strings.Contains(svg, "style=") {
			t.Errorf("the %s chart has an inline style (CSP)", name)
		}
	}
	for _, want := range []string{"Mladi most", "12,500\u00a0BAM", "Abrašević", "5,000\u00a0BAM"} {
		if !strings.Contains(charts["largest"], want) {
			t.Errorf("the largest-recipients chart lacks %q", want)
		}
	}
	for _, want := range []string{"10,000\u00a0BAM", "7,500\u00a0BAM", p.T("grants.procedure.open_call")} {
		if !strings.Contains(charts["procedure"], want) {
			t.Errorf("the procedure chart lacks %q", want)
		}
	}
	for _, want := range []string{"2023", "2024", "2025", "<polyline"} {
		if !strings.Contains(charts["csos"], want) {
			t.Errorf("the organisations chart lacks %q", want)
		}
	}
	for _, k := range dashKinds {
		u, err := url.Parse(c.CSV[k])
		if err != nil || u.Path != "/api/v1/grants/dashboard.csv" || u.Query().Get("by") != k || u.Query().Get("lsg") != "ba-fbih-mostar" || u.Query().Get("year") != "2025" {
			t.Errorf("CSV link of %s = %q", k, c.CSV[k])
		}
	}
	// One year only: the organisations are bars, not a line of one point.
	one := BuildCharts(p, OnlyYear(dashRecords(), 2024), 0, nil)
	if strings.Contains(string(one.CSOChart), "<polyline") || !strings.Contains(string(one.CSOChart), "<rect") {
		t.Errorf("a single year's organisations chart: %.300s", one.CSOChart)
	}
	// Nothing at all: no charts, no failure.
	none := BuildCharts(p, nil, 0, nil)
	if none.ProcChart != "" || none.YearChart != "" || none.Dash.Total != 0 {
		t.Errorf("the empty dashboard drew charts")
	}
	// Serbian Cyrillic readers get the names in Cyrillic.
	cyr := BuildCharts(cat.Printer("sr-Cyrl"), dashRecords(), 2025, nil)
	if !strings.Contains(string(cyr.TopChart), "Млади мост") {
		t.Errorf("the Cyrillic chart shows the names in Latin: %.400s", cyr.TopChart)
	}
}
