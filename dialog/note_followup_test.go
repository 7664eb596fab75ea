package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
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
		// The ways a one-line note's end says to
		// follow up on a day, and words that only look like it.
		{"김민지 펌 상담, 2월5일에 연락", "2027-02-05"},
		{"김민지 펌 상담 이번주 금요일에 연락드리기", "2026-05-15"},
		{"펌 상담 2/5 연락 드리기", "2027-02-05"},
		{"펌 상담 2/5 연락드릴게요", "2027-02-05"},
		{"펌 상담 모레 전화 드리기", "2026-05-15"},
		{"펌 상담 일주일 후 해피콜", "2026-05-20"},
		{"펌 상담 다음 연락: 2/5", "2027-02-05"},
		{"펌 상담 담주 화 연락 요망", "2026-05-19"},
		{"상담 후에 연락", ""},    // after the consult, no day
		{"오전에 연락", ""},      // a time of day, no day
		{"별로 연락 안 하심", ""},  // no follow-up word at the end
		{"2/5 연락하기로 함", ""}, // not at the end
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

// TestFollowUpFault: the end of a one-line note that names a follow-up
// day comes to that day, or to the reason it sets no reminder: unread,
// no such day on the calendar, past (a call that happened) or beyond the
// horizon; a note that only mentions a call comes to nothing. t0 is
// Wednesday 2026-05-13.
func TestFollowUpFault(t *testing.T) {
	for _, tt := range []struct {
		text   string
		fault  followUpFault
		day    string // the day read, for OK, past and too far
		phrase string // the words, for unread and no such day
	}{
		{"상담 2월 30일 연락", followUpNoSuchDay, "", "2월 30일"},
		{"상담함 다음 연락 2/30", followUpNoSuchDay, "", "2/30"},
		{"상담함 다음 연락 13/45", followUpNoSuchDay, "", "13/45"},
		{"상담함 2/30 연락", followUpNoSuchDay, "", "2/30"},
		{"trim follow up on Feb 30", followUpNoSuchDay, "", "on feb 30"},
		{"follow up on 2/30", followUpNoSuchDay, "", "on 2/30"}, // was "could not read"
		{"상담 5/12 연락", followUpPast, "2026-05-12", ""},          // yesterday, not a year on
		{"상담 2025-01-01 연락", followUpPast, "2025-01-01", ""},
		{"상담 어제 연락", followUpPast, "2026-05-12", ""},
		{"상담 2027-05-12 연락", followUpTooFar, "2027-05-12", ""},
		{"상담함 1000일 후 연락", followUpTooFar, "2029-02-06", ""},
		{"follow up in 11 months", followUpTooFar, "2027-04-13", ""},
		{"상담 며칠 후 연락", followUpUnreadable, "", "며칠 후"},
		{"상담 다다음주쯤 전화", followUpUnreadable, "", "다다음주쯤"},
		{"상담함 내일모레 연락", followUpOK, "2026-05-15", ""},
		{"상담 모레 연락", followUpOK, "2026-05-15", ""},
		{"상담 글피 전화", followUpOK, "2026-05-16", ""},
		{"trim follow up on Feb 20", followUpOK, "2027-02-20", ""},
		{"trim follow up on the 20th", followUpOK, "2026-05-20", ""},
		{"follow up on the 13th", followUpOK, "2026-05-13", ""},
		{"follow up next tuesday", followUpOK, "2026-05-19", ""},
		{"follow up in 2 weeks", followUpOK, "2026-05-27", ""},
		{"follow up on friday", followUpOK, "2026-05-15", ""},
		{"상담 다음 연락 ５/２０", followUpOK, "2026-05-20", ""},
		{"부재중이라 전화", followUpNone, "", ""},
		{"회사일로 바빠서 전화", followUpNone, "", ""}, // 일 in a word is no day
		{"상담 후 연락", followUpNone, "", ""},     // after the consult, no day
		{"고객님 연락 3회", followUpNone, "", ""},
		{"follow up decision", followUpNone, "", ""},
		{"새 번호로 연락 010-1234-5678", followUpNone, "", ""}, // a phone, no day
		{"010-1234-5678 연락", followUpNone, "", ""},
		{"상담 20270230 연락", followUpUnreadable, "", "20270230"},
		{"고객님 연락", followUpNone, "", ""},
		{"연락처 바뀜", followUpNone, "", ""},
		{"뿌리 염색 상담", followUpNone, "", ""},
	} {
		day, fault, phrase := readNoteFollowUp(tt.text, t0, seoul)
		got := ""
		if !day.IsZero() {
			got = day.Format(time.DateOnly)
		}
		if fault != tt.fault || got != tt.day || (tt.phrase != "" && phrase != tt.phrase) {
			t.Errorf("readNoteFollowUp(%q) = %v, %q, %q; want %v, %q, %q", tt.text, fault, got, phrase, tt.fault, tt.day, tt.phrase)
		}
	}
}

