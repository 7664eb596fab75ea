package ledger

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Coupons: a benefit (a percent off, an amount off, or an item) a customer
// may use once until the end of its last day in the shop's time zone.
// Each has a short code staff can read aloud; its note and the actors who
// issued and used it are sealed under the customer's key.

// Coupon errors. UseCoupon, VoidCoupon and UnuseCoupon wrap them in a
// *CouponError.
var (
	// ErrCouponNotFound is returned when no coupon has the id or code.
	ErrCouponNotFound = errors.New("ledger: no such coupon")
	// ErrCouponUsed is returned when a coupon was used already; the
	// CouponError says when and by whom.
	ErrCouponUsed = errors.New("ledger: coupon already used")
	// ErrCouponExpired is returned when a coupon's last day is over.
	ErrCouponExpired = errors.New("ledger: coupon expired")
	// ErrCouponVoid is returned when a coupon was taken back (voided as
	// given by mistake, or a reward whose stamps were reversed).
	ErrCouponVoid = errors.New("ledger: coupon void")
	// ErrCouponNotUsed is returned by UnuseCoupon when the coupon was
	// never used, so there is no use to take back.
	ErrCouponNotUsed = errors.New("ledger: coupon not used")
	// ErrCouponReward is returned by VoidCoupon for a stamp card's
	// reward: the stamps earned it, and reversing them (ReverseStamps)
	// takes it back with the card kept true.
	ErrCouponReward = errors.New("ledger: coupon is a stamp reward")
	// ErrCouponNotYours is returned when a coupon belongs to another
	// customer; the error says nothing about that customer.
	ErrCouponNotYours = errors.New("ledger: coupon of another customer")
)

// CouponError is the refusal of a coupon: Err is one of the ErrCoupon
// sentinels (errors.Is works through it) and the fields say what the chat
// needs to explain it.
type CouponError struct {
	Err     error
	Code    string    // the coupon's code (empty for ErrCouponNotYours)
	UsedAt  time.Time // ErrCouponUsed: when
	UsedBy  string    // ErrCouponUsed: who (an actor id)
	LastDay string    // ErrCouponExpired: its last day, YYYY-MM-DD
}

// Error says what was refused.
func (e *CouponError) Error() string {
	switch {
	case errors.Is(e.Err, ErrCouponUsed):
		return fmt.Sprintf("%v: %s at %s", e.Err, e.Code, e.UsedAt.Format(time.RFC3339))
	case errors.Is(e.Err, ErrCouponExpired):
		return fmt.Sprintf("%v: %s, last day %s", e.Err, e.Code, e.LastDay)
	}
	return fmt.Sprintf("%v %s", e.Err, e.Code)
}

// Unwrap returns the sentinel.
func (e *CouponError) Unwrap() error { return e.Err }

// BenefitKind is what a coupon gives.
type BenefitKind string

// Benefit kinds.
const (
	BenefitPercent BenefitKind = "percent" // Percent off
	BenefitWon     BenefitKind = "won"     // Won off
	BenefitItem    BenefitKind = "item"    // an item: "아메리카노 1잔"
)

// Limits of coupons.
const (
	DefaultCouponDays  = 30
	MaxCouponDays      = 3650
	MaxCouponWon       = 10_000_000
	maxItemRunes       = 100
	maxCouponNoteRunes = 500
	couponCodeLen      = 6
	// CouponAlphabet is the characters of a coupon code: digits and upper
	// case letters without the ones read alike (0 O, 1 I L).
	CouponAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
)

// CouponBenefit is what a coupon gives: Kind and the one field it uses.
type CouponBenefit struct {
	Kind    BenefitKind `json:"kind"`
	Percent int         `json:"percent,omitempty"` // 1 to 100
	Won     int64       `json:"won,omitempty"`     // 1 to MaxCouponWon
	Item    string      `json:"item,omitempty"`    // the shop's text, one line
}

// Validate reports whether b is a benefit: a percent of 1 to 100, an
// amount of 1 to MaxCouponWon won, or an item of one line within its
// limit; only the field of its kind set. The error is a *RuleError.
func (b *CouponBenefit) Validate() error { return b.validate(PartCoupon) }

