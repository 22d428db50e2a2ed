package dialogue

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dijalog/dijalog/internal/auth"
)

// initiativesPerPage is the length of a page of the initiatives' list.
const initiativesPerPage = 24

// cardsData is what the initiative cards show: the initiatives, which of
// them the viewer supports, and whether the viewer is signed in.
type cardsData struct {
	List      []Initiative
	Supported map[int64]bool
	SignedIn  bool
	LSGs      map[string]LSGName // by code
}

// cards prepares xs for the initiative cards.
func (h *Handlers) cards(r *http.Request, xs []Initiative) (cardsData, error) {
	u := auth.UserFrom(r)
	d := cardsData{List: xs, SignedIn: u != nil, LSGs: map[string]LSGName{}}
	for _, x := range xs {
		if _, ok := d.LSGs[x.LSG]; !ok {
			d.LSGs[x.LSG] = h.lsgNames(r.Context(), []string{x.LSG})[0]
		}
	}
	var err error
	d.Supported, err = h.svc.Initiatives.SupportedOf(r.Context(), u, xs)
	return d, err
}

// initiativesPage is the list of every platform's initiatives, filtered.
type initiativesPage struct {
	Cards     cardsData
	Group     string // one of StateGroups or ""
	Groups    []string
	LSG       string
	LSGs      []LSGName
	Platform  *Platform
	Platforms []PlatformSummary
	Page      int
	Prev      string // query of the previous page, "" for none
	Next      string
	Filtered  bool
}

// list is GET /{lang}/initiatives: the initiatives of every platform as
// cards, filtered by state (?state=open: open for support), LSG (?lsg=)
// and platform (?platform=slug), a page at a time (?page=). Unknown
// filter values are ignored, so a link never fails.
func (h initiativePages) list(w http.ResponseWriter, r *http.Request) error {
	ctx, q := r.Context(), r.URL.Query()
	d := initiativesPage{Groups: StateGroups(), Page: 1}
	f := InitiativeFilter{Limit: initiativesPerPage + 1, OpenFirst: true}
	if g := q.Get("state"); statesOf(g) != nil {
		d.Group, f.Group = g, g
	}
	codes, err := h.svc.Initiatives.LSGs(ctx)
	if err != nil {
		return err
	}
	if c := q.Get("lsg"); c != "" && len(c) <= 80 && h.places != nil {
		if _, err := h.places.ByCode(ctx, c); err == nil {
			d.LSG, f.LSG = c, c
			if !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
	}
	d.LSGs = h.lsgNames(ctx, codes)
	slices.SortStableFunc(d.LSGs, func(a, b LSGName) int { return strings.Compare(a.Lat, b.Lat) })
	if d.Platforms, err = h.svc.Platforms.List(ctx, ""); err != nil {
		return err
	}
	slices.SortStableFunc(d.Platforms, func(a, b PlatformSummary) int { return strings.Compare(a.Name, b.Name) })
	for i := range d.Platforms {
		if p := d.Platforms[i].Platform; p.Slug == q.Get("platform") {
			d.Platform, f.PlatformID = p, p.ID
		}
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 1000 {
		d.Page = n
	}
	f.Offset = (d.Page - 1) * initiativesPerPage
	if u := auth.UserFrom(r); u != nil {
		f.AuthorID = u.ID
	}
	xs, err := h.svc.Initiatives.List(ctx, f)
	if err != nil {
		return err
	}
	more := len(xs) > initiativesPerPage
	if more {
		xs = xs[:initiativesPerPage]
	}
	if d.Cards, err = h.cards(r, xs); err != nil {
		return err
	}
	d.Filtered = d.Group != "" || d.LSG != "" || d.Platform != nil
	page := func(n int) string {
		v := url.Values{}
		if d.Group != "" {
			v.Set("state", d.Group)
		}
		if d.LSG != "" {
			v.Set("lsg", d.LSG)
		}
		if d.Platform != nil {
			v.Set("platform", d.Platform.Slug)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return strings.TrimPrefix("?"+v.Encode(), "?")
	}
	if d.Page > 1 {
		d.Prev = "?" + page(d.Page-1)
	}
	if more {
		d.Next = "?" + page(d.Page+1)
	}
	return h.srv.Render.Page(w, r, "dialogue/initiatives", d)
}

// platformOthers is how many of a platform's other initiatives its page
// shows (the rest are on its list).
const platformOthers = 6

// splitCards puts a platform's initiatives open for support, and the
// latest of the others, on its page as cards.
func (h *Handlers) splitCards(r *http.Request, d *platformPage) error {
	var open, others []Initiative
	for _, x := range d.Initiatives {
		if x.State == StateOpen {
			open = append(open, x)
		} else if len(others) < platformOthers {
			others = append(others, x)
		}
	}
	d.InitiativeCount = len(d.Initiatives)
	var err error
	if d.Open, err = h.cards(r, open); err != nil {
		return err
	}
	d.Others, err = h.cards(r, others)
	return err
}
