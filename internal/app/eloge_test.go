package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/eloge"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/surveys"
)

var idemRe = regexp.MustCompile(`name="idem" value="([^"]+)"`)

// TestElogePublicPages: the demo's labels, cycles, results, badge and API.
func TestElogePublicPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		start := time.Now()
		ta := newTestApp(t, d)
		t.Logf("app with demo in %s", time.Since(start))
		c := ta.client(t)
		status, body := get(t, c, ta.srv.URL+"/bs/eloge")
		if status != 200 {
			t.Fatalf("GET /bs/eloge = %d", status)
		}
		for _, want := range []string{"Jablanica", "Prijedor", "Žepče", "2023"} {
			if !strings.Contains(body, want) {
				t.Errorf("/bs/eloge lacks %q", want)
			}
		}
		if strings.Contains(body, ">Mostar<") {
			t.Errorf("/bs/eloge lists Mostar as labelled")
		}
		status, body = get(t, c, ta.srv.URL+"/api/v1/eloge/results")
		if status != 200 {
			t.Fatalf("GET api = %d", status)
		}
		var api struct {
			Results []eloge.APIResult `json:"results"`
		}
		if err := json.Unmarshal([]byte(body), &api); err != nil {
			t.Fatalf("api JSON: %v", err)
		}
		awarded := map[string]bool{}
		for _, r := range api.Results {
			if r.Awarded {
				awarded[r.Name] = true
				if r.Overall == nil || *r.Overall < float64(r.Threshold) {
					t.Errorf("%s awarded with overall %v below %d", r.Name, r.Overall, r.Threshold)
				}
				if len(r.Principles) != 12 {
					t.Errorf("%s: %d principles", r.Name, len(r.Principles))
				}
			}
		}
		if len(awarded) != 3 || !awarded["Jablanica"] || !awarded["Prijedor"] || !awarded["Žepče"] {
			t.Errorf("awarded = %v", awarded)
		}
		// The badge on the LSG page.
		z, err := ta.Places.ResolveLSG(context.Background(), "Žepče")
		if err != nil {
			t.Fatal(err)
		}
		status, body = get(t, c, ta.srv.URL+"/en/places/"+z.Code)
		if status != 200 || !strings.Contains(body, "European Label of Governance Excellence 2023") {
			t.Errorf("LSG page: status %d, no badge", status)
		}
		status, body = get(t, c, ta.srv.URL+"/bs/surveys")
		if status != 200 || !strings.Contains(body, "FinansirajGO") {
			t.Errorf("GET /bs/surveys = %d", status)
		}
		// Each LSG's published results page renders with the radar.
		for _, r := range api.Results[:3] {
			status, body = get(t, c, ta.srv.URL+"/sr-Cyrl/eloge/"+r.Cycle+"/"+r.LSG)
			if status != 200 || !strings.Contains(body, "<svg") || strings.Contains(body, "style=") {
				t.Errorf("results of %s: %d", r.LSG, status)
			}
		}
	})
}

