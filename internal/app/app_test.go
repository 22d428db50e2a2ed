package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// testApp is the whole platform on a test database, behind httptest.
type testApp struct {
	*App
	srv  *httptest.Server
	mail *mail.Recorder
}

func newTestApp(t *testing.T, d *db.DB) *testApp {
	t.Helper()
	return newTestAppWith(t, d, nil)
}

// newTestAppWith is newTestApp with settings changed by set (nil: none).
func newTestAppWith(t *testing.T, d *db.DB, set func(*config.Config)) *testApp {
	t.Helper()
	cfg := &config.Config{BaseURL: "http://example.test", TimeZone: time.UTC, CheapPasswords: true}
	if set != nil {
		set(cfg)
	}
	rec := &mail.Recorder{}
	a, err := Build(d, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), rec)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Cleanup(a.stopOutbox)
	if err := a.LoadDemo(context.Background()); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &testApp{App: a, srv: srv, mail: rec}
}

// client is a browser-like client with cookies that does not follow redirects.
func (ta *testApp) client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// csrf fetches a page with a form and returns its token.
func (ta *testApp) csrf(t *testing.T, c *http.Client) string {
	t.Helper()
	_, body := get(t, c, ta.srv.URL+"/en/login")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no csrf_token on the login page")
	}
	return m[1]
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// login signs a demo account in and returns its client.
func (ta *testApp) login(t *testing.T, email string) *http.Client {
	t.Helper()
	c := ta.client(t)
	tok := ta.csrf(t, c)
	status, body, _ := post(t, c, ta.srv.URL+"/en/login", url.Values{"csrf_token": {tok}, "email": {email}, "password": {DemoPassword}})
	if status != http.StatusSeeOther {
		t.Fatalf("login %s: status %d: %.300s", email, status, body)
	}
	return c
}

var cyrillic = regexp.MustCompile(`[\x{0400}-\x{04FF}]`)

// TestPagesInEveryLocale renders every parameterless page in all seven
// locales, on both databases.
func TestPagesInEveryLocale(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		// Signed in as the administrator, who may open every page.
		c := ta.login(t, "admin@demo.dijalog.ba")
		pages := 0
		defer func() {
			if pages < 7 {
				t.Errorf("only %d pages rendered", pages)
			}
		}()
		for _, r := range ta.Web.Routes() {
			if r.Method != http.MethodGet || !r.Page {
				continue
			}
			path := strings.ReplaceAll(r.Pattern, "{$}", "")
			path = strings.ReplaceAll(path, "{code}", "ba-fbih-mostar")
			if strings.Contains(strings.TrimPrefix(path, "/{lang}"), "{") {
				continue
			}
			if ext := filepath.Ext(path); ext == ".atom" || ext == ".ics" || ext == ".csv" || ext == ".json" || ext == ".xml" || ext == ".svg" {
				continue // feeds, exports and images: not pages
			}
			pages++
			// A link page opened without its token says the link is no
			// longer valid, in the reader's language.
			want := http.StatusOK
			if path == "/{lang}/confirm" {
				want = http.StatusGone
			}
			for _, loc := range i18n.Codes() {
				u := ta.srv.URL + strings.Replace(path, "{lang}", loc, 1)
				status, body := get(t, c, u)
				if status != want {
					t.Errorf("GET %s = %d, want %d", u, status, want)
					continue
				}
				if !strings.Contains(body, `<html lang="`+loc+`"`) {
					t.Errorf("GET %s: no <html lang=%q>", u, loc)
				}
				if loc == i18n.SerbianCyrillic || loc == i18n.Macedonian {
					if !cyrillic.MatchString(body) {
						t.Errorf("GET %s: no Cyrillic text", u)
					}
				}
				// The language switcher keeps the page.
				rest := strings.TrimPrefix(strings.Replace(path, "{lang}", loc, 1), "/"+loc)
				for _, other := range i18n.Codes() {
					if !strings.Contains(body, `href="/`+other+rest+`"`) {
						t.Errorf("GET %s: switcher lacks a link to /%s%s", u, other, rest)
					}
				}
				// Codes shown as code (audit actions) are fine; a catalogue key as text is not.
				text := regexp.MustCompile(`(?s)<code>.*?</code>`).ReplaceAllString(body, "")
				if strings.Contains(body, "{{") || regexp.MustCompile(`>[a-z]+\.[a-z_]+(\.[a-z_0-9]+)+<`).MatchString(text) {
					t.Errorf("GET %s: raw template or catalogue key in output", u)
				}
			}
		}
	})
}

