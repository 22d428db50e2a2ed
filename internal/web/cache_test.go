package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestPageCacheByCookie (issue 16, the home page's remembered LSG): a page
// that depends on a preference cookie is cached per value of the cookie,
// never served to a visitor with another value (or none), says Vary:
// Cookie, and a value that is no short code is not cached at all.
func TestPageCacheByCookie(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, false)
	s.Page("GET /pref", func(w http.ResponseWriter, r *http.Request) error {
		v := "none"
		if c, err := r.Cookie("lsg"); err == nil {
			v = c.Value
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, err := w.Write([]byte("<p>" + v + "</p>"))
		return err
	})
	s.CachePageByCookie("GET /pref", "lsg")
	h := s.Handler()
	get := func(cookie string) (body, cache string, vary []string) {
		t.Helper()
		hdr := map[string]string{}
		if cookie != "" {
			hdr["Cookie"] = cookie
		}
		rec := do(t, h, "GET", "/bs/pref", hdr)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET with %q: %d", cookie, rec.Code)
		}
		return rec.Body.String(), rec.Header().Get("X-Cache"), rec.Header().Values("Vary")
	}
	for _, c := range []struct {
		cookie, body string
		cached       bool
	}{
		{"", "<p>none</p>", true},
		{"lsg=ba-fbih-mostar", "<p>ba-fbih-mostar</p>", true},
		{"lsg=ba-rs-trebinje", "<p>ba-rs-trebinje</p>", true},
		{"other=1; lsg=ba-fbih-mostar", "<p>ba-fbih-mostar</p>", true},
		{"lsg=BA%20x", "<p>BA%20x</p>", false},
		{"lsg=" + strings.Repeat("a", 65), "<p>" + strings.Repeat("a", 65) + "</p>", false},
	} {
		get(c.cookie) // fills the cache when it may
		body, cache, vary := get(c.cookie)
		if body != c.body {
			t.Errorf("cookie %q: got %q, want %q (another visitor's page?)", c.cookie, body, c.body)
		}
		if (cache == "hit") != c.cached {
			t.Errorf("cookie %q: X-Cache %q, want cached %v", c.cookie, cache, c.cached)
		}
		if !strings.Contains(strings.Join(vary, ","), "Cookie") {
			t.Errorf("cookie %q: Vary %q lacks Cookie", c.cookie, vary)
		}
	}
	// A page cached without the cookie option ignores cookies (the old
	// behaviour, right for pages that do not read them).
	s.Page("GET /plain", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, err := w.Write([]byte("<p>plain</p>"))
		return err
	})
	s.CachePage("GET /plain")
	do(t, h, "GET", "/bs/plain", nil)
	if rec := do(t, h, "GET", "/bs/plain", map[string]string{"Cookie": "lsg=ba-fbih-mostar"}); rec.Header().Get("X-Cache") != "hit" || strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Cookie") {
		t.Errorf("a plain cached page: X-Cache %q, Vary %q", rec.Header().Get("X-Cache"), rec.Header().Values("Vary"))
	}
}
