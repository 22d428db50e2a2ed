// Package web is the shared HTTP plumbing: the router with locale-prefixed
// pages, the middleware (security headers, logging, metrics, recovery, body
// limits, CSRF), the error adapter, the renderer and the embedded assets.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/dijalog/dijalog/internal/i18n"
	"github.com/dijalog/dijalog/internal/refuse"
)

// HandlerFunc is a handler that returns an error; the adapter renders it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Server holds the router and everything the shared middleware needs.
type Server struct {
	mux      *http.ServeMux
	Cat      *i18n.Catalog
	Render   *Renderer
	Assets   *Assets
	Log      *slog.Logger
	Metrics  *Metrics
	routes   []Route
	session  Middleware
	maxBody  int64
	cop      *http.CrossOriginProtection
	exempt   *http.ServeMux // routes that need no CSRF token (see ExemptCSRF)
	exempts  []string
	limits   *http.ServeMux // routes with their own body limit (see BodyLimit)
	limitFor map[string]int64
	cache    *pageCache
	gz       *compressor
	build    string // goes into validators made from data versions
}

// Route describes one registered route, for tests that walk the router.
type Route struct {
	Method  string
	Pattern string // with {lang} for pages
	Page    bool   // registered once per locale
}

// Options configure a Server.
type Options struct {
	Catalog  *i18n.Catalog
	Renderer *Renderer
	Assets   *Assets
	Logger   *slog.Logger
	Metrics  *Metrics
	MaxBody  int64 // bytes; default 1 MiB
	// Session loads each request's session and checks its CSRF token
	// (the auth package's Sessions.Middleware); nil for none.
	Session Middleware
	// Compress gzips text responses for clients that accept it (off when
	// a proxy in front compresses already).
	Compress bool
	// Build names the release (the version); with the assets' fingerprints
	// it makes validators from data versions change on a deploy.
	Build string
}

// Middleware wraps the router of srv (srv answers the failures it finds,
// e.g. ErrCSRF, with Fail).
type Middleware func(srv *Server, next http.Handler) http.Handler

// NewServer makes a server with the operational routes and static files.
func NewServer(o Options) *Server {
	if o.MaxBody == 0 {
		o.MaxBody = 1 << 20
	}
	s := &Server{mux: http.NewServeMux(), Cat: o.Catalog, Render: o.Renderer, Assets: o.Assets, Log: o.Logger, Metrics: o.Metrics, maxBody: o.MaxBody, session: o.Session,
		exempt: http.NewServeMux(), limits: http.NewServeMux(), limitFor: map[string]int64{},
		cache: newPageCache(2*time.Second, 2000), gz: newCompressor(o.Compress)}
	s.build = o.Build
	if o.Assets != nil {
		s.build += "." + o.Assets.Build()
	}
	if o.Build == "" || o.Build == "dev" {
		// A development build changes without a new name: one process's
		// validators must not outlive it.
		s.build += "." + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	s.cop = http.NewCrossOriginProtection()
	s.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, ErrCSRF)
	}))
	var assets http.Handler = http.NotFoundHandler()
	if o.Assets != nil {
		assets = o.Assets.Handler(o.Compress)
	}
	s.mux.Handle("GET /static/{file}", s.label("GET /static/{file}", assets))
	s.routes = append(s.routes, Route{Method: "GET", Pattern: "/static/{file}"})
	s.Handle("GET /{$}", s.rootRedirect)
	for _, code := range i18n.Codes() {
		s.mux.Handle("GET /"+code, s.label("GET /{lang}", http.RedirectHandler("/"+code+"/", http.StatusMovedPermanently)))
	}
	return s
}

// ExemptCSRF exempts one locale-free, state-changing route from the CSRF
// token and the same-origin check. Only for routes whose URL itself carries
// the credential and that mail clients call without a session, such as RFC
// 8058 one-click unsubscribe. Every exemption is listed by CSRFExemptions.
func (s *Server) ExemptCSRF(pattern string) {
	s.exempt.Handle(pattern, http.NotFoundHandler())
	s.cop.AddInsecureBypassPattern(pattern)
	s.exempts = append(s.exempts, pattern)
}

// CSRFExempt reports whether r is for an exempted route.
func (s *Server) CSRFExempt(r *http.Request) bool {
	_, p := s.exempt.Handler(r)
	return p != ""
}

