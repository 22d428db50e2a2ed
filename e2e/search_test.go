package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSearchHeader types Бања into the header's search box and finds Banja
// Luka: first without JavaScript's help (the form), then through the
// suggestions of the combobox when search.js is on the page.
func TestSearchHeader(t *testing.T) {
	p := newTab(t)
	p.open("/bs/places")
	if p.count("header form.header-search input#site-q") != 1 {
		t.Fatal("no search box in the header")
	}
	p.fill("#site-q", "Бања")
	resp := p.clickNav("header form.header-search button[type=submit]")
	if resp.Status != http.StatusOK {
		t.Fatalf("search: status %d", resp.Status)
	}
	if loc := p.location(); !strings.HasPrefix(loc, "/bs/search?q=") {
		t.Errorf("the search box led to %s", loc)
	}
	if p.count(`main ol.results a[href="/bs/places/ba-rs-banja-luka"]`) != 1 {
		t.Fatalf("the results for Бања have no link to Banja Luka:\n%s", p.body())
	}
	if p.count("main ol.results mark") == 0 {
		t.Errorf("no highlighted match in the results")
	}
	// Banja Luka's projects: the demo's cross-border volunteers project
	// works in Banja Luka (among other LSGs) and its title does not name it.
	if p.count(`main ol.results a[href^="/bs/projects/prekogranicno-umrezavanje-volontera"]`) != 1 {
		t.Errorf("the results for Бања do not list Banja Luka's volunteers project:\n%s", p.body())
	}
	if n := p.count(`main ol.results a[href^="/bs/projects/"]`); n < 2 {
		t.Errorf("the results for Бања list %d projects, want Banja Luka's (2 or more)", n)
	}
	// The combobox (search.js, loaded by the layout).
	if !evalJS[bool](p, `!!document.querySelector('script[src*="search."]')`) {
		t.Fatal("the layout does not load search.js")
	}
	p.open("/en/")
	p.fill("#site-q", "zep")
	evalJS[bool](p, `document.getElementById('site-q').dispatchEvent(new Event('input')), true`)
	if !waitJS(p, `document.querySelectorAll('#site-q-list [role=option]').length > 0`) {
		t.Fatal("no suggestions for zep")
	}
	if got := evalJS[string](p, `document.getElementById('site-q').getAttribute('aria-expanded')`); got != "true" {
		t.Errorf("aria-expanded = %q with the list open", got)
	}
	p.check()
	evalJS[bool](p, `document.getElementById('site-q').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true})), true`)
	if got := evalJS[string](p, `document.getElementById('site-q').getAttribute('aria-activedescendant') || ''`); got == "" {
		t.Errorf("ArrowDown did not select a suggestion")
	}
}

// waitJS polls a JavaScript condition for up to five seconds.
func waitJS(p *tab, cond string) bool {
	return evalJS[bool](p, `new Promise(ok => { const t0 = Date.now(); (function f() { if (`+cond+`) ok(true); else if (Date.now() - t0 > 5000) ok(false); else setTimeout(f, 50); })(); })`, chromedp.EvalAwaitPromise)
}
