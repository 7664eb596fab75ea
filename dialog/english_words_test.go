package dialog

import (
	"testing"

	"github.com/dangol/dangol/locales"
)

// TestEnglishUnits: the units English shows are the ones it reads. Points
// typed with "pts" or "points" are points wherever "P" is ("/program
// birthday 2,000 pts" was refused, "/points redeem … 100 pts" kept "pts"
// as the reason), and thousands of won typed "55k" or "5.5k" are amounts
// wherever "5.5만" is; both languages read both, the units being shared.
func TestEnglishUnits(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			runSteps(t, h, []step{
				{msg: staffMsg("/points add 김민지 55k"), check: all(balanceIs(&f.minji, 2750), func(t *testing.T, h *harness, _ []Reply) {
					if es := h.points(f.minji); len(es) != 1 || es[0].Amount != 55000 {
						t.Errorf("entries %+v, want one earn on 55,000", es)
					}
				})},
				// The entries come newest first.
				{msg: staffMsg("/points redeem 김민지 100 pts"), check: all(balanceIs(&f.minji, 2650), func(t *testing.T, h *harness, _ []Reply) {
					if es := h.points(f.minji); len(es) != 2 || es[0].Points != -100 || es[0].Reason != "" {
						t.Errorf("entries %+v, want a redeem of 100 without a reason", es)
					}
				})},
				{msg: staffMsg("/points redeem 김민지 1 point coffee"), check: func(t *testing.T, h *harness, _ []Reply) {
					if es := h.points(f.minji); len(es) != 3 || es[0].Points != -1 || es[0].Reason != "coffee" {
						t.Errorf("entries %+v, want a redeem of 1 for coffee", es)
					}
				}},
				{msg: managerMsg("/program birthday 2,000 pts"), check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.programme().Birthday; b.Points != 2000 || b.Coupon != nil {
						t.Errorf("birthday = %+v, want 2,000 points", b)
					}
				}},
				{msg: managerMsg("/program birthday 1,500 Points + coupon 10% 30 days"), check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.programme().Birthday; b.Points != 1500 || b.Coupon == nil || b.Coupon.Percent != 10 {
						t.Errorf("birthday = %+v, want 1,500 points and a coupon", b)
					}
				}},
				{msg: managerMsg("/program tiers regular 5 visits 7%, vip 15 visits or 500k 10%"), check: func(t *testing.T, h *harness, _ []Reply) {
					if ls := h.programme().Tiers.Levels; len(ls) != 3 || ls[2].MinSpend != 500000 {
						t.Errorf("tiers = %+v, want VIP from 500,000", ls)
					}
				}},
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("커트 상담"), ids: []string{"core.note.ask_amount"}},
				{msg: staffMsg("5.5k"), ids: []string{"core.note.ask_tags"}},
				{msg: press(staffMsg(""), "skip")},
				{msg: press(staffMsg(""), "skip"), want: []string{h.text("core.fmt.won", map[string]any{"N": "5,500"})}},
			})
		})
	}
}
