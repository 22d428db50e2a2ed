package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
)

// demoPassword is app.DemoPassword, the password of every demo account.
const demoPassword = "dijalog-demo-2026"

// Demo accounts (app.DemoAccounts).
const (
	demoAdmin       = "admin@demo.dijalog.ba"
	demoAdminName   = "Amra Administratorka"
	demoCoordMostar = "koordinator.mostar@demo.dijalog.ba"
	demoCoordName   = "Marko Marić"
	demoCitizen     = "gradjanin@demo.dijalog.ba"
)

// login signs in through the login form of lang and returns the response of
// the page it lands on.
func (p *tab) login(lang, email, password string) *network.Response {
	p.t.Helper()
	p.open("/" + lang + "/login")
	p.fill("#f-email", email)
	p.fill("#f-password", password)
	resp := p.clickNav(`main form[action$="/login"] button[type=submit]`)
	if resp.Status != http.StatusOK {
		p.t.Fatalf("sign in as %s: landed on %s with status %d, want 200", email, p.location(), resp.Status)
	}
	return resp
}

// headerName is the name in the account menu of the header ("" when signed out).
func (p *tab) headerName() string {
	p.t.Helper()
	if p.count("header details.account-menu summary") == 0 {
		return ""
	}
	return p.text("header details.account-menu summary")
}

// uniqueEmail is an address no other test (or run) uses.
func uniqueEmail(tag string) string {
	return fmt.Sprintf("e2e-%s-%d@example.org", tag, time.Now().UnixNano())
}

func TestRegisterAndLogin(t *testing.T) {
	p := newTab(t)
	const lang = "bs"
	name := "Test Korisnica Đurđević"
	email := uniqueEmail("register")
	password := "duga lozinka za test 2026"

	// A too-short password: the form comes back with the error beside the
	// field, and with what was typed in the other fields.
	p.open("/bs/register")
	if got, want := p.text("main h1"), p.msg(lang, "auth.register.title"); got != want {
		t.Errorf("register page heading = %q, want %q", got, want)
	}
	p.fill("#f-name", name)
	p.fill("#f-email", email)
	p.fill("#f-password", "kratka")
	resp := p.clickNav(`main form[action$="/register"] button[type=submit]`)
	if resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("register with a short password: status %d, want 422", resp.Status)
	}
	if got := p.location(); got != "/bs/register" {
		t.Errorf("register with a short password: at %s, want /bs/register", got)
	}
	if got, want := p.text("#e-password"), p.msg(lang, "auth.password.short"); got != want {
		t.Errorf("password field error = %q, want %q", got, want)
	}
	if !evalJS[bool](p, `(() => {
		const input = document.getElementById('f-password'), err = document.getElementById('e-password');
		return !!input && !!err && input.closest('.field') === err.closest('.field') &&
			input.getAttribute('aria-invalid') === 'true' &&
			(input.getAttribute('aria-describedby') || '').split(/\s+/).includes('e-password');
	})()`) {
		t.Errorf("the password error is not next to the password field (same .field, aria-invalid, aria-describedby=e-password)")
	}
	if p.count(`#form-error[role=alert]`) != 1 {
		t.Errorf("no form error summary (#form-error, role=alert) above the form")
	}
	if got := p.value("#f-name"); got != name {
		t.Errorf("name after the failed submit = %q, want %q (kept)", got, name)
	}
	if got := p.value("#f-email"); got != email {
		t.Errorf("e-mail after the failed submit = %q, want %q (kept)", got, email)
	}
	if got := p.value("#f-password"); got != "" {
		t.Errorf("password after the failed submit = %q, want it empty (never echoed)", got)
	}

	// A good password: the page asks to open the mailed link (issue 14,
	// finding 8); the link's page confirms, signs in and welcomes the person.
	p.fill("#f-password", password)
	resp = p.clickNav(`main form[action$="/register"] button[type=submit]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("register: status %d at %s, want 200", resp.Status, p.location())
	}
	if got, want := p.text("main h1"), p.msg(lang, "auth.register.sent.title"); got != want {
		t.Errorf("after registering: heading %q, want %q", got, want)
	}
	if got := p.headerName(); got != "" {
		t.Errorf("signed in as %q before confirming the address", got)
	}
	if resp = p.open(p.env.confirmLink(t, email)); resp.Status != http.StatusOK {
		t.Fatalf("confirmation link: status %d", resp.Status)
	}
	if got, want := p.text("main h1"), p.msg(lang, "auth.confirm.title"); got != want {
		t.Errorf("confirmation page heading = %q, want %q", got, want)
	}
	resp = p.clickNav(`main form[action$="/confirm"] button[type=submit]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("confirm: status %d at %s, want 200", resp.Status, p.location())
	}
	if got := p.location(); !strings.HasPrefix(got, "/bs/account") {
		t.Errorf("after registering: at %s, want /bs/account", got)
	}
	if got, want := p.text("main .flash"), p.msg(lang, "auth.welcome"); got != want {
		t.Errorf("welcome message = %q, want %q", got, want)
	}
	if got := p.headerName(); got != name {
		t.Errorf("name in the header after registering = %q, want %q", got, name)
	}
	if body := p.body(); !strings.Contains(body, email) {
		t.Errorf("the account page does not show the e-mail address %s", email)
	}

	// Sign out from the account menu of the header.
	p.click("header details.account-menu summary")
	resp = p.clickNav(`header details.account-menu form[action$="/logout"] button[type=submit]`)
	if resp.Status != http.StatusOK {
		t.Errorf("sign out: status %d, want 200", resp.Status)
	}
	if got := p.location(); got != "/bs/" {
		t.Errorf("after signing out: at %s, want /bs/", got)
	}
	if got := p.headerName(); got != "" {
		t.Errorf("after signing out the header still shows %q", got)
	}
	if got, want := p.text(`header a[href^="/bs/login"]`), p.msg(lang, "nav.login"); got != want {
		t.Errorf("sign-in link in the header = %q, want %q", got, want)
	}

	// Sign in again.
	p.login(lang, email, password)
	if got := p.headerName(); got != name {
		t.Errorf("name in the header after signing in = %q, want %q", got, name)
	}
	if got := p.location(); got != "/bs/" {
		t.Errorf("after signing in: at %s, want /bs/", got)
	}
}

