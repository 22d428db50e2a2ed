package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/mail/mailtest"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func startSink(t *testing.T) *mailtest.Sink {
	t.Helper()
	s, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func sender(t *testing.T, s *mailtest.Sink) *mail.SMTPSender {
	t.Helper()
	snd, err := mail.NewSMTPSender(mail.SMTPConfig{Host: s.Host(), Port: s.Port(), From: "dijalog <noreply@dijalog.test>", Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want mail.SMTPConfig
		bad  bool
	}{
		{in: "smtp://user:p%40ss@mail.example.org:2525?from=news@example.org", want: mail.SMTPConfig{Host: "mail.example.org", Port: 2525, Username: "user", Password: "p@ss", From: "news@example.org", Timeout: 15 * time.Second}},
		{in: "smtp://mail.example.org", want: mail.SMTPConfig{Host: "mail.example.org", Port: 587, From: "noreply@mail.example.org", Timeout: 15 * time.Second}},
		{in: "smtps://u:p@mail.example.org?tls=required&timeout=5s", want: mail.SMTPConfig{Host: "mail.example.org", Port: 465, SSL: true, Username: "u", Password: "p", From: "noreply@mail.example.org", Timeout: 5 * time.Second, RequireTLS: true}},
		{in: "http://mail.example.org", bad: true},
		{in: "smtp://:25", bad: true},
		{in: "smtp://h:99999", bad: true},
		{in: "smtp://h?timeout=soon", bad: true},
	} {
		got, err := mail.ParseURL(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("ParseURL(%q) error = %v, want bad=%v", tc.in, err, tc.bad)
			continue
		}
		if !tc.bad {
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(mail.SMTPConfig{})); d != "" {
				t.Errorf("ParseURL(%q) (-want +got):\n%s", tc.in, d)
			}
		}
	}
}

