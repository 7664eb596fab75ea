package ledger

import (
	"encoding/binary"
	"fmt"
	"time"
)

// The notice before a retention erasure: nobody is erased for retention
// before they (if a channel reaches them) and the managers were told the
// date, and that date leaves at least RetentionNoticeDays to come back. A
// customer whose period ran out unannounced (retention just turned on, or
// shortened, or the job did not run) is told then and erased that many days
// later, not the next night.

// RetentionNoticeDays is how many days before the erasure the notice goes
// out, and the least a notice leaves before it: a month lets someone who
// reads their messages once a month come back in time.
const RetentionNoticeDays = 30

// bucketRetentionNotice holds the notices given: customer key -> the
// expiry told (8 bytes of unix nanos), the erasure date (8) and when it
// was told (8). Times only, kept in the clear like the visit stats the
// expiry comes from (listed in allBuckets).
var bucketRetentionNotice = []byte("retention_notice")

// RetentionNotice is a customer told of their coming retention erasure.
type RetentionNotice struct {
	CustomerID string
	// Expiry is when their retention ran out as told (Retention.ExpiryOf
	// then). A visit since moves the expiry and so voids the notice: a
	// new one is given when the new expiry comes near.
	Expiry time.Time
	// EraseOn is the midnight (shop's time zone) of the day they are
	// erased: the day after Expiry, or after ToldAt plus
	// RetentionNoticeDays if that is later. The day before it is the last
	// one kept.
	EraseOn time.Time
	// ToldAt is when the notice was given.
	ToldAt time.Time
}

// eraseOnFor returns the erasure day of a customer whose retention runs
// out at expiry, told at told: the midnight after the later of the two
// (expiry, told plus RetentionNoticeDays), in loc.
func eraseOnFor(expiry, told time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	last := told.In(loc).AddDate(0, 0, RetentionNoticeDays)
	if expiry.After(last) {
		last = expiry.In(loc)
	}
	y, m, d := last.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

func (tx *Tx) retentionNotice(k []byte) (RetentionNotice, bool, error) {
	v := tx.get(bucketRetentionNotice, k)
	if v == nil {
		return RetentionNotice{}, false, nil
	}
	if len(v) != 24 {
		return RetentionNotice{}, false, fmt.Errorf("ledger: retention notice of %s: %w", custIDOfKey(k), ErrCorrupt)
	}
	at := func(i int) time.Time { return time.Unix(0, int64(binary.BigEndian.Uint64(v[i:]))) }
	return RetentionNotice{CustomerID: custIDOfKey(k), Expiry: at(0), EraseOn: at(8), ToldAt: at(16)}, true, nil
}

func (tx *Tx) putRetentionNotice(k []byte, n RetentionNotice) error {
	var b [24]byte
	for i, t := range []time.Time{n.Expiry, n.EraseOn, n.ToldAt} {
		binary.BigEndian.PutUint64(b[8*i:], uint64(nanos(t)))
	}
	if err := tx.bucket(bucketRetentionNotice).Put(k, b[:]); err != nil {
		return fmt.Errorf("ledger: retention notice of %s: %w", custIDOfKey(k), err)
	}
	return nil
}

// clearExpiry returns when the customer stored under k is due for erasure
// under r, from the clear fields alone (nothing is opened to decide); ok is
// false for an unknown or erased customer.
func (tx *Tx) clearExpiry(k []byte, r Retention, loc *time.Location) (exp time.Time, ok bool, err error) {
	if tx.get(bucketErased, k) != nil {
		return time.Time{}, false, nil
	}
	v := tx.get(bucketCustomers, k)
	if v == nil {
		return time.Time{}, false, nil
	}
	sc, err := decodeStoredCustomer(v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("customer %s: %w", custIDOfKey(k), err)
	}
	if sc.Erased {
		return time.Time{}, false, nil
	}
	var s VisitStats
	if vv := tx.get(bucketVisits, k); vv != nil {
		if s, err = decodeVisits(k, vv); err != nil {
			return time.Time{}, false, err
		}
	}
	return r.Expiry(retentionBase(s.Visits, s.Last, sc.CreatedAt), loc), true, nil
}

// currentNotice returns the notice of the customer under k if it still
// holds for their expiry exp (no visit since moved it).
func (tx *Tx) currentNotice(k []byte, exp time.Time) (RetentionNotice, bool, error) {
	n, ok, err := tx.retentionNotice(k)
	if err != nil || !ok || !n.Expiry.Equal(exp) {
		return RetentionNotice{}, false, err
	}
	return n, true, nil
}

// NoticeRetention gives the notice to every customer not erased whose
// retention r runs out within RetentionNoticeDays and a day of now (or ran
// out already) and who holds no notice for that expiry, records it, and
// returns the notices given, in id order, for the caller to send. A call
// at that very now again (a scheduled occurrence tried again) returns the
// same notices and changes nothing. With r off it gives none.
func (tx *Tx) NoticeRetention(r Retention, loc *time.Location, now time.Time) ([]RetentionNotice, error) {
	if r.Off() {
		return nil, nil
	}
	horizon := now
	if loc != nil {
		horizon = now.In(loc)
	}
	// A day more than the notice needs, so a daily run tells them in
	// time for the day after the expiry, whatever its hour.
	ids, err := tx.ExpiredCustomers(r, loc, horizon.AddDate(0, 0, RetentionNoticeDays+1))
	if err != nil {
		return nil, fmt.Errorf("ledger: retention notice: %w", err)
	}
	var out []RetentionNotice
	for _, id := range ids {
		k, _ := custKeyOf(id)
		exp, ok, err := tx.clearExpiry(k, r, loc)
		if err != nil {
			return nil, fmt.Errorf("ledger: retention notice: %w", err)
		}
		if !ok {
			continue
		}
		n, held, err := tx.currentNotice(k, exp)
		if err != nil {
			return nil, err
		}
		switch {
		case held && n.ToldAt.Equal(now):
			out = append(out, n) // the same occurrence again
		case held:
			// told before: nothing new
		default:
			n = RetentionNotice{CustomerID: id, Expiry: exp, EraseOn: eraseOnFor(exp, now, loc), ToldAt: now}
			if err := tx.putRetentionNotice(k, n); err != nil {
				return nil, err
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// ErasureDate returns the day c is to be erased for retention r, as of now:
// the EraseOn of the notice they hold, or, not told yet, the earliest a
// notice given now would allow. noticed reports a notice given; the zero
// time when r is off or c is erased.
func (tx *Tx) ErasureDate(c Customer, r Retention, loc *time.Location, now time.Time) (on time.Time, noticed bool, err error) {
	exp := r.ExpiryOf(c, loc)
	if exp.IsZero() {
		return time.Time{}, false, nil
	}
	k, ok := custKeyOf(c.ID)
	if !ok {
		return time.Time{}, false, fmt.Errorf("ledger: erasure date: customer %q: %w", c.ID, ErrCustomerNotFound)
	}
	n, held, err := tx.currentNotice(k, exp)
	if err != nil {
		return time.Time{}, false, err
	}
	if held {
		return n.EraseOn, true, nil
	}
	return eraseOnFor(exp, now, loc), false, nil
}
