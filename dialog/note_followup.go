package dialog

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// followUpAfter are the words that, after a day at the end of a one-line
// note, ask for a follow-up on that day: "2주 후 연락", "내일 전화".
var followUpAfter = []string{
	"연락", "연락하기", "연락드리기", "연락 드리기", "연락 예정", "연락드릴 예정", "연락 드릴 예정", "연락드릴게요", "연락 드릴게요",
	"연락 요망", "연락 필요", "다시 연락", "다시 연락하기",
	"전화", "전화하기", "전화드리기", "전화 드리기", "전화 예정", "전화드릴게요", "전화 드릴게요", "다시 전화", "팔로업", "해피콜",
}

// followUpBefore are the words that, before a day at the end of a one-line
// note, ask for one: "다음 연락 12/10", "follow up next friday".
var followUpBefore = []string{"다음 연락", "연락", "팔로업", "follow up", "follow-up", "followup", "call back", "call"}

// followUpHorizon is how far ahead a one-line note's follow-up may be. A
// day without a year is read as the next such day, so "12/1 연락" written
// on 12/2 (a call that happened) would otherwise ask for a follow-up in a
// year: such a day beyond the horizon is read, on every path, as the day
// just past. Other days beyond it ("1000일 후") set no reminder from a
// one-liner, which has no confirmation to catch a typo; the guided
// question and the form, whose day is confirmed, take them.
const followUpHorizon = 300 * 24 * time.Hour

// followUpHorizonDays is followUpHorizon in days, as messages say it.
const followUpHorizonDays = int(followUpHorizon / (24 * time.Hour))

// followUpFault is what a follow-up day typed with a note comes to.
type followUpFault int

// What a follow-up day may come to. The zero value is a note asking for
// none.
const (
	followUpNone       followUpFault = iota // the note asks for no follow-up
	followUpOK                              // a usable day
	followUpUnreadable                      // no day could be read ("며칠 후")
	followUpNoSuchDay                       // a day the calendar lacks ("2/30", "13/45")
	followUpPast                            // before today (a call that happened)
	followUpTooFar                          // beyond followUpHorizon
)

// followUpPastWords are the days before today a follow-up may be written
// with ("어제 연락": the call was made yesterday), and how many days back.
var followUpPastWords = map[string]int{"어제": 1, "그제": 2, "그저께": 2, "엊그제": 2, "yesterday": 1}

// readFollowUpDay reads a follow-up day typed alone (the guided question,
// the form, or the words a one-line note names it with) and says what it
// comes to. day is the day read, also when it is past or too far (for the
// message); a day without its year that lands beyond followUpHorizon is
// the same day of this year, past.
func readFollowUpDay(s string, now time.Time, loc *time.Location) (time.Time, followUpFault) {
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	s = withoutAbout(s)
	if n, ok := followUpPastWords[strings.ToLower(strings.Join(strings.Fields(foldFullWidth(s)), ""))]; ok {
		return dateAddDays(today, -n), followUpPast
	}
	day, ok := parseDate(s, now, loc)
	switch {
	case !ok && (dateShaped(s) || dateShaped(withoutOn(s))):
		return time.Time{}, followUpNoSuchDay
	case !ok:
		return time.Time{}, followUpUnreadable
	case day.Before(today):
		return day, followUpPast
	case day.Sub(today) <= followUpHorizon:
		return day, followUpOK
	case dateWithoutYear(s):
		return day.AddDate(-1, 0, 0), followUpPast
	}
	return day, followUpTooFar
}

// followUpDay reads a follow-up day for the guided question and the form.
// A day before today is refused: a follow-up is a promise to call, and one
// already past would sit overdue in /followups from the start. A day
// beyond followUpHorizon is taken (see there). errID is the catalog id
// saying what is wrong, with its data; "" when day is usable.
func (t *turn) followUpDay(s string) (day time.Time, errID string, data map[string]any) {
	day, fault := readFollowUpDay(s, t.now, t.e.loc)
	switch fault {
	case followUpOK, followUpTooFar:
		return day, "", nil
	case followUpNoSuchDay:
		return time.Time{}, "input.date.no_such_day", map[string]any{"Input": strings.TrimSpace(s)}
	case followUpPast:
		return time.Time{}, "input.date.past", map[string]any{"Date": t.day(day), "Today": t.day(t.today())}
	}
	return time.Time{}, "core.note.bad_date", nil
}

// followUpWarning is what a one-line note's writer is told when its end
// names a follow-up day that set no reminder; "" when it set one or the
// note asks for none. The note is saved either way.
func (t *turn) followUpWarning(text string) string {
	day, fault, phrase := readNoteFollowUp(text, t.now, t.e.loc)
	switch fault {
	case followUpUnreadable:
		return t.text("core.note.followup_unread", nil)
	case followUpNoSuchDay:
		return t.text("input.followup.no_such_day", map[string]any{"Input": withoutOn(phrase)})
	case followUpPast:
		return t.text("input.followup.past", map[string]any{"Date": t.day(day)})
	case followUpTooFar:
		return t.text("input.followup.too_far", map[string]any{"Date": t.day(day), "Days": followUpHorizonDays})
	}
	return ""
}

// followUpAbout are the words after a day that make it approximate
// ("5월 20일쯤", "20일경에"): a reminder is a day to look at the
// customer again, so about a day is that day.
var followUpAbout = []string{"쯤에", "쯤", "경에", "경"}

