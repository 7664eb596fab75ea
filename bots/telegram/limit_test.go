package telegram

import (
	"context"
	"testing"
	"time"
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

// TestOffsets: the cursor never passes an update in flight, the poller
// asks from the earliest one in flight and skips what it has taken, and a
// getUpdates waits only for what the library received to be taken.
func TestOffsets(t *testing.T) {
	o := newOffsets()
	o.setHighest(0)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.waitTaken(cancelled, 1); err != nil {
		t.Errorf("waitTaken(1) with nothing received: %v", err)
	}
	if err := o.waitTaken(cancelled, 2); err == nil {
		t.Error("getUpdates offset 2 let through before update 1 was taken")
	}
	for _, id := range []int64{1, 2, 3} {
		if !o.fresh(id) {
			t.Errorf("update %d not fresh before it was taken", id)
		}
		o.take(id)
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
		if got := o.lowWater(tt.id); got != tt.want {
			t.Errorf("%s: lowWater(%d) = %d, want %d", tt.name, tt.id, got, tt.want)
		}
	}
	if o.fresh(2) || !o.fresh(4) || o.lowestPending() != 1 || o.highestTaken() != 3 {
		t.Errorf("fresh(2) %v, fresh(4) %v, lowest pending %d, highest %d; want false, true, 1, 3",
			o.fresh(2), o.fresh(4), o.lowestPending(), o.highestTaken())
	}
	if err := o.waitTaken(cancelled, 4); err != nil {
		t.Errorf("waitTaken(4) with 1-3 taken: %v", err)
	}
	o.done(1)
	if got := o.lowWater(2); got != 2 {
		t.Errorf("after 1 is handled, lowWater(2) = %d, want 2", got)
	}
	if o.lowestPending() != 2 {
		t.Errorf("lowest pending %d after 1 is handled, want 2", o.lowestPending())
	}
	if err := o.waitChange(context.Background(), time.Microsecond); err != nil {
		t.Errorf("waitChange with nothing changing: %v, want nil after its pause", err)
	}
	o.done(2)
	// Two copies of one update (a re-delivery): in flight until both are done.
	o.done(3)
	o.take(4)
	o.take(4)
	o.done(4)
	if o.lowestPending() != 4 {
		t.Errorf("lowest pending %d with a copy of 4 in flight, want 4", o.lowestPending())
	}
	o.done(4)
	if o.lowestPending() != 0 {
		t.Errorf("lowest pending %d with nothing in flight, want 0", o.lowestPending())
	}
	if err := o.waitChange(cancelled, time.Hour); err == nil {
		t.Error("waitChange with its context ended: no error")
	}
}
