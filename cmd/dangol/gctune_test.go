package main

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

func TestGCLimit(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, want uint64
	}{
		{0, 64 * mb},       // nothing measured yet: the budget
		{16 * mb, 64 * mb}, // small: the budget caps GOGC=400's growth
		{20 * mb, 64 * mb}, // 2×20+24 = 64
		{32 * mb, 88 * mb}, // Go's default headroom from here on
		{500 * mb, 1024 * mb},
	} {
		if got := gcLimit(c.live, gcBudget, gcOverhead); got != c.want {
			t.Errorf("gcLimit(%d MB) = %d MB, want %d MB", c.live/mb, got/mb, c.want/mb)
		}
	}
}

// TestGCTunerRun follows the live heap tick by tick, sets the limit only
// when it changes, and leaves Go's defaults behind when it stops.
func TestGCTunerRun(t *testing.T) {
	const mb = 1 << 20
	lives := []uint64{10 * mb, 12 * mb, 40 * mb, 40 * mb, 8 * mb}
	var limits []int64
	var pcts []int
	i := 0
	g := &gcTuner{
		live:     func() uint64 { v := lives[min(i, len(lives)-1)]; i++; return v },
		setLimit: func(l int64) { limits = append(limits, l) },
		setPct:   func(p int) { pcts = append(pcts, p) },
	}
	ctx, cancel := context.WithCancel(context.Background())
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() { g.run(ctx, tick); close(done) }()
	for range len(lives) {
		tick <- time.Time{} // the last send is taken once every value was read
	}
	cancel()
	<-done
	if want := []int64{64 * mb, 104 * mb, 64 * mb, math.MaxInt64}; !slices.Equal(limits, want) {
		t.Errorf("limits %v, want %v", limits, want)
	}
	if want := []int{gcPercent, 100}; !slices.Equal(pcts, want) {
		t.Errorf("GOGC set to %v, want %v", pcts, want)
	}
}
