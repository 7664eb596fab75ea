package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// VisitStats is a customer's visit history in numbers, kept small so the
// at-risk rule can scan every customer quickly.
type VisitStats struct {
	CustomerID string
	Visits     int
	First      time.Time
	Last       time.Time
}

// The visits bucket holds per customer three varints: visits, first and last
// visit as unix nanoseconds. It is read without touching customer records,
// and it is where a Customer's Visits and LastVisit come from.

func encodeVisits(v VisitStats) []byte {
	b := make([]byte, 0, 3*binary.MaxVarintLen64)
	b = binary.AppendUvarint(b, uint64(v.Visits))
	b = binary.AppendVarint(b, nanos(v.First))
	b = binary.AppendVarint(b, nanos(v.Last))
	return b
}

func decodeVisits(k, v []byte) (VisitStats, error) {
	d := newDecoder(v)
	s := VisitStats{CustomerID: custIDOfKey(k)}
	s.Visits = int(d.uvarint())
	s.First = time.Unix(0, d.varint())
	s.Last = time.Unix(0, d.varint())
	if d.err != nil {
		return VisitStats{}, fmt.Errorf("visit stats of %s: %w", s.CustomerID, d.err)
	}
	return s, nil
}

// sameDay reports whether a and b fall on the same calendar day in loc.
func sameDay(a, b time.Time, loc *time.Location) bool {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	return ay == by && am == bm && ad == bd
}

// RecordVisit counts a visit of the customer at at (a note or an earn does it
// too; at most one visit per customer per day is counted). Days are calendar
// days in at's location, so callers pass times in the shop's time zone. Only
// the first and last visit days are kept, so a visit recorded out of order
// on a day between them that already had one is counted again.
func (tx *Tx) RecordVisit(customerID string, at time.Time) error {
	k, ok := custKeyOf(customerID)
	if !ok {
		return fmt.Errorf("ledger: record visit %q: %w", customerID, ErrCustomerNotFound)
	}
	if at.IsZero() {
		return fmt.Errorf("ledger: record visit %s: %w", customerID, invalid("visit", "time is required"))
	}
	if tx.get(bucketCustomers, k) == nil {
		return fmt.Errorf("ledger: record visit %s: %w", customerID, ErrCustomerNotFound)
	}
	b := tx.bucket(bucketVisits)
	s := VisitStats{CustomerID: customerID, First: at, Last: at}
	if v := tx.get(bucketVisits, k); v != nil {
		var err error
		if s, err = decodeVisits(k, v); err != nil {
			return fmt.Errorf("ledger: record visit: %w", err)
		}
		loc := at.Location()
		if sameDay(s.Last, at, loc) || sameDay(s.First, at, loc) {
			return nil
		}
		if at.Before(s.First) {
			s.First = at
		}
		if at.After(s.Last) {
			s.Last = at
		}
	}
	s.Visits++
	if err := b.Put(k, encodeVisits(s)); err != nil {
		return fmt.Errorf("ledger: record visit %s: %w", customerID, err)
	}
	return nil
}

// VisitStatsOf returns a customer's visit stats (zero counts if none).
func (tx *Tx) VisitStatsOf(customerID string) (VisitStats, error) {
	k, ok := custKeyOf(customerID)
	if !ok {
		return VisitStats{}, fmt.Errorf("ledger: visit stats %q: %w", customerID, ErrCustomerNotFound)
	}
	v := tx.get(bucketVisits, k)
	if v == nil {
		return VisitStats{CustomerID: customerID}, nil
	}
	s, err := decodeVisits(k, v)
	if err != nil {
		return VisitStats{}, fmt.Errorf("ledger: %w", err)
	}
	return s, nil
}

// ScanVisitStats calls fn for every customer's visit stats, in id order.
func (tx *Tx) ScanVisitStats(fn func(VisitStats) error) error {
	c := tx.bucket(bucketVisits).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		s, err := decodeVisits(k, v)
		if err != nil {
			return fmt.Errorf("ledger: scan visit stats: %w", err)
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// ScanLiveVisitStats is ScanVisitStats without the erased customers, for
// lists of people to care for (the summary's regulars at risk): it walks
// the erased set beside the visit stats, both in id order, so leaving the
// erased out costs no lookup per customer.
func (tx *Tx) ScanLiveVisitStats(fn func(VisitStats) error) error {
	ec := tx.bucket(bucketErased).Cursor()
	ek, _ := ec.First()
	c := tx.bucket(bucketVisits).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		for ek != nil && bytes.Compare(ek, k) < 0 {
			ek, _ = ec.Next()
		}
		if ek != nil && bytes.Equal(ek, k) {
			continue
		}
		s, err := decodeVisits(k, v)
		if err != nil {
			return fmt.Errorf("ledger: scan live visit stats: %w", err)
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// ImportVisits gives a customer the visit history an earlier record (a
// shop's spreadsheet) had: visits in all, the first on first and the last on
// last. It is only for customers without visits in the ledger, so history
// dangol recorded itself is never rewritten: otherwise it returns an error
// wrapping ErrInvalid, as it does for visits < 1, a zero or reversed range,
// or several visits on one instant (their usual gap would be nothing).
func (tx *Tx) ImportVisits(customerID string, visits int, first, last time.Time) error {
	switch {
	case visits < 1:
		return fmt.Errorf("ledger: import visits %s: %w", customerID, invalid("visit", "visits %d is not positive", visits))
	case first.IsZero() || last.IsZero() || last.Before(first):
		return fmt.Errorf("ledger: import visits %s: %w", customerID, invalid("visit", "first and last must be set, first not after last"))
	case visits > 1 && !first.Before(last):
		return fmt.Errorf("ledger: import visits %s: %w", customerID, invalid("visit", "%d visits need a first visit before the last", visits))
	}
	k, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, k) == nil {
		return fmt.Errorf("ledger: import visits %q: %w", customerID, ErrCustomerNotFound)
	}
	b := tx.bucket(bucketVisits)
	if b.Get(k) != nil {
		return fmt.Errorf("ledger: import visits %s: %w", customerID, invalid("visit", "customer already has visits"))
	}
	s := VisitStats{CustomerID: customerID, Visits: visits, First: first, Last: last}
	if err := b.Put(k, encodeVisits(s)); err != nil {
		return fmt.Errorf("ledger: import visits %s: %w", customerID, err)
	}
	return nil
}
