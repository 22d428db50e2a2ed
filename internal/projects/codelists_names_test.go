package projects

import (
	"slices"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/translit"
)

var translatedLocales = []string{"bs", "hr", "sr-Latn", "sr-Cyrl", "mk", "sq"}

// TestSectorNamesNeverEnglish: every active DAC 5 code has a name in
// every locale that is not the codelist's English one (its own
// translation or its category's), and the codes of the filter and the
// demo data have their own.
func TestSectorNamesNeverEnglish(t *testing.T) {
	t.Parallel()
	cl, err := LoadCodelists()
	if err != nil {
		t.Fatal(err)
	}
	own := append(slices.Clone(usedSectors), "15130")
	for _, d := range demoDonors {
		own = append(own, d.sectors...)
	}
	for _, loc := range translatedLocales {
		for _, c := range cl.Sector.Active() {
			got := cl.SectorName(c.Code, loc)
			if got == "" || got == c.Code || got == c.Name {
				t.Errorf("SectorName(%s, %s) = %q: no name in the locale", c.Code, loc, got)
			}
			if (loc == "sr-Cyrl" || loc == "mk") && !translit.HasCyrillic(got) {
				t.Errorf("SectorName(%s, %s) = %q is not Cyrillic", c.Code, loc, got)
			}
		}
		for _, c := range own {
			if cl.translated("sector", c, loc) == "" {
				t.Errorf("sector %s has no own name in %s", c, loc)
			}
		}
	}
}

func TestSectorNameFallback(t *testing.T) {
	t.Parallel()
	cl, err := LoadCodelists()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ code, loc, want string }{
		{"15150", "bs", "Demokratsko učešće i civilno društvo"},
		{"15150", "hr", "Demokratsko sudjelovanje i civilno društvo"},
		{"15150", "sr-Cyrl", "Демократско учешће и цивилно друштво"},
		{"15150", "en", "Democratic participation and civil society"},
		// 15111 (public finance management) has no translation of its
		// own: its category, 151, names it.
		{"15111", "bs", "Vlast i civilno društvo, općenito"},
		{"15111", "sq", "Qeverisja dhe shoqëria civile, të përgjithshme"},
		{"15111", "en", "Public finance management (PFM)"},
		{"151", "mk", "Власт и граѓанско општество, општо"},
		{"151", "en", "Government & Civil Society-general"},
		{"99999", "bs", "99999"}, // not a code: shown as it is, never in English
		{"15150", "xx", "Demokratsko učešće i civilno društvo"},
	}
	for _, tt := range tests {
		if got := cl.SectorName(tt.code, tt.loc); got != tt.want {
			t.Errorf("SectorName(%s, %s) = %q, want %q", tt.code, tt.loc, got, tt.want)
		}
	}
}

func TestSDGNames(t *testing.T) {
	t.Parallel()
	cl, err := LoadCodelists()
	if err != nil {
		t.Fatal(err)
	}
	for g := 1; g <= 17; g++ {
		en := cl.SDGName(g, "en")
		if en == "" || strings.HasPrefix(en, "Goal ") {
			t.Errorf("SDGName(%d, en) = %q", g, en)
		}
		for _, loc := range translatedLocales {
			if got := cl.SDGName(g, loc); got == "" || got == en {
				t.Errorf("SDGName(%d, %s) = %q: not translated", g, loc, got)
			}
		}
	}
	if got := cl.SDGName(16, "sr-Cyrl"); !strings.HasPrefix(got, "Промовисати мирољубива") {
		t.Errorf("SDGName(16, sr-Cyrl) = %q", got)
	}
}
