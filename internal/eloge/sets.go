package eloge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/surveys"
)

// The states of a principle set version.
const (
	SetDraft     = "draft"     // being edited by its platform; no cycle can use it
	SetPublished = "published" // frozen; cycles run on it
)

// Refusals of the benchmark editor.
var (
	ErrSetFrozen   = refuse.Key(refuse.ErrConflict, "eloge.sets.frozen")
	ErrDraftExists = refuse.Key(refuse.ErrConflict, "eloge.sets.draft_exists")
	ErrSetInUse    = refuse.Key(refuse.ErrConflict, "eloge.sets.in_use")
)

// TextLocales are the languages the benchmark is written in; Serbian
// Cyrillic is generated from Serbian Latin (surveys.Text.In).
func TextLocales() []string {
	return []string{i18n.English, i18n.Bosnian, i18n.Croatian, i18n.SerbianLatin, i18n.Macedonian, i18n.Albanian}
}

// Text limits of the editor.
const (
	maxTitle       = 300
	maxDescription = 3000
	maxIndicator   = 2000
	maxIndicators  = 30
)

// Draft reports a set still being edited.
func (st *Set) Draft() bool { return st.Status == SetDraft }

// IndicatorCount is the number of indicators of a loaded set.
func (st *Set) IndicatorCount() int {
	n := 0
	for _, p := range st.Principles {
		n += len(p.Indicators)
	}
	return n
}

// Principle returns the principle with a number, or nil.
func (st *Set) Principle(number int) *Principle {
	for i := range st.Principles {
		if st.Principles[i].Number == number {
			return &st.Principles[i]
		}
	}
	return nil
}

