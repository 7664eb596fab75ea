package slack

import (
	"context"
	"fmt"
	"testing"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/dialog"
)

func TestObserverSendFailed(t *testing.T) {
	png := &dialog.Image{Name: "w.png", PNG: []byte("\x89PNG chart")}
	tests := []struct {
		name    string
		failing string // the method the fake fails; "" none
		reply   dialog.Reply
		want    int64
	}{
		{"Posted", "", dialog.Reply{To: dialog.ToStaffChannel, Text: "주간 요약", Image: png}, 0},
		{"PostRefused", "chat.postMessage", dialog.Reply{To: dialog.ToStaffChannel, Text: "주간 요약"}, 1},
		{"UploadRefused", "files.getUploadURLExternal", dialog.Reply{To: dialog.ToStaffChannel, Text: "주간 요약", Image: png}, 1},
		{"NotASend", "", dialog.Reply{Text: "no conversation"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c relaytest.FailCounter
			e := newEnv(t, script, func(cfg *Config) { cfg.Observer = &c })
			if tt.failing != "" {
				e.fake.Fail(tt.failing, "channel_not_found")
			}
			err := e.deliver(context.Background(), tt.reply)
			if (err != nil) != (tt.failing != "" || tt.reply.To == dialog.ToConversation) {
				t.Errorf("Deliver: %v", err)
			}
			if got := c.Count(); got != tt.want {
				t.Errorf("SendFailed called %d times, want %d", got, tt.want)
			}
		})
	}
}

// TestQueueDepth holds two events of one conversation and one of another
// in the engine's turn: three queued, none once they are done.
func TestQueueDepth(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		<-release
		return nil, nil
	})
	if got := e.bot.Queued(); got != 0 {
		t.Fatalf("Queued before any event = %d, want 0", got)
	}
	for i, conv := range []string{"C1", "C1", "C2"} {
		j := e.bot.commandJob(slack.SlashCommand{UserID: "U1", ChannelID: conv, Command: "/points", TriggerID: fmt.Sprint("T", i)})
		if _, err := e.bot.accept(context.Background(), j); err != nil {
			t.Fatal(err)
		}
	}
	e.h.next(t) // C1's first is in the engine
	e.h.next(t) // and C2's
	if got := e.bot.Queued(); got != 3 {
		t.Errorf("Queued = %d, want 3", got)
	}
	close(release)
	e.close()
	if got := e.bot.Queued(); got != 0 {
		t.Errorf("Queued after close = %d, want 0", got)
	}
}
