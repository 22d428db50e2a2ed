package auth

import (
	"context"
	"net/url"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/search"
)

// DocType is the search document type of organisations.
const DocType = "organisation"

// SearchDocument is the search document of an organisation. Organisations
// have no public page of their own: a donor links to its projects, an
// organisation of an LSG to the LSG's page, any other to the projects that
// name it.
func (o Organisation) SearchDocument() search.Document {
	u := "/projects?q=" + url.QueryEscape(o.Name)
	switch {
	case o.Kind == "donor":
		u = "/projects?donor=" + url.QueryEscape(o.Name)
	case o.PlaceCode != "":
		u = "/places/" + o.PlaceCode
	}
	fields := []search.Field{{Name: "title", Text: o.Name, Weight: 4, IsName: true}}
	if o.Website != "" {
		fields = append(fields, search.Field{Name: "body", Text: o.Website, Weight: 1})
	}
	return search.Document{Type: DocType, ID: o.PublicID, LSG: o.PlaceCode, Title: o.Name, URL: u, Fields: fields}
}

// SearchSource hands the document of every organisation to put, for a
// rebuild of the search index.
func (s *Service) SearchSource(ctx context.Context, _ db.Querier, put func(search.Document) error) error {
	orgs, err := s.Organisations(ctx, "")
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if err := put(o.SearchDocument()); err != nil {
			return err
		}
	}
	return nil
}
