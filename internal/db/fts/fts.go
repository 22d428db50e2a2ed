// Package fts holds the search index's SQL for each database engine: FTS5
// on SQLite, a tsvector with GIN and pg_trgm on PostgreSQL. The engine is
// chosen once, by New; internal/search writes and queries through the
// Engine interface and never asks which database it runs on.
//
// The tables are created by the search migrations (00004, 00010):
// search_docs (both), search_fts and search_typos (SQLite),
// search_docs.tsv and search_terms (PostgreSQL).
package fts

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// Row is one document as stored in search_docs, with the two texts the
// engine indexes: Names (titles and names, weighed most) and Body.
type Row struct {
	Type, ID, LSG, Lang string
	Year                int
	Title, URL, Script  string
	Fields, Keys        string // JSON, see internal/search
	FoldVersion         int
	Names, Body         string
	Now                 time.Time
}

func (r Row) args() []any {
	return []any{r.Type, r.ID, r.LSG, r.Lang, r.Year, r.Title, r.URL, r.Script, r.Fields, r.Keys, r.FoldVersion, r.Now, r.Now}
}

// Syntax is how a match expression is written for an engine.
type Syntax struct {
	And, Or string
	Quote   func(word string) string // the word exactly
	Prefix  func(word string) string // any word that starts with it
}

// Pass is one ranked query over the first matches: Query takes Args, then
// the filters' arguments, then how many matches to rank and how many to
// return. The passes of an engine are run in order until enough
// documents are found.
type Pass struct {
	Query string
	Args  []any
}

// Engine is the full-text engine of one database.
type Engine interface {
	// Name is the engine's name, for logs.
	Name() string
	// Upsert writes a document row and its indexed texts inside q and
	// returns the row's id. rebuild says that Reset emptied the index in
	// this transaction (no old entry of the row is indexed).
	Upsert(ctx context.Context, q db.Querier, r Row, rebuild bool) (int64, error)
	// Delete removes a document row and its index entry.
	Delete(ctx context.Context, q db.Querier, docType, docID string) error
	// AddTerms adds words to the vocabulary of the typo fallback.
	AddTerms(ctx context.Context, q db.Querier, terms []string) error
	// Reset empties the vocabulary and the engine's index (before a rebuild
	// that writes every document again).
	Reset(ctx context.Context, q db.Querier) error
	// Optimize compacts the index after a rebuild.
	Optimize(ctx context.Context, q db.Querier) error

	// Syntax is how match expressions are written.
	Syntax() Syntax
	// Matches is a query of cols (of search_docs d) of the documents that
	// match an expression (the first argument), with the filter
	// conditions cond (" AND d.x = ?..."), unranked, ending in LIMIT ?.
	Matches(cols, cond string) string
	// Ranked are the passes that rank the first matches of expr (cols of
	// search_docs d, filter conditions cond).
	Ranked(cols, cond, expr string) []Pass
	// KnownTerm is a query whose rows say the vocabulary holds word (or,
	// with prefix, a word that starts with it), with its arguments.
	KnownTerm(word string, prefix bool) (string, []any)
	// Similar lists vocabulary words that may be at most maxd edits away
	// from w (the caller checks the distance).
	Similar(ctx context.Context, w string, maxd int) ([]string, error)
	// Query runs a read query outside any transaction (prepared where
	// that pays).
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// New returns the engine of database d.
func New(d *db.DB) Engine {
	if d.Dialect() == db.Postgres {
		return &postgres{d: d}
	}
	return &sqlite{d: d}
}

// Syntaxes are the syntaxes of every engine (for tests of expressions).
func Syntaxes() []Syntax { return []Syntax{sqliteSyntax, postgresSyntax} }

const upsertDoc = `INSERT INTO search_docs (doc_type, doc_id, lsg, lang, year, title, url, script, fields, keys, fold_version, created_at, updated_at%s)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?%s)
ON CONFLICT (doc_type, doc_id) DO UPDATE SET lsg = excluded.lsg, lang = excluded.lang, year = excluded.year, title = excluded.title,
  url = excluded.url, script = excluded.script, fields = excluded.fields, keys = excluded.keys, fold_version = excluded.fold_version,
  updated_at = excluded.updated_at%s
RETURNING id`

// insertRows inserts rows of n columns into table in chunks, skipping
// rows already there.
func insertRows(ctx context.Context, q db.Querier, table string, n int, rows [][]any) error {
	const chunk = 400
	tuple := "(?" + strings.Repeat(", ?", n-1) + ")"
	for len(rows) > 0 {
		k := min(chunk, len(rows))
		var sb strings.Builder
		args := make([]any, 0, n*k)
		sb.WriteString(`INSERT INTO ` + table + ` VALUES `)
		for i, r := range rows[:k] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(tuple)
			args = append(args, r...)
		}
		sb.WriteString(` ON CONFLICT DO NOTHING`)
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
		rows = rows[k:]
	}
	return nil
}

func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	return db.Collect(rows, err, db.ScanString)
}
