package locales

import (
	"regexp"
	"strings"
	"testing"
)

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
		{"'커트 150%'", "은", "는", "'커트 150%'는"},
		{"😀", "은", "는", "😀은(는)"},
		{"", "이", "가", "이(가)"},
	} {
		if got := Josa(tt.word, tt.after, tt.plain); got != tt.want {
			t.Errorf("Josa(%q, %q, %q) = %q, want %q", tt.word, tt.after, tt.plain, got, tt.want)
		}
	}
}

// TestJosaInCatalog: a message calls josa on the value it prints, and the
// particle follows that value, on the fast path and through go-i18n.
func TestJosaInCatalog(t *testing.T) {
	c := MustLoad()
	for _, tt := range []struct {
		id   string
		data map[string]any
		want string
	}{
		{"customers.bad_word", map[string]any{"Word": "13월"}, "'13월'은 알아듣지"},
		{"customers.bad_word", map[string]any{"Word": "VIP고객"}, "'VIP고객'은 알아듣지"},
		{"customers.bad_word", map[string]any{"Word": "vvip"}, "'vvip'는 알아듣지"},
		{"customers.bad_word", map[string]any{"Word": "😀"}, "'😀'은(는) 알아듣지"},
		{"cli.err.backup_keep", map[string]any{"Value": "두"}, `"두"가 올바르지`},
		{"cli.err.backup_keep", map[string]any{"Value": 0}, `"0"이 올바르지`},
		{"appliance.service.done.uninstall", map[string]any{"DB": "/var/lib/dangol/dangol.db"}, "dangol.db는 그대로"},
		{"appliance.service.done.uninstall", map[string]any{"DB": "dangol.db", "EnvFile": "/etc/dangol/env"}, "dangol.db와 설정 파일 /etc/dangol/env는 그대로"},
	} {
		for name, got := range map[string]string{"Text": c.Text("ko", tt.id, tt.data), "go-i18n": c.localize("ko", tt.id, tt.data)} {
			if !strings.Contains(got, tt.want) {
				t.Errorf("%s %s(%v) = %q, want it to hold %q", name, tt.id, tt.data, got, tt.want)
			}
		}
	}
}

// TestNoGuessedParticle: a Korean message that prints a value and then both
// forms of a particle ("{{.Value}}을(를)") should ask josa for the one the
// value takes.
func TestNoGuessedParticle(t *testing.T) {
	guessed := regexp.MustCompile(`\}\}['"’”)]? ?(은\(는\)|을\(를\)|이\(가\)|\(으\)로|와\(과\))`)
	c := MustLoad()
	for _, id := range c.IDs("ko") {
		if m := guessed.FindString(c.msgs["ko"][id].src); m != "" {
			t.Errorf("ko %s: %q guesses the particle; write {{josa .Field ...}}", id, m)
		}
	}
}
