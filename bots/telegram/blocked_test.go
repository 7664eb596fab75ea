package telegram

import (
	"errors"
	"strings"
	"testing"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
)

// TestSend_Blocked: a send to someone who blocked the bot (403) fails at
// once with dialog.ErrBlocked, without a retry and without the reply's
// other parts; other chats are not affected.
func TestSend_Blocked(t *testing.T) {
	hs := startBot(t, newScript(nil))
	hs.f.Block(minji.id)
	long := strings.Repeat("가", maxText) + "나" // two messages
	err := hs.b.Send(t.Context(), relay.Address{Channel: Channel, User: "1001"}, dialog.Reply{Text: long})
	if !errors.Is(err, dialog.ErrBlocked) {
		t.Fatalf("send to a blocked chat: %v, want ErrBlocked", err)
	}
	if c := hs.f.expect(t, "sendMessage"); c.Fields["chat_id"] != "1001" {
		t.Errorf("refused call to chat %s", c.Fields["chat_id"])
	}
	if err := hs.b.Send(t.Context(), relay.Address{Channel: Channel, User: "2002"}, dialog.Reply{Text: "안녕하세요"}); err != nil {
		t.Errorf("send to another chat: %v", err)
	}
	if c := hs.f.expect(t, "sendMessage"); c.Fields["chat_id"] != "2002" {
		t.Errorf("after the refusal the bot sent to chat %s (a retry or the second part?), want 2002", c.Fields["chat_id"])
	}
	if strings.Contains(hs.logs.String(), testToken) {
		t.Error("the log holds the token")
	}
}
