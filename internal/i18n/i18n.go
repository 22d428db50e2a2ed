// Package i18n holds the message catalogues of the seven locales, CLDR plural
// rules, and number and date formats. The Serbian Cyrillic catalogue is made
// from the Serbian Latin one by transliteration, so the two never drift.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/translit"
	"golang.org/x/text/language"
)

// Catalogue files are named "<area>.<locale>.json" (shell.en.json,
// places.bs.json): each area of the platform keeps its own keys, and a key
// may be defined only once per locale.
//
//go:embed locales/*.json
var catalogFS embed.FS

// Locale codes used in URLs, in the order the language switcher shows them.
const (
	Bosnian         = "bs"
	Croatian        = "hr"
	SerbianLatin    = "sr-Latn"
	SerbianCyrillic = "sr-Cyrl"
	Macedonian      = "mk"
	Albanian        = "sq"
	English         = "en"
	// Default is the locale used when nothing else decides.
	Default = Bosnian
)

// Codes returns the supported locale codes in display order.
func Codes() []string {
	return []string{Bosnian, Croatian, SerbianLatin, SerbianCyrillic, Macedonian, Albanian, English}
}

// Supported reports whether code is one of the seven locales.
func Supported(code string) bool {
	switch code {
	case Bosnian, Croatian, SerbianLatin, SerbianCyrillic, Macedonian, Albanian, English:
		return true
	}
	return false
}

// Message is one catalogue entry: a plain text, or plural forms by CLDR category.
type Message struct {
	Other string
	Zero  string
	One   string
	Two   string
	Few   string
	Many  string
}

// UnmarshalJSON accepts a string or an object of plural forms.
func (m *Message) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		m.Other = s
		return nil
	}
	var forms map[string]string
	if err := json.Unmarshal(b, &forms); err != nil {
		return fmt.Errorf("message must be a string or an object of plural forms: %w", err)
	}
	for k, v := range forms {
		switch k {
		case "zero":
			m.Zero = v
		case "one":
			m.One = v
		case "two":
			m.Two = v
		case "few":
			m.Few = v
		case "many":
			m.Many = v
		case "other":
			m.Other = v
		default:
			return fmt.Errorf("unknown plural category %q", k)
		}
	}
	if m.Other == "" {
		return fmt.Errorf("plural message lacks the \"other\" form")
	}
	return nil
}

// IsPlural reports whether the message has plural forms.
func (m Message) IsPlural() bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// Forms returns the non-empty forms keyed by CLDR category name.
func (m Message) Forms() map[string]string {
	out := map[string]string{"other": m.Other}
	for k, v := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// Catalog holds every locale's messages. It is read-only after Load.
type Catalog struct {
	msgs     map[string]map[string]Message
	printers map[string]*Printer
	matcher  language.Matcher
	tags     []language.Tag
}

// readCatalogue reads one embedded catalogue file.
func readCatalogue(name string) (map[string]Message, error) {
	b, err := fs.ReadFile(catalogFS, name)
	if err != nil {
		return nil, fmt.Errorf("i18n.Load: %w", err)
	}
	var m map[string]Message
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("i18n.Load: catalogue %s: %w", name, err)
	}
	return m, nil
}

