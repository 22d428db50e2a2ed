// Command search measures the search index (internal/search) against a
// baseline on a deterministic corpus of mixed-script documents with ground
// truth by construction: every document names one person (first name +
// surname, a unique pair per place) and one place, written in Latin,
// Cyrillic, ASCII without diacritics or with "dj" for đ; every query looks
// for one document's person and place in one of seven styles (exact Latin,
// Cyrillic, no diacritics, dj/d, Macedonian Cyrillic, prefix, one typo).
//
//	go run ./bench/search                               # 20,000 docs, SQLite only
//	go run ./bench/search -docs 100000 -queries 7000 -pg postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//
// It prints recall@10, MRR, p50/p99 latency, index size and build time for
// ours on SQLite (and PostgreSQL with -pg) and for the baseline: plain
// SQLite FTS5 (unicode61 remove_diacritics 2) on the raw text, queried with
// its words and a prefix on the last one. Bleve is not measured (not a
// dependency of the platform; see docs/perf/search.md).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/translit"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

var firstNames = strings.Fields(`Đorđe Đurđa Ljubica Njegoslav Živko Željka Čedomir Ćamil Šemsa Džemal Milorad Dragana Nikola Jovana Marko Ana Petar Milica Stefan Jelena
Amir Amra Emir Lejla Haris Selma Adnan Ajla Tarik Merima Ivan Ivana Josip Marija Ante Kata Luka Lucija Mate Nives
Goran Gordana Zoran Zorica Dejan Snježana Dražen Vesna Branko Branka Boris Biljana Saša Sanja Nenad Nevena Vladimir Vlatka Đuro Radoslav
Mirsad Mirela Senad Senada Kemal Kenan Aida Alen Almir Alma Edin Elma Fikret Fatima Hamza Hana Irfan Indira Jasmin Jasmina`)

var stems = strings.Fields(`Đurđev Petrov Jovanov Nikol Marković Kovač Hodž Begov Delić Softić Šarić Čolak Ćosić Žuljev Babić Mujanov Hadžić Salihov Tomaš Pavlov
Mitrov Stojanov Ilijev Todorov Simeunov Lazarev Radov Vukov Bogdanov Filipov Knežev Kostov Gavrilov Đokov Milošev Zlatanov Spasov Despotov Rakić Brkić`)

var suffixes = []string{"ić", "ović", "ski", "ac"}

var placeNames = strings.Fields(`Banja_Luka Mostar Sarajevo Tuzla Zenica Bihać Trebinje Prijedor Doboj Bijeljina Žepče Zavidovići Brčko Goražde Travnik Livno Konjic Jajce Gradiška Derventa
Modriča Šamac Odžak Orašje Foča Višegrad Srebrenica Zvornik Bratunac Vlasenica Kiseljak Kreševo Fojnica Busovača Vitez Novi_Travnik Bugojno Donji_Vakuf Gornji_Vakuf Prozor
Čapljina Čitluk Ljubuški Posušje Grude Široki_Brijeg Stolac Neum Ravno Ljubinje Bileća Gacko Nevesinje Berkovići Kalinovik Trnovo Pale Sokolac Rogatica Rudo
Đurđevac Kičevo Skopje Tetovo Gostivar Ohrid Bitola Prilep Kumanovo Štip Veles Strumica Kočani Kavadarci Struga Debar Gevgelija Negotino Radoviš Kratovo`)

var bodyWords = strings.Fields(`udruženje građana lokalna zajednica projekat inicijativa mladi aktivisti dijaloška platforma općina opština sufinansiranje javni poziv
obuka trening volonteri škola park igralište rasvjeta biblioteka sport kultura okoliš otpad reciklaža voda cesta most tržnica zdravlje starije osobe
žene poduzetništvo zapošljavanje turizam poljoprivreda digitalizacija transparentnost budžet savjet forum saradnja partnerstvo donator evropska unija`)

// doc is one generated document and how it is written.
type doc struct {
	id                 string
	first, last, place string // as written (Latin with diacritics)
	style              int    // 0 Latin, 1 Cyrillic, 2 ASCII, 3 dj
	body               string
}

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// ascii drops diacritics; đ becomes d (as people type without a BCS keyboard).
func ascii(s string) string {
	s = strings.NewReplacer("đ", "d", "Đ", "D").Replace(s)
	out, _, _ := transform.String(stripMarks, s)
	return out
}

func dj(s string) string {
	s = strings.NewReplacer("đ", "dj", "Đ", "Dj").Replace(s)
	out, _, _ := transform.String(stripMarks, s)
	return out
}

// macedonian writes Latin BCS as Macedonian Cyrillic (ћ→ќ, ђ→ѓ).
func macedonian(s string) string {
	return strings.NewReplacer("ћ", "ќ", "Ћ", "Ќ", "ђ", "ѓ", "Ђ", "Ѓ").Replace(translit.ToCyrillic(s))
}

func render(s string, style int) string {
	switch style {
	case 1:
		return translit.ToCyrillic(s)
	case 2:
		return ascii(s)
	case 3:
		return dj(s)
	}
	return s
}

