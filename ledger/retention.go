package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Retention is how long the ledger keeps a customer after their last visit
// (or their registration, if they never visited), in calendar units: two
// years after 2025-01-04 15:00 is 2027-01-04 15:00 in the shop's time zone,
// whatever the leap days, never 730 days. The zero Retention is off: a
// customer is kept until they are erased on request.
type Retention struct {
	Years, Months, Days int
}

// Off reports whether r keeps customers until erased on request.
func (r Retention) Off() bool { return r == Retention{} }

// Validate reports whether r can be used: no part is negative. The error
// wraps ErrInvalid.
func (r Retention) Validate() error {
	if r.Years < 0 || r.Months < 0 || r.Days < 0 {
		return invalid("retention", "%d years, %d months, %d days: no part may be negative", r.Years, r.Months, r.Days)
	}
	return nil
}

// String writes r as DANGOL_RETENTION takes it: "2y", "18m", "1y6m",
// "400d", and "0" when off.
func (r Retention) String() string {
	if r.Off() {
		return "0"
	}
	var b []byte
	for _, p := range []struct {
		n    int
		unit byte
	}{{r.Years, 'y'}, {r.Months, 'm'}, {r.Days, 'd'}} {
		if p.n != 0 {
			b = append(strconv.AppendInt(b, int64(p.n), 10), p.unit)
		}
	}
	return string(b)
}

// Expiry returns when a customer last seen at base is due for erasure:
// base, read in loc, plus r. Years and months move the calendar date and
// keep the time of day; a day past the end of the month it lands in is
// that month's last day (2024-02-29 plus a year is 2025-02-28, 2025-08-31
// plus six months 2026-02-28), so the period is never longer than said.
// Days are added after. The zero time when r is off or base is zero; a nil
// loc is UTC.
func (r Retention) Expiry(base time.Time, loc *time.Location) time.Time {
	if r.Off() || base.IsZero() {
		return time.Time{}
	}
	if loc == nil {
		loc = time.UTC
	}
	t := base.In(loc)
	y, m, d := t.Date()
	first := time.Date(y+r.Years, m+time.Month(r.Months), 1, 0, 0, 0, 0, loc)
	ty, tm, _ := first.Date()
	if last := time.Date(ty, tm+1, 0, 0, 0, 0, 0, loc).Day(); d > last {
		d = last
	}
	h, mi, s := t.Clock()
	return time.Date(ty, tm, d+r.Days, h, mi, s, t.Nanosecond(), loc)
}

// ExpiryOf returns when c is due for erasure under r: r.Expiry of their last
// visit, or of their registration if they never visited. The zero time
// when r is off or c is already erased.
func (r Retention) ExpiryOf(c Customer, loc *time.Location) time.Time {
	if c.Erased {
		return time.Time{}
	}
	return r.Expiry(retentionBase(c.Visits, c.LastVisit, c.CreatedAt), loc)
}

// retentionBase is the time a customer's retention runs from.
func retentionBase(visits int, last, created time.Time) time.Time {
	if visits > 0 && !last.IsZero() {
		return last
	}
	return created
}

// RetentionActor is the actor id of the retention job's audit entries:
// dangol itself ("system"), erasing on the shop's behalf.
const RetentionActor = "system:retention"

// RetentionChunk is how many customers one transaction of EraseExpired
// erases. Each erasure deletes indexes and scans the sessions, so a first
// run over years of customers would otherwise hold the write lock for
// seconds while chats wait.
const RetentionChunk = 100

// retentionSlack bounds how far out of time order Expiry puts two bases: a
// day clamped to the month's end keeps its time of day, so bases on the
// 29th to the 31st land on one day in the order of their times. The
// registration scan stops only past now plus this.
const retentionSlack = 48 * time.Hour

// Cursor names of the retention count (event.go's cursors bucket; written
// here directly, since SetCursor never moves a cursor back).
var (
	cursorRetentionUntold = []byte("retention.untold")  // erased, not yet told
	cursorRetentionTold   = []byte("retention.told")    // the count told at told_at
	cursorRetentionToldAt = []byte("retention.told_at") // unix nanos of the occurrence told
)

// ExpiredCustomers returns, in id order, the ids of the customers not
// erased whose retention r has passed at now (Retention.ExpiryOf is not
// after now). It reads only what is in the clear, the visit stats and the
// registration index, never a sealed record: finding no one costs no
// decryption. With r off it returns none.
func (tx *Tx) ExpiredCustomers(r Retention, loc *time.Location, now time.Time) ([]string, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("ledger: expired customers: %w", err)
	}
	if r.Off() {
		return nil, nil
	}
	erased, visits := tx.bucket(bucketErased), tx.bucket(bucketVisits)
	var keys [][]byte
	c := visits.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		s, err := decodeVisits(k, v)
		if err != nil {
			return nil, fmt.Errorf("ledger: expired customers: %w", err)
		}
		if s.Visits == 0 || erased.Get(k) != nil {
			continue // never visited: the registration scan below
		}
		if !r.Expiry(s.Last, loc).After(now) {
			keys = append(keys, slices.Clone(k))
		}
	}
	stop := now.Add(retentionSlack)
	c = tx.bucket(bucketCreated).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) != 8+custKeyLen {
			continue
		}
		exp := r.Expiry(keyTime(k), loc)
		if exp.After(stop) {
			break
		}
		ck := k[8:]
		if exp.After(now) || erased.Get(ck) != nil {
			continue
		}
		if v := visits.Get(ck); v != nil {
			if s, err := decodeVisits(ck, v); err != nil || s.Visits > 0 {
				continue // counted above (or unreadable: not erased on a guess)
			}
		}
		keys = append(keys, slices.Clone(ck))
	}
	slices.SortFunc(keys, bytes.Compare)
	keys = slices.CompactFunc(keys, bytes.Equal)
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = custIDOfKey(k)
	}
	return ids, nil
}

