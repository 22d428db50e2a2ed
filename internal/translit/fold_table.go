package translit

// altTable holds the alternative (index-only) reading of the Macedonian
// letters that Serbian-Croatian readers may also know as g and k. Keys are
// lowercase.
var altTable = map[rune]string{
	'ѓ': "g", 'ǵ': "g",
	'ќ': "k", 'ḱ': "k",
}

// foldTable is the per-rune table of the fold, keyed by lowercase rune. It
// covers Serbian and Macedonian Cyrillic (the README's table), the other
// Cyrillic alphabets, Greek, and Latin letters that NFKD does not reduce to
// ASCII. Letters with diacritics that NFKD removes need no entry. Entries
// generated for the rarer letters of those scripts are in
// fold_table_gen.go.
var foldTable = map[rune]string{
	// Serbian Cyrillic.
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'ђ': "dj", 'е': "e",
	'ж': "z", 'з': "z", 'и': "i", 'ј': "j", 'к': "k", 'л': "l", 'љ': "lj",
	'м': "m", 'н': "n", 'њ': "nj", 'о': "o", 'п': "p", 'р': "r", 'с': "s",
	'т': "t", 'ћ': "c", 'у': "u", 'ф': "f", 'х': "h", 'ц': "c", 'ч': "c",
	'џ': "dz", 'ш': "s",
	// Macedonian.
	'ѓ': "dj", 'ѕ': "dz", 'ќ': "c",
	// Russian, Ukrainian, Belarusian, Bulgarian (before NFKD, so that
	// й, ё, ї, ў keep their own reading).
	'ё': "e", 'й': "j", 'щ': "sc", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e",
	'ю': "ju", 'я': "ja", 'є': "je", 'і': "i", 'ї': "ji", 'ў': "u", 'ґ': "g",

	// Latin letters the README names.
	'đ': "dj", 'ð': "dj", 'ǵ': "dj", 'ḱ': "c", 'ł': "l", 'ø': "o",
	'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th", 'ı': "i",
	// Other Latin letters of European languages without a decomposition.
	'ħ': "h", 'ŧ': "t", 'ŋ': "n", 'ĸ': "k", 'ŀ': "l", 'ŉ': "n", 'ƒ': "f",
	'ǝ': "e", 'ə': "e", 'ɛ': "e", 'ɔ': "o", 'ƴ': "y", 'ɓ': "b", 'ɗ': "d",
	'ƙ': "k", 'ʒ': "z", 'ʃ': "s", 'ɣ': "g", 'ɨ': "i", 'ʉ': "u", 'ɪ': "i",
	'ʊ': "u", 'ʌ': "a", 'ɑ': "a", 'ɒ': "o", 'ɐ': "a", 'ɲ': "n", 'ɾ': "r",
	'ĳ': "ij", 'ʼ': "",

	// Greek (after NFKD, accents and dialytika are gone).
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i",
	'θ': "th", 'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x",
	'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y",
	'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}
