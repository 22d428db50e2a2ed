package eloge

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of what a cycle produces: questionnaires' ids, decisions, labels
// and improvement plans. A missing row is refuse.ErrNotFound.

// setSurveys records a participant's three questionnaires, once: a second
// time is refuse.ErrConflict.
func setSurveys(ctx context.Context, q db.Querier, participantID int64, citizens, councillors, staff string, now time.Time) error {
	err := oneRow(q.ExecContext(ctx, `UPDATE eloge_participants SET citizens_survey = ?, councillors_survey = ?, staff_survey = ?, updated_at = ? WHERE id = ? AND citizens_survey = ''`,
		citizens, councillors, staff, now, participantID))
	if errors.Is(err, refuse.ErrNotFound) {
		return refuse.ErrConflict
	}
	return err
}

// selfScores are a participant's scores by principle number.
func selfScores(ctx context.Context, q db.Querier, participantID int64) ([]IndicatorScore, error) {
	return db.All(ctx, q, func(r db.Scanner) (IndicatorScore, error) {
		var num int
		var score sql.Null[int64]
		err := r.Scan(&num, &score)
		return IndicatorScore{Principle: num, Score: int(score.V), Scored: score.Valid}, err
	}, `SELECT pr.number, a.score FROM eloge_assessments a JOIN eloge_indicators i ON i.id = a.indicator_id JOIN eloge_principles pr ON pr.id = i.principle_id WHERE a.participant_id = ?`, participantID)
}

// decision is what Decide records of a participant.
type decision struct {
	outcome, reasons string
	score            float64
	by               int64
	at               time.Time
}

func setDecision(ctx context.Context, q db.Querier, participantID int64, d decision) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_participants SET decision = ?, decision_score = ?, decision_reasons = ?, decided_by = ?, decided_at = ?, published = 1, updated_at = ? WHERE id = ?`,
		d.outcome, d.score, d.reasons, nullID(d.by), d.at, d.at, participantID)
	return err
}

// setDecidedAt backdates a decision (the demo replays past years).
func setDecidedAt(ctx context.Context, q db.Querier, participantID int64, t time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_participants SET decided_at = ? WHERE id = ?`, t, participantID)
	return err
}

// acceptAllBut accepts every entry of a participant but one indicator's.
func acceptAllBut(ctx context.Context, q db.Querier, participantID, indicatorID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_assessments SET review = 'accepted' WHERE participant_id = ? AND indicator_id <> ?`, participantID, indicatorID)
	return err
}

func listActions(ctx context.Context, q db.Querier, participantID int64) ([]Action, error) {
	return db.All(ctx, q, func(r db.Scanner) (Action, error) {
		var a Action
		err := r.Scan(&a.PublicID, &a.Principle, &a.Action, &a.Owner, &a.Deadline, &a.Progress)
		return a, err
	}, `SELECT public_id, principle, action, owner, deadline, progress FROM eloge_actions WHERE participant_id = ? ORDER BY principle, id`, participantID)
}

func insertAction(ctx context.Context, q db.Querier, participantID int64, a *Action, now time.Time) error {
	var dl any
	if a.Deadline.Valid {
		dl = db.Time(a.Deadline.V)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO eloge_actions (public_id, participant_id, principle, action, owner, deadline, progress, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.PublicID, participantID, a.Principle, a.Action, a.Owner, dl, a.Progress, now, now)
	return err
}

// setProgress records a step's progress (refuse.ErrNotFound when the
// step is not the participant's).
func setProgress(ctx context.Context, q db.Querier, participantID int64, actionID string, progress int, now time.Time) error {
	return oneRow(q.ExecContext(ctx, `UPDATE eloge_actions SET progress = ?, updated_at = ? WHERE public_id = ? AND participant_id = ?`, progress, now, actionID, participantID))
}

// publishedLabels are the awarded, published labels, newest first (lsg ""
// for every LSG).
func publishedLabels(ctx context.Context, q db.Querier, lsg string) ([]Label, error) {
	return db.All(ctx, q, func(r db.Scanner) (Label, error) {
		var l Label
		var at sql.Null[time.Time]
		err := r.Scan(&l.Year, &l.Cycle, &l.LSG, &l.Score, &at, &l.Platform)
		l.DecidedAt = at.V
		return l, err
	}, `SELECT c.year, c.public_id, p.lsg_code, COALESCE(p.decision_score, 0), p.decided_at, pl.name
FROM eloge_participants p JOIN eloge_cycles c ON c.id = p.cycle_id JOIN eloge_platforms pl ON pl.id = c.platform_id
WHERE p.decision = 'awarded' AND p.published = 1 AND (? = '' OR p.lsg_code = ?) ORDER BY c.year DESC, p.lsg_code`, lsg, lsg)
}

// previousCycleOf is the public id of the platform's latest cycle before
// year in which lsg took part ("" when none).
func previousCycleOf(ctx context.Context, q db.Querier, platformID int64, year int, lsg string) (string, error) {
	var pid string
	err := q.QueryRowContext(ctx, `SELECT c.public_id FROM eloge_cycles c JOIN eloge_participants p ON p.cycle_id = c.id
WHERE c.platform_id = ? AND c.year < ? AND p.lsg_code = ? ORDER BY c.year DESC LIMIT 1`, platformID, year, lsg).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return pid, err
}
