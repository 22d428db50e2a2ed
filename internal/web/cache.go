package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dijalog/dijalog/internal/i18n"
)

// pageCache keeps the rendered bytes of public pages for anonymous readers
// for a short time. Any state-changing request served by this process
// empties it at once; writes made elsewhere (another instance, the CLI,
// background workers) show after at most the TTL.
type pageCache struct {
	routes  *http.ServeMux    // page patterns that may be cached
	vary    map[string]string // route (as the mux names it) -> the cookie its page also depends on
	ttl     time.Duration
	max     int
	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[string]*cachedPage
}

type cachedPage struct {
	gen    uint64
	at     time.Time
	header http.Header
	body   []byte
}

func newPageCache(ttl time.Duration, max int) *pageCache {
	return &pageCache{routes: http.NewServeMux(), vary: map[string]string{}, ttl: ttl, max: max, entries: map[string]*cachedPage{}}
}

// CachePage lets anonymous GETs of a page (as passed to Page, e.g.
// "GET /places/{code}") be served from a short-lived cache. Only pages
// whose output depends on nothing but the URL and the data qualify: no
// view counters, no forms (a form's CSRF token disables caching anyway).
func (s *Server) CachePage(pagePattern string) {
	method, p, _ := strings.Cut(pagePattern, " ")
	for _, code := range i18n.Codes() {
		s.cache.routes.Handle(method+" /"+code+p, http.NotFoundHandler())
	}
}

// CachePageByCookie is CachePage for a page that also depends on one
// cookie of the request, a remembered preference such as the visitor's
// LSG on the home page: each value of the cookie is cached apart from the
// others and from the page without it, and the answer says Vary: Cookie.
// A value that is not a short code (lower-case letters, digits and
// hyphens, at most 64 bytes) is never cached.
func (s *Server) CachePageByCookie(pagePattern, cookie string) {
	method, p, _ := strings.Cut(pagePattern, " ")
	for _, code := range i18n.Codes() {
		pat := method + " /" + code + p
		s.cache.routes.Handle(pat, http.NotFoundHandler())
		s.cache.vary[pat] = cookie
	}
}

// cookieKey is the part of the cache key that the vary cookie of a route
// adds ("" without one); ok is false for a value that is not cached.
func cookieKey(r *http.Request, name string) (key string, ok bool) {
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" {
		return "", true
	}
	if len(c.Value) > 64 {
		return "", false
	}
	for _, ch := range c.Value {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
			return "", false
		}
	}
	return "\x00" + name + "=" + c.Value, true
}

// invalidate drops every cached page (a write happened).
func (c *pageCache) invalidate() { c.gen.Add(1) }

func (c *pageCache) get(key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil || e.gen != c.gen.Load() || time.Since(e.at) > c.ttl {
		return nil
	}
	return e
}

func (c *pageCache) put(key string, e *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		now, gen := time.Now(), c.gen.Load()
		for k, old := range c.entries {
			if old.gen != gen || now.Sub(old.at) > c.ttl {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			return // full of fresh pages: serve uncached rather than grow
		}
	}
	c.entries[key] = e
}

// serve answers r from the cache, or runs h and keeps a cacheable answer.
// It reports false when r is not for a cached page.
func (c *pageCache) serve(w http.ResponseWriter, r *http.Request, h http.Handler) bool {
	if r.Method != http.MethodGet {
		return false
	}
	_, p := c.routes.Handler(r)
	if p == "" {
		return false
	}
	cookie := c.vary[p]
	if cookie != "" {
		addVary(w.Header(), "Cookie") // served from here or not, the page depends on it
	}
	st := StateOf(r)
	if st.Viewer != nil || st.Flash != "" {
		return false
	}
	key := r.URL.RequestURI()
	if len(key) > 512 {
		return false
	}
	if cookie != "" {
		k, ok := cookieKey(r, cookie)
		if !ok {
			return false
		}
		key += k
	}
	if e := c.get(key); e != nil {
		for k, v := range e.header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Cache", "hit")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(e.body)
		return true
	}
	gen := c.gen.Load()
	rec := &captureWriter{header: http.Header{}}
	h.ServeHTTP(rec, r)
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	cacheable := status == http.StatusOK && rec.header.Get("Set-Cookie") == "" && !strings.Contains(rec.header.Get("Cache-Control"), "no-store") &&
		strings.HasPrefix(rec.header.Get("Content-Type"), "text/html")
	if cacheable && rec.header.Get("ETag") == "" {
		// The validator is kept with the page, so a revalidation within
		// the TTL is answered 304 without rendering or hashing.
		rec.header.Set("ETag", bodyTag(rec.body.Bytes()))
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(rec.body.Bytes())
	if cacheable {
		c.put(key, &cachedPage{gen: gen, at: time.Now(), header: rec.header.Clone(), body: bytes.Clone(rec.body.Bytes())})
	}
	return true
}

// captureWriter buffers a whole response.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.header }
func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
