package grants

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of awards, instalments and reports.

const awardColumns = `w.id, w.public_id, w.application_id, a.public_id, a.title, a.org_public_id, a.org_name, c.slug, c.lsg_code, c.funder_name,
w.amount, w.currency, w.contract_no, w.starts_on, w.ends_on, w.awarded_at, c.id`
const awardFrom = ` FROM grant_awards w JOIN grant_applications a ON a.id = w.application_id JOIN grant_calls c ON c.id = a.call_id`

// The conditions of awardsWhere.
const (
	awardByPID   = `w.public_id = ?`
	awardsOfCall = `c.id = ?`
	awardOfApp   = `w.application_id = ?`
)

// awardsWhere reads the awards of a WHERE clause, with their calls' ids.
func awardsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]*Award, []int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+awardColumns+awardFrom+` WHERE `+where+` ORDER BY w.awarded_at DESC, a.org_name`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []*Award
	var callIDs []int64
	for rows.Next() {
		w := &Award{}
		var callID int64
		if err := rows.Scan(&w.ID, &w.PublicID, &w.AppID, &w.AppPID, &w.Title, &w.OrgPID, &w.OrgName, &w.CallSlug, &w.LSG, &w.Funder, &w.Amount, &w.Currency, &w.ContractNo, &w.StartsOn, &w.EndsOn, &w.AwardedAt, &callID); err != nil {
			return nil, nil, err
		}
		out = append(out, w)
		callIDs = append(callIDs, callID)
	}
	return out, callIDs, rows.Err()
}

func setContract(ctx context.Context, q db.Querier, awardID int64, no, starts, ends string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE grant_awards SET contract_no = ?, starts_on = ?, ends_on = ?, updated_at = ? WHERE id = ?`, no, starts, ends, now, awardID)
	return err
}

func listInstalments(ctx context.Context, q db.Querier, awardID int64) ([]Instalment, error) {
	return db.All(ctx, q, func(r scanner) (Instalment, error) {
		var i Instalment
		return i, r.Scan(&i.ID, &i.DueOn, &i.Amount, &i.PaidAt)
	}, `SELECT id, due_on, amount, paid_at FROM grant_instalments WHERE award_id = ? ORDER BY due_on, id`, awardID)
}

func insertInstalment(ctx context.Context, q db.Querier, awardID int64, due string, amount int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO grant_instalments (award_id, due_on, amount, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, awardID, due, amount, now, now)
	return err
}

// markPaid records the payment of an unpaid instalment (refuse.ErrNotFound).
func markPaid(ctx context.Context, q db.Querier, awardID, instID int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE grant_instalments SET paid_at = ?, updated_at = ? WHERE id = ? AND award_id = ? AND paid_at IS NULL`, now, now, instID, awardID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return refuse.ErrNotFound
	}
	return nil
}

// listReports lists an award's reports with their files.
func listReports(ctx context.Context, q db.Querier, awardID int64) ([]Report, error) {
	out, err := db.All(ctx, q, func(row scanner) (Report, error) {
		var r Report
		return r, row.Scan(&r.ID, &r.PublicID, &r.AwardID, &r.Kind, &r.DueOn, &r.Status, &r.Body, &r.Review, &r.SubmittedAt, &r.ReviewedAt)
	}, `SELECT id, public_id, award_id, kind, due_on, status, body, review, submitted_at, reviewed_at FROM grant_reports WHERE award_id = ? ORDER BY due_on, id`, awardID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Files, err = filesOf(ctx, q, "report", out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func insertReport(ctx context.Context, q db.Querier, pid string, awardID int64, kind, due string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO grant_reports (public_id, award_id, kind, due_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, pid, awardID, kind, due, now, now)
	return err
}

func submitReport(ctx context.Context, q db.Querier, reportID int64, body string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE grant_reports SET status = 'submitted', body = ?, submitted_at = ?, updated_at = ? WHERE id = ?`, body, now, now, reportID)
	return err
}

func reviewReport(ctx context.Context, q db.Querier, reportID int64, status, review string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE grant_reports SET status = ?, review = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`, status, review, now, now, reportID)
	return err
}

// dueReport is a report to remind its grantee of.
type dueReport struct {
	id                             int64
	kind, dueOn, award, org, title string
}

// remindersDue are the reports due by horizon and not submitted, whose
// grantees were not reminded in the last week (or today, on the due date).
func remindersDue(ctx context.Context, q db.Querier, now time.Time, horizon, today string, startOfDay time.Time) ([]dueReport, error) {
	return db.All(ctx, q, func(r scanner) (dueReport, error) {
		var d dueReport
		return d, r.Scan(&d.id, &d.kind, &d.dueOn, &d.award, &d.org, &d.title)
	}, `SELECT r.id, r.kind, r.due_on, w.public_id, a.org_public_id, a.title FROM grant_reports r
JOIN grant_awards w ON w.id = r.award_id JOIN grant_applications a ON a.id = w.application_id
WHERE r.status IN ('due', 'returned') AND r.due_on <= ?
AND (r.reminded_at IS NULL OR r.reminded_at <= ? OR (r.due_on = ? AND r.reminded_at < ?))`, horizon, db.Time(now.Add(-7*24*time.Hour)), today, db.Time(startOfDay))
}

func setReminded(ctx context.Context, q db.Querier, reportID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE grant_reports SET reminded_at = ?, updated_at = ? WHERE id = ?`, db.Time(now), db.Time(now), reportID)
	return err
}

// awardMoney is what the rules on an award's money read under its lock:
// the amount, the contract period and the instalments planned and paid.
type awardMoney struct {
	amount         int64
	contractNo     string
	starts, ends   string
	planned, paid  int64
	firstDue, last string // the earliest and latest due date of the instalments ("" when none)
}

// lockAward reads an award's money and locks its row until tx ends, so
// that two instalments or a contract change and an instalment cannot both
// pass the checks that together they break.
func lockAward(ctx context.Context, tx *db.Tx, awardID int64) (awardMoney, error) {
	var m awardMoney
	err := tx.QueryRowContext(ctx, `SELECT amount, contract_no, starts_on, ends_on FROM grant_awards WHERE id = ?`+tx.LockRows(), awardID).Scan(&m.amount, &m.contractNo, &m.starts, &m.ends)
	if errors.Is(err, sql.ErrNoRows) {
		return m, refuse.ErrNotFound
	}
	if err != nil {
		return m, err
	}
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(CASE WHEN paid_at IS NULL THEN 0 ELSE amount END), 0), COALESCE(MIN(due_on), ''), COALESCE(MAX(due_on), '')
FROM grant_instalments WHERE award_id = ?`, awardID).Scan(&m.planned, &m.paid, &m.firstDue, &m.last)
	return m, err
}

// instalmentOf is one instalment of an award (refuse.ErrNotFound).
func instalmentOf(ctx context.Context, q db.Querier, awardID, instID int64) (Instalment, error) {
	var i Instalment
	err := q.QueryRowContext(ctx, `SELECT id, due_on, amount, paid_at FROM grant_instalments WHERE id = ? AND award_id = ?`, instID, awardID).Scan(&i.ID, &i.DueOn, &i.Amount, &i.PaidAt)
	if errors.Is(err, sql.ErrNoRows) {
		return i, refuse.ErrNotFound
	}
	return i, err
}
