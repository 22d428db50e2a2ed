package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// viewport sets the tab's viewport width (and the standard height).
func (p *tab) viewport(w int64) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, viewportHeight)); err != nil {
		p.t.Fatalf("viewport %d: %v", w, err)
	}
}

// shot saves a screenshot of the viewport as name.png when
// DIJALOG_SCREENSHOTS names a directory (to look at a state that a page
// load does not show, such as an opened menu).
func (p *tab) shot(name string) {
	p.t.Helper()
	dir := os.Getenv("DIJALOG_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
}

// TestHeaderFits (issue 16): the header is one row on a desktop (at most
// 96 px at 1280 px) and a menu button on a phone (at most 80 px at 390 px)
// in every locale, including Serbian Cyrillic's longer words; the phone's
// menu opens without JavaScript (a <details> disclosure) and shows every
// section.
func TestHeaderFits(t *testing.T) {
	p := newTab(t)
	for _, lang := range []string{"bs", "hr", "sr-Latn", "sr-Cyrl", "mk", "sq", "en"} {
		for _, c := range []struct {
			width int64
			max   float64
		}{{1280, 96}, {390, 80}} {
			p.open("/" + lang + "/")
			p.viewport(c.width) // after open: its screenshots (DIJALOG_SCREENSHOTS) reset the viewport
			if h := evalJS[float64](p, `document.querySelector('header.site-header').getBoundingClientRect().height`); h > c.max {
				t.Errorf("/%s/ at %d px: header %.0f px high, want at most %.0f", lang, c.width, h, c.max)
			}
			if out := evalJS[string](p, `[...document.querySelectorAll('header *')].filter(e => e.checkVisibility() && e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 3).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30)).join(' | ')`); out != "" {
				t.Errorf("/%s/ at %d px: the header runs off the screen: %s", lang, c.width, out)
			}
			if c.width == 390 {
				if n := evalJS[int](p, `[...document.querySelectorAll('header nav.main-nav a')].filter(a => a.checkVisibility()).length`); n != 0 {
					t.Errorf("/%s/ at 390 px: %d navigation links shown before the menu is opened", lang, n)
				}
				p.click(`header details.site-menu > summary`)
				p.shot("menu-open-" + lang)
				if n := evalJS[int](p, `[...document.querySelectorAll('header nav.main-nav a, header nav.main-nav summary')].filter(a => a.checkVisibility()).length`); n < 6 {
					t.Errorf("/%s/ at 390 px: the opened menu shows %d sections, want at least 6", lang, n)
				}
			}
		}
	}
	p.viewport(viewportWidth)
}

// TestNoSidewaysScrollOnPhones (issue 16): no page of the main sections
// is wider than a 390 px phone (tables scroll inside their own box).
func TestNoSidewaysScrollOnPhones(t *testing.T) {
	p := newTab(t)
	p.viewport(390)
	defer p.viewport(viewportWidth)
	pages := []string{"/bs/", "/bs/places", "/bs/places/ba-fbih-mostar", "/bs/projects", "/bs/projects/dashboard", "/bs/platforms",
		"/bs/platforms/lokalna-dijaloska-platforma-mostar", "/bs/calls", "/bs/eloge", "/bs/news", "/bs/events", "/bs/surveys", "/bs/search?q=mostar",
		"/sr-Cyrl/projects", "/sr-Cyrl/eloge",
		// the participation pages and lists of issue 16's pages part
		"/bs/initiatives", "/bs/initiatives?state=open", "/sr-Cyrl/initiatives", "/sr-Cyrl/platforms",
		"/sr-Cyrl/platforms/lokalna-dijaloska-platforma-mostar", "/bs/platforms/lokalna-dijaloska-platforma-mostar/money",
		"/bs/grants/registry", "/bs/surveys?page=2", "/sr-Cyrl/surveys", "/sr-Cyrl/projects/dashboard"}
	for _, path := range pages {
		p.open(path)
		p.viewport(390)
		if w := evalJS[float64](p, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			wide := evalJS[string](p, `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap')).slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40)).join(' | ')`)
			t.Errorf("%s at 390 px scrolls sideways by %.0f px: %s", path, w, wide)
		}
	}
}
