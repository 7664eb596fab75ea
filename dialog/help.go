package dialog

import (
	"slices"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// Help lines per role: each role sees only what it may use. A line starts
// with the command it is about ("/points …"): a line in helpStaff whose
// command is a manager's (command.manager) is shown to managers only, so a
// line cannot outlive the rule that restricts its command. helpManager
// holds the lines managers alone may use: their commands, and the parts of
// staff commands only they may run (/points void, /customer … 삭제, /stamp
// void, /program's changes), each shown to managers after the staff line
// of its command. TestHelpPerRole runs every command a line names as each
// role, so a part restricted later fails it until its line moves here.
var (
	helpCustomer = []string{"core.help.start", "core.help.mypoints", "core.help.feedback", "core.help.lang", "core.help.mydata", "customer_edit.help.birthday", "core.help.forget", "core.help.cancel"}
	helpStaff    = []string{"core.help.note", "core.help.customer", "core.help.points", "core.help.link", "core.help.followups", "customers.help", "core.help.lang", "core.help.cancel"}
	helpManager  = []string{"core.help.customer_manage", "core.help.points_void", "loyalty.help.stamp_void", "loyalty.help.program_change", "core.help.summary", "core.help.staff", "customers.help.audit"}
)

// staffTable is staffCommands, for helpIDs: cmdHelp, one of them, cannot
// name the table itself (an initialization cycle).
var staffTable func() map[string]command

func init() { staffTable = func() map[string]command { return staffCommands } }

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
		return t.managerHelp()
	}
	var ids []string
	for _, id := range helpStaff {
		if c, ok := staffTable()[t.helpCommand(id)]; !ok || !c.manager {
			ids = append(ids, id)
		}
	}
	return ids
}

// managerHelp is the staff lines with each of helpManager's after the
// last line of its command, or at the end for a command staff lack.
func (t *turn) managerHelp() []string {
	ids := slices.Clone(helpStaff)
	for _, id := range helpManager {
		cmd, at := t.helpCommand(id), -1
		for i, s := range ids {
			if t.helpCommand(s) == cmd {
				at = i
			}
		}
		if at < 0 {
			ids = append(ids, id)
			continue
		}
		ids = slices.Insert(ids, at+1, id)
	}
	return ids
}

// helpCommand is the command help line id is about: the first word of its
// text, without the slash ("/cancel 또는 취소" is cancel).
func (t *turn) helpCommand(id string) string {
	first, _ := firstField(t.e.cat.Text("ko", id, nil))
	return strings.TrimPrefix(first, "/")
}
