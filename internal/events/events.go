// Package events holds forums, trainings and conferences: their time (with
// time zone), place or online link and capacity, registration with a
// waiting list and a confirmation mail through the outbox, the organiser's
// check-in list, and iCalendar (.ics) files and feeds.
package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/news"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/text"
	"github.com/google/uuid"
)

// Errors.
var (
	ErrNotFound   = refuse.ErrNotFound
	ErrForbidden  = errors.New("events: forbidden")
	ErrRegistered = errors.New("events.error.already_registered")
	ErrClosed     = errors.New("events.error.closed")
)

// Kinds of event.
var Kinds = []string{"forum", "training", "conference", "meeting"}

// Event is one forum, training, conference or meeting.
type Event struct {
	ID            int64
	PublicID      string
	Slug          string
	Kind          string
	Lang          string
	Title         string
	Description   string
	DescHTML      string
	StartsAt      time.Time // UTC
	EndsAt        time.Time // UTC
	TimeZone      string    // IANA zone the times are shown in
	Venue         string
	Address       string
	Lat, Lon      sql.NullFloat64
	OnlineURL     string
	Capacity      int // 0: unlimited
	LSG           string
	Programme     string
	OrganiserKind string
	OrganiserRef  string
	OrganiserName string
	Status        string
	UpdatedAt     time.Time
	Confirmed     int // registrations confirmed
	Waiting       int // on the waiting list
}

// Zone is the event's time zone (UTC if unknown).
func (e *Event) Zone() *time.Location {
	if z, err := time.LoadLocation(e.TimeZone); err == nil {
		return z
	}
	return time.UTC
}

// LocalStart and LocalEnd are the times in the event's zone.
func (e *Event) LocalStart() time.Time { return e.StartsAt.In(e.Zone()) }

// LocalEnd is the end in the event's zone.
func (e *Event) LocalEnd() time.Time { return e.EndsAt.In(e.Zone()) }

// Full reports whether every place is taken.
func (e *Event) Full() bool { return e.Capacity > 0 && e.Confirmed >= e.Capacity }

// Free is the number of places left (-1 unlimited).
func (e *Event) Free() int {
	if e.Capacity == 0 {
		return -1
	}
	return max(0, e.Capacity-e.Confirmed)
}

// Past reports whether the event has ended.
func (e *Event) Past() bool { return e.EndsAt.Before(time.Now()) }

// Registration is one person's place (or place in the queue).
type Registration struct {
	ID          int64
	PublicID    string
	Name, Email string
	Status      string // confirmed, waiting, cancelled
	CheckedInAt sql.NullTime
	CreatedAt   time.Time
}

// Service holds the rules of events.
type Service struct {
	db      *db.DB
	out     *mail.Outbox
	cat     *i18n.Catalog
	baseURL string
	index   search.Indexer // the platform's search index, when wired
}

// NewService builds the service.
func NewService(d *db.DB, out *mail.Outbox, cat *i18n.Catalog, baseURL string) *Service {
	return &Service{db: d, out: out, cat: cat, baseURL: strings.TrimRight(baseURL, "/")}
}

// Input is what an organiser submits.
type Input struct {
	Kind, Lang, Title, Description string
	Start, End                     string // "2006-01-02T15:04" local to TimeZone
	TimeZone                       string
	Venue, Address, OnlineURL      string
	Lat, Lon                       string
	Capacity                       string
	LSG, Programme                 string
	OrganiserKind, OrganiserRef    string
	OrganiserName                  string
}

// FieldErrors maps fields to message keys.
type FieldErrors = news.FieldErrors

