package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Demo assessors (app.DemoAccounts and grants.LoadDemo): name → e-mail.
var demoAssessors = map[string]string{
	"Emir Delić":         "ocjenjivac@demo.dijalog.ba",
	"Dragana Stojanović": "ocjenjivacica.banjaluka@demo.dijalog.ba",
	"Haris Mehmedović":   "ocjenjivac.tuzla@demo.dijalog.ba",
}

// egChooseText selects the option of a select whose text is label.
func (p *tab) egChooseText(sel, label string) {
	p.t.Helper()
	v := evalJS[string](p, fmt.Sprintf(`((sel, label) => {
		const s = document.querySelector(sel);
		if (!s) return '';
		const o = [...s.options].find(o => o.text.trim() === label);
		return o ? o.value : '';
	})(%s, %s)`, jsString(sel), jsString(label)))
	if v == "" {
		p.t.Fatalf("%s on %s has no option %q", sel, p.location(), label)
	}
	p.egSet(sel, v)
}

// egRegister creates an account through the registration form.
func egRegister(t *testing.T, name, email, password string) {
	t.Helper()
	p := newTab(t)
	p.open("/en/register")
	p.fill("#f-name", name)
	p.fill("#f-email", email)
	p.fill("#f-password", password)
	resp := p.clickNav(`main form[action$="/register"] button[type=submit]`)
	egStatus(t, "register "+email, resp.Status, http.StatusOK)
	// The account signs in only once its address is confirmed.
	egStatus(t, "confirmation link of "+email, p.open(p.env.confirmLink(t, email)).Status, http.StatusOK)
	resp = p.clickNav(`main form[action$="/confirm"] button[type=submit]`)
	egStatus(t, "confirm "+email, resp.Status, http.StatusOK)
}

// egGrantRole gives a person a role through the administration pages.
func (p *tab) egGrantRole(email, role, scope string) {
	p.t.Helper()
	p.open("/en/admin/users?q=" + email)
	p.clickNav(`main table tbody a[href^="/en/admin/users/"]`)
	p.egSet(`#f-role`, role)
	if scope != "" {
		p.egSet(`#f-scope_ref`, scope) // picked by name from the list (issue 16)
	}
	resp := p.clickNav(`main form[action$="/roles"] button[type=submit]`)
	egStatus(p.t, "grant "+role+" to "+email, resp.Status, http.StatusOK)
	p.egContains("the person's page", p.msg("en", "role."+role))
}

