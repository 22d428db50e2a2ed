package translit

import "strings"

// digraphExceptions lists word beginnings in which lj, nj or dž are two
// letters, not a digraph: mostly a prefix (nad-, pod-, od-, pred-, in-,
// kon-) before ž or j. The bar marks the split. A stem matches at the start
// of a word, also after the negation ne- ("nenadživljiv"). Case is ignored.
//
// Stems are chosen so that they do not catch real digraph words: "od|žal"
// and "od|živ", not "od|ž", because odžak is оџак; "nad|živ", not "nad|ž",
// because nadžak is наџак.
var digraphExceptions = []string{
	// dž → дж
	"nad|živ", "nad|žnj", "nad|žup", "nad|žanr",
	"pod|žanr", "pod|žup", "pod|želu", "pod|žig", "pod|žar", "pod|žnj",
	"od|žal", "od|živ", "od|žubor", "od|žvak", "od|žval",
	"pred|želu", "feld|žand",
	// nj → нј
	"in|jek", "in|jic", "in|jur", "kon|jug", "kon|junk", "tan|jug", "van|jezi",
	"an|jon", "ken|jon",
	// lj → лј: no common Serbian words.
}

// digraphStem is a parsed entry of digraphExceptions.
type digraphStem struct {
	stem  string // without the bar
	split int    // byte offset of the second letter of the digraph
}

// digraphStems indexes digraphExceptions by their first letter.
var digraphStems = func() (t [26][]digraphStem) {
	for _, e := range digraphExceptions {
		i := strings.IndexByte(e, '|')
		t[e[0]-'a'] = append(t[e[0]-'a'], digraphStem{stem: e[:i] + e[i+1:], split: i})
	}
	return t
}()

// firstLetter returns the index of the lowercase ASCII letter that s
// starts with, or -1.
func firstLetter(s string) int {
	if s == "" {
		return -1
	}
	if c := s[0] | 0x20; 'a' <= c && c <= 'z' {
		return int(c - 'a')
	}
	return -1
}

// digraphSplit returns the byte offset in w of the second letter of a
// digraph that the exception list splits, or -1.
func digraphSplit(w string) int {
	for _, off := range [2]int{0, 2} {
		if off == 2 && !hasPrefixFold(w, "ne") {
			break
		}
		if f := firstLetter(w[off:]); f >= 0 {
			for _, d := range digraphStems[f] {
				if hasPrefixFold(w[off:], d.stem) {
					return off + d.split
				}
			}
		}
	}
	return -1
}

// foreignPrefixes are beginnings of international names and words that
// Serbian Cyrillic text keeps in Latin (their spelling does not show them
// as foreign: no q, w, x or y).
var foreignPrefixes = []string{
	"apple", "cookie", "e-mail", "email", "facebook", "github", "gmail", "google",
	"ipad", "iphone", "linkedin", "microsoft", "offline", "online", "podcast",
	"viber", "zoom",
}

// foreignIndex indexes foreignPrefixes by their first letter.
var foreignIndex = func() (t [26][]string) {
	for _, p := range foreignPrefixes {
		t[p[0]-'a'] = append(t[p[0]-'a'], p)
	}
	return t
}()

// hasForeignPrefix reports whether w starts with one of foreignPrefixes.
func hasForeignPrefix(w string) bool {
	if f := firstLetter(w); f >= 0 {
		for _, p := range foreignIndex[f] {
			if hasPrefixFold(w, p) {
				return true
			}
		}
	}
	return false
}
