package projects

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/cache"
	"github.com/dijalog/dijalog/internal/chart"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/translit"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Orgs lists the platform's organisations; *auth.Service implements it.
type Orgs interface {
	Organisations(ctx context.Context, kind string) ([]auth.Organisation, error)
}

type handlers struct {
	srv  *web.Server
	svc  *Service
	orgs Orgs

	// the boundary shapes joined to LSG codes, key ""
	geo *cache.Cache[string, geoJoin]
	// pages built from the cached aggregates, by locale, currency and
	// measure; an entry holds while its *Dashboard is the service's
	// cached one (so it goes with the aggregates, on every write)
	dashPages *cache.Cache[string, *dashPage]
	// the LSG and region choices of the list's filter, sorted once, by
	// the number of LSGs they were made of
	choices *cache.Cache[int, *filterChoices]
}

// geoJoin maps boundary shapes to LSG codes and back.
type geoJoin struct {
	geo     map[string]string // shape name -> place code
	shapeOf map[string]string // place code -> shape name
}

// placesTTL is how long what is made of the places alone is kept (the
// places change only with a new places snapshot).
const placesTTL = time.Hour

// filterChoices are the place options of the list's filter form.
type filterChoices struct {
	lsgs    []placeOption
	regions []placeOption
}

// placeOption is a place of a filter, named in the reader's locale when
// the page is built (the choices are shared by every locale).
type placeOption struct{ Code, Lat, Cyr string }

// placeOptions names the places of a filter for pr, value selected.
func placeOptions(pr *i18n.Printer, ps []placeOption, value string) []option {
	out := make([]option, len(ps))
	for i, p := range ps {
		out[i] = option{Value: p.Code, Label: pr.Name(p.Lat, p.Cyr), Selected: value != "" && p.Code == value}
	}
	return out
}

// Register adds the registry's pages and API:
//
//	GET  /{lang}/projects                  the list (filters in the query string)
//	GET  /{lang}/projects/dashboard        totals by donor, sector, year and LSG; the map
//	GET  /{lang}/projects/new              the form (POST creates)
//	GET  /{lang}/projects/{id}             one project
//	GET  /{lang}/projects/{id}/edit        the form (POST saves)
//	GET  /{lang}/projects/{id}/history     every change
//	GET  /{lang}/projects/{id}/notice      a programme's visibility notice (POST saves)
//	GET  /api/v1/projects[.csv|.geojson|.iati.xml], /api/v1/projects/{id},
//	     /api/v1/projects/totals.csv, /api/v1/openapi.json
func Register(srv *web.Server, svc *Service, orgs Orgs) (*Section, error) {
	if err := srv.Render.Register("projects", templateFS, "templates"); err != nil {
		return nil, fmt.Errorf("projects.Register: %w", err)
	}
	h := newHandlers(srv, svc, orgs)
	srv.Page("GET /projects", h.list)
	srv.Page("GET /projects/dashboard", h.dashboard)
	srv.Page("GET /projects/new", h.newForm)
	srv.Page("POST /projects/new", h.create)
	srv.Page("GET /projects/{id}", h.detail)
	srv.Page("GET /projects/{id}/edit", h.editForm)
	srv.Page("POST /projects/{id}/edit", h.update)
	srv.Page("GET /projects/{id}/history", h.history)
	srv.Page("GET /projects/{id}/notice", h.noticeForm)
	srv.Page("POST /projects/{id}/notice", h.noticeSave)
	srv.Handle("GET /api/v1/projects", h.apiList)
	srv.Handle("GET /api/v1/projects.csv", h.apiCSV)
	srv.Handle("GET /api/v1/projects.geojson", h.apiGeoJSON)
	srv.Handle("GET /api/v1/projects.iati.xml", h.apiIATI)
	srv.Handle("GET /api/v1/projects/totals.csv", h.apiTotalsCSV)
	srv.Handle("GET /api/v1/projects/{id}", h.apiProject)
	srv.Handle("GET /api/v1/openapi.json", h.openAPI)
	srv.Render.AddNav("nav.projects", "/projects")
	return &Section{h: h}, nil
}

func newHandlers(srv *web.Server, svc *Service, orgs Orgs) *handlers {
	return &handlers{srv: srv, svc: svc, orgs: orgs,
		geo:       cache.New[string, geoJoin](placesTTL, 1),
		dashPages: cache.New[string, *dashPage](cacheTTL, 200),
		choices:   cache.New[int, *filterChoices](placesTTL, 4),
	}
}

func printer(srv *web.Server, r *http.Request) *i18n.Printer {
	return srv.Cat.Printer(web.StateOf(r).Locale)
}

