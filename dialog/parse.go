package dialog

// Parsers for what staff and customers type into a chat: amounts of money,
// points, dates, tags and commands. They are pure functions of their input
// (and of now, for dates) so every flow reads a value the same way and the
// tests can be exact. None of them panics on any input, including invalid
// UTF-8; they report ok=false instead and the flow asks again.
//
// Every parser first folds full-width ASCII (a Korean IME in full-width mode
// types "５５，０００" and "／note") to its narrow form.

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dangol/dangol/ledger"
)

// foldFullWidth maps the full-width forms of ASCII (U+FF01–U+FF5E), the
// ideographic space and the full-width won sign to their narrow forms.
func foldFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		case r == 0xFFE6: // ￦
			return '₩'
		}
		return r
	}, s)
}

// listNumber reads the number of an entry in a list the chat showed (a
// card's note, a points or stamp entry, a thread): "3", "#3", and in
// full-width digits "３", "＃３", as amounts and counts take them (a Korean
// keyboard's full-width mode made "/points void 이바다 ３" a bad number).
// ok is false for anything else and below 1.
func listNumber(s string) (int, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(foldFullWidth(s)), "#")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// amountPow10 holds 10^0 … 10^18, every power of ten an int64 can hold.
var amountPow10 = [...]int64{
	1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// amountMul returns a*b for non-negative a and b, and false on overflow.
func amountMul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	if a > math.MaxInt64/b {
		return 0, false
	}
	return a * b, true
}

// amountAdd returns a+b for non-negative a and b, and false on overflow.
func amountAdd(a, b int64) (int64, bool) {
	if a > math.MaxInt64-b {
		return 0, false
	}
	return a + b, true
}

// scanAmountNumber reads the decimal number at the start of s: digits, optionally
// grouped by commas in threes ("1,234,567"), optionally followed by a '.'
// and a fraction. The value is mant / 10^scale; n is the number of bytes
// read. A malformed number (bad grouping, a leading zero as in "010", a dot
// without digits, overflow) returns ok=false rather than a shorter prefix, so
// "5,5000" or "010-1234" is never read as something else.
func scanAmountNumber(s string) (mant int64, scale int, n int, ok bool) {
	isDigit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	add := func(c byte) bool {
		var fits bool
		if mant, fits = amountMul(mant, 10); !fits {
			return false
		}
		mant, fits = amountAdd(mant, int64(c-'0'))
		return fits
	}
	i := 0
	for isDigit(i) {
		if !add(s[i]) {
			return 0, 0, 0, false
		}
		i++
	}
	first := i
	if first == 0 || (first > 1 && s[0] == '0') {
		return 0, 0, 0, false
	}
	for i < len(s) && s[i] == ',' {
		if first > 3 || mant == 0 {
			return 0, 0, 0, false
		}
		j := i + 1
		for isDigit(j) {
			j++
		}
		if j-(i+1) != 3 {
			return 0, 0, 0, false
		}
		for k := i + 1; k < j; k++ {
			if !add(s[k]) {
				return 0, 0, 0, false
			}
		}
		i = j
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for isDigit(j) {
			if !add(s[j]) {
				return 0, 0, 0, false
			}
			j++
		}
		scale = j - (i + 1)
		if scale == 0 || scale >= len(amountPow10) {
			return 0, 0, 0, false
		}
		i = j
	}
	return mant, scale, i, true
}

// amountUnit returns the value of a Korean number unit and whether it is a
// "big" unit (만, 억, 조) that multiplies everything before it back to the
// previous big unit, rather than a small one (십, 백, 천) that multiplies only
// the number right before it.
func amountUnit(r rune) (value int64, big bool, ok bool) {
	switch r {
	case '십':
		return 10, false, true
	case '백':
		return 100, false, true
	case '천':
		return 1000, false, true
	case '만':
		return 1e4, true, true
	case '억':
		return 1e8, true, true
	case '조':
		return 1e12, true, true
	}
	return 0, false, false
}

// hangulDigit returns the value of a Sino-Korean digit (일 … 구), the way
// amounts are said and often typed: "오만원", "이천오백원", "5만오천원".
func hangulDigit(r rune) (int64, bool) {
	i := strings.IndexRune("일이삼사오육칠팔구", r)
	if i < 0 {
		return 0, false
	}
	return int64(utf8.RuneCountInString("일이삼사오육칠팔구"[:i])) + 1, true
}

// Korean numbers as small counts are typed (stamps, ratings, birthdays):
// native ones that are numbers whatever follows ("둘", "다섯"); those that
// are also other words ("한 잔", "네" a yes, "열" to open), numbers only
// with a counter ("네 개"). Sino ones are hangulDigit's, read by
// sinoNumber.
var (
	nativeNumerals        = map[string]int{"하나": 1, "둘": 2, "셋": 3, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}
	nativeNumeralsCounted = map[string]int{"한": 1, "두": 2, "세": 3, "네": 4, "열": 10}
)

// koreanNumeral reads a small number written as a Korean word, without its
// counter: counted says a counter followed it ("네 개"), sino that the
// place takes Sino-Korean numbers ("삼개", "사점", a rating typed alone),
// which elsewhere are other words ("이" this, "오" oh, "사" of 사장). It is
// the one reader of stamp counts, ratings and the scores of NPS.
func koreanNumeral(w string, counted, sino bool) (int, bool) {
	if v, ok := nativeNumerals[w]; ok {
		return v, true
	}
	if v, ok := nativeNumeralsCounted[w]; ok && counted {
		return v, true
	}
	if sino {
		return sinoNumber(w)
	}
	return 0, false
}

