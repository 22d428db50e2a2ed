package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/dijalog/dijalog/internal/mail/mailtest"
)

const (
	// testTimeout bounds one test: its tab is closed when it passes.
	testTimeout = 60 * time.Second
	// readyTimeout bounds the wait for the server's /readyz (loading every module's
	// demo data can take over 30 s on two busy cores).
	readyTimeout = 120 * time.Second
	// defaultChromium is Debian's chromium (apt-get install chromium).
	defaultChromium = "/usr/bin/chromium"
	// viewport of the tabs; screenshots are also taken at 390 px.
	viewportWidth, viewportHeight = 1280, 900
)

// The binary is built once by TestMain; the server and the browser are
// started by the first test that needs them and stopped by TestMain.
var (
	workDir  string // temporary directory of the whole run
	binPath  string // the built dijalog binary
	buildErr error

	envOnce sync.Once
	shared  *env
	envErr  error

	checked checkedPages
)

// env is what every test shares: one server with a fresh database, one
// browser, the axe-core source and the message catalogues.
type env struct {
	root    string // module root
	baseURL string // http://127.0.0.1:PORT
	server  *server
	browser context.Context // a chromedp context whose browser runs
	stopBr  context.CancelFunc
	axe     string // axe.min.js
	msgs    map[string]map[string]string
	sink    *mailtest.Sink // the SMTP server the shared server mails through
}

func TestMain(m *testing.M) {
	code := run(m)
	os.Exit(code)
}

func run(m *testing.M) int {
	var err error
	workDir, err = os.MkdirTemp("", "dijalog-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(workDir)
	binPath, buildErr = buildBinary(workDir)

	code := m.Run()

	if shared != nil {
		if err := shared.close(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			code = 1
		}
	}
	if n, urls := checked.summary(); n > 0 {
		fmt.Printf("e2e: axe-core checked %d pages (%d distinct URLs)\n", n, urls)
		if dir := os.Getenv("DIJALOG_SCREENSHOTS"); dir != "" {
			list := filepath.Join(dir, "axe-checked-urls.txt")
			if err := os.WriteFile(list, []byte(strings.Join(checked.list(), "\n")+"\n"), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "e2e:", err)
			}
		}
	}
	return code
}

// moduleRoot is the directory of go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside the dijalog module")
	}
	return filepath.Dir(mod), nil
}

// buildBinary builds ./cmd/dijalog into dir.
func buildBinary(dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "dijalog")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/dijalog")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/dijalog: %w\n%s", err, out)
	}
	return bin, nil
}

// setup returns the shared environment, starting it on first use. A
// missing browser or axe-core fails the test with what to install.
func setup(t *testing.T) *env {
	t.Helper()
	envOnce.Do(func() { shared, envErr = startEnv() })
	if envErr != nil {
		t.Fatalf("e2e setup: %v", envErr)
	}
	return shared
}

func startEnv() (*env, error) {
	if buildErr != nil {
		return nil, buildErr
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	e := &env{root: root}
	axePath := filepath.Join(root, "e2e", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(axePath)
	if err != nil {
		return nil, fmt.Errorf("axe-core is not installed (%v): run `make deps` (or `make test`, which runs it first)", err)
	}
	e.axe = string(b)
	if e.msgs, err = loadMessages(filepath.Join(root, "internal", "i18n", "locales")); err != nil {
		return nil, err
	}
	chromium := os.Getenv("DIJALOG_E2E_CHROMIUM")
	if chromium == "" {
		chromium = defaultChromium
	}
	if _, err := os.Stat(chromium); err != nil {
		return nil, fmt.Errorf("chromium is not installed (%v): run .ci/run, or apt-get install chromium chromium-driver", err)
	}
	dataDir := filepath.Join(workDir, "data")
	// Registration mails a confirmation link the tests open: the shared
	// server mails through a sink in this process.
	if e.sink, err = mailtest.Start(); err != nil {
		return nil, err
	}
	if e.server, err = startServer(binPath, dataDir, "--smtp-url", "smtp://"+e.sink.Addr+"?from=dijalog%20%3Cnoreply%40dijalog.test%3E"); err != nil {
		e.sink.Stop()
		return nil, err
	}
	e.baseURL = "http://" + e.server.addr
	if err := e.startBrowser(chromium); err != nil {
		e.server.stop()
		return nil, err
	}
	return e, nil
}

func (e *env) close() error {
	var errs []error
	if e.browser != nil {
		if err := chromedp.Cancel(e.browser); err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("close chromium: %w", err))
		}
		e.stopBr()
	}
	if err := e.server.stop(); err != nil {
		errs = append(errs, fmt.Errorf("%w\nserver log:\n%s", err, e.server.log.String()))
	}
	if e.sink != nil {
		e.sink.Stop()
	}
	return errors.Join(errs...)
}

