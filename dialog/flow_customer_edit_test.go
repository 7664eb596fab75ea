package dialog

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// word picks the Korean or the English command word for the script's
// language, so each script runs with the words its staff would type.
func word(h *harness, ko, en string) string {
	if h.lang == "ko" {
		return ko
	}
	return en
}

func (h *harness) cust(id string) ledger.Customer {
	h.tb.Helper()
	var c ledger.Customer
	h.view(func(tx *ledger.Tx) error {
		var err error
		c, err = tx.Customer(id)
		return err
	})
	return c
}

// kept makes s a refused step: customer id must be exactly as it was just
// before s's message, since nothing of a refusal is kept.
func kept(h *harness, id string, s step) step {
	var before ledger.Customer
	m, check := s.msg, s.check
	s.build = func() Message {
		before = h.cust(id)
		return m
	}
	s.check = func(t *testing.T, h *harness, rs []Reply) {
		t.Helper()
		after := h.cust(id)
		if after.Name != before.Name || after.Phone != before.Phone || !after.Birthday.Equal(before.Birthday) ||
			after.Preferences != before.Preferences || after.Remarks != before.Remarks || !slices.Equal(after.Tags, before.Tags) || after.Erased != before.Erased {
			t.Errorf("customer changed after a refusal:\n before %+v\n after  %+v", before, after)
		}
		if check != nil {
			check(t, h, rs)
		}
	}
	return s
}

// edits counts the audit entries of action for customer id by actor.
func edits(h *harness, action, id, actor string) int {
	n := 0
	for _, a := range h.audits() {
		if a.Action == action && a.CustomerID == id && a.ActorID == actor {
			n++
		}
	}
	return n
}

// formMsg is a submitted form from the staff member's Slack client.
func formMsg(id string, fields map[string]string) Message {
	m := staffMsg("")
	m.FormID, m.Form, m.CanForm = id, fields, true
	return m
}

func formOf(rs []Reply) *Form {
	for _, r := range rs {
		if r.Form != nil {
			return r.Form
		}
	}
	return nil
}

func formErrors(rs []Reply) map[string]string {
	for _, r := range rs {
		if r.FormErrors != nil {
			return r.FormErrors
		}
	}
	return nil
}

