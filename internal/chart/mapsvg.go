package chart

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"
	"sync"
)

//go:embed data/bih-lsg.json
var boundaryJSON []byte

// Shape is one LSG outline of the boundary data (2013 municipalities).
type Shape struct {
	Name       string  `json:"name"`
	Population int     `json:"population"`
	D          string  `json:"d"`
	CX         int     `json:"cx"`
	CY         int     `json:"cy"`
	Lon        float64 `json:"lon"` // the label point in WGS 84
	Lat        float64 `json:"lat"`
}

type boundaries struct {
	Source string  `json:"source"`
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Shapes []Shape `json:"shapes"`
}

var loadBoundaries = sync.OnceValue(func() *boundaries {
	var b boundaries
	if err := json.Unmarshal(boundaryJSON, &b); err != nil {
		panic("chart: embedded boundary data is broken: " + err.Error()) // a build defect, caught by the tests
	}
	return &b
})

// Shapes lists the outlines (their Name is the boundary data's name, which
// the places module keeps as an alias of kind "geo" for the join).
func Shapes() []Shape { return loadBoundaries().Shapes }

// Region is the value of one shape on a map.
type Region struct {
	Label   string  // the LSG's name as shown
	Value   float64 // drives the colour; NaN or <0 for no data
	Display string  // the value as shown
	Href    string  // link (keyboard-focusable); "" for none
	Mark    bool    // highlighted (e.g. the project's LSGs on a small map)
}

// Scale is the five classes of a choropleth: light to dark.
var scale = []string{"#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"}

const noData = "#f2f2f2"

// Legend is one class of the map's legend.
type Legend struct {
	Colour   string
	From, To float64
}

// Classes splits values into five quantile classes (upper bounds).
func Classes(values []float64) []float64 {
	var vs []float64
	for _, v := range values {
		if v > 0 && !math.IsNaN(v) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	sort.Float64s(vs)
	var out []float64
	for i := range scale {
		b := vs[min(len(vs)-1, (i+1)*len(vs)/len(scale))]
		if i == len(scale)-1 {
			b = vs[len(vs)-1]
		}
		if len(out) == 0 || b > out[len(out)-1] {
			out = append(out, b) // fewer classes when values repeat
		}
	}
	return out
}

// ClassColourAt is the colour of class i of n (spread over the scale, so
// that the top class is always the darkest).
func ClassColourAt(i, n int) string {
	if n <= 1 {
		return scale[len(scale)-1]
	}
	return scale[i*(len(scale)-1)/(n-1)]
}

// ClassColour is the colour of v among the class bounds.
func ClassColour(bounds []float64, v float64) string {
	if v <= 0 || math.IsNaN(v) || len(bounds) == 0 {
		return noData
	}
	for i, b := range bounds {
		if v <= b {
			return ClassColourAt(i, len(bounds))
		}
	}
	return scale[len(scale)-1]
}

// Colours returns the class colours (for the legend).
func Colours() []string { return append([]string(nil), scale...) }

// NoDataColour is the fill of LSGs without a value.
func NoDataColour() string { return noData }

// Map draws the LSGs of BiH; regions are keyed by shape name. With marks,
// marked shapes are dark and the rest light (a locator map); otherwise
// shapes are coloured by Value in five classes. Linked shapes are focusable
// links whose accessible name is "label: value".
func Map(title, desc string, regions map[string]Region, marks bool) template.HTML {
	b := loadBoundaries()
	var vals []float64
	for _, r := range regions {
		vals = append(vals, r.Value)
	}
	bounds := Classes(vals)
	var s strings.Builder
	id := idMark
	role := "img"
	for _, r := range regions {
		if r.Href != "" {
			role = "group"
			break
		}
	}
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart map" viewBox="0 0 %d %d" width="100%%" role="%s" aria-labelledby="%s-t %s-d">`, b.Width, b.Height, role, id, id)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	var marked []Shape
	for _, sh := range b.Shapes {
		r, ok := regions[sh.Name]
		fill := noData
		switch {
		case marks && ok && r.Mark:
			fill = "#1b6ca8"
			marked = append(marked, sh)
		case marks:
			fill = "#e8e8e8"
		case ok:
			fill = ClassColour(bounds, r.Value)
		}
		label := sh.Name
		if ok && r.Label != "" {
			label = r.Label
		}
		tip := label
		if ok && r.Display != "" {
			tip += ": " + r.Display
		}
		path := fmt.Sprintf(`<path d="%s" fill="%s" stroke="#ffffff" stroke-width="0.8"><title>%s</title></path>`, sh.D, fill, esc(tip))
		if ok && r.Href != "" {
			fmt.Fprintf(&s, `<a href="%s" aria-label="%s">%s</a>`, esc(r.Href), esc(tip), path)
		} else {
			s.WriteString(path)
		}
	}
	for _, sh := range marked {
		fmt.Fprintf(&s, `<circle cx="%d" cy="%d" r="5" fill="#e07b39" stroke="#ffffff" stroke-width="1.5"/>`, sh.CX, sh.CY)
	}
	s.WriteString(`</svg>`)
	return withID("m", s.String())
}

// Bounds returns the class bounds Map uses for these regions (for the legend).
func Bounds(regions map[string]Region) []float64 {
	var vals []float64
	for _, r := range regions {
		vals = append(vals, r.Value)
	}
	return Classes(vals)
}
