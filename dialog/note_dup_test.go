package dialog

import (
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestNoteNewCustomerSameName: a note for an unknown phone whose customer's
// name is already someone's asks, as /customer new does: writing it for the
// existing customer (a mistyped phone) keeps one record, and registering
// anyway makes the second. A name nobody has is not asked about.
func TestNoteNewCustomerSameName(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			customers := func(name string) int {
				n := 0
				h.view(func(tx *ledger.Tx) error {
					cs, err := tx.FindCustomers(name, 10)
					for _, c := range cs {
						if c.Name == name {
							n++
						}
					}
					return err
				})
				return n
			}
			pick := "pick:" + f.minji
			runSteps(t, h, []step{
				// For the existing one: the note is hers, nobody new.
				{msg: staffMsg("/note 010-9191-3333 커트 상담")},
				{msg: staffMsg("김민지"), payloads: []string{"register", pick, "cancel"}},
				{msg: staffMsg("아무거나"), ids: []string{"core.note.dup_reask"}},
				{msg: press(staffMsg(""), pick), check: func(t *testing.T, h *harness, _ []Reply) {
					if n := customers("김민지"); n != 1 {
						t.Errorf("%d customers named 김민지, want 1", n)
					}
					if ns := h.notes(f.minji); len(ns) != 1 || ns[0].Text != "커트 상담" {
						t.Errorf("notes %+v, want the note on the existing 김민지", ns)
					}
					noSession(staffKey)(t, h, nil)
				}},
				// Registered anyway: a second 김민지, with the phone typed.
				{msg: staffMsg("/note 010-9191-4444 펌 상담")},
				{msg: staffMsg("김민지"), payloads: []string{"register"}},
				{msg: press(staffMsg(""), "register"), check: func(t *testing.T, h *harness, _ []Reply) {
					if n := customers("김민지"); n != 2 {
						t.Errorf("%d customers named 김민지, want 2", n)
					}
					if c := h.byPhone("01091914444"); c.Name != "김민지" {
						t.Errorf("customer by the new phone = %+v", c)
					}
				}},
				// A name nobody has goes on at once.
				{msg: staffMsg("/note 010-9191-5555 염색 상담")},
				{msg: staffMsg("최새롬"), not: []string{"register"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if c := h.byPhone("01091915555"); c.Name != "최새롬" {
						t.Errorf("customer by phone = %+v, want 최새롬 registered", c)
					}
				}},
			})
		})
	}
}
