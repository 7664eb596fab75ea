package telegram

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/go-telegram/bot/models"
)

// job is one update on its way through the adapter.
type job struct {
	upd     *models.Update
	handled chan struct{} // closed once the engine has committed it (or it needed no engine)
	once    sync.Once
}

// dispatcher runs updates one chat at a time, different chats in parallel.
// It also knows which updates are in flight, which the poller needs so that
// Telegram forgets an update only after the engine has committed it, and the
// engine needs so that the ledger's cursor never passes an update still
// being handled in another chat.
type dispatcher struct {
	work func(context.Context, *job)
	ctx  context.Context // handling outlives Run's context, to drain
	log  *slog.Logger

	mu      sync.Mutex
	queues  map[int64][]*job // present while a worker runs for the chat
	pending map[int64]int    // update id -> copies enqueued, not yet handled
	highest int64            // the highest update id enqueued (or the initial offset)
	closed  bool
	changed chan struct{} // closed and replaced whenever pending or highest change
	wg      sync.WaitGroup
}

func newDispatcher(ctx context.Context, log *slog.Logger, work func(context.Context, *job)) *dispatcher {
	return &dispatcher{
		work:    work,
		ctx:     ctx,
		log:     log,
		queues:  map[int64][]*job{},
		pending: map[int64]int{},
		changed: make(chan struct{}),
	}
}

// broadcast wakes every waiter; d.mu must be held.
func (d *dispatcher) broadcast() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// enqueue queues u behind the earlier updates of its chat. It returns nil
// once the dispatcher is closed.
func (d *dispatcher) enqueue(u *models.Update) *job {
	j := &job{upd: u, handled: make(chan struct{})}
	chat := chatOf(u)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.pending[u.ID]++
	d.highest = max(d.highest, u.ID)
	d.broadcast()
	q, running := d.queues[chat]
	d.queues[chat] = append(q, j)
	if !running {
		d.wg.Add(1)
		go d.run(chat)
	}
	return j
}

// run works through one chat's queue and exits when it is empty.
func (d *dispatcher) run(chat int64) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[chat]
		if len(q) == 0 {
			delete(d.queues, chat)
			d.mu.Unlock()
			return
		}
		j := q[0]
		q[0] = nil
		d.queues[chat] = q[1:]
		d.mu.Unlock()

		d.runJob(j)
	}
}

// runJob works on one job. A panic (a bug; bad input should never cause
// one) is logged with the update and costs only that update.
func (d *dispatcher) runJob(j *job) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("telegram: panic handling update", "update_id", j.upd.ID, "panic", r, "stack", string(debug.Stack()))
		}
		d.markHandled(j) // in case work returned early
	}()
	d.work(d.ctx, j)
}

// markHandled records that j no longer needs the engine: the poller may let
// Telegram forget it. It is safe to call more than once.
func (d *dispatcher) markHandled(j *job) {
	j.once.Do(func() {
		close(j.handled)
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.pending[j.upd.ID]--; d.pending[j.upd.ID] <= 0 {
			delete(d.pending, j.upd.ID)
		}
		d.broadcast()
	})
}

// lowWater returns the cursor value safe to commit with update id: id itself
// unless an earlier update is still in flight, in which case just below it.
// A crash then re-fetches that earlier update, and the engine's event ids
// make the later one a no-op the second time.
func (d *dispatcher) lowWater(id int64) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	low := id
	for p := range d.pending {
		if p < id {
			low = min(low, p-1)
		}
	}
	return low
}

// setHighest records the update id polling starts after.
func (d *dispatcher) setHighest(id int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.highest = max(d.highest, id)
	d.broadcast()
}

// waitFetched blocks until every update below offset has been enqueued and
// handled, so that a getUpdates with that offset, which tells Telegram to
// forget them, loses nothing. offset 0 waits only for the handling.
func (d *dispatcher) waitFetched(ctx context.Context, offset int64) error {
	for {
		d.mu.Lock()
		ok := len(d.pending) == 0 && (offset == 0 || d.highest >= offset-1)
		ch := d.changed
		d.mu.Unlock()
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

// close stops intake; queued updates still run.
func (d *dispatcher) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
}

// wait returns when every queued update has been worked through, or ctx is done.
func (d *dispatcher) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
