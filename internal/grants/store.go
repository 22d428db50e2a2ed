package grants

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of the module: the queries that more than one operation uses.

const callColumns = `c.id, c.public_id, c.slug, c.lsg_code, c.org_public_id, c.funder_name, c.lang, c.currency, c.total_budget, c.min_grant, c.max_grant,
c.own_share_pct, c.divergence_pct, c.opens_at, c.questions_until, c.closes_at, c.eligibility, c.form, c.criteria, c.status, c.decided_at,
COALESCE(c.created_by, 0), c.created_at, c.updated_at`

type scanner = db.Scanner

func scanCall(r scanner, c *Call) error {
	return r.Scan(&c.ID, &c.PublicID, &c.Slug, &c.LSG, &c.OrgPID, &c.Funder, &c.Lang, &c.Currency, &c.Total, &c.Min, &c.Max,
		&c.OwnSharePct, &c.DivergencePct, &c.OpensAt, &c.QuestionsUntil, &c.ClosesAt, &c.EligibilityDef, &c.FormDef, &c.CriteriaDef, &c.Status, &c.DecidedAt,
		&c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
}

// parseDefs fills the parsed definitions; they were validated on save.
func (c *Call) parseDefs() {
	c.Eligibility, _ = ParseEligibility(c.EligibilityDef)
	c.Form, _ = ParseForm(c.FormDef)
	c.Criteria, _ = ParseCriteria(c.CriteriaDef)
}

func loadTexts(ctx context.Context, q db.Querier, calls []*Call) error {
	if len(calls) == 0 {
		return nil
	}
	byID := map[int64]*Call{}
	args := make([]any, 0, len(calls))
	ph := ""
	for i, c := range calls {
		byID[c.ID] = c
		c.Texts = nil
		if i > 0 {
			ph += ","
		}
		ph += "?"
		args = append(args, c.ID)
	}
	rows, err := q.QueryContext(ctx, `SELECT call_id, lang, title, body FROM grant_call_texts WHERE call_id IN (`+ph+`) ORDER BY call_id, id`, args...)
	if err != nil {
		return wrap("loadTexts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t Text
		if err := rows.Scan(&id, &t.Lang, &t.Title, &t.Body); err != nil {
			return wrap("loadTexts", err)
		}
		byID[id].Texts = append(byID[id].Texts, t)
	}
	return wrap("loadTexts", rows.Err())
}

func callBy(ctx context.Context, q db.Querier, col string, v any) (*Call, error) {
	c := &Call{}
	err := scanCall(q.QueryRowContext(ctx, `SELECT `+callColumns+` FROM grant_calls c WHERE c.`+col+` = ?`, v), c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	if err != nil {
		return nil, wrap("callBy", err)
	}
	if err := loadTexts(ctx, q, []*Call{c}); err != nil {
		return nil, err
	}
	c.parseDefs()
	return c, nil
}

const appColumns = `a.id, a.public_id, a.call_id, a.org_public_id, a.org_name, a.org_jib, a.title, a.status, a.version, a.eligibility, a.eligible, a.answers, a.budget,
a.total_cost, a.requested, a.submitted_at, a.receipt_hash, a.decision, a.decision_reason, COALESCE(a.updated_by, 0), COALESCE(u.display_name, ''), a.created_at, a.updated_at`

const appFrom = ` FROM grant_applications a LEFT JOIN users u ON u.id = a.updated_by`

func scanApp(r scanner, a *Application) error {
	var elig, answers, budget string
	var eligible int64
	if err := r.Scan(&a.ID, &a.PublicID, &a.CallID, &a.OrgPID, &a.OrgName, &a.OrgJIB, &a.Title, &a.Status, &a.Version, &elig, &eligible, &answers, &budget,
		&a.TotalCost, &a.Requested, &a.SubmittedAt, &a.Receipt, &a.Decision, &a.DecisionReason, &a.UpdatedBy, &a.UpdatedByName, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return err
	}
	a.Eligible = eligible != 0
	a.Eligibility, a.Answers = map[string]string{}, map[string]string{}
	_ = json.Unmarshal([]byte(elig), &a.Eligibility)
	_ = json.Unmarshal([]byte(answers), &a.Answers)
	_ = json.Unmarshal([]byte(budget), &a.Budget)
	return nil
}

func appBy(ctx context.Context, q db.Querier, col string, v any) (*Application, error) {
	a := &Application{}
	err := scanApp(q.QueryRowContext(ctx, `SELECT `+appColumns+appFrom+` WHERE a.`+col+` = ?`, v), a)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	if err != nil {
		return nil, wrap("appBy", err)
	}
	return a, nil
}

func listApps(ctx context.Context, q db.Querier, where string, args ...any) ([]*Application, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+appColumns+appFrom+` WHERE `+where+` ORDER BY a.submitted_at, a.id`, args...)
	if err != nil {
		return nil, wrap("listApps", err)
	}
	defer rows.Close()
	var out []*Application
	for rows.Next() {
		a := &Application{}
		if err := scanApp(rows, a); err != nil {
			return nil, wrap("listApps", err)
		}
		out = append(out, a)
	}
	return out, wrap("listApps", rows.Err())
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings and slices of plain structs are marshalled
	}
	return string(b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func filesOf(ctx context.Context, q db.Querier, kind string, owner int64) ([]File, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, public_id, owner_kind, owner_id, field, filename, content_type, size, sha256, created_at
FROM grant_files WHERE owner_kind = ? AND owner_id = ? ORDER BY id`, kind, owner)
	if err != nil {
		return nil, wrap("filesOf", err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.PublicID, &f.OwnerKind, &f.OwnerID, &f.Field, &f.Filename, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedAt); err != nil {
			return nil, wrap("filesOf", err)
		}
		out = append(out, f)
	}
	return out, wrap("filesOf", rows.Err())
}

// callApps are all of a call's applications (drafts and withdrawn ones too).
func callApps(ctx context.Context, q db.Querier, callID int64) ([]*Application, error) {
	return listApps(ctx, q, `a.call_id = ?`, callID)
}

// submittedApps are a call's submitted applications.
func submittedApps(ctx context.Context, q db.Querier, callID int64) ([]*Application, error) {
	return listApps(ctx, q, `a.call_id = ? AND a.status = 'submitted'`, callID)
}

// insertFile stores a file's record.
func insertFile(ctx context.Context, tx *db.Tx, f *File, by int64, now time.Time) error {
	id, err := db.InsertID(ctx, tx, `INSERT INTO grant_files (public_id, owner_kind, owner_id, field, filename, content_type, size, sha256, uploaded_by, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, f.PublicID, f.OwnerKind, f.OwnerID, f.Field, f.Filename, f.ContentType, f.Size, f.SHA256, nullID(by), now, now)
	f.ID = id
	return err
}

// fileByPID is a file's record (refuse.ErrNotFound).
func fileByPID(ctx context.Context, q db.Querier, pid string) (*File, error) {
	f := &File{}
	err := q.QueryRowContext(ctx, `SELECT id, public_id, owner_kind, owner_id, field, filename, content_type, size, sha256, created_at FROM grant_files WHERE public_id = ?`, pid).
		Scan(&f.ID, &f.PublicID, &f.OwnerKind, &f.OwnerID, &f.Field, &f.Filename, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	return f, err
}

// reportApp is the application of the award a report belongs to.
func reportApp(ctx context.Context, q db.Querier, reportID int64) (int64, error) {
	var appID int64
	err := q.QueryRowContext(ctx, `SELECT w.application_id FROM grant_reports r JOIN grant_awards w ON w.id = r.award_id WHERE r.id = ?`, reportID).Scan(&appID)
	return appID, err
}