// CSRFExemptions lists the exempted route patterns (for tests).
func (s *Server) CSRFExemptions() []string { return append([]string(nil), s.exempts...) }

// BodyLimit gives a page route (as passed to Page, e.g. "POST /news/new")
// its own request body limit, for uploads larger than the default.
func (s *Server) BodyLimit(pagePattern string, n int64) {
	method, p, _ := strings.Cut(pagePattern, " ")
	for _, code := range i18n.Codes() {
		pat := method + " /" + code + p
		s.limits.Handle(pat, http.NotFoundHandler())
		s.limitFor[pat] = n
	}
}

func (s *Server) bodyLimit(r *http.Request) int64 {
	if _, p := s.limits.Handler(r); p != "" {
		return s.limitFor[p]
	}
	return s.maxBody
}

// Routes lists the registered routes.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

func (s *Server) rootRedirect(w http.ResponseWriter, r *http.Request) error {
	loc := ""
	if st := StateOf(r); st.Viewer != nil && i18n.Supported(st.Viewer.PreferredLocale()) {
		loc = st.Viewer.PreferredLocale()
	}
	if loc == "" {
		if c, err := r.Cookie("lang"); err == nil && i18n.Supported(c.Value) {
			loc = c.Value
		}
	}
	if loc == "" {
		loc = s.Cat.MatchRequest(r)
	}
	w.Header().Set("Vary", "Accept-Language, Cookie")
	http.Redirect(w, r, "/"+loc+"/", http.StatusFound)
	return nil
}

// Page registers a locale-prefixed page: pattern "GET /places/{code}" is
// served at /bs/places/{code}, /sr-Cyrl/places/{code}, ... .
func (s *Server) Page(pattern string, h HandlerFunc) {
	method, p, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("web: page pattern needs a method: " + pattern)
	}
	label := method + " /{lang}" + p
	s.routes = append(s.routes, Route{Method: method, Pattern: "/{lang}" + p, Page: true})
	for _, code := range i18n.Codes() {
		code := code
		hh := s.adapt(h)
		s.mux.Handle(method+" /"+code+p, s.label(label, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			StateOf(r).Locale = code
			hh.ServeHTTP(w, r)
		})))
	}
}

// Handle registers a locale-free route (API, operations).
func (s *Server) Handle(pattern string, h HandlerFunc) {
	method, p, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Method: method, Pattern: p})
	s.mux.Handle(pattern, s.label(pattern, s.adapt(h)))
}

// HandleHTTP registers a plain http.Handler (e.g. /metrics).
func (s *Server) HandleHTTP(pattern string, h http.Handler) {
	method, p, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Method: method, Pattern: p})
	s.mux.Handle(pattern, s.label(pattern, h))
}

func (s *Server) label(pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		StateOf(r).Route = pattern
		h.ServeHTTP(w, r)
	})
}

