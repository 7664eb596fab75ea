package ledger

import (
	"maps"
	"testing"
	"time"
)

// TestImportedTierFirstVisit: a customer brought over with visits (no
// tier column) shows the tier those visits give on the card (TierIDOf),
// is counted at it in the week's tiers (LoyaltyFigures.PerTier) before
// and after their first visit here, and that visit records the tier they
// already showed: no notice, no move; only a visit that really lifts them
// is told, from the tier they showed.
func TestImportedTierFirstVisit(t *testing.T) {
	tests := []struct {
		name     string
		visits   int
		card     string // TierIDOf before the visit
		after    string // the tier after it
		up       bool
		from     string // the change's From when up
		notices  int
		tierUps  int
		perTier  map[string]int // the week's tiers, after the visit
		perFirst map[string]int // and before it
	}{
		{name: "AlreadyRegular", visits: 12, card: TierRegular, after: TierRegular,
			perTier: map[string]int{TierRegular: 1}, perFirst: map[string]int{TierRegular: 1}},
		{name: "VisitMakesRegular", visits: 4, card: TierNew, after: TierRegular, up: true, from: TierNew,
			notices: 1, tierUps: 1, perTier: map[string]int{TierRegular: 1}, perFirst: map[string]int{TierNew: 1}},
		{name: "RegularToVIP", visits: 14, card: TierRegular, after: TierVIP, up: true, from: TierRegular,
			notices: 1, tierUps: 1, perTier: map[string]int{TierVIP: 1}, perFirst: map[string]int{TierRegular: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김하늘", "01012345678")
			mustUpdate(t, s, func(tx *Tx) error {
				return tx.ImportVisits(c.ID, tt.visits, t0.AddDate(-1, 0, 0), t0.AddDate(0, 0, -7))
			})
			visit := t0.Add(time.Hour)
			mustView(t, s, func(tx *Tx) error {
				card, err := tx.TierIDOf(c.ID, visit, seoul)
				if card != tt.card {
					t.Errorf("card before the visit %q, want %q", card, tt.card)
				}
				f, ferr := tx.LoyaltyFigures(t0.AddDate(0, 0, -1), t0.Add(time.Minute))
				if !maps.Equal(f.PerTier, tt.perFirst) {
					t.Errorf("tiers before the visit %v, want %v", f.PerTier, tt.perFirst)
				}
				if err == nil {
					err = ferr
				}
				return err
			})
			var ch TierChange
			mustUpdate(t, s, func(tx *Tx) error {
				n := Note{CustomerID: c.ID, StaffID: "slack:U1", At: visit, Text: "커트"}
				if err := tx.AddNote(&n); err != nil {
					return err
				}
				var err error
				ch, err = tx.UpdateTier(c.ID, n.At, seoul)
				return err
			})
			if ch.To != tt.after || ch.Up != tt.up || (tt.up && ch.From != tt.from) || ch.Down {
				t.Errorf("change %+v, want to %s up %v from %q", ch, tt.after, tt.up, tt.from)
			}
			mustView(t, s, func(tx *Tx) error {
				p, err := tx.PendingNotices(0)
				if len(p) != tt.notices {
					t.Errorf("notices %+v, want %d", p, tt.notices)
				}
				f, ferr := tx.LoyaltyFigures(t0.AddDate(0, 0, -1), t0.AddDate(0, 0, 1))
				if f.TierUps != tt.tierUps || f.TierDowns != 0 || !maps.Equal(f.PerTier, tt.perTier) {
					t.Errorf("figures ups %d downs %d tiers %v; want %d up, tiers %v", f.TierUps, f.TierDowns, f.PerTier, tt.tierUps, tt.perTier)
				}
				if err == nil {
					err = ferr
				}
				return err
			})
		})
	}
}