// ---- the server ----

type server struct {
	addr string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan error
}

// freeAddr asks the kernel for a free port on the loopback interface.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// cleanEnv is the environment without DIJALOG_* settings, so a developer's
// own configuration (a postgres:// DIJALOG_DB) cannot leak into the test.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DIJALOG_") {
			out = append(out, kv)
		}
	}
	return out
}

// startServer runs `dijalog serve --demo` with a fresh data directory and
// waits until /readyz answers 200.
// extra are more flags for serve (e.g. --smtp-url).
func startServer(bin, dataDir string, extra ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &server{addr: addr, log: &syncBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, append([]string{"serve", "--demo", "--addr", addr, "--data", dataDir}, extra...)...)
	s.cmd.Env = append(cleanEnv(), "DIJALOG_LOG_FORMAT=json", "DIJALOG_SHUTDOWN_GRACE=5s",
		// Every test signs in from 127.0.0.1: the per-address limit of a
		// real office would stop the suite, not protect anything.
		"DIJALOG_LOGIN_LIMIT=100000")
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { s.done <- s.cmd.Wait() }()

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case err := <-s.done:
			s.done <- err
			return nil, fmt.Errorf("dijalog serve exited before it was ready (%v); its log:\n%s", err, s.log.String())
		default:
		}
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("dijalog serve: /readyz not 200 within %s (last: %v); its log:\n%s", readyTimeout, statusOrErr(resp, err), s.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func statusOrErr(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// stop sends SIGTERM and waits; a server that does not stop within 15 s is
// killed. A non-zero exit after SIGTERM is an error.
func (s *server) stop() error {
	if s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			return fmt.Errorf("dijalog serve did not exit cleanly after SIGTERM: %w", err)
		}
		return nil
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("dijalog serve did not stop within 15 s of SIGTERM; killed")
	}
}

// syncBuffer is a bytes.Buffer that the server's output goroutines and the
// tests can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Since returns what was written after the first n bytes.
func (b *syncBuffer) Since(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if n > len(s) {
		return ""
	}
	return s[n:]
}

