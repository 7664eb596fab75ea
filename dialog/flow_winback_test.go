package dialog

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// winBackHarness is adHarness's 김민지, a regular at risk at t0 (visits 90,
// 80 and 70 days before: every 10 days, away 70), with advertising consent
// when consent is set, and the programme's win-back set to offer ("":
// none).
func winBackHarness(t *testing.T, lang string, consent bool, offer string) (*harness, string) {
	t.Helper()
	h, minji := adHarness(t, lang)
	h.visits(minji, -90, -80, -70)
	var steps []step
	if consent {
		steps = append(steps, step{msg: press(custMsg(""), "mkt:on:start")})
	}
	if offer != "" {
		steps = append(steps, step{msg: managerMsg("/program winback " + offer)})
	}
	runSteps(t, h, steps)
	return h, minji
}

// visits records visits of customer id, days from the harness's clock.
func (h *harness) visits(id string, days ...int) {
	h.tb.Helper()
	h.update(func(tx *ledger.Tx) error {
		for _, d := range days {
			if err := tx.RecordVisit(id, h.now().AddDate(0, 0, d)); err != nil {
				return err
			}
		}
		return nil
	})
}

// outreach returns customer id's win-back outreach records, oldest first.
func (h *harness) outreach(id string) []ledger.Outreach {
	h.tb.Helper()
	var out []ledger.Outreach
	h.view(func(tx *ledger.Tx) error {
		os, err := tx.OutreachOf(id, 0)
		for _, o := range os {
			if o.Kind == ledger.OutreachWinBack {
				out = append(out, o)
			}
		}
		return err
	})
	slices.Reverse(out)
	return out
}

// TestWinBack_DraftAndSend: [안부 메시지] shows the message exactly as the
// customer will get it — "(광고)" and the shop first, the greeting with
// their name and the time away, the offer, the opt-out last — and
// [보내기] sends it with [수신 거부], gives the benefit and records the
// outreach in the same turn; a second press in the same lapse is refused.
func TestWinBack_DraftAndSend(t *testing.T) {
	h, minji := winBackHarness(t, "ko", true, "쿠폰 10% 14일")
	gift := "쿠폰 10% 할인 (14일 동안 사용)"                        // as staff are told
	told := "🎁 쿠폰을 드렸어요: 10% 할인 (14일 동안 사용). 다음 방문 때 쓰세요." // as the customer is
	runSteps(t, h, []step{
		{msg: press(staffMsg(""), "wb:"+minji),
			want:     []string{"(광고) " + testShop, "김민지님, 요즘 뵙기 어려워 안부 여쭤요", "2개월 넘게", told, h.text("ads.optout_line", nil)},
			payloads: []string{winBackSendBtn, "cancel"},
			not:      []string{"광고를 보낼 수 없는 시간"},
			check: func(t *testing.T, h *harness, rs []Reply) {
				if slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToUser }) {
					t.Errorf("the draft was sent: %+v", rs)
				}
				audited(&minji, "read", "winback-draft")(t, h, rs)
			}},
		{msg: press(staffMsg(""), winBackSendBtn),
			want: []string{h.text("winback.sent_gift", map[string]any{"Name": "김민지", "Gift": gift})},
			check: func(t *testing.T, h *harness, rs []Reply) {
				r := sentToCustomer(t, rs)
				if !strings.HasPrefix(r.Text, testHeader+"\n김민지님, 요즘 뵙기 어려워") || !strings.Contains(r.Text, told) ||
					!strings.HasSuffix(r.Text, h.text("ads.optout_line", nil)) {
					t.Errorf("message = %q", r.Text)
				}
				if ps := payloads([]Reply{r}); !slices.Contains(ps, adOptOutPayload) {
					t.Errorf("message buttons %v lack [수신 거부]", ps)
				}
				os := h.outreach(minji)
				if len(os) != 1 || os[0].Skipped != "" || os[0].Coupon == "" || !os[0].At.Equal(h.now()) {
					t.Errorf("outreach = %+v, want one sent with its coupon", os)
				}
				audited(&minji, "winback", "sent")(t, h, rs)
			}},
		{msg: press(staffMsg(""), "wb:"+minji), want: []string{h.text("winback.already", map[string]any{"Name": "김민지", "Date": "2026-05-13"})},
			check: func(t *testing.T, h *harness, rs []Reply) {
				if len(h.outreach(minji)) != 1 {
					t.Error("a second win-back was recorded")
				}
			}},
	})
}

