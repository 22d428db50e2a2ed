// Command projects benchmarks the project registry at scale:
//
//	go run ./bench/projects [-n 100000] [-c 64] [-d 10s] [-pg postgres://...] [-import 20000]
//
// It fills a fresh database (SQLite in a temporary directory, or a fresh
// schema of the PostgreSQL server given with -pg) with n generated projects
// (the demo generator, deterministic), then measures over real TCP with c
// concurrent closed-loop clients: the list page (filtered, page 50), the
// detail page (random projects), the dashboard; the CSV export of every
// project (time to first byte, total, heap); and the IATI import of an
// export of -import activities into an empty database (activities/s, peak
// heap). It prints a table; it never fails on a slow result.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/projects"
	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	n := flag.Int("n", 100000, "projects to generate")
	c := flag.Int("c", 64, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "measuring time per target")
	pg := flag.String("pg", "", "PostgreSQL server DSN (a fresh schema is made and dropped); empty for SQLite")
	imp := flag.Int("import", 20000, "activities for the IATI import measurement")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the load phase to this file")
	keep := flag.String("keep", "", "keep the filled database and reuse it in the next run: a SQLite file path, or a PostgreSQL schema name with -pg")
	csv := flag.Bool("csv", true, "measure the CSV export")
	pages := flag.Bool("pages", true, "measure the pages and the API under load")
	flag.Parse()
	cpuProfile, keepDB, measureCSV, measurePages = *prof, *keep, *csv, *pages
	if err := run(*n, *c, *dur, *pg, *imp); err != nil {
		fmt.Fprintln(os.Stderr, "bench/projects:", err)
		os.Exit(1)
	}
}

// open makes a fresh, migrated database and a cleanup function.
func open(ctx context.Context, pg, tag string) (*db.DB, func(), error) {
	if pg == "" {
		dir, err := os.MkdirTemp("", "bench-projects-")
		if err != nil {
			return nil, nil, err
		}
		d, err := db.Open(ctx, filepath.Join(dir, "bench.db"))
		if err != nil {
			return nil, nil, err
		}
		_, err = d.MigrateUp(ctx)
		return d, func() { d.Close(); os.RemoveAll(dir) }, err
	}
	schema := fmt.Sprintf("bench_%s_%d", tag, time.Now().UnixNano()%1e9)
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return nil, nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, nil, err
	}
	u, _ := url.Parse(pg)
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String())
	if err != nil {
		return nil, nil, err
	}
	_, err = d.MigrateUp(ctx)
	return d, func() {
		d.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}, err
}

func fill(ctx context.Context, d *db.DB, n, offset int, log *slog.Logger) (time.Duration, error) {
	svc, err := projects.NewService(d, places.NewService(d), nil, log)
	if err != nil {
		return 0, err
	}
	if _, err := svc.LoadRates(ctx, projects.DemoRates()); err != nil {
		return 0, err
	}
	lsgs, err := places.NewService(d).LSGs(ctx)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	const chunk = 5000
	for i := 0; i < n; i += chunk {
		ps := projects.GenerateProjects(min(chunk, n-i), uint64(offset+i+1), lsgs, func(string) string { return "" })
		for j, p := range ps {
			if p.IATIIdentifier != "" {
				p.IATIIdentifier = fmt.Sprintf("%s-%d", p.IATIIdentifier, offset+i+j)
			}
		}
		if err := svc.CreateMany(ctx, projects.Actor{Name: "bench"}, ps); err != nil {
			return 0, err
		}
		fmt.Fprintf(os.Stderr, "\r  generated %d/%d", min(i+chunk, n), n)
	}
	fmt.Fprintln(os.Stderr)
	return time.Since(start), nil
}

type result struct {
	name          string
	reqs          int
	errors        int
	p50, p99, max time.Duration
	rps           float64
}

