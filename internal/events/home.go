package events

import (
	"html/template"
	"net/http"

	"github.com/dijalog/dijalog/internal/web"
)

// homeEvents is how many events the home page lists (fewer in the block
// of the visitor's LSG).
func homeEvents(lsg string) int {
	if lsg != "" {
		return 3
	}
	return 4
}

type homeData struct {
	Events []*Event
	Mine   bool // the block of the visitor's LSG
	LSG    string
	ID     string
}

// HomeFor is the events module's block of the home page: the events that
// have not ended, soonest first (lsg "": everywhere; else the LSG's, and
// nothing when it has none). One query of at most four events.
func HomeFor(srv *web.Server, svc *Service) func(r *http.Request, lsg string) (template.HTML, error) {
	return func(r *http.Request, lsg string) (template.HTML, error) {
		es, err := svc.List(r.Context(), Filter{LSG: lsg, Upcoming: true, Limit: homeEvents(lsg)})
		if err != nil {
			return "", err
		}
		d := homeData{Events: es, Mine: lsg != "", LSG: lsg, ID: "home-events"}
		if d.Mine {
			if len(es) == 0 {
				return "", nil
			}
			d.ID = "mine-events"
		}
		return srv.Render.Fragment(r, "events/home", "home-events", d)
	}
}
