package places

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/google/go-cmp/cmp"
)

// TestSearchDocuments: the places' documents are what search's tests use
// (internal/search/testdata/places.json), and they find places by every
// name, in both scripts, written together or apart.
func TestSearchDocuments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := NewService(d)
		all, err := svc.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile("../search/testdata/places.json")
		if err != nil {
			t.Fatal(err)
		}
		var fixture []search.Document
		if err := json.Unmarshal(b, &fixture); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fixture, SearchDocuments(all)); diff != "" {
			t.Errorf("search/testdata/places.json is not what places makes (-fixture +now):\n%s", diff)
		}
		x := search.New(d)
		x.AddSource(DocType, svc.SearchSource)
		if _, err := x.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]string{"Banjaluka": "ba-rs-banja-luka", "Жепче": "ba-fbih-zepce", "opstina zepce": "ba-fbih-zepce"} {
			res, err := x.Search(ctx, search.Query{Text: q})
			if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != want {
				t.Errorf("Search(%q) = %+v, %v; want %s first", q, res.Hits, err, want)
			}
		}
		lat, cyr, err := svc.PlaceName(ctx, "ba-fbih-zepce")
		if err != nil || lat != "Žepče" || cyr != "Жепче" {
			t.Errorf("PlaceName = %q, %q, %v", lat, cyr, err)
		}
	})
}
