package app

import (
	"context"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/auth"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/grants"
	"github.com/dijalog/dijalog/internal/news"
)

// fetch GETs u with c and returns the status, the body and the header.
func fetch(t *testing.T, c *http.Client, u string, cookies ...*http.Cookie) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestHomeFrontPage (issue 16): the home page is the platform's front
// page, from live data: it links to every open call it lists (nearest
// deadline first) and to the list of open calls, to the initiatives open
// for support and the platforms, to the latest news (an article published
// a moment ago comes first) and the news, to the ballots open for votes,
// and shows the money in euro with its map and which rates made it; the
// four module cards are links.
func TestHomeFrontPage(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	ctx := context.Background()
	anon := ta.client(t)

	admin, err := ta.Auth.UserByEmail(ctx, "admin@demo.dijalog.ba")
	if err != nil {
		t.Fatal(err)
	}
	title := "Vijest za naslovnu " + time.Now().Format("150405.000")
	if _, err := ta.News.Create(ctx, admin, news.ArticleInput{Lang: "bs", Title: title, Summary: "Sažetak.", Body: "Tekst.",
		AuthorKind: auth.PublisherPlatform, AuthorName: "dijalog"}); err != nil {
		t.Fatal(err)
	}
	status, body, _ := fetch(t, anon, ta.srv.URL+"/bs/?fresh=1") // not the page cached before the article
	if status != http.StatusOK {
		t.Fatalf("GET /bs/: %d", status)
	}
	var want []string
	calls, err := ta.grantsWiring.Grants.Calls.List(ctx, grants.CallFilter{Phase: grants.PhaseOpen, Limit: 4})
	if err != nil || len(calls) == 0 {
		t.Fatalf("the demo has no open call to show (%v)", err)
	}
	for _, c := range calls {
		want = append(want, `href="/bs/calls/`+c.Slug+`"`)
	}
	open, n, err := ta.Dialogue.Initiatives.OpenForSupport(ctx, "", 4)
	if err != nil || len(open) == 0 {
		t.Fatalf("the demo has no initiative open for support (%v)", err)
	}
	for _, x := range open {
		want = append(want, `href="/bs/initiatives/`+x.PublicID+`"`, `href="/bs/initiatives/`+x.PublicID+`#support-h"`)
	}
	ballots, err := ta.Dialogue.Ballots.Open(ctx, "", 4)
	if err != nil || len(ballots) == 0 {
		t.Fatalf("the demo has no open ballot (%v)", err)
	}
	for _, b := range ballots {
		want = append(want, `href="/bs/platforms/`+b.PlatformSlug+`/ballots/`+b.PublicID+`"`)
	}
	want = append(want, `href="/bs/calls?phase=open"`, `href="/bs/platforms"`, `href="/bs/initiatives?state=open"`, `href="/bs/news"`, `href="/bs/events"`,
		`href="/bs/projects/dashboard"`, `src="/bs/projects/map.svg?v=`, title,
		`href="/bs/projects"`, `href="/bs/calls"`, `href="/bs/eloge"`, ta.Cat.Printer("bs").N("home.initiatives.count", n))
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("the home page lacks %s", w)
		}
	}
	// Open calls come nearest deadline first; the article first in news.
	if i, j := strings.Index(body, "/bs/calls/"+calls[0].Slug), strings.Index(body, "/bs/calls/"+calls[len(calls)-1].Slug); i > j {
		t.Errorf("the open calls are not nearest deadline first")
	}
	newsBlock := body[strings.Index(body, `id="home-news"`):]
	if i := strings.Index(newsBlock, "<li"); i < 0 || !strings.Contains(newsBlock[i:i+600], html.EscapeString(title)) {
		t.Errorf("the article published last is not the first of the latest news")
	}
	// The rates that made the euro total are named.
	if !strings.Contains(body, "po kursu na dan svog početka") {
		t.Errorf("the money block does not say which rates it used")
	}
	// Headings per block, in the order a visitor acts on them.
	var ids []string
	for _, m := range regexp.MustCompile(`<h2 id="(home-[a-z]+)"`).FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	if got := strings.Join(ids, " "); got != "home-h home-calls home-initiatives home-ballots home-meetings home-events home-news home-money home-what" &&
		got != "home-calls home-initiatives home-ballots home-meetings home-events home-news home-money home-what" {
		t.Errorf("blocks in order %q", got)
	}
}

