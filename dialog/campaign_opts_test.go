package dialog

import (
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestCampaignOpts: options written with the dash a keyboard made of "--"
// are options, not words of the ad; an option given twice is refused, not
// the last one kept; a dash inside the text stays text; points over the
// limit are refused naming it, not as "not understood"; a coupon is what a
// coupon can be (a percent, an amount, a reward named in two words or with
// a quantity), and "abc" is refused.
func TestCampaignOpts(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	tests := []struct {
		name, in, msg string
		points        int64
		coupon        string // the coupon's item or "" (none, or not an item)
		bad           string // the refusal's id; "": none
	}{
		{"TwoHyphens", "겨울 세일 --points 500", "겨울 세일", 500, "", ""},
		{"EmDash", "겨울 세일 —points 500", "겨울 세일", 500, "", ""},
		{"EnDash", "겨울 세일 –points 500", "겨울 세일", 500, "", ""},
		{"OneHyphen", "겨울 세일 -points 500", "겨울 세일", 500, "", ""},
		{"DashInText", "커트 - 펌 20% 할인", "커트 - 펌 20% 할인", 0, "", ""},
		{"Twice", "겨울 세일 --points 500 --points 1000", "겨울 세일", 0, "", "campaign.bad_option"},
		{"Unknown", "겨울 세일 --pints 500", "겨울 세일", 0, "", "campaign.bad_option"},
		{"PointsAtLimit", "겨울 세일 --points 1000000", "겨울 세일", 1_000_000, "", ""},
		{"PointsTooMany", "겨울 세일 --points 99999999", "겨울 세일", 0, "", "campaign.points_too_large"},
		{"PointsWords", "겨울 세일 --points 많이", "겨울 세일", 0, "", "campaign.bad_option"},
		{"CouponPercent", "겨울 세일 --coupon 10%", "겨울 세일", 0, "", ""},
		{"CouponWon", "겨울 세일 --coupon 5000원", "겨울 세일", 0, "", ""},
		{"CouponReward", "겨울 세일 --coupon 아메리카노 1잔", "겨울 세일", 0, "아메리카노 1잔", ""},
		{"CouponTwoWords", "겨울 세일 --coupon free americano", "겨울 세일", 0, "free americano", ""},
		{"CouponWord", "겨울 세일 --coupon abc", "겨울 세일", 0, "", "campaign.bad_coupon"},
		{"CouponTooMuch", "겨울 세일 --coupon 150%", "겨울 세일", 0, "", "campaign.bad_coupon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.update(func(tx *ledger.Tx) error {
				tr := h.eng.quietTurn(tx, "ko", h.now())
				msg, o, bad := tr.parseCampaignOpts(tt.in)
				id, item := "", ""
				if bad != nil {
					id = bad.id
				}
				if o.benefit.Coupon != nil {
					item = o.benefit.Coupon.Item
				}
				if msg != tt.msg || id != tt.bad || (tt.bad == "" && (o.benefit.Points != tt.points || item != tt.coupon)) {
					t.Errorf("parseCampaignOpts(%q) = %q, %d points, coupon %q, refused %q; want %q, %d, %q, %q",
						tt.in, msg, o.benefit.Points, item, id, tt.msg, tt.points, tt.coupon, tt.bad)
				}
				return nil
			})
		})
	}
}

