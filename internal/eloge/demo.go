package eloge

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/surveys"
)

// DemoInput is what the demo loader needs from the rest of the platform.
type DemoInput struct {
	Orgs      []auth.Organisation
	Expert    *auth.User // a member of the platform organisation
	Resolve   func(ctx context.Context, name string) (code string, err error)
	NameOf    func(ctx context.Context, code, lang string) string
	LSGNames  []string // seed 002's twelve LSGs
	Labelled  []string // the three labelled in December 2023
	Responses int      // citizens' answers per LSG (councillors and staff get fewer)
}

// DemoLSGs are the twelve local self-governments of "Link for
// cooperation" (seed 002) and the three labelled in December 2023.
func DemoLSGs() (all, labelled []string) {
	return []string{"Berkovići", "Jablanica", "Kostajnica", "Maglaj", "Mostar", "Nevesinje", "Novi Grad", "Prijedor", "Ravno", "Trebinje", "Zavidovići", "Žepče"},
		[]string{"Jablanica", "Prijedor", "Žepče"}
}

// LoadDemo builds the demo: LDA Mostar as the national platform, a 2022
// cycle (self-assessment only, published) and the 2023 cycle with the
// twelve LSGs, generated questionnaires and answers, experts' reviews,
// three labels (December 2023), improvement plans, and Mostar still
// working on its matrix.
func (s *Service) LoadDemo(ctx context.Context, in DemoInput) error {
	var org *auth.Organisation
	for i := range in.Orgs {
		if strings.Contains(in.Orgs[i].Name, "LDA Mostar") {
			org = &in.Orgs[i]
		}
	}
	if org == nil {
		return fmt.Errorf("eloge.LoadDemo: no LDA Mostar organisation")
	}
	plat, err := s.CreatePlatform(ctx, nil, org.PublicID)
	if err != nil {
		return fmt.Errorf("eloge.LoadDemo: platform: %w", err)
	}
	codes := map[string]string{}
	for _, n := range in.LSGNames {
		c, err := in.Resolve(ctx, n)
		if err != nil {
			return fmt.Errorf("eloge.LoadDemo: resolve %q: %w", n, err)
		}
		codes[n] = c
	}
	labelled := map[string]bool{}
	for _, n := range in.Labelled {
		labelled[n] = true
	}
	rng := rand.New(rand.NewPCG(2023, 12))
	base := func(name string) float64 {
		if labelled[name] {
			return 0.78
		}
		return 0.45 + 0.2*rng.Float64()
	}
	weights := Weights{Self: 40, Citizens: 20, Councillors: 20, Staff: 20}

	// 2022: the first round, self-assessment only.
	c22, err := s.OpenCycle(ctx, nil, plat, CycleInput{Year: 2022, Title: "ELoGE 2022 – Link za saradnju/suradnju (prvi krug)", SetCode: "2008", ScaleMax: 5, Weights: weights, Threshold: 70, RequireJustification: true})
	if err != nil {
		return fmt.Errorf("eloge.LoadDemo: 2022: %w", err)
	}
	c23, err := s.OpenCycle(ctx, nil, plat, CycleInput{Year: 2023, Title: "ELoGE 2023 – Link za saradnju/suradnju", SetCode: "2008", ScaleMax: 5, Weights: weights, Threshold: 70, RequireJustification: true})
	if err != nil {
		return fmt.Errorf("eloge.LoadDemo: 2023: %w", err)
	}
	if in.Expert != nil {
		if err := s.AddExpert(ctx, nil, c23, in.Expert.Email); err != nil {
			return fmt.Errorf("eloge.LoadDemo: expert: %w", err)
		}
	}
	for _, name := range in.LSGNames {
		code := codes[name]
		level := base(name)
		// 2022, a little weaker.
		p22, err := s.AddParticipant(ctx, nil, c22, code)
		if err != nil {
			return err
		}
		if err := s.demoMatrix(ctx, c22, p22, level-0.12, rng); err != nil {
			return err
		}
		if err := s.demoApprove(ctx, c22, p22); err != nil {
			return err
		}
		if err := s.Decide(ctx, nil, c22, p22, false, "Prvi krug: samoprocjena bez anketa građana, vijećnika i uposlenika; oznaka se dodjeljuje tek uz sve izvore."); err != nil {
			return fmt.Errorf("eloge.LoadDemo: decide 2022 %s: %w", code, err)
		}
		if err := s.decidedAt(ctx, p22, time.Date(2022, 12, 14, 11, 0, 0, 0, time.UTC)); err != nil {
			return err
		}

		// 2023.
		p23, err := s.AddParticipant(ctx, nil, c23, code)
		if err != nil {
			return err
		}
		if name == "Mostar" {
			// Mostar's team is still entering its matrix.
			if err := s.demoMatrix(ctx, c23, p23, level, rng, 10); err != nil {
				return err
			}
			continue
		}
		if err := s.GenerateSurveys(ctx, nil, c23, p23, func(lang string) string { return in.NameOf(ctx, code, lang) }); err != nil {
			return err
		}
		if err := s.demoAnswers(ctx, p23, level, in.Responses, rng); err != nil {
			return err
		}
		if err := s.demoMatrix(ctx, c23, p23, level, rng); err != nil {
			return err
		}
		switch name {
		case "Ravno":
			// Returned by the experts: one indicator needs better evidence.
			entries, _, err := s.Matrix(ctx, c23, p23)
			if err != nil {
				return err
			}
			if err := s.Review(ctx, nil, c23, p23, entries[6].Indicator.ID, "returned", "Nedostaje dokaz: priložite link na objavljene odluke vijeća za 2023. godinu."); err != nil {
				return err
			}
			continue
		case "Berkovići":
			continue // submitted, waiting for the experts
		}
		if err := s.demoApprove(ctx, c23, p23); err != nil {
			return err
		}
		awarded := labelled[name]
		reasons := "Ukupni rezultat ispod praga od 70; preporučene mjere za principe s najnižim ocjenama."
		if awarded {
			reasons = "Svih 12 principa ocijenjeno iz sva četiri izvora; ukupni rezultat iznad praga. Posebno istaknuti otvorenost, javni pozivi za OCD i odgovornost prema građanima."
		}
		if err := s.Decide(ctx, nil, c23, p23, awarded, reasons); err != nil {
			return fmt.Errorf("eloge.LoadDemo: decide %s: %w", name, err)
		}
		if err := s.decidedAt(ctx, p23, time.Date(2023, 12, 12, 12, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
		ps, _, err := s.Scores(ctx, c23, p23)
		if err != nil {
			return err
		}
		for i, w := range Weak(ps, 75) {
			if i == 2 {
				break
			}
			a := &Action{Principle: w, Action: demoActions[(w-1)%len(demoActions)], Owner: "Služba za opću upravu", Deadline: nullTime(time.Date(2024, time.Month(3+3*i), 30, 0, 0, 0, 0, time.UTC)), Progress: 25 * i}
			if err := s.AddAction(ctx, nil, c23, p23, a); err != nil {
				return err
			}
		}
	}
	return s.SetCycleStatus(ctx, nil, c22, "closed")
}

var demoActions = []string{
	"Uvesti online javne konsultacije za sve nacrte odluka vijeća",
	"Objaviti rokove odgovora na zahtjeve građana i pratiti ih mjesečno",
	"Uvesti godišnji plan rada s mjerljivim ciljevima i izvještaj o ostvarenju",
	"Objavljivati budžet za građane i sve odluke vijeća u roku od 7 dana",
	"Obučiti službenike o postupanju po žalbama",
	"Donijeti etički kodeks i registar sukoba interesa",
	"Godišnji plan obuke za uposlene i vijećnike",
	"Uvesti e-usluge za izdavanje uvjerenja",
	"Usvojiti strategiju razvoja 2024–2030 uz učešće mjesnih zajednica",
	"Javni poziv za OCD s objavljenim kriterijima i rezultatima",
	"Akcioni plan za uključivanje osoba s invaliditetom",
	"Godišnji javni izvještaj načelnika s pitanjima građana",
}

func nullTime(t time.Time) sql.Null[time.Time] { return sql.Null[time.Time]{V: t, Valid: true} }

func (s *Service) decidedAt(ctx context.Context, p *Participant, t time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE eloge_participants SET decided_at = ? WHERE id = ?`, t, p.ID)
	return err
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
	if _, err := s.db.ExecContext(ctx, `UPDATE eloge_assessments SET review = 'accepted' WHERE participant_id = ? AND indicator_id <> ?`, p.ID, last); err != nil {
		return err
	}
	return s.Review(ctx, nil, c, p, last, "accepted", "")
}

// demoAnswers fills the three questionnaires with answers around level.
func (s *Service) demoAnswers(ctx context.Context, p *Participant, level float64, n int, rng *rand.Rand) error {
	for _, src := range []string{SourceCitizens, SourceCouncillors, SourceStaff} {
		sv, err := s.surveys.ByPublicID(ctx, p.SurveyID(src))
		if err != nil {
			return err
		}
		// The 2023 questionnaires are in the past: open them while the
		// demo answers, then close them at the end of the cycle's year.
		closes := sv.ClosesAt
		in := surveys.Input{Title: sv.Title, Def: sv.Def, Audience: sv.Audience, Status: surveys.StatusOpen, ResultsPublic: true}
		if err := s.surveys.Update(ctx, nil, sv, in); err != nil {
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
			if tokens, err = s.surveys.IssueTokens(ctx, nil, sv, labels); err != nil {
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
			if _, err := s.surveys.Submit(ctx, sv, sub); err != nil {
				return fmt.Errorf("eloge.demoAnswers(%s): %w", src, err)
			}
		}
		in.ClosesAt, in.Status = closes, surveys.StatusClosed
		if err := s.surveys.Update(ctx, nil, sv, in); err != nil {
			return err
		}
	}
	return nil
}
