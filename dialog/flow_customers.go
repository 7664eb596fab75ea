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
	"github.com/dangol/dangol/locales"
)

// /customers lists customers for staff by a filter of words combined with
// spaces (all must hold): "#tag", a tier (VIP, 단골, 일반 or the English
// names), "생일 3월" / "생일 이번달" (birthday month), "뜸한" (the summary's
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
		initial: "list",
		roles:   staffRoles,
		events: fsm.Events{
			{Name: "more", Src: []string{"list"}, Dst: "list"},
			{Name: "csv", Src: []string{"list"}, Dst: "list"},
		},
		step: (*turn).customersStep,
	}
}

// custFilter is a parsed /customers filter.
type custFilter struct {
	tags       []string
	tier       string // "core.tier.…" id, "" for any
	birthMonth time.Month
	atRisk     bool
	lastWithin int // days; 0: no bound
	lastBefore int // days; 0: no bound
	newWithin  int // days; 0: no bound
}

// parseCustomerFilter reads a filter; bad is the first word it did not
// understand ("" when all were).
func (t *turn) parseCustomerFilter(s string) (f custFilter, bad string) {
	toks := strings.Fields(s)
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
		case t.tierWord(low) != "":
			f.tier = t.tierWord(low)
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
			if !ok || !(plus || above) {
				return f, tok
			}
			f.lastBefore = n
		}
	}
	return f, ""
}

// tierWord returns the tier id a word names in either language, or "".
func (t *turn) tierWord(w string) string {
	for _, id := range []string{"core.tier.vip", "core.tier.regular", "core.tier.new"} {
		for _, l := range locales.Languages {
			if strings.EqualFold(w, t.e.cat.Text(l, id, nil)) {
				return id
			}
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
	if f.tier == "" && !f.atRisk && f.lastWithin == 0 && f.lastBefore == 0 {
		return lf
	}
	lf.Visits = func(v ledger.VisitStats) bool {
		switch {
		case f.tier != "" && tierID(v.Visits) != f.tier:
			return false
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
	n, cs, err := t.tx.ListCustomers(t.ledgerFilter(f), offset, customersPage)
	if err != nil {
		return fmt.Errorf("dialog: list customers: %w", err)
	}
	label := filter
	if label == "" {
		label = t.text("customers.all", nil)
	}
	if n == 0 {
		t.end()
		t.say("customers.none", map[string]any{"Filter": label})
		return nil
	}
	if len(cs) == 0 {
		t.end()
		t.say("customers.end", nil)
		return nil
	}
	lines := make([]string, 0, len(cs))
	for i, c := range cs {
		if err := t.audit("list", c.ID, "customers "+filter); err != nil {
			return err
		}
		lines = append(lines, t.customerLine(offset+i+1, c))
	}
	next := offset + len(cs)
	head := t.text("customers.head", map[string]any{
		"Count": groupDigits(int64(n)), "Filter": label, "From": offset + 1, "To": next,
	})
	r := t.mkSections(head, []Section{{Lines: lines}})
	if next < n {
		r.Buttons = append(r.Buttons, t.btn("customers.btn.more", "more"))
	}
	r.Buttons = append(r.Buttons, t.btn("customers.btn.csv", "csv"))
	r.Private = true
	t.sess.Draft["next"] = strconv.Itoa(next)
	t.add(r)
	return nil
}

// customerLine is one customer of a listing: the full phone in a private
// view (a DM), masked anywhere others may read along.
func (t *turn) customerLine(n int, c ledger.Customer) string {
	phone := maskPhone(c.Phone)
	if t.m.Private {
		phone = formatPhone(c.Phone)
	}
	if c.Phone == "" {
		phone = "-"
	}
	d := map[string]any{"N": n, "Name": c.Name, "Phone": phone, "Tier": t.text(tierID(c.Visits), nil)}
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
	n, cs, err := t.tx.ListCustomers(t.ledgerFilter(f), 0, 0)
	if err != nil {
		return fmt.Errorf("dialog: list customers: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // Excel reads a CSV without it in the local code page
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write([]string{"id", "name", "phone", "tier", "visits", "last_visit", "tags"})
	for _, c := range cs {
		if err := t.audit("list", c.ID, "customers csv "+filter); err != nil {
			return err
		}
		last := ""
		if !c.LastVisit.IsZero() {
			last = t.day(c.LastVisit)
		}
		w.Write([]string{c.ID, csvCell(c.Name), formatPhone(c.Phone), t.text(tierID(c.Visits), nil),
			strconv.Itoa(c.Visits), last, csvCell(strings.Join(c.Tags, ", "))})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("dialog: customers csv: %w", err)
	}
	r := t.mk(t.text("customers.csv.sent", map[string]any{"Count": groupDigits(int64(n))}))
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
