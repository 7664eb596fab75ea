package ledger

import (
	"errors"
	"testing"
	"time"
)

// TestRatingMarkers: a visit day's rating request is marked once per
// calendar day in the day's zone, and RatedOn sees only that day's
// feedback.
func TestRatingMarkers(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01098765432")
	morning := t0                     // 10:00
	evening := t0.Add(13 * time.Hour) // 23:00, the same day in Seoul
	mustUpdate(t, s, func(tx *Tx) error {
		if asked, err := tx.RatingRequested(c.ID, morning); err != nil || asked {
			t.Errorf("RatingRequested before = %v, %v", asked, err)
		}
		if err := tx.MarkRatingRequested(c.ID, morning, morning); err != nil {
			return err
		}
		if asked, err := tx.RatingRequested(c.ID, evening); err != nil || !asked {
			t.Errorf("RatingRequested later that day = %v, %v", asked, err)
		}
		if asked, err := tx.RatingRequested(c.ID, morning.AddDate(0, 0, 1)); err != nil || asked {
			t.Errorf("RatingRequested next day = %v, %v", asked, err)
		}
		if err := tx.MarkRatingRequested(c.ID, morning, time.Time{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("MarkRatingRequested without a time = %v", err)
		}
		if _, err := tx.RatingRequested("nobody", morning); !errors.Is(err, ErrCustomerNotFound) {
			t.Errorf("RatingRequested(nobody) = %v", err)
		}
		if err := tx.AddFeedback(&Feedback{CustomerID: c.ID, At: morning.AddDate(0, 0, -1), Rating: 5, NPS: NoNPS}); err != nil {
			return err
		}
		if rated, err := tx.RatedOn(c.ID, morning); err != nil || rated {
			t.Errorf("RatedOn with yesterday's feedback = %v, %v", rated, err)
		}
		if err := tx.AddFeedback(&Feedback{CustomerID: c.ID, At: evening, Rating: 4, NPS: NoNPS}); err != nil {
			return err
		}
		if rated, err := tx.RatedOn(c.ID, morning); err != nil || !rated {
			t.Errorf("RatedOn with that evening's feedback = %v, %v", rated, err)
		}
		return nil
	})
}
