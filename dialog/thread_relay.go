package dialog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// Answers where the thread is (issue 12). A staff member's message written
// under a thread's head in the staff channel (Message.Thread, set by an
// adapter that threads messages: Slack) is an answer to that thread's
// customer, relayed exactly as /reply relays one (relayReply, which
// cmdReply shares). Its edits and deletions are not relayed, since what
// reached the customer cannot be taken back; the thread says so once.
// [답장하기] on a thread post opens a form where the client can show one,
// else says how to /reply. The head post is written again (Reply.Head with
// HeadUpdate) whenever the thread's state changes, with only the buttons
// that still apply.

// Payloads and form ids of [답장하기]: "thr:<n>" and form "reply:<n>"
// with one field.
const (
	replyAction     = "thr"
	formReplyPrefix = "reply:"
	fieldReplyText  = "text"
)

func init() {
	actionHandlers[replyAction] = (*turn).replyButton
}

// onThreadMessage handles a message written under thread Message.Thread.
// Only staff are heard there: anyone else's message is neither relayed nor
// answered (a stranger never reaches dispatch; see run). A command typed
// with its slash runs as anywhere; Korean command words do not count
// here, so an answer that starts with "답장" or "취소" is still an answer.
func (t *turn) onThreadMessage() error {
	if !t.staffish() {
		return nil
	}
	text := strings.TrimSpace(t.m.Text)
	if t.m.Edit == "" {
		if cmd, args := splitCommand(text); cmd != "" {
			if c, ok := commandAlias(cmd); ok {
				cmd = c
			}
			return t.onCommand(cmd, args)
		}
	}
	th, ok, err := t.threadByText(t.m.Thread)
	if err != nil || !ok {
		return err
	}
	if t.m.Edit != "" {
		return t.editNotice(th)
	}
	if text == "" {
		return nil // a file alone: there is no text to relay
	}
	if t.refusedText(text) {
		return nil
	}
	return t.relayReply(th, text, true)
}

// editNotice tells the thread, once, that edits and deletions do not reach
// the customer.
func (t *turn) editNotice(th ledger.Thread) error {
	first, err := t.tx.MarkEditNoticed(th.Number)
	if err != nil {
		return fmt.Errorf("dialog: edit notice: %w", err)
	}
	if first {
		t.add(t.staffPost(th, t.e.cat.Text(t.e.lang, "threadrelay.edit.notice", nil)))
	}
	return nil
}

// relayReply sends text to th's customer as "[<shop> <staff name>] …": the
// first answer takes the thread on and sets its first response, and the
// head shows it. A closed thread is not written to: it offers [다시 열기].
// inThread says the staff member wrote it in the thread itself; otherwise
// (/reply, the form) the thread is told what was sent, so it holds the
// whole conversation.
func (t *turn) relayReply(th ledger.Thread, text string, inThread bool) error {
	if erased, err := t.erasedThread(th); err != nil || erased {
		return err // not [다시 열기]: there is nobody to write to
	}
	if th.State == ledger.ThreadClosed {
		t.say("threads.reply.closed", map[string]any{"N": th.Number},
			t.btn("threads.btn.reopen", threadAction+":reopen:"+strconv.FormatInt(th.Number, 10)))
		return nil
	}
	channel, user, ok := strings.Cut(th.SenderID, ":")
	if !ok || user == "" {
		t.say("threads.reply.unreachable", map[string]any{"N": th.Number})
		return nil
	}
	first := th.AnsweredAt.IsZero()
	// The shop writing first (a follow-up, flow_followup_send.go) answers
	// nothing until the customer has written: it is announced as a
	// message sent, not a reply.
	sentID, postID := "threads.reply.sent", "threadrelay.replied"
	if th.ByShop {
		ms, err := t.tx.ThreadMessages(th.Number)
		if err != nil {
			return fmt.Errorf("dialog: messages of a shop's thread: %w", err)
		}
		if !slices.ContainsFunc(ms, func(m ledger.ThreadMessage) bool { return !m.Out }) {
			sentID, postID = "threads.reply.started", "threadrelay.started"
		}
	}
	if th.ClaimedBy == "" {
		if _, err := t.tx.ClaimThread(th.Number, t.actor.ID(), t.now); err != nil {
			return fmt.Errorf("dialog: claim replied thread: %w", err)
		}
	}
	th, err := t.tx.AddThreadMessage(&ledger.ThreadMessage{Thread: th.Number, At: t.now, Out: true, StaffID: t.actor.ID(), Text: text})
	if err != nil {
		return fmt.Errorf("dialog: reply to thread: %w", err)
	}
	if err := t.auditThread("thread_reply", th); err != nil {
		return err
	}
	lang := th.Lang
	if lang == "" {
		lang = t.e.lang
	}
	text = strings.TrimSpace(text)
	t.add(Reply{To: ToUser, Channel: channel, UserID: user, Lang: lang, Thread: strconv.FormatInt(th.Number, 10),
		Text: t.e.cat.Text(lang, "threads.relay", map[string]any{"Shop": t.shopName(lang), "Staff": t.publicStaffName(), "Text": text})})
	if !inThread {
		t.add(t.staffPost(th, t.e.cat.Text(t.e.lang, postID, map[string]any{"Name": t.staffName(), "Text": text})))
	}
	if first {
		if err := t.headUpdate(th); err != nil {
			return err
		}
	}
	t.say(sentID, map[string]any{"N": th.Number})
	return nil
}

