package dialog

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// campaignHarness is adHarness with 이바다 linked too: 김민지 consents to
// advertising, 이바다 as bada2 says (true: consents, false: declines), and
// 박구름 is never linked.
func campaignHarness(t *testing.T, lang string, bada2 bool) (*harness, string, string) {
	t.Helper()
	h, minji := adHarness(t, lang)
	bada := h.customer("이바다", "01087654321")
	h.customer("박구름", "01055556666")
	answer := "mkt:off:start"
	if bada2 {
		answer = "mkt:on:start"
	}
	runSteps(t, h, []step{
		{msg: press(custMsg(""), "mkt:on:start")},
		{msg: staffMsg("/link 이바다")},
		{msg: cust2Msg("/start 100001")},
		{msg: press(cust2Msg(""), "yes")},
		{msg: press(cust2Msg(""), answer)},
	})
	return h, minji, bada
}

// campaignScheduler runs only the campaign job, perRun recipients a run,
// delivering into box.
func (h *harness) campaignScheduler(box *timedBox, perRun int) *Scheduler {
	h.tb.Helper()
	s, err := NewScheduler(SchedulerConfig{
		Store: h.store, Loc: seoul, Now: h.now, Logger: quiet,
		Jobs: []Job{h.eng.CampaignJob(perRun, 0, box.deliver)},
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return s
}

// TestCampaign: the one-line /campaign previews the counts, the first
// message as it goes and the time; [발송] schedules it; the job sends it
// once with the benefit to the one consenting customer; the list and the
// campaign's figures count the sent, the skipped, a reply and an opt-out.
func TestCampaign(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h, minji, _ := campaignHarness(t, lang, false)
			line := "/campaign : 이번 주 펌 20% 할인해 드려요 --points 500"
			at := h.when(h.now())
			pts := map[string]string{"ko": "500P", "en": "500 points"}[lang]
			runSteps(t, h, []step{
				{msg: staffMsg(line), ids: []string{"core.command.manager_only"}},
				{msg: managerMsg(line), want: []string{
					h.text("campaign.preview", map[string]any{"Number": 1, "Filter": h.text("customers.all", nil), "Match": "3", "Receive": "1",
						"NoConsent": 1, "Unreachable": 1, "At": at, "Night": "",
						// The customer's language: the one they linked in.
						"First": h.text("ads.header", map[string]any{"Shop": testShop, "Contact": testContact}) + "\n이번 주 펌 20% 할인해 드려요\n" +
							h.text("campaign.gift_points", map[string]any{"Points": pts}) + "\n\n" + h.text("ads.optout_line", nil) +
							"\n[" + h.text("ads.btn.optout", nil) + "]"}),
				}, payloads: []string{"cmp:send:1", "cmp:drop:1"}},
				{msg: press(managerMsg(""), "cmp:send:1"), want: []string{h.text("campaign.scheduled", map[string]any{"Number": 1, "At": at, "Count": "1"})}},
				// Pressed again before it goes: already scheduled, once, not
				// "1명에게 … 보낼게요" as if a second message were on its way.
				{msg: press(managerMsg(""), "cmp:send:1"), want: []string{h.text("campaign.already_scheduled", map[string]any{"Number": 1, "At": at, "Count": "1"})},
					not: []string{h.text("campaign.scheduled", map[string]any{"Number": 1, "At": at, "Count": "1"})}},
			})
			box := &timedBox{h: h}
			s := h.campaignScheduler(box, 0)
			h.advanceTo(s, h.now().Add(3*time.Minute))
			got := box.dms(ChannelTelegram, custTG, "이번 주 펌")
			if len(got) != 1 || !strings.HasPrefix(got[0].r.Text, testHeader) ||
				!strings.Contains(strings.Join(payloads([]Reply{got[0].r}), " "), adOptOutPayload) {
				t.Fatalf("김민지 got %+v; want one advertising message with [수신 거부]", got)
			}
			if n := len(box.dms(ChannelTelegram, custTG2, "")); n != 0 {
				t.Errorf("이바다 declined advertising and got %d messages", n)
			}
			if b := h.balance(minji); b != 500 {
				t.Errorf("balance %d, want the 500P benefit once", b)
			}
			runSteps(t, h, []step{
				{msg: custMsg("펌 예약하고 싶어요")},
				{msg: press(custMsg(""), questionSend)},
				{msg: press(custMsg(""), adOptOutPayload)},
				{msg: managerMsg("/campaign list"), want: []string{h.text("campaign.line", map[string]any{
					"Number": 1, "State": h.text("campaign.state.done", nil), "At": at, "Text": "이번 주 펌 20% 할인해 드려요",
					"Sent": 1, "Skipped": 2, "Failed": 0, "OptedOut": 1, "Responded": 1})}},
				{msg: managerMsg("/campaign 1"), want: []string{"이번 주 펌 20% 할인해 드려요"}},
				{msg: managerMsg("/campaign cancel 1"), want: []string{h.text("campaign.cancel_done", map[string]any{"Number": 1})}},
				{msg: managerMsg("/campaign 7"), want: []string{h.text("campaign.not_found", map[string]any{"Number": 7})}},
			})
			h.advanceTo(s, h.now().Add(3*time.Minute))
			if n := len(box.dms(ChannelTelegram, custTG, "이번 주 펌")); n != 1 {
				t.Errorf("김민지 got the campaign %d times", n)
			}
		})
	}
}

