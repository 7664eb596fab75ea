package dialog

// A programme change that moves customers asks first. Two do: tier rules
// that leave out a tier someone holds (its holders carry over to the new
// tier of its level, and those the new rules place lower go down after the
// ledger's notice), and a stamp card under which cards are full at once (a
// lowered goal: each gets its reward coupon, and its customer is told as
// of any reward). The question names who and what, with [바꾸기] [취소];
// the value waits in the program flow's draft (state progConfirm) and is
// stored only on [바꾸기], read again then. A change that moves nobody is
// stored at once, as before.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// partSet is what setPart stored: the programme from then on and, for a
// change of the stamp card, what it did to the cards already there.
type partSet struct {
	p ledger.Programme
	// rewards are the reward coupons of the cards the change left full,
	// for partDone to tell their customers of.
	rewards []ledger.Coupon
	// kept counts the cards holding stamps short of a raised goal: they
	// keep them, and now need the new goal.
	kept int
}

// askPartChange asks [바꾸기] [취소] before value is stored for part when
// it would move customers (tierDropsText, stampFillText), keeping value in
// the flow's draft; asked is false when nothing needs asking, or the
// value is one setPart refuses (it then says why).
func (t *turn) askPartChange(part ledger.ProgrammePart, value string) (asked bool, err error) {
	var text string
	switch part {
	case ledger.PartTiers:
		text, err = t.tierDropsText(value)
	case ledger.PartStamps:
		text, err = t.stampFillText(value)
	}
	if err != nil || text == "" {
		return false, err
	}
	if t.sess.Flow != flowProgram {
		t.begin(flowProgram)
	}
	if err := t.fire("confirm"); err != nil {
		return false, err
	}
	t.sess.Draft["part"], t.sess.Draft["value"] = string(part), strings.TrimSpace(value)
	r := t.mk(text, t.btn("loyalty.program.btn.apply", "yes"), t.btn("core.btn.cancel", "no"))
	r.Private = true
	t.add(r)
	return true, nil
}

// partConfirmStep reads the answer to askPartChange: [바꾸기] stores the
// value under the programme as it is then, [취소] leaves everything as
// it was, anything else asks again. A typed yes ("네", "yes") is [바꾸기]
// and a typed no [취소], as at a note's [저장].
func (t *turn) partConfirmStep(in input) error {
	answer := typedStep(in, nil, nil)
	if answer <= 0 && !t.isButton(in, "yes", "loyalty.program.btn.apply") {
		if answer < 0 || t.isButton(in, "no", "core.btn.cancel") {
			return t.cancel()
		}
		t.say("loyalty.program.bad_confirm", map[string]any{"Yes": t.text("loyalty.program.btn.apply", nil)},
			t.btn("loyalty.program.btn.apply", "yes"), t.btn("core.btn.cancel", "no"))
		return nil
	}
	part := ledger.ProgrammePart(t.sess.Draft["part"])
	if _, known := programPartNames[part]; !known {
		t.end()
		t.sayStale()
		return nil
	}
	if err := t.fire("done"); err != nil {
		return err
	}
	value := t.sess.Draft["value"]
	t.end()
	res, id, data, err := t.setPart(part, value)
	if err != nil {
		return err
	}
	if id != "" {
		return refuse(id, data)
	}
	return t.partDone(part, res)
}

// partDone answers a stored change: what the part is now and, for the
// stamp card, the customers whose full cards got their reward, each told
// of it as of any reward (tellNow: recorded, then sent to their linked
// chat, or dropped for one not reachable), and the cards keeping their
// stamps under a raised goal. The manager's answer comes first.
func (t *turn) partDone(part ledger.ProgrammePart, res partSet) error {
	at := len(t.replies)
	customers, err := t.tellRewards(res.rewards)
	if err != nil {
		return err
	}
	told := len(t.replies) - at
	var more []string
	if customers > 0 {
		more = append(more, t.text("loyalty.program.stamps_filled", map[string]any{"N": customers, "Told": told, "Untold": customers - told}))
	}
	if res.kept > 0 {
		more = append(more, t.text("loyalty.program.stamps_kept", map[string]any{"N": res.kept, "Goal": res.p.Stamps.Goal}))
	}
	r := t.partChanged(part, res.p, more...)
	t.replies = slices.Insert(t.replies, at, r)
	return nil
}