// EraseExpiredOf erases, as EraseCustomer does, each customer among ids
// whose retention r has passed at now and whose notice's erasure day
// (NoticeRetention, RetentionNotice.EraseOn) has come, checked again here
// from the clear fields (a visit since they were found keeps them; one
// never told, an erased or an unknown id is skipped and not counted). Each erasure is audited (actor
// RetentionActor, action "erase", detail r) and added to the count
// TellRetention reports. It returns how many it erased.
func (tx *Tx) EraseExpiredOf(ids []string, r Retention, loc *time.Location, now time.Time) (int, error) {
	if err := r.Validate(); err != nil {
		return 0, fmt.Errorf("ledger: erase expired: %w", err)
	}
	if r.Off() {
		return 0, nil
	}
	n := 0
	for _, id := range ids {
		ok, err := tx.eraseIfExpired(id, r, loc, now)
		if err != nil {
			return 0, fmt.Errorf("ledger: erase expired: %w", err)
		}
		if ok {
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	untold, err := tx.counter(cursorRetentionUntold)
	if err != nil {
		return 0, err
	}
	if err := tx.putCounter(cursorRetentionUntold, untold+int64(n)); err != nil {
		return 0, err
	}
	return n, nil
}

// eraseIfExpired erases the customer id if their retention has passed and
// the erasure day of the notice they were given for it has come.
func (tx *Tx) eraseIfExpired(id string, r Retention, loc *time.Location, now time.Time) (bool, error) {
	k, ok := custKeyOf(id)
	if !ok {
		return false, nil
	}
	exp, ok, err := tx.clearExpiry(k, r, loc) // the clear part only: nothing is opened to decide
	if err != nil || !ok || exp.After(now) {
		return false, err
	}
	n, told, err := tx.currentNotice(k, exp)
	if err != nil || !told || n.EraseOn.After(now) {
		return false, err
	}
	if err := tx.EraseCustomer(id, now); err != nil {
		return false, err
	}
	// After the erasure, so the entry is sealed under the shop key and
	// outlives the customer's shredded one (audit.go).
	a := AuditEntry{At: now, ActorID: RetentionActor, Action: "erase", CustomerID: id, Detail: r.String()}
	if err := tx.Audit(a); err != nil {
		return false, err
	}
	return true, nil
}

// EraseExpired erases every customer whose retention r has passed at now
// (ExpiredCustomers, found in one read transaction) and whose notice's
// erasure day has come (EraseExpiredOf) as EraseCustomer does,
// RetentionChunk customers per transaction (EraseExpiredOf), and returns
// how many it erased. Each transaction is complete on its own: on an error
// or a cancelled ctx the chunks already committed stay erased and counted,
// and the next run erases the rest. Running it again erases and counts no
// one twice. With r off it does nothing.
//
// Unlike the Tx methods it runs several transactions: call it from no
// transaction's function.
func (s *Store) EraseExpired(ctx context.Context, r Retention, loc *time.Location, now time.Time) (int, error) {
	if r.Off() {
		return 0, nil
	}
	var ids []string
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		ids, err = tx.ExpiredCustomers(r, loc, now)
		return err
	})
	if err != nil {
		return 0, err
	}
	total := 0
	for chunk := range slices.Chunk(ids, RetentionChunk) {
		var n int
		err := s.Update(ctx, func(tx *Tx) error {
			var err error
			n, err = tx.EraseExpiredOf(chunk, r, loc, now)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("ledger: erase expired customers (%d erased before): %w", total, err)
		}
		total += n
	}
	return total, nil
}

// RetentionUntold returns how many customers the retention job erased that
// TellRetention has not reported yet.
func (tx *Tx) RetentionUntold() (int, error) {
	n, err := tx.counter(cursorRetentionUntold)
	return int(n), err
}

// TellRetention returns how many customers the retention job erased since
// the count was last told, for the post due at at (the managers' morning
// DM), and records them as told: the count starts again from zero. Asked
// again for the same at, as when that post failed and is tried again, it
// returns the same number and changes nothing; what was erased meanwhile
// waits for the next post.
func (tx *Tx) TellRetention(at time.Time) (int, error) {
	toldAt, err := tx.counter(cursorRetentionToldAt)
	if err != nil {
		return 0, err
	}
	if tx.get(bucketCursors, cursorRetentionToldAt) != nil && toldAt == nanos(at) {
		n, err := tx.counter(cursorRetentionTold)
		return int(n), err
	}
	n, err := tx.counter(cursorRetentionUntold)
	if err != nil {
		return 0, err
	}
	for _, c := range []struct {
		name []byte
		v    int64
	}{{cursorRetentionTold, n}, {cursorRetentionToldAt, nanos(at)}, {cursorRetentionUntold, 0}} {
		if err := tx.putCounter(c.name, c.v); err != nil {
			return 0, err
		}
	}
	return int(n), nil
}

// counter reads a cursor that, unlike SetCursor's, may go down.
func (tx *Tx) counter(name []byte) (int64, error) {
	v := tx.get(bucketCursors, name)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("ledger: counter %s: %w", name, ErrCorrupt)
	}
	return int64(binary.BigEndian.Uint64(v)), nil
}

func (tx *Tx) putCounter(name []byte, v int64) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	if err := tx.bucket(bucketCursors).Put(name, b[:]); err != nil {
		return fmt.Errorf("ledger: counter %s: %w", name, err)
	}
	return nil
}
