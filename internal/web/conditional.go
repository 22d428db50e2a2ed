package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// maxValidated is the largest body the server holds to hash into an ETag;
// a bigger one (an export) streams on without a body-hash validator.
const maxValidated = 2 << 20

// The modes of an etagWriter.
const (
	etagUndecided = iota
	etagBuffer    // holding the body to hash it
	etagPass      // writing through
	etagDiscard   // answered 304: the body is dropped
)

// conditional gives every GET (and HEAD) 200 text response a validator and
// answers a matching If-None-Match with 304 Not Modified:
//   - a handler that sets its own ETag (from a version it knows, see
//     Server.NotModified) is compared as it is, even after rendering;
//   - otherwise the body is held and a weak ETag is made of its hash.
//
// Anonymous answers without a Cache-Control get "no-cache" (stored, but
// revalidated each time); answers for a signed-in reader are always
// "private", so no shared cache keeps one person's page for another.
func (s *Server) conditional(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		c := &etagWriter{ResponseWriter: w, r: r, vary: s.gz.enabled}
		next.ServeHTTP(c, r)
		c.finish() // not deferred: after a panic, the recovery answers instead
	})
}

type etagWriter struct {
	http.ResponseWriter
	r      *http.Request
	vary   bool // responses vary by Accept-Encoding (compression is on)
	status int
	mode   int
	buf    bytes.Buffer
}

// begin picks the mode once the status is known.
func (c *etagWriter) begin(code int) {
	c.status = code
	h := c.Header()
	if StateOf(c.r).Viewer != nil {
		if strings.Contains(h.Get("Cache-Control"), "no-store") {
			h.Set("Cache-Control", "private, no-store")
		} else {
			h.Set("Cache-Control", "private, no-cache")
		}
	}
	switch {
	case code != http.StatusOK:
		c.pass()
	case h.Get("ETag") != "":
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-cache")
		}
		if etagMatch(c.r.Header.Get("If-None-Match"), h.Get("ETag")) {
			c.notModified()
			return
		}
		c.pass()
	case strings.Contains(h.Get("Cache-Control"), "no-store"),
		h.Get("Content-Type") != "" && !Compressible(h.Get("Content-Type")),
		h.Get("Content-Encoding") != "":
		c.pass()
	default:
		c.mode = etagBuffer
	}
}

func (c *etagWriter) pass() {
	c.mode = etagPass
	c.ResponseWriter.WriteHeader(c.status)
}

// notModified answers 304 with the validators and caching headers only.
func (c *etagWriter) notModified() {
	c.mode = etagDiscard
	h := c.Header()
	if c.vary && Compressible(h.Get("Content-Type")) {
		addVary(h, "Accept-Encoding")
	}
	for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Content-Disposition"} {
		h.Del(k)
	}
	c.ResponseWriter.WriteHeader(http.StatusNotModified)
}

func (c *etagWriter) WriteHeader(code int) {
	if code < 200 {
		c.ResponseWriter.WriteHeader(code)
		return
	}
	if c.mode == etagUndecided {
		c.begin(code)
	}
}

func (c *etagWriter) Write(b []byte) (int, error) {
	if c.mode == etagUndecided {
		c.begin(http.StatusOK)
	}
	switch c.mode {
	case etagDiscard:
		return len(b), nil
	case etagBuffer:
		if c.buf.Len()+len(b) <= maxValidated {
			return c.buf.Write(b)
		}
		if err := c.release(); err != nil {
			return 0, err
		}
	}
	return c.ResponseWriter.Write(b)
}

// release gives up the validator and writes what is held.
func (c *etagWriter) release() error {
	c.pass()
	_, err := c.ResponseWriter.Write(c.buf.Bytes())
	c.buf = bytes.Buffer{}
	return err
}

// Flush streams: a handler that flushes wants its first bytes out now,
// so the body is not held for a hash.
func (c *etagWriter) Flush() {
	if c.mode == etagUndecided {
		c.begin(http.StatusOK)
	}
	if c.mode == etagBuffer {
		_ = c.release()
	}
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (c *etagWriter) finish() {
	if c.mode != etagBuffer {
		return
	}
	h := c.Header()
	if h.Get("Content-Type") == "" && c.buf.Len() > 0 {
		h.Set("Content-Type", http.DetectContentType(c.buf.Bytes()))
	}
	if Compressible(h.Get("Content-Type")) {
		h.Set("ETag", bodyTag(c.buf.Bytes()))
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-cache")
		}
		if etagMatch(c.r.Header.Get("If-None-Match"), h.Get("ETag")) {
			c.notModified()
			return
		}
	}
	_ = c.release()
}

func (c *etagWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// headerSent reports whether the status has gone out (or been decided:
// what is held belongs to a response already begun).
func (c *etagWriter) headerSent() bool { return c.mode != etagUndecided }

// bodyTag is the weak validator of a body: a hash of its bytes.
func bodyTag(b []byte) string {
	sum := sha256.Sum256(b)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:15]) + `"`
}

// etagMatch is the weak comparison of If-None-Match (RFC 9110 13.1.2):
// "*" matches any, and W/"x" matches "x".
func etagMatch(ifNoneMatch, tag string) bool {
	if ifNoneMatch == "" || tag == "" {
		return false
	}
	tag = strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

// NotModified is the hook for handlers that know the version of the data
// a GET shows (a row's version, a registry's update time): it sets a weak
// ETag made of the version, the URL and the build, and when the client
// holds that answer, writes 304 and returns true, so the handler renders
// nothing. For a signed-in reader it does nothing and returns false (the
// page also shows who reads it).
func (s *Server) NotModified(w http.ResponseWriter, r *http.Request, version string) bool {
	if StateOf(r).Viewer != nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	sum := sha256.Sum256([]byte(s.build + "\x00" + r.URL.RequestURI() + "\x00" + version))
	tag := `W/"v` + base64.RawURLEncoding.EncodeToString(sum[:15]) + `"`
	w.Header().Set("ETag", tag)
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if !etagMatch(r.Header.Get("If-None-Match"), tag) {
		return false
	}
	w.WriteHeader(http.StatusNotModified)
	return true
}
