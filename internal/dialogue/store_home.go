package dialogue

import (
	"context"
	"database/sql"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/money"
)

// The SQL of the home page's blocks: each one bounded query over the
// whole platform (lsg "") or one LSG.

// inLSG is the condition "the platform of the row (column col) includes
// the LSG of the next two arguments, or the LSG is ”".
func inLSG(col string) string {
	return `(? = '' OR EXISTS (SELECT 1 FROM dlg_platform_lsgs l WHERE l.platform_id = ` + col + ` AND l.lsg_code = ?))`
}

// openInitiatives are the initiatives open for support (of lsg, or all),
// most supported first, each with the start of its platform's next
// meeting (where open initiatives are selected), and how many there are.
func openInitiatives(ctx context.Context, q db.Querier, lsg string, now time.Time, limit int) ([]OpenInitiative, int, error) {
	total := 0
	out, err := db.All(ctx, q, func(r rowScanner) (OpenInitiative, error) {
		var x OpenInitiative
		var next sql.NullTime
		err := r.Scan(&x.PublicID, &x.Title, &x.LSG, &x.PlatformSlug, &x.PlatformName, &x.Supports, &x.SupportGoal, &next, &total)
		x.NextMeeting = next.Time
		return x, err
	}, `SELECT i.public_id, i.title, i.lsg_code, p.slug, p.name, i.supports, p.support_goal, m.starts_at, COUNT(*) OVER ()
FROM dlg_initiatives i JOIN dlg_platforms p ON p.id = i.platform_id
LEFT JOIN dlg_meetings m ON m.platform_id = i.platform_id AND m.starts_at >= ? AND NOT EXISTS (
  SELECT 1 FROM dlg_meetings m2 WHERE m2.platform_id = m.platform_id AND m2.starts_at >= ?
  AND (m2.starts_at < m.starts_at OR (m2.starts_at = m.starts_at AND m2.id < m.id)))
WHERE i.state = 'open' AND (? = '' OR i.lsg_code = ?)
ORDER BY i.supports DESC, i.id DESC LIMIT ?`, now, now, lsg, lsg, limit)
	return out, total, err
}

// openBallots are the ballots open for votes on the platforms of lsg (or
// all), newest first.
func openBallots(ctx context.Context, q db.Querier, lsg string, limit int) ([]OpenBallot, error) {
	return db.All(ctx, q, func(r rowScanner) (OpenBallot, error) {
		var b OpenBallot
		var minor int64
		var cur string
		err := r.Scan(&b.PublicID, &b.Title, &minor, &cur, &b.Ballots, &b.PlatformSlug, &b.PlatformName)
		b.Budget = money.New(minor, cur)
		return b, err
	}, `SELECT b.public_id, b.title, b.budget_minor, b.currency, b.ballots, p.slug, p.name
FROM dlg_ballots b JOIN dlg_platforms p ON p.id = b.platform_id
WHERE b.state = 'open' AND `+inLSG("b.platform_id")+`
ORDER BY b.id DESC LIMIT ?`, lsg, lsg, limit)
}

// upcomingMeetings are the meetings that have not ended, on the platforms
// of lsg (or all), soonest first.
func upcomingMeetings(ctx context.Context, q db.Querier, lsg string, now time.Time, limit int) ([]UpcomingMeeting, error) {
	return db.All(ctx, q, func(r rowScanner) (UpcomingMeeting, error) {
		var m UpcomingMeeting
		err := r.Scan(&m.PublicID, &m.Title, &m.StartsAt, &m.EndsAt, &m.Place, &m.OnlineURL, &m.PlatformSlug, &m.PlatformName)
		return m, err
	}, `SELECT m.public_id, m.title, m.starts_at, m.ends_at, m.place, m.online_url, p.slug, p.name
FROM dlg_meetings m JOIN dlg_platforms p ON p.id = m.platform_id
WHERE m.ends_at >= ? AND `+inLSG("m.platform_id")+`
ORDER BY m.starts_at, m.id LIMIT ?`, now, lsg, lsg, limit)
}
