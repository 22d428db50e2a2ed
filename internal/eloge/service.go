package eloge

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/surveys"
)

// Refusals of the ELoGE rules: each a flavour of a refuse sentinel that
// carries the catalogue key of its message (refuse.KeyOf), so the web
// adapter answers it with the sentinel's status and this message.
var (
	ErrNotManager    = refuse.Key(refuse.ErrForbidden, "eloge.err.forbidden")
	ErrNotExpert     = refuse.Key(refuse.ErrForbidden, "eloge.err.not_expert")
	ErrNotMember     = refuse.Key(refuse.ErrConflict, "eloge.err.not_member")
	ErrState         = refuse.Key(refuse.ErrConflict, "eloge.err.state")
	ErrIncomplete    = refuse.Key(refuse.ErrConflict, "eloge.err.incomplete")
	ErrBelowThresh   = refuse.Key(refuse.ErrConflict, "eloge.err.below")
	ErrCycleClosed   = refuse.Key(refuse.ErrConflict, "eloge.err.closed")
	ErrSurveysExist  = refuse.Key(refuse.ErrConflict, "eloge.err.surveys_exist")
	ErrNoScores      = refuse.Key(refuse.ErrConflict, "eloge.err.no_scores")
	ErrUnknownLSG    = refuse.Key(refuse.ErrConflict, "eloge.err.unknown_lsg")
	ErrUnknownPerson = refuse.Key(refuse.ErrConflict, "eloge.err.unknown_person")
)

// FieldErrors maps form fields to catalogue keys (the one type of internal/web).
type FieldErrors = refuse.FieldErrors

// Directory answers questions about people and organisations; the auth
// service implements it.
type Directory interface {
	Organisation(ctx context.Context, pid string) (*auth.Organisation, error)
	Members(ctx context.Context, orgID int64) ([]auth.User, error)
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
}

// LSGChecker says whether a code is an LSG; the places service backs it.
type LSGChecker func(ctx context.Context, code string) bool

// Service is the ELoGE module: three services over one set of tables,
// each with its own rules.
type Service struct {
	*Benchmark   // platforms and their versioned principle sets
	*Assessments // cycles, experts, participants, matrices and reviews
	*Results     // questionnaires, scores, decisions, labels, action plans
}

// core is what every ELoGE service is built from.
type core struct {
	db      *db.DB
	surveys *surveys.Service
	dir     Directory
	isLSG   LSGChecker
}

// Benchmark holds the accredited platforms and the principle sets they
// edit.
type Benchmark struct{ core }

// Assessments holds a platform's yearly cycles: who takes part, who
// reviews, and the self-assessment matrices.
type Assessments struct {
	core
	bench *Benchmark
}

// Results holds what a cycle produces: the questionnaires and their
// scores, decisions, labels and improvement plans.
type Results struct {
	core
	bench  *Benchmark
	assess *Assessments
}

// NewService makes the service.
func NewService(d *db.DB, sv *surveys.Service, dir Directory, isLSG LSGChecker) *Service {
	c := core{db: d, surveys: sv, dir: dir, isLSG: isLSG}
	b := &Benchmark{core: c}
	as := &Assessments{core: c, bench: b}
	return &Service{Benchmark: b, Assessments: as, Results: &Results{core: c, bench: b, assess: as}}
}

// Surveys is the survey engine the questionnaires run on.
func (s *Results) Surveys() *surveys.Service { return s.surveys }

