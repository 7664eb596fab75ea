package dialog

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// /audit reads the audit trail (managers only): /audit <customer> shows the
// last auditLimit reads and changes of that record, /audit @staff the last
// auditLimit of one person. Entries are read through the ledger, which
// opens their sealed actor and detail; an entry whose customer was erased
// since reads with its detail gone (its actor stays, but for an entry
// written by a dangol from before actors were sealed under the shop key
// too: that one says so).
//
// Reading a customer's trail is itself a read of their record and is
// audited ("read", "audit"); reading a person's trail names many customers
// but shows none of their records, so it is audited once, without a
// customer ("audit", the person's id).

// auditLimit is how many entries /audit shows.
const auditLimit = 20

// cmdAudit: /audit <customer> or /audit @staff.
func (t *turn) cmdAudit(args string) error {
	args = strings.TrimSpace(args)
	if args == "" {
		t.say("customers.audit.usage", nil)
		return nil
	}
	if strings.HasPrefix(args, "@") || strings.HasPrefix(args, "<@") {
		id, ok := t.userRef(args)
		if !ok {
			t.say("customers.audit.usage", nil)
			return nil
		}
		return t.auditOfActor(id, mentionName(args))
	}
	return t.withCustomer("audit", args)
}

// actAudit shows the audit trail of customer c.
func (t *turn) actAudit(c ledger.Customer, _ string) error {
	es, err := t.tx.AuditOf(c.ID, auditLimit)
	if err != nil {
		return fmt.Errorf("dialog: read audit: %w", err)
	}
	if err := t.audit("read", c.ID, "audit"); err != nil {
		return err
	}
	if len(es) == 0 {
		t.say("customers.audit.none_customer", map[string]any{"Name": c.Name})
		return nil
	}
	lines := make([]string, 0, len(es))
	for _, e := range es {
		lines = append(lines, t.auditLine(e, t.actorLabel(e.ActorID), ""))
	}
	head := t.text("customers.audit.head_customer", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone), "Count": len(es)})
	r := t.mkSections(head, []Section{{Lines: lines}})
	r.Private = true
	t.add(r)
	return nil
}

// auditOfActor shows the last entries of one person.
func (t *turn) auditOfActor(id, name string) error {
	es, err := t.tx.AuditBy(id, auditLimit)
	if err != nil {
		return fmt.Errorf("dialog: read audit: %w", err)
	}
	if err := t.audit("audit", "", id); err != nil {
		return err
	}
	who := name
	if who == "" {
		who = t.actorLabel(id)
	}
	if len(es) == 0 {
		t.say("customers.audit.none_actor", map[string]any{"Actor": who})
		return nil
	}
	names := map[string]string{}
	lines := make([]string, 0, len(es))
	for _, e := range es {
		subject, ok := names[e.CustomerID]
		if !ok && e.CustomerID != "" {
			subject = e.CustomerID
			if c, err := t.tx.Customer(e.CustomerID); err == nil && c.Erased {
				subject = t.text("customers.audit.erased", nil)
			} else if err == nil && c.Name != "" {
				subject = c.Name
			}
			names[e.CustomerID] = subject
		}
		lines = append(lines, t.auditLine(e, who, subject))
	}
	head := t.text("customers.audit.head_actor", map[string]any{"Actor": who, "Count": len(es)})
	r := t.mkSections(head, []Section{{Lines: lines}})
	r.Private = true
	t.add(r)
	return nil
}

// auditLine is one entry: when, who, what, and of whom when subject is set.
func (t *turn) auditLine(e ledger.AuditEntry, who, subject string) string {
	if e.ActorID == "" {
		who = t.text("customers.audit.erased", nil)
	}
	what := t.auditAction(e.Action)
	if d := t.auditDetail(e); d != "" {
		what += " (" + d + ")"
	}
	d := map[string]any{"When": e.At.In(t.e.loc).Format("2006-01-02 15:04"), "Who": who, "What": what, "Subject": subject}
	if subject == "" {
		return t.text("customers.audit.line", d)
	}
	return t.text("customers.audit.line_subject", d)
}

// auditDetail words an entry's detail. The trail records details in one
// form for every language and for the export ("card", "earn 2750", a
// field, a record's id); a known form is worded from the catalog
// (auditDetails, by action and first word, with the rest of the detail as
// Arg, and as Points, Signed and Count when it is a number), a record's id
// is left out (the time and the action say which record, and the id means
// nothing to staff), and anything else is shown as recorded.
func (t *turn) auditDetail(e ledger.AuditEntry) string {
	d := strings.TrimSpace(e.Detail)
	switch {
	case d == "" || e.Action == "list":
		return ""
	case e.Action == "edit" && slices.Contains(editFields, d):
		return t.fieldName(d)
	case e.Action == "audit":
		return t.actorLabel(d)
	case e.Action == "programme":
		return t.programmeDetail(d, e.At)
	case e.Action == "tier":
		return t.tierDetail(d, e.At)
	case ledger.IsID(d):
		return ""
	}
	word, arg, _ := strings.Cut(d, " ")
	id, ok := auditDetails[e.Action][word]
	if !ok {
		return d
	}
	data := map[string]any{"Arg": arg}
	if n, err := strconv.ParseInt(arg, 10, 64); err == nil {
		data["Points"], data["Count"] = t.pts(n), n
		data["Signed"] = t.pts(n)
		if n > 0 {
			data["Signed"] = "+" + t.pts(n)
		}
	}
	return t.text(id, data)
}

