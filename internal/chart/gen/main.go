// Command gen simplifies the BiH municipality boundaries (TopoJSON) into the
// light SVG paths of data/bih-lsg.json used by the choropleth map:
//
//	go run ./internal/chart/gen -in ../shared/data/bih-lsg/bih-municipalities-geoboundaries-adm2.topojson
//
// Each shared arc is simplified once (Douglas-Peucker), so neighbouring
// municipalities keep a common border; coordinates are projected
// (equirectangular, scaled by the cosine of the mean latitude) into a
// 1000-unit-wide view box and written as integer relative path commands.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

type topo struct {
	Arcs      [][][2]float64 `json:"arcs"`
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []geometry `json:"geometries"`
	} `json:"objects"`
}

// Shape is one municipality of the output.
type Shape struct {
	Name       string  `json:"name"`
	Population int     `json:"population"`
	D          string  `json:"d"`
	CX         int     `json:"cx"` // label point (centroid of the largest ring)
	CY         int     `json:"cy"`
	Lon        float64 `json:"lon"` // the label point in WGS 84, for GeoJSON
	Lat        float64 `json:"lat"`
}

// Out is data/bih-lsg.json.
type Out struct {
	Source string  `json:"source"`
	Width  int     `json:"width"`
	Height int     `json:"height"`
	Shapes []Shape `json:"shapes"`
}

type pt struct{ x, y float64 }

