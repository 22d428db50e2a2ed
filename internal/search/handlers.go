package search

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// PlaceNames names places for the LSG facet (the places module
// implements it): the Latin and Cyrillic name of the place of code.
type PlaceNames interface {
	PlaceName(ctx context.Context, code string) (latin, cyrillic string, err error)
}

type handlers struct {
	cat    *i18n.Catalog
	srv    *web.Server
	x      *Index
	places PlaceNames
}

// Path is the results page's path (the header's search box submits to it).
const Path = "/search"

// PerPage is the number of results on one page of the results page.
const PerPage = 20

// Register adds the search pages and API and the header's search box:
//
//	GET /{lang}/search?q=&type=&lsg=&year=&page=   results with facets
//	GET /api/v1/search?q=&type=&lsg=&year=&limit=   results as JSON
//	GET /api/v1/search/suggest?q=&limit=            the search box's suggestions
func Register(srv *web.Server, cat *i18n.Catalog, x *Index, pl PlaceNames) error {
	if err := srv.Render.Register("search", templateFS, "templates"); err != nil {
		return fmt.Errorf("search.Register: %w", err)
	}
	h := &handlers{cat: cat, srv: srv, x: x, places: pl}
	srv.Page("GET "+Path, h.page)
	srv.Handle("GET /api/v1/search", h.api)
	srv.Handle("GET /api/v1/search/suggest", h.suggest)
	return nil
}

// params reads the query and filters of a request; values that make no
// sense are ignored (a filter on a year "abc" is no filter).
func params(r *http.Request) Query {
	v := r.URL.Query()
	q := Query{Text: v.Get("q"), Type: token(v.Get("type")), LSG: token(v.Get("lsg"))}
	if y, err := strconv.Atoi(v.Get("year")); err == nil && y >= 1900 && y <= 2200 {
		q.Year = y
	}
	return q
}

// token keeps a filter value made of [a-z0-9-_] (types and place codes), else "".
func token(s string) string {
	if len(s) > 64 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return s
}

// facetLink is one value of a facet on the results page.
type facetLink struct {
	Value   string
	Label   string // a catalogue key (types) or a name
	Cyr     string // the Cyrillic name of a place
	Count   int
	Href    string // the results with this value (or without it, when Current)
	Current bool
}

type pageData struct {
	Query   Query
	Text    string // the query as searched
	Results Results
	Types   []facetLink
	LSGs    []facetLink
	Years   []facetLink
	Page    int
	Prev    string
	Next    string
	Filters bool // a filter is set
	// TypeKeys are the types with a catalogue key "search.type.<type>".
	TypeKeys map[string]bool
}

// knownTypes have a catalogue key "search.type.<type>".
var knownTypes = map[string]bool{"place": true, "organisation": true, "project": true, "initiative": true, "call": true, "article": true, "platform": true, "event": true}

func (h *handlers) page(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := params(r)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), MaxLimit/PerPage)
	q.Limit, q.Offset, q.Count = PerPage, (page-1)*PerPage, true
	res, err := h.x.Search(ctx, q)
	if err != nil {
		return err
	}
	d := pageData{Query: q, Text: res.Query, Results: res, Page: page, Filters: q.Type != "" || q.LSG != "" || q.Year != 0, TypeKeys: knownTypes}
	link := func(typ, lsg string, year, page int) string {
		v := url.Values{"q": {res.Query}}
		if typ != "" {
			v.Set("type", typ)
		}
		if lsg != "" {
			v.Set("lsg", lsg)
		}
		if year != 0 {
			v.Set("year", strconv.Itoa(year))
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return Path + "?" + v.Encode()
	}
	for _, f := range res.Facets.Types {
		l := facetLink{Value: f.Value, Label: f.Value, Count: f.Count, Current: f.Value == q.Type}
		if knownTypes[f.Value] {
			l.Label = "search.type." + f.Value
		}
		l.Href = link(map[bool]string{true: "", false: f.Value}[l.Current], q.LSG, q.Year, 1)
		d.Types = append(d.Types, l)
	}
	for i, f := range res.Facets.LSGs {
		if i == 12 && f.Value != q.LSG {
			continue
		}
		l := facetLink{Value: f.Value, Label: f.Value, Count: f.Count, Current: f.Value == q.LSG}
		if lat, cyr, err := h.places.PlaceName(ctx, f.Value); err == nil {
			l.Label, l.Cyr = lat, cyr
		}
		l.Href = link(q.Type, map[bool]string{true: "", false: f.Value}[l.Current], q.Year, 1)
		d.LSGs = append(d.LSGs, l)
	}
	for _, f := range res.Facets.Years {
		y, _ := strconv.Atoi(f.Value)
		l := facetLink{Value: f.Value, Label: f.Value, Count: f.Count, Current: y == q.Year}
		l.Href = link(q.Type, q.LSG, map[bool]int{true: 0, false: y}[l.Current], 1)
		d.Years = append(d.Years, l)
	}
	if page > 1 {
		d.Prev = link(q.Type, q.LSG, q.Year, page-1)
	}
	if res.Total > page*PerPage && page < MaxLimit/PerPage {
		d.Next = link(q.Type, q.LSG, q.Year, page+1)
	}
	return h.srv.Render.Page(w, r, "search/results", d)
}

