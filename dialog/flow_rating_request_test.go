package dialog

import (
	"context"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// ratingWalk runs the rating requests every ten minutes from from to to
// (as the scheduler's check does) and returns when each request went.
func ratingWalk(t *testing.T, h *harness, from, to time.Time) []time.Time {
	t.Helper()
	var asked []time.Time
	for at := from; !at.After(to); at = at.Add(10 * time.Minute) {
		rs, err := h.eng.RatingRequests(context.Background(), at, DefaultFeedbackAfter)
		if err != nil {
			t.Fatalf("RatingRequests(%v): %v", at, err)
		}
		for _, r := range rs {
			if r.To != ToUser || r.Channel != ChannelTelegram || r.UserID != custTG || len(r.Buttons) != 5 {
				t.Fatalf("request = %+v", r)
			}
			if want := h.cat.Text(r.Lang, "care.rating.ask", map[string]any{"Shop": ""}); r.Text != want {
				t.Errorf("request text %q, want %q", r.Text, want)
			}
			asked = append(asked, at)
		}
	}
	return asked
}

// TestRatingRequests walks two days in ten-minute checks after visits
// recorded by a note or a points earn, on the injected clock.
func TestRatingRequests(t *testing.T) {
	day := func(d, hour, min int) time.Time { return time.Date(2026, 5, d, hour, min, 0, 0, seoul) }
	tests := []struct {
		name  string
		visit time.Time
		setup func(t *testing.T, h *harness, f fixture)
		want  []time.Time
	}{
		{"AfternoonVisitAsksThreeHoursLater", day(13, 14, 0), nil, []time.Time{day(13, 17, 0)}},
		// Due at 22:30: not sent the next morning as "오늘 방문" (it was,
		// at 09:00 of the 14th), dropped.
		{"EveningVisitNotAsked", day(13, 19, 30), nil, nil},
		{"LastAskableVisit", day(13, 17, 50), nil, []time.Time{day(13, 20, 50)}},
		{"EarlyVisitWaitsForNine", day(13, 5, 0), nil, []time.Time{day(13, 9, 0)}},
		{"TwoVisitsOneDayAskOnce", day(13, 14, 0), func(t *testing.T, h *harness, f fixture) {
			h.advance(2 * time.Hour)
			h.send(staffMsg("/points add 김민지 10000"))
		}, []time.Time{day(13, 17, 0)}},
		{"RatedThatDayNotAsked", day(13, 14, 0), func(t *testing.T, h *harness, f fixture) {
			h.advance(time.Hour)
			h.send(custMsg("/feedback"))
			h.send(press(custMsg(""), "rate:5"))
			h.send(press(custMsg(""), "skip"))
			h.send(press(custMsg(""), "skip"))
		}, nil},
		{"NoConsentNotAsked", day(13, 14, 0), func(t *testing.T, h *harness, f fixture) {
			h.update(func(tx *ledger.Tx) error {
				p, err := tx.Profile("telegram:" + custTG)
				if err != nil {
					return err
				}
				p.Consent = ledger.Consent{}
				return tx.PutProfile(p)
			})
		}, nil},
		{"UnreachableNotAsked", day(13, 14, 0), func(t *testing.T, h *harness, f fixture) {
			h.update(func(tx *ledger.Tx) error {
				_, err := tx.MarkUnreachable("telegram:"+custTG, h.now())
				return err
			})
		}, nil},
		{"ErasedNotAsked", day(13, 14, 0), func(t *testing.T, h *harness, f fixture) {
			h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(f.minji, h.now()) })
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			f := seed(h)
			h.clock = tt.visit.Add(-time.Minute)
			runSteps(t, h, linkMinji(h))
			h.advance(time.Minute)
			h.send(staffMsg("/note 김민지 펌 상담"))
			if tt.setup != nil {
				tt.setup(t, h, f)
			}
			got := ratingWalk(t, h, tt.visit, tt.visit.Add(48*time.Hour))
			if len(got) != len(tt.want) || (len(got) == 1 && !got[0].Equal(tt.want[0])) {
				t.Errorf("asked at %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("UnlinkedNotAsked", func(t *testing.T) {
		h := mustOpenHarness(t, nil, "ko")
		seed(h)
		h.send(staffMsg("/note 박지훈 010-2222-3333 커트 상담"))
		if got := ratingWalk(t, h, t0, t0.Add(24*time.Hour)); len(got) != 0 {
			t.Errorf("an unlinked customer was asked at %v", got)
		}
	})
}

// TestRatingRequestOnceAcrossRestart: the request is recorded with its
// outbox entry, so the check after a restart does not ask again, and the
// request waits in the outbox until delivered.
func TestRatingRequestOnceAcrossRestart(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.cfg.Outbox = true
	h.reopen()
	seed(h)
	runSteps(t, h, linkMinji(h))
	h.send(staffMsg("/note 김민지 펌 상담"))
	ctx := context.Background()
	at := t0.Add(3 * time.Hour)
	rs, err := h.eng.RatingRequests(ctx, at, DefaultFeedbackAfter)
	if err != nil || len(rs) != 1 || rs[0].OutboxID == "" {
		t.Fatalf("RatingRequests = %+v, %v; want one request in the outbox", rs, err)
	}
	h.reopen()
	unsent, err := h.eng.Unsent(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, o := range unsent {
		found = found || o.Reply.OutboxID == rs[0].OutboxID && o.Reply.UserID == custTG && o.Reply.To == ToUser
	}
	if !found {
		t.Errorf("request not in the outbox after a restart: %+v", unsent)
	}
	if again, err := h.eng.RatingRequests(ctx, at.Add(10*time.Minute), DefaultFeedbackAfter); err != nil || len(again) != 0 {
		t.Errorf("after a restart RatingRequests = %+v, %v; want nothing", again, err)
	}
}

// TestRatingButtons: a star of the request starts the feedback flow with
// that rating; pressed again after rating, it only thanks.
func TestRatingButtons(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			runSteps(t, h, linkMinji(h))
			runSteps(t, h, []step{
				// The request stays as the shop sent it: the NPS question
				// comes after it; the flow's own questions then turn into
				// the next (Reply.InPlace).
				{msg: press(custMsg(""), "rr:2026-05-13:4"), ids: []string{"core.feedback.ask_nps"}, payloads: []string{"nps:10", "skip"}, check: func(t *testing.T, _ *harness, rs []Reply) {
					if len(rs) != 1 || rs[0].InPlace {
						t.Errorf("the NPS question replaces the request: %+v", rs)
					}
				}},
				{msg: press(custMsg(""), "nps:9"), ids: []string{"core.feedback.ask_comment"}, check: func(t *testing.T, _ *harness, rs []Reply) {
					if len(rs) != 1 || !rs[0].InPlace {
						t.Errorf("the comment question is not shown in place of the NPS question: %+v", rs)
					}
				}},
				{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 4 || fs[0].NPS != 9 || fs[0].CustomerID != f.minji {
						t.Errorf("feedback = %+v", fs)
					}
				}},
				{msg: press(custMsg(""), "rr:2026-05-13:1"), ids: []string{"care.rating.already"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if fs := h.allFeedback(); len(fs) != 1 {
						t.Errorf("a second press counted: %+v", fs)
					}
				}},
				{msg: press(custMsg(""), "rr:bad:9"), ids: []string{"core.button.stale"}},
				{msg: press(staffMsg(""), "rr:2026-05-13:4"), ids: []string{"core.button.stale"}},
			})
		})
	}
}

