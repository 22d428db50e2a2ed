package eloge

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/chart"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

//go:embed all:templates
var templateFS embed.FS

// Places resolves LSG codes; *places.Service implements it.
type Places interface {
	ByCode(ctx context.Context, code string) (places.Place, error)
	LSGs(ctx context.Context) ([]places.Place, error)
}

// Handlers serve the ELoGE pages.
type Handlers struct {
	srv    *web.Server
	svc    *Service
	places Places
	orgs   func(ctx context.Context) ([]auth.Organisation, error)
}

// Register adds the ELoGE pages:
//
//	GET  /{lang}/eloge                         labelled LSGs by year, cycles
//	GET  /{lang}/eloge/{cycle}                 a cycle's overview
//	GET  /{lang}/eloge/{cycle}/{lsg}           an LSG's results (published, or for its team and experts)
//	GET  /api/v1/eloge/results                 JSON: scores per principle and source, labels
//	GET  /{lang}/admin/eloge                   platforms and cycles (internal)
//	...  /{lang}/admin/eloge/cycles/{cycle}[/{lsg}[/...]]
func Register(srv *web.Server, svc *Service, pl Places, orgs func(ctx context.Context) ([]auth.Organisation, error)) (*Handlers, error) {
	if err := srv.Render.Register("eloge", templateFS, "templates"); err != nil {
		return nil, fmt.Errorf("eloge.Register: %w", err)
	}
	h := &Handlers{srv: srv, svc: svc, places: pl, orgs: orgs}
	srv.Render.AddNav("nav.eloge", "/eloge")
	srv.Page("GET /eloge", h.index)
	srv.Page("GET /eloge/{cycle}", h.cycle)
	srv.Page("GET /eloge/{cycle}/{lsg}", h.lsg)
	srv.Handle("GET /api/v1/eloge/results", h.api)
	srv.Page("GET /admin/eloge", h.admin)
	srv.Page("POST /admin/eloge/platforms", h.createPlatform)
	srv.Page("POST /admin/eloge/platforms/{id}/cycles", h.openCycle)
	srv.Page("GET /admin/eloge/cycles/{cycle}", h.manageCycle)
	srv.Page("POST /admin/eloge/cycles/{cycle}/lsgs", h.addLSG)
	srv.Page("POST /admin/eloge/cycles/{cycle}/experts", h.addExpert)
	srv.Page("GET /admin/eloge/cycles/{cycle}/{lsg}", h.workspace)
	srv.Page("POST /admin/eloge/cycles/{cycle}/{lsg}/matrix", h.saveMatrix)
	srv.Page("POST /admin/eloge/cycles/{cycle}/{lsg}/review", h.review)
	srv.Page("POST /admin/eloge/cycles/{cycle}/{lsg}/surveys", h.act("#surveys", h.generate))
	srv.Page("POST /admin/eloge/cycles/{cycle}/{lsg}/decision", h.act("#decision", h.decide))
	srv.Page("POST /admin/eloge/cycles/{cycle}/{lsg}/actions", h.act("#plan", h.addAction))
	srv.Page("POST /admin/eloge/cycles/{cycle}/{lsg}/actions/{action}", h.act("#plan", h.progress))
	h.registerSets()
	return h, nil
}

func locale(r *http.Request) string { return web.StateOf(r).Locale }

// lsgName is the LSG's name for a reader.
func (h *Handlers) lsgName(ctx context.Context, code, lang string) string {
	p, err := h.places.ByCode(ctx, code)
	if err != nil {
		return code
	}
	return h.srv.Cat.Printer(lang).Name(p.NameLat, p.NameCyr)
}

// ---- public ----

type labelView struct {
	Label
	Name string
}

type cycleItem struct {
	C            *Cycle
	Participants int
	Labels       int
}

type indexPage struct {
	Years  []int
	ByYear map[int][]labelView
	Cycles []cycleItem
}

