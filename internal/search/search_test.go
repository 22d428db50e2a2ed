package search

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/db/fts"
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

// placeDocs are the documents of the real places (entities, cantons,
// district, LSGs) as internal/places makes them, kept in testdata so that
// search's tests import no domain (see places' TestSearchDocuments).
func placeDocs(t *testing.T) []Document {
	t.Helper()
	b, err := os.ReadFile("testdata/places.json")
	if err != nil {
		t.Fatal(err)
	}
	var docs []Document
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) < 145 {
		t.Fatalf("only %d places", len(docs))
	}
	return docs
}

func buildIndex(t *testing.T, d *db.DB) *Index {
	t.Helper()
	ctx := context.Background()
	x := New(d)
	err := d.InTx(ctx, func(tx *db.Tx) error {
		for _, doc := range append(placeDocs(t), extraDocs...) {
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
			for _, h := range res.Hits {
				if err := shownAsWritten(ctx, d, h); err != nil {
					t.Errorf("Search(%q): %v", c.query, err)
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

// shownAsWritten checks that a hit shows only original text: its title
// segments make up its title, and every piece of its snippet (and every
// highlighted piece) is part of one of its stored fields as written, never
// a folded key.
func shownAsWritten(ctx context.Context, d *db.DB, h Hit) error {
	if got := segmentsText(h.TitleHL); got != h.Title {
		return fmt.Errorf("%s: title segments %q, title %q", h.ID, got, h.Title)
	}
	var raw string
	if err := d.QueryRowContext(ctx, `SELECT fields FROM search_docs WHERE doc_type = ? AND doc_id = ?`, h.Type, h.ID).Scan(&raw); err != nil {
		return fmt.Errorf("%s: %w", h.ID, err)
	}
	var fields []storedField
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return err
	}
	var texts []string
	for _, f := range fields {
		texts = append(texts, collapseSpace(f.Text))
	}
	inOriginal := func(piece string) bool {
		piece = strings.Trim(piece, " …")
		if piece == "" {
			return true
		}
		for _, t := range texts {
			if strings.Contains(t, piece) {
				return true
			}
		}
		return false
	}
	for _, s := range h.Snippet {
		if !inOriginal(s.Text) {
			return fmt.Errorf("%s: snippet piece %q is not in the text as written", h.ID, s.Text)
		}
	}
	if plain := h.SnippetText(); !inOriginal(plain) {
		return fmt.Errorf("%s: snippet %q is not a piece of the text as written", h.ID, plain)
	}
	return nil
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
		for _, syn := range fts.Syntaxes() {
			e := p.expr(syn)
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
			if err := shownAsWritten(ctx, d, h); err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
		}
	})
}

// TestBroadQuery: a query that matches more documents than are re-ranked
// in Go goes through the engine's ranking, with and without filters, and
// the best document still comes first.
func TestBroadQuery(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		x := New(d)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for i := range 150 {
				typ := "project"
				if i%3 == 0 {
					typ = "news"
				}
				doc := Document{Type: typ, ID: fmt.Sprint(i), Title: fmt.Sprintf("Zelena tržnica broj %d u Čapljini", i), URL: fmt.Sprintf("/x/%d", i), Year: 2020 + i%5,
					Fields: []Field{{Name: "summary", Text: "Tržnica za lokalne proizvođače, zelena i otvorena.", Weight: 2}}}
				if i == 77 {
					doc.Title = "Zelena tržnica"
				}
				if err := x.Upsert(ctx, tx, doc); err != nil {
					return err
				}
			}
			// Documents the query does not match (the engine's rank gives
			// words in every document no weight).
			for i := range 300 {
				doc := Document{Type: "project", ID: fmt.Sprint("o", i), Title: fmt.Sprintf("Most broj %d u Mostaru", i), URL: fmt.Sprintf("/o/%d", i)}
				if err := x.Upsert(ctx, tx, doc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []Query{
			{Text: "zelena trznica"},
			{Text: "Зелена тржн"},
			{Text: "zelena trznica", Type: "project", Count: true},
			{Text: "trznica", Year: 2022},
		} {
			res, err := x.Search(ctx, q)
			if err != nil {
				t.Fatalf("Search(%+v): %v", q, err)
			}
			if len(res.Hits) != 10 {
				t.Fatalf("Search(%+v): %d hits, want 10", q, len(res.Hits))
			}
			for _, h := range res.Hits {
				if q.Type != "" && h.Type != q.Type || q.Year != 0 && h.Year != q.Year {
					t.Errorf("Search(%+v): hit %+v outside the filter", q, h)
				}
			}
			if q.Year == 0 && res.Hits[0].ID != "77" {
				t.Errorf("Search(%+v): first %s %q, want 77 (the title is the query)", q, res.Hits[0].ID, res.Hits[0].Title)
			}
			if q.Count && res.Total != 100 {
				t.Errorf("Search(%+v): total %d, want 100", q, res.Total)
			}
		}
	})
}

// TestTypoOnlyUnknown: a word the vocabulary knows is not corrected (it is
// what was meant), an unknown one is, and so is an unknown last word that
// no vocabulary word starts with.
func TestTypoOnlyUnknown(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		x := buildIndex(t, d)
		ctx := context.Background()
		p := newPlan("Zepce Zavidovuci Trebnje")
		known, err := x.knownTerms(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if !known[0] || known[1] || known[2] {
			t.Errorf("known = %v, want only zepce", known)
		}
		p = newPlan("Trebinje Zavido") // a known prefix
		if known, err = x.knownTerms(ctx, p); err != nil || !known[0] || !known[1] {
			t.Errorf("known = %v, %v, want both", known, err)
		}
		res, err := x.Search(ctx, Query{Text: "Zavidovuci"})
		if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "ba-fbih-zavidovici" || !res.Corrected || !res.Hits[0].Typo {
			t.Errorf("Zavidovuci: %+v %v", res, err)
		}
		// "Zepce" has one hit, fewer than ten, but is known: no correction.
		res, err = x.Search(ctx, Query{Text: "Zepce"})
		if err != nil || res.Corrected {
			t.Errorf("Zepce: corrected %v, %v", res.Corrected, err)
		}
	})
}

// TestDrift: a document a source hands over and the index lacks, and one
// the index holds and no source hands over, are both found.
func TestDrift(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		x := New(d)
		ids := []string{"a", "b", "c"}
		x.AddSource("organisation", func(ctx context.Context, q db.Querier, put func(Document) error) error {
			for _, id := range ids {
				if err := put(Document{Type: "organisation", ID: id, Title: "Udruženje " + id, URL: "/o/" + id}); err != nil {
					return err
				}
			}
			return nil
		})
		if _, err := x.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		// A type without a source is never drift.
		if err := x.Upsert(ctx, d, Document{Type: "initiative", ID: "i", Title: "Klupa", URL: "/i"}); err != nil {
			t.Fatal(err)
		}
		if got, err := x.Drift(ctx); err != nil || len(got) != 0 {
			t.Fatalf("in step: %v %v", got, err)
		}
		if err := x.Delete(ctx, d, "organisation", "b"); err != nil {
			t.Fatal(err)
		}
		ids = []string{"a", "b"} // c's record is gone, its document stays
		got, err := x.Drift(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []Drift{{Type: "organisation", ID: "b", Missing: true}, {Type: "organisation", ID: "c"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Drift (-want +got):\n%s", diff)
		}
	})
}
