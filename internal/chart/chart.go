// Package chart draws charts and maps as inline SVG on the server: bar,
// progress, stacked bar, line and radar charts and the choropleth map of
// BiH's LSGs. The SVG uses presentation attributes only (the CSP forbids
// inline styles), carries a title and description for screen readers, and
// every page that shows a chart also shows its numbers in a table and
// links a CSV.
//
// Legibility on a phone. A chart's viewBox is Width units wide, about the
// column of a 390 px phone, and the stylesheet caps a chart's width on a
// desktop (svg.chart), so its 13-unit text is drawn at 12 px or more on a
// phone and about body size on a desktop. Labels are never cut to fit
// beside a bar: a bar's label has its own line(s) above it, wrapped.
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

// Axes name a chart's two axes and say how its numbers read.
type Axes struct {
	Categories string               // the title of the axis of categories ("Year"); "" for none
	Values     string               // the title of the value axis ("Value, EUR"); "" for none
	Format     func(float64) string // a tick's or a total's text in the reader's locale; nil: plain digits
}

func (a Axes) format(v float64) string {
	if a.Format != nil {
		return a.Format(v)
	}
	return f1(v)
}

// Palette is the colour of each series (colour-blind-safe order).
var palette = []string{"#1b6ca8", "#e07b39", "#3a9d5d", "#8e5ea2", "#b8860b", "#6b6b6b", "#c2185b", "#00838f"}

// SeriesColour is the fill of series i, for legends drawn in HTML.
func SeriesColour(i int) string { return palette[i%len(palette)] }

const (
	// Width is the width of every chart's viewBox but the map's.
	Width = 360
	// fontSize is the size of every text of a chart (at least 12 px on a
	// 390 px phone, whose column is about Width px).
	fontSize = 13
	lineH    = 17
	// charW is the width of one character at fontSize, generous (DejaVu
	// Sans' digits and Cyrillic are wide) so that wrapped lines fit.
	charW = 8.2
	// textFill follows the page's text colour (light and dark schemes).
	textFill  = "currentColor"
	gridColor = "#8a939c"
	trackFill = "#e4e7eb"
)

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

