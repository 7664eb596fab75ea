package ledger

import (
	"bytes"
	"fmt"
	"time"
)

// Outreach (issue 14): every message the shop starts toward a customer
// (a follow-up, a rating request, a birthday greeting, a win-back) is
// recorded here in the transaction that puts it in the outbox, with the
// benefit it carried; so is every customer who would have got it and was
// skipped (the baseline of the response figures). Campaigns keep their own
// recipients (campaign.go) and are read from there.
//
// A record holds a kind, a time, a customer id, a coupon code, an amount
// of points and a skip reason: ids and figures, nobody's words, so nothing
// is sealed. An erasure anonymises the customer's records (outreach.go's
// eraseOutreach): the customer's key becomes anonKey and the coupon code
// goes, so the week's "sent" stays true and nothing points back at them.

// Outreach buckets (listed in allBuckets).
var (
	bucketOutreach     = []byte("outreach")      // time key + custKey -> binary outreach record
	bucketCustOutreach = []byte("cust_outreach") // custKey + time key, for erasure and one customer's records
)

// anonKey stands for an erased customer in an outreach key: no customer
// has sequence 0.
var anonKey = make([]byte, custKeyLen)

// ResponseWindow is how long after a message a reply, a visit or a
// redemption of its benefit counts for it: 14 days, as for campaigns.
const ResponseWindow = CampaignResponseWindow

// responseDays is ResponseWindow in calendar days, for visits.
const responseDays = 14

// maxSkipReason bounds Outreach.Skipped: a reason is a short code.
const maxSkipReason = 32

// OutreachKind is the kind of a message the shop started (not a campaign: campaigns keep their own recipients).
type OutreachKind string

// The kinds of outreach.
const (
	OutreachFollowUp OutreachKind = "followup" // [메시지 보내기] of a follow-up (service)
	OutreachRating   OutreachKind = "rating"   // the visit rating request (service)
	OutreachBirthday OutreachKind = "birthday" // the birthday greeting with its benefit (advertising)
	OutreachWinBack  OutreachKind = "winback"  // [안부 메시지] or the automatic win-back (advertising)
)

// OutreachKinds are the kinds, in the order the figures list them.
var OutreachKinds = []OutreachKind{OutreachFollowUp, OutreachRating, OutreachBirthday, OutreachWinBack}

// Valid reports a kind this ledger knows.
func (k OutreachKind) Valid() bool {
	switch k {
	case OutreachFollowUp, OutreachRating, OutreachBirthday, OutreachWinBack:
		return true
	}
	return false
}

// Outreach is one such message to one customer, or one customer who would have got it and was
// skipped (Skipped != ""; the baseline of the response figures).
type Outreach struct {
	Kind       OutreachKind
	CustomerID string
	At         time.Time
	Coupon     string // the code of the coupon given with it; "" none
	Points     int64  // points given with it; 0 none
	Skipped    string // "" sent; else why not (ledger.SkipNoConsent, SkipUnreachable, ...)
}

// Validate reports an outreach record that cannot be stored: an unknown
// kind, a malformed customer id, no time, negative points, a skip reason
// that is not a short code, or a skipped customer given a benefit.
func (o *Outreach) Validate() error {
	if !o.Kind.Valid() {
		return invalid("outreach", "unknown kind %q", o.Kind)
	}
	if _, ok := custKeyOf(o.CustomerID); !ok {
		return invalid("outreach", "bad customer id %q", o.CustomerID)
	}
	if o.At.IsZero() {
		return invalid("outreach", "time is required")
	}
	if o.Points < 0 || o.Points > MaxBirthdayPoints {
		return invalid("outreach", "points out of range")
	}
	if len(o.Skipped) > maxSkipReason {
		return invalid("outreach", "skip reason too long")
	}
	for _, r := range o.Skipped {
		if !(r >= 'a' && r <= 'z' || r == '_' || r >= '0' && r <= '9') {
			return invalid("outreach", "skip reason %q is not a code", o.Skipped)
		}
	}
	if o.Skipped != "" && (o.Coupon != "" || o.Points != 0) {
		return invalid("outreach", "a skipped customer gets no benefit")
	}
	if o.Coupon != "" {
		if _, ok := NormalizeCouponCode(o.Coupon); !ok {
			return invalid("outreach", "bad coupon code")
		}
	}
	return nil
}

