package news

import (
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/text"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templatesFS embed.FS

// Directory names LSGs and organisations for author choices; the app wires
// it to the places and auth services.
type Directory interface {
	LSGName(r *http.Request, code string) string
	OrgName(r *http.Request, pid string) string
	// LSGChoices are the LSGs as a pick list in the reader's language.
	LSGChoices(r *http.Request) []web.Choice
}

// Handlers serve the news pages, the feed and the newsletter.
type Handlers struct {
	svc *Service
	srv *web.Server
	dir Directory
	ip  func(*http.Request) string
}

// Register adds the routes and templates of news and the newsletter.
func Register(srv *web.Server, svc *Service, dir Directory, clientIP func(*http.Request) string) error {
	if err := srv.Render.Register("news", templatesFS, "templates"); err != nil {
		return err
	}
	h := &Handlers{svc: svc, srv: srv, dir: dir, ip: clientIP}
	srv.Render.AddNavIn("community", "nav.news", "/news")
	srv.Page("GET /news", h.list)
	srv.Page("GET /news/new", h.newForm)
	srv.Page("POST /news/new", h.create)
	srv.BodyLimit("POST /news/new", 11<<20) // lead images up to 10 MB
	srv.Page("GET /news/{slug}", h.article)
	srv.Page("GET /news/{slug}/translate", h.translateForm)
	srv.Page("POST /news/{slug}/translate", h.translate)
	srv.Page("POST /news/{slug}/delete", h.delete)
	for _, code := range i18n.Codes() {
		code := code
		srv.Handle("GET /"+code+"/news/feed.atom", func(w http.ResponseWriter, r *http.Request) error {
			web.StateOf(r).Locale = code
			return h.feed(w, r, code)
		})
	}
	srv.Handle("GET /api/v1/news", h.api)
	srv.Handle("GET /media/news/{file}", h.image)
	srv.Page("GET /newsletter", h.newsletterForm)
	srv.Page("POST /newsletter", h.subscribe)
	srv.Page("GET /newsletter/confirm/{token}", h.confirm)
	srv.Page("GET /newsletter/unsubscribe/{token}", h.unsubscribePage)
	srv.Page("POST /newsletter/unsubscribe", h.unsubscribe)
	if svc.Newsletter.oneClick {
		// Needs the CSRF exemption of the web server (mail providers post
		// without a session); see Deps.OneClick.
		srv.Handle("POST /api/v1/newsletter/unsubscribe/{token}", h.oneClick)
		srv.ExemptCSRF("POST /api/v1/newsletter/unsubscribe/{token}")
	}
	srv.Page("GET /newsletter/manage/{token}", h.manage)
	srv.Page("GET /newsletter/export/{token}", h.export)
	srv.Page("POST /newsletter/delete", h.deleteData)
	srv.Page("GET /admin/newsletter", h.issues)
	srv.Page("POST /admin/newsletter", h.createIssue)
	srv.Page("GET /admin/newsletter/{id}", h.issue)
	srv.Page("POST /admin/newsletter/{id}/test", h.testIssue)
	srv.Page("POST /admin/newsletter/{id}/send", h.sendIssue)
	return nil
}

func locale(r *http.Request) string { return web.StateOf(r).Locale }

// ArticleView is an article as shown in one locale.
type ArticleView struct {
	*Article
	Text Translation
}

func views(as []*Article, loc string) []ArticleView {
	out := make([]ArticleView, len(as))
	for i, a := range as {
		out[i] = ArticleView{Article: a, Text: a.In(loc)}
	}
	return out
}

type listPage struct {
	Articles               []ArticleView
	Total, Page, Pages     int
	LSG, Programme, Sector string
	Picks                  tagPicks
	FeedURL                string
	Prev, Next             string
	CanWrite               bool
}

// tagPicks are the pick lists of an article's tags: LSGs by name, and
// the programmes and sectors articles already carry by their names (no
// code is typed: issue 16).
type tagPicks struct {
	LSG, Programme, Sector web.Pick
}

// picks builds the tag pick lists with lsgs, programme and sector
// selected; for a form (multiple LSGs) or for the filter (one of each,
// or any).
func (h *Handlers) picks(r *http.Request, form bool, lsgs []string, programme, sector string) tagPicks {
	pr := h.srv.Cat.Printer(locale(r))
	tags := func(kind string) []web.Choice {
		vs, err := h.svc.TagValues(r.Context(), kind)
		if err != nil {
			return nil
		}
		out := make([]web.Choice, 0, len(vs))
		for _, v := range vs {
			out = append(out, web.Choice{Value: v, Label: pr.Tag(kind, v)})
		}
		return out
	}
	p := tagPicks{
		LSG:       web.NewPick("lsg", "news.tag.lsg", h.dir.LSGChoices(r), lsgs...),
		Programme: web.NewPick("programme", "news.tag.programme", tags(TagProgramme), programme),
		Sector:    web.NewPick("sector", "news.tag.sector", tags(TagSector), sector),
	}
	if form {
		p.LSG.Multiple, p.LSG.Hint = true, "lang.pick.lsg_hint"
		p.Programme.Hint, p.Sector.Hint = "lang.pick.tag_hint", "lang.pick.tag_hint"
	} else {
		p.LSG.Empty, p.Programme.Empty, p.Sector.Empty = "lang.pick.any", "lang.pick.any", "lang.pick.any"
	}
	return p
}

func pageURL(f Filter, page int) string {
	q := feedQuery(f)
	if q == "" {
		return "/news?page=" + strconv.Itoa(page)
	}
	return "/news" + q + "&page=" + strconv.Itoa(page)
}

func filterFrom(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{}
	for _, p := range []struct {
		kind string
		dst  *string
	}{{TagLSG, &f.LSG}, {TagProgramme, &f.Programme}, {TagSector, &f.Sector}} {
		if ts := NormalizeTags(p.kind, []string{q.Get(p.kind)}); len(ts) == 1 {
			*p.dst = ts[0].Value
		}
	}
	return f
}

func pageNum(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 10000 {
		return 1
	}
	return n
}

func feedQuery(f Filter) string {
	var parts []string
	for k, v := range map[string]string{"lsg": f.LSG, "programme": f.Programme, "sector": f.Sector} {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(sortStrings(parts), "&")
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func (h *Handlers) authors(r *http.Request, u *auth.User) []auth.Publisher {
	return auth.PublishersOf(u, "dijalog",
		func(code string) string { return h.dir.LSGName(r, code) },
		func(pid string) string { return h.dir.OrgName(r, pid) })
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	page := pageNum(r)
	f.Limit, f.Offset = 20, (page-1)*20
	as, total, err := h.svc.List(r.Context(), f)
	if err != nil {
		return err
	}
	d := listPage{Articles: views(as, locale(r)), Total: total, Page: page, Pages: (total + 19) / 20, LSG: f.LSG, Programme: f.Programme, Sector: f.Sector,
		Picks:   h.picks(r, false, []string{f.LSG}, f.Programme, f.Sector),
		FeedURL: "/news/feed.atom" + feedQuery(f), CanWrite: len(h.authors(r, auth.UserFrom(r))) > 0}
	if page > 1 {
		d.Prev = pageURL(f, page-1)
	}
	if page < d.Pages {
		d.Next = pageURL(f, page+1)
	}
	return h.srv.Render.Page(w, r, "news/list", d)
}

type articlePage struct {
	ArticleView
	TagLinks   []tagLink // the tags by their names
	Related    []ArticleView
	CanEdit    bool
	Translated bool          // shown in the reader's language
	Comments   template.HTML // the comment thread, rendered by the comments component
}

// tagLink is a tag of an article with its name for the reader.
type tagLink struct{ Kind, Value, Label string }

// tagLinks names an article's tags for the reader: an LSG by its name,
// a programme or sector by the catalogue's name or its words.
func (h *Handlers) tagLinks(r *http.Request, tags []Tag) []tagLink {
	pr := h.srv.Cat.Printer(locale(r))
	out := make([]tagLink, 0, len(tags))
	for _, t := range tags {
		l := tagLink{Kind: t.Kind, Value: t.Value, Label: pr.Tag(t.Kind, t.Value)}
		if t.Kind == TagLSG {
			l.Label = h.dir.LSGName(r, t.Value)
		}
		out = append(out, l)
	}
	return out
}

// ThreadFunc renders the comment thread of an article (by its slug) for
// the article's page.
type ThreadFunc func(r *http.Request, slug string) (template.HTML, error)

func (h *Handlers) article(w http.ResponseWriter, r *http.Request) error {
	a, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		if _, err := h.svc.CountView(r.Context(), a, h.ip(r), r.UserAgent(), time.Now()); err != nil {
			h.srv.Log.WarnContext(r.Context(), "news: view not counted", "err", err)
		}
	}
	rel, err := h.svc.Related(r.Context(), a, 4)
	if err != nil {
		return err
	}
	loc := locale(r)
	d := articlePage{ArticleView: ArticleView{Article: a, Text: a.In(loc)}, TagLinks: h.tagLinks(r, a.Tags), Related: views(rel, loc),
		CanEdit: auth.CanPublishAs(auth.UserFrom(r), a.AuthorKind, a.AuthorRef), Translated: a.Has(text.ContentLang(loc))}
	if h.svc.thread != nil {
		if d.Comments, err = h.svc.thread(r, a.Slug); err != nil {
			return err
		}
	}
	return h.srv.Render.Page(w, r, "news/article", d)
}

type formPage struct {
	Form    *web.Form
	Authors []auth.Publisher
	Langs   []string
	Article *ArticleView
	Picks   tagPicks
}

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r)
	if u == nil {
		return h.srv.Render.Page(w, r, "news/signin", nil)
	}
	as := h.authors(r, u)
	if len(as) == 0 {
		return refuse.ErrForbidden
	}
	f := web.EmptyForm()
	f.Values.Set("lang", text.ContentLang(locale(r)))
	return h.srv.Render.Page(w, r, "news/new", formPage{Form: f, Authors: as, Langs: text.ContentLangs, Picks: h.picks(r, true, f.Values["lsg"], f.Get("programme"), f.Get("sector"))})
}

