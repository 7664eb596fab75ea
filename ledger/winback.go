package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Win-back (issue 14): a regular at risk (feedback's rule) gets a win-back
// message, from a staff member's [안부 메시지] or the automatic daily job,
// at most once per lapse: not again until they have visited again and
// lapsed again. A lapse is named by the last visit it follows
// (VisitStats.Last when the message went), so the mark needs no date
// arithmetic: a new visit moves Last past it, and the next lapse is a new
// one. The mark holds a customer key and times only, in the clear like the
// advertising consent. A message pressed in the night (21:00–08:00) waits
// in a queue for the morning, its text sealed under the customer's key: an
// erasure meanwhile makes it unreadable, and the morning drops it.

// Win-back buckets (listed in allBuckets).
var (
	bucketWinBack      = []byte("winback")       // custKey -> JSON WinBack
	bucketWinBackQueue = []byte("winback_queue") // sortable nanos of the send time + custKey -> sealed JSON queuedText
)

// ErrWinBackSent is returned when a customer's lapse had its win-back
// message already (sent, or queued for the morning): the next may go only
// after they have visited again and lapsed again.
var ErrWinBackSent = errors.New("ledger: win-back already sent for this lapse")

// MaxWinBackRunes bounds a queued message's text.
const MaxWinBackRunes = 1000

// SourceWinBack is the source of a win-back message's coupon.
const SourceWinBack CouponSource = "winback"

// WinBackActor is the actor of the automatic win-back's points and
// coupons.
const WinBackActor = "system:winback"

// WinBack is the mark of the last win-back message to one customer. The
// zero value (no At) is a customer never sent one.
type WinBack struct {
	CustomerID string `json:"-"`
	// Lapse is the customer's last visit when the message went: the lapse
	// it was for.
	Lapse time.Time `json:"lapse"`
	// At is when it was sent, or queued for the morning.
	At time.Time `json:"at"`
	// Auto reports the automatic win-back (else a staff member's).
	Auto bool `json:"auto,omitempty"`
	// Queued reports a message waiting for the morning (QueueWinBack):
	// it counts for its lapse already, so neither the job nor a second
	// press sends another meanwhile.
	Queued bool `json:"queued,omitempty"`
	// Skipped is the last visit of the lapse for which the automatic
	// win-back recorded the customer as skipped (no advertising consent):
	// the baseline is counted once per lapse too.
	Skipped time.Time `json:"skipped,omitzero"`
}

// Covers reports whether the mark is for the lapse of a customer whose
// visits are v: no visit since the message (or its queueing).
func (w WinBack) Covers(v VisitStats) bool {
	return !w.At.IsZero() && !v.Last.After(w.Lapse)
}

// SkipCovers reports whether the customer, whose visits are v, was
// recorded as skipped for this lapse already (MarkWinBackSkipped).
func (w WinBack) SkipCovers(v VisitStats) bool {
	return !w.Skipped.IsZero() && !v.Last.After(w.Skipped)
}

// QueuedWinBack is a staff member's win-back message waiting for the
// morning: its text (the part they wrote, sealed) and who wrote it.
type QueuedWinBack struct {
	CustomerID string
	SendAt     time.Time // the first moment it may go (08:00)
	Text       string    // what the staff member wrote; "" once the customer is erased
	ActorID    string    // who pressed [안부 메시지]; sealed
	key        []byte
}

// queuedText is a queued message's sealed part.
type queuedText struct {
	Text  string `json:"text"`
	Actor string `json:"actor"`
}

// WinBack returns customerID's win-back mark: the zero WinBack (with
// CustomerID set) when none was ever sent. ErrCustomerNotFound is returned
// for an id that names no customer.
func (tx *Tx) WinBack(customerID string) (WinBack, error) {
	k, ok := custKeyOf(customerID)
	if !ok || tx.bucket(bucketCustomers).Get(k) == nil {
		return WinBack{}, fmt.Errorf("ledger: win-back %s: %w", customerID, ErrCustomerNotFound)
	}
	w := WinBack{CustomerID: customerID}
	v := tx.bucket(bucketWinBack).Get(k)
	if v == nil {
		return w, nil
	}
	if err := json.Unmarshal(v, &w); err != nil {
		return WinBack{}, fmt.Errorf("ledger: win-back %s: %w: %v", customerID, ErrCorrupt, err)
	}
	w.CustomerID = customerID
	return w, nil
}

// winBackFor reads customerID's visits and mark and refuses one whose
// lapse had its message (ErrWinBackSent) or who may get no advertising at
// at (ErrNoConsent, Marketing.AdsAllowed).
func (tx *Tx) winBackFor(customerID string, at time.Time) ([]byte, VisitStats, error) {
	w, err := tx.WinBack(customerID)
	if err != nil {
		return nil, VisitStats{}, err
	}
	v, err := tx.VisitStatsOf(customerID)
	if err != nil {
		return nil, VisitStats{}, err
	}
	if w.Covers(v) {
		return nil, v, ErrWinBackSent
	}
	m, err := tx.Marketing(customerID)
	if err != nil {
		return nil, v, err
	}
	if !m.AdsAllowed(at) {
		return nil, v, ErrNoConsent
	}
	k, _ := custKeyOf(customerID)
	return k, v, nil
}

// prevSkipped is the Skipped of the mark stored at k, kept by a new mark.
func prevSkipped(tx *Tx, k []byte) time.Time {
	var w WinBack
	if v := tx.bucket(bucketWinBack).Get(k); v != nil && json.Unmarshal(v, &w) == nil {
		return w.Skipped
	}
	return time.Time{}
}

func (tx *Tx) putWinBack(k []byte, w WinBack) error {
	v, err := json.Marshal(w)
	if err != nil {
		return err
	}
	return tx.bucket(bucketWinBack).Put(k, v)
}

// MarkWinBack records a win-back message to customerID at at, for the
// lapse after their last visit, and gives r's benefit in the same
// transaction: a points entry (kind adjust, reason "winback", by actorID)
// and a coupon (SourceWinBack) issued at at, its notice marked delivered
// (the win-back message tells of it). It returns the coupon's code ("" when
// none). A lapse that had its message already is refused with
// ErrWinBackSent, a customer without advertising consent with
// ErrNoConsent (the offer is advertising); either gives nothing. Record
// the message in the same transaction (RecordOutreach, the outbox).
func (tx *Tx) MarkWinBack(customerID string, at time.Time, auto bool, r WinBackRules, actorID string, loc *time.Location) (string, error) {
	fail := func(err error) (string, error) { return "", fmt.Errorf("ledger: win-back %s: %w", customerID, err) }
	if at.IsZero() || actorID == "" {
		return fail(invalid("winback", "a time and an actor are required"))
	}
	k, v, err := tx.winBackFor(customerID, at)
	if err != nil {
		return fail(err)
	}
	if err := tx.putWinBack(k, WinBack{Lapse: v.Last, At: at, Auto: auto, Skipped: prevSkipped(tx, k)}); err != nil {
		return fail(err)
	}
	if r.Points > 0 {
		e := PointsEntry{CustomerID: customerID, At: at, Kind: PointsAdjust, Points: r.Points, ActorID: actorID, Reason: "winback"}
		if err := tx.AddPoints(&e); err != nil {
			return fail(fmt.Errorf("points: %w", err))
		}
	}
	if r.Coupon == nil {
		return "", nil
	}
	spec := CouponSpec{CustomerID: customerID, Benefit: *r.Coupon, Days: r.CouponDays, Source: SourceWinBack, ActorID: actorID}
	c, err := tx.IssueCoupon(spec, at, loc)
	if err != nil {
		return fail(fmt.Errorf("coupon: %w", err))
	}
	// The win-back message tells of the coupon: its notice is not told
	// again the next morning.
	if c.NoticeID != "" {
		if err := tx.MarkNoticeDelivered(c.NoticeID, at); err != nil {
			return fail(fmt.Errorf("coupon notice: %w", err))
		}
	}
	return c.Code, nil
}

// MarkWinBackSkipped records that the automatic win-back skipped
// customerID at at for the lapse after their last visit (the caller
// records why, as a skipped outreach): it is not counted again for that
// lapse. It changes no mark of a message sent.
func (tx *Tx) MarkWinBackSkipped(customerID string, at time.Time) error {
	w, err := tx.WinBack(customerID)
	if err != nil {
		return fmt.Errorf("ledger: win-back skipped: %w", err)
	}
	v, err := tx.VisitStatsOf(customerID)
	if err != nil {
		return fmt.Errorf("ledger: win-back skipped: %w", err)
	}
	w.Skipped = v.Last
	if w.Skipped.IsZero() {
		w.Skipped = at
	}
	k, _ := custKeyOf(customerID)
	return tx.putWinBack(k, w)
}

func winBackQueueKey(sendAt time.Time, ck []byte) []byte { return concat(timePrefix(sendAt), ck) }

// QueueWinBack keeps q, a staff member's message pressed in the night, for
// its SendAt, and marks its lapse as had (Queued), so nothing else is sent
// to the customer for it meanwhile; nothing is given yet. It refuses as
// MarkWinBack does (ErrWinBackSent, ErrNoConsent).
func (tx *Tx) QueueWinBack(q QueuedWinBack, at time.Time) error {
	fail := func(err error) error { return fmt.Errorf("ledger: queue win-back %s: %w", q.CustomerID, err) }
	if at.IsZero() || q.SendAt.IsZero() || q.ActorID == "" {
		return fail(invalid("winback", "a time, a send time and an actor are required"))
	}
	if q.Text == "" || utf8.RuneCountInString(q.Text) > MaxWinBackRunes {
		return fail(invalid("winback", "a text of 1 to %d characters is required", MaxWinBackRunes))
	}
	if err := checkText("winback", "text", q.Text); err != nil {
		return fail(err)
	}
	// Checked for when it goes out: the morning after a night's press.
	k, v, err := tx.winBackFor(q.CustomerID, q.SendAt)
	if err != nil {
		return fail(err)
	}
	plain, err := json.Marshal(queuedText{Text: q.Text, Actor: q.ActorID})
	if err != nil {
		return fail(err)
	}
	a, err := tx.aeadOf(q.CustomerID)
	if err != nil {
		return fail(err)
	}
	qk := winBackQueueKey(q.SendAt, k)
	sealed, err := sealRecord(a, bucketWinBackQueue, qk, plain)
	if err != nil {
		return fail(err)
	}
	if err := tx.bucket(bucketWinBackQueue).Put(qk, sealed); err != nil {
		return fail(err)
	}
	return tx.putWinBack(k, WinBack{Lapse: v.Last, At: at, Queued: true, Skipped: prevSkipped(tx, k)})
}

// DueWinBacks returns up to n queued messages whose SendAt is not after
// at, the earliest first. One whose customer was erased comes with an
// empty Text: drop it.
func (tx *Tx) DueWinBacks(at time.Time, n int) ([]QueuedWinBack, error) {
	var out []QueuedWinBack
	end := timePrefix(at.Add(time.Nanosecond))
	c := tx.bucket(bucketWinBackQueue).Cursor()
	for k, v := c.First(); k != nil && string(k[:8]) < string(end) && len(out) < n; k, v = c.Next() {
		if len(k) != 8+custKeyLen {
			return nil, fmt.Errorf("ledger: due win-backs: %w: key of %d bytes", ErrCorrupt, len(k))
		}
		q := QueuedWinBack{CustomerID: custIDOfKey(k[8:]), SendAt: keyTime(k), key: append([]byte(nil), k...)}
		a, err := tx.aeadOf(q.CustomerID)
		if err != nil {
			return nil, fmt.Errorf("ledger: due win-backs: %w", err)
		}
		plain, err := openRecord(a, bucketWinBackQueue, k, v)
		if err != nil {
			return nil, fmt.Errorf("ledger: due win-backs: %w", err)
		}
		if plain != nil {
			var qt queuedText
			if err := json.Unmarshal(plain, &qt); err != nil {
				return nil, fmt.Errorf("ledger: due win-backs %s: %w: %v", q.CustomerID, ErrCorrupt, err)
			}
			q.Text, q.ActorID = qt.Text, qt.Actor
		}
		out = append(out, q)
	}
	return out, nil
}

// TakeQueuedWinBack removes q (returned by DueWinBacks) from the queue and
// the Queued mark of its lapse, so that MarkWinBack may then record it as
// sent, or nothing is recorded when it may no longer go. It reports false
// when q was taken already (a second run of the same morning).
func (tx *Tx) TakeQueuedWinBack(q QueuedWinBack) (bool, error) {
	b := tx.bucket(bucketWinBackQueue)
	if q.key == nil || b.Get(q.key) == nil {
		return false, nil
	}
	if err := b.Delete(q.key); err != nil {
		return false, fmt.Errorf("ledger: take win-back %s: %w", q.CustomerID, err)
	}
	ck := q.key[8:]
	w, err := tx.WinBack(q.CustomerID)
	if err != nil && !errors.Is(err, ErrCustomerNotFound) {
		return false, err
	}
	if err == nil && w.Queued {
		if err := tx.bucket(bucketWinBack).Delete(ck); err != nil {
			return false, fmt.Errorf("ledger: take win-back %s: %w", q.CustomerID, err)
		}
	}
	return true, nil
}