func (in *Input) parse() (*Event, FieldErrors) {
	errs := FieldErrors{}
	e := &Event{Kind: in.Kind, Lang: in.Lang, Title: text.Clean(in.Title), Description: text.CleanBlock(in.Description),
		TimeZone: strings.TrimSpace(in.TimeZone), Venue: text.Clean(in.Venue), Address: text.Clean(in.Address), OnlineURL: strings.TrimSpace(in.OnlineURL),
		LSG: strings.TrimSpace(in.LSG), OrganiserKind: in.OrganiserKind, OrganiserRef: in.OrganiserRef, OrganiserName: text.Clean(in.OrganiserName), Status: "published"}
	if ts := news.NormalizeTags(news.TagProgramme, []string{in.Programme}); len(ts) == 1 {
		e.Programme = ts[0].Value
	}
	ok := false
	for _, k := range Kinds {
		ok = ok || k == e.Kind
	}
	if !ok {
		errs["kind"] = "events.error.kind"
	}
	if !text.ValidLang(e.Lang) {
		errs["lang"] = "news.error.lang"
	}
	if e.Title == "" {
		errs["title"] = "news.error.required"
	} else if len(e.Title) > news.MaxTitle {
		errs["title"] = "news.error.too_long"
	}
	if len(e.Description) > 20000 {
		errs["description"] = "news.error.too_long"
	}
	if e.TimeZone == "" {
		e.TimeZone = "Europe/Sarajevo"
	}
	zone, err := time.LoadLocation(e.TimeZone)
	if err != nil || e.TimeZone == "Local" {
		errs["time_zone"] = "events.error.zone"
		zone = time.UTC
	}
	start, err1 := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(in.Start), zone)
	end, err2 := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(in.End), zone)
	switch {
	case err1 != nil:
		errs["start"] = "events.error.time"
	case err2 != nil:
		errs["end"] = "events.error.time"
	case end.Before(start):
		errs["end"] = "events.error.end_before_start"
	case start.Year() < 2000 || start.Year() > 2100:
		errs["start"] = "events.error.time"
	}
	e.StartsAt, e.EndsAt = db.Time(start), db.Time(end)
	if len(e.Venue) > 200 || len(e.Address) > 300 {
		errs["venue"] = "news.error.too_long"
	}
	if e.OnlineURL != "" {
		u, err := url.Parse(e.OnlineURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(e.OnlineURL) > 500 {
			errs["online_url"] = "events.error.url"
		}
	}
	if e.Venue == "" && e.OnlineURL == "" {
		errs["venue"] = "events.error.place"
	}
	if s := strings.TrimSpace(in.Capacity); s != "" {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n < 0 || n > 100000 {
			errs["capacity"] = "events.error.capacity"
		}
		e.Capacity = n
	}
	if in.Lat != "" || in.Lon != "" {
		var lat, lon float64
		_, e1 := fmt.Sscan(in.Lat, &lat)
		_, e2 := fmt.Sscan(in.Lon, &lon)
		if e1 != nil || e2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			errs["lat"] = "events.error.point"
		} else {
			e.Lat, e.Lon = sql.NullFloat64{Float64: lat, Valid: true}, sql.NullFloat64{Float64: lon, Valid: true}
		}
	}
	e.DescHTML = text.Markdown(e.Description)
	return e, errs
}

