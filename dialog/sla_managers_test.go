package dialog

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestSLAManagersOnce: hours 10:00–20:00, Sunday closed, reply SLA 2 h. A
// question at 19:50 on Saturday has 10 minutes counted on Saturday, none
// on Sunday and 1 h 50 on Monday, so it breaches on Monday at 11:50 (the
// issue's "11:40" would need 20 minutes on Saturday: a question at 19:40),
// not one minute before. The managers on the roster are told once each by
// DM with [열기]: the configured one and the one granted in the ledger;
// configured and granted staff are not, nor an id with no platform. What
// was told is kept in the ledger, so a restart tells nobody again. A
// complaint from Friday 15:00 waits 2 opening days (20 h): Friday 5 h,
// Saturday 10 h, Monday 5 h, so it breaches on Monday at 15:00.
func TestSLAManagersOnce(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.cfg.Hours = Hours{Open: 10 * time.Hour, Close: 20 * time.Hour, Closed: []time.Weekday{time.Sunday}}
	h.cfg.SLA = SLA{Reply: 2 * time.Hour, Resolve: 48 * time.Hour}
	h.cfg.Managers = []string{"slack:" + managerID, "UMX"} // the second has no platform
	h.reopen()
	h.update(func(tx *ledger.Tx) error {
		if err := tx.PutStaff(ledger.StaffMember{ID: "slack:UM2", Role: ledger.RoleManager, Name: "점장"}); err != nil {
			return err
		}
		return tx.PutStaff(ledger.StaffMember{ID: "slack:US9", Role: ledger.RoleStaff, Name: "수아"})
	})
	seed(h)
	runSteps(t, h, linkMinji(h))

	// The complaint: a low rating on Friday 2026-05-15 at 15:00.
	h.clock = time.Date(2026, 5, 15, 15, 0, 0, 0, seoul)
	runSteps(t, h, lowRating(custMsg, "1", "불친절했어요"))
	// The question: Saturday 2026-05-16 at 19:50, from another customer.
	h.clock = time.Date(2026, 5, 16, 19, 50, 0, 0, seoul)
	h.send(cust2Msg("월요일 오전에 예약되나요?"))
	h.send(press(cust2Msg(""), questionSend))

	ctx := context.Background()
	mon := func(hh, mm int) time.Time { return time.Date(2026, 5, 18, hh, mm, 0, 0, seoul) }
	check := func(at time.Time, want ...string) []Reply {
		t.Helper()
		got, err := h.eng.SLAPosts(ctx, at)
		if err != nil {
			t.Fatalf("SLAPosts(%v): %v", at, err)
		}
		var to []string
		for _, r := range got {
			if r.To != ToUser || r.Channel != ChannelSlack {
				t.Errorf("SLA post %+v, want a Slack DM", r)
			}
			to = append(to, r.UserID)
		}
		if !slices.Equal(to, want) {
			t.Fatalf("SLAPosts(%v) to %v, want %v", at, to, want)
		}
		return got
	}
	check(time.Date(2026, 5, 16, 21, 50, 0, 0, seoul)) // two clock hours on: closed
	check(time.Date(2026, 5, 17, 19, 50, 0, 0, seoul)) // Sunday
	check(mon(11, 49))
	dms := check(mon(11, 50), managerID, "UM2")
	for _, dm := range dms {
		if want := h.text("threads.sla.reply", map[string]any{"Tag": h.text("threads.tag.question", map[string]any{"N": 2}), "Since": "2026-05-16 19:50"}); dm.Text != want {
			t.Errorf("DM %q, want %q", dm.Text, want)
		}
		if len(dm.Buttons) != 1 || dm.Buttons[0].Payload != "th:open:2" {
			t.Errorf("DM buttons %+v, want [열기] of #2", dm.Buttons)
		}
		if strings.Contains(dm.Text, "김민지") {
			t.Errorf("DM names the customer: %q", dm.Text)
		}
	}
	check(mon(12, 0)) // told once
	h.reopen()
	check(mon(12, 10)) // and kept in the ledger across a restart

	// The complaint: not at 14:59, at 15:00, once.
	check(mon(14, 59))
	dms = check(mon(15, 0), managerID, "UM2")
	if want := h.text("threads.sla.resolve", map[string]any{"Tag": h.text("threads.tag.complaint", map[string]any{"N": 1}), "Since": "2026-05-15 15:00"}); dms[0].Text != want {
		t.Errorf("complaint DM %q, want %q", dms[0].Text, want)
	}
	check(mon(15, 10))

	// [열기] shows the granted manager the thread.
	h.clock = mon(15, 10)
	um2 := managerMsg("")
	um2.UserID, um2.ConversationID = "UM2", "DUM2"
	runSteps(t, h, []step{{msg: press(um2, "th:open:2"), want: []string{"월요일 오전에 예약되나요?"}}})
}

