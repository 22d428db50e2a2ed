// Package events holds forums, trainings and conferences: their time (with
// time zone), place or online link and capacity, registration with a
// waiting list and a confirmation mail through the outbox, the organiser's
// check-in list, and iCalendar (.ics) files and feeds.
package events

import (
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/text"
)

// Errors of registration, flavours of a conflict.
var (
	ErrRegistered = refuse.Key(refuse.ErrConflict, "events.error.already_registered")
	ErrClosed     = refuse.Key(refuse.ErrConflict, "events.error.closed")
	// ErrPendingExpired: a confirmation link older than PendingLifetime.
	ErrPendingExpired = refuse.Key(refuse.ErrConflict, "events.error.pending_expired")
	// ErrThrottled: too many registrations from one client address.
	ErrThrottled = refuse.Key(refuse.ErrRateLimited, "events.error.throttled")
)

// maxTitle is the longest title, in characters (as for articles).
const maxTitle = 200

// tagCode is s as the code of a programme (slugified) or an LSG (as
// written, lower-case): lower-case letters, digits and hyphens, at most 80
// bytes; "" when s is empty, holds several values or is not a code.
func tagCode(s string, slugify bool) string {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" || strings.Contains(s, ",") {
		return ""
	}
	if slugify {
		v = auth.Slugify(text.Clean(s))
	}
	if v == "" || len(v) > 80 {
		return ""
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return ""
		}
	}
	return v
}

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
	Status      string // pending (address not confirmed yet: no seat), confirmed, waiting, cancelled
	CheckedInAt sql.NullTime
	CreatedAt   time.Time
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
type FieldErrors = refuse.FieldErrors

func (in *Input) parse() (*Event, FieldErrors) {
	errs := FieldErrors{}
	e := in.texts(errs)
	in.parseTimes(e, errs)
	in.parsePlace(e, errs)
	e.DescHTML = text.Markdown(e.Description)
	return e, errs
}

// texts cleans the event's texts and checks its kind, language and lengths.
func (in *Input) texts(errs FieldErrors) *Event {
	e := &Event{Kind: in.Kind, Lang: in.Lang, Title: text.Clean(in.Title), Description: text.CleanBlock(in.Description),
		TimeZone: strings.TrimSpace(in.TimeZone), Venue: text.Clean(in.Venue), Address: text.Clean(in.Address), OnlineURL: strings.TrimSpace(in.OnlineURL),
		LSG: strings.TrimSpace(in.LSG), OrganiserKind: in.OrganiserKind, OrganiserRef: in.OrganiserRef, OrganiserName: text.Clean(in.OrganiserName), Status: "published"}
	e.Programme = tagCode(in.Programme, true)
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
	} else if len(e.Title) > maxTitle {
		errs["title"] = "news.error.too_long"
	}
	if len(e.Description) > 20000 {
		errs["description"] = "news.error.too_long"
	}
	return e
}

// parseTimes reads the start and end, local to the event's time zone.
func (in *Input) parseTimes(e *Event, errs FieldErrors) {
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
}

// parsePlace reads the venue, online link, capacity and map point.
func (in *Input) parsePlace(e *Event, errs FieldErrors) {
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
}
