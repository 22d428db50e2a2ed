package news

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/demo"
)

//go:embed demo
var demoFS embed.FS

// demoArticle is an article of demo/articles.json: the seed pages as news
// items, in their languages.
type demoArticle struct {
	Author       string           `json:"author"`
	Published    demo.Time        `json:"published"`
	Lang         string           `json:"lang"`
	Title        string           `json:"title"`
	Summary      string           `json:"summary"`
	Body         string           `json:"body"`
	LSGs         []string         `json:"lsgs"`
	Programme    string           `json:"programme"`
	Sector       string           `json:"sector"`
	Translations []demoTranslated `json:"translations"`
}

type demoTranslated struct {
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Body    string `json:"body"`
}

func (d demoArticle) tags() []Tag {
	var out []Tag
	for _, l := range d.LSGs {
		out = append(out, Tag{Kind: TagLSG, Value: l})
	}
	if d.Programme != "" {
		out = append(out, Tag{Kind: TagProgramme, Value: d.Programme})
	}
	if d.Sector != "" {
		out = append(out, Tag{Kind: TagSector, Value: d.Sector})
	}
	return out
}

// LoadDemo publishes the demo articles as the platform (by admin), each with
// its translations.
func LoadDemo(ctx context.Context, s *Service, admin *auth.User) error {
	arts, err := demo.Read[[]demoArticle](demoFS, "demo/articles.json")
	if err != nil {
		return fmt.Errorf("news demo: %w", err)
	}
	for _, d := range arts {
		in := ArticleInput{AuthorKind: auth.PublisherPlatform, AuthorName: d.Author, Lang: d.Lang,
			Title: d.Title, Summary: d.Summary, Body: d.Body, Tags: d.tags(), PublishedAt: d.Published.At(time.Now())}
		art, err := s.Create(ctx, admin, in)
		if err != nil {
			return fmt.Errorf("news demo %q: %w", d.Title, err)
		}
		for _, t := range d.Translations {
			if err := s.Translate(ctx, admin, art.Slug, t.Lang, t.Title, t.Summary, t.Body); err != nil {
				return fmt.Errorf("news demo translation %q: %w", t.Title, err)
			}
		}
	}
	return nil
}
