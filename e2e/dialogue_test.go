package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
	citizen = signedIn(t, "gradjanin@demo.dijalog.ba")
	citizen.open("/en/platforms/lokalna-dijaloska-platforma-mostar/initiatives/new")
	citizen.fill("#f-title", "Ograda oko igralista u Vrapcicima")
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
	// (Each phase gets fresh tabs: a tab lives at most testTimeout.)
	citizen = signedIn(t, "gradjanin@demo.dijalog.ba")
	citizen.open(page)
	citizen.clickNav(`form[action$="/support"] button`)
	if got := citizen.text("#support-count"); got != "1" {
		t.Errorf("supports after the first: %q", got)
	}
	if citizen.count(`form[action$="/support"]`) != 0 || citizen.count(`form[action$="/withdraw-support"]`) != 1 {
		t.Error("after supporting, the page offers to support again instead of withdrawing")
	}
	amina := signedIn(t, "amina.hadzic@demo.dijalog.ba")
	amina.open(page)
	amina.clickNav(`form[action$="/support"] button`)
	amina.clickNav(`form[action$="/withdraw-support"] button`)
	amina.clickNav(`form[action$="/support"] button`)
	if got := amina.text("#support-count"); got != "2" {
		t.Errorf("supports after two citizens: %q", got)
	}
	// The author follows their initiative from the start.
	citizen.open(page)
	if citizen.count(`form[action$="/unfollow"]`) != 1 {
		t.Error("the author does not follow their own initiative")
	}

	// Participatory budgeting: the coordinator puts it on a ballot with
	// the platform's other initiatives and opens the vote.
	pid := strings.TrimPrefix(page, "/en/initiatives/")
	coord = signedIn(t, demoCoordMostar)
	coord.open("/en/platforms/lokalna-dijaloska-platforma-mostar/manage")
	coord.fill("#f-b_title", "Participativni budzet 2027")
	coord.fill("#f-budget", "15000") // every initiative of the demo fits in it (the largest costs 12,600)
	coord.click("#item-" + pid)
	coord.click(`form[action$="/manage/ballot"] input[type=checkbox]:not(#item-` + pid + `)`)
	if resp := coord.clickNav(`form[action$="/manage/ballot"] button`); resp.Status != http.StatusOK || !strings.Contains(coord.location(), "/ballots/") {
		t.Fatalf("create the ballot: %d at %s: %s", resp.Status, coord.location(), coord.text("main"))
	}
	ballot := strings.Split(coord.location(), "?")[0]
	coord.clickNav("#ballot-next") // open
	// A verified resident votes once; an unverified one is told why not.
	amina = signedIn(t, "amina.hadzic@demo.dijalog.ba")
	amina.open(ballot)
	amina.click("#pick-" + pid)
	amina.clickNav(`form[action$="/vote"] button`)
	if amina.count("#ballot-voted") != 1 || !strings.Contains(amina.text("main"), "Ograda oko igralista u Vrapcicima") {
		t.Errorf("after voting: %s", amina.text("main"))
	}
	if amina.count(`form[action$="/vote"]`) != 0 {
		t.Error("the ballot form is offered a second time")
	}
	citizen = signedIn(t, "gradjanin@demo.dijalog.ba")
	citizen.open(ballot)
	if got := citizen.text("#ballot-refusal"); !strings.Contains(got, citizen.msg("en", "dialogue.ballot.verify")) {
		t.Errorf("unverified resident sees %q", got)
	}
	coord = signedIn(t, demoCoordMostar)
	coord.open(ballot)
	coord.clickNav("#ballot-next") // close
	coord.clickNav("#ballot-next") // count and publish
	public := newTab(t)
	public.open(ballot)
	if got := public.text("#ballot-summary"); !strings.HasPrefix(got, "1 ballot cast.") {
		t.Errorf("published summary %q", got)
	}
	if !strings.Contains(public.text("#ballot-results"), "Ograda oko igralista u Vrapcicima") {
		t.Error("the results do not list the initiative")
	}

	// A comment.
	amina = signedIn(t, "amina.hadzic@demo.dijalog.ba")
	amina.open(page)
	amina.fill("#comment-body", "Podržavam, djeca su u opasnosti.")
	amina.clickNav(`#comment-form button[type=submit]`)
	if !strings.Contains(amina.body(), "Podržavam, djeca su u opasnosti.") {
		t.Error("the comment is not shown")
	}

	// The meeting selects it; financing, disbursement, progress, done.
	coord = signedIn(t, demoCoordMostar)
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
	coord = signedIn(t, demoCoordMostar)
	coord.open(page)
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
	public = newTab(t)
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
	// ... and per donor programme: the programme's page lists what it
	// co-financed, on every platform.
	public = newTab(t)
	public.open("/en/platforms/lokalna-dijaloska-platforma-mostar/money")
	public.clickNav(`main a[href="/en/platforms/programmes?programme=undp-makers"]`)
	if !strings.Contains(public.body(), "Ograda oko igralista u Vrapcicima") {
		t.Error("the programme page lacks the initiative it co-financed")
	}
	public.clickNav(`nav.breadcrumbs a[href="/en/platforms/programmes"]`)
	public.clickNav(`main a[href="/en/platforms/programmes?programme=undp-makers-porticus"]`)
	if got := public.text("#money-summary"); !regexp.MustCompile(`^8 initiatives co-financed, 96,000[\s\x{00a0}]?BAM, 5 done$`).MatchString(got) {
		t.Errorf("UNDP MAKERS (Porticus) across the MAKERS municipalities: %q", got)
	}
	// The LSG's public dashboard.
	public.open("/en/platforms?lsg=ba-fbih-mostar")
	if public.count("#dashboard") != 1 {
		t.Error("Mostar has no dashboard")
	}
}

