package comments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/refuse"
)

// outbox records what the comments service enqueues, in the caller's transaction.
type outbox struct {
	mu    sync.Mutex
	msgs  map[string]mail.Message
	kicks int
}

func (o *outbox) Enqueue(_ context.Context, _ db.Querier, key string, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.msgs == nil {
		o.msgs = map[string]mail.Message{}
	}
	o.msgs[key] = m
	return nil
}

func (o *outbox) Kick() { o.mu.Lock(); o.kicks++; o.mu.Unlock() }

func (o *outbox) to(addr string) []mail.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []mail.Message
	for _, m := range o.msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

func articleKind() Kind {
	return Kind{Path: func(id string) string { return "/news/" + id },
		Title: func(_ context.Context, id string) string { return "Članak " + id }}
}

func TestFollowersNotified(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		us := users(t, d, 3)
		a, b, c := us[0], us[1], us[2]
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		out := &outbox{}
		s := NewService(Deps{DB: d, Outbox: out, Catalog: cat, BaseURL: "https://dijalog.test/"})
		s.RegisterKind("article", articleKind())
		subj := Subject{Type: "article", ID: "budzet"}

		// c follows without commenting; a comments (and so follows).
		if err := s.Follow(ctx, c, subj); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Post(ctx, a, subj, "Prvi komentar.", ""); err != nil {
			t.Fatal(err)
		}
		if got := len(out.to(c.Email)); got != 1 {
			t.Fatalf("the follower got %d mails for the first comment, want 1", got)
		}
		if got := len(out.to(a.Email)); got != 0 {
			t.Errorf("the author was notified of their own comment")
		}
		// b answers: a and c hear of it, b does not.
		cm, err := s.Post(ctx, b, subj, "Odgovor <script>alert(1)</script> & više.", "")
		if err != nil {
			t.Fatal(err)
		}
		ma := out.to(a.Email)
		if len(ma) != 1 || len(out.to(c.Email)) != 2 || len(out.to(b.Email)) != 0 {
			t.Fatalf("mails: a %d, b %d, c %d; want 1, 0, 2", len(ma), len(out.to(b.Email)), len(out.to(c.Email)))
		}
		m := ma[0]
		if !strings.Contains(m.Subject, "Članak budzet") || !strings.Contains(m.Text, b.Name) || !strings.Contains(m.Text, "https://dijalog.test/bs/news/budzet#c-"+cm.PublicID) {
			t.Errorf("notification: subject %q, text:\n%s", m.Subject, m.Text)
		}
		if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
			t.Errorf("the HTML part does not escape the comment:\n%s", m.HTML)
		}
		unsub := m.Headers["List-Unsubscribe"]
		tok := strings.TrimSuffix(unsub[strings.LastIndex(unsub, "/")+1:], ">")
		if !strings.HasPrefix(unsub, "<https://dijalog.test/bs/unfollow/") || !strings.Contains(m.Text, "/unfollow/"+tok) {
			t.Fatalf("List-Unsubscribe %q, text:\n%s", unsub, m.Text)
		}
		// Unfollow from the mail's link: a hears of nothing more.
		if got, err := s.UnfollowByToken(ctx, tok); err != nil || got != subj {
			t.Fatalf("UnfollowByToken = %v, %v", got, err)
		}
		if _, err := s.UnfollowByToken(ctx, tok); !errors.Is(err, refuse.ErrNotFound) {
			t.Errorf("a used unfollow token: %v, want not found", err)
		}
		if ok, _ := s.Following(ctx, a, subj); ok {
			t.Errorf("a still follows after unfollowing")
		}
		if _, err := s.Post(ctx, c, subj, "Treći komentar.", ""); err != nil {
			t.Fatal(err)
		}
		if len(out.to(a.Email)) != 1 || len(out.to(b.Email)) != 1 {
			t.Errorf("after a unfollowed: a %d mails (want 1), b %d (want 1)", len(out.to(a.Email)), len(out.to(b.Email)))
		}
		if out.kicks == 0 {
			t.Errorf("the outbox was never woken")
		}
	})
}