// serverErrors returns the log lines of level ERROR in log.
func serverErrors(log string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var rec struct {
			Level string `json:"level"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Level == "ERROR" {
			out = append(out, sc.Text())
		}
	}
	return out
}

// ---- the browser ----

func (e *env) startBrowser(chromium string) error {
	userData := filepath.Join(workDir, "chromium-profile")
	if err := os.MkdirAll(userData, 0o700); err != nil {
		return err
	}
	out := &syncBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(userData),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(viewportWidth, viewportHeight),
		chromedp.CombinedOutput(out),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	start := make(chan error, 1)
	go func() { start <- chromedp.Do(ctx) }() // starts the browser, with no timeout
	select {
	case err := <-start:
		if err != nil {
			cancel()
			cancelAlloc()
			return fmt.Errorf("start chromium %s: %w\n%s", chromium, err, out.String())
		}
	case <-time.After(30 * time.Second):
		cancel()
		cancelAlloc()
		return fmt.Errorf("chromium %s did not start within 30 s\n%s", chromium, out.String())
	}
	e.browser = ctx
	e.stopBr = func() { cancel(); cancelAlloc() }
	return nil
}

// ---- one tab per test ----

// tab is a browser tab with its own cookies (a fresh browser context), bound
// to one test. Its helpers fail the test on errors.
type tab struct {
	t     *testing.T
	env   *env
	ctx   context.Context
	pages int // pages checked so far in this test
}

// newTab opens a tab for the test. When the test ends, the tab is closed,
// the server's log of the test is searched for errors, and the log is
// printed if the test failed. The tests share one server and run one after
// the other (no t.Parallel), so the log written during a test is its own.
func newTab(t *testing.T) *tab {
	t.Helper()
	e := setup(t)
	mark := e.server.log.Len()
	tctx, cancelT := context.WithTimeout(e.browser, testTimeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		cancelT()
		log := e.server.log.Since(mark)
		for _, line := range serverErrors(log) {
			t.Errorf("server logged an error: %s", line)
		}
		if t.Failed() {
			t.Logf("server log during %s:\n%s", t.Name(), log)
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &tab{t: t, env: e, ctx: ctx}
}

// url makes an absolute URL of a path on the server.
func (p *tab) url(path string) string { return p.env.baseURL + path }

// msg is the catalogue text of key in lang (the test fails if there is none).
func (p *tab) msg(lang, key string) string {
	p.t.Helper()
	return p.env.msg(p.t, lang, key)
}

// open navigates to path, checks the page and returns the response of the
// document.
func (p *tab) open(path string) *network.Response {
	p.t.Helper()
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(p.url(path)))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	if resp == nil {
		p.t.Fatalf("open %s: no response", path)
	}
	p.check()
	return resp
}

// clickNav clicks the element and waits for the page it loads; the new page
// is checked.
func (p *tab) clickNav(sel string) *network.Response {
	p.t.Helper()
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
	if resp == nil {
		p.t.Fatalf("click %s: no response", sel)
	}
	p.check()
	return resp
}

// click clicks the element (no navigation expected).
func (p *tab) click(sel string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
}

// fill types v into the (empty) field. ASCII text is typed key by key;
// text with other letters is inserted as a keyboard of that language (an
// IME) would, because chromedp's key table sends some letters, such as ć
// (U+0107), as other keys.
func (p *tab) fill(sel, v string) {
	p.t.Helper()
	var err error
	if isASCII(v) {
		err = chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS(sel), v))
	} else {
		err = chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS(sel)), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: v})
			return err
		}))
	}
	if err != nil {
		p.t.Fatalf("type into %s: %v", sel, err)
	}
	if got := p.value(sel); got != v {
		p.t.Fatalf("typed %q into %s, but it holds %q", v, sel, got)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// text is the rendered text of the first element that matches sel.
func (p *tab) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// value is the value of the form field.
func (p *tab) value(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

// count is the number of elements that match sel, now (no wait).
func (p *tab) count(sel string) int {
	p.t.Helper()
	return evalJS[int](p, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// location is the URL of the page, without the scheme and host.
func (p *tab) location() string {
	p.t.Helper()
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, p.env.baseURL)
}

// body is the visible text of the page.
func (p *tab) body() string {
	p.t.Helper()
	return evalJS[string](p, `document.body.innerText`)
}

// evalJS evaluates a JavaScript expression in the page.
func evalJS[T any](p *tab, js string, opts ...chromedp.EvaluateOption) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		p.t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ---- checks on every page ----

// check runs axe-core on the page that is loaded, in the light colour
// scheme (all WCAG 2.1 A/AA and best-practice rules) and in the dark one
// (colour contrast), and takes screenshots when asked to.
func (p *tab) check() {
	p.t.Helper()
	loc := p.location()
	checked.add(loc)
	p.pages++
	p.axe(loc, "", axeRunAll)
	p.setColorScheme("dark")
	p.axe(loc, " (dark colour scheme)", axeRunContrast)
	p.setColorScheme("")
	p.screenshots(loc)
}

const (
	axeRunAll      = `{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']}`
	axeRunContrast = `{runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations']}`
)

// axeViolation is one failed rule with its first few elements.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Count  int    `json:"count"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s (%d element(s)) %s", v.ID, v.Impact, v.Help, v.Count, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n      %s\n        %s", n.Target, n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n        %s", strings.ReplaceAll(n.Summary, "\n", "\n        "))
		}
	}
	return b.String()
}

// axe injects axe-core through the DevTools protocol (so the page's CSP does
// not apply) and runs it; serious and critical violations fail the test,
// the others are logged.
func (p *tab) axe(loc, label, options string) {
	p.t.Helper()
	for _, v := range p.axeViolations(loc, options) {
		switch v.Impact {
		case "serious", "critical":
			p.t.Errorf("axe: %s%s:\n    %s", loc, label, v)
		default:
			p.t.Logf("axe (not failing, impact %q): %s%s:\n    %s", v.Impact, loc, label, v)
		}
	}
}

// axeViolations runs axe-core on the page with the options (a JavaScript
// object) and returns the violations.
func (p *tab) axeViolations(loc, options string) []axeViolation {
	p.t.Helper()
	if !evalJS[bool](p, `typeof window.axe === 'object' && typeof window.axe.run === 'function'`) {
		if err := chromedp.Do(p.ctx, chromedp.Evaluate[chromedp.Void](p.env.axe)); err != nil {
			p.t.Fatalf("inject axe-core into %s: %v", loc, err)
		}
	}
	js := `axe.run(document, ` + options + `).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
		nodes: v.nodes.slice(0, 4).map(n => ({
			target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)).join(', '),
			html: n.html.length > 300 ? n.html.slice(0, 300) + '…' : n.html,
			summary: n.failureSummary || '',
		})),
	})))`
	return evalJS[[]axeViolation](p, js, chromedp.EvalAwaitPromise)
}

