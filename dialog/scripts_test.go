package dialog

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// fixture is the customers every script starts with.
type fixture struct {
	minji   string // 김민지 010-1234-5678
	jihoon1 string // 박지훈 010-2222-3333
	jihoon2 string // 박지훈 010-4444-5555 (same name)
	anna    string // Anna Lee 010-5555-6666 (a name with a space)
}

func seed(h *harness) fixture {
	return fixture{
		minji:   h.customer("김민지", "01012345678"),
		jihoon1: h.customer("박지훈", "01022223333"),
		jihoon2: h.customer("박지훈", "01044445555"),
		anna:    h.customer("Anna Lee", "01055556666"),
	}
}

// linkMinji links the first Telegram customer to 김민지 through the real
// flow: a staff /link code, /start CODE, agree.
func linkMinji(h *harness) []step {
	return []step{
		{msg: staffMsg("/link 김민지")},
		{msg: custMsg("/start 100000"), payloads: []string{"yes", "no"}},
		{msg: press(custMsg(""), "yes"), want: []string{"김민지"}},
	}
}

type script struct {
	name  string
	steps func(h *harness, f fixture) []step
}

func noteCount(want int) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		if got := len(h.allNotes()); got != want {
			t.Errorf("notes in ledger = %d, want %d", got, want)
		}
	}
}

func noSession(key string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		if s, ok := h.session(key); ok {
			t.Errorf("session %s still stored: %+v", key, s)
		}
	}
}

const staffKey = "slack:D" + staffID

