package projects

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/translit"
)

// Filter selects and orders projects for the list, the API and exports.
// Its URL form (Values, ParseFilter) is the list page's query string.
type Filter struct {
	LSG     string // place code of an LSG
	Region  string // place code of an entity, canton or district
	Donor   string // donor name (matched by its folded key)
	Sector  string // DAC 5-digit code or 3-digit category
	Status  int    // IATI ActivityStatus, 0 for any
	Year    int    // active in this year, 0 for any
	MinEUR  int64  // value in euro (whole euros), 0 for no bound
	MaxEUR  int64
	Q       string
	Kind    string // "project", "programme" or ""
	Parent  string // public id of a programme
	Sort    string // title, -title, start, -start, value, -value, updated (default -updated)
	Page    int    // from 1
	PerPage int
}

// MaxPerPage caps a page.
const MaxPerPage = 200

var sectorRe = regexp.MustCompile(`^[0-9]{3}([0-9]{2})?$`)

// Sorts lists the accepted sort keys.
func Sorts() []string {
	return []string{"-updated", "title", "-title", "start", "-start", "value", "-value"}
}

// ParseFilter reads a filter from a query string. Bad values give
// FieldErrors naming the parameter, so the page and the API can say which.
func ParseFilter(v url.Values) (Filter, FieldErrors) {
	fe := FieldErrors{}
	f := Filter{LSG: strings.TrimSpace(v.Get("lsg")), Region: strings.TrimSpace(v.Get("region")), Donor: clean(v.Get("donor"), 200),
		Sector: strings.TrimSpace(v.Get("sector")), Q: clean(v.Get("q"), 200), Kind: v.Get("kind"), Parent: strings.TrimSpace(v.Get("programme")), Sort: v.Get("sort")}
	atoi := func(name string, lo, hi int64) int64 {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(s), 10, 64)
		if err != nil || n < lo || n > hi {
			fe[name] = "projects.err.filter_number"
			return 0
		}
		return n
	}
	f.Status = int(atoi("status", 1, 6))
	f.Year = int(atoi("year", 1990, 2100))
	f.MinEUR = atoi("min", 0, 1e13)
	f.MaxEUR = atoi("max", 0, 1e13)
	f.Page = int(atoi("page", 1, 1e6))
	f.PerPage = int(atoi("per_page", 1, MaxPerPage))
	if f.Sector != "" && !sectorRe.MatchString(f.Sector) {
		fe["sector"] = "projects.err.sector"
	}
	if f.Kind != "" && f.Kind != KindProject && f.Kind != KindProgramme {
		fe["kind"] = "projects.err.kind"
	}
	if f.Sort != "" {
		ok := false
		for _, s := range Sorts() {
			ok = ok || s == f.Sort
		}
		if !ok {
			fe["sort"] = "projects.err.sort"
		}
	}
	if len(f.LSG) > 100 || len(f.Region) > 100 || len(f.Parent) > 100 {
		fe["lsg"] = "projects.err.place"
	}
	if f.MinEUR > 0 && f.MaxEUR > 0 && f.MaxEUR < f.MinEUR {
		fe["max"] = "projects.err.range"
	}
	if len(fe) > 0 {
		return f, fe
	}
	return f, nil
}

func clean(s string, n int) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return s
}

// Values is the filter as a query string (without page), for links.
func (f Filter) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	num := func(k string, n int64) {
		if n != 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	set("q", f.Q)
	set("lsg", f.LSG)
	set("region", f.Region)
	set("donor", f.Donor)
	set("sector", f.Sector)
	num("status", int64(f.Status))
	num("year", int64(f.Year))
	num("min", f.MinEUR)
	num("max", f.MaxEUR)
	set("kind", f.Kind)
	set("programme", f.Parent)
	set("sort", f.Sort)
	return v
}

// Result is a page of projects with the total count.
type Result struct {
	Items   []*Project
	Total   int
	Page    int
	PerPage int
}

// Pages is the number of pages.
func (r Result) Pages() int {
	if r.PerPage == 0 {
		return 0
	}
	return (r.Total + r.PerPage - 1) / r.PerPage
}

// query is a filter translated to the facet index (project_facets): the
// facets a project must have, conditions on the facet row's copies of the
// project's columns (f), and conditions that need the project row (p).
type query struct {
	facets []string
	conds  []string
	args   []any
	pconds []string
	pargs  []any
}

