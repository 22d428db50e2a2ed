package comments

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/audit"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
)

// invisible reports characters that show nothing but can hide or reorder
// text: zero-width spaces and joiners used to dodge filters, bidirectional
// overrides that make text read backwards, the byte-order mark, soft hyphens.
// (U+200C/U+200D, the joiners some scripts and emoji need, are kept.)
func invisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x180E, r == 0x200B, r == 0x200E, r == 0x200F, r == 0xFEFF:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// visible reports whether s has a character a reader can see.
func visible(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return true
		}
	}
	return false
}

// spam is the simple spam check: too many links, or one word or line said
// over and over. It returns a catalogue key, or "".
func spam(body string) string {
	lower := strings.ToLower(body)
	links := strings.Count(lower, "http://") + strings.Count(lower, "https://") + strings.Count(lower, "www.")
	if links > MaxLinks {
		return "comments.spam_links"
	}
	words := strings.Fields(lower)
	if len(words) >= 20 {
		distinct := map[string]bool{}
		for _, w := range words {
			distinct[w] = true
		}
		if len(distinct)*5 < len(words) {
			return "comments.spam_repeat"
		}
	}
	// One long run of the same character ("!!!!!!!…", "aaaa…").
	run, last := 0, rune(-1)
	for _, r := range body {
		if r == last {
			run++
			if run >= 30 {
				return "comments.spam_repeat"
			}
		} else {
			run, last = 1, r
		}
	}
	return ""
}

// ipLimiter counts comments per client address in memory (one window per
// process); the address is never stored.
type ipLimiter struct {
	mu   sync.Mutex
	hits map[string][]time.Time
}

func newIPLimiter() *ipLimiter { return &ipLimiter{hits: map[string][]time.Time{}} }

func (l *ipLimiter) allow(ip string, now time.Time) bool {
	if ip == "" {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hits) > 10000 {
		for k, v := range l.hits {
			if len(v) == 0 || now.Sub(v[len(v)-1]) > RateWindow {
				delete(l.hits, k)
			}
		}
	}
	keep := l.hits[ip][:0]
	for _, t := range l.hits[ip] {
		if now.Sub(t) < RateWindow {
			keep = append(keep, t)
		}
	}
	if len(keep) >= IPLimit {
		l.hits[ip] = keep
		return false
	}
	l.hits[ip] = append(keep, now)
	return true
}

// BannedUntil is the end of the person's current ban (zero when none).
func (s *Service) BannedUntil(ctx context.Context, userID int64) (time.Time, error) {
	until, err := banEnd(ctx, s.db, userID, s.now())
	if err != nil {
		return time.Time{}, fmt.Errorf("comments.BannedUntil: %w", err)
	}
	return until, nil
}

// BanDays are the ban periods a moderator may choose.
var BanDays = []int{1, 7, 30, 365}

// Ban stops the author of comment pid from commenting anywhere for days
// (one of BanDays), with a reason; global moderators only, audited.
func (s *Service) Ban(ctx context.Context, u *auth.User, pid string, days int, reason, ip string) (*Comment, error) {
	c, err := s.ByPublicID(ctx, pid)
	if err != nil {
		return nil, err
	}
	if u == nil || u.Status != auth.StatusActive || !auth.Can(u, auth.ActModerate, auth.Object{}) || u.ID == c.AuthorID {
		return nil, refuse.ErrForbidden
	}
	reason, key := cleanText(reason, MaxReason)
	if key != "" {
		return nil, FieldErrors{"reason": key}
	}
	ok := false
	for _, d := range BanDays {
		ok = ok || d == days
	}
	if !ok {
		return nil, FieldErrors{"days": "comments.ban_days"}
	}
	now := s.now()
	until := now.Add(time.Duration(days) * 24 * time.Hour)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := insertBan(ctx, tx, c.AuthorID, until, reason, u.ID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "comment.ban", ObjectKind: "user", ObjectRef: fmt.Sprint(c.AuthorID),
			Details: map[string]string{"reason": reason, "days": fmt.Sprint(days), "comment": c.PublicID}, IP: ip})
	})
	if err != nil {
		return nil, fmt.Errorf("comments.Ban: %w", err)
	}
	return c, nil
}