// TestWinBack_Edited: typed words replace the greeting but not the offer
// line nor the header; a form (Slack) opens filled with the greeting, and
// its submission sends the words; an empty one keeps the form open.
func TestWinBack_Edited(t *testing.T) {
	t.Run("Typed", func(t *testing.T) {
		h, minji := winBackHarness(t, "ko", true, "500P")
		runSteps(t, h, []step{
			{msg: press(staffMsg(""), "wb:"+minji)},
			{msg: press(staffMsg(""), "rate:3"), ids: []string{"winback.reask"}},
			{msg: staffMsg("민지님, 새 시즌 컬러 나왔어요. 한번 들러 주세요!"), check: func(t *testing.T, h *harness, rs []Reply) {
				r := sentToCustomer(t, rs)
				if !strings.Contains(r.Text, "새 시즌 컬러") || strings.Contains(r.Text, "안부 여쭤요") || !strings.Contains(r.Text, "500P") ||
					!strings.HasPrefix(r.Text, testHeader) {
					t.Errorf("message = %q", r.Text)
				}
				if b := h.balance(minji); b != 500 {
					t.Errorf("balance = %d, want 500", b)
				}
			}},
		})
	})
	t.Run("Form", func(t *testing.T) {
		h, minji := winBackHarness(t, "ko", true, "")
		open := press(staffMsg(""), "wb:"+minji)
		open.CanForm = true
		submit := func(text string) Message {
			m := staffMsg("")
			m.CanForm, m.FormID, m.Form = true, "wb:"+minji, map[string]string{"text": text}
			return m
		}
		runSteps(t, h, []step{
			{msg: open, want: []string{"(광고) " + testShop}, check: func(t *testing.T, h *harness, rs []Reply) {
				i := slices.IndexFunc(rs, func(r Reply) bool { return r.Form != nil })
				if i < 0 || rs[i].Form.ID != "wb:"+minji || !strings.Contains(rs[i].Form.Fields[0].Value, "김민지님, 요즘 뵙기 어려워") {
					t.Fatalf("no win-back form filled with the greeting: %+v", rs)
				}
			}},
			{msg: submit("  "), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].FormErrors["text"] == "" {
					t.Errorf("an empty greeting: %+v, want the form's error", rs)
				}
			}},
			{msg: submit("오랜만이에요!"), want: []string{h.text("winback.sent", map[string]any{"Name": "김민지"})}, check: func(t *testing.T, h *harness, rs []Reply) {
				if r := sentToCustomer(t, rs); !strings.Contains(r.Text, "오랜만이에요!") {
					t.Errorf("message = %q", r.Text)
				}
			}},
		})
	})
}

