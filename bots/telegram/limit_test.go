package telegram

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 5, 13, 14, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	type step struct {
		at   time.Duration // since t0
		chat int64
		want time.Duration
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"ChatBurstThenOnePerSecond", []step{
			{0, 1, 0}, {0, 1, 0}, {0, 1, 0}, // the burst of 3
			{0, 1, time.Second}, {0, 1, 2 * time.Second},
			{0, 2, 0}, // another chat is not held back
		}},
		{"ChatRefills", []step{
			{0, 1, 0}, {0, 1, 0}, {0, 1, 0},
			{1500 * ms, 1, 0}, {1500 * ms, 1, 500 * ms},
		}},
		{"GlobalThirtyPerSecond", func() []step {
			var s []step
			for i := range 30 {
				s = append(s, step{0, int64(100 + i), 0})
			}
			// The 31st message, to a fresh chat, waits for the global bucket.
			return append(s, step{0, 999, time.Second / 30}, step{0, 0, 2 * time.Second / 30})
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			l := newLimiter(30, 30, time.Second, 3, func() time.Time { return now })
			for i, s := range tt.steps {
				now = t0.Add(s.at)
				if got := l.delay(s.chat); got.Round(time.Microsecond) != s.want.Round(time.Microsecond) {
					t.Errorf("step %d (chat %d at %v): wait %v, want %v", i, s.chat, s.at, got, s.want)
				}
			}
		})
	}
}

func TestLimiterForgetsIdleChats(t *testing.T) {
	now := time.Date(2026, 5, 13, 14, 0, 0, 0, time.UTC)
	l := newLimiter(1000, 1000, time.Second, 3, func() time.Time { return now })
	l.sweepAbove = 4
	for c := range int64(4) {
		l.delay(c + 1)
	}
	now = now.Add(time.Hour)
	l.delay(99)
	if len(l.chats) != 1 {
		t.Errorf("%d chat buckets kept, want only the new one", len(l.chats))
	}
}

func TestDispatcherCursorAndGate(t *testing.T) {
	release := map[int64]chan struct{}{1: make(chan struct{}), 2: make(chan struct{}), 3: make(chan struct{})}
	started := make(chan int64, 3)
	d := newDispatcher(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), func(_ context.Context, j *job) {
		started <- j.upd.ID
		<-release[j.upd.ID]
	})
	upd := func(id, chat int64) *models.Update {
		return &models.Update{ID: id, Message: &models.Message{Chat: models.Chat{ID: chat}}}
	}
	d.setHighest(0)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	j1 := d.enqueue(upd(1, 10))
	d.enqueue(upd(2, 20))
	j3 := d.enqueue(upd(3, 10)) // behind 1 in chat 10
	for range 2 {
		select {
		case <-started:
		case <-time.After(waitFor):
			t.Fatal("chats 10 and 20 did not start in parallel")
		}
	}
	tests := []struct {
		name string
		id   int64
		want int64
	}{
		{"EarliestInFlight", 1, 1},
		{"BehindAnEarlierOne", 2, 0},
		{"BehindTwo", 3, 0},
	}
	for _, tt := range tests {
		if got := d.lowWater(tt.id); got != tt.want {
			t.Errorf("%s: lowWater(%d) = %d, want %d", tt.name, tt.id, got, tt.want)
		}
	}
	if err := d.waitFetched(cancelled, 4); err == nil {
		t.Error("getUpdates offset 4 let through while 1-3 are in flight")
	}
	close(release[1])
	d.markHandled(j1)
	if got := d.lowWater(2); got != 2 {
		t.Errorf("after 1 is handled, lowWater(2) = %d, want 2", got)
	}
	close(release[2])
	close(release[3])
	select {
	case <-j3.handled:
	case <-time.After(waitFor):
		t.Fatal("update 3 never handled")
	}
	if err := d.waitFetched(context.Background(), 4); err != nil {
		t.Errorf("waitFetched(4) after all handled: %v", err)
	}
	if err := d.waitFetched(cancelled, 5); err == nil {
		t.Error("getUpdates offset 5 let through before update 4 was even fetched")
	}
	d.close()
	if d.enqueue(upd(4, 10)) != nil {
		t.Error("closed dispatcher took an update")
	}
	if err := d.wait(context.Background()); err != nil {
		t.Error(err)
	}
}
