package feedback

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Week is an ISO week, Monday to Sunday in the shop's time zone.
type Week struct {
	Year int
	Week int
}

// ErrBadWeek is returned (wrapped, with the input) by ParseWeek when the
// text names no week, and by Weekly for a week that does not exist.
var ErrBadWeek = errors.New("feedback: not a week")

// WeekOf returns the week t falls in, in loc.
func WeekOf(t time.Time, loc *time.Location) Week {
	y, w := t.In(zone(loc)).ISOWeek()
	return Week{Year: y, Week: w}
}

// ParseWeek reads "this", "last", "" (this week) or "2026-W48" relative to now.
// It also accepts 이번주/지난주 (with or without the space), "2026w48",
// "W48" (that week of now's year), "2주 전" (two weeks before this one) and
// a day, "2026-11-25", "11/25" or "11월 25일" (the week it falls in).
func ParseWeek(s string, now time.Time, loc *time.Location) (Week, error) {
	loc = zone(loc)
	in := strings.ToLower(strings.Join(strings.Fields(s), ""))
	switch in {
	case "", "this", "thisweek", "이번주", "금주":
		return WeekOf(now, loc), nil
	case "last", "lastweek", "prev", "previous", "지난주", "저번주":
		return WeekOf(now, loc).Add(-1), nil
	}
	if d, ok := dayOf(in, now, loc); ok {
		return WeekOf(d, loc), nil
	}
	if n, ok := weeksAgo(in); ok {
		return WeekOf(now, loc).Add(-n), nil
	}
	year, num, ok := strings.Cut(in, "w")
	if !ok {
		return Week{}, fmt.Errorf("%w: %q", ErrBadWeek, s)
	}
	if strings.HasSuffix(year, "-") && len(year) > 1 {
		year = year[:len(year)-1]
	}
	w := Week{Year: WeekOf(now, loc).Year}
	var err error
	if year != "" {
		if len(year) != 4 {
			return Week{}, fmt.Errorf("%w: %q", ErrBadWeek, s)
		}
		if w.Year, err = strconv.Atoi(year); err != nil {
			return Week{}, fmt.Errorf("%w: %q", ErrBadWeek, s)
		}
	}
	if len(num) < 1 || len(num) > 2 {
		return Week{}, fmt.Errorf("%w: %q", ErrBadWeek, s)
	}
	if w.Week, err = strconv.Atoi(num); err != nil || !w.Valid() {
		return Week{}, fmt.Errorf("%w: %q (ISO year %d has %d weeks)", ErrBadWeek, s, w.Year, WeeksIn(w.Year))
	}
	return w, nil
}

// dayOf reads a day as shops write it, spaces removed: 2026-11-29,
// 2026/11/29, 2026.11.29, or without the year 11/29, 11-29, 11.29,
// 11월29일. A day without its year is the latest one not after this week:
// "12/25" typed on 12/3 is last Christmas, as a summary looks back.
func dayOf(in string, now time.Time, loc *time.Location) (time.Time, bool) {
	in = strings.TrimSuffix(strings.NewReplacer("월", "/", "/", "/", ".", "/", "-", "/").Replace(in), "일")
	parts := strings.Split(in, "/")
	var nums []int
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" || len(p) > 4 {
			return time.Time{}, false
		}
		nums = append(nums, n)
	}
	now = now.In(loc)
	year, yearless := now.Year(), true
	switch {
	case len(nums) == 3 && len(parts[0]) == 4:
		year, yearless = nums[0], false
		nums = nums[1:]
	case len(nums) != 2 || len(parts[0]) > 2:
		return time.Time{}, false
	}
	month, day := nums[0], nums[1]
	d := time.Date(year, time.Month(month), day, 12, 0, 0, 0, loc)
	if month < 1 || month > 12 || day < 1 || d.Day() != day {
		return time.Time{}, false // 2/30 is not moved to March
	}
	if yearless && d.After(WeekOf(now, loc).Start(loc).AddDate(0, 0, 7)) {
		d = time.Date(year-1, time.Month(month), day, 12, 0, 0, 0, loc)
		if d.Day() != day {
			return time.Time{}, false // 2/29 of a year that has none
		}
	}
	return d, true
}

// weeksAgo reads "2주전", "지지난주", "2weeksago".
func weeksAgo(in string) (int, bool) {
	if in == "지지난주" || in == "저저번주" {
		return 2, true
	}
	for _, suffix := range []string{"주전", "weeksago", "weekago"} {
		if num, ok := strings.CutSuffix(in, suffix); ok {
			n, err := strconv.Atoi(num)
			return n, err == nil && n >= 0 && n <= 520
		}
	}
	return 0, false
}

// WeeksIn returns how many ISO weeks year has: 53 when it starts on a
// Thursday, or is a leap year starting on a Wednesday; 52 otherwise.
func WeeksIn(year int) int {
	// December 28th always lies in the year's last ISO week.
	_, w := time.Date(year, time.December, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// Valid reports whether w exists: a week number from 1 to WeeksIn(Year), in
// a year with four digits.
func (w Week) Valid() bool {
	return w.Year >= 1 && w.Year <= 9999 && w.Week >= 1 && w.Week <= WeeksIn(w.Year)
}

// String formats w as "2026-W48".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Week) }

// Start returns Monday 00:00 of w in loc.
func (w Week) Start(loc *time.Location) time.Time {
	y, m, d := w.monday()
	return time.Date(y, m, d, 0, 0, 0, 0, zone(loc))
}

// End returns the Monday 00:00 after w in loc: the week is [Start, End).
// It is not always Start + 168h, because of daylight saving time.
func (w Week) End(loc *time.Location) time.Time {
	y, m, d := w.monday()
	return time.Date(y, m, d+7, 0, 0, 0, 0, zone(loc))
}

// Add returns the week n weeks after w (before it for a negative n).
func (w Week) Add(n int) Week {
	y, m, d := w.monday()
	y2, w2 := time.Date(y, m, d+7*n, 12, 0, 0, 0, time.UTC).ISOWeek()
	return Week{Year: y2, Week: w2}
}

// monday returns the civil date of w's Monday. Arithmetic is done in UTC at
// noon, where days are always 24 hours long.
func (w Week) monday() (int, time.Month, int) {
	jan4 := time.Date(w.Year, time.January, 4, 12, 0, 0, 0, time.UTC)
	back := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	t := jan4.AddDate(0, 0, (w.Week-1)*7-back)
	return t.Date()
}

// zone returns loc, or UTC for nil.
func zone(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
