package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTPConfig is where and how the SMTP sender delivers.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string        // envelope and header sender, e.g. "dijalog <noreply@example.org>"
	SSL      bool          // implicit TLS (smtps://, port 465)
	Timeout  time.Duration // per connection and command; default 15 s
	TLS      *tls.Config   // nil: system roots, ServerName = Host
	// RequireTLS refuses to send when the server does not offer STARTTLS
	// (?tls=required). By default STARTTLS is used whenever it is offered.
	RequireTLS bool
}

// ParseURL reads smtp://user:pass@host:587?from=noreply@example.org
// (smtps:// for implicit TLS; ?tls=required refuses servers without
// STARTTLS; ?timeout=20s).
func ParseURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("mail.ParseURL: %w", err)
	}
	c := SMTPConfig{Host: u.Hostname(), Timeout: 15 * time.Second}
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.SSL = 465, true
	default:
		return SMTPConfig{}, fmt.Errorf("mail.ParseURL: scheme %q: want smtp or smtps", u.Scheme)
	}
	if c.Host == "" {
		return SMTPConfig{}, errors.New("mail.ParseURL: no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPConfig{}, fmt.Errorf("mail.ParseURL: bad port %q", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	c.From = q.Get("from")
	if c.From == "" {
		c.From = "noreply@" + c.Host
	}
	if t := q.Get("timeout"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return SMTPConfig{}, fmt.Errorf("mail.ParseURL: bad timeout %q", t)
		}
		c.Timeout = d
	}
	c.RequireTLS = q.Get("tls") == "required"
	return c, nil
}

// SMTPSender delivers through an SMTP server. Retries with backoff are the
// outbox's job; one Send is one attempt.
type SMTPSender struct {
	cfg SMTPConfig
}

// NewSMTPSender checks cfg and returns a sender.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.Host == "" || cfg.Port == 0 {
		return nil, errors.New("mail.NewSMTPSender: host and port required")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.From == "" {
		cfg.From = "noreply@" + cfg.Host
	}
	return &SMTPSender{cfg: cfg}, nil
}

func (s *SMTPSender) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout), gomail.WithHELO("localhost")}
	tc := s.cfg.TLS
	if tc == nil {
		tc = &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	switch {
	case s.cfg.SSL:
		opts = append(opts, gomail.WithSSL())
	case s.cfg.RequireTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// build turns m into a go-mail message: multipart/alternative when it has
// HTML, with its Message-ID and extra headers.
func (s *SMTPSender) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", s.cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("mail: to %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID)
	} else {
		msg.SetMessageID()
	}
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// Send delivers one message on its own connection.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	var out error
	s.SendEach(ctx, []Message{m}, func(_ int, err error) { out = err })
	return out
}

// SendEach delivers messages over one connection and calls done after each
// one (nil when the server accepted it), in order, so the caller can record
// every delivery at once. A failure to connect fails them all.
func (s *SMTPSender) SendEach(ctx context.Context, ms []Message, done func(i int, err error)) {
	s.SendHandoff(ctx, ms, nil, done)
}

// SendHandoff is SendEach with a hand-off point: message i is written to
// the server up to, but not including, the line that ends its data (the
// server keeps nothing of a message whose data did not end), then
// handoff(i) runs, and only when it returns nil is the final "." written.
// The outbox records the delivery in handoff, so a process killed at any
// point either never gave the server the end of the message (the mail is
// still pending and goes out once) or had already recorded it (it never
// goes out again). When handoff fails, the connection is dropped, which
// discards the message at the server, and the rest fail with that error.
func (s *SMTPSender) SendHandoff(ctx context.Context, ms []Message, handoff func(i int) error, done func(i int, err error)) {
	fail := func(from int, err error) {
		for i := from; i < len(ms); i++ {
			done(i, err)
		}
	}
	c, err := s.client()
	if err != nil {
		fail(0, fmt.Errorf("mail.SMTPSender: %w", err))
		return
	}
	dctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	sc, err := c.DialToSMTPClientWithContext(dctx)
	if err != nil {
		fail(0, fmt.Errorf("mail.SMTPSender: connect %s:%d: %w", s.cfg.Host, s.cfg.Port, err))
		return
	}
	broken := false
	defer func() {
		if broken {
			_ = sc.Close()
			return
		}
		_ = c.CloseWithSMTPClient(sc)
	}()
	for i, m := range ms {
		if err := ctx.Err(); err != nil {
			fail(i, err)
			return
		}
		msg, err := s.build(m)
		if err != nil {
			done(i, err)
			continue
		}
		var hook func() error
		if handoff != nil {
			hook = func() error {
				// Should the hand-off never return (a panic, a dying
				// goroutine), the deferred close must drop the connection,
				// not say QUIT in the middle of the data.
				broken = true
				err := handoff(i)
				broken = err != nil
				return err
			}
		}
		err = s.transaction(sc, msg, hook)
		var he *handoffError
		if errors.As(err, &he) {
			broken = true
			fail(i, he.err)
			return
		}
		if err != nil {
			done(i, classify(fmt.Errorf("mail.SMTPSender: send to %s: %w", m.To, err)))
			var te *textproto.Error
			if !errors.As(err, &te) {
				// Not a reply of the server: the connection is gone.
				broken = true
				fail(i+1, err)
				return
			}
			_ = sc.Reset()
			continue
		}
		done(i, nil)
	}
}

// handoffError is a failed hand-off: the message was not given to the server.
type handoffError struct{ err error }

func (e *handoffError) Error() string { return e.err.Error() }

// transaction is one MAIL, RCPT, DATA exchange; hook runs between the
// message's data and the line that ends it.
func (s *SMTPSender) transaction(sc *smtp.Client, msg *gomail.Msg, hook func() error) error {
	if err := sc.UpdateDeadline(s.cfg.Timeout); err != nil {
		return err
	}
	from, err := msg.GetSender(false)
	if err != nil {
		return &PermanentError{Err: err}
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return &PermanentError{Err: err}
	}
	if err := sc.Mail(from); err != nil {
		return err
	}
	for _, r := range rcpts {
		if err := sc.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := sc.Data()
	if err != nil {
		return err
	}
	if _, err := msg.WriteTo(w); err != nil {
		return err
	}
	if hook != nil {
		// Everything but the end of the data is on the wire (or in the
		// socket's buffer); the server has not taken the message yet.
		if err := sc.Text.W.Flush(); err != nil {
			return err
		}
		if err := hook(); err != nil {
			return &handoffError{err: err}
		}
	}
	return w.Close()
}

// PermanentError is a delivery failure that retrying will not fix (a 5xx
// reply, an invalid address); the outbox gives up on it at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// classify marks 5xx SMTP replies as permanent.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if code := se.ErrorCode(); code >= 500 && code < 600 {
			return &PermanentError{Err: err}
		}
	}
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return &PermanentError{Err: err}
	}
	return err
}

// HandoffSender is a BatchSender with a hand-off point just before the
// server takes each message (see SMTPSender.SendHandoff); the outbox
// records deliveries there, so a crash repeats no mail.
type HandoffSender interface {
	BatchSender
	SendHandoff(ctx context.Context, ms []Message, handoff func(i int) error, done func(i int, err error))
}

// BatchSender is a Sender that can deliver several messages over one
// connection; the outbox uses it when the transport offers it.
type BatchSender interface {
	Sender
	SendEach(ctx context.Context, ms []Message, done func(i int, err error))
}
