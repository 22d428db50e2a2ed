package dialogue

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templatesFS embed.FS

// Users is what the handlers need of the auth service.
type Users interface {
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
}

// Handlers serve the dialogue pages and API.
type Handlers struct {
	srv      *web.Server
	svc      *Service
	places   *places.Service
	users    Users
	comments *comments.Handlers
	zone     *time.Location
	ip       func(*http.Request) string
	notice   Visibility
}

// Options configure Register.
type Options struct {
	Places   *places.Service
	Users    Users
	Comments *comments.Service
	CommentH *comments.Handlers
	Zone     *time.Location
	IP       func(*http.Request) string
	// Visibility gives the visibility notice of a registry programme for
	// its page of where the money went (nil: none).
	Visibility Visibility
}

// Visibility is the visibility notice (the funder's disclaimer) of the
// registry project or programme with public id ref, for a reader of r's
// locale; nil when it has none. The registry provides it.
type Visibility func(r *http.Request, ref string) *web.Visibility

// Register adds the dialogue routes:
//
//	GET  /{lang}/platforms                          platforms by LSG (?lsg=)
//	GET  /{lang}/platforms/programmes               where the money went per donor programme (?programme=KEY)
//	GET  /{lang}/platforms/verify                   enter a one-time resident code
//	GET  /{lang}/platforms/{slug}                   a platform: members, priorities, plan, meetings, initiatives
//	GET  /{lang}/platforms/{slug}/manage            the coordinator's page
//	GET  /{lang}/platforms/{slug}/money             where the money went
//	GET  /{lang}/platforms/{slug}/meetings.ics      iCal feed of its meetings
//	GET  /{lang}/platforms/{slug}/meetings/{pid}    a meeting: agenda, registration, attendance, minutes, decisions
//	GET  /{lang}/platforms/{slug}/ballots/{pid}     a participatory-budgeting ballot: vote, results
//	GET  /{lang}/platforms/{slug}/initiatives/new   the initiative form
//	GET  /{lang}/initiatives                        every platform's initiatives as cards (?state=open&lsg=&platform=&page=)
//	GET  /{lang}/initiatives/{pid}                  an initiative with its timeline, supports, money and comments
//	GET  /dialogue/photos/{pid}                     a photo (type-checked on upload, served with its type)
//	GET  /api/v1/platforms, /api/v1/platforms/{slug}, /api/v1/initiatives, /api/v1/initiatives/{pid}
func Register(srv *web.Server, svc *Service, o Options) (*Handlers, error) {
	if err := srv.Render.Register("dialogue", templatesFS, "templates"); err != nil {
		return nil, err
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if o.IP == nil {
		o.IP = func(r *http.Request) string { return r.RemoteAddr }
	}
	h := &Handlers{srv: srv, svc: svc, places: o.Places, users: o.Users, comments: o.CommentH, zone: o.Zone, ip: o.IP, notice: o.Visibility}
	if o.Comments != nil {
		o.Comments.RegisterKind("initiative", comments.Kind{
			CanComment: func(ctx context.Context, u *auth.User, id string) (bool, error) {
				x, p, err := h.load(ctx, id)
				if err != nil {
					return false, err
				}
				return x.State != StateDraft && x.State != StateWithdrawn && svc.Initiatives.Visible(ctx, u, p, x), nil
			},
			CanModerate: func(ctx context.Context, u *auth.User, id string) (bool, error) {
				_, p, err := h.load(ctx, id)
				if err != nil {
					return false, err
				}
				return svc.Platforms.CanModerate(ctx, u, p), nil
			},
			Path: func(id string) string { return "/initiatives/" + id },
		})
	}
	platforms, initiatives, manage := platformPages{h}, initiativePages{h}, managePages{h}
	ballots, api := ballotPages{h}, apiPages{h}
	srv.Render.AddNav("nav.platforms", "/platforms")
	srv.Page("GET /platforms", platforms.list)
	srv.Page("GET /platforms/programmes", platforms.programmes)
	srv.Page("GET /platforms/verify", platforms.verifyForm)
	srv.Page("POST /platforms/verify", platforms.verify)
	srv.Page("GET /platforms/{slug}", platforms.platform)
	srv.Page("POST /platforms/{slug}/join", platforms.join)
	srv.Page("POST /platforms/{slug}/accept", platforms.accept)
	srv.Page("GET /platforms/{slug}/manage", manage.manage)
	srv.Page("POST /platforms/{slug}/manage/{op}", manage.manageOp)
	srv.Page("GET /platforms/{slug}/money", platforms.money)
	srv.Page("GET /platforms/{slug}/meetings.ics", platforms.ics)
	srv.Page("GET /platforms/{slug}/meetings/{pid}", manage.meeting)
	srv.Page("POST /platforms/{slug}/meetings/{pid}/{op}", manage.meetingOp)
	srv.Page("GET /platforms/{slug}/ballots/{pid}", ballots.ballot)
	srv.Page("POST /platforms/{slug}/ballots/{pid}/{op}", ballots.ballotOp)
	srv.Page("GET /platforms/{slug}/initiatives/new", initiatives.newInitiative)
	srv.Page("POST /platforms/{slug}/initiatives/new", initiatives.createInitiative)
	srv.Page("GET /initiatives", initiatives.list)
	srv.Page("GET /initiatives/{pid}", initiatives.initiative)
	srv.Page("POST /initiatives/{pid}/{op}", initiatives.initiativeOp)
	srv.BodyLimit("POST /initiatives/{pid}/{op}", MaxPhoto+(1<<20))
	srv.Handle("GET /dialogue/photos/{pid}", initiatives.photo)
	srv.Handle("GET /api/v1/platforms", api.apiPlatforms)
	srv.Handle("GET /api/v1/platforms/{slug}", api.apiPlatform)
	srv.Handle("GET /api/v1/initiatives", api.apiInitiatives)
	srv.Handle("GET /api/v1/initiatives/{pid}", api.apiInitiative)
	return h, nil
}

// The pages of each entity; they share the Handlers' helpers.
type (
	platformPages   struct{ *Handlers } // platforms, verification, money, programmes
	initiativePages struct{ *Handlers } // initiatives, their actions and photos
	managePages     struct{ *Handlers } // a platform's management and its meetings
	ballotPages     struct{ *Handlers } // participatory-budgeting ballots
	apiPages        struct{ *Handlers } // the JSON API
)

func (h *Handlers) meta(r *http.Request) Meta { return Meta{IP: h.ip(r)} }

func (h *Handlers) load(ctx context.Context, pid string) (*Initiative, *Platform, error) {
	return h.svc.Initiatives.WithPlatform(ctx, pid)
}

// refusal gives a conflict without a message of its own (a unique key, a
// state that moved on) the module's message; the web adapter answers every
// other refusal, keyed ones with their own message.
func refusal(err error) error {
	if refuse.KeyOf(err) == "" && errors.Is(err, refuse.ErrConflict) {
		return &web.Error{Status: http.StatusConflict, Key: "dialogue.conflict", Err: err}
	}
	return err
}

func (h *Handlers) redirect(w http.ResponseWriter, r *http.Request, path, done string) error {
	u := "/" + web.StateOf(r).Locale + path
	if done != "" {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "done=" + done
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// formDone answers a form's POST: with field errors, the form again
// (again renders it with a status); with another error, its refusal; else
// a redirect to path with the done confirmation.
func (h *Handlers) formDone(w http.ResponseWriter, r *http.Request, f *web.Form, err error, again func(status int) error, path, done string) error {
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return again(http.StatusUnprocessableEntity)
	}
	if err != nil {
		return refusal(err)
	}
	return h.redirect(w, r, path, done)
}

// doneKeys are the confirmations a redirect may carry.
var doneKeys = map[string]string{
	"saved": "dialogue.done.saved", "supported": "dialogue.done.supported", "withdrawn": "dialogue.done.withdrawn",
	"requested": "dialogue.done.requested", "joined": "dialogue.done.joined", "verified": "dialogue.done.verified",
	"registered": "dialogue.done.registered", "submitted": "dialogue.done.submitted", "moved": "dialogue.done.moved",
	"voted": "dialogue.done.voted", "followed": "dialogue.done.followed", "unfollowed": "dialogue.done.unfollowed",
}

func doneKey(r *http.Request) string { return doneKeys[r.URL.Query().Get("done")] }

// ---- LSG names ----

// LSGName is an LSG's code with its names, for templates.
type LSGName struct {
	Code, Lat, Cyr string
}

func (h *Handlers) lsgNames(ctx context.Context, codes []string) []LSGName {
	out := make([]LSGName, 0, len(codes))
	for _, c := range codes {
		n := LSGName{Code: c, Lat: c}
		if h.places != nil {
			if p, err := h.places.ByCode(ctx, c); err == nil {
				n.Lat, n.Cyr = p.NameLat, p.NameCyr
			}
		}
		out = append(out, n)
	}
	return out
}

// ---- list ----

type listRow struct {
	PlatformSummary
	Names []LSGName
}

type listPage struct {
	Rows      []listRow
	LSG       *LSGName
	Done      string
	CanNew    bool
	Dashboard *Dashboard // of the LSG, when the list is of one
}

func (h platformPages) list(w http.ResponseWriter, r *http.Request) error {
	lsg := strings.TrimSpace(r.URL.Query().Get("lsg"))
	var pageLSG *LSGName
	if lsg != "" {
		if h.places == nil {
			return refuse.ErrNotFound
		}
		if _, err := h.places.ByCode(r.Context(), lsg); err != nil {
			return refuse.ErrNotFound
		}
		n := h.lsgNames(r.Context(), []string{lsg})[0]
		pageLSG = &n
	}
	list, err := h.svc.Platforms.List(r.Context(), lsg)
	if err != nil {
		return err
	}
	d := listPage{LSG: pageLSG, Done: doneKey(r)}
	if pageLSG != nil {
		if d.Dashboard, err = h.svc.Money.LSGDashboard(r.Context(), lsg); err != nil {
			return err
		}
	}
	for _, p := range list {
		d.Rows = append(d.Rows, listRow{PlatformSummary: p, Names: h.lsgNames(r.Context(), p.LSGs)})
	}
	return h.srv.Render.Page(w, r, "dialogue/list", d)
}

// ---- platform page ----

type platformPage struct {
	P           *Platform
	Names       []LSGName
	Members     []Member
	Priorities  []Priority
	Actions     []Action
	Meetings    []Meeting
	Initiatives []Initiative
	Open        cardsData // the initiatives open for support
	Others      cardsData // the latest of the others
	// InitiativeCount counts the initiatives the viewer may see.
	InitiativeCount int
	Ballots         []Ballot
	Dashboard       *Dashboard
	ByLSG           []lsgCount
	Mine            *Member
	Manage          bool
	SignedIn        bool
	Done            string
	Now             time.Time
}

type lsgCount struct {
	LSGName
	Count int
}

func (h *Handlers) platformFrom(r *http.Request) (*Platform, error) {
	slug := r.PathValue("slug")
	if len(slug) > 120 {
		return nil, refuse.ErrNotFound
	}
	return h.svc.Platforms.Get(r.Context(), slug)
}

// signedInOn is the signed-in person (refuse.ErrSignIn for a visitor) and
// the platform of the request's path.
func (h *Handlers) signedInOn(r *http.Request) (*auth.User, *Platform, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, nil, err
	}
	p, err := h.platformFrom(r)
	return u, p, err
}

func (h platformPages) platform(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.platformFrom(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r)
	d := platformPage{P: p, Names: h.lsgNames(ctx, p.LSGs), SignedIn: u != nil, Done: doneKey(r), Now: time.Now()}
	if d.Members, err = h.svc.Platforms.Members(ctx, p); err != nil {
		return err
	}
	active := d.Members[:0:0]
	for _, m := range d.Members {
		if m.Status == MemberActive {
			active = append(active, m)
		}
	}
	d.Members = active
	if d.Priorities, err = h.svc.Platforms.Priorities(ctx, p); err != nil {
		return err
	}
	if d.Actions, err = h.svc.Platforms.Actions(ctx, p, 0); err != nil {
		return err
	}
	if d.Meetings, err = h.svc.Meetings.List(ctx, p); err != nil {
		return err
	}
	var author int64
	if u != nil {
		author = u.ID
	}
	if d.Initiatives, err = h.svc.Initiatives.List(ctx, InitiativeFilter{PlatformID: p.ID, AuthorID: author}); err != nil {
		return err
	}
	if err := h.splitCards(r, &d); err != nil {
		return err
	}
	if d.Mine, err = h.svc.Platforms.Membership(ctx, p, u); err != nil {
		return err
	}
	d.Manage = h.svc.Platforms.CanManage(ctx, u, p)
	if d.Ballots, err = h.svc.Ballots.List(ctx, p, d.Manage); err != nil {
		return err
	}
	if d.Dashboard, err = h.svc.Money.PlatformDashboard(ctx, p); err != nil {
		return err
	}
	if p.InterMunicipal() {
		counts := map[string]int{}
		for _, c := range d.Dashboard.ByLSG {
			counts[c.LSG] = c.Count
		}
		for _, n := range d.Names {
			d.ByLSG = append(d.ByLSG, lsgCount{LSGName: n, Count: counts[n.Code]})
		}
	}
	return h.srv.Render.Page(w, r, "dialogue/platform", d)
}

func (h platformPages) join(w http.ResponseWriter, r *http.Request) error {
	u, p, err := h.signedInOn(r)
	if err != nil {
		return err
	}
	if err := h.svc.Platforms.RequestJoin(r.Context(), u, p, h.meta(r)); err != nil && !errors.Is(err, refuse.ErrConflict) {
		return refusal(err)
	}
	return h.redirect(w, r, "/platforms/"+p.Slug, "requested")
}

func (h platformPages) accept(w http.ResponseWriter, r *http.Request) error {
	u, p, err := h.signedInOn(r)
	if err != nil {
		return err
	}
	if err := h.svc.Platforms.AcceptInvitation(r.Context(), u, p, h.meta(r)); err != nil {
		return refusal(err)
	}
	return h.redirect(w, r, "/platforms/"+p.Slug, "joined")
}

// ---- money ----

type moneyPage struct {
	P     *Platform
	Names []LSGName
	S     *MoneySummary
}

func (h platformPages) money(w http.ResponseWriter, r *http.Request) error {
	p, err := h.platformFrom(r)
	if err != nil {
		return err
	}
	s, err := h.svc.Money.Summary(r.Context(), p)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "dialogue/money", moneyPage{P: p, Names: h.lsgNames(r.Context(), p.LSGs), S: s})
}

