package dialog

import (
	"strings"
	"testing"
	"time"
)

// TestCampaignDraftScripts: a preview whose buttons scrolled away can
// still be sent: /campaign <n> shows it again with [발송] [취소], /campaign
// send <n> (발송) and 발송 typed under it send it with the button's checks
// (a day's expiry, the night rule), 취소 typed cancels it, and a new
// preview names the draft still waiting.
func TestCampaignDraftScripts(t *testing.T) {
	preview := func(text string) step { return step{msg: managerMsg("/campaign : " + text)} }
	other := step{msg: managerMsg("/campaign list")} // the preview's buttons scroll away
	said := func(h *harness, id string, n int) []string {
		return []string{h.text(id, map[string]any{"Number": n, "At": h.when(h.now()), "Count": "2", "Sent": 0})}
	}
	tests := []struct {
		name  string
		steps func(h *harness) []step
	}{
		{"ShowAgainWithButtons", func(h *harness) []step {
			return []step{preview("첫번째"), other,
				{msg: managerMsg("/campaign 1"), want: []string{"캠페인 #1 미리 보기", "첫번째", "[수신 거부]"}, payloads: []string{"cmp:send:1", "cmp:drop:1"}}}
		}},
		{"SendByNumber", func(h *harness) []step {
			return []step{preview("첫번째"), other,
				{msg: managerMsg("/campaign send 1"), want: []string{h.text("campaign.scheduled", map[string]any{"Number": 1, "At": h.when(h.now()), "Count": "2"})}}}
		}},
		{"SendByKoreanWord", func(h *harness) []step {
			return []step{preview("첫번째"), other,
				{msg: managerMsg("/campaign 발송 1"), want: said(h, "campaign.scheduled", 1)}}
		}},
		{"SendAloneOneDraft", func(h *harness) []step {
			return []step{preview("첫번째"), other, {msg: managerMsg("/campaign send"), want: said(h, "campaign.scheduled", 1)}}
		}},
		{"SendAloneSeveral", func(h *harness) []step {
			return []step{preview("첫번째"), preview("두번째"),
				{msg: managerMsg("/campaign send"), want: []string{h.text("campaign.send_which", map[string]any{"Numbers": "#2, #1", "Number": 2})}}}
		}},
		{"SendAloneNone", func(h *harness) []step {
			return []step{{msg: managerMsg("/campaign send"), ids: []string{"campaign.send_none"}}}
		}},
		{"TypedSendUnderShownPreview", func(h *harness) []step {
			return []step{preview("첫번째"), other, {msg: managerMsg("/campaign 1")},
				{msg: managerMsg("발송"), want: said(h, "campaign.scheduled", 1)},
				{msg: managerMsg("/campaign 1"), want: []string{h.text("campaign.state.scheduled", nil)}, not: []string{"미리 보기"}}}
		}},
		{"TypedCancelUnderShownPreview", func(h *harness) []step {
			return []step{preview("첫번째"), other, {msg: managerMsg("/campaign 1")},
				{msg: managerMsg("취소"), want: []string{h.text("campaign.cancelled", map[string]any{"Number": 1, "Sent": 0})}},
				{msg: managerMsg("/campaign send 1"), want: said(h, "campaign.cancelled_already", 1)}}
		}},
		{"OtherWordsAskAgain", func(h *harness) []step {
			return []step{preview("첫번째"), {msg: managerMsg("음"), want: said(h, "campaign.send_reask", 1), payloads: []string{"cmp:send:1", "cmp:drop:1"}}}
		}},
		{"ExpiredAfterADay", func(h *harness) []step {
			return []step{preview("첫번째"), other,
				{advance: 25 * time.Hour, msg: managerMsg("/campaign send 1"), want: said(h, "campaign.draft_expired", 1)}}
		}},
		{"NightRuleAtSend", func(h *harness) []step {
			// Previewed at 14:00 for now, sent by command at 21:30: at 08:00.
			morning := time.Date(2026, 5, 14, 8, 0, 0, 0, seoul)
			return []step{preview("첫번째"), other,
				{advance: 7*time.Hour + 30*time.Minute, msg: managerMsg("/campaign send 1"),
					want: []string{h.text("campaign.scheduled", map[string]any{"Number": 1, "At": h.when(morning), "Count": "2"})}}}
		}},
		{"NewPreviewNamesTheWaitingDraft", func(h *harness) []step {
			return []step{preview("첫번째"),
				{msg: managerMsg("/campaign : 두번째"), want: []string{"캠페인 #2 미리 보기",
					h.text("campaign.waiting", map[string]any{"Number": 1, "Text": "첫번째", "At": h.when(h.now())})}, payloads: []string{"cmp:send:2"}},
				{msg: press(managerMsg(""), "cmp:send:2"), want: said(h, "campaign.scheduled", 2)},
				{msg: managerMsg("/campaign : 세번째"), want: []string{h.text("campaign.waiting", map[string]any{"Number": 1, "Text": "첫번째", "At": h.when(h.now())})},
					not: []string{"#2 '두번째'"}}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := campaignHarness(t, "ko", true)
			runSteps(t, h, tt.steps(h))
		})
	}
}

// TestCampaignPreviewLanguages: the preview shows the message in the
// manager's language, and in each language the recipients get, with how
// many get each, when that is not the manager's alone (the first
// recipient's language showed a Korean manager an English preview).
func TestCampaignPreviewLanguages(t *testing.T) {
	tests := []struct {
		name      string
		english   bool // 김민지, the first recipient, switched to English
		want, not []string
	}{
		{"AllInManagersLanguage", false, []string{"(광고) " + testShop}, []string{"(advertising)", "명이 이렇게 받아요", "English"}},
		{"BothLanguages", true, []string{"한국어 — 1명이 이렇게 받아요:\n(광고) " + testShop, "English — 1명이 이렇게 받아요:\n(광고) " + testShop + " (" + testContact + ") (advertising)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := campaignHarness(t, "ko", true)
			if tt.english {
				runSteps(t, h, []step{{msg: custMsg("/lang en")}})
			}
			rs := h.send(managerMsg("/campaign : 이번 주 펌 할인 --coupon 10%"))
			got := allText(rs)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("preview lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("preview has %q:\n%s", w, got)
				}
			}
			// Its first lines stay the manager's: the English block comes second.
			if tt.english && strings.Index(got, "한국어 —") > strings.Index(got, "English —") {
				t.Errorf("the manager's language is not first:\n%s", got)
			}
		})
	}
}
