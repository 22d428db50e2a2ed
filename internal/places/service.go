// Package places owns the places of the platform: the entities, cantons and
// district of Bosnia and Herzegovina, every local self-government (LSG:
// municipality or city) and, later, local communities, each with a stable
// code, Latin and Cyrillic name, its place in the hierarchy, census
// population and aliases (former and boundary-data names). The rows are
// loaded by the migration 00002_places, which is generated from the data
// files in data/ (see data/SOURCE.txt):
//
//	go generate ./internal/places
//
// Every place carries a country code, so that North Macedonia's and other
// countries' LSGs fit the same tables.
package places

//go:generate go run ./gen

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/translit"
)

// ErrAmbiguous means a name matches more than one place equally well.
var ErrAmbiguous = errors.New("ambiguous place name")

// Service is the places domain's API, used by the web pages, the JSON API
// and other modules (search, project import). Places change only by
// migration, so the service keeps them in memory after the first load.
type Service struct {
	st *Store

	mu   sync.Mutex
	snap *snapshot // nil until loaded
}

// NewService makes the places service.
func NewService(d *db.DB) *Service { return &Service{st: NewStore(d)} }

// EntityGroup is one entity (or district) with its cantons and LSGs, for
// the list of places.
type EntityGroup struct {
	// Entity is the entity or district; its Code is "" for the group of
	// LSGs that belong to no entity (none in Bosnia and Herzegovina).
	Entity  Place
	Cantons []CantonGroup
	// LSGs lie directly in the entity (Republika Srpska, Brčko District).
	LSGs []Place
	// Count is the number of LSGs in the group, cantons included.
	Count int
}

// CantonGroup is one canton with its LSGs.
type CantonGroup struct {
	Canton Place
	LSGs   []Place
}

// snapshot is everything the service serves, built once from the database.
// It is never modified after build.
type snapshot struct {
	all      []Place
	byCode   map[string]int
	groups   []EntityGroup
	lsgCount int
	// Resolve indexes: search key (or compact key) -> indexes into all.
	names, aliases, compactNames, compactAliases map[string][]int
	// keys are the search keys and compact keys of each place's names and
	// aliases, for the list filter.
	keys, compacts map[string][]string
}

// load returns the snapshot, reading the database on first use.
func (s *Service) load(ctx context.Context) (*snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap != nil {
		return s.snap, nil
	}
	all, err := s.st.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("places.Service: load: %w", err)
	}
	s.snap = newSnapshot(all)
	return s.snap, nil
}

// Invalidate drops the in-memory copy, so that the next call reads the
// database again (after a migration changed the places).
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.snap = nil
	s.mu.Unlock()
}

// All returns every place in list order: entities, cantons and district,
// then the LSGs. The places' slices are shared: do not modify them.
func (s *Service) All(ctx context.Context) ([]Place, error) {
	sn, err := s.load(ctx)
	if err != nil {
		return nil, fmt.Errorf("places.Service.All: %w", err)
	}
	return slices.Clone(sn.all), nil
}

// LSGs returns every local self-government in list order.
func (s *Service) LSGs(ctx context.Context) ([]Place, error) {
	sn, err := s.load(ctx)
	if err != nil {
		return nil, fmt.Errorf("places.Service.LSGs: %w", err)
	}
	out := make([]Place, 0, sn.lsgCount)
	for _, p := range sn.all {
		if p.IsLSG() {
			out = append(out, p)
		}
	}
	return out, nil
}

// ByCode returns one place, or an error wrapping refuse.ErrNotFound.
func (s *Service) ByCode(ctx context.Context, code string) (Place, error) {
	sn, err := s.load(ctx)
	if err != nil {
		return Place{}, fmt.Errorf("places.Service.ByCode(%q): %w", code, err)
	}
	i, ok := sn.byCode[code]
	if !ok {
		return Place{}, fmt.Errorf("places.Service.ByCode(%q): %w", code, refuse.ErrNotFound)
	}
	return sn.all[i], nil
}

// Grouped returns the LSGs grouped by entity and canton, in list order:
// the Federation with its ten cantons, Republika Srpska, Brčko District.
// The groups are shared: do not modify them.
func (s *Service) Grouped(ctx context.Context) ([]EntityGroup, error) {
	sn, err := s.load(ctx)
	if err != nil {
		return nil, fmt.Errorf("places.Service.Grouped: %w", err)
	}
	return sn.groups, nil
}

// Filter returns the groups of Grouped reduced to the LSGs whose name or
// alias contains the query, compared by the search fold (so "Zepce" finds
// Žepče and "Бања" finds Banja Luka), and how many LSGs it kept. A query
// naming a canton or entity ("Tuzlanski kanton", "HNK", "RS") keeps all of
// its LSGs. An empty query keeps everything.
func (s *Service) Filter(ctx context.Context, query string) ([]EntityGroup, int, error) {
	sn, err := s.load(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("places.Service.Filter: %w", err)
	}
	groups, n := sn.filter(query)
	return groups, n, nil
}

