package projects

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
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

// where builds the WHERE clause of f.
func (s *Service) where(ctx context.Context, f Filter) (string, []any, error) {
	conds := []string{"p.deleted_at IS NULL"}
	var args []any
	var codes []string
	if f.LSG != "" {
		codes = []string{f.LSG}
	}
	if f.Region != "" {
		lsgs, err := s.places.LSGs(ctx)
		if err != nil {
			return "", nil, err
		}
		var in []string
		for _, p := range lsgs {
			if p.EntityCode == f.Region || p.CantonCode == f.Region || p.ParentCode == f.Region || p.Code == f.Region {
				in = append(in, p.Code)
			}
		}
		if f.LSG != "" {
			// both: the LSG must lie in the region
			ok := false
			for _, c := range in {
				ok = ok || c == f.LSG
			}
			if !ok {
				in = nil
			} else {
				in = codes
			}
		}
		codes = in
		if len(codes) == 0 {
			codes = []string{"-"}
		}
	}
	if len(codes) > 0 {
		conds = append(conds, `p.id IN (SELECT l.project_id FROM project_locations l WHERE l.place_code IN (?`+strings.Repeat(", ?", len(codes)-1)+`))`)
		for _, c := range codes {
			args = append(args, c)
		}
	}
	if f.Donor != "" {
		conds = append(conds, `p.id IN (SELECT o.project_id FROM project_orgs o WHERE o.role = 1 AND o.name_key = ?)`)
		args = append(args, orgKey(f.Donor))
	}
	if f.Sector != "" {
		if len(f.Sector) == 5 {
			conds = append(conds, `p.id IN (SELECT c.project_id FROM project_codes c WHERE c.kind = 'dac' AND c.code = ?)`)
			args = append(args, f.Sector)
		} else {
			conds = append(conds, `p.id IN (SELECT c.project_id FROM project_codes c WHERE c.kind = 'dac' AND c.code LIKE ?)`)
			args = append(args, f.Sector+"%")
		}
	}
	if f.Status != 0 {
		conds = append(conds, "p.status = ?")
		args = append(args, f.Status)
	}
	if f.Year != 0 {
		conds = append(conds, "p.start_year <= ? AND (CASE WHEN p.actual_end <> '' THEN p.actual_end ELSE p.planned_end END = '' OR CASE WHEN p.actual_end <> '' THEN p.actual_end ELSE p.planned_end END >= ?)")
		args = append(args, f.Year, fmt.Sprintf("%04d-01-01", f.Year))
	}
	if f.MinEUR > 0 {
		conds = append(conds, "p.value_eur_minor >= ?")
		args = append(args, f.MinEUR*100)
	}
	if f.MaxEUR > 0 {
		conds = append(conds, "p.value_eur_minor <= ?")
		args = append(args, f.MaxEUR*100)
	}
	if f.Kind != "" {
		conds = append(conds, "p.kind = ?")
		args = append(args, f.Kind)
	}
	if f.Parent != "" {
		conds = append(conds, "p.parent_id = (SELECT x.id FROM projects x WHERE x.public_id = ?)")
		args = append(args, f.Parent)
	}
	for i, tok := range translit.FoldTokens(f.Q) {
		if i >= 8 {
			break
		}
		conds = append(conds, "p.search_key LIKE ?")
		args = append(args, "%"+strings.NewReplacer("%", "", "_", "").Replace(tok)+"%")
	}
	return strings.Join(conds, " AND "), args, nil
}

func orderBy(sort string) string {
	switch sort {
	case "title":
		return "p.sort_title, p.id"
	case "-title":
		return "p.sort_title DESC, p.id DESC"
	case "start":
		return "p.start_year, p.id"
	case "-start":
		return "p.start_year DESC, p.id DESC"
	case "value":
		return "p.value_eur_minor, p.id"
	case "-value":
		return "p.value_eur_minor DESC, p.id DESC"
	}
	return "p.updated_at DESC, p.id DESC"
}

