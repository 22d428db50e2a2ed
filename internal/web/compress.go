package web

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// minCompress is the smallest body worth compressing: below it gzip's
// framing and the CPU cost outweigh the bytes saved.
const minCompress = 1024

// compressor gzips text responses for clients that accept gzip. Its
// writers are pooled; static assets are compressed once by Assets.
type compressor struct {
	enabled bool
	pool    sync.Pool // *gzip.Writer
}

func newCompressor(enabled bool) *compressor { return &compressor{enabled: enabled} }

func (c *compressor) get(w io.Writer) *gzip.Writer {
	if z, ok := c.pool.Get().(*gzip.Writer); ok {
		z.Reset(w)
		return z
	}
	z, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression) // a valid level: no error
	z.Reset(w)
	return z
}

func (c *compressor) put(z *gzip.Writer) {
	z.Reset(io.Discard)
	c.pool.Put(z)
}

// Compressible reports whether a Content-Type is text that gzip shrinks:
// HTML, CSS, JavaScript, JSON, CSV, XML (Atom, RSS, IATI), SVG, iCal.
// Images, archives and other already-compressed media are not.
func Compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "image/svg+xml", mt == "application/javascript", mt == "application/json",
		mt == "application/xml", mt == "application/ecmascript", mt == "application/x-ndjson":
		return true
	case strings.HasPrefix(mt, "application/") && (strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml")):
		return true // problem+json, geo+json, atom+xml, rss+xml, ...
	}
	return false
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (listed, or "*", and not refused with q=0).
func acceptsGzip(r *http.Request) bool {
	ok := false
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := 1.0
		if v, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if name == "gzip" {
			return q > 0
		}
		ok = q > 0
	}
	return ok
}

// addVary adds a field name to the Vary header once.
func addVary(h http.Header, field string) {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) || strings.TrimSpace(f) == "*" {
				return
			}
		}
	}
	h.Add("Vary", field)
}

// compress gzips compressible responses of clients that accept it. A
// response keeps its identity encoding when it is small, a byte range,
// already encoded by its handler, or has no body (HEAD bodies are
// compressed like GET's, so both carry the same headers).
func (s *Server) compress(next http.Handler) http.Handler {
	if !s.gz.enabled {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" {
			next.ServeHTTP(w, r)
			return
		}
		g := &gzipWriter{ResponseWriter: w, c: s.gz, accept: acceptsGzip(r)}
		next.ServeHTTP(g, r)
		g.close() // not deferred: after a panic, the recovery answers instead

	})
}

// gzipWriter holds the status and the first bytes of a response until it
// knows whether to compress: at minCompress bytes, at a Flush, or at the
// end.
type gzipWriter struct {
	http.ResponseWriter
	c       *compressor
	accept  bool
	status  int
	buf     []byte
	decided bool
	z       *gzip.Writer // nil: identity
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.decided {
		g.ResponseWriter.WriteHeader(code)
		return
	}
	if code < 200 { // 103 Early Hints and the like go out at once
		g.ResponseWriter.WriteHeader(code)
		return
	}
	if g.status == 0 {
		g.status = code
	}
	if !g.eligible(false) || g.Header().Get("Content-Encoding") != "" {
		g.decide(false) // nothing to hold: the handler encodes itself
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.status == 0 {
			g.status = http.StatusOK
		}
		g.buf = append(g.buf, b...)
		if len(g.buf) < minCompress {
			return len(b), nil
		}
		g.decide(true)
		if err := g.writeBuf(); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if g.z != nil {
		return g.z.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// eligible reports whether the response may be compressed as far as its
// headers tell (the size is checked by the caller).
func (g *gzipWriter) eligible(sniff bool) bool {
	h := g.Header()
	if g.status != http.StatusOK && g.status != 0 && (g.status < 400 || g.status == http.StatusRequestedRangeNotSatisfiable) {
		return false // 204, 206, 304, redirects: no body to compress
	}
	if h.Get("Content-Range") != "" {
		return false
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		return !sniff || len(g.buf) == 0 || Compressible(http.DetectContentType(g.buf))
	}
	return Compressible(ct)
}

// decide sets the headers and sends the status; big says the body is
// known to be worth compressing.
func (g *gzipWriter) decide(big bool) {
	g.decided = true
	h := g.Header()
	if h.Get("Content-Type") == "" && len(g.buf) > 0 {
		h.Set("Content-Type", http.DetectContentType(g.buf))
	}
	if g.eligible(true) {
		addVary(h, "Accept-Encoding")
		if big && g.accept && h.Get("Content-Encoding") == "" {
			h.Set("Content-Encoding", "gzip")
			h.Del("Content-Length")
			if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
				h.Set("ETag", "W/"+et) // the bytes differ from the identity body's
			}
			g.z = g.c.get(g.ResponseWriter)
		}
	}
	if g.status != 0 {
		g.ResponseWriter.WriteHeader(g.status)
	}
}

func (g *gzipWriter) writeBuf() error {
	if len(g.buf) == 0 {
		return nil
	}
	var err error
	if g.z != nil {
		_, err = g.z.Write(g.buf)
	} else {
		_, err = g.ResponseWriter.Write(g.buf)
	}
	g.buf = nil
	return err
}

// Flush sends what is held: a streaming response is compressed from its
// first flush on, whatever its size so far.
func (g *gzipWriter) Flush() {
	if !g.decided {
		if g.status == 0 {
			g.status = http.StatusOK
		}
		g.decide(true)
		_ = g.writeBuf()
	}
	if g.z != nil {
		_ = g.z.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// close ends the response: a small body goes out as it is.
func (g *gzipWriter) close() {
	if !g.decided {
		if g.status == 0 && len(g.buf) == 0 {
			return // nothing written: net/http sends its empty 200
		}
		g.decide(false)
		_ = g.writeBuf()
	}
	if g.z != nil {
		_ = g.z.Close()
		g.c.put(g.z)
		g.z = nil
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// headerSent reports whether the status has gone out.
func (g *gzipWriter) headerSent() bool { return g.decided || g.status != 0 }
