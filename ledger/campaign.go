package ledger

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Campaigns (issue 14): an advertising message a manager sends to an
// audience of customers, with an optional benefit for each recipient.
// The campaign and every recipient are recorded before any message goes
// out, each recipient's send in the transaction that marks it sent (and
// gives its benefit), so a restart sends nobody twice and finishes the
// rest. What a campaign says (its text, the audience as typed, who made
// it) is sealed under the shop key; states, counts and times stay in the
// clear, like the summaries' figures.

// Campaign buckets (listed in allBuckets).
var (
	bucketCampaigns     = []byte("campaigns")      // campaign key (8-byte number) -> JSON campaignRecord
	bucketCampaignRcpt  = []byte("campaign_rcpt")  // campaign key + custKey -> JSON recipient
	bucketCampaignQueue = []byte("campaign_queue") // campaign key + custKey, while the recipient is queued
	bucketCustCampaigns = []byte("cust_campaigns") // custKey + campaign key -> sortable nanos of the send
)

// Limits of a campaign.
const (
	// MaxCampaignText is the longest campaign text in characters: with
	// the "(광고)" header and the opt-out line it stays far below
	// Telegram's 4,096.
	MaxCampaignText = 1000
	// MaxCampaignAudience is the longest audience filter as typed.
	MaxCampaignAudience = 200
	// CampaignResponseWindow is how long after its send a recipient's
	// message to the shop, opt-out, visit or use of the campaign's coupon
	// counts for a campaign.
	CampaignResponseWindow = 14 * 24 * time.Hour
	// CampaignDraftTTL is how long a previewed campaign may wait for its
	// [발송]: an older draft is expired (DraftExpired), cannot be sent and
	// is listed apart.
	CampaignDraftTTL = 24 * time.Hour
)

// CampaignState is where a campaign is.
type CampaignState string

// The states of a campaign.
const (
	CampaignDraft     CampaignState = "draft"     // previewed, not confirmed
	CampaignScheduled CampaignState = "scheduled" // confirmed, waiting for its SendAt
	CampaignSending   CampaignState = "sending"   // the job has sent to some
	CampaignDone      CampaignState = "done"      // nobody queued any more
	CampaignCancelled CampaignState = "cancelled" // cancelled before done: the queued get nothing
	// CampaignExpired is a draft never confirmed within CampaignDraftTTL,
	// its recipients deleted (ExpireCampaignDrafts).
	CampaignExpired CampaignState = "expired"
)

// RecipientState is where one recipient of a campaign is.
type RecipientState string

// The states of a recipient.
const (
	RecipientQueued  RecipientState = "queued"  // to be sent
	RecipientSent    RecipientState = "sent"    // its message is in the outbox
	RecipientSkipped RecipientState = "skipped" // not sent, for Reason
	RecipientFailed  RecipientState = "failed"  // the send failed for good, for Reason (FailBlocked, FailGaveUp)
	// RecipientCancelled is a recipient still queued when the campaign was
	// cancelled: never sent.
	RecipientCancelled RecipientState = "cancelled"
)

// The reasons a sent recipient's message failed for good (FailRecipient).
const (
	FailBlocked = "blocked" // the customer blocked the bot (Telegram's 403)
	FailGaveUp  = "gave_up" // the outbox gave the message up (no route, or still failing after days)
)

// The reasons a recipient is skipped (the dialog's AdSkip values).
const (
	SkipNoConsent   = "no_consent"
	SkipUnreachable = "unreachable"
	SkipErased      = "erased"
	SkipUnlinked    = "unlinked"
)

// CampaignBenefit is what each recipient gets with the message: points
// (an adjust entry, reason "campaign") and/or a coupon (SourceCampaign).
type CampaignBenefit struct {
	Points int64 `json:"points,omitempty"`
	// Coupon is the coupon's benefit; nil: no coupon.
	Coupon *CouponBenefit `json:"coupon,omitempty"`
	// CouponDays is the coupon's validity in days; 0: DefaultCouponDays.
	CouponDays int `json:"coupon_days,omitempty"`
}

