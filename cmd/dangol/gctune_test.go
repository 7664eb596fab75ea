package main

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestGCPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 400},        // nothing measured yet
		{8 * mb, 400},   // small: five times the live heap
		{19 * mb, 400},  // 96/19 - 1 = 4.05
		{24 * mb, 300},  // grows to exactly the budget
		{32 * mb, 200},  //
		{48 * mb, 100},  // Go's default from here on
		{64 * mb, 100},  // never more eager than the default
		{96 * mb, 100},  // at the budget
		{500 * mb, 100}, // far over it
	} {
		if got := gcPercent(c.live, gcBudget, gcMinPct, gcMaxPct); got != c.want {
			t.Errorf("gcPercent(%d MB) = %d, want %d", c.live/mb, got, c.want)
		}
	}
}

// TestGCTunerRun follows the live heap tick by tick, sets GOGC only when it
// changes, and leaves Go's default behind when it stops.
func TestGCTunerRun(t *testing.T) {
	lives := []uint64{10 << 20, 10 << 20, 32 << 20, 200 << 20, 12 << 20}
	var set []int
	i := 0
	g := &gcTuner{
		live: func() uint64 { v := lives[min(i, len(lives)-1)]; i++; return v },
		set:  func(p int) { set = append(set, p) },
	}
	ctx, cancel := context.WithCancel(context.Background())
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() { g.run(ctx, tick); close(done) }()
	for range len(lives) - 1 {
		tick <- time.Time{}
	}
	tick <- time.Time{} // the run has read every value once this send is taken
	cancel()
	<-done
	if want := []int{400, 200, 100, 400, 100}; !slices.Equal(set, want) {
		t.Errorf("GOGC set to %v, want %v", set, want)
	}
}
