package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// RadarSeries is one polygon of a radar chart: a value per axis, 0..100
// (NaN where there is none).
type RadarSeries struct {
	Name   string
	Values []float64
}

// Ring is a reference value drawn as a ring of its own (a threshold),
// with its label.
type Ring struct {
	Value float64 // 0..100; 0 for none
	Label string
}

// radarColours are the series' colours: the first is the subject, the
// others are comparisons (the previous cycle, an average).
var radarColours = []string{"#0b5cab", "#8a5300", "#1d6b3a", "#8e5ea2"}

const ringColour = "#a3212b"

// radar is the geometry of a radar chart.
type radar struct {
	n      int
	cx, cy float64
	r      float64
}

func (g radar) angle(i int) float64 { return -math.Pi/2 + 2*math.Pi*float64(i)/float64(g.n) }

func (g radar) pt(i int, v float64) (float64, float64) {
	a := g.angle(i)
	return g.cx + g.r*v/100*math.Cos(a), g.cy + g.r*v/100*math.Sin(a)
}

func (g radar) polygon(vals func(i int) float64) string {
	pts := make([]string, g.n)
	for i := range g.n {
		x, y := g.pt(i, vals(i))
		pts[i] = f1(x) + "," + f1(y)
	}
	return strings.Join(pts, " ")
}

// radarLabelW is the width of a line of an axis' label.
const radarLabelW = 12 * charW

// Radar draws one polygon per series over axes (short names: each is
// written at the end of its axis in up to two lines), rings at 25, 50, 75
// and 100, the reference ring (a threshold) in its own colour and dash
// with its label, and a legend. Series differ by colour, dash and the
// shape of their points, so they are told apart without colour; only the
// first is filled, so a comparison drawn over it stays readable.
func Radar(title, desc string, axes []string, series []RadarSeries, ring Ring) template.HTML {
	n := len(axes)
	if n < 3 {
		return ""
	}
	labels := make([][]string, n)
	side := 0.0 // the widest label beside the polygon (left or right)
	for i, a := range axes {
		labels[i] = wrap(a, radarLabelW, 2)
		if c := math.Abs(math.Cos(radar{n: n}.angle(i))); c > 0.3 {
			for _, l := range labels[i] {
				side = math.Max(side, textW(l)*c+(1-c)*textW(l)/2)
			}
		}
	}
	g := radar{n: n, cx: Width / 2}
	g.r = math.Min(math.Max(Width/2-10-side, 70), 130)
	g.cy = 2*lineH + 8 + g.r
	var body strings.Builder
	for _, v := range []float64{25, 50, 75, 100} {
		fmt.Fprintf(&body, `<polygon points="%s" fill="none" stroke="%s" stroke-width="0.6"/>`, g.polygon(func(int) float64 { return v }), gridColor)
	}
	for i := range n {
		x, y := g.pt(i, 100)
		fmt.Fprintf(&body, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="0.6"/>`, f1(g.cx), f1(g.cy), f1(x), f1(y), gridColor)
		radarLabel(&body, g, i, labels[i])
	}
	if ring.Value > 0 {
		fmt.Fprintf(&body, `<polygon points="%s" fill="none" stroke="%s" stroke-width="1.6" stroke-dasharray="1 3" stroke-linecap="round"/>`, g.polygon(func(int) float64 { return ring.Value }), ringColour)
		// Its value, written on the ring between the first two axes.
		mid := (g.angle(0) + g.angle(1)) / 2
		rx, ry := g.cx+g.r*ring.Value/100*math.Cos(mid), g.cy+g.r*ring.Value/100*math.Sin(mid)
		text(&body, rx+3, ry-3, "start", f1(ring.Value))
	}
	for si, s := range series {
		colour := radarColours[si%len(radarColours)]
		val := func(i int) float64 {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				return 0
			}
			return math.Max(0, math.Min(100, s.Values[i]))
		}
		fill, opacity := "none", ""
		if si == 0 {
			fill, opacity = colour, ` fill-opacity="0.12"`
		}
		fmt.Fprintf(&body, `<polygon points="%s" fill="%s"%s stroke="%s" stroke-width="2"%s stroke-linejoin="round"/>`, g.polygon(val), fill, opacity, colour, dash(si))
		for i := range n {
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) {
				x, y := g.pt(i, val(i))
				marker(&body, si, x, y, colour, s.Name+", "+axes[i]+": "+f1(s.Values[i]))
			}
		}
	}
	y := radarLegend(&body, series, ring, g.cy+g.r+2*lineH+10)
	var b strings.Builder
	header(&b, Width, int(math.Ceil(y+2)), title, desc, "img")
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return withID("r", b.String())
}

// radarLabel writes axis i's label lines beyond the end of its axis,
// anchored away from the polygon.
func radarLabel(b *strings.Builder, g radar, i int, lines []string) {
	a := g.angle(i)
	c, s := math.Cos(a), math.Sin(a)
	x, y := g.cx+(g.r+8)*c, g.cy+(g.r+8)*s
	anchor := "middle"
	switch {
	case c > 0.3:
		anchor = "start"
	case c < -0.3:
		anchor = "end"
	}
	h := float64(len(lines)) * lineH
	top := y - h/2 // beside the polygon: centred on the axis' end
	switch {
	case anchor == "middle" && s < 0:
		top = y - h - 2 // above
	case anchor == "middle":
		top = y + 2 // below
	}
	for k, l := range lines {
		text(b, x, top+float64(k)*lineH+12, anchor, l)
	}
}

// radarLegend writes one line per series from y (its dash, shape and
// colour, and its name) and one for the reference ring; it returns the y
// under it.
func radarLegend(b *strings.Builder, series []RadarSeries, ring Ring, y float64) float64 {
	names := make([]string, 0, len(series)+1)
	for _, s := range series {
		names = append(names, s.Name)
	}
	if ring.Value > 0 && ring.Label != "" {
		names = append(names, ring.Label)
	}
	for i, name := range names {
		if i < len(series) {
			c := radarColours[i%len(radarColours)]
			fmt.Fprintf(b, `<line x1="0" y1="%s" x2="26" y2="%s" stroke="%s" stroke-width="2.5"%s/>`, f1(y+8), f1(y+8), c, dash(i))
			marker(b, i, 13, y+8, c, "")
		} else {
			fmt.Fprintf(b, `<line x1="0" y1="%s" x2="26" y2="%s" stroke="%s" stroke-width="1.8" stroke-dasharray="1 3" stroke-linecap="round"/>`, f1(y+8), f1(y+8), ringColour)
		}
		for _, l := range wrap(name, Width-34, 2) {
			text(b, 34, y+13, "start", l)
			y += lineH
		}
		y += 3
	}
	return y
}
