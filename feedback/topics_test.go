package feedback

import (
	"slices"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"Particles", "머리가 예뻐요, 서비스는 친절해요", []string{"머리", "예쁘다", "서비스", "친절"}},
		{"Endings", "친절했어요 친절합니다 친절하고 친절한 친절하게", []string{"친절", "친절", "친절", "친절", "친절"}},
		{"TwoRounds", "직원분들이 매장에서는", []string{"직원분", "매장"}},
		{"ShortWordsKept", "정도 불만 아이 가격", []string{"불만", "아이", "가격"}},
		{"OneRuneStemNotStripped", "가게 나이가 사이", []string{"가게", "나이", "사이"}},
		{"StopWords", "정말 너무 좋아요 감사합니다 최고 입니다", nil},
		{"NumbersDropped", "3시간 기다렸어요 2026 10분", []string{"시간", "기다리다"}},
		{"English", "The staff were SO friendly, and the price's fair!", []string{"staff", "friendly", "price", "fair"}},
		// A negation reaches the word after it: "didn't like" is no like.
		{"EnglishContractions", "I didn't like the wait. Don’t rush", []string{"not like", "wait", "not rush"}},
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

// TestWordsKorean: real comments read as words a manager understands: a
// describing word in its dictionary form (늦었어요 → 늦다, counted with
// 늦어서), a noun + 하다 as its noun, and never a stem cut from its ending
// (늦었, 길었, 기다렸, 힘들), which the summary showed before.
func TestWordsKorean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"예약했는데 30분이나 늦었어요", "예약 분이나 늦다"},
		{"시술 시간이 너무 길었어요", "시술 시간 길다"},
		{"대기 시간이 길어서 힘들었어요", "대기 시간 길다 힘들다"},
		{"직원분이 불친절했어요", "직원분 불친절"},
		{"가격이 비싸요", "가격 비싸다"},
		{"음료가 식어서 나왔어요", "음료 식다"},
		{"매장이 좁고 시끄러웠어요", "매장 좁다 시끄럽다"},
		{"샴푸할 때 물이 차가웠어요", "샴푸 물이 차갑다"},
		{"커피가 맛있었어요", "커피 맛있다"},
		{"염색이 생각보다 빨리 빠졌어요", "염색 생각 빠지다"},
		{"커트가 마음에 들어요", "커트 마음"},
		{"늦게 와서 죄송하다고 하셨는데 또 늦어졌어요", "늦다 죄송 늦다"},
		// Nouns that begin like a predicate stay nouns.
		{"아파트 주차장 커트 가격", "아파트 주차장 커트 가격"},
		// A predicate the list does not know is left out, not cut.
		{"파마가 금방 풀렸어요", "파마"},
		{"설명을 잘 해주셨어요 다음에도 올게요", "설명"},
	}
	for _, tt := range tests {
		got := strings.Join(Words(tt.in), " ")
		if got != tt.want {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, w := range Words(tt.in) {
			if pastStem(w) {
				t.Errorf("Words(%q) has the stem %q", tt.in, w)
			}
		}
	}
}

// TestWordsNegated: a negated word counts as what the customer said, not
// as the word: 안 X, X지 않-, 못 X, X 없- and English not, never, …n't
// flip it to its antonym or keep the negation with it, and a negated word
// that carries no topic (좋다, good) counts as nothing, as the word alone.
func TestWordsNegated(t *testing.T) {
	tests := []struct{ in, want string }{
		{"머리가 엉망이에요. 다시는 안 와요", "머리 엉망 안 와요"},
		{"직원분이 안 친절해요", "직원분 불친절"},
		{"직원이 별로 안 친절했어요", "직원 별로 불친절"},
		{"직원이 친절하지 않았어요", "직원 불친절"},
		{"서비스에 만족하지 않습니다", "서비스 불만족"},
		{"음식이 안 맛있어요", "음식 맛없다"},
		{"예약했는데 늦지 않았어요", "예약 안 늦다"},
		{"매장이 깨끗하지 않았어요", "매장 안 깨끗"},
		{"설명을 못 들었어요", "설명 못 들었어요"},
		{"주차 공간이 없어요", "주차 공간 없음"},
		{"예약 확인 연락이 없었어요", "예약 확인 연락 없음"},
		{"머리가 안 좋아요", "머리"},
		{"The staff wasn't friendly", "staff unfriendly"},
		{"not very clean, the coffee was not good", "dirty coffee"},
		// No negation: nouns that begin like one stay whole.
		{"안내 잘 해주셨어요 안경 안전", "안내 안경 안전"},
		{"직원분이 친절해요", "직원분 친절"},
	}
	for _, tt := range tests {
		if got := strings.Join(Words(tt.in), " "); got != tt.want {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNormalizeTag: the summary counts tags by the ledger's key, which
// makes "#Perm", "perm " and "PERM" one tag.
func TestNormalizeTag(t *testing.T) {
	for in, want := range map[string]string{"#Perm": "perm", " perm ": "perm", "PERM": "perm", "염색": "염색", "#": "", "뿌리  염색": "뿌리 염색"} {
		if got := ledger.NormalizeTag(in); got != want {
			t.Errorf("NormalizeTag(%q) = %q, want %q", in, got, want)
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