func TestLoginWrongPassword(t *testing.T) {
	p := newTab(t)
	p.open("/en/login")
	p.fill("#f-email", demoAdmin)
	p.fill("#f-password", "not the password")
	resp := p.clickNav(`main form[action$="/login"] button[type=submit]`)
	if resp.Status != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", resp.Status)
	}
	if got, want := p.text("#form-error"), p.msg("en", "auth.login.failed"); got != want {
		t.Errorf("form error = %q, want %q", got, want)
	}
	if got := p.value("#f-email"); got != demoAdmin {
		t.Errorf("e-mail after the failed sign-in = %q, want %q (kept)", got, demoAdmin)
	}
	if got := p.headerName(); got != "" {
		t.Errorf("signed in with a wrong password: header shows %q", got)
	}
}

func TestCoordinatorScope(t *testing.T) {
	p := newTab(t)
	const lang = "bs"
	p.login(lang, demoCoordMostar, demoPassword)
	if got := p.headerName(); got != demoCoordName {
		t.Errorf("name in the header = %q, want %q", got, demoCoordName)
	}

	// Their own LSG's administration page.
	resp := p.open("/bs/admin/places/ba-fbih-mostar")
	if resp.Status != http.StatusOK {
		t.Errorf("GET /bs/admin/places/ba-fbih-mostar as the Mostar coordinator: status %d, want 200 (page: %q)", resp.Status, p.text("main h1"))
	} else if h1 := p.text("main h1"); !strings.Contains(h1, "Mostar") {
		t.Errorf("Mostar admin page heading = %q, want it to contain Mostar", h1)
	}

	// /bs/admin sends a coordinator to their LSG's page.
	resp = p.open("/bs/admin")
	if got := p.location(); got != "/bs/admin/places/ba-fbih-mostar" {
		t.Errorf("GET /bs/admin as the Mostar coordinator: at %s (status %d), want /bs/admin/places/ba-fbih-mostar", got, resp.Status)
	}

	// Another LSG's page, and the site administration, are refused.
	for _, path := range []string{"/bs/admin/places/ba-rs-trebinje", "/bs/admin/users"} {
		resp = p.open(path)
		if resp.Status != http.StatusForbidden {
			t.Errorf("GET %s as the Mostar coordinator: status %d, want 403", path, resp.Status)
		}
		if got, want := p.text("main h1"), p.msg(lang, "error.403.title"); got != want {
			t.Errorf("GET %s: heading %q, want %q", path, got, want)
		}
		if body, want := p.body(), p.msg(lang, "error.403"); !strings.Contains(body, want) {
			t.Errorf("GET %s: the page does not say %q", path, want)
		}
	}

	// The same with a plain HTTP client, so the status does not depend on
	// how the browser reports it.
	c := p.env.httpLogin(t, lang, demoCoordMostar, demoPassword)
	for path, want := range map[string]int{
		"/bs/admin/places/ba-fbih-mostar": http.StatusOK,
		"/bs/admin/places/ba-rs-trebinje": http.StatusForbidden,
	} {
		resp, err := c.Get(p.url(path))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("HTTP client: GET %s as the Mostar coordinator: status %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestAdminPages(t *testing.T) {
	p := newTab(t)
	const lang = "en"
	p.login(lang, demoAdmin, demoPassword)
	if got := p.headerName(); got != demoAdminName {
		t.Errorf("name in the header = %q, want %q", got, demoAdminName)
	}

	resp := p.open("/en/admin")
	if resp.Status != http.StatusOK {
		t.Errorf("GET /en/admin: status %d, want 200", resp.Status)
	}
	if got, want := p.text("main h1"), p.msg(lang, "nav.admin"); got != want {
		t.Errorf("/en/admin heading = %q, want %q", got, want)
	}

	resp = p.open("/en/admin/users")
	if resp.Status != http.StatusOK {
		t.Errorf("GET /en/admin/users: status %d, want 200", resp.Status)
	}
	if got, want := p.text("main h1"), p.msg(lang, "admin.users"); got != want {
		t.Errorf("/en/admin/users heading = %q, want %q", got, want)
	}
	href := evalJS[string](p, fmt.Sprintf(`(() => {
		const a = [...document.querySelectorAll('main table a')].find(a => a.textContent.trim() === %s);
		return a ? a.getAttribute('href') : '';
	})()`, jsString(demoCoordName)))
	if href == "" {
		t.Fatalf("/en/admin/users has no link to %s", demoCoordName)
	}
	resp = p.clickNav(fmt.Sprintf(`main table a[href=%s]`, jsString(href)))
	if resp.Status != http.StatusOK {
		t.Errorf("GET %s: status %d, want 200", href, resp.Status)
	}
	if got := p.text("main h1"); got != demoCoordName {
		t.Errorf("user page heading = %q, want %q", got, demoCoordName)
	}
	if body := p.body(); !strings.Contains(body, demoCoordMostar) {
		t.Errorf("user page does not show the e-mail address %s", demoCoordMostar)
	}

	resp = p.open("/en/admin/audit")
	if resp.Status != http.StatusOK {
		t.Errorf("GET /en/admin/audit: status %d, want 200", resp.Status)
	}
	if got, want := p.text("main h1"), p.msg(lang, "admin.audit"); got != want {
		t.Errorf("/en/admin/audit heading = %q, want %q", got, want)
	}
	if p.count("main table tbody tr td:nth-child(5)") == 0 || strings.Contains(p.body(), p.msg(lang, "admin.audit.none")) {
		t.Errorf("/en/admin/audit shows no entries (the demo data grants roles, which are audited)")
	}
}