// IsZero reports a campaign without benefit.
func (b CampaignBenefit) IsZero() bool { return b.Points == 0 && b.Coupon == nil }

// CampaignCounts are a campaign's recipients per state, kept in the
// campaign's record so a list reads them without walking recipients.
type CampaignCounts struct {
	Queued int `json:"queued,omitempty"`
	// Sent counts the messages put in the outbox and not failed since.
	Sent   int `json:"sent,omitempty"`
	Failed int `json:"failed,omitempty"`
	// FailedBy counts the failed by reason (FailBlocked, FailGaveUp).
	FailedBy map[string]int `json:"failed_by,omitempty"`
	// Cancelled counts those still queued when the campaign was cancelled.
	Cancelled int `json:"cancelled,omitempty"`
	// Skipped counts the skipped by reason.
	Skipped map[string]int `json:"skipped,omitempty"`
	// OptedOut counts the sent who withdrew advertising consent within
	// CampaignResponseWindow of it; Responded those who wrote to the
	// shop in that window (MarkCampaignReaction).
	OptedOut  int `json:"opted_out,omitempty"`
	Responded int `json:"responded,omitempty"`
}

// SkippedTotal is the number skipped for any reason.
func (c CampaignCounts) SkippedTotal() int {
	n := 0
	for _, v := range c.Skipped {
		n += v
	}
	return n
}

// DraftExpired reports a draft older than CampaignDraftTTL at now, or one
// ExpireCampaignDrafts expired: its [발송] is refused and lists show it
// apart.
func (c *Campaign) DraftExpired(now time.Time) bool {
	return c.State == CampaignExpired || (c.State == CampaignDraft && now.Sub(c.CreatedAt) > CampaignDraftTTL)
}

// Campaign is one campaign.
type Campaign struct {
	// Number is its number, from 1, given by AddCampaign.
	Number int
	// Audience is the /customers filter as the manager typed it; Text
	// the message's body. Both sealed.
	Audience string
	Text     string
	Benefit  CampaignBenefit
	// SendAt is when it goes (after the night rule).
	SendAt time.Time
	// CreatedBy (sealed) and CreatedAt say who made it and when.
	CreatedBy string
	CreatedAt time.Time
	State     CampaignState
	// DoneAt is when it was done or cancelled.
	DoneAt time.Time
	Counts CampaignCounts
}

// Validate reports a campaign that cannot be stored.
func (c *Campaign) Validate() error {
	switch {
	case c.Text == "":
		return invalid("campaign", "text is required")
	case utf8.RuneCountInString(c.Text) > MaxCampaignText:
		return &LimitError{Record: "campaign", Field: "text", Limit: MaxCampaignText}
	case utf8.RuneCountInString(c.Audience) > MaxCampaignAudience:
		return &LimitError{Record: "campaign", Field: "audience", Limit: MaxCampaignAudience}
	case c.SendAt.IsZero() || c.CreatedAt.IsZero():
		return invalid("campaign", "send and creation times are required")
	case c.Benefit.Points < 0 || c.Benefit.Points > MaxBirthdayPoints:
		return invalid("campaign", "points out of range")
	}
	if err := checkText("campaign", "text", c.Text); err != nil {
		return err
	}
	if err := checkLine("campaign", "audience", c.Audience); err != nil {
		return err
	}
	if c.Benefit.Coupon != nil {
		if err := c.Benefit.Coupon.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// campaignRecord is a campaign as stored: the personal part sealed.
type campaignRecord struct {
	Benefit   CampaignBenefit `json:"benefit"`
	SendAt    time.Time       `json:"send_at"`
	CreatedAt time.Time       `json:"created_at"`
	State     CampaignState   `json:"state"`
	DoneAt    time.Time       `json:"done_at,omitzero"`
	Counts    CampaignCounts  `json:"counts"`
	Sealed    []byte          `json:"sealed"` // JSON campaignPersonal under the shop key
}

type campaignPersonal struct {
	Audience  string `json:"a,omitempty"`
	Text      string `json:"t"`
	CreatedBy string `json:"by,omitempty"`
}

// recipient is one recipient as stored.
type recipient struct {
	State  RecipientState `json:"s"`
	Reason string         `json:"r,omitempty"`
	At     time.Time      `json:"at,omitzero"` // of the last change
	// OptedOut and Responded mark the reactions counted (once each).
	OptedOut  bool `json:"o,omitempty"`
	Responded bool `json:"w,omitempty"`
	// SentAt is when it was marked sent (At moves on if it fails later);
	// Coupon the id of the coupon given with it, for the redemptions.
	SentAt time.Time `json:"st,omitzero"`
	Coupon string    `json:"c,omitempty"`
}

func campaignKey(n int) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, uint64(n))
	return k
}

