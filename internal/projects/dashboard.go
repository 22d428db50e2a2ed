package projects

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/dijalog/dijalog/internal/money"
)

// Bucket is one line of a total: a donor, sector, year or LSG.
type Bucket struct {
	Key   string
	Label string
	Minor int64 // in the dashboard's currency
	Count int   // projects
}

// RateUsed is the rate a dashboard used for one currency.
type RateUsed struct {
	Currency string
	PerEUR   float64
	Date     string // "" for the fixed BAM peg
}

// Dashboard is the totals of the registry in one currency.
type Dashboard struct {
	Currency string
	Rates    []RateUsed
	Missing  []string // currencies without a rate: their projects are left out
	Skipped  int      // projects left out for a missing rate
	Projects int
	Total    int64
	ByDonor  []Bucket
	BySector []Bucket
	ByYear   []Bucket
	ByLSG    []Bucket
	// YearDonor is the value per year (rows) for the top donors (columns,
	// DonorKeys), for the stacked chart; the last column is "others".
	YearDonor [][]int64
	DonorKeys []string
}

// Dashboard computes the totals in currency, using the latest rate of
// every currency (stated on the page). Programmes that have projects are
// left out so that money is not counted twice; a project's value is split
// equally among its donors, its sectors and its LSGs. Results are cached
// until the next write.
func (s *Service) Dashboard(ctx context.Context, currency string) (*Dashboard, error) {
	if !money.Valid(currency) {
		return nil, FieldErrors{"currency": "projects.err.currency"}
	}
	cached := func() (*Dashboard, uint64) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.expireLocked()
		if s.dash != nil && s.dashG == s.gen {
			if d, ok := s.dash[currency]; ok {
				return d, s.gen
			}
		}
		return nil, s.gen
	}
	if d, _ := cached(); d != nil {
		return d, nil
	}
	s.fillDash.Lock()
	defer s.fillDash.Unlock()
	d, gen := cached()
	if d != nil {
		return d, nil
	}
	d, err := s.computeDashboard(ctx, currency)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.gen == gen {
		if s.dash == nil || s.dashG != gen {
			s.dash, s.dashG = map[string]*Dashboard{}, gen
		}
		s.dash[currency] = d
	}
	s.mu.Unlock()
	return d, nil
}

