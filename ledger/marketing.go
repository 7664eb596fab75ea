package ledger

import (
	"encoding/json"
	"fmt"
	"time"
)

// Advertising consent (정보통신망법 제50조): separate from the consent given
// at /start, optional, changed at any time, and confirmed with the customer
// every two years or lapsing. It is kept per customer, in the clear like
// Consent (a flag and times are not personal data), in its own bucket so
// the customer record's format does not change.

// bucketMarketing holds the records: customer key -> JSON Marketing
// (listed in allBuckets).
var bucketMarketing = []byte("marketing")

// The law's re-confirmation: consent is confirmed with the customer every
// MarketingReconfirmYears, and a question left unanswered for
// MarketingLapseAfter lapses it (withdrawn, recorded as lapsed). 30 days
// gives a customer who reads their messages once a month time to answer.
// The question goes out MarketingAskAhead before the two years are up, so
// that its answer window ends when they do: from then on no advertising
// goes to a consent not confirmed again (AdsAllowed), answered or not.
const (
	MarketingReconfirmYears = 2
	MarketingLapseAfter     = 30 * 24 * time.Hour
	MarketingAskAhead       = MarketingLapseAfter
)

// MarketingVia says how advertising consent last changed.
type MarketingVia string

// The ways advertising consent changes.
const (
	ViaStart     MarketingVia = "start"     // the optional question after the first consent
	ViaCommand   MarketingVia = "command"   // /marketing
	ViaOptOut    MarketingVia = "optout"    // an advertising message's [수신 거부]
	ViaReconfirm MarketingVia = "reconfirm" // the answer to the two-year question
	ViaLapse     MarketingVia = "lapse"     // the two-year question went unanswered
	ViaErasure   MarketingVia = "erasure"   // the customer was erased (EraseCustomer)
)

// Marketing is one customer's advertising consent. The zero value is a
// customer never asked, who has not consented.
type Marketing struct {
	CustomerID string `json:"-"`
	// Given reports consent now.
	Given bool `json:"given,omitempty"`
	// GivenAt is when consent was last given; WithdrawnAt when it was
	// last withdrawn (or lapsed, or declined at the first question).
	GivenAt     time.Time `json:"given_at,omitzero"`
	WithdrawnAt time.Time `json:"withdrawn_at,omitzero"`
	// ConfirmedAt is when the customer last said yes (given or
	// re-confirmed): the two years count from it.
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
	// Via is how it last changed.
	Via MarketingVia `json:"via,omitempty"`
	// Lapsed reports a withdrawal because the re-confirmation went
	// unanswered (Via is ViaLapse).
	Lapsed bool `json:"lapsed,omitempty"`
	// AskedAt is when the optional question was first asked (it is asked
	// once); ReconfirmAskedAt when the two-year question was asked, zero
	// when none is pending.
	AskedAt          time.Time `json:"asked_at,omitzero"`
	ReconfirmAskedAt time.Time `json:"reconfirm_asked_at,omitzero"`
	// BirthdayOn is the day (midnight, shop's zone) of the last birthday
	// greeting recorded (MarkBirthday): one a year.
	BirthdayOn time.Time `json:"birthday_on,omitzero"`
}

// ReconfirmDue returns when consent confirmed at ConfirmedAt must be
// confirmed again; zero without consent.
func (m Marketing) ReconfirmDue() time.Time {
	if !m.Given || m.ConfirmedAt.IsZero() {
		return time.Time{}
	}
	return m.ConfirmedAt.AddDate(MarketingReconfirmYears, 0, 0)
}

// ReconfirmAskAt returns when the re-confirmation question is due:
// MarketingAskAhead before ReconfirmDue; zero without consent.
func (m Marketing) ReconfirmAskAt() time.Time {
	if due := m.ReconfirmDue(); !due.IsZero() {
		return due.Add(-MarketingAskAhead)
	}
	return time.Time{}
}