// TestWithoutAdMark: the mark a shop types at the start of an ad goes, as
// the header carries it; one inside the text stays.
func TestWithoutAdMark(t *testing.T) {
	for in, want := range map[string]string{
		"(광고) 이번주 세일":      "이번주 세일",
		"[광고]이번주 세일":       "이번주 세일",
		"(AD) Winter sale": "Winter sale",
		"이번주 (광고) 세일":      "이번주 (광고) 세일",
		"이번주 세일":           "이번주 세일",
	} {
		if got := withoutAdMark(in); got != want {
			t.Errorf("withoutAdMark(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCampaignGuidedOptions: the guided /campaign says at once that an
// audience matches nobody, and reads options typed with the text as the
// one-line command does: they were asked for again with no reason.
func TestCampaignGuidedOptions(t *testing.T) {
	h, _, _ := campaignHarness(t, "ko", false)
	gift := h.text("campaign.gift_points", map[string]any{"Points": "500P"})
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign"), ids: []string{"campaign.ask_audience"}},
		{msg: managerMsg("#없는태그"), want: []string{h.text("campaign.empty", map[string]any{"Filter": "#없는태그"})}},
		{msg: press(managerMsg(""), "all"), want: []string{h.text("campaign.ask_text", map[string]any{"Max": ledger.MaxCampaignText})}},
		{msg: managerMsg("겨울 세일 --points 500"), ids: []string{"campaign.ask_when"}},
		{msg: managerMsg("지금"), want: []string{"겨울 세일", gift}, not: []string{"--points"}},
		{msg: managerMsg("/campaign")},
		{msg: press(managerMsg(""), "all")},
		{msg: managerMsg("겨울 세일 --pionts 500"), want: []string{h.text("campaign.bad_option", map[string]any{"Option": "--pionts 500"})}},
	})
}

// TestCampaignShowsErased: a recipient erased before the send is counted
// among the skipped with its reason; the reasons summed short of the
// total.
func TestCampaignShowsErased(t *testing.T) {
	h, minji, _ := campaignHarness(t, "ko", false)
	at := h.now().Add(2 * time.Hour).In(seoul).Format("2006-01-02 15:04")
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 겨울 세일 --at " + at)},
		{msg: press(managerMsg(""), "cmp:send:1")},
	})
	h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(minji, h.now()) })
	box := &timedBox{h: h}
	s := h.campaignScheduler(box, 0)
	h.advanceTo(s, h.now().Add(3*time.Hour))
	runSteps(t, h, []step{{msg: managerMsg("/campaign 1"), want: []string{"정보 삭제 1"}}})
}

// TestCampaignAt: a send time as shops write it: a time alone is its next
// occurrence, a day alone is at campaignHour, and 오후/오전, 시, 분, 반 and
// pm are read; a bare number is no time.
func TestCampaignAt(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	now := h.now().In(seoul) // 2026-05-13 (수) 14:00
	day := func(m time.Month, d, hh, mm int) time.Time { return time.Date(2026, m, d, hh, mm, 0, 0, seoul) }
	tests := []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"15:00", day(5, 13, 15, 0)},
		{"오후 3시", day(5, 13, 15, 0)},
		{"3시", day(5, 13, 15, 0)}, // open hours: the afternoon
		{"오후 3시 30분", day(5, 13, 15, 30)},
		{"3시 반", day(5, 13, 15, 30)},
		{"3pm", day(5, 13, 15, 0)},
		{"오전 10시", day(5, 14, 10, 0)}, // past today: tomorrow's
		{"12/25", day(12, 25, campaignHour, 0)},
		{"내일 오후 2시 30분", day(5, 14, 14, 30)},
		{"2026-05-20 09:00", day(5, 20, 9, 0)},
		{"3", time.Time{}},
		{"오후 13시", day(5, 14, 13, 0)}, // 13:00 has passed today
		{"25시", time.Time{}},
		{"내일 아무때나", time.Time{}},
	}
	if now.Hour() != 14 {
		t.Fatalf("the harness clock moved: %v", now)
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h.update(func(tx *ledger.Tx) error {
				got, ok := h.eng.quietTurn(tx, "ko", h.now()).parseCampaignAt(tt.in)
				if ok != !tt.want.IsZero() || (ok && !got.Equal(tt.want)) {
					t.Errorf("parseCampaignAt(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
				}
				return nil
			})
		})
	}
}

// TestCampaignSentOnTimeInAJump: a jump of the console's clock sends a
// campaign at its own time, not at the last check before the jump ends.
func TestCampaignSentOnTimeInAJump(t *testing.T) {
	h, _, _ := campaignHarness(t, "ko", false)
	due := h.now().Add(time.Hour).Truncate(time.Minute)
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 겨울 세일 --at " + due.In(seoul).Format("2006-01-02 15:04"))},
		{msg: press(managerMsg(""), "cmp:send:1")},
	})
	box := &timedBox{h: h}
	s := h.campaignScheduler(box, 0)
	h.advanceTo(s, h.now().Add(5*time.Hour))
	got := box.dms(ChannelTelegram, custTG, "겨울 세일")
	if len(got) != 1 || !got[0].at.Equal(due) {
		t.Fatalf("sent %d, at %v; want one at %v", len(got), got, due)
	}
}
