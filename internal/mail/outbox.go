package mail

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Outbox is the durable queue between the platform and the mail server.
// Modules enqueue inside their own transaction, so a mail exists exactly
// when the change that caused it was committed; a worker delivers it.
//
// A row is leased (locked_until, renewed while it waits for its domain's
// rate) before it goes to the server. With a HandoffSender (the SMTP
// sender) the row is marked sent at the hand-off: the whole message is on
// the wire except the line that ends its data, which is written only after
// the UPDATE committed. A process killed before the UPDATE leaves the server
// a message without its end, which SMTP servers discard, and the row goes
// out again after its lease; a process killed after it has already recorded
// the mail, so it never goes out twice. What is left is the few
// microseconds between the commit and the write of the final line: a kill
// exactly there loses that one mail (at-most-once in that window, instead
// of the at-least-once window between the server's "250" and an UPDATE
// after it, which lasts a round trip and a commit). A server that fails
// after the hand-off (a 4xx/5xx reply, a dropped connection) puts the row
// back to pending (or dead on 5xx), so it is retried with backoff. Other
// transports are marked after they return (at-least-once). Every copy
// carries the same Message-ID, derived from the row's key.
type Outbox struct {
	db        *db.DB
	transport Sender
	log       *slog.Logger
	opt       OutboxOptions
	kick      chan struct{}
	domain    string // Message-ID domain

	mu        sync.Mutex
	templates map[int64]template
	buckets   map[string]*bucket
}

// OutboxOptions tune the worker; zero values take the defaults.
type OutboxOptions struct {
	Batch       int           // rows claimed per round (50)
	Lease       time.Duration // how long a claimed row stays reserved, renewed while it waits (15 s)
	BaseBackoff time.Duration // first retry delay, doubled each attempt (30 s)
	MaxBackoff  time.Duration // longest retry delay (1 h)
	MaxAttempts int           // attempts before a mail is given up as dead (12)
	PerDomain   float64       // messages per second to one recipient domain (10; <0 unlimited)
	Poll        time.Duration // how often an idle worker looks for due mail (2 s)
	IDDomain    string        // right-hand side of Message-IDs ("dijalog.local")
}

