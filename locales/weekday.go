package locales

import "time"

// weekdayShort are the catalog ids of the weekdays' short names, by
// time.Weekday.
var weekdayShort = [7]string{
	time.Sunday:    "weekday.short.sun",
	time.Monday:    "weekday.short.mon",
	time.Tuesday:   "weekday.short.tue",
	time.Wednesday: "weekday.short.wed",
	time.Thursday:  "weekday.short.thu",
	time.Friday:    "weekday.short.fri",
	time.Saturday:  "weekday.short.sat",
}

// WeekdayShort returns the catalog id of wd's short name ("월", "Mon"),
// the one set of names that the console's clock and the summary's chart
// both print. A number past Saturday or before Sunday counts on round the
// week (7 is Sunday again), so a caller's arithmetic never prints an id.
func WeekdayShort(wd time.Weekday) string {
	return weekdayShort[(wd%7+7)%7]
}
