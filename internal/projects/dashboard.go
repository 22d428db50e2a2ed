package projects

import (
	"context"
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
	return s.dash.Get(ctx, currency, func(ctx context.Context) (*Dashboard, error) {
		return s.computeDashboard(ctx, currency)
	})
}

// dashProject is a project as the dashboard counts it: its value in the
// dashboard's currency, its start year, donors, DAC codes and LSGs.
type dashProject struct {
	value  int64
	year   int
	donors []string
	dac    []string
	lsgs   []string
}

func (s *Service) computeDashboard(ctx context.Context, currency string) (*Dashboard, error) {
	rates, err := s.Rates(ctx)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Currency: currency}
	ps, missing, err := s.dashProjects(ctx, rates, d)
	if err != nil {
		return nil, err
	}
	d.buckets(ps)
	s.labelBuckets(ctx, d)
	d.stackByDonor(ps)
	d.ratesUsed(rates)
	if len(missing) > 0 {
		d.Missing = sortedKeys(missing)
	}
	return d, nil
}

// dashProjects loads the projects the dashboard counts (programmes with
// projects left out), converted to d's currency; those without a rate
// are counted in d.Skipped and their currencies returned as missing.
func (s *Service) dashProjects(ctx context.Context, rates []Rate, d *Dashboard) (map[int64]*dashProject, map[string]bool, error) {
	leaves, err := s.st.leafBudgets(ctx, s.d)
	if err != nil {
		return nil, nil, err
	}
	ps := map[int64]*dashProject{}
	missing := map[string]bool{}
	for _, l := range leaves {
		v, ok := Convert(rates, l.amount, d.Currency, "")
		if !ok {
			missing[l.amount.Currency] = true
			d.Skipped++
			continue
		}
		ps[l.id] = &dashProject{value: v, year: l.year}
	}
	err = s.st.dashKeys(ctx, s.d, func(id int64, kind, v string) {
		p := ps[id]
		if p == nil {
			return
		}
		switch kind {
		case "donor":
			p.donors = append(p.donors, v)
		case "dac":
			p.dac = append(p.dac, v)
		case "lsg":
			p.lsgs = append(p.lsgs, v)
		}
	})
	return ps, missing, err
}

// buckets totals ps by donor, sector, LSG and year; a project's value is
// split equally among its donors, sectors and LSGs.
func (d *Dashboard) buckets(ps map[int64]*dashProject) {
	donor, sector, year, lsg := map[string]*Bucket{}, map[string]*Bucket{}, map[string]*Bucket{}, map[string]*Bucket{}
	for _, p := range ps {
		d.Projects++
		d.Total += p.value
		split(donor, p.donors, p.value)
		split(sector, p.dac, p.value)
		split(lsg, p.lsgs, p.value)
		if p.year > 0 {
			addBucket(year, strconv.Itoa(p.year), p.value)
		}
	}
	d.ByDonor, d.BySector, d.ByLSG = sorted(donor), sorted(sector), sorted(lsg)
	for _, b := range year {
		d.ByYear = append(d.ByYear, *b)
	}
	sort.Slice(d.ByYear, func(i, j int) bool { return d.ByYear[i].Key < d.ByYear[j].Key })
}

func addBucket(m map[string]*Bucket, key string, v int64) {
	b := m[key]
	if b == nil {
		b = &Bucket{Key: key, Label: key}
		m[key] = b
	}
	b.Minor += v
	b.Count++
}

// split adds v to the buckets of keys in equal parts ("" when none).
func split(m map[string]*Bucket, keys []string, v int64) {
	if len(keys) == 0 {
		addBucket(m, "", v)
		return
	}
	for _, k := range keys {
		addBucket(m, k, v/int64(len(keys)))
	}
}

// labelBuckets names the sectors by the DAC codelist and the LSGs by
// their places (codes stay when the places are unavailable).
func (s *Service) labelBuckets(ctx context.Context, d *Dashboard) {
	for i := range d.BySector {
		if d.BySector[i].Key != "" {
			d.BySector[i].Label = s.cl.Sector.Label(d.BySector[i].Key)
		}
	}
	lsgs, err := s.places.LSGs(ctx)
	if err != nil {
		return
	}
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

// stackByDonor fills the stacked chart's table: the value per year for
// the top five donors and the others.
func (d *Dashboard) stackByDonor(ps map[int64]*dashProject) {
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
}

// ratesUsed states the rates of the currencies shown (BAM always, the
// dashboard's currency and those of the table).
func (d *Dashboard) ratesUsed(rates []Rate) {
	used := map[string]bool{d.Currency: true}
	for _, r := range rates {
		used[r.Currency] = true
	}
	for _, c := range sortedKeys(map[string]bool{"BAM": true, "EUR": true, "USD": true, d.Currency: true}) {
		if c == "EUR" || !used[c] && c != "BAM" {
			continue
		}
		if v, date, ok := rateOn(rates, c, ""); ok {
			d.Rates = append(d.Rates, RateUsed{Currency: c, PerEUR: v, Date: date})
		}
	}
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