func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func actorID(u *auth.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// Platform is an organisation accredited to run ELoGE in a country.
type Platform struct {
	ID       int64
	PublicID string
	OrgID    string // the auth organisation's public id
	Name     string
	Country  string
}

// CanManagePlatform: the organisation's representatives and administrators.
func CanManagePlatform(u *auth.User, p *Platform) bool {
	return auth.Can(u, auth.ActManageOrg, auth.Object{Org: p.OrgID})
}

// CreatePlatform gives an organisation the platform role (administrators;
// actor nil is the system).
func (s *Benchmark) CreatePlatform(ctx context.Context, actor *auth.User, orgPID string) (*Platform, error) {
	if actor != nil && !auth.Can(actor, auth.ActAdminSite, auth.Object{}) {
		return nil, ErrNotManager
	}
	org, err := s.dir.Organisation(ctx, orgPID)
	if err != nil {
		return nil, err
	}
	p := &Platform{PublicID: newID(), OrgID: org.PublicID, Name: org.Name, Country: "BA"}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertPlatform(ctx, tx, p, db.Now()); err != nil {
			return fmt.Errorf("eloge.CreatePlatform: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.platform", ObjectKind: "organisation", ObjectRef: org.PublicID})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Platforms lists the platforms.
func (s *Benchmark) Platforms(ctx context.Context) ([]Platform, error) {
	out, err := listPlatforms(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("eloge.Platforms: %w", err)
	}
	return out, nil
}

// PlatformByPublicID returns one platform.
func (s *Benchmark) PlatformByPublicID(ctx context.Context, pid string) (*Platform, error) {
	p, err := platformByPublicID(ctx, s.db, pid)
	if err != nil {
		return nil, fmt.Errorf("eloge.PlatformByPublicID: %w", err)
	}
	return p, nil
}

// Cycle is one year's round of a platform.
type Cycle struct {
	ID                   int64
	PublicID             string
	Platform             Platform
	SetID                int64
	SetCode              string
	Year                 int
	Title                string
	Status               string // "open", "closed"
	ScaleMax             int
	Weights              Weights
	Threshold            int
	RequireJustification bool
}

// CycleInput are the settings of a new cycle.
type CycleInput struct {
	Year                 int
	Title                string
	SetCode              string
	ScaleMax             int
	Weights              Weights
	Threshold            int
	RequireJustification bool
}

func validateCycle(in *CycleInput) FieldErrors {
	fe := FieldErrors{}
	if in.Year < 2000 || in.Year > 2100 {
		fe["year"] = "eloge.form.year"
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 200 {
		fe["title"] = "form.required"
	}
	if in.ScaleMax < 1 || in.ScaleMax > 10 {
		fe["scale_max"] = "eloge.form.scale"
	}
	w := in.Weights
	for k, v := range map[string]int{"w_self": w.Self, "w_citizens": w.Citizens, "w_councillors": w.Councillors, "w_staff": w.Staff} {
		if v < 0 || v > 100 {
			fe[k] = "eloge.form.weight"
		}
	}
	if w.Self+w.Citizens+w.Councillors+w.Staff == 0 {
		fe["w_self"] = "eloge.form.weights_zero"
	}
	if in.Threshold < 0 || in.Threshold > 100 {
		fe["threshold"] = "eloge.form.threshold"
	}
	return fe
}

// OpenCycle starts a platform's cycle (its managers).
func (s *Assessments) OpenCycle(ctx context.Context, actor *auth.User, p *Platform, in CycleInput) (*Cycle, error) {
	if actor != nil && !CanManagePlatform(actor, p) {
		return nil, ErrNotManager
	}
	fe := validateCycle(&in)
	set, err := s.bench.SetByCode(ctx, in.SetCode)
	switch {
	case errors.Is(err, refuse.ErrNotFound):
		fe["set"] = "form.invalid_choice"
	case err != nil:
		return nil, err
	case set.Status != SetPublished:
		fe["set"] = "eloge.sets.not_published" // a draft can still change
	}
	if len(fe) > 0 {
		return nil, fe
	}
	c := &Cycle{PublicID: newID(), Platform: *p, SetID: set.ID, SetCode: set.Code, Year: in.Year, Title: in.Title, Status: "open", ScaleMax: in.ScaleMax, Weights: in.Weights, Threshold: in.Threshold, RequireJustification: in.RequireJustification}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		err := insertCycle(ctx, tx, c, db.Now())
		if errors.Is(err, refuse.ErrConflict) {
			return FieldErrors{"year": "eloge.form.year_taken"}
		}
		if err != nil {
			return fmt.Errorf("eloge.OpenCycle: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.cycle.open", ObjectKind: "eloge_cycle", ObjectRef: c.PublicID, Details: map[string]string{"year": fmt.Sprint(c.Year)}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Cycles lists every cycle, newest first.
func (s *Assessments) Cycles(ctx context.Context) ([]*Cycle, error) {
	out, err := listCycles(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("eloge.Cycles: %w", err)
	}
	return out, nil
}

// CycleByPublicID returns one cycle.
func (s *Assessments) CycleByPublicID(ctx context.Context, pid string) (*Cycle, error) {
	c, err := cycleByPublicID(ctx, s.db, pid)
	if err != nil {
		return nil, fmt.Errorf("eloge.CycleByPublicID: %w", err)
	}
	return c, nil
}

// SetCycleStatus opens or closes a cycle (managers).
func (s *Assessments) SetCycleStatus(ctx context.Context, actor *auth.User, c *Cycle, status string) error {
	if actor != nil && !CanManagePlatform(actor, &c.Platform) {
		return ErrNotManager
	}
	if status != "open" && status != "closed" {
		return FieldErrors{"status": "form.invalid_choice"}
	}
	if err := setCycleStatus(ctx, s.db, c.ID, status, db.Now()); err != nil {
		return fmt.Errorf("eloge.SetCycleStatus: %w", err)
	}
	c.Status = status
	return nil
}

// Expert is a person reviewing one cycle.
type Expert struct {
	UserID int64
	Name   string
	Email  string
}

// Experts lists a cycle's experts.
func (s *Assessments) Experts(ctx context.Context, c *Cycle) ([]Expert, error) {
	out, err := listExperts(ctx, s.db, c.ID)
	if err != nil {
		return nil, fmt.Errorf("eloge.Experts: %w", err)
	}
	return out, nil
}

// IsExpert reports whether u reviews cycle c. Being an expert is per
// cycle: an expert of 2022 has no say in 2023 unless named again.
func (s *Assessments) IsExpert(ctx context.Context, u *auth.User, c *Cycle) (bool, error) {
	if u == nil || u.Status != auth.StatusActive {
		return false, nil
	}
	ok, err := isExpert(ctx, s.db, c.ID, u.ID)
	if err != nil {
		return false, fmt.Errorf("eloge.IsExpert: %w", err)
	}
	return ok, nil
}

// AddExpert names a member of the platform's organisation an expert of
// the cycle (managers).
func (s *Assessments) AddExpert(ctx context.Context, actor *auth.User, c *Cycle, email string) error {
	if actor != nil && !CanManagePlatform(actor, &c.Platform) {
		return ErrNotManager
	}
	u, err := s.dir.UserByEmail(ctx, email)
	if errors.Is(err, refuse.ErrNotFound) {
		return ErrUnknownPerson
	}
	if err != nil {
		return err
	}
	org, err := s.dir.Organisation(ctx, c.Platform.OrgID)
	if err != nil {
		return err
	}
	members, err := s.dir.Members(ctx, org.ID)
	if err != nil {
		return err
	}
	member := false
	for _, m := range members {
		member = member || m.ID == u.ID
	}
	if !member {
		return ErrNotMember
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertExpert(ctx, tx, c.ID, u.ID, db.Now()); err != nil {
			return fmt.Errorf("eloge.AddExpert: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.expert.add", ObjectKind: "eloge_cycle", ObjectRef: c.PublicID, Details: map[string]string{"user": u.PublicID}})
	})
}

// Participant is an LSG taking part in a cycle.
type Participant struct {
	ID                int64
	CycleID           int64
	LSG               string
	Status            string // draft, submitted, returned, approved
	CitizensSurvey    string
	CouncillorsSurvey string
	StaffSurvey       string
	Decision          string // "", "awarded", "not_awarded"
	DecisionScore     sql.Null[float64]
	DecisionReasons   string
	DecidedAt         sql.Null[time.Time]
	Published         bool
}

// Awarded reports a label.
func (p *Participant) Awarded() bool { return p.Decision == "awarded" }

// SurveyID returns the questionnaire of a source.
func (p *Participant) SurveyID(source string) string {
	switch source {
	case SourceCitizens:
		return p.CitizensSurvey
	case SourceCouncillors:
		return p.CouncillorsSurvey
	case SourceStaff:
		return p.StaffSurvey
	}
	return ""
}

// AddParticipant enrols an LSG in the cycle (managers).
func (s *Assessments) AddParticipant(ctx context.Context, actor *auth.User, c *Cycle, lsg string) (*Participant, error) {
	if actor != nil && !CanManagePlatform(actor, &c.Platform) {
		return nil, ErrNotManager
	}
	if s.isLSG != nil && !s.isLSG(ctx, lsg) {
		return nil, ErrUnknownLSG
	}
	if c.Status != "open" {
		return nil, ErrCycleClosed
	}
	p := &Participant{CycleID: c.ID, LSG: lsg, Status: "draft"}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertParticipant(ctx, tx, p, db.Now()); err != nil {
			return fmt.Errorf("eloge.AddParticipant: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.participant.add", ObjectKind: "eloge_cycle", ObjectRef: c.PublicID, Details: map[string]string{"lsg": lsg}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Participants lists a cycle's LSGs.
func (s *Assessments) Participants(ctx context.Context, c *Cycle) ([]*Participant, error) {
	out, err := db.All(ctx, s.db, scanParticipant, `SELECT `+participantColumns+` FROM eloge_participants WHERE cycle_id = ? ORDER BY lsg_code`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("eloge.Participants: %w", err)
	}
	return out, nil
}

// Participant returns one LSG's participation in a cycle.
func (s *Assessments) Participant(ctx context.Context, c *Cycle, lsg string) (*Participant, error) {
	p, err := participantOf(ctx, s.db, c.ID, lsg)
	if err != nil {
		return nil, fmt.Errorf("eloge.Participant: %w", err)
	}
	return p, nil
}

// ParticipationsOf lists an LSG's participations in every cycle.
func (s *Assessments) ParticipationsOf(ctx context.Context, lsg string) ([]*Participant, error) {
	out, err := db.All(ctx, s.db, scanParticipant, `SELECT `+participantColumns+` FROM eloge_participants WHERE lsg_code = ? ORDER BY id DESC`, lsg)
	if err != nil {
		return nil, fmt.Errorf("eloge.ParticipationsOf: %w", err)
	}
	return out, nil
}

// CanEditLSG is the LSG team's permission.
func CanEditLSG(u *auth.User, lsg string) bool {
	return auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: lsg})
}

// Entry is one row of the self-assessment matrix.
type Entry struct {
	Indicator     Indicator
	Principle     int
	Score         sql.Null[int64]
	Justification string
	Evidence      string
	Review        string // "", "returned", "accepted"
	Comment       string
}

// EvidenceItem is one line of evidence: a web link or a document reference.
type EvidenceItem struct {
	Text string
	Link bool
}

// EvidenceLinks splits the evidence into lines, marking web links.
func (e Entry) EvidenceLinks() []EvidenceItem {
	var out []EvidenceItem
	for _, l := range strings.Split(e.Evidence, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, EvidenceItem{Text: l, Link: IsLink(l)})
		}
	}
	return out
}

// IsLink reports whether an evidence line is a web link.
func IsLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Matrix returns the self-assessment matrix of a participant: every
// indicator of the cycle's set, with what was entered so far.
func (s *Assessments) Matrix(ctx context.Context, c *Cycle, p *Participant) ([]Entry, *Set, error) {
	set, err := s.bench.SetByID(ctx, c.SetID)
	if err != nil {
		return nil, nil, err
	}
	have, err := matrixEntries(ctx, s.db, p.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("eloge.Matrix: %w", err)
	}
	var out []Entry
	for _, pr := range set.Principles {
		for _, in := range pr.Indicators {
			e := have[in.ID]
			e.Indicator, e.Principle = in, pr.Number
			out = append(out, e)
		}
	}
	return out, set, nil
}

// MatrixInput is what the LSG team enters for one indicator.
type MatrixInput struct {
	IndicatorID   int64
	Score         string // "" for not scored yet
	Justification string
	Evidence      string
}

// SaveMatrix stores the team's scores, justifications and evidence (the
// LSG's team, while the matrix is a draft or returned). With submit, the
// matrix goes to the experts: every indicator must then be scored.
func (s *Assessments) SaveMatrix(ctx context.Context, actor *auth.User, c *Cycle, p *Participant, in []MatrixInput, submit bool) error {
	if actor != nil && !CanEditLSG(actor, p.LSG) {
		return ErrNotManager
	}
	if c.Status != "open" {
		return ErrCycleClosed
	}
	if p.Status != "draft" && p.Status != "returned" {
		return ErrState
	}
	entries, _, err := s.Matrix(ctx, c, p)
	if err != nil {
		return err
	}
	rows, fe := checkMatrix(c, entries, in, submit)
	if len(fe) > 0 {
		return fe
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		for _, r := range rows {
			if err := saveAssessment(ctx, tx, p.ID, r, actorID(actor), now); err != nil {
				return fmt.Errorf("eloge.SaveMatrix: %w", err)
			}
		}
		if submit {
			if err := setParticipantStatus(ctx, tx, p.ID, "submitted", now); err != nil {
				return fmt.Errorf("eloge.SaveMatrix: submit: %w", err)
			}
			p.Status = "submitted"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.matrix.save", ObjectKind: "eloge_participant", ObjectRef: p.LSG, Details: map[string]string{"submit": fmt.Sprint(submit)}})
	})
}

// assessmentRow is one indicator's entry as it will be stored.
type assessmentRow struct {
	id    int64
	score any // nil: not scored yet
	just  string
	evid  string
}

// checkMatrix checks what the team entered against the cycle's rules and
// returns the rows to store (indicators outside the set are ignored). With
// submit, every indicator of the set must be scored.
func checkMatrix(c *Cycle, entries []Entry, in []MatrixInput, submit bool) ([]assessmentRow, FieldErrors) {
	known := map[int64]bool{}
	for _, e := range entries {
		known[e.Indicator.ID] = true
	}
	fe := FieldErrors{}
	var rows []assessmentRow
	scored := map[int64]bool{}
	for _, m := range in {
		if !known[m.IndicatorID] {
			continue
		}
		r, ok := checkEntry(c, m, fe)
		if !ok {
			continue
		}
		if r.score != nil {
			scored[m.IndicatorID] = true
		}
		rows = append(rows, r)
	}
	if submit {
		for _, e := range entries {
			if !scored[e.Indicator.ID] {
				fe["score."+fmt.Sprint(e.Indicator.ID)] = "eloge.matrix.score_missing"
			}
		}
	}
	return rows, fe
}

// checkEntry checks one indicator's score, justification and evidence; ok
// is false when the score is unusable (the row is then not stored).
func checkEntry(c *Cycle, m MatrixInput, fe FieldErrors) (assessmentRow, bool) {
	key := fmt.Sprint(m.IndicatorID)
	r := assessmentRow{id: m.IndicatorID, just: strings.TrimSpace(m.Justification), evid: strings.TrimSpace(strings.ReplaceAll(m.Evidence, "\r", ""))}
	if m.Score != "" {
		var n int
		if _, err := fmt.Sscan(m.Score, &n); err != nil || n < 0 || n > c.ScaleMax || fmt.Sprint(n) != strings.TrimSpace(m.Score) {
			fe["score."+key] = "eloge.matrix.score_range"
			return r, false
		}
		r.score = n
		if c.RequireJustification && r.just == "" {
			fe["justification."+key] = "eloge.matrix.justification_required"
		}
	}
	if utf8.RuneCountInString(r.just) > 4000 {
		fe["justification."+key] = "eloge.matrix.too_long"
	}
	if len(strings.Split(r.evid, "\n")) > 20 || utf8.RuneCountInString(r.evid) > 4000 {
		fe["evidence."+key] = "eloge.matrix.evidence"
	}
	return r, true
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Review records an expert's verdict on one indicator: "returned" with a
// comment sends the matrix back to the LSG; when every indicator is
// accepted, the matrix is approved. Only experts of this cycle may review.
func (s *Assessments) Review(ctx context.Context, actor *auth.User, c *Cycle, p *Participant, indicatorID int64, verdict, comment string) error {
	if actor != nil {
		ok, err := s.IsExpert(ctx, actor, c)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotExpert
		}
	}
	if p.Status != "submitted" && p.Status != "returned" {
		return ErrState
	}
	comment = strings.TrimSpace(comment)
	if verdict != "returned" && verdict != "accepted" {
		return FieldErrors{"verdict": "form.invalid_choice"}
	}
	if verdict == "returned" && comment == "" {
		return FieldErrors{"comment": "eloge.review.comment_required"}
	}
	if utf8.RuneCountInString(comment) > 4000 {
		return FieldErrors{"comment": "eloge.matrix.too_long"}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if err := setReview(ctx, tx, p.ID, indicatorID, verdict, comment, now); err != nil {
			return fmt.Errorf("eloge.Review: %w", err)
		}
		accepted, returned, indicators, err := reviewCounts(ctx, tx, p.ID, c.SetID)
		if err != nil {
			return fmt.Errorf("eloge.Review: count: %w", err)
		}
		status := p.Status
		switch {
		case returned > 0:
			status = "returned"
		case accepted == indicators:
			status = "approved"
		}
		if status != p.Status {
			if err := setParticipantStatus(ctx, tx, p.ID, status, now); err != nil {
				return err
			}
			p.Status = status
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.review", ObjectKind: "eloge_participant", ObjectRef: p.LSG, Details: map[string]string{"indicator": fmt.Sprint(indicatorID), "verdict": verdict}})
	})
}

// CanSee reports whether u sees a participant's unpublished work: the LSG
// team, the cycle's experts and the platform's managers.
func (s *Assessments) CanSee(ctx context.Context, u *auth.User, c *Cycle, p *Participant) (bool, error) {
	if u == nil {
		return false, nil
	}
	if CanEditLSG(u, p.LSG) || CanManagePlatform(u, &c.Platform) {
		return true, nil
	}
	return s.IsExpert(ctx, u, c)
}
