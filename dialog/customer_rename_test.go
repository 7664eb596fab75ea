package dialog

import (
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestRenameOntoExistingName: renaming a customer to a name another has
// asks first, as a same-name registration does ([그래도 바꾸기], [기존
// 고객 보기], [취소]), whichever way the name came (one line, the guided
// question), and changes nothing until [그래도 바꾸기]; the edit form,
// which cannot stop to ask, saves it and says who else has the name.
func TestRenameOntoExistingName(t *testing.T) {
	for _, lang := range locales.Languages {
		for _, tt := range []struct {
			name  string
			steps func(h *harness, f listFixture) []step
		}{
			{"one line, then rename anyway", func(h *harness, f listFixture) []step {
				return []step{
					kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + word(h, "이름", "name") + " 박지훈"),
						want:     []string{h.text("customer_edit.rename.dup", map[string]any{"Others": "박지훈 (010-****-3333)", "Name": "김민지", "Masked": "010-****-5678", "New": "박지훈"})},
						payloads: []string{"rename", "show", "cancel"}}),
					{msg: press(staffMsg(""), "rename"), want: []string{"김민지 → 박지훈"}, check: func(t *testing.T, h *harness, _ []Reply) {
						if c := h.cust(f.minji); c.Name != "박지훈" {
							t.Errorf("after [그래도 바꾸기]: %+v", c)
						}
						noSession(staffKey)(t, h, nil)
					}},
				}
			}},
			{"guided, then show the other", func(h *harness, f listFixture) []step {
				return []step{
					{msg: staffMsg("/customer 김민지 " + word(h, "이름", "name"))},
					kept(h, f.minji, step{msg: staffMsg("박지훈"), payloads: []string{"rename", "show"}}),
					kept(h, f.minji, step{msg: staffMsg(word(h, "글쎄요", "hmm")), ids: []string{"customer_edit.rename.reask"}, payloads: []string{"rename"}}),
					kept(h, f.minji, step{msg: press(staffMsg(""), "show"), want: []string{"박지훈", "010-2222-3333"}, not: []string{"010-1234-5678"}}),
				}
			}},
			{"cancel", func(h *harness, f listFixture) []step {
				return []step{
					kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + word(h, "이름", "name") + " 박지훈")}),
					kept(h, f.minji, step{msg: press(staffMsg(""), "cancel"), ids: []string{"core.cancel.done"}}),
				}
			}},
			{"no one else has it", func(h *harness, f listFixture) []step {
				return []step{
					{msg: staffMsg("/customer 김민지 " + word(h, "이름", "name") + " 김민주"), want: []string{"김민지 → 김민주"}, not: []string{h.text("customer_edit.btn.rename", nil)}},
					// Their own name in another case is no other customer's.
					{msg: staffMsg("/customer Anna Lee " + word(h, "이름", "name") + " ANNA LEE"), want: []string{"Anna Lee → ANNA LEE"}, not: []string{h.text("customer_edit.btn.rename", nil)}},
				}
			}},
			{"the form saves and tells", func(h *harness, f listFixture) []step {
				return []step{
					{msg: formMsg(formCustomerPrefix+f.minji, map[string]string{"name": "박지훈"}),
						want: []string{h.text("customer_edit.rename.form_note", map[string]any{"Others": "박지훈 (010-****-3333)"})},
						check: func(t *testing.T, h *harness, _ []Reply) {
							if c := h.cust(f.minji); c.Name != "박지훈" {
								t.Errorf("after the form: %+v", c)
							}
						}},
				}
			}},
		} {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				h := mustOpenHarness(t, nil, lang)
				f := seedList(h)
				runSteps(t, h, tt.steps(h, f))
			})
		}
	}
}

// TestNameWithPhone: a name holding a phone-like run of digits is refused
// with what to write instead, wherever a name is given (registering, a
// rename in one line or guided or in the form, a new customer's name in
// the guided note), and nothing is registered or changed; a name's few
// digits are a name.
func TestNameWithPhone(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seedList(h)
			bad := h.text("customer_edit.err.name_phone", map[string]any{"Name": "김민지"})
			unregistered := func(phone string) func(*testing.T, *harness, []Reply) {
				return func(t *testing.T, h *harness, _ []Reply) {
					h.view(func(tx *ledger.Tx) error {
						if c, err := tx.CustomerByPhone(phone); err == nil {
							t.Errorf("registered %+v", c)
						}
						return nil
					})
				}
			}
			runSteps(t, h, []step{
				{msg: staffMsg("/customer new 010-3333-4444 이도윤 010-5555-6666"),
					want:  []string{h.text("customer_edit.new.name_phone", map[string]any{"Phone": "010-3333-4444", "Name": "이도윤"})},
					check: unregistered("01033334444")},
				{msg: staffMsg("/customer new 010-3333-4444 01055556666"), want: []string{"/customer new 010-3333-4444 " + map[string]string{"ko": "김민지", "en": "Jane Kim"}[lang]}, check: unregistered("01033334444")},
				kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + word(h, "이름", "name") + " 김민지 010-5555-6666"), want: []string{bad}}),
				{msg: staffMsg("/customer 김민지 " + word(h, "이름", "name"))},
				kept(h, f.minji, step{msg: staffMsg("김민지 (010 5555 6666)"), want: []string{bad}}),
				{msg: staffMsg("/cancel")},
				kept(h, f.minji, step{msg: formMsg(formCustomerPrefix+f.minji, map[string]string{"name": "김민지 010-5555-6666"}), check: func(t *testing.T, h *harness, rs []Reply) {
					if e := formErrors(rs)["name"]; e != bad {
						t.Errorf("form's name error = %q, want %q", e, bad)
					}
				}}),
				{msg: staffMsg("/note 010-3333-4444 커트 상담")},
				{msg: staffMsg("이도윤 010-5555-6666"), want: []string{h.text("customer_edit.err.name_phone", map[string]any{"Name": "이도윤"})}, check: unregistered("01033334444")},
				{msg: staffMsg("/cancel")},
				{msg: staffMsg("/customer new 010-3333-4444 김하늘(5678)"), want: []string{h.text("core.customer.created", map[string]any{"Name": "김하늘(5678)"})}},
			})
		})
	}
}
