package ledger

import (
	"context"
	"testing"
)

// TestTierFirstVisitAboveBase: a new customer whose first visit makes
// them VIP moved up from the base tier: told, and counted as a move in
// the week; a first record the daily run makes (tiers just set up) stays
// silent and uncounted.
func TestTierFirstVisitAboveBase(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	old := mustCustomer(t, s, "박서준", "01012345679")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 3}, {ID: TierVIP, MinSpend: 100000}}}, "slack:M1", t0, nil)
		return err
	})
	earnAt(t, s, old.ID, 150000, 7500, t0) // no tier record made at this visit
	at := t0.AddDate(0, 0, 1)
	earnAt(t, s, c.ID, 150000, 7500, at)
	var ch TierChange
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		ch, err = tx.UpdateTier(c.ID, at, seoul)
		return err
	})
	if !ch.Up || ch.From != TierNew || ch.To != TierVIP || ch.NoticeID == "" {
		t.Fatalf("first visit: %+v, want up from %s to %s, told", ch, TierNew, TierVIP)
	}
	res, err := s.RunDaily(context.Background(), at.AddDate(0, 0, 1), seoul)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range res.Notices {
		if n.CustomerID == old.ID {
			t.Errorf("the daily run's first record told %+v", n)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		f, err := tx.LoyaltyFigures(t0, at.AddDate(0, 0, 2))
		if err != nil {
			return err
		}
		if f.TierUps != 1 || len(f.Moves) != 1 || f.Moves[0] != (TierMoveCount{From: TierNew, To: TierVIP, Count: 1}) || f.PerTier[TierVIP] != 2 {
			t.Errorf("figures %+v, want the first visit's one move and two VIPs", f)
		}
		return nil
	})
}
