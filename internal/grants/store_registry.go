package grants

import (
	"context"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// The SQL of the registry of support.

func listSupport(ctx context.Context, q db.Querier, f SupportFilter) ([]Support, error) {
	return db.All(ctx, q, func(row scanner) (Support, error) {
		var r Support
		return r, row.Scan(&r.ID, &r.PublicID, &r.Year, &r.LSG, &r.Funder, &r.Recipient, &r.OrgPID, &r.JIB, &r.Amount, &r.Currency, &r.Purpose, &r.Procedure, &r.AwardPID, &r.Source, &r.AwardDate, &r.StartsOn, &r.EndsOn)
	}, `SELECT g.id, g.public_id, g.year, g.lsg_code, g.funder_name, g.recipient_name, g.recipient_org, g.recipient_jib, g.amount, g.currency, g.purpose, g.procedure,
COALESCE(w.public_id, ''), g.source, g.award_date, COALESCE(w.starts_on, ''), COALESCE(w.ends_on, '')
FROM grant_support g LEFT JOIN grant_awards w ON w.id = g.award_id
WHERE (? = 0 OR g.year = ?) AND (? = '' OR g.lsg_code = ?) AND (? = '' OR g.procedure = ?)
ORDER BY g.year DESC, g.amount DESC, g.id`, f.Year, f.Year, f.LSG, f.LSG, f.Procedure, f.Procedure)
}

func supportYears(ctx context.Context, q db.Querier) ([]int, error) {
	return db.All(ctx, q, func(r scanner) (int, error) {
		var y int
		return y, r.Scan(&y)
	}, `SELECT DISTINCT year FROM grant_support ORDER BY year DESC`)
}

func supportLSGs(ctx context.Context, q db.Querier) ([]string, error) {
	return db.All(ctx, q, func(r scanner) (string, error) {
		var c string
		return c, r.Scan(&c)
	}, `SELECT DISTINCT lsg_code FROM grant_support WHERE lsg_code <> '' ORDER BY lsg_code`)
}

// insertSupport adds a record given outside the platform.
func insertSupport(ctx context.Context, q db.Querier, r *Support, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO grant_support (public_id, year, lsg_code, funder_name, recipient_name, recipient_org, recipient_jib, amount, currency, purpose, procedure, source, award_date, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?, ?, ?)`, r.PublicID, r.Year, r.LSG, r.Funder, r.Recipient, r.OrgPID, r.JIB, r.Amount, r.Currency, r.Purpose, r.Procedure, r.AwardDate, now, now)
	return err
}
