package projects

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/chart"
	"github.com/dijalog/dijalog/internal/csvout"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/web"
)

// APIMoney is an amount in the API: a decimal string and its currency.
type APIMoney struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// APICode is a code with its label.
type APICode struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Label is the name in the language of ?lang= where Name is a
	// codelist's English name (DAC sectors).
	Label string `json:"label,omitempty"`
}

// APIText is a project's texts in one language.
type APIText struct {
	Lang       string `json:"lang"`
	Title      string `json:"title"`
	Summary    string `json:"summary"`
	Objectives string `json:"objectives"`
	Results    string `json:"results"`
}

// APIOrg is a participating organisation.
type APIOrg struct {
	Role     int    `json:"role"`
	RoleName string `json:"role_name"`
	Name     string `json:"name"`
	Ref      string `json:"ref"`
	Type     string `json:"type"`
	OrgID    string `json:"org_id"`
}

// APILocation is an LSG of a project.
type APILocation struct {
	Code string   `json:"code"`
	Name string   `json:"name"`
	Lat  *float64 `json:"lat"`
	Lon  *float64 `json:"lon"`
}

// APITransaction is a commitment, disbursement or expenditure.
type APITransaction struct {
	Type     int      `json:"type"`
	TypeName string   `json:"type_name"`
	Date     string   `json:"date"`
	Value    APIMoney `json:"value"`
	Note     string   `json:"note"`
}

// APITarget is a target with its actual values.
type APITarget struct {
	Label   string      `json:"label"`
	Target  int64       `json:"target"`
	Actuals []APIActual `json:"actuals"`
}

// APIActual is a measured value.
type APIActual struct {
	Date  string `json:"date"`
	Value int64  `json:"value"`
}

