package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"
)

// Point lots. Every entry that adds points (an earn, an adjust that gives
// points, an import's carried-over balance) is a lot; every entry that
// takes points away takes them from the oldest lots first and records
// what it took from which (lot_takes), so a correction can put them back
// where they were. A lot keeps the expiry months of the programme in
// force when it was made; the daily run appends an expire entry for what
// is left of each lot past its end. So the balance stays the sum of the
// entries, and the lots' points left always add up to it.
//
// Rules, applied to each entry in key order (the hook in AddPoints):
//   - points > 0, a correction of a redeem or a taking adjust: back into
//     the lots that entry took from (a lot past its end then expires at
//     the next daily run, as it would have);
//   - points > 0 otherwise (also a correction of an expiry: the points
//     come back as a new lot): a new lot;
//   - points < 0, a correction of a lot's entry: from that lot first, the
//     rest from the oldest lots;
//   - an expire entry: nothing here (RunDaily takes from the lot it
//     expires), except when the lots are rebuilt from an old history;
//   - points < 0 otherwise: from the oldest lots.
//
// Lots of a customer are stored from the first entry that makes a lot
// that expires (built then from their whole history); before that, and
// for every customer of a shop whose points never expire, they are
// computed in memory from the history when read, and AddPoints writes
// nothing for them.

// Lot is points added by one entry, and what is left of them.
type Lot struct {
	CustomerID string    `json:"customer_id"`
	EntryID    string    `json:"entry_id"` // the points entry that made it
	At         time.Time `json:"at"`
	Points     int64     `json:"points"`
	Remaining  int64     `json:"remaining"`
	// Months is the expiry rule it was made under (ExpiryRules.Months);
	// 0: it never expires.
	Months int `json:"expiry_months,omitempty"`
	// Noticed is set once the customer was told it is about to expire.
	Noticed bool `json:"noticed,omitempty"`
}

// Ends returns the instant the lot's points are gone, the end of its last
// day (lotEnds), in loc (nil: At's location); the zero time when it never
// expires.
func (l *Lot) Ends(loc *time.Location) time.Time { return lotEnds(l.At, l.Months, locOr(loc, l.At)) }

// lotEnds is the start of the day after the last day of points earned at
// at and valid months months, counted as the Civil Act counts a period of
// months (민법 제157조, 제160조): from the day after the earn, ending the
// day before the same day months later, or on the last day of that month
// when it has no such day. Earned 1/15 with 1 month: usable through 2/15,
// gone at 2/16 00:00; earned 1/31: through 2/28 (2/29), gone 3/1; earned
// 4/30: through 5/31. It was the start of the day months after the earn's
// (clamped), so 1/31's month ended at the start of 2/28: 28 days, and every
// lot lost the last day a shop's customers count on.
func lotEnds(at time.Time, months int, loc *time.Location) time.Time {
	if months <= 0 {
		return time.Time{}
	}
	from := startOfDay(at, loc).AddDate(0, 0, 1) // 초일 불산입
	y, m, day := from.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, from.Location())
	if day > first.AddDate(0, 1, -1).Day() {
		return first.AddDate(0, 1, 0) // no such day: through the month's last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, from.Location())
}

// Expiry is a customer's next expiry: the points of their lots that end
// first, and when.
type Expiry struct {
	Points int64     `json:"points"`
	Ends   time.Time `json:"ends"` // the instant they are gone
	// On is the day they are gone (Ends' date); LastDay the day before,
	// the last on which they can be used. Both YYYY-MM-DD in the shop's zone.
	On      string `json:"on"`
	LastDay string `json:"last_day"`
}

func expiryAt(points int64, ends time.Time, loc *time.Location) Expiry {
	return Expiry{Points: points, Ends: ends, On: ends.In(loc).Format(time.DateOnly),
		LastDay: ends.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)}
}

const lotVersion = 1

type lotRec struct {
	key       []byte // the entry's time key
	points    int64
	remaining int64
	months    int
	noticed   bool
	inOpen    bool // listed in book.open
}

func (r *lotRec) at() time.Time { return keyTime(r.key) }

func encodeLot(r *lotRec) []byte {
	e := encoder{}
	e.byte(lotVersion)
	e.varint(r.points)
	e.varint(r.remaining)
	e.uvarint(uint64(r.months))
	var flags byte
	if r.noticed {
		flags |= 1
	}
	e.byte(flags)
	return e.b
}

