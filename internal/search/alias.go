package search

import (
	"strings"

	"github.com/dijalog/dijalog/internal/translit"
)

// aliasGroups are names that the fold cannot join: the same place or word
// in another language (data/translit/README.md). Every member is written
// as people write it; the table is folded once. A query word that is a
// member also finds the other members.
var aliasGroups = [][]string{
	// Places of North Macedonia in Macedonian and Albanian (and old names).
	{"Kičevo", "Кичево", "Kërçovë", "Kërçova"},
	{"Skopje", "Скопје", "Shkup", "Shkupi", "Üsküb"},
	{"Tetovo", "Тетово", "Tetovë", "Tetova"},
	{"Gostivar", "Гостивар", "Gostivari"},
	{"Struga", "Струга", "Strugë", "Struga"},
	{"Debar", "Дебар", "Dibër", "Dibra"},
	{"Ohrid", "Охрид", "Ohër", "Ohri"},
	{"Kumanovo", "Куманово", "Kumanovë", "Kumanova"},
	{"Bitola", "Битола", "Manastir", "Manastiri"},
	{"Prilep", "Прилеп", "Përlep", "Perlepi"},
	{"Veles", "Велес", "Qyprili"},
	{"Čair", "Чаир", "Çair"},
	{"Saraj", "Сарај", "Saraji"},
	// Places of Bosnia and Herzegovina with other common names.
	{"Brčko", "Брчко", "Brčko distrikt", "Brcko district"},
	{"Sarajevo", "Сарајево", "Saraybosna"},
	// Words of local government and civil society.
	{"općina", "opština", "општина", "opshtina", "komuna", "komuna", "občina", "municipality"},
	{"grad", "град", "qytet", "qyteti", "city"},
	{"županija", "kanton", "кантон", "canton"},
	{"udruženje", "udruga", "удружење", "здружение", "shoqata", "shoqëria", "association"},
	{"projekat", "projekt", "пројекат", "проект", "projekti", "project"},
	{"mjesna zajednica", "mesna zajednica", "месна заједница", "local community"},
}

// aliases maps a folded member (its search key L) to the folded members of
// its groups.
var aliases = func() map[string][]string {
	m := map[string][]string{}
	for _, g := range aliasGroups {
		var keys []string
		for _, name := range g {
			if k := translit.Fold(name).Search; k != "" && !contains(keys, k) {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			for _, o := range keys {
				if o != k && !contains(m[k], o) {
					m[k] = append(m[k], o)
				}
			}
		}
	}
	return m
}()

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// aliasesOf returns the other names of a one-word query term: the
// one-word members of its groups. Several-word members ("mjesna
// zajednica") are matched as phrases by phraseAliases.
func aliasesOf(term string) []string {
	var out []string
	for _, a := range aliases[term] {
		if strings.IndexByte(a, ' ') < 0 {
			out = append(out, a)
		}
	}
	return out
}

// phraseAliases returns, for a whole query key (tokens joined by spaces),
// the other names of its group, split into tokens; nil when the query is
// no several-word member of a group.
func phraseAliases(key string) [][]string {
	if strings.IndexByte(key, ' ') < 0 {
		// A one-word query may stand for a several-word name ("Brcko" for "Brčko distrikt"): no expansion needed.
		return nil
	}
	var out [][]string
	for _, a := range aliases[key] {
		out = append(out, strings.Split(a, " "))
	}
	return out
}
