package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/dialog/qr"
	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
)

// The counter poster: "dangol poster" draws an A5 sheet with the shop's
// name, a QR code of t.me/<bot>?start=join and three lines on how to join,
// for a customer who walks in without a code. The bot's username comes
// from DANGOL_TELEGRAM_BOT_NAME or, failing that, from the ledger, where
// serve keeps what Telegram's getMe answered (keepBotName).

// DefaultPosterFile is where "dangol poster" writes without --png.
const DefaultPosterFile = "dangol-poster.png"

// The poster is A5 (148 × 210 mm) at 300 dpi, what a shop's printer takes.
const (
	posterWidth  = 1748
	posterHeight = 2480
	posterMargin = 140
	// posterQRSide bounds the QR code's side in pixels: about 9 cm printed,
	// scanned from a step or two away.
	posterQRSide = 1100
)

var (
	posterInk   = color.RGBA{0x1f, 0x23, 0x28, 0xff}
	posterMuted = color.RGBA{0x5f, 0x66, 0x6d, 0xff}
	posterBand  = color.RGBA{0x22, 0x9e, 0xd9, 0xff} // Telegram's blue
)

// keepBotName stores the bot's username in the ledger, for /link's deep
// links; "" keeps what is there. Telegram's KnownAs calls it with what
// getMe answered, so the real name replaces a configured one.
func (m *Main) keepBotName(ctx context.Context, name string) error {
	if name == "" {
		return nil
	}
	if err := m.Store.Update(ctx, func(tx *ledger.Tx) error { return tx.SetBotName(name) }); err != nil {
		return fmt.Errorf("keep the bot's name: %w", err)
	}
	return nil
}

// validBotName reports a Telegram username: 5 to 32 letters, digits and
// underscores, starting with a letter.
func validBotName(s string) bool {
	if len(s) < 5 || len(s) > 32 || !isASCIILetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isASCIILetter(c) && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// poster writes the counter poster to path.
func (m *Main) poster(ctx context.Context, path, shop string) error {
	shop = strings.TrimSpace(shop)
	if shop == "" {
		return m.usage("linking.err.no_shop", nil)
	}
	if err := m.refuseOwnFile(path); err != nil {
		return err
	}
	bot, err := m.posterBot(ctx)
	if err != nil {
		return err
	}
	link := dialog.DeepLink(bot, dialog.JoinStart)
	img, err := drawPoster(m.Catalog, m.Config.Lang, shop, bot, link)
	if err != nil {
		return fmt.Errorf("poster: %w", err)
	}
	err = writeOutput(m.Stdout, path, func(w io.Writer) error { return png.Encode(w, img) })
	if err != nil || path == "-" {
		return m.outputProblem(path, err)
	}
	_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(m.Config.Lang, "linking.poster.written", map[string]any{
		"Path": path, "Width": posterWidth, "Height": posterHeight, "Link": link,
	}))
	return err
}

// posterBot is the bot's username: configured, else kept in the ledger. A
// data file that does not exist yet is not made for a poster.
func (m *Main) posterBot(ctx context.Context) (string, error) {
	if bot := m.Config.Telegram.BotName; bot != "" {
		return bot, nil
	}
	noBot := func(cause error) error {
		return &localError{m.Catalog.Text(m.Config.Lang, "linking.err.no_bot", nil), cause}
	}
	if _, err := os.Stat(m.Config.DB); errors.Is(err, os.ErrNotExist) {
		return "", noBot(err)
	}
	if err := m.openStore(); err != nil {
		return "", err
	}
	var bot string
	err := m.Store.View(ctx, func(tx *ledger.Tx) error {
		var err error
		bot, err = tx.BotName()
		return err
	})
	if err != nil {
		return "", fmt.Errorf("poster: read the bot's name: %w", err)
	}
	if bot == "" {
		return "", noBot(nil)
	}
	return bot, nil
}

// textSource is the catalog the poster's lines come from.
type textSource interface {
	Text(lang, id string, data any) string
}

// drawPoster draws the poster: a band with the shop's name, the title, the
// QR code of link, three steps and where to find the bot, in the embedded
// Hangul font.
func drawPoster(cat textSource, lang, shop, bot, link string) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, posterWidth, posterHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, posterWidth, 360), image.NewUniform(posterBand), image.Point{}, draw.Src)

	p := &posterPen{img: img}
	if err := p.centred(shop, 120, 60, color.White, 230); err != nil {
		return nil, err
	}
	if err := p.centred(cat.Text(lang, "linking.poster.title", nil), 84, 40, posterInk, 500); err != nil {
		return nil, err
	}
	one, err := qr.Image(link, 1)
	if err != nil {
		return nil, err
	}
	code, err := qr.Image(link, posterQRSide/one.Bounds().Dx())
	if err != nil {
		return nil, err
	}
	side := code.Bounds().Dx()
	at := image.Pt((posterWidth-side)/2, 560)
	draw.Draw(img, image.Rectangle{Min: at, Max: at.Add(image.Pt(side, side))}, code, image.Point{}, draw.Src)

	var steps []string
	for _, id := range []string{"linking.poster.step1", "linking.poster.step2", "linking.poster.step3"} {
		steps = append(steps, cat.Text(lang, id, nil))
	}
	if err := p.block(steps, 64, 36, posterInk, at.Y+side+130, 110); err != nil {
		return nil, err
	}
	if err := p.centred(cat.Text(lang, "linking.poster.footer", map[string]any{"Bot": bot}), 52, 30, posterMuted, posterHeight-posterMargin); err != nil {
		return nil, err
	}
	return img, nil
}

// posterPen draws lines of text on the poster, shrinking a line that would
// not fit between the margins.
type posterPen struct {
	img *image.RGBA
}

// face returns the font at the largest size from size down to least at
// which s fits the width between the margins, with s's width.
func (p *posterPen) face(s string, size, least float64) (font.Face, fixed.Int26_6, error) {
	limit := fixed.I(posterWidth - 2*posterMargin)
	for ; ; size -= 4 {
		f, err := feedback.FontFace(size)
		if err != nil {
			return nil, 0, err
		}
		if w := font.MeasureString(f, s); w <= limit || size-4 < least {
			return f, w, nil
		}
	}
}

// centred draws s centred on the baseline y.
func (p *posterPen) centred(s string, size, least float64, c color.Color, y int) error {
	f, w, err := p.face(s, size, least)
	if err != nil {
		return err
	}
	x := (fixed.I(posterWidth) - w) / 2
	p.draw(f, s, c, fixed.Point26_6{X: max(x, fixed.I(posterMargin)), Y: fixed.I(y)})
	return nil
}

// block draws lines left-aligned one under the other from the baseline y,
// gap apart, the block centred: one size for all, the largest at which the
// longest fits.
func (p *posterPen) block(lines []string, size, least float64, c color.Color, y, gap int) error {
	full, err := feedback.FontFace(size)
	if err != nil {
		return err
	}
	longest := ""
	for _, l := range lines {
		if font.MeasureString(full, l) > font.MeasureString(full, longest) {
			longest = l
		}
	}
	f, widest, err := p.face(longest, size, least)
	if err != nil {
		return err
	}
	x := max((fixed.I(posterWidth)-widest)/2, fixed.I(posterMargin))
	for i, l := range lines {
		p.draw(f, l, c, fixed.Point26_6{X: x, Y: fixed.I(y + i*gap)})
	}
	return nil
}

func (p *posterPen) draw(f font.Face, s string, c color.Color, at fixed.Point26_6) {
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(c), Face: f, Dot: at}
	d.DrawString(s)
}
