package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Stamp cards. Stamps are append-only entries like points: an entry adds n
// stamps, a mistake is reversed by a correction naming it, never edited.
// The card (stamps on it, rewards) is derived from the entries and cached
// per customer in the same transaction. When the card reaches the
// programme's goal, a reward coupon is issued in the same transaction and
// the card starts again with the overflow.

// Stamp errors.
var (
	// ErrNoStampProgramme is returned by AddStamps when the programme in
	// force has no stamp card (StampRules.Goal 0).
	ErrNoStampProgramme = errors.New("ledger: the programme has no stamp card")
	// ErrStampsUsed is returned by ReverseStamps when the stamps to take
	// back went into rewards already used: the card cannot go below zero.
	ErrStampsUsed = errors.New("ledger: the stamps went into a reward already used")
)

// MaxStampsAtOnce bounds the stamps of one entry.
const MaxStampsAtOnce = 100

// StampRules are the programme's stamp card.
type StampRules struct {
	// Goal is how many stamps fill a card; 0: no stamp card.
	Goal int `json:"goal,omitempty"`
	// Reward is the coupon a full card gives.
	Reward CouponBenefit `json:"reward,omitzero"`
	// RewardDays is the reward's validity; 0: DefaultCouponDays.
	RewardDays int `json:"reward_days,omitempty"`
}

// Validate reports whether the rules can be stored: Goal 0 (off), or 1 to
// MaxStampGoal with a valid Reward; RewardDays 0 to MaxCouponDays. The
// error is a *RuleError.
func (r *StampRules) Validate() error {
	if r.Goal == 0 {
		return nil
	}
	if r.Goal < 1 || r.Goal > MaxStampGoal {
		return rangeErr(PartStamps, "goal", 1, MaxStampGoal)
	}
	if r.RewardDays < 0 || r.RewardDays > MaxCouponDays {
		return rangeErr(PartStamps, "reward_days", 0, MaxCouponDays)
	}
	if err := r.Reward.validate(PartStamps); err != nil {
		err.(*RuleError).Field = "reward"
		return err
	}
	return nil
}

// StampEntry is one append-only change to a customer's stamps.
type StampEntry struct {
	ID         string    `json:"id"` // assigned when appended; sorts by time
	CustomerID string    `json:"customer_id"`
	At         time.Time `json:"at"`
	// N is the stamps added (positive), or taken back by a correction
	// (negative).
	N       int    `json:"n"`
	ActorID string `json:"actor_id,omitempty"` // sealed
	Reason  string `json:"reason,omitempty"`   // sealed
	// Reverses is the id of the entry this correction reverses; empty for
	// any other. ReversedBy is read from the index.
	Reverses   string `json:"reverses,omitempty"`
	ReversedBy string `json:"reversed_by,omitempty"`
	// Coupons are the reward coupons this entry issued; Voided those its
	// correction took back to do it.
	Coupons []string `json:"coupons,omitempty"`
	Voided  []string `json:"voided,omitempty"`
	// Imported is set for stamps carried over from an export (ImportStamps).
	Imported bool `json:"imported,omitempty"`
}

// StampCard is a customer's card.
type StampCard struct {
	CustomerID string `json:"customer_id"`
	Stamps     int    `json:"stamps"` // on the current card, never negative
	// Goal is the programme's goal at the time asked (0: no stamp card).
	Goal    int `json:"goal"`
	Total   int `json:"total"`   // net stamps ever
	Rewards int `json:"rewards"` // full cards: rewards issued and not voided
}

// StampResult is what AddStamps or ReverseStamps did.
type StampResult struct {
	Entry   StampEntry
	Card    StampCard
	Rewards []Coupon // reward coupons issued
	Voided  []Coupon // reward coupons taken back
}

const stampVersion = 1

func encodeStamp(s *StampEntry, sealed []byte) []byte {
	var rev []byte
	if s.Reverses != "" {
		rev, _ = keyOfID(s.Reverses)
	}
	e := encoder{}
	e.byte(stampVersion)
	e.string(s.CustomerID)
	e.varint(int64(s.N))
	e.string(string(rev))
	e.strings(s.Coupons)
	e.strings(s.Voided)
	var flags byte
	if s.Imported {
		flags |= 1
	}
	e.byte(flags)
	e.string(string(sealed))
	return e.b
}

