package dialog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestIdleKeep: a guided note whose text is written is saved when its
// writer walks away before [저장], by their next message after the idle
// timeout or by the idle-keep job before that, never twice; a note still
// waiting for its text, or a writer no longer staff, saves nothing.
func TestIdleKeep(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.cfg.Outbox = true
			h.reopen()
			f := seedList(h)
			keptIdle := h.text("core.flow.kept_idle", map[string]any{"Flow": h.text("core.flow.note", nil), "Minutes": 30})
			expired := h.text("core.session.expired", map[string]any{"Flow": h.text("core.flow.note", nil), "Minutes": 30})
			ctx := context.Background()
			kept := func(at time.Time) []Reply {
				t.Helper()
				rs, err := h.eng.IdleKept(ctx, at)
				if err != nil {
					t.Fatalf("IdleKept: %v", err)
				}
				return rs
			}

			// The writer's next message saves it, then runs as usual.
			written := h.now()
			runSteps(t, h, []step{
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("두피 스케일링 #두피"), ids: []string{"core.note.ask_amount"}},
				{msg: staffMsg("/followups"), advance: 31 * time.Minute, want: []string{keptIdle, "김민지"}, ids: []string{"core.followups.none"}, not: []string{expired}, check: func(t *testing.T, h *harness, _ []Reply) {
					if ns := h.notes(f.minji); len(ns) != 1 || ns[0].Text != "두피 스케일링" || ns[0].StaffID != "slack:"+staffID || !ns[0].At.Equal(written) {
						t.Errorf("notes %+v, want the idle note saved as 지수's at %v, when it was written", ns, written)
					}
					noSession(staffKey)(t, h, nil)
				}},
			})

			// A press on its question after the timeout ([건너뛰기]) is
			// answered by the save, with no "that button is stale".
			runSteps(t, h, []step{
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("커트 상담"), payloads: []string{"skip"}},
				{msg: press(staffMsg(""), "skip"), advance: 31 * time.Minute, want: []string{keptIdle}, not: []string{h.text("core.button.stale", nil)}, check: func(t *testing.T, h *harness, _ []Reply) {
					if ns := h.notes(f.minji); len(ns) != 2 {
						t.Errorf("notes %+v, want the pressed note saved", ns)
					}
				}},
			})
			// One who comes back to cancel it is not given it saved:
			// /cancel, 취소 and [취소] alike.
			for _, cancel := range []Message{staffMsg("/cancel"), staffMsg(word(h, "취소", "cancel")), press(staffMsg(""), "cancel")} {
				runSteps(t, h, []step{
					{msg: staffMsg("/note 김민지")},
					{msg: staffMsg("취소할 상담"), ids: []string{"core.note.ask_amount"}},
					{msg: cancel, advance: 31 * time.Minute, want: []string{expired}, not: []string{keptIdle}, check: func(t *testing.T, h *harness, _ []Reply) {
						if ns := h.notes(f.minji); len(ns) != 2 {
							t.Errorf("%+v: notes %+v, want the cancelled one not saved", cancel, ns)
						}
						noSession(staffKey)(t, h, nil)
					}},
				})
			}

			// The job saves it without waiting for them, and tells them by DM.
			runSteps(t, h, []step{
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("클리닉 상담"), ids: []string{"core.note.ask_amount"}},
			})
			if rs := kept(h.now().Add(29 * time.Minute)); len(rs) != 0 {
				t.Fatalf("IdleKept before the timeout = %+v, want nothing", rs)
			}
			h.advance(31 * time.Minute)
			rs := kept(h.now())
			if len(rs) != 2 || rs[0].Text != keptIdle || !strings.Contains(rs[1].Text, "김민지") {
				t.Fatalf("IdleKept = %+v, want the notice and the note's card", rs)
			}
			for _, r := range rs {
				if r.To != ToUser || r.Channel != ChannelSlack || r.UserID != staffID || r.OutboxID == "" || r.Lang != lang {
					t.Errorf("reply %+v, want a DM to %s in %s, in the outbox", r, staffID, lang)
				}
			}
			if ns := h.notes(f.minji); len(ns) != 3 || ns[0].Text != "클리닉 상담" {
				t.Errorf("notes %+v, want the job's note saved", ns)
			}
			noSession(staffKey)(t, h, nil)
			if rs := kept(h.now().Add(time.Hour)); len(rs) != 0 {
				t.Errorf("IdleKept again = %+v, want nothing", rs)
			}
			// The DMs wait in the outbox until delivered (a restart sends them).
			if out, err := h.eng.Unsent(ctx, "", 100); err != nil || len(out) < 2 || out[len(out)-1].Reply.OutboxID != rs[1].OutboxID {
				t.Errorf("Unsent = %+v, %v; want the DMs last", out, err)
			}
			runSteps(t, h, []step{{msg: staffMsg("/followups"), not: []string{keptIdle, expired}}})

			// Nothing to keep before the text: cancelled, as before.
			runSteps(t, h, []step{
				{msg: staffMsg("/note")},
				{msg: staffMsg("김민지")},
			})
			h.advance(31 * time.Minute)
			if rs := kept(h.now()); len(rs) != 0 {
				t.Errorf("IdleKept of a note without its text = %+v, want nothing", rs)
			}
			runSteps(t, h, []step{{msg: staffMsg("/followups"), want: []string{expired}, not: []string{keptIdle}}})

			// A writer whose grant went is not saved in their name.
			h.update(func(tx *ledger.Tx) error {
				return tx.PutStaff(ledger.StaffMember{ID: "slack:UGRANTED", Role: ledger.RoleStaff, GrantedBy: "slack:" + managerID, At: h.now()})
			})
			granted := Message{Channel: ChannelSlack, UserID: "UGRANTED", UserName: "민수", ConversationID: "DUGRANTED", Private: true}
			say := func(text string) Message { m := granted; m.Text = text; return m }
			runSteps(t, h, []step{
				{msg: say("/note 김민지")},
				{msg: say("염색 상담"), ids: []string{"core.note.ask_amount"}},
			})
			h.update(func(tx *ledger.Tx) error { return tx.RemoveStaff("slack:UGRANTED") })
			h.advance(31 * time.Minute)
			if rs := kept(h.now()); len(rs) != 0 {
				t.Errorf("IdleKept of a writer no longer staff = %+v, want nothing", rs)
			}
			if ns := h.notes(f.minji); len(ns) != 3 {
				t.Errorf("notes %+v, want none saved for a former staff member", ns)
			}
		})
	}
}

