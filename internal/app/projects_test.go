package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/projects"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/google/go-cmp/cmp"
)

// projectID finds a demo project by a word of its title.
func (ta *testApp) projectID(t *testing.T, q string) string {
	t.Helper()
	res, err := ta.Projects.List(context.Background(), projects.Filter{Q: q})
	if err != nil || res.Total == 0 {
		t.Fatalf("no demo project matches %q (%v)", q, err)
	}
	return res.Items[0].PublicID
}

// orgID is the public id of the demo organisation whose name contains name.
func (ta *testApp) orgID(t *testing.T, name string) string {
	t.Helper()
	orgs, err := ta.Auth.Organisations(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if strings.Contains(o.Name, name) {
			return o.PublicID
		}
	}
	t.Fatalf("no demo organisation %q", name)
	return ""
}

func TestProjectsPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		c := ta.client(t)
		status, body := get(t, c, ta.srv.URL+"/bs/projects?lsg=ba-fbih-mostar&sort=title")
		if status != 200 || !strings.Contains(body, "LINK za saradnju") || !strings.Contains(body, "MAKERS") {
			t.Fatalf("list filtered by Mostar: %d %.300s", status, body)
		}
		if strings.Contains(body, "Prekogranično umrežavanje") {
			t.Errorf("the Mostar list shows a project of Banja Luka")
		}
		if strings.Contains(body, `style="`) {
			t.Errorf("inline style on the list page")
		}
		// the filter state is in the links to the exports
		if !strings.Contains(body, "/api/v1/projects.csv?lsg=ba-fbih-mostar&amp;sort=title") {
			t.Errorf("CSV link does not keep the filter")
		}
		status, body = get(t, c, ta.srv.URL+"/en/projects?status=99&year=x")
		if status != http.StatusBadRequest || !strings.Contains(body, "Some filter values were not valid") {
			t.Errorf("bad filter: %d", status)
		}
		id := ta.projectID(t, "makers")
		status, body = get(t, c, ta.srv.URL+"/bs/projects/"+id)
		for _, want := range []string{"425.000 USD", "Porticus", "Trnovo (RS)", `href="/bs/places/ba-fbih-trnovo"`, "<svg", "Lokalne inicijative sufinansirane", "Cilj 16"} {
			if !strings.Contains(body, want) {
				t.Errorf("MAKERS page lacks %q", want)
			}
		}
		if status != 200 || strings.Contains(body, `style="`) {
			t.Errorf("MAKERS page: %d", status)
		}
		// English reader of a Bosnian-only text sees the fallback note.
		vol := ta.projectID(t, "Prekogranicno umrezavanje")
		_, body = get(t, c, ta.srv.URL+"/sq/projects/"+vol)
		if !strings.Contains(body, "Ky tekst nuk është i disponueshëm në gjuhën tuaj") || !strings.Contains(body, `lang="bs"`) {
			t.Errorf("no fallback note for an Albanian reader")
		}
		_, body = get(t, c, ta.srv.URL+"/sr-Cyrl/projects/"+ta.projectID(t, "link za saradnju"))
		if !strings.Contains(body, "Мостар") {
			t.Errorf("sr-Cyrl page does not show names in Cyrillic")
		}
		status, _ = get(t, c, ta.srv.URL+"/en/projects/no-such-project")
		if status != 404 {
			t.Errorf("unknown project: %d", status)
		}
		// dashboard in every currency, per capita map
		for _, q := range []string{"", "?currency=USD&measure=capita", "?currency=BAM"} {
			status, body = get(t, c, ta.srv.URL+"/en/projects/dashboard"+q)
			if status != 200 || !strings.Contains(body, "Each project is converted at the exchange rates of its own date") || strings.Count(body, "<svg") < 5 {
				t.Errorf("dashboard%s: %d", q, status)
			}
		}
		status, _ = get(t, c, ta.srv.URL+"/en/projects/dashboard?currency=XXX")
		if status != 400 {
			t.Errorf("dashboard with an unknown currency: %d", status)
		}
		// the LSG page lists its projects and totals
		_, body = get(t, c, ta.srv.URL+"/bs/places/ba-fbih-mostar")
		if !strings.Contains(body, `id="lsg-projects"`) || !strings.Contains(body, "MAKERS") || !strings.Contains(body, "425.000\u00a0USD") {
			t.Errorf("Mostar's page lacks its projects")
		}
	})
}

var fieldErrRe = regexp.MustCompile(`id="e-([a-z_0-9]+)"`)

