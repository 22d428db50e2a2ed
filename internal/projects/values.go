package projects

import (
	"context"
	"fmt"

	"github.com/dijalog/dijalog/internal/money"
)

// ValueNote is how a project's budget became its value in euro: the rate
// of its currency that applied on the project's rate date.
type ValueNote struct {
	EUR      int64    // euro cents, as stored in ValueEUR
	Date     string   // the project's rate date (rateDate); "" for the latest rates
	Rate     RateUsed // the rate used; empty for a budget in euro
	Converts bool     // false when no rate exists for the currency
}

// ValueOf states the euro value of p and the rate it was converted at.
func (s *Service) ValueOf(ctx context.Context, p *Project) (ValueNote, error) {
	rates, err := s.Rates(ctx)
	if err != nil {
		return ValueNote{}, err
	}
	n := ValueNote{Date: p.RateDate()}
	v, used, ok := convertUsing(rates, p.Budget, "EUR", n.Date)
	n.EUR, n.Converts = v, ok
	if len(used) > 0 {
		n.Rate = used[0]
	}
	return n, nil
}

// ProgrammeValue is what a programme's projects add up to: their value in
// euro, each at the rates of its own date, and the budgets of those whose
// currency has no rate, per currency (never dropped).
type ProgrammeValue struct {
	Projects    int
	EUR         int64
	Unconverted []money.Amount
	Rates       []RateUsed
}

// maxProgrammeDepth bounds the nesting of programmes that ProgrammeValue
// follows.
const maxProgrammeDepth = 8

// ProgrammeValue totals the live projects of the programme publicID: a
// project that is itself a programme with projects counts through them
// (as on the dashboard, so that nothing counts twice).
func (s *Service) ProgrammeValue(ctx context.Context, publicID string) (ProgrammeValue, error) {
	rates, err := s.Rates(ctx)
	if err != nil {
		return ProgrammeValue{}, err
	}
	var pv ProgrammeValue
	missing := map[string]int64{}
	used := map[RateUsed]int{}
	parents := []string{publicID}
	for depth := 0; len(parents) > 0 && depth < maxProgrammeDepth; depth++ {
		kids, err := s.st.childBudgets(ctx, s.d, parents)
		if err != nil {
			return pv, fmt.Errorf("projects.ProgrammeValue(%q): %w", publicID, err)
		}
		parents = parents[:0]
		for _, k := range kids {
			if k.hasChildren {
				parents = append(parents, k.publicID)
				continue
			}
			pv.Projects++
			v, rs, ok := convertUsing(rates, k.amount, "EUR", k.date)
			if !ok {
				missing[k.amount.Currency] += k.amount.Minor
				continue
			}
			pv.EUR += v
			for _, r := range rs {
				used[r]++
			}
		}
	}
	for _, c := range sortedKeys(missing) {
		pv.Unconverted = append(pv.Unconverted, money.New(missing[c], c))
	}
	pv.Rates = ratesUsed(used)
	return pv, nil
}