func (o *OutboxOptions) defaults() {
	if o.Batch <= 0 {
		o.Batch = 50
	}
	if o.Lease <= 0 {
		o.Lease = 15 * time.Second
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 30 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 12
	}
	if o.PerDomain == 0 {
		o.PerDomain = 10
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.IDDomain == "" {
		o.IDDomain = "dijalog.local"
	}
}

// NewOutbox returns an outbox on d that delivers through transport.
func NewOutbox(d *db.DB, transport Sender, log *slog.Logger, opt OutboxOptions) *Outbox {
	opt.defaults()
	return &Outbox{db: d, transport: transport, log: log, opt: opt, kick: make(chan struct{}, 1), domain: opt.IDDomain,
		templates: map[int64]template{}, buckets: map[string]*bucket{}}
}

// Transport is the sender the outbox delivers through.
func (o *Outbox) Transport() Sender { return o.transport }

// Domain of an address, lower-cased ("" when it has none).
func Domain(addr string) string {
	_, d, ok := strings.Cut(addr, "@")
	if !ok {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), ">"))
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Enqueue stores m for delivery under key, in q (the caller's transaction).
// A key that is already queued is left alone, so enqueueing is idempotent:
// a job that restarts after a crash enqueues nothing twice.
func (o *Outbox) Enqueue(ctx context.Context, q db.Querier, key string, m Message) error {
	return o.insert(ctx, q, key, m.To, m.Subject, m.Text, m.HTML, m.Headers, 0, nil)
}

// EnqueueTemplate stores a mail made from a saved template (see
// SaveTemplate) with per-recipient variables: %%name%% in the subject,
// bodies and headers is replaced by vars["name"] (HTML-escaped in HTML).
// A newsletter to 50,000 people stores its body once.
func (o *Outbox) EnqueueTemplate(ctx context.Context, q db.Querier, key string, templateID int64, to string, vars, headers map[string]string) error {
	return o.insert(ctx, q, key, to, "", "", "", headers, templateID, vars)
}

func (o *Outbox) insert(ctx context.Context, q db.Querier, key, to, subject, text, htmlBody string, headers map[string]string, tmpl int64, vars map[string]string) error {
	if key == "" {
		key = randomKey()
	}
	to = strings.TrimSpace(to)
	if to == "" || Domain(to) == "" {
		return fmt.Errorf("mail.Outbox.Enqueue(%q): %w: no recipient domain", key, &PermanentError{Err: errors.New("bad address")})
	}
	h, _ := json.Marshal(headers)
	v, _ := json.Marshal(vars)
	var tid any
	if tmpl != 0 {
		tid = tmpl
	}
	now := db.Now()
	_, err := q.ExecContext(ctx, `INSERT INTO mail_outbox (msg_key, to_addr, domain, subject, text_body, html_body, headers, template_id, vars, status, attempts, next_attempt_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (msg_key) DO NOTHING`,
		key, to, Domain(to), subject, text, htmlBody, string(h), tid, string(v), now, now, now)
	if err != nil {
		return fmt.Errorf("mail.Outbox.Enqueue(%q): %w", key, err)
	}
	return nil
}

// SaveTemplate stores a message body shared by many outbox rows and returns its id.
func (o *Outbox) SaveTemplate(ctx context.Context, q db.Querier, ref, subject, text, htmlBody string) (int64, error) {
	now := db.Now()
	id, err := db.InsertID(ctx, q, `INSERT INTO mail_templates (ref, subject, text_body, html_body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		ref, subject, text, htmlBody, now, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return 0, refuse.ErrConflict
		}
		return 0, fmt.Errorf("mail.Outbox.SaveTemplate(%q): %w", ref, err)
	}
	return id, nil
}

// Send enqueues m (as its own transaction) and wakes the worker; it makes
// the outbox a Sender for code that has no transaction of its own.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if err := o.Enqueue(ctx, o.db, "", m); err != nil {
		return err
	}
	o.Kick()
	return nil
}

// Kick wakes the worker (call it after committing a transaction that enqueued mail).
func (o *Outbox) Kick() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// Run delivers due mail until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	t := time.NewTicker(o.opt.Poll)
	defer t.Stop()
	for {
		for {
			n, err := o.DeliverDue(ctx)
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "database is closed") {
					return
				}
				o.log.Warn("mail outbox: delivery round failed", "err", err)
				break
			}
			if n < o.opt.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.kick:
		}
	}
}

type row struct {
	id       int64
	key      string
	to       string
	domain   string
	subject  string
	text     string
	html     string
	headers  string
	template sql.NullInt64
	vars     string
	attempts int
}

type template struct{ subject, text, html string }

// DeliverDue claims up to one batch of due mail, delivers it and records
// every result; it returns how many rows it claimed.
func (o *Outbox) DeliverDue(ctx context.Context) (int, error) {
	rows, err := o.claim(ctx)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	leased := time.Now()
	msgs := make([]Message, 0, len(rows))
	ready := make([]row, 0, len(rows))
	for i, r := range rows {
		m, err := o.message(ctx, r)
		if err != nil {
			o.fail(ctx, r, &PermanentError{Err: err})
			continue
		}
		if err := o.wait(ctx, r.domain); err != nil {
			// Shutting down: give back what has not gone out.
			for _, rest := range append(ready, rows[i:]...) {
				o.release(ctx, rest)
			}
			return len(rows), nil
		}
		if time.Since(leased) > o.opt.Lease/3 {
			// Pacing a busy domain takes a while: keep the rows reserved.
			leased = time.Now()
			o.renew(ctx, rows[i:])
		}
		msgs = append(msgs, m)
		ready = append(ready, r)
	}
	if hs, ok := o.transport.(HandoffSender); ok {
		// Recorded as sent at the hand-off, before the server can take the
		// message: a crash afterwards cannot make it go out again.
		hs.SendHandoff(ctx, msgs, func(i int) error { return o.markSent(ready[i]) }, func(i int, err error) {
			if err != nil {
				o.fail(ctx, ready[i], err)
			}
		})
		return len(rows), nil
	}
	done := func(i int, err error) {
		if err == nil {
			_ = o.markSent(ready[i])
		} else {
			o.fail(ctx, ready[i], err)
		}
	}
	if bs, ok := o.transport.(BatchSender); ok {
		bs.SendEach(ctx, msgs, done)
	} else {
		for i, m := range msgs {
			done(i, o.transport.Send(ctx, m))
		}
	}
	return len(rows), nil
}

// renew extends the lease of claimed rows that are still pending.
func (o *Outbox) renew(ctx context.Context, rows []row) {
	until := db.Time(time.Now().Add(o.opt.Lease))
	for _, r := range rows {
		_, _ = o.db.ExecContext(ctx, `UPDATE mail_outbox SET locked_until = ? WHERE id = ? AND status = 'pending'`, until, r.id)
	}
}

func (o *Outbox) claim(ctx context.Context) ([]row, error) {
	now := db.Now()
	rs, err := o.db.QueryContext(ctx, `UPDATE mail_outbox SET locked_until = ?, attempts = attempts + 1, updated_at = ?
WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?) ORDER BY id LIMIT ?`+o.db.ClaimRows()+`)
RETURNING id, msg_key, to_addr, domain, subject, text_body, html_body, headers, template_id, vars, attempts`,
		now.Add(o.opt.Lease), now, now, now, o.opt.Batch)
	if err != nil {
		return nil, fmt.Errorf("mail.Outbox.claim: %w", err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.id, &r.key, &r.to, &r.domain, &r.subject, &r.text, &r.html, &r.headers, &r.template, &r.vars, &r.attempts); err != nil {
			return nil, fmt.Errorf("mail.Outbox.claim: %w", err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("mail.Outbox.claim: %w", err)
	}
	return out, nil
}

// message builds the mail of a row, filling its template.
func (o *Outbox) message(ctx context.Context, r row) (Message, error) {
	m := Message{To: r.to, Subject: r.subject, Text: r.text, HTML: r.html, ID: r.key + "@" + o.domain}
	if strings.ContainsAny(r.key, "<> @") {
		m.ID = hex.EncodeToString([]byte(r.key)) + "@" + o.domain
	}
	if r.headers != "" && r.headers != "null" {
		if err := json.Unmarshal([]byte(r.headers), &m.Headers); err != nil {
			return m, fmt.Errorf("headers: %w", err)
		}
	}
	if !r.template.Valid {
		return m, nil
	}
	t, err := o.template(ctx, r.template.Int64)
	if err != nil {
		return m, err
	}
	var vars map[string]string
	if r.vars != "" && r.vars != "null" {
		if err := json.Unmarshal([]byte(r.vars), &vars); err != nil {
			return m, fmt.Errorf("vars: %w", err)
		}
	}
	plain := make([]string, 0, 2*len(vars))
	escaped := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		plain = append(plain, "%%"+k+"%%", v)
		escaped = append(escaped, "%%"+k+"%%", html.EscapeString(v))
	}
	pr, er := strings.NewReplacer(plain...), strings.NewReplacer(escaped...)
	m.Subject, m.Text, m.HTML = pr.Replace(t.subject), pr.Replace(t.text), er.Replace(t.html)
	for k, v := range m.Headers {
		m.Headers[k] = pr.Replace(v)
	}
	return m, nil
}

func (o *Outbox) template(ctx context.Context, id int64) (template, error) {
	o.mu.Lock()
	t, ok := o.templates[id]
	o.mu.Unlock()
	if ok {
		return t, nil
	}
	err := o.db.QueryRowContext(ctx, `SELECT subject, text_body, html_body FROM mail_templates WHERE id = ?`, id).Scan(&t.subject, &t.text, &t.html)
	if err != nil {
		return t, fmt.Errorf("mail.Outbox.template(%d): %w", id, err)
	}
	o.mu.Lock()
	o.templates[id] = t
	o.mu.Unlock()
	return t, nil
}

// markSent records a delivery; it uses a fresh context so that a shutdown
// in the middle of a delivery still records it.
func (o *Outbox) markSent(r row) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := db.Now()
	if _, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET status = 'sent', sent_at = ?, locked_until = NULL, last_error = '', updated_at = ? WHERE id = ?`, now, now, r.id); err != nil {
		o.log.Error("mail outbox: could not mark a mail as sent", "key", r.key, "err", err)
		return fmt.Errorf("mail.Outbox.markSent(%q): %w", r.key, err)
	}
	return nil
}

