package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestOneLineFollowUp: a day with a follow-up word at the end of a
// one-line note asks for a follow-up; a day that is past, a year away or
// not at the end does not. t0 is Wednesday 2026-05-13.
func TestOneLineFollowUp(t *testing.T) {
	for _, tt := range []struct {
		text string
		want string // "" none
	}{
		{"다음엔 클리닉 추천 내일 연락", "2026-05-14"},
		{"뿌리 염색, 2주 후 연락.", "2026-05-27"},
		{"펌 경과 확인 다음주 금요일 전화", "2026-05-22"},
		{"다음 연락 5/20", "2026-05-20"},
		{"두피 관리 팔로업 3일 후", "2026-05-16"},
		{"오늘 연락드리기", "2026-05-13"},
		{"clinic next time, follow up tomorrow", "2026-05-14"},
		{"call back in 2 weeks", "2026-05-27"},
		{"follow up next friday", "2026-05-22"},
		{"뿌리 염색 상담", ""},
		{"내일 연락 준다고 하심", ""},  // the day is not at the end
		{"5/12 연락 드렸음", ""},   // not at the end either
		{"5/12 연락", ""},       // yesterday: a call that happened, not a year from now
		{"2027-05-12 연락", ""}, // beyond the horizon
		{"연락처 바뀜", ""},        // no day
		{"고객님 연락", ""},        // no day
		{"2/30 연락", ""},       // no such day
		{"the customer will call", ""},
		// Ways shops say it that were read as no day.
		{"상담 다음주 연락", "2026-05-20"},
		{"상담 일주일 후 연락", "2026-05-20"},
		{"상담 다음달 연락", "2026-06-13"},
		{"상담 한 달 후 전화", "2026-06-13"},
		{"상담 10일 후 다시 연락", "2026-05-23"},
		{"follow up next week", "2026-05-20"},
	} {
		got, ok := oneLineFollowUp(tt.text, t0, seoul)
		s := ""
		if ok {
			s = got.Format(time.DateOnly)
		}
		if s != tt.want {
			t.Errorf("oneLineFollowUp(%q) = %q, want %q", tt.text, s, tt.want)
		}
	}
}

// TestNote_OneLineFollowUp: the one-liner's follow-up is stored with the
// note, said in the reply and listed by /followups on that day; the note
// keeps its words. A one-liner for a new customer keeps it through the
// name question.
func TestNote_OneLineFollowUp(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.customer("김민지", "01012345678")
	rs := h.send(staffMsg("/note 010-1234-5678 클리닉 추천, 2주 후 연락 #클리닉"))
	if got, want := strings.Join(texts(rs), "\n"), strings.Split(h.text("core.note.saved_followup", map[string]any{"Date": "2026-05-27"}), "\n")[0]; !strings.HasPrefix(got, want) {
		t.Fatalf("reply = %q, want it to start %q", got, want)
	}
	c := h.byPhone("01012345678")
	h.view(func(tx *ledger.Tx) error {
		ns, err := tx.NotesOf(c.ID, 0)
		if err != nil {
			return err
		}
		if len(ns) != 1 || ns[0].Text != "클리닉 추천, 2주 후 연락" || ns[0].FollowUp.In(seoul).Format(time.DateOnly) != "2026-05-27" {
			t.Errorf("notes = %+v", ns)
		}
		return nil
	})
	if got, want := strings.Join(texts(h.send(staffMsg("/followups"))), "\n"), h.text("core.followups.none", nil); got != want {
		t.Errorf("/followups today = %q, want %q: the follow-up is due in two weeks", got, want)
	}
	h.advance(14 * 24 * time.Hour)
	if got, want := strings.Join(texts(h.send(staffMsg("/followups"))), "\n"), h.text("core.followups.head", map[string]any{"Count": 1}); !strings.HasPrefix(got, want) {
		t.Errorf("/followups on the day = %q, want %q", got, want)
	}

	h.send(staffMsg("/note 010-5555-6666 첫 상담 내일 전화"))
	h.send(staffMsg("박서연"))
	c = h.byPhone("01055556666")
	h.view(func(tx *ledger.Tx) error {
		ns, err := tx.NotesOf(c.ID, 0)
		if err != nil {
			return err
		}
		if len(ns) != 1 || ns[0].FollowUp.In(seoul).Format(time.DateOnly) != "2026-05-28" {
			t.Errorf("new customer's notes = %+v, want a follow-up on 2026-05-28", ns)
		}
		return nil
	})
}

// TestNote_NewCustomerNameLimit: the note flow takes a new customer's name
// as long as the ledger keeps one (what /customer new takes), and re-asks
// for a longer one saying the limit.
func TestNote_NewCustomerNameLimit(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	long := strings.Repeat("가", 60)
	runSteps(t, h, []step{
		{msg: staffMsg("/note 010-5555-7777 첫 상담")},
		{msg: staffMsg(strings.Repeat("나", 101)), want: []string{h.text("core.note.bad_name", map[string]any{"Max": 100})}},
		{msg: staffMsg(long), want: []string{strings.Split(h.text("core.note.saved", map[string]any{"Card": ""}), "\n")[0]}, check: func(t *testing.T, h *harness, _ []Reply) {
			if c := h.byPhone("01055557777"); c.Name != long {
				t.Errorf("registered %q, want the 60-rune name", c.Name)
			}
		}},
	})
}

// TestFollowUpUnread: a one-line note that ends asking for a follow-up on a
// day that cannot be read is told no reminder was set; one that only
// mentions a call is not.
func TestFollowUpUnread(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"상담 2월 30일 연락", true},
		{"상담 5/12 연락", false},      // past: a call that happened
		{"상담 2027-05-12 연락", true}, // beyond the horizon
		{"상담 며칠 후 연락", true},
		{"상담 다다음주쯤 전화", true},
		{"부재중이라 전화", false},
		{"회사일로 바빠서 전화", false}, // 일 in a word is no day
		{"고객님 연락", false},
		{"연락처 바뀜", false},
		{"뿌리 염색 상담", false},
	} {
		if got := followUpUnread(tt.text, t0, seoul); got != tt.want {
			t.Errorf("followUpUnread(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	h := mustOpenHarness(t, nil, "ko")
	h.customer("김민지", "01012345678")
	unread := h.text("core.note.followup_unread", nil)
	if rs := h.send(staffMsg("/note 김민지 상담 2월 30일 연락")); !strings.Contains(allText(rs), unread) || !strings.Contains(allText(rs), h.text("core.note.saved", map[string]any{"Card": ""})[:10]) {
		t.Errorf("reply %q, want the note saved and %q", allText(rs), unread)
	}
	if rs := h.send(staffMsg("/note 김민지 상담 다음주 연락")); strings.Contains(allText(rs), unread) {
		t.Errorf("reply %q says the day was not read", allText(rs))
	}
}
