package text

import (
	"regexp"
	"strings"
	"testing"
)

// xssCorpus are payloads that must never survive into a rendered body.
var xssCorpus = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](java&#x09;script:alert(1))`,
	`<svg onload=alert(1)><script>alert(2)</script></svg>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<style>body{display:none}</style>`,
	`<details open ontoggle=alert(1)>`,
	`![x](https://evil.example/x.png" onerror="alert(1))`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	`<form action="https://evil.example"><input name=x></form>`,
	`"><script>alert(1)</script>`,
}

func TestMarkdownRefusesXSS(t *testing.T) {
	t.Parallel()
	for _, in := range xssCorpus {
		out := strings.ToLower(Markdown(in))
		for _, bad := range []string{"<script", "javascript:", "<iframe", "<style", "<svg", "<img", "data:text", "<form", "<input"} {
			if strings.Contains(out, bad) {
				t.Errorf("Markdown(%q) = %q: contains %q", in, out, bad)
			}
		}
		if handlerAttr.MatchString(out) {
			t.Errorf("Markdown(%q) = %q: event handler attribute", in, out)
		}
	}
	got := Markdown("**Mostar** i [Trebinje](https://trebinje.rs)\n\n- jedan\n- dva")
	for _, want := range []string{"<strong>Mostar</strong>", `<a href="https://trebinje.rs" rel="nofollow">Trebinje</a>`, "<li>jedan</li>"} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown lost %q: %s", want, got)
		}
	}
}

var jsURL = regexp.MustCompile(`(?i)(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):`)

var handlerAttr = regexp.MustCompile(`<[^>]*\son[a-z]+\s*=`)

func TestCleanInvisible(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Mo\u200bstar":             "Mostar",
		"\u202eratsoM\u202c":       "ratsoM",
		"  Banja \t\n Luka  ":      "Banja Luka",
		"a\x00b\x07c":              "abc",
		"Žepče\ufeff":              "Žepče",
		"tag\U000E0041\U000E0042s": "tags",
		"bad \xff utf8":            "bad utf8",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range xssCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := strings.ToLower(Markdown(CleanBlock(s)))
		if strings.Contains(out, "<script") || jsURL.MatchString(out) || handlerAttr.MatchString(out) {
			t.Fatalf("unsafe output for %q: %q", s, out)
		}
	})
}
