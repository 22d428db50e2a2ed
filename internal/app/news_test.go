package app

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/comments"
	"github.com/dijalog/dijalog/internal/db"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/events"
	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/mail"
	"github.com/dijalog/dijalog/internal/news"
	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/search"
)

func newsApp(t *testing.T, d *db.DB) (*testApp, *newsWiring) {
	t.Helper()
	ta := newTestApp(t, d)
	w := ta.newsMod()
	if w == nil {
		t.Skip("newsWiring is not embedded in App yet")
	}
	t.Cleanup(ta.stopNewsWorkers)
	return ta, w
}

// waitMail waits until the recorder holds a message to addr whose subject contains sub.
func waitMail(t *testing.T, ta *testApp, w *newsWiring, addr, sub string) mail.Message {
	t.Helper()
	return waitMailAfter(t, ta, 0, addr, sub)
}

// waitMailAfter is waitMail for the mails sent after the first skip.
func waitMailAfter(t *testing.T, ta *testApp, skip int, addr, sub string) mail.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := ta.Outbox.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, m := range ta.mail.Sent()[skip:] {
			if m.To == addr && strings.Contains(m.Subject, sub) {
				return m
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no mail to %s with %q; got %d mails", addr, sub, len(ta.mail.Sent()))
	return mail.Message{}
}

// registerAnon registers name/email for an event as an anonymous visitor
// and confirms it from the link mailed to the address, as the person
// would; it returns the page the confirmation answers with.
func registerAnon(t *testing.T, ta *testApp, w *newsWiring, c *http.Client, tok, slug, name, email string) string {
	t.Helper()
	if _, err := ta.Outbox.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent := len(ta.mail.Sent())
	status, body, _ := post(t, c, ta.srv.URL+"/bs/events/"+slug+"/register", url.Values{"csrf_token": {tok}, "name": {name}, "email": {email}})
	if status != 200 || !strings.Contains(body, "Još samo korak") {
		t.Fatalf("register %s = %d: %.300s", email, status, body)
	}
	link := pendingLink(t, waitMailAfter(t, ta, sent, email, "Potvrdite prijavu"))
	status, body, _ = post(t, c, ta.srv.URL+link+"/confirm", url.Values{"csrf_token": {tok}})
	if status != 200 {
		t.Fatalf("confirm %s = %d: %.300s", email, status, body)
	}
	return body
}

// pendingLink is the path of the registration page a pending
// registration's mail links to.
func pendingLink(t *testing.T, m mail.Message) string {
	t.Helper()
	link := regexp.MustCompile(`https?://\S+/registration/[0-9a-f-]+`).FindString(m.Text)
	if link == "" {
		t.Fatalf("the mail has no registration link:\n%s", m.Text)
	}
	u, _ := url.Parse(link)
	return u.Path
}

func TestNewsPagesAndFeeds(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta, _ := newsApp(t, d)
		c := ta.client(t)
		status, body := get(t, c, ta.srv.URL+"/bs/news")
		if status != 200 || !strings.Contains(body, "Na Igmanu održan trening") || !strings.Contains(body, `type="application/atom+xml"`) {
			t.Fatalf("/bs/news = %d: %.300s", status, body)
		}
		status, body = get(t, c, ta.srv.URL+"/bs/news/feed.atom?programme=link-za-saradnju")
		if status != 200 {
			t.Fatalf("feed = %d", status)
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Updated string   `xml:"updated"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(body), &feed); err != nil {
			t.Fatalf("feed is not well-formed Atom: %v", err)
		}
		if len(feed.Entries) != 2 || feed.ID == "" || feed.Updated == "" {
			t.Fatalf("feed: %d entries (want the 2 Link articles), id %q", len(feed.Entries), feed.ID)
		}
		for _, e := range feed.Entries {
			if !strings.HasPrefix(e.ID, "urn:uuid:") || e.Updated == "" || !strings.HasPrefix(e.Link.Href, "http://example.test/bs/news/") {
				t.Errorf("entry %+v", e)
			}
		}
		status, body = get(t, c, ta.srv.URL+"/bs/events")
		if status != 200 || !strings.Contains(body, "Igman") {
			t.Fatalf("/bs/events = %d", status)
		}
		status, body = get(t, c, ta.srv.URL+"/bs/events/feed.ics")
		if status != 200 || !strings.HasPrefix(body, "BEGIN:VCALENDAR") {
			t.Fatalf("feed.ics = %d: %.100s", status, body)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(body))
		if err != nil {
			t.Fatalf("feed.ics does not parse: %v", err)
		}
		if n := len(cal.Events()); n != 4 {
			t.Errorf("feed.ics has %d events, want 4", n)
		}
		status, body = get(t, c, ta.srv.URL+"/bs/events/feed.ics?lsg=ba-fbih-trnovo")
		cal, err = ics.ParseCalendar(strings.NewReader(body))
		if err != nil || status != 200 || len(cal.Events()) != 1 {
			t.Fatalf("filtered feed.ics: %d, %v", status, err)
		}
		igman := cal.Events()[0]
		start, err := igman.GetStartAt()
		if err != nil || !start.Equal(time.Date(2022, 10, 18, 7, 0, 0, 0, time.UTC)) {
			t.Errorf("Igman training starts %v (%v), want 2022-10-18 09:00 Sarajevo", start, err)
		}
		status, body = get(t, c, ta.srv.URL+"/api/v1/news?lang=mk&lsg=ba-fbih-zepce")
		if status != 200 || !strings.Contains(body, `"original_lang": "mk"`) {
			t.Fatalf("api = %d: %.300s", status, body)
		}
	})
}

var articleHref = regexp.MustCompile(`href="/[a-zA-Z-]+/news/([a-z0-9-]+)"`)

// TestNewsPublishSerbianAndXSS publishes an article in Serbian (Latin)
// full of XSS payloads and invisible characters; it is shown escaped, and
// in Cyrillic on the sr-Cyrl page.
func TestNewsPublishSerbianAndXSS(t *testing.T) {
	t.Parallel()
	ta, _ := newsApp(t, dbtest.SQLite(t))
	c := ta.login(t, "koordinator.trebinje@demo.dijalog.ba")
	_, page := get(t, c, ta.srv.URL+"/sr-Latn/news/new")
	tok := csrfRe.FindStringSubmatch(page)
	if tok == nil {
		t.Fatalf("no form: %.300s", page)
	}
	body := "Javna rasprava o budžetu.\n\n<script>alert(1)</script>\n\n[klik](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n\n<svg><script>alert(4)</script></svg>\n\n<a href=\"https://evil.example\" onclick=\"alert(5)\">zlo</a>\n\n[opština](https://trebinje.rs)"
	form := url.Values{"csrf_token": {tok[1]}, "author": {"lsg:ba-rs-trebinje"}, "lang": {"sr"}, "title": {"Javna\u200b rasprava <script>alert(6)</script> u Trebinju"},
		"summary": {"Građani \u202eodlučuju\u202c o budžetu\" onmouseover=\"alert(7)"}, "body": {body}, "sector": {"Budžet"}}
	status, resp, hdr := post(t, c, ta.srv.URL+"/sr-Latn/news/new", form)
	if status != http.StatusSeeOther {
		t.Fatalf("publish = %d: %.500s", status, resp)
	}
	loc := hdr.Get("Location")
	_, full := get(t, c, ta.srv.URL+loc)
	lat := full[strings.Index(full, "<article"):strings.Index(full, "</article>")]
	if strings.Contains(full[:strings.Index(full, "<body")], "alert(6)</script>") {
		t.Error("title unescaped in <head>")
	}
	for _, bad := range []string{"<script", "onerror", "javascript:", "onclick", "onmouseover=\"", "\u200b", "\u202e", "<svg"} {
		if strings.Contains(lat, bad) {
			t.Errorf("article page contains %q", bad)
		}
	}
	if !strings.Contains(lat, "Javna rasprava &lt;script&gt;alert(6)&lt;/script&gt; u Trebinju") {
		t.Errorf("title not shown escaped")
	}
	if !strings.Contains(lat, `href="https://trebinje.rs" rel="nofollow"`) {
		t.Errorf("safe link lost or without rel=nofollow")
	}
	_, cyr := get(t, c, ta.srv.URL+strings.Replace(loc, "/sr-Latn/", "/sr-Cyrl/", 1))
	if !strings.Contains(cyr, "Јавна расправа") || !strings.Contains(cyr, "Грађани") {
		t.Errorf("sr-Cyrl page does not show the article in Cyrillic")
	}
	// 1 MB of text is refused with a message, not a 500.
	form.Set("body", strings.Repeat("a", 200_000))
	status, resp, _ = post(t, c, ta.srv.URL+"/sr-Latn/news/new", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(resp, "predugačak") {
		t.Errorf("200 kB body = %d", status)
	}
	// Another LSG's coordinator may not publish for Trebinje.
	m := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
	_, page = get(t, m, ta.srv.URL+"/en/news/new")
	tok = csrfRe.FindStringSubmatch(page)
	form.Set("csrf_token", tok[1])
	form.Set("body", "x")
	if status, _, _ = post(t, m, ta.srv.URL+"/en/news/new", form); status != http.StatusUnprocessableEntity {
		t.Errorf("Mostar publishing for Trebinje = %d, want 422", status)
	}
}

// TestNewsViewCounter: a reader counts once a day, also when 30 requests
// arrive at once; another reader counts again.
func TestNewsViewCounter(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta, w := newsApp(t, d)
		as, _, err := w.News.List(context.Background(), news.Filter{Limit: 1})
		if err != nil || len(as) == 0 {
			t.Fatal(err)
		}
		slug := as[0].Slug
		hit := func(ua string) {
			req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+"/bs/news/"+slug, nil)
			req.Header.Set("User-Agent", ua)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}
		var wg sync.WaitGroup
		for range 30 {
			wg.Add(1)
			go func() { defer wg.Done(); hit("reader-one") }()
		}
		wg.Wait()
		hit("reader-two")
		hit("reader-two")
		n, err := w.News.Views(context.Background(), slug)
		if err != nil || n != 2 {
			t.Fatalf("views = %d (%v), want 2", n, err)
		}
		var raw int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM news_views WHERE reader_hash LIKE '%127.0.0.1%' OR reader_hash LIKE '%reader%'`).Scan(&raw); err != nil || raw != 0 {
			t.Errorf("raw IP or user agent stored (%d, %v)", raw, err)
		}
	})
}

