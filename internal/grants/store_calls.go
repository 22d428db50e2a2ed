package grants

import (
	"context"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of calls, their texts and questions.

// insertCall stores a new call and its texts.
func insertCall(ctx context.Context, tx *db.Tx, c *Call, now time.Time) error {
	id, err := db.InsertID(ctx, tx, `INSERT INTO grant_calls (public_id, slug, lsg_code, org_public_id, funder_name, lang, currency, total_budget, min_grant, max_grant,
own_share_pct, divergence_pct, opens_at, questions_until, closes_at, eligibility, form, criteria, status, created_by, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.PublicID, c.Slug, c.LSG, c.OrgPID, c.Funder, c.Lang, c.Currency, c.Total, c.Min, c.Max,
		c.OwnSharePct, c.DivergencePct, db.Time(c.OpensAt), db.Time(c.QuestionsUntil), db.Time(c.ClosesAt), c.EligibilityDef, c.FormDef, c.CriteriaDef, c.Status, nullID(c.CreatedBy), now, now)
	if err != nil {
		return err
	}
	c.ID = id
	return saveTexts(ctx, tx, c)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func saveTexts(ctx context.Context, tx *db.Tx, c *Call) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM grant_call_texts WHERE call_id = ?`, c.ID); err != nil {
		return err
	}
	now := db.Now()
	for _, t := range c.Texts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO grant_call_texts (call_id, lang, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, c.ID, t.Lang, t.Title, t.Body, now, now); err != nil {
			return err
		}
	}
	return nil
}

// updateCall stores a call's rules and texts.
func updateCall(ctx context.Context, tx *db.Tx, c *Call, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE grant_calls SET funder_name = ?, lang = ?, currency = ?, total_budget = ?, min_grant = ?, max_grant = ?, own_share_pct = ?, divergence_pct = ?,
opens_at = ?, questions_until = ?, closes_at = ?, eligibility = ?, form = ?, criteria = ?, updated_at = ? WHERE id = ?`,
		c.Funder, c.Lang, c.Currency, c.Total, c.Min, c.Max, c.OwnSharePct, c.DivergencePct, db.Time(c.OpensAt), db.Time(c.QuestionsUntil), db.Time(c.ClosesAt),
		c.EligibilityDef, c.FormDef, c.CriteriaDef, now, c.ID)
	if err != nil {
		return err
	}
	return saveTexts(ctx, tx, c)
}

func publishCall(ctx context.Context, tx *db.Tx, callID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE grant_calls SET status = 'published', updated_at = ? WHERE id = ? AND status = 'draft'`, now, callID)
	return err
}

// phaseSQL is the condition of a phase at now, as Call.Phase decides it.
func phaseSQL(phase string) string {
	switch phase {
	case PhaseUpcoming:
		return `c.status = 'published' AND c.opens_at > ?`
	case PhaseOpen:
		return `c.status = 'published' AND c.opens_at <= ? AND c.closes_at >= ?`
	case PhaseClosed:
		return `c.status = 'published' AND c.closes_at < ?`
	case PhaseDecided:
		return `c.status = 'decided'`
	}
	return `c.status <> 'draft'`
}

// draftCalls is the query of ListCalls for drafts (before CanManage picks).
func draftCalls(f CallFilter) (string, []any) {
	return `c.status = 'draft' AND (? = '' OR c.lsg_code = ?) AND (? = '' OR c.currency = ?) ORDER BY c.closes_at DESC, c.id DESC`, []any{f.LSG, f.LSG, f.Currency, f.Currency}
}

// publishedCalls is the query of ListCalls for the calls of f's phase at
// now, paged in SQL unless a text query is matched in Go.
func publishedCalls(f CallFilter, now time.Time) (string, []any) {
	args := []any{}
	switch f.Phase {
	case PhaseUpcoming, PhaseClosed:
		args = append(args, now)
	case PhaseOpen:
		args = append(args, now, now)
	}
	order := `c.closes_at DESC, c.id DESC`
	if f.Phase == PhaseOpen {
		order = `c.closes_at, c.id`
	}
	where := phaseSQL(f.Phase) + ` AND (? = '' OR c.lsg_code = ?) AND (? = '' OR c.currency = ?) ORDER BY ` + order
	args = append(args, f.LSG, f.LSG, f.Currency, f.Currency)
	if f.Limit > 0 && f.Query == "" {
		where += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	return where, args
}

// callsWhere reads the calls of a WHERE clause (without texts).
func callsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]*Call, error) {
	return db.All(ctx, q, func(r scanner) (*Call, error) {
		c := &Call{}
		return c, scanCall(r, c)
	}, `SELECT `+callColumns+` FROM grant_calls c WHERE `+where, args...)
}

func listQuestions(ctx context.Context, q db.Querier, callID int64) ([]QA, error) {
	return db.All(ctx, q, func(r scanner) (QA, error) {
		var x QA
		return x, r.Scan(&x.PublicID, &x.Question, &x.Answer, &x.AskedAt, &x.AnsweredAt)
	}, `SELECT public_id, question, answer, created_at, answered_at FROM grant_questions WHERE call_id = ? ORDER BY id`, callID)
}

func insertQuestion(ctx context.Context, q db.Querier, pid string, callID, by int64, question string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO grant_questions (public_id, call_id, asked_by, question, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, pid, callID, by, question, now, now)
	return err
}

// answerQuestion answers a question of the call (refuse.ErrNotFound).
func answerQuestion(ctx context.Context, q db.Querier, callID int64, qid, answer string, by int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE grant_questions SET answer = ?, answered_by = ?, answered_at = ?, updated_at = ? WHERE public_id = ? AND call_id = ?`, answer, by, now, now, qid, callID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return refuse.ErrNotFound
	}
	return nil
}
