package grants

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/demo"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
)

// WithClock returns a copy of the service that reads the time from now
// (the demo loader replays a past call; tests move through deadlines).
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s.core
	c.o.Now = now
	return newService(&c)
}

// DemoAccounts is what the demo loader needs from the accounts service.
type DemoAccounts interface {
	Directory
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
	Organisations(ctx context.Context, kind string) ([]auth.Organisation, error)
	Register(ctx context.Context, in auth.RegisterInput, m auth.Meta) (*auth.User, error)
	GrantRole(ctx context.Context, actor *auth.User, targetPID string, g auth.Grant, m auth.Meta) error
	UserByPublicID(ctx context.Context, pid string) (*auth.User, error)
}

// DemoPassword of the extra assessor accounts the demo creates (the same
// as the platform's other demo accounts).
const DemoPassword = "dijalog-demo-2026"

// demoFiles are the demo records: assessors.json (the assessors),
// calls.json (three calls with their questions, applications, assessment
// and results) and support.json (support given outside the platform).
//
//go:embed demo
var demoFiles embed.FS

type demoAssessors struct {
	Admin    string   `json:"admin"`    // who runs the demo calls
	Existing []string `json:"existing"` // assessors the accounts demo made
	New      []struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"new"`
}

// demoCall is a call replayed at the times given (Sarajevo): created and
// published At, then its questions, applications, assessment and results.
type demoCall struct {
	At             demo.Time `json:"at"`
	PublisherOrg   string    `json:"publisher_org"` // an organisation's name, or its beginning
	PublisherLSG   string    `json:"publisher_lsg"` // skipped when the place is unknown
	Funder         string    `json:"funder"`
	Lang           string    `json:"lang"`
	Texts          []Text    `json:"texts"`
	Currency       string    `json:"currency"`
	Total          string    `json:"total"`
	Min            string    `json:"min"`
	Max            string    `json:"max"`
	OwnSharePct    string    `json:"own_share_pct"`
	DivergencePct  string    `json:"divergence_pct"`
	OpensAt        string    `json:"opens_at"`
	QuestionsUntil string    `json:"questions_until"`
	ClosesAt       string    `json:"closes_at"`
	// The eligibility, form and criteria as typed into the call form:
	// one line each, fields separated by "|".
	Eligibility []string `json:"eligibility"`
	Form        []string `json:"form"`
	Criteria    []string `json:"criteria"`
	Questions   []struct {
		At       demo.Time `json:"at"`
		Question string    `json:"question"`
		Answer   string    `json:"answer"`
	} `json:"questions"`
	Applications []demoApplication `json:"applications"`
	Assessment   *struct {
		At      demo.Time `json:"at"`
		Comment string    `json:"comment"`
	} `json:"assessment"`
	Results *demoResults `json:"results"`
}

// demoApplication is started and saved At, submitted (and withdrawn) at
// Submitted, and scored by the assessors in order (a third set of scores is
// the third assessor's, brought in by divergence).
type demoApplication struct {
	At          demo.Time         `json:"at"`
	Org         string            `json:"org"` // skipped when the organisation is unknown
	Eligibility map[string]string `json:"eligibility"`
	Title       string            `json:"title"`
	Values      map[string]string `json:"values"`
	Budget      []BudgetLineInput `json:"budget"`
	Submitted   demo.Time         `json:"submitted"`
	Withdrawn   bool              `json:"withdrawn"`
	Scores      [][]string        `json:"scores"`
	Decision    string            `json:"decision"`
}

// demoResults: decisions and results At; each award gets its contract,
// equal instalments, reports due; the first award's first report is
// submitted and reviewed.
type demoResults struct {
	At             demo.Time `json:"at"`
	ContractPrefix string    `json:"contract_prefix"` // + the award's id's first four characters
	StartsOn       string    `json:"starts_on"`
	EndsOn         string    `json:"ends_on"`
	Instalments    []string  `json:"instalments"`
	FirstPaid      demo.Time `json:"first_paid"`
	Reports        []struct {
		Kind string `json:"kind"`
		Due  string `json:"due"`
	} `json:"reports"`
	FirstReport struct {
		Submitted demo.Time `json:"submitted"`
		Text      string    `json:"text"`
		Reviewed  demo.Time `json:"reviewed"`
		Note      string    `json:"note"`
	} `json:"first_report"`
}

type demoSupport struct {
	Currency  string `json:"currency"`
	AwardDate string `json:"award_date"` // MM-DD in each record's year
	Records   []struct {
		Year      int    `json:"year"`
		LSG       string `json:"lsg"`
		Funder    string `json:"funder"`
		Recipient string `json:"recipient"`
		Org       string `json:"org"`
		Amount    string `json:"amount"`
		Purpose   string `json:"purpose"`
		Procedure string `json:"procedure"`
	} `json:"records"`
}

// demoLoader replays the demo on a copy of the service whose clock it sets.
type demoLoader struct {
	past      *Service
	clock     time.Time
	admin     *auth.User
	assessors []*auth.User
	orgs      []auth.Organisation
	m         Meta
}

func (l *demoLoader) at(t demo.Time) { l.clock = t.At(l.clock) }

// org is the public id of the first organisation whose name begins with
// prefix ("" when none does).
func (l *demoLoader) org(prefix string) string {
	for _, o := range l.orgs {
		if strings.HasPrefix(o.Name, prefix) {
			return o.PublicID
		}
	}
	return ""
}

// LoadDemo fills the demo database: the Link-for-cooperation small-grant
// call of LDA Mostar with applications in every state and a finished
// assessment, the UNDP MAKERS open call, an upcoming call of the City of
// Mostar and a few years of LSG support to CSOs.
func LoadDemo(ctx context.Context, s *Service, acc DemoAccounts, pl *places.Service) error {
	people, err := demo.Read[demoAssessors](demoFiles, "demo/assessors.json")
	if err != nil {
		return err
	}
	calls, err := demo.Read[struct {
		Calls []demoCall `json:"calls"`
	}](demoFiles, "demo/calls.json")
	if err != nil {
		return err
	}
	support, err := demo.Read[demoSupport](demoFiles, "demo/support.json")
	if err != nil {
		return err
	}
	l := &demoLoader{m: Meta{IP: "demo"}}
	l.past = s.WithClock(func() time.Time { return l.clock })
	if l.admin, err = acc.UserByEmail(ctx, people.Admin); err != nil {
		return fmt.Errorf("grants demo: %w", err)
	}
	if l.orgs, err = acc.Organisations(ctx, ""); err != nil {
		return err
	}
	for _, c := range calls.Calls {
		if c.PublisherOrg != "" && l.org(c.PublisherOrg) == "" {
			return errors.New("grants demo: the demo organisations are missing")
		}
	}
	if err := l.loadAssessors(ctx, acc, people); err != nil {
		return err
	}
	for _, c := range calls.Calls {
		if c.PublisherLSG != "" {
			if _, err := pl.ByCode(ctx, c.PublisherLSG); err != nil {
				continue
			}
		}
		if err := l.call(ctx, c); err != nil {
			return fmt.Errorf("grants demo: call %q: %w", c.Texts[0].Title, err)
		}
	}
	return l.support(ctx, s, support)
}

// loadAssessors finds the existing assessors and registers the new ones
// with the assessor role, so that every application has two and a
// conflict or a divergence can bring in another.
func (l *demoLoader) loadAssessors(ctx context.Context, acc DemoAccounts, people demoAssessors) error {
	for _, email := range people.Existing {
		if a, err := acc.UserByEmail(ctx, email); err == nil {
			l.assessors = append(l.assessors, a)
		}
	}
	for _, p := range people.New {
		u, err := acc.Register(ctx, auth.RegisterInput{Email: p.Email, Name: p.Name, Password: DemoPassword}, auth.Meta{IP: "demo"})
		if err != nil {
			return fmt.Errorf("grants demo: assessor %s: %w", p.Email, err)
		}
		if err := acc.GrantRole(ctx, l.admin, u.PublicID, auth.Grant{Role: auth.RoleAssessor, ScopeKind: auth.ScopeGlobal}, auth.Meta{IP: "demo"}); err != nil {
			return err
		}
		l.assessors = append(l.assessors, u)
	}
	// Read them again: with the role they were granted.
	for i, a := range l.assessors {
		u, err := acc.UserByPublicID(ctx, a.PublicID)
		if err != nil {
			return err
		}
		l.assessors[i] = u
	}
	return nil
}

// call creates and publishes a call and replays what happened to it.
func (l *demoLoader) call(ctx context.Context, d demoCall) error {
	past, m := l.past, l.m
	l.at(d.At)
	publisher := "lsg:" + d.PublisherLSG
	if d.PublisherOrg != "" {
		publisher = "org:" + l.org(d.PublisherOrg)
	}
	c, err := past.Calls.Create(ctx, l.admin, CallInput{Publisher: publisher, Funder: d.Funder, Lang: d.Lang, Texts: d.Texts,
		Currency: d.Currency, Total: d.Total, Min: d.Min, Max: d.Max, OwnSharePct: d.OwnSharePct, DivergencePct: d.DivergencePct,
		OpensAt: d.OpensAt, QuestionsUntil: d.QuestionsUntil, ClosesAt: d.ClosesAt,
		Eligibility: strings.Join(d.Eligibility, "\n"), Form: strings.Join(d.Form, "\n"), Criteria: strings.Join(d.Criteria, "\n")}, m)
	if err != nil {
		return err
	}
	if err := past.Calls.Publish(ctx, l.admin, c.Slug, m); err != nil {
		return err
	}
	if c, err = past.Calls.BySlug(ctx, c.Slug); err != nil {
		return err
	}
	for _, q := range d.Questions {
		l.at(q.At)
		if err := past.Calls.Ask(ctx, l.admin, c, q.Question, m); err != nil {
			return err
		}
		qs, err := past.Calls.Questions(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := past.Calls.Answer(ctx, l.admin, c, qs[len(qs)-1].PublicID, q.Answer, m); err != nil {
			return err
		}
	}
	var submitted []*Application
	var scored []demoApplication
	for _, da := range d.Applications {
		a, err := l.application(ctx, c, da)
		if err != nil {
			return fmt.Errorf("application %q: %w", da.Title, err)
		}
		if a != nil {
			submitted, scored = append(submitted, a), append(scored, da)
		}
	}
	if d.Assessment == nil || len(l.assessors) < 3 {
		return nil
	}
	l.at(d.Assessment.At)
	for i, a := range submitted {
		if err := l.assess(ctx, c, a, scored[i].Scores, d.Assessment.Comment); err != nil {
			return fmt.Errorf("assessment of %q: %w", a.Title, err)
		}
	}
	return l.results(ctx, c, submitted, scored, d.Results)
}

// application starts, saves and submits (or withdraws) an application; it
// returns the application when it stays submitted.
func (l *demoLoader) application(ctx context.Context, c *Call, d demoApplication) (*Application, error) {
	past, m := l.past, l.m
	org := l.org(d.Org)
	if org == "" {
		return nil, nil
	}
	l.at(d.At)
	a, err := past.Applications.Start(ctx, l.admin, c, org, d.Eligibility, m)
	if err != nil {
		return nil, err
	}
	if !a.Eligible {
		return nil, nil
	}
	if a, err = past.Applications.Save(ctx, l.admin, c, a.PublicID, Draft{Version: a.Version, Title: d.Title, Values: d.Values, Budget: d.Budget}, m); err != nil {
		return nil, err
	}
	if d.Submitted.IsZero() {
		return nil, nil
	}
	l.at(d.Submitted)
	if a, err = past.Applications.Submit(ctx, l.admin, c, a.PublicID, a.Version, m); err != nil {
		return nil, err
	}
	if d.Withdrawn {
		return nil, past.Applications.Withdraw(ctx, l.admin, c, a.PublicID, m)
	}
	return a, nil
}

// assess assigns the first two assessors and submits each set of scores:
// the first two are theirs, a third the third assessor's.
func (l *demoLoader) assess(ctx context.Context, c *Call, a *Application, scores [][]string, comment string) error {
	past, m := l.past, l.m
	for _, u := range l.assessors[:2] {
		if err := past.Assessment.Assign(ctx, l.admin, c, a.PublicID, u.PublicID, m); err != nil {
			return err
		}
	}
	for j, sc := range scores {
		who := l.assessors[j]
		if j == 2 {
			third, err := l.third(ctx, a)
			if err != nil {
				return err
			}
			who = third
		}
		if err := past.Assessment.Declare(ctx, who, a.PublicID, false, m); err != nil {
			return err
		}
		in := ScoreInput{Points: map[int]string{}, Comments: map[int]string{}, Comment: comment}
		for k, p := range sc {
			in.Points[k+1] = p
		}
		if err := past.Assessment.SubmitScores(ctx, who, a.PublicID, in, m); err != nil {
			return err
		}
	}
	return nil
}

// third is the third assessor of a, brought in by divergence.
func (l *demoLoader) third(ctx context.Context, a *Application) (*auth.User, error) {
	gs, err := l.past.Assessment.AssignmentsOfApp(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	who := l.assessors[2]
	for _, g := range gs {
		for _, u := range l.assessors {
			if g.Third && u.ID == g.AssessorID {
				who = u
			}
		}
	}
	return who, nil
}

// results decides, publishes the results and runs the awards.
func (l *demoLoader) results(ctx context.Context, c *Call, submitted []*Application, scored []demoApplication, d *demoResults) error {
	past, m := l.past, l.m
	l.at(d.At)
	for i, a := range submitted {
		if err := past.Assessment.Decide(ctx, l.admin, c, a.PublicID, scored[i].Decision, "", m); err != nil {
			return err
		}
	}
	if err := past.Assessment.PublishResults(ctx, l.admin, c, m); err != nil {
		return err
	}
	awards, err := past.Awards.OfCall(ctx, c)
	if err != nil {
		return err
	}
	for _, w := range awards {
		if err := l.award(ctx, c, w, d); err != nil {
			return err
		}
	}
	if len(awards) == 0 {
		return nil
	}
	w := awards[0]
	reps, err := past.Awards.Reports(ctx, w.ID)
	if err != nil {
		return err
	}
	l.at(d.FirstReport.Submitted)
	if err := past.Awards.SubmitReport(ctx, l.admin, w, reps[0].PublicID, d.FirstReport.Text, nil, m); err != nil {
		return err
	}
	l.at(d.FirstReport.Reviewed)
	return past.Awards.ReviewReport(ctx, l.admin, c, w, reps[0].PublicID, true, d.FirstReport.Note, m)
}

// award sets an award's contract, instalments (the first paid) and the
// reports due.
func (l *demoLoader) award(ctx context.Context, c *Call, w *Award, d *demoResults) error {
	past, m := l.past, l.m
	if err := past.Awards.UpdateContract(ctx, l.admin, c, w, d.ContractPrefix+w.PublicID[:4], d.StartsOn, d.EndsOn, m); err != nil {
		return err
	}
	part := fmt.Sprintf("%d", w.Amount/int64(100*len(d.Instalments))) // in major units
	for _, due := range d.Instalments {
		if err := past.Awards.AddInstalment(ctx, l.admin, c, w, due, part, m); err != nil {
			return err
		}
	}
	inst, err := past.Awards.Instalments(ctx, w.ID)
	if err != nil {
		return err
	}
	l.at(d.FirstPaid)
	if err := past.Awards.MarkPaid(ctx, l.admin, c, w, inst[0].ID, m); err != nil {
		return err
	}
	for _, r := range d.Reports {
		if err := past.Awards.AddReport(ctx, l.admin, c, w, r.Kind, r.Due, m); err != nil {
			return err
		}
	}
	return nil
}

// support records the support given outside the platform, in one
// transaction.
func (l *demoLoader) support(ctx context.Context, s *Service, d demoSupport) error {
	return s.InTx(ctx, func(tx *db.Tx) error {
		for _, r := range d.Records {
			a, err := money.Parse(r.Amount, d.Currency)
			if err != nil {
				return fmt.Errorf("grants demo: support %q: %w", r.Purpose, err)
			}
			rec := Support{Year: r.Year, LSG: r.LSG, Funder: r.Funder, Recipient: r.Recipient, Amount: a.Minor, Currency: d.Currency,
				Purpose: r.Purpose, Procedure: r.Procedure, AwardDate: fmt.Sprintf("%04d-%s", r.Year, d.AwardDate)}
			if r.Org != "" {
				rec.OrgPID = l.org(r.Org)
			}
			if err := s.Registry.Add(ctx, tx, &rec); err != nil {
				return err
			}
		}
		return nil
	})
}
