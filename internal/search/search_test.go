package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// extraDocs are documents beside the real places: a Croatian place with
// Đ, Macedonian places, projects in several scripts.
var extraDocs = []Document{
	{Type: "place", ID: "hr-durdevac", Title: "Đurđevac", URL: "/places/hr-durdevac", Fields: []Field{{Name: "names", Text: "Đurđevac\nЂурђевац", Weight: 3, IsName: true}}},
	{Type: "place", ID: "mk-kicevo", Title: "Кичево", URL: "/places/mk-kicevo", Lang: "mk", Fields: []Field{{Name: "names", Text: "Кичево\nKičevo", Weight: 3, IsName: true}}},
	{Type: "place", ID: "mk-skopje", Title: "Скопје", URL: "/places/mk-skopje", Lang: "mk", Fields: []Field{{Name: "names", Text: "Скопје", Weight: 3, IsName: true}}},
	{Type: "project", ID: "makers", Title: "MAKERS – Mladi aktivisti za lokalni razvoj", URL: "/projects/makers", LSG: "ba-rs-banja-luka", Year: 2024, Lang: "bs",
		Fields: []Field{
			{Name: "title", Text: "MAKERS – Mladi aktivisti za lokalni razvoj", Weight: 4},
			{Name: "names", Text: "Banja Luka\nUNDP", Weight: 3, IsName: true},
			{Name: "summary", Text: "Lokalne dijaloške platforme u 14 partnerskih općina, uključujući Banja Luku, biraju inicijative mladih aktivista koje sufinansiraju općina i donator.", Weight: 2},
		}},
	{Type: "project", ID: "link", Title: "Линк за сарадњу", URL: "/projects/link", LSG: "ba-rs-trebinje", Year: 2023, Lang: "sr",
		Fields: []Field{{Name: "summary", Text: "Програм подршке организацијама цивилног друштва у Требињу и Завидовићима.", Weight: 2}}},
}

func buildIndex(t *testing.T, d *db.DB) *Index {
	t.Helper()
	ctx := context.Background()
	all, err := places.NewService(d).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 145 {
		t.Fatalf("only %d places", len(all))
	}
	x := New(d)
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for _, doc := range append(PlaceDocuments(all), extraDocs...) {
			if err := x.Upsert(ctx, tx, doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestQueryStyles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		x := buildIndex(t, d)
		ctx := context.Background()
		for _, c := range []struct {
			query, want string
			top1        bool
		}{
			{"Бања Лука", "ba-rs-banja-luka", true},
			{"banja luka", "ba-rs-banja-luka", true},
			{"BANJA LUKA", "ba-rs-banja-luka", true},
			{"Banjaluka", "ba-rs-banja-luka", true},
			{"Zepce", "ba-fbih-zepce", true},
			{"Жепче", "ba-fbih-zepce", true},
			{"Завидовиќи", "ba-fbih-zavidovici", true},
			{"zavidovici", "ba-fbih-zavidovici", true},
			{"Djurdjevac", "hr-durdevac", true},
			{"Durdevac", "hr-durdevac", true},
			{"Ђурђевац", "hr-durdevac", true},
			{"Kërçovë", "mk-kicevo", true},
			{"Shkup", "mk-skopje", true},
			{"skopje", "mk-skopje", true},
			{"Zavid", "ba-fbih-zavidovici", true},      // prefix
			{"Banja Lu", "ba-rs-banja-luka", true},     // prefix
			{"Trebinj", "ba-rs-trebinje", true},        // prefix
			{"Zavidovuci", "ba-fbih-zavidovici", true}, // one typo
			{"Trebnje", "ba-rs-trebinje", true},        // one deletion
			{"Gradiška", "ba-rs-gradiska", true},
			{"Bosanski Novi", "ba-rs-novi-grad", false}, // former name
			{"mladi aktivisti Banja Luka", "makers", true},
			{"сарадња", "link", false}, // prefix over Cyrillic text, typed in Cyrillic
			{"saradnju", "link", true},
			{"opstina zepce", "ba-fbih-zepce", true}, // alias općina/opština
		} {
			res, err := x.Search(ctx, Query{Text: c.query, Limit: 10})
			if err != nil {
				t.Fatalf("Search(%q): %v", c.query, err)
			}
			pos := -1
			for i, h := range res.Hits {
				if h.ID == c.want {
					pos = i
					break
				}
			}
			if pos < 0 || c.top1 && pos != 0 {
				var got []string
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
				t.Errorf("Search(%q): %s at %d, want %s; got %v", c.query, c.want, pos, map[bool]string{true: "first", false: "in the top 10"}[c.top1], got)
			}
		}
	})
}

