package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/lru"
)

// queues runs jobs of one conversation in arrival order, one goroutine per
// busy conversation, so a staff member's DM lines and button clicks reach
// the engine in the order they were typed while different conversations run
// side by side. No goroutine lives for an idle conversation.
type queues struct {
	work func(job)

	mu     sync.Mutex
	busy   map[string][]job
	closed bool
	wg     sync.WaitGroup
}

func newQueues(work func(job)) *queues {
	return &queues{work: work, busy: map[string][]job{}}
}

// errClosed is returned by push once close has begun.
var errClosed = errors.New("slack: shutting down")

// push queues j behind the jobs already waiting for key.
func (q *queues) push(key string, j job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return errClosed
	}
	if waiting, ok := q.busy[key]; ok {
		q.busy[key] = append(waiting, j)
		return nil
	}
	q.busy[key] = []job{j}
	// Add under the lock that close takes before Wait: no Add can race Wait.
	q.wg.Add(1)
	go q.run(key)
	return nil
}

func (q *queues) run(key string) {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		waiting := q.busy[key]
		if len(waiting) == 0 {
			delete(q.busy, key)
			q.mu.Unlock()
			return
		}
		j := waiting[0]
		waiting[0] = job{}
		q.busy[key] = waiting[1:]
		q.mu.Unlock()
		q.work(j)
	}
}

// close refuses new jobs and waits for the queued ones, or for ctx.
func (q *queues) close(ctx context.Context) error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("slack: drain in-flight events: %w", ctx.Err())
	}
}

// seenSet remembers the last n event ids accepted, so Slack's retries of an
// event (X-Slack-Retry-Num, or a Socket Mode redelivery) are acknowledged and
// dropped before they reach the engine. The engine de-duplicates by EventID
// in the ledger too; this only spares it the work.
type seenSet struct {
	mu   sync.Mutex
	ids  map[string]bool
	ring []string
	next int
}

func newSeenSet(n int) *seenSet {
	return &seenSet{ids: make(map[string]bool, n), ring: make([]string, n)}
}

// add records id and reports whether it is new. An empty id is always new.
func (s *seenSet) add(id string) bool {
	if id == "" {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[id] {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.ids[id] = true
	return true
}

// userCache keeps what users.info said about a user (language, name) for a
// while, so a conversation costs one users.info call, not one per line. It
// holds the userCacheCap users seen most recently: a shop has dozens of
// staff; the cap only bounds a misbehaving workspace.
type userCache struct {
	now func() time.Time
	ttl time.Duration

	mu sync.Mutex
	m  *lru.Cache[string, userInfo]
}

const userCacheCap = 10_000

type userInfo struct {
	lang, name string
	at         time.Time
}

func newUserCache(now func() time.Time, ttl time.Duration) *userCache {
	return &userCache{now: now, ttl: ttl, m: lru.New[string, userInfo](userCacheCap)}
}

func (c *userCache) get(id string) (userInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.m.Get(id)
	if !ok || c.now().Sub(u.at) > c.ttl {
		return userInfo{}, false
	}
	return u, true
}

func (c *userCache) put(id string, u userInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u.at = c.now()
	c.m.Put(id, u)
}
