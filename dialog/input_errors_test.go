package dialog

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
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
				// No amount at all is asked for, not quoted as '' (core.points.bad_*).
				{msg: staffMsg("/points add 5678"), want: []string{h.text("core.points.bad_amount", map[string]any{"Input": ""})}, not: []string{"''"}},
				{msg: staffMsg("/points redeem 5678"), want: []string{h.text("core.points.bad_points", map[string]any{"Input": ""})}, not: []string{"''"}},
				{msg: staffMsg("/note")},
				{msg: staffMsg("김민지")},
				{msg: staffMsg("커트 상담")},
				{msg: staffMsg("-55,000원"), want: []string{h.text("input.purchase.negative", map[string]any{"Input": "-55,000원"})}},
				{msg: press(staffMsg(""), "skip")},
				{msg: press(staffMsg(""), "skip")},
				{msg: staffMsg(yesterday.Format(time.DateOnly)), want: []string{h.text("input.date.past", past)}},
				// Yesterday without its year is yesterday too, not a day a
				// year on (it read as next year's, 364 days later).
				{msg: staffMsg(fmt.Sprintf("%d/%d", yesterday.Month(), yesterday.Day())), want: []string{h.text("input.date.past", past)}},
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

// TestMissingArgument: a command whose last argument is missing asks for
// it; it never quotes the nothing it got ("”", "(받은 값: )") or guesses
// a particle for it ("”은(는)").
func TestMissingArgument(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			for _, line := range []string{
				"/points add 김민지", "/points redeem 김민지", "/points void 김민지", "/points undo 김민지",
				"/note edit 김민지", "/note delete 김민지", "/note edit", "/stamp void 김민지", "/stamp 김민지 ",
				"/coupon give 김민지", "/coupon use 김민지 ", "/coupon", "/inbox close", "/inbox", "/reply", "/reply 1",
				"/campaign 취소", "/campaign cancel", "/program expire", "/program rate", "/program tiers", "/program stamps",
				"/program birthday", "/program winback", "/customers 최근", "/audit", "/staff add", "/staff remove",
				"/link", "/customer new", "/customer new 010-1234-5555", "/customer 김민지 생일", "/customer 김민지 태그",
				"/followups x", "/summary x", "/lang x",
			} {
				rs := h.send(managerMsg(line))
				txt := allText(rs)
				if len(rs) == 0 {
					t.Errorf("%q: no answer", line)
				}
				for _, bad := range []string{"''", "“”", "()", ": )", "(는)", "(가)", "(를)", "(과)", "(으)"} {
					if strings.Contains(txt, bad) {
						t.Errorf("%q answers with %q in it:\n%s", line, bad, txt)
					}
				}
				h.send(managerMsg("/cancel"))
			}
			for _, line := range []string{"/birthday x", "/start 12", "/lang x", "/feedback 9", "/points x", "/stamp x", "/coupon x", "/marketing x"} {
				txt := allText(h.send(custMsg(line)))
				for _, bad := range []string{"''", "“”", "()", ": )", "(는)", "(가)", "(를)", "(과)", "(으)"} {
					if strings.Contains(txt, bad) {
						t.Errorf("customer's %q answers with %q in it:\n%s", line, bad, txt)
					}
				}
				h.send(custMsg("/cancel"))
			}
		})
	}
}

// TestStampCountWords: a count of stamps written in Korean words, native
// or sino, with or without 개/장, is that many stamps (each gave one, the
// word kept as the memo); a decimal or a fraction is refused with nothing
// stamped; a memo that is no count stays a memo of one stamp.
func TestStampCountWords(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	h.send(managerMsg("/program stamps 100 아메리카노 1잔"))
	total := 0
	for _, tt := range []struct {
		rest   string
		n      int    // stamps added; 0 refused
		reason string // the memo kept
		refuse string // the refusal's catalog id
	}{
		{"두개", 2, "", ""},
		{"세 개", 3, "", ""},
		{"세 개 라떼", 3, "라떼", ""},
		{"두장", 2, "", ""},
		{"한 개", 1, "", ""},
		{"하나", 1, "", ""},
		{"둘", 2, "", ""},
		{"셋 라떼 두 잔", 3, "라떼 두 잔", ""},
		{"넷", 4, "", ""},
		{"다섯", 5, "", ""},
		{"여섯 개", 6, "", ""},
		{"일곱", 7, "", ""},
		{"여덟", 8, "", ""},
		{"아홉개", 9, "", ""},
		{"열", 10, "", ""},
		{"열 개", 10, "", ""},
		{"세", 3, "", ""},
		{"이", 2, "", ""},
		{"삼개", 3, "", ""},
		{"오 개", 5, "", ""},
		{"십", 10, "", ""},
		{"3개", 3, "", ""},
		{"2 장", 2, "", ""},
		{"1.5", 0, "", "input.stamp.fraction"},
		{"0.5개", 0, "", "input.stamp.fraction"},
		{"1/2", 0, "", "input.stamp.fraction"},
		{"½", 0, "", "input.stamp.fraction"},
		{"１．５", 0, "", "input.stamp.fraction"},
		// Memos that only start like a number.
		{"한 잔 더", 1, "한 잔 더", ""},
		{"이 손님 단골", 1, "이 손님 단골", ""},
		{"사장 지인", 1, "사장 지인", ""},
		{"열 있음", 1, "열 있음", ""},
		{"라떼", 1, "라떼", ""},
	} {
		rs := h.send(staffMsg("/stamp 김민지 " + tt.rest))
		if tt.refuse != "" {
			if want := h.text(tt.refuse, map[string]any{"Input": strings.TrimSpace(tt.rest)}); !strings.Contains(allText(rs), want) {
				t.Errorf("/stamp %q: reply %q, want %q", tt.rest, allText(rs), want)
			}
		} else if want := h.text("loyalty.stamp.added", map[string]any{"Name": "김민지", "N": tt.n}); !strings.Contains(allText(rs), want) {
			t.Errorf("/stamp %q: reply %q, want %q", tt.rest, allText(rs), want)
		}
		total += tt.n
		if got := h.stampCard(f.minji).Stamps; got != total%100 { // a full card is a coupon
			t.Fatalf("/stamp %q: card has %d, want %d", tt.rest, got, total%100)
		}
		if tt.n == 0 {
			continue
		}
		h.view(func(tx *ledger.Tx) error {
			es, err := tx.StampsOf(f.minji, 1)
			if err == nil && (len(es) != 1 || es[0].N != tt.n || es[0].Reason != tt.reason) {
				t.Errorf("/stamp %q: last entry %+v, want %d with memo %q", tt.rest, es, tt.n, tt.reason)
			}
			return err
		})
	}
}