// Count returns the number of LSGs.
func (s *Service) Count(ctx context.Context) (int, error) {
	sn, err := s.load(ctx)
	if err != nil {
		return 0, fmt.Errorf("places.Service.Count: %w", err)
	}
	return sn.lsgCount, nil
}

// Resolve finds the place a name refers to, in either script, ignoring case
// and diacritics: its current name first, then its aliases ("Bosanski Novi"
// is Novi Grad), then both with spaces ignored ("Banjaluka"), then without
// words like "Općina" or "Grad". When a name fits several places equally
// well an LSG is preferred; otherwise the error wraps ErrAmbiguous. An
// unknown name gives an error wrapping refuse.ErrNotFound.
func (s *Service) Resolve(ctx context.Context, name string) (Place, error) {
	return s.resolve(ctx, "places.Service.Resolve", name, false)
}

// ResolveLSG is Resolve restricted to LSGs (for imports that locate
// projects in municipalities).
func (s *Service) ResolveLSG(ctx context.Context, name string) (Place, error) {
	return s.resolve(ctx, "places.Service.ResolveLSG", name, true)
}

func (s *Service) resolve(ctx context.Context, op, name string, lsgOnly bool) (Place, error) {
	sn, err := s.load(ctx)
	if err != nil {
		return Place{}, fmt.Errorf("%s(%q): %w", op, name, err)
	}
	i, err := sn.resolve(name, lsgOnly)
	if err != nil {
		return Place{}, fmt.Errorf("%s(%q): %w", op, name, err)
	}
	return sn.all[i], nil
}

// newSnapshot builds the groups and indexes of a list of places.
func newSnapshot(all []Place) *snapshot {
	all = slices.Clone(all)
	slices.SortStableFunc(all, func(a, b Place) int { return a.SortKey - b.SortKey })
	sn := &snapshot{
		all: all, byCode: make(map[string]int, len(all)),
		names: map[string][]int{}, aliases: map[string][]int{}, compactNames: map[string][]int{}, compactAliases: map[string][]int{},
		keys: map[string][]string{}, compacts: map[string][]string{},
	}
	for i, p := range all {
		sn.byCode[p.Code] = i
		if p.IsLSG() {
			sn.lsgCount++
		}
		addKeys := func(exact, compact map[string][]int, text string) {
			k := translit.Fold(text)
			for _, key := range []string{k.Search, k.Extra} {
				if key == "" {
					continue
				}
				exact[key] = appendOnce(exact[key], i)
				sn.keys[p.Code] = appendOnceString(sn.keys[p.Code], key)
				if c := strings.ReplaceAll(key, " ", ""); c != "" {
					compact[c] = appendOnce(compact[c], i)
					sn.compacts[p.Code] = appendOnceString(sn.compacts[p.Code], c)
				}
			}
		}
		addKeys(sn.names, sn.compactNames, p.NameLat)
		addKeys(sn.names, sn.compactNames, p.NameCyr)
		for _, a := range p.Aliases {
			addKeys(sn.aliases, sn.compactAliases, a.Alias)
		}
	}
	sn.groups = buildGroups(all)
	return sn
}

func appendOnce(s []int, i int) []int {
	if slices.Contains(s, i) {
		return s
	}
	return append(s, i)
}

