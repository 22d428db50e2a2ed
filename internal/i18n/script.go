package i18n

import (
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/translit"
)

// Show shows a text that a person wrote (a title, an organisation's name,
// a decision) in the reader's script: Serbian Latin becomes Cyrillic on
// sr-Cyrl pages and Serbian Cyrillic becomes Latin on sr-Latn pages. Text
// in another language is left as written: English or Albanian text is not
// Serbian and must not be transliterated («Trnovo staff project» stays
// Latin), nor Macedonian Cyrillic on a Latin page. Other locales see the
// text as written.
func (p *Printer) Show(s string) string {
	switch p.code {
	case SerbianCyrillic:
		switch translit.Language(s) {
		case translit.LangEnglish, translit.LangAlbanian:
			return s
		}
		return translit.ForScript(s, "Cyrl")
	case SerbianLatin:
		if translit.Language(s) == translit.LangMacedonianCyr {
			return s
		}
		return translit.ToLatin(s)
	}
	return s
}

// ShowIn is Show for a text whose language the author gave (lang, a
// locale code or a plain language code such as "en"); an empty lang
// leaves the guess to Show.
func (p *Printer) ShowIn(s, lang string) string {
	if lang == "" || SameLanguage(lang, p.code) || isSouthSlavic(lang) && isSouthSlavic(p.code) {
		return p.Show(s)
	}
	return s
}

// LangOf is the language tag to mark s with on this page when s is not
// in the page's language ("en" for English text on a Bosnian page, "bs"
// for Bosnian text on an Albanian page), and "" when it is, or when the
// text is too short to tell (a name). Bosnian, Croatian and Serbian text
// counts as the page's language on the pages of all three.
func (p *Printer) LangOf(s string) string {
	switch translit.Language(s) {
	case translit.LangEnglish:
		return other(English, p.code)
	case translit.LangAlbanian:
		return other(Albanian, p.code)
	case translit.LangMacedonianCyr:
		return other(Macedonian, p.code)
	case translit.LangSouthSlavic:
		if isSouthSlavic(p.code) {
			return ""
		}
		return Bosnian
	case translit.LangSerbianCyr:
		if isSouthSlavic(p.code) {
			return ""
		}
		return SerbianCyrillic
	}
	return ""
}

// Foreign reports whether s is, as far as one can tell, in another
// language than the page's (LangOf is not empty).
func (p *Printer) Foreign(s string) bool { return p.LangOf(s) != "" }

// ShowHTML is Show as HTML, inside <span lang="…"> when the text is in
// another language than the page's, so that a screen reader reads it in
// its own language and a check of the page's script counts it apart.
func (p *Printer) ShowHTML(s string) template.HTML {
	out := template.HTMLEscapeString(p.Show(s))
	if l := p.LangOf(s); l != "" {
		return template.HTML(`<span lang="` + l + `">` + out + `</span>`)
	}
	return template.HTML(out)
}

// SameLanguage reports whether two locale or language codes name the same
// language ("sr-Cyrl" and "sr-Latn", "bs" and "bs").
func SameLanguage(a, b string) bool {
	a, _, _ = strings.Cut(a, "-")
	b, _, _ = strings.Cut(b, "-")
	return strings.EqualFold(a, b)
}

func isSouthSlavic(code string) bool {
	switch code {
	case Bosnian, Croatian, SerbianLatin, SerbianCyrillic, "sr", "sh":
		return true
	}
	return false
}

func other(lang, page string) string {
	if SameLanguage(lang, page) {
		return ""
	}
	return lang
}

// Name is a place's name for the reader, from its Latin and Cyrillic
// forms: the locale's own name where the catalogue has one
// ("placename.<Latin name>": the entities, cantons and Brčko District
// have English, Croatian, Macedonian and Albanian names: "Federation of
// Bosnia and Herzegovina", "Županija Posavska"), else the Cyrillic form
// for sr-Cyrl and mk and the Latin form otherwise.
func (p *Printer) Name(latin, cyrillic string) string {
	if m, ok := p.msgs["placename."+latin]; ok && m.Other != "" {
		return m.Other
	}
	if p.code == SerbianCyrillic || p.code == Macedonian {
		if cyrillic != "" {
			return cyrillic
		}
		return p.Show(latin)
	}
	return latin
}

