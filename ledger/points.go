package ledger

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// maxReasonRunes bounds a points entry's reason.
const maxReasonRunes = 500

// MaxEntryPoints bounds one points entry either way: a billion points, far
// beyond any shop's balance, and far enough from the int64 limit that no
// sum of entries overflows.
const MaxEntryPoints = 1_000_000_000

// Validate reports whether e can be appended. The sign of Points must match
// the kind: an earn adds (Points > 0), a redeem or an expiry takes away
// (Points < 0), an adjust goes either way but not by zero. It also needs a
// customer, a time and an actor; Amount (the purchase in won) is never
// negative. The error wraps ErrInvalid.
func (e *PointsEntry) Validate() error {
	switch {
	case e.CustomerID == "":
		return invalid("points", "customer is required")
	case e.At.IsZero():
		return invalid("points", "time is required")
	case e.ActorID == "":
		return invalid("points", "actor is required")
	case e.Amount < 0:
		return invalid("points", "negative amount")
	case utf8.RuneCountInString(e.Reason) > maxReasonRunes:
		return tooLong("points", "reason", maxReasonRunes)
	case e.Points > MaxEntryPoints || e.Points < -MaxEntryPoints:
		// Balances are sums of entries: one near the int64 limit made the
		// next earn overflow into a negative balance.
		return invalid("points", "%d points in one entry (at most %d)", e.Points, MaxEntryPoints)
	}
	switch e.Kind {
	case PointsEarn:
		if e.Points <= 0 {
			return invalid("points", "an earn must add points")
		}
	case PointsRedeem, PointsExpire:
		if e.Points >= 0 {
			return invalid("points", "a %s must take points away", e.Kind)
		}
	case PointsAdjust:
		if e.Points == 0 {
			return invalid("points", "an adjust of zero points")
		}
	default:
		return invalid("points", "unknown kind %q", e.Kind)
	}
	if e.Reverses != "" && e.Kind != PointsAdjust {
		return invalid("points", "only an adjust reverses an entry")
	}
	if e.NoteID != "" {
		if e.Kind != PointsEarn {
			return invalid("points", "only an earn names a note")
		}
		if _, ok := keyOfID(e.NoteID); !ok {
			return invalid("points", "note id %q", e.NoteID)
		}
	}
	return checkLine("points", "reason", e.Reason)
}

// pointsVersion 4 adds the key of the correction that reversed the entry,
// so reading an entry needs no lookup in the index; version 3 (the key of
// the entry a correction reverses) and 2 (sealed actor and reason, no
// reference) are still read, their reversal from the index; version 1 is
// only read by the migration (legacy.go). An earn made for a note's
// purchase (PointsEntry.NoteID) ends with the note's key, after the
// fields of version 4 and in the same version: a build from before it
// reads the entry and ignores the key (it reads no further), where a new
// version would have made the customer's points unreadable to it after a
// downgrade. After it (an empty note key when there is none) comes the
// actor sealed again under the shop key, in the same version and for the
// same reason: who gave or took a customer's points is staff data, and
// must outlive the customer's erasure (a shop checking who credited whom),
// while their own key, which seals the reason, goes with them.
const pointsVersion = 4

// pointsActorAD is the "bucket" of the shop-sealed actor's associated
// data: not bucketPoints, so it can never be taken for the entry's other
// sealed field.
var pointsActorAD = []byte("points.actor")

// Kinds are stored as one byte.
var pointsKindCodes = [...]PointsKind{1: PointsEarn, 2: PointsRedeem, 3: PointsAdjust, 4: PointsExpire}

func pointsKindCode(k PointsKind) byte {
	for i, kk := range pointsKindCodes {
		if kk == k && i > 0 {
			return byte(i)
		}
	}
	return 0
}

// encodePoints: version, customer, kind, points, amount, then the actor id
// and the reason sealed under the customer's key (the actor may be the
// customer's own platform id, the reason free text about them), then the
// key of the reversed entry (empty unless a correction), then the key of
// the correction that reversed this entry (empty unless reversed; written
// when the correction is). Those keys are ids, like the customer's, and
// stay in the clear so summaries can leave corrections out without opening
// anything. An earn made for a note ends with the note's key, and an entry
// made by staff with the actor sealed under the shop key (actor).
func encodePoints(p *PointsEntry, sealed, actor []byte) []byte {
	var rev, by, note []byte
	if p.NoteID != "" {
		note, _ = keyOfID(p.NoteID) // checked by AddPoints
	}
	if p.Reverses != "" {
		rev, _ = keyOfID(p.Reverses) // checked by AddPoints
	}
	if p.ReversedBy != "" {
		by, _ = keyOfID(p.ReversedBy) // made by markReversed
	}
	e := encoder{b: make([]byte, 0, 32+len(p.CustomerID)+len(sealed)+len(rev)+len(by)+len(note)+len(actor))}
	e.byte(pointsVersion)
	e.string(p.CustomerID)
	e.byte(pointsKindCode(p.Kind))
	e.varint(p.Points)
	e.varint(p.Amount)
	e.string(string(sealed))
	e.string(string(rev))
	e.string(string(by))
	if note != nil || len(actor) > 0 {
		e.string(string(note))
	}
	if len(actor) > 0 {
		e.string(string(actor))
	}
	return e.b
}