// TestCampaign_Refusals: no shop name or contact, an empty audience, a text too long,
// a word or option not understood, a time past; nothing is recorded.
func TestCampaign_Refusals(t *testing.T) {
	h, _, _ := campaignHarness(t, "ko", true)
	long := strings.Repeat("가", ledger.MaxCampaignText+1)
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign #없는태그 : 할인"), want: []string{h.text("campaign.empty", map[string]any{"Filter": "#없는태그"})}},
		{msg: managerMsg("/campaign : " + long), want: []string{h.text("campaign.too_long", map[string]any{"Max": ledger.MaxCampaignText, "Length": ledger.MaxCampaignText + 1})}},
		{msg: managerMsg("/campaign 아무거나 : 할인"), want: []string{h.text("customers.bad_word", map[string]any{"Word": "아무거나"})}},
		{msg: managerMsg("/campaign : 할인 --soon"), want: []string{h.text("campaign.bad_option", map[string]any{"Option": "--soon"})}},
		{msg: managerMsg("/campaign : 할인 --at 2020-01-01 10:00"), want: []string{h.text("campaign.past", map[string]any{"At": "2020-01-01 10:00"})}},
		{msg: managerMsg("/campaign :"), ids: []string{"campaign.usage"}},
		{msg: managerMsg("/campaign"), ids: []string{"campaign.ask_audience"}}, // the guided one
		{msg: managerMsg("/campaign list"), ids: []string{"campaign.list_none"}},
	})
	h.cfg.ShopContact = ""
	h.reopen()
	runSteps(t, h, []step{{msg: managerMsg("/campaign : 할인"), ids: []string{"campaign.no_contact"}}})
	h.cfg.ShopName = ""
	h.reopen()
	runSteps(t, h, []step{{msg: managerMsg("/campaign : 할인"), ids: []string{"campaign.no_shop"}}})
}