// none is a facet no project has: the filter cannot match.
const none = "none"

// plan translates f; the driving facet (the one with the fewest projects)
// comes first.
func (s *Service) plan(ctx context.Context, f Filter) (query, error) {
	var q query
	place, err := s.placeFacet(ctx, f)
	if err != nil {
		return q, err
	}
	q.facets = f.facets(place)
	q.addConds(f)
	if len(q.facets) > 1 {
		n := make(map[string]int, len(q.facets))
		for _, fc := range q.facets {
			c, err := s.facetCount(ctx, fc)
			if err != nil {
				return q, err
			}
			n[fc] = c
		}
		sort.SliceStable(q.facets, func(i, j int) bool { return n[q.facets[i]] < n[q.facets[j]] })
	}
	return q, nil
}

// placeFacet is the facet of f's LSG and region: the LSG's when both are
// set and it lies in the region, none when it does not; "" for no place.
func (s *Service) placeFacet(ctx context.Context, f Filter) (string, error) {
	if f.Region == "" {
		if f.LSG != "" {
			return facetLSG + f.LSG, nil
		}
		return "", nil
	}
	lsgs, err := s.places.LSGs(ctx)
	if err != nil {
		return "", err
	}
	place := none
	for _, p := range lsgs {
		switch {
		case p.Code == f.Region:
			place = facetLSG + p.Code
		case p.EntityCode == f.Region || p.CantonCode == f.Region || p.ParentCode == f.Region:
			if place == none {
				place = facetRegion + f.Region
			}
		default:
			continue
		}
		if f.LSG != "" && p.Code == f.LSG {
			place = facetLSG + f.LSG // both: the LSG, when it lies in the region
			break
		}
	}
	if f.LSG != "" && place != facetLSG+f.LSG {
		place = none
	}
	return place, nil
}

// facets are the facets a project must have to match f (all when none).
func (f Filter) facets(place string) []string {
	var out []string
	if place != "" {
		out = append(out, place)
	}
	if f.Donor != "" {
		out = append(out, facetDonor+orgKey(f.Donor))
	}
	if f.Sector != "" {
		if len(f.Sector) == 5 {
			out = append(out, facetDAC+f.Sector)
		} else {
			out = append(out, facetDAC3+f.Sector)
		}
	}
	if f.Status != 0 {
		out = append(out, facetStatus+strconv.Itoa(f.Status))
	}
	if len(out) == 0 {
		out = []string{facetAll}
	}
	return out
}

// addConds adds f's conditions on the facet row (year, value, kind) and
// on the project row (programme, words).
func (q *query) addConds(f Filter) {
	if f.Year != 0 {
		q.conds = append(q.conds, "f.start_year <= ? AND (f.end_date = '' OR f.end_date >= ?)")
		q.args = append(q.args, f.Year, fmt.Sprintf("%04d-01-01", f.Year))
	}
	if f.MinEUR > 0 {
		q.conds = append(q.conds, "f.value_eur_minor >= ?")
		q.args = append(q.args, f.MinEUR*100)
	}
	if f.MaxEUR > 0 {
		q.conds = append(q.conds, "f.value_eur_minor <= ?")
		q.args = append(q.args, f.MaxEUR*100)
	}
	if f.Kind != "" {
		q.conds = append(q.conds, "f.kind = ?")
		q.args = append(q.args, f.Kind)
	}
	if f.Parent != "" {
		q.pconds = append(q.pconds, "p.parent_id = (SELECT x.id FROM projects x WHERE x.public_id = ?)")
		q.pargs = append(q.pargs, f.Parent)
	}
	for i, tok := range translit.FoldTokens(f.Q) {
		if i >= 8 {
			break
		}
		q.pconds = append(q.pconds, "p.search_key LIKE ?")
		q.pargs = append(q.pargs, "%"+strings.NewReplacer("%", "", "_", "").Replace(tok)+"%")
	}
}

