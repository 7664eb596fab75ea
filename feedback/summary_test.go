package feedback

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// The crafted week is 2026-W48, Monday 23 to Sunday 29 November 2026 in
// Seoul; its 8 weeks before start on Monday 28 September (2026-W40).
var (
	w48   = Week{2026, 48}
	now48 = day(11, 30, 9, 0) // the Monday after, 09:00
)

// ids of the crafted ledger's records, for assertions.
type crafted struct {
	a, b, c, d, e, f, g, h string
	lowD                   string
}

// craft fills s with the crafted week and the weeks around it. Every record
// is written in time order, as the ledger sees them in a shop.
func craft(t testing.TB, s *ledger.Store) crafted {
	var ids crafted
	none := time.Time{}
	write(t, s, func(f fixture) {
		ids.f = f.customer("강다은", day(1, 5, 10, 0), none, true)
		ids.e = f.customer("정하늘", day(6, 1, 10, 0), time.Date(1988, 11, 27, 0, 0, 0, 0, kst), true)
		ids.g = f.customer("윤서아", day(8, 1, 10, 0), none, true)
		ids.h = f.customer("임도윤", day(8, 1, 11, 0), none, true)
		ids.a = f.customer("김민지", day(9, 1, 10, 0), time.Date(1990, 11, 27, 0, 0, 0, 0, kst), false)
		ids.d = f.customer("최유나", day(10, 5, 10, 0), none, true)
		ids.b = f.customer("이수진", day(11, 17, 10, 0), none, true)
		ids.c = f.customer("박서준", day(11, 24, 9, 0), none, true)

		// A regular who stopped coming in March: every 7 days, then nothing.
		for _, d := range []int{2, 9, 16} {
			f.note(ids.f, jimin, day(3, d, 10, 0), none, "커트")
		}
		// The at-risk boundary: 3 visits 4 days apart, so at risk after 8 days away.
		// G's last visit is exactly 8 days before the week's end, when the
		// past week judges them (AtRiskAt), so not at risk; H's a second more.
		for _, v := range []time.Time{day(11, 14, 0, 0), day(11, 18, 0, 0), day(11, 22, 0, 0)} {
			f.check(f.tx.RecordVisit(ids.g, v))
			f.check(f.tx.RecordVisit(ids.h, v.Add(-time.Second)))
		}

		f.note(ids.a, jimin, day(9, 27, 23, 59), none, "커트") // 2026-W39: before the window
		f.note(ids.a, jimin, day(9, 28, 0, 0), none, "커트")   // the window's first instant
		f.feedback(ids.a, day(10, 1, 10, 0), 5, 10, "친절해요")
		f.note(ids.d, sehoon, day(10, 6, 14, 0), none, "염색")

		// 2026-W47
		f.note(ids.b, jimin, day(11, 18, 11, 0), none, "펌")
		f.points(ids.b, ledger.PointsEarn, 100, day(11, 18, 11, 5))
		f.feedback(ids.b, day(11, 18, 12, 0), 4, ledger.NoNPS, "")
		f.points(ids.b, ledger.PointsRedeem, -50, day(11, 19, 15, 0))
		f.note(ids.a, sehoon, day(11, 22, 23, 30), none, "커트") // Sunday night in Seoul

		// 2026-W48
		f.note(ids.a, jimin, day(11, 23, 10, 0), none, "커트", "#염색")
		f.points(ids.a, ledger.PointsEarn, 300, day(11, 23, 10, 5))
		f.feedback(ids.a, day(11, 23, 11, 0), 5, 10, "직원분이 정말 친절해요")
		f.note(ids.a, jimin, day(11, 23, 15, 0), day(12, 1, 0, 0), "커트") // follow-up next week
		f.note(ids.b, sehoon, day(11, 24, 11, 0), day(11, 26, 0, 0), "펌")
		f.feedback(ids.b, day(11, 24, 12, 0), 4, 9, "머리가 예뻐요. 서비스는 친절했어요")
		noteC := f.note(ids.c, jimin, day(11, 25, 13, 0), day(11, 27, 0, 0), "커트")
		f.check(f.tx.SetFollowUpDone(noteC))
		f.feedback(ids.c, day(11, 25, 14, 0), 2, 3, "대기 시간이 너무 길어요")
		f.points(ids.a, ledger.PointsAdjust, 10, day(11, 25, 15, 0))
		f.note(ids.d, sehoon, day(11, 26, 16, 0), day(11, 28, 0, 0), "염색")
		ids.lowD = f.feedback(ids.d, day(11, 26, 17, 0), 1, 0, "직원이 불친절했어요")
		f.check(f.tx.AnswerFeedback(ids.lowD, sehoon.id, day(11, 27, 10, 0)))
		f.feedback("", day(11, 28, 10, 0), 3, 7, "")
		f.points(ids.e, ledger.PointsEarn, 500, day(11, 28, 18, 0))
		f.points(ids.a, ledger.PointsRedeem, -200, day(11, 29, 12, 0))

		// 2026-W49: after the week
		f.note(ids.c, jimin, day(11, 30, 0, 0), none, "커트")
	})
	write(t, s, func(f fixture) { f.check(f.tx.EraseCustomer(ids.d, day(11, 29, 20, 0))) })
	return ids
}

