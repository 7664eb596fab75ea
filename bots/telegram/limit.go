package telegram

import (
	"context"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/retry"
)

// bucket is a token bucket: it holds up to burst tokens and refills at rate
// tokens a second. A reservation may drive it negative; the debt is the wait.
type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

// reserve takes one token at now and returns how long the caller must wait
// before using it.
func (b *bucket) reserve(now time.Time) time.Duration {
	if b.last.IsZero() {
		b.tokens = b.burst
	} else if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.burst, b.tokens+el*b.rate)
	}
	if now.After(b.last) {
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// full reports whether the bucket would be full at now, i.e. forgetting it
// changes nothing.
func (b *bucket) full(now time.Time) bool {
	return b.tokens+now.Sub(b.last).Seconds()*b.rate >= b.burst
}

// limiter keeps Telegram's outgoing limits: one bucket for the whole bot and
// one per chat.
type limiter struct {
	now func() time.Time

	mu         sync.Mutex
	global     bucket
	chatRate   float64
	chatBurst  float64
	chats      map[int64]*bucket
	sweepAbove int // sweep idle chat buckets when the map grows beyond this
}

func newLimiter(globalRate float64, globalBurst int, chatInterval time.Duration, chatBurst int, now func() time.Time) *limiter {
	return &limiter{
		now:        now,
		global:     bucket{rate: globalRate, burst: float64(globalBurst)},
		chatRate:   float64(time.Second) / float64(chatInterval),
		chatBurst:  float64(chatBurst),
		chats:      map[int64]*bucket{},
		sweepAbove: 1024,
	}
}

// delay reserves a slot for one message to chat and returns how long to
// wait for it: the later of the chat's bucket and the whole bot's.
func (l *limiter) delay(chat int64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	d := l.global.reserve(now)
	b := l.chats[chat]
	if b == nil {
		if len(l.chats) >= l.sweepAbove {
			for id, cb := range l.chats {
				if cb.full(now) {
					delete(l.chats, id)
				}
			}
		}
		b = &bucket{rate: l.chatRate, burst: l.chatBurst}
		l.chats[chat] = b
	}
	return max(d, b.reserve(now))
}

// wait blocks until a message to chat may be sent, or ctx is done.
func (l *limiter) wait(ctx context.Context, chat int64) error {
	return (retry.Backoff{}).Sleep(ctx, l.delay(chat))
}