// TestGrantsCallCycle walks a call from publication to the public record:
// the City of Mostar's coordinator publishes a call that closes within a
// minute; two CSOs apply (one is not eligible, the other submits after a
// budget-rule error); the deadline passes; two assessors are assigned, one
// declares a conflict and is replaced, the scores diverge and a third
// assessor is brought in; the ranking is decided and the results
// published; the grantee's report is submitted and approved; the registry,
// its dashboard, Mostar's page and the 360Giving export show the award.
func TestGrantsCallCycle(t *testing.T) {
	const password = "duga lozinka za e2e 2026"
	stamp := time.Now().UnixNano()
	csoName := fmt.Sprintf("Udruzenje Zelena Neretva %d", stamp)
	csoRep := uniqueEmail("cso-rep")
	assessor4 := uniqueEmail("assessor")
	demoAssessors["Nermin Ocjenjivac"] = assessor4
	defer delete(demoAssessors, "Nermin Ocjenjivac")

	// 1. A second CSO and a fourth assessor: they register, the
	// administrator gives them their roles.
	egRegister(t, "Selma Zelenika", csoRep, password)
	egRegister(t, "Nermin Ocjenjivac", assessor4, password)
	{
		p := egAs(t, demoAdmin, demoPassword)
		p.open("/en/admin/organisations")
		p.fill(`#f-name`, csoName)
		p.egSet(`#f-kind`, "cso")
		p.egSet(`#f-place_code`, mostarLSG)
		resp := p.clickNav(`main form[action$="/admin/organisations"] button[type=submit]`)
		egStatus(t, "create the organisation", resp.Status, http.StatusOK)
		if !strings.HasPrefix(p.location(), "/en/admin/organisations/") {
			t.Fatalf("after creating the organisation: at %s, want its page", p.location())
		}
		if got := p.text("main h1"); got != csoName {
			t.Fatalf("the organisation's page is headed %q, want %q", got, csoName)
		}
		orgID := p.text(`main dl code`)
		p.fill(`#f-email`, csoRep)
		resp = p.clickNav(`main form[action$="/members"] button[type=submit]`)
		egStatus(t, "add the member", resp.Status, http.StatusOK)
		p = egAs(t, demoAdmin, demoPassword) // a tab lives 60 s
		p.egGrantRole(csoRep, "cso_rep", orgID)
		p = egAs(t, demoAdmin, demoPassword)
		p.egGrantRole(assessor4, "assessor", "")
	}

	// 2. The City of Mostar's coordinator publishes a call closing soon.
	var callURL string
	var closes time.Time
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open("/en/calls")
		loaded := time.Now()
		resp := p.clickNav(`main a[href="/en/calls/new"]`)
		egStatus(t, "the new-call form", resp.Status, http.StatusOK)
		opens := p.value(`#f-opens_at`)
		p.egSet(`#f-publisher`, "lsg:"+mostarLSG)
		p.fill(`#f-funder`, "Grad Mostar")
		p.fill(`#f-title`, fmt.Sprintf("Javni poziv za male projekte udruzenja %d", stamp))
		p.egSet(`#f-body`, "Grad Mostar poziva udruzenja registrovana na podrucju Grada da prijave male projekte za mlade.\n\nPodrzavamo projekte od 1.000 do 5.000 KM uz vlastito ucesce od najmanje 10 %.")
		p.fill(`#f-total`, "20000")
		p.fill(`#f-min`, "1000")
		p.fill(`#f-max`, "5000")
		p.egSet(`#f-own_share_pct`, "10")
		p.egSet(`#f-eligibility`, "yes | Udruzenje je registrovano na podrucju Grada Mostara.\nno | Udruzenje ima neizmirene obaveze prema Gradu.")
		p.egSet(`#f-form`, "longtext | Opis projekta | required\nnumber | Broj direktnih korisnika | required\nbudget | Budzet projekta | required")
		p.egSet(`#f-criteria`, "50 | 10 | Kvalitet projekta | Jasni ciljevi i aktivnosti\n30 | 10 | Doprinos zajednici\n20 | 10 | Realan budzet")
		// The call closes 140 seconds from now (server time): long enough
		// for both organisations to apply on a loaded machine (45 s was
		// not, with six suites sharing two cores).
		start, err := time.Parse("2006-01-02T15:04:05", opens)
		if err != nil {
			t.Fatalf("the form's opening time %q: %v", opens, err)
		}
		end := start.Add(time.Since(loaded) + 140*time.Second).Truncate(time.Second)
		p.egSet(`#f-questions_until`, end.Format("2006-01-02T15:04:05"))
		p.egSet(`#f-closes_at`, end.Format("2006-01-02T15:04:05"))
		resp = p.clickNav(`main form[action$="/calls/new"] button[type=submit]`)
		egStatus(t, "save the call", resp.Status, http.StatusOK)
		callURL = p.location()
		if !regexp.MustCompile(`^/en/calls/[^/]+$`).MatchString(callURL) {
			t.Fatalf("after saving the call: at %s", callURL)
		}
		p = egAs(t, demoCoordMostar, demoPassword) // a tab lives 60 s
		p.open(callURL)
		resp = p.clickNav(`main form[action$="/publish"] button[type=submit]`)
		egStatus(t, "publish the call", resp.Status, http.StatusOK)
		if got, want := p.text(`main h1 + p .badge`), p.msg("en", "grants.phase.open"); got != want {
			t.Fatalf("the published call's phase = %q, want %q", got, want)
		}
		iso := p.egAttrs(`main aside time[datetime]`, "datetime")
		if len(iso) != 3 {
			t.Fatalf("the call's timeline has %d times, want 3", len(iso))
		}
		if closes, err = time.Parse(time.RFC3339, iso[2]); err != nil {
			t.Fatal(err)
		}
		p.egContains("the call's page", "Kvalitet projekta", p.msg("en", "grants.call.remaining")[:5])
	}

	// 3. LDA Mostar applies: eligible; an own share below 10 % is refused,
	// then the application is submitted and a receipt given.
	var appURL string
	{
		// A public question first (a tab of its own: a tab lives 60 s).
		q := egAs(t, demoExpert, demoPassword)
		q.open(callURL)
		q.egSet(`main form[action$="/questions"] textarea[name=question]`, "Mogu li troskovi prevoza volontera biti dio budzeta?")
		resp := q.clickNav(`main form[action$="/questions"] button[type=submit]`)
		egStatus(t, "ask a question", resp.Status, http.StatusOK)
		q.egContains("the call after the question", "Mogu li troskovi prevoza volontera", q.msg("en", "grants.qa.unanswered"))
		p := egAs(t, demoExpert, demoPassword)
		p.open(callURL)
		resp = p.clickNav(`main a[href="` + callURL + `/apply"]`)
		egStatus(t, "the eligibility questions", resp.Status, http.StatusOK)
		p.click(`main input[name=q1][value=yes]`)
		p.click(`main input[name=q2][value=no]`)
		resp = p.clickNav(`main form[action$="/apply"] button[type=submit]`)
		egStatus(t, "answer the eligibility questions", resp.Status, http.StatusOK)
		appURL = p.location()
		if !strings.HasPrefix(appURL, "/en/applications/") {
			t.Fatalf("after the eligibility questions: at %s", appURL)
		}
		p.fill(`#f-title`, "Omladinski volonterski servis")
		p.fill(`#f-f1`, "Mladi volonteri pomazu starijim sugradjanima u mjesnim zajednicama.")
		p.fill(`#f-f2`, "120")
		p.fill(`input[name=budget_0_item]`, "Obuka volontera")
		p.fill(`input[name=budget_0_cost]`, "2000")
		p.fill(`input[name=budget_0_requested]`, "2000")
		p.fill(`input[name=budget_1_item]`, "Prevoz i materijal")
		p.fill(`input[name=budget_1_cost]`, "2400")
		p.fill(`input[name=budget_1_requested]`, "2000")
		resp = p.clickNav(`main form button[name=action][value=submit]`)
		egStatus(t, "submit with too small an own share", resp.Status, http.StatusUnprocessableEntity)
		p.egContains("the refused submission", p.msg("en", "grants.budget.own_share"))
		p.egSet(`input[name=budget_0_requested]`, "1600")
		resp = p.clickNav(`main form button[name=action][value=submit]`)
		egStatus(t, "submit the application", resp.Status, http.StatusOK)
		if got, want := p.text("main h1"), p.msg("en", "grants.receipt.title"); got != want {
			t.Fatalf("after submitting: %q, want %q", got, want)
		}
		if hash := p.text(`#receipt-hash`); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(hash) {
			t.Errorf("the receipt's hash = %q, want 64 hex digits", hash)
		}
		p.egContains("the receipt", "3,600", "Omladinski volonterski servis")
	}

	// 4. The new CSO answers the eligibility questions and is told why it
	// is not eligible.
	{
		p := egAs(t, csoRep, password)
		p.open(callURL)
		p.clickNav(`main a[href="` + callURL + `/apply"]`)
		if got := evalJS[string](p, `document.querySelector('#f-org').selectedOptions[0].text.trim()`); got != csoName {
			t.Errorf("applying for %q, want %q", got, csoName)
		}
		p.click(`main input[name=q1][value=yes]`)
		p.click(`main input[name=q2][value=yes]`)
		resp := p.clickNav(`main form[action$="/apply"] button[type=submit]`)
		egStatus(t, "the ineligible organisation", resp.Status, http.StatusOK)
		got := p.text(`main .form-error`)
		if !strings.Contains(got, p.msg("en", "grants.eligibility.not")) || !strings.Contains(got, "neizmirene obaveze") {
			t.Errorf("the ineligible organisation is told %q, want the reason (the question about debts)", got)
		}
		if p.count(`main form button[name=action][value=submit]`) != 0 {
			t.Errorf("an ineligible organisation can fill in the application")
		}
	}

	// The manager answers the question; a visitor reads the answer.
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(callURL)
		p.egSet(`main form[action*="/questions/"] textarea[name=answer]`, "Da, troskovi prevoza su prihvatljivi.")
		resp := p.clickNav(`main form[action*="/questions/"] button[type=submit]`)
		egStatus(t, "answer the question", resp.Status, http.StatusOK)
		v := newTab(t)
		v.open(callURL)
		v.egContains("the call's public Q&A", "Mogu li troskovi prevoza volontera", "Da, troskovi prevoza su prihvatljivi.")
	}

	// 5. The deadline passes (server time decides).
	if wait := time.Until(closes) + 1500*time.Millisecond; wait > 0 {
		if wait > 150*time.Second {
			t.Fatalf("the call closes in %s: too long to wait", wait)
		}
		time.Sleep(wait)
	}
	{
		p := egAs(t, demoExpert, demoPassword)
		p.open(callURL)
		if got, want := p.text(`main h1 + p .badge`), p.msg("en", "grants.phase.closed"); got != want {
			t.Fatalf("after the deadline the call's phase = %q, want %q", got, want)
		}
		p.open(appURL)
		if p.count(`main form button[name=action]`) != 0 || p.count(`main form[action$="/withdraw"]`) != 0 {
			t.Errorf("after the deadline the application can still be changed or withdrawn")
		}
	}

	// 6. The manager assigns two assessors.
	manage := callURL + "/manage"
	var appID string
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(callURL)
		p.clickNav(`main a[href="` + manage + `"]`)
		sels := p.egAttrs(`main form[action$="/assign"] select`, "id")
		if len(sels) != 1 {
			t.Fatalf("%d applications to assign, want 1 (the eligible, submitted one)", len(sels))
		}
		appID = strings.TrimPrefix(sels[0], "as-")
		for _, who := range []string{"Emir Delić", "Dragana Stojanović"} {
			p.egChooseText(`#as-`+appID, who)
			resp := p.clickNav(`main form[action$="/assign"] button[type=submit]`)
			egStatus(t, "assign "+who, resp.Status, http.StatusOK)
		}
		p.egContains("the assignments", "Emir Delić", "Dragana Stojanović")
	}

	assessorTab := func(name string) *tab {
		email := demoAssessors[name]
		pw := demoPassword
		if email == assessor4 {
			pw = password
		}
		p := egAs(t, email, pw)
		p.open("/en/assess")
		resp := p.clickNav(`main a[href="/en/assess/` + appID + `"]`)
		egStatus(t, name+"'s assessment", resp.Status, http.StatusOK)
		return p
	}
	score := func(p *tab, points string) {
		t.Helper()
		p.click(`main input[name=declaration][value=none]`)
		resp := p.clickNav(`main form[action$="/declare"] button[type=submit]`)
		egStatus(t, "declare no conflict", resp.Status, http.StatusOK)
		p.egContains("the application after the declaration", "Omladinski volonterski servis", "Mladi volonteri")
		for i := 1; i <= 3; i++ {
			p.egSet(fmt.Sprintf(`#f-points_%d`, i), points)
		}
		p.fill(`#f-comment`, "Ocjena "+points+" po svim kriterijima.")
		resp = p.clickNav(`main form[action$="/scores"] button[type=submit]`)
		egStatus(t, "submit the scores", resp.Status, http.StatusOK)
		if hs := strings.Join(p.egTexts(`main h2`), " | "); !strings.Contains(hs, p.msg("en", "grants.score.yours")) {
			t.Errorf("after scoring the headings are %q, want the assessor's own scores", hs)
		}
	}
	// assessors lists the names on the application's row of the manage page.
	assessors := func() (names []string, third string) {
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(manage)
		for _, li := range p.egTexts(`main table tbody td ul li`) {
			name, _, _ := strings.Cut(li, ":")
			names = append(names, name)
			if strings.Contains(li, p.msg("en", "grants.asg.third")) {
				third = name
			}
		}
		return names, third
	}

	// 7. Dragana declares a conflict and is replaced; Emir scores high.
	{
		p := assessorTab("Dragana Stojanović")
		p.egContains("before the declaration", p.msg("en", "grants.coi.text"))
		if strings.Contains(p.body(), "Mladi volonteri") {
			t.Errorf("the assessor sees the application before declaring no conflict")
		}
		p.click(`main input[name=declaration][value=conflict]`)
		resp := p.clickNav(`main form[action$="/declare"] button[type=submit]`)
		egStatus(t, "declare a conflict", resp.Status, http.StatusOK)
		if st, _, _ := p.egFetch("/en/applications/" + appID); st != http.StatusNotFound {
			t.Errorf("the assessor with a conflict opens the application: status %d, want 404", st)
		}
	}
	score(assessorTab("Emir Delić"), "9")
	names, _ := assessors()
	if len(names) != 3 {
		t.Fatalf("after the conflict the application has assessors %q, want 3 (with the replacement)", names)
	}
	replacement := names[2]
	if _, ok := demoAssessors[replacement]; !ok || replacement == "Dragana Stojanović" || replacement == "Emir Delić" {
		t.Fatalf("the replacement is %q", replacement)
	}

	// 8. The replacement scores low: the divergence brings in a third.
	{
		p := assessorTab(replacement)
		score(p, "2")
		p.egContains("the replacement's results", "Emir Delić", "90.0 %")
	}
	names, third := assessors()
	if len(names) != 4 || third == "" || third == replacement || third == "Emir Delić" || third == "Dragana Stojanović" {
		t.Fatalf("after the divergent scores the assessors are %q (third %q), want a fourth, third assessor", names, third)
	}
	score(assessorTab(third), "7")

	// 9. The manager decides and publishes the results.
	var awardURL string
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(manage)
		row := p.text(`#ranking ~ .table-wrap tbody tr`)
		if !strings.Contains(row, p.msg("en", "grants.ranking.divergent")) || !strings.Contains(row, "60.0 %") {
			t.Errorf("the ranking row = %q, want the average 60.0 %% (90, 20, 70) and the divergence note", row)
		}
		p.egSet(`#d-`+appID, "award")
		resp := p.clickNav(`main form[action$="/decide"] button[type=submit]`)
		egStatus(t, "decide", resp.Status, http.StatusOK)
		resp = p.clickNav(`main form[action$="/results"] button[type=submit]`)
		egStatus(t, "publish the results", resp.Status, http.StatusOK)
		if got, want := p.text(`main h1 + p .badge`), p.msg("en", "grants.phase.decided"); got != want {
			t.Errorf("after publishing: phase %q, want %q", got, want)
		}
		awards := p.egAttrs(`#results ~ .table-wrap a[href^="/en/awards/"]`, "href")
		if len(awards) != 1 {
			t.Fatalf("the published results list %d awards, want 1", len(awards))
		}
		awardURL = awards[0]
		p = egAs(t, demoCoordMostar, demoPassword)
		p.open(awardURL)
		p.egSet(`#f-kind`, "narrative")
		p.egSet(`#f-report_due_on`, time.Now().AddDate(0, 3, 0).Format("2006-01-02"))
		resp = p.clickNav(`main form[action$="/reports"] button[type=submit]`)
		egStatus(t, "ask for a report", resp.Status, http.StatusOK)
	}

	// 10. The grantee sees its scores and submits the report.
	{
		p := egAs(t, demoExpert, demoPassword)
		p.open(appURL)
		p.egContains("the applicant's page", p.msg("en", "grants.decision.award"), "90.0 %", "20.0 %", "70.0 %")
		p.open(awardURL)
		p.egSet(`main form[action*="/reports/"] textarea[name=body]`, "Obuceno 24 volontera; 180 posjeta starijim sugradjanima u 6 mjesnih zajednica.")
		resp := p.clickNav(`main form[action*="/reports/"] button[type=submit]`)
		egStatus(t, "submit the report", resp.Status, http.StatusOK)
		p.egContains("the award page", p.msg("en", "grants.report.status.submitted"))
	}

	// 11. The manager approves it.
	{
		p := egAs(t, demoCoordMostar, demoPassword)
		p.open(awardURL)
		p.egSet(`main form[action$="/review"] textarea[name=review]`, "Izvjestaj prihvacen.")
		resp := p.clickNav(`main form[action$="/review"] button[value=approve]`)
		egStatus(t, "approve the report", resp.Status, http.StatusOK)
		p.egContains("the award page", p.msg("en", "grants.report.status.approved"), "Izvjestaj prihvacen.")
	}

	// 12. Everybody sees the award: registry, dashboard, Mostar's page, 360Giving.
	{
		p := newTab(t)
		p.open("/en/grants/registry")
		p.egChooseText(`#r-lsg`, "Mostar")
		p.egSet(`#r-year`, fmt.Sprint(time.Now().Year()))
		p.clickNav(`main form[action$="/grants/registry"] button[type=submit]`)
		link := `main a[href="` + awardURL + `"]`
		if p.count(link) != 1 {
			t.Fatalf("the registry (%s) does not link the award %s", p.location(), awardURL)
		}
		row := p.text(`main tr:has(a[href="` + awardURL + `"])`)
		for _, want := range []string{"Lokalna agencija za demokratiju Mostar", "Grad Mostar", "3,600", "Omladinski volonterski servis", p.msg("en", "grants.procedure.open_call")} {
			if !strings.Contains(row, want) {
				t.Errorf("the registry's row %q does not show %q", row, want)
			}
		}
		// The sums are in euro; the table per currency gives the award in marks.
		if bam := p.text(`main section[aria-labelledby="dash-currency"] tbody`); !strings.Contains(bam, "3,600") {
			t.Errorf("the totals per currency for Mostar this year = %q, want them to include the award", bam)
		}
		p.egContains("the dashboard", "Lokalna agencija za demokratiju Mostar")
		egDashboard(t, p, fmt.Sprint(time.Now().Year()))
		p = newTab(t) // a tab lives 60 s
		resp := p.open(awardURL)
		egStatus(t, "the public award page", resp.Status, http.StatusOK)
		p.egContains("the public award page", "3,600", p.msg("en", "grants.report.status.approved"))
		if strings.Contains(p.body(), "180 posjeta") {
			t.Errorf("the public sees the report's text")
		}
		p = newTab(t)
		p.open("/en/places/" + mostarLSG)
		if got := p.text(`section[aria-labelledby=grants-section]`); !strings.Contains(got, fmt.Sprint(stamp)) {
			t.Errorf("Mostar's page does not list the call: %q", got)
		}
		st, _, body := p.egFetch("/api/v1/grants.360giving.json")
		if st != http.StatusOK {
			t.Fatalf("360Giving: status %d", st)
		}
		var pkg struct {
			Grants []struct {
				Title         string  `json:"title"`
				AmountAwarded float64 `json:"amountAwarded"`
				Currency      string  `json:"currency"`
				Recipient     []struct {
					Name string `json:"name"`
				} `json:"recipientOrganization"`
				Location []struct {
					GeoCode string `json:"geoCode"`
				} `json:"beneficiaryLocation"`
			} `json:"grants"`
		}
		if err := json.Unmarshal([]byte(body), &pkg); err != nil {
			t.Fatalf("360Giving: %v", err)
		}
		found := false
		for _, g := range pkg.Grants {
			found = found || (g.Title == "Omladinski volonterski servis" && g.AmountAwarded == 3600 && g.Currency == "BAM" &&
				len(g.Recipient) == 1 && strings.Contains(g.Recipient[0].Name, "LDA Mostar") && len(g.Location) == 1 && g.Location[0].GeoCode == mostarLSG)
		}
		if !found {
			t.Errorf("the 360Giving export has no grant of 3600 BAM to LDA Mostar in Mostar")
		}
	}
}