func (h *Handlers) index(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	labels, err := h.svc.Labels(ctx, "")
	if err != nil {
		return err
	}
	d := indexPage{ByYear: map[int][]labelView{}}
	for _, l := range labels {
		if _, ok := d.ByYear[l.Year]; !ok {
			d.Years = append(d.Years, l.Year)
		}
		d.ByYear[l.Year] = append(d.ByYear[l.Year], labelView{Label: l, Name: h.lsgName(ctx, l.LSG, locale(r))})
	}
	cycles, err := h.svc.Cycles(ctx)
	if err != nil {
		return err
	}
	for _, c := range cycles {
		parts, err := h.svc.Participants(ctx, c)
		if err != nil {
			return err
		}
		it := cycleItem{C: c, Participants: len(parts)}
		for _, p := range parts {
			if p.Awarded() && p.Published {
				it.Labels++
			}
		}
		d.Cycles = append(d.Cycles, it)
	}
	return h.srv.Render.Page(w, r, "eloge/index", d)
}

type partRow struct {
	P       *Participant
	Name    string
	Overall float64
	Scored  bool
}

type cyclePage struct {
	C        *Cycle
	Set      *Set
	Rows     []partRow
	Average  map[int]float64
	Manager  bool
	Expert   bool
	Decided  int
	Labelled int
}

func (h *Handlers) loadCycle(r *http.Request) (*Cycle, error) {
	return h.svc.CycleByPublicID(r.Context(), r.PathValue("cycle"))
}

func (h *Handlers) cycle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := h.loadCycle(r)
	if err != nil {
		return err
	}
	d := cyclePage{C: c, Manager: CanManagePlatform(auth.UserFrom(r), &c.Platform)}
	if d.Expert, err = h.svc.IsExpert(ctx, auth.UserFrom(r), c); err != nil {
		return err
	}
	if d.Set, err = h.svc.SetByID(ctx, c.SetID); err != nil {
		return err
	}
	parts, err := h.svc.Participants(ctx, c)
	if err != nil {
		return err
	}
	for _, p := range parts {
		row := partRow{P: p, Name: h.lsgName(ctx, p.LSG, locale(r))}
		if p.Published && p.DecisionScore.Valid {
			row.Overall, row.Scored = p.DecisionScore.V, true
			d.Decided++
			if p.Awarded() {
				d.Labelled++
			}
		}
		d.Rows = append(d.Rows, row)
	}
	if d.Average, err = h.svc.CycleAverage(ctx, c); err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "eloge/cycle", d)
}

// scoreRow is one principle in the results table.
type scoreRow struct {
	Number   int
	Title    string
	Sources  []cell // self, citizens, councillors, staff
	Combined cell
	Previous cell
	Average  cell
}

type cell struct {
	V  float64
	OK bool
}

type ResultsData struct {
	C         *Cycle
	P         *Participant
	Name      string
	Rows      []scoreRow
	Overall   cell
	Complete  bool
	Radar     template.HTML
	Responses map[string]int
	Actions   []Action
	PrevYear  int
	Sources   []string
}

