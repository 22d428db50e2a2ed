package fts

import "testing"

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"zepce", "zepce", 0}, {"zepce", "zepse", 1}, {"zepce", "ezpce", 1}, {"zepce", "zepc", 1}, {"zavidovici", "zavdoviic", 2}, {"abc", "xyz", 3}} {
		if got := EditDistance(c.a, c.b, 2); got != min(c.want, 3) {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
