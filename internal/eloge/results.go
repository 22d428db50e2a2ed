package eloge

import (
	"context"
	"database/sql"
	"encoding/json"
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
		res, err := tx.ExecContext(ctx, `UPDATE eloge_participants SET citizens_survey = ?, councillors_survey = ?, staff_survey = ?, updated_at = ? WHERE id = ? AND citizens_survey = ''`,
			ids[SourceCitizens], ids[SourceCouncillors], ids[SourceStaff], db.Now(), p.ID)
		if err != nil {
			return fmt.Errorf("eloge.GenerateSurveys: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrSurveysExist
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
	rows, err := s.db.QueryContext(ctx, `SELECT pr.number, a.score FROM eloge_assessments a JOIN eloge_indicators i ON i.id = a.indicator_id JOIN eloge_principles pr ON pr.id = i.principle_id WHERE a.participant_id = ?`, p.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("eloge.SourceScores: %w", err)
	}
	var self []IndicatorScore
	for rows.Next() {
		var num int
		var score sql.Null[int64]
		if err := rows.Scan(&num, &score); err != nil {
			rows.Close()
			return nil, nil, err
		}
		self = append(self, IndicatorScore{Principle: num, Score: int(score.V), Scored: score.Valid})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
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
	decision := "not_awarded"
	if awarded {
		decision = "awarded"
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE eloge_participants SET decision = ?, decision_score = ?, decision_reasons = ?, decided_by = ?, decided_at = ?, published = 1, updated_at = ? WHERE id = ?`,
			decision, Round1(overall), reasons, nullID(actorID(actor)), now, now, p.ID); err != nil {
			return fmt.Errorf("eloge.Decide: %w", err)
		}
		p.Decision, p.DecisionScore, p.DecisionReasons, p.Published = decision, sql.Null[float64]{V: Round1(overall), Valid: true}, reasons, true
		p.DecidedAt = sql.Null[time.Time]{V: now, Valid: true}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID(actor), Action: "eloge.decision", ObjectKind: "eloge_participant", ObjectRef: p.LSG, Details: map[string]string{"decision": decision, "cycle": c.PublicID}})
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
	rows, err := s.db.QueryContext(ctx, `SELECT public_id, principle, action, owner, deadline, progress FROM eloge_actions WHERE participant_id = ? ORDER BY principle, id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("eloge.Actions: %w", err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.PublicID, &a.Principle, &a.Action, &a.Owner, &a.Deadline, &a.Progress); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
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
		var dl any
		if a.Deadline.Valid {
			dl = db.Time(a.Deadline.V)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO eloge_actions (public_id, participant_id, principle, action, owner, deadline, progress, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.PublicID, p.ID, a.Principle, a.Action, a.Owner, dl, a.Progress, now, now); err != nil {
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
	res, err := s.db.ExecContext(ctx, `UPDATE eloge_actions SET progress = ?, updated_at = ? WHERE public_id = ? AND participant_id = ?`, progress, db.Now(), actionID, p.ID)
	if err != nil {
		return fmt.Errorf("eloge.SetProgress: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return refuse.ErrNotFound
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
	rows, err := s.db.QueryContext(ctx, `SELECT c.year, c.public_id, p.lsg_code, COALESCE(p.decision_score, 0), p.decided_at, pl.name
FROM eloge_participants p JOIN eloge_cycles c ON c.id = p.cycle_id JOIN eloge_platforms pl ON pl.id = c.platform_id
WHERE p.decision = 'awarded' AND p.published = 1 AND (? = '' OR p.lsg_code = ?) ORDER BY c.year DESC, p.lsg_code`, lsg, lsg)
	if err != nil {
		return nil, fmt.Errorf("eloge.Labels: %w", err)
	}
	defer rows.Close()
	var out []Label
	for rows.Next() {
		var l Label
		var at sql.Null[time.Time]
		if err := rows.Scan(&l.Year, &l.Cycle, &l.LSG, &l.Score, &at, &l.Platform); err != nil {
			return nil, err
		}
		l.DecidedAt = at.V
		out = append(out, l)
	}
	return out, rows.Err()
}

// PreviousParticipation is the LSG's participation in the platform's
// latest earlier cycle, or nil.
func (s *Results) PreviousParticipation(ctx context.Context, c *Cycle, lsg string) (*Cycle, *Participant, error) {
	var pid string
	err := s.db.QueryRowContext(ctx, `SELECT c.public_id FROM eloge_cycles c JOIN eloge_participants p ON p.cycle_id = c.id
WHERE c.platform_id = ? AND c.year < ? AND p.lsg_code = ? ORDER BY c.year DESC LIMIT 1`, c.Platform.ID, c.Year, lsg).Scan(&pid)
	if err == sql.ErrNoRows {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("eloge.PreviousParticipation: %w", err)
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
