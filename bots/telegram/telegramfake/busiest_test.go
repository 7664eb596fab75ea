package telegramfake

import (
	"testing"
	"time"
)

// TestBusiest: the window is half-open, [t, t+1s), and slides over every
// send, not over whole seconds of the clock.
func TestBusiest(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	at := func(ms ...int) []time.Time {
		ts := make([]time.Time, len(ms))
		for i, m := range ms {
			ts[i] = t0.Add(time.Duration(m) * time.Millisecond)
		}
		return ts
	}
	for _, tt := range []struct {
		name string
		at   []time.Time
		want int
	}{
		{"None", nil, 0},
		{"One", at(0), 1},
		{"ASecondApart", at(0, 1000, 2000), 1},
		{"JustInside", at(0, 999), 2},
		{"AcrossTheClocksSecond", at(900, 1100, 1500, 2050), 3},
	} {
		if got := Busiest(tt.at); got != tt.want {
			t.Errorf("%s: Busiest = %d, want %d", tt.name, got, tt.want)
		}
	}
}
