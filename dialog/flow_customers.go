package dialog

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
)

// /customers lists customers for staff by a filter of words combined with
// spaces (all must hold): "#tag", a tier (the programme's names, VIP,
// 단골, 일반 or the English names of the built-in tiers), "생일 3월" / "생일 이번달" (birthday month), "뜸한" (the summary's
// at-risk rule, feedback.IsAtRisk), "최근 30일" (last visit within),
// "90일 이상" (last visit longer ago), "신규 30일" (registered within), and
// their English forms (#tag, vip|regular|member, birthday march|this month,
// at-risk, last 30d, 90d+, new 30d). The answer is the count and a page of
// customersPage, in registration order, with [더 보기] and [CSV 받기]; the
// filter and the next offset wait in the session (flow "customers").
//
// Showing a customer in a list is a read of their record, so each customer
// shown (on a page or in the CSV) gets its own "list" audit entry, like the
// "which customer?" buttons: /audit <customer> then says who saw them. The
// count alone reads no record and is not audited.

// flowCustomers is the session flow holding a listing's filter and page.
const flowCustomers = "customers"

// customersPage is how many customers one answer shows.
const customersPage = 15

// customersFlow is the listing flow: it stays in "list" while pages and
// the CSV are asked for.
func customersFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.customers",
		initial: "list",
		roles:   staffRoles,
		events: fsm.Events{
			{Name: "more", Src: []string{"list"}, Dst: "list"},
			{Name: "csv", Src: []string{"list"}, Dst: "list"},
		},
		step:   (*turn).customersStep,
		browse: []string{"list"},
	}
}

// custFilter is a parsed /customers filter.
type custFilter struct {
	tags       []string
	tier       string // a tier id of the programme, "" for any
	birthMonth time.Month
	atRisk     bool
	lastWithin int // days; 0: no bound
	lastBefore int // days; 0: no bound
	newWithin  int // days; 0: no bound
}

// parseCustomerFilter reads a filter; bad is the first word it did not
// understand ("" when all were).
func (t *turn) parseCustomerFilter(s string) (f custFilter, bad string) {
	toks := joinDayUnits(strings.Fields(s))
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		low := strings.ToLower(tok)
		next := func() string {
			if i+1 < len(toks) {
				i++
				return strings.ToLower(toks[i])
			}
			return ""
		}
		switch {
		case strings.HasPrefix(tok, "#") || strings.HasPrefix(tok, "＃"):
			tag := ledger.NormalizeTag(tok)
			if tag == "" {
				return f, tok
			}
			f.tags = append(f.tags, tag)
		case t.tierWord(toks, &i) != "":
			f.tier = t.tierWord(toks, &i)
		case low == "생일" || low == "birthday" || low == "bday":
			w := next()
			switch w {
			case "this", "next", "이번", "다음":
				unit := next()
				if unit != "month" && unit != "달" {
					return f, strings.TrimSpace(w + " " + unit)
				}
				w += unit
			}
			m, ok := t.monthWord(w)
			if !ok {
				if w == "" {
					return f, tok
				}
				return f, toks[i]
			}
			f.birthMonth = m
		case low == "전체" || low == "모두" || low == "all" || low == "everyone":
			// Everyone: what no condition means, said as a shop says it
			// (/campaign 전체 : …), and the word the list's title uses.
		case low == "뜸한" || low == "at-risk" || low == "atrisk":
			f.atRisk = true
		case low == "최근" || low == "last" || low == "신규" || low == "new":
			w := next()
			n, ok := dayCount(w)
			if !ok {
				if w == "" {
					return f, tok
				}
				return f, toks[i]
			}
			if low == "최근" || low == "last" {
				f.lastWithin = n
			} else {
				f.newWithin = n
			}
		default:
			// "90일 이상", "90일이상", "90d+".
			num, plus := strings.CutSuffix(low, "+")
			num, above := strings.CutSuffix(num, "이상")
			n, ok := dayCount(num)
			if ok && !plus && !above && i+1 < len(toks) && toks[i+1] == "이상" {
				i++
				above = true
			}
			if ok && !plus && !above && i+2 < len(toks) && strings.EqualFold(toks[i+1], "or") && strings.EqualFold(toks[i+2], "more") {
				i += 2
				above = true
			}
			if !ok || !(plus || above) {
				return f, tok
			}
			f.lastBefore = n
		}
	}
	return f, ""
}

