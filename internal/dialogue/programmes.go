package dialogue

import (
	"context"
	"sort"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Summary summarises what p's co-financed initiatives cost and received.
func (s *Money) Summary(ctx context.Context, p *Platform) (*MoneySummary, error) {
	sum, err := s.summary(ctx, wherePlatform, p.ID)
	return sum, wrap("Money", err)
}

// Programme is a donor programme named in financing plans, with what it
// put in.
type Programme struct {
	Key         string // slug of the name, for the URL
	Name        string
	ProjectRef  string // a project of the registry, when a share named one
	Initiatives int
	Amounts     []money.Amount // the programme's own shares, per currency
}

// Programmes lists the donor programmes of every financing plan, with
// the number of initiatives each co-finances and its own money.
func (s *Money) Programmes(ctx context.Context) ([]Programme, error) {
	type acc struct {
		Programme
		seen   map[int64]bool
		totals map[string]int64
	}
	byKey := map[string]*acc{}
	err := eachDonorShare(ctx, s.db, func(name, ref string, id int64, a money.Amount) {
		key := programmeKey(name)
		ac := byKey[key]
		if ac == nil {
			ac = &acc{Programme: Programme{Key: key, Name: name}, seen: map[int64]bool{}, totals: map[string]int64{}}
			byKey[key] = ac
		}
		if ac.ProjectRef == "" {
			ac.ProjectRef = ref
		}
		if !ac.seen[id] {
			ac.seen[id] = true
			ac.Initiatives++
		}
		ac.totals[a.Currency] += a.Minor
	})
	if err != nil {
		return nil, wrap("Programmes", err)
	}
	out := make([]Programme, 0, len(byKey))
	for _, a := range byKey {
		a.Amounts = amounts(a.totals)
		out = append(out, a.Programme)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Initiatives != out[j].Initiatives {
			return out[i].Initiatives > out[j].Initiatives
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func programmeKey(name string) string {
	k := auth.Slugify(name)
	if k == "" {
		k = "programme"
	}
	return k
}

// ProgrammeSummary is "where the money went" of one donor programme
// across every platform.
type ProgrammeSummary struct {
	Programme
	*MoneySummary
}

// ProgrammeMoney summarises the initiatives co-financed by the programme
// with key (see Programme.Key), across platforms.
func (s *Money) ProgrammeMoney(ctx context.Context, key string) (*ProgrammeSummary, error) {
	if len(key) > 200 {
		return nil, refuse.ErrNotFound
	}
	list, err := s.Programmes(ctx)
	if err != nil {
		return nil, err
	}
	var pr *Programme
	for i := range list {
		if list[i].Key == key {
			pr = &list[i]
		}
	}
	if pr == nil {
		return nil, refuse.ErrNotFound
	}
	all, err := donorNames(ctx, s.db)
	if err != nil {
		return nil, wrap("ProgrammeMoney", err)
	}
	var names []string
	for _, n := range all {
		if programmeKey(n) == key {
			names = append(names, n)
		}
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	sum, err := s.summary(ctx, whereProgramme(len(names)), args...)
	if err != nil {
		return nil, wrap("ProgrammeMoney", err)
	}
	return &ProgrammeSummary{Programme: *pr, MoneySummary: sum}, nil
}

// summary builds a MoneySummary of the selected-or-later initiatives that
// match where (a condition on i, the initiative), in three queries.
func (s *core) summary(ctx context.Context, where string, args ...any) (*MoneySummary, error) {
	sum := &MoneySummary{}
	index, err := moneyRows(ctx, s.db, sum, where, args)
	if err != nil {
		return nil, err
	}
	t := moneyTotals{paid: map[string]int64{}, planned: map[string]int64{}, bySource: map[[3]string]int64{}, has: map[int]bool{}}
	err = eachAmount(ctx, s.db, sharesOf(where), args, func(id int64, source, name string, a money.Amount) {
		if k, ok := index[id]; ok {
			t.share(&sum.Rows[k], k, source, name, a)
		}
	})
	if err != nil {
		return nil, err
	}
	err = eachAmount(ctx, s.db, disbursementsOf(where), args, func(id int64, _, _ string, a money.Amount) {
		if k, ok := index[id]; ok {
			t.paidOut(&sum.Rows[k], a)
		}
	})
	if err != nil {
		return nil, err
	}
	sum.count(t.has)
	sum.Totals = amounts(t.planned)
	sum.Paid = amounts(t.paid)
	sum.BySource = sourceTotals(t.bySource)
	return sum, nil
}

// moneyTotals gathers the amounts of a summary by currency.
type moneyTotals struct {
	planned, paid map[string]int64
	bySource      map[[3]string]int64 // source, name, currency
	has           map[int]bool        // rows with a financing plan
}

// share adds a financing share of row r (the k-th).
func (t *moneyTotals) share(r *MoneyRow, k int, source, name string, a money.Amount) {
	t.has[k] = true
	t.planned[a.Currency] += a.Minor
	t.bySource[[3]string{source, name, a.Currency}] += a.Minor
	if r.Planned.Currency == "" || r.Planned.Currency == a.Currency {
		r.Planned = money.New(r.Planned.Minor+a.Minor, a.Currency)
	}
}

// paidOut adds a disbursement of row r.
func (t *moneyTotals) paidOut(r *MoneyRow, a money.Amount) {
	t.paid[a.Currency] += a.Minor
	if r.Paid.Currency == "" || r.Paid.Currency == a.Currency {
		r.Paid = money.New(r.Paid.Minor+a.Minor, a.Currency)
	}
}

// count sets the counters and the platform lines from the rows; has names
// the rows with a financing plan.
func (sum *MoneySummary) count(has map[int]bool) {
	platforms := map[string]*PlatformMoney{}
	var order []string
	for k, r := range sum.Rows {
		sum.Selected++
		if has[k] {
			sum.Cofinanced++
		}
		if r.State == StateDone {
			sum.Done++
		}
		pm := platforms[r.PlatformSlug]
		if pm == nil {
			pm = &PlatformMoney{Slug: r.PlatformSlug, Name: r.PlatformName}
			platforms[r.PlatformSlug] = pm
			order = append(order, r.PlatformSlug)
		}
		pm.Initiatives++
		if r.State == StateDone {
			pm.Done++
		}
		if r.Planned.Currency != "" {
			pm.planned = addTo(pm.planned, r.Planned)
		}
	}
	sort.Strings(order)
	for _, slug := range order {
		pm := platforms[slug]
		pm.Planned = amounts(pm.planned)
		sum.ByPlatform = append(sum.ByPlatform, *pm)
	}
	sort.SliceStable(sum.ByPlatform, func(i, j int) bool { return sum.ByPlatform[i].Name < sum.ByPlatform[j].Name })
}

// sourceTotals lists the planned amounts by source (municipality, donors
// by name, others) and currency.
func sourceTotals(bySource map[[3]string]int64) []SourceTotal {
	var out []SourceTotal
	for k, v := range bySource {
		st := SourceTotal{Source: k[0], Name: k[1], Amount: money.New(v, k[2])}
		if st.Source == "donor" {
			st.Key = programmeKey(st.Name)
		}
		out = append(out, st)
	}
	rank := map[string]int{"lsg": 0, "donor": 1, "other": 2}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rank[a.Source] != rank[b.Source] {
			return rank[a.Source] < rank[b.Source]
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Amount.Currency < b.Amount.Currency
	})
	return out
}

func addTo(m map[string]int64, a money.Amount) map[string]int64 {
	if m == nil {
		m = map[string]int64{}
	}
	m[a.Currency] += a.Minor
	return m
}