// APIMilestone is an activity or milestone.
type APIMilestone struct {
	Date  string `json:"date"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

// APILink is a document or page.
type APILink struct {
	Title    string `json:"title"`
	URL      string `json:"url"`
	Category string `json:"category"`
}

// APIProject is a project in the JSON API.
type APIProject struct {
	ID             string           `json:"id"`
	IATIIdentifier string           `json:"iati_identifier"`
	Kind           string           `json:"kind"`
	Programme      string           `json:"programme"`
	Status         APICode          `json:"status"`
	Title          string           `json:"title"`
	TitleLang      string           `json:"title_lang"`
	Fallback       bool             `json:"fallback"`
	DefaultLang    string           `json:"default_lang"`
	Texts          []APIText        `json:"texts"`
	PlannedStart   string           `json:"planned_start"`
	PlannedEnd     string           `json:"planned_end"`
	ActualStart    string           `json:"actual_start"`
	ActualEnd      string           `json:"actual_end"`
	FundingYear    int              `json:"funding_year"`
	Budget         APIMoney         `json:"budget"`
	ValueEUR       string           `json:"value_eur"`
	Sectors        []APICode        `json:"sectors"`
	Acquis         []int            `json:"acquis_chapters"`
	SDGs           []int            `json:"sdgs"`
	Organisations  []APIOrg         `json:"organisations"`
	Locations      []APILocation    `json:"locations"`
	Transactions   []APITransaction `json:"transactions"`
	Targets        []APITarget      `json:"targets"`
	Milestones     []APIMilestone   `json:"milestones"`
	Links          []APILink        `json:"links"`
	Website        string           `json:"website"`
	Contact        APIContact       `json:"contact"`
	URL            string           `json:"url"`
	UpdatedAt      string           `json:"updated_at"`
}

// APIContact is the project's contact.
type APIContact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// APIList is the response of GET /api/v1/projects.
type APIList struct {
	Total    int          `json:"total"`
	Page     int          `json:"page"`
	PerPage  int          `json:"per_page"`
	Pages    int          `json:"pages"`
	Projects []APIProject `json:"projects"`
}

func (h *handlers) apiProjectOf(p *Project, lang string, names map[string]places.Place) APIProject {
	pr := h.srv.Cat.Printer(lang)
	t, fb := p.TextFor(lang)
	a := APIProject{ID: p.PublicID, IATIIdentifier: p.IATIIdentifier, Kind: p.Kind, Programme: p.Programme,
		Status: APICode{Code: strconv.Itoa(p.Status), Name: pr.T("projects.status." + strconv.Itoa(p.Status))},
		Title:  t.Title, TitleLang: t.Lang, Fallback: fb, DefaultLang: p.DefaultLang, Texts: []APIText{},
		PlannedStart: p.PlannedStart, PlannedEnd: p.PlannedEnd, ActualStart: p.ActualStart, ActualEnd: p.ActualEnd, FundingYear: p.FundingYear,
		Budget: APIMoney{Amount: p.Budget.Decimal(), Currency: p.Budget.Currency}, ValueEUR: moneyDecimal(p.ValueEUR),
		Sectors: []APICode{}, Acquis: append([]int{}, p.Acquis...), SDGs: append([]int{}, p.SDGs...), Organisations: []APIOrg{}, Locations: []APILocation{},
		Transactions: []APITransaction{}, Targets: []APITarget{}, Milestones: []APIMilestone{}, Links: []APILink{},
		Website: p.Website, Contact: APIContact{Name: p.ContactName, Email: p.ContactEmail, Phone: p.ContactPhone},
		URL: "/" + lang + "/projects/" + p.PublicID, UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339)}
	for _, x := range p.Texts {
		a.Texts = append(a.Texts, APIText(x))
	}
	for _, s := range p.Sectors {
		a.Sectors = append(a.Sectors, APICode{Code: s, Name: h.svc.cl.Sector.Label(s), Label: h.svc.cl.SectorName(s, lang)})
	}
	for _, o := range p.Orgs {
		a.Organisations = append(a.Organisations, APIOrg{Role: o.Role, RoleName: pr.T("projects.role." + strconv.Itoa(o.Role)), Name: o.Name, Ref: o.Ref, Type: o.Type, OrgID: o.OrgID})
	}
	for _, l := range p.Locations {
		loc := APILocation{Code: l.Place, Name: names[l.Place].NameLat}
		if l.HasPoint {
			lat, lon := l.Lat, l.Lon
			loc.Lat, loc.Lon = &lat, &lon
		}
		a.Locations = append(a.Locations, loc)
	}
	for _, x := range p.Transactions {
		a.Transactions = append(a.Transactions, APITransaction{Type: x.Type, TypeName: txLabel(pr, h.svc.cl, x.Type), Date: x.Date, Value: APIMoney{Amount: x.Amount.Decimal(), Currency: x.Amount.Currency}, Note: x.Note})
	}
	for _, x := range p.Targets {
		t := APITarget{Label: x.Label, Target: x.Target, Actuals: []APIActual{}}
		for _, ac := range x.Actuals {
			t.Actuals = append(t.Actuals, APIActual(ac))
		}
		a.Targets = append(a.Targets, t)
	}
	for _, m := range p.Milestones {
		a.Milestones = append(a.Milestones, APIMilestone(m))
	}
	for _, l := range p.Links {
		a.Links = append(a.Links, APILink(l))
	}
	return a
}

func moneyDecimal(minor int64) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := fmt.Sprintf("%d.%02d", minor/100, minor%100)
	if neg {
		return "-" + s
	}
	return s
}

// dataTag is a weak validator of the whole registry: it changes whenever
// any project is written (count and latest update, deleted ones included)
// or a rate is loaded. The state is read once per cache generation: writes
// in this process renew it at once, writes elsewhere within cacheTTL.
func (h *handlers) dataTag(ctx context.Context, extra string) (string, error) {
	state, err := h.svc.dataState(ctx)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(state + "|" + extra))
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`, nil
}

// dataState is "count|latest update|rates" of the registry, cached like
// the other aggregates.
func (s *Service) dataState(ctx context.Context) (string, error) {
	return s.state.Get(ctx, "", func(ctx context.Context) (string, error) {
		return s.st.dataState(ctx, s.d)
	})
}

