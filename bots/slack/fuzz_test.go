package slack

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSplitText: any text, however long or malformed, becomes sections
// within Slack's limit that never cut an escape in two.
func FuzzSplitText(f *testing.F) {
	for _, s := range []string{"", "a&b<c>d", "가나다\n\n라", "😀&😀", "\xff\xfe", strings.Repeat("&", 50)} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 5 || limit > 4000 {
			return // below 5 units "&amp;" cannot fit; Slack's limits are all larger
		}
		for _, c := range splitText(s, limit) {
			if units(c) > limit || !utf8.ValidString(c) || strings.TrimSpace(c) == "" {
				t.Fatalf("chunk %q of %q (limit %d)", c, s, limit)
			}
			if strings.ContainsAny(c, "<>") {
				t.Fatalf("unescaped chunk %q", c)
			}
			for i := strings.IndexByte(c, '&'); i >= 0; i = strings.IndexByte(c, '&') {
				rest := c[i:]
				if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
					t.Fatalf("broken escape in %q", c)
				}
				c = rest[1:]
			}
		}
	})
}

// FuzzIncomingText: whatever Slack sends, reading it never panics.
func FuzzIncomingText(f *testing.F) {
	for _, s := range []string{"<@U1|a>", "<#C1>", "<!here>", "<https://x|y>", "<", "&lt;&amp;", "<@|>", "<!>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = incomingText(s)
	})
}