// TestCSRFOnEveryUnsafeRoute walks the router: every state-changing route
// refuses a request without the session's token, or with a wrong one.
func TestCSRFOnEveryUnsafeRoute(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	admin := ta.login(t, "admin@demo.dijalog.ba")
	// The only exemption: RFC 8058 one-click unsubscribe, where the token in
	// the URL is the credential and mail providers post without a session.
	if d := cmp.Diff([]string{"POST /api/v1/newsletter/unsubscribe/{token}"}, ta.Web.CSRFExemptions()); d != "" {
		t.Errorf("CSRF exemptions (-want +got):\n%s", d)
	}
	exempt := map[string]bool{}
	for _, p := range ta.Web.CSRFExemptions() {
		exempt[p] = true
	}
	n := 0
	for _, r := range ta.Web.Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || exempt[r.Method+" "+r.Pattern] {
			continue
		}
		n++
		path := fill(r.Pattern, "en")
		for name, form := range map[string]url.Values{
			"missing": {"email": {"x@example.org"}},
			"wrong":   {"csrf_token": {"not-the-token"}, "email": {"x@example.org"}},
		} {
			for who, c := range map[string]*http.Client{"anonymous": ta.client(t), "admin": admin} {
				status, body, _ := post(t, c, ta.srv.URL+path, form)
				if status != http.StatusForbidden {
					t.Errorf("POST %s (%s token, %s) = %d, want 403", path, name, who, status)
				}
				if !strings.Contains(body, "nothing was saved") {
					t.Errorf("POST %s (%s token, %s): no friendly CSRF page", path, name, who)
				}
			}
		}
		// A cross-site request is refused even with a token.
		req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+path, strings.NewReader("a=b"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := admin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s = %d, want 403", path, resp.StatusCode)
		}
	}
	if n < 10 {
		t.Fatalf("only %d state-changing routes found", n)
	}
}

// fill substitutes plausible values for a route's wildcards.
func fill(pattern, loc string) string {
	p := strings.Replace(pattern, "{lang}", loc, 1)
	p = strings.ReplaceAll(p, "{$}", "")
	return regexp.MustCompile(`\{[a-z]+\.{0,3}\}`).ReplaceAllStringFunc(p, func(w string) string {
		switch w {
		case "{code}":
			return "ba-fbih-mostar"
		case "{file}":
			return "app.css"
		}
		return "00000000-0000-0000-0000-000000000000"
	})
}

// garbage: empty, NUL, path traversal, invalid UTF-8, SQL and HTML
// injection, 3 kB, a bidi override, negative and huge numbers.
var garbage = []string{
	"", "%00", "..%2F..%2Fetc%2Fpasswd", "%FF%FE", "' OR 1=1 --", "<script>alert(1)</script>", strings.Repeat("a", 3000),
	"%E2%80%AE", "-1", "99999999999999999999999",
}

