package ledger

import (
	"context"
	"testing"
	"time"
)

// TestExpiryCountsInItsWeek: a coupon good through Sunday, expired by
// Monday's run, counts in the week of that Sunday, not in the next one.
func TestExpiryCountsInItsWeek(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "가나다", "01012340001")
	wed := time.Date(2026, 11, 25, 12, 0, 0, 0, seoul) // a Wednesday of 2026-W48
	mon := time.Date(2026, 11, 23, 0, 0, 0, 0, seoul)  // W48 starts
	next := mon.AddDate(0, 0, 7)                       // W49 starts
	mustUpdate(t, s, func(tx *Tx) error {
		// Days: 5 from Wednesday: good through Sunday 11/29.
		cp, err := tx.IssueCoupon(CouponSpec{CustomerID: c.ID, Benefit: CouponBenefit{Kind: BenefitPercent, Percent: 5}, Days: 5, ActorID: "slack:U1"}, wed, seoul)
		if err != nil {
			return err
		}
		if cp.LastDay != "2026-11-29" {
			t.Fatalf("last day %s, want the Sunday", cp.LastDay)
		}
		return nil
	})
	if _, err := s.RunDaily(context.Background(), next.Add(4*time.Hour), seoul); err != nil {
		t.Fatal(err)
	}
	mustView(t, s, func(tx *Tx) error {
		w48, err := tx.LoyaltyFigures(mon, next)
		if err != nil {
			return err
		}
		w49, err := tx.LoyaltyFigures(next, next.AddDate(0, 0, 7))
		if err != nil {
			return err
		}
		if w48.CouponsExpired != 1 || w49.CouponsExpired != 0 {
			t.Errorf("expired in W48 %d, in W49 %d; want 1 and 0", w48.CouponsExpired, w49.CouponsExpired)
		}
		return nil
	})
}
