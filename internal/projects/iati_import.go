package projects

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
	"github.com/dijalog/dijalog/internal/refuse"
)

// node is one element of an activity, kept in document order so the
// element order of the schema can be checked.
type node struct {
	name     string
	attrs    map[string]string
	children []*node
	text     strings.Builder
	line     int
}

func (n *node) attr(k string) string { return n.attrs[k] }

func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

func (n *node) first(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Limits of the parser: an activity larger than these is refused.
const (
	maxActivityNodes = 50000
	maxTextBytes     = 1 << 20
	maxDepth         = 32
)

// activityOrder is the sequence of the children of iati-activity in the
// 2.03 schema; minimum occurrences are checked for the required ones.
var activityOrder = []string{"iati-identifier", "reporting-org", "title", "description", "participating-org", "other-identifier",
	"activity-status", "activity-date", "contact-info", "activity-scope", "recipient-country", "recipient-region", "location", "sector",
	"tag", "country-budget-items", "humanitarian-scope", "policy-marker", "collaboration-type", "default-flow-type", "default-finance-type",
	"default-aid-type", "default-tied-status", "budget", "planned-disbursement", "capital-spend", "transaction", "document-link",
	"related-activity", "legacy-data", "conditions", "result", "crs-add", "fss"}

var requiredOnce = map[string]bool{"iati-identifier": true, "reporting-org": true, "title": true, "activity-status": true}
var requiredMany = map[string]bool{"description": true, "participating-org": true, "activity-date": true}

// ImportError names what was wrong, where.
type ImportError struct {
	Line     int
	Activity string // iati-identifier, when known
	Element  string
	Msg      string
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d", e.Line)
	if e.Activity != "" {
		fmt.Fprintf(&b, ", activity %q", e.Activity)
	}
	if e.Element != "" {
		fmt.Fprintf(&b, ", <%s>", e.Element)
	}
	return b.String() + ": " + e.Msg
}

// reader streams the activities of an iati-activities document.
type reader struct {
	dec  *xml.Decoder
	src  *countingReader
	root bool
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func newReader(r io.Reader) *reader {
	cr := &countingReader{r: r}
	d := xml.NewDecoder(cr)
	d.Strict = true
	d.Entity = nil // only the five predefined entities
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q is not supported (use UTF-8)", label)
	}
	return &reader{dec: d, src: cr}
}

func (r *reader) line() int {
	l, _ := r.dec.InputPos()
	return l
}

// next returns the next activity, io.EOF at the end of the document.
func (r *reader) next() (*node, error) {
	for {
		tok, err := r.dec.Token()
		if errors.Is(err, io.EOF) {
			if !r.root {
				return nil, &ImportError{Line: r.line(), Msg: "not an IATI file: no <iati-activities> element"}
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, &ImportError{Line: r.line(), Msg: "not well-formed XML: " + xmlMsg(err)}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, &ImportError{Line: r.line(), Msg: "document type declarations (DTD) and entities are not accepted"}
		case xml.ProcInst:
			if t.Target != "xml" {
				return nil, &ImportError{Line: r.line(), Msg: "processing instructions are not accepted"}
			}
		case xml.StartElement:
			if !r.root {
				if t.Name.Local != "iati-activities" || t.Name.Space != "" {
					return nil, &ImportError{Line: r.line(), Element: t.Name.Local, Msg: "not an IATI activities file (root must be <iati-activities>)"}
				}
				v := attrOf(t, "version")
				if v != "2.03" {
					return nil, &ImportError{Line: r.line(), Element: "iati-activities", Msg: fmt.Sprintf("version %q is not supported; only IATI 2.03 files are accepted", v)}
				}
				r.root = true
				continue
			}
			if t.Name.Local != "iati-activity" {
				return nil, &ImportError{Line: r.line(), Element: t.Name.Local, Msg: "unexpected element; only <iati-activity> may appear in <iati-activities>"}
			}
			return r.tree(t)
		case xml.EndElement:
			if t.Name.Local == "iati-activities" {
				// anything after the root end is checked by the decoder
				continue
			}
		case xml.CharData:
			if r.root && strings.TrimSpace(string(t)) != "" {
				return nil, &ImportError{Line: r.line(), Msg: "text outside an activity"}
			}
		}
	}
}

func xmlMsg(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if se.Msg == "unexpected EOF" {
			return "the file ends in the middle of an element (truncated?)"
		}
		return se.Msg
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends in the middle of an element (truncated?)"
	}
	return err.Error()
}

func attrOf(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && (a.Name.Space == "" || a.Name.Space == "xml" || a.Name.Space == "http://www.w3.org/XML/1998/namespace") {
			return a.Value
		}
	}
	return ""
}

