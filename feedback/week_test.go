package feedback

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York for the daylight saving case, on any machine
)

var kst = time.FixedZone("KST", 9*3600)

func TestWeekOf(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want Week
	}{
		{"Wednesday", time.Date(2026, 11, 25, 12, 0, 0, 0, kst), kst, Week{2026, 48}},
		{"MondayMidnight", time.Date(2026, 11, 23, 0, 0, 0, 0, kst), kst, Week{2026, 48}},
		{"SundayLastSecond", time.Date(2026, 11, 29, 23, 59, 59, 0, kst), kst, Week{2026, 48}},
		{"Dec31InWeek53", time.Date(2026, 12, 31, 12, 0, 0, 0, kst), kst, Week{2026, 53}},
		{"Jan1InWeek53OfLastYear", time.Date(2027, 1, 1, 12, 0, 0, 0, kst), kst, Week{2026, 53}},
		{"Jan4AlwaysWeek1", time.Date(2027, 1, 4, 0, 0, 0, 0, kst), kst, Week{2027, 1}},
		{"Dec29InWeek1OfNextYear", time.Date(2025, 12, 29, 12, 0, 0, 0, kst), kst, Week{2026, 1}},
		// Sunday 20:00 UTC is already Monday 05:00 in Seoul.
		{"ZoneDecides", time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC), kst, Week{2026, 48}},
		{"ZoneDecidesUTC", time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC), nil, Week{2026, 47}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WeekOf(tt.t, tt.loc); got != tt.want {
				t.Errorf("WeekOf(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestWeeksIn(t *testing.T) {
	for year, want := range map[int]int{2015: 53, 2020: 53, 2025: 52, 2026: 53, 2027: 52, 2032: 53} {
		if got := WeeksIn(year); got != want {
			t.Errorf("WeeksIn(%d) = %d, want %d", year, got, want)
		}
	}
}

func TestWeekStartEnd(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		w          Week
		loc        *time.Location
		start, end time.Time
	}{
		{Week{2026, 48}, kst, time.Date(2026, 11, 23, 0, 0, 0, 0, kst), time.Date(2026, 11, 30, 0, 0, 0, 0, kst)},
		{Week{2026, 1}, kst, time.Date(2025, 12, 29, 0, 0, 0, 0, kst), time.Date(2026, 1, 5, 0, 0, 0, 0, kst)},
		{Week{2026, 53}, kst, time.Date(2026, 12, 28, 0, 0, 0, 0, kst), time.Date(2027, 1, 4, 0, 0, 0, 0, kst)},
		{Week{2027, 1}, kst, time.Date(2027, 1, 4, 0, 0, 0, 0, kst), time.Date(2027, 1, 11, 0, 0, 0, 0, kst)},
		// The week daylight saving starts in New York is 167 hours long.
		{Week{2026, 10}, ny, time.Date(2026, 3, 2, 0, 0, 0, 0, ny), time.Date(2026, 3, 9, 0, 0, 0, 0, ny)},
	}
	for _, tt := range tests {
		t.Run(tt.w.String(), func(t *testing.T) {
			if got := tt.w.Start(tt.loc); !got.Equal(tt.start) {
				t.Errorf("Start = %v, want %v", got, tt.start)
			}
			if got := tt.w.End(tt.loc); !got.Equal(tt.end) {
				t.Errorf("End = %v, want %v", got, tt.end)
			}
			if got := WeekOf(tt.w.Start(tt.loc), tt.loc); got != tt.w {
				t.Errorf("WeekOf(Start) = %v", got)
			}
			if got := WeekOf(tt.w.End(tt.loc).Add(-time.Nanosecond), tt.loc); got != tt.w {
				t.Errorf("WeekOf(End-1ns) = %v", got)
			}
		})
	}
	if d := (Week{2026, 10}).End(ny).Sub(Week{2026, 10}.Start(ny)); d != 167*time.Hour {
		t.Errorf("DST week lasts %v, want 167h", d)
	}
}

