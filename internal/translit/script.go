package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cyrToLat maps U+0400..U+045F to Serbian Latin; "" leaves the rune as it
// is (letters outside the Serbian alphabet, such as Macedonian ѓ or Russian
// я, are not guessed at). The uppercase digraph letters Љ, Њ, Џ are
// resolved by [digraphCase].
var cyrToLat = [0x60]string{
	0x00: "È", 0x02: "Đ", 0x08: "J", 0x09: "LJ", 0x0A: "NJ", 0x0B: "Ć", 0x0D: "Ì", 0x0F: "DŽ",
	0x10: "A", 0x11: "B", 0x12: "V", 0x13: "G", 0x14: "D", 0x15: "E", 0x16: "Ž", 0x17: "Z",
	0x18: "I", 0x1A: "K", 0x1B: "L", 0x1C: "M", 0x1D: "N", 0x1E: "O", 0x1F: "P",
	0x20: "R", 0x21: "S", 0x22: "T", 0x23: "U", 0x24: "F", 0x25: "H", 0x26: "C", 0x27: "Č",
	0x28: "Š",
	0x30: "a", 0x31: "b", 0x32: "v", 0x33: "g", 0x34: "d", 0x35: "e", 0x36: "ž", 0x37: "z",
	0x38: "i", 0x3A: "k", 0x3B: "l", 0x3C: "m", 0x3D: "n", 0x3E: "o", 0x3F: "p",
	0x40: "r", 0x41: "s", 0x42: "t", 0x43: "u", 0x44: "f", 0x45: "h", 0x46: "c", 0x47: "č",
	0x48: "š",
	0x50: "è", 0x52: "đ", 0x58: "j", 0x59: "lj", 0x5A: "nj", 0x5B: "ć", 0x5D: "ì", 0x5F: "dž",
}

// HasCyrillic reports whether s contains a letter or mark of the Cyrillic
// script.
func HasCyrillic(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if 0xD0 <= c && c <= 0xD3 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 { // U+0400..U+04FF
			return true
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x500 && unicode.Is(unicode.Cyrillic, r) {
			return true
		}
		i += size
	}
	return false
}

