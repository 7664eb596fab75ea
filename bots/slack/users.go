package slack

import (
	"sync"
	"time"

	"github.com/dangol/dangol/bots/lru"
)

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
