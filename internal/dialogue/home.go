package dialogue

import (
	"context"
	"html/template"
	"net/http"
	"time"

	"github.com/dijalog/dijalog/internal/money"
)

// The dialogue module's blocks of the home page: initiatives open for
// support, open ballots and upcoming meetings, for the whole platform
// (lsg "") or for the LSG a visitor chose. Each block is one bounded
// query; a block of one LSG with nothing in it renders nothing.

// homeLimit is how many rows a block shows: fewer in the block of the
// visitor's LSG, which comes first and should not push the rest away.
func homeLimit(lsg string) int {
	if lsg != "" {
		return 3
	}
	return 4
}

// OpenInitiative is an initiative open for support, as the home page
// lists it.
type OpenInitiative struct {
	PublicID, Title, LSG       string
	PlatformSlug, PlatformName string
	Supports                   int
	SupportGoal                int // the platform's goal (0: none)
	// NextMeeting is the start of the platform's next meeting, where
	// open initiatives are selected (zero when none is planned).
	NextMeeting time.Time
}

// GoalPercent is the share of the platform's goal reached (0–100), as on
// the initiative's own card.
func (x OpenInitiative) GoalPercent() int {
	return Initiative{Supports: x.Supports, SupportGoal: x.SupportGoal}.GoalPercent()
}

// OpenBallot is a ballot open for votes, as the home page lists it.
type OpenBallot struct {
	PublicID, Title            string
	Budget                     money.Amount
	Ballots                    int // cast so far
	PlatformSlug, PlatformName string
}

// UpcomingMeeting is a platform meeting that has not ended.
type UpcomingMeeting struct {
	PublicID, Title            string
	StartsAt, EndsAt           time.Time
	Place, OnlineURL           string
	PlatformSlug, PlatformName string
}

// OpenForSupport lists up to limit initiatives open for support (of lsg,
// or everywhere), most supported first, and how many are open in all.
func (s *Initiatives) OpenForSupport(ctx context.Context, lsg string, limit int) ([]OpenInitiative, int, error) {
	out, n, err := openInitiatives(ctx, s.db, lsg, s.now(), limit)
	return out, n, wrap("OpenForSupport", err)
}

// Open lists up to limit ballots open for votes on the platforms of lsg
// (or all).
func (s *Ballots) Open(ctx context.Context, lsg string, limit int) ([]OpenBallot, error) {
	out, err := openBallots(ctx, s.db, lsg, limit)
	return out, wrap("OpenBallots", err)
}

// Upcoming lists up to limit meetings that have not ended, on the
// platforms of lsg (or all), soonest first.
func (s *Meetings) Upcoming(ctx context.Context, lsg string, limit int) ([]UpcomingMeeting, error) {
	out, err := upcomingMeetings(ctx, s.db, lsg, s.now(), limit)
	return out, wrap("UpcomingMeetings", err)
}

// homeBlock is the data of a block: its rows, whether it is the block of
// the visitor's LSG (Mine: a smaller heading, and nothing when empty) and
// the id of its heading.
type homeBlock[T any] struct {
	Rows  []T
	Total int
	Mine  bool
	LSG   string
	ID    string
}

func newHomeBlock[T any](rows []T, lsg, name string) homeBlock[T] {
	b := homeBlock[T]{Rows: rows, Total: len(rows), Mine: lsg != "", LSG: lsg, ID: "home-" + name}
	if b.Mine {
		b.ID = "mine-" + name
	}
	return b
}

// HomeInitiatives is the home page's block of initiatives open for
// support (lsg "": everywhere).
func (h *Handlers) HomeInitiatives(r *http.Request, lsg string) (template.HTML, error) {
	rows, n, err := h.svc.Initiatives.OpenForSupport(r.Context(), lsg, homeLimit(lsg))
	if err != nil || (lsg != "" && len(rows) == 0) {
		return "", err
	}
	b := newHomeBlock(rows, lsg, "initiatives")
	b.Total = n
	return h.srv.Render.Fragment(r, "dialogue/home", "home-initiatives", b)
}

// HomeBallots is the home page's block of open ballots; nothing when none
// is open.
func (h *Handlers) HomeBallots(r *http.Request, lsg string) (template.HTML, error) {
	rows, err := h.svc.Ballots.Open(r.Context(), lsg, homeLimit(lsg))
	if err != nil || len(rows) == 0 {
		return "", err
	}
	return h.srv.Render.Fragment(r, "dialogue/home", "home-ballots", newHomeBlock(rows, lsg, "ballots"))
}

// HomeMeetings is the home page's block of upcoming platform meetings;
// nothing when none is planned.
func (h *Handlers) HomeMeetings(r *http.Request, lsg string) (template.HTML, error) {
	rows, err := h.svc.Meetings.Upcoming(r.Context(), lsg, homeLimit(lsg))
	if err != nil || len(rows) == 0 {
		return "", err
	}
	return h.srv.Render.Fragment(r, "dialogue/home", "home-meetings", newHomeBlock(rows, lsg, "meetings"))
}
