package projects

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
)

// ids runs a query of project ids.
func (store) ids(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	var ids []int64
	err := eachRow(ctx, q, query, args, func(sc scanner) error {
		var id int64
		if err := sc.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// pageIDs is one page of the ids of a filter (FROM and WHERE from
// query.from) in the order of orderBy.
func (st store) pageIDs(ctx context.Context, q db.Querier, from string, args []any, orderBy string, limit, offset int) ([]int64, error) {
	return st.ids(ctx, q, `SELECT f.project_id FROM `+from+` ORDER BY `+orderBy+` LIMIT ? OFFSET ?`, append(args, limit, offset)...)
}

// idsAfter is the next batch of the ids of a filter after lastID.
func (st store) idsAfter(ctx context.Context, q db.Querier, from string, args []any, lastID int64, limit int) ([]int64, error) {
	return st.ids(ctx, q, `SELECT f.project_id FROM `+from+` AND f.project_id > ? ORDER BY f.project_id LIMIT ?`, append(append([]any{}, args...), lastID, limit)...)
}

// count counts the projects of a filter (FROM and WHERE).
func (store) count(ctx context.Context, q db.Querier, from string, args []any) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("projects.store.count: %w", err)
	}
	return n, nil
}

// facetCount is the number of projects with one facet.
func (store) facetCount(ctx context.Context, q db.Querier, facet string) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_facets WHERE facet = ?`, facet).Scan(&n); err != nil {
		return 0, fmt.Errorf("projects.store.facetCount(%q): %w", facet, err)
	}
	return n, nil
}

// byIDs loads the projects of ids (with children), in the order of ids.
func (st store) byIDs(ctx context.Context, q db.Querier, ids []int64) ([]*Project, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10) // integers from the database, never input
	}
	byID := make(map[int64]*Project, len(ids))
	err := eachRow(ctx, q, `SELECT `+projectCols+` FROM projects p LEFT JOIN projects pp ON pp.id = p.parent_id WHERE p.id IN (`+strings.Join(in, ",")+`)`, nil, func(sc scanner) error {
		p := &Project{}
		if err := scanProject(sc, p); err != nil {
			return err
		}
		byID[p.ID] = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects.store.byIDs: %w", err)
	}
	out := make([]*Project, 0, len(ids))
	for _, id := range ids {
		if p := byID[id]; p != nil {
			out = append(out, p)
		}
	}
	if err := st.loadChildren(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// donorNames lists the distinct donor names of live projects.
func (store) donorNames(ctx context.Context, q db.Querier) ([]string, error) {
	out := []string{}
	err := eachRow(ctx, q, `SELECT MIN(o.name) FROM project_orgs o JOIN projects p ON p.id = o.project_id WHERE o.role = 1 AND p.deleted_at IS NULL GROUP BY o.name_key ORDER BY o.name_key`, nil, func(sc scanner) error {
		var n string
		if err := sc.Scan(&n); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects.store.donorNames: %w", err)
	}
	return out, nil
}
