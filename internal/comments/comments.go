// Package comments is the one comments component of the platform: threads
// keyed by (subject type, subject id) with moderation (report, hide and
// restore with a reason, all audited) and a per-person rate limit. A module
// registers a Kind for each subject type it owns, saying who may comment,
// who may moderate and where the thread lives; the thread is rendered with
// Thread and embedded in the module's page.
package comments

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
)

// Limits of the component.
const (
	MaxBody    = 4000 // characters of one comment
	MaxReason  = 300  // characters of a moderation or report reason
	RateWindow = 10 * time.Minute
	RateLimit  = 5  // comments per person and window
	IPLimit    = 20 // comments per client address and window (offices share one)
	EditWindow = 15 * time.Minute
	MaxLinks   = 3 // links in one comment before it counts as spam
	PageSize   = 50
)

// The service's own refusals, each a flavour of a refuse sentinel
// (errors.Is(ErrBanned, refuse.ErrForbidden) holds). Too many comments is
// refuse.ErrRateLimited itself.
var (
	ErrUnknownKind = fmt.Errorf("comments: unknown subject type: %w", refuse.ErrNotFound)
	ErrBanned      = fmt.Errorf("comments: banned from commenting: %w", refuse.ErrForbidden)
	ErrEditClosed  = fmt.Errorf("comments: the edit window has closed: %w", refuse.ErrConflict)
)

// FieldErrors maps form fields to catalogue keys (the one type of internal/web).
type FieldErrors = refuse.FieldErrors

// Subject is what a thread is about.
type Subject struct {
	Type string // "initiative", "article", ...
	ID   string // the subject's public id
}

// Kind describes one subject type, registered by the module that owns it.
type Kind struct {
	// CanComment reports whether u may comment on the subject now (nil: any
	// signed-in, active person). A missing subject returns refuse.ErrNotFound.
	CanComment func(ctx context.Context, u *auth.User, id string) (bool, error)
	// CanModerate reports whether u may hide and restore comments there.
	CanModerate func(ctx context.Context, u *auth.User, id string) (bool, error)
	// Path is the page of the subject without the locale ("/initiatives/x").
	Path func(id string) string
	// Title names the subject in notification mails (nil or "": the path).
	Title func(ctx context.Context, id string) string
}

// Comment is one comment with its author's name.
type Comment struct {
	ID           int64
	PublicID     string
	Subject      Subject
	AuthorID     int64
	AuthorName   string
	Body         string
	Hidden       bool
	HiddenReason string
	Reports      int
	CreatedAt    time.Time
	EditedAt     *time.Time
}

// Editable reports whether the comment's author may still edit it at now.
func (c *Comment) Editable(now time.Time) bool {
	return !c.Hidden && now.Sub(c.CreatedAt) < EditWindow
}

// Service stores comments; it is safe for concurrent use.
type Service struct {
	db    *db.DB
	mu    sync.RWMutex
	kinds map[string]Kind
	now   func() time.Time
	ips   *ipLimiter
	notif *notifier
}

// Deps is what the service is built with.
type Deps struct {
	DB *db.DB
	// Outbox mails the followers of a thread each new comment, in their own
	// language (Catalog), with links to the site at BaseURL
	// ("https://dijalog.ba"). Nil: nobody is mailed.
	Outbox  Mailer
	Catalog *i18n.Catalog
	BaseURL string
	// Now is the clock (nil: db.Now).
	Now func() time.Time
}

// NewService makes the comments service.
func NewService(d Deps) *Service {
	s := &Service{db: d.DB, kinds: map[string]Kind{}, now: d.Now, ips: newIPLimiter()}
	if s.now == nil {
		s.now = db.Now
	}
	if d.Outbox != nil {
		s.notif = &notifier{out: d.Outbox, cat: d.Catalog, baseURL: strings.TrimSuffix(d.BaseURL, "/")}
	}
	return s
}

// RegisterKind makes a subject type commentable.
func (s *Service) RegisterKind(typ string, k Kind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kinds[typ] = k
}

