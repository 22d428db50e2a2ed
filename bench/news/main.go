// Command news measures the news module as deployed. With -article it
// builds the binary, starts "dijalog serve --demo" on a fresh SQLite data
// directory, adds N articles and M comments straight into the database
// (the server stopped), starts the server again and loads article pages at
// -c connections, closed loop, each request a random article and each
// connection its own reader (its own User-Agent), so that nearly every
// request also counts a new view (a write). It prints the latency
// percentiles; the target of the issue is p99 <= 20 ms at 64 connections
// with 100,000 articles and 1,000,000 comments.
//
//	go run ./bench/news -article                      # 100k articles, 1M comments
//	go run ./bench/news -article -articles 20000 -comments 200000 -d 10s
//
// With -kill9 it sends a newsletter to -subscribers readers through the
// real binary and a real SMTP server, kills the server with SIGKILL -kills
// times during the sending, restarting it each time, and counts the copies
// every reader received (internal/news/killtest; the e2e suite runs the
// same with 150 readers):
//
//	go run ./bench/news -kill9 -subscribers 20000 -kills 3
//
// The newsletter throughput is measured by the tests of this directory
// (DIJALOG_BENCH_N=50000 go test -count=1 -v -run . ./bench/news/).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/news/killtest"
)

type options struct {
	article         bool
	kill9           bool
	subscribers     int
	kills, domains  int
	articles, comms int
	hot             int
	conns           int
	dur, warmup     time.Duration
	bin             string
	keep            bool
	distinctReaders bool
}