// tellRewards tells each customer of the reward coupons cs gave them, in
// one message, auditing the change of their card; it returns how many
// customers there were.
func (t *turn) tellRewards(cs []ledger.Coupon) (int, error) {
	var order []string
	byCustomer := map[string][]string{}
	for _, c := range cs {
		if _, ok := byCustomer[c.CustomerID]; !ok {
			order = append(order, c.CustomerID)
		}
		byCustomer[c.CustomerID] = append(byCustomer[c.CustomerID], c.NoticeID)
	}
	for _, id := range order {
		c, err := t.tx.Customer(id)
		if err != nil {
			return 0, fmt.Errorf("dialog: read customer: %w", err)
		}
		if err := t.audit("stamps", c.ID, "fill"); err != nil {
			return 0, err
		}
		if err := t.tellNow(c, byCustomer[id]...); err != nil {
			return 0, err
		}
	}
	return len(order), nil
}

// setStamps stores the stamp card r. A card full under the card in force
// (stamps imported over its goal) first gets that card's reward, so a
// change never takes away what was earned; then every card full under r
// (a goal lowered to or below its stamps) gets r's, at once rather than at
// its next stamp. It counts the cards left short of a raised goal.
func (t *turn) setStamps(r ledger.StampRules, actor string) (partSet, error) {
	old, err := t.programme()
	if err != nil {
		return partSet{}, err
	}
	owed, err := t.tx.FillStampCards(actor, t.now, t.e.loc)
	if err != nil {
		return partSet{}, fmt.Errorf("dialog: fill stamp cards: %w", err)
	}
	p, err := t.tx.SetStamps(r, actor, t.now)
	if err != nil {
		return partSet{}, err
	}
	full, err := t.tx.FillStampCards(actor, p.Since, t.e.loc)
	if err != nil {
		return partSet{}, fmt.Errorf("dialog: fill stamp cards: %w", err)
	}
	res := partSet{p: p, rewards: append(owed, full...)}
	if old.Stamps.Goal > 0 && r.Goal > old.Stamps.Goal {
		err = t.tx.StampCards(p.Since, func(c ledger.StampCard) error {
			if c.Stamps > 0 && c.Stamps < r.Goal {
				res.kept++
			}
			return nil
		})
	}
	if err != nil {
		return partSet{}, fmt.Errorf("dialog: stamp cards: %w", err)
	}
	return res, nil
}