// TestNote_FollowUpWarning: a one-line note whose follow-up day sets no
// reminder is saved, and its writer is told why (it said nothing for
// "다음 연락 2/30", "follow up on Feb 20", a past day, and "could not read"
// for a day too far); one that sets it says the day; the guided question
// says the same reasons, but takes a far day, which it confirms. Both
// languages.
func TestNote_FollowUpWarning(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.customer("김민지", "01012345678")
			saved := strings.Split(h.text("core.note.saved", map[string]any{"Card": ""}), "\n")[0]
			set := func(day string) string {
				return strings.Split(h.text("core.note.saved_followup", map[string]any{"Date": day}), "\n")[0]
			}
			notes := 0
			for _, tt := range []struct {
				text string
				want string // the reply's first line, and more
				warn string // "" none
			}{
				{"상담함 다음 연락 2/30", saved, h.text("input.followup.no_such_day", map[string]any{"Input": "2/30"})},
				{"상담함 다음 연락 13/45", saved, h.text("input.followup.no_such_day", map[string]any{"Input": "13/45"})},
				{"상담함 2/30 연락", saved, h.text("input.followup.no_such_day", map[string]any{"Input": "2/30"})},
				{"trim follow up on 2/30", saved, h.text("input.followup.no_such_day", map[string]any{"Input": "2/30"})},
				{"상담함 1000일 후 연락", saved, h.text("input.followup.too_far", map[string]any{"Date": "2029-02-06", "Days": 300})},
				{"상담함 어제 연락", saved, h.text("input.followup.past", map[string]any{"Date": "2026-05-12"})},
				{"상담함 2025-01-01 연락", saved, h.text("input.followup.past", map[string]any{"Date": "2025-01-01"})},
				{"상담함 며칠 후 연락", saved, h.text("core.note.followup_unread", nil)},
				{"상담함 내일모레 연락", set("2026-05-15"), ""},
				{"trim follow up on Feb 20", set("2027-02-20"), ""},
				{"trim follow up on the 20th", set("2026-05-20"), ""},
				{"trim follow up next tuesday", set("2026-05-19"), ""},
				{"trim follow up in 2 weeks", set("2026-05-27"), ""},
				{"부재중이라 전화", saved, ""},
			} {
				rs := h.send(staffMsg("/note 김민지 " + tt.text))
				notes++
				got := allText(rs)
				if !strings.HasPrefix(got, tt.want) {
					t.Errorf("%q: reply %q, want it to start %q", tt.text, got, tt.want)
				}
				for _, w := range []string{
					h.text("core.note.followup_unread", nil),
					strings.Split(h.text("input.followup.past", map[string]any{"Date": "X"}), "X")[1],
				} {
					if tt.warn == "" && strings.Contains(got, w) {
						t.Errorf("%q: reply %q warns", tt.text, got)
					}
				}
				if tt.warn != "" && !strings.Contains(got, tt.warn) {
					t.Errorf("%q: reply %q, want the warning %q", tt.text, got, tt.warn)
				}
			}
			if n := len(h.notes(h.byPhone("01012345678").ID)); n != notes {
				t.Errorf("%d notes saved, want %d: every note is saved", n, notes)
			}
			// A one-liner for a new customer warns once the name is given.
			h.send(staffMsg("/note 010-5555-6666 첫 상담 다음 연락 2/30"))
			if got, want := allText(h.send(staffMsg("박서연"))), h.text("input.followup.no_such_day", map[string]any{"Input": "2/30"}); !strings.Contains(got, want) {
				t.Errorf("new customer's one-liner: reply %q, want %q", got, want)
			}
			// The guided question names the same reasons.
			runSteps(t, h, []step{
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("커트")},
				{msg: press(staffMsg(""), "skip")},
				{msg: press(staffMsg(""), "skip")},
				{msg: staffMsg("2/30"), want: []string{h.text("input.date.no_such_day", map[string]any{"Input": "2/30"})}},
				{msg: staffMsg("어제"), want: []string{h.text("input.date.past", map[string]any{"Date": "2026-05-12", "Today": "2026-05-13"})}},
				{msg: staffMsg("언젠가"), ids: []string{"core.note.bad_date"}},
				{msg: staffMsg("내일모레"), want: []string{"2026-05-15"}},
				// A far day is taken here: the confirmation shows it.
				{msg: press(staffMsg(""), "revise")},
				{msg: press(staffMsg(""), "field:followup")},
				{msg: staffMsg("1000일 후"), want: []string{"2029-02-06"}},
			})
		})
	}
}

