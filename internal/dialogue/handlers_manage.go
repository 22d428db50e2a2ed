package dialogue

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

// manageOps are the forms of the coordinator's page.
var manageOps = []string{"member", "invite", "priority", "action", "action-status", "verification", "goal", "resident", "codes", "meeting", "ballot"}

type managePage struct {
	P          *Platform
	Names      []LSGName
	Certify    []LSGName // the LSGs whose residents the viewer may verify
	Members    []Member
	Priorities []Priority
	Actions    []Action
	Review     []Initiative
	Ballotable []Initiative
	Ballots    []Ballot
	Forms      map[string]*web.Form
	Op         string
	Codes      []string
	CodesLSG   *LSGName
	Done       string
	Year       int
	Roles      []string
	Statuses   []string
}

func (h *Handlers) requireManager(w http.ResponseWriter, r *http.Request) (*auth.User, *Platform, bool, error) {
	u, p, err := h.signedInOn(r)
	if err != nil {
		return nil, nil, false, err
	}
	if !h.svc.Platforms.CanManage(r.Context(), u, p) {
		return nil, nil, false, refuse.ErrForbidden
	}
	return u, p, true, nil
}

func (h managePages) manage(w http.ResponseWriter, r *http.Request) error {
	_, p, ok, err := h.requireManager(w, r)
	if !ok {
		return err
	}
	return h.managePage(w, r, p, "", nil, nil, http.StatusOK)
}

func (h managePages) managePage(w http.ResponseWriter, r *http.Request, p *Platform, op string, f *web.Form, codes []string, status int) error {
	ctx := r.Context()
	d := managePage{P: p, Names: h.lsgNames(ctx, p.LSGs), Forms: map[string]*web.Form{}, Op: op, Codes: codes, Done: doneKey(r),
		Year: time.Now().In(h.zone).Year(), Roles: Roles(), Statuses: ActionStatuses()}
	d.Certify = h.lsgNames(ctx, h.svc.Residents.CanCertify(ctx, auth.UserFrom(r), p))
	for _, o := range manageOps {
		d.Forms[o] = web.EmptyForm()
	}
	if f != nil {
		d.Forms[op] = f
	}
	if len(codes) > 0 && f != nil {
		n := h.lsgNames(ctx, []string{f.Get("lsg")})[0]
		d.CodesLSG = &n
	}
	var err error
	if d.Members, err = h.svc.Platforms.Members(ctx, p); err != nil {
		return err
	}
	if d.Priorities, err = h.svc.Platforms.Priorities(ctx, p); err != nil {
		return err
	}
	if d.Actions, err = h.svc.Platforms.Actions(ctx, p, 0); err != nil {
		return err
	}
	all, err := h.svc.Initiatives.List(ctx, InitiativeFilter{PlatformID: p.ID})
	if err != nil {
		return err
	}
	if d.Ballotable, err = h.svc.Ballots.Ballotable(ctx, p); err != nil {
		return err
	}
	if d.Ballots, err = h.svc.Ballots.List(ctx, p, true); err != nil {
		return err
	}
	if f == nil || op != "ballot" {
		d.Forms["ballot"].Values.Set("b_currency", "BAM")
	}
	for _, x := range all {
		switch x.State {
		case StateSubmitted, StateAdmissible, StateOpen, StateSelected, StateCofinanced, StateImplementation:
			d.Review = append(d.Review, x)
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "dialogue/manage", d)
}

func (h managePages) manageOp(w http.ResponseWriter, r *http.Request) error {
	u, p, ok, err := h.requireManager(w, r)
	if !ok {
		return err
	}
	op, f := r.PathValue("op"), web.NewForm(r)
	if op == "codes" {
		// The codes are shown once, on their own page, and never cached.
		n, _ := strconv.Atoi(f.Get("count"))
		codes, err := h.svc.Residents.IssueCodes(r.Context(), u, p, f.Get("lsg"), n, h.meta(r))
		if err != nil {
			return h.manageFailed(w, r, p, op, f, err)
		}
		w.Header().Set("Cache-Control", "no-store")
		return h.srv.Render.Page(w, r, "dialogue/codes", codesPage{P: p, Codes: codes, LSG: h.lsgNames(r.Context(), []string{f.Get("lsg")})[0]})
	}
	next, err := h.manageStep(r, u, p, op, f)
	if err != nil {
		return h.manageFailed(w, r, p, op, f, err)
	}
	return h.redirect(w, r, next, "saved")
}

// manageFailed shows the management page again with the form's errors, or
// refuses.
func (h managePages) manageFailed(w http.ResponseWriter, r *http.Request, p *Platform, op string, f *web.Form, err error) error {
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return h.managePage(w, r, p, op, f, nil, http.StatusUnprocessableEntity)
	}
	return refusal(err)
}

