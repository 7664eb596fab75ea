package dialog

import (
	"context"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

func TestHoursDeadline(t *testing.T) {
	sunday := Hours{Open: 10 * time.Hour, Close: 20 * time.Hour, Closed: []time.Weekday{time.Sunday}}
	sat := func(h, m int) time.Time { return time.Date(2026, 5, 16, h, m, 0, 0, seoul) } // a Saturday
	tests := []struct {
		name  string
		h     Hours
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"WithinTheDay", sunday, sat(11, 0), 2 * time.Hour, sat(13, 0)},
		// 10 minutes on Saturday, Sunday off, 1 h 50 on Monday.
		{"SaturdayEveningToMonday", sunday, sat(19, 50), 2 * time.Hour, time.Date(2026, 5, 18, 11, 50, 0, 0, seoul)},
		{"NightStartsAtOpening", sunday, sat(3, 0), time.Hour, sat(11, 0)},
		{"AfterClosing", sunday, sat(21, 0), time.Hour, time.Date(2026, 5, 18, 11, 0, 0, 0, seoul)},
		{"TwoOpeningDays", sunday, sat(15, 0), 20 * time.Hour, time.Date(2026, 5, 19, 15, 0, 0, 0, seoul)},
		{"ZeroHoursAreDefault", Hours{}, sat(19, 0), 2 * time.Hour, time.Date(2026, 5, 17, 11, 0, 0, 0, seoul)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.h.Deadline(tt.start, tt.d, seoul); !got.Equal(tt.want) {
				t.Errorf("Deadline(%v, %v) = %v, want %v", tt.start, tt.d, got, tt.want)
			}
		})
	}
}

func TestHoursBetween(t *testing.T) {
	h := Hours{Open: 10 * time.Hour, Close: 20 * time.Hour, Closed: []time.Weekday{time.Sunday}}
	sat := func(hh, mm int) time.Time { return time.Date(2026, 5, 16, hh, mm, 0, 0, seoul) }
	mon := func(hh, mm int) time.Time { return time.Date(2026, 5, 18, hh, mm, 0, 0, seoul) }
	tests := []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"WithinTheDay", sat(11, 0), sat(13, 30), 150 * time.Minute},
		{"OverTheWeekend", sat(19, 50), mon(11, 50), 2 * time.Hour},
		{"NightOnly", sat(20, 30), sat(23, 0), 0},
		{"Backwards", mon(12, 0), sat(12, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.Between(tt.a, tt.b, seoul); got != tt.want {
				t.Errorf("Between = %v, want %v", got, tt.want)
			}
			if tt.want > 0 {
				if d := h.Deadline(tt.a, tt.want, seoul); !d.Equal(tt.b) {
					t.Errorf("Deadline(a, Between) = %v, want b %v", d, tt.b)
				}
			}
		})
	}
}

// TestSLAPosts: a question at 19:50 on a Saturday, with Sunday closed and
// the default 2 h reply SLA, breaches on Monday at 11:50 (10 minutes on
// Saturday, 1 h 50 on Monday), not before; each manager gets one DM with
// [열기], once; its button opens the thread.
func TestSLAPosts(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.cfg.Hours = Hours{Closed: []time.Weekday{time.Sunday}}
	h.cfg.Managers = []string{"slack:" + managerID, "slack:UM2"}
	h.reopen()
	h.clock = time.Date(2026, 5, 16, 19, 50, 0, 0, seoul)
	h.send(custMsg("주말에도 예약되나요?"))
	rs := h.send(press(custMsg(""), questionSend))
	if len(repliesTo(rs, ToStaffChannel)) != 1 {
		t.Fatalf("no thread head: %+v", rs)
	}
	ctx := context.Background()
	j := h.eng.SLAJob(func(context.Context, Reply) error { return nil })
	if _, err := NewScheduler(SchedulerConfig{Store: h.store, Jobs: []Job{j}, Loc: seoul}); err != nil || j.Name != SLAJobName || j.MaxLate >= 10*time.Minute {
		t.Fatalf("SLAJob %+v: scheduler %v", j, err)
	}
	for _, at := range []time.Time{
		time.Date(2026, 5, 16, 21, 50, 0, 0, seoul), // two clock hours later: closed
		time.Date(2026, 5, 17, 12, 0, 0, 0, seoul),  // Sunday
		time.Date(2026, 5, 18, 11, 49, 0, 0, seoul), // a minute early
	} {
		if got, err := h.eng.SLAPosts(ctx, at); err != nil || len(got) != 0 {
			t.Fatalf("SLAPosts(%v) = %+v, %v; want nothing yet", at, got, err)
		}
	}
	breach := time.Date(2026, 5, 18, 11, 50, 0, 0, seoul)
	got, err := h.eng.SLAPosts(ctx, breach)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UserID != managerID || got[1].UserID != "UM2" || got[0].To != ToUser {
		t.Fatalf("SLA DMs %+v, want one to each manager", got)
	}
	if len(got[0].Buttons) != 1 || got[0].Buttons[0].Payload != "th:open:1" {
		t.Errorf("DM buttons %+v, want [열기]", got[0].Buttons)
	}
	if again, err := h.eng.SLAPosts(ctx, breach.Add(10*time.Minute)); err != nil || len(again) != 0 {
		t.Errorf("second check = %+v, %v; want nothing (told once)", again, err)
	}
	runSteps(t, h, []step{{msg: press(managerMsg(""), "th:open:1"), want: []string{"주말에도 예약되나요?"}}})

	// Answered in time: no breach.
	h.clock = time.Date(2026, 5, 18, 12, 0, 0, 0, seoul)
	h.send(cust2Msg("질문 하나"))
	h.send(press(cust2Msg(""), questionSend))
	h.send(staffMsg("/reply 2 네"))
	if got, err := h.eng.SLAPosts(ctx, time.Date(2026, 5, 19, 12, 0, 0, 0, seoul)); err != nil || len(got) != 0 {
		t.Errorf("an answered question breached: %+v, %v", got, err)
	}
	// A complaint waits two opening days (20 h): Monday 12:00 → Wednesday 12:00.
	h.update(func(tx *ledger.Tx) error {
		th := ledger.Thread{Kind: ledger.ThreadComplaint, SenderID: "telegram:9", OpenedAt: h.clock}
		return tx.OpenThread(&th, "불만")
	})
	if got, _ := h.eng.SLAPosts(ctx, time.Date(2026, 5, 20, 11, 59, 0, 0, seoul)); len(got) != 0 {
		t.Errorf("complaint breached early: %+v", got)
	}
	if got, _ := h.eng.SLAPosts(ctx, time.Date(2026, 5, 20, 12, 0, 0, 0, seoul)); len(got) != 2 {
		t.Errorf("complaint breach DMs %+v, want two", got)
	}
}