func (b *CouponBenefit) validate(part ProgrammePart) error {
	switch b.Kind {
	case BenefitPercent:
		if b.Percent < 1 || b.Percent > 100 || b.Won != 0 || b.Item != "" {
			return rangeErr(part, "percent", 1, 100)
		}
	case BenefitWon:
		if b.Won < 1 || b.Won > MaxCouponWon || b.Percent != 0 || b.Item != "" {
			return rangeErr(part, "won", 1, MaxCouponWon)
		}
	case BenefitItem:
		if strings.TrimSpace(b.Item) == "" || b.Percent != 0 || b.Won != 0 {
			return ruleErr(part, "item", ProblemMissing)
		}
		return checkShopText(part, "item", -1, b.Item, maxItemRunes)
	default:
		return ruleErr(part, "kind", ProblemMissing)
	}
	return nil
}

// String is a compact form for the audit trail: "10%", "5000won", "item:…".
func (b CouponBenefit) String() string {
	switch b.Kind {
	case BenefitPercent:
		return strconv.Itoa(b.Percent) + "%"
	case BenefitWon:
		return strconv.FormatInt(b.Won, 10) + "won"
	case BenefitItem:
		return "item:" + b.Item
	}
	return ""
}

// CouponSource says where a coupon came from.
type CouponSource string

// Coupon sources.
const (
	SourceStaff    CouponSource = "staff"
	SourceStamps   CouponSource = "stamps" // a full stamp card's reward
	SourceBirthday CouponSource = "birthday"
	SourceCampaign CouponSource = "campaign"
	SourceImport   CouponSource = "import"
)

// CouponState is where a coupon is in its life.
type CouponState string

// Coupon states.
const (
	CouponValid   CouponState = "valid"
	CouponUsed    CouponState = "used"
	CouponVoid    CouponState = "void"
	CouponExpired CouponState = "expired"
)

// CouponSpec is what IssueCoupon needs.
type CouponSpec struct {
	CustomerID string
	Benefit    CouponBenefit
	// Days is the validity counting the day of issue (1: today only);
	// 0: DefaultCouponDays, unless LastDay is set.
	Days int
	// LastDay, if set, is any time on the coupon's last day (its date in
	// the shop's time zone counts); it excludes Days.
	LastDay time.Time
	Source  CouponSource // "": SourceStaff
	Note    string       // staff's note, sealed; optional
	ActorID string       // who issues it (sealed)
}

// Coupon is one coupon.
type Coupon struct {
	ID         string        `json:"id"` // time key id of its issue
	Code       string        `json:"code"`
	CustomerID string        `json:"customer_id"`
	Benefit    CouponBenefit `json:"benefit"`
	Source     CouponSource  `json:"source"`
	IssuedAt   time.Time     `json:"issued_at"`
	// LastDay is the last day it can be used (YYYY-MM-DD, shop's time
	// zone); Ends is the instant after it, from which it cannot.
	LastDay string    `json:"last_day"`
	Ends    time.Time `json:"ends"`
	// State is the stored state; StateAt also applies Ends.
	State    CouponState `json:"state"`
	UsedAt   time.Time   `json:"used_at,omitzero"`
	UsedBy   string      `json:"used_by,omitempty"`
	VoidedAt time.Time   `json:"voided_at,omitzero"`
	// VoidedBy is who voided it (an actor id, sealed); VoidNotice the
	// notice telling the customer it was taken back, set only when they
	// had been told of it while it was valid.
	VoidedBy   string `json:"voided_by,omitempty"`
	VoidNotice string `json:"void_notice,omitempty"`
	// StampEntry and Stamps: for a reward, the stamp entry that completed
	// the card (none for a card a change of the goal filled:
	// FillStampCards) and how many stamps the card took.
	StampEntry string `json:"stamp_entry,omitempty"`
	Stamps     int    `json:"stamps,omitempty"`
	// NoticeID is the notice telling the customer of it, if any.
	NoticeID string `json:"notice_id,omitempty"`
	IssuedBy string `json:"issued_by,omitempty"`
	Note     string `json:"note,omitempty"`
}

// StateAt returns the coupon's state at at: a valid coupon past its Ends
// is expired, even before the daily run marks it.
func (c *Coupon) StateAt(at time.Time) CouponState {
	if c.State == CouponValid && !at.Before(c.Ends) {
		return CouponExpired
	}
	return c.State
}

