package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// Issue 16, the participation pages, layouts and charts: initiatives and
// platforms are places to act, list pages have breadcrumbs, tables are
// stacked cards on a phone and charts stay readable there.

// TestInitiativesOpenForSupport: the platforms page leads to the
// initiatives open for support; the list shows only those, each with its
// support bar and a button (or a sign-in link), and its no-JavaScript
// filter narrows it by LSG.
func TestInitiativesOpenForSupport(t *testing.T) {
	p := newTab(t)
	p.open("/bs/platforms")
	p.clickNav(`main a[href="/bs/initiatives?state=open"]`)
	if got := p.location(); got != "/bs/initiatives?state=open" {
		t.Fatalf("the link to the initiatives open for support led to %s", got)
	}
	if got, want := p.text("main h1"), p.msg("bs", "pages.initiatives.open_title"); got != want {
		t.Errorf("heading %q, want %q", got, want)
	}
	if v := p.value("#f-state"); v != "open" {
		t.Errorf("the state filter shows %q, want open", v)
	}
	cards, open := p.count("main .icard"), p.count("main .icard.state-open")
	if cards < 2 || open != cards {
		t.Errorf("%d cards, %d of them open for support: want only open ones (at least the two of the demo)", cards, open)
	}
	if n := p.count("main .icard.state-open meter[aria-labelledby]"); n != cards {
		t.Errorf("%d of %d cards have a support bar with a label", n, cards)
	}
	if n := p.count(`main .icard .icard-act a[href*="/login?next="]`); n != cards {
		t.Errorf("%d of %d cards offer an anonymous reader to sign in and support", n, cards)
	}
	// The state is told by text and a mark, not colour alone.
	if mark := evalJS[string](p, `getComputedStyle(document.querySelector('main .icard .badge.state'), '::before').content`); mark == "none" || mark == "" || mark == `""` {
		t.Errorf("the state badge has no mark of its own: %q", mark)
	}
	// The filter is a plain GET form: choose an LSG and submit.
	evalJS[bool](p, `(() => { document.querySelector('#f-lsg').value = 'ba-fbih-mostar'; return true; })()`)
	p.clickNav(`main form.filter-box button[type=submit]`)
	if loc := p.location(); !strings.Contains(loc, "state=open") || !strings.Contains(loc, "lsg=ba-fbih-mostar") {
		t.Fatalf("the filter led to %s", loc)
	}
	if n := p.count("main .icard"); n < 1 || n >= cards {
		t.Errorf("%d cards for Mostar, want fewer than the %d of every LSG and at least one", n, cards)
	}
	if bad := evalJS[string](p, `[...document.querySelectorAll('main .icard .icard-meta')].map(e => e.textContent).filter(t => !t.includes('Mostar')).join(' | ')`); bad != "" {
		t.Errorf("cards of other LSGs: %s", bad)
	}
	// Signed in, a card's button supports the initiative.
	p.open("/bs/login")
	p.fill("#f-email", demoCitizen)
	p.fill("#f-password", demoPassword)
	p.clickNav(`main form[action$="/login"] button[type=submit]`)
	p.open("/bs/initiatives?state=open")
	if n := p.count(`main .icard form[action$="/support"] button[type=submit]`) + p.count("main .icard .supported"); n != cards {
		t.Errorf("signed in: %d of %d cards have a support button or say they are supported", n, cards)
	}
}

// TestPlatformsByActivity: the platforms list puts the platforms with
// initiatives open for support first, and each says what it is in its
// own words.
func TestPlatformsByActivity(t *testing.T) {
	p := newTab(t)
	p.open("/bs/platforms")
	open := evalJS[[]int](p, `[...document.querySelectorAll('#platforms > li')].map(li => { const a = li.querySelector('.pcard-stats .open a'); return a ? parseInt(a.textContent, 10) : 0; })`)
	if len(open) < 10 || open[0] == 0 {
		t.Fatalf("platforms' open initiatives in list order: %v; want the demo's 16 with an active one first", open)
	}
	for i := 1; i < len(open); i++ {
		if open[i] > open[i-1] {
			t.Errorf("platform %d has %d initiatives open for support, more than the one before it (%d): %v", i+1, open[i], open[i-1], open)
		}
	}
	descs := evalJS[[]string](p, `[...document.querySelectorAll('#platforms > li')].map(li => (li.querySelector('.pcard-desc') || {textContent: ''}).textContent.trim())`)
	seen := map[string]bool{}
	for i, d := range descs {
		if d == "" || seen[d] {
			t.Errorf("platform %d: description %.60q is missing or repeats another's", i+1, d)
		}
		seen[d] = true
	}
}

