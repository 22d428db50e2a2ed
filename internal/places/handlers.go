package places

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// TeamLister lists the people holding a role in one scope; *auth.Service
// implements it.
type TeamLister interface {
	UsersInScope(ctx context.Context, scopeKind, scopeRef string) ([]auth.Member, error)
}

// Section is what another module shows on an LSG's page (its projects,
// platforms, calls): safe HTML rendered by that module, or "" for nothing.
type Section func(r *http.Request, p Place) (template.HTML, error)

type handlers struct {
	srv      *web.Server
	svc      *Service
	team     TeamLister
	sections []Section
}

// Register adds the places pages and API to the server:
//
//	GET /{lang}/places                the list, grouped by entity and canton (?q= filters)
//	GET /{lang}/places/{code}         an LSG, or an entity, canton or district with its LSGs
//	GET /{lang}/admin/places/{code}   an LSG's administration (its coordinators, staff, administrators)
//	GET /api/v1/places                every place as JSON (?kind= filters)
//	GET /api/v1/places/{code}         one place as JSON
//
// sections are shown on every LSG page, in order.
func Register(srv *web.Server, svc *Service, team TeamLister, sections ...Section) error {
	if err := srv.Render.Register("places", templateFS, "templates"); err != nil {
		return fmt.Errorf("places.Register: %w", err)
	}
	h := &handlers{srv: srv, svc: svc, team: team, sections: sections}
	srv.Page("GET /places", h.list)
	srv.Page("GET /places/{code}", h.place)
	srv.Page("GET /admin/places/{code}", h.admin)
	srv.Handle("GET /api/v1/places", h.apiList)
	srv.Handle("GET /api/v1/places/{code}", h.apiPlace)
	return nil
}

// CanAdmin reports whether u may open the administration page of the LSG
// with code: administrators, and the coordinators and staff of that LSG.
func CanAdmin(u *auth.User, code string) bool {
	return code != "" && auth.Can(u, auth.ActAdminLSG, auth.Object{LSG: code})
}

// maxQueryRunes caps the filter query shown back in the form.
const maxQueryRunes = 100

// cleanQuery trims a filter query, repairs invalid UTF-8 and caps its length.
func cleanQuery(q string) string {
	q = strings.TrimSpace(strings.ToValidUTF8(q, "\uFFFD"))
	if utf8.RuneCountInString(q) > maxQueryRunes {
		q = string([]rune(q)[:maxQueryRunes])
	}
	return q
}

type listPage struct {
	Query  string
	Groups []EntityGroup
	Count  int // LSGs shown
	Total  int // LSGs in all
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	q := cleanQuery(r.URL.Query().Get("q"))
	groups, n, err := h.svc.Filter(r.Context(), q)
	if err != nil {
		return err
	}
	total, err := h.svc.Count(r.Context())
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "places/list", listPage{Query: q, Groups: groups, Count: n, Total: total})
}

// lsgPage is the data of an LSG's page.
type lsgPage struct {
	Place    Place
	Entity   Place
	Canton   Place // zero when the LSG lies in no canton
	Members  []Place
	MemberOf []Place
	// MembersPopulation sums the members' census population (for a
	// composite city, which the census does not count on its own).
	MembersPopulation int64
	Names             []Alias // aliases worth showing (not the boundary-data name when it is the name)
	Year              int     // census year of MembersPopulation
	CanAdmin          bool
	Sections          []template.HTML // from other modules (projects, platforms, calls)
}

// regionPage is the data of an entity's, canton's or district's page.
type regionPage struct {
	Place   Place
	Parent  Place // the entity of a canton; zero otherwise
	Cantons []CantonGroup
	LSGs    []Place // LSGs directly in the place (not in its cantons)
	Count   int     // all its LSGs
	// Population sums the census population of its LSGs, composite
	// cities left out (their members are counted).
	Population int64
	Year       int // census year of Population
	Names      []Alias
}

func (h *handlers) place(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := r.PathValue("code")
	p, err := h.svc.ByCode(ctx, code)
	if err != nil {
		lower := strings.ToLower(code)
		if lower == code {
			return err
		}
		if _, err2 := h.svc.ByCode(ctx, lower); err2 != nil {
			return err
		}
		http.Redirect(w, r, "/"+web.StateOf(r).Locale+"/places/"+lower, http.StatusMovedPermanently)
		return nil
	}
	if !p.IsLSG() {
		return h.region(w, r, p)
	}
	d := lsgPage{Place: p, Year: CensusYear, CanAdmin: CanAdmin(auth.UserFrom(r), p.Code)}
	if d.Entity, err = h.optional(ctx, p.EntityCode); err != nil {
		return err
	}
	if d.Canton, err = h.optional(ctx, p.CantonCode); err != nil {
		return err
	}
	for _, c := range p.Members {
		m, err := h.svc.ByCode(ctx, c)
		if err != nil {
			return err
		}
		d.Members = append(d.Members, m)
		if m.Population.Valid {
			d.MembersPopulation += m.Population.V
		}
	}
	for _, c := range p.MemberOf {
		m, err := h.svc.ByCode(ctx, c)
		if err != nil {
			return err
		}
		d.MemberOf = append(d.MemberOf, m)
	}
	d.Names = shownAliases(p)
	for _, sec := range h.sections {
		html, err := sec(r, p)
		if err != nil {
			return err
		}
		if html != "" {
			d.Sections = append(d.Sections, html)
		}
	}
	return h.srv.Render.Page(w, r, "places/place", d)
}

