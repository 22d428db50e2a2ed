package projects

import (
	"embed"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed codelists/*.xml
var codelistFS embed.FS

// Code is one entry of an IATI codelist.
type Code struct {
	Code      string
	Name      string // English name from the codelist
	Withdrawn bool
}

// Codelist is an IATI codelist loaded from codelists/ (see SOURCE.txt).
type Codelist struct {
	Name  string
	Items []Code
	index map[string]int
}

// Has reports whether code is an active (not withdrawn) code of the list.
func (c *Codelist) Has(code string) bool {
	i, ok := c.index[code]
	return ok && !c.Items[i].Withdrawn
}

// Label is the codelist's name of code, or code itself when unknown.
func (c *Codelist) Label(code string) string {
	if i, ok := c.index[code]; ok {
		return c.Items[i].Name
	}
	return code
}

// Active lists the codes that are not withdrawn, in file order.
func (c *Codelist) Active() []Code {
	out := make([]Code, 0, len(c.Items))
	for _, it := range c.Items {
		if !it.Withdrawn {
			out = append(out, it)
		}
	}
	return out
}

type xmlCodelist struct {
	Name  string `xml:"name,attr"`
	Items []struct {
		Status string `xml:"status,attr"`
		Code   string `xml:"code"`
		Names  []struct {
			Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
			Text string `xml:",chardata"`
		} `xml:"name>narrative"`
	} `xml:"codelist-items>codelist-item"`
}

// Codelists are the IATI codelists the registry uses for labels and
// validation. They are read once from the embedded files and never change.
type Codelists struct {
	ActivityStatus, OrganisationRole, TransactionType, DocumentCategory *Codelist
	Sector, SDG, Currency, OrganisationType, Country                    *Codelist
}

var loadCodelists = sync.OnceValues(func() (*Codelists, error) {
	load := func(name string) (*Codelist, error) {
		b, err := codelistFS.ReadFile("codelists/" + name + ".xml")
		if err != nil {
			return nil, err
		}
		var x xmlCodelist
		if err := xml.Unmarshal(b, &x); err != nil {
			return nil, fmt.Errorf("projects: codelist %s: %w", name, err)
		}
		c := &Codelist{Name: x.Name, index: map[string]int{}}
		for _, it := range x.Items {
			name := ""
			for _, n := range it.Names {
				if n.Lang == "" || n.Lang == "en" {
					name = strings.TrimSpace(n.Text)
					break
				}
			}
			c.index[it.Code] = len(c.Items)
			c.Items = append(c.Items, Code{Code: it.Code, Name: name, Withdrawn: it.Status == "withdrawn"})
		}
		return c, nil
	}
	var cl Codelists
	for _, f := range []struct {
		dst  **Codelist
		name string
	}{
		{&cl.ActivityStatus, "ActivityStatus"}, {&cl.OrganisationRole, "OrganisationRole"},
		{&cl.TransactionType, "TransactionType"}, {&cl.DocumentCategory, "DocumentCategory"},
		{&cl.Sector, "Sector"}, {&cl.SDG, "UNSDG-Goals"}, {&cl.Currency, "Currency"},
		{&cl.OrganisationType, "OrganisationType"}, {&cl.Country, "Country"},
	} {
		c, err := load(f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = c
	}
	return &cl, nil
})

// LoadCodelists returns the embedded IATI codelists.
func LoadCodelists() (*Codelists, error) { return loadCodelists() }

// AcquisChapters are the 35 negotiating chapters of the EU acquis (plus
// "Other issues", 0, as the EU's project database uses it).
func AcquisChapters() []int {
	out := make([]int, 36)
	for i := range out {
		out[i] = i
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