func (tx *Tx) putCampaign(c *Campaign) error {
	k := campaignKey(c.Number)
	p, err := json.Marshal(campaignPersonal{Audience: c.Audience, Text: c.Text, CreatedBy: c.CreatedBy})
	if err != nil {
		return fmt.Errorf("ledger: put campaign %d: %w", c.Number, err)
	}
	r := campaignRecord{Benefit: c.Benefit, SendAt: c.SendAt, CreatedAt: c.CreatedAt, State: c.State,
		DoneAt: c.DoneAt, Counts: c.Counts, Sealed: seal(tx.kr.shop, recordAD(bucketCampaigns, k), p)}
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("ledger: put campaign %d: %w", c.Number, err)
	}
	if err := tx.bucket(bucketCampaigns).Put(k, v); err != nil {
		return fmt.Errorf("ledger: put campaign %d: %w", c.Number, err)
	}
	return nil
}

func (tx *Tx) decodeCampaign(k, v []byte) (Campaign, error) {
	n := int(binary.BigEndian.Uint64(k))
	var r campaignRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return Campaign{}, fmt.Errorf("ledger: campaign %d: %w: %v", n, ErrCorrupt, err)
	}
	plain, err := unseal(tx.kr.shop, recordAD(bucketCampaigns, k), r.Sealed)
	if err != nil {
		return Campaign{}, fmt.Errorf("ledger: campaign %d: %w", n, err)
	}
	var p campaignPersonal
	if err := json.Unmarshal(plain, &p); err != nil {
		return Campaign{}, fmt.Errorf("ledger: campaign %d: %w: %v", n, ErrCorrupt, err)
	}
	return Campaign{Number: n, Audience: p.Audience, Text: p.Text, Benefit: r.Benefit, SendAt: r.SendAt,
		CreatedBy: p.CreatedBy, CreatedAt: r.CreatedAt, State: r.State, DoneAt: r.DoneAt, Counts: r.Counts}, nil
}

// AddCampaign stores c as a new draft with its recipients: queued (in
// the order given) and skipped[id] = reason (counted, never sent; the
// baseline of the response figures). It sets c.Number, c.State and
// c.Counts. A customer listed twice is recorded once, queued winning.
func (tx *Tx) AddCampaign(c *Campaign, queued []string, skipped map[string]string) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("ledger: add campaign: %w", err)
	}
	seq, err := tx.bucket(bucketCampaigns).NextSequence()
	if err != nil {
		return fmt.Errorf("ledger: add campaign: %w", err)
	}
	c.Number, c.State, c.DoneAt, c.Counts = int(seq), CampaignDraft, time.Time{}, CampaignCounts{}
	ck := campaignKey(c.Number)
	put := func(id string, r recipient) (bool, error) {
		k, ok := custKeyOf(id)
		if !ok || tx.bucket(bucketCustomers).Get(k) == nil {
			return false, fmt.Errorf("ledger: add campaign: recipient %s: %w", id, ErrCustomerNotFound)
		}
		rk := concat(ck, k)
		if tx.bucket(bucketCampaignRcpt).Get(rk) != nil {
			return false, nil
		}
		if r.State == RecipientQueued {
			if err := tx.bucket(bucketCampaignQueue).Put(rk, []byte{}); err != nil {
				return false, fmt.Errorf("ledger: add campaign: %w", err)
			}
		}
		return true, tx.putRecipient(rk, r)
	}
	for _, id := range queued {
		if ok, err := put(id, recipient{State: RecipientQueued, At: c.CreatedAt}); err != nil {
			return err
		} else if ok {
			c.Counts.Queued++
		}
	}
	for id, reason := range skipped {
		if reason == "" {
			return fmt.Errorf("ledger: add campaign: %w", invalid("campaign", "a skip needs a reason"))
		}
		if ok, err := put(id, recipient{State: RecipientSkipped, Reason: reason, At: c.CreatedAt}); err != nil {
			return err
		} else if ok {
			if c.Counts.Skipped == nil {
				c.Counts.Skipped = map[string]int{}
			}
			c.Counts.Skipped[reason]++
		}
	}
	return tx.putCampaign(c)
}