// couponRecord is a coupon as stored: the clear fields as JSON, the
// personal ones (IssuedBy, UsedBy, Note, an item benefit's words, VoidedBy)
// sealed under the customer's key. Records written before items were
// sealed hold Benefit.Item in the clear; their customer's erasure blanks it
// (eraseCouponWords).
type couponRecord struct {
	Code       string        `json:"code"`
	CustomerID string        `json:"customer_id"`
	Benefit    CouponBenefit `json:"benefit"`
	Source     CouponSource  `json:"source"`
	LastDay    string        `json:"last_day"`
	Ends       time.Time     `json:"ends"`
	State      CouponState   `json:"state"`
	UsedAt     time.Time     `json:"used_at,omitzero"`
	VoidedAt   time.Time     `json:"voided_at,omitzero"`
	StampEntry string        `json:"stamp_entry,omitempty"`
	Stamps     int           `json:"stamps,omitempty"`
	NoticeID   string        `json:"notice_id,omitempty"`
	VoidNotice string        `json:"void_notice,omitempty"`
	Sealed     []byte        `json:"sealed,omitempty"`
}

func (tx *Tx) putCoupon(k []byte, c *Coupon) error {
	a, err := tx.aeadOf(c.CustomerID)
	if err != nil {
		return err
	}
	// An item is the shop's words, sealed with the customer's part: a
	// clinic's "두피 케어 1회" says something about the person, and must go
	// with their erasure. A customer already erased has no key: the words
	// go (a coupon written before items were sealed, rewritten after).
	item := c.Benefit.Item
	if a == nil {
		item = ""
	}
	var plain []byte
	if c.IssuedBy != "" || c.UsedBy != "" || c.Note != "" || item != "" || c.VoidedBy != "" {
		e := encoder{}
		e.string(c.IssuedBy)
		e.string(c.UsedBy)
		e.string(c.Note)
		// VoidedBy comes after the item, so the item is written (maybe
		// empty) whenever it is: the reader takes fields by position.
		if item != "" || c.VoidedBy != "" {
			e.string(item)
		}
		if c.VoidedBy != "" {
			e.string(c.VoidedBy)
		}
		plain = e.b
	}
	sealed, err := sealRecord(a, bucketCoupons, k, plain)
	if err != nil {
		return err
	}
	benefit := c.Benefit
	benefit.Item = ""
	r := couponRecord{Code: c.Code, CustomerID: c.CustomerID, Benefit: benefit, Source: c.Source, LastDay: c.LastDay,
		Ends: c.Ends.UTC(), State: c.State, UsedAt: c.UsedAt.UTC(), VoidedAt: c.VoidedAt.UTC(), StampEntry: c.StampEntry,
		Stamps: c.Stamps, NoticeID: c.NoticeID, VoidNotice: c.VoidNotice, Sealed: sealed}
	if c.UsedAt.IsZero() {
		r.UsedAt = time.Time{}
	}
	if c.VoidedAt.IsZero() {
		r.VoidedAt = time.Time{}
	}
	v, err := json.Marshal(&r)
	if err != nil {
		return err
	}
	return tx.bucket(bucketCoupons).Put(k, v)
}

func (tx *Tx) coupon(k []byte) (Coupon, error) {
	v := tx.get(bucketCoupons, k)
	if v == nil {
		return Coupon{}, ErrCouponNotFound
	}
	var r couponRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return Coupon{}, fmt.Errorf("%w: coupon %s: %v", ErrCorrupt, idOf(k), err)
	}
	c := Coupon{ID: idOf(k), Code: r.Code, CustomerID: r.CustomerID, Benefit: r.Benefit, Source: r.Source,
		IssuedAt: keyTime(k), LastDay: r.LastDay, Ends: r.Ends, State: r.State, UsedAt: r.UsedAt, VoidedAt: r.VoidedAt,
		StampEntry: r.StampEntry, Stamps: r.Stamps, NoticeID: r.NoticeID, VoidNotice: r.VoidNotice}
	a, err := tx.aeadOf(r.CustomerID)
	if err != nil {
		return Coupon{}, err
	}
	plain, err := openRecord(a, bucketCoupons, k, r.Sealed)
	if err != nil {
		return Coupon{}, err
	}
	if plain != nil {
		d := newDecoder(plain)
		c.IssuedBy, c.UsedBy, c.Note = d.string(), d.string(), d.string()
		if d.err == nil && d.off < len(d.s) {
			if item := d.string(); item != "" { // written after items were sealed
				c.Benefit.Item = item
			}
		}
		if d.err == nil && d.off < len(d.s) {
			c.VoidedBy = d.string()
		}
		if d.err != nil {
			return Coupon{}, fmt.Errorf("coupon %s: %w", c.ID, d.err)
		}
	}
	return c, nil
}