// sinoNumber reads 0 to 99 in Sino-Korean digits (hangulDigit, as amounts
// read them): "사", "십", "십오", "이십구", and "영" for zero.
func sinoNumber(w string) (int, bool) {
	if w == "영" {
		return 0, true
	}
	tens, ones, rest := 0, 0, w
	if a, b, ok := strings.Cut(w, "십"); ok {
		tens = 1
		if a != "" {
			d, ok := hangulDigit1(a)
			if !ok || d == 1 { // "일십" is not typed
				return 0, false
			}
			tens = d
		}
		rest = b
		if rest == "" {
			return tens * 10, true
		}
	}
	ones, ok := hangulDigit1(rest)
	if !ok {
		return 0, false
	}
	return tens*10 + ones, true
}

// hangulDigit1 is hangulDigit of a word of one syllable.
func hangulDigit1(w string) (int, bool) {
	r, size := utf8.DecodeRuneInString(w)
	if size != len(w) {
		return 0, false
	}
	d, ok := hangulDigit(r)
	return int(d), ok
}

// parseAmount reads an amount of money in won as staff type it: "55000",
// "55,000", "55000원", "₩55,000", "12,000 원", "55000 won", "9000 KRW", full-width
// digits, and Korean units: "5.5만", "3만5천", "3만 5천원", "1억 2천만",
// "55천", "만원" (a unit alone counts once), and the units' figures in
// Hangul digits: "오만원", "삼만원", "5만오천원", "만오천원", "십만원",
// "이천오백원". A Hangul digit counts only before a unit, so "이" or "만오"
// (a word, a clipped figure) is refused, not read as 2 or 10,005. A decimal is accepted only
// right before a unit and only when the result is a whole number of won
// ("1.2345만" is 12345, "1.23456만" is rejected). Units must descend
// ("1만1억" is rejected) and each part must be smaller than the unit before
// it ("3만 15000" is rejected), so a typo is refused rather than guessed at.
// Negative amounts, garbage and int64 overflow return ok=false. Zero is
// accepted only as the bare "0", so a mistyped "0만" is not read as free.
// In English thousands are written "55k", "5.5k" (kiloAmount).
func parseAmount(s string) (won int64, ok bool) {
	s = strings.TrimSpace(foldFullWidth(s))
	if s == "0" {
		return 0, true
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "₩"))
	if t, found := strings.CutSuffix(s, "원"); found {
		s = t
	} else if len(s) >= 3 && (strings.EqualFold(s[len(s)-3:], "won") || strings.EqualFold(s[len(s)-3:], "krw")) {
		s = s[:len(s)-3]
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if n, ok := strings.CutSuffix(strings.ToLower(s), "k"); ok {
		return kiloAmount(strings.TrimSpace(n))
	}

	var (
		total, section     int64 // finished big groups; the group being built
		lastBig, lastSmall int64 // the last unit seen in each class, 0 for none
		pending            bool  // a number was read and awaits its unit
		hangul             bool  // that number is a Hangul digit: it needs its unit
		mant               int64
		scale              int
	)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		if r >= '0' && r <= '9' {
			if pending { // two numbers with nothing between: "3 5"
				return 0, false
			}
			var n int
			if mant, scale, n, ok = scanAmountNumber(s[i:]); !ok {
				return 0, false
			}
			pending, hangul = true, false
			i += n
			continue
		}
		if d, isDigit := hangulDigit(r); isDigit {
			if pending { // "5오", "오육"
				return 0, false
			}
			mant, scale, pending, hangul = d, 0, true, true
			i += size
			continue
		}
		unit, big, isUnit := amountUnit(r)
		if !isUnit {
			return 0, false
		}
		i += size
		if !big {
			m, sc := int64(1), 0
			if pending {
				m, sc = mant, scale
			}
			v, fits := amountMul(m, unit)
			if !fits || v%amountPow10[sc] != 0 {
				return 0, false
			}
			v /= amountPow10[sc]
			if lastSmall != 0 && v >= lastSmall {
				return 0, false
			}
			if section, ok = amountAdd(section, v); !ok {
				return 0, false
			}
			lastSmall, pending = unit, false
			continue
		}
		if lastBig != 0 && unit >= lastBig {
			return 0, false
		}
		var v int64
		switch {
		case pending && scale > 0:
			if section != 0 { // "2천1.5만"
				return 0, false
			}
			p, fits := amountMul(mant, unit)
			if !fits || p%amountPow10[scale] != 0 {
				return 0, false
			}
			v = p / amountPow10[scale]
		default:
			if pending {
				if lastSmall != 0 && mant >= lastSmall {
					return 0, false
				}
				if section, ok = amountAdd(section, mant); !ok {
					return 0, false
				}
			} else if section == 0 && lastSmall == 0 {
				section = 1 // "만원", "억"
			}
			var fits bool
			if v, fits = amountMul(section, unit); !fits {
				return 0, false
			}
		}
		if lastBig != 0 && v >= lastBig {
			return 0, false
		}
		if total, ok = amountAdd(total, v); !ok {
			return 0, false
		}
		section, lastSmall, lastBig, pending = 0, 0, unit, false
	}
	if pending {
		if scale > 0 || hangul || (lastSmall != 0 && mant >= lastSmall) {
			return 0, false
		}
		if section, ok = amountAdd(section, mant); !ok {
			return 0, false
		}
	}
	if lastBig != 0 && section >= lastBig {
		return 0, false
	}
	if total, ok = amountAdd(total, section); !ok || total <= 0 {
		return 0, false
	}
	return total, true
}

