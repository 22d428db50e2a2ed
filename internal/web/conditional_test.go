package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

func TestConditionalBodyTag(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, true)
	s.Handle("GET /t/json", func(w http.ResponseWriter, r *http.Request) error {
		WriteJSON(w, http.StatusOK, map[string]string{"text": bigText})
		return nil
	})
	s.Handle("GET /t/stored", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "private, no-store")
		WriteJSON(w, http.StatusOK, map[string]string{"text": "a form"})
		return nil
	})
	s.Handle("GET /t/missing", func(w http.ResponseWriter, r *http.Request) error { return http.ErrMissingFile })
	h := s.Handler()
	first := do(t, h, "GET", "/t/json", map[string]string{"Accept-Encoding": "gzip"})
	tag := first.Header().Get("ETag")
	if first.Code != 200 || !strings.HasPrefix(tag, `W/"`) || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("first GET: %d, ETag %q, Cache-Control %q", first.Code, tag, first.Header().Get("Cache-Control"))
	}
	for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"other", ` + tag, "*"} {
		rec := do(t, h, "GET", "/t/json", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": inm})
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != tag ||
			!strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("If-None-Match %s: %d, %d bytes, %v; want an empty 304 with the tag and Vary", inm, rec.Code, rec.Body.Len(), rec.Header())
		}
	}
	if rec := do(t, h, "GET", "/t/json", map[string]string{"If-None-Match": `W/"stale"`}); rec.Code != 200 || rec.Body.Len() == 0 {
		t.Errorf("stale tag: %d, %d bytes; want the body", rec.Code, rec.Body.Len())
	}
	if rec := do(t, h, "HEAD", "/t/json", map[string]string{"If-None-Match": tag}); rec.Code != http.StatusNotModified {
		t.Errorf("HEAD with the tag: %d, want 304", rec.Code)
	}
	if rec := do(t, h, "GET", "/t/stored", nil); rec.Header().Get("ETag") != "" {
		t.Errorf("no-store answer got an ETag: %v", rec.Header())
	}
	if rec := do(t, h, "GET", "/t/missing", nil); rec.Code != 500 || rec.Header().Get("ETag") != "" {
		t.Errorf("an error page: %d, ETag %q; want 500 without a validator", rec.Code, rec.Header().Get("ETag"))
	}
}

// TestConditionalSignedIn: a signed-in reader's answers are private and a
// validator from another reader's page does not match.
func TestConditionalSignedIn(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, true)
	s.Handle("GET /t/me", func(w http.ResponseWriter, r *http.Request) error {
		name := "anonymous"
		if v := StateOf(r).Viewer; v != nil {
			name = v.DisplayName()
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		WriteJSON(w, http.StatusOK, map[string]string{"name": name, "text": bigText})
		return nil
	})
	h := s.Handler()
	ana := do(t, h, "GET", "/t/me", map[string]string{"X-Test-User": "Ana"})
	if cc := ana.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("signed-in answer Cache-Control %q, want private", cc)
	}
	anon := do(t, h, "GET", "/t/me", nil)
	if strings.HasPrefix(anon.Header().Get("Cache-Control"), "private") {
		t.Errorf("anonymous answer Cache-Control %q", anon.Header().Get("Cache-Control"))
	}
	for _, c := range []struct{ user, tag string }{{"Marko", ana.Header().Get("ETag")}, {"Ana", anon.Header().Get("ETag")}, {"", ana.Header().Get("ETag")}} {
		rec := do(t, h, "GET", "/t/me", map[string]string{"X-Test-User": c.user, "If-None-Match": c.tag})
		if rec.Code != 200 {
			t.Errorf("%q with another reader's tag: %d, want 200", c.user, rec.Code)
		}
	}
}

// TestNotModifiedHook: a handler that knows its version answers 304
// without rendering; signed-in readers always get the page.
func TestNotModifiedHook(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, true)
	var renders atomic.Int32
	version := "v1"
	s.Handle("GET /t/versioned", func(w http.ResponseWriter, r *http.Request) error {
		if s.NotModified(w, r, version) {
			return nil
		}
		renders.Add(1)
		WriteJSON(w, http.StatusOK, map[string]string{"text": bigText})
		return nil
	})
	h := s.Handler()
	first := do(t, h, "GET", "/t/versioned", nil)
	tag := first.Header().Get("ETag")
	if tag == "" || renders.Load() != 1 {
		t.Fatalf("first GET: ETag %q, %d renders", tag, renders.Load())
	}
	if rec := do(t, h, "GET", "/t/versioned", map[string]string{"If-None-Match": tag}); rec.Code != 304 || renders.Load() != 1 {
		t.Errorf("revalidation: %d after %d renders; want 304 without rendering", rec.Code, renders.Load())
	}
	if rec := do(t, h, "GET", "/t/versioned", map[string]string{"If-None-Match": tag, "X-Test-User": "Ana"}); rec.Code != 200 {
		t.Errorf("signed-in revalidation: %d, want 200", rec.Code)
	}
	version = "v2"
	if rec := do(t, h, "GET", "/t/versioned", map[string]string{"If-None-Match": tag}); rec.Code != 200 || rec.Header().Get("ETag") == tag {
		t.Errorf("new version: %d with tag %q; want 200 and a new tag", rec.Code, rec.Header().Get("ETag"))
	}
}

func TestStaticAssetsPrecompressed(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, true)
	h := s.Handler()
	u := s.Assets.URL("app.css")
	plain := do(t, h, "GET", u, nil)
	rec := do(t, h, "GET", u, map[string]string{"Accept-Encoding": "gzip"})
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") ||
		rec.Header().Get("Content-Length") != strconv.Itoa(rec.Body.Len()) || rec.Body.Len() >= plain.Body.Len() {
		t.Fatalf("gzip asset: %d %v (%d bytes, plain %d)", rec.Code, rec.Header(), rec.Body.Len(), plain.Body.Len())
	}
	if gunzip(t, rec.Body.Bytes()) != plain.Body.String() {
		t.Error("gzipped asset differs from the file")
	}
	if s.Assets.gz[strings.TrimPrefix(u, "/static/")] == nil {
		t.Error("the gzip bytes were not made at start")
	}
	if rec := do(t, h, "GET", u, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": rec.Header().Get("ETag")}); rec.Code != 304 {
		t.Errorf("asset revalidation: %d, want 304", rec.Code)
	}
	if rec := do(t, h, "GET", u, map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-9"}); rec.Code != 206 || rec.Body.String() != plain.Body.String()[:10] {
		t.Errorf("asset range: %d %q", rec.Code, rec.Body.String())
	}
	if rec := do(t, h, "HEAD", u, map[string]string{"Accept-Encoding": "gzip"}); rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("asset HEAD: %d %v", rec.Code, rec.Header())
	}
}
