package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Helpers of the ELoGE, survey and grants tests (prefixed "eg" so they do
// not clash with other modules' helpers in this package).

// egAs opens a new tab (with its own cookies and time budget) and signs in.
func egAs(t *testing.T, email, password string) *tab {
	t.Helper()
	p := newTab(t)
	p.login("en", email, password)
	return p
}

// egSet sets a form field's value the way a person's choice would (select,
// date and number inputs, long texts) and fires its change event.
func (p *tab) egSet(sel, v string) {
	p.t.Helper()
	ok := evalJS[bool](p, fmt.Sprintf(`((sel, v) => {
		const e = document.querySelector(sel);
		if (!e) return false;
		e.focus();
		e.value = v;
		e.dispatchEvent(new Event('input', {bubbles: true}));
		e.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})(%s, %s)`, jsString(sel), jsString(v)))
	if !ok {
		p.t.Fatalf("no field %s on %s", sel, p.location())
	}
	// A datetime-local field shows a time of whole minutes without ":00".
	if got := p.value(sel); got != v && got+":00" != v {
		p.t.Fatalf("set %s to %q, but it holds %q (no such option?)", sel, v, got)
	}
}

// egSetAll sets many fields as egSet does, in one evaluation, and checks
// that each holds its value.
func (p *tab) egSetAll(fields [][2]string) {
	p.t.Helper()
	b, _ := json.Marshal(fields)
	bad := evalJS[string](p, `((fields) => {
		for (const [sel, v] of fields) {
			const e = document.querySelector(sel);
			if (!e) return sel;
			e.value = v;
			e.dispatchEvent(new Event('input', {bubbles: true}));
			e.dispatchEvent(new Event('change', {bubbles: true}));
			if (e.value !== v) return sel;
		}
		return '';
	})(`+string(b)+`)`)
	if bad != "" {
		p.t.Fatalf("could not set %s on %s", bad, p.location())
	}
}

// egStatus is the HTTP status of the page the last navigation loaded.
func egStatus(t *testing.T, what string, got int64, want int) {
	t.Helper()
	if int(got) != want {
		t.Fatalf("%s: status %d, want %d", what, got, want)
	}
}

// egFetch downloads path with the page's cookies and returns the status,
// the headers asked for and the body.
func (p *tab) egFetch(path string, headers ...string) (int, map[string]string, string) {
	p.t.Helper()
	var res struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	hs, _ := json.Marshal(append([]string{}, headers...))
	res = evalJS[struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}](p, fmt.Sprintf(`fetch(%s, {credentials: 'same-origin'}).then(async r => {
		const h = {};
		for (const k of %s) h[k] = r.headers.get(k) || '';
		return {status: r.status, headers: h, body: await r.text()};
	})`, jsString(path), hs), chromedp.EvalAwaitPromise)
	return res.Status, res.Headers, res.Body
}

// egAttrs lists an attribute of every element that matches sel.
func (p *tab) egAttrs(sel, name string) []string {
	p.t.Helper()
	return evalJS[[]string](p, fmt.Sprintf(`[...document.querySelectorAll(%s)].map(e => e.getAttribute(%s) || '')`, jsString(sel), jsString(name)))
}

// egTexts lists the rendered text of every element that matches sel.
func (p *tab) egTexts(sel string) []string {
	p.t.Helper()
	return evalJS[[]string](p, fmt.Sprintf(`[...document.querySelectorAll(%s)].map(e => e.innerText.trim())`, jsString(sel)))
}

