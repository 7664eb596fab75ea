package slack

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/dangol/dangol/dialog"
)

// failCounter is an Observer that counts.
type failCounter struct{ n atomic.Int64 }

func (c *failCounter) SendFailed() { c.n.Add(1) }

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
			var c failCounter
			e := newEnv(t, script, func(cfg *Config) { cfg.Observer = &c })
			if tt.failing != "" {
				e.fake.fail(tt.failing, "channel_not_found")
			}
			err := e.bot.Deliver(context.Background(), tt.reply)
			if (err != nil) != (tt.failing != "" || tt.reply.To == dialog.ToConversation) {
				t.Errorf("Deliver: %v", err)
			}
			if got := c.n.Load(); got != tt.want {
				t.Errorf("SendFailed called %d times, want %d", got, tt.want)
			}
		})
	}
}

// TestQueueDepth holds one job of conversation A in its worker with two
// more behind it, and one of B: four queued, none once they are done.
func TestQueueDepth(t *testing.T) {
	started := make(chan struct{}, 8)
	release := make(chan struct{})
	q := newQueues(func(job) {
		started <- struct{}{}
		<-release
	})
	if got := q.depth(); got != 0 {
		t.Fatalf("depth of idle queues = %d, want 0", got)
	}
	for _, key := range []string{"A", "A", "A", "B"} {
		if err := q.push(key, job{}); err != nil {
			t.Fatal(err)
		}
	}
	<-started // A's first job is in its worker
	<-started // and B's
	if got := q.depth(); got != 4 {
		t.Errorf("depth = %d, want 4", got)
	}
	close(release)
	if err := q.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := q.depth(); got != 0 {
		t.Errorf("depth after close = %d, want 0", got)
	}
}
