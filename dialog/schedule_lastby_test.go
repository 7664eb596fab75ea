package dialog

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// TestLastBy holds lastBy to stepping Next one occurrence at a time, for
// the checks' specs and a few others, over random starts and bounds from a
// moment to years away, in Seoul (no DST) and New York (DST).
func TestLastBy(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 14))
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec   string
		within time.Duration // the farthest bound: stepping a minute's check over years is too slow an oracle
	}{
		{"* * * * *", 24 * time.Hour}, {"*/10 * * * *", 10 * 24 * time.Hour}, {"15,45 8-20 * * 1-5", 60 * 24 * time.Hour},
		{"0 9 * * 1", 2 * 365 * 24 * time.Hour}, {"30 2 * * *", 365 * 24 * time.Hour}, {"0 0 29 2 *", 8 * 365 * 24 * time.Hour},
	} {
		spec := c.spec
		sched, err := cron.ParseStandard(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, loc := range []*time.Location{seoul, ny} {
			for range 12 {
				start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
				at := sched.Next(start)
				bound := at.Add(time.Duration(rng.Int64N(int64(c.within))))
				if rng.IntN(4) == 0 {
					bound = at.Add(time.Duration(rng.Int64N(int64(time.Hour)))) // often the same occurrence
				}
				want := at
				for {
					after := sched.Next(want)
					if after.IsZero() || after.After(bound) {
						break
					}
					want = after
				}
				if got := lastBy(sched, at, bound); !got.Equal(want) {
					t.Fatalf("%q in %s from %s to %s: lastBy %s, stepping %s", spec, loc, at, bound, got, want)
				}
			}
		}
	}
}
