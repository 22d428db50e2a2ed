package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/fts"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/translit"
)

// SourceFunc hands every current document of one module to put, for a
// rebuild of the index (dijalog reindex). q is the rebuild's transaction.
type SourceFunc func(ctx context.Context, q db.Querier, put func(Document) error) error

type source struct {
	docType string
	each    SourceFunc
}

// Index is the platform's search index, stored in the database beside the
// data (SQLite FTS5, or PostgreSQL tsvector + pg_trgm). It implements
// [Indexer]; it is safe for concurrent use.
type Index struct {
	d       *db.DB
	fts     fts.Engine
	sources []source
}

var _ Indexer = (*Index)(nil)

// New returns the index of database d.
func New(d *db.DB) *Index { return &Index{d: d, fts: fts.New(d)} }

// AddSource registers a module's documents of one type for rebuilds:
// Reindex replaces every stored document of docType by what each hands
// over. Types without a source are rebuilt from their stored texts.
// AddSource is meant for start-up, before the index is used.
func (x *Index) AddSource(docType string, each SourceFunc) {
	x.sources = append(x.sources, source{docType: docType, each: each})
}

// Upsert adds or replaces doc, inside the caller's transaction q.
func (x *Index) Upsert(ctx context.Context, q db.Querier, doc Document) error {
	if err := x.upsert(ctx, q, doc, nil, false); err != nil {
		return fmt.Errorf("search.Index.Upsert(%s/%s): %w", doc.Type, doc.ID, err)
	}
	return nil
}

// upsert writes doc; known (when not nil) remembers the vocabulary terms
// already written in this transaction, to skip writing them again. rebuild
// says the FTS table was emptied (a rebuild): no row of doc is in it.
func (x *Index) upsert(ctx context.Context, q db.Querier, doc Document, known map[string]bool, rebuild bool) error {
	doc.Type, doc.ID = clean(strings.TrimSpace(doc.Type)), clean(strings.TrimSpace(doc.ID))
	doc.Title, doc.URL = clean(strings.TrimSpace(doc.Title)), clean(doc.URL)
	if doc.Type == "" || doc.ID == "" || doc.Title == "" || !strings.HasPrefix(doc.URL, "/") {
		return fmt.Errorf("%w: a search document needs a type, an id, a title and a URL", refuse.ErrInvalid)
	}
	k := buildKeys(doc)
	fields, err := json.Marshal(k.fields)
	if err != nil {
		return err
	}
	keys, err := json.Marshal(k.keys)
	if err != nil {
		return err
	}
	row := fts.Row{Type: doc.Type, ID: doc.ID, LSG: clean(doc.LSG), Lang: clean(doc.Lang), Year: doc.Year, Title: doc.Title, URL: doc.URL,
		Script: k.script, Fields: string(fields), Keys: string(keys), FoldVersion: translit.FoldVersion, Names: k.names, Body: k.body, Now: db.Now()}
	if _, err := x.fts.Upsert(ctx, q, row, rebuild); err != nil {
		return err
	}
	return x.addTerms(ctx, q, k.terms, known)
}

// addTerms adds vocabulary terms for the typo fallback, skipping those
// known (when not nil) to be written in this transaction already. Terms
// are never removed: a stale term only costs a fruitless alternative in a
// corrected query.
func (x *Index) addTerms(ctx context.Context, q db.Querier, terms []string, known map[string]bool) error {
	if known != nil {
		fresh := terms[:0:0]
		for _, t := range terms {
			if !known[t] {
				known[t] = true
				fresh = append(fresh, t)
			}
		}
		terms = fresh
	}
	if err := x.fts.AddTerms(ctx, q, terms); err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	return nil
}

// Delete removes a document, inside the caller's transaction q. Deleting a
// document that is not indexed is not an error.
func (x *Index) Delete(ctx context.Context, q db.Querier, docType, id string) error {
	if err := x.fts.Delete(ctx, q, docType, id); err != nil {
		return fmt.Errorf("search.Index.Delete(%s/%s): %w", docType, id, err)
	}
	return nil
}

