package ledger

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// replayPoints walks every points entry of customer id in key order (the
// order ScanPoints and an export show) and returns the lowest running
// balance and the final one.
func replayPoints(tb testing.TB, s *Store, id string) (low, end int64) {
	tb.Helper()
	var last time.Time
	mustView(tb, s, func(tx *Tx) error {
		return tx.ScanPoints(time.Time{}, maxNanoTime, func(e PointsEntry) error {
			if e.CustomerID != id {
				return nil
			}
			if e.At.Before(last) {
				tb.Errorf("entry %s at %s listed after one at %s", e.ID, e.At, last)
			}
			last = e.At
			end += e.Points
			low = min(low, end)
			return nil
		})
	})
	return low, end
}

// TestPointsHistoryInCommitOrder pins that a customer's history, replayed in
// key (time) order, is the order the entries were committed in: the balance
// check in AddPoints ran against the committed entries, so a history that
// put a redeem before the earn it was checked after would show a negative
// balance that never was. The times come from before the transaction, as
// the engine's do (its clock is read before Store.Update).
func TestPointsHistoryInCommitOrder(t *testing.T) {
	t.Run("OK/BackdatedRedeemFollowsItsEarn", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		// The redeem's message was read first (t0) but committed second,
		// after an earn read at t0+1s.
		earn := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Second), Kind: PointsEarn, Points: 100, ActorID: "a"}
		redeem := PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsRedeem, Points: -100, ActorID: "a"}
		mustUpdate(t, s, func(tx *Tx) error { return tx.AddPoints(&earn) })
		mustUpdate(t, s, func(tx *Tx) error { return tx.AddPoints(&redeem) })
		if low, end := replayPoints(t, s, c.ID); low < 0 || end != 0 {
			t.Fatalf("replayed history: lowest %d, end %d; want lowest ≥ 0, end 0", low, end)
		}
		if !redeem.At.Equal(earn.At) {
			t.Errorf("redeem stored at %s, want the earn's time %s", redeem.At, earn.At)
		}
	})
	t.Run("OK/LaterTimeKept", func(t *testing.T) {
		s := MustOpen(t)
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		first := PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 100, ActorID: "a"}
		second := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Hour), Kind: PointsRedeem, Points: -100, ActorID: "a"}
		mustUpdate(t, s, func(tx *Tx) error { return tx.AddPoints(&first) })
		mustUpdate(t, s, func(tx *Tx) error { return tx.AddPoints(&second) })
		var got []time.Time
		mustView(t, s, func(tx *Tx) error {
			es, err := tx.PointsOf(c.ID, 0)
			for _, e := range es {
				got = append(got, e.At)
			}
			return err
		})
		if len(got) != 2 || !got[0].Equal(t0.Add(time.Hour)) || !got[1].Equal(t0) {
			t.Fatalf("times %v, want the business times kept: [%s %s]", got, t0.Add(time.Hour), t0)
		}
	})
	t.Run("OK/OtherCustomerUntouched", func(t *testing.T) {
		s := MustOpen(t)
		a := mustCustomer(t, s, "김민지", "010-1234-5678")
		b := mustCustomer(t, s, "Tom", "010-2222-3333")
		late := PointsEntry{CustomerID: a.ID, At: t0.Add(time.Hour), Kind: PointsEarn, Points: 1, ActorID: "a"}
		early := PointsEntry{CustomerID: b.ID, At: t0, Kind: PointsEarn, Points: 1, ActorID: "a"}
		mustUpdate(t, s, func(tx *Tx) error { return tx.AddPoints(&late) })
		mustUpdate(t, s, func(tx *Tx) error { return tx.AddPoints(&early) })
		if !early.At.Equal(t0) {
			t.Fatalf("another customer's entry moved to %s, want %s", early.At, t0)
		}
	})
}

// TestPointsHistoryUnderConcurrency runs 128 writers of earns and redeems on
// one customer, each reading its time before Store.Update, and replays the
// history: it never dips below zero and ends at the stored balance.
func TestPointsHistoryUnderConcurrency(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	var clock atomic.Int64 // nanoseconds after t0: every read is a distinct, later time
	now := func() time.Time { return t0.Add(time.Duration(clock.Add(1))) }
	const writers = 128
	var wg sync.WaitGroup
	var refused atomic.Int64
	for i := range writers {
		wg.Go(func() {
			for j := range 8 {
				e := PointsEntry{CustomerID: c.ID, At: now(), Kind: PointsEarn, Points: 10, ActorID: "a"}
				if (i+j)%2 == 1 {
					e.Kind, e.Points = PointsRedeem, -int64(10+rand.IntN(20))
				}
				err := s.Update(t.Context(), func(tx *Tx) error { return tx.AddPoints(&e) })
				switch {
				case errors.Is(err, ErrInsufficientPoints):
					refused.Add(1)
				case err != nil:
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	var stored int64
	mustView(t, s, func(tx *Tx) (err error) {
		stored, err = tx.Balance(c.ID)
		return err
	})
	low, end := replayPoints(t, s, c.ID)
	t.Logf("%d writers, %d redeems refused, balance %d", writers, refused.Load(), stored)
	if low < 0 {
		t.Errorf("replayed history dips to %d; the committed balance never went below 0", low)
	}
	if end != stored {
		t.Errorf("replayed history ends at %d, stored balance %d", end, stored)
	}
}
