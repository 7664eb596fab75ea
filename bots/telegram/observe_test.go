package telegram

import (
	"context"
	"testing"

	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/dialog"
)

func TestObserverSendFailed(t *testing.T) {
	tests := []struct {
		name string
		fail []failure
		want int64
	}{
		{"Delivered", nil, 0},
		{"Refused", []failure{{status: 400, body: `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`}}, 1},
		{"GivenUp", []failure{{status: 0}, {status: 0}, {status: 0}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c relaytest.FailCounter
			h := newScript(echo)
			hs := startBot(t, h, func(cfg *Config) { cfg.Observer = &c; cfg.MaxAttempts = 3 })
			if len(tt.fail) > 0 {
				hs.f.failNext("sendMessage", tt.fail...)
			}
			hs.f.push(text(90, minji, "/points"))
			h.next(t)
			for range max(len(tt.fail), 1) {
				hs.f.expect(t, "sendMessage")
			}
			hs.stop()
			if got := c.Count(); got != tt.want {
				t.Errorf("SendFailed called %d times, want %d", got, tt.want)
			}
		})
	}
}

// TestQueued holds two chats' updates in the engine: both count as queued
// until they are handled.
func TestQueued(t *testing.T) {
	release := make(chan struct{})
	h := newScript(func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		<-release
		return nil, nil
	})
	hs := startBot(t, h)
	if got := hs.b.Queued(); got != 0 {
		t.Fatalf("Queued before any update = %d, want 0", got)
	}
	hs.f.push(text(91, minji, "하나"), text(92, tom, "two"))
	h.next(t)
	h.next(t)
	if got := hs.b.Queued(); got != 2 {
		t.Errorf("Queued with two updates in the engine = %d, want 2", got)
	}
	close(release)
	hs.stop()
	if got := hs.b.Queued(); got != 0 {
		t.Errorf("Queued after drain = %d, want 0", got)
	}
}