// surveyByTemplate finds a demo survey.
func (ta *testApp) surveyByTemplate(t *testing.T, tpl string) *surveys.Survey {
	t.Helper()
	w := ta.elogeWiring
	list, err := w.Surveys.List(context.Background(), surveys.ListFilter{Template: tpl, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no %s survey: %v", tpl, err)
	}
	return list[0]
}

func formFor(t *testing.T, ta *testApp, c *http.Client, path string) (csrf, idem string) {
	t.Helper()
	status, body := get(t, c, ta.srv.URL+path)
	if status != 200 {
		t.Fatalf("GET %s = %d", path, status)
	}
	m, n := csrfRe.FindStringSubmatch(body), idemRe.FindStringSubmatch(body)
	if m == nil || n == nil {
		t.Fatalf("GET %s: no csrf or idem field", path)
	}
	return m[1], n[1]
}

func finansirajAnswers(csrf, idem string) url.Values {
	v := url.Values{"csrf_token": {csrf}, "idem": {idem}, "q.org_type": {"association"}, "q.field": {"youth"}, "q.applied": {"yes"},
		"q.budget_lines": {"cso_grants", "youth"}, "q.procedure": {"public_call"}, "q.amount": {"4500"}, "q.overall": {"4"}}
	for _, r := range []string{"transparency", "fairness", "timeliness", "reporting", "communication"} {
		v.Set("q.satisfaction."+r, "3")
	}
	return v
}

// TestSurveyExactlyOnce: a double click (same idempotency key) stores one
// response; a second form from the same browser is refused; bad answers
// are refused with a localised message; a closed survey refuses.
func TestSurveyExactlyOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		sv := ta.surveyByTemplate(t, surveys.TemplateFinansirajGO)
		before := sv.Responses
		c := ta.client(t)
		path := "/bs/surveys/" + sv.PublicID
		csrf, idem := formFor(t, ta, c, path)
		// Out of range and invalid: 422, nothing stored.
		bad := finansirajAnswers(csrf, idem)
		bad.Set("q.amount", "-5")
		bad.Set("q.satisfaction.fairness", "9")
		status, body, _ := post(t, c, ta.srv.URL+path, bad)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "raspona") {
			t.Fatalf("out-of-range answers: %d", status)
		}
		// Double click: two posts with one key.
		for i := 0; i < 2; i++ {
			status, _, h := post(t, c, ta.srv.URL+path, finansirajAnswers(csrf, idem))
			if status != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "/thanks") {
				t.Fatalf("post %d: %d %s", i, status, h.Get("Location"))
			}
		}
		w := ta.elogeWiring
		after, err := w.Surveys.ByPublicID(context.Background(), sv.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		n, distinct, err := w.Surveys.CountResponses(context.Background(), after)
		if err != nil {
			t.Fatal(err)
		}
		if after.Responses != before+1 || n != before+1 || distinct != n {
			t.Errorf("responses %d -> %d (rows %d, distinct keys %d), want +1", before, after.Responses, n, distinct)
		}
		// Same browser, a new form: already answered.
		status, body = get(t, c, ta.srv.URL+path)
		if status != 200 || !strings.Contains(body, "Već ste odgovorili") {
			t.Errorf("second visit: %d", status)
		}
		status, body, _ = post(t, c, ta.srv.URL+path, finansirajAnswers(csrf, surveys.NewKey()))
		if status != http.StatusConflict || !strings.Contains(body, "Već ste odgovorili") {
			t.Errorf("second answer from one browser: %d", status)
		}
		// Honeypot: pretend success, store nothing.
		c2 := ta.client(t)
		csrf2, idem2 := formFor(t, ta, c2, path)
		hp := finansirajAnswers(csrf2, idem2)
		hp.Set("website", "http://spam.example")
		if status, _, _ := post(t, c2, ta.srv.URL+path, hp); status != http.StatusSeeOther {
			t.Errorf("honeypot: %d", status)
		}
		if x, _ := w.Surveys.ByPublicID(context.Background(), sv.PublicID); x.Responses != after.Responses {
			t.Errorf("honeypot stored a response")
		}
		// Closed: refused.
		in := surveys.Input{Title: after.Title, Def: after.Def, Audience: after.Audience, Status: surveys.StatusClosed, ResultsPublic: true}
		if err := w.Surveys.Update(context.Background(), nil, after, in); err != nil {
			t.Fatal(err)
		}
		c3 := ta.client(t)
		csrf3, _ := ta.csrf(t, c3), ""
		status, body, _ = post(t, c3, ta.srv.URL+path, finansirajAnswers(csrf3, surveys.NewKey()))
		if status != http.StatusGone || !strings.Contains(body, "nije otvorena") {
			t.Errorf("closed survey: %d", status)
		}
		// Results and CSV.
		status, body = get(t, c3, ta.srv.URL+"/en/surveys/"+sv.PublicID+"/results")
		if status != 200 || !strings.Contains(body, "<svg") {
			t.Errorf("results: %d", status)
		}
		status, body = get(t, c3, ta.srv.URL+"/en/surveys/"+sv.PublicID+"/results.csv?f=applied:no")
		if status != 200 || !strings.HasPrefix(body, "question,") {
			t.Errorf("results.csv: %d %.80s", status, body)
		}
	})
}