// TestIdleKeepFeedback: a customer's rating is saved when they walk away
// from the optional questions after it or start something else, with the
// NPS if they gave it; a one-star rating still raises the staff's alert.
// Before they rate, nothing is kept.
func TestIdleKeepFeedback(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.cfg.Outbox = true
			h.reopen()
			f := seed(h)
			runSteps(t, h, linkMinji(h))
			title := h.text("core.flow.feedback", nil)
			alerted := func(t *testing.T, rs []Reply) {
				t.Helper()
				for _, r := range rs {
					if r.To == ToStaffChannel && strings.Contains(r.Text, "★") {
						return
					}
				}
				t.Errorf("no staff alert of the low rating: %s", allText(rs))
			}
			last := func(t *testing.T, n, rating, nps int) {
				t.Helper()
				fs := h.allFeedback()
				if len(fs) != n {
					t.Fatalf("feedback %+v, want %d", fs, n)
				}
				if got := fs[len(fs)-1]; got.Rating != rating || got.NPS != nps || got.CustomerID != f.minji {
					t.Errorf("feedback %+v, want ★%d NPS %d of 김민지", got, rating, nps)
				}
			}

			// Another command after the rating: kept, and alerted.
			runSteps(t, h, []step{
				{msg: custMsg("/feedback")},
				{msg: press(custMsg(""), "rate:1"), ids: []string{"core.feedback.ask_nps"}},
				{msg: custMsg("/points"), want: []string{h.text("core.flow.kept", map[string]any{"Flow": title})}, check: func(t *testing.T, _ *harness, rs []Reply) {
					alerted(t, rs)
					last(t, 1, 1, ledger.NoNPS)
				}},
			})
			// Away past the timeout after the NPS: the next message saves it.
			runSteps(t, h, []step{
				{msg: custMsg("/feedback")},
				{msg: press(custMsg(""), "rate:4")},
				{msg: press(custMsg(""), "nps:9"), ids: []string{"core.feedback.ask_comment"}},
				{msg: custMsg("/points"), advance: 31 * time.Minute,
					want: []string{h.text("core.flow.kept_idle", map[string]any{"Flow": title, "Minutes": 30})}, check: func(t *testing.T, _ *harness, _ []Reply) {
						last(t, 2, 4, 9)
					}},
			})
			// Never back: the idle-keep job saves it and tells them.
			runSteps(t, h, []step{
				{msg: custMsg("/feedback")},
				{msg: press(custMsg(""), "rate:2")},
			})
			rated := h.now()
			rs, err := h.eng.IdleKept(context.Background(), rated.Add(35*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			alerted(t, rs)
			if us := allText(toUser(rs, ChannelTelegram, custTG)); !strings.Contains(us, h.text("core.feedback.thanks", nil)) ||
				!strings.Contains(us, h.text("core.flow.kept_idle", map[string]any{"Flow": title, "Minutes": 30})) {
				t.Errorf("the customer's DM: %s", us)
			}
			last(t, 3, 2, ledger.NoNPS)
			if got := h.allFeedback()[2].At; !got.Equal(rated) {
				t.Errorf("saved at %v, want %v, when it was rated", got, rated)
			}
			// Not rated yet: nothing to keep.
			runSteps(t, h, []step{
				{msg: custMsg("/feedback")},
				{msg: custMsg("/points"), want: []string{h.text("core.flow.replaced", map[string]any{"Flow": title})}},
			})
			if fs := h.allFeedback(); len(fs) != 3 {
				t.Errorf("feedback %+v, want nothing saved before a rating", fs)
			}
			// /feedback again after a ★ pressed by mistake starts over:
			// the abandoned rating is not saved, no complaint, no alert;
			// the one given next is.
			runSteps(t, h, []step{
				{msg: custMsg("/feedback")},
				{msg: press(custMsg(""), "rate:1"), ids: []string{"core.feedback.ask_nps"}},
				{msg: custMsg("/feedback"), want: []string{h.text("core.flow.restarted", map[string]any{"Flow": title})},
					not: []string{h.text("core.flow.kept", map[string]any{"Flow": title})}, check: func(t *testing.T, h *harness, rs []Reply) {
						if len(repliesTo(rs, ToStaffChannel)) != 0 {
							t.Errorf("staff alerted of the abandoned rating: %s", allText(rs))
						}
						if fs := h.allFeedback(); len(fs) != 3 {
							t.Errorf("feedback %+v, want the abandoned ★1 not saved", fs)
						}
					}},
				{msg: press(custMsg(""), "rate:5"), ids: []string{"core.feedback.ask_nps"}},
				{msg: custMsg("/feedback 4 친절해요"), want: []string{h.text("core.flow.replaced", map[string]any{"Flow": title})}, check: func(t *testing.T, _ *harness, _ []Reply) {
					last(t, 4, 4, ledger.NoNPS)
				}},
			})
		})
	}
}

