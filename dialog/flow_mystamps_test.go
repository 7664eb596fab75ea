package dialog

import (
	"testing"
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
