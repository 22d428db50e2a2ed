// Command supports fires concurrent support and withdrawal requests over
// HTTP at a few initiatives and checks the result against the database:
// one support per person per initiative (the UNIQUE constraint), counters
// equal to the rows, and nothing lost: the accepted supports minus the
// accepted withdrawals of each initiative equal its rows.
//
//	go run ./bench/supports                                  # SQLite in a temp dir
//	go run ./bench/supports -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	go run ./bench/supports -accounts 200 -requests 1000     # a quick run
//
// The platform runs in this process behind a real TCP listener on
// 127.0.0.1; the accounts are created through the auth service (with cheap
// password hashing) and signed in over HTTP. On PostgreSQL a fresh schema
// is created and dropped. Exit status 1 when any check fails.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/dialogue"
	_ "github.com/jackc/pgx/v5/stdlib"
)

type options struct {
	dsn                string
	accounts, requests int
	conns, initiatives int
	withdrawShare      float64
	cpuprofile         string
}

func main() {
	var o options
	flag.StringVar(&o.dsn, "db", "", "database: a postgres:// URL (a fresh schema is used) or empty for SQLite in a temp dir")
	flag.IntVar(&o.accounts, "accounts", 2000, "accounts that support")
	flag.IntVar(&o.requests, "requests", 10000, "support and withdrawal requests")
	flag.IntVar(&o.conns, "c", 64, "concurrent connections")
	flag.IntVar(&o.initiatives, "initiatives", 4, "initiatives open for support")
	flag.Float64Var(&o.withdrawShare, "withdraw", 0.2, "share of requests that withdraw a support")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the request phase to this file")
	flag.Parse()
	ok, err := run(o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "supports:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func openDB(ctx context.Context, dsn string) (*db.DB, func(), error) {
	if !db.IsPostgres(dsn) {
		dir, err := os.MkdirTemp("", "dijalog-supports-")
		if err != nil {
			return nil, nil, err
		}
		d, err := db.Open(ctx, filepath.Join(dir, "bench.db"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return d, func() { d.Close(); os.RemoveAll(dir) }, nil
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "bench_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String())
	if err != nil {
		return nil, nil, err
	}
	return d, func() {
		d.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}, nil
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

type person struct {
	email string
	c     *http.Client
	token string
}

type request struct {
	who      int
	target   int
	withdraw bool
}

type result struct {
	req     request
	status  int
	elapsed time.Duration
	err     error
}

func run(o options, out io.Writer) (bool, error) {
	ctx := context.Background()
	d, closeDB, err := openDB(ctx, o.dsn)
	if err != nil {
		return false, err
	}
	defer closeDB()
	if _, err := d.MigrateUp(ctx); err != nil {
		return false, err
	}
	// The client runs o.conns requests at once; give them connections.
	d.SetPoolSize(o.conns)
	// As behind a load balancer: each citizen signs in from their own
	// address (X-Forwarded-For), so the per-IP sign-in limit applies per person.
	cfg := &config.Config{BaseURL: "http://127.0.0.1", TimeZone: time.UTC, TrustProxy: true, CheapPasswords: true}
	a, err := app.Build(d, cfg, slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError})), nil)
	if err != nil {
		return false, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	// The platform, its coordinator and the initiatives, through the service.
	const password = "bench-password-2026"
	coord, err := a.Auth.Register(ctx, auth.RegisterInput{Email: "coordinator@bench.test", Name: "Koordinator", Password: password}, auth.Meta{})
	if err != nil {
		return false, err
	}
	svc := a.Dialogue
	p, err := svc.Platforms.Create(ctx, nil, dialogue.PlatformInput{Name: "Bench platform", LSGs: []string{"ba-fbih-mostar"}}, dialogue.Meta{})
	if err != nil {
		return false, err
	}
	if err := svc.Platforms.AddMemberDirect(ctx, p, coord.ID, dialogue.RoleCoordinator); err != nil {
		return false, err
	}
	var inits []*dialogue.Initiative
	for i := 0; i < o.initiatives; i++ {
		x, err := svc.Initiatives.Create(ctx, coord, p, dialogue.InitiativeInput{Title: fmt.Sprintf("Inicijativa %d", i+1), Problem: "p", Solution: "s", Submit: true}, dialogue.Meta{})
		if err != nil {
			return false, err
		}
		for _, to := range []string{dialogue.StateAdmissible, dialogue.StateOpen} {
			if err := svc.Initiatives.Transition(ctx, coord, p, x, to, "", "", dialogue.Meta{}); err != nil {
				return false, err
			}
		}
		inits = append(inits, x)
	}

	// Accounts straight through the auth service, sign-ins over HTTP.
	t0 := time.Now()
	people := make([]*person, o.accounts)
	for i := range people {
		e := fmt.Sprintf("citizen%05d@bench.test", i)
		if _, err := a.Auth.Register(ctx, auth.RegisterInput{Email: e, Name: fmt.Sprintf("Građanin %d", i), Password: password}, auth.Meta{}); err != nil {
			return false, fmt.Errorf("account %d: %w", i, err)
		}
		people[i] = &person{email: e}
	}
	created := time.Since(t0)
	tr := &http.Transport{MaxIdleConns: o.conns * 2, MaxIdleConnsPerHost: o.conns * 2, IdleConnTimeout: time.Minute}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t0 = time.Now()
	if err := parallel(o.conns, len(people), func(i int) error {
		pp := people[i]
		jar, _ := cookiejar.New(nil)
		pp.c = &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second, CheckRedirect: noRedirect}
		tok, err := token(pp.c, base+"/en/login")
		if err != nil {
			return err
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/en/login", strings.NewReader(url.Values{"csrf_token": {tok}, "email": {pp.email}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		resp, err := pp.c.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("sign in %s: status %d", pp.email, resp.StatusCode)
		}
		pp.token, err = token(pp.c, base+"/en/platforms/verify")
		return err
	}); err != nil {
		return false, err
	}
	signedIn := time.Since(t0)

	// The requests: each account supports random initiatives, sometimes
	// twice (duplicates), and withdraws some (some it never supported).
	rng := mrand.New(mrand.NewPCG(1, 2))
	reqs := make([]request, o.requests)
	for i := range reqs {
		reqs[i] = request{who: rng.IntN(len(people)), target: rng.IntN(len(inits)), withdraw: rng.Float64() < o.withdrawShare}
	}
	results := make([]result, len(reqs))
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return false, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return false, err
		}
		defer f.Close()
	}
	t0 = time.Now()
	_ = parallel(o.conns, len(reqs), func(i int) error {
		r := reqs[i]
		pp := people[r.who]
		op := "support"
		if r.withdraw {
			op = "withdraw-support"
		}
		start := time.Now()
		resp, err := pp.c.PostForm(base+"/en/initiatives/"+inits[r.target].PublicID+"/"+op, url.Values{"csrf_token": {pp.token}})
		res := result{req: r, err: err}
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			res.status = resp.StatusCode
		}
		res.elapsed = time.Since(start)
		results[i] = res
		return nil
	})
	wall := time.Since(t0)
	if o.cpuprofile != "" {
		pprof.StopCPUProfile()
	}

	// What the server said.
	var acceptedS, acceptedW, refusedS, refusedW, errs int
	expected := make([]int, len(inits))
	var lat []time.Duration
	for _, r := range results {
		lat = append(lat, r.elapsed)
		switch {
		case r.err != nil || (r.status != http.StatusSeeOther && r.status != http.StatusConflict):
			errs++
		case r.status == http.StatusSeeOther && !r.req.withdraw:
			acceptedS++
			expected[r.req.target]++
		case r.status == http.StatusSeeOther:
			acceptedW++
			expected[r.req.target]--
		case !r.req.withdraw:
			refusedS++
		default:
			refusedW++
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }

	// What the database holds.
	var doubles int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT initiative_id, user_id FROM dlg_supports GROUP BY initiative_id, user_id HAVING COUNT(*) > 1) t`).Scan(&doubles); err != nil {
		return false, err
	}
	lost := 0
	fmt.Fprintf(out, "database: %s\n", d.Engine())
	fmt.Fprintf(out, "accounts: %d (created in %s, signed in over HTTP in %s)\n", len(people), created.Round(time.Millisecond), signedIn.Round(time.Millisecond))
	fmt.Fprintf(out, "requests: %d at %d connections in %s = %.0f req/s\n", len(reqs), o.conns, wall.Round(time.Millisecond), float64(len(reqs))/wall.Seconds())
	fmt.Fprintf(out, "accepted: %d (supports %d, withdrawals %d)\n", acceptedS+acceptedW, acceptedS, acceptedW)
	fmt.Fprintf(out, "refused: %d (second support %d, withdrawal without support %d)\n", refusedS+refusedW, refusedS, refusedW)
	fmt.Fprintf(out, "errors: %d\n", errs)
	for i, x := range inits {
		counter, rows, err := svc.Initiatives.SupportCounts(ctx, x.ID)
		if err != nil {
			return false, err
		}
		diff := abs(counter-rows) + abs(rows-expected[i])
		lost += diff
		fmt.Fprintf(out, "final count %s: expected %d, counter %d, rows %d\n", x.Title, expected[i], counter, rows)
	}
	fmt.Fprintf(out, "double supports: %d\n", doubles)
	fmt.Fprintf(out, "lost supports: %d\n", lost)
	fmt.Fprintf(out, "latency: p50 %s, p95 %s, p99 %s, max %s\n", ms(pct(0.50)), ms(pct(0.95)), ms(pct(0.99)), ms(lat[len(lat)-1]))
	return doubles == 0 && lost == 0 && errs == 0, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func token(c *http.Client, u string) (string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("GET %s: status %d, no form token", u, resp.StatusCode)
	}
	return string(m[1]), nil
}

// parallel runs fn(0..n-1) on k workers and returns the first error.
func parallel(k, n int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < k; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}
