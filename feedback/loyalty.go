package feedback

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// LoyaltyWeek is the loyalty part of a week's summary: what the ledger's
// clear loyalty log counts in the week (ledger.LoyaltyFigures: stamps,
// rewards, coupons issued, used and expired, points expired, tier moves)
// and how many customers held each tier at its end. Nothing sealed is
// opened.
type LoyaltyWeek struct {
	ledger.LoyaltyFigures
	// Tiers are the programme's tiers at the week's end, the base tier
	// first, for their names.
	Tiers []ledger.Tier
	// Custom says the programme is not the built-in default any more: a
	// manager changed a part of it by the week's end.
	Custom bool
	// StampsOn and ExpiryOn say the programme has a stamp card and points
	// that expire at the week's end: their lines show even in a quiet week.
	StampsOn, ExpiryOn bool
}

// UseRate returns the share of the week's coupons that ended used rather
// than expired, in percent: used ÷ (used + expired); ok is false when
// none ended.
func (l *LoyaltyWeek) UseRate() (pct float64, ok bool) {
	ended := l.CouponsUsed + l.CouponsExpired
	if ended == 0 {
		return 0, false
	}
	return 100 * float64(l.CouponsUsed) / float64(ended), true
}

// Active reports whether anything happened in the loyalty programme this
// week, or the shop runs one of its own: otherwise the summary leaves the
// section out, as it was before loyalty existed.
func (l *LoyaltyWeek) Active() bool {
	f := l.LoyaltyFigures
	return l.Custom || f.StampsGiven > 0 || f.StampsReversed > 0 || f.RewardsIssued > 0 || f.CouponsIssued > 0 ||
		f.CouponsUsed > 0 || f.CouponsExpired > 0 || f.CouponsVoided > 0 || f.PointsExpired > 0 || len(f.Moves) > 0
}

// scanLoyalty reads the week's loyalty figures: one range scan of the
// loyalty log and one pass over the customers and their tier records
// (Weekly's step). A shop on the default programme whose week logged no
// loyalty event shows no section: the pass, a tenth of the summary's time
// at 100,000 customers, is skipped.
func (b *builder) scanLoyalty(tx *ledger.Tx) error {
	p, err := tx.ProgrammeAt(b.s.To.Add(-1))
	if err != nil {
		return fmt.Errorf("loyalty: %w", err)
	}
	b.s.Loyalty = LoyaltyWeek{Tiers: p.Tiers.Levels, Custom: !p.Since.IsZero(), StampsOn: p.Stamps.Goal > 0, ExpiryOn: p.Expiry.Months > 0}
	if !b.s.Loyalty.Custom && !tx.HasLoyaltyEvents(b.s.From, b.s.To) {
		return nil
	}
	if b.s.Loyalty.LoyaltyFigures, err = tx.LoyaltyFigures(b.s.From, b.s.To); err != nil {
		return fmt.Errorf("loyalty: %w", err)
	}
	return nil
}

// builtinTiers are the catalog ids naming the built-in tiers.
var builtinTiers = map[string]string{
	ledger.TierNew: "core.tier.new", ledger.TierRegular: "core.tier.regular", ledger.TierVIP: "core.tier.vip",
}

// tierName names a tier id: the shop's name, the built-in tier's word, or
// the id of a tier the programme no longer has.
func (l *LoyaltyWeek) tierName(p printer, id string) string {
	for _, t := range l.Tiers {
		if t.ID == id && t.Name != "" {
			return t.Name
		}
	}
	if msg, ok := builtinTiers[id]; ok {
		return p.text(msg, nil)
	}
	return id
}

// loyaltySection is the week's loyalty lines, when Active.
func (s *Summary) loyaltySection(p printer) (Section, bool) {
	l := &s.Loyalty
	if !l.Active() {
		return Section{}, false
	}
	f := l.LoyaltyFigures
	// A part the shop does not run, and that did nothing, is left out.
	var lines []string
	if l.StampsOn || f.StampsGiven > 0 || f.StampsReversed > 0 || f.RewardsIssued > 0 {
		lines = append(lines, p.text("loyalty.week.stamps", map[string]any{
			"Given": formatInt(f.StampsGiven), "Reversed": formatInt(f.StampsReversed), "Rewards": formatInt(int64(f.RewardsIssued)),
			"Voided": formatInt(int64(f.CouponsVoided)),
		}))
	}
	if f.CouponsIssued > 0 || f.CouponsUsed > 0 || f.CouponsExpired > 0 || f.CouponsVoided > 0 {
		rate := "" // no coupon ended: no share to give
		if _, ok := l.UseRate(); ok {
			rate = maybe(l.UseRate()).show(p, percent, false)
		}
		lines = append(lines, p.text("loyalty.week.coupons", map[string]any{
			"Issued": formatInt(int64(f.CouponsIssued)), "Used": formatInt(int64(f.CouponsUsed)),
			"Expired": formatInt(int64(f.CouponsExpired)), "Rate": rate,
		}))
	}
	if l.ExpiryOn || f.PointsExpired > 0 {
		lines = append(lines, p.text("loyalty.week.points_expired", map[string]any{"Points": formatInt(f.PointsExpired)}))
	}
	var per []string
	seen := map[string]bool{}
	for _, t := range l.Tiers {
		seen[t.ID] = true
		per = append(per, p.text("loyalty.week.tier_item", map[string]any{"Tier": l.tierName(p, t.ID), "Count": formatInt(int64(f.PerTier[t.ID]))}))
	}
	var dropped []string // tiers the programme no longer has, still held
	for id, n := range f.PerTier {
		if !seen[id] && n > 0 {
			dropped = append(dropped, id)
		}
	}
	slices.Sort(dropped)
	for _, id := range dropped {
		per = append(per, p.text("loyalty.week.tier_item", map[string]any{"Tier": l.tierName(p, id), "Count": formatInt(int64(f.PerTier[id]))}))
	}
	lines = append(lines, p.text("loyalty.week.tiers", map[string]any{"List": strings.Join(per, " · ")}))
	if len(f.Moves) == 0 {
		lines = append(lines, p.text("loyalty.week.moves_none", nil))
	} else {
		var moves []string
		for _, m := range f.Moves {
			moves = append(moves, p.text("loyalty.week.move_item", map[string]any{
				"From": l.tierName(p, m.From), "To": l.tierName(p, m.To), "Count": formatInt(int64(m.Count)),
			}))
		}
		lines = append(lines, p.text("loyalty.week.moves", map[string]any{
			"Ups": formatInt(int64(f.TierUps)), "Downs": formatInt(int64(f.TierDowns)), "List": strings.Join(moves, " · "),
		}))
	}
	return Section{Title: p.text("loyalty.week.title", nil), Lines: lines}, true
}
