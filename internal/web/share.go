package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/dijalog/dijalog/internal/refuse"
)

// Share is what a page says of itself when a link to it is shared (Open
// Graph and Twitter card tags); a handler sets it on the request's State.
// Pages without one share the site's name and tagline.
type Share struct {
	Kind        string // catalogue key of what the page is ("projects.share.kind")
	Title       string // the record's title, in its own language
	Description string // one line: who, where, how much
}

// SharePainter draws a share picture (kind, title, subtitle) as PNG.
type SharePainter func(kind, title, subtitle string) ([]byte, error)

// Share pictures are addressed by what they say, signed with the server's
// key, so the route draws only what a page of this site asked for (not any
// text someone puts in a URL) and the address of a picture changes when its
// text does.
const (
	sharePath     = "/og/"
	shareMaxTitle = 300
	shareMaxSub   = 200
	shareMaxKind  = 80
	shareCacheMax = 512
)

// ShareOptions turn the share tags on: the public base URL (the tags need
// absolute URLs) and the key that signs the picture URLs.
type ShareOptions struct {
	BaseURL string
	Key     []byte
}

func shareSig(key []byte, kind, title, sub string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind + "\x00" + title + "\x00" + sub))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// shareImagePath is the picture's path for the three texts.
func shareImagePath(key []byte, kind, title, sub string) string {
	q := url.Values{"k": {kind}, "t": {title}, "s": {sub}}
	return sharePath + shareSig(key, kind, title, sub) + ".png?" + q.Encode()
}

// ShareTags are the page's Open Graph and Twitter card tags (none unless
// the renderer was given ShareOptions).
func (v *View) ShareTags() template.HTML {
	o := v.r.share
	if o == nil {
		return ""
	}
	sh := v.st.Share
	title, desc, kind, typ := v.T("site.name"), v.T("site.tagline"), v.T("site.name"), "website"
	if sh != nil {
		title, desc, kind, typ = v.Show(sh.Title), v.shareLine(sh.Description), v.T(sh.Kind), "article"
	}
	trim := func(s string, n int) string {
		if len(s) <= n {
			return s
		}
		r := []rune(s)
		for len(string(r)) > n-3 {
			r = r[:len(r)-1]
		}
		return string(r) + "…"
	}
	title, desc, kind = trim(title, shareMaxTitle), trim(desc, shareMaxSub), trim(kind, shareMaxKind)
	page := o.BaseURL + v.req.URL.Path
	img := o.BaseURL + shareImagePath(o.Key, kind, title, desc)
	var b strings.Builder
	meta := func(attr, name, content string) {
		b.WriteString(`<meta ` + attr + `="` + name + `" content="`)
		b.WriteString(template.HTMLEscapeString(content))
		b.WriteString("\">\n")
	}
	meta("property", "og:site_name", v.T("site.name"))
	meta("property", "og:type", typ)
	meta("property", "og:title", title)
	meta("property", "og:description", desc)
	meta("property", "og:url", page)
	meta("property", "og:locale", strings.ReplaceAll(v.Code(), "-", "_"))
	meta("property", "og:image", img)
	meta("property", "og:image:type", "image/png")
	meta("property", "og:image:width", "1200")
	meta("property", "og:image:height", "630")
	meta("property", "og:image:alt", title)
	meta("name", "twitter:card", "summary_large_image")
	meta("name", "twitter:title", title)
	meta("name", "twitter:description", desc)
	meta("name", "twitter:image", img)
	return template.HTML(b.String())
}

// ServeShareImages adds GET /og/{sig} (the share pictures): a signed
// request is drawn once and kept (a small cache: a picture takes tens of
// milliseconds to draw), a wrong signature is 404.
func (s *Server) ServeShareImages(key []byte, paint SharePainter) {
	var mu sync.Mutex
	cache := map[string][]byte{}
	s.Handle("GET "+sharePath+"{sig}", func(w http.ResponseWriter, r *http.Request) error {
		sig, ok := strings.CutSuffix(r.PathValue("sig"), ".png")
		q := r.URL.Query()
		kind, title, sub := q.Get("k"), q.Get("t"), q.Get("s")
		if !ok || len(kind) > shareMaxKind || len(title) > shareMaxTitle || len(sub) > shareMaxSub ||
			!hmac.Equal([]byte(sig), []byte(shareSig(key, kind, title, sub))) {
			return refuse.ErrNotFound
		}
		mu.Lock()
		png, hit := cache[sig]
		mu.Unlock()
		if !hit {
			var err error
			if png, err = paint(kind, title, sub); err != nil {
				return err
			}
			mu.Lock()
			if len(cache) >= shareCacheMax {
				for k := range cache { // drop one at random
					delete(cache, k)
					break
				}
			}
			cache[sig] = png
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		_, err := w.Write(png)
		return err
	})
}

// ShareDescription is the page's own one-line description, if its handler
// gave one ("" otherwise).
func (v *View) ShareDescription() string {
	if v.st.Share == nil {
		return ""
	}
	return v.shareLine(v.st.Share.Description)
}

// shareLine is a description in the reader's script, part by part (its
// parts joined by " · " mix data and catalogue text, and a text already in
// part Cyrillic is not transliterated as a whole).
func (v *View) shareLine(s string) string {
	parts := strings.Split(s, " · ")
	for i, p := range parts {
		parts[i] = v.Show(p)
	}
	return strings.Join(parts, " · ")
}
