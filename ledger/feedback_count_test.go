package ledger

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestFeedbackCountExact: FeedbackCount is what FeedbackOf returns with
// no limit, for every customer, whatever the merges (inside one
// transaction and between commits), after a write rolled back with its
// merge, an erasure on request and by retention (both keep the feedback,
// anonymous, so the count stays), an unlinked sender's erasure, and in a
// file from before the counts, whose counts Open builds once (dropping
// any stale one).
func TestFeedbackCountExact(t *testing.T) {
	for _, mergeAt := range []int{1, 2, 3, 7, 4096} {
		t.Run(fmt.Sprint("mergeAt=", mergeAt), func(t *testing.T) {
			defer func(v int) { indexMergeAt = v }(indexMergeAt)
			indexMergeAt = mergeAt
			sh := mustRetentionShop(t)
			s := sh.s
			all := []string{sh.oldVisit, sh.oldSignup, sh.recent, sh.back, sh.fresh, sh.erased}
			live := []string{sh.oldVisit, sh.oldSignup, sh.recent, sh.back, sh.fresh}
			want := map[string]int{}
			rng := rand.New(rand.NewPCG(7, uint64(mergeAt)))
			at := time.Date(2025, 3, 1, 10, 0, 0, 0, seoul)
			n := 0
			add := func(tx *Tx, count int, got map[string]int) error {
				for range count {
					n++
					f := Feedback{Rating: 4, NPS: NoNPS, At: at.Add(time.Duration(n*10-rng.IntN(30)) * time.Minute)}
					if rng.IntN(5) == 0 {
						f.SenderID = "telegram:9" // nobody's: in no customer's count
					} else {
						f.CustomerID = live[rng.IntN(len(live))]
					}
					if err := tx.AddFeedback(&f); err != nil {
						return err
					}
					if f.CustomerID != "" {
						got[f.CustomerID]++
					}
				}
				return nil
			}
			commit := func(count int) {
				t.Helper()
				var got map[string]int
				mustUpdate(t, s, func(tx *Tx) error {
					got = map[string]int{} // Update may run this more than once
					return add(tx, count, got)
				})
				for id, k := range got {
					want[id] += k
				}
			}
			check := func(when string) {
				t.Helper()
				mustView(t, s, func(tx *Tx) error {
					for _, id := range all {
						got, err := tx.FeedbackCount(id)
						if err != nil {
							return err
						}
						fs, err := tx.FeedbackOf(id, 0)
						if err != nil {
							return err
						}
						if got != len(fs) || got != want[id] {
							t.Errorf("%s: FeedbackCount(%s) = %d; FeedbackOf has %d, want %d", when, id, got, len(fs), want[id])
						}
					}
					return nil
				})
			}
			commit(20)
			check("after one transaction of 20")
			for range 15 {
				commit(1)
			}
			check("after 15 commits")
			boom := errors.New("boom")
			if err := s.Update(t.Context(), func(tx *Tx) error {
				if err := add(tx, 10, map[string]int{}); err != nil {
					return err
				}
				return boom
			}); !errors.Is(err, boom) {
				t.Fatalf("Update = %v, want boom", err)
			}
			check("after a write rolled back")

			mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(sh.recent, sh.now) })
			live = slices.DeleteFunc(live, func(id string) bool { return id == sh.recent })
			check("after an erasure")
			if k, err := s.EraseExpired(context.Background(), twoYears, seoul, sh.now); err != nil || k != 2 {
				t.Fatalf("EraseExpired = %d, %v; want 2", k, err)
			}
			live = slices.DeleteFunc(live, func(id string) bool { return id == sh.oldVisit || id == sh.oldSignup })
			check("after retention")
			mustUpdate(t, s, func(tx *Tx) error { _, err := tx.EraseSender("telegram:9"); return err })
			commit(9)
			check("after a sender's erasure and 9 more")

			// A file from before the counts: no flag, and a count that is
			// not its index's.
			mustUpdate(t, s, func(tx *Tx) error {
				if err := tx.bucket(bucketMeta).Delete(metaFeedbackCounts); err != nil {
					return err
				}
				return tx.bucket(bucketCustFeedbackN).Put(custKeyFor(t, sh.back), []byte{99})
			})
			path := s.Path()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			var err error
			if s, err = Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			check("reopened, counts built")
			commit(11)
			check("reopened, after 11 more")

			// A build from before the counts ran meanwhile and merged the
			// log, counting nothing (the flag stays set): the counts are
			// short until the next Open finds the index larger than they
			// say, and builds them again.
			mustUpdate(t, s, func(tx *Tx) error {
				old := feedbackByCustomer
				old.counts = nil
				return old.merge(tx, nil)
			})
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			check("reopened after an older build's merge")
		})
	}
}

// custKeyFor is the key of customer id, failing the test when it is none.
func custKeyFor(t *testing.T, id string) []byte {
	t.Helper()
	k, ok := custKeyOf(id)
	if !ok {
		t.Fatalf("no customer key for %q", id)
	}
	return k
}
