package dialog

import (
	"slices"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// lowRating has the linked or unlinked sender msg rate rating with a
// comment: a complaint thread.
func lowRating(msg func(string) Message, rating, comment string) []step {
	return []step{
		{msg: msg("/feedback")},
		{msg: press(msg(""), "rate:"+rating)},
		{msg: press(msg(""), "skip")},
		{msg: msg(comment), check: func(t *testing.T, h *harness, rs []Reply) {
			if posts := repliesTo(rs, ToStaffChannel); len(posts) != 1 || !slices.Contains(payloads(posts), "th:close:1") {
				t.Fatalf("alert %+v, want complaint #1 with [해결됨]", posts)
			}
		}},
	}
}

// toCustomer checks the replies hold exactly one message to user, equal to
// want, and returns nothing to anyone else.
func toCustomer(user string, want func(h *harness) string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		out := repliesTo(rs, ToUser)
		if want == nil {
			if len(out) != 0 {
				t.Errorf("the customer was told %+v, want nothing", out)
			}
			return
		}
		if len(out) != 1 || out[0].UserID != user || out[0].Channel != ChannelTelegram {
			t.Fatalf("to the customer %+v, want one message to %s", out, user)
		}
		if w := want(h); out[0].Text != w {
			t.Errorf("customer reads %q, want %q", out[0].Text, w)
		}
		if strings.Contains(out[0].Text, staffID) || strings.Contains(out[0].Text, "slack:") {
			t.Errorf("the customer sees a staff platform id: %q", out[0].Text)
		}
	}
}

// resolved checks complaint 1 is closed with note, its feedback answered,
// and the resolution audited.
func resolved(note string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		th := h.thread(1)
		if th.State != ledger.ThreadClosed || th.CloseNote != note || th.ClosedBy != "slack:"+staffID {
			t.Errorf("complaint %+v, want closed by the staff member with %q", th, note)
		}
		if fs := h.allFeedback(); len(fs) != 1 || fs[0].AnsweredBy != "slack:"+staffID {
			t.Errorf("feedback %+v, want answered by the resolver", fs)
		}
	}
}

// stillOpen checks complaint 1 is not closed and no points were given.
func stillOpen(customerID string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		if th := h.thread(1); th.State == ledger.ThreadClosed {
			t.Errorf("complaint closed too early: %+v", th)
		}
		if customerID != "" && h.balance(customerID) != 0 {
			t.Errorf("points given before the end: %d", h.balance(customerID))
		}
		if len(repliesTo(rs, ToUser)) != 0 {
			t.Error("the customer was told before the end")
		}
	}
}