// LapsesAt returns when a pending re-confirmation question lapses
// unanswered: MarketingLapseAfter after it was asked, and never before
// ReconfirmDue (a question asked early still runs to the two years); zero
// when none is pending. A question asked late (the daily check did not
// run, or a file from before questions went out ahead) still has its full
// MarketingLapseAfter to be answered, though without advertising meanwhile.
func (m Marketing) LapsesAt() time.Time {
	if !m.Given || m.ReconfirmAskedAt.IsZero() {
		return time.Time{}
	}
	l := m.ReconfirmAskedAt.Add(MarketingLapseAfter)
	if due := m.ReconfirmDue(); l.Before(due) {
		return due
	}
	return l
}

// AdsAllowed reports whether advertising may go to the customer at at:
// consent given and confirmed within MarketingReconfirmYears. Every
// advertising path asks it (campaigns, birthday benefits, win-back), so
// a consent past its two years sends nothing while its question waits
// for an answer, and a consent with no confirmation time sends nothing.
func (m Marketing) AdsAllowed(at time.Time) bool {
	return m.Given && at.Before(m.ReconfirmDue())
}

// marketingKey returns the stored key of customerID.
func marketingKey(customerID string) ([]byte, error) {
	k, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: marketing %s: %w", customerID, ErrCustomerNotFound)
	}
	return k, nil
}

// Marketing returns customerID's advertising consent: the zero Marketing
// (with CustomerID set) when never asked. ErrCustomerNotFound is returned
// for an id that names no customer.
func (tx *Tx) Marketing(customerID string) (Marketing, error) {
	k, err := marketingKey(customerID)
	if err != nil {
		return Marketing{}, err
	}
	if tx.get(bucketCustomers, k) == nil {
		return Marketing{}, fmt.Errorf("ledger: marketing %s: %w", customerID, ErrCustomerNotFound)
	}
	return tx.marketing(k, customerID)
}

func (tx *Tx) marketing(k []byte, customerID string) (Marketing, error) {
	m := Marketing{CustomerID: customerID}
	v := tx.get(bucketMarketing, k)
	if v == nil {
		return m, nil
	}
	if err := json.Unmarshal(v, &m); err != nil {
		return Marketing{}, fmt.Errorf("ledger: marketing %s: %w: %v", customerID, ErrCorrupt, err)
	}
	m.CustomerID = customerID
	if tx.get(bucketErased, k) != nil && (m.Given || !m.BirthdayOn.IsZero() || !m.ReconfirmAskedAt.IsZero()) {
		// Erased by a dangol from before EraseCustomer withdrew the
		// consent: read as that erasure would have left it, so no
		// rewrite of old files is needed.
		c, err := tx.customer(k)
		if err != nil {
			return Marketing{}, fmt.Errorf("ledger: marketing %s: %w", customerID, err)
		}
		m = erasedMarketing(m, c.ErasedAt)
	}
	return m, nil
}

// erasedMarketing is m as the erasure of its customer at at leaves it: a
// consent given is withdrawn at at (ViaErasure), so no advertising path
// and no view reads it as given; a consent withdrawn or never given keeps
// its record. The times it was given and confirmed stay, as the base
// consent's do: they are what shows the advertising sent before was
// consented to. The last birthday greeting's day goes: it is the erased
// birthday's month and day.
func erasedMarketing(m Marketing, at time.Time) Marketing {
	if m.Given {
		m.Given, m.WithdrawnAt, m.Via = false, at, ViaErasure
	}
	m.ReconfirmAskedAt, m.BirthdayOn = time.Time{}, time.Time{}
	return m
}

// eraseMarketing withdraws the advertising consent of the customer under
// k at its erasure at (erasedMarketing); a customer never asked keeps no
// record.
func (tx *Tx) eraseMarketing(k []byte, at time.Time) error {
	id := custIDOfKey(k)
	if tx.get(bucketMarketing, k) == nil {
		return nil
	}
	m, err := tx.marketing(k, id)
	if err != nil {
		return err
	}
	return tx.putMarketing(erasedMarketing(m, at))
}

