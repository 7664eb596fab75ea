package feedback

import (
	_ "embed" // the chart font
	"fmt"
	"sync"

	"github.com/golang/freetype/truetype"
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