// TestWinBack_Refusals: nothing is sent, and the staff member is told why
// (never shown a phone), to a customer without advertising consent,
// unlinked, erased, who blocked the bot, not at risk, while the shop has
// no name, or by someone who is not staff.
func TestWinBack_Refusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(h *harness, minji string) (who string)
		msg   func(id string) Message
		id    string
	}{
		{"NoConsent", nil, nil, "winback.skip.no_consent"},
		{"Unlinked", func(h *harness, _ string) string {
			id := h.customer("이서준", "01055556666")
			h.visits(id, -90, -80, -70)
			return id
		}, nil, "winback.skip.unlinked"},
		{"Erased", func(h *harness, minji string) string {
			h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(minji, h.now()) })
			return minji
		}, nil, "winback.erased"},
		{"Blocked", func(h *harness, minji string) string {
			h.update(func(tx *ledger.Tx) error {
				_, err := tx.MarkUnreachable(ChannelTelegram+":"+custTG, h.now())
				return err
			})
			return minji
		}, nil, "winback.skip.unreachable"},
		{"NotAtRisk", func(h *harness, minji string) string { h.visits(minji, -1); return minji }, nil, "winback.not_at_risk"},
		{"NoShop", func(h *harness, minji string) string { h.cfg.ShopName = ""; h.reopen(); return minji }, nil, "winback.skip.no_shop"},
		{"NoContact", func(h *harness, minji string) string { h.cfg.ShopContact = ""; h.reopen(); return minji }, nil, "winback.skip.no_contact"},
		{"Customer", nil, func(id string) Message { return press(custMsg(""), "wb:"+id) }, "core.refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, minji := winBackHarness(t, "ko", tt.name != "NoConsent", "500P")
			who := minji
			if tt.setup != nil {
				who = tt.setup(h, minji)
			}
			m := press(staffMsg(""), "wb:"+who)
			if tt.msg != nil {
				m = tt.msg(who)
			}
			rs := h.send(m)
			want := h.text(tt.id, map[string]any{"Name": "김민지"})
			if tt.name == "Unlinked" {
				want = h.text(tt.id, map[string]any{"Name": "이서준"})
			}
			if tt.id == "winback.not_at_risk" {
				want = want[:strings.Index(want, "(")]
			}
			if !strings.Contains(allText(rs), want) {
				t.Errorf("replies lack %q:\n%s", want, allText(rs))
			}
			if slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToUser }) {
				t.Errorf("something was sent: %+v", rs)
			}
			if strings.Contains(allText(rs), "010-") {
				t.Errorf("a phone is shown: %s", allText(rs))
			}
			if b := h.balance(minji); tt.name != "Erased" && b != 0 {
				t.Errorf("balance = %d, want nothing given", b)
			}
			if os := h.outreach(who); len(os) != 0 {
				t.Errorf("outreach = %+v", os)
			}
			if tt.name != "Erased" && tt.name != "Customer" {
				audited(&who, "read", "winback-refused")(t, h, rs)
			}
		})
	}
}

// TestWinBack_Night: a draft made at 20:59 and sent at 21:00 waits for
// 08:00, saying so; nothing goes nor is given before; the queue survives a
// restart; the morning job sends it with the benefit, once; the automatic
// win-back the same day sends nothing more to her.
func TestWinBack_Night(t *testing.T) {
	h, minji := winBackHarness(t, "ko", true, "500P")
	h.advance(6*time.Hour + 59*time.Minute) // 20:59
	morning := time.Date(2026, 5, 14, 8, 0, 0, 0, seoul)
	runSteps(t, h, []step{
		{msg: press(staffMsg(""), "wb:"+minji), not: []string{"2026-05-14 08:00"}},
		{msg: press(staffMsg(""), winBackSendBtn), advance: time.Minute,
			want: []string{h.text("winback.queued", map[string]any{"Name": "김민지", "When": "2026-05-14 08:00"})},
			check: func(t *testing.T, h *harness, rs []Reply) {
				if slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToUser }) {
					t.Errorf("sent in the night: %+v", rs)
				}
			}},
		{msg: press(staffMsg(""), "wb:"+minji), want: []string{h.text("winback.already_queued", map[string]any{"Name": "김민지", "Date": "2026-05-13"})}},
	})
	h.reopen()
	ctx := context.Background()
	h.advance(morning.Add(-time.Minute).Sub(h.now())) // 07:59
	if rs, err := h.eng.QueuedWinBacks(ctx, h.now()); err != nil || len(rs) != 0 || h.balance(minji) != 0 {
		t.Fatalf("at 07:59: %+v, %v, balance %d", rs, err, h.balance(minji))
	}
	h.advance(time.Minute)
	rs, err := h.eng.QueuedWinBacks(ctx, morning)
	if err != nil {
		t.Fatal(err)
	}
	if r := sentToCustomer(t, rs); !strings.HasPrefix(r.Text, testHeader+"\n김민지님") || !strings.Contains(r.Text, "500P") {
		t.Errorf("morning message = %+v", r)
	}
	if b := h.balance(minji); b != 500 {
		t.Errorf("balance = %d, want 500", b)
	}
	if rs, _ := h.eng.QueuedWinBacks(ctx, morning); len(rs) != 0 {
		t.Errorf("sent twice: %+v", rs)
	}
	runSteps(t, h, []step{{msg: managerMsg("/program winback 자동 500P")}})
	h.advance(3 * time.Hour) // 11:00
	if rs, _, err := h.eng.WinBacks(ctx, h.now()); err != nil || len(rs) != 0 {
		t.Errorf("the automatic win-back after the morning's: %+v, %v", rs, err)
	}
	if os := h.outreach(minji); len(os) != 1 || os[0].Points != 500 || !os[0].At.Equal(morning) {
		t.Errorf("outreach = %+v", os)
	}
}