func decodeStamp(k, v []byte) (StampEntry, []byte, error) {
	d := newDecoder(v)
	d.version(stampVersion)
	s := StampEntry{ID: idOf(k), At: keyTime(k)}
	s.CustomerID = d.string()
	s.N = int(d.varint())
	if rev := d.string(); rev != "" {
		if len(rev) != timeKeyLen {
			d.fail("reversed key")
		}
		s.Reverses = idOf([]byte(rev))
	}
	s.Coupons = d.strings()
	s.Voided = d.strings()
	s.Imported = d.byte()&1 != 0
	sealed := d.string()
	if d.err != nil {
		return StampEntry{}, nil, fmt.Errorf("stamp entry %s: %w", s.ID, d.err)
	}
	return s, []byte(sealed), nil
}

func (tx *Tx) putStamp(k []byte, s *StampEntry) error {
	a, err := tx.aeadOf(s.CustomerID)
	if err != nil {
		return err
	}
	e := encoder{}
	e.string(s.ActorID)
	e.string(s.Reason)
	sealed, err := sealRecord(a, bucketStamps, k, e.b)
	if err != nil {
		return err
	}
	return tx.bucket(bucketStamps).Put(k, encodeStamp(s, sealed))
}

func (tx *Tx) stampEntry(k []byte) (StampEntry, error) {
	v := tx.get(bucketStamps, k)
	if v == nil {
		return StampEntry{}, ErrNotFound
	}
	s, sealed, err := decodeStamp(k, v)
	if err != nil {
		return StampEntry{}, err
	}
	a, err := tx.aeadOf(s.CustomerID)
	if err != nil {
		return StampEntry{}, err
	}
	plain, err := openRecord(a, bucketStamps, k, sealed)
	if err != nil {
		return StampEntry{}, err
	}
	if plain != nil {
		d := newDecoder(plain)
		s.ActorID, s.Reason = d.string(), d.string()
		if d.err != nil {
			return StampEntry{}, fmt.Errorf("stamp entry %s: %w", s.ID, d.err)
		}
	}
	if ck, ok := custKeyOf(s.CustomerID); ok {
		if rv := tx.get(bucketCustStamps, concat(ck, k)); len(rv) == timeKeyLen {
			s.ReversedBy = idOf(rv)
		}
	}
	return s, nil
}

// The card cache: stamps on the card, net stamps ever, rewards.
func (tx *Tx) stampCard(ck []byte) (StampCard, error) {
	v := tx.get(bucketStampCards, ck)
	if v == nil {
		return StampCard{CustomerID: custIDOfKey(ck)}, nil
	}
	return tx.decodeStampCard(ck, v)
}

// decodeStampCard reads a stored card, checking its tag (cache.go); a
// card stored before cards had one reads as it is.
func (tx *Tx) decodeStampCard(ck, v []byte) (StampCard, error) {
	card := StampCard{CustomerID: custIDOfKey(ck)}
	d := newDecoder(v)
	card.Stamps, card.Total, card.Rewards = int(d.varint()), int(d.varint()), int(d.varint())
	if d.err == nil {
		_, d.err = tx.openCache(bucketStampCards, ck, v, d.off)
	}
	if d.err != nil {
		return StampCard{}, fmt.Errorf("stamp card of %s: %w", card.CustomerID, d.err)
	}
	return card, nil
}

func (tx *Tx) putStampCard(ck []byte, c *StampCard) error {
	b := binary.AppendVarint(nil, int64(c.Stamps))
	b = binary.AppendVarint(b, int64(c.Total))
	b = binary.AppendVarint(b, int64(c.Rewards))
	return tx.bucket(bucketStampCards).Put(ck, tx.sealCache(bucketStampCards, ck, b))
}

// StampCardOf returns the customer's card, with the goal of the programme
// in force at at.
func (tx *Tx) StampCardOf(customerID string, at time.Time) (StampCard, error) {
	ck, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, ck) == nil {
		return StampCard{}, fmt.Errorf("ledger: stamp card of %q: %w", customerID, ErrCustomerNotFound)
	}
	card, err := tx.stampCard(ck)
	if err != nil {
		return StampCard{}, fmt.Errorf("ledger: %w", err)
	}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return StampCard{}, fmt.Errorf("ledger: stamp card of %s: %w", customerID, err)
	}
	card.Goal = p.Stamps.Goal
	return card, nil
}

func checkStampText(actorID, reason string) error {
	switch {
	case actorID == "":
		return invalid("stamps", "actor is required")
	case utf8.RuneCountInString(reason) > maxReasonRunes:
		return tooLong("stamps", "reason", maxReasonRunes)
	}
	return checkLine("stamps", "reason", reason)
}

