package locales

import (
	"fmt"
	"strings"
)

// pluralOf is the template function plural: the English form a count
// takes, one for 1 (and -1, a change of one point back) and other for any
// other count, whether the count comes as an integer or as digits already
// grouped ("1", "-1", "1,204"):
//
//	{{.N}} {{plural .N `point` `points`}}
//
// reads "1 point", "0 points", "2,750 points". Korean has no plural forms
// and never calls it.
func pluralOf(n any, one, other string) string {
	var single bool
	switch v := n.(type) {
	case string:
		single = isOne(v)
	case int:
		single = v == 1 || v == -1
	case int64:
		single = v == 1 || v == -1
	default:
		single = isOne(fmt.Sprint(n))
	}
	if single {
		return one
	}
	return other
}

// isOne reports whether s, a count as the catalog prints it, is one:
// "1", "+1", "-1" or "−1".
func isOne(s string) bool {
	s = strings.TrimSpace(s)
	for _, sign := range []string{"+", "-", "−"} {
		if rest, ok := strings.CutPrefix(s, sign); ok {
			s = rest
			break
		}
	}
	return s == "1"
}
