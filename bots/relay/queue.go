package relay

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
)

// queue runs jobs one key at a time in the order pushed, different keys
// side by side, at most cap(slots) at once. A key with jobs waiting has one
// goroutine, which takes a slot for each job and gives it back after, so a
// slow conversation holds one slot, never the others' turns; an idle key
// has none. At most limit jobs wait or run: push waits beyond that, which
// is the back-pressure an adapter's intake feels.
type queue struct {
	slots chan struct{}
	limit int
	log   *slog.Logger
	name  string

	// work is the context every job runs with: it outlives the intake's
	// context, so what was taken is finished, until close gives up.
	work       context.Context
	cancelWork context.CancelFunc

	mu     sync.Mutex
	keys   map[string][]func(context.Context) // present while the key's goroutine runs
	n      int                                // jobs waiting or running
	room   chan struct{}                      // closed and replaced whenever n drops
	closed bool
	wg     sync.WaitGroup
}

func newQueue(workers, limit int, log *slog.Logger, name string) *queue {
	q := &queue{
		slots: make(chan struct{}, workers),
		limit: limit,
		log:   log,
		name:  name,
		keys:  map[string][]func(context.Context){},
		room:  make(chan struct{}),
	}
	q.work, q.cancelWork = context.WithCancel(context.Background())
	return q
}

// push queues job behind the jobs of key, waiting while limit jobs are
// queued (or until ctx ends). It returns ErrClosed once close has begun.
func (q *queue) push(ctx context.Context, key string, job func(context.Context)) error {
	q.mu.Lock()
	for !q.closed && q.n >= q.limit {
		room := q.room
		q.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return fmt.Errorf("relay: %s: queue full: %w", q.name, ctx.Err())
		}
		q.mu.Lock()
	}
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	q.n++
	waiting, running := q.keys[key]
	q.keys[key] = append(waiting, job)
	if !running {
		// Added under the lock close takes before it waits: no Add races Wait.
		q.wg.Add(1)
		go q.run(key)
	}
	return nil
}

// run works through key's jobs and ends when there are none.
func (q *queue) run(key string) {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		waiting := q.keys[key]
		if len(waiting) == 0 {
			delete(q.keys, key)
			q.mu.Unlock()
			return
		}
		job := waiting[0]
		waiting[0] = nil
		q.keys[key] = waiting[1:]
		q.mu.Unlock()

		q.slots <- struct{}{}
		q.safely(key, job)
		<-q.slots

		q.mu.Lock()
		q.n--
		close(q.room)
		q.room = make(chan struct{})
		q.mu.Unlock()
	}
}

// safely runs job; a panic (a bug) is logged and costs only that job.
func (q *queue) safely(key string, job func(context.Context)) {
	defer func() {
		if p := recover(); p != nil {
			q.log.Error("relay: panic in a conversation's job", "channel", q.name, "key_bytes", len(key), "panic", p, "stack", string(debug.Stack()))
		}
	}()
	job(q.work)
}

// depth counts the jobs waiting or running.
func (q *queue) depth() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// close refuses new jobs and waits for those taken; when ctx ends first it
// cancels their context, waits for them to return and says so.
func (q *queue) close(ctx context.Context) error {
	q.mu.Lock()
	q.closed = true
	close(q.room) // wake pushers waiting for room: they see closed
	q.room = make(chan struct{})
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	defer q.cancelWork()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	q.log.Warn("relay: work still running after the drain timeout; cancelling it", "channel", q.name, "jobs", q.depth())
	q.cancelWork()
	<-done
	return fmt.Errorf("drain in-flight events: %w", ctx.Err())
}
