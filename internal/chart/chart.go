// Package chart draws charts and maps as inline SVG on the server: bar,
// stacked bar and line charts and the choropleth map of BiH's LSGs. The
// SVG uses presentation attributes only (the CSP forbids inline styles),
// carries a title and description for screen readers, and every page that
// shows a chart also shows its numbers in a table and links a CSV.
package chart

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Item is one bar.
type Item struct {
	Label   string
	Value   float64
	Display string // the value as shown (formatted in the reader's locale)
	Href    string // optional link of the bar
}

// Series is a named row of values (one per category).
type Series struct {
	Name   string
	Values []float64
}

// Palette is the colour of each series (colour-blind-safe order).
var palette = []string{"#1b6ca8", "#e07b39", "#3a9d5d", "#8e5ea2", "#b8860b", "#6b6b6b", "#c2185b", "#00838f"}

// SeriesColour is the fill of series i, for legends drawn in HTML.
func SeriesColour(i int) string { return palette[i%len(palette)] }

const textFill = "#1f1f1f"

// idMark stands for a chart's id while it is drawn; withID replaces it.
const idMark = "\x00id\x00"

// withID gives a drawn chart the id that ties its title and description to
// it: a hash of the chart itself, so charts rendered apart (cached
// fragments, several modules on one page) do not share one unless they
// are the same chart, there is no counter shared by the whole process,
// and the same data always gives the same bytes (a page's ETag holds).
func withID(prefix, svg string) template.HTML {
	sum := sha256.Sum256([]byte(svg))
	id := prefix + strings.ToLower(base32.StdEncoding.EncodeToString(sum[:10])[:10])
	return template.HTML(strings.ReplaceAll(svg, idMark, id))
}

func esc(s string) string { return html.EscapeString(s) }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func header(b *strings.Builder, w, h int, title, desc, role string) {
	id := idMark
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" role="%s" aria-labelledby="%s-t %s-d" focusable="false">`, w, h, role, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

// Bar draws a horizontal bar chart.
func Bar(title, desc string, items []Item) template.HTML {
	const w, labelW, barW, rowH = 660, 250, 280, 26
	h := rowH*len(items) + 8
	if len(items) == 0 {
		h = 30
	}
	maxV := 0.0
	for _, it := range items {
		maxV = math.Max(maxV, it.Value)
	}
	var b strings.Builder
	header(&b, w, h, title, desc, "img")
	for i, it := range items {
		y := 4 + i*rowH
		bw := 0.0
		if maxV > 0 {
			bw = math.Max(it.Value/maxV*barW, 0)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s" font-size="13" text-anchor="end">%s</text>`, labelW-8, y+17, textFill, esc(truncate(it.Label, 32)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="%d" fill="%s"><title>%s: %s</title></rect>`, labelW, y+3, f1(bw), rowH-8, palette[0], esc(it.Label), esc(it.Display))
		fmt.Fprintf(&b, `<text x="%s" y="%d" fill="%s" font-size="12">%s</text>`, f1(float64(labelW)+bw+6), y+17, textFill, esc(it.Display))
	}
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}

// Progress draws target bars: actual against target, one row each.
func Progress(title, desc string, items []Item, targets []float64) template.HTML {
	const w, labelW, barW, rowH = 640, 250, 260, 30
	h := rowH*len(items) + 8
	var b strings.Builder
	header(&b, w, h, title, desc, "img")
	for i, it := range items {
		y := 4 + i*rowH
		t := 0.0
		if i < len(targets) {
			t = targets[i]
		}
		frac := 0.0
		if t > 0 {
			frac = math.Min(it.Value/t, 1)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s" font-size="13" text-anchor="end">%s</text>`, labelW-8, y+19, textFill, esc(truncate(it.Label, 34)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#e4e4e4" stroke="#8a8a8a" stroke-width="1"/>`, labelW, y+5, barW, rowH-12)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="%d" fill="%s"><title>%s: %s</title></rect>`, labelW, y+5, f1(frac*barW), rowH-12, palette[2], esc(it.Label), esc(it.Display))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s" font-size="12">%s</text>`, labelW+barW+6, y+19, textFill, esc(it.Display))
	}
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}

// Stacked draws vertical stacked bars: one bar per category, one colour per
// series. The legend is drawn inside the SVG.
func Stacked(title, desc string, categories []string, series []Series) template.HTML {
	const w, h, left, top, bottom = 640, 300, 10, 10, 40
	legendH := 20 * ((len(series) + 2) / 3)
	plotH := h - top - bottom
	n := max(len(categories), 1)
	step := float64(w-2*left) / float64(n)
	barW := math.Min(step*0.7, 60)
	maxV := 0.0
	for c := range categories {
		sum := 0.0
		for _, s := range series {
			if c < len(s.Values) {
				sum += s.Values[c]
			}
		}
		maxV = math.Max(maxV, sum)
	}
	var b strings.Builder
	header(&b, w, h+legendH, title, desc, "img")
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8a8a8a" stroke-width="1"/>`, left, top+plotH, w-left, top+plotH)
	for c, cat := range categories {
		x := float64(left) + step*float64(c) + (step-barW)/2
		y := float64(top + plotH)
		for i, s := range series {
			if c >= len(s.Values) || s.Values[c] <= 0 || maxV == 0 {
				continue
			}
			bh := s.Values[c] / maxV * float64(plotH)
			y -= bh
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s, %s</title></rect>`, f1(x), f1(y), f1(barW), f1(bh), SeriesColour(i), esc(cat), esc(s.Name))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" fill="%s" font-size="12" text-anchor="middle">%s</text>`, f1(x+barW/2), top+plotH+18, textFill, esc(truncate(cat, 10)))
	}
	for i, s := range series {
		lx := left + (i%3)*210
		ly := h + 20*(i/3)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" fill="%s" font-size="12">%s</text>`, lx, ly-10, SeriesColour(i), lx+18, ly, textFill, esc(truncate(s.Name, 28)))
	}
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}

// Line draws one line per series over the labels (x axis).
func Line(title, desc string, labels []string, series []Series) template.HTML {
	const w, h, left, top, bottom = 640, 260, 20, 14, 36
	plotW, plotH := w-2*left, h-top-bottom
	maxV := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			maxV = math.Max(maxV, v)
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	n := max(len(labels)-1, 1)
	var b strings.Builder
	header(&b, w, h+20*len(series), title, desc, "img")
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8a8a8a" stroke-width="1"/>`, left, top+plotH, w-left, top+plotH)
	xy := func(i int, v float64) (float64, float64) {
		return float64(left) + float64(plotW)*float64(i)/float64(n), float64(top) + float64(plotH)*(1-v/maxV)
	}
	for i, l := range labels {
		x, _ := xy(i, 0)
		fmt.Fprintf(&b, `<text x="%s" y="%d" fill="%s" font-size="12" text-anchor="middle">%s</text>`, f1(x), top+plotH+18, textFill, esc(truncate(l, 10)))
	}
	for si, s := range series {
		var pts []string
		for i, v := range s.Values {
			x, y := xy(i, v)
			pts = append(pts, f1(x)+","+f1(y))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, strings.Join(pts, " "), SeriesColour(si))
		for i, v := range s.Values {
			x, y := xy(i, v)
			lbl := ""
			if i < len(labels) {
				lbl = labels[i]
			}
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s %s</title></circle>`, f1(x), f1(y), SeriesColour(si), esc(s.Name), esc(lbl))
		}
		ly := h + 20*si
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" fill="%s" font-size="12">%s</text>`, left, ly-4, SeriesColour(si), left+18, ly+6, textFill, esc(truncate(s.Name, 60)))
	}
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}