func TestWeekAdd(t *testing.T) {
	tests := []struct {
		w    Week
		n    int
		want Week
	}{
		{Week{2026, 53}, 1, Week{2027, 1}},
		{Week{2027, 1}, -1, Week{2026, 53}},
		{Week{2026, 1}, -1, Week{2025, 52}},
		{Week{2026, 48}, -8, Week{2026, 40}},
		{Week{2026, 3}, -8, Week{2025, 47}},
		{Week{2026, 48}, 0, Week{2026, 48}},
	}
	for _, tt := range tests {
		if got := tt.w.Add(tt.n); got != tt.want {
			t.Errorf("%v.Add(%d) = %v, want %v", tt.w, tt.n, got, tt.want)
		}
	}
}

func TestParseWeek(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, kst)  // Wednesday of 2026-W48
	newYear := time.Date(2027, 1, 6, 9, 0, 0, 0, kst) // Wednesday of 2027-W01
	tests := []struct {
		in   string
		now  time.Time
		want Week
		bad  bool
	}{
		{in: "", now: now, want: Week{2026, 48}},
		{in: "this", now: now, want: Week{2026, 48}},
		{in: " This ", now: now, want: Week{2026, 48}},
		{in: "이번주", now: now, want: Week{2026, 48}},
		{in: "last", now: now, want: Week{2026, 47}},
		{in: "지난 주", now: now, want: Week{2026, 47}},
		{in: "last", now: newYear, want: Week{2026, 53}},
		{in: "2026-W48", now: now, want: Week{2026, 48}},
		{in: "2026w48", now: now, want: Week{2026, 48}},
		{in: "2026-W01", now: now, want: Week{2026, 1}},
		{in: "2026-W1", now: now, want: Week{2026, 1}},
		{in: "W05", now: now, want: Week{2026, 5}},
		{in: "2026-W53", now: now, want: Week{2026, 53}},
		{in: "2026-11-25", now: now, want: Week{2026, 48}},
		{in: "2027-01-01", now: now, want: Week{2026, 53}},
		{in: "2027-W53", now: now, bad: true},
		{in: "2026-W54", now: now, bad: true},
		{in: "2026-W00", now: now, bad: true},
		{in: "2026-W", now: now, bad: true},
		{in: "26-W10", now: now, bad: true},
		{in: "-W10", now: now, bad: true},
		{in: "2026-W123", now: now, bad: true},
		{in: "next", now: now, bad: true},
		{in: "2026-13-01", now: now, bad: true},
		{in: "11/29", now: now, want: Week{2026, 48}},
		{in: "11/30", now: now, want: Week{2025, 48}}, // next Monday: last year's (a Sunday)
		{in: "11월 22일", now: now, want: Week{2026, 47}},
		{in: "11.16", now: now, want: Week{2026, 47}},
		{in: "2026/11/25", now: now, want: Week{2026, 48}},
		{in: "2026.11.9", now: now, want: Week{2026, 46}},
		{in: "12/31", now: newYear, want: Week{2026, 53}},
		{in: "2주 전", now: now, want: Week{2026, 46}},
		{in: "지지난주", now: now, want: Week{2026, 46}},
		{in: "3 weeks ago", now: now, want: Week{2026, 45}},
		{in: "2/30", now: now, bad: true},
		{in: "2/29", now: now, bad: true}, // neither 2026 nor 2025 has one
		{in: "13/1", now: now, bad: true},
		{in: "11/", now: now, bad: true},
		{in: "1/2/3", now: now, bad: true},
		{in: "주전", now: now, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWeek(tt.in, tt.now, kst)
			if tt.bad {
				if !errors.Is(err, ErrBadWeek) {
					t.Fatalf("ParseWeek(%q) = %v, %v; want ErrBadWeek", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseWeek(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestWeekString(t *testing.T) {
	if got := (Week{2026, 1}).String(); got != "2026-W01" {
		t.Errorf("String = %q", got)
	}
	if got := (Week{2026, 48}).String(); got != "2026-W48" {
		t.Errorf("String = %q", got)
	}
}
