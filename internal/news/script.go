package news

import (
	"regexp"
	"strings"

	"github.com/dijalog/dijalog/internal/translit"
)

// scriptFor shows Serbian text in the script of a Serbian locale; text
// in another language (English, Albanian) is not Serbian and stays as
// written.
func scriptFor(locale, s string) string {
	switch locale {
	case "sr-Cyrl":
		if foreign(s) {
			return s
		}
		return translit.ForScript(s, "Cyrl")
	case "sr-Latn":
		return translit.ForScript(s, "Latn")
	}
	return s
}

var markup = regexp.MustCompile(`<[^>]*>|&[#a-zA-Z0-9]+;`)

// scriptHTML converts only the text of sanitised HTML, never its tags,
// attributes or entities.
func scriptHTML(locale, h string) string {
	if locale != "sr-Cyrl" && locale != "sr-Latn" || locale == "sr-Cyrl" && foreign(markup.ReplaceAllString(h, " ")) {
		return h
	}
	var b strings.Builder
	last := 0
	for _, m := range markup.FindAllStringIndex(h, -1) {
		b.WriteString(scriptFor(locale, h[last:m[0]]))
		b.WriteString(h[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(scriptFor(locale, h[last:]))
	return b.String()
}

// foreign reports text that is English or Albanian, not Serbian.
func foreign(s string) bool {
	switch translit.Language(s) {
	case translit.LangEnglish, translit.LangAlbanian:
		return true
	}
	return false
}