// adapt turns a HandlerFunc into an http.Handler that renders its error.
func (s *Server) adapt(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.Fail(w, r, err)
		}
	})
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Fail renders err as a localised error page (or a JSON problem for the API)
// and logs the cause of server errors.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := StatusOf(err)
	if errors.Is(err, context.Canceled) {
		return
	}
	if responseStarted(w) {
		// The answer has begun (typically the client went away while it
		// was being written): nothing more can be sent.
		s.Log.DebugContext(r.Context(), "response already started", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	if status >= 500 {
		s.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.Log.DebugContext(r.Context(), "request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	st := StateOf(r)
	if st.Locale == "" {
		st.Locale = s.localeFor(r)
	}
	if IsAPI(r) {
		p := s.Cat.Printer(st.Locale)
		problem := map[string]any{"status": status, "title": http.StatusText(status), "detail": p.T(key)}
		var fe refuse.FieldErrors
		if errors.As(err, &fe) {
			fields := make(map[string]string, len(fe))
			for f, k := range fe {
				fields[f] = p.T(k)
			}
			problem["fields"] = fields
		}
		WriteJSON(w, status, problem)
		return
	}
	if errors.Is(err, refuse.ErrSignIn) {
		// A page that needs a signed-in person: sign in, then come back.
		http.Redirect(w, r, SignInURL(st.Locale, r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if rerr := s.Render.PageStatus(w, r, status, "web/error", ErrorPage{Status: status, Key: key}); rerr != nil {
		s.Log.ErrorContext(r.Context(), "error page failed", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Status int
	Key    string
}

// localeFor picks a locale for requests outside the locale-prefixed pages.
func (s *Server) localeFor(r *http.Request) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if i18n.Supported(first) {
		return first
	}
	if q := r.URL.Query().Get("lang"); i18n.Supported(q) {
		return q
	}
	if st := StateOf(r); st.Viewer != nil && i18n.Supported(st.Viewer.PreferredLocale()) {
		return st.Viewer.PreferredLocale()
	}
	return s.Cat.MatchRequest(r)
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// Handler is the whole stack: recovery, logging and metrics, security
// headers, compression, validators and 304s, cross-origin protection, body limit, session and CSRF, router.
func (s *Server) Handler() http.Handler {
	var h http.Handler = http.HandlerFunc(s.dispatch)
	if s.session != nil {
		h = s.session(s, h)
	}
	h = s.limitBody(h)
	h = s.cop.Handler(h)
	h = s.conditional(h)
	h = s.compress(h)
	h = securityHeaders(h)
	h = s.observe(h)
	return h
}

// dispatch routes the request; unknown routes and wrong methods get the
// localised 404 and 405 pages instead of the mux's plain text.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		if !SafeMethod(r.Method) {
			s.cache.invalidate()
		} else if s.cache.serve(w, r, s.mux) {
			return
		}
		// ServeHTTP, not h: only the mux's own dispatch sets path values.
		s.mux.ServeHTTP(w, r)
		return
	}
	rec := &statusRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.header.Get("Allow"))
		s.Fail(w, r, &Error{Status: http.StatusMethodNotAllowed})
	case http.StatusMovedPermanently, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusFound:
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
	default:
		s.Fail(w, r, refuse.ErrNotFound)
	}
}

type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}

// limitBody caps request bodies and parses forms of state-changing requests,
// turning oversized bodies into 413 and malformed ones into 400.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			limit := s.bodyLimit(r)
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if isForm(r) {
				var err error
				if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
					err = r.ParseMultipartForm(min(limit, 32<<20))
				} else {
					err = r.ParseForm()
				}
				if err != nil {
					var mbe *http.MaxBytesError
					if errors.As(err, &mbe) {
						s.Fail(w, r, &Error{Status: http.StatusRequestEntityTooLarge, Err: err})
					} else {
						s.Fail(w, r, &Error{Status: http.StatusBadRequest, Err: err})
					}
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// SafeMethod reports a method that changes no state (GET, HEAD, OPTIONS):
// it needs no CSRF token and may be served from the page cache.
func SafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// observe wraps everything: request state, recovery, structured log, metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &State{}
		r = r.WithContext(WithState(r.Context(), st))
		rw := &responseWriter{ResponseWriter: w, status: 0}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.ErrorContext(r.Context(), "panic", "panic", p, "stack", string(debug.Stack()))
				if rw.status == 0 {
					s.Fail(rw, r, errors.New("panic in handler"))
				}
			}
			status := rw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			route := st.Route
			if route == "" {
				route = "unmatched"
			}
			if s.Metrics != nil {
				s.Metrics.Observe(route, r.Method, status, d)
			}
			lvl := slog.LevelInfo
			if route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics" || route == "GET /static/{file}" {
				lvl = slog.LevelDebug
			}
			s.Log.Log(r.Context(), lvl, "request", "method", r.Method, "path", r.URL.Path, "route", route, "status", status, "bytes", rw.bytes, "duration_ms", float64(d.Microseconds())/1000)
		}()
		next.ServeHTTP(rw, r)
	})
}

type responseWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	if code >= 300 && code < 400 {
		// The last line against an open redirect: whatever a handler put
		// in Location, a browser only ever goes to a path of this site.
		if loc := w.Header().Get("Location"); loc != "" && !LocalPath(loc) {
			w.Header().Set("Location", "/")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// responseStarted reports whether any writer in the chain has begun the
// answer (sent or held its status), so no error page can replace it.
func responseStarted(w http.ResponseWriter) bool {
	for w != nil {
		switch x := w.(type) {
		case *responseWriter:
			if x.status != 0 {
				return true
			}
		case interface{ headerSent() bool }:
			if x.headerSent() {
				return true
			}
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}

// Flush lets streaming handlers (CSV exports) flush.
func (w *responseWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
