package projects

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReportingOrgRef is the IATI organisation identifier the platform uses
// as reporting organisation when a project has no organisation reference,
// and as the prefix of identifiers of projects that have none.
const ReportingOrgRef = "XI-DIJALOG"

// AcquisVocabularyURI names the EU acquis chapters, exported as sectors of
// vocabulary 99 (reporting organisation's own).
const AcquisVocabularyURI = "https://neighbourhood-enlargement.ec.europa.eu/enlargement-policy/conditions-membership/chapters-acquis_en"

// IATIIdentifierOf is the identifier a project has in exports.
func IATIIdentifierOf(p *Project) string {
	if p.IATIIdentifier != "" {
		return p.IATIIdentifier
	}
	return ReportingOrgRef + "-" + p.PublicID
}

type xw struct {
	w   *bufio.Writer
	err error
}

func (x *xw) s(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func attr(name, v string) string { return " " + name + `="` + esc(v) + `"` }

// ExportIATI writes the projects that match f as an IATI 2.03
// iati-activities document, streaming (memory stays flat). Programmes come
// first so that importers meet parents before children.
func (s *Service) ExportIATI(ctx context.Context, w io.Writer, f Filter, names func(code string) string) error {
	x := &xw{w: bufio.NewWriterSize(w, 64<<10)}
	x.s(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.s(`<iati-activities version="2.03"` + attr("generated-datetime", time.Now().UTC().Format(time.RFC3339)) + ">\n")
	children := map[string][]string{} // programme public id -> child identifiers
	parents := map[string]string{}    // programme public id -> its identifier
	for _, kind := range []string{KindProgramme, KindProject} {
		kf := f
		kf.Kind = kind
		if kind == KindProgramme && f.Kind == KindProject || kind == KindProject && f.Kind == KindProgramme {
			continue
		}
		if kind == KindProgramme {
			// children identifiers are needed for related-activity type 2
			err := s.Each(ctx, Filter{Kind: KindProject}, func(p *Project) error {
				if p.Programme != "" {
					children[p.Programme] = append(children[p.Programme], IATIIdentifierOf(p))
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		err := s.eachBatch(ctx, kf, func(ps []*Project) error {
			srcs, err := s.iatiSources(ctx, ps)
			if err != nil {
				return err
			}
			for _, p := range ps {
				if p.Kind == KindProgramme {
					parents[p.PublicID] = IATIIdentifierOf(p)
				}
				e := &exportActivity{p: p, children: children[p.PublicID], names: names, src: srcs[p.ID], def: p.DefaultLang}
				if e.src != nil && e.src.Attrs["xml:lang"] != "" {
					e.def = normLang(e.src.Attrs["xml:lang"])
				}
				e.parent = s.parentIdentifier(ctx, p, parents)
				s.writeActivity(x, e)
				if x.err != nil {
					return x.err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	x.s("</iati-activities>\n")
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}

// parentIdentifier is the identifier of p's programme ("" when none).
func (s *Service) parentIdentifier(ctx context.Context, p *Project, parents map[string]string) string {
	if p.Programme == "" {
		return ""
	}
	if id := parents[p.Programme]; id != "" {
		return id
	}
	if pp, err := s.Get(ctx, p.Programme); err == nil {
		return IATIIdentifierOf(pp)
	}
	return ""
}

// iatiSources are the stored IATI sources of the imported projects of ps.
func (s *Service) iatiSources(ctx context.Context, ps []*Project) (map[int64]*iatiSource, error) {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	raw, err := s.st.sources(ctx, s.d, ids)
	if err != nil {
		return nil, err
	}
	return parseSources(raw), nil
}

func narratives(x *xw, def string, texts []Text, pick func(Text) string) {
	for _, t := range texts {
		v := pick(t)
		if v == "" {
			continue
		}
		if t.Lang == def {
			x.s("<narrative>" + esc(v) + "</narrative>")
		} else {
			x.s(`<narrative xml:lang="` + t.Lang + `">` + esc(v) + "</narrative>")
		}
	}
}

// exportActivity is an activity being written: the project, its links in
// the hierarchy, the LSG names, and what its import carried (nil for a
// project made on the platform).
type exportActivity struct {
	p        *Project
	parent   string
	children []string
	names    func(string) string
	src      *iatiSource
	def      string // the language of narratives without xml:lang
}

// writeElement writes the elements name made from the registry's fields.
func writeElement(x *xw, e *exportActivity, name string) {
	p := e.p
	switch name {
	case "reporting-org":
		rep := reportingOrg(p)
		x.s("    <reporting-org" + attr("ref", rep.Ref) + attr("type", rep.Type) + "><narrative>" + esc(rep.Name) + "</narrative></reporting-org>\n")
	case "title":
		writeTitle(x, p, e.def)
	case "description":
		writeDescriptions(x, p, e.def)
	case "participating-org":
		writeOrgs(x, p, reportingOrg(p))
	case "activity-status":
		x.s(`    <activity-status code="` + strconv.Itoa(p.Status) + `"/>` + "\n")
	case "activity-date":
		writeDates(x, p)
	case "contact-info":
		writeContact(x, p)
	case "recipient-country":
		x.s(`    <recipient-country code="BA" percentage="100"/>` + "\n")
	case "location":
		writeLocations(x, p, e.names)
	case "sector":
		writeSectors(x, p)
	case "tag":
		writeTags(x, p)
	case "budget":
		writeBudget(x, p)
	case "transaction":
		writeTransactions(x, p)
	case "document-link":
		writeLinks(x, p)
	case "related-activity":
		writeRelated(x, e.parent, e.children)
	case "result":
		writeResults(x, p)
	}
}

// writeActivity writes p in the order of the schema. For an imported
// project, each group of elements whose registry fields are unchanged
// since the import is written as the publisher sent it (what the registry
// does not show included), the others from the fields; the publisher's
// last-updated-datetime stays while nothing changed.
func (s *Service) writeActivity(x *xw, e *exportActivity) {
	p := e.p
	var now map[string]string
	if e.src != nil {
		now = iatiSnapshot(p)
	}
	x.s("  <iati-activity" + activityAttrs(e, now) + ">\n")
	x.s("    <iati-identifier>" + esc(IATIIdentifierOf(p)) + "</iati-identifier>\n")
	for _, name := range activityOrder[1:] {
		if e.src != nil && e.src.unchanged(name, now) {
			e.src.write(x, name)
			continue
		}
		writeElement(x, e, name)
	}
	if e.src != nil {
		e.src.writeExtensions(x)
	}
	x.s("  </iati-activity>\n")
}

// activityAttrs are the attributes of an activity: the publisher's for
// an imported one (its last-updated-datetime while nothing changed since
// the import), else the registry's.
func activityAttrs(e *exportActivity, now map[string]string) string {
	p := e.p
	updated := p.UpdatedAt.UTC().Format(time.RFC3339)
	if e.src == nil {
		hier := "1" // a programme or a project on its own
		if e.parent != "" {
			hier = "2" // a project of a programme
		}
		return attr("last-updated-datetime", updated) + attr("xml:lang", p.DefaultLang) + attr("default-currency", p.Budget.Currency) + attr("hierarchy", hier)
	}
	as := map[string]string{}
	for k, v := range e.src.Attrs {
		as[k] = v
	}
	if !e.src.allUnchanged(now) || as["last-updated-datetime"] == "" {
		as["last-updated-datetime"] = updated
	}
	if as["xml:lang"] == "" {
		as["xml:lang"] = p.DefaultLang
	}
	keys := sortedKeys(as)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(attr(k, as[k]))
	}
	return b.String()
}

// writeRelated writes the parent programme and the projects of a
// programme.
func writeRelated(x *xw, parent string, children []string) {
	if parent != "" {
		x.s(`    <related-activity` + attr("ref", parent) + ` type="1"/>` + "\n")
	}
	for _, c := range children {
		x.s(`    <related-activity` + attr("ref", c) + ` type="2"/>` + "\n")
	}
}

// reportingOrg is the organisation that reports p: the first with an
// IATI ref among the accountable, funding, extending and implementing
// ones, else the platform; its type defaults to 90 (other).
func reportingOrg(p *Project) Org {
	rep := Org{Name: "dijalog", Ref: ReportingOrgRef, Type: "90"}
	for _, role := range []int{RoleAccountable, RoleFunding, RoleExtending, RoleImplementing} {
		if i := slices.IndexFunc(p.Orgs, func(o Org) bool { return o.Role == role && o.Ref != "" }); i >= 0 {
			rep = p.Orgs[i]
			break
		}
	}
	if rep.Type == "" {
		rep.Type = "90"
	}
	return rep
}

// writeTitle writes the title in every language (def: the language of
// narratives without xml:lang).
func writeTitle(x *xw, p *Project, def string) {
	x.s("    <title>")
	narratives(x, def, p.Texts, func(t Text) string { return t.Title })
	x.s("</title>\n")
}

// writeDescriptions writes the summary (the title when there is none),
// the objectives and the results.
func writeDescriptions(x *xw, p *Project, def string) {
	hasSummary := slices.ContainsFunc(p.Texts, func(t Text) bool { return t.Summary != "" })
	x.s(`    <description type="1">`)
	if hasSummary {
		narratives(x, def, p.Texts, func(t Text) string { return t.Summary })
	} else {
		narratives(x, def, p.Texts, func(t Text) string { return t.Title })
	}
	x.s("</description>\n")
	for _, d := range []struct {
		typ  string
		pick func(Text) string
	}{{"2", func(t Text) string { return t.Objectives }}, {"4", func(t Text) string { return t.Results }}} {
		if slices.ContainsFunc(p.Texts, func(t Text) bool { return d.pick(t) != "" }) {
			x.s(`    <description type="` + d.typ + `">`)
			narratives(x, def, p.Texts, d.pick)
			x.s("</description>\n")
		}
	}
}

// writeOrgs writes the participating organisations (the reporting one as
// accountable when p has none).
func writeOrgs(x *xw, p *Project, rep Org) {
	orgs := p.Orgs
	if len(orgs) == 0 {
		orgs = []Org{{Role: RoleAccountable, Name: rep.Name, Ref: rep.Ref, Type: rep.Type}}
	}
	for _, o := range orgs {
		a := attr("role", strconv.Itoa(o.Role))
		if o.Ref != "" {
			a = attr("ref", o.Ref) + a
		}
		if o.Type != "" {
			a += attr("type", o.Type)
		}
		x.s("    <participating-org" + a + "><narrative>" + esc(o.Name) + "</narrative></participating-org>\n")
	}
}

// writeDates writes the planned and actual dates; without any, a planned
// start on the first of January of the funding (or creation) year.
func writeDates(x *xw, p *Project) {
	dates := 0
	for _, d := range []struct{ typ, v string }{{"1", p.PlannedStart}, {"2", p.ActualStart}, {"3", p.PlannedEnd}, {"4", p.ActualEnd}} {
		if d.v != "" {
			x.s(`    <activity-date iso-date="` + d.v + `" type="` + d.typ + `"/>` + "\n")
			dates++
		}
	}
	if dates == 0 {
		y := p.FundingYear
		if y == 0 {
			y = p.CreatedAt.Year()
		}
		x.s(fmt.Sprintf(`    <activity-date iso-date="%04d-01-01" type="1"/>`+"\n", y))
	}
}

// writeContact writes the contact, when p has one.
func writeContact(x *xw, p *Project) {
	if p.ContactName == "" && p.ContactEmail == "" && p.ContactPhone == "" {
		return
	}
	x.s(`    <contact-info type="1">`)
	if p.ContactName != "" {
		x.s("<person-name><narrative>" + esc(p.ContactName) + "</narrative></person-name>")
	}
	for _, e := range []struct{ name, v string }{{"telephone", p.ContactPhone}, {"email", p.ContactEmail}, {"website", p.Website}} {
		if e.v != "" {
			x.s("<" + e.name + ">" + esc(e.v) + "</" + e.name + ">")
		}
	}
	x.s("</contact-info>\n")
}

// writeLocations writes the LSGs with their names and points.
func writeLocations(x *xw, p *Project, names func(string) string) {
	for _, l := range p.Locations {
		x.s(`    <location` + attr("ref", l.Place) + "><name><narrative>" + esc(names(l.Place)) + "</narrative></name>")
		if l.HasPoint {
			x.s(`<point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>` + strconv.FormatFloat(l.Lat, 'f', -1, 64) + " " + strconv.FormatFloat(l.Lon, 'f', -1, 64) + "</pos></point>")
		}
		x.s("</location>\n")
	}
}

// writeSectors writes the DAC sectors and acquis chapters (in equal
// shares).
func writeSectors(x *xw, p *Project) {
	for i, pc := range percentages(len(p.Sectors)) {
		x.s(`    <sector vocabulary="1" code="` + p.Sectors[i] + `" percentage="` + pc + `"/>` + "\n")
	}
	for i, pc := range percentages(len(p.Acquis)) {
		x.s(`    <sector vocabulary="99"` + attr("vocabulary-uri", AcquisVocabularyURI) + ` code="` + strconv.Itoa(p.Acquis[i]) + `" percentage="` + pc + `"/>` + "\n")
	}
}

// writeTags writes the SDG tags.
func writeTags(x *xw, p *Project) {
	for _, g := range p.SDGs {
		x.s(`    <tag vocabulary="2" code="` + strconv.Itoa(g) + `"/>` + "\n")
	}
}

// exportPeriod is the start and end of p for budgets and targets: its
// dates, else the funding year (1990 at the earliest).
func exportPeriod(p *Project) (start, end string) {
	start, end = p.Start(), p.End()
	if start == "" {
		start = fmt.Sprintf("%04d-01-01", max(p.FundingYear, 1990))
	}
	if end == "" || end < start {
		end = start
	}
	return start, end
}

// writeBudget writes the budget, when known.
func writeBudget(x *xw, p *Project) {
	if p.Budget.Minor > 0 {
		start, end := exportPeriod(p)
		x.s(`    <budget type="1" status="2"><period-start iso-date="` + start + `"/><period-end iso-date="` + end + `"/><value` +
			attr("currency", p.Budget.Currency) + attr("value-date", start) + ">" + p.Budget.Decimal() + "</value></budget>\n")
	}
}

// writeTransactions writes the transactions.
func writeTransactions(x *xw, p *Project) {
	for _, t := range p.Transactions {
		x.s(`    <transaction><transaction-type code="` + strconv.Itoa(t.Type) + `"/><transaction-date iso-date="` + t.Date + `"/><value` +
			attr("currency", t.Amount.Currency) + attr("value-date", t.Date) + ">" + t.Amount.Decimal() + "</value>")
		if t.Note != "" {
			x.s("<description><narrative>" + esc(t.Note) + "</narrative></description>")
		}
		x.s("</transaction>\n")
	}
}

// writeLinks writes the documents (A12, a web page, when uncategorised).
func writeLinks(x *xw, p *Project) {
	for _, l := range p.Links {
		cat := l.Category
		if cat == "" {
			cat = "A12"
		}
		x.s(`    <document-link format="text/html"` + attr("url", l.URL) + "><title><narrative>" + esc(l.Title) + `</narrative></title><category code="` + esc(cat) + `"/></document-link>` + "\n")
	}
}

// writeResults writes the targets as indicators of one result: a period
// per actual value, or one over the project's period with the target.
func writeResults(x *xw, p *Project) {
	if len(p.Targets) == 0 {
		return
	}
	start, end := exportPeriod(p)
	x.s(`    <result type="1" aggregation-status="0"><title><narrative>Targets</narrative></title>`)
	for _, t := range p.Targets {
		target := strconv.FormatInt(t.Target, 10)
		x.s(`<indicator measure="1" ascending="1"><title><narrative>` + esc(t.Label) + "</narrative></title>")
		if len(t.Actuals) == 0 {
			x.s(`<period><period-start iso-date="` + start + `"/><period-end iso-date="` + end + `"/><target value="` + target + `"/></period>`)
		}
		prev := start
		for _, a := range t.Actuals {
			x.s(`<period><period-start iso-date="` + min(prev, a.Date) + `"/><period-end iso-date="` + a.Date + `"/><target value="` + target +
				`"/><actual value="` + strconv.FormatInt(a.Value, 10) + `"/></period>`)
			prev = a.Date
		}
		x.s("</indicator>")
	}
	x.s("</result>\n")
}

// percentages splits 100 into n shares with two decimals that sum to 100.
func percentages(n int) []string {
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	base := 10000 / n
	rest := 10000 - base*n
	for i := range out {
		v := base
		if i < rest {
			v++
		}
		out[i] = strconv.Itoa(v/100) + "." + fmt.Sprintf("%02d", v%100)
	}
	return out
}
