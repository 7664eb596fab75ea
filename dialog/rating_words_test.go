package dialog

import (
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestRatingField: a rating typed with /feedback in Korean words, read by
// the reader of stamp counts (koreanNumeral), and the comment after it.
// A word that is a number only with its counter ("네" a yes, "오" an oh,
// "하나" one thing) or only looks like a star ("별로예요") stays the
// comment's.
func TestRatingField(t *testing.T) {
	for _, tt := range []struct {
		args string
		want int // 0: no rating
		rest string
	}{
		{"사점", 4, ""},
		{"사 점", 4, ""},
		{"오점 최고예요", 5, "최고예요"},
		{"4점 친절했어요", 4, "친절했어요"},
		{"별 네 개 친절했어요", 4, "친절했어요"},
		{"별네개", 4, ""},
		{"네 개", 4, ""},
		{"다섯 개 드려요", 5, "드려요"},
		{"별 다섯", 5, ""},
		{"별점 3개", 3, ""},
		{"별 4개 좋아요", 4, "좋아요"},
		{"다섯 개요", 5, ""},
		{"사점이요", 4, ""},
		{"다섯", 5, ""}, // alone: the rating's place
		{"사", 4, ""},
		{"넷", 4, ""},
		{"별로예요", 0, ""},
		{"별로 안 친절했어요", 0, ""},
		{"사 좋아요", 0, ""},
		{"오 좋아요", 0, ""},  // oh, nice
		{"네 좋았어요", 0, ""}, // yes
		{"네", 0, ""},
		{"하나 아쉬운 건 주차", 0, ""}, // one thing
		{"여섯 개", 0, ""},        // out of range
		{"칠점", 0, ""},
		{"영점", 0, ""},
		{"사장님이 친절해요", 0, ""},
		{"오늘 좋았어요", 0, ""},
	} {
		n, rest, ok := ratingField(tt.args)
		if ok != (tt.want != 0) || ok && (n != tt.want || rest != tt.rest) {
			t.Errorf("ratingField(%q) = %d, %q, %v; want %d, %q", tt.args, n, rest, ok, tt.want, tt.rest)
		}
	}
}

// TestNPSWords: an NPS score typed in words, in the NPS question's place
// (0 to 10), before words are taken as the comment.
func TestNPSWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int // -1: no score
	}{
		{"팔점", 8}, {"십점", 10}, {"십", 10}, {"영점", 0}, {"여덟", 8}, {"아홉 점", 9}, {"열 점", 10}, {"칠", 7},
		{"열", -1}, {"십일점", -1}, {"네", -1}, {"별로예요", -1}, {"좋아요", -1},
	} {
		n, ok := ratingWords(tt.in, true, 0, 10)
		if ok != (tt.want >= 0) || ok && n != tt.want {
			t.Errorf("ratingWords(%q, 0–10) = %d, %v; want %d", tt.in, n, ok, tt.want)
		}
	}
}