// setColorScheme emulates prefers-color-scheme ("" resets it).
func (p *tab) setColorScheme(scheme string) {
	p.t.Helper()
	params := emulation.SetEmulatedMediaParams{}
	if scheme != "" {
		params.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	} else {
		params.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: ""}}
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, params); err != nil {
		p.t.Fatalf("emulate prefers-color-scheme %q: %v", scheme, err)
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshots saves full-page PNGs of the page at 390 px and 1280 px when
// DIJALOG_SCREENSHOTS names a directory.
func (p *tab) screenshots(loc string) {
	p.t.Helper()
	dir := os.Getenv("DIJALOG_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatalf("screenshots: %v", err)
	}
	path, _, _ := strings.Cut(loc, "?")
	base := fmt.Sprintf("%s-%02d%s", unsafeName.ReplaceAllString(p.t.Name(), "_"), p.pages, unsafeName.ReplaceAllString(path, "_"))
	for _, w := range []int64{390, viewportWidth} {
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, viewportHeight)); err != nil {
			p.t.Fatalf("screenshot viewport %d: %v", w, err)
		}
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			p.t.Fatalf("screenshot of %s at %d px: %v", loc, w, err)
		}
		name := filepath.Join(dir, fmt.Sprintf("%s-%d.png", base, w))
		if err := os.WriteFile(name, png, 0o644); err != nil {
			p.t.Fatalf("screenshot: %v", err)
		}
	}
	if err := chromedp.Do(p.ctx, chromedp.ResetViewport()); err != nil {
		p.t.Fatalf("reset viewport: %v", err)
	}
}

// checkedPages records every URL that axe-core checked.
type checkedPages struct {
	mu   sync.Mutex
	urls []string
}

func (c *checkedPages) add(u string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.urls = append(c.urls, u)
}

func (c *checkedPages) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.urls)
}

func (c *checkedPages) summary() (pages, distinct int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := slices.Clone(c.urls)
	slices.Sort(u)
	return len(c.urls), len(slices.Compact(u))
}

// ---- message catalogues ----

// loadMessages reads internal/i18n/locales/*.LANG.json, so the tests look for
// the same localised texts that the pages show.
func loadMessages(dir string) (map[string]map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no message catalogues in %s (%v)", dir, err)
	}
	out := map[string]map[string]string{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		_, lang, ok := strings.Cut(name, ".")
		if !ok {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if out[lang] == nil {
			out[lang] = map[string]string{}
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[lang][k] = s
			}
		}
	}
	return out, nil
}

func (e *env) msg(t *testing.T, lang, key string) string {
	t.Helper()
	s, ok := e.msgs[lang][key]
	if !ok || s == "" {
		t.Fatalf("catalogue %s has no message %q", lang, key)
	}
	return s
}

// ---- a plain HTTP client with its own cookies ----

var csrfField = regexp.MustCompile(`name="csrf_token"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrf_token"`)

// httpLogin signs in with Go's HTTP client (GET the form for its CSRF token,
// POST it) and returns the client with the session cookie.
func (e *env) httpLogin(t *testing.T, lang, email, password string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(e.baseURL + "/" + lang + "/login")
	if err != nil {
		t.Fatalf("GET login: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("GET /%s/login: no csrf_token field in the form", lang)
	}
	tok := string(m[1]) + string(m[2])
	form := url.Values{"csrf_token": {tok}, "next": {""}, "email": {email}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, e.baseURL+"/"+lang+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = c.Do(req)
	if err != nil {
		t.Fatalf("POST login: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /%s/login as %s: status %s, want 303 See Other", lang, email, resp.Status)
	}
	c.CheckRedirect = nil
	return c
}

// confirmLink waits for the confirmation mail to addr that the server of
// p's tab sent through the shared sink, and returns its link's path.
func (e *env) confirmLink(t *testing.T, addr string) string {
	t.Helper()
	re := regexp.MustCompile(`https?://[^/\s]+(/[a-zA-Z-]+/confirm\?token=\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, r := range slices.Backward(e.sink.Messages()) {
			if slices.ContainsFunc(r.To, func(to string) bool { return strings.EqualFold(to, addr) }) {
				if m := re.FindStringSubmatch(r.Text); m != nil {
					return m[1]
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no confirmation mail to %s within 30 s", addr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
