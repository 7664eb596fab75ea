package ledger

import "testing"

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"010-1234-5678", "01012345678", true},
		{"01012345678", "01012345678", true},
		{"+82 10 1234 5678", "01012345678", true},
		{"+82-10-1234-5678", "01012345678", true},
		{"+82 (0)10 1234 5678", "01012345678", true},
		{"+821012345678", "01012345678", true},
		{"010.1234.5678", "01012345678", true},
		{" 010 1234 5678 ", "01012345678", true},
		{"０１０-１２３４-５６７８", "01012345678", true},
		{"(02) 123-4567", "021234567", true},
		{"02-1234-5678", "0212345678", true},
		{"+82 2 1234 5678", "0212345678", true},
		{"031-123-4567", "0311234567", true},
		{"051-1234-5678", "05112345678", true},
		{"011-123-4567", "0111234567", true},
		{"070-1234-5678", "07012345678", true},
		{"", "", false},
		{"010-1234-567", "", false},        // a digit short
		{"010-1234-56789", "", false},      // a digit long
		{"010-1234-567a", "", false},       // letters
		{"call 01012345678", "", false},    // words
		{"1234", "", false},                // last four only
		{"+1 415 555 1234", "", false},     // not Korean
		{"12-3456-7890", "", false},        // no trunk 0
		{"099-123-4567", "", false},        // no such prefix
		{"010+1234+5678", "", false},       // plus inside
		{"0101234567890123456", "", false}, // far too long
		{"02-12-345", "", false},           // too short
	}
	for _, tt := range tests {
		got, ok := NormalizePhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
