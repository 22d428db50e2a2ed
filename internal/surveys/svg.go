package surveys

import (
	"html/template"
	"math"

	"github.com/dijalog/dijalog/internal/chart"
)

// Charts are drawn on the server as SVG (internal/chart); every chart sits
// next to a table with the same numbers, so the SVG is decoration for
// screen readers apart from its title.

// BarItem is one bar of a horizontal bar chart.
type BarItem struct {
	Label string
	Value float64 // 0..Max
}

// BarChart draws each item's value as a bar out of max, under its label,
// with the value written by show (in the reader's locale).
func BarChart(title string, items []BarItem, max float64, show func(float64) string) template.HTML {
	if len(items) == 0 {
		return ""
	}
	if max <= 0 {
		max = 1
	}
	bars := make([]chart.Item, len(items))
	targets := make([]float64, len(items))
	for i, it := range items {
		bars[i] = chart.Item{Label: it.Label, Value: math.Max(0, math.Min(it.Value, max)), Display: show(it.Value)}
		targets[i] = max
	}
	return chart.Progress(title, "", bars, targets)
}
