package events

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
	"github.com/dijalog/dijalog/internal/text"
	"github.com/google/uuid"
)

// Service holds the rules of events.
type Service struct {
	perIP   *window // registrations started per client address and hour
	db      *db.DB
	out     *mail.Outbox
	cat     *i18n.Catalog
	baseURL string
	index   search.Indexer // the platform's search index; nil: not indexed
}

// NewService builds the service. index receives each event in the
// transaction that writes it (nil: events are not searchable).
func NewService(d *db.DB, out *mail.Outbox, cat *i18n.Catalog, baseURL string, index search.Indexer) *Service {
	return &Service{perIP: newWindow(PerIPHour, time.Hour), db: d, out: out, cat: cat, baseURL: strings.TrimRight(baseURL, "/"), index: index}
}

// Create publishes an event.
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Event, error) {
	if !auth.CanPublishAs(u, in.OrganiserKind, in.OrganiserRef) {
		return nil, refuse.ErrForbidden
	}
	e, errs := in.parse()
	if len(errs) > 0 {
		return nil, errs
	}
	if e.OrganiserKind == auth.PublisherLSG && e.LSG == "" {
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
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertEvent(ctx, tx, e, by, db.Now()); err != nil {
			return err
		}
		var actor int64
		if u != nil {
			actor = u.ID
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor, Action: "events.event.create", ObjectKind: "event", ObjectRef: e.PublicID,
			Details: map[string]string{"organiser": e.OrganiserKind + ":" + e.OrganiserRef, "lsg": e.LSG}}); err != nil {
			return err
		}
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

// BySlug loads an event.
func (s *Service) BySlug(ctx context.Context, slug string) (*Event, error) {
	if slug == "" || len(slug) > 120 {
		return nil, refuse.ErrNotFound
	}
	e, err := eventBySlug(ctx, s.db, slug)
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
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	es, err := listEvents(ctx, s.db, f, db.Now())
	if err != nil {
		return nil, fmt.Errorf("events.List: %w", err)
	}
	return es, nil
}

// PendingLifetime is how long a registration made without a signed-in
// account waits for its address to confirm it; PendingResend is how long a
// second registration of the same address for the same event mails
// nothing (a stranger's address gets at most one link a day per event).
const (
	PendingLifetime = 48 * time.Hour
	PendingResend   = 24 * time.Hour
)

// PerIPHour is how many registrations one client address may start in an
// hour without a signed-in account.
const PerIPHour = 10

// Register books a place (or a place on the waiting list) for a registrant.
// Only an address someone has shown they own takes a seat: a signed-in
// account registering its own (confirmed) address is booked at once; any
// other registration waits as 'pending', holding no seat, and its address
// is mailed a link to confirm it (ConfirmPending books the seat). The
// answer is the same whether or not the address was already registered, so
// the form reveals nobody's registrations. Capacity is checked inside the
// transaction with the event's row locked, so the event is never overbooked.
func (s *Service) Register(ctx context.Context, u *auth.User, slug, name, email, locale, ip string) (*Registration, error) {
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
	own := u != nil && auth.NormalizeEmail(u.Email) == email
	if !own && !s.perIP.allow(ip, time.Now()) {
		return nil, ErrThrottled
	}
	reg := &Registration{PublicID: uuid.NewString(), Name: name, Email: email}
	sent := false
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if !own {
			var err error
			sent, err = s.hold(ctx, tx, slug, reg, locale)
			return err
		}
		ev, err := s.book(ctx, tx, slug, reg)
		if err != nil {
			return err
		}
		sent = true
		return s.out.Enqueue(ctx, tx, "event:"+reg.PublicID+":"+reg.Status, s.registrationMail(ev, reg, locale))
	})
	if err != nil {
		return nil, fmt.Errorf("events.Register: %w", err)
	}
	if sent {
		s.out.Kick()
	}
	return reg, nil
}

