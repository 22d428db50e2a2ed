package app

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/grants"
)

// TestGrantsMoneyTrail: an award's page shows the history of its money by
// role, never by person; a wrong instalment is refused in the reader's
// language with the form as typed; the registry states its rates, and its
// CSV's rows add up to the per-currency totals to the cent, every currency
// present (issue 15).
func TestGrantsMoneyTrail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newGrantsApp(t, d)
		ctx := context.Background()
		// Support in a currency without a rate (the test has no rate table).
		if n, bad, err := ta.ImportSupport(ctx, strings.NewReader("year,lsg,funder,recipient,amount,currency,purpose,procedure\n2025,ba-fbih-mostar,USAID,Udruženje Most,\"1.234,56\",USD,Program,direct\n")); n != 1 || len(bad) > 0 || err != nil {
			t.Fatalf("import: %d %v %v", n, bad, err)
		}
		recs, err := ta.Grants.Registry.Support(ctx, grants.SupportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var award string
		for _, r := range recs {
			if r.AwardPID != "" && r.StartsOn != "" {
				award = r.AwardPID
			}
		}
		if award == "" {
			t.Fatal("the demo has no award with a contract")
		}
		anon := ta.client(t)
		status, body := get(t, anon, ta.srv.URL+"/en/awards/"+award)
		if status != http.StatusOK {
			t.Fatalf("award page: %d", status)
		}
		for _, want := range []string{"History of the grant&#39;s money", "Grant awarded", "Contract (number and period)", "Instalment of", "planned in total", "paid in total", "administrator"} {
			if !strings.Contains(body, want) {
				t.Errorf("the award's history lacks %q", want)
			}
		}
		if strings.Contains(body, "@demo.dijalog.ba") {
			t.Error("the award page shows an e-mail address")
		}
		admin := ta.login(t, "admin@demo.dijalog.ba")
		for loc, msg := range map[string]string{"en": "falls after the contract ends", "bs": "pada poslije isteka ugovora", "sr-Cyrl": "пада после истека уговора", "sq": "bie pas përfundimit të kontratës"} {
			status, _, body := postForm(t, admin, ta.srv.URL+"/"+loc+"/awards/"+award+"/instalments", url.Values{"csrf_token": {ta.csrf(t, admin)}, "due_on": {"2027-03-01"}, "amount": {"12,34"}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, msg) || !strings.Contains(body, `value="2027-03-01"`) || !strings.Contains(body, `value="12,34"`) {
				t.Errorf("%s: an instalment after the contract: %d (want 422 with %q and the values typed)", loc, status, msg)
			}
		}
		// The registry names its rule and rates.
		_, body = get(t, anon, ta.srv.URL+"/en/grants/registry")
		for _, want := range []string{"Totals per currency", "converted at the exchange rate of its own award date", "1 EUR = 1.95583 BAM (fixed rate)", "In euro", "no exchange rate", "not in the euro sums"} {
			if !strings.Contains(body, want) {
				t.Errorf("the registry lacks %q", want)
			}
		}
		// The rows of the export add up to the totals, per currency and in euro.
		rows := csvRows(t, ta, "/api/v1/grants/support.csv")
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		perCur, eur := map[string]int64{}, int64(0)
		for _, r := range rows[1:] {
			perCur[r[col["currency"]]] += centsOf(t, r[col["amount"]])
			if v := r[col["amount_eur"]]; v != "" {
				eur += centsOf(t, v)
			}
		}
		totals := csvRows(t, ta, "/api/v1/grants/dashboard.csv?by=currency")
		seen := 0
		for _, r := range totals[1 : len(totals)-1] {
			seen++
			if got := centsOf(t, r[2]); got != perCur[r[0]] {
				t.Errorf("%s: total %d, the rows add up to %d", r[0], got, perCur[r[0]])
			}
		}
		if last := totals[len(totals)-1]; last[0] != "total" || centsOf(t, last[3]) != eur {
			t.Errorf("euro total %v, the rows add up to %d", last, eur)
		}
		if seen != len(perCur) || perCur["USD"] != 123456 || len(perCur) < 3 {
			t.Errorf("the totals list %d currencies, the rows have %d: %v", seen, len(perCur), perCur)
		}
	})
}

func csvRows(t *testing.T, ta *testApp, path string) [][]string {
	t.Helper()
	status, body := get(t, ta.client(t), ta.srv.URL+path)
	if status != http.StatusOK {
		t.Fatalf("%s: %d", path, status)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return rows
}

// centsOf reads a CSV decimal ("2500.50") as cents.
func centsOf(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || len(frac) != 2 {
		t.Fatalf("not a decimal with cents: %q", s)
	}
	return n
}