// notModified sets the ETag and answers 304 when the client has it.
func notModified(w http.ResponseWriter, r *http.Request, tag string) bool {
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "public, max-age=0, must-revalidate")
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimSpace(t)
		if t == tag || t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(tag, "W/") {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

func badFilter(fe FieldErrors) error {
	for _, v := range fe {
		return &web.Error{Status: http.StatusBadRequest, Key: v, Err: fe}
	}
	return web.ErrBadRequest
}

// exportFilter reads the filter of an API answer and sets its ETag; ok
// is false when the filter is bad (err says which parameter) or the
// client has this state of the registry already (answered 304).
func (h *handlers) exportFilter(w http.ResponseWriter, r *http.Request, kind string) (f Filter, ok bool, err error) {
	f, fe := ParseFilter(r.URL.Query())
	if fe != nil {
		return f, false, badFilter(fe)
	}
	tag, err := h.dataTag(r.Context(), kind+"|"+r.URL.RawQuery)
	if err != nil {
		return f, false, err
	}
	return f, !notModified(w, r, tag), nil
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.exportFilter(w, r, "list")
	if !ok {
		return err
	}
	res, err := h.svc.List(r.Context(), f)
	if err != nil {
		return err
	}
	lang := web.APILocale(r)
	names := h.placeNames(r.Context())
	out := APIList{Total: res.Total, Page: res.Page, PerPage: res.PerPage, Pages: res.Pages(), Projects: []APIProject{}}
	for _, p := range res.Items {
		out.Projects = append(out.Projects, h.apiProjectOf(p, lang, names))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *handlers) apiProject(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	tag := fmt.Sprintf(`W/"%s-%d-%s"`, p.PublicID, p.Version, web.APILocale(r))
	if notModified(w, r, tag) {
		return nil
	}
	web.WriteJSON(w, http.StatusOK, h.apiProjectOf(p, web.APILocale(r), h.placeNames(r.Context())))
	return nil
}

// CSVColumns are the stable columns of the CSV export.
var CSVColumns = []string{"id", "iati_identifier", "kind", "programme", "title", "title_lang", "status_code", "status",
	"planned_start", "planned_end", "actual_start", "actual_end", "funding_year", "budget", "currency", "value_eur",
	"donors", "implementing", "sectors", "acquis_chapters", "sdgs", "lsg_codes", "lsg_names", "disbursed", "website", "url", "updated_at"}

func (h *handlers) apiCSV(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.exportFilter(w, r, "csv")
	if !ok {
		return err
	}
	lang := web.APILocale(r)
	pr := h.srv.Cat.Printer(lang)
	names := h.placeNames(r.Context())
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="projects.csv"`)
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString("\ufeff")
	cw := csvout.New(bw)
	_ = cw.Write(CSVColumns)
	n := 0
	flusher, _ := w.(http.Flusher)
	err = h.svc.Each(r.Context(), f, func(p *Project) error {
		t, _ := p.TextFor(lang)
		var impl, lsgNames []string
		for _, o := range p.Orgs {
			if o.Role == RoleImplementing {
				impl = append(impl, o.Name)
			}
		}
		for _, c := range p.Places() {
			lsgNames = append(lsgNames, names[c].NameLat)
		}
		dis, _ := p.Disbursed()
		rec := []string{p.PublicID, p.IATIIdentifier, p.Kind, p.Programme, t.Title, t.Lang, strconv.Itoa(p.Status), pr.T("projects.status." + strconv.Itoa(p.Status)),
			p.PlannedStart, p.PlannedEnd, p.ActualStart, p.ActualEnd, yearString(p.FundingYear), p.Budget.Decimal(), p.Budget.Currency, moneyDecimal(p.ValueEUR),
			strings.Join(p.Donors(), "; "), strings.Join(impl, "; "), strings.Join(p.Sectors, "; "), strings.Join(joinInts(p.Acquis), "; "), strings.Join(joinInts(p.SDGs), "; "),
			strings.Join(p.Places(), "; "), strings.Join(lsgNames, "; "), dis.Decimal(), p.Website, "/" + lang + "/projects/" + p.PublicID, p.UpdatedAt.UTC().Format(time.RFC3339)}
		if err := cw.Write(rec); err != nil {
			return err
		}
		n++
		if n == 50 || n%500 == 0 { // Each's first batch is 50, then 500
			cw.Flush()
			bw.Flush()
			if flusher != nil {
				flusher.Flush()
			}
		}
		return cw.Error()
	})
	cw.Flush()
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		h.svc.log.WarnContext(r.Context(), "projects: csv export interrupted", "err", err)
	}
	return nil
}

func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// geoJSON types
type geoFeature struct {
	Type       string         `json:"type"`
	Geometry   *geoGeometry   `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geoGeometry struct {
	Type        string       `json:"type"`
	Coordinates [][2]float64 `json:"coordinates"`
}

func (h *handlers) apiGeoJSON(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.exportFilter(w, r, "geojson")
	if !ok {
		return err
	}
	lang := web.APILocale(r)
	_, shapeOf := h.geoJoin(r.Context())
	centre := map[string][2]float64{}
	for _, sh := range chart.Shapes() {
		centre[sh.Name] = [2]float64{sh.Lon, sh.Lat}
	}
	w.Header().Set("Content-Type", "application/geo+json; charset=utf-8")
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	first := true
	enc := json.NewEncoder(bw)
	err = h.svc.Each(r.Context(), f, func(p *Project) error {
		var coords [][2]float64
		for _, l := range p.Locations {
			if l.HasPoint {
				coords = append(coords, [2]float64{l.Lon, l.Lat})
			} else if c, ok := centre[shapeOf[l.Place]]; ok {
				coords = append(coords, c)
			}
		}
		t, _ := p.TextFor(lang)
		feat := geoFeature{Type: "Feature", Properties: map[string]any{
			"id": p.PublicID, "title": t.Title, "status": p.Status, "budget": p.Budget.Decimal(), "currency": p.Budget.Currency,
			"donors": p.Donors(), "lsgs": p.Places(), "url": "/" + lang + "/projects/" + p.PublicID}}
		if len(coords) > 0 {
			feat.Geometry = &geoGeometry{Type: "MultiPoint", Coordinates: coords}
		}
		if !first {
			bw.WriteByte(',')
		}
		first = false
		return enc.Encode(feat)
	})
	bw.WriteString("]}\n")
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		h.svc.log.WarnContext(r.Context(), "projects: geojson export interrupted", "err", err)
	}
	return nil
}

func (h *handlers) apiTotalsCSV(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cur := strings.ToUpper(q.Get("currency"))
	if cur == "" {
		cur = "EUR"
	}
	d, err := h.svc.Dashboard(r.Context(), cur)
	if err != nil {
		if _, ok := err.(FieldErrors); ok {
			return &web.Error{Status: http.StatusBadRequest, Key: "projects.err.currency"}
		}
		return err
	}
	by := q.Get("by")
	if _, ok := d.BucketsBy(by); !ok {
		return &web.Error{Status: http.StatusBadRequest, Key: "projects.err.by"}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="projects-by-`+by+`.csv"`)
	return WriteTotalsCSV(w, d, by)
}

// BucketsBy is the list of totals by "donor", "sector", "year" or "lsg".
func (d *Dashboard) BucketsBy(by string) ([]Bucket, bool) {
	switch by {
	case "donor":
		return d.ByDonor, true
	case "sector":
		return d.BySector, true
	case "year":
		return d.ByYear, true
	case "lsg":
		return d.ByLSG, true
	}
	return nil, false
}

// WriteTotalsCSV writes d's totals by `by` as CSV: one row a bucket in
// the dashboard's currency (they add up to d.Total), then one row a
// currency whose projects have no rate, with their budgets in that
// currency (key "", label "no rate"). Every row names the rule and the
// rates used: each project at the rates of its own date.
func WriteTotalsCSV(w io.Writer, d *Dashboard, by string) error {
	bs, ok := d.BucketsBy(by)
	if !ok {
		return fmt.Errorf("projects.WriteTotalsCSV: no totals by %q", by)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csvout.New(bw)
	rates := make([]string, 0, len(d.Rates))
	for _, rt := range d.Rates {
		rates = append(rates, rt.Currency+"="+strconv.FormatFloat(rt.PerEUR, 'f', -1, 64)+"@"+orDash(rt.Date))
	}
	used := strings.Join(rates, " ")
	_ = cw.Write([]string{by, "label", "value", "currency", "projects", "rate_date", "rates_per_eur"})
	for _, b := range bs {
		_ = cw.Write([]string{b.Key, b.Label, moneyDecimalCur(b.Minor, d.Currency), d.Currency, strconv.Itoa(b.Count), rateDateRule, used})
	}
	for _, a := range d.Unconverted {
		_ = cw.Write([]string{"", "no rate", a.Decimal(), a.Currency, "", rateDateRule, ""})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("projects.WriteTotalsCSV: %w", err)
	}
	return bw.Flush()
}

// rateDateRule names, in the CSV exports, the date whose rates convert a
// project (see rateDate).
const rateDateRule = "project start, else 1 January of the funding year"

func moneyDecimalCur(minor int64, cur string) string {
	if cur == "JPY" {
		return strconv.FormatInt(minor, 10)
	}
	return moneyDecimal(minor)
}

func (h *handlers) apiIATI(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := h.exportFilter(w, r, "iati")
	if !ok {
		return err
	}
	names := h.placeNames(r.Context())
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	if err := h.svc.ExportIATI(r.Context(), w, f, func(code string) string { return names[code].NameLat }); err != nil {
		h.svc.log.WarnContext(r.Context(), "projects: iati export interrupted", "err", err)
	}
	return nil
}
