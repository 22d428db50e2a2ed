package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/search"
)

// engine is one searcher under test. built reports whether a kept index
// (-keep) is already there, so that build can be skipped.
type engine struct {
	name   string
	built  func(ctx context.Context) bool
	build  func(ctx context.Context, docs []doc) error
	search func(ctx context.Context, q string) ([]string, error)
	size   func(ctx context.Context) (int64, error)
}

func ours(name string, d *db.DB, sizeFn func(ctx context.Context) (int64, error)) engine {
	x := search.New(d)
	return engine{name: name,
		built: func(ctx context.Context) bool {
			st, err := x.Stats(ctx)
			return err == nil && st.Docs > 0 && st.FoldVersion > 0
		},
		build: func(ctx context.Context, docs []doc) error {
			x.AddSource("person", func(ctx context.Context, q db.Querier, put func(search.Document) error) error {
				for _, dc := range docs {
					if err := put(dc.document()); err != nil {
						return err
					}
				}
				return nil
			})
			_, err := x.Reindex(ctx)
			return err
		},
		search: func(ctx context.Context, q string) ([]string, error) {
			res, err := x.Search(ctx, search.Query{Text: q, Limit: 10})
			if err != nil {
				return nil, err
			}
			ids := make([]string, len(res.Hits))
			for i, h := range res.Hits {
				ids[i] = h.ID
			}
			return ids, nil
		},
		size: sizeFn,
	}
}

// words splits a query as both baselines do: letters and digits.
func words(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// fts5 is the first baseline: SQLite FTS5 (unicode61 remove_diacritics 2)
// over the raw text, every word and a prefix on the last one.
func fts5(path string) (engine, error) {
	s, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return engine{}, err
	}
	s.SetMaxOpenConns(16)
	return engine{name: "baseline FTS5 unicode61 rd2",
		built: func(ctx context.Context) bool {
			var n int
			return s.QueryRowContext(ctx, `SELECT COUNT(*) FROM base`).Scan(&n) == nil && n > 0
		},
		build: func(ctx context.Context, docs []doc) error {
			if _, err := s.ExecContext(ctx, `CREATE VIRTUAL TABLE base USING fts5(id UNINDEXED, title, names, body, tokenize = 'unicode61 remove_diacritics 2')`); err != nil {
				return err
			}
			tx, err := s.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			st, err := tx.PrepareContext(ctx, `INSERT INTO base (id, title, names, body) VALUES (?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			for _, d := range docs {
				dd := d.document()
				if _, err := st.ExecContext(ctx, d.id, dd.Title, dd.Fields[1].Text, dd.Fields[2].Text); err != nil {
					return err
				}
			}
			return tx.Commit()
		},
		search: func(ctx context.Context, q string) ([]string, error) {
			ws := words(q)
			if len(ws) == 0 {
				return nil, nil
			}
			for i, w := range ws {
				ws[i] = `"` + w + `"`
			}
			ws[len(ws)-1] += "*"
			rows, err := s.QueryContext(ctx, `SELECT id FROM base WHERE base MATCH ? ORDER BY rank LIMIT 10`, strings.Join(ws, " AND "))
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var ids []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return nil, err
				}
				ids = append(ids, id)
			}
			return ids, rows.Err()
		},
		size: func(context.Context) (int64, error) { return fileSize(path) },
	}, nil
}

// bleveEngine is the second baseline: Bleve v2 with its default mapping
// (the "standard" analyser: Unicode word boundaries, lower case, English
// stop words), every word as a match query on the composite field and a
// prefix query on the last one, all required.
func bleveEngine(dir string) engine {
	var idx bleve.Index
	open := func() bool {
		if idx != nil {
			return true
		}
		i, err := bleve.Open(dir)
		if err != nil {
			return false
		}
		idx = i
		return true
	}
	return engine{name: "baseline Bleve v2 standard",
		built: func(context.Context) bool {
			if !open() {
				return false
			}
			n, err := idx.DocCount()
			return err == nil && n > 0
		},
		build: func(ctx context.Context, docs []doc) error {
			if idx != nil {
				idx.Close()
				idx = nil
				if err := os.RemoveAll(dir); err != nil {
					return err
				}
			}
			m := bleve.NewIndexMapping()
			m.StoreDynamic = false
			m.DocValuesDynamic = false
			i, err := bleve.New(dir, m)
			if err != nil {
				return err
			}
			idx = i
			b := idx.NewBatch()
			for _, d := range docs {
				dd := d.document()
				if err := b.Index(d.id, map[string]string{"title": dd.Title, "names": dd.Fields[1].Text, "body": dd.Fields[2].Text}); err != nil {
					return err
				}
				if b.Size() >= 2000 {
					if err := idx.Batch(b); err != nil {
						return err
					}
					b = idx.NewBatch()
				}
			}
			return idx.Batch(b)
		},
		search: func(ctx context.Context, q string) ([]string, error) {
			ws := words(q)
			if len(ws) == 0 {
				return nil, nil
			}
			var qs []bq.Query
			for _, w := range ws[:len(ws)-1] {
				qs = append(qs, bleve.NewMatchQuery(w))
			}
			qs = append(qs, bleve.NewPrefixQuery(strings.ToLower(ws[len(ws)-1])))
			req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(qs...), 10, 0, false)
			res, err := idx.SearchInContext(ctx, req)
			if err != nil {
				return nil, err
			}
			ids := make([]string, len(res.Hits))
			for i, h := range res.Hits {
				ids[i] = h.ID
			}
			return ids, nil
		},
		size: func(context.Context) (int64, error) { return dirSize(dir) },
	}
}

func fileSize(path string) (int64, error) {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n, nil
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", dir, err)
	}
	return n, nil
}
