package relay

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
)

// queue runs jobs one key at a time in the order pushed, different keys
// side by side, at most workers at once. The workers are goroutines kept
// for the queue's life (started as the load asks for them, never more than
// workers): each takes the key waiting longest, runs its next job and, if
// the key has more, puts it back at the end of the line, so a slow
// conversation holds one worker, never the others' turns, and a busy one
// does not starve the rest. Kept workers keep their grown stacks: a
// goroutine started per burst of a conversation, as before, grew its
// stack again (the engine, bbolt and the HTTP client run deep) for every
// update of a closed loop, 6% of dangol bench's CPU. At most limit jobs
// wait or run: push waits beyond that, which is the back-pressure an
// adapter's intake feels.
type queue struct {
	workers int
	limit   int
	log     *slog.Logger
	name    string

	// work is the context every job runs with: it outlives the intake's
	// context, so what was taken is finished, until close gives up.
	work       context.Context
	cancelWork context.CancelFunc
	// stopping is closed when close begins: sends stop trying again
	// (retry.WithStop), the work itself goes on.
	stopping chan struct{}

	mu      sync.Mutex
	wake    *sync.Cond       // on mu: a lane is ready, or the queue closed
	keys    map[string]*lane // a key with jobs waiting or running
	ready   []*lane          // lanes with jobs waiting and none running, oldest first
	idle    int              // workers waiting for a lane, not yet woken
	started int              // workers alive
	n       int              // jobs waiting or running
	room    chan struct{}    // closed and replaced whenever n drops
	closed  bool
	wg      sync.WaitGroup
	free    []*lane // lanes done with, reused so a burst allocates none
}

// lane is one key's jobs, in order.
type lane struct {
	key     string
	jobs    []func(context.Context)
	running bool
}

func newQueue(workers, limit int, log *slog.Logger, name string) *queue {
	q := &queue{
		workers:  max(workers, 1),
		limit:    limit,
		log:      log,
		name:     name,
		keys:     map[string]*lane{},
		room:     make(chan struct{}),
		stopping: make(chan struct{}),
	}
	q.wake = sync.NewCond(&q.mu)
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
	l := q.keys[key]
	if l == nil {
		l = q.lane(key)
		q.keys[key] = l
	}
	l.jobs = append(l.jobs, job)
	if !l.running && len(l.jobs) == 1 {
		q.ready = append(q.ready, l)
		q.startOne()
	}
	return nil
}

// lane returns an empty lane for key, reusing one done with.
func (q *queue) lane(key string) *lane {
	if n := len(q.free); n > 0 {
		l := q.free[n-1]
		q.free[n-1] = nil
		q.free = q.free[:n-1]
		l.key = key
		return l
	}
	return &lane{key: key}
}

// startOne gets a worker to a lane just made ready: an idle one, else a new
// one while fewer than workers run; else the lane waits for the first
// worker free. It is called with mu held.
func (q *queue) startOne() {
	switch {
	case q.idle > 0:
		// Counted here, not by the worker when it wakes, so two lanes made
		// ready before it runs do not both count on the same worker.
		q.idle--
		q.wake.Signal()
	case q.started < q.workers:
		q.started++
		// Added under the lock close takes before it waits: no Add races Wait.
		q.wg.Add(1)
		go q.worker()
	}
}

// worker runs the ready lanes' jobs, one at a time, until the queue is
// closed and nothing is left to run.
func (q *queue) worker() {
	defer q.wg.Done()
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		for len(q.ready) == 0 {
			if q.closed {
				return
			}
			q.idle++
			q.wake.Wait()
		}
		l := q.ready[0]
		q.ready[0] = nil
		q.ready = q.ready[1:]
		job := l.jobs[0]
		l.jobs[0] = nil
		l.jobs = l.jobs[1:]
		l.running = true
		q.mu.Unlock()

		q.safely(l.key, job)

		q.mu.Lock()
		l.running = false
		q.n--
		close(q.room)
		q.room = make(chan struct{})
		if len(l.jobs) > 0 {
			q.ready = append(q.ready, l) // behind the others waiting: their turn first
			continue
		}
		delete(q.keys, l.key)
		if len(q.free) < q.workers {
			l.key, l.jobs = "", l.jobs[:0]
			q.free = append(q.free, l)
		}
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
// cancels their context, waits for them to return and says so. The
// workers end with it.
func (q *queue) close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		close(q.stopping)
	}
	q.closed = true
	close(q.room) // wake pushers waiting for room: they see closed
	q.room = make(chan struct{})
	q.idle = 0
	q.wake.Broadcast() // idle workers: nothing more will come
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