func appendOnceString(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// buildGroups groups the LSGs of all (in list order) by entity and canton.
func buildGroups(all []Place) []EntityGroup {
	var groups []EntityGroup
	entity := map[string]int{}    // entity code -> group index
	canton := map[string][2]int{} // canton code -> group index, canton index
	for _, p := range all {
		if (p.Kind == KindEntity || p.Kind == KindDistrict) && p.ParentCode == "" {
			entity[p.Code] = len(groups)
			groups = append(groups, EntityGroup{Entity: p})
		}
	}
	for _, p := range all {
		if p.Kind != KindCanton {
			continue
		}
		if g, ok := entity[p.ParentCode]; ok {
			canton[p.Code] = [2]int{g, len(groups[g].Cantons)}
			groups[g].Cantons = append(groups[g].Cantons, CantonGroup{Canton: p})
		}
	}
	other := -1
	for _, p := range all {
		if !p.IsLSG() {
			continue
		}
		if c, ok := canton[p.CantonCode]; ok && p.CantonCode != "" {
			cg := &groups[c[0]].Cantons[c[1]]
			cg.LSGs = append(cg.LSGs, p)
			groups[c[0]].Count++
			continue
		}
		g, ok := entity[p.EntityCode]
		if !ok || p.EntityCode == "" {
			if other < 0 {
				other = len(groups)
				groups = append(groups, EntityGroup{})
			}
			g = other
		}
		groups[g].LSGs = append(groups[g].LSGs, p)
		groups[g].Count++
	}
	return groups
}

// maxQuery caps the length of a filter query or a name to resolve, in bytes.
const maxQuery = 200

// filter implements Service.Filter.
func (sn *snapshot) filter(query string) ([]EntityGroup, int) {
	if len(query) > maxQuery {
		query = query[:maxQuery]
	}
	key := translit.Fold(query).Search
	if key == "" {
		return sn.groups, sn.lsgCount
	}
	compact := strings.ReplaceAll(key, " ", "")
	lsgMatch := func(code string) bool {
		for _, k := range sn.keys[code] {
			if strings.Contains(k, key) {
				return true
			}
		}
		for _, c := range sn.compacts[code] {
			if strings.Contains(c, compact) {
				return true
			}
		}
		return false
	}
	// A canton or entity matches by a whole name or the start of one, not
	// anywhere inside, so that "a" does not keep every canton.
	regionMatch := func(code string) bool {
		for _, k := range sn.keys[code] {
			if k == key || (len(key) >= 3 && strings.HasPrefix(k, key)) {
				return true
			}
		}
		return false
	}
	var out []EntityGroup
	total := 0
	for _, g := range sn.groups {
		if g.Entity.Code != "" && regionMatch(g.Entity.Code) {
			out = append(out, g)
			total += g.Count
			continue
		}
		ng := EntityGroup{Entity: g.Entity}
		for _, c := range g.Cantons {
			if regionMatch(c.Canton.Code) {
				ng.Cantons = append(ng.Cantons, c)
				ng.Count += len(c.LSGs)
				continue
			}
			nc := CantonGroup{Canton: c.Canton}
			for _, p := range c.LSGs {
				if lsgMatch(p.Code) {
					nc.LSGs = append(nc.LSGs, p)
				}
			}
			if len(nc.LSGs) > 0 {
				ng.Cantons = append(ng.Cantons, nc)
				ng.Count += len(nc.LSGs)
			}
		}
		for _, p := range g.LSGs {
			if lsgMatch(p.Code) {
				ng.LSGs = append(ng.LSGs, p)
				ng.Count++
			}
		}
		if ng.Count > 0 {
			out = append(out, ng)
			total += ng.Count
		}
	}
	return out, total
}

// isAdminWord reports words around a name that say what kind of unit it is
// ("Općina Žepče", "Grad Mostar", "Municipality of Tuzla"), as search keys.
func isAdminWord(w string) bool {
	switch w {
	case "opcina", "opstina", "opcine", "opstine", "grad", "grada", "municipality", "city", "of", "the", "jls":
		return true
	}
	return false
}

// resolve implements Service.Resolve.
func (sn *snapshot) resolve(name string, lsgOnly bool) (int, error) {
	if len(name) > maxQuery {
		return 0, refuse.ErrNotFound
	}
	k := translit.Fold(name)
	if i, err := sn.resolveKeys([]string{k.Search, k.Extra}, lsgOnly); !errors.Is(err, refuse.ErrNotFound) {
		return i, err
	}
	// Try again without the words that name the kind of unit.
	tokens := strings.Fields(k.Search)
	for len(tokens) > 0 && isAdminWord(tokens[0]) {
		tokens = tokens[1:]
	}
	for len(tokens) > 0 && isAdminWord(tokens[len(tokens)-1]) {
		tokens = tokens[:len(tokens)-1]
	}
	if rest := strings.Join(tokens, " "); rest != "" && rest != k.Search {
		return sn.resolveKeys([]string{rest}, lsgOnly)
	}
	return 0, refuse.ErrNotFound
}

// resolveKeys looks search keys up tier by tier: names, aliases, compact
// names, compact aliases. The first tier with candidates decides.
func (sn *snapshot) resolveKeys(keys []string, lsgOnly bool) (int, error) {
	tiers := []struct {
		index   map[string][]int
		compact bool
	}{{sn.names, false}, {sn.aliases, false}, {sn.compactNames, true}, {sn.compactAliases, true}}
	for _, t := range tiers {
		var cands []int
		for _, key := range keys {
			if t.compact {
				key = strings.ReplaceAll(key, " ", "")
			}
			if key == "" {
				continue
			}
			for _, i := range t.index[key] {
				if !lsgOnly || sn.all[i].IsLSG() {
					cands = appendOnce(cands, i)
				}
			}
		}
		switch {
		case len(cands) == 1:
			return cands[0], nil
		case len(cands) > 1:
			var lsgs []int
			for _, i := range cands {
				if sn.all[i].IsLSG() {
					lsgs = append(lsgs, i)
				}
			}
			if len(lsgs) == 1 {
				return lsgs[0], nil
			}
			return 0, ErrAmbiguous
		}
	}
	return 0, refuse.ErrNotFound
}