// withoutAbout is s without a followUpAbout word at its end, when a day is
// left before it.
func withoutAbout(s string) string {
	w := strings.TrimSpace(s)
	for _, a := range followUpAbout {
		if t, ok := strings.CutSuffix(w, a); ok && strings.TrimSpace(t) != "" {
			return strings.TrimSpace(t)
		}
	}
	return w
}

// withoutOn is a day's words without the English "on" they follow ("follow
// up on 2/30"): dateShaped reads "on" before a month's name only, so "on
// 2/30" was told as a day unread where "2/30 연락" was told as no day on the
// calendar.
func withoutOn(s string) string {
	w := strings.TrimSpace(s)
	if len(w) > 3 && strings.EqualFold(w[:3], "on ") {
		return strings.TrimSpace(w[3:])
	}
	return w
}

// oneLineFollowUp reads the follow-up a one-line note asks for at its end
// ("뿌리 염색, 2주 후 연락", "clinic next time, follow up in 2 weeks"): a
// usable day (readNoteFollowUp) with a follow-up word after it or before it.
// The text is kept as written; ok is false when the note sets none.
func oneLineFollowUp(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	day, fault, _ := readNoteFollowUp(text, now, loc)
	return day, fault == followUpOK
}

// readNoteFollowUp reads the end of a one-line note for a follow-up: a day
// (readFollowUpDay) with a follow-up word after it ("2주 후 연락") or
// before it ("다음 연락 12/10", "follow up on the 20th"). phrase is the
// day's words as typed. Words that only look like a day ("2/30",
// "며칠 후", dateish) come back with the fault that stopped them, so the
// writer is told; a note that only mentions a call ("부재중이라 전화",
// "연락 3회") asks for nothing.
func readNoteFollowUp(text string, now time.Time, loc *time.Location) (day time.Time, fault followUpFault, phrase string) {
	s := strings.ToLower(strings.TrimRight(strings.TrimSpace(foldFullWidth(text)), " .!~,"))
	// The candidate phrases, in the order they are tried: for "… 2주 후
	// 연락" the last one to three words before the follow-up word, for "…
	// 다음 연락 12/10" the last one to four words after it.
	var phrases []string
	for _, words := range followUpHeads(s) {
		for k := min(3, len(words)); k >= 1; k-- {
			phrases = append(phrases, strings.Join(words[len(words)-k:], " "))
		}
	}
	words := strings.Fields(s)
	for k := min(4, len(words)-1); k >= 1; k-- {
		// "다음 연락: 2/5": the colon a label is typed with.
		head := strings.TrimRight(strings.Join(words[:len(words)-k], " "), ":")
		for _, w := range followUpBefore {
			if head == w || strings.HasSuffix(head, " "+w) {
				phrases = append(phrases, strings.Join(words[len(words)-k:], " "))
				break
			}
		}
	}
	// A usable day wins; else a day read but past or too far; else words
	// that look like a day.
	// The words of a day read are not read again shorter: "이번주 월요일에"
	// (past) is not "월요일에" (next Monday), as the guided question reads it.
	fault = followUpNone
	var read []string
	for _, p := range phrases {
		if slices.ContainsFunc(read, func(r string) bool { return strings.HasSuffix(r, " "+p) }) {
			continue
		}
		d, f := readFollowUpDay(p, now, loc)
		if f != followUpUnreadable {
			read = append(read, p)
		}
		switch {
		case f == followUpOK:
			return d, f, p
		case (f == followUpPast || f == followUpTooFar) && fault < followUpPast:
			day, fault, phrase = d, f, p
		case fault == followUpNone && dateish(p):
			day, fault, phrase = time.Time{}, f, p
		}
	}
	return day, fault, phrase
}

// followUpHeads are, for each follow-up word that ends s ("… 2주 후 연락"),
// the words before it; none when the word is all of s.
func followUpHeads(s string) [][]string {
	var out [][]string
	for _, w := range followUpAfter {
		rest, ok := strings.CutSuffix(s, w)
		if !ok || !strings.HasSuffix(rest, " ") {
			continue
		}
		out = append(out, strings.Fields(rest))
	}
	return out
}

// dateishRe matches words (spaces removed, lower case) made only of what
// days are written with: digits and separators, Korean date words and
// units, English date words, month and weekday names.
var dateishRe = regexp.MustCompile(`^(?:\d+|[/.,\-]|년|월|일|주일|주|개월|달|후|뒤|에|쯤|경|다다음|다음|담|이번|오늘|내일|모레|글피|어제|그제|그저께|엊그제|며칠|몇|[월화수목금토일](?:요일|욜)|on|the|in|next|this|an?|days?|weeks?|months?|years?|st|nd|rd|th|today|tomorrow|yesterday|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?)+$`)

// dateSignalRe is what makes dateish words a day rather than a particle
// ("상담 후 연락" is after the consult, not a day): a digit or a word that
// names a day.
var dateSignalRe = regexp.MustCompile(`\d|오늘|내일|모레|글피|어제|그제|그저께|며칠|몇|다음|담|요일|욜|today|tomorrow|yesterday|next|day|week|month|year|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun`)

// dateish reports words that try to name a day ("2월 30일", "며칠 후",
// "다다음주쯤", "on feb 30"), as opposed to words that only go with a call
// ("부재중이라", "3회", "회사일로") or a phone number (more digits than
// any day has: "연락 010-1234-5678").
func dateish(words string) bool {
	c := strings.ReplaceAll(strings.ToLower(foldFullWidth(words)), " ", "")
	digits := 0
	for _, r := range c {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits <= 8 && dateishRe.MatchString(c) && dateSignalRe.MatchString(c)
}
