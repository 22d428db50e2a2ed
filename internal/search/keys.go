package search

import (
	"strings"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/translit"
)

// Limits that keep one document's keys bounded.
const (
	maxFieldBytes = 64 << 10 // longer field texts are cut (at a rune boundary)
	maxKeyBytes   = 4 << 10  // stored strict/extra keys per field, for re-ranking
	minTypoTerm   = 4        // shortest vocabulary term kept for typo correction
)

// storedField is a field as written, in search_docs.fields.
type storedField struct {
	Name   string  `json:"n"`
	Text   string  `json:"t"`
	Weight float64 `json:"w"`
	IsName bool    `json:"c,omitempty"`
}

// fieldKeys are the folded keys of one field, in search_docs.keys: the
// strict key S (the search key L is S without "dj") and the extra key A.
type fieldKeys struct {
	Strict string  `json:"s"`
	Extra  string  `json:"a,omitempty"`
	Weight float64 `json:"w"`
	IsName bool    `json:"c,omitempty"`
	// Compact are the compact keys of the lines of a name field.
	Compact []string `json:"p,omitempty"`
}

// docKeys is everything the index stores for one document.
type docKeys struct {
	fields []storedField
	keys   []fieldKeys
	names  string   // FTS column "names": L, A and compact tokens of titles and names
	body   string   // FTS column "body": L and A tokens of the other fields
	terms  []string // vocabulary for typo correction
	script string   // "cyrl" when the title is written in Cyrillic, else "latn"
}

// clip cuts s to at most n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// clean makes s valid UTF-8 (invalid bytes become U+FFFD, a separator for the fold).
func clean(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// isTitle reports whether a field counts as a name for the FTS columns.
func isTitle(f Field) bool { return f.IsName || f.Name == "title" }

// buildKeys folds a document's fields. The title is indexed as a field of
// weight 4 when the document has no field named "title".
func buildKeys(doc Document) docKeys {
	fields := make([]Field, 0, len(doc.Fields)+1)
	hasTitle := false
	for _, f := range doc.Fields {
		hasTitle = hasTitle || f.Name == "title"
	}
	if !hasTitle && doc.Title != "" {
		fields = append(fields, Field{Name: "title", Text: doc.Title, Weight: 4})
	}
	fields = append(fields, doc.Fields...)

	var k docKeys
	var names, body tokenSet
	terms := tokenSet{}
	for _, f := range fields {
		text := clip(clean(f.Text), maxFieldBytes)
		if strings.TrimSpace(text) == "" {
			continue
		}
		w := f.Weight
		if w <= 0 {
			w = 1
		}
		k.fields = append(k.fields, storedField{Name: f.Name, Text: text, Weight: w, IsName: f.IsName})
		keys := translit.Fold(text)
		fk := fieldKeys{Strict: clip(keys.Strict, maxKeyBytes), Extra: clip(keys.Extra, maxKeyBytes), Weight: w, IsName: f.IsName}
		col := &body
		if isTitle(f) {
			col = &names
		}
		col.addAll(keys.Search)
		col.addAll(keys.Extra)
		vocab := isTitle(f) || w >= 2
		if vocab {
			terms.addAll(keys.Search)
			terms.addAll(keys.Extra)
		}
		if f.IsName {
			for line := range strings.SplitSeq(text, "\n") {
				c := translit.Compact(line)
				if c == "" || strings.IndexByte(translit.Fold(line).Search, ' ') < 0 {
					continue // one word: its compact key is its search key
				}
				fk.Compact = append(fk.Compact, c)
				names.add(c)
				terms.add(c)
			}
		}
		k.keys = append(k.keys, fk)
	}
	k.names = names.String()
	k.body = body.String()
	for _, t := range terms.list {
		if len(t) >= minTypoTerm {
			k.terms = append(k.terms, t)
		}
	}
	k.script = "latn"
	if translit.HasCyrillic(doc.Title) {
		k.script = "cyrl"
	}
	return k
}

// tokenSet collects distinct tokens in order of first appearance.
type tokenSet struct {
	seen map[string]bool
	list []string
}

func (s *tokenSet) add(t string) {
	if t == "" || s.seen[t] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[t] = true
	s.list = append(s.list, t)
}

// addAll adds the space-separated tokens of key.
func (s *tokenSet) addAll(key string) {
	for t := range strings.SplitSeq(key, " ") {
		s.add(t)
	}
}

func (s *tokenSet) String() string { return strings.Join(s.list, " ") }

// searchKey is the search key L of a strict key S: "dj" becomes "d".
func searchKey(strict string) string { return strings.ReplaceAll(strict, "dj", "d") }
