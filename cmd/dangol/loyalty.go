package main

import (
	"context"
	"slices"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// loyaltyJob is the daily loyalty run (dialog.Engine.LoyaltyJob: points
// past their end expire, customers are told of points about to expire,
// coupons past their last day end, tiers are recomputed, and what is
// pending for customers is sent with deliver), said in the log. It runs
// whatever the platforms: the balances and tiers need it even when no
// customer can be told (a message with nowhere to go is dropped by
// deliver, as any scheduled post is).
func (m *Main) loyaltyJob(engine *dialog.Engine, deliver func(context.Context, dialog.Reply) error) []dialog.Job {
	j := engine.LoyaltyJob(deliver)
	m.Logger.Info("scheduled loyalty run", "job", j.Name, "cron", j.Spec, "tz", m.Config.TZ)
	return []dialog.Job{j}
}

// The loyalty part of the JSON export: per customer their stored tier,
// stamp card and entries, coupons with their state and point lots; at the
// end of the file, every version of the programme. Numbers name points
// entries as "points_entries" lists them (1 the oldest), as "reverses"
// does.

// exportLoyalty is one customer's loyalty in the export.
type exportLoyalty struct {
	Tier    *exportTier    `json:"tier,omitempty"` // the stored record; none until a visit or the daily run reached them
	Stamps  *exportStamps  `json:"stamps,omitempty"`
	Coupons []exportCoupon `json:"coupons,omitempty"`
	Lots    []exportLot    `json:"lots,omitempty"`
}

type exportTier struct {
	Tier   string  `json:"tier"`
	Since  *string `json:"since"`
	Pinned bool    `json:"pinned"`
	DownTo string  `json:"down_to,omitempty"` // a downgrade announced
	DownOn *string `json:"down_on,omitempty"`
	// HeldUntil is the last day a tier from the shop's list is held
	// (ledger StartTier), while it is.
	HeldUntil *string `json:"held_until,omitempty"`
}

type exportStamps struct {
	OnCard  int                `json:"on_card"`
	Total   int                `json:"total"`
	Rewards int                `json:"rewards"`
	Entries []exportStampEntry `json:"entries"`
}

type exportStampEntry struct {
	At       string `json:"at"`
	N        int    `json:"n"`
	Reason   string `json:"reason"`
	Actor    string `json:"actor"`
	Reverses int    `json:"reverses,omitempty"` // the entry number it reverses, as in chat
	Imported bool   `json:"imported,omitempty"`
}

type exportCoupon struct {
	Code     string               `json:"code"`
	Benefit  ledger.CouponBenefit `json:"benefit"`
	Source   string               `json:"source"`
	IssuedAt string               `json:"issued_at"`
	IssuedBy string               `json:"issued_by"`
	LastDay  string               `json:"last_day"`
	State    string               `json:"state"` // at the time of the export: a valid coupon past its last day is expired
	UsedAt   *string              `json:"used_at"`
	UsedBy   string               `json:"used_by,omitempty"`
	Note     string               `json:"note,omitempty"`
}

type exportLot struct {
	Entry     int     `json:"entry"` // the points entry that made it
	At        string  `json:"at"`
	Points    int64   `json:"points"`
	Remaining int64   `json:"remaining"`
	Expires   *string `json:"expires"` // the day its points are gone; null: never
}

// exportLoyaltyOf is c's loyalty; entry numbers points entries by id.
// Nothing is there for a customer who has none of it.
func exportLoyaltyOf(tx *ledger.Tx, c ledger.Customer, entry map[string]int, loc *time.Location, now time.Time) (*exportLoyalty, error) {
	if c.Erased {
		return nil, nil // nothing of theirs opens any more
	}
	var el exportLoyalty
	tier, err := tx.TierOf(c.ID, now, loc)
	if err != nil {
		return nil, err
	}
	if tier.Stored {
		el.Tier = &exportTier{Tier: tier.TierID, Since: optTime(tier.Since, loc), Pinned: tier.Pinned, DownTo: tier.DownTo, DownOn: optDate(tier.DownOn, loc)}
		if tier.HeldOn(now, loc) {
			el.Tier.HeldUntil = optDate(tier.HeldUntil, loc)
		}
	}
	card, err := tx.StampCardOf(c.ID, now)
	if err != nil {
		return nil, err
	}
	stamps, err := tx.StampsOf(c.ID, 0)
	if err != nil {
		return nil, err
	}
	if len(stamps) > 0 {
		slices.Reverse(stamps)
		es := &exportStamps{OnCard: card.Stamps, Total: card.Total, Rewards: card.Rewards, Entries: []exportStampEntry{}}
		number := map[string]int{}
		for i, s := range stamps {
			number[s.ID] = i + 1
			es.Entries = append(es.Entries, exportStampEntry{At: rfc3339(s.At, loc), N: s.N, Reason: s.Reason, Actor: s.ActorID,
				Reverses: number[s.Reverses], Imported: s.Imported})
		}
		el.Stamps = es
	}
	coupons, err := tx.CouponsOf(c.ID, now, true)
	if err != nil {
		return nil, err
	}
	for _, cp := range coupons {
		el.Coupons = append(el.Coupons, exportCoupon{Code: cp.Code, Benefit: cp.Benefit, Source: string(cp.Source),
			IssuedAt: rfc3339(cp.IssuedAt, loc), IssuedBy: cp.IssuedBy, LastDay: cp.LastDay, State: string(cp.StateAt(now)),
			UsedAt: optTime(cp.UsedAt, loc), UsedBy: cp.UsedBy, Note: cp.Note})
	}
	lots, err := tx.LotsOf(c.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range lots {
		var expires *string
		if end := l.Ends(loc); !end.IsZero() {
			d := end.In(loc).Format(time.DateOnly)
			expires = &d
		}
		el.Lots = append(el.Lots, exportLot{Entry: entry[l.EntryID], At: rfc3339(l.At, loc), Points: l.Points, Remaining: l.Remaining, Expires: expires})
	}
	if el.Tier == nil && el.Stamps == nil && len(el.Coupons) == 0 && len(el.Lots) == 0 {
		return nil, nil
	}
	return &el, nil
}

// exportProgramme is one version of the loyalty programme: in force from
// since (null for the default and the seed, in force since always) until
// the next.
type exportProgramme struct {
	Since   *string          `json:"since"`
	Changed string           `json:"changed,omitempty"` // the part this version changed
	Rules   ledger.Programme `json:"rules"`
}

// writeProgrammes writes the programme's versions with item, oldest first.
func writeProgrammes(tx *ledger.Tx, loc *time.Location, item func(any) error) error {
	ps, err := tx.Programmes()
	if err != nil {
		return err
	}
	for _, p := range ps {
		since := optTime(p.Since, loc)
		changed := string(p.Changed)
		p.Since, p.Changed = time.Time{}, ""
		if err := item(exportProgramme{Since: since, Changed: changed, Rules: p}); err != nil {
			return err
		}
	}
	return nil
}
