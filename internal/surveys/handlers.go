package surveys

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/cache"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// BrowserCookie holds the random token that makes "one answer per browser"
// work for public surveys without accounts.
const BrowserCookie = "dijalog_sv"

// Places resolves LSG codes to names; *places.Service implements it.
type Places interface {
	ByCode(ctx context.Context, code string) (places.Place, error)
	LSGs(ctx context.Context) ([]places.Place, error)
}

// Orgs resolves organisations; *auth.Service implements it.
type Orgs interface {
	Organisation(ctx context.Context, pid string) (*auth.Organisation, error)
}

// HandlerOptions configure Register.
type HandlerOptions struct {
	TrustProxy bool           // take the client address from X-Forwarded-For
	Registry   RegistryLookup // the registry of who funded whom, when it exists
}

// Handlers serve the survey pages.
type Handlers struct {
	srv    *web.Server
	svc    *Service
	places Places
	orgs   Orgs
	opts   HandlerOptions
	// blank keeps rendered blank questionnaires: the questions are the
	// largest part of the form page and the same for every respondent;
	// the page around them (CSRF token, idempotency key) is rendered each
	// time. Parsed definitions are shared per content, so the key's
	// pointer names the questions' text and nothing needs emptying.
	blank *cache.Cache[sectionsKey, template.HTML]
}

// Register adds the survey pages:
//
//	GET  /{lang}/surveys                      open surveys and published results
//	GET  /{lang}/surveys/{id}                 the questionnaire (?token= for invitations)
//	POST /{lang}/surveys/{id}                 send answers (exactly once per idempotency key)
//	GET  /{lang}/surveys/{id}/thanks          confirmation
//	GET  /{lang}/surveys/{id}/results         results with charts, tables and filters
//	GET  /{lang}/surveys/{id}/results.csv     the same as CSV
//	GET  /api/v1/surveys/{id}/results         the same as JSON
//	GET  /{lang}/admin/surveys                the surveys a person manages; new survey
//	...  /{lang}/admin/surveys/{id}[/tokens|/paper|/responses.csv]
func Register(srv *web.Server, svc *Service, pl Places, orgs Orgs, o HandlerOptions) (*Handlers, error) {
	if err := srv.Render.Register("surveys", templateFS, "templates"); err != nil {
		return nil, fmt.Errorf("surveys.Register: %w", err)
	}
	h := &Handlers{srv: srv, svc: svc, places: pl, orgs: orgs, opts: o, blank: cache.New[sectionsKey, template.HTML](defTTL, defCacheMax)}
	srv.Render.AddNavIn("community", "nav.surveys", "/surveys")
	srv.Page("GET /surveys", h.list)
	srv.Page("GET /surveys/{id}", h.form)
	srv.Page("POST /surveys/{id}", h.submit)
	srv.Page("GET /surveys/{id}/thanks", h.thanks)
	srv.Page("GET /surveys/{id}/results", h.results)
	srv.Page("GET /surveys/{id}/results.csv", h.resultsCSV)
	srv.Handle("GET /api/v1/surveys/{id}/results", h.resultsJSON)
	srv.Page("GET /admin/surveys", h.admin)
	srv.Page("POST /admin/surveys", h.create)
	srv.Page("GET /admin/surveys/{id}", h.manage)
	srv.Page("POST /admin/surveys/{id}", h.update)
	srv.Page("GET /admin/surveys/{id}/tokens", h.tokens)
	srv.Page("POST /admin/surveys/{id}/tokens", h.issueTokens)
	srv.Page("GET /admin/surveys/{id}/paper", h.paperForm)
	srv.Page("POST /admin/surveys/{id}/paper", h.paperSubmit)
	srv.Page("GET /admin/surveys/{id}/responses.csv", h.responsesCSV)
	return h, nil
}

func locale(r *http.Request) string { return web.StateOf(r).Locale }

// clientIP is the request's address (X-Forwarded-For only when trusted).
func (h *Handlers) clientIP(r *http.Request) string { return web.ClientIP(r, h.opts.TrustProxy) }

// survey loads the survey of the path.
func (h *Handlers) survey(r *http.Request) (*Survey, error) {
	return h.svc.ByPublicID(r.Context(), r.PathValue("id"))
}