// geoJoin maps boundary shapes to LSG codes through the places' "geo"
// aliases (their names in the 2013 boundary data), then their names.
func (h *handlers) geoJoin(ctx context.Context) (map[string]string, map[string]string) {
	j, err := h.geo.Get(ctx, "", h.joinShapes)
	if err != nil {
		h.svc.log.Warn("projects: map join: places unavailable", "err", err)
	}
	return j.geo, j.shapeOf
}

func (h *handlers) joinShapes(ctx context.Context) (geoJoin, error) {
	j := geoJoin{geo: map[string]string{}, shapeOf: map[string]string{}}
	lsgs, err := h.svc.places.LSGs(ctx)
	if err != nil {
		return j, err
	}
	byKey := map[string]string{}
	for _, p := range lsgs {
		byKey[translit.Fold(p.NameLat).Search] = p.Code
	}
	for _, p := range lsgs {
		for _, a := range p.Aliases {
			if a.Kind == places.AliasGeo {
				byKey[translit.Fold(a.Alias).Search] = p.Code
			}
		}
	}
	for _, sh := range chart.Shapes() {
		if code, ok := byKey[translit.Fold(sh.Name).Search]; ok {
			j.geo[sh.Name] = code
			j.shapeOf[code] = sh.Name
		}
	}
	return j, nil
}

// canEdit reports whether u may change p as a whole: an administrator, a
// programme manager of the organisation that owns the record, or the staff
// of an LSG for a project that is that LSG's alone (its only place, no
// owner organisation). Being one of a multi-LSG project's places, or a
// partner organisation, gives no right to rewrite the record: a project
// of UNDP in 15 LSGs is UNDP's to edit.
func canEdit(u *auth.User, p *Project) bool {
	switch {
	case u == nil:
		return false
	case auth.Can(u, auth.ActAdminSite, auth.Object{}):
		return true
	case p.OwnerOrg != "":
		return auth.Can(u, auth.ActEditProgramme, auth.Object{Org: p.OwnerOrg})
	case len(p.Locations) == 1:
		return auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: p.Locations[0].Place})
	}
	return false
}

// canCreate: someone who could edit some project: an administrator, a
// programme manager of an organisation, or staff of an LSG.
func canCreate(u *auth.User) bool {
	if u == nil {
		return false
	}
	if auth.Can(u, auth.ActAdminSite, auth.Object{}) {
		return true
	}
	for _, g := range u.Grants {
		switch g.ScopeKind {
		case auth.ScopeOrg:
			if auth.Can(u, auth.ActEditProgramme, auth.Object{Org: g.ScopeRef}) {
				return true
			}
		case auth.ScopeLSG:
			if auth.Can(u, auth.ActEditLSGRecord, auth.Object{LSG: g.ScopeRef}) {
				return true
			}
		}
	}
	return false
}

// ---- list ----

type option struct {
	Value, Label string
	Selected     bool
}

type listRow struct {
	P        *Project
	Title    string
	Fallback bool
	Status   string
	Budget   string
	Period   []string // its start and end (each shown whole, never broken inside)
	Donors   []string
	LSGs     []placeLink
}

type placeLink struct{ Code, Name, NameCyr string }

// exportLink is a link to an open-data export of the current filter.
type exportLink struct{ URL, Key string }

type listPage struct {
	Filter     Filter
	Errors     FieldErrors
	Result     Result
	Rows       []listRow
	LSGs       []option
	Regions    []option
	Donors     []option
	Sectors    []option
	Statuses   []option
	Sorts      []option
	Query      string // filter as query string (no page, no sort)
	QuerySort  string // filter incl. sort, for pager links
	Exports    []exportLink
	Prev, Next string
	CanCreate  bool
}

