package dialog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// Checks of the corrections scripts.

func balanceIs(cust *string, want int64) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		if got := h.balance(*cust); got != want {
			t.Errorf("balance = %d, want %d", got, want)
		}
	}
}

func entriesAre(cust *string, want int) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		if got := len(h.points(*cust)); got != want {
			t.Errorf("points entries = %d, want %d", got, want)
		}
	}
}

func noteTexts(cust *string, want ...string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		var got []string
		for _, n := range h.notes(*cust) {
			got = append(got, n.Text)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("notes = %q, want %q", got, want)
		}
	}
}

// visitsOf checks the visits the customer's card counts: a deleted note
// takes its day's visit back unless another record is on that day.
func visitsOf(cust *string, want int) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		h.view(func(tx *ledger.Tx) error {
			v, err := tx.VisitStatsOf(*cust)
			if err != nil {
				return err
			}
			if v.Visits != want {
				t.Errorf("visits = %d, want %d", v.Visits, want)
			}
			return nil
		})
	}
}

func all(cs ...func(*testing.T, *harness, []Reply)) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		for _, c := range cs {
			c(t, h, rs)
		}
	}
}

func (h *harness) points(customerID string) []ledger.PointsEntry {
	h.tb.Helper()
	var es []ledger.PointsEntry
	h.view(func(tx *ledger.Tx) error {
		var err error
		es, err = tx.PointsOf(customerID, 0)
		return err
	})
	return es
}

