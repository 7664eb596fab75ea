package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/feedback/charttest"
)

// posterLink decodes the QR code on the poster at path, checking it is an
// A5 page at 300 dpi.
func posterLink(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("poster is not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != posterWidth || r.Dy() != posterHeight || posterWidth != 1748 || posterHeight != 2480 {
		t.Errorf("poster is %v, want A5 at 300 dpi (1748×2480)", r)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(shrink(img, 3))
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the poster's QR code does not decode: %v", err)
	}
	return res.GetText()
}

// shrink samples every n-th pixel of img into a grey image: the poster's
// QR modules are some twenty pixels wide, and the reader's binarizer over
// the full page is most of a poster test's time under the race detector.
func shrink(img image.Image, n int) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()/n, b.Dy()/n))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.SetGray(x, y, color.GrayModel.Convert(img.At(b.Min.X+x*n, b.Min.Y+y*n)).(color.Gray))
		}
	}
	return out
}

func TestPoster(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel() // each its own folder; drawing and encoding a page is seconds under -race
			dir := t.TempDir()
			out := filepath.Join(dir, "poster.png")
			env := map[string]string{"DANGOL_DB": filepath.Join(dir, "d.db"), "DANGOL_LANG": lang, "DANGOL_TELEGRAM_BOT_NAME": "@dangol_salon_bot", "DANGOL_SHOP_NAME": "하늘 미용실"}
			res := runMain(t, env, "", "poster", "--png", out)
			if res.err != nil {
				t.Fatalf("poster: %v\n%s", res.err, res.stderr)
			}
			const link = "https://t.me/dangol_salon_bot?start=join"
			if got := posterLink(t, out); got != link {
				t.Errorf("QR code = %q, want %q", got, link)
			}
			want := testCatalog.Text(lang, "linking.poster.written", map[string]any{"Path": out, "Width": 1748, "Height": 2480, "Link": link})
			if !strings.Contains(res.stdout, want) {
				t.Errorf("stdout %q lacks %q", res.stdout, want)
			}
			// The name came from the configuration: no data file was made.
			if _, err := os.Stat(env["DANGOL_DB"]); !os.IsNotExist(err) {
				t.Errorf("poster made a data file: %v", err)
			}
		})
	}
}

func TestPosterRefused(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "poster.png")
	db := filepath.Join(dir, "d.db")
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		want  string
		usage bool
	}{
		{"ErrNoShop", map[string]string{"DANGOL_TELEGRAM_BOT_NAME": "dangol_salon_bot"}, nil, usageText("linking.err.no_shop", nil), true},
		{"ErrBlankShop", map[string]string{"DANGOL_TELEGRAM_BOT_NAME": "dangol_salon_bot"}, []string{"--shop", "  "}, usageText("linking.err.no_shop", nil), true},
		{"ErrNoBotName", nil, []string{"--shop", "하늘"}, usageText("linking.err.no_bot", nil), false},
		{"ErrNoBotNameEnglish", map[string]string{"DANGOL_LANG": "en"}, []string{"--shop", "Sky"}, testCatalog.Text("en", "linking.err.no_bot", nil), false},
		{"ErrBadBotName", map[string]string{"DANGOL_TELEGRAM_BOT_NAME": "t.me/dangol"}, []string{"--shop", "하늘"}, usageText("linking.err.bot_name", map[string]any{"Value": "t.me/dangol"}), true},
		{"ErrShortBotName", map[string]string{"DANGOL_TELEGRAM_BOT_NAME": "abc"}, []string{"--shop", "하늘"}, usageText("linking.err.bot_name", map[string]any{"Value": "abc"}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": db}
			for k, v := range tt.env {
				env[k] = v
			}
			res := runMain(t, env, "", append([]string{"poster", "--png", out}, tt.args...)...)
			if res.err == nil || !strings.Contains(res.err.Error(), tt.want) || isUsage(res.err) != tt.usage {
				t.Errorf("err = %v (usage %v), want %q (usage %v)", res.err, isUsage(res.err), tt.want, tt.usage)
			}
			for _, p := range []string{out, db} {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Errorf("%s exists after a refusal: %v", filepath.Base(p), err)
				}
			}
		})
	}
}

// TestBotNameKept: serve keeps the username Telegram's getMe answers in the
// ledger, and it replaces a configured one; the poster (and /link) then
// find it without any setting.
func TestBotNameKept(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	commands := make(chan struct{}, 4)
	api := telegramfake.New(telegramfake.Options{Username: "dangol_real_bot", OnCall: func(c telegramfake.Call) {
		if c.Method == "setMyCommands" {
			select {
			case commands <- struct{}{}:
			default:
			}
		}
	}})
	t.Cleanup(api.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	var stderr bytes.Buffer
	m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(k string) string {
		return map[string]string{
			"DANGOL_DB": db, "DANGOL_TELEGRAM_TOKEN": tgToken, "DANGOL_TELEGRAM_API_URL": api.URL(),
			"DANGOL_TELEGRAM_BOT_NAME": "dangol_old_bot",
		}[k]
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve"}) }()
	select {
	case <-commands: // after getMe and KnownAs
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, stderr.String())
	case <-time.After(waitTimeout):
		t.Fatal("the bot did not start")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "poster.png")
	res := runMain(t, map[string]string{"DANGOL_DB": db}, "", "poster", "--png", out, "--shop", "하늘 미용실")
	if res.err != nil {
		t.Fatalf("poster: %v", res.err)
	}
	if got, want := posterLink(t, out), "https://t.me/dangol_real_bot?start=join"; got != want {
		t.Errorf("QR code = %q, want %q", got, want)
	}
}

func TestPosterHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "poster"}, {"poster", "-h"}} {
		res := runMain(t, nil, "", args...)
		if res.err != nil || !strings.Contains(res.stdout, usageText("linking.poster.usage", nil)) {
			t.Errorf("dangol %v = %v:\n%s", args, res.err, res.stdout)
		}
	}
	if res := runMain(t, nil, "", "help"); !strings.Contains(res.stdout, "dangol help poster") {
		t.Errorf("dangol help does not name the poster:\n%s", res.stdout)
	}
}
