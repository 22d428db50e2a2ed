package db

import (
	"context"
	"database/sql"
)

// Scanner is a row, or a set of rows positioned on one, being read.
type Scanner interface{ Scan(dest ...any) error }

// All runs a query and reads every row of it with scan.
func All[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	return Collect(rows, err, scan)
}

// Collect reads every row of rows with scan and closes them; err is the
// query's error, so that Collect(q.QueryContext(...), scan) reads as one
// step.
func Collect[T any](rows *sql.Rows, err error, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ScanString reads a row of one text column.
func ScanString(r Scanner) (string, error) {
	var s string
	return s, r.Scan(&s)
}
