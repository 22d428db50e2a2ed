package translit

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ASCIIWords folds s to ASCII without losing a letter, for identifiers made
// from names: the words of s in upper case, joined by sep. Cyrillic is
// transliterated with the fold's table (ђ→DJ, ћ→C, ж→Z, љ→LJ, џ→DZ, ѓ→DJ,
// ќ→C), diacritics are dropped (Š→S, Ć→C, Ž→Z) and Đ becomes DJ, so that
// "Abrašević" gives "ABRASEVIC" and "Ђурђевац" "DJURDJEVAC". Unlike [Fold]
// it keeps the letters as written: "gj" and "kj" stay (Albanian "Gjakova"
// is "GJAKOVA"), and it does not depend on [FoldVersion].
//
// ok is false when s has a letter or digit with no ASCII fold (a script
// other than Latin, Cyrillic and Greek); the words returned then lack it.
func ASCIIWords(s string, sep byte) (words string, ok bool) {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	b := make([]byte, 0, len(s))
	ok = true
	brk := func() {
		if n := len(b); n > 0 && b[n-1] != sep {
			b = append(b, sep)
		}
	}
	put := func(c byte) {
		if f := asciiClass[c]; f != 0 {
			b = append(b, byte(unicode.ToUpper(rune(f))))
			return
		}
		brk()
	}
	for _, r := range s {
		if r < utf8.RuneSelf {
			put(byte(r))
			continue
		}
		if r == utf8.RuneError || !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			brk()
			continue
		}
		var tmp [64]byte
		for _, c := range string(mapRune(tmp[:0], r, false)) {
			switch {
			case c < utf8.RuneSelf:
				put(byte(c))
			case unicode.IsLetter(c) || unicode.IsDigit(c):
				ok = false
			}
		}
	}
	if n := len(b); n > 0 && b[n-1] == sep {
		b = b[:n-1]
	}
	return string(b), ok
}
