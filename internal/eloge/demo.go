package eloge

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/demo"
	"github.com/dijalog/dijalog/internal/surveys"
)

//go:embed demo
var demoFS embed.FS

// DemoInput is what the demo loader needs from the rest of the platform.
type DemoInput struct {
	Orgs      []auth.Organisation
	Expert    *auth.User // a member of the platform organisation
	Resolve   func(ctx context.Context, name string) (code string, err error)
	NameOf    func(ctx context.Context, code, lang string) string
	Responses int // citizens' answers per LSG (councillors and staff get fewer)
}

// demoData is demo/eloge.json: LDA Mostar's platform, a first cycle
// (self-assessment only) and a second with questionnaires, reviews, labels
// and improvement plans, for the twelve LSGs of "Link for cooperation"
// (seed 002).
type demoData struct {
	PlatformOrg string   `json:"platform_org"`
	LSGs        []string `json:"lsgs"`
	Labelled    []string `json:"labelled"`
	First       struct {
		Year        int       `json:"year"`
		Title       string    `json:"title"`
		LevelOffset float64   `json:"level_offset"`
		Reasons     string    `json:"reasons"`
		DecidedAt   demo.Time `json:"decided_at"`
	} `json:"first"`
	Second struct {
		Year              int       `json:"year"`
		Title             string    `json:"title"`
		ReasonsAwarded    string    `json:"reasons_awarded"`
		ReasonsNotAwarded string    `json:"reasons_not_awarded"`
		DecidedAt         demo.Time `json:"decided_at"`
		StillEntering     struct {
			LSG        string `json:"lsg"`
			Indicators int    `json:"indicators"`
		} `json:"still_entering"`
		Returned struct {
			LSG       string `json:"lsg"`
			Indicator int    `json:"indicator"`
			Comment   string `json:"comment"`
		} `json:"returned"`
		WaitingForExperts string `json:"waiting_for_experts"`
	} `json:"second"`
	Set         string   `json:"set"`
	ScaleMax    int      `json:"scale_max"`
	Weights     Weights  `json:"weights"`
	Threshold   int      `json:"threshold"`
	ActionOwner string   `json:"action_owner"`
	Actions     []string `json:"actions"`
}

func (d *demoData) cycle(year int, title string) CycleInput {
	return CycleInput{Year: year, Title: title, SetCode: d.Set, ScaleMax: d.ScaleMax, Weights: d.Weights, Threshold: d.Threshold, RequireJustification: true}
}

// demoRun is one load of the demo: its data, the platform's two cycles,
// the LSGs' codes and the seeded random numbers (the same demo every time).
type demoRun struct {
	s        *Service
	in       DemoInput
	d        demoData
	c1, c2   *Cycle
	codes    map[string]string
	labelled map[string]bool
	rng      *rand.Rand
}

// LoadDemo builds the demo of demo/eloge.json: LDA Mostar as the national
// platform, a 2022 cycle (self-assessment only, published) and the 2023
// cycle with the twelve LSGs, generated questionnaires and answers,
// experts' reviews, three labels (December 2023), improvement plans, and
// Mostar still working on its matrix.
func (s *Service) LoadDemo(ctx context.Context, in DemoInput) error {
	d, err := demo.Read[demoData](demoFS, "demo/eloge.json")
	if err != nil {
		return fmt.Errorf("eloge.LoadDemo: %w", err)
	}
	run := &demoRun{s: s, in: in, d: d, codes: map[string]string{}, labelled: map[string]bool{}, rng: rand.New(rand.NewPCG(2023, 12))}
	if err := run.platformAndCycles(ctx); err != nil {
		return fmt.Errorf("eloge.LoadDemo: %w", err)
	}
	for _, name := range d.LSGs {
		if err := run.lsg(ctx, name); err != nil {
			return fmt.Errorf("eloge.LoadDemo %s: %w", name, err)
		}
	}
	return s.SetCycleStatus(ctx, nil, run.c1, "closed")
}

