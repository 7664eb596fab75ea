package dialog

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// listFixture is the customers the /customers and /audit tests start with,
// at t0 (Wednesday 2026-05-13):
//
//	김민지   VIP (16 visits), last visit 2 days ago, own tag VIP, birthday 3/15
//	박지훈   일반 (4 visits), at risk, last visit 100 days ago, a note tagged 펌,
//	         birthday 3/2 but no consent: never listed by birthday
//	Anna Lee 일반, no visits, registered 10 days ago, birthday 5/20
//	최유나   단골 (6 visits), last visit 40 days ago, not at risk
type listFixture struct{ minji, jihoon, anna, yuna string }

var listNames = []string{"김민지", "박지훈", "Anna Lee", "최유나"}

func seedList(h *harness) listFixture {
	h.tb.Helper()
	var f listFixture
	day := 24 * time.Hour
	consent := ledger.Consent{Given: true, At: t0.Add(-100 * day), Purpose: ConsentPurpose}
	h.update(func(tx *ledger.Tx) error {
		mk := func(c ledger.Customer, visits int, first, last time.Duration) (string, error) {
			if c.CreatedAt.IsZero() {
				c.CreatedAt = t0.Add(-400 * day)
			}
			if err := tx.CreateCustomer(&c); err != nil {
				return "", err
			}
			if visits > 0 {
				if err := tx.ImportVisits(c.ID, visits, t0.Add(-first), t0.Add(-last)); err != nil {
					return "", err
				}
			}
			return c.ID, nil
		}
		var err error
		if f.minji, err = mk(ledger.Customer{Name: "김민지", Phone: "01012345678", Tags: []string{"VIP"}, Consent: consent,
			Birthday: time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC)}, 16, 300*day, 2*day); err != nil {
			return err
		}
		if f.jihoon, err = mk(ledger.Customer{Name: "박지훈", Phone: "01022223333",
			Birthday: time.Date(1988, 3, 2, 0, 0, 0, 0, time.UTC)}, 3, 160*day, 130*day); err != nil {
			return err
		}
		n := ledger.Note{CustomerID: f.jihoon, StaffID: "slack:" + staffID, At: t0.Add(-100 * day), Text: "펌 상담", Tags: []string{"펌"}}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		if f.anna, err = mk(ledger.Customer{Name: "Anna Lee", Phone: "01055556666", CreatedAt: t0.Add(-10 * day), Consent: consent,
			Birthday: time.Date(1995, 5, 20, 0, 0, 0, 0, time.UTC)}, 0, 0, 0); err != nil {
			return err
		}
		f.yuna, err = mk(ledger.Customer{Name: "최유나", Phone: "01077778888"}, 6, 200*day, 40*day)
		return err
	})
	return f
}

// listed checks a listing names exactly want among listNames.
func listed(want ...string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		txt := allText(rs)
		for _, n := range listNames {
			if got := strings.Contains(txt, n); got != slices.Contains(want, n) {
				t.Errorf("listing shows %s: %v, want %v:\n%s", n, got, !got, txt)
			}
		}
		if len(want) == 0 {
			return
		}
		head := h.text("customers.head", map[string]any{"Count": strconv.Itoa(len(want)), "Filter": "", "From": 1, "To": len(want)})
		head = head[:strings.Index(head, "(")]
		if !strings.Contains(txt, head) {
			t.Errorf("listing lacks the count %q:\n%s", head, txt)
		}
	}
}