// TestInboxSLAMarks: /inbox says which threads passed their SLA, as the
// SLA check counts it (opening hours): nothing a minute before, "⚠ 응답
// 기준 초과" on a question and "⚠ 해결 기준 초과" on a complaint after.
// Staff see the unclaimed threads and their own, a manager everyone's.
func TestInboxSLAMarks(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.cfg.Hours = Hours{Open: 10 * time.Hour, Close: 20 * time.Hour, Closed: []time.Weekday{time.Sunday}}
			h.reopen()
			seed(h)
			runSteps(t, h, linkMinji(h))
			h.clock = time.Date(2026, 5, 15, 15, 0, 0, 0, seoul) // Friday
			runSteps(t, h, lowRating(custMsg, "1", "불친절했어요"))
			h.clock = time.Date(2026, 5, 16, 19, 50, 0, 0, seoul) // Saturday
			h.send(cust2Msg("예약되나요?"))
			h.send(press(cust2Msg(""), questionSend))
			h.send(press(staff2Msg(""), "th:claim:2")) // 현우 takes the question

			reply, resolve := h.text("threads.inbox.sla.reply", nil), h.text("threads.inbox.sla.resolve", nil)
			line := func(rs []Reply, tag string) string {
				for _, r := range rs {
					for _, s := range r.Sections {
						for _, l := range s.Lines {
							if strings.Contains(l, tag) {
								return l
							}
						}
					}
				}
				return ""
			}
			q, c := h.text("threads.tag.question", map[string]any{"N": 2}), h.text("threads.tag.complaint", map[string]any{"N": 1})
			h.clock = time.Date(2026, 5, 18, 11, 49, 0, 0, seoul)
			rs := h.send(managerMsg("/inbox"))
			if l := line(rs, q); l == "" || strings.Contains(l, reply) {
				t.Errorf("at 11:49 the question's line is %q, want it without %q", l, reply)
			}
			if l := line(rs, c); l == "" || strings.Contains(l, resolve) {
				t.Errorf("at 11:49 the complaint's line is %q, want it without %q", l, resolve)
			}
			h.clock = time.Date(2026, 5, 18, 15, 0, 0, 0, seoul)
			rs = h.send(managerMsg("/inbox"))
			if l := line(rs, q); !strings.HasSuffix(l, " · "+reply) {
				t.Errorf("at 15:00 the question's line is %q, want it marked %q", l, reply)
			}
			if l := line(rs, c); !strings.HasSuffix(l, " · "+resolve) {
				t.Errorf("at 15:00 the complaint's line is %q, want it marked %q", l, resolve)
			}
			// Staff member 지수 sees the unclaimed complaint, not 현우's question.
			rs = h.send(staffMsg("/inbox"))
			if line(rs, c) == "" || line(rs, q) != "" || line(rs, h.text("threads.inbox.others", map[string]any{"Others": 1})) == "" {
				t.Errorf("staff inbox %q, want the complaint only, and that one more is handled by other staff", allText(rs))
			}
			if rs = h.send(staff2Msg("/inbox")); line(rs, c) == "" || line(rs, q) == "" {
				t.Errorf("the claimer's inbox %q, want both", allText(rs))
			}
		})
	}
}

// TestWeekSlowestByName: the summary names the open thread of the week
// that has waited longest, by its customer's name, with its wait in
// opening hours (default 10:00–20:00 every day). On Wednesday 14:00 a
// complaint from Monday 12:00 has waited 8 + 10 + 4 = 22 h, an unlinked
// customer's question from Tuesday 10:00 10 + 4 = 14 h: the complaint,
// 김민지's, is the slowest.
func TestWeekSlowestByName(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			runSteps(t, h, linkMinji(h))
			h.clock = time.Date(2026, 5, 11, 12, 0, 0, 0, seoul) // Monday
			runSteps(t, h, lowRating(custMsg, "1", "불친절했어요"))
			h.clock = time.Date(2026, 5, 12, 10, 0, 0, 0, seoul)
			h.send(cust2Msg("가격표 있나요?"))
			h.send(press(cust2Msg(""), questionSend))
			h.clock = t0 // Wednesday 14:00
			// 22 opening hours are 2.2 opening days of 10 hours, not the
			// "22시간" of a clock: the unit of the 2-day resolve limit.
			want := map[string][]string{
				"ko": {"가장 오래 기다리는 건: [불만 #1] 김민지 · 5/11 접수 · 대기 영업 2.2일",
					"기준 시간 초과 (응답 영업 2시간 · 해결 영업 2일 이내, 영업 1일 = 10시간): 응답 1건 · 해결 1건"},
				"en": {"Waiting longest: [Complaint #1] 김민지 · opened 5/11 · waiting 2.2 opening days",
					"Past the service level (answer within 2 opening h · resolve within 2 opening days; 1 opening day = 10 h): 1 to answer · 1 to resolve"},
			}[lang]
			runSteps(t, h, []step{{msg: managerMsg("/summary"), want: want}})
		})
	}
}

// TestOpeningText: the summary's durations are opening time written in
// opening days of the day's opening hours (10:00–20:00 by default), so a
// complaint waiting 65 opening hours shows 6.5 days, never the 2 days of
// 65 h read as a clock's.
func TestOpeningText(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	for _, c := range []struct {
		d      time.Duration
		ko, en string
	}{
		{65 * time.Hour, "영업 6.5일", "6.5 opening days"},
		{10 * time.Hour, "영업 1일", "1 opening day"},
		{20 * time.Hour, "영업 2일", "2 opening days"},
		{9*time.Hour + 59*time.Minute, "영업 9시간", "9 opening h"},
		{42 * time.Minute, "영업 42분", "42 opening min"},
	} {
		if got := h.eng.openingText("ko", c.d); got != c.ko {
			t.Errorf("ko %v: %q, want %q", c.d, got, c.ko)
		}
		if got := h.eng.openingText("en", c.d); got != c.en {
			t.Errorf("en %v: %q, want %q", c.d, got, c.en)
		}
	}
}