// tierWord returns the id of the programme's tier named at toks[*i]: the
// shop's name for it (of up to three words, *i then moves to its last),
// its id, or a built-in tier's word in either language; "" when none.
func (t *turn) tierWord(toks []string, i *int) string {
	p, err := t.programme()
	if err != nil {
		t.e.log.ErrorContext(t.ctx, "dialog: read programme", "err", err)
		return ""
	}
	for n := min(3, len(toks)-*i); n >= 1; n-- {
		if l, ok := t.e.tierByWord(p, strings.Join(toks[*i:*i+n], " ")); ok {
			*i += n - 1
			return l.ID
		}
	}
	return ""
}

// monthWord reads a birthday month: "3월", "3", "march", "mar", 이번달,
// 다음달, or "thismonth"/"nextmonth" (two words joined by the parser).
func (t *turn) monthWord(w string) (time.Month, bool) {
	now := t.now.In(t.e.loc)
	switch w {
	case "이번달", "thismonth":
		return now.Month(), true
	case "다음달", "nextmonth":
		return now.AddDate(0, 0, 32-now.Day()).Month(), true
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(w, "월")); err == nil && n >= 1 && n <= 12 {
		return time.Month(n), true
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if w == name || (len(w) >= 3 && strings.HasPrefix(name, w)) {
			return m, true
		}
	}
	return 0, false
}

// dayCount reads a number of days: "30", "30일", "30d", "30days".
// joinDayUnits joins a number and the unit written apart from it, as
// people type a filter: "최근 30 일" as "최근 30일", "new 30 days" as "new
// 30days", "90 days+" as "90days+".
func joinDayUnits(toks []string) []string {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		if i+1 < len(toks) && strings.Trim(tok, "0123456789") == "" {
			unit, _ := strings.CutSuffix(strings.ToLower(toks[i+1]), "+")
			unit, _ = strings.CutSuffix(unit, "이상")
			switch unit {
			case "일", "days", "day", "d":
				tok += toks[i+1]
				i++
			}
		}
		out = append(out, tok)
	}
	return out
}

