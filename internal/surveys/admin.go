package surveys

import (
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

// ownerChoice is an owner a person may create surveys for.
type ownerChoice struct {
	Value string // "lsg:ba-fbih-mostar" or "org:<public id>"
	Name  string
}

func (h *Handlers) owners(r *http.Request, u *auth.User) []ownerChoice {
	ctx := r.Context()
	lang := locale(r)
	var out []ownerChoice
	seen := map[string]bool{}
	add := func(kind, ref string) {
		v := kind + ":" + ref
		if seen[v] {
			return
		}
		seen[v] = true
		out = append(out, ownerChoice{Value: v, Name: h.OwnerName(ctx, &Survey{OwnerKind: kind, OwnerRef: ref}, lang)})
	}
	for _, g := range u.Grants {
		switch {
		case g.ScopeKind == auth.ScopeLSG && auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: g.ScopeRef}):
			add(OwnerLSG, g.ScopeRef)
		case g.ScopeKind == auth.ScopeOrg && auth.Can(u, auth.ActManageOrg, auth.Object{Org: g.ScopeRef}):
			add(OwnerOrg, g.ScopeRef)
		}
	}
	if u.IsAdmin() {
		if lsgs, err := h.places.LSGs(ctx); err == nil {
			for _, p := range lsgs {
				add(OwnerLSG, p.Code)
			}
		}
	}
	return out
}

type adminPage struct {
	Items     []listItem
	Owners    []ownerChoice
	Templates []Template
	Form      *web.Form
}

func (h *Handlers) admin(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	return h.adminPage(w, r, u, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) adminPage(w http.ResponseWriter, r *http.Request, u *auth.User, f *web.Form, status int) error {
	all, err := h.svc.List(r.Context(), ListFilter{Limit: 1000})
	if err != nil {
		return err
	}
	var mine []*Survey
	for _, s := range all {
		if CanManage(u, s) {
			mine = append(mine, s)
		}
	}
	d := adminPage{Items: h.items(r.Context(), mine, locale(r)), Owners: h.owners(r, u), Form: f}
	if d.Templates, err = Templates(); err != nil {
		return err
	}
	if len(d.Owners) == 0 && len(mine) == 0 {
		return refuse.ErrForbidden
	}
	return h.srv.Render.PageStatus(w, r, status, "surveys/admin", d)
}

func parseOwner(v string) (kind, ref string) {
	kind, ref, _ = strings.Cut(v, ":")
	return kind, ref
}

// blankDefinition is where a survey without a template starts: one
// question, to be replaced by the manager's own definition.
func blankDefinition(title Text) *Definition {
	return &Definition{Sections: []Section{{Key: "main", Title: title, Questions: []Question{{Key: "opinion", Type: TypeLikert, DontKnow: true, Required: true, Text: title}}}}}
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	u, f, err := auth.NeedForm(r)
	if err != nil {
		return err
	}
	kind, ref := parseOwner(f.Get("owner"))
	allowed := false
	for _, o := range h.owners(r, u) {
		allowed = allowed || o.Value == f.Get("owner")
	}
	if !allowed {
		f.Errors["owner"] = "form.invalid_choice"
	}
	in := Input{OwnerKind: kind, OwnerRef: ref, Audience: f.Get("audience"), Status: StatusDraft, ResultsPublic: true}
	title := f.Get("title")
	if tpl := f.Get("template"); tpl != "" {
		t, err := LoadTemplate(tpl)
		if err != nil {
			f.Errors["template"] = "form.invalid_choice"
		} else {
			in.Template, in.Def, in.Title = t.Key, t.Definition, t.Title
		}
	}
	if title != "" {
		if len(title) > 300 {
			f.Errors["title"] = "surveys.form.title.required"
		}
		in.Title = Text{locale(r): title}
	}
	if in.Def == nil {
		in.Def = blankDefinition(in.Title)
	}
	if f.Valid() {
		sv, err := h.svc.Create(r.Context(), u, in)
		var fe FieldErrors
		switch {
		case errors.As(err, &fe):
			f.SetErrors(fe)
		case err != nil:
			return err
		default:
			http.Redirect(w, r, "/"+locale(r)+"/admin/surveys/"+sv.PublicID, http.StatusSeeOther)
			return nil
		}
	}
	return h.adminPage(w, r, u, f, http.StatusUnprocessableEntity)
}

type managePage struct {
	S          *Survey
	Title      string
	Owner      string
	Form       *web.Form
	Definition string
	DefErr     string
	Tokens     int
	Used       int
}

func (h *Handlers) manageable(w http.ResponseWriter, r *http.Request) (*auth.User, *Survey, bool, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, nil, false, err
	}
	sv, err := h.survey(r)
	if err != nil {
		return nil, nil, false, err
	}
	if !CanManage(u, sv) {
		return nil, nil, false, refuse.ErrForbidden
	}
	return u, sv, true, nil
}