// listItem is a survey in a list.
type listItem struct {
	S     *Survey
	Title string
	Owner string
	Open  bool
	Soon  bool // open, but its first day is still to come
	Year  int  // of its closing (else opening, else creation)
}

// OwnerName is the display name of a survey's owner.
func (h *Handlers) OwnerName(ctx context.Context, sv *Survey, lang string) string {
	switch sv.OwnerKind {
	case OwnerLSG:
		if p, err := h.places.ByCode(ctx, sv.OwnerRef); err == nil {
			if lang == "sr-Cyrl" || lang == "mk" {
				return p.NameCyr
			}
			return p.NameLat
		}
	case OwnerOrg:
		if o, err := h.orgs.Organisation(ctx, sv.OwnerRef); err == nil {
			return o.Name
		}
	}
	return sv.OwnerRef
}

func (h *Handlers) items(ctx context.Context, list []*Survey, lang string) []listItem {
	now := h.svc.Now()
	out := make([]listItem, 0, len(list))
	for _, s := range list {
		it := listItem{S: s, Title: s.Title.In(lang), Owner: h.OwnerName(ctx, s, lang), Open: s.IsOpen(now), Year: s.CreatedAt.Year()}
		it.Soon = s.Status == StatusOpen && s.OpensAt.Valid && now.Before(s.OpensAt.V)
		switch {
		case s.ClosesAt.Valid:
			it.Year = s.ClosesAt.V.Year()
		case s.OpensAt.Valid:
			it.Year = s.OpensAt.V.Year()
		}
		out = append(out, it)
	}
	return out
}

// resultsPerPage is the length of a page of the list of results.
const resultsPerPage = 12

// listFilter narrows the list of results: by the LSG that owns a survey,
// the year and whether it is still open.
type listFilter struct {
	LSG   string
	Year  int
	State string // "open", "closed" or ""
	Page  int
}

