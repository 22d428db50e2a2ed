package grants

import (
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/dijalog/dijalog/internal/web"
)

// homeCalls is how many open calls the home page lists (fewer in the
// block of the visitor's LSG).
func homeCalls(lsg string) int {
	if lsg != "" {
		return 3
	}
	return 4
}

// homeCall is a call as the home page lists it.
type homeCall struct {
	*Call
	Text     Text
	DaysLeft int  // whole days to the deadline (0: it closes within a day)
	Soon     bool // a week or less
}

type homeData struct {
	Calls    []homeCall
	Upcoming []homeCall // when no call is open: the next to open
	More     bool       // more calls are open than listed
	Mine     bool       // the block of the visitor's LSG
	LSG      string
	ID       string
}

// HomeFor is the grants module's block of the home page: the calls open
// now, nearest deadline first, with funder, budget and deadline. For the
// whole platform (lsg "") it also says when none is open and which open
// next; for one LSG (the calls it publishes) it renders nothing when none
// is open. One query of at most five calls (and their texts).
func HomeFor(srv *web.Server, svc *Service) func(r *http.Request, lsg string) (template.HTML, error) {
	return func(r *http.Request, lsg string) (template.HTML, error) {
		now := svc.Now()
		lang := loc(r)
		limit := homeCalls(lsg)
		open, err := svc.Calls.List(r.Context(), CallFilter{Phase: PhaseOpen, LSG: lsg, Limit: limit + 1})
		if err != nil {
			return "", err
		}
		d := homeData{Mine: lsg != "", LSG: lsg, ID: "home-calls"}
		if d.Mine {
			if len(open) == 0 {
				return "", nil
			}
			d.ID = "mine-calls"
		}
		if len(open) > limit {
			open, d.More = open[:limit], true
		}
		d.Calls = homeRows(open, lang, now)
		if len(open) == 0 {
			next, err := svc.Calls.List(r.Context(), CallFilter{Phase: PhaseUpcoming, Limit: 10})
			if err != nil {
				return "", err
			}
			// the list is by deadline: the two that open first
			sort.SliceStable(next, func(i, j int) bool { return next[i].OpensAt.Before(next[j].OpensAt) })
			d.Upcoming = homeRows(next[:min(len(next), 2)], lang, now)
		}
		return srv.Render.Fragment(r, "grants/home", "home-calls", d)
	}
}

func homeRows(calls []*Call, lang string, now time.Time) []homeCall {
	out := make([]homeCall, 0, len(calls))
	for _, c := range calls {
		left := c.ClosesAt.Sub(now)
		out = append(out, homeCall{Call: c, Text: c.TextIn(lang), DaysLeft: int(left / (24 * time.Hour)), Soon: left <= 7*24*time.Hour})
	}
	return out
}
