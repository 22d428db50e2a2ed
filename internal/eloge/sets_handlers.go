package eloge

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/surveys"
	"github.com/dijalog/dijalog/internal/web"
)

// registerSets adds the benchmark editor:
//
//	GET  /{lang}/admin/eloge/sets                          every version, new-version buttons
//	POST /{lang}/admin/eloge/sets/{set}/versions           copy a version into a new draft
//	GET  /{lang}/admin/eloge/sets/{set}                    one version: principles and indicators
//	POST /{lang}/admin/eloge/sets/{set}                    a draft's title and source
//	POST /{lang}/admin/eloge/sets/{set}/publish|discard
//	GET  /{lang}/admin/eloge/sets/{set}/principles/{n}     a principle in every language ("new" adds one)
//	POST /{lang}/admin/eloge/sets/{set}/principles/{n}[/delete]
func (h *Handlers) registerSets() {
	h.srv.Page("GET /admin/eloge/sets", h.sets)
	h.srv.Page("POST /admin/eloge/sets/{set}/versions", h.newVersion)
	h.srv.Page("GET /admin/eloge/sets/{set}", h.set)
	h.srv.Page("POST /admin/eloge/sets/{set}", h.saveSet)
	h.srv.Page("POST /admin/eloge/sets/{set}/publish", h.publishSet)
	h.srv.Page("POST /admin/eloge/sets/{set}/discard", h.discardSet)
	h.srv.Page("GET /admin/eloge/sets/{set}/principles/{n}", h.principle)
	h.srv.Page("POST /admin/eloge/sets/{set}/principles/{n}", h.savePrinciple)
	h.srv.Page("POST /admin/eloge/sets/{set}/principles/{n}/delete", h.deletePrinciple)
}

// langField is one language's input of a multilingual text.
type langField struct {
	Code  string // locale
	Name  string // its autonym
	Value string
}

func (h *Handlers) langFields(f *web.Form, prefix string, t surveys.Text) []langField {
	var out []langField
	for _, loc := range TextLocales() {
		v := t[loc]
		if f != nil && f.Values.Has(prefix+"."+loc) {
			v = f.Raw(prefix + "." + loc)
		}
		out = append(out, langField{Code: loc, Name: h.srv.Cat.Printer(loc).Autonym(), Value: v})
	}
	return out
}

func formText(f *web.Form, prefix string) surveys.Text {
	t := surveys.Text{}
	for _, loc := range TextLocales() {
		t[loc] = f.Raw(prefix + "." + loc)
	}
	return t
}

type setsPage struct {
	Sets    []Set
	Editors []Platform
	Form    *web.Form
}

func (h *Handlers) sets(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	return h.setsPage(w, r, u, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) setsPage(w http.ResponseWriter, r *http.Request, u *auth.User, f *web.Form, status int) error {
	ctx := r.Context()
	d := setsPage{Form: f}
	all, err := h.svc.Sets(ctx)
	if err != nil {
		return err
	}
	for _, st := range all {
		ok, err := h.svc.CanReadSet(ctx, u, &st)
		if err != nil {
			return err
		}
		if ok {
			d.Sets = append(d.Sets, st)
		}
	}
	if d.Editors, err = h.svc.SetEditors(ctx, u); err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "eloge/sets", d)
}

// loadSet is the set of the path, when u may read it: a draft another
// reader may not see answers not found, as a missing one does.
func (h *Handlers) loadSet(r *http.Request, u *auth.User) (*Set, error) {
	id, err := strconv.ParseInt(r.PathValue("set"), 10, 64)
	if err != nil || id <= 0 {
		return nil, refuse.ErrNotFound
	}
	st, err := h.svc.SetByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ok, err := h.svc.CanReadSet(r.Context(), u, st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse.ErrNotFound
	}
	return st, nil
}

// setTarget is the signed-in person and the set of the path; ok is false
// when the handler is done (sent to sign in, or err to render).
func (h *Handlers) setTarget(w http.ResponseWriter, r *http.Request) (*auth.User, *Set, bool, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, nil, false, err
	}
	st, err := h.loadSet(r, u)
	if err != nil {
		return nil, nil, false, err
	}
	return u, st, true, nil
}

func (h *Handlers) setURL(st *Set) string { return "/admin/eloge/sets/" + strconv.FormatInt(st.ID, 10) }

func (h *Handlers) newVersion(w http.ResponseWriter, r *http.Request) error {
	u, st, ok, err := h.setTarget(w, r)
	if !ok {
		return err
	}
	editors, err := h.svc.SetEditors(r.Context(), u)
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	var p *Platform
	for i := range editors {
		if editors[i].PublicID == f.Get("platform") || (len(editors) == 1 && f.Get("platform") == "") {
			p = &editors[i]
		}
	}
	if p == nil {
		return refuse.ErrForbidden
	}
	nv, err := h.svc.NewVersion(r.Context(), u, p, st)
	if errors.Is(err, ErrDraftExists) {
		f.Error = refuse.KeyOf(err)
		return h.setsPage(w, r, u, f, http.StatusConflict)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, h.setURL(nv))
}

