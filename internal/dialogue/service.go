package dialogue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/cache"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/places"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Places is what the service needs of the places module.
type Places interface {
	ByCode(ctx context.Context, code string) (places.Place, error)
}

// Service is the dialogue domain's API for pages, the JSON API, the CLI and
// the demo loader: one service per entity, over one store.
type Service struct {
	Platforms   *Platforms   // platforms, members, priorities, action plans
	Initiatives *Initiatives // initiatives, their life-cycle, supports, followers
	Residents   *Residents   // verified residents
	Meetings    *Meetings    // meetings, registrations, minutes, decisions
	Ballots     *Ballots     // participatory-budgeting ballots
	Money       *Money       // co-financing, payments, reports, photos, programmes
}

// core is what the entity services share: the database, the clock, the
// photo directory, the followers' mail and the platforms' LSG codes.
type core struct {
	db     *db.DB
	places Places
	files  string // directory of uploaded photos, outside any web root
	now    func() time.Time

	// lsgs caches each platform's LSG codes by platform id: they are set
	// when the platform is created and never change, so every instance
	// may keep its own copy.
	lsgs *cache.Cache[int64, []string]

	// followers' notices; out nil: none are sent
	out     Outbox
	cat     *i18n.Catalog
	baseURL string
}

// Deps is what the service is built with.
type Deps struct {
	DB     *db.DB
	Places Places
	Files  string // directory of uploaded photos, outside any web root
	// Outbox mails the followers of an initiative when it changes state or
	// gets a progress report, in their language (Catalog), with links to
	// the site at BaseURL ("https://dijalog.ba"). Nil: nobody is mailed.
	Outbox  Outbox
	Catalog *i18n.Catalog
	BaseURL string
	// Now is the clock (nil: db.Now).
	Now func() time.Time
}

// NewService makes the service.
func NewService(d Deps) *Service {
	c := &core{db: d.DB, places: d.Places, files: d.Files, now: d.Now, lsgs: cache.New[int64, []string](24*time.Hour, 4096),
		out: d.Outbox, cat: d.Catalog, baseURL: strings.TrimRight(d.BaseURL, "/")}
	if c.now == nil {
		c.now = db.Now
	}
	return &Service{Platforms: &Platforms{c}, Initiatives: &Initiatives{c}, Residents: &Residents{c},
		Meetings: &Meetings{c}, Ballots: &Ballots{c}, Money: &Money{c}}
}

// Meta describes who asks, for the audit log.
type Meta struct{ IP string }

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		return err
	}
	for _, s := range refusals {
		if errors.Is(err, s) {
			return err
		}
	}
	return fmt.Errorf("dialogue.%s: %w", op, err)
}

// refusals are the errors that are answers, not faults: wrap passes them on
// unchanged.
var refusals = []error{refuse.ErrNotFound, refuse.ErrConflict, refuse.ErrForbidden, refuse.ErrSignIn, refuse.ErrInvalid, refuse.ErrRateLimited}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return refuse.ErrNotFound
	}
	return err
}

var b32 = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

func newPID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return b32.EncodeToString(b[:])
}

func actorID(u *auth.User) any {
	if u == nil {
		return nil
	}
	return u.ID
}

func record(ctx context.Context, q db.Querier, u *auth.User, action, kind, ref string, details map[string]string, m Meta) error {
	e := audit.Entry{Action: action, ObjectKind: kind, ObjectRef: ref, Details: details, IP: m.IP}
	if u != nil {
		e.ActorID = u.ID
	}
	return audit.Record(ctx, q, e)
}

// checks gathers the field errors of an input while it is cleaned.
type checks FieldErrors

// line cleans the value of a field (see cleanLine) and notes what is wrong.
func (c checks) line(field, s string, max int, required bool) string {
	v, k := cleanLine(s, max, required)
	c.set(field, k)
	return v
}

// set notes the catalogue key k of a field's error unless k is "".
func (c checks) set(field, k string) {
	if k != "" {
		c[field] = k
	}
}

// cleanLine trims s and reports the catalogue key of what is wrong.
func cleanLine(s string, max int, required bool) (string, string) {
	s = strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" && required {
		return "", "form.required"
	}
	if utf8.RuneCountInString(s) > max {
		return s, "dialogue.too_long"
	}
	return s, ""
}

// commit runs write and records what u did (action on the object kind:ref,
// with details) in one transaction; op names the operation in errors.
func (c *core) commit(ctx context.Context, op string, u *auth.User, m Meta, write func(tx *db.Tx) error, action, kind, ref string, details map[string]string) error {
	return wrap(op, c.db.InTx(ctx, func(tx *db.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return record(ctx, tx, u, action, kind, ref, details, m)
	}))
}

// BaseURL is the public address of the site ("https://dijalog.ba"), for
// links in feeds, calendars and mail.
func (s *Service) BaseURL() string { return s.Platforms.baseURL }
