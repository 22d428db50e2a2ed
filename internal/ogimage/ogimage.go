// Package ogimage draws the picture a link to a page shows when it is
// shared (Open Graph and Twitter cards): 1200 × 630 PNG with the site's
// mark, the kind of page, its title and one line under it. The Go fonts
// (golang.org/x/image/font/gofont) cover Latin with the South Slavic and
// Albanian letters and Cyrillic with the Macedonian ones, and need no files.
package ogimage

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Width and Height of every card, the size the Open Graph consumers ask for.
const (
	Width  = 1200
	Height = 630
)

// Card is what one picture says.
type Card struct {
	Site     string // the site's name ("dijalog")
	Kind     string // what the page is ("Projekat", "Javni poziv")
	Title    string // up to three lines are drawn; more ends in "…"
	Subtitle string // one line
}

// Painter draws cards with its parsed faces (safe for concurrent use: each
// Draw makes its own faces from the parsed fonts).
type Painter struct {
	regular, bold *opentype.Font
}

// New parses the fonts once.
func New() (*Painter, error) {
	r, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("ogimage: regular font: %w", err)
	}
	b, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("ogimage: bold font: %w", err)
	}
	return &Painter{regular: r, bold: b}, nil
}

var (
	background = color.RGBA{0xfb, 0xfb, 0xf8, 0xff}
	ink        = color.RGBA{0x1b, 0x1f, 0x24, 0xff}
	muted      = color.RGBA{0x4f, 0x58, 0x63, 0xff}
	accent     = color.RGBA{0x0b, 0x5c, 0xab, 0xff}
)

func (p *Painter) face(f *opentype.Font, size float64) (font.Face, error) {
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

// Draw returns the card as PNG.
func (p *Painter) Draw(c Card) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), &image.Uniform{background}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, 24, Height), &image.Uniform{accent}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(24, Height-12, Width, Height), &image.Uniform{accent}, image.Point{}, draw.Src)
	const left, right = 96, Width - 96
	brand, err := p.face(p.bold, 40)
	if err != nil {
		return nil, err
	}
	defer brand.Close()
	// The site's mark: a diamond, then its name.
	drawDiamond(img, left+14, 92, 14, accent)
	text(img, brand, ink, left+40, 106, c.Site)
	kind, err := p.face(p.regular, 34)
	if err != nil {
		return nil, err
	}
	defer kind.Close()
	text(img, kind, accent, left, 200, strings.ToUpper(clip(kind, c.Kind, right-left)))
	title, err := p.face(p.bold, 64)
	if err != nil {
		return nil, err
	}
	defer title.Close()
	y := 290
	for _, line := range wrap(title, c.Title, right-left, 3) {
		text(img, title, ink, left, y, line)
		y += 78
	}
	sub, err := p.face(p.regular, 36)
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	text(img, sub, muted, left, Height-72, clip(sub, c.Subtitle, right-left))
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("ogimage: encode: %w", err)
	}
	return buf.Bytes(), nil
}

func text(img draw.Image, f font.Face, c color.Color, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: &image.Uniform{c}, Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func drawDiamond(img *image.RGBA, cx, cy, r int, c color.Color) {
	for dy := -r; dy <= r; dy++ {
		w := r - abs(dy)
		for dx := -w; dx <= w; dx++ {
			img.Set(cx+dx, cy+dy, c)
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// wrap breaks s into at most lines lines of at most width pixels; a text
// that does not fit ends in "…".
func wrap(f font.Face, s string, width, lines int) []string {
	words := strings.Fields(s)
	var out []string
	cur := ""
	for i, w := range words {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if font.MeasureString(f, next).Ceil() <= width {
			cur = next
			continue
		}
		if cur == "" { // one word wider than the line
			out = append(out, clip(f, w, width))
		} else {
			out = append(out, cur)
			cur = w
		}
		if len(out) == lines {
			if rest := strings.Join(words[i:], " "); rest != "" {
				out[lines-1] = clip(f, out[lines-1]+" "+rest, width)
			}
			return out
		}
	}
	if cur != "" {
		out = append(out, clip(f, cur, width))
	}
	return out
}

// clip shortens s to width pixels, ending it in "…" when it had to.
func clip(f font.Face, s string, width int) string {
	if font.MeasureString(f, s).Ceil() <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && font.MeasureString(f, string(r)+"…").Ceil() > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}
