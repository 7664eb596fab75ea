package ledger

import (
	"slices"
	"testing"
)

// TestStampGoalLowered: a card already full when the goal was lowered is
// one card, its reward taking its stamps in whole goals, and the stamp
// that follows counts on the next; the card's stamps still equal those
// added minus those its rewards took, and reversing the new stamp keeps
// the full card's reward.
func TestStampGoalLowered(t *testing.T) {
	tests := []struct {
		name                  string
		had, from, to, add    int
		rewards, took, stamps int
	}{
		{"ToOne", 3, 10, 1, 1, 2, 3, 0},        // the old card, then the new stamp's own
		{"OverByTwo", 7, 10, 5, 1, 1, 5, 3},    // 7/5: one card, 2 stay, +1
		{"TwiceTheGoal", 9, 10, 4, 1, 1, 8, 2}, // 9/4: whole goals, 8, in one reward; 1 + 1 stay
		{"NotFull", 3, 10, 5, 1, 0, 0, 4},      // 3/5: nothing changes
		{"ManyAdded", 3, 10, 2, 5, 4, 2, 0},    // 3/2: one reward of 2, then 1 + 5 fills three
		{"RaisedGoal", 3, 5, 10, 1, 0, 0, 4},   // a larger card: more to go
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "가나다", "01012340001")
			rules := func(goal int) StampRules {
				return StampRules{Goal: goal, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}
			}
			var r StampResult
			mustUpdate(t, s, func(tx *Tx) error {
				if _, err := tx.SetStamps(rules(tt.from), "slack:M", t0); err != nil {
					return err
				}
				if _, err := tx.AddStamps(c.ID, tt.had, "slack:U1", "", t0, seoul); err != nil {
					return err
				}
				if _, err := tx.SetStamps(rules(tt.to), "slack:M", t0.Add(1)); err != nil {
					return err
				}
				var err error
				r, err = tx.AddStamps(c.ID, tt.add, "slack:U1", "", t0.Add(2), seoul)
				return err
			})
			took := 0
			for _, cp := range r.Rewards {
				took += cp.Stamps
			}
			if len(r.Rewards) != tt.rewards || r.Card.Stamps != tt.stamps {
				t.Fatalf("after %d on %d/%d: %d rewards, card %d; want %d, %d", tt.add, tt.had, tt.to, len(r.Rewards), r.Card.Stamps, tt.rewards, tt.stamps)
			}
			if len(r.Rewards) > 0 && r.Rewards[0].Stamps != tt.took && tt.had >= tt.to {
				t.Errorf("the full card's reward took %d, want %d", r.Rewards[0].Stamps, tt.took)
			}
			if r.Card.Stamps != tt.had+tt.add-took {
				t.Errorf("card %d != added %d - taken %d", r.Card.Stamps, tt.had+tt.add, took)
			}
			mustUpdate(t, s, func(tx *Tx) error {
				back, err := tx.ReverseStamps(r.Entry.ID, "slack:U1", "", t0.Add(3))
				if err != nil {
					return err
				}
				card, err := tx.StampCardOf(c.ID, t0.Add(3))
				if err != nil {
					return err
				}
				// Giving back the stamp leaves the card as it was.
				if tt.had >= tt.to && tt.add == 1 && (len(back.Rewards) > 0 || card.Stamps != tt.had-tt.took) {
					t.Errorf("after reversing: card %d, voided %d; want %d and the full card's reward kept", card.Stamps, len(back.Rewards), tt.had-tt.took)
				}
				return nil
			})
		})
	}
}

