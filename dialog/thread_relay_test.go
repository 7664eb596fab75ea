package dialog

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// inThread is m written under thread n of the staff channel, as the Slack
// adapter makes it: the channel's conversation, not the sender's DM.
func inThread(m Message, n string) Message {
	m.Thread, m.ConversationID, m.Private = n, "CSTAFF/"+m.UserID, false
	return m
}

// edited is m as an edit (or deletion) of a message in thread n.
func edited(m Message, n, kind string) Message {
	m = inThread(m, n)
	m.Edit = kind
	return m
}

// headUpdates returns the replies of rs that rewrite a thread's head.
func headUpdates(rs []Reply) []Reply {
	var out []Reply
	for _, r := range rs {
		if r.To == ToStaffChannel && r.Head && r.HeadUpdate {
			out = append(out, r)
		}
	}
	return out
}

// questionOpen is a linked customer's question sent to the staff: thread #1.
func questionOpen(h *harness, question string) []step {
	return append(linkMinji(h),
		step{msg: custMsg(question)},
		step{msg: press(custMsg(""), questionSend)},
	)
}

var threadRelayScripts = []script{
	{"AnswerInThread", func(h *harness, f fixture) []step {
		const question = "내일 3시 예약 가능한가요?"
		relayed := func(text string) func(t *testing.T, h *harness, rs []Reply) {
			return func(t *testing.T, h *harness, rs []Reply) {
				t.Helper()
				out := repliesTo(rs, ToUser)
				if len(out) != 1 || out[0].Channel != ChannelTelegram || out[0].UserID != custTG {
					t.Fatalf("relayed %+v, want one reply to the customer", out)
				}
				if want := h.text("threads.relay", map[string]any{"Shop": h.text("threads.shop", nil), "Staff": "지수", "Text": text}); out[0].Text != want {
					t.Errorf("relayed %q, want %q", out[0].Text, want)
				}
			}
		}
		return append(questionOpen(h, question),
			step{advance: 14 * time.Minute, msg: inThread(staffMsg("네, 3시 비어 있어요"), "1"), want: []string{h.text("threads.reply.sent", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				relayed("네, 3시 비어 있어요")(t, h, rs)
				for _, p := range repliesTo(rs, ToStaffChannel) {
					if !p.Head && strings.Contains(p.Text, "네, 3시 비어 있어요") {
						t.Errorf("an answer written in the thread was posted there again: %q", p.Text)
					}
				}
				heads := headUpdates(rs)
				if len(heads) != 1 || heads[0].Thread != "1" {
					t.Fatalf("head updates %+v, want thread 1's head once", heads)
				}
				// The head is in the shop's language (ko), whoever answered.
				state := h.cat.Text("ko", "threads.state.answered", map[string]any{"By": staffID, "First": h.cat.Text("ko", "threads.opening.minutes", map[string]any{"N": 14})})
				for _, w := range []string{"[문의 #1]", "김민지", question, state} {
					if !strings.Contains(heads[0].Text, w) {
						t.Errorf("head %q lacks %q", heads[0].Text, w)
					}
				}
				for _, p := range payloads(heads) {
					if strings.HasPrefix(p, "th:claim:") {
						t.Errorf("the head of a taken thread still offers %s", p)
					}
				}
				if th := h.thread(1); th.State != ledger.ThreadAnswered || th.ClaimedBy != "slack:"+staffID || th.FirstResponse() != 14*time.Minute {
					t.Errorf("thread %+v, want answered and taken by the answerer after 14 minutes", th)
				}
			}},
			// A Korean command word starting an answer is still an answer.
			step{msg: inThread(staffMsg("답장 늦어 죄송해요"), "1"), check: func(t *testing.T, h *harness, rs []Reply) {
				relayed("답장 늦어 죄송해요")(t, h, rs)
				if len(headUpdates(rs)) != 0 {
					t.Error("a second answer rewrote the head")
				}
			}},
			// A slash command typed in a thread runs as anywhere.
			step{msg: inThread(staffMsg("/inbox"), "1"), want: []string{h.text("threads.inbox.head", map[string]any{"Count": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToUser)) != 0 {
					t.Error("a command in the thread was relayed")
				}
			}},
			step{msg: inThread(strangerMsg("저도 궁금해요"), "1"), none: true},
			step{msg: inThread(custMsg("제가 쓴 글"), "1"), none: true},
			step{msg: edited(staffMsg("네, 4시 비어 있어요"), "1", EditChanged), want: []string{h.cat.Text("ko", "threadrelay.edit.notice", nil)}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToUser)) != 0 {
					t.Error("an edit was relayed")
				}
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 || posts[0].Thread != "1" {
					t.Errorf("notice %+v, want one post in thread 1", posts)
				}
			}},
			step{msg: edited(staffMsg(""), "1", EditDeleted), none: true},
			step{msg: edited(strangerMsg("고침"), "1", EditChanged), none: true},
			step{msg: inThread(staffMsg("x"), "9"), want: []string{h.text("threads.err.none", map[string]any{"N": 9})}},
			step{msg: inThread(staffMsg("a\x01b"), "1"), ids: []string{"threads.err.text"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToUser)) != 0 {
					t.Error("a refused answer was relayed")
				}
			}},
			step{msg: inThread(staffMsg("/inbox close 1"), "1"), want: []string{h.text("threads.close.done", map[string]any{"Name": "지수", "N": 1})}},
			step{msg: inThread(staffMsg("하나 더요"), "1"), want: []string{h.text("threads.reply.closed", map[string]any{"N": 1})}, payloads: []string{"th:reopen:1"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToUser)) != 0 {
					t.Error("an answer to a closed thread was relayed")
				}
			}},
			step{msg: custMsg("/mydata"), want: []string{"네, 3시 비어 있어요"}, not: []string{"slack:", staffID, "4시"}},
		)
	}},
	{"ReplyButton", func(h *harness, f fixture) []step {
		form := func(m Message, id, text string) Message {
			m.FormID, m.Form, m.CanForm = id, map[string]string{fieldReplyText: text}, true
			return m
		}
		canForm := func(m Message) Message { m.CanForm = true; return m }
		return append(questionOpen(h, "주차 되나요?"),
			step{msg: press(staffMsg(""), "thr:1"), want: []string{"/reply 1"}, check: func(t *testing.T, h *harness, rs []Reply) {
				for _, r := range rs {
					if r.Form != nil {
						t.Error("a form was opened for a client that cannot show one")
					}
				}
			}},
			step{msg: canForm(press(staffMsg(""), "thr:1")), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].Form == nil || rs[0].Form.ID != "reply:1" || len(rs[0].Form.Fields) != 1 || rs[0].Form.Fields[0].Name != fieldReplyText {
					t.Fatalf("replies %+v, want the reply form of #1", rs)
				}
			}},
			step{msg: form(staffMsg(""), "reply:1", "  "), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].FormErrors[fieldReplyText] != h.text("threadrelay.form.err.required", nil) {
					t.Errorf("replies %+v, want the form kept open with its error", rs)
				}
				if len(repliesTo(rs, ToUser)) != 0 || len(h.threadMessages(1)) != 1 {
					t.Error("an empty answer was relayed or kept")
				}
			}},
			step{msg: form(staffMsg(""), "reply:1", strings.Repeat("가", ledger.MaxThreadTextRunes+1)), check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || !strings.Contains(rs[0].FormErrors[fieldReplyText], "4,000") {
					t.Errorf("replies %+v, want the limit inline", rs)
				}
			}},
			step{msg: form(staffMsg(""), "reply:1", "네, 건물 뒤에 있어요"), want: []string{h.text("threads.reply.sent", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				if out := repliesTo(rs, ToUser); len(out) != 1 || !strings.Contains(out[0].Text, "네, 건물 뒤에 있어요") {
					t.Errorf("relayed %+v", out)
				}
				// Sent from the form, the answer is told in the thread too.
				want := h.cat.Text("ko", "threadrelay.replied", map[string]any{"Name": "지수", "Text": "네, 건물 뒤에 있어요"})
				var told bool
				for _, p := range repliesTo(rs, ToStaffChannel) {
					told = told || (p.Thread == "1" && !p.Head && p.Text == want)
				}
				if !told {
					t.Errorf("the thread was not told of the answer %q: %+v", want, repliesTo(rs, ToStaffChannel))
				}
			}},
			step{msg: form(staffMsg(""), "reply:9", "안녕하세요"), want: []string{h.text("threads.err.none", map[string]any{"N": 9})}},
			step{msg: press(strangerMsg(""), "thr:1"), ids: []string{"core.refused"}},
			step{msg: press(custMsg(""), "thr:1"), ids: []string{"core.refused"}},
		)
	}},
	{"HeadUpdates", func(h *harness, f fixture) []step {
		// head checks the one head update of rs: its state line and buttons.
		head := func(state string, want, not []string) func(t *testing.T, h *harness, rs []Reply) {
			return func(t *testing.T, h *harness, rs []Reply) {
				t.Helper()
				heads := headUpdates(rs)
				if len(heads) != 1 || heads[0].Thread != "1" || heads[0].Lang != "ko" {
					t.Fatalf("head updates %+v, want thread 1's once, in the shop's language", heads)
				}
				if line := h.cat.Text("ko", "threadrelay.head.state", map[string]any{"State": state}); !strings.Contains(heads[0].Text, line) {
					t.Errorf("head %q lacks %q", heads[0].Text, line)
				}
				ps := payloads(heads)
				for _, p := range want {
					if !slices.Contains(ps, p) {
						t.Errorf("head buttons %v lack %s", ps, p)
					}
				}
				for _, p := range not {
					if slices.Contains(ps, p) {
						t.Errorf("head buttons %v still offer %s", ps, p)
					}
				}
			}
		}
		ko := func(id string) string { return h.cat.Text("ko", id, map[string]any{"By": staffID}) }
		return append(questionOpen(h, "예약 바꿀 수 있나요?"),
			step{msg: press(staffMsg(""), "th:claim:1"), check: head(ko("threads.state.claimed"), []string{"th:close:1", "thr:1"}, []string{"th:claim:1"})},
			step{msg: staffMsg("/inbox close 1 전화로 변경"), check: head(ko("threads.state.closed"), []string{"th:reopen:1"}, []string{"th:close:1", "thr:1", "th:card:1"})},
			step{msg: press(staffMsg(""), "th:reopen:1"), check: head(ko("threads.state.claimed"), []string{"th:close:1", "thr:1"}, []string{"th:reopen:1"})},
			// A head update is never one the customer sees.
			step{msg: staffMsg("/reply 1 네, 바꿔 드렸어요"), check: func(t *testing.T, h *harness, rs []Reply) {
				for _, r := range headUpdates(rs) {
					if r.To != ToStaffChannel {
						t.Errorf("head update to %v", r.To)
					}
				}
				if n := len(headUpdates(rs)); n != 1 {
					t.Errorf("%d head updates for the first answer, want 1", n)
				}
			}},
		)
	}},
	{"ComplaintHead", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:1")},
			step{msg: press(custMsg(""), "skip")},
			step{msg: custMsg("너무 오래 기다렸어요")},
			step{msg: press(staffMsg(""), "th:claim:1"), check: func(t *testing.T, h *harness, rs []Reply) {
				heads := headUpdates(rs)
				if len(heads) != 1 {
					t.Fatalf("head updates %+v, want one", heads)
				}
				for _, w := range []string{"[불만 #1]", "★☆☆☆☆", "김민지", "너무 오래 기다렸어요", h.cat.Text("ko", "threads.state.contact", map[string]any{"By": staffID})} {
					if !strings.Contains(heads[0].Text, w) {
						t.Errorf("complaint head %q lacks %q", heads[0].Text, w)
					}
				}
				ps := payloads(heads)
				for _, p := range ps {
					if strings.HasPrefix(p, "answer:") {
						t.Errorf("the taken complaint still offers %s", p)
					}
				}
				if !slices.Contains(ps, "thr:1") || !slices.Contains(ps, "th:close:1") {
					t.Errorf("complaint head buttons %v, want [해결됨] and [답장하기]", ps)
				}
			}},
		)
	}},
	{"ErasureScrubsHeads", func(h *harness, f fixture) []step {
		const question, unlinked = "내일 3시 예약 가능한가요?", "가격표 있나요?"
		scrubbed := func(n string, gone ...string) func(t *testing.T, h *harness, rs []Reply) {
			return func(t *testing.T, h *harness, rs []Reply) {
				t.Helper()
				var heads []Reply
				for _, r := range headUpdates(rs) {
					if r.Thread == n {
						heads = append(heads, r)
					}
				}
				if len(heads) != 1 {
					t.Fatalf("head updates of #%s %+v, want one", n, headUpdates(rs))
				}
				for _, g := range gone {
					if strings.Contains(heads[0].Text+allText(heads), g) {
						t.Errorf("the scrubbed head of #%s still shows %q: %q", n, g, heads[0].Text)
					}
				}
				erasedHead(t, h, heads[0])
			}
		}
		return append(questionOpen(h, question),
			step{msg: cust2Msg(unlinked)},
			step{msg: press(cust2Msg(""), questionSend)},
			step{msg: custMsg("/forget")},
			step{msg: press(custMsg(""), "yes"), ids: []string{"core.forget.done"}, check: func(t *testing.T, h *harness, rs []Reply) {
				scrubbed("1", "김민지", "5678", question, h.cat.Text("ko", "threads.btn.card", nil))(t, h, rs)
				if heads := headUpdates(rs); !strings.Contains(heads[0].Text, h.cat.Text("ko", "threadrelay.head.erased", map[string]any{"Tag": "[문의 #1]"})) {
					t.Errorf("head %q does not say the customer was erased", heads[0].Text)
				}
			}},
			step{msg: cust2Msg("/forget")},
			step{msg: press(cust2Msg(""), "yes"), ids: []string{"core.forget.done"}, check: scrubbed("2", unlinked)},
		)
	}},
	{"StaffErasureScrubsHeads", func(h *harness, f fixture) []step {
		erase := word(h, "삭제", "delete")
		reason := word(h, "고객 요청 (전화)", "customer's request (phone)")
		return append(questionOpen(h, "주차 되나요?"),
			step{msg: managerMsg("/customer 김민지 " + erase)},
			step{msg: managerMsg(reason)},
			step{msg: press(managerMsg(""), "yes"), check: func(t *testing.T, h *harness, rs []Reply) {
				heads := headUpdates(rs)
				if len(heads) != 1 || heads[0].Thread != "1" {
					t.Fatalf("head updates %+v, want thread 1's", heads)
				}
				for _, g := range []string{"김민지", "5678", "주차 되나요?"} {
					if strings.Contains(heads[0].Text, g) {
						t.Errorf("the scrubbed head still shows %q: %q", g, heads[0].Text)
					}
				}
				erasedHead(t, h, heads[0])
			}},
			step{msg: staffMsg("/inbox"), ids: []string{"threads.inbox.empty"}},
		)
	}},
}

func TestThreadRelayScripts(t *testing.T) { runScripts(t, threadRelayScripts) }

// erasedHead checks a head (in the shop's language) rewritten after its
// customer's erasure: it says the thread closed with the erasure and
// offers no button, since nobody is left to answer, take it on or reopen
// it for.
func erasedHead(t *testing.T, h *harness, head Reply) {
	t.Helper()
	if state := h.cat.Text("ko", "threads.state.erased", nil); !strings.Contains(head.Text, state) {
		t.Errorf("head %q does not say %q", head.Text, state)
	}
	if len(head.Buttons) != 0 {
		t.Errorf("the erased customer's head still offers %v", payloads([]Reply{head}))
	}
}
