package places

import (
	"context"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/search"
)

// DocType is the search document type of places.
const DocType = "place"

// SearchDocuments makes the search documents of places (entities,
// cantons, district, LSGs): names in both scripts and every alias as name
// fields, and the place's kind and its canton and entity as a summary.
func SearchDocuments(all []Place) []search.Document {
	byCode := map[string]Place{}
	for _, p := range all {
		byCode[p.Code] = p
	}
	out := make([]search.Document, 0, len(all))
	for _, p := range all {
		doc := search.Document{Type: DocType, ID: p.Code, Lang: "", Title: p.NameLat, URL: "/places/" + p.Code,
			Fields: []search.Field{
				{Name: "title", Text: p.NameLat, Weight: 4, IsName: true},
				{Name: "names", Text: strings.Join(p.searchNames(), "\n"), Weight: 3, IsName: true},
				{Name: "summary", Text: strings.Join(p.searchSummary(byCode), " · "), Weight: 1},
			}}
		if p.IsLSG() {
			doc.LSG = p.Code
		}
		out = append(out, doc)
	}
	return out
}

// searchNames are the place's names in both scripts and its aliases.
func (p Place) searchNames() []string {
	names := []string{p.NameLat}
	if p.NameCyr != "" && p.NameCyr != p.NameLat {
		names = append(names, p.NameCyr)
	}
	for _, a := range p.Aliases {
		names = append(names, a.Alias)
	}
	return names
}

// searchSummary names the kind of an LSG as its people write it and the
// canton and entity the place lies in.
func (p Place) searchSummary(byCode map[string]Place) []string {
	var summary []string
	switch {
	case p.IsCity():
		summary = append(summary, "Grad "+p.NameLat, "Град "+p.NameCyr)
	case p.IsLSG() && p.EntityCode == "ba-rs":
		summary = append(summary, "Opština "+p.NameLat, "Општина "+p.NameCyr)
	case p.IsLSG():
		summary = append(summary, "Općina "+p.NameLat)
	}
	for _, code := range []string{p.CantonCode, p.EntityCode} {
		if up, ok := byCode[code]; ok && code != p.Code {
			summary = append(summary, up.NameLat)
		}
	}
	return summary
}

// SearchSource hands the documents of every place to put, for a rebuild
// of the search index (places change only by migration: they are indexed
// by rebuilds, never one by one).
func (s *Service) SearchSource(ctx context.Context, _ db.Querier, put func(search.Document) error) error {
	all, err := s.All(ctx)
	if err != nil {
		return err
	}
	for _, doc := range SearchDocuments(all) {
		if err := put(doc); err != nil {
			return err
		}
	}
	return nil
}

// PlaceName names the place of code in both scripts (for search's LSG
// facet; see search.PlaceNames).
func (s *Service) PlaceName(ctx context.Context, code string) (latin, cyrillic string, err error) {
	p, err := s.ByCode(ctx, code)
	if err != nil {
		return "", "", err
	}
	return p.NameLat, p.NameCyr, nil
}
