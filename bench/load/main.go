// Command load measures the dijalog server as it is deployed: it builds the
// binary, starts "dijalog serve --demo" on 127.0.0.1, and prints requests/s
// and latency percentiles of /healthz, the home page, an LSG page and the
// list of places, beside a bare net/http handler measured on the same
// machine in the same run. It also measures cold start (process start to the
// first 200 from /readyz) and resident memory.
//
//	go run ./bench/load                 # SQLite only
//	go run ./bench/load -pg             # SQLite, then PostgreSQL on DefaultPG
//	go run ./bench/load -db postgres://user@127.0.0.1:5432/db?sslmode=disable
//	go run ./bench/load -c 64 -d 10s -wrk
//
// These are measurements, not tests: a missed target prints MISS and the
// program still exits 0. It exits non-zero only when it cannot measure.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx", for the bench schema
)

// DefaultPG is the PostgreSQL server used by -pg.
const DefaultPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// The targets of the Foundation issue.
const (
	targetHomeRatio = 0.3
	targetHomeP99   = 10 * time.Millisecond
	targetWarmStart = 500 * time.Millisecond
	targetIdleRSS   = 60 << 20
)

// Paths on the dijalog server.
const (
	pathHealthz = "/healthz"
	pathHome    = "/bs/"
	pathLSG     = "/bs/places/ba-fbih-mostar"
	pathList    = "/bs/places"
)

type options struct {
	conns      int
	dur        time.Duration
	warmup     time.Duration
	sqlite     bool
	pg         bool
	dsn        string
	wrk        bool
	bin        string
	warmStarts int
	keep       bool
	env        []string
	targets    string
}

// envFlag collects repeated -env KEY=VALUE flags.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }
func (e *envFlag) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

