// Package killtest proves that a newsletter survives kill -9: it runs the
// real dijalog binary against a real SMTP server (mailtest, in the calling
// process, on a free loopback port), starts a newsletter to N confirmed
// subscribers through the editor's pages, kills the server with SIGKILL in
// the middle of the sending, starts it again on the same data directory and
// counts, at the SMTP server, how many copies every subscriber received.
// The e2e test runs it with a small N; bench/news with a large one.
package killtest

import (
	"context"
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
	"strings"
	"syscall"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/mail/mailtest"
)

// Options of a run.
type Options struct {
	Bin         string    // the dijalog binary
	Data        string    // an empty data directory
	Subscribers int       // confirmed subscribers of the newsletter
	Domains     int       // their addresses spread over this many domains (the outbox paces 10 msg/s per domain)
	Kills       int       // how many times the server is killed during the sending (≥ 1)
	Log         io.Writer // the server's output (nil: discarded)
	Timeout     time.Duration
	Admin       string // the demo administrator and password
	Password    string
}

// Result is what the SMTP server counted.
type Result struct {
	Subscribers int
	Delivered   int     // subscribers that received at least one copy
	Lost        int     // subscribers that received none
	Duplicates  int     // copies beyond the first, over all subscribers
	Strangers   int     // messages to addresses that are not subscribers
	KilledAt    []int64 // messages the server had accepted at each kill
	Elapsed     time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%d subscribers, %d kills (at %v accepted), %d delivered, %d lost, %d duplicates, %d to strangers, %.1f s",
		r.Subscribers, len(r.KilledAt), r.KilledAt, r.Delivered, r.Lost, r.Duplicates, r.Strangers, r.Elapsed.Seconds())
}

type server struct {
	cmd  *exec.Cmd
	done chan error
	base string
}

// Run does one kill -9 run.
func Run(ctx context.Context, o Options) (res Result, err error) {
	o = o.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	began := time.Now()
	sink, err := mailtest.Start()
	if err != nil {
		return res, err
	}
	defer sink.Stop()
	sink.CountOnly()
	smtpURL := fmt.Sprintf("smtp://%s?from=%s&timeout=5s", sink.Addr, url.QueryEscape("dijalog <newsletter@dijalog.test>"))

	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	srv, err := start(ctx, o, addr, smtpURL)
	if err != nil {
		return res, err
	}
	defer func() {
		if srv != nil {
			_ = srv.cmd.Process.Kill()
			<-srv.done
		}
	}()

	emails, err := subscribe(ctx, filepath.Join(o.Data, "dijalog.db"), o.Subscribers, o.Domains)
	if err != nil {
		return res, err
	}
	if err := startNewsletter(srv.base, o.Admin, o.Password); err != nil {
		return res, err
	}
	for k := 1; k <= o.Kills; k++ {
		if srv, err = killAndRestart(ctx, o, srv, sink, k, addr, smtpURL, &res); err != nil {
			return res, err
		}
	}
	// Wait until every subscriber has mail and the outbox is empty.
	if err := waitDone(ctx, filepath.Join(o.Data, "dijalog.db"), sink, o.Subscribers); err != nil {
		return res, err
	}
	stop(srv)
	srv = nil
	res.tally(emails, sink.PerRecipient())
	res.Subscribers = o.Subscribers
	res.Elapsed = time.Since(began)
	return res, nil
}