// from is the FROM and WHERE of q, with its arguments: the driving facet's
// rows, the other facets as point lookups in (facet, project_id), the
// project row only when a condition needs it.
func (q query) from() (string, []any) {
	var sb strings.Builder
	sb.WriteString("project_facets f")
	if len(q.pconds) > 0 {
		sb.WriteString(" JOIN projects p ON p.id = f.project_id")
	}
	sb.WriteString(" WHERE f.facet = ?")
	args := []any{q.facets[0]}
	for _, fc := range q.facets[1:] {
		sb.WriteString(" AND EXISTS (SELECT 1 FROM project_facets g WHERE g.facet = ? AND g.project_id = f.project_id)")
		args = append(args, fc)
	}
	for _, c := range q.conds {
		sb.WriteString(" AND " + c)
	}
	args = append(args, q.args...)
	for _, c := range q.pconds {
		sb.WriteString(" AND " + c)
	}
	return sb.String(), append(args, q.pargs...)
}

func orderBy(sort string) string {
	switch sort {
	case "title":
		return "f.sort_title, f.project_id"
	case "-title":
		return "f.sort_title DESC, f.project_id DESC"
	case "start":
		return "f.start_year, f.project_id"
	case "-start":
		return "f.start_year DESC, f.project_id DESC"
	case "value":
		return "f.value_eur_minor, f.project_id"
	case "-value":
		return "f.value_eur_minor DESC, f.project_id DESC"
	}
	return "f.updated_at DESC, f.project_id DESC"
}

// List returns one page of the projects that match f, with the total.
// The page is one range scan of the driving facet's sort index (ids
// only), then the projects of the page by id.
func (s *Service) List(ctx context.Context, f Filter) (Result, error) {
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	f.PerPage = min(f.PerPage, MaxPerPage)
	if f.Page <= 0 {
		f.Page = 1
	}
	q, err := s.plan(ctx, f)
	if err != nil {
		return Result{}, err
	}
	from, args := q.from()
	res := Result{Page: f.Page, PerPage: f.PerPage}
	total, err := s.count(ctx, from, args)
	if err != nil {
		return Result{}, err
	}
	res.Total = total
	if total == 0 || (f.Page-1)*f.PerPage >= total {
		return res, nil
	}
	ids, err := s.st.pageIDs(ctx, s.d, from, args, orderBy(f.Sort), f.PerPage, (f.Page-1)*f.PerPage)
	if err != nil {
		return Result{}, fmt.Errorf("projects.Service.List: %w", err)
	}
	res.Items, err = s.st.byIDs(ctx, s.d, ids)
	return res, err
}

// count counts the projects of a query (FROM and WHERE); counts are
// cached until the next write (or cacheTTL), since the list asks the same
// few filters again and again.
func (s *Service) count(ctx context.Context, from string, args []any) (int, error) {
	return s.counts.Get(ctx, from+fmt.Sprint(args...), func(ctx context.Context) (int, error) {
		return s.st.count(ctx, s.d, from, args)
	})
}

// facetCount is the number of projects with one facet (cached likewise).
func (s *Service) facetCount(ctx context.Context, facet string) (int, error) {
	return s.counts.Get(ctx, "facet "+facet, func(ctx context.Context) (int, error) {
		return s.st.facetCount(ctx, s.d, facet)
	})
}

// Each calls fn for every project matching f in order of id, in batches
// (keyset on the facet index), for streaming exports: memory stays flat,
// and the first batch is small so that the first bytes leave at once.
func (s *Service) Each(ctx context.Context, f Filter, fn func(*Project) error) error {
	return s.eachBatch(ctx, f, func(ps []*Project) error {
		for _, p := range ps {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachBatch is Each a batch of projects at a time (for exports that read
// more per batch).
func (s *Service) eachBatch(ctx context.Context, f Filter, fn func([]*Project) error) error {
	q, err := s.plan(ctx, f)
	if err != nil {
		return err
	}
	from, args := q.from()
	batch := 50
	lastID := int64(0)
	for {
		ids, err := s.st.idsAfter(ctx, s.d, from, args, lastID, batch)
		if err != nil {
			return fmt.Errorf("projects.Service.Each: %w", err)
		}
		ps, err := s.st.byIDs(ctx, s.d, ids)
		if err != nil {
			return err
		}
		if err := fn(ps); err != nil {
			return err
		}
		if len(ids) < batch {
			return nil
		}
		lastID = ids[len(ids)-1]
		batch = 500
	}
}

// Donors lists the distinct donor names (for the filter's choices),
// cached until the next write.
func (s *Service) Donors(ctx context.Context) ([]string, error) {
	return s.donors.Get(ctx, "", func(ctx context.Context) ([]string, error) {
		return s.st.donorNames(ctx, s.d)
	})
}
