package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// niceStep is a round step (1, 2 or 5 times a power of ten) of about raw.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// ticksN are the round values of an axis from 0 to at least maxV, about n
// steps apart.
func ticksN(maxV float64, n int) []float64 {
	if maxV <= 0 || math.IsNaN(maxV) || math.IsInf(maxV, 0) {
		maxV = 1
	}
	step := niceStep(maxV / float64(n))
	var ts []float64
	for i := 0; ; i++ {
		v := step * float64(i)
		ts = append(ts, v)
		if v >= maxV-1e-9*maxV {
			return ts
		}
	}
}

// ticks are the round values of a horizontal axis from 0 to at least
// maxV whose texts fit side by side in room units (as many as fit, up to
// six).
func ticks(maxV, room float64, a Axes) []float64 {
	var ts []float64
	for n := 5; n >= 1; n-- {
		ts = ticksN(maxV, n)
		widest := 0.0
		for _, t := range ts {
			widest = math.Max(widest, textW(a.format(t)))
		}
		if len(ts) < 2 || widest+10 <= room/float64(len(ts)-1) {
			return ts
		}
	}
	return ts
}

// legend writes one swatch and name per series, flowing into lines, from
// y; it returns the y under it. A long name is wrapped (never cut short)
// and has its lines to itself. swatch draws series i's mark at (x, y).
func legend(b *strings.Builder, names []string, y float64, swatch func(i int, x, y float64)) float64 {
	x := 0.0
	for i, n := range names {
		lines := wrap(n, Width-20, 3)
		w := 18 + textW(lines[0]) + 14
		if x > 0 && (x+w > Width || len(lines) > 1) {
			x, y = 0, y+lineH+2
		}
		swatch(i, x, y+3)
		for k, l := range lines {
			text(b, x+18, y+13+float64(k)*lineH, "start", l)
		}
		x += w
		if len(lines) > 1 {
			x, y = Width, y+float64(len(lines)-1)*lineH
		}
	}
	return y + lineH + 2
}

