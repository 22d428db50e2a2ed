package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/news"
)

// The tests of this file are named after the findings of the security
// probe (issue 14) they keep closed; each failed on the code before its fix.

// TestFinding01OpenRedirect: the sign-in's next comes from the request; a
// value that a browser reads as another site goes home instead, signed in
// or not.
func TestFinding01OpenRedirect(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		for _, next := range []string{"/\t/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil.example/", "/\r\n/evil.example"} {
			c := ta.client(t)
			tok := ta.csrf(t, c)
			status, _, h := post(t, c, ta.srv.URL+"/bs/login", url.Values{"csrf_token": {tok}, "email": {"gradjanin@demo.dijalog.ba"}, "password": {DemoPassword}, "next": {next}})
			if status != http.StatusSeeOther || h.Get("Location") != "/bs/" {
				t.Errorf("next=%q: %d, Location %q; want 303 to /bs/", next, status, h.Get("Location"))
			}
		}
		c := ta.client(t)
		tok := ta.csrf(t, c)
		_, _, h := post(t, c, ta.srv.URL+"/bs/login", url.Values{"csrf_token": {tok}, "email": {"gradjanin@demo.dijalog.ba"}, "password": {DemoPassword}, "next": {"/bs/projects?sort=value"}})
		if h.Get("Location") != "/bs/projects?sort=value" {
			t.Errorf("a page of the site: Location %q", h.Get("Location"))
		}
	})
}

// TestFinding12ElogeDrafts: a draft principle set is read only by an
// administrator and the managers of the platform writing it; the ELoGE
// workspace only by those with work there.
func TestFinding12ElogeDrafts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		v1, err := ta.elogeWiring.Eloge.SetByCode(context.Background(), "2008")
		if err != nil {
			t.Fatal(err)
		}
		manager := ta.login(t, "ocd@demo.dijalog.ba")
		citizen := ta.login(t, "gradjanin@demo.dijalog.ba")
		_, body := get(t, manager, ta.srv.URL+"/en/admin/eloge/sets")
		tok := csrfRe.FindStringSubmatch(body)[1]
		status, _, h := post(t, manager, ta.srv.URL+"/en/admin/eloge/sets/"+itoa(v1.ID)+"/versions", url.Values{"csrf_token": {tok}})
		if status != http.StatusSeeOther {
			t.Fatalf("new version: %d", status)
		}
		draft := h.Get("Location")
		if status, _ := get(t, manager, ta.srv.URL+draft); status != 200 {
			t.Errorf("the manager reads the draft: %d", status)
		}
		for _, path := range []string{draft, draft + "/principles/4"} {
			if status, _ := get(t, citizen, ta.srv.URL+path); status != http.StatusNotFound {
				t.Errorf("a citizen reads %s: %d, want 404", path, status)
			}
		}
		if _, body := get(t, citizen, ta.srv.URL+"/en/admin/eloge/sets"); strings.Contains(body, strings.TrimPrefix(draft, "/en")) {
			t.Error("the sets list shows a citizen the draft")
		}
		if status, _ := get(t, citizen, ta.srv.URL+"/en/admin/eloge"); status != http.StatusForbidden {
			t.Errorf("a citizen opens the ELoGE workspace: %d, want 403", status)
		}
		if status, _ := get(t, manager, ta.srv.URL+"/en/admin/eloge"); status != 200 {
			t.Errorf("the platform's manager opens the workspace: %d", status)
		}
	})
}

// TestFinding13CSRFTokenFromBodyOnly: a token in the query string (which
// ends up in logs, history and Referer headers) does not count.
func TestFinding13CSRFTokenFromBodyOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		c := ta.login(t, "gradjanin@demo.dijalog.ba")
		tok := ta.csrf(t, c)
		form := url.Values{"name": {"Građanin"}, "locale": {"bs"}}
		if status, _, _ := post(t, c, ta.srv.URL+"/bs/account/profile?csrf_token="+url.QueryEscape(tok), form); status != http.StatusForbidden {
			t.Errorf("token in the query: %d, want 403", status)
		}
		form.Set("csrf_token", tok)
		if status, _, _ := post(t, c, ta.srv.URL+"/bs/account/profile", form); status != http.StatusSeeOther {
			t.Errorf("token in the body: %d, want 303", status)
		}
	})
}