func (r *reader) tree(start xml.StartElement) (*node, error) {
	mk := func(t xml.StartElement) *node {
		n := &node{name: t.Name.Local, attrs: map[string]string{}, line: r.line()}
		for _, a := range t.Attr {
			k := a.Name.Local
			if a.Name.Space == "xml" || a.Name.Space == "http://www.w3.org/XML/1998/namespace" {
				k = "xml:" + k
			}
			n.attrs[k] = a.Value
		}
		return n
	}
	root := mk(start)
	stack := []*node{root}
	count, text := 1, 0
	for len(stack) > 0 {
		tok, err := r.dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, &ImportError{Line: r.line(), Activity: idOf(root), Msg: "not well-formed XML: " + xmlMsg(err)}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := mk(t)
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
			count++
			if count > maxActivityNodes || len(stack) > maxDepth {
				return nil, &ImportError{Line: r.line(), Activity: idOf(root), Msg: "activity too large or too deeply nested"}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			text += len(t)
			if text > maxTextBytes {
				return nil, &ImportError{Line: r.line(), Activity: idOf(root), Msg: "activity text larger than 1 MB"}
			}
			stack[len(stack)-1].text.Write(t)
		case xml.Directive:
			return nil, &ImportError{Line: r.line(), Msg: "document type declarations (DTD) and entities are not accepted"}
		}
	}
	return root, nil
}

func idOf(n *node) string {
	if c := n.first("iati-identifier"); c != nil {
		return strings.TrimSpace(c.text.String())
	}
	return ""
}

// narrativesOf maps narratives to our languages; def is the activity's
// default language.
func narrativesOf(n *node, def string) map[string]string {
	out := map[string]string{}
	if n == nil {
		return out
	}
	for _, c := range n.all("narrative") {
		l := c.attr("xml:lang")
		if l == "" {
			l = def
		}
		l = normLang(l)
		if _, ok := out[l]; !ok {
			out[l] = strings.TrimSpace(c.text.String())
		}
	}
	return out
}

func normLang(l string) string {
	l = strings.ToLower(l)
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	if l == "sh" {
		l = "sr"
	}
	return l
}

func firstNarrative(n *node) string {
	if n == nil {
		return ""
	}
	if c := n.first("narrative"); c != nil {
		return strings.TrimSpace(c.text.String())
	}
	return strings.TrimSpace(n.text.String())
}

// checkOrder checks the order and cardinality of the activity's children.
func checkOrder(a *node) error {
	pos := -1
	seen := map[string]int{}
	for _, c := range a.children {
		i := slices.Index(activityOrder, c.name)
		if i < 0 {
			return &ImportError{Line: c.line, Activity: idOf(a), Element: c.name, Msg: "element not allowed in <iati-activity> (IATI 2.03)"}
		}
		if i < pos {
			return &ImportError{Line: c.line, Activity: idOf(a), Element: c.name, Msg: fmt.Sprintf("element out of order: <%s> must come before <%s>", c.name, activityOrder[pos])}
		}
		pos = i
		seen[c.name]++
	}
	for _, name := range activityOrder {
		if requiredOnce[name] && seen[name] != 1 || requiredMany[name] && seen[name] == 0 {
			return &ImportError{Line: a.line, Activity: idOf(a), Element: name, Msg: "required element missing (or repeated)"}
		}
	}
	return nil
}

// decimal reads an xsd:decimal amount.
func decimal(s, cur string) (money.Amount, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return money.Amount{}, money.ErrSyntax
	}
	for _, part := range []string{strings.TrimPrefix(intPart, "-"), frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return money.Amount{}, money.ErrSyntax
			}
		}
	}
	frac = strings.TrimRight(frac, "0")
	exp := money.Exponent(cur)
	if len(frac) > exp {
		return money.Amount{}, money.ErrSyntax
	}
	for len(frac) < exp {
		frac += "0"
	}
	neg := strings.HasPrefix(intPart, "-")
	digits := strings.TrimLeft(strings.TrimPrefix(intPart, "-"), "0") + frac
	if len(digits) > 18 {
		return money.Amount{}, money.ErrRange
	}
	n, err := strconv.ParseInt("0"+digits, 10, 64)
	if err != nil || n > money.Max {
		return money.Amount{}, money.ErrRange
	}
	if neg {
		n = -n
	}
	return money.Amount{Minor: n, Currency: cur}, nil
}