// auditAction names an audit action in the shop's words; an action this
// version does not know is shown as recorded.
func (t *turn) auditAction(action string) string {
	if id, ok := auditActions[action]; ok {
		return t.text(id, nil)
	}
	return action
}

// auditActions are the catalog ids of the actions the trail records
// (ledger.AuditEntry.Action).
var auditActions = map[string]string{
	"read":           "customers.audit.action.read",
	"list":           "customers.audit.action.list",
	"create":         "customers.audit.action.create",
	"edit":           "customers.audit.action.edit",
	"note":           "customers.audit.action.note",
	"note.edit":      "customers.audit.action.note.edit",
	"note.delete":    "customers.audit.action.note.delete",
	"points":         "customers.audit.action.points",
	"answer":         "customers.audit.action.answer",
	"followup":       "customers.audit.action.followup",
	"link":           "customers.audit.action.link",
	"import":         "customers.audit.action.import",
	"erase":          "customers.audit.action.erase",
	"audit":          "customers.audit.action.audit",
	"coupon":         "customers.audit.action.coupon",
	"stamps":         "customers.audit.action.stamps",
	"winback":        "customers.audit.action.winback",
	"tier":           "customers.audit.action.tier",
	"programme":      "customers.audit.action.programme",
	"thread_claim":   "customers.audit.action.thread_claim",
	"thread_close":   "customers.audit.action.thread_close",
	"thread_reopen":  "customers.audit.action.thread_reopen",
	"thread_reply":   "customers.audit.action.thread_reply",
	"thread_resolve": "customers.audit.action.thread_resolve",
}

// auditDetails are the catalog ids of the details worded from the catalog,
// by action and the detail's first word ("earn" of "earn 2750").
var auditDetails = map[string]map[string]string{
	"read": {
		"card":            "customers.audit.detail.read.card",
		"coupons":         "customers.audit.detail.read.coupons",
		"points":          "customers.audit.detail.read.points",
		"form":            "customers.audit.detail.read.form",
		"audit":           "customers.audit.detail.read.audit",
		"followups":       "customers.audit.detail.read.followups",
		"followups-dm":    "customers.audit.detail.read.followups-dm",
		"followup-draft":  "customers.audit.detail.read.followup-draft",
		"followup-phone":  "customers.audit.detail.read.followup-phone",
		"winback-refused": "customers.audit.detail.read.winback-refused",
		"winback-draft":   "customers.audit.detail.read.winback-draft",
	},
	"link": {"code": "customers.audit.detail.link.code"},
	"erase": {
		ledger.EraseReasonManager:  "customers.audit.detail.erase.manager",
		ledger.EraseReasonSelf:     "customers.audit.detail.erase.self",
		ledger.EraseReasonRestored: "customers.audit.detail.erase.restored",
	},
	"winback": {"queued": "customers.audit.detail.winback.queued", "sent": "customers.audit.detail.winback.sent"},
	"points": {
		"earn":    "customers.audit.detail.points.earn",
		"redeem":  "customers.audit.detail.points.redeem",
		"adjust":  "customers.audit.detail.points.adjust",
		"reverse": "customers.audit.detail.points.reverse",
	},
	"stamps": {
		"add":     "customers.audit.detail.stamps.add",
		"reverse": "customers.audit.detail.stamps.reverse",
		"fill":    "customers.audit.detail.stamps.fill",
	},
	"coupon": {"give": "customers.audit.detail.coupon.give", "use": "customers.audit.detail.coupon.use"},
}

// actorLabel names an actor id: a granted staff member's name, else the bare
// id.
func (t *turn) actorLabel(id string) string {
	if id == "" {
		return ""
	}
	if id == ledger.SelfActor {
		return t.text("customers.audit.self", nil)
	}
	if label, ok := systemActors[id]; ok {
		// dangol's own jobs, named in the reader's language: the bare
		// "retention" showed in a Korean trail.
		return t.text(label, nil)
	}
	if m, ok, err := t.tx.Staff(id); err == nil && ok && m.Name != "" {
		return m.Name
	}
	return userLabel(id, "")
}

// systemActors are the catalog ids naming dangol's own jobs as actors.
var systemActors = map[string]string{
	ledger.RetentionActor: "customers.audit.system.retention",
	ledger.RestoreActor:   "customers.audit.system.restore",
	"system:expiry":       "customers.audit.system.expiry",
	"system:birthday":     "customers.audit.system.birthday",
	"system:import":       "customers.audit.system.import",
	"system:winback":      "customers.audit.system.winback",
}

// auditTierMoves are the catalog ids of a tier move (tierDetail).
var auditTierMoves = map[string]string{
	"pin":   "customers.audit.detail.tier.pin",
	"unpin": "customers.audit.detail.tier.unpin",
	"start": "customers.audit.detail.tier.start",
}