// SetEditors are the platforms whose managers u is: they may make new
// versions of the benchmark and edit their drafts.
func (s *Benchmark) SetEditors(ctx context.Context, u *auth.User) ([]Platform, error) {
	if u == nil {
		return nil, nil
	}
	plats, err := s.Platforms(ctx)
	if err != nil {
		return nil, err
	}
	var out []Platform
	for _, p := range plats {
		if CanManagePlatform(u, &p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// CanEditSet reports whether u may change st: a draft, by a manager of
// the platform that made it.
func (s *Benchmark) CanEditSet(ctx context.Context, u *auth.User, st *Set) (bool, error) {
	if !st.Draft() || !st.PlatformID.Valid {
		return false, nil
	}
	p, err := platformByID(ctx, s.db, st.PlatformID.V)
	if errors.Is(err, refuse.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("eloge.CanEditSet: %w", err)
	}
	return CanManagePlatform(u, p), nil
}

// CanReadSet reports whether u may read st: a published version anyone
// may; a draft only an administrator and the managers of the platform
// that is writing it (a draft is work in progress, not the benchmark).
func (s *Benchmark) CanReadSet(ctx context.Context, u *auth.User, st *Set) (bool, error) {
	if !st.Draft() {
		return true, nil
	}
	if u != nil && u.IsAdmin() {
		return true, nil
	}
	return s.CanEditSet(ctx, u, st)
}

// editable loads the current state of a set inside a transaction and
// refuses unless it is a draft u may edit. Checking in the transaction
// keeps a concurrent publication from being changed afterwards.
func (s *Benchmark) editable(ctx context.Context, tx *db.Tx, actor *auth.User, setID int64) error {
	status, org, err := setOwner(ctx, tx, setID)
	if err != nil {
		return fmt.Errorf("eloge: set %d: %w", setID, err)
	}
	// Who may not edit sets hears that, whatever the set's state: the
	// permission is checked before the state.
	if actor != nil {
		ok, err := s.managesSet(ctx, tx, actor, org)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotManager
		}
	}
	if status != SetDraft {
		return ErrSetFrozen
	}
	if actor != nil && org == "" {
		return ErrNotManager // a draft always belongs to a platform
	}
	return nil
}

// mayEdit refuses (ErrNotManager) an actor who may not edit the set,
// before any check of the input or of the set's state.
func (s *Benchmark) mayEdit(ctx context.Context, actor *auth.User, setID int64) error {
	if actor == nil {
		return nil
	}
	_, org, err := setOwner(ctx, s.db, setID)
	if err != nil {
		return fmt.Errorf("eloge: set %d: %w", setID, err)
	}
	ok, err := s.managesSet(ctx, s.db, actor, org)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotManager
	}
	return nil
}

// managesSet reports whether actor edits the sets of org's platform, or,
// for a built-in set (org ""), manages some platform (who may make its new
// versions) or administers the site.
func (s *Benchmark) managesSet(ctx context.Context, q db.Querier, actor *auth.User, org string) (bool, error) {
	if org != "" {
		return CanManagePlatform(actor, &Platform{OrgID: org}), nil
	}
	if actor.IsAdmin() {
		return true, nil
	}
	plats, err := listPlatforms(ctx, q)
	if err != nil {
		return false, err
	}
	for _, p := range plats {
		if CanManagePlatform(actor, &p) {
			return true, nil
		}
	}
	return false, nil
}

// NewVersion copies a set into a new draft version of its family for a
// platform to edit (its managers). One draft per family at a time.
func (s *Benchmark) NewVersion(ctx context.Context, actor *auth.User, p *Platform, from *Set) (*Set, error) {
	if actor != nil && !CanManagePlatform(actor, p) {
		return nil, ErrNotManager
	}
	src, err := s.SetByID(ctx, from.ID)
	if err != nil {
		return nil, err
	}
	var out *Set
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		drafts, last, err := familyVersions(ctx, tx, src.Family)
		if err != nil {
			return fmt.Errorf("eloge.NewVersion: %w", err)
		}
		if drafts > 0 {
			return ErrDraftExists
		}
		v := last + 1
		code := src.Family + "-v" + strconv.Itoa(v)
		ns := newSet{code: code, title: marshal(src.Title), source: src.Source, family: src.Family, version: v, status: SetDraft, basedOn: src.ID, platformID: p.ID, principles: src.Principles}
		sid, err := insertSetTree(ctx, tx, ns, db.Now())
		if db.IsUniqueViolation(err) {
			return ErrDraftExists
		}
		if err != nil {
			return fmt.Errorf("eloge.NewVersion: %w", err)
		}
		out = &Set{ID: sid}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.set.version", ObjectKind: "eloge_set", ObjectRef: code, Details: map[string]string{"from": src.Code}})
	})
	if err != nil {
		return nil, err
	}
	return s.SetByID(ctx, out.ID)
}

// cleanText trims a text per locale and checks its length; required asks
// for at least one language.
func cleanText(t surveys.Text, limit int, required bool) (surveys.Text, string) {
	out := surveys.Text{}
	for _, loc := range TextLocales() {
		v := strings.TrimSpace(strings.ReplaceAll(t[loc], "\r", ""))
		if v == "" {
			continue
		}
		if utf8.RuneCountInString(v) > limit {
			return nil, "eloge.sets.too_long"
		}
		out[loc] = v
	}
	if required && len(out) == 0 {
		return nil, "eloge.sets.text_required"
	}
	return out, ""
}

// UpdateSet changes a draft's title and source.
func (s *Benchmark) UpdateSet(ctx context.Context, actor *auth.User, st *Set, title surveys.Text, source string) error {
	if err := s.mayEdit(ctx, actor, st.ID); err != nil {
		return err
	}
	fe := FieldErrors{}
	title, key := cleanText(title, maxTitle, true)
	if key != "" {
		fe["title"] = key
	}
	source = strings.TrimSpace(source)
	if utf8.RuneCountInString(source) > maxDescription {
		fe["source"] = "eloge.sets.too_long"
	}
	if len(fe) > 0 {
		return fe
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.editable(ctx, tx, actor, st.ID); err != nil {
			return err
		}
		if err := updateDraftMeta(ctx, tx, st.ID, marshal(title), source, db.Now()); err != nil {
			return fmt.Errorf("eloge.UpdateSet: %w", err)
		}
		st.Title, st.Source = title, source
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.set.edit", ObjectKind: "eloge_set", ObjectRef: st.Code})
	})
}

