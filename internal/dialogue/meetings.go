package dialogue

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/text"
)

// RenderMinutes turns Markdown minutes into HTML allowed by the one policy
// for what people write (text.Markdown): raw HTML is not rendered and
// nothing that could run survives.
func RenderMinutes(src string) string { return text.Markdown(src) }

// MeetingInput is the meeting form.
type MeetingInput struct {
	Title, Place, OnlineURL, Agenda string
	StartsAt, EndsAt                time.Time
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// CreateMeeting schedules a meeting (managers).
func (s *Service) CreateMeeting(ctx context.Context, u *auth.User, p *Platform, in MeetingInput, m Meta) (*Meeting, error) {
	if u != nil && !s.CanManage(ctx, u, p) {
		return nil, refuse.ErrForbidden
	}
	fe := FieldErrors{}
	var k string
	mt := &Meeting{PlatformID: p.ID, StartsAt: db.Time(in.StartsAt), EndsAt: db.Time(in.EndsAt)}
	if mt.Title, k = cleanLine(in.Title, 200, true); k != "" {
		fe["title"] = k
	}
	if mt.Place, k = cleanLine(in.Place, 300, false); k != "" {
		fe["place"] = k
	}
	if mt.Agenda, k = cleanLine(in.Agenda, 5000, false); k != "" {
		fe["agenda"] = k
	}
	mt.OnlineURL = strings.TrimSpace(in.OnlineURL)
	if mt.OnlineURL != "" && (!validURL(mt.OnlineURL) || len(mt.OnlineURL) > 500) {
		fe["online_url"] = "dialogue.url.invalid"
	}
	if mt.Place == "" && mt.OnlineURL == "" && fe["place"] == "" {
		fe["place"] = "dialogue.meeting.where"
	}
	if in.StartsAt.IsZero() {
		fe["starts_at"] = "dialogue.date.invalid"
	}
	if in.EndsAt.IsZero() {
		mt.EndsAt = mt.StartsAt.Add(2 * time.Hour)
	} else if in.EndsAt.Before(in.StartsAt) {
		fe["ends_at"] = "dialogue.meeting.ends_before"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	mt.PublicID = newPID()
	now := s.now()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, `INSERT INTO dlg_meetings (public_id, platform_id, title, starts_at, ends_at, place, online_url, agenda, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			mt.PublicID, p.ID, mt.Title, mt.StartsAt, mt.EndsAt, mt.Place, mt.OnlineURL, mt.Agenda, now, now)
		if err != nil {
			return err
		}
		mt.ID = id
		return record(ctx, tx, u, "dialogue.meeting.create", "meeting", mt.PublicID, map[string]string{"platform": p.Slug}, m)
	})
	if err != nil {
		return nil, wrap("CreateMeeting", err)
	}
	return mt, nil
}

const selectMeeting = `SELECT m.id, m.public_id, m.platform_id, m.title, m.starts_at, m.ends_at, m.place, m.online_url, m.agenda, m.minutes_md, m.minutes_html,
 (SELECT COUNT(*) FROM dlg_registrations r WHERE r.meeting_id = m.id), (SELECT COUNT(*) FROM dlg_registrations r WHERE r.meeting_id = m.id AND r.attended = 1)
FROM dlg_meetings m`

func scanMeeting(row interface{ Scan(...any) error }) (*Meeting, error) {
	mt := &Meeting{}
	err := row.Scan(&mt.ID, &mt.PublicID, &mt.PlatformID, &mt.Title, &mt.StartsAt, &mt.EndsAt, &mt.Place, &mt.OnlineURL, &mt.Agenda, &mt.MinutesMD, &mt.MinutesHTML, &mt.Registered, &mt.Attended)
	return mt, err
}

// Meeting returns a meeting of p by public id.
func (s *Service) Meeting(ctx context.Context, p *Platform, pid string) (*Meeting, error) {
	mt, err := scanMeeting(s.db.QueryRowContext(ctx, selectMeeting+` WHERE m.public_id = ? AND m.platform_id = ?`, pid, p.ID))
	if err != nil {
		return nil, wrap("Meeting", notFound(err))
	}
	return mt, nil
}

// Meetings lists p's meetings, latest first.
func (s *Service) Meetings(ctx context.Context, p *Platform) ([]Meeting, error) {
	rows, err := s.db.QueryContext(ctx, selectMeeting+` WHERE m.platform_id = ? ORDER BY m.starts_at DESC LIMIT 200`, p.ID)
	if err != nil {
		return nil, wrap("Meetings", err)
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		mt, err := scanMeeting(rows)
		if err != nil {
			return nil, wrap("Meetings", err)
		}
		out = append(out, *mt)
	}
	return out, wrap("Meetings", rows.Err())
}

// Register signs u up for a meeting; a second time changes nothing.
func (s *Service) Register(ctx context.Context, u *auth.User, mt *Meeting, m Meta) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	now := s.now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO dlg_registrations (meeting_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, mt.ID, u.ID, now, now)
	if db.IsUniqueViolation(err) {
		return nil
	}
	return wrap("Register", err)
}

// Registered reports whether u is registered for mt.
func (s *Service) Registered(ctx context.Context, u *auth.User, mt *Meeting) bool {
	if u == nil {
		return false
	}
	var n int
	_ = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dlg_registrations WHERE meeting_id = ? AND user_id = ?`, mt.ID, u.ID).Scan(&n)
	return n > 0
}

// Registrations lists the people registered for mt.
func (s *Service) Registrations(ctx context.Context, mt *Meeting) ([]Registration, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.public_id, u.display_name, r.attended FROM dlg_registrations r JOIN users u ON u.id = r.user_id WHERE r.meeting_id = ? ORDER BY u.display_name`, mt.ID)
	if err != nil {
		return nil, wrap("Registrations", err)
	}
	defer rows.Close()
	var out []Registration
	for rows.Next() {
		var r Registration
		var a int
		if err := rows.Scan(&r.UserID, &r.UserPID, &r.Name, &a); err != nil {
			return nil, wrap("Registrations", err)
		}
		r.Attended = a == 1
		out = append(out, r)
	}
	return out, wrap("Registrations", rows.Err())
}

// SetAttendance records who attended (managers): attended holds user ids.
func (s *Service) SetAttendance(ctx context.Context, u *auth.User, p *Platform, mt *Meeting, attended map[int64]bool, m Meta) error {
	if !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	regs, err := s.Registrations(ctx, mt)
	if err != nil {
		return err
	}
	return wrap("SetAttendance", s.db.InTx(ctx, func(tx *db.Tx) error {
		n := 0
		for _, r := range regs {
			if _, err := tx.ExecContext(ctx, `UPDATE dlg_registrations SET attended = ?, updated_at = ? WHERE meeting_id = ? AND user_id = ?`, boolInt(attended[r.UserID]), s.now(), mt.ID, r.UserID); err != nil {
				return err
			}
			if attended[r.UserID] {
				n++
			}
		}
		return record(ctx, tx, u, "dialogue.meeting.attendance", "meeting", mt.PublicID, map[string]string{"attended": strconv.Itoa(n)}, m)
	}))
}

// SetMinutes stores the minutes as Markdown and as sanitised HTML.
func (s *Service) SetMinutes(ctx context.Context, u *auth.User, p *Platform, mt *Meeting, md string, m Meta) error {
	if u != nil && !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	md, k := cleanLine(md, 50000, false)
	if k != "" {
		return FieldErrors{"minutes": k}
	}
	html := RenderMinutes(md)
	return wrap("SetMinutes", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dlg_meetings SET minutes_md = ?, minutes_html = ?, updated_at = ? WHERE id = ?`, md, html, s.now(), mt.ID); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.meeting.minutes", "meeting", mt.PublicID, nil, m)
	}))
}