var customerEditScripts = []script{
	{"EditBirthdayShowsBeforeAfterAndCard", func(h *harness, f fixture) []step {
		birthday := h.text("customer_edit.date.md", map[string]any{"Month": 3, "Day": 15, "MonthName": "March"})
		return []step{
			{msg: staffMsg("/customer 김민지 " + word(h, "생일", "birthday") + " 3/15"),
				want: []string{"김민지", h.text("customer_edit.none", nil) + " → " + birthday},
				check: func(t *testing.T, h *harness, rs []Reply) {
					c := h.cust(f.minji)
					if c.Birthday.Year() != 0 || c.Birthday.Month() != 3 || c.Birthday.Day() != 15 {
						t.Errorf("birthday = %v, want 0000-03-15", c.Birthday)
					}
					if n := edits(h, "edit", f.minji, "slack:"+staffID); n != 1 {
						t.Errorf("edit audits by the staff member = %d, want 1", n)
					}
					if !rs[0].Private {
						t.Error("the before → after answer is not private")
					}
				}},
			{msg: staffMsg("/customer 김민지"), want: []string{h.text("customer_edit.card.birthday", map[string]any{"Date": birthday}), "010-1234-5678"},
				check: func(t *testing.T, h *harness, rs []Reply) {
					if !rs[0].Private {
						t.Error("the card (full phone) is not private")
					}
				}},
			{msg: staffMsg("/customer 김민지 " + word(h, "생일", "birthday") + " 1990-03-15"),
				want: []string{birthday + " → " + h.text("customer_edit.date.ymd", map[string]any{"Year": 1990, "Month": 3, "Day": 15, "MonthName": "March"})}},
			{msg: staffMsg("/customer 김민지 " + word(h, "생일", "birthday") + " 2030-01-01"), want: []string{h.text("customer_edit.err.birthday_future", map[string]any{"Value": "2030-01-01"})}},
			{msg: staffMsg("/customer 김민지 " + word(h, "생일", "birthday") + " 2/30"), want: []string{noSuchBirthday(h, "2/30", 0, 2, 30)}},
		}
	}},
	{"EditPhone", func(h *harness, f fixture) []step {
		phone := word(h, "전화", "phone")
		return []step{
			{msg: staffMsg("/customer 010-1234-5678 " + phone + " 010 9999 8888"), want: []string{"010-1234-5678 → 010-9999-8888"},
				check: func(t *testing.T, h *harness, _ []Reply) {
					if c := h.byPhone("01099998888"); c.ID != f.minji {
						t.Errorf("new phone finds %q, want %s", c.ID, f.minji)
					}
				}},
			kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + phone + " 010-2222-3333"),
				want: []string{h.text("customer_edit.err.phone_taken", map[string]any{"Masked": "010-****-3333", "Other": "박지훈"})}}),
			kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + phone + " 010-123-456"),
				want: []string{h.text("customer_edit.err.phone_short", map[string]any{"Value": "010-123-456", "Digits": 9})}}),
			{msg: staffMsg("/customer 김민지 " + phone + " 010-1234-56789"),
				want: []string{h.text("customer_edit.err.phone_long", map[string]any{"Value": "010-1234-56789", "Digits": 12})}},
			{msg: staffMsg("/customer 김민지 " + phone + " 공일공"),
				want: []string{h.text("customer_edit.err.phone_invalid", map[string]any{"Value": "공일공"})}},
			{msg: staffMsg("/customer 김민지 " + phone + " " + word(h, "삭제", "remove")),
				want: []string{h.text("customer_edit.err.required", fieldData(h, "phone"))}},
		}
	}},
	{"EditTextFieldsAndTags", func(h *harness, f fixture) []step {
		tags := word(h, "태그", "tags")
		return []step{
			{msg: staffMsg("/customer 010-1234-5678 " + word(h, "선호", "preferences") + " 따뜻한  물"), want: []string{" → 따뜻한  물"}},
			{msg: staffMsg("/customer 김민지 " + tags + " +VIP 커트"), want: []string{" → #VIP #커트"}},
			{msg: staffMsg("/customer 김민지 " + tags + " -커트 +＃펌"), want: []string{"#VIP #커트 → #VIP #펌"},
				check: func(t *testing.T, h *harness, _ []Reply) {
					c := h.cust(f.minji)
					if c.Preferences != "따뜻한  물" || !slices.Equal(c.Tags, []string{"VIP", "펌"}) {
						t.Errorf("customer = %q %q", c.Preferences, c.Tags)
					}
					if n := edits(h, "edit", f.minji, "slack:"+staffID); n != 3 {
						t.Errorf("edit audits = %d, want 3", n)
					}
				}},
			{msg: staffMsg("/customer 김민지 " + tags + " +VIP"), want: []string{h.text("customer_edit.unchanged", fieldData(h, "tags", "Name", "김민지", "Value", "#VIP #펌"))}},
			// Tags are one in any case: "-vip" removes VIP, and "+Vip" on a
			// customer without it adds it as typed, and then respells it.
			{msg: staffMsg("/customer 김민지 " + tags + " -vip"), want: []string{"#VIP #펌 → #펌"}},
			{msg: staffMsg("/customer 김민지 " + tags + " +vip VIP"), want: []string{"#펌 → #펌 #VIP"}},
			// Removing a tag the customer does not hold (one of a note's, or
			// none) says so and changes nothing; it said "already #vip".
			kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + tags + " +커트 -없는태그"), want: []string{h.text("customer_edit.tag_not_own", map[string]any{"Tags": "#없는태그"})}}),
			kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + tags + " + -"), want: []string{h.text("customer_edit.err.tag", map[string]any{"Value": "+"})}}),
			{msg: staffMsg("/customer 김민지 " + word(h, "이름", "name") + " 김 민지"), want: []string{"김민지 → 김 민지"}},
			{msg: staffMsg("/customer 김 민지 " + word(h, "이름", "name") + " " + word(h, "삭제", "remove")),
				want: []string{h.text("customer_edit.err.required", fieldData(h, "name"))}},
			{msg: staffMsg("/customer 김 민지 " + word(h, "선호", "preferences") + " " + word(h, "삭제", "remove")), want: []string{"따뜻한  물 → " + h.text("customer_edit.none", nil)}},
			// "delete" clears a field too (it was saved as the value).
			{msg: staffMsg("/customer 김 민지 " + word(h, "선호", "preferences") + " 커피"), want: []string{"→ 커피"}},
			{msg: staffMsg("/customer 김 민지 " + word(h, "선호", "preferences") + " delete"), want: []string{"커피 → " + h.text("customer_edit.none", nil)}},
		}
	}},
	{"EditAsksForTheValue", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/customer 김민지 " + word(h, "특이사항", "remarks")), want: []string{h.text("customer_edit.hint.remarks", nil)}, payloads: []string{"cancel"}},
			{msg: staffMsg("두피 민감"), want: []string{" → 두피 민감"}, check: noSession(staffKey)},
			{msg: staffMsg("/customer 김민지 " + word(h, "생일", "birthday")), want: []string{h.text("customer_edit.hint.birthday", nil)}},
			// A bad answer is refused and the question stays open.
			kept(h, f.minji, step{msg: staffMsg("13/45"), want: []string{noSuchBirthday(h, "13/45", 0, 13, 45)}}),
			{msg: staffMsg("3월 15일"), want: []string{h.text("customer_edit.date.md", map[string]any{"Month": 3, "Day": 15, "MonthName": "March"})}, check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.cust(f.minji); c.Birthday.Month() != 3 || c.Birthday.Day() != 15 {
					t.Errorf("birthday = %v", c.Birthday)
				}
				noSession(staffKey)(t, h, nil)
			}},
			{msg: staffMsg("/customer 김민지 " + word(h, "태그", "tags"))},
			kept(h, f.minji, step{msg: staffMsg("/cancel"), ids: []string{"core.cancel.done"}}),
		}
	}},
	{"EditPicksAmongSameNames", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/customer 박지훈 " + word(h, "선호", "preferences") + " 라떼"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2}},
			{msg: press(staffMsg(""), "pick:"+f.jihoon2), want: []string{" → 라떼"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if a, b := h.cust(f.jihoon1), h.cust(f.jihoon2); a.Preferences != "" || b.Preferences != "라떼" {
					t.Errorf("preferences = %q, %q; want only the picked one changed", a.Preferences, b.Preferences)
				}
			}},
		}
	}},
	{"EditRefusals", func(h *harness, f fixture) []step {
		cmd := "/customer 김민지 " + word(h, "생일", "birthday") + " 3/15"
		return []step{
			kept(h, f.minji, step{msg: strangerMsg(cmd), ids: []string{"core.refused"}}),
			kept(h, f.minji, step{msg: custMsg(cmd), ids: []string{"core.help.short_customer"}}),
			{msg: staffMsg("/customer 없는사람 " + word(h, "생일", "birthday") + " 3/15"),
				want: []string{h.text("customer_edit.not_found", map[string]any{"Query": "없는사람"})}},
			{msg: press(custMsg(""), "cedit:"+f.minji), ids: []string{"core.refused"}},
			{msg: press(strangerMsg(""), "cedit:"+f.minji), ids: []string{"core.refused"}},
		}
	}},
	{"Find", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/customer 민지"), want: []string{"김민지", "010-1234-5678"}},
			{msg: staffMsg("/customer 5678"), want: []string{"김민지", "010-1234-5678"}},
			// Full-width digits (a Korean keyboard's full-width mode) are
			// the same four digits, in a look-up and at a one-liner's start.
			{msg: staffMsg("/customer ５６７８"), want: []string{"김민지", "010-1234-5678"}},
			{msg: staffMsg("/points ５６７８"), want: []string{"김민지"}, not: []string{h.text("core.err.customer_unknown", map[string]any{"Query": "５６７８"})}},
			{msg: staffMsg("/customer ４３２１"), want: []string{h.text("customer_edit.not_found_digits", map[string]any{"Query": "４３２１"})}},
			{msg: staffMsg("/customer lee"), want: []string{"Anna Lee"}},
			{msg: staffMsg("/customer 김민지 " + word(h, "태그", "tags") + " VIP")},
			{msg: staffMsg("/customer #Vip"), want: []string{"김민지", "#VIP"}, not: []string{"#vip"}},
			{msg: staffMsg("/customer #vip"), want: []string{"김민지", "#VIP"}},
			{msg: staffMsg("/customer ＃ｖｉｐ"), want: []string{"김민지"}},
			{msg: staffMsg("/customer #없는태그"), want: []string{h.text("customer_edit.not_found_tag", map[string]any{"Tag": "없는태그"})}},
			{msg: staffMsg("/customer 홍길동"), want: []string{h.text("customer_edit.not_found", map[string]any{"Query": "홍길동"}), "/customer new"}},
			// Four digits are a phone's end, not a name to register.
			{msg: staffMsg("/points add 4321 10000"), want: []string{h.text("core.err.digits_unknown", map[string]any{"Query": "4321"})}},
			{msg: staffMsg("/customer 4321"), want: []string{h.text("customer_edit.not_found_digits", map[string]any{"Query": "4321"})},
				not: []string{"/customer new 010-1234-5678 4321"}},
			{msg: staffMsg("/customer 010-123-456"), want: []string{h.text("customer_edit.err.phone_short", map[string]any{"Value": "010-123-456", "Digits": 9})}},
		}
	}},
	{"RegisterSameName", func(h *harness, f fixture) []step {
		count := func(want int) func(*testing.T, *harness, []Reply) {
			return func(t *testing.T, h *harness, _ []Reply) {
				t.Helper()
				n := 0
				h.view(func(tx *ledger.Tx) error {
					return tx.ForEachCustomer(func(c ledger.Customer) error {
						if c.Name == "김민지" {
							n++
						}
						return nil
					})
				})
				if n != want {
					t.Errorf("customers named 김민지 = %d, want %d", n, want)
				}
			}
		}
		return []step{
			{msg: staffMsg("/customer new 010-7777-8888 김민지"), want: []string{"010-****-5678", "010-7777-8888"}, payloads: []string{"register", "show", "cancel"}, check: count(1)},
			{msg: press(staffMsg(""), "show"), want: []string{"010-1234-5678", h.text("core.card.no_notes", nil)}, check: count(1)},
			{msg: staffMsg("/customer new 010-7777-8888 김민지"), payloads: []string{"register"}},
			{msg: staffMsg("아무말"), ids: []string{"customer_edit.new.dup_reask"}, check: count(1)},
			{msg: press(staffMsg(""), "register"), want: []string{h.text("core.customer.created", map[string]any{"Name": "김민지"})}, check: func(t *testing.T, h *harness, _ []Reply) {
				count(2)(t, h, nil)
				if c := h.byPhone("01077778888"); c.Name != "김민지" {
					t.Errorf("registered %+v", c)
				}
			}},
			{msg: staffMsg("/customer new 010-6666-7777"), want: []string{h.text("customer_edit.new.no_name", map[string]any{"Phone": "010-6666-7777"})}},
			{msg: staffMsg("/customer new 010-666-777 박하늘"), want: []string{h.text("customer_edit.err.phone_short", map[string]any{"Value": "010-666-777", "Digits": 9})}},
			// The name first is taken too, a name of two words whole.
			{msg: staffMsg("/customer add Minji Park 010-5555-1212"), want: []string{h.text("core.customer.created", map[string]any{"Name": "Minji Park"})}, check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.byPhone("01055551212"); c.Name != "Minji Park" {
					t.Errorf("registered %+v, want Minji Park at 010-5555-1212", c)
				}
			}},
			// A phone in pieces, at either end, and the same one-liner's
			// lookup finds it.
			{msg: staffMsg("/customer new +82 10 4444 5557 이하늘"), want: []string{h.text("core.customer.created", map[string]any{"Name": "이하늘"})}, check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.byPhone("01044445557"); c.Name != "이하늘" {
					t.Errorf("registered %+v, want 이하늘 at 010-4444-5557", c)
				}
			}},
			{msg: staffMsg("/customer new 최하늘 010 4444 5558"), want: []string{h.text("core.customer.created", map[string]any{"Name": "최하늘"})}, check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.byPhone("01044445558"); c.Name != "최하늘" {
					t.Errorf("registered %+v, want 최하늘 at 010-4444-5558", c)
				}
			}},
			{msg: staffMsg("/customer +82 10 4444 5557"), want: []string{"이하늘", "010-4444-5557"}},
			// Neither end a phone: the first field is refused as one.
			{msg: staffMsg("/customer new 박하늘 010-666-777"), want: []string{h.text("customer_edit.err.phone_invalid", map[string]any{"Value": "박하늘", "Digits": 0})}},
		}
	}},
	{"EraseOnRequest", func(h *harness, f fixture) []step {
		erase := word(h, "삭제", "delete")
		reason := word(h, "고객 요청 (전화)", "customer's request (phone)")
		steps := linkMinji(h)
		return append(steps, []step{
			kept(h, f.minji, step{msg: staffMsg("/customer 김민지 " + erase), ids: []string{"core.command.manager_only"}}),
			{msg: managerMsg("/customer 김민지 " + erase), want: []string{"김민지", "010-****-5678"}},
			{msg: managerMsg(reason), want: []string{"김민지", "010-****-5678", reason}, payloads: []string{"yes", "no"}},
			kept(h, f.minji, step{msg: press(managerMsg(""), "no"), want: []string{h.text("customer_edit.erase.kept", map[string]any{"Name": "김민지"})}}),
			{msg: managerMsg("/customer 김민지 " + erase)},
			{msg: managerMsg(reason)},
			{msg: managerMsg("글쎄"), ids: []string{"customer_edit.erase.reask"}},
			{msg: press(managerMsg(""), "yes"), want: []string{h.text("customer_edit.erase.done", map[string]any{"Name": "김민지", "Reason": reason})},
				check: func(t *testing.T, h *harness, _ []Reply) {
					c := h.cust(f.minji)
					if !c.Erased || c.Name != "" || c.Phone != "" {
						t.Errorf("customer after erasure = %+v", c)
					}
					// Who erased whom, and on what ground: a category, not
					// the free text typed, which may name the customer.
					found := false
					for _, a := range h.audits() {
						if a.Action == "erase" && a.CustomerID == f.minji && a.ActorID == "slack:"+managerID && a.Detail == ledger.EraseReasonManager {
							found = true
						}
						if strings.Contains(a.Detail, reason) {
							t.Errorf("the reason typed outlives the erasure in %+v", a)
						}
					}
					if !found {
						t.Errorf("no erase audit with the manager and the ground in %+v", h.audits())
					}
					if p := h.profile("telegram:" + custTG); p.CustomerID != "" {
						t.Errorf("the customer's chat is still linked: %+v", p)
					}
				}},
			{msg: custMsg("/mydata"), not: []string{"김민지", "010-"}},
			{msg: staffMsg("/customer 김민지"), want: []string{h.text("customer_edit.not_found", map[string]any{"Query": "김민지"})}},
		}...)
	}},
	{"EditForm", func(h *harness, f fixture) []step {
		canForm := func(m Message) Message { m.CanForm = true; return m }
		id := formCustomerPrefix + f.minji
		return []step{
			{msg: staffMsg("/customer 김민지 " + word(h, "태그", "tags") + " VIP 펌")},
			{msg: staffMsg("/customer 김민지"), not: []string{h.text("customer_edit.btn.edit", nil)}},
			{msg: canForm(staffMsg("/customer 김민지")), payloads: []string{"cedit:" + f.minji}},
			{msg: canForm(press(staffMsg(""), "cedit:"+f.minji)), check: func(t *testing.T, h *harness, rs []Reply) {
				fm := formOf(rs)
				if fm == nil || fm.ID != id {
					t.Fatalf("no edit form in %+v", rs)
				}
				got := map[string]string{}
				for _, fd := range fm.Fields {
					got[fd.Name] = fd.Value
				}
				want := map[string]string{"name": "김민지", "phone": "010-1234-5678", "birthday": "", "preferences": "", "remarks": "", "tags": "VIP, 펌"}
				for k, v := range want {
					if g, ok := got[k]; !ok || g != v {
						t.Errorf("field %s = %q (present %v), want %q", k, g, ok, v)
					}
				}
			}},
			{msg: formMsg(id, map[string]string{"name": "김민지", "phone": "010-123-456", "birthday": "2/30", "preferences": "라떼", "remarks": "", "tags": "vip"}),
				check: func(t *testing.T, h *harness, rs []Reply) {
					errs := formErrors(rs)
					if errs["phone"] != h.text("customer_edit.err.phone_short", map[string]any{"Value": "010-123-456", "Digits": 9}) ||
						errs["birthday"] != noSuchBirthday(h, "2/30", 0, 2, 30) || len(errs) != 2 {
						t.Errorf("form errors = %q", errs)
					}
					if c := h.cust(f.minji); c.Preferences != "" || c.Phone != "01012345678" {
						t.Errorf("a refused form changed the customer: %+v", c)
					}
				}},
			{msg: formMsg(id, map[string]string{"name": "김민지", "phone": "010-2222-3333", "birthday": "", "preferences": "", "remarks": "", "tags": ""}),
				check: func(t *testing.T, h *harness, rs []Reply) {
					if e := formErrors(rs)["phone"]; !strings.Contains(e, "010-****-3333") {
						t.Errorf("phone error = %q", e)
					}
				}},
			{msg: formMsg(id, map[string]string{"name": "김민지", "phone": "01012345678", "birthday": "3/15", "preferences": "라떼", "remarks": "두피 민감", "tags": "VIP, 커트"}),
				want: []string{h.text("customer_edit.form.saved", map[string]any{"Name": "김민지"}), " → 라떼", "#VIP #펌 → #VIP #커트"},
				check: func(t *testing.T, h *harness, _ []Reply) {
					c := h.cust(f.minji)
					if c.Preferences != "라떼" || c.Remarks != "두피 민감" || !slices.Equal(c.Tags, []string{"VIP", "커트"}) || c.Birthday.Month() != 3 {
						t.Errorf("customer = %+v", c)
					}
					// tags at the start, then birthday, preferences, remarks, tags
					if n := edits(h, "edit", f.minji, "slack:"+staffID); n != 5 {
						t.Errorf("edit audits = %d, want 5", n)
					}
				}},
			kept(h, f.minji, step{msg: func() Message {
				m := custMsg("")
				m.FormID, m.Form = id, map[string]string{"name": "남"}
				return m
			}(), ids: []string{"core.refused"}}),
			{msg: formMsg(id, map[string]string{"name": "김민지", "phone": "010-1234-5678", "birthday": "03-15", "preferences": "라떼", "remarks": "두피 민감", "tags": "VIP, 커트"}),
				want: []string{h.text("customer_edit.form.nochange", map[string]any{"Name": "김민지"})}},
			// The form holds the whole list as the staff want it spelt.
			{msg: formMsg(id, map[string]string{"name": "김민지", "phone": "010-1234-5678", "birthday": "03-15", "preferences": "라떼", "remarks": "두피 민감", "tags": "Vip, 커트"}),
				want: []string{"#VIP #커트 → #Vip #커트"}},
		}
	}},
	{"FollowUpsShowFullPhonePrivately", func(h *harness, f fixture) []step {
		h.update(func(tx *ledger.Tx) error {
			return tx.AddNote(&ledger.Note{CustomerID: f.minji, StaffID: "slack:" + staffID, StaffName: "지수", At: t0.AddDate(0, 0, -7), Text: "펌 경과 확인", FollowUp: t0})
		})
		whose := h.text("core.followups.whose", map[string]any{"Staff": "지수"})
		return []step{{msg: staffMsg("/followups"), want: []string{"김민지 (010-1234-5678)"}, not: []string{"010-****-5678", whose},
			check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || !rs[0].Private {
					t.Errorf("/followups (full phones) is not private: %+v", rs)
				}
			}},
			// A manager sees everyone's, each with whose it is.
			{msg: managerMsg("/followups"), want: []string{"김민지 (010-1234-5678)", whose}},
		}
	}},
	// In a shop with a name the greeting is promised, to those with
	// advertising consent.
	{"CustomerBirthday", func(h *harness, f fixture) []step {
		h.setSender()
		h.reopen()
		steps := []step{
			{msg: custMsg("/birthday 3/15"), want: []string{h.text("customer_edit.my.unlinked", nil)}},
		}
		steps = append(steps, linkMinji(h)...)
		md := h.text("customer_edit.date.md", map[string]any{"Month": 3, "Day": 15, "MonthName": "March"})
		none := h.text("customer_edit.none", nil)
		ask := h.text("customer_edit.my.ask", map[string]any{"Current": none})
		askNoAds := h.text("customer_edit.my.ask_no_ads", map[string]any{"Current": none})
		return append(steps, []step{
			// Without advertising consent the question promises no
			// greeting: it said "생일에 축하 인사를 보내 드려요" and only the
			// answer to the date said none would go.
			{msg: custMsg("/birthday"), want: []string{askNoAds}, not: []string{ask}},
			kept(h, f.minji, step{msg: custMsg("13/45"), want: []string{noSuchBirthday(h, "13/45", 0, 13, 45), askNoAds}, not: []string{ask}}),
			// Without advertising consent no greeting goes (it carries the
			// birthday benefit): the answer says so, with the way to consent.
			{msg: custMsg("3/15"), want: []string{h.text("customer_edit.my.set_no_ads", map[string]any{"Date": md, "Button": h.text("ads.btn.on", nil)})}, not: []string{h.text("customer_edit.my.set", map[string]any{"Date": md})}, payloads: []string{marketingPayload(true, ledger.ViaCommand)}, check: func(t *testing.T, h *harness, _ []Reply) {
				var got []string
				h.view(func(tx *ledger.Tx) error {
					return tx.ScanBirthdays(time.Date(2026, 3, 1, 0, 0, 0, 0, seoul), time.Date(2026, 4, 1, 0, 0, 0, 0, seoul), func(c ledger.Customer) error {
						got = append(got, c.ID)
						return nil
					})
				})
				if !slices.Equal(got, []string{f.minji}) {
					t.Errorf("March birthdays = %v, want [%s]", got, f.minji)
				}
				noSession("telegram:"+custTG)(t, h, nil)
			}},
			{msg: press(custMsg(""), marketingPayload(true, ledger.ViaCommand)), check: func(t *testing.T, h *harness, _ []Reply) {
				h.view(func(tx *ledger.Tx) error {
					if m, err := tx.Marketing(f.minji); err != nil || !m.Given {
						t.Errorf("advertising consent %+v, %v; want given by the button", m, err)
					}
					return nil
				})
			}},
			{msg: custMsg("/birthday 3/15"), want: []string{h.text("customer_edit.my.set", map[string]any{"Date": md})}},
			{msg: custMsg("/mydata"), want: []string{h.text("customer_edit.mydata.birthday", map[string]any{"Date": md})}},
			// With it, the question promises the greeting.
			{msg: custMsg("/birthday"), want: []string{h.text("customer_edit.my.ask", map[string]any{"Current": md})}, payloads: []string{"remove", "cancel"}},
			{msg: press(custMsg(""), "remove"), ids: []string{"customer_edit.my.removed"}},
			{msg: custMsg("/mydata"), not: []string{md}},
			{msg: custMsg("/birthday " + word(h, "삭제", "remove")), ids: []string{"customer_edit.my.none"}},
			{msg: custMsg("생일 1990-03-15"), check: func(t *testing.T, h *harness, _ []Reply) {
				if c := h.cust(f.minji); c.Birthday.Year() != 1990 {
					t.Errorf("birthday = %v", c.Birthday)
				}
			}},
			kept(h, f.minji, step{msg: custMsg("/birthday 2/30"), want: []string{noSuchBirthday(h, "2/30", 0, 2, 30)}}),
			{msg: cust2Msg("/birthday 3/15"), ids: []string{"customer_edit.my.unlinked"}},
			{msg: staffMsg("/birthday 3/15"), want: []string{"/birthday"}},
		}...)
	}},
	// Without DANGOL_SHOP_NAME the birthday job greets nobody (advertising
	// must name its sender): /birthday promised "생일에 축하 인사를 보내
	// 드려요" all the same. It keeps the birthday and promises nothing,
	// with advertising consent or without.
	{"CustomerBirthdayNoShop", func(h *harness, f fixture) []step {
		md := h.text("customer_edit.date.md", map[string]any{"Month": 3, "Day": 15, "MonthName": "March"})
		none := h.text("customer_edit.none", nil)
		promises := []string{
			h.text("customer_edit.my.ask", map[string]any{"Current": none}),
			h.text("customer_edit.my.set", map[string]any{"Date": md}),
			h.text("customer_edit.my.set_no_ads", map[string]any{"Date": md, "Button": h.text("ads.btn.on", nil)}),
		}
		saved := h.text("customer_edit.my.set_no_greeting", map[string]any{"Date": md})
		noOffer := func(t *testing.T, h *harness, rs []Reply) {
			if ps := payloads(rs); slices.Contains(ps, marketingPayload(true, ledger.ViaCommand)) {
				t.Errorf("buttons %v offer advertising consent for a greeting that cannot go", ps)
			}
		}
		return append(linkMinji(h), []step{
			{msg: custMsg("/birthday"), want: []string{h.text("customer_edit.my.ask_no_greeting", map[string]any{"Current": none})}, not: promises},
			{msg: custMsg("3/15"), want: []string{saved}, not: promises, check: func(t *testing.T, h *harness, rs []Reply) {
				noOffer(t, h, rs)
				if c := h.cust(f.minji); c.Birthday.Month() != 3 || c.Birthday.Day() != 15 {
					t.Errorf("birthday = %v, want 3/15 kept", c.Birthday)
				}
			}},
			{msg: press(custMsg(""), marketingPayload(true, ledger.ViaCommand))},
			{msg: custMsg("/birthday 3/15"), want: []string{saved}, not: promises, check: noOffer},
		}...)
	}},
}