// Backoff is the delay before attempt n+1 after n failed attempts.
func (o *Outbox) Backoff(n int) time.Duration {
	d := o.opt.BaseBackoff
	for i := 1; i < n && d < o.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.opt.MaxBackoff)
}

func (o *Outbox) fail(_ context.Context, r row, cause error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := db.Now()
	status := "pending"
	var perm *PermanentError
	if errors.As(cause, &perm) || r.attempts >= o.opt.MaxAttempts {
		status = "dead"
	}
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	next := db.Time(time.Now().Add(o.Backoff(r.attempts)))
	if _, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET status = ?, next_attempt_at = ?, locked_until = NULL, last_error = ?, updated_at = ? WHERE id = ?`,
		status, next, msg, now, r.id); err != nil {
		o.log.Error("mail outbox: could not record a failed attempt", "key", r.key, "err", err)
		return
	}
	o.log.Warn("mail outbox: delivery failed", "key", r.key, "domain", r.domain, "attempt", r.attempts, "status", status, "err", cause)
}

// release gives a claimed row back without counting the attempt.
func (o *Outbox) release(_ context.Context, r row) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = o.db.ExecContext(ctx, `UPDATE mail_outbox SET locked_until = NULL, attempts = attempts - 1, updated_at = ? WHERE id = ? AND attempts > 0`, db.Now(), r.id)
}

// bucket is a token bucket of one recipient domain (per process: several
// instances each keep their own share).
type bucket struct {
	tokens float64
	last   time.Time
}

// wait blocks until domain may receive one more message.
func (o *Outbox) wait(ctx context.Context, domain string) error {
	rate := o.opt.PerDomain
	if rate < 0 {
		return nil
	}
	burst := max(rate, 1)
	for {
		o.mu.Lock()
		b := o.buckets[domain]
		now := time.Now()
		if b == nil {
			b = &bucket{tokens: burst, last: now}
			o.buckets[domain] = b
		}
		b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
		b.last = now
		if b.tokens >= 1 {
			b.tokens--
			o.mu.Unlock()
			return nil
		}
		need := time.Duration((1 - b.tokens) / rate * float64(time.Second))
		o.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(need):
		}
	}
}

// Stats counts the outbox's rows by status.
type Stats struct{ Pending, Sent, Dead int }

// Stats counts rows whose key starts with prefix ("" for all).
func (o *Outbox) Stats(ctx context.Context, prefix string) (Stats, error) {
	var s Stats
	rs, err := o.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM mail_outbox WHERE msg_key LIKE ? GROUP BY status`, likePrefix(prefix))
	if err != nil {
		return s, fmt.Errorf("mail.Outbox.Stats: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var st string
		var n int
		if err := rs.Scan(&st, &n); err != nil {
			return s, fmt.Errorf("mail.Outbox.Stats: %w", err)
		}
		switch st {
		case "pending":
			s.Pending = n
		case "sent":
			s.Sent = n
		case "dead":
			s.Dead = n
		}
	}
	return s, rs.Err()
}

// likePrefix matches keys starting with p (keys are ids and colons, no %).
func likePrefix(p string) string { return strings.ReplaceAll(p, "%", "") + "%" }

// Forget deletes the queued and sent mail to an address (GDPR erasure).
func (o *Outbox) Forget(ctx context.Context, q db.Querier, addr string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM mail_outbox WHERE to_addr = ?`, addr); err != nil {
		return fmt.Errorf("mail.Outbox.Forget: %w", err)
	}
	return nil
}

// Purge deletes sent and dead mail older than age; it returns how many rows went.
func (o *Outbox) Purge(ctx context.Context, age time.Duration) (int64, error) {
	res, err := o.db.ExecContext(ctx, `DELETE FROM mail_outbox WHERE status IN ('sent', 'dead') AND updated_at < ?`, db.Time(time.Now().Add(-age)))
	if err != nil {
		return 0, fmt.Errorf("mail.Outbox.Purge: %w", err)
	}
	return res.RowsAffected()
}
