package feedback

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// A deleted note and reversed points entries leave the week as it would
// have been without them, and corrections count as neither earning nor
// redemption: the summary of a ledger with mistakes and their corrections
// equals the summary of a ledger without either.
func TestWeeklyIgnoresCorrections(t *testing.T) {
	ctx := context.Background()
	none := time.Time{}
	build := func(mistakes bool) *Summary {
		s := mustOpen(t)
		write(t, s, func(f fixture) {
			a := f.customer("김민지", day(9, 1, 10, 0), none, true)
			b := f.customer("이수진", day(9, 2, 10, 0), none, true)
			c := f.customer("박서준", day(9, 3, 10, 0), none, true)
			f.note(a, jimin, day(11, 23, 10, 0), none, "커트")
			f.points(a, ledger.PointsEarn, 300, day(11, 23, 10, 5))
			if !mistakes {
				return
			}
			wrong := f.note(b, sehoon, day(11, 24, 11, 0), day(11, 26, 0, 0), "펌")
			_, err := f.tx.DeleteNote(wrong)
			f.check(err)
			reverse := func(cust string, kind ledger.PointsKind, pts int64, at time.Time) {
				e := ledger.PointsEntry{CustomerID: cust, Kind: kind, Points: pts, At: at, ActorID: jimin.id}
				f.check(f.tx.AddPoints(&e))
				r, err := ledger.ReversalOf(e, jimin.id, "", at.Add(time.Hour))
				f.check(err)
				f.check(f.tx.AddPoints(&r))
			}
			reverse(a, ledger.PointsEarn, 275000, day(11, 24, 9, 0))
			reverse(a, ledger.PointsRedeem, -100, day(11, 25, 9, 0))
			reverse(c, ledger.PointsEarn, 500, day(11, 26, 9, 0))
		})
		sum, err := Weekly(ctx, s, w48, Options{Loc: kst, Now: now48})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	clean, corrected := build(false), build(true)
	if clean.This.PointsEarned != 300 || clean.This.Notes != 1 {
		t.Fatalf("clean week = %+v", clean.This)
	}
	if corrected.This != clean.This {
		t.Errorf("figures with corrections\n got  %+v\n want %+v", corrected.This, clean.This)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"Staff", corrected.Staff, clean.Staff},
		{"Tags", corrected.Tags, clean.Tags},
		{"FollowUps", corrected.FollowUps, clean.FollowUps},
		{"Days", corrected.Days, clean.Days},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s with corrections = %+v, want %+v", c.name, c.got, c.want)
		}
	}
}

// TestWeeklyPartialCorrection: an earn corrected in part (ledger.
// PartialReversalOf: a wrong earn partly spent before it was seen) counts
// as earned what was spent of it, and stays a visit; the redeem is a
// redeem and the correction neither. The week reads as if the shop had
// earned just what the customer used.
func TestWeeklyPartialCorrection(t *testing.T) {
	s := mustOpen(t)
	none := time.Time{}
	write(t, s, func(f fixture) {
		a := f.customer("김민지", day(9, 1, 10, 0), none, true)
		e := ledger.PointsEntry{CustomerID: a, Kind: ledger.PointsEarn, Points: 50000, Amount: 1000000, At: day(11, 24, 9, 0), ActorID: jimin.id}
		f.check(f.tx.AddPoints(&e))
		f.points(a, ledger.PointsRedeem, -4000, day(11, 25, 9, 0))
		r, err := ledger.PartialReversalOf(e, 46000, jimin.id, "", day(11, 26, 9, 0))
		f.check(err)
		f.check(f.tx.AddPoints(&r))
	})
	sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.This; got.PointsEarned != 4000 || got.PointsRedeemed != 4000 || got.PointsGiven != 0 || got.Visits != 1 {
		t.Errorf("week = %+v, want 4,000 earned and redeemed, nothing given, one visit", got)
	}
}
