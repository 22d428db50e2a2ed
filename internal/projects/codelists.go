package projects

import (
	"embed"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/translit"
)

//go:embed codelists/*.xml codelists/names.json
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
	// names are the DAC sector and SDG names in bs, hr, sr-Latn, mk and
	// sq (codelists/names.json; English is the codelists' own).
	names codeNames
}

// codeNames are translated names: kind ("sector", "sdg") → code →
// locale → name.
type codeNames map[string]map[string]map[string]string

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
	b, err := codelistFS.ReadFile("codelists/names.json")
	if err != nil {
		return nil, fmt.Errorf("projects: codelist names: %w", err)
	}
	if err := json.Unmarshal(b, &cl.names); err != nil {
		return nil, fmt.Errorf("projects: codelists/names.json: %w", err)
	}
	return &cl, nil
})

// translated is the name of code of kind in locale: sr-Cyrl is made
// from sr-Latn; "" when there is none.
func (cl *Codelists) translated(kind, code, locale string) string {
	if locale == i18n.SerbianCyrillic {
		return translit.ToCyrillic(cl.names[kind][code][i18n.SerbianLatin])
	}
	return cl.names[kind][code][locale]
}

// SectorName is the name of a DAC 5 sector code (or a 3-digit DAC
// category) in the reader's locale. English pages show the codelist's
// name; other locales its translation, else the translation of the
// code's category (its first three digits: "Government & Civil
// Society-general" for an untranslated 151xx code), and never English:
// a code with neither is shown as the code itself.
func (cl *Codelists) SectorName(code, locale string) string {
	if locale == i18n.English {
		if i, ok := cl.Sector.index[code]; ok {
			return cl.Sector.Items[i].Name
		}
		if n := cl.names["category"][code]["en"]; n != "" {
			return n
		}
		if len(code) == 5 {
			if n := cl.names["category"][code[:3]]["en"]; n != "" {
				return n
			}
		}
		return code
	}
	if !i18n.Supported(locale) {
		locale = i18n.Default
	}
	if n := cl.translated("sector", code, locale); n != "" {
		return n
	}
	if len(code) == 5 {
		if n := cl.translated("sector", code[:3], locale); n != "" {
			return n
		}
	}
	return code
}

// SDGName is the name of sustainable development goal g in the reader's
// locale, without the codelist's "Goal 16. " prefix (the UN's own
// wording in each language).
func (cl *Codelists) SDGName(g int, locale string) string {
	code := strconv.Itoa(g)
	if locale != i18n.English {
		if !i18n.Supported(locale) {
			locale = i18n.Default
		}
		if n := cl.translated("sdg", code, locale); n != "" {
			return n
		}
	}
	l := cl.SDG.Label(code)
	if _, rest, ok := strings.Cut(l, ". "); ok && strings.HasPrefix(l, "Goal ") {
		return rest
	}
	return l
}

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