// TestFollowUpTypedForms: the days Korean staff type with a follow-up,
// with the particle 에, a one-syllable weekday after a week, native day
// counts, a month's end or "about" (쯤, 경), are read alike by a
// one-line note and by the guided question (the one readFollowUpDay),
// and a day without a year already past this year is past on both, not a
// year on. Before, "2월5일에 연락" and "이번주 금요일에 연락드리기" saved
// the note with "could not read the day". t0 is Wednesday 2026-05-13.
func TestFollowUpTypedForms(t *testing.T) {
	for _, tt := range []struct {
		day   string // the day's words, typed alone to the guided question
		fault followUpFault
		want  string // the day read, for OK and past
	}{
		{"2월5일에", followUpOK, "2027-02-05"},
		{"2월 5일에", followUpOK, "2027-02-05"},
		{"2/5에", followUpOK, "2027-02-05"},
		{"이번주 금요일에", followUpOK, "2026-05-15"},
		{"이번 주 금요일에", followUpOK, "2026-05-15"},
		{"다음주 화요일에", followUpOK, "2026-05-19"},
		{"담주 화", followUpOK, "2026-05-19"},
		{"다음 주 화", followUpOK, "2026-05-19"},
		{"금요일에", followUpOK, "2026-05-15"},
		{"이틀 뒤", followUpOK, "2026-05-15"},
		{"보름 후에", followUpOK, "2026-05-28"},
		{"월말", followUpOK, "2026-05-31"},
		{"다음달 말", followUpOK, "2026-06-30"},
		{"5월 20일쯤", followUpOK, "2026-05-20"},
		{"5/20경에", followUpOK, "2026-05-20"},
		{"the day after tomorrow", followUpOK, "2026-05-15"},
		{"in two weeks", followUpOK, "2026-05-27"},
		{"end of the month", followUpOK, "2026-05-31"},
		{"5/12에", followUpPast, "2026-05-12"}, // yesterday, not a year on
		{"5월 12일쯤", followUpPast, "2026-05-12"},
		{"이번주 월요일에", followUpPast, "2026-05-11"},     // the one-liner read "월요일에", next Monday
		{"2025년 5월 20일", followUpPast, "2025-05-20"}, // and "5월 20일", this year's
		{"2월 30일에", followUpNoSuchDay, ""},
		{"다다음주쯤", followUpUnreadable, ""},
		{"20일에", followUpUnreadable, ""}, // the 20th or twenty days: not guessed
	} {
		for _, path := range []struct{ name, text string }{
			{"guided", tt.day},
			{"one-line", "김민지 펌 상담, " + tt.day + " 연락"},
		} {
			if dateIsASCII(tt.day) {
				path.text = "perm consult, follow up " + tt.day
			}
			var day time.Time
			var fault followUpFault
			if path.name == "guided" {
				day, fault = readFollowUpDay(tt.day, t0, seoul)
			} else {
				day, fault, _ = readNoteFollowUp(path.text, t0, seoul)
			}
			got := ""
			if !day.IsZero() {
				got = day.Format(time.DateOnly)
			}
			if fault != tt.fault || got != tt.want {
				t.Errorf("%s %q = %v, %q; want %v, %q", path.name, path.text, fault, got, tt.fault, tt.want)
			}
		}
	}
}

// TestNote_TypedFollowUpSet: the tester's one-liner sets its reminder and
// the reply says the day, with no warning that it could not be read.
func TestNote_TypedFollowUpSet(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.customer("김민지", "01012345678")
	for _, tt := range []struct{ text, day string }{
		{"펌 상담, 2월5일에 연락", "2027-02-05"},
		{"펌 상담 이번주 금요일에 연락드리기", "2026-05-15"},
	} {
		got := allText(h.send(staffMsg("/note 김민지 " + tt.text)))
		if want := strings.Split(h.text("core.note.saved_followup", map[string]any{"Date": tt.day}), "\n")[0]; !strings.HasPrefix(got, want) {
			t.Errorf("%q: reply %q, want it to start %q", tt.text, got, want)
		}
		if strings.Contains(got, h.text("core.note.followup_unread", nil)) {
			t.Errorf("%q: reply %q says the day was not read", tt.text, got)
		}
	}
}