// Create publishes an event.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Event, error) {
	if !news.CanAuthor(u, in.OrganiserKind, in.OrganiserRef) {
		return nil, ErrForbidden
	}
	e, errs := in.parse()
	if len(errs) > 0 {
		return nil, errs
	}
	if e.OrganiserKind == news.AuthorLSG && e.LSG == "" {
		e.LSG = e.OrganiserRef
	}
	e.PublicID = uuid.NewString()
	slug := auth.Slugify(e.Title)
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
	}
	e.Slug = slug + "-" + e.PublicID[:8]
	var by any
	if u != nil {
		by = u.ID
	}
	now := db.Now()
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO events (public_id, slug, kind, lang, title, description, description_html, starts_at, ends_at, time_zone, venue, address, lat, lon, online_url, capacity, lsg, programme, organiser_kind, organiser_ref, organiser_name, created_by, status, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?) RETURNING id`,
			e.PublicID, e.Slug, e.Kind, e.Lang, e.Title, e.Description, e.DescHTML, e.StartsAt, e.EndsAt, e.TimeZone, e.Venue, e.Address, e.Lat, e.Lon, e.OnlineURL, e.Capacity, e.LSG, e.Programme,
			e.OrganiserKind, e.OrganiserRef, e.OrganiserName, by, now, now)
		if err != nil {
			return err
		}
		e.ID, e.UpdatedAt = id, now
		if s.index == nil {
			return nil
		}
		return s.index.Upsert(ctx, tx, e.SearchDocument())
	})
	if err != nil {
		return nil, fmt.Errorf("events.Create: %w", err)
	}
	return e, nil
}

const cols = `e.id, e.public_id, e.slug, e.kind, e.lang, e.title, e.description, e.description_html, e.starts_at, e.ends_at, e.time_zone, e.venue, e.address, e.lat, e.lon, e.online_url, e.capacity, e.lsg, e.programme, e.organiser_kind, e.organiser_ref, e.organiser_name, e.status, e.updated_at,
(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'confirmed'),
(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waiting')`

func scan(row interface{ Scan(...any) error }) (*Event, error) {
	e := &Event{}
	err := row.Scan(&e.ID, &e.PublicID, &e.Slug, &e.Kind, &e.Lang, &e.Title, &e.Description, &e.DescHTML, &e.StartsAt, &e.EndsAt, &e.TimeZone, &e.Venue, &e.Address, &e.Lat, &e.Lon, &e.OnlineURL, &e.Capacity, &e.LSG, &e.Programme,
		&e.OrganiserKind, &e.OrganiserRef, &e.OrganiserName, &e.Status, &e.UpdatedAt, &e.Confirmed, &e.Waiting)
	return e, err
}

// BySlug loads an event.
func (s *Service) BySlug(ctx context.Context, slug string) (*Event, error) {
	if slug == "" || len(slug) > 120 {
		return nil, ErrNotFound
	}
	e, err := scan(s.db.QueryRowContext(ctx, `SELECT `+cols+` FROM events e WHERE e.slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("events.BySlug(%q): %w", slug, err)
	}
	return e, nil
}

// Filter selects events.
type Filter struct {
	LSG, Programme string
	Upcoming       bool // only events that have not ended
	Past           bool // only events that have ended
	Limit          int
}

// List returns events by start time (upcoming first ascending; past descending).
func (s *Service) List(ctx context.Context, f Filter) ([]*Event, error) {
	where := []string{"e.status = 'published'"}
	var args []any
	if f.LSG != "" {
		where, args = append(where, "e.lsg = ?"), append(args, f.LSG)
	}
	if f.Programme != "" {
		where, args = append(where, "e.programme = ?"), append(args, f.Programme)
	}
	order := "e.starts_at DESC"
	now := db.Now()
	if f.Upcoming {
		where, args, order = append(where, "e.ends_at >= ?"), append(args, now), "e.starts_at ASC"
	}
	if f.Past {
		where, args = append(where, "e.ends_at < ?"), append(args, now)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rs, err := s.db.QueryContext(ctx, `SELECT `+cols+` FROM events e WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("events.List: %w", err)
	}
	defer rs.Close()
	var out []*Event
	for rs.Next() {
		e, err := scan(rs)
		if err != nil {
			return nil, fmt.Errorf("events.List: %w", err)
		}
		out = append(out, e)
	}
	return out, rs.Err()
}

// Register books a place for name/email, or a place on the waiting list
// when the event is full, and mails a confirmation (through the outbox, in
// the same transaction). Capacity is checked inside the transaction; on
// PostgreSQL the event row is locked, on SQLite the write transaction is
// exclusive, so the event is never overbooked.
func (s *Service) Register(ctx context.Context, slug, name, email, locale string) (*Registration, error) {
	name, email = text.Clean(name), auth.NormalizeEmail(email)
	errs := FieldErrors{}
	if name == "" || len(name) > 200 {
		errs["name"] = "news.error.required"
	}
	if k := auth.ValidateEmail(email); k != "" {
		errs["email"] = "news.newsletter.email_invalid"
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if !i18n.Supported(locale) {
		locale = i18n.Default
	}
	reg := &Registration{PublicID: uuid.NewString(), Name: name, Email: email}
	var ev *Event
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		lock := ""
		if tx.Dialect() == db.Postgres {
			lock = " FOR UPDATE"
		}
		var id, capacity int64
		var ends time.Time
		var status string
		err := tx.QueryRowContext(ctx, `SELECT id, capacity, ends_at, status FROM events WHERE slug = ?`+lock, slug).Scan(&id, &capacity, &ends, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != "published" || ends.Before(time.Now()) {
			return ErrClosed
		}
		var confirmed int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status = 'confirmed'`, id).Scan(&confirmed); err != nil {
			return err
		}
		reg.Status = "confirmed"
		if capacity > 0 && confirmed >= capacity {
			reg.Status = "waiting"
		}
		now := db.Now()
		// Someone who cancelled may register again: the same row comes back
		// (with a new public id, so an old cancellation link stays dead) at
		// the end of the queue.
		var oldID int64
		var oldStatus string
		err = tx.QueryRowContext(ctx, `SELECT id, status FROM event_registrations WHERE event_id = ? AND email = ?`, id, email).Scan(&oldID, &oldStatus)
		switch {
		case err == nil && oldStatus != "cancelled":
			return ErrRegistered
		case err == nil:
			if _, err := tx.ExecContext(ctx, `DELETE FROM event_registrations WHERE id = ?`, oldID); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		rid, err := db.InsertID(ctx, tx, `INSERT INTO event_registrations (public_id, event_id, email, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			reg.PublicID, id, email, name, reg.Status, now, now)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return ErrRegistered
			}
			return err
		}
		reg.ID, reg.CreatedAt = rid, now
		ev, err = scan(tx.QueryRowContext(ctx, `SELECT `+cols+` FROM events e WHERE e.id = ?`, id))
		if err != nil {
			return err
		}
		return s.out.Enqueue(ctx, tx, "event:"+reg.PublicID+":"+reg.Status, s.registrationMail(ev, reg, locale))
	})
	if err != nil {
		return nil, err
	}
	s.out.Kick()
	return reg, nil
}

