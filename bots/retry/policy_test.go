package retry

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	errLimited = errors.New("429 too many requests")
	errRefused = errors.New("400 bad request")
	errDown    = errors.New("connection refused")
)

func TestPolicy_Do(t *testing.T) {
	tests := []struct {
		name      string
		answers   []error // what each try returns, in order; past the end: nil
		attempts  int
		wantTries int
		wantWaits []time.Duration
		wantErr   error  // errors.Is the returned error
		wantMsg   string // in the error's text
	}{
		{"OK", nil, 0, 1, nil, nil, ""},
		{"RetryAfterHonoured", []error{errLimited, errLimited}, 0, 3, []time.Duration{7 * time.Second, 7 * time.Second}, nil, ""},
		{"BackoffDoubles", []error{errDown, errDown, errDown}, 0, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, nil, ""},
		{"ErrPermanentNotRetried", []error{errRefused}, 0, 1, nil, errRefused, ""},
		{"ErrGivesUp", []error{errDown, errDown, errDown}, 3, 3, []time.Duration{time.Second, 2 * time.Second}, errDown, "giving up after 3 attempts"},
		{"DefaultAttempts", slices.Repeat([]error{errLimited}, 9), 0, DefaultAttempts, slices.Repeat([]time.Duration{7 * time.Second}, DefaultAttempts-1), errLimited, "after 5 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits []time.Duration
			tries := 0
			p := Policy{
				Attempts: tt.attempts,
				Backoff:  Backoff{Jitter: func() float64 { return 0 }},
				RetryAfter: func(err error) (time.Duration, bool) {
					return 7 * time.Second, errors.Is(err, errLimited)
				},
				Permanent: func(err error) bool { return errors.Is(err, errRefused) },
				Sleep: func(_ context.Context, d time.Duration) error {
					waits = append(waits, d)
					return nil
				},
			}
			err := p.Do(context.Background(), func(context.Context) error {
				tries++
				if tries <= len(tt.answers) {
					return tt.answers[tries-1]
				}
				return nil
			})
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Do: %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
			if tries != tt.wantTries || !slices.Equal(waits, tt.wantWaits) {
				t.Errorf("%d tries, waits %v; want %d, %v", tries, waits, tt.wantTries, tt.wantWaits)
			}
		})
	}
}

// TestPolicy_Before: the limiter's wait runs before every try, and its
// error ends the call without a try.
func TestPolicy_Before(t *testing.T) {
	befores, tries := 0, 0
	p := Policy{
		Before: func(context.Context) error {
			befores++
			if befores == 3 {
				return context.DeadlineExceeded
			}
			return nil
		},
		Sleep: func(context.Context, time.Duration) error { return nil },
	}
	err := p.Do(context.Background(), func(context.Context) error { tries++; return errDown })
	if !errors.Is(err, context.DeadlineExceeded) || befores != 3 || tries != 2 {
		t.Fatalf("Do: %v after %d waits and %d tries; want the limiter's error after 3 and 2", err, befores, tries)
	}
}

// TestPolicy_ContextEnds: a context that ends while waiting stops the call
// with the try's error and the context's.
func TestPolicy_ContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := Policy{Sleep: func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }}
	err := p.Do(ctx, func(context.Context) error { return errDown })
	if !errors.Is(err, errDown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Do: %v, want both the try's error and the context's", err)
	}
}

func TestBackoff_Sleep(t *testing.T) {
	waited := make(chan time.Duration, 1)
	b := Backoff{After: func(d time.Duration) <-chan time.Time {
		waited <- d
		c := make(chan time.Time, 1)
		c <- time.Time{}
		return c
	}}
	if err := b.Sleep(context.Background(), 3*time.Second); err != nil || <-waited != 3*time.Second {
		t.Fatalf("Sleep through After: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Backoff{}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep with a context ended: %v", err)
	}
	if err := (Backoff{}).Sleep(context.Background(), 0); err != nil {
		t.Fatalf("Sleep(0): %v", err)
	}
}

// TestPolicy_Stop: once the context's stop has come, a failed try is not
// tried again, and a wait under way ends at once; the try under way is
// never cut (its context lives on).
func TestPolicy_Stop(t *testing.T) {
	instant := func(context.Context, time.Duration) error { return nil }
	tests := []struct {
		name      string
		policy    func(t *testing.T, stop chan struct{}) Policy
		stopped   bool // stop closed before Do
		fails     int  // tries that fail before one succeeds
		wantTries int
		wantStop  bool // the error wraps ErrStopping (else: nil)
	}{
		{"StoppedBefore", func(t *testing.T, _ chan struct{}) Policy {
			return Policy{Sleep: func(context.Context, time.Duration) error { t.Error("waited after the stop"); return nil }}
		}, true, 9, 1, true},
		{"StopDuringWait", func(_ *testing.T, stop chan struct{}) Policy {
			return Policy{Backoff: Backoff{Base: time.Hour, Jitter: func() float64 { return 0 }, After: func(time.Duration) <-chan time.Time {
				close(stop) // the shutdown comes while the policy waits an hour
				return nil  // never fires
			}}}
		}, false, 9, 1, true},
		{"NoStop", func(*testing.T, chan struct{}) Policy { return Policy{Attempts: 3, Sleep: instant} }, false, 2, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stop := make(chan struct{})
			if tt.stopped {
				close(stop)
			}
			tries := 0
			err := tt.policy(t, stop).Do(WithStop(context.Background(), stop), func(ctx context.Context) error {
				tries++
				if ctx.Err() != nil {
					t.Error("the try's context ended with the stop")
				}
				if tries <= tt.fails {
					return errDown
				}
				return nil
			})
			stopping := errors.Is(err, errDown) && errors.Is(err, ErrStopping)
			if tries != tt.wantTries || stopping != tt.wantStop || (!tt.wantStop && err != nil) {
				t.Errorf("%d tries, %v; want %d, stopping %v", tries, err, tt.wantTries, tt.wantStop)
			}
		})
	}
}