// TestCampaign_Night: a campaign at 20:59 that the job reaches one
// recipient a minute sends one before 21:00 and the other at 08:00, never
// in the night; a restart in between sends nobody twice.
func TestCampaign_Night(t *testing.T) {
	h, _, _ := campaignHarness(t, "ko", true)
	h.setClock(time.Date(2026, 5, 13, 20, 59, 0, 0, seoul))
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 저녁 할인"), want: []string{"받는 분: 2명", "보낼 시각: 2026-05-13 20:59"}},
		{msg: press(managerMsg(""), "cmp:send:1")},
	})
	box := &timedBox{h: h}
	h.tickEach(h.campaignScheduler(box, 1), time.Date(2026, 5, 13, 23, 0, 0, 0, seoul))
	if n := len(box.sent); n != 1 {
		t.Fatalf("%d sent by 23:00, want 1 (before 21:00)", n)
	}
	h.reopen()
	h.tickEach(h.campaignScheduler(box, 1), time.Date(2026, 5, 14, 8, 30, 0, 0, seoul))
	if len(box.sent) != 2 {
		t.Fatalf("%d sent by 08:30, want 2", len(box.sent))
	}
	to := map[string]int{}
	for _, p := range box.sent {
		if h := p.at.In(seoul).Hour(); h >= AdNightFrom || h < AdNightUntil {
			t.Errorf("sent at %v, in the night", p.at)
		}
		to[p.r.UserID]++
	}
	if to[custTG] != 1 || to[custTG2] != 1 {
		t.Errorf("sends per customer %v, want one each", to)
	}
	if at := box.sent[1].at.In(seoul); at.Hour() != 8 || at.Minute() != 0 {
		t.Errorf("second sent at %v, want 08:00", at)
	}
}

// when writes at as the campaign's replies do.
func (h *harness) when(at time.Time) string { return at.In(seoul).Format("2006-01-02 15:04") }

// tickEach ticks s at every minute from the clock's to to, as serve's
// scheduler wakes each minute (Advance makes only a check job's last run).
func (h *harness) tickEach(s *Scheduler, to time.Time) {
	h.tb.Helper()
	for at := h.now(); !at.After(to); at = at.Add(time.Minute) {
		h.setClock(at)
		if err := s.Tick(context.Background()); err != nil {
			h.tb.Fatalf("tick at %v: %v", at, err)
		}
	}
}

// TestCampaign_SendTime: a customer who withdraws between the preview and
// the send is skipped (counted as no consent), never messaged; a time at
// night is moved to 08:00 in the preview; a coupon benefit is issued with
// the message.
func TestCampaign_SendTime(t *testing.T) {
	h, minji, bada := campaignHarness(t, "ko", true)
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 쿠폰 드려요 --coupon 10% --at 22:30"), want: []string{
			"받는 분: 2명", "보낼 시각: 2026-05-14 08:00" + h.text("campaign.night", nil), "쿠폰을 드렸어요: 10% 할인"}},
		{msg: press(managerMsg(""), "cmp:send:1"), want: []string{"2026-05-14 08:00"}},
		{msg: press(cust2Msg(""), adOptOutPayload)},
	})
	box := &timedBox{h: h}
	h.setClock(time.Date(2026, 5, 14, 7, 58, 0, 0, seoul))
	h.tickEach(h.campaignScheduler(box, 0), time.Date(2026, 5, 14, 8, 2, 0, 0, seoul))
	if len(box.sent) != 1 || box.sent[0].r.UserID != custTG || !box.sent[0].at.Equal(time.Date(2026, 5, 14, 8, 0, 0, 0, seoul)) {
		t.Fatalf("sent %+v; want 김민지's message at 08:00 only", box.sent)
	}
	h.view(func(tx *ledger.Tx) error {
		c, err := tx.Campaign(1)
		if err != nil {
			return err
		}
		if c.State != ledger.CampaignDone || c.Counts.Sent != 1 || c.Counts.Skipped[ledger.SkipNoConsent] != 1 {
			t.Errorf("campaign %+v", c)
		}
		for id, want := range map[string]int{minji: 1, bada: 0} {
			cs, err := tx.CouponsOf(id, h.now(), true)
			if err != nil {
				return err
			}
			if len(cs) != want || (want == 1 && cs[0].Source != ledger.SourceCampaign) {
				t.Errorf("%s coupons %+v, want %d from the campaign", id, cs, want)
			}
		}
		return nil
	})
}