func (h *handlers) placeNames(ctx context.Context) map[string]places.Place {
	lsgs, _ := h.svc.places.LSGs(ctx)
	m := make(map[string]places.Place, len(lsgs))
	for _, p := range lsgs {
		m[p.Code] = p
	}
	return m
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := printer(h.srv, r)
	f, fe := ParseFilter(r.URL.Query())
	status := http.StatusOK
	if fe != nil {
		status = http.StatusBadRequest
		f = Filter{}
	}
	if f.PerPage == 0 {
		f.PerPage = 20
	}
	res, err := h.svc.List(ctx, f)
	if err != nil {
		return err
	}
	d := listPage{Filter: f, Errors: fe, Result: res, CanCreate: canCreate(auth.UserFrom(r))}
	names := h.placeNames(ctx)
	for _, p := range res.Items {
		d.Rows = append(d.Rows, h.row(pr, p, names))
	}
	ch, err := h.filterChoices(ctx)
	if err != nil {
		return err
	}
	d.LSGs = placeOptions(pr, ch.lsgs, f.LSG)
	d.Regions = placeOptions(pr, ch.regions, f.Region)
	donors, err := h.svc.Donors(ctx)
	if err != nil {
		return err
	}
	for _, n := range donors {
		d.Donors = append(d.Donors, option{Value: n, Label: pr.Show(n), Selected: orgKey(n) == orgKey(f.Donor) && f.Donor != ""})
	}
	for _, c := range usedSectors {
		d.Sectors = append(d.Sectors, option{Value: c, Label: c + " " + h.svc.cl.SectorName(c, pr.Code()), Selected: c == f.Sector})
	}
	for i := 1; i <= 6; i++ {
		d.Statuses = append(d.Statuses, option{Value: strconv.Itoa(i), Label: pr.T("projects.status." + strconv.Itoa(i)), Selected: i == f.Status})
	}
	for _, s := range Sorts() {
		d.Sorts = append(d.Sorts, option{Value: s, Label: pr.T("projects.sort." + strings.TrimPrefix(strings.ReplaceAll(s, "-", "desc_"), "")), Selected: s == f.Sort || (f.Sort == "" && s == "-updated")})
	}
	v := f.Values()
	d.QuerySort = v.Encode()
	q := ""
	if d.QuerySort != "" {
		q = "?" + d.QuerySort
	}
	for _, e := range []struct{ path, key string }{{"/api/v1/projects.csv", "csv"}, {"/api/v1/projects", "json"}, {"/api/v1/projects.geojson", "geojson"}, {"/api/v1/projects.iati.xml", "iati"}} {
		d.Exports = append(d.Exports, exportLink{URL: e.path + q, Key: "projects.opendata." + e.key})
	}
	v.Del("sort")
	d.Query = v.Encode()
	link := func(page int) string {
		q := f.Values()
		q.Set("page", strconv.Itoa(page))
		return "?" + q.Encode()
	}
	if res.Page > 1 {
		d.Prev = link(res.Page - 1)
	}
	if res.Page < res.Pages() {
		d.Next = link(res.Page + 1)
	}
	return h.srv.Render.PageStatus(w, r, status, "projects/list", d)
}

// filterChoices are the LSGs and regions of the filter, sorted by the
// search fold once (the places change only with a new places snapshot).
func (h *handlers) filterChoices(ctx context.Context) (*filterChoices, error) {
	all, err := h.svc.places.LSGs(ctx)
	if err != nil {
		return nil, err
	}
	return h.choices.Get(ctx, len(all), func(ctx context.Context) (*filterChoices, error) {
		return h.makeChoices(ctx, all), nil
	})
}

func (h *handlers) makeChoices(ctx context.Context, all []places.Place) *filterChoices {
	ch := &filterChoices{}
	regions := map[string]bool{}
	for _, p := range all {
		ch.lsgs = append(ch.lsgs, placeOption{Code: p.Code, Lat: p.NameLat, Cyr: p.NameCyr})
		for _, c := range []string{p.EntityCode, p.CantonCode} {
			if c != "" {
				regions[c] = true
			}
		}
	}
	sort.Slice(ch.lsgs, func(i, j int) bool {
		return translit.Fold(ch.lsgs[i].Lat).Search < translit.Fold(ch.lsgs[j].Lat).Search
	})
	for _, c := range sortedKeys(regions) {
		if p, err := h.svc.places.ByCode(ctx, c); err == nil {
			ch.regions = append(ch.regions, placeOption{Code: c, Lat: p.NameLat, Cyr: p.NameCyr})
		}
	}
	return ch
}

// usedSectors are the DAC codes offered in the filter: those of
// governance, civil society and the sectors municipalities work in.
var usedSectors = []string{"15110", "15112", "15150", "15151", "15160", "15170", "15220", "16010", "16020", "16050", "11110", "11220", "12220", "14030", "14050", "21020", "23210", "25010", "31120", "32130", "33210", "41010", "43010", "43030", "43040", "72010", "73010", "74020"}

func (h *handlers) row(pr *i18n.Printer, p *Project, names map[string]places.Place) listRow {
	t, fb := p.TextFor(pr.Code())
	row := listRow{P: p, Title: t.Title, Fallback: fb, Status: pr.T("projects.status." + strconv.Itoa(p.Status)),
		Budget: budgetText(pr, p, true), Period: period(pr, p), Donors: p.Donors()}
	for _, l := range p.Locations {
		if pl, ok := names[l.Place]; ok {
			row.LSGs = append(row.LSGs, placeLink{Code: pl.Code, Name: pl.NameLat, NameCyr: pl.NameCyr})
		}
	}
	return row
}