func main() {
	var o options
	flag.IntVar(&o.conns, "c", 64, "concurrent connections (closed loop: one request in flight per connection)")
	flag.DurationVar(&o.dur, "d", 10*time.Second, "measured duration per target")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up per target before measuring (not recorded)")
	flag.BoolVar(&o.sqlite, "sqlite", true, "measure on SQLite (a fresh file in a temporary data directory)")
	flag.BoolVar(&o.pg, "pg", false, "also measure on PostgreSQL at "+DefaultPG+" (a fresh schema, dropped afterwards)")
	flag.StringVar(&o.dsn, "db", "", "also measure on this PostgreSQL server (postgres://...; implies -pg)")
	flag.BoolVar(&o.wrk, "wrk", false, "also run wrk -t2 -c<c> -d<d> --latency against the same URLs (second opinion)")
	flag.StringVar(&o.bin, "bin", "", "use this dijalog binary instead of building ./cmd/dijalog")
	flag.IntVar(&o.warmStarts, "starts", 3, "warm starts (already-migrated database) to time; the median is reported")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binary, data, server log)")
	flag.StringVar(&o.targets, "targets", "bare,healthz,home,lsg,list", "comma-separated targets to load: bare, healthz, home, lsg, list (bare is needed for the ratio)")
	var env envFlag
	flag.Var(&env, "env", "extra KEY=VALUE in the server's environment, e.g. -env GOGC=200 (repeatable; for experiments, not the default)")
	flag.Parse()
	o.env = env
	if o.dsn != "" {
		o.pg = true
	} else {
		o.dsn = DefaultPG
	}
	if o.conns < 1 || o.dur <= 0 || o.warmup < 0 || o.warmStarts < 1 {
		fmt.Fprintln(os.Stderr, "load: -c, -d and -starts must be positive")
		os.Exit(2)
	}
	if !o.sqlite && !o.pg {
		fmt.Fprintln(os.Stderr, "load: nothing to do: -sqlite=false and no -pg")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	tmp, err := os.MkdirTemp("", "dijalog-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("temporary directory kept:", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	printMachine(o)
	fmt.Printf("load average at start: %s (other work on the machine skews every number)\n", loadavg())
	bin := o.bin
	if bin == "" {
		bin = filepath.Join(tmp, "dijalog")
		t0 := time.Now()
		if err := build(ctx, bin); err != nil {
			return err
		}
		fmt.Printf("built %s in %s (CGO_ENABLED=0, as `make build`)\n", bin, time.Since(t0).Round(time.Millisecond))
	}
	bare, err := startBare()
	if err != nil {
		return err
	}
	defer bare.Close()

	var results []*backendResult
	if o.sqlite {
		dir := filepath.Join(tmp, "sqlite")
		r, err := measureBackend(ctx, o, bin, "SQLite", dir, "", bare)
		if err != nil {
			return fmt.Errorf("SQLite: %w", err)
		}
		results = append(results, r)
	}
	if o.pg {
		dsn, drop, err := benchSchema(ctx, o.dsn)
		if err != nil {
			return fmt.Errorf("PostgreSQL: %w", err)
		}
		dir := filepath.Join(tmp, "postgres")
		r, err := measureBackend(ctx, o, bin, "PostgreSQL", dir, dsn, bare)
		drop()
		if err != nil {
			return fmt.Errorf("PostgreSQL: %w", err)
		}
		results = append(results, r)
	}
	if len(results) > 1 {
		fmt.Println()
		fmt.Println("== summary ==")
		for _, r := range results {
			r.printVerdicts()
		}
	}
	return nil
}

func printMachine(o options) {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	fmt.Printf("dijalog load benchmark  %s\n", time.Now().Format("2006-01-02 15:04 MST"))
	fmt.Printf("machine: %d CPUs (%s), %s, %s/%s\n", runtime.NumCPU(), model, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("load: %d connections, closed loop, %s warm-up + %s measured per target, keep-alive, no compression\n", o.conns, o.warmup, o.dur)
	fmt.Println("caveat: the load generator (this process, which also hosts the bare handler) runs on the same CPUs as")
	fmt.Println("        the server and takes a large share of them; absolute numbers are lower than on a dedicated")
	fmt.Println("        client, and the ratio to the bare handler is the number to compare across machines.")
}

// build compiles ./cmd/dijalog of the module this program belongs to.
func build(ctx context.Context, out string) error {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if root == "." || root == "" {
		return errors.New("run from inside the dijalog module (go env GOMOD is empty)")
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/dijalog")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/dijalog: %w\n%s", err, b)
	}
	return nil
}

// benchSchema creates a fresh schema bench_<random> on dsn and returns a DSN
// whose search_path points at it, and a function that drops it.
func benchSchema(ctx context.Context, dsn string) (string, func(), error) {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := admin.PingContext(pctx); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("connect to %s: %w", redact(dsn), err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "bench_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(pctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(dctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			fmt.Fprintf(os.Stderr, "load: drop schema %s: %v (drop it by hand)\n", schema, err)
		} else {
			fmt.Printf("dropped schema %s\n", schema)
		}
		admin.Close()
	}
	fmt.Printf("\ncreated schema %s on %s\n", schema, redact(dsn))
	return u.String(), drop, nil
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// ---- the bare handler ----

// bareBody is a static ~2 KB HTML page, the bare handler's response.
var bareBody = func() []byte {
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html lang=\"bs\"><head><meta charset=\"utf-8\"><title>bare</title></head><body><main>\n")
	for i := 0; b.Len() < 2000; i++ {
		fmt.Fprintf(&b, "<p>Paragraph %02d of a static page served by a bare net/http handler.</p>\n", i)
	}
	b.WriteString("</main></body></html>\n")
	return b.Bytes()
}()

type bareServer struct {
	srv *http.Server
	URL string
}

func startBare() (*bareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(bareBody)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &bareServer{srv: srv, URL: "http://" + ln.Addr().String() + "/"}, nil
}

func (b *bareServer) Close() { _ = b.srv.Close() }

// ---- the dijalog server process ----

type server struct {
	cmd     *exec.Cmd
	base    string
	logPath string
	done    chan error
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startServer starts dijalog and returns once /readyz answers 200, with the
// time from process start to that answer.
func startServer(ctx context.Context, bin, dataDir, dsn string, extraEnv []string, logFile *os.File) (*server, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	args := []string{"serve", "--demo", "--addr", addr, "--data", dataDir, "--log-level", "warn"}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// No inherited DIJALOG_* settings: the command line above is the configuration.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DIJALOG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, extraEnv...)
	s := &server{cmd: cmd, base: "http://" + addr, logPath: logFile.Name(), done: make(chan error, 1)}
	poll := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	go func() { s.done <- cmd.Wait() }()
	deadline := t0.Add(120 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := poll.Get(s.base + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(t0), nil
			}
		}
		select {
		case err := <-s.done:
			return nil, 0, fmt.Errorf("dijalog exited before ready (%v); log:\n%s", err, tail(s.logPath, 30))
		case <-ctx.Done():
			s.stop()
			return nil, 0, ctx.Err()
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, 0, fmt.Errorf("dijalog not ready after 120 s; log:\n%s", tail(s.logPath, 30))
		}
	}
}

