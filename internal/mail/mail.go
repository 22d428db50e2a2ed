// Package mail defines how the platform sends e-mail: the Sender interface,
// the development sender that writes to the log, a recorder for tests, the
// real SMTP sender (STARTTLS, authentication, timeouts) and the durable
// outbox that every module enqueues into inside its own transaction.
package mail

import (
	"context"
	"log/slog"
	"sync"
)

// Message is one e-mail: plain text, optionally with an HTML alternative.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string            // optional HTML alternative of Text
	Headers map[string]string // extra headers, e.g. List-Unsubscribe
	// ID is the Message-ID (without angle brackets). The outbox sets it from
	// the message's key, so a mail sent again after a crash keeps its id and
	// a receiving mailbox can recognise the copy.
	ID string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender prints every message to the structured log instead of sending it.
type LogSender struct{ Log *slog.Logger }

// Send logs m.
func (s LogSender) Send(ctx context.Context, m Message) error {
	s.Log.InfoContext(ctx, "mail (not sent: development sender)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// Recorder keeps messages in memory, for tests.
type Recorder struct {
	mu   sync.Mutex
	sent []Message
}

// Send records m.
func (r *Recorder) Send(_ context.Context, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

// Sent returns a copy of the recorded messages.
func (r *Recorder) Sent() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.sent...)
}
