package translit

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"
)

// The generated table is derived from the Unicode character names; rerun
//
//	go test ./internal/translit -run TestGenTable -update
//
// after a Unicode upgrade, review the diff and bump FoldVersion.
var update = flag.Bool("update", false, "rewrite fold_table_gen.go")

const genFile = "fold_table_gen.go"

// genScripts are the scripts whose letters must fold to ASCII.
var genScripts = []*unicode.RangeTable{unicode.Latin, unicode.Cyrillic, unicode.Greek}

// genOverrides fixes what the name heuristic cannot read.
var genOverrides = map[rune]string{
	0x0185: "",    // ƅ LATIN SMALL LETTER TONE SIX
	0x01A8: "",    // ƨ LATIN SMALL LETTER TONE TWO
	0x01BD: "",    // ƽ LATIN SMALL LETTER TONE FIVE
	0x01BB: "",    // ƻ LATIN LETTER TWO WITH STROKE
	0x0264: "o",   // ɤ LATIN SMALL LETTER RAMS HORN
	0x02BE: "",    // ʾ MODIFIER LETTER RIGHT HALF RING
	0x02D0: "",    // ː MODIFIER LETTER TRIANGULAR COLON
	0x02D1: "",    // ˑ MODIFIER LETTER HALF TRIANGULAR COLON
	0x03D7: "kai", // ϗ GREEK KAI SYMBOL
	0x1D24: "",    // ᴤ LATIN LETTER VOICED LARYNGEAL SPIRANT
	0xA67F: "",    // ꙿ CYRILLIC PAYEROK
	0xA78F: "",    // ꞏ LATIN LETTER SINOLOGICAL DOT
	0x214E: "f",   // ⅎ TURNED SMALL F
}

// genDrop are name words that describe a letter's shape or origin.
var genDrop = map[string]bool{
	"SMALL": true, "CAPITAL": true, "LETTER": true, "LIGATURE": true, "SYMBOL": true,
	"EPIGRAPHIC": true, "MODIFIER": true, "TURNED": true, "REVERSED": true,
	"INVERTED": true, "CLOSED": true, "OPEN": true, "SCRIPT": true, "BARRED": true,
	"DOTLESS": true, "SIDEWAYS": true, "DIAERESIZED": true, "LONG": true, "DIGRAPH": true,
	"INSULAR": true, "BROKEN": true, "HALF": true, "TOP": true, "BOTTOM": true,
	"STRETCHED": true, "SQUAT": true, "ROTUNDA": true, "OLD": true, "POLISH": true,
	"ANGLICANA": true, "MIDDLE": true, "SCOTS": true, "SIGMOID": true, "VOLAPUK": true,
	"GLOTTAL": true, "BLACKLETTER": true, "LENIS": true, "VISIGOTHIC": true,
	"TAILLESS": true, "DOUBLE": true, "ARCHAIC": true, "PAMPHYLIAN": true,
	"LUNATE": true, "DOTTED": true, "KOMI": true, "ABKHASIAN": true, "KHAKASSIAN": true,
	"BASHKIR": true, "ALEUT": true, "ROUNDED": true, "LONG-LEGGED": true,
	"NARROW": true, "WIDE": true, "TALL": true, "THREE-LEGGED": true, "UNBLENDED": true,
	"BLENDED": true, "BROAD": true, "MONOGRAPH": true, "NEUTRAL": true, "SOFT": true,
	"MONOCULAR": true, "BINOCULAR": true, "MULTIOCULAR": true, "CROSSED": true,
	"STRAIGHT": true, "ROUND": true, "EGYPTOLOGICAL": true, "LOOP": true,
	"MIDDLE-WELSH": true, "LONGA": true, "STIRRUP": true, "BASELINE": true, "SAKHA": true,
}

// genSilent are name words of letters without a Latin reading.
var genSilent = map[string]bool{
	"CLICK": true, "PERCUSSIVE": true, "STOP": true, "FRICATIVE": true,
	"AIN": true, "SALTILLO": true, "TRESILLO": true, "CUATRILLO": true,
	"SIGN": true, "YER": true, "PALOCHKA": true,
}

