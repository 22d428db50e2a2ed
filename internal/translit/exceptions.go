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

var digraphStems = func() []digraphStem {
	out := make([]digraphStem, 0, len(digraphExceptions))
	for _, e := range digraphExceptions {
		i := strings.IndexByte(e, '|')
		out = append(out, digraphStem{stem: e[:i] + e[i+1:], split: i})
	}
	return out
}()

// digraphSplit returns the byte offset in w of the second letter of a
// digraph that the exception list splits, or -1.
func digraphSplit(w string) int {
	if !strings.ContainsAny(w, "jJžŽ") {
		return -1
	}
	for _, off := range [2]int{0, 2} {
		if off == 2 && !hasPrefixFold(w, "ne") {
			break
		}
		for _, d := range digraphStems {
			if hasPrefixFold(w[off:], d.stem) {
				return off + d.split
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

// hasForeignPrefix reports whether w starts with one of foreignPrefixes.
func hasForeignPrefix(w string) bool {
	for _, p := range foreignPrefixes {
		if hasPrefixFold(w, p) {
			return true
		}
	}
	return false
}
