package projects

import (
	"net/url"

	"github.com/dijalog/dijalog/internal/chart"
)

func parseQuery(q string) (url.Values, error) { return url.ParseQuery(q) }

func chartShapes() []string {
	var out []string
	for _, s := range chart.Shapes() {
		out = append(out, s.Name)
	}
	return out
}
