package dialog

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// The campaigns' delivery: a Check job every minute that takes the queued
// recipients of each campaign due, a batch per transaction, checks each
// again (consent, reach) at that moment, and marks each sent with its
// message put in the outbox and its benefit given, in the same
// transaction: a restart resends nothing and goes on with the rest. It
// sends nothing in the night rule's hours: a campaign reaching 21:00 with
// recipients left finishes at 08:00.

// The campaign job.
const (
	// CampaignJobName names the campaigns' delivery in the scheduler.
	CampaignJobName = "campaign"
	// campaignSpec is every minute.
	campaignSpec = "* * * * *"
	// DefaultCampaignBatch is how many recipients one transaction marks.
	DefaultCampaignBatch = 100
	// DefaultCampaignPerRun is how many recipients one run of the job
	// takes at most (of all campaigns): at Telegram's 30 messages a second
	// the adapter sends them in about half a minute, before the next run.
	DefaultCampaignPerRun = 1000
)

// CampaignJob returns the campaigns' delivery for NewScheduler: a Check
// job every minute whose Posts records and returns the messages due
// (CampaignSends) and whose Deliver is deliver. perRun caps the
// recipients taken per run (<= 0: DefaultCampaignPerRun); batch the
// recipients per transaction (<= 0: DefaultCampaignBatch). A message
// whose send is refused because the customer blocked the bot (ErrBlocked)
// is done with: the adapter's runtime hands it to Blocked, which marks
// them unreachable and the recipient failed.
func (e *Engine) CampaignJob(perRun, batch int, deliver func(context.Context, Reply) error) Job {
	return Job{
		Name: CampaignJobName, Spec: campaignSpec, Loc: e.loc, MaxLate: 59 * time.Second,
		Posts: func(ctx context.Context, at time.Time) ([]Reply, error) {
			return e.CampaignSends(ctx, at, perRun, batch)
		},
		Deliver: func(ctx context.Context, r Reply) error {
			if err := deliver(ctx, r); err != nil && !errors.Is(err, ErrBlocked) {
				return err
			}
			return nil
		},
		Check: true, // it reads the queue as it is when it runs
		Due:   e.campaignDue,
	}
}