// egMsg is a catalogue text with its {placeholders} filled.
func (p *tab) egMsg(lang, key string, kv ...string) string {
	p.t.Helper()
	s := p.msg(lang, key)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// egContains fails the test unless the page's text contains every string.
func (p *tab) egContains(what string, want ...string) {
	p.t.Helper()
	body := p.body()
	for _, w := range want {
		if !strings.Contains(body, w) {
			p.t.Errorf("%s (%s) does not show %q", what, p.location(), w)
		}
	}
}

const (
	demoExpert = "ocd@demo.dijalog.ba" // Ivana Kovač, LDA Mostar: the ELoGE platform's representative
	mostarLSG  = "ba-fbih-mostar"
)

var surveyHref = regexp.MustCompile(`^/en/surveys/([0-9a-z]+)$`)

// TestElogeCycle walks one ELoGE cycle: the national platform (LDA Mostar)
// opens it and names its expert; Mostar's team generates the
// questionnaires, fills the matrix with evidence and submits it; the expert
// returns one indicator with a comment; the team improves it and
// resubmits; a citizen answers the public questionnaire anonymously and a
// councillor with an invitation code; the expert approves, the scores and
// the radar appear, the label is awarded and its badge shows on Mostar's
// page; the team adds an improvement plan.
func TestElogeCycle(t *testing.T) {
	const year = "2026" // the questionnaires close at the end of the cycle's year
	var cycleURL, workspace string

	// 1. The platform opens the cycle, enrols Mostar and names its expert.
	{
		p := egAs(t, demoExpert, demoPassword)
		p.open("/en/admin/eloge")
		if got, want := p.text("main h1"), p.msg("en", "eloge.admin.title"); got != want {
			t.Fatalf("/en/admin/eloge heading %q, want %q", got, want)
		}
		p.click(`main details summary`)
		form := `main form[action*="/admin/eloge/platforms/"]`
		p.fill(form+` #f-title`, "ELoGE "+year+" – e2e")
		p.egSet(form+` #f-year`, year)
		p.egSet(form+` #f-scale_max`, "5")
		p.egSet(form+` #f-w_self`, "40")
		p.egSet(form+` #f-w_citizens`, "20")
		p.egSet(form+` #f-w_councillors`, "20")
		p.egSet(form+` #f-w_staff`, "20")
		p.egSet(form+` #f-threshold`, "70")
		resp := p.clickNav(form + ` button[type=submit]`)
		egStatus(t, "open the cycle", resp.Status, http.StatusOK)
		cycleURL = p.location()
		if !regexp.MustCompile(`^/en/admin/eloge/cycles/[0-9a-f]+$`).MatchString(cycleURL) {
			t.Fatalf("after opening the cycle: at %s, want its management page", cycleURL)
		}
		if got := p.text("main h1"); got != "ELoGE "+year+" – e2e" {
			t.Errorf("cycle page heading %q", got)
		}
		p.egSet(`#f-lsg`, mostarLSG)
		resp = p.clickNav(`main form[action$="/lsgs"] button[type=submit]`)
		egStatus(t, "enrol Mostar", resp.Status, http.StatusOK)
		p.fill(`#f-email`, demoExpert)
		resp = p.clickNav(`main form[action$="/experts"] button[type=submit]`)
		egStatus(t, "name the expert", resp.Status, http.StatusOK)
		p.egContains("the cycle's page", "Mostar", "Ivana Kovač")
		workspace = cycleURL + "/" + mostarLSG
		if p.count(`main a[href="`+workspace+`"]`) != 1 {
			t.Fatalf("the cycle's page has no link to Mostar's workspace %s", workspace)
		}
	}

	// 2. Mostar's team: questionnaires, the matrix with evidence, invitation codes.
	var citizens, councillors string
	var indicators []string
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open("/en/admin/eloge")
		p.clickNav(`main a[href="` + workspace + `"]`)
		if p.location() != workspace {
			t.Fatalf("the team's link led to %s, want %s", p.location(), workspace)
		}
		resp := p.clickNav(`main form[action$="/surveys"] button[type=submit]`)
		egStatus(t, "generate the questionnaires", resp.Status, http.StatusOK)
		var ids []string
		for _, h := range p.egAttrs(`section[aria-labelledby=surveys] li a`, "href") {
			if m := surveyHref.FindStringSubmatch(h); m != nil {
				ids = append(ids, m[1])
			}
		}
		if len(ids) != 3 {
			t.Fatalf("after generating: %d questionnaire links (%v), want 3 (citizens, councillors, staff)", len(ids), ids)
		}
		citizens, councillors = ids[0], ids[1]

		for _, n := range p.egAttrs(`main select[name^="score."]`, "name") {
			indicators = append(indicators, strings.TrimPrefix(n, "score."))
		}
		if len(indicators) != 24 {
			t.Fatalf("the matrix has %d indicators, want the 24 of the 2008 set", len(indicators))
		}
		// The first indicator is typed in full; the others are filled the
		// same way through their fields.
		k := indicators[0]
		p.egSet(`#s-`+k, "5")
		p.fill(`#j-`+k, "Statut i poslovnik vijeca objavljeni na web stranici.")
		p.fill(`#e-`+k, "https://www.mostar.ba/dokumenti")
		var fields [][2]string
		for i, k := range indicators[1:] {
			fields = append(fields, [2]string{`#s-` + k, fmt.Sprint(4 + i%2)})
			if i != 0 { // the second indicator is left without a justification
				fields = append(fields, [2]string{`#j-` + k, fmt.Sprintf("Stanje utvrđeno na radionici tima (indikator %d).", i+2)})
			}
			fields = append(fields, [2]string{`#e-` + k, "https://www.mostar.ba/odluke\nZapisnik radne grupe, 12. 10. 2026."})
		}
		p.egSetAll(fields) // one round trip: the tab's time budget is shared by the whole step
		submit := `main form[action$="/matrix"] button[name=submit][value="1"]`
		resp = p.clickNav(submit)
		egStatus(t, "submit without a justification", resp.Status, http.StatusUnprocessableEntity)
		if got, want := p.text(`#ej-`+indicators[1]), p.msg("en", "eloge.matrix.justification_required"); got != want {
			t.Errorf("error beside the missing justification = %q, want %q", got, want)
		}
		if got := p.value(`#j-` + indicators[2]); !strings.Contains(got, "indikator 3") {
			t.Errorf("after the refused submission the other justifications were lost (%q)", got)
		}
		p.fill(`#j-`+indicators[1], "Javne konsultacije o budzetu 2026.")
		resp = p.clickNav(submit)
		egStatus(t, "submit the matrix", resp.Status, http.StatusOK)
		if got, want := p.text(`main .flash`), p.msg("en", "eloge.matrix.submitted"); got != want {
			t.Errorf("after submitting: message %q, want %q", got, want)
		}
		if got, want := p.text(`main h1 + p .badge`), p.msg("en", "eloge.status.submitted"); got != want {
			t.Errorf("status after submitting = %q, want %q", got, want)
		}
		if p.count(`main select[name^="score."]`) != 0 {
			t.Errorf("the submitted matrix can still be edited")
		}
		p.egContains("the submitted matrix", "https://www.mostar.ba/dokumenti", "Zapisnik radne grupe")
		if p.count(`main a[href="https://www.mostar.ba/odluke"]`) == 0 {
			t.Errorf("evidence links are not links")
		}
	}

	// 3. The expert returns one indicator with a comment.
	returned := indicators[6]
	const comment = "Nedostaje dokaz: prilozite link na objavljene odluke vijeca."
	{
		p := egAs(t, demoExpert, demoPassword)
		p.open(workspace)
		p.egSet(`#f-indicator`, returned)
		p.egSet(`#f-verdict`, "returned")
		resp := p.clickNav(`main form[action$="/review"]:not(.accept-rest) button[type=submit]`)
		egStatus(t, "return without a comment", resp.Status, http.StatusUnprocessableEntity)
		if got, want := p.text(`#e-comment`), p.msg("en", "eloge.review.comment_required"); got != want {
			t.Errorf("return without a comment: %q, want %q", got, want)
		}
		p.egSet(`#f-indicator`, returned)
		p.egSet(`#f-verdict`, "returned")
		p.fill(`#f-comment`, comment)
		resp = p.clickNav(`main form[action$="/review"]:not(.accept-rest) button[type=submit]`)
		egStatus(t, "return an indicator", resp.Status, http.StatusOK)
		if got, want := p.text(`main h1 + p .badge`), p.msg("en", "eloge.status.returned"); got != want {
			t.Errorf("status after returning = %q, want %q", got, want)
		}
		if got := p.text(`#ind-` + returned); !strings.Contains(got, comment) {
			t.Errorf("the returned indicator does not show the comment: %q", got)
		}
	}

	// 4. The team sees the comment, adds the evidence and resubmits.
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(workspace)
		if got := p.text(`#ind-` + returned); !strings.Contains(got, comment) || !strings.Contains(got, p.msg("en", "eloge.review.returned")) {
			t.Errorf("the team does not see the expert's comment on the returned indicator: %q", got)
		}
		p.egSet(`#e-`+returned, "https://www.mostar.ba/odluke-vijeca-2026\nZapisnik radne grupe, 12. 10. 2026.")
		resp := p.clickNav(`main form[action$="/matrix"] button[name=submit][value="1"]`)
		egStatus(t, "resubmit the matrix", resp.Status, http.StatusOK)
		if got, want := p.text(`main h1 + p .badge`), p.msg("en", "eloge.status.submitted"); got != want {
			t.Errorf("status after resubmitting = %q, want %q", got, want)
		}
	}

	// 5. A citizen answers the public questionnaire, without an account.
	{
		p := newTab(t)
		p.open("/en/surveys")
		resp := p.clickNav(`main a[href="/en/surveys/` + citizens + `"]`)
		egStatus(t, "the citizens' questionnaire", resp.Status, http.StatusOK)
		if p.headerName() != "" {
			t.Fatalf("the citizen is signed in")
		}
		names := evalJS[[]string](p, `[...new Set([...document.querySelectorAll('main form.survey input[type=radio]')].map(e => e.name))]`)
		if len(names) != 24 {
			t.Fatalf("the citizens' questionnaire has %d questions, want 24", len(names))
		}
		for i, n := range names {
			v := "5"
			if i == 3 {
				v = "dk" // "I don't know" counts for nothing
			}
			p.click(fmt.Sprintf(`main form.survey input[name=%q][value=%q]`, n, v))
		}
		resp = p.clickNav(`main form.survey button[type=submit]`)
		egStatus(t, "send the answers", resp.Status, http.StatusOK)
		if got, want := p.text("main h1"), p.msg("en", "surveys.thanks.title"); got != want {
			t.Errorf("after answering: %q, want %q", got, want)
		}
		p.open("/en/surveys/" + citizens)
		if got, want := p.text(`main .flash`), p.msg("en", "surveys.err.already"); got != want {
			t.Errorf("the same browser again: %q, want %q (one answer per browser)", got, want)
		}
	}

	// 6. The team issues invitation codes for the councillors.
	var code string
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(workspace)
		p.clickNav(`section[aria-labelledby=surveys] a[href="/en/admin/surveys/` + councillors + `/tokens"]`)
		p.egSet(`#f-csv`, "Gradsko vijeće,3") // groups, never names: the answers are anonymous
		resp := p.clickNav(`main form[action$="/tokens"] button[type=submit]`)
		egStatus(t, "issue invitation codes", resp.Status, http.StatusOK)
		codes := p.egTexts(`main table tbody td code`)
		if len(codes) != 3 {
			t.Fatalf("%d invitation codes listed, want 3", len(codes))
		}
		code = codes[0]
		if !regexp.MustCompile(`^[A-Z0-9]{5}-[A-Z0-9]{5}$`).MatchString(code) {
			t.Errorf("invitation code %q does not look like XXXXX-XXXXX", code)
		}
	}

	// 7. A councillor answers with the code; the code works once.
	{
		p := newTab(t)
		p.open("/en/surveys/" + councillors)
		p.fill(`#f-token`, strings.ToLower(code)) // typed as it comes
		resp := p.clickNav(`main form[method=get] button[type=submit]`)
		egStatus(t, "open with the code", resp.Status, http.StatusOK)
		names := evalJS[[]string](p, `[...new Set([...document.querySelectorAll('main form.survey input[type=radio]')].map(e => e.name))]`)
		if len(names) != 24 {
			t.Fatalf("the councillors' questionnaire has %d questions, want 24", len(names))
		}
		for _, n := range names {
			p.click(fmt.Sprintf(`main form.survey input[name=%q][value="4"]`, n))
		}
		resp = p.clickNav(`main form.survey button[type=submit]`)
		egStatus(t, "send the councillor's answers", resp.Status, http.StatusOK)
		if got, want := p.text("main h1"), p.msg("en", "surveys.thanks.title"); got != want {
			t.Errorf("after the councillor's answers: %q, want %q", got, want)
		}
		p.open("/en/surveys/" + councillors + "?token=" + code)
		if got, want := p.text(`main .form-error`), p.msg("en", "surveys.err.token_used"); got != want {
			t.Errorf("the code a second time: %q, want %q", got, want)
		}
	}

	// 8. The expert accepts the rest, sees the scores and radar, awards the label.
	{
		p := egAs(t, demoExpert, demoPassword)
		p.open(workspace)
		resp := p.clickNav(`main form.accept-rest button[type=submit]`)
		egStatus(t, "accept the remaining indicators", resp.Status, http.StatusOK)
		if got, want := p.text(`main h1 + p .badge`), p.msg("en", "eloge.status.approved"); got != want {
			t.Fatalf("status after accepting = %q, want %q", got, want)
		}
		if p.count(`section[aria-labelledby=scores] figure svg`) != 1 {
			t.Errorf("no radar chart in the scores")
		}
		// Principle 1: self-assessment 5,4 of 5 = 90; citizens 5,5 = 100;
		// councillors 4,4 = 75; staff: no answers.
		row := p.egTexts(`section[aria-labelledby=scores] tbody tr:first-child td`)
		if len(row) < 5 || row[0] != "90.0" || row[1] != "100.0" || row[2] != "75.0" || row[3] != "–" {
			t.Errorf("principle 1 scores (self, citizens, councillors, staff, combined...) = %q, want 90.0, 100.0, 75.0, –", row)
		}
		p.egSet(`#f-decision`, "awarded")
		p.fill(`#f-reasons`, "Svih 12 principa ocijenjeno; ukupni rezultat iznad praga.")
		resp = p.clickNav(`main form[action$="/decision"] button[type=submit]`)
		egStatus(t, "award the label", resp.Status, http.StatusOK)
		if got := p.text(`section[aria-labelledby=decision]`); !strings.Contains(got, p.msg("en", "eloge.decision.awarded")) {
			t.Errorf("the decision section does not show the label: %q", got)
		}
	}

	// 9. The public sees the label, the results and the badge on Mostar's page.
	cycleID := strings.TrimPrefix(cycleURL, "/en/admin/eloge/cycles/")
	{
		p := newTab(t)
		p.open("/bs/places/" + mostarLSG)
		badge := p.egMsg("bs", "eloge.section.badge", "year", year)
		if got := p.text(`section[aria-labelledby=eloge-section]`); !strings.Contains(got, badge) {
			t.Errorf("Mostar's page does not show the badge %q: %q", badge, got)
		}
		p.open("/en/eloge")
		if p.count(`main a[href="/en/eloge/`+cycleID+`/`+mostarLSG+`"]`) != 1 {
			t.Errorf("/en/eloge does not list Mostar's %s label", year)
		}
		resp := p.clickNav(`main a[href="/en/eloge/` + cycleID + `/` + mostarLSG + `"]`)
		egStatus(t, "Mostar's public results", resp.Status, http.StatusOK)
		if p.count(`section[aria-labelledby=scores] figure svg`) != 1 {
			t.Errorf("the public results have no radar chart")
		}
		status, _, body := p.egFetch("/api/v1/eloge/results?cycle=" + cycleID)
		if status != http.StatusOK {
			t.Fatalf("GET /api/v1/eloge/results: status %d", status)
		}
		var api struct {
			Results []struct {
				LSG        string   `json:"lsg"`
				Awarded    bool     `json:"label_awarded"`
				Overall    *float64 `json:"overall"`
				Principles []struct {
					Sources map[string]*float64 `json:"sources"`
				} `json:"principles"`
			} `json:"results"`
		}
		if err := json.Unmarshal([]byte(body), &api); err != nil {
			t.Fatalf("the results API: %v\n%s", err, body)
		}
		if len(api.Results) != 1 || api.Results[0].LSG != mostarLSG || !api.Results[0].Awarded || api.Results[0].Overall == nil || *api.Results[0].Overall < 70 {
			t.Errorf("the results API for the cycle: %s", body)
		} else if s := api.Results[0].Principles[0].Sources; s["citizens"] == nil || *s["citizens"] != 100 || s["staff"] != nil {
			t.Errorf("the API's principle 1 sources: %v", s)
		}
	}

	// 10. The team adds an improvement action and records progress.
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(workspace)
		p.egSet(`#f-principle`, "12")
		p.fill(`#f-action`, "Godisnji javni izvjestaj gradonacelnika s pitanjima gradjana")
		p.fill(`#f-owner`, "Kabinet gradonacelnika")
		p.egSet(`#f-deadline`, "2027-03-31")
		resp := p.clickNav(`main form[action$="/actions"] button[type=submit]`)
		egStatus(t, "add an action", resp.Status, http.StatusOK)
		progress := `main form.inline-form[action*="/actions/"] input[name=progress]`
		p.egSet(progress, "40")
		resp = p.clickNav(`main form.inline-form[action*="/actions/"] button[type=submit]`)
		egStatus(t, "record progress", resp.Status, http.StatusOK)
		// A row is named by its action (a card of its own on a phone).
		row := p.egTexts(`section[aria-labelledby=plan] tbody tr:first-child > *`)
		if len(row) != 5 || !strings.Contains(row[0], "javni izvjestaj") || row[1] != "12" || row[4] != "40 %" {
			t.Errorf("the plan's row (action, principle, owner, deadline, progress) = %q", row)
		}
		p.open(strings.Replace(workspace, "/admin/eloge/cycles/", "/eloge/", 1))
		p.egContains("the public results", "Godisnji javni izvjestaj gradonacelnika", "Kabinet gradonacelnika")
	}
}