// hold records reg as pending and mails its confirmation link, inside tx.
// An address already registered (or asked within PendingResend) gets no
// new mail; it reports whether a mail was queued.
func (s *Service) hold(ctx context.Context, tx *db.Tx, slug string, reg *Registration, locale string) (bool, error) {
	st, err := lockSeats(ctx, tx, slug)
	if err != nil {
		return false, err
	}
	if st.closed() {
		return false, ErrClosed
	}
	reg.Status = "pending"
	old, err := registrationByEmail(ctx, tx, st.id, reg.Email)
	switch {
	case errors.Is(err, refuse.ErrNotFound):
	case err != nil:
		return false, err
	case old.status == "confirmed", old.status == "waiting",
		old.status == "pending" && time.Since(old.created) < PendingResend:
		return false, nil
	default: // cancelled, or a pending link gone stale: a new row, a new link
		if err := deleteRegistration(ctx, tx, old.id); err != nil {
			return false, err
		}
	}
	if err := insertRegistration(ctx, tx, st.id, reg, db.Now()); err != nil {
		return false, err
	}
	ev, err := eventByID(ctx, tx, st.id)
	if err != nil {
		return false, err
	}
	return true, s.out.Enqueue(ctx, tx, "event:"+reg.PublicID+":pending", s.confirmMail(ev, reg, locale))
}

// book gives reg a place, or a place in the queue, inside tx; it returns
// the event as it is after the booking.
func (s *Service) book(ctx context.Context, tx *db.Tx, slug string, reg *Registration) (*Event, error) {
	st, err := lockSeats(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	if st.closed() {
		return nil, ErrClosed
	}
	reg.Status = st.nextStatus()
	// Someone who cancelled may register again: the old row goes and a new
	// one (with a new public id, so an old cancellation link stays dead)
	// joins the end of the queue. A pending registration of the same
	// address is replaced by this confirmed one.
	old, err := registrationByEmail(ctx, tx, st.id, reg.Email)
	switch {
	case err == nil && old.status != "cancelled" && old.status != "pending":
		return nil, ErrRegistered
	case err == nil:
		if err := deleteRegistration(ctx, tx, old.id); err != nil {
			return nil, err
		}
	case !errors.Is(err, refuse.ErrNotFound):
		return nil, err
	}
	if err := insertRegistration(ctx, tx, st.id, reg, db.Now()); err != nil {
		return nil, err
	}
	return eventByID(ctx, tx, st.id)
}

// ConfirmPending books the seat of a pending registration, from the link
// its address was mailed (the registration's public id is the secret). It
// is idempotent: a registration that is no longer pending is returned as
// it is. A link older than PendingLifetime has expired (register again).
func (s *Service) ConfirmPending(ctx context.Context, e *Event, regPID, locale string) (*Registration, error) {
	if regPID == "" || len(regPID) > 64 {
		return nil, refuse.ErrNotFound
	}
	if !i18n.Supported(locale) {
		locale = i18n.Default
	}
	var reg *Registration
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		st, err := lockSeats(ctx, tx, e.Slug)
		if err != nil {
			return err
		}
		if reg, err = registrationByPID(ctx, tx, st.id, regPID); err != nil || reg.Status != "pending" {
			return err
		}
		if time.Since(reg.CreatedAt) > PendingLifetime {
			return ErrPendingExpired
		}
		if st.closed() {
			return ErrClosed
		}
		reg.Status = st.nextStatus()
		if err := setStatus(ctx, tx, reg.ID, reg.Status, db.Now()); err != nil {
			return err
		}
		ev, err := eventByID(ctx, tx, st.id)
		if err != nil {
			return err
		}
		return s.out.Enqueue(ctx, tx, "event:"+reg.PublicID+":"+reg.Status, s.registrationMail(ev, reg, locale))
	})
	if err != nil {
		return nil, fmt.Errorf("events.ConfirmPending: %w", err)
	}
	s.out.Kick()
	return reg, nil
}