// kiloAmount reads the number before an English "k" (thousands): "55"
// of "55k" is 55,000, "5.5" of "5.5k" 5,500. Like a Korean unit it takes
// a decimal only when the result is a whole number of won, and nothing
// else: "3만5k" and "5kk" are refused.
func kiloAmount(s string) (int64, bool) {
	mant, scale, n, ok := scanAmountNumber(s)
	if !ok || n != len(s) {
		return 0, false
	}
	v, fits := amountMul(mant, 1000)
	if !fits || v%amountPow10[scale] != 0 || v == 0 {
		return 0, false
	}
	return v / amountPow10[scale], true
}

// amountField splits an amount of money off the front of s, taking its
// unit or its parts when written apart ("12,000 원", "9000 KRW", "1만 2천원",
// "3만 5천 원"), and returns it as typed with what follows (a reason).
// Without this "/points add 김민지 12,000 원" earned for 12,000 with the
// reason "원", and "1만 2천원" for 10,000. A word joins the amount only
// when it is a currency word, or a part after a 만 or 억 ("1만 2천원"), and
// the whole still reads as an amount, so "5000 천연 샴푸" keeps its reason.
func amountField(s string) (amount, rest string) {
	amount, rest = firstField(s)
	for {
		next, after := firstField(rest)
		if next == "" {
			return amount, rest
		}
		low := strings.ToLower(next)
		part := strings.HasSuffix(amount, "만") || strings.HasSuffix(amount, "억")
		if !(low == "원" || low == "won" || low == "krw" || part && startsFigure(next)) {
			return amount, rest
		}
		if _, ok := parseAmount(amount + " " + next); !ok {
			return amount, rest
		}
		amount, rest = amount+" "+next, after
	}
}

// pointsField is amountField for points: "1,000 P", "500 포인트",
// "500 points", and the parts after a 만 or 억 written apart ("1만 5천",
// "1만 5천 P"), which parsePoints reads as one figure.
func pointsField(s string) (points, rest string) {
	points, rest = firstField(s)
	for {
		next, after := firstField(rest)
		switch strings.ToLower(next) {
		case "":
			return points, rest
		case "p", "포인트", "점", "pts", "pt", "points", "point":
			if _, ok := parsePoints(points + next); ok {
				return points + " " + next, after
			}
			return points, rest
		}
		part := strings.HasSuffix(points, "만") || strings.HasSuffix(points, "억")
		if !part || !startsFigure(next) {
			return points, rest
		}
		if _, ok := parsePoints(points + " " + next); !ok {
			return points, rest
		}
		points, rest = points+" "+next, after
	}
}

// startsFigure reports whether s begins with a digit (full-width too) or a
// Korean number unit ("천원" after "1만").
func startsFigure(s string) bool {
	r, _ := utf8.DecodeRuneInString(foldFullWidth(s))
	_, _, unit := amountUnit(r)
	_, digit := hangulDigit(r)
	return r >= '0' && r <= '9' || unit || digit
}

// parsePoints reads a positive whole number of points: digits with optional
// comma grouping and an optional suffix 점, p, P or 포인트 ("1,500점",
// "300 P"), or English's pts, pt, points or point in any case ("2,000
// pts", "500 Points"). Korean units are read as parseAmount reads them
// ("1만", "1.5만P", "3만 5천 포인트"), since staff say "만 포인트" as they
// say "만원"; a currency mark ("1만원") is not points and is refused. Zero,
// negatives, decimals without a unit and overflow return ok=false; the
// callers cap the figure.
func parsePoints(s string) (int64, bool) {
	s = strings.TrimSpace(foldFullWidth(s))
	for _, suffix := range []string{"포인트", "점", "points", "point", "pts", "pt", "p"} {
		if t, found := cutSuffixFold(s, suffix); found {
			s = strings.TrimSpace(t)
			break
		}
	}
	if koreanUnitFigure(s) {
		n, ok := parseAmount(s)
		return n, ok && n > 0
	}
	mant, scale, n, ok := scanAmountNumber(s)
	if !ok || n != len(s) || scale != 0 || mant <= 0 {
		return 0, false
	}
	return mant, true
}

// ParsePoints reads a positive points figure as staff type one in chat
// (parsePoints: "1,500점", "1만", "3만 5천 포인트"), for what reads points
// outside a conversation, such as a sheet's points column (dangol import),
// so that both read the same figures.
func ParsePoints(s string) (int64, bool) { return parsePoints(s) }

// koreanUnitFigure reports a figure written with Korean number units and
// nothing else: digits (Hangul ones too: "오천"), commas, points, spaces
// and 십 백 천 만 억 조, at least one unit. "1만원" and "₩1만" are not (they
// name won).
func koreanUnitFigure(s string) bool {
	unit := false
	for _, r := range s {
		if _, _, ok := amountUnit(r); ok {
			unit = true
			continue
		}
		if _, ok := hangulDigit(r); !(ok || r >= '0' && r <= '9' || r == ',' || r == '.' || unicode.IsSpace(r)) {
			return false
		}
	}
	return unit
}

// cutSuffixFold is strings.CutSuffix ignoring the case of ASCII letters.
func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) < len(suffix) || !strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s, false
	}
	return s[:len(s)-len(suffix)], true
}