func (s *Service) kind(typ string) (Kind, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.kinds[typ]
	if !ok {
		return Kind{}, ErrUnknownKind
	}
	return k, nil
}

// Path is the page of a subject (for redirects after a post).
func (s *Service) Path(subj Subject) (string, error) {
	k, err := s.kind(subj.Type)
	if err != nil {
		return "", err
	}
	return k.Path(subj.ID), nil
}

// CanModerate reports whether u may moderate the subject's thread.
func (s *Service) CanModerate(ctx context.Context, u *auth.User, subj Subject) (bool, error) {
	if u == nil || u.Status != auth.StatusActive {
		return false, nil
	}
	k, err := s.kind(subj.Type)
	if err != nil {
		return false, err
	}
	if k.CanModerate == nil {
		return auth.Can(u, auth.ActModerate, auth.Object{}), nil
	}
	return k.CanModerate(ctx, u, subj.ID)
}

// CanComment reports whether u may comment on the subject now.
func (s *Service) CanComment(ctx context.Context, u *auth.User, subj Subject) (bool, error) {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return false, nil
	}
	k, err := s.kind(subj.Type)
	if err != nil {
		return false, err
	}
	if k.CanComment == nil {
		return true, nil
	}
	return k.CanComment(ctx, u, subj.ID)
}

func newPublicID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func cleanText(s string, max int) (string, string) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || invisible(r) {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
	s = strings.TrimSpace(s)
	if !visible(s) {
		return "", "form.required"
	}
	if utf8.RuneCountInString(s) > max {
		return s, "comments.too_long"
	}
	return s, ""
}

// Post adds a comment by u. Invalid input and spam return FieldErrors;
// more than RateLimit comments by the person, or IPLimit from the address,
// within RateWindow return refuse.ErrRateLimited; a banned person gets ErrBanned.
// The author follows the subject from then on, and its other followers are
// notified by mail through the outbox, in the same transaction.
func (s *Service) Post(ctx context.Context, u *auth.User, subj Subject, body, ip string) (*Comment, error) {
	ok, err := s.CanComment(ctx, u, subj)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse.ErrForbidden
	}
	body, key := cleanText(body, MaxBody)
	if key == "" {
		key = spam(body)
	}
	if key != "" {
		return nil, FieldErrors{"body": key}
	}
	if until, err := s.BannedUntil(ctx, u.ID); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return nil, ErrBanned
	}
	c := &Comment{PublicID: newPublicID(), Subject: subj, AuthorID: u.ID, AuthorName: u.Name, Body: body, CreatedAt: s.now()}
	if !s.ips.allow(ip, c.CreatedAt) {
		return nil, refuse.ErrRateLimited
	}
	notified := 0
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		recent, same, err := recentBy(ctx, tx, u.ID, body, c.CreatedAt)
		if err != nil {
			return err
		}
		if recent >= RateLimit {
			return refuse.ErrRateLimited
		}
		if same > 0 {
			return FieldErrors{"body": "comments.spam_repeat"}
		}
		if err := insertComment(ctx, tx, c); err != nil {
			return err
		}
		if err := s.follow(ctx, tx, u.ID, subj); err != nil {
			return err
		}
		if notified, err = s.notify(ctx, tx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "comment.post", ObjectKind: "comment", ObjectRef: c.PublicID, Details: map[string]string{"subject": subj.Type + ":" + subj.ID}, IP: ip})
	})
	if err != nil {
		var fe FieldErrors
		if errors.Is(err, refuse.ErrRateLimited) || errors.As(err, &fe) {
			return nil, err
		}
		return nil, fmt.Errorf("comments.Post: %w", err)
	}
	if notified > 0 {
		s.notif.out.Kick()
	}
	return c, nil
}

// withBodies blanks the bodies of hidden comments unless withHidden.
func withBodies(list []Comment, withHidden bool) []Comment {
	for i := range list {
		if list[i].Hidden && !withHidden {
			list[i].Body = ""
		}
	}
	return list
}

