package dialog

import (
	"testing"

	"github.com/dangol/dangol/ledger"
)

// TestKnownStaff: the senders whose messages skip the read-only attempt are
// exactly those resolveRole makes staff or managers without the ledger.
func TestKnownStaff(t *testing.T) {
	e := &Engine{
		managers: set([]string{"slack:UBOSS"}),
		staff:    set([]string{"slack:U1", "telegram:77"}),
		trusted:  set([]string{"console"}),
	}
	for _, c := range []struct {
		name string
		m    Message
		want bool
	}{
		{"configured staff", Message{Channel: "slack", UserID: "U1"}, true},
		{"configured manager", Message{Channel: "slack", UserID: "UBOSS"}, true},
		{"staff configured on a customer channel", Message{Channel: "telegram", UserID: "77"}, true},
		{"a customer", Message{Channel: "telegram", UserID: "4242"}, false},
		{"granted in the ledger only", Message{Channel: "slack", UserID: "U9"}, false},
		{"trusted channel, staff", Message{Channel: "console", UserID: "지수", Role: ledger.RoleStaff}, true},
		{"trusted channel, manager", Message{Channel: "console", UserID: "사장", Role: ledger.RoleManager}, true},
		{"trusted channel, customer", Message{Channel: "console", UserID: "42", Role: ledger.RoleCustomer}, false},
		{"same id on another channel", Message{Channel: "telegram", UserID: "U1"}, false},
	} {
		if got := e.knownStaff(c.m); got != c.want {
			t.Errorf("%s: knownStaff = %v, want %v", c.name, got, c.want)
		}
	}
}