// TestCampaign_Guided: /campaign alone asks the audience (a word not
// understood is asked again), the text and the time, then previews as
// the one line does.
func TestCampaign_Guided(t *testing.T) {
	h, _, _ := campaignHarness(t, "ko", true)
	runSteps(t, h, []step{
		{msg: managerMsg("/캠페인"), ids: []string{"campaign.btn.all"}, payloads: []string{"all"}},
		{msg: managerMsg("아무거나"), want: []string{h.text("customers.bad_word", map[string]any{"Word": "아무거나"})}},
		{msg: press(managerMsg(""), "all"), want: []string{h.text("campaign.ask_text", map[string]any{"Max": ledger.MaxCampaignText})}},
		{msg: managerMsg("주말 특가 안내드려요"), payloads: []string{cmpNow}},
		// What could not be read, and a time past, are each said (the
		// question only came back).
		{msg: managerMsg("어제"), want: []string{h.text("campaign.bad_when", map[string]any{"Input": "어제"})}, payloads: []string{cmpNow}},
		{msg: managerMsg("2026-05-12 10:00"), want: []string{h.text("campaign.past", map[string]any{"At": "2026-05-12 10:00"})}, payloads: []string{cmpNow}},
		{msg: managerMsg("18:00"), want: []string{"받는 분: 2명", "보낼 시각: 2026-05-13 18:00", "주말 특가 안내드려요"},
			payloads: []string{"cmp:send:1", "cmp:drop:1"}},
		{msg: press(managerMsg(""), "cmp:drop:1"), want: []string{h.text("campaign.cancelled", map[string]any{"Number": 1, "Sent": 0})}},
		// Cancelled twice: said it already was.
		{msg: managerMsg("/campaign 취소 1"), want: []string{h.text("campaign.cancelled_already", map[string]any{"Number": 1})}, not: []string{h.text("campaign.cancelled", map[string]any{"Number": 1, "Sent": 0})}},
		// A day as dangol reads days, then the time; and 지금 typed.
		{msg: managerMsg("/캠페인")},
		{msg: press(managerMsg(""), "all")},
		{msg: managerMsg("주말 특가 안내드려요")},
		{msg: managerMsg("내일 10:00"), want: []string{"보낼 시각: 2026-05-14 10:00"}},
		{msg: managerMsg("/캠페인")},
		{msg: press(managerMsg(""), "all")},
		{msg: managerMsg("주말 특가 안내드려요")},
		{msg: managerMsg("지금"), want: []string{"받는 분: 2명"}, not: []string{h.text("campaign.bad_when", map[string]any{"Input": "지금"})}},
		{msg: managerMsg("/campaign 전체 : 특가 --at 5/20 11:00"), want: []string{"보낼 시각: 2026-05-20 11:00"}},
		{msg: staffMsg("/campaign"), ids: []string{"core.command.manager_only"}},
	})
}

