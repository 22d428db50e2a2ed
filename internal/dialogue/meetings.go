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

// Meetings runs the platforms' meetings: the agenda and the iCal feed,
// registrations and attendance, minutes and decisions.
type Meetings struct{ *core }

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

// Create schedules a meeting (managers).
func (s *Meetings) Create(ctx context.Context, u *auth.User, p *Platform, in MeetingInput, m Meta) (*Meeting, error) {
	if u != nil && !s.canManage(ctx, u, p) {
		return nil, refuse.ErrForbidden
	}
	mt := &Meeting{PlatformID: p.ID, StartsAt: db.Time(in.StartsAt), EndsAt: db.Time(in.EndsAt)}
	if fe := mt.fill(in); len(fe) > 0 {
		return nil, fe
	}
	mt.PublicID = newPID()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertMeeting(ctx, tx, mt, s.now()); err != nil {
			return err
		}
		return record(ctx, tx, u, "dialogue.meeting.create", "meeting", mt.PublicID, map[string]string{"platform": p.Slug}, m)
	})
	if err != nil {
		return nil, wrap("CreateMeeting", err)
	}
	return mt, nil
}

// fill sets mt's fields from the form in and returns what is wrong with it.
func (mt *Meeting) fill(in MeetingInput) FieldErrors {
	fe := checks{}
	mt.Title = fe.line("title", in.Title, 200, true)
	mt.Place = fe.line("place", in.Place, 300, false)
	mt.Agenda = fe.line("agenda", in.Agenda, 5000, false)
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
	return FieldErrors(fe)
}

// Get returns a meeting of p by public id.
func (s *Meetings) Get(ctx context.Context, p *Platform, pid string) (*Meeting, error) {
	mt, err := meetingByPID(ctx, s.db, p.ID, pid)
	if err != nil {
		return nil, wrap("Meeting", err)
	}
	return mt, nil
}

// List lists p's meetings, latest first.
func (s *Meetings) List(ctx context.Context, p *Platform) ([]Meeting, error) {
	out, err := listMeetings(ctx, s.db, p.ID)
	return out, wrap("Meetings", err)
}

// Register signs u up for a meeting; a second time changes nothing.
func (s *Meetings) Register(ctx context.Context, u *auth.User, mt *Meeting, m Meta) error {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return refuse.ErrForbidden
	}
	return wrap("Register", insertRegistration(ctx, s.db, mt.ID, u.ID, s.now()))
}

// Registered reports whether u is registered for mt.
func (s *Meetings) Registered(ctx context.Context, u *auth.User, mt *Meeting) bool {
	return u != nil && registered(ctx, s.db, mt.ID, u.ID)
}

// Registrations lists the people registered for mt.
func (s *Meetings) Registrations(ctx context.Context, mt *Meeting) ([]Registration, error) {
	out, err := listRegistrations(ctx, s.db, mt.ID)
	return out, wrap("Registrations", err)
}

// SetAttendance records who attended (managers): attended holds user ids.
func (s *Meetings) SetAttendance(ctx context.Context, u *auth.User, p *Platform, mt *Meeting, attended map[int64]bool, m Meta) error {
	if !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	regs, err := s.Registrations(ctx, mt)
	if err != nil {
		return err
	}
	return wrap("SetAttendance", s.db.InTx(ctx, func(tx *db.Tx) error {
		n := 0
		for _, r := range regs {
			if err := setAttended(ctx, tx, mt.ID, r.UserID, attended[r.UserID], s.now()); err != nil {
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
func (s *Meetings) SetMinutes(ctx context.Context, u *auth.User, p *Platform, mt *Meeting, md string, m Meta) error {
	if u != nil && !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	md, k := cleanLine(md, 50000, false)
	if k != "" {
		return FieldErrors{"minutes": k}
	}
	return s.commit(ctx, "SetMinutes", u, m, func(tx *db.Tx) error { return setMinutes(ctx, tx, mt.ID, md, RenderMinutes(md), s.now()) }, "dialogue.meeting.minutes", "meeting", mt.PublicID, nil)
}

// Decisions lists the decisions of a meeting.
func (s *Meetings) Decisions(ctx context.Context, mt *Meeting) ([]Decision, error) {
	out, err := listDecisions(ctx, s.db, mt.ID)
	return out, wrap("Decisions", err)
}

// AddDecision records a decision at a meeting that is not a selection.
func (s *Meetings) AddDecision(ctx context.Context, u *auth.User, p *Platform, mt *Meeting, text string, m Meta) error {
	if u != nil && !s.canManage(ctx, u, p) {
		return refuse.ErrForbidden
	}
	text, k := cleanLine(text, 2000, true)
	if k != "" {
		return FieldErrors{"decision": k}
	}
	return s.commit(ctx, "AddDecision", u, m, func(tx *db.Tx) error { return insertDecision(ctx, tx, mt.ID, 0, text, s.now()) }, "dialogue.meeting.decision", "meeting", mt.PublicID, nil)
}

// WriteICS writes p's meetings as an RFC 5545 calendar; pageURL(meeting)
// is each meeting's absolute page address.
func (s *Meetings) WriteICS(ctx context.Context, w io.Writer, p *Platform, host string, pageURL func(*Meeting) string) error {
	list, err := s.List(ctx, p)
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