// TestHomeRemembersLSG (issue 16): the visitor picks an LSG with a plain
// GET form; the choice is a one-year, site-wide, SameSite=Lax cookie, and
// the home page then shows a block of that LSG (its page and what is open
// there). The shared page cache never gives one visitor's page to
// another; an unknown code, a canton or a garbage cookie are refused or
// ignored, never a 500; an empty choice forgets it.
func TestHomeRemembersLSG(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	status, _, h := fetch(t, c, ta.srv.URL+"/bs/?lsg=ba-fbih-mostar")
	if status != http.StatusSeeOther || h.Get("Location") != "/bs/#mine-h" {
		t.Fatalf("choose Mostar: %d -> %q", status, h.Get("Location"))
	}
	var ck *http.Cookie
	for _, x := range (&http.Response{Header: h}).Cookies() {
		if x.Name == lsgCookie {
			ck = x
		}
	}
	if ck == nil || ck.Value != "ba-fbih-mostar" || ck.Path != "/" || ck.MaxAge != 365*24*3600 || ck.SameSite != http.SameSiteLaxMode || !ck.HttpOnly {
		t.Fatalf("the choice's cookie: %+v", ck)
	}
	mostar := &http.Cookie{Name: lsgCookie, Value: "ba-fbih-mostar"}
	anon := &http.Client{Timeout: time.Minute}
	for i := range 2 { // the second answers come from the cache
		_, plain, ph := fetch(t, anon, ta.srv.URL+"/bs/")
		_, mine, mh := fetch(t, anon, ta.srv.URL+"/bs/", mostar)
		if strings.Contains(plain, `id="mine-h"`) {
			t.Errorf("round %d: a visitor without a choice got another's page", i)
		}
		for _, w := range []string{`id="mine-h"`, `href="/bs/places/ba-fbih-mostar"`, `<option value="ba-fbih-mostar" selected>`, `id="mine-initiatives"`, `href="/bs/initiatives?state=open&amp;lsg=ba-fbih-mostar"`} {
			if !strings.Contains(mine, w) {
				t.Errorf("round %d: the page of a visitor who chose Mostar lacks %s", i, w)
			}
		}
		if i == 1 && (ph.Get("X-Cache") != "hit" || mh.Get("X-Cache") != "hit") {
			t.Errorf("round %d: X-Cache %q and %q, want both from the cache", i, ph.Get("X-Cache"), mh.Get("X-Cache"))
		}
		if !strings.Contains(strings.Join(mh.Values("Vary"), ","), "Cookie") {
			t.Errorf("round %d: the page does not vary by Cookie: %q", i, mh.Values("Vary"))
		}
	}
	// Trebinje: its own block, not Mostar's.
	_, treb, _ := fetch(t, anon, ta.srv.URL+"/bs/", &http.Cookie{Name: lsgCookie, Value: "ba-rs-trebinje"})
	if !strings.Contains(treb, `href="/bs/places/ba-rs-trebinje"`) || strings.Contains(treb, `href="/bs/places/ba-fbih-mostar"`) {
		t.Errorf("Trebinje's page shows another LSG")
	}
	msg := html.EscapeString(ta.Cat.Printer("bs").T("home.mine.unknown"))
	for _, bad := range []string{"nosuch", "ba-fbih-k-usk", "ba-fbih", "%3Cscript%3E", strings.Repeat("a", 300)} {
		status, body, h := fetch(t, anon, ta.srv.URL+"/bs/?lsg="+bad, mostar)
		if status != http.StatusBadRequest || !strings.Contains(body, msg) || h.Get("Set-Cookie") != "" {
			t.Errorf("choose %q: %d, message shown %v, Set-Cookie %q; want 400 with the message and the old choice kept", bad, status, strings.Contains(body, msg), h.Get("Set-Cookie"))
		}
	}
	for _, v := range []string{"nosuch", "ba-fbih", "BA%20X"} {
		status, body, _ := fetch(t, anon, ta.srv.URL+"/bs/", &http.Cookie{Name: lsgCookie, Value: v})
		if status != http.StatusOK || strings.Contains(body, `id="mine-h"`) {
			t.Errorf("cookie %q: %d; want the page without an LSG block", v, status)
		}
	}
	status, _, h = fetch(t, c, ta.srv.URL+"/bs/?lsg=")
	if status != http.StatusSeeOther || !strings.Contains(h.Get("Set-Cookie"), "lsg=;") || !strings.Contains(h.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("forget: %d, Set-Cookie %q", status, h.Get("Set-Cookie"))
	}
}

// TestHomeMap (issue 16): the home page's map is a separate SVG file,
// kept for good at the version the page names and revalidated otherwise,
// so the page stays light.
func TestHomeMap(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	anon := &http.Client{Timeout: time.Minute}
	_, body, _ := fetch(t, anon, ta.srv.URL+"/sr-Cyrl/")
	m := regexp.MustCompile(`src="(/sr-Cyrl/projects/map\.svg\?v=[0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the home page has no map image")
	}
	status, svg, h := fetch(t, anon, ta.srv.URL+m[1])
	if status != http.StatusOK || h.Get("Content-Type") != "image/svg+xml" || !strings.Contains(h.Get("Cache-Control"), "immutable") || !strings.HasPrefix(svg, "<svg") || !cyrillic.MatchString(svg) {
		t.Fatalf("GET %s: %d %q %q %.80q", m[1], status, h.Get("Content-Type"), h.Get("Cache-Control"), svg)
	}
	if _, _, h := fetch(t, anon, ta.srv.URL+"/sr-Cyrl/projects/map.svg?v=old"); h.Get("Cache-Control") != "no-cache" {
		t.Errorf("an old version is kept: Cache-Control %q", h.Get("Cache-Control"))
	}
}
