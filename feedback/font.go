package feedback

import (
	_ "embed" // the chart font
	"fmt"
	"sync"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
)

// nanumSquare is NanumSquareR.ttf from Debian's fonts-nanum (SIL OFL 1.1,
// see fonts/OFL.txt): no Go module ships a Hangul font, and go-chart's
// Roboto has no Korean glyphs. It holds all 11,172 Hangul syllables and
// Latin, in 724 KB.
//
//go:embed fonts/NanumSquareR.ttf
var nanumSquare []byte

// chartFont parses the embedded font once; the parsed font is read-only and
// shared by every chart.
var chartFont = sync.OnceValues(func() (*truetype.Font, error) {
	f, err := truetype.Parse(nanumSquare)
	if err != nil {
		return nil, fmt.Errorf("feedback: parse chart font: %w", err)
	}
	return f, nil
})

// FontFace returns the embedded Hangul font at size pixels, for text drawn
// outside the charts (the counter poster of cmd/dangol), so the font is
// embedded once. A face keeps a glyph cache and is not safe for concurrent
// use: take one per drawing.
func FontFace(size float64) (font.Face, error) {
	f, err := chartFont()
	if err != nil {
		return nil, err
	}
	return truetype.NewFace(f, &truetype.Options{Size: size, DPI: 72, Hinting: font.HintingFull}), nil
}
