package dialog

import (
	"strings"
	"time"
)

// This file says what is wrong with a typed value when the generic "I
// couldn't read that" would leave the person guessing: a negative amount, a
// follow-up day already past, a link code with too few or too many digits.

// negativeAmount reports an amount typed with a minus sign that would read
// as an amount without it ("-5000", "−5,000원"): someone meaning to take
// points back, who is better told how than told it is unreadable.
func negativeAmount(s string) bool {
	s = strings.TrimSpace(foldFullWidth(s))
	for _, minus := range []string{"-", "−", "－"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			a, ok := parseAmount(rest)
			return ok && a > 0
		}
	}
	return false
}

// sayBadAmount answers an amount that could not be used: a negative one
// with how to correct points, anything else with bad (a catalog id whose
// data is data).
func (t *turn) sayBadAmount(tok, bad string, data map[string]any) {
	if negativeAmount(tok) {
		t.say("input.amount.negative", map[string]any{"Input": strings.TrimSpace(tok)})
		return
	}
	t.say(bad, data)
}

// followUpDay reads a follow-up day. A day before today is refused: a
// follow-up is a promise to call, and one already past would sit overdue
// in /followups from the start. errID is the catalog id saying what is
// wrong, with its data; "" when day is usable.
func (t *turn) followUpDay(s string) (day time.Time, errID string, data map[string]any) {
	day, ok := parseDate(s, t.now, t.e.loc)
	if !ok {
		return time.Time{}, "core.note.bad_date", nil
	}
	if day.Before(t.today()) {
		return time.Time{}, "input.date.past", map[string]any{"Date": t.day(day), "Today": t.day(t.today())}
	}
	// A day without its year is read as the next one: "12/1" typed on
	// 12/2 meant yesterday, not a reminder 364 days on (the one-line
	// note's rule, followUpHorizon).
	if day.Sub(t.today()) > followUpHorizon && !yearGiven.MatchString(s) {
		past := day.AddDate(-1, 0, 0)
		return time.Time{}, "input.date.past", map[string]any{"Date": t.day(past), "Today": t.day(t.today())}
	}
	return day, "", nil
}

// codeDigits reports text made only of digits (spaces and dashes allowed
// between them) that is not the 6 digits of a link code, and how many it
// has.
func codeDigits(text string) (n int, ok bool) {
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == ' ' || r == '-':
		default:
			return 0, false
		}
	}
	return n, n > 0 && n != 6
}
