package grants

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/google/go-cmp/cmp"
)

// testRates is a rate table: the convertible mark's fixed peg and two
// dated rates of the dollar; no rate of the franc.
type testRates struct{}

func (testRates) ToEUR(_ context.Context, a money.Amount, date string) (int64, Rate, bool, error) {
	var r Rate
	switch a.Currency {
	case "BAM":
		r = Rate{Currency: "BAM", PerEUR: 1.95583}
	case "USD":
		r = Rate{Currency: "USD", PerEUR: 1.0956, Date: "2024-01-02"}
		if date >= "2025-01-02" {
			r = Rate{Currency: "USD", PerEUR: 1.0321, Date: "2025-01-02"}
		}
	default:
		return 0, Rate{}, false, nil
	}
	return int64(math.Round(float64(a.Minor) / r.PerEUR)), r, true, nil
}

const registryCSV = `year,lsg,funder,recipient,amount,currency,purpose,procedure,award_date,recipient_jib
2024,ba-fbih-mostar,Grad Mostar,Kulturni centar ABRAŠEVIĆ,"1.000,01",BAM,Program,direct,2024-05-01,
2025,ba-fbih-mostar,Grad Mostar,DRUŠTVO prijatelja Mostara,"333,33",BAM,Program,open_call,2025-03-15,4200000000009
2025,ba-fbih-mostar,Delegacija EU,Udruženje Most,"2.500,50",EUR,Program,open_call,2025-06-01,
2024,,UNDP,Ђурђевачки омладински центар,"1.234,56",USD,Program,direct,2024-07-01,
2023,,UNDP,Mladi most,"999,99",USD,Program,direct,2023-05-05,
2025,,SDC,Omladinski centar,700,CHF,Program,direct,2025-02-02,
`

// TestRegistryEveryCurrency: the registry converts each record to euro at
// the rate of its own date; its rows add up to the totals to the cent,
// per currency and in euro, and every currency is present (the one
// without a rate stated, not dropped). It fails on the old code, which
// summed the most common currency only.
func TestRegistryEveryCurrency(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		svc := NewService(d, w.au, Options{Now: w.svc.o.Now, Zone: sarajevo(), Rates: testRates{}})
		if n, errs, err := svc.Registry.Import(ctx, strings.NewReader(registryCSV), nil); err != nil || len(errs) > 0 || n != 6 {
			t.Fatalf("import: %d, %v, %v", n, errs, err)
		}
		recs, err := svc.Registry.Support(ctx, SupportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Registry.ToEUR(ctx, recs); err != nil {
			t.Fatal(err)
		}
		type conv struct {
			eur       int64
			rateDate  string
			converted bool
		}
		want := map[string]conv{
			"Kulturni centar ABRAŠEVIĆ":    {51130, "", true}, // 1000.01 / 1.95583, the fixed rate
			"DRUŠTVO prijatelja Mostara":   {17043, "", true},
			"Udruženje Most":               {250050, "", true},
			"Ђурђевачки омладински центар": {112683, "2024-01-02", true}, // the rate of its date
			"Mladi most":                   {91273, "2024-01-02", true},  // before any rate: the earliest after
			"Omladinski centar":            {0, "", false},               // no rate of CHF
		}
		for _, r := range recs {
			if got := (conv{r.EUR, r.Rate.Date, r.Converted}); got != want[r.Recipient] {
				t.Errorf("%s %s: %+v, want %+v", r.Recipient, r.Money(), got, want[r.Recipient])
			}
		}
		// The export's rows add up to the per-currency CSV's totals.
		var all bytes.Buffer
		if err := WriteSupportCSV(&all, recs); err != nil {
			t.Fatal(err)
		}
		rows := readAll(t, &all)
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		perCur, eurRows := map[string]int64{}, int64(0)
		for _, row := range rows[1:] {
			perCur[row[col["currency"]]] += cents(t, row[col["amount"]])
			if row[col["amount_eur"]] != "" {
				eurRows += cents(t, row[col["amount_eur"]])
			}
		}
		totals := readCSV(t, DashCurrency, recs, 0)
		seen := map[string]bool{}
		for _, row := range totals[1 : len(totals)-1] {
			seen[row[0]] = true
			if got := cents(t, row[2]); got != perCur[row[0]] {
				t.Errorf("%s: total %d, rows add up to %d", row[0], got, perCur[row[0]])
			}
		}
		if d := cmp.Diff(map[string]bool{"BAM": true, "EUR": true, "USD": true, "CHF": true}, seen); d != "" {
			t.Errorf("currencies in the totals (-want +got):\n%s", d)
		}
		last := totals[len(totals)-1]
		if last[0] != "total" || cents(t, last[3]) != eurRows || eurRows != 51130+17043+250050+112683+91273 {
			t.Errorf("euro total %v, rows add up to %d", last, eurRows)
		}
		dash := Summarise(recs)
		if dash.Total != eurRows || dash.Unconverted != 1 {
			t.Errorf("dashboard total %d (%d unconverted), rows %d", dash.Total, dash.Unconverted, eurRows)
		}
		// The rates used, with their dates, are stated.
		wantRates := []RateUsed{{Rate{"BAM", 1.95583, ""}, 2}, {Rate{"USD", 1.0956, "2024-01-02"}, 2}}
		if d := cmp.Diff(wantRates, dash.Rates); d != "" {
			t.Errorf("rates used (-want +got):\n%s", d)
		}
		for _, row := range totals {
			if row[0] == "USD" && row[4] != "1.0956 on 2024-01-02" || row[0] == "BAM" && row[4] != "1.95583 fixed" {
				t.Errorf("the %s row states the rates %q", row[0], row[4])
			}
		}
	})
}

