package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestOneWordPerIdea: each locale says one thing one way (issue 16):
// Bosnian says "općina" and "račun", Serbian "opština", "nalog" and the
// ekavian forms, Croatian "općina" and "kamo"; the question of the money
// pages is asked with one word per locale; and no word begins with a
// doubled letter ("Ssprovodi") in the South-Slavic catalogues (Albanian
// has ll and rr).
func TestOneWordPerIdea(t *testing.T) {
	t.Parallel()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	avoid := map[string][]string{
		Bosnian:      {"opštin", "Opštin", "nalogom", "nalog ", "Kamo ", "Gdje ide", "Gdje je otišao", "Gde "},
		Croatian:     {"opštin", "Opštin", "opčin", "nalog ", "Kuda ", "Gdje ide", "Gde ", "projekat "},
		SerbianLatin: {"općin", "Općin", "Gdje", "gdje", "Kamo ", "mjest", "Mjest", "projekt "},
	}
	doubled := regexp.MustCompile(`(?:^|[^\p{L}])(\p{Ll}|\p{Lu})(\p{Ll}|\p{Lu})\p{Ll}`)
	for loc, words := range avoid {
		msgs := c.Messages(loc)
		keys := make([]string, 0, len(msgs))
		for k := range msgs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, form := range msgs[k].Forms() {
				for _, w := range words {
					if strings.Contains(form, w) {
						t.Errorf("%s %s says %q (the catalogue's word for this is another): %q", loc, k, w, form)
					}
				}
				for _, m := range doubled.FindAllStringSubmatch(form, -1) {
					if strings.EqualFold(m[1], m[2]) {
						t.Errorf("%s %s: a word begins with a doubled letter (typo?): %q", loc, k, form)
					}
				}
			}
		}
	}
}
