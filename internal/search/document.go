// Package search is the one index of the platform: every module registers
// its documents here, in the same transaction as its own write, and every
// query goes through the same fold (internal/translit), so that script,
// case and diacritics never matter.
package search

import (
	"context"

	"github.com/dijalog/dijalog/internal/db"
)

// Field is one searchable text of a document.
type Field struct {
	Name   string  // "title", "names", "summary", "body"
	Text   string  // as written (any script); never shown folded
	Weight float64 // relative importance, e.g. title 4, names 3, summary 2, body 1
	IsName bool    // a name field: also indexed by its compact key ("Banja Luka" = "Banjaluka")
}

// Document is one searchable record of a module.
type Document struct {
	Type   string // "project", "place", "organisation", "initiative", "call", "article", ...
	ID     string // the record's public id or slug, unique within Type
	LSG    string // place code of the LSG it belongs to, or ""
	Lang   string // language of the text ("bs", "sr", "mk", ...), "" when mixed
	Year   int    // for the year facet; 0 when none
	Title  string // shown in results, as written
	URL    string // path without the locale prefix, e.g. "/projects/abc"
	Fields []Field
}

// Indexer keeps documents in the index. Modules call it inside their own
// transaction (q is their *db.Tx), so the index never disagrees with the data.
type Indexer interface {
	Upsert(ctx context.Context, q db.Querier, doc Document) error
	Delete(ctx context.Context, q db.Querier, docType, id string) error
}
