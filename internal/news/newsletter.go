package news

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"crypto/rand"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/text"
	"github.com/google/uuid"
)

// ConfirmLifetime is how long a subscription confirmation link works.
const ConfirmLifetime = 48 * time.Hour

// Token and issue errors, each shown as its own clear page by its key.
var (
	ErrTokenUnknown  = refuse.Key(refuse.ErrNotFound, "news.newsletter.token_unknown")
	ErrTokenExpired  = refuse.Key(refuse.ErrNotFound, "news.newsletter.token_expired")
	ErrTokenUsed     = refuse.Key(refuse.ErrConflict, "news.newsletter.token_used")
	ErrNotSubscribed = refuse.Key(refuse.ErrNotFound, "news.newsletter.not_subscribed")
	ErrIssueNotDraft = refuse.Key(refuse.ErrConflict, "news.issue.not_draft")
	ErrNoRecipients  = refuse.Key(refuse.ErrConflict, "news.issue.no_recipients")
)

// Subscriber is one e-mail address on the newsletter.
type Subscriber struct {
	ID          int64
	PublicID    string
	Email       string
	Lang        string
	Status      string // pending, confirmed, unsubscribed, bounced
	UnsubToken  string
	Bounces     int
	ConfirmedAt *time.Time
	CreatedAt   time.Time
	Topics      []Tag
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

func validToken(t string) bool { return t != "" && len(t) <= 64 && !strings.ContainsAny(t, " \x00") }

// Subscribe starts a double opt-in: it records the address as pending with
// its language and topics and mails a confirmation link that expires. An
// address that is already confirmed gets no mail and the same answer, so
// the form does not reveal who is subscribed.
func (s *Newsletter) Subscribe(ctx context.Context, email, locale string, topics []Tag) error {
	email = auth.NormalizeEmail(email)
	if k := auth.ValidateEmail(email); k != "" {
		return refuse.FieldErrors{"email": "news.newsletter.email_invalid"}
	}
	if !i18n.Supported(locale) {
		locale = i18n.Default
	}
	for _, t := range topics {
		if !validTag(t) || (t.Kind != TagLSG && t.Kind != TagProgramme) {
			return refuse.FieldErrors{"topics": "news.error.tags"}
		}
	}
	tok := newToken()
	now := db.Now()
	p := pending{email: email, lang: locale, confirmHash: hashToken(tok), expires: now.Add(ConfirmLifetime), now: now}
	send := true
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		id, status, expires, err := subscriberStatus(ctx, tx, email)
		switch {
		case errors.Is(err, refuse.ErrNotFound):
			id, err = insertPending(ctx, tx, p)
		case err == nil && (status == "confirmed" || recentlyAsked(status, expires, now)):
			// Nothing to send: already subscribed, or a link went to this
			// address in the last day (a stranger's address is mailed at
			// most once a day, however often someone types it).
			send = false
			return nil
		case err == nil:
			err = renewPending(ctx, tx, id, p)
		}
		if err != nil {
			return err
		}
		if err := insertTopics(ctx, tx, id, topics, now); err != nil {
			return err
		}
		return s.out.Enqueue(ctx, tx, "confirm:"+hashToken(tok)[:32], s.confirmMail(email, locale, tok))
	})
	if err != nil {
		return fmt.Errorf("news.Subscribe: %w", err)
	}
	if send {
		s.out.Kick()
	}
	return nil
}

// ConfirmInterval is how long a pending address waits before it is sent
// another confirmation link.
const ConfirmInterval = 24 * time.Hour

// recentlyAsked reports whether a pending address was sent its link within
// ConfirmInterval (the link was issued ConfirmLifetime before it expires).
func recentlyAsked(status string, expires, now time.Time) bool {
	return status == "pending" && !expires.IsZero() && now.Before(expires.Add(-ConfirmLifetime).Add(ConfirmInterval))
}

