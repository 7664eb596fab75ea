package charttest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/dangol/dangol/feedback"
)

// Stub has the shape of (*feedback.Summary).Chart and returns a valid 1×1
// PNG at once, whatever the summary: a summary still carries an image, so
// callers that attach, name or send it are exercised, and Real tells the
// stand-in from a real chart.
func Stub(s *feedback.Summary, t feedback.Translator, lang string) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("charttest: no summary")
	}
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.SetGray(0, 0, color.Gray{Y: 0xff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("charttest: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// Real fails tb unless b is a PNG of at least 300×300 pixels: a chart
// the real renderer drew, not Stub's single pixel.
func Real(tb testing.TB, b []byte) {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("the chart does not decode as a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 300 {
		tb.Errorf("the chart is %v: not a real chart", r)
	}
}