// apiHit is one result in the JSON API.
type apiHit struct {
	Type       string    `json:"type"`
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	URL        string    `json:"url"`
	Snippet    string    `json:"snippet"`
	Score      float64   `json:"score"`
	LSG        string    `json:"lsg,omitempty"`
	Year       int       `json:"year,omitempty"`
	Highlights []Segment `json:"highlights,omitempty"`
	Corrected  bool      `json:"corrected,omitempty"`
}

type apiResults struct {
	Query   string   `json:"query"`
	Total   int      `json:"total"`
	More    bool     `json:"more,omitempty"`
	Results []apiHit `json:"results"`
}

func (h *handlers) api(w http.ResponseWriter, r *http.Request) error {
	q := params(r)
	q.Limit, _ = strconv.Atoi(r.URL.Query().Get("limit"))
	if q.Limit <= 0 {
		q.Limit = 10
	}
	q.Count = true
	res, err := h.x.Search(r.Context(), q)
	if err != nil {
		return err
	}
	out := apiResults{Query: res.Query, Total: res.Total, More: res.More, Results: []apiHit{}}
	l := web.APILocale(r)
	for _, hit := range res.Hits {
		out.Results = append(out.Results, apiHit{Type: hit.Type, ID: hit.ID, Title: inScript(l, hit.Title), URL: "/" + l + hit.URL,
			Snippet: hit.SnippetText(), Score: float64(int(hit.Score*1000)) / 1000, LSG: hit.LSG, Year: hit.Year, Highlights: hit.Snippet, Corrected: hit.Typo})
	}
	w.Header().Set("Cache-Control", "public, max-age=10")
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

type apiSuggestion struct {
	Type  string    `json:"type"`
	Title string    `json:"title"`
	URL   string    `json:"url"`
	Parts []Segment `json:"parts"`
}

func (h *handlers) suggest(w http.ResponseWriter, r *http.Request) error {
	text := r.URL.Query().Get("q")
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	out := []apiSuggestion{}
	if len([]rune(strings.TrimSpace(text))) >= 2 {
		sug, err := h.x.Suggest(r.Context(), text, limit)
		if err != nil {
			return err
		}
		l := web.APILocale(r)
		for _, s := range sug {
			out = append(out, apiSuggestion{Type: s.Type, Title: inScript(l, s.Title), URL: "/" + l + s.URL, Parts: partsInScript(l, s.TitleHL)})
		}
	}
	// status is read out by screen readers when the list changes.
	status := h.cat.Printer(web.APILocale(r)).N("search.suggest.count", len(out))
	w.Header().Set("Cache-Control", "public, max-age=30")
	web.WriteJSON(w, http.StatusOK, map[string]any{"query": clip(clean(text), 400), "suggestions": out, "status": status})
	return nil
}

// inScript shows Serbian text in the script of a Serbian locale.
func inScript(lang, s string) string {
	switch lang {
	case "sr-Cyrl":
		return translit.ForScript(s, "Cyrl")
	case "sr-Latn":
		return translit.ForScript(s, "Latn")
	}
	return s
}

func partsInScript(lang string, segs []Segment) []Segment {
	out := make([]Segment, len(segs))
	for i, s := range segs {
		out[i] = Segment{Text: inScript(lang, s.Text), Match: s.Match}
	}
	return out
}
