package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dijalog/dijalog/internal/config"
	"github.com/dijalog/dijalog/internal/db/dbtest"
	"github.com/dijalog/dijalog/internal/web"
)

// Issue 22, light on a phone network: every public text answer is
// compressed and carries a validator, and the main pages stay within a
// page-weight budget. Both checks run on the real router with demo data.

const (
	budgetFirst  = 60 << 10 // first visit: HTML and what it links, compressed
	budgetRepeat = 15 << 10 // revisit: assets cached, HTML revalidated
)

// lightClient is an anonymous browser-like client that asks for gzip
// itself, so the test sees the bytes as they travel.
type lightClient struct {
	t    *testing.T
	app  *App
	base string
	c    *http.Client
}

type fetched struct {
	status int
	header http.Header
	wire   int // bytes of the body as sent
	body   string
	hdrLen int // bytes of the status line and header, about
}

func newLightApp(t *testing.T) *lightClient {
	t.Helper()
	cfg := &config.Config{BaseURL: "http://example.test", TimeZone: time.UTC, CheapPasswords: true, Compress: true}
	a, err := Build(dbtest.SQLite(t), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Cleanup(a.stopOutbox)
	if err := a.LoadDemo(context.Background()); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &lightClient{t: t, app: a, base: srv.URL, c: &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches path with gzip accepted and the extra headers (name, value
// pairs); the body is decoded for reading.
func (lc *lightClient) get(path string, hdr ...string) fetched {
	lc.t.Helper()
	req, err := http.NewRequest(http.MethodGet, lc.base+path, nil)
	if err != nil {
		lc.t.Fatalf("GET %s: %v", path, err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := lc.c.Do(req)
	if err != nil {
		lc.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		lc.t.Fatalf("GET %s: read: %v", path, err)
	}
	f := fetched{status: resp.StatusCode, header: resp.Header, wire: len(raw), body: string(raw), hdrLen: len("HTTP/1.1 200 OK\r\n\r\n")}
	for k, vs := range resp.Header {
		for _, v := range vs {
			f.hdrLen += len(k) + len(v) + 4
		}
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		f.body = gunzipString(lc.t, raw)
	}
	return f
}

var hrefRe = regexp.MustCompile(`(?:href|src)="(/[^"#]*)"`)

// crawl follows the same-site links of the public pages, breadth first,
// from the home page and the main sections; it returns every URL seen.
func (lc *lightClient) crawl(limit int) []string {
	lc.t.Helper()
	queue := []string{"/en/", "/en/places", "/en/projects", "/en/projects/dashboard", "/en/platforms", "/en/calls", "/en/eloge",
		"/en/news", "/en/events", "/en/surveys", "/en/search?q=most"}
	seen := map[string]bool{}
	for _, u := range queue {
		seen[u] = true
	}
	for i := 0; i < len(queue) && i < limit; i++ {
		f := lc.get(queue[i])
		if f.status != http.StatusOK || !strings.HasPrefix(f.header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range hrefRe.FindAllStringSubmatch(f.body, -1) {
			u := strings.ReplaceAll(m[1], "&amp;", "&")
			if !seen[u] && (strings.HasPrefix(u, "/en/") || strings.HasPrefix(u, "/api/") || strings.HasPrefix(u, "/static/") ||
				strings.HasPrefix(u, "/media/") || strings.HasPrefix(u, "/dialogue/")) {
				seen[u] = true
				queue = append(queue, u)
			}
		}
	}
	return queue
}

var paramRe = regexp.MustCompile(`\{[^}]+\}`)

// patternRe turns a route pattern ("/{lang}/places/{code}") into a regular
// expression over URLs, with {lang} fixed to en.
func patternRe(p string) *regexp.Regexp {
	p = strings.TrimSuffix(strings.ReplaceAll(p, "{lang}", "en"), "{$}")
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range paramRe.FindAllStringIndex(p, -1) {
		b.WriteString(regexp.QuoteMeta(p[last:loc[0]]))
		if strings.HasSuffix(p[loc[0]:loc[1]], "...}") {
			b.WriteString("([^?]+)")
		} else {
			b.WriteString("([^/?]+)")
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(p[last:]))
	b.WriteString(`(?:\?.*)?$`)
	return regexp.MustCompile(b.String())
}

// routeURLs lists, for every public GET route, URLs to try for it: the
// first the crawl found, else the pattern filled with values that fill
// the same parameter name in other routes ({slug}, {code}, {pid}). Routes
// it cannot fill are returned as skipped.
func routeURLs(routes []web.Route, seen []string) (urls map[string][]string, skipped []string) {
	urls = map[string][]string{}
	values := map[string][]string{} // parameter name -> values seen
	var open []string
	for _, rt := range routes {
		p := rt.Pattern
		if rt.Method != http.MethodGet || strings.Contains(p, "test-") {
			continue
		}
		if p == "/{$}" || p == "/{lang}/{$}" || !strings.Contains(p, "{") {
			urls[p] = []string{"/" + strings.TrimPrefix(strings.TrimSuffix(strings.ReplaceAll(p, "{lang}", "en"), "{$}"), "/")}
			continue
		}
		re := patternRe(p)
		i := slices.IndexFunc(seen, re.MatchString)
		if i < 0 {
			open = append(open, p)
			continue
		}
		urls[p] = []string{seen[i]}
		names := paramRe.FindAllString(strings.ReplaceAll(p, "{lang}", "en"), -1)
		for k, v := range re.FindStringSubmatch(seen[i])[1:] {
			if k < len(names) && !slices.Contains(values[names[k]], v) {
				values[names[k]] = append(values[names[k]], v)
			}
		}
	}
	for _, p := range open {
		cands := []string{strings.ReplaceAll(p, "{lang}", "en")}
		for _, name := range paramRe.FindAllString(cands[0], -1) {
			var next []string
			for _, c := range cands {
				for _, v := range values[name] {
					next = append(next, strings.Replace(c, name, v, 1))
				}
			}
			cands = next
		}
		if len(cands) == 0 {
			skipped = append(skipped, p)
			continue
		}
		urls[p] = cands[:min(len(cands), 6)]
	}
	return urls, skipped
}

// TestPhoneNetwork runs both checks on one app with demo data.
func TestPhoneNetwork(t *testing.T) {
	lc := newLightApp(t)
	seen := lc.crawl(400)
	t.Run("EveryRouteCompressedAndValidated", func(t *testing.T) { lc.with(t).everyRoute(seen) })
	t.Run("PageWeightBudget", func(t *testing.T) { lc.with(t).budget(seen) })
}

func (lc *lightClient) with(t *testing.T) *lightClient {
	c := *lc
	c.t = t
	return &c
}

// everyRoute walks every public GET route of the real router as an
// anonymous reader: a text answer must be gzipped (unless tiny) and carry a
// validator (ETag or Last-Modified) unless it may not be stored at all,
// and its validator must answer 304.
func (lc *lightClient) everyRoute(seen []string) {
	t := lc.t
	urls, skipped := routeURLs(lc.app.Web.Routes(), seen)
	t.Logf("%d routes checked; skipped (no id to fill from the demo): %v", len(urls), skipped)
	if len(urls) < 40 {
		t.Fatalf("only %d routes could be filled; the crawl is broken", len(urls))
	}
	checked := 0
	for _, p := range slices.Sorted(maps.Keys(urls)) {
		var u string
		var f fetched
		for _, u = range urls[p] {
			if f = lc.get(u); f.status == http.StatusOK {
				break
			}
		}
		ct := f.header.Get("Content-Type")
		if f.status != http.StatusOK || !web.Compressible(ct) {
			continue // redirects to sign in, ids that fill no record, images
		}
		checked++
		if f.header.Get("Content-Encoding") != "gzip" && len(f.body) >= 1024 {
			t.Errorf("%s (%s): %d bytes of %s sent uncompressed", p, u, len(f.body), ct)
		}
		if !strings.Contains(strings.Join(f.header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s (%s): no Vary: Accept-Encoding", p, u)
		}
		tag, lm := f.header.Get("ETag"), f.header.Get("Last-Modified")
		if strings.Contains(f.header.Get("Cache-Control"), "no-store") {
			continue
		}
		if tag == "" && lm == "" {
			t.Errorf("%s (%s): %s without a validator (ETag or Last-Modified)", p, u, ct)
			continue
		}
		if tag != "" {
			if again := lc.get(u, "If-None-Match", tag); again.status != http.StatusNotModified {
				t.Errorf("%s (%s): revalidation with its own ETag %s answered %d, want 304 (does the page change on every render?)", p, u, tag, again.status)
			}
		}
	}
	t.Logf("%d text answers checked", checked)
}

func gunzipString(t *testing.T, b []byte) string {
	t.Helper()
	z, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return string(out)
}

// mainPages are the pages of the budget: a fixed path, or the first URL
// of the crawl that matches.
var mainPages = []struct{ name, path, like string }{
	{"home", "/en/", ""},
	{"places", "/en/places", ""},
	{"a place", "", `^/en/places/ba-(?:fbih|rs)-(?:[a-jl-z]|k[a-z])[a-z-]*$`}, // an LSG, not a canton (k-...)
	{"projects", "/en/projects", ""},
	{"dashboard", "/en/projects/dashboard", ""},
	{"a project", "", `^/en/projects/[a-z0-9-]+-[a-z0-9]{8}$`},
	{"platforms", "/en/platforms", ""},
	{"a platform", "", `^/en/platforms/forum-[a-z0-9-]+$`},
	{"an initiative", "", `^/en/initiatives/[a-z0-9]+$`},
	{"calls", "/en/calls", ""},
	{"a call", "", `^/en/calls/[a-z0-9-]+-[a-f0-9]{6}$`},
	{"ELoGE", "/en/eloge", ""},
	{"news", "/en/news", ""},
	{"an article", "", `^/en/news/[a-z0-9-]+-[a-f0-9]{8}$`},
	{"events", "/en/events", ""},
	{"search", "/en/search?q=most", ""},
}

var (
	assetLinkRe = regexp.MustCompile(`<link[^>]+rel="(?:stylesheet|icon)"[^>]*>`)
	scriptSrcRe = regexp.MustCompile(`<script[^>]+src="([^"]+)"`)
	imgTagRe    = regexp.MustCompile(`<img[^>]*>`)
	urlAttrRe   = regexp.MustCompile(`\b(?:href|src)="([^"]+)"`)
	cssURLs     = regexp.MustCompile(`url\(["']?([^"')]+)["']?\)`)
)

// above lists what a page needs to show its first screen: stylesheets,
// scripts, the icon, images not lazily loaded, and the fonts and images
// its stylesheets use.
func (lc *lightClient) above(html string) []string {
	var out []string
	add := func(u string) {
		if strings.HasPrefix(u, "/") && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	for _, tag := range assetLinkRe.FindAllString(html, -1) {
		if m := urlAttrRe.FindStringSubmatch(tag); m != nil {
			add(m[1])
		}
	}
	for _, m := range scriptSrcRe.FindAllStringSubmatch(html, -1) {
		add(m[1])
	}
	for _, tag := range imgTagRe.FindAllString(html, -1) {
		if m := urlAttrRe.FindStringSubmatch(tag); m != nil && !strings.Contains(tag, `loading="lazy"`) {
			add(m[1])
		}
	}
	for _, u := range slices.Clone(out) {
		if strings.HasSuffix(u, ".css") {
			for _, m := range cssURLs.FindAllStringSubmatch(lc.get(u).body, -1) {
				add(m[1])
			}
		}
	}
	return out
}

// budget measures a first visit (the page and what it needs, as sent) and
// a revisit (the page revalidated with its ETag; assets immutable in the
// cache), headers included, and fails a page over either budget.
func (lc *lightClient) budget(seen []string) {
	t := lc.t
	for _, pg := range mainPages {
		u := pg.path
		if u == "" {
			re := regexp.MustCompile(pg.like)
			i := slices.IndexFunc(seen, re.MatchString)
			if i < 0 {
				t.Errorf("%s: no link like %s in the demo", pg.name, pg.like)
				continue
			}
			u = seen[i]
		}
		page := lc.get(u)
		if page.status != http.StatusOK {
			t.Errorf("%s (%s): status %d", pg.name, u, page.status)
			continue
		}
		first, repeat := page.hdrLen+page.wire, 0
		for _, a := range lc.above(page.body) {
			f := lc.get(a)
			first += f.hdrLen + f.wire
			if !strings.Contains(f.header.Get("Cache-Control"), "immutable") {
				repeat += lc.get(a, "If-None-Match", f.header.Get("ETag")).hdrLen + f.wire
			}
		}
		again := lc.get(u, "If-None-Match", page.header.Get("ETag"))
		repeat += again.hdrLen + again.wire
		t.Logf("%-14s first %6d B, revisit %5d B (HTML %d B as sent, %d B decoded; %s)", pg.name, first, repeat, page.wire, len(page.body), u)
		if first > budgetFirst {
			t.Errorf("%s (%s): first visit %d bytes, budget %d", pg.name, u, first, budgetFirst)
		}
		if repeat > budgetRepeat {
			t.Errorf("%s (%s): revisit %d bytes (HTML answered %d), budget %d", pg.name, u, repeat, again.status, budgetRepeat)
		}
	}
}
