package chart

import (
	"math"
	"strings"

	"github.com/dijalog/dijalog/internal/i18n"
)

// Short writes a number in a few characters for an axis' tick or a bar's
// total, in the reader's locale: "950 EUR", "250 hilj. EUR", "1,5 mil.
// EUR" (one fraction digit below ten thousands or millions, none above).
// unit may be "".
func Short(p *i18n.Printer, v float64, unit string) string {
	key, div := "", 1.0
	switch a := math.Abs(v); {
	case a >= 1e6:
		key, div = "pages.chart.millions", 1e6
	case a >= 1e4:
		key, div = "pages.chart.thousands", 1e3
	}
	n := v / div
	digits := 0
	if math.Abs(n) < 10 && math.Round(n) != n {
		digits = 1
	}
	num := p.Decimal(n, digits)
	if key == "" {
		return strings.TrimSpace(num + " " + unit)
	}
	return strings.TrimSpace(p.T(key, "n", num, "unit", unit))
}
