package app

import (
	"bytes"
	"html"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db/dbtest"
)

var ogImageRe = regexp.MustCompile(`<meta property="og:image" content="([^"]+)">`)

// TestShareCards (issue 16): a project, an initiative and a call share their
// own title in Open Graph and Twitter card tags, with an absolute picture
// URL from the configured base URL; the picture is a 1200 × 630 PNG drawn
// from a signed URL, and the same URL with other text (a forged picture)
// is 404; other pages share the site's name.
func TestShareCards(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	first := func(list, prefix string) string {
		t.Helper()
		_, body := get(t, c, ta.srv.URL+list)
		for _, m := range regexp.MustCompile(`href="(`+regexp.QuoteMeta(prefix)+`[a-z0-9-]+)"`).FindAllStringSubmatch(body, -1) {
			if rest := strings.TrimPrefix(m[1], prefix); rest != "dashboard" && rest != "new" && rest != "programmes" {
				return m[1]
			}
		}
		t.Fatalf("%s links no %s…", list, prefix)
		return ""
	}
	pages := []string{first("/bs/projects", "/bs/projects/"), first("/bs/calls", "/bs/calls/"),
		first("/bs/platforms/lokalna-dijaloska-platforma-mostar", "/bs/initiatives/")}
	for _, page := range pages {
		status, body := get(t, c, ta.srv.URL+page)
		if status != 200 {
			t.Fatalf("%s = %d", page, status)
		}
		title := regexp.MustCompile(`<h1[^>]*>([^<]+)</h1>`).FindStringSubmatch(body)
		og := regexp.MustCompile(`<meta property="og:title" content="([^"]+)">`).FindStringSubmatch(body)
		if title == nil || og == nil || html.UnescapeString(og[1]) != html.UnescapeString(strings.TrimSpace(title[1])) {
			t.Errorf("%s: og:title %v, heading %v", page, og, title)
		}
		for _, tag := range []string{`<meta property="og:type" content="article">`, `<meta name="twitter:card" content="summary_large_image">`, `<meta property="og:url" content="` + ta.Cfg.BaseURL + page + `">`} {
			if !strings.Contains(body, tag) {
				t.Errorf("%s lacks %s", page, tag)
			}
		}
		m := ogImageRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s has no og:image", page)
		}
		img := html.UnescapeString(m[1])
		if !strings.HasPrefix(img, ta.Cfg.BaseURL+"/og/") {
			t.Fatalf("%s: og:image %q is not under the base URL", page, img)
		}
		u, _ := url.Parse(img)
		resp, err := c.Get(ta.srv.URL + u.RequestURI())
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: picture = %d %s", page, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if cfg, err := png.DecodeConfig(&buf); err != nil || cfg.Width != 1200 || cfg.Height != 630 {
			t.Errorf("%s: picture %dx%d, %v", page, cfg.Width, cfg.Height, err)
		}
		q := u.Query()
		q.Set("t", "Pošaljite novac na račun 123")
		if status, _ := get(t, c, ta.srv.URL+u.Path+"?"+q.Encode()); status != 404 {
			t.Errorf("%s: a forged picture = %d, want 404", page, status)
		}
	}
	_, body := get(t, c, ta.srv.URL+"/bs/places")
	if !strings.Contains(body, `<meta property="og:type" content="website">`) || !ogImageRe.MatchString(body) {
		t.Errorf("/bs/places lacks the site's share tags")
	}
}