// stop sends SIGTERM and waits (SIGKILL after 30 s).
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("did not stop within 30 s of SIGTERM; killed")
	}
}

func (s *server) pid() int { return s.cmd.Process.Pid }

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// memory reads VmRSS and VmHWM (peak RSS) of pid, in bytes.
func memory(pid int) (rss, hwm int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1, -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fs[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n << 10
		case "VmHWM":
			hwm = n << 10
		}
	}
	return rss, hwm
}

// cpuTime is the user+system CPU time of pid so far (clock ticks of 10 ms,
// the Linux default USER_HZ).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	fs := strings.Fields(s)
	// After the command name: state is field 3; utime 14 and stime 15.
	if len(fs) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(fs[11], 10, 64)
	st, _ := strconv.ParseInt(fs[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// machineBusy is the CPU time all CPUs spent not idle (from /proc/stat).
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 {
			busy += n
		}
	}
	return time.Duration(busy) * 10 * time.Millisecond
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ---- one backend ----

type backendResult struct {
	name       string
	conns      int
	dur        time.Duration
	firstStart time.Duration
	warmStarts []time.Duration
	idleRSS    int64
	idleHWM    int64
	loadRSS    int64
	loadHWM    int64
	rows       []*loadResult
	bareRPS    float64
	home       *loadResult
	notes      []string
}

func (r *backendResult) warmMedian() time.Duration {
	s := slices.Clone(r.warmStarts)
	slices.Sort(s)
	return s[len(s)/2]
}

func measureBackend(ctx context.Context, o options, bin, name, dataDir, dsn string, bare *bareServer) (*backendResult, error) {
	fmt.Printf("\n== %s ==\n", name)
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dataDir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	res := &backendResult{name: name, conns: o.conns, dur: o.dur}

	// Cold start on an empty database: migrations, demo accounts (argon2id).
	s, d, err := startServer(ctx, bin, dataDir, dsn, o.env, logFile)
	if err != nil {
		return nil, err
	}
	res.firstStart = d
	fmt.Printf("start, empty database (migrate + demo data): %s\n", d.Round(time.Millisecond))
	if err := s.stop(); err != nil {
		return nil, fmt.Errorf("stop after first start: %w", err)
	}
	// Warm starts on the migrated database: the number the target is about.
	for i := 0; i < o.warmStarts; i++ {
		s, d, err = startServer(ctx, bin, dataDir, dsn, o.env, logFile)
		if err != nil {
			return nil, err
		}
		res.warmStarts = append(res.warmStarts, d)
		fmt.Printf("start, migrated database #%d: %s\n", i+1, d.Round(time.Millisecond))
		if i < o.warmStarts-1 {
			if err := s.stop(); err != nil {
				return nil, fmt.Errorf("stop after warm start: %w", err)
			}
		}
	}
	defer func() {
		if err := s.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "load: stopping dijalog: %v\n", err)
		}
		if t := strings.TrimSpace(tail(s.logPath, 10)); t != "" {
			fmt.Printf("last lines of the server log (level warn):\n%s\n", t)
		}
	}()

	tr := newTransport(o.conns)
	defer tr.CloseIdleConnections()
	probe := &http.Client{Transport: tr, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	type target struct{ key, name, url string }
	var targets []target
	for _, t := range []target{
		{"bare", "bare net/http (2 KB)", bare.URL},
		{"healthz", "/healthz", s.base + pathHealthz},
		{"home", "home " + pathHome, s.base + pathHome},
		{"lsg", "LSG " + pathLSG, s.base + pathLSG},
		{"list", "list " + pathList, s.base + pathList},
	} {
		if slices.Contains(strings.Split(o.targets, ","), t.key) {
			targets = append(targets, t)
		}
	}
	if len(o.env) > 0 {
		res.notes = append(res.notes, "server environment: "+strings.Join(o.env, " "))
	}
	// A few requests to each, then idle: the idle RSS.
	for i := range targets {
		var code, size int
		for range 3 {
			code, size, err = get(ctx, probe, targets[i].url)
			if err != nil {
				return nil, fmt.Errorf("GET %s: %w", targets[i].url, err)
			}
		}
		fmt.Printf("probe %-32s %d, %d bytes\n", targets[i].name, code, size)
		if code != http.StatusOK && strings.HasPrefix(targets[i].name, "LSG") {
			note := fmt.Sprintf("the LSG page %s answered %d; the LSG row measures %s instead", pathLSG, code, pathList)
			res.notes = append(res.notes, note)
			fmt.Println("note:", note)
			targets[i] = target{"lsg", "LSG (fallback) " + pathList, s.base + pathList}
		} else if code != http.StatusOK {
			note := fmt.Sprintf("%s answered %d; its row measures that response", targets[i].name, code)
			res.notes = append(res.notes, note)
			fmt.Println("note:", note)
		}
	}
	if sleep(ctx, 2*time.Second) != nil {
		return nil, ctx.Err()
	}
	res.idleRSS, res.idleHWM = memory(s.pid())
	fmt.Printf("idle RSS after start + %d requests + 2 s idle: %s (peak so far %s)\n", 3*len(targets), mb(res.idleRSS), mb(res.idleHWM))

	fmt.Printf("load average before the load: %s\n", loadavg())
	fmt.Printf("running %d targets x (%s + %s) ...\n", len(targets), o.warmup, o.dur)
	for _, t := range targets {
		serverCPU0, selfCPU0, busy0 := cpuTime(s.pid()), selfCPU(), machineBusy()
		lr, err := runLoad(ctx, tr, t.url, o.conns, o.warmup, o.dur)
		if err != nil {
			return nil, err
		}
		lr.name = t.name
		// CPU over warm-up + measurement, as a share of all CPUs.
		wall := (o.warmup + o.dur).Seconds() * float64(runtime.NumCPU())
		lr.genCPU = selfCPU().Seconds() - selfCPU0.Seconds()
		lr.genCPU /= wall
		if !strings.HasPrefix(t.name, "bare") {
			lr.srvCPU = (cpuTime(s.pid()) - serverCPU0).Seconds() / wall
		} else {
			lr.srvCPU = math.NaN() // the bare server lives in this process
		}
		lr.otherCPU = (machineBusy()-busy0).Seconds()/wall - lr.genCPU
		if !math.IsNaN(lr.srvCPU) {
			lr.otherCPU -= lr.srvCPU
		}
		lr.otherCPU = max(lr.otherCPU, 0)
		res.rows = append(res.rows, lr)
		if strings.HasPrefix(t.name, "bare") {
			res.bareRPS = lr.rps
		}
		if strings.HasPrefix(t.name, "home") {
			res.home = lr
		}
		fmt.Printf("  %-32s %9.0f req/s  p99 %s\n", t.name, lr.rps, fmtDur(lr.p(99)))
	}
	res.loadRSS, res.loadHWM = memory(s.pid())
	res.print()
	res.printVerdicts()

	if o.wrk {
		for _, t := range targets {
			runWrk(ctx, t.name, t.url, o.conns, o.dur)
		}
	}
	return res, nil
}