// geometry is one municipality of the TopoJSON input.
type geometry struct {
	Type       string          `json:"type"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties struct {
		Name           string `json:"name"`
		Population2013 struct {
			Overall int `json:"overall"`
		} `json:"population2013"`
	} `json:"properties"`
}

func main() {
	in := flag.String("in", "../shared/data/bih-lsg/bih-municipalities-geoboundaries-adm2.topojson", "TopoJSON input")
	out := flag.String("out", "internal/chart/data/bih-lsg.json", "output file")
	tol := flag.Float64("tolerance", 0.6, "simplification tolerance in view-box units")
	flag.Parse()
	b, err := os.ReadFile(*in)
	if err != nil {
		fail(err)
	}
	var t topo
	if err := json.Unmarshal(b, &t); err != nil {
		fail(err)
	}
	arcs, pr := project(t)
	for i := range arcs {
		arcs[i] = simplify(arcs[i], *tol)
	}
	res := Out{Source: "geoBoundaries gbOpen BIH ADM2 via Entiox/Bosnia-and-Herzegovina-Nationality-Visualisation (ODbL); simplified by internal/chart/gen", Width: int(viewWidth), Height: int(pr.height)}
	for _, obj := range t.Objects {
		for _, g := range obj.Geometries {
			if sh, ok := pr.shape(g, arcs); ok {
				res.Shapes = append(res.Shapes, sh)
			}
		}
	}
	enc, _ := json.Marshal(res)
	if err := os.WriteFile(*out, append(enc, '\n'), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("%d shapes, %d bytes -> %s\n", len(res.Shapes), len(enc), *out)
}

// viewWidth is the width of the view box.
const viewWidth = 1000.0

// projection maps lon/lat into the view box: equirectangular, scaled by
// the cosine of the mean latitude.
type projection struct {
	minX, maxY, k, scale, height float64
}

// project decodes the arcs (delta-encoded, quantised) to lon/lat and
// projects them into the view box.
func project(t topo) ([][]pt, projection) {
	arcs := make([][]pt, len(t.Arcs))
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, a := range t.Arcs {
		var x, y float64
		for _, d := range a {
			x += d[0]
			y += d[1]
			lon := x*t.Transform.Scale[0] + t.Transform.Translate[0]
			lat := y*t.Transform.Scale[1] + t.Transform.Translate[1]
			arcs[i] = append(arcs[i], pt{lon, lat})
			minX, maxX = math.Min(minX, lon), math.Max(maxX, lon)
			minY, maxY = math.Min(minY, lat), math.Max(maxY, lat)
		}
	}
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	scale := viewWidth / ((maxX - minX) * k)
	pr := projection{minX: minX, maxY: maxY, k: k, scale: scale, height: math.Ceil((maxY - minY) * scale)}
	for i := range arcs {
		for j, p := range arcs[i] {
			arcs[i][j] = pt{(p.x - minX) * k * scale, (maxY - p.y) * scale}
		}
	}
	return arcs, pr
}

// polygons reads a geometry's polygons of rings of arc indexes (false for
// what is not a polygon).
func polygons(g geometry) ([][][]int, bool) {
	var polys [][][]int
	switch g.Type {
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(g.Arcs, &rings); err != nil {
			fail(err)
		}
		polys = [][][]int{rings}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			fail(err)
		}
	default:
		return nil, false
	}
	return polys, true
}

// shape is the path of a municipality and its label point (the centroid
// of its largest ring), also in WGS 84.
func (pr projection) shape(g geometry, arcs [][]pt) (Shape, bool) {
	polys, ok := polygons(g)
	if !ok {
		return Shape{}, false
	}
	var d strings.Builder
	bestArea, cx, cy := -1.0, 0.0, 0.0
	for _, poly := range polys {
		for _, ring := range poly {
			pts := ringPoints(ring, arcs)
			if len(pts) < 3 {
				continue
			}
			writeRing(&d, pts)
			if a, x, y := centroid(pts); math.Abs(a) > bestArea {
				bestArea, cx, cy = math.Abs(a), x, y
			}
		}
	}
	return Shape{Name: g.Properties.Name, Population: g.Properties.Population2013.Overall, D: d.String(), CX: int(math.Round(cx)), CY: int(math.Round(cy)),
		Lon: math.Round((cx/(pr.k*pr.scale)+pr.minX)*1e4) / 1e4, Lat: math.Round((pr.maxY-cy/pr.scale)*1e4) / 1e4}, true
}

// ringPoints joins a ring's arcs (a negative index is arc ^i reversed),
// dropping the point each arc shares with the one before.
func ringPoints(ring []int, arcs [][]pt) []pt {
	var pts []pt
	for _, ai := range ring {
		a := ai
		rev := a < 0
		if rev {
			a = ^a
		}
		seg := arcs[a]
		if rev {
			seg = reversed(seg)
		}
		if len(pts) > 0 {
			seg = seg[1:]
		}
		pts = append(pts, seg...)
	}
	return pts
}

func writeRing(d *strings.Builder, pts []pt) {
	px, py := int(math.Round(pts[0].x)), int(math.Round(pts[0].y))
	d.WriteString("M" + strconv.Itoa(px) + " " + strconv.Itoa(py) + "l")
	first := true
	for _, p := range pts[1:] {
		x, y := int(math.Round(p.x)), int(math.Round(p.y))
		dx, dy := x-px, y-py
		if dx == 0 && dy == 0 {
			continue
		}
		if !first && dx >= 0 {
			d.WriteByte(' ')
		}
		d.WriteString(strconv.Itoa(dx))
		if dy >= 0 {
			d.WriteByte(' ')
		}
		d.WriteString(strconv.Itoa(dy))
		first = false
		px, py = x, y
	}
	d.WriteString("z")
}

func centroid(pts []pt) (area, cx, cy float64) {
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		c := a.x*b.y - b.x*a.y
		area += c
		cx += (a.x + b.x) * c
		cy += (a.y + b.y) * c
	}
	area /= 2
	if area == 0 {
		return 0, pts[0].x, pts[0].y
	}
	return area, cx / (6 * area), cy / (6 * area)
}

func reversed(s []pt) []pt {
	out := make([]pt, len(s))
	for i, p := range s {
		out[len(s)-1-i] = p
	}
	return out
}

// simplify is Douglas-Peucker; the end points are kept.
func simplify(p []pt, tol float64) []pt {
	if len(p) < 3 {
		return p
	}
	keep := make([]bool, len(p))
	keep[0], keep[len(p)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		best, idx := 0.0, -1
		for k := i + 1; k < j; k++ {
			if d := segDist(p[k], p[i], p[j]); d > best {
				best, idx = d, k
			}
		}
		if idx >= 0 && best > tol {
			keep[idx] = true
			rec(i, idx)
			rec(idx, j)
		}
	}
	rec(0, len(p)-1)
	var out []pt
	for i, k := range keep {
		if k {
			out = append(out, p[i])
		}
	}
	return out
}

func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	if dx == 0 && dy == 0 {
		return math.Hypot(p.x-a.x, p.y-a.y)
	}
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p.x-(a.x+t*dx), p.y-(a.y+t*dy))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
