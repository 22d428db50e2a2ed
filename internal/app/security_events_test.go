package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/events"
)

// TestFinding08EventSeatsNeedConfirmedAddress (issue 14, finding 8, fake
// people): an event's seats go only to addresses someone has shown they
// own. An anonymous registration is pending and holds no seat until the
// link mailed to the address is confirmed; the form's answer does not show
// that link; typing a stranger's address again mails nothing more; one
// client address cannot start more than events.PerIPHour registrations an
// hour; a stale link has expired; a signed-in account's own address is
// booked at once.
func TestFinding08EventSeatsNeedConfirmedAddress(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta, w := newsApp(t, d)
		ctx := context.Background()
		admin, _ := ta.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
		e, err := w.Events.Create(ctx, admin, eventsInput("Forum mladih", "1", "ba-fbih-mostar"))
		if err != nil {
			t.Fatal(err)
		}
		seats := func() (confirmed, waiting int) {
			t.Helper()
			ev, err := w.Events.BySlug(ctx, e.Slug)
			if err != nil {
				t.Fatal(err)
			}
			return ev.Confirmed, ev.Waiting
		}
		c := ta.client(t)
		tok := ta.csrf(t, c)
		register := func(c *http.Client, tok, name, email string) (int, string) {
			t.Helper()
			status, body, _ := post(t, c, ta.srv.URL+"/bs/events/"+e.Slug+"/register", url.Values{"csrf_token": {tok}, "name": {name}, "email": {email}})
			return status, body
		}
		// Invented addresses fill nothing: five pending registrations, no seat taken.
		for i := range 5 {
			status, body := register(c, tok, "Lažni", fmt.Sprintf("lazni%d@example.org", i))
			if status != 200 || !strings.Contains(body, "Još samo korak") || strings.Contains(body, "/registration/") {
				t.Fatalf("anonymous registration = %d (the answer must not carry the registration link): %.400s", status, body)
			}
		}
		if conf, wait := seats(); conf != 0 || wait != 0 {
			t.Fatalf("pending registrations hold %d seats and %d queue places, want none", conf, wait)
		}
		// The same stranger's address typed again: one mail, not two.
		register(c, tok, "Lažni", "lazni0@example.org")
		pendingLink(t, waitMail(t, ta, w, "lazni0@example.org", "Potvrdite prijavu"))
		n := 0
		for _, m := range ta.mail.Sent() {
			if m.To == "lazni0@example.org" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("lazni0@example.org got %d mails, want 1", n)
		}
		// The citizen, signed in, registers their own address: booked at once.
		cit := ta.login(t, "gradjanin@demo.dijalog.ba")
		if status, body := register(cit, ta.csrf(t, cit), "Građanin", "gradjanin@demo.dijalog.ba"); status != 200 || !strings.Contains(body, "Prijavljeni ste") {
			t.Fatalf("signed-in registration = %d: %.300s", status, body)
		}
		if conf, _ := seats(); conf != 1 {
			t.Fatalf("confirmed seats after the citizen's registration = %d, want 1", conf)
		}
		// A confirmed link books a place: the event is full, so the queue.
		link := pendingLink(t, waitMail(t, ta, w, "lazni1@example.org", "Potvrdite prijavu"))
		status, body := get(t, c, ta.srv.URL+link)
		if status != 200 || !strings.Contains(body, "/confirm") {
			t.Fatalf("pending registration page = %d: %.300s", status, body)
		}
		status, body, _ = post(t, c, ta.srv.URL+link+"/confirm", url.Values{"csrf_token": {tok}})
		if status != 200 || !strings.Contains(body, "Na listi čekanja") {
			t.Fatalf("confirm = %d: %.300s", status, body)
		}
		if _, wait := seats(); wait != 1 {
			t.Errorf("waiting after one confirmation = %d, want 1", wait)
		}
		// A second click changes nothing.
		if status, _, _ = post(t, c, ta.srv.URL+link+"/confirm", url.Values{"csrf_token": {tok}}); status != 200 {
			t.Errorf("second confirm = %d", status)
		}
		if _, wait := seats(); wait != 1 {
			t.Errorf("waiting after a repeated confirmation = %d, want 1", wait)
		}
		// A link older than events.PendingLifetime has expired.
		stale := pendingLink(t, waitMail(t, ta, w, "lazni2@example.org", "Potvrdite prijavu"))
		if _, err := d.ExecContext(ctx, `UPDATE event_registrations SET created_at = ? WHERE email = 'lazni2@example.org'`, db.Time(time.Now().Add(-events.PendingLifetime-time.Hour))); err != nil {
			t.Fatal(err)
		}
		if status, body, _ = post(t, c, ta.srv.URL+stale+"/confirm", url.Values{"csrf_token": {tok}}); status != http.StatusConflict || !strings.Contains(body, "istekao") {
			t.Errorf("stale confirm = %d: %.300s", status, body)
		}
		// One client address starts at most PerIPHour registrations an hour
		// (five above, the repeat and these).
		status = 0
		for i := 7; i <= events.PerIPHour; i++ {
			status, _ = register(c, tok, "Lažni", fmt.Sprintf("lazni%d@example.org", i+10))
		}
		if status != 200 {
			t.Fatalf("registration %d from one address = %d, want 200", events.PerIPHour, status)
		}
		if status, body = register(c, tok, "Lažni", "jos.jedan@example.org"); status != http.StatusTooManyRequests || !strings.Contains(body, "Previše prijava") {
			t.Errorf("registration %d from one address = %d, want 429: %.300s", events.PerIPHour+1, status, body)
		}
	})
}