// loadavg is the first three fields of /proc/loadavg: other work on the
// machine skews every number, so it is printed beside them.
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

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
}

func get(ctx context.Context, c *http.Client, u string) (int, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, int(n), err
}

func mb(b int64) string {
	if b < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
}

// ---- the load generator ----

// histogram is a log-linear latency histogram in nanoseconds: values below
// 2^subBits are exact; above, each power of two is split into 2^(subBits-1)
// equal buckets, so a bucket's midpoint is within 1/256 (0.4 %) of any value
// in it.
type histogram struct {
	counts [64 << (subBits - 1)]uint64
	n      uint64
	max    int64
	min    int64
	sum    float64
}

const subBits = 8 // 128 buckets per power of two

func bucketOf(v int64) int {
	if v < 1<<subBits {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - subBits // shift that leaves 8 significant bits: 128..255
	return (e+1)<<(subBits-1) + int(v>>e) - 1<<(subBits-1)
}

// valueOf is the midpoint of bucket i.
func valueOf(i int) int64 {
	if i < 1<<subBits {
		return int64(i)
	}
	e := i>>(subBits-1) - 1
	m := int64(i&(1<<(subBits-1)-1)) + 1<<(subBits-1)
	lo := m << e
	return lo + (int64(1)<<e)/2
}

func (h *histogram) record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += float64(v)
}

