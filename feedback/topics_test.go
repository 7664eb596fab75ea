package feedback

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"Particles", "머리가 예뻐요, 서비스는 친절해요", []string{"머리", "예뻐", "서비스", "친절"}},
		{"Endings", "친절했어요 친절합니다 친절하고 친절한 친절하게", []string{"친절", "친절", "친절", "친절", "친절"}},
		{"TwoRounds", "직원분들이 매장에서는", []string{"직원분", "매장"}},
		{"ShortWordsKept", "정도 불만 아이 가격", []string{"불만", "아이", "가격"}},
		{"OneRuneStemNotStripped", "가게 나이가 사이", []string{"가게", "나이", "사이"}},
		{"StopWords", "정말 너무 좋아요 감사합니다 최고 입니다", nil},
		{"NumbersDropped", "3시간 기다렸어요 2026 10분", []string{"시간", "기다렸"}},
		{"English", "The staff were SO friendly, and the price's fair!", []string{"staff", "friendly", "price", "fair"}},
		{"EnglishContractions", "I didn't like the wait. Don’t rush", []string{"like", "wait", "rush"}},
		{"OneRuneDropped", "a b 이 x 커트", []string{"커트"}},
		// A one-syllable noun keeps its particle: stripping it would leave one rune.
		{"Mixed", "펌이 good, parking이 불편했어요", []string{"펌이", "parking", "불편"}},
		{"Empty", "  ... !!! ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeTag(t *testing.T) {
	for in, want := range map[string]string{"#Perm": "perm", " perm ": "perm", "PERM": "perm", "염색": "염색", "#": "", "뿌리  염색": "뿌리 염색"} {
		if got := normalizeTag(in); got != want {
			t.Errorf("normalizeTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTop(t *testing.T) {
	got := top(map[string]int{"b": 2, "a": 2, "c": 5, "d": 1, "e": 1, "f": 1, "g": 1}, 5)
	want := []Topic{{"c", 5}, {"a", 2}, {"b", 2}, {"d", 1}, {"e", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("top = %v, want %v", got, want)
	}
}
