package surveys

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn on the server as SVG with presentation attributes only
// (the CSP forbids inline styles); every chart sits next to a table with
// the same numbers, so the SVG is decoration for screen readers apart from
// its title.

// BarItem is one bar of a horizontal bar chart.
type BarItem struct {
	Label string
	Value float64 // 0..Max
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// BarChart draws horizontal bars with their labels and values.
func BarChart(title string, items []BarItem, max float64, unit string) template.HTML {
	if len(items) == 0 {
		return ""
	}
	if max <= 0 {
		max = 1
	}
	const w, rowH, labelW = 640, 28, 260
	h := len(items)*rowH + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	barW := float64(w - labelW - 70)
	for i, it := range items {
		y := i*rowH + 4
		label := it.Label
		if r := []rune(label); len(r) > 38 {
			label = string(r[:37]) + "…"
		}
		v := math.Max(0, math.Min(it.Value, max))
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="13" fill="currentColor">%s</text>`, y+17, esc(label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" rx="3" fill="#e6f0fa" stroke="#0b5cab" stroke-width="1"/>`, labelW, y+3, barW)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="18" rx="3" fill="#0b5cab"/>`, labelW, y+3, barW*v/max)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="13" fill="currentColor">%s%s</text>`, float64(labelW)+barW+6, y+17, esc(trimFloat(it.Value)), esc(unit))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func trimFloat(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

// RadarSeries is one polygon of a radar chart.
type RadarSeries struct {
	Name   string
	Values []float64 // one per axis, 0..100; NaN for missing
	Colour string    // an SVG colour
	Dashed bool
}

// RadarChart draws axes (labelled 1..n) and one polygon per series, with
// a legend.
func RadarChart(title string, axes []string, series []RadarSeries) template.HTML {
	n := len(axes)
	if n < 3 {
		return ""
	}
	const size, cx, cy, r = 420, 210.0, 200.0, 150.0
	legendH := 22 * len(series)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart radar" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, size, size+legendH, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	pt := func(i int, v float64) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		return cx + r*v/100*math.Cos(a), cy + r*v/100*math.Sin(a)
	}
	for _, ring := range []float64{25, 50, 75, 100} {
		var pts []string
		for i := 0; i < n; i++ {
			x, y := pt(i, ring)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		fmt.Fprintf(&b, `<polygon points="%s" fill="none" stroke="#8a939c" stroke-width="0.6"/>`, strings.Join(pts, " "))
	}
	for i, a := range axes {
		x, y := pt(i, 100)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#8a939c" stroke-width="0.6"/>`, cx, cy, x, y)
		lx, ly := pt(i, 114)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" text-anchor="middle" dominant-baseline="middle" fill="currentColor">%s</text>`, lx, ly, esc(a))
	}
	for _, s := range series {
		var pts []string
		for i := 0; i < n && i < len(s.Values); i++ {
			v := s.Values[i]
			if math.IsNaN(v) {
				v = 0
			}
			x, y := pt(i, math.Max(0, math.Min(100, v)))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5 4"`
		}
		fmt.Fprintf(&b, `<polygon points="%s" fill="%s" fill-opacity="0.15" stroke="%s" stroke-width="2"%s/>`, strings.Join(pts, " "), s.Colour, s.Colour, dash)
	}
	for i, s := range series {
		y := size + i*22
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5 4"`
		}
		fmt.Fprintf(&b, `<line x1="20" y1="%d" x2="50" y2="%d" stroke="%s" stroke-width="3"%s/>`, y, y, s.Colour, dash)
		fmt.Fprintf(&b, `<text x="58" y="%d" font-size="13" dominant-baseline="middle" fill="currentColor">%s</text>`, y, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
