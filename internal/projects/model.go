// Package projects is the registry of donor-funded programmes and projects:
// who funds what, where, for how much and with what result. It owns the
// tables of migration 00003, the pages (list, detail, forms, history,
// dashboards), the open-data API (JSON, CSV, GeoJSON, IATI 2.03 XML, OpenAPI)
// and the IATI importer.
package projects

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Kinds of record.
const (
	KindProject   = "project"
	KindProgramme = "programme"
)

// Languages are the languages a project's texts may be written in; Serbian
// ("sr") is one language shown in either script.
func Languages() []string { return []string{"bs", "hr", "sr", "mk", "sq", "en"} }

// LangOfLocale maps a page locale to a text language.
func LangOfLocale(loc string) string {
	if strings.HasPrefix(loc, "sr") {
		return "sr"
	}
	return loc
}

// IATI organisation roles.
const (
	RoleFunding      = 1
	RoleAccountable  = 2
	RoleExtending    = 3
	RoleImplementing = 4
)

// IATI transaction types used by the forms.
const (
	TxIncoming     = 1
	TxCommitment   = 2
	TxDisbursement = 3
	TxExpenditure  = 4
)

// Text is a project's title and texts in one language.
type Text struct {
	Lang       string
	Title      string
	Summary    string
	Objectives string
	Results    string
}

// Org is an organisation taking part in a project with an IATI role.
type Org struct {
	Role  int    // IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing
	OrgID string // public id of the platform organisation, when it has one
	Name  string
	Ref   string // IATI organisation identifier, e.g. XM-DAC-41114
	Type  string // IATI OrganisationType code
}

// Location is an LSG the project works in, with an optional point.
type Location struct {
	Place    string // place code
	Lat, Lon float64
	HasPoint bool
}

// Transaction is money moved: commitment, disbursement, expenditure.
type Transaction struct {
	Type   int    // IATI TransactionType
	Date   string // YYYY-MM-DD
	Amount money.Amount
	Note   string
}

// Actual is a measured value of a target on a date.
type Actual struct {
	Date  string
	Value int64
}

// Target is a target figure with its actual values over time.
type Target struct {
	Label   string
	Target  int64
	Actuals []Actual // by date
}

// Latest is the most recent actual value (0, false when none).
func (t Target) Latest() (Actual, bool) {
	if len(t.Actuals) == 0 {
		return Actual{}, false
	}
	return t.Actuals[len(t.Actuals)-1], true
}

// Percent is the latest actual as a share of the target (0-100, capped).
func (t Target) Percent() int {
	a, ok := t.Latest()
	if !ok || t.Target <= 0 {
		return 0
	}
	p := int(a.Value * 100 / t.Target)
	return min(p, 100)
}

// Milestone is an activity or milestone with a date.
type Milestone struct {
	Date  string
	Title string
	Done  bool
}

// Link is a document or web page about the project.
type Link struct {
	Title    string
	URL      string
	Category string // IATI DocumentCategory code, optional
}

// Project is a programme or project of the registry.
type Project struct {
	ID             int64
	PublicID       string
	IATIIdentifier string
	Kind           string
	Programme      string // public id of the programme it belongs to
	ProgrammeTitle string // filled on read
	Status         int    // IATI ActivityStatus 1-6
	DefaultLang    string
	Texts          []Text
	PlannedStart   string
	PlannedEnd     string
	ActualStart    string
	ActualEnd      string
	FundingYear    int
	Budget         money.Amount
	ValueEUR       int64    // budget in euro cents at the rate of its start (for filters)
	Sectors        []string // DAC 5-digit codes
	Acquis         []int    // EU acquis chapters (0 = other issues)
	SDGs           []int
	Orgs           []Org
	Locations      []Location
	Transactions   []Transaction
	Targets        []Target
	Milestones     []Milestone
	Links          []Link
	OwnerOrg       string // public id of the organisation that maintains the record
	Website        string
	ContactName    string
	ContactEmail   string
	ContactPhone   string
	Version        int
	CreatedAt      time.Time

	rowIndex  map[string]map[int]int // form rows of parsed entries (for error keys)
	parentRef string                 // IATI identifier of the parent programme, resolved when an import writes
	iati      *iatiSource            // what the imported activity carried, stored when an import writes
	UpdatedAt time.Time
}

// TextFor picks the text in lang, else the default language, else the
// first; fallback reports that the text is not in lang.
func (p *Project) TextFor(lang string) (t Text, fallback bool) {
	lang = LangOfLocale(lang)
	for _, x := range p.Texts {
		if x.Lang == lang {
			return x, false
		}
	}
	for _, x := range p.Texts {
		if x.Lang == p.DefaultLang {
			return x, true
		}
	}
	if len(p.Texts) > 0 {
		return p.Texts[0], true
	}
	return Text{}, true
}

// Title is the title in the default language.
func (p *Project) Title() string {
	t, _ := p.TextFor(p.DefaultLang)
	return t.Title
}

// Donors lists the names of the funding organisations.
func (p *Project) Donors() []string {
	var out []string
	for _, o := range p.Orgs {
		if o.Role == RoleFunding {
			out = append(out, o.Name)
		}
	}
	return out
}

