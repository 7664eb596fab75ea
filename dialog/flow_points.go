package dialog

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
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
			t.say("corrections.void.manager_only", map[string]any{"Void": "/points void", "Undo": "/points undo"})
			return nil
		}
		return t.withCustomerOr("corrections.void.usage", "points.void", rest)
	case "add", "earn", "적립":
		return t.withCustomerOr("core.points.usage", "points.add", rest)
	case "redeem", "use", "사용":
		return t.withCustomerOr("core.points.usage", "points.redeem", rest)
	}
	cs, query, phone, more, err := t.lookupLead(args)
	if err != nil {
		return err
	}
	// "/points give 김하늘 500": no customer is called give (sub_suggest.go).
	if len(cs) == 0 && phone == "" && rest != "" && t.saySub("points", "core.points.usage", sub, rest) {
		return nil
	}
	return t.onMatches("points.show", cs, query, phone, more)
}

// actPointsAdd earns the customer's tier rate of a purchase (the
// programme in force: ledger.Programme.EarnRateOf) and counts a visit; a
// large purchase, or the same amount again within RepeatEarnWindow, asks
// first.
func (t *turn) actPointsAdd(c ledger.Customer, rest string) error {
	if t.e.noEarn {
		t.say("core.points.earn_off", nil)
		return nil
	}
	tok, reason := amountField(rest)
	amount, ok := parseAmount(tok)
	return t.earnPurchase(c, tok, amount, ok, reason, "")
}

// earnPurchase is /points add once its amount is read (tok as typed, ok
// when it parsed), and a note's [적립] (note_earn.go, noteID the note's
// id): the same checks, confirmation, entry and reply.
func (t *turn) earnPurchase(c ledger.Customer, tok string, amount int64, ok bool, reason, noteID string) error {
	bp, err := t.earnRate(c)
	if err != nil {
		return err
	}
	if ok && amount > MaxPurchaseWon { // input_errors.go
		t.say("input.purchase.too_large", map[string]any{"Amount": t.won(amount), "Spoken": koreanUnits(amount), "Max": t.won(MaxPurchaseWon), "MaxSpoken": koreanUnits(MaxPurchaseWon)})
		return nil
	}
	// An amount whose points would overflow is no purchase anyone made.
	if !ok || amount <= 0 || amount > maxEarnAmount(bp) {
		t.sayBadAmount(tok, "input.purchase.zero", "core.points.bad_amount", map[string]any{"Input": tok})
		return nil
	}
	if bp == 0 {
		t.say("loyalty.points.rate_zero", nil)
		return nil
	}
	pts := pointsFor(amount, bp)
	if pts <= 0 {
		t.say("core.points.too_small", map[string]any{"Amount": t.won(amount)})
		return nil
	}
	if pts > ledger.MaxEntryPoints {
		// The ledger keeps no entry this large (balances are sums of
		// them): said here, not as a failed save.
		t.say("core.points.too_big", map[string]any{"Amount": t.won(amount), "Max": t.pts(ledger.MaxEntryPoints)})
		return nil
	}
	ask, err := t.earnNeedsConfirm(c, amount)
	if err != nil {
		return err
	}
	if ask {
		t.askEarn(c, amount, pts, reason, noteID)
		return nil
	}
	return t.earn(c, amount, reason, noteID)
}

// earnRate is the rate c earns at now, in basis points: their tier's, or
// the programme's base rate.
func (t *turn) earnRate(c ledger.Customer) (int, error) {
	p, err := t.programme()
	if err != nil {
		return 0, err
	}
	st, err := t.tx.TierOf(c.ID, t.now, t.e.loc)
	if err != nil {
		return 0, fmt.Errorf("dialog: read tier: %w", err)
	}
	return p.EarnRateOf(st.TierID), nil
}

// maxEarnAmount is the largest purchase earning at bp basis points: the
// product of the amount and the rate in whole percent (rounded up) must
// fit an int64, as it always had to.
func maxEarnAmount(bp int) int64 {
	pct := int64((bp + 99) / 100)
	if pct <= 0 {
		return math.MaxInt64
	}
	return math.MaxInt64 / pct
}

// pointsFor is amount * bp / 10000 rounded down, exact for any amount up
// to maxEarnAmount(bp) (the product is taken in 128 bits).
func pointsFor(amount int64, bp int) int64 {
	if amount <= 0 || bp <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(amount), uint64(bp))
	q, _ := bits.Div64(hi, lo, 10000)
	return int64(q)
}

