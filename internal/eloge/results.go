package eloge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/surveys"
)

type questionnaireText struct {
	Title surveys.Text `json:"title"`
	Intro surveys.Text `json:"intro"`
}

func questionnaireTexts() (map[string]questionnaireText, error) {
	b, err := dataFS.ReadFile("data/questionnaires.json")
	if err != nil {
		return nil, err
	}
	var out map[string]questionnaireText
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("eloge: questionnaires.json: %w", err)
	}
	return out, nil
}

// Questionnaire builds the questionnaire of one source from the set: a
// section per principle, a 1-5 statement (with "don't know") per
// indicator, each tagged with its principle so answers become scores.
func Questionnaire(set *Set, intro surveys.Text) *surveys.Definition {
	def := &surveys.Definition{Intro: intro}
	for _, p := range set.Principles {
		sec := surveys.Section{Key: fmt.Sprintf("p%d", p.Number), Title: numbered(p.Number, p.Title)}
		for _, in := range p.Indicators {
			sec.Questions = append(sec.Questions, surveys.Question{
				Key: "i" + strings.ReplaceAll(in.Code, ".", "_"), Type: surveys.TypeLikert, DontKnow: true,
				Text: in.Text, Indicator: in.Code, Principle: p.Number,
			})
		}
		if len(sec.Questions) > 0 {
			def.Sections = append(def.Sections, sec)
		}
	}
	return def
}

func numbered(n int, t surveys.Text) surveys.Text {
	out := surveys.Text{}
	for k, v := range t {
		out[k] = fmt.Sprintf("%d. %s", n, v)
	}
	return out
}

func fillText(t surveys.Text, year int, lsgName func(lang string) string) surveys.Text {
	out := surveys.Text{}
	for k, v := range t {
		out[k] = strings.NewReplacer("{year}", fmt.Sprint(year), "{lsg}", lsgName(k)).Replace(v)
	}
	return out
}

// GenerateSurveys creates the three questionnaires of a participant on
// the survey engine: citizens (public, anonymous), councillors and staff
// (invitation codes). They belong to the LSG, open now and close at the
// end of the cycle's year. The LSG team or the platform's managers.
func (s *Results) GenerateSurveys(ctx context.Context, actor *auth.User, c *Cycle, p *Participant, lsgName func(lang string) string) error {
	if actor != nil && !CanEditLSG(actor, p.LSG) && !CanManagePlatform(actor, &c.Platform) {
		return ErrNotManager
	}
	if c.Status != "open" {
		return ErrCycleClosed
	}
	if p.CitizensSurvey != "" {
		return ErrSurveysExist
	}
	set, err := s.bench.SetByID(ctx, c.SetID)
	if err != nil {
		return err
	}
	texts, err := questionnaireTexts()
	if err != nil {
		return err
	}
	closes := sql.Null[time.Time]{V: time.Date(c.Year+1, 1, 1, 0, 0, 0, 0, time.UTC), Valid: true}
	ids := map[string]string{}
	for _, src := range []string{SourceCitizens, SourceCouncillors, SourceStaff} {
		t := texts[src]
		audience := surveys.AudienceToken
		if src == SourceCitizens {
			audience = surveys.AudiencePublic
		}
		sv, err := s.surveys.Create(ctx, nil, surveys.Input{OwnerKind: surveys.OwnerLSG, OwnerRef: p.LSG, Template: "eloge-" + src,
			Title: fillText(t.Title, c.Year, lsgName), Def: Questionnaire(set, t.Intro), Audience: audience, Status: surveys.StatusOpen, ClosesAt: closes, ResultsPublic: true})
		if err != nil {
			return fmt.Errorf("eloge.GenerateSurveys(%s): %w", src, err)
		}
		ids[src] = sv.PublicID
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		err := setSurveys(ctx, tx, p.ID, ids[SourceCitizens], ids[SourceCouncillors], ids[SourceStaff], db.Now())
		if errors.Is(err, refuse.ErrConflict) {
			return ErrSurveysExist
		}
		if err != nil {
			return fmt.Errorf("eloge.GenerateSurveys: %w", err)
		}
		p.CitizensSurvey, p.CouncillorsSurvey, p.StaffSurvey = ids[SourceCitizens], ids[SourceCouncillors], ids[SourceStaff]
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.surveys", ObjectKind: "eloge_participant", ObjectRef: p.LSG})
	})
}