func dayCount(w string) (int, bool) {
	for _, sfx := range []string{"일", "days", "day", "d"} {
		if s, ok := strings.CutSuffix(w, sfx); ok {
			w = s
			break
		}
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 1 || n > 36600 {
		return 0, false
	}
	return n, true
}

// ledgerFilter turns f into the ledger's filter at the turn's time.
func (t *turn) ledgerFilter(f custFilter) ledger.CustomerFilter {
	now := t.now
	lf := ledger.CustomerFilter{Tags: f.tags, BirthMonth: f.birthMonth}
	if f.newWithin > 0 {
		lf.CreatedFrom = now.AddDate(0, 0, -f.newWithin)
	}
	if !f.atRisk && f.lastWithin == 0 && f.lastBefore == 0 {
		return lf
	}
	lf.Visits = func(v ledger.VisitStats) bool {
		switch {
		case f.atRisk && !feedback.IsAtRisk(v, now):
			return false
		case f.lastWithin > 0 && (v.Visits == 0 || v.Last.Before(now.AddDate(0, 0, -f.lastWithin))):
			return false
		case f.lastBefore > 0 && (v.Visits == 0 || !v.Last.Before(now.AddDate(0, 0, -f.lastBefore))):
			return false
		}
		return true
	}
	return lf
}

// cmdCustomers: /customers [filter].
func (t *turn) cmdCustomers(args string) error {
	filter := strings.Join(strings.Fields(args), " ")
	if _, bad := t.parseCustomerFilter(filter); bad != "" {
		t.say("customers.bad_word", map[string]any{"Word": bad})
		return nil
	}
	t.begin(flowCustomers)
	t.sess.Draft["filter"] = filter
	return t.customersPage(filter, 0)
}

// customersPage answers one page of the listing from offset and keeps the
// next offset in the session.
func (t *turn) customersPage(filter string, offset int) error {
	f, _ := t.parseCustomerFilter(filter)
	tiers, err := t.tx.TierLookup(t.now, t.e.loc)
	if err != nil {
		return fmt.Errorf("dialog: list customers: %w", err)
	}
	n, cs, damaged, err := t.listReadable(f, tiers, offset, customersPage)
	if err != nil {
		return err
	}
	label := filter
	if label == "" {
		label = t.text("customers.all", nil)
	}
	// Only consenting customers' birthdays are indexed (ledger): a staff
	// member who typed a birthday a moment ago must learn why it is not
	// listed, not doubt what they typed.
	var birthdayNote []Section
	if f.birthMonth != 0 {
		birthdayNote = []Section{{Lines: []string{t.text("customers.birthday_consent", nil)}}}
	}
	if n == 0 {
		t.end()
		t.add(t.mkSections(t.text("customers.none", map[string]any{"Filter": label}), birthdayNote))
		return nil
	}
	if len(cs) == 0 && damaged == 0 {
		t.end()
		t.say("customers.end", nil)
		return nil
	}
	lines := make([]string, 0, len(cs))
	for i, c := range cs {
		if err := t.audit("list", c.ID, "customers "+filter); err != nil {
			return err
		}
		lines = append(lines, t.customerLine(offset+i+1, c, tiers))
	}
	next := offset + len(cs) + damaged // the damaged took their place in the index
	if damaged > 0 {
		lines = append(lines, t.text("customers.damaged", map[string]any{"Count": damaged}))
	}
	head := t.text("customers.head", map[string]any{
		"Count": groupDigits(int64(n)), "Filter": label, "From": offset + 1, "To": next,
	})
	r := t.mkSections(head, append([]Section{{Lines: lines}}, birthdayNote...))
	if f.atRisk { // 뜸한: [안부 메시지] on each row (flow_winback.go)
		for _, c := range cs {
			r.Buttons = append(r.Buttons, t.winBackButton(c.Name, c.ID))
		}
	}
	if next < n {
		r.Buttons = append(r.Buttons, t.btn("customers.btn.more", "more"))
	}
	r.Buttons = append(r.Buttons, t.btn("customers.btn.csv", "csv"))
	r.Private = true
	t.sess.Draft["next"] = strconv.Itoa(next)
	t.add(r)
	return nil
}

// listCustomers is the ledger's listing of f, through the tier index of
// tiers when f names a tier.
func (t *turn) listCustomers(f custFilter, tiers *ledger.TierLookup, offset, limit int) (int, []ledger.Customer, error) {
	var n int
	var cs []ledger.Customer
	var err error
	if f.tier != "" {
		n, cs, err = t.tx.ListCustomersInTier(t.ledgerFilter(f), f.tier, tiers, offset, limit)
	} else {
		n, cs, err = t.tx.ListCustomers(t.ledgerFilter(f), offset, limit)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("dialog: list customers: %w", err)
	}
	return n, cs, nil
}

// listReadable is listCustomers passing over the customers whose record
// does not read (ledger.ErrCorrupt), and how many: a listing shows the
// others and says how many it could not, where one damaged record used to
// fail the whole listing with "try again later", for good.
func (t *turn) listReadable(f custFilter, tiers *ledger.TierLookup, offset, limit int) (n int, cs []ledger.Customer, damaged int, err error) {
	defer t.tx.SkipDamaged(t.tx.SkipDamaged(func(kind ledger.RecordKind, err error) {
		damaged++
		t.e.log.WarnContext(t.ctx, "dialog: a damaged record passed over", "kind", kind, "err", err)
	}))
	n, cs, err = t.listCustomers(f, tiers, offset, limit)
	return n, cs, damaged, err
}

// tierOfIn names the tier c holds by tiers, in the reader's language.
func (t *turn) tierOfIn(c ledger.Customer, tiers *ledger.TierLookup) string {
	id, err := tiers.Of(c.ID)
	if err != nil {
		t.e.log.ErrorContext(t.ctx, "dialog: tier of a customer", "customer", c.ID, "err", err)
		return t.text(tierID(c.Visits), nil)
	}
	return t.tierNameOf(tiers.Programme(), id)
}

// customerLine is one customer of a listing: the full phone in a private
// view (a DM), masked anywhere others may read along.
func (t *turn) customerLine(n int, c ledger.Customer, tiers *ledger.TierLookup) string {
	phone := maskPhone(c.Phone)
	if t.m.Private {
		phone = formatPhone(c.Phone)
	}
	if c.Phone == "" {
		phone = "-"
	}
	d := map[string]any{"N": n, "Name": c.Name, "Phone": phone, "Tier": t.tierOfIn(c, tiers)}
	if c.LastVisit.IsZero() {
		return t.text("customers.line_never", d)
	}
	d["Last"] = t.day(c.LastVisit)
	return t.text("customers.line", d)
}

// customersStep reads the buttons of a listing: the next page or the CSV.
func (t *turn) customersStep(in input) error {
	filter := t.sess.Draft["filter"]
	switch {
	case t.isButton(in, "more", "customers.btn.more"):
		if err := t.fire("more"); err != nil {
			return err
		}
		next, _ := strconv.Atoi(t.sess.Draft["next"])
		return t.customersPage(filter, next)
	case t.isButton(in, "csv", "customers.btn.csv"):
		if err := t.fire("csv"); err != nil {
			return err
		}
		return t.customersCSV(filter)
	}
	t.say("customers.hint", nil, t.btn("customers.btn.more", "more"), t.btn("customers.btn.csv", "csv"))
	return nil
}

// customersCSV sends every customer of the listing as a CSV file, privately
// (Slack puts a private file in the sender's DM; the console saves it).
// Each customer in it is audited like one shown on a page.
func (t *turn) customersCSV(filter string) error {
	f, _ := t.parseCustomerFilter(filter)
	tiers, err := t.tx.TierLookup(t.now, t.e.loc)
	if err != nil {
		return fmt.Errorf("dialog: list customers: %w", err)
	}
	n, cs, damaged, err := t.listReadable(f, tiers, 0, 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // Excel reads a CSV without it in the local code page
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	// The headers are in the reader's language, and ones dangol import
	// knows, so the file opens as a 고객관리장부 and goes back in.
	w.Write(strings.Split(t.text("customers.csv.header", nil), ","))
	for _, c := range cs {
		if err := t.audit("list", c.ID, "customers csv "+filter); err != nil {
			return err
		}
		last := ""
		if !c.LastVisit.IsZero() {
			last = t.day(c.LastVisit)
		}
		w.Write([]string{c.ID, csvCell(c.Name), formatPhone(c.Phone), csvCell(t.tierOfIn(c, tiers)),
			strconv.Itoa(c.Visits), last, csvCell(strings.Join(c.Tags, ", "))})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("dialog: customers csv: %w", err)
	}
	text := t.text("customers.csv.sent", map[string]any{"Count": groupDigits(int64(n - damaged))})
	if damaged > 0 {
		text += "\n" + t.text("customers.damaged", map[string]any{"Count": damaged})
	}
	r := t.mk(text)
	r.Private = true
	r.File = &File{Name: "customers-" + t.now.In(t.e.loc).Format("20060102-1504") + ".csv", Mime: "text/csv", Bytes: buf.Bytes()}
	t.add(r)
	return nil
}

// csvCell keeps a text a spreadsheet would run as a formula ("=…", "+…",
// "-…", "@…") a text, by the usual leading apostrophe.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