// manageStep does one management operation and returns the page to go to.
func (h managePages) manageStep(r *http.Request, u *auth.User, p *Platform, op string, f *web.Form) (string, error) {
	ctx, m := r.Context(), h.meta(r)
	back := "/platforms/" + p.Slug + "/manage"
	switch op {
	case "member":
		status := "active"
		if f.Get("remove") != "" {
			status = ""
		}
		return back, h.svc.Platforms.SetMember(ctx, u, p, atoi64(f.Get("member")), f.Get("role"), status, m)
	case "invite":
		target, err := h.person(ctx, f.Get("email"), "form.required")
		if err != nil {
			return "", err
		}
		return back, h.svc.Platforms.Invite(ctx, u, p, target.ID, target.PublicID, f.Get("role"), m)
	case "priority":
		return back, h.svc.Platforms.AddPriority(ctx, u, p, f.Get("priority"), f.Get("tags"), m)
	case "action":
		year, _ := strconv.Atoi(f.Get("year"))
		return back, h.svc.Platforms.AddAction(ctx, u, p, Action{Year: year, Title: f.Get("title"), Owner: f.Get("owner"), Deadline: f.Get("deadline"), Status: f.Get("status")}, m)
	case "action-status":
		return back, h.svc.Platforms.SetActionStatus(ctx, u, p, atoi64(f.Get("action")), f.Get("status"), m)
	case "verification":
		return back, h.svc.Platforms.SetVerification(ctx, u, p, f.Get("requires_verification") == "1", m)
	case "goal":
		return back, h.svc.Platforms.SetSupportGoal(ctx, u, p, f.Get("support_goal"), m)
	case "resident":
		target, err := h.person(ctx, f.Get("email"), "dialogue.user.unknown")
		if err != nil {
			return "", err
		}
		return back, h.svc.Residents.Verify(ctx, u, p, target.ID, target.PublicID, f.Get("lsg"), m)
	case "meeting":
		mt, err := h.createMeeting(r, u, p, f)
		if err != nil {
			return "", err
		}
		return "/platforms/" + p.Slug + "/meetings/" + mt.PublicID, nil
	case "ballot":
		b, err := h.createBallot(r, u, p, f)
		if err != nil {
			return "", err
		}
		return "/platforms/" + p.Slug + "/ballots/" + b.PublicID, nil
	}
	return "", refuse.ErrNotFound
}

// person finds the account of an e-mail address typed into a form; an
// empty address is the field error emptyKey.
func (h managePages) person(ctx context.Context, email, emptyKey string) (*auth.User, error) {
	email = auth.NormalizeEmail(email)
	if email == "" {
		return nil, FieldErrors{"email": emptyKey}
	}
	target, err := h.users.UserByEmail(ctx, email)
	if errors.Is(err, refuse.ErrNotFound) {
		return nil, FieldErrors{"email": "dialogue.user.unknown"}
	}
	return target, err
}

// createMeeting creates a meeting from the management form.
func (h managePages) createMeeting(r *http.Request, u *auth.User, p *Platform, f *web.Form) (*Meeting, error) {
	in := MeetingInput{Title: f.Get("title"), Place: f.Get("place"), OnlineURL: f.Get("online_url"), Agenda: f.Get("agenda")}
	in.StartsAt = h.parseLocal(f.Get("starts_at"))
	in.EndsAt = h.parseLocal(f.Get("ends_at"))
	if f.Get("starts_at") != "" && in.StartsAt.IsZero() {
		return nil, FieldErrors{"starts_at": "dialogue.date.invalid"}
	}
	if f.Get("ends_at") != "" && in.EndsAt.IsZero() {
		return nil, FieldErrors{"ends_at": "dialogue.date.invalid"}
	}
	return h.svc.Meetings.Create(r.Context(), u, p, in, h.meta(r))
}

