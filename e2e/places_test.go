package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var cyrillic = regexp.MustCompile(`[\x{0400}-\x{04FF}]`)

// placeLink is a link in the places list and the headings it sits under.
type placeLink struct {
	Href     string   `json:"href"`
	Headings []string `json:"headings"` // outline from the outermost heading in
}

// findPlaceLink finds the link in main whose text is name, and the headings
// (h1-h6, table captions) it sits under, outermost first.
func (p *tab) findPlaceLink(name string) *placeLink {
	p.t.Helper()
	return evalJS[*placeLink](p, fmt.Sprintf(`((name) => {
		const links = [...document.querySelectorAll('main a')];
		const text = a => a.textContent.trim().replace(/\s+/g, ' ');
		// The exact name, or the name followed by something that is not a letter ("Mostar (grad)").
		const a = links.find(a => text(a) === name) ||
			links.find(a => text(a).startsWith(name) && !/\p{L}/u.test(text(a)[name.length]));
		if (!a) return null;
		const level = el => el.tagName === 'CAPTION' ? 7 : +el.tagName.slice(1);
		const before = [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6, main caption')]
			.filter(h => h.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING || h.contains(a));
		const headings = [];
		let above = 8;
		for (let i = before.length - 1; i >= 0; i--) {
			const l = level(before[i]);
			if (l < above) { headings.unshift(before[i].textContent.trim()); above = l; }
		}
		return {href: a.getAttribute('href'), headings};
	})(%s)`, jsString(name)))
}

func TestBrowsePlaces(t *testing.T) {
	p := newTab(t)

	// From the home page, through the main navigation.
	p.open("/en/")
	resp := p.clickNav(`header nav.main-nav a[href="/en/places"]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /en/places: status %d, want 200 (page heading %q)", resp.Status, p.text("main h1"))
	}
	if got := p.location(); got != "/en/places" {
		t.Errorf("the navigation link led to %s, want /en/places", got)
	}

	// The list is grouped by entity and canton.
	fbih := regexp.MustCompile(`(?i)feder|\bFBiH\b`)
	for _, c := range []struct {
		name, href string
		under      []*regexp.Regexp // each must match one of the headings above the link
	}{
		{"Mostar", "/en/places/ba-fbih-mostar", []*regexp.Regexp{fbih, regexp.MustCompile(`(?i)neretv|\bHNK\b`)}},
		{"Banja Luka", "/en/places/ba-rs-banja-luka", []*regexp.Regexp{regexp.MustCompile(`(?i)srpsk|\bRS\b`)}},
		{"Žepče", "/en/places/ba-fbih-zepce", []*regexp.Regexp{fbih, regexp.MustCompile(`(?i)zeni[cč]|\bZDK\b`)}},
	} {
		l := p.findPlaceLink(c.name)
		if l == nil {
			t.Errorf("/en/places has no link %q", c.name)
			continue
		}
		if l.Href != c.href {
			t.Errorf("link %q goes to %s, want %s", c.name, l.Href, c.href)
		}
		for _, re := range c.under {
			found := false
			for _, h := range l.Headings {
				found = found || re.MatchString(h)
			}
			if !found {
				t.Errorf("link %q is under the headings %q; want one that matches %s (grouped by entity and canton)", c.name, l.Headings, re)
			}
		}
	}

	// One municipality's page.
	resp = p.clickNav(`main a[href="/en/places/ba-fbih-mostar"]`)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /en/places/ba-fbih-mostar: status %d, want 200", resp.Status)
	}
	if got := p.location(); got != "/en/places/ba-fbih-mostar" {
		t.Errorf("the Mostar link led to %s", got)
	}
	if h1 := p.text("main h1"); !strings.Contains(h1, "Mostar") {
		t.Errorf("Mostar page heading = %q, want it to contain Mostar", h1)
	}
	body := p.body()
	if !regexp.MustCompile(`105[,.\s\x{00a0}\x{202f}]?797`).MatchString(body) {
		t.Errorf("the Mostar page does not show the 2013 population 105,797")
	}
	if !regexp.MustCompile(`(?i)neretv`).MatchString(body) {
		t.Errorf("the Mostar page does not name its canton (Herzegovina-Neretva)")
	}

	// The filter folds diacritics: "zepce" finds Žepče, and not Mostar.
	resp = p.open("/en/places?q=zepce")
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /en/places?q=zepce: status %d, want 200", resp.Status)
	}
	if l := p.findPlaceLink("Žepče"); l == nil {
		t.Errorf("/en/places?q=zepce does not list Žepče")
	} else if l.Href != "/en/places/ba-fbih-zepce" {
		t.Errorf("/en/places?q=zepce: Žepče links to %s", l.Href)
	}
	if p.findPlaceLink("Mostar") != nil {
		t.Errorf("/en/places?q=zepce still lists Mostar (the filter did nothing)")
	}
}

func TestLanguageSwitch(t *testing.T) {
	p := newTab(t)
	path := "/places"
	resp := p.open("/bs" + path)
	if resp.Status == http.StatusNotFound {
		t.Logf("/bs/places is not there yet (404): switching the language on /bs/ instead")
		path = "/"
		p.open("/bs" + path)
	}

	p.click("header details.lang-switch summary")
	link := `header details.lang-switch a[hreflang="sr-Cyrl"]`
	if got, want := p.text(link), "Српски (ћирилица)"; got != want {
		t.Errorf("the sr-Cyrl entry of the language menu reads %q, want %q", got, want)
	}
	resp = p.clickNav(link)
	if resp.Status != http.StatusOK {
		t.Errorf("GET /sr-Cyrl%s: status %d, want 200", path, resp.Status)
	}
	if got := p.location(); got != "/sr-Cyrl"+path {
		t.Errorf("after choosing Српски (ћирилица): at %s, want /sr-Cyrl%s", got, path)
	}
	if got := evalJS[string](p, `document.documentElement.lang`); got != "sr-Cyrl" {
		t.Errorf(`<html lang=%q>, want "sr-Cyrl"`, got)
	}
	body := p.body()
	if !cyrillic.MatchString(body) {
		t.Errorf("the sr-Cyrl page has no Cyrillic letters:\n%s", body)
	}
	// The navigation is in Cyrillic, not only the names of places.
	if nav := p.text("header nav.main-nav"); !cyrillic.MatchString(nav) {
		t.Errorf("the main navigation of the sr-Cyrl page is not in Cyrillic: %q", nav)
	}
	// The menu now marks sr-Cyrl as the current language.
	if p.count(`header details.lang-switch a[hreflang="sr-Cyrl"][aria-current]`) != 1 {
		t.Errorf("the language menu does not mark sr-Cyrl as current (aria-current)")
	}
}
