package web

import (
	"net/http"
	"net/url"
	"strings"
)

// LocalPath reports whether target is a path on this site that a redirect
// may send a browser to: it starts with a single "/", has no scheme, host
// or user, no backslash and no control or space characters (browsers drop
// a tab or newline and read "/\t/evil.example/" as "//evil.example/"), and
// is at most 1,000 bytes. Anything taken from a request (a form's next, a
// query's return address) must pass it before it becomes a Location.
func LocalPath(target string) bool {
	if target == "" || len(target) > 1000 || target[0] != '/' {
		return false
	}
	for i := 0; i < len(target); i++ {
		if c := target[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	if strings.HasPrefix(target, "//") {
		return false
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// A path that decodes to "//host" or "/\host" is still a path here,
	// but some servers and proxies normalise it: refuse it too.
	p := u.Path
	return !strings.HasPrefix(p, "//") && !strings.Contains(p, "\\")
}

// RedirectLocal sends the browser to target when it is a LocalPath, and to
// fallback otherwise (303: the next request is a GET).
func RedirectLocal(w http.ResponseWriter, r *http.Request, target, fallback string) {
	if !LocalPath(target) {
		target = fallback
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