// campaignDue is the campaign job's Due: the earliest moment at or after
// at when a scheduled campaign may go (its send time, out of the night),
// or at itself while one is being sent.
func (e *Engine) campaignDue(ctx context.Context, at time.Time) (time.Time, error) {
	var first time.Time
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		cs, err := tx.Campaigns(0)
		if err != nil {
			return err
		}
		for _, c := range cs {
			var d time.Time
			switch c.State {
			case ledger.CampaignSending:
				d = adSendAt(at, e.loc)
			case ledger.CampaignScheduled:
				d = adSendAt(maxTime(c.SendAt, at), e.loc)
			default:
				continue
			}
			if first.IsZero() || d.Before(first) {
				first = d
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("dialog: campaigns due: %w", err)
	}
	return first, nil
}

// CampaignSends takes up to perRun queued recipients of the campaigns due
// at at, batch per transaction, and returns their messages, each recorded
// as sent (and in the outbox, with Config.Outbox) before it is returned.
// A recipient who lost consent or reach since the preview is marked
// skipped with the reason. In the night (21:00–08:00) it takes nobody.
// Each run first expires the previews never confirmed for a day.
func (e *Engine) CampaignSends(ctx context.Context, at time.Time, perRun, batch int) ([]Reply, error) {
	if perRun <= 0 {
		perRun = DefaultCampaignPerRun
	}
	if batch <= 0 {
		batch = DefaultCampaignBatch
	}
	if err := e.expireDrafts(ctx, at); err != nil {
		return nil, err
	}
	if !adSendAt(at, e.loc).Equal(at) {
		return nil, nil // the night: the queue waits for 08:00
	}
	var due []ledger.Campaign
	if err := e.store.View(ctx, func(tx *ledger.Tx) (err error) { due, err = tx.DueCampaigns(at); return err }); err != nil {
		return nil, fmt.Errorf("dialog: due campaigns: %w", err)
	}
	var out []Reply
	left := perRun
	for _, c := range due {
		for left > 0 {
			rs, taken, err := e.campaignBatch(ctx, c, at, min(batch, left))
			if err != nil {
				return out, err
			}
			out = append(out, rs...)
			left -= taken
			if taken == 0 {
				break
			}
		}
	}
	if len(out) > 0 {
		e.log.InfoContext(ctx, "dialog: campaign messages", "messages", len(out))
	}
	return out, nil
}

// expireDrafts expires the previews never confirmed for a day
// (ledger.ExpireCampaignDrafts), writing only when there is one.
func (e *Engine) expireDrafts(ctx context.Context, at time.Time) error {
	var stale bool
	if err := e.store.View(ctx, func(tx *ledger.Tx) (err error) { stale, err = tx.HasExpiredDrafts(at); return err }); err != nil {
		return fmt.Errorf("dialog: expired drafts: %w", err)
	}
	if !stale {
		return nil
	}
	var n int
	if err := e.store.Update(ctx, func(tx *ledger.Tx) (err error) { n, err = tx.ExpireCampaignDrafts(at); return err }); err != nil {
		return fmt.Errorf("dialog: expire drafts: %w", err)
	}
	e.log.InfoContext(ctx, "dialog: campaign previews never sent expired", "campaigns", n)
	return nil
}

// campaignBatch marks up to n queued recipients of campaign c in one
// transaction and returns the messages of those sent and how many it took.
func (e *Engine) campaignBatch(ctx context.Context, c ledger.Campaign, at time.Time, n int) ([]Reply, int, error) {
	var out []Reply
	var taken int
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out, taken = out[:0], 0 // Update may run this more than once
		ids, err := tx.QueuedRecipients(c.Number, n)
		if err != nil {
			return err
		}
		for _, id := range ids {
			taken++
			cust, err := tx.Customer(id)
			if err != nil {
				return fmt.Errorf("read customer: %w", err)
			}
			r, skip, err := e.adMessage(tx, cust, at, func(t *turn) string { return t.campaignBody(c.Text, c.Benefit) })
			if err != nil {
				return err
			}
			if skip != AdSent {
				if _, err := tx.MarkRecipient(c.Number, id, ledger.RecipientSkipped, string(skip), at, e.loc); err != nil {
					return err
				}
				continue
			}
			ok, err := tx.MarkRecipient(c.Number, id, ledger.RecipientSent, "", at, e.loc)
			if err != nil || !ok {
				return err
			}
			r.Origin = campaignOrigin(c.Number, id)
			if err := e.stashCare(tx, r.Origin, at, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("dialog: campaign %d: %w", c.Number, err)
	}
	return out, taken, nil
}

// campaignOriginPrefix starts the Reply.Origin of a campaign's message:
// "campaign:<n>:<customer id>", which is also its outbox event id.
const campaignOriginPrefix = "campaign:"

// campaignOrigin is the Reply.Origin of campaign n's message to
// customerID.
func campaignOrigin(n int, customerID string) string {
	return campaignOriginPrefix + strconv.Itoa(n) + ":" + customerID
}

// parseCampaignOrigin reads a campaign message's Reply.Origin; ok is false
// for any other.
func parseCampaignOrigin(origin string) (n int, customerID string, ok bool) {
	rest, ok := strings.CutPrefix(origin, campaignOriginPrefix)
	if !ok {
		return 0, "", false
	}
	num, id, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 || id == "" {
		return 0, "", false
	}
	return n, id, true
}

// failSent records in tx that r, a message the shop started, failed for
// good for reason (ledger.FailBlocked, ledger.FailGaveUp): a campaign's
// recipient becomes failed, once. Any other message changes nothing.
func (e *Engine) failSent(tx *ledger.Tx, r Reply, reason string, at time.Time) error {
	n, id, ok := parseCampaignOrigin(r.Origin)
	if !ok {
		return nil
	}
	if _, err := tx.FailRecipient(n, id, reason, at); err != nil {
		return fmt.Errorf("dialog: campaign %d failed send: %w", n, err)
	}
	return nil
}

// GaveUp records that the outbox gave r up (nothing carries it, or it
// still failed after days; cmd/dangol's resender), before or after it
// reports r Delivered: a campaign's message counts its recipient failed,
// once, even if Blocked reported it too. Other messages change nothing.
func (e *Engine) GaveUp(ctx context.Context, r Reply) error {
	if _, _, ok := parseCampaignOrigin(r.Origin); !ok {
		return nil
	}
	now := e.now()
	if err := e.store.Update(ctx, func(tx *ledger.Tx) error { return e.failSent(tx, r, ledger.FailGaveUp, now) }); err != nil {
		return fmt.Errorf("dialog: gave up: %w", err)
	}
	return nil
}