// weekdayNames maps the lower-cased names parseWeekday accepts.
var weekdayNames = map[string]time.Weekday{
	"월요일":       time.Monday,
	"월욜":        time.Monday,
	"monday":    time.Monday,
	"mon":       time.Monday,
	"화요일":       time.Tuesday,
	"화욜":        time.Tuesday,
	"tuesday":   time.Tuesday,
	"tue":       time.Tuesday,
	"tues":      time.Tuesday,
	"수요일":       time.Wednesday,
	"수욜":        time.Wednesday,
	"wednesday": time.Wednesday,
	"wed":       time.Wednesday,
	"목요일":       time.Thursday,
	"목욜":        time.Thursday,
	"thursday":  time.Thursday,
	"thu":       time.Thursday,
	"thur":      time.Thursday,
	"thurs":     time.Thursday,
	"금요일":       time.Friday,
	"금욜":        time.Friday,
	"friday":    time.Friday,
	"fri":       time.Friday,
	"토요일":       time.Saturday,
	"토욜":        time.Saturday,
	"saturday":  time.Saturday,
	"sat":       time.Saturday,
	"일요일":       time.Sunday,
	"일욜":        time.Sunday,
	"sunday":    time.Sunday,
	"sun":       time.Sunday,
}

// parseWeekday reads a day of the week: Korean "월요일" … "일요일" (or the
// spoken "월욜"), English "monday" … "sunday" or their three-letter (and
// "tues", "thur", "thurs") abbreviations, in any case. The one-syllable
// Korean "월" is not accepted because it also means "month".
func parseWeekday(s string) (time.Weekday, bool) {
	wd, ok := weekdayNames[strings.ToLower(strings.TrimSpace(foldFullWidth(s)))]
	return wd, ok
}

// englishMonths maps lower-cased English month names and abbreviations.
var englishMonths = map[string]time.Month{
	"jan": time.January, "january": time.January,
	"feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March,
	"apr": time.April, "april": time.April,
	"may": time.May,
	"jun": time.June, "june": time.June,
	"jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August,
	"sep": time.September, "sept": time.September, "september": time.September,
	"oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November,
	"dec": time.December, "december": time.December,
}

// Date patterns. The numeric and Korean ones run on the input with all
// spaces removed; the English ones on the input with spaces collapsed.
var (
	dateYMDRe      = regexp.MustCompile(`^(\d{4})([-./])(\d{1,2})([-./])(\d{1,2})\.?$`)
	dateKoYMDRe    = regexp.MustCompile(`^(\d{4})년(\d{1,2})월(\d{1,2})일$`)
	dateMDRe       = regexp.MustCompile(`^(\d{1,2})[-./](\d{1,2})\.?$`)
	dateKoMDRe     = regexp.MustCompile(`^(\d{1,2})월(\d{1,2})일$`)
	dateKoMonthDay = regexp.MustCompile(`^(다음|담|이번)달(\d{1,2})일$`)
	dateKoAfterRe  = regexp.MustCompile(`^(\d{1,4}|한|두|세|네)(일|주일|주|개월|달)(?:후|뒤)$`)
	dateKoDaysRe   = regexp.MustCompile(`^(이틀|사흘|나흘|닷새|열흘|보름)(?:후|뒤)$`)
	dateEnInRe     = regexp.MustCompile(`^in (\d{1,4}|a|an|one|two|three|four|five|six) (days?|weeks?|months?)$`)
	dateEnMonthDay = regexp.MustCompile(`^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?$`)
	dateKoRelative = map[string]int{"오늘": 0, "내일": 1, "모레": 2, "내일모레": 2, "글피": 3, "다음주": 7, "담주": 7}
	dateEnRelative = map[string]int{"today": 0, "tomorrow": 1, "the day after tomorrow": 2, "day after tomorrow": 2, "next week": 7}
	// dateKoCount are the native numbers of "한 달 후", "두 주 뒤".
	dateKoCount = map[string]int{"한": 1, "두": 2, "세": 3, "네": 4}
	// dateEnCount are the English numbers of "in two weeks".
	dateEnCount = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
	// dateKoDays are the native words for a number of days: "이틀 뒤" is
	// as common as "2일 뒤", "보름 후" is half a month.
	dateKoDays = map[string]int{"이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "열흘": 10, "보름": 15}
	// dateKoMonthEnd are the words for the last day of a month, and
	// which month: "월말" is this one's.
	dateKoMonthEnd = map[string]int{"월말": 0, "이번달말": 0, "이달말": 0, "다음달말": 1, "담달말": 1}
	// dateEnMonthEnd are dateKoMonthEnd in English.
	dateEnMonthEnd = map[string]int{"end of month": 0, "end of the month": 0, "end of this month": 0, "month end": 0, "end of next month": 1}
	// dateWeekdayShort are the one-syllable Korean weekdays, read only
	// after a week ("담주 화", "이번 주 금"): alone "월" is a month and
	// "일" a day or one.
	dateWeekdayShort = map[string]time.Weekday{
		"월": time.Monday, "화": time.Tuesday, "수": time.Wednesday, "목": time.Thursday,
		"금": time.Friday, "토": time.Saturday, "일": time.Sunday,
	}
)

// dateCompact is s as parseCompactDate reads it: full-width folded, lower
// case, without spaces and without the particle 에 that a day takes in a
// sentence ("2월 5일에 연락", "금요일에 전화"), which left the day unread.
func dateCompact(s string) string {
	c := strings.Join(strings.Fields(strings.ToLower(foldFullWidth(s))), "")
	if t, ok := strings.CutSuffix(c, "에"); ok && t != "" {
		return t
	}
	return c
}

// dateEnDayOfMonth is a day of the month alone: "the 20th", "20th".
var dateEnDayOfMonth = regexp.MustCompile(`^(?:the )?(\d{1,2})(?:st|nd|rd|th)$`)

// Limits of parseDate. The ledger keeps times as int64 nanoseconds, which
// end in April 2262: a later day would be stored as another one.
const (
	dateMinYear     = 1900
	dateMaxYear     = 2199
	dateMaxDistance = 9999 // "N일 후", "in N weeks": N at most this
)

// parseDate reads a calendar day and returns its midnight in loc (nil: the
// location of now). "Today" is now's date in loc. Accepted forms:
//
//   - with a year: "2026-12-01", "2026.12.1", "2026/12/01", "2026년 12월 1일",
//     "December 1, 2026"; the year must be within 1900–2999;
//   - without a year: "12/1", "12-1", "12.1", "12월 1일", "dec 1": this year,
//     or next year if that day is before today ("2/29" when neither this
//     nor next year has one is rejected);
//   - "오늘", "내일", "모레" (or "내일모레"), "글피", "today", "tomorrow",
//     "the day after tomorrow";
//   - "월말" (or "이번달 말"), "다음달 말", "end of the month": the last day
//     of this or the next month;
//   - "the 20th", "20th": the next 20th of a month, today included;
//   - an English day may start with "on" ("on Feb 20", "on the 20th");
//   - "N일 후", "N일뒤", "N주 후", "N개월 후", "한 달 뒤", "이틀 뒤" (사흘,
//     나흘, 닷새, 열흘, 보름), "in N days|weeks|months", "in a week", "in
//     two weeks"; months keep the day of the month, clamped to the
//     month's last day (Jan 31 + 1 month = Feb 28);
//   - "다음달 15일", "이번달 30일" (this month, even if already past);
//   - weekdays (see parseWeekday). Weeks run Monday to Sunday (ISO 8601):
//     "다음주 X요일" and "next X" are day X of the week after this one, so on
//     a Sunday "다음주 월요일" is tomorrow and on a Monday it is a week away;
//     "이번주 X요일" and "this X" are day X of this week, even if already
//     past; a bare "X요일" or "X" is the next such day, today excluded;
//     after a week the weekday may be its one syllable ("담주 화");
//   - a Korean day may end with the particle 에 ("2월 5일에", "금요일에").
//
// Invalid days ("2/30", "13/1") and anything else return ok=false.
func parseDate(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = now.Location()
	}
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	spaced := strings.Join(strings.Fields(strings.ToLower(foldFullWidth(s))), " ")
	if spaced == "" {
		return time.Time{}, false
	}
	t, ok := parseCompactDate(dateCompact(spaced), today)
	if !ok {
		t, ok = parseEnglishDate(spaced, today)
	}
	// Relative days ("9999개월 후") can reach past the years written out.
	if !ok || t.Year() < dateMinYear || t.Year() > dateMaxYear {
		return time.Time{}, false
	}
	return t, true
}