// earn appends the earn of a purchase of amount at the customer's tier
// rate (for the note noteID, when not empty), counts the visit,
// recomputes the tier (an upgrade is told to the customer and in the
// reply) and says so.
func (t *turn) earn(c ledger.Customer, amount int64, reason, noteID string) error {
	bp, err := t.earnRate(c)
	if err != nil {
		return err
	}
	pts := pointsFor(amount, bp)
	e := ledger.PointsEntry{CustomerID: c.ID, At: t.now, Kind: ledger.PointsEarn, Points: pts, Amount: amount, ActorID: t.actor.ID(), Reason: reason, NoteID: noteID}
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
	text := t.text("core.points.earned", map[string]any{"Name": c.Name, "Points": t.pts(pts), "Amount": t.won(amount), "Balance": t.pts(bal), "Rate": ledger.FormatRateBP(bp)})
	up, notice, err := t.tierAfterVisit(c)
	if err != nil {
		return err
	}
	if up != "" {
		text += "\n" + up
	}
	t.add(t.mk(text))
	return t.tellNow(c, notice)
}

// visitTierLine is saveNote's hook (flow_note.go): after a note's visit,
// an upgrade is told to the customer and returned as a line for staff
// ("\n…"); "" when the tier stayed.
func (t *turn) visitTierLine(customerID string) (string, error) {
	c, err := t.tx.Customer(customerID)
	if err != nil {
		return "", fmt.Errorf("dialog: read customer: %w", err)
	}
	line, notice, err := t.tierAfterVisit(c)
	if err != nil || line == "" {
		return "", err
	}
	if err := t.tellNow(c, notice); err != nil {
		return "", err
	}
	return "\n" + line, nil
}

// tierAfterVisit recomputes c's tier after a visit or a purchase; for an
// upgrade it returns the line telling staff and the notice for the
// customer (tellNow), and nothing otherwise.
func (t *turn) tierAfterVisit(c ledger.Customer) (line, notice string, err error) {
	ch, err := t.tx.UpdateTier(c.ID, t.now, t.e.loc)
	if err != nil {
		return "", "", fmt.Errorf("dialog: update tier: %w", err)
	}
	if !ch.Up {
		return "", "", nil
	}
	p, err := t.programme()
	if err != nil {
		return "", "", err
	}
	name := t.tierNameOf(p, ch.To)
	line = t.text("loyalty.tier.up_staff", map[string]any{
		"Name": c.Name, "Tier": name, "Rate": rate(p.EarnRateOf(ch.To)),
	})
	return line, ch.NoticeID, nil
}

