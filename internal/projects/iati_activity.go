package projects

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/money"
)

// activity is an IATI activity being mapped to a project: the steps
// below read one group of elements each, in the order of the schema, and
// stop at the first element the registry cannot take.
type activity struct {
	s    *Service
	a    *node
	id   string
	def  string // the activity's default language
	cur  string // the activity's default currency
	p    *Project
	warn []ImportNote // what the registry's fields do not take
}

// bad is the import error of element n (the activity when nil).
func (m *activity) bad(n *node, msg string) error {
	line, name := m.a.line, ""
	if n != nil {
		line, name = n.line, n.name
	}
	return &ImportError{Line: line, Activity: m.id, Element: name, Msg: msg}
}

// note reports element n as not taken into the registry's fields (it
// stays in the IATI source, so the export gives it back).
func (m *activity) note(n *node, msg string) {
	m.warn = append(m.warn, ImportNote{Line: n.line, Activity: m.id, Element: elementKey(n), Msg: msg})
}

// fromActivity maps an activity to a project, checking codes against the
// codelists; the notes name, element by element, what the registry's
// fields do not take (an unknown place name, a revised budget, an element
// the registry does not show).
func (s *Service) fromActivity(ctx context.Context, a *node) (*Project, []ImportNote, error) {
	m := &activity{s: s, a: a, id: idOf(a)}
	if err := checkOrder(a); err != nil {
		return nil, nil, err
	}
	if m.id == "" || len(m.id) > 200 {
		return nil, nil, m.bad(a.first("iati-identifier"), "empty or too long identifier")
	}
	steps := []func(context.Context) error{m.language, m.texts, m.currency, m.orgs, m.status, m.dates, m.contact,
		m.countries, m.locations, m.sectors, m.tags, m.budgets, m.transactions, m.documents, m.related, m.results}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, nil, err
		}
	}
	if fe := s.Validate(ctx, m.p); fe != nil {
		return nil, nil, m.bad(a, "invalid: "+fe.Error())
	}
	for _, c := range a.children {
		if _, read := iatiGroupKeys[c.name]; (!read || c.space != "") && c.name != "iati-identifier" {
			m.note(c, noteKept)
		}
	}
	return m.p, m.warn, nil
}

// language reads the default language (English when none) and starts
// the project.
func (m *activity) language(context.Context) error {
	m.def = normLang(m.a.attr("xml:lang"))
	if m.def == "" {
		m.def = "en"
	}
	m.p = &Project{IATIIdentifier: m.id, Kind: KindProject, DefaultLang: m.def}
	if !slices.Contains(Languages(), m.def) {
		return m.bad(m.a, fmt.Sprintf("language %q is not one of %s", m.def, strings.Join(Languages(), ", ")))
	}
	return nil
}

// texts reads the titles and descriptions (summary, objectives, results)
// in the platform's languages; a language without a title takes the
// default one's.
func (m *activity) texts(context.Context) error {
	titles := narrativesOf(m.a.first("title"), m.def)
	texts := map[string]*Text{}
	get := func(l string) *Text {
		if !slices.Contains(Languages(), l) {
			return nil
		}
		if texts[l] == nil {
			texts[l] = &Text{Lang: l}
		}
		return texts[l]
	}
	for l, v := range titles {
		if t := get(l); t != nil {
			t.Title = v
		}
	}
	for _, d := range m.a.all("description") {
		for l, v := range narrativesOf(d, m.def) {
			if t := get(l); t != nil {
				setDescription(t, d.attr("type"), v)
			}
		}
	}
	for _, l := range Languages() {
		if t := texts[l]; t != nil {
			if t.Title == "" {
				t.Title = titles[m.def]
			}
			m.p.Texts = append(m.p.Texts, *t)
		}
	}
	return nil
}

// setDescription puts a description of an IATI DescriptionType in t.
func setDescription(t *Text, typ, v string) {
	switch typ {
	case "", "1":
		t.Summary = v
	case "2":
		t.Objectives = v
	case "4":
		t.Results = v
	}
}

