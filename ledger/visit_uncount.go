package ledger

import (
	"bytes"
	"fmt"
	"time"
)

// UncountVisit takes back the visit a removed record counted: a deleted
// note, or an earn a correction reversed (AddPoints does that itself), at
// at, in the shop's location as RecordVisit was given it. The day stays
// counted while a note or an unreversed earn of the customer is still on
// it; otherwise the count drops by one, and a first or last visit on that
// day moves to the nearest day that still has a note or an earn. Without
// this a note written to the wrong customer and deleted would keep
// counting towards a tier for good.
//
// Visits imported from a spreadsheet (ImportVisits) have no records
// behind them: a removed record on the day an import's first or last visit
// fell on takes that visit back too, as RecordVisit counted the two as one,
// and when no record is left the first and last visits stay as they were.
func (tx *Tx) UncountVisit(customerID string, at time.Time) error {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return fmt.Errorf("ledger: uncount visit %q: %w", customerID, ErrCustomerNotFound)
	}
	v := tx.get(bucketVisits, ck)
	if v == nil {
		return nil
	}
	s, err := decodeVisits(ck, v)
	if err != nil {
		return fmt.Errorf("ledger: uncount visit %s: %w", customerID, err)
	}
	loc := at.Location()
	from := startOfDay(at, loc)
	to := from.AddDate(0, 0, 1)
	// A day outside [first, last] was never counted (a record RecordVisit
	// was not asked about); one that still has a record stays counted.
	if s.Visits == 0 || to.Before(s.First) || !from.Before(s.Last.Add(time.Nanosecond)) {
		return nil
	}
	if kept, err := tx.hasVisitRecord(ck, from, to); err != nil || kept {
		if err != nil {
			return fmt.Errorf("ledger: uncount visit %s: %w", customerID, err)
		}
		return nil
	}
	first, last, err := tx.visitRecords(ck, loc)
	if err != nil {
		return fmt.Errorf("ledger: uncount visit %s: %w", customerID, err)
	}
	s.Visits--
	b := tx.bucket(bucketVisits)
	if s.Visits == 0 {
		if err := b.Delete(ck); err != nil {
			return fmt.Errorf("ledger: uncount visit %s: %w", customerID, err)
		}
		return nil
	}
	// With no record left the visits are all imported ones, whose days
	// the import alone knew: the first and last stay as they are. Keeping
	// the last errs on keeping the customer's data, as retention counts
	// from it.
	if sameDay(s.First, at, loc) && !first.IsZero() {
		s.First = first
	}
	if sameDay(s.Last, at, loc) && !last.IsZero() {
		s.Last = last
	}
	if err := b.Put(ck, encodeVisits(s)); err != nil {
		return fmt.Errorf("ledger: uncount visit %s: %w", customerID, err)
	}
	return nil
}

// hasVisitRecord reports whether the customer at ck has a note or an
// unreversed earn in [from, to).
func (tx *Tx) hasVisitRecord(ck []byte, from, to time.Time) (bool, error) {
	lo, hi := concat(ck, timePrefix(from)), concat(ck, timePrefix(to))
	if k, _ := tx.bucket(bucketCustNotes).Cursor().Seek(lo); k != nil && bytes.Compare(k, hi) < 0 {
		return true, nil
	}
	found := false
	err := tx.earnsOf(ck, lo, hi, func(_ PointsEntry, reversed bool) bool {
		found = !reversed
		return !found // on to the next while this one was reversed
	})
	return found, err
}

// visitRecords returns the times of the customer's oldest and newest note
// or unreversed earn, zero when there is none.
func (tx *Tx) visitRecords(ck []byte, loc *time.Location) (first, last time.Time, err error) {
	see := func(t time.Time) bool {
		t = t.In(loc)
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
		return true
	}
	c := tx.bucket(bucketCustNotes).Cursor()
	for k, _ := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = c.Next() {
		see(keyTime(k[len(ck):]))
	}
	err = tx.earnsOf(ck, ck, append(bytes.Clone(ck), 0xff), func(p PointsEntry, reversed bool) bool {
		return reversed || see(p.At)
	})
	return first, last, err
}

// earnsOf calls fn with each earn of the customer at ck whose index key
// is in [lo, hi), and whether a correction reversed it, until fn returns
// false.
func (tx *Tx) earnsOf(ck, lo, hi []byte, fn func(p PointsEntry, reversed bool) bool) error {
	c := tx.bucket(bucketCustPoints).Cursor()
	pb := tx.bucket(bucketPoints)
	for k, rev := c.Seek(lo); k != nil && bytes.Compare(k, hi) < 0 && bytes.HasPrefix(k, ck); k, rev = c.Next() {
		tk := k[len(ck):]
		v := pb.Get(tk)
		if v == nil {
			continue
		}
		p, _, err := decodePoints(tk, v)
		if err != nil {
			return err
		}
		if p.Kind == PointsEarn && !fn(p, len(rev) != 0) {
			return nil
		}
	}
	return nil
}
