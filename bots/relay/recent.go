package relay

import (
	"sync"

	"github.com/dangol/dangol/bots/lru"
)

// recentSet remembers the event ids submitted most recently, each with the
// channel closed once its first copy was handled, so a platform's
// re-delivery (Slack's X-Slack-Retry-Num, a Socket Mode envelope sent
// again, a webhook update Telegram resends) is answered when the first
// copy is, without reaching the engine twice. The engine de-duplicates by
// event id in the ledger too; this spares it the work and covers the time
// the first copy is still in flight.
type recentSet struct {
	mu  sync.Mutex
	ids *lru.Cache[string, <-chan struct{}]
}

func newRecentSet(n int) *recentSet {
	return &recentSet{ids: lru.New[string, <-chan struct{}](n)}
}

// add records id with done and reports false; for an id already held it
// returns the first copy's channel and true.
func (s *recentSet) add(id string, done <-chan struct{}) (<-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if first, ok := s.ids.Get(id); ok {
		return first, true
	}
	s.ids.Put(id, done)
	return done, false
}

// forget drops id: its event was not handled (refused at intake, or the
// engine failed and committed nothing), so a re-delivery must be.
func (s *recentSet) forget(id string) {
	if id == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids.Delete(id)
}
