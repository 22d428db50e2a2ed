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
	"strings"
	"testing"
)

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
