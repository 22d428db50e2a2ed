package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Languages that [Language] tells apart. South-Slavic Latin text
// (Bosnian, Croatian, Serbian in Latin letters) is one class: the three
// are one language for this purpose, and Serbian Latin is what the
// Cyrillic pages transliterate.
const (
	LangUnknown       = ""        // too little text to tell (a name: "Mostar", "Porticus")
	LangEnglish       = "en"      // "Trnovo staff project"
	LangAlbanian      = "sq"      // "Plani i veprimit të komunës"
	LangSouthSlavic   = "sh"      // Bosnian, Croatian or Serbian in Latin letters
	LangSerbianCyr    = "sr-Cyrl" // Serbian in Cyrillic letters
	LangMacedonianCyr = "mk"      // Macedonian (ѓ, ќ, ѕ, "што", "во")
)

// Language guesses the language of a short text written by a person (a
// project title, an organisation's name, a decision), so that a Serbian
// Cyrillic page transliterates Serbian Latin text but not English or
// Albanian text («Trnovo staff project» must not become «Трново стафф
// пројецт»), and a page can mark text that is not in its language.
//
// It is deliberately simple: each word votes for a language by what only
// that language has (č ć ž š đ and syllabic r for South-Slavic, ë ç dh xh
// gj for Albanian, w, th, ee, -tion, -ing, double consonants for
// English) or by being a common function word of one of them. The text's
// language is the one with the most votes; a tie or no vote is
// LangUnknown, and callers treat an unknown text as written in the
// page's own language (a bare name is shown in the reader's script).
func Language(s string) string {
	var cyr, lat int
	var sh, en, sq, sr, mk int
	forEachWord(s, func(w string) {
		if HasCyrillic(w) {
			cyr++
			switch cyrillicWordLang(w) {
			case LangSerbianCyr:
				sr++
			case LangMacedonianCyr:
				mk++
			}
			return
		}
		lat++
		switch latinWordLang(w) {
		case LangSouthSlavic:
			sh++
		case LangEnglish:
			en++
		case LangAlbanian:
			sq++
		}
	})
	if cyr > lat {
		switch {
		case mk > sr:
			return LangMacedonianCyr
		case sr > mk:
			return LangSerbianCyr
		}
		return LangUnknown
	}
	switch {
	case en > sh && en > sq:
		return LangEnglish
	case sq > sh && sq > en:
		return LangAlbanian
	case sh > en && sh > sq:
		return LangSouthSlavic
	}
	return LangUnknown
}

// forEachWord calls f with each run of letters of s, lowercased.
func forEachWord(s string, f func(w string)) {
	start := -1
	for i, r := range s {
		letter := unicode.IsLetter(r) || unicode.IsMark(r)
		switch {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			f(strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		f(strings.ToLower(s[start:]))
	}
}

// Function words that belong to one language only. Words shared by two
// of them ("a", "to", "on", "me", "do", "si", "te", "ne", "pa", "po",
// "plan", "program") vote for none.
var (
	shWords = wordSet("i u za na je od se da ili sa iz kod su kao koji koja koje kojih koji biti će smo ali ni kroz prema između bez pri nakon nije jer već još samo sve svih ovaj ova ovo taj što kada gdje gde ima imaju bio bila bilo mjesna mesna zajednica općina opština opčina grad udruženje udruga savez fond fondacija fondacije agencija vlada ministarstvo ured kancelarija razvoj razvoja saradnju suradnju suradnja saradnja podrška podrške projekat projekta projekt delegacija ambasada veleposlanstvo evropske europske unije")
	enWords = wordSet("the and of for with by from is are be this that it as at or not we our you your their its will has have was were which who how what when where about into than then also all more new staff project projects support development agency cooperation government policy management rights human basic local public office embassy foundation international network youth women education health water social services training civil society governance democratic democracy meeting action report city municipality municipal council community communities citizens planning budget building capacity environmental environment protection sector strategy general research other services affairs")
	sqWords = wordSet("dhe të për një në nga është janë së kjo ky që edhe por ose nuk kanë ka komuna komunës komunat bashkia bashkisë projekti projektit plani planit veprimit qeverisja qeverisjes vendimi vendim mbështetje zhvillimi zhvillimit shoqëria qytetarët qytetarëve këshilli këshillit")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// latinWordLang is the vote of one lowercase Latin word.
func latinWordLang(w string) string {
	switch {
	case shWords[w]:
		return LangSouthSlavic
	case sqWords[w]:
		return LangAlbanian
	case enWords[w]:
		return LangEnglish
	case strings.ContainsAny(w, "ëç"):
		return LangAlbanian
	case strings.ContainsAny(w, "čćžšđ"):
		return LangSouthSlavic
	}
	if hasAny(w, "dh", "xh", "gj") {
		return LangAlbanian
	}
	if strings.ContainsAny(w, "wq") || hasAny(w, "th", "ee", "oo", "ea", "ou", "ck", "ph", "gh", "tion", "sion") ||
		strings.HasSuffix(w, "ing") || strings.HasSuffix(w, "ct") || hasDouble(w, "bcdfgmpstz") ||
		len(w) > 3 && strings.HasSuffix(w, "y") && !strings.ContainsRune("aeiou", rune(w[len(w)-2])) {
		return LangEnglish
	}
	if hasAny(w, "lj") || hasSyllabicR(w) ||
		hasSuffixAny(w, "ija", "ije", "iji", "iju", "ost", "osti", "nje", "nja", "anju", "ski", "ska", "sko", "ske", "skog", "skih", "ović", "ama", "ima", "ovi", "ova", "ovo", "ovog") {
		return LangSouthSlavic
	}
	return LangUnknown
}

// cyrillicWordLang is the vote of one lowercase Cyrillic word.
func cyrillicWordLang(w string) string {
	switch {
	case strings.ContainsAny(w, "ѓќѕ"):
		return LangMacedonianCyr
	case strings.ContainsAny(w, "ћђ"):
		return LangSerbianCyr
	}
	switch w {
	case "во", "што", "е", "ги", "сме", "нивните", "општината", "проектот":
		return LangMacedonianCyr
	case "у", "је", "из", "који", "која", "које", "пројекат", "општине":
		return LangSerbianCyr
	}
	return LangUnknown
}

func hasAny(w string, subs ...string) bool {
	for _, s := range subs {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

func hasSuffixAny(w string, sufs ...string) bool {
	for _, s := range sufs {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// hasDouble reports whether w has one of letters twice in a row ("staff",
// "programme"); South-Slavic spelling doubles no consonant but in
// compounds such as "najjači" or "oddio".
func hasDouble(w, letters string) bool {
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] && strings.IndexByte(letters, w[i]) >= 0 {
			return true
		}
	}
	return false
}

// hasSyllabicR reports an r between two consonants at the start of a
// word ("trnovo", "srpski", "prvi", "brčko"), which English and Albanian
// spelling do not have.
func hasSyllabicR(w string) bool {
	r0, n0 := utf8.DecodeRuneInString(w)
	if n0 == 0 || isVowel(r0) || r0 == 'r' {
		return false
	}
	rest := w[n0:]
	if !strings.HasPrefix(rest, "r") || len(rest) < 2 {
		return false
	}
	r2, _ := utf8.DecodeRuneInString(rest[1:])
	return unicode.IsLetter(r2) && !isVowel(r2) && r2 != 'y' && r2 != 'r'
}

func isVowel(r rune) bool { return strings.ContainsRune("aeiouëy", r) }
