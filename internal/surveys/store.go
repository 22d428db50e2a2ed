package surveys

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/dijalog/dijalog/internal/cache"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Survey is one questionnaire with its audience, dates and state.
type Survey struct {
	ID            int64
	PublicID      string
	OwnerKind     string // "lsg" or "org"
	OwnerRef      string // the LSG's place code or the organisation's public id
	Template      string // "finansirajgo", "eloge-citizens", ... or ""
	Title         Text
	Def           *Definition
	Audience      string // AudiencePublic, AudienceAccount, AudienceToken
	Status        string // StatusDraft, StatusOpen, StatusClosed
	OpensAt       sql.Null[time.Time]
	ClosesAt      sql.Null[time.Time]
	ResultsPublic bool
	Responses     int
	CreatedBy     int64
	CreatedAt     time.Time
}

// Audiences and states.
const (
	AudiencePublic  = "public"
	AudienceAccount = "account"
	AudienceToken   = "token"

	StatusDraft  = "draft"
	StatusOpen   = "open"
	StatusClosed = "closed"

	OwnerLSG = "lsg"
	OwnerOrg = "org"
)

// IsOpen reports whether the survey accepts answers at now.
func (s *Survey) IsOpen(now time.Time) bool {
	if s.Status != StatusOpen {
		return false
	}
	if s.OpensAt.Valid && now.Before(s.OpensAt.V) {
		return false
	}
	if s.ClosesAt.Valid && !now.Before(s.ClosesAt.V) {
		return false
	}
	return true
}

// store is the SQL of the package.
type store struct {
	// defs keeps parsed definitions by their stored JSON, so that a busy
	// survey is not parsed again on every request (a definition is the
	// largest column and its parse the largest part of loading a survey).
	// The key is the text itself, so an edited survey simply gets a new
	// entry and nothing needs emptying. Cached definitions are shared:
	// nothing changes a loaded definition in place.
	defs *cache.Cache[string, *Definition]
}

// defCacheMax bounds the parsed definitions and the rendered blank
// questionnaires kept.
const defCacheMax = 256

// defTTL is how long a parsed definition is kept unused or not.
const defTTL = time.Hour

func newStore() store {
	return store{defs: cache.New[string, *Definition](defTTL, defCacheMax)}
}

const surveyColumns = `id, public_id, owner_kind, owner_ref, template, title, definition, audience, status, opens_at, closes_at, results_public, responses, COALESCE(created_by, 0), created_at`

func (st store) scanSurvey(ctx context.Context, row interface{ Scan(...any) error }) (*Survey, error) {
	var s Survey
	var title, def string
	var pub int
	if err := row.Scan(&s.ID, &s.PublicID, &s.OwnerKind, &s.OwnerRef, &s.Template, &title, &def, &s.Audience, &s.Status, &s.OpensAt, &s.ClosesAt, &pub, &s.Responses, &s.CreatedBy, &s.CreatedAt); err != nil {
		return nil, err
	}
	s.ResultsPublic = pub == 1
	if err := json.Unmarshal([]byte(title), &s.Title); err != nil {
		return nil, fmt.Errorf("survey %s: title: %w", s.PublicID, err)
	}
	var err error
	if s.Def, err = st.definition(ctx, def); err != nil {
		return nil, fmt.Errorf("survey %s: definition: %w", s.PublicID, err)
	}
	return &s, nil
}

