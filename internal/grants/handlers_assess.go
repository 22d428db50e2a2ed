package grants

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

type manageRow struct {
	App         *Application
	Assignments []*Assignment
	Rank        *Rank
}

type managePage struct {
	F         *Fmt
	Call      *Call
	Text      Text
	Rows      []manageRow
	Ranking   []Rank
	Assessors []auth.User
	Form      *web.Form
	Phase     string
	Made      string
}

func (h assessmentPages) managePage(w http.ResponseWriter, r *http.Request, c *Call, f *web.Form, status int) error {
	ctx := r.Context()
	apps, err := h.svc.Applications.List(ctx, c)
	if err != nil {
		return err
	}
	ranking, err := h.svc.Assessment.Ranking(ctx, c)
	if err != nil {
		return err
	}
	byApp := map[int64]*Rank{}
	for i := range ranking {
		byApp[ranking[i].App.ID] = &ranking[i]
	}
	pool, err := h.svc.Assessment.Assessors(ctx)
	if err != nil {
		return err
	}
	d := managePage{F: h.fmt(r), Call: c, Text: c.TextIn(loc(r)), Ranking: ranking, Assessors: pool, Form: f, Phase: c.Phase(h.svc.Now()), Made: r.URL.Query().Get("made")}
	for _, a := range apps {
		gs, err := h.svc.Assessment.AssignmentsOfApp(ctx, a.ID)
		if err != nil {
			return err
		}
		d.Rows = append(d.Rows, manageRow{App: a, Assignments: gs, Rank: byApp[a.ID]})
	}
	return h.srv.Render.PageStatus(w, r, status, "grants/manage", d)
}

func (h assessmentPages) manage(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	if err := h.svc.Assessment.Impartial(r.Context(), u, c); err != nil {
		return err // a manager tied to an applicant sees no competitor
	}
	return h.managePage(w, r, c, web.EmptyForm(), http.StatusOK)
}

