package dialog

import (
	"fmt"
	"math"
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
		{"열 개", 10, "", ""},
		{"세", 3, "", ""},
		{"두", 2, "", ""},
		{"삼개", 3, "", ""},
		{"오 개", 5, "", ""},
		{"십개", 10, "", ""},
		// A one-syllable word alone that is also a word ("네" is yes) or a
		// sino number is a memo of one stamp: "구" gave 9 stamps, "네" 4
		// (a reviewer's case); with 개 it counts.
		{"네", 1, "네", ""},
		{"구", 1, "구", ""},
		{"이", 1, "이", ""},
		{"십", 1, "십", ""},
		{"열", 1, "열", ""},
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

func TestKoreanUnits(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", 9999: "9,999", 10000: "1만", 55000: "5만 5,000", 1_000_000: "100만",
		100_000_000: "1억", 100_000_001: "1억 1", 9_999_999_999: "99억 9,999만 9,999",
		1_000_000_000_000: "1조", 20_000_000_000_000_000: "2경", math.MaxInt64: "922경 3,372조 368억 5,477만 5,807",
	} {
		if got := koreanUnits(n); got != want {
			t.Errorf("koreanUnits(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestPointsLimits: a purchase above MaxPurchaseWon or a redeem above
// MaxRedeemPoints is refused naming the figure in Korean units and the
// cap (99억 earned 499,999,999P after a generic "금액이 커서" check); a
// large purchase within it is confirmed naming it so; zero is said to be
// too little, not unreadable. Nothing changes on a refusal.
func TestPointsLimits(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			won := func(n string) string { return h.text("core.fmt.won", map[string]any{"N": n}) }
			pts := func(n string) string { return h.text("core.fmt.points", map[string]any{"N": n}) }
			runSteps(t, h, []step{
				{msg: staffMsg("/points add 김민지 9999999999"), want: []string{h.text("input.purchase.too_large", map[string]any{
					"Amount": won("9,999,999,999"), "Spoken": "99억 9,999만 9,999", "Max": won("100,000,000"), "MaxSpoken": "1억"})}, not: []string{"499,999,999"}},
				{msg: staffMsg("/points add 김민지 0"), want: []string{h.text("input.purchase.zero", map[string]any{"Input": "0"})}},
				{msg: staffMsg("/points add 김민지 0원"), want: []string{h.text("input.purchase.zero", map[string]any{"Input": "0원"})}},
				{msg: staffMsg("/points redeem 김민지 0"), want: []string{h.text("input.points.zero", map[string]any{"Input": "0"})}},
				{msg: staffMsg("/points redeem 김민지 99999999999"), want: []string{h.text("input.redeem.too_large", map[string]any{
					"Points": pts("99,999,999,999"), "Spoken": "999억 9,999만 9,999", "Max": pts("100,000,000"), "MaxSpoken": "1억"})}},
				{msg: staffMsg("/points add 김민지 5000000"), want: []string{h.text("corrections.earn.confirm_large", map[string]any{
					"Name": "김민지", "Amount": won("5,000,000"), "Spoken": "500만", "Points": pts("250,000")})}, payloads: []string{"yes", "no"}},
				{msg: press(staffMsg(""), "no")},
			})
			if b := h.balance(f.minji); b != 0 {
				t.Errorf("balance = %d after refusals, want 0", b)
			}
			if lang == "ko" && !strings.Contains(h.text("corrections.earn.confirm_large", map[string]any{"Spoken": "500만"}), "500만원 맞나요?") {
				t.Errorf("the Korean confirmation does not say the amount in units")
			}
		})
	}
}

// TestInputNamesTheFault: each bad input is told what is wrong with it,
// not "unreadable" or nothing: a mobile number a digit short, a phone left
// out, a zero expiry (taken: no expiry, as the 0–120 range says), a zero
// validity, a birthday ahead typed by the customer, too many stars; a name,
// tier or note with nothing to read is refused, while short real names
// and a tag-only note are taken. Nothing is kept on a refusal.
func TestInputNamesTheFault(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			shop := h.programme()
			// registered checks whether phone is a customer's.
			registered := func(phone string, want bool) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, _ []Reply) {
					t.Helper()
					h.view(func(tx *ledger.Tx) error {
						_, err := tx.CustomerByPhone(phone)
						if got := err == nil; got != want {
							t.Errorf("%s registered = %v, want %v (%v)", phone, got, want, err)
						}
						return nil
					})
				}
			}
			steps := []step{
				{msg: staffMsg("/customer new 010-1234-567 짧은"), want: []string{h.text("customer_edit.err.phone_short", map[string]any{"Value": "010-1234-567", "Digits": 10})}},
				{msg: staffMsg("/customer new 010-123-4567 옛번호"), want: []string{h.text("customer_edit.err.phone_short", map[string]any{"Value": "010-123-4567", "Digits": 10})}},
				{msg: staffMsg("/customer new 김철수"), want: []string{h.text("input.customer.no_phone", map[string]any{"Name": "김철수"})}},
				{msg: staffMsg("/customer new 010-5555-9999 😀😀"), want: []string{h.text("input.name.no_letter", map[string]any{"Input": "😀😀"})}, check: registered("01055559999", false)},
				{msg: staffMsg("/customer new 010-5555-9998 이 솔"), want: []string{"이 솔"}, check: registered("01055559998", true)},
				{msg: staffMsg("/customer new 010-5555-9997 Jo"), want: []string{"Jo"}, check: registered("01055559997", true)},
				{msg: staffMsg("/customer 김민지 이름 😀"), want: []string{h.text("input.name.no_letter", map[string]any{"Input": "😀"})}, check: func(t *testing.T, h *harness, _ []Reply) {
					if c := h.byPhone("01012345678"); c.Name != "김민지" {
						t.Errorf("renamed to %q", c.Name)
					}
				}},
				// Notes with nothing to read.
				{msg: staffMsg("/note 김민지 #"), want: []string{h.text("input.note.empty", map[string]any{"Input": "#"})}, check: noteCount(0)},
				{msg: staffMsg("/note 김민지 😀"), want: []string{h.text("input.note.empty", map[string]any{"Input": "😀"})}, check: noteCount(0)},
				{msg: staffMsg("/note 010-9999-0000 😀"), want: []string{h.text("input.note.empty", map[string]any{"Input": "😀"})}, check: registered("01099990000", false)},
				{msg: staffMsg("/note 김민지 #펌"), check: noteCount(1)},
				{msg: staffMsg("/note 김민지 3"), check: noteCount(2)},
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("#"), want: []string{h.text("input.note.empty", map[string]any{"Input": "#"})}},
				{msg: staffMsg("/cancel")},
				{msg: staffMsg("/note 010-9999-0001 첫 상담")},
				{msg: staffMsg("😀"), want: []string{h.text("input.name.no_letter", map[string]any{"Input": "😀"})}, check: registered("01099990001", false)},
				{msg: staffMsg("박"), check: all(registered("01099990001", true), noteCount(3))},
				// A tier with no letter leaves the tiers as they were.
				{msg: managerMsg("/program tiers 😀"), want: []string{h.text("input.name.tier_letter", map[string]any{"Input": "😀"})}, check: func(t *testing.T, h *harness, _ []Reply) {
					if got := h.programme().Tiers; len(got.Levels) != len(shop.Tiers.Levels) {
						t.Errorf("tiers = %+v, want them unchanged", got)
					}
				}},
				// 0 months is the range's 0: no expiry.
				{msg: managerMsg("/program expire 12개월")},
				{msg: managerMsg("/program expire 0개월"), ids: []string{"loyalty.program.expiry_off"}, not: []string{"0개월'"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if m := h.programme().Expiry.Months; m != 0 {
						t.Errorf("expiry = %d months, want none", m)
					}
				}},
				{msg: staffMsg("/coupon give 김민지 10% 0일"), want: []string{h.text("input.validity.range", map[string]any{"Value": "0일", "Max": "3,650"})}, check: func(t *testing.T, h *harness, _ []Reply) {
					if cs := h.coupons(f.minji); len(cs) != 0 {
						t.Errorf("coupons = %+v, want none", cs)
					}
				}},
			}
			steps = append(steps, linkMinji(h)...)
			steps = append(steps,
				step{msg: custMsg("/birthday 2050-01-01"), want: []string{h.text("customer_edit.err.birthday_future", map[string]any{"Value": "2050-01-01"})}},
				step{msg: custMsg("/birthday"), payloads: []string{"cancel"}},
				step{msg: custMsg("2050-01-01"), want: []string{h.text("customer_edit.err.birthday_future", map[string]any{"Value": "2050-01-01"})}},
				step{msg: custMsg("어제"), want: []string{h.text("customer_edit.my.bad", map[string]any{"Value": "어제"})}},
				step{msg: custMsg("/cancel")},
				step{msg: custMsg("/feedback ★★★★★★"), ids: []string{"core.feedback.bad_rating"}},
				step{msg: custMsg("/feedback ⭐⭐⭐⭐⭐⭐⭐"), ids: []string{"core.feedback.bad_rating"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if fs := h.allFeedback(); len(fs) != 0 {
						t.Errorf("feedback = %+v, want none", fs)
					}
				}},
			)
			runSteps(t, h, steps)
			if b := h.profile("telegram:" + custTG); b.CustomerID == "" {
				t.Errorf("customer not linked: %+v", b)
			}
			if c := h.byPhone("01012345678"); !c.Birthday.IsZero() {
				t.Errorf("birthday = %v, want none", c.Birthday)
			}
		})
	}
}