// shopActor returns the actor sealed under the shop key that the entry
// stored as v ends with, or nil: an entry from before it, or one whose
// actor is the customer's own.
func shopActor(v []byte) []byte {
	d := clearDecoder{v: v}
	ver := d.version(pointsVersion)
	if ver < 4 {
		return nil
	}
	d.str()
	d.byte()
	d.varint()
	d.varint()
	d.field() // sealed
	d.field() // reversed key
	d.field() // correction key
	if d.err != nil || d.off >= len(d.v) {
		return nil
	}
	d.field() // note key
	if d.err != nil || d.off >= len(d.v) {
		return nil
	}
	a := d.field()
	if d.err != nil {
		return nil
	}
	return a
}

// decodePoints decodes the clear part of the entry stored as v under k and
// returns its sealed part, v's own bytes (not copied), valid only while v
// is. ReversedBy is set from entries of version 4 only (reversedKnown).
func decodePoints(k, v []byte) (PointsEntry, []byte, error) {
	d := clearDecoder{v: v}
	ver := d.version(pointsVersion)
	if d.err == nil && ver < 2 {
		d.fail("version")
	}
	p := PointsEntry{At: keyTime(k)}
	cust := d.str()
	if code := d.byte(); int(code) < len(pointsKindCodes) && code > 0 {
		p.Kind = pointsKindCodes[code]
	} else if d.err == nil {
		d.fail("points kind")
	}
	p.Points = d.varint()
	p.Amount = d.varint()
	sealed := d.field()
	if ver >= 3 {
		p.Reverses = d.timeKeyID("reversed key")
	}
	if ver >= 4 {
		p.ReversedBy = d.timeKeyID("correction key")
	}
	if ver >= 4 && d.err == nil && d.off < len(d.v) {
		p.NoteID = d.timeKeyID("note key")
	}
	if d.err != nil {
		return PointsEntry{}, nil, fmt.Errorf("points entry %s: %w", idOf(k), d.err)
	}
	text, id := d.textAndID(k)
	p.ID, p.CustomerID = id, d.cut(text, cust)
	return p, sealed, nil
}

// reversedKnown reports whether the entry stored as v says itself whether
// it was reversed (version 4); older ones are looked up in the index.
func reversedKnown(v []byte) bool { return len(v) > 0 && v[0] >= 4 }

// putPoints seals p's actor and reason and stores p under k.
func (tx *Tx) putPoints(k []byte, p *PointsEntry) error {
	a, err := tx.aeadOf(p.CustomerID)
	if err != nil {
		return err
	}
	e := encoder{}
	e.string(p.ActorID)
	e.string(p.Reason)
	sealed, err := sealRecord(a, bucketPoints, k, e.b)
	if err != nil {
		return err
	}
	var actor []byte
	if p.ActorID != "" && !tx.actsForThemselves(p.CustomerID, p.ActorID) {
		if actor, err = sealRecord(tx.kr.shop, pointsActorAD, k, []byte(p.ActorID)); err != nil {
			return err
		}
	}
	return tx.bucket(bucketPoints).Put(k, encodePoints(p, sealed, actor))
}

// actsForThemselves reports whether actorID is one of the customer's own
// linked chats: their platform id is theirs, and goes with their key.
func (tx *Tx) actsForThemselves(customerID, actorID string) bool {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return false
	}
	c, err := tx.customer(ck)
	return err == nil && slices.Contains(c.Links, actorID)
}

// decodePoints decodes the entry stored as v under k, opening its actor
// and reason (empty once the customer's key is shredded) and reading which
// correction reversed it, if one did.
func (tx *Tx) decodePoints(k, v []byte) (PointsEntry, error) {
	p, err := tx.openPoints(k, v)
	if err != nil {
		return PointsEntry{}, err
	}
	if !reversedKnown(v) {
		p.ReversedBy = tx.reversedBy(p.CustomerID, k)
	}
	return p, nil
}