// TestIdleKeepQuestion: a question whose [보내기] the customer never
// pressed goes to staff when they walk away (by their next message, or by
// the idle-keep job, which tells them); one they leave for a command is
// dropped, as before.
func TestIdleKeepQuestion(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h, open := linkedWithOutbox(t, lang)
			sentIdle := h.text("threads.sent_idle", map[string]any{"Minutes": 30})

			// Left for a command: not sent.
			runSteps(t, h, []step{
				{msg: custMsg("포인트 얼마예요")},
				{msg: custMsg("/points"), not: []string{sentIdle}},
			})
			if ths := open(); len(ths) != 0 {
				t.Fatalf("a question left for /points was sent: %+v", ths)
			}
			// Never back: the job sends it and tells them.
			runSteps(t, h, []step{{msg: custMsg("내일 예약 취소할게요"), ids: []string{"threads.ask"}}})
			rs, err := h.eng.IdleKept(context.Background(), h.now().Add(35*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if us := allText(toUser(rs, ChannelTelegram, custTG)); !strings.Contains(us, sentIdle) {
				t.Errorf("the customer's DM: %s", us)
			}
			staff := ""
			for _, r := range rs {
				if r.To == ToStaffChannel {
					staff += r.Text
				}
			}
			if !strings.Contains(staff, "내일 예약 취소할게요") {
				t.Errorf("staff were not given the question: %s", allText(rs))
			}
			if ths := open(); len(ths) != 1 {
				t.Fatalf("open threads %+v, want the question", ths)
			}
			if rs, _ := h.eng.IdleKept(context.Background(), h.now().Add(40*time.Minute)); len(rs) != 0 {
				t.Errorf("sent twice: %s", allText(rs))
			}
			// Back after the timeout: their next message sends it first,
			// and then joins it.
			h.update(func(tx *ledger.Tx) error {
				_, err := tx.CloseThread(open()[0].Number, "slack:"+staffID, "", h.now())
				return err
			})
			runSteps(t, h, []step{
				{msg: custMsg("주차 되나요?"), advance: 8 * 24 * time.Hour, ids: []string{"threads.ask"}},
				{msg: custMsg("답 주세요"), advance: 31 * time.Minute, want: []string{sentIdle}, check: func(t *testing.T, h *harness, _ []Reply) {
					ths := open()
					if len(ths) != 1 || len(h.threadMessages(ths[0].Number)) != 2 {
						t.Errorf("open threads %+v, want the question with the new message in it", ths)
					}
				}},
			})
		})
	}
}

