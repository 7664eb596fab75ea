package telegram

import (
	"encoding/json"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/dialog"
)

// FuzzUpdate feeds arbitrary update JSON through what the adapter does
// before the engine (translation) and after it (rendering the text back):
// nothing may panic, and a message for the engine always names its chat,
// sender and event.
func FuzzUpdate(f *testing.F) {
	for _, s := range []string{
		text(1, minji, "/start 123456"),
		text(2, tom, "💰 Points"),
		press(3, minji, 9, "어떠셨어요?", [][][2]string{{{"★", "rate:1"}}}, "rate:1", 1764000000),
		press(4, minji, 9, "", nil, "rate:1", 0),
		message(5, minji, "message", map[string]any{"contact": map[string]any{"phone_number": "010", "user_id": 1001}}),
		message(6, minji, "edited_message", map[string]any{"text": "x"}),
		message(10, minji, "message", map[string]any{"photo": []any{map[string]any{"file_id": "p", "width": 9, "height": 9, "file_size": 5}}}),
		message(11, minji, "message", map[string]any{"document": map[string]any{"file_id": "d", "mime_type": "image/png", "file_size": 99999999}}),
		message(12, minji, "message", map[string]any{"sticker": map[string]any{"file_id": "s"}, "caption": "x"}),
		memberUpdate(13, minji, "kicked"),
		`{"update_id":14,"my_chat_member":{"chat":{"id":-5,"type":"group"},"from":{"id":1},"new_chat_member":{"status":"left"}}}`,
		`{"update_id":7,"callback_query":{"id":"q","from":{"id":1},"message":{"date":0,"chat":{"id":0}}}}`,
		`{"update_id":8,"message":{"date":1,"chat":{"id":1,"type":"private"},"text":"/@"}}`,
		`{"update_id":9}`,
	} {
		f.Add([]byte(s))
	}
	b := renderBot(f)
	name := "dangol_bot"
	b.me.Store(&name)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var u models.Update
		if json.Unmarshal(raw, &u) != nil {
			return
		}
		_ = chatOf(&u)
		in := b.translate(&u)
		if in.kind == inEngine {
			m := in.msg
			if m.Channel != Channel || m.UserID == "" || m.ConversationID == "" || m.EventID == "" {
				t.Fatalf("engine message without its ids: %+v", m)
			}
			if m.Text == "" && m.Action == nil && m.Phone == "" && m.Media == nil && m.Reach == "" {
				t.Fatalf("engine message without content: %+v", m)
			}
			if m.Media != nil && m.Media.Kind == dialog.MediaPhoto && in.file.id == "" {
				t.Fatalf("a photo without a file to fetch: %+v", m.Media)
			}
			if m.Media != nil && m.Media.Bytes != nil {
				t.Fatalf("media with bytes before any fetch: %+v", m.Media)
			}
			b.render(dialog.Reply{Text: m.Text, Sections: []dialog.Section{{Title: m.UserName, Lines: []string{m.Text}}}}, m.Lang, true)
		}
	})
}
