package dialog

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// TestGiftLines: a birthday greeting, a win-back and a campaign message
// tell the customer their gift as it is when they read it: points already
// put on their account, named with /points; a coupon already theirs, to
// use next time, named with /coupon. They said "다시 오시면 드리려고
// 준비했어요: 500P" of points credited with the message, and pointed to
// /coupons for points too.
func TestGiftLines(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	coupon := &ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}
	tests := []struct {
		name, lang string
		points     int64
		coupon     *ledger.CouponBenefit
		days       int
		want       map[string]string // by message: its gift lines
	}{
		{"Points", "ko", 500, nil, 0, map[string]string{
			"birthday": "🎁 생일 선물로 500P를 넣어 드렸어요. /points 에서 확인하실 수 있어요.",
			"winback":  "🎁 500P를 넣어 드렸어요. /points 에서 확인하실 수 있어요.",
			"campaign": "🎁 혜택으로 500P를 넣어 드렸어요. /points 에서 확인하실 수 있어요.",
		}},
		{"Coupon", "ko", 0, coupon, 14, map[string]string{
			"birthday": "🎁 생일 선물로 쿠폰을 드렸어요: 10% 할인 (14일 동안 사용). 다음 방문 때 쓰세요. /coupon 에서 확인하실 수 있어요.",
			"winback":  "🎁 쿠폰을 드렸어요: 10% 할인 (14일 동안 사용). 다음 방문 때 쓰세요. /coupon 에서 확인하실 수 있어요.",
			"campaign": "🎁 혜택으로 쿠폰을 드렸어요: 10% 할인 (14일 동안 사용). 다음 방문 때 쓰세요. /coupon 에서 확인하실 수 있어요.",
		}},
		{"Both", "ko", 2000, coupon, 30, map[string]string{
			"winback": "🎁 2,000P를 넣어 드렸어요. /points 에서 확인하실 수 있어요.\n🎁 쿠폰을 드렸어요: 10% 할인 (30일 동안 사용). 다음 방문 때 쓰세요. /coupon 에서 확인하실 수 있어요.",
		}},
		{"EnglishPoints", "en", 1, nil, 0, map[string]string{
			"birthday": "🎁 Our birthday gift to you: 1 point, already in your account. /points shows your balance.",
			"winback":  "🎁 We've added 1 point to your account: /points shows your balance.",
			"campaign": "🎁 For you: 1 point, already in your account. /points shows your balance.",
		}},
		{"EnglishCoupon", "en", 0, coupon, 1, map[string]string{
			"birthday": "🎁 Our birthday gift to you: a coupon, 10% off (valid 1 day). Use it on your next visit; you'll see it with /coupon.",
			"winback":  "🎁 Here's a coupon for you: 10% off (valid 1 day). Use it on your next visit; you'll see it with /coupon.",
			"campaign": "🎁 For you: a coupon, 10% off (valid 1 day). Use it on your next visit; you'll see it with /coupon.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &turn{e: h.eng, lang: tt.lang}
			c := ledger.Customer{Name: "김민지"}
			got := map[string]string{
				"birthday": tr.birthdayGreeting(c, ledger.BirthdayBenefit{Points: tt.points, Coupon: tt.coupon, CouponDays: tt.days}),
				"winback":  winBackBody("안녕하세요", ledger.WinBackRules{Points: tt.points, Coupon: tt.coupon, CouponDays: tt.days})(tr),
				"campaign": tr.campaignBody("세일", ledger.CampaignBenefit{Points: tt.points, Coupon: tt.coupon, CouponDays: tt.days}),
			}
			for kind, want := range tt.want {
				// The gift follows the message's first line.
				_, lines, _ := strings.Cut(got[kind], "\n")
				if lines != want {
					t.Errorf("%s's gift:\n%s\nwant\n%s", kind, lines, want)
				}
			}
			for kind, msg := range got {
				if strings.Contains(msg, "/coupons") || strings.Contains(msg, "준비했어요") {
					t.Errorf("%s still says the gift is coming or names /coupons:\n%s", kind, msg)
				}
				if tt.coupon == nil && strings.Contains(msg, "/coupon") || tt.points == 0 && strings.Contains(msg, "/points") {
					t.Errorf("%s names a command that does not show its gift:\n%s", kind, msg)
				}
			}
		})
	}
}