func (o Options) withDefaults() Options {
	if o.Kills < 1 {
		o.Kills = 1
	}
	if o.Domains < 1 {
		o.Domains = 1
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o
}

// killAndRestart waits until the server has delivered k/(kills+1) of the
// list, kills it with SIGKILL and starts it again on the same address.
func killAndRestart(ctx context.Context, o Options, srv *server, sink *mailtest.Sink, k int, addr, smtpURL string, res *Result) (*server, error) {
	at := int64(o.Subscribers) * int64(k) / int64(o.Kills+1)
	for sink.Count() < at {
		if err := ctx.Err(); err != nil {
			return srv, fmt.Errorf("killtest: only %d of %d messages before kill %d: %w", sink.Count(), o.Subscribers, k, err)
		}
		select {
		case err := <-srv.done:
			return nil, fmt.Errorf("killtest: the server exited on its own: %v", err)
		default:
		}
		time.Sleep(time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return srv, err
	}
	<-srv.done
	res.KilledAt = append(res.KilledAt, sink.Count())
	fmt.Fprintf(o.Log, "killtest: kill -9 #%d with %d messages accepted\n", k, sink.Count())
	return start(ctx, o, addr, smtpURL)
}

// stop ends the server with SIGTERM, or SIGKILL after 15 s.
func stop(srv *server) {
	_ = srv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-srv.done:
	case <-time.After(15 * time.Second):
		_ = srv.cmd.Process.Kill()
		<-srv.done
	}
}

// tally counts what each subscriber received: nothing (lost), once, or
// more (duplicates), and mail to anyone else (strangers).
func (res *Result) tally(emails []string, per map[string]int) {
	subs := make(map[string]bool, len(emails))
	for _, e := range emails {
		subs[e] = true
		switch c := per[e]; {
		case c == 0:
			res.Lost++
		default:
			res.Delivered++
			res.Duplicates += c - 1
		}
	}
	for to, c := range per {
		if !subs[to] {
			res.Strangers += c
		}
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// start runs `dijalog serve --demo` with the SMTP server and waits for /readyz.
func start(ctx context.Context, o Options, addr, smtpURL string) (*server, error) {
	s := &server{done: make(chan error, 1), base: "http://" + addr}
	s.cmd = exec.Command(o.Bin, "serve", "--demo", "--addr", addr, "--data", o.Data, "--smtp-url", smtpURL)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DIJALOG_") {
			env = append(env, kv)
		}
	}
	s.cmd.Env = append(env, "DIJALOG_LOG_FORMAT=json", "DIJALOG_LOGIN_LIMIT=100000")
	s.cmd.Stdout, s.cmd.Stderr = o.Log, o.Log
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("killtest: start %s: %w", o.Bin, err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("killtest: dijalog serve exited before it was ready: %v", err)
		default:
		}
		if resp, err := c.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if ctx.Err() != nil {
			_ = s.cmd.Process.Kill()
			<-s.done
			return nil, fmt.Errorf("killtest: /readyz: %w", ctx.Err())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// subscribe stores n confirmed Bosnian subscribers straight in the
// database (the double opt-in has its own tests) and returns their addresses.
func subscribe(ctx context.Context, path string, n, domains int) ([]string, error) {
	d, err := db.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	emails := make([]string, n)
	now := db.Now()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for i := range n {
			emails[i] = fmt.Sprintf("citalac%d@d%d.example.org", i, i%domains)
			if _, err := tx.ExecContext(ctx, `INSERT INTO news_subscribers (public_id, email, lang, status, unsub_token, confirmed_at, created_at, updated_at) VALUES (?, ?, 'bs', 'confirmed', ?, ?, ?, ?)`,
				fmt.Sprintf("kt%08d", i), emails[i], fmt.Sprintf("kt-unsub-%08d", i), now, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	return emails, err
}

var csrfField = regexp.MustCompile(`name="csrf_token"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrf_token"`)

type browser struct {
	c    *http.Client
	base string
}

var articleBox = regexp.MustCompile(`name="article" value="([^"]+)"`)

// page gets a form page and returns its CSRF token and the page.
func (b *browser) page(path string) (string, []byte, error) {
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		return "", nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("killtest: GET %s: %s", path, resp.Status)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return "", nil, fmt.Errorf("killtest: GET %s: no csrf_token", path)
	}
	return string(m[1]) + string(m[2]), body, nil
}

func (b *browser) token(path string) (string, error) {
	tok, _, err := b.page(path)
	return tok, err
}

// post submits a form and returns the Location of the 303 it wants.
func (b *browser) post(path string, form url.Values) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.c.Do(req)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("killtest: POST %s: %s\n%.500s", path, resp.Status, body)
	}
	return resp.Header.Get("Location"), nil
}

// startNewsletter signs in as the editor, composes an issue and sends it.
func startNewsletter(base, email, password string) error {
	jar, _ := cookiejar.New(nil)
	b := &browser{base: base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	tok, err := b.token("/bs/login")
	if err != nil {
		return err
	}
	if _, err := b.post("/bs/login", url.Values{"csrf_token": {tok}, "email": {email}, "password": {password}}); err != nil {
		return err
	}
	tok, page, err := b.page("/bs/admin/newsletter")
	if err != nil {
		return err
	}
	form := url.Values{"csrf_token": {tok}, "lang": {"bs"},
		"subject": {"Bilten: kill -9 usred slanja"}, "intro": {"Svaki čitalac mora dobiti tačno jedan primjerak."}}
	for _, m := range articleBox.FindAllSubmatch(page, 3) {
		form.Add("article", string(m[1]))
	}
	loc, err := b.post("/bs/admin/newsletter", form)
	if err != nil {
		return err
	}
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(u.Path, "/bs/admin/newsletter/") {
		return fmt.Errorf("killtest: after composing: Location %q", loc)
	}
	if tok, err = b.token(u.Path); err != nil {
		return err
	}
	if _, err := b.post(u.Path+"/send", url.Values{"csrf_token": {tok}}); err != nil {
		return err
	}
	return nil
}

// waitDone waits until the newsletter is fully queued and the outbox has
// no pending newsletter mail, then a second longer for the last messages
// to arrive and for stray copies; the caller counts what arrived.
func waitDone(ctx context.Context, path string, sink *mailtest.Sink, n int) error {
	d, err := db.Open(context.Background(), path)
	if err != nil {
		return err
	}
	defer d.Close()
	var pending, queued int
	var status string
	for {
		qctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := d.QueryRowContext(qctx, `SELECT (SELECT COUNT(*) FROM mail_outbox WHERE msg_key LIKE 'issue:%' AND status = 'pending'),
 (SELECT COUNT(*) FROM mail_outbox WHERE msg_key LIKE 'issue:%'), COALESCE((SELECT status FROM news_issues ORDER BY id DESC LIMIT 1), '')`).Scan(&pending, &queued, &status)
		cancel()
		if err != nil {
			return fmt.Errorf("killtest: outbox: %w", err)
		}
		if status == "sent" && queued == n && pending == 0 {
			time.Sleep(time.Second)
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("killtest: not done (issue %q, %d queued, %d pending, %d recipients reached of %d): %w", status, queued, pending, len(sink.PerRecipient()), n, ctx.Err())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
