package dialog

// Telling customers about their loyalty: the ledger records a Notice with
// each cause (a tier up or down, points about to expire or expired, a full
// stamp card's reward, a coupon given), and dangol tells the customer in
// the channel they linked. A notice caused by a staff member's message is
// told in that message's replies (a ToUser reply); the daily run's notices,
// and any left pending, by LoyaltyJob once a day.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// The daily loyalty job.
const (
	// LoyaltyJob runs the ledger's daily loyalty run (expiries, expiry
	// notices, coupons past their last day, tiers) and tells customers
	// what is pending.
	LoyaltyJob = "loyalty-daily"
	// DefaultLoyaltySpec is every day at 10:00: after the night's
	// expiries, and at an hour a shop's customers expect its messages.
	DefaultLoyaltySpec = "0 10 * * *"
	// LoyaltyMaxLate is how late a missed run is still made: the same day.
	LoyaltyMaxLate = 10 * time.Hour
)

// LoyaltyJob returns the daily loyalty run for NewScheduler, its messages
// sent with deliver. Each occurrence runs ledger.Store.RunDaily at its
// time (in the shop's zone) and posts one message per customer with every
// notice pending for them; a notice is marked delivered once deliver has
// handed its message over, so a failed send is tried again (the
// scheduler's retry, or the next day) and a delivered notice is never sent
// again. Notices of customers no channel reaches (never linked, or without
// consent) are dropped, and so are those refused because the customer
// blocked the bot (ErrBlocked).
func (e *Engine) LoyaltyJob(deliver func(context.Context, Reply) error) Job {
	sent := &noticeBook{ids: map[string][]string{}}
	return Job{
		Name: LoyaltyJob, Spec: DefaultLoyaltySpec, Loc: e.loc, MaxLate: LoyaltyMaxLate,
		Posts: func(ctx context.Context, at time.Time) ([]Reply, error) {
			return e.loyaltyPosts(ctx, at, sent)
		},
		Deliver: func(ctx context.Context, r Reply) error {
			ids := sent.take(r)
			if err := deliver(ctx, r); err != nil && !errors.Is(err, ErrBlocked) {
				sent.put(r, ids)
				return err
			}
			// Out, or refused by someone who blocked the bot (reach.go):
			// telling it again tomorrow would be refused again.
			// The message is out: a failure to record it only risks
			// telling it again tomorrow, never losing it.
			err := e.store.Update(context.WithoutCancel(ctx), func(tx *ledger.Tx) error {
				for _, id := range ids {
					if err := tx.MarkNoticeDelivered(id, e.now()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				e.log.ErrorContext(ctx, "dialog: mark loyalty notices delivered", "notices", len(ids), "err", err)
			}
			return nil
		},
	}
}

// noticeBook remembers, between a job's Posts and its Deliver calls, which
// notices each message tells.
type noticeBook struct {
	mu  sync.Mutex
	ids map[string][]string // message key -> notice ids
}

func bookKey(r Reply) string { return r.Channel + ":" + r.UserID + "\x00" + r.Text }

func (b *noticeBook) put(r Reply, ids []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ids[bookKey(r)] = ids
}

func (b *noticeBook) take(r Reply) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := bookKey(r)
	ids := b.ids[k]
	delete(b.ids, k)
	return ids
}

// loyaltyPosts runs the daily loyalty run at at and returns one message
// per customer with their pending notices (book, if not nil, learns which
// message tells which notices): LoyaltyJob's Posts.
func (e *Engine) loyaltyPosts(ctx context.Context, at time.Time, book *noticeBook) ([]Reply, error) {
	if err := e.store.Update(ctx, e.seedProgramme); err != nil {
		return nil, err
	}
	res, err := e.store.RunDaily(ctx, at, e.loc)
	if err != nil {
		return nil, fmt.Errorf("dialog: loyalty daily run: %w", err)
	}
	e.log.InfoContext(ctx, "dialog: loyalty daily run", "lots_expired", res.LotsExpired, "points_expired", res.PointsExpired,
		"expiry_notices", res.ExpiryNotices, "coupons_expired", res.CouponsExpired, "tier_ups", res.TierUps,
		"tier_downs", res.TierDowns, "down_notices", res.DownNotices)
	var out []Reply
	err = e.store.Update(ctx, func(tx *ledger.Tx) error {
		out = nil // Update may run this more than once
		if book != nil {
			book.mu.Lock()
			clear(book.ids)
			book.mu.Unlock()
		}
		pending, err := tx.PendingNotices(0)
		if err != nil {
			return err
		}
		byCustomer := map[string][]ledger.Notice{}
		var order []string
		for _, n := range pending {
			if _, ok := byCustomer[n.CustomerID]; !ok {
				order = append(order, n.CustomerID)
			}
			byCustomer[n.CustomerID] = append(byCustomer[n.CustomerID], n)
		}
		for _, id := range order {
			r, ids, ok, err := e.noticeMessage(tx, id, byCustomer[id], at)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if book != nil {
				book.put(r, ids)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: loyalty notices: %w", err)
	}
	return out, nil
}

// noticeMessage is one customer's pending notices as one message, with
// the ids it tells. Notices with nobody to tell, or no longer true (a
// coupon used or void since), are dropped in tx; ok is false when none is
// left to send.
func (e *Engine) noticeMessage(tx *ledger.Tx, customerID string, ns []ledger.Notice, at time.Time) (Reply, []string, bool, error) {
	c, err := tx.Customer(customerID)
	if err != nil {
		return Reply{}, nil, false, fmt.Errorf("dialog: read customer: %w", err)
	}
	channel, user, lang, reachable, err := e.customerAddress(tx, c)
	if err != nil {
		return Reply{}, nil, false, err
	}
	nt := e.quietTurn(tx, lang, at)
	var lines []string
	var ids []string
	menu := false
	for _, n := range ns {
		var line string
		var coupon bool
		ok := false
		if reachable {
			if line, coupon, ok, err = nt.noticeText(n); err != nil {
				return Reply{}, nil, false, err
			}
		}
		if !ok {
			if err := tx.DropNotice(n.ID, at); err != nil {
				return Reply{}, nil, false, err
			}
			continue
		}
		lines = append(lines, line)
		ids = append(ids, n.ID)
		menu = menu || coupon
	}
	if len(lines) == 0 {
		return Reply{}, nil, false, nil
	}
	if menu {
		// Where to find the coupon again: the menu's points, or /coupon.
		lines = append(lines, nt.text("loyalty.notice.coupon_hint", nil))
	}
	r := Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Text: strings.Join(lines, "\n\n"), Menu: menu}
	if menu {
		r.Buttons = []Button{{Label: nt.text("loyalty.notice.coupon_button", nil), Payload: myCouponsAction}}
	}
	return r, ids, true, nil
}

// customerAddress is where customer c is told things: their first linked
// platform id and its language (the profile's, else the record's, else
// the shop's).
// reachable is false for a customer never linked, without consent or
// erased: service messages need the base consent.
func (e *Engine) customerAddress(tx *ledger.Tx, c ledger.Customer) (channel, user, lang string, reachable bool, err error) {
	lang = e.lang
	if c.Lang != "" {
		lang = locales.Normalize(c.Lang)
	}
	if c.Erased || !c.Consent.Given {
		return "", "", lang, false, nil
	}
	for _, id := range c.Links {
		ch, u, ok := strings.Cut(id, ":")
		if !ok || ch == "" || u == "" {
			continue
		}
		p, err := tx.Profile(id)
		if err != nil {
			return "", "", "", false, fmt.Errorf("dialog: read profile: %w", err)
		}
		if p.Lang != "" {
			lang = locales.Normalize(p.Lang)
		}
		return ch, u, lang, true, nil
	}
	return "", "", lang, false, nil
}

// quietTurn is a turn with no message, for text rendered outside one (the
// daily job's notices): it reads tx and writes in lang, and says nothing.
func (e *Engine) quietTurn(tx *ledger.Tx, lang string, now time.Time) *turn {
	return &turn{e: e, ctx: context.Background(), tx: tx, lang: lang, now: now, role: ledger.RoleNone}
}

// noticeText is what a notice tells the customer, in the turn's language;
// coupon says it gives them one (the message then says where to find it);
// ok is false when it no longer holds (its coupon was used or taken back).
func (t *turn) noticeText(n ledger.Notice) (text string, coupon bool, ok bool, err error) {
	p, err := t.programme()
	if err != nil {
		return "", false, false, err
	}
	switch n.Kind {
	case ledger.NoticeTierUp:
		l, _ := p.Tiers.Level(n.Tier)
		if l.ID == "" {
			l = ledger.Tier{ID: n.Tier}
		}
		name := t.tierName(l)
		d := map[string]any{"Tier": name, "Rate": rate(p.EarnRateOf(n.Tier)), "Benefit": l.Benefit}
		return t.text("loyalty.notice.tier_up", d), false, true, nil
	case ledger.NoticeTierDownSoon, ledger.NoticeTierDown:
		from, to := t.tierNameOf(p, n.FromTier), t.tierNameOf(p, n.Tier)
		d := map[string]any{"From": from, "To": to, "On": n.On}
		if n.Kind == ledger.NoticeTierDown {
			return t.text("loyalty.notice.tier_down", d), false, true, nil
		}
		if err := t.tierNeed(p, n, d); err != nil {
			return "", false, false, err
		}
		return t.text("loyalty.notice.tier_down_soon", d), false, true, nil
	case ledger.NoticeExpireSoon, ledger.NoticeExpired:
		pts := t.pts(n.Points)
		d := map[string]any{"Points": pts, "On": n.On, "LastDay": dayBefore(n.On), "Until": n.Until}
		switch {
		case n.Kind == ledger.NoticeExpired:
			return t.text("loyalty.notice.expired", d), false, true, nil
		case n.Until != "": // points of several earn days, told once
			return t.text("loyalty.notice.expire_soon_days", d), false, true, nil
		}
		return t.text("loyalty.notice.expire_soon", d), false, true, nil
	case ledger.NoticeReward, ledger.NoticeCoupon:
		c, err := t.tx.Coupon(n.CouponID)
		if err != nil {
			return "", false, false, nil // gone with an erasure: nothing to tell
		}
		if c.StateAt(t.now) != ledger.CouponValid {
			return "", false, false, nil
		}
		d := map[string]any{"Benefit": t.benefitText(c.Benefit), "LastDay": c.LastDay, "Code": c.Code, "Stamps": n.Points}
		if n.Kind == ledger.NoticeReward {
			return t.text("loyalty.notice.reward", d), true, true, nil
		}
		return t.text("loyalty.notice.coupon", d), true, true, nil
	case ledger.NoticeCouponVoid:
		// A service message about their own coupon, with no menu to it:
		// there is nothing left to see.
		c, err := t.tx.Coupon(n.CouponID)
		if err != nil || c.State != ledger.CouponVoid {
			return "", false, false, nil // gone with an erasure
		}
		d := map[string]any{"Benefit": t.benefitText(c.Benefit), "Code": c.Code}
		if c.Source == ledger.SourceStamps {
			return t.text("loyalty.notice.reward_void", d), false, true, nil
		}
		return t.text("loyalty.notice.coupon_void", d), false, true, nil
	}
	return "", false, false, nil
}

// tierNeed adds to d what the tier a downgrade notice n takes away needs
// under the rules in force, p's (Need, and Months for a window), and what
// the customer has now by the same measures (Have): "VIP 기준은 방문 15회예요
// (지금 2회)". The notice used to promise they keep the tier if they meet
// its threshold before the day without saying what it was, after a ladder
// made stricter as much as after a lapse; whether the visits still missing
// can be made in time depends on the shop (and, under a window, on visits
// leaving it meanwhile), so the customer reads the facts and no promise.
// d is left as it was for a tier p no longer names or without a threshold.
func (t *turn) tierNeed(p ledger.Programme, n ledger.Notice, d map[string]any) error {
	l, ok := p.Tiers.Level(n.FromTier)
	if !ok || (l.MinVisits <= 0 && l.MinSpend <= 0) {
		return nil
	}
	st, err := t.tx.TierOf(n.CustomerID, t.now, t.e.loc)
	if errors.Is(err, ledger.ErrCustomerNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: tier of %s: %w", n.CustomerID, err)
	}
	var have []string
	if l.MinVisits > 0 {
		have = append(have, t.text("loyalty.tier.visits", map[string]any{"N": st.Visits}))
	}
	if l.MinSpend > 0 {
		have = append(have, t.text("loyalty.tier.spend", map[string]any{"Amount": t.won(st.Spend)}))
	}
	d["Need"], d["Have"], d["Months"] = t.thresholdText(l), strings.Join(have, " · "), p.Tiers.WindowMonths
	return nil
}

// dayBefore is the day before a YYYY-MM-DD date, as one.
func dayBefore(on string) string {
	d, err := time.Parse(time.DateOnly, on)
	if err != nil {
		return on
	}
	return d.AddDate(0, 0, -1).Format(time.DateOnly)
}

// tellNow tells a customer, in this turn's replies, the notices their
// change recorded (a tier up, a reward, a coupon), and marks them
// delivered in the same transaction: a ToUser reply to their linked
// channel. A customer no channel reaches has them dropped.
func (t *turn) tellNow(c ledger.Customer, noticeIDs ...string) error {
	var ns []ledger.Notice
	for _, id := range noticeIDs {
		if id == "" {
			continue
		}
		n, err := t.tx.Notice(id)
		if err != nil {
			return fmt.Errorf("dialog: read notice: %w", err)
		}
		if n.State == ledger.NoticePending {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return nil
	}
	r, ids, ok, err := t.e.noticeMessage(t.tx, c.ID, ns, t.now)
	if err != nil || !ok {
		return err
	}
	for _, id := range ids {
		if err := t.tx.MarkNoticeDelivered(id, t.now); err != nil {
			return fmt.Errorf("dialog: mark notice delivered: %w", err)
		}
	}
	t.add(r)
	return nil
}