func (tx *Tx) putMarketing(m Marketing) error {
	k, err := marketingKey(m.CustomerID)
	if err != nil {
		return err
	}
	v, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("ledger: put marketing %s: %w", m.CustomerID, err)
	}
	if err := tx.bucket(bucketMarketing).Put(k, v); err != nil {
		return fmt.Errorf("ledger: put marketing %s: %w", m.CustomerID, err)
	}
	return nil
}

// SetMarketing records customerID's answer at at: consent given (a yes
// also re-confirms it) or withdrawn, and how. An erased customer cannot
// consent (ErrInvalid); withdrawing is always possible. It returns the
// record as stored. Setting the state the customer already has changes
// only its times when given (a yes confirms again), and nothing when
// withdrawn, so a second [수신 거부] keeps the first withdrawal's date.
func (tx *Tx) SetMarketing(customerID string, given bool, via MarketingVia, at time.Time) (Marketing, error) {
	if at.IsZero() || via == "" || via == ViaLapse {
		return Marketing{}, fmt.Errorf("ledger: set marketing: %w", invalid("marketing", "a time and a way (not lapse) are required"))
	}
	c, err := tx.Customer(customerID)
	if err != nil {
		return Marketing{}, fmt.Errorf("ledger: set marketing: %w", err)
	}
	m, err := tx.Marketing(customerID)
	if err != nil {
		return Marketing{}, err
	}
	if m.AskedAt.IsZero() {
		m.AskedAt = at
	}
	switch {
	case given && c.Erased:
		return Marketing{}, fmt.Errorf("ledger: set marketing %s: %w", customerID, invalid("marketing", "erased customer"))
	case given:
		if !m.Given {
			m.GivenAt = at
		}
		m.Given, m.ConfirmedAt, m.Lapsed, m.ReconfirmAskedAt = true, at, false, time.Time{}
	case !m.Given && !m.WithdrawnAt.IsZero():
		return m, nil // withdrawn already: the first date stands
	default:
		m.Given, m.WithdrawnAt, m.Lapsed, m.ReconfirmAskedAt = false, at, false, time.Time{}
	}
	m.Via = via
	return m, tx.putMarketing(m)
}

// MarkMarketingAsked records that the optional question was put to
// customerID at at, so it is asked once. It reports whether it was new.
func (tx *Tx) MarkMarketingAsked(customerID string, at time.Time) (bool, error) {
	m, err := tx.Marketing(customerID)
	if err != nil {
		return false, err
	}
	if !m.AskedAt.IsZero() {
		return false, nil
	}
	m.AskedAt = at
	return true, tx.putMarketing(m)
}

// MarketingRenewal is what the daily re-confirmation check did.
type MarketingRenewal struct {
	// Ask are the customers whose consent is MarketingAskAhead from two
	// years old, or older, and who were not asked yet: each is marked asked at the check's time, so
	// the caller asks them once. A check at that very time again (a
	// scheduled occurrence tried again) lists them again.
	Ask []string
	// Lapsed are the customers whose question went unanswered for
	// MarketingLapseAfter: their consent is withdrawn, recorded as lapsed.
	Lapsed []string
}

// RenewMarketing is the daily re-confirmation check at now: it marks the
// customers to ask and lapses the unanswered, in one transaction. Erased
// customers are neither asked nor lapsed: their erasure withdrew the
// consent (EraseCustomer). It reads every record (one per
// customer ever asked), a scan a daily job affords.
func (tx *Tx) RenewMarketing(now time.Time) (MarketingRenewal, error) {
	var r MarketingRenewal
	var changed []Marketing
	b := tx.bucket(bucketMarketing)
	err := b.ForEach(func(k, v []byte) error {
		id := custIDOfKey(k)
		m, err := tx.marketing(k, id)
		if err != nil {
			return err
		}
		if !m.Given {
			return nil // an erased customer's too (erasedMarketing)
		}
		switch {
		case !m.ReconfirmAskedAt.IsZero() && !now.Before(m.LapsesAt()):
			m.Given, m.WithdrawnAt, m.Lapsed, m.Via, m.ReconfirmAskedAt = false, now, true, ViaLapse, time.Time{}
			r.Lapsed = append(r.Lapsed, id)
		case m.ReconfirmAskedAt.IsZero() && !now.Before(m.ReconfirmAskAt()):
			m.ReconfirmAskedAt = now
			r.Ask = append(r.Ask, id)
		case m.ReconfirmAskedAt.Equal(now):
			// The same check again (its sends failed and are tried
			// again): the same question, nothing to write.
			r.Ask = append(r.Ask, id)
			return nil
		default:
			return nil
		}
		changed = append(changed, m)
		return nil
	})
	if err != nil {
		return MarketingRenewal{}, fmt.Errorf("ledger: renew marketing: %w", err)
	}
	// Written after the walk: bbolt forbids changing a bucket mid-ForEach.
	for _, m := range changed {
		if err := tx.putMarketing(m); err != nil {
			return MarketingRenewal{}, err
		}
	}
	return r, nil
}

