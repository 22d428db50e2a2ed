package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

var placeholderRe = regexp.MustCompile(`\{[a-zA-Z_][a-zA-Z0-9_]*\}`)

func placeholders(m Message) []string {
	seen := map[string]bool{}
	for _, s := range m.Forms() {
		for _, p := range placeholderRe.FindAllString(s, -1) {
			seen[p] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// wantPlural lists the CLDR cardinal categories each locale's plural messages need.
var wantPlural = map[string][]string{
	Bosnian: {"few", "one", "other"}, Croatian: {"few", "one", "other"}, SerbianLatin: {"few", "one", "other"},
	SerbianCyrillic: {"few", "one", "other"}, Macedonian: {"one", "other"}, Albanian: {"one", "other"}, English: {"one", "other"},
}

// TestCatalogueCompleteness fails when a catalogue lacks a key English has,
// has a key English lacks, changes placeholders, or misses plural forms.
func TestCatalogueCompleteness(t *testing.T) {
	t.Parallel()
	c := load(t)
	en := c.Messages(English)
	if len(en) < 50 {
		t.Fatalf("English catalogue has only %d keys", len(en))
	}
	for _, code := range Codes() {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			msgs := c.Messages(code)
			for k, m := range en {
				got, ok := msgs[k]
				if !ok {
					t.Errorf("%s lacks key %q", code, k)
					continue
				}
				if d := cmp.Diff(placeholders(m), placeholders(got)); d != "" {
					t.Errorf("%s %q placeholders differ from English (-en +%s):\n%s", code, k, code, d)
				}
				if m.IsPlural() != got.IsPlural() {
					t.Errorf("%s %q: plural in one catalogue, plain in the other", code, k)
				}
				if got.IsPlural() {
					var cats []string
					for cat := range got.Forms() {
						cats = append(cats, cat)
					}
					sort.Strings(cats)
					if d := cmp.Diff(wantPlural[code], cats); d != "" {
						t.Errorf("%s %q plural categories (-want +got):\n%s", code, k, d)
					}
				}
				if got.Other == "" || (strings.TrimSpace(got.Other) == "" && k != "num.group") {
					t.Errorf("%s %q is empty", code, k)
				}
			}
			for k := range msgs {
				if _, ok := en[k]; !ok {
					t.Errorf("%s has key %q that English lacks", code, k)
				}
			}
		})
	}
}

func TestSerbianCyrillicIsGenerated(t *testing.T) {
	t.Parallel()
	c := load(t)
	cyr := c.Printer(SerbianCyrillic)
	lat := c.Printer(SerbianLatin)
	if got := cyr.T("nav.login"); !regexp.MustCompile(`[\x{0400}-\x{04FF}]`).MatchString(got) {
		t.Errorf("sr-Cyrl nav.login = %q, want Cyrillic", got)
	}
	if lat.T("nav.login") == cyr.T("nav.login") {
		t.Errorf("sr-Latn and sr-Cyrl give the same text %q", lat.T("nav.login"))
	}
	// Placeholders survive transliteration untouched.
	if got := cyr.N("admin.users.count", 3); !strings.Contains(got, "3") || strings.Contains(got, "{") {
		t.Errorf("sr-Cyrl plural = %q", got)
	}
}

func TestPlurals(t *testing.T) {
	t.Parallel()
	c := load(t)
	tests := []struct {
		locale string
		n      int
		want   string
	}{
		{English, 1, "one"}, {English, 2, "other"}, {English, 0, "other"},
		{Bosnian, 1, "one"}, {Bosnian, 21, "one"}, {Bosnian, 2, "few"}, {Bosnian, 24, "few"}, {Bosnian, 5, "other"}, {Bosnian, 11, "other"}, {Bosnian, 12, "other"},
		{Croatian, 3, "few"}, {SerbianLatin, 101, "one"}, {SerbianCyrillic, 22, "few"},
		{Macedonian, 1, "one"}, {Macedonian, 11, "other"}, {Macedonian, 21, "one"},
		{Albanian, 1, "one"}, {Albanian, 2, "other"},
	}
	for _, tc := range tests {
		if got := c.Printer(tc.locale).Category(tc.n); got != tc.want {
			t.Errorf("%s Category(%d) = %s, want %s", tc.locale, tc.n, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	c := load(t)
	d := time.Date(2026, 11, 23, 9, 5, 0, 0, time.UTC)
	tests := []struct {
		locale, got, want string
	}{
		{English, c.Printer(English).Int(1234567), "1,234,567"},
		{Bosnian, c.Printer(Bosnian).Int(1234567), "1.234.567"},
		{Bosnian, c.Printer(Bosnian).Int(1234), "1.234"},
		{English, c.Printer(English).Int(-1234), "−1,234"},
		{Bosnian, c.Printer(Bosnian).Decimal(42632.5, 2), "42.632,50"},
		{English, c.Printer(English).Decimal(0.25, 2), "0.25"},
		{Bosnian, c.Printer(Bosnian).Date(d), "23. novembra 2026."},
		{English, c.Printer(English).Date(d), "23 November 2026"},
		{Bosnian, c.Printer(Bosnian).ShortDate(d), "23. 11. 2026."},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.locale, tc.got, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	c := load(t)
	tests := map[string]string{
		"":                        Default,
		"en-US,en;q=0.9":          English,
		"hr-HR,hr;q=0.9,en;q=0.5": Croatian,
		"sr-Latn-RS":              SerbianLatin,
		"sr-Cyrl":                 SerbianCyrillic,
		"mk":                      Macedonian,
		"sq-AL":                   Albanian,
		"de-DE":                   Default,
		"garbage;;;q=x":           Default,
	}
	for in, want := range tests {
		if got := c.Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFill(t *testing.T) {
	t.Parallel()
	c := load(t)
	p := c.Printer(English)
	if got := p.T("no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key gives %q", got)
	}
	if got := p.N("admin.users.count", 1); got != "1 account" {
		t.Errorf("N(1) = %q", got)
	}
	if got := p.N("admin.users.count", 1200); got != "1,200 accounts" {
		t.Errorf("N(1200) = %q", got)
	}
}

func TestAutonyms(t *testing.T) {
	t.Parallel()
	c := load(t)
	want := map[string]string{SerbianLatin: "Srpski (latinica)", SerbianCyrillic: "Српски (ћирилица)", Macedonian: "Македонски", English: "English"}
	for code, name := range want {
		if got := c.Printer(code).Autonym(); got != name {
			t.Errorf("%s autonym = %q, want %q", code, got, name)
		}
	}
}

func TestCyrillicKeepsNames(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Ocjena ELoGE i anketa FinansirajGO":        "Оцјена ELoGE и анкета FinansirajGO",
		"Preuzmite JSON ili CSV za {count} opština": "Преузмите JSON или CSV за {count} општина",
		"kalendar iCal, šifra JLS":                  "календар iCal, шифра ЈЛС",
	}
	for in, want := range tests {
		if got := toCyrillicKeepingPlaceholders(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}