// SourceScores computes a participant's 0-100 scores per principle from
// each source: the self-assessment and the three questionnaires.
func (s *Results) SourceScores(ctx context.Context, c *Cycle, p *Participant) (map[string]map[int]float64, map[string]int, error) {
	out := map[string]map[int]float64{}
	responses := map[string]int{}
	self, err := selfScores(ctx, s.db, p.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("eloge.SourceScores: %w", err)
	}
	out[SourceSelf] = SelfScores(self, c.ScaleMax)
	for _, src := range []string{SourceCitizens, SourceCouncillors, SourceStaff} {
		id := p.SurveyID(src)
		if id == "" {
			continue
		}
		sv, err := s.surveys.ByPublicID(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		counts, err := s.surveys.Counts(ctx, sv)
		if err != nil {
			return nil, nil, err
		}
		out[src] = SurveyScores(sv.Def, surveys.LikertStats(sv.Def, counts))
		responses[src] = sv.Responses
	}
	return out, responses, nil
}

// Scores combines a participant's sources with the cycle's weights.
func (s *Results) Scores(ctx context.Context, c *Cycle, p *Participant) ([]PrincipleScore, map[string]int, error) {
	set, err := s.bench.SetByID(ctx, c.SetID)
	if err != nil {
		return nil, nil, err
	}
	by, responses, err := s.SourceScores(ctx, c, p)
	if err != nil {
		return nil, nil, err
	}
	return Combine(set.Numbers(), by, c.Weights), responses, nil
}

// Decide records the experts' decision on the label (experts of the
// cycle, once the matrix is approved). A label needs every principle
// scored and the overall score at or above the cycle's threshold; the
// reasons are published with the decision.
func (s *Results) Decide(ctx context.Context, actor *auth.User, c *Cycle, p *Participant, awarded bool, reasons string) error {
	if actor != nil {
		ok, err := s.assess.IsExpert(ctx, actor, c)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotExpert
		}
	}
	if p.Status != "approved" {
		return ErrState
	}
	reasons = strings.TrimSpace(reasons)
	if reasons == "" || utf8.RuneCountInString(reasons) > 4000 {
		return FieldErrors{"reasons": "eloge.decision.reasons_required"}
	}
	ps, _, err := s.Scores(ctx, c, p)
	if err != nil {
		return err
	}
	overall, complete := Overall(ps)
	if awarded && (!complete || overall < float64(c.Threshold)) {
		return ErrBelowThresh
	}
	decided := "not_awarded"
	if awarded {
		decided = "awarded"
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if err := setDecision(ctx, tx, p.ID, decision{outcome: decided, reasons: reasons, score: Round1(overall), by: actorID(actor), at: now}); err != nil {
			return fmt.Errorf("eloge.Decide: %w", err)
		}
		p.Decision, p.DecisionScore, p.DecisionReasons, p.Published = decided, sql.Null[float64]{V: Round1(overall), Valid: true}, reasons, true
		p.DecidedAt = sql.Null[time.Time]{V: now, Valid: true}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.decision", ObjectKind: "eloge_participant", ObjectRef: p.LSG, Details: map[string]string{"decision": decided, "cycle": c.PublicID}})
	})
}

// Action is one step of an improvement plan.
type Action struct {
	PublicID  string
	Principle int
	Action    string
	Owner     string
	Deadline  sql.Null[time.Time]
	Progress  int
}