// results builds the score table and radar of a participant.
func (h *Handlers) results(r *http.Request, c *Cycle, p *Participant) (*ResultsData, error) {
	ctx := r.Context()
	lang := locale(r)
	p2 := h.srv.Cat.Printer(lang)
	set, err := h.svc.SetByID(ctx, c.SetID)
	if err != nil {
		return nil, err
	}
	ps, responses, err := h.svc.Scores(ctx, c, p)
	if err != nil {
		return nil, err
	}
	avg, err := h.svc.CycleAverage(ctx, c)
	if err != nil {
		return nil, err
	}
	d := &ResultsData{C: c, P: p, Name: h.lsgName(ctx, p.LSG, lang), Responses: responses, Sources: Sources()}
	prev := map[int]PrincipleScore{}
	if pc, pp, err := h.svc.PreviousParticipation(ctx, c, p.LSG); err != nil {
		return nil, err
	} else if pp != nil && pp.Published {
		pscores, _, err := h.svc.Scores(ctx, pc, pp)
		if err != nil {
			return nil, err
		}
		for _, s := range pscores {
			prev[s.Principle] = s
		}
		d.PrevYear = pc.Year
	}
	titles := map[int]string{}
	for _, pr := range set.Principles {
		titles[pr.Number] = pr.Title.In(lang)
	}
	var axes []string
	var cur, pv, av []float64
	for _, s := range ps {
		row := scoreRow{Number: s.Principle, Title: titles[s.Principle]}
		for _, src := range Sources() {
			v, ok := s.Source(src)
			row.Sources = append(row.Sources, cell{Round1(v), ok})
		}
		row.Combined = cell{Round1(s.Combined), s.HasScore}
		if ps, ok := prev[s.Principle]; ok && ps.HasScore {
			row.Previous = cell{Round1(ps.Combined), true}
		}
		if a, ok := avg[s.Principle]; ok {
			row.Average = cell{Round1(a), true}
		}
		d.Rows = append(d.Rows, row)
		axes = append(axes, shortPrinciple(p2, s.Principle, row.Title))
		cur = append(cur, nanIf(row.Combined))
		pv = append(pv, nanIf(row.Previous))
		av = append(av, nanIf(row.Average))
	}
	o, complete := Overall(ps)
	d.Overall, d.Complete = cell{Round1(o), o > 0 || complete}, complete
	series := []chart.RadarSeries{{Name: p2.T("eloge.results.combined") + " " + strconv.Itoa(c.Year), Values: cur}}
	if d.PrevYear != 0 {
		series = append(series, chart.RadarSeries{Name: p2.T("eloge.results.previous") + " " + strconv.Itoa(d.PrevYear), Values: pv})
	}
	if len(avg) > 0 {
		series = append(series, chart.RadarSeries{Name: p2.T("eloge.results.average"), Values: av})
	}
	ring := chart.Ring{Value: float64(c.Threshold), Label: p2.T("pages.eloge.ring", "n", strconv.Itoa(c.Threshold))}
	d.Radar = chart.Radar(p2.T("eloge.results.radar", "lsg", d.Name), p2.T("eloge.results.radar_caption"), axes, series, ring)
	if d.Actions, err = h.svc.Actions(ctx, p); err != nil {
		return nil, err
	}
	return d, nil
}

// shortPrinciple is the name of principle n on the radar's axis: its
// number and short name (one of the Council of Europe's 12 principles),
// or its title for a principle a set adds.
func shortPrinciple(p *i18n.Printer, n int, title string) string {
	if n >= 1 && n <= 12 {
		return strconv.Itoa(n) + ". " + p.T("pages.eloge.principle."+strconv.Itoa(n))
	}
	return strconv.Itoa(n) + ". " + title
}

func nanIf(c cell) float64 {
	if !c.OK {
		return math.NaN()
	}
	return c.V
}

func (h *Handlers) lsg(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := h.loadCycle(r)
	if err != nil {
		return err
	}
	p, err := h.svc.Participant(ctx, c, r.PathValue("lsg"))
	if err != nil {
		return err
	}
	if !p.Published {
		ok, err := h.svc.CanSee(ctx, auth.UserFrom(r), c, p)
		if err != nil {
			return err
		}
		if !ok {
			return refuse.ErrNotFound
		}
	}
	d, err := h.results(r, c, p)
	if err != nil {
		return err
	}
	return h.srv.Render.Page(w, r, "eloge/lsg", d)
}

// APIScore is one principle's scores in the JSON API.
type APIScore struct {
	Principle int                 `json:"principle"`
	Title     string              `json:"title"`
	Sources   map[string]*float64 `json:"sources"`
	Combined  *float64            `json:"combined"`
}