func load(name string, c int, dur time.Duration, next func(r *rand.Rand) string) result {
	tr := &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c, DisableCompression: true}
	cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	deadline := time.Now().Add(dur)
	warm := time.Now().Add(dur / 5)
	var wg sync.WaitGroup
	for g := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			var mine []time.Duration
			for time.Now().Before(deadline) {
				u := next(r)
				t0 := time.Now()
				resp, err := cl.Get(u)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("%d", resp.StatusCode)
					}
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				if t0.After(warm) {
					mine = append(mine, time.Since(t0))
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(all)
	res := result{name: name, reqs: len(all), errors: int(errs.Load())}
	if len(all) > 0 {
		res.p50, res.p99, res.max = all[len(all)/2], all[len(all)*99/100], all[len(all)-1]
		res.rps = float64(len(all)) / (dur - dur/5).Seconds()
	}
	return res
}

func heapSampler() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); return peak.Load() }
}

var (
	cpuProfile, keepDB       string
	measureCSV, measurePages bool
)

// openKept opens the database kept by an earlier run (-keep), or makes it.
func openKept(ctx context.Context, pg string) (*db.DB, func(), error) {
	if pg == "" {
		d, err := db.Open(ctx, keepDB)
		if err != nil {
			return nil, nil, err
		}
		_, err = d.MigrateUp(ctx)
		return d, func() { d.Close() }, err
	}
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return nil, nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+keepDB); err != nil {
		return nil, nil, err
	}
	u, _ := url.Parse(pg)
	q := u.Query()
	q.Set("search_path", keepDB+",public")
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String())
	if err != nil {
		return nil, nil, err
	}
	_, err = d.MigrateUp(ctx)
	return d, func() { d.Close() }, err
}

