package dialog

import (
	"testing"
	"time"

	"github.com/dangol/dangol/locales"
)

// TestInputSaysWhatIsWrong: a negative amount, a follow-up day already
// past and a link code of the wrong length each get a message naming the
// problem (not "I couldn't read that"), and nothing is recorded.
func TestInputSaysWhatIsWrong(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			yesterday := h.now().In(seoul).AddDate(0, 0, -1)
			past := map[string]any{"Date": yesterday.Format(time.DateOnly), "Today": h.now().In(seoul).Format(time.DateOnly)}
			runSteps(t, h, []step{
				{msg: staffMsg("/points add 5678 -5000"), want: []string{h.text("input.amount.negative", map[string]any{"Input": "-5000"})}},
				{msg: staffMsg("/points redeem 5678 －300"), want: []string{h.text("input.amount.negative", map[string]any{"Input": "－300"})}},
				{msg: staffMsg("/points add 5678 abc"), want: []string{h.text("core.points.bad_amount", map[string]any{"Input": "abc"})}},
				{msg: staffMsg("/note")},
				{msg: staffMsg("김민지")},
				{msg: staffMsg("커트 상담")},
				{msg: staffMsg("-55,000원"), want: []string{h.text("input.purchase.negative", map[string]any{"Input": "-55,000원"})}},
				{msg: press(staffMsg(""), "skip")},
				{msg: press(staffMsg(""), "skip")},
				{msg: staffMsg(yesterday.Format(time.DateOnly)), want: []string{h.text("input.date.past", past)}},
				{msg: staffMsg("/cancel")},
				{msg: custMsg("/start"), payloads: []string{"yes", "no"}},
				{msg: press(custMsg(""), "yes")},
				{msg: custMsg("12345"), want: []string{h.text("input.code.digits", map[string]any{"Got": 5})}},
				{msg: custMsg("1234-5678"), want: []string{h.text("input.code.digits", map[string]any{"Got": 8})}},
			})
			if b := h.balance(f.minji); b != 0 {
				t.Errorf("balance = %d after refusals, want 0", b)
			}
			noteCount(0)(t, h, nil)
			if p := h.profile("telegram:" + custTG); p.CustomerID != "" || p.CodeMisses != 0 {
				t.Errorf("profile after wrong-length codes = %+v, want unlinked with no misses counted", p)
			}
		})
	}
}

func TestNegativeAmount(t *testing.T) {
	for in, want := range map[string]bool{"-5000": true, "−5,000원": true, " -5.5만 ": true, "－300": true, "5000": false, "-": false, "-abc": false, "--5": false} {
		if got := negativeAmount(in); got != want {
			t.Errorf("negativeAmount(%q) = %v, want %v", in, got, want)
		}
	}
}