// fromActivity maps an activity to a project, checking codes against the
// codelists; warnings are things left out (an unknown place name).
func (s *Service) fromActivity(ctx context.Context, a *node) (*Project, []string, error) {
	id := idOf(a)
	bad := func(n *node, msg string) error {
		line := a.line
		name := ""
		if n != nil {
			line, name = n.line, n.name
		}
		return &ImportError{Line: line, Activity: id, Element: name, Msg: msg}
	}
	if err := checkOrder(a); err != nil {
		return nil, nil, err
	}
	if id == "" || len(id) > 200 {
		return nil, nil, bad(a.first("iati-identifier"), "empty or too long identifier")
	}
	def := normLang(a.attr("xml:lang"))
	if def == "" {
		def = "en"
	}
	var warn []string
	p := &Project{IATIIdentifier: id, Kind: KindProject, DefaultLang: def}
	if !slices.Contains(Languages(), def) {
		return nil, nil, bad(a, fmt.Sprintf("language %q is not one of %s", def, strings.Join(Languages(), ", ")))
	}
	titles := narrativesOf(a.first("title"), def)
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
	for _, d := range a.all("description") {
		for l, v := range narrativesOf(d, def) {
			t := get(l)
			if t == nil {
				continue
			}
			switch d.attr("type") {
			case "", "1":
				t.Summary = v
			case "2":
				t.Objectives = v
			case "4":
				t.Results = v
			}
		}
	}
	for _, l := range Languages() {
		if t := texts[l]; t != nil {
			if t.Title == "" {
				t.Title = titles[def]
			}
			p.Texts = append(p.Texts, *t)
		}
	}
	cur := a.attr("default-currency")
	if cur != "" && !s.cl.Currency.Has(cur) {
		return nil, nil, bad(a, fmt.Sprintf("default-currency %q is not in the Currency codelist", cur))
	}
	for _, o := range a.all("participating-org") {
		role, err := strconv.Atoi(o.attr("role"))
		if err != nil || !s.cl.OrganisationRole.Has(o.attr("role")) {
			return nil, nil, bad(o, fmt.Sprintf("role %q is not in the OrganisationRole codelist", o.attr("role")))
		}
		if t := o.attr("type"); t != "" && !s.cl.OrganisationType.Has(t) {
			return nil, nil, bad(o, fmt.Sprintf("type %q is not in the OrganisationType codelist", t))
		}
		name := firstNarrative(o)
		if name == "" {
			name = o.attr("ref")
		}
		if name == "" {
			return nil, nil, bad(o, "organisation without a name or ref")
		}
		p.Orgs = append(p.Orgs, Org{Role: role, Name: name, Ref: o.attr("ref"), Type: o.attr("type")})
	}
	st := a.first("activity-status")
	if !s.cl.ActivityStatus.Has(st.attr("code")) {
		return nil, nil, bad(st, fmt.Sprintf("code %q is not in the ActivityStatus codelist", st.attr("code")))
	}
	p.Status, _ = strconv.Atoi(st.attr("code"))
	for _, d := range a.all("activity-date") {
		v := d.attr("iso-date")
		if !ValidDate(v) {
			return nil, nil, bad(d, fmt.Sprintf("iso-date %q is not a date", v))
		}
		switch d.attr("type") {
		case "1":
			p.PlannedStart = v
		case "2":
			p.ActualStart = v
		case "3":
			p.PlannedEnd = v
		case "4":
			p.ActualEnd = v
		default:
			return nil, nil, bad(d, fmt.Sprintf("type %q is not in the ActivityDateType codelist", d.attr("type")))
		}
	}
	if c := a.first("contact-info"); c != nil {
		p.ContactName = firstNarrative(c.first("person-name"))
		if e := c.first("telephone"); e != nil {
			p.ContactPhone = strings.TrimSpace(e.text.String())
		}
		if e := c.first("email"); e != nil {
			p.ContactEmail = strings.TrimSpace(e.text.String())
		}
		if e := c.first("website"); e != nil {
			p.Website = strings.TrimSpace(e.text.String())
		}
	}
	for _, rc := range a.all("recipient-country") {
		if !s.cl.Country.Has(rc.attr("code")) {
			return nil, nil, bad(rc, fmt.Sprintf("code %q is not in the Country codelist", rc.attr("code")))
		}
	}
	for _, l := range a.all("location") {
		code := ""
		if ref := l.attr("ref"); ref != "" {
			if pl, err := s.places.ByCode(ctx, ref); err == nil && pl.IsLSG() {
				code = pl.Code
			}
		}
		name := firstNarrative(l.first("name"))
		if code == "" && name != "" {
			if pl, err := s.places.ResolveLSG(ctx, name); err == nil {
				code = pl.Code
			}
		}
		if code == "" {
			warn = append(warn, fmt.Sprintf("activity %q: location %q is not a known municipality or city; left out", id, name))
			continue
		}
		loc := Location{Place: code}
		if pt := l.first("point"); pt != nil {
			if pos := pt.first("pos"); pos != nil {
				f := strings.Fields(pos.text.String())
				if len(f) == 2 {
					lat, err1 := strconv.ParseFloat(f[0], 64)
					lon, err2 := strconv.ParseFloat(f[1], 64)
					if err1 != nil || err2 != nil {
						return nil, nil, bad(pos, "pos must be two numbers: latitude longitude")
					}
					loc.Lat, loc.Lon, loc.HasPoint = lat, lon, true
				}
			}
		}
		p.Locations = append(p.Locations, loc)
	}
	for _, sec := range a.all("sector") {
		code := sec.attr("code")
		switch sec.attr("vocabulary") {
		case "", "1":
			if !s.cl.Sector.Has(code) {
				return nil, nil, bad(sec, fmt.Sprintf("code %q is not in the Sector (DAC 5-digit) codelist", code))
			}
			p.Sectors = append(p.Sectors, code)
		case "99":
			if sec.attr("vocabulary-uri") == AcquisVocabularyURI {
				n, err := strconv.Atoi(code)
				if err != nil || n < 0 || n > 35 {
					return nil, nil, bad(sec, fmt.Sprintf("EU acquis chapter %q must be 0-35", code))
				}
				p.Acquis = append(p.Acquis, n)
			}
		}
	}
	for _, t := range a.all("tag") {
		if t.attr("vocabulary") == "2" {
			if !s.cl.SDG.Has(t.attr("code")) {
				return nil, nil, bad(t, fmt.Sprintf("code %q is not a sustainable development goal (UNSDG-Goals)", t.attr("code")))
			}
			n, _ := strconv.Atoi(t.attr("code"))
			p.SDGs = append(p.SDGs, n)
		}
	}
	currencyOf := func(v *node) (string, error) {
		c := v.attr("currency")
		if c == "" {
			c = cur
		}
		if c == "" {
			return "", bad(v, "no currency (neither @currency nor the activity's @default-currency)")
		}
		if !s.cl.Currency.Has(c) {
			return "", bad(v, fmt.Sprintf("currency %q is not in the Currency codelist", c))
		}
		if !money.Valid(c) {
			return "", bad(v, fmt.Sprintf("currency %q is not one the platform keeps", c))
		}
		return c, nil
	}
	for _, b := range a.all("budget") {
		if t := b.attr("type"); t == "2" {
			continue // revised budgets: the original is kept
		}
		v := b.first("value")
		if v == nil || b.first("period-start") == nil || b.first("period-end") == nil {
			return nil, nil, bad(b, "budget needs period-start, period-end and value")
		}
		c, err := currencyOf(v)
		if err != nil {
			return nil, nil, err
		}
		amt, err := decimal(v.text.String(), c)
		if err != nil || amt.Minor < 0 {
			return nil, nil, bad(v, fmt.Sprintf("value %q is not a non-negative amount", strings.TrimSpace(v.text.String())))
		}
		if p.Budget.Currency == "" || p.Budget.Currency == c {
			p.Budget.Currency = c
			p.Budget.Minor += amt.Minor
		} else {
			warn = append(warn, fmt.Sprintf("activity %q: budget in %s left out (the budget is kept in %s)", id, c, p.Budget.Currency))
		}
	}
	if p.Budget.Currency == "" {
		p.Budget.Currency = cur
		if p.Budget.Currency == "" || !money.Valid(p.Budget.Currency) {
			p.Budget.Currency = "EUR"
		}
	}
	for _, t := range a.all("transaction") {
		tt := t.first("transaction-type")
		td := t.first("transaction-date")
		v := t.first("value")
		if tt == nil || td == nil || v == nil {
			return nil, nil, bad(t, "transaction needs transaction-type, transaction-date and value")
		}
		if !s.cl.TransactionType.Has(tt.attr("code")) {
			return nil, nil, bad(tt, fmt.Sprintf("code %q is not in the TransactionType codelist", tt.attr("code")))
		}
		if !ValidDate(td.attr("iso-date")) {
			return nil, nil, bad(td, fmt.Sprintf("iso-date %q is not a date", td.attr("iso-date")))
		}
		c, err := currencyOf(v)
		if err != nil {
			return nil, nil, err
		}
		amt, err := decimal(v.text.String(), c)
		if err != nil || amt.Minor < 0 {
			return nil, nil, bad(v, fmt.Sprintf("value %q is not a non-negative amount", strings.TrimSpace(v.text.String())))
		}
		typ, _ := strconv.Atoi(tt.attr("code"))
		p.Transactions = append(p.Transactions, Transaction{Type: typ, Date: td.attr("iso-date"), Amount: amt, Note: firstNarrative(t.first("description"))})
	}
	for _, d := range a.all("document-link") {
		cat := ""
		if c := d.first("category"); c != nil {
			cat = c.attr("code")
			if !s.cl.DocumentCategory.Has(cat) {
				return nil, nil, bad(c, fmt.Sprintf("code %q is not in the DocumentCategory codelist", cat))
			}
		}
		if cat == "A12" {
			cat = ""
		}
		title := firstNarrative(d.first("title"))
		if title == "" {
			title = d.attr("url")
		}
		p.Links = append(p.Links, Link{Title: title, URL: d.attr("url"), Category: cat})
	}
	for _, r := range a.all("related-activity") {
		switch r.attr("type") {
		case "1":
			p.parentRef = r.attr("ref") // looked up when written: the parent may be in the same batch
		case "2":
			p.Kind = KindProgramme
		}
	}
	for _, res := range a.all("result") {
		for _, ind := range res.all("indicator") {
			t := Target{Label: firstNarrative(ind.first("title"))}
			if t.Label == "" {
				continue
			}
			for _, per := range ind.all("period") {
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
			p.Targets = append(p.Targets, t)
		}
	}
	if fe := s.Validate(ctx, p); fe != nil {
		return nil, nil, bad(a, "invalid: "+fe.Error())
	}
	return p, warn, nil
}

// ImportSummary is the outcome of an IATI import.
type ImportSummary struct {
	Activities int
	Created    int
	Updated    int
	Skipped    int
	Reasons    []string // why activities were skipped, and warnings
}

// ImportOptions tune an import.
type ImportOptions struct {
	Actor Actor
	// Progress is called after every activity with the bytes read so far.
	Progress func(activities int, bytes int64)
	// CheckOnly validates without writing.
	CheckOnly bool
}

// importBatch is how many activities the write pass commits together.
const importBatch = 200

// ImportIATI imports an iati-activities 2.03 file in two passes over r:
// first the whole file is checked (well-formed, version 2.03, element order
// and cardinality of every activity, codes against the codelists); a file
// with any error is refused and nothing is written. Then the activities
// are written, matched by iati-identifier: new ones are created, changed
// ones updated, unchanged ones skipped. Transactions: whole activities in
// batches of importBatch per transaction (one commit per activity made
// the import commit-bound at ~400 activities/s); a batch is committed
// entirely or not at all, so an activity is never half-imported, and since
// the file was checked completely first, only a database failure can stop
// the write pass: running the import again completes it (idempotent).
// Memory holds one batch at a time.
func (s *Service) ImportIATI(ctx context.Context, r io.ReadSeeker, o ImportOptions) (ImportSummary, error) {
	var sum ImportSummary
	rd := newReader(r)
	err := eachActivity(ctx, rd, func(a *node) error {
		sum.Activities++
		if _, _, err := s.fromActivity(ctx, a); err != nil {
			return err
		}
		if o.Progress != nil && o.CheckOnly {
			o.Progress(sum.Activities, rd.src.n)
		}
		return nil
	})
	if err != nil || o.CheckOnly {
		return sum, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return sum, fmt.Errorf("projects: import: rewind: %w", err)
	}
	rd = newReader(r)
	n := 0
	var batch []*Project
	inBatch := map[string]bool{}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.writeImported(ctx, o.Actor, batch, &sum); err != nil {
			return err
		}
		batch, inBatch = batch[:0], map[string]bool{}
		if o.Progress != nil {
			o.Progress(n, rd.src.n)
		}
		return nil
	}
	err = eachActivity(ctx, rd, func(a *node) error {
		n++
		p, warn, err := s.fromActivity(ctx, a)
		if err != nil {
			return err
		}
		sum.Reasons = append(sum.Reasons, warn...)
		if inBatch[p.IATIIdentifier] { // the same activity twice: the second updates the first
			if err := flush(); err != nil {
				return err
			}
		}
		batch, inBatch[p.IATIIdentifier] = append(batch, p), true
		if len(batch) >= importBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	return sum, flush()
}

// eachActivity calls fn for every activity rd reads, until the end of the
// file, an error or ctx's end.
func eachActivity(ctx context.Context, rd *reader, fn func(*node) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, err := rd.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
}

// writeImported writes a batch of activities in one transaction and counts
// them in sum only once it is committed.
func (s *Service) writeImported(ctx context.Context, a Actor, batch []*Project, sum *ImportSummary) error {
	var created, updated int
	var skipped, warns []string
	err := s.d.InTx(ctx, func(tx *db.Tx) error {
		created, updated, skipped, warns = 0, 0, nil, nil
		ids := make([]string, len(batch))
		for i, p := range batch {
			ids[i] = p.IATIIdentifier
		}
		olds, err := s.st.byIATIs(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, p := range batch {
			if p.parentRef != "" {
				pub, kind, err := s.st.publicIDKind(ctx, tx, p.parentRef)
				switch {
				case err == nil && kind == KindProgramme:
					p.Programme = pub
				case err == nil || errors.Is(err, refuse.ErrNotFound):
					warns = append(warns, fmt.Sprintf("activity %q: parent %q is not in the registry (yet); link left out", p.IATIIdentifier, p.parentRef))
				default:
					return fmt.Errorf("activity %q: parent: %w", p.IATIIdentifier, err)
				}
			}
			old := olds[p.IATIIdentifier]
			if old == nil {
				if err := s.prepareCreate(ctx, p); err != nil {
					return fmt.Errorf("activity %q: %w", p.IATIIdentifier, err)
				}
				if err := s.createTx(ctx, tx, a, p); err != nil {
					return fmt.Errorf("activity %q: %w", p.IATIIdentifier, err)
				}
				created++
				continue
			}
			mergeImported(old, p)
			if len(Diff(old, p)) == 0 {
				skipped = append(skipped, fmt.Sprintf("activity %q: unchanged", p.IATIIdentifier))
				continue
			}
			if err := s.prepareUpdate(ctx, p); err != nil {
				return fmt.Errorf("activity %q: %w", p.IATIIdentifier, err)
			}
			if err := s.updateTx(ctx, tx, a, old, p, old.Version); err != nil {
				return fmt.Errorf("activity %q: %w", p.IATIIdentifier, err)
			}
			updated++
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.invalidate()
	sum.Created += created
	sum.Updated += updated
	sum.Skipped += len(skipped)
	sum.Reasons = append(sum.Reasons, warns...)
	sum.Reasons = append(sum.Reasons, skipped...)
	return nil
}

// mergeImported keeps in p, re-imported over old, what IATI does not
// carry (milestones, owner, public id, programme, platform organisation
// links).
func mergeImported(old, p *Project) {
	p.PublicID, p.OwnerOrg, p.Milestones = old.PublicID, old.OwnerOrg, old.Milestones
	if p.FundingYear == 0 {
		p.FundingYear = old.FundingYear
	}
	if p.Programme == "" {
		p.Programme = old.Programme
	}
	for i := range p.Orgs {
		for _, oo := range old.Orgs {
			if oo.OrgID != "" && orgKey(oo.Name) == orgKey(p.Orgs[i].Name) {
				p.Orgs[i].OrgID = oo.OrgID
			}
		}
	}
	normalise(p)
}