// TestFinding10StaffSessionEnds: a coordinator's session signs out 12 hours
// after sign-in even if used every minute; a citizen's does not.
func TestFinding10StaffSessionEnds(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		staff := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
		citizen := ta.login(t, "gradjanin@demo.dijalog.ba")
		if status, _ := get(t, staff, ta.srv.URL+"/bs/account"); status != 200 {
			t.Fatalf("staff account page: %d", status)
		}
		// Both sessions began 13 hours ago (and were used a minute ago).
		if _, err := d.ExecContext(context.Background(), `UPDATE sessions SET created_at = ?, last_seen_at = ? WHERE user_id IS NOT NULL`,
			db.Now().Add(-13*time.Hour), db.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if status, _ := get(t, staff, ta.srv.URL+"/bs/account"); status != http.StatusSeeOther {
			t.Errorf("staff session 13 h old: %d, want 303 to sign in", status)
		}
		if status, _ := get(t, citizen, ta.srv.URL+"/bs/account"); status != 200 {
			t.Errorf("citizen session 13 h old: %d, want 200", status)
		}
	})
}

// TestFinding13MetricsNotPublic: /metrics (Go version, routes, sign-in
// counts) answers the machine itself or the bearer of the configured token,
// never a request a proxy forwarded from the public.
func TestFinding13MetricsNotPublic(t *testing.T) {
	t.Parallel()
	req := func(remote string, h map[string]string) *http.Request {
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = remote
		for k, v := range h {
			r.Header.Set(k, v)
		}
		return r
	}
	open := &App{Cfg: &config.Config{}}
	tokened := &App{Cfg: &config.Config{MetricsToken: "s3cr3t-metrics-token-0123456789"}}
	cases := []struct {
		name string
		a    *App
		r    *http.Request
		want bool
	}{
		{"local operator", open, req("127.0.0.1:5555", nil), true},
		{"local over IPv6", open, req("[::1]:5555", nil), true},
		{"from the internet", open, req("203.0.113.7:5555", nil), false},
		{"forwarded by a local proxy", open, req("127.0.0.1:5555", map[string]string{"X-Forwarded-For": "203.0.113.7"}), false},
		{"Forwarded header", open, req("127.0.0.1:5555", map[string]string{"Forwarded": "for=203.0.113.7"}), false},
		{"token configured, none sent", tokened, req("127.0.0.1:5555", nil), false},
		{"wrong token", tokened, req("203.0.113.7:5555", map[string]string{"Authorization": "Bearer nope"}), false},
		{"right token", tokened, req("203.0.113.7:5555", map[string]string{"Authorization": "Bearer s3cr3t-metrics-token-0123456789"}), true},
	}
	for _, c := range cases {
		if got := c.a.metricsAllowed(c.r); got != c.want {
			t.Errorf("%s: allowed = %v, want %v", c.name, got, c.want)
		}
	}
	// Through the real router: the route is guarded.
	ta := newTestApp(t, dbtest.SQLite(t))
	for _, c := range []struct {
		xff  string
		want int
	}{{"", http.StatusOK}, {"203.0.113.7", http.StatusNotFound}} {
		r, _ := http.NewRequest("GET", ta.srv.URL+"/metrics", nil)
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET /metrics (X-Forwarded-For %q) = %d, want %d", c.xff, resp.StatusCode, c.want)
		}
	}
}

// TestFinding13AbsoluteURLsFromBaseURL: a calendar's links and UIDs come
// from the configured base URL, whatever Host header the client sends.
func TestFinding13AbsoluteURLsFromBaseURL(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	for _, path := range []string{"/en/platforms/lokalna-dijaloska-platforma-mostar/meetings.ics", "/en/events/feed.ics"} {
		r, _ := http.NewRequest("GET", ta.srv.URL+path, nil)
		r.Host = "evil.example"
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Contains(string(b), "evil.example") {
			t.Errorf("%s with Host evil.example: %d, forged host in the body: %v", path, resp.StatusCode, strings.Contains(string(b), "evil.example"))
		}
	}
}

