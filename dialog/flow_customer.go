package dialog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// maxMatches bounds the customers offered as buttons when a name is ambiguous.
const maxMatches = 8

// customerAct is what a staff command does once its customer is known; rest
// is what followed the customer in the command.
type customerAct func(t *turn, c ledger.Customer, rest string) error

// customerActs are the acts a pick button can resume, by name (stored in the
// pick flow's draft).
var customerActs map[string]customerAct

func init() {
	customerActs = map[string]customerAct{
		"card":          (*turn).actCard,
		"edit":          (*turn).actEdit,  // flow_customer_edit.go
		"erase":         (*turn).actErase, // flow_customer_edit.go
		"note":          (*turn).actNote,
		"points.add":    (*turn).actPointsAdd,
		"points.redeem": (*turn).actPointsRedeem,
		"points.show":   (*turn).actPointsShow,
		"points.void":   (*turn).actPointsVoid, // flow_corrections.go
		"note.edit":     (*turn).actNoteEdit,   // flow_corrections.go
		"note.delete":   (*turn).actNoteDelete, // flow_corrections.go
		"link":          (*turn).actLink,
		"audit":         (*turn).actAudit,      // flow_audit.go
		"stamp":         (*turn).actStamp,      // flow_stamp.go
		"stamp.void":    (*turn).actStampVoid,  // flow_stamp.go
		"coupon.give":   (*turn).actCouponGive, // flow_coupon.go
		"coupon.list":   (*turn).actCouponList, // flow_coupon.go
		"coupon.use":    (*turn).actCouponUse,  // flow_coupon.go
		"coupon.void":   (*turn).actCouponVoid, // flow_coupon_correct.go
		"tier.pin":      (*turn).actTierPin,    // flow_program.go
	}
}

// lookup finds the customers q names as a whole: a phone number exactly,
// else FindCustomers (exact names, ids, last 4 digits, name prefixes),
// preferring exact name matches. phone is set when q is a phone number.
func (t *turn) lookup(q string) (cs []ledger.Customer, phone string, err error) {
	q = strings.TrimSpace(q)
	if m, ok := mobileWithout010(q); ok {
		q = m
	}
	if digits, ok := ledger.NormalizePhone(q); ok {
		c, err := t.tx.CustomerByPhone(digits)
		if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
			return nil, digits, nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("dialog: find customer by phone: %w", err)
		}
		return []ledger.Customer{c}, digits, nil
	}
	all, err := t.tx.FindCustomers(q, maxMatches)
	if err != nil {
		return nil, "", fmt.Errorf("dialog: find customers: %w", err)
	}
	return narrow(all, q), "", nil
}

