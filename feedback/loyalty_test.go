package feedback

import (
	"context"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// craftLoyalty writes a week of loyalty in 2026-W48 (11/23–11/29): a
// programme of the shop's own, stamps with a full card and a reversal,
// coupons issued, used and expired, points that expire and tier moves.
func craftLoyalty(t *testing.T, s *ledger.Store) {
	t.Helper()
	var a, b, c string
	write(t, s, func(f fixture) {
		before := day(10, 1, 10, 0)
		a = f.customer("김민지", before, day(1, 1, 0, 0).AddDate(-30, 0, 0), true)
		b = f.customer("이수진", before, day(1, 1, 0, 0).AddDate(-30, 0, 0), true)
		c = f.customer("박서준", before, day(1, 1, 0, 0).AddDate(-30, 0, 0), true)
		_, err := f.tx.SetExpiry(ledger.ExpiryRules{Months: 1}, "slack:UM", day(10, 1, 9, 0))
		f.check(err)
		_, err = f.tx.SetStamps(ledger.StampRules{Goal: 3, Reward: ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "아메리카노 1잔"}}, "slack:UM", day(10, 1, 9, 0))
		f.check(err)
		_, err = f.tx.SetTiers(ledger.TierRules{Levels: []ledger.Tier{{ID: ledger.TierNew}, {Name: "골드", MinVisits: 2, EarnRateBP: 700}}}, "slack:UM", day(10, 1, 9, 0), nil)
		f.check(err)
		_, err = f.tx.UpdateTier(a, day(10, 2, 10, 0), kst) // the first record, 일반: no move
		f.check(err)
		// 300 points on 10/24 expire at the start of 11/24.
		f.check(f.tx.AddPoints(&ledger.PointsEntry{CustomerID: a, Kind: ledger.PointsEarn, Points: 300, Amount: 6000, At: day(10, 24, 12, 0), ActorID: jimin.id}))
		// The week: stamps (a full card and one taken back).
		_, err = f.tx.AddStamps(a, 4, jimin.id, "", day(11, 24, 12, 0), kst)
		f.check(err)
		st, err := f.tx.AddStamps(b, 1, jimin.id, "", day(11, 24, 13, 0), kst)
		f.check(err)
		_, err = f.tx.ReverseStamps(st.Entry.ID, jimin.id, "", day(11, 24, 13, 5))
		f.check(err)
		// Coupons: one used, one that ends on 11/25.
		cp, err := f.tx.IssueCoupon(ledger.CouponSpec{CustomerID: b, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}, ActorID: jimin.id}, day(11, 23, 11, 0), kst)
		f.check(err)
		_, err = f.tx.UseCoupon(b, cp.Code, jimin.id, day(11, 26, 15, 0))
		f.check(err)
		_, err = f.tx.IssueCoupon(ledger.CouponSpec{CustomerID: c, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: 5000}, Days: 1, ActorID: jimin.id}, day(11, 25, 11, 0), kst)
		f.check(err)
		// Two visits make 김민지 골드.
		f.note(a, jimin, day(11, 23, 10, 0), day(1, 1, 0, 0).AddDate(-30, 0, 0))
		f.note(a, jimin, day(11, 27, 10, 0), day(1, 1, 0, 0).AddDate(-30, 0, 0))
		_, err = f.tx.UpdateTier(a, day(11, 27, 10, 0), kst)
		f.check(err)
	})
	if _, err := s.RunDaily(context.Background(), day(11, 26, 4, 0), kst); err != nil {
		t.Fatal(err)
	}
}

func TestLoyaltyWeek(t *testing.T) {
	s := mustOpen(t)
	craftLoyalty(t, s)
	sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}
	l := sum.Loyalty
	f := l.LoyaltyFigures
	if f.StampsGiven != 5 || f.StampsReversed != 1 || f.RewardsIssued != 1 || f.CouponsIssued != 3 || f.CouponsUsed != 1 ||
		f.CouponsExpired != 1 || f.PointsExpired != 300 || f.TierUps != 1 || !l.Custom {
		t.Errorf("figures = %+v", l)
	}
	if r, ok := l.UseRate(); !ok || r != 50 {
		t.Errorf("use rate = %v, %v; want 50%%", r, ok)
	}
	cat := catalog(t)
	for _, lang := range []string{"ko", "en"} {
		for _, aud := range []Audience{ForStaff, ForPublic} {
			_, secs := sum.Render(cat, lang, aud)
			var got *Section
			for i := range secs {
				if secs[i].Title == cat.Text(lang, "loyalty.week.title", nil) {
					got = &secs[i]
				}
			}
			if got == nil || len(secs) != 6 || secs[4].Title != got.Title {
				t.Fatalf("%s: no loyalty section after points: %+v", lang, secs)
			}
			if aud == ForStaff {
				golden(t, "loyalty."+lang+".golden", []byte(strings.Join(got.Lines, "\n")+"\n"))
			}
		}
	}
	if m := cat.Missing(); len(m) > 0 {
		t.Errorf("catalog misses %v", m)
	}
	// A week with nothing of loyalty in a shop on the default programme
	// has no section, as before loyalty existed.
	empty := mustOpen(t)
	sum, err = Weekly(context.Background(), empty, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}
	if _, secs := sum.Render(cat, "ko", ForStaff); len(secs) != 5 || sum.Loyalty.Active() {
		t.Errorf("an empty week shows %d sections", len(secs))
	}
	// On the default programme, a coupon given that week is enough.
	write(t, empty, func(f fixture) {
		id := f.customer("정하늘", day(10, 1, 10, 0), day(1, 1, 0, 0).AddDate(-30, 0, 0), true)
		_, err := f.tx.IssueCoupon(ledger.CouponSpec{CustomerID: id, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 5}, ActorID: jimin.id}, day(11, 24, 10, 0), kst)
		f.check(err)
	})
	if sum, err = Weekly(context.Background(), empty, w48, Options{Loc: kst, Now: now48}); err != nil {
		t.Fatal(err)
	}
	_, secs := sum.Render(cat, "ko", ForStaff)
	if len(secs) != 6 || sum.Loyalty.CouponsIssued != 1 || sum.Loyalty.PerTier[ledger.TierNew] != 1 {
		t.Fatalf("a week with a coupon: %d sections, %+v", len(secs), sum.Loyalty)
	}
	// Only what the shop runs or what happened: no stamp card, no expiry.
	want := []string{"쿠폰 발급 1장 · 사용 0장 · 만료 0장", "등급별 고객: 일반 1명 · 단골 0명 · VIP 0명", "등급 변동 없음"}
	if got := secs[4].Lines; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines = %q, want %q", got, want)
	}
}