func projectForm(tok string) url.Values {
	return url.Values{"csrf_token": {tok}, "kind": {"project"}, "status": {"2"}, "default_lang": {"bs"},
		"title_bs": {"Sufinansiranje inicijativa mladih u Trnovu"}, "title_en": {"Co-financing youth initiatives in Trnovo"},
		"summary_bs": {"Tri inicijative izabrane na forumu."}, "planned_start": {"2026-03-01"}, "planned_end": {"2027-02-28"},
		"budget": {"24.000,00"}, "currency": {"BAM"}, "lsg": {"ba-fbih-trnovo"}, "sectors": {"15150"}, "sdg": {"16"},
		"org_role_0": {"1"}, "org_name_0": {"UNDP Bosna i Hercegovina"}, "org_role_1": {"4"}, "org_name_1": {"Udruženje mladih Trnovo"},
		"tx_type_0": {"3"}, "tx_date_0": {"2026-04-01"}, "tx_amount_0": {"8000"}, "tx_currency_0": {"BAM"},
		"target_label_0": {"Inicijative sufinansirane"}, "target_value_0": {"3"}, "target_actual_0": {"1"}, "target_date_0": {"2026-06-30"},
		"ms_title_0": {"Forum za građanske inicijative"}, "ms_date_0": {"2026-03-15"}, "ms_done_0": {"1"},
		"link_title_0": {"Javni poziv"}, "link_url_0": {"https://www.undp.org/bosnia-herzegovina"}}
}

func TestProjectsEdit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		// Anonymous: an explanation, and posting leads to sign-in.
		anon := ta.client(t)
		status, body := get(t, anon, ta.srv.URL+"/en/projects/new")
		if status != 200 || !strings.Contains(body, "Sign in with such an account") {
			t.Errorf("anonymous /projects/new: %d", status)
		}
		// A citizen may not add projects.
		citizen := ta.login(t, "gradjanin@demo.dijalog.ba")
		if status, _ := get(t, citizen, ta.srv.URL+"/en/projects/new"); status != 403 {
			t.Errorf("citizen /projects/new: %d", status)
		}
		pm := ta.login(t, DemoProgrammeManager)
		status, body = get(t, pm, ta.srv.URL+"/bs/projects/new")
		m := csrfRe.FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("programme manager /projects/new: %d", status)
		}
		tok := m[1]
		// Bad input: field errors, status 422, nothing saved.
		bad := projectForm(tok)
		bad.Set("planned_end", "2025-01-01")
		bad.Set("budget", "-5")
		bad.Set("tx_currency_0", "XXX")
		bad.Set("target_value_0", "lots")
		bad.Set("link_url_0", "javascript:alert(1)")
		status, body, _ = post(t, pm, ta.srv.URL+"/bs/projects/new", bad)
		var got []string
		for _, m := range fieldErrRe.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		slices.Sort(got)
		if diff := cmp.Diff([]string{"budget", "link_url_0", "planned_end", "target_value_0", "tx_currency_0"}, got); status != 422 || diff != "" {
			t.Errorf("bad form: status %d, field errors -want +got:\n%s", status, diff)
		}
		// Outside their scope: a project of nobody they manage.
		other := projectForm(tok)
		other.Del("org_name_0")
		other.Del("org_role_0")
		other.Set("lsg", "ba-rs-bijeljina")
		if status, body, _ = post(t, pm, ta.srv.URL+"/bs/projects/new", other); status != 422 || !strings.Contains(body, "e-owner_org") {
			t.Errorf("project outside the manager's scope: %d", status)
		}
		// Good input creates it, kept by the manager's organisation.
		undp := ta.orgID(t, "UNDP")
		good := projectForm(tok)
		good.Set("owner_org", undp)
		status, _, h := post(t, pm, ta.srv.URL+"/bs/projects/new", good)
		if status != http.StatusSeeOther {
			t.Fatalf("create: %d", status)
		}
		loc := h.Get("Location")
		_, body = get(t, pm, ta.srv.URL+loc)
		for _, want := range []string{"Sufinansiranje inicijativa mladih u Trnovu", "24.000 BAM", "8.000 BAM", "Inicijative sufinansirane", "1 od 3", "Forum za građanske inicijative"} {
			if !strings.Contains(body, want) {
				t.Errorf("new project page lacks %q", want)
			}
		}
		id := strings.TrimPrefix(loc, "/bs/projects/")
		// Edit: a new actual value for the target, the status.
		_, body = get(t, pm, ta.srv.URL+"/bs/projects/"+id+"/edit")
		form := projectForm(tok)
		form.Set("owner_org", undp)
		form.Set("version", regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1])
		form.Set("target_hist_0", "2026-06-30=1")
		form.Set("target_actual_0", "3")
		form.Set("target_date_0", "2026-12-01")
		form.Set("status", "3")
		if status, body, _ = post(t, pm, ta.srv.URL+"/bs/projects/"+id+"/edit", form); status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", status, fieldErrRe.FindAllString(body, -1))
		}
		p, err := ta.Projects.Get(context.Background(), id)
		if err != nil || p.Status != 3 || len(p.Targets[0].Actuals) != 2 || p.Targets[0].Actuals[1].Value != 3 {
			t.Fatalf("after edit: %+v, %v", p, err)
		}
		// The same form again is stale: someone changed it in between.
		if status, _, _ = post(t, pm, ta.srv.URL+"/bs/projects/"+id+"/edit", func() url.Values { form.Set("status", "4"); return form }()); status != http.StatusConflict {
			t.Errorf("stale edit: %d", status)
		}
		_, body = get(t, pm, ta.srv.URL+"/en/projects/"+id+"/history")
		if !strings.Contains(body, "· the owner organisation</h2>") || !strings.Contains(body, "<code>status</code>") || !strings.Contains(body, "<code>targets</code>") {
			t.Errorf("history does not show in which role who changed what: %s", regexp.MustCompile(`<h2>[^<]*</h2>`).FindAllString(body, -1))
		}
		// The project's page shows the history of its budget and transactions.
		_, body = get(t, anon, ta.srv.URL+"/en/projects/"+id)
		if !strings.Contains(body, "History of the budget and the transactions") || !strings.Contains(body, "<td>the owner organisation</td><td>Value</td><td>–</td><td>24,000\u00a0BAM</td>") || !strings.Contains(body, "<td>1/4/2026 · Disbursement · 8,000\u00a0BAM</td>") {
			i := strings.Index(body, "money-history")
			t.Errorf("project page lacks the history of its budget: %.1500s", body[max(i, 0):])
		}
		// Permissions: UNDP's manager edits MAKERS, not the EU's project.
		makers, volunteers, link := ta.projectID(t, "makers"), ta.projectID(t, "Prekogranicno"), ta.projectID(t, "link za saradnju")
		for _, c := range []struct {
			who, id string
			want    int
		}{
			{DemoProgrammeManager, makers, 200},
			{DemoProgrammeManager, volunteers, 403},
			// Finding 2: being one of a multi-LSG project's places gives
			// no right to rewrite UNDP's or the EU's record.
			{"osoblje.trnovo@demo.dijalog.ba", makers, 403},
			{"osoblje.trnovo@demo.dijalog.ba", link, 403},
			{"koordinator.trebinje@demo.dijalog.ba", link, 403},
			{"admin@demo.dijalog.ba", volunteers, 200},
			{"gradjanin@demo.dijalog.ba", makers, 403},
		} {
			if status, _ := get(t, ta.login(t, c.who), ta.srv.URL+"/en/projects/"+c.id+"/edit"); status != c.want {
				t.Errorf("%s edits %s: %d, want %d", c.who, c.id, status, c.want)
			}
		}
		if status, _ := get(t, anon, ta.srv.URL+"/en/projects/"+makers+"/edit"); status != http.StatusSeeOther {
			t.Errorf("anonymous edit: %d, want a redirect to sign in", status)
		}
	})
}