// parseCompactDate handles the numeric and Korean forms of parseDate, on
// input with spaces removed.
func parseCompactDate(c string, today time.Time) (time.Time, bool) {
	if n, ok := dateKoRelative[c]; ok {
		return dateAddDays(today, n), true
	}
	if c == "다음달" || c == "담달" {
		return dateAfter(today, 1, 0, 1)
	}
	if k, ok := dateKoMonthEnd[c]; ok {
		return dateMonthEnd(today, k), true
	}
	if g := dateKoDaysRe.FindStringSubmatch(c); g != nil {
		return dateAfter(today, dateKoDays[g[1]], 1, 0)
	}
	// "일주일 후" is one week (일 being 1 there, not a day).
	if rest, ok := strings.CutPrefix(c, "일주일"); ok {
		c = "1주" + rest
	}
	if g := dateYMDRe.FindStringSubmatch(c); g != nil {
		if g[2] != g[4] { // "2026-12/01"
			return time.Time{}, false
		}
		return dateWithYear(today, g[1], g[3], g[5])
	}
	if g := dateKoYMDRe.FindStringSubmatch(c); g != nil {
		return dateWithYear(today, g[1], g[2], g[3])
	}
	if g := dateMDRe.FindStringSubmatch(c); g != nil {
		return dateUpcoming(today, dateAtoi(g[1]), dateAtoi(g[2]))
	}
	if g := dateKoMDRe.FindStringSubmatch(c); g != nil {
		return dateUpcoming(today, dateAtoi(g[1]), dateAtoi(g[2]))
	}
	if g := dateKoMonthDay.FindStringSubmatch(c); g != nil {
		month := today.Month()
		if g[1] != "이번" {
			month++
		}
		first := time.Date(today.Year(), month, 1, 0, 0, 0, 0, today.Location())
		return dateValid(first.Year(), first.Month(), dateAtoi(g[2]), today.Location())
	}
	if g := dateKoAfterRe.FindStringSubmatch(c); g != nil {
		n, ok := dateKoCount[g[1]]
		if !ok {
			n = dateAtoi(g[1])
		}
		switch g[2] {
		case "일":
			if _, native := dateKoCount[g[1]]; native {
				return time.Time{}, false // "한일 후" is no day count
			}
			return dateAfter(today, n, 1, 0)
		case "주", "주일":
			return dateAfter(today, n, 7, 0)
		default:
			return dateAfter(today, n, 0, 1)
		}
	}
	for _, p := range []struct {
		prefix string
		week   int // 0: this week, 1: next week
	}{{"다음주", 1}, {"담주", 1}, {"이번주", 0}} {
		if rest, found := strings.CutPrefix(c, p.prefix); found {
			if wd, ok := weekdayNames[rest]; ok && !dateIsASCII(rest) {
				return dateWeekdayOfWeek(today, p.week, wd), true
			}
			if wd, ok := dateWeekdayShort[rest]; ok {
				return dateWeekdayOfWeek(today, p.week, wd), true
			}
			return time.Time{}, false
		}
	}
	if wd, ok := weekdayNames[c]; ok && !dateIsASCII(c) {
		return dateNextWeekday(today, wd), true
	}
	return time.Time{}, false
}

