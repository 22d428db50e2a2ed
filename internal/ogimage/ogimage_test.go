package ogimage

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
)

// TestDraw: every card is a 1200 × 630 PNG whose title area has ink in it,
// for Latin with the South Slavic letters, Cyrillic, an overlong title
// (wrapped into three lines, the rest cut) and empty texts.
func TestDraw(t *testing.T) {
	t.Parallel()
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		card Card
		ink  bool // the title area is drawn on
	}{
		{"latin", Card{Site: "dijalog", Kind: "Projekat", Title: "Čišćenje obale Neretve i đački park u Žepču", Subtitle: "UNDP · 250.000,00 BAM"}, true},
		{"cyrillic", Card{Site: "дијалог", Kind: "Пројекат", Title: "Ѓорче Петров: Ќерамидница и Ѕвезда", Subtitle: "ЕУ · 1.000 EUR"}, true},
		{"long", Card{Site: "dijalog", Kind: "Javni poziv", Title: strings.Repeat("Veoma dugačak naslov javnog poziva ", 12), Subtitle: strings.Repeat("podnaslov ", 40)}, true},
		{"empty", Card{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b, err := p.Draw(c.card)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, Width, Height) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			if got := inked(img, image.Rect(96, 230, Width-96, 540)); got != c.ink {
				t.Errorf("title area inked = %v, want %v", got, c.ink)
			}
		})
	}
}

// TestWrap: a title is cut into at most three lines, each within the width.
func TestWrap(t *testing.T) {
	t.Parallel()
	p, _ := New()
	f, err := p.face(p.bold, 64)
	if err != nil {
		t.Fatal(err)
	}
	lines := wrap(f, strings.Repeat("riječ ", 60), 1008, 3)
	if len(lines) != 3 || !strings.HasSuffix(lines[2], "…") {
		t.Fatalf("lines = %q", lines)
	}
	if one := wrap(f, "Kratko", 1008, 3); len(one) != 1 || one[0] != "Kratko" {
		t.Errorf("a short title = %q", one)
	}
}

func inked(img image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			if cr, _, _, _ := img.At(x, y).RGBA(); cr>>8 < 0x80 {
				return true
			}
		}
	}
	return false
}
