package grants

import (
	"context"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of applications.

// insertApp opens an application; ErrStale when another member of the
// organisation started it at the same moment.
func insertApp(ctx context.Context, tx *db.Tx, pid string, callID int64, orgPID, orgName string, eligibility map[string]string, eligible bool, by int64, now time.Time) error {
	_, err := db.InsertID(ctx, tx, `INSERT INTO grant_applications (public_id, call_id, org_public_id, org_name, eligibility, eligible, updated_by, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, pid, callID, orgPID, orgName, mustJSON(eligibility), boolInt(eligible), by, now, now)
	if db.IsUniqueViolation(err) {
		return ErrStale
	}
	return err
}

// setEligibility changes the eligibility answers; the application is a
// draft again.
func setEligibility(ctx context.Context, tx *db.Tx, appID int64, eligibility map[string]string, eligible bool, by int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE grant_applications SET eligibility = ?, eligible = ?, status = 'draft', version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?`,
		mustJSON(eligibility), boolInt(eligible), by, now, appID)
	return err
}

// saveDraft stores a draft's title, answers and budget if it is still at
// a.Version (ErrStale when somebody saved it since).
func saveDraft(ctx context.Context, tx *db.Tx, a *Application, by int64, now time.Time) error {
	return changedAny(tx.ExecContext(ctx, `UPDATE grant_applications SET title = ?, org_jib = ?, answers = ?, budget = ?, total_cost = ?, requested = ?, version = version + 1, updated_by = ?, updated_at = ?
WHERE id = ? AND version = ? AND status = 'draft'`, a.Title, a.OrgJIB, mustJSON(a.Answers), mustJSON(a.Budget), a.TotalCost, a.Requested, by, now, a.ID, a.Version))
}

// submitApp submits a draft still at version (ErrStale otherwise).
func submitApp(ctx context.Context, tx *db.Tx, appID int64, version int, hash string, by int64, now time.Time) error {
	return changedAny(tx.ExecContext(ctx, `UPDATE grant_applications SET status = 'submitted', submitted_at = ?, receipt_hash = ?, version = version + 1, updated_by = ?, updated_at = ?
WHERE id = ? AND version = ? AND status = 'draft'`, now, hash, by, now, appID, version))
}

// changedAny is ErrStale unless the statement changed a row.
func changedAny(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStale
	}
	return nil
}

// setAppStatus withdraws an application (dropping its receipt) or makes it
// a draft again.
func setAppStatus(ctx context.Context, tx *db.Tx, appID int64, status string, by int64, now time.Time) error {
	switch status {
	case AppWithdrawn:
		_, err := tx.ExecContext(ctx, `UPDATE grant_applications SET status = 'withdrawn', submitted_at = NULL, receipt_hash = '', version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?`, by, now, appID)
		return err
	case AppDraft:
		_, err := tx.ExecContext(ctx, `UPDATE grant_applications SET status = 'draft', version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?`, by, now, appID)
		return err
	}
	return refuse.ErrInvalid
}

// appsOfOrg are an organisation's applications.
func appsOfOrg(ctx context.Context, q db.Querier, orgPID string) ([]*Application, error) {
	return listApps(ctx, q, `a.org_public_id = ?`, orgPID)
}

// appByCallOrg is an organisation's application to a call.
func appByCallOrg(ctx context.Context, q db.Querier, callID int64, org string) (*Application, error) {
	apps, err := listApps(ctx, q, `a.call_id = ? AND a.org_public_id = ?`, callID, org)
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, refuse.ErrNotFound
	}
	return apps[0], nil
}