func TestWeeklyCrafted(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	ids := craft(t, s)
	sum, err := Weekly(ctx, s, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}

	figures := []struct {
		name      string
		got, want Figures
	}{
		{"This", sum.This, Figures{
			Notes: 5, NewCustomers: 1, Returning: 4, Visits: 5,
			PointsEarned: 800, PointsRedeemed: 200, PointsGiven: 10, Redeemers: 1,
			Feedback: 5, Ratings: 5, RatingSum: 15, Satisfied: 2,
			NPSAnswers: 5, Promoters: 2, Detractors: 2, LowRatings: 2, LowUnanswered: 1,
		}},
		{"Prev", sum.Prev(), Figures{
			Notes: 2, NewCustomers: 1, Returning: 1, Visits: 2,
			PointsEarned: 100, PointsRedeemed: 50, Redeemers: 1,
			Feedback: 1, Ratings: 1, RatingSum: 4, Satisfied: 1,
		}},
		{"W41", sum.Past[1], Figures{Notes: 1, NewCustomers: 1, Visits: 1}},
		{"W40", sum.Past[0], Figures{
			Notes: 1, Returning: 1, Visits: 1,
			Feedback: 1, Ratings: 1, RatingSum: 5, Satisfied: 1, NPSAnswers: 1, Promoters: 1,
		}},
		{"W42", sum.Past[2], Figures{}},
		{"Total", sum.Total(), Figures{
			Notes: 4, NewCustomers: 2, Returning: 2, Visits: 4,
			PointsEarned: 100, PointsRedeemed: 50, Redeemers: 1,
			Feedback: 2, Ratings: 2, RatingSum: 9, Satisfied: 2, NPSAnswers: 1, Promoters: 1,
		}},
	}
	for _, tt := range figures {
		t.Run("Figures"+tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %+v\nwant %+v", tt.got, tt.want)
			}
		})
	}

	t.Run("Rates", func(t *testing.T) {
		avg, ok := sum.This.AvgRating()
		csat, _ := sum.This.CSAT()
		nps, npsOK := sum.This.NPS()
		if !ok || avg != 3 || csat != 40 || !npsOK || nps != 0 {
			t.Errorf("avg %v %v, CSAT %v, NPS %v %v; want 3, 40, 0", avg, ok, csat, nps, npsOK)
		}
		if _, ok := sum.Total().NPS(); ok {
			t.Error("NPS of one answer is shown")
		}
		if avg, _ := sum.Total().AvgRating(); avg != 4.5 {
			t.Errorf("8-week average rating %v, want 4.5", avg)
		}
	})

	t.Run("Staff", func(t *testing.T) {
		want := []StaffCount{{jimin.id, jimin.name, 3}, {sehoon.id, sehoon.name, 2}}
		if !slices.Equal(sum.Staff, want) {
			t.Errorf("Staff = %v, want %v", sum.Staff, want)
		}
	})

	t.Run("Days", func(t *testing.T) {
		visits := [7]int{1, 1, 1, 1, 0, 1, 0}
		ratings := [7]int{1, 1, 1, 1, 0, 1, 0}
		for i, d := range sum.Days {
			if want := day(11, 23+i, 0, 0); !d.Date.Equal(want) {
				t.Errorf("Days[%d].Date = %v, want %v", i, d.Date, want)
			}
			if d.Visits != visits[i] || d.Ratings != ratings[i] {
				t.Errorf("Days[%d] = %+v, want %d visits, %d ratings", i, d, visits[i], ratings[i])
			}
		}
		if avg, _ := sum.Days[3].AvgRating(); avg != 1 {
			t.Errorf("Thursday's average rating %v, want 1", avg)
		}
		if _, ok := sum.Days[6].AvgRating(); ok {
			t.Error("Sunday without ratings has an average")
		}
	})

	t.Run("Topics", func(t *testing.T) {
		tags := []Topic{{"커트", 3}, {"염색", 2}, {"펌", 1}}
		if !slices.Equal(sum.Tags, tags) {
			t.Errorf("Tags = %v, want %v", sum.Tags, tags)
		}
		// D's comment went with the erasure.
		words := []Topic{{"친절", 2}, {"길다", 1}, {"대기", 1}, {"머리", 1}, {"서비스", 1}}
		if !slices.Equal(sum.Words, words) {
			t.Errorf("Words = %v, want %v", sum.Words, words)
		}
	})

	t.Run("LowRatings", func(t *testing.T) {
		if len(sum.LowRatings) != 2 {
			t.Fatalf("LowRatings = %+v", sum.LowRatings)
		}
		first, second := sum.LowRatings[0], sum.LowRatings[1]
		if first.Customer != (CustomerRef{ID: ids.c, Name: "박서준"}) || first.Rating != 2 || first.Answered() || first.Comment != "대기 시간이 너무 길어요" {
			t.Errorf("first low rating (unanswered) = %+v", first)
		}
		if second.Customer != (CustomerRef{ID: ids.d, Erased: true}) || second.Rating != 1 || !second.Answered() ||
			second.AnsweredBy != sehoon.id || second.FeedbackID != ids.lowD || second.Comment != "" {
			t.Errorf("second low rating (answered, erased) = %+v", second)
		}
	})

	t.Run("FollowUps", func(t *testing.T) {
		// D's follow-up (11/28) went with the erasure: nobody to call
		// back, neither listed nor counted, as /followups has it.
		if sum.FollowUpCount != 1 || len(sum.FollowUps) != 1 {
			t.Fatalf("FollowUps = %d %+v", sum.FollowUpCount, sum.FollowUps)
		}
		b := sum.FollowUps[0]
		if b.Customer.Name != "이수진" || !b.Due.Equal(day(11, 26, 0, 0)) || b.StaffName != sehoon.name {
			t.Errorf("follow-up = %+v", b)
		}
	})

	t.Run("Birthdays", func(t *testing.T) {
		want := []Birthday{{Customer: CustomerRef{ID: ids.e, Name: "정하늘"}, Date: day(11, 27, 0, 0)}}
		if sum.BirthdayCount != 1 || len(sum.Birthdays) != 1 || sum.Birthdays[0].Customer != want[0].Customer || !sum.Birthdays[0].Date.Equal(want[0].Date) {
			t.Errorf("Birthdays = %d %+v, want %+v", sum.BirthdayCount, sum.Birthdays, want)
		}
	})

	t.Run("AtRisk", func(t *testing.T) {
		if sum.AtRiskCount != 2 || len(sum.AtRisk) != 2 {
			t.Fatalf("AtRisk = %d %+v", sum.AtRiskCount, sum.AtRisk)
		}
		f, h := sum.AtRisk[0], sum.AtRisk[1]
		if f.Customer.Name != "강다은" || f.Visits != 3 || f.Interval != 7*24*time.Hour {
			t.Errorf("first at risk = %+v", f)
		}
		if h.Customer.Name != "임도윤" || h.Interval != 4*24*time.Hour || h.Away != 8*24*time.Hour+time.Second {
			t.Errorf("second at risk = %+v", h)
		}
	})

	t.Run("Limit", func(t *testing.T) {
		sum, err := Weekly(ctx, s, w48, Options{Loc: kst, Now: now48, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.LowRatings) != 1 || sum.LowRatings[0].Customer.ID != ids.c || len(sum.FollowUps) != 1 || len(sum.AtRisk) != 1 ||
			sum.This.LowRatings != 2 || sum.FollowUpCount != 1 || sum.AtRiskCount != 2 {
			t.Errorf("Limit 1: %d low, %d follow-ups, %d at risk", len(sum.LowRatings), len(sum.FollowUps), len(sum.AtRisk))
		}
		_, sections := sum.Render(catalog(t), "ko", ForStaff)
		if !slices.Contains(sections[1].Lines, "· 그 밖에 1") {
			t.Errorf("no \"more\" line in %q", sections[1].Lines)
		}
	})
}