// platformAndCycles creates the platform, its two cycles and the second
// cycle's expert, and resolves the LSGs' names to codes.
func (r *demoRun) platformAndCycles(ctx context.Context) error {
	var org *auth.Organisation
	for i := range r.in.Orgs {
		if strings.Contains(r.in.Orgs[i].Name, r.d.PlatformOrg) {
			org = &r.in.Orgs[i]
		}
	}
	if org == nil {
		return fmt.Errorf("no %s organisation", r.d.PlatformOrg)
	}
	plat, err := r.s.CreatePlatform(ctx, nil, org.PublicID)
	if err != nil {
		return fmt.Errorf("platform: %w", err)
	}
	for _, n := range r.d.LSGs {
		if r.codes[n], err = r.in.Resolve(ctx, n); err != nil {
			return fmt.Errorf("resolve %q: %w", n, err)
		}
	}
	for _, n := range r.d.Labelled {
		r.labelled[n] = true
	}
	if r.c1, err = r.s.OpenCycle(ctx, nil, plat, r.d.cycle(r.d.First.Year, r.d.First.Title)); err != nil {
		return fmt.Errorf("%d: %w", r.d.First.Year, err)
	}
	if r.c2, err = r.s.OpenCycle(ctx, nil, plat, r.d.cycle(r.d.Second.Year, r.d.Second.Title)); err != nil {
		return fmt.Errorf("%d: %w", r.d.Second.Year, err)
	}
	if r.in.Expert != nil {
		if err := r.s.AddExpert(ctx, nil, r.c2, r.in.Expert.Email); err != nil {
			return fmt.Errorf("expert: %w", err)
		}
	}
	return nil
}

// lsg takes one LSG through both cycles: the first, a little weaker,
// decided without a label; the second as far as the data says.
func (r *demoRun) lsg(ctx context.Context, name string) error {
	level := 0.78
	if !r.labelled[name] {
		level = 0.45 + 0.2*r.rng.Float64()
	}
	code, s := r.codes[name], r.s
	p1, err := s.AddParticipant(ctx, nil, r.c1, code)
	if err != nil {
		return err
	}
	if err := s.demoMatrix(ctx, r.c1, p1, level+r.d.First.LevelOffset, r.rng); err != nil {
		return err
	}
	if err := s.demoApprove(ctx, r.c1, p1); err != nil {
		return err
	}
	if err := s.Decide(ctx, nil, r.c1, p1, false, r.d.First.Reasons); err != nil {
		return fmt.Errorf("decide %d: %w", r.d.First.Year, err)
	}
	if err := s.decidedAt(ctx, p1, r.d.First.DecidedAt.At(time.Now())); err != nil {
		return err
	}
	return r.second(ctx, name, code, level)
}

// second takes an LSG through the second cycle: matrix, questionnaires
// and answers, then review, decision and improvement plan, except for the
// LSGs the data stops earlier.
func (r *demoRun) second(ctx context.Context, name, code string, level float64) error {
	s, sc := r.s, &r.d.Second
	p, err := s.AddParticipant(ctx, nil, r.c2, code)
	if err != nil {
		return err
	}
	if name == sc.StillEntering.LSG {
		return s.demoMatrix(ctx, r.c2, p, level, r.rng, sc.StillEntering.Indicators)
	}
	if err := s.GenerateSurveys(ctx, nil, r.c2, p, func(lang string) string { return r.in.NameOf(ctx, code, lang) }); err != nil {
		return err
	}
	if err := s.demoAnswers(ctx, p, level, r.in.Responses, r.rng); err != nil {
		return err
	}
	if err := s.demoMatrix(ctx, r.c2, p, level, r.rng); err != nil {
		return err
	}
	switch name {
	case sc.Returned.LSG:
		entries, _, err := s.Matrix(ctx, r.c2, p)
		if err != nil {
			return err
		}
		return s.Review(ctx, nil, r.c2, p, entries[sc.Returned.Indicator].Indicator.ID, "returned", sc.Returned.Comment)
	case sc.WaitingForExperts:
		return nil
	}
	if err := s.demoApprove(ctx, r.c2, p); err != nil {
		return err
	}
	return r.decide(ctx, name, p)
}

// decide awards or refuses the label of the second cycle and plans
// actions for the two weakest principles.
func (r *demoRun) decide(ctx context.Context, name string, p *Participant) error {
	s, sc := r.s, &r.d.Second
	awarded := r.labelled[name]
	reasons := sc.ReasonsNotAwarded
	if awarded {
		reasons = sc.ReasonsAwarded
	}
	if err := s.Decide(ctx, nil, r.c2, p, awarded, reasons); err != nil {
		return fmt.Errorf("decide: %w", err)
	}
	if err := s.decidedAt(ctx, p, sc.DecidedAt.At(time.Now())); err != nil {
		return err
	}
	ps, _, err := s.Scores(ctx, r.c2, p)
	if err != nil {
		return err
	}
	for i, w := range Weak(ps, 75) {
		if i == 2 {
			break
		}
		a := &Action{Principle: w, Action: r.d.Actions[(w-1)%len(r.d.Actions)], Owner: r.d.ActionOwner, Deadline: nullTime(time.Date(2024, time.Month(3+3*i), 30, 0, 0, 0, 0, time.UTC)), Progress: 25 * i}
		if err := s.AddAction(ctx, nil, r.c2, p, a); err != nil {
			return err
		}
	}
	return nil
}