// ---- iCal ----

func (h platformPages) ics(w http.ResponseWriter, r *http.Request) error {
	p, err := h.platformFrom(r)
	if err != nil {
		return err
	}
	// Links and UIDs come from the configured base URL, never from the
	// request's Host header, which a client chooses.
	base := h.svc.BaseURL()
	host := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	if host == "" {
		host = "dijalog"
	}
	loc := web.StateOf(r).Locale
	var buf strings.Builder
	err = h.svc.Meetings.WriteICS(r.Context(), &buf, p, host, func(m *Meeting) string {
		return base + "/" + loc + "/platforms/" + p.Slug + "/meetings/" + m.PublicID
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+p.Slug+`.ics"`)
	_, err = io.WriteString(w, buf.String())
	return err
}

// ---- verification by code ----

type verifyPage struct {
	Form  *web.Form
	Done  string
	Mine  []LSGName
	Login bool
}

func (h platformPages) verifyForm(w http.ResponseWriter, r *http.Request) error {
	return h.verifyPage(w, r, web.EmptyForm(), http.StatusOK)
}

func (h platformPages) verifyPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	u := auth.UserFrom(r)
	d := verifyPage{Form: f, Done: doneKey(r), Login: u == nil}
	if u != nil {
		codes, err := h.svc.Residents.Of(r.Context(), u)
		if err != nil {
			return err
		}
		d.Mine = h.lsgNames(r.Context(), codes)
	}
	return h.srv.Render.PageStatus(w, r, status, "dialogue/verify", d)
}

