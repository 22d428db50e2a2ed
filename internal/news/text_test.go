package news

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
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

func TestRenderMarkdownRefusesXSS(t *testing.T) {
	t.Parallel()
	for _, in := range xssCorpus {
		out := strings.ToLower(RenderMarkdown(in))
		for _, bad := range []string{"<script", "javascript:", "<iframe", "<style", "<svg", "<img", "data:text", "<form", "<input"} {
			if strings.Contains(out, bad) {
				t.Errorf("RenderMarkdown(%q) = %q: contains %q", in, out, bad)
			}
		}
		if handlerAttr.MatchString(out) {
			t.Errorf("RenderMarkdown(%q) = %q: event handler attribute", in, out)
		}
	}
	got := RenderMarkdown("**Mostar** i [Trebinje](https://trebinje.rs)\n\n- jedan\n- dva")
	for _, want := range []string{"<strong>Mostar</strong>", `<a href="https://trebinje.rs" rel="nofollow">Trebinje</a>`, "<li>jedan</li>"} {
		if !strings.Contains(got, want) {
			t.Errorf("RenderMarkdown lost %q: %s", want, got)
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

func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range xssCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := strings.ToLower(RenderMarkdown(CleanBlock(s)))
		if strings.Contains(out, "<script") || jsURL.MatchString(out) || handlerAttr.MatchString(out) {
			t.Fatalf("unsafe output for %q: %q", s, out)
		}
	})
}

func encodePNG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x += 7 {
		img.Set(x, x%h, color.RGBA{200, 10, 10, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegWithEXIF is a JPEG with an APP1 Exif segment carrying a GPS marker.
func jpegWithEXIF(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1200, 800)), nil); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	exif := append([]byte("Exif\x00\x00"), []byte("GPSLatitude=43.3438;SECRET-LOCATION")...)
	seg := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	return append(append(append([]byte{}, raw[:2]...), seg...), raw[2:]...)
}

func TestProcessImage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := jpegWithEXIF(t)
	if !bytes.Contains(src, []byte("SECRET-LOCATION")) {
		t.Fatal("test image lacks its EXIF")
	}
	widths, err := ProcessImage(src, dir, "11111111-2222-3333-4444-555555555555")
	if err != nil {
		t.Fatal(err)
	}
	if len(widths) != 2 || widths[0] != 480 || widths[1] != 960 {
		t.Fatalf("widths %v, want [480 960] (never enlarged past 1200)", widths)
	}
	for _, w := range widths {
		b, err := os.ReadFile(filepath.Join(dir, "11111111-2222-3333-4444-555555555555-"+itoa(w)+".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("SECRET-LOCATION")) || bytes.Contains(b, []byte("Exif")) {
			t.Errorf("width %d keeps EXIF", w)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != w {
			t.Errorf("width %d: decoded %dx%d (%v)", w, cfg.Width, cfg.Height, err)
		}
	}
	// An image bomb: a tiny PNG that claims 50,000 x 50,000 pixels.
	bomb := encodePNG(t, 10, 10)
	bomb[16], bomb[17], bomb[18], bomb[19] = 0, 0, 0xC3, 0x50 // width 50000
	bomb[20], bomb[21], bomb[22], bomb[23] = 0, 0, 0xC3, 0x50 // height 50000
	binary.BigEndian.PutUint32(bomb[29:33], crc32.ChecksumIEEE(bomb[12:29]))
	if _, err := ProcessImage(bomb, dir, "x"); err != ErrImageTooMany {
		t.Errorf("image bomb: %v, want ErrImageTooMany", err)
	}
	if _, err := ProcessImage(make([]byte, MaxImageBytes+1), dir, "x"); err != ErrImageTooLarge {
		t.Errorf("11 MB: %v", err)
	}
	if _, err := ProcessImage([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), dir, "x"); err != ErrImageFormat {
		t.Errorf("SVG: %v", err)
	}
	if ValidImageFile("../../etc/passwd") || !ValidImageFile("11111111-2222-3333-4444-555555555555-480.jpg") {
		t.Error("ValidImageFile")
	}
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10)))
}