func TestHighlightOriginal(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		x := buildIndex(t, d)
		res, err := x.Search(context.Background(), Query{Text: "banjaluka aktivist", Limit: 5, Count: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != "makers" {
			t.Fatalf("hits = %+v", res.Hits)
		}
		h := res.Hits[0]
		if got, want := segmentsText(h.TitleHL), h.Title; got != want {
			t.Errorf("title segments %q, want the original %q", got, want)
		}
		var marked []string
		for _, s := range append(h.TitleHL, h.Snippet...) {
			if s.Match {
				marked = append(marked, s.Text)
			}
		}
		if diff := cmp.Diff([]string{"aktivisti", "aktivista"}, marked); diff != "" {
			t.Errorf("marked words (-want +got):\n%s\nsnippet %q", diff, h.SnippetText())
		}
		if res.Total != 1 || len(res.Facets.Types) != 1 || res.Facets.Types[0] != (FacetCount{"project", 1}) {
			t.Errorf("total %d facets %+v", res.Total, res.Facets)
		}
		// Cyrillic text is highlighted in Cyrillic.
		res, err = x.Search(context.Background(), Query{Text: "Zavidovici", Type: "project"})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("Zavidovici in projects: %+v, %v", res.Hits, err)
		}
		if s := res.Hits[0].Snippet; !strings.Contains(segmentsText(s), "Завидовићима") || !hasMatch(s, "Завидовићима") {
			t.Errorf("snippet %+v does not mark Завидовићима", s)
		}
	})
}

func hasMatch(segs []Segment, text string) bool {
	for _, s := range segs {
		if s.Match && s.Text == text {
			return true
		}
	}
	return false
}

// badQueries never error and never reach the engine unescaped.
var badQueries = []string{
	"", "   ", strings.Repeat("a", 10<<10), strings.Repeat("Бања Лука ", 1000), "!!!", "?.,;", `"`, `""`, `"banja`, "*", "**", "banja*", "NEAR", "NEAR(banja luka)",
	"banja NEAR luka", ":", "names:banja", "body:x", "-", "-banja", "banja -luka", "^banja", "a AND", "OR", "NOT", "AND OR NOT",
	"(", ")", "((banja", "banja)", "{names}: banja", "\xff\xfe", "ba\xffnja", "Бањa Luка", "Žеpčе", "日本語", "🙂", "'; DROP TABLE search_docs; --",
	"a:* & b", "!x | y", "<->", "x:A", "\x00", "\\", "%", "_", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		x := buildIndex(t, d)
		ctx := context.Background()
		for _, q := range badQueries {
			res, err := x.Search(ctx, Query{Text: q, Count: true, Limit: 10})
			if err != nil {
				t.Errorf("Search(%.40q): %v", q, err)
				continue
			}
			if utf8.RuneCountInString(res.Query) > MaxQueryRunes || !utf8.ValidString(res.Query) {
				t.Errorf("Search(%.40q): query echoed as %.40q", q, res.Query)
			}
			for _, h := range res.Hits {
				if !utf8.ValidString(segmentsText(h.TitleHL)) {
					t.Errorf("invalid UTF-8 in the title")
				}
			}
			if _, err := x.Suggest(ctx, q, 8); err != nil {
				t.Errorf("Suggest(%.40q): %v", q, err)
			}
		}
		// Mixed scripts inside one word still find the place.
		res, err := x.Search(ctx, Query{Text: "Бањa Luка"})
		if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "ba-rs-banja-luka" {
			t.Errorf("mixed scripts: %+v %v", res.Hits, err)
		}
	})
}

