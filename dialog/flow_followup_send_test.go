package dialog

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// followUpNote adds a note by the staff member with a follow-up due today
// and returns its id.
func followUpNote(h *harness, customerID, text string, tags ...string) string {
	h.tb.Helper()
	y, m, d := h.now().In(seoul).Date()
	n := ledger.Note{CustomerID: customerID, StaffID: "slack:" + staffID, StaffName: "지수", At: h.now(), Text: text, Tags: tags,
		FollowUp: time.Date(y, m, d, 0, 0, 0, 0, seoul)}
	h.update(func(tx *ledger.Tx) error { return tx.AddNote(&n) })
	return n.ID
}

// sentToCustomer is the one reply to the first customer (toUser,
// loyalty_test.go), or fails.
func sentToCustomer(t *testing.T, rs []Reply) Reply {
	t.Helper()
	out := toUser(rs, ChannelTelegram, custTG)
	if len(out) != 1 || slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToUser && r.UserID != custTG }) {
		t.Fatalf("messages to the customer = %+v in %+v", out, rs)
	}
	return out[0]
}

// followUpIsDone asserts whether note *id's follow-up is done.
func followUpIsDone(id *string, want bool) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		h.view(func(tx *ledger.Tx) error {
			n, err := tx.Note(*id)
			if err != nil {
				return err
			}
			if n.FollowUpDone != want {
				t.Errorf("follow-up done = %v, want %v", n.FollowUpDone, want)
			}
			return nil
		})
	}
}

// audited asserts an audit entry action/detail about customerID.
func audited(customerID *string, action, detail string) func(*testing.T, *harness, []Reply) {
	return func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		if !slices.ContainsFunc(h.audits(), func(a ledger.AuditEntry) bool {
			return a.CustomerID == *customerID && a.Action == action && a.Detail == detail
		}) {
			t.Errorf("no audit %s/%s of %s in %+v", action, detail, *customerID, h.audits())
		}
	}
}