// TestSMTPSenderSTARTTLSAuthMultipart exchanges one message with a real
// SMTP server process that offers STARTTLS and requires AUTH PLAIN.
func TestSMTPSenderSTARTTLSAuthMultipart(t *testing.T) {
	t.Parallel()
	srvTLS, cliTLS, err := mailtest.SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	s := startSink(t)
	s.TLS, s.Username, s.Password = srvTLS, "mailer", "s3cret"
	snd, err := mail.NewSMTPSender(mail.SMTPConfig{Host: s.Host(), Port: s.Port(), Username: "mailer", Password: "s3cret", From: "noreply@dijalog.test", TLS: cliTLS, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	m := mail.Message{To: "ana@example.org", Subject: "Novosti: Žepče i Мостар", Text: "Zdravo, Ана!\nhttps://dijalog.test/x",
		HTML: "<p>Zdravo, <b>Ана</b>!</p>", ID: "k1@dijalog.test",
		Headers: map[string]string{"List-Unsubscribe": "<https://dijalog.test/u/tok>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
	if err := snd.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := s.WaitFor(1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	r := got[0]
	if !r.TLS || r.User != "mailer" {
		t.Errorf("TLS=%v user=%q: want STARTTLS and AUTH", r.TLS, r.User)
	}
	if d := cmp.Diff([]string{"ana@example.org"}, r.To); d != "" {
		t.Errorf("rcpt (-want +got):\n%s", d)
	}
	if r.Subject != m.Subject || r.MessageID != "k1@dijalog.test" {
		t.Errorf("subject %q id %q", r.Subject, r.MessageID)
	}
	if !strings.Contains(r.Text, "Zdravo, Ана!") || !strings.Contains(r.HTML, "<b>Ана</b>") {
		t.Errorf("bodies: text %q html %q", r.Text, r.HTML)
	}
	if r.Header.Get("List-Unsubscribe") != "<https://dijalog.test/u/tok>" || r.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("list headers: %v", r.Header)
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("content type %q, want multipart/alternative", r.Header.Get("Content-Type"))
	}
}

// TestSMTPSenderWrongPassword: the server refuses the login; Send fails.
func TestSMTPSenderWrongPassword(t *testing.T) {
	t.Parallel()
	s := startSink(t)
	s.Username, s.Password = "mailer", "right"
	snd, _ := mail.NewSMTPSender(mail.SMTPConfig{Host: s.Host(), Port: s.Port(), Username: "mailer", Password: "wrong", Timeout: 3 * time.Second})
	if err := snd.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "x", Text: "y"}); err == nil {
		t.Fatal("Send with a wrong password succeeded")
	}
	if s.Count() != 0 {
		t.Fatal("a message got through without authentication")
	}
}

func enqueue(t *testing.T, d *db.DB, o *mail.Outbox, prefix string, n int) {
	t.Helper()
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		for i := range n {
			if err := o.Enqueue(context.Background(), tx, fmt.Sprintf("%s:%d", prefix, i), mail.Message{To: fmt.Sprintf("r%d@d%d.example.org", i, i%3), Subject: fmt.Sprint("m", i), Text: "body"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func drain(t *testing.T, o *mail.Outbox, prefix string, want int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := o.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		st, err := o.Stats(context.Background(), prefix)
		if err != nil {
			t.Fatal(err)
		}
		if st.Sent == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	st, _ := o.Stats(context.Background(), prefix)
	t.Fatalf("outbox never drained: %+v, want %d sent", st, want)
}

// perRecipient counts raw deliveries and distinct Message-IDs per recipient.
func perRecipient(msgs []mailtest.Received) (raw map[string]int, ids map[string]map[string]bool) {
	raw, ids = map[string]int{}, map[string]map[string]bool{}
	for _, m := range msgs {
		for _, to := range m.To {
			raw[to]++
			if ids[to] == nil {
				ids[to] = map[string]bool{}
			}
			ids[to][m.MessageID] = true
		}
	}
	return raw, ids
}

// TestOutboxServerDown: mail enqueued while the server is down waits in the
// outbox with backoff and goes out, once each, when it is back.
func TestOutboxServerDown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := startSink(t)
		s.Stop()
		o := mail.NewOutbox(d, sender(t, s), quiet, mail.OutboxOptions{BaseBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, PerDomain: -1})
		const n = 30
		enqueue(t, d, o, "down", n)
		for range 3 {
			if _, err := o.DeliverDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		st, _ := o.Stats(context.Background(), "down")
		if st.Pending != n || st.Sent != 0 {
			t.Fatalf("with the server down: %+v, want %d pending", st, n)
		}
		if err := s.Restart(); err != nil {
			t.Fatal(err)
		}
		drain(t, o, "down", n)
		raw, _ := perRecipient(s.Messages())
		if len(raw) != n {
			t.Errorf("%d recipients got mail, want %d (lost mail)", len(raw), n)
		}
		for to, c := range raw {
			if c != 1 {
				t.Errorf("%s got %d copies", to, c)
			}
		}
	})
}

// TestOutboxPermanentFailure: a 550 reply makes the mail dead at once.
func TestOutboxPermanentFailure(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	s := startSink(t)
	s.RejectRcpt = func(a string) string {
		if strings.HasPrefix(a, "r1@") {
			return "550 5.1.1 no such user"
		}
		return ""
	}
	o := mail.NewOutbox(d, sender(t, s), quiet, mail.OutboxOptions{BaseBackoff: time.Millisecond, PerDomain: -1})
	enqueue(t, d, o, "perm", 3)
	if _, err := o.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	st, _ := o.Stats(context.Background(), "perm")
	if d := cmp.Diff(mail.Stats{Sent: 2, Dead: 1}, st); d != "" {
		t.Errorf("stats (-want +got):\n%s", d)
	}
}

// TestOutboxTemplate: one stored body, per-recipient variables, escaped in HTML.
func TestOutboxTemplate(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	s := startSink(t)
	o := mail.NewOutbox(d, sender(t, s), quiet, mail.OutboxOptions{PerDomain: -1})
	ctx := context.Background()
	id, err := o.SaveTemplate(ctx, d, "issue:1", "Bilten", "Odjava: %%unsub%%", "<a href=\"%%unsub%%\">odjava</a>")
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"https://x.test/u?a=1&b=2", "https://x.test/u?t=<x>"} {
		if err := o.EnqueueTemplate(ctx, d, fmt.Sprint("tpl:", i), id, fmt.Sprintf("p%d@example.org", i), map[string]string{"unsub": u}, map[string]string{"List-Unsubscribe": "<%%unsub%%>"}); err != nil {
			t.Fatal(err)
		}
	}
	drain(t, o, "tpl:", 2)
	msgs := s.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	for _, m := range msgs {
		if m.To[0] == "p0@example.org" {
			if !strings.Contains(m.Text, "https://x.test/u?a=1&b=2") || !strings.Contains(m.HTML, `href="https://x.test/u?a=1&amp;b=2"`) {
				t.Errorf("p0: text %q html %q", m.Text, m.HTML)
			}
			if m.Header.Get("List-Unsubscribe") != "<https://x.test/u?a=1&b=2>" {
				t.Errorf("p0 List-Unsubscribe %q", m.Header.Get("List-Unsubscribe"))
			}
		} else if !strings.Contains(m.HTML, "&lt;x&gt;") {
			t.Errorf("p1: variable not escaped in HTML: %q", m.HTML)
		}
	}
	// Enqueueing the same key again is a no-op.
	if err := o.EnqueueTemplate(ctx, d, "tpl:0", id, "p0@example.org", nil, nil); err != nil {
		t.Fatal(err)
	}
	st, _ := o.Stats(ctx, "tpl:")
	if st.Pending != 0 || st.Sent != 2 {
		t.Errorf("after re-enqueue: %+v", st)
	}
}

// crasher delivers through a real SMTP sender and kills the worker
// goroutine (runtime.Goexit: no code of the worker after the crash point
// runs, the connection is dropped) at the hand-off of message at: before
// the outbox recorded it, or after it was recorded but before the line
// that ends the message's data was written.
type crasher struct {
	real      *mail.SMTPSender
	at        int
	afterMark bool
}

func (c *crasher) Send(ctx context.Context, m mail.Message) error { return c.real.Send(ctx, m) }

func (c *crasher) SendEach(ctx context.Context, ms []mail.Message, done func(int, error)) {
	c.real.SendEach(ctx, ms, done)
}

func (c *crasher) SendHandoff(ctx context.Context, ms []mail.Message, handoff func(int) error, done func(int, error)) {
	c.real.SendHandoff(ctx, ms, func(i int) error {
		if i == c.at && !c.afterMark {
			runtime.Goexit()
		}
		err := handoff(i)
		if i == c.at && c.afterMark {
			runtime.Goexit()
		}
		return err
	}, done)
}

// TestOutboxCrashDuringSend simulates a crash of the sending process in the
// middle of a batch (in process: the worker goroutine dies at the crash
// point), then a restarted worker finishes once the lease has expired. It
// counts every delivery per recipient at the SMTP server. A crash before
// the hand-off repeats nothing and loses nothing; a crash in the window
// between recording the hand-off and writing the end of the data loses
// that one message (the window is a few microseconds in a real process;
// the kill -9 of the real binary is TestNewsletterKill9 in e2e). No crash
// point sends anything twice.
func TestOutboxCrashDuringSend(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		afterMark bool
		wantLost  int
	}{
		{"before the hand-off", false, 0},
		{"after the hand-off before the end of data", true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.SQLite(t)
			s := startSink(t)
			const n = 40
			opt := mail.OutboxOptions{Batch: 25, Lease: time.Second, BaseBackoff: time.Millisecond, PerDomain: -1}
			first := mail.NewOutbox(d, &crasher{real: sender(t, s), at: 7, afterMark: tc.afterMark}, quiet, opt)
			enqueue(t, d, first, "crash", n)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); _, _ = first.DeliverDue(context.Background()) }()
			wg.Wait()
			// The restarted process: a new outbox on the same database.
			time.Sleep(1100 * time.Millisecond) // the dead worker's lease expires
			second := mail.NewOutbox(d, sender(t, s), quiet, opt)
			drain(t, second, "crash", n)
			raw, ids := perRecipient(s.Messages())
			if lost := n - len(raw); lost != tc.wantLost {
				t.Errorf("%d of %d recipients got mail: %d lost, want %d", len(raw), n, lost, tc.wantLost)
			}
			dups := 0
			for to, c := range raw {
				dups += c - 1
				if len(ids[to]) != 1 {
					t.Errorf("%s got %d different Message-IDs", to, len(ids[to]))
				}
			}
			if dups != 0 {
				t.Errorf("%d duplicate deliveries, want 0", dups)
			}
			t.Logf("crash %s: %d recipients, %d lost, %d duplicates", tc.name, n, n-len(raw), dups)
		})
	}
}

// TestOutboxPerDomainRate: 10 messages to one domain at 20/s take ≥ 0.4 s.
func TestOutboxPerDomainRate(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	s := startSink(t)
	o := mail.NewOutbox(d, sender(t, s), quiet, mail.OutboxOptions{PerDomain: 20})
	ctx := context.Background()
	for i := range 30 {
		if err := o.Enqueue(ctx, d, fmt.Sprint("rate:", i), mail.Message{To: fmt.Sprintf("x%d@one.example.org", i), Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	drain(t, o, "rate:", 30)
	if el := time.Since(start); el < 400*time.Millisecond {
		t.Errorf("30 messages to one domain at 20/s took %v", el)
	}
}

// TestOutboxWorkerRun: the background worker delivers what a transaction enqueued.
func TestOutboxWorkerRun(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	rec := &mail.Recorder{}
	o := mail.NewOutbox(d, rec, quiet, mail.OutboxOptions{Poll: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { o.Run(ctx); close(done) }()
	if err := o.Send(ctx, mail.Message{To: "a@example.org", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(rec.Sent()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if got := rec.Sent(); len(got) != 1 || got[0].To != "a@example.org" || got[0].ID == "" {
		t.Fatalf("worker delivered %+v", got)
	}
}
