package surveys

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// RandomAnswers makes a plausible, valid filled-in questionnaire (demo
// data and benchmarks): conditions are respected, every required question
// is answered.
func RandomAnswers(d *Definition, rng *rand.Rand) []Answer {
	var out []Answer
	given := map[string][]string{}
	for _, q := range d.Questions() {
		if !Shown(q, given) || (!q.Required && rng.Float64() < 0.15) {
			continue
		}
		switch q.Type {
		case TypeSingle:
			v := q.Options[rng.IntN(len(q.Options))].Key
			given[q.Key] = []string{v}
			out = append(out, Answer{Question: q.Key, Value: v})
		case TypeLikert:
			v := strconv.Itoa(1 + rng.IntN(5))
			if q.DontKnow && rng.Float64() < 0.08 {
				v = DontKnow
			}
			given[q.Key] = []string{v}
			out = append(out, Answer{Question: q.Key, Value: v})
		case TypeMultiple:
			for i, o := range q.Options {
				if rng.Float64() < 0.35 || (i == 0 && len(given[q.Key]) == 0 && rng.Float64() < 0.5) {
					given[q.Key] = append(given[q.Key], o.Key)
					out = append(out, Answer{Question: q.Key, Item: o.Key, Value: "1"})
				}
			}
		case TypeNumber:
			lo, hi := 0.0, 100.0
			if q.Min != nil {
				lo = *q.Min
			}
			if q.Max != nil {
				hi = min(*q.Max, lo+50000)
			}
			f := float64(int(lo + rng.Float64()*(hi-lo)))
			out = append(out, Answer{Question: q.Key, Value: strconv.FormatFloat(f, 'f', -1, 64), Num: &f})
		case TypeText:
			out = append(out, Answer{Question: q.Key, Value: demoTexts[rng.IntN(len(demoTexts))]})
		case TypeMatrix:
			for _, r := range q.Rows {
				v := strconv.Itoa(1 + rng.IntN(5))
				if q.DontKnow && rng.Float64() < 0.1 {
					v = DontKnow
				}
				out = append(out, Answer{Question: q.Key, Item: r.Key, Value: v})
			}
		case TypeRanking:
			for i, p := range rng.Perm(len(q.Options)) {
				out = append(out, Answer{Question: q.Key, Item: q.Options[i].Key, Value: strconv.Itoa(p + 1)})
			}
		}
	}
	return out
}

var demoTexts = []string{
	"Javni poziv treba objaviti ranije, najkasnije u februaru.",
	"Više transparentnosti u radu komisije za ocjenjivanje.",
	"Isplate kasne i po nekoliko mjeseci, što otežava rad malih udruženja.",
	"Potrebni su višegodišnji ugovori za programe s mladima.",
	"Zadovoljni smo saradnjom sa službom za društvene djelatnosti.",
}

// LoadDemo opens the FinansirajGO survey of an LSG with answers from CSOs.
func LoadDemo(ctx context.Context, s *Service, lsg string) error {
	t, err := LoadTemplate(TemplateFinansirajGO)
	if err != nil {
		return err
	}
	sv, err := s.Create(ctx, nil, Input{OwnerKind: OwnerLSG, OwnerRef: lsg, Template: t.Key, Title: t.Title, Def: t.Definition, Audience: AudiencePublic, Status: StatusOpen,
		ClosesAt: sql.Null[time.Time]{V: time.Date(time.Now().Year()+1, 6, 30, 0, 0, 0, 0, time.UTC), Valid: true}, ResultsPublic: true})
	if err != nil {
		return fmt.Errorf("surveys.LoadDemo: %w", err)
	}
	rng := rand.New(rand.NewPCG(40, 12))
	for i := 0; i < 40; i++ {
		ch := "web"
		if i%5 == 4 {
			ch = "paper"
		}
		if _, err := s.Submit(ctx, sv, Submission{IdemKey: NewKey(), Answers: RandomAnswers(sv.Def, rng), Channel: ch, Lang: "bs", BrowserToken: NewKey(), IP: fmt.Sprintf("10.1.0.%d", i)}); err != nil {
			return fmt.Errorf("surveys.LoadDemo: answer %d: %w", i, err)
		}
	}
	return nil
}
