package locales

import "testing"

// TestJosa: the particle follows how the word ends when read aloud, through
// closing quotes; a word it cannot read gets both forms.
func TestJosa(t *testing.T) {
	for _, tt := range []struct{ word, after, plain, want string }{
		{"단골", "이", "가", "단골이"},
		{"VIP", "이", "가", "VIP가"},
		{"단골", "으로", "로", "단골로"}, // ㄹ takes 로
		{"일반", "으로", "로", "일반으로"},
		{"'사장'", "으로", "로", "'사장'으로"}, // through the quote
		{"'민지'", "으로", "로", "'민지'로"},
		{"2026-12-02 12:05", "으로", "로", "2026-12-02 12:05로"},  // 오
		{"2026-12-02 12:10", "으로", "로", "2026-12-02 12:10으로"}, // 영
		{"Tom", "은", "는", "Tom은"},                             // 엠
		{"😀", "은", "는", "😀은(는)"},
		{"", "이", "가", "이(가)"},
	} {
		if got := Josa(tt.word, tt.after, tt.plain); got != tt.want {
			t.Errorf("Josa(%q, %q, %q) = %q, want %q", tt.word, tt.after, tt.plain, got, tt.want)
		}
	}
}