func (h platformPages) verify(w http.ResponseWriter, r *http.Request) error {
	u, f, err := auth.NeedForm(r)
	if err != nil {
		return err
	}
	_, err = h.svc.Residents.Redeem(r.Context(), u, f.Get("code"), h.meta(r))
	again := func(status int) error { return h.verifyPage(w, r, f, status) }
	return h.formDone(w, r, f, err, again, "/platforms/verify", "verified")
}

// ---- photos ----

func (h initiativePages) photo(w http.ResponseWriter, r *http.Request) error {
	ph, ipid, err := h.svc.Money.Photo(r.Context(), r.PathValue("pid"))
	if err != nil {
		return err
	}
	x, p, err := h.load(r.Context(), ipid)
	if err != nil {
		return err
	}
	if !h.svc.Initiatives.Visible(r.Context(), auth.UserFrom(r), p, x) {
		return refuse.ErrNotFound
	}
	if ph.ContentType != "image/png" && ph.ContentType != "image/jpeg" {
		return refuse.ErrNotFound
	}
	f, err := h.svc.Money.OpenPhoto(ph)
	if err != nil {
		h.srv.Log.WarnContext(r.Context(), "a photo cannot be read", "photo", ph.PublicID, "err", err)
		return fmt.Errorf("dialogue: open photo %s: %w", ph.PublicID, err)
	}
	defer f.Close()
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Content-Disposition", "inline")
	// The photo is read only by those who may see its initiative: no
	// shared cache may keep it for others.
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, err = io.Copy(w, f)
	return err
}

// ---- the LSG page section ----

type sectionData struct {
	Code string
	Rows []listRow
}

// Section is the dialogue section of an LSG page.
func (h *Handlers) Section(r *http.Request, pl places.Place) (template.HTML, error) {
	if !pl.IsLSG() {
		return "", nil
	}
	list, err := h.svc.Platforms.List(r.Context(), pl.Code)
	if err != nil {
		return "", err
	}
	d := sectionData{Code: pl.Code}
	for _, p := range list {
		d.Rows = append(d.Rows, listRow{PlatformSummary: p, Names: h.lsgNames(r.Context(), p.LSGs)})
	}
	return h.srv.Render.Fragment(r, "dialogue/list", "dialogue-section", d)
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}