// IndicatorInput is one indicator row of the principle editor: ID 0 adds
// one, Delete removes it.
type IndicatorInput struct {
	ID     int64
	Code   string
	Text   surveys.Text
	Delete bool
}

// PrincipleInput is what the principle editor sends.
type PrincipleInput struct {
	Number      int
	Title       surveys.Text
	Description surveys.Text
	Indicators  []IndicatorInput
}

var indicatorCode = regexp.MustCompile(`^([1-9][0-9]?)\.([1-9][0-9]?)$`)

// ValidatePrinciple checks a principle's input and returns it cleaned;
// field names are those of the editor form ("ind.N.code").
func ValidatePrinciple(in PrincipleInput) (PrincipleInput, FieldErrors) {
	fe := FieldErrors{}
	if in.Number < 1 || in.Number > 99 {
		fe["number"] = "eloge.sets.number"
	}
	var key string
	if in.Title, key = cleanText(in.Title, maxTitle, true); key != "" {
		fe["title"] = key
	}
	if in.Description, key = cleanText(in.Description, maxDescription, false); key != "" {
		fe["description"] = key
	}
	var rows []IndicatorInput
	seen := map[string]bool{}
	for i, r := range in.Indicators {
		name := "ind." + strconv.Itoa(i)
		r.Code = strings.TrimSpace(r.Code)
		text, key := cleanText(r.Text, maxIndicator, false)
		if r.Delete || (r.ID == 0 && r.Code == "" && len(text) == 0) {
			if r.ID != 0 {
				rows = append(rows, IndicatorInput{ID: r.ID, Delete: true})
			}
			continue
		}
		r.Text = text
		if key != "" {
			fe[name+".text"] = key
		} else if len(text) == 0 {
			fe[name+".text"] = "eloge.sets.text_required"
		}
		m := indicatorCode.FindStringSubmatch(r.Code)
		switch {
		case m == nil:
			fe[name+".code"] = "eloge.sets.code"
		case m[1] != strconv.Itoa(in.Number):
			fe[name+".code"] = "eloge.sets.code_number"
		case seen[r.Code]:
			fe[name+".code"] = "eloge.sets.code_taken"
		}
		seen[r.Code] = true
		rows = append(rows, r)
	}
	if len(seen) > maxIndicators {
		fe["indicators"] = "eloge.sets.too_many"
	}
	in.Indicators = rows
	return in, fe
}

// SavePrinciple creates or changes one principle of a draft and its
// indicators. create refuses a number already taken.
func (s *Benchmark) SavePrinciple(ctx context.Context, actor *auth.User, st *Set, in PrincipleInput, create bool) error {
	if err := s.mayEdit(ctx, actor, st.ID); err != nil {
		return err
	}
	in, fe := ValidatePrinciple(in)
	if len(fe) > 0 {
		return fe
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.editable(ctx, tx, actor, st.ID); err != nil {
			return err
		}
		now := db.Now()
		pid, err := savePrincipleRow(ctx, tx, st.ID, in, create, now)
		if err != nil {
			return err
		}
		if err := saveIndicators(ctx, tx, pid, in.Indicators, now); err != nil {
			return err
		}
		if err := touchSet(ctx, tx, st.ID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.set.principle", ObjectKind: "eloge_set", ObjectRef: st.Code, Details: map[string]string{"principle": strconv.Itoa(in.Number)}})
	})
}

// savePrincipleRow creates (create) or changes a principle of a draft and
// returns its id.
func savePrincipleRow(ctx context.Context, tx *db.Tx, setID int64, in PrincipleInput, create bool, now time.Time) (int64, error) {
	pid, err := principleIDByNumber(ctx, tx, setID, in.Number)
	switch {
	case errors.Is(err, refuse.ErrNotFound):
		if !create {
			return 0, refuse.ErrNotFound
		}
		if pid, err = insertPrinciple(ctx, tx, setID, in.Number, marshal(in.Title), marshal(in.Description), now); err != nil {
			return 0, fmt.Errorf("eloge.SavePrinciple: %w", err)
		}
	case err != nil:
		return 0, fmt.Errorf("eloge.SavePrinciple: %w", err)
	case create:
		return 0, FieldErrors{"number": "eloge.sets.number_taken"}
	default:
		if err := updatePrinciple(ctx, tx, pid, marshal(in.Title), marshal(in.Description), now); err != nil {
			return 0, fmt.Errorf("eloge.SavePrinciple: %w", err)
		}
	}
	return pid, nil
}

