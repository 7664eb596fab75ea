package dialog

// Coupons in chat. Staff: /coupon give <customer> <benefit> [validity]
// issues one (10%, 5,000원, 아메리카노 1잔; 30일 or a last day, by default
// ledger.DefaultCouponDays) and the customer is told at once, with the
// main menu and where to find it again; /coupon <customer> lists the valid ones; /coupon use
// <customer> shows them as buttons and uses the one pressed (or the code
// typed), once: a second use is refused saying when and by whom. A coupon
// stops at the end of its last day in the shop's time zone. Mistakes are
// corrected as points are (flow_coupon_correct.go): /coupon undo, a
// manager's /coupon void <customer> [n|code]. Customers: /coupon and
// /points list their valid coupons.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
)

// flowCoupon is /coupon use: the customer's valid coupons as buttons.
const flowCoupon = "coupon"

// couponUse is the flow's one state; it stays while coupons are pressed,
// so a coupon pressed twice is refused by name rather than as stale.
const couponUse = "use"

// couponFlow is the state machine of flowCoupon.
func couponFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.coupon",
		initial: couponUse,
		roles:   staffRoles,
		events:  fsm.Events{{Name: "used", Src: []string{couponUse}, Dst: couponUse}},
		step:    (*turn).couponStep,
		// Choosing a coupon, and after one is used the list stays for the
		// next: nothing typed to lose.
		browse: []string{couponUse},
	}
}

func init() {
	staffCommands["coupon"] = command{run: (*turn).cmdCoupon}
	customerCommands["coupon"] = command{run: (*turn).cmdMyCoupons}
	customerCommands["coupons"] = command{run: (*turn).cmdMyCoupons}
	koreanCommands["쿠폰"] = "coupon"
	for _, w := range []string{"coupon", "coupons", "mycoupons"} {
		englishCommands[w] = "coupon"
	}
	addHelp(&helpStaff, "loyalty.help.coupon")
	addHelp(&helpManager, "loyalty.help.coupon_void")
	addHelp(&helpCustomer, "loyalty.help.mycoupons")
	// The [쿠폰 보기] button of a customer's coupon notice.
	actionHandlers[myCouponsAction] = func(t *turn, _ string) error { return t.cmdMyCoupons("") }
}

// myCouponsAction is the payload of a coupon notice's [쿠폰 보기] button.
const myCouponsAction = "mycoupons"

// cmdCoupon: /coupon give <customer> <benefit> [validity], /coupon use
// <customer> [code], /coupon undo, /coupon void <customer> [n|code],
// /coupon <customer>.
func (t *turn) cmdCoupon(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "":
		t.say("loyalty.coupon.usage", nil)
		return nil
	case "give", "issue", "발급", "주기", "지급":
		return t.withCustomerOr("loyalty.coupon.usage", "coupon.give", rest)
	case "use", "redeem", "사용":
		return t.withCustomerOr("loyalty.coupon.usage", "coupon.use", rest)
	case "void", "무효", "정정":
		return t.couponVoidCmd(rest)
	case "undo", "되돌리기", "취소":
		if strings.TrimSpace(rest) != "" {
			// "/coupon 취소 이바다" names a customer: it is that
			// customer's coupon to take back, not the speaker's last action.
			return t.couponVoidCmd(rest)
		}
		return t.couponUndo()
	}
	return t.withCustomer("coupon.list", args)
}

