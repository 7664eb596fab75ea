package ledger

import "strings"

// NormalizePhone returns the digits of a Korean phone number in domestic form
// (010-1234-5678, 01012345678, +82 10 1234 5678, 821012345678 and
// 0082-10-1234-5678 all give 01012345678); ok is false for anything that is
// not a plausible phone number. It is the one owner of the phone's form:
// the phone index is keyed by what it returns, so a number matches however
// it was typed or sent.
//
// Spaces, dots, dashes and parentheses are ignored, full-width digits are
// read as digits, and the country code 82 becomes the domestic 0 (with or
// without the trunk 0 after it) whether it comes after a +, after the
// international prefix 00, or bare: Telegram's apps send a shared contact
// as +821012345678 or as 821012345678. A domestic number always starts
// with 0, so a leading 82 cannot be mistaken for one. Mobiles (010 with 11 digits; 011, 016–019 with 10
// or 11), Seoul (02 with 9 or 10), other area codes (031–064 with 10 or 11),
// 070 (11) and 050x personal numbers (11 or 12) are accepted; anything else,
// including letters, is not.
func NormalizePhone(s string) (digits string, ok bool) {
	s = strings.TrimSpace(s)
	// The digits go on the stack: a one-liner's first words are tried as
	// a phone, and most are not one (no allocation for them).
	var buf [17]byte
	n := 0
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			buf[n] = byte(r)
			n++
		case r >= '０' && r <= '９':
			buf[n] = byte('0' + (r - '０'))
			n++
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' ||
			r == '\u00a0' || r == '\u2010' || r == '\u2011' || r == '\u2013' || r == '\uff0d':
		default:
			return "", false
		}
		if n > 16 {
			return "", false
		}
	}
	d := string(buf[:n])
	intl := true
	switch {
	case plus && !strings.HasPrefix(d, "82"):
		return "", false // only Korean numbers
	case plus, strings.HasPrefix(d, "82"):
		d = d[2:]
	case strings.HasPrefix(d, "0082"):
		d = d[4:]
	default:
		intl = false
	}
	if intl && !strings.HasPrefix(d, "0") {
		d = "0" + d
	}
	if !plausibleKorean(d) {
		return "", false
	}
	return d, true
}

// plausibleKorean checks a domestic number's prefix and length.
func plausibleKorean(d string) bool {
	n := len(d)
	if n < 9 || n > 12 || d[0] != '0' {
		return false
	}
	switch {
	case strings.HasPrefix(d, "010"):
		return n == 11
	case strings.HasPrefix(d, "01"):
		return (d[2] == '1' || (d[2] >= '6' && d[2] <= '9')) && (n == 10 || n == 11)
	case strings.HasPrefix(d, "02"):
		return n == 9 || n == 10
	case strings.HasPrefix(d, "070"):
		return n == 11
	case strings.HasPrefix(d, "050"):
		return n == 11 || n == 12
	}
	switch d[:3] {
	case "031", "032", "033", "041", "042", "043", "044",
		"051", "052", "053", "054", "055", "061", "062", "063", "064":
		return n == 10 || n == 11
	}
	return false
}

// FormatPhone writes the digits of a domestic number, as NormalizePhone
// returns them, with dashes as Koreans write one: 010-1234-5678,
// 02-123-4567, 1588-1234; any other digits as they are.
func FormatPhone(d string) string {
	g, n := PhoneGroups(d)
	if n == 0 {
		return d
	}
	var buf [32]byte
	b := append(buf[:0], g[0]...)
	for _, x := range g[1:n] {
		b = append(append(b, '-'), x...)
	}
	return string(b)
}

// PhoneGroups splits domestic digits the way Koreans write them: mobiles
// 3-4-4, Seoul (02) 2-3-4 or 2-4-4, other areas 3-3-4 or 3-4-4, and 8-digit
// business numbers (1588-…) 4-4; n is 0 for anything else. The groups
// come in an array, not a slice: every card formats and masks a phone.
func PhoneGroups(d string) (g [3]string, n int) {
	seoul := strings.HasPrefix(d, "02")
	switch {
	case len(d) == 8 && !strings.HasPrefix(d, "0"):
		return [3]string{d[:4], d[4:]}, 2
	case seoul && len(d) == 9:
		return [3]string{d[:2], d[2:5], d[5:]}, 3
	case seoul && len(d) == 10:
		return [3]string{d[:2], d[2:6], d[6:]}, 3
	case len(d) == 10:
		return [3]string{d[:3], d[3:6], d[6:]}, 3
	case len(d) == 11:
		return [3]string{d[:3], d[3:7], d[7:]}, 3
	}
	return g, 0
}

