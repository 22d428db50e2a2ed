package e2e

import (
	"net/http"
	"regexp"
	"testing"
)

// TestPublicPages opens the pages anyone can see, in several languages, and
// checks their status, language, heading and (through check) accessibility.
func TestPublicPages(t *testing.T) {
	p := newTab(t)
	for _, c := range []struct {
		path     string
		status   int
		lang     string // <html lang>
		h1Key    string // catalogue key of the h1 (in lang)
		cyrillic bool   // the page must show Cyrillic letters
	}{
		{"/en/", http.StatusOK, "en", "home.heading", false},
		{"/sr-Cyrl/", http.StatusOK, "sr-Cyrl", "", true},
		{"/mk/", http.StatusOK, "mk", "home.heading", true},
		{"/sq/", http.StatusOK, "sq", "home.heading", false},
		{"/en/login", http.StatusOK, "en", "auth.login.title", false},
		{"/en/register", http.StatusOK, "en", "auth.register.title", false},
		{"/en/forgot", http.StatusOK, "en", "auth.forgot.title", false},
		{"/en/does-not-exist", http.StatusNotFound, "en", "error.404.title", false},
		{"/sq/admin", http.StatusOK, "sq", "auth.login.title", false}, // anonymous: sent to sign in
	} {
		t.Run(c.path, func(t *testing.T) {
			p := p.with(t)
			resp := p.open(c.path)
			if int(resp.Status) != c.status {
				t.Errorf("GET %s: status %d, want %d", c.path, resp.Status, c.status)
			}
			if got := evalJS[string](p, `document.documentElement.lang`); got != c.lang {
				t.Errorf("GET %s: <html lang=%q>, want %q", c.path, got, c.lang)
			}
			if c.h1Key != "" {
				if got, want := p.text("main h1"), p.msg(c.lang, c.h1Key); got != want {
					t.Errorf("GET %s: heading %q, want %q", c.path, got, want)
				}
			}
			if c.cyrillic && !cyrillic.MatchString(p.text("main h1")) {
				t.Errorf("GET %s: the heading %q is not in Cyrillic", c.path, p.text("main h1"))
			}
		})
	}

	// "/" sends the visitor to a language.
	t.Run("root", func(t *testing.T) {
		p := p.with(t)
		p.open("/")
		if got := p.location(); !regexp.MustCompile(`^/(bs|hr|sr-Latn|sr-Cyrl|mk|sq|en)/$`).MatchString(got) {
			t.Errorf("GET / led to %s, want a language's home page", got)
		}
	})
}

// with is the tab bound to a subtest.
func (p *tab) with(t *testing.T) *tab {
	c := *p
	c.t = t
	return &c
}
