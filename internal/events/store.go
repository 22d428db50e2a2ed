package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/refuse"
)

// All of the module's SQL. Functions take a db.Querier (the database or a
// transaction) so that the service decides what runs in one transaction.
// A missing row is refuse.ErrNotFound.

const cols = `e.id, e.public_id, e.slug, e.kind, e.lang, e.title, e.description, e.description_html, e.starts_at, e.ends_at, e.time_zone, e.venue, e.address, e.lat, e.lon, e.online_url, e.capacity, e.lsg, e.programme, e.organiser_kind, e.organiser_ref, e.organiser_name, e.status, e.updated_at,
(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'confirmed'),
(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waiting')`

func scan(row db.Scanner) (*Event, error) {
	e := &Event{}
	err := row.Scan(&e.ID, &e.PublicID, &e.Slug, &e.Kind, &e.Lang, &e.Title, &e.Description, &e.DescHTML, &e.StartsAt, &e.EndsAt, &e.TimeZone, &e.Venue, &e.Address, &e.Lat, &e.Lon, &e.OnlineURL, &e.Capacity, &e.LSG, &e.Programme,
		&e.OrganiserKind, &e.OrganiserRef, &e.OrganiserName, &e.Status, &e.UpdatedAt, &e.Confirmed, &e.Waiting)
	return e, err
}

// notFound turns sql.ErrNoRows into refuse.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return refuse.ErrNotFound
	}
	return err
}

func insertEvent(ctx context.Context, q db.Querier, e *Event, by any, now time.Time) error {
	id, err := db.InsertID(ctx, q, `INSERT INTO events (public_id, slug, kind, lang, title, description, description_html, starts_at, ends_at, time_zone, venue, address, lat, lon, online_url, capacity, lsg, programme, organiser_kind, organiser_ref, organiser_name, created_by, status, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?) RETURNING id`,
		e.PublicID, e.Slug, e.Kind, e.Lang, e.Title, e.Description, e.DescHTML, e.StartsAt, e.EndsAt, e.TimeZone, e.Venue, e.Address, e.Lat, e.Lon, e.OnlineURL, e.Capacity, e.LSG, e.Programme,
		e.OrganiserKind, e.OrganiserRef, e.OrganiserName, by, now, now)
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	e.ID, e.UpdatedAt = id, now
	return nil
}

func eventBySlug(ctx context.Context, q db.Querier, slug string) (*Event, error) {
	e, err := scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM events e WHERE e.slug = ?`, slug))
	return e, notFound(err)
}

func eventByID(ctx context.Context, q db.Querier, id int64) (*Event, error) {
	e, err := scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM events e WHERE e.id = ?`, id))
	return e, notFound(err)
}

func scanEvents(rs *sql.Rows, err error) ([]*Event, error) { return db.Collect(rs, err, scan) }

func listEvents(ctx context.Context, q db.Querier, f Filter, now time.Time) ([]*Event, error) {
	where := []string{"e.status = 'published'"}
	var args []any
	if f.LSG != "" {
		where, args = append(where, "e.lsg = ?"), append(args, f.LSG)
	}
	if f.Programme != "" {
		where, args = append(where, "e.programme = ?"), append(args, f.Programme)
	}
	order := "e.starts_at DESC"
	if f.Upcoming {
		where, args, order = append(where, "e.ends_at >= ?"), append(args, now), "e.starts_at ASC"
	}
	if f.Past {
		where, args = append(where, "e.ends_at < ?"), append(args, now)
	}
	return scanEvents(q.QueryContext(ctx, `SELECT `+cols+` FROM events e WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, append(args, f.Limit)...))
}

func publishedEvents(ctx context.Context, q db.Querier) ([]*Event, error) {
	return scanEvents(q.QueryContext(ctx, `SELECT `+cols+` FROM events e WHERE e.status = 'published' ORDER BY e.id`))
}

// seats is what a registration needs to know of its event, read with the
// event's row locked (tx.LockRows) so that two registrations never both take
// the last place.
type seats struct {
	id, capacity, confirmed int64
	ends                    time.Time
	status                  string
}

// closed reports whether the event takes no registrations (not published,
// or over).
func (st seats) closed() bool { return st.status != "published" || st.ends.Before(time.Now()) }

// nextStatus is the status a registration booked now gets.
func (st seats) nextStatus() string {
	if st.capacity > 0 && st.confirmed >= st.capacity {
		return "waiting"
	}
	return "confirmed"
}

func lockSeats(ctx context.Context, tx *db.Tx, slug string) (seats, error) {
	var st seats
	err := tx.QueryRowContext(ctx, `SELECT id, capacity, ends_at, status FROM events WHERE slug = ?`+tx.LockRows(), slug).Scan(&st.id, &st.capacity, &st.ends, &st.status)
	if err != nil {
		return st, notFound(err)
	}
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status = 'confirmed'`, st.id).Scan(&st.confirmed)
	return st, err
}

func lockEvent(ctx context.Context, tx *db.Tx, id int64) error {
	return notFound(tx.QueryRowContext(ctx, `SELECT id FROM events WHERE id = ?`+tx.LockRows(), id).Scan(&id))
}

// registrationByEmail is the status of an address's registration for an
// event (refuse.ErrNotFound when there is none).
func registrationByEmail(ctx context.Context, q db.Querier, eventID int64, email string) (r registrationState, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, status, created_at FROM event_registrations WHERE event_id = ? AND email = ?`, eventID, email).Scan(&r.id, &r.status, &r.created)
	return r, notFound(err)
}

// registrationState is what a new registration needs to know of an earlier
// one of the same address.
type registrationState struct {
	id      int64
	status  string
	created time.Time
}

// setStatus moves a registration to status (a pending one confirmed or
// queued).
func setStatus(ctx context.Context, q db.Querier, id int64, status string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE event_registrations SET status = ?, updated_at = ? WHERE id = ?`, status, now, id)
	return err
}