func (tx *Tx) openPoints(k, v []byte) (PointsEntry, error) {
	p, sealed, err := decodePoints(k, v)
	if err != nil || len(sealed) == 0 {
		return p, err
	}
	a, err := tx.aeadOf(p.CustomerID)
	if err != nil {
		return PointsEntry{}, err
	}
	plain, err := openRecord(a, bucketPoints, k, sealed)
	if err == nil && plain == nil {
		// Their key is shredded: who acted is still the shop's to know.
		if actor := shopActor(v); actor != nil {
			id, err := openRecord(tx.kr.shop, pointsActorAD, k, actor)
			if err != nil {
				return PointsEntry{}, fmt.Errorf("points entry %s: actor: %w", p.ID, err)
			}
			p.ActorID = string(id)
		}
	}
	if err != nil || plain == nil {
		return p, err
	}
	d := newDecoder(plain)
	p.ActorID = d.string()
	p.Reason = d.string()
	if d.err != nil {
		return PointsEntry{}, fmt.Errorf("points entry %s: %w", p.ID, d.err)
	}
	return p, nil
}

// AddPoints validates e, assigns e.ID and appends it. An entry that would
// make the balance negative returns ErrInsufficientPoints and changes
// nothing. A correction (Reverses set) must be an adjust of the opposite
// points of an entry of the same customer that is neither a correction nor
// already reversed (ErrAlreadyReversed); see ReversalOf. An earn counts as a visit (RecordVisit). An entry never goes
// before the customer's newest one: if e.At is earlier (its writer read the
// clock, then waited for the lock), e.At becomes that entry's time, so the
// history in time order is the order of commits.
func (tx *Tx) AddPoints(e *PointsEntry) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	ck, err := tx.liveCustomer(e.CustomerID)
	if err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	bal, err := tx.balance(ck)
	if err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	var reversed []byte
	if e.Reverses != "" {
		if reversed, err = tx.checkReversal(ck, e); err != nil {
			return fmt.Errorf("ledger: add points: %w", err)
		}
	}
	if bal+e.Points < 0 {
		return fmt.Errorf("ledger: add points: %w: balance %d, change %d", ErrInsufficientPoints, bal, e.Points)
	}
	// The caller read its clock before the write lock, so a writer that
	// waited may hold an earlier time than the customer's newest entry. It
	// goes at that entry's time instead (its sequence, taken here under the
	// lock, puts it after): a history in key order is then the order the
	// balance checks above ran in, and never dips below zero.
	if last := tx.newestPointsTime(ck); last.After(e.At) {
		e.At = last.In(e.At.Location())
	}
	b := tx.bucket(bucketPoints)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	k := timeKey(e.At, seq)
	e.ReversedBy = "" // a new entry; only its correction, later, reverses it
	if err := tx.putPoints(k, e); err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	if err := tx.bucket(bucketCustPoints).Put(concat(ck, k), []byte{}); err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	if reversed != nil {
		// The reversed entry's index key now names its correction: an
		// entry is reversed at most once (checkReversal asks there). The
		// entry itself says so too, so reading it costs no lookup.
		if err := tx.bucket(bucketCustPoints).Put(concat(ck, reversed), k); err != nil {
			return fmt.Errorf("ledger: add points: %w", err)
		}
		was, err := tx.markReversed(reversed, k)
		if err != nil {
			return fmt.Errorf("ledger: add points: %w", err)
		}
		if was.Kind == PointsEarn && e.Points == -was.Points {
			// An earn reversed is a visit that may not have happened (the
			// wrong customer, a typo): its day counts no more unless
			// another record is on it. A partial correction leaves the
			// visit: part of its points were spent, so the customer came.
			if err := tx.UncountVisit(e.CustomerID, was.At.In(e.At.Location())); err != nil {
				return fmt.Errorf("ledger: add points: %w", err)
			}
		}
	}
	if err := tx.bucket(bucketBalances).Put(ck, tx.sealCache(bucketBalances, ck, binary.AppendVarint(nil, bal+e.Points))); err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	if e.Kind == PointsEarn {
		if err := tx.RecordVisit(e.CustomerID, e.At); err != nil {
			return fmt.Errorf("ledger: add points: %w", err)
		}
	}
	// The entry's points join or leave the customer's lots (lots.go).
	if err := tx.lotsAfterEntry(ck, k, e); err != nil {
		return fmt.Errorf("ledger: add points: %w", err)
	}
	e.ID = idOf(k)
	return nil
}

