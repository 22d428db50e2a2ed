package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/i18n"
)

//go:embed all:templates
var shellFS embed.FS

// Renderer renders pages inside the shared layout. Each domain package
// registers its own templates; a page is named "pkg/file" (without ".html").
type Renderer struct {
	cat    *i18n.Catalog
	assets *Assets
	base   *template.Template
	pages  map[string]*template.Template
	zone   *time.Location
	nav    []NavItem
	search string // path of the search page ("/search"), "" for none
	share  *ShareOptions
}

// RenderOptions are the renderer's settings.
type RenderOptions struct {
	// SearchPath makes the header show a search box that submits to it
	// ("" for none).
	SearchPath string
	// Share turns on the Open Graph and Twitter card tags (nil: none).
	Share *ShareOptions
}

// NavItem is one entry of the main navigation, added by a module.
type NavItem struct {
	Key   string // catalogue key of the label
	Path  string // path without locale, e.g. "/projects"
	Group string // "" for a top-level entry, else the group's name ("community": its label is nav.community)
}

// NavGroup is a named group of entries, one menu in the header.
type NavGroup struct {
	Key   string // catalogue key of the label (nav.<group>)
	Items []NavItem
}

// AddNav appends an entry to the main navigation of every page.
func (r *Renderer) AddNav(key, path string) { r.nav = append(r.nav, NavItem{Key: key, Path: path}) }

// AddNavIn appends an entry to a group of the main navigation (news,
// events and surveys share "community"), so that the header stays one row
// on a desktop.
func (r *Renderer) AddNavIn(group, key, path string) {
	r.nav = append(r.nav, NavItem{Key: key, Path: path, Group: group})
}

// NewRenderer parses the layout and the shell's own pages.
func NewRenderer(cat *i18n.Catalog, assets *Assets, zone *time.Location, o RenderOptions) (*Renderer, error) {
	base, err := template.New("layout").Funcs(funcs()).ParseFS(shellFS, "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("web.NewRenderer: layout: %w", err)
	}
	r := &Renderer{cat: cat, assets: assets, base: base, pages: map[string]*template.Template{}, zone: zone, search: o.SearchPath, share: o.Share}
	if err := r.Register("web", shellFS, "templates"); err != nil {
		return nil, err
	}
	return r, nil
}

func funcs() template.FuncMap {
	return template.FuncMap{
		// dict builds a map for passing several values to a sub-template.
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
		"query":     url.QueryEscape,
		"hasPrefix": strings.HasPrefix,
		"int64":     func(n int) int64 { return int64(n) },
	}
}

// Register parses every page file (not starting with "_") in dir of fsys as
// a page "prefix/name", each with the layout and the package's "_*.html"
// partials.
func (r *Renderer) Register(prefix string, fsys fs.FS, dir string) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("web.Renderer.Register(%s): %w", prefix, err)
	}
	var partials []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "_") && strings.HasSuffix(e.Name(), ".html") && prefix != "web" {
			partials = append(partials, path.Join(dir, e.Name()))
		}
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, "_") || !strings.HasSuffix(name, ".html") {
			continue
		}
		t, err := r.base.Clone()
		if err != nil {
			return fmt.Errorf("web.Renderer.Register: clone: %w", err)
		}
		files := append(append([]string{}, partials...), path.Join(dir, name))
		if _, err := t.ParseFS(fsys, files...); err != nil {
			return fmt.Errorf("web.Renderer.Register(%s/%s): %w", prefix, name, err)
		}
		r.pages[prefix+"/"+strings.TrimSuffix(name, ".html")] = t
	}
	return nil
}

// Pages lists the registered page names (for tests).
func (r *Renderer) Pages() []string {
	out := make([]string, 0, len(r.pages))
	for k := range r.pages {
		out = append(out, k)
	}
	return out
}

// Page renders a page with status 200.
func (r *Renderer) Page(w http.ResponseWriter, req *http.Request, page string, data any) error {
	return r.PageStatus(w, req, http.StatusOK, page, data)
}

