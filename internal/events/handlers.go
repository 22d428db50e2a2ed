package events

import (
	"embed"
	"errors"
	"net/http"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/text"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templatesFS embed.FS

// Handlers serve the event pages and calendars.
type Handlers struct {
	svc *Service
	srv *web.Server
	dir Directory
	ip  func(*http.Request) string
}

// Directory names LSGs and organisations for the organiser choices; the app
// wires it to the places and auth services.
type Directory interface {
	LSGName(r *http.Request, code string) string
	OrgName(r *http.Request, pid string) string
	// LSGChoices are the LSGs as a pick list in the reader's language.
	LSGChoices(r *http.Request) []web.Choice
}

// Register adds the routes and templates of events.
// clientIP gives a request's client address (for the registration
// throttle).
func Register(srv *web.Server, svc *Service, dir Directory, clientIP func(*http.Request) string) error {
	if err := srv.Render.Register("events", templatesFS, "templates"); err != nil {
		return err
	}
	h := &Handlers{svc: svc, srv: srv, dir: dir, ip: clientIP}
	srv.Render.AddNavIn("community", "nav.events", "/events")
	srv.Page("GET /events", h.list)
	srv.Page("GET /events/new", h.newForm)
	srv.Page("POST /events/new", h.create)
	srv.Page("GET /events/{slug}", h.event)
	srv.Page("POST /events/{slug}/register", h.register)
	srv.Page("GET /events/{slug}/event.ics", h.ics)
	srv.Page("GET /events/{slug}/registration/{rid}", h.registration)
	srv.Page("POST /events/{slug}/registration/{rid}/cancel", h.cancelOwn)
	srv.Page("POST /events/{slug}/registration/{rid}/confirm", h.confirmOwn)
	srv.Page("GET /events/{slug}/checkin", h.checkinList)
	srv.Page("POST /events/{slug}/checkin", h.checkin)
	for _, code := range i18n.Codes() {
		code := code
		srv.Handle("GET /"+code+"/events/feed.ics", func(w http.ResponseWriter, r *http.Request) error {
			web.StateOf(r).Locale = code
			return h.feed(w, r, code)
		})
	}
	return nil
}

func locale(r *http.Request) string { return web.StateOf(r).Locale }

func filterFrom(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{}
	f.LSG = tagCode(q.Get("lsg"), false)
	f.Programme = tagCode(q.Get("programme"), true)
	return f
}

func feedQuery(f Filter) string {
	q := ""
	if f.LSG != "" {
		q = "lsg=" + f.LSG
	}
	if f.Programme != "" {
		if q != "" {
			q += "&"
		}
		q += "programme=" + f.Programme
	}
	if q == "" {
		return ""
	}
	return "?" + q
}

type listPage struct {
	Upcoming, Past []*Event
	LSG, Programme string
	LSGPick        web.Pick // the filter's LSG, by name
	ProgrammePick  web.Pick // the filter's programme, among those events name
	FeedURL        string
	CanCreate      bool
}

func (h *Handlers) organisers(r *http.Request) []auth.Publisher {
	return auth.PublishersOf(auth.UserFrom(r), "dijalog",
		func(code string) string { return h.dir.LSGName(r, code) },
		func(pid string) string { return h.dir.OrgName(r, pid) })
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	up := f
	up.Upcoming = true
	upcoming, err := h.svc.List(r.Context(), up)
	if err != nil {
		return err
	}
	past := f
	past.Past, past.Limit = true, 30
	pe, err := h.svc.List(r.Context(), past)
	if err != nil {
		return err
	}
	lsg, prog := h.picks(r, f.LSG, f.Programme)
	lsg.Empty, prog.Empty = "lang.pick.any", "lang.pick.any"
	return h.srv.Render.Page(w, r, "events/list", listPage{Upcoming: upcoming, Past: pe, LSG: f.LSG, Programme: f.Programme,
		LSGPick: lsg, ProgrammePick: prog,
		FeedURL: "/events/feed.ics" + feedQuery(f), CanCreate: len(h.organisers(r)) > 0})
}

// picks are the pick lists of an event's LSG and programme (people pick
// names, not codes: issue 16).
func (h *Handlers) picks(r *http.Request, lsg, programme string) (web.Pick, web.Pick) {
	pr := h.srv.Cat.Printer(web.StateOf(r).Locale)
	var progs []web.Choice
	if ps, err := h.svc.Programmes(r.Context()); err == nil {
		for _, p := range ps {
			progs = append(progs, web.Choice{Value: p, Label: pr.Tag("programme", p)})
		}
	}
	return web.NewPick("lsg", "news.tag.lsg", h.dir.LSGChoices(r), lsg), web.NewPick("programme", "news.tag.programme", progs, programme)
}

type eventPage struct {
	Event     *Event
	Form      *web.Form
	Done      *Registration
	Organiser bool
}

func (h *Handlers) event(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "events/event", eventPage{Event: e, Form: registrantForm(r), Organiser: CanOrganise(auth.UserFrom(r), e)})
}

