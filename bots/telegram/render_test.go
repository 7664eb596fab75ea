package telegram

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dangol/dangol/dialog"
)

func renderBot(t testing.TB) *Bot {
	t.Helper()
	b, err := New(Config{Token: "1:x", Handler: newScript(nil), Catalog: testCatalog(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestKeyboardLayout(t *testing.T) {
	nums := func(lo, hi int, prefix string) []dialog.Button {
		var bs []dialog.Button
		for i := lo; i <= hi; i++ {
			bs = append(bs, btn(strconv.Itoa(i), prefix+strconv.Itoa(i)))
		}
		return bs
	}
	tests := []struct {
		name    string
		buttons []dialog.Button
		want    string
	}{
		{"Stars", []dialog.Button{btn("★", "rate:1"), btn("★★", "rate:2"), btn("★★★", "rate:3"), btn("★★★★", "rate:4"), btn("★★★★★", "rate:5")},
			"[★ | rate:1] [★★ | rate:2] [★★★ | rate:3]\n[★★★★ | rate:4] [★★★★★ | rate:5]"},
		{"NPSWithSkip", append(nums(0, 10, "nps:"), btn("건너뛰기", "skip")),
			"[0 | nps:0] [1 | nps:1] [2 | nps:2] [3 | nps:3] [4 | nps:4] [5 | nps:5]\n" +
				"[6 | nps:6] [7 | nps:7] [8 | nps:8] [9 | nps:9] [10 | nps:10]\n[건너뛰기 | skip]"},
		{"Consent", []dialog.Button{btn("동의합니다", "yes"), btn("동의하지 않아요", "no")},
			"[동의합니다 | yes] [동의하지 않아요 | no]"},
		{"LongLabelsAlone", []dialog.Button{btn("김민지 010-****-5678 (단골, 12회)", "pick:C1"), btn("김민지 010-****-9999 (일반, 1회)", "pick:C2")},
			"[김민지 010-****-5678 (단골, 12회) | pick:C1]\n[김민지 010-****-9999 (일반, 1회) | pick:C2]"},
		{"RefusedButtonsLeftOut", []dialog.Button{btn("", "x"), btn("no data", ""), btn("too long", strings.Repeat("x", 65)), btn("OK", "ok")},
			"[OK | ok]"},
		{"NoneLeft", []dialog.Button{btn("", "")}, ""},
	}
	b := renderBot(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb := b.inlineKeyboard(tt.buttons)
			got := ""
			if kb != nil {
				got = drawMarkup(mustJSON(kb))
			}
			if got != tt.want {
				t.Errorf("layout\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestSplitLongText(t *testing.T) {
	para := strings.Repeat("가", 3000) // one 3000-unit line
	tests := []struct {
		name  string
		reply dialog.Reply
		want  []int // units per message
	}{
		{"Short", dialog.Reply{Text: "안녕하세요"}, []int{5}},
		{"TwoLongLinesSplitBetween", dialog.Reply{Text: para + "\n" + para}, []int{3000, 3000}},
		{"OneHugeLine", dialog.Reply{Text: strings.Repeat("가", 9000)}, []int{4096, 4096, 808}},
		{"WordsStayWhole", dialog.Reply{Text: strings.Repeat("포인트 ", 1500)}, []int{4096, 1903}},
		{"EmojiCountTwice", dialog.Reply{Text: strings.Repeat("😀", 2100)}, []int{4096, 104}},
		{"BlankLinesDropped", dialog.Reply{Text: "\n\n"}, nil},
	}
	b := renderBot(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := b.render(tt.reply, "ko", false)
			var got []int
			var all strings.Builder
			for _, m := range msgs {
				got = append(got, units(m.text))
				if units(m.text) > maxText {
					t.Errorf("message of %d units", units(m.text))
				}
				all.WriteString(m.text)
			}
			if mustJSON(got) != mustJSON(tt.want) {
				t.Errorf("units per message %v, want %v", got, tt.want)
			}
			// Nothing but line breaks and the spaces words were cut at is lost.
			strip := strings.NewReplacer("\n", "", " ", "")
			if strip.Replace(all.String()) != strip.Replace(tt.reply.Text) {
				t.Error("split lost text")
			}
		})
	}
}

func TestRenderImage(t *testing.T) {
	png := &dialog.Image{Name: "w.png", PNG: []byte("x")}
	tests := []struct {
		name  string
		reply dialog.Reply
		want  []string // "photo:caption" or "text:…" per message, markup marked with +kb
	}{
		{"CaptionFits", dialog.Reply{Text: "이번 주", Image: png}, []string{"photo:이번 주"}},
		{"CaptionTooLong", dialog.Reply{Text: strings.Repeat("가", 1100), Image: png, Buttons: []dialog.Button{btn("OK", "ok")}},
			[]string{"photo:", "text:1100+kb"}},
		{"ImageAlone", dialog.Reply{Image: png}, []string{"photo:"}},
	}
	b := renderBot(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range b.render(tt.reply, "ko", false) {
				s := "text:" + strconv.Itoa(units(m.text))
				if m.photo != nil {
					s = "photo:" + m.text
				}
				if m.markup != nil {
					s += "+kb"
				}
				got = append(got, s)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("render = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNormalizeText(t *testing.T) {
	b := renderBot(t)
	name := "dangol_bot"
	b.me.Store(&name)
	tests := []struct{ in, want string }{
		{"/start 123456", "/start 123456"},
		{"/start@dangol_bot 123456", "/start 123456"},
		{"/points@Dangol_Bot", "/points"},
		{"/points@other_bot", "/points@other_bot"},
		{"💰 포인트", "/points"},
		{" ⭐ Feedback ", "/feedback"},
		{"🌐 언어 · Language", "/lang"},
		{"포인트", "포인트"},
		{"5 stars /points", "5 stars /points"},
	}
	for _, tt := range tests {
		if got := b.normalizeText(tt.in); got != tt.want {
			t.Errorf("normalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// sameMessages reports whether oneMessage's result (text, entities, ok)
// is what split makes of r's lines at limit: that one message, none for
// "", or anything when it stood aside (split then does the work; cutting
// a line too long for the limit may leave one message too).
func sameMessages(r dialog.Reply, limit int) (string, bool) {
	got, ents, ok := oneMessage(r, limit)
	want := split(bodyLines(r), limit)
	switch {
	case !ok:
		return "", true
	case got == "":
		return fmt.Sprintf("no message, split makes %+v", want), len(want) == 0
	case len(want) != 1 || want[0].text != got || !slices.Equal(want[0].entities, ents):
		return fmt.Sprintf("%q %+v, split makes %+v", got, ents, want), false
	}
	return "", true
}

// TestOneMessage: the shortcut for a reply that fits one message makes the
// message split makes of its lines (blank lines at either end dropped,
// titles bold), and takes every reply that fits.
func TestOneMessage(t *testing.T) {
	texts := []string{
		"", " ", "\n", "\n\n \n", "\t", " \t\n\t ",
		"포인트 500P", "포인트 500P\n", "\n\n포인트\n\n500P\n\n", "  \n\t\n첫 줄\n  \n둘째 줄\n\t\n \n",
		"a\r\nb\r\n", "한 줄 끝에 공백   ", "\t앞에 탭", "😀😀😀", strings.Repeat("가", 10), strings.Repeat("가", 11),
		"12345\n67890", "12345\n678901", "\n\n1234567890\n\n", "😀😀😀😀😀\n", "a\n\n\nb",
	}
	sections := [][]dialog.Section{
		nil,
		{{Title: "내역", Lines: []string{"11-28 +100P", "11-29 +100P"}}},
		{{Title: " ", Lines: nil}, {Title: "", Lines: []string{"", " "}}},
		{{Title: "😀제목", Lines: []string{"😀"}}, {Title: "둘", Lines: []string{strings.Repeat("x", 20)}}},
	}
	for _, limit := range []int{10, 40, maxText} {
		for _, text := range texts {
			for _, secs := range sections {
				r := dialog.Reply{Text: text, Sections: secs}
				if msg, ok := sameMessages(r, limit); !ok {
					t.Errorf("limit %d, %q %+v: %s", limit, text, secs, msg)
				}
				if _, _, ok := oneMessage(r, limit); !ok && limit == maxText {
					t.Errorf("%q %+v: stood aside for a reply that fits", text, secs)
				}
			}
		}
	}
}

// FuzzOneMessage: for any text, section and limit, the shortcut makes
// split's one message or stands aside.
func FuzzOneMessage(f *testing.F) {
	for _, s := range []string{"", "\n \n", "포인트 500P\n\n", " \t\n첫 줄\n\n둘째\n\t", "😀😀😀😀😀😀"} {
		f.Add(s, "내역", "11-28 +100P", "", 10)
	}
	f.Fuzz(func(t *testing.T, text, title, line1, line2 string, limit int) {
		limit = 1 + abs(limit)%maxText
		for _, secs := range [][]dialog.Section{nil, {{Title: title, Lines: []string{line1, line2}}}} {
			r := dialog.Reply{Text: text, Sections: secs}
			if msg, ok := sameMessages(r, limit); !ok {
				t.Errorf("limit %d, %q %+v: %s", limit, text, secs, msg)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