// confirmMail asks an address to confirm its subscription with tok.
func (s *Newsletter) confirmMail(email, locale, tok string) mail.Message {
	p := s.cat.Printer(locale)
	link := s.baseURL + "/" + locale + "/newsletter/confirm/" + tok
	return mail.Message{To: email,
		Subject: p.T("news.mail.confirm.subject"),
		Text:    p.T("news.mail.confirm.text", "link", link, "hours", int(ConfirmLifetime.Hours())),
		HTML:    mailHTML(p.Code(), p.T("news.mail.confirm.subject"), "<p>"+html.EscapeString(p.T("news.mail.confirm.lead"))+"</p><p><a href=\""+html.EscapeString(link)+"\">"+html.EscapeString(p.T("news.mail.confirm.button"))+"</a></p><p>"+html.EscapeString(p.T("news.mail.confirm.ignore", "hours", int(ConfirmLifetime.Hours())))+"</p>"),
	}
}

// mailHTML wraps an HTML mail body in a minimal document.
func mailHTML(lang, title, body string) string {
	return `<!doctype html><html lang="` + html.EscapeString(lang) + `"><head><meta charset="utf-8"><title>` + html.EscapeString(title) + `</title></head><body style="font-family:sans-serif;max-width:40em;margin:auto">` + body + `</body></html>`
}

// Confirm completes a subscription from its link.
func (s *Newsletter) Confirm(ctx context.Context, token string) (*Subscriber, error) {
	if !validToken(token) {
		return nil, ErrTokenUnknown
	}
	sub, exp, err := s.subscriberBy(ctx, `confirm_hash = ?`, hashToken(token))
	if err != nil {
		return nil, err
	}
	switch {
	case sub.Status == "confirmed":
		return sub, ErrTokenUsed
	case sub.Status != "pending":
		return nil, ErrTokenUnknown
	case exp.Before(time.Now()):
		return nil, ErrTokenExpired
	}
	now := db.Now()
	welcome := false
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// false: confirmed by a concurrent click, which mails.
		if welcome, err = confirmPending(ctx, tx, sub.ID, now); err != nil || !welcome {
			return err
		}
		return s.out.Enqueue(ctx, tx, "welcome:"+sub.PublicID+":"+hashToken(token)[:16], s.welcomeMail(sub))
	})
	if err != nil {
		return nil, fmt.Errorf("news.Confirm: %w", err)
	}
	if welcome {
		s.out.Kick()
	}
	sub.Status, sub.ConfirmedAt = "confirmed", &now
	return sub, nil
}

// welcomeMail tells a new reader where to manage the subscription and how
// to leave it: the links every issue's footer carries too.
func (s *Newsletter) welcomeMail(sub *Subscriber) mail.Message {
	p := s.cat.Printer(sub.Lang)
	unsub, manage := s.links(sub.Lang, sub.UnsubToken)
	subject := p.T("news.mail.welcome.subject")
	return mail.Message{To: sub.Email, Subject: subject,
		Text: p.T("news.mail.welcome.text", "manage", manage, "unsubscribe", unsub),
		HTML: mailHTML(p.Code(), subject, "<p>"+html.EscapeString(p.T("news.newsletter.confirmed"))+"</p><p><a href=\""+html.EscapeString(manage)+"\">"+
			html.EscapeString(p.T("news.newsletter.manage.link"))+"</a></p><p><a href=\""+html.EscapeString(unsub)+"\">"+html.EscapeString(p.T("news.newsletter.unsubscribe.submit"))+"</a></p>"),
	}
}

func (s *Newsletter) subscriberBy(ctx context.Context, where string, arg any) (*Subscriber, time.Time, error) {
	sub, exp, err := subscriberWhere(ctx, s.db, where, arg)
	if errors.Is(err, refuse.ErrNotFound) {
		return nil, time.Time{}, ErrTokenUnknown
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("news.subscriber: %w", err)
	}
	return sub, exp, nil
}

// SubscriberByToken finds a subscriber by the token in every mail's links.
func (s *Newsletter) SubscriberByToken(ctx context.Context, token string) (*Subscriber, error) {
	if !validToken(token) {
		return nil, ErrTokenUnknown
	}
	sub, _, err := s.subscriberBy(ctx, `unsub_token = ?`, token)
	return sub, err
}