// egAnswerFinansirajGO fills in the FinansirajGO questionnaire on the page.
func (p *tab) egAnswerFinansirajGO(amount string) {
	p.t.Helper()
	for _, sel := range []string{
		`input[name="q.org_type"][value=association]`,
		`input[name="q.field"][value=youth]`,
		`input[name="q.applied"][value=yes]`,
		`input[name="q.budget_lines"][value=cso_grants]`,
		`input[name="q.budget_lines"][value=youth]`,
		`input[name="q.procedure"][value=public_call]`,
		`input[name="q.nonfinancial"][value=premises]`,
		`input[name="q.satisfaction.transparency"][value="4"]`,
		`input[name="q.satisfaction.fairness"][value="3"]`,
		`input[name="q.satisfaction.timeliness"][value="2"]`,
		`input[name="q.satisfaction.reporting"][value="4"]`,
		`input[name="q.satisfaction.communication"][value="dk"]`,
		`input[name="q.overall"][value="4"]`,
	} {
		p.click(`main form.survey ` + sel)
	}
	p.fill(`#f-q\.amount`, amount)
	for i, o := range []string{"multi_year", "criteria", "more_funds", "publication", "committee"} {
		p.egSet(`#f-q\.priorities\.`+o, fmt.Sprint(i+1))
	}
	p.fill(`#f-q\.comments`, "Javni poziv treba objaviti ranije, najkasnije u februaru.")
}

