package news

import (
	"context"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestArticleWritesAudited: creating, translating and deleting an article
// are in the audit log, with the account.
func TestArticleWritesAudited(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := dbtest.User(t, d, "u-admin", "admin@example.org", "Admin")
		u := &auth.User{ID: id, Status: auth.StatusActive, Grants: []auth.Grant{{Role: auth.RoleAdmin, ScopeKind: auth.ScopeGlobal}}}
		s := NewService(Deps{DB: d, Uploads: t.TempDir()}).Articles
		a, err := s.Create(ctx, u, ArticleInput{AuthorKind: auth.PublisherPlatform, AuthorName: "dijalog", Lang: "bs", Title: "Vijest", Body: "Tekst vijesti."})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Translate(ctx, u, a.Slug, "en", "News", "", "The text."); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, u, a.Slug); err != nil {
			t.Fatal(err)
		}
		es, err := audit.List(ctx, d, audit.Filter{ObjectKind: "news_article", ObjectRef: a.PublicID})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Action)
			if e.ActorID != id {
				t.Errorf("%s: actor %d, want %d", e.Action, e.ActorID, id)
			}
		}
		if strings.Join(got, " ") != "news.article.delete news.article.translate news.article.create" {
			t.Errorf("audit log: %v", got)
		}
	})
}
