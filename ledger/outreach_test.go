package ledger

import (
	"errors"
	"testing"
	"time"
)

func TestRecordOutreach(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "010-1111-2222")
	b := mustCustomer(t, s, "이서준", "010-3333-4444")
	day := 24 * time.Hour
	recs := []Outreach{
		{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Coupon: "abc234", Points: 0},
		{Kind: OutreachBirthday, CustomerID: b.ID, At: t0, Skipped: SkipNoConsent},
		{Kind: OutreachFollowUp, CustomerID: a.ID, At: t0.Add(day)},
		{Kind: OutreachRating, CustomerID: b.ID, At: t0.Add(2 * day), Points: 0},
		{Kind: OutreachWinBack, CustomerID: a.ID, At: t0.Add(9 * day), Points: 500},
	}
	mustUpdate(t, s, func(tx *Tx) error {
		for _, o := range recs {
			if err := tx.RecordOutreach(o); err != nil {
				return err
			}
		}
		return nil
	})

	t.Run("ScanRange", func(t *testing.T) {
		var got []Outreach
		mustView(t, s, func(tx *Tx) error {
			return tx.ScanOutreach(t0, t0.Add(3*day), func(o Outreach) error { got = append(got, o); return nil })
		})
		if len(got) != 4 {
			t.Fatalf("scan of 3 days: %d records, want 4: %+v", len(got), got)
		}
		if got[0].Coupon != "ABC234" || got[0].Kind != OutreachBirthday || !got[0].At.Equal(t0) {
			t.Errorf("first = %+v, want the birthday with coupon ABC234 at t0", got[0])
		}
		if got[1].Skipped != SkipNoConsent || got[1].CustomerID != b.ID {
			t.Errorf("second = %+v, want %s skipped for consent", got[1], b.ID)
		}
		if got[3].Kind != OutreachRating {
			t.Errorf("fourth = %+v, want the rating request", got[3])
		}
	})

	t.Run("OutreachOf", func(t *testing.T) {
		var got []Outreach
		mustView(t, s, func(tx *Tx) (err error) { got, err = tx.OutreachOf(a.ID, 0); return err })
		if len(got) != 3 || got[0].Kind != OutreachWinBack || got[0].Points != 500 || got[2].Kind != OutreachBirthday {
			t.Fatalf("OutreachOf(a) = %+v, want win-back, follow-up, birthday", got)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		bad := []Outreach{
			{Kind: "spam", CustomerID: a.ID, At: t0},
			{Kind: OutreachRating, CustomerID: "X1", At: t0},
			{Kind: OutreachRating, CustomerID: a.ID},
			{Kind: OutreachRating, CustomerID: a.ID, At: t0, Points: -1},
			{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Skipped: SkipNoConsent, Points: 100},
			{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Skipped: "김하늘 거절"},
			{Kind: OutreachBirthday, CustomerID: a.ID, At: t0, Coupon: "!!"},
		}
		for _, o := range bad {
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.RecordOutreach(o) })
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("RecordOutreach(%+v) = %v, want ErrInvalid", o, err)
			}
		}
		err := s.Update(t.Context(), func(tx *Tx) error {
			return tx.RecordOutreach(Outreach{Kind: OutreachRating, CustomerID: "C999", At: t0})
		})
		if !errors.Is(err, ErrCustomerNotFound) {
			t.Errorf("unknown customer: %v, want ErrCustomerNotFound", err)
		}
	})

	t.Run("EraseAnonymises", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(a.ID, t0.Add(10*day)) })
		var got []Outreach
		mustView(t, s, func(tx *Tx) error {
			return tx.ScanOutreach(time.Time{}, t0.Add(30*day), func(o Outreach) error { got = append(got, o); return nil })
		})
		if len(got) != len(recs) {
			t.Fatalf("after erasure %d records, want %d (kept, anonymised)", len(got), len(recs))
		}
		for i, o := range got {
			switch {
			case recs[i].CustomerID == a.ID && (o.CustomerID != "" || o.Coupon != ""):
				t.Errorf("record %d of the erased customer = %+v, want no customer and no coupon", i, o)
			case recs[i].CustomerID == b.ID && o.CustomerID != b.ID:
				t.Errorf("record %d of the other customer = %+v, want it untouched", i, o)
			case o.Kind != recs[i].Kind || o.Points != recs[i].Points || !o.At.Equal(recs[i].At):
				t.Errorf("record %d = %+v, want kind, time and points of %+v", i, o, recs[i])
			}
		}
		var mine []Outreach
		mustView(t, s, func(tx *Tx) (err error) { mine, err = tx.OutreachOf(a.ID, 0); return err })
		if len(mine) != 0 {
			t.Errorf("OutreachOf(erased) = %+v, want none", mine)
		}
	})
}
