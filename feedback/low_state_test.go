package feedback

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestLowRatingStates: a low rating reads 미해결 while nobody took it on,
// 연락 예정 once someone said they would contact the customer and the
// complaint is still open, 해결 once it is closed, and 확인함 for an
// anonymous one someone saw (nobody can be contacted); one resolved and
// then reopened by the customer reads 다시 문의 and counts as 미해결.
func TestLowRatingStates(t *testing.T) {
	s := mustOpen(t)
	var closed, anon string
	write(t, s, func(f fixture) {
		c := f.customer("김민지", day(11, 1, 10, 0), time.Time{}, true)
		complaint := func(rating int, comment string, at time.Time) (string, int64) {
			id := f.feedback(c, at, rating, ledger.NoNPS, comment)
			th := ledger.Thread{Kind: ledger.ThreadComplaint, CustomerID: c, OpenedAt: at, FeedbackID: id, Rating: rating}
			f.check(f.tx.OpenThread(&th, comment))
			return id, th.Number
		}
		complaint(1, "열림", day(11, 23, 10, 0))
		_, n := complaint(2, "약속", day(11, 24, 10, 0))
		_, err := f.tx.ClaimThread(n, jimin.id, day(11, 24, 11, 0))
		f.check(err)
		closed, n = complaint(1, "닫힘", day(11, 25, 10, 0))
		_, err = f.tx.CloseThread(n, jimin.id, "", day(11, 25, 12, 0))
		f.check(err)
		f.check(f.tx.AnswerFeedback(closed, jimin.id, day(11, 25, 12, 0))) // as closing does (dialog)
		var again string
		again, n = complaint(1, "또", day(11, 25, 14, 0))
		_, err = f.tx.CloseThread(n, jimin.id, "", day(11, 25, 15, 0))
		f.check(err)
		f.check(f.tx.AnswerFeedback(again, jimin.id, day(11, 25, 15, 0)))
		_, err = f.tx.ReopenThread(n, day(11, 25, 16, 0)) // the customer wrote again
		f.check(err)
		anon = f.feedback("", day(11, 26, 10, 0), 2, ledger.NoNPS, "익명")
		f.check(f.tx.AnswerFeedback(anon, jimin.id, day(11, 26, 11, 0)))
	})
	sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}
	text := sum.Text(catalog(t), "ko", ForStaff)
	// 미해결 counts the open one, the promised one (nobody answered yet)
	// and the reopened one: what /inbox still lists as waiting.
	for _, want := range []string{"낮은 평가(1–2점) 5건 · 미해결 3건", "“열림” — 미해결", "“약속” — 연락 예정", "“닫힘” — 해결", "“또” — 해결 후 다시 문의", "“익명” — 확인함"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}

// TestWeekWordsOfNow: the week now is in reads 이번 주 and compares with
// 지난주; a past one, as the Monday post reads, 이 주 and 전주.
func TestWeekWordsOfNow(t *testing.T) {
	s := mustOpen(t)
	for _, tt := range []struct {
		now       time.Time
		want, not []string
	}{
		{day(11, 26, 15, 0), []string{"이번 주 후속 연락", "이번 주 생일", "(지난주 0"}, []string{"이 주", "전주"}},
		{now48, []string{"이 주 후속 연락", "이 주 생일", "(전주 0"}, []string{"이번 주", "지난주"}},
	} {
		sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst, Now: tt.now})
		if err != nil {
			t.Fatal(err)
		}
		text := sum.Text(catalog(t), "ko", ForStaff)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("at %v, summary lacks %q:\n%s", tt.now, w, text)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(text, w) {
				t.Errorf("at %v, summary has %q:\n%s", tt.now, w, text)
			}
		}
	}
}
