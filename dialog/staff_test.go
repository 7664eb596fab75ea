package dialog

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestStaffGrants: /staff add grants a role to a platform user named by a
// mention (on Slack a display name typed as text is refused, not granted
// to nobody; the console's speakers are named, so a name is theirs); the
// role word may be 직원/staff or 매니저/manager; a manager is made staff
// by an explicit word at once, but by "/staff add @민지" alone only after
// a confirmation.
func TestStaffGrants(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			role := func(r ledger.Role) string { return h.text(roleID(r), nil) }
			roleOf := func(id string, want ledger.Role) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, _ []Reply) {
					t.Helper()
					var got ledger.StaffMember
					h.view(func(tx *ledger.Tx) error {
						got, _, _ = tx.Staff(id)
						return nil
					})
					if got.Role != want {
						t.Errorf("%s holds %q, want %q", id, got.Role, want)
					}
				}
			}
			console := func(text string) Message {
				return Message{Channel: ChannelConsole, UserID: "사장", UserName: "사장", ConversationID: "manager:사장", Role: ledger.RoleManager, Text: text, Private: true}
			}
			changed := func(user string, from, to ledger.Role) string {
				return h.text("core.staff.changed", map[string]any{"User": user, "From": role(from), "To": role(to)})
			}
			runSteps(t, h, []step{
				{msg: managerMsg("/staff add 민지"), want: []string{h.text("core.staff.not_user", map[string]any{"User": "민지"})}, check: roleOf("slack:민지", "")},
				{msg: managerMsg("/staff add @민지 매니저"), want: []string{h.text("core.staff.not_user", map[string]any{"User": "@민지"})}, check: roleOf("slack:민지", "")},
				{msg: managerMsg("/staff add <@U9|bob> 매니저"), want: []string{h.text("core.staff.added", map[string]any{"User": "bob", "Role": role(ledger.RoleManager)})}, check: roleOf("slack:U9", ledger.RoleManager)},
				// The role word left out: asked first.
				{msg: managerMsg("/staff add @U9"), want: []string{h.text("core.staff.demote_ask", map[string]any{"User": "bob"})}, payloads: []string{"yes", "no"}, check: roleOf("slack:U9", ledger.RoleManager)},
				{msg: managerMsg(word(h, "음", "hmm")), ids: []string{"core.staff.demote_reask"}, check: roleOf("slack:U9", ledger.RoleManager)},
				{msg: press(managerMsg(""), "no"), want: []string{h.text("core.staff.demote_kept", map[string]any{"User": "bob"})}, check: roleOf("slack:U9", ledger.RoleManager)},
				{msg: managerMsg("/staff add @U9")},
				{msg: press(managerMsg(""), "yes"), want: []string{changed("bob", ledger.RoleManager, ledger.RoleStaff)}, check: roleOf("slack:U9", ledger.RoleStaff)},
				// An explicit word changes it at once, either way.
				{msg: managerMsg("/staff add @U9 manager"), want: []string{changed("bob", ledger.RoleStaff, ledger.RoleManager)}, check: roleOf("slack:U9", ledger.RoleManager)},
				{msg: managerMsg("/staff add @U9 직원"), want: []string{changed("bob", ledger.RoleManager, ledger.RoleStaff)}, check: roleOf("slack:U9", ledger.RoleStaff)},
				{msg: managerMsg("/staff add @U9 staff"), want: []string{h.text("core.staff.already", map[string]any{"User": "bob", "Role": role(ledger.RoleStaff)})}},
				{msg: managerMsg("/staff add @U9 boss"), ids: []string{"core.staff.usage"}, check: roleOf("slack:U9", ledger.RoleStaff)},
				{msg: managerMsg("/staff add W0ABC123"), want: []string{h.text("core.staff.added", map[string]any{"User": "W0ABC123", "Role": role(ledger.RoleStaff)})}, check: roleOf("slack:W0ABC123", ledger.RoleStaff)},
				// The console's speakers are named: a name is theirs.
				{msg: console("/staff add 민지"), want: []string{h.text("core.staff.added", map[string]any{"User": "민지", "Role": role(ledger.RoleStaff)})}, check: roleOf("console:민지", ledger.RoleStaff)},
				{msg: console("/staff add @민지 매니저"), want: []string{changed("민지", ledger.RoleStaff, ledger.RoleManager)}, check: roleOf("console:민지", ledger.RoleManager)},
				{msg: console("/staff add @민지"), want: []string{h.text("core.staff.demote_ask", map[string]any{"User": "민지"})}, check: roleOf("console:민지", ledger.RoleManager)},
				{msg: press(console(""), "yes"), want: []string{changed("민지", ledger.RoleManager, ledger.RoleStaff)}, check: roleOf("console:민지", ledger.RoleStaff)},
			})
		})
	}
}

// TestStaffNameLearned: Slack gives a mention as an id alone, so a member
// granted by "/staff add @U9" is listed by their display name once they
// speak, and by the new one after a rename.
func TestStaffNameLearned(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			line := func(user string) string {
				return h.text("core.staff.line", map[string]any{"User": user, "Role": h.text(roleID(ledger.RoleStaff), nil)})
			}
			from := func(name, text string) Message {
				m := staffMsg(text)
				m.UserID, m.UserName, m.ConversationID = "U9", name, "DU9"
				return m
			}
			listed := func(want, not string) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, _ []Reply) {
					t.Helper()
					out := allText(h.send(managerMsg("/staff")))
					if !strings.Contains(out, line(want)) || not != "" && strings.Contains(out, line(not)) {
						t.Errorf("/staff lists\n%s\nwant %q, not %q", out, line(want), line(not))
					}
				}
			}
			runSteps(t, h, []step{
				{msg: managerMsg("/staff add @U9 " + word(h, "직원", "staff")), check: listed("U9", "")},
				{msg: from("밥", "/help"), check: listed("밥", "U9")},
				{msg: from("Bobby", "/help"), check: listed("Bobby", "밥")},
			})
		})
	}
}

// TestStaffListTrusted: /staff in the console, whose speakers are asserted
// by :as, says that they hold no grant instead of "등록된 사람이 없어요"
// alone (tester X2: 민지 and 지현 had just spoken as staff); the list of a
// shop with configured members says it under them; Slack's list says
// nothing of the console.
func TestStaffListTrusted(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			console := func(text string) Message {
				return Message{Channel: ChannelConsole, UserID: "사장", UserName: "사장", ConversationID: "manager:사장", Role: ledger.RoleManager, Text: text, Private: true, Lang: lang}
			}
			none, trusted := h.text("core.staff.none_trusted", nil), h.text("core.staff.trusted_note", nil)
			runSteps(t, h, []step{
				{msg: console("/staff"), want: []string{trusted, h.text("core.staff.head", map[string]any{"Count": 3})}},
				{msg: managerMsg("/staff"), not: []string{trusted}},
			})
			h.cfg.Managers, h.cfg.Staff = nil, nil
			h.reopen()
			runSteps(t, h, []step{
				{msg: console("/staff"), want: []string{none}, not: []string{h.text("core.staff.none", nil)}},
			})
		})
	}
}
