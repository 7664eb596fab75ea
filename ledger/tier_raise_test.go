package ledger

import (
	"testing"
)

// TestSetTiersRaisesAtOnce: tier rules easier than before raise the
// customers they place higher when they are stored, as the daily run
// would, with its notice, so the card and the next earn's rate follow the
// new rules at once (they had kept the old tier until the next morning,
// and the earn in between was at the old rate). A manager's pin stays, a
// customer without a record already shows the new tier, and one the new
// rules place lower keeps the tier until the daily run's notice.
func TestSetTiersRaisesAtOnce(t *testing.T) {
	s := MustOpen(t)
	visits := func(c Customer, n int) {
		for d := range n {
			earnAt(t, s, c.ID, 1000, 50, t0.AddDate(0, 0, d))
		}
	}
	record := func(c Customer) {
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UpdateTier(c.ID, t0.AddDate(0, 0, 1), seoul); return err })
	}
	one := mustCustomer(t, s, "김하늘", "01010000001")
	visits(one, 1)
	record(one)
	two := mustCustomer(t, s, "이수진", "01010000002")
	visits(two, 2)
	record(two)
	pinned := mustCustomer(t, s, "박민수", "01010000003")
	visits(pinned, 2)
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.PinTier(pinned.ID, TierNew, "slack:M", t0.AddDate(0, 0, 1), seoul)
		return err
	})
	unrecorded := mustCustomer(t, s, "최유리", "01010000004")
	visits(unrecorded, 1)
	at := t0.AddDate(0, 0, 3)
	mustView(t, s, func(tx *Tx) error {
		for _, c := range []Customer{one, two, pinned, unrecorded} {
			if id, err := tx.TierIDOf(c.ID, at, seoul); err != nil || id != TierNew {
				t.Fatalf("%s before: %q, %v; want %s", c.Name, id, err, TierNew)
			}
		}
		return nil
	})
	rules := TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 1, EarnRateBP: 700}, {ID: TierVIP, MinVisits: 2, EarnRateBP: 1000}}}
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(rules, "slack:M", at, seoul); return err })

	tests := []struct {
		c      Customer
		tier   string
		stored bool
		told   bool
	}{
		{one, TierRegular, true, true},
		{two, TierVIP, true, true},
		{pinned, TierNew, true, false},
		{unrecorded, TierRegular, false, false},
	}
	mustView(t, s, func(tx *Tx) error {
		pending, err := tx.PendingNotices(0)
		if err != nil {
			t.Fatal(err)
		}
		told := map[string]string{}
		for _, n := range pending {
			if n.Kind == NoticeTierUp {
				told[n.CustomerID] = n.FromTier + "→" + n.Tier
			}
		}
		for _, tt := range tests {
			st, err := tx.TierOf(tt.c.ID, at, seoul)
			if err != nil {
				t.Fatal(err)
			}
			if st.TierID != tt.tier || st.Stored != tt.stored {
				t.Errorf("%s after the change: %s (stored %v), want %s (stored %v)", tt.c.Name, st.TierID, st.Stored, tt.tier, tt.stored)
			}
			if id, _ := tx.TierIDOf(tt.c.ID, at, seoul); id != tt.tier {
				t.Errorf("%s's card shows %s, want %s", tt.c.Name, id, tt.tier)
			}
			if want := TierNew + "→" + tt.tier; tt.told != (told[tt.c.ID] == want) {
				t.Errorf("%s told %q, want told %v (%s)", tt.c.Name, told[tt.c.ID], tt.told, want)
			}
		}
		return nil
	})
	// The next daily run has nothing left to raise, and tells no one twice.
	res, err := s.RunDaily(t.Context(), at.AddDate(0, 0, 1), seoul)
	if err != nil {
		t.Fatal(err)
	}
	if res.TierUps != 0 {
		t.Errorf("the next run raised %d, want 0 (raised when stored)", res.TierUps)
	}

	// Stricter again: nobody is lowered before the run's notice.
	stricter := TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 5}, {ID: TierVIP, MinVisits: 15}}}
	later := at.AddDate(0, 0, 2)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(stricter, "slack:M", later, seoul); return err })
	mustView(t, s, func(tx *Tx) error {
		for _, tt := range tests[:2] {
			if id, _ := tx.TierIDOf(tt.c.ID, later, seoul); id != tt.tier {
				t.Errorf("%s under stricter rules: %s, want %s until the notice", tt.c.Name, id, tt.tier)
			}
		}
		return nil
	})
}