// TestGrantsPublicPages browses the demo's calls as a visitor, an applicant
// and a manager: the list with its filters, the decided Link-for-cooperation
// call with its Q&A and results, an award, the registry filtered to direct
// support with its CSV, the feeds, LDA Mostar's draft MAKERS application,
// and the City of Mostar's upcoming call in its edit form.
func TestGrantsPublicPages(t *testing.T) {
	p := newTab(t)
	p.open("/en/calls")
	p.egSet(`#phase`, "decided")
	resp := p.clickNav(`main form[role=search] button[type=submit]`)
	egStatus(t, "filter decided calls", resp.Status, http.StatusOK)
	links := p.egAttrs(`main .cards h2 a`, "href")
	var link string
	for i, h := range links {
		if strings.Contains(p.egTexts(`main .cards h2 a`)[i], "Link for cooperation") {
			link = h
		}
	}
	if link == "" {
		t.Fatalf("the decided calls (%v) do not include Link for cooperation", links)
	}
	resp = p.clickNav(`main a[href="` + link + `"]`)
	egStatus(t, "the Link call", resp.Status, http.StatusOK)
	p.egContains("the Link call", "Mogu li dvije organizacije zajedno podnijeti prijavu?", "60,000", p.msg("en", "grants.phase.decided"))
	awards := p.egAttrs(`#results ~ .table-wrap a[href^="/en/awards/"]`, "href")
	if len(awards) != 2 {
		t.Fatalf("the Link call's results list %d awards, want 2", len(awards))
	}
	resp = p.clickNav(`main a[href="` + awards[0] + `"]`)
	egStatus(t, "an award", resp.Status, http.StatusOK)
	p = newTab(t) // a tab lives 60 s: the registry in one of its own
	p.open("/en/grants/registry?procedure=direct")
	if n := p.count(`main table tbody tr`); n < 5 {
		t.Errorf("the registry of direct support has %d rows", n)
	}
	procs := evalJS[[]string](p, `[...document.querySelectorAll('main table tbody tr')].filter(tr => tr.cells.length === 8).map(tr => tr.cells[7].innerText.trim())`)
	if len(procs) < 5 || slices.Contains(procs, p.msg("en", "grants.procedure.open_call")) {
		t.Errorf("the filter to direct support still lists open calls")
	}
	csv := p.egAttrs(`main a[href^="/api/v1/grants/support.csv"]`, "href")
	if len(csv) != 1 || !strings.Contains(csv[0], "procedure=direct") {
		t.Fatalf("the registry's CSV link = %v", csv)
	}
	st, h, body := p.egFetch(csv[0], "content-type")
	if st != http.StatusOK || !strings.HasPrefix(h["content-type"], "text/csv") || strings.Contains(body, "open_call") || !strings.Contains(body, "direct") {
		t.Errorf("%s: status %d, %v:\n%.300s", csv[0], st, h, body)
	}
	for path, ctype := range map[string]string{"/en/calls/feed.atom": "application/atom+xml", "/en/calls/deadlines.ics": "text/calendar"} {
		if st, h, body := p.egFetch(path, "content-type"); st != http.StatusOK || !strings.HasPrefix(h["content-type"], ctype) || !strings.Contains(body, "MAKERS") {
			t.Errorf("%s: status %d, %v", path, st, h)
		}
	}
	p = newTab(t)
	for _, path := range []string{"/sr-Cyrl/calls", "/sq/grants/registry", "/mk" + strings.TrimPrefix(link, "/en")} {
		egStatus(t, path, p.open(path).Status, http.StatusOK)
	}

	// LDA Mostar's draft application to MAKERS.
	a := egAs(t, demoExpert, demoPassword)
	a.open("/en/applications")
	apps := a.egAttrs(`main a[href^="/en/applications/"]`, "href")
	if len(apps) == 0 {
		t.Fatalf("LDA Mostar's representative has no applications listed")
	}
	var draft string
	for _, h := range apps {
		a.open(h)
		if a.count(`main form button[name=action][value=submit]`) == 1 {
			draft = h
			break
		}
	}
	if draft == "" {
		t.Fatalf("none of %v is an editable draft (the demo's MAKERS application)", apps)
	}
	if got := a.value(`#f-title`); !strings.HasPrefix(got, "Pametna klupa") {
		t.Errorf("the draft's title = %q, want the demo's MAKERS application", got)
	}
	if a.count(`main input[type=file]`) != 1 || a.count(`main a[href="/en/grants/files/"]`) != 0 {
		t.Errorf("the draft's file field: want one file input and no link to a file that was never uploaded")
	}
	resp = a.clickNav(`main form button[name=action][value=save]`)
	egStatus(t, "save the draft", resp.Status, http.StatusOK)
	if got, want := a.text(`main .flash`), a.msg("en", "form.saved"); got != want {
		t.Errorf("after saving the draft: %q, want %q", got, want)
	}
	// The draft saves itself after a change (grants.js, every 15 s).
	a = egAs(t, demoExpert, demoPassword)
	a.open(draft)
	a.egSet(`#f-title`, "Pametna klupa za park Zrinjevac")
	saved := a.msg("en", "grants.autosave.saved")
	saved = saved[:strings.Index(saved, "{")]
	deadline := time.Now().Add(40 * time.Second)
	for !strings.Contains(a.text(`#autosave-status`), strings.TrimSpace(saved)) {
		if time.Now().After(deadline) {
			t.Fatalf("the draft was not saved automatically: %q", a.text(`#autosave-status`))
		}
		time.Sleep(time.Second)
	}
	a.open(draft)
	if got := a.value(`#f-title`); got != "Pametna klupa za park Zrinjevac" {
		t.Errorf("after the automatic save the title is %q", got)
	}
	// Withdraw before the deadline, then take it up again.
	a = egAs(t, demoExpert, demoPassword)
	a.open(draft)
	resp = a.clickNav(`main form[action$="/withdraw"] button[type=submit]`)
	egStatus(t, "withdraw", resp.Status, http.StatusOK)
	if got, want := a.text(`main dl.kv .badge`), a.msg("en", "grants.app.status.withdrawn"); got != want {
		t.Errorf("after withdrawing: status %q, want %q", got, want)
	}
	resp = a.clickNav(`main form[action$="/reopen"] button[type=submit]`)
	egStatus(t, "reopen", resp.Status, http.StatusOK)
	if a.count(`main form button[name=action][value=submit]`) != 1 {
		t.Errorf("the reopened application cannot be edited again")
	}

	// LDA Mostar manages the Link call it re-grants: its ranking, decided.
	r := egAs(t, demoExpert, demoPassword)
	resp = r.open(link + "/manage")
	egStatus(t, "the Link call's ranking", resp.Status, http.StatusOK)
	if n := r.count(`#ranking ~ .table-wrap tbody tr`); n < 3 {
		t.Errorf("the Link call's ranking has %d rows", n)
	}
	r.egContains("the Link call's ranking", r.msg("en", "grants.decision.award"), r.msg("en", "grants.decision.reserve"))

	// The City of Mostar's upcoming call, in its edit form.
	m := egAs(t, demoCoordMostar, demoPassword)
	m.open("/en/calls?lsg=" + mostarLSG + "&q=za+2027") // the demo's 2027 call (it opened on 2026-12-01)
	calls := m.egAttrs(`main .cards h2 a`, "href")
	if len(calls) != 1 {
		t.Fatalf("Mostar's upcoming calls: %v, want the 2027 call", calls)
	}
	resp = m.open(calls[0] + "/edit")
	egStatus(t, "edit the upcoming call", resp.Status, http.StatusOK)
	if got := m.value(`#f-funder`); got != "Grad Mostar" {
		t.Errorf("the edit form's funder = %q", got)
	}
}