func TestNotificationInReaderLocale(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		us := users(t, d, 2)
		if _, err := d.ExecContext(ctx, `UPDATE users SET locale = 'sr-Cyrl' WHERE id = ?`, us[1].ID); err != nil {
			t.Fatal(err)
		}
		cat, _ := i18n.Load()
		out := &outbox{}
		s := NewService(Deps{DB: d, Outbox: out, Catalog: cat, BaseURL: "https://dijalog.test"})
		s.RegisterKind("article", articleKind())
		subj := Subject{Type: "article", ID: "x"}
		_ = s.Follow(ctx, us[1], subj)
		if _, err := s.Post(ctx, us[0], subj, "Dobar dan, Žepče.", ""); err != nil {
			t.Fatal(err)
		}
		ms := out.to(us[1].Email)
		if len(ms) != 1 || !strings.Contains(ms[0].Text, "Добар дан, Жепче.") || !strings.Contains(ms[0].Text, "/sr-Cyrl/news/x") {
			t.Fatalf("the sr-Cyrl reader's mail: %+v", ms)
		}
	})
}

func TestEditBanSpamLimits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		us := users(t, d, 3)
		author, other, mod := us[0], us[1], us[2]
		mod.Grants = []auth.Grant{{Role: auth.RoleModerator, ScopeKind: auth.ScopeGlobal}}
		s := NewService(Deps{DB: d})
		s.RegisterKind("article", articleKind())
		subj := Subject{Type: "article", ID: "a"}
		now := time.Now().UTC()
		s.now = func() time.Time { return now }

		c, err := s.Post(ctx, author, subj, "Prvi tekst.", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		// Edit: the author, within 15 minutes, with the same checks as a post.
		if _, err := s.Edit(ctx, other, c.PublicID, "Tuđa izmjena.", ""); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("someone else edits: %v", err)
		}
		var fe FieldErrors
		if _, err := s.Edit(ctx, author, c.PublicID, "\u200b\u202e ", ""); !errors.As(err, &fe) || fe["body"] != "form.required" {
			t.Errorf("edit to invisible characters only: %v", err)
		}
		now = now.Add(14 * time.Minute)
		if e, err := s.Edit(ctx, author, c.PublicID, "Ispravljen tekst.", ""); err != nil || e.EditedAt == nil {
			t.Fatalf("edit after 14 minutes: %v", err)
		}
		got, _ := s.ByPublicID(ctx, c.PublicID)
		if got.Body != "Ispravljen tekst." || got.EditedAt == nil {
			t.Errorf("after the edit: %q, edited %v", got.Body, got.EditedAt)
		}
		now = now.Add(2 * time.Minute)
		if _, err := s.Edit(ctx, author, c.PublicID, "Prekasno.", ""); !errors.Is(err, ErrEditClosed) {
			t.Errorf("edit after 16 minutes: %v, want ErrEditClosed", err)
		}

		// Spam: links, repetition, the same text again.
		for body, key := range map[string]string{
			"a http://x.ba b https://y.ba c www.z.ba d https://w.ba": "comments.spam_links",
			strings.Repeat("kupi ", 40):                              "comments.spam_repeat",
			"Super" + strings.Repeat("!", 40):                        "comments.spam_repeat",
			"Ispravljen tekst.":                                      "comments.spam_repeat",
			"\u200b\u200b\ufeff":                                     "form.required",
			longText() + "\u200b":                                    "",
			"Zero\u200bwidth \u202eevil\u202c text, links http://a.ba http://b.ba http://c.ba": "",
		} {
			_, err := s.Post(ctx, author, Subject{Type: "article", ID: fmt.Sprint("s", len(body))}, body, "")
			if key == "" {
				if err != nil {
					t.Errorf("post %.40q: %v", body, err)
				}
				continue
			}
			if !errors.As(err, &fe) || fe["body"] != key {
				t.Errorf("post %.40q: %v, want %s", body, err, key)
			}
		}
		list, _ := s.List(ctx, Subject{Type: "article", ID: fmt.Sprint("s", len("Zero\u200bwidth \u202eevil\u202c text, links http://a.ba http://b.ba http://c.ba"))}, false)
		if len(list) != 1 || strings.ContainsAny(list[0].Body, "\u200b\u202e\u202c") {
			t.Errorf("zero-width and bidi characters kept: %+v", list)
		}

		// Ban: global moderators only, for one of the offered periods.
		if _, err := s.Ban(ctx, other, c.PublicID, 7, "uvrede", ""); !errors.Is(err, refuse.ErrForbidden) {
			t.Errorf("a non-moderator bans: %v", err)
		}
		if _, err := s.Ban(ctx, mod, c.PublicID, 3, "uvrede", ""); !errors.As(err, &fe) || fe["days"] == "" {
			t.Errorf("ban for 3 days: %v", err)
		}
		if _, err := s.Ban(ctx, mod, c.PublicID, 7, "", ""); !errors.As(err, &fe) || fe["reason"] == "" {
			t.Errorf("ban without a reason: %v", err)
		}
		if _, err := s.Ban(ctx, mod, c.PublicID, 7, "uvrede", "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Post(ctx, author, subj, "Još nešto.", ""); !errors.Is(err, ErrBanned) {
			t.Errorf("a banned person posts: %v", err)
		}
		if until, _ := s.BannedUntil(ctx, author.ID); until.IsZero() {
			t.Errorf("BannedUntil is zero during the ban")
		}
		now = now.Add(8 * 24 * time.Hour)
		if _, err := s.Post(ctx, author, subj, "Nakon zabrane.", ""); err != nil {
			t.Errorf("after the ban ended: %v", err)
		}
		var n int
		_ = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('comment.ban', 'comment.edit')`).Scan(&n)
		if n != 2 {
			t.Errorf("%d audit entries for the ban and the edit, want 2", n)
		}

		// The queue lists reported comments.
		if _, err := s.Report(ctx, other, c.PublicID, "", ""); err != nil {
			t.Fatal(err)
		}
		q, err := s.Queue(ctx, 10)
		if err != nil || len(q) != 1 || q[0].PublicID != c.PublicID {
			t.Errorf("queue = %+v, %v", q, err)
		}
	})
}

func TestIPRateLimit(t *testing.T) {
	t.Parallel()
	l := newIPLimiter()
	now := time.Now()
	for i := range IPLimit {
		if !l.allow("192.0.2.1", now.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("comment %d from one address refused", i+1)
		}
	}
	if l.allow("192.0.2.1", now.Add(time.Minute)) {
		t.Errorf("comment %d from one address within the window allowed", IPLimit+1)
	}
	if !l.allow("192.0.2.2", now.Add(time.Minute)) {
		t.Errorf("another address refused")
	}
	if !l.allow("192.0.2.1", now.Add(RateWindow+time.Minute)) {
		t.Errorf("the address is still refused after the window")
	}
}

func TestThreadPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		us := users(t, d, 1)
		s := NewService(Deps{DB: d})
		s.RegisterKind("article", articleKind())
		subj := Subject{Type: "article", ID: "p"}
		for i := range PageSize + 7 {
			if _, err := d.ExecContext(ctx, `INSERT INTO comments (public_id, subject_type, subject_id, author_id, body, created_at, updated_at) VALUES (?, 'article', 'p', ?, ?, ?, ?)`,
				fmt.Sprint("pid", i), us[0].ID, fmt.Sprint("k", i), db.Now(), db.Now()); err != nil {
				t.Fatal(err)
			}
		}
		p1, total, err := s.Page(ctx, subj, false, 1)
		if err != nil || total != PageSize+7 || len(p1) != PageSize || p1[0].Body != "k7" || p1[len(p1)-1].Body != fmt.Sprint("k", PageSize+6) {
			t.Fatalf("page 1: %d comments of %d, first %q, %v", len(p1), total, p1[0].Body, err)
		}
		p2, _, _ := s.Page(ctx, subj, false, 2)
		if len(p2) != 7 || p2[0].Body != "k0" || p2[6].Body != "k6" {
			t.Errorf("page 2: %d comments, want k0..k6", len(p2))
		}
	})
}

// longText is MaxBody characters of varied words.
func longText() string {
	var b strings.Builder
	for i := 0; b.Len() < 2*MaxBody; i++ {
		fmt.Fprintf(&b, "riječ%d ", i)
	}
	return string([]rune(b.String())[:MaxBody])
}

// FuzzCleanComment: whatever is typed, an accepted comment is valid UTF-8
// without control, zero-width or bidi-override characters, has something
// visible and is at most MaxBody characters; the spam check never panics.
func FuzzCleanComment(f *testing.F) {
	for _, s := range append(xssSeeds, "", " \u200b ", "a\r\nb", "\xff\xfe", strings.Repeat("w ", 30), "Super"+strings.Repeat("!", 40)) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, key := cleanText(in, MaxBody)
		if key == "" {
			_ = spam(out)
		}
		if key != "" {
			return
		}
		if !utf8.ValidString(out) || !visible(out) || utf8.RuneCountInString(out) > MaxBody {
			t.Fatalf("accepted %q", out)
		}
		for _, r := range out {
			if invisible(r) || r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
				t.Fatalf("accepted %q with %U", out, r)
			}
		}
	})
}

var xssSeeds = []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, "java\u200bscript:alert(1)", "\u202egnp.exe"}