// Load reads the embedded catalogues and derives sr-Cyrl from sr-Latn.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]Message{}, printers: map[string]*Printer{}}
	for _, code := range Codes() {
		if code == SerbianCyrillic {
			continue
		}
		files, err := fs.Glob(catalogFS, "locales/*."+code+".json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("i18n.Load: no catalogue files for %s", code)
		}
		all := map[string]Message{}
		for _, f := range files {
			m, err := readCatalogue(f)
			if err != nil {
				return nil, err
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					return nil, fmt.Errorf("i18n.Load: key %q defined twice for %s (again in %s)", k, code, f)
				}
				all[k] = v
			}
		}
		c.msgs[code] = all
	}
	cyr := make(map[string]Message, len(c.msgs[SerbianLatin]))
	for k, m := range c.msgs[SerbianLatin] {
		cyr[k] = Message{
			Other: toCyrillicKeepingPlaceholders(m.Other), Zero: toCyrillicKeepingPlaceholders(m.Zero),
			One: toCyrillicKeepingPlaceholders(m.One), Two: toCyrillicKeepingPlaceholders(m.Two),
			Few: toCyrillicKeepingPlaceholders(m.Few), Many: toCyrillicKeepingPlaceholders(m.Many),
		}
	}
	// A few texts must not be transliterated (the language's own name says
	// "Cyrillic", not "Latin" in Cyrillic letters): *.sr-Cyrl.json overrides.
	over, _ := fs.Glob(catalogFS, "locales/*."+SerbianCyrillic+".json")
	for _, f := range over {
		m, err := readCatalogue(f)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			if _, ok := cyr[k]; !ok {
				return nil, fmt.Errorf("i18n.Load: %s overrides %q, which sr-Latn lacks", f, k)
			}
			cyr[k] = v
		}
	}
	c.msgs[SerbianCyrillic] = cyr
	for _, code := range Codes() {
		tag := language.MustParse(code)
		c.tags = append(c.tags, tag)
		c.printers[code] = &Printer{code: code, msgs: c.msgs[code], en: c.msgs[English]}
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// toCyrillicKeepingPlaceholders transliterates text but not {name}
// placeholders, nor the names and formats that stay in Latin letters in
// Serbian Cyrillic text (JSON, ELoGE, iCal, FinansirajGO).
func toCyrillicKeepingPlaceholders(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(toCyrillicKeepingNames(s))
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(toCyrillicKeepingNames(s))
			break
		}
		b.WriteString(toCyrillicKeepingNames(s[:i]))
		b.WriteString(s[i : i+j+1])
		s = s[i+j+1:]
	}
	return b.String()
}

// toCyrillicKeepingNames transliterates s word by word, leaving words
// that keepLatin names as they are.
func toCyrillicKeepingNames(s string) string {
	var b strings.Builder
	start := 0 // start of the text not yet written
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			j += size
		}
		if keepLatin(s[i:j]) {
			b.WriteString(translit.ToCyrillic(s[start:i]))
			b.WriteString(s[i:j])
			start = j
		}
		i = j
	}
	b.WriteString(translit.ToCyrillic(s[start:]))
	return b.String()
}

// keepLatin reports file formats and standards written in Latin letters in
// any script, and brand names in mixed case (ELoGE, iCal, FinansirajGO).
func keepLatin(w string) bool {
	switch w {
	case "JSON", "GeoJSON", "CSV", "PDF", "HTML", "XML", "API", "URL", "SDG", "IATI", "Atom", "RSS", "SVG", "OpenAPI", "ICS", "Ctrl", "Cmd", "Mac":
		return true
	}
	prevLower := false
	for _, r := range w {
		if prevLower && unicode.IsUpper(r) {
			return true
		}
		prevLower = unicode.IsLower(r)
	}
	return false
}

// Messages returns a copy of one locale's catalogue (for tests and tools).
func (c *Catalog) Messages(code string) map[string]Message {
	out := make(map[string]Message, len(c.msgs[code]))
	for k, v := range c.msgs[code] {
		out[k] = v
	}
	return out
}

