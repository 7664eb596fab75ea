package dialog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// Tiers come from the loyalty programme in the ledger (ledger.TierRules:
// names, thresholds in visits and/or spend over a window, earn rates and
// benefit lines), set by a manager with /program tiers (flow_program.go).
// TierRegularVisits and TierVIPVisits are the default programme's
// thresholds, what a shop has before a manager changes them.
const (
	TierRegularVisits = 5
	TierVIPVisits     = 15
)

// tierID returns the catalog id of the built-in tier a visit count earns
// under the default programme (ledger.DefaultProgramme), where only
// visits ever counted decide. A shop's own tiers are named by tierName.
func tierID(visits int) string {
	p := ledger.DefaultProgramme(ledger.DefaultEarnRateBP)
	return builtinTiers[p.Tiers.Levels[p.Tiers.Compute(visits, 0)].ID]
}

// tierLabel is the name of the tier c holds now under the programme in
// force, in the reader's language (lang; "": the turn's).
func (t *turn) tierLabel(c ledger.Customer, lang string) (string, error) {
	p, err := t.programme()
	if err != nil {
		return "", err
	}
	id, err := t.tx.TierIDOf(c.ID, t.now, t.e.loc)
	if err != nil {
		return "", fmt.Errorf("dialog: read tier: %w", err)
	}
	l, ok := p.Tiers.Level(id)
	if !ok {
		l = ledger.Tier{ID: id}
	}
	if lang == "" {
		lang = t.lang
	}
	return TierName(t.e.cat, lang, l), nil
}

// maskPhone hides the middle of a phone number: 010-****-5678. Like
// formatPhone it takes the digits ledger.NormalizePhone gives, the only form
// the ledger stores.
func maskPhone(d string) string {
	g, n := ledger.PhoneGroups(d)
	var buf [32]byte
	b := buf[:0]
	switch {
	case n == 3:
		b = append(append(b, g[0]...), '-')
		for range len(g[1]) {
			b = append(b, '*')
		}
		b = append(append(b, '-'), g[2]...)
	case len(d) > 4:
		for range len(d) - 4 {
			b = append(b, '*')
		}
		b = append(b, d[len(d)-4:]...)
	default:
		return "****"
	}
	return string(b)
}

// formatPhone writes a domestic number with dashes (ledger.FormatPhone).
func formatPhone(d string) string { return ledger.FormatPhone(d) }

