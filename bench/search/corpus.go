package main

// The corpus: deterministic documents with ground truth by construction,
// and queries in seven styles.

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"unicode"

	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/translit"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

var firstNames = strings.Fields(`Đorđe Đurđa Ljubica Njegoslav Živko Željka Čedomir Ćamil Šemsa Džemal Milorad Dragana Nikola Jovana Marko Ana Petar Milica Stefan Jelena
Amir Amra Emir Lejla Haris Selma Adnan Ajla Tarik Merima Ivan Ivana Josip Marija Ante Kata Luka Lucija Mate Nives
Goran Gordana Zoran Zorica Dejan Snježana Dražen Vesna Branko Branka Boris Biljana Saša Sanja Nenad Nevena Vladimir Vlatka Đuro Radoslav
Mirsad Mirela Senad Senada Kemal Kenan Aida Alen Almir Alma Edin Elma Fikret Fatima Hamza Hana Irfan Indira Jasmin Jasmina`)

var stems = strings.Fields(`Đurđev Petrov Jovanov Nikol Marković Kovač Hodž Begov Delić Softić Šarić Čolak Ćosić Žuljev Babić Mujanov Hadžić Salihov Tomaš Pavlov
Mitrov Stojanov Ilijev Todorov Simeunov Lazarev Radov Vukov Bogdanov Filipov Knežev Kostov Gavrilov Đokov Milošev Zlatanov Spasov Despotov Rakić Brkić`)

var suffixes = []string{"ić", "ović", "ski", "ac"}

var placeNames = strings.Fields(`Banja_Luka Mostar Sarajevo Tuzla Zenica Bihać Trebinje Prijedor Doboj Bijeljina Žepče Zavidovići Brčko Goražde Travnik Livno Konjic Jajce Gradiška Derventa
Modriča Šamac Odžak Orašje Foča Višegrad Srebrenica Zvornik Bratunac Vlasenica Kiseljak Kreševo Fojnica Busovača Vitez Novi_Travnik Bugojno Donji_Vakuf Gornji_Vakuf Prozor
Čapljina Čitluk Ljubuški Posušje Grude Široki_Brijeg Stolac Neum Ravno Ljubinje Bileća Gacko Nevesinje Berkovići Kalinovik Trnovo Pale Sokolac Rogatica Rudo
Đurđevac Kičevo Skopje Tetovo Gostivar Ohrid Bitola Prilep Kumanovo Štip Veles Strumica Kočani Kavadarci Struga Debar Gevgelija Negotino Radoviš Kratovo`)

var bodyWords = strings.Fields(`udruženje građana lokalna zajednica projekat inicijativa mladi aktivisti dijaloška platforma općina opština sufinansiranje javni poziv
obuka trening volonteri škola park igralište rasvjeta biblioteka sport kultura okoliš otpad reciklaža voda cesta most tržnica zdravlje starije osobe
žene poduzetništvo zapošljavanje turizam poljoprivreda digitalizacija transparentnost budžet savjet forum saradnja partnerstvo donator evropska unija`)

// doc is one generated document and how it is written.
type doc struct {
	id                 string
	first, last, place string // as written (Latin with diacritics)
	style              int    // 0 Latin, 1 Cyrillic, 2 ASCII, 3 dj
	body               string
}

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// ascii drops diacritics; đ becomes d (as people type without a BCS keyboard).
func ascii(s string) string {
	s = strings.NewReplacer("đ", "d", "Đ", "D").Replace(s)
	out, _, _ := transform.String(stripMarks, s)
	return out
}

func dj(s string) string {
	s = strings.NewReplacer("đ", "dj", "Đ", "Dj").Replace(s)
	out, _, _ := transform.String(stripMarks, s)
	return out
}

// macedonian writes Latin BCS as Macedonian Cyrillic (ћ→ќ, ђ→ѓ).
func macedonian(s string) string {
	return strings.NewReplacer("ћ", "ќ", "Ћ", "Ќ", "ђ", "ѓ", "Ђ", "Ѓ").Replace(translit.ToCyrillic(s))
}

func render(s string, style int) string {
	switch style {
	case 1:
		return translit.ToCyrillic(s)
	case 2:
		return ascii(s)
	case 3:
		return dj(s)
	}
	return s
}

func generate(n int, rng *rand.Rand) []doc {
	var surnames []string
	for _, st := range stems {
		for _, suf := range suffixes {
			surnames = append(surnames, st+suf)
		}
	}
	cap := len(firstNames) * len(surnames) * len(placeNames)
	if n > cap {
		fmt.Fprintf(os.Stderr, "at most %d documents\n", cap)
		os.Exit(2)
	}
	// A random permutation of the (first, surname, place) space: unique triples.
	perm := rng.Perm(cap)[:n]
	docs := make([]doc, n)
	for i, k := range perm {
		f := firstNames[k%len(firstNames)]
		k /= len(firstNames)
		s := surnames[k%len(surnames)]
		k /= len(surnames)
		p := strings.ReplaceAll(placeNames[k], "_", " ")
		var body []string
		for j := 0; j < 12+rng.IntN(12); j++ {
			body = append(body, bodyWords[rng.IntN(len(bodyWords))])
		}
		docs[i] = doc{id: fmt.Sprintf("d%07d", i), first: f, last: s, place: p, style: rng.IntN(4), body: strings.Join(body, " ")}
	}
	return docs
}

func (d doc) document() search.Document {
	title := render(d.first+" "+d.last, d.style)
	return search.Document{Type: "person", ID: d.id, Title: title, URL: "/people/" + d.id, Fields: []search.Field{
		{Name: "title", Text: title, Weight: 4, IsName: true},
		{Name: "names", Text: render(d.place, d.style), Weight: 3, IsName: true},
		{Name: "body", Text: render(d.body, d.style), Weight: 1},
	}}
}

// styles of queries, in the order of the table.
var styles = []string{"exact Latin", "Cyrillic", "no diacritics", "dj/d", "Macedonian", "prefix", "one typo"}

type query struct {
	style  int
	text   string
	target string
}

func typo(s string, rng *rand.Rand) string {
	r := []rune(s)
	i := 1 + rng.IntN(len(r)-2)
	switch rng.IntN(3) {
	case 0: // substitution
		r[i] = 'x'
	case 1: // deletion
		r = append(r[:i], r[i+1:]...)
	default: // transposition
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

func queries(docs []doc, n int, rng *rand.Rand) []query {
	out := make([]query, 0, n)
	for i := 0; i < n; i++ {
		st := i % len(styles)
		d := docs[rng.IntN(len(docs))]
		if st == 3 { // dj/d: a person with đ in the name when there is one
			for tries := 0; tries < 50 && !strings.ContainsAny(d.first+d.last+d.place, "đĐ"); tries++ {
				d = docs[rng.IntN(len(docs))]
			}
		}
		full := d.first + " " + d.last + " " + d.place
		var t string
		switch st {
		case 0:
			t = full
		case 1:
			t = translit.ToCyrillic(full)
		case 2:
			t = ascii(full)
		case 3:
			if rng.IntN(2) == 0 {
				t = dj(full)
			} else {
				t = ascii(full)
			}
		case 4:
			t = macedonian(full)
		case 5:
			pr := []rune(d.place)
			t = d.first + " " + d.last + " " + string(pr[:min(len(pr), 4)])
		case 6:
			t = d.first + " " + typo(d.last, rng) + " " + d.place
		}
		out = append(out, query{style: st, text: t, target: d.id})
	}
	return out
}
