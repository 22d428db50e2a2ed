package search

import (
	"context"
	"database/sql"
	"sync"

	"github.com/dijalog/dijalog/internal/db"
)

// maxStmts bounds the prepared statements an index keeps. Query texts
// vary with the filters and the number of words; past the bound, queries
// run unprepared.
const maxStmts = 256

// stmts keeps the read queries' statements prepared. On SQLite, preparing
// (parsing and planning) a statement cost half the CPU of a whole search;
// PostgreSQL's driver caches its statements itself.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// query runs a read query outside any transaction, from a prepared
// statement on SQLite.
func (x *Index) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if x.d.Dialect() == db.Postgres {
		return x.d.QueryContext(ctx, q, args...)
	}
	st, err := x.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return x.d.QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

// stmt returns the prepared statement of q, or nil when the cache is full.
func (x *Index) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	x.st.mu.Lock()
	defer x.st.mu.Unlock()
	if st := x.st.m[q]; st != nil {
		return st, nil
	}
	if len(x.st.m) >= maxStmts {
		return nil, nil
	}
	st, err := x.d.SQL().PrepareContext(ctx, db.Rebind(x.d.Dialect(), q))
	if err != nil {
		return nil, err
	}
	if x.st.m == nil {
		x.st.m = map[string]*sql.Stmt{}
	}
	x.st.m[q] = st
	return st, nil
}
