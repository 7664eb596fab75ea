package dialog

import (
	"slices"
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	tests := []struct {
		name, span, closed string
		want               Hours
		wantErr            bool
	}{
		{name: "Default", want: DefaultHours},
		{name: "OK", span: "09:30-21:00", closed: "sun", want: Hours{Open: 9*time.Hour + 30*time.Minute, Close: 21 * time.Hour, Closed: []time.Weekday{time.Sunday}}},
		{name: "OKKoreanDaysAndDash", span: "10:00–19:00", closed: "일요일, 월요일,일요일", want: Hours{Open: 10 * time.Hour, Close: 19 * time.Hour, Closed: []time.Weekday{time.Sunday, time.Monday}}},
		{name: "OKTilde", span: "11:00~24:00", want: Hours{Open: 11 * time.Hour, Close: 24 * time.Hour}},
		{name: "ErrNoDash", span: "10:00", wantErr: true},
		{name: "ErrBadClock", span: "10:00-25:00", wantErr: true},
		{name: "ErrBackwards", span: "20:00-10:00", wantErr: true},
		{name: "ErrBadDay", closed: "someday", wantErr: true},
		{name: "ErrNeverOpen", closed: "mon,tue,wed,thu,fri,sat,sun", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHours(tt.span, tt.closed)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseHours(%q, %q) error %v, want error %v", tt.span, tt.closed, err, tt.wantErr)
			}
			if err == nil && (got.Open != tt.want.Open || got.Close != tt.want.Close || !slices.Equal(got.Closed, tt.want.Closed)) {
				t.Errorf("ParseHours(%q, %q) = %+v, want %+v", tt.span, tt.closed, got, tt.want)
			}
		})
	}
	if s := (Hours{}).Span(); s != "10:00–20:00" {
		t.Errorf("zero Hours span %q", s)
	}
}
