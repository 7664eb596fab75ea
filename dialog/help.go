package dialog

import (
	"strings"

	"github.com/dangol/dangol/ledger"
)

// Help lines per role: each role sees only what it may use.
var (
	helpCustomer = []string{"core.help.start", "core.help.mypoints", "core.help.feedback", "core.help.lang", "core.help.mydata", "customer_edit.help.birthday", "core.help.forget", "core.help.cancel"}
	helpStaff    = []string{"core.help.note", "core.help.customer", "core.help.points", "core.help.link", "core.help.followups", "customers.help", "core.help.lang", "core.help.cancel"}
	helpManager  = []string{"core.help.summary", "core.help.staff", "customers.help.audit"}
)

// cmdHelp lists the commands the sender's role may use.
func (t *turn) cmdHelp(string) error {
	lines := []string{t.text("core.help.title", nil)}
	for _, id := range t.helpIDs() {
		lines = append(lines, t.text(id, nil))
	}
	r := t.mk(strings.Join(lines, "\n"))
	r.Menu = t.role == ledger.RoleCustomer
	t.add(r)
	return nil
}

// helpIDs are the help lines of the sender's role.
func (t *turn) helpIDs() []string {
	switch t.role {
	case ledger.RoleCustomer:
		return helpCustomer
	case ledger.RoleManager:
		return append(append([]string(nil), helpStaff...), helpManager...)
	default:
		return helpStaff
	}
}
