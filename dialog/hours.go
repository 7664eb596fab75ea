package dialog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Hours are the shop's opening hours: the same time of day every day it
// opens, and the days of the week it is closed. The zero value is
// DefaultHours' 10:00–20:00, open every day.
type Hours struct {
	Open, Close time.Duration // since midnight, local time; Close after Open
	Closed      []time.Weekday
}

// DefaultHours are the opening hours without DANGOL_OPEN_HOURS.
var DefaultHours = Hours{Open: 10 * time.Hour, Close: 20 * time.Hour}

// orDefault returns h, or DefaultHours' times when h has none.
func (h Hours) orDefault() Hours {
	if h.Open == 0 && h.Close == 0 {
		h.Open, h.Close = DefaultHours.Open, DefaultHours.Close
	}
	return h
}

// Span writes the hours as the customer reads them: "10:00–20:00".
func (h Hours) Span() string {
	h = h.orDefault()
	return clockText(h.Open) + "–" + clockText(h.Close)
}

func clockText(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// ParseHours reads DANGOL_OPEN_HOURS ("10:00-20:00", also with "–" or
// "~") and DANGOL_CLOSED_DAYS (days of the week separated by commas or
// spaces: "sun", "일요일,월요일"). Empty strings give the defaults.
func ParseHours(span, closed string) (Hours, error) {
	h := DefaultHours
	if span = strings.TrimSpace(span); span != "" {
		from, to, ok := strings.Cut(strings.NewReplacer("–", "-", "~", "-").Replace(span), "-")
		if !ok {
			return Hours{}, fmt.Errorf("opening hours %q: want HH:MM-HH:MM", span)
		}
		var err error
		if h.Open, err = parseClock(from); err != nil {
			return Hours{}, fmt.Errorf("opening hours %q: %w", span, err)
		}
		if h.Close, err = parseClock(to); err != nil {
			return Hours{}, fmt.Errorf("opening hours %q: %w", span, err)
		}
		if h.Close <= h.Open {
			return Hours{}, fmt.Errorf("opening hours %q: closing is not after opening", span)
		}
	}
	for _, f := range strings.FieldsFunc(closed, func(r rune) bool { return r == ',' || r == ' ' }) {
		wd, ok := parseWeekday(f)
		if !ok {
			return Hours{}, fmt.Errorf("closed days: %q is not a day of the week", f)
		}
		if !slices.Contains(h.Closed, wd) {
			h.Closed = append(h.Closed, wd)
		}
	}
	if len(h.Closed) == 7 {
		return Hours{}, fmt.Errorf("closed days %q: the shop would never open", closed)
	}
	return h, nil
}

// parseClock reads "HH:MM" (24 hours; "24:00" is midnight at the end).
func parseClock(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time HH:MM", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}
