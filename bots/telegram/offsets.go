package telegram

import (
	"context"
	"sync"
	"time"
)

// offsets is Telegram's half of the cursor: which update ids are taken and
// not yet handled. The poller needs it so that Telegram forgets an update
// (a getUpdates with a higher offset) only after the engine has committed
// it, and the engine needs it so that the ledger's cursor never passes an
// update still being handled in another chat. The ordering itself is the
// relay's.
type offsets struct {
	mu      sync.Mutex
	pending map[int64]int // update id -> copies taken, not yet handled
	highest int64         // the highest update id taken (or the initial offset)
	changed chan struct{} // closed and replaced whenever pending or highest change
}

func newOffsets() *offsets {
	return &offsets{pending: map[int64]int{}, changed: make(chan struct{})}
}

// broadcast wakes every waiter; o.mu must be held.
func (o *offsets) broadcast() {
	close(o.changed)
	o.changed = make(chan struct{})
}

// take records that update id was taken.
func (o *offsets) take(id int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending[id]++
	o.highest = max(o.highest, id)
	o.broadcast()
}

// done records that one copy of update id no longer needs the engine.
func (o *offsets) done(id int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.pending[id]--; o.pending[id] <= 0 {
		delete(o.pending, id)
	}
	o.broadcast()
}

// lowWater returns the cursor value safe to commit with update id: id itself
// unless an earlier update is still in flight, in which case just below it.
// A crash then re-fetches that earlier update, and the engine's event ids
// make the later one a no-op the second time.
func (o *offsets) lowWater(id int64) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	low := id
	for p := range o.pending {
		if p < id {
			low = min(low, p-1)
		}
	}
	return low
}

// setHighest records the update id polling starts after.
func (o *offsets) setHighest(id int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.highest = max(o.highest, id)
	o.broadcast()
}

// fresh reports whether update id was not taken yet: the poller asks from
// the earliest update in flight, so Telegram sends those again with the new
// ones, and the initial offset is the last committed.
func (o *offsets) fresh(id int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return id > o.highest
}

// highestTaken returns the highest update id taken.
func (o *offsets) highestTaken() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.highest
}

// lowestPending returns the earliest update id in flight; 0 if none.
func (o *offsets) lowestPending() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	low := int64(0)
	for id := range o.pending {
		if low == 0 || id < low {
			low = id
		}
	}
	return low
}

// waitTaken blocks until every update below offset has been taken (the
// library's offset follows what it received, which its handler may not have
// taken yet), or ctx ends. offset 0 does not wait.
func (o *offsets) waitTaken(ctx context.Context, offset int64) error {
	for {
		o.mu.Lock()
		ok := offset == 0 || o.highest >= offset-1
		ch := o.changed
		o.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// changes returns a channel closed at the next take or done.
func (o *offsets) changes() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.changed
}

// waitChange waits until an update is taken or handled, at most d, or until
// ctx ends.
func (o *offsets) waitChange(ctx context.Context, d time.Duration) error {
	return waitOn(ctx, o.changes(), d)
}

// waitOn waits until ch is closed, at most d, or until ctx ends.
func waitOn(ctx context.Context, ch <-chan struct{}, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-ch:
	case <-t.C:
	}
	return nil
}