// ToLatin converts Serbian Cyrillic in s to Serbian Latin, letter by letter
// (exact and reversible up to the digraphs). Љ, Њ and Џ become Lj, Nj, Dž
// before a lowercase letter or standing alone, and LJ, NJ, DŽ in an
// all-capitals word (ЉУБЉАНА → LJUBLJANA, Љубиша → Ljubiša, Љ → Lj). Text
// in other scripts, and Cyrillic letters outside the Serbian alphabet, are
// left as they are. s is returned unchanged, without copying, when it holds
// no Cyrillic.
func ToLatin(s string) string {
	i := 0
	for i < len(s) && !(0xD0 <= s[i] && s[i] <= 0xD1) { // U+0400..U+047F
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c != 0xD0 && c != 0xD1 {
			j := i + 1
			for j < len(s) && s[j] != 0xD0 && s[j] != 0xD1 {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x400 || r >= 0x460 || cyrToLat[r-0x400] == "" {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		m := cyrToLat[r-0x400]
		if (r == 'Љ' || r == 'Њ' || r == 'Џ') && !digraphUpper(s, i, size) {
			m = digraphTitle[r-'Љ']
		}
		b.WriteString(m)
		i += size
	}
	return b.String()
}

// digraphTitle holds the title-case Latin of Љ, Њ and Џ, indexed by the
// rune minus 'Љ'.
var digraphTitle = [...]string{0: "Lj", 'Њ' - 'Љ': "Nj", 'Џ' - 'Љ': "Dž"}

// digraphUpper reports whether the uppercase digraph letter at s[i:i+size]
// is written in full capitals: it is followed by an uppercase letter, or it
// ends a word whose previous letter is uppercase.
func digraphUpper(s string, i, size int) bool {
	if next, _ := utf8.DecodeRuneInString(s[i+size:]); unicode.IsLetter(next) {
		return unicode.IsUpper(next)
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsUpper(prev)
}

// latToCyr maps Serbian Latin letters (other than the digraphs) to
// Cyrillic.
var latToCyr = map[rune]rune{
	'A': 'А', 'B': 'Б', 'C': 'Ц', 'Č': 'Ч', 'Ć': 'Ћ', 'D': 'Д', 'Đ': 'Ђ', 'E': 'Е',
	'F': 'Ф', 'G': 'Г', 'H': 'Х', 'I': 'И', 'J': 'Ј', 'K': 'К', 'L': 'Л', 'M': 'М',
	'N': 'Н', 'O': 'О', 'P': 'П', 'R': 'Р', 'S': 'С', 'Š': 'Ш', 'T': 'Т', 'U': 'У',
	'V': 'В', 'Z': 'З', 'Ž': 'Ж',
	'a': 'а', 'b': 'б', 'c': 'ц', 'č': 'ч', 'ć': 'ћ', 'd': 'д', 'đ': 'ђ', 'e': 'е',
	'f': 'ф', 'g': 'г', 'h': 'х', 'i': 'и', 'j': 'ј', 'k': 'к', 'l': 'л', 'm': 'м',
	'n': 'н', 'o': 'о', 'p': 'п', 'r': 'р', 's': 'с', 'š': 'ш', 't': 'т', 'u': 'у',
	'v': 'в', 'z': 'з', 'ž': 'ж',
	'Ð': 'Ђ', // eth, often typed for Đ
	'Ǆ': 'Џ', 'ǅ': 'Џ', 'ǆ': 'џ', 'Ǉ': 'Љ', 'ǈ': 'Љ', 'ǉ': 'љ', 'Ǌ': 'Њ', 'ǋ': 'Њ', 'ǌ': 'њ',
}

// asciiToCyr is latToCyr for ASCII, as UTF-8 strings.
var asciiToCyr = func() (t [utf8.RuneSelf]string) {
	for c := rune(0); c < utf8.RuneSelf; c++ {
		if r, ok := latToCyr[c]; ok {
			t[c] = string(r)
		}
	}
	return t
}()

const zwnj = '\u200C' // zero-width non-joiner: "n\u200Cj" is н+ј, not њ

// ToCyrillic converts Serbian Latin in s to Serbian Cyrillic. It leaves as
// they are: URLs, e-mail addresses, domain names and @handles; words
// (hyphenated compounds count as one word) that contain q, w, x, y or
// another letter outside the Serbian Latin alphabet; Roman numerals such as
// "XXI" or "III" written in capitals; a short list of international names
// such as "Facebook". The digraphs lj, nj, dž become љ, њ, џ except in the
// words of the exception list (nadživeti → надживети, injekcija →
// инјекција, Tanjug → Танјуг), or where a zero-width non-joiner separates
// the two letters. "dj" is left as дј: it is not a reliable spelling of đ.
// Cyrillic and other text is left as it is.
func ToCyrillic(s string) string {
	if !hasLatinLetter(s) {
		return s
	}
	if hasCombining(s) {
		s = norm.NFC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); {
		// Whitespace is copied; the text between is a chunk.
		if size := spaceAt(s, i); size > 0 {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		j := i + 1
		for j < len(s) && spaceAt(s, j) == 0 {
			j++
		}
		chunk := s[i:j]
		i = j
		if keepChunk(chunk) {
			b.WriteString(chunk)
			continue
		}
		chunkToCyrillic(&b, chunk)
	}
	return b.String()
}

// spaceAt returns the length of the white space rune at s[i:], or 0.
func spaceAt(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		if c == ' ' || '\t' <= c && c <= '\r' {
			return 1
		}
		return 0
	}
	if c < 0xC2 {
		return 0 // a continuation byte or invalid
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if unicode.IsSpace(r) {
		return size
	}
	return 0
}

// hasLatinLetter reports whether s may contain something to convert.
func hasLatinLetter(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiToCyr[c] != "" {
				return true
			}
			i++
			continue
		}
		if 0xCD <= c && c <= 0xD4 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 { // U+0340..U+053F: Greek, Cyrillic
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.Is(unicode.Latin, r) {
			return true
		}
		i += size
	}
	return false
}

// hasCombining reports whether s contains a combining diacritic of
// U+0300..U+036F, which NFC may fold into a letter (z + caron → ž).
func hasCombining(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if c := s[i]; c == 0xCC || c == 0xCD && s[i+1] <= 0xAF {
			return true
		}
	}
	return false
}

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r] != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isJoiner reports whether r joins two word parts into one word
// ("Wi-Fi", "O'Neil").
func isJoiner(r rune) bool {
	return r == '-' || r == '\'' || r == '’' || r == zwnj || r == '\u2011'
}

// chunkToCyrillic converts the words of a whitespace-free chunk.
func chunkToCyrillic(b *strings.Builder, chunk string) {
	for i := 0; i < len(chunk); {
		r, size := utf8.DecodeRuneInString(chunk[i:])
		if !isWordRune(r) {
			b.WriteString(chunk[i : i+size])
			i += size
			continue
		}
		// A word runs over word runes, and over joiners between them.
		j := i + size
		for j < len(chunk) {
			r, size := utf8.DecodeRuneInString(chunk[j:])
			if isWordRune(r) {
				j += size
				continue
			}
			if isJoiner(r) && j+size < len(chunk) {
				if next, _ := utf8.DecodeRuneInString(chunk[j+size:]); isWordRune(next) {
					j += size
					continue
				}
			}
			break
		}
		word := chunk[i:j]
		i = j
		if keepWord(word) {
			b.WriteString(word)
			continue
		}
		wordToCyrillic(b, word)
	}
}

// wordToCyrillic converts one word, resolving the digraphs.
func wordToCyrillic(b *strings.Builder, w string) {
	split := digraphSplit(w)
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRuneInString(w[i:])
		next := i + size
		switch r {
		case 'l', 'L', 'n', 'N':
			if next < len(w) && next != split {
				if c := w[next]; c == 'j' || c == 'J' && (r == 'L' || r == 'N') {
					b.WriteRune(digraphCyr(r))
					i = next + 1
					continue
				}
			}
		case 'd', 'D':
			if next < len(w) && next != split {
				if n, nsize := utf8.DecodeRuneInString(w[next:]); n == 'ž' || n == 'Ž' && r == 'D' {
					b.WriteRune(digraphCyr(r))
					i = next + nsize
					continue
				}
			}
		case zwnj:
			// Dropped between the two letters of a digraph it splits.
			if i > 0 && next < len(w) && strings.ContainsRune("lLnNdD", rune(w[i-1])) {
				if n, _ := utf8.DecodeRuneInString(w[next:]); n == 'j' || n == 'J' || n == 'ž' || n == 'Ž' {
					i = next
					continue
				}
			}
		}
		if r < utf8.RuneSelf {
			if c := asciiToCyr[r]; c != "" {
				b.WriteString(c)
			} else {
				b.WriteByte(byte(r))
			}
		} else if c, ok := latToCyr[r]; ok {
			b.WriteRune(c)
		} else {
			b.WriteString(w[i:next])
		}
		i = next
	}
}

// digraphCyr returns the Cyrillic letter for the digraph starting with r.
func digraphCyr(r rune) rune {
	switch r {
	case 'l':
		return 'љ'
	case 'L':
		return 'Љ'
	case 'n':
		return 'њ'
	case 'N':
		return 'Њ'
	case 'd':
		return 'џ'
	}
	return 'Џ'
}

// keepWord reports whether the word w is left in Latin.
func keepWord(w string) bool {
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			switch c | 0x20 {
			case 'q', 'w', 'x', 'y':
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		if _, ok := latToCyr[r]; !ok && unicode.Is(unicode.Latin, r) {
			return true // a letter of another Latin alphabet: ä, é, ø, ...
		}
		i += size
	}
	return isRomanNumeral(w) || hasForeignPrefix(w)
}

// keepChunk reports whether a whitespace-free chunk is a URL, an e-mail
// address, a domain name or a handle, to be left as it is.
func keepChunk(c string) bool {
	plain := true // the common case: a plain word
	for i := 0; i < len(c) && plain; i++ {
		plain = c[i] != ':' && c[i] != '@' && c[i] != '.'
	}
	if plain {
		return false
	}
	c = strings.TrimLeft(c, "([{<\"'«»„“”‘’")
	c = strings.TrimRight(c, ".,;:!?)]}>\"'«»“”‘’")
	if c == "" {
		return false
	}
	if strings.Contains(c, "://") || hasPrefixFold(c, "www.") || hasPrefixFold(c, "mailto:") {
		return true
	}
	if at := strings.IndexByte(c, '@'); at == 0 {
		return len(c) > 1 // @handle
	} else if at > 0 {
		return isDomain(c[at+1:], false)
	}
	return isDomain(c, true)
}

// knownTLDs are the top-level domains recognised in bare domain names
// ("opstina.ba") in running text.
var knownTLDs = []string{
	"ba", "rs", "me", "hr", "mk", "si", "al", "eu", "com", "org", "net", "info",
	"io", "gov", "edu", "int", "de", "at", "ch", "uk", "fr", "it",
}

// isDomain reports whether s is a domain name, optionally followed by a
// port or path. With needTLD the last label must be one of knownTLDs.
func isDomain(s string, needTLD bool) bool {
	if i := strings.IndexAny(s, "/:?#"); i >= 0 {
		s = s[:i]
	}
	labels := 0
	last := ""
	for part := range strings.SplitSeq(s, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
		labels++
		last = part
	}
	if labels < 2 {
		return false
	}
	if !needTLD {
		return true
	}
	for _, t := range knownTLDs {
		if strings.EqualFold(last, t) {
			return true
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// isRomanNumeral reports whether w is a Roman numeral of two or more
// capitals that is not also a common Serbian word in capitals (MI, VI, LI,
// DIV).
func isRomanNumeral(w string) bool {
	if len(w) < 2 {
		return false
	}
	switch w {
	case "MI", "VI", "LI", "DIV", "CD":
		return false
	}
	// M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})
	rest := w
	for n := 0; n < 3 && strings.HasPrefix(rest, "M"); n++ {
		rest = rest[1:]
	}
	for _, u := range [3]string{"MDC", "CLX", "XVI"} {
		one, five, ten := u[2], u[1], u[0]
		switch {
		case len(rest) >= 2 && rest[0] == one && (rest[1] == ten || rest[1] == five):
			rest = rest[2:]
		default:
			if len(rest) > 0 && rest[0] == five {
				rest = rest[1:]
			}
			for n := 0; n < 3 && len(rest) > 0 && rest[0] == one; n++ {
				rest = rest[1:]
			}
		}
	}
	return rest == ""
}

// ForScript returns s shown in the reader's Serbian script: for script
// "Cyrl" the Latin text s is converted by [ToCyrillic] (text that already
// contains Cyrillic is left as written, so that Latin words the author
// kept in Cyrillic text stay Latin); for "Latn" s is converted by
// [ToLatin]. Script subtags are matched case-insensitively; other values
// leave s unchanged.
func ForScript(s, script string) string {
	switch {
	case strings.EqualFold(script, "Cyrl"):
		if HasCyrillic(s) {
			return s
		}
		return ToCyrillic(s)
	case strings.EqualFold(script, "Latn"):
		return ToLatin(s)
	}
	return s
}