var resolveScripts = []script{
	{"ApologyAndPoints", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h), lowRating(custMsg, "2", "너무 오래 기다렸어요")...)
		return append(steps,
			step{msg: press(staffMsg(""), "answer:x"), ids: []string{"core.button.stale"}},
			step{msg: press(staffMsg(""), "th:claim:1"), want: []string{h.text("threads.claim.contact", map[string]any{"Name": "지수", "N": 1})}},
			step{msg: press(staffMsg(""), "th:close:1"), want: []string{h.text("resolve.ask.note", map[string]any{"Tag": h.text("threads.tag.complaint", map[string]any{"N": 1})})}, check: stillOpen(f.minji)},
			step{msg: staffMsg(""), ids: []string{"resolve.err.note"}, check: stillOpen(f.minji)},
			step{msg: staffMsg("a\x01b"), ids: []string{"threads.err.text"}, check: stillOpen(f.minji)},
			step{msg: staffMsg("전화로 사과드리고 다음 커트 무료로 약속"), payloads: []string{resolveBtnApology, resolveBtnNoMsg, "cancel"},
				want: []string{h.text("resolve.ask.message", map[string]any{"Apology": h.text("resolve.apology", map[string]any{"Shop": ""})})}, check: stillOpen(f.minji)},
			step{msg: press(staffMsg(""), resolveBtnApology), payloads: []string{resolveBtnNoPoints}, want: []string{h.text("resolve.ask.points", map[string]any{"Max": h.pts("1,000,000")})}, check: stillOpen(f.minji)},
			step{msg: staffMsg("-1000"), want: []string{h.text("resolve.err.points_negative", map[string]any{"Input": "-1000"})}, check: stillOpen(f.minji)},
			step{msg: staffMsg("많이"), want: []string{h.text("resolve.err.points", map[string]any{"Input": "많이", "Max": "1,000,000"})}, check: stillOpen(f.minji)},
			step{msg: staffMsg("0"), want: []string{h.text("resolve.err.points", map[string]any{"Input": "0", "Max": "1,000,000"})}, check: stillOpen(f.minji)},
			step{msg: staffMsg("1,000,001"), want: []string{h.text("resolve.err.points", map[string]any{"Input": "1,000,001", "Max": "1,000,000"})}, check: stillOpen(f.minji)},
			step{msg: staffMsg("1,000P"), ids: []string{"resolve.done.apology"},
				want: []string{h.text("threads.close.done", map[string]any{"Name": "지수", "N": 1}), h.text("resolve.reason", map[string]any{"N": 1})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					toCustomer(custTG, func(h *harness) string {
						return h.text("resolve.apology", map[string]any{"Shop": ""}) + "\n" +
							h.text("resolve.customer.points", map[string]any{"Points": h.pts("1,000"), "Balance": h.pts("1,000")})
					})(t, h, rs)
					resolved("전화로 사과드리고 다음 커트 무료로 약속")(t, h, rs)
					if b := h.balance(f.minji); b != 1000 {
						t.Errorf("balance %d, want 1,000", b)
					}
					var es []ledger.PointsEntry
					h.view(func(tx *ledger.Tx) (err error) { es, err = tx.PointsOf(f.minji, 10); return err })
					if len(es) != 1 || es[0].Kind != ledger.PointsAdjust || es[0].Points != 1000 || es[0].Reason != complaintReason+"1" || es[0].ActorID != "slack:"+staffID {
						t.Errorf("points entries %+v, want one adjust of 1,000 with the reason", es)
					}
					ms := h.threadMessages(1)
					if last := ms[len(ms)-1]; !last.Out || last.StaffID != "slack:"+staffID || !strings.HasPrefix(last.Text, h.text("resolve.apology", map[string]any{"Shop": ""})) {
						t.Errorf("last thread message %+v, want the apology as the staff's", last)
					}
					var actions []string
					for _, a := range h.audits() {
						actions = append(actions, a.Action)
					}
					for _, want := range []string{"points", "thread_resolve", "thread_close"} {
						if !slices.Contains(actions, want) {
							t.Errorf("audit %v lacks %s", actions, want)
						}
					}
				}},
			// The customer reads what the points were for; the staff, which
			// complaint they closed.
			step{msg: custMsg("/points"), want: []string{"+" + h.pts("1,000"), h.text("resolve.entry.customer", nil)}, not: []string{h.text("resolve.reason", map[string]any{"N": 1})}},
			step{msg: staffMsg("/points 김민지"), want: []string{h.text("resolve.reason", map[string]any{"N": 1})}},
			step{msg: press(staffMsg(""), "th:close:1"), want: []string{h.text("threads.closed", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				if h.balance(f.minji) != 1000 || len(repliesTo(rs, ToUser)) != 0 {
					t.Error("a second [해결됨] did something")
				}
			}},
		)
	}},
	{"InboxCloseTypedNoPoints", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h), lowRating(custMsg, "1", "불친절했어요")...)
		return append(steps,
			// The note given with /inbox close skips the first question.
			step{msg: staffMsg("/inbox close 1 직접 통화함"), ids: []string{"resolve.btn.apology"}, check: stillOpen(f.minji)},
			step{msg: staffMsg("불편을 드려 죄송합니다. 다음 방문 때 뵐게요"), ids: []string{"resolve.btn.no_points"}, check: stillOpen(f.minji)},
			step{msg: press(staffMsg(""), resolveBtnNoPoints), ids: []string{"resolve.done.message"}, not: []string{h.text("resolve.reason", map[string]any{"N": 1})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					toCustomer(custTG, func(h *harness) string {
						return h.text("threads.relay", map[string]any{"Shop": h.text("threads.shop", nil), "Staff": "지수", "Text": "불편을 드려 죄송합니다. 다음 방문 때 뵐게요"})
					})(t, h, rs)
					resolved("직접 통화함")(t, h, rs)
					if h.balance(f.minji) != 0 {
						t.Error("points given without being asked")
					}
				}},
		)
	}},
	{"NoMessageByLabel", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h), lowRating(custMsg, "2", "별로")...)
		return append(steps,
			step{msg: press(staffMsg(""), "th:close:1")},
			step{msg: staffMsg("매장에서 직접 사과")},
			step{msg: staffMsg(h.text("resolve.btn.no_message", nil)), ids: []string{"resolve.btn.no_points"}},
			// No message, but the points are told: a balance that grew
			// unexplained reads as a mistake.
			step{msg: staffMsg("500"), ids: []string{"resolve.done.points_only"}, check: func(t *testing.T, h *harness, rs []Reply) {
				toCustomer(custTG, func(h *harness) string {
					return h.text("resolve.customer.points", map[string]any{"Points": h.pts("500"), "Balance": h.pts("500")})
				})(t, h, rs)
				resolved("매장에서 직접 사과")(t, h, rs)
				if h.balance(f.minji) != 500 {
					t.Errorf("balance %d, want 500", h.balance(f.minji))
				}
			}},
		)
	}},
	{"UnlinkedNoPointsStep", func(h *harness, f fixture) []step {
		return append(lowRating(cust2Msg, "1", "최악"),
			step{msg: press(staffMsg(""), "th:close:1")},
			step{msg: staffMsg("연락드림"), ids: []string{"resolve.btn.apology"}},
			// Nobody to credit: the apology ends it, no points asked.
			step{msg: press(staffMsg(""), resolveBtnApology), ids: []string{"resolve.done.apology"}, not: []string{h.text("resolve.btn.no_points", nil)},
				check: func(t *testing.T, h *harness, rs []Reply) {
					toCustomer(custTG2, func(h *harness) string { return h.text("resolve.apology", map[string]any{"Shop": ""}) })(t, h, rs)
					if th := h.thread(1); th.State != ledger.ThreadClosed || th.CloseNote != "연락드림" {
						t.Errorf("complaint %+v, want closed", th)
					}
				}},
		)
	}},
	// A complaint's customer erased: the erasure closed it (nobody is left
	// to resolve it with), so [해결됨] says so and asks nothing.
	{"ErasedNoMessage", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h), lowRating(custMsg, "1", "불만")...)
		return append(steps,
			step{msg: custMsg("/forget")},
			step{msg: press(custMsg(""), "yes"), ids: []string{"core.forget.done"}},
			step{msg: press(staffMsg(""), "th:close:1"), want: []string{h.text("threads.erased_closed", map[string]any{"N": 1})}, not: []string{h.text("core.btn.cancel", nil)}, check: func(t *testing.T, h *harness, rs []Reply) {
				toCustomer(custTG, nil)(t, h, rs)
				if th := h.thread(1); th.State != ledger.ThreadClosed || th.ClosedBy != ledger.ThreadClosedByErasure {
					t.Errorf("complaint %+v, want closed by the erasure", th)
				}
			}},
			step{msg: staffMsg("/inbox"), ids: []string{"threads.inbox.empty"}},
		)
	}},
	{"ErasedUnlinkedNoMessage", func(h *harness, f fixture) []step {
		return append(lowRating(cust2Msg, "1", "불만"),
			step{msg: cust2Msg("/forget")},
			step{msg: press(cust2Msg(""), "yes")},
			step{msg: press(staffMsg(""), "th:close:1"), want: []string{h.text("threads.erased_closed", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				toCustomer(custTG2, nil)(t, h, rs)
				if th := h.thread(1); th.State != ledger.ThreadClosed || th.CloseNote != "" || th.ClosedBy != ledger.ThreadClosedByErasure {
					t.Errorf("complaint %+v, want closed by the erasure without a note", th)
				}
			}},
			step{msg: staffMsg("/inbox"), ids: []string{"threads.inbox.empty"}},
		)
	}},
	{"CancelledAndClosedMeanwhile", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h), lowRating(custMsg, "2", "늦었어요")...)
		return append(steps,
			step{msg: press(staffMsg(""), "th:close:1")},
			step{msg: press(staffMsg(""), "cancel"), ids: []string{"core.cancel.done"}, check: stillOpen(f.minji)},
			step{msg: press(staffMsg(""), "th:close:1")},
			step{msg: staffMsg("제가 처리할게요")},
			// A colleague resolves it meanwhile; the first one's answer then
			// changes nothing.
			step{msg: press(staff2Msg(""), "th:close:1")},
			step{msg: staff2Msg("전화드림")},
			step{msg: press(staff2Msg(""), resolveBtnNoMsg)},
			step{msg: press(staff2Msg(""), resolveBtnNoPoints), ids: []string{"resolve.done.no_message"}},
			step{msg: press(staffMsg(""), resolveBtnApology), want: []string{h.text("threads.closed", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				toCustomer(custTG, nil)(t, h, rs)
				if th := h.thread(1); th.CloseNote != "전화드림" || th.ClosedBy != "slack:"+staff2ID {
					t.Errorf("complaint %+v, want the colleague's resolution", th)
				}
			}},
		)
	}},
	{"Form", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h), lowRating(custMsg, "1", "불만")...)
		canForm := func(m Message) Message { m.CanForm = true; return m }
		apology := h.text("resolve.apology", map[string]any{"Shop": ""})
		return append(steps,
			step{msg: canForm(press(staffMsg(""), "th:close:1")), check: func(t *testing.T, h *harness, rs []Reply) {
				fm := formOf(rs)
				if fm == nil || fm.ID != "resolve:1" || len(fm.Fields) != 3 {
					t.Fatalf("form %+v, want resolve:1 with note, message and points", fm)
				}
				if fm.Fields[0].Name != "note" || fm.Fields[0].Optional || fm.Fields[1].Name != "message" || fm.Fields[1].Value != apology || fm.Fields[2].Name != "points" {
					t.Errorf("fields %+v", fm.Fields)
				}
				stillOpen(f.minji)(t, h, rs)
			}},
			step{msg: formMsg("resolve:1", map[string]string{"note": " ", "message": "a\x01b", "points": "-5"}), ids: []string{"resolve.form.invalid"}, check: func(t *testing.T, h *harness, rs []Reply) {
				var errs map[string]string
				for _, r := range rs {
					if r.FormErrors != nil {
						errs = r.FormErrors
					}
				}
				if errs["note"] != h.text("resolve.err.note", nil) || errs["message"] != h.text("threads.err.text", nil) ||
					errs["points"] != h.text("resolve.err.points_negative", map[string]any{"Input": "-5", "Max": "1,000,000"}) {
					t.Errorf("form errors %v", errs)
				}
				stillOpen(f.minji)(t, h, rs)
			}},
			step{msg: formMsg("resolve:1", map[string]string{"note": "전화로 사과", "message": apology, "points": "2,000"}), ids: []string{"resolve.done.apology"}, check: func(t *testing.T, h *harness, rs []Reply) {
				toCustomer(custTG, func(h *harness) string {
					return apology + "\n" + h.text("resolve.customer.points", map[string]any{"Points": h.pts("2,000"), "Balance": h.pts("2,000")})
				})(t, h, rs)
				resolved("전화로 사과")(t, h, rs)
			}},
			step{msg: formMsg("resolve:1", map[string]string{"note": "또"}), want: []string{h.text("threads.closed", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, _ []Reply) {
				if h.balance(f.minji) != 2000 {
					t.Error("a second submission changed the points")
				}
			}},
		)
	}},
	{"QuestionCloseUnchanged", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("질문 있어요")},
			{msg: press(custMsg(""), questionSend)},
			{msg: press(staffMsg(""), "th:close:1"), want: []string{h.text("threads.close.done", map[string]any{"Name": "지수", "N": 1})}, not: []string{h.text("resolve.ask.note", map[string]any{"Tag": h.text("threads.tag.question", map[string]any{"N": 1})})}},
		}
	}},
	{"CustomersRefused", func(h *harness, f fixture) []step {
		steps := append(linkMinji(h), lowRating(custMsg, "1", "민지의 불만 내용")...)
		refusedQuiet := func(t *testing.T, h *harness, rs []Reply) {
			txt := allText(rs)
			for _, leak := range []string{"민지의 불만 내용", "김민지", staffID, "slack:"} {
				if strings.Contains(txt, leak) {
					t.Errorf("another customer sees %q:\n%s", leak, txt)
				}
			}
			stillOpen(f.minji)(t, h, rs)
		}
		form := cust2Msg("")
		form.FormID, form.Form = "resolve:1", map[string]string{"note": "x", "points": "100"}
		return append(steps,
			step{msg: press(staffMsg(""), "th:claim:1")},
			step{msg: press(cust2Msg(""), "th:close:1"), ids: []string{"core.refused"}, check: refusedQuiet},
			step{msg: press(cust2Msg(""), "th:open:1"), ids: []string{"core.refused"}, check: refusedQuiet},
			step{msg: press(cust2Msg(""), "th:card:1"), ids: []string{"core.refused"}, check: refusedQuiet},
			step{msg: press(cust2Msg(""), resolveBtnApology), check: refusedQuiet},
			step{msg: form, ids: []string{"core.refused"}, check: refusedQuiet},
			step{msg: cust2Msg("/inbox 1"), ids: []string{"core.help.short_customer"}, check: refusedQuiet},
			step{msg: cust2Msg("/reply 1 안녕"), ids: []string{"core.help.short_customer"}, check: refusedQuiet},
			// The complaint's own customer does not see who holds it either.
			step{msg: custMsg("/inbox"), ids: []string{"core.help.short_customer"}, not: []string{staffID, "slack:"}},
		)
	}},
}