// List returns a subject's comments, oldest first; hidden ones only when
// withHidden (for moderators; others see a placeholder from Thread).
func (s *Service) List(ctx context.Context, subj Subject, withHidden bool) ([]Comment, error) {
	out, err := commentsOf(ctx, s.db, subj, 500, 0, false)
	if err != nil {
		return nil, fmt.Errorf("comments.List: %w", err)
	}
	return withBodies(out, withHidden), nil
}

// Page returns one page of a subject's thread, oldest first within the
// page: page 1 is the newest PageSize comments, page 2 the ones before
// them, and so on; total counts the whole thread (hidden ones included,
// shown as placeholders). Hidden bodies only when withHidden.
func (s *Service) Page(ctx context.Context, subj Subject, withHidden bool, page int) (list []Comment, total int, err error) {
	if page < 1 {
		page = 1
	}
	if total, err = countComments(ctx, s.db, subj, false); err != nil {
		return nil, 0, fmt.Errorf("comments.Page: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	list, err = commentsOf(ctx, s.db, subj, PageSize, (page-1)*PageSize, true)
	if err != nil {
		return nil, 0, fmt.Errorf("comments.Page: %w", err)
	}
	list = withBodies(list, withHidden)
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, total, nil
}

// ByPublicID returns one comment.
func (s *Service) ByPublicID(ctx context.Context, pid string) (*Comment, error) {
	c, err := commentByPID(ctx, s.db, pid)
	if errors.Is(err, refuse.ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("comments.ByPublicID: %w", err)
	}
	return c, nil
}

// Report flags a comment for the moderators; one report per person counts.
// A second report by the same person is accepted and changes nothing.
func (s *Service) Report(ctx context.Context, u *auth.User, pid, reason, ip string) (*Comment, error) {
	if !auth.Can(u, auth.ActParticipate, auth.Object{}) {
		return nil, refuse.ErrForbidden
	}
	c, err := s.ByPublicID(ctx, pid)
	if err != nil {
		return nil, err
	}
	reason, key := cleanText(reason, MaxReason)
	if key == "comments.too_long" {
		return nil, FieldErrors{"reason": key}
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertReport(ctx, tx, c.ID, u.ID, reason, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "comment.report", ObjectKind: "comment", ObjectRef: c.PublicID, Details: map[string]string{"reason": reason}, IP: ip})
	})
	if errors.Is(err, refuse.ErrConflict) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("comments.Report: %w", err)
	}
	return c, nil
}

// Hide hides a comment with a reason (moderators of its subject).
func (s *Service) Hide(ctx context.Context, u *auth.User, pid, reason, ip string) (*Comment, error) {
	return s.setStatus(ctx, u, pid, "hidden", reason, ip)
}

// Restore shows a hidden comment again, with a reason.
func (s *Service) Restore(ctx context.Context, u *auth.User, pid, reason, ip string) (*Comment, error) {
	return s.setStatus(ctx, u, pid, "visible", reason, ip)
}

func (s *Service) setStatus(ctx context.Context, u *auth.User, pid, status, reason, ip string) (*Comment, error) {
	c, err := s.ByPublicID(ctx, pid)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanModerate(ctx, u, c.Subject)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse.ErrForbidden
	}
	reason, key := cleanText(reason, MaxReason)
	if key != "" {
		return nil, FieldErrors{"reason": key}
	}
	action := "comment.hide"
	hiddenBy := any(u.ID)
	if status == "visible" {
		action = "comment.restore"
		hiddenBy = nil
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := setStatus(ctx, tx, c.ID, status, reason, hiddenBy, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: action, ObjectKind: "comment", ObjectRef: c.PublicID, Details: map[string]string{"reason": reason, "subject": c.Subject.Type + ":" + c.Subject.ID}, IP: ip})
	})
	if err != nil {
		return nil, fmt.Errorf("comments.%s: %w", action, err)
	}
	c.Hidden = status == "hidden"
	c.HiddenReason = reason
	return c, nil
}

// Count returns the number of visible comments of a subject.
func (s *Service) Count(ctx context.Context, subj Subject) (int, error) {
	n, err := countComments(ctx, s.db, subj, true)
	if err != nil {
		return 0, fmt.Errorf("comments.Count: %w", err)
	}
	return n, nil
}
