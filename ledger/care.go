package ledger

import (
	"fmt"
	"time"
)

// Care messages (issue 14): service messages the shop starts toward a
// customer, such as the rating request after a visit. Each is recorded
// here in the transaction that queues it in the outbox, so a restart
// never sends it twice. The markers hold a customer id and a date, no
// personal data, and stay after an erasure (the id is never reused).

// ratingKey is the posted-bucket key marking that the customer was asked to
// rate their visit of day (a date, "2006-01-02", in the shop's zone).
func ratingKey(customerID string, day time.Time) string {
	return "care:rate:" + customerID + ":" + day.Format(time.DateOnly)
}

// RatingRequested reports whether the customer was asked to rate their
// visit of day; only day's calendar date in its own location counts.
func (tx *Tx) RatingRequested(customerID string, day time.Time) (bool, error) {
	if _, ok := custKeyOf(customerID); !ok {
		return false, fmt.Errorf("ledger: rating requested %q: %w", customerID, ErrCustomerNotFound)
	}
	return tx.Posted(ratingKey(customerID, day))
}

// MarkRatingRequested records that the customer was asked at at to rate
// their visit of day. Marking a day twice is not an error.
func (tx *Tx) MarkRatingRequested(customerID string, day, at time.Time) error {
	if _, ok := custKeyOf(customerID); !ok {
		return fmt.Errorf("ledger: mark rating requested %q: %w", customerID, ErrCustomerNotFound)
	}
	if at.IsZero() {
		return fmt.Errorf("ledger: mark rating requested %s: %w", customerID, invalid("rating request", "time is required"))
	}
	if err := tx.MarkPosted(ratingKey(customerID, day), at); err != nil {
		return fmt.Errorf("ledger: mark rating requested: %w", err)
	}
	return nil
}

// RatedOn reports whether the customer left feedback on day's calendar
// date in day's location.
func (tx *Tx) RatedOn(customerID string, day time.Time) (bool, error) {
	fs, err := tx.FeedbackOf(customerID, 20) // newest first: a day's are among the first
	if err != nil {
		return false, err
	}
	for _, f := range fs {
		if sameDay(f.At, day, day.Location()) {
			return true, nil
		}
		if f.At.Before(day) && !sameDay(f.At, day, day.Location()) {
			break
		}
	}
	return false, nil
}
