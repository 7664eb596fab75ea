package telegram

import (
	"context"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// TestJourneyLoyalty is issue 13's Telegram journey on the fake Bot API:
// the shop runs a stamp card and points that expire; Minji, with 7 stamps,
// a coupon and points earned under the expiry rule, links and taps the
// menu's points: she sees her card as dots, her coupon with its code and
// last day, and when her next points expire; /coupon lists the coupon.
func TestJourneyLoyalty(t *testing.T) {
	j := newJourney(t)
	err := j.store.Update(context.Background(), func(tx *ledger.Tx) error {
		id := j.minji.ID
		since := t0.AddDate(0, 0, -3)
		if _, err := tx.SetStamps(ledger.StampRules{Goal: 10, Reward: ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "아메리카노 1잔"}}, "slack:UM", since); err != nil {
			return err
		}
		if _, err := tx.SetExpiry(ledger.ExpiryRules{Months: 12}, "slack:UM", since); err != nil {
			return err
		}
		if err := tx.AddPoints(&ledger.PointsEntry{CustomerID: id, At: t0.AddDate(0, 0, -2), Kind: ledger.PointsEarn,
			Points: 800, Amount: 16000, ActorID: "slack:U1", Reason: "염색"}); err != nil {
			return err
		}
		if _, err := tx.AddStamps(id, 7, "slack:U1", "", t0.AddDate(0, 0, -2), seoul); err != nil {
			return err
		}
		_, err := tx.IssueCoupon(ledger.CouponSpec{CustomerID: id, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10},
			Days: 30, ActorID: "slack:U1"}, t0.AddDate(0, 0, -1), seoul)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	j.link(minji)
	points := texts(j.say(minji, "💰 포인트"))
	if len(points) != 1 {
		t.Fatalf("points answer: %q", points)
	}
	var code string
	j.store.View(context.Background(), func(tx *ledger.Tx) error {
		cs, err := tx.CouponsOf(j.minji.ID, t0, false)
		if err == nil && len(cs) == 1 {
			code = cs[0].Code
		}
		return err
	})
	for _, want := range []string{
		"스탬프 ●●●●●●●○○○ 7/10 — 3개 더 모으면 아메리카노 1잔",
		"🎟️ 10% 할인 · 코드 " + code + " · 2026-06-10까지",
		"다음 소멸: 800P — 2027-05-12에 소멸 (2027-05-11까지 사용 가능)", // through the same day a year on (민법 제160조)
	} {
		if code == "" || !strings.Contains(points[0], want) {
			t.Errorf("the customer's points lack %q:\n%s", want, points[0])
		}
	}
	if got := texts(j.say(minji, "/coupon")); len(got) != 1 || !strings.Contains(got[0], code) {
		t.Errorf("/coupon: %q", got)
	}
	// A coupon's code is a keyed hash, new with each ledger file.
	log := strings.ReplaceAll(j.log.String(), code, "CODE42")
	j.log.Reset()
	j.log.WriteString(log)
	j.golden("loyalty")
}