// definition parses a stored definition, or takes it from the cache.
func (st store) definition(ctx context.Context, raw string) (*Definition, error) {
	return st.defs.Get(ctx, raw, func(context.Context) (*Definition, error) {
		d := &Definition{}
		if err := json.Unmarshal([]byte(raw), d); err != nil {
			return nil, err
		}
		return d, nil
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullTime(t sql.Null[time.Time]) any {
	if !t.Valid {
		return nil
	}
	return db.Time(t.V)
}

func (store) insertSurvey(ctx context.Context, q db.Querier, s *Survey) error {
	now := db.Now()
	title, _ := json.Marshal(s.Title)
	var by any
	if s.CreatedBy != 0 {
		by = s.CreatedBy
	}
	id, err := db.InsertID(ctx, q, `INSERT INTO surveys (public_id, owner_kind, owner_ref, template, title, definition, audience, status, opens_at, closes_at, results_public, responses, created_by, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`,
		s.PublicID, s.OwnerKind, s.OwnerRef, s.Template, string(title), string(s.Def.Marshal()), s.Audience, s.Status, nullTime(s.OpensAt), nullTime(s.ClosesAt), b2i(s.ResultsPublic), by, now, now)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return refuse.ErrConflict
		}
		return fmt.Errorf("surveys.insertSurvey: %w", err)
	}
	s.ID, s.CreatedAt = id, now
	return nil
}

func (store) updateSurvey(ctx context.Context, q db.Querier, s *Survey) error {
	title, _ := json.Marshal(s.Title)
	_, err := q.ExecContext(ctx, `UPDATE surveys SET title = ?, definition = ?, audience = ?, status = ?, opens_at = ?, closes_at = ?, results_public = ?, updated_at = ? WHERE id = ?`,
		string(title), string(s.Def.Marshal()), s.Audience, s.Status, nullTime(s.OpensAt), nullTime(s.ClosesAt), b2i(s.ResultsPublic), db.Now(), s.ID)
	if err != nil {
		return fmt.Errorf("surveys.updateSurvey(%s): %w", s.PublicID, err)
	}
	return nil
}

func (st store) surveyByPublicID(ctx context.Context, q db.Querier, pid string) (*Survey, error) {
	s, err := st.scanSurvey(ctx, q.QueryRowContext(ctx, `SELECT `+surveyColumns+` FROM surveys WHERE public_id = ?`, pid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("surveys.surveyByPublicID(%q): %w", pid, err)
	}
	return s, nil
}

// ListFilter narrows a list of surveys.
type ListFilter struct {
	OwnerKind, OwnerRef string
	Statuses            []string // empty for any
	Template            string   // "" for any
	Limit               int
}

func (st store) listSurveys(ctx context.Context, q db.Querier, f ListFilter) ([]*Survey, error) {
	query := `SELECT ` + surveyColumns + ` FROM surveys WHERE 1 = 1`
	var args []any
	if f.OwnerKind != "" {
		query += ` AND owner_kind = ? AND owner_ref = ?`
		args = append(args, f.OwnerKind, f.OwnerRef)
	}
	if f.Template != "" {
		query += ` AND template = ?`
		args = append(args, f.Template)
	}
	if len(f.Statuses) > 0 {
		query += ` AND status IN (?` + repeat(", ?", len(f.Statuses)-1) + `)`
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	query += ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("surveys.listSurveys: %w", err)
	}
	defer rows.Close()
	var out []*Survey
	for rows.Next() {
		s, err := st.scanSurvey(ctx, rows)
		if err != nil {
			return nil, fmt.Errorf("surveys.listSurveys: scan: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

// counterKey is one running total.
type counterKey struct{ Question, Item, Value string }

// counters turns answers into the running totals they add: every answered
// question ("#" with the number or rank as total), each choice, each
// matrix row's point and each option's rank.
func counters(def *Definition, answers []Answer) map[counterKey]float64 {
	out := map[counterKey]float64{}
	bump := func(k counterKey, total float64) { out[k] += total }
	answered := map[string]bool{}
	for _, a := range answers {
		if !answered[a.Question] {
			answered[a.Question] = true
			t := 0.0
			if a.Num != nil {
				t = *a.Num
			}
			bump(counterKey{a.Question, "", "#"}, t)
		}
		q := def.Question(a.Question)
		if q == nil {
			continue
		}
		switch q.Type {
		case TypeSingle, TypeLikert:
			bump(counterKey{a.Question, "", a.Value}, 0)
		case TypeMultiple:
			bump(counterKey{a.Question, a.Item, "1"}, 0)
		case TypeMatrix:
			bump(counterKey{a.Question, a.Item, a.Value}, 0)
		case TypeRanking:
			var r float64
			fmt.Sscan(a.Value, &r)
			bump(counterKey{a.Question, a.Item, "#"}, r)
			bump(counterKey{a.Question, a.Item, a.Value}, 0)
		}
	}
	return out
}

func sortedKeys(m map[counterKey]float64) []counterKey {
	keys := make([]counterKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Question != b.Question {
			return a.Question < b.Question
		}
		if a.Item != b.Item {
			return a.Item < b.Item
		}
		return a.Value < b.Value
	})
	return keys
}

// Count is one running total as read back.
type Count struct {
	Question, Item, Value string
	N                     int
	Total                 float64
}

func (store) counts(ctx context.Context, q db.Querier, surveyID int64) ([]Count, error) {
	rows, err := q.QueryContext(ctx, `SELECT question, item, value, n, total FROM survey_counts WHERE survey_id = ?`, surveyID)
	if err != nil {
		return nil, fmt.Errorf("surveys.counts: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Question, &c.Item, &c.Value, &c.N, &c.Total); err != nil {
			return nil, fmt.Errorf("surveys.counts: scan: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// filteredCounts recomputes the totals over the responses that match a
// filter (an answer to one question, and/or the channel), from the answers.
func (store) filteredCounts(ctx context.Context, q db.Querier, s *Survey, f Filter) ([]Count, int, error) {
	where := `r.survey_id = ?`
	args := []any{s.ID}
	if f.Channel != "" {
		where += ` AND r.channel = ?`
		args = append(args, f.Channel)
	}
	if f.Question != "" {
		qq := s.Def.Question(f.Question)
		if qq != nil && qq.Type == TypeMultiple {
			where += ` AND r.id IN (SELECT response_id FROM survey_answers WHERE survey_id = ? AND question = ? AND item = ? AND value = '1')`
		} else {
			where += ` AND r.id IN (SELECT response_id FROM survey_answers WHERE survey_id = ? AND question = ? AND item = '' AND value = ?)`
		}
		args = append(args, s.ID, f.Question, f.Value)
	}
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses r WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("surveys.filteredCounts: total: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT a.response_id, a.question, a.item, a.value, a.num FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE `+where+` ORDER BY a.response_id, a.id`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("surveys.filteredCounts: %w", err)
	}
	defer rows.Close()
	sum := map[counterKey]*Count{}
	var cur int64 = -1
	var batch []Answer
	flush := func() {
		for k, t := range counters(s.Def, batch) {
			c := sum[k]
			if c == nil {
				c = &Count{Question: k.Question, Item: k.Item, Value: k.Value}
				sum[k] = c
			}
			c.N++
			c.Total += t
		}
		batch = batch[:0]
	}
	for rows.Next() {
		var rid int64
		var a Answer
		var num sql.Null[float64]
		if err := rows.Scan(&rid, &a.Question, &a.Item, &a.Value, &num); err != nil {
			return nil, 0, fmt.Errorf("surveys.filteredCounts: scan: %w", err)
		}
		if num.Valid {
			a.Num = &num.V
		}
		if rid != cur && cur != -1 {
			flush()
		}
		cur = rid
		batch = append(batch, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	flush()
	out := make([]Count, 0, len(sum))
	for _, c := range sum {
		out = append(out, *c)
	}
	return out, total, nil
}

// Token is an invitation token.
type Token struct {
	ID    int64
	Code  string
	Label string
	Used  bool
}

func (store) tokens(ctx context.Context, q db.Querier, surveyID int64) ([]Token, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, label, used_at IS NOT NULL FROM survey_tokens WHERE survey_id = ? ORDER BY id`, surveyID)
	if err != nil {
		return nil, fmt.Errorf("surveys.tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.Code, &t.Label, &t.Used); err != nil {
			return nil, fmt.Errorf("surveys.tokens: scan: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// texts returns the latest free-text answers to a question (for managers).
func (store) texts(ctx context.Context, q db.Querier, surveyID int64, question string, limit int) ([]string, error) {
	out, err := db.All(ctx, q, db.ScanString, `SELECT value FROM survey_answers WHERE survey_id = ? AND question = ? AND item = '' ORDER BY id DESC LIMIT ?`, surveyID, question, limit)
	if err != nil {
		return nil, fmt.Errorf("surveys.texts: %w", err)
	}
	return out, nil
}
