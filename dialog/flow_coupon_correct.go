package dialog

// Coupon corrections, as points and stamps are corrected: /coupon undo
// takes back the speaker's own last coupon action of the last UndoWindow
// (a give: the coupon is voided; a use: the coupon is valid again, if its
// last day is not over), and a manager's /coupon void <customer> [n|code]
// voids any valid coupon given by mistake. A coupon is numbered from 1,
// the oldest of the customer's, over all of them (used and void too), so
// a number keeps naming the same coupon however many are used since the
// list was read; /coupon <customer> shows the numbers. A stamp card's
// reward is taken back with its stamps (/stamp undo, /stamp void), never
// alone: the card would keep a reward it no longer has.
//
// Each correction is audited ("void CODE", "unuse CODE (used … by …)");
// the ledger keeps the void (VoidedAt, VoidedBy) and records a use taken
// back in the loyalty log (ledger.Tx.UnuseCoupon). A customer who was told
// of a coupon is told, in their language, when it is voided: it does not
// just disappear from what they were promised.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// couponVoidCmd is /coupon void <customer> [n|code]: managers only, as
// /points void is.
func (t *turn) couponVoidCmd(rest string) error {
	if t.role != ledger.RoleManager {
		t.say("corrections.void.manager_only", map[string]any{"Void": "/coupon void", "Undo": "/coupon undo"})
		return nil
	}
	return t.withCustomerOr("loyalty.coupon.void_usage", "coupon.void", rest)
}

