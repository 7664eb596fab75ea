package locales

import (
	"testing"
	"time"
)

// TestWeekdayShort: each weekday has its short name in each language, and
// a number outside Sunday to Saturday counts on round the week instead of
// printing an id.
func TestWeekdayShort(t *testing.T) {
	c := MustLoad()
	for _, tt := range []struct {
		wd     time.Weekday
		ko, en string
	}{
		{time.Sunday, "일", "Sun"},
		{time.Monday, "월", "Mon"},
		{time.Tuesday, "화", "Tue"},
		{time.Wednesday, "수", "Wed"},
		{time.Thursday, "목", "Thu"},
		{time.Friday, "금", "Fri"},
		{time.Saturday, "토", "Sat"},
		{7, "일", "Sun"},
		{15, "월", "Mon"},
		{-1, "토", "Sat"},
	} {
		for lang, want := range map[string]string{"ko": tt.ko, "en": tt.en} {
			if got := c.Text(lang, WeekdayShort(tt.wd), nil); got != want {
				t.Errorf("%s weekday %d = %q, want %q", lang, int(tt.wd), got, want)
			}
		}
	}
	if m := c.Missing(); len(m) != 0 {
		t.Errorf("Missing() = %v, want none", m)
	}
}