// Places lists the place codes of its locations.
func (p *Project) Places() []string {
	out := make([]string, 0, len(p.Locations))
	for _, l := range p.Locations {
		out = append(out, l.Place)
	}
	return out
}

// StartYear is the year of the actual or planned start, else the funding year.
func (p *Project) StartYear() int {
	for _, d := range []string{p.ActualStart, p.PlannedStart} {
		if len(d) >= 4 {
			if y, err := strconv.Atoi(d[:4]); err == nil {
				return y
			}
		}
	}
	return p.FundingYear
}

// Start and End are the actual dates when known, else the planned ones.
func (p *Project) Start() string { return firstNonEmpty(p.ActualStart, p.PlannedStart) }

// End is the actual end when known, else the planned end.
func (p *Project) End() string { return firstNonEmpty(p.ActualEnd, p.PlannedEnd) }

// Disbursed sums disbursements and expenditure in the budget's currency
// (other currencies are left out; ok is false then).
func (p *Project) Disbursed() (money.Amount, bool) {
	sum := money.Amount{Currency: p.Budget.Currency}
	ok := true
	for _, t := range p.Transactions {
		if t.Type != TxDisbursement && t.Type != TxExpenditure {
			continue
		}
		if t.Amount.Currency != sum.Currency {
			ok = false
			continue
		}
		sum.Minor += t.Amount.Minor
	}
	return sum, ok
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// FieldErrors maps form fields to catalogue keys (the one type of internal/web).
type FieldErrors = refuse.FieldErrors

var dacRe = regexp.MustCompile(`^[0-9]{5}$`)

// ValidDate reports a YYYY-MM-DD date between 1990 and 2100.
func ValidDate(s string) bool {
	t, err := time.Parse("2006-01-02", s)
	return err == nil && t.Year() >= 1990 && t.Year() <= 2100
}

// Validate checks a project against the rules and the codelists; knownPlace
// says whether a place code is an LSG.
func (p *Project) Validate(cl *Codelists, knownPlace func(string) bool) FieldErrors {
	fe := FieldErrors{}
	p.checkHead(fe, cl)
	p.checkTexts(fe)
	p.checkDates(fe)
	p.checkCodes(fe, cl)
	p.checkOrgs(fe, cl)
	p.checkLocations(fe, knownPlace)
	p.checkTransactions(fe, cl)
	p.checkTargets(fe)
	p.checkMilestones(fe)
	p.checkLinks(fe, cl)
	p.checkContact(fe)
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// checkHead checks the kind, status, default language, funding year and
// budget.
func (p *Project) checkHead(fe FieldErrors, cl *Codelists) {
	if p.Kind != KindProject && p.Kind != KindProgramme {
		fe["kind"] = "projects.err.kind"
	}
	if !cl.ActivityStatus.Has(strconv.Itoa(p.Status)) {
		fe["status"] = "projects.err.status"
	}
	if !slices.Contains(Languages(), p.DefaultLang) {
		fe["default_lang"] = "projects.err.lang"
	}
	if p.FundingYear != 0 && (p.FundingYear < 1990 || p.FundingYear > 2100) {
		fe["funding_year"] = "projects.err.year"
	}
	if !money.Valid(p.Budget.Currency) {
		fe["currency"] = "projects.err.currency"
	} else if p.Budget.Minor < 0 || p.Budget.Minor > money.Max {
		fe["budget"] = "projects.err.amount"
	}
}

// checkTexts checks the texts: known languages, a title in the default
// language, a title wherever there is text, lengths.
func (p *Project) checkTexts(fe FieldErrors) {
	hasDefault := false
	for _, t := range p.Texts {
		if !slices.Contains(Languages(), t.Lang) {
			fe["default_lang"] = "projects.err.lang"
			continue
		}
		if t.Lang == p.DefaultLang && t.Title != "" {
			hasDefault = true
		}
		if utf8.RuneCountInString(t.Title) > 300 {
			fe["title_"+t.Lang] = "projects.err.title_long"
		}
		if t.Title == "" && (t.Summary != "" || t.Results != "" || t.Objectives != "") {
			fe["title_"+t.Lang] = "projects.err.title_needed"
		}
		if len(t.Summary)+len(t.Results)+len(t.Objectives) > 60000 {
			fe["summary_"+t.Lang] = "projects.err.text_long"
		}
	}
	if !hasDefault {
		fe["title_"+p.DefaultLang] = "projects.err.title_needed"
	}
}

// checkDates checks the planned and actual dates and that no end comes
// before its start.
func (p *Project) checkDates(fe FieldErrors) {
	for name, d := range map[string]string{"planned_start": p.PlannedStart, "planned_end": p.PlannedEnd, "actual_start": p.ActualStart, "actual_end": p.ActualEnd} {
		if d != "" && !ValidDate(d) {
			fe[name] = "projects.err.date"
		}
	}
	if p.PlannedStart != "" && p.PlannedEnd != "" && p.PlannedEnd < p.PlannedStart {
		fe["planned_end"] = "projects.err.end_before_start"
	}
	if p.ActualStart != "" && p.ActualEnd != "" && p.ActualEnd < p.ActualStart {
		fe["actual_end"] = "projects.err.end_before_start"
	}
}

// checkCodes checks the DAC sectors, acquis chapters and SDGs.
func (p *Project) checkCodes(fe FieldErrors, cl *Codelists) {
	for _, s := range p.Sectors {
		if !dacRe.MatchString(s) || !cl.Sector.Has(s) {
			fe["sectors"] = "projects.err.sector"
		}
	}
	for _, c := range p.Acquis {
		if c < 0 || c > 35 {
			fe["acquis"] = "projects.err.acquis"
		}
	}
	for _, g := range p.SDGs {
		if !cl.SDG.Has(strconv.Itoa(g)) {
			fe["sdgs"] = "projects.err.sdg"
		}
	}
}

// checkOrgs checks the organisations' roles, names and types.
func (p *Project) checkOrgs(fe FieldErrors, cl *Codelists) {
	for i, o := range p.Orgs {
		if !cl.OrganisationRole.Has(strconv.Itoa(o.Role)) {
			fe["org_role_"+strconv.Itoa(i)] = "projects.err.role"
		}
		if o.Name == "" || utf8.RuneCountInString(o.Name) > 300 {
			fe["org_name_"+strconv.Itoa(i)] = "projects.err.org_name"
		}
		if o.Type != "" && !cl.OrganisationType.Has(o.Type) {
			fe["org_role_"+strconv.Itoa(i)] = "projects.err.org_type"
		}
	}
}

// checkLocations checks that the places are known LSGs and the points
// on the globe.
func (p *Project) checkLocations(fe FieldErrors, knownPlace func(string) bool) {
	for _, l := range p.Locations {
		if knownPlace != nil && !knownPlace(l.Place) {
			fe["lsgs"] = "projects.err.place"
		}
		if l.HasPoint && (l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180) {
			fe["lsgs"] = "projects.err.point"
		}
	}
}

// checkTransactions checks the transactions' types, dates and amounts.
func (p *Project) checkTransactions(fe FieldErrors, cl *Codelists) {
	for i, t := range p.Transactions {
		k := strconv.Itoa(i)
		if !cl.TransactionType.Has(strconv.Itoa(t.Type)) {
			fe["tx_type_"+k] = "projects.err.tx_type"
		}
		if !ValidDate(t.Date) {
			fe["tx_date_"+k] = "projects.err.date"
		}
		if !money.Valid(t.Amount.Currency) {
			fe["tx_currency_"+k] = "projects.err.currency"
		}
		if t.Amount.Minor < 0 || t.Amount.Minor > money.Max {
			fe["tx_amount_"+k] = "projects.err.amount"
		}
	}
}

// checkTargets checks the targets' labels, values and actual values.
func (p *Project) checkTargets(fe FieldErrors) {
	for i, t := range p.Targets {
		k := strconv.Itoa(i)
		if t.Label == "" || utf8.RuneCountInString(t.Label) > 300 {
			fe["target_label_"+k] = "projects.err.target_label"
		}
		if t.Target < 0 || t.Target > 1e12 {
			fe["target_value_"+k] = "projects.err.number"
		}
		for _, a := range t.Actuals {
			if !ValidDate(a.Date) {
				fe["target_date_"+k] = "projects.err.date"
			}
			if a.Value < 0 || a.Value > 1e12 {
				fe["target_actual_"+k] = "projects.err.number"
			}
		}
	}
}

// checkMilestones checks the milestones' titles and dates.
func (p *Project) checkMilestones(fe FieldErrors) {
	for i, m := range p.Milestones {
		k := strconv.Itoa(i)
		if m.Title == "" || utf8.RuneCountInString(m.Title) > 500 {
			fe["ms_title_"+k] = "projects.err.milestone"
		}
		if m.Date != "" && !ValidDate(m.Date) {
			fe["ms_date_"+k] = "projects.err.date"
		}
	}
}

// checkLinks checks the documents' addresses, titles and categories.
func (p *Project) checkLinks(fe FieldErrors, cl *Codelists) {
	for i, l := range p.Links {
		k := strconv.Itoa(i)
		if !validURL(l.URL) {
			fe["link_url_"+k] = "projects.err.url"
		}
		if l.Title == "" {
			fe["link_title_"+k] = "projects.err.link_title"
		}
		if l.Category != "" && !cl.DocumentCategory.Has(l.Category) {
			fe["link_title_"+k] = "projects.err.doc_category"
		}
	}
}

// checkContact checks the website, e-mail and contact lengths.
func (p *Project) checkContact(fe FieldErrors) {
	if p.Website != "" && !validURL(p.Website) {
		fe["website"] = "projects.err.url"
	}
	if p.ContactEmail != "" {
		if a, err := mail.ParseAddress(p.ContactEmail); err != nil || a.Address != p.ContactEmail {
			fe["contact_email"] = "projects.err.email"
		}
	}
	if utf8.RuneCountInString(p.ContactName) > 200 || utf8.RuneCountInString(p.ContactPhone) > 50 {
		fe["contact_name"] = "projects.err.too_long"
	}
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 2000
}