// TestCampaign_Form: /campaign from a client that shows forms opens the
// campaign form; a submission with wrong fields comes back with every
// error inline in the manager's language, nothing recorded; a right one
// closes on the same preview as the one-line /campaign, and [발송]
// schedules it with its benefit.
func TestCampaign_Form(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h, _, _ := campaignHarness(t, lang, false)
			submit := func(fields map[string]string) Message {
				m := managerMsg("")
				m.FormID, m.Form, m.CanForm = formCampaign, fields, true
				return m
			}
			open := managerMsg("/campaign")
			open.CanForm = true
			var form *Form
			runSteps(t, h, []step{{msg: open, check: func(t *testing.T, h *harness, rs []Reply) {
				if form = formOf(rs); form == nil {
					t.Fatalf("no form: %+v", rs)
				}
			}}})
			var names []string
			for _, f := range form.Fields {
				names = append(names, f.Name)
			}
			if form.ID != formCampaign || strings.Join(names, " ") != "audience text points coupon when" || form.Fields[0].Hint != h.text("campaign.form.audience_hint", nil) {
				t.Errorf("form %+v", form)
			}
			tests := []struct {
				name   string
				fields map[string]string
				want   map[string]string // field -> error
			}{
				{"AllWrong", map[string]string{fieldAudience: "아무거나", fieldText: " ", fieldPoints: "많이", fieldCoupon: "150%", fieldWhen: "25:99"}, map[string]string{
					fieldAudience: h.text("customers.bad_word", map[string]any{"Word": "아무거나"}),
					fieldText:     h.text("campaign.form.err.text", nil),
					fieldPoints:   h.text("campaign.form.err.points", map[string]any{"Max": "1,000,000"}),
					fieldCoupon:   h.text("campaign.form.err.coupon", nil),
					fieldWhen:     h.text("campaign.form.err.when", nil),
				}},
				{"Past", map[string]string{fieldText: "할인", fieldWhen: "2020-01-01 10:00"}, map[string]string{
					fieldWhen: h.text("campaign.past", map[string]any{"At": "2020-01-01 10:00"}),
				}},
				{"TooLong", map[string]string{fieldText: strings.Repeat("가", ledger.MaxCampaignText+1)}, map[string]string{
					fieldText: h.text("campaign.too_long", map[string]any{"Max": ledger.MaxCampaignText, "Length": ledger.MaxCampaignText + 1}),
				}},
				{"NobodyMatches", map[string]string{fieldAudience: "#없는태그", fieldText: "할인"}, map[string]string{
					fieldAudience: h.text("campaign.empty", map[string]any{"Filter": "#없는태그"}),
				}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					rs := h.send(submit(tt.fields))
					var got map[string]string
					for _, r := range rs {
						if r.FormErrors != nil {
							got = r.FormErrors
						}
					}
					if fmt.Sprint(got) != fmt.Sprint(tt.want) {
						t.Errorf("form errors\n%v\nwant\n%v", got, tt.want)
					}
				})
			}
			runSteps(t, h, []step{{msg: managerMsg("/campaign list"), ids: []string{"campaign.list_none"}}})
			runSteps(t, h, []step{
				{msg: func() Message {
					m := submit(map[string]string{fieldText: "폼에서 쓴 할인 소식"})
					m.UserID, m.ConversationID = staffID, "D"+staffID
					return m
				}(),
					ids: []string{"core.command.manager_only"}},
				{msg: submit(map[string]string{fieldAudience: "", fieldText: "폼에서 쓴\n할인 소식", fieldPoints: "500", fieldCoupon: "10%"}),
					want:     []string{"폼에서 쓴\n할인 소식", map[string]string{"ko": "500P", "en": "500 points"}[lang], h.text("campaign.preview", nil)[:10]},
					payloads: []string{"cmp:send:1", "cmp:drop:1"}},
				{msg: press(managerMsg(""), "cmp:send:1"), want: []string{h.text("campaign.scheduled", map[string]any{"Number": 1, "At": h.when(h.now()), "Count": "1"})}},
			})
			h.view(func(tx *ledger.Tx) error {
				c, err := tx.Campaign(1)
				if err == nil && (c.Benefit.Points != 500 || c.Benefit.Coupon == nil || c.Text != "폼에서 쓴\n할인 소식") {
					t.Errorf("campaign %+v", c)
				}
				return err
			})
		})
	}
}

