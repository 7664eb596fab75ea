package feedback

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// generateShop fills s with a small shop's nine weeks up to the end of w:
// a few visits a day, more at the weekend, feedback from about half of them.
func generateShop(tb testing.TB, s *ledger.Store, w Week) {
	rng := rand.New(rand.NewPCG(48, 2026))
	comments := []string{"직원분이 친절해요", "머리가 예뻐요", "대기 시간이 길어요", "가격이 조금 비싸요", "서비스가 꼼꼼해요", ""}
	write(tb, s, func(f fixture) {
		var ids []string
		for i := range 120 {
			ids = append(ids, f.customer(fmt.Sprintf("고객%03d", i), w.Add(-20).Start(kst), time.Time{}, true))
		}
		start := w.Add(-TrendWeeks).Start(kst)
		for d := range windowDays {
			date := start.AddDate(0, 0, d)
			n := 4 + rng.IntN(5)
			if wd := date.Weekday(); wd == time.Saturday || wd == time.Sunday {
				n += 6
			}
			for i := range n {
				at := date.Add(time.Duration(10*60+i*25) * time.Minute)
				c := ids[rng.IntN(len(ids))]
				f.note(c, []staff{jimin, sehoon}[rng.IntN(2)], at, time.Time{}, []string{"커트", "염색", "펌"}[rng.IntN(3)])
				if rng.IntN(2) == 0 {
					rating := 5 - rng.IntN(3)
					if d%7 == 2 && rng.IntN(2) == 0 {
						rating = 2 // Wednesdays are short-staffed
					}
					f.feedback(c, at.Add(time.Hour), rating, 6+rng.IntN(5), comments[rng.IntN(len(comments))])
				}
			}
		}
	})
}

func TestChart(t *testing.T) {
	cat := catalog(t)
	busy := mustOpen(t)
	generateShop(t, busy, w48)
	crafted := mustOpen(t)
	craft(t, crafted)
	empty := mustOpen(t)
	tests := []struct {
		name  string
		store *ledger.Store
		lang  string
		file  string // written with -update
	}{
		{"Busy", busy, "ko", "week.png"},
		{"BusyEnglish", busy, "en", "week.en.png"},
		{"Crafted", crafted, "ko", ""},
		{"Empty", empty, "ko", ""},
	}
	// The charts draw side by side (seconds each under -race); the group
	// ends when all have, before the catalog is asked what was missing.
	t.Run("charts", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel() // the stores are only read
				chartCase(t, cat, tt.store, tt.lang, tt.file)
			})
		}
	})
	if m := cat.Missing(); len(m) > 0 {
		t.Errorf("catalog misses %v", m)
	}
}

// chartCase draws the week of store in lang and checks the picture; with
// -update it writes it to testdata/file (none when file is empty).
func chartCase(t *testing.T, cat *locales.Catalog, store *ledger.Store, lang, file string) {
	t.Helper()
	sum, err := Weekly(context.Background(), store, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sum.Chart(cat, lang)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != image.Pt(chartWidth, chartHeight) {
		t.Errorf("size %v, want %dx%d", got, chartWidth, chartHeight)
	}
	ink, colors := inked(img)
	// Text and axes alone ink a few percent; a blank or all-black
	// image would not.
	if ink < 0.01 || ink > 0.6 || colors < 16 {
		t.Errorf("image looks blank or broken: %.3f inked, %d colours", ink, colors)
	}
	if *update && file != "" {
		if err := os.WriteFile(filepath.Join("testdata", file), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChartHangul checks the font draws Hangul: the title rendered with
// Roboto (no Hangul glyphs) would ink almost nothing.
func TestChartHangul(t *testing.T) {
	font, err := chartFont()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "주간요약방문평균평점월화수목금토일" {
		if font.Index(r) == 0 {
			t.Errorf("font has no glyph for %q", r)
		}
	}
}

// inked returns the share of pixels that are not white and how many
// distinct colours the image has.
func inked(img image.Image) (float64, int) {
	b := img.Bounds()
	seen := map[color.RGBA]bool{}
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			seen[c] = true
			if c != (color.RGBA{255, 255, 255, 255}) {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy()), len(seen)
}
