package dialog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
)

// followUpWindow is how far back /followups looks for overdue ones: as
// far as the summary's care list (feedback.OverdueWindow).
const followUpWindow = feedback.OverdueWindow

// maxFollowUps bounds the follow-ups listed (and their buttons) at once.
const maxFollowUps = 15

// cmdStaff: /staff lists who has a role; /staff add <user> [role] and
// /staff remove <user> change ledger grants (configured ones are fixed).
func (t *turn) cmdStaff(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "", "list", "목록":
		return t.listStaff()
	case "add", "추가":
		return t.staffAdd(rest)
	case "remove", "rm", "delete", "삭제":
		user, _ := firstField(rest)
		id, ok := t.userRef(user)
		if !ok {
			t.say("core.staff.usage", nil)
			return nil
		}
		if t.e.configuredStaff(id) != ledger.RoleNone {
			t.say("core.staff.configured", map[string]any{"User": userLabel(id, mentionName(user))})
			return nil
		}
		m, ok, err := t.tx.Staff(id)
		if err != nil {
			return fmt.Errorf("dialog: read staff: %w", err)
		} else if !ok {
			t.say("core.staff.not_found", map[string]any{"User": userLabel(id, mentionName(user))})
			return nil
		}
		if err := t.tx.RemoveStaff(id); err != nil {
			return fmt.Errorf("dialog: revoke staff: %w", err)
		}
		t.say("core.staff.removed", map[string]any{"User": userLabel(id, m.Name)})
		return nil
	}
	t.say("core.staff.usage", nil)
	return nil
}

// staffRoleWords name a role in /staff add <user> [role]: staff unless a
// manager's word follows.
var staffRoleWords = map[string]ledger.Role{
	"staff": ledger.RoleStaff, "직원": ledger.RoleStaff, "스태프": ledger.RoleStaff,
	"manager": ledger.RoleManager, "매니저": ledger.RoleManager, "관리자": ledger.RoleManager,
}

// staffAdd: /staff add <user> [직원|매니저]. A platform's user is named by
// a mention (a name typed as text is refused, Config.UserIDs); a manager
// made staff by "/staff add @민지" alone is asked about first, since the
// role word left out was read as staff; an explicit one changes it at once.
func (t *turn) staffAdd(rest string) error {
	user, word := firstField(rest)
	id, ok := t.userRef(user)
	if !ok {
		t.say("core.staff.usage", nil)
		return nil
	}
	r, explicit := ledger.RoleStaff, word != ""
	if explicit {
		if r, ok = staffRoleWords[strings.ToLower(word)]; !ok {
			t.say("core.staff.usage", nil)
			return nil
		}
	}
	if !t.isUserID(id) {
		t.say("core.staff.not_user", map[string]any{"User": strings.TrimSpace(user)})
		return nil
	}
	if t.e.configuredStaff(id) != ledger.RoleNone {
		t.say("core.staff.configured", map[string]any{"User": userLabel(id, mentionName(user))})
		return nil
	}
	had, found, err := t.tx.Staff(id)
	if err != nil {
		return fmt.Errorf("dialog: read staff: %w", err)
	}
	if found && had.Role == r {
		// Said so, not granted again: "권한을 드렸어요" twice read as if
		// the first had not taken.
		t.say("core.staff.already", map[string]any{"User": userLabel(id, had.Name), "Role": t.text(roleID(r), nil)})
		return nil
	}
	name := mentionName(user)
	if name == "" && found {
		name = had.Name
	}
	if found && had.Role == ledger.RoleManager && !explicit {
		t.begin(flowStaff)
		t.sess.Draft["id"], t.sess.Draft["name"] = id, name
		t.add(t.demoteQuestion(id, name, ""))
		return nil
	}
	return t.grantRole(id, name, r, found, had.Role)
}

// grantRole gives id role r, saying what changed: a grant, or a role
// changed from the one it had.
func (t *turn) grantRole(id, name string, r ledger.Role, had bool, was ledger.Role) error {
	m := ledger.StaffMember{ID: id, Name: name, Role: r, GrantedBy: t.actor.ID(), At: t.now}
	if err := t.tx.PutStaff(m); err != nil {
		return fmt.Errorf("dialog: grant staff: %w", err)
	}
	if had && was != r {
		t.say("core.staff.changed", map[string]any{"User": userLabel(id, name), "From": t.text(roleID(was), nil), "To": t.text(roleID(r), nil)})
		return nil
	}
	t.say("core.staff.added", map[string]any{"User": userLabel(id, name), "Role": t.text(roleID(r), nil)})
	return nil
}

// flowStaff holds a demotion's confirmation until it is answered.
const flowStaff = "staff"