func requireUser(r *http.Request) (*auth.User, error) {
	u := auth.UserFrom(r)
	if u == nil {
		return nil, refuse.ErrSignIn
	}
	return u, nil
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	as := h.authors(r, u)
	f := web.NewForm(r)
	var author *auth.Publisher
	for i := range as {
		if as[i].Key() == f.Get("author") {
			author = &as[i]
		}
	}
	if author == nil {
		if len(as) == 0 {
			return refuse.ErrForbidden
		}
		f.Errors["author"] = "news.error.author"
	}
	in := ArticleInput{Lang: f.Get("lang"), Title: f.Get("title"), Summary: f.Get("summary"), Body: f.Raw("body"), ImageAlt: f.Get("image_alt")}
	in.Tags = append(append(NormalizeTags(TagLSG, f.Values["lsg"]), NormalizeTags(TagProgramme, []string{f.Get("programme")})...), NormalizeTags(TagSector, []string{f.Get("sector")})...)
	if r.MultipartForm != nil {
		if fh := r.MultipartForm.File["image"]; len(fh) > 0 && fh[0].Size > 0 {
			if fh[0].Size > MaxImageBytes {
				f.Errors["image"] = ErrImageTooLarge.Error()
			} else if file, err := fh[0].Open(); err == nil {
				in.Image, _ = io.ReadAll(io.LimitReader(file, MaxImageBytes+1))
				file.Close()
			}
		}
	}
	if f.Valid() {
		in.AuthorKind, in.AuthorRef, in.AuthorName = author.Kind, author.Ref, author.Name
		if in.AuthorKind == auth.PublisherLSG {
			in.Tags = append(in.Tags, Tag{Kind: TagLSG, Value: in.AuthorRef})
			in.Tags = dedupe(in.Tags)
		}
		a, err := h.svc.Create(r.Context(), u, in)
		var fe refuse.FieldErrors
		switch {
		case err == nil:
			http.Redirect(w, r, "/"+locale(r)+"/news/"+a.Slug, http.StatusSeeOther)
			return nil
		case errors.As(err, &fe):
			f.SetErrors(fe)
		default:
			return err
		}
	}
	return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "news/new", formPage{Form: f, Authors: as, Langs: text.ContentLangs, Picks: h.picks(r, true, f.Values["lsg"], f.Get("programme"), f.Get("sector"))})
}

