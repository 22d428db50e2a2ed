package e2e

import (
	"strings"
	"testing"
)

// TestLegalPages (issue 16): the privacy notice and the terms of use pass
// axe (every open runs it) in Bosnian, Serbian Cyrillic, English and
// Albanian, name the demo's operator, are linked from the footer, and do
// not scroll sideways on a phone; the EU-funded programme's page carries
// the funder's notice above the footer.
func TestLegalPages(t *testing.T) {
	p := newTab(t)
	for _, path := range []string{"/bs/privacy", "/sr-Cyrl/privacy", "/en/terms", "/sq/terms"} {
		p.open(path)
		if !strings.Contains(p.text("main"), "privacy@dijalog.example") {
			t.Errorf("%s does not name the operator's address", path)
		}
		lang := strings.Split(path, "/")[1]
		for _, link := range []string{"/" + lang + "/privacy", "/" + lang + "/terms"} {
			if p.count(`footer a[href="`+link+`"]`) != 1 {
				t.Errorf("%s: the footer does not link %s", path, link)
			}
		}
		p.viewport(390)
		if w := evalJS[float64](p, `document.documentElement.scrollWidth - window.innerWidth`); w > 1 {
			t.Errorf("%s scrolls %.0f px sideways at 390 px", path, w)
		}
		p.viewport(viewportWidth)
	}
	p.open("/en/projects?q=LINK")
	href := p.attr(`main a[href^="/en/projects/link-"]`, "href")
	p.open(href)
	if got := p.text("aside.visibility"); !strings.Contains(got, "Funded by the European Union") || !strings.Contains(got, "financial support of the European Union") {
		t.Errorf("%s: the funder's notice is %q", href, got)
	}
}