func decodeLot(k, v []byte) (*lotRec, error) {
	d := newDecoder(v)
	d.version(lotVersion)
	r := &lotRec{key: bytes.Clone(k)}
	r.points, r.remaining = d.varint(), d.varint()
	r.months = int(d.uvarint())
	r.noticed = d.byte()&1 != 0
	if d.err != nil {
		return nil, fmt.Errorf("lot %s: %w", idOf(k), d.err)
	}
	return r, nil
}

type lotTake struct {
	lot string // lot's key, as a string for map keys
	n   int64
}

// lotBook is one customer's lots while a transaction works on them: read
// from the buckets as needed, changed in memory, written back by persist.
type lotBook struct {
	tx      *Tx
	ck      []byte
	fresh   bool // no lots stored yet: built here by a replay
	lots    map[string]*lotRec
	open    []*lotRec // lots with points left, in key order (loaded once)
	loaded  bool
	takes   map[string][]lotTake // new takes, by taker key
	dirty   map[string]bool
	allLots bool // every lot is in lots (a replay, or LotsOf)
}

// lotBookOf returns the book of the customer at ck; lots never built are
// built in memory from the customer's entries (persist stores them).
func (tx *Tx) lotBookOf(ck []byte) (*lotBook, error) {
	b := &lotBook{tx: tx, ck: ck, lots: map[string]*lotRec{}, takes: map[string][]lotTake{}, dirty: map[string]bool{}}
	if tx.get(bucketLotState, ck) != nil {
		return b, nil
	}
	b.fresh, b.loaded, b.allLots = true, true, true
	pb := tx.bucket(bucketPoints)
	err := forPrefix(tx.bucket(bucketCustPoints), ck, func(tk []byte) error {
		v := pb.Get(tk)
		if v == nil {
			return nil
		}
		p, _, err := decodePoints(tk, v)
		if err != nil {
			return err
		}
		return b.apply(tk, &p, true)
	})
	if err != nil {
		return nil, fmt.Errorf("build lots of %s: %w", custIDOfKey(ck), err)
	}
	return b, nil
}

// get returns the lot made by the entry at key, nil if none.
func (b *lotBook) get(key []byte) (*lotRec, error) {
	if r, ok := b.lots[string(key)]; ok || b.fresh {
		return r, nil
	}
	v := b.tx.get(bucketLots, concat(b.ck, key))
	if v == nil {
		return nil, nil
	}
	r, err := decodeLot(key, v)
	if err != nil {
		return nil, err
	}
	b.lots[string(key)] = r
	return r, nil
}

// openLots returns the lots with points left, oldest first.
func (b *lotBook) openLots() ([]*lotRec, error) {
	if !b.loaded {
		b.loaded = true
		var keys [][]byte
		c := b.tx.bucket(bucketLotOpen).Cursor()
		for k, _ := c.Seek(b.ck); k != nil && bytes.HasPrefix(k, b.ck); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k[len(b.ck):]))
		}
		for _, k := range keys {
			r, err := b.get(k)
			if err != nil {
				return nil, err
			}
			if r != nil && !r.inOpen {
				r.inOpen = true
				b.open = append(b.open, r)
			}
		}
		// Lots this book changed but has not written (new ones, points
		// put back) are not in the index yet.
		for key := range b.dirty {
			if r := b.lots[key]; r.remaining > 0 && !r.inOpen {
				b.insertOpen(r)
			}
		}
	}
	return b.open, nil
}

// reopen lists r among the open lots again (points were put back, or a
// new lot). Before the open lots are loaded there is no list to keep:
// loading them picks r up (openLots).
func (b *lotBook) reopen(r *lotRec) error {
	if !b.loaded || r.inOpen {
		return nil
	}
	b.insertOpen(r)
	return nil
}

func (b *lotBook) insertOpen(r *lotRec) {
	r.inOpen = true
	i, _ := slices.BinarySearchFunc(b.open, r.key, func(x *lotRec, k []byte) int { return bytes.Compare(x.key, k) })
	b.open = slices.Insert(b.open, i, r)
}

func (b *lotBook) add(r *lotRec) error {
	b.lots[string(r.key)] = r
	b.dirty[string(r.key)] = true
	return b.reopen(r)
}