// parseEnglishDate handles the English forms of parseDate, on lower-cased
// input with spaces collapsed.
func parseEnglishDate(e string, today time.Time) (time.Time, bool) {
	e = strings.TrimPrefix(e, "on ")
	if n, ok := dateEnRelative[e]; ok {
		return dateAddDays(today, n), true
	}
	if e == "next month" {
		return dateAfter(today, 1, 0, 1)
	}
	if k, ok := dateEnMonthEnd[e]; ok {
		return dateMonthEnd(today, k), true
	}
	if g := dateEnInRe.FindStringSubmatch(e); g != nil {
		n, ok := dateEnCount[g[1]]
		if !ok {
			n = dateAtoi(g[1])
		}
		switch strings.TrimSuffix(g[2], "s") {
		case "day":
			return dateAfter(today, n, 1, 0)
		case "week":
			return dateAfter(today, n, 7, 0)
		default:
			return dateAfter(today, n, 0, 1)
		}
	}
	if g := dateEnDayOfMonth.FindStringSubmatch(e); g != nil {
		return dateNextDayOfMonth(today, dateAtoi(g[1]))
	}
	if g := dateEnMonthDay.FindStringSubmatch(e); g != nil {
		month, ok := englishMonths[g[1]]
		if !ok {
			return time.Time{}, false
		}
		if g[3] != "" {
			return dateWithYear(today, g[3], strconv.Itoa(int(month)), g[2])
		}
		return dateUpcoming(today, int(month), dateAtoi(g[2]))
	}
	word, week := e, -1
	if rest, found := strings.CutPrefix(e, "next "); found {
		word, week = rest, 1
	} else if rest, found := strings.CutPrefix(e, "this "); found {
		word, week = rest, 0
	}
	wd, ok := weekdayNames[word]
	if !ok || !dateIsASCII(word) {
		return time.Time{}, false
	}
	if week < 0 {
		return dateNextWeekday(today, wd), true
	}
	return dateWeekdayOfWeek(today, week, wd), true
}