const dateLayout = "2006-01-02"

func fmtDate(t sql.Null[time.Time]) string {
	if !t.Valid {
		return ""
	}
	return t.V.UTC().Format(dateLayout)
}

func (h *Handlers) manage(w http.ResponseWriter, r *http.Request) error {
	_, sv, ok, err := h.manageable(w, r)
	if !ok {
		return err
	}
	f := web.EmptyForm()
	f.Values.Set("status", sv.Status)
	f.Values.Set("audience", sv.Audience)
	f.Values.Set("opens_at", fmtDate(sv.OpensAt))
	f.Values.Set("closes_at", fmtDate(sv.ClosesAt))
	f.Values.Set("title", sv.Title.In(locale(r)))
	if sv.ResultsPublic {
		f.Values.Set("results_public", "1")
	}
	return h.managePage(w, r, sv, f, string(sv.Def.MarshalIndent()), http.StatusOK)
}

func (h *Handlers) managePage(w http.ResponseWriter, r *http.Request, sv *Survey, f *web.Form, def string, status int) error {
	d := managePage{S: sv, Title: sv.Title.In(locale(r)), Owner: h.OwnerName(r.Context(), sv, locale(r)), Form: f, Definition: def}
	if sv.Audience == AudienceToken {
		toks, err := h.svc.Tokens(r.Context(), nil, sv)
		if err != nil {
			return err
		}
		d.Tokens = len(toks)
		for _, t := range toks {
			if t.Used {
				d.Used++
			}
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "surveys/manage", d)
}

func parseDate(s string) (sql.Null[time.Time], bool) {
	if s == "" {
		return sql.Null[time.Time]{}, true
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return sql.Null[time.Time]{}, false
	}
	return sql.Null[time.Time]{V: t, Valid: true}, true
}

func (h *Handlers) update(w http.ResponseWriter, r *http.Request) error {
	u, sv, ok, err := h.manageable(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	in := Input{Title: sv.Title, Audience: f.Get("audience"), Status: f.Get("status"), ResultsPublic: f.Get("results_public") == "1", Def: sv.Def}
	if t := f.Get("title"); t != "" && t != sv.Title.In(locale(r)) {
		in.Title = Text{}
		for k, v := range sv.Title {
			in.Title[k] = v
		}
		in.Title[locale(r)] = t
	}
	var okDate bool
	if in.OpensAt, okDate = parseDate(f.Get("opens_at")); !okDate {
		f.Errors["opens_at"] = "surveys.form.date"
	}
	if in.ClosesAt, okDate = parseDate(f.Get("closes_at")); !okDate {
		f.Errors["closes_at"] = "surveys.form.date"
	}
	defText := f.Raw("definition")
	if strings.TrimSpace(defText) != "" && sv.Responses == 0 {
		def, err := ParseDefinition([]byte(defText))
		var de *DefinitionError
		if errors.As(err, &de) {
			f.Errors["definition"] = de.Key
		} else if err == nil {
			in.Def = def
		}
	}
	if f.Valid() {
		err := h.svc.Update(r.Context(), u, sv, in)
		var fe FieldErrors
		switch {
		case errors.As(err, &fe):
			f.SetErrors(fe)
		case errors.Is(err, ErrHasResponses):
			f.Error = "surveys.err.has_responses"
		case err != nil:
			return err
		default:
			web.StateOf(r).Flash = "form.saved"
			return h.managePage(w, r, sv, f, string(sv.Def.MarshalIndent()), http.StatusOK)
		}
	}
	if defText == "" {
		defText = string(sv.Def.MarshalIndent())
	}
	return h.managePage(w, r, sv, f, defText, http.StatusUnprocessableEntity)
}

type tokensPage struct {
	S      *Survey
	Title  string
	Tokens []Token
	Form   *web.Form
	Link   string
}

func (h *Handlers) tokens(w http.ResponseWriter, r *http.Request) error {
	_, sv, ok, err := h.manageable(w, r)
	if !ok {
		return err
	}
	return h.tokensPage(w, r, sv, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) tokensPage(w http.ResponseWriter, r *http.Request, sv *Survey, f *web.Form, status int) error {
	toks, err := h.svc.Tokens(r.Context(), nil, sv)
	if err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "surveys/tokens", tokensPage{S: sv, Title: sv.Title.In(locale(r)), Tokens: toks, Form: f, Link: "/" + locale(r) + "/surveys/" + sv.PublicID})
}

func (h *Handlers) issueTokens(w http.ResponseWriter, r *http.Request) error {
	u, sv, ok, err := h.manageable(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	if sv.Audience != AudienceToken {
		f.Error = "surveys.tokens.not_token"
		return h.tokensPage(w, r, sv, f, http.StatusUnprocessableEntity)
	}
	text := f.Raw("csv")
	if r.MultipartForm != nil {
		if files := r.MultipartForm.File["file"]; len(files) > 0 {
			fh, err := files[0].Open()
			if err == nil {
				b := new(strings.Builder)
				buf := make([]byte, 32<<10)
				for {
					n, rerr := fh.Read(buf)
					b.Write(buf[:n])
					if rerr != nil || b.Len() > 1<<20 {
						break
					}
				}
				fh.Close()
				text = b.String()
			}
		}
	}
	labels, err := ParseTokenCSV(strings.NewReader(text))
	if err != nil {
		f.Errors["csv"] = "surveys.tokens.csv_invalid"
		return h.tokensPage(w, r, sv, f, http.StatusUnprocessableEntity)
	}
	if _, err := h.svc.IssueTokens(r.Context(), u, sv, labels); err != nil {
		return err
	}
	http.Redirect(w, r, "/"+locale(r)+"/admin/surveys/"+sv.PublicID+"/tokens", http.StatusSeeOther)
	return nil
}

func (h *Handlers) paperForm(w http.ResponseWriter, r *http.Request) error {
	_, sv, ok, err := h.manageable(w, r)
	if !ok {
		return err
	}
	d := h.formData(r, sv, web.EmptyForm(), true)
	if sv.Status == StatusDraft {
		d.State = "closed"
	}
	return h.srv.Render.Page(w, r, "surveys/form", d)
}

func (h *Handlers) paperSubmit(w http.ResponseWriter, r *http.Request) error {
	_, sv, ok, err := h.manageable(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	answers, errs := ParseAnswers(sv.Def, f.Values)
	f.SetErrors(errs)
	d := h.formData(r, sv, f, true)
	if !f.Valid() {
		return h.srv.Render.PageStatus(w, r, http.StatusUnprocessableEntity, "surveys/form", d)
	}
	_, err = h.svc.Submit(r.Context(), sv, Submission{IdemKey: f.Get("idem"), Answers: answers, Channel: "paper", Lang: locale(r)})
	if key := ErrorKey(err); key != "" {
		return h.refuse(w, r, sv, err, key)
	}
	if err != nil {
		return err
	}
	web.StateOf(r).Flash = "surveys.paper.saved"
	sv, err = h.svc.ByPublicID(r.Context(), sv.PublicID)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "surveys/form", h.formData(r, sv, web.EmptyForm(), true))
}

func (h *Handlers) responsesCSV(w http.ResponseWriter, r *http.Request) error {
	u, sv, ok, err := h.manageable(w, r)
	if !ok {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="survey-`+sv.PublicID+`-responses.csv"`)
	w.Header().Set("Cache-Control", "private, no-store")
	return h.svc.WriteResponsesCSV(r.Context(), u, sv, w)
}

// Audiences lists the audience choices.
func (adminPage) Audiences() []string {
	return []string{AudiencePublic, AudienceAccount, AudienceToken}
}

// Audiences lists the audience choices.
func (managePage) Audiences() []string {
	return []string{AudiencePublic, AudienceAccount, AudienceToken}
}

// Statuses lists the states a manager can set.
func (managePage) Statuses() []string { return []string{StatusDraft, StatusOpen, StatusClosed} }
