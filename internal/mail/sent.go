package mail

import (
	"context"
	"fmt"
)

// SentTo counts the mails handed off to addr (a subscriber's data export
// says how many the platform sent them).
func (o *Outbox) SentTo(ctx context.Context, addr string) (int, error) {
	var n int
	if err := o.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ? AND status = 'sent'`, addr).Scan(&n); err != nil {
		return 0, fmt.Errorf("mail.Outbox.SentTo: %w", err)
	}
	return n, nil
}
