package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/i18n"
)

type testViewer struct{ name string }

func (v testViewer) DisplayName() string     { return v.name }
func (v testViewer) IsAdmin() bool           { return false }
func (v testViewer) PreferredLocale() string { return "" }

// newTestServer is a Server with the real shell; a request with an
// X-Test-User header is signed in as that person.
func newTestServer(t *testing.T, compress bool) *Server {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	assets, err := NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	rnd, err := NewRenderer(cat, assets, time.UTC, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	session := func(_ *Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u := r.Header.Get("X-Test-User"); u != "" {
				StateOf(r).Viewer = testViewer{u}
			}
			next.ServeHTTP(w, r)
		})
	}
	return NewServer(Options{Catalog: cat, Renderer: rnd, Assets: assets, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Session: session, Compress: compress, Build: "test"})
}

var bigText = strings.Repeat("Općina Bugojno, mjesna zajednica Gornji Gradac; ", 200)

// body writes ct and n bytes of text (or of noise for binary types).
func body(ct string, n int) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		b := []byte(bigText)
		if !strings.HasPrefix(ct, "text") && !Compressible(ct) && ct != "" {
			b = bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 3}, len(b)/8)
		}
		_, err := w.Write(b[:min(n, len(b))])
		return err
	}
}

func do(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	z, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return string(out)
}

func TestCompressTextResponses(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, true)
	for path, ct := range map[string]string{
		"html": "text/html; charset=utf-8", "json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8",
		"xml": "application/xml", "atom": "application/atom+xml", "rss": "application/rss+xml; charset=utf-8",
		"svg": "image/svg+xml", "ics": "text/calendar; charset=utf-8", "css": "text/css", "js": "text/javascript; charset=utf-8",
		"problem": "application/problem+json", "geo": "application/geo+json", "png": "image/png", "zip": "application/zip",
		"gz": "application/gzip", "sniffed": "",
	} {
		s.Handle("GET /t/"+path, body(ct, 1<<20))
	}
	s.Handle("GET /t/small", body("text/html; charset=utf-8", 500))
	s.Handle("GET /t/encoded", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		z := gzip.NewWriter(w)
		_, _ = z.Write([]byte(bigText))
		return z.Close()
	})
	h := s.Handler()
	gz := map[string]string{"Accept-Encoding": "gzip, deflate, br"}
	tests := []struct {
		path   string
		hdr    map[string]string
		want   bool // gzipped by the middleware
		vary   bool
		method string
	}{
		{"/t/html", gz, true, true, "GET"}, {"/t/json", gz, true, true, "GET"}, {"/t/csv", gz, true, true, "GET"},
		{"/t/xml", gz, true, true, "GET"}, {"/t/atom", gz, true, true, "GET"}, {"/t/rss", gz, true, true, "GET"},
		{"/t/svg", gz, true, true, "GET"}, {"/t/ics", gz, true, true, "GET"}, {"/t/css", gz, true, true, "GET"},
		{"/t/js", gz, true, true, "GET"}, {"/t/problem", gz, true, true, "GET"}, {"/t/geo", gz, true, true, "GET"},
		{"/t/sniffed", gz, true, true, "GET"},
		{"/t/html", gz, true, true, "HEAD"},
		{"/t/png", gz, false, false, "GET"}, {"/t/zip", gz, false, false, "GET"}, {"/t/gz", gz, false, false, "GET"},
		{"/t/small", gz, false, true, "GET"},
		{"/t/html", nil, false, true, "GET"},
		{"/t/html", map[string]string{"Accept-Encoding": "gzip;q=0, identity"}, false, true, "GET"},
		{"/t/html", map[string]string{"Accept-Encoding": "*"}, true, true, "GET"},
		{"/t/html", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-9"}, false, false, "GET"},
	}
	for _, tc := range tests {
		t.Run(tc.method+tc.path+fmt.Sprint(tc.hdr), func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path, tc.hdr)
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			got := rec.Header().Get("Content-Encoding") == "gzip"
			if got != tc.want {
				t.Errorf("Content-Encoding %q, want gzip: %v", rec.Header().Get("Content-Encoding"), tc.want)
			}
			if v := strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding"); v != tc.vary {
				t.Errorf("Vary %q, want Accept-Encoding: %v", rec.Header().Get("Vary"), tc.vary)
			}
			if got && tc.method == "GET" {
				if plain := gunzip(t, rec.Body.Bytes()); len(plain) != len(bigText) || rec.Header().Get("Content-Length") != "" {
					t.Errorf("gunzipped %d bytes, want %d; Content-Length %q", len(plain), len(bigText), rec.Header().Get("Content-Length"))
				}
			}
		})
	}
	// A handler's own encoding is left alone (not compressed twice).
	rec := do(t, h, "GET", "/t/encoded", gz)
	if got := gunzip(t, rec.Body.Bytes()); got != bigText {
		t.Errorf("pre-encoded body changed: %d bytes", len(got))
	}
}

func TestCompressOff(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, false)
	s.Handle("GET /t/html", body("text/html; charset=utf-8", 1<<20))
	h := s.Handler()
	rec := do(t, h, "GET", "/t/html", map[string]string{"Accept-Encoding": "gzip"})
	if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Vary") != "" || rec.Body.String() != bigText {
		t.Errorf("--compress=false: %v", rec.Header())
	}
	css := s.Assets.URL("app.css")
	rec = do(t, h, "GET", css, map[string]string{"Accept-Encoding": "gzip"})
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("--compress=false: asset %d %v", rec.Code, rec.Header())
	}
}

// TestCompressStreams checks that a streaming export reaches the client
// compressed while the handler is still writing.
func TestCompressStreams(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, true)
	release := make(chan struct{})
	var done atomic.Bool
	s.Handle("GET /t/export.csv", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		fmt.Fprintln(w, "id,name")
		w.(http.Flusher).Flush()
		<-release
		for i := range 10000 {
			fmt.Fprintf(w, "%d,row %d\n", i, i)
		}
		done.Store(true)
		return nil
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	defer close(release)
	req, _ := http.NewRequest("GET", srv.URL+"/t/export.csv", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("ETag") != "" {
		t.Fatalf("headers %v: want gzip and no body-hash ETag on a stream", resp.Header)
	}
	z, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(z).ReadString('\n')
	if err != nil || line != "id,name\n" || done.Load() {
		t.Fatalf("first line %q (%v), handler done %v: want the header row before the end", line, err, done.Load())
	}
}