// dateIsASCII reports whether s is plain ASCII, so Korean and English weekday
// names are only accepted in their own sentence forms.
func dateIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// dateAtoi converts a string the date patterns already restricted to at most
// four ASCII digits.
func dateAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// dateValid returns midnight of y-m-d in loc, or false if there is no such
// day (the time package would silently roll 2/30 over to 3/2).
func dateValid(y int, m time.Month, d int, loc *time.Location) (time.Time, bool) {
	if m < time.January || m > time.December || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// dateWithYear validates a date written with its year.
func dateWithYear(today time.Time, ys, ms, ds string) (time.Time, bool) {
	y := dateAtoi(ys)
	if y < dateMinYear || y > dateMaxYear {
		return time.Time{}, false
	}
	return dateValid(y, time.Month(dateAtoi(ms)), dateAtoi(ds), today.Location())
}

// dateUpcoming returns month/day this year, or next year if that day is
// before today (or does not exist this year).
func dateUpcoming(today time.Time, m, d int) (time.Time, bool) {
	for _, y := range []int{today.Year(), today.Year() + 1} {
		if t, ok := dateValid(y, time.Month(m), d, today.Location()); ok && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

// dateNextDayOfMonth returns the next day d of a month, today included:
// "the 31st" in a 30-day month is the 31st of the next month that has one.
func dateNextDayOfMonth(today time.Time, d int) (time.Time, bool) {
	for k := range 3 { // a 31st is at most two months away
		first := time.Date(today.Year(), today.Month()+time.Month(k), 1, 0, 0, 0, 0, today.Location())
		if t, ok := dateValid(first.Year(), first.Month(), d, today.Location()); ok && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

// dateWithoutYear reports a day written as a month and a day alone ("5/12",
// "5월 12일", "may 12"), which parseDate reads as the next such day: typed
// the day after, it comes back almost a year on, though the writer most
// likely meant the day just past.
func dateWithoutYear(s string) bool {
	spaced := strings.Join(strings.Fields(strings.ToLower(foldFullWidth(s))), " ")
	compact := dateCompact(spaced)
	if dateMDRe.MatchString(compact) || dateKoMDRe.MatchString(compact) {
		return true
	}
	g := dateEnMonthDay.FindStringSubmatch(strings.TrimPrefix(spaced, "on "))
	return g != nil && g[3] == ""
}

// dateShaped reports s written as a calendar day, with its numbers or an
// English month ("2/30", "13/45", "2027-02-30", "2월 30일", "feb 30", "다음달
// 31일"), in a year parseDate takes, whether or not the calendar has that
// day: what parseDate refuses that dateShaped accepts is a day that does
// not exist, not a day unread.
func dateShaped(s string) bool {
	spaced := strings.Join(strings.Fields(strings.ToLower(foldFullWidth(s))), " ")
	compact := dateCompact(spaced)
	for _, re := range []*regexp.Regexp{dateYMDRe, dateKoYMDRe} {
		if g := re.FindStringSubmatch(compact); g != nil {
			y := dateAtoi(g[1]) // a year parseDate takes: "3000-01-01" is beyond it
			return y >= dateMinYear && y <= dateMaxYear
		}
	}
	for _, re := range []*regexp.Regexp{dateMDRe, dateKoMDRe, dateKoMonthDay} {
		if re.MatchString(compact) {
			return true
		}
	}
	e := strings.TrimPrefix(spaced, "on ")
	if g := dateEnMonthDay.FindStringSubmatch(e); g != nil {
		_, month := englishMonths[g[1]]
		return month && (g[3] == "" || dateAtoi(g[3]) >= dateMinYear && dateAtoi(g[3]) <= dateMaxYear)
	}
	return dateEnDayOfMonth.MatchString(e)
}

// dateAddDays returns midnight n calendar days after today. It counts days on
// the calendar, not 24-hour spans, so a DST change cannot shift the date.
func dateAddDays(today time.Time, n int) time.Time {
	y, m, d := today.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, today.Location())
}

// dateAfter returns the day n*days days plus n*months months after today; n
// must be 1…dateMaxDistance. Months keep the day of the month, clamped to
// the target month's length.
func dateAfter(today time.Time, n, days, months int) (time.Time, bool) {
	if n < 1 || n > dateMaxDistance {
		return time.Time{}, false
	}
	if months == 0 {
		return dateAddDays(today, n*days), true
	}
	y, m, d := today.Date()
	first := time.Date(y, m+time.Month(n*months), 1, 0, 0, 0, 0, today.Location())
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, today.Location()).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, today.Location()), true
}

// dateMonthEnd returns the last day of this month (k 0) or of the one k
// months on.
func dateMonthEnd(today time.Time, k int) time.Time {
	return time.Date(today.Year(), today.Month()+time.Month(k)+1, 0, 0, 0, 0, 0, today.Location())
}

// dateISOWeekday numbers the days Monday=0 … Sunday=6.
func dateISOWeekday(wd time.Weekday) int { return (int(wd) + 6) % 7 }

// dateWeekdayOfWeek returns day wd of this ISO week (week 0) or of the next
// (week 1).
func dateWeekdayOfWeek(today time.Time, week int, wd time.Weekday) time.Time {
	return dateAddDays(today, -dateISOWeekday(today.Weekday())+7*week+dateISOWeekday(wd))
}

// dateNextWeekday returns the next day that is a wd, one to seven days ahead.
func dateNextWeekday(today time.Time, wd time.Weekday) time.Time {
	delta := (int(wd) - int(today.Weekday()) + 7) % 7
	if delta == 0 {
		delta = 7
	}
	return dateAddDays(today, delta)
}

// isTagRune reports whether r may appear in a tag: a Hangul or Latin
// letter, a digit or '_', in narrow or full-width form.
func isTagRune(r rune) bool {
	switch {
	case r >= '0' && r <= '9', r >= 0xFF10 && r <= 0xFF19, r == '_', r == 0xFF3F:
		return true
	case unicode.Is(unicode.Hangul, r):
		return true
	}
	return unicode.IsLetter(r) && unicode.Is(unicode.Latin, r)
}

// isTagMark reports whether r is '#' or its full-width form.
func isTagMark(r rune) bool { return r == '#' || r == 0xFF03 }

// cleanTag is the ledger's spelling of a tag (ledger.CleanTag: one width,
// NFC, the case as typed), so a tag typed in chat is kept as the staff
// wrote it; tags are one when ledger.SameTag says so, whatever their case.
func cleanTag(t string) string { return ledger.CleanTag(t) }

// hasTag reports whether tags hold tag in any spelling (ledger.SameTag).
func hasTag(tags []string, tag string) bool {
	return slices.ContainsFunc(tags, func(u string) bool { return ledger.SameTag(u, tag) })
}

// splitTags extracts "#tag" words from a note and returns the text without
// them. A tag is '#' followed by Hangul or Latin letters, digits and '_'; it
// starts a word (or follows another tag: "#펌#염색") so "C#" and "a#b" stay
// text, and an all-digit "#3" stays text too (a table or room number, as on
// most platforms). Tags are spelt as typed but full-width folded
// (cleanTag), and de-duplicated whatever their case, in order and spelling
// of first appearance; nil when there are none. In the clean text a
// comma right after a removed tag goes with it ("#펌, #염색 요청" → "요청"),
// runs of spaces collapse to one, lines left empty by removed tags are
// dropped and other line breaks are kept.
func splitTags(text string) (clean string, tags []string) {
	var lines []string
	for line := range strings.SplitSeq(text, "\n") {
		var b strings.Builder
		b.Grow(len(line))
		hadTag, prevTag := false, false
		prev := rune(-1)
		for i := 0; i < len(line); {
			r, size := utf8.DecodeRuneInString(line[i:])
			if isTagMark(r) && (prev == -1 || prevTag || (!isTagRune(prev) && !isTagMark(prev))) {
				j := i + size
				for j < len(line) {
					q, qs := utf8.DecodeRuneInString(line[j:])
					if !isTagRune(q) {
						break
					}
					j += qs
				}
				tag := cleanTag(line[i+size : j])
				if tag != "" && strings.Trim(tag, "0123456789") != "" {
					if !hasTag(tags, tag) { // a note has a few tags
						tags = append(tags, tag)
					}
					hadTag, prevTag = true, true
					i = j
					prev, _ = utf8.DecodeLastRuneInString(line[:j])
					if q, qs := utf8.DecodeRuneInString(line[i:]); q == ',' || q == '，' || q == '、' {
						i += qs
						prev, prevTag = q, false
					}
					continue
				}
			}
			b.WriteString(line[i : i+size])
			prev, prevTag = r, false
			i += size
		}
		collapsed := strings.Join(strings.Fields(b.String()), " ")
		if collapsed == "" && hadTag {
			continue
		}
		lines = append(lines, collapsed)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n"), tags
}

// parseTagList reads a tag field ("#펌, 염색 #클리닉", "펌 염색"): every run
// of tag characters (see splitTags) is a tag, whatever separates them.
// Unlike splitTags an all-digit tag is kept, since the field holds nothing
// else. Tags are cleaned and de-duplicated as in splitTags; nil when
// there are none.
func parseTagList(s string) []string {
	var tags []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !isTagRune(r) }) {
		if t := cleanTag(f); !hasTag(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

// splitCommand splits "/note 010-1234 커트" into ("note", "010-1234 커트").
// The slash may be full-width ('／'); a Telegram "@botname" suffix is
// dropped ("/start@dangol_bot CODE"); the command is full-width folded and
// lower-cased and must be letters, digits, '_' or '-'. args is the rest
// with surrounding whitespace trimmed and inner line breaks kept. Text that
// is not a command returns ("", ""). Korean command names typed with a
// slash ("/메모") come back as typed; pass them through commandAlias.
func splitCommand(text string) (cmd string, args string) {
	t := strings.TrimLeftFunc(text, unicode.IsSpace)
	r, size := utf8.DecodeRuneInString(t)
	if r != '/' && r != '／' {
		return "", ""
	}
	rest := t[size:]
	word := rest
	if end := strings.IndexFunc(rest, unicode.IsSpace); end >= 0 {
		word, args = rest[:end], rest[end:]
	}
	word = foldFullWidth(word)
	if at := strings.IndexByte(word, '@'); at >= 0 {
		word = word[:at]
	}
	word = strings.ToLower(word)
	if word == "" {
		return "", ""
	}
	for _, c := range word {
		if c != '_' && c != '-' && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return "", ""
		}
	}
	return word, strings.TrimSpace(args)
}

// koreanCommands maps Korean command words to command names.
var koreanCommands = map[string]string{
	"취소":  "cancel",
	"도움말": "help",
	"포인트": "points",
	"피드백": "feedback",
	"메모":  "note",
	"고객":  "customer",
	"요약":  "summary",
	"언어":  "lang",
	"생일":  "birthday",
	// The words customers use for feedback and for their own data.
	"후기":  "feedback",
	"리뷰":  "feedback",
	"내정보": "mydata",
}

// englishCommands maps English command words typed without a slash to
// command names, as koreanCommands does the Korean ones: an English
// speaker types "cancel" or "points" where a Korean one types 취소 or
// 포인트. A key is the words as answerForm writes them (lower case, no
// spaces, no closing "?" or "!": "My points?" is "mypoints"). Since
// English words start sentences more often than 포인트 does, one counts
// only as the whole message, or as the first word of one whose command
// reads words after it (command.wordArgs: "feedback 5 great", "birthday
// 3/15"): "help me find my coupon" is a question for the shop, not
// /help. "stop" is none of them: a customer's STOP withdraws advertising
// consent (flow_optout.go), and staff's is staffCancelWords. "review" is
// none either: "review my booking for tomorrow" asks the shop something,
// and was taken for feedback. A whole message may end in "please" ("my
// points please").
var englishCommands = map[string]string{
	"cancel":        "cancel",
	"help":          "help",
	"points":        "points",
	"point":         "points",
	"mypoints":      "points",
	"checkpoints":   "points",
	"checkmypoints": "points",
	"balance":       "points",
	"mybalance":     "points",
	"checkbalance":  "points",
	"feedback":      "feedback",
	"myinfo":        "mydata",
	"mydata":        "mydata",
	"birthday":      "birthday",
	"language":      "lang",
}

// englishCommand reads text as an English command word (englishCommands):
// the whole message, or its first word followed by words the command
// reads, which questionLike then weighs as Korean ones are.
func englishCommand(text string) (name, args string, ok bool) {
	if name, ok := englishCommands[withoutPlease(answerForm(text))]; ok {
		return name, "", true
	}
	first, rest := firstField(text)
	name, ok = englishCommands[strings.ToLower(first)]
	if !ok || rest == "" || customerCommands[name].wordArgs == nil {
		return "", "", false
	}
	return name, rest, true
}

// withoutPlease is w, an answerForm, without a closing "please" or "pls"
// ("mypointsplease"), unless that is all of it.
func withoutPlease(w string) string {
	for _, p := range []string{"please", "pls"} {
		if rest, ok := strings.CutSuffix(w, p); ok && rest != "" {
			return rest
		}
	}
	return w
}

// commandAlias maps a Korean command word typed without a slash ("취소",
// "도움말", "포인트", "피드백", "메모", "고객", "요약", "언어") to its command
// name ("cancel", "help", "points", "feedback", "note", "customer",
// "summary", "lang"). The word must be the whole first word of the message;
// surrounding whitespace is ignored.
func commandAlias(word string) (string, bool) {
	cmd, ok := koreanCommands[strings.TrimSpace(word)]
	return cmd, ok
}
