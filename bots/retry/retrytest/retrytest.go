package retrytest

import (
	"bytes"
	"sync"
	"time"

	"github.com/dangol/dangol/bots/retry"
)

// Instant returns a Backoff that never waits and sends each wait it was
// asked for on waits, so a test can both run at full speed and assert the
// schedule of back-offs.
func Instant(waits chan<- time.Duration) retry.Backoff {
	return retry.Backoff{
		Jitter: func() float64 { return 0 },
		After: func(d time.Duration) <-chan time.Time {
			waits <- d
			c := make(chan time.Time, 1)
			c <- time.Time{}
			return c
		},
	}
}

// Log is a log sink safe to read while other goroutines write to it.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