// filterOf reads the list's filter from the query; values no survey has
// are ignored, so a link never fails.
func filterOf(q url.Values) listFilter {
	f := listFilter{LSG: q.Get("lsg"), State: q.Get("state"), Page: 1}
	if len(f.LSG) > 80 {
		f.LSG = ""
	}
	if f.State != "open" && f.State != "closed" {
		f.State = ""
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 1990 && y <= 2100 {
		f.Year = y
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 1000 {
		f.Page = n
	}
	return f
}

func (f listFilter) keeps(it listItem) bool {
	return (f.LSG == "" || it.S.OwnerKind == OwnerLSG && it.S.OwnerRef == f.LSG) &&
		(f.Year == 0 || it.Year == f.Year) &&
		(f.State == "" || (f.State == "open") == it.Open)
}

// query is the filter's query string on page n ("" for the first page
// of no filter).
func (f listFilter) query(n int) string {
	v := url.Values{}
	if f.LSG != "" {
		v.Set("lsg", f.LSG)
	}
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	if f.State != "" {
		v.Set("state", f.State)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return v.Encode()
}

// option is a choice of a filter.
type option struct {
	Value, Label string
}

type listPage struct {
	Open, Results []listItem
	Filter        listFilter
	Filtered      bool
	Total         int // results the filter keeps
	LSGs          []option
	Years         []int
	Prev, Next    string // links of the neighbouring pages, "" for none
}

// list is GET /{lang}/surveys: the surveys open now, then the surveys
// whose results are public, filtered (?lsg=, ?year=, ?state=open|closed)
// and a page at a time (?page=).
func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	all, err := h.svc.List(r.Context(), ListFilter{Statuses: []string{StatusOpen, StatusClosed}, Limit: 500})
	if err != nil {
		return err
	}
	lang := locale(r)
	d := listPage{Filter: filterOf(r.URL.Query())}
	d.Filtered = d.Filter.query(1) != ""
	lsgs, years := map[string]string{}, map[int]bool{}
	var results []listItem
	for _, it := range h.items(r.Context(), all, lang) {
		if it.Open && it.S.Audience != AudienceToken {
			d.Open = append(d.Open, it)
		}
		if !it.S.ResultsPublic || it.S.Responses == 0 {
			continue
		}
		if it.S.OwnerKind == OwnerLSG {
			lsgs[it.S.OwnerRef] = it.Owner
		}
		years[it.Year] = true
		if d.Filter.keeps(it) {
			results = append(results, it)
		}
	}
	for code, name := range lsgs {
		d.LSGs = append(d.LSGs, option{Value: code, Label: name})
	}
	sort.Slice(d.LSGs, func(i, j int) bool { return d.LSGs[i].Label < d.LSGs[j].Label })
	for y := range years {
		d.Years = append(d.Years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(d.Years)))
	d.Total = len(results)
	from := min((d.Filter.Page-1)*resultsPerPage, len(results))
	d.Results = results[from:min(from+resultsPerPage, len(results))]
	if d.Filter.Page > 1 {
		d.Prev = "?" + d.Filter.query(d.Filter.Page-1)
	}
	if from+resultsPerPage < len(results) {
		d.Next = "?" + d.Filter.query(d.Filter.Page+1)
	}
	return h.srv.Render.Page(w, r, "surveys/list", d)
}

// optView is an option in the page's language.
type optView struct {
	Key, Text string
}

// questionView is a question prepared for the form.
type questionView struct {
	Q        *Question
	Number   int
	Text     string
	Help     string
	Cond     string // "Answer only if you answered “Yes” to question 3."
	Options  []optView
	Rows     []optView
	Err      string
	Field    string
	Selected map[string]bool   // single/multiple/likert: chosen values
	Value    string            // number, text
	Cells    map[string]string // matrix: row -> value; ranking: option -> rank
	Scale    []string
}

type sectionView struct {
	Key, Title, Intro string
	Questions         []questionView
}

type formPage struct {
	S          *Survey
	Title      string
	Intro      string
	Owner      string
	Sections   []sectionView
	Form       *web.Form
	Idem       string
	Token      string
	Paper      bool
	Action     string
	State      string // "", "closed", "answered", "signin", "token", "token_used", "upcoming"
	Manager    bool
	ErrorCount int
	// SectionsHTML is the blank questionnaire rendered once per survey
	// and language (see blankSections); empty when the form has values.
	SectionsHTML template.HTML
}

// sectionsKey names a blank questionnaire: parsed definitions are shared
// per content (store.defs), so the pointer names the questions' text.
type sectionsKey struct {
	def  *Definition
	lang string
}

// blankSections renders (or takes from the cache) the blank questions of
// a form page d.
func (h *Handlers) blankSections(r *http.Request, d *formPage) (template.HTML, error) {
	return h.blank.Get(r.Context(), sectionsKey{d.S.Def, locale(r)}, func(context.Context) (template.HTML, error) {
		return h.srv.Render.Fragment(r, "surveys/form", "survey-sections", d)
	})
}

// view builds the questionnaire in a language, with a submitted form's
// values and errors.
func view(sv *Survey, lang string, f *web.Form) []sectionView {
	number := 0
	numbers := map[string]int{}
	var out []sectionView
	for _, s := range sv.Def.Sections {
		sec := sectionView{Key: s.Key, Title: s.Title.In(lang), Intro: s.Intro.In(lang)}
		for i := range s.Questions {
			q := &s.Questions[i]
			number++
			numbers[q.Key] = number
			qv := questionView{Q: q, Number: number, Text: q.Text.In(lang), Help: q.Help.In(lang), Field: FieldName(q.Key, ""),
				Selected: map[string]bool{}, Cells: map[string]string{}, Scale: LikertValues()}
			for _, o := range q.Options {
				qv.Options = append(qv.Options, optView{o.Key, o.Text.In(lang)})
			}
			for _, o := range q.Rows {
				qv.Rows = append(qv.Rows, optView{o.Key, o.Text.In(lang)})
			}
			if c := q.ShowIf; c != nil {
				dep := sv.Def.Question(c.Question)
				var labels []string
				for _, v := range c.Values {
					label := v
					for _, o := range dep.Options {
						if o.Key == v {
							label = o.Text.In(lang)
						}
					}
					labels = append(labels, "“"+label+"”")
				}
				qv.Cond = fmt.Sprintf("%d|%s", numbers[c.Question], strings.Join(labels, ", "))
			}
			if f != nil {
				qv.Err = f.Err(qv.Field)
				for _, v := range f.Values[qv.Field] {
					qv.Selected[v] = true
				}
				qv.Value = f.Get(qv.Field)
				for _, o := range append(append([]Option{}, q.Rows...), q.Options...) {
					if v := f.Get(FieldName(q.Key, o.Key)); v != "" {
						qv.Cells[o.Key] = v
					}
				}
			}
			sec.Questions = append(sec.Questions, qv)
		}
		out = append(out, sec)
	}
	return out
}

// CondNumber and CondValues split the condition text for the template.
func (q questionView) CondNumber() string { n, _, _ := strings.Cut(q.Cond, "|"); return n }

// CondValues is the list of values that show the question.
func (q questionView) CondValues() string { _, v, _ := strings.Cut(q.Cond, "|"); return v }

// Checked reports whether a value is chosen.
func (q questionView) Checked(v string) bool { return q.Selected[v] }

// Cell is a matrix row's or ranked option's value.
func (q questionView) Cell(k string) string { return q.Cells[k] }

// CellName is the field of a matrix row or ranked option.
func (q questionView) CellName(k string) string { return FieldName(q.Q.Key, k) }

// RankText is a position as a string, for comparing with Cell.
func RankText(n int) string { return fmt.Sprint(n) }

func (h *Handlers) browserToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(BrowserCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	if w == nil {
		return ""
	}
	tok := NewKey()
	http.SetCookie(w, &http.Cookie{Name: BrowserCookie, Value: tok, Path: "/", MaxAge: 400 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || (h.opts.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")})
	return tok
}

func (h *Handlers) formData(r *http.Request, sv *Survey, f *web.Form, paper bool) *formPage {
	lang := locale(r)
	d := &formPage{S: sv, Title: sv.Title.In(lang), Intro: sv.Def.Intro.In(lang), Owner: h.OwnerName(r.Context(), sv, lang), Form: f, Paper: paper,
		Manager: CanManage(auth.UserFrom(r), sv)}
	d.Sections = view(sv, lang, f)
	d.Idem = f.Get("idem")
	if d.Idem == "" || len(d.Idem) > 64 {
		d.Idem = NewKey()
	}
	d.Action = "/surveys/" + sv.PublicID
	if paper {
		d.Action = "/admin/surveys/" + sv.PublicID + "/paper"
	}
	d.ErrorCount = len(f.Errors)
	return d
}

func (h *Handlers) form(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.survey(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r)
	if sv.Status == StatusDraft && !CanManage(u, sv) {
		return refuse.ErrNotFound
	}
	f := web.EmptyForm()
	d := h.formData(r, sv, f, false)
	now := h.svc.Now()
	switch {
	case !sv.IsOpen(now):
		d.State = "closed"
		if sv.Status == StatusOpen && sv.OpensAt.Valid && now.Before(sv.OpensAt.V) {
			d.State = "upcoming"
		}
	case sv.Audience == AudienceAccount && u == nil:
		d.State = "signin"
	case sv.Audience == AudienceToken:
		tok := r.URL.Query().Get("token")
		if len(tok) > 40 {
			tok = ""
		}
		d.Token = NormalizeToken(tok)
		switch err := h.svc.TokenState(r.Context(), sv, d.Token); {
		case tok == "":
			d.State = "token"
		case errors.Is(err, ErrTokenInvalid):
			d.State = "token"
			f.Errors["token"] = "surveys.err.token_invalid"
		case errors.Is(err, ErrTokenUsed):
			d.State = "token_used"
		case err != nil:
			return err
		}
	case sv.Audience == AudiencePublic:
		tok := h.browserToken(w, r)
		if done, err := h.svc.HasAnswered(r.Context(), sv, tok, 0); err != nil {
			return err
		} else if done {
			d.State = "answered"
		}
	case sv.Audience == AudienceAccount:
		if done, err := h.svc.HasAnswered(r.Context(), sv, "", u.ID); err != nil {
			return err
		} else if done {
			d.State = "answered"
		}
	}
	if d.State == "" {
		if d.SectionsHTML, err = h.blankSections(r, d); err != nil {
			return err
		}
	}
	return h.srv.Render.Page(w, r, "surveys/form", d)
}

func (h *Handlers) submit(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.survey(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r)
	if sv.Status == StatusDraft {
		return refuse.ErrNotFound
	}
	f := web.NewForm(r)
	lang := locale(r)
	thanks := "/" + lang + "/surveys/" + sv.PublicID + "/thanks"
	// The honeypot: a field people never see. Bots fill it; they get the
	// thank-you page and nothing is stored.
	if f.Get("website") != "" {
		http.Redirect(w, r, thanks, http.StatusSeeOther)
		return nil
	}
	answers, errs := ParseAnswers(sv.Def, f.Values)
	f.SetErrors(errs)
	token := NormalizeToken(f.Get("token"))
	// The form is built again only when it is shown again.
	again := func() error {
		d := h.formData(r, sv, f, false)
		d.Token = token
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "surveys/form", d)
	}
	if !f.Valid() {
		return again()
	}
	sub := Submission{IdemKey: f.Get("idem"), Answers: answers, Channel: "web", Lang: lang, Token: token, IP: h.clientIP(r)}
	if sv.Audience == AudiencePublic {
		sub.BrowserToken = h.browserToken(nil, r)
	}
	if u != nil && sv.Audience == AudienceAccount {
		sub.UserID = u.ID
	}
	_, err = h.svc.Submit(r.Context(), sv, sub)
	if key := ErrorKey(err); key != "" {
		return h.refuse(w, r, sv, err, key)
	}
	if errors.Is(err, refuse.ErrInvalid) {
		f.Error = "surveys.err.invalid"
		return again()
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, thanks, http.StatusSeeOther)
	return nil
}

type refusedPage struct {
	S     *Survey
	Title string
	Key   string
}

// refuse shows why answers were not stored, with the status the web
// adapter gives the refusal, but for a closed survey (gone) and a missing
// sign-in or browser token (the page says what to do instead of
// redirecting).
func (h *Handlers) refuse(w http.ResponseWriter, r *http.Request, sv *Survey, err error, key string) error {
	status, _ := web.StatusOf(err)
	switch {
	case errors.Is(err, ErrClosed):
		status = http.StatusGone
	case errors.Is(err, refuse.ErrSignIn):
		status = http.StatusForbidden
	}
	return h.srv.Render.PageStatus(w, r, status, "surveys/refused", refusedPage{S: sv, Title: sv.Title.In(locale(r)), Key: key})
}

func (h *Handlers) thanks(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.survey(r)
	if err != nil {
		return err
	}
	// A draft is not found but by its managers, here as on its form: the
	// page would show its title.
	if sv.Status == StatusDraft && !CanManage(auth.UserFrom(r), sv) {
		return refuse.ErrNotFound
	}
	return h.srv.Render.Page(w, r, "surveys/thanks", refusedPage{S: sv, Title: sv.Title.In(locale(r))})
}

// resultsView is the results page.
type resultsView struct {
	*Results
	Title   string
	Owner   string
	Charts  map[string]template.HTML
	Manager bool
	Query   string // the filter as a query string, for the CSV link
	Groups  []filterGroup
	// Registry is what the registry of who funded whom holds for the
	// LSG of a FinansirajGO survey; Totals are its amounts, formatted.
	Registry *RegistrySummary
	Totals   []string
}

// filterGroup is one question's values in the filter select.
type filterGroup struct {
	Label   string
	Options []filterOption
}

type filterOption struct {
	Value, Label string
	Selected     bool
}

func filterFrom(r *http.Request) Filter {
	q := r.URL.Query()
	fq, fv, _ := strings.Cut(q.Get("f"), ":")
	f := Filter{Question: fq, Value: fv, Channel: q.Get("ch")}
	if len(f.Question) > 40 || len(f.Value) > 40 {
		return Filter{}
	}
	return f
}

func (h *Handlers) loadResults(r *http.Request) (*Results, error) {
	sv, err := h.survey(r)
	if err != nil {
		return nil, err
	}
	u := auth.UserFrom(r)
	// A draft is not found but by its managers (as its form and thanks
	// page): asking to sign in or refusing would say that it exists.
	if sv.Status == StatusDraft && !CanManage(u, sv) {
		return nil, refuse.ErrNotFound
	}
	if !sv.ResultsPublic && !CanManage(u, sv) {
		if u == nil {
			return nil, refuse.ErrSignIn
		}
		return nil, refuse.ErrForbidden
	}
	return h.svc.Results(r.Context(), u, sv, filterFrom(r), locale(r))
}

func (h *Handlers) results(w http.ResponseWriter, r *http.Request) error {
	res, err := h.loadResults(r)
	if err != nil {
		return err
	}
	lang := locale(r)
	p := h.srv.Cat.Printer(lang)
	sv := res.Survey
	d := resultsView{Results: res, Title: sv.Title.In(lang), Owner: h.OwnerName(r.Context(), sv, lang), Charts: map[string]template.HTML{}, Manager: CanManage(auth.UserFrom(r), sv)}
	if res.Filter.Active() {
		v := url.Values{}
		if res.Filter.Question != "" {
			v.Set("f", res.Filter.Question+":"+res.Filter.Value)
		}
		if res.Filter.Channel != "" {
			v.Set("ch", res.Filter.Channel)
		}
		d.Query = "?" + v.Encode()
	}
	for _, q := range res.Filterable {
		g := filterGroup{Label: q.Text.In(lang)}
		values := []optView{}
		for _, o := range q.Options {
			values = append(values, optView{o.Key, o.Text.In(lang)})
		}
		if q.Type == TypeLikert {
			for _, v := range LikertValues() {
				values = append(values, optView{v, p.T("surveys.likert." + v)})
			}
		}
		for _, v := range values {
			g.Options = append(g.Options, filterOption{Value: q.Key + ":" + v.Key, Label: v.Text, Selected: res.Filter.Question == q.Key && res.Filter.Value == v.Key})
		}
		d.Groups = append(d.Groups, g)
	}
	for _, q := range res.Questions {
		if q.Hidden {
			continue
		}
		var items []BarItem
		for _, b := range q.Bars {
			label := b.Label
			if label == "" {
				label = p.T("surveys.likert." + b.Key)
			}
			items = append(items, BarItem{Label: label, Value: b.Pct})
		}
		if q.Type == TypeMatrix || q.Type == TypeRanking {
			max := 5.0
			if q.Type == TypeRanking {
				max = float64(len(q.Rows))
			}
			for _, rr := range q.Rows {
				if rr.HasMean {
					items = append(items, BarItem{Label: rr.Label, Value: rr.Mean})
				}
			}
			d.Charts[q.Key] = BarChart(q.Text, items, max, func(v float64) string { return p.Decimal(v, 1) })
			continue
		}
		d.Charts[q.Key] = BarChart(q.Text, items, 100, func(v float64) string { return p.Decimal(v, 1) + " %" })
	}
	if d.Registry, err = h.registryFor(r, sv); err != nil {
		return err
	}
	if d.Registry != nil {
		for _, t := range d.Registry.Totals {
			d.Totals = append(d.Totals, t.Format(p, true))
		}
	}
	return h.srv.Render.Page(w, r, "surveys/results", d)
}

// LikertLabel is the label of a scale point.
func LikertLabel(v string) string { return "surveys.likert." + v }

func (h *Handlers) resultsCSV(w http.ResponseWriter, r *http.Request) error {
	res, err := h.loadResults(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="survey-`+res.Survey.PublicID+`-results.csv"`)
	return WriteResultsCSV(w, res)
}

func (h *Handlers) resultsJSON(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.survey(r)
	if err != nil {
		return err
	}
	if !(sv.ResultsPublic && sv.Status != StatusDraft) && !CanManage(auth.UserFrom(r), sv) {
		return refuse.ErrNotFound
	}
	lang := web.APILocale(r)
	res, err := h.svc.Results(r.Context(), nil, sv, filterFrom(r), lang)
	if err != nil {
		return err
	}
	reg, err := h.registryFor(r, sv)
	if err != nil {
		return err
	}
	out := map[string]any{"survey": sv.PublicID, "title": sv.Title.In(lang), "status": sv.Status, "min_group": MinGroup, "results": res}
	if reg != nil {
		out["registry"] = toRegistryJSON(reg)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
