package news

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"regexp"

	"github.com/dijalog/dijalog/internal/refuse"
	"golang.org/x/image/draw"
)

// Image limits: the upload's size, and its pixel count, checked from the
// header before anything is decoded (a small file can claim a huge image).
const (
	MaxImageBytes  = 10 << 20
	MaxImagePixels = 40_000_000
)

// ImageWidths are the responsive sizes made of every lead image.
var ImageWidths = []int{480, 960, 1600}

// Image errors, each with its message key.
var (
	ErrImageTooLarge = refuse.Key(refuse.ErrInvalid, "news.error.image_too_large")
	ErrImageTooMany  = refuse.Key(refuse.ErrInvalid, "news.error.image_pixels")
	ErrImageFormat   = refuse.Key(refuse.ErrInvalid, "news.error.image_format")
)

// ProcessImage checks, decodes and re-encodes an uploaded JPEG or PNG into
// JPEGs of ImageWidths (never enlarged), written as dir/<name>-<w>.jpg. The
// re-encoding drops EXIF and every other metadata. It returns the widths made.
func ProcessImage(data []byte, dir, name string) ([]int, error) {
	if len(data) > MaxImageBytes {
		return nil, ErrImageTooLarge
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") {
		return nil, ErrImageFormat
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, ErrImageTooMany
	}
	var src image.Image
	if format == "jpeg" {
		src, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		src, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, ErrImageFormat
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("news.ProcessImage: %w", err)
	}
	b := src.Bounds()
	var made []int
	for _, w := range ImageWidths {
		if w > b.Dx() && len(made) > 0 {
			break
		}
		tw := min(w, b.Dx())
		th := max(1, b.Dy()*tw/b.Dx())
		dst := image.NewRGBA(image.Rect(0, 0, tw, th))
		// White under transparent PNG pixels (JPEG has no alpha).
		draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 82}); err != nil {
			return nil, fmt.Errorf("news.ProcessImage: encode: %w", err)
		}
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.jpg", name, w))
		if err := os.WriteFile(path+".tmp", buf.Bytes(), 0o640); err != nil {
			return nil, fmt.Errorf("news.ProcessImage: %w", err)
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			return nil, fmt.Errorf("news.ProcessImage: %w", err)
		}
		made = append(made, w)
	}
	return made, nil
}

var imageFile = regexp.MustCompile(`^[a-f0-9-]{36}-(480|960|1600)\.jpg$`)

// ValidImageFile reports whether name is a file ProcessImage makes.
func ValidImageFile(name string) bool { return imageFile.MatchString(name) }
