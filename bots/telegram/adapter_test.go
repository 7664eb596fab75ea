package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
)

func TestMessageToEngine(t *testing.T) {
	tests := []struct {
		name   string
		update func(id int64) string
		want   dialog.Message
	}{
		{"StartWithCode", func(id int64) string { return text(id, minji, "/start ABC123") },
			dialog.Message{Text: "/start ABC123", UserID: "1001", ConversationID: "1001", UserName: "민지 김", Lang: "ko"}},
		{"CommandWithBotName", func(id int64) string { return text(id, tom, "/points@dangol_test_bot") },
			dialog.Message{Text: "/points", UserID: "2002", ConversationID: "2002", UserName: "Tom", Lang: "en-US"}},
		{"MenuButtonKorean", func(id int64) string { return text(id, minji, "💰 포인트") },
			dialog.Message{Text: "/points", UserID: "1001", ConversationID: "1001", UserName: "민지 김", Lang: "ko"}},
		{"MenuButtonEnglish", func(id int64) string { return text(id, tom, "⭐ Feedback") },
			dialog.Message{Text: "/feedback", UserID: "2002", ConversationID: "2002", UserName: "Tom", Lang: "en-US"}},
		{"MenuLanguage", func(id int64) string { return text(id, tom, "🌐 Language · 언어") },
			dialog.Message{Text: "/lang", UserID: "2002", ConversationID: "2002", UserName: "Tom", Lang: "en-US"}},
		{"PlainText", func(id int64) string { return text(id, minji, "  머리가 너무 예뻐요 ") },
			dialog.Message{Text: "  머리가 너무 예뻐요 ", UserID: "1001", ConversationID: "1001", UserName: "민지 김", Lang: "ko"}},
		{"OwnContact", func(id int64) string {
			return message(id, minji, "message", map[string]any{"contact": map[string]any{
				"phone_number": "+821012345678", "first_name": "민지", "user_id": 1001}})
		}, dialog.Message{Phone: "+821012345678", UserID: "1001", ConversationID: "1001", UserName: "민지 김", Lang: "ko"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newScript(echo)
			hs := startBot(t, h)
			id := int64(700 + i)
			hs.f.push(tt.update(id))
			got := h.next(t)
			want := tt.want
			want.Channel = "telegram"
			want.EventID = "telegram:" + mustJSON(id)
			want.Private = true
			want.CursorName = "telegram.update"
			want.CursorValue = id
			if !equalMessage(got, want) {
				t.Errorf("engine got\n%+v\nwant\n%+v", got, want)
			}
			c := hs.f.expect(t, "sendMessage")
			if c.Fields["chat_id"] != want.ConversationID || !strings.HasPrefix(c.Fields["text"], "got: ") {
				t.Errorf("reply = %v", c.Fields)
			}
		})
	}
}

func btn(label, payload string) dialog.Button { return dialog.Button{Label: label, Payload: payload} }

func equalMessage(a, b dialog.Message) bool {
	aa, bb := a, b
	aa.Action, bb.Action = nil, nil
	aa.Form, bb.Form = nil, nil
	if (a.Action == nil) != (b.Action == nil) || (a.Action != nil && *a.Action != *b.Action) {
		return false
	}
	return mustJSON(aa) == mustJSON(bb)
}