func TestCustomersFilters(t *testing.T) {
	tests := []struct {
		name   string
		ko, en string
		want   []string
	}{
		{"All", "", "", listNames},
		{"AllSaid", "전체", "all", listNames},
		{"AllWithTier", "모두 VIP", "everyone vip", []string{"김민지"}},
		{"OwnTag", "#VIP", "#vip", []string{"김민지"}},
		{"NoteTag", "#펌", "#펌", []string{"박지훈"}},
		{"TierVIP", "VIP", "vip", []string{"김민지"}},
		{"TierRegular", "단골", "regular", []string{"최유나"}},
		{"TierNew", "일반", "member", []string{"박지훈", "Anna Lee"}},
		{"BirthMonth", "생일 3월", "birthday march", []string{"김민지"}},
		{"BirthThisMonth", "생일 이번달", "birthday this month", []string{"Anna Lee"}},
		{"AtRisk", "뜸한", "at-risk", []string{"박지훈"}},
		{"LastVisitWithin", "최근 30일", "last 30d", []string{"김민지"}},
		{"LastVisitAgo", "90일 이상", "90d+", []string{"박지훈"}},
		{"Registered", "신규 30일", "new 30d", []string{"Anna Lee"}},
		{"Combined", "#펌 90일 이상", "#펌 90d+", []string{"박지훈"}},
		{"CombinedNone", "#펌 최근 30일", "#펌 last 30d", nil},
		{"UnitApart", "최근 30 일", "last 30 days", []string{"김민지"}},
		{"AgoUnitApart", "90 일 이상", "90 days or more", []string{"박지훈"}},
		{"AgoUnitApartPlus", "90 일+", "90 days+", []string{"박지훈"}},
		{"RegisteredUnitApart", "신규 30 일", "new 30 days", []string{"Anna Lee"}},
	}
	for _, lang := range locales.Languages {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				h := mustOpenHarness(t, nil, lang)
				seedList(h)
				filter := tt.ko
				if lang == "en" {
					filter = tt.en
				}
				s := step{msg: staffMsg(strings.TrimSpace("/customers " + filter)), check: listed(tt.want...)}
				if len(tt.want) == 0 {
					s.want = []string{h.text("customers.none", map[string]any{"Filter": filter})}
				} else {
					s.payloads = []string{"csv"}
				}
				// A birthday filter says that it lists consenting
				// customers alone (박지훈 has a birthday, no consent);
				// another filter does not.
				note := h.text("customers.birthday_consent", nil)
				check := s.check
				s.check = func(t *testing.T, h *harness, rs []Reply) {
					check(t, h, rs)
					if got, want := strings.Contains(allText(rs), note), strings.HasPrefix(tt.name, "Birth"); got != want {
						t.Errorf("the consent note shown: %v, want %v:\n%s", got, want, allText(rs))
					}
				}
				runSteps(t, h, []step{s})
				if got := countAudits(h, "list"); got != len(tt.want) {
					t.Errorf("list audits = %d, want one per customer shown (%d)", got, len(tt.want))
				}
			})
		}
	}
}

func countAudits(h *harness, action string) int {
	n := 0
	for _, a := range h.audits() {
		if a.Action == action {
			n++
		}
	}
	return n
}

func TestCustomersPhoneShown(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seedList(h)
	inChannel := staffMsg("/customers VIP")
	inChannel.Private, inChannel.ConversationID = false, "C-staff"
	runSteps(t, h, []step{
		{msg: staffMsg("/customers VIP"), want: []string{"010-1234-5678"}, not: []string{"010-****-5678"}},
		{msg: inChannel, want: []string{"010-****-5678"}, not: []string{"010-1234-5678"}, check: func(t *testing.T, _ *harness, rs []Reply) {
			if !rs[0].Private {
				t.Error("a listing in a channel is not private to the sender")
			}
		}},
	})
}

func TestCustomersPagesAndCSV(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			var ids []string
			for i := range 20 {
				ids = append(ids, h.customer(fmt.Sprintf("손님%02d", i+1), fmt.Sprintf("010%08d", 10000000+i)))
			}
			h.update(func(tx *ledger.Tx) error { // a name a spreadsheet would run as a formula
				c, err := tx.Customer(ids[19])
				if err != nil {
					return err
				}
				c.Name = "=손님20"
				return tx.PutCustomer(c)
			})
			runSteps(t, h, []step{
				{msg: staffMsg("/customers"), want: []string{"손님01", "손님15"}, not: []string{"손님16"}, payloads: []string{"more", "csv"}},
				{msg: press(staffMsg(""), "more"), want: []string{"손님16", "=손님20", "16. "}, not: []string{"손님15"}, check: func(t *testing.T, _ *harness, rs []Reply) {
					if slices.Contains(payloads(rs), "more") {
						t.Error("the last page still offers more")
					}
				}},
				{msg: press(staffMsg(""), "csv"), want: []string{h.text("customers.csv.sent", map[string]any{"Count": "20"})}, check: func(t *testing.T, h *harness, rs []Reply) {
					var f *File
					for _, r := range rs {
						if r.File != nil {
							f, _ = r.File, r.Private
							if !r.Private {
								t.Error("the CSV reply is not private")
							}
						}
					}
					if f == nil {
						t.Fatal("no file in the replies")
					}
					rows := strings.Split(strings.TrimSuffix(string(f.Bytes), "\r\n"), "\r\n")
					if len(rows) != 21 || rows[0] != "\uFEFF"+h.text("customers.csv.header", nil) || strings.Count(rows[0], ",") != 6 || !strings.HasPrefix(rows[1], ids[0]+",손님01,010-1000-0000,") {
						t.Errorf("csv rows = %d, first %q %q", len(rows), rows[0], rows[1])
					}
					if !strings.Contains(rows[20], ",'=손님20,") || f.Mime != "text/csv" || !strings.HasSuffix(f.Name, ".csv") {
						t.Errorf("csv %s (%s) last row %q", f.Name, f.Mime, rows[20])
					}
				}},
				{msg: staffMsg("아무 말"), ids: []string{"customers.hint"}, payloads: []string{"more", "csv"}},
			})
			// 15 + 5 on pages, 20 in the CSV: every customer shown is audited.
			if got := countAudits(h, "list"); got != 40 {
				t.Errorf("list audits = %d, want 40", got)
			}
		})
	}
}

