package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// Assets serves the embedded static files under fingerprinted names
// ("/static/app.3f2a9c1b.css"), so they can be cached forever.
// Text files are gzipped once, at start, and served precompressed to
// clients that accept gzip.
type Assets struct {
	byName map[string]string // "app.css" -> "app.3f2a9c1b.css"
	files  map[string][]byte // fingerprinted name -> content
	gz     map[string][]byte // fingerprinted name -> gzipped content (text only)
	types  map[string]string
}

// NewAssets fingerprints every embedded static file.
func NewAssets() (*Assets, error) {
	a := &Assets{byName: map[string]string{}, files: map[string][]byte{}, gz: map[string][]byte{}, types: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		fp := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.byName[name] = fp
		a.files[fp] = b
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.types[fp] = ct
		if Compressible(ct) && len(b) >= minCompress {
			z, err := gzipBytes(b)
			if err != nil {
				return fmt.Errorf("gzip %s: %w", name, err)
			}
			if len(z) < len(b) {
				a.gz[fp] = z
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web.NewAssets: %w", err)
	}
	return a, nil
}

// URL returns the fingerprinted URL of a static file.
func (a *Assets) URL(name string) string {
	if fp, ok := a.byName[name]; ok {
		return "/static/" + fp
	}
	return "/static/" + name
}

// gzipBytes compresses b at the best level (done once per file).
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	z, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := z.Write(b); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ServeHTTP serves GET /static/{file}, gzipped when the client accepts it.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.serve(w, r, true) }

// Handler serves the files; without compress, always as they are (a proxy
// in front compresses).
func (a *Assets) Handler(compress bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.serve(w, r, compress) })
}

// serve answers with http.ServeContent, which handles HEAD, ranges and
// If-None-Match against the ETag (the fingerprint, one per encoding).
func (a *Assets) serve(w http.ResponseWriter, r *http.Request, compress bool) {
	name := r.PathValue("file")
	b, ok := a.files[name]
	if !ok {
		a.redirectOld(w, r, name)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.types[name])
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	fp := strings.TrimSuffix(name, path.Ext(name))
	fp = fp[strings.LastIndexByte(fp, '.')+1:]
	z, hasGz := a.gz[name]
	if compress && hasGz {
		addVary(h, "Accept-Encoding")
		if acceptsGzip(r) && r.Header.Get("Range") == "" {
			h.Set("Content-Encoding", "gzip")
			h.Set("ETag", `"`+fp+`-gz"`)
			h.Set("Content-Length", strconv.Itoa(len(z))) // ServeContent leaves it out for an encoded body
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(z))
			return
		}
	}
	h.Set("ETag", `"`+fp+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// redirectOld sends an old fingerprint to the current version, briefly
// cached.
func (a *Assets) redirectOld(w http.ResponseWriter, r *http.Request, name string) {
	base := name
	if ext := path.Ext(name); ext != "" {
		stem := strings.TrimSuffix(name, ext)
		if i := strings.LastIndexByte(stem, '.'); i > 0 {
			base = stem[:i] + ext
		}
	}
	fp, found := a.byName[base]
	if !found {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, "/static/"+fp, http.StatusFound)
}

// Build is a short hash of every asset's fingerprint: it changes when a
// deploy changes a file, and goes into handler-made validators.
func (a *Assets) Build() string {
	names := make([]string, 0, len(a.files))
	for fp := range a.files {
		names = append(names, fp)
	}
	slices.Sort(names)
	sum := sha256.Sum256([]byte(strings.Join(names, "\x00")))
	return hex.EncodeToString(sum[:6])
}
