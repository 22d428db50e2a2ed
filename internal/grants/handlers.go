package grants

import (
	"embed"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// The pages of each entity; they share the Handlers' helpers.
type (
	callPages        struct{ *Handlers } // calls, their feeds, documents and Q&A
	applicationPages struct{ *Handlers } // applying, drafts, receipts, files
	assessmentPages  struct{ *Handlers } // managing a call's assessment and decisions; assessors' pages
	awardPages       struct{ *Handlers } // contracts, instalments, reports
	registryPages    struct{ *Handlers } // the registry, its CSV and 360Giving data
)

// Handlers serves the grants pages.
type Handlers struct {
	svc    *Service
	srv    *web.Server
	places *places.Service
	orgs   func(r *http.Request) []auth.Organisation
}

// Register adds the grants pages, feeds and API to the server.
func Register(srv *web.Server, svc *Service, pl *places.Service, authSvc *auth.Service) (*Handlers, error) {
	if err := srv.Render.Register("grants", templateFS, "templates"); err != nil {
		return nil, err
	}
	h := &Handlers{svc: svc, srv: srv, places: pl}
	h.orgs = func(r *http.Request) []auth.Organisation {
		all, err := authSvc.Organisations(r.Context(), "")
		if err != nil {
			return nil
		}
		return all
	}
	calls, apps, assess, awards, registry := callPages{h}, applicationPages{h}, assessmentPages{h}, awardPages{h}, registryPages{h}
	srv.Render.AddNav("nav.calls", "/calls")
	srv.Page("GET /calls", calls.list)
	srv.Page("GET /calls/feed.atom", calls.atom)
	srv.Page("GET /calls/deadlines.ics", calls.ical)
	srv.Page("GET /calls/new", calls.newCall)
	srv.Page("POST /calls/new", calls.createCall)
	srv.Page("GET /calls/{slug}", calls.call)
	srv.Page("GET /calls/{slug}/edit", calls.editCall)
	srv.Page("POST /calls/{slug}/edit", calls.updateCall)
	srv.Page("POST /calls/{slug}/publish", calls.publishCall)
	srv.Page("POST /calls/{slug}/documents", calls.addDocument)
	srv.Page("POST /calls/{slug}/questions", calls.ask)
	srv.Page("POST /calls/{slug}/questions/{qid}", calls.answer)
	srv.Page("GET /calls/{slug}/apply", apps.applyForm)
	srv.Page("POST /calls/{slug}/apply", apps.apply)
	srv.Page("GET /calls/{slug}/manage", assess.manage)
	srv.Page("POST /calls/{slug}/assign", assess.assign)
	srv.Page("POST /calls/{slug}/autoassign", assess.autoAssign)
	srv.Page("POST /calls/{slug}/decide", assess.decide)
	srv.Page("POST /calls/{slug}/results", assess.publishResults)
	srv.Page("GET /applications", apps.myApplications)
	srv.Page("GET /applications/{id}", apps.application)
	srv.Page("POST /applications/{id}", apps.saveApplication)
	srv.Page("POST /applications/{id}/withdraw", apps.withdraw)
	srv.Page("POST /applications/{id}/reopen", apps.reopen)
	srv.Page("GET /applications/{id}/receipt", apps.receipt)
	srv.Page("GET /assess", assess.assessList)
	srv.Page("GET /assess/{id}", assess.assess)
	srv.Page("POST /assess/{id}/declare", assess.declare)
	srv.Page("POST /assess/{id}/scores", assess.scores)
	srv.Page("GET /awards/{id}", awards.award)
	srv.Page("POST /awards/{id}/contract", awards.contract)
	srv.Page("POST /awards/{id}/instalments", awards.instalment)
	srv.Page("POST /awards/{id}/instalments/{n}/paid", awards.paid)
	srv.Page("POST /awards/{id}/reports", awards.addReport)
	srv.Page("POST /awards/{id}/reports/{rid}/submit", awards.submitReport)
	srv.Page("POST /awards/{id}/reports/{rid}/review", awards.reviewReport)
	srv.Page("GET /grants/files/{id}", apps.file)
	srv.Page("GET /grants/registry", registry.registry)
	srv.Handle("GET /api/v1/grants.360giving.json", registry.giving)
	srv.Handle("GET /api/v1/grants/support.csv", registry.supportCSV)
	srv.Handle("GET /api/v1/grants/dashboard.csv", registry.dashboardCSV)
	return h, nil
}

// signedInCall is the signed-in person (refuse.ErrSignIn for a visitor)
// and the call of the request's path.
func (h *Handlers) signedInCall(r *http.Request) (*auth.User, *Call, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, nil, err
	}
	c, err := h.loadCall(r)
	return u, c, err
}

