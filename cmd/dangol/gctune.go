package main

import (
	"context"
	"math"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"time"
)

// The garbage collector's pace. dangol's live heap is small (16–21 MB under
// a 64-chat load with 10,000 customers: the ledger is a memory-mapped file,
// not heap), and at Go's default GOGC=100 the process collects about four
// times a second under load (the collector's workers alone are 8–18% of the
// CPU in dangol bench's profiles). tuneGC lets the heap grow to five times
// its live size (GOGC=400) under a soft memory limit of gcBudget, so a small
// heap collects far less often while the process stays in the memory it
// has always used. The limit is checked by the runtime at every
// collection, with no lag, so a burst of live data cannot make the heap
// overshoot it; and it never asks for less than Go's default headroom (the
// live heap again, plus gcOverhead), so a large import or export collects
// as it would at GOGC=100 instead of spinning against the limit. GOGC or
// GOMEMLIMIT set in the environment turns it off.
const (
	gcBudget   = 64 << 20 // Go's memory (heap, stacks, runtime) while the live heap is small
	gcOverhead = 24 << 20 // the runtime's memory beside the heap, at the least
	gcPercent  = 400      // five times the live heap, within the limit
	gcInterval = 500 * time.Millisecond
)

// gcLimit is the soft memory limit for a live heap of live bytes: budget,
// or Go's default headroom when the live heap outgrows it.
func gcLimit(live, budget, overhead uint64) uint64 {
	return max(budget, 2*live+overhead)
}

// gcTuner keeps the memory limit to the live heap.
type gcTuner struct {
	live     func() uint64     // the live heap after the last collection, in bytes
	setLimit func(limit int64) // debug.SetMemoryLimit
	setPct   func(pct int)     // debug.SetGCPercent
}

// newGCTuner reads the live heap from runtime/metrics and sets the
// runtime's own knobs.
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
		setLimit: func(limit int64) { debug.SetMemoryLimit(limit) },
		setPct:   func(pct int) { debug.SetGCPercent(pct) },
	}
}

// run sets GOGC and the limit at once, follows the live heap at every tick
// until ctx ends, and leaves Go's defaults behind when it returns.
func (g *gcTuner) run(ctx context.Context, tick <-chan time.Time) {
	var last uint64
	apply := func() {
		if l := gcLimit(g.live(), gcBudget, gcOverhead); l != last {
			g.setLimit(int64(l))
			last = l
		}
	}
	apply()
	g.setPct(gcPercent)
	for {
		select {
		case <-ctx.Done():
			g.setPct(100)
			g.setLimit(math.MaxInt64)
			return
		case <-tick:
			apply()
		}
	}
}
