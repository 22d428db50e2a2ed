package grants

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

// BudgetRows is how many budget lines the form shows.
const BudgetRows = 8

type applyPage struct {
	F      *Fmt
	Call   *Call
	Text   Text
	Orgs   []Publisher
	Form   *web.Form
	App    *Application
	Reason []Question
}

// orgChoices are the organisations u may apply for to c (not the call's
// own publisher: the form offers no choice that sending would refuse).
func (h applicationPages) orgChoices(r *http.Request, u *auth.User, c *Call) ([]Publisher, error) {
	pids, err := h.svc.Applications.OrgsFor(r.Context(), u, c)
	if err != nil {
		return nil, err
	}
	var out []Publisher
	byID := map[string]string{}
	for _, o := range h.orgs(r) {
		byID[o.PublicID] = o.Name
	}
	for _, pid := range pids {
		out = append(out, Publisher{Value: pid, Name: byID[pid]})
	}
	return out, nil
}

func (h applicationPages) applyForm(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.signedInCall(r)
	if err != nil {
		return err
	}
	orgs, err := h.orgChoices(r, u, c)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		if len(ApplicantOrgs(u)) > 0 {
			return ErrOwnCall
		}
		return &web.Error{Status: http.StatusForbidden, Key: "grants.apply.no_org"}
	}
	if !c.AcceptsAt(h.svc.Now()) {
		return ErrClosed
	}
	return h.srv.Render.Page(w, r, "grants/apply", applyPage{F: h.fmt(r), Call: c, Text: c.TextIn(loc(r)), Orgs: orgs, Form: web.EmptyForm()})
}

func (h applicationPages) apply(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.signedInCall(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	answers := map[string]string{}
	for _, q := range c.Eligibility {
		answers[q.Key] = f.Get(q.Key)
	}
	org := f.Get("org")
	refused := func() error {
		orgs, err := h.orgChoices(r, u, c)
		if err != nil {
			return err
		}
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "grants/apply", applyPage{F: h.fmt(r), Call: c, Text: c.TextIn(loc(r)), Orgs: orgs, Form: f})
	}
	if !CanApplyFor(u, org) {
		f.Errors["org"] = "form.invalid_choice"
		return refused()
	}
	a, err := h.svc.Applications.Start(r.Context(), u, c, org, answers, h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		f.SetErrors(fe)
		return refused()
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/applications/"+a.PublicID)
}

type appPage struct {
	F         *Fmt
	Call      *Call
	Text      Text
	App       *Application
	Form      *web.Form
	Rows      []int
	Files     map[string]File
	Editable  bool
	Stale     bool
	Reasons   []Question
	Applicant bool
	Manager   bool
	Assessor  bool
	Results   []*Assignment // shown to the applicant after the decision
	Award     *Award
	Checks    FieldErrors
	Phase     string
}

func (h *Handlers) loadApp(w http.ResponseWriter, r *http.Request) (*auth.User, *Application, *Call, error) {
	u := auth.UserFrom(r)
	if u == nil {
		return nil, nil, nil, refuse.ErrNotFound
	}
	a, err := h.svc.Applications.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, nil, err
	}
	ok, err := h.svc.Assessment.CanReadApplication(r.Context(), u, a)
	if err != nil {
		return nil, nil, nil, err
	}
	if !ok {
		return nil, nil, nil, refuse.ErrNotFound
	}
	c, err := h.svc.Calls.ByID(r.Context(), a.CallID)
	if err != nil {
		return nil, nil, nil, err
	}
	return u, a, c, nil
}

// formOf fills a form with the application's stored values.
func formOf(c *Call, a *Application) *web.Form {
	f := web.EmptyForm()
	f.Values.Set("title", a.Title)
	f.Values.Set("jib", a.OrgJIB)
	f.Values.Set("version", strconv.Itoa(a.Version))
	for k, v := range a.Answers {
		f.Values.Set(k, v)
	}
	for i, l := range a.Budget {
		n := strconv.Itoa(i)
		f.Values.Set("budget_"+n+"_item", l.Item)
		f.Values.Set("budget_"+n+"_cost", c.Money(l.Cost).Decimal())
		f.Values.Set("budget_"+n+"_requested", c.Money(l.Requested).Decimal())
	}
	return f
}