var followUpScripts = []script{
	{"FollowUpDraftSent", func(h *harness, f fixture) []step {
		var id string
		// The topic in the customer's language: an English draft names no
		// Korean one (TestFollowUpTopic).
		topic := word(h, "펌", "perm")
		steps := linkMinji(h)
		return append(steps,
			step{build: func() Message {
				id = followUpNote(h, f.minji, "펌 상담, 다음 달 재방문", topic)
				return staffMsg("/followups")
			},
				check: func(t *testing.T, h *harness, rs []Reply) {
					if ps := payloads(rs); !slices.Contains(ps, "fs:"+id) || !slices.Contains(ps, "fu:"+id) {
						t.Errorf("buttons %v lack [메시지 보내기] or [완료]", ps)
					}
				}},
			step{build: func() Message { return press(staffMsg(""), "fs:"+id) }, want: []string{"김민지", topic}, payloads: []string{followUpSendBtn, "cancel"},
				check: all(followUpIsDone(&id, false), audited(&f.minji, "read", "followup-draft"))},
			// The shop wrote first: a message sent, not a reply.
			step{msg: press(staffMsg(""), followUpSendBtn), want: []string{h.text("core.followups.done", map[string]any{"Name": "김민지"}), h.text("threads.reply.started", map[string]any{"N": 1})},
				not: []string{h.text("threads.reply.sent", map[string]any{"N": 1}), strings.Split(h.text("threadrelay.replied", map[string]any{"Name": "@", "Text": "@"}), "@")[1]},
				check: func(t *testing.T, h *harness, rs []Reply) {
					r := sentToCustomer(t, rs)
					if !strings.Contains(r.Text, "김민지") || !strings.Contains(r.Text, topic) {
						t.Errorf("message %q lacks the name or the topic", r.Text)
					}
					followUpIsDone(&id, true)(t, h, rs)
					audited(&f.minji, "followup", id)(t, h, rs)
					if !slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToStaffChannel && r.Head && !r.HeadUpdate && r.Thread == "1" }) {
						t.Errorf("no thread head in the staff channel: %+v", rs)
					}
					// Its new version after the answer still says it is a follow-up.
					head := h.cat.Text("ko", "care.followup.head", map[string]any{"Tag": h.cat.Text("ko", "threads.tag.byshop", map[string]any{"N": 1}), "Name": "김민지", "Masked": "010-****-5678"})
					if !slices.ContainsFunc(rs, func(r Reply) bool { return r.HeadUpdate && strings.HasPrefix(r.Text, head) }) {
						t.Errorf("no head update starting %q in %+v", head, rs)
					}
					h.view(func(tx *ledger.Tx) error {
						ms, err := tx.ThreadMessages(1)
						if err != nil {
							return err
						}
						if len(ms) != 1 || !ms[0].Out || !strings.Contains(ms[0].Text, topic) {
							t.Errorf("thread #1 messages = %+v", ms)
						}
						return nil
					})
				}},
			// The customer's answer continues the thread.
			step{msg: custMsg("네 덕분에 잘 지내요"), ids: []string{"threads.joined"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if !slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToStaffChannel && r.Thread == "1" }) {
					t.Errorf("the answer is not posted in thread #1: %+v", rs)
				}
			}},
			// Once the customer has written, the shop's next message answers them.
			step{msg: staffMsg("/reply 1 반가워요"), want: []string{h.text("threads.reply.sent", map[string]any{"N": 1})}},
			step{build: func() Message { return press(staffMsg(""), "fs:"+id) }, want: []string{h.text("core.followups.already", map[string]any{"Name": "김민지"})}},
		)
	}},
	{"FollowUpTypedText", func(h *harness, f fixture) []step {
		var id string
		topic := word(h, "염색 상담", "colour consult")
		steps := linkMinji(h)
		return append(steps,
			step{build: func() Message { id = followUpNote(h, f.minji, topic); return press(staffMsg(""), "fs:"+id) }, want: []string{topic}},
			step{msg: press(staffMsg(""), "rate:3"), ids: []string{"care.followup.reask"}},
			step{msg: staffMsg("내일 오후에 전화드려도 될까요?"), check: func(t *testing.T, h *harness, rs []Reply) {
				if r := sentToCustomer(t, rs); !strings.Contains(r.Text, "내일 오후에 전화드려도 될까요?") || strings.Contains(r.Text, topic) {
					t.Errorf("message = %q, want the typed text", r.Text)
				}
				followUpIsDone(&id, true)(t, h, rs)
			}},
		)
	}},
	{"FollowUpCancelled", func(h *harness, f fixture) []step {
		var id string
		steps := linkMinji(h)
		return append(steps,
			step{build: func() Message { id = followUpNote(h, f.minji, "커트 상담"); return press(staffMsg(""), "fs:"+id) }},
			step{msg: press(staffMsg(""), "cancel"), ids: []string{"core.cancel.done"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToUser }) {
					t.Errorf("a cancelled draft was sent: %+v", rs)
				}
				followUpIsDone(&id, false)(t, h, rs)
			}},
		)
	}},
	{"FollowUpUnlinkedShowsPhone", func(h *harness, f fixture) []step {
		var id string
		return []step{
			{build: func() Message { id = followUpNote(h, f.jihoon1, "두피 상담"); return press(staffMsg(""), "fs:"+id) },
				want: []string{"010-2222-3333"}, check: func(t *testing.T, h *harness, rs []Reply) {
					if slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToUser }) || !rs[0].Private || !slices.Contains(payloads(rs), "fu:"+id) {
						t.Errorf("replies = %+v", rs)
					}
					audited(&f.jihoon1, "read", "followup-phone")(t, h, rs)
				}},
		}
	}},
	{"FollowUpBlockedShowsPhone", func(h *harness, f fixture) []step {
		var id string
		steps := linkMinji(h)
		return append(steps,
			step{build: func() Message {
				id = followUpNote(h, f.minji, "펌 상담")
				h.update(func(tx *ledger.Tx) error { _, err := tx.MarkUnreachable("telegram:"+custTG, h.now()); return err })
				return press(staffMsg(""), "fs:"+id)
			}, want: []string{"010-1234-5678", h.text("care.followup.call_blocked", map[string]any{"Name": "김민지", "Phone": "010-1234-5678"})}},
		)
	}},
	{"FollowUpErasedRefused", func(h *harness, f fixture) []step {
		var id string
		steps := linkMinji(h)
		return append(steps,
			step{build: func() Message {
				id = followUpNote(h, f.minji, "펌 상담")
				h.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(f.minji, h.now()) })
				return press(staffMsg(""), "fs:"+id)
			}, ids: []string{"care.followup.erased"}, not: []string{"010-1234-5678"}},
		)
	}},
	{"FollowUpForm", func(h *harness, f fixture) []step {
		var id string
		steps := linkMinji(h)
		form := func(text string) Message {
			m := staffMsg("")
			m.CanForm, m.FormID, m.Form = true, "fs:"+id, map[string]string{"text": text}
			return m
		}
		return append(steps,
			step{build: func() Message {
				id = followUpNote(h, f.minji, "클리닉 상담", word(h, "클리닉", "clinic"))
				m := press(staffMsg(""), "fs:"+id)
				m.CanForm = true
				return m
			}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].Form == nil || rs[0].Form.ID != "fs:"+id || len(rs[0].Form.Fields) != 1 || !strings.Contains(rs[0].Form.Fields[0].Value, word(h, "클리닉", "clinic")) {
					t.Fatalf("replies = %+v", rs)
				}
			}},
			step{build: func() Message { return form("  ") }, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].FormErrors["text"] == "" {
					t.Errorf("an empty message: replies = %+v", rs)
				}
				followUpIsDone(&id, false)(t, h, rs)
			}},
			step{build: func() Message { return form("클리닉 받으신 뒤 두피는 괜찮으세요?") }, check: func(t *testing.T, h *harness, rs []Reply) {
				if r := sentToCustomer(t, rs); !strings.Contains(r.Text, "클리닉 받으신 뒤 두피는 괜찮으세요?") {
					t.Errorf("message = %q", r.Text)
				}
				followUpIsDone(&id, true)(t, h, rs)
			}},
		)
	}},
	{"FollowUpCustomerCannotPress", func(h *harness, f fixture) []step {
		var id string
		steps := linkMinji(h)
		return append(steps,
			step{build: func() Message { id = followUpNote(h, f.minji, "펌 상담"); return press(custMsg(""), "fs:"+id) }, ids: []string{"core.refused"}, not: []string{"010-1234-5678"}},
		)
	}},
	// A customer with an open complaint: [메시지 보내기]'s cheerful draft
	// was posted in 불만 #1 and counted as its answer (first response
	// time, 답변함). The staff member is warned before sending, and the
	// message goes apart, in its own thread (연락 #2), the complaint left
	// waiting for its answer; the customer's reply continues the new one.
	{"FollowUpBesideOpenComplaint", func(h *harness, f fixture) []step {
		var id string
		warn := h.text("care.followup.complaint_open", map[string]any{"Name": "김민지", "N": 1})
		apart := h.text("care.followup.apart", map[string]any{"N": 2, "Complaint": 1})
		complaintWaits := func(t *testing.T, h *harness, _ []Reply) {
			t.Helper()
			if c := h.thread(1); c.Kind != ledger.ThreadComplaint || c.State != ledger.ThreadOpen || !c.AnsweredAt.IsZero() || c.AnsweredBy != "" {
				t.Errorf("complaint #1 = %+v, want it open and unanswered", c)
			}
			if ms := h.threadMessages(1); slices.ContainsFunc(ms, func(m ledger.ThreadMessage) bool { return m.Out }) {
				t.Errorf("complaint #1 messages %+v hold the follow-up", ms)
			}
		}
		steps := append(linkMinji(h), lowRating(custMsg, "1", "너무 오래 기다렸어요")...)
		return append(steps,
			step{build: func() Message { id = followUpNote(h, f.minji, "펌 상담"); return press(staffMsg(""), "fs:"+id) },
				want: []string{warn}, payloads: []string{followUpSendBtn, "cancel"}},
			step{msg: press(staffMsg(""), followUpSendBtn),
				want: []string{apart, h.text("threads.reply.started", map[string]any{"N": 2}), h.text("core.followups.done", map[string]any{"Name": "김민지"})},
				check: func(t *testing.T, h *harness, rs []Reply) {
					if r := sentToCustomer(t, rs); r.Thread != "2" {
						t.Errorf("message in thread %q, want its own #2", r.Thread)
					}
					complaintWaits(t, h, rs)
					if th := h.thread(2); !th.ByShop || th.Kind != ledger.ThreadQuestion || len(h.threadMessages(2)) != 1 {
						t.Errorf("thread #2 = %+v, want the shop's follow-up", th)
					}
					if slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToStaffChannel && r.Thread == "1" }) {
						t.Errorf("posted in complaint #1's thread: %+v", rs)
					}
					followUpIsDone(&id, true)(t, h, rs)
				}},
			step{msg: custMsg("네 괜찮아요"), check: func(t *testing.T, h *harness, rs []Reply) {
				if !slices.ContainsFunc(rs, func(r Reply) bool { return r.To == ToStaffChannel && r.Thread == "2" }) {
					t.Errorf("the answer is not posted in thread #2: %+v", rs)
				}
				complaintWaits(t, h, rs)
			}},
			// In the modal the warning is the field's hint.
			step{build: func() Message {
				id = followUpNote(h, f.minji, "클리닉 상담")
				m := press(staffMsg(""), "fs:"+id)
				m.CanForm = true
				return m
			}, check: func(t *testing.T, h *harness, rs []Reply) {
				if len(rs) != 1 || rs[0].Form == nil || len(rs[0].Form.Fields) != 1 || !strings.Contains(rs[0].Form.Fields[0].Hint, warn) {
					t.Errorf("form %+v lacks the warning %q", rs, warn)
				}
			}},
		)
	}},
	// The same for a question nobody has answered yet ("주차 되나요?"):
	// the follow-up was its first response and marked it 답변함.
	{"FollowUpBesideUnansweredQuestion", func(h *harness, f fixture) []step {
		var id string
		warn := h.text("care.followup.question_open", map[string]any{"Name": "김민지", "N": 1})
		apart := h.text("care.followup.apart_question", map[string]any{"N": 2, "Complaint": 1})
		steps := append(linkMinji(h),
			step{msg: custMsg("주차 가능한가요?")},
			step{msg: press(custMsg(""), questionSend), check: func(t *testing.T, h *harness, _ []Reply) {
				if q := h.thread(1); q.Kind != ledger.ThreadQuestion || q.State != ledger.ThreadOpen {
					t.Fatalf("thread #1 = %+v, want an open question", q)
				}
			}})
		return append(steps,
			step{build: func() Message { id = followUpNote(h, f.minji, "펌 상담"); return press(staffMsg(""), "fs:"+id) },
				want: []string{warn}, payloads: []string{followUpSendBtn, "cancel"}},
			step{msg: press(staffMsg(""), followUpSendBtn), want: []string{apart}, check: func(t *testing.T, h *harness, rs []Reply) {
				if r := sentToCustomer(t, rs); r.Thread != "2" {
					t.Errorf("message in thread %q, want its own #2", r.Thread)
				}
				if q := h.thread(1); q.State != ledger.ThreadOpen || !q.AnsweredAt.IsZero() {
					t.Errorf("question #1 = %+v, want it still waiting for an answer", q)
				}
			}},
			// Once answered, a follow-up joins it as before: nothing waits.
			step{msg: staffMsg("/reply 1 네 주차 가능해요")},
			step{build: func() Message {
				id = followUpNote(h, f.minji, "클리닉 상담")
				return press(staffMsg(""), "fs:"+id)
			},
				not: []string{warn}},
		)
	}},
}

