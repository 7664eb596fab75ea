package dialog

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestUnknownFieldOrSubcommand: after a customer who exists, a word that
// is no field lists the fields (a memo word points at 특이사항 and /note),
// not "no customer '김민지 나이 30', register one by that name"; a 장부's
// column words are fields; a sub-command's synonym or slip suggests it
// ("register" registers), and nothing changes meanwhile.
func TestUnknownFieldOrSubcommand(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seedList(h)
			usage := func(id string) string { return h.text(id, nil) }
			newLine := h.text("customer_edit.not_found", map[string]any{"Query": "x"})
			newLine = newLine[strings.LastIndex(newLine, "/customer new"):][:len("/customer new")]
			tests := []struct {
				text  string
				want  []string
				not   []string
				check func(t *testing.T, h *harness, rs []Reply)
			}{
				{text: "/customer 김민지 나이 30", want: []string{h.text("customer_edit.unknown_field", map[string]any{"Word": "나이", "Who": "김민지"})}, not: []string{newLine}},
				{text: "/customer 010-1234-5678 age 30", want: []string{h.text("customer_edit.unknown_field", map[string]any{"Word": "age", "Who": "010-1234-5678"})}},
				{text: "/customer Anna Lee 메모 커트 좋아함", want: []string{h.text("customer_edit.unknown_field_memo", map[string]any{"Word": "메모", "Who": "Anna Lee", "Value": "커트 좋아함"})},
					check: func(t *testing.T, h *harness, _ []Reply) {
						if c := h.cust(f.anna); c.Remarks != "" {
							t.Errorf("a memo word changed the remarks: %+v", c)
						}
					}},
				// Nobody is called "Anna Kim": a lookup that found no one, not a field.
				{text: "/customer Anna Kim 나이", want: []string{h.text("customer_edit.not_found", map[string]any{"Query": "Anna Kim 나이"})}},
				{text: "/customer 김민지 연락처 010-9999-8888", check: func(t *testing.T, h *harness, _ []Reply) {
					if c := h.cust(f.minji); c.Phone != "01099998888" {
						t.Errorf("연락처 did not change the phone: %+v", c)
					}
				}},
				{text: "/customer 김민지 비고 두피 민감", check: func(t *testing.T, h *harness, _ []Reply) {
					if c := h.cust(f.minji); c.Remarks != "두피 민감" {
						t.Errorf("비고 did not change the remarks: %+v", c)
					}
				}},
				{text: "/customer register 010-1234-5679 Bob Lee", want: []string{h.text("core.customer.created", map[string]any{"Name": "Bob Lee"})}},
				{text: "/customer nwe 010-1234-5670 Bob Kim", want: []string{h.text("core.command.suggest", map[string]any{"Command": "/customer nwe", "Help": "/customer new 010-1234-5670 Bob Kim\n" + usage("core.customer.usage")})},
					check: func(t *testing.T, h *harness, _ []Reply) {
						if c := h.byPhoneOK("01012345670"); c {
							t.Error("a suggestion registered the customer")
						}
					}},
				{text: "/points give 김민지 500", want: []string{h.text("core.command.suggest", map[string]any{"Command": "/points give", "Help": "/points add 김민지 500\n" + usage("core.points.usage")})},
					check: func(t *testing.T, h *harness, _ []Reply) {
						if b := h.balance(f.minji); b != 0 {
							t.Errorf("balance %d after a suggestion", b)
						}
					}},
				{text: "/points ad 김민지 500", want: []string{"/points add 김민지 500"}},
				{text: "/points spend 김민지 100", want: []string{"/points redeem 김민지 100"}},
				{text: "/points 김민지", want: []string{"김민지"}, not: []string{h.text("core.command.suggest", map[string]any{"Command": "/points 김민지", "Help": ""})}},
				{text: "/points Zed", want: []string{h.text("core.err.customer_unknown", map[string]any{"Query": "Zed"})}},
			}
			for _, tt := range tests {
				rs := h.send(staffMsg(tt.text))
				txt := allText(rs)
				for _, w := range tt.want {
					if !strings.Contains(txt, w) {
						t.Errorf("%s: replies\n%s\nlack %q", tt.text, txt, w)
					}
				}
				for _, w := range tt.not {
					if strings.Contains(txt, w) {
						t.Errorf("%s: replies\n%s\nhold %q", tt.text, txt, w)
					}
				}
				if tt.check != nil {
					tt.check(t, h, rs)
				}
			}
		})
	}
}

// byPhoneOK reports whether a customer has phone.
func (h *harness) byPhoneOK(phone string) bool {
	h.tb.Helper()
	found := false
	h.view(func(tx *ledger.Tx) error {
		_, err := tx.CustomerByPhone(phone)
		found = err == nil
		return nil
	})
	return found
}