func (h *histogram) merge(o *histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.n += o.n
	h.max = max(h.max, o.max)
	h.sum += o.sum
}

// quantile returns the value at q (0..1), nearest-rank.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(valueOf(i), h.max))
		}
	}
	return time.Duration(h.max)
}

type loadResult struct {
	name     string
	url      string
	hist     histogram
	rps      float64
	errs     uint64 // non-2xx answers and transport errors
	codes    map[int]uint64
	netErrs  uint64
	firstErr string
	bytes    uint64
	genCPU   float64 // share of all CPUs used by this process
	srvCPU   float64 // share of all CPUs used by the dijalog process
	otherCPU float64 // share of all CPUs used by everything else on the machine
}

func (r *loadResult) p(pct float64) time.Duration { return r.hist.quantile(pct / 100) }

type worker struct {
	hist     histogram
	ok       uint64
	codes    map[int]uint64
	netErrs  uint64
	firstErr string
	bytes    uint64
}

// runLoad keeps conns requests in flight against u (each goroutine sends the
// next request when the previous answer has been read), discards the first
// warmup, and records every latency of the next dur.
func runLoad(ctx context.Context, tr *http.Transport, u string, conns int, warmup, dur time.Duration) (*loadResult, error) {
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	start := time.Now()
	measureFrom := start.Add(warmup)
	end := measureFrom.Add(dur)
	rctx, cancel := context.WithDeadline(ctx, end.Add(15*time.Second))
	defer cancel()
	workers := make([]*worker, conns)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{codes: map[int]uint64{}}
		workers[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 32<<10)
			req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
			if err != nil {
				w.firstErr = err.Error()
				return
			}
			for rctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				resp, err := client.Do(req)
				var n int64
				code := 0
				if err == nil {
					n, err = io.CopyBuffer(io.Discard, resp.Body, buf)
					resp.Body.Close()
					code = resp.StatusCode
				}
				t1 := time.Now()
				if t0.Before(measureFrom) || t1.After(end) {
					if err != nil {
						sleepBrief(rctx)
					}
					continue
				}
				w.hist.record(t1.Sub(t0))
				switch {
				case err != nil:
					w.netErrs++
					if w.firstErr == "" {
						w.firstErr = err.Error()
					}
					sleepBrief(rctx)
				case code < 200 || code > 299:
					w.codes[code]++
				default:
					w.ok++
					w.codes[code]++
					w.bytes += uint64(n)
				}
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	r := &loadResult{url: u, codes: map[int]uint64{}}
	var ok uint64
	for _, w := range workers {
		r.hist.merge(&w.hist)
		ok += w.ok
		r.netErrs += w.netErrs
		r.bytes += w.bytes
		for c, n := range w.codes {
			r.codes[c] += n
			if c < 200 || c > 299 {
				r.errs += n
			}
		}
		if r.firstErr == "" {
			r.firstErr = w.firstErr
		}
	}
	r.errs += r.netErrs
	r.rps = float64(r.hist.n) / dur.Seconds()
	return r, nil
}

// sleepBrief backs off after a transport error so a dead server does not
// turn the generator into a busy loop.
func sleepBrief(ctx context.Context) { _ = sleep(ctx, 10*time.Millisecond) }

// ---- output ----

func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

func pct(f float64) string {
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", f*100)
}

