package ledger

import (
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