func TestResolveScripts(t *testing.T) { runScripts(t, resolveScripts) }

// pts is n points as the harness language writes them ("1,000P").
func (h *harness) pts(n string) string { return h.text("core.fmt.points", map[string]any{"N": n}) }

// TestBonusPoints: typed bonus points are a whole positive number up to
// MaxBonusPoints.
func TestBonusPoints(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		bad  string
	}{
		{"1000", 1000, ""},
		{"1,000P", 1000, ""},
		{"1,000 포인트", 1000, ""},
		{"１０００", 1000, ""},
		{"1000000", MaxBonusPoints, ""},
		{"1000001", 0, "resolve.err.points"},
		{"0", 0, "resolve.err.points"},
		{"-10", 0, "resolve.err.points_negative"},
		{"1.5", 0, "resolve.err.points"},
		{"많이", 0, "resolve.err.points"},
		{"99999999999999999999999", 0, "resolve.err.points"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, bad, _ := bonusPoints(tt.in)
			if got != tt.want || bad != tt.bad {
				t.Errorf("bonusPoints(%q) = %d, %q; want %d, %q", tt.in, got, bad, tt.want, tt.bad)
			}
		})
	}
}

// TestResolveLocaleIDs: every "resolve.…" id flow_resolve.go names is in
// both catalogs, and every resolve message of the catalogs is used.
func TestResolveLocaleIDs(t *testing.T) {
	cat := testCatalog()
	used := map[string]bool{}
	for _, s := range stringLiterals(t, []string{"flow_resolve.go"}, func(s string) bool { return strings.HasPrefix(s, "resolve.") }) {
		used[s] = true
	}
	for id := range used {
		for _, lang := range []string{"ko", "en"} {
			if !cat.Has(lang, id) {
				t.Errorf("%s is used but missing from the %s catalog", id, lang)
			}
		}
	}
	for _, lang := range []string{"ko", "en"} {
		for _, id := range cat.IDs(lang) {
			if strings.HasPrefix(id, "resolve.") && !used[id] {
				t.Errorf("%s (%s) is in the catalog but not used", id, lang)
			}
		}
	}
}