// stampFillText is the question before a stamp card under which cards
// are full at once, saying how many customers get their reward; "" when
// none would, or value is refused by setPart.
func (t *turn) stampFillText(value string) (string, error) {
	a := parseStampRules(value)
	if a.empty || a.badGoal != "" || a.badReward != "" || (!a.off && a.rules.Reward.Kind == "") || a.rules.Validate() != nil {
		return "", nil
	}
	p, err := t.programme()
	if err != nil {
		return "", err
	}
	oldGoal, goal, n := p.Stamps.Goal, a.rules.Goal, 0
	err = t.tx.StampCards(t.now, func(c ledger.StampCard) error {
		if (oldGoal > 0 && c.Stamps >= oldGoal) || (goal > 0 && c.Stamps >= goal) {
			n++
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("dialog: stamp cards: %w", err)
	}
	if n == 0 {
		return "", nil
	}
	p.Stamps = a.rules
	return t.text("loyalty.program.confirm.stamps", map[string]any{"N": n, "Now": t.stampsLine(p)}), nil
}

// tierDropsText is the question before tier rules that leave out a tier
// someone holds, or keep one with rules that place holders lower: each
// such tier with its holders, the new tier they carry over to (a kept
// tier's own) and how many of them the new rules place lower, who are told at
// the next daily run and lowered ledger.TierDownNoticeDays later, and
// apart those whose tier from the shop's list is held (ledger StartTier),
// told only after their hold; "" when no tier left out is held, or value
// is refused by setPart.
func (t *turn) tierDropsText(value string) (string, error) {
	cur, err := t.programme()
	if err != nil {
		return "", err
	}
	r, bad := parseTierRules(value, t.e.builtinTier, cur.Tiers.WindowMonths)
	if bad != nil {
		return "", nil
	}
	drops, err := t.tx.TierDrops(r, t.now, t.e.loc)
	switch {
	case errors.Is(err, ledger.ErrInvalid):
		return "", nil // setPart says what is wrong
	case err != nil:
		return "", fmt.Errorf("dialog: tiers left out: %w", err)
	}
	rises, err := t.tx.TierRises(r, t.now, t.e.loc)
	if err != nil {
		return "", fmt.Errorf("dialog: tiers raised: %w", err)
	}
	if len(rises) == 0 && len(drops) == 0 {
		return "", nil
	}
	moves := t.tierMovesLine(rises, drops)
	if len(drops) == 0 {
		next := cur // only its tiers are read, and replaced
		r.Normalize()
		next.Tiers = r
		return t.text("loyalty.program.confirm.tiers_rise", map[string]any{"Moves": moves, "Now": t.partLine(ledger.PartTiers, next)}), nil
	}
	notice := t.e.nextLoyaltyRun(t.now)
	down := notice.AddDate(0, 0, ledger.TierDownNoticeDays)
	lines := make([]string, 0, len(drops))
	head := "loyalty.program.confirm.tiers_stricter" // only kept tiers' holders lowered
	for _, d := range drops {
		if !d.Kept {
			head = "loyalty.program.confirm.tiers"
		}
	}
	for _, d := range drops {
		data := map[string]any{
			"Tier": t.tierName(d.Tier), "To": t.tierName(d.To), "N": d.Holders, "Lower": d.Lower, "Pinned": d.Pinned,
			"Notice": t.day(notice), "Down": t.day(down), "Days": ledger.TierDownNoticeDays, "Held": d.Held,
		}
		if d.Held > 0 {
			data["Until"] = t.day(d.HeldUntil)
		}
		id := "loyalty.program.confirm.tier_drop"
		if d.Kept {
			id = "loyalty.program.confirm.tier_kept"
		}
		lines = append(lines, t.text(id, data))
	}
	text := t.text(head, map[string]any{"Lines": strings.Join(lines, "\n")})
	if len(rises) > 0 {
		text = moves + "\n" + text
	}
	return text, nil
}

// tierMovesLine says how many customers new tier rules move up at once,
// by the tier they rise to, and how many they place lower (told first,
// lowered after the notice): "3명이 VIP로 올라가요 · 0명 내려가요". A typo
// ("VIP 3회" for 30회) raised every customer untold before this.
func (t *turn) tierMovesLine(rises []ledger.TierRise, drops []ledger.TierDrop) string {
	ups := make([]string, 0, len(rises))
	for _, r := range rises {
		ups = append(ups, t.text("loyalty.program.confirm.tier_up", map[string]any{"N": r.N, "Tier": t.tierName(r.To)}))
	}
	down := 0
	for _, d := range drops {
		down += d.Lower
	}
	return t.text("loyalty.program.confirm.tier_moves", map[string]any{"Ups": strings.Join(ups, ", "), "Up": len(ups), "Down": down})
}

// nextLoyaltyRun is when LoyaltyJob next runs after at, in the shop's
// zone: when the holders of a tier left out whom the new rules place
// lower are told of it (later if dangol is not running then).
func (e *Engine) nextLoyaltyRun(at time.Time) time.Time {
	sc, err := parseSpec(DefaultLoyaltySpec)
	if err != nil {
		return at // the spec is a constant that parses
	}
	return sc.Next(at.In(e.loc))
}