// genLatinNames reads the names of Latin letters that are not a plain letter.
var genLatinNames = map[string]string{
	"ALPHA": "a", "BETA": "b", "DELTA": "d", "GAMMA": "g", "IOTA": "i",
	"LAMBDA": "l", "OMEGA": "o", "PHI": "f", "UPSILON": "u", "CHI": "x",
	"SCHWA": "e", "REVERSED-SCHWA": "e", "EZH": "z", "ESH": "s", "ENG": "n",
	"ETH": "d", "THORN": "th", "YOGH": "g", "WYNN": "w", "HENG": "h", "LEZH": "lz",
	"DEZH": "dz", "TESH": "ts", "FENG": "fn", "ALEF": "a", "VEND": "v",
	"OPEN-O": "o", "YAT": "e",
}

// genCyrillicNames reads Cyrillic letter names.
var genCyrillicNames = map[string]string{
	"A": "a", "BE": "b", "VE": "v", "GHE": "g", "DE": "d", "DJE": "dj", "GJE": "dj",
	"IE": "e", "IO": "e", "ZHE": "z", "ZE": "z", "DZE": "dz", "I": "i", "SHORT I": "j",
	"JE": "j", "KA": "k", "EL": "l", "LJE": "lj", "EM": "m", "EN": "n", "NJE": "nj",
	"O": "o", "PE": "p", "ER": "r", "ES": "s", "TE": "t", "TSHE": "c", "KJE": "c",
	"U": "u", "SHORT U": "u", "EF": "f", "HA": "h", "TSE": "c", "CHE": "c", "SHA": "s",
	"DZHE": "dz", "SHCHA": "sc", "YERU": "y", "E": "e", "YU": "ju", "YA": "ja",
	"OMEGA": "o", "YAT": "e", "LITTLE YUS": "e", "BIG YUS": "u", "YUS": "u", "KSI": "ks",
	"PSI": "ps", "FITA": "f", "IZHITSA": "i", "UK": "u", "OT": "ot", "KOPPA": "k",
	"SEMISOFT SIGN": "", "SHHA": "h", "SCHWA": "e", "DZJE": "dz", "ZJE": "z",
	"SJE": "s", "TJE": "t", "LHA": "l", "RHA": "r", "YAE": "ja", "QA": "q", "WE": "w",
	"DZZHE": "dz", "DCHE": "c", "ZEMLYA": "z", "DZELO": "dz", "IOTA": "i", "DJERV": "dj",
	"YN": "n", "DWE": "d", "DZWE": "dz", "ZHWE": "z", "CCHE": "c", "DZZE": "dz",
	"TWE": "t", "TSWE": "c", "TSSE": "c", "TCHE": "c", "HWE": "h", "SHWE": "s",
	"GAMMA": "g", "LAMDA": "l", "PI": "p", "RHO": "r",
}

// genGreekNames reads Greek letter names.
var genGreekNames = map[string]string{
	"ALPHA": "a", "BETA": "v", "GAMMA": "g", "DELTA": "d", "EPSILON": "e", "ZETA": "z",
	"ETA": "i", "THETA": "th", "IOTA": "i", "KAPPA": "k", "LAMDA": "l", "MU": "m",
	"NU": "n", "XI": "x", "OMICRON": "o", "PI": "p", "RHO": "r", "SIGMA": "s",
	"TAU": "t", "UPSILON": "y", "PHI": "f", "CHI": "ch", "PSI": "ps", "OMEGA": "o",
	"HETA": "h", "SAMPI": "ss", "DIGAMMA": "w", "KOPPA": "q", "STIGMA": "st",
	"YOT": "j", "SHO": "sh", "SAN": "s",
}