// List returns one page of the projects that match f, with the total.
func (s *Service) List(ctx context.Context, f Filter) (Result, error) {
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	f.PerPage = min(f.PerPage, MaxPerPage)
	if f.Page <= 0 {
		f.Page = 1
	}
	where, args, err := s.where(ctx, f)
	if err != nil {
		return Result{}, err
	}
	res := Result{Page: f.Page, PerPage: f.PerPage}
	total, err := s.count(ctx, where, args)
	if err != nil {
		return Result{}, err
	}
	res.Total = total
	rows, err := s.d.QueryContext(ctx, `SELECT `+projectCols+` FROM projects p LEFT JOIN projects pp ON pp.id = p.parent_id WHERE `+where+
		` ORDER BY `+orderBy(f.Sort)+` LIMIT ? OFFSET ?`, append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return Result{}, fmt.Errorf("projects.Service.List: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p := &Project{}
		if err := scanProject(rows, p); err != nil {
			return Result{}, fmt.Errorf("projects.Service.List: %w", err)
		}
		res.Items = append(res.Items, p)
	}
	if err := rows.Err(); err != nil {
		return Result{}, fmt.Errorf("projects.Service.List: %w", err)
	}
	rows.Close()
	if err := s.st.loadChildren(ctx, s.d, res.Items); err != nil {
		return Result{}, err
	}
	return res, nil
}

// count counts the projects of a WHERE clause; counts are cached until
// the next write (or cacheTTL), since the list asks the same few filters
// again and again.
func (s *Service) count(ctx context.Context, where string, args []any) (int, error) {
	key := where + fmt.Sprint(args...)
	cached := func() (int, bool, uint64) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.expireLocked()
		n, ok := s.counts[key]
		return n, ok && s.countsG == s.gen, s.gen
	}
	if n, ok, _ := cached(); ok {
		return n, nil
	}
	s.fillCount.Lock()
	defer s.fillCount.Unlock()
	n, ok, gen := cached()
	if ok {
		return n, nil
	}
	if err := s.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects p WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("projects.Service.List: count: %w", err)
	}
	s.mu.Lock()
	if s.gen == gen {
		if s.countsG != gen || len(s.counts) > 2000 {
			s.counts, s.countsG = map[string]int{}, gen
		}
		s.counts[key] = n
	}
	s.mu.Unlock()
	return n, nil
}

// Each calls fn for every project matching f in order, in batches, for
// streaming exports (memory stays flat).
func (s *Service) Each(ctx context.Context, f Filter, fn func(*Project) error) error {
	where, args, err := s.where(ctx, f)
	if err != nil {
		return err
	}
	const batch = 500
	lastID := int64(0)
	for {
		rows, err := s.d.QueryContext(ctx, `SELECT `+projectCols+` FROM projects p LEFT JOIN projects pp ON pp.id = p.parent_id WHERE `+where+
			` AND p.id > ? ORDER BY p.id LIMIT ?`, append(append([]any{}, args...), lastID, batch)...)
		if err != nil {
			return fmt.Errorf("projects.Service.Each: %w", err)
		}
		var ps []*Project
		for rows.Next() {
			p := &Project{}
			if err := scanProject(rows, p); err != nil {
				rows.Close()
				return fmt.Errorf("projects.Service.Each: %w", err)
			}
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("projects.Service.Each: %w", err)
		}
		if len(ps) == 0 {
			return nil
		}
		if err := s.st.loadChildren(ctx, s.d, ps); err != nil {
			return err
		}
		for _, p := range ps {
			if err := fn(p); err != nil {
				return err
			}
		}
		lastID = ps[len(ps)-1].ID
		if len(ps) < batch {
			return nil
		}
	}
}

// Donors lists the distinct donor names (for the filter's choices),
// cached until the next write.
func (s *Service) Donors(ctx context.Context) ([]string, error) {
	cached := func() ([]string, uint64) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.expireLocked()
		if s.donors != nil && s.donorsG == s.gen {
			return s.donors, s.gen
		}
		return nil, s.gen
	}
	if d, _ := cached(); d != nil {
		return d, nil
	}
	s.fillDonors.Lock()
	defer s.fillDonors.Unlock()
	d, gen := cached()
	if d != nil {
		return d, nil
	}
	out, err := s.donorNames(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.gen == gen {
		s.donors, s.donorsG = out, gen
	}
	s.mu.Unlock()
	return out, nil
}

func (s *Service) donorNames(ctx context.Context) ([]string, error) {
	rows, err := s.d.QueryContext(ctx, `SELECT MIN(o.name) FROM project_orgs o JOIN projects p ON p.id = o.project_id WHERE o.role = 1 AND p.deleted_at IS NULL GROUP BY o.name_key ORDER BY o.name_key`)
	if err != nil {
		return nil, fmt.Errorf("projects.Service.Donors: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("projects.Service.Donors: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
