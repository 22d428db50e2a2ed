package search

import (
	"net/url"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/places"
)

// Document types indexed by this package's own sources.
const (
	TypePlace        = "place"
	TypeOrganisation = "organisation"
	TypeProject      = "project"
)

// PlaceDocuments makes the documents of places (entities, cantons,
// district, LSGs): names in both scripts and every alias as name fields,
// and the place's kind and its canton and entity as a summary.
func PlaceDocuments(all []places.Place) []Document {
	byCode := map[string]places.Place{}
	for _, p := range all {
		byCode[p.Code] = p
	}
	out := make([]Document, 0, len(all))
	for _, p := range all {
		names := []string{p.NameLat}
		if p.NameCyr != "" && p.NameCyr != p.NameLat {
			names = append(names, p.NameCyr)
		}
		for _, a := range p.Aliases {
			names = append(names, a.Alias)
		}
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
		doc := Document{Type: TypePlace, ID: p.Code, Lang: "", Title: p.NameLat, URL: "/places/" + p.Code,
			Fields: []Field{
				{Name: "title", Text: p.NameLat, Weight: 4, IsName: true},
				{Name: "names", Text: strings.Join(names, "\n"), Weight: 3, IsName: true},
				{Name: "summary", Text: strings.Join(summary, " · "), Weight: 1},
			}}
		if p.IsLSG() {
			doc.LSG = p.Code
		}
		out = append(out, doc)
	}
	return out
}

// OrganisationDocument makes the document of an organisation. Organisations
// have no public page of their own: a donor links to its projects, an
// organisation of an LSG to the LSG's page, any other to the projects that
// name it.
func OrganisationDocument(o auth.Organisation) Document {
	u := "/projects?q=" + url.QueryEscape(o.Name)
	switch {
	case o.Kind == "donor":
		u = "/projects?donor=" + url.QueryEscape(o.Name)
	case o.PlaceCode != "":
		u = "/places/" + o.PlaceCode
	}
	fields := []Field{{Name: "title", Text: o.Name, Weight: 4, IsName: true}}
	if o.Website != "" {
		fields = append(fields, Field{Name: "body", Text: o.Website, Weight: 1})
	}
	return Document{Type: TypeOrganisation, ID: o.PublicID, LSG: o.PlaceCode, Title: o.Name, URL: u, Fields: fields}
}
