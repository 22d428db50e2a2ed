package app

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/dijalog/dijalog/internal/db/dbtest"
)

// peopleText is the text of a page's <main> that people read: without
// tags (so without attribute values such as <time datetime>), scripts,
// styles and <code> (codes are shown as they are).
func peopleText(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	if i := strings.Index(page, "</main>"); i >= 0 {
		page = page[:i]
	}
	for _, el := range []string{"script", "style", "code", "textarea", "svg"} {
		page = regexp.MustCompile(`(?s)<`+el+`\b.*?</`+el+`>`).ReplaceAllString(page, " ")
	}
	page = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(page, " ")
	return html.UnescapeString(page)
}

// Patterns of formats that people should not see (issue 16, "Formats").
var (
	isoDateRe  = regexp.MustCompile(`\b(19|20)\d\d-[01]\d(-[0-3]\d)?\b`)
	secondsRe  = regexp.MustCompile(`\b\d{1,2}:\d\d:\d\d\b`)
	rawMoneyRe = regexp.MustCompile(`(?:^|[^\d.,])\d{4,}(?:[.,]\d+)?\s?(BAM|KM|EUR|USD|CHF|SEK|GBP|MKD)\b`)
)

// TestPagesShowPeopleFormats renders the main pages and some of their
// records in three locales and fails on a raw ISO date, a time with
// seconds, or an amount printed without the locale's grouping ("5000
// BAM" beside "14.000 BAM"): every date, time and amount a person reads
// goes through the locale's printer. One database is enough: this checks
// rendering, not storage.
func TestPagesShowPeopleFormats(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, dbtest.SQLite(t))
	c := ta.client(t)
	pages := []string{"/", "/projects", "/projects/dashboard", "/places/ba-fbih-mostar", "/platforms", "/calls", "/eloge", "/news", "/events", "/grants/registry"}
	// One record of each list, found on the Bosnian lists.
	linkRe := regexp.MustCompile(`href="/bs(/(?:projects|calls|news|events|platforms|eloge|awards)/[a-z0-9-]+(?:/[a-z0-9-]+)?)"`)
	for _, list := range []string{"/projects", "/calls", "/news", "/events", "/platforms", "/eloge", "/grants/registry"} {
		_, body := get(t, c, ta.srv.URL+"/bs"+list)
		seen := 0
		for _, m := range linkRe.FindAllStringSubmatch(body, -1) {
			p := m[1]
			if strings.HasSuffix(p, "/new") || strings.HasSuffix(p, "/dashboard") || strings.HasSuffix(p, "/programmes") || seen >= 3 {
				continue
			}
			pages = append(pages, p)
			seen++
		}
	}
	// The initiatives and meetings of the first platforms.
	for _, p := range pages {
		if !strings.HasPrefix(p, "/platforms/") {
			continue
		}
		_, body := get(t, c, ta.srv.URL+"/bs"+p)
		for _, m := range regexp.MustCompile(`href="/bs(/(?:initiatives/[a-z0-9-]+|platforms/[a-z0-9-]+/(?:meetings|ballots)/[a-z0-9-]+))"`).FindAllStringSubmatch(body, 4) {
			pages = append(pages, m[1])
		}
	}
	for _, loc := range []string{"bs", "en", "sr-Cyrl"} {
		for _, p := range pages {
			status, body := get(t, c, ta.srv.URL+"/"+loc+p)
			if status != http.StatusOK {
				t.Errorf("GET /%s%s: %d", loc, p, status)
				continue
			}
			text := peopleText(body)
			for _, chk := range []struct {
				what string
				re   *regexp.Regexp
			}{{"an ISO date", isoDateRe}, {"a time with seconds", secondsRe}, {"an amount without the locale's format", rawMoneyRe}} {
				if m := chk.re.FindAllString(text, 3); m != nil {
					t.Errorf("/%s%s shows %s: %q", loc, p, chk.what, m)
				}
			}
		}
	}
}
