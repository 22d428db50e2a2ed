// Command search measures the search index (internal/search) against two
// baselines on a deterministic corpus of mixed-script documents with ground
// truth by construction: every document names one person (first name +
// surname) and one place, a unique triple, written in Latin, Cyrillic,
// ASCII without diacritics or with "dj" for đ; every query looks for one
// document's person and place in one of seven styles (exact Latin,
// Cyrillic, no diacritics, dj/d, Macedonian Cyrillic, prefix, one typo).
//
// It is its own module (Bleve stays out of the platform's go.mod):
//
//	cd bench/search
//	go run .                                          # 20,000 docs, SQLite engines and Bleve
//	go run . -docs 100000 -clients 1,8 -pg 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//	go run . -docs 1000000 -keep /var/tmp/bench-search   # keep the indexes, reuse them next run
//
// For every engine it prints build time, index size, recall@10 and MRR per
// style, and p50/p99 latency per number of concurrent clients (each client
// sends one query after the other). Engines: ours on SQLite (and on
// PostgreSQL with -pg), plain SQLite FTS5 (unicode61 remove_diacritics 2)
// on the raw text, Bleve v2 with its standard analyser.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/dijalog/dijalog/internal/db"
)

type stat struct {
	hits, n int
	rr      float64
}

// threadCPU is the CPU time the calling OS thread has used
// (clock_gettime CLOCK_THREAD_CPUTIME_ID, Linux), or 0 when it cannot be read.
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// measure runs every query once with c concurrent clients and returns the
// latencies (in query order) and the ranked ids. With one client it also
// returns each query's CPU time on its thread: the work the engine did in
// this process, without the time spent waiting for a core on a loaded
// machine (SQLite runs in the process; PostgreSQL's server is not counted).
func measure(ctx context.Context, e engine, qs []query, c int) ([]time.Duration, [][]string, error) {
	lat, _, got, err := measureCPU(ctx, e, qs, c)
	return lat, got, err
}