// groupDigits writes n with thousands separators: 55,000.
func groupDigits(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	// On the stack, one allocation for the result: every points and won
	// figure of every reply comes through here.
	var digits, out [40]byte
	s := strconv.AppendInt(digits[:0], n, 10)
	b := out[:0]
	if neg {
		b = append(b, '-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return string(b)
}

// koreanUnits writes a non-negative n as an amount is read aloud in
// Korean, in 경, 조, 억 and 만 with each part grouped: 9999999999 is "99억
// 9,999만 9,999", 100000000 "1억", 55000 "5만 5,000". A confirmation says
// a large figure so, where a row of digits hides a zero too many.
func koreanUnits(n int64) string {
	if n <= 0 {
		return groupDigits(n)
	}
	var parts []string
	for _, u := range []struct {
		unit  int64
		label string
	}{{1e16, "경"}, {1e12, "조"}, {1e8, "억"}, {1e4, "만"}, {1, ""}} {
		if q := n / u.unit; q > 0 {
			parts = append(parts, groupDigits(q)+u.label)
			n %= u.unit
		}
	}
	return strings.Join(parts, " ")
}

// won formats an amount of money: 55,000원 in Korean, ₩55,000 in English.
func (t *turn) won(n int64) string { return t.figure("core.fmt.won", n) }

// pts formats a number of points: 1,200P.
func (t *turn) pts(n int64) string { return t.figure("core.fmt.points", n) }

// figure renders the format id of one figure N, grouped, through one data
// map the turn keeps (a /points reply writes a figure per entry); nothing
// else uses that map, and the catalog keeps none of it.
func (t *turn) figure(id string, n int64) string {
	if t.figures == nil {
		t.figures = make(map[string]any, 1)
	}
	t.figures["N"] = groupDigits(n)
	return t.text(id, t.figures)
}

// signedPts formats a points change with its sign: +2,750P, -1,000P.
func (t *turn) signedPts(n int64) string {
	s := t.pts(n)
	if n > 0 {
		s = "+" + s
	}
	return s
}

// day formats a date in the shop's time zone. ISO dates read the same in
// both languages and sort.
func (t *turn) day(at time.Time) string {
	return at.In(t.e.loc).Format("2006-01-02")
}

// stars draws a 1–5 rating as ★★★☆☆.
func stars(n int) string {
	n = max(0, min(5, n))
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

// staffName is how the sender is named to others.
func (t *turn) staffName() string {
	if t.m.UserName != "" {
		return t.m.UserName
	}
	return t.m.UserID
}

// customerData is the template data naming a customer, their tier as the
// programme has it. A tier that cannot be read (a broken record) is shown
// as the visit count gives it, and logged, so a card still shows.
func (t *turn) customerData(c ledger.Customer, balance int64) map[string]any {
	tier, err := t.tierLabel(c, "")
	if err != nil {
		t.e.log.ErrorContext(t.ctx, "dialog: tier of a customer", "customer", c.ID, "err", err)
		tier = t.text(tierID(c.Visits), nil)
	}
	return map[string]any{
		"Name":   c.Name,
		"Phone":  formatPhone(c.Phone),
		"Masked": maskPhone(c.Phone),
		"Tier":   tier,
		"Visits": c.Visits,
		"Points": t.pts(balance),
	}
}

// shortCard is one line about a customer, shown after a change.
func (t *turn) shortCard(customerID string) (string, error) {
	c, err := t.tx.Customer(customerID)
	if err != nil {
		return "", fmt.Errorf("dialog: read customer: %w", err)
	}
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return "", fmt.Errorf("dialog: read balance: %w", err)
	}
	return t.text("core.card.short", t.customerData(c, bal)), nil
}

// card is the full customer card staff see: who, tier, points, visits,
// tags, preferences and remarks, the last notes and recent feedback.
func (t *turn) card(c ledger.Customer) (Reply, error) {
	bal, err := t.tx.Balance(c.ID)
	if err != nil {
		return Reply{}, fmt.Errorf("dialog: read balance: %w", err)
	}
	// A note that does not read is passed over and said (ledger
	// SkipDamaged): the card shows the others.
	damagedNotes := 0
	restore := t.tx.SkipDamaged(func(kind ledger.RecordKind, err error) {
		damagedNotes++
		t.e.log.WarnContext(t.ctx, "dialog: a damaged record passed over", "kind", kind, "err", err)
	})
	notes, err := t.tx.NotesOf(c.ID, 5)
	t.tx.SkipDamaged(restore)
	if err != nil {
		return Reply{}, fmt.Errorf("dialog: read notes: %w", err)
	}
	fbs, err := t.tx.FeedbackOf(c.ID, 3)
	if err != nil {
		return Reply{}, fmt.Errorf("dialog: read feedback: %w", err)
	}
	data := t.customerData(c, bal)
	tierLine := t.text("core.card.tier", data)
	// A tier brought over from the shop's list and held while the rules'
	// window fills with visits recorded here (ledger StartTier).
	if until, held, err := t.tx.TierHold(c.ID, t.now, t.e.loc); err != nil {
		return Reply{}, fmt.Errorf("dialog: read tier hold: %w", err)
	} else if held {
		data["Until"] = t.day(until)
		tierLine = t.text("core.card.tier_held", data)
	}
	info := []string{tierLine, t.text("core.card.points", data)}
	// The tier's benefit, stamps, coupons and the next expiry, when any.
	more, coupons, err := t.loyaltyLines(c, true)
	if err != nil {
		return Reply{}, err
	}
	info = append(info, more...)
	if len(coupons) > 0 {
		info = append(info, t.text("loyalty.card.coupons", map[string]any{"Count": len(coupons), "List": strings.Join(t.couponLines(coupons), " · ")}))
	}
	if !c.LastVisit.IsZero() {
		info = append(info, t.text("core.card.last_visit", map[string]any{"Date": t.day(c.LastVisit)}))
	}
	// When retention will erase them, in the last days (flow_retention.go).
	if line, ok, err := t.retentionLine(c, "privacy.retention.card"); err != nil {
		return Reply{}, err
	} else if ok {
		info = append(info, line)
	}
	if !c.Birthday.IsZero() {
		info = append(info, t.text("customer_edit.card.birthday", map[string]any{"Date": t.birthdayText(c.Birthday)}))
	}
	tags := append([]string(nil), c.Tags...)
	for _, n := range notes {
		for _, tg := range n.Tags {
			if !hasTag(tags, tg) {
				tags = append(tags, tg)
			}
		}
	}
	if len(tags) > 0 {
		info = append(info, t.text("core.card.tags", map[string]any{"Tags": "#" + strings.Join(tags, " #")}))
	}
	if c.Preferences != "" {
		info = append(info, t.text("core.card.preferences", map[string]any{"Text": c.Preferences}))
	}
	if c.Remarks != "" {
		info = append(info, t.text("core.card.remarks", map[string]any{"Text": c.Remarks}))
	}
	if len(c.Links) > 0 {
		info = append(info, t.text("core.card.linked", nil))
	} else if c.Consent.Declined {
		info = append(info, t.text("linking.card.declined", map[string]any{"Date": t.day(c.Consent.At)}))
	}
	secs := []Section{{Title: t.text("core.card.info_title", nil), Lines: info}}

	nl, noteButtons, err := t.cardNoteLines(c.ID, notes) // numbered (flow_corrections.go)
	if err != nil {
		return Reply{}, err
	}
	if damagedNotes > 0 {
		nl = append(nl, t.text("core.card.notes_damaged", map[string]any{"Count": damagedNotes}))
	}
	if len(nl) == 0 {
		nl = []string{t.text("core.card.no_notes", nil)}
	}
	secs = append(secs, Section{Title: t.text("core.card.notes_title", nil), Lines: nl})

	if len(fbs) > 0 {
		var fl []string
		for _, f := range fbs {
			fl = append(fl, t.feedbackLine(f))
		}
		secs = append(secs, Section{Title: t.text("core.card.feedback_title", nil), Lines: fl})
	}
	if sec, ok, err := t.threadSection(c.ID, false); err != nil { // 최근 문의 (flow_thread.go)
		return Reply{}, err
	} else if ok {
		secs = append(secs, sec)
	}
	r := t.mkSections(t.text("core.card.head", data), secs)
	r.Buttons = append(r.Buttons, noteButtons...)
	return r, nil
}

// mkSections makes a structured reply: a headline and its sections.
func (t *turn) mkSections(head string, secs []Section) Reply {
	return Reply{Lang: t.lang, Text: head, Sections: secs}
}

func (t *turn) noteLine(n ledger.Note) string {
	d := map[string]any{"Date": t.day(n.At), "Text": n.Text, "Staff": n.StaffName, "Amount": t.won(n.Amount)}
	if n.StaffName == "" {
		d["Staff"] = n.StaffID
	}
	if n.Amount > 0 {
		return t.text("core.card.note_line_amount", d)
	}
	return t.text("core.card.note_line", d)
}

func (t *turn) feedbackLine(f ledger.Feedback) string {
	d := map[string]any{"Date": t.day(f.At), "Stars": stars(f.Rating), "Comment": f.Comment}
	if f.Comment == "" {
		return t.text("core.card.feedback_line", d)
	}
	return t.text("core.card.feedback_line_comment", d)
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// firstField splits off the first whitespace-separated word of s.
func firstField(s string) (first, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n\r")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// dropFields removes the first n whitespace-separated words of s, keeping
// the rest as written (a note's line breaks survive).
func dropFields(s string, n int) string {
	s = strings.TrimSpace(s)
	for range n {
		_, s = firstField(s)
	}
	return s
}
