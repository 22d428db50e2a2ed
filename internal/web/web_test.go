package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/refuse"
)

func TestStatusOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		status int
		key    string
	}{
		{refuse.ErrNotFound, 404, "error.404"},
		{fmt.Errorf("projects.BySlug: %w", refuse.ErrNotFound), 404, "error.404"},
		{refuse.ErrForbidden, 403, "error.403"},
		{ErrCSRF, 403, "error.csrf"},
		{refuse.ErrSignIn, 401, "error.401"},
		{refuse.ErrConflict, 409, "error.409"},
		{ErrTooLarge, 413, "error.413"},
		{ErrBadRequest, 400, "error.400"},
		{refuse.ErrRateLimited, 429, "error.429"},
		{refuse.FieldErrors{"title": "x.required"}, 422, "error.400"},
		{refuse.Key(refuse.ErrConflict, "eloge.err.state"), 409, "eloge.err.state"},
		{fmt.Errorf("eloge.Decide: %w", refuse.Key(refuse.ErrForbidden, "eloge.err.not_expert")), 403, "eloge.err.not_expert"},
		{&Error{Status: 405}, 405, "error.405"},
		{&Error{Status: 422, Key: "form.has_errors"}, 422, "form.has_errors"},
		{&Error{Status: 418}, 418, "error.400"},
		{errors.New("database exploded"), 500, "error.500"},
	}
	for _, tc := range tests {
		status, key := StatusOf(tc.err)
		if status != tc.status || key != tc.key {
			t.Errorf("StatusOf(%v) = %d, %q; want %d, %q", tc.err, status, key, tc.status, tc.key)
		}
	}
}

func TestStripLocale(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/bs/places":        "/places",
		"/sr-Cyrl/":         "/",
		"/sr-Cyrl":          "/",
		"/en/places/ba-x/y": "/places/ba-x/y",
		"/de/places":        "/de/places",
		"/api/v1/projects":  "/api/v1/projects",
		"/":                 "/",
	}
	for in, want := range tests {
		if got := stripLocale(in); got != want {
			t.Errorf("stripLocale(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAssetsFingerprinted(t *testing.T) {
	t.Parallel()
	a, err := NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	u := a.URL("app.css")
	if !strings.HasPrefix(u, "/static/app.") || !strings.HasSuffix(u, ".css") || u == "/static/app.css" {
		t.Fatalf("URL(app.css) = %q, want a fingerprinted name", u)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/{file}", a)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("GET %s = %d %v", u, rec.Code, rec.Header())
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/static/app.0123456789.css", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != u {
		t.Errorf("old fingerprint: %d -> %q, want 302 -> %q", rec.Code, rec.Header().Get("Location"), u)
	}
}

func TestPageCacheEntries(t *testing.T) {
	t.Parallel()
	c := newPageCache(time.Hour, 2)
	c.put("/a", &cachedPage{gen: 0, at: time.Now(), body: []byte("a")})
	c.put("/b", &cachedPage{gen: 0, at: time.Now(), body: []byte("b")})
	c.put("/c", &cachedPage{gen: 0, at: time.Now(), body: []byte("c")})
	if c.get("/c") != nil {
		t.Error("a full cache of fresh pages grew")
	}
	if c.get("/a") == nil {
		t.Error("a fresh page is gone")
	}
	c.invalidate()
	if c.get("/a") != nil {
		t.Error("a page survived invalidation")
	}
	c.put("/c", &cachedPage{gen: c.gen.Load(), at: time.Now(), body: []byte("c")})
	if c.get("/c") == nil {
		t.Error("stale entries were not evicted for a new page")
	}
}
