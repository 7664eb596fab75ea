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
		// Country code without the plus, as several Telegram apps share a
		// contact, and after the international prefix 00.
		{"821012345678", "01012345678", true},
		{"82 10 1234 5678", "01012345678", true},
		{"82-10-1234-5678", "01012345678", true},
		{"8201012345678", "01012345678", true},
		{"0082 10 1234 5678", "01012345678", true},
		{"0082-10-1234-5678", "01012345678", true},
		{"00821012345678", "01012345678", true},
		{"+82 10-1234-5678", "01012345678", true},
		{"+82 010 1234 5678", "01012345678", true},
		{"82 2 1234 5678", "0212345678", true},
		{"0082 31 123 4567", "0311234567", true},
		{"１２３", "", false},
		{"8210123456", "", false},     // 82 and a mobile a digit short
		{"82101234567890", "", false}, // 82 and too many digits
		{"0011234567", "", false},     // another country's international call
		{"00121012345678", "", false}, // 001 (a carrier's prefix) then 2…: not 82
		{"+0082 10 1234 5678", "", false},
		{"81 10 1234 5678", "", false}, // Japan's code, no trunk 0
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

// TestCustomerByPhoneForms: the phone index is keyed by the normalised form,
// so a customer registered as 010-… is found from every form a platform or a
// person sends, and FindCustomers agrees.
func TestCustomerByPhoneForms(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	for _, form := range []string{"01012345678", "+82 10-1234-5678", "821012345678", "0082 10 1234 5678", "82-010-1234-5678"} {
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.CustomerByPhone(form)
			if err != nil || got.ID != c.ID {
				t.Errorf("CustomerByPhone(%q) = %q, %v; want %s", form, got.ID, err, c.ID)
			}
			found, err := tx.FindCustomers(form, 5)
			if err != nil || len(found) != 1 || found[0].ID != c.ID {
				t.Errorf("FindCustomers(%q) = %v, %v; want [%s]", form, found, err, c.ID)
			}
			return nil
		})
	}
}

// TestPhoneInName: a name with a phone typed into it is told from a name
// with a few digits of its own, and the rest is what remains to suggest.
func TestPhoneInName(t *testing.T) {
	tests := []struct {
		name, rest string
		ok         bool
	}{
		{"이도윤 010-5555-6666", "이도윤", true},
		{"이도윤 01055556666", "이도윤", true},
		{"이도윤(010 5555 6666)", "이도윤", true},
		{"Bob Lee +82 10 5555 6666", "Bob Lee", true},
		{"010-5555-6666 이도윤 님", "이도윤 님", true},
		{"김하늘 123-4567", "김하늘", true},
		{"김하늘 ０１０５５５５６６６６", "김하늘", true},
		{"01055556666", "", true},
		{"김하늘", "김하늘", false},
		{"김하늘2", "김하늘2", false},
		{"김하늘(5678)", "김하늘(5678)", false},
		{"김하늘 5678 2층", "김하늘 5678 2층", false},
		{"Room 101-202", "Room 101-202", false},
		// Dates and member numbers are not phones (a reviewer's case: such
		// names were refused in chat and on re-import).
		{"김하늘 1990.03.15", "김하늘 1990.03.15", false},
		{"김하늘 19900315", "김하늘 19900315", false},
		{"회원 1234567", "회원 1234567", false},
		{"김하늘 2024-12-01", "김하늘 2024-12-01", false},
		{"이도윤 5555-6666", "이도윤", true},
		{"이도윤 +82-10-5555-6666", "이도윤", true},
		{"", "", false},
	}
	for _, tt := range tests {
		rest, ok := PhoneInName(tt.name)
		if rest != tt.rest || ok != tt.ok {
			t.Errorf("PhoneInName(%q) = %q, %v; want %q, %v", tt.name, rest, ok, tt.rest, tt.ok)
		}
	}
}