// APIResult is one LSG in one cycle.
type APIResult struct {
	Cycle      string     `json:"cycle"`
	Year       int        `json:"year"`
	Platform   string     `json:"platform"`
	LSG        string     `json:"lsg"`
	Name       string     `json:"name"`
	Overall    *float64   `json:"overall"`
	Threshold  int        `json:"threshold"`
	Decision   string     `json:"decision"`
	Awarded    bool       `json:"label_awarded"`
	Principles []APIScore `json:"principles"`
}

func ptr(c cell) *float64 {
	if !c.OK {
		return nil
	}
	v := c.V
	return &v
}

func (h *Handlers) api(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	lang := q.Get("lang")
	if lang == "" {
		lang = "en"
	}
	web.StateOf(r).Locale = lang
	cycles, err := h.svc.Cycles(ctx)
	if err != nil {
		return err
	}
	out := []APIResult{}
	for _, c := range cycles {
		if cy := q.Get("cycle"); cy != "" && cy != c.PublicID && cy != strconv.Itoa(c.Year) {
			continue
		}
		parts, err := h.svc.Participants(ctx, c)
		if err != nil {
			return err
		}
		for _, p := range parts {
			if !p.Published || (q.Get("lsg") != "" && q.Get("lsg") != p.LSG) {
				continue
			}
			d, err := h.results(r, c, p)
			if err != nil {
				return err
			}
			res := APIResult{Cycle: c.PublicID, Year: c.Year, Platform: c.Platform.Name, LSG: p.LSG, Name: d.Name, Threshold: c.Threshold, Decision: p.Decision, Awarded: p.Awarded()}
			if p.DecisionScore.Valid {
				v := p.DecisionScore.V
				res.Overall = &v
			}
			for _, row := range d.Rows {
				s := APIScore{Principle: row.Number, Title: row.Title, Sources: map[string]*float64{}, Combined: ptr(row.Combined)}
				for i, src := range Sources() {
					s.Sources[src] = ptr(row.Sources[i])
				}
				res.Principles = append(res.Principles, s)
			}
			out = append(out, res)
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	web.WriteJSON(w, http.StatusOK, map[string]any{"results": out, "sources": Sources(), "scale": "0-100"})
	return nil
}

// Badge is the label shown on an LSG's page.
func (h *Handlers) Section(r *http.Request, p places.Place) (template.HTML, error) {
	labels, err := h.svc.Labels(r.Context(), p.Code)
	if err != nil {
		return "", err
	}
	parts, err := h.svc.ParticipationsOf(r.Context(), p.Code)
	if err != nil {
		return "", err
	}
	if len(labels) == 0 && len(parts) == 0 {
		return "", nil
	}
	type item struct {
		C *Cycle
		P *Participant
	}
	var items []item
	cycles, err := h.svc.Cycles(r.Context())
	if err != nil {
		return "", err
	}
	for _, pp := range parts {
		var c *Cycle
		for _, cc := range cycles {
			if cc.ID == pp.CycleID {
				c = cc
			}
		}
		if c != nil {
			items = append(items, item{c, pp})
		}
	}
	return h.srv.Render.Fragment(r, "eloge/index", "eloge-section", map[string]any{"Labels": labels, "Items": items, "Place": p})
}

// ---- internal ----

type adminPage struct {
	Platforms []platformView
	Orgs      []auth.Organisation
	Sets      []Set
	Mine      []mineItem
	IsAdmin   bool
	Form      *web.Form
	Year      int
}

type platformView struct {
	P       Platform
	Manager bool
	Cycles  []*Cycle
}

type mineItem struct {
	C    *Cycle
	P    *Participant
	Name string
	Role string // "team", "expert"
}

func (h *Handlers) admin(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	return h.adminPage(w, r, u, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) adminPage(w http.ResponseWriter, r *http.Request, u *auth.User, f *web.Form, status int) error {
	ctx := r.Context()
	d := adminPage{IsAdmin: u.IsAdmin(), Form: f, Year: time.Now().Year()}
	plats, err := h.svc.Platforms(ctx)
	if err != nil {
		return err
	}
	cycles, err := h.svc.Cycles(ctx)
	if err != nil {
		return err
	}
	for _, p := range plats {
		v := platformView{P: p, Manager: CanManagePlatform(u, &p)}
		for _, c := range cycles {
			if c.Platform.ID == p.ID {
				v.Cycles = append(v.Cycles, c)
			}
		}
		d.Platforms = append(d.Platforms, v)
	}
	for _, c := range cycles {
		expert, err := h.svc.IsExpert(ctx, u, c)
		if err != nil {
			return err
		}
		parts, err := h.svc.Participants(ctx, c)
		if err != nil {
			return err
		}
		for _, p := range parts {
			switch {
			case CanEditLSG(u, p.LSG) && !u.IsAdmin():
				d.Mine = append(d.Mine, mineItem{C: c, P: p, Name: h.lsgName(ctx, p.LSG, locale(r)), Role: "team"})
			case expert:
				d.Mine = append(d.Mine, mineItem{C: c, P: p, Name: h.lsgName(ctx, p.LSG, locale(r)), Role: "expert"})
			}
		}
	}
	if !d.IsAdmin && len(d.Mine) == 0 && !d.manager() {
		// The workspace is for the platforms' managers, the LSG teams and
		// the experts; others have nothing to work on here.
		return refuse.ErrForbidden
	}
	if d.IsAdmin {
		if d.Orgs, err = h.orgs(ctx); err != nil {
			return err
		}
	}
	if d.Sets, err = h.svc.PublishedSets(ctx); err != nil {
		return err
	}
	return h.srv.Render.PageStatus(w, r, status, "eloge/admin", d)
}

// manager reports whether the reader manages one of the platforms.
func (d *adminPage) manager() bool {
	for _, p := range d.Platforms {
		if p.Manager {
			return true
		}
	}
	return false
}

func (h *Handlers) redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, "/"+locale(r)+path, http.StatusSeeOther)
	return nil
}

func (h *Handlers) createPlatform(w http.ResponseWriter, r *http.Request) error {
	u, f, err := auth.NeedForm(r)
	if err != nil {
		return err
	}
	_, err = h.svc.CreatePlatform(r.Context(), u, f.Get("org"))
	switch {
	case errors.Is(err, refuse.ErrNotFound):
		f.Errors["org"] = "form.invalid_choice"
	case errors.Is(err, refuse.ErrConflict):
		f.Errors["org"] = "eloge.platform.exists"
	case err != nil:
		return err
	default:
		return h.redirect(w, r, "/admin/eloge")
	}
	return h.adminPage(w, r, u, f, http.StatusUnprocessableEntity)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func (h *Handlers) openCycle(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	p, err := h.svc.PlatformByPublicID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	f := web.NewForm(r)
	in := CycleInput{Year: atoi(f.Get("year")), Title: f.Get("title"), SetCode: f.Get("set"), ScaleMax: atoi(f.Get("scale_max")),
		Weights:   Weights{Self: atoi(f.Get("w_self")), Citizens: atoi(f.Get("w_citizens")), Councillors: atoi(f.Get("w_councillors")), Staff: atoi(f.Get("w_staff"))},
		Threshold: atoi(f.Get("threshold")), RequireJustification: f.Get("require_justification") == "1"}
	c, err := h.svc.OpenCycle(r.Context(), u, p, in)
	var fe FieldErrors
	if errors.As(err, &fe) {
		for k, v := range fe {
			f.Errors[k] = v
		}
		return h.adminPage(w, r, u, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/admin/eloge/cycles/"+c.PublicID)
}

type manageCyclePage struct {
	C       *Cycle
	Rows    []partRow
	Experts []Expert
	LSGs    []places.Place
	Form    *web.Form
	Manager bool
}

func (h *Handlers) manageCycle(w http.ResponseWriter, r *http.Request) error {
	u, err := auth.Need(r)
	if err != nil {
		return err
	}
	c, err := h.loadCycle(r)
	if err != nil {
		return err
	}
	return h.manageCyclePage(w, r, u, c, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) manageCyclePage(w http.ResponseWriter, r *http.Request, u *auth.User, c *Cycle, f *web.Form, status int) error {
	ctx := r.Context()
	expert, err := h.svc.IsExpert(ctx, u, c)
	if err != nil {
		return err
	}
	d := manageCyclePage{C: c, Form: f, Manager: CanManagePlatform(u, &c.Platform)}
	if !d.Manager && !expert {
		return refuse.ErrForbidden
	}
	parts, err := h.svc.Participants(ctx, c)
	if err != nil {
		return err
	}
	for _, p := range parts {
		d.Rows = append(d.Rows, partRow{P: p, Name: h.lsgName(ctx, p.LSG, locale(r))})
	}
	if d.Experts, err = h.svc.Experts(ctx, c); err != nil {
		return err
	}
	if d.Manager {
		if d.LSGs, err = h.places.LSGs(ctx); err != nil {
			return err
		}
	}
	return h.srv.Render.PageStatus(w, r, status, "eloge/manage", d)
}

// cycleForm is the signed-in person, the cycle of the path and the posted
// form of a cycle's management page.
func (h *Handlers) cycleForm(r *http.Request) (*auth.User, *Cycle, *web.Form, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := h.loadCycle(r)
	if err != nil {
		return nil, nil, nil, err
	}
	return u, c, web.NewForm(r), nil
}

func (h *Handlers) addLSG(w http.ResponseWriter, r *http.Request) error {
	u, c, f, err := h.cycleForm(r)
	if err != nil {
		return err
	}
	_, err = h.svc.AddParticipant(r.Context(), u, c, f.Get("lsg"))
	switch {
	case errors.Is(err, ErrUnknownLSG):
		f.Errors["lsg"] = "eloge.err.unknown_lsg"
	case errors.Is(err, refuse.ErrConflict):
		f.Errors["lsg"] = "eloge.err.lsg_exists"
	case err != nil:
		return err
	default:
		return h.redirect(w, r, "/admin/eloge/cycles/"+c.PublicID)
	}
	return h.manageCyclePage(w, r, u, c, f, http.StatusUnprocessableEntity)
}

func (h *Handlers) addExpert(w http.ResponseWriter, r *http.Request) error {
	u, c, f, err := h.cycleForm(r)
	if err != nil {
		return err
	}
	err = h.svc.AddExpert(r.Context(), u, c, f.Get("email"))
	switch {
	case errors.Is(err, ErrUnknownPerson), errors.Is(err, ErrNotMember):
		f.Errors["email"] = refuse.KeyOf(err)
	case errors.Is(err, refuse.ErrConflict):
		f.Errors["email"] = "eloge.err.expert_exists"
	case err != nil:
		return err
	default:
		return h.redirect(w, r, "/admin/eloge/cycles/"+c.PublicID)
	}
	return h.manageCyclePage(w, r, u, c, f, http.StatusUnprocessableEntity)
}

type workspacePage struct {
	*ResultsData
	Entries  []Entry
	Set      *Set
	Team     bool
	Expert   bool
	Manager  bool
	Editable bool
	Form     *web.Form
	Surveys  []surveyLink
	Weak     []int
	Scale    []int
}

type surveyLink struct {
	Source    string
	ID        string
	Responses int
	Audience  string
}

func (h *Handlers) participant(w http.ResponseWriter, r *http.Request) (*auth.User, *Cycle, *Participant, bool, error) {
	u, err := auth.Need(r)
	if err != nil {
		return nil, nil, nil, false, err
	}
	c, err := h.loadCycle(r)
	if err != nil {
		return nil, nil, nil, false, err
	}
	p, err := h.svc.Participant(r.Context(), c, r.PathValue("lsg"))
	if err != nil {
		return nil, nil, nil, false, err
	}
	see, err := h.svc.CanSee(r.Context(), u, c, p)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if !see {
		return nil, nil, nil, false, refuse.ErrForbidden
	}
	return u, c, p, true, nil
}

func (h *Handlers) workspace(w http.ResponseWriter, r *http.Request) error {
	u, c, p, ok, err := h.participant(w, r)
	if !ok {
		return err
	}
	if key, ok := doneFlash[r.URL.Query().Get("done")]; ok {
		web.StateOf(r).Flash = key
	}
	return h.workspacePage(w, r, u, c, p, web.EmptyForm(), http.StatusOK)
}

func (h *Handlers) workspacePage(w http.ResponseWriter, r *http.Request, u *auth.User, c *Cycle, p *Participant, f *web.Form, status int) error {
	ctx := r.Context()
	rd, err := h.results(r, c, p)
	if err != nil {
		return err
	}
	d := workspacePage{ResultsData: rd, Form: f, Team: CanEditLSG(u, p.LSG), Manager: CanManagePlatform(u, &c.Platform)}
	if d.Expert, err = h.svc.IsExpert(ctx, u, c); err != nil {
		return err
	}
	d.Editable = d.Team && c.Status == "open" && (p.Status == "draft" || p.Status == "returned")
	if d.Entries, d.Set, err = h.svc.Matrix(ctx, c, p); err != nil {
		return err
	}
	for i := 0; i <= c.ScaleMax; i++ {
		d.Scale = append(d.Scale, i)
	}
	for _, src := range []string{SourceCitizens, SourceCouncillors, SourceStaff} {
		if id := p.SurveyID(src); id != "" {
			sv, err := h.svc.Surveys().ByPublicID(ctx, id)
			if err != nil {
				return err
			}
			d.Surveys = append(d.Surveys, surveyLink{Source: src, ID: id, Responses: sv.Responses, Audience: sv.Audience})
		}
	}
	ps, _, err := h.svc.Scores(ctx, c, p)
	if err != nil {
		return err
	}
	d.Weak = Weak(ps, c.Threshold)
	return h.srv.Render.PageStatus(w, r, status, "eloge/workspace", d)
}

func (h *Handlers) back(w http.ResponseWriter, r *http.Request, c *Cycle, p *Participant, anchor string) error {
	return h.redirect(w, r, "/admin/eloge/cycles/"+c.PublicID+"/"+p.LSG+anchor)
}

func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, u *auth.User, c *Cycle, p *Participant, f *web.Form, err error) error {
	var fe FieldErrors
	switch {
	case errors.As(err, &fe):
		for k, v := range fe {
			f.Errors[k] = v
		}
	case refuse.KeyOf(err) != "":
		f.Error = refuse.KeyOf(err)
		st, _ := web.StatusOf(err)
		return h.workspacePage(w, r, u, c, p, f, st)
	default:
		return err
	}
	return h.workspacePage(w, r, u, c, p, f, http.StatusUnprocessableEntity)
}

func (h *Handlers) saveMatrix(w http.ResponseWriter, r *http.Request) error {
	u, c, p, ok, err := h.participant(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	entries, _, err := h.svc.Matrix(r.Context(), c, p)
	if err != nil {
		return err
	}
	var in []MatrixInput
	for _, e := range entries {
		k := strconv.FormatInt(e.Indicator.ID, 10)
		if _, ok := f.Values["score."+k]; !ok {
			continue
		}
		in = append(in, MatrixInput{IndicatorID: e.Indicator.ID, Score: f.Get("score." + k), Justification: f.Get("justification." + k), Evidence: f.Raw("evidence." + k)})
	}
	err = h.svc.SaveMatrix(r.Context(), u, c, p, in, f.Get("submit") == "1")
	if err != nil {
		return h.fail(w, r, u, c, p, f, err)
	}
	// The message is shown by the page the browser is sent to.
	if f.Get("submit") == "1" {
		return h.back(w, r, c, p, "?done=submitted#matrix")
	}
	return h.back(w, r, c, p, "?done=saved#matrix")
}

// doneFlash are the messages a workspace shows after a redirect (?done=).
var doneFlash = map[string]string{"submitted": "eloge.matrix.submitted", "saved": "form.saved", "accepted": "eloge.review.accepted_rest"}

func (h *Handlers) review(w http.ResponseWriter, r *http.Request) error {
	u, c, p, ok, err := h.participant(w, r)
	if !ok {
		return err
	}
	f := web.NewForm(r)
	if f.Get("indicator") == "all" {
		return h.acceptRest(w, r, u, c, p, f)
	}
	id, perr := strconv.ParseInt(f.Get("indicator"), 10, 64)
	if perr != nil {
		return web.ErrBadRequest
	}
	err = h.svc.Review(r.Context(), u, c, p, id, f.Get("verdict"), f.Get("comment"))
	if errors.Is(err, refuse.ErrNotFound) {
		f.Error = "eloge.review.not_scored"
		return h.workspacePage(w, r, u, c, p, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return h.fail(w, r, u, c, p, f, err)
	}
	return h.back(w, r, c, p, "#matrix")
}

// acceptRest accepts every indicator the experts have not reviewed yet,
// one review each (so each is audited); when none is returned, the last
// one approves the matrix. An indicator already returned stays returned.
func (h *Handlers) acceptRest(w http.ResponseWriter, r *http.Request, u *auth.User, c *Cycle, p *Participant, f *web.Form) error {
	entries, _, err := h.svc.Matrix(r.Context(), c, p)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Review != "" || !e.Score.Valid {
			continue
		}
		if err := h.svc.Review(r.Context(), u, c, p, e.Indicator.ID, "accepted", ""); err != nil {
			return h.fail(w, r, u, c, p, f, err)
		}
	}
	return h.back(w, r, c, p, "?done=accepted#matrix")
}

// workspaceAct is a workspace form's action on one participant: do runs
// it; an error shows the workspace again with its message (or the error
// page), success goes back to the workspace at anchor.
type workspaceAct func(r *http.Request, u *auth.User, c *Cycle, p *Participant, f *web.Form) error

func (h *Handlers) act(anchor string, do workspaceAct) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, c, p, ok, err := h.participant(w, r)
		if !ok {
			return err
		}
		f := web.NewForm(r)
		if err := do(r, u, c, p, f); err != nil {
			return h.fail(w, r, u, c, p, f, err)
		}
		return h.back(w, r, c, p, anchor)
	}
}

func (h *Handlers) generate(r *http.Request, u *auth.User, c *Cycle, p *Participant, _ *web.Form) error {
	ctx := r.Context()
	return h.svc.GenerateSurveys(ctx, u, c, p, func(lang string) string { return h.lsgName(ctx, p.LSG, lang) })
}

func (h *Handlers) decide(r *http.Request, u *auth.User, c *Cycle, p *Participant, f *web.Form) error {
	return h.svc.Decide(r.Context(), u, c, p, f.Get("decision") == "awarded", f.Get("reasons"))
}

func (h *Handlers) addAction(r *http.Request, u *auth.User, c *Cycle, p *Participant, f *web.Form) error {
	a := &Action{Principle: atoi(f.Get("principle")), Action: f.Get("action"), Owner: f.Get("owner"), Progress: 0}
	if s := f.Get("deadline"); s != "" {
		t, err := time.Parse("2006-01-02", s)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return refuse.Field("deadline", "surveys.form.date")
		}
		a.Deadline = sql.Null[time.Time]{V: t, Valid: true}
	}
	return h.svc.AddAction(r.Context(), u, c, p, a)
}

func (h *Handlers) progress(r *http.Request, u *auth.User, c *Cycle, p *Participant, f *web.Form) error {
	return h.svc.SetProgress(r.Context(), u, p, r.PathValue("action"), atoi(f.Get("progress")))
}

// SectionRenderer is the ELoGE section of an LSG page (labels and
// participations), for places.Register. Register must have run.
func SectionRenderer(srv *web.Server, svc *Service) places.Section {
	h := &Handlers{srv: srv, svc: svc}
	return h.Section
}
