package chart

import (
	"encoding/xml"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// wellFormed parses s as XML and fails on any style attribute (the CSP
// forbids inline styles) or script.
func wellFormed(t *testing.T, s string) int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	n := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%.300s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok {
			n++
			if se.Name.Local == "script" {
				t.Errorf("script in a chart")
			}
			for _, a := range se.Attr {
				if a.Name.Local == "style" || strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("<%s %s=...> in a chart", se.Name.Local, a.Name.Local)
				}
			}
		}
	}
}

func TestCharts(t *testing.T) {
	items := []Item{{Label: "Delegacija Evropske unije u BiH <&>", Value: 100, Display: "100 EUR"}, {Label: "UNDP", Value: 40, Display: "40 EUR"}, {Label: "Nula", Value: 0, Display: "0"}}
	axes := Axes{Categories: "Godina", Values: "Iznos, EUR"}
	for name, svg := range map[string]string{
		"bar":      string(Bar("Po donatoru", "opis", items)),
		"empty":    string(Bar("Prazno", "", nil)),
		"progress": string(Progress("Ciljevi", "opis", items, []float64{200, 40, 0})),
		"stacked":  string(Stacked("Godine", "opis", []string{"2021", "2022"}, []Series{{Name: "EU", Values: []float64{5, 7}}, {Name: "Other", Values: []float64{1, 0}}}, axes)),
		"line":     string(Line("Broj", "opis", []string{"2021", "2022", "2023"}, []Series{{Name: "Projekti", Values: []float64{3, 9, 4}}}, axes)),
		"radar":    string(Radar("Radar", "opis", []string{"1. Izbori", "2. Odziv", "3. Efikasnost"}, []RadarSeries{{Name: "2023", Values: []float64{80, 70, math.NaN()}}}, Ring{Value: 70, Label: "Prag 70"})),
	} {
		t.Run(name, func(t *testing.T) {
			wellFormed(t, svg)
			if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, "<title id=") || !strings.Contains(svg, "<desc id=") {
				t.Errorf("chart without role, title or description")
			}
			if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
				t.Errorf("NaN in a chart: %s", svg)
			}
		})
	}
	// The largest bar is the widest: bars are proportional to their values.
	svg := string(Bar("x", "", items))
	widths := regexp.MustCompile(`<rect x="0" y="[0-9.]+" width="([0-9.]+)"`).FindAllStringSubmatch(svg, -1)
	if len(widths) != 3 {
		t.Fatalf("%d bars, want 3: %s", len(widths), svg)
	}
	w0, _ := strconv.ParseFloat(widths[0][1], 64)
	w1, _ := strconv.ParseFloat(widths[1][1], 64)
	if math.Abs(w1/w0-0.4) > 0.01 || widths[2][1] != "0" {
		t.Errorf("bars are not proportional: %v", widths)
	}
}

// texts are the text elements of an SVG: their font size and content.
func texts(t *testing.T, svg string) (sizes []float64, words string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	in := false
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return sizes, b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if x.Name.Local == "text" {
				in = true
				sz := 0.0
				for _, a := range x.Attr {
					if a.Name.Local == "font-size" {
						sz, _ = strconv.ParseFloat(a.Value, 64)
					}
				}
				sizes = append(sizes, sz)
			}
		case xml.EndElement:
			if x.Name.Local == "text" {
				in = false
				b.WriteString(" ")
			}
		case xml.CharData:
			if in {
				b.Write(x)
			}
		}
	}
}

// viewBoxWidth is the width of an SVG's viewBox.
func viewBoxWidth(t *testing.T, svg string) float64 {
	t.Helper()
	m := regexp.MustCompile(`viewBox="0 0 ([0-9.]+) [0-9.]+"`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no viewBox: %.200s", svg)
	}
	w, _ := strconv.ParseFloat(m[1], 64)
	return w
}