var linkRe = regexp.MustCompile(`https?://\S+`)

// TestNewsletterFlow: subscribe, confirm from the received mail, reused and
// unknown links, a newsletter with List-Unsubscribe, unsubscribe, GDPR.
func TestNewsletterFlow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta, w := newsApp(t, d)
		c := ta.client(t)
		tok := ta.csrf(t, c)
		status, body, _ := post(t, c, ta.srv.URL+"/bs/newsletter", url.Values{"csrf_token": {tok}, "email": {"not an address"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "ispravnu e-mail adresu") {
			t.Fatalf("invalid address = %d", status)
		}
		status, _, _ = post(t, c, ta.srv.URL+"/bs/newsletter", url.Values{"csrf_token": {tok}, "email": {"Citalac@Example.org"}, "programme": {"makers"}})
		if status != 200 {
			t.Fatalf("subscribe = %d", status)
		}
		m := waitMail(t, ta, w, "citalac@example.org", "Potvrdite")
		confirm := linkRe.FindString(m.Text)
		if !strings.Contains(confirm, "/bs/newsletter/confirm/") {
			t.Fatalf("no confirmation link in %q", m.Text)
		}
		path := strings.TrimPrefix(confirm, "http://example.test")
		if status, body = get(t, c, ta.srv.URL+path); status != 200 || !strings.Contains(body, "primat ćete e-bilten") {
			t.Fatalf("confirm = %d", status)
		}
		if status, body = get(t, c, ta.srv.URL+path); !strings.Contains(body, "već iskorišten") {
			t.Errorf("reused link = %d", status)
		}
		if status, body = get(t, c, ta.srv.URL+"/bs/newsletter/confirm/nope"); status != 404 || !strings.Contains(body, "nije ispravan") {
			t.Errorf("unknown token = %d", status)
		}
		// An expired link.
		_, _, _ = post(t, c, ta.srv.URL+"/bs/newsletter", url.Values{"csrf_token": {tok}, "email": {"kasno@example.org"}})
		late := waitMail(t, ta, w, "kasno@example.org", "Potvrdite")
		if _, err := d.ExecContext(context.Background(), `UPDATE news_subscribers SET confirm_expires = ? WHERE email = 'kasno@example.org'`, db.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if status, body = get(t, c, ta.srv.URL+strings.TrimPrefix(linkRe.FindString(late.Text), "http://example.test")); status != http.StatusGone || !strings.Contains(body, "istekao") {
			t.Errorf("expired link = %d", status)
		}
		// The editor composes and sends an issue.
		admin := ta.login(t, "admin@demo.dijalog.ba")
		_, page := get(t, admin, ta.srv.URL+"/bs/admin/newsletter")
		atok := csrfRe.FindStringSubmatch(page)[1]
		slugs := articleHref.FindAllStringSubmatch(page, -1)
		_ = slugs
		as, _, _ := w.News.List(context.Background(), news.Filter{Limit: 2})
		status, _, hdr := post(t, admin, ta.srv.URL+"/bs/admin/newsletter", url.Values{"csrf_token": {atok}, "lang": {"bs"}, "subject": {"Bilten za novembar"}, "intro": {"Dobar dan!"}, "article": {as[0].Slug, as[1].Slug}})
		if status != http.StatusSeeOther {
			t.Fatalf("create issue = %d", status)
		}
		issueURL := ta.srv.URL + hdr.Get("Location")
		if status, _, _ = post(t, admin, issueURL+"/test", url.Values{"csrf_token": {atok}}); status != http.StatusSeeOther {
			t.Fatalf("test = %d", status)
		}
		waitMail(t, ta, w, "admin@demo.dijalog.ba", "[TEST] Bilten za novembar")
		if status, _, _ = post(t, admin, issueURL+"/send", url.Values{"csrf_token": {atok}}); status != http.StatusSeeOther {
			t.Fatalf("send = %d", status)
		}
		if _, err := w.News.Continue(context.Background(), 500); err != nil {
			t.Fatal(err)
		}
		nl := waitMail(t, ta, w, "citalac@example.org", "Bilten za novembar")
		lu := nl.Headers["List-Unsubscribe"]
		// RFC 8058: a one-click POST target and the List-Unsubscribe-Post header.
		if !strings.HasPrefix(lu, "<http://example.test/api/v1/newsletter/unsubscribe/") || nl.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || nl.HTML == "" || !strings.Contains(nl.Text, "http://example.test/bs/newsletter/manage/") {
			t.Fatalf("newsletter headers %v", nl.Headers)
		}
		for _, m := range ta.mail.Sent() {
			if m.To == "kasno@example.org" && strings.Contains(m.Subject, "Bilten") {
				t.Error("an unconfirmed address got the newsletter")
			}
		}
		_, body = get(t, admin, issueURL)
		if !strings.Contains(body, "poslano 1 od 1") {
			t.Errorf("progress not shown: %s", regexp.MustCompile(`poslano[^<]*`).FindString(body))
		}
		// Unsubscribe from the page linked in the mail, then GDPR export and delete.
		tokn := strings.TrimSuffix(strings.SplitN(lu, "/unsubscribe/", 2)[1], ">")
		_, page = get(t, c, ta.srv.URL+"/bs/newsletter/unsubscribe/"+tokn)
		if !strings.Contains(page, "citalac@example.org") {
			t.Fatalf("unsubscribe page: %.300s", page)
		}
		if status, body, _ = post(t, c, ta.srv.URL+"/bs/newsletter/unsubscribe", url.Values{"csrf_token": {csrfRe.FindStringSubmatch(page)[1]}, "token": {tokn}}); status != 200 || !strings.Contains(body, "Odjavljeni ste") {
			t.Errorf("unsubscribe = %d", status)
		}
		if status, _ = get(t, c, ta.srv.URL+"/bs/newsletter/unsubscribe/unknown"); status != 404 {
			t.Errorf("unknown unsubscribe token = %d", status)
		}
		if status, body = get(t, c, ta.srv.URL+"/bs/newsletter/export/"+tokn); status != 200 || !strings.Contains(body, `"status": "unsubscribed"`) || !strings.Contains(body, `"value": "makers"`) {
			t.Errorf("export = %d: %s", status, body)
		}
		if status, _, _ = post(t, c, ta.srv.URL+"/bs/newsletter/delete", url.Values{"csrf_token": {tok}, "token": {tokn}}); status != 200 {
			t.Errorf("delete = %d", status)
		}
		var left int
		_ = d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'citalac@example.org'`).Scan(&left)
		if left != 0 {
			t.Errorf("%d mails to the deleted address remain", left)
		}
	})
}

// TestEventRegistration: capacity, waiting list, confirmation mail, check-in and .ics.
func TestEventRegistration(t *testing.T) {
	t.Parallel()
	ta, w := newsApp(t, dbtest.SQLite(t))
	ctx := context.Background()
	admin, _ := ta.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
	e, err := w.Events.Create(ctx, admin, eventsInput("Radionica o budžetu", "2", "ba-fbih-mostar"))
	if err != nil {
		t.Fatal(err)
	}
	c := ta.client(t)
	tok := ta.csrf(t, c)
	for i, want := range []string{"Prijavljeni ste", "Prijavljeni ste", "Na listi čekanja"} {
		if body := registerAnon(t, ta, w, c, tok, e.Slug, fmt.Sprint("Osoba ", i), fmt.Sprintf("o%d@example.org", i)); !strings.Contains(body, want) {
			t.Fatalf("registration %d: want %q in %.300s", i, want, body)
		}
	}
	// A signed-in person registering their own address again is told so.
	signed := ta.login(t, "gradjanin@demo.dijalog.ba")
	stok := ta.csrf(t, signed)
	if status, body, _ := post(t, signed, ta.srv.URL+"/bs/events/"+e.Slug+"/register", url.Values{"csrf_token": {stok}, "name": {"Građanin"}, "email": {"gradjanin@demo.dijalog.ba"}}); status != 200 || !strings.Contains(body, "Na listi čekanja") {
		t.Errorf("signed-in registration = %d: %.300s", status, body)
	}
	status, body, _ := post(t, signed, ta.srv.URL+"/bs/events/"+e.Slug+"/register", url.Values{"csrf_token": {stok}, "name": {"Opet"}, "email": {"gradjanin@demo.dijalog.ba"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "već prijavljena") {
		t.Errorf("double registration = %d", status)
	}
	m := waitMail(t, ta, w, "o2@example.org", "Lista čekanja")
	if !strings.Contains(m.Text, "/event.ics") {
		t.Errorf("mail lacks the .ics link: %q", m.Text)
	}
	status, body = get(t, c, ta.srv.URL+"/bs/events/"+e.Slug+"/event.ics")
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if status != 200 || err != nil || len(cal.Events()) != 1 {
		t.Fatalf("event.ics = %d, %v", status, err)
	}
	// The organiser cancels one place: the waiting person moves up and is told.
	org := ta.login(t, "admin@demo.dijalog.ba")
	status, page := get(t, org, ta.srv.URL+"/bs/events/"+e.Slug+"/checkin")
	if status != 200 || !strings.Contains(page, "o2@example.org") {
		t.Fatalf("check-in list = %d", status)
	}
	// Anonymous: sent to sign in, and back to the list afterwards.
	checkin := "/bs/events/" + e.Slug + "/checkin"
	if resp, err := c.Get(ta.srv.URL + checkin); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/bs/login?next="+url.QueryEscape(checkin) {
			t.Errorf("anonymous check-in list = %d, Location %q", resp.StatusCode, loc)
		}
	}
	regs, _ := w.Events.Registrations(ctx, admin, e)
	if err := w.Events.Cancel(ctx, admin, e, regs[0].PublicID, "bs"); err != nil {
		t.Fatal(err)
	}
	waitMail(t, ta, w, "o2@example.org", "Prijava potvrđena")
	if err := w.Events.CheckIn(ctx, admin, e, regs[1].PublicID, true); err != nil {
		t.Fatal(err)
	}
}

// TestEventSelfCancel: the registrant cancels from the link in the mail;
// the first person waiting gets the place and a mail; the link is
// idempotent, unknown links are 404, and the person may register again.
func TestEventSelfCancel(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta, w := newsApp(t, d)
		ctx := context.Background()
		admin, _ := ta.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
		e, err := w.Events.Create(ctx, admin, eventsInput("Javna rasprava o budžetu", "1", "ba-fbih-mostar"))
		if err != nil {
			t.Fatal(err)
		}
		c := ta.client(t)
		tok := ta.csrf(t, c)
		registerAnon(t, ta, w, c, tok, e.Slug, "Amina", "amina@example.org")
		registerAnon(t, ta, w, c, tok, e.Slug, "Boris", "boris@example.org")
		m := waitMail(t, ta, w, "amina@example.org", "Prijava potvrđena")
		link := regexp.MustCompile(`https?://\S+/registration/[0-9a-f-]+`).FindString(m.Text)
		if link == "" {
			t.Fatalf("the confirmation mail has no link to cancel:\n%s", m.Text)
		}
		u, _ := url.Parse(link)
		status, body := get(t, c, ta.srv.URL+u.Path)
		if status != 200 || !strings.Contains(body, "amina@example.org") || !strings.Contains(body, "/cancel") {
			t.Fatalf("registration page = %d: %.400s", status, body)
		}
		// Without the CSRF token: refused.
		if status, _, _ := post(t, c, ta.srv.URL+u.Path+"/cancel", url.Values{}); status != http.StatusForbidden {
			t.Errorf("cancel without CSRF token = %d, want 403", status)
		}
		for i := 0; i < 2; i++ { // the second click changes nothing
			status, body, _ = post(t, c, ta.srv.URL+u.Path+"/cancel", url.Values{"csrf_token": {tok}})
			if status != 200 || !strings.Contains(body, "Vaša prijava je otkazana") && i == 0 {
				t.Fatalf("cancel #%d = %d: %.400s", i, status, body)
			}
		}
		waitMail(t, ta, w, "boris@example.org", "Prijava potvrđena")
		regs, _ := w.Events.Registrations(ctx, admin, e)
		got := map[string]string{}
		for _, r := range regs {
			got[r.Email] = r.Status
		}
		if got["amina@example.org"] != "cancelled" || got["boris@example.org"] != "confirmed" {
			t.Errorf("after the cancellation: %v", got)
		}
		// Only one promotion mail to Boris, however often the link is used.
		n := 0
		for _, m := range ta.mail.Sent() {
			if m.To == "boris@example.org" && strings.Contains(m.Subject, "Prijava potvrđena") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("Boris got %d confirmation mails, want 1", n)
		}
		// Unknown or foreign registration ids: 404, not 500.
		for _, p := range []string{"/registration/nema", "/registration/" + strings.Repeat("a", 200), "/registration/00000000-0000-0000-0000-000000000000"} {
			if status, _ := get(t, c, ta.srv.URL+"/bs/events/"+e.Slug+p); status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", p, status)
			}
			if status, _, _ := post(t, c, ta.srv.URL+"/bs/events/"+e.Slug+p+"/cancel", url.Values{"csrf_token": {tok}}); status != http.StatusNotFound {
				t.Errorf("POST %s/cancel = %d, want 404", p, status)
			}
		}
		// Amina registers again: the event is full now, so she waits.
		if body := registerAnon(t, ta, w, c, tok, e.Slug, "Amina", "amina@example.org"); !strings.Contains(body, "Na listi čekanja") {
			t.Errorf("registering again after cancelling: %.300s", body)
		}
		// The old link stays dead.
		if status, _ := get(t, c, ta.srv.URL+u.Path); status != http.StatusNotFound {
			t.Errorf("the old cancellation link after registering again = %d, want 404", status)
		}
	})
}