func (r *backendResult) print() {
	fmt.Printf("\n%s: results (%d connections, %s per target)\n", r.name, r.conns, r.dur)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\treq/s\tp50\tp90\tp99\tmax\terrors\tratio\tbytes\tsrv CPU\tgen CPU\tother CPU\t")
	for _, lr := range r.rows {
		ratio := "-"
		if r.bareRPS > 0 {
			ratio = fmt.Sprintf("%.2f×", lr.rps/r.bareRPS)
		}
		size := uint64(0)
		if ok := lr.hist.n - lr.errs; ok > 0 {
			size = lr.bytes / ok
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t\n", lr.name, lr.rps,
			fmtDur(lr.p(50)), fmtDur(lr.p(90)), fmtDur(lr.p(99)), fmtDur(time.Duration(lr.hist.max)),
			lr.errs, ratio, size, pct(lr.srvCPU), pct(lr.genCPU), pct(lr.otherCPU))
	}
	tw.Flush()
	fmt.Println("(srv / gen / other CPU: share of all CPUs used by the dijalog process / by this generator, which")
	fmt.Println(" also hosts the bare handler / by everything else, incl. the kernel's softirq work and PostgreSQL;")
	fmt.Println(" bytes: mean body size of 2xx answers)")
	for _, lr := range r.rows {
		if lr.errs > 0 {
			var cs []string
			for c, n := range lr.codes {
				if c < 200 || c > 299 {
					cs = append(cs, fmt.Sprintf("%d×%d", n, c))
				}
			}
			slices.Sort(cs)
			if lr.netErrs > 0 {
				cs = append(cs, fmt.Sprintf("%d transport errors (first: %s)", lr.netErrs, lr.firstErr))
			}
			fmt.Printf("errors on %s: %s\n", lr.name, strings.Join(cs, ", "))
		}
	}
	for _, n := range r.notes {
		fmt.Println("note:", n)
	}
	fmt.Printf("cold start, empty database (migrations + demo data): %s\n", fmtDur(r.firstStart))
	var ws []string
	for _, d := range r.warmStarts {
		ws = append(ws, fmtDur(d))
	}
	fmt.Printf("cold start, migrated database: median %s of %s\n", fmtDur(r.warmMedian()), strings.Join(ws, ", "))
	fmt.Printf("RSS idle: %s; after load: %s (peak %s)\n", mb(r.idleRSS), mb(r.loadRSS), mb(r.loadHWM))
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func (r *backendResult) printVerdicts() {
	fmt.Printf("%s verdicts:\n", r.name)
	if r.home == nil || r.bareRPS == 0 {
		fmt.Println("  home page not measured")
		return
	}
	ratio := r.home.rps / r.bareRPS
	line := func(ok bool, what, got string) { fmt.Printf("  %s  %-40s %s\n", verdict(ok), what, got) }
	line(ratio >= targetHomeRatio && r.home.errs == 0, fmt.Sprintf("home ≥ %.1f× the bare handler", targetHomeRatio),
		fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", ratio, r.home.rps, r.bareRPS))
	line(r.home.p(99) <= targetHomeP99 && r.home.errs == 0, fmt.Sprintf("home p99 ≤ %s at %d connections", fmtDur(targetHomeP99), r.conns), fmtDur(r.home.p(99)))
	line(r.warmMedian() <= targetWarmStart, fmt.Sprintf("cold start ≤ %s (migrated database)", fmtDur(targetWarmStart)),
		fmt.Sprintf("%s (empty database: %s)", fmtDur(r.warmMedian()), fmtDur(r.firstStart)))
	line(r.idleRSS > 0 && r.idleRSS <= targetIdleRSS, fmt.Sprintf("idle RSS ≤ %d MB", targetIdleRSS>>20), mb(r.idleRSS))
	if r.home.errs > 0 {
		fmt.Printf("  (the home page had %d errors during the load; its verdicts count as MISS)\n", r.home.errs)
	}
}

// runWrk prints wrk's own report for u, as a second opinion.
func runWrk(ctx context.Context, name, u string, conns int, dur time.Duration) {
	path, err := exec.LookPath("wrk")
	if err != nil {
		fmt.Println("\nwrk not found (apt-get install wrk); -wrk skipped")
		return
	}
	threads := min(2, conns)
	secs := max(1, int(dur.Round(time.Second).Seconds()))
	wctx, cancel := context.WithTimeout(ctx, dur+30*time.Second)
	defer cancel()
	args := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(secs) + "s", "--latency", u}
	fmt.Printf("\n-- wrk %s  (%s)\n", strings.Join(args, " "), name)
	cmd := exec.CommandContext(wctx, path, args...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Printf("wrk: %v\n", err)
	}
}