func measureCPU(ctx context.Context, e engine, qs []query, c int) ([]time.Duration, []time.Duration, [][]string, error) {
	lat := make([]time.Duration, len(qs))
	cpu := make([]time.Duration, len(qs))
	got := make([][]string, len(qs))
	var next int
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c == 1 {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= len(qs) || stop {
					return
				}
				c0, t0 := threadCPU(), time.Now()
				ids, err := e.search(ctx, qs[i].text)
				lat[i] = time.Since(t0)
				cpu[i] = threadCPU() - c0
				got[i] = ids
				if err != nil {
					mu.Lock()
					first = fmt.Errorf("%s: %q: %w", e.name, qs[i].text, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return lat, cpu, got, first
}

func pct(lat []time.Duration, p float64) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) }

func run(ctx context.Context, e engine, docs []doc, qs []query, clients []int, reps int, profile string) error {
	build := time.Duration(0)
	if e.built(ctx) {
		fmt.Printf("\n%s: kept index reused\n", e.name)
	} else {
		start := time.Now()
		if err := e.build(ctx, docs); err != nil {
			return fmt.Errorf("%s: build: %w", e.name, err)
		}
		build = time.Since(start)
	}
	size, err := e.size(ctx)
	if err != nil {
		return err
	}
	// Warm up: one pass over the first tenth of the queries.
	if _, _, err := measure(ctx, e, qs[:len(qs)/10], 1); err != nil {
		return err
	}
	var got [][]string
	type row struct {
		c             int
		p50, p99, min time.Duration
		cpu50, cpu99  time.Duration
		perStyle      []time.Duration
	}
	var rows []row
	for _, c := range clients {
		var best, first, firstCPU []time.Duration
		for r := range max(reps, 1) {
			var f *os.File
			if profile != "" && c == 1 && r == 0 {
				f, err = os.Create(profile)
				if err != nil {
					return err
				}
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
			}
			lat, cpu, ids, err := measureCPU(ctx, e, qs, c)
			if f != nil {
				pprof.StopCPUProfile()
				f.Close()
			}
			if err != nil {
				return err
			}
			if got == nil {
				got = ids
			}
			if first == nil {
				first, best, firstCPU = lat, slices.Clone(lat), cpu
			}
			for i := range best {
				best[i] = min(best[i], lat[i])
			}
		}
		rw := row{c: c, p50: pct(first, 0.5), p99: pct(first, 0.99), min: pct(best, 0.99)}
		if c == 1 {
			rw.cpu50, rw.cpu99 = pct(firstCPU, 0.5), pct(firstCPU, 0.99)
		}
		for st := range styles {
			var l []time.Duration
			for i, q := range qs {
				if q.style == st {
					l = append(l, first[i])
				}
			}
			rw.perStyle = append(rw.perStyle, pct(l, 0.99))
		}
		rows = append(rows, rw)
	}
	per := make([]stat, len(styles))
	for i, q := range qs {
		s := &per[q.style]
		s.n++
		if k := slices.Index(got[i], q.target); k >= 0 {
			s.hits++
			s.rr += 1 / float64(k+1)
		}
	}
	b := "kept"
	if build > 0 {
		b = build.Round(100 * time.Millisecond).String()
	}
	fmt.Printf("\n%s: %d docs, build %s, index %.1f MB, %d queries\n", e.name, len(docs), b, float64(size)/1e6, len(qs))
	fmt.Printf("| clients | p50 ms | p99 ms | p99 ms (best of %d) | CPU p50 / p99 ms | p99 ms per style: %s |\n|---:|---:|---:|---:|---:|---|\n", max(reps, 1), strings.Join(styles, " / "))
	for _, r := range rows {
		var ps []string
		for _, p := range r.perStyle {
			ps = append(ps, ms(p))
		}
		cpu := "–"
		if r.c == 1 {
			cpu = ms(r.cpu50) + " / " + ms(r.cpu99)
		}
		fmt.Printf("| %d | %s | %s | %s | %s | %s |\n", r.c, ms(r.p50), ms(r.p99), ms(r.min), cpu, strings.Join(ps, " / "))
	}
	fmt.Printf("| %-14s | %9s | %6s |\n|---|---:|---:|\n", "style", "recall@10", "MRR")
	var all stat
	for i, s := range per {
		fmt.Printf("| %-14s | %9.3f | %6.3f |\n", styles[i], float64(s.hits)/float64(s.n), s.rr/float64(s.n))
		all.hits += s.hits
		all.n += s.n
		all.rr += s.rr
	}
	fmt.Printf("| %-14s | %9.3f | %6.3f |\n", "all", float64(all.hits)/float64(all.n), all.rr/float64(all.n))
	if *misses > 0 {
		shown := 0
		for i, q := range qs {
			if !slices.Contains(got[i], q.target) && shown < *misses {
				shown++
				fmt.Printf("  miss (%s): %q want %s got %v\n", styles[q.style], q.text, q.target, got[i])
			}
		}
	}
	return nil
}

var misses = flag.Int("misses", 0, "print up to this many missed queries per engine")

func main() {
	nDocs := flag.Int("docs", 20000, "documents")
	nQueries := flag.Int("queries", 7000, "queries (spread over 7 styles)")
	pg := flag.String("pg", "", "PostgreSQL server URL: also measure ours on PostgreSQL (in its own schema)")
	only := flag.String("engines", "sqlite,fts5,bleve,pg", "engines to run (pg also needs -pg)")
	clientsFlag := flag.String("clients", "1,8", "numbers of concurrent clients to measure")
	reps := flag.Int("reps", 1, "passes over the queries per client count; \"best of\" takes each query's fastest pass (less noise from other load on the machine)")
	keep := flag.String("keep", "", "directory to keep the indexes in and reuse them from (a fresh temporary one when empty); the PostgreSQL schema is kept too")
	profile := flag.String("cpuprofile", "", "write a CPU profile of ours on SQLite (one client, first pass) to this file")
	flag.Parse()
	var clients []int
	for _, c := range strings.Split(*clientsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-clients: %q", c))
		}
		clients = append(clients, n)
	}
	want := map[string]bool{}
	for _, e := range strings.Split(*only, ",") {
		want[strings.TrimSpace(e)] = true
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2026, 11))
	docs := generate(*nDocs, rng)
	qs := queries(docs, *nQueries, rng)
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "dijalog-bench-search-")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(d)
		dir = d
	} else {
		dir = filepath.Join(dir, strconv.Itoa(*nDocs))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fail(err)
		}
	}
	var engines []engine
	if want["sqlite"] {
		path := filepath.Join(dir, "ours.db")
		before := int64(0)
		_, err := os.Stat(path)
		fresh := err != nil
		if fresh {
			before = -1
		}
		d, err := db.Open(ctx, path)
		if err != nil {
			fail(err)
		}
		defer d.Close()
		// A kept database is not migrated again: other modules' later
		// migrations would be refused as out of order.
		if fresh {
			if _, err := d.MigrateUp(ctx); err != nil {
				fail(err)
			}
		}
		if before < 0 {
			before, _ = fileSize(path)
		}
		engines = append(engines, ours("ours, SQLite", d, func(ctx context.Context) (int64, error) {
			_, _ = d.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
			n, err := fileSize(path)
			return n - before, err
		}))
	}
	if want["fts5"] {
		b, err := fts5(filepath.Join(dir, "base.db"))
		if err != nil {
			fail(err)
		}
		engines = append(engines, b)
	}
	if want["bleve"] {
		engines = append(engines, bleveEngine(filepath.Join(dir, "bleve")))
	}
	if want["pg"] && *pg != "" {
		schema := fmt.Sprintf("bench_search_%d", time.Now().Unix())
		if *keep != "" {
			schema = fmt.Sprintf("bench_search_keep_%d", *nDocs)
		}
		admin, err := sql.Open("pgx", *pg)
		if err != nil {
			fail(err)
		}
		var exists bool
		if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists); err != nil {
			fail(err)
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
			fail(err)
		}
		if *keep == "" {
			defer admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		}
		u, _ := url.Parse(*pg)
		v := u.Query()
		v.Set("search_path", schema+",public")
		u.RawQuery = v.Encode()
		d, err := db.Open(ctx, u.String())
		if err != nil {
			fail(err)
		}
		defer d.Close()
		if !exists {
			if _, err := d.MigrateUp(ctx); err != nil {
				fail(err)
			}
		}
		engines = append(engines, ours("ours, PostgreSQL", d, func(ctx context.Context) (int64, error) {
			var n int64
			err := d.QueryRowContext(ctx, `SELECT pg_total_relation_size('search_docs') + pg_total_relation_size('search_terms')`).Scan(&n)
			return n, err
		}))
	}
	fmt.Printf("corpus: %d documents (Latin, Cyrillic, ASCII, dj spellings), %d queries, seed 2026, clients %v, %s\n", len(docs), len(qs), clients, time.Now().UTC().Format(time.RFC3339))
	for _, e := range engines {
		if err := run(ctx, e, docs, qs, clients, *reps, *profile); err != nil {
			fail(err)
		}
		if la, err := os.ReadFile("/proc/loadavg"); err == nil {
			fmt.Printf("load average after %s: %s", e.name, la)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/search:", err)
	os.Exit(1)
}
