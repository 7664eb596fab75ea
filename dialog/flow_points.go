package dialog

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// recentEntries is how many points entries a balance shows.
const recentEntries = 5

// cmdPoints: /points add <customer> <amount> [reason],
// /points redeem <customer> <points> [reason], /points <customer>,
// /points undo, and a manager's /points void <customer> <n>.
func (t *turn) cmdPoints(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "":
		t.say("core.points.usage", nil)
		return nil
	case "undo", "되돌리기":
		return t.cmdPointsUndo()
	case "void", "무효", "정정":
		if t.role != ledger.RoleManager {
			t.say("corrections.void.manager_only", nil)
			return nil
		}
		if rest == "" {
			t.say("corrections.void.usage", nil)
			return nil
		}
		return t.withCustomer("points.void", rest)
	case "add", "earn", "적립":
		if rest == "" {
			t.say("core.points.usage", nil)
			return nil
		}
		return t.withCustomer("points.add", rest)
	case "redeem", "use", "사용":
		if rest == "" {
			t.say("core.points.usage", nil)
			return nil
		}
		return t.withCustomer("points.redeem", rest)
	}
	return t.withCustomer("points.show", args)
}

// actPointsAdd earns PointsRate percent of a purchase and counts a visit;
// a large purchase, or the same amount again within RepeatEarnWindow, asks
// first.
func (t *turn) actPointsAdd(c ledger.Customer, rest string) error {
	if t.e.noEarn {
		t.say("core.points.earn_off", nil)
		return nil
	}
	tok, reason := firstField(rest)
	amount, ok := parseAmount(tok)
	// An amount whose points would overflow is no purchase anyone made.
	if !ok || amount <= 0 || amount > math.MaxInt64/t.e.rate {
		t.say("core.points.bad_amount", map[string]any{"Input": tok})
		return nil
	}
	pts := amount * t.e.rate / 100
	if pts <= 0 {
		t.say("core.points.too_small", map[string]any{"Amount": t.won(amount)})
		return nil
	}
	ask, err := t.earnNeedsConfirm(c, amount)
	if err != nil {
		return err
	}
	if ask {
		t.askEarn(c, amount, pts, reason)
		return nil
	}
	return t.earn(c, amount, reason)
}

// earn appends the earn of a purchase of amount, counts the visit and says
// so.
func (t *turn) earn(c ledger.Customer, amount int64, reason string) error {
	pts := amount * t.e.rate / 100
	e := ledger.PointsEntry{CustomerID: c.ID, At: t.now, Kind: ledger.PointsEarn, Points: pts, Amount: amount, ActorID: t.actor.ID(), Reason: reason}
	if err := t.tx.AddPoints(&e); err != nil {
		return fmt.Errorf("dialog: earn points: %w", err)
	}
	if err := t.tx.RecordVisit(c.ID, t.now); err != nil {
		return fmt.Errorf("dialog: record visit: %w", err)
	}
	if err := t.audit("points", c.ID, "earn "+strconv.FormatInt(pts, 10)); err != nil {
		return err
	}
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read balance: %w", err)
	}
	t.say("core.points.earned", map[string]any{"Name": c.Name, "Points": t.pts(pts), "Amount": t.won(amount), "Balance": t.pts(bal), "Rate": t.e.rate})
	return nil
}

// actPointsRedeem spends points; more than the balance is refused with the
// balance shown and nothing changed.
func (t *turn) actPointsRedeem(c ledger.Customer, rest string) error {
	tok, reason := firstField(rest)
	pts, ok := parsePoints(tok)
	if !ok || pts <= 0 {
		t.say("core.points.bad_points", map[string]any{"Input": tok})
		return nil
	}
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return fmt.Errorf("dialog: read balance: %w", err)
	}
	if pts > bal {
		t.say("core.points.insufficient", map[string]any{"Name": c.Name, "Points": t.pts(pts), "Balance": t.pts(bal)})
		return nil
	}
	e := ledger.PointsEntry{CustomerID: c.ID, At: t.now, Kind: ledger.PointsRedeem, Points: -pts, ActorID: t.actor.ID(), Reason: reason}
	if err := t.tx.AddPoints(&e); err != nil {
		if errors.Is(err, ledger.ErrInsufficientPoints) {
			return refuse("core.points.insufficient", map[string]any{"Name": c.Name, "Points": t.pts(pts), "Balance": t.pts(bal)})
		}
		return fmt.Errorf("dialog: redeem points: %w", err)
	}
	if err := t.audit("points", c.ID, "redeem "+strconv.FormatInt(pts, 10)); err != nil {
		return err
	}
	t.say("core.points.redeemed", map[string]any{"Name": c.Name, "Points": t.pts(pts), "Balance": t.pts(bal - pts)})
	return nil
}

// actPointsShow shows a customer's balance and last entries to staff.
func (t *turn) actPointsShow(c ledger.Customer, _ string) error {
	r, err := t.balanceReply(c, "core.points.balance")
	if err != nil {
		return err
	}
	if err := t.audit("read", c.ID, "points"); err != nil {
		return err
	}
	t.add(r)
	return nil
}

// balanceReply is a balance headline (catalog id head) with the tier and
// the last entries.
func (t *turn) balanceReply(c ledger.Customer, head string) (Reply, error) {
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return Reply{}, fmt.Errorf("dialog: read balance: %w", err)
	}
	es, err := t.tx.PointsOf(c.ID, recentEntries)
	if err != nil {
		return Reply{}, fmt.Errorf("dialog: read points: %w", err)
	}
	lines, err := t.entryLines(c.ID, es)
	if err != nil {
		return Reply{}, err
	}
	if len(lines) == 0 {
		lines = []string{t.text("core.points.no_entries", nil)}
	}
	data := t.customerData(c, bal)
	secs := []Section{{Title: t.text("core.points.recent_title", nil), Lines: lines}}
	return t.mkSections(t.text(head, data), secs), nil
}

// kindID is the catalog id naming a kind of points entry.
func kindID(k ledger.PointsKind) string {
	switch k {
	case ledger.PointsEarn:
		return "core.points.kind.earn"
	case ledger.PointsRedeem:
		return "core.points.kind.redeem"
	case ledger.PointsExpire:
		return "core.points.kind.expire"
	}
	return "core.points.kind.adjust"
}

// cmdMyPoints is a customer's own /points.
func (t *turn) cmdMyPoints(string) error {
	c, ok, err := t.linkedCustomer()
	if err != nil {
		return err
	}
	if !ok {
		t.say("core.mypoints.unlinked", nil)
		return nil
	}
	r, err := t.balanceReply(c, "core.mypoints.head")
	if err != nil {
		return err
	}
	t.add(r)
	return nil
}

// linkedCustomer returns the customer the sender is linked to, if any.
func (t *turn) linkedCustomer() (ledger.Customer, bool, error) {
	c, err := t.tx.CustomerByLink(t.pid)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		return ledger.Customer{}, false, nil
	}
	if err != nil {
		return ledger.Customer{}, false, fmt.Errorf("dialog: read linked customer: %w", err)
	}
	return c, true, nil
}