// appendStamp stores s (its ID set here) for the customer at ck, never
// before their newest entry, and indexes it.
func (tx *Tx) appendStamp(ck []byte, s *StampEntry) ([]byte, error) {
	if last := tx.newestStampTime(ck); last.After(s.At) {
		s.At = last.In(s.At.Location())
	}
	b := tx.bucket(bucketStamps)
	seq, err := b.NextSequence()
	if err != nil {
		return nil, err
	}
	k := timeKey(s.At, seq)
	s.ID = idOf(k)
	return k, nil
}

func (tx *Tx) newestStampTime(ck []byte) time.Time {
	var last time.Time
	_ = newestOf(tx.bucket(bucketCustStamps), ck, 1, func(k []byte) error {
		last = keyTime(k)
		return nil
	})
	return last
}

func (tx *Tx) writeStamp(ck, k []byte, s *StampEntry) error {
	if err := tx.putStamp(k, s); err != nil {
		return err
	}
	return tx.bucket(bucketCustStamps).Put(concat(ck, k), []byte{})
}

// AddStamps adds n stamps (1 to MaxStampsAtOnce) to the customer's card at
// at, by actorID with an optional reason (sealed). Each time the card
// reaches the goal of the programme in force, a reward coupon is issued
// (valid StampRules.RewardDays, days in loc; a NoticeReward for the
// customer) and the card starts again with the overflow, so a large n may
// fill several cards. A card that already held the goal or more before
// the add (the goal was lowered since) is one full card: its reward takes
// its stamps in whole goals. With no stamp card in the programme it returns
// ErrNoStampProgramme and changes nothing.
func (tx *Tx) AddStamps(customerID string, n int, actorID, reason string, at time.Time, loc *time.Location) (StampResult, error) {
	fail := func(err error) (StampResult, error) { return StampResult{}, fmt.Errorf("ledger: add stamps: %w", err) }
	reason = strings.TrimSpace(reason)
	if n < 1 || n > MaxStampsAtOnce {
		return fail(&RuleError{Part: PartStamps, Field: "stamps", Level: -1, Problem: ProblemRange, Min: 1, Max: MaxStampsAtOnce})
	}
	if err := checkStampText(actorID, reason); err != nil {
		return fail(err)
	}
	ck, err := tx.liveCustomer(customerID)
	if err != nil {
		return fail(err)
	}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return fail(err)
	}
	if p.Stamps.Goal == 0 {
		return fail(ErrNoStampProgramme)
	}
	card, err := tx.stampCard(ck)
	if err != nil {
		return fail(err)
	}
	s := StampEntry{CustomerID: customerID, At: at, N: n, ActorID: actorID, Reason: reason}
	k, err := tx.appendStamp(ck, &s)
	if err != nil {
		return fail(err)
	}
	res := StampResult{}
	reward := func(took int) error {
		card.Stamps -= took
		card.Rewards++
		spec := CouponSpec{CustomerID: customerID, Benefit: p.Stamps.Reward, Days: p.Stamps.RewardDays, Source: SourceStamps, ActorID: actorID}
		c, err := tx.issueCoupon(spec, s.At, loc, s.ID, took)
		if err != nil {
			return err
		}
		s.Coupons = append(s.Coupons, c.ID)
		res.Rewards = append(res.Rewards, c)
		return nil
	}
	full := card.Stamps >= p.Stamps.Goal // only after the goal was lowered
	card.Stamps += n
	card.Total += n
	if full {
		// A card already full under a lowered goal (or imported so) is
		// one card: its reward takes its stamps in whole goals, the rest
		// stays for the next. Filling it goal by goal gave 4 coupons for
		// 3 stamps and one when the goal went from 10 to 1.
		before := card.Stamps - n
		if err := reward(before - before%p.Stamps.Goal); err != nil {
			return fail(err)
		}
	}
	for card.Stamps >= p.Stamps.Goal {
		if err := reward(p.Stamps.Goal); err != nil {
			return fail(err)
		}
	}
	if err := tx.writeStamp(ck, k, &s); err != nil {
		return fail(err)
	}
	if err := tx.putStampCard(ck, &card); err != nil {
		return fail(err)
	}
	if err := tx.logLoyalty(logEvent{at: s.At, kind: logStampAdd, customer: customerID, n: int64(n), a: s.ID}); err != nil {
		return fail(err)
	}
	card.Goal = p.Stamps.Goal
	res.Entry, res.Card = s, card
	return res, nil
}