// registrantForm is the registration form, filled in with the signed-in
// person's name and address (whose seat is then booked at once).
func registrantForm(r *http.Request) *web.Form {
	f := web.EmptyForm()
	if u := auth.UserFrom(r); u != nil {
		f.Values.Set("name", u.Name)
		f.Values.Set("email", u.Email)
	}
	return f
}

func (h *Handlers) register(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	reg, err := h.svc.Register(r.Context(), auth.UserFrom(r), e.Slug, f.Get("name"), f.Get("email"), locale(r), h.ip(r))
	var fe refuse.FieldErrors
	switch {
	case err == nil:
		e, _ = h.svc.BySlug(r.Context(), e.Slug)
		return h.srv.Render.Page(w, r, "events/event", eventPage{Event: e, Form: web.EmptyForm(), Done: reg, Organiser: CanOrganise(auth.UserFrom(r), e)})
	case errors.As(err, &fe):
		f.SetErrors(fe)
	case errors.Is(err, ErrThrottled):
		f.Error = refuse.KeyOf(err)
		return h.srv.Render.PageStatus(w, r, http.StatusTooManyRequests, "events/event", eventPage{Event: e, Form: f, Organiser: CanOrganise(auth.UserFrom(r), e)})
	case errors.Is(err, ErrRegistered), errors.Is(err, ErrClosed):
		f.Error = refuse.KeyOf(err)
	default:
		return err
	}
	return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "events/event", eventPage{Event: e, Form: f, Organiser: CanOrganise(auth.UserFrom(r), e)})
}

type registrationPage struct {
	Event        *Event
	Registration *Registration
	Done         bool // just cancelled
	Confirmed    bool // just confirmed (a pending registration booked)
	Error        string
}

// registration is the registrant's own page, linked from the confirmation
// mail: the status of the registration and a button to cancel it.
func (h *Handlers) registration(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	reg, err := h.svc.Registration(r.Context(), e, r.PathValue("rid"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return h.srv.Render.Page(w, r, "events/registration", registrationPage{Event: e, Registration: reg})
}

// confirmOwn books the seat of a pending registration: the button on the
// registration page its address was mailed (a POST, so that a mail
// scanner that opens the link confirms nothing).
func (h *Handlers) confirmOwn(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	reg, err := h.svc.ConfirmPending(r.Context(), e, r.PathValue("rid"), locale(r))
	if errors.Is(err, ErrClosed) || errors.Is(err, ErrPendingExpired) {
		reg, rerr := h.svc.Registration(r.Context(), e, r.PathValue("rid"))
		if rerr != nil {
			return rerr
		}
		return h.srv.Render.PageStatus(w, r, http.StatusConflict, "events/registration", registrationPage{Event: e, Registration: reg, Error: refuse.KeyOf(err)})
	}
	if err != nil {
		return err
	}
	if e, err = h.svc.BySlug(r.Context(), e.Slug); err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "events/registration", registrationPage{Event: e, Registration: reg, Confirmed: true})
}

func (h *Handlers) cancelOwn(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	reg, err := h.svc.CancelOwn(r.Context(), e, r.PathValue("rid"), locale(r))
	if errors.Is(err, ErrClosed) {
		reg, err = h.svc.Registration(r.Context(), e, r.PathValue("rid"))
		if err != nil {
			return err
		}
		return h.srv.Render.PageStatus(w, r, http.StatusConflict, "events/registration", registrationPage{Event: e, Registration: reg, Error: ErrClosed.Error()})
	}
	if err != nil {
		return err
	}
	e, err = h.svc.BySlug(r.Context(), e.Slug)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "events/registration", registrationPage{Event: e, Registration: reg, Done: true})
}