// nameReading derives an ASCII reading of r from its Unicode name.
func nameReading(r rune) (string, bool) {
	if s, ok := genOverrides[r]; ok {
		return s, true
	}
	name := runenames.Name(r)
	dict, greek := genLatinNames, false
	switch {
	case strings.HasPrefix(name, "CYRILLIC "):
		dict = genCyrillicNames
	case strings.HasPrefix(name, "GREEK "):
		dict, greek = genGreekNames, true
	case strings.HasPrefix(name, "LATIN "), strings.HasPrefix(name, "MODIFIER LETTER "):
	default:
		return "", false
	}
	name = name[strings.IndexByte(name, ' ')+1:]
	for _, sep := range []string{" WITH ", " WITHOUT "} {
		if i := strings.Index(name, sep); i >= 0 {
			name = name[:i]
		}
	}
	var words []string
	iotified := false
	for _, w := range strings.Fields(name) {
		switch {
		case w == "IOTIFIED":
			iotified = true
		case genSilent[w]:
			return "", true
		case !genDrop[w]:
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return "", false
	}
	var out string
	if s, ok := dict[strings.Join(words, " ")]; ok {
		out = s
	} else {
		for _, w := range words {
			switch s, ok := dict[w]; {
			case ok:
				out += s
			case !greek && len(w) <= 3 && isUpperASCII(w):
				out += strings.ToLower(w) // plain letters and Latin abbreviations: "AA", "TH", "CON"
			default:
				return "", false
			}
		}
	}
	if iotified && !strings.HasPrefix(out, "j") {
		out = "j" + out
	}
	return out, true
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// genEntries computes the generated table: every rune left non-ASCII by
// foldTable, lowercasing and NFKD, for the letters of genScripts.
func genEntries(t *testing.T) map[rune]string {
	out := map[rune]string{}
	var missing []string
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsLetter(r) || !unicode.In(r, genScripts...) {
			continue
		}
		lr := unicode.ToLower(r)
		if _, ok := foldTable[lr]; ok {
			continue
		}
		for _, c := range norm.NFKD.String(string(lr)) {
			if unicode.IsMark(c) {
				continue
			}
			c = unicode.ToLower(c)
			if _, ok := foldTable[c]; ok || c < utf8.RuneSelf {
				continue
			}
			if _, ok := out[c]; ok {
				continue
			}
			s, ok := nameReading(c)
			if !ok {
				out[c] = "?"
				missing = append(missing, fmt.Sprintf("%U %s", c, runenames.Name(c)))
				continue
			}
			out[c] = s
		}
	}
	if len(missing) > 0 {
		t.Errorf("no reading for %d runes (add them to genOverrides or the name tables):\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
	return out
}

func genSource(entries map[rune]string) []byte {
	keys := make([]rune, 0, len(entries))
	for r := range entries {
		keys = append(keys, r)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by \"go test -run TestGenTable -update\"; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package translit\n\n")
	fmt.Fprintf(&b, "// genUnicodeVersion is the Unicode version genTable was generated from.\n")
	fmt.Fprintf(&b, "const genUnicodeVersion = %q\n\n", unicode.Version)
	fmt.Fprintf(&b, "// genTable extends foldTable with the rarer letters of the Latin, Cyrillic\n")
	fmt.Fprintf(&b, "// and Greek scripts, read from their Unicode names. Keys are lowercase.\n")
	fmt.Fprintf(&b, "var genTable = map[rune]string{\n")
	for _, r := range keys {
		fmt.Fprintf(&b, "\t0x%04X: %q, // %s\n", r, entries[r], runenames.Name(r))
	}
	fmt.Fprintf(&b, "}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		panic(err)
	}
	return src
}

// TestGenTable checks that fold_table_gen.go matches the Unicode tables of
// the toolchain; with -update it rewrites the file.
func TestGenTable(t *testing.T) {
	t.Parallel()
	want := genSource(genEntries(t))
	if *update {
		if err := os.WriteFile(genFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	olderUnicode(t)
	got, err := os.ReadFile(genFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale (Unicode %s, generated from %s): run go test -run TestGenTable -update, "+
			"review the diff and bump FoldVersion", genFile, unicode.Version, genUnicodeVersion)
	}
}
