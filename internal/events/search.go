package events

import (
	"context"
	"fmt"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/text"
)

// DocType is the search document type of events.
const DocType = "event"

// SearchDocument is the event in the search index: title, description,
// venue and address; its LSG; the year it starts.
func (e *Event) SearchDocument() search.Document {
	doc := search.Document{Type: DocType, ID: e.Slug, LSG: e.LSG, Lang: e.Lang, Year: e.LocalStart().Year(), Title: e.Title, URL: "/events/" + e.Slug,
		Fields: []search.Field{
			{Name: "title", Text: e.Title, Weight: 4},
			{Name: "body", Text: text.Plain(e.DescHTML), Weight: 1},
		}}
	if place := strings.Trim(e.Venue+", "+e.Address, ", "); place != "" {
		doc.Fields = append(doc.Fields, search.Field{Name: "summary", Text: place, Weight: 2})
	}
	if e.Programme != "" {
		doc.Fields = append(doc.Fields, search.Field{Name: "tags", Text: e.Programme, Weight: 1})
	}
	return doc
}

// SearchSource hands every published event to put, for a rebuild of the
// index (search.Index.AddSource(events.DocType, svc.SearchSource)).
func (s *Service) SearchSource(ctx context.Context, q db.Querier, put func(search.Document) error) error {
	es, err := publishedEvents(ctx, q)
	if err != nil {
		return fmt.Errorf("events.SearchSource: %w", err)
	}
	for _, e := range es {
		if err := put(e.SearchDocument()); err != nil {
			return err
		}
	}
	return nil
}