var scripts = []script{
	{"NoteOneLinerByPhone", func(h *harness, f fixture) []step {
		return []step{{
			msg:  staffMsg("/note 010-1234-5678 뿌리 염색 상담 #염색"),
			want: []string{"김민지", "010-****-5678"},
			check: func(t *testing.T, h *harness, _ []Reply) {
				ns := h.notes(f.minji)
				if len(ns) != 1 {
					t.Fatalf("notes = %d, want 1", len(ns))
				}
				n := ns[0]
				if n.Text != "뿌리 염색 상담" || !slices.Equal(n.Tags, []string{"염색"}) || n.StaffID != "slack:"+staffID || n.StaffName != "지수" || !n.At.Equal(t0) {
					t.Errorf("note = %+v", n)
				}
				if !slices.ContainsFunc(h.audits(), func(a ledger.AuditEntry) bool {
					return a.Action == "note" && a.CustomerID == f.minji && a.ActorID == "slack:"+staffID
				}) {
					t.Errorf("no note audit in %+v", h.audits())
				}
			},
		}}
	}},
	// A tag keeps the staff's spelling on the note and the card, and is
	// found in any case; another spelling later is the same tag.
	{"NoteTagSpelling", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note 김민지 두피 상담 #VIP #Perm #vip"), want: []string{"김민지"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if ns := h.notes(f.minji); len(ns) != 1 || !slices.Equal(ns[0].Tags, []string{"VIP", "Perm"}) {
					t.Errorf("notes = %+v, want one tagged [VIP Perm]", ns)
				}
			}},
			{msg: staffMsg("/customer 김민지"), want: []string{"#VIP #Perm"}, not: []string{"#vip", "#perm"}},
			{msg: staffMsg("/note Anna Lee perm consult #vip"), want: []string{"Anna Lee"}},
			{msg: staffMsg("/customers #vip"), want: []string{"김민지", "Anna Lee"}},
			{msg: staffMsg("/customers #PERM"), want: []string{"김민지"}, not: []string{"Anna Lee"}},
			{msg: staffMsg("/customer #Vip"), want: []string{"김민지", "Anna Lee"}},
		}
	}},
	{"NoteOneLinerByNames", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("메모 김민지 커트"), want: []string{"김민지"}},
			{msg: staffMsg("/note Anna Lee perm consult\nsecond line"), want: []string{"Anna Lee"}, check: func(t *testing.T, h *harness, _ []Reply) {
				ns := h.notes(f.anna)
				if len(ns) != 1 || ns[0].Text != "perm consult\nsecond line" {
					t.Errorf("Anna's notes = %+v", ns)
				}
				if ns := h.notes(f.minji); len(ns) != 1 || ns[0].Text != "커트" {
					t.Errorf("Minji's notes = %+v", ns)
				}
			}},
		}
	}},
	{"NoteUnknownPhoneRegisters", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note 010-7777-8888 첫 방문 상담 #신규"), want: []string{"010-7777-8888"}, payloads: []string{"cancel"}, check: noteCount(0)},
			{msg: staffMsg("최유나"), want: []string{"최유나"}, check: func(t *testing.T, h *harness, _ []Reply) {
				c := h.byPhone("01077778888")
				ns := h.notes(c.ID)
				if c.Name != "최유나" || len(ns) != 1 || ns[0].Text != "첫 방문 상담" || !slices.Equal(ns[0].Tags, []string{"신규"}) {
					t.Errorf("customer %+v notes %+v", c, ns)
				}
				noSession(staffKey)(t, h, nil)
			}},
		}
	}},
	{"NoteUnknownCustomer", func(h *harness, f fixture) []step {
		return []step{{
			// Nothing saved yet, nothing lost: the note waits for its
			// customer (TestNoteUnknownNameKept).
			msg:   staffMsg("/note 홍길동 커트"),
			want:  []string{h.text("core.note.unknown_kept", map[string]any{"Query": "홍길동", "Text": "커트"})},
			check: noteCount(0),
		}}
	}},
	{"NoteAmbiguousName", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note 박지훈 커트 상담"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2, "cancel"}, want: []string{"010-****-3333", "010-****-5555"}, not: []string{"010-2222-3333"}, check: noteCount(0)},
			{msg: staffMsg("아무거나"), ids: []string{"core.pick.reask"}, payloads: []string{"pick:" + f.jihoon1}},
			{msg: press(staffMsg(""), "pick:"+f.jihoon2), want: []string{"박지훈", "010-****-5555"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if ns := h.notes(f.jihoon2); len(ns) != 1 || ns[0].Text != "커트 상담" {
					t.Errorf("notes of second 박지훈 = %+v", ns)
				}
				noteCount(1)(t, h, nil)
				noSession(staffKey)(t, h, nil)
			}},
		}
	}},
	{"NoteGuided", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note"), ids: []string{"core.note.ask_customer"}, payloads: []string{"cancel"}},
			{msg: staffMsg("박지훈"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2}},
			{msg: press(staffMsg(""), "pick:"+f.jihoon1), want: []string{"박지훈"}},
			{msg: staffMsg("다음엔 펌 원하심 #펌"), ids: []string{"core.note.ask_amount"}, payloads: []string{"skip"}},
			{msg: staffMsg("많이"), want: []string{h.text("core.note.bad_amount", map[string]any{"Input": "많이"})}, ids: []string{"core.note.ask_amount"}, payloads: []string{"skip"}},
			{msg: staffMsg("5.5만"), ids: []string{"core.note.ask_tags"}},
			{msg: press(staffMsg(""), "skip"), ids: []string{"core.note.ask_followup"}},
			{msg: staffMsg("2026-05-20"), want: []string{"55,000", "2026-05-20", "다음엔 펌 원하심", "#펌"}, payloads: []string{"yes", "no"}, check: noteCount(0)},
			{msg: press(staffMsg(""), "yes"), want: []string{"2026-05-20", "박지훈"}, check: func(t *testing.T, h *harness, _ []Reply) {
				ns := h.notes(f.jihoon1)
				if len(ns) != 1 {
					t.Fatalf("notes = %+v", ns)
				}
				n := ns[0]
				want := time.Date(2026, 5, 20, 0, 0, 0, 0, seoul)
				if n.Text != "다음엔 펌 원하심" || n.Amount != 55000 || !slices.Equal(n.Tags, []string{"펌"}) || !n.FollowUp.Equal(want) {
					t.Errorf("note = %+v", n)
				}
				noSession(staffKey)(t, h, nil)
			}},
		}
	}},
	{"NoteGuidedNewCustomerCancelled", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note")},
			{msg: staffMsg("010-7777-8888"), want: []string{"010-7777-8888"}},
			{msg: staffMsg("최유나"), want: []string{"최유나"}},
			{msg: staffMsg("취소"), ids: []string{"core.cancel.done"}, check: func(t *testing.T, h *harness, _ []Reply) {
				h.view(func(tx *ledger.Tx) error {
					if _, err := tx.CustomerByPhone("01077778888"); err == nil {
						t.Error("a cancelled note registered its customer")
					}
					return nil
				})
				noteCount(0)(t, h, nil)
				noSession(staffKey)(t, h, nil)
			}},
		}
	}},
	{"NoteWrongFormatsReask", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/note 김민지"), want: []string{"김민지"}},
			{msg: staffMsg(""), ids: []string{"core.note.bad_text"}},
			{msg: staffMsg(strings.Repeat("가", 5001)), ids: []string{"core.note.too_long"}},
			{msg: staffMsg("상담만"), ids: []string{"core.note.ask_amount"}},
			{msg: staffMsg("-5"), want: []string{h.text("input.purchase.negative", map[string]any{"Input": "-5"})}, payloads: []string{"skip"}},
			{msg: staffMsg(h.text("core.btn.skip", nil)), ids: []string{"core.note.ask_tags"}},
			{msg: staffMsg("!!!"), ids: []string{"core.note.bad_tags"}},
			{msg: press(staffMsg(""), "skip")},
			{msg: staffMsg("someday maybe"), ids: []string{"core.note.bad_date"}},
			{msg: press(staffMsg(""), "skip"), payloads: []string{"yes", "no"}},
			{msg: staffMsg("글쎄요"), ids: []string{"core.note.bad_confirm"}, payloads: []string{"yes", "no"}},
			{msg: press(staffMsg(""), "no"), ids: []string{"core.cancel.done"}, check: noteCount(0)},
		}
	}},
	{"Points", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/points add 김민지 55,000원 커트"), want: []string{"2,750", "55,000", "김민지"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if b := h.balance(f.minji); b != 2750 {
					t.Errorf("balance = %d, want 2750", b)
				}
				if c := h.byPhone("01012345678"); c.Visits != 1 {
					t.Errorf("visits = %d, want 1", c.Visits)
				}
			}},
			{msg: staffMsg("/points redeem 김민지 5000"), want: []string{"2,750", "5,000"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if b := h.balance(f.minji); b != 2750 {
					t.Errorf("balance after refused redeem = %d, want 2750", b)
				}
			}},
			{msg: staffMsg("/points redeem 010-1234-5678 1,000점 쿠폰"), want: []string{"1,750"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if b := h.balance(f.minji); b != 1750 {
					t.Errorf("balance = %d, want 1750", b)
				}
			}},
			{msg: staffMsg("포인트 김민지"), want: []string{"1,750", "+2,750", "-1,000", "쿠폰", h.text("core.points.kind.earn", nil), h.text("core.tier.new", nil)}},
			{msg: staffMsg("/points add 김민지 abc"), want: []string{h.text("core.points.bad_amount", map[string]any{"Input": "abc"})}},
			{msg: staffMsg("/points add 김민지 10원"), want: []string{h.text("core.points.too_small", map[string]any{"Amount": h.cat.Text(h.lang, "core.fmt.won", map[string]any{"N": "10"})})}},
			// Zero is read, and said to be too little, not unreadable.
			{msg: staffMsg("/points redeem 김민지 0"), want: []string{h.text("input.points.zero", map[string]any{"Input": "0"})}},
			{msg: staffMsg("/points"), want: []string{"/points add"}},
			{msg: staffMsg("/points 홍길동"), want: []string{h.text("core.err.customer_unknown", map[string]any{"Query": "홍길동"})}},
			{msg: staffMsg("/points add 박지훈 10000"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2}},
			{msg: press(staffMsg(""), "pick:"+f.jihoon1), want: []string{"500"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if b := h.balance(f.jihoon1); b != 500 {
					t.Errorf("balance = %d, want 500", b)
				}
				var acts []string
				for _, a := range h.audits() {
					acts = append(acts, a.Action)
				}
				for _, want := range []string{"points", "read"} {
					if !slices.Contains(acts, want) {
						t.Errorf("audit actions %v lack %q", acts, want)
					}
				}
			}},
		}
	}},
	{"SameEventTwice", func(h *harness, f fixture) []step {
		m := staffMsg("/points add 김민지 10000")
		m.EventID = "slack-Ev1"
		return []step{
			{msg: m, want: []string{"500"}},
			{msg: m, none: true, check: func(t *testing.T, h *harness, _ []Reply) {
				if b := h.balance(f.minji); b != 500 {
					t.Errorf("balance = %d after a re-delivered event, want 500", b)
				}
			}},
		}
	}},
	{"Customer", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/customer new 010-3333-4444 정하늘"), want: []string{"정하늘", "010-3333-4444"}},
			{msg: staffMsg("/customer new 010-3333-4444 다른사람"), want: []string{h.text("customer_edit.err.phone_taken", map[string]any{"Masked": "010-****-4444", "Other": "정하늘"})}},
			{msg: staffMsg("/customer new 12 이상함"), want: []string{h.text("customer_edit.err.phone_short", map[string]any{"Value": "12", "Digits": 2})}},
			{msg: staffMsg("/customer 010-3333-4444"), want: []string{"정하늘", h.text("core.tier.new", nil)}},
			{msg: staffMsg("고객 정하늘"), want: []string{"010-3333-4444"}},
			{msg: staffMsg("/customer 010-9999-0000"), want: []string{"010-9999-0000"}},
			{msg: staffMsg("/customer 홍길동"), want: []string{"홍길동"}},
			{msg: staffMsg("/customer"), ids: []string{"core.customer.usage"}},
			{msg: staffMsg("/customer 박지훈"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2}},
			{msg: staffMsg("010-4444-5555"), want: []string{"010-4444-5555", h.text("core.card.no_notes", nil)}, check: func(t *testing.T, h *harness, _ []Reply) {
				var creates, reads int
				for _, a := range h.audits() {
					switch a.Action {
					case "create":
						creates++
					case "read":
						reads++
					}
				}
				if creates != 1 || reads != 3 {
					t.Errorf("audits: %d creates, %d reads; want 1 and 3", creates, reads)
				}
			}},
		}
	}},
	{"CustomerCard", func(h *harness, f fixture) []step {
		steps := []step{}
		for i := range 6 {
			steps = append(steps, step{msg: staffMsg("/note 김민지 상담" + string(rune('A'+i)) + " #염색"), advance: 24 * time.Hour})
		}
		steps = append(steps, linkMinji(h)...)
		steps = append(steps,
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:5")},
			step{msg: press(custMsg(""), "skip")},
			step{msg: custMsg("친절해요")},
			step{msg: staffMsg("/points add 김민지 20000")},
			step{msg: staffMsg("/customer 김민지"), want: []string{
				"김민지", "010-1234-5678", h.text("core.tier.regular", nil), "상담F", "상담B", "#염색", "★★★★★", "친절해요", "1,000", h.text("core.card.linked", nil),
			}, not: []string{"상담A"}},
		)
		return steps
	}},
	{"LinkAndConsent", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/link 김민지"), want: []string{"100000", "김민지"}},
			{msg: custMsg("/start 100000"), payloads: []string{"yes", "no"}, not: []string{"김민지"}},
			{msg: press(custMsg(""), "yes"), want: []string{"김민지", "0"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if !slices.ContainsFunc(rs, func(r Reply) bool { return r.Menu }) {
					t.Error("no reply shows the menu after linking")
				}
				p := h.profile("telegram:" + custTG)
				if p.CustomerID != f.minji || !p.Consent.Given || p.Consent.Purpose != "loyalty+feedback" || !p.Consent.At.Equal(t0) {
					t.Errorf("profile = %+v", p)
				}
			}},
			{msg: custMsg("/points"), want: []string{"김민지", h.text("core.tier.new", nil)}},
			{msg: custMsg("/start"), want: []string{"김민지"}},
			{msg: custMsg("100001"), want: []string{h.text("core.link.already", map[string]any{"Name": "김민지"})}},
		}
	}},
	// "네" or "아니요" typed under the consent question answers it, as the
	// buttons do; before, the whole question came back.
	{"ConsentTyped", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/link 김민지"), want: []string{"100000"}},
			{msg: custMsg("/start 100000"), payloads: []string{"yes", "no"}},
			{msg: custMsg("네 ^^"), want: []string{"김민지"}, not: []string{h.text("core.consent.reask", nil)}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG); p.CustomerID != f.minji || !p.Consent.Given {
					t.Errorf("profile = %+v", p)
				}
			}},
			{msg: cust2Msg("/start"), payloads: []string{"yes", "no"}},
			{msg: cust2Msg("아니요"), ids: []string{"core.consent.declined"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG2); !p.Consent.Declined || p.Consent.Given {
					t.Errorf("profile = %+v", p)
				}
			}},
		}
	}},
	// Something typed under the consent question, or a second /start, gets
	// a short reminder with the buttons; the whole text came back each time.
	// [내용 다시 보기] shows it again, and a code that came with the second
	// /start is kept for the agreement.
	{"ConsentReminder", func(h *harness, f fixture) []step {
		whole := strings.Split(h.text("core.consent.ask", map[string]any{"Period": ""}), "\n")[1]
		restarted := h.text("core.flow.restarted", map[string]any{"Flow": h.text("core.flow.consent", nil)})
		replaced := h.text("core.flow.replaced", map[string]any{"Flow": h.text("core.flow.consent", nil)})
		return []step{
			{msg: custMsg("/start"), want: []string{whole}, payloads: []string{"yes", "no"}},
			{msg: custMsg("안녕하세요"), ids: []string{"core.consent.reask"}, not: []string{whole}, payloads: []string{"yes", "no", "show"}},
			{msg: custMsg("/start"), ids: []string{"core.consent.reask"}, not: []string{whole, restarted, replaced}, payloads: []string{"yes", "no", "show"}},
			{msg: press(custMsg(""), "show"), want: []string{whole}, payloads: []string{"yes", "no"}},
			{msg: staffMsg("/link 김민지"), want: []string{"100000"}},
			{msg: custMsg("/start 100000"), ids: []string{"core.consent.reask"}, not: []string{whole, restarted, replaced}},
			{msg: custMsg("동의"), want: []string{"김민지"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG); p.CustomerID != f.minji || !p.Consent.Given {
					t.Errorf("profile = %+v", p)
				}
			}},
		}
	}},
	// Someone never linked who left feedback sees it in /mydata: "we keep
	// no customer record" alone hid the comment kept with their id.
	{"MyDataUnlinked", func(h *harness, f fixture) []step {
		return []step{
			{msg: cust2Msg("/mydata"), want: []string{h.text("core.mydata.unlinked", map[string]any{"Consent": ""})}, not: []string{h.text("core.mydata.feedback_title", nil), h.text("core.mydata.consent_none", nil)}},
			{msg: cust2Msg("/feedback 2 주차가 불편했어요")},
			{msg: cust2Msg("/mydata"), want: []string{h.text("core.mydata.feedback_title", nil), "주차가 불편했어요"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if !strings.Contains(allText(rs), strings.Split(h.text("core.mydata.unlinked_kept", map[string]any{"Consent": ""}), "\n")[0]) {
					t.Errorf("/mydata %q does not say only feedback is kept", allText(rs))
				}
			}},
			{msg: custMsg("/mydata"), not: []string{"주차가 불편했어요"}},
		}
	}},
	// An unlinked sender's /mydata names their consent answer only when
	// they gave one, as the one thing kept; "동의: 아직 없음" followed "we
	// keep nothing".
	{"MyDataUnlinkedConsent", func(h *harness, f fixture) []step {
		declined := h.text("core.mydata.consent_declined", map[string]any{"Date": "2026-05-13"})
		given := h.text("core.mydata.consent_given", map[string]any{"Date": "2026-05-13"})
		return []step{
			{msg: cust2Msg("/mydata"), not: []string{h.text("core.mydata.consent_none", nil)}},
			{msg: cust2Msg("/start")},
			{msg: press(cust2Msg(""), "no")},
			{msg: cust2Msg("/mydata"), want: []string{h.text("core.mydata.unlinked", map[string]any{"Consent": declined})}},
			// Agreed, not linked yet, and a comment kept with their id.
			{msg: custMsg("/start")},
			{msg: press(custMsg(""), "yes")},
			{msg: custMsg("/feedback 2 주차가 불편했어요")},
			{msg: custMsg("/mydata"), want: []string{h.text("core.mydata.unlinked_kept", map[string]any{"Consent": given}), "주차가 불편했어요"}},
		}
	}},
	// Their questions too: kept under their id and erased by /forget, so
	// /mydata lists them (it said only feedback was kept).
	{"MyDataUnlinkedQuestions", func(h *harness, f fixture) []step {
		return []step{
			{msg: cust2Msg("영업시간이 어떻게 되나요?")},
			{msg: cust2Msg("네"), check: func(t *testing.T, h *harness, _ []Reply) {
				if th := h.thread(1); th.CustomerID != "" || th.SenderID != "telegram:"+custTG2 {
					t.Fatalf("thread %+v, want the unlinked sender's question", th)
				}
			}},
			{msg: cust2Msg("/mydata"), want: []string{h.text("threads.card.title", nil), "영업시간이 어떻게 되나요?", h.text("core.mydata.no_feedback", nil)}, not: []string{strings.Split(h.text("core.mydata.unlinked", map[string]any{"Consent": ""}), "\n")[0]}},
			{msg: custMsg("/mydata"), not: []string{"영업시간이 어떻게 되나요?"}},
			{msg: cust2Msg("/forget")},
			{msg: cust2Msg("네")},
			{msg: cust2Msg("/mydata"), not: []string{"영업시간이 어떻게 되나요?"}},
		}
	}},
	{"CodeBeforeConsentIsKept", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/link 010-5555-6666")},
			{msg: custMsg("100000"), payloads: []string{"yes", "no"}},
			{msg: custMsg("뭐죠?"), ids: []string{"core.consent.reask"}, payloads: []string{"yes"}},
			{msg: press(custMsg(""), "yes"), want: []string{"Anna Lee"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG); p.CustomerID != f.anna {
					t.Errorf("profile = %+v", p)
				}
			}},
		}
	}},
	{"DeclinedCannotLink", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/link 김민지")},
			{msg: custMsg("/start"), payloads: []string{"yes", "no"}},
			{msg: press(custMsg(""), "no"), ids: []string{"core.consent.declined"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG); !p.Consent.Declined || p.Consent.Given {
					t.Errorf("profile = %+v", p)
				}
			}},
			{msg: custMsg("100000"), ids: []string{"core.link.declined"}, not: []string{"김민지"}},
			{msg: Message{Channel: ChannelTelegram, UserID: custTG, ConversationID: custTG, Phone: "+82 10-1234-5678"}, ids: []string{"core.link.declined"}},
			{msg: custMsg("/points"), ids: []string{"core.mypoints.unlinked"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG); p.CustomerID != "" {
					t.Errorf("declined customer linked: %+v", p)
				}
			}},
			{msg: custMsg("/start 100000"), payloads: []string{"yes", "no"}},
		}
	}},
	{"SharedPhone", func(h *harness, f fixture) []step {
		return []step{
			{msg: Message{Channel: ChannelTelegram, UserID: custTG2, ConversationID: custTG2, Phone: "+821012345678"}, payloads: []string{"yes"}},
			{msg: press(cust2Msg(""), "yes"), want: []string{"김민지"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG2); p.CustomerID != f.minji {
					t.Errorf("profile = %+v", p)
				}
			}},
			{msg: custMsg("/start"), payloads: []string{"yes"}},
			{msg: press(custMsg(""), "yes"), ids: []string{"core.start.ask_code"}},
			{msg: Message{Channel: ChannelTelegram, UserID: custTG, ConversationID: custTG, Phone: "010-0000-1111"}, ids: []string{"core.link.phone_unknown"}},
			{msg: custMsg("999999"), ids: []string{"core.err.invalid_code"}},
			{msg: staffMsg("/link Anna Lee"), want: []string{"100000"}},
			{msg: staffMsg("/link"), ids: []string{"core.link.usage"}},
			{msg: custMsg("/start 100000"), want: []string{"Anna Lee"}},
		}
	}},
	{"FeedbackLowRatingAlert", func(h *harness, f fixture) []step {
		var fid string
		steps := linkMinji(h)
		return append(steps,
			step{msg: custMsg("피드백"), payloads: []string{"rate:1", "rate:2", "rate:3", "rate:4", "rate:5"}},
			step{msg: press(custMsg(""), "rate:2"), payloads: []string{"nps:0", "nps:10", "skip"}},
			step{msg: press(custMsg(""), "nps:3"), payloads: []string{"skip"}},
			step{msg: custMsg("너무 오래 기다렸어요"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, rs []Reply) {
				alert := staffAlert(t, rs, "김민지", "010-****-5678", "너무 오래 기다렸어요", "★★☆☆☆")
				// [내가 연락할게요] [고객 카드] [해결됨] (flow_thread.go)
				if alert.Lang != "ko" || len(alert.Buttons) != 3 || !strings.HasPrefix(alert.Buttons[0].Payload, "answer:") || alert.Buttons[2].Payload != "th:close:1" {
					t.Fatalf("alert = %+v", alert)
				}
				fid = strings.TrimPrefix(alert.Buttons[0].Payload, "answer:")
				fs := h.allFeedback()
				if len(fs) != 1 || fs[0].ID != fid || fs[0].Rating != 2 || fs[0].NPS != 3 || fs[0].CustomerID != f.minji || fs[0].Comment != "너무 오래 기다렸어요" {
					t.Errorf("feedback = %+v", fs)
				}
			}},
			step{build: func() Message {
				return press(Message{Channel: ChannelSlack, UserID: staffID, UserName: "지수", ConversationID: "Cstaff"}, "answer:"+fid)
			}, want: []string{h.text("threads.claim.contact", map[string]any{"Name": "지수", "N": 1})}, check: func(t *testing.T, h *harness, _ []Reply) {
				// Claimed is "연락 예정", not yet answered for the summary.
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].AnsweredBy != "" {
					t.Errorf("feedback = %+v", fs)
				}
			}},
			step{build: func() Message { return press(staff2Msg(""), "answer:"+fid) }, want: []string{h.text("threads.claim.other", map[string]any{"N": 1, "By": staffID})}},
			// [해결됨] asks what was done first (flow_resolve.go).
			step{msg: press(staffMsg(""), "th:close:1"), ids: []string{"core.btn.cancel"}},
			step{msg: staffMsg("전화로 사과드림"), payloads: []string{resolveBtnNoMsg}},
			step{msg: press(staffMsg(""), resolveBtnNoMsg), payloads: []string{resolveBtnNoPoints}},
			step{msg: press(staffMsg(""), resolveBtnNoPoints), want: []string{h.text("threads.close.done", map[string]any{"Name": "지수", "N": 1})}, check: func(t *testing.T, h *harness, _ []Reply) {
				fs := h.allFeedback()
				if len(fs) != 1 || fs[0].AnsweredBy != "slack:"+staffID || !fs[0].AnsweredAt.Equal(t0) {
					t.Errorf("feedback = %+v", fs)
				}
			}},
		)
	}},
	{"FeedbackUnlinkedSkips", func(h *harness, f fixture) []step {
		return []step{
			{msg: cust2Msg("/feedback")},
			{msg: cust2Msg("5점")},
			{msg: cust2Msg(h.text("core.btn.skip", nil))},
			{msg: press(cust2Msg(""), "skip"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if slices.ContainsFunc(rs, func(r Reply) bool { return r.To != ToConversation }) {
					t.Errorf("a 5-star rating alerted staff: %+v", rs)
				}
				fs := h.allFeedback()
				if len(fs) != 1 || fs[0].Rating != 5 || fs[0].NPS != ledger.NoNPS || fs[0].CustomerID != "" || fs[0].Comment != "" {
					t.Errorf("feedback = %+v", fs)
				}
			}},
		}
	}},
	{"FeedbackBadInput", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("/feedback")},
			{msg: custMsg("great"), ids: []string{"core.feedback.bad_rating"}, payloads: []string{"rate:1", "rate:5"}},
			{msg: press(custMsg(""), "rate:9"), ids: []string{"core.feedback.bad_rating"}},
			{msg: press(custMsg(""), "rate:1")},
			{msg: custMsg("11"), ids: []string{"core.feedback.bad_nps"}, payloads: []string{"nps:0"}},
			{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.ask_comment"}},
			{msg: press(custMsg(""), "rate:3"), ids: []string{"core.feedback.bad_comment"}},
			{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.thanks", "core.feedback.sorry_thread"}, check: func(t *testing.T, h *harness, rs []Reply) {
				alert := rs[len(rs)-1]
				if alert.To != ToStaffChannel || !strings.Contains(alert.Text, h.cat.Text("ko", "core.feedback.anonymous", nil)) {
					t.Errorf("alert for an unlinked 1-star rating = %+v", alert)
				}
			}},
		}
	}},
	{"Lang", func(h *harness, f fixture) []step {
		steps := linkMinji(h)
		return append(steps,
			step{msg: custMsg("/lang"), payloads: []string{"lang:ko", "lang:en"}, want: []string{"한국어", "English"}},
			step{msg: press(custMsg(""), "lang:en"), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].Lang != "en" || !rs[0].Menu || rs[0].Text != h.cat.Text("en", "core.lang.done", map[string]any{"Lang": "English"}) {
					t.Errorf("replies = %+v", rs)
				}
				if p := h.profile("telegram:" + custTG); p.Lang != "en" {
					t.Errorf("profile = %+v", p)
				}
				if c := h.byPhone("01012345678"); c.Lang != "en" {
					t.Errorf("customer lang = %q", c.Lang)
				}
			}},
			step{msg: Message{Channel: ChannelTelegram, UserID: custTG, ConversationID: custTG, Lang: "ko", Text: "/help"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].Lang != "en" {
					t.Errorf("after /lang en, reply in %q", rs[0].Lang)
				}
			}},
			step{msg: custMsg("/lang 한국어"), want: []string{"한국어"}},
			step{msg: press(staffMsg(""), "lang:fr"), ids: []string{"core.button.stale"}},
		)
	}},
	{"MyData", func(h *harness, f fixture) []step {
		steps := []step{{msg: staffMsg("/note 김민지 비밀 상담 내용")}}
		steps = append(steps, linkMinji(h)...)
		return append(steps,
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:4")},
			step{msg: press(custMsg(""), "nps:9")},
			step{msg: custMsg("좋아요")},
			// The note is theirs to read (PIPA art. 35): shown, without the
			// staff's name.
			step{msg: custMsg("/mydata"), want: []string{"김민지", "010-1234-5678", "2026-05-13", "좋아요", "★★★★☆", "2026-05-13 비밀 상담 내용"}, not: []string{"박지훈", "(" + staffID + ")"}},
			step{msg: cust2Msg("/mydata"), want: []string{h.text("core.mydata.unlinked", map[string]any{"Consent": ""})}, not: []string{"김민지", h.text("core.mydata.consent_none", nil)}},
		)
	}},
	{"ForgetUnlinkedAndKeep", func(h *harness, f fixture) []step {
		return []step{
			{msg: cust2Msg("/start")},
			{msg: press(cust2Msg(""), "yes")},
			{msg: cust2Msg("/forget"), payloads: []string{"yes", "no"}},
			{msg: cust2Msg("음"), ids: []string{"core.forget.reask"}},
			{msg: press(cust2Msg(""), "no"), ids: []string{"core.forget.kept"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG2); !p.Consent.Given {
					t.Errorf("kept profile lost its consent: %+v", p)
				}
			}},
			// Typed, as the buttons say it: "아니요" keeps, "네" erases.
			{msg: cust2Msg("/forget")},
			{msg: cust2Msg("아니요"), ids: []string{"core.forget.kept"}},
			{msg: cust2Msg("/forget")},
			{msg: cust2Msg("네"), ids: []string{"core.forget.done"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if p := h.profile("telegram:" + custTG2); p.Consent.Given || p.Consent.Declined || p.Lang != "" {
					t.Errorf("profile after /forget = %+v", p)
				}
			}},
		}
	}},
	{"HelpPerRole", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("/help"), want: []string{"/feedback", "/mydata", "/forget"}, not: []string{"/note", "/summary", "/staff"}},
			{msg: custMsg("아무말"), ids: []string{"threads.ask"}}, // a question for the staff (flow_thread.go)
			{msg: staffMsg("/help"), want: []string{"/note", "/customer", "/points", "/link", "/followups"}, not: []string{"/summary", "/staff", "/forget"}},
			{msg: staffMsg("안녕하세요"), ids: []string{"core.help.short_staff"}},
			{msg: staffMsg("/forget"), want: []string{"/forget"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if _, ok := h.session(staffKey); ok {
					t.Error("a customer command started a flow for staff")
				}
			}},
			{msg: staffMsg("/start 100000"), want: []string{"/start"}},
			{msg: staffMsg("/lang en"), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].Lang != "en" {
					t.Errorf("replies = %+v", rs)
				}
			}},
			{msg: staffMsg("/help"), check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].Lang != "en" || !strings.Contains(rs[0].Text, h.cat.Text("en", "core.help.note", nil)) {
					t.Errorf("staff help after /lang en = %+v", rs)
				}
			}},
			{msg: staffMsg("/lang"), payloads: []string{"lang:ko", "lang:en"}},
			{msg: press(staffMsg(""), "lang:ko"), check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].Lang != "ko" {
					t.Errorf("replies = %+v", rs)
				}
			}},
			{msg: managerMsg("도움말"), want: []string{"/note", "/summary", "/staff"}},
			{msg: Message{Channel: ChannelConsole, UserID: "me", ConversationID: "tty", Role: ledger.RoleManager, Text: "/help"}, want: []string{"/summary"}},
			{msg: Message{Channel: ChannelConsole, UserID: "c1", ConversationID: "tty2", Role: ledger.RoleCustomer, Text: "/help"}, want: []string{"/feedback"}, not: []string{"/note"}},
			{msg: Message{Channel: ChannelTelegram, UserID: "666", ConversationID: "666", Role: ledger.RoleManager, Text: "/help"}, want: []string{"/feedback"}, not: []string{"/summary"}},
		}
	}},
	{"StrangerRefused", func(h *harness, f fixture) []step {
		return []step{
			{msg: strangerMsg("/customer 김민지"), ids: []string{"core.refused"}, not: []string{"김민지"}},
			{msg: strangerMsg("/help"), ids: []string{"core.refused"}, not: []string{"/note"}},
			{msg: press(strangerMsg(""), "answer:x"), ids: []string{"core.refused"}},
			{msg: Message{Channel: ChannelSlack, UserID: strangerID, ConversationID: "D" + strangerID, FormID: "note", Form: map[string]string{"customer": "김민지", "text": "x"}}, ids: []string{"core.refused"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if as := h.audits(); len(as) != 0 {
					t.Errorf("audits after a stranger: %+v", as)
				}
				noteCount(0)(t, h, nil)
			}},
		}
	}},
	{"StaffManagement", func(h *harness, f fixture) []step {
		u9 := func(text string) Message {
			return Message{Channel: ChannelSlack, UserID: "U9", UserName: "bob", ConversationID: "DU9", Text: text}
		}
		return []step{
			{msg: staffMsg("/staff"), ids: []string{"core.command.manager_only"}},
			{msg: u9("/customer 김민지"), ids: []string{"core.refused"}},
			{msg: managerMsg("/staff add <@U9|bob>"), want: []string{"bob"}, not: []string{"slack:"}},
			{msg: u9("/customer 김민지"), want: []string{"010-1234-5678"}},
			{msg: managerMsg("/staff add @U8 manager"), want: []string{"U8", h.text("core.role.manager", nil)}, not: []string{"slack:"}},
			{msg: managerMsg("/staff"), want: []string{"bob", "U8", "UM", "U1", "U2", h.text("core.staff.head", map[string]any{"Count": 5})}, not: []string{"slack:"}},
			{msg: Message{Channel: ChannelSlack, UserID: "U8", ConversationID: "DU8", Text: "/help"}, want: []string{"/summary"}},
			{msg: managerMsg("/staff remove <@U9>"), want: []string{h.text("core.staff.removed", map[string]any{"User": "bob"})}},
			{msg: u9("/customer 김민지"), ids: []string{"core.refused"}, not: []string{"010-1234-5678"}},
			{msg: managerMsg("/staff remove U1"), want: []string{h.text("core.staff.configured", map[string]any{"User": "U1"})}},
			{msg: staffMsg("/help"), want: []string{"/note"}},
			{msg: managerMsg("/staff remove U77"), want: []string{h.text("core.staff.not_found", map[string]any{"User": "U77"})}},
			{msg: managerMsg("/staff add"), ids: []string{"core.staff.usage"}},
			{msg: managerMsg("/staff frob"), ids: []string{"core.staff.usage"}},
			{msg: staffMsg("/summary"), ids: []string{"core.command.manager_only"}},
		}
	}},
	{"FollowUps", func(h *harness, f fixture) []step {
		var due, overdue, other string
		h.update(func(tx *ledger.Tx) error {
			var err error
			add := func(cid, staff, text string, fu time.Time, done bool) string {
				n := ledger.Note{CustomerID: cid, StaffID: "slack:" + staff, StaffName: staff, At: t0.AddDate(0, 0, -10), Text: text, FollowUp: fu}
				if e := tx.AddNote(&n); e != nil {
					err = e
				}
				if done && err == nil {
					err = tx.SetFollowUpDone(n.ID)
				}
				return n.ID
			}
			today := time.Date(2026, 5, 13, 0, 0, 0, 0, seoul)
			due = add(f.minji, staffID, "펌 경과 확인", today, false)
			overdue = add(f.anna, staffID, "color check", today.AddDate(0, 0, -3), false)
			other = add(f.jihoon1, staff2ID, "현우 고객", today, false)
			add(f.jihoon2, staffID, "이미 연락함", today, true)
			add(f.jihoon2, staffID, "다음 달", today.AddDate(0, 1, 0), false)
			add(f.jihoon2, staffID, "너무 오래전", today.AddDate(0, 0, -40), false)
			return err
		})
		return []step{
			{msg: staffMsg("/followups"), want: []string{"펌 경과 확인", "color check", "김민지"}, not: []string{"현우 고객", "이미 연락함", "다음 달", "너무 오래전"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if ps := payloads(rs); !slices.Equal(ps, []string{"fu:" + overdue, "fs:" + overdue, "fu:" + due, "fs:" + due}) && !slices.Equal(ps, []string{"fu:" + due, "fs:" + due, "fu:" + overdue, "fs:" + overdue}) {
					t.Errorf("buttons %v", ps)
				}
			}},
			{msg: press(staffMsg(""), "fu:"+due), want: []string{"김민지"}, check: func(t *testing.T, h *harness, _ []Reply) {
				h.view(func(tx *ledger.Tx) error {
					n, err := tx.Note(due)
					if err != nil || !n.FollowUpDone {
						t.Errorf("note %+v, %v: follow-up not done", n, err)
					}
					return nil
				})
			}},
			{msg: press(staffMsg(""), "fu:"+due), want: []string{h.text("core.followups.already", map[string]any{"Name": "김민지"})}},
			{msg: staffMsg("/followups"), want: []string{"color check"}, not: []string{"펌 경과 확인"}},
			{msg: staff2Msg("/followups"), want: []string{"현우 고객"}, not: []string{"color check"}},
			{msg: managerMsg("/followups"), want: []string{"현우 고객", "color check"}, payloads: []string{"fu:" + other}},
			{msg: press(custMsg(""), "fu:"+other), ids: []string{"core.refused"}},
			{msg: press(staffMsg(""), "fu:nope"), ids: []string{"core.button.stale"}},
		}
	}},
	// Two of one customer's notes due the same day: each pair of buttons
	// says which (before, both read "완료: 김민지").
	{"FollowUpsSameCustomer", func(h *harness, f fixture) []step {
		var first, second string
		h.update(func(tx *ledger.Tx) error {
			today := time.Date(2026, 5, 13, 0, 0, 0, 0, seoul)
			for i, text := range []string{"펌 경과 확인", "클리닉 권유", "color check"} {
				cid := f.minji
				if i == 2 {
					cid = f.anna
				}
				n := ledger.Note{CustomerID: cid, StaffID: "slack:" + staffID, StaffName: "지수", At: t0.AddDate(0, 0, -10+i), Text: text, FollowUp: today}
				if err := tx.AddNote(&n); err != nil {
					return err
				}
				if i == 0 {
					first = n.ID
				} else if i == 1 {
					second = n.ID
				}
			}
			return nil
		})
		label := func(rs []Reply, payload string) string {
			for _, r := range rs {
				for _, b := range r.Buttons {
					if b.Payload == payload {
						return b.Label
					}
				}
			}
			return ""
		}
		nth := func(n int) map[string]any {
			return map[string]any{"Name": h.text("core.followups.nth", map[string]any{"Name": "김민지", "N": n})}
		}
		return []step{{msg: staffMsg("/followups"), check: func(t *testing.T, h *harness, rs []Reply) {
			a, b := label(rs, "fu:"+first), label(rs, "fu:"+second)
			if a == b || a == "" {
				t.Errorf("the two notes' buttons read %q and %q", a, b)
			}
			if want := []string{h.text("core.followups.button", nth(1)), h.text("core.followups.button", nth(2))}; !slices.Equal([]string{a, b}, want) && !slices.Equal([]string{b, a}, want) {
				t.Errorf("buttons %q, %q; want %q", a, b, want)
			}
			if got := label(rs, "fs:"+second); got == label(rs, "fs:"+first) {
				t.Errorf("both [메시지 보내기] read %q", got)
			}
			for _, r := range rs {
				for _, bt := range r.Buttons {
					if strings.Contains(bt.Label, "Anna") && strings.Contains(bt.Label, "(") {
						t.Errorf("a customer shown once is numbered: %q", bt.Label)
					}
				}
			}
		}}}
	}},
	// A customer who types the stars they see, and "없어요" for the last
	// question, gets the feedback they meant: the stars were refused, and
	// "없어요" was kept as the comment (and counted among its words).
	{"FeedbackTyped", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("/feedback")},
			{msg: custMsg("★★★★"), ids: []string{"core.feedback.ask_nps"}, not: []string{h.text("core.feedback.bad_rating", nil)}},
			{msg: custMsg("10점"), ids: []string{"core.feedback.ask_comment"}},
			{msg: custMsg("없어요"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 4 || fs[0].NPS != 10 || fs[0].Comment != "" {
					t.Errorf("feedback %+v, want 4 stars, NPS 10, no comment", fs)
				}
			}},
			{msg: cust2Msg("/feedback")},
			{msg: cust2Msg("2/5"), ids: []string{"core.feedback.ask_nps"}},
			{msg: cust2Msg("없음"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 2 || fs[1].Rating != 2 || fs[1].NPS != ledger.NoNPS || fs[1].Comment != "" {
					t.Errorf("feedback %+v, want 2 stars, no NPS, no comment", fs)
				}
			}},
		}
	}},
	{"FollowUpsNone", func(h *harness, f fixture) []step {
		return []step{{msg: staff2Msg("/followups"), ids: []string{"core.followups.none"}}}
	}},
	{"SessionExpiry", func(h *harness, f fixture) []step {
		expired := h.text("core.session.expired", map[string]any{"Flow": h.text("core.flow.note", nil), "Minutes": 30})
		return []step{
			{msg: staffMsg("/note")},
			{msg: staffMsg("김민지"), advance: 29 * time.Minute, want: []string{"김민지"}, not: []string{expired}},
			{msg: staffMsg("상담 내용"), advance: 31 * time.Minute, want: []string{expired}, ids: []string{"core.help.short_staff"}, check: func(t *testing.T, h *harness, _ []Reply) {
				noSession(staffKey)(t, h, nil)
				noteCount(0)(t, h, nil)
			}},
			{msg: custMsg("/feedback")},
			{msg: custMsg("/cancel"), advance: time.Hour, want: []string{h.text("core.session.expired", map[string]any{"Flow": h.text("core.flow.feedback", nil), "Minutes": 30})}, not: []string{h.text("core.cancel.nothing", nil)}},
		}
	}},
	{"CancelAndStale", func(h *harness, f fixture) []step {
		return []step{
			{msg: staffMsg("/cancel"), ids: []string{"core.cancel.nothing"}},
			{msg: custMsg("취소"), ids: []string{"core.cancel.nothing"}},
			{msg: press(staffMsg(""), "pick:"+f.minji), ids: []string{"core.button.stale"}},
			{msg: press(custMsg(""), "yes"), ids: []string{"core.button.stale"}},
			{msg: press(staffMsg(""), "answer:nope"), ids: []string{"core.button.stale"}},
			{msg: staffMsg("/frobnicate"), want: []string{"/frobnicate"}},
			{msg: custMsg("/note 김민지 x"), ids: []string{"core.help.short_customer"}, not: []string{"김민지"}},
			{msg: staffMsg("/note"), payloads: []string{"cancel"}},
			{msg: staffMsg("/help"), want: []string{"/note"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if _, ok := h.session(staffKey); !ok {
					t.Error("/help ended the running flow")
				}
			}},
			{msg: press(staffMsg(""), "cancel"), ids: []string{"core.cancel.done"}, check: noSession(staffKey)},
		}
	}},
	{"Form", func(h *harness, f fixture) []step {
		form := func(fields map[string]string) Message {
			m := staffMsg("")
			m.CanForm, m.FormID, m.Form = true, "note", fields
			return m
		}
		return []step{
			{msg: func() Message { m := staffMsg("/note"); m.CanForm = true; return m }(), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].Form == nil || rs[0].Form.ID != "note" {
					t.Fatalf("replies = %+v", rs)
				}
				var names []string
				for _, fl := range rs[0].Form.Fields {
					names = append(names, fl.Name)
					if fl.Label == "" || fl.Hint == "" {
						t.Errorf("field %+v lacks label or hint", fl)
					}
				}
				if !slices.Equal(names, []string{"customer", "text", "amount", "tags", "followup"}) {
					t.Errorf("fields = %v", names)
				}
			}},
			{msg: form(map[string]string{"customer": "010-12", "text": " ", "amount": "abc", "followup": "someday"}), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 {
					t.Fatalf("replies = %+v", rs)
				}
				e := rs[0].FormErrors
				for _, k := range []string{"customer", "text", "amount", "followup"} {
					if e[k] == "" {
						t.Errorf("no error for %s in %v", k, e)
					}
				}
				if e["customer"] != h.text("core.form.err.phone_invalid", nil) {
					t.Errorf("customer error = %q", e["customer"])
				}
				noteCount(0)(t, h, nil)
			}},
			{msg: form(map[string]string{"customer": "박지훈", "text": "x"}), check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].FormErrors["customer"] != h.text("core.form.err.customer_ambiguous", map[string]any{"Count": 2}) {
					t.Errorf("errors = %v", rs[0].FormErrors)
				}
				noteCount(0)(t, h, nil)
			}},
			{msg: form(map[string]string{"customer": "010-9999-8888", "text": "x"}), check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].FormErrors["customer"] == "" || len(rs[0].FormErrors) != 1 {
					t.Errorf("errors = %v", rs[0].FormErrors)
				}
			}},
			{msg: form(map[string]string{"customer": "김민지", "text": strings.Repeat("a", 5001)}), check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].FormErrors["text"] != h.text("core.note.too_long", nil) || len(rs[0].FormErrors) != 1 {
					t.Errorf("errors = %v", rs[0].FormErrors)
				}
			}},
			{msg: form(map[string]string{"customer": "김민지", "text": "x", "amount": "-5,000", "followup": "2020-01-01"}), check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].FormErrors["amount"] != h.text("input.purchase.negative_form", map[string]any{"Input": "-5,000"}) ||
					rs[0].FormErrors["followup"] != h.text("input.date.past", map[string]any{"Date": "2020-01-01", "Today": h.now().In(seoul).Format(time.DateOnly)}) {
					t.Errorf("errors = %v", rs[0].FormErrors)
				}
				noteCount(0)(t, h, nil)
			}},
			{msg: form(map[string]string{"customer": "", "text": "x"}), check: func(t *testing.T, h *harness, rs []Reply) {
				if rs[0].FormErrors["customer"] != h.text("core.form.err.customer_required", nil) {
					t.Errorf("errors = %v", rs[0].FormErrors)
				}
				noteCount(0)(t, h, nil)
			}},
			{msg: form(map[string]string{"customer": "010-1234-5678", "text": "상담 #펌", "amount": "30,000원", "tags": "단골, 펌", "followup": "2026-05-20"}), want: []string{"김민지"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || !rs[0].Private || rs[0].FormErrors != nil {
					t.Errorf("replies = %+v", rs)
				}
				ns := h.notes(f.minji)
				if len(ns) != 1 || ns[0].Text != "상담" || ns[0].Amount != 30000 || !slices.Equal(ns[0].Tags, []string{"펌", "단골"}) || ns[0].FollowUp.IsZero() {
					t.Errorf("notes = %+v", ns)
				}
			}},
			{msg: func() Message {
				m := form(map[string]string{"customer": "김민지", "text": "x"})
				m.FormID = "other"
				return m
			}(), ids: []string{"core.button.stale"}},
		}
	}},
	{"Cursor", func(h *harness, f fixture) []step {
		m := custMsg("/help")
		m.CursorName, m.CursorValue = "telegram", 42
		bad := custMsg("/start")
		bad.CursorName, bad.CursorValue = "telegram", 43
		return []step{
			{msg: m, check: func(t *testing.T, h *harness, _ []Reply) {
				h.view(func(tx *ledger.Tx) error {
					if v, err := tx.Cursor("telegram"); err != nil || v != 42 {
						t.Errorf("cursor = %d, %v", v, err)
					}
					return nil
				})
			}},
			{msg: bad, check: func(t *testing.T, h *harness, _ []Reply) {
				h.view(func(tx *ledger.Tx) error {
					if v, _ := tx.Cursor("telegram"); v != 43 {
						t.Errorf("cursor = %d, want 43", v)
					}
					return nil
				})
			}},
		}
	}},
}

// TestScripts drives every script through a real engine and ledger, in
// both languages, then checks that no message id they used is missing from
// either catalog.
func TestScripts(t *testing.T) { runScripts(t, scripts) }

// runScripts drives scripts through a real engine and ledger, each on a
// fresh seeded ledger, in both languages, then checks that no message id
// they used is missing from either catalog.
func runScripts(t *testing.T, scripts []script) {
	t.Helper()
	cat := locales.MustLoad()
	for _, lang := range locales.Languages {
		for _, s := range scripts {
			t.Run(lang+"/"+s.name, func(t *testing.T) {
				h := mustOpenHarness(t, cat, lang)
				f := seed(h)
				runSteps(t, h, s.steps(h, f))
			})
		}
	}
	if m := cat.Missing(); len(m) > 0 {
		t.Errorf("message ids used but missing from a catalog: %v", m)
	}
}
