package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestNoteAmountEarn: a note's purchase amount earns nothing by itself,
// and the reply says so with [30,000P 적립], which earns as /points add
// would (balance, tier spend, the entry naming the note) and only once; a
// note whose amount was earned moments ago, a deleted note and an erased
// customer earn nothing. The tester's customer earned 0P for a 600,000원
// note, and reached no tier.
func TestNoteAmountEarn(t *testing.T) {
	const phone = "010-3000-0001"
	// guided writes a guided note for the customer with amount ("" skips).
	guided := func(amount string) []step {
		a := step{msg: staffMsg(amount)}
		if amount == "" {
			a = step{msg: press(staffMsg(""), "skip")}
		}
		return []step{
			{msg: staffMsg("/note")},
			{msg: staffMsg(phone)},
			{msg: staffMsg("클리닉 패키지 결제")},
			a,
			{msg: press(staffMsg(""), "skip")},
			{msg: press(staffMsg(""), "skip")},
		}
	}
	// saved is the guided note's last step, its save.
	saved := func(s step) []step { return []step{s} }
	noteEarn := func(h *harness) string {
		var id string
		for _, n := range h.allNotes() {
			id = n.ID
		}
		return "ne:" + id
	}
	tierSpend := func(t *testing.T, h *harness, cid string, want int64, tier string) {
		t.Helper()
		h.view(func(tx *ledger.Tx) error {
			st, err := tx.TierOf(cid, h.now(), seoul)
			if err != nil {
				return err
			}
			if st.Spend != want || st.TierID != tier {
				t.Errorf("tier spend %d tier %q, want %d %q", st.Spend, st.TierID, want, tier)
			}
			return nil
		})
	}
	offer := func(h *harness) string {
		return h.text("core.note.earn.button", map[string]any{"Points": h.text("core.fmt.points", map[string]any{"N": "30,000"})})
	}
	tests := []struct {
		name  string
		lang  string
		steps func(h *harness, cid string) []step
	}{
		{name: "press earns once", steps: func(h *harness, cid string) []step {
			var s []step
			s = append(s, guided("600000")...)
			s = append(s, saved(step{msg: press(staffMsg(""), "yes"), want: []string{offer(h)}, check: func(t *testing.T, h *harness, rs []Reply) {
				if !strings.Contains(allText(rs), strings.SplitN(h.text("core.note.earn.offer", map[string]any{"Amount": "", "Points": ""}), "(", 2)[0]) {
					t.Errorf("no word that nothing was earned: %s", allText(rs))
				}
				if h.balance(cid) != 0 {
					t.Errorf("balance %d before the press, want 0", h.balance(cid))
				}
			}})...)
			return append(s,
				step{build: func() Message { return press(staffMsg(""), noteEarn(h)) }, want: []string{"30,000P"}, check: func(t *testing.T, h *harness, rs []Reply) {
					if b := h.balance(cid); b != 30000 {
						t.Errorf("balance %d, want 30,000", b)
					}
					tierSpend(t, h, cid, 600000, "vip")
					var noted int
					h.view(func(tx *ledger.Tx) error {
						es, err := tx.PointsOf(cid, 0)
						for _, e := range es {
							if e.NoteID != "" && e.Amount == 600000 && e.Reason != "" {
								noted++
							}
						}
						return err
					})
					if noted != 1 {
						t.Errorf("%d earns naming the note, want 1", noted)
					}
				}},
				step{build: func() Message { return press(staffMsg(""), noteEarn(h)) }, advance: NoteEarnWindow, want: []string{h.text("core.note.earn.already", map[string]any{"Name": "남궁민", "Amount": "600,000원", "Points": "30,000P", "Date": "5월 13일 (수)"})[:20]}, check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.balance(cid); b != 30000 {
						t.Errorf("balance %d after a second press, want 30,000", b)
					}
				}},
			)
		}},
		{name: "after points add", steps: func(h *harness, cid string) []step {
			s := []step{{msg: staffMsg("/points add " + phone + " 600000")}}
			s = append(s, guided("600000")...)
			s[len(s)-1].check = nil
			return append(s, step{msg: press(staffMsg(""), "yes"), ids: nil, not: []string{offer(h)}, check: func(t *testing.T, h *harness, rs []Reply) {
				if ps := payloads(rs); len(ps) > 0 && strings.HasPrefix(strings.Join(ps, " "), "ne:") {
					t.Errorf("an earn button after /points add: %v", ps)
				}
				if !strings.Contains(allText(rs), "같은 금액으로 이미 적립된 것 같아") {
					t.Errorf("no word it seems earned: %s", allText(rs))
				}
				if b := h.balance(cid); b != 30000 {
					t.Errorf("balance %d, want 30,000", b)
				}
			}})
		}},
		{name: "press after points add asks", steps: func(h *harness, cid string) []step {
			s := append(guided("600000"), step{msg: press(staffMsg(""), "yes"), want: []string{offer(h)}})
			return append(s,
				step{msg: staffMsg("/points add " + phone + " 600000")},
				step{build: func() Message { return press(staffMsg(""), noteEarn(h)) }, want: []string{"이미 적립됐어요"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.balance(cid); b != 30000 {
						t.Errorf("balance %d, want 30,000 until confirmed", b)
					}
				}},
				step{msg: press(staffMsg(""), "no")},
			)
		}},
		{name: "no amount no button", steps: func(h *harness, cid string) []step {
			return append(guided(""), step{msg: press(staffMsg(""), "yes"), not: []string{"적립"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if ps := payloads(rs); len(ps) > 0 {
					for _, p := range ps {
						if strings.HasPrefix(p, "ne:") {
							t.Errorf("an earn button for a note without amount: %v", ps)
						}
					}
				}
			}})
		}},
		{name: "note deleted", steps: func(h *harness, cid string) []step {
			s := append(guided("600000"), step{msg: press(staffMsg(""), "yes"), want: []string{offer(h)}})
			var id string
			return append(s,
				step{build: func() Message { id = noteEarn(h); return staffMsg("/note delete " + phone + " 1") }},
				step{msg: press(staffMsg(""), "yes")},
				step{build: func() Message { return press(staffMsg(""), id) }, ids: []string{"core.note.earn.gone"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.balance(cid); b != 0 {
						t.Errorf("balance %d after a deleted note's press, want 0", b)
					}
				}},
			)
		}},
		{name: "customer erased", steps: func(h *harness, cid string) []step {
			s := append(guided("600000"), step{msg: press(staffMsg(""), "yes"), want: []string{offer(h)}})
			return append(s,
				step{build: func() Message {
					h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(cid, h.now()) })
					return press(staffMsg(""), noteEarn(h))
				}, ids: []string{"core.note.earn.erased"}},
			)
		}},
		{name: "large amount asks first", steps: func(h *harness, cid string) []step {
			s := append(guided("1200000"), step{msg: press(staffMsg(""), "yes"), want: []string{"60,000P 적립"}})
			return append(s,
				step{build: func() Message { return press(staffMsg(""), noteEarn(h)) }, want: []string{"60,000P"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.balance(cid); b != 0 {
						t.Errorf("balance %d before the confirmation, want 0", b)
					}
				}},
				step{msg: press(staffMsg(""), "yes"), want: []string{"60,000P 적립했어요"}},
				step{build: func() Message { return press(staffMsg(""), noteEarn(h)) }, ids: nil, want: []string{"이미 적립했어요"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if b := h.balance(cid); b != 60000 {
						t.Errorf("balance %d, want 60,000", b)
					}
				}},
			)
		}},
		{name: "english", lang: "en", steps: func(h *harness, cid string) []step {
			s := append(guided("600000"), step{msg: press(staffMsg(""), "yes"), want: []string{"No points were earned yet", "Earn 30,000 points"}})
			return append(s, step{build: func() Message { return press(staffMsg(""), noteEarn(h)) }, want: []string{"earned 30,000 points"}})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, tc.lang)
			if tc.lang == "en" {
				h.cfg.Lang = "en"
				h.reopen()
			}
			runSteps(t, h, []step{{msg: managerMsg("/program tiers 단골 5회, VIP 15회 또는 50만원")}})
			cid := h.customer("남궁민", phone)
			runSteps(t, h, tc.steps(h, cid))
		})
	}
}

