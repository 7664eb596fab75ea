package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
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
		return Outreach{}, fmt.Errorf("ledger: outreach: %w: key of %d bytes", ErrCorrupt, len(k))
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
// sent at At, or skipped for Skipped (At is then the campaign's SendAt).
type CampaignSend struct {
	Campaign   int
	CustomerID string
	At         time.Time
	Points     int64  // the campaign's points for each recipient; 0 none
	Coupon     string // the id of the coupon given with it; "" none
	Skipped    string // "" sent; else the reason (SkipNoConsent, …)
}

// message is s as the figures weigh it.
func (s CampaignSend) message() sentMessage {
	return sentMessage{customer: s.CustomerID, at: s.At, points: s.Points, couponID: s.Coupon, skipped: s.Skipped, campaign: s.Campaign}
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
		err := tx.campaignSends(c, func(s CampaignSend) error {
			if s.At.Before(from) || !s.At.Before(to) {
				return nil
			}
			return fn(s)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// campaignSends calls fn for each recipient of c sent (at its send, with
// the coupon it was given) or skipped (at the campaign's SendAt, when the
// others got it: the baseline's window starts there too).
func (tx *Tx) campaignSends(c Campaign, fn func(CampaignSend) error) error {
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
			s.Points, s.Coupon = c.Benefit.Points, r.Coupon
			if !r.SentAt.IsZero() {
				s.At = r.SentAt
			}
		case RecipientSkipped:
			s.Skipped = r.Reason
			if !c.SendAt.IsZero() {
				s.At = c.SendAt
			}
		default:
			continue
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// customerReplies calls fn with the time of each message the customer
// wrote to the shop (a thread message of theirs, not a staff one) at or
// after from and at or before to. It reads the clear header of their
// thread messages only.
func (tx *Tx) customerReplies(ck []byte, from, to time.Time, fn func(time.Time)) error {
	msgs := tx.bucket(bucketThreadMsgs)
	return threadsByCustomer.newest(tx, ck, 0, func(tk []byte) error {
		mc := msgs.Cursor()
		for mk, v := mc.Seek(tk); mk != nil && bytes.HasPrefix(mk, tk); mk, v = mc.Next() {
			d := newDecoder(v)
			d.version(1)
			out := d.byte() == 1
			at := time.Unix(0, d.varint())
			if d.err != nil {
				return fmt.Errorf("ledger: thread message %x: %w", mk, d.err)
			}
			if !out && !at.Before(from) && !at.After(to) {
				fn(at)
			}
		}
		return nil
	})
}

// msgKey tells one message from another to the same customer: a kind
// and a time, or a campaign.
type msgKey struct {
	customer string
	at       int64
	kind     OutreachKind
	campaign int
}

// answered returns the messages a reply answers among those sent to the
// customers of msgs: each reply (a thread message of the customer's, or a
// feedback: a rating given at a rating request's stars is its answer) is
// the answer to the one latest message the shop sent the customer at or
// before it, within ResponseWindow: of any kind, campaigns too, whether msgs
// hold it or not. Before, a reply counted for every message of the 14
// days before it (a follow-up's answer was a birthday greeting's too), and
// a rating for none. Replies at the very time of a message (the console's
// stopped clock) answer it, the later recorded of two at one time.
func (tx *Tx) answered(msgs []sentMessage, from, to time.Time) (map[msgKey]bool, error) {
	sent := map[string][]sentMessage{}
	for _, m := range msgs {
		if m.skipped == "" && m.customer != "" {
			sent[m.customer] = nil
		}
	}
	replies := map[string][]time.Time{}
	for id := range sent {
		ck, _ := custKeyOf(id)
		if err := tx.customerReplies(ck, from, to, func(at time.Time) { replies[id] = append(replies[id], at) }); err != nil {
			return nil, err
		}
	}
	err := tx.ScanFeedbackClear(from, to.Add(time.Nanosecond), func(f Feedback) error {
		if _, ok := sent[f.CustomerID]; ok {
			replies[f.CustomerID] = append(replies[f.CustomerID], f.At)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Every message to them that a reply in [from, to] may answer, in time
	// order (each scan is, so stable sorting keeps the recording order of
	// one time).
	add := func(m sentMessage) {
		if list, ok := sent[m.customer]; ok && m.skipped == "" {
			sent[m.customer] = append(list, m)
		}
	}
	err = tx.ScanOutreach(from.Add(-ResponseWindow), to.Add(time.Nanosecond), func(o Outreach) error { add(o.message()); return nil })
	if err == nil {
		err = tx.ScanCampaignSends(from.Add(-ResponseWindow), to.Add(time.Nanosecond), func(s CampaignSend) error { add(s.message()); return nil })
	}
	if err != nil {
		return nil, err
	}
	out := map[msgKey]bool{}
	for id, list := range sent {
		sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
		for _, r := range replies[id] {
			for i := len(list) - 1; i >= 0; i-- {
				if m := list[i]; !m.at.After(r) {
					if !r.After(m.at.Add(ResponseWindow)) {
						out[m.key()] = true
					}
					break
				}
			}
		}
	}
	return out, nil
}

// ResponseQuery selects the messages whose response figures
// OutreachFigures computes.
type ResponseQuery struct {
	// From and To bound the messages' times (and the skips'): From <= At < To.
	From, To time.Time
	// Kinds are the outreach kinds counted; nil: every kind.
	Kinds []OutreachKind
	// Campaigns counts campaign recipients too (ScanCampaignSends);
	// CampaignsOnly counts them alone, leaving the outreach records out.
	Campaigns     bool
	CampaignsOnly bool
	// Customers, when not nil, counts only the messages to these customers
	// (and only these in the baseline).
	Customers []string
}

// ResponseFigures say what came back from the messages of a ResponseQuery
// (issue 14, 프로모션 반응). Replies, visits and redemptions are counted
// within ResponseWindow of each message, so a message sent yesterday may
// still gain; an erased customer's messages count as sent and nothing
// after.
type ResponseFigures struct {
	// Sent is how many messages went; Customers to how many customers.
	Sent      int
	Customers int
	// Replied is how many of those customers answered a message: wrote to
	// the shop (a message in a thread of theirs) or left a feedback within
	// ResponseWindow after it, with no later message to them in between
	// (a reply answers the latest message only, of whatever kind).
	Replied int
	// Visited is how many of them visited (a note, a points earn or stamps
	// not reversed, as RecordVisit counts a visit) after a message, within ResponseWindow: customers, not
	// visits. The visit that led to a care message (the rating request's,
	// the follow-up's note) is before it, so it is no answer to it.
	Visited int
	// WithBenefit is how many messages carried a benefit (a coupon or
	// points); Redeemed how many of those saw it used within
	// ResponseWindow: the coupon used, or points redeemed.
	WithBenefit int
	Redeemed    int
	// Baseline is how many customers were skipped for want of advertising
	// consent (SkipNoConsent) and so not messaged; BaselineVisited how
	// many of them visited in the ResponseWindow after they were skipped.
	Baseline        int
	BaselineVisited int
}

// Add returns the field-by-field sum of f and g (for figures of disjoint
// customer sets; the customer counts of overlapping ones add up to more
// than their union).
func (f ResponseFigures) Add(g ResponseFigures) ResponseFigures {
	return ResponseFigures{
		Sent: f.Sent + g.Sent, Customers: f.Customers + g.Customers, Replied: f.Replied + g.Replied,
		Visited: f.Visited + g.Visited, WithBenefit: f.WithBenefit + g.WithBenefit, Redeemed: f.Redeemed + g.Redeemed,
		Baseline: f.Baseline + g.Baseline, BaselineVisited: f.BaselineVisited + g.BaselineVisited,
	}
}

// sentMessage is one message (or skip) as OutreachFigures weighs it.
type sentMessage struct {
	kind     OutreachKind // "" a campaign's
	campaign int          // the campaign's number; 0 an outreach record's
	customer string       // "" anonymised
	at       time.Time
	coupon   string
	points   int64
	couponID string // a campaign's coupon, by id (its recipients keep the id)
	skipped  string
}

// message is o as the figures weigh it.
func (o Outreach) message() sentMessage {
	return sentMessage{kind: o.Kind, customer: o.CustomerID, at: o.At, coupon: o.Coupon, points: o.Points, skipped: o.Skipped}
}

// key is m's msgKey.
func (m sentMessage) key() msgKey {
	return msgKey{customer: m.customer, at: m.at.UnixNano(), kind: m.kind, campaign: m.campaign}
}

// OutreachFigures computes the response figures of the messages q
// selects: one range scan of the outreach records (and the campaigns'
// recipients), then one of the notes and one of the points entries over
// the messages' windows, each messaged customer's threads and the
// coupons given. It reads clear fields only and opens no sealed record.
func (tx *Tx) OutreachFigures(q ResponseQuery) (ResponseFigures, error) {
	var only map[string]bool
	if q.Customers != nil {
		only = make(map[string]bool, len(q.Customers))
		for _, id := range q.Customers {
			only[id] = true
		}
	}
	kinds := map[OutreachKind]bool{}
	for _, k := range q.Kinds {
		kinds[k] = true
	}
	var msgs []sentMessage
	keep := func(m sentMessage) {
		if only == nil || (m.customer != "" && only[m.customer]) {
			msgs = append(msgs, m)
		}
	}
	var err error
	if !q.CampaignsOnly {
		err = tx.ScanOutreach(q.From, q.To, func(o Outreach) error {
			if len(kinds) == 0 || kinds[o.Kind] {
				keep(o.message())
			}
			return nil
		})
	}
	if err == nil && (q.Campaigns || q.CampaignsOnly) {
		err = tx.ScanCampaignSends(q.From, q.To, func(s CampaignSend) error {
			keep(s.message())
			return nil
		})
	}
	if err != nil {
		return ResponseFigures{}, fmt.Errorf("ledger: outreach figures: %w", err)
	}
	return tx.responseOf(msgs, time.Time{})
}

// customerActs are a customer's visits and redeems in the figures' span.
type customerActs struct {
	visits  []time.Time
	redeems []time.Time
}

// responseOf weighs msgs against what their customers did afterwards, up
// to until (zero: all that is recorded).
func (tx *Tx) responseOf(msgs []sentMessage, until time.Time) (ResponseFigures, error) {
	var f ResponseFigures
	if len(msgs) == 0 {
		return f, nil
	}
	acts := map[string]*customerActs{}
	first, last := msgs[0].at, msgs[0].at
	for _, m := range msgs {
		if m.at.Before(first) {
			first = m.at
		}
		if m.at.After(last) {
			last = m.at
		}
		if m.customer != "" && acts[m.customer] == nil {
			acts[m.customer] = &customerActs{}
		}
	}
	from, to := first, last.Add(ResponseWindow+time.Nanosecond)
	if !until.IsZero() && until.Before(to) {
		to = until.Add(time.Nanosecond)
	}
	err := tx.ScanNotesClear(from, to, func(n Note) error {
		if a := acts[n.CustomerID]; a != nil {
			a.visits = append(a.visits, n.At)
		}
		return nil
	})
	if err != nil {
		return f, fmt.Errorf("ledger: outreach figures: %w", err)
	}
	err = tx.ScanPointsClear(from, to, func(p PointsEntry) error {
		a := acts[p.CustomerID]
		if a == nil || p.ReversedBy != "" {
			return nil
		}
		switch p.Kind {
		case PointsEarn:
			a.visits = append(a.visits, p.At)
		case PointsRedeem:
			a.redeems = append(a.redeems, p.At)
		}
		return nil
	})
	if err != nil {
		return f, fmt.Errorf("ledger: outreach figures: %w", err)
	}
	// Stamps are a visit, as RecordVisit counts them for the tier.
	err = tx.ScanStamps(from, to, func(e StampEntry) error {
		if a := acts[e.CustomerID]; a != nil && e.N > 0 && e.ReversedBy == "" && !e.Imported {
			a.visits = append(a.visits, e.At)
		}
		return nil
	})
	if err != nil {
		return f, fmt.Errorf("ledger: outreach figures: %w", err)
	}
	answered, err := tx.answered(msgs, from, to)
	if err != nil {
		return f, fmt.Errorf("ledger: outreach figures: %w", err)
	}
	sentTo, replied, visited := map[string]bool{}, map[string]bool{}, map[string]bool{}
	base, baseVisited := map[string]bool{}, map[string]bool{}
	for _, m := range msgs {
		a := acts[m.customer]
		if m.skipped != "" {
			if m.skipped == SkipNoConsent && m.customer != "" {
				base[m.customer] = true
				if visitedAfter(a, m.at) {
					baseVisited[m.customer] = true
				}
			}
			continue
		}
		f.Sent++
		if m.coupon != "" || m.couponID != "" || m.points > 0 {
			f.WithBenefit++
		}
		if m.customer == "" {
			f.Customers++ // erased: someone was sent it, nothing more is known
			continue
		}
		sentTo[m.customer] = true
		if visitedAfter(a, m.at) {
			visited[m.customer] = true
		}
		if answered[m.key()] {
			replied[m.customer] = true
		}
		used, err := tx.benefitUsed(m, a, until)
		if err != nil {
			return f, err
		}
		if used {
			f.Redeemed++
		}
	}
	f.Customers += len(sentTo)
	f.Visited = len(visited)
	f.Replied = len(replied)
	f.Baseline, f.BaselineVisited = len(base), len(baseVisited)
	return f, nil
}

// visitedAfter reports a visit in a after at, within ResponseWindow.
func visitedAfter(a *customerActs, at time.Time) bool {
	if a == nil {
		return false
	}
	end := at.Add(ResponseWindow)
	for _, v := range a.visits {
		if v.After(at) && !v.After(end) {
			return true
		}
	}
	return false
}

// benefitUsed reports whether m's benefit was used within ResponseWindow
// after it: its coupon, or a points redeem when it gave points.
func (tx *Tx) benefitUsed(m sentMessage, a *customerActs, until time.Time) (bool, error) {
	end := m.at.Add(ResponseWindow)
	if !until.IsZero() && until.Before(end) {
		end = until
	}
	in := func(t time.Time) bool { return t.After(m.at) && !t.After(end) }
	var k []byte
	switch {
	case m.coupon != "":
		k = tx.bucket(bucketCouponCodes).Get([]byte(m.coupon))
	case m.couponID != "":
		k, _ = keyOfID(m.couponID)
	}
	if k != nil {
		if v := tx.bucket(bucketCoupons).Get(k); v != nil {
			// The clear part of the coupon's record says all: no unsealing.
			var r couponRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return false, fmt.Errorf("ledger: outreach figures: coupon %s: %w: %v", idOf(k), ErrCorrupt, err)
			}
			if r.CustomerID == m.customer && r.State == CouponUsed && in(r.UsedAt) {
				return true, nil
			}
		}
	}
	if m.points > 0 && a != nil {
		for _, r := range a.redeems {
			if in(r) {
				return true, nil
			}
		}
	}
	return false, nil
}
