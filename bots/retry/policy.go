package retry

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultAttempts is how often Policy.Do tries one call unless told.
const DefaultAttempts = 5

// Policy is how one call to a platform's API is tried again: after a 429
// as long as the platform asks (its Retry-After), after any other failure
// with Backoff, never after a refusal that no retry changes, and at most
// Attempts times in all. Its zero value tries five times, waiting the
// default back-off between tries; adapters set RetryAfter and Permanent
// from their library's errors.
type Policy struct {
	Attempts int     // tries in all; 0: DefaultAttempts
	Backoff  Backoff // the wait after a failure that names none
	// RetryAfter reports how long the platform asked to wait before the
	// next try (a 429's Retry-After), and whether it asked at all.
	RetryAfter func(error) (time.Duration, bool)
	// Permanent reports an error no retry changes (a bad request, a
	// revoked token); nil: every error is worth another try.
	Permanent func(error) bool
	// Before, when set, runs before each try: a rate limiter's wait. Its
	// error ends the call.
	Before func(ctx context.Context) error
	// Sleep waits d or until ctx ends; nil: Backoff.Sleep. Tests replace
	// it so they never wait on the clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Retrying, when set, hears of each failed try that will be tried
	// again, with the wait before the next one (for the log).
	Retrying func(attempt int, wait time.Duration, err error)
}

// Do calls try until it returns nil, a permanent error (returned as it
// is), or Attempts tries have failed, when it returns the last error
// saying how many tries it made. A context that ends stops it at once with
// the try's error, or, while it waits, with the context's.
func (p Policy) Do(ctx context.Context, try func(context.Context) error) error {
	attempts := p.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	stop, _ := ctx.Value(stopKey{}).(<-chan struct{})
	for n := 1; ; n++ {
		if p.Before != nil {
			if err := p.Before(ctx); err != nil {
				return err
			}
		}
		err := try(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || (p.Permanent != nil && p.Permanent(err)) {
			return err
		}
		if n >= attempts {
			return fmt.Errorf("giving up after %d attempts: %w", n, err)
		}
		if stopped(stop) {
			return fmt.Errorf("%w (%w)", err, ErrStopping)
		}
		wait, asked := time.Duration(0), false
		if p.RetryAfter != nil {
			wait, asked = p.RetryAfter(err)
		}
		if !asked {
			wait = p.Backoff.Delay(n)
		}
		if p.Retrying != nil {
			p.Retrying(n, wait, err)
		}
		sleep := p.Sleep
		if sleep == nil {
			sleep = p.Backoff.Sleep
		}
		if serr := sleepUnlessStopped(ctx, stop, wait, sleep); serr != nil {
			return fmt.Errorf("%w (gave up waiting %v: %w)", err, wait, serr)
		}
	}
}

// ErrStopping is wrapped in the error of a Policy.Do that gave up trying
// again because the context's stop (WithStop) had come.
var ErrStopping = errors.New("not tried again: stopping")

type stopKey struct{}

// WithStop returns ctx carrying stop: once stop is closed, Policy.Do makes
// no further try after a failure, and a wait between tries ends at once,
// with ErrStopping. A runtime that is shutting down closes it, so that a
// platform it cannot reach does not hold the shutdown for the whole
// back-off of every reply in flight: a reply of an effect waits in the
// outbox for the next start. ctx itself is not ended by stop, so a try
// under way finishes.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

func stopped(stop <-chan struct{}) bool {
	if stop == nil {
		return false
	}
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// sleepUnlessStopped is sleep(ctx, d) cut short when stop comes first.
func sleepUnlessStopped(ctx context.Context, stop <-chan struct{}, d time.Duration, sleep func(context.Context, time.Duration) error) error {
	if stop == nil {
		return sleep(ctx, d)
	}
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-stop:
			cancel(ErrStopping)
		case <-sctx.Done():
		}
	}()
	if err := sleep(sctx, d); err != nil {
		if cause := context.Cause(sctx); errors.Is(cause, ErrStopping) {
			return cause
		}
		return err
	}
	return nil
}

// Sleep waits d, through After when it is set, or until ctx ends, when it
// returns ctx's error. A d of zero or less returns at once.
func (b Backoff) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if b.After != nil {
		select {
		case <-b.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
