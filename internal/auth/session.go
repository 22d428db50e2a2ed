package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/dijalog/dijalog/internal/refuse"
	"github.com/dijalog/dijalog/internal/web"
)

// Sessions loads the session of every request, makes the signed-in user
// available to handlers and checks the CSRF token of state-changing requests.
type Sessions struct {
	svc        *Service
	log        *slog.Logger
	secure     bool // always set Secure on cookies (behind a TLS proxy)
	trustProxy bool // take the client IP from X-Forwarded-For
}

// SessionOptions configure the session middleware.
type SessionOptions struct {
	SecureCookies bool
	TrustProxy    bool
}

// NewSessions makes the session middleware.
func NewSessions(svc *Service, log *slog.Logger, o SessionOptions) *Sessions {
	return &Sessions{svc: svc, log: log, secure: o.SecureCookies, trustProxy: o.TrustProxy}
}

// current is what the middleware stores in web.State.Session.
type current struct {
	s     *session
	user  *User
	fresh bool // created in this request
}

func (m *Sessions) cookieName(r *http.Request) string {
	if m.isSecure(r) {
		return "__Host-dijalog"
	}
	return "dijalog"
}

func (m *Sessions) isSecure(r *http.Request) bool {
	return m.secure || r.TLS != nil || (m.trustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

// ClientIP is the request's client address (X-Forwarded-For only when trusted).
func (m *Sessions) ClientIP(r *http.Request) string { return web.ClientIP(r, m.trustProxy) }

// UserFrom returns the signed-in user of a request, or nil.
func UserFrom(r *http.Request) *User {
	if c, ok := web.StateOf(r).Session.(*current); ok && c != nil {
		return c.user
	}
	return nil
}

// UserFromContext returns the signed-in user from a request context, or nil.
func UserFromContext(ctx context.Context) *User {
	if st := web.StateFrom(ctx); st != nil {
		if c, ok := st.Session.(*current); ok && c != nil {
			return c.user
		}
	}
	return nil
}

func sessionID(r *http.Request) string {
	if c, ok := web.StateOf(r).Session.(*current); ok && c != nil && c.s != nil {
		return c.s.ID
	}
	return ""
}

// slide moves a session's expiry on, at most once every ten minutes:
// anonymous sessions by a day, signed-in ones as expiry allows.
func (m *Sessions) slide(r *http.Request, s *session, u *User) {
	if time.Since(s.LastSeen) <= 10*time.Minute {
		return
	}
	until := time.Now().Add(AnonymousLifetime)
	if s.UserID != 0 && u != nil {
		until = expiry(u, s.CreatedAt, time.Now())
	}
	if err := m.svc.st.touchSession(r.Context(), m.svc.db, s.ID, until); err != nil {
		m.log.WarnContext(r.Context(), "session touch failed", "err", err)
	}
}

// Middleware loads the session of every request and checks the CSRF token
// of state-changing ones (web.Options.Session).
// It is a web.Middleware: srv answers a missing or wrong CSRF token.
func (m *Sessions) Middleware(srv *web.Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := web.StateOf(r)
		cur := &current{}
		st.Session = cur
		if c, err := r.Cookie(m.cookieName(r)); err == nil && c.Value != "" && len(c.Value) < 100 {
			s, u, err := m.svc.st.sessionWithUser(r.Context(), m.svc.db, hashToken(c.Value))
			switch {
			case err == nil && u != nil && time.Now().After(absoluteEnd(u, s.CreatedAt)):
				// Past its absolute life (a citizen given a role keeps a
				// session at most 12 hours from its start): sign out.
				if err := m.svc.st.deleteSession(r.Context(), m.svc.db, s.ID); err != nil {
					m.log.WarnContext(r.Context(), "session end failed", "err", err)
				}
				m.clearCookie(w, r)
			case err == nil:
				cur.s = s
				if u != nil && u.Status == StatusActive {
					cur.user = u
					st.Viewer = u
				}
				m.slide(r, s, u)
			case errors.Is(err, refuse.ErrNotFound):
				m.clearCookie(w, r)
			default:
				m.log.ErrorContext(r.Context(), "session load failed", "err", err)
			}
		}
		st.CSRF = func() (string, error) {
			if cur.s == nil {
				if err := m.start(w, r, cur, nil); err != nil {
					return "", err
				}
			}
			return cur.s.CSRFToken, nil
		}
		if !web.SafeMethod(r.Method) && !srv.CSRFExempt(r) {
			if !m.csrfOK(r, cur) {
				srv.Fail(w, r, web.ErrCSRF)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (m *Sessions) csrfOK(r *http.Request, cur *current) bool {
	if cur.s == nil {
		return false
	}
	// The header (scripts) or the body, never the query string: a token in
	// a URL ends up in logs, history and Referer headers.
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" && r.PostForm != nil {
		tok = r.PostForm.Get("csrf_token")
	}
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(cur.s.CSRFToken)) == 1
}

// start creates a session (anonymous when u is nil) and sets its cookie.
func (m *Sessions) start(w http.ResponseWriter, r *http.Request, cur *current, u *User) error {
	tok := randomToken()
	now := time.Now()
	s := session{ID: hashToken(tok), CSRFToken: randomToken(), ExpiresAt: now.Add(AnonymousLifetime), LastSeen: now, CreatedAt: now}
	if u != nil {
		s.UserID, s.ExpiresAt = u.ID, expiry(u, now, now)
	}
	if err := m.svc.st.insertSession(r.Context(), m.svc.db, s, m.ClientIP(r), r.UserAgent()); err != nil {
		return err
	}
	cur.s, cur.fresh = &s, true
	http.SetCookie(w, &http.Cookie{
		Name: m.cookieName(r), Value: tok, Path: "/", HttpOnly: true, Secure: m.isSecure(r),
		SameSite: http.SameSiteLaxMode, Expires: s.ExpiresAt,
	})
	return nil
}

func (m *Sessions) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: m.cookieName(r), Value: "", Path: "/", HttpOnly: true, Secure: m.isSecure(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// SignIn replaces the request's session with a new one for u (so a session
// id seen before sign-in is never reused after it).
func (m *Sessions) SignIn(w http.ResponseWriter, r *http.Request, u *User) error {
	st := web.StateOf(r)
	cur, _ := st.Session.(*current)
	if cur == nil {
		cur = &current{}
		st.Session = cur
	}
	if cur.s != nil {
		if err := m.svc.st.deleteSession(r.Context(), m.svc.db, cur.s.ID); err != nil {
			return err
		}
	}
	if err := m.start(w, r, cur, u); err != nil {
		return err
	}
	cur.user = u
	st.Viewer = u
	return nil
}

// SignOut ends the request's session.
func (m *Sessions) SignOut(w http.ResponseWriter, r *http.Request) error {
	st := web.StateOf(r)
	cur, _ := st.Session.(*current)
	if cur != nil && cur.s != nil {
		if err := m.svc.st.deleteSession(r.Context(), m.svc.db, cur.s.ID); err != nil {
			return err
		}
		cur.s, cur.user = nil, nil
	}
	st.Viewer = nil
	m.clearCookie(w, r)
	return nil
}