// confirmMail asks the address to confirm a pending registration.
func (s *Service) confirmMail(e *Event, r *Registration, locale string) mail.Message {
	p := s.cat.Printer(locale)
	own := s.baseURL + "/" + locale + "/events/" + e.Slug + "/registration/" + r.PublicID
	hours := fmt.Sprint(int(PendingLifetime / time.Hour))
	body := p.T("events.mail.pending", "name", r.Name, "title", e.Title, "hours", hours)
	text := body + "\n\n" + own + "\n\n" + p.T("events.mail.pending_ignore") + "\n"
	h := "<p>" + html.EscapeString(body) + "</p><p><a href=\"" + html.EscapeString(own) + "\">" + html.EscapeString(p.T("events.registration.confirm")) + "</a></p><p>" + html.EscapeString(p.T("events.mail.pending_ignore")) + "</p>"
	return mail.Message{To: r.Email, Subject: p.T("events.mail.pending.subject", "title", e.Title), Text: text, HTML: `<!doctype html><html lang="` + locale + `"><body>` + h + `</body></html>`}
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
	return auth.CanPublishAs(u, e.OrganiserKind, e.OrganiserRef)
}

// Registrations lists an event's registrations for its organiser.
func (s *Service) Registrations(ctx context.Context, u *auth.User, e *Event) ([]Registration, error) {
	if !CanOrganise(u, e) {
		return nil, refuse.ErrForbidden
	}
	rs, err := registrations(ctx, s.db, e.ID)
	if err != nil {
		return nil, fmt.Errorf("events.Registrations: %w", err)
	}
	return rs, nil
}

// CheckIn marks a confirmed registration as present (or not).
func (s *Service) CheckIn(ctx context.Context, u *auth.User, e *Event, regPID string, present bool) error {
	if !CanOrganise(u, e) {
		return refuse.ErrForbidden
	}
	var at any
	if present {
		at = db.Now()
	}
	if err := setCheckedIn(ctx, s.db, e.ID, regPID, at, db.Now()); err != nil {
		return fmt.Errorf("events.CheckIn: %w", err)
	}
	return nil
}

// Cancel cancels a registration (by its organiser) and moves the first
// person on the waiting list up, mailing them.
func (s *Service) Cancel(ctx context.Context, u *auth.User, e *Event, regPID, locale string) error {
	if !CanOrganise(u, e) {
		return refuse.ErrForbidden
	}
	return s.cancel(ctx, e, regPID, locale)
}

// Registration returns one registration of an event by its public id, the
// secret in the registrant's confirmation mail.
func (s *Service) Registration(ctx context.Context, e *Event, regPID string) (*Registration, error) {
	if regPID == "" || len(regPID) > 64 {
		return nil, refuse.ErrNotFound
	}
	r, err := registrationByPID(ctx, s.db, e.ID, regPID)
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
	var promoted *Registration
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		// Lock the event as Register does, so a cancellation and a new
		// registration never both take the freed place.
		if err := lockEvent(ctx, tx, e.ID); err != nil {
			return err
		}
		r, err := registrationByPID(ctx, tx, e.ID, regPID)
		if err != nil || r.Status == "cancelled" {
			return err
		}
		now := db.Now()
		if err := setCancelled(ctx, tx, regPID, now); err != nil {
			return err
		}
		if r.Status != "confirmed" {
			return nil
		}
		if promoted, err = promoteFirstWaiting(ctx, tx, e.ID, now); err != nil || promoted == nil {
			return err
		}
		return s.out.Enqueue(ctx, tx, "event:"+promoted.PublicID+":confirmed", s.registrationMail(e, promoted, locale))
	})
	if err != nil {
		return fmt.Errorf("events.cancel: %w", err)
	}
	if promoted != nil {
		s.out.Kick()
	}
	return nil
}

// Programmes are the programmes that events name, in alphabetical order.
func (s *Service) Programmes(ctx context.Context) ([]string, error) {
	ps, err := programmes(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("events.Programmes: %w", err)
	}
	return ps, nil
}
