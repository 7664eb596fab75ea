package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// repliesTo returns the replies of rs sent to target.
func repliesTo(rs []Reply, target Target) []Reply {
	var out []Reply
	for _, r := range rs {
		if r.To == target {
			out = append(out, r)
		}
	}
	return out
}

// thread reads thread n from the harness's ledger.
func (h *harness) thread(n int64) ledger.Thread {
	h.tb.Helper()
	var th ledger.Thread
	h.view(func(tx *ledger.Tx) (err error) { th, err = tx.Thread(n); return err })
	return th
}

// threadMessages reads thread n's messages.
func (h *harness) threadMessages(n int64) []ledger.ThreadMessage {
	h.tb.Helper()
	var ms []ledger.ThreadMessage
	h.view(func(tx *ledger.Tx) (err error) { ms, err = tx.ThreadMessages(n); return err })
	return ms
}

var threadScripts = []script{
	// A customer who types "네" instead of pressing [보내기] sends the
	// question as it was; it was added to the question before.
	{"QuestionTypedYesAndNo", func(h *harness, f fixture) []step {
		const question = "내일 3시 예약 가능한가요?"
		return append(linkMinji(h),
			step{msg: custMsg(question), ids: []string{"threads.ask"}},
			step{msg: custMsg("네!"), want: []string{h.text("threads.sent", map[string]any{"Hours": "10:00–20:00"})}, check: func(t *testing.T, h *harness, rs []Reply) {
				if ms := h.threadMessages(1); len(ms) != 1 || ms[0].Text != question {
					t.Errorf("thread 1 messages %+v, want the question alone", ms)
				}
			}},
			// Someone else, not linked: "아니요" cancels, and a sentence that
			// starts with "네" is more of the question.
			step{msg: cust2Msg("주차 되나요?"), ids: []string{"threads.ask"}},
			step{msg: cust2Msg("아니요"), ids: []string{"core.cancel.done"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToStaffChannel)) != 0 {
					t.Error("a question the customer said no to reached the staff")
				}
			}},
			step{msg: cust2Msg("주차 되나요?"), ids: []string{"threads.ask"}},
			step{msg: cust2Msg("네 근데 두 대예요"), ids: []string{"threads.ask"}},
			step{msg: press(cust2Msg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				if ms := h.threadMessages(2); len(ms) != 1 || ms[0].Text != "주차 되나요?\n네 근데 두 대예요" {
					t.Errorf("thread 2 messages %+v, want both lines", ms)
				}
			}},
		)
	}},
	// "포인트" typed alone under "직원에게 전달할까요?" answers with the
	// balance and the question waits on as it was; it was added to the
	// question. So do the other words of what customers only read
	// (쿠폰, 스탬프, "points"), while a sentence with the word is more of
	// the question.
	{"QuestionBareCommandWord", func(h *harness, f fixture) []step {
		const question = "내일 3시 예약 가능한가요?"
		asked := []string{h.text("threads.ask", nil)}
		return append(linkMinji(h),
			step{msg: custMsg(question), ids: []string{"threads.ask"}},
			step{msg: custMsg("포인트"), want: []string{"김민지"}, not: asked},
			step{msg: custMsg("points"), want: []string{"김민지"}, not: asked},
			step{msg: custMsg("쿠폰"), ids: []string{"loyalty.mycoupons.none"}, not: asked},
			step{msg: custMsg("스탬프"), not: asked},
			step{msg: custMsg("포인트 언제 들어와요?"), ids: []string{"threads.ask"}},
			step{msg: press(custMsg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				if ms := h.threadMessages(1); len(ms) != 1 || ms[0].Text != question+"\n포인트 언제 들어와요?" {
					t.Errorf("thread 1 messages %+v, want the question and the sentence only", ms)
				}
			}},
		)
	}},
	{"QuestionReplyInboxClose", func(h *harness, f fixture) []step {
		const question = "내일 3시 예약 가능한가요?"
		return append(linkMinji(h),
			step{msg: custMsg(question), ids: []string{"threads.ask"}, payloads: []string{questionSend, "cancel"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToStaffChannel)) != 0 {
					t.Error("the question went to the staff before the customer said send")
				}
			}},
			step{msg: press(custMsg(""), questionSend), want: []string{h.text("threads.sent", map[string]any{"Hours": "10:00–20:00"})}, check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 {
					t.Fatalf("staff posts %+v, want the thread head", posts)
				}
				p := posts[0]
				for _, w := range []string{"[문의 #1]", "김민지", "010-****-5678", question} {
					if !strings.Contains(p.Text, w) {
						t.Errorf("head %q lacks %q", p.Text, w)
					}
				}
				if ps := payloads(posts); len(ps) != 4 || ps[0] != "th:claim:1" || ps[1] != "th:card:1" || ps[2] != "th:close:1" || ps[3] != "thr:1" {
					t.Errorf("head buttons %v", ps)
				}
				if th := h.thread(1); th.CustomerID != f.minji || th.State != ledger.ThreadOpen || th.SenderID != "telegram:"+custTG {
					t.Errorf("thread %+v", th)
				}
			}},
			step{msg: custMsg("2명이에요"), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if posts := repliesTo(rs, ToStaffChannel); len(posts) != 1 || !strings.Contains(posts[0].Text, "[문의 #1]") || !strings.Contains(posts[0].Text, "2명이에요") {
					t.Errorf("follow-up posts %+v, want one naming the thread", posts)
				}
			}},
			step{msg: press(staffMsg(""), "th:claim:1"), want: []string{h.text("threads.claim.done", map[string]any{"Name": "지수", "N": 1})}},
			step{msg: press(staff2Msg(""), "th:claim:1"), want: []string{h.text("threads.claim.other", map[string]any{"N": 1, "By": staffID})}},
			step{advance: 14 * time.Minute, msg: staffMsg("/reply 1 네, 3시 가능해요"), want: []string{h.text("threads.reply.sent", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				out := repliesTo(rs, ToUser)
				if len(out) != 1 || out[0].Channel != ChannelTelegram || out[0].UserID != custTG {
					t.Fatalf("relayed %+v, want one reply to the customer", out)
				}
				if want := h.text("threads.relay", map[string]any{"Shop": h.text("threads.shop", nil), "Staff": "지수", "Text": "네, 3시 가능해요"}); out[0].Text != want {
					t.Errorf("relayed %q, want %q", out[0].Text, want)
				}
				if strings.Contains(out[0].Text, staffID) {
					t.Error("the customer sees the staff member's platform id")
				}
				if th := h.thread(1); th.State != ledger.ThreadAnswered || th.FirstResponse() != 14*time.Minute {
					t.Errorf("thread %+v, want answered after 14 minutes", th)
				}
			}},
			step{msg: custMsg("감사합니다, 3시로 할게요"), ids: []string{"threads.joined"}},
			step{msg: staffMsg("/inbox"), want: []string{"#1", "김민지", h.text("threads.state.answered", map[string]any{"By": staffID, "First": h.text("threads.opening.minutes", map[string]any{"N": 14})})}},
			step{msg: staffMsg("/inbox 1"), want: []string{question, "2명이에요", "네, 3시 가능해요", "감사합니다, 3시로 할게요"}},
			// A colleague is told that one is open and handled, not that
			// none is.
			step{msg: staff2Msg("/inbox"), want: []string{h.text("threads.inbox.others_only", map[string]any{"Others": 1})}, not: []string{"김민지"}},
			step{msg: staffMsg("/inbox close 1 예약 완료"), want: []string{h.text("threads.close.done", map[string]any{"Name": "지수", "N": 1})}, check: func(t *testing.T, h *harness, _ []Reply) {
				if th := h.thread(1); th.State != ledger.ThreadClosed || th.CloseNote != "예약 완료" || th.ClosedBy != "slack:"+staffID {
					t.Errorf("closed thread %+v", th)
				}
			}},
			step{msg: staffMsg("/inbox"), ids: []string{"threads.inbox.empty"}},
			step{msg: staffMsg("/reply 1 하나 더요"), ids: []string{"threads.btn.reopen"}, payloads: []string{"th:reopen:1"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToUser)) != 0 {
					t.Error("a reply to a closed thread was relayed")
				}
			}},
			step{advance: 24 * time.Hour, msg: custMsg("시간 바꿀 수 있을까요?"), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if posts := repliesTo(rs, ToStaffChannel); len(posts) != 1 || !strings.Contains(posts[0].Text, "다시") {
					t.Errorf("reopen posts %+v", posts)
				}
				if th := h.thread(1); th.State == ledger.ThreadClosed || th.Reopened != 1 {
					t.Errorf("thread %+v, want reopened", th)
				}
				if n := len(h.threadMessages(1)); n != 5 {
					t.Errorf("%d messages, want 5", n)
				}
			}},
			step{msg: staffMsg("/inbox"), ids: []string{"threads.inbox.reopened"}},
			step{msg: staffMsg("/customer 김민지"), ids: []string{"threads.card.title"}, want: []string{"#1", question}},
			step{msg: custMsg("/mydata"), ids: []string{"threads.card.title"}, want: []string{question, "네, 3시 가능해요", h.text("threads.shop", nil) + ": 네, 3시 가능해요"}, not: []string{"slack:", "지수"}},
		)
	}},
	// A question sent at 14:00 and answered at 10:30 the next morning
	// waited 영업 6시간 (14–20 and 10–10:30), as the reply SLA and the
	// summary count it: /inbox showed the wall clock's 20시간. Its "20시간
	// 전" stays wall-clock: it says when the question came, not a wait.
	{"FirstResponseInOpeningTime", func(h *harness, f fixture) []step {
		first := h.text("threads.state.answered", map[string]any{"By": staffID, "First": h.text("threads.opening.hours", map[string]any{"N": 6})})
		return append(linkMinji(h),
			step{msg: custMsg("내일 3시 예약 가능한가요?"), ids: []string{"threads.ask"}},
			step{msg: press(custMsg(""), questionSend)},
			step{advance: 20*time.Hour + 30*time.Minute, msg: staffMsg("/reply 1 네, 가능해요"), want: []string{h.text("threads.reply.sent", map[string]any{"N": 1})}},
			step{msg: staffMsg("/inbox"), want: []string{first}, not: []string{h.text("threads.state.answered", map[string]any{"By": staffID, "First": h.text("threads.age.hours", map[string]any{"N": 20})})}},
		)
	}},
	// A customer erased while their question is open: the erasure closes
	// it, so it leaves /inbox; shown by number it names them as erased
	// and offers nothing, and what an old post offered (take it on, close,
	// reopen, answer) says the customer was erased.
	{"ErasedCustomerOpenThread", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: custMsg("내일 3시 예약 가능한가요?"), ids: []string{"threads.ask"}},
			step{msg: press(custMsg(""), questionSend)},
			step{build: func() Message {
				h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(f.minji, t0) })
				return staffMsg("/inbox")
			}, ids: []string{"threads.inbox.empty"}, not: []string{h.text("threads.unlinked", nil), "김민지"}},
			step{msg: staffMsg("/inbox 1"), ids: []string{"threads.erased", "threads.state.erased"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if ps := payloads(rs); len(ps) != 0 {
					t.Errorf("buttons %v, want none", ps)
				}
			}},
			step{msg: press(staffMsg(""), "th:card:1"), ids: []string{"threads.erased"}},
			step{msg: press(staffMsg(""), "th:claim:1"), want: []string{h.text("threads.erased_closed", map[string]any{"N": 1})}},
			step{msg: press(staffMsg(""), "th:reopen:1"), want: []string{h.text("threads.erased_closed", map[string]any{"N": 1})}, check: func(t *testing.T, h *harness, rs []Reply) {
				if th := h.thread(1); th.State != ledger.ThreadClosed {
					t.Errorf("thread %+v, want still closed", th)
				}
			}},
			step{msg: press(staffMsg(""), "thr:1"), want: []string{h.text("threads.erased_closed", map[string]any{"N": 1})}, not: []string{h.text("threads.btn.reopen", nil)}},
			step{msg: staffMsg("/reply 1 네, 가능해요"), want: []string{h.text("threads.erased_closed", map[string]any{"N": 1})}, not: []string{h.text("threads.btn.reopen", nil)}},
		)
	}},
	{"UnlinkedQuestion", func(h *harness, f fixture) []step {
		return []step{
			{msg: cust2Msg("가격표 있나요?"), ids: []string{"threads.ask"}},
			{msg: cust2Msg("커트 가격이요"), ids: []string{"threads.ask"}},
			{msg: press(cust2Msg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 || !strings.Contains(posts[0].Text, "미연결 고객") || !strings.Contains(posts[0].Text, "가격표 있나요?\n커트 가격이요") {
					t.Fatalf("posts %+v, want an unlinked head with both lines", posts)
				}
				for _, p := range payloads(posts) {
					if strings.HasPrefix(p, "th:card:") {
						t.Error("an unlinked customer's thread offers a card")
					}
				}
			}},
			{msg: press(staffMsg(""), "th:card:1"), ids: []string{"threads.unlinked"}},
			{msg: staffMsg("/reply 1 5만원부터예요"), check: func(t *testing.T, h *harness, rs []Reply) {
				if out := repliesTo(rs, ToUser); len(out) != 1 || out[0].UserID != custTG2 {
					t.Errorf("relayed %+v, want the unlinked sender", out)
				}
			}},
		}
	}},
	{"QuestionCancelled", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("아무말"), ids: []string{"threads.ask"}},
			{msg: press(custMsg(""), "cancel"), ids: []string{"core.cancel.done"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToStaffChannel)) != 0 {
					t.Error("a cancelled question reached the staff")
				}
				var open []ledger.Thread
				h.view(func(tx *ledger.Tx) (err error) { open, err = tx.OpenThreads(); return err })
				if len(open) != 0 {
					t.Errorf("threads %+v after cancel", open)
				}
			}},
		}
	}},
	{"ThreadTextRefused", func(h *harness, f fixture) []step {
		long := strings.Repeat("가", ledger.MaxThreadTextRunes+1)
		nothing := func(t *testing.T, h *harness, rs []Reply) {
			if len(repliesTo(rs, ToStaffChannel)) != 0 {
				t.Error("a refused text reached the staff")
			}
		}
		return []step{
			{msg: custMsg(long), want: []string{h.text("threads.err.too_long", map[string]any{"Limit": "4,000"})}, check: nothing},
			{msg: custMsg("a\x01b"), ids: []string{"threads.err.text"}, check: nothing},
			{msg: custMsg("질문이요"), ids: []string{"threads.ask"}},
			{msg: custMsg(long), want: []string{h.text("threads.err.too_long", map[string]any{"Limit": "4,000"})}},
			{msg: press(custMsg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				if ms := h.threadMessages(1); len(ms) != 1 || ms[0].Text != "질문이요" {
					t.Errorf("messages %+v, want only the question kept before the refusal", ms)
				}
			}},
			{msg: staffMsg("/reply 1 " + long), want: []string{h.text("threads.err.too_long", map[string]any{"Limit": "4,000"})}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToUser)) != 0 {
					t.Error("a refused reply was relayed")
				}
			}},
			{msg: staffMsg("/inbox close 1 a\x01b"), ids: []string{"threads.err.text"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if th := h.thread(1); th.State == ledger.ThreadClosed {
					t.Error("closed with a refused note")
				}
			}},
		}
	}},
	{"ThreadRefusals", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("질문 있어요")},
			{msg: press(custMsg(""), questionSend)},
			{msg: press(strangerMsg(""), "th:claim:1"), ids: []string{"core.refused"}},
			{msg: press(custMsg(""), "th:close:1"), ids: []string{"core.refused"}},
			{msg: custMsg("/reply 1 hi"), ids: []string{"core.help.short_customer"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToUser)) != 0 {
					t.Error("a customer relayed a reply")
				}
			}},
			{msg: custMsg("/inbox"), ids: []string{"core.help.short_customer"}, not: []string{"[문의 #1]"}},
			{msg: staffMsg("/reply"), ids: []string{"threads.reply.usage"}},
			{msg: staffMsg("/reply x hi"), want: []string{h.text("threads.err.number", map[string]any{"Got": "x"})}},
			{msg: staffMsg("/reply 9 hi"), want: []string{h.text("threads.err.none", map[string]any{"N": 9})}},
			{msg: staffMsg("/inbox 9"), want: []string{h.text("threads.err.none", map[string]any{"N": 9})}},
			{msg: staffMsg("/reply ９ hi"), want: []string{h.text("threads.err.none", map[string]any{"N": 9})}},
			{msg: staffMsg("/inbox close"), ids: []string{"threads.err.no_number"}},
			{msg: press(staffMsg(""), "th:nope:1"), ids: []string{"core.button.stale"}},
		}
	}},
	{"ComplaintClaimedThenResolved", func(h *harness, f fixture) []step {
		var fid string
		return append(linkMinji(h),
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:1")},
			step{msg: press(custMsg(""), "skip")},
			step{msg: custMsg("불친절했어요"), check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 || !strings.Contains(posts[0].Text, "[불만 #1]") {
					t.Fatalf("alert %+v, want the complaint's tag", posts)
				}
				fid = strings.TrimPrefix(posts[0].Buttons[0].Payload, "answer:")
				if th := h.thread(1); th.Kind != ledger.ThreadComplaint || th.FeedbackID != fid || th.Rating != 1 {
					t.Errorf("complaint %+v", th)
				}
			}},
			step{build: func() Message { return press(staffMsg(""), "answer:"+fid) }, want: []string{h.text("threads.claim.contact", map[string]any{"Name": "지수", "N": 1})}},
			step{msg: staffMsg("/inbox"), want: []string{"#1", h.text("threads.state.contact", map[string]any{"By": staffID})}, not: []string{"응대 완료"}},
			// Nothing resolved and no question answered yet: no median of
			// nothing ("중앙값 0분" read as answered at once), and the low
			// rating is unresolved, though claimed.
			step{msg: managerMsg("/summary"), want: []string{
				h.text("threads.week.questions", map[string]any{"N": 0, "Answered": 0, "Median": "", "P90": ""}) + "\n",
				h.text("threads.week.complaints", map[string]any{"Opened": 1, "Resolved": 0, "Open": 1, "Median": ""}) + "\n",
				h.text("summary.low", map[string]any{"Count": "1", "Unanswered": "1"}),
			}, not: []string{h.text("threads.age.minutes", map[string]any{"N": 0})}},
			// A complaint's close asks what to tell the customer (flow_resolve.go).
			step{msg: staffMsg("/inbox close 1 전화로 사과드림"), ids: []string{"resolve.btn.apology"}},
			step{msg: press(staffMsg(""), resolveBtnNoMsg)},
			step{msg: press(staffMsg(""), resolveBtnNoPoints), check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].AnsweredBy != "slack:"+staffID {
					t.Errorf("feedback %+v, want resolved by the closer", fs)
				}
			}},
			step{msg: managerMsg("/summary"), ids: []string{"threads.week.title"}, want: []string{
				h.text("threads.week.complaints", map[string]any{"Opened": 1, "Resolved": 1, "Open": 0, "Median": h.text("threads.opening.minutes", map[string]any{"N": 0})}),
			}},
		)
	}},
	// A question written while a complaint is open was filed as the
	// complaint's 추가 메시지: no 문의, and closing the complaint offered
	// its apology for a parking question. It is asked: [새 문의로 보내기]
	// opens a 문의 of its own, [불만 #1에 덧붙이기] joins the complaint as
	// before, and a reply that asks nothing joins it without a question.
	{"QuestionWhileComplaintOpen", func(h *harness, f fixture) []step {
		asked := h.text("threads.ask_complaint", map[string]any{"N": "1"})
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 2 너무 오래 기다렸어요")},
			step{msg: custMsg("주차 가능한가요?"), want: []string{asked}, payloads: []string{questionSend, "qjoin", "cancel"}, not: []string{h.text("threads.joined", nil)}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToStaffChannel)) != 0 {
					t.Error("the question reached the staff before the customer chose")
				}
				if ms := h.threadMessages(1); len(ms) != 1 {
					t.Errorf("complaint messages %+v, want its comment alone", ms)
				}
			}},
			step{msg: press(custMsg(""), questionSend), want: []string{h.text("threads.sent", map[string]any{"Hours": "10:00–20:00"})}, check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 || !strings.Contains(posts[0].Text, "[문의 #2]") || !strings.Contains(posts[0].Text, "주차 가능한가요?") {
					t.Fatalf("staff posts %+v, want the head of 문의 #2", posts)
				}
				if th := h.thread(2); th.Kind != ledger.ThreadQuestion || th.CustomerID != f.minji {
					t.Errorf("thread 2 %+v, want a question of the customer", th)
				}
				if ms := h.threadMessages(1); len(ms) != 1 {
					t.Errorf("complaint messages %+v, want its comment alone", ms)
				}
			}},
			// The question is their latest thread now: more words join it.
			step{msg: custMsg("차가 두 대예요"), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if ms := h.threadMessages(2); len(ms) != 2 {
					t.Errorf("question messages %+v, want both", ms)
				}
			}},
			step{msg: managerMsg("/summary"), want: []string{
				h.text("threads.week.questions", map[string]any{"N": 1, "Answered": 0, "Median": ""}),
			}},
		)
	}},
	{"ComplaintJoinChosen", func(h *harness, f fixture) []step {
		asked := h.text("threads.ask_complaint", map[string]any{"N": "1"})
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 1 너무 늦었어요")},
			// Words that ask nothing are a reply to the complaint, as before.
			step{msg: custMsg("30분 넘게 기다렸어요"), ids: []string{"threads.joined"}, not: []string{asked}},
			step{msg: custMsg("왜 이렇게 오래 걸렸나요?"), want: []string{asked}},
			step{msg: custMsg(h.text("threads.btn.join", map[string]any{"N": "1"})), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if posts := repliesTo(rs, ToStaffChannel); len(posts) != 1 || !strings.Contains(posts[0].Text, "[불만 #1]") || !strings.Contains(posts[0].Text, "왜 이렇게 오래 걸렸나요?") {
					t.Errorf("staff posts %+v, want the words in 불만 #1", posts)
				}
				if ms := h.threadMessages(1); len(ms) != 3 || ms[2].Text != "왜 이렇게 오래 걸렸나요?" {
					t.Errorf("complaint messages %+v, want the question last", ms)
				}
			}},
			step{msg: staffMsg("/inbox 2"), want: []string{h.text("threads.err.none", map[string]any{"N": 2})}},
		)
	}},
	// A question a few days after a complaint was resolved reopened it
	// unasked: the parking question counted the complaint 처리 중 again.
	// It is asked about as while the complaint is open; [새 문의로 보내기]
	// leaves the complaint resolved. Past ledger.ReopenWindow the closed
	// complaint is not theirs to join any more: the question is a 문의.
	{"QuestionAfterComplaintClosed", func(h *harness, f fixture) []step {
		asked := h.text("threads.ask_closed_complaint", map[string]any{"N": "1"})
		resolved := h.text("threads.week.complaints", map[string]any{"Opened": 1, "Resolved": 1, "Open": 0, "Median": h.text("threads.opening.minutes", map[string]any{"N": 0})})
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 1 너무 늦었어요")},
			step{msg: staffMsg("/inbox close 1 전화로 사과드림"), ids: []string{"resolve.btn.apology"}},
			step{msg: press(staffMsg(""), resolveBtnNoMsg)},
			step{msg: press(staffMsg(""), resolveBtnNoPoints)},
			step{advance: 48 * time.Hour, msg: custMsg("주차 가능한가요?"), want: []string{asked}, payloads: []string{questionSend, "qjoin", "cancel"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(repliesTo(rs, ToStaffChannel)) != 0 {
					t.Error("the question reached the staff before the customer chose")
				}
				if th := h.thread(1); th.State != ledger.ThreadClosed || th.Reopened != 0 {
					t.Errorf("complaint %+v, want still closed while the customer chooses", th)
				}
			}},
			step{msg: press(custMsg(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 || !strings.Contains(posts[0].Text, "[문의 #2]") {
					t.Fatalf("staff posts %+v, want the head of 문의 #2", posts)
				}
				if th := h.thread(1); th.State != ledger.ThreadClosed || th.Reopened != 0 {
					t.Errorf("complaint %+v, want left resolved", th)
				}
			}},
			step{msg: managerMsg("/summary"), want: []string{resolved}},
			// A week and more after the close: no complaint to join.
			step{msg: staffMsg("/inbox close 2"), check: func(t *testing.T, h *harness, _ []Reply) {
				if th := h.thread(2); th.State != ledger.ThreadClosed {
					t.Errorf("문의 #2 %+v, want closed", th)
				}
			}},
			step{advance: ledger.ReopenWindow + time.Hour, msg: custMsg("예약 변경 되나요?"), ids: []string{"threads.ask"}, not: []string{asked}},
		)
	}},
	// "감사합니다" after a complaint's close leaves it resolved: it reopened
	// it, and the summary read the low rating 해결 while its complaint
	// counted 처리 중. A message that says something still reopens, and
	// the low rating says so.
	{"ComplaintThanksAfterClose", func(h *harness, f fixture) []step {
		resolved := h.text("threads.week.complaints", map[string]any{"Opened": 1, "Resolved": 1, "Open": 0, "Median": h.text("threads.opening.minutes", map[string]any{"N": 0})})
		lowResolved := h.text("summary.low_answered", map[string]any{"Rating": 1, "Name": "김민지", "Date": "5/13", "Comment": "너무 늦었어요"})
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 1 너무 늦었어요")},
			step{msg: staffMsg("/inbox close 1 전화로 사과드림"), ids: []string{"resolve.btn.apology"}},
			step{msg: press(staffMsg(""), resolveBtnNoMsg)},
			step{msg: press(staffMsg(""), resolveBtnNoPoints)},
			step{advance: time.Hour, msg: custMsg("감사합니다!"), ids: []string{"threads.thanked"}, not: []string{h.text("threads.joined", nil)}, check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 || posts[0].Thread != "1" || !strings.Contains(posts[0].Text, "감사합니다!") || !strings.Contains(posts[0].Text, "[불만 #1]") {
					t.Fatalf("staff posts %+v, want the thanks as a note in thread 1", posts)
				}
				if ps := payloads(posts); len(ps) != 1 || ps[0] != "th:reopen:1" {
					t.Errorf("note buttons %v, want only [다시 열기]", ps)
				}
				if th := h.thread(1); th.State != ledger.ThreadClosed || th.Reopened != 0 {
					t.Errorf("thread %+v, want still closed", th)
				}
				if ms := h.threadMessages(1); len(ms) != 2 || ms[1].Text != "감사합니다!" || !ms[1].AfterClose {
					t.Errorf("messages %+v, want the thanks kept after the close", ms)
				}
			}},
			step{msg: custMsg("네 알겠습니다 ^^"), ids: []string{"threads.thanked"}},
			step{msg: staffMsg("/inbox"), ids: []string{"threads.inbox.empty"}},
			step{msg: managerMsg("/summary"), want: []string{resolved, lowResolved}},
			// A question after the close asks first (a new 문의, or the
			// complaint reopened); choosing the complaint reopens it.
			step{msg: custMsg("감사합니다. 그런데 환불은 언제 되나요?"), want: []string{h.text("threads.ask_closed_complaint", map[string]any{"N": "1"})},
				payloads: []string{questionSend, "qjoin", "cancel"}, not: []string{h.text("threads.joined", nil)}},
			step{msg: press(custMsg(""), "qjoin"), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if posts := repliesTo(rs, ToStaffChannel); len(posts) != 1 || !strings.Contains(posts[0].Text, "다시") {
					t.Errorf("posts %+v, want the reopening", posts)
				}
				if th := h.thread(1); th.State == ledger.ThreadClosed || th.Reopened != 1 {
					t.Errorf("thread %+v, want reopened", th)
				}
			}},
			step{msg: managerMsg("/summary"), want: []string{
				h.text("threads.week.complaints", map[string]any{"Opened": 1, "Resolved": 0, "Open": 1, "Median": ""}),
				h.text("summary.low_reopened", map[string]any{"Rating": 1, "Name": "김민지", "Date": "5/13", "Comment": "너무 늦었어요"}),
			}, not: []string{lowResolved + "\n"}},
		)
	}},
}