// take moves n points out of lot r for the entry at taker.
func (b *lotBook) take(taker []byte, r *lotRec, n int64) {
	if n <= 0 {
		return
	}
	r.remaining -= n
	b.dirty[string(r.key)] = true
	ts := b.takes[string(taker)]
	for i := range ts {
		if ts[i].lot == string(r.key) {
			ts[i].n += n
			return
		}
	}
	b.takes[string(taker)] = append(ts, lotTake{lot: string(r.key), n: n})
}

// takesOf returns what the entry at taker took from which lot.
func (b *lotBook) takesOf(taker []byte) ([]lotTake, error) {
	if ts, ok := b.takes[string(taker)]; ok || b.fresh {
		return ts, nil
	}
	var out []lotTake
	c := b.tx.bucket(bucketLotTakes).Cursor()
	for k, v := c.Seek(taker); k != nil && bytes.HasPrefix(k, taker); k, v = c.Next() {
		n, m := binary.Varint(v)
		if m <= 0 || len(k) != 2*timeKeyLen {
			return nil, fmt.Errorf("%w: lot take %x", ErrCorrupt, k)
		}
		out = append(out, lotTake{lot: string(k[timeKeyLen:]), n: n})
	}
	return out, nil
}

// consume takes n points for the entry at taker from the oldest lots; a
// shortfall (lots already short of the balance) is left untaken. With the
// open lots not loaded and nothing changed yet, it walks the open index
// only as far as it takes (a redeem usually needs one or two lots of a
// regular's many).
func (b *lotBook) consume(taker []byte, n int64) error {
	if n <= 0 {
		return nil
	}
	if !b.loaded && len(b.dirty) == 0 {
		var keys [][]byte
		c := b.tx.bucket(bucketLotOpen).Cursor()
		var sum int64
		for k, _ := c.Seek(b.ck); k != nil && bytes.HasPrefix(k, b.ck) && sum < n; k, _ = c.Next() {
			key := bytes.Clone(k[len(b.ck):])
			r, err := b.get(key)
			if err != nil {
				return err
			}
			if r != nil {
				keys = append(keys, key)
				sum += r.remaining
			}
		}
		for _, key := range keys {
			r := b.lots[string(key)]
			t := min(r.remaining, n)
			b.take(taker, r, t)
			n -= t
		}
		return nil
	}
	open, err := b.openLots()
	if err != nil {
		return err
	}
	for _, r := range open {
		if n <= 0 {
			break
		}
		t := min(r.remaining, n)
		b.take(taker, r, t)
		n -= t
	}
	return nil
}

// apply applies the entry p at k to the lots (see the rules above).
func (b *lotBook) apply(k []byte, p *PointsEntry, replay bool) error {
	var rk []byte
	if p.Reverses != "" {
		rk, _ = keyOfID(p.Reverses)
	}
	switch {
	case p.Points > 0:
		if rk != nil {
			orig := b.tx.get(bucketPoints, rk)
			if orig != nil {
				o, _, err := decodePoints(rk, orig)
				if err != nil {
					return err
				}
				if o.Kind != PointsExpire {
					ts, err := b.takesOf(rk)
					if err != nil {
						return err
					}
					if len(ts) > 0 {
						for _, t := range ts {
							r, err := b.get([]byte(t.lot))
							if err != nil {
								return err
							}
							if r == nil {
								continue
							}
							r.remaining += t.n
							b.dirty[t.lot] = true
							if err := b.reopen(r); err != nil {
								return err
							}
						}
						return nil
					}
				}
			}
		}
		months, err := b.tx.expiryMonthsAt(p.At)
		if err != nil {
			return err
		}
		return b.add(&lotRec{key: bytes.Clone(k), points: p.Points, remaining: p.Points, months: months})
	case p.Kind == PointsExpire && !replay:
		return nil
	}
	need := -p.Points
	if rk != nil {
		r, err := b.get(rk)
		if err != nil {
			return err
		}
		if r != nil && r.remaining > 0 {
			t := min(r.remaining, need)
			b.take(k, r, t)
			need -= t
		}
	}
	return b.consume(k, need)
}

