package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestLocalPath(t *testing.T) {
	t.Parallel()
	cases := []struct {
		target string
		ok     bool
	}{
		{"/bs/projects", true},
		{"/bs/initiatives/abc?support=1#s", true},
		{"/", true},
		{"", false},
		{"bs/projects", false},
		{"//evil.example/", false},
		{"/\t/evil.example/", false}, // browsers drop the tab: //evil.example/
		{"/\n/evil.example/", false},
		{"/\r\n/evil.example/", false},
		{"/ /evil.example/", false},
		{"/\\evil.example", false},
		{"\\\\evil.example", false},
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{"/%2F%2Fevil.example/", false}, // decodes to //evil.example/
		{"/%5Cevil.example", false},
		{"/\x00/evil", false},
		{"/" + string(make([]byte, 1200)), false},
	}
	for _, c := range cases {
		if got := LocalPath(c.target); got != c.ok {
			t.Errorf("LocalPath(%q) = %v, want %v", c.target, got, c.ok)
		}
	}
}

// TestRedirectSafetyNet: whatever Location a handler sets, the server's
// response writer only lets a path of this site out.
func TestRedirectSafetyNet(t *testing.T) {
	t.Parallel()
	for _, loc := range []string{"https://evil.example/", "/\t/evil.example/", "//evil.example"} {
		rec := httptest.NewRecorder()
		w := &responseWriter{ResponseWriter: rec}
		http.Redirect(w, httptest.NewRequest("GET", "/x", nil), loc, http.StatusSeeOther)
		if got := rec.Header().Get("Location"); got != "/" {
			t.Errorf("Location %q went out as %q", loc, got)
		}
	}
}