// Unsubscribe ends a subscription (one click, RFC 8058, or the page).
func (s *Newsletter) Unsubscribe(ctx context.Context, token string) (*Subscriber, error) {
	sub, err := s.SubscriberByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if sub.Status == "unsubscribed" {
		return sub, nil
	}
	if err := setSubscriberStatus(ctx, s.db, sub.ID, "unsubscribed", db.Now()); err != nil {
		return nil, fmt.Errorf("news.Unsubscribe: %w", err)
	}
	sub.Status = "unsubscribed"
	return sub, nil
}

// Bounce records a bounce or complaint for an address: a hard bounce, a
// complaint or the third soft bounce stops mail to it.
func (s *Newsletter) Bounce(ctx context.Context, email string, hard bool) error {
	email = auth.NormalizeEmail(email)
	if err := recordBounce(ctx, s.db, email, hard, db.Now()); err != nil {
		return fmt.Errorf("news.Bounce: %w", err)
	}
	return nil
}

// Export is everything the platform holds about a subscriber (GDPR).
type Export struct {
	Email        string     `json:"email"`
	Language     string     `json:"language"`
	Status       string     `json:"status"`
	Topics       []Tag      `json:"topics"`
	Bounces      int        `json:"bounces"`
	SubscribedAt time.Time  `json:"subscribed_at"`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
	MailsSent    int        `json:"mails_sent"`
}

// ExportData returns a subscriber's data.
func (s *Newsletter) ExportData(ctx context.Context, token string) (*Export, error) {
	sub, err := s.SubscriberByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	e := &Export{Email: sub.Email, Language: sub.Lang, Status: sub.Status, Topics: sub.Topics, Bounces: sub.Bounces, SubscribedAt: sub.CreatedAt, ConfirmedAt: sub.ConfirmedAt}
	if e.MailsSent, err = s.out.SentTo(ctx, sub.Email); err != nil {
		return nil, fmt.Errorf("news.ExportData: %w", err)
	}
	return e, nil
}

// DeleteData erases a subscriber and the mail queued or sent to them.
func (s *Newsletter) DeleteData(ctx context.Context, token string) error {
	sub, err := s.SubscriberByToken(ctx, token)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := deleteSubscriber(ctx, tx, sub.ID); err != nil {
			return fmt.Errorf("news.DeleteData: %w", err)
		}
		return s.out.Forget(ctx, tx, sub.Email)
	})
}

// Issue is one edition of the newsletter.
type Issue struct {
	ID        int64
	PublicID  string
	Lang      string
	Subject   string
	Intro     string
	Articles  []string // slugs, in order
	Status    string   // draft, sending, sent
	Total     int
	CreatedAt time.Time
	SentAt    *time.Time
}

// Progress of an issue being sent.
type Progress struct {
	Total, Queued, Sent, Pending, Failed int
}

// CanEdit reports whether u edits the newsletter (platform administrators).
func CanEdit(u *auth.User) bool { return auth.Can(u, auth.ActAdminSite, auth.Object{}) }

// CreateIssue drafts an issue from recent articles.
func (s *Newsletter) CreateIssue(ctx context.Context, u *auth.User, lang, subject, intro string, slugs []string) (*Issue, error) {
	if !CanEdit(u) {
		return nil, refuse.ErrForbidden
	}
	subject, intro = text.Clean(subject), text.CleanBlock(intro)
	errs := refuse.FieldErrors{}
	if k := checkText(subject, MaxTitle, true); k != "" {
		errs["subject"] = k
	}
	if k := checkText(intro, 5000, false); k != "" {
		errs["intro"] = k
	}
	if !i18n.Supported(lang) {
		errs["lang"] = "news.error.lang"
	}
	var keep []string
	for _, sl := range slugs {
		if _, err := s.articles.BySlug(ctx, sl); err == nil {
			keep = append(keep, sl)
		}
	}
	if len(keep) == 0 {
		errs["articles"] = "news.issue.pick_articles"
	}
	if len(errs) > 0 {
		return nil, errs
	}
	is := &Issue{PublicID: uuid.NewString(), Lang: lang, Subject: subject, Intro: intro, Articles: keep, Status: "draft"}
	if err := insertIssue(ctx, s.db, is, u.ID, db.Now()); err != nil {
		return nil, fmt.Errorf("news.CreateIssue: %w", err)
	}
	return is, nil
}