func deleteRegistration(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM event_registrations WHERE id = ?`, id)
	return err
}

func insertRegistration(ctx context.Context, q db.Querier, eventID int64, r *Registration, now time.Time) error {
	id, err := db.InsertID(ctx, q, `INSERT INTO event_registrations (public_id, event_id, email, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.PublicID, eventID, r.Email, r.Name, r.Status, now, now)
	if db.IsUniqueViolation(err) {
		return ErrRegistered
	}
	if err != nil {
		return err
	}
	r.ID, r.CreatedAt = id, now
	return nil
}

const registrationCols = `id, public_id, name, email, status, checked_in_at, created_at`

func scanRegistration(row db.Scanner) (Registration, error) {
	var r Registration
	err := row.Scan(&r.ID, &r.PublicID, &r.Name, &r.Email, &r.Status, &r.CheckedInAt, &r.CreatedAt)
	return r, err
}

func registrations(ctx context.Context, q db.Querier, eventID int64) ([]Registration, error) {
	return db.All(ctx, q, scanRegistration, `SELECT `+registrationCols+` FROM event_registrations WHERE event_id = ? ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, id`, eventID)
}

func registrationByPID(ctx context.Context, q db.Querier, eventID int64, pid string) (*Registration, error) {
	r, err := scanRegistration(q.QueryRowContext(ctx, `SELECT `+registrationCols+` FROM event_registrations WHERE public_id = ? AND event_id = ?`, pid, eventID))
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// setCheckedIn marks a confirmed registration present (at) or not (nil).
func setCheckedIn(ctx context.Context, q db.Querier, eventID int64, pid string, at any, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE event_registrations SET checked_in_at = ?, updated_at = ? WHERE public_id = ? AND event_id = ? AND status = 'confirmed'`, at, now, pid, eventID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return refuse.ErrNotFound
	}
	return nil
}

func setCancelled(ctx context.Context, q db.Querier, pid string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE event_registrations SET status = 'cancelled', checked_in_at = NULL, updated_at = ? WHERE public_id = ?`, now, pid)
	return err
}

// promoteFirstWaiting confirms the first person on the waiting list and
// returns them (nil when nobody waits).
func promoteFirstWaiting(ctx context.Context, q db.Querier, eventID int64, now time.Time) (*Registration, error) {
	var r Registration
	err := q.QueryRowContext(ctx, `SELECT id, public_id, name, email FROM event_registrations WHERE event_id = ? AND status = 'waiting' ORDER BY id LIMIT 1`, eventID).Scan(&r.ID, &r.PublicID, &r.Name, &r.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, `UPDATE event_registrations SET status = 'confirmed', updated_at = ? WHERE id = ?`, now, r.ID); err != nil {
		return nil, err
	}
	r.Status = "confirmed"
	return &r, nil
}

// programmes are the programmes that events name, for the pick lists of
// the filter and the form.
func programmes(ctx context.Context, q db.Querier) ([]string, error) {
	return db.All(ctx, q, db.ScanString, `SELECT DISTINCT programme FROM events WHERE programme <> '' ORDER BY programme`)
}