func generate(n int, rng *rand.Rand) []doc {
	var surnames []string
	for _, st := range stems {
		for _, suf := range suffixes {
			surnames = append(surnames, st+suf)
		}
	}
	cap := len(firstNames) * len(surnames) * len(placeNames)
	if n > cap {
		fmt.Fprintf(os.Stderr, "at most %d documents\n", cap)
		os.Exit(2)
	}
	// A random permutation of the (first, surname, place) space: unique triples.
	perm := rng.Perm(cap)[:n]
	docs := make([]doc, n)
	for i, k := range perm {
		f := firstNames[k%len(firstNames)]
		k /= len(firstNames)
		s := surnames[k%len(surnames)]
		k /= len(surnames)
		p := strings.ReplaceAll(placeNames[k], "_", " ")
		var body []string
		for j := 0; j < 12+rng.IntN(12); j++ {
			body = append(body, bodyWords[rng.IntN(len(bodyWords))])
		}
		docs[i] = doc{id: fmt.Sprintf("d%07d", i), first: f, last: s, place: p, style: rng.IntN(4), body: strings.Join(body, " ")}
	}
	return docs
}

func (d doc) document() search.Document {
	title := render(d.first+" "+d.last, d.style)
	return search.Document{Type: "person", ID: d.id, Title: title, URL: "/people/" + d.id, Fields: []search.Field{
		{Name: "title", Text: title, Weight: 4, IsName: true},
		{Name: "names", Text: render(d.place, d.style), Weight: 3, IsName: true},
		{Name: "body", Text: render(d.body, d.style), Weight: 1},
	}}
}

// styles of queries, in the order of the table.
var styles = []string{"exact Latin", "Cyrillic", "no diacritics", "dj/d", "Macedonian", "prefix", "one typo"}

type query struct {
	style  int
	text   string
	target string
}