func dedupe(ts []Tag) []Tag {
	seen := map[Tag]bool{}
	var out []Tag
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func (h *Handlers) translateForm(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	a, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if !auth.CanPublishAs(u, a.AuthorKind, a.AuthorRef) {
		return refuse.ErrForbidden
	}
	f := web.EmptyForm()
	return h.srv.Render.Page(w, r, "news/translate", formPage{Form: f, Langs: text.ContentLangs, Article: &ArticleView{Article: a, Text: a.Original()}})
}

func (h *Handlers) translate(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	a, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	err = h.svc.Translate(r.Context(), u, a.Slug, f.Get("lang"), f.Get("title"), f.Get("summary"), f.Raw("body"))
	var fe refuse.FieldErrors
	switch {
	case err == nil:
		loc := f.Get("lang")
		if loc == "sr" {
			loc = "sr-Latn"
		}
		http.Redirect(w, r, "/"+loc+"/news/"+a.Slug, http.StatusSeeOther)
		return nil
	case errors.As(err, &fe):
		f.SetErrors(fe)
	default:
		return err
	}
	return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "news/translate", formPage{Form: f, Langs: text.ContentLangs, Article: &ArticleView{Article: a, Text: a.Original()}})
}

func (h *Handlers) delete(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	if err := h.svc.Delete(r.Context(), u, r.PathValue("slug")); err != nil {
		return err
	}
	http.Redirect(w, r, "/"+locale(r)+"/news", http.StatusSeeOther)
	return nil
}