// headUpdate adds th's head post as it is now (Head, HeadUpdate): the
// head it was posted with, its state line ("민지님 응답 · 첫 응답 14분",
// "민지님이 종료"), and only the buttons that still apply: after the
// closing none but [다시 열기]; a complaint's gets [답장하기] too, which its
// first alert (flow_feedback.go) does not have.
func (t *turn) headUpdate(th ledger.Thread) error {
	text, linked, err := t.headText(th)
	if err != nil {
		return err
	}
	lang := t.e.lang
	text += "\n" + t.e.cat.Text(lang, "threadrelay.head.state", map[string]any{"State": t.threadStateIn(lang, th)})
	n := strconv.FormatInt(th.Number, 10)
	var bs []Button
	switch {
	case th.ClosedBy == ledger.ThreadClosedByErasure:
		// Closed by the customer's erasure: nobody to answer or reopen it
		// for, so the head offers nothing (its old buttons, pressed, say so).
	case th.State == ledger.ThreadClosed:
		bs = []Button{{Label: t.e.cat.Text(lang, "threads.btn.reopen", nil), Payload: threadAction + ":reopen:" + n}}
	case th.Kind == ledger.ThreadComplaint:
		if th.ClaimedBy == "" && th.FeedbackID != "" {
			bs = append(bs, Button{Label: t.e.cat.Text(lang, "core.btn.answer", nil), Payload: "answer:" + th.FeedbackID})
		}
		bs = append(bs, t.complaintButtons(th, linked)...)
		// A complaint's customer may be written to before it is resolved.
		bs = append(bs, Button{Label: t.e.cat.Text(lang, "threadrelay.btn.reply", nil), Payload: replyAction + ":" + n})
	default:
		bs = t.threadButtons(th, linked)
	}
	post := t.staffPost(th, text, bs...)
	post.Head, post.HeadUpdate = true, true
	t.add(post)
	return nil
}

// headText is th's head as it was first posted: for a question the
// customer (threadHead) and their first words, for a complaint the low
// rating's alert. linked says the customer has a record to show.
func (t *turn) headText(th ledger.Thread) (text string, linked bool, err error) {
	var c ledger.Customer
	lang := t.e.lang
	if th.CustomerID != "" {
		if c, err = t.tx.Customer(th.CustomerID); err != nil {
			return "", false, fmt.Errorf("dialog: read customer: %w", err)
		}
		if c.Erased { // their words are shredded too: nothing of them is shown
			return t.e.cat.Text(lang, "threadrelay.head.erased", map[string]any{"Tag": t.threadTag(lang, th)}), false, nil
		}
		linked = true
	}
	ms, err := t.tx.ThreadMessages(th.Number)
	if err != nil {
		return "", false, fmt.Errorf("dialog: thread messages: %w", err)
	}
	firstWords := ""
	if len(ms) > 0 && !ms[0].Out {
		firstWords = ms[0].Text
	}
	if th.Kind == ledger.ThreadComplaint {
		who := t.e.cat.Text(lang, "core.feedback.anonymous", nil)
		if linked {
			who = t.e.cat.Text(lang, "core.feedback.who", map[string]any{"Name": c.Name, "Masked": maskPhone(c.Phone)})
		}
		if firstWords == "" {
			firstWords = t.e.cat.Text(lang, "core.feedback.no_comment", nil)
		}
		return t.threadTag(lang, th) + " " + t.e.cat.Text(lang, "core.feedback.alert", map[string]any{
			"Stars": stars(th.Rating), "Rating": th.Rating, "Who": who, "Comment": firstWords,
		}), linked, nil
	}
	if linked && len(ms) > 0 && ms[0].Out { // the shop wrote first: a follow-up (flow_followup_send.go)
		return t.followUpHead(th, c), linked, nil
	}
	head, err := t.threadHead(th, c, linked)
	if err != nil {
		return "", false, err
	}
	if firstWords != "" {
		head += "\n" + quote(firstWords)
	}
	return head, linked, nil
}

// headsOf returns the threads whose heads name someone about to be
// erased: every thread of the customer customerID (when set), and the
// latest of the unlinked sender senderID (when set; an unlinked sender's
// older threads have no index to find them by).
func (t *turn) headsOf(customerID, senderID string) ([]int64, error) {
	var nums []int64
	if customerID != "" {
		ths, err := t.tx.ThreadsOf(customerID, 0)
		if err != nil {
			return nil, fmt.Errorf("dialog: threads to scrub: %w", err)
		}
		for _, th := range ths {
			nums = append(nums, th.Number)
		}
	}
	if senderID != "" {
		th, ok, err := t.tx.LatestThreadOf("", senderID)
		if err != nil {
			return nil, fmt.Errorf("dialog: threads to scrub: %w", err)
		}
		if ok && !slices.Contains(nums, th.Number) {
			nums = append(nums, th.Number)
		}
	}
	return nums, nil
}

