package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// What the chat needs of loyalty beyond one customer at a time: the tier
// of many customers under one read of the programme (a listing, its CSV,
// the /customers tier filter), a time range of stamp entries (/stamp
// undo), and a way to let go of a notice no one can be told.

// TierLookup answers which tier customers hold at one moment, reading the
// programme once: the stored tier record when there is one (pins and
// pending downgrades included), otherwise the tier the rules give, as
// TierOf does. Make one per transaction with Tx.TierLookup; it is valid only
// inside that transaction.
type TierLookup struct {
	tx  *Tx
	p   Programme
	at  time.Time
	loc *time.Location
	// visitsOnly is set when the rules count visits ever and no spend, so
	// a customer without a record is ranked from the visit stats alone,
	// without reading their entries.
	visitsOnly bool
}

// TierLookup returns a lookup of tiers at at, calendar days in loc (nil:
// at's location).
func (tx *Tx) TierLookup(at time.Time, loc *time.Location) (*TierLookup, error) {
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return nil, fmt.Errorf("ledger: tier lookup: %w", err)
	}
	l := &TierLookup{tx: tx, p: p, at: at, loc: locOr(loc, at), visitsOnly: p.Tiers.WindowMonths <= 0}
	for _, t := range p.Tiers.Levels {
		if t.MinSpend > 0 {
			l.visitsOnly = false
		}
	}
	return l, nil
}

// Programme is the programme the lookup ranks by.
func (l *TierLookup) Programme() Programme { return l.p }

// Of returns the tier id customerID holds; ErrCustomerNotFound for an
// unknown id.
func (l *TierLookup) Of(customerID string) (string, error) {
	ck, ok := custKeyOf(customerID)
	if !ok || l.tx.get(bucketCustomers, ck) == nil {
		return "", fmt.Errorf("ledger: tier of %q: %w", customerID, ErrCustomerNotFound)
	}
	var v VisitStats
	if raw := l.tx.get(bucketVisits, ck); raw != nil {
		var err error
		if v, err = decodeVisitCounts(ck, raw); err != nil {
			return "", fmt.Errorf("ledger: tier of %s: %w", customerID, err)
		}
	}
	id, err := l.ofKey(ck, v)
	if err != nil {
		return "", fmt.Errorf("ledger: tier of %s: %w", customerID, err)
	}
	return id, nil
}

// storedTier is the part of a tier record a lookup reads.
type storedTier struct {
	TierID string `json:"tier"`
}

// ofKey is Of for the customer at ck whose visit stats are v.
func (l *TierLookup) ofKey(ck []byte, v VisitStats) (string, error) {
	if raw := l.tx.get(bucketTiers, ck); raw != nil {
		var r storedTier
		if err := json.Unmarshal(raw, &r); err != nil {
			return "", fmt.Errorf("%w: tier of %s: %v", ErrCorrupt, custIDOfKey(ck), err)
		}
		return r.TierID, nil
	}
	if l.visitsOnly {
		return l.p.Tiers.Levels[l.p.Tiers.Compute(v.Visits, 0)].ID, nil
	}
	rank, _, _, err := l.tx.computeTier(ck, &l.p, l.at, l.loc)
	if err != nil {
		return "", err
	}
	return l.p.Tiers.Levels[rank].ID, nil
}

// ListCustomersInTier is ListCustomers with one more condition: the
// customer holds tier tierID by l. The count and the page are of the
// customers meeting f and the tier. With rules that count visits ever and
// no spend (the default programme) a customer without a tier record costs
// no more than the visit filter; with a window or a spend threshold, each
// one's entries in the window are read.
func (tx *Tx) ListCustomersInTier(f CustomerFilter, tierID string, l *TierLookup, offset, limit int) (int, []Customer, error) {
	fail := func(err error) (int, []Customer, error) {
		return 0, nil, fmt.Errorf("ledger: list customers in tier %s: %w", tierID, err)
	}
	cands, all, err := tx.candidates(f)
	if err != nil {
		return fail(err)
	}
	var keys [][]byte
	n := 0
	var inErr error
	take := func(k []byte, v VisitStats) {
		if inErr != nil || (f.Visits != nil && !f.Visits(v)) {
			return
		}
		id, err := l.ofKey(k, v)
		if err != nil {
			inErr = err
			return
		}
		if id != tierID {
			return
		}
		if n >= offset && (limit <= 0 || len(keys) < limit) {
			keys = append(keys, append([]byte(nil), k...))
		}
		n++
	}
	if all {
		err = tx.scanLive(take)
	} else {
		vb := tx.bucket(bucketVisits)
		err = tx.checkCandidates(cands, nil, func(k []byte) {
			v := VisitStats{}
			if raw := vb.Get(k); raw != nil {
				var derr error
				if v, derr = decodeVisitCounts(k, raw); derr != nil {
					inErr = derr
					return
				}
			}
			take(k, v)
		})
	}
	if err == nil {
		err = inErr
	}
	if err != nil {
		return fail(err)
	}
	out := make([]Customer, 0, len(keys))
	for _, k := range keys {
		c, err := tx.customer(k)
		if err != nil && tx.skipDamaged(RecordCustomer, err) {
			continue // still counted in n, like ListCustomers
		}
		if err != nil {
			return fail(err)
		}
		out = append(out, c)
	}
	return n, out, nil
}

// ScanStamps calls fn for every stamp entry with from <= At < to, in time
// order, reasons and actors opened (entries of erased customers are
// skipped: nothing of theirs opens).
func (tx *Tx) ScanStamps(from, to time.Time, fn func(StampEntry) error) error {
	erased := tx.bucket(bucketErased)
	err := scanTime(tx.bucket(bucketStamps), from, to, func(k, _ []byte) error {
		s, err := tx.stampEntry(k)
		if err != nil {
			return err
		}
		if ck, ok := custKeyOf(s.CustomerID); ok && erased.Get(ck) != nil {
			return nil
		}
		return fn(s)
	})
	if err != nil {
		return fmt.Errorf("ledger: scan stamps: %w", err)
	}
	return nil
}

// DropNotice takes a pending notice off the list without telling anyone,
// as cancelled at at: for a customer no channel reaches (never linked, or
// without consent), so the list does not grow with notices that can never
// be delivered. A notice already delivered or cancelled stays as it is; an
// unknown id returns ErrNotFound.
func (tx *Tx) DropNotice(id string, at time.Time) error {
	if err := tx.finishNotice(id, NoticeCancelled, at); err != nil {
		return fmt.Errorf("ledger: drop notice %s: %w", id, err)
	}
	return nil
}

// HasLoyaltyEvents reports whether the loyalty log holds anything in
// [from, to): one seek, so a weekly summary can skip LoyaltyFigures' walk
// of every customer for a week in which loyalty did nothing.
func (tx *Tx) HasLoyaltyEvents(from, to time.Time) bool {
	k, _ := tx.bucket(bucketLoyaltyLog).Cursor().Seek(timePrefix(from))
	return k != nil && bytes.Compare(k, timePrefix(to)) < 0
}

// ProgrammeStored reports whether any version of the programme is stored
// (SeedProgramme or a change): until then ProgrammeAt returns the built-in
// default, and the chat shows the default with the shop's configured rate.
func (tx *Tx) ProgrammeStored() bool {
	k, _ := tx.cursor(bucketProgramme).First()
	return k != nil
}