// period is a project's start and end month, or its funding year: the
// parts of a range the page joins with a dash and never breaks inside,
// each in the locale's form ("01/2025").
func period(pr *i18n.Printer, p *Project) []string {
	s, e := p.Start(), p.End()
	short := func(d string) string {
		if len(d) >= 7 {
			d = d[:7]
		}
		return strings.ReplaceAll(pr.DateText(d), " ", "\u00a0")
	}
	switch {
	case s != "" && e != "":
		return []string{short(s), short(e)}
	case s != "":
		return []string{short(s), ""}
	case p.FundingYear != 0:
		return []string{strconv.Itoa(p.FundingYear)}
	}
	return nil
}

// ---- detail ----

type orgGroup struct {
	Role  string
	Names []orgName
}

type orgName struct{ Name, Ref string }

type moneyRow struct {
	Type, Date, Amount, Note string
}

type targetRow struct {
	T       Target
	Latest  string
	Percent int
	History string
}

type detailPage struct {
	P           *Project
	Text        Text
	Fallback    bool
	TextLang    string
	Status      string
	Budget      string
	BudgetShort string
	Disbursed   string
	Kind        string
	Orgs        []orgGroup
	Sectors     []option
	Acquis      []string
	SDGs        []option
	LSGs        []placeLink
	Map         template.HTML
	Progress    template.HTML
	Targets     []targetRow
	Money       []moneyRow
	Milestones  []Milestone
	Links       []Link
	Children    []listRow
	CanEdit     bool
	Programme   string
	ValueEUR    string // the budget in euro and the rate of which date made it
	// ProgrammeValue is what a programme's projects add up to, in euro,
	// with the count and the budgets without a rate
	ProgrammeValue, ProgrammeCount, ProgrammeUnconverted string
	// MoneyHistory is every change of the budget and the transactions
	MoneyHistory []moneyEvent
}

func (h *handlers) detail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := h.svc.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	pr := printer(h.srv, r)
	t, fb := p.TextFor(pr.Code())
	d := detailPage{P: p, Text: t, Fallback: fb, TextLang: pr.T("projects.lang." + t.Lang), Status: pr.T("projects.status." + strconv.Itoa(p.Status)),
		Budget: budgetText(pr, p, false), BudgetShort: wrappable(budgetText(pr, p, true)), Kind: pr.T("projects.kind." + p.Kind), CanEdit: canEdit(auth.UserFrom(r), p)}
	web.StateOf(r).Share = &web.Share{Kind: "projects.share.kind", Title: t.Title, Description: strings.Join(p.Donors(), ", ") + " · " + budgetText(pr, p, true)}
	h.setVisibility(r, p)
	if dis, ok := p.Disbursed(); ok && dis.Minor > 0 {
		d.Disbursed = wrappable(dis.Format(pr, true))
	}
	if p.Programme != "" {
		if pp, err := h.svc.Get(ctx, p.Programme); err == nil {
			pt, _ := pp.TextFor(pr.Code())
			d.Programme = pt.Title
		}
	}
	h.detailCodes(pr, p, &d)
	names := h.placeNames(ctx)
	h.detailPlaces(ctx, pr, p, names, &d)
	detailTargets(pr, p, &d)
	for _, t := range p.Transactions {
		d.Money = append(d.Money, moneyRow{Type: txLabel(pr, h.svc.cl, t.Type), Date: t.Date, Amount: t.Amount.Format(pr, false), Note: t.Note})
	}
	d.Milestones, d.Links = p.Milestones, p.Links
	if err := h.detailValue(ctx, pr, p, &d); err != nil {
		return err
	}
	if d.MoneyHistory, err = h.moneyHistory(ctx, pr, p, names); err != nil {
		return err
	}
	if p.Kind == KindProgramme {
		if err := h.detailProgramme(ctx, pr, p, names, &d); err != nil {
			return err
		}
	}
	return h.srv.Render.Page(w, r, "projects/project", d)
}

// detailValue states the budget in euro with the rate and date it was
// converted at.
func (h *handlers) detailValue(ctx context.Context, pr *i18n.Printer, p *Project, d *detailPage) error {
	if p.Budget.Currency == "EUR" || p.Budget.Minor == 0 {
		return nil
	}
	n, err := h.svc.ValueOf(ctx, p)
	if err != nil {
		return err
	}
	value := money.New(n.EUR, "EUR").Format(pr, true)
	switch {
	case !n.Converts:
		d.ValueEUR = pr.T("projects.detail.value_eur_none", "currency", p.Budget.Currency)
	case n.Rate.Date == "":
		d.ValueEUR = pr.T("projects.detail.value_eur_peg", "value", value, "rate", pr.Decimal(n.Rate.PerEUR, 5), "currency", n.Rate.Currency)
	default:
		d.ValueEUR = pr.T("projects.detail.value_eur", "value", value, "rate", pr.Decimal(n.Rate.PerEUR, 4), "currency", n.Rate.Currency, "date", pr.ShortDateText(n.Rate.Date))
	}
	return nil
}

