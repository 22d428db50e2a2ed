package dialogue

import (
	"context"
	"time"

	"github.com/dijalog/dijalog/internal/db"
)

// The SQL of meetings, registrations and decisions.

func insertMeeting(ctx context.Context, tx *db.Tx, mt *Meeting, now time.Time) error {
	id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_meetings (public_id, platform_id, title, starts_at, ends_at, place, online_url, agenda, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		mt.PublicID, mt.PlatformID, mt.Title, mt.StartsAt, mt.EndsAt, mt.Place, mt.OnlineURL, mt.Agenda, now, now)
	mt.ID = id
	return err
}

const selectMeeting = `SELECT m.id, m.public_id, m.platform_id, m.title, m.starts_at, m.ends_at, m.place, m.online_url, m.agenda, m.minutes_md, m.minutes_html,
 (SELECT COUNT(*) FROM dlg_registrations r WHERE r.meeting_id = m.id), (SELECT COUNT(*) FROM dlg_registrations r WHERE r.meeting_id = m.id AND r.attended = 1)
FROM dlg_meetings m`

func scanMeeting(row rowScanner) (Meeting, error) {
	var mt Meeting
	err := row.Scan(&mt.ID, &mt.PublicID, &mt.PlatformID, &mt.Title, &mt.StartsAt, &mt.EndsAt, &mt.Place, &mt.OnlineURL, &mt.Agenda, &mt.MinutesMD, &mt.MinutesHTML, &mt.Registered, &mt.Attended)
	return mt, err
}

func meetingByPID(ctx context.Context, q db.Querier, platformID int64, pid string) (*Meeting, error) {
	mt, err := scanMeeting(q.QueryRowContext(ctx, selectMeeting+` WHERE m.public_id = ? AND m.platform_id = ?`, pid, platformID))
	if err != nil {
		return nil, notFound(err)
	}
	return &mt, nil
}

// meetingIDOf is the id of a meeting of the platform (refuse.ErrNotFound).
func meetingIDOf(ctx context.Context, q db.Querier, platformID int64, pid string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM dlg_meetings WHERE public_id = ? AND platform_id = ?`, pid, platformID).Scan(&id)
	return id, notFound(err)
}

func listMeetings(ctx context.Context, q db.Querier, platformID int64) ([]Meeting, error) {
	return db.All(ctx, q, scanMeeting, selectMeeting+` WHERE m.platform_id = ? ORDER BY m.starts_at DESC LIMIT 200`, platformID)
}

// insertRegistration signs a person up; a second time changes nothing.
func insertRegistration(ctx context.Context, q db.Querier, meetingID, userID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_registrations (meeting_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, meetingID, userID, now, now)
	if db.IsUniqueViolation(err) {
		return nil
	}
	return err
}

func registered(ctx context.Context, q db.Querier, meetingID, userID int64) bool {
	var n int
	_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_registrations WHERE meeting_id = ? AND user_id = ?`, meetingID, userID).Scan(&n)
	return n > 0
}

func listRegistrations(ctx context.Context, q db.Querier, meetingID int64) ([]Registration, error) {
	return db.All(ctx, q, func(row rowScanner) (Registration, error) {
		var r Registration
		var a int
		err := row.Scan(&r.UserID, &r.UserPID, &r.Name, &a)
		r.Attended = a == 1
		return r, err
	}, `SELECT u.id, u.public_id, u.display_name, r.attended FROM dlg_registrations r JOIN users u ON u.id = r.user_id WHERE r.meeting_id = ? ORDER BY u.display_name`, meetingID)
}

func setAttended(ctx context.Context, q db.Querier, meetingID, userID int64, attended bool, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE dlg_registrations SET attended = ?, updated_at = ? WHERE meeting_id = ? AND user_id = ?`, boolInt(attended), now, meetingID, userID)
	return err
}

func setMinutes(ctx context.Context, q db.Querier, meetingID int64, md, html string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE dlg_meetings SET minutes_md = ?, minutes_html = ?, updated_at = ? WHERE id = ?`, md, html, now, meetingID)
	return err
}

func listDecisions(ctx context.Context, q db.Querier, meetingID int64) ([]Decision, error) {
	return db.All(ctx, q, func(r rowScanner) (Decision, error) {
		var d Decision
		return d, r.Scan(&d.ID, &d.Text, &d.InitiativePID, &d.InitiativeTitle)
	}, `SELECT d.id, d.text, COALESCE(i.public_id, ''), COALESCE(i.title, '') FROM dlg_decisions d LEFT JOIN dlg_initiatives i ON i.id = d.initiative_id WHERE d.meeting_id = ? ORDER BY d.id`, meetingID)
}

// insertDecision records a decision of a meeting, about an initiative
// unless initiativeID is 0.
func insertDecision(ctx context.Context, q db.Querier, meetingID, initiativeID int64, text string, now time.Time) error {
	if initiativeID == 0 {
		_, err := q.ExecContext(ctx, `INSERT INTO dlg_decisions (meeting_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)`, meetingID, text, now, now)
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO dlg_decisions (meeting_id, initiative_id, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, meetingID, initiativeID, text, now, now)
	return err
}
