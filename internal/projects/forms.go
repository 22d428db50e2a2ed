package projects

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/dijalog/dijalog/internal/web"
)

// maxRows caps the repeated rows of a form (organisations, money, ...).
const maxRows = 60

type rowCounts struct{ Orgs, Tx, Targets, Ms, Links []formRow }

// formRow is one repeated row of a form: K is its index in field names,
// N its number as shown (from 1).
type formRow struct {
	K string
	N int
}

func seq(n int) []formRow {
	out := make([]formRow, n)
	for i := range out {
		out[i] = formRow{K: strconv.Itoa(i), N: i + 1}
	}
	return out
}

type formPage struct {
	Form       *web.Form
	P          *Project // nil when new
	Title      string
	Action     string
	Rows       rowCounts
	Langs      []option
	Kinds      []option
	Statuses   []option
	Currencies []string
	Roles      []option
	TxTypes    []option
	SDGs       []option
	LSGs       []option
	Programmes []option
	Owners     []option
	OrgNames   []string
	SectorPick web.Pick // the DAC sectors by name (issue 16: no codes to type)
	SignIn     bool     // anonymous: the page explains who may add projects
}

// valuesOf turns a project into form values.
func valuesOf(p *Project) url.Values {
	v := url.Values{}
	v.Set("kind", p.Kind)
	v.Set("programme", p.Programme)
	v.Set("status", strconv.Itoa(p.Status))
	v.Set("default_lang", p.DefaultLang)
	v.Set("iati_identifier", p.IATIIdentifier)
	for _, t := range p.Texts {
		v.Set("title_"+t.Lang, t.Title)
		v.Set("summary_"+t.Lang, t.Summary)
		v.Set("objectives_"+t.Lang, t.Objectives)
		v.Set("results_"+t.Lang, t.Results)
	}
	v.Set("planned_start", p.PlannedStart)
	v.Set("planned_end", p.PlannedEnd)
	v.Set("actual_start", p.ActualStart)
	v.Set("actual_end", p.ActualEnd)
	if p.FundingYear != 0 {
		v.Set("funding_year", strconv.Itoa(p.FundingYear))
	}
	if p.Budget.Minor != 0 {
		v.Set("budget", p.Budget.Decimal())
	}
	v.Set("currency", p.Budget.Currency)
	v["sectors"] = append([]string(nil), p.Sectors...)
	v.Set("acquis", strings.Join(joinInts(p.Acquis), ", "))
	for _, g := range p.SDGs {
		v.Add("sdg", strconv.Itoa(g))
	}
	for _, l := range p.Locations {
		v.Add("lsg", l.Place)
	}
	for i, o := range p.Orgs {
		k := strconv.Itoa(i)
		v.Set("org_role_"+k, strconv.Itoa(o.Role))
		v.Set("org_name_"+k, o.Name)
		v.Set("org_ref_"+k, o.Ref)
	}
	for i, t := range p.Transactions {
		k := strconv.Itoa(i)
		v.Set("tx_type_"+k, strconv.Itoa(t.Type))
		v.Set("tx_date_"+k, t.Date)
		v.Set("tx_amount_"+k, t.Amount.Decimal())
		v.Set("tx_currency_"+k, t.Amount.Currency)
		v.Set("tx_note_"+k, t.Note)
	}
	for i, t := range p.Targets {
		k := strconv.Itoa(i)
		v.Set("target_label_"+k, t.Label)
		v.Set("target_value_"+k, strconv.FormatInt(t.Target, 10))
		var hist []string
		for _, a := range t.Actuals {
			hist = append(hist, a.Date+"="+strconv.FormatInt(a.Value, 10))
		}
		v.Set("target_hist_"+k, strings.Join(hist, ";"))
	}
	for i, m := range p.Milestones {
		k := strconv.Itoa(i)
		v.Set("ms_date_"+k, m.Date)
		v.Set("ms_title_"+k, m.Title)
		if m.Done {
			v.Set("ms_done_"+k, "1")
		}
	}
	for i, l := range p.Links {
		k := strconv.Itoa(i)
		v.Set("link_title_"+k, l.Title)
		v.Set("link_url_"+k, l.URL)
	}
	v.Set("owner_org", p.OwnerOrg)
	v.Set("website", p.Website)
	v.Set("contact_name", p.ContactName)
	v.Set("contact_email", p.ContactEmail)
	v.Set("contact_phone", p.ContactPhone)
	v.Set("version", strconv.Itoa(p.Version))
	return v
}

