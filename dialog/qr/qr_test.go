package qr

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decode reads the QR code in img back to its text, as a phone's camera
// would (gozxing, a port of ZXing).
func decode(tb testing.TB, img image.Image) string {
	tb.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatalf("bitmap: %v", err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return res.GetText()
}

func TestPNGDecodesBack(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		scale int
	}{
		{"DeepLink", "https://t.me/dangol_salon_bot?start=Q2Z7LNW5MXRJ3KAHY4CUDTBV6E", 8},
		{"Join", "https://t.me/dangol_salon_bot?start=join", 4},
		{"LongestBotName", "https://t.me/" + strings.Repeat("a", 29) + "bot?start=Q2Z7LNW5MXRJ3KAHY4CUDTBV6E", 3},
		{"ScaleBelowOne", "https://t.me/x_bot", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := PNG(tt.text, tt.scale)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if got := decode(t, img); got != tt.text {
				t.Errorf("decoded %q, want %q", got, tt.text)
			}
			// Square, a whole number of modules with the quiet zone.
			r := img.Bounds()
			scale := max(tt.scale, 1)
			if r.Dx() != r.Dy() || r.Dx()%scale != 0 || (r.Dx()/scale-2*QuietZone-21)%4 != 0 {
				t.Errorf("size %v is not a QR code at scale %d", r, scale)
			}
			// The quiet zone is white.
			for i := 0; i < QuietZone*scale; i++ {
				if c := img.At(i, i); c != img.At(0, 0) {
					t.Fatalf("quiet zone not plain at %d", i)
				}
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	if _, err := PNG("", 4); err == nil {
		t.Error("PNG of nothing: no error")
	}
}
