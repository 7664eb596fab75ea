package slack

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"Empty", "", 10, nil},
		{"Blank", " \n \n", 10, nil},
		{"Escaped", "<!channel> & <@U1>", 100, []string{"&lt;!channel&gt; &amp; &lt;@U1&gt;"}},
		{"FitsWithNewline", "abc\ndef", 7, []string{"abc\ndef"}},
		{"SplitAtLine", "abc\ndef\nghi", 8, []string{"abc\ndef", "ghi"}},
		{"LongLineCut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"NeverInsideEscape", "ab&cd", 5, []string{"ab", "&amp;", "cd"}},
		{"KoreanCountsOne", "가나다라", 2, []string{"가나", "다라"}},
		{"EmojiCountsTwo", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"InvalidUTF8", "a\xffb", 10, []string{"a\uFFFDb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.in, tt.limit)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitText(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
			for _, c := range got {
				if units(c) > tt.limit {
					t.Errorf("chunk %q is %d units, over %d", c, units(c), tt.limit)
				}
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"짧은 제목", 24, "짧은 제목"},
		{"abcdef", 4, "abc…"},
		{"가나다라마", 3, "가나…"},
		{"😀😀😀", 4, "😀…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.limit); got != tt.want || units(got) > tt.limit {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

// TestRenderLimits renders a reply far over Slack's limits and checks every
// message stays within them.
func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("가", 7000)
	var sections []dialog.Section
	for i := range 30 {
		sections = append(sections, dialog.Section{Title: strings.Repeat("제목", 100), Lines: []string{"줄 하나", strings.Repeat("x", i)}})
	}
	var buttons []dialog.Button
	for i := range 30 {
		buttons = append(buttons, dialog.Button{Label: strings.Repeat("버튼", 50), Payload: "p" + string(rune('a'+i%26))})
	}
	buttons = append(buttons, dialog.Button{Payload: "no-label"})
	msgs := renderReply(dialog.Reply{Text: long, Sections: sections, Buttons: buttons})

	var all []slack.Block
	for _, m := range msgs {
		if len(m.blocks) > maxBlocks {
			t.Errorf("message has %d blocks", len(m.blocks))
		}
		if units(m.text) > maxFallbackText {
			t.Errorf("notification text is %d units", units(m.text))
		}
		all = append(all, m.blocks...)
	}
	// 3 sections for the long text, 30 headers, 30 sections, 2 actions blocks.
	if len(all) != 3+30+30+2 || len(msgs) != 2 {
		t.Fatalf("%d blocks in %d messages, want 65 in 2", len(all), len(msgs))
	}
	ids := map[string]bool{}
	var labels []string
	for _, b := range all {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if units(b.Text.Text) > maxSectionText {
				t.Errorf("section of %d units", units(b.Text.Text))
			}
		case *slack.HeaderBlock:
			if units(b.Text.Text) > maxHeaderText {
				t.Errorf("header of %d units", units(b.Text.Text))
			}
		case *slack.ActionBlock:
			if n := len(b.Elements.ElementSet); n > maxActionsElems {
				t.Errorf("actions block of %d elements", n)
			}
			for _, el := range b.Elements.ElementSet {
				btn := el.(*slack.ButtonBlockElement)
				if ids[btn.ActionID] {
					t.Errorf("action_id %s twice", btn.ActionID)
				}
				ids[btn.ActionID] = true
				if units(btn.Text.Text) > maxButtonText {
					t.Errorf("button label of %d units", units(btn.Text.Text))
				}
				labels = append(labels, btn.Text.Text)
			}
		}
	}
	if len(ids) != 31 || labels[30] != "no-label" {
		t.Errorf("%d buttons, last labelled %q", len(ids), labels[len(labels)-1])
	}
	if msgs := renderReply(dialog.Reply{Image: &dialog.Image{}}); msgs != nil {
		t.Errorf("an image-only reply rendered %d messages", len(msgs))
	}
}

func TestFallbackText(t *testing.T) {
	tests := []struct {
		r    dialog.Reply
		want string
	}{
		{dialog.Reply{Text: "a <b>"}, "a &lt;b&gt;"},
		{dialog.Reply{Sections: []dialog.Section{{Title: "카드"}}}, "카드"},
		{dialog.Reply{Sections: []dialog.Section{{Lines: []string{"첫 줄", "둘"}}}}, "첫 줄"},
		{dialog.Reply{}, ""},
	}
	for _, tt := range tests {
		if got := fallbackText(tt.r); got != tt.want {
			t.Errorf("fallbackText(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestRenderModal(t *testing.T) {
	f := &dialog.Form{
		ID:    "points",
		Title: "포인트 적립 및 사용 (구매 금액 입력)",
		Fields: []dialog.Field{
			{Name: "customer", Value: "010-1234-5678"},
			{Name: "amount", Label: "금액", Hint: strings.Repeat("예", 200)},
		},
	}
	v := renderModal(f, `{"c":"C1"}`, "취소", "저장")
	if units(v.Title.Text) > maxModalTitle || v.Submit.Text != "저장" || v.Close.Text != "취소" || v.CallbackID != "points" {
		t.Errorf("modal chrome: title %q submit %q close %q callback %q", v.Title.Text, v.Submit.Text, v.Close.Text, v.CallbackID)
	}
	if !slack.ValidateUniqueBlockID(v) {
		t.Error("block ids not unique")
	}
	in := v.Blocks.BlockSet[0].(*slack.InputBlock)
	el := in.Element.(*slack.PlainTextInputBlockElement)
	if in.Label.Text != "customer" || el.InitialValue != "010-1234-5678" || el.Placeholder != nil || in.Optional {
		t.Errorf("first field %+v %+v", in, el)
	}
	el = v.Blocks.BlockSet[1].(*slack.InputBlock).Element.(*slack.PlainTextInputBlockElement)
	if units(el.Placeholder.Text) > maxPlaceholder {
		t.Errorf("placeholder of %d units", units(el.Placeholder.Text))
	}
	if v := renderModal(&dialog.Form{ID: "x"}, "", "c", "s"); v.Title.Text != "dangol" {
		t.Errorf("untitled modal titled %q", v.Title.Text)
	}
}

func TestIncomingText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"010-1234-5678 커트", "010-1234-5678 커트"},
		{"&lt;b&gt; &amp;amp;", "<b> &amp;"},
		{"add <@U123ABC|minji>", "add @U123ABC"},
		{"add <@U123ABC>", "add @U123ABC"},
		{"in <#C1|front-desk>", "in #front-desk"},
		{"in <#C1>", "in #C1"},
		{"<!channel> <!subteam^S1|@staff>", "@channel @subteam"},
		{"see <https://example.com/a?b=1&amp;c=2|example>", "see https://example.com/a?b=1&c=2"},
		{"<mailto:a@b.kr|a@b.kr>", "a@b.kr"},
		{"5 < 6 > 4", "5 < 6 > 4"},
	}
	for _, tt := range tests {
		if got := incomingText(tt.in); got != tt.want {
			t.Errorf("incomingText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestModalAnswer(t *testing.T) {
	b := &Bot{cat: locales.MustLoad()}
	j := job{org: &origin{channelID: "C1", responseURL: "https://hooks/x"}, blockIDs: []string{"customer", "text"}}
	alert := dialog.Reply{To: dialog.ToStaffChannel, Text: "alert"}
	form2 := &dialog.Form{ID: "new-customer", Fields: []dialog.Field{{Name: "name"}}}
	tests := []struct {
		name     string
		replies  []dialog.Reply
		action   slack.ViewResponseAction
		errors   map[string]string
		restLen  int
		updateID string
	}{
		{"Close", []dialog.Reply{{Text: "ok"}, alert}, "", nil, 2, ""},
		{"Errors", []dialog.Reply{{FormErrors: map[string]string{"customer": "a", "text": "b"}}}, slack.RAErrors, map[string]string{"customer": "a", "text": "b"}, 0, ""},
		{"StrayErrorOnFirstField", []dialog.Reply{{FormErrors: map[string]string{"customer": "a", "phone": "b"}}}, slack.RAErrors, map[string]string{"customer": "a b"}, 0, ""},
		{"StrayAfterOwn", []dialog.Reply{{FormErrors: map[string]string{"aaa": "x", "customer": "a"}}}, slack.RAErrors, map[string]string{"customer": "a x"}, 0, ""},
		{"NextForm", []dialog.Reply{{Form: form2}, alert}, slack.RAUpdate, nil, 1, "new-customer"},
		{"ErrorsWin", []dialog.Reply{{Form: form2}, {FormErrors: map[string]string{"text": "b"}}}, slack.RAErrors, map[string]string{"text": "b"}, 1, ""},
		{"ErrorsForOthersAreNotInline", []dialog.Reply{{To: dialog.ToUser, FormErrors: map[string]string{"x": "y"}}}, "", nil, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, rest := b.modalAnswer(j, tt.replies)
			if len(rest) != tt.restLen {
				t.Errorf("%d replies left to post, want %d", len(rest), tt.restLen)
			}
			if tt.action == "" {
				if resp != nil {
					t.Fatalf("answer %+v, want nil (close)", resp)
				}
				return
			}
			if resp == nil || resp.ResponseAction != tt.action || !reflect.DeepEqual(resp.Errors, tt.errors) {
				t.Fatalf("answer %+v, want %s %v", resp, tt.action, tt.errors)
			}
			if tt.updateID != "" {
				if resp.View.CallbackID != tt.updateID {
					t.Errorf("updated view %q", resp.View.CallbackID)
				}
				if m := decodeViewMeta(resp.View.PrivateMetadata); m.Channel != "C1" || m.ResponseURL != "https://hooks/x" {
					t.Errorf("updated view forgot where to answer: %+v", m)
				}
			}
		})
	}
}

func TestViewMeta(t *testing.T) {
	m := viewMeta{Channel: "C1", ResponseURL: strings.Repeat("u", 3100), Lang: "ko"}
	enc := m.encode()
	if len(enc) > 3000 {
		t.Fatalf("private_metadata of %d chars", len(enc))
	}
	if got := decodeViewMeta(enc); got.Channel != "C1" || got.ResponseURL != "" || got.Lang != "ko" {
		t.Errorf("decoded %+v", got)
	}
	if got := decodeViewMeta("not json"); got != (viewMeta{}) {
		t.Errorf("garbage decoded to %+v", got)
	}
	js, _ := json.Marshal(viewMeta{Channel: "C"})
	if string(js) != `{"c":"C"}` {
		t.Errorf("compact form %s", js)
	}
}

// TestManifest keeps slack-manifest.yaml in step with what the adapter
// needs: every command staff use, the scopes of the calls it makes, Socket
// Mode, message.im and interactivity.
func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../../slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := string(raw)
	var want []string
	for _, c := range []string{"note", "customer", "points", "link", "summary", "staff", "followups", "customers", "audit", "help", "cancel", "lang"} {
		want = append(want, "- command: /"+c+"\n")
	}
	for _, s := range []string{"commands", "chat:write", "im:history", "im:read", "im:write", "files:write", "users:read"} {
		want = append(want, "- "+s+" ")
	}
	want = append(want, "socket_mode_enabled: true", "- message.im", "interactivity:\n    is_enabled: true", "display_name: dangol")
	for _, w := range want {
		if !strings.Contains(m, w) {
			t.Errorf("manifest lacks %q", w)
		}
	}
}