func run(n, c int, dur time.Duration, pg string, imp int) error {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dialect := "sqlite"
	if pg != "" {
		dialect = "postgres"
	}
	fmt.Printf("bench/projects: %d projects on %s, %d clients, %s per target, GOMAXPROCS %d, %s, load average %s\n", n, dialect, c, dur, runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339), loadavg())
	var d *db.DB
	var cleanup func()
	var err error
	if keepDB != "" {
		d, cleanup, err = openKept(ctx, pg)
	} else {
		d, cleanup, err = open(ctx, pg, "main")
	}
	if err != nil {
		return err
	}
	defer cleanup()
	var have int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM projects").Scan(&have); err != nil {
		return err
	}
	if have >= n {
		fmt.Printf("fill: reusing the %d projects kept in %s\n", have, keepDB)
	} else {
		took, err := fill(ctx, d, n-have, have, log)
		if err != nil {
			return err
		}
		fmt.Printf("fill: %d projects in %.1fs (%.0f/s, one transaction per 500, search index off)\n", n-have, took.Seconds(), float64(n-have)/took.Seconds())
	}
	if pg != "" {
		// a steady state: visibility map set, statistics fresh (this schema only)
		if _, err := d.ExecContext(ctx, "VACUUM ANALYZE projects, project_facets, project_texts, project_codes, project_orgs, project_locations, project_transactions, project_targets, project_target_actuals, project_milestones, project_links"); err != nil {
			return err
		}
	}
	a, err := app.Build(d, &config.Config{BaseURL: "http://127.0.0.1", TimeZone: time.UTC}, log, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	var ids []string
	rows, err := d.QueryContext(ctx, `SELECT public_id FROM projects WHERE deleted_at IS NULL ORDER BY id LIMIT 20000`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	// first dashboard (cold, computes the aggregates)
	t0 := time.Now()
	if resp, err := http.Get(base + "/bs/projects/dashboard"); err == nil {
		resp.Body.Close()
	}
	cold := time.Since(t0)
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		_ = pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	// Every page is measured twice: with a cache-busting parameter (the
	// handler, its queries and the rendering run on every request) and at
	// one fixed URL (anonymous readers may then be served by the page cache).
	bust := func(r *rand.Rand, u string) string {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		return u + sep + "b=" + strconv.Itoa(r.IntN(1e9))
	}
	targets := []struct {
		name string
		url  func(r *rand.Rand) string
	}{
		{"list /bs/projects?status=4&sort=-value&page=50", func(*rand.Rand) string { return base + "/bs/projects?status=4&sort=-value&page=50" }},
		{"list /bs/projects?region=ba-rs&page=50", func(*rand.Rand) string { return base + "/bs/projects?region=ba-rs&page=50" }},
		{"list /bs/projects?donor=USAID&sector=151&page=50", func(*rand.Rand) string {
			return base + "/bs/projects?donor=USAID&sector=151&page=50"
		}},
		{"detail /bs/projects/{id}", func(r *rand.Rand) string { return base + "/bs/projects/" + ids[r.IntN(len(ids))] }},
		{"dashboard /bs/projects/dashboard", func(*rand.Rand) string { return base + "/bs/projects/dashboard" }},
		{"api /api/v1/projects?lsg=ba-fbih-mostar&page=2", func(*rand.Rand) string { return base + "/api/v1/projects?lsg=ba-fbih-mostar&page=2" }},
	}
	var results []result
	if !measurePages {
		targets = nil
	}
	for _, t := range targets {
		results = append(results, load(t.name+" (uncached)", c, dur, func(r *rand.Rand) string { return bust(r, t.url(r)) }))
	}
	for _, t := range targets {
		results = append(results, load(t.name+" (same URL)", c, dur, t.url))
	}
	fmt.Printf("\n| target | requests | errors | req/s | p50 | p99 | max |\n|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		fmt.Printf("| %s | %d | %d | %.0f | %s | %s | %s |\n", r.name, r.reqs, r.errors, r.rps, r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.max.Round(10*time.Microsecond))
	}
	fmt.Printf("dashboard, first (cold) request: %s\n", cold.Round(time.Millisecond))
	fmt.Printf("load average after the pages: %s\n", loadavg())
	if measureCSV {
		// CSV export of everything: first byte, total, heap.
		runtime.GC()
		stop := heapSampler()
		t0 = time.Now()
		resp, err := http.Get(base + "/api/v1/projects.csv")
		if err != nil {
			return err
		}
		buf := make([]byte, 1)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return err
		}
		first := time.Since(t0)
		size, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		total := time.Since(t0)
		peak := stop()
		fmt.Printf("csv export: %d rows, %.1f MB, first byte %s, total %s, peak heap in use %.0f MB (whole process)\n", n, float64(size)/1e6, first.Round(time.Millisecond), total.Round(time.Millisecond), float64(peak)/1e6)
	}
	// IATI: export imp activities, import into an empty database.
	if imp > 0 {
		var xml bytes.Buffer
		names := map[string]string{}
		lsgs, _ := a.Places.LSGs(ctx)
		for _, p := range lsgs {
			names[p.Code] = p.NameLat
		}
		count := 0
		// export one donor's projects (30 % of all) and cut the file at imp
		// activities
		f := projects.Filter{Donor: projects.OrgEU}
		if err := a.Projects.ExportIATI(ctx, &xml, f, func(c string) string { return names[c] }); err != nil {
			return err
		}
		data := cutActivities(xml.Bytes(), imp, &count)
		dir, _ := os.MkdirTemp("", "bench-iati-")
		defer os.RemoveAll(dir)
		file := filepath.Join(dir, "iati.xml")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			return err
		}
		d2, cleanup2, err := open(ctx, pg, "imp")
		if err != nil {
			return err
		}
		defer cleanup2()
		svc2, err := projects.NewService(d2, places.NewService(d2), nil, log)
		if err != nil {
			return err
		}
		fh, _ := os.Open(file)
		runtime.GC()
		stop := heapSampler()
		t0 := time.Now()
		sum, err := svc2.ImportIATI(ctx, fh, projects.ImportOptions{Actor: projects.Actor{Name: "bench"}})
		took := time.Since(t0)
		peak := stop()
		fh.Close()
		if err != nil {
			return err
		}
		fmt.Printf("iati import: %d activities (%.1f MB) in %.1fs = %.0f activities/s (check pass + write pass, batches of 200 activities per transaction, search index off); created %d; peak heap in use %.0f MB\n",
			sum.Activities, float64(len(data))/1e6, took.Seconds(), float64(sum.Activities)/took.Seconds(), sum.Created, float64(peak)/1e6)
	}
	return nil
}

// cutActivities keeps the first n activities of an iati-activities document.
func cutActivities(b []byte, n int, count *int) []byte {
	end := []byte("</iati-activity>\n")
	i := 0
	for *count < n {
		j := bytes.Index(b[i:], end)
		if j < 0 {
			return b
		}
		i += j + len(end)
		*count++
	}
	return append(append([]byte{}, b[:i]...), []byte("</iati-activities>\n")...)
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