// TestCampaign_Show: /campaign <n> after the send shows the failed, and
// the response figures: 김민지 (sent) visits on day 3, 이바다 (no
// consent: the baseline) does not; within the 14 days it says until when
// it counts, after them not.
func TestCampaign_Show(t *testing.T) {
	h, minji, _ := campaignHarness(t, "ko", false)
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 이번 주 펌 20% 할인 --coupon 10%")},
		{msg: press(managerMsg(""), "cmp:send:1")},
	})
	sentAt := h.now()
	box := &timedBox{h: h}
	h.advanceTo(h.campaignScheduler(box, 0), h.now().Add(2*time.Minute))
	if len(box.sent) != 1 {
		t.Fatalf("sent %d", len(box.sent))
	}
	sentAt = box.sent[0].at // the job's run, the window's start
	h.update(func(tx *ledger.Tx) error {
		n := ledger.Note{CustomerID: minji, StaffID: "slack:" + staffID, StaffName: "지수", At: sentAt.AddDate(0, 0, 3), Text: "펌"}
		return tx.AddNote(&n)
	})
	h.advance(4 * 24 * time.Hour)
	line := func(open string) string {
		return h.text("campaign.response", map[string]any{"Visited": 1, "Sent": 1, "VisitedPct": "100%", "BaseVisited": 0, "Baseline": 1, "BasePct": "0%",
			"Coupon": h.text("campaign.response.coupon", map[string]any{"Redeemed": 0}), "Open": open})
	}
	open := h.text("campaign.response.open", map[string]any{"Until": h.when(sentAt.Add(ledger.CampaignResponseWindow))})
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign 1"), want: []string{line(open), h.text("campaign.failed", map[string]any{"Failed": 0, "Blocked": 0, "GaveUp": 0})}},
		{advance: 11 * 24 * time.Hour, msg: managerMsg("/campaign 1"), want: []string{line("")}, not: []string{open}},
	})
}

// TestCampaign_Drafts: a preview never confirmed expires after a day: its
// [발송] and cancel are refused and /campaign list leaves it out, by
// count, before and after the job's next run deletes its recipients; a
// cancel counts the recipients it left unsent, no longer waiting.
func TestCampaign_Drafts(t *testing.T) {
	h, _, _ := campaignHarness(t, "ko", true)
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 잊힌 미리 보기")},
		// Not confirmed: its preview again, with the buttons that send it,
		// not "대기 2" as if about to go.
		{msg: managerMsg("/campaign 1"), want: []string{"캠페인 #1 미리 보기", "잊힌 미리 보기"}, payloads: []string{"cmp:send:1", "cmp:drop:1"},
			not: []string{"대기"}},
		{msg: managerMsg("/campaign list"), want: []string{h.text("campaign.state.draft", nil)}},
	})
	// The job's runs while it waits for [발송] send nothing of it.
	h.advanceTo(h.campaignScheduler(&timedBox{h: h}, 0), h.now().Add(2*time.Minute))
	notSent := func(when string) {
		h.view(func(tx *ledger.Tx) error {
			c, err := tx.Campaign(1)
			if err == nil && c.Counts.Sent != 0 {
				t.Errorf("%s: the unconfirmed preview %+v was sent", when, c)
			}
			return err
		})
	}
	notSent("before it expired")
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 보내고 취소 --at 2026-06-01 10:00")},
		{msg: press(managerMsg(""), "cmp:send:2")},
		{msg: managerMsg("/campaign cancel 2"), want: []string{h.text("campaign.cancelled", map[string]any{"Number": 2, "Sent": 0})}},
		{msg: managerMsg("/campaign 2"), want: []string{"대기 0" + h.text("campaign.cancelled_count", map[string]any{"Count": 2})}},
		{advance: ledger.CampaignDraftTTL + time.Minute, msg: press(managerMsg(""), "cmp:send:1"),
			want: []string{h.text("campaign.draft_expired", map[string]any{"Number": 1})}},
		{msg: managerMsg("/campaign list"), want: []string{h.text("campaign.list_head", map[string]any{"Count": 1}), h.text("campaign.list_expired", map[string]any{"Count": 1})},
			not: []string{"잊힌"}},
		{msg: managerMsg("/campaign 1"), want: []string{h.text("campaign.state.expired", nil)}},
	})
	// The next run of the job deletes its recipients; it reads the same.
	h.advanceTo(h.campaignScheduler(&timedBox{h: h}, 0), h.now().Add(2*time.Minute))
	h.view(func(tx *ledger.Tx) error {
		c, err := tx.Campaign(1)
		if err == nil && (c.State != ledger.CampaignExpired || c.Counts.Queued != 0) {
			t.Errorf("after the job: %+v, want expired, nobody queued", c)
		}
		if q, _ := tx.QueuedRecipients(1, 0); len(q) != 0 {
			t.Errorf("queued %v", q)
		}
		return err
	})
	notSent("after it expired")
	runSteps(t, h, []step{
		{msg: press(managerMsg(""), "cmp:send:1"), want: []string{h.text("campaign.draft_expired", map[string]any{"Number": 1})}},
		{msg: managerMsg("/campaign cancel 1"), want: []string{h.text("campaign.draft_expired", map[string]any{"Number": 1})}},
		{msg: managerMsg("/campaign list"), want: []string{h.text("campaign.list_expired", map[string]any{"Count": 1})}, not: []string{"잊힌"}},
		// Nobody cancelled it: its recipients read as never confirmed.
		{msg: managerMsg("/campaign 1"), want: []string{strings.TrimSpace(strings.SplitN(h.text("campaign.expired_count", map[string]any{"Count": 0}), "0", 2)[0])},
			not: []string{strings.TrimSpace(strings.SplitN(h.text("campaign.cancelled_count", map[string]any{"Count": 0}), "0", 2)[0])}},
	})
}