// narrow keeps the exact matches of q (name, spaces aside, or id) when
// there are any.
func narrow(cs []ledger.Customer, q string) []ledger.Customer {
	var exact []ledger.Customer
	for _, c := range cs {
		if ledger.SameName(c.Name, q) || c.ID == q {
			exact = append(exact, c)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return cs
}

// mobileWithout010 reads a mobile number written without its 010, as staff
// often write one ("1234-5678", "1234 5678", "12345678"): every Korean
// mobile number is 010 and eight digits, so eight digits are that number,
// and the answer shows it as 010-1234-5678, the reading in plain sight. A
// search on the last eight digits would find the same customer by a scan
// the blind phone index cannot do. Eight digits starting with 0 are not
// taken (02-123-4567 is a Seoul line). A shop line such as 1588-1234 reads
// as 010-1588-1234, which finds nobody and says so: harmless in a lookup,
// and lookups are the only use: registering needs the whole number.
func mobileWithout010(s string) (string, bool) {
	s = strings.TrimSpace(foldFullWidth(s))
	if len(s) == 9 && strings.ContainsRune("- .", rune(s[4])) {
		s = s[:4] + s[5:]
	}
	if len(s) != 8 || !isBareNumber(s) || s[0] == '0' {
		return "", false
	}
	return "010" + s, true
}

// phonePieces is how many words a phone may be written in: "010 1234
// 5678", "+82 10 1234 5678".
const phonePieces = 4

// lookupLead finds the customer named at the start of a one-liner's
// arguments and returns what follows. A phone may be written in up to
// phonePieces pieces; a name with spaces is matched by the longest prefix
// that is some customer's exact name, spaces aside ("박 서준" is 박서준).
func (t *turn) lookupLead(args string) (cs []ledger.Customer, query, phone, rest string, err error) {
	toks := strings.Fields(args)
	if len(toks) == 0 {
		return nil, "", "", "", nil
	}
	for i := min(phonePieces, len(toks)); i >= 1; i-- {
		_, ok := ledger.NormalizePhone(strings.Join(toks[:i], ""))
		// Without its 010 only in one word ("1234-5678"): "5678 5000" is
		// the last four digits and an amount.
		if _, short := mobileWithout010(toks[0]); ok || i == 1 && short {
			q := strings.Join(toks[:i], " ")
			cs, phone, err := t.lookup(strings.Join(toks[:i], ""))
			return cs, q, phone, dropFields(args, i), err
		}
	}
	// One search for the first word finds every name that starts with it,
	// so longer names are matched without more queries; only when it
	// filled up (a shop with 50 박s) may the name be beyond it, and the
	// longer leads are searched themselves.
	const leadMatches = 50
	all, err := t.tx.FindCustomers(toks[0], leadMatches)
	if err != nil {
		return nil, "", "", "", fmt.Errorf("dialog: find customers: %w", err)
	}
	for i := min(4, len(toks)); i >= 2; i-- {
		q := strings.Join(toks[:i], " ")
		among := all
		if len(all) >= leadMatches {
			if among, err = t.tx.FindCustomers(q, maxMatches); err != nil {
				return nil, "", "", "", fmt.Errorf("dialog: find customers: %w", err)
			}
		}
		var exact []ledger.Customer
		for _, c := range among {
			if ledger.SameName(c.Name, q) {
				exact = append(exact, c)
			}
		}
		if len(exact) > 0 {
			return exact, q, "", dropFields(args, i), nil
		}
	}
	cs = narrow(all, toks[0])
	if len(cs) > maxMatches {
		cs = cs[:maxMatches]
	}
	return cs, toks[0], "", dropFields(args, 1), nil
}

// withCustomerOr runs act on the customer args names, or says usage when
// a sub-command came without one ("/points add", "/coupon use").
func (t *turn) withCustomerOr(usage, act, args string) error {
	if args == "" {
		t.say(usage, nil)
		return nil
	}
	return t.withCustomer(act, args)
}

// withCustomer runs act on the customer named at the start of args.
func (t *turn) withCustomer(act, args string) error {
	cs, query, phone, rest, err := t.lookupLead(args)
	if err != nil {
		return err
	}
	return t.onMatches(act, cs, query, phone, rest)
}

// onMatches runs act on the one customer found, asks which one when there
// are several (act resumes when a pick button comes back), or says none was.
func (t *turn) onMatches(act string, cs []ledger.Customer, query, phone, rest string) error {
	switch len(cs) {
	case 0:
		if phone != "" {
			if act == "note" && rest != "" {
				return t.noteNewCustomer(phone, rest)
			}
			return refuse("core.err.phone_unknown", map[string]any{"Phone": formatPhone(phone)})
		}
		if act == "note" && rest != "" {
			return t.noteUnknownName(query, rest) // flow_note.go
		}
		if q := strings.TrimSpace(foldFullWidth(query)); len(q) == 4 && isBareNumber(q) {
			// A phone's last four digits, as /customer says it.
			return refuse("core.err.digits_unknown", map[string]any{"Query": q})
		}
		return refuse("core.err.customer_unknown", map[string]any{"Query": query})
	case 1:
		return customerActs[act](t, cs[0], rest)
	}
	t.begin(flowPick)
	t.sess.Draft["act"] = act
	t.sess.Draft["rest"] = rest
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	t.sess.Draft["ids"] = strings.Join(ids, ",")
	return t.askPick("core.pick.ask", map[string]any{"Query": query}, cs)
}

// askPick asks which customer was meant, with a button per candidate
// showing the name and masked phone. Showing them is a read of each record,
// so each is audited ("list").
func (t *turn) askPick(id string, data any, cs []ledger.Customer) error {
	for _, c := range cs {
		if err := t.audit("list", c.ID, ""); err != nil {
			return err
		}
	}
	t.add(t.pickReply(id, data, cs))
	return nil
}

// pickReply is the "which customer?" question with its buttons.
func (t *turn) pickReply(id string, data any, cs []ledger.Customer) Reply {
	var bs []Button
	for _, c := range cs {
		bs = append(bs, Button{
			Label:   t.text("core.pick.button", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone)}),
			Payload: "pick:" + c.ID,
		})
	}
	bs = append(bs, t.btn("core.btn.cancel", "cancel"))
	return t.mk(t.text(id, data), bs...)
}

