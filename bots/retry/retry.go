package retry

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Defaults of Backoff and Reporter.
const (
	DefaultBase  = time.Second
	DefaultMax   = time.Minute
	DefaultEvery = time.Minute
)

// Backoff is the wait between tries. Zero values take the defaults; tests
// replace Jitter and After so they never wait on the clock.
type Backoff struct {
	Base time.Duration // the first wait; 0: DefaultBase
	Max  time.Duration // the longest wait; 0: DefaultMax
	// Jitter returns a number in [0, 1): the part of half the wait that is
	// taken off it. nil: math/rand/v2.Float64.
	Jitter func() float64
	// After waits; nil: time.After.
	After func(time.Duration) <-chan time.Time
}

// Delay returns the wait after n failed tries in a row (n ≥ 1): Base ×
// 2^(n-1), at most Max, less up to half of it at random.
func (b Backoff) Delay(n int) time.Duration {
	base, most := b.Base, b.Max
	if base <= 0 {
		base = DefaultBase
	}
	if most <= 0 {
		most = DefaultMax
	}
	d := most
	if n < 1 {
		n = 1
	}
	if n <= 31 {
		if x := base << (n - 1); x > 0 && x < most {
			d = x
		}
	}
	jitter := b.Jitter
	if jitter == nil {
		jitter = rand.Float64
	}
	j := min(max(jitter(), 0), 1)
	return d - time.Duration(j*float64(d/2))
}

// Wait waits Delay(n), or until ctx ends, when it returns ctx's error.
func (b Backoff) Wait(ctx context.Context, n int) error {
	after := b.After
	if after == nil {
		after = time.After
	}
	select {
	case <-after(b.Delay(n)):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Reporter logs an API that cannot be reached without flooding the log: the
// first failure at once, then at most one line per Every, each with the
// error and the number of tries since the previous line. It is safe for
// concurrent use; the zero value logs to slog.Default.
type Reporter struct {
	Logger *slog.Logger     // nil: slog.Default()
	Name   string           // the platform, which starts every line: "telegram"
	Every  time.Duration    // 0: DefaultEvery
	Now    func() time.Time // nil: time.Now

	mu     sync.Mutex
	tries  int       // failures since the last line
	total  int       // failures since the API last answered
	logged time.Time // when the last line was written; zero: none since it answered
}

// Failed counts a try that did not reach the API and logs it if a line is
// due.
func (r *Reporter) Failed(ctx context.Context, err error) {
	now := r.now()
	r.mu.Lock()
	r.tries++
	r.total++
	due := r.logged.IsZero() || now.Sub(r.logged) >= r.every()
	tries := r.tries
	if due {
		r.logged, r.tries = now, 0
	}
	r.mu.Unlock()
	if due {
		r.logger().WarnContext(ctx, r.Name+": API unreachable, retrying", "err", err, "tries", tries)
	}
}

// Reached records that the API answered. After failures it logs that it
// answers again, with how many tries failed in all.
func (r *Reporter) Reached(ctx context.Context) {
	r.mu.Lock()
	total := r.total
	r.tries, r.total, r.logged = 0, 0, time.Time{}
	r.mu.Unlock()
	if total > 0 {
		r.logger().InfoContext(ctx, r.Name+": API reachable again", "failed_tries", total)
	}
}

func (r *Reporter) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Reporter) every() time.Duration {
	if r.Every > 0 {
		return r.Every
	}
	return DefaultEvery
}

func (r *Reporter) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

// Until calls try until it returns nil, or an error fatal reports true,
// which it returns, or until ctx ends, when it returns ctx's error. Every
// other error is reported to r and tried again after b's wait.
func Until(ctx context.Context, b Backoff, r *Reporter, try func(context.Context) error, fatal func(error) bool) error {
	for n := 1; ; n++ {
		err := try(ctx)
		if err == nil {
			r.Reached(ctx)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if fatal != nil && fatal(err) {
			return err
		}
		r.Failed(ctx, err)
		if werr := b.Wait(ctx, n); werr != nil {
			return werr
		}
	}
}