// TestSurveyFinansirajGO runs the FinansirajGO template end to end: Mostar's
// team creates and opens the survey and enters a paper questionnaire; a CSO
// answers it on the web (a first try without the required answers is
// refused); the results protect small groups; on the demo survey, with
// forty answers, the results show charts, filter by channel and download as
// CSV.
func TestSurveyFinansirajGO(t *testing.T) {
	var id string
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open("/en/admin/surveys")
		p.egSet(`#f-owner`, "lsg:"+mostarLSG)
		p.egSet(`#f-template`, "finansirajgo")
		p.egSet(`#f-audience`, "public")
		resp := p.clickNav(`main form[action$="/admin/surveys"] button[type=submit]`)
		egStatus(t, "create the survey", resp.Status, http.StatusOK)
		m := regexp.MustCompile(`^/en/admin/surveys/([0-9a-z]+)$`).FindStringSubmatch(p.location())
		if m == nil {
			t.Fatalf("after creating the survey: at %s", p.location())
		}
		id = m[1]
		if got := p.text("main h1"); !strings.HasPrefix(got, "FinansirajGO") {
			t.Errorf("the new survey is titled %q, want the template's title", got)
		}
		p.egSet(`#f-status`, "open")
		p.egSet(`#f-closes_at`, "2027-06-30")
		resp = p.clickNav(`main form[action="/en/admin/surveys/` + id + `"] button[type=submit]`)
		egStatus(t, "open the survey", resp.Status, http.StatusOK)
		if got, want := p.text(`main .flash`), p.msg("en", "form.saved"); got != want {
			t.Errorf("after saving: %q, want %q", got, want)
		}
		// A questionnaire that came back on paper.
		resp = p.clickNav(`main a[href="/en/admin/surveys/` + id + `/paper"]`)
		egStatus(t, "the paper-entry form", resp.Status, http.StatusOK)
		p.egAnswerFinansirajGO("12000")
		resp = p.clickNav(`main form.survey button[type=submit]`)
		egStatus(t, "enter a paper questionnaire", resp.Status, http.StatusOK)
		if got, want := p.text(`main .flash`), p.msg("en", "surveys.paper.saved"); got != want {
			t.Errorf("after the paper entry: %q, want %q", got, want)
		}
	}

	// A CSO answers on the web.
	{
		p := newTab(t)
		p.open("/en/surveys")
		resp := p.clickNav(`main a[href="/en/surveys/` + id + `"]`)
		egStatus(t, "the new survey", resp.Status, http.StatusOK)
		resp = p.clickNav(`main form.survey button[type=submit]`)
		egStatus(t, "send without answers", resp.Status, http.StatusUnprocessableEntity)
		if p.count(`#form-error[role=alert]`) != 1 || p.count(`main fieldset[aria-invalid=true]`) < 4 {
			t.Errorf("the empty questionnaire: no error summary or no invalid questions marked")
		}
		p.egAnswerFinansirajGO("4500")
		resp = p.clickNav(`main form.survey button[type=submit]`)
		egStatus(t, "send the answers", resp.Status, http.StatusOK)
		if got, want := p.text("main h1"), p.msg("en", "surveys.thanks.title"); got != want {
			t.Fatalf("after answering: %q, want %q", got, want)
		}
		resp = p.clickNav(`main a[href="/en/surveys/` + id + `/results"]`)
		egStatus(t, "the results", resp.Status, http.StatusOK)
		if got := p.text(`main dl.stats dd`); got != "2" {
			t.Errorf("responses = %q, want 2 (one on paper, one on the web)", got)
		}
		if n := p.count(`main section.result svg`); n != 0 {
			t.Errorf("with two answers the results show %d charts; small groups must not be broken down", n)
		}
		p.egContains("the results of two answers", p.msg("en", "surveys.results.too_few"))
		st, h, body := p.egFetch("/en/surveys/"+id+"/results.csv", "content-type", "content-disposition")
		if st != http.StatusOK || !strings.HasPrefix(h["content-type"], "text/csv") || !strings.Contains(h["content-disposition"], "attachment") {
			t.Errorf("results.csv: status %d, headers %v", st, h)
		}
		if !strings.HasPrefix(body, "question,text,item,value,label,count,percent,mean,answered") || strings.Contains(body, ",youth,") {
			t.Errorf("results.csv of two answers:\n%s", body)
		}
	}

	// The demo survey: forty answers, charts, a filter, the CSV.
	{
		p := newTab(t)
		p.open("/en/surveys")
		var demo string
		for _, h := range p.egAttrs(`main section[aria-labelledby=open] a`, "href") {
			if m := surveyHref.FindStringSubmatch(h); m != nil && m[1] != id && strings.HasPrefix(p.text(`main a[href="`+h+`"]`), "FinansirajGO") {
				demo = m[1]
			}
		}
		if demo == "" {
			t.Fatalf("/en/surveys does not list the demo FinansirajGO survey")
		}
		p.open("/en/surveys/" + demo)
		p.egAnswerFinansirajGO("3000")
		resp := p.clickNav(`main form.survey button[type=submit]`)
		egStatus(t, "answer the demo survey", resp.Status, http.StatusOK)
		resp = p.clickNav(`main a[href="/en/surveys/` + demo + `/results"]`)
		egStatus(t, "the demo results", resp.Status, http.StatusOK)
		if got := p.text(`main dl.stats dd`); got != "41" {
			t.Errorf("demo responses = %q, want 41", got)
		}
		if n := p.count(`main section.result svg`); n < 8 {
			t.Errorf("the demo results show %d charts, want one per question with answers (at least 8)", n)
		}
		if p.count(`section[aria-labelledby="r-satisfaction"] table tbody tr`) != 5 {
			t.Errorf("the satisfaction matrix has no table of its 5 rows")
		}
		p.egSet(`#f-ch`, "paper")
		resp = p.clickNav(`main form.filters button[type=submit]`)
		egStatus(t, "filter by channel", resp.Status, http.StatusOK)
		if got := p.text(`main dl.stats dd`); got != "8" {
			t.Errorf("paper answers = %q, want 8", got)
		}
		csv := p.egAttrs(`main a[href*="/results.csv"]`, "href")[0]
		if !strings.Contains(csv, "ch=paper") {
			t.Errorf("the CSV link %q does not keep the filter", csv)
		}
		st, h, body := p.egFetch(csv, "content-disposition")
		if st != http.StatusOK || !strings.Contains(h["content-disposition"], "attachment") {
			t.Fatalf("%s: status %d, %v", csv, st, h)
		}
		if !strings.Contains(body, "org_type,") || !strings.Contains(body, "satisfaction,") {
			t.Errorf("the filtered CSV has no per-question rows:\n%.500s", body)
		}
	}
}