func (s *Service) computeDashboard(ctx context.Context, currency string) (*Dashboard, error) {
	rates, err := s.Rates(ctx)
	if err != nil {
		return nil, err
	}
	type proj struct {
		value  int64
		year   int
		donors []string
		dac    []string
		lsgs   []string
	}
	ps := map[int64]*proj{}
	missing := map[string]bool{}
	d := &Dashboard{Currency: currency}
	rows, err := s.d.QueryContext(ctx, `SELECT p.id, p.budget_minor, p.currency, p.start_year FROM projects p
		WHERE p.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM projects c WHERE c.parent_id = p.id AND c.deleted_at IS NULL)`)
	if err != nil {
		return nil, fmt.Errorf("projects.Service.Dashboard: %w", err)
	}
	for rows.Next() {
		var id int64
		var a money.Amount
		var year int
		if err := rows.Scan(&id, &a.Minor, &a.Currency, &year); err != nil {
			rows.Close()
			return nil, fmt.Errorf("projects.Service.Dashboard: %w", err)
		}
		v, ok := Convert(rates, a, currency, "")
		if !ok {
			missing[a.Currency] = true
			d.Skipped++
			continue
		}
		ps[id] = &proj{value: v, year: year}
	}
	rows.Close()
	for _, q := range []struct {
		sql string
		add func(p *proj, v string)
	}{
		{`SELECT o.project_id, o.name FROM project_orgs o WHERE o.role = 1 ORDER BY o.project_id, o.seq`, func(p *proj, v string) { p.donors = append(p.donors, v) }},
		{`SELECT c.project_id, c.code FROM project_codes c WHERE c.kind = 'dac'`, func(p *proj, v string) { p.dac = append(p.dac, v) }},
		{`SELECT l.project_id, l.place_code FROM project_locations l`, func(p *proj, v string) { p.lsgs = append(p.lsgs, v) }},
	} {
		rows, err := s.d.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("projects.Service.Dashboard: %w", err)
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("projects.Service.Dashboard: %w", err)
			}
			if p := ps[id]; p != nil {
				q.add(p, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("projects.Service.Dashboard: %w", err)
		}
	}
	donor, sector, year, lsg := map[string]*Bucket{}, map[string]*Bucket{}, map[string]*Bucket{}, map[string]*Bucket{}
	add := func(m map[string]*Bucket, key string, v int64) {
		b := m[key]
		if b == nil {
			b = &Bucket{Key: key, Label: key}
			m[key] = b
		}
		b.Minor += v
		b.Count++
	}
	split := func(m map[string]*Bucket, keys []string, v int64, none string) {
		if len(keys) == 0 {
			add(m, none, v)
			return
		}
		for _, k := range keys {
			add(m, k, v/int64(len(keys)))
		}
	}
	for _, p := range ps {
		d.Projects++
		d.Total += p.value
		split(donor, p.donors, p.value, "")
		split(sector, p.dac, p.value, "")
		split(lsg, p.lsgs, p.value, "")
		if p.year > 0 {
			add(year, strconv.Itoa(p.year), p.value)
		}
	}
	d.ByDonor, d.BySector, d.ByLSG = sorted(donor), sorted(sector), sorted(lsg)
	for i := range d.BySector {
		if d.BySector[i].Key != "" {
			d.BySector[i].Label = s.cl.Sector.Label(d.BySector[i].Key)
		}
	}
	lsgs, err := s.places.LSGs(ctx)
	if err == nil {
		names := map[string]string{}
		for _, p := range lsgs {
			names[p.Code] = p.NameLat
		}
		for i := range d.ByLSG {
			if n, ok := names[d.ByLSG[i].Key]; ok {
				d.ByLSG[i].Label = n
			}
		}
	}
	for _, b := range year {
		d.ByYear = append(d.ByYear, *b)
	}
	sort.Slice(d.ByYear, func(i, j int) bool { return d.ByYear[i].Key < d.ByYear[j].Key })
	// stacked: top 5 donors per year
	top := map[string]int{}
	for i, b := range d.ByDonor {
		if i >= 5 || b.Key == "" {
			break
		}
		top[b.Key] = len(d.DonorKeys)
		d.DonorKeys = append(d.DonorKeys, b.Key)
	}
	yearIdx := map[int]int{}
	for i, b := range d.ByYear {
		y, _ := strconv.Atoi(b.Key)
		yearIdx[y] = i
		d.YearDonor = append(d.YearDonor, make([]int64, len(d.DonorKeys)+1))
	}
	for _, p := range ps {
		i, ok := yearIdx[p.year]
		if !ok {
			continue
		}
		keys := p.donors
		if len(keys) == 0 {
			keys = []string{""}
		}
		for _, k := range keys {
			col, ok := top[k]
			if !ok {
				col = len(d.DonorKeys)
			}
			d.YearDonor[i][col] += p.value / int64(len(keys))
		}
	}
	used := map[string]bool{currency: true}
	for _, r := range rates {
		used[r.Currency] = true
	}
	for _, c := range sortedCurrencies(map[string]string{"BAM": "", "EUR": "", "USD": "", currency: ""}) {
		if c == "EUR" || !used[c] && c != "BAM" {
			continue
		}
		v, date, ok := rateOn(rates, c, "")
		if ok {
			d.Rates = append(d.Rates, RateUsed{Currency: c, PerEUR: v, Date: date})
		}
	}
	for c := range missing {
		d.Missing = append(d.Missing, c)
	}
	sort.Strings(d.Missing)
	return d, nil
}

func sorted(m map[string]*Bucket) []Bucket {
	out := make([]Bucket, 0, len(m))
	for _, b := range m {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Minor != out[j].Minor {
			return out[i].Minor > out[j].Minor
		}
		return out[i].Key < out[j].Key
	})
	return out
}