// scrubHeads rewrites, after an erasure, the heads of the threads nums
// (headsOf, taken before it): without the person's name, phone or words,
// which the staff channel's heads showed, and without buttons. A thread
// still open is closed by the erasure (a customer's were, by
// ledger.EraseCustomer; an unlinked sender's latest is here): nobody is
// left to answer. The posts under a head are the platform's and stay as
// they were.
func (t *turn) scrubHeads(nums []int64) error {
	for _, n := range nums {
		th, err := t.tx.Thread(n)
		if err != nil {
			return fmt.Errorf("dialog: scrub thread head: %w", err)
		}
		if th.State != ledger.ThreadClosed {
			if th, err = t.tx.CloseThread(n, ledger.ThreadClosedByErasure, "", t.now); err != nil {
				return fmt.Errorf("dialog: close an erased sender's thread: %w", err)
			}
		}
		if err := t.headUpdate(th); err != nil {
			return err
		}
	}
	return nil
}

// threadStateIn is threadState in lang: where a thread is, and who holds it.
func (t *turn) threadStateIn(lang string, th ledger.Thread) string {
	by := t.actorLabel(th.ClaimedBy)
	text := func(id string, data map[string]any) string { return t.e.cat.Text(lang, id, data) }
	switch {
	case th.ClosedBy == ledger.ThreadClosedByErasure:
		return text("threads.state.erased", nil)
	case th.State == ledger.ThreadClosed:
		return text("threads.state.closed", map[string]any{"By": t.actorLabel(th.ClosedBy)})
	case th.State == ledger.ThreadAnswered:
		// The first response in opening time, as the reply SLA and the
		// summary's 첫 응답 measure it: a question sent at 19:50 and
		// answered at 10:10 waited 영업 20분, not 14시간.
		first := t.e.openingText(lang, t.e.hours.Between(th.OpenedAt, th.AnsweredAt, t.e.loc))
		return text("threads.state.answered", map[string]any{"By": by, "First": first})
	case th.ClaimedBy != "" && th.Kind == ledger.ThreadComplaint:
		return text("threads.state.contact", map[string]any{"By": by})
	case th.ClaimedBy != "":
		return text("threads.state.claimed", map[string]any{"By": by})
	}
	return text("threads.state.open", nil)
}

// replyButton handles [답장하기] ("thr:<n>"): a form where the client can
// show one, else how to answer with /reply.
func (t *turn) replyButton(arg string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	th, ok, err := t.threadByText(arg)
	if err != nil || !ok {
		return err
	}
	if erased, err := t.erasedThread(th); err != nil || erased {
		return err
	}
	if th.State == ledger.ThreadClosed {
		t.say("threads.reply.closed", map[string]any{"N": th.Number},
			t.btn("threads.btn.reopen", threadAction+":reopen:"+strconv.FormatInt(th.Number, 10)))
		return nil
	}
	data := map[string]any{"N": th.Number}
	if !t.m.CanForm {
		t.say("threadrelay.reply.prompt", data)
		return nil
	}
	t.add(Reply{Lang: t.lang, Form: &Form{
		ID:     formReplyPrefix + strconv.FormatInt(th.Number, 10),
		Title:  t.text("threadrelay.form.title", data),
		Submit: t.text("threadrelay.form.submit", nil),
		Fields: []Field{{
			Name: fieldReplyText, Label: t.text("threadrelay.form.text", nil),
			Hint: t.text("threadrelay.form.hint", nil), Multiline: true,
		}},
	}})
	return nil
}

// onReplyForm relays the answer submitted in [답장하기]'s form for thread
// num; a missing, too long or garbled answer keeps the form open with the
// error and sends nothing.
func (t *turn) onReplyForm(num string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	text := strings.TrimSpace(t.m.Form[fieldReplyText])
	if msg := t.replyFormError(text); msg != "" {
		t.add(Reply{Lang: t.lang, FormErrors: map[string]string{fieldReplyText: msg}})
		return nil
	}
	th, ok, err := t.threadByText(num)
	if err != nil || !ok {
		return err
	}
	return t.relayReply(th, text, false)
}

// replyFormError is the form's error for text, "" when it can be sent.
func (t *turn) replyFormError(text string) string {
	err := ledger.CheckThreadText(text)
	var le *ledger.LimitError
	switch {
	case err == nil:
		return ""
	case text == "":
		return t.text("threadrelay.form.err.required", nil)
	case errors.As(err, &le):
		return t.text("threadrelay.form.err.too_long", map[string]any{"Limit": groupDigits(int64(le.Limit))})
	}
	return t.text("threadrelay.form.err.text", nil)
}