// TestWinBackJob_OncePerLapse: the automatic win-back sends 김민지 its
// message once (and records 이서준, linked without advertising consent, as
// skipped once: the baseline), not again the next days nor after a
// restart, until he agrees to offers, when he gets his; after a visit and
// a second lapse she gets one more. While the
// programme's win-back is off, or in the night, it sends nothing.
func TestWinBackJob_OncePerLapse(t *testing.T) {
	h, minji := winBackHarness(t, "ko", true, "")
	seojun := h.customer("이서준", "01055556666")
	h.visits(seojun, -90, -80, -70)
	runSteps(t, h, []step{ // linked, the advertising question left unanswered
		{msg: staffMsg("/link 이서준")},
		{msg: cust2Msg("/start 100001"), payloads: []string{"yes", "no"}},
		{msg: press(cust2Msg(""), "yes"), want: []string{"이서준"}},
	})
	fresh := h.customer("박지우", "01077778888")
	h.visits(fresh, -30, -20, -10)
	ctx := context.Background()
	h.advance(21 * time.Hour) // 11:00 the next day
	var report []Reply        // the managers' DMs of the last run
	run := func(want int) []Reply {
		t.Helper()
		all, _, err := h.eng.WinBacks(ctx, h.now())
		report = toUser(all, ChannelSlack, managerID)
		if err != nil {
			t.Fatal(err)
		}
		var rs []Reply // the customers' messages, the managers' report left out
		for _, r := range all {
			if r.Channel == ChannelTelegram {
				rs = append(rs, r)
			}
		}
		if len(rs) != want {
			t.Fatalf("at %s: %d messages, want %d: %+v", h.now(), len(rs), want, rs)
		}
		return rs
	}
	run(0) // off
	runSteps(t, h, []step{{msg: managerMsg("/program winback 쿠폰 10% 14일"), want: []string{"매일 11:00"}}})
	rs := run(1)
	if r := sentToCustomer(t, rs); !strings.HasPrefix(r.Text, testHeader+"\n김민지님") || !strings.Contains(r.Text, "10% 할인") {
		t.Errorf("message = %q", r.Text)
	}
	want := h.text("winback.report", map[string]any{"Count": 1}) + "\n" + h.text("winback.report_no_consent", map[string]any{"Count": 1})
	if len(report) != 1 || report[0].Text != want {
		t.Errorf("managers' report = %+v, want %q", report, want)
	}
	h.advance(24 * time.Hour)
	run(0)
	if len(report) != 0 {
		t.Errorf("a report of a day when nothing happened: %+v", report)
	}
	h.reopen()
	h.advance(24 * time.Hour)
	run(0)
	if os := h.outreach(minji); len(os) != 1 || os[0].Coupon == "" {
		t.Errorf("김민지's outreach = %+v", os)
	}
	if os := h.outreach(seojun); len(os) != 1 || os[0].Skipped != string(AdNoConsent) {
		t.Errorf("이서준's outreach = %+v, want one skipped", os)
	}
	if os := h.outreach(fresh); len(os) != 0 {
		t.Errorf("박지우 (not at risk) outreach = %+v", os)
	}
	// 이서준 agrees to offers later in the same lapse: the next run sends
	// him his, the skip recorded before notwithstanding.
	runSteps(t, h, []step{{msg: press(cust2Msg(""), "mkt:on:command")}})
	h.advance(24 * time.Hour)
	if r := toUser(run(1), ChannelTelegram, custTG2); len(r) != 1 {
		t.Errorf("이서준 after his consent: %+v", r)
	}
	if os := h.outreach(seojun); len(os) != 2 || os[1].Skipped != "" {
		t.Errorf("이서준's outreach = %+v, want the skip then the message", os)
	}
	// A visit ends the lapse; two months later she is at risk again.
	h.visits(minji, 0)
	h.advance(24 * time.Hour)
	run(0)
	h.advance(70 * 24 * time.Hour)
	run(1)
	h.advance(10 * time.Hour) // 21:00
	run(0)
	if os := h.outreach(minji); len(os) != 2 {
		t.Errorf("김민지's outreach after the second lapse = %+v", os)
	}
}