// Issue loads an issue by public id.
func (s *Newsletter) Issue(ctx context.Context, pid string) (*Issue, error) {
	if _, err := uuid.Parse(pid); err != nil {
		return nil, refuse.ErrNotFound
	}
	is, err := issueByPID(ctx, s.db, pid)
	if err != nil {
		return nil, fmt.Errorf("news.Issue: %w", err)
	}
	return is, nil
}

// Issues lists issues, newest first.
func (s *Newsletter) Issues(ctx context.Context) ([]*Issue, error) {
	out, err := latestIssues(ctx, s.db, 50)
	if err != nil {
		return nil, fmt.Errorf("news.Issues: %w", err)
	}
	return out, nil
}

// Render builds the issue's mail (subject, text and HTML) with the
// %%unsubscribe%% and %%manage%% placeholders the outbox fills per reader.
func (s *Newsletter) Render(ctx context.Context, is *Issue) (subject, text, htmlBody string, err error) {
	p := s.cat.Printer(is.Lang)
	var tb, hb strings.Builder
	tb.WriteString(is.Subject + "\n\n")
	if is.Intro != "" {
		tb.WriteString(is.Intro + "\n\n")
		hb.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(is.Intro), "\n", "<br>") + "</p>")
	}
	for _, sl := range is.Articles {
		a, err := s.articles.BySlug(ctx, sl)
		if err != nil {
			continue
		}
		t := a.In(is.Lang)
		title, summary := t.Title, t.Summary
		if is.Lang == "sr-Cyrl" || is.Lang == "sr-Latn" {
			title, summary = scriptFor(is.Lang, title), scriptFor(is.Lang, summary)
		}
		link := s.baseURL + "/" + is.Lang + "/news/" + a.Slug
		tb.WriteString("* " + title + "\n")
		if summary != "" {
			tb.WriteString("  " + summary + "\n")
		}
		tb.WriteString("  " + link + "\n\n")
		hb.WriteString("<h2><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(title) + "</a></h2>")
		if summary != "" {
			hb.WriteString("<p>" + html.EscapeString(summary) + "</p>")
		}
	}
	tb.WriteString("--\n" + p.T("news.mail.footer.unsubscribe") + " %%unsubscribe%%\n" + p.T("news.mail.footer.manage") + " %%manage%%\n")
	hb.WriteString("<hr><p><a href=\"%%unsubscribe%%\">" + html.EscapeString(p.T("news.mail.footer.unsubscribe")) + "</a> · <a href=\"%%manage%%\">" + html.EscapeString(p.T("news.mail.footer.manage")) + "</a></p>")
	return is.Subject, tb.String(), mailHTML(is.Lang, is.Subject, hb.String()), nil
}

func (s *Newsletter) links(lang, token string) (unsub, manage string) {
	return s.baseURL + "/" + lang + "/newsletter/unsubscribe/" + token, s.baseURL + "/" + lang + "/newsletter/manage/" + token
}

// SendTest mails the issue to one address (the editor's).
func (s *Newsletter) SendTest(ctx context.Context, u *auth.User, is *Issue, to string) error {
	if !CanEdit(u) {
		return refuse.ErrForbidden
	}
	subj, text, htmlBody, err := s.Render(ctx, is)
	if err != nil {
		return err
	}
	unsub, manage := s.links(is.Lang, "test")
	r := strings.NewReplacer("%%unsubscribe%%", unsub, "%%manage%%", manage)
	if err := s.out.Enqueue(ctx, s.db, "", mail.Message{To: to, Subject: "[TEST] " + subj, Text: r.Replace(text), HTML: r.Replace(htmlBody)}); err != nil {
		return err
	}
	s.out.Kick()
	return nil
}