func TestCustomersRefused(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seedList(h)
			nothing := func(t *testing.T, h *harness, _ []Reply) {
				t.Helper()
				if as := h.audits(); len(as) != 0 {
					t.Errorf("audit after a refusal: %+v", as)
				}
				for _, key := range []string{staffKey, "slack:D" + strangerID, "telegram:" + custTG} {
					noSession(key)(t, h, nil)
				}
			}
			bad := map[string][2]string{"ko": {"#펌 어제", "어제"}, "en": {"vip lastt 30d", "lastt"}}[lang]
			runSteps(t, h, []step{
				{msg: strangerMsg("/customers VIP"), ids: []string{"core.refused"}, not: listNames, check: nothing},
				{msg: custMsg("/customers VIP"), ids: []string{"core.help.short_customer"}, not: listNames, check: nothing},
				{msg: staffMsg("/customers " + bad[0]), want: []string{h.text("customers.bad_word", map[string]any{"Word": bad[1]})}, not: listNames, check: nothing},
				{msg: staffMsg("/customers 생일 13월"), want: []string{h.text("customers.bad_word", map[string]any{"Word": "13월"})}, check: nothing},
				{msg: staffMsg("/customers 최근"), want: []string{h.text("customers.bad_word", map[string]any{"Word": "최근"})}, check: nothing},
				{msg: staffMsg("/customers #"), want: []string{h.text("customers.bad_word", map[string]any{"Word": "#"})}, check: nothing},
				{msg: press(staffMsg(""), "more"), ids: []string{"core.button.stale"}, check: nothing},
			})
		})
	}
}

