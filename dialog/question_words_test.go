package dialog

import "testing"

// TestReadsAsQuestion: what a customer writes while a complaint is open is
// asked about (a new 문의, or part of the complaint) when it asks
// something. English typed on a phone often has no "?": "Do you have
// parking" was filed under the complaint without asking.
func TestReadsAsQuestion(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"주차 가능한가요?", true},
		{"주차 가능한가요", true},
		{"언제 문 여세요", true},
		{"30분 넘게 기다렸어요", false},
		{"Do you have parking", true},
		{"can I book for saturday", true},
		{"What time do you open.", true},
		{"Is there a discount for students", true},
		{"I waited 30 minutes", false},
		{"Have a nice day", false},
		{"Thanks", false},
		{"Why", false}, // one word: as likely a sigh as a question
	}
	for _, tt := range tests {
		if got := readsAsQuestion(tt.text); got != tt.want {
			t.Errorf("readsAsQuestion(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
