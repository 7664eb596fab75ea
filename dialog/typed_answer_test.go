package dialog

import "testing"

// TestTypedAnswer: whole answers count, in the forms people type them;
// sentences that start with one do not.
func TestTypedAnswer(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"네", 1}, {"네!", 1}, {" 넵~ ", 1}, {"네 ^^", 1}, {"네ㅎㅎ", 1}, {"예.", 1}, {"YES", 1}, {"ok", 1},
		{"동의합니다", 1}, {"동의 합니다", 1}, {"I agree", 1}, {"동의", 1}, {"agree", 1},
		{"아니요", -1}, {"아뇨…", -1}, {"No.", -1}, {"동의 안 함", -1}, {"동의하지 않아요", -1}, {"I don't agree", -1}, {"거절", -1}, {"no", -1},
		{"네 근데 질문이 있어요", 0}, {"아니 그게 아니라", 0}, {"", 0}, {"??", 0}, {"뭐죠?", 0}, {"보내주세요", 0},
	}
	for _, tt := range tests {
		if got := typedAnswer(tt.in, consentYes, consentNo); got != tt.want {
			t.Errorf("typedAnswer(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
	if got := typedAnswer("보내 주세요", questionYes, nil); got != 1 {
		t.Errorf(`typedAnswer("보내 주세요", questionYes) = %d, want 1`, got)
	}
	for in, want := range map[string]int{"네": 1, "삭제해 주세요": 1, "유지할게요": -1, "아니요": -1, "동의합니다": 0} {
		if got := typedAnswer(in, forgetYes, forgetNo); got != want {
			t.Errorf("typedAnswer(%q, forget) = %d, want %d", in, got, want)
		}
	}
	if got := typedAnswer("동의합니다", questionYes, nil); got != 0 {
		t.Errorf(`typedAnswer("동의합니다", questionYes) = %d, want 0: consent words answer only consent`, got)
	}
}

// TestNoComment: "없어요" and its kin are no comment; a comment that says
// something is kept.
func TestNoComment(t *testing.T) {
	for in, want := range map[string]bool{
		"없어요": true, "없음.": true, "딱히 없어요": true, "None": true, "no thanks": true,
		"모르겠어요": true, "글쎄요…": true, "딱히": true, "딱히요~": true, "No": true, "nothing": true, "idk": true, "IDK ㅎㅎ": true,
		"-": true, "...": true, "몰라요ㅠ": true,
		"없어요 다 좋았어요": false, "불친절했어요": false, "": false, "  ": false, "모르겠어요 왜 늦었는지": false,
		"글쎄요 좀 비싸요": false, "no parking": false, "👍": false, "괜찮았어요": false, "ㅠㅠ": false, "?!": false,
	} {
		if got := noComment(in); got != want {
			t.Errorf("noComment(%q) = %v, want %v", in, got, want)
		}
	}
}