// RecordOutreach records o, in the transaction that puts the message in the outbox.
// The customer must exist (an erased one may still be recorded as
// skipped); the coupon code is stored as NormalizeCouponCode reads it.
func (tx *Tx) RecordOutreach(o Outreach) error {
	if err := o.Validate(); err != nil {
		return fmt.Errorf("ledger: record outreach: %w", err)
	}
	ck, _ := custKeyOf(o.CustomerID)
	if tx.bucket(bucketCustomers).Get(ck) == nil {
		return fmt.Errorf("ledger: record outreach %s: %w", o.CustomerID, ErrCustomerNotFound)
	}
	if o.Coupon != "" {
		o.Coupon, _ = NormalizeCouponCode(o.Coupon)
	}
	b := tx.bucket(bucketOutreach)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("ledger: record outreach: %w", err)
	}
	tk := timeKey(o.At, seq)
	if err := b.Put(concat(tk, ck), encodeOutreach(o)); err != nil {
		return fmt.Errorf("ledger: record outreach: %w", err)
	}
	if err := tx.bucket(bucketCustOutreach).Put(concat(ck, tk), []byte{}); err != nil {
		return fmt.Errorf("ledger: record outreach: %w", err)
	}
	return nil
}

func encodeOutreach(o Outreach) []byte {
	e := encoder{b: make([]byte, 0, 8+len(o.Kind)+len(o.Skipped)+len(o.Coupon))}
	e.byte(1) // version
	e.string(string(o.Kind))
	e.string(o.Skipped)
	e.string(o.Coupon)
	e.varint(o.Points)
	return e.b
}

// decodeOutreach reads the record at k (time key + custKey); an
// anonymised one has CustomerID "".
func decodeOutreach(k, v []byte) (Outreach, error) {
	if len(k) != timeKeyLen+custKeyLen {
		return Outreach{}, fmt.Errorf("ledger: outreach: %w: key of %d bytes", errCorrupt, len(k))
	}
	d := newDecoder(v)
	d.version(1)
	o := Outreach{At: keyTime(k), Kind: OutreachKind(d.string()), Skipped: d.string(), Coupon: d.string(), Points: d.varint()}
	if d.err != nil {
		return Outreach{}, fmt.Errorf("ledger: outreach %s: %w", idOf(k[:timeKeyLen]), d.err)
	}
	if ck := k[timeKeyLen:]; !bytes.Equal(ck, anonKey) {
		o.CustomerID = custIDOfKey(ck)
	}
	return o, nil
}

// ScanOutreach calls fn for every outreach record with from <= At < to,
// in time order; an erased customer's have CustomerID "" and no Coupon.
func (tx *Tx) ScanOutreach(from, to time.Time, fn func(Outreach) error) error {
	return scanTime(tx.bucket(bucketOutreach), from, to, func(k, v []byte) error {
		o, err := decodeOutreach(k, v)
		if err != nil {
			return err
		}
		return fn(o)
	})
}

