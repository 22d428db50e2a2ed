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
	space    string     // namespace URI ("" for IATI's own elements)
	raw      []xml.Attr // as read, for the canonical copy the export gives back
	children []*node
	text     strings.Builder
	line     int
}

// attr is the value of the attribute k in no namespace, or of "xml:k" in
// the XML namespace ("" when absent).
func (n *node) attr(k string) string {
	for _, a := range n.raw {
		if name, ok := attrName(a.Name); ok && name == k {
			return a.Value
		}
	}
	return ""
}

// all are the children called name in no namespace (IATI's elements;
// those of extensions are only kept).
func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name && c.space == "" {
			out = append(out, c)
		}
	}
	return out
}

// first is the first child called name in no namespace.
func (n *node) first(name string) *node {
	for _, c := range n.children {
		if c.name == name && c.space == "" {
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
		return &node{name: t.Name.Local, space: t.Name.Space, raw: t.Attr, line: r.line()}
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
		if c.space != "" {
			i = len(activityOrder) // extensions close the activity (xsd:any ##other)
		}
		if i < 0 {
			return &ImportError{Line: c.line, Activity: idOf(a), Element: c.name, Msg: "element not allowed in <iati-activity> (IATI 2.03)"}
		}
		if i < pos {
			return &ImportError{Line: c.line, Activity: idOf(a), Element: c.name, Msg: fmt.Sprintf("element out of order: <%s> must come before <%s>", c.name, orderName(pos))}
		}
		pos = i
		if c.space == "" {
			seen[c.name]++
		}
	}
	for _, name := range activityOrder {
		if requiredOnce[name] && seen[name] != 1 || requiredMany[name] && seen[name] == 0 {
			return &ImportError{Line: a.line, Activity: idOf(a), Element: name, Msg: "required element missing (or repeated)"}
		}
	}
	return nil
}

// orderName names position i of activityOrder (past its end: extensions).
func orderName(i int) string {
	if i >= len(activityOrder) {
		return "extension elements"
	}
	return activityOrder[i]
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

// ImportSummary is the outcome of an IATI import.
type ImportSummary struct {
	Activities int
	Created    int
	Updated    int
	Skipped    int
	Reasons    []string // why activities were skipped, and the notes as text
	// Notes is the report, element by element, of what the registry's
	// fields did not take from the accepted activities. Nothing of an
	// accepted activity is lost: what a note names stays in the activity's
	// IATI source, and the export gives it back.
	Notes []ImportNote
}

// ImportNote names an element of an accepted activity that the registry's
// fields do not take, and what became of it.
type ImportNote struct {
	Line     int
	Activity string
	Element  string
	Msg      string
}

func (n ImportNote) String() string {
	return (&ImportError{Line: n.Line, Activity: n.Activity, Element: n.Element, Msg: n.Msg}).Error()
}

// noteKept is the note of an element the registry does not show.
const noteKept = "not shown by the registry; kept for the IATI export"

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
		p.iati = sourceOf(a)
		sum.Notes = append(sum.Notes, warn...)
		for _, w := range warn {
			sum.Reasons = append(sum.Reasons, w.String())
		}
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
	var res importResult
	err := s.write(ctx, func(tx *db.Tx) error {
		res = importResult{}
		ids := make([]string, len(batch))
		for i, p := range batch {
			ids[i] = p.IATIIdentifier
		}
		olds, err := s.st.byIATIs(ctx, tx, ids)
		if err != nil {
			return err
		}
		oldIDs := make([]int64, 0, len(olds))
		for _, o := range olds {
			oldIDs = append(oldIDs, o.ID)
		}
		stored, err := s.st.sources(ctx, tx, oldIDs)
		if err != nil {
			return err
		}
		pend := &pending{}
		for _, p := range batch {
			if err := s.resolveParent(ctx, tx, p, &res); err != nil {
				return err
			}
			if err := s.writeOneImported(ctx, tx, a, p, olds[p.IATIIdentifier], stored, &res, pend); err != nil {
				return fmt.Errorf("activity %q: %w", p.IATIIdentifier, err)
			}
		}
		return s.flush(ctx, tx, pend)
	})
	if err != nil {
		return err
	}
	sum.Created += res.created
	sum.Updated += res.updated
	sum.Skipped += len(res.skipped)
	sum.Reasons = append(sum.Reasons, res.warns...)
	sum.Reasons = append(sum.Reasons, res.skipped...)
	return nil
}

// importResult counts what a batch did.
type importResult struct {
	created, updated int
	skipped, warns   []string
}

// resolveParent links p to the programme its parent reference names.
func (s *Service) resolveParent(ctx context.Context, tx *db.Tx, p *Project, res *importResult) error {
	if p.parentRef == "" {
		return nil
	}
	pub, kind, err := s.st.publicIDKind(ctx, tx, p.parentRef)
	switch {
	case err == nil && kind == KindProgramme:
		p.Programme = pub
	case err == nil || errors.Is(err, refuse.ErrNotFound):
		res.warns = append(res.warns, fmt.Sprintf("activity %q: parent %q is not in the registry (yet); link left out", p.IATIIdentifier, p.parentRef))
	default:
		return fmt.Errorf("activity %q: parent: %w", p.IATIIdentifier, err)
	}
	return nil
}

// writeOneImported creates p, or updates old with it, and stores what the
// activity carried; an activity whose fields and source are both as
// stored is skipped.
func (s *Service) writeOneImported(ctx context.Context, tx *db.Tx, a Actor, p, old *Project, stored map[int64]string, res *importResult, pend *pending) error {
	if old == nil {
		if err := s.prepareCreate(ctx, p); err != nil {
			return err
		}
		src, err := p.sourceJSON()
		if err != nil {
			return err
		}
		if err := s.createTx(ctx, tx, a, p, pend); err != nil {
			return err
		}
		res.created++
		pend.sources = append(pend.sources, sourceRow{p.ID, src})
		return nil
	}
	mergeImported(old, p)
	if len(Diff(old, p)) == 0 {
		p.ID = old.ID
		src, err := p.sourceJSON()
		if err != nil || src == stored[old.ID] {
			res.skipped = append(res.skipped, fmt.Sprintf("activity %q: unchanged", p.IATIIdentifier))
			return err
		}
		res.updated++
		return s.st.putSource(ctx, tx, old.ID, src)
	}
	if err := s.prepareUpdate(ctx, p); err != nil {
		return err
	}
	src, err := p.sourceJSON()
	if err != nil {
		return err
	}
	if err := s.updateTx(ctx, tx, a, old, p, old.Version, pend); err != nil {
		return err
	}
	res.updated++
	return s.st.putSource(ctx, tx, p.ID, src)
}

// sourceJSON is p's IATI source with the snapshot of p as it is written.
func (p *Project) sourceJSON() (string, error) {
	if p.iati == nil {
		return "", fmt.Errorf("projects: %q has no IATI source", p.IATIIdentifier)
	}
	p.iati.Snapshot = iatiSnapshot(p)
	return p.iati.marshal()
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
