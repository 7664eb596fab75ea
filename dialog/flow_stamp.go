package dialog

// Stamp cards in chat: /stamp <customer> [n] [reason] (staff) adds stamps
// and answers with the card ("☕ 7/10 — 3개 더 모으면 아메리카노 1잔"); a
// full card's reward coupon is issued by the ledger in the same
// transaction and told to the customer at once. A stamp given by mistake
// is reversed like a points entry: /stamp undo reverses the speaker's own
// last stamps of the last UndoWindow, a manager's /stamp void <customer>
// <n> entry n of the customer's (numbered from 1, the oldest, as /points
// <customer> lists them).

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// opStamp is the correction flow's confirm of many stamps at once.
const opStamp = "stamp"

func init() {
	staffCommands["stamp"] = command{run: (*turn).cmdStamp}
	confirmOps[opStamp] = confirmOp{yes: "loyalty.btn.stamp", run: (*turn).confirmedStamp, title: "core.flow.correct.stamp"}
	koreanCommands["스탬프"] = "stamp"
	koreanCommands["도장"] = "stamp"
	addHelp(&helpStaff, "loyalty.help.stamp")
}

// cmdStamp: /stamp <customer> [n] [reason], /stamp undo, /stamp void
// <customer> <n>.
func (t *turn) cmdStamp(args string) error {
	sub, rest := firstField(args)
	switch strings.ToLower(sub) {
	case "":
		t.say("loyalty.stamp.usage", nil)
		return nil
	case "undo", "되돌리기", "취소":
		return t.stampUndo()
	case "void", "무효", "정정":
		if t.role != ledger.RoleManager {
			t.say("corrections.void.manager_only", map[string]any{"Void": "/stamp void", "Undo": "/stamp undo"})
			return nil
		}
		return t.withCustomerOr("loyalty.stamp.void_usage", "stamp.void", rest)
	}
	return t.withCustomer("stamp", args)
}

// actStamp adds the stamps rest names (a count first, 1 without one) to
// c's card.
func (t *turn) actStamp(c ledger.Customer, rest string) error {
	p, err := t.programme()
	if err != nil {
		return err
	}
	if p.Stamps.Goal == 0 {
		return refuse("loyalty.stamp.off", nil)
	}
	n := 1
	if tok, reason := stampField(rest); tok != "" {
		if stampFraction(tok) {
			return refuse("input.stamp.fraction", map[string]any{"Input": tok})
		}
		v, isCount := stampCount(tok)
		if !isCount && reason == "" && stampAloneCounts[tok] {
			// "세" alone is "세 개"; but "네" alone is a yes, "구" or "이" a
			// word, and each gave 4, 9 or 2 stamps unasked.
			v, isCount = stampCount(tok + "개")
		}
		if isCount {
			if v < 1 || v > ledger.MaxStampsAtOnce {
				return refuse("loyalty.stamp.bad_count", map[string]any{"Input": tok, "Max": ledger.MaxStampsAtOnce})
			}
			n, rest = v, reason
		}
	}
	if n > p.Stamps.Goal {
		// More than a whole card at once is more often 100 for 10 than a
		// real visit, and each full card is a coupon: ask first, as a
		// large purchase is asked.
		return t.askStamps(c, p, n, rest)
	}
	return t.addStamps(c, p, n, rest)
}

// askStamps asks [찍기] [취소] before adding n stamps, saying how many
// reward coupons they would issue; the stamps wait in the draft.
func (t *turn) askStamps(c ledger.Customer, p ledger.Programme, n int, reason string) error {
	card, err := t.tx.StampCardOf(c.ID, t.now)
	if err != nil {
		return fmt.Errorf("dialog: read stamp card: %w", err)
	}
	t.begin(flowCorrect)
	d := t.sess.Draft
	d[dOp], d[dCustomer], d[dAmount], d[dReason] = opStamp, c.ID, strconv.Itoa(n), reason
	t.say("loyalty.stamp.confirm_large", map[string]any{
		"Name": c.Name, "N": n, "Goal": p.Stamps.Goal, "Cards": (card.Stamps + n) / p.Stamps.Goal, "Reward": t.benefitText(p.Stamps.Reward),
	}, t.btn("loyalty.btn.stamp", "yes"), t.btn("core.btn.cancel", "no"))
	return nil
}