// Keys returns the sorted keys of one locale.
func (c *Catalog) Keys(code string) []string {
	keys := make([]string, 0, len(c.msgs[code]))
	for k := range c.msgs[code] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Printer returns the printer of a locale (the default locale when unknown).
func (c *Catalog) Printer(code string) *Printer {
	if p, ok := c.printers[code]; ok {
		return p
	}
	return c.printers[Default]
}

// Match picks the best supported locale for an Accept-Language header.
func (c *Catalog) Match(acceptLanguage string) string {
	if acceptLanguage == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Codes()[idx]
}

// MatchRequest picks the locale for a request without a locale in its URL.
func (c *Catalog) MatchRequest(r *http.Request) string {
	return c.Match(r.Header.Get("Accept-Language"))
}

// Printer formats messages, numbers and dates in one locale.
type Printer struct {
	code string
	msgs map[string]Message
	en   map[string]Message
}

// Code is the locale code ("sr-Cyrl").
func (p *Printer) Code() string { return p.code }

// Script is "Cyrl" for Cyrillic locales and "Latn" otherwise.
func (p *Printer) Script() string {
	if p.code == SerbianCyrillic || p.code == Macedonian {
		return "Cyrl"
	}
	return "Latn"
}

func (p *Printer) lookup(key string) (Message, bool) {
	if m, ok := p.msgs[key]; ok {
		return m, true
	}
	m, ok := p.en[key]
	return m, ok
}

// T returns the message for key with {name} placeholders filled from args,
// given as alternating names and values: T("hello", "name", "Ana").
// An unknown key returns the key itself so that it shows up in tests.
func (p *Printer) T(key string, args ...any) string {
	m, ok := p.lookup(key)
	if !ok {
		return key
	}
	return fill(m.Other, args, p)
}

// N returns the plural form of key for count n, with {count} set to n.
func (p *Printer) N(key string, n int, args ...any) string {
	m, ok := p.lookup(key)
	if !ok {
		return key
	}
	s := m.Other
	switch p.Category(n) {
	case "one":
		s = pick(m.One, s)
	case "few":
		s = pick(m.Few, s)
	}
	return fill(s, append([]any{"count", n}, args...), p)
}

// Category returns the CLDR cardinal plural category of the integer n in
// this locale. The rules are those of CLDR 44 for our seven locales, written
// out because golang.org/x/text carries older data (it still counts
// Macedonian 11 as "one").
func (p *Printer) Category(n int) string {
	i := abs(n)
	switch p.code {
	case Bosnian, Croatian, SerbianLatin, SerbianCyrillic:
		switch {
		case i%10 == 1 && i%100 != 11:
			return "one"
		case i%10 >= 2 && i%10 <= 4 && (i%100 < 12 || i%100 > 14):
			return "few"
		}
	case Macedonian:
		if i%10 == 1 && i%100 != 11 {
			return "one"
		}
	default: // English, Albanian
		if i == 1 {
			return "one"
		}
	}
	return "other"
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func pick(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func fill(s string, args []any, p *Printer) string {
	if len(args) == 0 || strings.IndexByte(s, '{') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		name := s[i+1 : i+j]
		found := false
		for k := 0; k+1 < len(args); k += 2 {
			if n, _ := args[k].(string); n == name {
				v := p.format(args[k+1])
				b.WriteString(v)
				found = true
				// A value that ends with a period (a date "7. 12. 2026.")
				// ends the sentence too: one period, not two.
				if strings.HasSuffix(v, ".") && strings.HasPrefix(s[i+j+1:], ".") {
					s = s[:i+j+1] + s[i+j+2:]
				}
				break
			}
		}
		if !found {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	return b.String()
}

func (p *Printer) format(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return p.Int(int64(x))
	case int64:
		return p.Int(x)
	case float64:
		return p.Decimal(x, 2)
	case time.Time:
		return p.Date(x)
	case template.HTML:
		// A text marked up by ShowHTML: its words, without the
		// <span lang> (the message is escaped as a whole).
		return html.UnescapeString(stripTags(string(x)))
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// Int formats an integer with the locale's grouping separator, from
// four digits on in every locale ("5.000" beside "14.000", not "5000":
// one rule for every amount on a page).
func (p *Printer) Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) >= 4 {
		sep := p.T("num.group")
		var b strings.Builder
		pre := len(s) % 3
		if pre > 0 {
			b.WriteString(s[:pre])
		}
		for i := pre; i < len(s); i += 3 {
			if b.Len() > 0 {
				b.WriteString(sep)
			}
			b.WriteString(s[i : i+3])
		}
		s = b.String()
	}
	if neg {
		return "−" + s
	}
	return s
}

// Decimal formats x with the given number of fraction digits.
func (p *Printer) Decimal(x float64, digits int) string {
	s := strconv.FormatFloat(x, 'f', digits, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(intPart, 10, 64)
	out := p.Int(n)
	if n == 0 && strings.HasPrefix(intPart, "-") {
		out = "−0"
	}
	if frac != "" {
		out += p.T("num.decimal") + frac
	}
	return out
}

// Date formats t (converted to Europe/Sarajevo by the caller's choice of
// zone) as a long date: "23. novembra 2026.", "23 November 2026".
func (p *Printer) Date(t time.Time) string {
	return p.T("date.long", "d", strconv.Itoa(t.Day()), "month", p.T("date.month."+strconv.Itoa(int(t.Month()))), "y", strconv.Itoa(t.Year()))
}

// ShortDate formats t as a numeric date: "23. 11. 2026.", "23/11/2026".
func (p *Printer) ShortDate(t time.Time) string {
	return p.T("date.short", "d", strconv.Itoa(t.Day()), "m", strconv.Itoa(int(t.Month())), "y", strconv.Itoa(t.Year()))
}

// DateTime formats t with hours and minutes.
func (p *Printer) DateTime(t time.Time) string {
	return p.T("date.time", "date", p.ShortDate(t), "time", t.Format("15:04"))
}

// Autonym is the language's own name for the switcher ("Bosanski", "Српски").
func (p *Printer) Autonym() string { return p.T("locale.autonym") }

// stripTags removes the tags of a small HTML text made by ShowHTML.
func stripTags(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		return s
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
