package feedback

import (
	"context"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// TestStampIsAVisit: stamps are a visit in the week's figures as they are
// for the tier, the card and /mydata (ledger.RecordVisit). A customer who
// only got a stamp was "단골이 되셨어요" and "Visits: 1" while /summary
// left them out of 방문. A stamp taken back, and stamps carried over by an
// import, are no visit; a stamp on a day with a note is still one visit.
func TestStampIsAVisit(t *testing.T) {
	s := mustOpen(t)
	write(t, s, func(f fixture) {
		before := day(10, 1, 10, 0)
		none := day(1, 1, 0, 0).AddDate(-30, 0, 0)
		stamped := f.customer("박민수", before, none, true)
		reversed := f.customer("이수진", before, none, true)
		imported := f.customer("최유리", before, none, true)
		both := f.customer("김하늘", before, none, true)
		_, err := f.tx.SetStamps(ledger.StampRules{Goal: 3, Reward: ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "아메리카노 1잔"}}, "slack:UM", day(10, 1, 9, 0))
		f.check(err)
		_, err = f.tx.AddStamps(stamped, 2, jimin.id, "", day(11, 24, 12, 0), kst)
		f.check(err)
		st, err := f.tx.AddStamps(reversed, 1, jimin.id, "", day(11, 24, 13, 0), kst)
		f.check(err)
		_, err = f.tx.ReverseStamps(st.Entry.ID, jimin.id, "", day(11, 24, 13, 5))
		f.check(err)
		_, err = f.tx.ImportStamps(imported, 5, jimin.id, day(11, 25, 9, 0))
		f.check(err)
		f.note(both, jimin, day(11, 26, 10, 0), none)
		_, err = f.tx.AddStamps(both, 1, jimin.id, "", day(11, 26, 10, 5), kst)
		f.check(err)
	})
	sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.This; got.Visits != 2 || got.Returning != 2 {
		t.Errorf("visits %d, returning %d; want 2 and 2 (박민수's stamps, 김하늘's note and stamp on one day)", got.Visits, got.Returning)
	}
	var days [7]int
	for i := range days {
		days[i] = sum.Days[i].Visits
	}
	if days != [7]int{0, 1, 0, 1, 0, 0, 0} {
		t.Errorf("visits by day %v, want one on Tuesday (the stamps) and one on Thursday", days)
	}
}