// apiArticle is an article in the JSON API.
type apiArticle struct {
	ID          string    `json:"id"`
	Slug        string    `json:"slug"`
	URL         string    `json:"url"`
	Lang        string    `json:"lang"`
	Original    string    `json:"original_lang"`
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`
	Author      string    `json:"author"`
	AuthorKind  string    `json:"author_kind"`
	PublishedAt time.Time `json:"published_at"`
	Views       int64     `json:"views"`
	Tags        []apiTag  `json:"tags"`
	Languages   []string  `json:"languages"`
}

type apiTag struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

func (h *Handlers) api(w http.ResponseWriter, r *http.Request) error {
	loc := r.URL.Query().Get("lang")
	if !i18n.Supported(loc) {
		loc = i18n.Default
	}
	f := filterFrom(r)
	page := pageNum(r)
	f.Limit, f.Offset = 50, (page-1)*50
	as, total, err := h.svc.List(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]apiArticle, 0, len(as))
	for _, a := range as {
		t := a.In(loc)
		it := apiArticle{ID: a.PublicID, Slug: a.Slug, URL: h.svc.BaseURL() + "/" + loc + "/news/" + a.Slug, Lang: t.Lang, Original: a.Original().Lang,
			Title: scriptFor(loc, t.Title), Summary: scriptFor(loc, t.Summary), Author: a.AuthorName, AuthorKind: a.AuthorKind, PublishedAt: a.PublishedAt, Views: a.Views, Tags: []apiTag{}}
		for _, tg := range a.Tags {
			it.Tags = append(it.Tags, apiTag(tg))
		}
		for _, tr := range a.Translations {
			it.Languages = append(it.Languages, tr.Lang)
		}
		items = append(items, it)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"total": total, "page": page, "items": items})
	return nil
}

func (h *Handlers) image(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	if !ValidImageFile(name) {
		return refuse.ErrNotFound
	}
	f, err := os.Open(h.svc.ImagePath(name))
	if err != nil {
		return refuse.ErrNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return refuse.ErrNotFound
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, name, st.ModTime(), f)
	return nil
}

// Newsletter pages.

type newsletterPage struct {
	Form  *web.Form
	Sent  bool
	Picks tagPicks
}

// topicPicks are the newsletter's topics: LSGs (several) and a programme.
func (h *Handlers) topicPicks(r *http.Request, f *web.Form) tagPicks {
	p := h.picks(r, true, f.Values["lsg"], f.Get("programme"), "")
	p.LSG.Label, p.Programme.Label = "news.newsletter.topic.lsg", "news.newsletter.topic.programme"
	p.Programme.Hint, p.Programme.Empty = "", "lang.pick.none"
	return p
}

func (h *Handlers) newsletterForm(w http.ResponseWriter, r *http.Request) error {
	f := web.EmptyForm()
	return h.srv.Render.Page(w, r, "news/newsletter", newsletterPage{Form: f, Picks: h.topicPicks(r, f)})
}

func (h *Handlers) subscribe(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm(r)
	topics := append(NormalizeTags(TagLSG, f.Values["lsg"]), NormalizeTags(TagProgramme, []string{f.Get("programme")})...)
	err := h.svc.Subscribe(r.Context(), f.Get("email"), locale(r), topics)
	var fe refuse.FieldErrors
	switch {
	case err == nil:
		return h.srv.Render.Page(w, r, "news/newsletter", newsletterPage{Form: f, Sent: true, Picks: h.topicPicks(r, f)})
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "news/newsletter", newsletterPage{Form: f, Picks: h.topicPicks(r, f)})
	}
	return err
}

type messagePage struct {
	Title, Message string
	Manage         string // path of the subscription's management page, if shown
	Ok             bool
}

func (h *Handlers) message(w http.ResponseWriter, r *http.Request, status int, title, msg string, ok bool) error {
	return h.srv.Render.PageStatus(w, r, status, "news/message", messagePage{Title: title, Message: msg, Ok: ok})
}

func tokenStatus(err error) (int, string) {
	switch {
	case errors.Is(err, ErrTokenExpired):
		return http.StatusGone, ErrTokenExpired.Error()
	case errors.Is(err, ErrTokenUsed):
		return http.StatusOK, ErrTokenUsed.Error()
	default:
		return http.StatusNotFound, ErrTokenUnknown.Error()
	}
}

func (h *Handlers) confirm(w http.ResponseWriter, r *http.Request) error {
	sub, err := h.svc.Confirm(r.Context(), r.PathValue("token"))
	if err == nil {
		return h.srv.Render.Page(w, r, "news/message", messagePage{Title: "news.newsletter.confirmed.title", Message: "news.newsletter.confirmed",
			Manage: "/newsletter/manage/" + sub.UnsubToken, Ok: true})
	}
	if errors.Is(err, ErrTokenUnknown) || errors.Is(err, ErrTokenExpired) || errors.Is(err, ErrTokenUsed) {
		st, k := tokenStatus(err)
		return h.message(w, r, st, "news.newsletter.confirm.title", k, false)
	}
	return err
}

// tokenFailed answers the error of an action on a subscriber's token: an
// unknown token gets its own page under title, anything else the adapter.
func (h *Handlers) tokenFailed(w http.ResponseWriter, r *http.Request, err error, title string) error {
	if errors.Is(err, ErrTokenUnknown) {
		return h.message(w, r, http.StatusNotFound, title, ErrTokenUnknown.Error(), false)
	}
	return err
}

func (h *Handlers) unsubscribePage(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	sub, err := h.svc.SubscriberByToken(r.Context(), tok)
	if err != nil {
		return h.tokenFailed(w, r, err, "news.newsletter.unsubscribe.title")
	}
	return h.srv.Render.Page(w, r, "news/unsubscribe", map[string]any{"Token": tok, "Email": sub.Email, "Done": sub.Status == "unsubscribed"})
}

func (h *Handlers) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	_, err := h.svc.Unsubscribe(r.Context(), web.NewForm(r).Get("token"))
	if err != nil {
		return h.tokenFailed(w, r, err, "news.newsletter.unsubscribe.title")
	}
	return h.message(w, r, http.StatusOK, "news.newsletter.unsubscribe.title", "news.newsletter.unsubscribed", true)
}

// oneClick is the RFC 8058 endpoint named in List-Unsubscribe: a POST with
// the body "List-Unsubscribe=One-Click" and the token in the URL.
func (h *Handlers) oneClick(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svc.Unsubscribe(r.Context(), r.PathValue("token")); err != nil {
		if errors.Is(err, ErrTokenUnknown) {
			return &web.Error{Status: http.StatusNotFound, Key: ErrTokenUnknown.Error()}
		}
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "unsubscribed"})
	return nil
}

func (h *Handlers) manage(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	sub, err := h.svc.SubscriberByToken(r.Context(), tok)
	if err != nil {
		return h.tokenFailed(w, r, err, "news.newsletter.manage.title")
	}
	return h.srv.Render.Page(w, r, "news/manage", map[string]any{"Token": tok, "Sub": sub})
}

func (h *Handlers) export(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.ExportData(r.Context(), r.PathValue("token"))
	if err != nil {
		return h.tokenFailed(w, r, err, "news.newsletter.manage.title")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="newsletter-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(e)
}

func (h *Handlers) deleteData(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.DeleteData(r.Context(), web.NewForm(r).Get("token")); err != nil {
		return h.tokenFailed(w, r, err, "news.newsletter.manage.title")
	}
	return h.message(w, r, http.StatusOK, "news.newsletter.manage.title", "news.newsletter.deleted", true)
}

type issuesPage struct {
	Issues []*Issue
	Recent []ArticleView
	Form   *web.Form
	Lang   web.Pick // the issue's language, by its name
}

func (h *Handlers) editor(r *http.Request) (*auth.User, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !CanEdit(u) {
		return nil, refuse.ErrForbidden
	}
	return u, nil
}

func (h *Handlers) issuesPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	is, err := h.svc.Issues(r.Context())
	if err != nil {
		return err
	}
	recent, _, err := h.svc.List(r.Context(), Filter{Limit: 30})
	if err != nil {
		return err
	}
	var langs []web.Choice
	for _, c := range i18n.Codes() {
		langs = append(langs, web.Choice{Value: c, Label: h.srv.Cat.Printer(c).Autonym()})
	}
	lang := web.NewPick("lang", "news.field.lang", langs, f.Get("lang"))
	lang.Error = f.Err("lang")
	return h.srv.Render.PageStatus(w, r, status, "news/issues", issuesPage{Issues: is, Recent: views(recent, locale(r)), Form: f, Lang: lang})
}

func (h *Handlers) issues(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.editor(r); err != nil {
		return err
	}
	f := web.EmptyForm()
	f.Values.Set("lang", locale(r))
	return h.issuesPage(w, r, f, http.StatusOK)
}

func (h *Handlers) createIssue(w http.ResponseWriter, r *http.Request) error {
	u, err := h.editor(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	is, err := h.svc.CreateIssue(r.Context(), u, f.Get("lang"), f.Get("subject"), f.Raw("intro"), f.Values["article"])
	var fe refuse.FieldErrors
	switch {
	case err == nil:
		http.Redirect(w, r, "/"+locale(r)+"/admin/newsletter/"+is.PublicID, http.StatusSeeOther)
		return nil
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.issuesPage(w, r, f, http.StatusUnprocessableEntity)
	}
	return err
}

type issuePage struct {
	Issue    *Issue
	Progress Progress
	Text     string
	Preview  []ArticleView
	Sent     string
}

func (h *Handlers) issue(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.editor(r); err != nil {
		return err
	}
	is, err := h.svc.Issue(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	pr, err := h.svc.Progress(r.Context(), is)
	if err != nil {
		return err
	}
	_, text, _, err := h.svc.Render(r.Context(), is)
	if err != nil {
		return err
	}
	var arts []*Article
	for _, sl := range is.Articles {
		if a, err := h.svc.BySlug(r.Context(), sl); err == nil {
			arts = append(arts, a)
		}
	}
	return h.srv.Render.Page(w, r, "news/issue", issuePage{Issue: is, Progress: pr, Text: text, Preview: views(arts, is.Lang), Sent: r.URL.Query().Get("sent")})
}

func (h *Handlers) testIssue(w http.ResponseWriter, r *http.Request) error {
	u, err := h.editor(r)
	if err != nil {
		return err
	}
	is, err := h.svc.Issue(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.svc.SendTest(r.Context(), u, is, u.Email); err != nil {
		return err
	}
	http.Redirect(w, r, "/"+locale(r)+"/admin/newsletter/"+is.PublicID+"?sent=test", http.StatusSeeOther)
	return nil
}

func (h *Handlers) sendIssue(w http.ResponseWriter, r *http.Request) error {
	u, err := h.editor(r)
	if err != nil {
		return err
	}
	is, err := h.svc.Issue(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.svc.StartSend(r.Context(), u, is); err != nil {
		if errors.Is(err, ErrIssueNotDraft) {
			return &web.Error{Status: http.StatusConflict, Key: ErrIssueNotDraft.Error()}
		}
		return err
	}
	http.Redirect(w, r, "/"+locale(r)+"/admin/newsletter/"+is.PublicID+"?sent=all", http.StatusSeeOther)
	return nil
}

// ViewCount is the view count as an int, for plural messages.
func (a ArticleView) ViewCount() int { return int(a.Views) }

// Srcset lists the lead image's responsive sizes for <img srcset>.
func (a ArticleView) Srcset() string {
	var parts []string
	for _, w := range a.ImageWidths {
		parts = append(parts, "/media/news/"+a.LeadImage+"-"+strconv.Itoa(w)+".jpg "+strconv.Itoa(w)+"w")
	}
	return strings.Join(parts, ", ")
}

// Body is the sanitised body, Serbian in the reader's script.
func (a ArticleView) Body(v *web.View) template.HTML {
	return template.HTML(scriptHTML(v.Code(), a.Text.BodyHTML)) // #nosec: sanitised by text.Markdown on write
}
