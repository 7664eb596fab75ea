package dialog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestFlowOfErasedCustomer: a staff member's flow about a customer a
// manager erases meanwhile ends with the erasure; their next message is
// told so, without the customer's name, and nothing is saved for the
// erased customer, neither by that answer nor by the idle-keep job.
func TestFlowOfErasedCustomer(t *testing.T) {
	type row struct {
		name  string
		start []string // what 현우 types about 김민지 before the erasure
		next  Message  // 현우's next message, after it
		title string   // catalog id of the flow named in the notice
		also  string   // catalog id of a reply that must follow the notice ("" none)
	}
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			rows := []row{
				{"guided note's amount", []string{"/note", "김민지", "두피 스케일링, 다음엔 클리닉"}, staff2Msg("55000"), "core.flow.note", "core.help.short_staff"},
				{"birthday edit", []string{"/customer 김민지 " + map[string]string{"ko": "생일", "en": "birthday"}[lang]}, staff2Msg("3/15"), "core.flow.customer_edit", "core.help.short_staff"},
				{"cancelled after", []string{"/note 김민지", "커트 상담"}, staff2Msg("/cancel"), "core.flow.note", ""},
				{"a button pressed after", []string{"/note 김민지", "커트 상담"}, press(staff2Msg(""), "skip"), "core.flow.note", ""},
			}
			for _, r := range rows {
				t.Run(r.name, func(t *testing.T) {
					h := mustOpenHarness(t, nil, lang)
					f := seedList(h)
					for _, s := range r.start {
						h.send(staff2Msg(s))
					}
					eraseByManager(t, h, "김민지")
					notice := h.text("customer_edit.flow_erased", map[string]any{"Flow": h.text(r.title, nil)})
					rs := h.send(r.next)
					txt := allText(rs)
					if len(rs) == 0 || rs[0].Text != notice {
						t.Errorf("next message answered %q, want first %q", txt, notice)
					}
					if strings.Contains(txt, "김민지") || strings.Contains(txt, "****-5678") {
						t.Errorf("the erased customer is named: %q", txt)
					}
					if r.also != "" && !strings.Contains(txt, h.text(r.also, nil)) {
						t.Errorf("replies %q lack %q", txt, h.text(r.also, nil))
					}
					if strings.Contains(txt, h.text("core.cancel.nothing", nil)) || strings.Contains(txt, h.text("core.button.stale", nil)) {
						t.Errorf("replies %q say more than the notice", txt)
					}
					if ns := h.notes(f.minji); len(ns) != 0 {
						t.Errorf("notes of the erased customer: %+v", ns)
					}
					if c := h.cust(f.minji); !c.Birthday.IsZero() {
						t.Errorf("the erased customer got a birthday: %+v", c)
					}
					noSession("slack:D"+staff2ID)(t, h, nil)
					// Told once: the message after is handled as any.
					if txt := allText(h.send(staff2Msg("/help"))); strings.Contains(txt, notice) {
						t.Errorf("told again: %q", txt)
					}
				})
			}

			// The idle-keep job saves no note for an erased customer and
			// tells nobody; the writer's next message is told why.
			t.Run("idle keep", func(t *testing.T) {
				h := mustOpenHarness(t, nil, lang)
				h.cfg.Outbox = true
				h.reopen()
				f := seedList(h)
				h.send(staff2Msg("/note 김민지"))
				h.send(staff2Msg("두피 스케일링 #두피"))
				eraseByManager(t, h, "김민지")
				h.advance(40 * time.Minute)
				rs, err := h.eng.IdleKept(context.Background(), h.now())
				if err != nil || len(rs) != 0 {
					t.Errorf("IdleKept = %+v, %v; want nothing", rs, err)
				}
				if ns := h.notes(f.minji); len(ns) != 0 {
					t.Errorf("idle-keep saved %+v for the erased customer", ns)
				}
				notice := h.text("customer_edit.flow_erased", map[string]any{"Flow": h.text("core.flow.note", nil)})
				txt := allText(h.send(staff2Msg("/followups")))
				if !strings.Contains(txt, notice) || strings.Contains(txt, h.text("core.flow.kept_idle", map[string]any{"Flow": h.text("core.flow.note", nil), "Minutes": 30})) {
					t.Errorf("writer's next message = %q, want the erasure notice", txt)
				}
			})
		})
	}
}

// eraseByManager erases the customer named name as a manager does in chat.
func eraseByManager(t *testing.T, h *harness, name string) {
	t.Helper()
	h.send(managerMsg("/customer " + name + " " + word(h, "삭제", "delete")))
	h.send(managerMsg(word(h, "고객 요청", "customer's request")))
	if txt := allText(h.send(press(managerMsg(""), "yes"))); !strings.Contains(txt, name) {
		t.Fatalf("erasure answered %q", txt)
	}
}

// TestSummaryDropsErasedFollowUps: a follow-up of a customer erased since
// is nobody's to do: /summary and the weekly post count and list only the
// others, as /followups does, with no "(삭제된 고객)" line.
func TestSummaryDropsErasedFollowUps(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.cfg.Lang = lang // the post is in the shop's language
			h.reopen()
			f := seedList(h)
			due := time.Date(2026, 5, 15, 0, 0, 0, 0, seoul) // Friday of t0's week
			h.update(func(tx *ledger.Tx) error {
				for _, id := range []string{f.minji, f.jihoon} {
					n := ledger.Note{CustomerID: id, StaffID: "slack:" + staffID, StaffName: "지수", At: t0.Add(-time.Hour), Text: "상담", FollowUp: due}
					if err := tx.AddNote(&n); err != nil {
						return err
					}
				}
				return tx.EraseCustomer(f.minji, t0)
			})
			erased := h.text("summary.customer.erased", nil)
			care := func(r Reply) string {
				for _, s := range r.Sections {
					if s.Title == h.text("summary.section.care", nil) {
						return strings.Join(s.Lines, "\n")
					}
				}
				return ""
			}
			post, err := h.eng.WeeklyPost(context.Background(), feedback.WeekOf(t0, seoul))
			if err != nil {
				t.Fatal(err)
			}
			// /summary judges this week now; the post, at its end.
			for name, r := range map[string]struct {
				r    Reply
				this bool
			}{"/summary": {h.send(managerMsg("/summary"))[0], true}, "weekly post": {post, false}} {
				c := care(r.r)
				count := h.text("summary.followups", map[string]any{"Count": "1", "This": r.this})
				if !strings.HasPrefix(c, count+"\n") || !strings.Contains(c, "박지훈") || strings.Contains(c, erased) {
					t.Errorf("%s care list:\n%s\nwant %q and 박지훈's follow-up alone", name, c, count)
				}
			}
		})
	}
}
