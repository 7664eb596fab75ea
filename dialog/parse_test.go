package dialog

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dangol/dangol/ledger"
)

// parseTestKST is the shop's zone in tests; a fixed zone so machines without tzdata
// give the same answers (Korea has had no DST since 1988).
var parseTestKST = time.FixedZone("KST", 9*3600)

// parseTestNow is Wednesday 2026-11-25 15:00 in Seoul.
var parseTestNow = time.Date(2026, 11, 25, 15, 0, 0, 0, parseTestKST)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		// Plain numbers and decorations.
		{"55000", 55000, true},
		{"55,000", 55000, true},
		{"55000원", 55000, true},
		{"₩55,000", 55000, true},
		{"₩ 55,000", 55000, true},
		{"￦55,000", 55000, true},
		{"12,000 원", 12000, true},
		{"  12,000  원  ", 12000, true},
		{"55000 won", 55000, true},
		{"55000WON", 55000, true},
		{"1,234,567", 1234567, true},
		{"５５，０００원", 55000, true},
		{"５５０００", 55000, true},
		{"1", 1, true},
		{"9223372036854775807", 9223372036854775807, true},
		// Korean units.
		{"5.5만", 55000, true},
		{"5.5만원", 55000, true},
		{"5.5 만원", 55000, true},
		{"3만5천", 35000, true},
		{"3만 5천원", 35000, true},
		{"3만5000", 35000, true},
		{"3만 5000원", 35000, true},
		{"1억", 100000000, true},
		{"1억 2천만", 120000000, true},
		{"1억2천5백만원", 125000000, true},
		{"1억 5000만", 150000000, true},
		{"1억 9999만 9999", 199999999, true},
		{"55천", 55000, true},
		{"1.5천", 1500, true},
		{"2천5백", 2500, true},
		{"2천 5백 50", 2550, true},
		{"만원", 10000, true},
		{"천원", 1000, true},
		// Hangul digits before their units, as amounts are said.
		{"오만원", 50000, true},
		{"삼만원", 30000, true},
		{"5만오천원", 55000, true},
		{"만오천원", 15000, true},
		{"십만원", 100000, true},
		{"이천오백원", 2500, true},
		{"삼십오만원", 350000, true},
		{"일억 이천만", 120000000, true},
		{"오만 오천 원", 55000, true},
		{"구천", 9000, true},
		{"이", 0, false},   // a word, not 2 won
		{"만오", 0, false},  // clipped: refused, not guessed
		{"5오천", 0, false}, // two figures
		{"오육만", 0, false}, // two figures
		{"오천만오", 0, false},
		{"십만원", 100000, true},
		{"백만원", 1000000, true},
		{"천만원", 10000000, true},
		{"만", 10000, true},
		{"0.5만", 5000, true},
		{"1.2345만", 12345, true},
		{"1,000만", 10000000, true},
		{"5 만", 50000, true},
		{"３만５천원", 35000, true},
		{"1조", 1000000000000, true},
		// English thousands.
		{"55k", 55000, true},
		{"55K", 55000, true},
		{"5.5k", 5500, true},
		{"0.5k", 500, true},
		{"₩55k", 55000, true},
		{"55k won", 55000, true},
		{"1,000k", 1000000, true},
		{"0k", 0, false},
		{"k", 0, false},
		{"5kk", 0, false},
		{"1.2345k", 0, false},
		{"3만5k", 0, false},
		{"5k5", 0, false},
		{"-5k", 0, false},
		{"9223372036854776k", 0, false},
		// Zero only as itself.
		{"0", 0, true},
		{"０", 0, true},
		{" 0 ", 0, true},
		{"0원", 0, false},
		{"0만", 0, false},
		{"00", 0, false},
		{"0.0만", 0, false},
		// Rejected.
		{"", 0, false},
		{"   ", 0, false},
		{"원", 0, false},
		{"₩", 0, false},
		{"won", 0, false},
		{"-5000", 0, false},
		{"−5000", 0, false},
		{"5000-", 0, false},
		{"+5000", 0, false},
		{"abc", 0, false},
		{"5천원짜리", 0, false},
		{"1e5", 0, false},
		{"5.5", 0, false},
		{"55000.0", 0, false},
		{"55000.", 0, false},
		{".5만", 0, false},
		{"5.만", 0, false},
		{"1.23456만", 0, false},
		{"1.5십", 15, true},
		{"1.25십", 0, false},
		{"5,5000", 0, false},
		{"1,0000", 0, false},
		{"1000,000", 0, false},
		{"1,00", 0, false},
		{",100", 0, false},
		{"100,", 0, false},
		{"0,000", 0, false},
		{"055000", 0, false},
		{"01012345678", 0, false},
		{"010-1234-5678", 0, false},
		{"3 5", 0, false},
		{"55 000", 0, false},
		{"5만5만", 0, false},
		{"3천5만", 30050000, true}, // 3005만, as Korean reads it
		{"1만1억", 0, false},
		{"5천5천", 0, false},
		{"3백2천", 0, false},
		{"2천 15백", 0, false},
		{"5천 3000", 0, false},
		{"3만 15000", 0, false},
		{"3만 15천", 0, false},
		{"1억 20000만", 0, false},
		{"2천1.5만", 0, false},
		{"1만원원", 0, false},
		{"원5000", 0, false},
		{"5000원₩", 0, false},
		{"9223372036854775808", 0, false},
		{"99999999999999999999", 0, false},
		{"10000000조", 0, false},
		{"922337203685477580십 9", 0, false},
		{"0.0000000000000000001만", 0, false},
		{"\xff5000", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseAmount(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseAmount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParsePoints(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"100", 100, true},
		{"1,000", 1000, true},
		{"1,500점", 1500, true},
		{"100 점", 100, true},
		{"100p", 100, true},
		{"300 P", 300, true},
		{"100포인트", 100, true},
		{"100 포인트", 100, true},
		{"１００점", 100, true},
		{"１，０００ｐ", 1000, true},
		{"2,000 pts", 2000, true},
		{"2000pts", 2000, true},
		{"500 Points", 500, true},
		{"1 point", 1, true},
		{"100pt", 100, true},
		{"100 PTS", 100, true},
		{"pts", 0, false},
		{"0 points", 0, false},
		{"100 ptss", 0, false},
		{"  50  ", 50, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"0", 0, false},
		{"0점", 0, false},
		{"-100", 0, false},
		{"+100", 0, false},
		{"1.5", 0, false},
		{"100.0", 0, false},
		{"100pp", 0, false},
		{"100점점", 0, false},
		{"p", 0, false},
		{"점", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"1,00", 0, false},
		{"0100", 0, false},
		{"100원", 0, false},
		{"1만", 10000, true},
		{"1만P", 10000, true},
		{"오천", 5000, true},
		{"오천점", 5000, true},
		{"만오천 포인트", 15000, true},
		{"오", 0, false},
		{"오만원", 0, false}, // won, not points
		{"1.5만 포인트", 15000, true},
		{"3만 5천점", 35000, true},
		{"5천", 5000, true},
		{"1억", 100000000, true},
		{"1만원", 0, false},
		{"₩1만", 0, false},
		{"0만", 0, false},
		{"1.23456만", 0, false},
		{"1만1억", 0, false},
		{"10 0", 0, false},
		{"9223372036854775808", 0, false},
	}
	for _, tt := range tests {
		got, ok := parsePoints(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parsePoints(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseWeekday(t *testing.T) {
	tests := []struct {
		in   string
		want time.Weekday
		ok   bool
	}{
		{"월요일", time.Monday, true},
		{"화요일", time.Tuesday, true},
		{"수요일", time.Wednesday, true},
		{"목요일", time.Thursday, true},
		{"금요일", time.Friday, true},
		{"토요일", time.Saturday, true},
		{"일요일", time.Sunday, true},
		{"금욜", time.Friday, true},
		{" 일요일 ", time.Sunday, true},
		{"Monday", time.Monday, true},
		{"TUESDAY", time.Tuesday, true},
		{"tues", time.Tuesday, true},
		{"wed", time.Wednesday, true},
		{"Thurs", time.Thursday, true},
		{"fri", time.Friday, true},
		{"sat", time.Saturday, true},
		{"sun", time.Sunday, true},
		{"ｍｏｎｄａｙ", time.Monday, true},
		{"월", 0, false},
		{"월요", 0, false},
		{"mo", 0, false},
		{"", 0, false},
		{"someday", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseWeekday(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseWeekday(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, parseTestKST) }
	sunday := time.Date(2026, 11, 29, 9, 0, 0, 0, parseTestKST)
	monday := time.Date(2026, 11, 30, 9, 0, 0, 0, parseTestKST)
	yearEnd := time.Date(2026, 12, 28, 23, 59, 0, 0, parseTestKST) // a Monday
	monthEnd := time.Date(2027, 1, 31, 0, 0, 0, 0, parseTestKST)   // a Sunday
	leapDay := time.Date(2028, 2, 29, 12, 0, 0, 0, parseTestKST)   // a Tuesday
	utcLate := time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC)      // 01:00 on the 26th in Seoul

	tests := []struct {
		name string
		in   string
		now  time.Time
		want time.Time // zero: rejected
	}{
		// With a year.
		{"OK/ISO", "2026-12-01", parseTestNow, day(2026, 12, 1)},
		{"OK/Dots", "2026.12.1", parseTestNow, day(2026, 12, 1)},
		{"OK/DotsTrailing", "2026.12.1.", parseTestNow, day(2026, 12, 1)},
		{"OK/Slashes", "2026/12/01", parseTestNow, day(2026, 12, 1)},
		{"OK/SpacedDots", "2026. 12. 1.", parseTestNow, day(2026, 12, 1)},
		{"OK/FullWidth", "２０２６－１２－０１", parseTestNow, day(2026, 12, 1)},
		{"OK/Korean", "2026년 12월 1일", parseTestNow, day(2026, 12, 1)},
		{"OK/KoreanCompact", "2026년12월1일", parseTestNow, day(2026, 12, 1)},
		{"OK/PastYear", "1990-05-03", parseTestNow, day(1990, 5, 3)},
		{"OK/LeapDay", "2028-02-29", parseTestNow, day(2028, 2, 29)},
		{"ErrMixedSeparators", "2026-12/01", parseTestNow, time.Time{}},
		{"ErrFeb30", "2026-02-30", parseTestNow, time.Time{}},
		{"ErrNotLeap", "2027-02-29", parseTestNow, time.Time{}},
		{"ErrMonth13", "2026-13-01", parseTestNow, time.Time{}},
		{"ErrMonth0", "2026-00-10", parseTestNow, time.Time{}},
		{"ErrDay0", "2026-12-00", parseTestNow, time.Time{}},
		{"ErrYearTooSmall", "1899-01-01", parseTestNow, time.Time{}},
		{"ErrYearTooBig", "3000-01-01", parseTestNow, time.Time{}},
		{"ErrTwoDigitYear", "26.12.1", parseTestNow, time.Time{}},
		{"ErrLongYear", "02026-12-01", parseTestNow, time.Time{}},
		// Without a year.
		{"OK/Slash", "12/1", parseTestNow, day(2026, 12, 1)},
		{"OK/Dash", "12-1", parseTestNow, day(2026, 12, 1)},
		{"OK/Dot", "12.1", parseTestNow, day(2026, 12, 1)},
		{"OK/DotTrailing", "12.1.", parseTestNow, day(2026, 12, 1)},
		{"OK/KoreanMonthDay", "12월 1일", parseTestNow, day(2026, 12, 1)},
		{"OK/KoreanMonthDayCompact", "12월1일", parseTestNow, day(2026, 12, 1)},
		{"OK/KoreanMonthDaySpaced", "  12 월  1 일 ", parseTestNow, day(2026, 12, 1)},
		{"OK/FullWidthSlash", "１２／１", parseTestNow, day(2026, 12, 1)},
		{"OK/TodayIsNotPassed", "11/25", parseTestNow, day(2026, 11, 25)},
		{"OK/YesterdayIsNextYear", "11/24", parseTestNow, day(2027, 11, 24)},
		{"OK/JanuaryIsNextYear", "1/5", parseTestNow, day(2027, 1, 5)},
		{"OK/NextYearAtYearEnd", "1/5", yearEnd, day(2027, 1, 5)},
		{"OK/LeapDayThisYear", "2/29", time.Date(2028, 1, 10, 0, 0, 0, 0, parseTestKST), day(2028, 2, 29)},
		{"OK/LeapDayNextYear", "2/29", time.Date(2027, 3, 1, 0, 0, 0, 0, parseTestKST), day(2028, 2, 29)},
		{"ErrLeapDayTooFar", "2/29", parseTestNow, time.Time{}},
		{"ErrFeb30NoYear", "2/30", parseTestNow, time.Time{}},
		{"ErrMonth13NoYear", "13/1", parseTestNow, time.Time{}},
		{"ErrMonth0NoYear", "0/1", parseTestNow, time.Time{}},
		{"ErrDay0NoYear", "12/0", parseTestNow, time.Time{}},
		{"ErrDay32", "12/32", parseTestNow, time.Time{}},
		{"ErrDayOnly", "1일", parseTestNow, time.Time{}},
		{"ErrMonthOnly", "12월", parseTestNow, time.Time{}},
		{"ErrThreeDigitMonth", "012/1", parseTestNow, time.Time{}},
		// Relative words.
		{"OK/오늘", "오늘", parseTestNow, day(2026, 11, 25)},
		{"OK/내일", "내일", parseTestNow, day(2026, 11, 26)},
		{"OK/모레", "모레", parseTestNow, day(2026, 11, 27)},
		{"OK/글피", "글피", parseTestNow, day(2026, 11, 28)},
		{"OK/today", "today", parseTestNow, day(2026, 11, 25)},
		{"OK/Tomorrow", " Tomorrow ", parseTestNow, day(2026, 11, 26)},
		{"OK/TomorrowAcrossYear", "내일", time.Date(2026, 12, 31, 23, 0, 0, 0, parseTestKST), day(2027, 1, 1)},
		{"OK/TodayInShopZone", "오늘", utcLate, day(2026, 11, 26)},
		{"ErrYesterday", "어제", parseTestNow, time.Time{}},
		// Next ISO week (this week is Mon 11-23 … Sun 11-29).
		{"OK/다음주월요일", "다음주 월요일", parseTestNow, day(2026, 11, 30)},
		{"OK/다음주월요일Compact", "다음주월요일", parseTestNow, day(2026, 11, 30)},
		{"OK/다음주월요일Spaced", "다음 주 월요일", parseTestNow, day(2026, 11, 30)},
		{"OK/다음주화요일", "다음주 화요일", parseTestNow, day(2026, 12, 1)},
		{"OK/다음주수요일", "다음주 수요일", parseTestNow, day(2026, 12, 2)},
		{"OK/다음주목요일", "다음주 목요일", parseTestNow, day(2026, 12, 3)},
		{"OK/다음주금요일", "다음주 금요일", parseTestNow, day(2026, 12, 4)},
		{"OK/다음주토요일", "다음주 토요일", parseTestNow, day(2026, 12, 5)},
		{"OK/다음주일요일", "다음주 일요일", parseTestNow, day(2026, 12, 6)},
		{"OK/담주금욜", "담주 금욜", parseTestNow, day(2026, 12, 4)},
		{"OK/다음주월요일OnSunday", "다음주 월요일", sunday, day(2026, 11, 30)},
		{"OK/다음주월요일OnMonday", "다음주 월요일", monday, day(2026, 12, 7)},
		{"OK/다음주월요일AtYearEnd", "다음주 월요일", yearEnd, day(2027, 1, 4)},
		{"OK/NextMonday", "next monday", parseTestNow, day(2026, 11, 30)},
		{"OK/NextWednesday", "next wednesday", parseTestNow, day(2026, 12, 2)},
		{"OK/NextSunday", "Next Sunday", parseTestNow, day(2026, 12, 6)},
		{"OK/NextMondayOnSunday", "next monday", sunday, day(2026, 11, 30)},
		{"OK/NextFri", "next  fri", parseTestNow, day(2026, 12, 4)},
		// "다음주 연락" in a note: a week from today (it was refused, and
		// the follow-up silently not set).
		{"OK/NextWeekAlone", "다음주", parseTestNow, day(2026, 12, 2)},
		{"OK/NextWeekAloneSpaced", "다음 주", parseTestNow, day(2026, 12, 2)},
		{"OK/NextWeekEnglish", "next week", parseTestNow, day(2026, 12, 2)},
		{"OK/NextMonth", "다음달", parseTestNow, day(2026, 12, 25)},
		{"OK/NextMonthEnglish", "next month", parseTestNow, day(2026, 12, 25)},
		{"OK/OneWeekLater", "일주일 후", parseTestNow, day(2026, 12, 2)},
		{"OK/OneWeekLaterDigit", "1주일 뒤", parseTestNow, day(2026, 12, 2)},
		{"OK/OneMonthNative", "한 달 후", parseTestNow, day(2026, 12, 25)},
		{"OK/TwoWeeksNative", "두 주 뒤", parseTestNow, day(2026, 12, 9)},
		{"ErrNativeDays", "한일 후", parseTestNow, time.Time{}},
		{"ErrNextWeekEnglishDay", "다음주 monday", parseTestNow, time.Time{}},
		{"ErrNextKoreanDay", "next 월요일", parseTestNow, time.Time{}},
		// This ISO week, even if past.
		{"OK/이번주금요일", "이번주 금요일", parseTestNow, day(2026, 11, 27)},
		{"OK/이번주월요일Past", "이번 주 월요일", parseTestNow, day(2026, 11, 23)},
		{"OK/이번주수요일Today", "이번주 수요일", parseTestNow, day(2026, 11, 25)},
		{"OK/이번주일요일OnSunday", "이번주 일요일", sunday, day(2026, 11, 29)},
		{"OK/ThisFriday", "this friday", parseTestNow, day(2026, 11, 27)},
		// A bare weekday: the next one, today excluded.
		{"OK/월요일", "월요일", parseTestNow, day(2026, 11, 30)},
		{"OK/화요일", "화요일", parseTestNow, day(2026, 12, 1)},
		{"OK/수요일IsNextWeek", "수요일", parseTestNow, day(2026, 12, 2)},
		{"OK/목요일", "목요일", parseTestNow, day(2026, 11, 26)},
		{"OK/금욜", "금욜", parseTestNow, day(2026, 11, 27)},
		{"OK/일요일", "일요일", parseTestNow, day(2026, 11, 29)},
		{"OK/일요일OnSunday", "일요일", sunday, day(2026, 12, 6)},
		{"OK/월요일OnSunday", "월요일", sunday, day(2026, 11, 30)},
		{"OK/Monday", "Monday", parseTestNow, day(2026, 11, 30)},
		{"OK/Mon", "mon", parseTestNow, day(2026, 11, 30)},
		{"OK/Wednesday", "wednesday", parseTestNow, day(2026, 12, 2)},
		{"OK/FullWidthMonday", "ｍｏｎｄａｙ", parseTestNow, day(2026, 11, 30)},
		// Days, weeks and months from today.
		{"OK/3일후", "3일 후", parseTestNow, day(2026, 11, 28)},
		{"OK/3일뒤", "3일뒤", parseTestNow, day(2026, 11, 28)},
		{"OK/3일후에", "3일 후에", parseTestNow, day(2026, 11, 28)},
		{"OK/10일후", "10일 후", parseTestNow, day(2026, 12, 5)},
		{"OK/2주후", "2주 후", parseTestNow, day(2026, 12, 9)},
		{"OK/2주뒤", "2 주 뒤", parseTestNow, day(2026, 12, 9)},
		{"OK/1개월후", "1개월 후", parseTestNow, day(2026, 12, 25)},
		{"OK/1달뒤", "1달 뒤", parseTestNow, day(2026, 12, 25)},
		{"OK/1개월후Clamped", "1개월 후", monthEnd, day(2027, 2, 28)},
		{"OK/12개월후LeapDay", "12개월 후", leapDay, day(2029, 2, 28)},
		{"OK/in3days", "in 3 days", parseTestNow, day(2026, 11, 28)},
		{"OK/in1day", "in 1 day", parseTestNow, day(2026, 11, 26)},
		{"OK/in2weeks", "In 2 Weeks", parseTestNow, day(2026, 12, 9)},
		{"OK/inAWeek", "in a week", parseTestNow, day(2026, 12, 2)},
		{"OK/in1month", "in 1 month", monthEnd, day(2027, 2, 28)},
		{"OK/in2months", "in 2 months", parseTestNow, day(2027, 1, 25)},
		{"OK/AcrossYear", "10일 후", yearEnd, day(2027, 1, 7)},
		{"Err0일후", "0일 후", parseTestNow, time.Time{}},
		{"Err3일", "3일", parseTestNow, time.Time{}},
		// Forms staff type in a sentence. parseTestNow is Wednesday 2026-11-25.
		{"OK/Ko월일에", "2월5일에", parseTestNow, day(2027, 2, 5)},
		{"OK/SlashTo에", "12/5에", parseTestNow, day(2026, 12, 5)},
		{"OK/이번주금요일에", "이번주 금요일에", parseTestNow, day(2026, 11, 27)},
		{"OK/금요일에", "금요일에", parseTestNow, day(2026, 11, 27)},
		{"OK/담주화", "담주 화", parseTestNow, day(2026, 12, 1)},
		{"OK/이번주금", "이번 주 금", parseTestNow, day(2026, 11, 27)},
		{"OK/다음주일", "다음주 일", parseTestNow, day(2026, 12, 6)},
		{"OK/이틀뒤", "이틀 뒤", parseTestNow, day(2026, 11, 27)},
		{"OK/사흘후에", "사흘 후에", parseTestNow, day(2026, 11, 28)},
		{"OK/보름후", "보름 후", parseTestNow, day(2026, 12, 10)},
		{"OK/월말", "월말", parseTestNow, day(2026, 11, 30)},
		{"OK/월말OnMonthEnd", "월말", monthEnd, day(2027, 1, 31)},
		{"OK/이번달말", "이번달 말", parseTestNow, day(2026, 11, 30)},
		{"OK/다음달말", "다음달 말", monthEnd, day(2027, 2, 28)},
		{"OK/dayAfterTomorrow", "the day after tomorrow", parseTestNow, day(2026, 11, 27)},
		{"OK/inTwoWeeks", "in two weeks", parseTestNow, day(2026, 12, 9)},
		{"OK/endOfTheMonth", "end of the month", parseTestNow, day(2026, 11, 30)},
		{"Err월alone", "월", parseTestNow, time.Time{}}, // a month, not Monday
		{"Err화alone", "화", parseTestNow, time.Time{}},
		{"Err에alone", "에", parseTestNow, time.Time{}},
		{"Err후에", "후에", parseTestNow, time.Time{}},
		{"Err이틀", "이틀", parseTestNow, time.Time{}},
		{"ErrTooFar", "10000일 후", parseTestNow, time.Time{}},
		{"ErrNegative", "-3일 후", parseTestNow, time.Time{}},
		{"ErrInNegative", "in -3 days", parseTestNow, time.Time{}},
		{"ErrInTypo", "in 3 dayz", parseTestNow, time.Time{}},
		{"ErrInNothing", "in days", parseTestNow, time.Time{}},
		// A day of next or this month.
		{"OK/다음달15일", "다음달 15일", parseTestNow, day(2026, 12, 15)},
		{"OK/다음달15일Spaced", "다음 달 15일", parseTestNow, day(2026, 12, 15)},
		{"OK/다음달31일", "다음달 31일", parseTestNow, day(2026, 12, 31)},
		{"OK/다음달AcrossYear", "다음달 15일", yearEnd, day(2027, 1, 15)},
		{"OK/담달1일", "담달 1일", parseTestNow, day(2026, 12, 1)},
		{"OK/이번달30일", "이번달 30일", parseTestNow, day(2026, 11, 30)},
		{"Err다음달31일InJanuary", "다음달 31일", monthEnd, time.Time{}},
		{"Err이번달31일", "이번달 31일", parseTestNow, time.Time{}},
		{"Err다음달0일", "다음달 0일", parseTestNow, time.Time{}},
		// English month names.
		{"OK/Dec1", "dec 1", parseTestNow, day(2026, 12, 1)},
		{"OK/December1st", "December 1st", parseTestNow, day(2026, 12, 1)},
		{"OK/Dec1Year", "December 1, 2027", parseTestNow, day(2027, 12, 1)},
		{"OK/SeptDot", "sept. 3", parseTestNow, day(2027, 9, 3)},
		{"OK/Nov24", "nov 24", parseTestNow, day(2027, 11, 24)},
		{"ErrFeb30English", "feb 30", parseTestNow, time.Time{}},
		// "내일모레" and English days with "on" or a day of the month alone
		// ("follow up on the 20th" set no follow-up).
		{"OK/내일모레", "내일모레", parseTestNow, day(2026, 11, 27)},
		{"OK/내일모레Spaced", "내일 모레", parseTestNow, day(2026, 11, 27)},
		{"OK/OnFeb20", "on Feb 20", parseTestNow, day(2027, 2, 20)},
		{"OK/OnTuesday", "on tuesday", parseTestNow, day(2026, 12, 1)},
		{"OK/The20thNextMonth", "the 20th", parseTestNow, day(2026, 12, 20)},
		{"OK/OnThe25thToday", "on the 25th", parseTestNow, day(2026, 11, 25)},
		{"OK/26th", "26th", parseTestNow, day(2026, 11, 26)},
		{"OK/The31stSkipsNovember", "the 31st", parseTestNow, day(2026, 12, 31)},
		{"ErrThe32nd", "the 32nd", parseTestNow, time.Time{}},
		{"ErrThe0th", "the 0th", parseTestNow, time.Time{}},
		{"ErrOnAlone", "on", parseTestNow, time.Time{}},
		{"ErrNotAMonth", "foo 3", parseTestNow, time.Time{}},
		// Garbage.
		{"ErrEmpty", "", parseTestNow, time.Time{}},
		{"ErrBlank", "   ", parseTestNow, time.Time{}},
		{"ErrWord", "언젠가", parseTestNow, time.Time{}},
		{"ErrSentence", "내일 오후 3시", parseTestNow, time.Time{}},
		{"ErrInvalidUTF8", "\xff\xfe", parseTestNow, time.Time{}},
		{"ErrNumber", "12", parseTestNow, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseDate(tt.in, tt.now, parseTestKST)
			if tt.want.IsZero() {
				if ok {
					t.Fatalf("parseDate(%q) = %v, true; want rejected", tt.in, got)
				}
				return
			}
			if !ok {
				t.Fatalf("parseDate(%q) rejected; want %v", tt.in, tt.want.Format(time.DateOnly))
			}
			if !got.Equal(tt.want) || got.Location() != parseTestKST {
				t.Fatalf("parseDate(%q) = %v; want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDateNilLocation(t *testing.T) {
	got, ok := parseDate("내일", parseTestNow, nil)
	if !ok || !got.Equal(time.Date(2026, 11, 26, 0, 0, 0, 0, parseTestKST)) {
		t.Fatalf("parseDate with nil loc = %v, %v; want 2026-11-26 KST", got, ok)
	}
}

func TestSplitTags(t *testing.T) {
	tests := []struct {
		in    string
		clean string
		tags  []string
	}{
		{"커트 #펌 했어요", "커트 했어요", []string{"펌"}},
		{"#VIP 고객 #vip #Vip", "고객", []string{"VIP"}}, // one tag, spelt as first typed
		{"#vip 고객 #VIP", "고객", []string{"vip"}},
		{"#펌, #염색 다음에 #클리닉", "다음에", []string{"펌", "염색", "클리닉"}},
		{"#펌#염색 예약", "예약", []string{"펌", "염색"}},
		{"두피 #클리닉. 만족", "두피 . 만족", []string{"클리닉"}},
		{"(#펌)", "()", []string{"펌"}},
		{"＃ＶＩＰ 손님", "손님", []string{"VIP"}},
		{"#snake_case ok", "ok", []string{"snake_case"}},
		{"#Café 라떼", "라떼", []string{"Café"}},
		{"#1등 고객", "고객", []string{"1등"}},
		{"#ㅋㅋ 재밌음", "재밌음", []string{"ㅋㅋ"}},
		{"#펌2회 완료", "완료", []string{"펌2회"}},
		{"C# 공부", "C# 공부", nil},
		{"email a#b", "email a#b", nil},
		{"##tag", "##tag", nil},
		{"#3 테이블", "#3 테이블", nil},
		{"#3#펌", "#3#펌", nil},
		{"# 펌", "# 펌", nil},
		{"#", "#", nil},
		{"#😀 hi", "#😀 hi", nil},
		{"&#39;", "&#39;", nil},
		{"line1 #a\n#b\nline3", "line1\nline3", []string{"a", "b"}},
		{"첫줄\n\n셋째줄 #펌", "첫줄\n\n셋째줄", []string{"펌"}},
		{"#펌\n내용", "내용", []string{"펌"}},
		{"  spaces \t  many   ", "spaces many", nil},
		{"a\r\nb #x", "a\nb", []string{"x"}},
		{"#펌!", "!", []string{"펌"}},
		{"", "", nil},
		{"\xff#펌", "\xff", []string{"펌"}},
	}
	for _, tt := range tests {
		clean, tags := splitTags(tt.in)
		if clean != tt.clean || !slices.Equal(tags, tt.tags) {
			t.Errorf("splitTags(%q) = %q, %q; want %q, %q", tt.in, clean, tags, tt.clean, tt.tags)
		}
	}
}

func TestParseTagList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"#펌, 염색 #클리닉", []string{"펌", "염색", "클리닉"}},
		{"펌 염색", []string{"펌", "염색"}},
		{"VIP, vip,Vip", []string{"VIP"}},
		{"펌/염색;커트", []string{"펌", "염색", "커트"}},
		{"#펌#염색", []string{"펌", "염색"}},
		{"＃ＶＩＰ　단골", []string{"VIP", "단골"}},
		{"2024 신규", []string{"2024", "신규"}},
		{"snake_case", []string{"snake_case"}},
		{"", nil},
		{" , # ", nil},
		{"\xff", nil},
	}
	for _, tt := range tests {
		if got := parseTagList(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("parseTagList(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		cmd  string
		args string
	}{
		{"/note 010-1234 커트", "note", "010-1234 커트"},
		{"/start@dangol_bot CODE", "start", "CODE"},
		{"/START@Dangol_Bot", "start", ""},
		{"/start@", "start", ""},
		{"／note hi", "note", "hi"},
		{"／ｎｏｔｅ＠ｂｏｔ hi", "note", "hi"},
		{"  /help  ", "help", ""},
		{"/Note   a  b ", "note", "a  b"},
		{"/note\n010 커트\n두번째 줄", "note", "010 커트\n두번째 줄"},
		{"/note\u3000메모", "note", "메모"},
		{"/note\t x", "note", "x"},
		{"/메모 내용", "메모", "내용"},
		{"/dangol-note x", "dangol-note", "x"},
		{"/points2", "points2", ""},
		{"note", "", ""},
		{"메모 내용", "", ""},
		{"hello /note", "", ""},
		{"/", "", ""},
		{"/ note", "", ""},
		{"//note", "", ""},
		{"/usr/bin", "", ""},
		{"/@bot", "", ""},
		{"/note!", "", ""},
		{"", "", ""},
		{"/\xff", "", ""},
	}
	for _, tt := range tests {
		cmd, args := splitCommand(tt.in)
		if cmd != tt.cmd || args != tt.args {
			t.Errorf("splitCommand(%q) = %q, %q; want %q, %q", tt.in, cmd, args, tt.cmd, tt.args)
		}
	}
}

func TestCommandAlias(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"취소", "cancel", true},
		{"도움말", "help", true},
		{"포인트", "points", true},
		{"피드백", "feedback", true},
		{"메모", "note", true},
		{"고객", "customer", true},
		{"요약", "summary", true},
		{"언어", "lang", true},
		{" 취소 ", "cancel", true},
		{"취소해", "", false},
		{"취소 해주세요", "", false},
		{"cancel", "", false},
		{"/취소", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := commandAlias(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("commandAlias(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"55000", "55,000", "5.5만원", "3만 5천원", "1억 2천만", "₩55,000", "０", "0",
		"1.23456만", "9223372036854775807", "만원", "-1", "3만 15000", "1,0000", "\xff", "55k", "5.5K", "₩1.2345k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		won, ok := parseAmount(s)
		if !ok {
			if won != 0 {
				t.Fatalf("parseAmount(%q) = %d with ok=false", s, won)
			}
			return
		}
		if won < 0 {
			t.Fatalf("parseAmount(%q) = %d, negative", s, won)
		}
		if won == 0 && strings.TrimSpace(foldFullWidth(s)) != "0" {
			t.Fatalf("parseAmount(%q) = 0 from something other than \"0\"", s)
		}
	})
}

// FuzzAmountField: what amountField takes is the first words of s, the
// rest is the others, and it never takes more than its first word unless
// the whole still reads as an amount.
func FuzzAmountField(f *testing.F) {
	for _, s := range []string{"12,000 원 커트", "1만 2천원 염색", "5000 천연 샴푸", "3만 5천 원", "9000 KRW", "", " 만 원 ", "1만 천\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		amount, rest := amountField(s)
		if got, want := strings.Fields(amount+" "+rest), strings.Fields(s); !slices.Equal(got, want) {
			t.Fatalf("amountField(%q) = %q, %q: words %q, want %q", s, amount, rest, got, want)
		}
		if first, _ := firstField(s); amount != first {
			if _, ok := parseAmount(amount); !ok {
				t.Fatalf("amountField(%q) took %q, which is no amount", s, amount)
			}
		}
	})
}

func FuzzParsePoints(f *testing.F) {
	for _, s := range []string{"100", "1,500점", "300 P", "100포인트", "0", "-1", "１００", "2,000 pts", "1 Point"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := parsePoints(s); ok && n <= 0 {
			t.Fatalf("parsePoints(%q) = %d, not positive", s, n)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-12-01", "2026.12.1", "12/1", "12월 1일", "오늘", "글피", "다음주 월요일",
		"이번 주 금요일", "월요일", "3일 후", "2주 뒤", "12개월 후", "다음달 31일",
		"next monday", "in 2 weeks", "December 1, 2027", "2/29", "9999주 후", "\xff",
	} {
		f.Add(s, parseTestNow.Unix())
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		// Keep now within years 1970–2096 so "9999 weeks" stays in range.
		now := time.Unix(unix%4e9, 0)
		got, ok := parseDate(s, now, parseTestKST)
		if !ok {
			return
		}
		if got.Location() != parseTestKST {
			t.Fatalf("parseDate(%q) in %v, not the shop's zone", s, got.Location())
		}
		if h, m, sec := got.Clock(); h != 0 || m != 0 || sec != 0 || got.Nanosecond() != 0 {
			t.Fatalf("parseDate(%q) = %v, not midnight", s, got)
		}
	})
}

func FuzzSplitTags(f *testing.F) {
	for _, s := range []string{"커트 #펌 했어요", "#펌#염색", "C# #3 ##x", "＃ＶＩＰ", "a\n#b\n", "\xff#펌"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		clean, tags := splitTags(s)
		if len(clean) > len(s) {
			t.Fatalf("splitTags(%q) clean %q is longer than the input", s, clean)
		}
		seen := map[string]bool{}
		for _, tag := range tags {
			if tag == "" || seen[ledger.NormalizeTag(tag)] || tag != ledger.CleanTag(tag) || !utf8.ValidString(tag) {
				t.Fatalf("splitTags(%q) gave bad or repeated tag %q in %q", s, tag, tags)
			}
			for _, r := range tag {
				if !isTagRune(r) {
					t.Fatalf("splitTags(%q) tag %q holds %q", s, tag, r)
				}
			}
			seen[ledger.NormalizeTag(tag)] = true
		}
		for _, tag := range parseTagList(s) {
			if tag == "" || tag != ledger.CleanTag(tag) {
				t.Fatalf("parseTagList(%q) gave bad tag %q", s, tag)
			}
		}
	})
}

func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{"/note 010-1234 커트", "/start@dangol_bot CODE", "／ｎｏｔｅ", "/", "note"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cmd, args := splitCommand(s)
		if cmd == "" && args != "" {
			t.Fatalf("splitCommand(%q) = %q, %q: args without a command", s, cmd, args)
		}
		if cmd != strings.ToLower(cmd) || strings.ContainsAny(cmd, " /@") {
			t.Fatalf("splitCommand(%q) gave bad command %q", s, cmd)
		}
	})
}

// TestAmountField: an amount's currency word or parts written apart stay
// with the amount, and the reason after it stays the reason.
func TestAmountField(t *testing.T) {
	tests := []struct{ in, amount, rest string }{
		{"12,000 원 커트", "12,000 원", "커트"},
		{"12,000원 커트", "12,000원", "커트"},
		{"9000 KRW", "9000 KRW", ""},
		{"55000 won", "55000 won", ""},
		{"1만 2천원 염색", "1만 2천원", "염색"},
		{"3만 5천 원", "3만 5천 원", ""},
		{"1만 천원", "1만 천원", ""},
		{"1억 2천만", "1억 2천만", ""},
		{"5000 천연 샴푸", "5000", "천연 샴푸"},
		{"30000 만족", "30000", "만족"},
		{"3만 15000", "3만", "15000"}, // not an amount together: the reason says what was typed
		{"5000 2개", "5000", "2개"},
		{"", "", ""},
	}
	for _, tt := range tests {
		amount, rest := amountField(tt.in)
		if amount != tt.amount || rest != tt.rest {
			t.Errorf("amountField(%q) = %q, %q; want %q, %q", tt.in, amount, rest, tt.amount, tt.rest)
		}
	}
	if won, ok := parseAmount("9000 KRW"); !ok || won != 9000 {
		t.Errorf(`parseAmount("9000 KRW") = %d, %v`, won, ok)
	}
}

// TestPointsField: "1,000 P" is one figure.
func TestPointsField(t *testing.T) {
	tests := []struct{ in, points, rest string }{
		{"1,000 P 음료", "1,000 P", "음료"},
		{"500 포인트", "500 포인트", ""},
		{"500 점 사용", "500 점", "사용"},
		{"500P 음료", "500P", "음료"},
		{"500 pizza", "500", "pizza"},
		{"100 pts coffee", "100 pts", "coffee"},
		{"1 point", "1 point", ""},
		{"500 Points", "500 Points", ""},
		{"abc P", "abc", "P"},
		{"1만 5천 음료", "1만 5천", "음료"},
		{"1만 5천 P 음료", "1만 5천 P", "음료"},
		{"1만 천연 샴푸", "1만", "천연 샴푸"},
	}
	for _, tt := range tests {
		points, rest := pointsField(tt.in)
		if points != tt.points || rest != tt.rest {
			t.Errorf("pointsField(%q) = %q, %q; want %q, %q", tt.in, points, rest, tt.points, tt.rest)
		}
	}
}

// TestListNumber: an entry's number reads in full-width digits too, as
// amounts and counts do; "/points void 이바다 ３" was a bad number.
func TestListNumber(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"3", 3, true}, {"#3", 3, true}, {" 12 ", 12, true},
		{"３", 3, true}, {"＃１２", 12, true}, {"１2", 12, true},
		{"", 0, false}, {"0", 0, false}, {"-1", 0, false}, {"둘", 0, false}, {"3번째", 0, false}, {"1.5", 0, false},
	} {
		if n, ok := listNumber(tt.in); n != tt.want || ok != tt.ok {
			t.Errorf("listNumber(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.want, tt.ok)
		}
	}
}