// signedIn is a fresh tab signed in as the demo account email.
func signedIn(t *testing.T, email string) *tab {
	t.Helper()
	p := newTab(t)
	p.login("en", email, demoPassword)
	return p
}

// TestDialogueBadUploads: a photo of the wrong type or an image bomb is
// refused with a message, in the browser. (50 MB is refused before the
// body is read, with 413 and its message: the browser may see the
// connection closed mid-upload instead, so that case is tested over HTTP in
// internal/app TestDialoguePhotosAndDrafts.)
func TestDialogueBadUploads(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"page.png":  []byte("<html><script>alert(1)</script></html>"),
		"bomb.png":  readFile(t, "../internal/dialogue/testdata/bomb.png"),
		"notes.txt": []byte("plain text"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	coord := newTab(t)
	coord.login("en", demoCoordMostar, demoPassword)
	coord.open("/en/platforms/lokalna-dijaloska-platforma-mostar")
	page := evalJS[string](coord, `[...document.querySelectorAll('main a[href^="/en/initiatives/"]')].find(a => a.textContent.includes('Javna rasvjeta')).getAttribute('href')`)
	for _, c := range []struct {
		file   string
		status int
		key    string
	}{
		{"page.png", http.StatusUnprocessableEntity, "dialogue.photo.type"},
		{"notes.txt", http.StatusUnprocessableEntity, "dialogue.photo.type"},
		{"bomb.png", http.StatusUnprocessableEntity, "dialogue.photo.dimensions"},
	} {
		coord = signedIn(t, demoCoordMostar) // a fresh tab per upload: a tab lives at most testTimeout
		coord.open(page)
		coord.click(`details:has(form[action$="/photo"]) summary`)
		if err := chromedp.Do(coord.ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-photo"), []string{filepath.Join(dir, c.file)})); err != nil {
			t.Fatal(err)
		}
		resp := coord.clickNav(`form[action$="/photo"] button`)
		if int(resp.Status) != c.status {
			t.Errorf("%s: status %d, want %d", c.file, resp.Status, c.status)
		}
		if want := coord.msg("en", c.key); !strings.Contains(coord.text("main"), want) {
			t.Errorf("%s: the page does not say %q: %s", c.file, want, coord.text("main"))
		}
	}
}

// readFile returns a test file's bytes (testdata/bomb.png: a valid PNG
// header that claims 100,000 × 100,000 pixels).
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