// MonthYear formats a month of a year in the locale's numeric form
// ("01/2025", "01. 2025."), for periods in tables.
func (p *Printer) MonthYear(y, m int) string {
	return p.T("date.month_year", "m", fmt.Sprintf("%02d", m), "y", strconv.Itoa(y))
}

// DateText formats a date written as ISO 8601 text ("2026-12-07",
// "2026-12", "2026"; a time after the date is dropped) for people: the
// long form with the month's name, the month and year, or the year.
// Text that is not such a date is returned as it is.
func (p *Printer) DateText(s string) string {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	switch len(s) {
	case 10:
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return p.Date(t)
		}
	case 7:
		if t, err := time.Parse("2006-01", s); err == nil {
			return p.MonthYear(t.Year(), int(t.Month()))
		}
	case 4:
		if _, err := strconv.Atoi(s); err == nil {
			return s
		}
	}
	return s
}

// ShortDateText is DateText in the numeric form, for tables.
func (p *Printer) ShortDateText(s string) string {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	if len(s) == 10 {
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return p.ShortDate(t)
		}
	}
	return p.DateText(s)
}

// ShowMarkup is Show for a text already rendered to HTML (minutes
// written in Markdown): the text between the tags is shown in the
// reader's script, the tags and character references are left as they
// are. The language is judged on the whole text.
func (p *Printer) ShowMarkup(h template.HTML) template.HTML {
	s := string(h)
	plain := html.UnescapeString(stripTags(s))
	if p.Show(plain) == plain {
		return h // nothing to convert, or a language that is not converted
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for s != "" {
		i := strings.IndexAny(s, "<&")
		if i < 0 {
			b.WriteString(p.Show(s))
			break
		}
		b.WriteString(p.Show(s[:i]))
		end := byte('>')
		if s[i] == '&' {
			end = ';'
		}
		j := strings.IndexByte(s[i:], end)
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j+1])
		s = s[i+j+1:]
	}
	return template.HTML(b.String())
}

// Zone names a time zone (an IANA name such as "Europe/Sarajevo") for
// people: "vrijeme u Sarajevu", "Sarajevo time"; a zone the catalogue
// does not name is shown by its city.
func (p *Printer) Zone(name string) string {
	if m, ok := p.msgs["zone."+name]; ok {
		return m.Other
	}
	if _, city, ok := strings.Cut(name, "/"); ok {
		return strings.ReplaceAll(city, "_", " ")
	}
	return name
}

var isoDateRe = regexp.MustCompile(`\b(19|20)\d\d-[01]\d-[0-3]\d\b`)

// Dates shows the ISO dates ("2026-06-01") in a line the platform wrote
// for people (a contract's "number start – end", an entry of a history)
// in the locale's numeric form.
func (p *Printer) Dates(s string) string {
	if strings.IndexByte(s, '-') < 0 {
		return s
	}
	return isoDateRe.ReplaceAllStringFunc(s, p.ShortDateText)
}

// Tag names a programme or sector tag (a slug such as "link-za-saradnju")
// for people: the catalogue's name ("tag.<kind>.<slug>": "Link for
// cooperation" in English), else the slug read as words ("Socijalna
// kohezija"), in the reader's script.
func (p *Printer) Tag(kind, slug string) string {
	if m, ok := p.msgs["tag."+kind+"."+slug]; ok {
		return m.Other
	}
	s := strings.ReplaceAll(slug, "-", " ")
	if r, size := utf8.DecodeRuneInString(s); size > 0 {
		s = string(unicode.ToUpper(r)) + s[size:]
	}
	return p.Show(s)
}

// LangAttr is the lang attribute of a text written in lang (a content
// language such as "bs") on this page: "" when the page shows it as its
// own language (Bosnian, Croatian and Serbian text on the pages of all
// three, transliterated on sr-Cyrl), else lang.
func (p *Printer) LangAttr(lang string) string {
	if lang == "" || SameLanguage(lang, p.code) || isSouthSlavic(lang) && isSouthSlavic(p.code) {
		return ""
	}
	return lang
}