// currency reads the default currency.
func (m *activity) currency(context.Context) error {
	m.cur = m.a.attr("default-currency")
	if m.cur != "" && !m.s.cl.Currency.Has(m.cur) {
		return m.bad(m.a, fmt.Sprintf("default-currency %q is not in the Currency codelist", m.cur))
	}
	return nil
}

// orgs reads the participating organisations.
func (m *activity) orgs(context.Context) error {
	cl := m.s.cl
	for _, o := range m.a.all("participating-org") {
		role, err := strconv.Atoi(o.attr("role"))
		if err != nil || !cl.OrganisationRole.Has(o.attr("role")) {
			return m.bad(o, fmt.Sprintf("role %q is not in the OrganisationRole codelist", o.attr("role")))
		}
		if t := o.attr("type"); t != "" && !cl.OrganisationType.Has(t) {
			return m.bad(o, fmt.Sprintf("type %q is not in the OrganisationType codelist", t))
		}
		name := firstNarrative(o)
		if name == "" {
			name = o.attr("ref")
		}
		if name == "" {
			return m.bad(o, "organisation without a name or ref")
		}
		m.p.Orgs = append(m.p.Orgs, Org{Role: role, Name: name, Ref: o.attr("ref"), Type: o.attr("type")})
	}
	return nil
}

// status reads the activity status.
func (m *activity) status(context.Context) error {
	st := m.a.first("activity-status")
	if !m.s.cl.ActivityStatus.Has(st.attr("code")) {
		return m.bad(st, fmt.Sprintf("code %q is not in the ActivityStatus codelist", st.attr("code")))
	}
	m.p.Status, _ = strconv.Atoi(st.attr("code"))
	return nil
}

// dates reads the planned and actual start and end.
func (m *activity) dates(context.Context) error {
	for _, d := range m.a.all("activity-date") {
		v := d.attr("iso-date")
		if !ValidDate(v) {
			return m.bad(d, fmt.Sprintf("iso-date %q is not a date", v))
		}
		switch d.attr("type") {
		case "1":
			m.p.PlannedStart = v
		case "2":
			m.p.ActualStart = v
		case "3":
			m.p.PlannedEnd = v
		case "4":
			m.p.ActualEnd = v
		default:
			return m.bad(d, fmt.Sprintf("type %q is not in the ActivityDateType codelist", d.attr("type")))
		}
	}
	return nil
}

// contact reads the contact's name, telephone, e-mail and website.
func (m *activity) contact(context.Context) error {
	c := m.a.first("contact-info")
	if c == nil {
		return nil
	}
	text := func(name string, dst *string) {
		if e := c.first(name); e != nil {
			*dst = strings.TrimSpace(e.text.String())
		}
	}
	m.p.ContactName = firstNarrative(c.first("person-name"))
	text("telephone", &m.p.ContactPhone)
	text("email", &m.p.ContactEmail)
	text("website", &m.p.Website)
	return nil
}

// countries checks the recipient countries' codes.
func (m *activity) countries(context.Context) error {
	for _, rc := range m.a.all("recipient-country") {
		if !m.s.cl.Country.Has(rc.attr("code")) {
			return m.bad(rc, fmt.Sprintf("code %q is not in the Country codelist", rc.attr("code")))
		}
	}
	return nil
}

// locations reads the locations that are LSGs (by code, else by name);
// others are left out with a warning.
func (m *activity) locations(ctx context.Context) error {
	for _, l := range m.a.all("location") {
		name := firstNarrative(l.first("name"))
		code := m.s.locationLSG(ctx, l.attr("ref"), name)
		if code == "" {
			m.note(l, fmt.Sprintf("%q is not a known municipality or city: not on the project's list of places; kept for the IATI export", name))
			continue
		}
		loc := Location{Place: code}
		if err := m.point(l, &loc); err != nil {
			return err
		}
		m.p.Locations = append(m.p.Locations, loc)
	}
	return nil
}

// locationLSG is the code of the LSG a location names by ref or name ("").
func (s *Service) locationLSG(ctx context.Context, ref, name string) string {
	if ref != "" {
		if pl, err := s.places.ByCode(ctx, ref); err == nil && pl.IsLSG() {
			return pl.Code
		}
	}
	if name != "" {
		if pl, err := s.places.ResolveLSG(ctx, name); err == nil {
			return pl.Code
		}
	}
	return ""
}