// TestFillStampCards: after a change of the stamp card, every card at or
// over the new goal gets its reward at once (one coupon taking whole
// goals, with a reward notice), a card below it keeps its stamps, and an
// erased customer's card is left alone; the card stays what its entries
// minus its rewards make, so reversing the stamps takes the reward back.
func TestFillStampCards(t *testing.T) {
	rules := func(goal int) StampRules {
		return StampRules{Goal: goal, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}
	}
	tests := []struct {
		name          string
		had, from, to int
		imported      int // stamps carried over on top, under the old goal
		took, stamps  int // the reward's stamps (0: none) and the card after
	}{
		{name: "LoweredBelow", had: 9, from: 10, to: 8, took: 8, stamps: 1},
		{name: "LoweredToIt", had: 8, from: 10, to: 8, took: 8, stamps: 0},
		{name: "TwiceTheGoal", had: 9, from: 10, to: 4, took: 8, stamps: 1},
		{name: "ToOne", had: 3, from: 10, to: 1, took: 3, stamps: 0},
		{name: "NotFull", had: 3, from: 10, to: 5, stamps: 3},
		{name: "Raised", had: 7, from: 8, to: 10, stamps: 7},
		{name: "Off", had: 7, from: 8, to: 0, stamps: 7},
		{name: "ImportedOver", had: 2, imported: 10, from: 10, to: 10, took: 10, stamps: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "가나다", "01012340001")
			gone := mustCustomer(t, s, "라마바", "01012340002")
			var add StampResult
			mustUpdate(t, s, func(tx *Tx) error {
				if _, err := tx.SetStamps(rules(tt.from), "slack:M", t0); err != nil {
					return err
				}
				var err error
				if add, err = tx.AddStamps(c.ID, tt.had, "slack:U1", "", t0, seoul); err != nil {
					return err
				}
				if tt.imported > 0 {
					if _, err := tx.ImportStamps(c.ID, tt.imported, "cli:import", t0); err != nil {
						return err
					}
				}
				if _, err := tx.AddStamps(gone.ID, 9, "slack:U1", "", t0, seoul); err != nil {
					return err
				}
				if err := tx.EraseCustomer(gone.ID, t0); err != nil {
					return err
				}
				_, err = tx.SetStamps(rules(tt.to), "slack:M", t0.Add(1))
				return err
			})
			var got []Coupon
			mustUpdate(t, s, func(tx *Tx) error {
				var err error
				got, err = tx.FillStampCards("slack:M", t0.Add(1), seoul)
				return err
			})
			switch {
			case tt.took == 0 && len(got) != 0:
				t.Fatalf("filled %+v, want none", got)
			case tt.took > 0 && (len(got) != 1 || got[0].CustomerID != c.ID || got[0].Stamps != tt.took || got[0].Source != SourceStamps):
				t.Fatalf("filled %+v, want one reward of %s taking %d", got, c.ID, tt.took)
			}
			mustView(t, s, func(tx *Tx) error {
				card, err := tx.StampCardOf(c.ID, t0.Add(1))
				if err != nil {
					return err
				}
				if card.Stamps != tt.stamps || card.Rewards != len(got) {
					t.Errorf("card %+v, want %d stamps and %d rewards", card, tt.stamps, len(got))
				}
				if len(got) == 1 {
					n, err := tx.Notice(got[0].NoticeID)
					if err != nil || n.Kind != NoticeReward || n.State != NoticePending || n.CustomerID != c.ID || n.Points != int64(tt.took) {
						t.Errorf("notice %+v (%v), want a pending reward notice of %d stamps", n, err, tt.took)
					}
				}
				return nil
			})
			// The next stamp counts on the card as it is now: the full
			// card gave its reward once, not again.
			mustUpdate(t, s, func(tx *Tx) error {
				if tt.to == 0 {
					return nil
				}
				r, err := tx.AddStamps(c.ID, 1, "slack:U1", "", t0.Add(2), seoul)
				if err != nil {
					return err
				}
				if want := (tt.stamps + 1) / tt.to; len(r.Rewards) != want {
					t.Errorf("the next stamp gave %d rewards, want %d", len(r.Rewards), want)
				}
				_, err = tx.ReverseStamps(r.Entry.ID, "slack:U1", "", t0.Add(3))
				return err
			})
			if len(got) == 0 {
				return
			}
			mustUpdate(t, s, func(tx *Tx) error {
				if _, err := tx.ReverseStamps(add.Entry.ID, "slack:U1", "", t0.Add(4)); err != nil {
					return err
				}
				card, err := tx.StampCardOf(c.ID, t0.Add(4))
				if err != nil {
					return err
				}
				cs, err := tx.CouponsOf(c.ID, t0.Add(4), true)
				if err != nil {
					return err
				}
				// The stamps the reward took go back with it; an imported
				// card's reward stays, its stamps being the import's.
				void := tt.imported == 0
				i := slices.IndexFunc(cs, func(cp Coupon) bool { return cp.ID == got[0].ID })
				if card.Stamps != 0 || i < 0 || (cs[i].State == CouponVoid) != void {
					t.Errorf("after reversing the %d stamps: card %+v, coupons %+v; want 0 on it and the reward void %v", tt.had, card, cs, void)
				}
				return nil
			})
		})
	}
}