func (h *Handlers) ics(w http.ResponseWriter, r *http.Request) error {
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+e.Slug+`.ics"`)
	return h.svc.WriteICS(w, e.Title, locale(r), []*Event{e})
}

func (h *Handlers) feed(w http.ResponseWriter, r *http.Request, loc string) error {
	f := filterFrom(r)
	f.Limit = 500
	es, err := h.svc.List(r.Context(), f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	return h.svc.WriteICS(w, h.srv.Cat.Printer(loc).T("events.feed.title"), loc, es)
}

type formPage struct {
	Form          *web.Form
	Organisers    []auth.Publisher
	Kinds         []string
	Langs         []string
	LSGPick       web.Pick
	ProgrammePick web.Pick
}

// formPicks fills the form's pick lists from the values typed.
func (h *Handlers) formPicks(r *http.Request, d formPage) formPage {
	d.LSGPick, d.ProgrammePick = h.picks(r, d.Form.Get("lsg"), d.Form.Get("programme"))
	d.LSGPick.Empty, d.ProgrammePick.Hint = "lang.pick.none", "lang.pick.tag_hint"
	return d
}

func (h *Handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	if auth.UserFrom(r) == nil {
		return h.srv.Render.Page(w, r, "events/signin", nil)
	}
	os := h.organisers(r)
	if len(os) == 0 {
		return refuse.ErrForbidden
	}
	f := web.EmptyForm()
	f.Values.Set("time_zone", "Europe/Sarajevo")
	f.Values.Set("lang", text.ContentLang(locale(r)))
	return h.srv.Render.Page(w, r, "events/new", h.formPicks(r, formPage{Form: f, Organisers: os, Kinds: Kinds, Langs: text.ContentLangs}))
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r)
	if u == nil {
		return refuse.ErrSignIn
	}
	os := h.organisers(r)
	if len(os) == 0 {
		return refuse.ErrForbidden
	}
	f := web.NewForm(r)
	in := Input{Kind: f.Get("kind"), Lang: f.Get("lang"), Title: f.Get("title"), Description: f.Raw("description"), Start: f.Get("start"), End: f.Get("end"),
		TimeZone: f.Get("time_zone"), Venue: f.Get("venue"), Address: f.Get("address"), OnlineURL: f.Get("online_url"), Lat: f.Get("lat"), Lon: f.Get("lon"),
		Capacity: f.Get("capacity"), LSG: f.Get("lsg"), Programme: f.Get("programme")}
	found := false
	for _, o := range os {
		if o.Key() == f.Get("organiser") {
			in.OrganiserKind, in.OrganiserRef, in.OrganiserName, found = o.Kind, o.Ref, o.Name, true
		}
	}
	if !found {
		f.Errors["organiser"] = "news.error.author"
	} else {
		e, err := h.svc.Create(r.Context(), u, in)
		var fe refuse.FieldErrors
		switch {
		case err == nil:
			http.Redirect(w, r, "/"+locale(r)+"/events/"+e.Slug, http.StatusSeeOther)
			return nil
		case errors.As(err, &fe):
			f.SetErrors(fe)
		default:
			return err
		}
	}
	return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "events/new", h.formPicks(r, formPage{Form: f, Organisers: os, Kinds: Kinds, Langs: text.ContentLangs}))
}

type checkinPage struct {
	Event *Event
	Regs  []Registration
}

func (h *Handlers) checkinList(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r)
	if u == nil {
		return refuse.ErrSignIn
	}
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	regs, err := h.svc.Registrations(r.Context(), u, e)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "events/checkin", checkinPage{Event: e, Regs: regs})
}

func (h *Handlers) checkin(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r)
	if u == nil {
		return refuse.ErrSignIn
	}
	e, err := h.svc.BySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	switch f.Get("action") {
	case "cancel":
		err = h.svc.Cancel(r.Context(), u, e, f.Get("registration"), locale(r))
	default:
		err = h.svc.CheckIn(r.Context(), u, e, f.Get("registration"), f.Get("action") != "undo")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/"+locale(r)+"/events/"+e.Slug+"/checkin", http.StatusSeeOther)
	return nil
}