// actCouponGive issues the coupon rest describes to c.
func (t *turn) actCouponGive(c ledger.Customer, rest string) error {
	a := parseCouponArgs(rest, t.now, t.e.loc)
	switch {
	case a.badValidity != "" && zeroPeriod(a.badValidity): // "0일": input_errors.go
		return refuse("input.validity.range", map[string]any{"Value": a.badValidity, "Max": groupDigits(ledger.MaxCouponDays)})
	case a.badValidity != "":
		return refuse("loyalty.err.bad_validity", map[string]any{"Value": a.badValidity})
	case a.badBenefit != "" || a.benefit.Kind == "":
		return refuse("loyalty.err.bad_benefit", map[string]any{"Value": a.badBenefit})
	}
	spec := ledger.CouponSpec{CustomerID: c.ID, Benefit: a.benefit, Days: a.validity.days, LastDay: a.validity.lastDay,
		Source: ledger.SourceStaff, ActorID: t.actor.ID()}
	cp, err := t.tx.IssueCoupon(spec, t.now, t.e.loc)
	var re *ledger.RuleError
	if errors.As(err, &re) {
		id, data := t.ruleMessage(re, "")
		return refuse(id, data)
	}
	if err != nil {
		return fmt.Errorf("dialog: issue coupon: %w", err)
	}
	if err := t.audit("coupon", c.ID, "give "+cp.Code); err != nil {
		return err
	}
	t.say("loyalty.coupon.given", map[string]any{"Name": c.Name, "Benefit": t.benefitText(cp.Benefit), "Code": cp.Code, "LastDay": cp.LastDay})
	return t.tellNow(c, cp.NoticeID)
}

// actCouponList shows c's valid coupons to staff.
func (t *turn) actCouponList(c ledger.Customer, _ string) error {
	return t.showCoupons(c, func(n int) string {
		return t.text("loyalty.coupon.list_head", map[string]any{"Name": c.Name, "Count": n})
	})
}

// showCoupons shows staff c's valid coupons, numbered as /coupon void
// takes them, under the head head gives for their count, and audits the
// read; none says so.
func (t *turn) showCoupons(c ledger.Customer, head func(n int) string) error {
	cs, err := t.tx.CouponsOf(c.ID, t.now, false)
	if err != nil {
		return fmt.Errorf("dialog: read coupons: %w", err)
	}
	if err := t.audit("read", c.ID, "coupons"); err != nil {
		return err
	}
	if len(cs) == 0 {
		t.say("loyalty.coupon.none", map[string]any{"Name": c.Name})
		return nil
	}
	lines, err := t.numberedCouponLines(c.ID, cs)
	if err != nil {
		return err
	}
	t.add(t.mkSections(head(len(cs)), []Section{{Lines: lines}}))
	return nil
}

// couponLines are coupons as lines: "10% 할인 · ABC234 · 2026-06-11까지".
func (t *turn) couponLines(cs []ledger.Coupon) []string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = t.text("loyalty.coupon.line", map[string]any{"Benefit": t.benefitText(c.Benefit), "Code": c.Code, "LastDay": c.LastDay})
	}
	return lines
}

// actCouponUse uses the coupon whose code rest gives, or shows c's valid
// coupons as buttons to press.
func (t *turn) actCouponUse(c ledger.Customer, rest string) error {
	if code, _ := firstField(rest); code != "" {
		return t.useCoupon(c, code)
	}
	cs, err := t.tx.CouponsOf(c.ID, t.now, false)
	if err != nil {
		return fmt.Errorf("dialog: read coupons: %w", err)
	}
	if err := t.audit("read", c.ID, "coupons"); err != nil {
		return err
	}
	if len(cs) == 0 {
		t.say("loyalty.coupon.none", map[string]any{"Name": c.Name})
		return nil
	}
	t.begin(flowCoupon)
	t.sess.Draft["id"] = c.ID
	t.add(t.couponButtons(c, cs))
	return nil
}

// couponButtons asks which of cs to use, a button each.
func (t *turn) couponButtons(c ledger.Customer, cs []ledger.Coupon) Reply {
	var bs []Button
	for _, cp := range cs {
		bs = append(bs, Button{
			Label:   t.text("loyalty.coupon.button", map[string]any{"Benefit": t.benefitText(cp.Benefit), "Code": cp.Code, "LastDay": cp.LastDay}),
			Payload: "cpn:" + cp.ID,
		})
	}
	bs = append(bs, t.btn("core.btn.cancel", "cancel"))
	return t.mk(t.text("loyalty.coupon.pick", map[string]any{"Name": c.Name}), bs...)
}

