package projects

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
)

// putSource stores what the imported activity of project id carried
// (replacing what an earlier import stored).
func (store) putSource(ctx context.Context, q db.Querier, id int64, source string) error {
	now := db.Now()
	res, err := q.ExecContext(ctx, `UPDATE project_iati_sources SET source = ?, updated_at = ? WHERE project_id = ?`, source, now, id)
	if err != nil {
		return fmt.Errorf("projects.store.putSource: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO project_iati_sources (project_id, source, created_at, updated_at) VALUES (?, ?, ?, ?)`, id, source, now, now); err != nil {
		return fmt.Errorf("projects.store.putSource: %w", err)
	}
	return nil
}

// insertSources stores what the imported activities of new projects
// carried, in one statement.
func (store) insertSources(ctx context.Context, q db.Querier, rows []sourceRow) error {
	now := db.Now()
	err := insertRows(ctx, q, "project_iati_sources", "project_id, source, created_at, updated_at", len(rows), func(i int) []any {
		return []any{rows[i].id, rows[i].source, now, now}
	})
	if err != nil {
		return fmt.Errorf("projects.store.insertSources: %w", err)
	}
	return nil
}

// sources returns the stored IATI sources of the projects ids (those
// imported), as stored.
func (store) sources(ctx context.Context, q db.Querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10) // integers from the database, never input
	}
	err := eachRow(ctx, q, `SELECT project_id, source FROM project_iati_sources WHERE project_id IN (`+strings.Join(in, ",")+`)`, nil, func(sc scanner) error {
		var id int64
		var src string
		if err := sc.Scan(&id, &src); err != nil {
			return err
		}
		out[id] = src
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("projects.store.sources: %w", err)
	}
	return out, nil
}

// parseSources decodes stored sources; one that does not decode is left
// out (the project is exported from its fields).
func parseSources(raw map[int64]string) map[int64]*iatiSource {
	out := make(map[int64]*iatiSource, len(raw))
	for id, s := range raw {
		var src iatiSource
		if json.Unmarshal([]byte(s), &src) == nil {
			out[id] = &src
		}
	}
	return out
}
