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

// dashRecords are a dashboard's records with their euro values: BAM at a
// test rate of 2 (fixed), euro as itself, and one in CHF without a rate.
func dashRecords() []Support {
	rec := func(year int, who string, amount int64, proc, cur string) Support {
		r := Support{Year: year, Recipient: who, Amount: amount, Procedure: proc, Currency: cur, LSG: "ba-fbih-mostar"}
		switch cur {
		case "BAM":
			r.EUR, r.Rate, r.Converted = amount/2, Rate{Currency: "BAM", PerEUR: 2}, true
		case "EUR":
			r.EUR, r.Converted = amount, true
		}
		return r
	}
	return []Support{
		rec(2025, "Mladi most", 1000000, "open_call", "BAM"),
		rec(2025, "Abrašević", 500000, "direct", "BAM"),
		rec(2025, "Mladi most", 250000, "direct", "BAM"),
		rec(2024, "Abrašević", 300000, "direct", "BAM"),
		rec(2024, "Velež", 100000, "open_call", "BAM"),
		rec(2023, "Velež", 200000, "open_call", "BAM"),
		rec(2025, "Donor abroad", 100000, "open_call", "EUR"), // in the sums, as itself
		rec(2025, "Nepoznat", 50000, "direct", "CHF"),         // no rate: stated, not summed
	}
}

func TestByYear(t *testing.T) {
	t.Parallel()
	got := ByYear(dashRecords())
	want := []YearRow{
		{Year: 2023, OpenCall: 100000, Total: 100000, OpenCallPct: 100, Recipients: 1, Records: 1},
		{Year: 2024, OpenCall: 50000, Direct: 150000, Total: 200000, OpenCallPct: 25, Recipients: 2, Records: 2},
		{Year: 2025, OpenCall: 600000, Direct: 375000, Total: 975000, OpenCallPct: 62, Recipients: 3, Records: 4},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ByYear (-want +got):\n%s", d)
	}
	if got := ByYear(nil); len(got) != 0 {
		t.Errorf("ByYear(nil) = %v", got)
	}
}

func TestAllRecipients(t *testing.T) {
	t.Parallel()
	got := AllRecipients(OnlyYear(dashRecords(), 2025))
	want := []Recipient{{Name: "Mladi most", Amount: 625000, Pct: 64}, {Name: "Abrašević", Amount: 250000, Pct: 26}, {Name: "Donor abroad", Amount: 100000, Pct: 10}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("AllRecipients (-want +got):\n%s", d)
	}
}

// TestSummariseEveryCurrency: the dashboard sums every currency in euro
// and states each one; its per-currency rows add up to its total.
func TestSummariseEveryCurrency(t *testing.T) {
	t.Parallel()
	d := Summarise(dashRecords())
	want := []CurrencyTotal{
		{Currency: "BAM", Records: 6, Amount: 2350000, EUR: 1175000, Converted: true},
		{Currency: "EUR", Records: 1, Amount: 100000, EUR: 100000, Converted: true},
		{Currency: "CHF", Records: 1, Amount: 50000},
	}
	if diff := cmp.Diff(want, d.ByCurrency); diff != "" {
		t.Errorf("ByCurrency (-want +got):\n%s", diff)
	}
	var sum int64
	for _, ct := range d.ByCurrency {
		sum += ct.EUR
	}
	if d.Currency != "EUR" || d.Total != 1275000 || sum != d.Total || d.Records != 7 || d.Unconverted != 1 {
		t.Errorf("dashboard: %s %d (rows %d), %d records, %d unconverted", d.Currency, d.Total, sum, d.Records, d.Unconverted)
	}
	if diff := cmp.Diff([]RateUsed{{Rate: Rate{Currency: "BAM", PerEUR: 2}, Records: 6}}, d.Rates); diff != "" {
		t.Errorf("rates used (-want +got):\n%s", diff)
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
		{DashProcedure, 2025, [][]string{{"procedure", "currency", "amount", "share_pct"}, {"open_call", "EUR", "6000.00", "62"}, {"direct", "EUR", "3750.00", "38"}}},
		{DashProcedure, 0, [][]string{{"procedure", "currency", "amount", "share_pct"}, {"open_call", "EUR", "7500.00", "59"}, {"direct", "EUR", "5250.00", "41"}}},
		{DashRecipient, 2024, [][]string{{"rank", "recipient", "currency", "amount", "share_pct"}, {"1", "Abrašević", "EUR", "1500.00", "75"}, {"2", "Velež", "EUR", "500.00", "25"}}},
		// The yearly charts show every year whatever the year filter.
		{DashYear, 2024, [][]string{{"year", "currency", "open_call", "direct", "total", "open_call_pct"},
			{"2023", "EUR", "1000.00", "0.00", "1000.00", "100"}, {"2024", "EUR", "500.00", "1500.00", "2000.00", "25"}, {"2025", "EUR", "6000.00", "3750.00", "9750.00", "62"}}},
		{DashCSOs, 0, [][]string{{"year", "recipients", "records"}, {"2023", "1", "1"}, {"2024", "2", "2"}, {"2025", "3", "4"}}},
		// Every currency with its euro value, then the euro total: the sum of the rows.
		{DashCurrency, 0, [][]string{{"currency", "records", "amount", "amount_eur", "rates", "rate_rule"},
			{"BAM", "6", "23500.00", "11750.00", "2 fixed", RateRule}, {"EUR", "1", "1000.00", "1000.00", "", RateRule},
			{"CHF", "1", "500.00", "", "", RateRule}, {"total", "7", "", "12750.00", "", RateRule}}},
		// No records: headers and zeros, never a division by zero.
		{DashProcedure, 1999, [][]string{{"procedure", "currency", "amount", "share_pct"}, {"open_call", "EUR", "0.00", "0"}, {"direct", "EUR", "0.00", "0"}}},
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
	if c.Dash.Total != 975000 || c.Dash.Recipients != 3 || c.Dash.Unconverted != 1 {
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
	for _, want := range []string{"Mladi most", "6,250\u00a0EUR", "Abrašević", "2,500\u00a0EUR"} {
		if !strings.Contains(charts["largest"], want) {
			t.Errorf("the largest-recipients chart lacks %q", want)
		}
	}
	for _, want := range []string{"6,000\u00a0EUR", "3,750\u00a0EUR", p.T("grants.procedure.open_call")} {
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