// formDone answers a form's POST: with field errors, the form again
// (again renders it with a status); with another error, its refusal; else
// a redirect to path.
func (h *Handlers) formDone(w http.ResponseWriter, r *http.Request, f *web.Form, err error, again func(status int) error, path string) error {
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return again(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, path)
}

func (h *Handlers) meta(r *http.Request) Meta {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return Meta{IP: host}
}

func loc(r *http.Request) string { return web.StateOf(r).Locale }

func (h *Handlers) redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, "/"+loc(r)+path, http.StatusSeeOther)
	return nil
}

// Fmt formats values for the templates in the reader's locale and zone.
type Fmt struct {
	p    *i18n.Printer
	zone *time.Location
	now  time.Time
}

func (h *Handlers) fmt(r *http.Request) *Fmt {
	return &Fmt{p: h.srv.Cat.Printer(loc(r)), zone: h.svc.Zone(), now: h.svc.Now()}
}

// Money formats minor units of a currency.
func (f *Fmt) Money(minor int64, cur string) string { return money.New(minor, cur).Format(f.p, false) }

// Rate states a rate used: "1 EUR = 1,95583 BAM (fixed rate)" or "1 EUR =
// 1,0321 USD (rate of 2025-01-02)".
func (f *Fmt) Rate(r RateUsed) string {
	digits := 2
	if s := strconv.FormatFloat(r.PerEUR, 'f', -1, 64); strings.Contains(s, ".") {
		digits = max(digits, min(6, len(s)-strings.IndexByte(s, '.')-1))
	}
	v := f.p.Decimal(r.PerEUR, digits)
	if r.Date == "" {
		return f.p.T("grants.dash.rate_fixed", "rate", v, "currency", r.Currency)
	}
	return f.p.T("grants.dash.rate_of", "rate", v, "currency", r.Currency, "date", f.p.ShortDateText(r.Date))
}

// Whole is an amount in whole units without the currency, for a headline
// number whose label names the currency.
func (f *Fmt) Whole(minor int64, cur string) string {
	a := money.New(minor, cur).Format(f.p, true)
	return strings.TrimSuffix(a, "\u00a0"+cur)
}

// Decimal is an amount for an input field.
func (f *Fmt) Decimal(minor int64, cur string) string {
	if minor == 0 {
		return ""
	}
	return money.New(minor, cur).Decimal()
}

// When is a date and time to the second in the display zone.
func (f *Fmt) When(t time.Time) string {
	l := t.In(f.zone)
	return f.p.T("date.time", "date", f.p.Date(l), "time", l.Format("15:04"))
}

// Stamp is When with seconds, for the receipt of a submission (the
// exact moment it was received).
func (f *Fmt) Stamp(t time.Time) string {
	l := t.In(f.zone)
	return f.p.T("date.time", "date", f.p.Date(l), "time", l.Format("15:04:05"))
}

// ISO is a machine-readable time for <time datetime>.
func (f *Fmt) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Zone is the display zone's name.
func (f *Fmt) Zone() string { return f.p.Zone(f.zone.String()) }

// Pct formats tenths of a percent.
func (f *Fmt) Pct(tenths int) string { return f.p.Decimal(float64(tenths)/10, 1) + " %" }