// BirthdayState says where customerID's birthday greeting of day's year
// is: not recorded yet, recorded on day itself (a send tried again), or
// recorded on another day of that year (done: never twice a year).
type BirthdayState int

// The states of a year's birthday greeting.
const (
	BirthdayDue   BirthdayState = iota // nothing recorded this year
	BirthdayToday                      // recorded on this very day: sending it again is the same greeting
	BirthdayDone                       // recorded on an earlier day of this year
)

// Birthday returns the state of customerID's birthday greeting for day (a
// midnight in the shop's zone).
func (tx *Tx) Birthday(customerID string, day time.Time) (BirthdayState, error) {
	m, err := tx.Marketing(customerID)
	if err != nil {
		return 0, err
	}
	switch {
	case m.BirthdayOn.IsZero() || m.BirthdayOn.Year() != day.Year():
		return BirthdayDue, nil
	case m.BirthdayOn.Equal(day):
		return BirthdayToday, nil
	}
	return BirthdayDone, nil
}

// MarkBirthday records customerID's birthday greeting on day (a midnight
// in the shop's zone), before it is sent, and gives the benefit b with it
// in the same transaction: a points entry (kind adjust, reason
// "birthday") and a coupon (SourceBirthday) issued at at. It reports
// whether it was new: false when a greeting of day's year was recorded
// already, and then gives nothing. A customer without advertising consent
// is refused (ErrNoConsent): the benefit is sent as advertising (AdsAllowed
// at at).
func (tx *Tx) MarkBirthday(customerID string, day, at time.Time, b BirthdayBenefit, loc *time.Location) (bool, error) {
	st, err := tx.Birthday(customerID, day)
	if err != nil || st != BirthdayDue {
		return false, err
	}
	m, err := tx.Marketing(customerID)
	if err != nil {
		return false, err
	}
	if !m.AdsAllowed(at) {
		return false, fmt.Errorf("ledger: birthday %s: %w", customerID, ErrNoConsent)
	}
	m.BirthdayOn = day
	if err := tx.putMarketing(m); err != nil {
		return false, err
	}
	if b.Points > 0 {
		e := PointsEntry{CustomerID: customerID, At: at, Kind: PointsAdjust, Points: b.Points, ActorID: "system:birthday", Reason: "birthday"}
		if err := tx.AddPoints(&e); err != nil {
			return false, fmt.Errorf("ledger: birthday points %s: %w", customerID, err)
		}
	}
	if b.Coupon != nil {
		spec := CouponSpec{CustomerID: customerID, Benefit: *b.Coupon, Days: b.CouponDays, Source: SourceBirthday, ActorID: "system:birthday"}
		cp, err := tx.IssueCoupon(spec, at, loc)
		if err != nil {
			return false, fmt.Errorf("ledger: birthday coupon %s: %w", customerID, err)
		}
		// The greeting tells of the coupon: its notice is not told again
		// the next morning.
		if err := tx.MarkNoticeDelivered(cp.NoticeID, at); err != nil {
			return false, fmt.Errorf("ledger: birthday coupon notice %s: %w", customerID, err)
		}
	}
	return true, nil
}
