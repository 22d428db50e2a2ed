package projects

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// iatiSource is what an imported IATI activity carried, kept so that the
// export gives it back: the activity's attributes, every child element as
// a canonical XML fragment (in document order, which is the schema's), and
// a snapshot of the registry's fields as they were imported. On export, an
// element group whose registry fields are unchanged since the import is
// written as it came; a group someone changed since is written from the
// registry's fields (see iatiGroupKeys).
type iatiSource struct {
	Attrs    map[string]string `json:"attrs"`    // of <iati-activity>, canonical names ("xml:lang")
	Elements []iatiElement     `json:"elements"` // the children but iati-identifier
	Snapshot map[string]string `json:"snapshot"` // iatiSnapshot of the project as imported
}

// iatiElement is one child of an activity: its name and canonical XML.
type iatiElement struct {
	Name string `json:"n"`
	XML  string `json:"x"`
}

// iatiGroupKeys are, per child of iati-activity, the fields of
// iatiSnapshot the registry reads from it (a key ending in "." is a
// prefix). An element not listed is kept only as it came.
var iatiGroupKeys = map[string][]string{
	"reporting-org":     {"organisations"},
	"title":             {"title."},
	"description":       {"summary.", "objectives.", "results."},
	"participating-org": {"organisations"},
	"activity-status":   {"status"},
	"activity-date":     {"planned_start", "planned_end", "actual_start", "actual_end", "funding_year"},
	"contact-info":      {"contact", "website"},
	"location":          {"lsgs", "points"},
	"sector":            {"sectors", "acquis"},
	"tag":               {"sdgs"},
	"budget":            {"budget"},
	"transaction":       {"transactions"},
	"document-link":     {"links"},
	"related-activity":  {"programme", "kind"},
	"result":            {"targets"},
}

// iatiSnapshot is the registry's fields of p as the export reads them.
func iatiSnapshot(p *Project) map[string]string {
	m := flatten(p)
	var pts []string
	for _, l := range p.Locations {
		if l.HasPoint {
			pts = append(pts, l.Place+" "+strconv.FormatFloat(l.Lat, 'f', -1, 64)+" "+strconv.FormatFloat(l.Lon, 'f', -1, 64))
		}
	}
	if len(pts) > 0 {
		m["points"] = strings.Join(pts, "; ")
	}
	if p.Kind != "" {
		m["kind"] = p.Kind
	}
	return m
}

// unchanged reports whether the fields element group `name` is made of
// are as imported (always for a group the registry does not read).
func (src *iatiSource) unchanged(name string, now map[string]string) bool {
	for _, k := range iatiGroupKeys[name] {
		if !sameKeys(k, src.Snapshot, now) {
			return false
		}
	}
	return true
}

// sameKeys compares key k (a prefix when it ends in ".") in a and b.
func sameKeys(k string, a, b map[string]string) bool {
	if !strings.HasSuffix(k, ".") {
		return a[k] == b[k]
	}
	for _, m := range []map[string]string{a, b} {
		for x := range m {
			if strings.HasPrefix(x, k) && a[x] != b[x] {
				return false
			}
		}
	}
	return true
}

// allUnchanged reports whether nothing of the project changed since the
// import (then the publisher's last-updated-datetime still holds).
func (src *iatiSource) allUnchanged(now map[string]string) bool {
	if len(src.Snapshot) != len(now) {
		return false
	}
	for k, v := range now {
		if src.Snapshot[k] != v {
			return false
		}
	}
	return true
}

// write writes the kept elements of name.
func (src *iatiSource) write(x *xw, name string) {
	for _, e := range src.Elements {
		if e.Name == name {
			x.s("    " + e.XML + "\n")
		}
	}
}

// sourceOf keeps what activity a carries (see iatiSource); the snapshot
// is taken when the project is written.
func sourceOf(a *node) *iatiSource {
	src := &iatiSource{Attrs: map[string]string{}}
	for _, at := range a.raw {
		if name, ok := attrName(at.Name); ok {
			src.Attrs[name] = at.Value
		}
	}
	for _, c := range a.children {
		if c.name == "iati-identifier" {
			continue
		}
		var b strings.Builder
		canonical(&b, c, "")
		src.Elements = append(src.Elements, iatiElement{Name: elementKey(c), XML: b.String()})
	}
	return src
}

// elementKey names a kept element: its name, "{namespace}name" for an
// extension's.
func elementKey(n *node) string {
	if n.space != "" {
		return "{" + n.space + "}" + n.name
	}
	return n.name
}

// writeExtensions writes the kept elements of extensions (they close the
// activity, as the schema's xsd:any does).
func (src *iatiSource) writeExtensions(x *xw) {
	for _, e := range src.Elements {
		if strings.HasPrefix(e.Name, "{") {
			x.s("    " + e.XML + "\n")
		}
	}
}

// marshal is the source as stored.
func (src *iatiSource) marshal() (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // XML inside: keep "<" readable and short
	if err := enc.Encode(src); err != nil {
		return "", fmt.Errorf("projects: iati source: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// attrName is the canonical name of an attribute in no namespace or the
// XML namespace; false for namespace declarations and other namespaces
// (canonical writes those itself).
func attrName(n xml.Name) (string, bool) {
	switch {
	case n.Space == "" && n.Local != "xmlns":
		return n.Local, true
	case n.Space == "xml" || n.Space == xmlNS:
		return "xml:" + n.Local, true
	}
	return "", false
}

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// canonical writes n as canonical XML: attributes sorted, namespaces
// declared where they change (an element of another namespace, as IATI
// extensions are, keeps it), text escaped, whitespace between child
// elements dropped.
func canonical(b *strings.Builder, n *node, space string) {
	b.WriteString("<" + n.name)
	if n.space != space {
		b.WriteString(` xmlns="` + esc(n.space) + `"`)
	}
	canonicalAttrs(b, n)
	text := n.text.String()
	if len(n.children) > 0 {
		text = strings.TrimSpace(text)
	}
	if text == "" && len(n.children) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	_ = xml.EscapeText(b, []byte(text))
	for _, c := range n.children {
		canonical(b, c, n.space)
	}
	b.WriteString("</" + n.name + ">")
}

// canonicalAttrs writes n's attributes sorted by name; one of another
// namespace gets a prefix declared on the element.
func canonicalAttrs(b *strings.Builder, n *node) {
	type kv struct{ k, v string }
	var as []kv
	spaces := map[string]string{}
	for _, at := range n.raw {
		if name, ok := attrName(at.Name); ok {
			as = append(as, kv{name, at.Value})
			continue
		}
		if at.Name.Space == "xmlns" || at.Name.Space == "" {
			continue // declarations: written where needed
		}
		p, ok := spaces[at.Name.Space]
		if !ok {
			p = "ns" + strconv.Itoa(len(spaces)+1)
			spaces[at.Name.Space] = p
			as = append(as, kv{"xmlns:" + p, at.Name.Space})
		}
		as = append(as, kv{p + ":" + at.Name.Local, at.Value})
	}
	sort.Slice(as, func(i, j int) bool { return as[i].k < as[j].k })
	for _, a := range as {
		b.WriteString(attr(a.k, a.v))
	}
}