// ReverseStamps reverses stamp entry id by a correction (an entry of the
// opposite stamps naming it) by actorID at at. When the card holds fewer
// stamps than the entry added (they filled a card), the customer's newest
// unused rewards are voided, each giving back the stamps it took, until
// it holds enough; when no unused reward is left it returns ErrStampsUsed.
// A correction is not reversed (ErrIsCorrection), an entry at most once
// (ErrAlreadyReversed); an unknown id returns ErrNotFound. A refusal
// changes nothing. Reversing works with the stamp card off too.
func (tx *Tx) ReverseStamps(entryID, actorID, reason string, at time.Time) (StampResult, error) {
	fail := func(err error) (StampResult, error) {
		return StampResult{}, fmt.Errorf("ledger: reverse stamps %s: %w", entryID, err)
	}
	reason = strings.TrimSpace(reason)
	if err := checkStampText(actorID, reason); err != nil {
		return fail(err)
	}
	ek, ok := keyOfID(entryID)
	if !ok {
		return fail(ErrNotFound)
	}
	orig, err := tx.stampEntry(ek)
	if err != nil {
		return fail(err)
	}
	switch {
	case orig.Reverses != "":
		return fail(ErrIsCorrection)
	case orig.ReversedBy != "":
		return fail(ErrAlreadyReversed)
	}
	ck, err := tx.liveCustomer(orig.CustomerID)
	if err != nil {
		return fail(err)
	}
	card, err := tx.stampCard(ck)
	if err != nil {
		return fail(err)
	}
	// Plan first, so a refusal writes nothing.
	var voids [][]byte
	var voided []Coupon
	have := card.Stamps
	if have < orig.N {
		err := newestOf(tx.bucket(bucketCustCoupons), ck, 0, func(k []byte) error {
			if have >= orig.N {
				return errStop
			}
			c, err := tx.coupon(k)
			if err != nil {
				return err
			}
			if c.Source == SourceStamps && (c.State == CouponValid || c.State == CouponExpired) {
				voids = append(voids, bytes.Clone(k))
				voided = append(voided, c)
				have += c.Stamps
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			return fail(err)
		}
		if have < orig.N {
			return fail(ErrStampsUsed)
		}
	}
	s := StampEntry{CustomerID: orig.CustomerID, At: at, N: -orig.N, ActorID: actorID, Reason: reason, Reverses: orig.ID}
	k, err := tx.appendStamp(ck, &s)
	if err != nil {
		return fail(err)
	}
	for i, vk := range voids {
		if err := tx.voidCoupon(vk, &voided[i], actorID, s.At); err != nil {
			return fail(err)
		}
		s.Voided = append(s.Voided, voided[i].ID)
		card.Rewards--
	}
	card.Stamps = have - orig.N
	card.Total -= orig.N
	if err := tx.writeStamp(ck, k, &s); err != nil {
		return fail(err)
	}
	if err := tx.bucket(bucketCustStamps).Put(concat(ck, ek), k); err != nil {
		return fail(err)
	}
	if err := tx.putStampCard(ck, &card); err != nil {
		return fail(err)
	}
	if err := tx.logLoyalty(logEvent{at: s.At, kind: logStampReverse, customer: s.CustomerID, n: int64(orig.N), a: s.ID}); err != nil {
		return fail(err)
	}
	if p, err := tx.ProgrammeAt(at); err == nil {
		card.Goal = p.Stamps.Goal
	}
	return StampResult{Entry: s, Card: card, Voided: voided}, nil
}

// StampCards calls fn with the card of every customer not erased who has
// one, in customer key order, its Goal the programme's in force at at. It
// only reads; an error of fn ends the walk and is returned.
func (tx *Tx) StampCards(at time.Time, fn func(StampCard) error) error {
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return fmt.Errorf("ledger: stamp cards: %w", err)
	}
	c := tx.bucket(bucketStampCards).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if tx.get(bucketErased, k) != nil {
			continue
		}
		card, err := tx.decodeStampCard(k, v)
		if err != nil {
			return fmt.Errorf("ledger: stamp cards: %w", err)
		}
		card.Goal = p.Stamps.Goal
		if err := fn(card); err != nil {
			return err
		}
	}
	return nil
}

