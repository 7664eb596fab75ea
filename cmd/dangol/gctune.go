package main

import (
	"context"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"time"
)

// The garbage collector's pace. dangol's live heap is small (16–21 MB under
// a 64-chat load with 10,000 customers: the ledger is a memory-mapped file,
// not heap), and at Go's default GOGC=100 the process collects about four
// times a second under load (the collector's workers alone are 8–18% of the
// CPU in dangol bench's profiles).
// Letting the heap grow to five times its live size while that stays well
// under gcBudget, and back towards Go's default as the live heap grows,
// spends memory the process has to spare on fewer collections, and is never
// more eager than Go's default: a large import or export collects as it
// would anyway, and a heap near the budget never makes the collector spin
// (a memory limit would). GOGC set in the environment turns it off.
const (
	gcBudget   = 96 << 20 // bytes the heap may grow to while the live heap is small
	gcMinPct   = 100      // Go's default, the most eager tuneGC ever sets
	gcMaxPct   = 400      // five times the live heap
	gcInterval = 500 * time.Millisecond
)

// gcPercent is the GOGC that lets a heap of live bytes grow to budget,
// within [lo, hi].
func gcPercent(live, budget uint64, lo, hi int) int {
	if live == 0 {
		return hi
	}
	if live >= budget {
		return lo
	}
	p := int((budget - live) * 100 / live)
	return min(max(p, lo), hi)
}

// gcTuner sets GOGC from the live heap every tick.
type gcTuner struct {
	live func() uint64 // the live heap after the last collection, in bytes
	set  func(pct int) // debug.SetGCPercent
}

// newGCTuner reads the live heap from runtime/metrics.
func newGCTuner() *gcTuner {
	sample := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	return &gcTuner{
		live: func() uint64 {
			rtmetrics.Read(sample)
			if sample[0].Value.Kind() != rtmetrics.KindUint64 {
				return 0
			}
			return sample[0].Value.Uint64()
		},
		set: func(pct int) { debug.SetGCPercent(pct) },
	}
}

// run sets GOGC at once and then at every tick until ctx ends; it leaves
// Go's default behind when it returns.
func (g *gcTuner) run(ctx context.Context, tick <-chan time.Time) {
	last := 0
	apply := func() {
		if p := gcPercent(g.live(), gcBudget, gcMinPct, gcMaxPct); p != last {
			g.set(p)
			last = p
		}
	}
	apply()
	for {
		select {
		case <-ctx.Done():
			g.set(gcMinPct)
			return
		case <-tick:
			apply()
		}
	}
}