func TestDeleteAndReindex(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		x := buildIndex(t, d)
		if need, err := x.NeedsRebuild(ctx); err != nil || !need {
			t.Fatalf("NeedsRebuild before MarkBuilt = %v, %v", need, err)
		}
		if err := x.Delete(ctx, d, "project", "makers"); err != nil {
			t.Fatal(err)
		}
		if err := x.Delete(ctx, d, "project", "none"); err != nil {
			t.Fatal(err)
		}
		res, err := x.Search(ctx, Query{Text: "makers"})
		if err != nil || len(res.Hits) != 0 {
			t.Fatalf("after Delete: %+v %v", res.Hits, err)
		}
		// A stale fold version is found and rebuilt from the stored texts.
		if _, err := d.ExecContext(ctx, `UPDATE search_docs SET fold_version = 0 WHERE doc_id = 'link'`); err != nil {
			t.Fatal(err)
		}
		x.AddSource("organisation", func(ctx context.Context, q db.Querier, put func(Document) error) error {
			return put(Document{Type: "organisation", ID: "o1", Title: "Udruženje „Žene Ženica”", URL: "/projects?q=x"})
		})
		n, err := x.Reindex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Docs != n || st.Stale != 0 || st.FoldVersion != translit.FoldVersion || st.ByType["organisation"] != 1 {
			t.Errorf("after Reindex(%d): %+v", n, st)
		}
		if need, err := x.NeedsRebuild(ctx); err != nil || need {
			t.Errorf("NeedsRebuild after Reindex = %v, %v", need, err)
		}
		for _, q := range []string{"zene zenica", "сарадња", "Zavidovuci"} {
			res, err := x.Search(ctx, Query{Text: q})
			if err != nil || len(res.Hits) == 0 {
				t.Errorf("after Reindex, %q: %+v %v", q, res.Hits, err)
			}
		}
		// Upsert replaces.
		doc := extraDocs[4]
		doc.Fields = []Field{{Name: "summary", Text: "Nešto sasvim drugo", Weight: 2}}
		if err := x.Upsert(ctx, d, doc); err != nil {
			t.Fatal(err)
		}
		if res, _ := x.Search(ctx, Query{Text: "Trebinju", Type: "project"}); len(res.Hits) != 0 {
			t.Errorf("old text still found after Upsert: %+v", res.Hits)
		}
		if err := x.Upsert(ctx, d, Document{Type: "x"}); err == nil {
			t.Error("Upsert of an empty document: no error")
		}
	})
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"zepce", "zepce", 0}, {"zepce", "zepse", 1}, {"zepce", "ezpce", 1}, {"zepce", "zepc", 1}, {"zavidovici", "zavdoviic", 2}, {"abc", "xyz", 3}} {
		if got := editDistance(c.a, c.b, 2); got != min(c.want, 3) {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func FuzzQuery(f *testing.F) {
	for _, q := range badQueries {
		f.Add(q)
	}
	d := dbtest.SQLite(f)
	x := New(d)
	ctx := context.Background()
	for _, doc := range extraDocs {
		if err := x.Upsert(ctx, d, doc); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		p := newPlan(q)
		for _, pg := range []bool{false, true} {
			e := p.expr(pg)
			for _, r := range e {
				if !strings.ContainsRune(`abcdefghijklmnopqrstuvwxyz0123456789 ()"*:|&ORAND`, r) {
					t.Fatalf("expression %q of %q has %q", e, q, r)
				}
			}
		}
		res, err := x.Search(ctx, Query{Text: q, Count: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, h := range res.Hits {
			if segmentsText(h.TitleHL) != h.Title {
				t.Fatalf("title segments changed the title")
			}
		}
	})
}
