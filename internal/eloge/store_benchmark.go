package eloge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// The SQL of platforms and principle sets (their principles and
// indicators). Functions take a db.Querier (the database or a
// transaction); a missing row is refuse.ErrNotFound.

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return refuse.ErrNotFound
	}
	return err
}

const platformColumns = `id, public_id, org_id, name, country`

func scanPlatform(row interface{ Scan(...any) error }) (*Platform, error) {
	var p Platform
	if err := row.Scan(&p.ID, &p.PublicID, &p.OrgID, &p.Name, &p.Country); err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

func insertPlatform(ctx context.Context, q db.Querier, p *Platform, now time.Time) error {
	id, err := db.InsertID(ctx, q, `INSERT INTO eloge_platforms (public_id, org_id, name, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, p.PublicID, p.OrgID, p.Name, p.Country, now, now)
	if db.IsUniqueViolation(err) {
		return refuse.ErrConflict
	}
	p.ID = id
	return err
}

func listPlatforms(ctx context.Context, q db.Querier) ([]Platform, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+platformColumns+` FROM eloge_platforms ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Platform
	for rows.Next() {
		p, err := scanPlatform(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

func platformByPublicID(ctx context.Context, q db.Querier, pid string) (*Platform, error) {
	return scanPlatform(q.QueryRowContext(ctx, `SELECT `+platformColumns+` FROM eloge_platforms WHERE public_id = ?`, pid))
}

func platformByID(ctx context.Context, q db.Querier, id int64) (*Platform, error) {
	return scanPlatform(q.QueryRowContext(ctx, `SELECT `+platformColumns+` FROM eloge_platforms WHERE id = ?`, id))
}

const setColumns = `id, code, title, source, family, version, status, based_on, platform_id, published_at,
 (SELECT COUNT(*) FROM eloge_cycles c WHERE c.set_id = eloge_sets.id)`

func scanSet(row interface{ Scan(...any) error }) (*Set, error) {
	var st Set
	var title string
	err := row.Scan(&st.ID, &st.Code, &title, &st.Source, &st.Family, &st.Version, &st.Status, &st.BasedOn, &st.PlatformID, &st.PublishedAt, &st.Cycles)
	if err != nil {
		return nil, notFound(err)
	}
	_ = json.Unmarshal([]byte(title), &st.Title)
	return &st, nil
}

func listSets(ctx context.Context, q db.Querier) ([]Set, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+setColumns+` FROM eloge_sets ORDER BY family, version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Set
	for rows.Next() {
		st, err := scanSet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

func setIDByCode(ctx context.Context, q db.Querier, code string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM eloge_sets WHERE code = ?`, code).Scan(&id)
	return id, notFound(err)
}

// loadSet reads a set with its principles and indicators.
func loadSet(ctx context.Context, q db.Querier, id int64) (*Set, error) {
	st, err := scanSet(q.QueryRowContext(ctx, `SELECT `+setColumns+` FROM eloge_sets WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.number, p.title, p.description, i.id, i.code, i.text
FROM eloge_principles p LEFT JOIN eloge_indicators i ON i.principle_id = p.id
WHERE p.set_id = ? ORDER BY p.number, i.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var num int
		var pt, pd string
		var iid sql.Null[int64]
		var code, text sql.Null[string]
		if err := rows.Scan(&pid, &num, &pt, &pd, &iid, &code, &text); err != nil {
			return nil, err
		}
		if len(st.Principles) == 0 || st.Principles[len(st.Principles)-1].ID != pid {
			p := Principle{ID: pid, Number: num}
			_ = json.Unmarshal([]byte(pt), &p.Title)
			_ = json.Unmarshal([]byte(pd), &p.Description)
			st.Principles = append(st.Principles, p)
		}
		if iid.Valid {
			in := Indicator{ID: iid.V, Code: code.V}
			_ = json.Unmarshal([]byte(text.V), &in.Text)
			last := &st.Principles[len(st.Principles)-1]
			last.Indicators = append(last.Indicators, in)
		}
	}
	return st, rows.Err()
}

// newSet is a set version to store with all its principles and indicators.
type newSet struct {
	code, source, family, status string
	title                        string // JSON of the texts
	version                      int
	basedOn, platformID          any // nil for a built-in set
	publishedAt                  any // nil for a draft
	principles                   []Principle
}

// insertSetTree stores a set with its principles and indicators.
func insertSetTree(ctx context.Context, q db.Querier, ns newSet, now time.Time) (int64, error) {
	sid, err := db.InsertID(ctx, q, `INSERT INTO eloge_sets (code, title, source, family, version, status, based_on, platform_id, published_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ns.code, ns.title, ns.source, ns.family, ns.version, ns.status, ns.basedOn, ns.platformID, ns.publishedAt, now, now)
	if err != nil {
		return 0, err
	}
	for _, p := range ns.principles {
		pid, err := insertPrinciple(ctx, q, sid, p.Number, marshal(p.Title), marshal(p.Description), now)
		if err != nil {
			return 0, err
		}
		for _, in := range p.Indicators {
			if err := insertIndicator(ctx, q, pid, in.Code, marshal(in.Text), now); err != nil {
				return 0, err
			}
		}
	}
	return sid, nil
}

func insertPrinciple(ctx context.Context, q db.Querier, setID int64, number int, title, description string, now time.Time) (int64, error) {
	return db.InsertID(ctx, q, `INSERT INTO eloge_principles (set_id, number, title, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, setID, number, title, description, now, now)
}

func insertIndicator(ctx context.Context, q db.Querier, principleID int64, code, text string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO eloge_indicators (principle_id, code, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, principleID, code, text, now, now)
	return err
}

// setOwner is a set's status and the organisation of the platform that
// made it ("" for a built-in set).
func setOwner(ctx context.Context, q db.Querier, setID int64) (status, org string, err error) {
	var platform sql.Null[int64]
	if err := q.QueryRowContext(ctx, `SELECT status, platform_id FROM eloge_sets WHERE id = ?`, setID).Scan(&status, &platform); err != nil {
		return "", "", notFound(err)
	}
	if platform.Valid {
		if err := q.QueryRowContext(ctx, `SELECT org_id FROM eloge_platforms WHERE id = ?`, platform.V).Scan(&org); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", "", err
		}
	}
	return status, org, nil
}

// familyVersions counts a family's drafts and returns its last version.
func familyVersions(ctx context.Context, q db.Querier, family string) (drafts, last int, err error) {
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'draft' THEN 1 ELSE 0 END), 0), COALESCE(MAX(version), 0) FROM eloge_sets WHERE family = ?`, family).Scan(&drafts, &last)
	return drafts, last, err
}

func updateDraftMeta(ctx context.Context, q db.Querier, setID int64, title, source string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_sets SET title = ?, source = ?, updated_at = ? WHERE id = ? AND status = 'draft'`, title, source, now, setID)
	return err
}

func principleIDByNumber(ctx context.Context, q db.Querier, setID int64, number int) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM eloge_principles WHERE set_id = ? AND number = ?`, setID, number).Scan(&id)
	return id, notFound(err)
}

func updatePrinciple(ctx context.Context, q db.Querier, id int64, title, description string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_principles SET title = ?, description = ?, updated_at = ? WHERE id = ?`, title, description, now, id)
	return err
}

// releaseIndicator deletes an indicator of a principle, or parks its code
// ("~<id>") so that codes can be swapped between rows; ErrNotFound when the
// indicator is not the principle's.
func releaseIndicator(ctx context.Context, q db.Querier, principleID, id int64, remove bool, now time.Time) error {
	query := `UPDATE eloge_indicators SET code = ?, updated_at = ? WHERE id = ? AND principle_id = ?`
	args := []any{"~" + strconv.FormatInt(id, 10), now, id, principleID}
	if remove {
		query, args = `DELETE FROM eloge_indicators WHERE id = ? AND principle_id = ?`, []any{id, principleID}
	}
	return oneRow(q.ExecContext(ctx, query, args...))
}

func updateIndicator(ctx context.Context, q db.Querier, id int64, code, text string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_indicators SET code = ?, text = ?, updated_at = ? WHERE id = ?`, code, text, now, id)
	return err
}

func touchSet(ctx context.Context, q db.Querier, setID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_sets SET updated_at = ? WHERE id = ?`, now, setID)
	return err
}

func deletePrincipleByNumber(ctx context.Context, q db.Querier, setID int64, number int) error {
	return oneRow(q.ExecContext(ctx, `DELETE FROM eloge_principles WHERE set_id = ? AND number = ?`, setID, number))
}

func publishDraft(ctx context.Context, q db.Querier, setID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE eloge_sets SET status = 'published', published_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'`, now, now, setID)
	return err
}

func cyclesUsingSet(ctx context.Context, q db.Querier, setID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM eloge_cycles WHERE set_id = ?`, setID).Scan(&n)
	return n, err
}

func deleteDraft(ctx context.Context, q db.Querier, setID int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM eloge_sets WHERE id = ? AND status = 'draft'`, setID)
	return err
}

// oneRow turns a statement's result into ErrNotFound unless it changed
// exactly one row.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return refuse.ErrNotFound
	}
	return nil
}