// point reads a location's point/pos ("latitude longitude") into loc.
func (m *activity) point(l *node, loc *Location) error {
	pt := l.first("point")
	if pt == nil {
		return nil
	}
	pos := pt.first("pos")
	if pos == nil {
		return nil
	}
	f := strings.Fields(pos.text.String())
	if len(f) != 2 {
		return nil
	}
	lat, err1 := strconv.ParseFloat(f[0], 64)
	lon, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil {
		return m.bad(pos, "pos must be two numbers: latitude longitude")
	}
	loc.Lat, loc.Lon, loc.HasPoint = lat, lon, true
	return nil
}

// sectors reads the DAC sectors and the EU acquis chapters.
func (m *activity) sectors(context.Context) error {
	for _, sec := range m.a.all("sector") {
		code := sec.attr("code")
		switch sec.attr("vocabulary") {
		case "", "1":
			if !m.s.cl.Sector.Has(code) {
				return m.bad(sec, fmt.Sprintf("code %q is not in the Sector (DAC 5-digit) codelist", code))
			}
			m.p.Sectors = append(m.p.Sectors, code)
		case "99":
			if sec.attr("vocabulary-uri") != AcquisVocabularyURI {
				m.note(sec, noteVocabulary)
				continue
			}
			n, err := strconv.Atoi(code)
			if err != nil || n < 0 || n > 35 {
				return m.bad(sec, fmt.Sprintf("EU acquis chapter %q must be 0-35", code))
			}
			m.p.Acquis = append(m.p.Acquis, n)
		default:
			m.note(sec, noteVocabulary)
		}
	}
	return nil
}

// noteVocabulary is the note of a sector or tag of a vocabulary the
// registry does not read.
const noteVocabulary = "vocabulary not shown by the registry; kept for the IATI export"

// tags reads the sustainable development goals.
func (m *activity) tags(context.Context) error {
	for _, t := range m.a.all("tag") {
		if t.attr("vocabulary") != "2" {
			m.note(t, noteVocabulary)
			continue
		}
		if !m.s.cl.SDG.Has(t.attr("code")) {
			return m.bad(t, fmt.Sprintf("code %q is not a sustainable development goal (UNSDG-Goals)", t.attr("code")))
		}
		n, _ := strconv.Atoi(t.attr("code"))
		m.p.SDGs = append(m.p.SDGs, n)
	}
	return nil
}

// amount reads a value element: its currency (or the default) and a
// non-negative amount.
func (m *activity) amount(v *node) (money.Amount, error) {
	c := v.attr("currency")
	if c == "" {
		c = m.cur
	}
	switch {
	case c == "":
		return money.Amount{}, m.bad(v, "no currency (neither @currency nor the activity's @default-currency)")
	case !m.s.cl.Currency.Has(c):
		return money.Amount{}, m.bad(v, fmt.Sprintf("currency %q is not in the Currency codelist", c))
	case !money.Valid(c):
		return money.Amount{}, m.bad(v, fmt.Sprintf("currency %q is not one the platform keeps", c))
	}
	amt, err := decimal(v.text.String(), c)
	if err != nil || amt.Minor < 0 {
		return money.Amount{}, m.bad(v, fmt.Sprintf("value %q is not a non-negative amount", strings.TrimSpace(v.text.String())))
	}
	return amt, nil
}