func TestWeeklyCases(t *testing.T) {
	ctx := context.Background()
	none := time.Time{}
	tests := []struct {
		name  string
		week  Week
		setup func(f fixture)
		check func(t *testing.T, s *Summary, text string)
	}{
		{
			name:  "EmptyWeek",
			week:  w48,
			setup: func(f fixture) {},
			check: func(t *testing.T, s *Summary, text string) {
				if s.This != (Figures{}) || s.Total() != (Figures{}) || len(s.Staff)+len(s.Tags)+len(s.Words) != 0 {
					t.Errorf("empty week has figures: %+v", s)
				}
				for _, f := range []func() (float64, bool){s.This.AvgRating, s.This.CSAT, s.This.NPS, s.Total().AvgRating} {
					if v, ok := f(); ok || v != 0 {
						t.Errorf("rate of nothing = %v, %v", v, ok)
					}
				}
				// Posted the Monday after: "이 주", not "이번 주".
				if !strings.Contains(text, "이 주에는 받은 피드백이 없어요. (전주 0건") {
					t.Errorf("no \"no feedback\" line:\n%s", text)
				}
				golden(t, "empty.ko.golden", []byte(text))
			},
		},
		{
			// One customer rated 5, 2, 4 and 3 within a minute: all four
			// were averaged (3.5, with a low rating listed). The latest
			// within ReplaceWindow counts; one hours later, another
			// customer's and the week before's are apart.
			name: "LaterRatingReplaces",
			week: w48,
			setup: func(f fixture) {
				c := f.customer("김민지", day(1, 1, 0, 0), none, true)
				d := f.customer("이수민", day(1, 1, 0, 0), none, true)
				for i, r := range []int{5, 2, 4, 3} {
					f.feedback(c, day(11, 24, 15, 0).Add(time.Duration(i)*15*time.Second), r, ledger.NoNPS, "")
				}
				f.feedback(c, day(11, 24, 18, 0), 1, 0, "늦었어요")
				f.feedback(d, day(11, 24, 15, 0), 5, 10, "")
				f.feedback(c, day(11, 17, 10, 0), 1, ledger.NoNPS, "")
				f.feedback(c, day(11, 17, 10, 40), 5, ledger.NoNPS, "")
			},
			check: func(t *testing.T, s *Summary, text string) {
				if got := s.This; got.Feedback != 3 || got.Ratings != 3 || got.RatingSum != 9 || got.LowRatings != 1 || got.Satisfied != 1 || got.NPSAnswers != 2 {
					t.Errorf("This = %+v, want 3 ratings (3, 1, 5) and one low", got)
				}
				if len(s.LowRatings) != 1 || s.LowRatings[0].Rating != 1 {
					t.Errorf("LowRatings = %+v, want the 18:00 one alone", s.LowRatings)
				}
				if got := s.Days[1]; got.Ratings != 3 || got.RatingSum != 9 {
					t.Errorf("Tuesday = %+v, want 3, 1 and 5", got)
				}
				if got := s.Prev(); got.Ratings != 1 || got.RatingSum != 5 || got.LowRatings != 0 {
					t.Errorf("Prev = %+v, want the later 5 alone", got)
				}
			},
		},
		{
			// A tag is counted in any case and named as the week's latest
			// note spelt it: "vip" of an older dangol, then "VIP".
			name: "TagSpelling",
			week: w48,
			setup: func(f fixture) {
				c := f.customer("김민지", day(1, 1, 0, 0), none, true)
				f.note(c, jimin, day(11, 23, 10, 0), none, "vip", "Perm")
				f.note(c, jimin, day(11, 24, 10, 0), none, "VIP")
				f.note(c, sehoon, day(11, 25, 10, 0), none, "Vip", "perm")
				f.note(c, sehoon, day(11, 26, 10, 0), none, "VIP")
			},
			check: func(t *testing.T, s *Summary, text string) {
				if want := []Topic{{"VIP", 4}, {"perm", 2}}; !slices.Equal(s.Tags, want) {
					t.Errorf("Tags = %v, want %v", s.Tags, want)
				}
				if !strings.Contains(text, "상담 태그: VIP 4 · perm 2") {
					t.Errorf("no tags line with VIP:\n%s", text)
				}
			},
		},
		{
			name: "OneFeedbackNoNPS",
			week: w48,
			setup: func(f fixture) {
				c := f.customer("김민지", day(1, 1, 0, 0), none, true)
				f.feedback(c, day(11, 25, 12, 0), 5, 9, "")
			},
			check: func(t *testing.T, s *Summary, text string) {
				if _, ok := s.This.NPS(); ok || s.This.NPSAnswers != 1 {
					t.Errorf("NPS of one answer shown: %+v", s.This)
				}
				if !strings.Contains(text, "NPS: 응답이 부족해요 (1명, 5명부터 표시)") {
					t.Errorf("no \"not enough answers\" line:\n%s", text)
				}
			},
		},
		{
			name: "FourNPSAnswersHidden",
			week: w48,
			setup: func(f fixture) {
				for i := range 4 {
					f.feedback("", day(11, 23+i, 12, 0), 5, 10, "")
				}
			},
			check: func(t *testing.T, s *Summary, text string) {
				if !strings.Contains(text, "NPS: 응답이 부족해요 (4명") {
					t.Errorf("NPS of 4 answers shown:\n%s", text)
				}
			},
		},
		{
			name: "FiveNPSAnswersShown",
			week: w48,
			setup: func(f fixture) {
				for i, nps := range []int{10, 9, 8, 6, 10} {
					f.feedback("", day(11, 23+i, 12, 0), 5, nps, "")
				}
			},
			check: func(t *testing.T, s *Summary, text string) {
				if nps, ok := s.This.NPS(); !ok || nps != 40 {
					t.Errorf("NPS = %v, %v; want 40", nps, ok)
				}
				if !strings.Contains(text, "NPS +40 (전주 –, 8주 평균 –) · 응답 5명") {
					t.Errorf("NPS of 5 answers not shown:\n%s", text)
				}
			},
		},
		{
			name: "YearBoundary",
			week: Week{2026, 53},
			setup: func(f fixture) {
				y := f.customer("이유리", day(5, 1, 10, 0), time.Date(1999, 12, 30, 0, 0, 0, 0, kst), true)
				f.customer("한겨울", day(5, 2, 10, 0), time.Date(1995, 1, 4, 0, 0, 0, 0, kst), true)
				f.note(y, jimin, day(12, 27, 23, 59), none, "커트") // 2026-W52
				x := f.customer("송하윤", day(12, 30, 10, 0), time.Date(2000, 1, 2, 0, 0, 0, 0, kst), true)
				f.note(x, jimin, day(12, 31, 23, 0), none, "펌")
				f.note(x, sehoon, time.Date(2027, 1, 1, 1, 0, 0, 0, kst), none, "펌")
				f.feedback(x, time.Date(2027, 1, 2, 15, 0, 0, 0, kst), 4, 8, "")
				f.note(y, sehoon, time.Date(2027, 1, 3, 22, 0, 0, 0, kst), none, "염색")
				f.note(y, sehoon, time.Date(2027, 1, 4, 0, 0, 0, 0, kst), none, "염색") // 2027-W01
			},
			check: func(t *testing.T, s *Summary, text string) {
				want := Figures{Notes: 3, NewCustomers: 1, Returning: 1, Visits: 3, Feedback: 1, Ratings: 1, RatingSum: 4, Satisfied: 1, NPSAnswers: 1}
				if s.This != want {
					t.Errorf("This = %+v\nwant %+v", s.This, want)
				}
				if s.Prev().Notes != 1 {
					t.Errorf("Prev = %+v", s.Prev())
				}
				if got := [7]int{s.Days[0].Visits, s.Days[1].Visits, s.Days[2].Visits, s.Days[3].Visits, s.Days[4].Visits, s.Days[5].Visits, s.Days[6].Visits}; got != [7]int{0, 0, 0, 1, 1, 0, 1} {
					t.Errorf("visits per day = %v", got)
				}
				if s.BirthdayCount != 2 || s.Birthdays[0].Customer.Name != "이유리" || !s.Birthdays[0].Date.Equal(day(12, 30, 0, 0)) ||
					s.Birthdays[1].Customer.Name != "송하윤" || !s.Birthdays[1].Date.Equal(time.Date(2027, 1, 2, 0, 0, 0, 0, kst)) {
					t.Errorf("Birthdays = %d %+v", s.BirthdayCount, s.Birthdays)
				}
				if !strings.HasPrefix(text, "2026-W53 주간 요약 (12/28–1/3)\n") {
					t.Errorf("headline of:\n%s", text)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t)
			write(t, s, tt.setup)
			sum, err := Weekly(ctx, s, tt.week, Options{Loc: kst, Now: tt.week.End(kst)})
			if err != nil {
				t.Fatal(err)
			}
			text := sum.Text(catalog(t), "ko", ForStaff)
			for _, bad := range []string{"NaN", "Inf", "summary."} {
				if strings.Contains(text, bad) {
					t.Errorf("rendered text contains %q:\n%s", bad, text)
				}
			}
			tt.check(t, sum, text)
		})
	}
}

