package telegram

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/dialog"
)

// limT0 is when the limiter tests start.
var limT0 = time.Date(2026, 5, 13, 14, 0, 0, 0, time.UTC)

// arrival is one message asking the limiter for a slot.
type arrival struct {
	at   time.Duration // since limT0
	chat int64
}

// defaultLimiter is Telegram's limits (30 a second, 3 then 1 a second per
// chat) on the clock *now.
func defaultLimiter(now *time.Time) *limiter {
	return newLimiter(30, time.Second, 3, func() time.Time { return *now }, nil)
}

func TestLimiter(t *testing.T) {
	ms := time.Millisecond
	type step struct {
		at   time.Duration // since limT0
		chat int64
		want time.Duration
	}
	// fresh is n messages at at, each to a chat of its own from base.
	fresh := func(n int, at time.Duration, base int64, want time.Duration) []step {
		var s []step
		for i := range n {
			s = append(s, step{at, base + int64(i), want})
		}
		return s
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
		// After a pause the 31st message waits a whole second, not a
		// thirtieth: a bucket would let 59 through in the first second.
		{"ColdStart", append(fresh(30, 0, 100, 0),
			step{0, 999, time.Second}, step{10 * ms, 998, 990 * ms})},
		// One every 1/30 s never waits, however long it goes on.
		{"SteadyLoad", func() []step {
			var s []step
			for i := range 90 {
				s = append(s, step{time.Duration(i) * time.Second / 30, int64(i), 0})
			}
			return s
		}()},
		// [t, t+1s) is half open: 30 at 0.5 s leave room at 1.5 s sharp.
		{"WindowBoundary", append(fresh(30, 500*ms, 100, 0),
			step{1499 * ms, 200, ms}, step{1500 * ms, 201, 0}, step{1500 * ms, 202, 0})},
		// A message its chat holds back takes a later slot without holding
		// the other chats behind it.
		{"HeldChatDoesNotBlock", append([]step{{0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, time.Second}},
			fresh(26, 0, 100, 0)...)},
		// The held message's slot at 1 s counts in the windows it is in:
		// 3 + 26 + 1 fill [0, 1s); 29 more fill [1s, 2s) beside it, and
		// the next goes at 2 s.
		{"HeldSlotCounts", append(append(append([]step{{0, 1, 0}, {0, 1, 0}, {0, 1, 0}, {0, 1, time.Second}},
			fresh(27, 0, 100, 0)...), fresh(29, 0, 200, time.Second)...), step{0, 300, 2 * time.Second})},
		{"ManyChatsSpread", append(fresh(30, 0, 100, 0),
			append(fresh(30, 0, 200, time.Second), fresh(30, 0, 300, 2*time.Second)...)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := limT0
			l := defaultLimiter(&now)
			for i, s := range tt.steps {
				now = limT0.Add(s.at)
				if got := l.delay(s.chat); got != s.want {
					t.Errorf("step %d (chat %d at %v): wait %v, want %v", i, s.chat, s.at, got, s.want)
				}
			}
		})
	}
}

// TestLimiterCampaign sends 10,000 messages to distinct chats one after
// another, each waiting its slot on a virtual clock, as a campaign does:
// the busiest second holds 30 (a bucket allowed 59), and the whole takes
// the 333 s that 30 a second gives.
func TestLimiterCampaign(t *testing.T) {
	now := limT0
	l := defaultLimiter(&now)
	var slots []time.Time
	for i := range 10_000 {
		now = now.Add(l.delay(int64(1000 + i)))
		slots = append(slots, now)
	}
	if got := telegramfake.Busiest(slots); got != 30 {
		t.Errorf("busiest second: %d sends, want 30", got)
	}
	if took := now.Sub(limT0); took != 333*time.Second {
		t.Errorf("10,000 sends took %v, want 333s", took)
	}
	if len(l.chats) > 2*minSweep || len(l.slots) > 30 {
		t.Errorf("kept %d chats and %d slots after the campaign", len(l.chats), len(l.slots))
	}
}

// TestLimiterProperty draws random arrivals (bursts, pauses, a few busy
// chats among many, limits of several sizes) and checks every slot the
// limiter hands out against an oracle that knows only the rules: the slot
// is the earliest time, not before its message arrived, at which the
// chat's burst and interval allow one more, its earlier messages are not
// later, and no [t, t+1s) would hold more than rate. Then, over the whole
// run: no second ever holds more than rate.
func TestLimiterProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 30))
	for round := range 90 {
		rate := []int{1, 3, 30}[round%3]
		burst := 1 + rng.IntN(4)
		interval := time.Duration(1+rng.IntN(1500)) * time.Millisecond
		now := limT0
		l := newLimiter(rate, interval, burst, func() time.Time { return now }, nil)
		var slots []time.Time // sorted
		byChat := map[int64][]time.Time{}
		for n := range 200 {
			switch rng.IntN(4) {
			case 0: // a pause
				now = now.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
			case 1: // a few microseconds
				now = now.Add(time.Duration(rng.IntN(1000)) * time.Microsecond)
			}
			chat := int64(rng.IntN(5))
			if rng.IntN(3) == 0 {
				chat = int64(100 + rng.IntN(1000))
			}
			want := earliestSlot(slots, byChat[chat], now, rate, burst, interval)
			if got := now.Add(l.delay(chat)); !got.Equal(want) {
				t.Fatalf("round %d (rate %d, burst %d, every %v), message %d to chat %d at %v: slot %v, want %v",
					round, rate, burst, interval, n, chat, now.Sub(limT0), got.Sub(limT0), want.Sub(limT0))
			}
			i, _ := slices.BinarySearchFunc(slots, want, time.Time.Compare)
			slots = slices.Insert(slots, i, want)
			byChat[chat] = append(byChat[chat], want)
		}
		if got := telegramfake.Busiest(slots); got > rate {
			t.Fatalf("round %d (rate %d): %d slots in one second", round, rate, got)
		}
	}
}

