package search

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/db/fts"
	"github.com/dijalog/dijalog/internal/translit"
)

// Query limits: longer queries are cut, never refused.
const (
	MaxQueryRunes = 200 // runes of query text considered
	maxTerms      = 8   // query words considered
	maxTermBytes  = 64  // longer words are ignored
	MaxLimit      = 100 // results per call
	maxTotal      = 10000
	maxCandidates = 200
)

// Query is one search.
type Query struct {
	Text   string // as typed: any script, case, diacritics; any bytes
	Type   string // only documents of this type ("" for all)
	LSG    string // only documents of this LSG ("" for all)
	Year   int    // only documents of this year (0 for all)
	Limit  int    // results wanted (default 10, at most MaxLimit)
	Offset int    // results to skip (at most MaxLimit)
	// Count asks for Total and Facets (one more query).
	Count bool
}

// Segment is a piece of original text; Match marks a piece that matched
// the query (shown highlighted).
type Segment struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// Hit is one result.
type Hit struct {
	Type    string
	ID      string
	LSG     string
	Lang    string
	Year    int
	Title   string    // as written
	URL     string    // path without the locale prefix
	Score   float64   // higher is better
	TitleHL []Segment // the title, with its matches marked
	Snippet []Segment // a piece of another field around its first match ("" when none)
	Typo    bool      // found through a corrected word
}

// SnippetText is the snippet as plain text.
func (h Hit) SnippetText() string { return segmentsText(h.Snippet) }

// FacetCount is a value of a facet with the number of matching documents.
type FacetCount struct {
	Value string
	Count int
}

// Facets count the matching documents by type, LSG and year.
type Facets struct {
	Types, LSGs, Years []FacetCount
}

// Results is the answer to a Query.
type Results struct {
	Query     string // the query text as searched (cleaned and cut)
	Hits      []Hit
	Total     int  // matching documents (with Count), at most maxTotal
	More      bool // Total was cut at maxTotal
	Facets    Facets
	Corrected bool // the typo fallback added corrected words
}

// term is one query word with its alternatives, as search keys (L).
type term struct {
	word   string   // the word's search key
	strict string   // its strict key
	alts   []string // other exact forms: aliases
	prefix bool     // the last word: also matches keys that start with it
	typos  []string // corrections, from the fallback
}

// plan is a folded query.
type plan struct {
	text    string
	cyrl    bool // typed in Cyrillic
	terms   []term
	key     string     // the words' search keys joined by spaces
	compact string     // the words joined without spaces (2+ words), matched as a prefix
	phrases [][]string // several-word aliases of the whole query
}

// newPlan folds a query. It returns a plan without terms when nothing
// searchable is left.
func newPlan(text string) *plan {
	text = clean(text)
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		text = string([]rune(text)[:MaxQueryRunes])
	}
	text = strings.TrimSpace(text)
	p := &plan{text: text, cyrl: translit.HasCyrillic(text)}
	strict := strings.Fields(translit.Fold(text).Strict)
	var words []string
	for _, s := range strict {
		if len(s) > maxTermBytes || !safeToken(s) {
			continue
		}
		words = append(words, s)
		if len(words) == maxTerms {
			break
		}
	}
	for i, s := range words {
		l := searchKey(s)
		t := term{word: l, strict: s, alts: aliasesOf(l)}
		// The last word is a prefix, unless it is a lone letter.
		t.prefix = i == len(words)-1 && (len(l) >= 2 || len(words) > 1)
		p.terms = append(p.terms, t)
	}
	keys := make([]string, len(p.terms))
	for i, t := range p.terms {
		keys[i] = t.word
	}
	p.key = strings.Join(keys, " ")
	if len(keys) >= 2 {
		p.compact = strings.Join(keys, "")
		p.phrases = phraseAliases(p.key)
	}
	return p
}

