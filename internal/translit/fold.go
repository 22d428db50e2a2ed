package translit

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldVersion identifies the fold rule implemented by [Fold], [FoldTokens]
// and [Compact]. Stored keys that were built with another version must be
// rebuilt; bump it whenever a change can alter any key.
const FoldVersion = 1

// Keys is the result of folding one text for search (see
// data/translit/README.md).
type Keys struct {
	// Strict is the strict key S: lowercase tokens joined by single spaces,
	// ASCII for text in the Latin, Cyrillic and Greek scripts, with Serbian
	// đ/ђ kept apart as "dj".
	Strict string
	// Search is the search key L: Strict with "dj" replaced by "d", so that
	// "Đurđevac", "Djurdjevac" and "Durdevac" meet.
	Search string
	// Extra is the index-only key A: the search key computed with
	// Macedonian ѓ/ǵ read as g and ќ/ḱ read as k. It is "" unless the text
	// contains one of those letters (and then it always differs from Search).
	Extra string
}

// Fold folds s into its search keys. The rule, applied to indexed text and
// queries alike, is: NFC; lowercase; per-rune table for Serbian and
// Macedonian Cyrillic, other Cyrillic, Greek and the Latin letters that do
// not decompose (ђ/ѓ/đ/ǵ→dj, ћ/ќ/ḱ→c, ж→z, ч→c, ш→s, џ/ѕ→dz, љ→lj, њ→nj,
// ł→l, æ→ae, ß→ss, ...); NFKD and drop combining marks; "gj"→"dj" and
// "kj"→"c"; split on anything that is not a letter or digit.
//
// Two refinements of the written rule make the key a fixed point of the fold
// and ASCII for every Latin, Cyrillic and Greek letter: the table and the
// lowercasing are applied again to what NFKD produces (so "Ӂ" gives "z",
// not "ж", and "ℌ" gives "h", not "H"). They only change results that the
// literal rule would leave non-ASCII or uppercase.
//
// Fold never panics; invalid UTF-8 bytes are treated as separators.
func Fold(s string) Keys {
	if isKey(s) {
		return Keys{Strict: s, Search: dropDJ(s)}
	}
	var buf [128]byte // the key is built on the stack and copied once
	b, mk := appendStrict(buf[:], s, false, false)
	k := Keys{Strict: string(b)}
	k.Search = dropDJ(k.Strict)
	if mk {
		b, _ = appendStrict(buf[:], s, true, false)
		if a := dropDJ(string(b)); a != k.Search {
			k.Extra = a
		}
	}
	return k
}

// FoldTokens returns the tokens of the search key of s (Keys.Search split on
// spaces), for building queries. It returns nil when s has no tokens.
func FoldTokens(s string) []string {
	l := searchKey(s)
	if l == "" {
		return nil
	}
	return strings.Split(l, " ")
}

// Compact returns the search key of s with the spaces removed, for name
// fields whose spelling varies in word breaks: Compact("Banja Luka") and
// Compact("Banjaluka") are both "banjaluka".
func Compact(s string) string {
	l := searchKey(s)
	if strings.IndexByte(l, ' ') < 0 {
		return l
	}
	b := make([]byte, 0, len(l))
	for i := 0; i < len(l); i++ {
		if l[i] != ' ' {
			b = append(b, l[i])
		}
	}
	return string(b)
}

// isKey reports whether s is its own strict key: tokens of [a-z0-9]
// without "gj" or "kj", joined by single spaces.
func isKey(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	var prev byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			if c == 'j' && (prev == 'g' || prev == 'k') {
				return false
			}
		case c == ' ':
			if prev == ' ' {
				return false
			}
		default:
			return false
		}
		prev = c
	}
	return true
}

// searchKey returns Keys.Search of s without computing the other keys.
func searchKey(s string) string {
	if isKey(s) {
		return dropDJ(s)
	}
	var buf [128]byte
	b, _ := appendStrict(buf[:], s, false, false)
	if i := strings.Index(string(b), "dj"); i >= 0 {
		b = dropDJBytes(b, i)
	}
	return string(b)
}

// dropDJ returns s with every "dj" replaced by "d".
func dropDJ(s string) string {
	i := strings.Index(s, "dj")
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) - 1)
	for {
		b.WriteString(s[:i+1])
		s = s[i+2:]
		if i = strings.Index(s, "dj"); i < 0 {
			break
		}
	}
	b.WriteString(s)
	return b.String()
}