// TestElogeRefusals: tokens used twice, missing justifications and an
// expert of another cycle.
func TestElogeRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		ctx := context.Background()
		w := ta.elogeWiring
		councillors := ta.surveyByTemplate(t, "eloge-councillors")
		reopen := surveys.Input{Title: councillors.Title, Def: councillors.Def, Audience: councillors.Audience, Status: surveys.StatusOpen, ResultsPublic: true}
		if err := w.Surveys.Update(ctx, nil, councillors, reopen); err != nil {
			t.Fatal(err)
		}
		toks, err := w.Surveys.IssueTokens(ctx, nil, councillors, []string{"Vijeće"})
		if err != nil {
			t.Fatal(err)
		}
		c := ta.client(t)
		path := "/en/surveys/" + councillors.PublicID
		csrf, idem := formFor(t, ta, c, path+"?token="+toks[0].Code)
		form := url.Values{"csrf_token": {csrf}, "idem": {idem}, "token": {toks[0].Code}, "q.i1_1": {"4"}}
		if status, _, _ := post(t, c, ta.srv.URL+path, form); status != http.StatusSeeOther {
			t.Fatalf("token answer: %d", status)
		}
		form.Set("idem", surveys.NewKey())
		status, body, _ := post(t, c, ta.srv.URL+path, form)
		if status != http.StatusConflict || !strings.Contains(body, "already been used") {
			t.Errorf("token twice: %d", status)
		}
		status, body = get(t, c, ta.srv.URL+path+"?token="+toks[0].Code)
		if !strings.Contains(body, "already been used") {
			t.Errorf("used token page: %d", status)
		}

		// The Mostar team: a score without a justification is refused.
		cycles, err := w.Eloge.Cycles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var c22, c23 *eloge.Cycle
		for _, cy := range cycles {
			switch cy.Year {
			case 2022:
				c22 = cy
			case 2023:
				c23 = cy
			}
		}
		mostar := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
		ws := "/en/admin/eloge/cycles/" + c23.PublicID + "/ba-fbih-mostar"
		status, body = get(t, mostar, ta.srv.URL+ws)
		if status != 200 {
			t.Fatalf("workspace: %d", status)
		}
		p, err := w.Eloge.Participant(ctx, c23, "ba-fbih-mostar")
		if err != nil {
			t.Fatal(err)
		}
		entries, _, err := w.Eloge.Matrix(ctx, c23, p)
		if err != nil {
			t.Fatal(err)
		}
		id := entries[len(entries)-1].Indicator.ID
		k := strings.TrimSpace(strings.Repeat(" ", 0)) + itoa(id)
		tok := csrfRe.FindStringSubmatch(body)[1]
		status, body, _ = post(t, mostar, ta.srv.URL+ws+"/matrix", url.Values{"csrf_token": {tok}, "score." + k: {"4"}, "justification." + k: {""}, "evidence." + k: {""}, "submit": {"0"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "needs a justification") {
			t.Errorf("missing justification: %d", status)
		}
		status, _, _ = post(t, mostar, ta.srv.URL+ws+"/matrix", url.Values{"csrf_token": {tok}, "score." + k: {"11"}, "justification." + k: {"x"}, "evidence." + k: {""}})
		if status != http.StatusUnprocessableEntity {
			t.Errorf("score out of range: %d", status)
		}
		// Trebinje's coordinator may not see Mostar's workspace.
		trebinje := ta.login(t, "koordinator.trebinje@demo.dijalog.ba")
		if status, _ := get(t, trebinje, ta.srv.URL+ws); status != http.StatusForbidden {
			t.Errorf("other LSG's workspace: %d", status)
		}
		// The 2023 expert is no expert of 2022.
		expert := ta.login(t, "ocd@demo.dijalog.ba")
		ws22 := "/en/admin/eloge/cycles/" + c22.PublicID + "/ba-fbih-mostar"
		_, body = get(t, expert, ta.srv.URL+ws22)
		tok = csrfRe.FindStringSubmatch(body)[1]
		status, body, _ = post(t, expert, ta.srv.URL+ws22+"/review", url.Values{"csrf_token": {tok}, "indicator": {itoa(id)}, "verdict": {"returned"}, "comment": {"x"}})
		if status != http.StatusForbidden || !strings.Contains(body, "Only the experts of this cycle") {
			t.Errorf("cross-cycle expert: %d", status)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestElogePrincipleEditor: the platform makes a new version of the 2008
// set, edits a principle in several languages, bad input is refused with
// the form kept, publication freezes it, and the cycles of the old version
// keep their texts.
func TestElogePrincipleEditor(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		ctx := context.Background()
		w := ta.elogeWiring
		v1, err := w.Eloge.SetByCode(ctx, "2008")
		if err != nil {
			t.Fatal(err)
		}
		oldTitle := v1.Principle(4).Title["en"]
		platform := ta.login(t, "ocd@demo.dijalog.ba")
		citizen := ta.login(t, "gradjanin@demo.dijalog.ba")

		status, body := get(t, platform, ta.srv.URL+"/en/admin/eloge/sets")
		if status != 200 || !strings.Contains(body, "New version") {
			t.Fatalf("sets page: %d", status)
		}
		tok := csrfRe.FindStringSubmatch(body)[1]
		setPath := "/en/admin/eloge/sets/" + itoa(v1.ID)
		// A citizen sees the sets but makes no versions.
		status, body = get(t, citizen, ta.srv.URL+"/en/admin/eloge/sets")
		if status != 200 || strings.Contains(body, "New version") {
			t.Errorf("citizen's sets page: %d", status)
		}
		ctok := csrfRe.FindStringSubmatch(body)[1]
		if status, _, _ := post(t, citizen, ta.srv.URL+setPath+"/versions", url.Values{"csrf_token": {ctok}}); status != http.StatusForbidden {
			t.Errorf("citizen new version: %d", status)
		}
		// The published version refuses edits.
		status, body, _ = post(t, platform, ta.srv.URL+setPath, url.Values{"csrf_token": {tok}, "title.en": {"Changed"}})
		if status != http.StatusConflict || !strings.Contains(body, "is never changed") {
			t.Errorf("edit published: %d", status)
		}
		status, _, hdr := post(t, platform, ta.srv.URL+setPath+"/versions", url.Values{"csrf_token": {tok}})
		if status != http.StatusSeeOther {
			t.Fatalf("new version: %d", status)
		}
		v2path := strings.TrimPrefix(hdr.Get("Location"), ta.srv.URL)
		status, body = get(t, platform, ta.srv.URL+v2path)
		if status != 200 || !strings.Contains(body, "version 2") || !strings.Contains(body, "Publish this version") {
			t.Fatalf("draft page %s: %d", v2path, status)
		}
		status, body = get(t, platform, ta.srv.URL+v2path+"/principles/4")
		if status != 200 || !strings.Contains(body, `name="title.mk"`) || !strings.Contains(body, `lang="sq"`) {
			t.Fatalf("principle editor: %d", status)
		}
		v2, err := w.Eloge.SetByCode(ctx, "2008-v2")
		if err != nil {
			t.Fatal(err)
		}
		p4 := v2.Principle(4)
		form := url.Values{"csrf_token": {tok}, "rows": {strconv.Itoa(len(p4.Indicators) + 1)}, "title.en": {"Openness and transparency (national edition)"}, "title.bs": {"Otvorenost i transparentnost"}}
		for i, in := range p4.Indicators {
			pre := "ind." + strconv.Itoa(i)
			form.Set(pre+".id", itoa(in.ID))
			form.Set(pre+".code", in.Code)
			for loc, txt := range in.Text {
				form.Set(pre+".text."+loc, txt)
			}
		}
		last := "ind." + strconv.Itoa(len(p4.Indicators))
		form.Set(last+".code", "5.9") // wrong principle
		form.Set(last+".text.en", "Open data on the budget.")
		status, body, _ = post(t, platform, ta.srv.URL+v2path+"/principles/4", form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "must start with the principle") || !strings.Contains(body, "Open data on the budget.") {
			t.Fatalf("bad code: %d", status)
		}
		form.Set(last+".code", "4.9")
		if status, body, _ = post(t, platform, ta.srv.URL+v2path+"/principles/4", form); status != http.StatusSeeOther {
			t.Fatalf("save principle: %d %.300s", status, body)
		}
		status, body = get(t, platform, ta.srv.URL+v2path)
		if status != 200 || !strings.Contains(body, "Openness and transparency (national edition)") || !strings.Contains(body, "Open data on the budget.") {
			t.Fatalf("draft after edit: %d", status)
		}
		// The draft cannot run a cycle yet; publishing makes it available.
		if status, _, _ = post(t, platform, ta.srv.URL+v2path+"/publish", url.Values{"csrf_token": {tok}}); status != http.StatusSeeOther {
			t.Fatalf("publish: %d", status)
		}
		if status, _, _ = post(t, platform, ta.srv.URL+v2path+"/principles/4", form); status != http.StatusConflict {
			t.Errorf("edit after publication: %d", status)
		}
		_, body = get(t, platform, ta.srv.URL+"/en/admin/eloge")
		if !strings.Contains(body, `value="2008-v2"`) {
			t.Errorf("the published version is not offered for new cycles")
		}
		// The running cycles keep the 2008 texts.
		cycles, err := w.Eloge.Cycles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cycles {
			_, body = get(t, platform, ta.srv.URL+"/en/eloge/"+c.PublicID)
			if !strings.Contains(body, oldTitle) || strings.Contains(body, "national edition") {
				t.Errorf("cycle %d shows the new texts", c.Year)
			}
		}
	})
}

// TestFinansirajGORegistry: the FinansirajGO results of an LSG show what
// the registry of who funded whom holds for it, on the page and in the
// JSON export; other surveys show no registry.
func TestFinansirajGORegistry(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		ctx := context.Background()
		sv := ta.surveyByTemplate(t, surveys.TemplateFinansirajGO)
		recs, err := ta.grantsWiring.Grants.Registry.Support(ctx, grants.SupportFilter{LSG: sv.OwnerRef})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			t.Fatalf("the demo registry has no record for %s", sv.OwnerRef)
		}
		want := summariseSupport(sv.OwnerRef, recs)
		c := ta.client(t)
		status, body := get(t, c, ta.srv.URL+"/en/surveys/"+sv.PublicID+"/results")
		if status != 200 || !strings.Contains(body, "In the registry of who funded whom") || !strings.Contains(body, `href="/en/grants/registry?lsg=`+sv.OwnerRef+`"`) {
			t.Fatalf("results page: %d, no registry section", status)
		}
		if !strings.Contains(body, strconv.Itoa(want.OpenCall)+" through a public call, "+strconv.Itoa(want.Direct)+" directly") {
			t.Errorf("registry procedures missing (want %d open, %d direct)", want.OpenCall, want.Direct)
		}
		status, body = get(t, c, ta.srv.URL+"/api/v1/surveys/"+sv.PublicID+"/results")
		var out struct {
			Registry struct {
				Records    int                 `json:"records"`
				Recipients int                 `json:"recipients"`
				Totals     []map[string]string `json:"totals"`
				URL        string              `json:"url"`
			} `json:"registry"`
		}
		if err := json.Unmarshal([]byte(body), &out); status != 200 || err != nil {
			t.Fatalf("JSON: %d %v", status, err)
		}
		if out.Registry.Records != len(recs) || out.Registry.Recipients != want.Recipients || len(out.Registry.Totals) == 0 || out.Registry.URL == "" {
			t.Errorf("JSON registry = %+v, want %d records", out.Registry, len(recs))
		}
		// An ELoGE questionnaire has no registry.
		other := ta.surveyByTemplate(t, "eloge-citizens")
		if _, body := get(t, c, ta.srv.URL+"/en/surveys/"+other.PublicID+"/results"); strings.Contains(body, "who funded whom") {
			t.Errorf("the citizens' questionnaire shows the registry")
		}
	})
}
