package grants

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/google/uuid"
)

// The SQL of assessment and decisions.

const asgColumns = `g.id, g.application_id, a.public_id, a.title, a.org_name, c.slug, g.assessor_id, u.display_name, g.status, g.third, g.comment, g.total_pct, g.submitted_at`
const asgFrom = ` FROM grant_assignments g JOIN grant_applications a ON a.id = g.application_id JOIN grant_calls c ON c.id = a.call_id JOIN users u ON u.id = g.assessor_id`

// The conditions of assignmentsWhere.
const (
	byApp         = `g.application_id = ?`
	byAssessor    = `g.assessor_id = ?`
	byAppAssessor = `g.application_id = ? AND g.assessor_id = ?`
)

func assignmentsOfApp(ctx context.Context, q db.Querier, appID int64) ([]*Assignment, error) {
	return assignmentsWhere(ctx, q, byApp, appID)
}

// assignmentsWhere reads the assignments of a WHERE clause with their scores.
func assignmentsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]*Assignment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+asgColumns+asgFrom+` WHERE `+where+` ORDER BY g.id`, args...)
	if err != nil {
		return nil, wrap("listAssignments", err)
	}
	defer rows.Close()
	var out []*Assignment
	for rows.Next() {
		g := &Assignment{Scores: map[int]Score{}}
		var third int64
		if err := rows.Scan(&g.ID, &g.ApplicationID, &g.AppPID, &g.AppTitle, &g.OrgName, &g.CallSlug, &g.AssessorID, &g.AssessorName, &g.Status, &third, &g.Comment, &g.TotalPct, &g.SubmittedAt); err != nil {
			return nil, wrap("listAssignments", err)
		}
		g.Third = third != 0
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("listAssignments", err)
	}
	for _, g := range out {
		srows, err := q.QueryContext(ctx, `SELECT criterion, points, comment FROM grant_scores WHERE assignment_id = ?`, g.ID)
		if err != nil {
			return nil, wrap("listAssignments", err)
		}
		for srows.Next() {
			var n int
			var sc Score
			if err := srows.Scan(&n, &sc.Points, &sc.Comment); err != nil {
				srows.Close()
				return nil, wrap("listAssignments", err)
			}
			g.Scores[n] = sc
		}
		srows.Close()
	}
	return out, nil
}

// insertAssignment gives an application to an assessor
// (refuse.ErrConflict when it has them already).
func insertAssignment(ctx context.Context, tx *db.Tx, appID, assessor int64, third bool, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO grant_assignments (application_id, assessor_id, third, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, appID, assessor, boolInt(third), now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	return err
}

// assignment is who assesses which application.
type assignment struct{ assessor, app int64 }

// callAssignments are every assignment of a call's applications.
func callAssignments(ctx context.Context, q db.Querier, callID int64) ([]assignment, error) {
	return db.All(ctx, q, func(r scanner) (assignment, error) {
		var a assignment
		return a, r.Scan(&a.assessor, &a.app)
	}, `SELECT g.assessor_id, g.application_id FROM grant_assignments g JOIN grant_applications a ON a.id = g.application_id WHERE a.call_id = ?`, callID)
}

// declare records an assigned assessor's declaration.
func declare(ctx context.Context, tx *db.Tx, asgID int64, status string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE grant_assignments SET status = ?, declared_at = ?, updated_at = ? WHERE id = ? AND status = 'assigned'`, status, now, now, asgID)
	return err
}

// submitScores stores a declared assessor's scores (ErrStale when they
// were submitted already).
func submitScores(ctx context.Context, tx *db.Tx, asgID int64, comment string, total int, scores map[int]Score, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE grant_assignments SET status = 'submitted', comment = ?, total_pct = ?, submitted_at = ?, updated_at = ? WHERE id = ? AND status = 'declared'`, comment, total, now, now, asgID)
	if err := changedAny(res, err); err != nil {
		return err
	}
	for _, n := range slices.Sorted(maps.Keys(scores)) {
		sc := scores[n]
		if _, err := tx.ExecContext(ctx, `INSERT INTO grant_scores (assignment_id, criterion, points, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, asgID, n, sc.Points, sc.Comment, now, now); err != nil {
			return err
		}
	}
	return nil
}

func setDecision(ctx context.Context, q db.Querier, appID int64, decision, reason string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE grant_applications SET decision = ?, decision_reason = ?, updated_at = ? WHERE id = ?`, decision, reason, now, appID)
	return err
}

// insertAward creates the award of an application with the amount
// requested, and its record in the public registry.
func insertAward(ctx context.Context, tx *db.Tx, awardPID string, c *Call, a *Application, now time.Time, zone *time.Location) error {
	awardID, err := db.InsertID(ctx, tx, `INSERT INTO grant_awards (public_id, application_id, amount, currency, awarded_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		awardPID, a.ID, a.Requested, c.Currency, now, now, now)
	if err != nil {
		return err
	}
	purpose := a.Title
	if purpose == "" {
		purpose = c.TextIn(c.Lang).Title
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO grant_support (public_id, year, lsg_code, funder_name, recipient_name, recipient_org, recipient_jib, amount, currency, purpose, procedure, award_id, source, award_date, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open_call', ?, 'award', ?, ?, ?)`, uuid.NewString(), now.In(zone).Year(), c.LSG, c.Funder, a.OrgName, a.OrgPID, a.OrgJIB, a.Requested, c.Currency, purpose, awardID, now.In(zone).Format("2006-01-02"), now, now)
	return err
}

func setDecided(ctx context.Context, tx *db.Tx, callID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE grant_calls SET status = 'decided', decided_at = ?, updated_at = ? WHERE id = ? AND status = 'published'`, now, now, callID)
	return err
}
