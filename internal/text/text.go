// Package text is what every module does with text people write: clean a
// line or a block of it (valid UTF-8, no control or invisible characters),
// and turn Markdown into HTML through the platform's one allow-list. It is
// plumbing: it imports nothing of the project's domains.
package text

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// ContentLangs are the languages articles are written in; Serbian is one
// language ("sr") shown in the reader's script.
var ContentLangs = []string{"bs", "hr", "sr", "mk", "sq", "en"}

// ContentLang maps a page locale to the language of content shown on it.
func ContentLang(locale string) string {
	switch locale {
	case "sr-Latn", "sr-Cyrl":
		return "sr"
	}
	return locale
}

// ValidLang reports whether l is a content language.
func ValidLang(l string) bool {
	for _, c := range ContentLangs {
		if c == l {
			return true
		}
	}
	return false
}

var md = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))

// policy is the one allow-list of HTML that text people write (articles,
// event descriptions, meeting minutes, comments) may become: text
// formatting, lists, quotes, tables and http(s)/mailto links that open
// nothing and carry rel="nofollow noopener". No images, no scripts, no
// styles, no event handlers, no SVG, no iframes.
func policy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "strong", "b", "em", "i", "del", "s", "code", "pre", "blockquote",
		"ul", "ol", "li", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub")
	p.AllowAttrs("scope").OnElements("th")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.AllowElements("a")
	return p
}

var sanitizer = policy()

// invisible are characters used to hide or disguise text: zero-width
// spaces and joiners, bidirectional overrides and isolates, the BOM, soft
// hyphens and tag characters.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2069, r == 0xFEFF, r == 0x00AD, r == 0x180E:
		return true
	case r >= 0xE0000 && r <= 0xE007F:
		return true
	}
	return false
}

// Clean makes a line of text safe to store: valid UTF-8, no control or
// invisible characters, no surrounding space, inner runs of space collapsed.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	for _, r := range s {
		if invisible(r) || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			continue
		}
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// CleanBlock is Clean for multi-line text: it keeps line breaks.
func CleanBlock(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if invisible(r) || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			return -1
		}
		return r
	}, s))
}

// Markdown turns Markdown into sanitised HTML. Raw HTML in the input
// is not rendered (goldmark's default), and the allow-list removes anything
// else that could run.
func Markdown(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return sanitizer.Sanitize("<p>" + escape(src) + "</p>")
	}
	return sanitizer.Sanitize(buf.String())
}

func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// Plain is sanitised HTML as text (for a search index or a feed summary,
// never for display as HTML).
func Plain(h string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRe.ReplaceAllString(h, " "))), " ")
}