// TestIdleKeepQuestionStray: a message that reads as a stray tap rather
// than words for the shop (a lone number, one character, emoji alone, a
// menu answer) is not sent unconfirmed: "2" became [문의 #1] "2" after 30
// minutes, with a manager's SLA alert. The customer is told it goes only
// with [보내기], and it is dropped at the timeout, by the job and by their
// next message alike; [보내기] still sends it, and real words still go.
func TestIdleKeepQuestionStray(t *testing.T) {
	tests := []struct {
		name, text string
		stray      bool
	}{
		{"Number", "2", true},
		{"NumberWithCounter", "2번", true},
		{"NumberWithDot", "3.", true},
		{"OneLetter", "ㅇ", true},
		{"OneSyllable", "아", true},
		{"QuestionMark", "?", true},
		{"Emoji", "👍👍", true},
		{"MenuAnswer", "네", true},
		{"MenuAnswerEnglish", "ok", true},
		{"Words", "내일 예약 가능해요", false},
		{"ShortWord", "예약", false},
		{"NumberInWords", "2시 예약", false},
		{"Laughter", "ㅠㅠ", false}, // says something, as after a low rating
	}
	for _, lang := range locales.Languages {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				h, open := linkedWithOutbox(t, lang)
				sendLabel := h.text("threads.btn.send", nil)
				strayAsk := h.text("threads.ask_stray", map[string]any{"Button": sendLabel})
				sentIdle := h.text("threads.sent_idle", map[string]any{"Minutes": 30})
				ask := step{msg: custMsg(tt.text), want: []string{h.text("threads.ask", nil)}, not: []string{strayAsk}}
				if tt.stray {
					ask = step{msg: custMsg(tt.text), want: []string{strayAsk}, payloads: []string{questionSend, "cancel"}}
				}
				runSteps(t, h, []step{ask})
				rs, err := h.eng.IdleKept(context.Background(), h.now().Add(35*time.Minute))
				if err != nil {
					t.Fatal(err)
				}
				if got := len(open()); tt.stray != (got == 0) {
					t.Fatalf("%q left unconfirmed: %d open threads, want stray=%v (replies %s)", tt.text, got, tt.stray, allText(rs))
				}
				if tt.stray {
					if len(rs) != 0 {
						t.Errorf("the job said %s, want nothing", allText(rs))
					}
					// Their next message is told the question ended, not
					// that it went.
					runSteps(t, h, []step{
						{msg: custMsg("주차 되나요"), advance: 31 * time.Minute, not: []string{sentIdle}},
						{msg: press(custMsg(""), "cancel")},
					})
					if ths := open(); len(ths) != 0 {
						t.Errorf("open threads %+v after the next message, want none", ths)
					}
					// Pressed, it goes.
					runSteps(t, h, []step{
						{msg: custMsg(tt.text), want: []string{strayAsk}},
						{msg: press(custMsg(""), questionSend)},
					})
					if ths := open(); len(ths) != 1 {
						t.Errorf("open threads %+v after [보내기], want the question", ths)
					}
				}
			})
		}
	}
}

// linkedWithOutbox is a harness with the outbox on and 김민지 linked, and
// a reading of the threads open, for the kept-question tests.
func linkedWithOutbox(t *testing.T, lang string) (*harness, func() []ledger.Thread) {
	t.Helper()
	h := mustOpenHarness(t, nil, lang)
	h.cfg.Outbox = true
	h.reopen()
	seed(h)
	runSteps(t, h, linkMinji(h))
	return h, func() []ledger.Thread {
		var ths []ledger.Thread
		h.view(func(tx *ledger.Tx) (err error) { ths, err = tx.OpenThreads(); return err })
		return ths
	}
}