// Decisions lists the decisions of a meeting.
func (s *Service) Decisions(ctx context.Context, mt *Meeting) ([]Decision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.text, COALESCE(i.public_id, ''), COALESCE(i.title, '') FROM dlg_decisions d LEFT JOIN dlg_initiatives i ON i.id = d.initiative_id WHERE d.meeting_id = ? ORDER BY d.id`, mt.ID)
	if err != nil {
		return nil, wrap("Decisions", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.ID, &d.Text, &d.InitiativePID, &d.InitiativeTitle); err != nil {
			return nil, wrap("Decisions", err)
		}
		out = append(out, d)
	}
	return out, wrap("Decisions", rows.Err())
}

// AddDecision records a decision at a meeting that is not a selection.
func (s *Service) AddDecision(ctx context.Context, u *auth.User, p *Platform, mt *Meeting, text string, m Meta) error {
	if u != nil && !s.CanManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	text, k := cleanLine(text, 2000, true)
	if k != "" {
		return FieldErrors{"decision": k}
	}
	now := s.now()
	return wrap("AddDecision", s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dlg_decisions (meeting_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)`, mt.ID, text, now, now); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.meeting.decision", "meeting", mt.PublicID, nil, m)
	}))
}

// WriteICS writes p's meetings as an RFC 5545 calendar; pageURL(meeting)
// is each meeting's absolute page address.
func (s *Service) WriteICS(ctx context.Context, w io.Writer, p *Platform, host string, pageURL func(*Meeting) string) error {
	list, err := s.Meetings(ctx, p)
	if err != nil {
		return err
	}
	cal := ics.NewCalendarFor("dijalog")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(p.Name)
	cal.SetXWRCalName(p.Name)
	for i := range list {
		mt := &list[i]
		e := cal.AddEvent(mt.PublicID + "@" + host)
		e.SetDtStampTime(mt.StartsAt)
		e.SetStartAt(mt.StartsAt)
		e.SetEndAt(mt.EndsAt)
		e.SetSummary(mt.Title)
		loc := mt.Place
		if loc == "" {
			loc = mt.OnlineURL
		}
		if loc != "" {
			e.SetLocation(loc)
		}
		if mt.Agenda != "" {
			e.SetDescription(mt.Agenda)
		}
		e.SetURL(pageURL(mt))
	}
	return cal.SerializeTo(w)
}
