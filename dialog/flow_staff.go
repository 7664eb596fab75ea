package dialog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// followUpWindow is how far back /followups looks for overdue ones.
const followUpWindow = 30 * 24 * time.Hour

// maxFollowUps bounds the follow-ups listed (and their buttons) at once.
const maxFollowUps = 15

// cmdStaff: /staff lists who has a role; /staff add <user> [manager] and
// /staff remove <user> change ledger grants (configured ones are fixed).
func (t *turn) cmdStaff(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "", "list", "목록":
		return t.listStaff()
	case "add", "추가":
		user, role := firstField(rest)
		id, ok := t.userRef(user)
		if !ok {
			t.say("core.staff.usage", nil)
			return nil
		}
		r := ledger.RoleStaff
		switch strings.ToLower(role) {
		case "":
		case "manager", "매니저", "관리자":
			r = ledger.RoleManager
		default:
			t.say("core.staff.usage", nil)
			return nil
		}
		if t.e.configuredStaff(id) != ledger.RoleNone {
			t.say("core.staff.configured", map[string]any{"User": userLabel(id, mentionName(user))})
			return nil
		}
		if had, ok, err := t.tx.Staff(id); err != nil {
			return fmt.Errorf("dialog: read staff: %w", err)
		} else if ok && had.Role == r {
			// Said so, not granted again: "권한을 드렸어요" twice read as if
			// the first had not taken.
			t.say("core.staff.already", map[string]any{"User": userLabel(id, had.Name), "Role": t.text(roleID(r), nil)})
			return nil
		}
		m := ledger.StaffMember{ID: id, Name: mentionName(user), Role: r, GrantedBy: t.actor.ID(), At: t.now}
		if err := t.tx.PutStaff(m); err != nil {
			return fmt.Errorf("dialog: grant staff: %w", err)
		}
		t.say("core.staff.added", map[string]any{"User": userLabel(id, m.Name), "Role": t.text(roleID(r), nil)})
		return nil
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
	if len(lines) == 0 {
		// Not "1명" over a line saying there is nobody.
		t.say("core.staff.none", nil)
		return nil
	}
	t.add(t.mkSections(t.text("core.staff.head", map[string]any{"Count": len(lines)}), []Section{{Lines: lines}}))
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
	names := map[string]ledger.Customer{}
	audited := map[string]bool{}
	var lines []string
	var shown []shownFollowUp
	total := 0
	for _, n := range due {
		c, ok := names[n.CustomerID]
		if !ok {
			got, err := t.tx.Customer(n.CustomerID)
			if errors.Is(err, ledger.ErrCustomerNotFound) {
				got, err = ledger.Customer{Erased: true}, nil
			}
			if err != nil {
				return fmt.Errorf("dialog: read customer: %w", err)
			}
			c = got
			names[n.CustomerID] = c
		}
		if c.Erased {
			// Nobody to call back, and nothing of theirs to show (as in
			// the follow-up DMs).
			continue
		}
		total++
		if len(lines) == maxFollowUps {
			continue
		}
		if !audited[n.CustomerID] {
			audited[n.CustomerID] = true
			if err := t.audit("read", n.CustomerID, "followups"); err != nil {
				return err
			}
		}
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
		lines = append(lines, line)
		shown = append(shown, shownFollowUp{noteID: n.ID, customerID: n.CustomerID, data: d})
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
