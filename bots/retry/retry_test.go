package retry

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestBackoff_Delay(t *testing.T) {
	tests := []struct {
		name   string
		b      Backoff
		n      int
		want   time.Duration
		jitter float64
	}{
		{"FirstIsBase", Backoff{}, 1, time.Second, 0},
		{"Doubles", Backoff{}, 4, 8 * time.Second, 0},
		{"CappedAtMax", Backoff{}, 7, time.Minute, 0},
		{"FarPastMaxStaysCapped", Backoff{}, 500, time.Minute, 0},
		{"ZeroTriesIsFirst", Backoff{}, 0, time.Second, 0},
		{"OwnBaseAndMax", Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}, 3, 4 * time.Millisecond, 0},
		{"JitterTakesUpToHalf", Backoff{}, 2, 1500 * time.Millisecond, 0.5},
		{"JitterAboveOneIsHalf", Backoff{}, 2, time.Second, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.b.Jitter = func() float64 { return tt.jitter }
			if got := tt.b.Delay(tt.n); got != tt.want {
				t.Errorf("Delay(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
	t.Run("DefaultJitterWithinBounds", func(t *testing.T) {
		for range 100 {
			if d := (Backoff{}).Delay(3); d < 2*time.Second || d > 4*time.Second {
				t.Fatalf("Delay(3) = %v, want within [2s, 4s]", d)
			}
		}
	})
}

// clock is a settable time for the Reporter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestReporter_OncePerMinute(t *testing.T) {
	var logs bytes.Buffer
	c := &clock{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	r := &Reporter{Logger: slog.New(slog.NewTextHandler(&logs, nil)), Name: "telegram", Now: c.now}
	ctx := context.Background()
	down := errors.New("connection refused")

	lines := func() []string {
		var out []string
		for l := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	r.Failed(ctx, down) // logged at once
	for range 5 {
		c.t = c.t.Add(10 * time.Second)
		r.Failed(ctx, down) // within the minute: counted only
	}
	if got := lines(); len(got) != 1 || !strings.Contains(got[0], "telegram: API unreachable, retrying") || !strings.Contains(got[0], "tries=1") || !strings.Contains(got[0], "connection refused") {
		t.Fatalf("after 6 failures in 50s: %q, want one line with tries=1 and the error", got)
	}
	c.t = c.t.Add(10 * time.Second) // a minute after the first line
	r.Failed(ctx, down)
	if got := lines(); len(got) != 2 || !strings.Contains(got[1], "tries=6") {
		t.Fatalf("a minute on: %q, want a second line counting the 6 tries since the first", got)
	}
	r.Reached(ctx)
	if got := lines(); len(got) != 3 || !strings.Contains(got[2], "API reachable again") || !strings.Contains(got[2], "failed_tries=7") {
		t.Fatalf("on reaching: %q, want a line with all 7 failed tries", got)
	}
	r.Reached(ctx)
	r.Failed(ctx, down) // a new outage is logged at once
	if got := lines(); len(got) != 4 || !strings.Contains(got[3], "tries=1") {
		t.Fatalf("after a second Reached and a new failure: %q", got)
	}
}

func TestUntil(t *testing.T) {
	fatalErr := errors.New("unauthorized")
	down := errors.New("connection refused")
	tests := []struct {
		name      string
		results   []error // what each try returns; past the end: nil
		want      error
		wantTries int
		wantWaits []time.Duration
	}{
		{"OK", nil, nil, 1, nil},
		{"DownThenUp", []error{down, down, down}, nil, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"Fatal", []error{down, fatalErr}, fatalErr, 2, []time.Duration{time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits []time.Duration
			b := Backoff{
				Jitter: func() float64 { return 0 },
				After: func(d time.Duration) <-chan time.Time {
					waits = append(waits, d)
					c := make(chan time.Time, 1)
					c <- time.Time{}
					return c
				},
			}
			tries := 0
			r := &Reporter{Logger: slog.New(slog.DiscardHandler), Name: "x"}
			err := Until(context.Background(), b, r, func(context.Context) error {
				tries++
				if tries <= len(tt.results) {
					return tt.results[tries-1]
				}
				return nil
			}, func(err error) bool { return errors.Is(err, fatalErr) })
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Until = %v, want %v", err, tt.want)
			}
			if tries != tt.wantTries {
				t.Errorf("%d tries, want %d", tries, tt.wantTries)
			}
			if len(waits) != len(tt.wantWaits) {
				t.Fatalf("waits %v, want %v", waits, tt.wantWaits)
			}
			for i := range waits {
				if waits[i] != tt.wantWaits[i] {
					t.Errorf("waits %v, want %v", waits, tt.wantWaits)
				}
			}
		})
	}
	t.Run("CancelledWhileWaiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		b := Backoff{After: func(time.Duration) <-chan time.Time { cancel(); return nil }}
		r := &Reporter{Logger: slog.New(slog.DiscardHandler)}
		err := Until(ctx, b, r, func(context.Context) error { return down }, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Until = %v, want context.Canceled", err)
		}
	})
}