// detailProgramme lists a programme's projects and what they add up to.
func (h *handlers) detailProgramme(ctx context.Context, pr *i18n.Printer, p *Project, names map[string]places.Place, d *detailPage) error {
	res, err := h.svc.List(ctx, Filter{Parent: p.PublicID, Sort: "title", PerPage: MaxPerPage})
	if err != nil {
		return err
	}
	for _, c := range res.Items {
		d.Children = append(d.Children, h.row(pr, c, names))
	}
	pv, err := h.svc.ProgrammeValue(ctx, p.PublicID)
	if err != nil || pv.Projects == 0 {
		return err
	}
	d.ProgrammeValue = money.New(pv.EUR, "EUR").Format(pr, true)
	d.ProgrammeCount = pr.N("projects.detail.programme_projects", pv.Projects)
	var un []string
	for _, a := range pv.Unconverted {
		un = append(un, a.Format(pr, true))
	}
	if len(un) > 0 {
		d.ProgrammeUnconverted = pr.T("projects.detail.programme_unconverted", "amounts", strings.Join(un, "; "))
	}
	return nil
}

// detailCodes fills the organisations by role, the sectors, acquis
// chapters and SDGs of the detail page.
func (h *handlers) detailCodes(pr *i18n.Printer, p *Project, d *detailPage) {
	for role := 1; role <= 4; role++ {
		g := orgGroup{Role: pr.T("projects.role." + strconv.Itoa(role))}
		for _, o := range p.Orgs {
			if o.Role == role {
				g.Names = append(g.Names, orgName{Name: o.Name, Ref: o.Ref})
			}
		}
		if len(g.Names) > 0 {
			d.Orgs = append(d.Orgs, g)
		}
	}
	for _, s := range p.Sectors {
		d.Sectors = append(d.Sectors, option{Value: s, Label: h.svc.cl.SectorName(s, pr.Code())})
	}
	for _, c := range p.Acquis {
		d.Acquis = append(d.Acquis, acquisLabel(pr, c))
	}
	for _, g := range p.SDGs {
		d.SDGs = append(d.SDGs, option{Value: strconv.Itoa(g), Label: h.svc.cl.SDGName(g, pr.Code())})
	}
}

// detailPlaces fills the LSGs of the detail page and their map.
func (h *handlers) detailPlaces(ctx context.Context, pr *i18n.Printer, p *Project, names map[string]places.Place, d *detailPage) {
	_, shapeOf := h.geoJoin(ctx)
	regions := map[string]chart.Region{}
	for _, l := range p.Locations {
		pl, ok := names[l.Place]
		if !ok {
			continue
		}
		d.LSGs = append(d.LSGs, placeLink{Code: pl.Code, Name: pl.NameLat, NameCyr: pl.NameCyr})
		if sh, ok := shapeOf[pl.Code]; ok {
			regions[sh] = chart.Region{Label: pr.Name(pl.NameLat, pl.NameCyr), Mark: true, Href: "/" + pr.Code() + "/places/" + pl.Code, Value: 1}
		}
	}
	if len(regions) > 0 {
		h.nameShapes(ctx, pr, regions, names)
		d.Map = chart.Map(pr.T("projects.detail.map"), pr.N("projects.detail.map_desc", len(d.LSGs)), regions, true)
	}
}

// nameShapes names the map's other LSGs for the reader (the boundary
// data names them in Latin letters, in their 2013 form): a region without
// a value (NaN) only gives its shape a name.
func (h *handlers) nameShapes(ctx context.Context, pr *i18n.Printer, regions map[string]chart.Region, names map[string]places.Place) {
	geo, _ := h.geoJoin(ctx)
	for shape, code := range geo {
		if _, ok := regions[shape]; ok {
			continue
		}
		if pl, ok := names[code]; ok {
			regions[shape] = chart.Region{Label: pr.Name(pl.NameLat, pl.NameCyr), Value: math.NaN()}
		}
	}
}

// detailTargets fills the targets of the detail page and their progress
// chart.
func detailTargets(pr *i18n.Printer, p *Project, d *detailPage) {
	var items []chart.Item
	var targets []float64
	for _, tg := range p.Targets {
		row := targetRow{T: tg, Percent: tg.Percent()}
		var hist []string
		for _, a := range tg.Actuals {
			hist = append(hist, pr.ShortDateText(a.Date)+": "+pr.Int(a.Value))
		}
		row.History = strings.Join(hist, "; ")
		// A target without a measured value is drawn as an empty track
		// that says so (not "– of 20" and a 0 % bar).
		it := chart.Item{Label: tg.Label, Value: math.NaN(), Display: pr.T("pages.chart.no_data")}
		if a, ok := tg.Latest(); ok {
			row.Latest = pr.Int(a.Value)
			it.Value, it.Display = float64(a.Value), pr.T("projects.target.of", "actual", row.Latest, "target", pr.Int(tg.Target))
		}
		d.Targets = append(d.Targets, row)
		it.Label = pr.Show(tg.Label)
		items = append(items, it)
		targets = append(targets, float64(tg.Target))
	}
	if len(items) > 0 {
		d.Progress = chart.Progress(pr.T("projects.detail.targets"), pr.T("projects.detail.targets_desc"), items, targets)
	}
}

