package feedback

import (
	"context"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestThreadFigures: a fixture week with hand-computed response times.
// First responses 5 min, 14 min, 30 min and 3 h: median (nearest rank, the
// lower middle) 14 min, 90th percentile 3 h; a 2 h reply SLA is passed by
// the 3 h one and by the question still unanswered after 48 h, which is the
// slowest open one. Complaints: one resolved in 24 h, one open 24 h (within
// a 48 h SLA). A question of the week before is not counted, nor a thread
// the shop opened with a follow-up.
func TestThreadFigures(t *testing.T) {
	s := mustOpen(t)
	write(t, s, func(f fixture) {
		open := func(kind ledger.ThreadKind, at time.Time) int64 {
			th := ledger.Thread{Kind: kind, SenderID: "telegram:1", OpenedAt: at}
			f.check(f.tx.OpenThread(&th, "질문"))
			return th.Number
		}
		answer := func(n int64, at time.Time) {
			_, err := f.tx.AddThreadMessage(&ledger.ThreadMessage{Thread: n, At: at, Out: true, StaffID: "slack:U1", Text: "답"})
			f.check(err)
		}
		closeAt := func(n int64, at time.Time) {
			_, err := f.tx.CloseThread(n, "slack:U1", "", at)
			f.check(err)
		}
		answer(open(ledger.ThreadQuestion, day(time.May, 10, 15, 0)), day(time.May, 10, 20, 0)) // the week before
		q1 := open(ledger.ThreadQuestion, day(time.May, 11, 10, 0))
		answer(q1, day(time.May, 11, 10, 14))
		closeAt(q1, day(time.May, 11, 11, 0))
		answer(open(ledger.ThreadQuestion, day(time.May, 12, 11, 0)), day(time.May, 12, 11, 30))
		answer(open(ledger.ThreadQuestion, day(time.May, 13, 12, 0)), day(time.May, 13, 15, 0))
		answer(open(ledger.ThreadQuestion, day(time.May, 14, 9, 0)), day(time.May, 14, 9, 5))
		open(ledger.ThreadQuestion, day(time.May, 15, 10, 0)) // never answered
		closeAt(open(ledger.ThreadComplaint, day(time.May, 11, 12, 0)), day(time.May, 12, 12, 0))
		open(ledger.ThreadComplaint, day(time.May, 16, 10, 0))
		// A follow-up the shop sent (a thread it opened, answered at once):
		// no question received, no response time.
		byShop := ledger.Thread{Kind: ledger.ThreadQuestion, SenderID: "telegram:1", OpenedAt: day(time.May, 13, 14, 0), ByShop: true}
		f.check(f.tx.OpenThread(&byShop, ""))
		answer(byShop.Number, day(time.May, 13, 14, 0))
	})
	w, err := ThreadFigures(context.Background(), s, day(time.May, 11, 0, 0), day(time.May, 18, 0, 0), ThreadOptions{
		ReplySLA: 2 * time.Hour, ResolveSLA: 48 * time.Hour, Now: day(time.May, 17, 10, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := ThreadWeek{
		Questions: 5, Answered: 4, FirstMedian: 14 * time.Minute, FirstP90: 3 * time.Hour, ReplyBreaches: 2,
		ComplaintsOpened: 2, ComplaintsResolved: 1, ComplaintsOpen: 1, ResolveMedian: 24 * time.Hour,
		SlowestWait: 48 * time.Hour,
	}
	got := w
	got.Slowest = ledger.Thread{}
	if got != want {
		t.Errorf("figures\n got %+v\nwant %+v", got, want)
	}
	if w.Slowest.Number != 6 || !w.Slowest.OpenedAt.Equal(day(time.May, 15, 10, 0)) {
		t.Errorf("slowest %+v, want the unanswered question #6", w.Slowest)
	}

	// Opening time only: with a clock that counts nothing, nothing breaches.
	w, err = ThreadFigures(context.Background(), s, day(time.May, 11, 0, 0), day(time.May, 18, 0, 0), ThreadOptions{
		Opening: func(time.Time, time.Time) time.Duration { return 0 }, ReplySLA: time.Hour, ResolveSLA: time.Hour, Now: day(time.May, 17, 10, 0),
	})
	if err != nil || w.ReplyBreaches != 0 || w.ResolveBreaches != 0 || w.FirstP90 != 0 {
		t.Errorf("with no opening time: %+v, %v", w, err)
	}
}