func rowsIn(v url.Values, prefix string) int {
	n := 0
	for k := range v {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			if i, err := strconv.Atoi(rest); err == nil && i >= 0 && i < maxRows && i+1 > n {
				n = i + 1
			}
		}
	}
	return n
}

// parseForm reads a project from the form; errors are field errors.
func parseForm(f *web.Form, orgs map[string]string) (*Project, FieldErrors) {
	r := &formReader{f: f, fe: FieldErrors{}, idx: map[string]map[int]int{}}
	r.head()
	r.budget()
	r.codes()
	r.orgs(orgs)
	r.transactions()
	r.targets()
	r.milestones()
	r.links()
	p := r.p
	p.rowIndex = r.idx
	if len(r.fe) == 0 {
		return p, nil
	}
	return p, r.fe
}

// formReader reads the sections of the project form into p, with the
// field errors of what cannot be read and, for the rows of repeated
// sections, the row each parsed entry came from (for error keys).
type formReader struct {
	f   *web.Form
	fe  FieldErrors
	p   *Project
	idx map[string]map[int]int
}

func (r *formReader) track(kind string, parsed, row int) {
	if r.idx[kind] == nil {
		r.idx[kind] = map[int]int{}
	}
	r.idx[kind][parsed] = row
}

// head reads the kind, programme, language, identifier, dates, owner,
// contact, status, funding year and the texts in every language.
func (r *formReader) head() {
	f := r.f
	p := &Project{Kind: f.Get("kind"), Programme: f.Get("programme"), DefaultLang: f.Get("default_lang"), IATIIdentifier: f.Get("iati_identifier"),
		PlannedStart: f.Get("planned_start"), PlannedEnd: f.Get("planned_end"), ActualStart: f.Get("actual_start"), ActualEnd: f.Get("actual_end"),
		OwnerOrg: f.Get("owner_org"), Website: f.Get("website"), ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone")}
	p.Status, _ = strconv.Atoi(f.Get("status"))
	if y := f.Get("funding_year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			r.fe["funding_year"] = "projects.err.year"
		}
		p.FundingYear = n
	}
	for _, l := range Languages() {
		t := Text{Lang: l, Title: f.Get("title_" + l), Summary: f.Get("summary_" + l), Objectives: f.Get("objectives_" + l), Results: f.Get("results_" + l)}
		p.Texts = append(p.Texts, t)
	}
	r.p = p
}

// budget reads the budget and its currency.
func (r *formReader) budget() {
	cur := r.f.Get("currency")
	r.p.Budget.Currency = cur
	b := r.f.Get("budget")
	if b == "" {
		return
	}
	a, err := money.Parse(b, cur)
	switch {
	case errors.Is(err, money.ErrCurrency):
		r.fe["currency"] = "projects.err.currency"
	case err != nil, a.Minor < 0:
		r.fe["budget"] = "projects.err.amount"
	}
	r.p.Budget = a
	r.p.Budget.Currency = cur
}

// sectorsOf reads the sectors picked (a list, or codes separated by
// commas as a script may still send them).
func sectorsOf(f *web.Form) []string {
	var out []string
	for _, v := range f.Values["sectors"] {
		out = append(out, splitList(v)...)
	}
	return out
}