// NormalizeCouponCode returns a code as stored: upper case, without the
// spaces and hyphens people type; ok is false when a character is not in
// CouponAlphabet or the length is wrong.
func NormalizeCouponCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-':
		case r < utf8.RuneSelf && strings.IndexByte(CouponAlphabet, byte(r)) >= 0:
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != couponCodeLen {
		return "", false
	}
	return b.String(), true
}

// newCouponCode draws the code of the coupon at k: a keyed hash of its key
// (the index key; no one without the master key can predict codes),
// mapped onto CouponAlphabet, tried again with a counter until unused.
func (tx *Tx) newCouponCode(k []byte) (string, error) {
	codes := tx.bucket(bucketCouponCodes)
	for attempt := 0; attempt < 1000; attempt++ {
		h := tx.kr.blind("coupon", hex.EncodeToString(k)+"/"+strconv.Itoa(attempt))
		code := make([]byte, couponCodeLen)
		for i := range code {
			code[i] = CouponAlphabet[int(h[i])%len(CouponAlphabet)]
		}
		if codes.Get(code) == nil {
			return string(code), nil
		}
	}
	return "", fmt.Errorf("ledger: no free coupon code after 1000 tries")
}

// couponDays resolves the spec's validity to its last day (midnight in
// loc) and checks it; today is at's day in loc.
func couponLastDay(days int, last time.Time, at time.Time, loc *time.Location) (time.Time, error) {
	today := startOfDay(at, loc)
	switch {
	case days < 0 || days > MaxCouponDays:
		return time.Time{}, rangeErr(PartCoupon, "days", 1, MaxCouponDays)
	case days > 0 && !last.IsZero():
		return time.Time{}, ruleErr(PartCoupon, "days", ProblemConflict)
	case !last.IsZero():
		d := startOfDay(last, loc)
		if d.Before(today) {
			return time.Time{}, ruleErr(PartCoupon, "last_day", ProblemPast)
		}
		if d.After(today.AddDate(0, 0, MaxCouponDays)) {
			return time.Time{}, rangeErr(PartCoupon, "last_day", 1, MaxCouponDays)
		}
		return d, nil
	case days == 0:
		days = DefaultCouponDays
	}
	return today.AddDate(0, 0, days-1), nil
}

// IssueCoupon issues a coupon to spec.CustomerID at at, valid through the
// end of its last day in loc (nil: at's location), with a fresh code, and
// records a notice for the customer (NoticeCoupon, or NoticeReward for a
// stamp card's reward; none for an import). A spec that does not validate
// returns a *RuleError (Part PartCoupon) and changes nothing.
func (tx *Tx) IssueCoupon(spec CouponSpec, at time.Time, loc *time.Location) (Coupon, error) {
	c, err := tx.issueCoupon(spec, at, loc, "", 0)
	if err != nil {
		return Coupon{}, fmt.Errorf("ledger: issue coupon: %w", err)
	}
	return c, nil
}

func (tx *Tx) checkSpec(spec *CouponSpec) error {
	if spec.ActorID == "" {
		return invalid("coupon", "actor is required")
	}
	if err := spec.Benefit.Validate(); err != nil {
		return err
	}
	spec.Note = strings.TrimSpace(spec.Note)
	if utf8.RuneCountInString(spec.Note) > maxCouponNoteRunes {
		return &RuleError{Part: PartCoupon, Field: "note", Level: -1, Problem: ProblemTooLong, Max: maxCouponNoteRunes}
	}
	if checkText("coupon", "note", spec.Note) != nil {
		return ruleErr(PartCoupon, "note", ProblemChars)
	}
	return nil
}

