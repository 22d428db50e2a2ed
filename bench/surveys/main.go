// Command surveys measures the survey engine through its HTTP handlers:
// N public submissions of the FinansirajGO questionnaire from C concurrent
// clients (each submission a new browser: GET the form for its CSRF token,
// cookie and idempotency key, then POST; every fifth POST is sent twice, as
// a double click), then counts the responses in the database (lost,
// duplicated), then the results page of a survey with the given number of
// stored answers.
//
//	go run ./bench/surveys                          # SQLite in a temp dir
//	go run ./bench/surveys -n 10000 -c 64 -answers 100000
//	go run ./bench/surveys -db postgres://postgres@127.0.0.1:5432/bench?sslmode=disable
//
// Targets (issue 8): submission p99 <= 30 ms, 0 lost, 0 duplicated;
// results page p99 <= 100 ms at 100k answers. A miss prints MISS; the
// program exits non-zero only when it cannot measure.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dijalog/dijalog/internal/app"
	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/surveys"
)

var (
	csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	idemRe = regexp.MustCompile(`name="idem" value="([^"]+)"`)
)

func main() {
	n := flag.Int("n", 10000, "submissions")
	c := flag.Int("c", 64, "concurrent clients")
	answers := flag.Int("answers", 100000, "stored answers for the results-page measurement")
	pages := flag.Int("pages", 300, "results page requests")
	dsn := flag.String("db", "", "database (default: SQLite in a temporary directory)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the submissions to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/surveys:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*n, *c, *answers, *pages, *dsn); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench/surveys:", err)
		os.Exit(1)
	}
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(float64(len(d))*p+0.5) - 1
	return d[max(0, min(len(d)-1, i))]
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISS"
}

func run(n, conc, nAnswers, nPages int, dsn string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "dijalog-bench-surveys-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if dsn == "" {
		dsn = filepath.Join(dir, "bench.db")
	}
	cfg := &config.Config{DB: dsn, BaseURL: "http://bench", TimeZone: time.UTC, TrustProxy: true}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	svc := surveys.NewService(a.DB, surveys.Options{})
	tpl, err := surveys.LoadTemplate(surveys.TemplateFinansirajGO)
	if err != nil {
		return err
	}
	newSurvey := func() (*surveys.Survey, error) {
		return svc.Create(ctx, nil, surveys.Input{OwnerKind: surveys.OwnerLSG, OwnerRef: "ba-fbih-mostar", Template: tpl.Key, Title: tpl.Title, Def: tpl.Definition,
			Audience: surveys.AudiencePublic, Status: surveys.StatusOpen, ResultsPublic: true})
	}
	sv, err := newSurvey()
	if err != nil {
		return err
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	fmt.Printf("dijalog survey benchmark — %s, %d CPU, %s, database %s\n", time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.Version(), a.DB.Engine())

	// 1. Submissions.
	var (
		mu       sync.Mutex
		lat      []time.Duration
		errs     atomic.Int64
		next     atomic.Int64
		doubles  atomic.Int64
		wg       sync.WaitGroup
		tr       = &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc * 2}
		formPath = srv.URL + "/bs/surveys/" + sv.PublicID
	)
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				jar, _ := cookiejar.New(nil)
				cl := &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
				req, _ := http.NewRequest("GET", formPath, nil)
				req.Header.Set("X-Forwarded-For", ip)
				resp, err := cl.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				m, k := csrfRe.FindSubmatch(body), idemRe.FindSubmatch(body)
				if m == nil || k == nil {
					errs.Add(1)
					continue
				}
				form := url.Values{"csrf_token": {string(m[1])}, "idem": {string(k[1])}}
				for _, a := range surveys.RandomAnswers(sv.Def, rng) {
					if q := sv.Def.Question(a.Question); q != nil && q.Type == surveys.TypeMultiple {
						form.Add(surveys.FieldName(a.Question, ""), a.Item)
						continue
					}
					form.Add(surveys.FieldName(a.Question, a.Item), a.Value)
				}
				times := 1
				if i%5 == 0 {
					times = 2 // a double click: the same form twice
					doubles.Add(1)
				}
				for t := 0; t < times; t++ {
					req, _ := http.NewRequest("POST", formPath, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Forwarded-For", ip)
					t0 := time.Now()
					resp, err := cl.Do(req)
					d := time.Since(t0)
					if err != nil {
						errs.Add(1)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusSeeOther {
						errs.Add(1)
						continue
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	sv, err = svc.ByPublicID(ctx, sv.PublicID)
	if err != nil {
		return err
	}
	rows, distinct, err := svc.CountResponses(ctx, sv)
	if err != nil {
		return err
	}
	p99 := pct(lat, 0.99)
	lost, dup := n-distinct, rows-distinct
	fmt.Printf("\nsubmissions: %d from %d concurrent clients (%d double clicks), %.1f s, %.0f submissions/s\n", n, conc, doubles.Load(), elapsed.Seconds(), float64(n)/elapsed.Seconds())
	fmt.Printf("  POST latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (target ≤ 30 ms: %s)\n", ms(pct(lat, 0.5)), ms(pct(lat, 0.95)), ms(p99), verdict(p99 <= 30*time.Millisecond))
	fmt.Printf("  in the database: %d responses, %d distinct keys, counter %d; lost %d, duplicated %d, HTTP errors %d (%s)\n", rows, distinct, sv.Responses, lost, dup, errs.Load(), verdict(lost == 0 && dup == 0 && sv.Responses == rows && errs.Load() == 0))

	// 2. Results page at nAnswers stored answers (filled through the service).
	big, err := newSurvey()
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(9, 9))
	stored := 0
	t0 := time.Now()
	for stored < nAnswers {
		ans := surveys.RandomAnswers(big.Def, rng)
		if _, err := svc.Submit(ctx, big, surveys.Submission{IdemKey: surveys.NewKey(), Answers: ans, Channel: "paper"}); err != nil {
			return err
		}
		stored += len(ans)
	}
	var answers int
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_answers WHERE survey_id = ?`, big.ID).Scan(&answers); err != nil {
		return err
	}
	big, _ = svc.ByPublicID(ctx, big.PublicID)
	fmt.Printf("\nresults page: survey with %d answers in %d responses (filled in %.1f s)\n", answers, big.Responses, time.Since(t0).Seconds())
	for _, q := range []struct{ name, query string }{{"all responses", ""}, {"filtered (applied = yes)", "?f=applied:yes"}} {
		var pl []time.Duration
		cl := &http.Client{Transport: tr}
		for i := 0; i < nPages; i++ {
			t := time.Now()
			resp, err := cl.Get(srv.URL + "/bs/surveys/" + big.PublicID + "/results" + q.query)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return fmt.Errorf("results page: %s", resp.Status)
			}
			pl = append(pl, time.Since(t))
			if q.query != "" && i >= 50 {
				break
			}
		}
		p := pct(pl, 0.99)
		target := ""
		if q.query == "" {
			target = fmt.Sprintf(" (target ≤ 100 ms: %s)", verdict(p <= 100*time.Millisecond))
		}
		fmt.Printf("  %s: %d requests, p50 %.1f ms, p99 %.1f ms%s\n", q.name, len(pl), ms(pct(pl, 0.5)), ms(p), target)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