func TestRepliesRendered(t *testing.T) {
	stars := []dialog.Button{btn("★", "fb:1"), btn("★★", "fb:2"), btn("★★★", "fb:3"), btn("★★★★", "fb:4"), btn("★★★★★", "fb:5")}
	tests := []struct {
		name  string
		reply dialog.Reply
		want  []apiCall // fields compared; reply_markup drawn
	}{
		{"TextWithButtons", dialog.Reply{Text: "어떠셨어요?", Buttons: stars}, []apiCall{
			{Method: "sendMessage", Fields: map[string]string{"text": "어떠셨어요?",
				"reply_markup": "[★ | fb:1] [★★ | fb:2] [★★★ | fb:3]\n[★★★★ | fb:4] [★★★★★ | fb:5]"}}}},
		{"MenuKorean", dialog.Reply{Text: "연결되었어요.", Lang: "ko", Menu: true}, []apiCall{
			{Method: "sendMessage", Fields: map[string]string{"text": "연결되었어요.",
				"reply_markup": "(💰 포인트) (⭐ 후기 남기기)\n(🌐 언어 · Language) (📱 연락처로 연결 ⇢ shares contact)\n(persistent menu)"}}}},
		{"MenuEnglishWithButtons", dialog.Reply{Text: "Linked.", Lang: "en", Menu: true, Buttons: []dialog.Button{btn("Leave feedback", "fb:start")}}, []apiCall{
			{Method: "sendMessage", Fields: map[string]string{"text": "Linked.", "reply_markup": "[Leave feedback | fb:start]"}},
			{Method: "sendMessage", Fields: map[string]string{"text": "The menu buttons below are always there for you.",
				"reply_markup": "(💰 Points) (⭐ Feedback)\n(🌐 Language · 언어) (📱 Link by phone ⇢ shares contact)\n(persistent menu)"}}}},
		{"Sections", dialog.Reply{Text: "민지 님의 포인트", Sections: []dialog.Section{
			{Title: "잔액", Lines: []string{"1,200점 (실버)"}}, {Title: "최근", Lines: []string{"11/20 +500 커트", "11/02 -300 사용"}}}}, []apiCall{
			{Method: "sendMessage", Fields: map[string]string{
				"text":     "민지 님의 포인트\n\n잔액\n• 1,200점 (실버)\n\n최근\n• 11/20 +500 커트\n• 11/02 -300 사용",
				"entities": `[{"type":"bold","offset":11,"length":2},{"type":"bold","offset":29,"length":2}]`}}}},
		{"Image", dialog.Reply{Text: "이번 주", Image: &dialog.Image{Name: "week.png", PNG: []byte("\x89PNG fake")}}, []apiCall{
			{Method: "sendPhoto", Fields: map[string]string{"caption": "이번 주"}, Files: map[string]string{"photo": "week.png (9 bytes)"}}}},
		{"FormSendsTextOnly", dialog.Reply{Text: "메모를 적어 주세요", Form: &dialog.Form{ID: "note"}}, []apiCall{
			{Method: "sendMessage", Fields: map[string]string{"text": "메모를 적어 주세요"}}}},
		{"ButtonsWithoutText", dialog.Reply{Lang: "ko", Buttons: []dialog.Button{btn("네", "yes"), btn("아니요", "no")}}, []apiCall{
			{Method: "sendMessage", Fields: map[string]string{"text": "아래에서 골라 주세요.", "reply_markup": "[네 | yes] [아니요 | no]"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newScript(func(context.Context, dialog.Message) ([]dialog.Reply, error) {
				return []dialog.Reply{tt.reply}, nil
			})
			hs := startBot(t, h)
			hs.f.push(text(10, minji, "hi"))
			h.next(t)
			for _, w := range tt.want {
				c := hs.f.expect(t, w.Method)
				if c.Fields["chat_id"] != "1001" {
					t.Errorf("%s to chat %s, want 1001", c.Method, c.Fields["chat_id"])
				}
				for k, v := range w.Fields {
					got := c.Fields[k]
					if k == "reply_markup" {
						got = drawMarkup(got)
					}
					if got != v {
						t.Errorf("%s %s =\n%s\nwant\n%s", c.Method, k, got, v)
					}
				}
				for k, v := range w.Files {
					if c.Files[k] != v {
						t.Errorf("%s file %s = %q, want %q", c.Method, k, c.Files[k], v)
					}
				}
			}
			hs.f.waitPoll(t, 11)
			hs.f.expectNone(t)
		})
	}
}

func TestButtonPressAnsweredAndEdited(t *testing.T) {
	h := newScript(func(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{{Text: "감사합니다! 한 말씀 남겨 주시겠어요?"}}, nil
	})
	hs := startBot(t, h)
	kb := [][][2]string{{{"★", "fb:1"}, {"★★", "fb:2"}}, {{"★★★★", "fb:4"}}}
	hs.f.push(press(20, minji, 321, "오늘 서비스는 어떠셨어요?", kb, "fb:4", 1764000000))

	if got := h.next(t); got.Action == nil || *got.Action != (dialog.Action{Payload: "fb:4", Label: "★★★★"}) || got.EventID != "telegram:20" {
		t.Errorf("engine got %+v (action %+v)", got, got.Action)
	}
	calls := hs.f.expectAnswered(t, "editMessageText", "sendMessage")
	if c := calls[0]; c.Fields["callback_query_id"] != "cq20" {
		t.Errorf("answered %v", c.Fields)
	}
	c := calls[1]
	if c.Fields["text"] != "오늘 서비스는 어떠셨어요?\n→ ★★★★" || c.Fields["message_id"] != "321" || c.Fields["chat_id"] != "1001" {
		t.Errorf("edit = %v", c.Fields)
	}
	if _, ok := c.Fields["reply_markup"]; ok {
		t.Errorf("edit keeps a keyboard: %s", c.Fields["reply_markup"])
	}
}

func TestStaleButton(t *testing.T) {
	// A press on a message Telegram no longer shows us (date 0): answered,
	// nothing to edit, and the engine's explanation is simply sent.
	h := newScript(func(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{{Text: "이 버튼은 만료되었어요. 메뉴에서 다시 시작해 주세요."}}, nil
	})
	hs := startBot(t, h)
	hs.f.push(press(30, minji, 99, "", nil, "fb:3", 0))
	got := h.next(t)
	if got.Action == nil || got.Action.Payload != "fb:3" || got.Action.Label != "" || got.ConversationID != "1001" {
		t.Errorf("engine got %+v", got)
	}
	if c := hs.f.expectAnswered(t, "sendMessage")[1]; c.Fields["text"] != "이 버튼은 만료되었어요. 메뉴에서 다시 시작해 주세요." {
		t.Errorf("sent %v", c.Fields)
	}
}

// TestSameUpdateTwice: an update delivered twice while the bot runs (a
// webhook Telegram resent) reaches the engine once and is answered once;
// after a restart the engine's own event ids do that (the journeys).
func TestSameUpdateTwice(t *testing.T) {
	h := newScript(echo)
	hs := startBot(t, h)
	u := text(40, minji, "/points")
	hs.f.push(u, u, text(41, minji, "다음"))
	if a, b := h.next(t), h.next(t); a.EventID != "telegram:40" || b.EventID != "telegram:41" {
		t.Errorf("event ids %q and %q, want telegram:40 once, then telegram:41", a.EventID, b.EventID)
	}
	if c := hs.f.expect(t, "sendMessage"); c.Fields["text"] != "got: /points" {
		t.Errorf("first answer %q", c.Fields["text"])
	}
	if c := hs.f.expect(t, "sendMessage"); c.Fields["text"] != "got: 다음" {
		t.Errorf("second answer %q, want the next update's", c.Fields["text"])
	}
}

func TestNotForTheEngine(t *testing.T) {
	group := user{id: 1001, first: "민지", lang: "ko", chatType: "group", chatID: -500}
	tests := []struct {
		name    string
		updates []string
		want    []string // texts sent, in order
	}{
		{"GroupToldOnce", []string{text(1, group, "/points"), text(2, group, "안녕하세요")},
			[]string{"안녕하세요! 저는 1:1 대화에서만 도와드릴 수 있어요. 포인트 확인과 후기는 https://t.me/dangol_test_bot 에서 저와 따로 대화해 주세요. 이 방의 메시지에는 답하지 않을게요."}},
		{"EditedMessage", []string{message(1, minji, "edited_message", map[string]any{"text": "고쳤어요", "edit_date": 1764000100})},
			[]string{"수정하신 메시지는 반영되지 않아요. 필요하시면 새로 보내 주세요."}},
		{"SomeoneElsesContact", []string{message(1, minji, "message", map[string]any{"contact": map[string]any{
			"phone_number": "01099998888", "first_name": "엄마", "user_id": 3003}})},
			[]string{"다른 분의 연락처로는 연결해 드릴 수 없어요. 본인 번호를 공유하시거나 매장에서 받은 연결 코드를 보내 주세요."}},
		{"ContactWithoutUser", []string{message(1, minji, "message", map[string]any{"contact": map[string]any{
			"phone_number": "01099998888", "first_name": "가게"}})},
			[]string{"다른 분의 연락처로는 연결해 드릴 수 없어요. 본인 번호를 공유하시거나 매장에서 받은 연결 코드를 보내 주세요."}},
		{"ChannelPost", []string{mustJSON(map[string]any{"update_id": 1, "channel_post": map[string]any{
			"message_id": 1, "date": 1764000000, "chat": map[string]any{"id": -100, "type": "channel", "title": "소식"}, "text": "공지"}})}, nil},
		{"FromABot", []string{text(1, user{id: 77, first: "other bot", isBot: true}, "/points")}, nil},
		{"ServiceMessage", []string{message(1, minji, "message", map[string]any{"pinned_message": map[string]any{
			"message_id": 3, "date": 1764000000, "chat": minji.chat()}})}, nil},
		{"GroupButton", []string{press(1, group, 5, "x", [][][2]string{{{"a", "a"}}}, "a", 1764000000)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newScript(echo)
			hs := startBot(t, h)
			hs.f.push(tt.updates...)
			for _, w := range tt.want {
				c := hs.f.next(t)
				if c.Method == "answerCallbackQuery" {
					c = hs.f.next(t)
				}
				if c.Method != "sendMessage" || c.Fields["text"] != w {
					t.Errorf("sent %s %q, want %q", c.Method, c.Fields["text"], w)
				}
			}
			hs.f.waitPoll(t, int64(len(tt.updates)+1))
			hs.stop() // everything in flight finishes: nothing more may appear
			for {
				select {
				case c := <-hs.f.calls:
					if c.Method != "answerCallbackQuery" {
						t.Errorf("unexpected call %s %v", c.Method, c.Fields)
					}
					continue
				default:
				}
				break
			}
			h.expectNone(t)
		})
	}
}

func TestTooManyRequestsThenSuccess(t *testing.T) {
	h := newScript(echo)
	f429 := failure{status: 429, body: `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 2","parameters":{"retry_after":2}}`}
	hs := startBot(t, h)
	hs.f.failNext("sendMessage", f429)
	hs.f.push(text(50, minji, "/points"))
	h.next(t)
	first, second := hs.f.expect(t, "sendMessage"), hs.f.expect(t, "sendMessage")
	if first.Fields["text"] != "got: /points" || second.Fields["text"] != first.Fields["text"] {
		t.Errorf("sent %q then %q", first.Fields["text"], second.Fields["text"])
	}
	hs.stop()
	if logs := hs.logs.String(); !strings.Contains(logs, "wait=2ms") || strings.Contains(logs, "reply not delivered") {
		t.Errorf("logs do not show a 2 × retry_after-unit wait and a delivery:\n%s", logs)
	}
}

func TestNetworkErrorRetried(t *testing.T) {
	h := newScript(echo)
	hs := startBot(t, h)
	hs.f.failNext("sendMessage", failure{status: 0}, failure{status: 502, body: `<html>bad gateway</html>`})
	hs.f.push(text(60, minji, "/points"))
	h.next(t)
	for range 3 {
		hs.f.expect(t, "sendMessage")
	}
	hs.f.waitPoll(t, 61)
	hs.stop()
	if logs := hs.logs.String(); strings.Contains(logs, "reply not delivered") {
		t.Errorf("reply given up:\n%s", logs)
	}
}

func TestGivingUpIsLogged(t *testing.T) {
	h := newScript(echo)
	hs := startBot(t, h, func(c *Config) { c.MaxAttempts = 3 })
	down := failure{status: 0}
	hs.f.failNext("sendMessage", down, down, down)
	hs.f.push(text(70, minji, "/points"))
	h.next(t)
	for range 3 {
		hs.f.expect(t, "sendMessage")
	}
	hs.stop()
	logs := hs.logs.String()
	if !strings.Contains(logs, `msg="relay: reply not delivered" from=telegram:conversation`) || !strings.Contains(logs, "giving up after 3 attempts") {
		t.Errorf("give-up not logged:\n%s", logs)
	}
	if strings.Contains(logs, "1001") {
		t.Errorf("the log holds the chat id, a platform id:\n%s", logs)
	}
	hs.f.expectNone(t)
}

func TestBadRequestNotRetried(t *testing.T) {
	h := newScript(echo)
	hs := startBot(t, h)
	hs.f.failNext("sendMessage", failure{status: 400, body: `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`})
	hs.f.push(text(80, minji, "/points"))
	h.next(t)
	hs.f.expect(t, "sendMessage")
	hs.stop()
	hs.f.expectNone(t)
	if logs := hs.logs.String(); !strings.Contains(logs, "chat not found") || !strings.Contains(logs, "reply not delivered") {
		t.Errorf("refusal not logged:\n%s", logs)
	}
}

func TestPerChatOrder(t *testing.T) {
	// Minji's first message is held in the engine until Tom's has been
	// handled: Tom is not stuck behind her, and her three stay in order.
	tomDone := make(chan struct{})
	h := newScript(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		switch m.Text {
		case "one":
			select {
			case <-tomDone:
			case <-time.After(waitFor):
				return nil, errors.New("tom's message waited behind minji's")
			}
		case "tom":
			close(tomDone)
		}
		return nil, nil
	})
	hs := startBot(t, h)
	hs.f.push(text(1, minji, "one"), text(2, minji, "two"), text(3, tom, "tom"), text(4, minji, "three"))
	var order []string
	cursors := map[string]int64{}
	for range 4 {
		m := h.next(t)
		cursors[m.Text] = m.CursorValue
		if m.UserID == "1001" {
			order = append(order, m.Text)
		}
	}
	if strings.Join(order, ",") != "one,two,three" {
		t.Errorf("minji's messages reached the engine as %v", order)
	}
	// Tom's update 3 was handled while Minji's 1 was in flight: its cursor
	// must not pass 1, or a crash would lose her message.
	if cursors["tom"] != 0 {
		t.Errorf("cursor with tom's update = %d, want 0 (update 1 still in flight)", cursors["tom"])
	}
	if cursors["one"] != 1 {
		t.Errorf("cursor with update 1 = %d, want 1", cursors["one"])
	}
	hs.f.waitPoll(t, 5)
}

func TestPollingStartsAfterLastCommitted(t *testing.T) {
	h := newScript(echo)
	hs := startBot(t, h, func(c *Config) {
		c.LastUpdateID = func(context.Context) (int64, error) { return 41, nil }
	})
	hs.f.waitPoll(t, 42)
	// An update the ledger already has (41) is gone from Telegram's side;
	// the fake forgets it as Telegram would.
	hs.f.push(text(41, minji, "old"), text(42, minji, "new"))
	if m := h.next(t); m.Text != "new" {
		t.Errorf("engine got %q, want the update after the cursor", m.Text)
	}
}

func TestHandlerErrorStillReplies(t *testing.T) {
	h := newScript(func(context.Context, dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{{Text: "죄송해요, 잠시 후 다시 시도해 주세요."}}, errors.New("ledger: disk full")
	})
	hs := startBot(t, h)
	hs.f.push(text(90, minji, "/points"))
	// Tried HandleAttempts times (3 by default), then given up: the apology
	// is sent once and the failure logged.
	for range 3 {
		if m := h.next(t); m.EventID != "telegram:90" {
			t.Errorf("engine got %q, want the same update again", m.EventID)
		}
	}
	if c := hs.f.expect(t, "sendMessage"); c.Fields["text"] != "죄송해요, 잠시 후 다시 시도해 주세요." {
		t.Errorf("sent %q", c.Fields["text"])
	}
	hs.f.waitPoll(t, 91)
	h.expectNone(t)
	hs.stop()
	if logs := hs.logs.String(); !strings.Contains(logs, "disk full") || !strings.Contains(logs, "given up") {
		t.Errorf("handler error not logged:\n%s", logs)
	}
}

func TestHandlerFailureRetried(t *testing.T) {
	// The ledger fails once, then commits: the customer gets the real
	// answer, not the apology, and Telegram is only told after the commit.
	var calls atomic.Int32
	h := newScript(func(context.Context, dialog.Message) ([]dialog.Reply, error) {
		if calls.Add(1) == 1 {
			return []dialog.Reply{{Text: "죄송해요"}}, errors.New("ledger: timeout")
		}
		return []dialog.Reply{{Text: "포인트: 1,200P"}}, nil
	})
	hs := startBot(t, h)
	hs.f.push(text(95, minji, "/points"))
	h.next(t)
	h.next(t)
	if c := hs.f.expect(t, "sendMessage"); c.Fields["text"] != "포인트: 1,200P" {
		t.Errorf("sent %q, want the answer of the attempt that committed", c.Fields["text"])
	}
	hs.f.waitPoll(t, 96)
	h.expectNone(t)
}

func TestRepliesRouted(t *testing.T) {
	got := make(chan dialog.Reply, 10)
	h := newScript(func(context.Context, dialog.Message) ([]dialog.Reply, error) {
		return []dialog.Reply{
			{Text: "소중한 의견 감사합니다."},
			{To: dialog.ToStaffChannel, Text: "⚠️ 낮은 평점 ★★"},
			{To: dialog.ToUser, Channel: "telegram", UserID: "2002", Text: "Your points were updated."},
			{To: dialog.ToUser, Channel: "slack", UserID: "U1", Text: "고객이 연결했어요"},
		}, nil
	})
	hs := startBot(t, h, func(c *Config) {
		c.Router = elsewhere(got)
	})
	hs.f.push(text(95, minji, "★★"))
	h.next(t)
	if c := hs.f.expect(t, "sendMessage"); c.Fields["chat_id"] != "1001" {
		t.Errorf("first reply to %s", c.Fields["chat_id"])
	}
	if c := hs.f.expect(t, "sendMessage"); c.Fields["chat_id"] != "2002" || c.Fields["text"] != "Your points were updated." {
		t.Errorf("reply to another telegram user: %v", c.Fields)
	}
	for _, want := range []string{"⚠️ 낮은 평점 ★★", "고객이 연결했어요"} {
		select {
		case r := <-got:
			if r.Text != want {
				t.Errorf("elsewhere got %q, want %q", r.Text, want)
			}
		case <-time.After(waitFor):
			t.Fatalf("elsewhere never got %q", want)
		}
	}
}

// TestSend: what the router hands the adapter, outside any conversation.
func TestSend(t *testing.T) {
	f := newFakeAPI(t)
	b, err := New(testConfig(f, newScript(nil), &syncBuffer{}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		to      relay.Address
		reply   dialog.Reply
		wantErr bool
	}{
		{"OK", relay.Address{Channel: "telegram", User: "1001"}, dialog.Reply{To: dialog.ToUser, Channel: "telegram", UserID: "1001", Text: "포인트 500점이 적립되었어요."}, false},
		{"Conversation", relay.Address{Channel: "telegram", Conversation: "1001"}, dialog.Reply{Text: "나중에 보내는 답"}, false},
		{"ErrOtherChannel", relay.Address{Channel: "slack", User: "U1"}, dialog.Reply{To: dialog.ToUser, Channel: "slack", UserID: "U1", Text: "x"}, true},
		{"ErrBadUserID", relay.Address{Channel: "telegram", User: "minji"}, dialog.Reply{To: dialog.ToUser, Channel: "telegram", UserID: "minji", Text: "x"}, true},
		{"ErrNoStaffChannel", relay.Address{Channel: "telegram", Staff: true}, dialog.Reply{To: dialog.ToStaffChannel, Text: "x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := b.Send(context.Background(), tt.to, tt.reply)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Deliver: %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr {
				if c := f.expect(t, "sendMessage"); c.Fields["chat_id"] != "1001" || c.Fields["text"] != tt.reply.Text {
					t.Errorf("sent %v", c.Fields)
				}
			}
			f.expectNone(t)
		})
	}
}

func TestCommandsRegistered(t *testing.T) {
	f := newFakeAPI(t)
	b, err := New(testConfig(f, newScript(nil), &syncBuffer{}))
	if err != nil {
		t.Fatal(err)
	}
	runBot(t, b)
	f.expect(t, "getMe")
	for _, want := range []struct{ lang, start string }{{"ko", "시작하기 · 매장 연결"}, {"", "Start · link to the shop"}} {
		c := f.expect(t, "setMyCommands")
		if c.Fields["language_code"] != want.lang {
			t.Errorf("language_code = %q, want %q", c.Fields["language_code"], want.lang)
		}
		var cmds []struct{ Command, Description string }
		if err := json.Unmarshal([]byte(c.Fields["commands"]), &cmds); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cmds {
			names = append(names, c.Command)
		}
		if strings.Join(names, " ") != "start points stamp coupon feedback lang mydata birthday marketing help cancel forget" || cmds[0].Description != want.start {
			t.Errorf("commands %v", cmds)
		}
	}
	f.expect(t, "deleteWebhook")
}

func TestWebhook(t *testing.T) {
	h := newScript(echo)
	f := newFakeAPI(t)
	logs := &syncBuffer{}
	cfg := testConfig(f, h, logs)
	cfg.WebhookURL = "https://shop.example/telegram/hook"
	cfg.WebhookSecret = "s3cret-token"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listener = ln
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	stop := runBot(t, b)
	f.expect(t, "getMe")
	f.expect(t, "setMyCommands")
	f.expect(t, "setMyCommands")
	c := f.expect(t, "setWebhook")
	if c.Fields["url"] != cfg.WebhookURL || c.Fields["secret_token"] != "s3cret-token" ||
		c.Fields["allowed_updates"] != `["message","edited_message","channel_post","callback_query","my_chat_member"]` {
		t.Errorf("setWebhook %v", c.Fields)
	}
	url := "http://" + ln.Addr().String() + "/telegram/hook"

	post := func(secret, body string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0 // not listening
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	tests := []struct {
		name   string
		secret string
		body   string
		want   int
		engine bool
	}{
		{"ErrWrongSecret", "guess", text(500, minji, "/points"), http.StatusUnauthorized, false},
		{"ErrMissingSecret", "", text(501, minji, "/points"), http.StatusUnauthorized, false},
		{"ErrMalformed", "s3cret-token", `{"update_id":`, http.StatusBadRequest, false},
		{"OK", "s3cret-token", text(502, minji, "/points"), http.StatusOK, true},
		// Telegram resends an update it thinks was lost: answered, not
		// handled twice.
		{"OKAgain", "s3cret-token", text(502, minji, "/points"), http.StatusOK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(tt.secret, tt.body); got != tt.want {
				t.Fatalf("status %d, want %d", got, tt.want)
			}
			// 200 comes only after the engine has handled the update, and a
			// refusal before anything is queued: either way this is settled.
			if tt.engine {
				if m := h.next(t); m.EventID != "telegram:502" {
					t.Errorf("engine got %+v", m)
				}
				f.expect(t, "sendMessage")
			} else {
				h.expectNone(t)
				f.expectNone(t)
			}
		})
	}
	stop()
	if code := post("s3cret-token", text(503, minji, "/points")); code == http.StatusOK {
		t.Errorf("stopped webhook answered 200")
	}
	h.expectNone(t)
}

func TestWebhookHandlerShared(t *testing.T) {
	// Mounted on someone else's server, without Run: the same checks.
	h := newScript(echo)
	f := newFakeAPI(t)
	cfg := testConfig(f, h, &syncBuffer{})
	cfg.WebhookSecret = "abc"
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(b.WebhookHandler())
	defer srv.Close()
	for _, tt := range []struct {
		method, secret string
		want           int
	}{{http.MethodGet, "abc", 405}, {http.MethodPost, "abd", 401}, {http.MethodPost, "abc", 200}} {
		req, _ := http.NewRequest(tt.method, srv.URL, strings.NewReader(text(7, tom, "hello")))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tt.secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s with secret %q: %d, want %d", tt.method, tt.secret, resp.StatusCode, tt.want)
		}
	}
	if m := h.next(t); m.Text != "hello" {
		t.Errorf("engine got %+v", m)
	}
	f.expect(t, "sendMessage")
	h.expectNone(t)
}