// TestListBreadcrumbs: the list pages start with breadcrumbs from the
// home page; the current page is named, not linked.
func TestListBreadcrumbs(t *testing.T) {
	p := newTab(t)
	for _, path := range []string{"/bs/platforms", "/bs/initiatives", "/bs/calls", "/bs/surveys", "/bs/events", "/bs/news", "/bs/eloge",
		"/bs/platforms/lokalna-dijaloska-platforma-mostar", "/sr-Cyrl/platforms"} {
		p.open(path)
		lang := strings.Split(path, "/")[1]
		if first := p.attr("main nav.breadcrumbs li:first-child a", "href"); first != "/"+lang+"/" {
			t.Errorf("%s: the first breadcrumb links to %q, want the home page", path, first)
		}
		if n := p.count(`main nav.breadcrumbs li:last-child a, main nav.breadcrumbs a[aria-current], main nav.breadcrumbs a[href="` + strings.SplitN(path, "?", 2)[0] + `"]`); n != 0 {
			t.Errorf("%s: the current page is a link in its breadcrumbs", path)
		}
		if n := p.count(`main nav.breadcrumbs [aria-current="page"]`); n != 1 {
			t.Errorf("%s: %d breadcrumbs marked as the current page, want 1", path, n)
		}
	}
}

// TestClosedSurveysAndPaging: the list of survey results says a closed
// survey is closed (not "open until" a past date), is paged and filtered.
func TestClosedSurveysAndPaging(t *testing.T) {
	p := newTab(t)
	p.open("/bs/surveys")
	if n := p.count("#results ~ ul.cards > li, section[aria-labelledby=results] ul.cards > li"); n != 12 {
		t.Errorf("%d survey results on the first page, want 12", n)
	}
	if p.count(`section[aria-labelledby=results] a[rel=next]`) != 1 {
		t.Errorf("no link to the next page of results")
	}
	openUntil := strings.TrimSuffix(p.msg("bs", "surveys.closes"), " {date}")
	if bad := evalJS[string](p, fmt.Sprintf(`[...document.querySelectorAll('section[aria-labelledby=results] li.card')].filter(li => li.textContent.includes(%s) && /Zatvorena/.test(li.textContent)).map(li => li.querySelector('h3').textContent).slice(0, 3).join(' | ')`, jsString(openUntil))); bad != "" {
		t.Errorf("closed surveys say %q: %s", openUntil, bad)
	}
	p.open("/bs/surveys?lsg=ba-fbih-zepce")
	titles := evalJS[[]string](p, `[...document.querySelectorAll('section[aria-labelledby=results] li.card h3')].map(h => h.textContent.trim())`)
	if len(titles) != 3 {
		t.Errorf("Žepče: %d results, want its 3 ELoGE questionnaires: %q", len(titles), titles)
	}
	for _, tt := range titles {
		if !strings.Contains(tt, "Žepče") {
			t.Errorf("Žepče's results list %q", tt)
		}
	}
}

