package ledger

import (
	"errors"
	"testing"
	"time"
)

// TestPartialReversal: an earn partly spent is corrected by what is left
// of it, once; the visit it made stays (its points were spent), and only an
// earn, by less than its points, may be corrected in part.
func TestPartialReversal(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "010-1000-0001")
	mustUpdate(t, s, func(tx *Tx) error {
		e := PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 5000, Amount: 100000, ActorID: "slack:U1"}
		if err := tx.AddPoints(&e); err != nil {
			return err
		}
		red := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Hour), Kind: PointsRedeem, Points: -4000, ActorID: "slack:U1"}
		if err := tx.AddPoints(&red); err != nil {
			return err
		}
		for _, tc := range []struct {
			name string
			e    PointsEntry
			pts  int64
		}{
			{"a redeem", red, 100},
			{"all of it", e, 5000},
			{"nothing", e, 0},
			{"more", e, 6000},
		} {
			if _, err := PartialReversalOf(tc.e, tc.pts, "slack:U1", "", t0.Add(2*time.Hour)); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: err %v, want ErrInvalid", tc.name, err)
			}
		}
		// A correction of a redeem by other than its points is refused by
		// AddPoints too, not only by PartialReversalOf.
		bad := PointsEntry{CustomerID: c.ID, At: t0.Add(2 * time.Hour), Kind: PointsAdjust, Points: 100, ActorID: "slack:U1", Reverses: red.ID}
		if err := tx.AddPoints(&bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("a part of a redeem: err %v, want ErrInvalid", err)
		}
		r, err := PartialReversalOf(e, 1000, "slack:U1", "", t0.Add(2*time.Hour))
		if err != nil {
			return err
		}
		if err := tx.AddPoints(&r); err != nil {
			return err
		}
		if bal, err := tx.Balance(c.ID); err != nil || bal != 0 {
			t.Errorf("balance %d, %v; want 0", bal, err)
		}
		if v, err := tx.VisitStatsOf(c.ID); err != nil || v.Visits != 1 {
			t.Errorf("visits %+v, %v; want the earn's visit kept", v, err)
		}
		e, err = tx.PointsEntry(e.ID)
		if err != nil {
			return err
		}
		if taken, partial, err := tx.PartialCorrection(e); err != nil || !partial || taken != 1000 {
			t.Errorf("PartialCorrection = %d, %t, %v; want 1000, true", taken, partial, err)
		}
		if _, err := PartialReversalOf(e, 500, "slack:U1", "", t0.Add(3*time.Hour)); !errors.Is(err, ErrAlreadyReversed) {
			t.Errorf("second correction: err %v, want ErrAlreadyReversed", err)
		}
		return nil
	})
}

// TestPartialReversalAmount: AddPoints itself refuses a partial
// correction that is not one (no points taken, points given, or more than
// what is left of the earn), whoever builds it: the chat checks the
// amount, but a correction of more than the earn's unspent points would
// take the rest from the customer's other earns.
func TestPartialReversalAmount(t *testing.T) {
	for _, expiry := range []int{0, 12} { // lots replayed, and stored
		s := MustOpen(t)
		c := mustCustomer(t, s, "김하늘", "010-1000-0001")
		var earn PointsEntry
		mustUpdate(t, s, func(tx *Tx) error {
			if expiry > 0 {
				if _, err := tx.SetExpiry(ExpiryRules{Months: expiry}, "slack:M1", t0.Add(-time.Hour)); err != nil {
					return err
				}
			}
			earn = PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 5000, Amount: 100000, ActorID: "slack:U1"}
			red := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Hour), Kind: PointsRedeem, Points: -4000, ActorID: "slack:U1"}
			later := PointsEntry{CustomerID: c.ID, At: t0.Add(2 * time.Hour), Kind: PointsEarn, Points: 10000, Amount: 200000, ActorID: "slack:U1"}
			for _, e := range []*PointsEntry{&earn, &red, &later} {
				if err := tx.AddPoints(e); err != nil {
					return err
				}
			}
			return nil
		})
		for _, tc := range []struct {
			name   string
			points int64
		}{
			{"Zero", 0},
			{"Negative", 500}, // an adjust that gives points
			{"AboveUnspent", -3000},
			{"AboveEarn", -6000},
		} {
			mustUpdate(t, s, func(tx *Tx) error {
				bad := PointsEntry{CustomerID: c.ID, At: t0.Add(3 * time.Hour), Kind: PointsAdjust, Points: tc.points, ActorID: "slack:U1", Reverses: earn.ID}
				if err := tx.AddPoints(&bad); !errors.Is(err, ErrInvalid) {
					t.Errorf("expiry %d, %s: err %v, want ErrInvalid", expiry, tc.name, err)
				}
				return nil
			})
		}
		mustUpdate(t, s, func(tx *Tx) error {
			if bal, err := tx.Balance(c.ID); err != nil || bal != 11000 {
				t.Errorf("expiry %d: balance %d, %v after refusals; want 11000", expiry, bal, err)
			}
			r, err := PartialReversalOf(earn, 1000, "slack:U1", "", t0.Add(3*time.Hour))
			if err != nil {
				return err
			}
			if err := tx.AddPoints(&r); err != nil {
				t.Errorf("expiry %d: what is left of the earn: %v", expiry, err)
			}
			return nil
		})
	}
}