func (s *Service) registrationMail(e *Event, r *Registration, locale string) mail.Message {
	p := s.cat.Printer(locale)
	link := s.baseURL + "/" + locale + "/events/" + e.Slug
	when := p.DateTime(e.LocalStart()) + " (" + e.TimeZone + ")"
	where := e.Venue
	if e.Address != "" {
		where += ", " + e.Address
	}
	if where == "" {
		where = e.OnlineURL
	}
	key := "events.mail.confirmed"
	if r.Status == "waiting" {
		key = "events.mail.waiting"
	}
	own := link + "/registration/" + r.PublicID
	text := p.T(key, "name", r.Name, "title", e.Title, "when", when, "where", where) + "\n\n" + link + "\n" + p.T("events.mail.ics") + " " + link + "/event.ics\n\n" + p.T("events.mail.cancel") + "\n" + own + "\n"
	h := "<p>" + html.EscapeString(p.T(key, "name", r.Name, "title", e.Title, "when", when, "where", where)) + "</p><p><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(e.Title) + "</a> · <a href=\"" + html.EscapeString(link+"/event.ics") + "\">" + html.EscapeString(p.T("events.mail.ics")) + "</a></p>" +
		"<p>" + html.EscapeString(p.T("events.mail.cancel")) + " <a href=\"" + html.EscapeString(own) + "\">" + html.EscapeString(p.T("events.registration.title")) + "</a></p>"
	return mail.Message{To: r.Email, Subject: p.T(key+".subject", "title", e.Title), Text: text, HTML: `<!doctype html><html lang="` + locale + `"><body>` + h + `</body></html>`}
}

// CanOrganise reports whether u organises e.
func CanOrganise(u *auth.User, e *Event) bool {
	return news.CanAuthor(u, e.OrganiserKind, e.OrganiserRef)
}