func (h assessmentPages) formResult(w http.ResponseWriter, r *http.Request, c *Call, err error, anchor string) error {
	var fe FieldErrors
	if errors.As(err, &fe) {
		f := web.NewForm(r)
		f.SetErrors(fe)
		return h.managePage(w, r, c, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/calls/"+c.Slug+"/manage"+anchor)
}

func (h assessmentPages) assign(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	err = h.svc.Assessment.Assign(r.Context(), u, c, f.Get("application"), f.Get("assessor"), h.meta(r))
	if errors.Is(err, refuse.ErrConflict) && !errors.Is(err, ErrState) {
		err = FieldErrors{"assessor": "grants.assign.already"}
	}
	return h.formResult(w, r, c, err, "#applications")
}

func (h assessmentPages) autoAssign(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	made, short, err := h.svc.Assessment.AutoAssign(r.Context(), u, c, h.meta(r))
	if err != nil {
		return err
	}
	if short > 0 {
		return h.formResult(w, r, c, FieldErrors{"assessor": "grants.assign.short"}, "")
	}
	return h.redirect(w, r, "/calls/"+c.Slug+"/manage?made="+strconv.Itoa(made)+"#applications")
}

func (h assessmentPages) decide(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	err = h.svc.Assessment.Decide(r.Context(), u, c, f.Get("application"), f.Get("decision"), f.Values.Get("reason"), h.meta(r))
	return h.formResult(w, r, c, err, "#ranking")
}

func (h assessmentPages) publishResults(w http.ResponseWriter, r *http.Request) error {
	u, c, err := h.manageable(w, r)
	if err != nil {
		return err
	}
	err = h.svc.Assessment.PublishResults(r.Context(), u, c, h.meta(r))
	if err == nil {
		return h.redirect(w, r, "/calls/"+c.Slug+"#results")
	}
	return h.formResult(w, r, c, err, "")
}

// ---- assessors ----

type assessListPage struct {
	F    *Fmt
	List []*Assignment
}

func (h assessmentPages) assessList(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	if !auth.Can(u, auth.ActAssess, auth.Object{}) {
		return refuse.ErrForbidden
	}
	list, err := h.svc.Assessment.MyAssignments(r.Context(), u)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "grants/assess_list", assessListPage{F: h.fmt(r), List: list})
}

type assessPage struct {
	F      *Fmt
	Call   *Call
	Text   Text
	App    *Application // nil until the assessor declares no conflict
	Mine   *Assignment
	Others []*Assignment // shown only after the assessor's own submission
	Form   *web.Form
	Files  map[string]File
	AppPID string
}

// assessment loads an assessor's assignment; anything else is not found.
func (h assessmentPages) assessment(r *http.Request) (*auth.User, *Application, *Call, *Assignment, error) {
	u := auth.UserFrom(r)
	if !auth.Can(u, auth.ActAssess, auth.Object{}) {
		return nil, nil, nil, nil, refuse.ErrNotFound
	}
	a, err := h.svc.Applications.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	g, err := h.svc.assignmentOf(r.Context(), h.svc.db, a.ID, u.ID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	c, err := h.svc.Calls.ByID(r.Context(), a.CallID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return u, a, c, g, nil
}

func (h assessmentPages) assessPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	_, a, c, g, err := h.assessment(r)
	if err != nil {
		return err
	}
	d := assessPage{F: h.fmt(r), Call: c, Text: c.TextIn(loc(r)), Mine: g, Form: f, AppPID: a.PublicID}
	if g.Status == AsgDeclared || g.Status == AsgSubmitted {
		d.App = a
		files, err := h.svc.Applications.Files(r.Context(), "application", a.ID)
		if err != nil {
			return err
		}
		d.Files = map[string]File{}
		for _, fl := range files {
			if a.Answers[fl.Field] == fl.PublicID {
				d.Files[fl.Field] = fl
			}
		}
	}
	if g.Status == AsgSubmitted {
		all, err := h.svc.Assessment.AssignmentsOfApp(r.Context(), a.ID)
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.ID != g.ID && o.Status == AsgSubmitted {
				d.Others = append(d.Others, o)
			}
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "grants/assess", d)
}

func (h assessmentPages) assess(w http.ResponseWriter, r *http.Request) error {
	return h.assessPage(w, r, web.EmptyForm(), http.StatusOK)
}

func (h assessmentPages) declare(w http.ResponseWriter, r *http.Request) error {
	u, a, _, _, err := h.assessment(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	var conflict bool
	switch f.Get("declaration") {
	case "none":
	case "conflict":
		conflict = true
	default:
		f.Errors["declaration"] = "form.invalid_choice"
		return h.assessPage(w, r, f, http.StatusUnprocessableEntity)
	}
	if err := h.svc.Assessment.Declare(r.Context(), u, a.PublicID, conflict, h.meta(r)); err != nil {
		return err
	}
	if conflict {
		return h.redirect(w, r, "/assess")
	}
	return h.redirect(w, r, "/assess/"+a.PublicID)
}

func (h assessmentPages) scores(w http.ResponseWriter, r *http.Request) error {
	u, a, c, _, err := h.assessment(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	in := ScoreInput{Points: map[int]string{}, Comments: map[int]string{}, Comment: f.Values.Get("comment")}
	for _, cr := range c.Criteria {
		n := strconv.Itoa(cr.N)
		in.Points[cr.N] = f.Get("points_" + n)
		in.Comments[cr.N] = f.Values.Get("comment_" + n)
	}
	err = h.svc.Assessment.SubmitScores(r.Context(), u, a.PublicID, in, h.meta(r))
	again := func(status int) error { return h.assessPage(w, r, f, status) }
	return h.formDone(w, r, f, err, again, "/assess/"+a.PublicID)
}

// ---- awards ----

type awardPage struct {
	F           *Fmt
	Award       *Award
	Call        *Call
	Text        Text
	LSGName     string
	Instalments []Instalment
	Reports     []Report
	Manager     bool
	Grantee     bool
	Form        *web.Form
	Paid        int64
	History     []historyRow // every change of the award's money, newest first
}

func (h *Handlers) loadAward(r *http.Request) (*Award, *Call, error) {
	w, err := h.svc.Awards.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	a, err := h.svc.Applications.Get(r.Context(), w.AppPID)
	if err != nil {
		return nil, nil, err
	}
	c, err := h.svc.Calls.ByID(r.Context(), a.CallID)
	if err != nil {
		return nil, nil, err
	}
	return w, c, nil
}

func (h awardPages) awardPage(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	aw, c, err := h.loadAward(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r)
	inst, err := h.svc.Awards.Instalments(r.Context(), aw.ID)
	if err != nil {
		return err
	}
	reps, err := h.svc.Awards.Reports(r.Context(), aw.ID)
	if err != nil {
		return err
	}
	names, _ := h.lsgNames(r)
	d := awardPage{F: h.fmt(r), Award: aw, Call: c, Text: c.TextIn(loc(r)), LSGName: names[aw.LSG], Instalments: inst, Reports: reps, Manager: CanManage(u, c), Grantee: CanApplyFor(u, aw.OrgPID), Form: f}
	for _, i := range inst {
		if i.PaidAt.Valid {
			d.Paid += i.Amount
		}
	}
	if d.History, err = h.moneyHistory(r, aw, names); err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "grants/award", d)
}

func (h awardPages) award(w http.ResponseWriter, r *http.Request) error {
	return h.awardPage(w, r, web.EmptyForm(), http.StatusOK)
}

func (h awardPages) awardResult(w http.ResponseWriter, r *http.Request, aw *Award, err error) error {
	var fe FieldErrors
	if errors.As(err, &fe) {
		f := web.NewForm(r)
		f.SetErrors(fe)
		return h.awardPage(w, r, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/awards/"+aw.PublicID)
}

func (h *Handlers) managedAward(r *http.Request) (*auth.User, *Award, *Call, error) {
	u := auth.UserFrom(r)
	aw, c, err := h.loadAward(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if !CanManage(u, c) {
		return nil, nil, nil, refuse.ErrForbidden
	}
	return u, aw, c, nil
}

func (h awardPages) contract(w http.ResponseWriter, r *http.Request) error {
	u, aw, c, err := h.managedAward(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	return h.awardResult(w, r, aw, h.svc.Awards.UpdateContract(r.Context(), u, c, aw, f.Get("contract_no"), f.Get("starts_on"), f.Get("ends_on"), h.meta(r)))
}

func (h awardPages) instalment(w http.ResponseWriter, r *http.Request) error {
	u, aw, c, err := h.managedAward(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	return h.awardResult(w, r, aw, h.svc.Awards.AddInstalment(r.Context(), u, c, aw, f.Get("due_on"), f.Get("amount"), h.meta(r)))
}

func (h awardPages) paid(w http.ResponseWriter, r *http.Request) error {
	u, aw, c, err := h.managedAward(r)
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil {
		return refuse.ErrNotFound
	}
	return h.awardResult(w, r, aw, h.svc.Awards.MarkPaid(r.Context(), u, c, aw, n, h.meta(r)))
}

func (h awardPages) addReport(w http.ResponseWriter, r *http.Request) error {
	u, aw, c, err := h.managedAward(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	// The report's due date has its own field name: the instalment form on
	// the same page has a due date too, and ids must stay unique.
	err = h.svc.Awards.AddReport(r.Context(), u, c, aw, f.Get("kind"), f.Get("report_due_on"), h.meta(r))
	var fe FieldErrors
	if errors.As(err, &fe) {
		if k, ok := fe["due_on"]; ok {
			delete(fe, "due_on")
			fe["report_due_on"] = k
		}
	}
	return h.awardResult(w, r, aw, err)
}

func (h awardPages) submitReport(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r)
	aw, _, err := h.loadAward(r)
	if err != nil {
		return err
	}
	if !CanApplyFor(u, aw.OrgPID) {
		return refuse.ErrForbidden
	}
	up, err := upload(r, "file")
	if err != nil {
		return &web.Error{Status: http.StatusBadRequest, Err: err}
	}
	f := web.NewForm(r)
	return h.awardResult(w, r, aw, h.svc.Awards.SubmitReport(r.Context(), u, aw, r.PathValue("rid"), f.Values.Get("body"), up, h.meta(r)))
}

func (h awardPages) reviewReport(w http.ResponseWriter, r *http.Request) error {
	u, aw, c, err := h.managedAward(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	return h.awardResult(w, r, aw, h.svc.Awards.ReviewReport(r.Context(), u, c, aw, r.PathValue("rid"), f.Get("verdict") == "approve", f.Values.Get("review"), h.meta(r)))
}