// TestGarbageNeverFails sends every route nonsense in its path, query and
// body, signed in and not, with valid CSRF tokens so the handlers run: no
// response may be a 500 or show a stack trace.
func TestGarbageNeverFails(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	admin := ta.login(t, "admin@demo.dijalog.ba")
	anon := ta.client(t)
	tokens := map[*http.Client]string{admin: ta.csrf(t, admin), anon: ta.csrf(t, anon)}
	wild := regexp.MustCompile(`\{[a-z]+\.{0,3}\}`)
	check := func(method, u string, status int, body string) {
		t.Helper()
		if status >= 500 {
			t.Errorf("%s %s = %d", method, u, status)
		}
		if strings.Contains(body, "goroutine ") || strings.Contains(body, "panic:") || strings.Contains(body, ".go:") {
			t.Errorf("%s %s shows internals: %.200s", method, u, body)
		}
	}
	for _, r := range ta.Web.Routes() {
		for _, g := range garbage {
			p := strings.Replace(r.Pattern, "{lang}", "bs", 1)
			p = strings.ReplaceAll(p, "{$}", "")
			p = wild.ReplaceAllString(p, g)
			for c, tok := range tokens {
				u := ta.srv.URL + p + "?q=" + g + "&page=" + g + "&token=" + g + "&next=" + g + "&before=" + g
				if r.Method == http.MethodGet {
					req, err := http.NewRequest(http.MethodGet, u, nil)
					if err != nil {
						continue
					}
					resp, err := c.Do(req)
					if err != nil {
						t.Fatalf("GET %s: %v", u, err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					check("GET", u, resp.StatusCode, string(b))
					continue
				}
				form := url.Values{"csrf_token": {tok}}
				for _, f := range []string{"email", "name", "password", "password2", "current", "locale", "role", "scope_kind", "scope_ref", "status", "token", "next", "kind", "q"} {
					form.Set(f, g)
				}
				req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
				if err != nil {
					continue
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := c.Do(req)
				if err != nil {
					t.Fatalf("POST %s: %v", u, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				check("POST", u, resp.StatusCode, string(b))
			}
		}
	}
}

func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	tok := ta.csrf(t, c)
	tests := []struct {
		name, method, path, ctype, body string
		want                            int
		contains                        string
	}{
		{"unknown route", "GET", "/en/no-such-page", "", "", 404, "Page not found"},
		{"unknown route localised", "GET", "/hr/nema", "", "", 404, `lang="hr"`},
		{"unknown locale", "GET", "/de/places", "", "", 404, ""},
		{"wrong method", "PUT", "/en/login", "application/x-www-form-urlencoded", "csrf_token=" + tok, 405, "Method not allowed"},
		{"wrong method on GET route", "DELETE", "/en/", "", "", 403, ""},
		{"oversized body", "POST", "/en/login", "application/x-www-form-urlencoded", "csrf_token=" + tok + "&email=" + strings.Repeat("x", 2<<20), 413, "Too large"},
		{"malformed form", "POST", "/en/login", "application/x-www-form-urlencoded", "csrf_token=" + tok + "&email=%zz", 400, "Bad request"},
		{"malformed multipart", "POST", "/en/login", "multipart/form-data; boundary=x", "garbage", 400, ""},
		{"api 404 is JSON", "GET", "/api/v1/nothing", "", "", 404, `"status": 404`},
		{"root redirects", "GET", "/", "", "", 302, ""},
		{"locale without slash", "GET", "/sr-Cyrl", "", "", 301, ""},
		{"old asset fingerprint", "GET", "/static/app.0000000000.css", "", "", 302, ""},
		{"unknown asset", "GET", "/static/nope.js", "", "", 404, ""},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, ta.srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %s %s = %d, want %d", tc.name, tc.method, tc.path, resp.StatusCode, tc.want)
		}
		if tc.contains != "" && !strings.Contains(string(b), tc.contains) {
			t.Errorf("%s: body lacks %q: %.300s", tc.name, tc.contains, b)
		}
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	resp, err := http.Get(ta.srv.URL + "/en/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	for k, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "strict-origin-when-cross-origin", "Cache-Control": "no-store",
	} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("%s = %q, want it to contain %q", k, h.Get(k), want)
		}
	}
	if strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline code")
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "dijalog" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", session)
	}
	// Behind a TLS proxy the cookie is Secure with the __Host- prefix.
	cfg := &config.Config{BaseURL: "https://example.test", TimeZone: time.UTC, SecureCookies: true}
	a, err := Build(ta.DB, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), &mail.Recorder{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/en/login", nil))
	found := false
	for _, c := range rec.Result().Cookies() {
		if c.Name == "__Host-dijalog" && c.Secure && c.HttpOnly {
			found = true
		}
	}
	if !found {
		t.Errorf("secure cookies: got %v", rec.Result().Cookies())
	}
}

// TestRoleRouteMatrix checks who reaches which administration page.
func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	clients := map[string]*http.Client{
		"anonymous":            ta.client(t),
		"citizen":              ta.login(t, "gradjanin@demo.dijalog.ba"),
		"coordinator mostar":   ta.login(t, "koordinator.mostar@demo.dijalog.ba"),
		"staff trnovo":         ta.login(t, "osoblje.trnovo@demo.dijalog.ba"),
		"coordinator trebinje": ta.login(t, "koordinator.trebinje@demo.dijalog.ba"),
		"admin":                ta.login(t, "admin@demo.dijalog.ba"),
	}
	admin, _ := ta.Auth.UserByEmail(context.Background(), "admin@demo.dijalog.ba")
	routes := map[string]map[string]int{
		"/en/admin/users":                   {"anonymous": 303, "citizen": 403, "coordinator mostar": 403, "staff trnovo": 403, "coordinator trebinje": 403, "admin": 200},
		"/en/admin/audit":                   {"anonymous": 303, "citizen": 403, "coordinator mostar": 403, "staff trnovo": 403, "coordinator trebinje": 403, "admin": 200},
		"/en/admin/users/" + admin.PublicID: {"anonymous": 303, "citizen": 403, "coordinator mostar": 403, "admin": 200},
		"/en/admin":                         {"anonymous": 303, "citizen": 403, "coordinator mostar": 303, "staff trnovo": 303, "admin": 200},
		"/en/account":                       {"anonymous": 303, "citizen": 200, "coordinator mostar": 200, "admin": 200},
	}
	if ta.hasRoute("/{lang}/admin/places/{code}") {
		routes["/en/admin/places/ba-fbih-mostar"] = map[string]int{"anonymous": 303, "citizen": 403, "coordinator mostar": 200, "staff trnovo": 403, "coordinator trebinje": 403, "admin": 200}
		routes["/en/admin/places/ba-rs-trebinje"] = map[string]int{"anonymous": 303, "citizen": 403, "coordinator mostar": 403, "coordinator trebinje": 200, "admin": 200}
		routes["/en/admin/places/ba-fbih-trnovo"] = map[string]int{"coordinator mostar": 403, "staff trnovo": 200, "admin": 200}
	}
	for path, want := range routes {
		for who, status := range want {
			got, body := get(t, clients[who], ta.srv.URL+path)
			if got != status {
				t.Errorf("%s GET %s = %d, want %d", who, path, got, status)
			}
			if status == 403 && !strings.Contains(body, "Access denied") {
				t.Errorf("%s GET %s: 403 without the access-denied page", who, path)
			}
		}
	}
}

func (ta *testApp) hasRoute(pattern string) bool {
	for _, r := range ta.Web.Routes() {
		if r.Pattern == pattern {
			return true
		}
	}
	return false
}

func TestRegisterLoginFlow(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	tok := ta.csrf(t, c)
	// A refused form keeps the input and names the field.
	status, body, _ := post(t, c, ta.srv.URL+"/bs/register", url.Values{"csrf_token": {tok}, "name": {"Ana Anić"}, "email": {"ana@example.org"}, "password": {"kratka"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Ana Anić"`) || !strings.Contains(body, "najmanje 12 znakova") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("short password: %d %.500s", status, body)
	}
	// A good form: not signed in yet; the page and a mail ask to confirm
	// the address (issue 14, finding 8).
	status, body, h := post(t, c, ta.srv.URL+"/bs/register", url.Values{"csrf_token": {tok}, "name": {"Ana Anić"}, "email": {"ana@example.org"}, "password": {"dovoljno duga lozinka"}})
	if status != http.StatusOK || !strings.Contains(body, "ana@example.org") || !strings.Contains(body, "48 sati") {
		t.Fatalf("register: %d %v %.300s", status, h, body)
	}
	if status, _ := get(t, c, ta.srv.URL+"/bs/account"); status != http.StatusSeeOther {
		t.Fatalf("account before confirming = %d, want 303 to sign in", status)
	}
	if n := len(ta.mail.Sent()); n != 1 || ta.mail.Sent()[0].To != "ana@example.org" {
		t.Fatalf("%d mails after registering, want 1 to ana@example.org", n)
	}
	link := confirmLinkRe.FindStringSubmatch(ta.mail.Sent()[0].Text)
	if link == nil {
		t.Fatalf("no confirmation link in %q", ta.mail.Sent()[0].Text)
	}
	status, loc := confirmPost(t, ta, c, link[1])
	if status != http.StatusSeeOther || loc != "/bs/account?welcome=1" {
		t.Fatalf("confirm: %d %s", status, loc)
	}
	// The session id changed at sign-in and the old CSRF token is gone.
	status, _, _ = post(t, c, ta.srv.URL+"/bs/logout", url.Values{"csrf_token": {tok}})
	if status != http.StatusForbidden {
		t.Fatalf("logout with the pre-login token = %d, want 403", status)
	}
	_, body = get(t, c, ta.srv.URL+"/bs/account")
	if !strings.Contains(body, "Ana Anić") {
		t.Fatal("account page does not show the name")
	}
	tok2 := csrfRe.FindStringSubmatch(body)[1]
	status, _, _ = post(t, c, ta.srv.URL+"/bs/logout", url.Values{"csrf_token": {tok2}})
	if status != http.StatusSeeOther {
		t.Fatalf("logout = %d", status)
	}
	if status, _ := get(t, c, ta.srv.URL+"/bs/account"); status != http.StatusSeeOther {
		t.Fatalf("account after logout = %d", status)
	}
	// Wrong password: a localised message, 401.
	tok3 := ta.csrf(t, c)
	status, body, _ = post(t, c, ta.srv.URL+"/hr/login", url.Values{"csrf_token": {tok3}, "email": {"ana@example.org"}, "password": {"pogresna lozinka"}})
	if status != http.StatusUnauthorized || !strings.Contains(body, `value="ana@example.org"`) {
		t.Fatalf("wrong password: %d %.300s", status, body)
	}
	// Open redirects are refused.
	status, _, h = post(t, c, ta.srv.URL+"/en/login", url.Values{"csrf_token": {tok3}, "email": {"ana@example.org"}, "password": {"dovoljno duga lozinka"}, "next": {"//evil.example/x"}})
	if status != http.StatusSeeOther || h.Get("Location") != "/en/" {
		t.Fatalf("next=//evil: %d %s", status, h.Get("Location"))
	}
	// Forgot password sends a mail with a working link.
	c2 := ta.client(t)
	tok4 := ta.csrf(t, c2)
	status, body, _ = post(t, c2, ta.srv.URL+"/en/forgot", url.Values{"csrf_token": {tok4}, "email": {"ana@example.org"}})
	if status != http.StatusOK || len(ta.mail.Sent()) != 2 || !strings.Contains(body, "on its way") {
		t.Fatalf("forgot: %d, %d mails", status, len(ta.mail.Sent()))
	}
	link = regexp.MustCompile(`http://example.test(/bs/reset\?token=\S+)`).FindStringSubmatch(ta.mail.Sent()[1].Text)
	if link == nil {
		t.Fatalf("no link in %q", ta.mail.Sent()[1].Text)
	}
	status, body = get(t, c2, ta.srv.URL+link[1])
	if status != http.StatusOK || !strings.Contains(body, `name="token"`) {
		t.Fatalf("reset page: %d", status)
	}
}

func TestPanicGivesLocalised500(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	ta.Web.Page("GET /test-panic", func(w http.ResponseWriter, r *http.Request) error { panic("boom") })
	ta.Web.Page("GET /test-error", func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("db exploded: %w", io.ErrUnexpectedEOF)
	})
	for _, path := range []string{"/hr/test-panic", "/hr/test-error"} {
		status, body := get(t, ta.client(t), ta.srv.URL+path)
		if status != http.StatusInternalServerError {
			t.Errorf("%s = %d, want 500", path, status)
		}
		if !strings.Contains(body, `lang="hr"`) || strings.Contains(body, "boom") || strings.Contains(body, "exploded") || strings.Contains(body, "goroutine") {
			t.Errorf("%s: 500 page leaks or is not localised: %.400s", path, body)
		}
	}
}

func TestMetricsByRoutePattern(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	get(t, c, ta.srv.URL+"/sr-Cyrl/login")
	get(t, c, ta.srv.URL+"/en/nothing-here")
	_, body := get(t, c, ta.srv.URL+"/metrics")
	for _, want := range []string{
		`http_requests_total{method="GET",route="GET /{lang}/login",status="200"} 1`,
		`http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`http_request_duration_seconds_bucket{method="GET",route="GET /{lang}/login",status="200",le="0.005"}`,
		"go_goroutines", "go_sql_open_connections",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	status, body := get(t, c, ta.srv.URL+"/readyz")
	if status != 200 || !strings.Contains(body, `"ready"`) {
		t.Errorf("/readyz = %d %s", status, body)
	}
	ta.DB.Close()
	if status, _ := get(t, c, ta.srv.URL+"/readyz"); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a closed database = %d, want 503", status)
	}
	if status, _ := get(t, c, ta.srv.URL+"/healthz"); status != http.StatusOK {
		t.Errorf("/healthz = %d", status)
	}
}

func TestOrganisationAdmin(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	admin := ta.login(t, "admin@demo.dijalog.ba")
	_, body := get(t, admin, ta.srv.URL+"/en/admin/organisations")
	tok := csrfRe.FindStringSubmatch(body)[1]
	status, body, _ := post(t, admin, ta.srv.URL+"/en/admin/organisations", url.Values{"csrf_token": {tok}, "name": {"Udruženje Zeleni Neretva"}, "kind": {"club"}, "website": {"javascript:alert(1)"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Udruženje Zeleni Neretva"`) || !strings.Contains(body, "https://") {
		t.Fatalf("bad organisation: %d %.300s", status, body)
	}
	status, _, h := post(t, admin, ta.srv.URL+"/en/admin/organisations", url.Values{"csrf_token": {tok}, "name": {"Udruženje Zeleni Neretva"}, "kind": {"cso"}, "place_code": {"ba-fbih-konjic"}, "website": {"https://zeleni.example.org"}})
	if status != http.StatusSeeOther {
		t.Fatalf("create organisation: %d", status)
	}
	orgURL := ta.srv.URL + h.Get("Location")
	status, body, _ = post(t, admin, orgURL+"/members", url.Values{"csrf_token": {tok}, "email": {"nobody@example.org"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "must register first") {
		t.Fatalf("unknown member: %d", status)
	}
	if status, _, _ = post(t, admin, orgURL+"/members", url.Values{"csrf_token": {tok}, "email": {"gradjanin@demo.dijalog.ba"}}); status != http.StatusSeeOther {
		t.Fatalf("add member: %d", status)
	}
	_, body = get(t, admin, orgURL)
	if !strings.Contains(body, "Nedim Softić") {
		t.Error("member not listed")
	}
	citizen := ta.login(t, "gradjanin@demo.dijalog.ba")
	if status, _ := get(t, citizen, orgURL); status != http.StatusForbidden {
		t.Errorf("citizen sees organisation admin: %d", status)
	}
}

func TestPageCache(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	anon := &http.Client{Timeout: 10 * time.Second}
	hit := func(c *http.Client, path string) string {
		t.Helper()
		resp, err := c.Get(ta.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.Header.Get("X-Cache")
	}
	hit(anon, "/bs/places/ba-fbih-mostar")
	if got := hit(anon, "/bs/places/ba-fbih-mostar"); got != "hit" {
		t.Fatalf("second anonymous GET: X-Cache = %q, want hit", got)
	}
	if got := hit(anon, "/hr/places/ba-fbih-mostar"); got == "hit" {
		t.Fatal("another locale came from the cache")
	}
	// A write anywhere empties the cache.
	c := ta.client(t)
	tok := ta.csrf(t, c)
	post(t, c, ta.srv.URL+"/en/login", url.Values{"csrf_token": {tok}, "email": {"x@example.org"}, "password": {"wrong password"}})
	if got := hit(anon, "/bs/places/ba-fbih-mostar"); got == "hit" {
		t.Fatal("cache survived a write")
	}
	// Signed-in readers and pages with forms are never cached.
	admin := ta.login(t, "admin@demo.dijalog.ba")
	hit(admin, "/bs/places/ba-fbih-mostar")
	if got := hit(admin, "/bs/places/ba-fbih-mostar"); got == "hit" {
		t.Fatal("a signed-in reader got a cached page")
	}
	_, body := get(t, admin, ta.srv.URL+"/bs/")
	if !strings.Contains(body, "Amra Administratorka") {
		t.Fatal("signed-in home page lacks the user's name")
	}
	hit(anon, "/en/login")
	if got := hit(anon, "/en/login"); got == "hit" {
		t.Fatal("a page with a form (CSRF token) was cached")
	}
}
