package dialog

import (
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestBirthdayMovedAfterGreeting: a customer greeted this year who moves
// their birthday to a day still ahead is told the year's greeting went
// already (on which day) and the next comes next year, not promised one
// that never comes (a greeting goes once a year); staff's /customer …
// 생일 says the same. A day already past, or no greeting this year, keeps
// the promise, which then holds.
func TestBirthdayMovedAfterGreeting(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, seoul) }
	tests := []struct {
		name    string
		greeted time.Time // the day of the last greeting recorded (zero: none)
		msg     func(h *harness, id string) Message
		want    func(h *harness) string
		not     func(h *harness) string
	}{
		{"CustomerMovedAheadAfterTodaysGreeting", day(2026, 5, 13), func(*harness, string) Message { return custMsg("/birthday 5/20") },
			func(h *harness) string {
				return h.text("customer_edit.my.set_greeted", map[string]any{"Date": "5월 20일", "On": "5월 13일"})
			}, nil},
		{"CustomerMovedAheadAfterAnEarlierGreeting", day(2026, 3, 1), func(*harness, string) Message { return custMsg("/birthday 6/1") },
			func(h *harness) string {
				return h.text("customer_edit.my.set_greeted", map[string]any{"Date": "6월 1일", "On": "3월 1일"})
			}, nil},
		{"CustomerMovedToADayPast", day(2026, 3, 1), func(*harness, string) Message { return custMsg("/birthday 4/1") },
			func(h *harness) string { return h.text("customer_edit.my.set", map[string]any{"Date": "4월 1일"}) }, nil},
		{"CustomerGreetedLastYear", day(2025, 6, 1), func(*harness, string) Message { return custMsg("/birthday 6/1") },
			func(h *harness) string { return h.text("customer_edit.my.set", map[string]any{"Date": "6월 1일"}) }, nil},
		{"CustomerNeverGreeted", time.Time{}, func(*harness, string) Message { return custMsg("/birthday 6/1") },
			func(h *harness) string { return h.text("customer_edit.my.set", map[string]any{"Date": "6월 1일"}) }, nil},
		{"StaffMovedAheadAfterGreeting", day(2026, 5, 13), func(*harness, string) Message { return staffMsg("/customer 김민지 생일 5/20") },
			func(h *harness) string {
				return h.text("customer_edit.birthday_greeted", map[string]any{"On": "5월 13일", "Date": "5월 20일"})
			}, nil},
		{"StaffFormMovedAheadAfterGreeting", day(2026, 5, 13), func(_ *harness, id string) Message {
			return formMsg(formCustomerPrefix+id, map[string]string{fBirthday: "5/20"})
		}, func(h *harness) string {
			return h.text("customer_edit.birthday_greeted", map[string]any{"On": "5월 13일", "Date": "5월 20일"})
		}, nil},
		{"StaffNeverGreeted", time.Time{}, func(*harness, string) Message { return staffMsg("/customer 김민지 생일 5/20") },
			func(h *harness) string { return "5월 20일" },
			func(h *harness) string {
				return h.text("customer_edit.birthday_greeted", map[string]any{"On": "5월 13일", "Date": "5월 20일"})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, minji, _ := campaignHarness(t, "ko", true)
			if !tt.greeted.IsZero() {
				h.update(func(tx *ledger.Tx) error {
					_, err := tx.MarkBirthday(minji, tt.greeted, tt.greeted.Add(10*time.Hour), ledger.BirthdayBenefit{}, seoul)
					return err
				})
			}
			s := step{msg: tt.msg(h, minji), want: []string{tt.want(h)}, not: []string{h.text("customer_edit.my.set_greeted", map[string]any{"Date": "4월 1일", "On": "3월 1일"})}}
			if tt.not != nil {
				s.not = append(s.not, tt.not(h))
			}
			runSteps(t, h, []step{s})
		})
	}
}