// Edit changes the body of u's own comment within EditWindow of posting.
func (s *Service) Edit(ctx context.Context, u *auth.User, pid, body, ip string) (*Comment, error) {
	c, err := s.ByPublicID(ctx, pid)
	if err != nil {
		return nil, err
	}
	if u == nil || u.Status != auth.StatusActive || u.ID != c.AuthorID {
		return nil, refuse.ErrForbidden
	}
	now := s.now()
	if !c.Editable(now) {
		return c, ErrEditClosed
	}
	body, key := cleanText(body, MaxBody)
	if key == "" {
		key = spam(body)
	}
	if key != "" {
		return c, FieldErrors{"body": key}
	}
	if until, err := s.BannedUntil(ctx, u.ID); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return c, ErrBanned
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := setBody(ctx, tx, c.ID, body, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: u.ID, Action: "comment.edit", ObjectKind: "comment", ObjectRef: c.PublicID, Details: map[string]string{"subject": c.Subject.Type + ":" + c.Subject.ID}, IP: ip})
	})
	if err != nil {
		return nil, fmt.Errorf("comments.Edit: %w", err)
	}
	c.Body, c.EditedAt = body, &now
	return c, nil
}

// Queue is the moderation queue: reported or hidden comments, newest first.
func (s *Service) Queue(ctx context.Context, limit int) ([]Comment, error) {
	out, err := moderationQueue(ctx, s.db, limit)
	if err != nil {
		return nil, fmt.Errorf("comments.Queue: %w", err)
	}
	return out, nil
}

// ---- followers ----

// Mailer is where notifications go: the durable mail outbox (enqueued in
// the comment's own transaction, so none is lost and none sent twice).
type Mailer interface {
	Enqueue(ctx context.Context, q db.Querier, key string, m mail.Message) error
	Kick()
}

type notifier struct {
	out     Mailer
	cat     *i18n.Catalog
	baseURL string
}

func (s *Service) follow(ctx context.Context, q db.Querier, userID int64, subj Subject) error {
	if err := insertFollow(ctx, q, subj, userID, newPublicID()+newPublicID(), s.now()); err != nil {
		return fmt.Errorf("comments.follow: %w", err)
	}
	return nil
}

// Follow makes u follow the subject's thread (allowed to anyone who may read it).
func (s *Service) Follow(ctx context.Context, u *auth.User, subj Subject) error {
	if u == nil || u.Status != auth.StatusActive {
		return refuse.ErrForbidden
	}
	if _, err := s.kind(subj.Type); err != nil {
		return err
	}
	return s.follow(ctx, s.db, u.ID, subj)
}

// Unfollow stops u following the subject.
func (s *Service) Unfollow(ctx context.Context, u *auth.User, subj Subject) error {
	if u == nil {
		return refuse.ErrForbidden
	}
	if err := deleteFollow(ctx, s.db, subj, u.ID); err != nil {
		return fmt.Errorf("comments.Unfollow: %w", err)
	}
	return nil
}

// Following reports whether u follows the subject.
func (s *Service) Following(ctx context.Context, u *auth.User, subj Subject) (bool, error) {
	if u == nil {
		return false, nil
	}
	ok, err := following(ctx, s.db, subj, u.ID)
	if err != nil {
		return false, fmt.Errorf("comments.Following: %w", err)
	}
	return ok, nil
}