// Stacked draws stacked horizontal bars: one bar per category (a year, on
// the left), one colour per series, the total after each bar, a value
// axis with round ticks under the bars and the legend under it.
func Stacked(title, desc string, categories []string, series []Series, a Axes) template.HTML {
	totals := make([]float64, len(categories))
	maxV, catW, totalW := 0.0, 0.0, 0.0
	for c, cat := range categories {
		for _, s := range series {
			if c < len(s.Values) && s.Values[c] > 0 {
				totals[c] += s.Values[c]
			}
		}
		maxV = math.Max(maxV, totals[c])
		catW = math.Max(catW, textW(cat))
		totalW = math.Max(totalW, textW(a.format(totals[c])))
	}
	catW = math.Min(catW, 120) + 2
	x0 := catW + 6
	plotW := math.Max(Width-x0-totalW-6, 120)
	ts := ticks(maxV, plotW, a)
	top := ts[len(ts)-1]
	scale := plotW / top
	var body strings.Builder
	y := 2.0
	if a.Categories != "" {
		text(&body, 0, y+13, "start", a.Categories)
		y += lineH + 2
	}
	const rowH = 22.0
	plotTop := y
	rowsEnd := y + rowH*float64(len(categories))
	for _, t := range ts {
		x := x0 + t*scale
		fmt.Fprintf(&body, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="0.6"/>`, f1(x), f1(plotTop), f1(x), f1(rowsEnd+4), gridColor)
	}
	for c, cat := range categories {
		ry := plotTop + rowH*float64(c)
		text(&body, catW, ry+15, "end", wrap(cat, 120, 1)[0])
		x := x0
		for i, s := range series {
			if c >= len(s.Values) || s.Values[c] <= 0 {
				continue
			}
			w := s.Values[c] * scale
			fmt.Fprintf(&body, `<rect x="%s" y="%s" width="%s" height="16" fill="%s" stroke="#ffffff" stroke-width="0.5"><title>%s, %s: %s</title></rect>`, f1(x), f1(ry+3), f1(w), SeriesColour(i), esc(cat), esc(s.Name), esc(a.format(s.Values[c])))
			x += w
		}
		text(&body, x+5, ry+15, "start", a.format(totals[c]))
	}
	y = rowsEnd + 4
	for i, t := range ts {
		anchor := "middle"
		switch {
		case i == 0:
			anchor = "start"
		case i == len(ts)-1 && x0+t*scale+textW(a.format(t))/2 > Width:
			anchor = "end"
		}
		text(&body, x0+t*scale, y+14, anchor, a.format(t))
	}
	y += lineH + 2
	if a.Values != "" {
		text(&body, x0+plotW/2, y+13, "middle", a.Values)
		y += lineH + 4
	}
	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.Name
	}
	y = legend(&body, names, y+4, func(i int, x, y float64) {
		fmt.Fprintf(&body, `<rect x="%s" y="%s" width="12" height="12" fill="%s"/>`, f1(x), f1(y), SeriesColour(i))
	})
	var b strings.Builder
	header(&b, Width, int(math.Ceil(y)), title, desc, "img")
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}

// markers are the point shapes of series 0, 1, 2… (a series is told apart
// by its shape and its dash as well as by its colour).
var markers = []string{"circle", "square", "triangle", "diamond"}

// dashes are the stroke patterns of series 0, 1, 2…
var dashes = []string{"", "7 4", "2 3", "10 3 2 3"}

// marker draws shape k (of markers) centred on (x, y).
func marker(b *strings.Builder, k int, x, y float64, colour, title string) {
	t := ""
	if title != "" {
		t = "<title>" + esc(title) + "</title>"
	}
	switch markers[k%len(markers)] {
	case "square":
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="7" height="7" fill="%s" stroke="#ffffff" stroke-width="1">%s</rect>`, f1(x-3.5), f1(y-3.5), colour, t)
	case "triangle":
		fmt.Fprintf(b, `<polygon points="%s,%s %s,%s %s,%s" fill="%s" stroke="#ffffff" stroke-width="1">%s</polygon>`, f1(x), f1(y-5), f1(x+4.5), f1(y+3.5), f1(x-4.5), f1(y+3.5), colour, t)
	case "diamond":
		fmt.Fprintf(b, `<polygon points="%s,%s %s,%s %s,%s %s,%s" fill="%s" stroke="#ffffff" stroke-width="1">%s</polygon>`, f1(x), f1(y-5), f1(x+5), f1(y), f1(x), f1(y+5), f1(x-5), f1(y), colour, t)
	default:
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="4" fill="%s" stroke="#ffffff" stroke-width="1">%s</circle>`, f1(x), f1(y), colour, t)
	}
}

func dash(k int) string {
	if d := dashes[k%len(dashes)]; d != "" {
		return ` stroke-dasharray="` + d + `"`
	}
	return ""
}

// Line draws one line per series over the labels (the x axis), with a
// value axis of round ticks on the left, the value of every labelled
// point above it and a legend (shape, dash and colour of each series).
func Line(title, desc string, labels []string, series []Series, a Axes) template.HTML {
	maxV := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				maxV = math.Max(maxV, v)
			}
		}
	}
	const plotH = 170.0
	ts := ticksN(maxV, 4)
	top := ts[len(ts)-1]
	tickW := 0.0
	for _, t := range ts {
		tickW = math.Max(tickW, textW(a.format(t)))
	}
	labelW := 0.0
	for _, l := range labels {
		labelW = math.Max(labelW, textW(l))
	}
	// The first and last labels are centred on their points: the plot
	// leaves room for their halves.
	x0, x1 := math.Max(tickW+8, labelW/2+2), Width-math.Max(12, labelW/2+2)
	n := max(len(labels)-1, 1)
	step := (x1 - x0) / float64(n)
	every := max(int(math.Ceil((labelW+6)/step)), 1)
	var body strings.Builder
	y := 2.0
	if a.Values != "" {
		text(&body, 0, y+13, "start", a.Values)
		y += lineH + 2
	}
	plotTop := y + lineH // room for the values over the highest points
	xy := func(i int, v float64) (float64, float64) {
		return x0 + step*float64(i), plotTop + plotH*(1-v/top)
	}
	for _, t := range ts {
		_, ty := xy(0, t)
		fmt.Fprintf(&body, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`, f1(x0), f1(ty), f1(x1), f1(ty), gridColor, map[bool]string{true: "1", false: "0.5"}[t == 0])
		text(&body, x0-6, ty+4.5, "end", a.format(t))
	}
	// Every label that fits is shown; the last one too when it has room.
	shown := func(i int) bool {
		return i%every == 0 || i == len(labels)-1 && float64(i%every)*step >= labelW+6
	}
	for i, l := range labels {
		if !shown(i) {
			continue
		}
		x, _ := xy(i, 0)
		text(&body, x, plotTop+plotH+16, "middle", l)
	}
	lines(&body, labels, series, a, xy, shown)
	y = plotTop + plotH + 16 + 6
	if a.Categories != "" {
		text(&body, (x0+x1)/2, y+13, "middle", a.Categories)
		y += lineH + 4
	}
	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.Name
	}
	y = legend(&body, names, y+4, func(i int, x, y float64) {
		fmt.Fprintf(&body, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5"%s/>`, f1(x-2), f1(y+6), f1(x+14), f1(y+6), SeriesColour(i), dash(i))
		marker(&body, i, x+6, y+6, SeriesColour(i), "")
	})
	var b strings.Builder
	header(&b, Width, int(math.Ceil(y)), title, desc, "img")
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return withID("c", b.String())
}

// lines draws each series as a line with its marks at its points (xy
// places them) and, for a single series, the value of every labelled
// point (shown) above it.
func lines(b *strings.Builder, labels []string, series []Series, a Axes, xy func(int, float64) (float64, float64), shown func(int) bool) {
	for si, s := range series {
		colour := SeriesColour(si)
		var pts []string
		for i, v := range s.Values {
			if i < len(labels) && !math.IsNaN(v) {
				x, y := xy(i, v)
				pts = append(pts, f1(x)+","+f1(y))
			}
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`, strings.Join(pts, " "), colour, dash(si))
		for i, v := range s.Values {
			if i >= len(labels) || math.IsNaN(v) {
				continue
			}
			x, y := xy(i, v)
			marker(b, si, x, y, colour, s.Name+", "+labels[i]+": "+a.format(v))
			if shown(i) && len(series) == 1 {
				text(b, x, y-8, "middle", a.format(v))
			}
		}
	}
}