func TestThreadScripts(t *testing.T) { runScripts(t, threadScripts) }

// TestThanks: a whole thanks or acknowledgement, in the forms customers
// type them; a thanks with a question or more to say is not.
func TestThanks(t *testing.T) {
	for in, want := range map[string]bool{
		"감사합니다": true, "감사합니다!": true, "감사합니다~^^": true, "네 감사합니다": true, "정말 감사합니다": true, "고마워요ㅎㅎ": true,
		"네": true, "넵!": true, "알겠습니다.": true, "Thank you!": true, "thanks": true, "ok thanks": true, "👍": true, "🙏🙏": true,
		"감사합니다. 그런데 환불은 언제 되나요?": false, "아직 해결이 안 됐어요": false, "아니요": false, "?": false, "": false,
		"감사합니다 다음에 또 올게요 그런데 주차가 돼요?": false, "네 근데 질문이 있어요": false,
		// Sad or angry marks may say the complaint is not over.
		"ㅠㅠ": false, "😡": false, "👎": false, "...": false, "okay thanks": true, "^^": true,
	} {
		if got := thanks(in); got != want {
			t.Errorf("thanks(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestCustomerSentenceNotStaffCommand: a customer's sentence that starts
// with the Korean word of a staff command is a question for the shop, not
// that command, while the customer's own words with what follows stay
// commands and staff keep theirs.
func TestCustomerSentenceNotStaffCommand(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	steps := linkMinji(h)
	for _, q := range []string{"고객 센터 번호 알려주세요", "메모 남겨도 되나요?", "요약 좀 해 주실 수 있나요", "생일 쿠폰 있나요?", "취소 가능한가요?",
		"포인트 언제 소멸돼요?", "포인트로 결제 되나요?"} {
		steps = append(steps,
			step{msg: custMsg(q), ids: []string{"threads.ask"}, not: []string{h.text("core.help.short_customer", nil)}},
			step{msg: custMsg("/cancel")})
	}
	steps = append(steps,
		step{msg: custMsg("피드백 ★★★★★ 최고예요"), ids: []string{"core.feedback.thanks"}},
		step{msg: custMsg("포인트 확인"), want: []string{"김민지"}, not: []string{h.text("threads.ask", nil)}},
		step{msg: custMsg("포인트 얼마 남았어요?"), want: []string{"김민지"}, not: []string{h.text("threads.ask", nil)}},
		step{msg: custMsg("생일 3/15"), want: []string{h.text("customer_edit.my.set_no_greeting", map[string]any{"Date": "3월 15일"})}},
		step{msg: custMsg("/생일 쿠폰"), want: []string{h.text("customer_edit.my.bad", map[string]any{"Value": "쿠폰"})}},
		step{msg: custMsg("/고객 센터"), ids: []string{"core.help.short_customer"}},
		step{msg: staffMsg("고객 김민지"), want: []string{"김민지", "010-1234-5678"}},
	)
	runSteps(t, h, steps)
}

// TestThreadHeadInShopLanguage: the staff's post of an English-speaking
// customer's question names their tier in the shop's language.
func TestThreadHeadInShopLanguage(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	runSteps(t, h, linkMinji(h))
	en := func(text string) Message { m := custMsg(text); m.Lang = "en"; return m }
	runSteps(t, h, []step{
		{msg: en("Do you open on Sunday?")},
		{msg: press(en(""), questionSend), check: func(t *testing.T, h *harness, rs []Reply) {
			for _, r := range rs {
				if r.To == ToStaffChannel && r.Head {
					if want := h.text("core.tier.new", nil); !strings.Contains(r.Text, want) {
						t.Errorf("staff head %q, want the tier as %q", r.Text, want)
					}
					return
				}
			}
			t.Errorf("no staff head: %s", allText(rs))
		}},
	})
}