func TestWeeklyInvalidWeek(t *testing.T) {
	s := mustOpen(t)
	for _, w := range []Week{{2027, 53}, {2026, 0}, {0, 1}} {
		if _, err := Weekly(context.Background(), s, w, Options{Loc: kst}); err == nil {
			t.Errorf("Weekly(%v) accepted a week that does not exist", w)
		}
	}
}

func TestWeeklyCancelled(t *testing.T) {
	s := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Weekly(ctx, s, w48, Options{Loc: kst}); err == nil {
		t.Error("Weekly ran with a cancelled context")
	}
}

func TestAtRiskRule(t *testing.T) {
	first := day(11, 1, 9, 0)
	day4 := 4 * 24 * time.Hour
	tests := []struct {
		name   string
		visits int
		first  time.Time
		last   time.Time
		now    time.Time
		want   bool
	}{
		{"TwoVisitsNever", 2, first, first.Add(day4), first.Add(100 * day4), false},
		{"ExactlyTwiceTheInterval", 3, first, first.Add(2 * day4), first.Add(4 * day4), false},
		{"JustOverTwice", 3, first, first.Add(2 * day4), first.Add(4*day4 + time.Nanosecond), true},
		{"ManyVisits", 11, first, first.Add(10 * day4), first.Add(12*day4 + time.Second), true},
		{"ManyVisitsRecent", 11, first, first.Add(10 * day4), first.Add(12 * day4), false},
		{"SameDayVisits", 3, first, first, first.Add(time.Hour), false},
		{"NowBeforeLast", 3, first, first.Add(2 * day4), first, false},
		{"DecadesAway", 1000, first.AddDate(-200, 0, 0), first, first.AddDate(80, 0, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ledger.VisitStats{CustomerID: "C1", Visits: tt.visits, First: tt.first, Last: tt.last}
			if got := atRisk(v, tt.now); got != tt.want {
				t.Errorf("atRisk = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFollowUps(t *testing.T) {
	s := mustOpen(t)
	ids := craft(t, s)
	tests := []struct {
		staff string
		want  []string // customer ids, in due order
	}{
		{"", []string{ids.b, ids.d}},
		{sehoon.id, []string{ids.b, ids.d}},
		{jimin.id, nil},
	}
	for _, tt := range tests {
		t.Run("staff="+tt.staff, func(t *testing.T) {
			notes, err := FollowUps(context.Background(), s, tt.staff, w48.Start(kst), w48.End(kst))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range notes {
				got = append(got, n.CustomerID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("FollowUps = %v, want %v", got, tt.want)
			}
		})
	}
	// Jimin's follow-up of next week shows up in next week's range.
	notes, err := FollowUps(context.Background(), s, jimin.id, w48.End(kst), w48.Add(1).End(kst))
	if err != nil || len(notes) != 1 || notes[0].CustomerID != ids.a {
		t.Errorf("next week's follow-ups = %+v, %v", notes, err)
	}
}

// TestCustNumber: the summary keys customers by number; ids of another
// form get numbers of their own, never one of a C<n> id.
func TestCustNumber(t *testing.T) {
	tests := []struct {
		id   string
		n    uint64
		isOK bool
	}{
		{"C1", 1, true},
		{"C123", 123, true},
		{"C9223372036854775807", 1<<63 - 1, true},
		{"C9223372036854775808", 0, false},
		{"C99999999999999999999", 0, false},
		{"C0", 0, false},
		{"C01", 0, false},
		{"c1", 0, false},
		{"C", 0, false},
		{"C1a", 0, false},
		{"telegram:1", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		if n, ok := custNumber(tt.id); n != tt.n || ok != tt.isOK {
			t.Errorf("custNumber(%q) = %d, %v; want %d, %v", tt.id, n, ok, tt.n, tt.isOK)
		}
	}
	b := newBuilder(context.Background(), &Summary{Week: Week{2026, 10}, Loc: kst}, 1)
	keys := map[uint64]string{}
	for _, id := range []string{"C1", "C2", "x", "C01", "y", "x"} {
		k := b.custKey(id)
		if other, seen := keys[k]; seen && other != id {
			t.Errorf("%q and %q share the key %d", id, other, k)
		}
		keys[k] = id
	}
	if len(keys) != 5 {
		t.Errorf("%d keys for 5 ids: %v", len(keys), keys)
	}
}