// Remaining is the server-rendered countdown to t ("" when past).
func (f *Fmt) Remaining(t time.Time) string {
	d := t.Sub(f.now) + time.Second // the closing second itself still counts
	if d <= 0 {
		return ""
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0:
		return f.p.N("grants.remaining.days", days) + " " + f.p.N("grants.remaining.hours", hours)
	case hours > 0:
		return f.p.N("grants.remaining.hours", hours) + " " + f.p.N("grants.remaining.minutes", mins)
	}
	return f.p.N("grants.remaining.minutes", max(mins, 1))
}

// Phase is the call's phase now.
func (f *Fmt) Phase(c *Call) string { return c.Phase(f.now) }

// Own is the own share in percent of an application's budget.
func (f *Fmt) Own(a *Application) string { return f.Pct(int(a.OwnSharePermille())) }

// ---- calls ----

type listPage struct {
	F        *Fmt
	Calls    []*Call
	Phase    string
	Query    string
	LSG      string
	LSGs     []places.Place
	CanNew   bool
	Lang     string
	NamesLSG map[string]string
	Phases   []string
	Prev     string // query of the previous page ("" on the first)
	Next     string // query of the next page ("" on the last)
}

// CallsPerPage is the length of a page of the call list.
const CallsPerPage = 20

func (h *Handlers) lsgNames(r *http.Request) (map[string]string, []places.Place) {
	names := map[string]string{}
	all, err := h.places.LSGs(r.Context())
	if err != nil {
		return names, nil
	}
	for _, p := range all {
		names[p.Code] = p.NameLat
		if loc(r) == "sr-Cyrl" || loc(r) == "mk" {
			if p.NameCyr != "" {
				names[p.Code] = p.NameCyr
			}
		}
	}
	return names, all
}