// actCouponVoid voids the coupon rest names (its number or code); without
// one it lists c's valid coupons with their numbers.
func (t *turn) actCouponVoid(c ledger.Customer, rest string) error {
	tok, _ := firstField(rest)
	if tok == "" {
		return t.couponVoidPick(c)
	}
	ref := tok
	if num := strings.TrimPrefix(foldFullWidth(tok), "#"); isBareNumber(num) {
		all, err := t.tx.CouponsOf(c.ID, t.now, true)
		if err != nil {
			return fmt.Errorf("dialog: read coupons: %w", err)
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > len(all) {
			return refuse("loyalty.coupon.no_number", map[string]any{"Name": c.Name, "N": num, "Count": len(all)})
		}
		ref = all[n-1].ID
	}
	return t.voidCoupon(c, ref)
}

// couponVoidPick lists c's valid coupons, numbered, and how to void one.
func (t *turn) couponVoidPick(c ledger.Customer) error {
	return t.showCoupons(c, func(int) string {
		return t.text("loyalty.coupon.void_pick", map[string]any{"Name": c.Name})
	})
}

// numberedCouponLines are cs, coupons of customerID, as staff's lines with
// each coupon's number among all of the customer's.
func (t *turn) numberedCouponLines(customerID string, cs []ledger.Coupon) ([]string, error) {
	all, err := t.tx.CouponsOf(customerID, t.now, true)
	if err != nil {
		return nil, fmt.Errorf("dialog: read coupons: %w", err)
	}
	no := make(map[string]int, len(all))
	for i, cp := range all {
		no[cp.ID] = i + 1
	}
	lines := make([]string, len(cs))
	for i, cp := range cs {
		lines[i] = t.text("loyalty.coupon.line_no", map[string]any{
			"No": no[cp.ID], "Benefit": t.benefitText(cp.Benefit), "Code": cp.Code, "LastDay": cp.LastDay,
		})
	}
	return lines, nil
}

// voidCoupon voids coupon ref of c, says what it was and whether the
// customer is told, and tells them.
func (t *turn) voidCoupon(c ledger.Customer, ref string) error {
	if c.Erased {
		t.say("corrections.points.erased", nil)
		return nil
	}
	cp, err := t.tx.VoidCoupon(c.ID, ref, t.actor.ID(), t.now)
	if err != nil {
		return t.couponRefusal(c, ref, err)
	}
	if err := t.audit("coupon", c.ID, "void "+cp.Code); err != nil {
		return err
	}
	lines := []string{t.text("loyalty.coupon.voided", map[string]any{
		"Name": c.Name, "Benefit": t.benefitText(cp.Benefit), "Code": cp.Code, "LastDay": cp.LastDay,
	})}
	told, err := t.voidToldLine(c, cp)
	if err != nil {
		return err
	}
	if told != "" {
		lines = append(lines, told)
	}
	t.add(t.mk(strings.Join(lines, "\n")))
	return t.tellNow(c, cp.VoidNotice)
}

// voidToldLine tells staff whether the customer hears of voided coupon
// cp: told now, or told of it before but out of reach now (so staff can
// tell them another way); "" when they never heard of the coupon.
func (t *turn) voidToldLine(c ledger.Customer, cp ledger.Coupon) (string, error) {
	if cp.VoidNotice == "" {
		return "", nil
	}
	_, _, _, reachable, err := t.e.customerAddress(t.tx, c)
	if err != nil {
		return "", err
	}
	if reachable {
		return t.text("loyalty.coupon.void_told", map[string]any{"Name": c.Name}), nil
	}
	return t.text("loyalty.coupon.void_untold", map[string]any{"Name": c.Name}), nil
}

// couponUndo takes back the speaker's own last coupon action of the last
// UndoWindow, read from the audit trail (the one record of who gave or
// used which coupon, by time). Only that action: when it is itself a
// correction, the answer says so rather than reaching further back, as
// /points undo does.
func (t *turn) couponUndo() error {
	var last *ledger.AuditEntry
	me := t.actorID()
	err := t.tx.ScanAudit(t.now.Add(-UndoWindow), t.now.Add(timeSlack), func(a ledger.AuditEntry) error {
		if a.ActorID == me && a.Action == "coupon" && couponVerb(a.Detail) != "" {
			last = &a
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dialog: scan audit: %w", err)
	}
	if last == nil {
		t.say("loyalty.coupon.undo_nothing", map[string]any{"Hours": int(UndoWindow / time.Hour)})
		return nil
	}
	verb, code := couponVerb(last.Detail), auditCouponCode(last.Detail)
	if verb == "void" || verb == "unuse" {
		t.say("loyalty.coupon.undo_already", map[string]any{"Code": code})
		return nil
	}
	c, err := t.tx.Customer(last.CustomerID)
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	if verb == "give" {
		return t.voidCoupon(c, code)
	}
	return t.unuseCoupon(c, code)
}

// couponVerb is what a coupon audit detail ("give CODE", "use CODE",
// "void CODE", "unuse CODE (…)") did; "" for another detail.
func couponVerb(detail string) string {
	verb, _, _ := strings.Cut(detail, " ")
	switch verb {
	case "give", "use", "void", "unuse":
		return verb
	}
	return ""
}

// auditCouponCode is the code a coupon audit detail names.
func auditCouponCode(detail string) string {
	_, rest, _ := strings.Cut(detail, " ")
	code, _ := firstField(rest)
	return code
}

// unuseCoupon takes back the use of coupon code of c. The audit keeps the
// use taken back (when and by whom): the coupon record, valid again, no
// longer holds it.
func (t *turn) unuseCoupon(c ledger.Customer, code string) error {
	if c.Erased {
		t.say("corrections.points.erased", nil)
		return nil
	}
	before, err := t.tx.Coupon(code)
	if err != nil {
		return t.couponRefusal(c, code, err)
	}
	cp, err := t.tx.UnuseCoupon(c.ID, code, t.actor.ID(), t.now)
	if err != nil {
		return t.couponRefusal(c, code, err)
	}
	detail := fmt.Sprintf("unuse %s (used %s by %s)", cp.Code, before.UsedAt.UTC().Format(time.RFC3339), before.UsedBy)
	if err := t.audit("coupon", c.ID, detail); err != nil {
		return err
	}
	t.say("loyalty.coupon.unused", map[string]any{"Name": c.Name, "Benefit": t.benefitText(cp.Benefit), "Code": cp.Code, "LastDay": cp.LastDay})
	return nil
}