// TestTypedLinkCode: at the code step a code typed in full-width digits or
// in two halves links (it went to the staff as a question); 4 to 8 digits
// that are not 6, also after a wrong code, are told a code has 6 digits;
// fewer digits or words are a question for the staff, as before.
func TestTypedLinkCode(t *testing.T) {
	for _, tt := range []struct {
		name  string
		typed []string // after /link (code 100000), /start and consent
		want  string   // catalog id the last reply has
		data  map[string]any
		links bool
	}{
		{"FullWidth", []string{"１０００００"}, "", nil, true},
		{"Halves", []string{"100 000"}, "", nil, true},
		{"Dashed", []string{"100-000"}, "", nil, true},
		{"FullWidthWrong", []string{"９９９９９９"}, "core.err.invalid_code", nil, false},
		{"FullWidthShort", []string{"１２３４５"}, "input.code.digits", map[string]any{"Got": 5}, false},
		{"ShortAfterWrong", []string{"123456", "12345"}, "input.code.digits", map[string]any{"Got": 5}, false},
		{"FullWidthAfterWrong", []string{"123456", "１０００００"}, "", nil, true},
		{"Four", []string{"1234"}, "input.code.digits", map[string]any{"Got": 4}, false},
		{"Eight", []string{"1234 5678"}, "input.code.digits", map[string]any{"Got": 8}, false},
		{"Three", []string{"123"}, "threads.ask", nil, false},
		{"Phone", []string{"010-1234-5678"}, "threads.ask", nil, false},
		{"Words", []string{"abcdef"}, "threads.ask", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			seed(h)
			h.send(staffMsg("/link 김민지"))
			h.send(custMsg("/start"))
			h.send(press(custMsg(""), "yes"))
			var rs []Reply
			for _, s := range tt.typed {
				rs = h.send(custMsg(s))
			}
			if tt.want != "" {
				if want := h.text(tt.want, tt.data); !strings.Contains(allText(rs), want) {
					t.Errorf("reply %q, want %q", allText(rs), want)
				}
			}
			if linked := h.profile("telegram:"+custTG).CustomerID != ""; linked != tt.links {
				t.Errorf("linked = %v, want %v (reply %q)", linked, tt.links, allText(rs))
			}
		})
	}
}
