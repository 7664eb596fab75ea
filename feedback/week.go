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
// "W48" (that week of now's year) and a date "2026-11-25" (the week it falls in).
func ParseWeek(s string, now time.Time, loc *time.Location) (Week, error) {
	loc = zone(loc)
	in := strings.ToLower(strings.Join(strings.Fields(s), ""))
	switch in {
	case "", "this", "thisweek", "이번주", "금주":
		return WeekOf(now, loc), nil
	case "last", "lastweek", "prev", "previous", "지난주", "저번주":
		return WeekOf(now, loc).Add(-1), nil
	}
	if d, err := time.ParseInLocation("2006-01-02", in, loc); err == nil {
		return WeekOf(d, loc), nil
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
