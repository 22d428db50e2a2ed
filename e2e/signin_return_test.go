package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestSignInReturnsToThePage (issue 16): every "sign in to …" link of the
// participation pages carries the page once (not encoded twice), and after
// signing in the person is back on that page at the action (its anchor),
// for an initiative's support and its comments, a ballot, a meeting and a
// call.
func TestSignInReturnsToThePage(t *testing.T) {
	const platform = "/bs/platforms/lokalna-dijaloska-platforma-mostar"
	const joint = "/bs/platforms/medjuopstinska-dijaloska-platforma-mostar-trebinje-trnovo" // its ballot is open
	// find opens the pages linked from list whose href has prefix until one
	// offers a sign-in link matching sel; it returns that page's path.
	find := func(p *tab, list, prefix, sel string) string {
		p.t.Helper()
		p.open(list)
		hrefs := evalJS[[]string](p, fmt.Sprintf(`[...new Set([...document.querySelectorAll('main a')].map(a => a.getAttribute('href')).filter(h => h && h.startsWith(%s) && /^[a-z0-9-]+$/.test(h.slice(%d))))]`, jsString(prefix), len(prefix)))
		for _, h := range hrefs {
			p.open(h)
			if p.count(sel) > 0 {
				return h
			}
		}
		p.t.Fatalf("no page under %s linked from %s offers %s", prefix, list, sel)
		return ""
	}
	cases := []struct {
		name, list, prefix, anchor string
	}{
		{"initiative support", platform, "/bs/initiatives/", "support-h"},
		{"initiative comment", platform, "/bs/initiatives/", "comments"},
		{"ballot", joint, joint + "/ballots/", "vote-h"},
		{"meeting", platform, platform + "/meetings/", "meeting-register"},
		{"call", "/bs/calls", "/bs/calls/", "facts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newTab(t)
			sel := fmt.Sprintf(`main a[href*="/login?next="][href$="%%23%s"]`, c.anchor)
			page := find(p, c.list, c.prefix, sel)
			href := p.attr(sel, "href")
			u, err := url.Parse(href)
			if err != nil || strings.Contains(href, "%25") {
				t.Fatalf("the sign-in link %q is encoded twice", href)
			}
			if next := u.Query().Get("next"); next != page+"#"+c.anchor {
				t.Fatalf("the sign-in link returns to %q, want %q", next, page+"#"+c.anchor)
			}
			p.clickNav(sel)
			p.fill("#f-email", demoCitizen)
			p.fill("#f-password", demoPassword)
			p.clickNav(`main form[action$="/login"] button[type=submit]`)
			if got := p.location(); got != page+"#"+c.anchor {
				t.Fatalf("after signing in: %s, want %s#%s", got, page, c.anchor)
			}
			if p.count("#"+c.anchor) != 1 {
				t.Errorf("the page has no element #%s to land on", c.anchor)
			}
			if p.headerName() == "" {
				t.Errorf("not signed in after the sign-in form")
			}
		})
	}
}