// TestReadableOnPhones (issue 16): every text of a chart is drawn at 12 px
// or more in a 358 px column (a 390 px phone less the page's margins):
// its size in viewBox units times 358 / the viewBox's width. Labels are
// written whole (wrapped on lines of their own), never cut with "…".
func TestReadableOnPhones(t *testing.T) {
	long := "Švicarska agencija za razvoj i saradnju (SDC)"
	items := []Item{{Label: long, Value: 10, Display: "10.000.000 EUR"}, {Label: "UNDP", Value: 4, Display: "4.000.000 EUR"}}
	years := []string{"2008", "2009", "2010", "2011", "2012", "2013", "2014", "2015", "2016", "2017", "2018", "2019", "2020"}
	vals := make([]float64, len(years))
	for i := range vals {
		vals[i] = float64(i * 1500000)
	}
	axes := Axes{Categories: "Godina", Values: "Iznos, EUR"}
	principles := []string{"1. Izbori i učešće", "2. Odziv", "3. Efikasnost", "4. Otvorenost", "5. Vladavina prava", "6. Etičnost", "7. Kompetentnost", "8. Inovativnost", "9. Održivost", "10. Finansije", "11. Ljudska prava", "12. Odgovornost"}
	score := []float64{90, 70, 70, 70, 80, 80, 70, 80, 90, 80, 90, 90}
	for _, c := range []struct {
		name, svg string
		want      []string // words that must be written whole
	}{
		{"bar", string(Bar("Po donatoru", "", items)), []string{long}},
		{"progress", string(Progress("Ciljevi", "", items, []float64{20, 0})), []string{"Švicarska agencija za razvoj i saradnju"}},
		{"stacked", string(Stacked("Godine", "", years, []Series{{Name: "Delegacija Evropske unije u BiH", Values: vals}, {Name: "Ostali", Values: vals}}, axes)), []string{"2008", "2020", "Iznos, EUR", "Godina", "Delegacija Evropske unije u BiH"}},
		{"line", string(Line("Broj", "", years, []Series{{Name: "Projekti", Values: vals}}, axes)), []string{"2008", "Iznos, EUR", "Godina", "Projekti"}},
		{"radar", string(Radar("ELoGE", "", principles, []RadarSeries{{Name: "Ukupno 2023", Values: score}, {Name: "Prethodni ciklus 2022", Values: score}}, Ring{Value: 70, Label: "Prag za oznaku: 70"})), []string{"Vladavina", "Odgovornost", "Prag za oznaku: 70", "Prethodni ciklus 2022"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := viewBoxWidth(t, c.svg)
			sizes, words := texts(t, c.svg)
			if len(sizes) == 0 {
				t.Fatal("no text")
			}
			for _, sz := range sizes {
				if px := sz * 358 / w; px < 12 {
					t.Errorf("text of %.0f units in a viewBox %.0f wide: %.1f px on a phone, want at least 12", sz, w, px)
					break
				}
			}
			if strings.Contains(words, "…") {
				t.Errorf("a label is cut: %s", words)
			}
			for _, want := range c.want {
				if !strings.Contains(words, want) {
					t.Errorf("%q is not written whole in %q", want, words)
				}
			}
		})
	}
}