func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// textW is the drawn width of s at fontSize.
func textW(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

// wrap breaks s into lines of at most width units at spaces (a word
// longer than a line has a line of its own, whole), and at most maxLines
// lines: the last one ends with "…" when text is left over (the whole
// label is in the bar's title).
func wrap(s string, width float64, maxLines int) []string {
	per := max(int(width/charW), 4)
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= per:
			cur += " " + w
		default:
			lines, cur = append(lines, cur), w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > maxLines {
		last := []rune(lines[maxLines-1])
		if len(last) >= per {
			last = last[:per-1]
		}
		lines = append(lines[:maxLines-1], string(last)+"…")
	}
	return lines
}

func header(b *strings.Builder, w, h int, title, desc, role string) {
	id := idMark
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" role="%s" aria-labelledby="%s-t %s-d" focusable="false">`, w, h, role, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

// text writes one text element; anchor is "start", "middle" or "end".
func text(b *strings.Builder, x, y float64, anchor, s string) {
	a := ""
	if anchor != "" && anchor != "start" {
		a = ` text-anchor="` + anchor + `"`
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" fill="%s" font-size="%d"%s>%s</text>`, f1(x), f1(y), textFill, fontSize, a, esc(s))
}

// labelLines writes a wrapped label from y (the top of its first line) and
// returns the y under it.
func labelLines(b *strings.Builder, label string, y float64) float64 {
	for _, l := range wrap(label, Width-2, 3) {
		text(b, 1, y+13, "start", l) // 1: a glyph such as J reaches left of its origin
		y += lineH
	}
	return y
}

// value writes a bar's value at x after it, or under the bar when it does
// not fit there (a long "no value yet"); it returns the row's top, moved
// down by the line the value took.
func value(b *strings.Builder, x, y float64, s string) float64 {
	if x+textW(s) <= Width {
		text(b, x, y+14, "start", s)
		return y
	}
	text(b, 1, y+14+lineH+2, "start", s)
	return y + lineH + 2
}

// barRoom is the longest bar's width: the chart's width less the room of
// the widest value written after a bar (at most half the chart's width:
// a longer value is written under its bar).
func barRoom(items []Item) float64 {
	valueW := 0.0
	for _, it := range items {
		if w := textW(it.Display); w <= Width/2 { // a longer one goes under its bar
			valueW = math.Max(valueW, w)
		}
	}
	return Width - valueW - 8
}

// shortLabels is the width of the widest label when every label is short
// enough to stand beside its bar (a year, a code), else 0.
func shortLabels(items []Item) float64 {
	w := 0.0
	for _, it := range items {
		if w = math.Max(w, textW(it.Label)); w > 64 {
			return 0
		}
	}
	return w
}

// Bar draws a horizontal bar chart: each bar under its label (wrapped,
// never cut short) or, when every label is short, beside it; its value
// after it.
func Bar(title, desc string, items []Item) template.HTML {
	x0 := 0.0
	if w := shortLabels(items); w > 0 {
		x0 = w + 8
	}
	barMax := barRoom(items) - x0
	maxV := 0.0
	for _, it := range items {
		maxV = math.Max(maxV, it.Value)
	}
	var body strings.Builder
	y := 2.0
	for _, it := range items {
		if x0 == 0 {
			y = labelLines(&body, it.Label, y)
		} else {
			text(&body, x0-8, y+14, "end", it.Label)
		}
		bw := 0.0
		if maxV > 0 && it.Value > 0 {
			bw = math.Max(it.Value/maxV*barMax, 1)
		}
		fmt.Fprintf(&body, `<rect x="%s" y="%s" width="%s" height="14" fill="%s"><title>%s: %s</title></rect>`, f1(x0), f1(y+3), f1(bw), palette[0], esc(it.Label), esc(it.Display))
		y = value(&body, x0+bw+6, y, it.Display)
		if x0 == 0 {
			y += 30
		} else {
			y += 22
		}
	}
	h := int(math.Ceil(y))
	if len(items) == 0 {
		h = 30
	}
	var b strings.Builder
	header(&b, Width, h, title, desc, "img")
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}

// Progress draws target bars: each label on its own line(s), under it a
// track of the whole target filled up to the actual value, and the
// value's text (Display). A target of 0 or less draws an empty, dashed
// track: there is nothing to measure yet, and Display says so.
func Progress(title, desc string, items []Item, targets []float64) template.HTML {
	barMax := barRoom(items)
	var body strings.Builder
	y := 2.0
	for i, it := range items {
		y = labelLines(&body, it.Label, y)
		t := 0.0
		if i < len(targets) {
			t = targets[i]
		}
		if t <= 0 || math.IsNaN(it.Value) {
			fmt.Fprintf(&body, `<rect x="0.5" y="%s" width="%s" height="13" fill="none" stroke="%s" stroke-width="1" stroke-dasharray="4 3"/>`, f1(y+3.5), f1(barMax-1), gridColor)
		} else {
			frac := math.Max(math.Min(it.Value/t, 1), 0)
			fmt.Fprintf(&body, `<rect x="0" y="%s" width="%s" height="14" fill="%s" stroke="%s" stroke-width="1"/>`, f1(y+3), f1(barMax), trackFill, gridColor)
			fmt.Fprintf(&body, `<rect x="0" y="%s" width="%s" height="14" fill="%s"><title>%s: %s</title></rect>`, f1(y+3), f1(frac*barMax), palette[2], esc(it.Label), esc(it.Display))
		}
		y = value(&body, barMax+6, y, it.Display)
		y += 20 + 10
	}
	var b strings.Builder
	header(&b, Width, max(int(math.Ceil(y)), 30), title, desc, "img")
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}
