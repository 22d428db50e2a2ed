package app

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/dijalog/dijalog/internal/mail"
)

// buildOutbox builds the durable mail outbox every module mails through
// (in the transaction of its own write): it delivers to the SMTP server
// named by --smtp-url / DIJALOG_SMTP_URL, or to the app's sender (the log
// in development, a recorder in tests).
func (a *App) buildOutbox() error {
	transport := a.Mail
	if raw := a.Cfg.SMTPURL; raw != "" {
		cfg, err := mail.ParseURL(raw)
		if err != nil {
			return fmt.Errorf("app: mail: %w", err)
		}
		if transport, err = mail.NewSMTPSender(cfg); err != nil {
			return fmt.Errorf("app: mail: %w", err)
		}
	}
	idDomain := "dijalog.local"
	if h := hostOnly(a.Cfg.BaseURL); h != "" {
		idDomain = h
	}
	a.Outbox = mail.NewOutbox(a.DB, transport, a.Log, mail.OutboxOptions{IDDomain: idDomain})
	return nil
}

// startOutbox starts the outbox's delivery worker; stopOutbox stops it.
func (a *App) startOutbox() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Outbox.Run(ctx)
	}()
	a.stopOutbox = func() {
		cancel()
		<-done
	}
}

func hostOnly(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h, _, _ := strings.Cut(u, "/")
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}
