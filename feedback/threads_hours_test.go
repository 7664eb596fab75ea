package feedback

import (
	"context"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// openingMinutes counts opening time minute by minute: 10:00–20:00 in
// Seoul, Sundays closed. Slow and plain on purpose, so the figures below
// do not lean on the engine's own Hours.Between.
func openingMinutes(a, b time.Time) time.Duration {
	var d time.Duration
	for t := a.In(kst); t.Before(b); t = t.Add(time.Minute) {
		if t.Weekday() != time.Sunday && t.Hour() >= 10 && t.Hour() < 20 {
			d += time.Minute
		}
	}
	return d
}

// TestThreadFiguresOpeningHours: the week of Monday 2026-05-11, hours
// 10:00–20:00, Sunday closed, reply SLA 2 h, resolve SLA 2 opening days
// (20 h), judged on Sunday 05-17 at 12:00. Every figure is computed by
// hand below, in opening time.
//
// Questions (8), first responses:
//
//	q1 Mon 10:00 → 10:05                   5 min
//	q2 Mon 19:50 → Tue 10:20               10 + 20 = 30 min (14 h 30 on the clock)
//	q3 Tue 21:00 → Wed 10:45               45 min (counting starts at 10:00)
//	q4 Wed 13:00 → 16:00                   3 h: past 2 h
//	q5 Thu 09:00 → 10:10                   10 min
//	q6 Fri 18:00, closed 18:30 unanswered  30 min waited: within the SLA
//	q7 Sat 10:00, unanswered               10 h by Sunday noon: past 2 h
//	q8 Sat 19:30, unanswered               30 min (Sunday closed): within
//
// Answered 5: sorted 5, 10, 30, 45 min, 3 h. Median by nearest rank:
// ceil(0.5 × 5) = 3rd = 30 min; 90th percentile: ceil(0.9 × 5) = 5th = 3 h.
// Reply breaches: q4, q7 = 2.
//
// Complaints (4):
//
//	c1 Mon 12:00, closed Tue 12:00   8 h + 2 h = 10 h
//	c2 Wed 15:00, closed Sat 11:00   5 + 10 + 10 + 1 = 26 h: past 20 h
//	c3 Thu 10:00, open               10 + 10 + 10 = 30 h by now: past 20 h
//	c4 Fri 19:00, open               1 + 10 = 11 h by now
//
// Resolved 2, open 2; median to resolve of 10 h and 26 h: the lower
// middle, 10 h. Resolve breaches: c2, c3 = 2. The slowest open one: c3
// (30 h), ahead of c4 (11 h), q7 (10 h) and q8 (30 min).
func TestThreadFiguresOpeningHours(t *testing.T) {
	s := mustOpen(t)
	at := func(d, hh, mm int) time.Time { return day(time.May, d, hh, mm) }
	var c3 int64
	write(t, s, func(f fixture) {
		open := func(kind ledger.ThreadKind, opened time.Time) int64 {
			th := ledger.Thread{Kind: kind, SenderID: "telegram:1", OpenedAt: opened}
			f.check(f.tx.OpenThread(&th, "글"))
			return th.Number
		}
		answer := func(n int64, when time.Time) {
			_, err := f.tx.AddThreadMessage(&ledger.ThreadMessage{Thread: n, At: when, Out: true, StaffID: "slack:U1", Text: "답"})
			f.check(err)
		}
		closeAt := func(n int64, when time.Time) {
			_, err := f.tx.CloseThread(n, "slack:U1", "", when)
			f.check(err)
		}
		answer(open(ledger.ThreadQuestion, at(10, 12, 0)), at(10, 18, 0)) // Sunday before: another week
		answer(open(ledger.ThreadQuestion, at(11, 10, 0)), at(11, 10, 5))
		answer(open(ledger.ThreadQuestion, at(11, 19, 50)), at(12, 10, 20))
		closeAt(open(ledger.ThreadComplaint, at(11, 12, 0)), at(12, 12, 0))
		answer(open(ledger.ThreadQuestion, at(12, 21, 0)), at(13, 10, 45))
		answer(open(ledger.ThreadQuestion, at(13, 13, 0)), at(13, 16, 0))
		closeAt(open(ledger.ThreadComplaint, at(13, 15, 0)), at(16, 11, 0))
		answer(open(ledger.ThreadQuestion, at(14, 9, 0)), at(14, 10, 10))
		c3 = open(ledger.ThreadComplaint, at(14, 10, 0))
		closeAt(open(ledger.ThreadQuestion, at(15, 18, 0)), at(15, 18, 30))
		open(ledger.ThreadComplaint, at(15, 19, 0))
		open(ledger.ThreadQuestion, at(16, 10, 0))
		open(ledger.ThreadQuestion, at(16, 19, 30))
	})
	w, err := ThreadFigures(context.Background(), s, at(11, 0, 0), at(18, 0, 0), ThreadOptions{
		Opening: openingMinutes, ReplySLA: 2 * time.Hour, ResolveSLA: 20 * time.Hour, Now: at(17, 12, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := ThreadWeek{
		Questions: 8, Answered: 5, FirstMedian: 30 * time.Minute, FirstP90: 3 * time.Hour, ReplyBreaches: 2,
		ComplaintsOpened: 4, ComplaintsResolved: 2, ComplaintsOpen: 2, ResolveMedian: 10 * time.Hour, ResolveBreaches: 2,
		SlowestWait: 30 * time.Hour,
	}
	got := w
	got.Slowest = ledger.Thread{}
	if got != want {
		t.Errorf("figures\n got %+v\nwant %+v", got, want)
	}
	if w.Slowest.Number != c3 || w.Slowest.Kind != ledger.ThreadComplaint {
		t.Errorf("slowest %+v, want complaint #%d", w.Slowest, c3)
	}
}