func TestAudit(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seedList(h)
			var steps []step
			for range 22 {
				steps = append(steps, step{msg: staffMsg("/customer 010-1234-5678"), advance: time.Minute})
			}
			steps = append(steps, step{msg: staff2Msg("/customer 최유나"), advance: time.Minute})
			runSteps(t, h, steps)
			before := len(h.audits())
			read := h.text("customers.audit.action.read", nil) + " (" + h.text("customers.audit.detail.read.card", nil) + ")"
			lines := func(want int) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, _ *harness, rs []Reply) {
					t.Helper()
					if len(rs) != 1 || len(rs[0].Sections) != 1 || len(rs[0].Sections[0].Lines) != want || !rs[0].Private {
						t.Fatalf("want one private reply of %d lines, got %+v", want, rs)
					}
				}
			}
			runSteps(t, h, []step{
				{msg: managerMsg("/audit 김민지"), want: []string{"김민지", "010-****-5678", "2026-05-13 14:22 · " + staffID + " · " + read}, not: []string{"2026-05-13 14:02 "}, check: lines(20)},
				{msg: managerMsg("/audit <@" + staff2ID + "|현우>"), want: []string{"현우", "최유나 · " + read}, not: []string{"김민지"}, check: lines(1)},
				{msg: managerMsg("/audit @" + staff2ID), want: []string{"최유나"}, check: lines(1)},
				{msg: managerMsg("/audit Anna Lee"), want: []string{h.text("customers.audit.none_customer", map[string]any{"Name": "Anna Lee"})}},
				{msg: managerMsg("/audit @UNOBODY"), want: []string{h.text("customers.audit.none_actor", map[string]any{"Actor": "UNOBODY"})}},
			})
			// The manager's reads of the trail are audited too: one of
			// 김민지's record, one of 현우's and UNOBODY's activity each, and
			// one of Anna's.
			as := h.audits()[before:]
			if len(as) != 5 || as[0].Action != "read" || as[0].Detail != "audit" || as[0].CustomerID != f.minji || as[0].ActorID != "slack:"+managerID ||
				as[1].Action != "audit" || as[1].CustomerID != "" || as[1].Detail != "slack:"+staff2ID {
				t.Errorf("audits of /audit = %+v", as)
			}
			before = len(h.audits())
			nothing := func(t *testing.T, h *harness, _ []Reply) {
				t.Helper()
				if got := len(h.audits()); got != before {
					t.Errorf("audit entries %d -> %d after a refusal", before, got)
				}
			}
			runSteps(t, h, []step{
				{msg: staffMsg("/audit 김민지"), ids: []string{"core.command.manager_only"}, not: []string{read}, check: nothing},
				{msg: custMsg("/audit 김민지"), ids: []string{"core.help.short_customer"}, check: nothing},
				{msg: strangerMsg("/audit 김민지"), ids: []string{"core.refused"}, check: nothing},
				{msg: managerMsg("/audit"), ids: []string{"customers.audit.usage"}, check: nothing},
				{msg: managerMsg("/audit @"), ids: []string{"customers.audit.usage"}, check: nothing},
				{msg: managerMsg("/audit 홍길동"), want: []string{h.text("core.err.customer_unknown", map[string]any{"Query": "홍길동"})}, check: nothing},
			})
		})
	}
}

// TestAuditErasedCustomer: after an erasure the trail still lists the
// reads, without naming the person.
func TestAuditErasedCustomer(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seedList(h)
	runSteps(t, h, []step{{msg: staffMsg("/customer 최유나")}})
	h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(f.yuna, t0) })
	runSteps(t, h, []step{
		{msg: managerMsg("/audit @" + staffID), want: []string{h.text("customers.audit.erased", nil)}, not: []string{"최유나"}},
	})
}

// TestCustomersLocaleIDs checks every "customers.…" literal of the files
// of this part is in both catalogs, and every customers message is used
// (the audit's actions, details and units by their tables in flow_audit.go).
func TestCustomersLocaleIDs(t *testing.T) {
	cat := locales.MustLoad()
	used := map[string]bool{}
	files := []string{"flow_customers.go", "flow_audit.go", "help.go", "../bots/console/file.go"}
	for _, s := range stringLiterals(t, files, func(s string) bool { return strings.HasPrefix(s, "customers.") }) {
		used[s] = true
	}
	for id := range used {
		for _, lang := range locales.Languages {
			if !cat.Has(lang, id) {
				t.Errorf("%s is used but missing from the %s catalog", id, lang)
			}
		}
	}
	for _, lang := range locales.Languages {
		for _, id := range cat.IDs(lang) {
			if strings.HasPrefix(id, "customers.") && !used[id] {
				t.Errorf("%s (%s) is in the catalog but not used", id, lang)
			}
		}
	}
}