func (h applicationPages) appPage(w http.ResponseWriter, r *http.Request, u *auth.User, a *Application, c *Call, f *web.Form, status int, stale bool) error {
	ctx := r.Context()
	files, err := h.svc.Applications.Files(ctx, "application", a.ID)
	if err != nil {
		return err
	}
	byKey := map[string]File{}
	for _, fl := range files {
		if a.Answers[fl.Field] == fl.PublicID {
			byKey[fl.Field] = fl
		}
	}
	rows := BudgetRows
	if len(a.Budget)+2 > rows {
		rows = len(a.Budget) + 2
	}
	d := appPage{F: h.fmt(r), Call: c, Text: c.TextIn(loc(r)), App: a, Form: f, Files: byKey, Stale: stale, Applicant: CanEdit(u, a), Manager: CanManage(u, c), Phase: c.Phase(h.svc.Now())}
	for i := 0; i < rows; i++ {
		d.Rows = append(d.Rows, i)
	}
	d.Editable = d.Applicant && a.Status == AppDraft && a.Eligible && c.AcceptsAt(h.svc.Now())
	if !a.Eligible {
		d.Reasons = NotEligible(c, a.Eligibility)
	}
	if d.Applicant && c.Status == StatusDecided {
		gs, err := h.svc.Assessment.AssignmentsOfApp(ctx, a.ID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			if g.Status == AsgSubmitted {
				d.Results = append(d.Results, g)
			}
		}
	}
	if aw, err := h.svc.Awards.OfApp(ctx, a.ID); err == nil {
		d.Award = aw
	} else if !errors.Is(err, refuse.ErrNotFound) {
		return err
	}
	if d.Editable && f.Valid() {
		d.Checks = CheckRules(c, a)
	}
	return h.srv.Render.PageStatus(w, r, status, "grants/application", d)
}

func (h applicationPages) application(w http.ResponseWriter, r *http.Request) error {
	u, a, c, err := h.loadApp(w, r)
	if err != nil {
		return err
	}
	return h.appPage(w, r, u, a, c, formOf(c, a), http.StatusOK, false)
}

func draftOf(r *http.Request, c *Call, f *web.Form) (Draft, error) {
	v, _ := strconv.Atoi(f.Get("version"))
	d := Draft{Version: v, Title: f.Get("title"), JIB: f.Get("jib"), Values: map[string]string{}, Files: map[string]Upload{}}
	for _, fl := range c.Form {
		switch fl.Type {
		case FieldFile:
			up, err := upload(r, fl.Key)
			if err != nil {
				return d, err
			}
			if up != nil {
				d.Files[fl.Key] = *up
			}
		case FieldBudget:
			for i := 0; i < 50; i++ {
				n := strconv.Itoa(i)
				if _, ok := f.Values["budget_"+n+"_item"]; !ok {
					break
				}
				d.Budget = append(d.Budget, BudgetLineInput{Item: f.Get("budget_" + n + "_item"), Cost: f.Get("budget_" + n + "_cost"), Requested: f.Get("budget_" + n + "_requested")})
			}
		default:
			d.Values[fl.Key] = f.Values.Get(fl.Key)
		}
	}
	return d, nil
}

func (h applicationPages) saveApplication(w http.ResponseWriter, r *http.Request) error {
	u, a, c, err := h.loadApp(w, r)
	if err != nil {
		return err
	}
	if !CanEdit(u, a) {
		return refuse.ErrNotFound
	}
	f := web.NewForm(r)
	d, err := draftOf(r, c, f)
	if err != nil {
		return &web.Error{Status: http.StatusBadRequest, Err: err}
	}
	if f.Get("action") == "autosave" {
		return h.autosave(w, r, u, a, c, d)
	}
	saved, err := h.svc.Applications.Save(r.Context(), u, c, a.PublicID, d, h.meta(r))
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		f.SetErrors(fe)
		return h.appPage(w, r, u, a, c, f, http.StatusUnprocessableEntity, false)
	case errors.Is(err, ErrStale):
		// Somebody else saved: keep what this member typed, show who
		// saved when, and carry the new version so a deliberate second
		// save replaces it.
		now, err2 := h.svc.Applications.Get(r.Context(), a.PublicID)
		if err2 != nil {
			return err2
		}
		f.Values.Set("version", strconv.Itoa(now.Version))
		f.Error = "grants.error.stale"
		return h.appPage(w, r, u, now, c, f, http.StatusConflict, true)
	case err != nil:
		return err
	}
	if f.Get("action") != "submit" {
		web.StateOf(r).Flash = "form.saved"
		return h.appPage(w, r, u, saved, c, formOf(c, saved), http.StatusOK, false)
	}
	sub, err := h.svc.Applications.Submit(r.Context(), u, c, a.PublicID, saved.Version, h.meta(r))
	if errors.As(err, &fe) {
		f = formOf(c, saved)
		f.SetErrors(fe)
		return h.appPage(w, r, u, saved, c, f, http.StatusUnprocessableEntity, false)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/applications/"+sub.PublicID+"/receipt")
}