// markReversed rewrites the entry at rk (its sealed part as it is) to name
// the correction at by, and returns it as it was stored (its sealed
// fields unread).
func (tx *Tx) markReversed(rk, by []byte) (PointsEntry, error) {
	b := tx.bucket(bucketPoints)
	v := b.Get(rk)
	if v == nil {
		return PointsEntry{}, fmt.Errorf("reversed entry %s: %w", idOf(rk), ErrNotFound)
	}
	p, sealed, err := decodePoints(rk, v)
	if err != nil {
		return PointsEntry{}, err
	}
	p.ReversedBy = idOf(by)
	// encodePoints copies sealed and the shop-sealed actor (bbolt's bytes)
	// before the Put replaces them.
	if err := b.Put(rk, encodePoints(&p, sealed, shopActor(v))); err != nil {
		return PointsEntry{}, fmt.Errorf("mark %s reversed: %w", idOf(rk), err)
	}
	return p, nil
}

// newestPointsTime returns the time of the newest points entry of the
// customer at key ck; the zero time if there is none.
func (tx *Tx) newestPointsTime(ck []byte) time.Time {
	var last time.Time
	_ = newestOf(tx.bucket(bucketCustPoints), ck, 1, func(k []byte) error {
		last = keyTime(k)
		return nil
	})
	return last
}

// balance returns the cached balance of the customer at key ck.
func (tx *Tx) balance(ck []byte) (int64, error) {
	v := tx.get(bucketBalances, ck)
	if v == nil {
		return 0, nil
	}
	bal, n := binary.Varint(v)
	if n <= 0 {
		return 0, fmt.Errorf("%w: balance of %s", ErrCorrupt, custIDOfKey(ck))
	}
	tagged, err := tx.openCache(bucketBalances, ck, v, n)
	if err != nil || tagged {
		return bal, err
	}
	// Stored before balances had a tag (cache.go): the history says
	// whether it is still what was written.
	sum, err := tx.pointsSum(ck)
	if err != nil {
		return 0, fmt.Errorf("balance of %s: %w", custIDOfKey(ck), err)
	}
	if sum != bal {
		return 0, fmt.Errorf("%w: balance of %s is %d, its entries add up to %d", ErrCorrupt, custIDOfKey(ck), bal, sum)
	}
	return bal, nil
}

// Balance returns a customer's points balance. It is kept in step with the
// entries in the same transaction as each entry, so it always equals their sum.
func (tx *Tx) Balance(customerID string) (int64, error) {
	ck, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, ck) == nil {
		return 0, fmt.Errorf("ledger: balance of %q: %w", customerID, ErrCustomerNotFound)
	}
	bal, err := tx.balance(ck)
	if err != nil {
		return 0, fmt.Errorf("ledger: %w", err)
	}
	return bal, nil
}

// PointsOf returns a customer's newest points entries first, at most limit
// (all if limit <= 0).
func (tx *Tx) PointsOf(customerID string, limit int) ([]PointsEntry, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: points of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []PointsEntry
	err := newestOf(tx.bucket(bucketCustPoints), ck, limit, func(k []byte) error {
		p, err := tx.pointsEntry(k)
		if err != nil && tx.skipDamaged(RecordPoints, err) {
			return nil
		}
		if err != nil {
			return err
		}
		if out == nil && limit > 0 {
			out = make([]PointsEntry, 0, min(limit, 64)) // /points asks for 5: one allocation, not four
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: points of %s: %w", customerID, err)
	}
	return out, nil
}

func (tx *Tx) pointsEntry(k []byte) (PointsEntry, error) {
	v := tx.get(bucketPoints, k)
	if v == nil {
		return PointsEntry{}, ErrNotFound
	}
	return tx.decodePoints(k, v)
}

// ScanPoints calls fn for every points entry with from <= At < to, in time order.
func (tx *Tx) ScanPoints(from, to time.Time, fn func(PointsEntry) error) error {
	return scanTime(tx.bucket(bucketPoints), from, to, func(k, v []byte) error {
		p, err := tx.decodePoints(k, v)
		if err != nil {
			return fmt.Errorf("ledger: scan points: %w", err)
		}
		return fn(p)
	})
}

// ScanPointsClear is ScanPoints without opening the sealed part: fn gets
// every points entry with from <= At < to, in time order, with ActorID and
// Reason empty (ReversedBy set as ScanPoints sets it). It is for summaries
// that add points up and costs no decryption.
func (tx *Tx) ScanPointsClear(from, to time.Time, fn func(PointsEntry) error) error {
	return scanTime(tx.bucket(bucketPoints), from, to, func(k, v []byte) error {
		p, _, err := decodePoints(k, v)
		if err != nil {
			return fmt.Errorf("ledger: scan points: %w", err)
		}
		if !reversedKnown(v) {
			p.ReversedBy = tx.reversedBy(p.CustomerID, k)
		}
		return fn(p)
	})
}