// TestCustomerEdit drives the scripts of editing, finding, registering
// and erasing a customer, and the customer's own birthday, in both
// languages.
func TestCustomerEdit(t *testing.T) { runScripts(t, customerEditScripts) }

func TestParseBirthday(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for refused
	}{
		{"3/15", "0000-03-15"},
		{"03-15", "0000-03-15"},
		{"3.15", "0000-03-15"},
		{"3월 15일", "0000-03-15"},
		{"0315", "0000-03-15"},
		{"３／１５", "0000-03-15"},
		{"March 15", "0000-03-15"},
		{"mar 15, 1990", "1990-03-15"},
		{"1990-03-15", "1990-03-15"},
		{"1990년 3월 15일", "1990-03-15"},
		{"19900315", "1990-03-15"},
		{"3/15/1990", "1990-03-15"},
		{"2/29", "0000-02-29"},
		{"2/30", ""},
		{"13/1", ""},
		{"1800-01-01", ""},
		{"어제", ""},
		{"15 March", ""},
		{"", ""},
	}
	for _, tt := range tests {
		b, ok := parseBirthday(tt.in)
		got := ""
		if ok {
			got = b.Format("2006-01-02")
		}
		if got != tt.want {
			t.Errorf("parseBirthday(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// noSuchBirthday is what a birthday typed as value, read as year (0:
// none), month and day but no day of the calendar, is answered with:
// which day does not exist ("2월 30일은 없는 날짜예요"), where it was
// "생일로 읽을 수 없어요".
func noSuchBirthday(h *harness, value string, year, month, day int) string {
	id, data, _ := BirthdayFault(year, month, day)
	return h.text("customer_edit.err.birthday_no_such_day", map[string]any{"Value": value, "Fault": h.text(id, data)})
}

// TestBirthdayFault: a birthday read but not on the calendar says why, a
// month past 12 or a day past the month's last (February has 29 without a
// year, 28 in 1991), and a calendar day has no fault.
func TestBirthdayFault(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	tests := []struct {
		name             string
		year, month, day int
		want             string // "" for no fault
	}{
		{"Feb30", 0, 2, 30, "2월 30일은 없는 날짜예요 (2월은 29일까지)"},
		{"Feb29NotLeap", 1991, 2, 29, "1991년 2월 29일은 없는 날짜예요 (1991년 2월은 28일까지)"},
		{"Apr31", 0, 4, 31, "4월 31일은 없는 날짜예요 (4월은 30일까지)"},
		{"Month13", 0, 13, 1, "13월은 없어요 (월은 1부터 12까지)"},
		{"Day0", 0, 3, 0, "3월 0일은 없는 날짜예요 (3월은 31일까지)"},
		{"Feb29NoYear", 0, 2, 29, ""},
		{"Mar15", 1990, 3, 15, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, data, bad := BirthdayFault(tt.year, tt.month, tt.day)
			got := ""
			if bad {
				got = h.text(id, data)
			}
			if got != tt.want {
				t.Errorf("BirthdayFault(%d, %d, %d) says %q, want %q", tt.year, tt.month, tt.day, got, tt.want)
			}
		})
	}
}

// fieldData is the data a customer_edit message naming field gets, with
// more key, value pairs after it.
func fieldData(h *harness, field string, kv ...string) map[string]any {
	name := h.text("customer_edit.field."+field, nil)
	d := map[string]any{"Field": name}
	for i := 0; i+1 < len(kv); i += 2 {
		d[kv[i]] = kv[i+1]
	}
	return d
}

// TestCustomerEdit_Particles: the Korean answers put the particle each
// field's name takes, not "을(를)": 생일을 but 태그를, 이름은 but 선호는.
func TestCustomerEdit_Particles(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seedList(h)
	for _, tc := range []struct{ msg, want string }{
		{"/customer 김민지 생일 4/1", "김민지 고객의 생일을 바꿨어요."},
		{"/customer 김민지 태그 +단골", "김민지 고객의 태그를 바꿨어요."},
		{"/customer 김민지 선호 커피", "김민지 고객의 선호를 바꿨어요."},
		{"/customer 김민지 선호 커피", "김민지 고객의 선호는 이미 커피예요."},
		{"/customer 김민지 특이사항 두피 민감", "김민지 고객의 특이사항을 바꿨어요."},
		{"/customer 김민지 특이사항 두피 민감", "김민지 고객의 특이사항은 이미 두피 민감이에요."},
		{"/customer 김민지 이름 삭제", "이름은 비워 둘 수 없어요."},
		{"/customer 김민지 전화번호", "김민지 고객의 새 전화번호를 입력해 주세요."},
	} {
		h.send(staffMsg("/cancel"))
		if got := allText(h.send(staffMsg(tc.msg))); !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q in it", tc.msg, got, tc.want)
		}
	}
}