// TestCampaign_AllSaid: "전체" (all, everyone) as the audience is every
// customer, as no condition is: the preview reads as the one without a
// condition, but for the word itself.
func TestCampaign_AllSaid(t *testing.T) {
	preview := func(audience string) string {
		h, _, _ := campaignHarness(t, "ko", false)
		return allText(h.send(managerMsg("/campaign " + audience + ": 12월 이벤트")))
	}
	want := preview("")
	if !strings.Contains(want, "광고") {
		t.Fatalf("no preview without a condition: %q", want)
	}
	all := testCatalog().Text("ko", "customers.all", nil)
	for _, word := range []string{"전체", "모두", "all"} {
		got := preview(word + " ")
		if strings.ReplaceAll(got, word, all) != want {
			t.Errorf("/campaign %s : … previews\n%s\nwant as without a condition:\n%s", word, got, want)
		}
	}
}

// TestCampaign_NobodyCounts: when nobody can receive a campaign, the
// answer names only the reasons that apply ("광고 수신 미동의 0명" was
// said of an audience that had none).
func TestCampaign_NobodyCounts(t *testing.T) {
	h, _, _ := campaignHarness(t, "ko", false) // 이바다 declines, 박구름 is not linked
	runSteps(t, h, []step{
		{msg: staffMsg("/customer 박구름 태그 #구름")},
		{msg: staffMsg("/customer 이바다 태그 #바다")},
		{msg: managerMsg("/campaign #구름 : 할인"), want: []string{"연락 불가 1명이에요."}, not: []string{"미동의"}},
		{msg: managerMsg("/campaign #바다 : 할인"), want: []string{"광고 수신 미동의 1명이에요."}, not: []string{"연락 불가"}},
	})
}

// TestCampaignReplyIsResponses: a rating left after a campaign is a reply
// to it in /campaign as in /response (ledger.ResponseFigures.Replied):
// the campaign's line read 답장 0 while /response said 답장 1명.
func TestCampaignReplyIsResponses(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h, _, _ := campaignHarness(t, lang, false)
			at := h.when(h.now())
			runSteps(t, h, []step{
				{msg: managerMsg("/campaign : 이번 주 펌 20% 할인해 드려요")},
				{msg: press(managerMsg(""), "cmp:send:1")},
			})
			box := &timedBox{h: h}
			s := h.campaignScheduler(box, 0)
			h.advanceTo(s, h.now().Add(3*time.Minute))
			runSteps(t, h, []step{
				{msg: custMsg("/feedback 5 좋아요")},
				{msg: managerMsg("/campaign list"), want: []string{h.text("campaign.line", map[string]any{
					"Number": 1, "State": h.text("campaign.state.done", nil), "At": at, "Text": "이번 주 펌 20% 할인해 드려요",
					"Sent": 1, "Skipped": 2, "Failed": 0, "OptedOut": 0, "Responded": 1})}},
			})
		})
	}
}