// TestElogePublicPages browses what anyone sees of the demo's ELoGE
// programme: the labelled LSGs by year, the 2023 cycle with its average,
// one labelled LSG's results compared with 2022, the badge on its page,
// and the survey list, in several languages.
func TestElogePublicPages(t *testing.T) {
	p := newTab(t)
	p.open("/en/eloge")
	labels := p.egAttrs(`section[aria-labelledby=labels] a`, "href")
	if len(labels) < 3 {
		t.Fatalf("/en/eloge lists %d labelled LSGs, want the demo's three of 2023", len(labels))
	}
	var jablanica string
	for i, h := range labels {
		if p.egTexts(`section[aria-labelledby=labels] a`)[i] == "Jablanica" {
			jablanica = h
		}
	}
	if jablanica == "" {
		t.Fatalf("/en/eloge does not list Jablanica's label (%v)", labels)
	}
	cycle := regexp.MustCompile(`^/en/eloge/([0-9a-f]+)/`).FindStringSubmatch(jablanica)[1]
	resp := p.clickNav(`main a[href="/en/eloge/` + cycle + `"]`)
	egStatus(t, "the 2023 cycle", resp.Status, http.StatusOK)
	if n := p.count(`main table tbody tr`); n < 12+12 {
		t.Errorf("the 2023 cycle shows %d rows, want the 12 LSGs and the 12 principles' averages", n)
	}
	resp = p.clickNav(`main a[href="` + jablanica + `"]`)
	egStatus(t, "Jablanica's results", resp.Status, http.StatusOK)
	p.egContains("Jablanica's results", p.msg("en", "eloge.decision.awarded"), p.msg("en", "eloge.results.previous")+" 2022")
	if p.count(`section[aria-labelledby=scores] figure svg`) != 1 || p.count(`section[aria-labelledby=plan] tbody tr`) < 1 {
		t.Errorf("Jablanica's results lack the radar or the improvement plan")
	}
	resp = p.clickNav(`main a[href^="/en/places/"]`)
	egStatus(t, "Jablanica's page", resp.Status, http.StatusOK)
	if got, want := p.text(`section[aria-labelledby=eloge-section] .badge`), "★ "+p.egMsg("en", "eloge.section.badge", "year", "2023"); got != want {
		t.Errorf("Jablanica's page badge = %q, want %q", got, want)
	}
	for _, path := range []string{"/sr-Cyrl/eloge", "/mk/eloge/" + cycle, "/sq/surveys", "/hr/eloge" + strings.TrimPrefix(jablanica, "/en/eloge")} {
		resp := p.open(path)
		egStatus(t, path, resp.Status, http.StatusOK)
	}
	p.open("/bs/eloge/" + cycle + "/ba-fbih-mostar")
	if got, want := p.text("main h1"), p.msg("bs", "error.404.title"); got != want {
		t.Errorf("Mostar's unpublished 2023 results: %q, want %q (not found)", got, want)
	}
}

