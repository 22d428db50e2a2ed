package places

import (
	"testing"

	"github.com/dijalog/dijalog/internal/i18n"
)

// TestRegionNamesInEveryLocale: the entities, cantons and Brčko District
// have their own names on the English, Croatian, Macedonian and Albanian
// sites ("Federation of Bosnia and Herzegovina", "Una-Sana Canton",
// "Unsko-sanska županija"), Latin on Bosnian and Serbian Latin pages and
// Cyrillic on Serbian Cyrillic pages; the English site never shows a
// canton's Bosnian name.
func TestRegionNamesInEveryLocale(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	regions, err := readCSV("data/regions.csv", []string{"code", "country", "kind", "parent_code", "number", "name_lat", "name_cyr", "lsg_csv_key", "short_names", "other_names"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regions {
		lat, cyr := r["name_lat"], r["name_cyr"]
		if got := cat.Printer(i18n.Bosnian).Name(lat, cyr); got != lat {
			t.Errorf("bs %s: %q, want %q", r["code"], got, lat)
		}
		if got := cat.Printer(i18n.SerbianCyrillic).Name(lat, cyr); got != cyr {
			t.Errorf("sr-Cyrl %s: %q, want %q", r["code"], got, cyr)
		}
		en := cat.Printer(i18n.English).Name(lat, cyr)
		if en == lat && lat != "Republika Srpska" {
			t.Errorf("en %s: %q is the Bosnian name", r["code"], en)
		}
		for _, loc := range []string{i18n.Croatian, i18n.Macedonian, i18n.Albanian} {
			if _, ok := cat.Messages(loc)["placename."+lat]; !ok {
				t.Errorf("%s %s: no name of its own", loc, r["code"])
			}
		}
	}
}