// PageStatus renders page into a buffer first, so a template error becomes a
// clean error page instead of half a page.
func (r *Renderer) PageStatus(w http.ResponseWriter, req *http.Request, status int, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("web.Renderer: no page %q", page)
	}
	v := r.NewView(req, data)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("web.Renderer: render %s: %w", page, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if v.st.Viewer != nil || v.csrfUsed {
		h.Set("Cache-Control", "private, no-store")
	}
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// Fragment renders the template name of page (a block, not the whole
// layout) for embedding in another package's page, such as a module's
// section on an LSG page.
func (r *Renderer) Fragment(req *http.Request, page, name string, data any) (template.HTML, error) {
	t, ok := r.pages[page]
	if !ok {
		return "", fmt.Errorf("web.Renderer.Fragment: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, r.NewView(req, data)); err != nil {
		return "", fmt.Errorf("web.Renderer.Fragment(%s, %s): %w", page, name, err)
	}
	return template.HTML(buf.String()), nil
}

// NewView builds the template data of a request.
func (r *Renderer) NewView(req *http.Request, data any) *View {
	st := StateOf(req)
	loc := st.Locale
	if !i18n.Supported(loc) {
		loc = i18n.Default
	}
	return &View{Printer: r.cat.Printer(loc), Data: data, req: req, st: st, r: r}
}

// View is what every template gets as its dot: the locale's printer (so
// {{.T "key"}} works), the page data, and the shell's helpers.
type View struct {
	*i18n.Printer
	Data     any
	req      *http.Request
	st       *State
	r        *Renderer
	csrfUsed bool
}

// Nav lists the main navigation entries.
func (v *View) Nav() []NavItem {
	var top []NavItem
	for _, n := range v.r.nav {
		if n.Group == "" {
			top = append(top, n)
		}
	}
	return top
}

// NavGroups are the grouped entries of the main navigation, in the order
// their first entry was added.
func (v *View) NavGroups() []NavGroup {
	var gs []NavGroup
	for _, n := range v.r.nav {
		if n.Group == "" {
			continue
		}
		i := slices.IndexFunc(gs, func(g NavGroup) bool { return g.Key == "nav."+n.Group })
		if i < 0 {
			gs, i = append(gs, NavGroup{Key: "nav." + n.Group}), len(gs)
		}
		gs[i].Items = append(gs[i].Items, n)
	}
	return gs
}

// CurrentIn reports whether the page is at or under one of items' paths.
func (v *View) CurrentIn(items []NavItem) bool {
	return slices.ContainsFunc(items, func(n NavItem) bool { return v.Current(n.Path) })
}

// SearchPath is the search page's path, or "" when there is none.
func (v *View) SearchPath() string { return v.r.search }

// Current reports whether the page is at or under path (for aria-current).
func (v *View) Current(path string) bool {
	p := v.Path()
	return p == path || strings.HasPrefix(p, path+"/")
}

// Query returns a query parameter of the request (e.g. the search box's q).
func (v *View) Query(name string) string { return v.req.URL.Query().Get(name) }

// Lang is the page's locale code, for <html lang>.
func (v *View) Lang() string { return v.Code() }

// Viewer is the signed-in person, or nil.
func (v *View) Viewer() Viewer { return v.st.Viewer }

// Visibility is the funder's visibility notice of the page, or nil.
func (v *View) Visibility() *Visibility { return v.st.Visibility }

// Flash is a one-time message key, if any.
func (v *View) Flash() string { return v.st.Flash }

// Path is the current path without the locale prefix ("/places/ba-fbih-mostar").
func (v *View) Path() string { return stripLocale(v.req.URL.Path) }

// SignIn is the link of a "sign in to …" prompt on this page: the sign-in
// page, which returns to this page (its query kept) at anchor, the id of
// the element holding the action (a form or section), so the action is
// in view and ready once the person has signed in:
// <a href="{{.SignIn "support"}}">. The whole URL is one value, so
// html/template normalises it and does not encode next a second time.
func (v *View) SignIn(anchor string) string {
	switch strings.SplitN(strings.TrimPrefix(v.Path(), "/"), "/", 2)[0] {
	case "login", "register", "reset", "confirm", "logout":
		return v.URL("/login") // the account pages do not return to themselves
	}
	next := v.req.URL.Path
	if v.req.Method == http.MethodGet && v.req.URL.RawQuery != "" {
		next += "?" + v.req.URL.RawQuery
	}
	return v.SignInTo(next, anchor)
}

// SignInTo is SignIn for another page of this site (a local path with its
// locale, as the request has it).
func (v *View) SignInTo(next, anchor string) string {
	if !LocalPath(next) {
		next = v.URL("/")
	}
	if anchor != "" {
		next += "#" + anchor
	}
	return SignInURL(v.Code(), next)
}

// URL builds a link to path in the page's locale: {{.URL "/places"}}.
func (v *View) URL(p string) string { return "/" + v.Code() + p }

// Asset is the fingerprinted URL of a static file.
func (v *View) Asset(name string) string { return v.r.assets.URL(name) }

// CSRFToken returns the session's token for hidden form fields.
func (v *View) CSRFToken() string {
	v.csrfUsed = true
	if v.st.CSRF == nil {
		return ""
	}
	tok, err := v.st.CSRF()
	if err != nil {
		return ""
	}
	return tok
}

// CSRFField is the hidden input every form carries.
func (v *View) CSRFField() template.HTML {
	return template.HTML(`<input type="hidden" name="csrf_token" value="` + template.HTMLEscapeString(v.CSRFToken()) + `">`)
}

// Alternate is one entry of the language switcher.
type Alternate struct {
	Code, Name, URL string
	Current         bool
}

// Alternates lists the same page in every locale, keeping path and query.
func (v *View) Alternates() []Alternate {
	rest := v.Path()
	if v.req.URL.RawQuery != "" {
		rest += "?" + v.req.URL.RawQuery
	}
	codes := i18n.Codes()
	out := make([]Alternate, 0, len(codes))
	for _, c := range codes {
		out = append(out, Alternate{Code: c, Name: v.r.cat.Printer(c).Autonym(), URL: "/" + c + rest, Current: c == v.Code()})
	}
	return out
}

// AlternateLinks is the <link rel="alternate" hreflang> list of the page
// in the other locales, built in Go: it is on every page, and a template
// loop here was a large share of the shell's rendering cost.
func (v *View) AlternateLinks() template.HTML {
	var b strings.Builder
	for _, a := range v.Alternates() {
		if a.Current {
			continue
		}
		b.WriteString(`<link rel="alternate" hreflang="`)
		b.WriteString(a.Code)
		b.WriteString(`" href="`)
		b.WriteString(template.HTMLEscapeString(a.URL))
		b.WriteString("\">\n")
	}
	return template.HTML(b.String())
}

// LanguageMenu is the items of the language switcher, built in Go for the
// same reason as AlternateLinks.
func (v *View) LanguageMenu() template.HTML {
	var b strings.Builder
	for _, a := range v.Alternates() {
		b.WriteString(`<li><a href="`)
		b.WriteString(template.HTMLEscapeString(a.URL))
		b.WriteString(`" hreflang="`)
		b.WriteString(a.Code)
		b.WriteString(`" lang="`)
		b.WriteString(a.Code)
		b.WriteString(`"`)
		if a.Current {
			b.WriteString(` aria-current="true"`)
		}
		b.WriteString(`>`)
		b.WriteString(template.HTMLEscapeString(a.Name))
		b.WriteString("</a></li>\n")
	}
	return template.HTML(b.String())
}

// Local converts t to the platform's display time zone.
func (v *View) Local(t time.Time) time.Time { return t.In(v.r.zone) }

// Script shows a text that a person wrote in the reader's script
// (Cyrillic for sr-Cyrl, Latin for sr-Latn; other locales see the text as
// written), and marks it with its language when that is not the page's:
// English or Albanian text is neither transliterated nor read as Serbian
// (see i18n.Printer.Show and LangOf). In an attribute or the <title> the
// mark is dropped by html/template and the text stays.
func (v *View) Script(s string) template.HTML { return v.ShowHTML(s) }

// LangNote is a short note, in the page's language, that a longer text
// (a decision, a description, minutes) is written in another language,
// with that language's name; empty when it is in the page's language.
func (v *View) LangNote(s string) template.HTML { return v.langNote(v.LangOf(s)) }

// LangNoteFor is LangNote for a text whose author gave its language
// (a content language code: "bs", "en"); empty when the page shows it as
// its own language.
func (v *View) LangNoteFor(lang string) template.HTML { return v.langNote(v.LangAttr(lang)) }

func (v *View) langNote(l string) template.HTML {
	switch {
	case l == "":
		return ""
	case strings.HasSuffix(l, "Cyrl"):
		l = "sr-Cyrl"
	case strings.HasPrefix(l, "sr"):
		l = "sr"
	case l != "en" && l != "sq" && l != "mk" && l != "bs" && l != "hr":
		return ""
	}
	return template.HTML(`<p class="lang-note">` + template.HTMLEscapeString(v.T("lang.note", "language", v.T("lang.name."+l))) + `</p>`)
}

func stripLocale(p string) string {
	rest := strings.TrimPrefix(p, "/")
	first, after, found := strings.Cut(rest, "/")
	if i18n.Supported(first) {
		if !found {
			return "/"
		}
		return "/" + after
	}
	return p
}
