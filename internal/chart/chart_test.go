package chart

import (
	"encoding/xml"
	"io"
	"math"
	"os"
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
	for name, svg := range map[string]string{
		"bar":      string(Bar("Po donatoru", "opis", items)),
		"empty":    string(Bar("Prazno", "", nil)),
		"progress": string(Progress("Ciljevi", "opis", items, []float64{200, 40, 0})),
		"stacked":  string(Stacked("Godine", "opis", []string{"2021", "2022"}, []Series{{Name: "EU", Values: []float64{5, 7}}, {Name: "Other", Values: []float64{1, 0}}})),
		"line":     string(Line("Broj", "opis", []string{"2021", "2022", "2023"}, []Series{{Name: "Projekti", Values: []float64{3, 9, 4}}})),
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
	// The largest bar is the widest.
	svg := string(Bar("x", "", items))
	if !strings.Contains(svg, `width="280"`) || !strings.Contains(svg, `width="112"`) {
		t.Errorf("bars are not proportional: %s", svg)
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