// staffFlow is the state machine of flowStaff: one question.
func staffFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.staff",
		initial: "demote",
		roles:   []ledger.Role{ledger.RoleManager},
		events:  fsm.Events{{Name: "answered", Src: []string{"demote"}, Dst: stateDone}},
		step:    (*turn).staffStep,
	}
}

// demoteQuestion asks whether manager id is to be made staff.
func (t *turn) demoteQuestion(id, name, why string) Reply {
	text := t.text("core.staff.demote_ask", map[string]any{"User": userLabel(id, name)})
	if why != "" {
		text = t.text(why, nil) + "\n" + text
	}
	return t.mk(text, t.btn("core.staff.btn.demote", "yes"), t.btn("core.staff.btn.keep", "no"))
}

// staffStep reads the answer to demoteQuestion: a typed yes ("네",
// "yes") is [직원으로 바꾸기] and a typed no [그대로 두기].
func (t *turn) staffStep(in input) error {
	id, name := t.sess.Draft["id"], t.sess.Draft["name"]
	answer := typedStep(in, nil, nil)
	switch {
	case answer > 0 || t.isButton(in, "yes", "core.staff.btn.demote"):
		if err := t.fire("answered"); err != nil {
			return err
		}
		t.end()
		had, found, err := t.tx.Staff(id)
		if err != nil {
			return fmt.Errorf("dialog: read staff: %w", err)
		}
		if found && had.Role == ledger.RoleStaff {
			t.say("core.staff.already", map[string]any{"User": userLabel(id, name), "Role": t.text(roleID(ledger.RoleStaff), nil)})
			return nil
		}
		// Removed meanwhile: granted again as staff, as asked.
		return t.grantRole(id, name, ledger.RoleStaff, found, had.Role)
	case answer < 0 || t.isButton(in, "no", "core.staff.btn.keep"):
		if err := t.fire("answered"); err != nil {
			return err
		}
		t.end()
		t.say("core.staff.demote_kept", map[string]any{"User": userLabel(id, name)})
		return nil
	}
	t.add(t.demoteQuestion(id, name, "core.staff.demote_reask"))
	return nil
}

// isUserID reports whether platform-qualified id is one of its channel's
// user ids, by Config.UserIDs; a channel without a rule takes any.
func (t *turn) isUserID(id string) bool {
	ch, bare, _ := strings.Cut(id, ":")
	valid, ok := t.e.userIDs[ch]
	return !ok || valid(bare)
}

// userRef reads a user named in a command: a Slack mention (<@U123>,
// <@U123|name>), @U123, a plain id, or an already qualified "slack:U123".
// Unqualified ids are taken to be on the sender's platform.
func (t *turn) userRef(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<@"), ">")
		s, _, _ = strings.Cut(s, "|")
	}
	s = strings.TrimPrefix(s, "@")
	if s == "" || strings.ContainsAny(s, " \t<>|@") {
		return "", false
	}
	if strings.Contains(s, ":") {
		ch, id, _ := strings.Cut(s, ":")
		if ch == "" || id == "" {
			return "", false
		}
		return s, true
	}
	return t.m.Channel + ":" + s, true
}

// mentionName is the display name a mention carries (<@U123|jisu>), or
// "" when it carries none.
func mentionName(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "<@") || !strings.HasSuffix(s, ">") {
		return ""
	}
	_, name, _ := strings.Cut(strings.TrimSuffix(s, ">"), "|")
	return strings.TrimSpace(name)
}

// userLabel is how a person with a role is named to people: their display
// name when known, else the id as it was typed, never the
// platform-qualified key ("console:지수") the ledger uses.
func userLabel(id, name string) string {
	if name != "" {
		return name
	}
	if _, bare, ok := strings.Cut(id, ":"); ok && bare != "" {
		return bare
	}
	return id
}

// roleID is the catalog id naming a role.
func roleID(r ledger.Role) string {
	if r == ledger.RoleManager {
		return "core.role.manager"
	}
	return "core.role.staff"
}

// learnStaffName keeps a ledger-granted member's name as their platform
// shows it when they speak. Slack hands a mention to the engine as an id
// alone ("/staff add @U123"), so a grant starts without a name, and /staff,
// audits and threads would show U123 for good; a person renamed in Slack is
// shown by the new name. The write happens once per change, on a turn that
// writes anyway (staff turns are audited).
func (t *turn) learnStaffName() error {
	if t.m.UserName == "" || !t.e.staffCh[t.m.Channel] {
		return nil
	}
	m, ok, err := t.tx.Staff(t.pid)
	if err != nil {
		return fmt.Errorf("dialog: read staff: %w", err)
	}
	if !ok || m.Name == t.m.UserName {
		return nil
	}
	m.Name = t.m.UserName
	if err := t.tx.PutStaff(m); err != nil {
		return fmt.Errorf("dialog: keep staff name: %w", err)
	}
	return nil
}

