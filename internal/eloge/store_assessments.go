package eloge

import (
	"context"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of cycles, experts, participants and their self-assessment
// matrices. Functions take a db.Querier (the database or a transaction); a
// missing row is refuse.ErrNotFound.

const cycleColumns = `c.id, c.public_id, c.set_id, s.code, c.year, c.title, c.status, c.scale_max, c.w_self, c.w_citizens, c.w_councillors, c.w_staff, c.threshold, c.require_justification,
 p.id, p.public_id, p.org_id, p.name, p.country`

const cycleFrom = ` FROM eloge_cycles c JOIN eloge_sets s ON s.id = c.set_id JOIN eloge_platforms p ON p.id = c.platform_id`

func scanCycle(row db.Scanner) (*Cycle, error) {
	var c Cycle
	var rj int
	err := row.Scan(&c.ID, &c.PublicID, &c.SetID, &c.SetCode, &c.Year, &c.Title, &c.Status, &c.ScaleMax, &c.Weights.Self, &c.Weights.Citizens, &c.Weights.Councillors, &c.Weights.Staff, &c.Threshold, &rj,
		&c.Platform.ID, &c.Platform.PublicID, &c.Platform.OrgID, &c.Platform.Name, &c.Platform.Country)
	c.RequireJustification = rj == 1
	return &c, err
}

// insertCycle stores a new open cycle; a second cycle of the platform in
// the same year is refuse.ErrConflict.
func insertCycle(ctx context.Context, q db.Querier, c *Cycle, now time.Time) error {
	rj := 0
	if c.RequireJustification {
		rj = 1
	}
	id, err := db.InsertID(ctx, q, `INSERT INTO eloge_cycles (public_id, platform_id, set_id, year, title, status, scale_max, w_self, w_citizens, w_councillors, w_staff, threshold, require_justification, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.PublicID, c.Platform.ID, c.SetID, c.Year, c.Title, c.ScaleMax, c.Weights.Self, c.Weights.Citizens, c.Weights.Councillors, c.Weights.Staff, c.Threshold, rj, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	c.ID = id
	return err
}

func listCycles(ctx context.Context, q db.Querier) ([]*Cycle, error) {
	return db.All(ctx, q, scanCycle, `SELECT `+cycleColumns+cycleFrom+` ORDER BY c.year DESC, p.name`)
}

func cycleByPublicID(ctx context.Context, q db.Querier, pid string) (*Cycle, error) {
	c, err := scanCycle(q.QueryRowContext(ctx, `SELECT `+cycleColumns+cycleFrom+` WHERE c.public_id = ?`, pid))
	if err != nil {
		return nil, notFound(err)
	}
	return c, nil
}

func setCycleStatus(ctx context.Context, q db.Querier, id int64, status string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_cycles SET status = ?, updated_at = ? WHERE id = ?`, status, now, id)
	return err
}

func scanExpert(row db.Scanner) (Expert, error) {
	var e Expert
	err := row.Scan(&e.UserID, &e.Name, &e.Email)
	return e, err
}

func listExperts(ctx context.Context, q db.Querier, cycleID int64) ([]Expert, error) {
	return db.All(ctx, q, scanExpert, `SELECT u.id, u.display_name, u.email FROM eloge_experts e JOIN users u ON u.id = e.user_id WHERE e.cycle_id = ? ORDER BY u.display_name`, cycleID)
}

func isExpert(ctx context.Context, q db.Querier, cycleID, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM eloge_experts WHERE cycle_id = ? AND user_id = ?`, cycleID, userID).Scan(&n)
	return n > 0, err
}

// insertExpert names an expert of a cycle; a second time is refuse.ErrConflict.
func insertExpert(ctx context.Context, q db.Querier, cycleID, userID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO eloge_experts (cycle_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, cycleID, userID, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	return err
}

// insertParticipant enrols an LSG in a cycle; a second time is
// refuse.ErrConflict.
func insertParticipant(ctx context.Context, q db.Querier, p *Participant, now time.Time) error {
	id, err := db.InsertID(ctx, q, `INSERT INTO eloge_participants (cycle_id, lsg_code, status, created_at, updated_at) VALUES (?, ?, 'draft', ?, ?) RETURNING id`, p.CycleID, p.LSG, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	p.ID = id
	return err
}

func participantOf(ctx context.Context, q db.Querier, cycleID int64, lsg string) (*Participant, error) {
	p, err := scanParticipant(q.QueryRowContext(ctx, `SELECT `+participantColumns+` FROM eloge_participants WHERE cycle_id = ? AND lsg_code = ?`, cycleID, lsg))
	if err != nil {
		return nil, notFound(err)
	}
	return p, nil
}

// matrixEntries is what a participant entered so far, by indicator.
func matrixEntries(ctx context.Context, q db.Querier, participantID int64) (map[int64]Entry, error) {
	type row struct {
		id int64
		e  Entry
	}
	rows, err := db.All(ctx, q, func(r db.Scanner) (row, error) {
		var x row
		err := r.Scan(&x.id, &x.e.Score, &x.e.Justification, &x.e.Evidence, &x.e.Review, &x.e.Comment)
		return x, err
	}, `SELECT indicator_id, score, justification, evidence, review, comment FROM eloge_assessments WHERE participant_id = ?`, participantID)
	if err != nil {
		return nil, err
	}
	have := make(map[int64]Entry, len(rows))
	for _, x := range rows {
		have[x.id] = x.e
	}
	return have, nil
}

// setReview records an expert's verdict on one scored indicator
// (refuse.ErrNotFound when the indicator is not scored).
func setReview(ctx context.Context, q db.Querier, participantID, indicatorID int64, verdict, comment string, now time.Time) error {
	return oneRow(q.ExecContext(ctx, `UPDATE eloge_assessments SET review = ?, comment = ?, updated_at = ? WHERE participant_id = ? AND indicator_id = ?`, verdict, comment, now, participantID, indicatorID))
}

// reviewCounts is how many of a participant's entries are accepted and
// returned, and how many indicators the cycle's set has.
func reviewCounts(ctx context.Context, q db.Querier, participantID, setID int64) (accepted, returned, indicators int, err error) {
	var total int
	if err = q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN review = 'accepted' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN review = 'returned' THEN 1 ELSE 0 END), 0) FROM eloge_assessments WHERE participant_id = ?`, participantID).Scan(&total, &accepted, &returned); err != nil {
		return 0, 0, 0, err
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM eloge_indicators i JOIN eloge_principles pr ON pr.id = i.principle_id WHERE pr.set_id = ?`, setID).Scan(&indicators)
	return accepted, returned, indicators, err
}

// saveAssessment stores one indicator's entry; a changed entry loses an
// expert's "returned" verdict but keeps "accepted".
func saveAssessment(ctx context.Context, q db.Querier, participantID int64, r assessmentRow, by int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO eloge_assessments (participant_id, indicator_id, score, justification, evidence, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (participant_id, indicator_id) DO UPDATE SET score = excluded.score, justification = excluded.justification, evidence = excluded.evidence, updated_by = excluded.updated_by, updated_at = excluded.updated_at,
  review = CASE WHEN eloge_assessments.review = 'accepted' THEN 'accepted' ELSE '' END`,
		participantID, r.id, r.score, r.just, r.evid, nullID(by), now, now)
	return err
}

func setParticipantStatus(ctx context.Context, q db.Querier, id int64, status string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_participants SET status = ?, updated_at = ? WHERE id = ?`, status, now, id)
	return err
}

const participantColumns = `id, cycle_id, lsg_code, status, citizens_survey, councillors_survey, staff_survey, decision, decision_score, decision_reasons, decided_at, published`

func scanParticipant(row db.Scanner) (*Participant, error) {
	var p Participant
	var pub int
	err := row.Scan(&p.ID, &p.CycleID, &p.LSG, &p.Status, &p.CitizensSurvey, &p.CouncillorsSurvey, &p.StaffSurvey, &p.Decision, &p.DecisionScore, &p.DecisionReasons, &p.DecidedAt, &pub)
	p.Published = pub == 1
	return &p, err
}