// TestProgramWinBack: /program winback reads a coupon, points, 수동 and
// off, shows in /program, and refuses what it cannot read, changing
// nothing.
func TestProgramWinBack(t *testing.T) {
	tests := []struct {
		value string
		want  ledger.WinBackRules
		bad   string
	}{
		{"쿠폰 10% 14일", ledger.WinBackRules{Auto: true, Coupon: &ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}, CouponDays: 14}, ""},
		{"500P", ledger.WinBackRules{Auto: true, Points: 500}, ""},
		{"수동 500P", ledger.WinBackRules{Points: 500}, ""},
		{"manual 1,000P", ledger.WinBackRules{Points: 1000}, ""},
		{"자동", ledger.WinBackRules{Auto: true}, ""},
		{"off", ledger.WinBackRules{}, ""},
		{"수동", ledger.WinBackRules{}, "winback.program.bad"},
		{"많이", ledger.WinBackRules{}, "winback.program.bad_points"},
		{"쿠폰", ledger.WinBackRules{}, "loyalty.err.bad_benefit"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			h.setSender() // the automatic win-back needs it (TestWinBackAt)
			h.reopen()
			rs := h.send(managerMsg("/program winback " + tt.value))
			var p ledger.Programme
			h.view(func(tx *ledger.Tx) (err error) { p, err = tx.ProgrammeAt(h.now()); return err })
			if tt.bad != "" {
				if !strings.Contains(allText(rs), strings.SplitN(h.text(tt.bad, map[string]any{"Value": "\x00"}), "\x00", 2)[0]) || p.WinBack.Auto || p.WinBack.HasBenefit() {
					t.Errorf("replies %q, programme %+v; want %s and nothing changed", allText(rs), p.WinBack, tt.bad)
				}
				return
			}
			got := p.WinBack
			if got.Auto != tt.want.Auto || got.Points != tt.want.Points || got.CouponDays != tt.want.CouponDays ||
				(got.Coupon == nil) != (tt.want.Coupon == nil) || (got.Coupon != nil && *got.Coupon != *tt.want.Coupon) {
				t.Errorf("win-back = %+v, want %+v", got, tt.want)
			}
			show := allText(h.send(staffMsg("/program")))
			if !strings.Contains(show, h.text("loyalty.program.part.winback", nil)) {
				t.Errorf("/program does not show the win-back:\n%s", show)
			}
		})
	}
	t.Run("StaffRefused", func(t *testing.T) {
		h := mustOpenHarness(t, nil, "ko")
		runSteps(t, h, []step{{msg: staffMsg("/program winback 500P"), ids: []string{"loyalty.program.manager_only"}}})
	})
}

