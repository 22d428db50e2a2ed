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

// RateUsed is one rate a total used: a currency's rate of one date.
type RateUsed struct {
	Currency string
	PerEUR   float64
	Date     string // "" for the fixed BAM peg
	Projects int    // projects converted with it
}

// Dashboard is the totals of the registry in one currency. Every project
// is converted at the rates of its own date (rateDate), the same rates
// that make its euro value; each list of buckets adds up to Total, to
// the cent.
type Dashboard struct {
	Currency string
	Rates    []RateUsed // by currency, then date
	Missing  []string   // currencies without a rate: their projects are left out
	Skipped  int        // projects left out for a missing rate
	// Unconverted are the budgets of the skipped projects, per currency:
	// stated beside the totals, never silently dropped.
	Unconverted []money.Amount
	Projects    int
	Total       int64
	ByDonor     []Bucket
	BySector    []Bucket
	ByYear      []Bucket // "" (no year) last
	ByLSG       []Bucket
	// YearDonor is the value per year (rows) for the top donors (columns,
	// DonorKeys), for the stacked chart; the last column is "others".
	YearDonor [][]int64
	DonorKeys []string
}

// Dashboard computes the totals in currency, converting every project at
// the rates of its own date (stated on the page with the rates used). Programmes that have projects are
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
	for _, c := range sortedKeys(missing) {
		d.Missing = append(d.Missing, c)
		d.Unconverted = append(d.Unconverted, money.New(missing[c], c))
	}
	return d, nil
}

// dashProjects loads the projects the dashboard counts (programmes with
// projects left out), converted to d's currency at the rates of their
// dates (noted in d.Rates); those without a rate are counted in d.Skipped
// and their budgets returned per currency.
func (s *Service) dashProjects(ctx context.Context, rates []Rate, d *Dashboard) (map[int64]*dashProject, map[string]int64, error) {
	leaves, err := s.st.leafBudgets(ctx, s.d)
	if err != nil {
		return nil, nil, err
	}
	ps := map[int64]*dashProject{}
	missing := map[string]int64{}
	used := map[RateUsed]int{}
	for _, l := range leaves {
		v, rs, ok := convertUsing(rates, l.amount, d.Currency, l.date)
		if !ok {
			missing[l.amount.Currency] += l.amount.Minor
			d.Skipped++
			continue
		}
		for _, r := range rs {
			used[r]++
		}
		ps[l.id] = &dashProject{value: v, year: l.year}
	}
	d.Rates = ratesUsed(used)
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
		addBucket(year, yearKey(p.year), p.value)
	}
	d.ByDonor, d.BySector, d.ByLSG = sorted(donor), sorted(sector), sorted(lsg)
	for _, b := range year {
		d.ByYear = append(d.ByYear, *b)
	}
	sort.Slice(d.ByYear, func(i, j int) bool {
		a, b := d.ByYear[i].Key, d.ByYear[j].Key
		if (a == "") != (b == "") {
			return b == "" // the projects without a year last
		}
		return a < b
	})
}

// yearKey is the bucket of a start year ("" when none is recorded).
func yearKey(y int) string {
	if y <= 0 {
		return ""
	}
	return strconv.Itoa(y)
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

// split adds v to the buckets of keys in equal parts ("" when none); the
// parts add up to v (see shares).
func split(m map[string]*Bucket, keys []string, v int64) {
	if len(keys) == 0 {
		addBucket(m, "", v)
		return
	}
	for i, k := range keys {
		addBucket(m, k, share(v, len(keys), i))
	}
}

// share is the i-th of n parts of v that differ by at most one minor unit
// and add up to v exactly (the first v mod n parts take the extra unit),
// so that no cent is lost when a value is split.
func share(v int64, n, i int) int64 {
	q, r := v/int64(n), v%int64(n)
	if r < 0 {
		q, r = q-1, r+int64(n)
	}
	if int64(i) < r {
		return q + 1
	}
	return q
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
		y, _ := strconv.Atoi(b.Key) // 0 for the bucket without a year
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
		for j, k := range keys {
			col, ok := top[k]
			if !ok {
				col = len(d.DonorKeys)
			}
			d.YearDonor[i][col] += share(p.value, len(keys), j)
		}
	}
}

// convertUsing is Convert that also names the rates it used (none for
// an amount already in currency to, or for the euro itself).
func convertUsing(rates []Rate, a money.Amount, to, date string) (int64, []RateUsed, bool) {
	v, ok := Convert(rates, a, to, date)
	if !ok || a.Currency == to {
		return v, nil, ok
	}
	var used []RateUsed
	for _, c := range []string{a.Currency, to} {
		if c == "EUR" {
			continue
		}
		r, rd, _ := rateOn(rates, c, date)
		used = append(used, RateUsed{Currency: c, PerEUR: r, Date: rd})
	}
	return v, used, true
}

// ratesUsed lists the rates used with the number of projects each
// converted, by currency and date.
func ratesUsed(used map[RateUsed]int) []RateUsed {
	out := make([]RateUsed, 0, len(used))
	for r, n := range used {
		r.Projects = n
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Currency != out[j].Currency {
			return out[i].Currency < out[j].Currency
		}
		return out[i].Date < out[j].Date
	})
	return out
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