// confirmedStamp adds the stamps askStamps kept, under the programme in
// force when [찍기] is pressed.
func (t *turn) confirmedStamp() error {
	d := t.sess.Draft
	c, err := t.confirmedCustomer()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(d[dAmount])
	if err != nil {
		return fmt.Errorf("dialog: stamp draft count: %w", err)
	}
	p, err := t.programme()
	if err != nil {
		return err
	}
	if p.Stamps.Goal == 0 {
		return refuse("loyalty.stamp.off", nil)
	}
	return t.addStamps(c, p, n, d[dReason])
}

// addStamps adds n stamps to c's card and answers with the card and any
// reward coupons, which the customer is told of at once.
func (t *turn) addStamps(c ledger.Customer, p ledger.Programme, n int, rest string) error {
	res, err := t.tx.AddStamps(c.ID, n, t.actor.ID(), rest, t.now, t.e.loc)
	var re *ledger.RuleError
	switch {
	case errors.Is(err, ledger.ErrNoStampProgramme):
		return refuse("loyalty.stamp.off", nil)
	case errors.As(err, &re) && re.Field == "stamps":
		return refuse("loyalty.stamp.bad_count", map[string]any{"Input": strconv.Itoa(n), "Max": ledger.MaxStampsAtOnce})
	case err != nil:
		return fmt.Errorf("dialog: add stamps: %w", err)
	}
	if err := t.audit("stamps", c.ID, "add "+strconv.Itoa(n)); err != nil {
		return err
	}
	// A stamp is a visit, as an earn or a note is (one a day): a café
	// that only stamps had every customer at 0 visits, never a 단골, and
	// no regular at risk.
	if err := t.tx.RecordVisit(c.ID, t.now); err != nil {
		return fmt.Errorf("dialog: record visit: %w", err)
	}
	up, tierNotice, err := t.tierAfterVisit(c)
	if err != nil {
		return err
	}
	lines := []string{t.text("loyalty.stamp.added", map[string]any{"Name": c.Name, "N": n})}
	notices := []string{tierNotice}
	for _, cp := range res.Rewards {
		lines = append(lines, t.text("loyalty.stamp.reward", map[string]any{
			"Goal": p.Stamps.Goal, "Benefit": t.benefitText(cp.Benefit), "Code": cp.Code, "LastDay": cp.LastDay,
		}))
		notices = append(notices, cp.NoticeID)
	}
	lines = append(lines, t.cardLine(p, res.Card))
	if up != "" {
		lines = append(lines, up)
	}
	t.add(t.mk(strings.Join(lines, "\n")))
	return t.tellNow(c, notices...)
}

// timeSlack is how far ahead of the clock an entry may be and still count
// as the speaker's last (another writer's clock, a commit's ordering).
const timeSlack = time.Minute

// stampCounters are the words a count of stamps may end with, or have
// after it as a word of its own ("세 개", "2 장").
var stampCounters = []string{"개", "장", "stamps", "stamp"}

// stampAloneCounts are the numbers that count alone, with no counter:
// those no staff member types as a word of its own.
var (
	stampAloneCounts = map[string]bool{"한": true, "두": true, "세": true}
)

// stampField splits a count of stamps off the front of s with its
// counter when written apart ("세 개 라떼" → "세 개", "라떼"), and returns
// it as typed with what follows (a reason).
func stampField(s string) (count, rest string) {
	count, rest = firstField(s)
	next, after := firstField(rest)
	for _, c := range stampCounters {
		if strings.EqualFold(next, c) {
			if _, ok := stampCount(count + next); ok {
				return count + " " + next, after
			}
		}
	}
	return count, rest
}