func typo(s string, rng *rand.Rand) string {
	r := []rune(s)
	i := 1 + rng.IntN(len(r)-2)
	switch rng.IntN(3) {
	case 0: // substitution
		r[i] = 'x'
	case 1: // deletion
		r = append(r[:i], r[i+1:]...)
	default: // transposition
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

func queries(docs []doc, n int, rng *rand.Rand) []query {
	out := make([]query, 0, n)
	for i := 0; i < n; i++ {
		st := i % len(styles)
		d := docs[rng.IntN(len(docs))]
		if st == 3 { // dj/d: a person with đ in the name when there is one
			for tries := 0; tries < 50 && !strings.ContainsAny(d.first+d.last+d.place, "đĐ"); tries++ {
				d = docs[rng.IntN(len(docs))]
			}
		}
		full := d.first + " " + d.last + " " + d.place
		var t string
		switch st {
		case 0:
			t = full
		case 1:
			t = translit.ToCyrillic(full)
		case 2:
			t = ascii(full)
		case 3:
			if rng.IntN(2) == 0 {
				t = dj(full)
			} else {
				t = ascii(full)
			}
		case 4:
			t = macedonian(full)
		case 5:
			pr := []rune(d.place)
			t = d.first + " " + d.last + " " + string(pr[:min(len(pr), 4)])
		case 6:
			t = d.first + " " + typo(d.last, rng) + " " + d.place
		}
		out = append(out, query{style: st, text: t, target: d.id})
	}
	return out
}

// engine is one searcher under test.
type engine struct {
	name   string
	build  func(ctx context.Context, docs []doc) error
	search func(ctx context.Context, q string) ([]string, error)
	size   func(ctx context.Context) (int64, error)
}

func ours(name string, d *db.DB, sizeFn func(ctx context.Context) (int64, error)) engine {
	x := search.New(d)
	return engine{name: name,
		build: func(ctx context.Context, docs []doc) error {
			x.AddSource("person", func(ctx context.Context, q db.Querier, put func(search.Document) error) error {
				for _, dc := range docs {
					if err := put(dc.document()); err != nil {
						return err
					}
				}
				return nil
			})
			_, err := x.Reindex(ctx)
			return err
		},
		search: func(ctx context.Context, q string) ([]string, error) {
			res, err := x.Search(ctx, search.Query{Text: q, Limit: 10})
			if err != nil {
				return nil, err
			}
			ids := make([]string, len(res.Hits))
			for i, h := range res.Hits {
				ids[i] = h.ID
			}
			return ids, nil
		},
		size: sizeFn,
	}
}

func baseline(path string) (engine, error) {
	s, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return engine{}, err
	}
	return engine{name: "baseline FTS5 unicode61 rd2",
		build: func(ctx context.Context, docs []doc) error {
			if _, err := s.ExecContext(ctx, `CREATE VIRTUAL TABLE base USING fts5(id UNINDEXED, title, names, body, tokenize = 'unicode61 remove_diacritics 2')`); err != nil {
				return err
			}
			tx, err := s.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			st, err := tx.PrepareContext(ctx, `INSERT INTO base (id, title, names, body) VALUES (?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			for _, d := range docs {
				dd := d.document()
				if _, err := st.ExecContext(ctx, d.id, dd.Title, dd.Fields[1].Text, dd.Fields[2].Text); err != nil {
					return err
				}
			}
			return tx.Commit()
		},
		search: func(ctx context.Context, q string) ([]string, error) {
			words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if len(words) == 0 {
				return nil, nil
			}
			for i, w := range words {
				words[i] = `"` + w + `"`
			}
			words[len(words)-1] += "*"
			rows, err := s.QueryContext(ctx, `SELECT id FROM base WHERE base MATCH ? ORDER BY rank LIMIT 10`, strings.Join(words, " AND "))
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var ids []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return nil, err
				}
				ids = append(ids, id)
			}
			return ids, rows.Err()
		},
		size: func(context.Context) (int64, error) { return fileSize(path) },
	}, nil
}

func fileSize(path string) (int64, error) {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n, nil
}

type stat struct {
	hits, n int
	rr      float64
}

func run(ctx context.Context, e engine, docs []doc, qs []query) error {
	start := time.Now()
	if err := e.build(ctx, docs); err != nil {
		return fmt.Errorf("%s: build: %w", e.name, err)
	}
	build := time.Since(start)
	size, err := e.size(ctx)
	if err != nil {
		return err
	}
	per := make([]stat, len(styles))
	lat := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		t0 := time.Now()
		ids, err := e.search(ctx, q.text)
		lat = append(lat, time.Since(t0))
		if err != nil {
			return fmt.Errorf("%s: %q: %w", e.name, q.text, err)
		}
		s := &per[q.style]
		s.n++
		if i := slices.Index(ids, q.target); i >= 0 {
			s.hits++
			s.rr += 1 / float64(i+1)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("\n%s: %d docs, build %s, index %.1f MB, %d queries, p50 %s, p99 %s\n", e.name, len(docs), build.Round(time.Millisecond), float64(size)/1e6, len(qs), pct(0.5).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
	fmt.Printf("| %-14s | %9s | %6s |\n|---|---:|---:|\n", "style", "recall@10", "MRR")
	var all stat
	for i, s := range per {
		fmt.Printf("| %-14s | %9.3f | %6.3f |\n", styles[i], float64(s.hits)/float64(s.n), s.rr/float64(s.n))
		all.hits += s.hits
		all.n += s.n
		all.rr += s.rr
	}
	fmt.Printf("| %-14s | %9.3f | %6.3f |\n", "all", float64(all.hits)/float64(all.n), all.rr/float64(all.n))
	return nil
}

func main() {
	nDocs := flag.Int("docs", 20000, "documents")
	nQueries := flag.Int("queries", 7000, "queries (spread over 7 styles)")
	pg := flag.String("pg", "", "PostgreSQL server URL: also measure ours on PostgreSQL (in a fresh schema)")
	skipSQLite := flag.Bool("no-sqlite", false, "skip ours on SQLite and the baseline")
	flag.Parse()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2026, 11))
	docs := generate(*nDocs, rng)
	qs := queries(docs, *nQueries, rng)
	dir, err := os.MkdirTemp("", "dijalog-bench-search-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	var engines []engine
	if !*skipSQLite {
		path := filepath.Join(dir, "ours.db")
		d, err := db.Open(ctx, path)
		if err != nil {
			fail(err)
		}
		defer d.Close()
		if _, err := d.MigrateUp(ctx); err != nil {
			fail(err)
		}
		before, _ := fileSize(path)
		engines = append(engines, ours("ours, SQLite", d, func(ctx context.Context) (int64, error) {
			_, _ = d.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
			n, err := fileSize(path)
			return n - before, err
		}))
		b, err := baseline(filepath.Join(dir, "base.db"))
		if err != nil {
			fail(err)
		}
		engines = append(engines, b)
	}
	if *pg != "" {
		schema := fmt.Sprintf("bench_search_%d", time.Now().Unix())
		admin, err := sql.Open("pgx", *pg)
		if err != nil {
			fail(err)
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			fail(err)
		}
		defer admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		u, _ := url.Parse(*pg)
		v := u.Query()
		v.Set("search_path", schema+",public")
		u.RawQuery = v.Encode()
		d, err := db.Open(ctx, u.String())
		if err != nil {
			fail(err)
		}
		defer d.Close()
		if _, err := d.MigrateUp(ctx); err != nil {
			fail(err)
		}
		engines = append(engines, ours("ours, PostgreSQL", d, func(ctx context.Context) (int64, error) {
			var n int64
			err := d.QueryRowContext(ctx, `SELECT pg_total_relation_size('search_docs') + pg_total_relation_size('search_terms')`).Scan(&n)
			return n, err
		}))
	}
	fmt.Printf("corpus: %d documents (Latin, Cyrillic, ASCII, dj spellings), %d queries, seed 2026\n", len(docs), len(qs))
	for _, e := range engines {
		if err := run(ctx, e, docs, qs); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/search:", err)
	os.Exit(1)
}