func TestShutdownDrains(t *testing.T) {
	// Run's context ends while the engine is busy: Run waits for it and its
	// reply goes out before Run returns.
	entered, release := make(chan struct{}), make(chan struct{})
	h := newScript(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		close(entered)
		<-release
		return []dialog.Reply{{Text: "끝까지 처리했어요"}}, nil
	})
	hs := startBot(t, h)
	hs.f.push(text(1, minji, "/points"))
	h.next(t)
	<-entered
	stopped := make(chan struct{})
	go func() { hs.stop(); close(stopped) }()
	// Give Run the time to return if it would not wait: checked at once, a
	// Run that failed to drain would still be on its way out.
	select {
	case <-stopped:
		t.Fatal("Run returned while an update was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if c := hs.f.expect(t, "sendMessage"); c.Fields["text"] != "끝까지 처리했어요" {
		t.Errorf("sent %q", c.Fields["text"])
	}
	select {
	case <-stopped:
	case <-time.After(waitFor):
		t.Fatal("Run did not return after draining")
	}
}

func TestNewRefusesIncompleteConfig(t *testing.T) {
	ok := Config{Token: "1:x", Handler: newScript(nil), Catalog: testCatalog()}
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"ErrNoToken", func(c *Config) { c.Token = " " }},
		{"ErrNoHandler", func(c *Config) { c.Handler = nil }},
		{"ErrNoCatalog", func(c *Config) { c.Catalog = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			if _, err := New(c); err == nil {
				t.Error("New accepted it")
			}
		})
	}
	if _, err := New(ok); err != nil {
		t.Errorf("New(complete config): %v", err)
	}
}

func TestRunFailsOnBadToken(t *testing.T) {
	f := newFakeAPI(t)
	cfg := testConfig(f, newScript(nil), &syncBuffer{})
	cfg.Token = "999:WRONG"
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := b.Run(ctx); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("Run = %v, want an unauthorized error", err)
	}
}