func (tx *Tx) putRecipient(rk []byte, r recipient) error {
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("ledger: put recipient: %w", err)
	}
	if err := tx.bucket(bucketCampaignRcpt).Put(rk, v); err != nil {
		return fmt.Errorf("ledger: put recipient: %w", err)
	}
	return nil
}

func (tx *Tx) getRecipient(rk []byte) (recipient, bool, error) {
	v := tx.bucket(bucketCampaignRcpt).Get(rk)
	if v == nil {
		return recipient{}, false, nil
	}
	var r recipient
	if err := json.Unmarshal(v, &r); err != nil {
		return recipient{}, false, fmt.Errorf("ledger: recipient: %w: %v", ErrCorrupt, err)
	}
	return r, true, nil
}

// Campaign returns campaign n; ErrNotFound when there is none.
func (tx *Tx) Campaign(n int) (Campaign, error) {
	if n <= 0 {
		return Campaign{}, fmt.Errorf("ledger: campaign %d: %w", n, ErrNotFound)
	}
	k := campaignKey(n)
	v := tx.bucket(bucketCampaigns).Get(k)
	if v == nil {
		return Campaign{}, fmt.Errorf("ledger: campaign %d: %w", n, ErrNotFound)
	}
	return tx.decodeCampaign(k, v)
}

// Campaigns returns up to limit campaigns, newest first (limit <= 0: all).
func (tx *Tx) Campaigns(limit int) ([]Campaign, error) {
	var out []Campaign
	c := tx.bucket(bucketCampaigns).Cursor()
	for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
		cp, err := tx.decodeCampaign(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, nil
}

// ScheduleCampaign confirms draft n to go at sendAt (the [발송] button).
// Confirming one scheduled already changes nothing (a pressed-twice
// button); any other state is refused with ErrInvalid.
func (tx *Tx) ScheduleCampaign(n int, sendAt time.Time) (Campaign, error) {
	c, err := tx.Campaign(n)
	if err != nil {
		return Campaign{}, err
	}
	switch c.State {
	case CampaignScheduled, CampaignSending, CampaignDone:
		return c, nil
	case CampaignCancelled, CampaignExpired:
		return c, fmt.Errorf("ledger: schedule campaign %d: %w", n, invalid("campaign", "%s", c.State))
	}
	if sendAt.IsZero() {
		return c, fmt.Errorf("ledger: schedule campaign %d: %w", n, invalid("campaign", "a send time is required"))
	}
	c.State, c.SendAt = CampaignScheduled, sendAt
	if c.Counts.Queued == 0 {
		c.State, c.DoneAt = CampaignDone, sendAt
	}
	return c, tx.putCampaign(&c)
}

// CancelCampaign cancels campaign n at at: its queued recipients get
// nothing, and are counted Cancelled, no longer Queued. A campaign done is
// refused (ErrInvalid); one cancelled already changes nothing.
func (tx *Tx) CancelCampaign(n int, at time.Time) (Campaign, error) {
	c, err := tx.Campaign(n)
	if err != nil {
		return Campaign{}, err
	}
	switch c.State {
	case CampaignCancelled, CampaignExpired:
		return c, nil
	case CampaignDone:
		return c, fmt.Errorf("ledger: cancel campaign %d: %w", n, invalid("campaign", "done already"))
	}
	ck := campaignKey(n)
	q := tx.bucket(bucketCampaignQueue)
	var keys [][]byte
	cur := q.Cursor()
	for k, _ := cur.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = cur.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := q.Delete(k); err != nil {
			return c, fmt.Errorf("ledger: cancel campaign %d: %w", n, err)
		}
		r, ok, err := tx.getRecipient(k)
		if err != nil {
			return c, fmt.Errorf("ledger: cancel campaign %d: %w", n, err)
		}
		if ok && r.State == RecipientQueued {
			r.State, r.At = RecipientCancelled, at
			if err := tx.putRecipient(k, r); err != nil {
				return c, fmt.Errorf("ledger: cancel campaign %d: %w", n, err)
			}
		}
	}
	c.Counts.Cancelled += c.Counts.Queued
	c.Counts.Queued = 0
	c.State, c.DoneAt = CampaignCancelled, at
	return c, tx.putCampaign(&c)
}

