package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
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
	cfg := &config.Config{BaseURL: "http://127.0.0.1:8080", TimeZone: time.UTC}
	a, err := app.Build(d, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		b.Fatalf("app.Build: %v", err)
	}
	a.Auth.SetPasswordParams(auth.PasswordParams{Memory: 64, Time: 1, Threads: 1})
	if err := a.LoadDemo(context.Background()); err != nil {
		b.Fatalf("LoadDemo: %v", err)
	}
	return a.Handler()
}

// databases opens each dialect once per top-level benchmark.
func databases(b *testing.B) []struct {
	name string
	open func(testing.TB) *db.DB
} {
	return []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}}
}

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
	for _, dbc := range databases(b) {
		b.Run(dbc.name, func(b *testing.B) {
			h := newHandler(b, dbc.open(b))
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					size := check(b, h, p.path)
					b.ReportAllocs()
					b.ReportMetric(float64(size), "B/resp")
					for b.Loop() {
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
						if rec.Code != http.StatusOK {
							b.Fatalf("GET %s: %d", p.path, rec.Code)
						}
					}
				})
			}
		})
	}
}

// BenchmarkHandlerParallel is BenchmarkHandler with GOMAXPROCS goroutines
// serving at once (-cpu 1,2,4 varies them): it shows lock and database-pool
// contention that the sequential benchmark hides.
func BenchmarkHandlerParallel(b *testing.B) {
	for _, dbc := range databases(b) {
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