// PhoneInName reports whether name holds a run of digits shaped like a
// phone number, with the spaces, dots, dashes, parentheses and plus signs
// a phone is written with between them ("이도윤 010-5555-6666"): 9 to 11
// digits from a leading 0 (or +82), or a local number of two groups ending
// in four digits ("123-4567"). Such a name shows the whole number wherever
// the phone is masked, so chat and the spreadsheet import refuse it. A
// name's few digits ("김하늘2", "김하늘(5678)"), a date ("1990.03.15") or a
// member number ("회원 1234567") are no phone. rest is the name without
// those runs, spaces collapsed, for an example of what to write instead
// ("" when nothing is left).
func PhoneInName(name string) (rest string, ok bool) {
	sep := func(r rune) bool {
		return r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '+' ||
			r == '\u00a0' || r == '\u2010' || r == '\u2011' || r == '\u2013' || r == '\uff0d'
	}
	digit := func(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }
	rs := []rune(name)
	var kept []rune
	for i := 0; i < len(rs); {
		if !digit(rs[i]) {
			kept = append(kept, rs[i])
			i++
			continue
		}
		// A run: digits and separators, ending at its last digit.
		end := i
		var digits []byte
		groups := []int{0}
		for j := i; j < len(rs) && (digit(rs[j]) || sep(rs[j])); j++ {
			if digit(rs[j]) {
				if groups[len(groups)-1] < 0 {
					groups[len(groups)-1] = 0
				}
				groups[len(groups)-1]++
				d := rs[j]
				if d >= '０' {
					d -= '０' - '0' // full-width
				}
				digits = append(digits, byte(d))
				end = j + 1
			} else if groups[len(groups)-1] > 0 {
				groups = append(groups, -1) // a new group, once a digit comes
			}
		}
		if groups[len(groups)-1] < 0 {
			groups = groups[:len(groups)-1]
		}
		plus := i > 0 && rs[i-1] == '+'
		if phoneShaped(string(digits), groups, plus) {
			ok = true
			// The separators that led into the run go with it.
			for len(kept) > 0 && sep(kept[len(kept)-1]) {
				kept = kept[:len(kept)-1]
			}
			kept = append(kept, ' ')
			for end < len(rs) && sep(rs[end]) { // and those that closed it
				end++
			}
		} else {
			kept = append(kept, rs[i:end]...)
		}
		i = end
	}
	if !ok {
		return name, false
	}
	return strings.Join(strings.Fields(string(kept)), " "), true
}

// phoneShaped reports whether a run of digits, written in groups of the
// given lengths, reads as a phone number: 9 to 11 digits from a leading 0
// (or 82 after a plus), or a local number of a 3- or 4-digit group and a
// 4-digit one.
func phoneShaped(digits string, groups []int, plus bool) bool {
	if plus && strings.HasPrefix(digits, "82") {
		digits = "0" + strings.TrimPrefix(strings.TrimPrefix(digits, "82"), "0")
	}
	if n := len(digits); n >= 9 && n <= 11 && digits[0] == '0' {
		return true
	}
	return len(groups) == 2 && (groups[0] == 3 || groups[0] == 4) && groups[1] == 4
}

// lastFourDigits reads q as a phone's last four digits, as a lookup takes
// them: four ASCII or full-width digits ("５６７８", typed with a Korean
// keyboard's full-width mode, found nobody).
func lastFourDigits(q string) (string, bool) {
	var buf [4]byte
	n := 0
	for _, r := range q {
		if n == len(buf) {
			return "", false
		}
		switch {
		case r >= '0' && r <= '9':
			buf[n] = byte(r)
		case r >= '０' && r <= '９':
			buf[n] = byte('0' + (r - '０'))
		default:
			return "", false
		}
		n++
	}
	if n != len(buf) {
		return "", false
	}
	return string(buf[:]), true
}
