package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of e-mail confirmation (migration 00015).

// isConfirmed reports whether a user's e-mail address is confirmed.
func (store) isConfirmed(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = ? AND email_confirmed_at IS NOT NULL`, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("auth.isConfirmed: %w", err)
	}
	return n > 0, nil
}

func (store) setConfirmed(ctx context.Context, q db.Querier, userID int64) error {
	now := db.Now()
	_, err := q.ExecContext(ctx, `UPDATE users SET email_confirmed_at = ?, updated_at = ? WHERE id = ? AND email_confirmed_at IS NULL`, now, now, userID)
	if err != nil {
		return fmt.Errorf("auth.setConfirmed: %w", err)
	}
	return nil
}

func (store) insertConfirmation(ctx context.Context, q db.Querier, tokenHash string, userID int64, next string, expires time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO email_confirmations (token_hash, user_id, next, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		tokenHash, userID, next, db.Now(), db.Time(expires))
	if err != nil {
		return fmt.Errorf("auth.insertConfirmation: %w", err)
	}
	return nil
}

// invalidateConfirmations marks every unused confirmation link of a user used.
func (store) invalidateConfirmations(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, `UPDATE email_confirmations SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, db.Now(), userID); err != nil {
		return fmt.Errorf("auth.invalidateConfirmations: %w", err)
	}
	return nil
}

// useConfirmation marks a valid link used and returns its user and the
// page to return to; refuse.ErrNotFound when the link is unknown, used or
// expired.
func (store) useConfirmation(ctx context.Context, q db.Querier, tokenHash string) (int64, string, error) {
	var (
		uid  int64
		next string
	)
	now := db.Now()
	err := q.QueryRowContext(ctx, `UPDATE email_confirmations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id, next`, now, tokenHash, now).Scan(&uid, &next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", refuse.ErrNotFound
	}
	if err != nil {
		return 0, "", fmt.Errorf("auth.useConfirmation: %w", err)
	}
	return uid, next, nil
}

// confirmationState says what a link is: ErrConfirmExpired, ErrConfirmInvalid
// (unknown or used), or nil (it can be used).
func (store) confirmationState(ctx context.Context, q db.Querier, tokenHash string) error {
	var (
		used    sql.Null[time.Time]
		expires time.Time
	)
	err := q.QueryRowContext(ctx, `SELECT used_at, expires_at FROM email_confirmations WHERE token_hash = ?`, tokenHash).Scan(&used, &expires)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrConfirmInvalid
	case err != nil:
		return fmt.Errorf("auth.confirmationState: %w", err)
	case used.Valid:
		return ErrConfirmInvalid
	case !expires.After(db.Now()):
		return ErrConfirmExpired
	}
	return nil
}

func (store) deleteStaleConfirmations(ctx context.Context, q db.Querier, older time.Time) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM email_confirmations WHERE expires_at < ?`, db.Time(older)); err != nil {
		return fmt.Errorf("auth.deleteStaleConfirmations: %w", err)
	}
	return nil
}