// persist writes the changed lots with their open and due index entries,
// the new takes, and for a book built here the customer's built mark.
func (b *lotBook) persist() error {
	tx := b.tx
	lots, open, due := tx.bucket(bucketLots), tx.bucket(bucketLotOpen), tx.bucket(bucketLotDue)
	for key := range b.dirty {
		r := b.lots[key]
		k := []byte(key)
		if err := lots.Put(concat(b.ck, k), encodeLot(r)); err != nil {
			return err
		}
		ok, dk := concat(b.ck, k), concat([]byte{byte(r.months)}, k, b.ck)
		var err error
		if r.remaining > 0 {
			err = open.Put(ok, []byte{})
		} else {
			err = open.Delete(ok)
		}
		if err != nil {
			return err
		}
		if r.months > 0 && r.remaining > 0 {
			err = due.Put(dk, []byte{})
		} else if r.months > 0 {
			err = due.Delete(dk)
		}
		if err != nil {
			return err
		}
	}
	takes := tx.bucket(bucketLotTakes)
	for taker, ts := range b.takes {
		for _, t := range ts {
			tk := concat([]byte(taker), []byte(t.lot))
			n := t.n
			if v := takes.Get(tk); v != nil {
				old, _ := binary.Varint(v)
				n += old
			}
			if err := takes.Put(tk, binary.AppendVarint(nil, n)); err != nil {
				return err
			}
		}
	}
	clear(b.dirty)
	clear(b.takes)
	if b.fresh {
		b.fresh = false
		return tx.bucket(bucketLotState).Put(b.ck, []byte{})
	}
	return nil
}

// lotsAfterEntry is AddPoints' hook: it applies the entry e just stored at
// k to the lots of the customer at ck. Lots are stored only once a
// customer has one that expires: before that (every customer of a shop
// whose points never expired) their lots are what a replay of their
// history makes, so nothing is written until an entry makes an expiring
// lot, which builds them all.
func (tx *Tx) lotsAfterEntry(ck, k []byte, e *PointsEntry) error {
	fresh := tx.get(bucketLotState, ck) == nil
	if fresh {
		if e.Points < 0 {
			return nil
		}
		months, err := tx.expiryMonthsAt(e.At)
		if err != nil || months == 0 {
			return err
		}
	}
	b, err := tx.lotBookOf(ck) // a fresh book's replay already applied e
	if err != nil {
		return err
	}
	if !fresh {
		if err := b.apply(k, e, false); err != nil {
			return fmt.Errorf("lots: %w", err)
		}
	}
	if err := b.persist(); err != nil {
		return fmt.Errorf("lots: %w", err)
	}
	return nil
}

func (r *lotRec) lot(ck []byte) Lot {
	return Lot{CustomerID: custIDOfKey(ck), EntryID: idOf(r.key), At: r.at(), Points: r.points, Remaining: r.remaining,
		Months: r.months, Noticed: r.noticed}
}

// LotsOf returns every lot of the customer, oldest first, spent ones
// included (Remaining 0).
func (tx *Tx) LotsOf(customerID string) ([]Lot, error) {
	ck, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, ck) == nil {
		return nil, fmt.Errorf("ledger: lots of %q: %w", customerID, ErrCustomerNotFound)
	}
	b, err := tx.lotBookOf(ck)
	if err != nil {
		return nil, fmt.Errorf("ledger: lots of %s: %w", customerID, err)
	}
	var recs []*lotRec
	if b.fresh {
		for _, r := range b.lots {
			recs = append(recs, r)
		}
	} else {
		c := tx.bucket(bucketLots).Cursor()
		for k, v := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, v = c.Next() {
			r, err := decodeLot(k[len(ck):], v)
			if err != nil {
				return nil, fmt.Errorf("ledger: lots of %s: %w", customerID, err)
			}
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b *lotRec) int { return bytes.Compare(a.key, b.key) })
	out := make([]Lot, len(recs))
	for i, r := range recs {
		out[i] = r.lot(ck)
	}
	return out, nil
}

// NextExpiry returns the customer's next expiry, days in loc (nil: UTC):
// the points left in the lots that end first (all lots ending that day),
// and when; ok is false when none of their points expire. Points past
// their end that the daily run has not expired yet count as next.
func (tx *Tx) NextExpiry(customerID string, loc *time.Location) (Expiry, bool, error) {
	if loc == nil {
		loc = time.UTC
	}
	ck, ok := custKeyOf(customerID)
	if !ok || tx.get(bucketCustomers, ck) == nil {
		return Expiry{}, false, fmt.Errorf("ledger: next expiry of %q: %w", customerID, ErrCustomerNotFound)
	}
	b, err := tx.lotBookOf(ck)
	if err != nil {
		return Expiry{}, false, fmt.Errorf("ledger: next expiry of %s: %w", customerID, err)
	}
	open, err := b.openLots()
	if err != nil {
		return Expiry{}, false, fmt.Errorf("ledger: next expiry of %s: %w", customerID, err)
	}
	var first time.Time
	var pts int64
	for _, r := range open {
		if r.remaining <= 0 || r.months == 0 {
			continue
		}
		switch end := lotEnds(r.at(), r.months, loc); {
		case first.IsZero() || end.Before(first):
			first, pts = end, r.remaining
		case end.Equal(first):
			pts += r.remaining
		}
	}
	if first.IsZero() {
		return Expiry{}, false, nil
	}
	return expiryAt(pts, first, loc), true, nil
}