func (h *handlers) region(w http.ResponseWriter, r *http.Request, p Place) error {
	ctx := r.Context()
	groups, err := h.svc.Grouped(ctx)
	if err != nil {
		return err
	}
	d := regionPage{Place: p, Year: CensusYear, Names: shownAliases(p)}
	if p.Kind == KindCanton {
		if d.Parent, err = h.optional(ctx, p.ParentCode); err != nil {
			return err
		}
	}
	for _, g := range groups {
		switch {
		case g.Entity.Code != "" && g.Entity.Code == p.Code:
			d.Cantons, d.LSGs, d.Count = g.Cantons, g.LSGs, g.Count
		case p.Kind == KindCanton:
			for _, c := range g.Cantons {
				if c.Canton.Code == p.Code {
					d.LSGs, d.Count = c.LSGs, len(c.LSGs)
				}
			}
		}
	}
	add := func(ls []Place) {
		for _, l := range ls {
			if l.Population.Valid && !l.IsComposite() {
				d.Population += l.Population.V
			}
		}
	}
	add(d.LSGs)
	for _, c := range d.Cantons {
		add(c.LSGs)
	}
	return h.srv.Render.Page(w, r, "places/region", d)
}

// optional returns the place with code, or the zero Place when code is "".
func (h *handlers) optional(ctx context.Context, code string) (Place, error) {
	if code == "" {
		return Place{}, nil
	}
	return h.svc.ByCode(ctx, code)
}

// shownAliases are the aliases a reader learns something from: a
// boundary-data or member-list name equal to the place's name is left out.
func shownAliases(p Place) []Alias {
	var out []Alias
	for _, a := range p.Aliases {
		if (a.Kind == AliasGeo || a.Kind == AliasMemberOf) && a.Alias == p.NameLat {
			continue
		}
		out = append(out, a)
	}
	return out
}

type adminPage struct {
	Place   Place
	Team    []auth.Member
	IsAdmin bool
}

func (h *handlers) admin(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	if !CanAdmin(u, code) {
		return refuse.ErrForbidden
	}
	p, err := h.svc.ByCode(r.Context(), code)
	if err != nil {
		return err
	}
	if !p.IsLSG() {
		return fmt.Errorf("places: admin page of %s, which is not an LSG: %w", code, refuse.ErrNotFound)
	}
	d := adminPage{Place: p, IsAdmin: u.IsAdmin()}
	if h.team != nil {
		if d.Team, err = h.team.UsersInScope(r.Context(), auth.ScopeLSG, p.Code); err != nil {
			return fmt.Errorf("places: team of %s: %w", p.Code, err)
		}
	}
	return h.srv.Render.Page(w, r, "places/admin", d)
}

// APIPlace is a place in the JSON API.
type APIPlace struct {
	Code           string  `json:"code"`
	Country        string  `json:"country"`
	Kind           string  `json:"kind"`
	NameLat        string  `json:"name_lat"`
	NameCyr        string  `json:"name_cyr"`
	LSGType        string  `json:"lsg_type"`
	Parent         *string `json:"parent"`
	Entity         *string `json:"entity"`
	Canton         *string `json:"canton"`
	Number         *int    `json:"number"`
	Population     *int64  `json:"population"`
	PopulationYear *int    `json:"population_year"`
	URL            string  `json:"url"`
	// Only in the single-place response:
	Aliases  []APIAlias `json:"aliases,omitempty"`
	Members  []string   `json:"members,omitempty"`
	MemberOf []string   `json:"member_of,omitempty"`
}

// APIAlias is an alias in the JSON API.
type APIAlias struct {
	Alias string `json:"alias"`
	Kind  string `json:"kind"`
}

// APIList is the response of GET /api/v1/places.
type APIList struct {
	Count  int        `json:"count"`
	Places []APIPlace `json:"places"`
}

func apiPlace(p Place, lang string, full bool) APIPlace {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	a := APIPlace{
		Code: p.Code, Country: p.Country, Kind: p.Kind, NameLat: p.NameLat, NameCyr: p.NameCyr, LSGType: p.LSGType,
		Parent: opt(p.ParentCode), Entity: opt(p.EntityCode), Canton: opt(p.CantonCode),
		URL: "/" + lang + "/places/" + p.Code,
	}
	if p.Number != 0 {
		n := p.Number
		a.Number = &n
	}
	if p.Population.Valid {
		n, y := p.Population.V, p.PopulationYear
		a.Population, a.PopulationYear = &n, &y
	}
	if full {
		for _, al := range p.Aliases {
			a.Aliases = append(a.Aliases, APIAlias(al))
		}
		a.Members, a.MemberOf = p.Members, p.MemberOf
	}
	return a
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("kind")
	switch kind {
	case "", KindEntity, KindCanton, KindDistrict, KindLSG, KindLocalCommunity:
	default:
		return fmt.Errorf("places: unknown kind %q: %w", kind, web.ErrBadRequest)
	}
	all, err := h.svc.All(r.Context())
	if err != nil {
		return err
	}
	lang := web.APILocale(r)
	out := APIList{Places: []APIPlace{}}
	for _, p := range all {
		if kind == "" || p.Kind == kind {
			out.Places = append(out.Places, apiPlace(p, lang, false))
		}
	}
	out.Count = len(out.Places)
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *handlers) apiPlace(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.ByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, apiPlace(p, web.APILocale(r), true))
	return nil
}