// stampFraction reports a count written as a decimal or a fraction
// ("1.5", "0.5개", "1/2", "½"): a card takes whole stamps, and such a
// word is a mistyped count, not a reason to keep.
func stampFraction(s string) bool {
	s = strings.ReplaceAll(strings.ToLower(foldFullWidth(s)), " ", "")
	for _, c := range stampCounters {
		s = strings.TrimSuffix(s, c)
	}
	if strings.ContainsAny(s, "½⅓⅔¼¾⅕") {
		return true
	}
	for _, sep := range []string{".", "/"} {
		if a, b, ok := strings.Cut(s, sep); ok && (a == "" || isBareNumber(a)) && isBareNumber(b) {
			return true
		}
	}
	return false
}

// stampCount reads a count of stamps, "3", "3개", "x3", "-1", "세 개",
// "다섯", "두장": isCount says the word is a count at all (so "3" is one
// and "라떼" is a reason), whether or not n is one a card takes.
func stampCount(s string) (n int, isCount bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(foldFullWidth(s))), " ", "")
	s = strings.TrimPrefix(s, "x")
	counter := ""
	for _, c := range stampCounters {
		if t, ok := strings.CutSuffix(s, c); ok && t != "" {
			s, counter = t, c
			break
		}
	}
	// The sino ones count only with 개 ("삼개"): "이 손님" is this
	// customer, "사장" the owner.
	if v, ok := koreanNumeral(s, counter != "", counter == "개"); ok {
		return v, true
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	if !isBareNumber(s) {
		return 0, false
	}
	if neg {
		return -1, true
	}
	if len(s) > 6 {
		return ledger.MaxStampsAtOnce + 1, true
	}
	return atoi(s), true
}

// cardLine is the card as staff read it: "☕ 7/10 — 3개 더 모으면 아메리카노 1잔".
func (t *turn) cardLine(p ledger.Programme, card ledger.StampCard) string {
	goal := p.Stamps.Goal
	if goal == 0 {
		return t.text("loyalty.card.stamps_off", map[string]any{"N": card.Stamps})
	}
	return t.text("loyalty.stamp.card", map[string]any{
		"N": card.Stamps, "Goal": goal, "Left": max(0, goal-card.Stamps), "Reward": t.benefitText(p.Stamps.Reward),
	})
}

// stampDots draws a card for the customer: ●●●●●●●○○○ 7/10. A card over
// its goal (stamps carried over by an import) shows the goal full.
func stampDots(n, goal int) string {
	if goal <= 0 {
		return ""
	}
	full := min(n, goal)
	return strings.Repeat("●", full) + strings.Repeat("○", goal-full) + " " + strconv.Itoa(n) + "/" + strconv.Itoa(goal)
}