// TestWinBackButtons: the summary and /customers 뜸한 offer [안부
// 메시지] for each regular at risk; /customers without 뜸한 does not.
func TestWinBackButtons(t *testing.T) {
	h, minji := winBackHarness(t, "ko", true, "")
	want := "wb:" + minji
	runSteps(t, h, []step{
		{msg: managerMsg("/summary"), payloads: []string{want}},
		{msg: staffMsg("/customers 뜸한"), payloads: []string{want}, want: []string{h.text("winback.button", map[string]any{"Name": "김민지"})}},
		{msg: staffMsg("/customers"), check: func(t *testing.T, h *harness, rs []Reply) {
			if slices.Contains(payloads(rs), want) {
				t.Errorf("/customers offers [안부 메시지] without 뜸한: %v", payloads(rs))
			}
		}},
	})
}

// TestWinBackAt: Config.WinBackAt moves the automatic win-back (and what
// /program says of it); a time in the night is refused by New.
func TestWinBackAt(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	// Without the shop's name the automatic win-back is refused: it is
	// advertising, and nothing could be sent (it was switched on, and the
	// manager told every morning that nothing went).
	runSteps(t, h, []step{{msg: managerMsg("/program winback 500P"), ids: []string{"campaign.no_shop"}, check: func(t *testing.T, h *harness, _ []Reply) {
		if h.programme().WinBack.Auto {
			t.Error("the automatic win-back was switched on without a shop name")
		}
	}}})
	h.cfg.WinBackAt = "10:30"
	h.setSender()
	h.reopen()
	runSteps(t, h, []step{
		// Asked for alone, it asks for the benefit and the way it goes, not
		// for "a new check-in message" (whose words were then refused).
		{msg: managerMsg("/program winback"), want: []string{strings.SplitN(h.text("loyalty.program.ask.winback", nil), "\n", 2)[0]}},
		{msg: managerMsg("/program winback 500P"), want: []string{"매일 10:30에"}},
	})
	if j := h.eng.WinBackJob(nil); j.Spec != "30 10 * * *" {
		t.Errorf("spec = %q, want 30 10 * * *", j.Spec)
	}
	cfg := h.cfg
	cfg.Store, cfg.WinBackAt = h.store, "22:00"
	if _, err := New(cfg); err == nil {
		t.Error("New accepted a win-back at 22:00")
	}
}

