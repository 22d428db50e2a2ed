package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/translit"
)

// Highlighting works on the original text: it is cut into words (runs of
// letters, digits and combining marks) and separators; each word is folded
// on its own and compared with the query's keys; matching words are marked.
// The text shown is always the original's bytes, never a key.

// matcher knows the keys a word may have to count as a match.
type matcher struct {
	exact    map[string]bool // search keys, aliases, corrections, extra keys
	prefixes []string        // the last word and the compact query
	compacts []string        // query words, then the whole query, without spaces
	// wholeCompact: the last of compacts is the whole query (its end is a prefix).
	wholeCompact bool
}

func (p *plan) matcher() *matcher {
	m := &matcher{exact: map[string]bool{}}
	for _, t := range p.terms {
		m.exact[t.word] = true
		for _, a := range t.alts {
			m.exact[a] = true
		}
		for _, a := range t.typos {
			m.exact[a] = true
		}
		if t.prefix {
			m.prefixes = append(m.prefixes, t.word)
		}
		m.compacts = append(m.compacts, t.word) // "banjaluka" marks "Banja Luka"
	}
	for _, ph := range p.phrases {
		for _, w := range ph {
			m.exact[w] = true
		}
	}
	if p.compact != "" {
		m.compacts = append(m.compacts, p.compact)
		m.wholeCompact = true
	}
	return m
}

// word is a word or separator of the original text, by byte offsets.
type word struct {
	start, end int
	isWord     bool
	keys       []string // search and extra keys of the word (words only)
	match      bool
}

// split cuts s into words and separators.
func split(s string) []word {
	var out []word
	start, inWord := 0, false
	for i, r := range s {
		w := r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
		if i == 0 {
			inWord = w
			continue
		}
		if w != inWord {
			out = append(out, word{start: start, end: i, isWord: inWord})
			start, inWord = i, w
		}
	}
	if len(s) > 0 {
		out = append(out, word{start: start, end: len(s), isWord: inWord})
	}
	return out
}

// mark folds the words of s and marks those that match.
func (m *matcher) mark(s string) []word {
	ws := split(s)
	for i := range ws {
		w := &ws[i]
		if !w.isWord {
			continue
		}
		k := translit.Fold(s[w.start:w.end])
		w.keys = strings.Fields(k.Search)
		w.keys = append(w.keys, strings.Fields(k.Extra)...)
		for _, key := range w.keys {
			if m.exact[key] {
				w.match = true
			}
			for _, p := range m.prefixes {
				if strings.HasPrefix(key, p) {
					w.match = true
				}
			}
		}
	}
	// Words in a row that spell a query word or the whole query without
	// spaces ("Banja Luka" for "banjaluka"); the whole query may end in a
	// prefix of the last word.
	for ci, c := range m.compacts {
		prefix := ci == len(m.compacts)-1 && m.wholeCompact
		for i := range ws {
			if !ws[i].isWord || len(ws[i].keys) == 0 {
				continue
			}
			acc := ""
			for j := i; j < len(ws) && j < i+16; j++ {
				if !ws[j].isWord {
					continue
				}
				if len(ws[j].keys) == 0 {
					break
				}
				acc += ws[j].keys[0]
				if len(acc) >= len(c) {
					if j > i && (acc == c || prefix && strings.HasPrefix(acc, c)) {
						for k := i; k <= j; k++ {
							ws[k].match = ws[k].match || ws[k].isWord
						}
					}
					break
				}
				if !strings.HasPrefix(c, acc) {
					break
				}
			}
		}
	}
	return ws
}

// segments returns s as segments with its matching words marked.
func (m *matcher) segments(s string) []Segment {
	ws := m.mark(s)
	return toSegments(s, ws, 0, len(ws))
}

// toSegments joins ws[from:to] into segments, merging neighbours of the
// same kind and collapsing runs of white space.
func toSegments(s string, ws []word, from, to int) []Segment {
	var out []Segment
	for _, w := range ws[from:to] {
		text := s[w.start:w.end]
		if !w.isWord {
			text = collapseSpace(text)
		}
		// A separator between two matches stays unmarked; neighbours merge.
		if n := len(out); n > 0 && out[n-1].Match == w.match {
			out[n-1].Text += text
			continue
		}
		out = append(out, Segment{Text: text, Match: w.match})
	}
	return out
}

// collapseSpace replaces every run of white space in s by one space.
func collapseSpace(s string) string {
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
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
	return b.String()
}

// snippetWords is the length of a snippet in words.
const snippetWords = 28

// snippet picks the field (other than the title) with the most matches and
// returns a window of it around its first match; when no field matches,
// the start of the first field that is not the title.
func (m *matcher) snippet(fields []storedField, title string) []Segment {
	var bestWS []word
	bestText := ""
	bestScore := -1.0
	for _, f := range fields {
		if f.Name == "title" || f.Text == title {
			continue
		}
		ws := m.mark(f.Text)
		n := 0
		for _, w := range ws {
			if w.match {
				n++
			}
		}
		score := float64(n) * f.Weight
		if f.IsName {
			score /= 4 // a list of names makes a poor snippet
		}
		if bestScore < 0 && n == 0 {
			score = 0
		}
		if score > bestScore {
			bestScore, bestWS, bestText = score, ws, f.Text
		}
	}
	if bestWS == nil {
		return nil
	}
	first := -1
	for i, w := range bestWS {
		if w.match {
			first = i
			break
		}
	}
	// Window of snippetWords words (each word is about two entries: word and separator).
	from := 0
	if first > snippetWords/2 {
		from = first - snippetWords/2
	}
	to := min(len(bestWS), from+2*snippetWords)
	for from < to && !bestWS[from].isWord {
		from++
	}
	for to > from && !bestWS[to-1].isWord {
		to--
	}
	if from >= to {
		return nil
	}
	segs := toSegments(bestText, bestWS, from, to)
	if from > 0 {
		segs = append([]Segment{{Text: "… "}}, segs...)
	}
	if to < len(bestWS) {
		segs = append(segs, Segment{Text: " …"})
	}
	return segs
}

// segmentsText joins segments into plain text.
func segmentsText(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}