// auditProgrammeParts are the catalog ids naming each part of a programme
// change (programmeDetail).
var auditProgrammeParts = map[string]string{
	string(ledger.PartRate):     "customers.audit.detail.programme.rate",
	string(ledger.PartTiers):    "customers.audit.detail.programme.tiers",
	string(ledger.PartStamps):   "customers.audit.detail.programme.stamps",
	string(ledger.PartExpiry):   "customers.audit.detail.programme.expiry",
	string(ledger.PartBirthday): "customers.audit.detail.programme.birthday",
	string(ledger.PartWinBack):  "customers.audit.detail.programme.winback",
}

// auditUnits are the catalog ids of each word programmeUnits matches, one
// for every word its pattern names.
var auditUnits = map[string]string{
	"mo":       "customers.audit.unit.mo",
	"d":        "customers.audit.unit.d",
	"v":        "customers.audit.unit.v",
	"w":        "customers.audit.unit.w",
	"off":      "customers.audit.unit.off",
	"manual":   "customers.audit.unit.manual",
	"auto":     "customers.audit.unit.auto",
	"all time": "customers.audit.unit.all_time",
}

// programmeUnits are the audit trail's compact words of a programme change
// ("12mo", "30d", "5v", "500000w", "off", "auto", "all time"), worded
// from the catalog (auditUnits), and the "item:" of a
// reward that is a thing, left out.
var programmeUnits = regexp.MustCompile(`\b(\d+)(mo|d|v|w)\b|\b(off|manual|auto|all time)\b|\bitem:`)

// tierDetail words a tier move, recorded as "pin old → new", "unpin old
// → new" (ledger PinTier) or "start computed → new" (StartTier, with
// " until 2027-12-01" when the start held its tier) with the tiers' ids:
// the move in the shop's words and each tier as the shop calls it under
// the programme then in force (일반, 단골, its own 골드), never the id
// ("new"); a form this version does not know is shown as recorded.
func (t *turn) tierDetail(d string, at time.Time) string {
	move, tiers, _ := strings.Cut(d, " ")
	from, to, ok := strings.Cut(tiers, " → ")
	id, known := auditTierMoves[move]
	if !ok || !known {
		return d
	}
	p, err := t.tx.ProgrammeAt(at)
	if err != nil {
		return d
	}
	data := map[string]any{"From": t.tierNameOf(p, from), "To": t.tierNameOf(p, to)}
	if i := strings.LastIndex(to, " until "); move == "start" && i >= 0 {
		if _, err := time.Parse(time.DateOnly, to[i+len(" until "):]); err == nil {
			data["To"], data["Until"] = t.tierNameOf(p, to[:i]), to[i+len(" until "):]
			id = "customers.audit.detail.tier.start_held"
		}
	}
	return t.text(id, data)
}

// programmeDetail words a programme change, recorded as "part: old → new"
// (ledger setPart) at at: the part by its name, the compact form's units
// and words, and for the tiers each tier by its name (tierNames); the rest
// (amounts, rates, rewards) as recorded.
func (t *turn) programmeDetail(d string, at time.Time) string {
	part, change, ok := strings.Cut(d, ": ")
	id, known := auditProgrammeParts[part]
	if !ok || !known {
		return d
	}
	if part == string(ledger.PartTiers) {
		change = t.tierNames(change, at)
	}
	change = programmeUnits.ReplaceAllStringFunc(change, func(m string) string {
		sub := programmeUnits.FindStringSubmatch(m)
		if m == "item:" {
			return "" // a reward that is a thing: its name says it
		}
		unit, ok := auditUnits[sub[2]+sub[3]] // one of the two is matched
		if !ok {
			return m
		}
		return t.text(unit, map[string]any{"N": sub[1]})
	})
	return t.text(id, nil) + ": " + change
}

// tierNames names the tiers of a tiers change, "all time: new; vip 15v →
// 12mo: new; gold 10v", as the shop calls them (TierName): each level
// starts with its id, a built-in one or one of the programme's before or
// after the change at at. The window before the first level is left to
// the units.
func (t *turn) tierNames(change string, at time.Time) string {
	levels := map[string]ledger.Tier{}
	for id := range builtinTiers {
		levels[id] = ledger.Tier{ID: id}
	}
	for _, when := range []time.Time{at.Add(-time.Nanosecond), at} {
		if p, err := t.tx.ProgrammeAt(when); err == nil {
			for _, l := range p.Tiers.Levels {
				levels[l.ID] = l
			}
		}
	}
	sides := strings.Split(change, " → ")
	for i, side := range sides {
		window, rest, ok := strings.Cut(side, ": ")
		if !ok {
			continue
		}
		segs := strings.Split(rest, "; ")
		for j, seg := range segs {
			best := ""
			for id := range levels {
				if (seg == id || strings.HasPrefix(seg, id+" ")) && len(id) > len(best) {
					best = id
				}
			}
			if best != "" {
				segs[j] = t.tierName(levels[best]) + seg[len(best):]
			}
		}
		sides[i] = window + ": " + strings.Join(segs, "; ")
	}
	return strings.Join(sides, " → ")
}