// TestWinBackDraft: the draft is in the customer's language (not the
// staff member's), names them, says how long it has been (days, weeks or
// months) and carries the programme's offer, or no offer line without one.
func TestWinBackDraft(t *testing.T) {
	tests := []struct {
		name     string
		custLang string
		visits   []int
		offer    string
		want     []string
		not      []string
	}{
		{"Months", "", []int{-90, -80, -70}, "", []string{"김민지님, 요즘 뵙기 어려워 안부 여쭤요", "2개월 넘게"}, []string{"🎁"}},
		{"Weeks", "", []int{-45, -40, -35}, "500P", []string{"5주 넘게", "🎁 500P를 넣어 드렸어요. /points 에서 확인하실 수 있어요."}, []string{"준비했어요", "/coupon"}},
		{"Days", "", []int{-12, -11, -10}, "", []string{"10일 넘게"}, nil},
		{"Both", "", []int{-90, -80, -70}, "500P + 쿠폰 10% 14일", []string{"🎁 500P를 넣어 드렸어요.", "🎁 쿠폰을 드렸어요: 10% 할인 (14일 동안 사용). 다음 방문 때 쓰세요. /coupon 에서"}, nil},
		{"English", "en", []int{-90, -80, -70}, "쿠폰 10% 14일", []string{"Hi 김민지, we haven't seen you in a while", "2 months", "Here's a coupon for you: 10% off (valid 14 days). Use it on your next visit; you'll see it with /coupon.",
			testHeader + " (advertising)"}, []string{"안부 여쭤요"}},
		{"EnglishWeeks", "en", []int{-23, -20, -17}, "", []string{"It's been 2 weeks"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, minji := adHarness(t, "ko")
			h.visits(minji, tt.visits...)
			steps := []step{{msg: press(custMsg(""), "mkt:on:start")}}
			if tt.custLang != "" {
				steps = append(steps, step{msg: custMsg("/lang " + tt.custLang)})
			}
			if tt.offer != "" {
				steps = append(steps, step{msg: managerMsg("/program winback " + tt.offer)})
			}
			steps = append(steps, step{msg: press(staffMsg(""), "wb:"+minji), want: tt.want, not: tt.not,
				check: func(t *testing.T, h *harness, rs []Reply) {
					if !strings.Contains(allText(rs), h.cat.Text("ko", "winback.draft_hint", nil)) {
						t.Errorf("the staff's part of the draft is not in Korean:\n%s", allText(rs))
					}
				}})
			runSteps(t, h, steps)
		})
	}
}

// TestWinBack_NightErased: a message queued in the night for a customer
// erased before the morning is dropped: nothing goes, nothing is given,
// and the run does not fail.
func TestWinBack_NightErased(t *testing.T) {
	h, minji := winBackHarness(t, "ko", true, "500P")
	h.advance(8 * time.Hour) // 22:00
	runSteps(t, h, []step{
		{msg: press(staffMsg(""), "wb:"+minji)},
		{msg: press(staffMsg(""), winBackSendBtn), want: []string{"2026-05-14 08:00에 보낼게요"}},
	})
	h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(minji, h.now()) })
	h.advance(10 * time.Hour) // 08:00
	rs, err := h.eng.QueuedWinBacks(context.Background(), h.now())
	if err != nil || len(rs) != 0 {
		t.Errorf("morning after an erasure: %+v, %v", rs, err)
	}
	h.view(func(tx *ledger.Tx) error {
		due, err := tx.DueWinBacks(h.now(), 10)
		if len(due) != 0 {
			t.Errorf("still queued: %+v", due)
		}
		return err
	})
}

// TestWinBack_NightWithdrawn: a customer who withdraws advertising consent
// (their [수신 거부]) before the morning is not sent the queued message nor
// given its benefit; the staff member who queued it is told why.
func TestWinBack_NightWithdrawn(t *testing.T) {
	h, minji := winBackHarness(t, "ko", true, "500P")
	h.advance(8 * time.Hour) // 22:00
	runSteps(t, h, []step{
		{msg: press(staffMsg(""), "wb:"+minji)},
		{msg: press(staffMsg(""), winBackSendBtn), want: []string{"2026-05-14 08:00에 보낼게요"}},
		{msg: press(custMsg(""), adOptOutPayload), advance: time.Hour},
	})
	h.advance(9 * time.Hour) // 08:00
	rs, err := h.eng.QueuedWinBacks(context.Background(), h.now())
	if err != nil {
		t.Fatal(err)
	}
	if len(toUser(rs, ChannelTelegram, custTG)) != 0 || h.balance(minji) != 0 {
		t.Errorf("sent after the withdrawal: %+v, balance %d", rs, h.balance(minji))
	}
	want := h.text("winback.dropped", map[string]any{"Name": "김민지", "Why": h.text("winback.dropped_why.no_consent", nil)})
	if dms := toUser(rs, ChannelSlack, staffID); len(dms) != 1 || dms[0].Text != want {
		t.Errorf("the staff member's DM = %+v, want %q", dms, want)
	}
}