// saveIndicators applies the editor's indicator rows to a principle:
// deletions and code changes first, so that codes can be swapped between
// rows without a transient unique violation, then the new texts and codes.
func saveIndicators(ctx context.Context, tx *db.Tx, pid int64, rows []IndicatorInput, now time.Time) error {
	for _, r := range rows {
		if r.ID == 0 {
			continue
		}
		if err := releaseIndicator(ctx, tx, pid, r.ID, r.Delete, now); err != nil {
			return fmt.Errorf("eloge.SavePrinciple: indicator: %w", err) // ErrNotFound: another principle's
		}
	}
	for _, r := range rows {
		var err error
		switch {
		case r.Delete:
			continue
		case r.ID == 0:
			err = insertIndicator(ctx, tx, pid, r.Code, marshal(r.Text), now)
		default:
			err = updateIndicator(ctx, tx, r.ID, r.Code, marshal(r.Text), now)
		}
		if db.IsUniqueViolation(err) {
			return FieldErrors{"indicators": "eloge.sets.code_taken"}
		}
		if err != nil {
			return fmt.Errorf("eloge.SavePrinciple: indicator: %w", err)
		}
	}
	return nil
}

// DeletePrinciple removes a principle (and its indicators) from a draft.
func (s *Benchmark) DeletePrinciple(ctx context.Context, actor *auth.User, st *Set, number int) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.editable(ctx, tx, actor, st.ID); err != nil {
			return err
		}
		if err := deletePrincipleByNumber(ctx, tx, st.ID, number); err != nil {
			return fmt.Errorf("eloge.DeletePrinciple: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.set.principle.delete", ObjectKind: "eloge_set", ObjectRef: st.Code, Details: map[string]string{"principle": strconv.Itoa(number)}})
	})
}

// PublishSet freezes a draft so that new cycles can run on it. Every
// principle needs a title and at least one indicator.
func (s *Benchmark) PublishSet(ctx context.Context, actor *auth.User, st *Set) error {
	if err := s.mayEdit(ctx, actor, st.ID); err != nil {
		return err
	}
	full, err := s.SetByID(ctx, st.ID)
	if err != nil {
		return err
	}
	if len(full.Principles) == 0 {
		return FieldErrors{"set": "eloge.sets.empty"}
	}
	fe := FieldErrors{}
	for _, p := range full.Principles {
		if len(p.Indicators) == 0 {
			fe["principle."+strconv.Itoa(p.Number)] = "eloge.sets.no_indicators"
		}
	}
	if len(fe) > 0 {
		return fe
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.editable(ctx, tx, actor, st.ID); err != nil {
			return err
		}
		now := db.Now()
		if err := publishDraft(ctx, tx, st.ID, now); err != nil {
			return fmt.Errorf("eloge.PublishSet: %w", err)
		}
		st.Status = SetPublished
		st.PublishedAt = sql.Null[time.Time]{V: now, Valid: true}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.set.publish", ObjectKind: "eloge_set", ObjectRef: st.Code})
	})
}

// DiscardDraft deletes a draft version (never a published one).
func (s *Benchmark) DiscardDraft(ctx context.Context, actor *auth.User, st *Set) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.editable(ctx, tx, actor, st.ID); err != nil {
			return err
		}
		used, err := cyclesUsingSet(ctx, tx, st.ID)
		if err != nil {
			return err
		}
		if used > 0 {
			return ErrSetInUse
		}
		if err := deleteDraft(ctx, tx, st.ID); err != nil {
			return fmt.Errorf("eloge.DiscardDraft: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.set.discard", ObjectKind: "eloge_set", ObjectRef: st.Code})
	})
}
