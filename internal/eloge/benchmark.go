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
	Principles []Principle  `json:"principles"` // number, title, description, indicators (code, text)
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
func (s *Benchmark) EnsureSets(ctx context.Context) error {
	files, err := BuiltinSets()
	if err != nil {
		return err
	}
	for _, f := range files {
		_, err := setIDByCode(ctx, s.db, f.Code)
		if err == nil {
			continue
		}
		if !errors.Is(err, refuse.ErrNotFound) {
			return fmt.Errorf("eloge.EnsureSets: %w", err)
		}
		now := db.Now()
		ns := newSet{code: f.Code, title: marshal(f.Title), source: f.Source, family: f.Code, version: 1, status: SetPublished, publishedAt: now, principles: f.Principles}
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := insertSetTree(ctx, tx, ns, now)
			if db.IsUniqueViolation(err) {
				return nil // loaded by another instance meanwhile
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("eloge.EnsureSets(%s): %w", f.Code, err)
		}
	}
	return nil
}

// Sets lists the stored principle set versions (without principles),
// each family's versions together, oldest first.
func (s *Benchmark) Sets(ctx context.Context) ([]Set, error) {
	out, err := listSets(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("eloge.Sets: %w", err)
	}
	return out, nil
}

// PublishedSets lists the versions new cycles can run on.
func (s *Benchmark) PublishedSets(ctx context.Context) ([]Set, error) {
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
func (s *Benchmark) SetByID(ctx context.Context, id int64) (*Set, error) {
	st, err := loadSet(ctx, s.db, id)
	if err != nil {
		return nil, fmt.Errorf("eloge.SetByID: %w", err)
	}
	return st, nil
}

// SetByCode loads a set by its code.
func (s *Benchmark) SetByCode(ctx context.Context, code string) (*Set, error) {
	id, err := setIDByCode(ctx, s.db, code)
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