func TestFollowUpScripts(t *testing.T) { runScripts(t, followUpScripts) }

// TestFollowUpSendOnce: the message is kept in the outbox with the thread
// message and the follow-up's mark, in one transaction; the same press
// delivered again (a platform's retry) answers from the outbox and sends
// nothing twice.
func TestFollowUpSendOnce(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.cfg.Outbox = true
	h.reopen()
	f := seed(h)
	runSteps(t, h, linkMinji(h))
	id := followUpNote(h, f.minji, "펌 상담", "펌")
	h.send(press(staffMsg(""), "fs:"+id))
	m := press(staffMsg(""), followUpSendBtn)
	m.EventID = "send-1"
	first := h.send(m)
	r := sentToCustomer(t, first)
	if r.OutboxID == "" {
		t.Fatalf("the message is not in the outbox: %+v", r)
	}
	h.reopen()
	again := h.send(m)
	if r2 := sentToCustomer(t, again); r2.OutboxID != r.OutboxID || r2.Text != r.Text {
		t.Errorf("delivered again: %+v, want the kept %+v", r2, r)
	}
	h.view(func(tx *ledger.Tx) error {
		ms, err := tx.ThreadMessages(1)
		if err != nil {
			return err
		}
		if len(ms) != 1 {
			t.Errorf("thread #1 has %d messages, want 1", len(ms))
		}
		// The shop opened it: the week's figures count no question received.
		if th, err := tx.Thread(1); err != nil || !th.ByShop {
			t.Errorf("thread #1 %+v, %v: want one the shop opened", th, err)
		}
		return nil
	})
}

