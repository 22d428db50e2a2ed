package fts

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dijalog/dijalog/internal/db"
)

// postgres is the tsvector engine: search_docs.tsv ('simple' config,
// weight A for names and titles, D for the rest) under a GIN index, and
// the vocabulary search_terms under a pg_trgm GIN index.
type postgres struct{ d *db.DB }

var postgresSyntax = Syntax{
	And: " & ", Or: " | ",
	Quote:  func(t string) string { return t },
	Prefix: func(t string) string { return t + ":*" },
}

func (e *postgres) Name() string   { return "tsvector" }
func (e *postgres) Syntax() Syntax { return postgresSyntax }

func (e *postgres) Upsert(ctx context.Context, q db.Querier, r Row, _ bool) (int64, error) {
	query := fmt.Sprintf(upsertDoc, ", tsv", `, setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'D')`, ", tsv = excluded.tsv")
	return db.InsertID(ctx, q, query, append(r.args(), r.Names, r.Body)...)
}

func (e *postgres) Delete(ctx context.Context, q db.Querier, docType, docID string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM search_docs WHERE doc_type = ? AND doc_id = ?`, docType, docID)
	return err
}

func (e *postgres) AddTerms(ctx context.Context, q db.Querier, terms []string) error {
	rows := make([][]any, len(terms))
	for i, t := range terms {
		rows[i] = []any{t}
	}
	return insertRows(ctx, q, "search_terms (term)", 1, rows)
}

func (e *postgres) Reset(ctx context.Context, q db.Querier) error {
	_, err := q.ExecContext(ctx, `DELETE FROM search_terms`)
	return err
}

// Optimize merges GIN's pending lists of new entries (which every query
// reads in full, and which make the planner shun the trigram index) and
// gathers the statistics the planner needs to pick the GIN indexes.
func (e *postgres) Optimize(ctx context.Context, q db.Querier) error {
	for _, o := range []string{
		`SELECT gin_clean_pending_list('search_docs_tsv'::regclass)`,
		`SELECT gin_clean_pending_list('search_terms_trgm'::regclass)`,
		`ANALYZE search_docs, search_terms`,
	} {
		if _, err := q.ExecContext(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

const postgresMatch = ` FROM search_docs d WHERE d.tsv @@ to_tsquery('simple', ?)`

func (e *postgres) Matches(cols, cond string) string {
	return `SELECT ` + cols + postgresMatch + cond + ` LIMIT ?`
}

// Ranked ranks by ts_rank (names and titles weigh most; normalised by
// 1 + log(length), so that a short title that is the query beats a long
// one that contains it).
func (e *postgres) Ranked(cols, cond, expr string) []Pass {
	q := `SELECT ` + cols + ` FROM (SELECT d.*, ts_rank(d.tsv, to_tsquery('simple', ?), 1) AS r FROM search_docs d
WHERE d.tsv @@ to_tsquery('simple', ?)` + cond + ` LIMIT ?) d ORDER BY d.r DESC, d.id LIMIT ?`
	return []Pass{{Query: q, Args: []any{expr, expr}}}
}

func (e *postgres) KnownTerm(word string, prefix bool) (string, []any) {
	if prefix {
		return `SELECT 1 FROM search_terms WHERE term LIKE ?`, []any{word + "%"}
	}
	return `SELECT 1 FROM search_terms WHERE term = ?`, []any{word}
}

// Similar asks pg_trgm for the vocabulary words similar to w: first at the
// similarity one edit can leave, then (for words allowed two edits) lower,
// only when one edit found nothing. A low threshold makes the GIN index
// hand over most of the vocabulary for a recheck.
func (e *postgres) Similar(ctx context.Context, w string, maxd int) ([]string, error) {
	out, err := e.trigramPass(ctx, w, 1)
	if err != nil || maxd < 2 {
		return out, err
	}
	for _, t := range out {
		if EditDistance(w, t, 1) <= 1 {
			return out, nil
		}
	}
	return e.trigramPass(ctx, w, 2)
}

// trigramThreshold is the lowest trigram similarity (pg_trgm: the shared
// over all distinct trigrams, words padded with two spaces before and one
// after) that a word of n letters keeps after d edits: each edit changes
// at most four of its n+1 trigrams (an adjacent transposition), so at
// least n+1-4d are shared among at most n+1+4d.
func trigramThreshold(n, d int) float64 {
	t := float64(n+1-4*d)/float64(n+1+4*d) - 0.01
	return min(max(t, 0.05), 0.9)
}

func (e *postgres) trigramPass(ctx context.Context, w string, d int) ([]string, error) {
	var out []string
	err := e.d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SET LOCAL pg_trgm.similarity_threshold = %.3f`, trigramThreshold(len(w), d))); err != nil {
			return err
		}
		var err error
		out, err = scanStrings(tx.QueryContext(ctx, `SELECT term FROM search_terms WHERE term OPERATOR(public.%) ? AND length(term) BETWEEN ? AND ? ORDER BY public.similarity(term, ?) DESC LIMIT 200`,
			w, len(w)-d, len(w)+d, w))
		return err
	})
	return out, err
}

// Query runs a read query (the driver caches its statements itself).
func (e *postgres) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return e.d.QueryContext(ctx, q, args...)
}
