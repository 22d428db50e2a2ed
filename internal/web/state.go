package web

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/dijalog/dijalog/internal/i18n"
)

// Viewer is what the page shell needs to know about a signed-in person. The
// auth package's user type implements it.
type Viewer interface {
	DisplayName() string
	IsAdmin() bool
	PreferredLocale() string
}

// State is the per-request state shared by the middleware, the handlers and
// the renderer. It lives in the request's context.
type State struct {
	Locale  string // the page's locale code ("bs", "sr-Cyrl")
	Route   string // route pattern for logs and metrics, e.g. "GET /{lang}/places"
	Viewer  Viewer // nil when anonymous
	Session any    // the session object of the auth package, opaque here

	// CSRF returns the session's CSRF token, creating an anonymous session
	// (and its cookie) on first use. Set by the session middleware.
	CSRF func() (string, error)
	// Flash is a message key to show once, set by the session middleware.
	Flash string
	// Share is what the page says of itself when shared (nil: the site's
	// name and tagline); set by the page's handler.
	Share *Share
	// Visibility is a funder's visibility notice the page must carry (the
	// EU disclaimer of a programme and its projects); nil for none. Set by
	// the page's handler; the layout shows it above the footer.
	Visibility *Visibility
}

// Visibility is a funder's visibility notice: the emblem as text (what
// an image's alternative text would say; no outside images) and the
// disclaimer, in Lang (the page's language when the programme has it).
type Visibility struct {
	Emblem, Text, Lang string
}

type stateKey struct{}

// WithState returns a context carrying st.
func WithState(ctx context.Context, st *State) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

// StateOf returns the request's state; never nil.
func StateOf(r *http.Request) *State {
	if st, ok := r.Context().Value(stateKey{}).(*State); ok {
		return st
	}
	return &State{}
}

// StateFrom returns the state from a context, or nil.
func StateFrom(ctx context.Context) *State {
	st, _ := ctx.Value(stateKey{}).(*State)
	return st
}

// APILocale is the locale of a JSON API response: the request's ?lang= when
// it names one of the seven locales, otherwise the platform's default. Every
// API handler picks its locale here, so `lang` works the same on every
// endpoint.
func APILocale(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); i18n.Supported(l) {
		return l
	}
	return i18n.Default
}

// ClientIP is the request's client address: the first X-Forwarded-For
// entry when a trusted proxy sets it (trustProxy), the connection's peer
// otherwise.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