// ratingWordsScripts: /feedback 사점 rates, the rating question takes
// "별 다섯 개", the NPS question "팔점", and "별로예요" stays a comment.
var ratingWordsScripts = []script{
	{"RatingWords", func(h *harness, f fixture) []step {
		last := func(rating, nps int, comment string) func(*testing.T, *harness, []Reply) {
			return func(t *testing.T, h *harness, _ []Reply) {
				t.Helper()
				fs := h.allFeedback()
				if len(fs) == 0 {
					t.Fatal("no feedback")
				}
				fb := fs[len(fs)-1]
				if fb.Rating != rating || fb.NPS != nps || fb.Comment != comment {
					t.Errorf("feedback = %+v, want ★%d NPS %d %q", fb, rating, nps, comment)
				}
			}
		}
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 사점"), ids: []string{"core.feedback.ask_nps"}},
			step{msg: custMsg("팔점"), ids: []string{"core.feedback.ask_comment"}},
			step{msg: custMsg("별로예요"), ids: []string{"core.feedback.thanks"}, check: last(4, 8, "별로예요")},
			step{advance: 2 * time.Hour, msg: custMsg("/feedback"), ids: []string{"core.feedback.ask_rating"}},
			step{msg: custMsg("별 다섯 개"), ids: []string{"core.feedback.ask_nps"}},
			step{msg: custMsg("여덟"), ids: []string{"core.feedback.ask_comment"}},
			step{msg: press(custMsg(""), "skip"), check: last(5, 8, "")},
			step{advance: 2 * time.Hour, msg: custMsg("/feedback 별 네 개 친절했어요"), ids: []string{"core.feedback.thanks"}, check: last(4, ledger.NoNPS, "친절했어요")},
			step{advance: 2 * time.Hour, msg: custMsg("/feedback 별로예요"), ids: []string{"core.feedback.ask_rating"}},
			step{msg: custMsg("네"), ids: []string{"core.feedback.bad_rating"}}, // a yes, not 4
			step{msg: custMsg("다섯 개요"), ids: []string{"core.feedback.thanks"}, check: last(5, ledger.NoNPS, "별로예요")},
		)
	}},
}

func TestRatingWordsScripts(t *testing.T) { runScripts(t, ratingWordsScripts) }

// TestBirthdayWords: a birthday said in Sino-Korean numbers ("삼월
// 십오일", as it was refused) is the day its figures are, with 유월 and
// 시월; one not on the calendar says which day, as its figures would;
// words that are no number stay refused.
func TestBirthdayWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // "" refused
	}{
		{"삼월 십오일", "0000-03-15"},
		{"삼월십오일", "0000-03-15"},
		{"시월 이십구일", "0000-10-29"},
		{"유월 일일", "0000-06-01"},
		{"십일월 십일일", "0000-11-11"},
		{"십이월 삼십일일", "0000-12-31"},
		{"일월 이십일", "0000-01-20"},
		{"삼월 15일", "0000-03-15"},
		{"3월 십오일", "0000-03-15"},
		{"1990년 삼월 십오일", "1990-03-15"},
		{"이월 삼십일", ""},
		{"사월", ""},
		{"오월쯤", ""},
		{"삼", ""},
	} {
		b, ok := parseBirthday(tt.in)
		got := ""
		if ok {
			got = b.Format("2006-01-02")
		}
		if got != tt.want {
			t.Errorf("parseBirthday(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in         string
		month, day int
	}{{"이월 삼십일", 2, 30}, {"십삼월 일일", 13, 1}} {
		if _, m, d, ok := birthdayNumbers(tt.in); !ok || m != tt.month || d != tt.day {
			t.Errorf("birthdayNumbers(%q) = %d, %d, %v; want %d, %d", tt.in, m, d, ok, tt.month, tt.day)
		}
	}
}

// birthdayWordsScripts: "생일 삼월 십오일" from a linked customer is
// their birthday, where it was taken for a question for the shop; staff
// set one in words too.
var birthdayWordsScripts = []script{
	{"BirthdayWords", func(h *harness, f fixture) []step {
		born := func(m time.Month, d int) func(*testing.T, *harness, []Reply) {
			return func(t *testing.T, h *harness, _ []Reply) {
				t.Helper()
				if b := h.cust(f.minji).Birthday; b.Month() != m || b.Day() != d {
					t.Errorf("birthday = %v, want %v %d", b, m, d)
				}
			}
		}
		return append(linkMinji(h),
			step{msg: custMsg("생일 삼월 십오일"), not: []string{h.text("threads.ask", nil)}, check: born(time.March, 15)},
			step{msg: custMsg("/birthday 시월 이십구일"), check: born(time.October, 29)},
			step{msg: staffMsg("/customer 김민지 생일 유월 일일"), check: born(time.June, 1)},
		)
	}},
}

func TestBirthdayWordsScripts(t *testing.T) { runScripts(t, birthdayWordsScripts) }
