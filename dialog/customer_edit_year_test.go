package dialog

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/locales"
)

// TestCustomerEdit_BirthdayKeepsYear: the card's day and month typed again
// without the year keep the year (answered as unchanged, the year shown),
// in Korean and English writing; another day without a year shows the year
// going in its before → after. Clearing a field that is empty says it is
// empty, not "already 없음".
func TestCustomerEdit_BirthdayKeepsYear(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seedList(h) // 김민지 was born 1990-03-15; 최유나 has no preferences
			year := func(want int) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, rs []Reply) {
					t.Helper()
					if b := h.cust(f.minji).Birthday; b.Year() != want {
						t.Errorf("birthday %v, want year %d\n%s", b, want, allText(rs))
					}
				}
			}
			full := h.text("customer_edit.date.ymd", map[string]any{"Year": 1990, "Month": 3, "Day": 15, "MonthName": "March"})
			same := h.text("customer_edit.unchanged", fieldData(h, "birthday", "Name", "김민지", "Value", full))
			empty := h.text("customer_edit.unchanged", map[string]any{"Field": h.text("customer_edit.field.preferences", nil), "Name": "최유나", "Empty": true})
			runSteps(t, h, []step{
				{msg: staffMsg("/customer 김민지 생일 3월 15일"), want: []string{same}, check: year(1990)},
				{msg: staffMsg("/customer 김민지 birthday March 15"), want: []string{same}, check: year(1990)},
				{msg: staffMsg("/customer 김민지 생일 3/15"), want: []string{same}, check: year(1990)},
				{msg: staffMsg("/customer 김민지 생일 3/16"), want: []string{full + " → "}, check: year(0)},
				{msg: staffMsg("/customer 최유나 선호 삭제"), want: []string{empty}, not: []string{"없음", "none"}},
			})
			if lang == "ko" && !strings.Contains(empty, "비어 있어요") {
				t.Errorf("empty field answer %q", empty)
			}
		})
	}
}