// TestArticleComments: the shared comments component under an article:
// a signed-in person comments (escaped), another reports, a moderator hides
// with a reason; anonymous readers see a placeholder and a sign-in link.
func TestArticleComments(t *testing.T) {
	t.Parallel()
	ta, w := newsApp(t, dbtest.SQLite(t))
	if w.Comments == nil {
		t.Skip("the comments component is wired by another module")
	}
	ctx := context.Background()
	as, _, err := w.News.List(ctx, news.Filter{Limit: 1})
	if err != nil || len(as) == 0 {
		t.Fatalf("no demo article: %v", err)
	}
	path := "/bs/news/" + as[0].Slug
	citizen := ta.login(t, "koordinator.mostar@demo.dijalog.ba")
	tok := ta.csrf(t, citizen)
	status, _, hdr := post(t, citizen, ta.srv.URL+"/bs/comments", url.Values{"csrf_token": {tok}, "subject_type": {"article"}, "subject_id": {as[0].Slug},
		"body": {`Odlično! <script>alert(1)</script><img src=x onerror=alert(2)>`}})
	if status != 200 && status != http.StatusSeeOther {
		t.Fatalf("post comment = %d (%v)", status, hdr)
	}
	_, page := get(t, citizen, ta.srv.URL+path)
	if !strings.Contains(page, "Odlično!") || strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "<img src=x") {
		t.Fatalf("the comment is missing or not escaped on the article page")
	}
	// A comment on an article that does not exist: 404, not 500.
	if status, _, _ := post(t, citizen, ta.srv.URL+"/bs/comments", url.Values{"csrf_token": {tok}, "subject_type": {"article"}, "subject_id": {"nema-takvog"}, "body": {"x"}}); status != http.StatusNotFound {
		t.Errorf("comment on a missing article = %d, want 404", status)
	}
	list, err := w.Comments.List(ctx, comments.Subject{Type: "article", ID: as[0].Slug}, true)
	if err != nil || len(list) != 1 {
		t.Fatalf("comments = %d, %v", len(list), err)
	}
	pid := list[0].PublicID
	admin := ta.login(t, "admin@demo.dijalog.ba")
	atok := ta.csrf(t, admin)
	if status, _, _ := post(t, admin, ta.srv.URL+"/bs/comments/"+pid+"/hide", url.Values{"csrf_token": {atok}, "reason": {"Test moderacije"}}); status != 200 && status != http.StatusSeeOther {
		t.Fatalf("hide = %d", status)
	}
	anon := ta.client(t)
	_, page = get(t, anon, ta.srv.URL+path)
	if strings.Contains(page, "Odlično!") {
		t.Errorf("a hidden comment is still shown to anonymous readers")
	}
	if !strings.Contains(page, "/bs/login?next=") {
		t.Errorf("anonymous readers get no sign-in link under the article")
	}
	// The citizen (not a moderator) cannot restore it.
	if status, _, _ := post(t, citizen, ta.srv.URL+"/bs/comments/"+pid+"/restore", url.Values{"csrf_token": {tok}, "reason": {"ne"}}); status != http.StatusForbidden {
		t.Errorf("restore by a non-moderator = %d, want 403", status)
	}
}

