package dialogue

import (
	"context"
	"sort"
)

// StateCount is how many initiatives are in one state.
type StateCount struct {
	State string
	Count int
}

// LSGCount is how many initiatives of one LSG a platform has.
type LSGCount struct {
	LSG   string
	Count int
}

// Dashboard is the public overview of an LSG or a platform: initiatives
// by state, supports, initiatives per LSG and where the money went.
type Dashboard struct {
	Initiatives int // not drafts
	Supports    int
	ByState     []StateCount // in life-cycle order, states with none left out
	ByLSG       []LSGCount   // most first
	Money       *MoneySummary
}

// LSGDashboard is the overview of the initiatives of one LSG, on every
// platform it belongs to (its own and inter-municipal ones).
func (s *Money) LSGDashboard(ctx context.Context, lsg string) (*Dashboard, error) {
	d, err := s.dashboard(ctx, whereLSG, lsg)
	return d, wrap("LSGDashboard", err)
}

// PlatformDashboard is the overview of p's initiatives, per LSG when p is
// inter-municipal.
func (s *Money) PlatformDashboard(ctx context.Context, p *Platform) (*Dashboard, error) {
	d, err := s.dashboard(ctx, wherePlatform, p.ID)
	return d, wrap("PlatformDashboard", err)
}

func (s *Money) dashboard(ctx context.Context, where string, arg any) (*Dashboard, error) {
	d := &Dashboard{}
	counts, err := stateCounts(ctx, s.db, where, arg)
	if err != nil {
		return nil, err
	}
	byState := map[string]int{}
	byLSG := map[string]int{}
	for _, c := range counts {
		byState[c.state] += c.n
		byLSG[c.lsg] += c.n
		d.Initiatives += c.n
		d.Supports += c.supports
	}
	for _, st := range States() {
		if byState[st] > 0 {
			d.ByState = append(d.ByState, StateCount{State: st, Count: byState[st]})
		}
	}
	for c, n := range byLSG {
		d.ByLSG = append(d.ByLSG, LSGCount{LSG: c, Count: n})
	}
	sort.Slice(d.ByLSG, func(i, j int) bool {
		if d.ByLSG[i].Count != d.ByLSG[j].Count {
			return d.ByLSG[i].Count > d.ByLSG[j].Count
		}
		return d.ByLSG[i].LSG < d.ByLSG[j].LSG
	})
	if d.Money, err = s.summary(ctx, where, arg); err != nil {
		return nil, err
	}
	return d, nil
}
