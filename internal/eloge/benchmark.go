// Package eloge runs the Council of Europe's European Label of Governance
// Excellence: a national platform's yearly cycle in which local
// self-governments assess themselves against the 12 Principles of Good
// Democratic Governance, citizens, councillors and staff answer
// questionnaires (on the survey engine), experts review and decide on the
// label, and the LSG plans improvements. The benchmark itself is data.
package eloge

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/surveys"
)

//go:embed data/*.json
var dataFS embed.FS

// Set is a versioned list of principles ("2008", "2023").
type Set struct {
	ID          int64
	Code        string // unique name of the version: "2008", "2008-v2"
	Title       surveys.Text
	Source      string
	Family      string // "2008", "2023": the versions of one list
	Version     int
	Status      string // SetDraft, SetPublished
	BasedOn     sql.Null[int64]
	PlatformID  sql.Null[int64] // the platform that made the version; none for the built-in ones
	PublishedAt sql.Null[time.Time]
	Cycles      int // cycles running on this version
	Principles  []Principle
}

// Principle is one of the principles with its indicators.
type Principle struct {
	ID          int64
	Number      int
	Title       surveys.Text
	Description surveys.Text
	Indicators  []Indicator
}

// Indicator is one measurable statement of a principle.
type Indicator struct {
	ID   int64
	Code string
	Text surveys.Text
}

type setFile struct {
	Code       string       `json:"code"`
	Title      surveys.Text `json:"title"`
	Source     string       `json:"source"`
	Principles []struct {
		Number      int          `json:"number"`
		Title       surveys.Text `json:"title"`
		Description surveys.Text `json:"description"`
		Indicators  []struct {
			Code string       `json:"code"`
			Text surveys.Text `json:"text"`
		} `json:"indicators"`
	} `json:"principles"`
}

// BuiltinSets lists the embedded principle sets.
func BuiltinSets() ([]setFile, error) {
	var out []setFile
	for _, name := range []string{"principles-2008.json", "principles-2023.json"} {
		b, err := dataFS.ReadFile("data/" + name)
		if err != nil {
			return nil, fmt.Errorf("eloge: %s: %w", name, err)
		}
		var f setFile
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("eloge: %s: %w", name, err)
		}
		if f.Code == "" || len(f.Principles) == 0 {
			return nil, fmt.Errorf("eloge: %s: empty set", name)
		}
		out = append(out, f)
	}
	return out, nil
}

func marshal(t surveys.Text) string {
	if t == nil {
		t = surveys.Text{}
	}
	b, _ := json.Marshal(t)
	return string(b)
}

// EnsureSets loads the embedded principle sets that the database lacks.
// Sets already stored are left as the platform edited them.
func (s *Service) EnsureSets(ctx context.Context) error {
	files, err := BuiltinSets()
	if err != nil {
		return err
	}
	for _, f := range files {
		var id int64
		err := s.db.QueryRowContext(ctx, `SELECT id FROM eloge_sets WHERE code = ?`, f.Code).Scan(&id)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("eloge.EnsureSets: %w", err)
		}
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			now := db.Now()
			sid, err := db.InsertID(ctx, tx, `INSERT INTO eloge_sets (code, title, source, family, version, status, published_at, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 'published', ?, ?, ?) RETURNING id`, f.Code, marshal(f.Title), f.Source, f.Code, now, now, now)
			if err != nil {
				if db.IsUniqueViolation(err) {
					return nil // loaded by another instance meanwhile
				}
				return err
			}
			for _, p := range f.Principles {
				pid, err := db.InsertID(ctx, tx, `INSERT INTO eloge_principles (set_id, number, title, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, sid, p.Number, marshal(p.Title), marshal(p.Description), now, now)
				if err != nil {
					return err
				}
				for _, in := range p.Indicators {
					if _, err := tx.ExecContext(ctx, `INSERT INTO eloge_indicators (principle_id, code, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, pid, in.Code, marshal(in.Text), now, now); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("eloge.EnsureSets(%s): %w", f.Code, err)
		}
	}
	return nil
}

// Sets lists the stored principle set versions (without principles),
// each family's versions together, oldest first.
func (s *Service) Sets(ctx context.Context) ([]Set, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+setColumns+` FROM eloge_sets ORDER BY family, version`)
	if err != nil {
		return nil, fmt.Errorf("eloge.Sets: %w", err)
	}
	defer rows.Close()
	var out []Set
	for rows.Next() {
		st, err := scanSet(rows)
		if err != nil {
			return nil, fmt.Errorf("eloge.Sets: scan: %w", err)
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// PublishedSets lists the versions new cycles can run on.
func (s *Service) PublishedSets(ctx context.Context) ([]Set, error) {
	all, err := s.Sets(ctx)
	var out []Set
	for _, st := range all {
		if st.Status == SetPublished {
			out = append(out, st)
		}
	}
	return out, err
}

// SetByID loads a set with its principles and indicators.
func (s *Service) SetByID(ctx context.Context, id int64) (*Set, error) {
	st, err := scanSet(s.db.QueryRowContext(ctx, `SELECT `+setColumns+` FROM eloge_sets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("eloge.SetByID: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.number, p.title, p.description, i.id, i.code, i.text
FROM eloge_principles p LEFT JOIN eloge_indicators i ON i.principle_id = p.id
WHERE p.set_id = ? ORDER BY p.number, i.id`, id)
	if err != nil {
		return nil, fmt.Errorf("eloge.SetByID: principles: %w", err)
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

// SetByCode loads a set by its code.
func (s *Service) SetByCode(ctx context.Context, code string) (*Set, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM eloge_sets WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("eloge.SetByCode: %w", err)
	}
	return s.SetByID(ctx, id)
}

// Numbers lists the principle numbers of a set.
func (st *Set) Numbers() []int {
	out := make([]int, len(st.Principles))
	for i, p := range st.Principles {
		out[i] = p.Number
	}
	return out
}