// stampUndo reverses the speaker's own last stamp entry of the last
// UndoWindow.
func (t *turn) stampUndo() error {
	var last *ledger.StampEntry
	me := t.actor.ID()
	err := t.tx.ScanStamps(t.now.Add(-UndoWindow), t.now.Add(UndoWindow), func(s ledger.StampEntry) error {
		if s.ActorID == me && s.Reverses == "" && !s.At.After(t.now.Add(timeSlack)) {
			last = &s
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dialog: scan stamps: %w", err)
	}
	if last == nil {
		t.say("loyalty.stamp.undo_nothing", map[string]any{"Hours": int(UndoWindow.Hours())})
		return nil
	}
	c, err := t.tx.Customer(last.CustomerID)
	if err != nil {
		return fmt.Errorf("dialog: read customer: %w", err)
	}
	return t.reverseStamps(c, *last)
}

// actStampVoid is a manager's /stamp void <customer> <n>.
func (t *turn) actStampVoid(c ledger.Customer, rest string) error {
	tok, _ := firstField(rest)
	n, ok := listNumber(tok)
	if !ok {
		t.say("loyalty.stamp.bad_number", map[string]any{"Input": tok, "Name": c.Name})
		return nil
	}
	s, err := t.tx.StampAt(c.ID, n)
	if errors.Is(err, ledger.ErrNotFound) {
		total, cerr := t.tx.StampsCount(c.ID)
		if cerr != nil {
			return fmt.Errorf("dialog: count stamps: %w", cerr)
		}
		t.say("loyalty.stamp.no_entry", map[string]any{"N": n, "Name": c.Name, "Count": total})
		return nil
	}
	if err != nil {
		return fmt.Errorf("dialog: read stamp entry: %w", err)
	}
	return t.reverseStamps(c, s)
}

// reverseStamps appends the correction of stamp entry s of c, refusing
// with the reason when it may not be reversed.
func (t *turn) reverseStamps(c ledger.Customer, s ledger.StampEntry) error {
	data := map[string]any{"Name": c.Name, "N": s.N, "Date": t.day(s.At)}
	if c.Erased {
		t.say("corrections.points.erased", nil)
		return nil
	}
	res, err := t.tx.ReverseStamps(s.ID, t.actor.ID(), "", t.now)
	switch {
	case errors.Is(err, ledger.ErrIsCorrection):
		return refuse("loyalty.stamp.is_correction", data)
	case errors.Is(err, ledger.ErrAlreadyReversed):
		return refuse("loyalty.stamp.already", data)
	case errors.Is(err, ledger.ErrStampsUsed):
		return refuse("loyalty.stamp.used", data)
	case err != nil:
		return fmt.Errorf("dialog: reverse stamps: %w", err)
	}
	if err := t.audit("stamps", c.ID, "reverse "+s.ID); err != nil {
		return err
	}
	p, err := t.programme()
	if err != nil {
		return err
	}
	lines := []string{t.text("loyalty.stamp.reversed", data)}
	var notices []string
	for _, cp := range res.Voided {
		lines = append(lines, t.text("loyalty.stamp.voided", map[string]any{"Benefit": t.benefitText(cp.Benefit), "Code": cp.Code}))
		// The customer was told "🎉 쿠폰을 드려요": the coupon must not
		// just disappear. Staff read whether they hear of it.
		told, err := t.voidToldLine(c, cp)
		if err != nil {
			return err
		}
		if told != "" {
			lines = append(lines, told)
			notices = append(notices, cp.VoidNotice)
		}
	}
	lines = append(lines, t.cardLine(p, res.Card))
	t.add(t.mk(strings.Join(lines, "\n")))
	return t.tellNow(c, notices...)
}

// stampLines are a customer's newest stamp entries, numbered as /stamp
// void takes them.
func (t *turn) stampLines(customerID string, limit int) ([]string, error) {
	total, err := t.tx.StampsCount(customerID)
	if err != nil {
		return nil, fmt.Errorf("dialog: count stamps: %w", err)
	}
	es, err := t.tx.StampsOf(customerID, limit)
	if err != nil {
		return nil, fmt.Errorf("dialog: read stamps: %w", err)
	}
	num := map[string]int{}
	for i, s := range es {
		num[s.ID] = total - i
	}
	lines := make([]string, 0, len(es))
	for i := len(es) - 1; i >= 0; i-- {
		s := es[i]
		d := map[string]any{"No": num[s.ID], "Date": t.day(s.At), "N": s.N, "Reason": s.Reason}
		switch {
		case s.Reverses != "":
			d["Of"] = num[s.Reverses]
			lines = append(lines, t.text("loyalty.stamp.line_reversal", d))
		case s.ReversedBy != "":
			lines = append(lines, t.text("loyalty.stamp.line_reversed", d))
		default:
			lines = append(lines, t.text("loyalty.stamp.line", d))
		}
	}
	return lines, nil
}
