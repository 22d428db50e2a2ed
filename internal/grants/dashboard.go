package grants

import (
	"html/template"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/csvout"

	"github.com/dijalog/dijalog/internal/chart"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/translit"
)

// YearRow is one year of a dashboard: the support in euro (each record at
// the rate of its own date), split by procedure, and how many
// organisations received it.
type YearRow struct {
	Year        int
	OpenCall    int64
	Direct      int64
	Total       int64
	OpenCallPct int
	Recipients  int
	Records     int
}

// ByYear sums the euro values of the records per year, oldest first;
// records without a rate are left out (the dashboard states them).
func ByYear(records []Support) []YearRow {
	rows := map[int]*YearRow{}
	who := map[int]map[string]bool{}
	for _, r := range records {
		if !r.Converted {
			continue
		}
		y := rows[r.Year]
		if y == nil {
			y = &YearRow{Year: r.Year}
			rows[r.Year] = y
			who[r.Year] = map[string]bool{}
		}
		y.Records++
		y.Total += r.EUR
		if r.Procedure == "open_call" {
			y.OpenCall += r.EUR
		} else {
			y.Direct += r.EUR
		}
		who[r.Year][r.Recipient] = true
	}
	out := make([]YearRow, 0, len(rows))
	for year, y := range rows {
		y.Recipients = len(who[year])
		y.OpenCallPct = pct(y.OpenCall, y.Total)
		out = append(out, *y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}

// pct is part of total in whole percent, rounded half up.
func pct(part, total int64) int {
	if total <= 0 {
		return 0
	}
	return int((part*100 + total/2) / total)
}

// AllRecipients lists every recipient of the records with the euro value
// of what it received and its share, largest first (the dashboard shows
// the first ten).
func AllRecipients(records []Support) []Recipient {
	by := map[string]int64{}
	var total int64
	for _, r := range records {
		if r.Converted {
			by[r.Recipient] += r.EUR
			total += r.EUR
		}
	}
	out := make([]Recipient, 0, len(by))
	for name, amt := range by {
		out = append(out, Recipient{Name: name, Amount: amt, Pct: pct(amt, total)})
	}
	sortRecipients(out)
	return out
}

// OnlyYear keeps the records of one year (all of them when year is 0).
func OnlyYear(records []Support, year int) []Support {
	if year == 0 {
		return records
	}
	var out []Support
	for _, r := range records {
		if r.Year == year {
			out = append(out, r)
		}
	}
	return out
}

// Dashboard CSV kinds: each chart of the dashboard links the CSV of its numbers.
const (
	DashYear      = "year"
	DashCSOs      = "csos"
	DashProcedure = "procedure"
	DashRecipient = "recipient"
	DashCurrency  = "currency"
)

// dashKinds are the kinds of dashboard CSV, in the page's order.
var dashKinds = []string{DashCurrency, DashProcedure, DashYear, DashCSOs, DashRecipient}

// Charts is the dashboard's charts, each drawn from the same numbers as the
// table beside it and the CSV it links.
type Charts struct {
	Dash      Dashboard     // the chosen year (or all years)
	Years     []YearRow     // every year of the chosen LSG and procedure, in euro
	YearChart template.HTML // stacked bars: open call and direct per year
	CSOChart  template.HTML // line (bars for a single year): organisations per year
	ProcChart template.HTML // bars: open call against direct
	TopChart  template.HTML // bars: the largest recipients
	CSV       map[string]string
}

// script writes a name in the reader's script (Serbian has two).
func script(p *i18n.Printer, s string) string {
	switch p.Code() {
	case i18n.SerbianCyrillic:
		return translit.ForScript(s, "Cyrl")
	case i18n.SerbianLatin:
		return translit.ForScript(s, "Latn")
	}
	return s
}

// dashNumbers is what the dashboard shows: the summary of the chosen year
// and the rows of every year. The page, its charts and the CSVs all use it.
func dashNumbers(all []Support, year int) Charts {
	c := Charts{Dash: Summarise(OnlyYear(all, year))}
	c.Years = ByYear(all)
	return c
}

// BuildCharts draws the dashboard of the records all (one LSG or all, one
// procedure or both, every year) for the chosen year (0: all). query is
// the dashboard's filter, carried into the CSV links.
func BuildCharts(p *i18n.Printer, all []Support, year int, query url.Values) Charts {
	c := dashNumbers(all, year)
	c.CSV = map[string]string{}
	for _, k := range dashKinds {
		v := url.Values{}
		for key, vals := range query {
			v[key] = vals
		}
		v.Set("by", k)
		c.CSV[k] = "/api/v1/grants/dashboard.csv?" + v.Encode()
	}
	d := c.Dash
	if d.Total > 0 {
		show := func(minor int64) string { return money.New(minor, d.Currency).Format(p, true) }
		major := func(minor int64) float64 { return money.New(minor, d.Currency).Major() }
		desc := p.T("grants.dash.chart_desc", "currency", d.Currency)
		c.ProcChart = chart.Bar(p.T("grants.dash.by_procedure"), desc, []chart.Item{
			{Label: p.T("grants.procedure.open_call"), Value: major(d.OpenCall), Display: show(d.OpenCall)},
			{Label: p.T("grants.procedure.direct"), Value: major(d.Direct), Display: show(d.Direct)},
		})
		var items []chart.Item
		for _, r := range d.Largest {
			items = append(items, chart.Item{Label: script(p, r.Name), Value: major(r.Amount), Display: show(r.Amount)})
		}
		c.TopChart = chart.Bar(p.T("grants.dash.largest"), desc, items)
	}
	if len(c.Years) == 0 {
		return c
	}
	major := func(minor int64) float64 { return money.New(minor, EUR).Major() }
	labels := make([]string, len(c.Years))
	open := chart.Series{Name: p.T("grants.procedure.open_call")}
	direct := chart.Series{Name: p.T("grants.procedure.direct")}
	count := chart.Series{Name: p.T("grants.dash.recipients")}
	var countItems []chart.Item
	for i, y := range c.Years {
		labels[i] = strconv.Itoa(y.Year)
		open.Values = append(open.Values, major(y.OpenCall))
		direct.Values = append(direct.Values, major(y.Direct))
		count.Values = append(count.Values, float64(y.Recipients))
		countItems = append(countItems, chart.Item{Label: labels[i], Value: float64(y.Recipients), Display: strconv.Itoa(y.Recipients)})
	}
	short := func(v float64) string { return chart.Short(p, v, "") }
	amount := chart.Axes{Categories: p.T("pages.chart.year"), Values: p.T("pages.chart.amount", "currency", EUR), Format: short}
	c.YearChart = chart.Stacked(p.T("grants.dash.by_year"), p.T("grants.dash.chart_desc", "currency", EUR), labels, []chart.Series{open, direct}, amount)
	if len(c.Years) == 1 {
		c.CSOChart = chart.Bar(p.T("grants.dash.csos_by_year"), p.T("grants.dash.csos_desc"), countItems)
	} else {
		c.CSOChart = chart.Line(p.T("grants.dash.csos_by_year"), p.T("grants.dash.csos_desc"), labels, []chart.Series{count}, chart.Axes{Categories: p.T("pages.chart.year"), Values: p.T("pages.chart.count"), Format: short})
	}
	return c
}

// WriteDashboardCSV writes the numbers of one dashboard chart, the same as
// the page shows for the records all and the chosen year. It reports false
// for an unknown kind.
func WriteDashboardCSV(w io.Writer, kind string, all []Support, year int) (bool, error) {
	c := dashNumbers(all, year)
	d := c.Dash
	var rows [][]string
	switch kind {
	case DashCurrency:
		rows = currencyRows(d)
	case DashProcedure:
		direct := 0
		if d.Total > 0 {
			direct = 100 - d.OpenCallPct
		}
		rows = [][]string{{"procedure", "currency", "amount", "share_pct"},
			{"open_call", EUR, dec(d.OpenCall, EUR), strconv.Itoa(d.OpenCallPct)},
			{"direct", EUR, dec(d.Direct, EUR), strconv.Itoa(direct)}}
	case DashRecipient:
		rows = [][]string{{"rank", "recipient", "currency", "amount", "share_pct"}}
		for i, r := range AllRecipients(OnlyYear(all, year)) {
			rows = append(rows, []string{strconv.Itoa(i + 1), r.Name, EUR, dec(r.Amount, EUR), strconv.Itoa(r.Pct)})
		}
	case DashYear:
		rows = [][]string{{"year", "currency", "open_call", "direct", "total", "open_call_pct"}}
		for _, y := range c.Years {
			rows = append(rows, []string{strconv.Itoa(y.Year), EUR, dec(y.OpenCall, EUR), dec(y.Direct, EUR), dec(y.Total, EUR), strconv.Itoa(y.OpenCallPct)})
		}
	case DashCSOs:
		rows = [][]string{{"year", "recipients", "records"}}
		for _, y := range c.Years {
			rows = append(rows, []string{strconv.Itoa(y.Year), strconv.Itoa(y.Recipients), strconv.Itoa(y.Records)})
		}
	default:
		return false, nil
	}
	cw := csvout.New(w)
	for _, row := range rows {
		if err := cw.Write(row); err != nil {
			return true, err
		}
	}
	cw.Flush()
	return true, cw.Error()
}

// currencyRows are the rows of the per-currency CSV: each currency
// present with its records, its amount and their euro value (empty when
// the currency has no rate), then the euro total, which is the sum of the
// rows above it to the cent. The rule of the rates is stated in every row.
func currencyRows(d Dashboard) [][]string {
	rows := [][]string{{"currency", "records", "amount", "amount_eur", "rates", "rate_rule"}}
	for _, ct := range d.ByCurrency {
		eur := ""
		if ct.Converted {
			eur = dec(ct.EUR, EUR)
		}
		rows = append(rows, []string{ct.Currency, strconv.Itoa(ct.Records), dec(ct.Amount, ct.Currency), eur, ratesText(d.Rates, ct.Currency), RateRule})
	}
	return append(rows, []string{"total", strconv.Itoa(d.Records), "", dec(d.Total, EUR), "", RateRule})
}

// ratesText lists the rates of cur used ("1.95583 fixed; 1.0321 on
// 2025-01-02"), for a CSV cell.
func ratesText(rates []RateUsed, cur string) string {
	var out []string
	for _, r := range rates {
		if r.Currency != cur {
			continue
		}
		when := "fixed"
		if r.Date != "" {
			when = "on " + r.Date
		}
		out = append(out, strconv.FormatFloat(r.PerEUR, 'f', -1, 64)+" "+when)
	}
	return strings.Join(out, "; ")
}
