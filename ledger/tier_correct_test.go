package ledger

import (
	"testing"
	"time"
)

// TestTierAfterCorrection: an upgrade a mistaken purchase made is taken
// back with it, at once and without a notice; a manager's pin and an
// upgrade the record did not make stay.
func TestTierAfterCorrection(t *testing.T) {
	rules := TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 2}, {ID: TierVIP, MinSpend: 500000}}}
	cases := []struct {
		name string
		// told delivers the VIP notice before the correction; pin pins
		// VIP; late reverses an earn from after the upgrade.
		told, pin bool
		wantTier  string
		wantCause TierCause
		wantTold  bool
		wantUps   int
	}{
		{name: "pending notice", wantTier: TierRegular, wantCause: CauseCorrected, wantUps: 1},
		{name: "told", told: true, wantTier: TierRegular, wantCause: CauseCorrected, wantTold: true, wantUps: 1},
		{name: "pinned", pin: true, wantTier: TierVIP, wantUps: 1}, // one customer, new → VIP in two moves
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김하늘", "01012345678")
			mustUpdate(t, s, func(tx *Tx) error {
				_, err := tx.SetTiers(rules, "slack:M1", t0, nil)
				return err
			})
			update := func(at time.Time) TierChange {
				var ch TierChange
				mustUpdate(t, s, func(tx *Tx) error {
					var err error
					ch, err = tx.UpdateTier(c.ID, at, seoul)
					return err
				})
				return ch
			}
			for d := range 2 { // two visits: 단골
				earnAt(t, s, c.ID, 10000, 500, t0.AddDate(0, 0, d))
				update(t0.AddDate(0, 0, d))
			}
			// 5,000,000 won typed for 50,000: VIP.
			at := t0.AddDate(0, 0, 5)
			wrong := earnAt(t, s, c.ID, 5000000, 250000, at)
			up := update(at)
			if !up.Up || up.To != TierVIP || up.NoticeID == "" {
				t.Fatalf("the mistaken purchase: %+v", up)
			}
			if tc.told {
				mustUpdate(t, s, func(tx *Tx) error { return tx.MarkNoticeDelivered(up.NoticeID, at.Add(time.Second)) })
			}
			if tc.pin {
				mustUpdate(t, s, func(tx *Tx) error {
					_, err := tx.PinTier(c.ID, TierVIP, "slack:M1", at.Add(time.Second), seoul)
					return err
				})
			}
			undo := at.Add(time.Hour)
			var ch TierChange
			mustUpdate(t, s, func(tx *Tx) error {
				r, err := ReversalOf(wrong, "slack:U1", "", undo)
				if err != nil {
					return err
				}
				if err := tx.AddPoints(&r); err != nil {
					return err
				}
				ch, err = tx.TierAfterCorrection(c.ID, wrong.At, undo, seoul)
				return err
			})
			if ch.To != tc.wantTier || ch.Cause != tc.wantCause || ch.Told != tc.wantTold || ch.NoticeID != "" {
				t.Errorf("change = %+v, want %s by %d (told %v), no notice", ch, tc.wantTier, tc.wantCause, tc.wantTold)
			}
			mustView(t, s, func(tx *Tx) error {
				st, err := tx.TierOf(c.ID, undo, seoul)
				if err != nil || st.TierID != tc.wantTier || st.DownTo != "" {
					t.Errorf("tier after = %+v, %v", st, err)
				}
				n, err := tx.Notice(up.NoticeID)
				wantState := NoticePending
				switch {
				case tc.told:
					wantState = NoticeDelivered
				case tc.wantCause == CauseCorrected:
					wantState = NoticeCancelled
				}
				if err != nil || n.State != wantState {
					t.Errorf("the VIP notice is %q (%v), want %q", n.State, err, wantState)
				}
				f, err := tx.LoyaltyFigures(t0, undo.Add(time.Hour))
				if err != nil {
					return err
				}
				if f.TierUps != tc.wantUps || f.TierDowns != 0 {
					t.Errorf("figures: %d up, %d down, want %d, 0 (%+v)", f.TierUps, f.TierDowns, tc.wantUps, f.Moves)
				}
				for _, m := range f.Moves {
					if !tc.pin && m.To == TierVIP {
						t.Errorf("the upgrade taken back still counts as a move: %+v", f.Moves)
					}
				}
				return nil
			})
		})
	}
}

// TestTierAfterCorrectionNotTheCause: a correction of a record from after
// the upgrade, or one that leaves the rules giving the same tier, changes
// nothing.
func TestTierAfterCorrectionNotTheCause(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {ID: TierVIP, MinSpend: 100000}}}, "slack:M1", t0, nil)
		return err
	})
	earnAt(t, s, c.ID, 200000, 10000, t0)
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.UpdateTier(c.ID, t0, seoul)
		return err
	})
	later := earnAt(t, s, c.ID, 10000, 500, t0.AddDate(0, 0, 3))
	undo := t0.AddDate(0, 0, 3).Add(time.Hour)
	mustUpdate(t, s, func(tx *Tx) error {
		r, err := ReversalOf(later, "slack:U1", "", undo)
		if err != nil {
			return err
		}
		if err := tx.AddPoints(&r); err != nil {
			return err
		}
		ch, err := tx.TierAfterCorrection(c.ID, later.At, undo, seoul)
		if ch.From != TierVIP || ch.To != TierVIP || ch.Cause != 0 {
			t.Errorf("change = %+v", ch)
		}
		return err
	})
}

// TestTiersAtErased: an erased customer holds no tier in ranges that end
// after the erasure, and still counts in those before it.
func TestTiersAtErased(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	mustCustomer(t, s, "이서준", "01022223333")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {ID: TierVIP, MinSpend: 100000}}}, "slack:M1", t0, nil)
		return err
	})
	earnAt(t, s, c.ID, 200000, 10000, t0)
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.UpdateTier(c.ID, t0, seoul); err != nil {
			return err
		}
		return tx.EraseCustomer(c.ID, t0.AddDate(0, 0, 3))
	})
	mustView(t, s, func(tx *Tx) error {
		for _, tc := range []struct {
			end      time.Time
			vip, new int
		}{{t0.AddDate(0, 0, 2), 1, 1}, {t0.AddDate(0, 0, 7), 0, 1}} {
			f, err := tx.LoyaltyFigures(t0, tc.end)
			if err != nil {
				return err
			}
			if f.PerTier[TierVIP] != tc.vip || f.PerTier[TierNew] != tc.new {
				t.Errorf("to %s: per tier %v, want VIP %d, new %d", tc.end.Format(time.DateOnly), f.PerTier, tc.vip, tc.new)
			}
		}
		return nil
	})
}