// TestGivingIdentifiers: 360Giving names a recipient by its JIB when it
// gave one, else by the platform's own identifier made from its name
// folded to ASCII without losing letters (the old code dropped Š and Ć:
// ABRAEVI, DRUTVO).
func TestGivingIdentifiers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		if _, errs, err := w.svc.Registry.Import(ctx, strings.NewReader(registryCSV), nil); err != nil || len(errs) > 0 {
			t.Fatalf("import: %v %v", errs, err)
		}
		aw, _ := w.awardedJIB(t, "4400000000003")
		pkg, err := w.svc.Registry.Giving(ctx, func(code string) string { return code })
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][2]string{}
		for _, g := range pkg.Grants {
			got[g.RecipientOrganization[0].Name] = [2]string{g.RecipientOrganization[0].ID, g.FundingOrganization[0].ID}
		}
		want := map[string][2]string{
			"Kulturni centar ABRAŠEVIĆ":    {"360G-dijalog-org-KULTURNI_CENTAR_ABRASEVIC", "360G-dijalog-org-GRAD_MOSTAR"},
			"DRUŠTVO prijatelja Mostara":   {"BA-JIB-4200000000009", "360G-dijalog-org-GRAD_MOSTAR"},
			"Udruženje Most":               {"360G-dijalog-org-UDRUZENJE_MOST", "360G-dijalog-org-DELEGACIJA_EU"},
			"Ђурђевачки омладински центар": {"360G-dijalog-org-DJURDJEVACKI_OMLADINSKI_CENTAR", "360G-dijalog-org-UNDP"},
			"Mladi most":                   {"360G-dijalog-org-MLADI_MOST", "360G-dijalog-org-UNDP"},
			"Omladinski centar":            {"360G-dijalog-org-OMLADINSKI_CENTAR", "360G-dijalog-org-SDC"},
			w.orgA.Name:                    {"BA-JIB-4400000000003", "360G-dijalog-org-GRAD_MOSTAR"},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("360Giving identifiers (-want +got):\n%s", d)
		}
		if aw.OrgName != w.orgA.Name {
			t.Errorf("award of %q", aw.OrgName)
		}
	})
}

// TestJIB: the registration number is 13 digits, or none; a wrong one is
// refused on its field in the application and on its line in an import.
func TestJIB(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{"4200000000009": true, "420000000000": false, "42000000000091": false, "42000000O0009": false, "": false} {
		if ValidJIB(s) != ok {
			t.Errorf("ValidJIB(%q) = %v", s, !ok)
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.set("2026-03-10 10:00:00")
		a := w.draft(t, w.repA, w.orgA.PublicID)
		_, err := w.svc.Applications.Save(ctx, w.repA, w.call, a.PublicID, Draft{Version: a.Version, Title: a.Title, JIB: "12345", Values: a.Answers}, Meta{})
		if fieldErr(err, "jib") != "grants.jib.invalid" {
			t.Errorf("a JIB of 5 digits: %v", err)
		}
		_, errs, err := w.svc.Registry.Import(ctx, strings.NewReader("year,lsg,funder,recipient,amount,currency,purpose,procedure,recipient_jib\n2025,,F,R,10,BAM,,direct,12-34\n"), nil)
		if err != nil || len(errs) != 1 || errs[0].Field != "recipient_jib" {
			t.Errorf("import of a wrong JIB: %v %v", errs, err)
		}
	})
}

func readAll(t *testing.T, b *bytes.Buffer) [][]string {
	t.Helper()
	rows, err := csv.NewReader(b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// cents reads a CSV decimal ("2500.50") as cents.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || len(frac) != 2 {
		t.Fatalf("not a decimal with cents: %q", s)
	}
	return n
}