// couponStep reads a pressed coupon, or a code typed instead.
func (t *turn) couponStep(in input) error {
	c, err := t.tx.Customer(t.sess.Draft["id"])
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		t.end()
		t.say("core.err.customer_not_found", nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	ref := in.text
	if id, ok := strings.CutPrefix(in.payload, "cpn:"); ok {
		ref = id
	}
	if strings.TrimSpace(ref) == "" {
		cs, err := t.tx.CouponsOf(c.ID, t.now, false)
		if err != nil {
			return fmt.Errorf("dialog: read coupons: %w", err)
		}
		t.add(t.couponButtons(c, cs))
		return nil
	}
	if err := t.fire("used"); err != nil {
		return err
	}
	return t.useCoupon(c, ref)
}

// useCoupon marks coupon ref (an id or a code) of c used, or refuses
// saying why: another customer's, used already (when and by whom),
// expired, taken back, unknown.
func (t *turn) useCoupon(c ledger.Customer, ref string) error {
	cp, err := t.tx.UseCoupon(c.ID, ref, t.actor.ID(), t.now)
	if err != nil {
		return t.couponRefusal(c, ref, err)
	}
	if err := t.audit("coupon", c.ID, "use "+cp.Code); err != nil {
		return err
	}
	t.say("loyalty.coupon.used_now", map[string]any{"Name": c.Name, "Benefit": t.benefitText(cp.Benefit), "Code": cp.Code})
	return nil
}

// couponRefusal turns a refusal of the ledger's coupon methods into what
// staff read; any other error is returned as it is.
func (t *turn) couponRefusal(c ledger.Customer, ref string, err error) error {
	var ce *ledger.CouponError
	switch {
	case errors.As(err, &ce) && errors.Is(err, ledger.ErrCouponNotYours):
		return refuse("loyalty.coupon.not_yours", map[string]any{"Name": c.Name})
	case errors.As(err, &ce) && errors.Is(err, ledger.ErrCouponUsed):
		return refuse("loyalty.coupon.used", map[string]any{
			"Code": ce.Code, "When": ce.UsedAt.In(t.e.loc).Format("2006-01-02 15:04"), "Who": t.actorLabel(ce.UsedBy),
		})
	case errors.As(err, &ce) && errors.Is(err, ledger.ErrCouponExpired):
		return refuse("loyalty.coupon.expired", map[string]any{"Code": ce.Code, "LastDay": ce.LastDay})
	case errors.As(err, &ce) && errors.Is(err, ledger.ErrCouponVoid):
		return refuse("loyalty.coupon.void", map[string]any{"Code": ce.Code})
	case errors.As(err, &ce) && errors.Is(err, ledger.ErrCouponReward):
		return refuse("loyalty.coupon.void_reward", map[string]any{"Code": ce.Code, "Name": c.Name})
	case errors.As(err, &ce) && errors.Is(err, ledger.ErrCouponNotUsed):
		return refuse("loyalty.coupon.not_used", map[string]any{"Code": ce.Code})
	case errors.Is(err, ledger.ErrCouponNotFound):
		return refuse("loyalty.coupon.not_found", map[string]any{"Code": strings.TrimSpace(ref)})
	}
	return fmt.Errorf("dialog: coupon: %w", err)
}

// cmdMyCoupons is a customer's own /coupon: their valid coupons.
func (t *turn) cmdMyCoupons(string) error {
	c, ok, err := t.myCustomer()
	if err != nil || !ok {
		return err
	}
	cs, err := t.tx.CouponsOf(c.ID, t.now, false)
	if err != nil {
		return fmt.Errorf("dialog: read coupons: %w", err)
	}
	if len(cs) == 0 {
		t.say("loyalty.mycoupons.none", nil)
		return nil
	}
	t.add(t.mkSections(t.text("loyalty.mycoupons.head", map[string]any{"Count": len(cs)}),
		[]Section{{Lines: t.couponLines(cs)}}))
	return nil
}
