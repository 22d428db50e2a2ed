// Package mail defines how the platform sends e-mail. The development sender
// writes messages to the log; a real SMTP sender over a durable outbox comes
// with the newsletter module.
package mail

import (
	"context"
	"log/slog"
	"sync"
)

// Message is one plain-text e-mail.
type Message struct {
	To      string
	Subject string
	Text    string
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
