package dialogue

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of verified residents and one-time codes.

// insertResident verifies a person in an LSG; false when they already
// were. ON CONFLICT: a unique violation would abort the transaction on
// PostgreSQL.
func insertResident(ctx context.Context, q db.Querier, userID int64, lsg, method string, by any, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO dlg_residents (user_id, lsg_code, method, verified_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, lsg_code) DO NOTHING`, userID, lsg, method, by, now, now)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func insertCode(ctx context.Context, q db.Querier, lsg, hash string, by any, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_codes (lsg_code, code_hash, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, lsg, hash, by, now, now)
	return err
}

// useCode marks an unused code used by userID and returns its LSG
// (refuse.ErrNotFound when there is no such unused code).
func useCode(ctx context.Context, q db.Querier, hash string, userID int64, now time.Time) (string, error) {
	var lsg string
	err := q.QueryRowContext(ctx, `UPDATE dlg_codes SET used_by = ?, used_at = ?, updated_at = ? WHERE code_hash = ? AND used_by IS NULL RETURNING lsg_code`, userID, now, now, hash).Scan(&lsg)
	if errors.Is(err, sql.ErrNoRows) {
		return "", refuse.ErrNotFound
	}
	return lsg, err
}

func residencies(ctx context.Context, q db.Querier, userID int64) ([]string, error) {
	return db.All(ctx, q, db.ScanString, `SELECT lsg_code FROM dlg_residents WHERE user_id = ? ORDER BY lsg_code`, userID)
}