// autosaveReply is the answer to the draft's automatic save (grants.js):
// the new version to carry, or why nothing was saved.
type autosaveReply struct {
	Saved   bool   `json:"saved"`
	Version int    `json:"version,omitempty"`
	Message string `json:"message"`
	Stale   bool   `json:"stale,omitempty"`
}

// autosave saves a draft in the background. It never overwrites another
// member's newer save (the version decides, as for a manual save) and
// never submits; a refused save is reported, not an error page.
func (h applicationPages) autosave(w http.ResponseWriter, r *http.Request, u *auth.User, a *Application, c *Call, d Draft) error {
	p := h.srv.Cat.Printer(loc(r))
	saved, err := h.svc.Applications.Save(r.Context(), u, c, a.PublicID, d, h.meta(r))
	var fe FieldErrors
	switch {
	case err == nil:
		web.WriteJSON(w, http.StatusOK, autosaveReply{Saved: true, Version: saved.Version, Message: p.T("grants.autosave.saved", "time", h.fmt(r).When(saved.UpdatedAt))})
	case errors.As(err, &fe):
		web.WriteJSON(w, http.StatusUnprocessableEntity, autosaveReply{Message: p.T("grants.autosave.invalid")})
	case errors.Is(err, ErrStale):
		now, err := h.svc.Applications.Get(r.Context(), a.PublicID)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusConflict, autosaveReply{Stale: true, Message: p.T("grants.autosave.stale", "name", now.UpdatedByName, "time", h.fmt(r).When(now.UpdatedAt))})
	case errors.Is(err, ErrClosed), errors.Is(err, ErrState):
		web.WriteJSON(w, http.StatusConflict, autosaveReply{Message: p.T("grants.error.closed")})
	default:
		return err
	}
	return nil
}

func (h applicationPages) withdraw(w http.ResponseWriter, r *http.Request) error {
	u, a, c, err := h.loadApp(w, r)
	if err != nil {
		return err
	}
	if err := h.svc.Applications.Withdraw(r.Context(), u, c, a.PublicID, h.meta(r)); err != nil {
		return err
	}
	return h.redirect(w, r, "/applications/"+a.PublicID)
}

func (h applicationPages) reopen(w http.ResponseWriter, r *http.Request) error {
	u, a, c, err := h.loadApp(w, r)
	if err != nil {
		return err
	}
	if err := h.svc.Applications.Reopen(r.Context(), u, c, a.PublicID, h.meta(r)); err != nil {
		return err
	}
	return h.redirect(w, r, "/applications/"+a.PublicID)
}

type receiptPage struct {
	F         *Fmt
	Call      *Call
	Text      Text
	App       *Application
	Canonical string
	Hash      string
}

func (h applicationPages) receipt(w http.ResponseWriter, r *http.Request) error {
	u, a, c, err := h.loadApp(w, r)
	if err != nil {
		return err
	}
	if ok, err := h.svc.Assessment.CanReadApplication(r.Context(), u, a); err != nil || !ok {
		if err != nil {
			return err
		}
		return refuse.ErrNotFound
	}
	if a.Status != AppSubmitted {
		return refuse.ErrNotFound
	}
	rc, err := h.svc.Applications.ReceiptOf(r.Context(), c, a)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "grants/receipt", receiptPage{F: h.fmt(r), Call: c, Text: c.TextIn(loc(r)), App: a, Canonical: string(rc.Canonical()), Hash: a.Receipt})
}

type myAppsPage struct {
	F     *Fmt
	Apps  []*Application
	Calls map[int64]*Call
	Lang  string
}

func (h applicationPages) myApplications(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	apps, err := h.svc.Applications.Mine(r.Context(), u)
	if err != nil {
		return err
	}
	calls := map[int64]*Call{}
	for _, a := range apps {
		if calls[a.CallID] == nil {
			if calls[a.CallID], err = h.svc.Calls.ByID(r.Context(), a.CallID); err != nil {
				return err
			}
		}
	}
	return h.srv.Render.Page(w, r, "grants/applications", myAppsPage{F: h.fmt(r), Apps: apps, Calls: calls, Lang: loc(r)})
}