// actPointsRedeem spends points; more than the balance is refused with the
// balance shown and nothing changed.
func (t *turn) actPointsRedeem(c ledger.Customer, rest string) error {
	tok, reason := pointsField(rest)
	pts, ok := parsePoints(tok)
	if !ok || pts <= 0 {
		t.sayBadAmount(tok, "input.points.zero", "core.points.bad_points", map[string]any{"Input": tok})
		return nil
	}
	if pts > MaxRedeemPoints { // input_errors.go
		t.say("input.redeem.too_large", map[string]any{"Points": t.pts(pts), "Spoken": koreanUnits(pts), "Max": t.pts(MaxRedeemPoints), "MaxSpoken": koreanUnits(MaxRedeemPoints)})
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
	lines, _, err := t.entryLines(c.ID, es)
	if err != nil {
		return Reply{}, err
	}
	if len(lines) == 0 {
		lines = []string{t.text("core.points.no_entries", nil)}
	}
	data := t.customerData(c, bal)
	secs := []Section{{Title: t.text("core.points.recent_title", nil), Lines: lines}}
	more, err := t.loyaltySections(c, t.staffish())
	if err != nil {
		return Reply{}, err
	}
	secs = append(secs, more...)
	return t.mkSections(t.text(head, data), secs), nil
}

// loyaltyLines are what a customer holds besides points, for their card
// and /points: the tier's benefit (when it has one of its own), the stamp
// card, the coupons they can use and the next points to expire. They are
// left out when empty, so a shop without them sees nothing new. forStaff
// writes the stamp card as staff read it; a customer sees ●●●○○ dots.
func (t *turn) loyaltyLines(c ledger.Customer, forStaff bool) ([]string, []ledger.Coupon, error) {
	if !t.tx.ProgrammeStored() {
		// The default programme, never changed nor run daily: tiers of
		// the base rate, no stamp card, nothing that expires. Only a
		// coupon given by staff can be there; this read stays cheap.
		cs, err := t.tx.CouponsOf(c.ID, t.now, false)
		if err != nil {
			return nil, nil, fmt.Errorf("dialog: read coupons: %w", err)
		}
		return nil, cs, nil
	}
	p, err := t.programme()
	if err != nil {
		return nil, nil, err
	}
	var lines []string
	st, err := t.tx.TierOf(c.ID, t.now, t.e.loc)
	if err != nil {
		return nil, nil, fmt.Errorf("dialog: read tier: %w", err)
	}
	if st.Level.Benefit != "" || p.EarnRateOf(st.TierID) != p.EarnRateBP {
		lines = append(lines, t.text("loyalty.card.benefit", map[string]any{"Tier": t.tierName(st.Level), "Benefit": t.tierBenefit(p, st.Level)}))
	}
	if st.DownTo != "" && !st.Pinned {
		to := t.tierNameOf(p, st.DownTo)
		lines = append(lines, t.text("loyalty.card.down", map[string]any{"On": t.day(st.DownOn), "To": to}))
	}
	card, err := t.tx.StampCardOf(c.ID, t.now)
	if err != nil {
		return nil, nil, fmt.Errorf("dialog: read stamp card: %w", err)
	}
	if card.Goal > 0 || card.Stamps > 0 {
		if forStaff || card.Goal == 0 {
			lines = append(lines, t.cardLine(p, card))
		} else {
			lines = append(lines, t.text("loyalty.card.dots", map[string]any{
				"Dots": stampDots(card.Stamps, card.Goal), "Left": max(0, card.Goal-card.Stamps), "Reward": t.benefitText(p.Stamps.Reward),
			}))
		}
	}
	cs, err := t.tx.CouponsOf(c.ID, t.now, false)
	if err != nil {
		return nil, nil, fmt.Errorf("dialog: read coupons: %w", err)
	}
	if next, ok, err := t.tx.NextExpiry(c.ID, t.e.loc); err != nil {
		return nil, nil, fmt.Errorf("dialog: read next expiry: %w", err)
	} else if ok {
		lines = append(lines, t.text("loyalty.card.expiry", map[string]any{"Points": t.pts(next.Points), "On": next.On, "LastDay": next.LastDay}))
	}
	return lines, cs, nil
}

// loyaltySections are loyaltyLines as /points shows them: a section of
// them, one of the valid coupons, and for staff the stamp entries
// numbered for /stamp void.
func (t *turn) loyaltySections(c ledger.Customer, forStaff bool) ([]Section, error) {
	lines, cs, err := t.loyaltyLines(c, forStaff)
	if err != nil {
		return nil, err
	}
	var secs []Section
	if len(lines) > 0 {
		secs = append(secs, Section{Title: t.text("loyalty.card.title", nil), Lines: lines})
	}
	if len(cs) > 0 {
		secs = append(secs, Section{Title: t.text("loyalty.card.coupons_title", map[string]any{"Count": len(cs)}), Lines: t.couponLines(cs)})
	}
	if forStaff {
		sl, err := t.stampLines(c.ID, recentEntries)
		if err != nil {
			return nil, err
		}
		if len(sl) > 0 {
			secs = append(secs, Section{Title: t.text("loyalty.stamp.recent_title", nil), Lines: sl})
		}
	}
	return secs, nil
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

// myCustomer returns the customer the sender is linked to for their own
// /points, /coupon and /stamp; when they are linked to none it says how to
// link and ok is false.
func (t *turn) myCustomer() (ledger.Customer, bool, error) {
	c, ok, err := t.linkedCustomer()
	if err == nil && !ok {
		t.say("core.mypoints.unlinked", nil)
	}
	return c, ok, err
}

// balanceStems begin the words that, after "포인트" typed without a
// slash, ask for the balance: "포인트 확인", "포인트 얼마 남았어요?",
// "포인트 좀 알려주세요", "포인트 있나요?". Anything else after it is a
// question for the shop ("포인트 언제 소멸돼요?", "포인트로 결제 돼요?"),
// which the balance alone does not answer.
var balanceStems = []string{"확인", "조회", "잔액", "잔고", "얼마", "몇", "남은", "남았", "남아", "내역", "보여", "알려", "좀", "현황", "있"}

// balanceWords are what may follow "points" typed without a slash, as
// the whole rest of the message (answerForm, a closing "please" aside),
// to ask for the balance: "points balance", "points left?", "points
// please". A stem alone would read "points left on my gift card" or
// "points total is wrong" as the balance; they are questions for the
// shop.
var balanceWords = []string{"balance", "check", "left", "remaining", "total", "history", "please", "pls", "mybalance", "balancecheck", "checkplease"}

// pointsEnglish says whether what follows a customer's "points" asks for
// their balance (command.englishArgs): one of balanceWords, the whole of it.
func (t *turn) pointsEnglish(args string) bool {
	return slices.Contains(balanceWords, withoutPlease(answerForm(args)))
}

// pointsWords says whether what follows a customer's "포인트" asks for
// their balance (command.wordArgs).
func (t *turn) pointsWords(args string) bool {
	first, _ := firstField(args)
	for _, s := range balanceStems {
		if strings.HasPrefix(first, s) {
			return true
		}
	}
	return false
}

// cmdMyPoints is a customer's own /points.
func (t *turn) cmdMyPoints(string) error {
	c, ok, err := t.myCustomer()
	if err != nil || !ok {
		return err
	}
	r, err := t.balanceReply(c, "core.mypoints.head")
	if err != nil {
		return err
	}
	t.add(r)
	return t.askMarketingLater(c) // flow_marketing.go: once, if never asked
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