var correctionScripts = []script{
	{"PointsUndo", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/points add 김민지 55000"), check: balanceIs(&f.minji, 2750)},
			{msg: staffMsg("/points undo"), want: []string{"김민지", "#1", ptsOf(h, "+2,750P"), ptsOf(h, "-2,750P"), ptsOf(h, "2,750P → 0P")}, check: all(balanceIs(&f.minji, 0), entriesAre(&f.minji, 2))},
			// The balance names the correction and the entry it reverses.
			{msg: staffMsg("/points 김민지"), want: []string{"#2", h.text("corrections.kind.reversal", nil), h.text("corrections.entry.reverses", map[string]any{"N": "1"}), h.text("corrections.entry.reversed", nil)}},
			// Undo again: it says the entry just undone is already
			// corrected (not that the correction cannot be corrected), and
			// never reaches the entry before.
			{msg: staffMsg("/points undo"), want: []string{h.text("corrections.points.already", map[string]any{"Name": "김민지", "N": 1, "Date": "2026-05-13", "Kind": h.text("core.points.kind.earn", nil), "Points": ptsOf(h, "+2,750P")})},
				not: []string{h.text("corrections.points.is_correction", map[string]any{"Name": "김민지", "N": 2})}, check: all(balanceIs(&f.minji, 0), entriesAre(&f.minji, 2))},
		}
	}},
	{"PointsUndoOnlyOwnWithin24h", func(h *harness, f fixture) []step {
		nothing := h.text("corrections.undo.nothing", map[string]any{"Hours": 24})
		return []step{
			{msg: staffMsg("/points undo"), want: []string{nothing}},
			{msg: staff2Msg("/points add 김민지 55000"), check: balanceIs(&f.minji, 2750)},
			// Another staff member's entry is not mine to undo.
			{msg: staffMsg("/points undo"), want: []string{nothing}, check: all(balanceIs(&f.minji, 2750), entriesAre(&f.minji, 1))},
			{msg: staff2Msg("/points undo"), advance: 25 * time.Hour, want: []string{nothing}, check: all(balanceIs(&f.minji, 2750), entriesAre(&f.minji, 1))},
		}
	}},
	{"PointsUndoWouldGoNegative", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/points add 김민지 55000")},
			{msg: managerMsg("/points redeem 김민지 2000"), check: balanceIs(&f.minji, 750)},
			// The earn cannot be undone in full: what is left may be
			// (PointsPartialCorrection); cancelled, nothing changes.
			{msg: staffMsg("/points undo"), want: []string{h.text("corrections.points.negative_partial", map[string]any{"Name": "김민지", "N": 1, "Date": "2026-05-13", "Kind": h.text("core.points.kind.earn", nil), "Points": ptsOf(h, "+2,750P"), "Balance": ptsOf(h, "750P"), "Used": ptsOf(h, "2,000P"), "Rest": ptsOf(h, "750P")})},
				payloads: []string{"yes", "no"}, check: all(balanceIs(&f.minji, 750), entriesAre(&f.minji, 2))},
			{msg: press(staffMsg(""), "no"), check: all(balanceIs(&f.minji, 750), entriesAre(&f.minji, 2))},
			// With nothing left the refusal stays a refusal.
			{msg: managerMsg("/points redeem 김민지 750"), check: balanceIs(&f.minji, 0)},
			{msg: staffMsg("/points undo"), want: []string{h.text("corrections.points.negative", map[string]any{"Name": "김민지", "N": 1, "Kind": h.text("core.points.kind.earn", nil), "Points": ptsOf(h, "+2,750P"), "Balance": ptsOf(h, "0P")})},
				check: all(balanceIs(&f.minji, 0), entriesAre(&f.minji, 3))},
			{msg: managerMsg("/points undo"), check: balanceIs(&f.minji, 750)},
			// The redeem can be undone, and then the earn.
			{msg: managerMsg("/points void 김민지 2"), check: balanceIs(&f.minji, 2750)},
			{msg: staffMsg("/points undo"), check: all(balanceIs(&f.minji, 0), entriesAre(&f.minji, 6))},
		}
	}},
	{"PointsPartialCorrection", func(h *harness, f fixture) []step {
		// A wrong earn partly spent: what is left of it is taken back, as a
		// partial correction of it, audited; what was spent stays spent.
		earn := h.text("core.points.kind.earn", nil)
		already := h.text("corrections.points.already", map[string]any{"Name": "김민지", "N": 1, "Date": "2026-05-13", "Kind": earn, "Points": ptsOf(h, "+2,750P")})
		ask := func(bal, used string) string {
			return h.text("corrections.points.negative_partial", map[string]any{"Name": "김민지", "N": 1, "Date": "2026-05-13", "Kind": earn, "Points": ptsOf(h, "+2,750P"), "Balance": ptsOf(h, bal), "Used": ptsOf(h, used), "Rest": ptsOf(h, bal)})
		}
		return []step{
			{msg: staffMsg("/points add 김민지 55000")},
			{msg: managerMsg("/points redeem 김민지 2000"), check: balanceIs(&f.minji, 750)},
			{msg: staffMsg("/points undo"), want: []string{ask("750P", "2,000P")}, payloads: []string{"yes", "no"}, check: balanceIs(&f.minji, 750)},
			// The balance moved while the question waited: asked again
			// with the figures of now, nothing taken.
			{msg: managerMsg("/points redeem 김민지 100"), check: balanceIs(&f.minji, 650)},
			{msg: press(staffMsg(""), "yes"), want: []string{ask("650P", "2,100P")}, check: all(balanceIs(&f.minji, 650), entriesAre(&f.minji, 3))},
			{msg: press(staffMsg(""), "yes"), want: []string{h.text("corrections.points.partial_done", map[string]any{
				"Name": "김민지", "N": 1, "Date": "2026-05-13", "Kind": earn, "Points": ptsOf(h, "+2,750P"), "Rest": ptsOf(h, "650P"), "Used": ptsOf(h, "2,100P"),
				"Change": ptsOf(h, "-650P"), "Balance": ptsOf(h, "650P"), "After": ptsOf(h, "0P")})},
				check: all(balanceIs(&f.minji, 0), entriesAre(&f.minji, 4), func(t *testing.T, h *harness, _ []Reply) {
					if !slices.ContainsFunc(h.audits(), func(a ledger.AuditEntry) bool {
						return a.Action == "points" && a.CustomerID == f.minji && strings.HasPrefix(a.Detail, "reverse-part ") && strings.HasSuffix(a.Detail, " 650")
					}) {
						t.Errorf("no audit of the partial correction: %+v", h.audits())
					}
					es := h.points(f.minji)
					if es[0].Points != -650 || es[0].Kind != ledger.PointsAdjust || es[0].Reverses != es[3].ID || es[3].ReversedBy != es[0].ID {
						t.Errorf("entries %+v, want a correction of -650 naming the earn", es)
					}
				})},
			{msg: staffMsg("/points 김민지"), want: []string{h.text("corrections.entry.reverses_part", map[string]any{"N": "1"}), h.text("corrections.entry.reversed_part", map[string]any{"Used": ptsOf(h, "2,100P")})}},
			// Corrected once: a second undo or void says so.
			{msg: staffMsg("/points undo"), want: []string{already}, check: all(balanceIs(&f.minji, 0), entriesAre(&f.minji, 4))},
			{msg: managerMsg("/points void 김민지 1"), want: []string{already}, check: entriesAre(&f.minji, 4)},
		}
	}},
	{"PointsPartialCorrectionLaterEarn", func(h *harness, f fixture) []step {
		// A wrong earn spent in full, then a rightful one: the balance is
		// the later earn's, so nothing of the wrong one is left to take
		// back, and the offer must not take the later earn's points.
		return []step{
			{msg: staffMsg("/points add 김민지 55000")},
			{msg: managerMsg("/points redeem 김민지 2750"), check: balanceIs(&f.minji, 0)},
			{msg: staff2Msg("/points add 김민지 10000"), check: balanceIs(&f.minji, 500)},
			{msg: managerMsg("/points void 김민지 1"), want: []string{h.text("corrections.points.negative", map[string]any{"Name": "김민지", "N": 1, "Date": "2026-05-13",
				"Kind": h.text("core.points.kind.earn", nil), "Points": ptsOf(h, "+2,750P"), "Balance": ptsOf(h, "500P")})}, not: []string{h.text("corrections.btn.partial", nil)},
				check: all(balanceIs(&f.minji, 500), entriesAre(&f.minji, 3))},
		}
	}},
	{"PointsVoid", func(h *harness, f fixture) []step {
		unchanged := all(balanceIs(&f.minji, 3250), entriesAre(&f.minji, 2))
		return append(linkMinji(h), []step{
			{msg: staffMsg("/points add 김민지 55000")},
			{msg: staff2Msg("/points add 김민지 10000"), check: unchanged},
			{msg: staffMsg("/points void 김민지 1"), want: []string{h.text("corrections.void.manager_only", map[string]any{"Void": "/points void", "Undo": "/points undo"})}, check: unchanged},
			{msg: custMsg("/points void 김민지 1"), not: []string{h.text("corrections.kind.reversal", nil)}, check: unchanged},
			{msg: strangerMsg("/points void 김민지 1"), ids: []string{"core.refused"}, check: unchanged},
			{msg: managerMsg("/points void"), want: []string{h.text("corrections.void.usage", nil)}, check: unchanged},
			{msg: managerMsg("/points void 김민지"), want: []string{h.text("corrections.void.bad_number", map[string]any{"Input": "", "Name": "김민지"})}, check: unchanged},
			{msg: managerMsg("/points void 김민지 첫번째"), want: []string{h.text("corrections.void.bad_number", map[string]any{"Input": "첫번째", "Name": "김민지"})}, check: unchanged},
			{msg: managerMsg("/points void 김민지 3"), want: []string{h.text("corrections.void.no_entry", map[string]any{"Name": "김민지", "N": 3, "Count": 2})}, check: unchanged},
			{msg: managerMsg("/points void 누구 1"), want: []string{h.text("core.err.customer_unknown", map[string]any{"Query": "누구"})}, check: unchanged},
			// Full-width, as a Korean keyboard's full-width mode types it.
			{msg: managerMsg("/points void 김민지 １"), want: []string{ptsOf(h, "3,250P → 500P")}, check: all(balanceIs(&f.minji, 500), entriesAre(&f.minji, 3))},
			{msg: managerMsg("/points void 김민지 1"), want: []string{h.text("corrections.points.already", map[string]any{"Name": "김민지", "N": 1, "Kind": h.text("core.points.kind.earn", nil), "Points": ptsOf(h, "+2,750P"), "Date": "2026-05-13"})}, check: all(balanceIs(&f.minji, 500), entriesAre(&f.minji, 3))},
			{msg: managerMsg("/points void 김민지 3"), want: []string{h.text("corrections.points.is_correction", map[string]any{"Name": "김민지", "N": 3})}, check: entriesAre(&f.minji, 3)},
			// The customer sees the correction in their own history.
			{msg: custMsg("/points"), want: []string{ptsOf(h, "500P"), h.text("corrections.kind.reversal", nil)}},
			// A pick resumes the void.
			{msg: managerMsg("/points add 박지훈 10000"), payloads: []string{"pick:" + f.jihoon1}},
			{msg: press(managerMsg(""), "pick:"+f.jihoon1), check: balanceIs(&f.jihoon1, 500)},
			{msg: managerMsg("/points void 박지훈 1"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2}},
			{msg: press(managerMsg(""), "pick:"+f.jihoon1), check: all(balanceIs(&f.jihoon1, 0), entriesAre(&f.jihoon1, 2))},
		}...)
	}},
	{"EarnConfirmLarge", func(h *harness, f fixture) []step {
		ask := h.text("corrections.earn.confirm_large", map[string]any{"Name": "김민지", "Amount": h.text("core.fmt.won", map[string]any{"N": "1,000,000"}), "Spoken": "100만", "Points": ptsOf(h, "50,000P")})
		return []step{
			{msg: staffMsg("/points add 김민지 999999"), check: balanceIs(&f.minji, 49999)},
			{msg: staffMsg("/points add 김민지 1000000 생일"), want: []string{ask}, payloads: []string{"yes", "no"}, check: balanceIs(&f.minji, 49999)},
			{msg: staffMsg("음"), want: []string{h.text("corrections.bad_confirm", map[string]any{"Yes": h.text("corrections.btn.earn", nil)})}, check: balanceIs(&f.minji, 49999)},
			{msg: press(staffMsg(""), "no"), ids: []string{"core.cancel.done"}, check: all(balanceIs(&f.minji, 49999), noSession(staffKey))},
			{msg: staffMsg("/points add 김민지 100만 생일"), want: []string{ask}},
			{msg: press(staffMsg(""), "yes"), want: []string{ptsOf(h, "50,000P")}, check: all(balanceIs(&f.minji, 99999), noSession(staffKey), func(t *testing.T, h *harness, _ []Reply) {
				if es := h.points(f.minji); es[0].Amount != 1_000_000 || es[0].Reason != "생일" {
					t.Errorf("confirmed earn = %+v", es[0])
				}
			})},
			// Typing the button's label works too.
			{msg: staffMsg("/points add 김민지 2000000"), want: []string{ptsOf(h, "100,000P")}},
			{msg: staffMsg(h.text("corrections.btn.earn", nil)), check: balanceIs(&f.minji, 199999)},
		}
	}},
	{"EarnConfirmRepeat", func(h *harness, f fixture) []step {
		ask := h.text("corrections.earn.confirm_repeat", map[string]any{"Name": "김민지", "Amount": h.text("core.fmt.won", map[string]any{"N": "55,000"}), "Points": ptsOf(h, "2,750P"), "Minutes": 2})
		return []step{
			{msg: staffMsg("/points add 김민지 55000"), check: balanceIs(&f.minji, 2750)},
			{msg: staff2Msg("/points add 김민지 55,000원"), advance: time.Minute, want: []string{ask}, check: balanceIs(&f.minji, 2750)},
			{msg: press(staff2Msg(""), "yes"), check: balanceIs(&f.minji, 5500)},
			// Another amount, or another customer, does not ask.
			{msg: staffMsg("/points add 김민지 56000"), check: balanceIs(&f.minji, 8300)},
			{msg: staffMsg("/points add Anna Lee 55000"), check: balanceIs(&f.anna, 2750)},
			{msg: staffMsg("/points add 김민지 56000"), advance: 2 * time.Minute, check: balanceIs(&f.minji, 11100)},
		}
	}},
	{"NoteEdit", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note 김민지 뿌리 염색 상담")},
			{msg: staffMsg("/note edit 김민지 1 뿌리 염색과 클리닉 상담"), want: []string{"뿌리 염색 상담", "뿌리 염색과 클리닉 상담"}, check: all(noteTexts(&f.minji, "뿌리 염색과 클리닉 상담"), func(t *testing.T, h *harness, _ []Reply) {
				if auditsOf(h, "note.edit") != 1 {
					t.Error("edit not audited")
				}
			})},
			{msg: staff2Msg("/note edit 김민지 1 남의 기록"), want: []string{h.text("corrections.note.not_author", nil)}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			{msg: staffMsg("/note edit 김민지 1"), want: []string{h.text("corrections.note.edit_usage", nil)}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			// A new text with nothing to read is refused, as a new note's is.
			{msg: staffMsg("/note edit 김민지 1 #"), want: []string{h.text("input.note.empty", map[string]any{"Input": "#"})}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			{msg: staffMsg("/note edit 김민지 1 😀"), want: []string{h.text("input.note.empty", map[string]any{"Input": "😀"})}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			{msg: staffMsg("/note edit"), want: []string{h.text("corrections.note.edit_usage", nil)}},
			{msg: staffMsg("/note edit 김민지 둘 고침"), want: []string{h.text("corrections.note.bad_number", map[string]any{"Input": "둘", "Name": "김민지"})}},
			{msg: staffMsg("/note edit 김민지 2 고침"), want: []string{h.text("corrections.note.no_note", map[string]any{"N": 2, "Name": "김민지", "Count": 1})}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			{msg: staffMsg("/note delete 김민지 ２"), want: []string{h.text("corrections.note.no_note", map[string]any{"N": 2, "Name": "김민지", "Count": 1})}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			{msg: strangerMsg("/note edit 김민지 1 고침"), ids: []string{"core.refused"}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			{msg: custMsg("/note edit 김민지 1 고침"), check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			// A week later only a manager may.
			{msg: staffMsg("/note edit 김민지 1 늦은 고침"), advance: NoteEditWindow + time.Minute, want: []string{h.text("corrections.note.too_old", map[string]any{"Days": 7})}, check: noteTexts(&f.minji, "뿌리 염색과 클리닉 상담")},
			{msg: managerMsg("/note edit 김민지 1 사장님이 고침"), check: noteTexts(&f.minji, "사장님이 고침")},
		}
	}},
	// #tags in an edit are the note's tags, as in a new note: they were
	// kept as words, and the old tags stayed on the note and the card.
	{"NoteEditTags", func(h *harness, f fixture) []step {
		tagged := func(tag string, want bool) func(*testing.T, *harness, []Reply) {
			return func(t *testing.T, h *harness, _ []Reply) {
				var got bool
				h.view(func(tx *ledger.Tx) error {
					_, cs, err := tx.ListCustomers(ledger.CustomerFilter{Tags: []string{tag}}, 0, 10)
					got = slices.ContainsFunc(cs, func(c ledger.Customer) bool { return c.ID == f.minji })
					return err
				})
				if got != want {
					t.Errorf("#%s finds 김민지: %v, want %v", tag, got, want)
				}
			}
		}
		return []step{
			{msg: staffMsg("/note 김민지 커트 상담 #커트")},
			{msg: staffMsg("/note edit 김민지 1 펌 상담 #펌"), want: []string{"커트 상담 #커트", "펌 상담 #펌"}, check: all(noteTexts(&f.minji, "펌 상담"), tagged("펌", true), tagged("커트", false), func(t *testing.T, h *harness, _ []Reply) {
				if ns := h.notes(f.minji); len(ns) != 1 || !slices.Equal(ns[0].Tags, []string{"펌"}) {
					t.Errorf("notes %+v, want the tag #펌 alone", ns)
				}
			})},
			// Without tags, the text changes and the tags stay.
			{msg: staffMsg("/note edit 김민지 1 펌과 클리닉 상담"), want: []string{"펌과 클리닉 상담 #펌"}, check: all(noteTexts(&f.minji, "펌과 클리닉 상담"), tagged("펌", true))},
		}
	}},
	{"NoteDelete", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note 김민지 첫 상담")},
			{msg: staffMsg("/note 김민지 잘못 쓴 상담 #펌"), advance: time.Hour},
			{msg: staff2Msg("/note delete 김민지 2"), want: []string{h.text("corrections.note.not_author", nil)}, check: noteTexts(&f.minji, "잘못 쓴 상담", "첫 상담")},
			{msg: staffMsg("/note delete 김민지 2"), want: []string{"잘못 쓴 상담"}, payloads: []string{"yes", "no"}, check: noteTexts(&f.minji, "잘못 쓴 상담", "첫 상담")},
			{msg: press(staffMsg(""), "no"), check: noteTexts(&f.minji, "잘못 쓴 상담", "첫 상담")},
			{msg: staffMsg("/note delete 김민지 2")},
			{msg: press(staffMsg(""), "yes"), want: []string{h.text("corrections.note.deleted", map[string]any{"Date": "2026-05-13"})}, check: all(noteTexts(&f.minji, "첫 상담"), noteCount(1), visitsOf(&f.minji, 1), noSession(staffKey), func(t *testing.T, h *harness, _ []Reply) {
				if auditsOf(h, "note.delete") != 1 {
					t.Error("delete not audited")
				}
			})},
			{msg: staffMsg("/note delete 김민지 2"), want: []string{h.text("corrections.note.no_note", map[string]any{"N": 2, "Name": "김민지", "Count": 1})}},
			{msg: staffMsg("/note delete"), want: []string{h.text("corrections.note.delete_usage", nil)}},
			{msg: managerMsg("/note delete 김민지 1"), advance: 30 * 24 * time.Hour},
			{msg: press(managerMsg(""), "yes"), check: all(noteTexts(&f.minji), noteCount(0), visitsOf(&f.minji, 0))},
		}
	}},
	{"CardNoteButtons", func(h *harness, f fixture) []step {
		var first, second string
		ids := func(t *testing.T, h *harness, _ []Reply) {
			ns := h.notes(f.minji)
			second, first = ns[0].ID, ns[1].ID
		}
		return []step{
			{msg: staffMsg("/note 김민지 첫 상담")},
			{msg: staff2Msg("/note 김민지 둘째 상담"), advance: time.Minute, check: ids},
			// Numbered from the oldest; a button only for the note I may change.
			{msg: staffMsg("/customer 김민지"), want: []string{"#2", "#1", h.text("corrections.btn.note", map[string]any{"N": 1})}, not: []string{h.text("corrections.btn.note", map[string]any{"N": 2})}},
			{build: func() Message { return press(staffMsg(""), "note:"+second) }, want: []string{h.text("corrections.note.not_author", nil)}},
			{msg: managerMsg("/customer 김민지"), want: []string{h.text("corrections.btn.note", map[string]any{"N": 2}), h.text("corrections.btn.note", map[string]any{"N": 1})}},
			{build: func() Message { return press(staffMsg(""), "note:"+first) }, want: []string{"첫 상담"}, payloads: []string{"edit", "delete", "cancel"}},
			{msg: press(staffMsg(""), "edit"), want: []string{h.text("corrections.note.ask_text", map[string]any{"Text": "첫 상담"})}},
			{msg: staffMsg("첫 상담, 고침"), want: []string{"첫 상담, 고침"}, check: all(noteTexts(&f.minji, "둘째 상담", "첫 상담, 고침"), noSession(staffKey))},
			{build: func() Message { return press(managerMsg(""), "note:"+second) }, payloads: []string{"edit", "delete"}},
			{msg: press(managerMsg(""), "delete"), payloads: []string{"yes", "no"}},
			{msg: press(managerMsg(""), "yes"), check: noteTexts(&f.minji, "첫 상담, 고침")},
			// The button of a deleted note is stale.
			{build: func() Message { return press(managerMsg(""), "note:"+second) }, ids: []string{"core.button.stale"}},
			{build: func() Message { return press(custMsg(""), "note:"+first) }, check: noteTexts(&f.minji, "첫 상담, 고침")},
		}
	}},
	{"GuidedNoteRevise", func(h *harness, f fixture) []step {
		confirm := func(want ...string) step {
			return step{msg: press(staffMsg(""), "skip"), want: want, payloads: []string{"yes", "revise", "no"}}
		}
		return []step{
			{msg: staffMsg("/note")},
			{msg: staffMsg("김민지")},
			{msg: staffMsg("클리닉 상담 #클리닉")},
			{msg: staffMsg("55000")},
			{msg: press(staffMsg(""), "skip")},
			confirm("55,000"),
			{msg: press(staffMsg(""), "revise"), payloads: []string{"field:customer", "field:text", "field:amount", "field:tags", "field:followup", "cancel"}},
			{msg: staffMsg("아무거나"), ids: []string{"corrections.note.bad_field"}},
			{msg: press(staffMsg(""), "field:amount"), ids: []string{"core.note.ask_amount"}},
			// Straight back to the confirmation, the other fields kept.
			{msg: staffMsg("30000"), want: []string{"30,000", "클리닉 상담", "#클리닉"}, not: []string{"55,000"}, payloads: []string{"yes", "revise", "no"}},
			{msg: press(staffMsg(""), "revise")},
			{msg: staffMsg(h.text("corrections.field.customer", nil)), ids: []string{"core.note.ask_customer"}},
			{msg: staffMsg("Anna Lee"), want: []string{"Anna Lee", "30,000", "클리닉 상담"}},
			{msg: press(staffMsg(""), "revise")},
			{msg: press(staffMsg(""), "field:amount")},
			{msg: press(staffMsg(""), "skip"), not: []string{"30,000"}},
			{msg: press(staffMsg(""), "yes"), check: func(t *testing.T, h *harness, _ []Reply) {
				if ns := h.notes(f.minji); len(ns) != 0 {
					t.Errorf("note saved for the first customer: %+v", ns)
				}
				ns := h.notes(f.anna)
				if len(ns) != 1 || ns[0].Text != "클리닉 상담" || ns[0].Amount != 0 || len(ns[0].Tags) != 1 {
					t.Fatalf("notes of Anna = %+v", ns)
				}
			}},
		}
	}},
}

// TestCorrections drives the corrections scripts in both languages.
func TestCorrections(t *testing.T) { runScripts(t, correctionScripts) }

// TestCorrectionsInterleaved interleaves earns, redeems, undos and voids
// of staff and managers in concurrent conversations: after every step each
// customer's balance is the sum of their entries and not negative, and no
// entry is reversed twice.
func TestCorrectionsInterleaved(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	custs := []struct{ name, id string }{{"김민지", f.minji}, {"Anna Lee", f.anna}}
	users := []func(string) Message{staffMsg, staff2Msg, managerMsg, managerMsg}
	const steps = 60
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	var mu sync.Mutex // checks read the ledger between steps, one at a time
	for g, user := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seed := uint64(g + 1)
			rng := rand.New(rand.NewPCG(seed, 11))
			for i := range steps {
				c := custs[rng.IntN(len(custs))]
				var text string
				switch op := rng.IntN(4); op {
				case 0:
					text = fmt.Sprintf("/points add %s %d", c.name, 1000*(1+rng.IntN(1200)))
				case 1:
					text = fmt.Sprintf("/points redeem %s %d", c.name, 1+rng.IntN(30000))
				case 2:
					text = "/points undo"
				case 3:
					text = fmt.Sprintf("/points void %s %d", c.name, 1+rng.IntN(12))
				}
				m := user(text)
				m.ConversationID = fmt.Sprintf("G%d", g)
				m.EventID = fmt.Sprintf("g%d-%d", g, i)
				rs, err := h.eng.Handle(context.Background(), m)
				if err == nil && len(payloads(rs)) > 0 && strings.Contains(text, "add") {
					// A large or repeated earn asks first: say yes or no.
					p := "yes"
					if rng.IntN(3) == 0 {
						p = "no"
					}
					pm := press(user(""), p)
					pm.ConversationID, pm.EventID = m.ConversationID, m.EventID+"-c"
					_, err = h.eng.Handle(context.Background(), pm)
				}
				if err != nil {
					errs <- fmt.Errorf("seed %d step %d %q: %v", seed, i, text, err)
					return
				}
				mu.Lock()
				err = checkLedger(h, f.minji, f.anna)
				mu.Unlock()
				if err != nil {
					errs <- fmt.Errorf("seed %d after step %d %q: %v", seed, i, text, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	reversals := 0
	for _, c := range custs {
		for _, e := range h.points(c.id) {
			if e.Reverses != "" {
				reversals++
			}
		}
	}
	t.Logf("%d corrections among the entries of %d steps", reversals, steps*len(users))
	if reversals == 0 {
		t.Error("no entry was reversed: the test exercised nothing")
	}
}

// checkLedger checks the invariants of each customer's points.
func checkLedger(h *harness, ids ...string) error {
	return h.store.View(context.Background(), func(tx *ledger.Tx) error {
		for _, id := range ids {
			es, err := tx.PointsOf(id, 0)
			if err != nil {
				return err
			}
			bal, err := tx.Balance(id)
			if err != nil {
				return err
			}
			var sum int64
			reversed := map[string]string{}
			byID := map[string]ledger.PointsEntry{}
			for i := len(es) - 1; i >= 0; i-- { // oldest first
				e := es[i]
				byID[e.ID] = e
				sum += e.Points
				if sum < 0 {
					return fmt.Errorf("%s: history dips to %d at %s", id, sum, e.ID)
				}
				if e.Reverses == "" {
					continue
				}
				if prev, ok := reversed[e.Reverses]; ok {
					return fmt.Errorf("%s: entry %s reversed twice (%s, %s)", id, e.Reverses, prev, e.ID)
				}
				reversed[e.Reverses] = e.ID
				orig, ok := byID[e.Reverses]
				switch {
				case !ok:
					return fmt.Errorf("%s: correction %s reverses %s, not an earlier entry of theirs", id, e.ID, e.Reverses)
				case orig.Reverses != "":
					return fmt.Errorf("%s: correction %s reverses a correction", id, e.ID)
				case orig.Points != -e.Points || e.Kind != ledger.PointsAdjust:
					return fmt.Errorf("%s: correction %+v of %+v", id, e, orig)
				}
			}
			for _, e := range es {
				if e.ReversedBy != reversed[e.ID] {
					return fmt.Errorf("%s: entry %s ReversedBy %q, corrections say %q", id, e.ID, e.ReversedBy, reversed[e.ID])
				}
			}
			if sum != bal || bal < 0 {
				return fmt.Errorf("%s: balance %d, entries sum to %d", id, bal, sum)
			}
		}
		return nil
	})
}

// auditsOf counts the audit entries of action.
func auditsOf(h *harness, action string) int {
	n := 0
	for _, a := range h.audits() {
		if a.Action == action {
			n++
		}
	}
	return n
}

// ptsOf writes every "1,234P" of s in the harness language's points format.
func ptsOf(h *harness, s string) string {
	return ptsRE.ReplaceAllStringFunc(s, func(m string) string {
		return h.text("core.fmt.points", map[string]any{"N": strings.TrimSuffix(m, "P")})
	})
}

var ptsRE = regexp.MustCompile(`\d[\d,]*P`)

// TestSystemReasonsRead: points the shop's own features gave (an import's
// balance, a campaign's, a birthday's, a check-in's) show in /points as
// words, not as their reason codes "(import)", "(campaign)"; a staff
// member's own words stay as typed.
func TestSystemReasonsRead(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			h.update(func(tx *ledger.Tx) error {
				for i, r := range []struct{ actor, reason string }{{"system:import", "import"}, {"slack:" + managerID, "campaign"}, {"system:birthday", "birthday"}, {"slack:" + managerID, "winback"}, {"slack:" + staffID, "사과의 뜻으로"}} {
					if err := tx.AddPoints(&ledger.PointsEntry{CustomerID: f.minji, At: h.now().Add(time.Duration(i) * time.Minute), Kind: ledger.PointsAdjust, Points: 100, ActorID: r.actor, Reason: r.reason}); err != nil {
						return err
					}
				}
				return nil
			})
			var want []string
			for _, id := range systemReasons {
				want = append(want, h.text(id, nil))
			}
			runSteps(t, h, []step{{msg: staffMsg("/points 김민지"), want: append(want, "사과의 뜻으로"), not: []string{"(import)", "(campaign)", "(birthday)", "(winback)"}}})
		})
	}
}