// TestRatingWindow: a request goes from three hours after the visit
// (09:00 at the earliest) until 21:00 of the visit's day; a visit whose
// three hours end at 21:00 or later is not asked about at all.
func TestRatingWindow(t *testing.T) {
	at := func(d, hour, min int) time.Time { return time.Date(2026, 5, d, hour, min, 0, 0, seoul) }
	for _, tt := range []struct {
		visit, from time.Time
		ok          bool
	}{
		{at(13, 14, 0), at(13, 17, 0), true},
		{at(13, 17, 59), at(13, 20, 59), true},
		{at(13, 18, 0), time.Time{}, false},
		{at(13, 19, 0), time.Time{}, false},
		{at(13, 23, 30), time.Time{}, false},
		{at(13, 5, 0), at(13, 9, 0), true},
		{at(13, 0, 30), at(13, 9, 0), true},
	} {
		from, until, ok := ratingWindow(tt.visit, 3*time.Hour, seoul)
		if ok != tt.ok || ok && (!from.Equal(tt.from) || !until.Equal(at(13, 21, 0))) {
			t.Errorf("ratingWindow(%v) = %v, %v, %v; want %v until 21:00, %v", tt.visit, from, until, ok, tt.from, tt.ok)
		}
	}
	// A request not sent by 21:00 (dangol down) is not sent later.
	if ratingAskable(at(13, 14, 0), at(13, 21, 0), 3*time.Hour, seoul) || ratingAskable(at(13, 14, 0), at(14, 9, 0), 3*time.Hour, seoul) {
		t.Error("a request of the 13th is askable at 21:00 or the next morning")
	}
	if !ratingAskable(at(13, 14, 0), at(13, 20, 59), 3*time.Hour, seoul) {
		t.Error("a request of the 13th is not askable at 20:59")
	}
}

