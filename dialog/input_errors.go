package dialog

import (
	"strings"
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