// wrappable lets an amount break between number and currency (the large
// figures of the summary boxes overflowed a phone's column).
func wrappable(s string) string { return strings.Replace(s, "\u00a0", " ", 1) }

// budgetText shows the value, or says that it is not published.
func budgetText(pr *i18n.Printer, p *Project, whole bool) string {
	if p.Budget.Minor == 0 {
		return pr.T("projects.budget.unknown")
	}
	return p.Budget.Format(pr, whole)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func acquisLabel(pr *i18n.Printer, c int) string {
	if c == 0 {
		return pr.T("projects.acquis.other")
	}
	return pr.T("projects.acquis.chapter", "n", strconv.Itoa(c))
}

func txLabel(pr *i18n.Printer, cl *Codelists, t int) string {
	if t >= 1 && t <= 4 {
		return pr.T("projects.tx." + strconv.Itoa(t))
	}
	return cl.TransactionType.Label(strconv.Itoa(t))
}

// ---- history ----

type historyPage struct {
	P       *Project
	Title   string
	Entries []historyRow
}

// historyRow is a change with the role it was made in.
type historyRow struct {
	HistoryEntry
	Who string // "LSG staff of Trnovo", never a person
}

func (h *handlers) history(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	hs, err := h.svc.History(r.Context(), p)
	if err != nil {
		return err
	}
	t, _ := p.TextFor(web.StateOf(r).Locale)
	pr, names := printer(h.srv, r), h.placeNames(r.Context())
	rows := make([]historyRow, len(hs))
	for i, e := range hs {
		rows[i] = historyRow{HistoryEntry: e, Who: actorLabel(pr, names, e.Actor)}
	}
	return h.srv.Render.Page(w, r, "projects/history", historyPage{P: p, Title: t.Title, Entries: rows})
}

// ---- dashboard ----

type dashRow struct {
	Label, Value, Key string
	Count             int
	Minor             int64
}

type dashPage struct {
	D                                                              *Dashboard
	Currency                                                       string
	Currencies                                                     []option
	Measure                                                        string // "total" or "capita"
	Total                                                          string
	TotalShort                                                     string
	Rates                                                          []string
	Unconverted                                                    string // budgets without a rate, per currency
	Donors                                                         []dashRow
	Sectors                                                        []dashRow
	Years                                                          []dashRow
	LSGs                                                           []dashRow
	DonorChart, SectorChart, YearChart, StackChart, LineChart, Map template.HTML
	MapRows                                                        []dashRow
	Legend                                                         []legendRow
	StackHead                                                      []string
	RatesText                                                      string // the rates used, one sentence
	StackRows                                                      []stackRow
}

type legendRow struct{ Colour, Label string }

type stackRow struct {
	Year   string
	Values []string
}

func (h *handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := printer(h.srv, r)
	q := r.URL.Query()
	cur := strings.ToUpper(q.Get("currency"))
	if cur == "" {
		cur = "EUR"
	}
	measure := q.Get("measure")
	if measure != "capita" {
		measure = "total"
	}
	if !money.Valid(cur) {
		return &web.Error{Status: http.StatusBadRequest, Key: "projects.err.currency"}
	}
	d, err := h.svc.Dashboard(ctx, cur)
	if err != nil {
		return err
	}
	key := pr.Code() + " " + cur + " " + measure
	build := func(ctx context.Context) (*dashPage, error) { return h.dashboardPage(ctx, pr, d, cur, measure), nil }
	p, err := h.dashPages.Get(ctx, key, build)
	if err == nil && p.D != d {
		// built from aggregates a write has replaced since
		h.dashPages.Forget(key)
		p, err = h.dashPages.Get(ctx, key, build)
	}
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "projects/dashboard", p)
}