// TestAxesAndValues (issue 16): stacked and line charts have round ticks
// on their value axis, the total of each stacked bar and the value of
// each labelled point; the radar draws its threshold ring and tells its
// series apart by marker shape and dash, not colour alone.
func TestAxesAndValues(t *testing.T) {
	axes := Axes{Values: "Iznos", Format: func(v float64) string { return "v" + strconv.FormatFloat(v, 'f', -1, 64) }}
	_, stacked := texts(t, string(Stacked("S", "", []string{"2021", "2022"}, []Series{{Name: "A", Values: []float64{30, 70}}, {Name: "B", Values: []float64{10, 20}}}, axes)))
	for _, want := range []string{"v0 ", "v40 ", "v90 ", "v100 "} {
		if !strings.Contains(stacked+" ", want) {
			t.Errorf("stacked: %q missing in %q", want, stacked)
		}
	}
	_, line := texts(t, string(Line("L", "", []string{"2021", "2022", "2023"}, []Series{{Name: "A", Values: []float64{3, 9, 4}}}, axes)))
	for _, want := range []string{"v0 ", "v3 ", "v9 ", "v4 ", "v10 "} {
		if !strings.Contains(line+" ", want) {
			t.Errorf("line: %q missing in %q", want, line)
		}
	}
	radar := string(Radar("R", "", []string{"a", "b", "c", "d"}, []RadarSeries{{Name: "now", Values: []float64{80, 80, 80, 80}}, {Name: "before", Values: []float64{60, 60, 60, 60}}}, Ring{Value: 70, Label: "Prag 70"}))
	if !strings.Contains(radar, ringColour) || !strings.Contains(radar, "Prag 70") {
		t.Errorf("radar without its threshold ring and label")
	}
	if strings.Count(radar, "<circle") < 4 || strings.Count(radar, `<rect x=`) < 4 || !strings.Contains(radar, `stroke-dasharray="7 4"`) {
		t.Errorf("the radar's second series is not told apart by its markers and dash")
	}
	if got := Progress("P", "", []Item{{Label: "x", Value: math.NaN(), Display: "no data"}}, []float64{20}); !strings.Contains(string(got), `stroke-dasharray="4 3"`) || strings.Contains(string(got), palette[2]) {
		t.Errorf("a target without data is not an empty dashed track: %s", got)
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in    string
		width float64
		lines int
		want  []string
	}{
		{"Švicarska agencija za razvoj i saradnju", 20 * charW, 3, []string{"Švicarska agencija", "za razvoj i saradnju"}},
		{"kratko", 100, 2, []string{"kratko"}},
		{"jedan dva tri četiri pet šest", 9 * charW, 2, []string{"jedan dva", "tri…"}},
		{"Nadaleko i široko", 4 * charW, 3, []string{"Nadaleko", "i", "široko"}},
		{"", 100, 2, nil},
	} {
		got := wrap(c.in, c.width, c.lines)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrap(%q, %.0f, %d) = %q, want %q", c.in, c.width, c.lines, got, c.want)
		}
	}
}

func TestMap(t *testing.T) {
	info, err := os.Stat("data/bih-lsg.json")
	if err != nil || info.Size() > 150<<10 {
		t.Fatalf("boundary file: %v, %d bytes (limit 150 KB)", err, info.Size())
	}
	shapes := Shapes()
	if len(shapes) != 142 {
		t.Fatalf("%d shapes, want the 142 municipalities of the 2013 boundaries", len(shapes))
	}
	for _, s := range shapes {
		if s.Lat < 42.5 || s.Lat > 45.3 || s.Lon < 15.7 || s.Lon > 19.7 {
			t.Errorf("%s: label point %.3f,%.3f outside BiH", s.Name, s.Lat, s.Lon)
		}
	}
	regions := map[string]Region{
		"Mostar":   {Label: "Mostar", Value: 1000, Display: "1.000 EUR", Href: "/bs/places/ba-fbih-mostar"},
		"Trebinje": {Label: "Trebinje", Value: 10, Display: "10 EUR", Href: "/bs/places/ba-rs-trebinje"},
		"Žepče":    {Label: "Žepče", Value: math.NaN()},
	}
	svg := string(Map("Karta", "opis", regions, false))
	if n := wellFormed(t, svg); n < 142 {
		t.Errorf("%d elements", n)
	}
	if strings.Count(svg, "<path ") != 142 || strings.Count(svg, "<a href=") != 2 || !strings.Contains(svg, `aria-label="Mostar: 1.000 EUR"`) {
		t.Errorf("map: %d paths, %d links", strings.Count(svg, "<path "), strings.Count(svg, "<a href="))
	}
	if !strings.Contains(svg, `role="group"`) {
		t.Errorf("a map with links is not a group")
	}
	b := Bounds(regions)
	if ClassColour(b, 1000) != scale[len(scale)-1] || ClassColour(b, 10) != scale[0] || ClassColour(b, -1) != noData || ClassColour(b, math.NaN()) != noData {
		t.Errorf("classes %v", b)
	}
}
