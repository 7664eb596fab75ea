package ledger

import (
	"testing"
	"time"
)

// TestOutreachStampVisit: a customer who came back for a stamp after a
// win-back visited, as the tier and the card count it; a stamp taken back
// is no visit.
func TestOutreachStampVisit(t *testing.T) {
	s := MustOpen(t)
	back := mustCustomer(t, s, "박민수", "010-1000-0001")
	undone := mustCustomer(t, s, "이수진", "010-1000-0002")
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetStamps(StampRules{Goal: 3, Reward: CouponBenefit{Kind: BenefitItem, Item: "커피"}}, "slack:M", t0.Add(-time.Hour)); err != nil {
			return err
		}
		for _, id := range []string{back.ID, undone.ID} {
			if err := tx.RecordOutreach(Outreach{Kind: OutreachWinBack, CustomerID: id, At: t0, Points: 500}); err != nil {
				return err
			}
		}
		if _, err := tx.AddStamps(back.ID, 1, "slack:U1", "", t0.AddDate(0, 0, 3), seoul); err != nil {
			return err
		}
		st, err := tx.AddStamps(undone.ID, 1, "slack:U1", "", t0.AddDate(0, 0, 3), seoul)
		if err != nil {
			return err
		}
		_, err = tx.ReverseStamps(st.Entry.ID, "slack:U1", "", t0.AddDate(0, 0, 3).Add(time.Minute))
		return err
	})
	mustView(t, s, func(tx *Tx) error {
		f, err := tx.OutreachFigures(ResponseQuery{From: t0, To: t0.AddDate(0, 0, 1)})
		if err != nil {
			return err
		}
		if f.Customers != 2 || f.Visited != 1 {
			t.Errorf("figures %+v, want 2 customers and 1 visited (박민수's stamp)", f)
		}
		return nil
	})
}