func TestProjectsOpenData(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ta := newTestApp(t, d)
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(projects.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	doc.Servers = nil // match any host (the test server's port varies)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	c := ta.client(t)
	makers := ta.projectID(t, "makers")
	for _, c2 := range []struct {
		path   string
		status int
	}{
		{"/api/v1/projects", 200},
		{"/api/v1/projects?per_page=3&page=2&sort=-value&lang=en", 200},
		{"/api/v1/projects?q=zepce&lang=sr-Cyrl", 200},
		{"/api/v1/projects?lsg=ba-fbih-trnovo&donor=Porticus", 200},
		{"/api/v1/projects/" + makers, 200},
		{"/api/v1/projects/" + makers + "?lang=mk", 200},
		{"/api/v1/projects/nope", 404},
		{"/api/v1/projects?status=12", 400},
		{"/api/v1/projects.geojson?lsg=ba-fbih-mostar", 200},
		{"/api/v1/places?kind=lsg", 200},
		{"/api/v1/places/ba-fbih-mostar", 200},
	} {
		req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+c2.path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c2.status {
			t.Errorf("GET %s: %d, want %d", c2.path, resp.StatusCode, c2.status)
			continue
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("GET %s: not in the OpenAPI document: %v", c2.path, err)
			continue
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
		if c2.status < 400 {
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("GET %s: request not valid: %v", c2.path, err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("GET %s: response does not match the OpenAPI document: %v", c2.path, err)
		}
	}
	// Total and pages; ETag / If-None-Match.
	resp, _ := c.Get(ta.srv.URL + "/api/v1/projects?per_page=50")
	var list projects.APIList
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if list.Total != 323 || list.Pages != 7 || len(list.Projects) != 50 {
		t.Errorf("list: total %d pages %d items %d", list.Total, list.Pages, len(list.Projects))
	}
	tag := resp.Header.Get("ETag")
	req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+"/api/v1/projects?per_page=50", nil)
	req.Header.Set("If-None-Match", tag)
	if resp, _ := c.Do(req); tag == "" || resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %q: %d", tag, resp.StatusCode)
	}
	// A write changes the tag.
	p, _ := ta.Projects.Get(ctx, makers)
	p.Status = 4
	if err := ta.Projects.Update(ctx, projects.Actor{Name: "t"}, p, p.Version); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.Do(req); resp.StatusCode != 200 {
		t.Errorf("after a write, If-None-Match of the old tag: %d", resp.StatusCode)
	}
	// CSV: BOM, stable columns, one row per project.
	resp, _ = c.Get(ta.srv.URL + "/api/v1/projects.csv")
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV: no BOM or wrong type %q", resp.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(projects.CSVColumns, recs[0]); diff != "" {
		t.Errorf("CSV columns: %s", diff)
	}
	if len(recs) != 324 {
		t.Errorf("CSV rows: %d", len(recs))
	}
	// Totals CSV states the rates.
	_, body := get(t, c, ta.srv.URL+"/api/v1/projects/totals.csv?by=donor&currency=BAM")
	if !strings.Contains(body, "donor,label,value,currency,projects,rate_date,rates_per_eur") || !strings.Contains(body, "USD=1.0321@2025-01-02") || !strings.Contains(body, "USD=1.1397@2019-01-02") {
		t.Errorf("totals CSV: %.300s", body)
	}
	if status, _ := get(t, c, ta.srv.URL+"/api/v1/projects/totals.csv?by=colour"); status != 400 {
		t.Errorf("totals by an unknown dimension: %d", status)
	}
	// IATI XML validates against the official schema.
	if _, err := exec.LookPath("xmllint"); err == nil {
		resp, _ = c.Get(ta.srv.URL + "/api/v1/projects.iati.xml")
		raw, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		f := filepath.Join(t.TempDir(), "iati.xml")
		_ = os.WriteFile(f, raw, 0o600)
		out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", "../../../shared/data/iati-schema/iati-activities-schema.xsd", f).CombinedOutput()
		if err != nil {
			t.Errorf("IATI export not valid: %s", out)
		}
		if n := strings.Count(string(raw), "<iati-activity "); n != 323 {
			t.Errorf("IATI export has %d activities", n)
		}
	}
	_ = strconv.Itoa
}