func nullTime(t time.Time) sql.Null[time.Time] { return sql.Null[time.Time]{V: t, Valid: true} }

func (s *Service) decidedAt(ctx context.Context, p *Participant, t time.Time) error {
	return setDecidedAt(ctx, s.Results.db, p.ID, t)
}

// demoMatrix scores the indicators around level (0..1), with
// justifications and evidence; limit > 0 fills only the first indicators.
func (s *Service) demoMatrix(ctx context.Context, c *Cycle, p *Participant, level float64, rng *rand.Rand, limit ...int) error {
	entries, _, err := s.Matrix(ctx, c, p)
	if err != nil {
		return err
	}
	var in []MatrixInput
	for i, e := range entries {
		if len(limit) > 0 && i >= limit[0] {
			break
		}
		v := level*float64(c.ScaleMax) + rng.NormFloat64()*0.6
		score := max(0, min(c.ScaleMax, int(v+0.5)))
		in = append(in, MatrixInput{IndicatorID: e.Indicator.ID, Score: fmt.Sprint(score),
			Justification: fmt.Sprintf("Ocjena %d: stanje utvrđeno na radionici tima za samoprocjenu (%s).", score, e.Indicator.Code),
			Evidence:      "https://www.link4cooperation.ba/\nZapisnik sa sjednice radne grupe"})
	}
	return s.SaveMatrix(ctx, nil, c, p, in, len(limit) == 0)
}

// demoApprove accepts every indicator but the last in one statement and
// the last through Review, which approves the matrix.
func (s *Service) demoApprove(ctx context.Context, c *Cycle, p *Participant) error {
	entries, _, err := s.Matrix(ctx, c, p)
	if err != nil {
		return err
	}
	last := entries[len(entries)-1].Indicator.ID
	if err := acceptAllBut(ctx, s.Results.db, p.ID, last); err != nil {
		return err
	}
	return s.Review(ctx, nil, c, p, last, "accepted", "")
}

// demoAnswers fills the three questionnaires with answers around level.
func (s *Service) demoAnswers(ctx context.Context, p *Participant, level float64, n int, rng *rand.Rand) error {
	for _, src := range []string{SourceCitizens, SourceCouncillors, SourceStaff} {
		sv, err := s.Results.surveys.ByPublicID(ctx, p.SurveyID(src))
		if err != nil {
			return err
		}
		// The 2023 questionnaires are in the past: open them while the
		// demo answers, then close them at the end of the cycle's year.
		closes := sv.ClosesAt
		in := surveys.Input{Title: sv.Title, Def: sv.Def, Audience: sv.Audience, Status: surveys.StatusOpen, ResultsPublic: true}
		if err := s.Results.surveys.Update(ctx, nil, sv, in); err != nil {
			return err
		}
		count := n
		var tokens []surveys.Token
		if sv.Audience == surveys.AudienceToken {
			count = max(5, n*2/3)
			labels := make([]string, count+3)
			for i := range labels {
				labels[i] = map[string]string{SourceCouncillors: "Vijeće", SourceStaff: "Uprava"}[src]
			}
			if tokens, err = s.Results.surveys.IssueTokens(ctx, nil, sv, labels); err != nil {
				return err
			}
		}
		for i := 0; i < count; i++ {
			var answers []surveys.Answer
			for _, q := range sv.Def.Questions() {
				if rng.Float64() < 0.08 {
					answers = append(answers, surveys.Answer{Question: q.Key, Value: surveys.DontKnow})
					continue
				}
				v := 1 + level*4 + rng.NormFloat64()*0.9
				answers = append(answers, surveys.Answer{Question: q.Key, Value: fmt.Sprint(max(1, min(5, int(v+0.5))))})
			}
			sub := surveys.Submission{IdemKey: surveys.NewKey(), Answers: answers, Channel: "web", Lang: "bs", BrowserToken: surveys.NewKey(), IP: fmt.Sprintf("10.0.%d.%d", i/200, i%200)}
			if tokens != nil {
				sub.Token = tokens[i].Code
			}
			if _, err := s.Results.surveys.Submit(ctx, sv, sub); err != nil {
				return fmt.Errorf("eloge.demoAnswers(%s): %w", src, err)
			}
		}
		in.ClosesAt, in.Status = closes, surveys.StatusClosed
		if err := s.Results.surveys.Update(ctx, nil, sv, in); err != nil {
			return err
		}
	}
	return nil
}
