package ledger

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Loyalty's buckets. store.go's allBuckets lists them, so Open creates
// them in a file made before loyalty existed. Index buckets hold keys only
// unless said.
var (
	bucketProgramme     = []byte("programme")      // time key of Since -> JSON Programme
	bucketTiers         = []byte("tiers")          // custKey -> JSON tier record
	bucketLoyaltyLog    = []byte("loyalty_log")    // time key -> binary loyalty event (ids and numbers only)
	bucketNotices       = []byte("notices")        // time key -> JSON Notice
	bucketNoticePending = []byte("notice_pending") // notice key, while the notice waits to be told
	bucketStamps        = []byte("stamps")         // time key -> binary StampEntry, actor and reason sealed
	bucketCustStamps    = []byte("cust_stamps")    // custKey + time key -> the key of its correction, if reversed
	bucketStampCards    = []byte("stamp_cards")    // custKey -> varints: stamps on the card, net stamps ever, rewards
	bucketCoupons       = []byte("coupons")        // time key of issue -> JSON coupon, note and actors sealed
	bucketCustCoupons   = []byte("cust_coupons")   // custKey + coupon key
	bucketCouponCodes   = []byte("coupon_code")    // code -> coupon key
	bucketCouponDue     = []byte("coupon_due")     // sortable nanos of the end + coupon key, while valid
	bucketLots          = []byte("lots")           // custKey + entry key -> binary lot
	bucketLotOpen       = []byte("lot_open")       // custKey + entry key, while the lot has points left
	bucketLotDue        = []byte("lot_due")        // months byte + entry key + custKey, while an expiring lot has points left
	bucketLotTakes      = []byte("lot_takes")      // key of a taking entry + lot's entry key -> varint points taken
	bucketLotState      = []byte("lot_state")      // custKey: the customer's lots are built (lots.go)
)

// loyaltyBuckets are the buckets above (store.go lists them in allBuckets
// too; TestLoyaltyOnOldFile checks Open makes each).
var loyaltyBuckets = [][]byte{
	bucketProgramme, bucketTiers, bucketLoyaltyLog, bucketNotices, bucketNoticePending,
	bucketStamps, bucketCustStamps, bucketStampCards, bucketCoupons, bucketCustCoupons,
	bucketCouponCodes, bucketCouponDue, bucketLots, bucketLotOpen, bucketLotDue, bucketLotTakes,
	bucketLotState,
}

// The loyalty log: one small clear record per loyalty event (a stamp
// given, a coupon used, points expired, a tier move), in time order, so a
// week's figures are one range scan that opens nothing sealed.

type logKind byte

const (
	logStampAdd      logKind = 1 // n stamps given
	logStampReverse  logKind = 2 // n stamps taken back by a correction
	logReward        logKind = 3 // a full card issued reward coupon ref
	logCouponIssued  logKind = 4 // coupon ref issued (rewards included)
	logCouponUsed    logKind = 5
	logCouponExpired logKind = 6
	logCouponVoided  logKind = 7
	logPointsExpired logKind = 8 // n points expired
	logTierMove      logKind = 9 // from a to b, n the TierCause
	// logCouponUnused is a use of coupon ref taken back, logged at the
	// moment of the use it cancels.
	logCouponUnused logKind = 10
)

type logEvent struct {
	at       time.Time
	kind     logKind
	customer string
	n        int64
	a, b     string
}

const logVersion = 1

func encodeLog(e *logEvent) []byte {
	en := encoder{b: make([]byte, 0, 16+len(e.customer)+len(e.a)+len(e.b))}
	en.byte(logVersion)
	en.byte(byte(e.kind))
	en.string(e.customer)
	en.varint(e.n)
	en.string(e.a)
	en.string(e.b)
	return en.b
}