// dashboardPage builds the charts, tables and map of d (read-only once
// built: it is shared by the requests until the aggregates change).
func (h *handlers) dashboardPage(ctx context.Context, pr *i18n.Printer, d *Dashboard, cur, measure string) *dashPage {
	f := dashFormat{pr: pr, cur: cur}
	p := &dashPage{D: d, Currency: cur, Measure: measure, Total: f.text(d.Total),
		TotalShort: pr.T("projects.dash.millions", "n", pr.Decimal(f.major(d.Total)/1e6, 1), "currency", cur)}
	for _, c := range []string{"EUR", "BAM", "USD"} {
		p.Currencies = append(p.Currencies, option{Value: c, Label: c, Selected: c == cur})
	}
	for _, rt := range d.Rates {
		if rt.Date == "" {
			p.Rates = append(p.Rates, pr.T("projects.dash.rate_peg", "currency", rt.Currency, "rate", pr.Decimal(rt.PerEUR, 5)))
		} else {
			p.Rates = append(p.Rates, pr.T("projects.dash.rate", "currency", rt.Currency, "rate", pr.Decimal(rt.PerEUR, 4), "date", pr.ShortDateText(rt.Date)))
		}
	}
	p.RatesText = strings.Join(p.Rates, "; ")
	if !strings.HasSuffix(p.RatesText, ".") {
		p.RatesText += "." // a date in the bs, hr and sr form ends with its own
	}
	var unconverted []string
	for _, a := range d.Unconverted {
		unconverted = append(unconverted, a.Format(pr, true))
	}
	p.Unconverted = strings.Join(unconverted, "; ")
	desc := pr.T("projects.dash.chart_desc", "currency", cur)
	var items []chart.Item
	names := h.placeNames(ctx)
	p.Donors, items = f.rows(d.ByDonor, "projects.dash.no_donor", 12, func(b Bucket) string { return pr.Show(b.Label) })
	p.DonorChart = chart.Bar(pr.T("projects.dash.by_donor"), desc, items)
	p.Sectors, items = f.rows(d.BySector, "projects.dash.no_sector", 12, func(b Bucket) string { return h.svc.cl.SectorName(b.Key, pr.Code()) })
	p.SectorChart = chart.Bar(pr.T("projects.dash.by_sector"), desc, items)
	p.Years, items = f.rows(d.ByYear, "projects.dash.no_year", 40, nil)
	p.YearChart = chart.Bar(pr.T("projects.dash.by_year"), desc, items)
	p.LSGs, _ = f.rows(d.ByLSG, "projects.dash.no_lsg", 0, func(b Bucket) string {
		if pl, ok := names[b.Key]; ok {
			return pr.Name(pl.NameLat, pl.NameCyr)
		}
		return b.Label
	})
	f.yearCharts(p, d)
	h.dashMap(ctx, f, p, d, measure)
	return p
}

// dashFormat formats the dashboard's amounts in its currency.
type dashFormat struct {
	pr  *i18n.Printer
	cur string
}

func (f dashFormat) text(minor int64) string   { return money.New(minor, f.cur).Format(f.pr, true) }
func (f dashFormat) major(minor int64) float64 { return money.New(minor, f.cur).Major() }

// rows are the table rows of buckets (none names the bucket without a
// key; name, when not nil, names the others in the reader's language and
// script) and the chart items of the first limit.
func (f dashFormat) rows(bs []Bucket, none string, limit int, name func(Bucket) string) ([]dashRow, []chart.Item) {
	var rows []dashRow
	var items []chart.Item
	for i, b := range bs {
		label := b.Label
		if name != nil {
			label = name(b)
		}
		if b.Key == "" {
			label = f.pr.T(none)
		}
		rows = append(rows, dashRow{Label: label, Value: f.text(b.Minor), Count: b.Count, Key: b.Key, Minor: b.Minor})
		if i < limit {
			items = append(items, chart.Item{Label: label, Value: f.major(b.Minor), Display: f.text(b.Minor)})
		}
	}
	return rows, items
}

// yearCharts draws the number of projects per start year (a line) and
// the value per year by the top donors (stacked, with its table).
func (f dashFormat) yearCharts(p *dashPage, d *Dashboard) {
	pr := f.pr
	var labels []string
	var counts []float64
	for _, b := range d.ByYear {
		label := b.Key
		if label == "" {
			label = pr.T("projects.dash.no_year")
		}
		labels = append(labels, label)
		counts = append(counts, float64(b.Count))
	}
	count := chart.Axes{Categories: pr.T("pages.chart.year"), Values: pr.T("pages.chart.count"), Format: func(v float64) string { return chart.Short(pr, v, "") }}
	p.LineChart = chart.Line(pr.T("projects.dash.count_by_year"), pr.T("projects.dash.count_desc"), labels, []chart.Series{{Name: pr.T("projects.dash.count"), Values: counts}}, count)
	series := make([]chart.Series, len(d.DonorKeys)+1)
	for i, k := range d.DonorKeys {
		series[i].Name = pr.Show(k)
		p.StackHead = append(p.StackHead, series[i].Name)
	}
	series[len(d.DonorKeys)].Name = pr.T("projects.dash.other_donors")
	p.StackHead = append(p.StackHead, series[len(d.DonorKeys)].Name)
	for yi, row := range d.YearDonor {
		sr := stackRow{Year: labels[yi]}
		for ci, v := range row {
			series[ci].Values = append(series[ci].Values, f.major(v))
			sr.Values = append(sr.Values, f.text(v))
		}
		p.StackRows = append(p.StackRows, sr)
	}
	amount := chart.Axes{Categories: pr.T("pages.chart.year"), Values: pr.T("pages.chart.amount", "currency", f.cur), Format: func(v float64) string { return chart.Short(pr, v, "") }}
	p.StackChart = chart.Stacked(pr.T("projects.dash.stacked"), pr.T("projects.dash.chart_desc", "currency", f.cur), labels, series, amount)
}