// StartSend freezes the issue's body as a mail template and marks it for
// sending; Continue enqueues the recipients in the background.
func (s *Newsletter) StartSend(ctx context.Context, u *auth.User, is *Issue) error {
	if !CanEdit(u) {
		return refuse.ErrForbidden
	}
	if is.Status != "draft" {
		return ErrIssueNotDraft
	}
	subj, text, htmlBody, err := s.Render(ctx, is)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		tid, err := s.out.SaveTemplate(ctx, tx, "issue:"+is.PublicID, subj, text, htmlBody)
		if err != nil {
			return err
		}
		total, err := countConfirmed(ctx, tx, is.Lang)
		if err != nil {
			return err
		}
		ok, err := markSending(ctx, tx, is.ID, tid, total, db.Now())
		if err != nil {
			return fmt.Errorf("news.StartSend: %w", err)
		}
		if !ok {
			return ErrIssueNotDraft
		}
		is.Status, is.Total = "sending", total
		return nil
	})
}

// Continue enqueues the next batch of recipients of every issue being
// sent. Each batch and the cursor move in one transaction and every mail's
// key is "issue:<issue>:<subscriber>", so a crash at any point neither
// skips nor repeats a reader. It returns how many mails it enqueued.
func (s *Newsletter) Continue(ctx context.Context, batch int) (int, error) {
	jobs, err := sendingIssues(ctx, s.db)
	if err != nil {
		return 0, fmt.Errorf("news.Continue: %w", err)
	}
	total := 0
	for _, j := range jobs {
		n, err := s.enqueueBatch(ctx, j, batch)
		if err != nil {
			return total, fmt.Errorf("news.Continue(%s): %w", j.pid, err)
		}
		total += n
	}
	if total > 0 {
		s.out.Kick()
	}
	return total, nil
}

// enqueueBatch enqueues the next batch of an issue's recipients and moves
// its cursor in one transaction (or marks it sent when none are left).
func (s *Newsletter) enqueueBatch(ctx context.Context, j sendJob, batch int) (int, error) {
	n := 0
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		rc, err := nextRecipients(ctx, tx, j, batch)
		if err != nil {
			return err
		}
		if len(rc) == 0 {
			return markSent(ctx, tx, j.id, db.Now())
		}
		for _, r := range rc {
			unsub, manage := s.links(j.lang, r.tok)
			if err := s.out.EnqueueTemplate(ctx, tx, "issue:"+j.pid+":"+r.pid, j.tid, r.email,
				map[string]string{"unsubscribe": unsub, "manage": manage},
				s.listHeaders(j.lang, r.tok)); err != nil {
				return err
			}
		}
		n = len(rc)
		return moveCursor(ctx, tx, j.id, rc[len(rc)-1].id, db.Now())
	})
	return n, err
}

func (s *Newsletter) listHeaders(lang, tok string) map[string]string {
	h := map[string]string{"List-Id": "dijalog <newsletter." + hostOf(s.baseURL) + ">"}
	if s.oneClick {
		h["List-Unsubscribe"] = "<" + s.baseURL + "/api/v1/newsletter/unsubscribe/" + tok + ">"
		h["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	} else {
		unsub, _ := s.links(lang, tok)
		h["List-Unsubscribe"] = "<" + unsub + ">"
	}
	return h
}

func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h, _, _ := strings.Cut(u, "/")
	h, _, _ = strings.Cut(h, ":")
	if h == "" {
		return "localhost"
	}
	return h
}

// Progress reports how far an issue's sending is.
func (s *Newsletter) Progress(ctx context.Context, is *Issue) (Progress, error) {
	st, err := s.out.Stats(ctx, "issue:"+is.PublicID+":")
	if err != nil {
		return Progress{}, err
	}
	return Progress{Total: is.Total, Queued: st.Pending + st.Sent + st.Dead, Sent: st.Sent, Pending: st.Pending, Failed: st.Dead}, nil
}

// RunSender enqueues newsletter batches in the background until ctx ends.
func (s *Newsletter) RunSender(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for {
			n, err := s.Continue(ctx, 500)
			if err != nil {
				if ctx.Err() == nil && !strings.Contains(err.Error(), "closed") {
					s.log.Warn("newsletter: enqueueing failed", "err", err)
				}
				break
			}
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