// TestNoteDeleteEarned: deleting a note whose purchase was earned for says
// the points stay and offers to take them back in the same transaction
// ([삭제하고 적립도 취소], a correction of the earn); an earn partly spent
// offers to correct what is left, one all spent says it cannot, one the
// speaker may not correct (staff, past UndoWindow) names /points void; a
// plain [삭제] keeps the points and says so; figures changed while the
// question waited ask it again. The tester deleted a note that had earned
// 2,250P and found the points still there, unmentioned.
func TestNoteDeleteEarned(t *testing.T) {
	const phone = "010-3000-0002"
	write := func(h *harness) []step {
		return []step{
			{msg: staffMsg("/note")},
			{msg: staffMsg(phone)},
			{msg: staffMsg("클리닉 패키지 결제")},
			{msg: staffMsg("100000")},
			{msg: press(staffMsg(""), "skip")},
			{msg: press(staffMsg(""), "skip")},
			{msg: press(staffMsg(""), "yes")},
			{build: func() Message { return press(staffMsg(""), "ne:"+h.allNotes()[0].ID) }, want: []string{"5,000P"}},
		}
	}
	pts := func(h *harness, n string) string { return h.text("core.fmt.points", map[string]any{"N": n}) }
	line := func(h *harness, id string, d map[string]any) string {
		base := map[string]any{"Name": "남궁민", "N": 1, "Points": pts(h, "5,000")}
		for k, v := range d {
			base[k] = v
		}
		return h.text(id, base)
	}
	state := func(balance int64, notes int) func(*testing.T, *harness, []Reply) {
		return func(t *testing.T, h *harness, _ []Reply) {
			t.Helper()
			cid := h.byPhone(phone).ID
			if b := h.balance(cid); b != balance {
				t.Errorf("balance %d, want %d", b, balance)
			}
			if n := len(h.notes(cid)); n != notes {
				t.Errorf("%d notes, want %d", n, notes)
			}
		}
	}
	tests := []struct {
		name    string
		partial bool // a partial correction, which checkLedger does not read
		steps   func(h *harness) []step
	}{
		{name: "void", steps: func(h *harness) []step {
			return []step{
				{msg: staffMsg("/note delete " + phone + " 1"), want: []string{line(h, "corrections.note.delete_earned", nil)}, payloads: []string{"yes", "void", "no"}, check: state(5000, 1)},
				{msg: press(staffMsg(""), "void"), want: []string{
					h.text("corrections.note.deleted", map[string]any{"Date": "2026-05-13"}),
					line(h, "corrections.note.deleted_voided", map[string]any{"Change": "-5,000P", "Balance": pts(h, "5,000"), "After": pts(h, "0")}),
				}, check: all(state(0, 0), func(t *testing.T, h *harness, _ []Reply) {
					es := h.points(h.byPhone(phone).ID)
					if len(es) != 2 || es[0].Reverses != es[1].ID || es[0].Points != -5000 {
						t.Errorf("entries %+v, want the earn and its correction", es)
					}
					if n := auditsOf(h, "points"); n < 2 {
						t.Errorf("%d points audits, want the earn's and the correction's", n)
					}
				})},
			}
		}},
		{name: "keep", steps: func(h *harness) []step {
			return []step{
				{msg: staffMsg("/note delete " + phone + " 1")},
				{msg: press(staffMsg(""), "yes"), want: []string{line(h, "corrections.note.deleted_points_kept", nil)}, check: state(5000, 0)},
			}
		}},
		{name: "part spent", partial: true, steps: func(h *harness) []step {
			return []step{
				{msg: staffMsg("/points redeem " + phone + " 2000")},
				{msg: staffMsg("/note delete " + phone + " 1"), want: []string{line(h, "corrections.note.delete_earned_part", map[string]any{"Used": pts(h, "2,000"), "Rest": pts(h, "3,000")})}, payloads: []string{"void"}},
				{msg: press(staffMsg(""), "void"), want: []string{line(h, "corrections.note.deleted_voided_part", map[string]any{"Used": pts(h, "2,000"), "Rest": pts(h, "3,000"), "Change": "-3,000P", "Balance": pts(h, "3,000"), "After": pts(h, "0")})}, check: state(0, 0)},
			}
		}},
		{name: "all spent", steps: func(h *harness) []step {
			return []step{
				{msg: staffMsg("/points redeem " + phone + " 5000")},
				{msg: staffMsg("/note delete " + phone + " 1"), want: []string{line(h, "corrections.note.delete_earned_spent", nil)}, not: []string{h.text("corrections.btn.delete_void", nil)}, payloads: []string{"yes", "no"}},
				{msg: press(staffMsg(""), "void"), check: state(0, 1)},
			}
		}},
		{name: "not the speaker's", steps: func(h *harness) []step {
			return []step{
				{msg: staffMsg("/note delete " + phone + " 1"), advance: UndoWindow + time.Hour, want: []string{line(h, "corrections.note.delete_earned_manager", nil)}, not: []string{h.text("corrections.btn.delete_void", nil)}},
				{msg: press(staffMsg(""), "no")},
				{msg: managerMsg("/note delete " + phone + " 1"), payloads: []string{"void"}},
				{msg: press(managerMsg(""), "void"), check: state(0, 0)},
			}
		}},
		{name: "changed meanwhile", partial: true, steps: func(h *harness) []step {
			return []step{
				{msg: staffMsg("/note delete " + phone + " 1"), payloads: []string{"void"}},
				{msg: staff2Msg("/points redeem " + phone + " 1000")},
				{msg: press(staffMsg(""), "void"), ids: []string{"corrections.note.delete_changed"}, want: []string{line(h, "corrections.note.delete_earned_part", map[string]any{"Used": pts(h, "1,000"), "Rest": pts(h, "4,000")})}, payloads: []string{"void"}, check: state(4000, 1)},
				{msg: press(staffMsg(""), "void"), check: state(0, 0)},
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "")
			h.customer("남궁민", phone)
			runSteps(t, h, write(h))
			runSteps(t, h, tc.steps(h))
			if err := checkLedger(h, h.byPhone(phone).ID); err != nil && !tc.partial {
				t.Error(err)
			}
		})
	}
}