// FillStampCards gives each customer not erased whose card holds the goal
// of the programme in force at at or more (the goal was lowered below it,
// or stamps were imported over it) the reward of that full card, as
// AddStamps would have at their next stamp: one coupon by actorID taking
// the card's stamps in whole goals (the rest stays on the card), valid
// StampRules.RewardDays (days in loc), with a NoticeReward, and in no
// stamp entry (Coupon.StampEntry is empty). It returns the coupons issued
// in customer key order; none when the programme has no stamp card. A
// change of the stamp card calls it, so no card waits full for a stamp.
func (tx *Tx) FillStampCards(actorID string, at time.Time, loc *time.Location) ([]Coupon, error) {
	fail := func(err error) ([]Coupon, error) { return nil, fmt.Errorf("ledger: fill stamp cards: %w", err) }
	if err := checkStampText(actorID, ""); err != nil {
		return fail(err)
	}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return fail(err)
	}
	goal := p.Stamps.Goal
	if goal == 0 {
		return nil, nil
	}
	// Found first, then written: a cursor's bucket is not changed under it.
	var full []StampCard
	err = tx.StampCards(at, func(c StampCard) error {
		if c.Stamps >= goal {
			full = append(full, c)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	var out []Coupon
	for _, card := range full {
		took := card.Stamps - card.Stamps%goal
		card.Stamps -= took
		card.Rewards++
		spec := CouponSpec{CustomerID: card.CustomerID, Benefit: p.Stamps.Reward, Days: p.Stamps.RewardDays, Source: SourceStamps, ActorID: actorID}
		c, err := tx.issueCoupon(spec, at, loc, "", took)
		if err != nil {
			return fail(err)
		}
		ck, _ := custKeyOf(card.CustomerID)
		if err := tx.putStampCard(ck, &card); err != nil {
			return fail(err)
		}
		out = append(out, c)
	}
	return out, nil
}

// errStop ends a walk early; never returned to callers.
var errStop = errors.New("stop")

// ImportStamps puts n stamps (1 to 10,000) carried over from an export on
// the customer's card at at, as one entry marked Imported: no reward is
// issued by it (the card may hold more than the goal until the next
// AddStamps, which gives one reward for the full card), nothing is logged
// as given this week.
func (tx *Tx) ImportStamps(customerID string, n int, actorID string, at time.Time) (StampEntry, error) {
	fail := func(err error) (StampEntry, error) { return StampEntry{}, fmt.Errorf("ledger: import stamps: %w", err) }
	if n < 1 || n > 10000 {
		return fail(invalid("stamps", "%d stamps to import", n))
	}
	if err := checkStampText(actorID, ""); err != nil {
		return fail(err)
	}
	ck, err := tx.liveCustomer(customerID)
	if err != nil {
		return fail(err)
	}
	card, err := tx.stampCard(ck)
	if err != nil {
		return fail(err)
	}
	s := StampEntry{CustomerID: customerID, At: at, N: n, ActorID: actorID, Imported: true}
	k, err := tx.appendStamp(ck, &s)
	if err != nil {
		return fail(err)
	}
	card.Stamps += n
	card.Total += n
	if err := tx.writeStamp(ck, k, &s); err != nil {
		return fail(err)
	}
	if err := tx.putStampCard(ck, &card); err != nil {
		return fail(err)
	}
	return s, nil
}

// StampsOf returns a customer's stamp entries newest first, at most limit
// (all if limit <= 0).
func (tx *Tx) StampsOf(customerID string, limit int) ([]StampEntry, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: stamps of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []StampEntry
	err := newestOf(tx.bucket(bucketCustStamps), ck, limit, func(k []byte) error {
		s, err := tx.stampEntry(k)
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: stamps of %s: %w", customerID, err)
	}
	return out, nil
}

// StampsCount returns how many stamp entries a customer has; they are
// numbered from 1, the oldest, as points entries are (StampAt).
func (tx *Tx) StampsCount(customerID string) (int, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return 0, fmt.Errorf("ledger: stamps count of %q: %w", customerID, ErrCustomerNotFound)
	}
	return countPrefix(tx.bucket(bucketCustStamps).Cursor(), ck), nil
}

// StampAt returns the customer's stamp entry number n (1 is the oldest),
// or ErrNotFound.
func (tx *Tx) StampAt(customerID string, n int) (StampEntry, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return StampEntry{}, fmt.Errorf("ledger: stamp entry of %q: %w", customerID, ErrCustomerNotFound)
	}
	k := nthOfPrefix(tx.bucket(bucketCustStamps).Cursor(), ck, n)
	if k == nil {
		return StampEntry{}, fmt.Errorf("ledger: stamp entry %d of %s: %w", n, customerID, ErrNotFound)
	}
	s, err := tx.stampEntry(k)
	if err != nil {
		return StampEntry{}, fmt.Errorf("ledger: stamp entry %d of %s: %w", n, customerID, err)
	}
	return s, nil
}