// TestFinding02ProjectEditScope: an LSG's staff edit only a project that is
// their LSG's alone; a multi-LSG or donor-owned project is its owner's (or
// an administrator's); only a programme's owner puts projects in it.
func TestFinding02ProjectEditScope(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		ctx := context.Background()
		staff := ta.login(t, "osoblje.trnovo@demo.dijalog.ba")
		makers := ta.projectID(t, "makers")
		// Trnovo's staff may not open, nor post, the edit of UNDP's
		// project that has Trnovo among its 15 places.
		if status, _ := get(t, staff, ta.srv.URL+"/en/projects/"+makers+"/edit"); status != http.StatusForbidden {
			t.Errorf("staff of Trnovo opens the edit of MAKERS: %d, want 403", status)
		}
		tok := ta.csrf(t, staff)
		form := projectForm(tok)
		if status, _, _ := post(t, staff, ta.srv.URL+"/en/projects/"+makers+"/edit", form); status != http.StatusForbidden {
			t.Errorf("staff of Trnovo posts an edit of MAKERS: %d, want 403", status)
		}
		// A project of Trnovo alone, kept by nobody else: Trnovo's staff
		// make and edit it, Mostar's coordinator does not.
		status, _, h := post(t, staff, ta.srv.URL+"/bs/projects/new", projectForm(tok))
		if status != http.StatusSeeOther {
			t.Fatalf("staff of Trnovo creates a Trnovo project: %d", status)
		}
		own := strings.TrimPrefix(h.Get("Location"), "/bs/projects/")
		if status, _ := get(t, staff, ta.srv.URL+"/en/projects/"+own+"/edit"); status != 200 {
			t.Errorf("staff of Trnovo edits its own project: %d", status)
		}
		if status, _ := get(t, ta.login(t, "koordinator.mostar@demo.dijalog.ba"), ta.srv.URL+"/en/projects/"+own+"/edit"); status != http.StatusForbidden {
			t.Errorf("Mostar's coordinator edits Trnovo's project: %d, want 403", status)
		}
		// UNDP's manager may not put a project into a programme UNDP does
		// not run.
		undp := ta.orgID(t, "UNDP")
		progs, err := ta.Projects.Programmes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var foreign string
		for _, p := range progs {
			if p.OwnerOrg != undp {
				foreign = p.PublicID
			}
		}
		if foreign == "" {
			t.Fatal("the demo has no programme of another organisation")
		}
		pm := ta.login(t, DemoProgrammeManager)
		ptok := ta.csrf(t, pm)
		f := projectForm(ptok)
		f.Set("owner_org", undp)
		f.Set("programme", foreign)
		if status, body, _ := post(t, pm, ta.srv.URL+"/en/projects/new", f); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-programme"`) {
			t.Errorf("UNDP's manager puts a project into another's programme: %d", status)
		}
	})
}

// TestFinding08NewsletterOnePendingPerDay: however often an address is
// typed into the newsletter form, its owner gets one confirmation link a
// day, and the form answers the same each time.
func TestFinding08NewsletterOnePendingPerDay(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta, w := newsApp(t, d)
		c := ta.client(t)
		tok := ta.csrf(t, c)
		for i := range 3 {
			if status, _, _ := post(t, c, ta.srv.URL+"/bs/newsletter", url.Values{"csrf_token": {tok}, "email": {"stranac@example.org"}}); status != 200 {
				t.Fatalf("sign-up %d: %d", i+1, status)
			}
		}
		waitMail(t, ta, w, "stranac@example.org", "Potvrdite")
		count := func() int {
			var n int
			if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'stranac@example.org'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 1 {
			t.Errorf("three sign-ups of one address in a day: %d mails, want 1", n)
		}
		// A day later the owner may be asked again.
		if _, err := d.ExecContext(context.Background(), `UPDATE news_subscribers SET confirm_expires = ? WHERE email = 'stranac@example.org'`, db.Now().Add(news.ConfirmLifetime-25*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if status, _, _ := post(t, c, ta.srv.URL+"/bs/newsletter", url.Values{"csrf_token": {tok}, "email": {"stranac@example.org"}}); status != 200 {
			t.Fatalf("sign-up a day later: %d", status)
		}
		if n := count(); n != 2 {
			t.Errorf("a day later: %d mails, want 2", n)
		}
	})
}