// Stats describes the index.
type Stats struct {
	Docs        int            // documents
	ByType      map[string]int // documents per type
	FoldVersion int            // fold version the index was built with (0: never built)
	Stale       int            // documents folded with another version
}

// Stats counts the documents of the index.
func (x *Index) Stats(ctx context.Context) (Stats, error) {
	st := Stats{ByType: map[string]int{}}
	rows, err := x.d.QueryContext(ctx, `SELECT doc_type, COUNT(*), SUM(CASE WHEN fold_version = ? THEN 0 ELSE 1 END) FROM search_docs GROUP BY doc_type`, translit.FoldVersion)
	if err != nil {
		return st, fmt.Errorf("search.Index.Stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n, stale int
		if err := rows.Scan(&t, &n, &stale); err != nil {
			return st, fmt.Errorf("search.Index.Stats: %w", err)
		}
		st.ByType[t] = n
		st.Docs += n
		st.Stale += stale
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("search.Index.Stats: %w", err)
	}
	var v string
	err = x.d.QueryRowContext(ctx, `SELECT value FROM search_meta WHERE key = 'fold_version'`).Scan(&v)
	if err == nil {
		st.FoldVersion, _ = strconv.Atoi(v)
	} else if !isNoRows(err) {
		return st, fmt.Errorf("search.Index.Stats: %w", err)
	}
	return st, nil
}

// NeedsRebuild reports whether the index is empty or was built with
// another fold version than this binary's.
func (x *Index) NeedsRebuild(ctx context.Context) (bool, error) {
	st, err := x.Stats(ctx)
	if err != nil {
		return false, err
	}
	if st.Docs == 0 || st.Stale > 0 || st.FoldVersion != translit.FoldVersion {
		return true, nil
	}
	var v string
	err = x.d.QueryRowContext(ctx, `SELECT value FROM search_meta WHERE key = 'index_version'`).Scan(&v)
	if err != nil && !isNoRows(err) {
		return false, fmt.Errorf("search.Index.NeedsRebuild: %w", err)
	}
	return v != strconv.Itoa(indexVersion), nil
}

// indexVersion is the version of how the index is written, beside the
// fold's: a rebuild brings an index written by an older version up to
// date. 2: FTS5 totals kept right (upsert deleted rows it did not hold).
const indexVersion = 2

// Reindex rebuilds the whole index in one transaction: documents of the
// types with a source are replaced by what the sources hand over, every
// other stored document is folded again from its stored texts, and the
// vocabulary is rebuilt. It returns the number of documents indexed.
func (x *Index) Reindex(ctx context.Context) (int, error) {
	n := 0
	err := x.d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		n, err = x.reindex(ctx, tx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("search.Index.Reindex: %w", err)
	}
	return n, nil
}

func (x *Index) reindex(ctx context.Context, tx *db.Tx) (int, error) {
	known := map[string]bool{}
	// Every document is written again: the vocabulary and the engine's
	// index start empty.
	if err := x.fts.Reset(ctx, tx); err != nil {
		return 0, err
	}
	n := 0
	sourced := map[string]bool{}
	for _, s := range x.sources {
		sourced[s.docType] = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_docs WHERE doc_type = ?`, s.docType); err != nil {
			return 0, err
		}
		err := s.each(ctx, tx, func(doc Document) error {
			if doc.Type != s.docType {
				return fmt.Errorf("source %q handed over a %q document", s.docType, doc.Type)
			}
			n++
			return x.upsert(ctx, tx, doc, known, true)
		})
		if err != nil {
			return 0, fmt.Errorf("source %s: %w", s.docType, err)
		}
	}
	// The other documents, again from their stored texts, in batches.
	var last int64
	for {
		docs, ids, err := storedDocs(ctx, tx, last, 500)
		if err != nil {
			return 0, err
		}
		if len(docs) == 0 {
			break
		}
		last = ids[len(ids)-1]
		for _, doc := range docs {
			if sourced[doc.Type] {
				continue
			}
			n++
			if err := x.upsert(ctx, tx, doc, known, true); err != nil {
				return 0, err
			}
		}
	}
	if err := setMeta(ctx, tx, "fold_version", strconv.Itoa(translit.FoldVersion)); err != nil {
		return 0, err
	}
	if err := setMeta(ctx, tx, "index_version", strconv.Itoa(indexVersion)); err != nil {
		return 0, err
	}
	// A rebuilt index is compacted (FTS5's segments merged; GIN's pending
	// lists merged and the planner's statistics gathered).
	if err := x.fts.Optimize(ctx, tx); err != nil {
		return 0, fmt.Errorf("optimize: %w", err)
	}
	return n, nil
}

// MarkBuilt records that the index is built with this binary's fold.
func (x *Index) MarkBuilt(ctx context.Context) error {
	if err := setMeta(ctx, x.d, "fold_version", strconv.Itoa(translit.FoldVersion)); err != nil {
		return fmt.Errorf("search.Index.MarkBuilt: %w", err)
	}
	if err := setMeta(ctx, x.d, "index_version", strconv.Itoa(indexVersion)); err != nil {
		return fmt.Errorf("search.Index.MarkBuilt: %w", err)
	}
	return nil
}

func setMeta(ctx context.Context, q db.Querier, key, value string) error {
	now := db.Now()
	_, err := q.ExecContext(ctx, `INSERT INTO search_meta (key, value, created_at, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, now, now)
	return err
}

// storedDocs reads up to n stored documents with id > after, as documents.
func storedDocs(ctx context.Context, q db.Querier, after int64, n int) ([]Document, []int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, doc_type, doc_id, lsg, lang, year, title, url, fields FROM search_docs WHERE id > ? ORDER BY id LIMIT ?`, after, n)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var docs []Document
	var ids []int64
	for rows.Next() {
		var id int64
		var doc Document
		var fields string
		if err := rows.Scan(&id, &doc.Type, &doc.ID, &doc.LSG, &doc.Lang, &doc.Year, &doc.Title, &doc.URL, &fields); err != nil {
			return nil, nil, err
		}
		var sf []storedField
		if err := json.Unmarshal([]byte(fields), &sf); err != nil {
			return nil, nil, fmt.Errorf("document %s/%s: fields: %w", doc.Type, doc.ID, err)
		}
		for _, f := range sf {
			doc.Fields = append(doc.Fields, Field(f))
		}
		docs = append(docs, doc)
		ids = append(ids, id)
	}
	return docs, ids, rows.Err()
}

// Drift is a document that is out of step with the records: Missing says
// a module's source hands it over and the index lacks it; otherwise the
// index holds it and no record does.
type Drift struct {
	Type, ID string
	Missing  bool
}

// Drift compares, for every type with a source, the documents the source
// hands over with those stored, in one transaction (dijalog check). Types
// without a source are not compared: their records are known only to
// their module.
func (x *Index) Drift(ctx context.Context) ([]Drift, error) {
	var out []Drift
	err := x.d.InTx(ctx, func(tx *db.Tx) error {
		for _, s := range x.sources {
			stored, err := db.All(ctx, tx, db.ScanString, `SELECT doc_id FROM search_docs WHERE doc_type = ?`, s.docType)
			if err != nil {
				return err
			}
			have := make(map[string]bool, len(stored))
			for _, id := range stored {
				have[id] = true
			}
			err = s.each(ctx, tx, func(doc Document) error {
				id := clean(strings.TrimSpace(doc.ID))
				if !have[id] {
					out = append(out, Drift{Type: s.docType, ID: id, Missing: true})
				}
				delete(have, id)
				return nil
			})
			if err != nil {
				return fmt.Errorf("source %s: %w", s.docType, err)
			}
			extra := make([]string, 0, len(have))
			for id := range have {
				extra = append(extra, id)
			}
			slices.Sort(extra)
			for _, id := range extra {
				out = append(out, Drift{Type: s.docType, ID: id})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search.Index.Drift: %w", err)
	}
	return out, nil
}
