package fts

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/dijalog/dijalog/internal/db"
)

// sqlite is the FTS5 engine: search_fts (contentless, rowid =
// search_docs.id, columns names and body) and the deletion table
// search_typos of the vocabulary (symmetric-delete spelling correction).
type sqlite struct {
	d  *db.DB
	st stmts
}

var sqliteSyntax = Syntax{
	And: " AND ", Or: " OR ",
	Quote:  func(t string) string { return `"` + t + `"` },
	Prefix: func(t string) string { return `"` + t + `"*` },
}

func (e *sqlite) Name() string   { return "fts5" }
func (e *sqlite) Syntax() Syntax { return sqliteSyntax }

const deleteFTSRow = `DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE doc_type = ? AND doc_id = ?)`

func (e *sqlite) Upsert(ctx context.Context, q db.Querier, r Row, rebuild bool) (int64, error) {
	// The document's old FTS row goes first, and only when there is one:
	// FTS5 counts a delete of a row it does not hold as a removed
	// document, and wrong totals zero the bm25 rank of every word.
	if !rebuild {
		if _, err := q.ExecContext(ctx, deleteFTSRow, r.Type, r.ID); err != nil {
			return 0, err
		}
	}
	id, err := db.InsertID(ctx, q, fmt.Sprintf(upsertDoc, "", "", ""), r.args()...)
	if err != nil {
		return 0, err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO search_fts (rowid, names, body) VALUES (?, ?, ?)`, id, r.Names, r.Body); err != nil {
		return 0, err
	}
	return id, nil
}

func (e *sqlite) Delete(ctx context.Context, q db.Querier, docType, docID string) error {
	if _, err := q.ExecContext(ctx, deleteFTSRow, docType, docID); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `DELETE FROM search_docs WHERE doc_type = ? AND doc_id = ?`, docType, docID)
	return err
}

// AddTerms stores every term with itself and its one-letter deletions.
func (e *sqlite) AddTerms(ctx context.Context, q db.Querier, terms []string) error {
	var rows [][]any
	for _, t := range terms {
		rows = append(rows, []any{t, t})
		for _, d := range deletes1(t) {
			rows = append(rows, []any{d, t})
		}
	}
	return insertRows(ctx, q, "search_typos (del, term)", 2, rows)
}

func (e *sqlite) Reset(ctx context.Context, q db.Querier) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM search_typos`); err != nil {
		return err
	}
	// Emptying the FTS table also resets its totals (see Upsert).
	_, err := q.ExecContext(ctx, `INSERT INTO search_fts (search_fts) VALUES ('delete-all')`)
	return err
}

// Optimize merges the FTS5 index's segments into one (a query seeks every
// segment of every word).
func (e *sqlite) Optimize(ctx context.Context, q db.Querier) error {
	_, err := q.ExecContext(ctx, `INSERT INTO search_fts (search_fts) VALUES ('optimize')`)
	return err
}

const sqliteMatch = ` FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE search_fts MATCH ?`

func (e *sqlite) Matches(cols, cond string) string {
	return `SELECT ` + cols + sqliteMatch + cond + ` LIMIT ?`
}

// Ranked: bm25 gives nothing on a contentless index with detail=column,
// so matches in names and titles come first, then the other matches,
// each set ordered by the length of the title.
func (e *sqlite) Ranked(cols, cond, expr string) []Pass {
	ranked := `SELECT ` + cols + ` FROM (SELECT d.id AS rid, length(d.title) AS r` + sqliteMatch + cond +
		` LIMIT ?) f JOIN search_docs d ON d.id = f.rid ORDER BY f.r, d.id LIMIT ?`
	return []Pass{{Query: ranked, Args: []any{"names : (" + expr + ")"}}, {Query: ranked, Args: []any{expr}}}
}

func (e *sqlite) KnownTerm(word string, prefix bool) (string, []any) {
	if prefix {
		// Keys are [a-z0-9]: "{" sorts after every key starting with the word.
		return `SELECT 1 FROM search_typos WHERE del >= ? AND del < ? AND term = del`, []any{word, word + "{"}
	}
	return `SELECT 1 FROM search_typos WHERE del = ? AND term = del`, []any{word}
}

// Similar looks the word's deletions up in the deletion table.
func (e *sqlite) Similar(ctx context.Context, w string, maxd int) ([]string, error) {
	keys := typoKeys(w, maxd)
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return scanStrings(e.Query(ctx, `SELECT DISTINCT term FROM search_typos WHERE del IN (?`+strings.Repeat(", ?", len(keys)-1)+`) LIMIT 200`, args...))
}

// deletes1 returns the distinct strings made by deleting one letter of t
// (keys are ASCII: bytes are letters).
func deletes1(t string) []string {
	out := make([]string, 0, len(t))
	for i := 0; i < len(t); i++ {
		if i > 0 && t[i] == t[i-1] {
			continue // same result as deleting the previous letter
		}
		out = append(out, t[:i]+t[i+1:])
	}
	return out
}

// typoKeys are the keys to look up in the deletion table for the query
// word w: w itself, its deletions and, when two edits are allowed, the
// deletions of those.
func typoKeys(w string, maxd int) []string {
	seen := map[string]bool{w: true}
	keys := []string{w}
	add := func(ks []string) {
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	d1 := deletes1(w)
	add(d1)
	if maxd >= 2 {
		for _, d := range d1 {
			add(deletes1(d))
		}
	}
	return keys
}

// maxStmts bounds the prepared statements the engine keeps. Query texts
// vary with the filters and the number of words; past the bound, queries
// run unprepared.
const maxStmts = 256

// stmts keeps the read queries' statements prepared: preparing (parsing
// and planning) a statement cost half the CPU of a whole search.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// Query runs a read query from a prepared statement.
func (e *sqlite) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := e.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return e.d.QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

// stmt returns the prepared statement of q, or nil when the cache is full.
func (e *sqlite) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	if st := e.st.m[q]; st != nil {
		return st, nil
	}
	if len(e.st.m) >= maxStmts {
		return nil, nil
	}
	st, err := e.d.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if e.st.m == nil {
		e.st.m = map[string]*sql.Stmt{}
	}
	e.st.m[q] = st
	return st, nil
}