// TestStackedTablesOnPhones: at 390 px the lists of projects and the
// ELoGE tables are stacked cards, each value labelled with its column's
// name; a period is never broken inside a date; a title link is as large
// as the other text.
func TestStackedTablesOnPhones(t *testing.T) {
	p := newTab(t)
	p.open("/bs/projects")
	p.viewport(390)
	defer p.viewport(viewportWidth)
	if d := evalJS[string](p, `getComputedStyle(document.querySelector('main .stack-table tbody tr')).display`); d != "block" {
		t.Errorf("/bs/projects at 390 px: a row is displayed as %q, want a card (block)", d)
	}
	if l := evalJS[string](p, `getComputedStyle(document.querySelector('main .stack-table td[data-label]'), '::before').content`); !strings.Contains(l, p.msg("bs", "projects.col.status")) {
		t.Errorf("/bs/projects at 390 px: a cell's label is %s, want its column's name", l)
	}
	if broken := evalJS[int](p, `[...document.querySelectorAll('main .stack-table td .nowrap')].filter(s => s.getClientRects().length > 1).length`); broken != 0 {
		t.Errorf("/bs/projects at 390 px: %d dates broken over lines", broken)
	}
	if sizes := evalJS[[]float64](p, `(() => { const th = document.querySelector('main .stack-table tbody th a'), td = document.querySelector('main .stack-table td'); return [parseFloat(getComputedStyle(th).fontSize), parseFloat(getComputedStyle(td).fontSize)]; })()`); sizes[0] < sizes[1] {
		t.Errorf("/bs/projects at 390 px: a title is %.1f px, smaller than the other text (%.1f px)", sizes[0], sizes[1])
	}
	p.viewport(viewportWidth)
	p.open("/bs/eloge")
	cycle := p.attr(`main .stack-table tbody th a`, "href")
	for _, path := range []string{"/bs/eloge", cycle} {
		p.open(path)
		p.viewport(390)
		if d := evalJS[string](p, `getComputedStyle(document.querySelector('main .stack-table tbody tr')).display`); d != "block" {
			t.Errorf("%s at 390 px: a row is displayed as %q, want a card", path, d)
		}
		if w := evalJS[float64](p, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("%s at 390 px scrolls sideways by %.0f px", path, w)
		}
		p.viewport(viewportWidth)
	}
}

// TestChartsReadableOnPhones: at 390 px every text of a chart is drawn at
// 12 px or more and inside its chart (no label runs off its edge), on the
// projects' dashboard, an ELoGE result (the radar, with the principles'
// names and the threshold ring), the grants registry and a project's
// targets.
func TestChartsReadableOnPhones(t *testing.T) {
	p := newTab(t)
	p.open("/bs/eloge")
	result := p.attr(`main .cards a[href^="/bs/eloge/"]`, "href")
	p.open("/bs/search?q=link+za+saradnju")
	link := p.attr(`main ol.results a[href^="/bs/projects/link-za-saradnju"]`, "href") // its targets: measured and not yet
	for _, path := range []string{"/bs/projects/dashboard", result, "/sr-Cyrl/projects/dashboard", "/bs/grants/registry", link} {
		p.open(path)
		p.viewport(390)
		// For each text of a chart (not the map): its drawn size (its
		// font size times the chart's scale) and whether it lies inside the
		// viewBox.
		res := evalJS[[]string](p, `(() => {
			const out = [];
			let n = 0;
			for (const svg of document.querySelectorAll('main svg.chart:not(.map)')) {
				const vb = svg.viewBox.baseVal, scale = svg.getBoundingClientRect().width / vb.width;
				for (const t of svg.querySelectorAll('text')) {
					n++;
					const px = parseFloat(getComputedStyle(t).fontSize) * scale, b = t.getBBox();
					if (px < 12) out.push('small ' + px.toFixed(1) + 'px: ' + t.textContent);
					if (b.x < -1 || b.x + b.width > vb.width + 1) out.push('cut: ' + t.textContent);
				}
			}
			if (n === 0) out.push('no chart text');
			return out.slice(0, 8);
		})()`)
		for _, r := range res {
			t.Errorf("%s at 390 px: %s", path, r)
		}
		p.viewport(viewportWidth)
	}
	p.open(result)
	radar := evalJS[string](p, `[...document.querySelectorAll('main svg.chart text')].map(t => t.textContent).join(' | ')`)
	// Its axes have the principles' names (a name may take two lines) and
	// its threshold ring is labelled.
	for _, want := range append(strings.Fields(p.msg("bs", "pages.eloge.principle.5")+" "+p.msg("bs", "pages.eloge.principle.12")), "70") {
		if !strings.Contains(radar, want) {
			t.Errorf("the radar does not say %q: %s", want, radar)
		}
	}
}