func decodeLog(k, v []byte) (logEvent, error) {
	d := newDecoder(v)
	d.version(logVersion)
	e := logEvent{at: keyTime(k)}
	e.kind = logKind(d.byte())
	e.customer = d.string()
	e.n = d.varint()
	e.a = d.string()
	e.b = d.string()
	if d.err != nil {
		return logEvent{}, fmt.Errorf("loyalty event %s: %w", idOf(k), d.err)
	}
	return e, nil
}

// logLoyalty appends e to the loyalty log.
func (tx *Tx) logLoyalty(e logEvent) error {
	b := tx.bucket(bucketLoyaltyLog)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return b.Put(timeKey(e.at, seq), encodeLog(&e))
}

func (tx *Tx) scanLog(from, to time.Time, fn func(logEvent) error) error {
	return scanTime(tx.bucket(bucketLoyaltyLog), from, to, func(k, v []byte) error {
		e, err := decodeLog(k, v)
		if err != nil {
			return err
		}
		return fn(e)
	})
}

// Notices: what dangol must tell a customer about their loyalty (a new
// tier, points about to expire, a reward coupon). Each is written in the
// same transaction as its cause and waits in the pending list until the
// caller marks it delivered, so a crash between the two loses none.

// NoticeKind is the kind of a Notice.
type NoticeKind string

// Notice kinds and the fields each fills.
const (
	NoticeTierUp       NoticeKind = "tier_up"            // Tier (new), FromTier
	NoticeTierDownSoon NoticeKind = "tier_down_soon"     // Tier (to come), FromTier, On (the day it happens)
	NoticeTierDown     NoticeKind = "tier_down"          // Tier (new), FromTier
	NoticeExpireSoon   NoticeKind = "points_expire_soon" // Points, On (the day the first are gone), Until (the last)
	NoticeExpired      NoticeKind = "points_expired"     // Points
	NoticeReward       NoticeKind = "stamp_reward"       // CouponID (the reward), Points (stamps the card took)
	NoticeCoupon       NoticeKind = "coupon_issued"      // CouponID
	NoticeCouponVoid   NoticeKind = "coupon_voided"      // CouponID (a coupon told of, then taken back)
)

// NoticeState is where a Notice is in its life.
type NoticeState string

// Notice states.
const (
	NoticePending   NoticeState = "pending"
	NoticeDelivered NoticeState = "delivered"
	NoticeCancelled NoticeState = "cancelled" // its cause went away before it was told (a customer requalified)
)

// Notice is one thing to tell a customer. It holds ids, tier ids, numbers
// and dates only, nothing personal: the chat writes the words.
type Notice struct {
	ID         string      `json:"-"` // time key id; sorts by time
	CustomerID string      `json:"customer_id"`
	At         time.Time   `json:"-"`
	Kind       NoticeKind  `json:"kind"`
	State      NoticeState `json:"state"`
	DoneAt     time.Time   `json:"done_at,omitzero"` // delivered or cancelled
	Tier       string      `json:"tier,omitempty"`
	FromTier   string      `json:"from_tier,omitempty"`
	Points     int64       `json:"points,omitempty"`
	On         string      `json:"on,omitempty"` // a date, YYYY-MM-DD in the shop's time zone
	// Until is, for a NoticeExpireSoon of points ending on several days,
	// the last of them (On the first); "" when they all end On.
	Until    string `json:"until,omitempty"`
	CouponID string `json:"coupon_id,omitempty"`
}

func (tx *Tx) putNotice(k []byte, n *Notice) error {
	v, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return tx.bucket(bucketNotices).Put(k, v)
}

func (tx *Tx) notice(k []byte) (Notice, error) {
	v := tx.get(bucketNotices, k)
	if v == nil {
		return Notice{}, ErrNotFound
	}
	var n Notice
	if err := json.Unmarshal(v, &n); err != nil {
		return Notice{}, fmt.Errorf("%w: notice %s: %v", ErrCorrupt, idOf(k), err)
	}
	n.ID, n.At = idOf(k), keyTime(k)
	return n, nil
}