// budgets sums the original budgets in the first currency met (others
// are left out with a warning); without any, the budget is zero in the
// default currency (or EUR).
func (m *activity) budgets(context.Context) error {
	p := m.p
	for _, b := range m.a.all("budget") {
		if t := b.attr("type"); t == "2" {
			m.note(b, "revised budget: the registry's budget is the original one; kept for the IATI export")
			continue
		}
		v := b.first("value")
		if v == nil || b.first("period-start") == nil || b.first("period-end") == nil {
			return m.bad(b, "budget needs period-start, period-end and value")
		}
		amt, err := m.amount(v)
		if err != nil {
			return err
		}
		if p.Budget.Currency == "" || p.Budget.Currency == amt.Currency {
			p.Budget.Currency = amt.Currency
			p.Budget.Minor += amt.Minor
		} else {
			m.note(b, fmt.Sprintf("budget in %s not added to the budget in %s; kept for the IATI export", amt.Currency, p.Budget.Currency))
		}
	}
	if p.Budget.Currency == "" {
		p.Budget.Currency = m.cur
		if p.Budget.Currency == "" || !money.Valid(p.Budget.Currency) {
			p.Budget.Currency = "EUR"
		}
	}
	return nil
}

// transactions reads the commitments, disbursements and expenditures.
func (m *activity) transactions(context.Context) error {
	for _, t := range m.a.all("transaction") {
		tt, td, v := t.first("transaction-type"), t.first("transaction-date"), t.first("value")
		if tt == nil || td == nil || v == nil {
			return m.bad(t, "transaction needs transaction-type, transaction-date and value")
		}
		if !m.s.cl.TransactionType.Has(tt.attr("code")) {
			return m.bad(tt, fmt.Sprintf("code %q is not in the TransactionType codelist", tt.attr("code")))
		}
		if !ValidDate(td.attr("iso-date")) {
			return m.bad(td, fmt.Sprintf("iso-date %q is not a date", td.attr("iso-date")))
		}
		amt, err := m.amount(v)
		if err != nil {
			return err
		}
		typ, _ := strconv.Atoi(tt.attr("code"))
		m.p.Transactions = append(m.p.Transactions, Transaction{Type: typ, Date: td.attr("iso-date"), Amount: amt, Note: firstNarrative(t.first("description"))})
	}
	return nil
}

// documents reads the document links (category A12, a web page, is kept
// as no category).
func (m *activity) documents(context.Context) error {
	for _, d := range m.a.all("document-link") {
		cat := ""
		if c := d.first("category"); c != nil {
			cat = c.attr("code")
			if !m.s.cl.DocumentCategory.Has(cat) {
				return m.bad(c, fmt.Sprintf("code %q is not in the DocumentCategory codelist", cat))
			}
		}
		if cat == "A12" {
			cat = ""
		}
		title := firstNarrative(d.first("title"))
		if title == "" {
			title = d.attr("url")
		}
		m.p.Links = append(m.p.Links, Link{Title: title, URL: d.attr("url"), Category: cat})
	}
	return nil
}

// related reads the parent (looked up when written: the parent may be in
// the same batch) and whether the activity is a programme (it has
// children).
func (m *activity) related(context.Context) error {
	for _, r := range m.a.all("related-activity") {
		switch r.attr("type") {
		case "1":
			m.p.parentRef = r.attr("ref")
		case "2":
			m.p.Kind = KindProgramme
		}
	}
	return nil
}

// results reads the indicators as targets: the first target value and
// every actual value with its period's end.
func (m *activity) results(context.Context) error {
	for _, res := range m.a.all("result") {
		for _, ind := range res.all("indicator") {
			t := Target{Label: firstNarrative(ind.first("title"))}
			if t.Label == "" {
				continue
			}
			for _, per := range ind.all("period") {
				addPeriod(&t, per)
			}
			m.p.Targets = append(m.p.Targets, t)
		}
	}
	return nil
}

// addPeriod takes a result period's target (the first one met) and
// actual value into t.
func addPeriod(t *Target, per *node) {
	if tv := per.first("target"); tv != nil && t.Target == 0 {
		if n, err := strconv.ParseFloat(tv.attr("value"), 64); err == nil && n >= 0 && n < 1e12 {
			t.Target = int64(n)
		}
	}
	if av := per.first("actual"); av != nil {
		end := per.first("period-end")
		if n, err := strconv.ParseFloat(av.attr("value"), 64); err == nil && n >= 0 && n < 1e12 && end != nil && ValidDate(end.attr("iso-date")) {
			t.Actuals = append(t.Actuals, Actual{Date: end.attr("iso-date"), Value: int64(n)})
		}
	}
}
