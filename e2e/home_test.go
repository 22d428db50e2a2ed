package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// homeHrefs are the distinct hrefs of the links in the home page's block
// sel that start with prefix.
func (p *tab) homeHrefs(sel, prefix string) []string {
	p.t.Helper()
	return evalJS[[]string](p, fmt.Sprintf(`[...new Set([...document.querySelectorAll(%s + ' a')].map(a => a.getAttribute('href') || '').filter(h => h.startsWith(%s) && !h.includes('#')))]`, jsString(sel), jsString(prefix)))
}

// TestHomeLiveData (issue 16): the home page links to the open calls (the
// calls list's open ones, nearest deadline first) and to that list, to
// the initiatives open for support (those the API lists as open) and the
// platforms, and to the latest news: an article published through the
// editor a moment ago is the first of them, and its link opens it.
func TestHomeLiveData(t *testing.T) {
	p := newTab(t)

	// Open calls: the first ones of the calls list filtered to open.
	p.open("/bs/calls?phase=open")
	listed := p.homeHrefs("main .cards", "/bs/calls/")
	p.open("/bs/")
	calls := p.homeHrefs("#home-calls + *, section.home-calls", "/bs/calls/")
	if len(calls) == 0 || len(listed) < len(calls) || !slices.Equal(calls, listed[:len(calls)]) {
		t.Errorf("the home page's open calls %v are not the first of the open calls listed %v", calls, listed)
	}
	if p.count(`section.home-calls a[href="/bs/calls?phase=open"]`) != 1 {
		t.Errorf("the open calls block does not link to the list of open calls")
	}
	if p.count(`section.home-calls time[datetime]`) < len(calls) {
		t.Errorf("an open call is shown without its deadline")
	}

	// Initiatives open for support: those the API lists as open.
	status, _, body := p.fetchText("/api/v1/initiatives?state=open")
	var api struct {
		Count       int `json:"count"`
		Initiatives []struct {
			URL string `json:"url"`
		} `json:"initiatives"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &api) != nil {
		t.Fatalf("GET /api/v1/initiatives?state=open: %d", status)
	}
	var open []string
	for _, x := range api.Initiatives {
		open = append(open, x.URL)
	}
	shown := p.homeHrefs("section.home-initiatives", "/bs/initiatives/")
	if len(shown) == 0 || len(shown) > 4 {
		t.Errorf("the home page shows %d initiatives open for support", len(shown))
	}
	for _, h := range shown {
		if !slices.Contains(open, h) {
			t.Errorf("the home page offers %s for support, which the API does not list as open", h)
		}
	}
	if got := p.text("section.home-initiatives .home-lead"); !strings.HasPrefix(got, fmt.Sprint(api.Count)+" ") {
		t.Errorf("the initiatives block says %q; the API counts %d open", got, api.Count)
	}
	if p.count(`section.home-initiatives a.button[href$="#support-h"]`) != len(shown) {
		t.Errorf("not every initiative open for support has a support button")
	}
	if p.count(`section.home-initiatives a[href="/bs/initiatives?state=open"]`) != 1 {
		t.Errorf("the initiatives block does not link to the list of initiatives open for support")
	}

	// The latest news: an article published now comes first.
	p.login("bs", demoAdmin, demoPassword)
	p.open("/bs/news/new")
	title := "Naslovna vijest " + time.Now().Format("150405")
	p.fill("#f-title", title)
	p.fill("#f-summary", "Kratak sažetak za naslovnu stranicu.")
	p.fill("#f-body", "Tekst vijesti.")
	if resp := p.clickNav(`main form[action$="/news/new"] button[type=submit]`); resp.Status != http.StatusOK {
		t.Fatalf("publish: status %d", resp.Status)
	}
	article := p.location()
	p.open("/bs/")
	if got := p.text("section.home-news .home-list li a.home-title"); got != title {
		t.Errorf("the first of the latest news is %q, want the article just published %q", got, title)
	}
	if p.count(`section.home-news a[href="/bs/news"]`) != 1 {
		t.Errorf("the news block does not link to the news")
	}
	p.clickNav("section.home-news .home-list li a.home-title")
	if got := p.location(); got != article {
		t.Errorf("the article's link on the home page opens %s, want %s", got, article)
	}
	p.open("/bs/")
	p.clickNav(`section.home-calls a[href="/bs/calls?phase=open"]`)
	if got := p.location(); got != "/bs/calls?phase=open" {
		t.Errorf("all open calls: at %s", got)
	}
}

// scripts turns the tab's JavaScript on or off.
func (p *tab) scripts(on bool) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		p.t.Fatalf("JavaScript on %v: %v", on, err)
	}
}

// TestHomeMunicipality (issue 16): without JavaScript, a visitor picks
// their municipality from the list; the page then shows its block (its
// page, what is open there), the choice is a cookie for the whole site
// for a year (SameSite=Lax), it is remembered on the next visit, the page
// fits a phone, and the visitor can forget it.
func TestHomeMunicipality(t *testing.T) {
	p := newTab(t)
	p.open("/bs/")
	if p.count("#mine-h") != 0 {
		t.Fatalf("a first visit shows a municipality block")
	}
	// Without JavaScript, by keyboard: the list takes the typed name, the
	// button sends the form.
	p.scripts(false)
	if err := chromedp.Do(p.ctx, chromedp.Navigate(p.url("/bs/")), chromedp.Focus(chromedp.CSS("#home-lsg")), chromedp.KeyEvent("Mostar")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(`form.home-pick button[type=submit]`))); err != nil {
		t.Fatalf("send the choice without JavaScript: %v", err)
	}
	p.scripts(true)
	if got := p.location(); got != "/bs/#mine-h" {
		t.Errorf("after choosing: at %s, want /bs/#mine-h", got)
	}
	p.check()
	check := func(when string) {
		t.Helper()
		if got := p.text("#mine-h"); !strings.Contains(got, "Mostar") {
			t.Errorf("%s: the municipality block is headed %q", when, got)
		}
		if p.count(`section.home-mine a[href="/bs/places/ba-fbih-mostar"]`) != 1 {
			t.Errorf("%s: the block does not link to Mostar's page", when)
		}
		if p.count(`section.home-mine section.home-block`) == 0 {
			t.Errorf("%s: the block shows nothing open in Mostar", when)
		}
	}
	check("after choosing")
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	cookies := res.Cookies
	i := slices.IndexFunc(cookies, func(c *network.Cookie) bool { return c.Name == "lsg" })
	if i < 0 {
		t.Fatalf("no lsg cookie: %v", cookies)
	}
	c := cookies[i]
	if left := time.Until(time.Unix(int64(c.Expires), 0)); c.Value != "ba-fbih-mostar" || c.Path != "/" || c.SameSite != network.CookieSameSiteLax || left < 364*24*time.Hour || left > 366*24*time.Hour {
		t.Errorf("the cookie: value %q, path %q, SameSite %q, expires in %v", c.Value, c.Path, c.SameSite, left)
	}
	p.open("/sr-Cyrl/")
	if got := p.text("#mine-h"); !strings.Contains(got, "Мостар") {
		t.Errorf("the choice is not remembered on another page of the site: %q", got)
	}
	p.open("/bs/")
	check("on the next visit")
	if got := p.value("#home-lsg"); got != "ba-fbih-mostar" {
		t.Errorf("the list does not show the choice: %q", got)
	}
	p.viewport(390)
	if w := evalJS[float64](p, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the home page with a municipality scrolls sideways by %.0f px at 390 px", w)
	}
	p.viewport(viewportWidth)
	p.clickNav(`form.home-forget button[type=submit]`)
	if p.count("#mine-h") != 0 {
		t.Errorf("the choice is not forgotten")
	}
	p.open("/bs/")
	if p.count("#mine-h") != 0 || p.value("#home-lsg") != "" {
		t.Errorf("the forgotten choice comes back")
	}
}

// TestHomeBlocksReadable (issue 16): at 390 px every block of the home
// page is one column and its text at least 12 px; the state of a call
// whose deadline is near is said in words, not only in colour.
func TestHomeBlocksReadable(t *testing.T) {
	p := newTab(t)
	p.open("/bs/")
	p.viewport(390)
	defer p.viewport(viewportWidth)
	if n := evalJS[int](p, `new Set([...document.querySelectorAll('main .home-grid > .home-block')].map(e => Math.round(e.getBoundingClientRect().left))).size`); n != 1 {
		t.Errorf("at 390 px the blocks stand in %d columns", n)
	}
	if small := evalJS[string](p, `[...document.querySelectorAll('main .home-block *')].filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && parseFloat(getComputedStyle(e).fontSize) < 12).slice(0, 3).map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 30)).join(' | ')`); small != "" {
		t.Errorf("text under 12 px at 390 px: %s", small)
	}
	left := regexp.MustCompile(`\d`)
	for _, s := range evalJS[[]string](p, `[...document.querySelectorAll('section.home-calls .home-left')].map(e => e.textContent)`) {
		if !left.MatchString(s) && !strings.Contains(s, "24") {
			t.Errorf("a deadline's time left is not said in words: %q", s)
		}
	}
}