type codesPage struct {
	P     *Platform
	LSG   LSGName
	Codes []string
}

// parseLocal reads a datetime-local value in the platform's zone.
func (h *Handlers) parseLocal(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, h.zone); err == nil {
			return t
		}
	}
	return time.Time{}
}

// ---- meetings ----

type meetingPage struct {
	P          *Platform
	M          *Meeting
	Regs       []Registration
	Decisions  []Decision
	Manage     bool
	Registered bool
	SignedIn   bool
	Form       *web.Form
	Op         string
	Done       string
	Minutes    string
	// MinutesHTML was sanitised by text.Markdown when the minutes were saved.
	MinutesHTML template.HTML
}

func (h *Handlers) meetingFrom(r *http.Request) (*Platform, *Meeting, error) {
	p, err := h.platformFrom(r)
	if err != nil {
		return nil, nil, err
	}
	mt, err := h.svc.Meetings.Get(r.Context(), p, r.PathValue("pid"))
	if err != nil {
		return nil, nil, err
	}
	return p, mt, nil
}

func (h managePages) meeting(w http.ResponseWriter, r *http.Request) error {
	p, mt, err := h.meetingFrom(r)
	if err != nil {
		return err
	}
	return h.meetingPage(w, r, p, mt, "", nil, http.StatusOK)
}

func (h managePages) meetingPage(w http.ResponseWriter, r *http.Request, p *Platform, mt *Meeting, op string, f *web.Form, status int) error {
	ctx := r.Context()
	u := auth.UserFrom(r)
	d := meetingPage{P: p, M: mt, Manage: h.svc.Platforms.CanManage(ctx, u, p), Registered: h.svc.Meetings.Registered(ctx, u, mt), SignedIn: u != nil, Op: op, Form: f, Done: doneKey(r), Minutes: mt.MinutesMD, MinutesHTML: template.HTML(mt.MinutesHTML)}
	if d.Form == nil {
		d.Form = web.EmptyForm()
	}
	if op == "minutes" && f != nil {
		d.Minutes = f.Get("minutes")
	}
	var err error
	if d.Manage {
		if d.Regs, err = h.svc.Meetings.Registrations(ctx, mt); err != nil {
			return err
		}
	}
	if d.Decisions, err = h.svc.Meetings.Decisions(ctx, mt); err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "dialogue/meeting", d)
}

func (h managePages) meetingOp(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	p, mt, err := h.meetingFrom(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := web.NewForm(r)
	m := h.meta(r)
	op := r.PathValue("op")
	done := "saved"
	switch op {
	case "register":
		err = h.svc.Meetings.Register(ctx, u, mt, m)
		done = "registered"
	case "attendance":
		att := map[int64]bool{}
		for _, v := range f.Values["attended"] {
			att[atoi64(v)] = true
		}
		err = h.svc.Meetings.SetAttendance(ctx, u, p, mt, att, m)
	case "minutes":
		if !h.svc.Platforms.CanManage(ctx, u, p) {
			return refuse.ErrForbidden
		}
		err = h.svc.Meetings.SetMinutes(ctx, u, p, mt, f.Raw("minutes"), m)
	case "decision":
		if !h.svc.Platforms.CanManage(ctx, u, p) {
			return refuse.ErrForbidden
		}
		err = h.svc.Meetings.AddDecision(ctx, u, p, mt, f.Get("decision"), m)
	default:
		return refuse.ErrNotFound
	}
	again := func(status int) error { return h.meetingPage(w, r, p, mt, op, f, status) }
	return h.formDone(w, r, f, err, again, "/platforms/"+p.Slug+"/meetings/"+mt.PublicID, done)
}