// sectorPick is the form's list of DAC sectors by name, grouped by their
// category: those of the filter and any the project already has.
func (h *handlers) sectorPick(pr *i18n.Printer, f *web.Form) web.Pick {
	sel := sectorsOf(f)
	codes := slices.Clone(usedSectors)
	for _, c := range sel {
		if !slices.Contains(codes, c) && h.svc.cl.Sector.Has(c) {
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	cs := make([]web.Choice, 0, len(codes))
	for _, c := range codes {
		cs = append(cs, web.Choice{Value: c, Label: h.svc.cl.SectorName(c, pr.Code()), Group: h.svc.cl.SectorName(c[:3], pr.Code())})
	}
	p := web.NewPick("sectors", "projects.field.sectors", cs, sel...)
	p.Multiple, p.Hint, p.Error = true, "lang.pick.sector_hint", f.Err("sectors")
	return p
}

// codes reads the sectors, acquis chapters, SDGs and LSGs.
func (r *formReader) codes() {
	p := r.p
	p.Sectors = append(p.Sectors, sectorsOf(r.f)...)
	p.Acquis = r.ints(splitList(r.f.Get("acquis")), "acquis", "projects.err.acquis")
	p.SDGs = r.ints(r.f.Values["sdg"], "sdgs", "projects.err.sdg")
	for _, s := range r.f.Values["lsg"] {
		if s = strings.TrimSpace(s); s != "" {
			p.Locations = append(p.Locations, Location{Place: s})
		}
	}
}

// ints reads whole numbers; one that is not sets the field's error.
func (r *formReader) ints(vs []string, field, key string) []int {
	var out []int
	for _, s := range vs {
		n, err := strconv.Atoi(s)
		if err != nil {
			r.fe[field] = key
			continue
		}
		out = append(out, n)
	}
	return out
}

// orgs reads the organisation rows, linking names to the platform's
// organisations (orgs: folded name -> public id).
func (r *formReader) orgs(orgs map[string]string) {
	for i := range rowsIn(r.f.Values, "org_name_") {
		k := strconv.Itoa(i)
		name := r.f.Get("org_name_" + k)
		if name == "" {
			continue
		}
		role, _ := strconv.Atoi(r.f.Get("org_role_" + k))
		r.track("org", len(r.p.Orgs), i)
		r.p.Orgs = append(r.p.Orgs, Org{Role: role, Name: name, Ref: r.f.Get("org_ref_" + k), OrgID: orgs[orgKey(name)]})
	}
}

// transactions reads the transaction rows.
func (r *formReader) transactions() {
	for i := range rowsIn(r.f.Values, "tx_amount_") {
		k := strconv.Itoa(i)
		amt, date := r.f.Get("tx_amount_"+k), r.f.Get("tx_date_"+k)
		if amt == "" && date == "" {
			continue
		}
		typ, _ := strconv.Atoi(r.f.Get("tx_type_" + k))
		c := r.f.Get("tx_currency_" + k)
		a, err := money.Parse(amt, c)
		if errors.Is(err, money.ErrCurrency) {
			r.fe["tx_currency_"+k] = "projects.err.currency"
		} else if err != nil || a.Minor < 0 {
			r.fe["tx_amount_"+k] = "projects.err.amount"
		}
		a.Currency = c
		r.track("tx", len(r.p.Transactions), i)
		r.p.Transactions = append(r.p.Transactions, Transaction{Type: typ, Date: date, Amount: a, Note: r.f.Get("tx_note_" + k)})
	}
}

// targets reads the target rows: label, value, the values measured
// before (kept in a hidden field) and a new measured value.
func (r *formReader) targets() {
	for i := range rowsIn(r.f.Values, "target_label_") {
		k := strconv.Itoa(i)
		label := r.f.Get("target_label_" + k)
		if label == "" {
			continue
		}
		t := Target{Label: label}
		n, err := strconv.ParseInt(r.f.Get("target_value_"+k), 10, 64)
		if err != nil || n < 0 {
			r.fe["target_value_"+k] = "projects.err.number"
		}
		t.Target = n
		t.Actuals = parseActuals(r.f.Get("target_hist_" + k))
		if a := r.f.Get("target_actual_" + k); a != "" {
			r.newActual(&t, k, a)
		}
		r.track("target", len(r.p.Targets), i)
		r.p.Targets = append(r.p.Targets, t)
	}
}

// parseActuals reads the hidden history of a target ("date=value;...").
func parseActuals(hist string) []Actual {
	var out []Actual
	for _, h := range strings.Split(hist, ";") {
		d, val, ok := strings.Cut(h, "=")
		if !ok {
			continue
		}
		if x, err := strconv.ParseInt(val, 10, 64); err == nil {
			out = append(out, Actual{Date: d, Value: x})
		}
	}
	return out
}

// newActual adds the measured value a of target row k to t; a new value
// on an existing date replaces it.
func (r *formReader) newActual(t *Target, k, a string) {
	x, err := strconv.ParseInt(a, 10, 64)
	if err != nil || x < 0 {
		r.fe["target_actual_"+k] = "projects.err.number"
	}
	d := r.f.Get("target_date_" + k)
	if !ValidDate(d) {
		r.fe["target_date_"+k] = "projects.err.date"
	}
	var kept []Actual
	for _, old := range t.Actuals {
		if old.Date != d {
			kept = append(kept, old)
		}
	}
	t.Actuals = append(kept, Actual{Date: d, Value: x})
}

// milestones reads the milestone rows.
func (r *formReader) milestones() {
	for i := range rowsIn(r.f.Values, "ms_title_") {
		k := strconv.Itoa(i)
		title := r.f.Get("ms_title_" + k)
		if title == "" {
			continue
		}
		r.track("ms", len(r.p.Milestones), i)
		r.p.Milestones = append(r.p.Milestones, Milestone{Date: r.f.Get("ms_date_" + k), Title: title, Done: r.f.Get("ms_done_"+k) != ""})
	}
}

// links reads the document rows.
func (r *formReader) links() {
	for i := range rowsIn(r.f.Values, "link_url_") {
		k := strconv.Itoa(i)
		u, title := r.f.Get("link_url_"+k), r.f.Get("link_title_"+k)
		if u == "" && title == "" {
			continue
		}
		r.track("link", len(r.p.Links), i)
		r.p.Links = append(r.p.Links, Link{Title: title, URL: u})
	}
}

// formErrors maps validation errors of parsed entries back to the form
// rows they came from.
func formErrors(p *Project, fe FieldErrors) FieldErrors {
	out := FieldErrors{}
	for k, v := range fe {
		key := k
		for _, pre := range []struct{ prefix, kind string }{{"org_", "org"}, {"tx_", "tx"}, {"target_", "target"}, {"ms_", "ms"}, {"link_", "link"}} {
			if strings.HasPrefix(k, pre.prefix) {
				i := strings.LastIndexByte(k, '_')
				n, err := strconv.Atoi(k[i+1:])
				if err == nil {
					if row, ok := p.rowIndex[pre.kind][n]; ok {
						key = k[:i+1] + strconv.Itoa(row)
					}
				}
			}
		}
		out[key] = v
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (h *handlers) formData(r *http.Request, f *web.Form, p *Project) (formPage, error) {
	ctx := r.Context()
	pr := printer(h.srv, r)
	d := formPage{Form: f, P: p, Currencies: money.Currencies()}
	count := func(prefix string, min int) []formRow {
		return seq(max(rowsIn(f.Values, prefix)+2, min))
	}
	d.Rows = rowCounts{Orgs: count("org_name_", 4), Tx: count("tx_amount_", 2), Targets: count("target_label_", 2), Ms: count("ms_title_", 2), Links: count("link_url_", 2)}
	for _, l := range Languages() {
		d.Langs = append(d.Langs, option{Value: l, Label: pr.T("projects.lang." + l)})
	}
	for _, k := range []string{KindProject, KindProgramme} {
		d.Kinds = append(d.Kinds, option{Value: k, Label: pr.T("projects.kind." + k)})
	}
	for i := 1; i <= 6; i++ {
		d.Statuses = append(d.Statuses, option{Value: strconv.Itoa(i), Label: pr.T("projects.status." + strconv.Itoa(i))})
	}
	for i := 1; i <= 4; i++ {
		d.Roles = append(d.Roles, option{Value: strconv.Itoa(i), Label: pr.T("projects.role." + strconv.Itoa(i))})
		d.TxTypes = append(d.TxTypes, option{Value: strconv.Itoa(i), Label: pr.T("projects.tx." + strconv.Itoa(i))})
	}
	for _, c := range h.svc.cl.SDG.Active() {
		n, _ := strconv.Atoi(c.Code)
		d.SDGs = append(d.SDGs, option{Value: c.Code, Label: c.Code + ". " + h.svc.cl.SDGName(n, pr.Code())})
	}
	d.SectorPick = h.sectorPick(pr, f)
	lsgs, err := h.svc.places.LSGs(ctx)
	if err != nil {
		return d, err
	}
	chosen := map[string]bool{}
	for _, c := range f.Values["lsg"] {
		chosen[c] = true
	}
	for _, pl := range lsgs {
		d.LSGs = append(d.LSGs, option{Value: pl.Code, Label: pl.NameLat, Selected: chosen[pl.Code]})
	}
	sort.Slice(d.LSGs, func(i, j int) bool {
		return translit.Fold(d.LSGs[i].Label).Search < translit.Fold(d.LSGs[j].Label).Search
	})
	progs, err := h.svc.Programmes(ctx)
	if err != nil {
		return d, err
	}
	for _, x := range progs {
		if p != nil && x.PublicID == p.PublicID {
			continue
		}
		t, _ := x.TextFor(pr.Code())
		d.Programmes = append(d.Programmes, option{Value: x.PublicID, Label: t.Title, Selected: x.PublicID == f.Get("programme")})
	}
	orgs, err := h.orgs.Organisations(ctx, "")
	if err != nil {
		return d, err
	}
	u := auth.UserFrom(r)
	for _, o := range orgs {
		d.OrgNames = append(d.OrgNames, o.Name)
		if auth.Can(u, auth.ActEditProgramme, auth.Object{Org: o.PublicID}) || o.PublicID == f.Get("owner_org") {
			d.Owners = append(d.Owners, option{Value: o.PublicID, Label: o.Name, Selected: o.PublicID == f.Get("owner_org")})
		}
	}
	return d, nil
}

func (h *handlers) orgIndex(r *http.Request) (map[string]string, error) {
	orgs, err := h.orgs.Organisations(r.Context(), "")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, o := range orgs {
		m[orgKey(o.Name)] = o.PublicID
	}
	return m, nil
}

func (h *handlers) newForm(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r)
	if u == nil {
		return h.srv.Render.Page(w, r, "projects/form", formPage{SignIn: true, Form: web.EmptyForm()})
	}
	if !canCreate(u) {
		return refuse.ErrForbidden
	}
	f := web.EmptyForm()
	f.Values.Set("status", "2")
	f.Values.Set("currency", "EUR")
	f.Values.Set("kind", KindProject)
	f.Values.Set("default_lang", LangOfLocale(web.StateOf(r).Locale))
	for _, g := range u.Grants {
		if g.ScopeKind == auth.ScopeLSG && auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: g.ScopeRef}) {
			f.Values.Add("lsg", g.ScopeRef)
		}
		if g.ScopeKind == auth.ScopeOrg && auth.Can(u, auth.ActEditProgramme, auth.Object{Org: g.ScopeRef}) && f.Values.Get("owner_org") == "" {
			f.Values.Set("owner_org", g.ScopeRef)
		}
	}
	d, err := h.formData(r, f, nil)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "projects/form", d)
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	if !canCreate(u) {
		return refuse.ErrForbidden
	}
	return h.save(w, r, u, nil)
}