func (tx *Tx) issueCoupon(spec CouponSpec, at time.Time, loc *time.Location, stampEntry string, stamps int) (Coupon, error) {
	loc = locOr(loc, at)
	if spec.Source == "" {
		spec.Source = SourceStaff
	}
	if err := tx.checkSpec(&spec); err != nil {
		return Coupon{}, err
	}
	last, err := couponLastDay(spec.Days, spec.LastDay, at, loc)
	if err != nil {
		return Coupon{}, err
	}
	ck, err := tx.liveCustomer(spec.CustomerID)
	if err != nil {
		return Coupon{}, err
	}
	b := tx.bucket(bucketCoupons)
	seq, err := b.NextSequence()
	if err != nil {
		return Coupon{}, err
	}
	k := timeKey(at, seq)
	code, err := tx.newCouponCode(k)
	if err != nil {
		return Coupon{}, err
	}
	c := Coupon{ID: idOf(k), Code: code, CustomerID: spec.CustomerID, Benefit: spec.Benefit, Source: spec.Source,
		IssuedAt: keyTime(k), LastDay: last.Format(time.DateOnly), Ends: last.AddDate(0, 0, 1), State: CouponValid,
		StampEntry: stampEntry, Stamps: stamps, IssuedBy: spec.ActorID, Note: spec.Note}
	if spec.Source != SourceImport {
		n := Notice{CustomerID: c.CustomerID, Kind: NoticeCoupon, CouponID: c.ID}
		if spec.Source == SourceStamps {
			n.Kind, n.Points = NoticeReward, int64(stamps)
		}
		if err := tx.addNotice(&n, at); err != nil {
			return Coupon{}, err
		}
		c.NoticeID = n.ID
	}
	if err := tx.indexCoupon(ck, k, &c); err != nil {
		return Coupon{}, err
	}
	if spec.Source != SourceImport {
		if err := tx.logLoyalty(logEvent{at: at, kind: logCouponIssued, customer: c.CustomerID, a: c.ID, b: string(c.Source)}); err != nil {
			return Coupon{}, err
		}
	}
	if spec.Source == SourceStamps {
		if err := tx.logLoyalty(logEvent{at: at, kind: logReward, customer: c.CustomerID, a: c.ID}); err != nil {
			return Coupon{}, err
		}
	}
	return c, nil
}

// indexCoupon stores c at k with its customer, code and (while valid) due
// index entries.
func (tx *Tx) indexCoupon(ck, k []byte, c *Coupon) error {
	if err := tx.putCoupon(k, c); err != nil {
		return err
	}
	if err := tx.bucket(bucketCustCoupons).Put(concat(ck, k), []byte{}); err != nil {
		return err
	}
	if err := tx.bucket(bucketCouponCodes).Put([]byte(c.Code), k); err != nil {
		return err
	}
	if c.State == CouponValid {
		return tx.bucket(bucketCouponDue).Put(concat(timePrefix(c.Ends), k), []byte{})
	}
	return nil
}

// couponKey finds the key of the coupon an id or a code names.
func (tx *Tx) couponKey(ref string) ([]byte, bool) {
	if k, ok := keyOfID(ref); ok && tx.get(bucketCoupons, k) != nil {
		return k, true
	}
	code, ok := NormalizeCouponCode(ref)
	if !ok {
		return nil, false
	}
	if k := tx.get(bucketCouponCodes, []byte(code)); k != nil {
		return bytes.Clone(k), true
	}
	return nil, false
}

// Coupon returns the coupon an id or a code (as NormalizeCouponCode reads
// it) names, or ErrCouponNotFound.
func (tx *Tx) Coupon(ref string) (Coupon, error) {
	k, ok := tx.couponKey(ref)
	if !ok {
		return Coupon{}, fmt.Errorf("ledger: coupon %q: %w", ref, ErrCouponNotFound)
	}
	c, err := tx.coupon(k)
	if err != nil {
		return Coupon{}, fmt.Errorf("ledger: coupon %q: %w", ref, err)
	}
	return c, nil
}