func (h callPages) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := CallFilter{Phase: q.Get("phase"), Query: q.Get("q"), LSG: q.Get("lsg"), Drafts: auth.UserFrom(r)}
	switch f.Phase {
	case "", PhaseOpen, PhaseUpcoming, PhaseClosed, PhaseDecided:
	default:
		f.Phase = ""
	}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	if len(f.LSG) > 100 {
		f.LSG = ""
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 || page > 10000 {
		page = 1
	}
	f.Limit, f.Offset = CallsPerPage+1, (page-1)*CallsPerPage
	calls, err := h.svc.Calls.List(r.Context(), f)
	if err != nil {
		return err
	}
	// One more than a page was asked for: it says whether a next page exists.
	published := 0
	for i, c := range calls {
		if c.Status != StatusDraft {
			published++
			if published > CallsPerPage {
				calls = calls[:i]
				break
			}
		}
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for key, val := range map[string]string{"phase": f.Phase, "q": f.Query, "lsg": f.LSG} {
			if val != "" {
				v.Set(key, val)
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return v.Encode()
	}
	lp := listPage{F: h.fmt(r), Calls: calls, Phase: f.Phase, Query: f.Query, LSG: f.LSG, Lang: loc(r), Phases: []string{PhaseOpen, PhaseUpcoming, PhaseClosed, PhaseDecided}}
	if page > 1 {
		lp.Prev = pageURL(page - 1)
		if lp.Prev == "" {
			lp.Prev = "page=1"
		}
	}
	if published > CallsPerPage {
		lp.Next = pageURL(page + 1)
	}
	lp.NamesLSG, lp.LSGs = h.lsgNames(r)
	lp.CanNew = len(h.publishers(r, auth.UserFrom(r))) > 0
	return h.srv.Render.Page(w, r, "grants/list", lp)
}

// Publisher is one choice of who publishes a call.
type Publisher struct{ Value, Name string }

func (h callPages) publishers(r *http.Request, u *auth.User) []Publisher {
	if u == nil {
		return nil
	}
	var out []Publisher
	seen := map[string]bool{}
	add := func(v, name string) {
		if !seen[v] && CanPublishFor(u, v) {
			seen[v] = true
			out = append(out, Publisher{v, name})
		}
	}
	names, _ := h.lsgNames(r)
	for _, g := range u.Grants {
		if g.ScopeKind == auth.ScopeLSG {
			add("lsg:"+g.ScopeRef, names[g.ScopeRef])
		}
	}
	for _, o := range h.orgs(r) {
		if o.Kind == "lsg" && o.PlaceCode != "" {
			add("lsg:"+o.PlaceCode, o.Name)
		}
		add("org:"+o.PublicID, o.Name)
	}
	return out
}

type callForm struct {
	F          *Fmt
	Form       *web.Form
	Call       *Call
	Publishers []Publisher
	Langs      []string
	Currencies []string
	Types      []string
	Locked     bool
}

func (h callPages) callFormPage(w http.ResponseWriter, r *http.Request, status int, d callForm) error {
	d.F = h.fmt(r)
	d.Langs = []string{"bs", "hr", "sr-Latn", "mk", "sq", "en"}
	d.Currencies = []string{"BAM", "EUR", "USD", "MKD"}
	d.Types = FieldTypes()
	page := "grants/call_form"
	return h.srv.Render.PageStatus(w, r, status, page, d)
}

func (h callPages) newCall(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	pubs := h.publishers(r, u)
	if len(pubs) == 0 {
		return refuse.ErrForbidden
	}
	f := web.EmptyForm()
	now := h.svc.Now().In(h.svc.Zone())
	f.Values.Set("currency", "BAM")
	f.Values.Set("lang", "bs")
	f.Values.Set("divergence_pct", "30")
	f.Values.Set("opens_at", now.Format("2006-01-02T15:04:05"))
	f.Values.Set("questions_until", now.AddDate(0, 0, 21).Format("2006-01-02")+"T16:00:00")
	f.Values.Set("closes_at", now.AddDate(0, 0, 30).Format("2006-01-02")+"T23:59:59")
	return h.callFormPage(w, r, http.StatusOK, callForm{Form: f, Publishers: pubs})
}

func callInput(f *web.Form) CallInput {
	in := CallInput{Publisher: f.Get("publisher"), Funder: f.Get("funder"), Lang: f.Get("lang"), Currency: f.Get("currency"), Total: f.Get("total"), Min: f.Get("min"), Max: f.Get("max"),
		OwnSharePct: f.Get("own_share_pct"), DivergencePct: f.Get("divergence_pct"), OpensAt: f.Get("opens_at"), QuestionsUntil: f.Get("questions_until"), ClosesAt: f.Get("closes_at"),
		Eligibility: f.Values.Get("eligibility"), Form: f.Values.Get("form"), Criteria: f.Values.Get("criteria")}
	in.Texts = append(in.Texts, Text{Lang: in.Lang, Title: f.Get("title"), Body: f.Values.Get("body")})
	for _, l := range []string{"bs", "hr", "sr-Latn", "mk", "sq", "en"} {
		if l == in.Lang {
			continue
		}
		in.Texts = append(in.Texts, Text{Lang: l, Title: f.Get("title_" + l), Body: f.Values.Get("body_" + l)})
	}
	return in
}

func (h callPages) createCall(w http.ResponseWriter, r *http.Request) error {
	u, f, err := auth.NeedForm(r)
	if err != nil {
		return err
	}
	// Who may publish for nobody hears that before anything about the
	// form, as on the form's own page.
	pubs := h.publishers(r, u)
	if len(pubs) == 0 {
		return refuse.ErrForbidden
	}
	c, err := h.svc.Calls.Create(r.Context(), u, callInput(f), h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return h.callFormPage(w, r, http.StatusUnprocessableEntity, callForm{Form: f, Publishers: pubs})
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/calls/"+c.Slug)
}

func (h *Handlers) loadCall(r *http.Request) (*Call, error) {
	c, err := h.svc.Calls.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if !CallVisible(auth.UserFrom(r), c) {
		return nil, refuse.ErrNotFound
	}
	return c, nil
}

func (h *Handlers) manageable(w http.ResponseWriter, r *http.Request) (*auth.User, *Call, error) {
	u := auth.UserFrom(r)
	if u == nil {
		return nil, nil, refuse.ErrNotFound
	}
	c, err := h.loadCall(r)
	if err != nil {
		return nil, nil, err
	}
	if !CanManage(u, c) {
		return nil, nil, refuse.ErrForbidden
	}
	return u, c, nil
}

func formOfCall(c *Call, zone *time.Location) *web.Form {
	f := web.EmptyForm()
	v := f.Values
	v.Set("publisher", publisherOf(c))
	v.Set("funder", c.Funder)
	v.Set("lang", c.Lang)
	for _, t := range c.Texts {
		if t.Lang == c.Lang {
			v.Set("title", t.Title)
			v.Set("body", t.Body)
		} else {
			v.Set("title_"+t.Lang, t.Title)
			v.Set("body_"+t.Lang, t.Body)
		}
	}
	v.Set("currency", c.Currency)
	v.Set("total", money.New(c.Total, c.Currency).Decimal())
	v.Set("min", money.New(c.Min, c.Currency).Decimal())
	v.Set("max", money.New(c.Max, c.Currency).Decimal())
	v.Set("own_share_pct", strconv.Itoa(c.OwnSharePct))
	v.Set("divergence_pct", strconv.Itoa(c.DivergencePct))
	v.Set("opens_at", FormatLocal(c.OpensAt, zone))
	v.Set("questions_until", FormatLocal(c.QuestionsUntil, zone))
	v.Set("closes_at", FormatLocal(c.ClosesAt, zone))
	v.Set("eligibility", c.EligibilityDef)
	v.Set("form", c.FormDef)
	v.Set("criteria", c.CriteriaDef)
	return f
}

func (h callPages) editCall(w http.ResponseWriter, r *http.Request) error {
	_, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	locked := c.Status != StatusDraft && !h.svc.Now().Before(c.OpensAt)
	return h.callFormPage(w, r, http.StatusOK, callForm{Form: formOfCall(c, h.svc.Zone()), Call: c, Locked: locked})
}

func (h callPages) updateCall(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	_, err = h.svc.Calls.Update(r.Context(), u, c.Slug, callInput(f), h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		locked := c.Status != StatusDraft && !h.svc.Now().Before(c.OpensAt)
		return h.callFormPage(w, r, http.StatusUnprocessableEntity, callForm{Form: f, Call: c, Locked: locked})
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/calls/"+c.Slug)
}

func (h callPages) publishCall(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	if err := h.svc.Calls.Publish(r.Context(), u, c.Slug, h.meta(r)); err != nil {
		return err
	}
	return h.redirect(w, r, "/calls/"+c.Slug)
}

type callPage struct {
	F           *Fmt
	Call        *Call
	Text        Text
	LSGName     string
	Questions   []QA
	Documents   []File
	CanManage   bool
	CanApply    bool
	CanAsk      bool
	Form        *web.Form
	Mine        []*Application
	Awards      []*Award
	Phase       string
	SignedIn    bool
	AnswerForms bool
}

func (h callPages) callPage(w http.ResponseWriter, r *http.Request, c *Call, f *web.Form, status int) error {
	ctx := r.Context()
	u := auth.UserFrom(r)
	qs, err := h.svc.Calls.Questions(ctx, c.ID)
	if err != nil {
		return err
	}
	docs, err := h.svc.Applications.Files(ctx, "call", c.ID)
	if err != nil {
		return err
	}
	names, _ := h.lsgNames(r)
	now := h.svc.Now()
	d := callPage{F: h.fmt(r), Call: c, Text: c.TextIn(loc(r)), LSGName: names[c.LSG], Questions: qs, Documents: docs, CanManage: CanManage(u, c), Form: f, Phase: c.Phase(now), SignedIn: u != nil}
	web.StateOf(r).Share = &web.Share{Kind: "grants.share.kind", Title: d.Text.Title,
		Description: c.Funder + " · " + d.F.Money(c.Total, c.Currency) + " · " + d.F.p.T("grants.share.closes", "date", d.F.When(c.ClosesAt))}
	if c.AcceptsAt(now) && len(ApplicantOrgs(u)) > 0 {
		orgs, err := h.svc.Applications.OrgsFor(ctx, u, c)
		if err != nil {
			return err
		}
		d.CanApply = len(orgs) > 0 // not the call's own publisher and its people
	}
	d.CanAsk = u != nil && c.Status == StatusPublished && !now.Before(c.OpensAt) && !now.After(c.QuestionsUntil)
	for _, org := range ApplicantOrgs(u) {
		if a, err := h.svc.Applications.Of(ctx, c.ID, org); err == nil {
			d.Mine = append(d.Mine, a)
		}
	}
	if c.Status == StatusDecided {
		if d.Awards, err = h.svc.Awards.OfCall(ctx, c); err != nil {
			return err
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "grants/call", d)
}

func (h callPages) call(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadCall(r)
	if err != nil {
		return err
	}
	return h.callPage(w, r, c, web.EmptyForm(), http.StatusOK)
}

func (h callPages) ask(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.signedInCall(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	err = h.svc.Calls.Ask(r.Context(), u, c, f.Values.Get("question"), h.meta(r))
	again := func(status int) error { return h.callPage(w, r, c, f, status) }
	return h.formDone(w, r, f, err, again, "/calls/"+c.Slug+"#qa")
}

func (h callPages) answer(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	err = h.svc.Calls.Answer(r.Context(), u, c, r.PathValue("qid"), f.Values.Get("answer"), h.meta(r))
	again := func(status int) error { return h.callPage(w, r, c, f, status) }
	return h.formDone(w, r, f, err, again, "/calls/"+c.Slug+"#qa")
}

// upload reads one file field of a multipart form (nil when none was sent).
func upload(r *http.Request, field string) (*Upload, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
		return nil, nil
	}
	fh := r.MultipartForm.File[field][0]
	if fh.Size == 0 && fh.Filename == "" {
		return nil, nil
	}
	if fh.Size > MaxFile {
		return &Upload{Filename: fh.Filename, Data: make([]byte, MaxFile+1)}, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, err
	}
	return &Upload{Filename: fh.Filename, Data: b}, nil
}

func (h callPages) addDocument(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	up, err := upload(r, "document")
	if err != nil {
		return &web.Error{Status: http.StatusBadRequest, Err: err}
	}
	f := web.NewForm(r)
	if up == nil {
		f.Errors["document"] = "grants.file.empty"
		return h.callPage(w, r, c, f, http.StatusUnprocessableEntity)
	}
	err = h.svc.Applications.AddDocument(r.Context(), u, c, *up, h.meta(r))
	again := func(status int) error { return h.callPage(w, r, c, f, status) }
	return h.formDone(w, r, f, err, again, "/calls/"+c.Slug+"#documents")
}

func (h applicationPages) file(w http.ResponseWriter, r *http.Request) error {
	f, err := h.svc.Applications.FileByPID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	ok, err := h.svc.Applications.CanReadFile(r.Context(), auth.UserFrom(r), f)
	if err != nil {
		return err
	}
	if !ok {
		return refuse.ErrNotFound
	}
	rd, err := h.svc.Applications.OpenFile(f)
	if err != nil {
		h.srv.Log.WarnContext(r.Context(), "an attachment cannot be read", "file", f.PublicID, "err", err)
		return err
	}
	defer rd.Close()
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Filename))
	hd.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(w, rd)
	return err
}

// ---- feeds ----

func (h callPages) atom(w http.ResponseWriter, r *http.Request) error {
	calls, err := h.svc.Calls.List(r.Context(), CallFilter{Limit: 50})
	if err != nil {
		return err
	}
	base := h.svc.o.BaseURL + "/" + loc(r)
	p := h.srv.Cat.Printer(loc(r))
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	return writeAtom(w, base, p.T("grants.feed.title"), calls, loc(r), h.svc.Now())
}

func (h callPages) ical(w http.ResponseWriter, r *http.Request) error {
	calls, err := h.svc.Calls.List(r.Context(), CallFilter{})
	if err != nil {
		return err
	}
	p := h.srv.Cat.Printer(loc(r))
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="calls.ics"`)
	return writeICal(w, h.svc.o.BaseURL+"/"+loc(r), calls, loc(r), p.T("grants.ical.questions"), p.T("grants.ical.closes"), h.svc.Now())
}

// ---- registry ----

type registryPage struct {
	F         *Fmt
	Records   []Support
	Dash      Dashboard
	Charts    Charts
	Year      int
	LSG       string
	LSGName   string
	Procedure string
	Years     []int
	LSGs      []string
	Names     map[string]string
	CSV       string
	Total     int    // records matching the filter
	First     int    // number of the first record shown (from 1)
	Prev      string // query of the previous page of records
	Next      string // query of the next page of records
}

// RecordsPerPage is how many registry records one page lists; the
// dashboard above them sums all of them, and the CSV has them all.
const RecordsPerPage = 50

// supportFilter reads the registry's filter from a query; anything
// unusable is dropped (the registry is public and must not fail on junk).
func supportFilter(q url.Values) (SupportFilter, url.Values) {
	f := SupportFilter{LSG: q.Get("lsg"), Procedure: q.Get("procedure")}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 1990 && y <= 2100 {
		f.Year = y
	}
	if f.Procedure != "open_call" && f.Procedure != "direct" {
		f.Procedure = ""
	}
	if len(f.LSG) > 100 {
		f.LSG = ""
	}
	v := url.Values{}
	if f.Year != 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	if f.LSG != "" {
		v.Set("lsg", f.LSG)
	}
	if f.Procedure != "" {
		v.Set("procedure", f.Procedure)
	}
	return f, v
}

// allYears is the records of f's LSG and procedure in every year: the
// dashboard's yearly charts show them all, the rest narrows to f.Year.
func (h registryPages) allYears(r *http.Request, f SupportFilter) ([]Support, error) {
	f.Year = 0
	return h.supportEUR(r, f)
}

// supportEUR is the records of f with their euro values.
func (h *Handlers) supportEUR(r *http.Request, f SupportFilter) ([]Support, error) {
	recs, err := h.svc.Registry.Support(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return recs, h.svc.Registry.ToEUR(r.Context(), recs)
}

func (h registryPages) registry(w http.ResponseWriter, r *http.Request) error {
	f, v := supportFilter(r.URL.Query())
	all, err := h.allYears(r, f)
	if err != nil {
		return err
	}
	recs := OnlyYear(all, f.Year)
	years, err := h.svc.Registry.Years(r.Context())
	if err != nil {
		return err
	}
	lsgs, err := h.svc.Registry.LSGs(r.Context())
	if err != nil {
		return err
	}
	names, _ := h.lsgNames(r)
	csvURL := "/api/v1/grants/support.csv"
	if len(v) > 0 {
		csvURL += "?" + v.Encode()
	}
	ch := BuildCharts(h.srv.Cat.Printer(loc(r)), all, f.Year, v)
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 || (page-1)*RecordsPerPage >= len(recs) {
		page = 1
	}
	rp := registryPage{F: h.fmt(r), Dash: ch.Dash, Charts: ch, Year: f.Year, LSG: f.LSG, LSGName: names[f.LSG], Procedure: f.Procedure, Years: years, LSGs: lsgs, Names: names, CSV: csvURL, Total: len(recs)}
	from := (page - 1) * RecordsPerPage
	rp.Records = recs[from:min(from+RecordsPerPage, len(recs))]
	rp.First = from + 1
	pageQuery := func(n int) string {
		q := url.Values{}
		for k, vals := range v {
			q[k] = vals
		}
		q.Set("page", strconv.Itoa(n))
		return q.Encode()
	}
	if page > 1 {
		rp.Prev = pageQuery(page - 1)
	}
	if from+RecordsPerPage < len(recs) {
		rp.Next = pageQuery(page + 1)
	}
	return h.srv.Render.Page(w, r, "grants/registry", rp)
}

func (h registryPages) supportCSV(w http.ResponseWriter, r *http.Request) error {
	f, _ := supportFilter(r.URL.Query())
	recs, err := h.supportEUR(r, f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="who-funded-whom.csv"`)
	return WriteSupportCSV(w, recs)
}

// dashboardCSV serves the numbers of one dashboard chart (?by=year, csos,
// procedure or recipient) for the registry's filter.
func (h registryPages) dashboardCSV(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("by")
	if !slices.Contains(dashKinds, kind) {
		return web.ErrBadRequest
	}
	f, _ := supportFilter(r.URL.Query())
	all, err := h.allYears(r, f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="who-funded-whom-by-`+kind+`.csv"`)
	_, err = WriteDashboardCSV(w, kind, all, f.Year)
	return err
}

func (h registryPages) giving(w http.ResponseWriter, r *http.Request) error {
	names, _ := h.lsgNames(r)
	pkg, err := h.svc.Registry.Giving(r.Context(), func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, pkg)
	return nil
}

// Section renders the calls and support of an LSG for its page.
func (h *Handlers) Section(r *http.Request, p places.Place) (template.HTML, error) {
	calls, err := h.svc.Calls.List(r.Context(), CallFilter{LSG: p.Code, Limit: 10})
	if err != nil {
		return "", err
	}
	recs, err := h.supportEUR(r, SupportFilter{LSG: p.Code})
	if err != nil {
		return "", err
	}
	if len(calls) == 0 && len(recs) == 0 {
		return "", nil
	}
	return h.srv.Render.Fragment(r, "grants/list", "lsg-section", sectionData{F: h.fmt(r), Calls: calls, Place: p, Dash: Summarise(recs), Lang: loc(r)})
}

type sectionData struct {
	F     *Fmt
	Calls []*Call
	Place places.Place
	Dash  Dashboard
	Lang  string
}

// Paras splits plain text into paragraphs at blank lines.
func (f *Fmt) Paras(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Local is a time for a datetime-local input.
func (f *Fmt) Local(t time.Time) string { return FormatLocal(t, f.zone) }

// Itoa formats an int for a value attribute.
func (f *Fmt) Itoa(n int) string { return strconv.Itoa(n) }

// Label is a budget-row field name.
func (f *Fmt) Row(i int, part string) string { return "budget_" + strconv.Itoa(i) + "_" + part }

// Plus1 numbers rows from one.
func (f *Fmt) Plus1(i int) string { return strconv.Itoa(i + 1) }

// YesNo is the localised answer.
func (f *Fmt) YesNo(b bool) string {
	if b {
		return f.p.T("grants.yes")
	}
	return f.p.T("grants.no")
}

// Add is first+n-1: the number of the last of n records from first.
func (f *Fmt) Add(first, n int) int { return first + n - 1 }

// Join lists names for a sentence.
func (f *Fmt) Join(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = script(f.p, n)
	}
	return strings.Join(out, ", ")
}

// Rest is 100 minus a percentage.
func (f *Fmt) Rest(pct int) int {
	if pct > 100 {
		return 0
	}
	return 100 - pct
}

// SectionFor is the grants section of an LSG page: its calls and the
// support it gave.
func SectionFor(srv *web.Server, svc *Service, pl *places.Service) places.Section {
	h := &Handlers{svc: svc, srv: srv, places: pl}
	return h.Section
}