// Registrations lists an event's registrations for its organiser.
func (s *Service) Registrations(ctx context.Context, u *auth.User, e *Event) ([]Registration, error) {
	if !CanOrganise(u, e) {
		return nil, ErrForbidden
	}
	rs, err := s.db.QueryContext(ctx, `SELECT id, public_id, name, email, status, checked_in_at, created_at FROM event_registrations WHERE event_id = ? ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, id`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("events.Registrations: %w", err)
	}
	defer rs.Close()
	var out []Registration
	for rs.Next() {
		var r Registration
		if err := rs.Scan(&r.ID, &r.PublicID, &r.Name, &r.Email, &r.Status, &r.CheckedInAt, &r.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// CheckIn marks a confirmed registration as present (or not).
func (s *Service) CheckIn(ctx context.Context, u *auth.User, e *Event, regPID string, present bool) error {
	if !CanOrganise(u, e) {
		return ErrForbidden
	}
	var at any
	if present {
		at = db.Now()
	}
	res, err := s.db.ExecContext(ctx, `UPDATE event_registrations SET checked_in_at = ?, updated_at = ? WHERE public_id = ? AND event_id = ? AND status = 'confirmed'`, at, db.Now(), regPID, e.ID)
	if err != nil {
		return fmt.Errorf("events.CheckIn: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Cancel cancels a registration (by its organiser) and moves the first
// person on the waiting list up, mailing them.
func (s *Service) Cancel(ctx context.Context, u *auth.User, e *Event, regPID, locale string) error {
	if !CanOrganise(u, e) {
		return ErrForbidden
	}
	return s.cancel(ctx, e, regPID, locale)
}

// Registration returns one registration of an event by its public id, the
// secret in the registrant's confirmation mail.
func (s *Service) Registration(ctx context.Context, e *Event, regPID string) (*Registration, error) {
	if regPID == "" || len(regPID) > 64 {
		return nil, ErrNotFound
	}
	r := &Registration{}
	err := s.db.QueryRowContext(ctx, `SELECT id, public_id, name, email, status, checked_in_at, created_at FROM event_registrations WHERE public_id = ? AND event_id = ?`, regPID, e.ID).
		Scan(&r.ID, &r.PublicID, &r.Name, &r.Email, &r.Status, &r.CheckedInAt, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("events.Registration: %w", err)
	}
	return r, nil
}

// CancelOwn is the registrant's own cancellation, from the link in the
// confirmation mail (the registration's public id is the secret). It is
// idempotent: a second click changes nothing. A past event cannot be
// cancelled any more (the attendance is history).
func (s *Service) CancelOwn(ctx context.Context, e *Event, regPID, locale string) (*Registration, error) {
	r, err := s.Registration(ctx, e, regPID)
	if err != nil {
		return nil, err
	}
	if r.Status == "cancelled" {
		return r, nil
	}
	if e.Past() {
		return nil, ErrClosed
	}
	if err := s.cancel(ctx, e, regPID, locale); err != nil {
		return nil, err
	}
	r.Status = "cancelled"
	return r, nil
}

// cancel marks a registration cancelled and, when it held a place, gives
// the place to the first person waiting, in one transaction with the mail.
func (s *Service) cancel(ctx context.Context, e *Event, regPID, locale string) error {
	promoted := false
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		lock := ""
		if tx.Dialect() == db.Postgres {
			lock = " FOR UPDATE"
		}
		// Lock the event as Register does, so a cancellation and a new
		// registration never both take the freed place.
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM events WHERE id = ?`+lock, e.ID).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM event_registrations WHERE public_id = ? AND event_id = ?`, regPID, e.ID).Scan(&status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if status == "cancelled" {
			return nil
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE event_registrations SET status = 'cancelled', checked_in_at = NULL, updated_at = ? WHERE public_id = ?`, now, regPID); err != nil {
			return err
		}
		if status != "confirmed" {
			return nil
		}
		var r Registration
		err := tx.QueryRowContext(ctx, `SELECT id, public_id, name, email FROM event_registrations WHERE event_id = ? AND status = 'waiting' ORDER BY id LIMIT 1`, e.ID).Scan(&r.ID, &r.PublicID, &r.Name, &r.Email)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE event_registrations SET status = 'confirmed', updated_at = ? WHERE id = ?`, now, r.ID); err != nil {
			return err
		}
		r.Status, promoted = "confirmed", true
		return s.out.Enqueue(ctx, tx, "event:"+r.PublicID+":confirmed", s.registrationMail(e, &r, locale))
	})
	if err == nil && promoted {
		s.out.Kick()
	}
	return err
}

// WriteICS writes events as an iCalendar (RFC 5545) file.
func (s *Service) WriteICS(w io.Writer, name, locale string, es []*Event) error {
	cal := ics.NewCalendarFor("dijalog")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	for _, e := range es {
		ev := cal.AddEvent(e.PublicID + "@dijalog")
		ev.SetDtStampTime(e.UpdatedAt)
		ev.SetModifiedAt(e.UpdatedAt)
		ev.SetStartAt(e.StartsAt)
		ev.SetEndAt(e.EndsAt)
		ev.SetSummary(e.Title)
		desc := e.Description
		if e.OnlineURL != "" {
			desc += "\n\n" + e.OnlineURL
		}
		ev.SetDescription(desc)
		loc := e.Venue
		if e.Address != "" {
			loc += ", " + e.Address
		}
		if loc == "" {
			loc = e.OnlineURL
		}
		ev.SetLocation(strings.Trim(loc, ", "))
		ev.SetURL(s.baseURL + "/" + locale + "/events/" + e.Slug)
		if e.Lat.Valid {
			ev.SetGeo(e.Lat.Float64, e.Lon.Float64)
		}
		ev.SetOrganizer("mailto:noreply@dijalog.local", ics.WithCN(strings.NewReplacer(`"`, "", ";", ",", ":", " ").Replace(e.OrganiserName)))
		if e.Status == "cancelled" {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.SerializeTo(w)
}

// Body is the sanitised description.
func (e *Event) Body(v interface{ Code() string }) template.HTML {
	return template.HTML(e.DescHTML) // sanitised by text.Markdown on write
}

// DocType is the search document type of events.
const DocType = "event"

// SetIndexer makes every new event searchable, in the transaction that
// stores it. Call it before serving.
func (s *Service) SetIndexer(ix search.Indexer) { s.index = ix }

// SearchDocument is the event in the search index: title, description,
// venue and address; its LSG; the year it starts.
func (e *Event) SearchDocument() search.Document {
	doc := search.Document{Type: DocType, ID: e.Slug, LSG: e.LSG, Lang: e.Lang, Year: e.LocalStart().Year(), Title: e.Title, URL: "/events/" + e.Slug,
		Fields: []search.Field{
			{Name: "title", Text: e.Title, Weight: 4},
			{Name: "body", Text: news.PlainText(e.DescHTML), Weight: 1},
		}}
	if place := strings.Trim(e.Venue+", "+e.Address, ", "); place != "" {
		doc.Fields = append(doc.Fields, search.Field{Name: "summary", Text: place, Weight: 2})
	}
	if e.Programme != "" {
		doc.Fields = append(doc.Fields, search.Field{Name: "tags", Text: e.Programme, Weight: 1})
	}
	return doc
}

// SearchSource hands every published event to put, for a rebuild of the
// index (search.Index.AddSource(events.DocType, svc.SearchSource)).
func (s *Service) SearchSource(ctx context.Context, q db.Querier, put func(search.Document) error) error {
	rs, err := q.QueryContext(ctx, `SELECT `+cols+` FROM events e WHERE e.status = 'published' ORDER BY e.id`)
	if err != nil {
		return fmt.Errorf("events.SearchSource: %w", err)
	}
	defer rs.Close()
	var docs []search.Document
	for rs.Next() {
		e, err := scan(rs)
		if err != nil {
			return fmt.Errorf("events.SearchSource: %w", err)
		}
		docs = append(docs, e.SearchDocument())
	}
	if err := rs.Err(); err != nil {
		return err
	}
	for _, d := range docs {
		if err := put(d); err != nil {
			return err
		}
	}
	return nil
}
