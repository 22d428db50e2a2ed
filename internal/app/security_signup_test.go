package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/mail"
)

// Issue 14, findings 8 (fake people) and 11 (enumeration at registration).

var confirmLinkRe = regexp.MustCompile(`http://example.test(/[a-zA-Z-]+/confirm\?token=\S+)`)

// signUp posts the registration form from a fresh client with its own
// address (X-Forwarded-For is not trusted here: every client is 127.0.0.1).
func (ta *testApp) signUp(t *testing.T, c *http.Client, lang, email, next string) (int, string) {
	t.Helper()
	tok := ta.csrf(t, c)
	status, body, _ := post(t, c, ta.srv.URL+"/"+lang+"/register", url.Values{"csrf_token": {tok}, "name": {"Nova Osoba"}, "email": {email}, "password": {"dovoljno duga lozinka"}, "next": {next}})
	return status, body
}

// mailTo returns the last message to addr, or fails.
func mailTo(t *testing.T, rec *mail.Recorder, addr string) mail.Message {
	t.Helper()
	sent := rec.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].To == addr {
			return sent[i]
		}
	}
	t.Fatalf("no mail to %s among %d", addr, len(sent))
	return mail.Message{}
}

// signIn posts the login form and returns the status and the Location.
func (ta *testApp) signIn(t *testing.T, c *http.Client, email, next string) (int, string, string) {
	t.Helper()
	tok := ta.csrf(t, c)
	status, body, h := post(t, c, ta.srv.URL+"/bs/login", url.Values{"csrf_token": {tok}, "email": {email}, "password": {"dovoljno duga lozinka"}, "next": {next}})
	return status, body, h.Get("Location")
}

// act tries something only a signed-in person may do (comment): it
// reports whether the platform sent the client to sign in instead.
func (ta *testApp) sentToSignIn(t *testing.T, c *http.Client) bool {
	t.Helper()
	tok := ta.csrf(t, c)
	status, _, h := post(t, c, ta.srv.URL+"/bs/comments", url.Values{"csrf_token": {tok}, "subject_type": {"article"}, "subject_id": {"nema-takvog"}, "body": {"x"}})
	return status == http.StatusSeeOther && strings.Contains(h.Get("Location"), "/login")
}

func TestFinding08ConfirmBeforeActing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		c := ta.client(t)
		const email, next = "nova@example.org", "/bs/news"
		if status, body := ta.signUp(t, c, "bs", email, next); status != http.StatusOK || !strings.Contains(body, email) {
			t.Fatalf("sign-up: %d %.300s", status, body)
		}
		// Not signed in by registering, and cannot sign in: it says so and offers a new link.
		if !ta.sentToSignIn(t, c) {
			t.Fatal("an account just registered could comment without confirming its address")
		}
		status, body, _ := ta.signIn(t, c, email, next)
		if status != http.StatusForbidden || !strings.Contains(body, "još nije potvrđena") || !strings.Contains(body, `action="/bs/confirm/resend"`) {
			t.Fatalf("sign-in before confirming: %d %.500s", status, body)
		}
		if !ta.sentToSignIn(t, c) {
			t.Fatal("an unconfirmed account could comment after a refused sign-in")
		}
		// The resend is throttled (a link went out moments ago).
		tok := ta.csrf(t, c)
		if st, b, _ := post(t, c, ta.srv.URL+"/bs/confirm/resend", url.Values{"csrf_token": {tok}, "email": {email}}); st != http.StatusTooManyRequests || !strings.Contains(b, "prije nekoliko minuta") {
			t.Fatalf("resend right after sign-up: %d %.300s", st, b)
		}
		link := confirmLinkRe.FindStringSubmatch(mailTo(t, ta.mail, email).Text)
		if link == nil {
			t.Fatalf("no confirmation link in %q", mailTo(t, ta.mail, email).Text)
		}
		// Opening the link changes nothing; its button confirms, signs in and returns to next.
		if st, b := get(t, c, ta.srv.URL+link[1]); st != http.StatusOK || !strings.Contains(b, `action="/bs/confirm"`) {
			t.Fatalf("confirmation page: %d %.300s", st, b)
		}
		status, loc := confirmPost(t, ta, c, link[1])
		if status != http.StatusSeeOther || loc != next {
			t.Fatalf("confirm: %d to %q, want 303 to %s", status, loc, next)
		}
		if ta.sentToSignIn(t, c) {
			t.Fatal("confirmed and signed in, yet sent to sign in to comment")
		}
		// The link works once.
		c2 := ta.client(t)
		if st, b := get(t, c2, ta.srv.URL+link[1]); st != http.StatusGone || !strings.Contains(b, "već iskorišten") {
			t.Fatalf("the link a second time: %d %.300s", st, b)
		}
		if st, _ := confirmPost(t, ta, c2, link[1]); st != http.StatusGone {
			t.Fatalf("confirming a second time: %d, want 410", st)
		}
		// Signing in now works.
		if st, _, l := ta.signIn(t, c2, email, ""); st != http.StatusSeeOther || strings.Contains(l, "login") {
			t.Fatalf("sign-in after confirming: %d to %s", st, l)
		}
		expiredLink(t, ta)
	})
}