// TestRatingRequestJob: the job is a valid Check job of the scheduler,
// off for a zero duration, and the scheduler's clock drives it: moving
// from the visit at 14:00 to 17:00 delivers the request once, and moving
// on that day delivers nothing more.
func TestRatingRequestJob(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	if _, ok := h.eng.RatingRequestJob(0, nil); ok {
		t.Error("RatingRequestJob(0) is on")
	}
	seed(h)
	runSteps(t, h, linkMinji(h))
	h.send(staffMsg("/note 김민지 펌 상담"))
	var got []Reply
	j, ok := h.eng.RatingRequestJob(DefaultFeedbackAfter, func(_ context.Context, r Reply) error { got = append(got, r); return nil })
	if !ok || j.Name != RatingJobName || !j.Check || j.MaxLate >= 10*time.Minute {
		t.Fatalf("job = %+v, %v", j, ok)
	}
	s, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{j}, Loc: seoul, Now: h.now})
	if err != nil {
		t.Fatal(err)
	}
	set := func(at time.Time) { h.mu.Lock(); h.clock = at; h.mu.Unlock() }
	if err := s.Advance(context.Background(), t0.Add(3*time.Hour-time.Minute), set); err != nil || len(got) != 0 {
		t.Fatalf("by 16:59: %v, %+v", err, got)
	}
	if err := s.Advance(context.Background(), t0.Add(3*time.Hour), set); err != nil || len(got) != 1 || got[0].UserID != custTG {
		t.Fatalf("at 17:00: %v, %+v", err, got)
	}
	if err := s.Advance(context.Background(), t0.Add(6*time.Hour), set); err != nil || len(got) != 1 {
		t.Fatalf("by 20:00: %v, %+v", err, got)
	}
}

// TestRatingRequestTyped: a rating typed under the request answers it, as a
// star pressed does ("5" went to the staff as a question before); with
// words it is the whole feedback; a line that only starts with a number,
// or a rating with no request waiting, is still a line for the staff.
func TestRatingRequestTyped(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, linkMinji(h))
	h.send(custMsg("5")) // nothing asked yet
	if fs := h.allFeedback(); len(fs) != 0 {
		t.Fatalf("a rating with no request was taken: %+v", fs)
	}
	h.send(custMsg("/cancel"))
	h.send(staffMsg("/note 김민지 펌 상담"))
	if rs, err := h.eng.RatingRequests(context.Background(), t0.Add(3*time.Hour), DefaultFeedbackAfter); err != nil || len(rs) != 1 {
		t.Fatalf("RatingRequests = %+v, %v", rs, err)
	}
	h.clock = t0.Add(3*time.Hour + time.Minute)
	runSteps(t, h, []step{
		{msg: custMsg("5시에 갈게요"), ids: []string{"threads.ask"}},
		{msg: custMsg("/cancel")},
		{msg: custMsg("★★★★"), ids: []string{"core.feedback.ask_nps"}},
		{msg: press(custMsg(""), "skip")},
		{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.thanks"}},
		{msg: custMsg("4"), ids: []string{"threads.ask"}}, // rated: no request waits
	})
	if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 4 || fs[0].CustomerID != f.minji {
		t.Errorf("feedback %+v, want the typed 4 stars", fs)
	}
	// The next day's visit, answered in one line.
	h.send(custMsg("/cancel"))
	h.clock = t0.Add(24 * time.Hour)
	h.send(staffMsg("/note 김민지 클리닉"))
	if rs, err := h.eng.RatingRequests(context.Background(), h.clock.Add(3*time.Hour), DefaultFeedbackAfter); err != nil || len(rs) != 1 {
		t.Fatalf("RatingRequests = %+v, %v", rs, err)
	}
	h.clock = h.clock.Add(4 * time.Hour)
	runSteps(t, h, []step{{msg: custMsg("5점 너무 좋았어요"), ids: []string{"core.feedback.thanks"}}})
	if fs := h.allFeedback(); len(fs) != 2 || fs[1].Rating != 5 || fs[1].Comment != "너무 좋았어요" {
		t.Errorf("feedback %+v, want 5 stars with the words", fs)
	}
}
