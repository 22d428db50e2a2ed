package news

import (
	"context"
	"fmt"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/text"
)

// DocType is the search document type of articles.
const DocType = "article"

func (s *Articles) indexArticle(ctx context.Context, q db.Querier, a *Article) error {
	if s.index == nil {
		return nil
	}
	return s.index.Upsert(ctx, q, a.SearchDocument())
}

// SearchDocument is the article in the search index: the titles, summaries
// and bodies of all its languages, the first LSG it is tagged with, the
// year of publication.
func (a *Article) SearchDocument() search.Document {
	orig := a.Original()
	doc := search.Document{Type: DocType, ID: a.Slug, Lang: orig.Lang, Year: a.PublishedAt.Year(), Title: orig.Title, URL: "/news/" + a.Slug}
	if len(a.Translations) > 1 {
		doc.Lang = ""
	}
	if l := a.TagValues(TagLSG); len(l) > 0 {
		doc.LSG = l[0]
	}
	var titles, summaries, bodies []string
	for _, t := range a.Translations {
		titles = append(titles, t.Title)
		if t.Summary != "" {
			summaries = append(summaries, t.Summary)
		}
		if body := text.Plain(t.BodyHTML); body != "" {
			bodies = append(bodies, body)
		}
	}
	doc.Fields = []search.Field{
		{Name: "title", Text: strings.Join(titles, "\n"), Weight: 4},
		{Name: "summary", Text: strings.Join(summaries, "\n"), Weight: 2},
		{Name: "body", Text: strings.Join(bodies, "\n"), Weight: 1},
	}
	var tags []string
	for _, t := range a.Tags {
		if t.Kind != TagLSG {
			tags = append(tags, t.Value)
		}
	}
	if len(tags) > 0 {
		doc.Fields = append(doc.Fields, search.Field{Name: "tags", Text: strings.Join(tags, " "), Weight: 1})
	}
	return doc
}

// SearchSource hands every published article to put, for a rebuild of the
// index (search.Index.AddSource(news.DocType, svc.SearchSource)); it reads
// through q, the rebuild's transaction, 500 articles at a time.
func (s *Articles) SearchSource(ctx context.Context, q db.Querier, put func(search.Document) error) error {
	var last int64
	for {
		as, err := publishedArticlesAfter(ctx, q, last, 500)
		if err != nil {
			return fmt.Errorf("news.SearchSource: %w", err)
		}
		if len(as) == 0 {
			return nil
		}
		if err := fillFrom(ctx, q, as, true); err != nil {
			return err
		}
		for _, a := range as {
			if err := put(a.SearchDocument()); err != nil {
				return err
			}
		}
		last = as[len(as)-1].ID
	}
}
