package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// pages are the requests the load benchmark (bench/load) measures.
var pages = []struct{ name, path string }{
	{"healthz", "/healthz"},
	{"home", "/bs/"},
	{"lsg", "/bs/places/ba-fbih-mostar"},
	{"list", "/bs/places"},
}

// newHandler builds the whole platform in-process, with the demo data, as
// "dijalog serve --demo" does (logs discarded, cheap demo password hashes).
func newHandler(b *testing.B, d *db.DB) http.Handler {
	b.Helper()
	return newApp(b, d).Handler()
}

func newApp(b *testing.B, d *db.DB) *app.App {
	b.Helper()
	cfg := &config.Config{BaseURL: "http://127.0.0.1:8080", TimeZone: time.UTC, CheapPasswords: true}
	a, err := app.Build(d, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		b.Fatalf("app.Build: %v", err)
	}
	if err := a.LoadDemo(context.Background()); err != nil {
		b.Fatalf("LoadDemo: %v", err)
	}
	return a
}

// dialects are the two databases; each benchmark opens a fresh, migrated
// one of each (PostgreSQL: a schema on the server dbtest.Main found).
var dialects = []struct {
	name string
	open func(testing.TB) *db.DB
}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}}

// check serves path once and skips the benchmark when it does not answer 200
// (a page not built yet is not a number).
func check(b *testing.B, h http.Handler, path string) int {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		b.Skipf("GET %s answered %d, not 200", path, rec.Code)
	}
	return rec.Body.Len()
}

// BenchmarkHandler serves each page sequentially through the full middleware
// stack (security headers, metrics, logging, session, router, template), on
// SQLite and on PostgreSQL:
//
//	go test -run='^$' -bench=Handler/sqlite/home -benchmem ./bench
//	go test -run='^$' -bench=Handler/sqlite/home -cpuprofile cpu.prof ./bench
func BenchmarkHandler(b *testing.B) {
	for _, dbc := range dialects {
		b.Run(dbc.name, func(b *testing.B) {
			h := newHandler(b, dbc.open(b))
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					size := check(b, h, p.path)
					b.ReportAllocs()
					for b.Loop() {
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
						if rec.Code != http.StatusOK {
							b.Fatalf("GET %s: %d", p.path, rec.Code)
						}
					}
					b.ReportMetric(float64(size), "B/resp") // after the loop: b.Loop resets reported metrics
				})
			}
		})
	}
}

// BenchmarkHandlerParallel is BenchmarkHandler with GOMAXPROCS goroutines
// serving at once (-cpu 1,2,4 varies them): it shows lock and database-pool
// contention that the sequential benchmark hides.
func BenchmarkHandlerParallel(b *testing.B) {
	for _, dbc := range dialects {
		b.Run(dbc.name, func(b *testing.B) {
			h := newHandler(b, dbc.open(b))
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					check(b, h, p.path)
					b.ReportAllocs()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							rec := httptest.NewRecorder()
							h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
							if rec.Code != http.StatusOK {
								b.Errorf("GET %s: %d", p.path, rec.Code)
								return
							}
						}
					})
				})
			}
		})
	}
}

// BenchmarkRender renders through the renderer alone (no middleware, no
// router): the home page, and an empty page in the shared layout, which is
// what every page pays for the layout (header, language switcher, footer):
//
//	go test -run='^$' -bench=Render -benchmem ./bench
func BenchmarkRender(b *testing.B) {
	a := newApp(b, dbtest.SQLite(b))
	empty := fstest.MapFS{"t/empty.html": {Data: []byte(`{{define "title"}}-{{end}}{{define "main"}}{{end}}`)}}
	if err := a.Web.Render.Register("bench", empty, "t"); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, page string
		data       any
	}{
		{"home", "web/home", struct{ LSGs int64 }{145}},
		{"layout-only", "bench/empty", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/bs/", nil)
			req = req.WithContext(web.WithState(req.Context(), &web.State{Locale: "bs"}))
			size := 0
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				if err := a.Web.Render.Page(rec, req, c.page, c.data); err != nil {
					b.Fatal(err)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "B/resp")
		})
	}
}