// earliestSlot is the oracle of TestLimiterProperty: the earliest time at
// or after now that chatAllows and windowRoom both accept. Each rule's
// forbidden times end at a time it names (a slot + 1s, a chat message + k
// intervals), so the earliest allowed one is among those, or now.
func earliestSlot(slots, chat []time.Time, now time.Time, rate, burst int, interval time.Duration) time.Time {
	cands := []time.Time{now}
	for _, s := range slots {
		if end := s.Add(time.Second); end.After(now) {
			cands = append(cands, end)
		}
	}
	for i, s := range chat {
		cands = append(cands, s, s.Add(time.Duration(len(chat)-i+1-burst)*interval))
	}
	slices.SortFunc(cands, time.Time.Compare)
	for _, c := range cands {
		if !c.Before(now) && chatAllows(chat, c, burst, interval) && windowRoom(slots, c, rate) {
			return c
		}
	}
	panic("no slot")
}

// chatAllows reports whether one more message at x keeps a chat (its
// earlier messages at chat, in order) within its limit: none of its
// earlier messages later, and every run of them, with x, at most burst
// plus the intervals the run spans (a token bucket that starts full).
func chatAllows(chat []time.Time, x time.Time, burst int, interval time.Duration) bool {
	if len(chat) > 0 && chat[len(chat)-1].After(x) {
		return false
	}
	for i, s := range chat {
		if len(chat)-i+1 > burst+int(x.Sub(s)/interval) {
			return false
		}
	}
	return true
}

// windowRoom reports whether one more slot at x leaves every window with
// at most rate slots, counting from scratch.
func windowRoom(slots []time.Time, x time.Time, rate int) bool {
	// Only slots within a second of x share a window with it.
	lo, _ := slices.BinarySearchFunc(slots, x.Add(-time.Second), time.Time.Compare)
	hi, _ := slices.BinarySearchFunc(slots, x.Add(time.Second), time.Time.Compare)
	near := slots[lo:hi]
	for _, start := range append(slices.Clone(near), x) {
		if start.After(x) || !start.After(x.Add(-time.Second)) {
			continue
		}
		from, _ := slices.BinarySearchFunc(near, start, time.Time.Compare)
		to, _ := slices.BinarySearchFunc(near, start.Add(time.Second), time.Time.Compare)
		if to-from >= rate {
			return false
		}
	}
	return true
}

// TestLimiterWaitsOnItsClock: wait asks the injected After for the slot's
// wait and returns when it fires, or with the context's error.
func TestLimiterWaitsOnItsClock(t *testing.T) {
	now := limT0
	asked := make(chan time.Duration, 1)
	fire := make(chan time.Time)
	l := newLimiter(1, time.Second, 1, func() time.Time { return now }, func(d time.Duration) <-chan time.Time {
		asked <- d
		return fire
	})
	if err := l.wait(context.Background(), 1); err != nil {
		t.Fatalf("first wait: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- l.wait(context.Background(), 2) }()
	if d := <-asked; d != time.Second {
		t.Errorf("second message waits %v, want 1s", d)
	}
	fire <- now.Add(time.Second)
	if err := <-done; err != nil {
		t.Errorf("wait after the clock fired: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- l.wait(ctx, 3) }()
	<-asked
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("wait with its context ended: %v", err)
	}
}

func TestLimiterForgetsIdleChats(t *testing.T) {
	now := limT0
	l := newLimiter(1000, time.Second, 3, func() time.Time { return now }, nil)
	l.sweepAbove = 4
	for c := range int64(4) {
		l.delay(c + 1)
	}
	now = now.Add(time.Hour)
	l.delay(99)
	if len(l.chats) != 1 || len(l.slots) != 1 {
		t.Errorf("%d chats and %d slots kept, want only the new one's", len(l.chats), len(l.slots))
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

// TestSendWaitsOnItsClock: with Config.After, every wait of a send (the
// chat's limit, a 429's retry_after) is asked of the injected clock, which
// here answers at once: no real time passes, and the waits are exactly
// Telegram's.
func TestSendWaitsOnItsClock(t *testing.T) {
	f := newFakeAPI(t)
	cfg := testConfig(f, newScript(echo), &syncBuffer{})
	waits := make(chan time.Duration, 10)
	cfg.ChatInterval, cfg.ChatBurst, cfg.GlobalRate, cfg.RetryAfterUnit = time.Second, 1, 30, time.Second
	cfg.Now = func() time.Time { return limT0 } // the clock stands still: every wait is the limit's
	cfg.After = retrytest.Instant(waits).After
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.failNext("sendMessage", failure{status: 429, body: `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 2","parameters":{"retry_after":2}}`})
	to := relay.Address{Channel: Channel, User: "7"}
	start := time.Now()
	for _, s := range []string{"하나", "둘"} {
		if err := b.Send(context.Background(), to, dialog.Reply{Text: s}); err != nil {
			t.Fatalf("send %s: %v", s, err)
		}
	}
	close(waits)
	var got []time.Duration
	for d := range waits {
		got = append(got, d)
	}
	// The 429's 2 s; the retry's slot a second after the first try's; the
	// second message's a second after that.
	if want := []time.Duration{2 * time.Second, time.Second, 2 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waited %v, want %v", got, want)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the sends took %v of real time", took)
	}
}
