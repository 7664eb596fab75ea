package dialog

import (
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestMyStamps: a customer's /stamp (or 스탬프) shows their own card; in a
// shop without one it says so, after the card stopped it keeps the stamps
// collected; an unlinked customer is asked to link first. The customer
// never reaches staff's /stamp, which adds stamps.
func TestMyStamps(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			steps := []step{
				{msg: custMsg("/stamp"), ids: []string{"core.mypoints.unlinked"}},
			}
			steps = append(steps, linkMinji(h)...)
			reward := map[string]string{"ko": "아메리카노 1잔", "en": "free americano"}[lang]
			steps = append(steps, []step{
				{msg: custMsg("/stamp"), want: []string{h.text("loyalty.mystamps.off", nil)}},
				{msg: managerMsg("/program stamps 10 " + reward)},
				{msg: staffMsg("/stamp 김민지 3")},
				{msg: custMsg("/stamp"), want: []string{h.text("loyalty.mystamps.card", map[string]any{"Dots": stampDots(3, 10), "Left": 7, "Reward": reward})}},
				{msg: custMsg("/stamp 김민지 5"), want: []string{h.text("loyalty.mystamps.card", map[string]any{"Dots": stampDots(3, 10), "Left": 7, "Reward": reward})}},
				{msg: custMsg("/스탬프"), want: []string{stampDots(3, 10)}},
				{msg: managerMsg("/program stamps off")},
				{msg: custMsg("/stamp"), want: []string{h.text("loyalty.mystamps.stopped", map[string]any{"N": 3})}},
			}...)
			runSteps(t, h, steps)
		})
	}
}

// TestMyStampsGoalLowered: a goal lowered below a card's stamps fills it
// at once (flow_program_confirm.go): its reward is given and told, and the
// card shows what is left, 2/5 of 7 stamps; the next stamp gives no second
// reward for it. A card still over the goal (stamps imported over it)
// says it is full and what the next stamp brings, not "7/5" with nothing
// to go.
func TestMyStampsGoalLowered(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			reward := map[string]string{"ko": "아메리카노 1잔", "en": "free americano"}[lang]
			steps := append(linkMinjiIn(h),
				step{msg: managerMsg("/program stamps 10 " + reward)},
				step{msg: staffMsg("/stamp 김민지 7")},
				step{msg: managerMsg("/program stamps 5 " + reward), payloads: []string{"yes", "no"}},
				step{msg: press(managerMsg(""), "yes"), check: func(t *testing.T, h *harness, rs []Reply) {
					cs := h.coupons(f.minji)
					if len(cs) != 1 {
						t.Fatalf("coupons %+v, want the full card's reward", cs)
					}
					tellsCustomer(cs[0].Code, true)(t, h, rs)
				}},
				step{msg: custMsg("/stamp"), want: []string{h.text("loyalty.mystamps.card", map[string]any{"Dots": stampDots(2, 5), "Left": 3, "Reward": reward})}},
				step{msg: staffMsg("/stamp 김민지")},
				step{msg: custMsg("/stamp"), want: []string{h.text("loyalty.mystamps.card", map[string]any{"Dots": stampDots(3, 5), "Left": 2, "Reward": reward})}},
			)
			runSteps(t, h, steps)
			if cs := h.coupons(f.minji); len(cs) != 1 {
				t.Errorf("%d coupons, want one for the full card", len(cs))
			}
			h.update(func(tx *ledger.Tx) error {
				_, err := tx.ImportStamps(f.minji, 4, "cli:import", h.now())
				return err
			})
			runSteps(t, h, []step{
				{msg: custMsg("/stamp"), want: []string{h.text("loyalty.mystamps.card", map[string]any{"Dots": stampDots(7, 5), "Left": 0, "Reward": reward})}},
				{msg: staffMsg("/stamp 김민지")},
				{msg: custMsg("/stamp"), want: []string{h.text("loyalty.mystamps.card", map[string]any{"Dots": stampDots(3, 5), "Left": 2, "Reward": reward})}},
			})
			if cs := h.coupons(f.minji); len(cs) != 2 {
				t.Errorf("%d coupons, want one more for the imported full card", len(cs))
			}
		})
	}
}

// TestStampIsAVisit: a stamp counts the customer's visit, once a day, as
// an earn does: a café that only stamps had everyone at 0 visits.
func TestStampIsAVisit(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	visits := func() int {
		var v ledger.VisitStats
		h.view(func(tx *ledger.Tx) (err error) { v, err = tx.VisitStatsOf(f.minji); return err })
		return v.Visits
	}
	before := visits()
	runSteps(t, h, []step{
		{msg: managerMsg("/program stamps 10 아메리카노 1잔")},
		{msg: staffMsg("/stamp 김민지")},
		{msg: staffMsg("/stamp 김민지 2")},
	})
	if got := visits(); got != before+1 {
		t.Errorf("visits %d after two stamps in a day, want %d", got, before+1)
	}
	runSteps(t, h, []step{{advance: 24 * time.Hour, msg: staffMsg("/stamp 김민지")}})
	if got := visits(); got != before+2 {
		t.Errorf("visits %d after a stamp the next day, want %d", got, before+2)
	}
}
