package telegram

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/retry"
)

// window is the span of Telegram's global limit: GlobalRate messages in any
// one second.
const window = time.Second

// unlimited is the global rate from which the limiter keeps no global
// record at all: what "off" (math.MaxInt32) sets, and more than any bot
// sends in a second.
const unlimited = 1 << 30

// chatSlot is one chat's limit as a virtual schedule (GCRA): the chat may
// have a message at t when t >= tat - (burst-1)·interval, and each message
// pushes tat one interval past itself. It is a token bucket of burst
// tokens refilled every interval, kept as one time.
type chatSlot struct {
	tat  time.Time // the theoretical arrival time of the chat's next message
	last time.Time // the chat's latest slot: a chat's messages keep their order
}

// limiter keeps Telegram's outgoing limits: at most rate messages in any
// one-second window for the whole bot, and a burst then one per interval in
// each chat. Every message gets a slot, the earliest time both limits
// allow; the slots taken are what the next message is fitted around.
//
// The global limit is a sliding window, not a bucket: a bucket of rate
// tokens lets a full burst and a second's refill (59 at 30/s) into the
// first second after a pause; the window counts the slots themselves, so
// no [t, t+1s) ever holds more than rate of them, whatever the arrivals.
type limiter struct {
	now   func() time.Time
	after func(time.Duration) <-chan time.Time // nil: real timers

	mu sync.Mutex
	// slots are the global slots not yet a window old, ascending. A slot
	// held back by its chat may go before slots already taken for later
	// times (a message to another chat is not held behind it), so new ones
	// are inserted in order, not only appended.
	slots      []time.Time
	rate       int // messages in any window; >= unlimited: no global limit
	interval   time.Duration
	ahead      time.Duration // (burst-1)·interval: how far before tat a chat may send; MaxInt64: no chat limit
	chats      map[int64]*chatSlot
	sweepAbove int // sweep idle chats when the map grows beyond this
}

// newLimiter returns a limiter of rate messages in any second, and per
// chat chatBurst at once then one every chatInterval, on the clock now and
// waiting through after (nil: real timers).
func newLimiter(rate int, chatInterval time.Duration, chatBurst int, now func() time.Time, after func(time.Duration) <-chan time.Time) *limiter {
	ahead := time.Duration(math.MaxInt64)
	if b := int64(chatBurst - 1); b <= 0 {
		ahead = 0
	} else if b < math.MaxInt64/int64(max(chatInterval, 1)) {
		ahead = time.Duration(b) * chatInterval
	}
	return &limiter{
		now:        now,
		after:      after,
		rate:       max(rate, 1),
		interval:   chatInterval,
		ahead:      ahead,
		chats:      map[int64]*chatSlot{},
		sweepAbove: minSweep,
	}
}

// minSweep is the size of the chat map from which idle chats are swept.
const minSweep = 1024

// reserve takes a slot for one message to chat and returns it, and the
// time it was asked at: the slot is the earliest time at or after now that
// the chat's limit allows and that leaves every one-second window with at
// most rate slots.
func (l *limiter) reserve(chat int64) (at, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now = l.now()
	c := l.chat(chat, now)
	at = now
	if c.last.After(at) {
		at = c.last
	}
	if !c.tat.IsZero() && l.ahead != time.Duration(math.MaxInt64) {
		if first := c.tat.Add(-l.ahead); first.After(at) {
			at = first
		}
	}
	if l.rate < unlimited {
		l.forget(now)
		at = l.fit(at)
		i, _ := slices.BinarySearchFunc(l.slots, at, time.Time.Compare)
		// After equal times: slots stay in the order they were taken.
		for i < len(l.slots) && l.slots[i].Equal(at) {
			i++
		}
		l.slots = slices.Insert(l.slots, i, at)
	}
	next := at
	if c.tat.After(next) {
		next = c.tat
	}
	c.tat, c.last = next.Add(l.interval), at
	return at, now
}

// chat returns chat's schedule, making it; a map grown past sweepAbove is
// first rid of the chats whose schedule is back to rest (forgetting them
// changes nothing), and the next sweep waits until it has doubled, so the
// sweeps cost O(1) a message however many chats are busy.
func (l *limiter) chat(chat int64, now time.Time) *chatSlot {
	if c := l.chats[chat]; c != nil {
		return c
	}
	if len(l.chats) >= l.sweepAbove {
		for id, c := range l.chats {
			if !c.tat.After(now) {
				delete(l.chats, id)
			}
		}
		l.sweepAbove = max(minSweep, 2*len(l.chats))
	}
	c := &chatSlot{}
	l.chats[chat] = c
	return c
}

// forget drops the slots a window or more before now: a slot s >= now
// shares no window with them. Reslicing from the front keeps it O(1) a
// message; the next append past the shrunken capacity copies the live
// slots to a new array, so the old front is not held for long.
func (l *limiter) forget(now time.Time) {
	cut := now.Add(-window)
	n := 0
	for n < len(l.slots) && !l.slots[n].After(cut) {
		n++
	}
	l.slots = l.slots[n:]
}

// fit returns the earliest time at or after at where one more slot leaves
// every window with at most rate slots. A window [x, x+1s) holding at has
// x in (at-1s, at]; the fullest of them starts at a slot or at at itself.
// If one of them is full, no time before its end can do, so the search
// moves there and checks again.
func (l *limiter) fit(at time.Time) time.Time {
	for {
		if len(l.slots) < l.rate {
			return at
		}
		next := at
		for _, x := range l.starts(at) {
			if l.count(x, x.Add(window)) >= l.rate {
				if end := x.Add(window); end.After(next) {
					next = end
				}
			}
		}
		if next.Equal(at) {
			return at
		}
		at = next
	}
}

// starts returns the starts of the windows to check for a slot at at: at,
// and every slot in (at-1s, at].
func (l *limiter) starts(at time.Time) []time.Time {
	lo, _ := slices.BinarySearchFunc(l.slots, at.Add(-window), time.Time.Compare)
	for lo < len(l.slots) && !l.slots[lo].After(at.Add(-window)) {
		lo++
	}
	hi := lo
	for hi < len(l.slots) && !l.slots[hi].After(at) {
		hi++
	}
	return append(l.slots[lo:hi:hi], at)
}

// count returns how many slots are in [from, to).
func (l *limiter) count(from, to time.Time) int {
	lo, _ := slices.BinarySearchFunc(l.slots, from, time.Time.Compare)
	hi, _ := slices.BinarySearchFunc(l.slots, to, time.Time.Compare)
	return hi - lo
}

// delay reserves a slot for one message to chat and returns how long to
// wait for it.
func (l *limiter) delay(chat int64) time.Duration {
	at, now := l.reserve(chat)
	return at.Sub(now)
}

// wait blocks until a message to chat may be sent, or ctx is done. A wait
// cut short leaves its slot taken: the limiter errs on the slow side.
func (l *limiter) wait(ctx context.Context, chat int64) error {
	return (retry.Backoff{After: l.after}).Sleep(ctx, l.delay(chat))
}