// Actions lists a participant's improvement plan.
func (s *Results) Actions(ctx context.Context, p *Participant) ([]Action, error) {
	out, err := listActions(ctx, s.db, p.ID)
	if err != nil {
		return nil, fmt.Errorf("eloge.Actions: %w", err)
	}
	return out, nil
}

// AddAction adds a step to the plan (the LSG team).
func (s *Results) AddAction(ctx context.Context, actor *auth.User, c *Cycle, p *Participant, a *Action) error {
	if actor != nil && !CanEditLSG(actor, p.LSG) {
		return ErrNotManager
	}
	a.Action, a.Owner = strings.TrimSpace(a.Action), strings.TrimSpace(a.Owner)
	fe := FieldErrors{}
	if a.Principle < 1 || a.Principle > 12 {
		fe["principle"] = "form.invalid_choice"
	}
	if a.Action == "" || utf8.RuneCountInString(a.Action) > 1000 {
		fe["action"] = "eloge.action.required"
	}
	if utf8.RuneCountInString(a.Owner) > 200 {
		fe["owner"] = "eloge.matrix.too_long"
	}
	if a.Progress < 0 || a.Progress > 100 {
		fe["progress"] = "eloge.action.progress"
	}
	if len(fe) > 0 {
		return fe
	}
	a.PublicID = newID()
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if err := insertAction(ctx, tx, p.ID, a, now); err != nil {
			return fmt.Errorf("eloge.AddAction: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.action.add", ObjectKind: "eloge_participant", ObjectRef: p.LSG})
	})
}

// SetProgress updates a step's progress (the LSG team).
func (s *Results) SetProgress(ctx context.Context, actor *auth.User, p *Participant, actionID string, progress int) error {
	if actor != nil && !CanEditLSG(actor, p.LSG) {
		return ErrNotManager
	}
	if progress < 0 || progress > 100 {
		return FieldErrors{"progress": "eloge.action.progress"}
	}
	if err := setProgress(ctx, s.db, p.ID, actionID, progress, db.Now()); err != nil {
		return fmt.Errorf("eloge.SetProgress: %w", err)
	}
	return nil
}

// Label is one awarded label.
type Label struct {
	Year      int
	Cycle     string
	LSG       string
	Score     float64
	DecidedAt time.Time
	Platform  string
}

// Labels lists the published labels, newest first (lsg "" for all).
func (s *Results) Labels(ctx context.Context, lsg string) ([]Label, error) {
	out, err := publishedLabels(ctx, s.db, lsg)
	if err != nil {
		return nil, fmt.Errorf("eloge.Labels: %w", err)
	}
	return out, nil
}

// PreviousParticipation is the LSG's participation in the platform's
// latest earlier cycle, or nil.
func (s *Results) PreviousParticipation(ctx context.Context, c *Cycle, lsg string) (*Cycle, *Participant, error) {
	pid, err := previousCycleOf(ctx, s.db, c.Platform.ID, c.Year, lsg)
	if err != nil {
		return nil, nil, fmt.Errorf("eloge.PreviousParticipation: %w", err)
	}
	if pid == "" {
		return nil, nil, nil
	}
	pc, err := s.assess.CycleByPublicID(ctx, pid)
	if err != nil {
		return nil, nil, err
	}
	pp, err := s.assess.Participant(ctx, pc, lsg)
	if err != nil {
		return nil, nil, err
	}
	return pc, pp, nil
}

// CycleAverage is the per-principle mean combined score of the cycle's
// participants whose results are published.
func (s *Results) CycleAverage(ctx context.Context, c *Cycle) (map[int]float64, error) {
	parts, err := s.assess.Participants(ctx, c)
	if err != nil {
		return nil, err
	}
	var all [][]PrincipleScore
	for _, p := range parts {
		if !p.Published {
			continue
		}
		ps, _, err := s.Scores(ctx, c, p)
		if err != nil {
			return nil, err
		}
		all = append(all, ps)
	}
	return Average(all), nil
}