// addNotice records n as pending and sets its ID and At.
func (tx *Tx) addNotice(n *Notice, at time.Time) error {
	b := tx.bucket(bucketNotices)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	k := timeKey(at, seq)
	n.State = NoticePending
	if err := tx.putNotice(k, n); err != nil {
		return err
	}
	if err := tx.bucket(bucketNoticePending).Put(k, []byte{}); err != nil {
		return err
	}
	n.ID, n.At = idOf(k), keyTime(k)
	return nil
}

// finishNotice moves a pending notice to state (delivered or cancelled);
// one already finished stays as it is.
func (tx *Tx) finishNotice(id string, state NoticeState, at time.Time) error {
	k, ok := keyOfID(id)
	if !ok {
		return ErrNotFound
	}
	n, err := tx.notice(k)
	if err != nil {
		return err
	}
	if n.State != NoticePending {
		return nil
	}
	n.State, n.DoneAt = state, at
	if err := tx.putNotice(k, &n); err != nil {
		return err
	}
	return tx.bucket(bucketNoticePending).Delete(k)
}

// PendingNotices returns the notices not yet delivered, oldest first, at
// most limit (all if limit <= 0). Notices of erased customers are left
// out (no one is there to tell); their records stay pending.
func (tx *Tx) PendingNotices(limit int) ([]Notice, error) {
	var out []Notice
	c := tx.bucket(bucketNoticePending).Cursor()
	for k, _ := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
		n, err := tx.notice(k)
		if err != nil {
			return nil, fmt.Errorf("ledger: pending notices: %w", err)
		}
		if ck, ok := custKeyOf(n.CustomerID); ok && tx.get(bucketErased, ck) != nil {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

// Notice returns the notice with id, or ErrNotFound.
func (tx *Tx) Notice(id string) (Notice, error) {
	k, ok := keyOfID(id)
	if !ok {
		return Notice{}, fmt.Errorf("ledger: notice %q: %w", id, ErrNotFound)
	}
	n, err := tx.notice(k)
	if err != nil {
		return Notice{}, fmt.Errorf("ledger: notice %s: %w", id, err)
	}
	return n, nil
}

// MarkNoticeDelivered records that notice id was handed over at at, so it
// leaves the pending list. Marking a notice already delivered or cancelled
// does nothing; an unknown id returns ErrNotFound. The caller marks a
// notice only after the platform took the message (at least once), and in
// the same transaction as its own record of the sent message if it keeps
// one (never twice).
func (tx *Tx) MarkNoticeDelivered(id string, at time.Time) error {
	if err := tx.finishNotice(id, NoticeDelivered, at); err != nil {
		return fmt.Errorf("ledger: mark notice %s delivered: %w", id, err)
	}
	return nil
}

// LoyaltyFigures are a time range's loyalty numbers for the weekly summary.
type LoyaltyFigures struct {
	StampsGiven    int64 // stamps added (corrections not subtracted)
	StampsReversed int64 // stamps taken back by corrections
	RewardsIssued  int   // reward coupons of full cards (also in CouponsIssued)
	CouponsIssued  int
	CouponsUsed    int // uses, less those taken back as mistakes (UnuseCoupon)
	CouponsExpired int // by the end of their last day
	CouponsVoided  int // reward coupons taken back with the stamps that earned them
	// CouponsCancelled counts the other coupons voided, as given by
	// mistake (VoidCoupon).
	CouponsCancelled int
	PointsExpired    int64
	// TierUps and TierDowns count customers, not moves: each customer's
	// moves in the range taken end to end (the tier before their first,
	// the one after their last), up or down by rank whatever moved them
	// (a visit, the daily run, a pin, a correction). One who went up and
	// back (an upgrade taken back as a mistake) did not move.
	TierUps   int
	TierDowns int
	// Moves counts those customers by (from, to), in from, to order; a
	// customer's first tier record (From "") is not a move, nor a tier
	// carried over to a renamed level (CauseRules); a first record a
	// visit made above the base tier is one, from the base tier.
	Moves []TierMoveCount
	// PerTier is how many customers (created before the range's end and
	// not erased by then, so past figures stay) held each tier id at
	// the range's end. A customer with no tier record yet (no visit
	// recomputed since loyalty existed) counts in the programme's base
	// tier.
	PerTier map[string]int
}

// TierMoveCount is how many customers moved from one tier to another.
type TierMoveCount struct {
	From, To string
	Count    int
}

// LoyaltyFigures returns the loyalty numbers of [from, to): one range
// scan of the loyalty log, plus the tier records and the customers created
// before to for PerTier. It opens nothing sealed.
func (tx *Tx) LoyaltyFigures(from, to time.Time) (LoyaltyFigures, error) {
	var f LoyaltyFigures
	nets := map[string]*netMove{}
	err := tx.scanLog(from, to, func(e logEvent) error {
		switch e.kind {
		case logStampAdd:
			f.StampsGiven += e.n
		case logStampReverse:
			f.StampsReversed += e.n
		case logReward:
			f.RewardsIssued++
		case logCouponIssued:
			f.CouponsIssued++
		case logCouponUsed:
			f.CouponsUsed++
		case logCouponUnused:
			f.CouponsUsed-- // logged at its use's moment: never below zero in a range
		case logCouponExpired:
			f.CouponsExpired++
		case logCouponVoided:
			if e.b == "" || e.b == string(SourceStamps) {
				f.CouponsVoided++
			} else {
				f.CouponsCancelled++
			}
		case logPointsExpired:
			f.PointsExpired += e.n
		case logTierMove:
			if e.a == "" || TierCause(e.n) == CauseRules {
				return nil // a first record, or a level renamed or dropped
			}
			n, ok := nets[e.customer]
			if !ok {
				n = &netMove{from: e.a}
				nets[e.customer] = n
			}
			n.to, n.at = e.b, e.at
		}
		return nil
	})
	if err != nil {
		return LoyaltyFigures{}, fmt.Errorf("ledger: loyalty figures: %w", err)
	}
	if err := tx.countMoves(&f, nets, to); err != nil {
		return LoyaltyFigures{}, fmt.Errorf("ledger: loyalty figures: %w", err)
	}
	if f.PerTier, err = tx.tiersAt(to); err != nil {
		return LoyaltyFigures{}, fmt.Errorf("ledger: loyalty figures: %w", err)
	}
	return f, nil
}

// netMove is one customer's tier moves in a range, end to end.
type netMove struct {
	from, to string
	at       time.Time // of the last move
}

// countMoves adds each customer's net move to f: ups and downs by the
// tiers' ranks in the programme at the range's end (or, for a tier it no
// longer names, the one of the move), and the (from, to) pairs.
func (tx *Tx) countMoves(f *LoyaltyFigures, nets map[string]*netMove, to time.Time) error {
	if len(nets) == 0 {
		return nil
	}
	end, err := tx.ProgrammeAt(to.Add(-time.Nanosecond))
	if err != nil {
		return err
	}
	moves := map[[2]string]int{}
	for _, n := range nets {
		if n.from == n.to {
			continue // up and back (a correction, a pin): no move
		}
		moves[[2]string{n.from, n.to}]++
		a, b := end.Tiers.Rank(n.from), end.Tiers.Rank(n.to)
		if a < 0 || b < 0 {
			then, err := tx.ProgrammeAt(n.at)
			if err != nil {
				return err
			}
			a, b = then.Tiers.Rank(n.from), then.Tiers.Rank(n.to)
		}
		switch {
		case b > a:
			f.TierUps++
		case b < a:
			f.TierDowns++
		}
	}
	for k, n := range moves {
		f.Moves = append(f.Moves, TierMoveCount{From: k[0], To: k[1], Count: n})
	}
	slices.SortFunc(f.Moves, func(a, b TierMoveCount) int {
		if a.From != b.From {
			return compareStrings(a.From, b.From)
		}
		return compareStrings(a.To, b.To)
	})
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
