package dialog

import (
	"context"
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
			ko := func(id string, data any) string { return h.cat.Text("ko", id, data) }
			runSteps(t, h, []step{
				{msg: staffMsg(line), ids: []string{"core.command.manager_only"}},
				{msg: managerMsg(line), want: []string{
					h.text("campaign.preview", map[string]any{"Number": 1, "Filter": h.text("customers.all", nil), "Match": "3", "Receive": "1",
						"NoConsent": 1, "Unreachable": 1, "At": at, "Night": "",
						// The customer's language (Korean), whatever the manager's.
						"First": ko("ads.header", map[string]any{"Shop": testShop}) + "\n이번 주 펌 20% 할인해 드려요\n" +
							ko("campaign.gift", map[string]any{"Gift": "500P"}) + "\n\n" + ko("ads.optout_line", nil),
						"Buttons": "[" + ko("ads.btn.optout", nil) + "]"}),
				}, payloads: []string{"cmp:send:1", "cmp:drop:1"}},
				{msg: press(managerMsg(""), "cmp:send:1"), want: []string{h.text("campaign.scheduled", map[string]any{"Number": 1, "At": at, "Count": "1"})}},
				{msg: press(managerMsg(""), "cmp:send:1"), ids: nil},
			})
			box := &timedBox{h: h}
			s := h.campaignScheduler(box, 0)
			h.advanceTo(s, h.now().Add(3*time.Minute))
			got := box.dms(ChannelTelegram, custTG, "이번 주 펌")
			if len(got) != 1 || !strings.HasPrefix(got[0].r.Text, "(광고) "+testShop) ||
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

// TestCampaign_Refusals: no shop name, an empty audience, a text too long,
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
			"받는 분: 2명", "보낼 시각: 2026-05-14 08:00" + h.text("campaign.night", nil), "쿠폰 10%"}},
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
		{msg: managerMsg("어제"), payloads: []string{cmpNow}},
		{msg: managerMsg("18:00"), want: []string{"받는 분: 2명", "보낼 시각: 2026-05-13 18:00", "주말 특가 안내드려요"},
			payloads: []string{"cmp:send:1", "cmp:drop:1"}},
		{msg: press(managerMsg(""), "cmp:drop:1"), want: []string{h.text("campaign.cancelled", map[string]any{"Number": 1, "Sent": 0})}},
		{msg: staffMsg("/campaign"), ids: []string{"core.command.manager_only"}},
	})
}