// safeToken reports whether t is a key token: [a-z0-9]+. The fold only
// makes such tokens for Latin, Cyrillic and Greek text; other scripts'
// letters are left out of queries (they never reach the engine).
func safeToken(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// expr writes the engine's query: every word (or one of its
// alternatives), or the compact form, or a several-word alias.
func (p *plan) expr(syn fts.Syntax) string {
	and, or, quote, pre := syn.And, syn.Or, syn.Quote, syn.Prefix
	var groups []string
	for _, t := range p.terms {
		var alts []string
		if t.prefix {
			alts = append(alts, pre(t.word))
		} else {
			alts = append(alts, quote(t.word))
		}
		for _, a := range t.alts {
			alts = append(alts, quote(a))
		}
		for _, a := range t.typos {
			alts = append(alts, quote(a))
		}
		groups = append(groups, "("+strings.Join(alts, or)+")")
	}
	all := []string{"(" + strings.Join(groups, and) + ")"}
	if p.compact != "" {
		all = append(all, pre(p.compact))
	}
	for _, ph := range p.phrases {
		var ws []string
		for _, w := range ph {
			if safeToken(w) {
				ws = append(ws, quote(w))
			}
		}
		if len(ws) > 0 {
			all = append(all, "("+strings.Join(ws, and)+")")
		}
	}
	return strings.Join(all, or)
}

// filters returns the SQL conditions and arguments of the query's filters.
func (q Query) filters() (string, []any) {
	var sb strings.Builder
	var args []any
	if q.Type != "" {
		sb.WriteString(" AND d.doc_type = ?")
		args = append(args, q.Type)
	}
	if q.LSG != "" {
		sb.WriteString(" AND d.lsg = ?")
		args = append(args, q.LSG)
	}
	if q.Year != 0 {
		sb.WriteString(" AND d.year = ?")
		args = append(args, q.Year)
	}
	return sb.String(), args
}

// candidate is a document the engine found, before re-ranking.
type candidate struct {
	id     int64
	hit    Hit
	script string
	keys   []fieldKeys
	raw    string // keys as stored (JSON), until decoded
	order  int
}

// maxRanked bounds the ranking of a broad query in SQL: only its first
// maxRanked matches (in index order) are ranked, so that a two-letter
// prefix over a million documents costs about what a name costs.
const maxRanked = 2000

// candidates asks the engine for the best n documents of the plan, in two
// stages. First the matches in index order, unranked: when there are at
// most n (most queries for a name), they are all the candidates and the Go
// re-rank orders them. Only a broader query is ranked by the engine,
// cheaply, among its first maxRanked matches, in one or more passes (see
// fts.Engine.Ranked) until n are found.
func (x *Index) candidates(ctx context.Context, p *plan, q Query, n int) ([]*candidate, error) {
	cond, fargs := q.filters()
	expr := p.expr(x.fts.Syntax())
	const cols = `d.id, d.doc_type, d.doc_id, d.lsg, d.lang, d.year, d.title, d.url, d.script, d.keys`
	out, err := x.scanCandidates(ctx, x.fts.Matches(cols, cond), append(append([]any{expr}, fargs...), n+1)...)
	if err != nil {
		return nil, err
	}
	if len(out) <= n {
		return out, decodeKeys(out)
	}
	out = out[:0]
	seen := map[int64]bool{}
	for _, pass := range x.fts.Ranked(cols, cond, expr) {
		if len(out) >= n {
			break
		}
		more, err := x.scanCandidates(ctx, pass.Query, append(append(pass.Args, fargs...), maxRanked, n)...)
		if err != nil {
			return nil, err
		}
		for _, c := range more {
			if len(out) < n && !seen[c.id] {
				seen[c.id] = true
				c.order = len(out)
				out = append(out, c)
			}
		}
	}
	return out, decodeKeys(out)
}

// decodeKeys decodes the stored keys of the candidates.
func decodeKeys(cs []*candidate) error {
	for _, c := range cs {
		if err := json.Unmarshal([]byte(c.raw), &c.keys); err != nil {
			return fmt.Errorf("keys of %s/%s: %w", c.hit.Type, c.hit.ID, err)
		}
		c.raw = ""
	}
	return nil
}

// scanCandidates runs a candidates query.
func (x *Index) scanCandidates(ctx context.Context, query string, args ...any) ([]*candidate, error) {
	rows, err := x.fts.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*candidate
	for rows.Next() {
		c := &candidate{order: len(out)}
		if err := rows.Scan(&c.id, &c.hit.Type, &c.hit.ID, &c.hit.LSG, &c.hit.Lang, &c.hit.Year, &c.hit.Title, &c.hit.URL, &c.script, &c.raw); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// count counts the matching documents (up to maxTotal) by type, LSG and year.
func (x *Index) count(ctx context.Context, p *plan, q Query) (int, bool, Facets, error) {
	cond, fargs := q.filters()
	query := x.fts.Matches(`d.doc_type, d.lsg, d.year`, cond)
	args := append(append([]any{p.expr(x.fts.Syntax())}, fargs...), maxTotal+1)
	rows, err := x.fts.Query(ctx, query, args...)
	if err != nil {
		return 0, false, Facets{}, err
	}
	defer rows.Close()
	types, lsgs, years := map[string]int{}, map[string]int{}, map[string]int{}
	n := 0
	for rows.Next() {
		var t, lsg string
		var y int
		if err := rows.Scan(&t, &lsg, &y); err != nil {
			return 0, false, Facets{}, err
		}
		if n++; n > maxTotal {
			break
		}
		types[t]++
		if lsg != "" {
			lsgs[lsg]++
		}
		if y != 0 {
			years[fmt.Sprint(y)]++
		}
	}
	if err := rows.Err(); err != nil {
		return 0, false, Facets{}, err
	}
	f := Facets{Types: facetList(types, false), LSGs: facetList(lsgs, false), Years: facetList(years, true)}
	return min(n, maxTotal), n > maxTotal, f, nil
}

// facetList sorts a facet by count (or by value, newest first, for years).
func facetList(m map[string]int, byValue bool) []FacetCount {
	out := make([]FacetCount, 0, len(m))
	for v, n := range m {
		out = append(out, FacetCount{Value: v, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if byValue {
			return out[i].Value > out[j].Value
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// typos finds, for every word of 5+ letters, the indexed words at most 1
// (9+ letters: 2) edits away, and adds them as alternatives. It reports
// whether it added any.
//
// Only words the vocabulary does not know are corrected (for the last
// word: no vocabulary word starts with it): a known word is what was
// meant, and looking up its neighbours costs a lookup per deletion and a
// second, broader query for nothing.
func (x *Index) typos(ctx context.Context, p *plan) (bool, error) {
	known, err := x.knownTerms(ctx, p)
	if err != nil {
		return false, err
	}
	added := false
	for i := range p.terms {
		t := &p.terms[i]
		maxd := maxTypos(len(t.word))
		if maxd == 0 || known[i] {
			continue
		}
		cands, err := x.fts.Similar(ctx, t.word, maxd)
		if err != nil {
			return false, err
		}
		for _, c := range cands {
			if c == t.word || contains(t.alts, c) || contains(t.typos, c) || !safeToken(c) {
				continue
			}
			if fts.EditDistance(t.word, c, maxd) <= maxd {
				t.typos = append(t.typos, c)
				added = true
			}
		}
		if len(t.typos) > 20 {
			t.typos = t.typos[:20]
		}
	}
	return added, nil
}

// knownTerms reports, for every word of the plan that could be corrected,
// whether the vocabulary knows it (or one of its aliases), in one query.
func (x *Index) knownTerms(ctx context.Context, p *plan) (map[int]bool, error) {
	known := map[int]bool{}
	var parts []string
	var args []any
	for i, t := range p.terms {
		if maxTypos(len(t.word)) == 0 {
			continue
		}
		if len(t.alts) > 0 {
			known[i] = true
			continue
		}
		cond, cargs := x.fts.KnownTerm(t.word, t.prefix)
		args = append(args, cargs...)
		parts = append(parts, fmt.Sprintf(`SELECT %d WHERE EXISTS (%s)`, i, cond))
	}
	if len(parts) == 0 {
		return known, nil
	}
	rows, err := x.fts.Query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		known[i] = true
	}
	return known, rows.Err()
}

// Search runs a query. Any text is a valid query: what cannot be searched
// is ignored, and a query with nothing left gives no results, not an error.
func (x *Index) Search(ctx context.Context, q Query) (Results, error) {
	res, err := x.search(ctx, q, true)
	if err != nil {
		return Results{}, fmt.Errorf("search.Index.Search: %w", err)
	}
	return res, nil
}

func (x *Index) search(ctx context.Context, q Query, snippets bool) (Results, error) {
	p := newPlan(q.Text)
	res := Results{Query: p.text}
	if len(p.terms) == 0 {
		return res, nil
	}
	q.Limit = min(max(q.Limit, 0), MaxLimit)
	if q.Limit == 0 {
		q.Limit = 10
	}
	q.Offset = min(max(q.Offset, 0), MaxLimit)
	want := q.Offset + q.Limit
	n := min(max(50, 3*want), maxCandidates)
	cands, err := x.candidates(ctx, p, q, n)
	if err != nil {
		return res, err
	}
	if len(cands) < want {
		added, err := x.typos(ctx, p)
		if err != nil {
			return res, err
		}
		if added {
			more, err := x.candidates(ctx, p, q, n)
			if err != nil {
				return res, err
			}
			seen := map[int64]bool{}
			for _, c := range cands {
				seen[c.id] = true
			}
			for _, c := range more {
				if !seen[c.id] {
					c.order += len(cands)
					c.hit.Typo = true
					cands = append(cands, c)
				}
			}
			res.Corrected = len(cands) > 0
		}
	}
	for _, c := range cands {
		c.hit.Score = p.score(c, len(cands))
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].hit.Score > cands[j].hit.Score })
	if q.Offset < len(cands) {
		cands = cands[q.Offset:min(len(cands), want)]
	} else {
		cands = nil
	}
	if err := x.highlight(ctx, p, cands, snippets); err != nil {
		return res, err
	}
	for _, c := range cands {
		res.Hits = append(res.Hits, c.hit)
	}
	if q.Count {
		res.Total, res.More, res.Facets, err = x.count(ctx, p, q)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// highlight marks the matches in the hits' titles and builds their snippets
// from the stored original texts.
func (x *Index) highlight(ctx context.Context, p *plan, cands []*candidate, snippets bool) error {
	if len(cands) == 0 {
		return nil
	}
	m := p.matcher()
	byID := map[int64]*candidate{}
	args := make([]any, len(cands))
	for i, c := range cands {
		byID[c.id] = c
		args[i] = c.id
		c.hit.TitleHL = m.segments(c.hit.Title)
	}
	if !snippets {
		return nil
	}
	// The IN list is padded (with the last id) to a few lengths, so that
	// its statement is prepared once per length.
	n := 10
	for n < len(args) {
		n *= 2
	}
	for len(args) < n {
		args = append(args, args[len(args)-1])
	}
	rows, err := x.fts.Query(ctx, `SELECT id, fields FROM search_docs WHERE id IN (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var fields string
		if err := rows.Scan(&id, &fields); err != nil {
			return err
		}
		var sf []storedField
		if err := json.Unmarshal([]byte(fields), &sf); err != nil {
			return fmt.Errorf("fields of document %d: %w", id, err)
		}
		if c := byID[id]; c != nil {
			c.hit.Snippet = m.snippet(sf, c.hit.Title)
		}
	}
	return rows.Err()
}

// Suggestion is one entry of the search box's list.
type Suggestion struct {
	Type    string
	ID      string
	Title   string
	URL     string
	TitleHL []Segment
}

// Suggest returns up to limit documents for a partly typed query (the
// last word is a prefix), best first, without snippets or counts.
func (x *Index) Suggest(ctx context.Context, text string, limit int) ([]Suggestion, error) {
	if limit <= 0 || limit > 20 {
		limit = 8
	}
	res, err := x.search(ctx, Query{Text: text, Limit: limit}, false)
	if err != nil {
		return nil, fmt.Errorf("search.Index.Suggest: %w", err)
	}
	out := make([]Suggestion, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, Suggestion{Type: h.Type, ID: h.ID, Title: h.Title, URL: h.URL, TitleHL: h.TitleHL})
	}
	return out, nil
}

// Types lists the document types in the index, for the type facet.
func (x *Index) Types(ctx context.Context) ([]string, error) {
	rows, err := x.d.QueryContext(ctx, `SELECT DISTINCT doc_type FROM search_docs ORDER BY doc_type`)
	if err != nil {
		return nil, fmt.Errorf("search.Index.Types: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("search.Index.Types: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