// dueLot is an entry of the lot_due index.
type dueLot struct {
	months int
	lot    []byte // entry key
	ck     []byte
	ends   time.Time
}

// dueLots returns up to limit+1 lots whose end is before until (in end
// order within each month count), skipping those keep rejects.
func (tx *Tx) dueLots(until time.Time, loc *time.Location, limit int, keep func(dueLot) bool) ([]dueLot, error) {
	var out []dueLot
	c := tx.bucket(bucketLotDue).Cursor()
	for m := 1; m <= MaxExpiryMonths && len(out) <= limit; m++ {
		prefix := []byte{byte(m)}
		for k, _ := c.Seek(prefix); k != nil && k[0] == byte(m) && len(out) <= limit; k, _ = c.Next() {
			if len(k) != 1+timeKeyLen+custKeyLen {
				return nil, fmt.Errorf("%w: lot due %x", ErrCorrupt, k)
			}
			d := dueLot{months: m, lot: bytes.Clone(k[1 : 1+timeKeyLen]), ck: bytes.Clone(k[1+timeKeyLen:])}
			d.ends = lotEnds(keyTime(d.lot), m, loc)
			if !d.ends.Before(until) {
				break // ends only grow with the lot's day
			}
			if keep(d) {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// expireLots appends an expire entry for what is left of up to limit lots
// past their end at now (days in loc), recording a NoticeExpired per
// customer and end day. It returns the lots and points expired, the
// notices, and whether more may be due.
func (tx *Tx) expireLots(now time.Time, loc *time.Location, limit int) (int, int64, []Notice, bool, error) {
	due, err := tx.dueLots(now.Add(time.Nanosecond), loc, limit, func(dueLot) bool { return true })
	if err != nil {
		return 0, 0, nil, false, err
	}
	more := len(due) > limit
	if more {
		due = due[:limit]
	}
	type group struct {
		ck   string
		ends time.Time
	}
	sums := map[group]int64{}
	var order []group
	var points int64
	for _, d := range due {
		if tx.get(bucketErased, d.ck) != nil {
			// No one to expire for: the lot stays as it was, out of the index.
			if err := tx.bucket(bucketLotDue).Delete(concat([]byte{byte(d.months)}, d.lot, d.ck)); err != nil {
				return 0, 0, nil, false, err
			}
			continue
		}
		n, err := tx.expireLot(d, now)
		if err != nil {
			return 0, 0, nil, false, err
		}
		points += n
		if n > 0 {
			g := group{string(d.ck), d.ends}
			if _, ok := sums[g]; !ok {
				order = append(order, g)
			}
			sums[g] += n
		}
	}
	var notices []Notice
	for _, g := range order {
		n := Notice{CustomerID: custIDOfKey([]byte(g.ck)), Kind: NoticeExpired, Points: sums[g], On: g.ends.In(loc).Format(time.DateOnly)}
		if err := tx.addNotice(&n, now); err != nil {
			return 0, 0, nil, false, err
		}
		notices = append(notices, n)
	}
	return len(due), points, notices, more, nil
}

// expireLot expires what is left of one due lot at now: an expire entry
// of it (never more than the balance), taken from that lot alone, logged
// at the lot's end.
func (tx *Tx) expireLot(d dueLot, now time.Time) (int64, error) {
	b, err := tx.lotBookOf(d.ck)
	if err != nil {
		return 0, err
	}
	r, err := b.get(d.lot)
	if err != nil || r == nil {
		return 0, err
	}
	if b.fresh {
		// Cannot happen (a due lot is a stored lot); persist the build.
		return 0, b.persist()
	}
	bal, err := tx.balance(d.ck)
	if err != nil {
		return 0, err
	}
	n := min(r.remaining, bal)
	taker := []byte(nil)
	if n > 0 {
		e := PointsEntry{CustomerID: custIDOfKey(d.ck), At: now, Kind: PointsExpire, Points: -n, ActorID: "system:expiry"}
		if err := tx.AddPoints(&e); err != nil {
			return 0, err
		}
		taker, _ = keyOfID(e.ID)
		// At the last moment they were good, as coupons: in the week
		// they ended, not the one after.
		if err := tx.logLoyalty(logEvent{at: d.ends.Add(-time.Nanosecond), kind: logPointsExpired, customer: e.CustomerID, n: n, a: e.ID}); err != nil {
			return 0, err
		}
	}
	if taker != nil {
		b.take(taker, r, n)
	}
	if r.remaining > 0 { // lots ahead of the balance: set right
		r.remaining = 0
		b.dirty[string(r.key)] = true
	}
	return n, b.persist()
}

// noticeLots records one NoticeExpireSoon for each customer with lots
// ending within days of now, or within expiryNoticeDays of their months
// when fewer (and not yet ended), that no notice told of yet. The notice tells all of that customer's points ending from the
// earliest such end until days after it (Points, On the earliest end,
// Until the latest), and marks those lots told: a customer who earned on
// five days was told five times, on five mornings in a row, as each lot
// came within days of its end; now once, and again only for points ending
// more than days after the first. It looks at up to limit due lots and
// returns the notices and whether more may be due.
func (tx *Tx) noticeLots(now time.Time, loc *time.Location, days, limit int) ([]Notice, bool, error) {
	lots := tx.bucket(bucketLots)
	today := startOfDay(now, loc)
	due, err := tx.dueLots(today.AddDate(0, 0, days+1), loc, limit, func(d dueLot) bool {
		if !d.ends.After(now) || !d.ends.Before(today.AddDate(0, 0, min(days, expiryNoticeDays(d.months))+1)) {
			return false // a short-lived lot is told nearer its end (ExpiryNoticeShortDays)
		}
		v := lots.Get(concat(d.ck, d.lot))
		return v != nil && len(v) > 0 && v[len(v)-1]&1 == 0
	})
	if err != nil {
		return nil, false, err
	}
	more := len(due) > limit
	if more {
		due = due[:limit]
	}
	var notices []Notice
	seen := map[string]bool{}
	for _, d := range due {
		if seen[string(d.ck)] || tx.get(bucketErased, d.ck) != nil {
			continue
		}
		seen[string(d.ck)] = true
		n, ok, err := tx.noticeCustomerLots(d.ck, now, loc, days)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue
		}
		if err := tx.addNotice(&n, now); err != nil {
			return nil, false, err
		}
		notices = append(notices, n)
	}
	return notices, more, nil
}

// noticeCustomerLots marks told the lots of the customer at ck that
// noticeLots tells in one notice, and returns that notice (not yet
// recorded); ok is false when none is left to tell.
func (tx *Tx) noticeCustomerLots(ck []byte, now time.Time, loc *time.Location, days int) (Notice, bool, error) {
	b, err := tx.lotBookOf(ck)
	if err != nil {
		return Notice{}, false, err
	}
	open, err := b.openLots()
	if err != nil {
		return Notice{}, false, err
	}
	type told struct {
		r    *lotRec
		ends time.Time
	}
	var cands []told
	var first time.Time
	for _, r := range open {
		if r.months == 0 || r.noticed || r.remaining <= 0 {
			continue
		}
		ends := lotEnds(r.at(), r.months, loc)
		if !ends.After(now) {
			continue
		}
		cands = append(cands, told{r, ends})
		if first.IsZero() || ends.Before(first) {
			first = ends
		}
	}
	if first.IsZero() {
		return Notice{}, false, nil
	}
	horizon := first.AddDate(0, 0, days)
	var pts int64
	last := first
	for _, c := range cands {
		if c.ends.After(horizon) {
			continue
		}
		c.r.noticed = true
		b.dirty[string(c.r.key)] = true
		pts += c.r.remaining
		if c.ends.After(last) {
			last = c.ends
		}
	}
	if err := b.persist(); err != nil {
		return Notice{}, false, err
	}
	n := Notice{CustomerID: custIDOfKey(ck), Kind: NoticeExpireSoon, Points: pts, On: first.In(loc).Format(time.DateOnly)}
	if !last.Equal(first) {
		n.Until = last.In(loc).Format(time.DateOnly)
	}
	return n, true, nil
}