// pickStep reads the answer to "which customer?": a pick button, or a
// phone number typed instead.
func (t *turn) pickStep(in input) error {
	d := t.sess.Draft
	ids := strings.Split(d["ids"], ",")
	var found []ledger.Customer
	if id, ok := strings.CutPrefix(in.payload, "pick:"); ok && containsFold(ids, id) {
		got, err := t.tx.Customer(id)
		if err != nil && !errors.Is(err, ledger.ErrCustomerNotFound) {
			return fmt.Errorf("dialog: read picked customer: %w", err)
		}
		// A customer erased since the question is no longer a choice.
		if err == nil && !got.Erased {
			found = []ledger.Customer{got}
		}
	} else if in.text != "" {
		cs, _, err := t.lookup(in.text)
		if err != nil {
			return err
		}
		for _, x := range cs {
			if containsFold(ids, x.ID) {
				found = append(found, x)
			}
		}
	}
	if len(found) != 1 {
		var cs []ledger.Customer
		for _, id := range ids {
			if x, err := t.tx.Customer(id); err == nil && !x.Erased {
				cs = append(cs, x)
			}
		}
		if len(cs) == 0 {
			t.end()
			t.say("core.err.customer_not_found", nil)
			return nil
		}
		return t.askPick("core.pick.reask", nil, cs)
	}
	c := found[0]
	act, rest := d["act"], d["rest"]
	if err := t.fire("picked"); err != nil {
		return err
	}
	t.end()
	f, ok := customerActs[act]
	if !ok {
		return fmt.Errorf("dialog: pick: unknown act %q", act)
	}
	return f(t, c, rest)
}

// cmdCustomer: /customer new <phone> <name>; /customer <who> <field|삭제>
// [value] (flow_customer_edit.go); or /customer <who>, where who is a
// phone, a name or part of one, the last four digits or a #tag.
func (t *turn) cmdCustomer(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "":
		t.say("core.customer.usage", nil)
		return nil
	case "new", "add", "신규", "등록", "register":
		return t.newCustomer(rest)
	}
	if who, verb, value, ok := splitEdit(args); ok {
		return t.editCustomer(who, verb, value)
	}
	cs, phone, err := t.findWho(args)
	if err != nil {
		return err
	}
	if len(cs) == 0 && phone == "" {
		// A customer, then a word that is no field; or a slip of "new"
		// before a phone (sub_suggest.go).
		if answered, err := t.unknownField(args); err != nil || answered {
			return err
		}
		if hasPhone(rest) && t.saySub("customer", "core.customer.usage", sub, rest) {
			return nil
		}
	}
	if len(cs) == 0 {
		return t.notFound(args, phone)
	}
	return t.onMatches("card", cs, args, phone, "")
}

// actCard shows a customer's card and audits the read.
func (t *turn) actCard(c ledger.Customer, _ string) error {
	r, err := t.card(c)
	if err != nil {
		return err
	}
	if err := t.audit("read", c.ID, "card"); err != nil {
		return err
	}
	// The card shows the full phone: it is for the staff member who asked
	// (an ephemeral answer or a DM), never a post in the staff channel.
	r.Private = true
	r.Buttons = append(t.editButton(c), r.Buttons...)
	t.add(r)
	return nil
}