// eraseCouponWords removes from the customer's coupons the item words a
// dangol from before items were sealed stored in the clear: their erasure
// would have left "두피 케어 1회" readable beside their id. Run within the
// erasure; the rest of each record is left byte for byte.
func (tx *Tx) eraseCouponWords(ck []byte) error {
	b := tx.bucket(bucketCoupons)
	return forPrefix(tx.bucket(bucketCustCoupons), ck, func(k []byte) error {
		v := b.Get(k)
		if v == nil {
			return nil
		}
		var r couponRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%w: coupon %s: %v", ErrCorrupt, idOf(k), err)
		}
		if r.Benefit.Item == "" {
			return nil
		}
		r.Benefit.Item = ""
		nv, err := json.Marshal(&r)
		if err != nil {
			return err
		}
		return b.Put(bytes.Clone(k), nv)
	})
}

// CouponsOf returns the customer's coupons in the order issued: only those
// valid at at, or with all every one (used, void and expired too).
func (tx *Tx) CouponsOf(customerID string, at time.Time, all bool) ([]Coupon, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: coupons of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []Coupon
	err := forPrefix(tx.bucket(bucketCustCoupons), ck, func(k []byte) error {
		c, err := tx.coupon(k)
		if err != nil {
			return err
		}
		if all || c.StateAt(at) == CouponValid {
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: coupons of %s: %w", customerID, err)
	}
	return out, nil
}

// UseCoupon marks the coupon ref (an id or a code) of customerID used at
// at by actorID. It is refused, with a *CouponError and nothing changed,
// when the coupon belongs to another customer (ErrCouponNotYours), was
// used (ErrCouponUsed, saying when and by whom), is void (ErrCouponVoid) or
// past its last day (ErrCouponExpired); an unknown ref returns
// ErrCouponNotFound.
func (tx *Tx) UseCoupon(customerID, ref, actorID string, at time.Time) (Coupon, error) {
	fail := func(err error) (Coupon, error) { return Coupon{}, fmt.Errorf("ledger: use coupon: %w", err) }
	k, c, err := tx.customerCoupon(customerID, ref, actorID)
	if err != nil {
		return fail(err)
	}
	if err := c.refuseUnlessValid(at); err != nil {
		return fail(err)
	}
	c.State, c.UsedAt, c.UsedBy = CouponUsed, at, actorID
	if err := tx.putCoupon(k, &c); err != nil {
		return fail(err)
	}
	if err := tx.bucket(bucketCouponDue).Delete(concat(timePrefix(c.Ends), k)); err != nil {
		return fail(err)
	}
	if err := tx.logLoyalty(logEvent{at: at, kind: logCouponUsed, customer: c.CustomerID, a: c.ID}); err != nil {
		return fail(err)
	}
	return c, nil
}

// customerCoupon finds the coupon ref of customerID (not erased), for a
// change by actorID.
func (tx *Tx) customerCoupon(customerID, ref, actorID string) ([]byte, Coupon, error) {
	if actorID == "" {
		return nil, Coupon{}, invalid("coupon", "actor is required")
	}
	ck, err := tx.liveCustomer(customerID)
	if err != nil {
		return nil, Coupon{}, err
	}
	k, ok := tx.couponKey(ref)
	if !ok {
		return nil, Coupon{}, ErrCouponNotFound
	}
	c, err := tx.coupon(k)
	if err != nil {
		return nil, Coupon{}, err
	}
	if ownerKey, _ := custKeyOf(c.CustomerID); !bytes.Equal(ownerKey, ck) {
		return nil, Coupon{}, &CouponError{Err: ErrCouponNotYours}
	}
	return k, c, nil
}

// refuseUnlessValid is the *CouponError of a coupon not valid at at: used
// (when and by whom), void, or past its last day.
func (c *Coupon) refuseUnlessValid(at time.Time) error {
	switch {
	case c.State == CouponUsed:
		return &CouponError{Err: ErrCouponUsed, Code: c.Code, UsedAt: c.UsedAt, UsedBy: c.UsedBy}
	case c.State == CouponVoid:
		return &CouponError{Err: ErrCouponVoid, Code: c.Code}
	case c.StateAt(at) == CouponExpired:
		return &CouponError{Err: ErrCouponExpired, Code: c.Code, LastDay: c.LastDay}
	}
	return nil
}

// VoidCoupon takes back the valid coupon ref (an id or a code) of
// customerID at at, by actorID: one given by mistake. The record stays,
// void, with who and when (VoidedAt, VoidedBy); a notice of it not yet
// told is cancelled, and a customer who was told of it gets a
// NoticeCouponVoid (VoidNotice), written in the same transaction. It is
// refused, with a *CouponError and nothing changed, as UseCoupon refuses,
// and for a stamp card's reward (ErrCouponReward: ReverseStamps takes it
// back with its stamps).
func (tx *Tx) VoidCoupon(customerID, ref, actorID string, at time.Time) (Coupon, error) {
	fail := func(err error) (Coupon, error) { return Coupon{}, fmt.Errorf("ledger: void coupon: %w", err) }
	k, c, err := tx.customerCoupon(customerID, ref, actorID)
	if err != nil {
		return fail(err)
	}
	if err := c.refuseUnlessValid(at); err != nil {
		return fail(err)
	}
	if c.Source == SourceStamps {
		return fail(&CouponError{Err: ErrCouponReward, Code: c.Code})
	}
	if err := tx.voidCoupon(k, &c, actorID, at); err != nil {
		return fail(err)
	}
	return c, nil
}

// UnuseCoupon takes back the use of coupon ref (an id or a code) of
// customerID, a use recorded by mistake, so it is valid again until its
// last day. The record cannot keep both states: it goes back to valid
// with UsedAt and UsedBy cleared, and the loyalty log records the use
// taken back at the moment of the use, so the week that counted the use
// no longer does (as a points correction leaves neither in the summary).
// Who took it back, and the use it took back, are the caller's audit
// entry. It is refused with a *CouponError when the coupon is another
// customer's, was not used (ErrCouponNotUsed), is void, or its last day is
// over (ErrCouponExpired: it could not be used again anyway).
func (tx *Tx) UnuseCoupon(customerID, ref, actorID string, at time.Time) (Coupon, error) {
	fail := func(err error) (Coupon, error) { return Coupon{}, fmt.Errorf("ledger: unuse coupon: %w", err) }
	k, c, err := tx.customerCoupon(customerID, ref, actorID)
	if err != nil {
		return fail(err)
	}
	switch {
	case c.State == CouponVoid:
		return fail(&CouponError{Err: ErrCouponVoid, Code: c.Code})
	case c.State != CouponUsed:
		return fail(&CouponError{Err: ErrCouponNotUsed, Code: c.Code})
	case !at.Before(c.Ends):
		return fail(&CouponError{Err: ErrCouponExpired, Code: c.Code, LastDay: c.LastDay})
	}
	usedAt := c.UsedAt
	c.State, c.UsedAt, c.UsedBy = CouponValid, time.Time{}, ""
	if err := tx.putCoupon(k, &c); err != nil {
		return fail(err)
	}
	if err := tx.bucket(bucketCouponDue).Put(concat(timePrefix(c.Ends), k), []byte{}); err != nil {
		return fail(err)
	}
	if usedAt.IsZero() {
		usedAt = at
	}
	if err := tx.logLoyalty(logEvent{at: usedAt, kind: logCouponUnused, customer: c.CustomerID, a: c.ID}); err != nil {
		return fail(err)
	}
	return c, nil
}

// voidCoupon takes back the valid (or expired) coupon at k, by actorID at
// at: one given by mistake, or a reward whose stamps were reversed. A
// notice of it still pending is cancelled; a customer who was told of it
// while it could still be used is told it was taken back (c.VoidNotice):
// the coupon must not just disappear from what they were promised.
func (tx *Tx) voidCoupon(k []byte, c *Coupon, actorID string, at time.Time) error {
	wasValid := c.StateAt(at) == CouponValid
	c.State, c.VoidedAt, c.VoidedBy = CouponVoid, at, actorID
	if c.NoticeID != "" {
		n, err := tx.Notice(c.NoticeID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case n.State == NoticePending:
			if err := tx.finishNotice(c.NoticeID, NoticeCancelled, at); err != nil {
				return err
			}
		case n.State == NoticeDelivered && wasValid:
			vn := Notice{CustomerID: c.CustomerID, Kind: NoticeCouponVoid, CouponID: c.ID}
			if err := tx.addNotice(&vn, at); err != nil {
				return err
			}
			c.VoidNotice = vn.ID
		}
	}
	if err := tx.putCoupon(k, c); err != nil {
		return err
	}
	if err := tx.bucket(bucketCouponDue).Delete(concat(timePrefix(c.Ends), k)); err != nil {
		return err
	}
	// The source tells the summary's "cancelled with their stamps" from a
	// coupon voided as given by mistake; events without one are rewards
	// (nothing else was voided before VoidCoupon).
	return tx.logLoyalty(logEvent{at: at, kind: logCouponVoided, customer: c.CustomerID, a: c.ID, b: string(c.Source)})
}

// expireCoupons marks expired up to limit valid coupons whose Ends is not
// after now, each logged at the last moment before its Ends (in the week of
// its last day); it returns how many and whether more
// may be due.
func (tx *Tx) expireCoupons(now time.Time, limit int) (int, bool, error) {
	due := tx.bucket(bucketCouponDue)
	end := timePrefix(now.Add(time.Nanosecond))
	var keys [][]byte
	c := due.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0 && len(keys) <= limit; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	more := len(keys) > limit
	if more {
		keys = keys[:limit]
	}
	for _, dk := range keys {
		k := dk[8:]
		cp, err := tx.coupon(k)
		if err != nil {
			return 0, false, err
		}
		if err := due.Delete(dk); err != nil {
			return 0, false, err
		}
		if cp.State != CouponValid {
			continue
		}
		cp.State = CouponExpired
		if err := tx.putCoupon(k, &cp); err != nil {
			return 0, false, err
		}
		// Logged at the last moment of its last day, not at Ends (the
		// next day's midnight): a coupon good through Sunday ended in
		// that week, not the next one.
		if err := tx.logLoyalty(logEvent{at: cp.Ends.Add(-time.Nanosecond), kind: logCouponExpired, customer: cp.CustomerID, a: cp.ID}); err != nil {
			return 0, false, err
		}
	}
	return len(keys), more, nil
}

// ImportCoupon stores a coupon carried over from an export as it was: its
// issue time, code (a new one if taken or not a code), state, last day and
// end, benefit, note and actors. Nothing is logged as issued this week and
// no notice goes out. The customer must exist and not be erased; the
// coupon must have a valid benefit, a state, an IssuedAt and an Ends. It
// returns the stored coupon (its new ID and, maybe, code).
func (tx *Tx) ImportCoupon(c Coupon) (Coupon, error) {
	fail := func(err error) (Coupon, error) { return Coupon{}, fmt.Errorf("ledger: import coupon: %w", err) }
	if err := c.Benefit.Validate(); err != nil {
		return fail(err)
	}
	switch {
	case c.IssuedAt.IsZero() || c.Ends.IsZero() || c.Ends.Before(c.IssuedAt):
		return fail(invalid("coupon", "issue time and end are required, the end after the issue"))
	case c.State != CouponValid && c.State != CouponUsed && c.State != CouponVoid && c.State != CouponExpired:
		return fail(invalid("coupon", "unknown state %q", c.State))
	case utf8.RuneCountInString(c.Note) > maxCouponNoteRunes || checkText("coupon", "note", c.Note) != nil:
		return fail(invalid("coupon", "note too long or not text"))
	}
	if c.Source == "" {
		c.Source = SourceImport
	}
	if c.LastDay == "" {
		c.LastDay = c.Ends.Add(-time.Nanosecond).Format(time.DateOnly)
	}
	ck, err := tx.liveCustomer(c.CustomerID)
	if err != nil {
		return fail(err)
	}
	b := tx.bucket(bucketCoupons)
	seq, err := b.NextSequence()
	if err != nil {
		return fail(err)
	}
	k := timeKey(c.IssuedAt, seq)
	if code, ok := NormalizeCouponCode(c.Code); ok && tx.get(bucketCouponCodes, []byte(code)) == nil {
		c.Code = code
	} else if c.Code, err = tx.newCouponCode(k); err != nil {
		return fail(err)
	}
	c.ID, c.IssuedAt, c.NoticeID, c.StampEntry, c.VoidNotice = idOf(k), keyTime(k), "", "", ""
	if err := tx.indexCoupon(ck, k, &c); err != nil {
		return fail(err)
	}
	return c, nil
}
