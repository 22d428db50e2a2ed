package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// Assets serves the embedded static files under fingerprinted names
// ("/static/app.3f2a9c1b.css"), so they can be cached forever.
type Assets struct {
	byName map[string]string // "app.css" -> "app.3f2a9c1b.css"
	files  map[string][]byte // fingerprinted name -> content
	types  map[string]string
}

// NewAssets fingerprints every embedded static file.
func NewAssets() (*Assets, error) {
	a := &Assets{byName: map[string]string{}, files: map[string][]byte{}, types: map[string]string{}}
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

// ServeHTTP serves GET /static/{file}.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := a.files[name]
	if !ok {
		// An old fingerprint: send the current version, briefly cached.
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
		return
	}
	w.Header().Set("Content-Type", a.types[name])
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(b)
}
