package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// newGrantsApp is newTestApp with only the accounts' and this module's demo
// data, so that the grants tests do not depend on other modules' demos.
func newGrantsApp(t testing.TB, d *db.DB) *testApp {
	t.Helper()
	cfg := &config.Config{BaseURL: "http://example.test", TimeZone: time.UTC, Data: t.TempDir(), CheapPasswords: true}
	rec := &mail.Recorder{}
	a, err := Build(d, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), rec)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	ctx := context.Background()
	orgs := map[string]*auth.Organisation{}
	for _, o := range demoOrgs() {
		org := &auth.Organisation{Name: o.Name, Kind: o.Kind, PlaceCode: o.Place, Website: o.Website}
		if err := a.Auth.CreateOrganisation(ctx, nil, org, auth.Meta{IP: "test"}); err != nil {
			t.Fatal(err)
		}
		orgs[o.Name] = org
	}
	var admin *auth.User
	for _, acc := range DemoAccounts() {
		u, err := a.Auth.Register(ctx, auth.RegisterInput{Email: acc.Email, Name: acc.Name, Password: DemoPassword}, auth.Meta{IP: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if acc.Org != "" {
			if err := a.Auth.AddMember(ctx, nil, orgs[acc.Org].PublicID, u.PublicID, auth.Meta{}); err != nil && !errors.Is(err, refuse.ErrConflict) {
				t.Fatal(err)
			}
		}
		for _, g := range acc.Grants {
			if err := a.grantAsSystem(ctx, admin, u, g); err != nil {
				t.Fatal(err)
			}
		}
		if admin == nil {
			if admin, err = a.Auth.UserByPublicID(ctx, u.PublicID); err != nil {
				t.Fatal(err)
			}
		}
	}
	rep, _ := a.Auth.UserByEmail(ctx, "ocd@demo.dijalog.ba")
	if err := a.Auth.GrantRole(ctx, admin, rep.PublicID, auth.Grant{Role: auth.RoleCSORep, ScopeKind: auth.ScopeOrg, ScopeRef: orgs["Lokalna agencija za demokratiju Mostar (LDA Mostar)"].PublicID}, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := a.demoGrants(ctx); err != nil {
		t.Fatalf("demoGrants: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &testApp{App: a, srv: srv, mail: rec}
}

// TestGrantsPublicPages renders the module's public pages with the demo
// data, on both databases.
func TestGrantsPublicPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newGrantsApp(t, d)
		c := ta.client(t)
		status, body := get(t, c, ta.srv.URL+"/bs/calls")
		if status != http.StatusOK {
			t.Fatalf("/bs/calls = %d: %.500s", status, body)
		}
		for _, want := range []string{"Link za saradnju", "MAKERS", "Grad Mostar"} {
			if !strings.Contains(body, want) {
				t.Errorf("/bs/calls does not show %q", want)
			}
		}
		links := regexp.MustCompile(`href="/bs(/calls/[a-z0-9-]+)"`).FindAllStringSubmatch(body, -1)
		if len(links) < 3 {
			t.Fatalf("only %d call links", len(links))
		}
		for _, l := range links {
			if l[1] == "/calls/new" {
				continue
			}
			for _, loc := range []string{"bs", "en", "sr-Cyrl", "mk", "sq"} {
				if st, b := get(t, c, ta.srv.URL+"/"+loc+l[1]); st != http.StatusOK {
					t.Errorf("GET /%s%s = %d: %.300s", loc, l[1], st, b)
				}
			}
		}
		for _, p := range []string{"/en/grants/registry", "/en/grants/registry?lsg=ba-fbih-mostar&year=2025", "/en/calls/feed.atom", "/en/calls/deadlines.ics", "/en/calls?phase=open", "/en/places/ba-fbih-mostar"} {
			if st, b := get(t, c, ta.srv.URL+p); st != http.StatusOK {
				t.Errorf("GET %s = %d: %.300s", p, st, b)
			}
		}
		_, reg := get(t, c, ta.srv.URL+"/en/grants/registry")
		for _, want := range []string{"Agencija za lokalnu demokratiju Zavidovići", "Kulturni centar Abrašević"} {
			if !strings.Contains(reg, want) {
				t.Errorf("the registry does not show %q", want)
			}
		}
		st, js := get(t, c, ta.srv.URL+"/api/v1/grants.360giving.json")
		if st != http.StatusOK {
			t.Fatalf("360Giving = %d", st)
		}
		var pkg struct {
			Grants []map[string]any `json:"grants"`
		}
		if err := json.Unmarshal([]byte(js), &pkg); err != nil || len(pkg.Grants) < 10 {
			t.Fatalf("360Giving: %v, %d grants", err, len(pkg.Grants))
		}
		// The dashboard: four SVG charts, each with its table and CSV.
		_, dash := get(t, c, ta.srv.URL+"/en/grants/registry?lsg=ba-fbih-mostar&year=2025")
		if n := strings.Count(dash, `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`); n != 4 {
			t.Errorf("the Mostar dashboard has %d charts, want 4", n)
		}
		for _, by := range []string{"procedure", "recipient", "year", "csos"} {
			link := "/api/v1/grants/dashboard.csv?by=" + by + "&amp;lsg=ba-fbih-mostar&amp;year=2025"
			if !strings.Contains(dash, link) {
				t.Errorf("the dashboard does not link %s", link)
			}
		}
		_, csvBody := get(t, c, ta.srv.URL+"/api/v1/grants/dashboard.csv?by=year&lsg=ba-fbih-mostar&year=2025")
		var y2025 string
		for _, line := range strings.Split(csvBody, "\n") {
			if strings.HasPrefix(line, "2025,") {
				y2025 = line
			}
		}
		fields := strings.Split(y2025, ",")
		if len(fields) != 6 {
			t.Fatalf("the yearly CSV has no 2025 row:\n%s", csvBody)
		}
		// The table beside the chart shows the same total as the CSV.
		total, _ := grantsMoney(fields[4], fields[1])
		if !strings.Contains(dash, "<tr aria-current=\"true\"><th scope=\"row\"><mark>2025</mark></th>") || !strings.Contains(dash, total) {
			t.Errorf("the yearly table does not show the CSV's 2025 total %s", total)
		}
		for _, bad := range []string{"?by=nope", "?by=year&year=abc&lsg=" + strings.Repeat("x", 500), "?by=recipient&procedure=%00"} {
			st, b := get(t, c, ta.srv.URL+"/api/v1/grants/dashboard.csv"+bad)
			if st >= 500 || (bad == "?by=nope" && st != http.StatusBadRequest) {
				t.Errorf("dashboard.csv%s = %d: %.200s", bad, st, b)
			}
		}
	})
}

// grantsMoney formats a CSV decimal ("48000.00") of currency cur as the
// English pages do.
func grantsMoney(dec, cur string) (string, bool) {
	whole, frac, ok := strings.Cut(dec, ".")
	if !ok {
		return dec, false
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + "." + frac + "\u00a0" + cur, true
}

// TestGrants360GivingSchema validates the export against the 360Giving
// package schema (draft 2020-12) in ../shared/data, when it is present.
func TestGrants360GivingSchema(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "..", "shared", "data", "360giving")
	if _, err := os.Stat(filepath.Join(dir, "360-giving-package-schema.json")); err != nil {
		t.Skip("no 360Giving schema in ../shared/data")
	}
	ta := newGrantsApp(t, dbtest.SQLite(t))
	_, body := get(t, ta.client(t), ta.srv.URL+"/api/v1/grants.360giving.json")
	c := jsonschema.NewCompiler()
	for _, name := range []string{"360-giving-schema.json", "360-giving-package-schema.json"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
		if name == "360-giving-schema.json" {
			// The package refers to the grant schema by its 1.4.2 address.
			if err := c.AddResource(strings.Replace(id, "1.4.3", "1.4.2", 1), doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.AssertFormat()
	sch, err := c.Compile("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-package-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the 360Giving export does not validate: %v", err)
	}
	// The demo's awards carry their contract period (read in the
	// registry's one query, not one query per award).
	if n := strings.Count(body, `"startDate"`); n < 2 {
		t.Errorf("%d grants with plannedDates, want the demo's two contracted awards", n)
	}
	// A record without a funder must fail: the test can fail.
	bad := strings.Replace(body, `"fundingOrganization"`, `"fundingOrganisation"`, 1)
	inst, _ = jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if sch.Validate(inst) == nil {
		t.Error("a grant without fundingOrganization validated")
	}
}

// TestGrantsIDOR tries every role on every application page and action of
// the demo's assessed call; only the allowed get through.
func TestGrantsIDOR(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newGrantsApp(t, d)
		ctx := context.Background()
		svc := ta.Grants
		calls, err := svc.Calls.List(ctx, grantsFilter())
		if err != nil {
			t.Fatal(err)
		}
		var apps []string
		for _, c := range calls {
			list, err := svc.Applications.List(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range list {
				apps = append(apps, a.PublicID)
			}
		}
		if len(apps) < 3 {
			t.Fatalf("only %d submitted demo applications", len(apps))
		}
		// The coordinator of Mostar does not manage LDA Mostar's call; the
		// moderator, the citizen and Trnovo's staff have no part in it.
		clients := map[string]*http.Client{"anonymous": ta.client(t)}
		for _, email := range []string{"koordinator.mostar@demo.dijalog.ba", "moderator@demo.dijalog.ba", "gradjanin@demo.dijalog.ba", "osoblje.trnovo@demo.dijalog.ba"} {
			clients[email] = ta.login(t, email)
		}
		for name, c := range clients {
			for _, pid := range apps {
				for _, p := range []string{"/en/applications/" + pid, "/en/applications/" + pid + "/receipt", "/en/assess/" + pid} {
					if st, _ := get(t, c, ta.srv.URL+p); st != http.StatusNotFound && st != http.StatusForbidden && st != http.StatusSeeOther {
						t.Errorf("%s GET %s = %d, want 403/404", name, p, st)
					}
				}
				if name == "anonymous" {
					continue
				}
				tok := ta.csrf(t, c)
				for _, p := range []string{"/en/applications/" + pid, "/en/applications/" + pid + "/withdraw", "/en/assess/" + pid + "/declare", "/en/assess/" + pid + "/scores"} {
					if st, _, _ := post(t, c, ta.srv.URL+p, url.Values{"csrf_token": {tok}, "declaration": {"none"}, "version": {"1"}}); st != http.StatusNotFound && st != http.StatusForbidden {
						t.Errorf("%s POST %s = %d, want 403/404", name, p, st)
					}
				}
			}
		}
		// LDA Mostar re-grants: its representative manages the call and
		// reads the submitted applications, but cannot change or assess them.
		ocd := ta.login(t, "ocd@demo.dijalog.ba")
		tok := ta.csrf(t, ocd)
		for _, pid := range apps {
			if st, _ := get(t, ocd, ta.srv.URL+"/en/applications/"+pid); st != http.StatusOK {
				t.Errorf("call manager GET application = %d, want 200", st)
			}
			if st, _ := get(t, ocd, ta.srv.URL+"/en/assess/"+pid); st != http.StatusNotFound {
				t.Errorf("call manager GET assessment = %d, want 404", st)
			}
			if st, _, _ := post(t, ocd, ta.srv.URL+"/en/applications/"+pid, url.Values{"csrf_token": {tok}, "version": {"1"}}); st != http.StatusNotFound {
				t.Errorf("call manager POST application = %d, want 404", st)
			}
		}
		// The demo assessor sees the applications he declared on, and the
		// administrator (who manages everything) sees them all.
		admin := ta.login(t, "admin@demo.dijalog.ba")
		for _, pid := range apps {
			if st, _ := get(t, admin, ta.srv.URL+"/en/applications/"+pid); st != http.StatusOK {
				t.Errorf("admin GET application = %d", st)
			}
		}
		assessor := ta.login(t, "ocjenjivac@demo.dijalog.ba")
		seen := 0
		for _, pid := range apps {
			st, _ := get(t, assessor, ta.srv.URL+"/en/assess/"+pid)
			if st == http.StatusOK {
				seen++
			}
		}
		if seen == 0 {
			t.Error("the demo assessor sees none of his assigned applications")
		}
	})
}

func grantsFilter() grants.CallFilter { return grants.CallFilter{} }

// TestGrantsGarbage sends nonsense to every grants route as the
// administrator (who passes every permission check): never a 500.
func TestGrantsGarbage(t *testing.T) {
	t.Parallel()
	ta := newGrantsApp(t, dbtest.SQLite(t))
	c := ta.login(t, "admin@demo.dijalog.ba")
	tok := ta.csrf(t, c)
	junk := url.Values{"csrf_token": {tok}, "version": {"-1"}, "title": {strings.Repeat("é", 300)}, "total": {"1e9"}, "publisher": {"lsg:"}, "opens_at": {"2026-13-40T99:99"},
		"decision": {"maybe"}, "application": {"nope"}, "assessor": {"x"}, "declaration": {"perhaps"}, "points_1": {"-3"}, "due_on": {"yesterday"}, "amount": {"-1"}, "kind": {"poem"},
		"budget_0_item": {"x"}, "budget_0_cost": {"abc"}, "f1": {"\x00"}, "eligibility": {"maybe | ?"}, "form": {"budget"}, "criteria": {"0 | 0 | x"}, "verdict": {"x"}}
	for _, r := range ta.Web.Routes() {
		if !strings.Contains(r.Pattern, "calls") && !strings.Contains(r.Pattern, "applications") && !strings.Contains(r.Pattern, "assess") && !strings.Contains(r.Pattern, "awards") && !strings.Contains(r.Pattern, "grants") {
			continue
		}
		p := strings.Replace(r.Pattern, "{lang}", "en", 1)
		for _, v := range []string{"{slug}", "{id}", "{qid}", "{rid}", "{n}"} {
			p = strings.ReplaceAll(p, v, "%E2%80%AE..%2F")
		}
		var st int
		var body string
		if r.Method == http.MethodGet {
			st, body = get(t, c, ta.srv.URL+p)
		} else {
			st, body, _ = post(t, c, ta.srv.URL+p, junk)
		}
		if st >= 500 {
			t.Errorf("%s %s = %d: %.300s", r.Method, p, st, body)
		}
	}
	// Real records with junk input.
	calls, _ := ta.Grants.Calls.List(context.Background(), grants.CallFilter{})
	for _, cl := range calls {
		for _, p := range []string{"/edit", "/questions", "/apply", "/assign", "/decide", "/autoassign", "/results", "/documents"} {
			if st, body, _ := post(t, c, ta.srv.URL+"/en/calls/"+cl.Slug+p, junk); st >= 500 {
				t.Errorf("POST %s%s = %d: %.300s", cl.Slug, p, st, body)
			}
		}
		apps, _ := ta.Grants.Applications.List(context.Background(), cl)
		for _, a := range apps {
			for _, p := range []string{"/en/applications/" + a.PublicID, "/en/applications/" + a.PublicID + "/withdraw", "/en/assess/" + a.PublicID + "/scores"} {
				if st, body, _ := post(t, c, ta.srv.URL+p, junk); st >= 500 {
					t.Errorf("POST %s = %d: %.300s", p, st, body)
				}
			}
			if w, err := ta.Grants.Awards.OfApp(context.Background(), a.ID); err == nil {
				for _, p := range []string{"/contract", "/instalments", "/reports", "/instalments/99/paid", "/reports/x/submit", "/reports/x/review"} {
					if st, body, _ := post(t, c, ta.srv.URL+"/en/awards/"+w.PublicID+p, junk); st >= 500 {
						t.Errorf("POST award%s = %d: %.300s", p, st, body)
					}
				}
				if st, body := get(t, c, ta.srv.URL+"/en/awards/"+w.PublicID); st != http.StatusOK {
					t.Errorf("GET award = %d: %.300s", st, body)
				}
			}
			for _, p := range []string{"/en/applications/" + a.PublicID, "/en/applications/" + a.PublicID + "/receipt", "/en/calls/" + cl.Slug + "/manage", "/en/calls/" + cl.Slug + "/edit"} {
				if st, body := get(t, c, ta.srv.URL+p); st != http.StatusOK {
					t.Errorf("GET %s = %d: %.300s", p, st, body)
				}
			}
		}
	}
	for _, p := range []string{"/en/calls/new", "/en/applications", "/en/assess"} {
		if st, body := get(t, c, ta.srv.URL+p); st != http.StatusOK {
			t.Errorf("GET %s = %d: %.300s", p, st, body)
		}
	}
}

// BenchmarkGrantsPages measures the public pages over HTTP on SQLite: with
// the demo data, and with 400 more calls and 2,000 more registry records
// (a national registry). Every request carries a different query so the
// anonymous page cache never answers:
// go test -run XXX -bench BenchmarkGrants -benchtime 100x ./internal/app/
func BenchmarkGrantsPages(b *testing.B) {
	for _, size := range []string{"demo", "large"} {
		ta := newGrantsApp(b, dbtest.SQLite(b))
		if size == "large" {
			grantsBulk(b, ta, 400, 2000)
		}
		for _, p := range []string{"/bs/calls", "/bs/calls?phase=open", "/api/v1/grants.360giving.json", "/bs/grants/registry?lsg=ba-fbih-mostar"} {
			b.Run(size+strings.ReplaceAll(p, "/", "_"), func(b *testing.B) {
				c := &http.Client{}
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				n := 0
				for b.Loop() {
					n++
					resp, err := c.Get(ta.srv.URL + p + sep + "bench=" + strconv.Itoa(n))
					if err != nil || resp.StatusCode != http.StatusOK {
						b.Fatalf("GET %s: %v", p, err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
	}
}

// grantsBulk adds calls (published, closing a day apart around now) and
// registry records (imported, 2015-2026, Mostar and Tuzla).
func grantsBulk(b *testing.B, ta *testApp, calls, records int) {
	b.Helper()
	ctx := context.Background()
	admin, err := ta.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
	if err != nil {
		b.Fatal(err)
	}
	admin, _ = ta.Auth.UserByPublicID(ctx, admin.PublicID)
	zone := ta.Grants.Zone()
	for i := range calls {
		opens := time.Now().AddDate(0, 0, -calls/2+i)
		c, err := ta.Grants.Calls.Create(ctx, admin, grants.CallInput{
			Publisher: "lsg:ba-fbih-mostar", Funder: "Grad Mostar", Lang: "bs",
			Texts:    []grants.Text{{Lang: "bs", Title: "Javni poziv " + strconv.Itoa(i), Body: "Tekst poziva."}},
			Currency: "BAM", Total: "10.000", Min: "500", Max: "2.000", OwnSharePct: "10", DivergencePct: "30",
			OpensAt: grants.FormatLocal(opens, zone), QuestionsUntil: grants.FormatLocal(opens.AddDate(0, 0, 10), zone), ClosesAt: grants.FormatLocal(opens.AddDate(0, 0, 20), zone),
			Form: "budget | Budžet | required", Criteria: "100 | 10 | Kvalitet",
		}, grants.Meta{})
		if err != nil {
			b.Fatal(err)
		}
		if err := ta.Grants.Calls.Publish(ctx, admin, c.Slug, grants.Meta{}); err != nil {
			b.Fatal(err)
		}
	}
	var csv strings.Builder
	csv.WriteString("year,lsg,funder,recipient,amount,currency,purpose,procedure\n")
	for i := range records {
		lsg, proc := "ba-fbih-mostar", "open_call"
		if i%3 == 0 {
			lsg, proc = "ba-fbih-zavidovici", "direct"
		}
		fmt.Fprintf(&csv, "%d,%s,Grad,Udruženje %d,%d.00,BAM,Projekat %d,%s\n", 2015+i%12, lsg, i%150, 500+i%40*100, i, proc)
	}
	if n, bad, err := ta.ImportSupport(ctx, strings.NewReader(csv.String())); err != nil || len(bad) > 0 || n != records {
		b.Fatalf("import: %d %v %v", n, bad, err)
	}
}

// TestGrantsAutosave saves LDA Mostar's draft in the background as
// grants.js does, on both databases: the new version comes back; a save
// carrying an older version (a second member, or a second tab) is refused
// and names who saved; a broken field is reported and nothing is saved.
func TestGrantsAutosave(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newGrantsApp(t, d)
		c := ta.login(t, "ocd@demo.dijalog.ba")
		page, action, form := ldaDraft(t, ta, c, `data-autosave="autosave-status"`)
		// The checks before submission name and link the fields they are about.
		// (A label in another language than the page's is marked with its lang.)
		if !regexp.MustCompile(`<li><a href="#f-f[0-9]+">(?:<span lang="[a-zA-Z-]+">)?[^<]+(?:</span>)?</a>: `).MatchString(page) {
			t.Error("the draft's checks do not name their fields")
		}
		if form.Get("version") == "" || form.Get("csrf_token") == "" {
			t.Fatalf("the draft's form lacks its version or token: %v", form)
		}
		old := form.Get("version")
		autosave := func(f url.Values) (int, map[string]any) {
			t.Helper()
			f.Set("action", "autosave")
			st, body, h := post(t, c, ta.srv.URL+action, f)
			var out map[string]any
			if !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(body), &out) != nil {
				t.Fatalf("autosave answered %d %s: %.300s", st, h.Get("Content-Type"), body)
			}
			return st, out
		}
		form.Set("title", "Pametna klupa – automatski sačuvano")
		st, out := autosave(form)
		if st != http.StatusOK || out["saved"] != true || fmt.Sprint(out["version"]) == old {
			t.Fatalf("autosave = %d %v, want saved with a new version", st, out)
		}
		if _, body := get(t, c, ta.srv.URL+action); !strings.Contains(body, "Pametna klupa – automatski sačuvano") {
			t.Error("the automatically saved title is not on the page")
		}
		// The same form again, with the version it was opened at.
		form.Set("title", "Pametna klupa – iz druge kartice")
		st, out = autosave(form)
		if st != http.StatusConflict || out["stale"] != true || !strings.Contains(fmt.Sprint(out["message"]), "Ivana") {
			t.Errorf("a stale autosave = %d %v, want 409 naming who saved", st, out)
		}
		if _, body := get(t, c, ta.srv.URL+action); strings.Contains(body, "iz druge kartice") {
			t.Error("the stale autosave overwrote the newer version")
		}
		_, body := get(t, c, ta.srv.URL+action)
		form.Set("version", regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1])
		form.Set("budget_0_cost", "-5")
		if st, out = autosave(form); st != http.StatusUnprocessableEntity || out["saved"] != false {
			t.Errorf("an autosave with a negative budget line = %d %v, want 422", st, out)
		}
	})
}

// TestGrantsAttachments uploads a file to LDA Mostar's draft, on both
// databases: a file whose content is not its type is refused with a field
// error; the accepted one is stored in the data directory (not under the
// web root) and served as an attachment only to those who may read the
// application.
func TestGrantsAttachments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newGrantsApp(t, d)
		c := ta.login(t, "ocd@demo.dijalog.ba")
		page, action, form := ldaDraft(t, ta, c, `type="file"`)
		fileField := regexp.MustCompile(`<input id="f-([a-z0-9]+)" name="[a-z0-9]+" type="file"`).FindStringSubmatch(page)
		if fileField == nil {
			t.Fatal("no file input")
		}
		form.Set("action", "save")
		upload := func(filename string, data []byte) (int, string) {
			t.Helper()
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for k := range form {
				mw.WriteField(k, form.Get(k))
			}
			fw, _ := mw.CreateFormFile(fileField[1], filename)
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+action, &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if st, body := upload("plan.pdf", []byte("MZ\x90\x00 not a pdf at all")); st != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error"`) {
			t.Errorf("a program named .pdf: %d, want 422 with a field error", st)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		st, body := upload("plan <projekta>.pdf", pdf)
		if st != http.StatusOK {
			t.Fatalf("upload a PDF: %d: %.300s", st, body)
		}
		link := regexp.MustCompile(`href="(/en/grants/files/[0-9a-f-]{36})"`).FindStringSubmatch(body)
		if link == nil {
			t.Fatal("the saved draft does not link its file")
		}
		resp, err := c.Get(ta.srv.URL + link[1])
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, pdf) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("the file: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Disposition"), resp.Header.Get("X-Content-Type-Options"))
		}
		// Stored under the data directory, under a name of its own.
		var found []string
		filepath.WalkDir(ta.Cfg.Data, func(p string, de os.DirEntry, err error) error {
			if err == nil && !de.IsDir() {
				if b, _ := os.ReadFile(p); bytes.Equal(b, pdf) {
					found = append(found, p)
				}
			}
			return nil
		})
		if len(found) != 1 || strings.Contains(found[0], "projekta") {
			t.Errorf("the file is stored at %v, want one file in the data directory under a generated name", found)
		}
		for who, other := range map[string]*http.Client{"anonymous": ta.client(t), "citizen": ta.login(t, "gradjanin@demo.dijalog.ba"), "Mostar's coordinator": ta.login(t, "koordinator.mostar@demo.dijalog.ba")} {
			if st, _ := get(t, other, ta.srv.URL+link[1]); st != http.StatusNotFound && st != http.StatusForbidden {
				t.Errorf("%s downloads the application's file: %d", who, st)
			}
		}
	})
}