// OutreachOf returns the customer's outreach records, newest first, at
// most limit (all if limit <= 0).
func (tx *Tx) OutreachOf(customerID string, limit int) ([]Outreach, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: outreach of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []Outreach
	err := newestOf(tx.bucket(bucketCustOutreach), ck, limit, func(tk []byte) error {
		k := concat(tk, ck)
		o, err := decodeOutreach(k, tx.bucket(bucketOutreach).Get(k))
		if err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: outreach of %s: %w", customerID, err)
	}
	return out, nil
}

// eraseOutreach anonymises the outreach records of the customer at ck:
// each moves to anonKey, without its coupon code, and the customer's
// index goes. Kind, time, points and skip reason stay, so the figures of
// past weeks keep their "sent".
func (tx *Tx) eraseOutreach(ck []byte) error {
	idx := tx.bucket(bucketCustOutreach)
	var tks [][]byte
	c := idx.Cursor()
	for k, _ := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = c.Next() {
		tks = append(tks, bytes.Clone(k[len(ck):]))
	}
	b := tx.bucket(bucketOutreach)
	for _, tk := range tks {
		k := concat(tk, ck)
		if v := b.Get(k); v != nil {
			o, err := decodeOutreach(k, v)
			if err != nil {
				return fmt.Errorf("ledger: erase outreach: %w", err)
			}
			o.Coupon = ""
			if err := b.Delete(k); err != nil {
				return fmt.Errorf("ledger: erase outreach: %w", err)
			}
			if err := b.Put(concat(tk, anonKey), encodeOutreach(o)); err != nil {
				return fmt.Errorf("ledger: erase outreach: %w", err)
			}
		}
		if err := idx.Delete(concat(ck, tk)); err != nil {
			return fmt.Errorf("ledger: erase outreach: %w", err)
		}
	}
	return nil
}

// CampaignSend is one campaign recipient as the response figures read it:
// sent at At, or skipped at the campaign's creation for Skipped.
type CampaignSend struct {
	Campaign   int
	CustomerID string
	At         time.Time
	Points     int64  // the campaign's points for each recipient; 0 none
	Skipped    string // "" sent; else the reason (SkipNoConsent, …)
}

// ScanCampaignSends calls fn for every campaign recipient sent, or
// skipped, with from <= At < to, campaign by campaign. Queued and failed
// recipients are left out, and so are the skipped of a campaign never
// confirmed (a draft, or one cancelled before anyone got it): nobody was
// messaged there, so they are no baseline. It reads campaign.go's records
// and writes nothing.
func (tx *Tx) ScanCampaignSends(from, to time.Time, fn func(CampaignSend) error) error {
	var camps []Campaign
	err := tx.bucket(bucketCampaigns).ForEach(func(k, v []byte) error {
		c, err := tx.decodeCampaign(k, v)
		if err != nil {
			return err
		}
		if c.State == CampaignDraft || (c.State == CampaignCancelled && c.Counts.Sent == 0) || !c.CreatedAt.Before(to) {
			return nil
		}
		if c.State == CampaignDone || c.State == CampaignCancelled {
			if end := c.DoneAt; !end.IsZero() && end.Before(from) && c.CreatedAt.Before(from) {
				return nil
			}
		}
		camps = append(camps, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ledger: scan campaign sends: %w", err)
	}
	for _, c := range camps {
		ck := campaignKey(c.Number)
		cur := tx.bucket(bucketCampaignRcpt).Cursor()
		for k, _ := cur.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = cur.Next() {
			if len(k) != len(ck)+custKeyLen {
				continue
			}
			r, ok, err := tx.getRecipient(k)
			if err != nil || !ok {
				return err
			}
			s := CampaignSend{Campaign: c.Number, CustomerID: custIDOfKey(k[len(ck):]), At: r.At}
			switch r.State {
			case RecipientSent:
				s.Points = c.Benefit.Points
			case RecipientSkipped:
				s.Skipped = r.Reason
			default:
				continue
			}
			if s.At.Before(from) || !s.At.Before(to) {
				continue
			}
			if err := fn(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// customerMessagesAfter reports whether the customer wrote to the shop (a
// thread message of theirs, not a staff one) after from and at or before
// to. It reads the clear header of their thread messages only.
func (tx *Tx) customerMessagesAfter(ck []byte, from, to time.Time) (bool, error) {
	msgs := tx.bucket(bucketThreadMsgs)
	c := tx.bucket(bucketCustThreads).Cursor()
	for k, _ := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = c.Next() {
		tk := k[len(ck):]
		mc := msgs.Cursor()
		for mk, v := mc.Seek(tk); mk != nil && bytes.HasPrefix(mk, tk); mk, v = mc.Next() {
			d := newDecoder(v)
			d.version(1)
			out := d.byte() == 1
			at := time.Unix(0, d.varint())
			if d.err != nil {
				return false, fmt.Errorf("ledger: thread message %x: %w", mk, d.err)
			}
			if !out && at.After(from) && !at.After(to) {
				return true, nil
			}
		}
	}
	return false, nil
}