// dashMap draws the map of the value per LSG (in total or per person),
// with its table and legend.
func (h *handlers) dashMap(ctx context.Context, f dashFormat, p *dashPage, d *Dashboard, measure string) {
	pr, cur := f.pr, f.cur
	geo, _ := h.geoJoin(ctx)
	names := h.placeNames(ctx)
	byCode := map[string]Bucket{}
	for _, b := range d.ByLSG {
		byCode[b.Key] = b
	}
	regions := map[string]chart.Region{}
	for shape, code := range geo {
		pl, b := names[code], byCode[code]
		v, disp := f.major(b.Minor), f.text(b.Minor)
		if measure == "capita" {
			v, disp = f.perCapita(v, pl)
		}
		regions[shape] = chart.Region{Label: pr.Name(pl.NameLat, pl.NameCyr), Value: v, Display: disp, Href: "/" + pr.Code() + "/places/" + code}
		p.MapRows = append(p.MapRows, dashRow{Label: pr.Name(pl.NameLat, pl.NameCyr), Value: disp, Count: b.Count, Key: code, Minor: b.Minor})
	}
	sort.Slice(p.MapRows, func(i, j int) bool {
		return translit.Fold(p.MapRows[i].Label).Search < translit.Fold(p.MapRows[j].Label).Search
	})
	title, digits := pr.T("projects.dash.map_total", "currency", cur), 0
	if measure == "capita" {
		title, digits = pr.T("projects.dash.map_capita", "currency", cur), 2
	}
	h.nameShapes(ctx, pr, regions, names)
	p.Map = chart.Map(title, pr.T("projects.dash.map_desc"), regions, false)
	bounds := chart.Bounds(regions)
	prev := 0.0
	for i, b := range bounds {
		p.Legend = append(p.Legend, legendRow{Colour: chart.ClassColourAt(i, len(bounds)), Label: pr.Decimal(prev, digits) + " – " + pr.Decimal(b, digits)})
		prev = b
	}
	p.Legend = append(p.Legend, legendRow{Colour: chart.NoDataColour(), Label: pr.T("projects.dash.no_data")})
}

// perCapita is v per inhabitant of pl, displayed; -1 without a population.
func (f dashFormat) perCapita(v float64, pl places.Place) (float64, string) {
	if !pl.Population.Valid || pl.Population.V == 0 {
		return -1, f.pr.T("projects.dash.no_population")
	}
	v /= float64(pl.Population.V)
	return v, f.pr.T("projects.dash.per_capita", "value", f.pr.Decimal(v, 2), "currency", f.cur)
}

// ---- LSG section ----

// Section renders an LSG's projects and totals on its page.
type Section struct{ h *handlers }

type sectionData struct {
	Place places.Place
	Rows  []listRow
	Total int
	Sums  []string
	More  string
}

// Render is a places.Section.
func (s *Section) Render(r *http.Request, p places.Place) (template.HTML, error) {
	h := s.h
	pr := printer(h.srv, r)
	res, err := h.svc.List(r.Context(), Filter{LSG: p.Code, Sort: "-start", PerPage: 10})
	if err != nil {
		return "", err
	}
	d := sectionData{Place: p, Total: res.Total, More: "/projects?lsg=" + url.QueryEscape(p.Code)}
	names := h.placeNames(r.Context())
	for _, x := range res.Items {
		d.Rows = append(d.Rows, h.row(pr, x, names))
	}
	sums, err := h.svc.LSGTotals(r.Context(), p.Code)
	if err != nil {
		return "", err
	}
	for _, a := range sums {
		d.Sums = append(d.Sums, a.Format(pr, true))
	}
	return h.srv.Render.Fragment(r, "projects/list", "lsg-section", d)
}

// LSGTotals sums the budgets of an LSG's projects per currency (projects
// in several LSGs count in full: it is what the LSG takes part in).
func (s *Service) LSGTotals(ctx context.Context, code string) ([]money.Amount, error) {
	return s.st.lsgTotals(ctx, s.d, code)
}
