package projects

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/http"
	"time"

	"github.com/dijalog/dijalog/internal/cache"
	"github.com/dijalog/dijalog/internal/chart"
	"github.com/dijalog/dijalog/internal/i18n"
)

// Home is the projects module's part of the home page: the registry's
// headline figures in euro with a small map of where the money goes,
// drawn from the dashboard's cached aggregates (no query of its own once
// they are built), and the map itself as a cacheable SVG file.
type Home struct {
	h *handlers
	// maps are the home page's map per locale; an entry holds while its
	// *Dashboard is the service's cached one (so it goes with every write)
	maps *cache.Cache[string, *homeMap]
}

// homeMap is the small map of one locale: the SVG, its version (a hash of
// its bytes, in the image's URL so the file can be cached for good) and
// the legend's colours.
type homeMap struct {
	d       *Dashboard
	svg     []byte
	version string
	colours []string
}

// NewHome makes the home page's part of the registry.
func NewHome(s *Section) *Home {
	return &Home{h: s.h, maps: cache.New[string, *homeMap](cacheTTL, 16)}
}

// homeCurrency is the currency of the home page's figures.
const homeCurrency = "EUR"

// mapFor is the map of the locale for the current aggregates.
func (hm *Home) mapFor(ctx context.Context, pr *i18n.Printer) (*homeMap, *Dashboard, error) {
	d, err := hm.h.svc.Dashboard(ctx, homeCurrency)
	if err != nil {
		return nil, nil, err
	}
	build := func(ctx context.Context) (*homeMap, error) { return hm.drawMap(ctx, pr, d), nil }
	m, err := hm.maps.Get(ctx, pr.Code(), build)
	if err == nil && m.d != d {
		hm.maps.Forget(pr.Code()) // drawn from aggregates a write has replaced since
		m, err = hm.maps.Get(ctx, pr.Code(), build)
	}
	return m, d, err
}

// drawMap draws the value of the projects per LSG in euro: five classes,
// darker is more. The shapes carry no links: the map is shown as an image
// that links to the dashboard, whose map has them.
func (hm *Home) drawMap(ctx context.Context, pr *i18n.Printer, d *Dashboard) *homeMap {
	f := dashFormat{pr: pr, cur: homeCurrency}
	geo, _ := hm.h.geoJoin(ctx)
	names := hm.h.placeNames(ctx)
	byCode := map[string]Bucket{}
	for _, b := range d.ByLSG {
		byCode[b.Key] = b
	}
	regions := map[string]chart.Region{}
	for shape, code := range geo {
		b := byCode[code]
		regions[shape] = chart.Region{Label: names[code].NameLat, Value: f.major(b.Minor), Display: f.text(b.Minor)}
	}
	svg := []byte(chart.Map(pr.T("home.money.map"), pr.T("home.money.map_desc"), regions, false))
	sum := sha256.Sum256(svg)
	m := &homeMap{d: d, svg: svg, version: hex.EncodeToString(sum[:6])}
	bounds := chart.Bounds(regions)
	for i := range bounds {
		m.colours = append(m.colours, chart.ClassColourAt(i, len(bounds)))
	}
	return m
}

// Map serves the home page's map (GET /{lang}/projects/map.svg). With the
// current version in ?v= it may be kept for good; otherwise it is
// revalidated each time.
func (hm *Home) Map(w http.ResponseWriter, r *http.Request) error {
	m, _, err := hm.mapFor(r.Context(), printer(hm.h.srv, r))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	if r.URL.Query().Get("v") == m.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	_, err = w.Write(m.svg)
	return err
}

type homeMoney struct {
	Total, Projects, Donors string
	Rates                   string // which rates the total used
	Skipped                 int    // projects left out for a missing rate
	MapURL                  string
	Colours                 []string
}

type homeLSG struct {
	Projects int
	Value    string // the LSG's share of its projects' value
	LSG      string
}

type homeBlockData struct {
	Money *homeMoney
	Place *homeLSG
	Mine  bool
	ID    string
}

// Block is the home page's block of the registry: for the whole platform
// (lsg "") the total value in euro, the number of projects and donors,
// which exchange rates made the total, and the map; for one LSG, how many
// projects it has and its share of their value (nothing when none).
func (hm *Home) Block(r *http.Request, lsg string) (template.HTML, error) {
	pr := printer(hm.h.srv, r)
	m, d, err := hm.mapFor(r.Context(), pr)
	if err != nil {
		return "", err
	}
	f := dashFormat{pr: pr, cur: homeCurrency}
	if lsg != "" {
		for _, b := range d.ByLSG {
			if b.Key == lsg && b.Count > 0 {
				data := homeBlockData{Place: &homeLSG{Projects: b.Count, Value: f.text(b.Minor), LSG: lsg}, Mine: true, ID: "mine-money"}
				return hm.h.srv.Render.Fragment(r, "projects/home", "home-money", data)
			}
		}
		return "", nil
	}
	donors := 0
	for _, b := range d.ByDonor {
		if b.Key != "" {
			donors++
		}
	}
	total := f.text(d.Total)
	if f.major(d.Total) >= 1e6 {
		total = pr.T("home.money.millions", "n", pr.Decimal(f.major(d.Total)/1e6, 1), "currency", homeCurrency)
	}
	money := &homeMoney{Total: total,
		Projects: pr.Int(int64(d.Projects)), Donors: pr.Int(int64(donors)), Rates: ratesNote(pr, d), Skipped: d.Skipped,
		MapURL: "/" + pr.Code() + "/projects/map.svg?v=" + m.version, Colours: m.colours}
	return hm.h.srv.Render.Fragment(r, "projects/home", "home-money", homeBlockData{Money: money, ID: "home-money"})
}

// ratesNote says how the total was converted to euro: each project at the
// rate of its own date (the span of the dates used), the convertible mark
// at its fixed rate.
func ratesNote(pr *i18n.Printer, d *Dashboard) string {
	var from, to string
	for _, r := range d.Rates {
		if r.Date == "" || r.Currency == "BAM" {
			continue // the mark's rate is fixed
		}
		if from == "" || r.Date < from {
			from = r.Date
		}
		if r.Date > to {
			to = r.Date
		}
	}
	if from == "" {
		return pr.T("home.money.rates_fixed")
	}
	day := func(s string) string {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s
		}
		return pr.ShortDate(t)
	}
	return pr.T("home.money.rates", "from", day(from), "to", day(to))
}