func main() {
	var o options
	flag.BoolVar(&o.article, "article", false, "measure the article page (the only mode of this command)")
	flag.IntVar(&o.articles, "articles", 100000, "articles to generate")
	flag.IntVar(&o.comms, "comments", 1000000, "comments to generate (spread 0..2×average per article)")
	flag.IntVar(&o.hot, "hot", 200, "comments on one extra 'hot' article, measured separately")
	flag.IntVar(&o.conns, "c", 64, "concurrent connections")
	flag.DurationVar(&o.dur, "d", 20*time.Second, "measured duration per target")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "warm-up per target (not recorded)")
	flag.StringVar(&o.bin, "bin", "", "use this dijalog binary instead of building ./cmd/dijalog")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory")
	flag.BoolVar(&o.distinctReaders, "readers", true, "one User-Agent per connection (every first view of an article by a connection is a write)")
	flag.BoolVar(&o.kill9, "kill9", false, "send a newsletter, kill -9 the server during the sending, restart it, count the copies")
	flag.IntVar(&o.subscribers, "subscribers", 20000, "-kill9: newsletter subscribers")
	flag.IntVar(&o.kills, "kills", 3, "-kill9: kills during the sending")
	flag.IntVar(&o.domains, "domains", 200, "-kill9: recipient domains (the outbox sends at most 10 msg/s to one domain)")
	flag.Parse()
	if o.kill9 {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := runKill9(ctx, o); err != nil {
			fmt.Fprintln(os.Stderr, "news:", err)
			os.Exit(1)
		}
		return
	}
	if !o.article {
		fmt.Fprintln(os.Stderr, "news: nothing to do; use -article or -kill9 (the newsletter throughput is measured by go test ./bench/news/)")
		os.Exit(2)
	}
	if o.articles < 1 || o.comms < 0 || o.conns < 1 || o.dur <= 0 {
		fmt.Fprintln(os.Stderr, "news: -articles, -c and -d must be positive")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "news:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	tmp, err := os.MkdirTemp("", "dijalog-bench-news-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("temporary directory kept:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	fmt.Printf("dijalog article page benchmark  %s\n", time.Now().Format("2006-01-02 15:04 MST"))
	fmt.Printf("machine: %d CPUs, %s, %s/%s; load average %s\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, loadavg())
	bin := o.bin
	if bin == "" {
		bin = filepath.Join(tmp, "dijalog")
		if err := build(ctx, bin); err != nil {
			return err
		}
	}
	data := filepath.Join(tmp, "data")
	logf, err := os.Create(filepath.Join(tmp, "server.log"))
	if err != nil {
		return err
	}
	defer logf.Close()

	// 1. Migrate and load the demo data.
	s, err := startServer(ctx, bin, data, logf)
	if err != nil {
		return err
	}
	if err := s.stop(); err != nil {
		return fmt.Errorf("stop after the demo load: %w", err)
	}
	// 2. Generate the articles and comments.
	t0 := time.Now()
	slugs, hot, err := generate(ctx, filepath.Join(data, "dijalog.db"), o)
	if err != nil {
		return err
	}
	fi, _ := os.Stat(filepath.Join(data, "dijalog.db"))
	size := int64(0)
	if fi != nil {
		size = fi.Size()
	}
	fmt.Printf("generated %d articles and %d comments (+%d on one hot article) in %s; database %.0f MB\n", o.articles, o.comms, o.hot, time.Since(t0).Round(time.Second), float64(size)/(1<<20))
	// 3. Serve and load.
	s, err = startServer(ctx, bin, data, logf)
	if err != nil {
		return err
	}
	defer s.stop()
	tr := &http.Transport{MaxIdleConnsPerHost: o.conns, MaxConnsPerHost: o.conns, DisableCompression: true, IdleConnTimeout: 90 * time.Second}
	targets := []struct {
		name string
		next func(r *rand.Rand) string
	}{
		{"article page, random article of " + fmt.Sprint(len(slugs)), func(r *rand.Rand) string { return s.base + "/bs/news/" + slugs[r.IntN(len(slugs))] }},
		{fmt.Sprintf("article page, the hot article (%d comments)", o.hot), func(*rand.Rand) string { return s.base + "/bs/news/" + hot }},
		{"news list, page 1", func(*rand.Rand) string { return s.base + "/bs/news" }},
	}
	fmt.Printf("\nload: %d connections, closed loop, %s warm-up + %s measured per target\n", o.conns, o.warmup, o.dur)
	fmt.Printf("%-52s %9s %9s %9s %9s %9s %7s\n", "target", "req/s", "p50", "p90", "p99", "max", "errors")
	for _, t := range targets {
		res, err := load(ctx, tr, t.next, o)
		if err != nil {
			return err
		}
		fmt.Printf("%-52s %9.0f %9s %9s %9s %9s %7d\n", t.name, res.rps, ms(res.hist.quantile(0.5)), ms(res.hist.quantile(0.9)), ms(res.hist.quantile(0.99)), ms(time.Duration(res.hist.max)), res.errs)
		if res.firstErr != "" {
			fmt.Println("  first error:", res.firstErr)
		}
	}
	rss, hwm := memory(s.cmd.Process.Pid)
	fmt.Printf("\nserver memory: RSS %.0f MB, peak %.0f MB\n", float64(rss)/(1<<20), float64(hwm)/(1<<20))
	return nil
}

// runKill9 is the -kill9 mode.
func runKill9(ctx context.Context, o options) error {
	tmp, err := os.MkdirTemp("", "dijalog-bench-kill9-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("dijalog newsletter kill -9 run  %s\n", time.Now().Format("2006-01-02 15:04 MST"))
	fmt.Printf("machine: %d CPUs, %s, %s/%s; load average %s\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, loadavg())
	bin := o.bin
	if bin == "" {
		bin = filepath.Join(tmp, "dijalog")
		if err := build(ctx, bin); err != nil {
			return err
		}
	}
	logf, err := os.Create(filepath.Join(tmp, "server.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	res, err := killtest.Run(ctx, killtest.Options{Bin: bin, Data: filepath.Join(tmp, "data"), Subscribers: o.subscribers,
		Domains: o.domains, Kills: o.kills, Log: logf, Timeout: 30 * time.Minute, Admin: "admin@demo.dijalog.ba", Password: "dijalog-demo-2026"})
	if err != nil {
		return err
	}
	fmt.Println(res)
	fmt.Printf("load average after: %s\n", loadavg())
	if res.Lost != 0 || res.Duplicates != 0 || res.Strangers != 0 {
		return errors.New("some subscriber did not get exactly one copy")
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

// generate writes the articles, their translations and tags, and the
// comments, in transactions of a few thousand rows, as the application's
// own tables hold them. It returns the slugs and the hot article's slug.
func generate(ctx context.Context, path string, o options) ([]string, string, error) {
	d, err := db.Open(ctx, path)
	if err != nil {
		return nil, "", err
	}
	defer d.Close()
	q := d.SQL()
	var lsgs []string
	rs, err := q.QueryContext(ctx, `SELECT code FROM places WHERE kind = 'lsg' ORDER BY code`)
	if err != nil {
		return nil, "", err
	}
	for rs.Next() {
		var c string
		if err := rs.Scan(&c); err != nil {
			rs.Close()
			return nil, "", err
		}
		lsgs = append(lsgs, c)
	}
	rs.Close()
	var users []int64
	rs, err = q.QueryContext(ctx, `SELECT id FROM users ORDER BY id`)
	if err != nil {
		return nil, "", err
	}
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			rs.Close()
			return nil, "", err
		}
		users = append(users, id)
	}
	rs.Close()
	if len(lsgs) == 0 || len(users) == 0 {
		return nil, "", errors.New("no LSGs or users in the demo database")
	}
	programmes := []string{"link-za-saradnju", "makers", "eu4business", "mzs", "lgp", "reload", "gap", "eu4agri", "inkluzivni-razvoj", "zeleni-gradovi"}
	sectors := []string{"dobro-upravljanje", "eloge", "socijalna-kohezija", "okolis", "mladi", "obrazovanje", "infrastruktura", "kultura"}
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2016, 1, 1, 8, 0, 0, 0, time.UTC)
	span := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Sub(base)
	n := o.articles + 1
	slugs := make([]string, 0, n)
	const batch = 2000
	for start := 0; start < n; start += batch {
		tx, err := q.BeginTx(ctx, nil)
		if err != nil {
			return nil, "", err
		}
		insA, _ := tx.PrepareContext(ctx, `INSERT INTO news_articles (public_id, slug, author_kind, author_ref, author_name, status, published_at, views, created_at, updated_at) VALUES (?, ?, 'platform', '', ?, 'published', ?, ?, ?, ?)`)
		insT, _ := tx.PrepareContext(ctx, `INSERT INTO news_translations (article_id, lang, is_original, title, summary, body_md, body_html, created_at, updated_at) VALUES (?, 'bs', 1, ?, ?, ?, ?, ?, ?)`)
		insG, _ := tx.PrepareContext(ctx, `INSERT INTO news_tags (article_id, kind, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`)
		for i := start; i < min(n, start+batch); i++ {
			pid := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, r.Uint64()&0xffffffffffff)
			lsg := lsgs[r.IntN(len(lsgs))]
			title := fmt.Sprintf("Sjednica vijeća i javna rasprava o budžetu za %d. godinu, vijest %d", 2016+i%11, i)
			slug := fmt.Sprintf("sjednica-vijeca-i-javna-rasprava-o-budzetu-%d-%s", i, pid[:8])
			pub := db.Time(base.Add(time.Duration(r.Int64N(int64(span)))))
			now := db.Now()
			res, err := insA.ExecContext(ctx, pid, slug, "dijalog", pub, r.IntN(5000), now, now)
			if err != nil {
				tx.Rollback()
				return nil, "", fmt.Errorf("article %d: %w", i, err)
			}
			id, _ := res.LastInsertId()
			md, html := articleBody(i, lsg)
			if _, err := insT.ExecContext(ctx, id, title, "Općinsko vijeće je razmatralo nacrt budžeta; građani mogu dostaviti prijedloge do kraja mjeseca.", md, html, now, now); err != nil {
				tx.Rollback()
				return nil, "", err
			}
			for _, tg := range [][2]string{{"lsg", lsg}, {"programme", programmes[r.IntN(len(programmes))]}, {"sector", sectors[r.IntN(len(sectors))]}} {
				if _, err := insG.ExecContext(ctx, id, tg[0], tg[1], now, now); err != nil {
					tx.Rollback()
					return nil, "", err
				}
			}
			slugs = append(slugs, slug)
		}
		if err := tx.Commit(); err != nil {
			return nil, "", err
		}
	}
	hot := slugs[len(slugs)-1]
	slugs = slugs[:len(slugs)-1]
	// Comments: each article gets 0..2×average, the hot one o.hot.
	avg := float64(o.comms) / float64(len(slugs))
	left := o.comms
	k := 0
	tx, err := q.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	ins, _ := tx.PrepareContext(ctx, `INSERT INTO comments (public_id, subject_type, subject_id, author_id, body, created_at, updated_at) VALUES (?, 'article', ?, ?, ?, ?, ?)`)
	put := func(slug string, c int) error {
		for j := 0; j < c; j++ {
			now := db.Now()
			body := fmt.Sprintf("Slažem se s prijedlogom; važno je da se sredstva za mjesnu zajednicu i školu zadrže u budžetu (komentar %d).", k)
			if _, err := ins.ExecContext(ctx, fmt.Sprintf("c%015x%08x", k, r.Uint32()), slug, users[r.IntN(len(users))], body, now, now); err != nil {
				return err
			}
			k++
			if k%20000 == 0 {
				if err := tx.Commit(); err != nil {
					return err
				}
				if tx, err = q.BeginTx(ctx, nil); err != nil {
					return err
				}
				if ins, err = tx.PrepareContext(ctx, `INSERT INTO comments (public_id, subject_type, subject_id, author_id, body, created_at, updated_at) VALUES (?, 'article', ?, ?, ?, ?, ?)`); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for i, slug := range slugs {
		c := int(math.Round(r.Float64() * 2 * avg))
		if i == len(slugs)-1 || c > left {
			c = left
		}
		left -= c
		if err := put(slug, c); err != nil {
			tx.Rollback()
			return nil, "", err
		}
	}
	if err := put(hot, o.hot); err != nil {
		tx.Rollback()
		return nil, "", err
	}
	if err := tx.Commit(); err != nil {
		return nil, "", err
	}
	if _, err := q.ExecContext(ctx, `ANALYZE`); err != nil {
		return nil, "", err
	}
	return slugs, hot, nil
}

// articleBody is about 1.5 KB of Markdown and its HTML.
func articleBody(i int, lsg string) (string, string) {
	paras := []string{
		fmt.Sprintf("Na %d. sjednici općinskog vijeća (%s) razmatran je nacrt budžeta i plan kapitalnih ulaganja.", i%40+1, lsg),
		"Vijećnici su raspravljali o sredstvima za mjesne zajednice, sanaciju lokalnih puteva, rekonstrukciju škole i podršku udruženjima mladih. Predloženo je da se dio sredstava izdvoji putem javnog poziva za organizacije civilnog društva.",
		"Javna rasprava traje trideset dana. Prijedlozi se mogu dostaviti pisanim putem na protokol općine, elektronskom poštom ili na javnim tribinama koje će se održati u svim mjesnim zajednicama.",
		"Nakon rasprave, prijedlozi građana bit će objedinjeni u izvještaj koji se objavljuje na portalu, zajedno s obrazloženjem koji su prijedlozi prihvaćeni i zašto.",
	}
	var md, h strings.Builder
	for _, p := range paras {
		md.WriteString(p + "\n\n")
		h.WriteString("<p>" + p + "</p>\n")
	}
	md.WriteString("- budžet\n- mjesne zajednice\n- javna rasprava\n")
	h.WriteString("<ul>\n<li>budžet</li>\n<li>mjesne zajednice</li>\n<li>javna rasprava</li>\n</ul>\n")
	return md.String(), h.String()
}

// ---- the load ----

type result struct {
	hist     histogram
	rps      float64
	errs     uint64
	firstErr string
}

func load(ctx context.Context, tr *http.Transport, next func(*rand.Rand) string, o options) (*result, error) {
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	start := time.Now()
	from, end := start.Add(o.warmup), start.Add(o.warmup+o.dur)
	var mu sync.Mutex
	total := &result{}
	var wg sync.WaitGroup
	run := time.Now().UnixNano()
	for c := 0; c < o.conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), uint64(run)))
			ua := "dijalog-bench"
			if o.distinctReaders {
				ua = fmt.Sprintf("dijalog-bench reader %d/%d", c, run)
			}
			var h histogram
			var errs uint64
			first := ""
			buf := make([]byte, 32<<10)
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, next(r), nil)
				req.Header.Set("User-Agent", ua)
				resp, err := client.Do(req)
				code := 0
				if err == nil {
					_, err = io.CopyBuffer(io.Discard, resp.Body, buf)
					resp.Body.Close()
					code = resp.StatusCode
				}
				t1 := time.Now()
				if t0.Before(from) || t1.After(end) {
					continue
				}
				h.record(t1.Sub(t0))
				if err != nil || code != http.StatusOK {
					errs++
					if first == "" {
						first = fmt.Sprintf("%s: status %d, %v", req.URL.Path, code, err)
					}
					if err != nil {
						time.Sleep(10 * time.Millisecond)
					}
				}
			}
			mu.Lock()
			total.hist.merge(&h)
			total.errs += errs
			if total.firstErr == "" {
				total.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	total.rps = float64(total.hist.n) / o.dur.Seconds()
	return total, nil
}

// histogram is a log-linear latency histogram (as in bench/load): values
// below 256 ns exact, above each power of two split into 128 buckets.
type histogram struct {
	counts   [64 << 7]uint64
	n        uint64
	max, min int64
}

func bucketOf(v int64) int {
	if v < 1<<8 {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 8
	return (e+1)<<7 + int(v>>e) - 1<<7
}

func valueOf(i int) int64 {
	if i < 1<<8 {
		return int64(i)
	}
	e := i>>7 - 1
	m := int64(i&(1<<7-1)) + 1<<7
	return m<<e + (int64(1)<<e)/2
}

func (h *histogram) record(d time.Duration) {
	v := max(int64(d), 0)
	h.counts[bucketOf(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	h.max = max(h.max, v)
	h.n++
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if o.n > 0 && (h.n == 0 || o.min < h.min) {
		h.min = o.min
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := max(uint64(math.Ceil(q*float64(h.n))), 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(valueOf(i), h.max))
		}
	}
	return time.Duration(h.max)
}

// ---- the server process ----

type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

func build(ctx context.Context, out string) error {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if root == "." || root == "" {
		return errors.New("run from inside the dijalog module")
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/dijalog")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/dijalog: %w\n%s", err, b)
	}
	return nil
}

func startServer(ctx context.Context, bin, data string, logf *os.File) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "--demo", "--addr", addr, "--data", data, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DIJALOG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	s := &server{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- cmd.Wait() }()
	poll := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(300 * time.Second)
	for {
		if resp, err := poll.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("dijalog exited before ready: %v (log: %s)", err, logf.Name())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("dijalog not ready within 300 s")
		}
	}
}

func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("did not stop within 30 s; killed")
	}
}

func memory(pid int) (rss, hwm int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1, -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		var n int64
		fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &n)
		switch k {
		case "VmRSS":
			rss = n << 10
		case "VmHWM":
			hwm = n << 10
		}
	}
	return rss, hwm
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}