// TestAuditDetails: /audit words each detail the trail records in the
// shop's language, leaves record ids out and shows a detail it does not
// know as recorded. Every customers.audit.detail message has a case here,
// so none is left unused.
func TestAuditDetails(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			act := func(a string) string { return h.text("customers.audit.action."+a, nil) }
			word := func(id string, data map[string]any) string { return h.text("customers.audit.detail."+id, data) }
			pts := func(s string) string { return h.text("core.fmt.points", map[string]any{"N": s}) }
			tier := func(id string) string { return h.text("core.tier."+id, nil) }
			covered := map[string]bool{}
			unit := func(u, n string) string {
				covered["customers.audit.unit."+u] = true
				return h.text("customers.audit.unit."+u, map[string]any{"N": n})
			}
			noteID := "J3ML1N5Q7F4EA0000000000004"
			cases := []struct{ action, detail, want string }{
				{"read", "card", act("read") + " (" + word("read.card", nil) + ")"},
				{"read", "coupons", act("read") + " (" + word("read.coupons", nil) + ")"},
				{"read", "points", act("read") + " (" + word("read.points", nil) + ")"},
				{"read", "form", act("read") + " (" + word("read.form", nil) + ")"},
				{"read", "audit", act("read") + " (" + word("read.audit", nil) + ")"},
				{"read", "followups", act("read") + " (" + word("read.followups", nil) + ")"},
				{"read", "followups-dm", act("read") + " (" + word("read.followups-dm", nil) + ")"},
				{"read", "followup-draft", act("read") + " (" + word("read.followup-draft", nil) + ")"},
				{"read", "followup-phone", act("read") + " (" + word("read.followup-phone", nil) + ")"},
				{"read", "winback-refused", act("read") + " (" + word("read.winback-refused", nil) + ")"},
				{"read", "winback-draft", act("read") + " (" + word("read.winback-draft", nil) + ")"},
				{"edit", "birthday", act("edit") + " (" + h.text("customer_edit.field.birthday", nil) + ")"},
				{"link", "code", act("link") + " (" + word("link.code", nil) + ")"},
				{"winback", "queued", act("winback") + " (" + word("winback.queued", nil) + ")"},
				{"winback", "sent", act("winback") + " (" + word("winback.sent", nil) + ")"},
				{"points", "earn 2750", act("points") + " (" + word("points.earn", map[string]any{"Points": pts("2,750")}) + ")"},
				{"points", "redeem 1000", act("points") + " (" + word("points.redeem", map[string]any{"Points": pts("1,000")}) + ")"},
				{"points", "adjust 500", act("points") + " (" + word("points.adjust", map[string]any{"Signed": "+" + pts("500")}) + ")"},
				{"points", "adjust -500", act("points") + " (" + word("points.adjust", map[string]any{"Signed": pts("-500")}) + ")"},
				{"points", "reverse " + noteID, act("points") + " (" + word("points.reverse", nil) + ")"},
				{"stamps", "add 3", act("stamps") + " (" + word("stamps.add", map[string]any{"Count": 3}) + ")"},
				{"stamps", "reverse " + noteID, act("stamps") + " (" + word("stamps.reverse", nil) + ")"},
				{"stamps", "fill", act("stamps") + " (" + word("stamps.fill", nil) + ")"},
				{"coupon", "give DXYTWD", act("coupon") + " (" + word("coupon.give", map[string]any{"Arg": "DXYTWD"}) + ")"},
				{"coupon", "use DXYTWD", act("coupon") + " (" + word("coupon.use", map[string]any{"Arg": "DXYTWD"}) + ")"},
				{"note", noteID, act("note")},
				{"thread_close", "#7", act("thread_close") + " (#7)"},
				// Tiers by the shop's words, not their ids; an id no
				// programme has ("basic") as it is.
				{"tier", "pin basic → vip", act("tier") + " (" + word("tier.pin", map[string]any{"From": "basic", "To": tier("vip")}) + ")"},
				{"tier", "unpin vip → new", act("tier") + " (" + word("tier.unpin", map[string]any{"From": tier("vip"), "To": tier("new")}) + ")"},
				{"tier", "start new → vip", act("tier") + " (" + word("tier.start", map[string]any{"From": tier("new"), "To": tier("vip")}) + ")"},
				{"tier", "start new → vip until 2027-12-01", act("tier") + " (" + word("tier.start_held", map[string]any{"From": tier("new"), "To": tier("vip"), "Until": "2027-12-01"}) + ")"},
				{"tier", "promote new → vip", act("tier") + " (promote new → vip)"},
				{"read", "something-new", act("read") + " (something-new)"},
				{"erase", ledger.EraseReasonManager, act("erase") + " (" + word("erase.manager", nil) + ")"},
				{"erase", ledger.EraseReasonSelf, act("erase") + " (" + word("erase.self", nil) + ")"},
				{"erase", ledger.EraseReasonRestored, act("erase") + " (" + word("erase.restored", nil) + ")"},
				{"erase", "2y", act("erase") + " (2y)"}, // the retention run's period
				{"programme", "rate: 5% → 10%", act("programme") + " (" + word("programme.rate", nil) + ": 5% → 10%)"},
				{"programme", "expiry: off → 12mo", act("programme") + " (" + word("programme.expiry", nil) + ": " + unit("off", "") + " → " + unit("mo", "12") + ")"},
				{"programme", "stamps: off → 10=item:아메리카노 1잔/30d", act("programme") + " (" + word("programme.stamps", nil) + ": " + unit("off", "") + " → 10=아메리카노 1잔/" + unit("d", "30") + ")"},
				{"programme", "birthday: off → 2000P", act("programme") + " (" + word("programme.birthday", nil) + ": " + unit("off", "") + " → 2000P)"},
				{"programme", "winback: manual → auto+500P", act("programme") + " (" + word("programme.winback", nil) + ": " + unit("manual", "") + " → " + unit("auto", "") + "+500P)"},
				{"programme", "tiers: all time: new; vip 15v|500000w 10% → 12mo: new; regular 5v", act("programme") + " (" + word("programme.tiers", nil) + ": " + unit("all_time", "") + ": " + tier("new") + "; " + tier("vip") + " " + unit("v", "15") + "|" + unit("w", "500000") + " 10% → " + unit("mo", "12") + ": " + tier("new") + "; " + tier("regular") + " " + unit("v", "5") + ")"},
				{"programme", "colour: red → blue", act("programme") + " (colour: red → blue)"},
			}
			// In chunks that fit one /audit, each on a ledger of its own so
			// that the reads of the trail do not show among them.
			for lo := 0; lo < len(cases); lo += auditLimit {
				chunk := cases[lo:min(lo+auditLimit, len(cases))]
				h := mustOpenHarness(t, nil, lang)
				f := seedList(h)
				h.update(func(tx *ledger.Tx) error {
					for i, c := range chunk {
						w, _, _ := strings.Cut(c.detail, " ")
						w = strings.TrimSuffix(w, ":") // a programme part: "rate: 5% → 10%"
						covered["customers.audit.detail."+c.action+"."+w] = true
						if c.action == "tier" && strings.Contains(c.detail, " until ") {
							covered["customers.audit.detail.tier.start_held"] = true // a start that held its tier
						}
						at := t0.Add(-time.Duration(len(chunk)-i) * time.Minute)
						if err := tx.Audit(ledger.AuditEntry{At: at, ActorID: "slack:" + staffID, Action: c.action, CustomerID: f.minji, Detail: c.detail}); err != nil {
							return err
						}
					}
					return nil
				})
				rs := h.send(managerMsg("/audit 김민지"))
				if len(rs) != 1 || len(rs[0].Sections) != 1 || len(rs[0].Sections[0].Lines) != len(chunk) {
					t.Fatalf("want one reply of %d lines, got %+v", len(chunk), rs)
				}
				for i, line := range rs[0].Sections[0].Lines { // newest first
					c := chunk[len(chunk)-1-i]
					if !strings.HasSuffix(line, " · "+c.want) || strings.Contains(line, noteID) {
						t.Errorf("%s %q reads %q, want it to end with %q", c.action, c.detail, line, c.want)
					}
				}
			}
			for _, id := range h.cat.IDs(lang) {
				if (strings.HasPrefix(id, "customers.audit.detail.") || strings.HasPrefix(id, "customers.audit.unit.")) && !covered[id] {
					t.Errorf("%s (%s) has no case here", id, lang)
				}
			}
		})
	}
}

// TestAuditSystemActors: dangol's own jobs are named in the reader's
// language in /audit, where the bare "retention" or "restore" of their
// ids showed in a Korean trail.
func TestAuditSystemActors(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seedList(h)
			ids := slices.Sorted(maps.Keys(systemActors))
			h.update(func(tx *ledger.Tx) error {
				for i, id := range ids {
					if err := tx.Audit(ledger.AuditEntry{At: t0.Add(-time.Duration(len(ids)-i) * time.Minute), ActorID: id, Action: "read", CustomerID: f.minji, Detail: "card"}); err != nil {
						return err
					}
				}
				return nil
			})
			got := allText(h.send(managerMsg("/audit 김민지")))
			for _, id := range ids {
				label := h.text(systemActors[id], nil)
				_, bare, _ := strings.Cut(id, ":")
				if !strings.Contains(got, " · "+label+" · ") || strings.Contains(got, " · "+bare+" · ") {
					t.Errorf("actor %s: want %q in the trail, not %q:\n%s", id, label, bare, got)
				}
			}
		})
	}
}
