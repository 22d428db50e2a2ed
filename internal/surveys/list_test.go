package surveys

import (
	"net/url"
	"testing"
	"time"
)

// TestListFilter (issue 16): the list of results is filtered by the LSG
// that owns a survey, its year and whether it is open; a value no survey
// can have is ignored, and the filter survives paging.
func TestListFilter(t *testing.T) {
	t.Parallel()
	at := func(y int) time.Time { return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC) }
	item := func(lsg string, year int, open bool) listItem {
		return listItem{S: &Survey{OwnerKind: OwnerLSG, OwnerRef: lsg, CreatedAt: at(year)}, Year: year, Open: open}
	}
	zepce23, mostar23, mostar27 := item("ba-fbih-zepce", 2023, false), item("ba-fbih-mostar", 2023, false), item("ba-fbih-mostar", 2027, true)
	org := listItem{S: &Survey{OwnerKind: OwnerOrg, OwnerRef: "ba-fbih-zepce"}, Year: 2023}
	for _, c := range []struct {
		query string
		want  listFilter
		keeps []listItem
		drops []listItem
		again string // the filter's query on its second page
	}{
		{"", listFilter{Page: 1}, []listItem{zepce23, mostar27, org}, nil, "page=2"},
		{"lsg=ba-fbih-zepce", listFilter{LSG: "ba-fbih-zepce", Page: 1}, []listItem{zepce23}, []listItem{mostar23, org}, "lsg=ba-fbih-zepce&page=2"},
		{"year=2023&state=closed&page=3", listFilter{Year: 2023, State: "closed", Page: 3}, []listItem{zepce23, mostar23, org}, []listItem{mostar27}, "page=2&state=closed&year=2023"},
		{"state=open", listFilter{State: "open", Page: 1}, []listItem{mostar27}, []listItem{zepce23}, "page=2&state=open"},
		{"year=19&state=maybe&page=-2&page=x", listFilter{Page: 1}, []listItem{zepce23}, nil, "page=2"},
	} {
		q, _ := url.ParseQuery(c.query)
		f := filterOf(q)
		if f != c.want {
			t.Errorf("%q: filter %+v, want %+v", c.query, f, c.want)
		}
		for _, it := range c.keeps {
			if !f.keeps(it) {
				t.Errorf("%q drops %s %d open=%v", c.query, it.S.OwnerRef, it.Year, it.Open)
			}
		}
		for _, it := range c.drops {
			if f.keeps(it) {
				t.Errorf("%q keeps %s %s %d open=%v", c.query, it.S.OwnerKind, it.S.OwnerRef, it.Year, it.Open)
			}
		}
		if got := f.query(2); got != c.again {
			t.Errorf("%q: second page %q, want %q", c.query, got, c.again)
		}
	}
}
