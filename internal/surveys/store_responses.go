package surveys

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// insertResponse inserts the response of w and returns its id;
// errDuplicate when its idempotency key was stored before.
func (store) insertResponse(ctx context.Context, q db.Querier, w *responseWrite) (int64, error) {
	id, err := db.InsertID(ctx, q, `INSERT INTO survey_responses (survey_id, public_id, idem_key, channel, lang, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		w.sv.ID, w.rid, w.idem, w.channel, w.lang, w.day, w.day)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return 0, errDuplicate
		}
		return 0, fmt.Errorf("surveys.insertResponse: %w", err)
	}
	return id, nil
}

// addMark records that a browser or an account answered (ErrAlreadyAnswered
// the second time).
func (store) addMark(ctx context.Context, q db.Querier, surveyID int64, kind, ref string, day time.Time) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO survey_marks (survey_id, kind, ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, surveyID, kind, ref, day, day); err != nil {
		if db.IsUniqueViolation(err) {
			return ErrAlreadyAnswered
		}
		return fmt.Errorf("surveys.addMark: %w", err)
	}
	return nil
}

// hasMark reports whether a browser or an account answered.
func (store) hasMark(ctx context.Context, q db.Querier, surveyID int64, kind, ref string) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_marks WHERE survey_id = ? AND kind = ? AND ref = ?`, surveyID, kind, ref).Scan(&n); err != nil {
		return false, fmt.Errorf("surveys.hasMark: %w", err)
	}
	return n > 0, nil
}

// useToken marks an invitation token used; ErrTokenUsed or
// ErrTokenInvalid when it cannot be.
func (st store) useToken(ctx context.Context, q db.Querier, surveyID int64, tokenHash string, day time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE survey_tokens SET used_at = ?, updated_at = ? WHERE survey_id = ? AND token_hash = ? AND used_at IS NULL`, day, day, surveyID, tokenHash)
	if err != nil {
		return fmt.Errorf("surveys.useToken: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if err := st.tokenState(ctx, q, surveyID, tokenHash); err != nil {
		return err
	}
	return ErrTokenUsed
}

// tokenState is nil for a valid unused token, else ErrTokenInvalid or
// ErrTokenUsed.
func (store) tokenState(ctx context.Context, q db.Querier, surveyID int64, tokenHash string) error {
	var used bool
	err := q.QueryRowContext(ctx, `SELECT used_at IS NOT NULL FROM survey_tokens WHERE survey_id = ? AND token_hash = ?`, surveyID, tokenHash).Scan(&used)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrTokenInvalid
	}
	if err != nil {
		return fmt.Errorf("surveys.tokenState: %w", err)
	}
	if used {
		return ErrTokenUsed
	}
	return nil
}

// insertToken stores an invitation token.
func (store) insertToken(ctx context.Context, q db.Querier, surveyID int64, hash, code, label string, now time.Time) (int64, error) {
	id, err := db.InsertID(ctx, q, `INSERT INTO survey_tokens (survey_id, token_hash, code, label, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, surveyID, hash, code, label, now, now)
	if err != nil {
		return 0, fmt.Errorf("surveys.insertToken: %w", err)
	}
	return id, nil
}

// addAnswers runs the batched inserts of a response's answers (with its
// id) and the upserts of the running totals, and counts the response.
func (store) addAnswers(ctx context.Context, q db.Querier, surveyID, respID int64, answers, counts []batch) error {
	for _, b := range answers {
		for j := 0; j < len(b.args); j += answerCols {
			b.args[j] = respID
		}
		if _, err := q.ExecContext(ctx, b.sql, b.args...); err != nil {
			return fmt.Errorf("surveys.addAnswers: answers: %w", err)
		}
	}
	for _, b := range counts {
		if _, err := q.ExecContext(ctx, b.sql, b.args...); err != nil {
			return fmt.Errorf("surveys.addAnswers: counts: %w", err)
		}
	}
	if _, err := q.ExecContext(ctx, `UPDATE surveys SET responses = responses + 1 WHERE id = ?`, surveyID); err != nil {
		return fmt.Errorf("surveys.addAnswers: total: %w", err)
	}
	return nil
}

// hit counts one public answer under key in the current window and
// returns the window's count.
func (store) hit(ctx context.Context, q db.Querier, key string, now time.Time, window time.Duration) (int, error) {
	var hits int
	err := q.QueryRowContext(ctx, `INSERT INTO survey_rate (key, window_start, hits) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN survey_rate.window_start > ? THEN survey_rate.hits + 1 ELSE 1 END,
  window_start = CASE WHEN survey_rate.window_start > ? THEN survey_rate.window_start ELSE excluded.window_start END
RETURNING hits`, key, now, now.Add(-window), now.Add(-window)).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("surveys.hit: %w", err)
	}
	return hits, nil
}

// countResponses counts the stored responses and distinct keys (bench).
func (store) countResponses(ctx context.Context, q db.Querier, surveyID int64) (responses, distinctKeys int, err error) {
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT idem_key) FROM survey_responses WHERE survey_id = ?`, surveyID).Scan(&responses, &distinctKeys)
	if err != nil {
		err = fmt.Errorf("surveys.countResponses: %w", err)
	}
	return responses, distinctKeys, err
}

// responseRow is one answer of a response (question nil for a response
// without answers); first is set on the first row of each response.
type responseRow struct {
	first                   bool
	publicID, channel, lang string
	at                      time.Time
	question, item, value   *string
}

// eachAnswer calls fn for every answer of every response of a survey, in
// the order of the responses' public ids.
func (store) eachAnswer(ctx context.Context, q db.Querier, surveyID int64, fn func(responseRow)) error {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.public_id, r.created_at, r.channel, r.lang, a.question, a.item, a.value
FROM survey_responses r LEFT JOIN survey_answers a ON a.response_id = r.id WHERE r.survey_id = ? ORDER BY r.public_id, r.id, a.id`, surveyID)
	if err != nil {
		return fmt.Errorf("surveys.eachAnswer: %w", err)
	}
	defer rows.Close()
	var cur int64 = -1
	for rows.Next() {
		var id int64
		var r responseRow
		if err := rows.Scan(&id, &r.publicID, &r.at, &r.channel, &r.lang, &r.question, &r.item, &r.value); err != nil {
			return fmt.Errorf("surveys.eachAnswer: scan: %w", err)
		}
		r.first, cur = id != cur, id
		fn(r)
	}
	return rows.Err()
}