// dropDJBytes replaces, in place, every "dj" at or after i (where b[i:]
// starts with "dj") by "d" and returns the shortened slice.
func dropDJBytes(b []byte, i int) []byte {
	w := i
	for r := i; r < len(b); r++ {
		b[w] = b[r]
		w++
		if b[r] == 'd' && r+1 < len(b) && b[r+1] == 'j' {
			r++
		}
	}
	return b[:w]
}

// asciiClass maps an ASCII byte to its folded form: the lowercase letter or
// the digit, or 0 for a separator.
var asciiClass = func() (t [utf8.RuneSelf]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c)
		t[c-'a'+'A'] = byte(c)
	}
	return t
}()

// The strict key is built in a byte slice by the functions below. A token
// break appends one space at once (none at the start or after another
// space); the caller trims a final space. The "gj"→"dj" and "kj"→"c" rules
// are applied as letters arrive: they only look at the previous byte, which
// is never a space when the rule applies. The functions take and return the
// slice (instead of a pointer to it) so that a stack buffer stays on the
// stack.

// appendASCII appends the folded ASCII letter or digit c.
func appendASCII(b []byte, c byte) []byte {
	if n := len(b); c == 'j' && n > 0 {
		switch b[n-1] {
		case 'g':
			b[n-1] = 'd'
		case 'k':
			b[n-1] = 'c'
			return b
		}
	}
	return append(b, c)
}

// appendBreak records a token break.
func appendBreak(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] != ' ' {
		b = append(b, ' ')
	}
	return b
}

// appendByte appends the ASCII byte c, or a break if it is not a letter or
// digit.
func appendByte(b []byte, c byte) []byte {
	if f := asciiClass[c]; f != 0 {
		return appendASCII(b, f)
	}
	return appendBreak(b)
}

// appendRune appends the non-ASCII rune r, or a break if it is not a letter
// or digit.
func appendRune(b []byte, r rune) []byte {
	if r == utf8.RuneError || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return appendBreak(b)
	}
	return utf8.AppendRune(b, r)
}