// ldaDraft finds LDA Mostar's editable draft whose page contains mark and
// returns the page, its address and its form's values as a browser would
// send them (files and the site search left out).
func ldaDraft(t *testing.T, ta *testApp, c *http.Client, mark string) (string, string, url.Values) {
	t.Helper()
	_, list := get(t, c, ta.srv.URL+"/en/applications")
	var page, action string
	for _, m := range regexp.MustCompile(`href="(/en/applications/[0-9a-f-]{36})"`).FindAllStringSubmatch(list, -1) {
		if _, body := get(t, c, ta.srv.URL+m[1]); strings.Contains(body, mark) && strings.Contains(body, `value="save"`) {
			page, action = body, m[1]
			break
		}
	}
	if action == "" {
		t.Fatalf("LDA Mostar has no editable draft with %s", mark)
	}
	form := url.Values{}
	name, value := regexp.MustCompile(`name="([^"]+)"`), regexp.MustCompile(`value="([^"]*)"`)
	for _, tag := range regexp.MustCompile(`<input [^>]+>`).FindAllString(page, -1) {
		n, v := name.FindStringSubmatch(tag), value.FindStringSubmatch(tag)
		if n == nil || strings.Contains(tag, `type="file"`) || strings.Contains(tag, `type="search"`) {
			continue
		}
		if v == nil {
			v = []string{"", ""}
		}
		form.Set(n[1], html.UnescapeString(v[1]))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	return page, action, form
}
