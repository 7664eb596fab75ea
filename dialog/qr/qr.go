package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// QuietZone is the white border, in modules, around every code: the 4
// modules ISO/IEC 18004 asks for.
const QuietZone = 4

// Error correction is level Q (25% of the code may be lost): a code
// printed at a counter gets scuffed, and a deep link is short enough
// that the extra modules cost little.
var level = qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionQuart)

// Image returns the QR code of text, each module scale×scale pixels, the
// quiet zone included; scale below 1 counts as 1. Its palette is white
// (index 0) and black.
func Image(text string, scale int) (*image.Paletted, error) {
	if text == "" {
		return nil, errors.New("qr: nothing to encode")
	}
	scale = max(scale, 1)
	code, err := qrcode.NewWith(text, level)
	if err != nil {
		return nil, fmt.Errorf("qr: encode: %w", err)
	}
	var bm bitmap
	if err := code.Save(&bm); err != nil {
		return nil, fmt.Errorf("qr: draw: %w", err)
	}
	n := len(bm.rows)
	side := (n + 2*QuietZone) * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y, row := range bm.rows {
		for x, dark := range row {
			if !dark {
				continue
			}
			x0, y0 := (x+QuietZone)*scale, (y+QuietZone)*scale
			for py := y0; py < y0+scale; py++ {
				for px := x0; px < x0+scale; px++ {
					img.SetColorIndex(px, py, 1)
				}
			}
		}
	}
	return img, nil
}

// PNG returns Image(text, scale) encoded as a PNG (a two-colour palette,
// a few kilobytes).
func PNG(text string, scale int) ([]byte, error) {
	img, err := Image(text, scale)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// bitmap is a qrcode.Writer that keeps the code's modules, row by row.
type bitmap struct{ rows [][]bool }

func (b *bitmap) Write(m qrcode.Matrix) error {
	b.rows = m.Bitmap()
	if len(b.rows) == 0 {
		return errors.New("empty matrix")
	}
	return nil
}

func (b *bitmap) Close() error { return nil }