func (t *turn) listStaff() error {
	var lines []string
	add := func(id, name string, r ledger.Role, src string) {
		lines = append(lines, t.text(src, map[string]any{"User": userLabel(id, name), "Role": t.text(roleID(r), nil)}))
	}
	for _, id := range sortedKeys(t.e.managers) {
		add(id, "", ledger.RoleManager, "core.staff.line_config")
	}
	for _, id := range sortedKeys(t.e.staff) {
		add(id, "", ledger.RoleStaff, "core.staff.line_config")
	}
	ms, err := t.tx.ListStaff()
	if err != nil {
		return fmt.Errorf("dialog: list staff: %w", err)
	}
	for _, m := range ms {
		add(m.ID, m.Name, m.Role, "core.staff.line")
	}
	// A trusted channel (the console) says who speaks and in which role
	// (:as staff 민지): a word for the message, not a grant, so its
	// speakers are in no list. Said, where "등록된 사람이 없어요" read as if
	// 민지 and 지현, who had just spoken as staff, had no role.
	trusted := t.e.trusted[t.m.Channel]
	if len(lines) == 0 {
		// Not "1명" over a line saying there is nobody.
		if trusted {
			t.say("core.staff.none_trusted", nil)
			return nil
		}
		t.say("core.staff.none", nil)
		return nil
	}
	head := t.text("core.staff.head", map[string]any{"Count": len(lines)})
	if trusted {
		head += "\n" + t.text("core.staff.trusted_note", nil)
	}
	t.add(t.mkSections(head, []Section{{Lines: lines}}))
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// today returns midnight of now in the shop's time zone.
func (t *turn) today() time.Time {
	y, m, d := t.now.In(t.e.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.e.loc)
}

// cmdFollowUps lists follow-ups due today or overdue (up to 30 days), not
// done: a staff member's own, every one for managers, with a done button each.
func (t *turn) cmdFollowUps(string) error {
	today := t.today()
	from, to := today.Add(-followUpWindow), today.AddDate(0, 0, 1)
	var due []ledger.Note
	err := t.tx.ScanFollowUps(from, to, func(n ledger.Note) error {
		if !n.FollowUpDone && (t.role == ledger.RoleManager || n.StaffID == t.actor.ID()) {
			due = append(due, n)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dialog: scan follow-ups: %w", err)
	}
	audit := func(customerID string) error { return t.audit("read", customerID, "followups") }
	lines, shown, total, err := showFollowUps(t.tx, due, audit, func(n ledger.Note, c ledger.Customer) (string, map[string]any) {
		d := map[string]any{"Date": t.day(n.FollowUp), "Name": c.Name, "Phone": formatPhone(c.Phone), "Text": n.Text}
		id := "core.followups.line"
		if n.FollowUp.Before(today) {
			id = "core.followups.line_overdue"
		}
		line := t.text(id, d)
		if t.role == ledger.RoleManager && n.StaffID != t.actor.ID() && n.StaffName != "" {
			// A manager sees everyone's: whose each is, as the summary says.
			line += " " + t.text("core.followups.whose", map[string]any{"Staff": n.StaffName})
		}
		return line, d
	})
	if err != nil {
		return err
	}
	if total == 0 {
		t.say("core.followups.none", nil)
		return nil
	}
	r := t.mkSections(t.text("core.followups.head", map[string]any{"Count": total}), []Section{{Lines: lines}})
	r.Buttons = t.e.followUpButtons(t.lang, shown) // flow_followup_send.go
	// Full phones, so the staff member can call: for them only.
	r.Private = true
	t.add(r)
	return nil
}

// followUpDone marks a note's follow-up done ("fu:<noteID>").
func (t *turn) followUpDone(id string) error {
	n, err := t.tx.Note(id)
	if errors.Is(err, ledger.ErrNotFound) {
		t.sayStale()
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read note: %w", err)
	}
	c, err := t.tx.Customer(n.CustomerID)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		// The customer was erased since the button was offered.
		t.sayStale()
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	if n.FollowUpDone {
		t.say("core.followups.already", map[string]any{"Name": c.Name})
		return nil
	}
	if err := t.tx.SetFollowUpDone(id); err != nil {
		return fmt.Errorf("dialog: follow-up done: %w", err)
	}
	if err := t.audit("followup", n.CustomerID, id); err != nil {
		return err
	}
	t.say("core.followups.done", map[string]any{"Name": c.Name})
	return nil
}
