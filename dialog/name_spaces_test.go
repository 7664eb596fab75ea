package dialog

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestNamesIgnoreSpaces: a name registered with spaces ("박 서 준") is found
// typed without them, in part (the given name) or spaced otherwise, and one
// registered without spaces ("정하은") typed with them; the one-line note
// lands on the customer instead of "not found".
func TestNamesIgnoreSpaces(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seojun := h.customer("박 서 준", "01055556666")
			haeun := h.customer("정하은", "01022223333")
			card := func(phone string) []string { return []string{phone} }
			noteOn := func(id, text string) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, rs []Reply) {
					t.Helper()
					for _, n := range h.notes(id) {
						if strings.Contains(n.Text, text) {
							return
						}
					}
					t.Errorf("no note %q on %s: %+v\n%s", text, id, h.notes(id), allText(rs))
				}
			}
			runSteps(t, h, []step{
				{msg: staffMsg("/customer 박서준"), want: card("010-5555-6666")},
				{msg: staffMsg("/customer 서준"), want: card("010-5555-6666")},
				{msg: staffMsg("/customer 박 서준"), want: card("010-5555-6666")},
				{msg: staffMsg("/customer 정 하은"), want: card("010-2222-3333")},
				{msg: staffMsg("/customer 하은"), want: card("010-2222-3333")},
				{msg: staffMsg("/note 박서준 다운펌 상담 #다운펌"), check: noteOn(seojun, "다운펌 상담")},
				{msg: staffMsg("/note 박 서준 뿌리염색"), check: noteOn(seojun, "뿌리염색")},
				{msg: staffMsg("/note 정 하은 재방문"), check: noteOn(haeun, "재방문")},
			})
		})
	}
}

// TestNoteUnknownNameKept: a one-liner naming nobody keeps its text and
// waits for the customer: a customer of the same given name is offered as
// a button, a phone registers a new one, another name is looked up, and the
// note is saved at once with its tags, never typed twice.
func TestNoteUnknownNameKept(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			baek := h.customer("백서준", "01055556666")
			noted := func(id, text, tag string) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, rs []Reply) {
					t.Helper()
					ns := h.notes(id)
					if len(ns) == 0 || ns[0].Text != text || tag != "" && !slices.Contains(ns[0].Tags, tag) {
						t.Errorf("notes of %s = %+v, want %q #%s\n%s", id, ns, text, tag, allText(rs))
					}
					noSession(staffKey)(t, h, nil)
				}
			}
			runSteps(t, h, []step{
				{msg: staffMsg("/note 박서준 다운펌 상담 #다운펌"), want: []string{"다운펌 상담 #다운펌", "박서준"}, payloads: []string{"pick:" + baek, "cancel"}},
				{msg: press(staffMsg(""), "pick:"+baek), check: noted(baek, "다운펌 상담", "다운펌")},
				// Nobody near: a phone registers them, then their name.
				{msg: staffMsg("/note 최유리 커트 상담"), want: []string{"커트 상담"}, not: []string{"pick:"}},
				{msg: staffMsg("010-7777-8888"), want: []string{"010-7777-8888"}},
				{msg: staffMsg("최유리"), check: func(t *testing.T, h *harness, rs []Reply) {
					noted(h.byPhone("01077778888").ID, "커트 상담", "")(t, h, rs)
				}},
				// Another name typed instead.
				{msg: staffMsg("/note 백서쥰 클리닉"), want: []string{"클리닉"}},
				{msg: staffMsg("백서준"), check: noted(baek, "클리닉", "")},
			})
		})
	}
}

// TestMobileWithout010: a mobile number written without its 010 finds the
// customer, and one nobody has is answered with the 010 reading; eight
// digits from 0 are no mobile.
func TestMobileWithout010(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			id := h.customer("김하늘", "01012345678")
			runSteps(t, h, []step{
				{msg: staffMsg("/customer 1234-5678"), want: []string{"김하늘", "010-1234-5678"}},
				{msg: staffMsg("/customer 1234 5678"), want: []string{"김하늘"}},
				{msg: staffMsg("/customer 12345678"), want: []string{"김하늘"}},
				{msg: staffMsg("/customer 9999-0000"), want: []string{"010-9999-0000"}},
				{msg: staffMsg("/note 1234-5678 커트"), check: func(t *testing.T, h *harness, rs []Reply) {
					if ns := h.notes(id); len(ns) != 1 || ns[0].Text != "커트" {
						t.Errorf("notes %+v\n%s", ns, allText(rs))
					}
				}},
				{msg: staffMsg("/customer 0212-3456"), not: []string{"010-0212-3456"}},
				// Two words are the last four digits and what follows.
				{msg: staffMsg("/points add 5678 5000"), check: func(t *testing.T, h *harness, rs []Reply) {
					if es := h.points(id); len(es) != 1 || es[0].Amount != 5000 {
						t.Errorf("points %+v\n%s", es, allText(rs))
					}
				}},
			})
		})
	}
}

// TestLeadNameBeyondFirstWord: a spaced name typed with its spaces in a shop
// with more customers of the family name than the first word's search
// returns is still found as the whole lead.
func TestLeadNameBeyondFirstWord(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.update(func(tx *ledger.Tx) error {
		for i := range 55 {
			c := ledger.Customer{Name: fmt.Sprintf("박 가%02d", i), Phone: fmt.Sprintf("0103000%04d", i), CreatedAt: t0}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
		}
		return nil
	})
	id := h.customer("박 하은", "01055556666")
	h.send(staffMsg("/note 박 하은 커트"))
	if ns := h.notes(id); len(ns) != 1 || ns[0].Text != "커트" {
		t.Errorf("notes of 박 하은 = %+v", ns)
	}
}