// FollowByToken finds the follow a mail's link names (refuse.ErrNotFound if none).
func (s *Service) FollowByToken(ctx context.Context, token string) (Subject, error) {
	var subj Subject
	if token == "" || len(token) > 64 {
		return subj, refuse.ErrNotFound
	}
	subj, err := followOfToken(ctx, s.db, token)
	if errors.Is(err, refuse.ErrNotFound) {
		return subj, err
	}
	if err != nil {
		return subj, fmt.Errorf("comments.FollowByToken: %w", err)
	}
	return subj, nil
}

// UnfollowByToken ends the follow a mail's link names, without signing in.
func (s *Service) UnfollowByToken(ctx context.Context, token string) (Subject, error) {
	subj, err := s.FollowByToken(ctx, token)
	if err != nil {
		return subj, err
	}
	if err := deleteFollowToken(ctx, s.db, token); err != nil {
		return subj, fmt.Errorf("comments.UnfollowByToken: %w", err)
	}
	return subj, nil
}

// notify enqueues the new comment c for every other active follower of its
// subject, in q (the comment's transaction); it returns how many.
func (s *Service) notify(ctx context.Context, q db.Querier, c *Comment) (int, error) {
	n := s.notif
	if n == nil {
		return 0, nil
	}
	k, err := s.kind(c.Subject.Type)
	if err != nil {
		return 0, err
	}
	title := ""
	if k.Title != nil {
		title = k.Title(ctx, c.Subject.ID)
	}
	fs, err := followersOf(ctx, q, c.Subject, c.AuthorID)
	if err != nil {
		return 0, fmt.Errorf("comments.notify: %w", err)
	}
	for _, f := range fs {
		if err := n.out.Enqueue(ctx, q, fmt.Sprintf("comment:%s:%d", c.PublicID, f.id), n.message(f.email, f.locale, f.token, title, k.Path(c.Subject.ID), c)); err != nil {
			return 0, err
		}
	}
	return len(fs), nil
}

// message is the notification of c to one follower, plain text and HTML.
func (n *notifier) message(to, locale, token, title, path string, c *Comment) mail.Message {
	if !i18n.Supported(locale) {
		locale = i18n.Default
	}
	p := n.cat.Printer(locale)
	link := n.baseURL + "/" + locale + path + "#c-" + c.PublicID
	unfollow := n.baseURL + "/" + locale + "/unfollow/" + token
	if title == "" {
		title = n.baseURL + "/" + locale + path
	}
	author := p.Show(c.AuthorName)
	body := c.Body
	if utf8.RuneCountInString(body) > 1000 {
		body = string([]rune(body)[:1000]) + "…"
	}
	body = p.Show(body)
	subject := p.T("comments.mail.subject", "title", title)
	text := p.T("comments.mail.text", "name", author, "title", title) + "\n\n" + body + "\n\n" +
		p.T("comments.mail.open", "link", link) + "\n\n-- \n" + p.T("comments.mail.footer", "unfollow", unfollow) + "\n"
	paras := ""
	for _, para := range strings.Split(body, "\n") {
		paras += html.EscapeString(para) + "<br>"
	}
	h := `<!doctype html><html lang="` + html.EscapeString(p.Code()) + `"><head><meta charset="utf-8"><title>` + html.EscapeString(subject) + `</title></head>` +
		`<body style="font-family:sans-serif;max-width:40em;margin:auto"><p>` + html.EscapeString(p.T("comments.mail.text", "name", author, "title", title)) + `</p>` +
		`<blockquote style="border-left:3px solid #999;margin:0;padding-left:1em">` + paras + `</blockquote>` +
		`<p><a href="` + html.EscapeString(link) + `">` + html.EscapeString(p.T("comments.mail.button")) + `</a></p>` +
		`<p style="color:#555;font-size:small"><a href="` + html.EscapeString(unfollow) + `">` + html.EscapeString(p.T("comments.mail.unfollow")) + `</a></p></body></html>`
	return mail.Message{To: to, Subject: subject, Text: text, HTML: h,
		Headers: map[string]string{"List-Unsubscribe": "<" + unfollow + ">", "Auto-Submitted": "auto-generated"}}
}