// campaignClear is the clear part of a campaign's record, read without
// unsealing when only its state and times are asked.
type campaignClear struct {
	State     CampaignState `json:"state"`
	SendAt    time.Time     `json:"send_at"`
	CreatedAt time.Time     `json:"created_at"`
}

func decodeCampaignClear(k, v []byte) (campaignClear, error) {
	var r campaignClear
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("ledger: campaign %d: %w: %v", binary.BigEndian.Uint64(k), ErrCorrupt, err)
	}
	return r, nil
}

// ExpireCampaignDrafts expires the drafts previewed more than
// CampaignDraftTTL before now: their recipients are deleted (ids and
// states of customers nobody will message), the queued counted
// Cancelled, the state CampaignExpired. It returns how many; with none
// it writes nothing, so a caller may run it in every job run.
func (tx *Tx) ExpireCampaignDrafts(now time.Time) (int, error) {
	var nums []int
	err := tx.bucket(bucketCampaigns).ForEach(func(k, v []byte) error {
		r, err := decodeCampaignClear(k, v)
		if err != nil {
			return err
		}
		if r.State == CampaignDraft && now.Sub(r.CreatedAt) > CampaignDraftTTL {
			nums = append(nums, int(binary.BigEndian.Uint64(k)))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("ledger: expire campaign drafts: %w", err)
	}
	for _, n := range nums {
		c, err := tx.Campaign(n)
		if err != nil {
			return 0, err
		}
		ck := campaignKey(n)
		for _, b := range [][]byte{bucketCampaignRcpt, bucketCampaignQueue} {
			bk := tx.bucket(b)
			var keys [][]byte
			cur := bk.Cursor()
			for k, _ := cur.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = cur.Next() {
				keys = append(keys, bytes.Clone(k))
			}
			for _, k := range keys {
				if err := bk.Delete(k); err != nil {
					return 0, fmt.Errorf("ledger: expire campaign %d: %w", n, err)
				}
			}
		}
		c.Counts.Cancelled += c.Counts.Queued
		c.Counts.Queued = 0
		c.State, c.DoneAt = CampaignExpired, now
		if err := tx.putCampaign(&c); err != nil {
			return 0, err
		}
	}
	return len(nums), nil
}

// HasExpiredDrafts reports whether ExpireCampaignDrafts has anything to
// do at now, reading the clear part of each campaign only.
func (tx *Tx) HasExpiredDrafts(now time.Time) (bool, error) {
	found := false
	err := tx.bucket(bucketCampaigns).ForEach(func(k, v []byte) error {
		r, err := decodeCampaignClear(k, v)
		if err == nil && r.State == CampaignDraft && now.Sub(r.CreatedAt) > CampaignDraftTTL {
			found = true
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("ledger: expired drafts: %w", err)
	}
	return found, nil
}

// DueCampaigns returns the campaigns scheduled or sending whose SendAt is
// at or before now, oldest first.
func (tx *Tx) DueCampaigns(now time.Time) ([]Campaign, error) {
	var out []Campaign
	err := tx.bucket(bucketCampaigns).ForEach(func(k, v []byte) error {
		// The clear part says whether it is due: only those are unsealed
		// (the job asks every minute, and campaigns done pile up).
		r, err := decodeCampaignClear(k, v)
		if err != nil {
			return err
		}
		if (r.State != CampaignScheduled && r.State != CampaignSending) || r.SendAt.After(now) {
			return nil
		}
		c, err := tx.decodeCampaign(k, v)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: due campaigns: %w", err)
	}
	return out, nil
}

// QueuedRecipients returns up to limit customer ids still queued in
// campaign n, in customer order: one range scan of the queue.
func (tx *Tx) QueuedRecipients(n, limit int) ([]string, error) {
	ck := campaignKey(n)
	var out []string
	cur := tx.bucket(bucketCampaignQueue).Cursor()
	for k, _ := cur.Seek(ck); k != nil && bytes.HasPrefix(k, ck) && (limit <= 0 || len(out) < limit); k, _ = cur.Next() {
		out = append(out, custIDOfKey(k[len(ck):]))
	}
	return out, nil
}

// RecipientOf returns customerID's state in campaign n and the skip
// reason; ok is false when they are not a recipient.
func (tx *Tx) RecipientOf(n int, customerID string) (state RecipientState, reason string, ok bool, err error) {
	k, found := custKeyOf(customerID)
	if !found {
		return "", "", false, nil
	}
	r, ok, err := tx.getRecipient(concat(campaignKey(n), k))
	return r.State, r.Reason, ok, err
}

// MarkRecipient moves customerID in campaign n from queued to state
// (sent, skipped with reason, or failed with one) at at and updates the counts; the
// campaign becomes sending, and done when nobody is queued. It must run
// in the transaction that puts the recipient's message in the outbox. It
// reports false, changing nothing, when the recipient is not queued (sent
// already: a job run again) or the campaign is cancelled. A sent
// recipient is given the campaign's benefit in the same transaction (loc
// dates its coupon).
func (tx *Tx) MarkRecipient(n int, customerID string, state RecipientState, reason string, at time.Time, loc *time.Location) (bool, error) {
	if state == RecipientQueued || state == RecipientCancelled || (state == RecipientSent) != (reason == "") {
		return false, fmt.Errorf("ledger: mark recipient: %w", invalid("campaign", "state %q with reason %q", state, reason))
	}
	c, err := tx.Campaign(n)
	if err != nil {
		return false, err
	}
	if c.State == CampaignCancelled || c.State == CampaignDraft {
		return false, nil
	}
	k, ok := custKeyOf(customerID)
	if !ok {
		return false, fmt.Errorf("ledger: mark recipient %s: %w", customerID, ErrCustomerNotFound)
	}
	ck := campaignKey(n)
	rk := concat(ck, k)
	r, ok, err := tx.getRecipient(rk)
	if err != nil || !ok || r.State != RecipientQueued {
		return false, err
	}
	if err := tx.bucket(bucketCampaignQueue).Delete(rk); err != nil {
		return false, fmt.Errorf("ledger: mark recipient: %w", err)
	}
	r.State, r.Reason, r.At = state, reason, at
	c.Counts.Queued--
	switch state {
	case RecipientSent:
		c.Counts.Sent++
		r.SentAt = at
		if err := tx.bucket(bucketCustCampaigns).Put(concat(k, ck), binary.BigEndian.AppendUint64(nil, sortableNanos(at))); err != nil {
			return false, fmt.Errorf("ledger: mark recipient: %w", err)
		}
		if r.Coupon, err = tx.giveCampaignBenefit(c, customerID, at, loc); err != nil {
			return false, err
		}
	case RecipientSkipped:
		if c.Counts.Skipped == nil {
			c.Counts.Skipped = map[string]int{}
		}
		c.Counts.Skipped[reason]++
	case RecipientFailed:
		c.Counts.countFailed(reason)
	}
	if err := tx.putRecipient(rk, r); err != nil {
		return false, err
	}
	c.State = CampaignSending
	if c.Counts.Queued <= 0 {
		c.State, c.DoneAt = CampaignDone, at
	}
	return true, tx.putCampaign(&c)
}

func (c *CampaignCounts) countFailed(reason string) {
	c.Failed++
	if reason != "" {
		if c.FailedBy == nil {
			c.FailedBy = map[string]int{}
		}
		c.FailedBy[reason]++
	}
}

// giveCampaignBenefit gives c's benefit to customerID and returns the id
// of the coupon issued ("" none).
func (tx *Tx) giveCampaignBenefit(c Campaign, customerID string, at time.Time, loc *time.Location) (string, error) {
	actor := fmt.Sprintf("system:campaign:%d", c.Number)
	if c.Benefit.Points > 0 {
		e := PointsEntry{CustomerID: customerID, At: at, Kind: PointsAdjust, Points: c.Benefit.Points, ActorID: actor, Reason: "campaign"}
		if err := tx.AddPoints(&e); err != nil {
			return "", fmt.Errorf("ledger: campaign %d points %s: %w", c.Number, customerID, err)
		}
	}
	if c.Benefit.Coupon != nil {
		spec := CouponSpec{CustomerID: customerID, Benefit: *c.Benefit.Coupon, Days: c.Benefit.CouponDays, Source: SourceCampaign, ActorID: actor}
		cp, err := tx.IssueCoupon(spec, at, loc)
		if err != nil {
			return "", fmt.Errorf("ledger: campaign %d coupon %s: %w", c.Number, customerID, err)
		}
		// The campaign's message tells of the coupon: its notice is not
		// told again the next morning (as a win-back's).
		if err := tx.MarkNoticeDelivered(cp.NoticeID, at); err != nil {
			return "", fmt.Errorf("ledger: campaign %d coupon notice %s: %w", c.Number, customerID, err)
		}
		return cp.ID, nil
	}
	return "", nil
}

// FailRecipient records that the message of customerID in campaign n,
// marked sent, failed for good at at for reason (FailBlocked: they
// blocked the bot; FailGaveUp: the outbox gave it up): the recipient
// becomes failed, counted in Failed and no longer in Sent, and their
// later messages or opt-out no longer count as reactions to it. Its
// benefit stays given (the customer may find it in /coupons or their
// points). It reports false, changing nothing, when the recipient is not
// sent (failed already: the other path reported it too; never sent;
// not a recipient), so whichever path reports first counts, once.
func (tx *Tx) FailRecipient(n int, customerID, reason string, at time.Time) (bool, error) {
	if reason == "" {
		return false, fmt.Errorf("ledger: fail recipient: %w", invalid("campaign", "a failure needs a reason"))
	}
	k, ok := custKeyOf(customerID)
	if !ok {
		return false, nil
	}
	c, err := tx.Campaign(n)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	ck := campaignKey(n)
	rk := concat(ck, k)
	r, ok, err := tx.getRecipient(rk)
	if err != nil || !ok || r.State != RecipientSent {
		return false, err
	}
	r.State, r.Reason, r.At = RecipientFailed, reason, at
	if err := tx.putRecipient(rk, r); err != nil {
		return false, err
	}
	if err := tx.bucket(bucketCustCampaigns).Delete(concat(k, ck)); err != nil {
		return false, fmt.Errorf("ledger: fail recipient: %w", err)
	}
	c.Counts.Sent--
	c.Counts.countFailed(reason)
	return true, tx.putCampaign(&c)
}

// CampaignReaction is what a recipient did after a campaign.
type CampaignReaction int

// The reactions counted.
const (
	ReactionResponded CampaignReaction = iota + 1 // wrote to the shop (a thread message)
	ReactionOptedOut                              // withdrew advertising consent
)

// MarkCampaignReaction counts reaction of customerID at at for every
// campaign sent to them within CampaignResponseWindow before at, once per
// campaign and reaction. It returns how many campaigns counted it.
func (tx *Tx) MarkCampaignReaction(customerID string, reaction CampaignReaction, at time.Time) (int, error) {
	k, ok := custKeyOf(customerID)
	if !ok {
		return 0, nil
	}
	from := at.Add(-CampaignResponseWindow)
	var nums []int
	cur := tx.bucket(bucketCustCampaigns).Cursor()
	for ik, v := cur.Seek(k); ik != nil && bytes.HasPrefix(ik, k); ik, v = cur.Next() {
		if len(v) != 8 || len(ik) != custKeyLen+8 {
			continue
		}
		sent := timeFromSortable(binary.BigEndian.Uint64(v))
		if sent.Before(from) || sent.After(at) {
			continue
		}
		nums = append(nums, int(binary.BigEndian.Uint64(ik[custKeyLen:])))
	}
	counted := 0
	for _, n := range nums {
		rk := concat(campaignKey(n), k)
		r, ok, err := tx.getRecipient(rk)
		if err != nil || !ok {
			return counted, err
		}
		c, err := tx.Campaign(n)
		if err != nil {
			return counted, err
		}
		switch {
		case reaction == ReactionResponded && !r.Responded:
			r.Responded = true
			c.Counts.Responded++
		case reaction == ReactionOptedOut && !r.OptedOut:
			r.OptedOut = true
			c.Counts.OptedOut++
		default:
			continue
		}
		if err := tx.putRecipient(rk, r); err != nil {
			return counted, err
		}
		if err := tx.putCampaign(&c); err != nil {
			return counted, err
		}
		counted++
	}
	return counted, nil
}

// CampaignFigures are a campaign's response figures (프로모션 반응), beyond
// the replies and opt-outs its Counts keep: who came back and who used
// its benefit within CampaignResponseWindow of the send, against the
// customers of the same audience skipped for want of advertising consent,
// who were never messaged (the baseline).
type CampaignFigures struct {
	// Sent is the recipients whose message went (the failed left out);
	// Visited those of them with a visit (a note, a points earn or stamps) in the
	// window after their send; Redeemed those who used its benefit in it
	// (the campaign's coupon, or points redeemed when it gave points).
	Sent, Visited, Redeemed int
	// Replied is the recipients who answered their message, as
	// ResponseFigures.Replied counts for /response: wrote to the shop or
	// left a feedback (a rating) within the window, before any later
	// message to them.
	Replied int
	// Baseline is the customers skipped for no consent; BaselineVisited
	// those of them with a visit in the window after the campaign's
	// SendAt.
	Baseline, BaselineVisited int
	// Open says a window has not ended yet at the time asked: the
	// figures may still grow until Until, the end of the last window.
	Open  bool
	Until time.Time
}

// CampaignFigures returns campaign n's response figures as they stand at
// now: visits and redemptions after now are not counted. They are weighed
// as every message the shop starts is (OutreachFigures, responseOf): a
// visit or a use of the benefit after the send, within the window.
// ErrNotFound when there is no campaign n.
func (tx *Tx) CampaignFigures(n int, now time.Time) (CampaignFigures, error) {
	c, err := tx.Campaign(n)
	if err != nil {
		return CampaignFigures{}, err
	}
	var f CampaignFigures
	var msgs []sentMessage
	err = tx.campaignSends(c, func(s CampaignSend) error {
		if s.Skipped != "" && s.Skipped != SkipNoConsent {
			return nil // neither messaged nor the baseline
		}
		if end := s.At.Add(CampaignResponseWindow); end.After(f.Until) {
			f.Until = end
		}
		msgs = append(msgs, s.message())
		return nil
	})
	if err != nil {
		return CampaignFigures{}, fmt.Errorf("ledger: campaign %d figures: %w", n, err)
	}
	f.Open = now.Before(f.Until)
	r, err := tx.responseOf(msgs, now)
	if err != nil {
		return CampaignFigures{}, fmt.Errorf("ledger: campaign %d figures: %w", n, err)
	}
	f.Sent, f.Visited, f.Redeemed, f.Replied = r.Sent, r.Visited, r.Redeemed, r.Replied
	f.Baseline, f.BaselineVisited = r.Baseline, r.BaselineVisited
	return f, nil
}