// TestProjectsTotalsAgree: on the demo data, every totals CSV (by year,
// donor, sector and LSG, in euro) adds up, to the cent, to the euro values
// of the listed projects (programmes with projects counted through
// them), and the dashboard states the rule and its total.
func TestProjectsTotalsAgree(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	recs := csvOf(t, c, ta.srv.URL+"/api/v1/projects.csv")
	col := func(name string) int { return slices.Index(recs[0], name) }
	parents := map[string]bool{}
	for _, r := range recs[1:] {
		parents[r[col("programme")]] = true
	}
	var listed int64
	for _, r := range recs[1:] {
		if !parents[r[col("id")]] {
			listed += cents(t, r[col("value_eur")])
		}
	}
	t.Logf("demo: the listed projects add up to %d.%02d EUR", listed/100, listed%100)
	for _, by := range []string{"year", "donor", "sector", "lsg"} {
		var sum int64
		for _, r := range csvOf(t, c, ta.srv.URL+"/api/v1/projects/totals.csv?currency=EUR&by="+by)[1:] {
			if r[3] == "EUR" {
				sum += cents(t, r[2])
			}
		}
		if sum != listed {
			t.Errorf("totals by %s add up to %d cents, the listed projects to %d (off by %d)", by, sum, listed, sum-listed)
		}
	}
	_, body := get(t, c, ta.srv.URL+"/en/projects/dashboard")
	if want := `<abbr title="` + strconv.FormatInt((listed+50)/100/1e6, 10); !strings.Contains(body, "its own date") || !strings.Contains(strings.ReplaceAll(body, ",", ""), want) {
		t.Errorf("dashboard does not state the rule or the total of %d cents", listed)
	}
}

func csvOf(t *testing.T, c *http.Client, u string) [][]string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %v (%d rows)", u, err, len(recs))
	}
	return recs
}

// cents reads a CSV amount ("1234.50") in minor units.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return n
}
