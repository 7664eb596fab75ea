package dialog

import (
	"context"
	"testing"
)

// TestWatchDuplicate handles one event twice: only the re-delivery is
// reported as a duplicate, and a context without the watch changes nothing.
func TestWatchDuplicate(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	m := staffMsg("/help")
	m.Lang, m.EventID = "ko", "ev-dup-1"
	for i, want := range []bool{false, true} {
		ctx, dup := WatchDuplicate(context.Background())
		rs, err := h.eng.Handle(ctx, m)
		if err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
		if got := dup(); got != want {
			t.Errorf("delivery %d: duplicate = %v, want %v (replies %q)", i+1, got, want, allText(rs))
		}
	}
	if rs, err := h.eng.Handle(context.Background(), m); err != nil || len(rs) != 0 {
		t.Errorf("unwatched re-delivery: %q, %v; want nothing", allText(rs), err)
	}
}
