package relaytest

import "sync"

// Serial runs each key's deliveries one after another in the background,
// in the order given, different keys side by side. A Platform whose
// platform waits for each answer before it sends a conversation's next
// event (Telegram's webhook, Slack's HTTP mode) posts through it, so that
// Say returns at once, as the suite needs, yet one user's events arrive in
// the order said. The zero Serial is ready to use.
type Serial struct {
	mu     sync.Mutex
	queues map[string]chan func()
	wg     sync.WaitGroup
	closed bool
}

// Go queues fn behind key's earlier ones and returns; after Close it does
// nothing.
func (s *Serial) Go(key string, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	q := s.queues[key]
	if q == nil {
		if s.queues == nil {
			s.queues = map[string]chan func(){}
		}
		q = make(chan func(), 256)
		s.queues[key] = q
		s.wg.Go(func() {
			for fn := range q {
				fn()
			}
		})
	}
	q <- fn
}

// Close waits until everything queued has run.
func (s *Serial) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		for _, q := range s.queues {
			close(q)
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
}