// egDashboard checks the registry's dashboard for Mostar in year: four
// accessible SVG charts, each with a table of its numbers and a CSV link
// whose numbers include this year's award of 3,600 BAM (in euro).
func egDashboard(t *testing.T, p *tab, year string) {
	t.Helper()
	for _, id := range []string{"dash-procedure", "dash-largest", "dash-year", "dash-csos"} {
		sec := `main section[aria-labelledby="` + id + `"]`
		if n := p.count(sec + ` figure svg[role=img] title`); n < 1 {
			t.Errorf("the dashboard's %s chart: no accessible SVG", id)
		}
		if n := p.count(sec + ` table tbody tr`); n < 1 {
			t.Errorf("the dashboard's %s chart has no table of its numbers", id)
		}
		links := p.egAttrs(sec+` a[href^="/api/v1/grants/dashboard.csv"]`, "href")
		if len(links) != 1 || !strings.Contains(links[0], "lsg="+mostarLSG) || !strings.Contains(links[0], "year="+year) {
			t.Errorf("the %s chart's CSV link = %v", id, links)
			continue
		}
		st, h, body := p.egFetch(links[0], "content-type")
		if st != http.StatusOK || !strings.HasPrefix(h["content-type"], "text/csv") {
			t.Errorf("%s: status %d, %v", links[0], st, h)
		}
		switch id {
		case "dash-year":
			if !regexp.MustCompile(`(?m)^` + year + `,EUR,[0-9.]+,[0-9.]+,[0-9.]+,[0-9]+$`).MatchString(body) {
				t.Errorf("the yearly CSV has no row for %s:\n%s", year, body)
			}
		case "dash-largest":
			if !strings.Contains(body, "Lokalna agencija za demokratiju Mostar (LDA Mostar),EUR,") {
				t.Errorf("the recipients CSV does not show the award:\n%s", body)
			}
		}
	}
	// The table beside the yearly chart marks the chosen year.
	if got := p.text(`main section[aria-labelledby="dash-year"] tr[aria-current] th`); got != year {
		t.Errorf("the yearly table marks %q, want %s", got, year)
	}
}
