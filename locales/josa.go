package locales

import (
	"fmt"
	"strings"
	"text/template"
)

// funcs are the functions a message's template may call, the same for
// the fast path (compiled.go) and go-i18n's own rendering.
var funcs = template.FuncMap{"josa": josaOf, "plural": pluralOf}

// josaOf is the template function josa: the particle alone, for a value
// the message prints itself, so a catalog writes
//
//	'{{.Word}}'{{josa .Word `은` `는`}} 알아듣지 못했어요
//
// and reads "'13월'은", "'VIP'는", or "은(는)" where Josa cannot tell.
// after is the form after a final consonant, plain the other (Josa).
func josaOf(word any, after, plain string) string {
	w := fmt.Sprint(word)
	return strings.TrimPrefix(Josa(w, after, plain), w)
}

// Josa appends to a Korean word the particle its last sound takes:
// Josa("VIP", "이", "가") is "VIP가", Josa("단골", "이", "가") is "단골이",
// Josa("단골", "으로", "로") is "단골로" (ㄹ takes 로). Latin letters and
// digits are read as Koreans say them, and closing quotes and brackets are
// looked through ('사장'으로); anything else gets both forms, "이(가)", as
// Korean software writes when it cannot tell.
func Josa(word, after, plain string) string {
	final, known := lastSound(word)
	switch {
	case !known:
		return word + after + "(" + plain + ")"
	case final == 0:
		return word + plain
	case final == 8 && after == "으로": // ㄹ
		return word + plain
	}
	return word + after
}

// lastSound returns the final consonant (jongseong index, 0 for none) of
// how word ends when read aloud; known is false when it cannot tell.
func lastSound(word string) (final int, known bool) {
	word = strings.TrimRight(word, " .!)'\"’”」』")
	if word == "" {
		return 0, false
	}
	r := []rune(word)[len([]rune(word))-1]
	switch {
	case r >= 0xAC00 && r <= 0xD7A3:
		return int(r-0xAC00) % 28, true
	case r >= '0' && r <= '9':
		// 영 일 이 삼 사 오 육 칠 팔 구
		return [...]int{21, 8, 0, 16, 0, 0, 1, 8, 8, 0}[r-'0'], true
	case r == '%':
		return 0, true // 퍼센트
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		switch r | 0x20 {
		case 'l', 'r':
			return 8, true // 엘, 알
		case 'm':
			return 16, true // 엠
		case 'n':
			return 4, true // 엔
		}
		return 0, true
	}
	return 0, false
}
