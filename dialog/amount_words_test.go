package dialog

import (
	"testing"

	"github.com/dangol/dangol/locales"
)

// TestAmountWords: amounts said in Hangul digits ("오만원", "5만 오천원") earn
// as their figures do, and the guided note's amount step takes them too
// and says back what it could not read.
func TestAmountWords(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			id := h.customer("김하늘", "01012345678")
			earned := func(won int64) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, rs []Reply) {
					t.Helper()
					es := h.points(id)
					if len(es) == 0 || es[0].Amount != won { // newest first
						t.Errorf("entries %+v, want the newest for %d won\n%s", es, won, allText(rs))
					}
				}
			}
			runSteps(t, h, []step{
				{msg: staffMsg("/points add 김하늘 오만원"), check: earned(50000)},
				{msg: staffMsg("/points add 김하늘 5만 오천원 펌"), check: earned(55000)},
				{msg: staffMsg("/points add 김하늘 이천오백원"), check: earned(2500)},
				{msg: staffMsg("/note")},
				{msg: staffMsg("김하늘")},
				{msg: staffMsg("뿌리염색 상담"), ids: []string{"core.note.ask_amount"}},
				{msg: staffMsg("오만언"), want: []string{h.text("core.note.bad_amount", map[string]any{"Input": "오만언"})}},
				{msg: staffMsg("삼만원"), ids: []string{"core.note.ask_tags"}},
				{msg: press(staffMsg(""), "skip")},
				{msg: press(staffMsg(""), "skip"), want: []string{"30,000"}},
			})
		})
	}
}
