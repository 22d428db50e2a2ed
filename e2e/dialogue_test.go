package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// setValue sets a form field's value with script (dates, selects).
func (p *tab) setValue(sel, v string) {
	p.t.Helper()
	if !evalJS[bool](p, `((sel, v) => { const el = document.querySelector(sel); if (!el) return false; el.value = v; return el.value === v; })(`+jsString(sel)+`, `+jsString(v)+`)`) {
		p.t.Fatalf("cannot set %s to %q", sel, v)
	}
}

// move takes the initiative on the page to the next state through the
// "next step" form and checks that the page then shows the state.
func (p *tab) move(to string) {
	p.t.Helper()
	p.click("#to-" + to)
	resp := p.clickNav(`form[action$="/transition"] button[type=submit]`)
	if resp.Status != http.StatusOK {
		p.t.Fatalf("move to %s: status %d, at %s: %s", to, resp.Status, p.location(), p.text("main"))
	}
	if got, want := p.text("main dl.kv .badge"), p.msg("en", "dialogue.state."+to); got != want {
		p.t.Errorf("after moving to %s the page shows %q, want %q", to, got, want)
	}
}

// TestDialogueInitiativeLifecycle walks the whole life-cycle in a browser:
// a citizen submits, the coordinator admits and opens it, citizens support,
// the meeting selects it, financing is recorded, progress is reported and
// the public pages show it.
func TestDialogueInitiativeLifecycle(t *testing.T) {
	citizen := newTab(t)
	citizen.login("en", "gradjanin@demo.dijalog.ba", demoPassword)

	// Browse to the platform of Mostar through the main navigation.
	citizen.open("/en/")
	citizen.clickNav(`header nav.main-nav a[href="/en/platforms"]`)
	if got := citizen.text("main h1"); got != citizen.msg("en", "dialogue.platforms") {
		t.Errorf("platforms heading %q", got)
	}
	citizen.clickNav(`main a[href="/en/platforms/lokalna-dijaloska-platforma-mostar"]`)
	citizen.clickNav(`main a[href="/en/platforms/lokalna-dijaloska-platforma-mostar/initiatives/new"]`)

	// A refused form keeps what was typed.
	citizen.fill("#f-title", "Ograda oko igralista u Vrapcicima")
	resp := citizen.clickNav(`main form button[name=submit]`)
	if resp.Status != http.StatusUnprocessableEntity || citizen.count("#e-problem") != 1 {
		t.Fatalf("incomplete initiative: status %d", resp.Status)
	}
	if got := citizen.value("#f-title"); got != "Ograda oko igralista u Vrapcicima" {
		t.Errorf("title after refusal %q", got)
	}
	citizen.fill("#f-problem", "Djeca istrčavaju na cestu kod igrališta.")
	citizen.fill("#f-solution", "Postaviti ogradu od 80 metara.")
	citizen.fill("#f-cost", "7500")
	resp = citizen.clickNav(`main form button[name=submit]`)
	if resp.Status != http.StatusOK || !strings.HasPrefix(citizen.location(), "/en/initiatives/") {
		t.Fatalf("submit: status %d at %s", resp.Status, citizen.location())
	}
	page := strings.Split(citizen.location(), "?")[0]
	if got := citizen.text("main dl.kv .badge"); got != citizen.msg("en", "dialogue.state.submitted") {
		t.Errorf("state after submitting %q", got)
	}

	// The coordinator admits it and opens it for support.
	coord := newTab(t)
	coord.login("en", demoCoordMostar, demoPassword)
	coord.open(page)
	coord.move("admissible")
	coord.move("open")

	// Citizens support it; a second support is not possible, a withdrawal is.
	citizen.open(page)
	citizen.clickNav(`form[action$="/support"] button`)
	if got := citizen.text("#support-count"); got != "1" {
		t.Errorf("supports after the first: %q", got)
	}
	if citizen.count(`form[action$="/support"]`) != 0 || citizen.count(`form[action$="/withdraw-support"]`) != 1 {
		t.Error("after supporting, the page offers to support again instead of withdrawing")
	}
	amina := newTab(t)
	amina.login("en", "amina.hadzic@demo.dijalog.ba", demoPassword)
	amina.open(page)
	amina.clickNav(`form[action$="/support"] button`)
	amina.clickNav(`form[action$="/withdraw-support"] button`)
	amina.clickNav(`form[action$="/support"] button`)
	if got := amina.text("#support-count"); got != "2" {
		t.Errorf("supports after two citizens: %q", got)
	}
	// A comment.
	amina.fill("#comment-body", "Podržavam, djeca su u opasnosti.")
	amina.clickNav(`#comment-form button[type=submit]`)
	if !strings.Contains(amina.body(), "Podržavam, djeca su u opasnosti.") {
		t.Error("the comment is not shown")
	}

	// The meeting selects it; financing, disbursement, progress, done.
	coord.open(page)
	coord.move("selected")
	coord.click(`details:has(form[action$="/share"]) summary`)
	coord.fill("#f-name", "Grad Mostar")
	coord.fill("#f-amount", "3750")
	coord.clickNav(`form[action$="/share"] button`)
	coord.click(`details:has(form[action$="/share"]) summary`)
	coord.setValue("#f-source", "donor")
	coord.fill("#f-name", "UNDP MAKERS")
	coord.fill("#f-amount", "3750")
	coord.clickNav(`form[action$="/share"] button`)
	if !strings.Contains(coord.body(), "UNDP MAKERS") {
		t.Error("the donor share is not shown")
	}
	coord.move("cofinanced")
	coord.click(`details:has(form[action$="/disbursement"]) summary`)
	coord.setValue("#f-paid_on", "2026-11-20")
	coord.fill("#f-d_amount", "7500")
	coord.clickNav(`form[action$="/disbursement"] button`)
	coord.move("implementation")
	coord.click(`details:has(form[action$="/report"]) summary`)
	coord.fill("#f-body", "Ograda je postavljena i obojena.")
	coord.fill("#f-percent", "100")
	coord.clickNav(`form[action$="/report"] button`)
	coord.move("done")

	// The public sees the timeline and where the money went.
	public := newTab(t)
	public.open(page)
	body := public.body()
	for _, key := range []string{"submitted", "admissible", "open", "selected", "cofinanced", "implementation", "done"} {
		if !strings.Contains(body, public.msg("en", "dialogue.state."+key)) {
			t.Errorf("the public timeline lacks %q", key)
		}
	}
	for _, want := range []string{"Ograda je postavljena i obojena.", "UNDP MAKERS", "Podržavam, djeca su u opasnosti."} {
		if !strings.Contains(body, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	public.open("/en/platforms/lokalna-dijaloska-platforma-mostar/money")
	if !strings.Contains(public.body(), "Ograda oko igralista u Vrapcicima") {
		t.Error("the money page lacks the initiative")
	}
	if !regexp.MustCompile(`^\d+ initiatives co-financed, [\d,.]+[\s\x{00a0}]?BAM, \d+ done$`).MatchString(public.text("#money-summary")) {
		t.Errorf("money summary %q", public.text("#money-summary"))
	}
}

// TestDialogueInterMunicipal: the platform of three LSGs shows them, its
// shared priorities and the Igman training with its minutes and feed.
func TestDialogueInterMunicipal(t *testing.T) {
	p := newTab(t)
	p.open("/bs/platforms?lsg=ba-rs-trebinje")
	p.clickNav(`main a[href*="opstinska-dijaloska-platforma"]`)
	for _, code := range []string{"ba-fbih-mostar", "ba-rs-trebinje", "ba-fbih-trnovo"} {
		if p.count(`main dl.kv a[href="/bs/places/`+code+`"]`) != 1 {
			t.Errorf("the inter-municipal platform does not link %s", code)
		}
	}
	body := p.body()
	for _, want := range []string{"Jačanje učešća građana u odlučivanju", "Unapređenje položaja mladih u lokalnoj zajednici", "Podrška djeci i mladima s poteškoćama u razvoju"} {
		if !strings.Contains(body, want) {
			t.Errorf("shared priority %q missing", want)
		}
	}
	p.clickNav(`main a[href*="/meetings/"]`)
	if !strings.Contains(p.body(), "Igman") || p.count("main .prose ul li") != 3 {
		t.Errorf("the Igman training page lacks its place or minutes")
	}
	// The LSG page has the section.
	p.open("/sr-Cyrl/places/ba-rs-trebinje")
	if p.count(`main a[href^="/sr-Cyrl/platforms/"]`) < 2 {
		t.Error("Trebinje's page does not list its two platforms")
	}
}

// TestDialogueCoordinatorPages: the coordinator schedules a meeting, writes
// minutes (scripts removed), prints verification codes, and a citizen
// verifies with one; every page passes the accessibility checks.
func TestDialogueCoordinatorPages(t *testing.T) {
	coord := newTab(t)
	coord.login("en", demoCoordMostar, demoPassword)
	coord.open("/en/platforms/lokalna-dijaloska-platforma-mostar")
	coord.clickNav(`main a[href$="/manage"]`)
	coord.fill("form[action$='/manage/meeting'] #f-title", "Sjednica o budzetu")
	coord.setValue("#f-starts_at", "2026-12-18T17:00")
	coord.fill("#f-place", "Gradska vijecnica")
	resp := coord.clickNav(`form[action$="/manage/meeting"] button`)
	if resp.Status != http.StatusOK || !strings.Contains(coord.location(), "/meetings/") {
		t.Fatalf("schedule: %d at %s", resp.Status, coord.location())
	}
	coord.fill("#f-minutes", "## Zaključak\n\n<script>document.title='x'</script>\n\n**Usvojeno**")
	coord.clickNav(`form[action$="/minutes"] button`)
	if coord.count("main .prose strong") != 1 || coord.count("main .prose script") != 0 {
		t.Error("minutes not rendered and sanitised")
	}
	coord.clickNav(`form[action$="/register"] button`)
	if coord.count(`form[action$="/attendance"] input[type=checkbox]`) != 1 {
		t.Error("the coordinator's registration is not on the attendance list")
	}
	coord.click(`form[action$="/attendance"] input[type=checkbox]`)
	coord.clickNav(`form[action$="/attendance"] button`)

	coord.open("/en/platforms/lokalna-dijaloska-platforma-mostar/manage")
	coord.fill("form[action$='/manage/codes'] #f-count", "2")
	coord.clickNav(`form[action$="/manage/codes"] button`)
	code := coord.text("main ol li code")
	if len(code) != 14 {
		t.Fatalf("code %q", code)
	}
	citizen := newTab(t)
	citizen.login("en", "ana.ivankovic@demo.dijalog.ba", demoPassword)
	citizen.open("/en/platforms/verify")
	citizen.fill("#f-code", "WRONG")
	if resp := citizen.clickNav(`main form button`); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("wrong code: %d", resp.Status)
	}
	citizen.open("/en/platforms/verify")
	citizen.fill("#f-code", code)
	citizen.clickNav(`main form button`)
	if !strings.Contains(citizen.body(), "Mostar") {
		t.Error("the verified LSG is not shown")
	}
}