// TestNewsSearchIndex: articles (in every language they have) and events
// are found through the platform's index, in any script, and a deleted
// article leaves it; a rebuild finds them again.
func TestNewsSearchIndex(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ta, w := newsApp(t, d)
		if ta.Search == nil {
			t.Skip("no search index")
		}
		ctx := context.Background()
		admin, _ := ta.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
		a, err := w.News.Create(ctx, admin, news.ArticleInput{Lang: "bs", Title: "Rekonstrukcija vodovoda u Konjicu", Summary: "Počinju radovi.", Body: "Radovi na **vodovodu** traju do ljeta.",
			AuthorKind: auth.PublisherPlatform, AuthorName: "dijalog", Tags: []news.Tag{{Kind: news.TagLSG, Value: "ba-fbih-konjic"}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.News.Translate(ctx, admin, a.Slug, "en", "Water supply reconstruction in Konjic", "", "Works last until summer."); err != nil {
			t.Fatal(err)
		}
		e, err := w.Events.Create(ctx, admin, eventsInput("Tribina o vodosnabdijevanju", "30", "ba-fbih-konjic"))
		if err != nil {
			t.Fatal(err)
		}
		find := func(text, typ string) []string {
			t.Helper()
			res, err := ta.Search.Search(ctx, search.Query{Text: text, Type: typ, Limit: 10})
			if err != nil {
				t.Fatalf("search %q: %v", text, err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			return ids
		}
		check := func(when string) {
			t.Helper()
			for _, c := range []struct{ text, typ, id string }{
				{"vodovoda", news.DocType, a.Slug},
				{"водовода", news.DocType, a.Slug}, // Cyrillic query, Latin text
				{"water supply", news.DocType, a.Slug},
				{"vodosnabdijevanju", events.DocType, e.Slug},
			} {
				if got := find(c.text, c.typ); !slices.Contains(got, c.id) {
					t.Errorf("%s: search %q (%s) = %v, want %s", when, c.text, c.typ, got, c.id)
				}
			}
		}
		check("after writing")
		if _, err := ta.Search.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		check("after a rebuild")
		if err := w.News.Delete(ctx, admin, a.Slug); err != nil {
			t.Fatal(err)
		}
		if got := find("vodovoda", news.DocType); slices.Contains(got, a.Slug) {
			t.Errorf("a deleted article is still found: %v", got)
		}
	})
}

// TestNewsletterMailInEveryLocaleAndBounces: the confirmation mail in each
// of the seven locales, with its text and HTML parts in that language; soft
// bounces mark an address after three, a hard bounce at once, and a bounced
// address gets no newsletter.
func TestNewsletterMailInEveryLocaleAndBounces(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ta, w := newsApp(t, d)
	ctx := context.Background()
	for _, code := range i18n.Codes() {
		addr := "jezik-" + strings.ToLower(code) + "@example.org"
		if err := w.News.Subscribe(ctx, addr, code, nil); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		p := ta.Cat.Printer(code)
		m := waitMail(t, ta, w, addr, p.T("news.mail.confirm.subject"))
		if !strings.Contains(m.Text, "/"+code+"/newsletter/confirm/") || !strings.Contains(m.HTML, `lang="`+code+`"`) || !strings.Contains(m.HTML, html.EscapeString(p.T("news.mail.confirm.button"))) {
			t.Errorf("%s: the confirmation mail is not in its language:\ntext %s\nhtml %s", code, m.Text, m.HTML)
		}
		if code == "sr-Cyrl" && !cyrillicText.MatchString(m.Subject+m.Text) {
			t.Errorf("sr-Cyrl: the mail is not in Cyrillic: %q", m.Subject)
		}
	}
	status := func(addr string) string {
		var s string
		_ = d.QueryRowContext(ctx, `SELECT status FROM news_subscribers WHERE email = ?`, addr).Scan(&s)
		return s
	}
	if _, err := d.ExecContext(ctx, `UPDATE news_subscribers SET status = 'confirmed'`); err != nil {
		t.Fatal(err)
	}
	soft, hard := "jezik-bs@example.org", "jezik-hr@example.org"
	for i := range 3 {
		if got := status(soft); got != "confirmed" {
			t.Fatalf("after %d soft bounces: %s", i, got)
		}
		if err := w.News.Bounce(ctx, soft, false); err != nil {
			t.Fatal(err)
		}
	}
	if got := status(soft); got != "bounced" {
		t.Errorf("after 3 soft bounces: %s, want bounced", got)
	}
	if err := w.News.Bounce(ctx, strings.ToUpper(hard), true); err != nil || status(hard) != "bounced" {
		t.Errorf("hard bounce: %v, status %s", err, status(hard))
	}
	if err := w.News.Bounce(ctx, "nepoznat@example.org", true); !errors.Is(err, refuse.ErrNotFound) {
		t.Errorf("bounce of an unknown address: %v", err)
	}
}

var cyrillicText = regexp.MustCompile(`\p{Cyrillic}{3}`)
