package retry

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Reach remembers when an API last answered a request, with any status,
// even an error: an answer means the platform is there, which is what a
// health check asks. Its zero value is ready to use, on the real clock.
type Reach struct {
	// Now is the clock the answers are dated by; nil: time.Now.
	Now func() time.Time
	at  atomic.Int64 // unix nanos of the last answer; 0: none yet
}

// Last returns when the API last answered; the zero time if it never has.
func (r *Reach) Last() time.Time {
	n := r.at.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// Transport returns base (nil: http.DefaultTransport) noting, on r, every
// answer it gets.
func (r *Reach) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &reachTransport{base: base, r: r}
}

type reachTransport struct {
	base http.RoundTripper
	r    *Reach
}

// RoundTrip implements http.RoundTripper.
func (t *reachTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		now := time.Now
		if t.r.Now != nil {
			now = t.r.Now
		}
		t.r.at.Store(now().UnixNano())
	}
	return resp, err
}