// TestElogePrincipleEditor: the platform completes the 2023 set in a new
// version: a Bosnian title for principle 1 and a new indicator (a wrong
// code is refused with everything typed kept), then publishes it; the
// published version offers no editing and new cycles can choose it.
func TestElogePrincipleEditor(t *testing.T) {
	p := egAs(t, demoExpert, demoPassword)
	p.open("/en/admin/eloge")
	resp := p.clickNav(`main a[href="/en/admin/eloge/sets"]`)
	egStatus(t, "the principle sets", resp.Status, http.StatusOK)
	if got, want := p.text("main h1"), p.msg("en", "eloge.sets.title"); got != want {
		t.Fatalf("sets page heading %q, want %q", got, want)
	}
	action := evalJS[string](p, `(() => { const r = [...document.querySelectorAll('main tbody tr')].find(r => r.textContent.includes('CM/Rec(2023)5') && r.querySelector('form')); return r ? r.querySelector('form').getAttribute('action') : ''; })()`)
	if action == "" {
		t.Fatalf("no new-version form for the 2023 set")
	}
	resp = p.clickNav(`main form[action="` + action + `"] button[type=submit]`)
	egStatus(t, "make a new version", resp.Status, http.StatusOK)
	draft := p.location()
	if !regexp.MustCompile(`^/en/admin/eloge/sets/[0-9]+$`).MatchString(draft) {
		t.Fatalf("after the new version: at %s", draft)
	}
	p.egContains("the draft", p.msg("en", "eloge.sets.draft_note"), p.msg("en", "eloge.sets.publish"))

	resp = p.clickNav(`main a[href="` + draft + `/principles/1"]`)
	egStatus(t, "the principle editor", resp.Status, http.StatusOK)
	p.fill(`#f-title-bs`, "Učešće, predstavljanje, pošteno provođenje izbora")
	rows := p.count(`main fieldset.card`)
	blank := fmt.Sprintf("ind-%d", rows-2) // the first empty row
	p.fill(`#f-`+blank+`-code`, "2.9")
	p.egSet(`#f-`+blank+`-en`, "The municipality publishes how each proposal of citizens was answered.")
	resp = p.clickNav(`main form.stack button[type=submit]`)
	egStatus(t, "a code of another principle", resp.Status, http.StatusUnprocessableEntity)
	if got := p.value(`#f-title-bs`); got != "Učešće, predstavljanje, pošteno provođenje izbora" {
		t.Errorf("the refused form lost the title: %q", got)
	}
	p.egContains("the refusal", p.msg("en", "eloge.sets.code_number"))
	if got := p.value(`#f-` + blank + `-en`); !strings.HasPrefix(got, "The municipality publishes how each proposal") {
		t.Errorf("the refused form lost the new indicator: %q", got)
	}
	p.egSet(`#f-`+blank+`-code`, "1.9")
	resp = p.clickNav(`main form.stack button[type=submit]`)
	egStatus(t, "save the principle", resp.Status, http.StatusOK)
	if got, want := p.text(`main .flash`), p.msg("en", "form.saved"); got != want {
		t.Errorf("after saving: %q, want %q", got, want)
	}
	p.egContains("the draft after the edit", "1.9", "The municipality publishes how each proposal of citizens was answered.")

	resp = p.clickNav(`main form[action="` + draft + `/publish"] button[type=submit]`)
	egStatus(t, "publish", resp.Status, http.StatusOK)
	if got, want := p.text(`main .flash`), p.msg("en", "eloge.sets.published_done"); got != want {
		t.Errorf("after publishing: %q, want %q", got, want)
	}
	if n := p.count(`main a[href^="` + draft + `/principles/"]`); n != 0 {
		t.Errorf("the published version still offers %d edit links", n)
	}
	p.open("/bs" + strings.TrimPrefix(draft, "/en"))
	p.egContains("the published version in Bosnian", "Učešće, predstavljanje, pošteno provođenje izbora")
	p.open("/en/admin/eloge")
	if n := p.count(`main select[name=set] option[value^="2023-v"]`); n == 0 {
		t.Errorf("new cycles cannot choose the published version")
	}
}