// TestFollowUpAdWarned: typed words that read as an offer are not sent as
// a follow-up (a service message may not carry an ad): the staff member is
// told why and where offers go, and [보내기] then sends the words as they
// are, for a message that is not an offer after all.
func TestFollowUpAdWarned(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			runSteps(t, h, linkMinji(h))
			id := followUpNote(h, f.minji, "펌 상담", "펌")
			offer := "이번 주 펌 20% 할인 쿠폰 드릴게요"
			runSteps(t, h, []step{
				{msg: press(staffMsg(""), "fs:"+id)},
				{msg: staffMsg(offer), want: []string{h.text("care.followup.ad_warn", nil)}, payloads: []string{followUpSendBtn, "cancel"}, check: func(t *testing.T, h *harness, rs []Reply) {
					if out := toUser(rs, ChannelTelegram, custTG); len(out) != 0 {
						t.Errorf("an offer went as a follow-up: %+v", out)
					}
				}},
				{msg: press(staffMsg(""), followUpSendBtn), check: func(t *testing.T, h *harness, rs []Reply) {
					if r := sentToCustomer(t, rs); !strings.Contains(r.Text, offer) {
						t.Errorf("sent %q, want the words typed", r.Text)
					}
				}},
			})
		})
	}
}

// TestFollowUpAdWarnedForm: the modal's words that read as an offer are
// not sent either: the warning comes in the chat, where [보내기] sends them
// as they are.
func TestFollowUpAdWarnedForm(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, linkMinji(h))
	id := followUpNote(h, f.minji, "펌 상담", "펌")
	offer := "이번 주 펌 20% 할인 쿠폰 드릴게요"
	form := staffMsg("")
	form.CanForm, form.FormID, form.Form = true, "fs:"+id, map[string]string{"text": offer}
	runSteps(t, h, []step{
		{msg: form, want: []string{h.text("care.followup.ad_warn", nil)}, payloads: []string{followUpSendBtn}, check: func(t *testing.T, h *harness, rs []Reply) {
			if out := toUser(rs, ChannelTelegram, custTG); len(out) != 0 {
				t.Errorf("an offer went from the form: %+v", out)
			}
		}},
		{msg: press(staffMsg(""), followUpSendBtn), check: func(t *testing.T, h *harness, rs []Reply) {
			if r := sentToCustomer(t, rs); !strings.Contains(r.Text, offer) {
				t.Errorf("sent %q, want the words of the form", r.Text)
			}
		}},
	})
}