// editable is the project of the path and the person who may edit it
// (refuse.ErrSignIn, refuse.ErrForbidden otherwise).
func (h *handlers) editable(r *http.Request) (*auth.User, *Project, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, nil, err
	}
	p, err := h.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	if !canEdit(u, p) {
		return nil, nil, refuse.ErrForbidden
	}
	return u, p, nil
}

func (h *handlers) editForm(w http.ResponseWriter, r *http.Request) error {
	_, p, err := h.editable(r)
	if err != nil {
		return err
	}
	f := web.EmptyForm()
	f.Values = valuesOf(p)
	d, err := h.formData(r, f, p)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "projects/form", d)
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) error {
	u, p, err := h.editable(r)
	if err != nil {
		return err
	}
	return h.save(w, r, u, p)
}

// save creates (old nil) or updates a project from the posted form.
func (h *handlers) save(w http.ResponseWriter, r *http.Request, u *auth.User, old *Project) error {
	ctx := r.Context()
	f := web.NewForm(r)
	orgs, err := h.orgIndex(r)
	if err != nil {
		return err
	}
	p, fe := parseForm(f, orgs)
	if old != nil {
		p.PublicID = old.PublicID
	}
	if vfe := h.svc.Validate(ctx, p); vfe != nil {
		if fe == nil {
			fe = FieldErrors{}
		}
		for k, v := range formErrors(p, vfe) {
			if _, ok := fe[k]; !ok {
				fe[k] = v
			}
		}
	}
	if fe == nil && !canEdit(u, p) {
		// the person could not edit what they are about to save
		fe = FieldErrors{"owner_org": "projects.err.scope"}
	}
	if fe == nil {
		if key := h.attachable(ctx, u, p, old); key != "" {
			fe = FieldErrors{"programme": key}
		}
	}
	if fe != nil {
		f.SetErrors(fe)
		return h.renderForm(w, r, f, old, http.StatusUnprocessableEntity)
	}
	actor := ActorOf(u, p)
	actor.IP = clientIP(r)
	if old == nil {
		err = h.svc.Create(ctx, actor, p)
	} else {
		version, _ := strconv.Atoi(f.Get("version"))
		err = h.svc.Update(ctx, actor, p, version)
	}
	var vfe FieldErrors
	if errors.As(err, &vfe) {
		f.SetErrors(formErrors(p, vfe))
		return h.renderForm(w, r, f, old, http.StatusUnprocessableEntity)
	}
	if errors.Is(err, refuse.ErrConflict) {
		f.Error = "projects.err.conflict"
		return h.renderForm(w, r, f, old, http.StatusConflict)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/%s/projects/%s", web.StateOf(r).Locale, p.PublicID), http.StatusSeeOther)
	return nil
}

// attachable is "" when u may put p in its programme: keeping the
// programme it had needs nothing; joining one is for the programme's owner
// organisation (or an administrator), so nobody adds projects, and their
// money, to a donor's programme. Otherwise the catalogue key of why not.
func (h *handlers) attachable(ctx context.Context, u *auth.User, p, old *Project) string {
	if p.Programme == "" || (old != nil && old.Programme == p.Programme) {
		return ""
	}
	prog, err := h.svc.Get(ctx, p.Programme)
	if err != nil || prog.Kind != KindProgramme {
		return "form.invalid_choice"
	}
	if auth.Can(u, auth.ActAdminSite, auth.Object{}) || (prog.OwnerOrg != "" && auth.Can(u, auth.ActEditProgramme, auth.Object{Org: prog.OwnerOrg})) {
		return ""
	}
	return "projects.err.programme_owner"
}

// clientIP is the address the request came from (for the audit log).
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, f *web.Form, old *Project, status int) error {
	d, err := h.formData(r, f, old)
	if err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "projects/form", d)
}