func confirmPost(t *testing.T, ta *testApp, c *http.Client, path string) (int, string) {
	t.Helper()
	u, _ := url.Parse(path)
	tok := ta.csrf(t, c)
	status, _, h := post(t, c, ta.srv.URL+u.Path, url.Values{"csrf_token": {tok}, "token": {u.Query().Get("token")}})
	return status, h.Get("Location")
}

// expiredLink: a link past its 48 hours says it expired.
func expiredLink(t *testing.T, ta *testApp) {
	t.Helper()
	c := ta.client(t)
	const email = "kasno@example.org"
	if status, _ := ta.signUp(t, c, "bs", email, ""); status != http.StatusOK {
		t.Fatalf("sign-up: %d", status)
	}
	link := confirmLinkRe.FindStringSubmatch(mailTo(t, ta.mail, email).Text)
	if link == nil {
		t.Fatal("no link")
	}
	if _, err := ta.DB.ExecContext(context.Background(), `UPDATE email_confirmations SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE email = ?)`, db.Time(time.Now().Add(-time.Hour)), email); err != nil {
		t.Fatal(err)
	}
	if st, b := get(t, c, ta.srv.URL+link[1]); st != http.StatusGone || !strings.Contains(b, "je istekao") {
		t.Fatalf("an expired link: %d %.300s", st, b)
	}
	if st, _ := confirmPost(t, ta, c, link[1]); st != http.StatusGone {
		t.Fatalf("confirming with an expired link: %d, want 410", st)
	}
	if st, _, _ := ta.signIn(t, c, email, ""); st != http.StatusForbidden {
		t.Fatalf("sign-in after an expired link: %d, want 403", st)
	}
}

func TestFinding08RegistrationThrottle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		// One address: a second sign-up mail within minutes is refused.
		c := ta.client(t)
		if st, _ := ta.signUp(t, c, "bs", "jedan@example.org", ""); st != http.StatusOK {
			t.Fatalf("first sign-up: %d", st)
		}
		if st, b := ta.signUp(t, c, "bs", "jedan@example.org", ""); st != http.StatusTooManyRequests || !strings.Contains(b, "prije nekoliko minuta") {
			t.Fatalf("second sign-up of one address: %d %.300s", st, b)
		}
		// One client: five sign-ups an hour (the refused one above counts).
		for i := 0; i < 3; i++ {
			if st, _ := ta.signUp(t, c, "bs", "osoba"+string(rune('a'+i))+"@example.org", ""); st != http.StatusOK {
				t.Fatalf("sign-up %d: %d", i+3, st)
			}
		}
		st, b := ta.signUp(t, c, "en", "sesta@example.org", "")
		if st != http.StatusTooManyRequests || !strings.Contains(b, "Too many accounts were created from your network") {
			t.Fatalf("sixth sign-up from one address: %d %.300s", st, b)
		}
		if n := len(ta.mail.Sent()); n != 4 {
			t.Errorf("%d mails, want 4", n)
		}
	})
}

func TestFinding11RegistrationEnumeration(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta := newTestApp(t, d)
		const known, fresh = "admin@demo.dijalog.ba", "sasvim.nova@example.org"
		st1, b1 := ta.signUp(t, ta.client(t), "bs", known, "")
		st2, b2 := ta.signUp(t, ta.client(t), "bs", fresh, "")
		norm := func(b, addr string) string {
			b = strings.ReplaceAll(b, addr, "ADDRESS")
			return csrfRe.ReplaceAllString(b, "CSRF")
		}
		if st1 != st2 || st1 != http.StatusOK {
			t.Fatalf("statuses: known %d, new %d", st1, st2)
		}
		if norm(b1, known) != norm(b2, fresh) {
			t.Fatalf("the page differs for a known and a new address:\n%.600s\n---\n%.600s", b1, b2)
		}
		if strings.Contains(b1, "već postoji") {
			t.Fatal("the page says the account exists")
		}
		owner := mailTo(t, ta.mail, known)
		if confirmLinkRe.MatchString(owner.Text) || !strings.Contains(owner.Text, "/forgot") || !strings.Contains(owner.Text, "/login") {
			t.Errorf("mail to the known owner: %q %q", owner.Subject, owner.Text)
		}
		if m := mailTo(t, ta.mail, fresh); !confirmLinkRe.MatchString(m.Text) {
			t.Errorf("mail to the new address has no link: %q", m.Text)
		}
		// The known account is unchanged: its password still works.
		c := ta.login(t, known)
		if ta.sentToSignIn(t, c) {
			t.Error("the known account cannot act after someone tried to register its address")
		}
	})
}