type setPage struct {
	S        *Set
	Editable bool
	Fields   []langField
	Based    *Set
	Cycles   []*Cycle
	Form     *web.Form
}

func (h *Handlers) set(w http.ResponseWriter, r *http.Request) error {
	u, st, ok, err := h.setTarget(w, r)
	if !ok {
		return err
	}
	if key, ok := setFlash[r.URL.Query().Get("done")]; ok {
		web.StateOf(r).Flash = key
	}
	return h.setPage(w, r, u, st, web.EmptyForm(), http.StatusOK)
}

// setFlash are the messages the set page shows after a redirect.
var setFlash = map[string]string{"saved": "form.saved", "published": "eloge.sets.published_done", "deleted": "eloge.sets.principle_deleted"}

func (h *Handlers) setPage(w http.ResponseWriter, r *http.Request, u *auth.User, st *Set, f *web.Form, status int) error {
	ctx := r.Context()
	d := setPage{S: st, Form: f}
	var err error
	if d.Editable, err = h.svc.CanEditSet(ctx, u, st); err != nil {
		return err
	}
	d.Fields = h.langFields(f, "title", st.Title)
	if st.BasedOn.Valid {
		if d.Based, err = h.svc.SetByID(ctx, st.BasedOn.V); err != nil && !errors.Is(err, refuse.ErrNotFound) {
			return err
		}
	}
	cycles, err := h.svc.Cycles(ctx)
	if err != nil {
		return err
	}
	for _, c := range cycles {
		if c.SetID == st.ID {
			d.Cycles = append(d.Cycles, c)
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "eloge/set", d)
}

// setFail re-renders the set page with a refusal or field errors.
func (h *Handlers) setFail(w http.ResponseWriter, r *http.Request, u *auth.User, st *Set, f *web.Form, err error) error {
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		for k, v := range fe {
			f.Errors[k] = v
		}
		return h.setPage(w, r, u, st, f, http.StatusUnprocessableEntity)
	case errors.Is(err, refuse.ErrForbidden):
		return err
	case refuse.KeyOf(err) != "":
		f.Error = refuse.KeyOf(err)
		return h.setPage(w, r, u, st, f, http.StatusConflict)
	}
	return err
}

