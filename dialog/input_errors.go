package dialog

import (
	"strings"
	"unicode"
)

// This file says what is wrong with a typed value when the generic "I
// couldn't read that" would leave the person guessing: a negative amount, a
// follow-up day already past, a link code with too few or too many digits.

// Limits of what staff type for points, beyond which a figure is a typo
// (an extra zero or two, a phone number in the amount), not a purchase.
const (
	// MaxPurchaseWon is the largest purchase one /points add earns for:
	// 1억원, more than a small shop sells at once (a clinic's dearest
	// course included), less than the 99억 one slip of the keyboard made.
	MaxPurchaseWon = 100_000_000
	// MaxRedeemPoints is the most points one /points redeem spends: what
	// the largest purchase earns at the highest rate (100%). The points
	// given without a purchase are capped lower, at 1,000,000P
	// (MaxBonusPoints, ledger.MaxBirthdayPoints for birthdays, win-backs
	// and campaigns).
	MaxRedeemPoints = MaxPurchaseWon
)

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

// zeroAmount reports an amount or points of zero as typed ("0", "0원",
// "000", "0P"): a number read, but not one that earns or spends.
func zeroAmount(s string) bool {
	s = strings.ToLower(strings.TrimSpace(foldFullWidth(s)))
	s = strings.TrimPrefix(s, "₩")
	for _, unit := range []string{"원", "won", "krw", "포인트", "점", "p"} {
		if t, ok := strings.CutSuffix(s, unit); ok {
			s = t
			break
		}
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	return s != "" && strings.Trim(s, "0") == ""
}

// sayBadAmount answers an amount that could not be used: a negative one
// with how to correct points, a zero with zero (a catalog id saying it
// must be more), anything else with bad (a catalog id whose data is
// data).
func (t *turn) sayBadAmount(tok, zero, bad string, data map[string]any) {
	switch {
	case negativeAmount(tok):
		t.say("input.amount.negative", map[string]any{"Input": strings.TrimSpace(tok)})
	case zeroAmount(tok):
		t.say(zero, map[string]any{"Input": strings.TrimSpace(tok)})
	default:
		t.say(bad, data)
	}
}

// typedCode is text as a link code typed by hand: full-width digits
// folded (a Korean keyboard in full-width mode types "１２３４５６", which
// was sent to the staff as a question), and spaces and dashes between
// digits dropped ("123 456", "123-456"), as phones are read
// (ledger.NormalizePhone). Text with anything else comes back as it was.
func typedCode(text string) string {
	s := strings.TrimSpace(foldFullWidth(text))
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return text
	}
	return digits
}

// codeDigits reports text that is a link code of the wrong length: 4 to 8
// digits (full-width too, spaces and dashes allowed between them) but not
// 6, and how many it has. Fewer or more digits are not taken for a code
// (a phone number, a price).
func codeDigits(text string) (n int, ok bool) {
	for _, r := range foldFullWidth(text) {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == ' ' || r == '-':
		default:
			return 0, false
		}
	}
	return n, n >= 4 && n <= 8 && n != 6
}

// zeroPeriod reports a period of zero as typed ("0", "0개월", "0년", "0일",
// "0 days"): a number read, outside the range a period takes, which
// "unreadable" would misname.
func zeroPeriod(s string) bool {
	s = strings.ToLower(strings.Join(strings.Fields(foldFullWidth(s)), ""))
	for _, unit := range []string{"개월", "달", "months", "month", "년", "years", "year", "일", "days", "day", "주", "weeks", "week"} {
		if t, ok := strings.CutSuffix(s, unit); ok {
			s = t
			break
		}
	}
	return s != "" && strings.Trim(s, "0") == ""
}

// hasLetter reports a name with a letter in it, of any script (Hangul,
// Latin, CJK): a name of only emoji, digits or marks ("😀😀", "#") names
// nobody the staff can find or greet. Real short names ("이 솔", "Jo")
// have letters.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// tooManyStars reports a rating typed as more stars than a rating has
// ("★★★★★★"): a rating, out of range, not a comment.
func tooManyStars(word string) bool {
	stars := strings.Count(word, "★") + strings.Count(word, "⭐")
	return stars > 5 && strings.Trim(word, "★⭐\ufe0f") == ""
}

// noteHasContent reports a note that says something: a tag ("#펌" alone
// is the service done, which the summary counts), or a letter or digit
// in its text. "#", "😀" or "..." alone records nothing a colleague could
// read.
func noteHasContent(clean string, tags []string) bool {
	return len(tags) > 0 || strings.ContainsFunc(clean, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}