// appendPiece appends the already mapped runes of piece.
func appendPiece(b []byte, piece string) []byte {
	for i := 0; i < len(piece); {
		c := piece[i]
		if c < utf8.RuneSelf {
			b = appendByte(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(piece[i:])
		b = appendRune(b, r)
		i += size
	}
	return b
}

// appendPieceBytes is appendPiece for a byte slice.
func appendPieceBytes(b []byte, piece []byte) []byte {
	for i := 0; i < len(piece); {
		c := piece[i]
		if c < utf8.RuneSelf {
			b = appendByte(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(piece[i:])
		b = appendRune(b, r)
		i += size
	}
	return b
}

// Entry kinds of the dense table.
const (
	kindGeneral = iota // piece needs the general feed
	kindWord           // piece is one or more of [a-z0-9]
	kindDrop           // piece is empty: the rune disappears
)

// entry is the precomputed fold of one rune.
type entry struct {
	piece string // mapRune of the rune (non-alternative table)
	kind  uint8
	nfc   bool // the rune may combine with what precedes it under NFC
	mk    bool // ѓ, ќ, ǵ, ḱ (either case): the rune has an alternative reading
}

// Ranges of the dense table: Latin-1 to Cyrillic Supplement, and Latin
// Extended Additional to Letterlike Symbols (with Greek Extended and General
// Punctuation).
const (
	dense1Lo, dense1Hi = 0x80, 0x530
	dense2Lo, dense2Hi = 0x1E00, 0x2150
)

// denseTable is built on first use; init would slow every program that
// merely imports the package.
var denseTable = sync.OnceValue(func() *[dense1Hi - dense1Lo + dense2Hi - dense2Lo]entry {
	var t [dense1Hi - dense1Lo + dense2Hi - dense2Lo]entry
	fill := func(lo, hi rune, off int) {
		for r := lo; r < hi; r++ {
			t[off+int(r-lo)] = makeEntry(r)
		}
	}
	fill(dense1Lo, dense1Hi, 0)
	fill(dense2Lo, dense2Hi, dense1Hi-dense1Lo)
	return &t
})

// makeEntry computes the dense-table entry of r.
func makeEntry(r rune) entry {
	var tmp [64]byte
	e := entry{piece: string(mapRune(tmp[:0], r, false))}
	e.nfc = !nfcBoundaryBefore(r)
	lr := unicode.ToLower(r)
	_, e.mk = altTable[lr]
	switch {
	case e.piece == "":
		e.kind = kindDrop
	case isWord(e.piece):
		e.kind = kindWord
	default:
		e.kind = kindGeneral
	}
	return e
}

// isWord reports whether s consists of [a-z0-9] only.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// nfcBoundaryBefore reports whether r can never combine, under NFC, with
// what precedes it.
func nfcBoundaryBefore(r rune) bool {
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	return norm.NFC.Properties(tmp[:n]).BoundaryBefore()
}

// appendStrict writes the strict key of s into buf[:0] (alt selects the
// Macedonian alternative reading) and reports whether s contains a letter
// with an alternative reading. nfcDone tells that s is known to be NFC.
func appendStrict(buf []byte, s string, alt, nfcDone bool) ([]byte, bool) {
	if len(s) > cap(buf) {
		buf = make([]byte, 0, len(s)) // keys are rarely longer than their text
	}
	b := buf[:0]
	mk := false
	var t *[dense1Hi - dense1Lo + dense2Hi - dense2Lo]entry
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if f := asciiClass[c]; f != 0 {
				b = appendASCII(b, f)
			} else {
				b = appendBreak(b)
			}
			i++
			continue
		}
		var r rune
		var size int
		if 0xC2 <= c && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			// Two-byte sequence (Latin, Greek, Cyrillic), decoded inline.
			r, size = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), 2
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		var e *entry
		switch {
		case r < dense1Hi:
			if t == nil {
				t = denseTable()
			}
			e = &t[r-dense1Lo]
		case dense2Lo <= r && r < dense2Hi:
			if t == nil {
				t = denseTable()
			}
			e = &t[int(r-dense2Lo)+dense1Hi-dense1Lo]
		case r == utf8.RuneError && size == 1:
			b = appendBreak(b) // invalid UTF-8
			i++
			continue
		}
		if e != nil && !e.nfc || e == nil && nfcBoundaryBefore(r) {
			// r starts a new NFC segment.
		} else if !nfcDone {
			nfcDone = true
			if !norm.NFC.IsNormalString(s) {
				return appendStrict(buf, norm.NFC.String(s), alt, true)
			}
		}
		i += size
		if e == nil {
			var tmp [64]byte
			b = appendPieceBytes(b, mapRune(tmp[:0], r, alt))
			continue
		}
		if e.mk {
			mk = true
			if alt {
				b = appendPiece(b, altTable[unicode.ToLower(r)])
				continue
			}
		}
		switch e.kind {
		case kindWord:
			for j := 0; j < len(e.piece); j++ {
				b = appendASCII(b, e.piece[j])
			}
		case kindGeneral:
			b = appendPiece(b, e.piece)
		}
	}
	if n := len(b); n > 0 && b[n-1] == ' ' {
		b = b[:n-1]
	}
	return b, mk
}

// Hangul syllable decomposition constants (Unicode §3.12).
const (
	hangulBase  = 0xAC00
	hangulCount = 11172
	jamoLBase   = 0x1100
	jamoVBase   = 0x1161
	jamoTBase   = 0x11A7
	jamoTCount  = 28
	jamoNCount  = 588
)

// mapRune appends the fold of the single rune r, before tokenisation:
// lowercase, table, NFKD without combining marks, and again lowercase and
// table on what NFKD produced.
func mapRune(dst []byte, r rune, alt bool) []byte {
	r = unicode.ToLower(r)
	if m, ok := lookup(r, alt); ok {
		return append(dst, m...)
	}
	if r < utf8.RuneSelf {
		return append(dst, byte(r))
	}
	if hangulBase <= r && r < hangulBase+hangulCount {
		si := r - hangulBase
		dst = utf8.AppendRune(dst, jamoLBase+si/jamoNCount)
		dst = utf8.AppendRune(dst, jamoVBase+(si%jamoNCount)/jamoTCount)
		if ti := si % jamoTCount; ti != 0 {
			dst = utf8.AppendRune(dst, jamoTBase+ti)
		}
		return dst
	}
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	d := norm.NFKD.Properties(tmp[:n]).Decomposition()
	if d == nil {
		d = tmp[:n]
	}
	for len(d) > 0 {
		c, size := utf8.DecodeRune(d)
		d = d[size:]
		if unicode.IsMark(c) {
			continue
		}
		c = unicode.ToLower(c)
		if m, ok := lookup(c, alt); ok {
			dst = append(dst, m...)
			continue
		}
		dst = utf8.AppendRune(dst, c)
	}
	return dst
}

// lookup returns the table entry of the lowercase rune r.
func lookup(r rune, alt bool) (string, bool) {
	if alt {
		if m, ok := altTable[r]; ok {
			return m, true
		}
	}
	if m, ok := foldTable[r]; ok {
		return m, true
	}
	m, ok := genTable[r]
	return m, ok
}