func (h *Handlers) saveSet(w http.ResponseWriter, r *http.Request) error {
	u, st, ok, err := h.setTarget(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	if err := h.svc.UpdateSet(r.Context(), u, st, formText(f, "title"), f.Raw("source")); err != nil {
		return h.setFail(w, r, u, st, f, err)
	}
	return h.redirect(w, r, h.setURL(st)+"?done=saved")
}

func (h *Handlers) publishSet(w http.ResponseWriter, r *http.Request) error {
	u, st, ok, err := h.setTarget(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	if err := h.svc.PublishSet(r.Context(), u, st); err != nil {
		var fe FieldErrors
		if errors.As(err, &fe) {
			// The page lists what is missing; one message says why.
			f.Error = "eloge.sets.incomplete"
			if k, ok := fe["set"]; ok {
				f.Error = k
			}
			return h.setPage(w, r, u, st, f, http.StatusUnprocessableEntity)
		}
		return h.setFail(w, r, u, st, f, err)
	}
	return h.redirect(w, r, h.setURL(st)+"?done=published")
}

func (h *Handlers) discardSet(w http.ResponseWriter, r *http.Request) error {
	u, st, ok, err := h.setTarget(w, r)
	if !ok {
		return err
	}
	if err := h.svc.DiscardDraft(r.Context(), u, st); err != nil {
		return h.setFail(w, r, u, st, web.NewForm(r), err)
	}
	return h.redirect(w, r, "/admin/eloge/sets")
}

// indicatorRow is one indicator in the principle editor.
type indicatorRow struct {
	Index  int
	ID     int64
	Code   string
	Fields []langField
	Delete bool
}

type principlePage struct {
	S          *Set
	P          *Principle
	New        bool
	Number     string
	Title      []langField
	Desc       []langField
	Indicators []indicatorRow
	Form       *web.Form
}

// blankIndicators are the empty rows offered for new indicators.
const blankIndicators = 2

func (h *Handlers) principleTarget(w http.ResponseWriter, r *http.Request) (*auth.User, *Set, *Principle, bool, error) {
	u, st, ok, err := h.setTarget(w, r)
	if !ok {
		return nil, nil, nil, false, err
	}
	n := r.PathValue("n")
	if n == "new" {
		return u, st, nil, true, nil
	}
	num, err := strconv.Atoi(n)
	if err != nil {
		return nil, nil, nil, false, refuse.ErrNotFound
	}
	p := st.Principle(num)
	if p == nil {
		return nil, nil, nil, false, refuse.ErrNotFound
	}
	return u, st, p, true, nil
}

func (h *Handlers) principle(w http.ResponseWriter, r *http.Request) error {
	u, st, p, ok, err := h.principleTarget(w, r)
	if !ok {
		return err
	}
	edit, err := h.svc.CanEditSet(r.Context(), u, st)
	if err != nil {
		return err
	}
	if !edit {
		// Published versions are read on the set page; nothing to edit.
		return h.redirect(w, r, h.setURL(st))
	}
	return h.principlePage(w, r, st, p, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) principlePage(w http.ResponseWriter, r *http.Request, st *Set, p *Principle, f *web.Form, status int) error {
	d := principlePage{S: st, P: p, New: p == nil, Form: f}
	submitted := f.Values.Has("rows")
	var base Principle
	if p != nil {
		base = *p
		d.Number = strconv.Itoa(p.Number)
	}
	if submitted {
		d.Number = f.Get("number")
		if p != nil {
			d.Number = strconv.Itoa(p.Number)
		}
	}
	d.Title = h.langFields(f, "title", base.Title)
	d.Desc = h.langFields(f, "description", base.Description)
	rows := len(base.Indicators) + blankIndicators
	if submitted {
		rows = atoi(f.Get("rows"))
		if rows < 0 || rows > maxIndicators+blankIndicators {
			rows = len(base.Indicators) + blankIndicators
		}
	}
	for i := 0; i < rows; i++ {
		row := indicatorRow{Index: i}
		var text surveys.Text
		if i < len(base.Indicators) && !submitted {
			row.ID, row.Code, text = base.Indicators[i].ID, base.Indicators[i].Code, base.Indicators[i].Text
		}
		prefix := "ind." + strconv.Itoa(i)
		if submitted {
			row.ID, _ = strconv.ParseInt(f.Get(prefix+".id"), 10, 64)
			row.Code, row.Delete = f.Get(prefix+".code"), f.Get(prefix+".delete") == "1"
		}
		row.Fields = h.langFields(f, prefix+".text", text)
		d.Indicators = append(d.Indicators, row)
	}
	return h.srv.Render.PageStatus(w, r, status, "eloge/principle", d)
}

func (h *Handlers) savePrinciple(w http.ResponseWriter, r *http.Request) error {
	u, st, p, ok, err := h.principleTarget(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	in := PrincipleInput{Title: formText(f, "title"), Description: formText(f, "description")}
	if p != nil {
		in.Number = p.Number
	} else {
		in.Number = atoi(f.Get("number"))
	}
	rows := atoi(f.Get("rows"))
	if rows < 0 || rows > maxIndicators+blankIndicators {
		return web.ErrBadRequest
	}
	for i := 0; i < rows; i++ {
		prefix := "ind." + strconv.Itoa(i)
		id, _ := strconv.ParseInt(f.Get(prefix+".id"), 10, 64)
		in.Indicators = append(in.Indicators, IndicatorInput{ID: id, Code: f.Get(prefix + ".code"), Text: formText(f, prefix+".text"), Delete: f.Get(prefix+".delete") == "1"})
	}
	err = h.svc.SavePrinciple(r.Context(), u, st, in, p == nil)
	var fe FieldErrors
	switch {
	case err == nil:
		return h.redirect(w, r, h.setURL(st)+"?done=saved#p"+strconv.Itoa(in.Number))
	case errors.As(err, &fe):
		for k, v := range fe {
			f.Errors[k] = v
		}
		return h.principlePage(w, r, st, p, f, http.StatusUnprocessableEntity)
	case errors.Is(err, refuse.ErrNotFound):
		return web.ErrBadRequest // an indicator of another principle
	case errors.Is(err, refuse.ErrForbidden):
		return err
	case refuse.KeyOf(err) != "":
		f.Error = refuse.KeyOf(err)
		return h.principlePage(w, r, st, p, f, http.StatusConflict)
	}
	return err
}

func (h *Handlers) deletePrinciple(w http.ResponseWriter, r *http.Request) error {
	u, st, p, ok, err := h.principleTarget(w, r)
	if !ok {
		return err
	}
	if p == nil {
		return refuse.ErrNotFound
	}
	if err := h.svc.DeletePrinciple(r.Context(), u, st, p.Number); err != nil {
		return h.setFail(w, r, u, st, web.NewForm(r), err)
	}
	return h.redirect(w, r, h.setURL(st)+"?done=deleted")
}
