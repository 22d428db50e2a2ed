package places

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Store runs the places SQL. It reads only: places are loaded by the
// migration.
type Store struct {
	q db.Querier
}

// NewStore makes a store on a database or transaction.
func NewStore(q db.Querier) *Store { return &Store{q: q} }

const placeColumns = `code, country, kind, COALESCE(parent_code, ''), COALESCE(entity_code, ''), COALESCE(canton_code, ''),
COALESCE(number, 0), name_lat, name_cyr, lsg_type, population, COALESCE(population_year, 0), sort_key`

func scanPlace(sc interface{ Scan(...any) error }, p *Place) error {
	return sc.Scan(&p.Code, &p.Country, &p.Kind, &p.ParentCode, &p.EntityCode, &p.CantonCode,
		&p.Number, &p.NameLat, &p.NameCyr, &p.LSGType, &p.Population, &p.PopulationYear, &p.SortKey)
}

// All returns every place with its aliases and members, in list order.
func (s *Store) All(ctx context.Context) ([]Place, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+placeColumns+` FROM places ORDER BY sort_key, code`)
	if err != nil {
		return nil, fmt.Errorf("places.Store.All: %w", err)
	}
	defer rows.Close()
	var out []Place
	idx := map[string]int{}
	for rows.Next() {
		var p Place
		if err := scanPlace(rows, &p); err != nil {
			return nil, fmt.Errorf("places.Store.All: scan: %w", err)
		}
		idx[p.Code] = len(out)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("places.Store.All: %w", err)
	}
	rows.Close()

	if err := s.eachAlias(ctx, "", func(code string, a Alias) {
		if i, ok := idx[code]; ok {
			out[i].Aliases = append(out[i].Aliases, a)
		}
	}); err != nil {
		return nil, fmt.Errorf("places.Store.All: %w", err)
	}
	if err := s.eachMember(ctx, "", func(city, member string) {
		if i, ok := idx[city]; ok {
			out[i].Members = append(out[i].Members, member)
		}
		if i, ok := idx[member]; ok {
			out[i].MemberOf = append(out[i].MemberOf, city)
		}
	}); err != nil {
		return nil, fmt.Errorf("places.Store.All: %w", err)
	}
	return out, nil
}

// ByCode returns one place with its aliases and members, or an error
// wrapping refuse.ErrNotFound.
func (s *Store) ByCode(ctx context.Context, code string) (Place, error) {
	var p Place
	row := s.q.QueryRowContext(ctx, `SELECT `+placeColumns+` FROM places WHERE code = ?`, code)
	if err := scanPlace(row, &p); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Place{}, fmt.Errorf("places.Store.ByCode(%q): %w", code, refuse.ErrNotFound)
		}
		return Place{}, fmt.Errorf("places.Store.ByCode(%q): %w", code, err)
	}
	if err := s.eachAlias(ctx, code, func(_ string, a Alias) { p.Aliases = append(p.Aliases, a) }); err != nil {
		return Place{}, fmt.Errorf("places.Store.ByCode(%q): %w", code, err)
	}
	if err := s.eachMember(ctx, code, func(city, member string) {
		if city == code {
			p.Members = append(p.Members, member)
		} else {
			p.MemberOf = append(p.MemberOf, city)
		}
	}); err != nil {
		return Place{}, fmt.Errorf("places.Store.ByCode(%q): %w", code, err)
	}
	return p, nil
}

// CountLSGs counts the local self-governments (of every country).
func (s *Store) CountLSGs(ctx context.Context) (int, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM places WHERE kind = 'lsg'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("places.Store.CountLSGs: %w", err)
	}
	return n, nil
}

// eachAlias calls fn for the aliases of one place (or of all when code is "").
func (s *Store) eachAlias(ctx context.Context, code string, fn func(code string, a Alias)) error {
	var rows *sql.Rows
	var err error
	if code == "" {
		rows, err = s.q.QueryContext(ctx, `SELECT place_code, alias, kind FROM place_aliases ORDER BY id`)
	} else {
		rows, err = s.q.QueryContext(ctx, `SELECT place_code, alias, kind FROM place_aliases WHERE place_code = ? ORDER BY id`, code)
	}
	if err != nil {
		return fmt.Errorf("aliases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pc string
		var a Alias
		if err := rows.Scan(&pc, &a.Alias, &a.Kind); err != nil {
			return fmt.Errorf("aliases: scan: %w", err)
		}
		fn(pc, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("aliases: %w", err)
	}
	return nil
}

// eachMember calls fn for the memberships of composite cities that involve
// one place (or all when code is ""), members in list order.
func (s *Store) eachMember(ctx context.Context, code string, fn func(city, member string)) error {
	var rows *sql.Rows
	var err error
	if code == "" {
		rows, err = s.q.QueryContext(ctx, `SELECT m.place_code, m.member_code FROM place_members m
JOIN places p ON p.code = m.member_code
ORDER BY m.place_code, p.sort_key`)
	} else {
		rows, err = s.q.QueryContext(ctx, `SELECT m.place_code, m.member_code FROM place_members m
JOIN places p ON p.code = m.member_code
WHERE m.place_code = ? OR m.member_code = ?
ORDER BY m.place_code, p.sort_key`, code, code)
	}
	if err != nil {
		return fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var city, member string
		if err := rows.Scan(&city, &member); err != nil {
			return fmt.Errorf("members: scan: %w", err)
		}
		fn(city, member)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("members: %w", err)
	}
	return nil
}
