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
func (s *Service) LSGDashboard(ctx context.Context, lsg string) (*Dashboard, error) {
	d, err := s.dashboard(ctx, `i.lsg_code = ?`, lsg)
	return d, wrap("LSGDashboard", err)
}

// PlatformDashboard is the overview of p's initiatives, per LSG when p is
// inter-municipal.
func (s *Service) PlatformDashboard(ctx context.Context, p *Platform) (*Dashboard, error) {
	d, err := s.dashboard(ctx, `i.platform_id = ?`, p.ID)
	return d, wrap("PlatformDashboard", err)
}

func (s *Service) dashboard(ctx context.Context, where string, arg any) (*Dashboard, error) {
	d := &Dashboard{}
	rows, err := s.db.QueryContext(ctx, `SELECT i.state, i.lsg_code, COUNT(*), COALESCE(SUM(i.supports), 0) FROM dlg_initiatives i WHERE i.state <> 'draft' AND `+where+` GROUP BY i.state, i.lsg_code`, arg)
	if err != nil {
		return nil, err
	}
	byState := map[string]int{}
	byLSG := map[string]int{}
	for rows.Next() {
		var st, lsg string
		var n, sup int
		if err := rows.Scan(&st, &lsg, &n, &sup); err != nil {
			rows.Close()
			return nil, err
		}
		byState[st] += n
		byLSG[lsg] += n
		d.Initiatives += n
		d.Supports += sup
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
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
