package dialog

import (
	"testing"

	"github.com/dangol/dangol/locales"
)

// TestPointsKoreanUnits: points are typed with 만 and 천 wherever an amount
// of won is ("/points redeem 김민지 1만" answered "포인트를 이해하지
// 못했어요: '1만'" while "/points add … 5.5만" earned), parts written apart
// are one figure, and the 1억P cap of a redeem still holds when typed in
// units. A figure in won is still not points.
func TestPointsKoreanUnits(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			pts := func(n string) string { return h.text("core.fmt.points", map[string]any{"N": n}) }
			runSteps(t, h, []step{
				{msg: staffMsg("/points add 김민지 100만"), payloads: []string{"yes", "no"}},
				{msg: press(staffMsg(""), "yes"), check: balanceIs(&f.minji, 50000)},
				{msg: staffMsg("/points redeem 김민지 1만"), check: balanceIs(&f.minji, 40000)},
				{msg: staffMsg("/points redeem 김민지 1만 5천 P 음료"), check: all(balanceIs(&f.minji, 25000), func(t *testing.T, h *harness, _ []Reply) {
					if es := h.points(f.minji); len(es) != 3 || es[0].Points != -15000 || es[0].Reason != "음료" {
						t.Errorf("entries %+v, want a redeem of 15,000 for 음료", es)
					}
				})},
				{msg: staffMsg("/points redeem 김민지 2천점"), check: balanceIs(&f.minji, 23000)},
				{msg: staffMsg("/points redeem 김민지 2억"), want: []string{h.text("input.redeem.too_large", map[string]any{
					"Points": pts("200,000,000"), "Spoken": "2억", "Max": pts("100,000,000"), "MaxSpoken": "1억"})}, check: balanceIs(&f.minji, 23000)},
				{msg: staffMsg("/points redeem 김민지 1만원"), check: balanceIs(&f.minji, 23000)},
				{msg: managerMsg("/program birthday 1만P"), check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.programme().Birthday; b.Points != 10000 {
						t.Errorf("birthday = %+v, want 10,000 points", b)
					}
				}},
			})
		})
	}
}
