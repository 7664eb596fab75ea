package dialog

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// A follow-up message to the customer (issue 14): each /followups item and
// each line of the morning DM has [메시지 보내기] ("fs:<note id>") beside
// [완료]. It offers a draft in the customer's language with their name and
// the note's topic (its first tag, else its first words), which the staff
// member edits in a Slack modal (Message.CanForm) or, elsewhere, accepts
// with [보내기] or replaces by typing the text ("followup_send" flow). The
// message goes to the customer's linked platform as a staff answer in
// their thread (relayReply, thread_relay.go): their open thread, else a
// new one, so that their answer lands there. An open complaint is not
// that thread: a follow-up about a consultation is no answer to it, and
// posted there it was counted as one (first response, 답변함). The staff
// member is warned of the complaint with the draft, and the message opens
// a thread of its own (followUpThread), the complaint left waiting. The ToUser reply is written
// in the transaction that records it, so the outbox delivers it at least
// once and never twice; the same transaction marks the follow-up done.
// A customer not linked, without consent or unreachable (they blocked the
// bot) cannot be written to: the staff member is shown the full phone to
// call, and that is audited as a read. An erased customer is refused. It
// is a service message: it needs only the consent given at /start.

// flowFollowUpSend holds a follow-up draft until it is sent or cancelled.
const flowFollowUpSend = "followup_send"

// States, draft keys, payloads and form of the follow-up message.
const (
	fsDraft         = "draft"
	dfsNote         = "note"
	dfsText         = "text"
	followUpAction  = "fs"      // "fs:<note id>": [메시지 보내기]
	followUpSendBtn = "fs_send" // [보내기] in flowFollowUpSend
	formFollowUp    = "fs:"     // form id prefix, the note id after it
	fieldFollowUp   = "text"
)

// followUpTopicRunes bounds the topic a draft takes from a note's words.
const followUpTopicRunes = 20

func init() {
	actionHandlers[followUpAction] = (*turn).onFollowUpSend
}

// followUpSendFlow is the state machine of flowFollowUpSend: one draft,
// sent or cancelled.
func followUpSendFlow() *flowDef {
	return &flowDef{
		title:   "core.flow.followup_send",
		initial: fsDraft,
		roles:   staffRoles,
		events:  fsm.Events{{Name: "sent", Src: []string{fsDraft}, Dst: stateDone}},
		step:    (*turn).followUpSendStep,
	}
}

// followUpSendButton is an item's [메시지 보내기], in lang; data names the
// customer ("Name").
func (e *Engine) followUpSendButton(lang string, data map[string]any, noteID string) Button {
	return Button{Label: e.cat.Text(lang, "care.followup.button", data), Payload: followUpAction + ":" + noteID}
}

// shownFollowUp is a follow-up a list shows: its note, its customer and
// the data its line and buttons are written with.
type shownFollowUp struct {
	noteID, customerID string
	data               map[string]any
}

// showFollowUps walks due notes for a list of follow-ups, /followups or
// the morning DM. An erased customer's notes are left out (nobody to call
// back, nothing of theirs to show) and not counted; the rest count in
// total, and the first maxFollowUps become lines. Each customer shown is
// audited once, by audit, before line reads them: only what the list
// shows is read by its reader.
func showFollowUps(tx *ledger.Tx, due []ledger.Note, audit func(customerID string) error,
	line func(n ledger.Note, c ledger.Customer) (string, map[string]any)) (lines []string, shown []shownFollowUp, total int, err error) {
	seen := map[string]ledger.Customer{}
	audited := map[string]bool{}
	for _, n := range due {
		c, known := seen[n.CustomerID]
		if !known {
			c, err = tx.Customer(n.CustomerID)
			if errors.Is(err, ledger.ErrCustomerNotFound) {
				c, err = ledger.Customer{Erased: true}, nil
			}
			if err != nil {
				return nil, nil, 0, fmt.Errorf("dialog: read customer: %w", err)
			}
			seen[n.CustomerID] = c
		}
		if c.Erased {
			continue
		}
		total++
		if len(lines) == maxFollowUps {
			continue
		}
		if !audited[n.CustomerID] {
			audited[n.CustomerID] = true
			if err := audit(n.CustomerID); err != nil {
				return nil, nil, 0, err
			}
		}
		text, data := line(n, c)
		lines = append(lines, text)
		shown = append(shown, shownFollowUp{noteID: n.ID, customerID: n.CustomerID, data: data})
	}
	return lines, shown, total, nil
}

// followUpButtons makes each shown follow-up's [완료] and [메시지 보내기].
// A customer shown twice (two notes due) gets a number on each pair, in
// list order ("완료: 정유진 (2)"): otherwise the pairs read the same and
// the staff member guesses which note they close.
func (e *Engine) followUpButtons(lang string, shown []shownFollowUp) []Button {
	count := map[string]int{}
	for _, f := range shown {
		count[f.customerID]++
	}
	seen := map[string]int{}
	bs := make([]Button, 0, 2*len(shown))
	for _, f := range shown {
		data := f.data
		if count[f.customerID] > 1 {
			seen[f.customerID]++
			data = maps.Clone(f.data)
			data["Name"] = e.cat.Text(lang, "core.followups.nth", map[string]any{"Name": f.data["Name"], "N": seen[f.customerID]})
		}
		bs = append(bs, Button{Label: e.cat.Text(lang, "core.followups.button", data), Payload: "fu:" + f.noteID},
			e.followUpSendButton(lang, data, f.noteID))
	}
	return bs
}

// followUpTopic is what a draft in lang says the consult was about: the
// note's first tag, else its first words up to a punctuation mark (at most
// three words, followUpTopicRunes runes). A draft in another language than
// Korean takes only a topic without Hangul, and none when the note has no
// such one: "your recent consultation about 펌" put the shop's Korean in an
// English sentence, and the draft without the topic still reads.
func followUpTopic(n ledger.Note, lang string) string {
	fits := func(s string) bool {
		return s != "" && (lang == "ko" || !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }))
	}
	for _, tag := range n.Tags {
		if tag = strings.TrimSpace(strings.TrimPrefix(tag, "#")); fits(tag) {
			return tag
		}
	}
	text := n.Text
	if i := strings.IndexAny(text, ",.!?;\n。·"); i >= 0 {
		text = text[:i]
	}
	words := strings.Fields(text)
	if len(words) > 3 {
		words = words[:3]
	}
	topic := strings.Join(words, " ")
	if utf8.RuneCountInString(topic) > followUpTopicRunes {
		topic = string([]rune(topic)[:followUpTopicRunes])
	}
	if !fits(topic) {
		return ""
	}
	return topic
}

// followUpTarget is who a follow-up of note n is about, and where a
// message to them goes.
type followUpTarget struct {
	note     ledger.Note
	customer ledger.Customer
	pid      string // the linked platform id to write to; "" when none can be
	lang     string // the customer's language
	blocked  bool   // linked, but they blocked the bot
}

// followUpTarget reads note id's customer and link; ok is false when the
// turn already answered (a stale button, an erased customer, a follow-up
// done).
func (t *turn) followUpTarget(id string) (followUpTarget, bool, error) {
	n, err := t.tx.Note(id)
	if errors.Is(err, ledger.ErrNotFound) {
		t.sayStale()
		return followUpTarget{}, false, nil
	}
	if err != nil {
		return followUpTarget{}, false, fmt.Errorf("dialog: read note: %w", err)
	}
	c, err := t.tx.Customer(n.CustomerID)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		t.say("care.followup.erased", nil)
		return followUpTarget{}, false, nil
	}
	if err != nil {
		return followUpTarget{}, false, fmt.Errorf("dialog: read customer: %w", err)
	}
	if n.FollowUpDone {
		t.say("core.followups.already", map[string]any{"Name": c.Name})
		return followUpTarget{}, false, nil
	}
	ft := followUpTarget{note: n, customer: c, lang: t.e.lang}
	pid, p, ok, err := t.e.reachableLink(t.tx, c) // flow_rating_request.go
	if err != nil {
		return followUpTarget{}, false, fmt.Errorf("dialog: follow-up link: %w", err)
	}
	if ok {
		ft.pid = pid
		switch {
		case p.Lang != "":
			ft.lang = locales.Normalize(p.Lang)
		case c.Lang != "":
			ft.lang = locales.Normalize(c.Lang)
		}
	} else {
		ft.blocked, err = t.linkBlocked(c)
		if err != nil {
			return followUpTarget{}, false, err
		}
	}
	return ft, true, nil
}

// linkBlocked reports whether one of c's consenting links is only kept
// from reach by their blocking the bot (said to staff instead of "not
// linked").
func (t *turn) linkBlocked(c ledger.Customer) (bool, error) {
	for _, pid := range c.Links {
		if _, blocked, err := t.tx.Unreachable(pid); err != nil {
			return false, fmt.Errorf("dialog: unreachable: %w", err)
		} else if blocked {
			return true, nil
		}
	}
	return false, nil
}

// onFollowUpSend handles [메시지 보내기] ("fs:<note id>"): the draft, as a
// form or in the chat, or the phone to call when no message can reach
// the customer.
func (t *turn) onFollowUpSend(id string) error {
	if !t.staffish() {
		t.say("core.refused", nil)
		return nil
	}
	ft, ok, err := t.followUpTarget(id)
	if err != nil || !ok {
		return err
	}
	if ft.pid == "" {
		return t.followUpCall(ft)
	}
	if err := t.audit("read", ft.customer.ID, "followup-draft"); err != nil {
		return err
	}
	draft := t.e.cat.Text(ft.lang, "care.followup.draft_text", map[string]any{"Name": ft.customer.Name, "Topic": followUpTopic(ft.note, ft.lang)})
	data := map[string]any{"Name": ft.customer.Name, "Draft": draft}
	warn, err := t.waitingWarning(ft.customer)
	if err != nil {
		return err
	}
	if t.m.CanForm {
		hint := t.text("care.followup.form.hint", nil)
		if warn != "" {
			hint = warn + "\n" + hint
		}
		t.add(Reply{Lang: t.lang, Form: &Form{
			ID:     formFollowUp + id,
			Title:  t.text("care.followup.form.title", nil),
			Submit: t.text("care.followup.form.submit", nil),
			Fields: []Field{{
				Name: fieldFollowUp, Label: t.text("care.followup.form.text", data),
				Hint: hint, Multiline: true, Value: draft,
			}},
		}})
		return nil
	}
	t.begin(flowFollowUpSend)
	t.sess.Draft[dfsNote], t.sess.Draft[dfsText] = id, draft
	text := t.text("care.followup.draft", data)
	if warn != "" {
		text = warn + "\n" + text
	}
	r := t.mk(text, t.btn("care.followup.btn.send", followUpSendBtn), t.btn("core.btn.cancel", "cancel"))
	r.Private = true
	t.add(r)
	return nil
}

// followUpCall shows the full phone of a customer no message can reach,
// with [완료], audited as a read.
func (t *turn) followUpCall(ft followUpTarget) error {
	if err := t.audit("read", ft.customer.ID, "followup-phone"); err != nil {
		return err
	}
	id := "care.followup.call_unlinked"
	if ft.blocked {
		id = "care.followup.call_blocked"
	}
	data := map[string]any{"Name": ft.customer.Name, "Phone": formatPhone(ft.customer.Phone)}
	r := t.mk(t.text(id, data), Button{Label: t.text("core.followups.button", data), Payload: "fu:" + ft.note.ID})
	r.Private = true // the full phone: for them only
	t.add(r)
	return nil
}

// followUpDraft is the follow-up message's draft: sent as it is, typed
// over in chat, or edited in the modal (draft_send.go).
var followUpDraft = &draftSend{
	subject: dfsNote, text: dfsText, sendPayload: followUpSendBtn, sendLabel: "care.followup.btn.send",
	reask: "care.followup.reask", field: fieldFollowUp, send: (*turn).sendFollowUp,
	adWarn: "care.followup.ad_warn", flow: flowFollowUpSend,
}

// followUpSendStep reads the answer to the draft.
func (t *turn) followUpSendStep(in input) error { return followUpDraft.step(t, in) }

// onFollowUpForm sends the follow-up message submitted in the modal for
// note id.
func (t *turn) onFollowUpForm(id string) error { return followUpDraft.onForm(t, id) }

// sendFollowUp sends text to note id's customer in their thread and marks
// the follow-up done, all in the turn's transaction. The customer is read
// again: erased, done or unreachable since the draft was offered, nothing
// is sent.
func (t *turn) sendFollowUp(id, text string) error {
	ft, ok, err := t.followUpTarget(id)
	if err != nil || !ok {
		return err
	}
	if ft.pid == "" {
		return t.followUpCall(ft)
	}
	th, ok, err := t.tx.LatestThreadOf(ft.customer.ID, ft.pid)
	if err != nil {
		return fmt.Errorf("dialog: latest thread: %w", err)
	}
	apart := ok && awaitsAnswer(th)
	waiting, waitingKind := th.Number, th.Kind
	if !ok || th.State == ledger.ThreadClosed || apart {
		th = ledger.Thread{Kind: ledger.ThreadQuestion, CustomerID: ft.customer.ID, SenderID: ft.pid, Lang: ft.lang, OpenedAt: t.now, ByShop: true}
		if err := t.tx.OpenThread(&th, ""); err != nil {
			return fmt.Errorf("dialog: open follow-up thread: %w", err)
		}
		taken := th
		taken.ClaimedBy = t.actor.ID() // relayReply takes it on below: no [내가 맡을게요]
		head := t.staffPost(th, t.followUpHead(th, ft.customer), t.threadButtons(taken, true)...)
		head.Head = true
		t.add(head)
	}
	if err := t.relayReply(th, text, false); err != nil { // thread_relay.go
		return err
	}
	if apart {
		id := "care.followup.apart"
		if waitingKind == ledger.ThreadQuestion {
			id = "care.followup.apart_question"
		}
		t.say(id, map[string]any{"N": th.Number, "Complaint": waiting})
	}
	if err := t.tx.SetFollowUpDone(id); err != nil {
		return fmt.Errorf("dialog: follow-up done: %w", err)
	}
	// The response figures (response.go) count it from here.
	if err := t.tx.RecordOutreach(ledger.Outreach{Kind: ledger.OutreachFollowUp, CustomerID: ft.customer.ID, At: t.now}); err != nil {
		return fmt.Errorf("dialog: follow-up outreach: %w", err)
	}
	if err := t.audit("followup", ft.customer.ID, id); err != nil {
		return err
	}
	t.say("core.followups.done", map[string]any{"Name": ft.customer.Name})
	return nil
}

// awaitsAnswer reports whether th waits for the shop's answer: a
// complaint not yet closed, or a question nobody has answered. It is no
// thread for a follow-up message, which would be counted as that answer
// (first response, 답변함) while answering nothing the customer asked.
func awaitsAnswer(th ledger.Thread) bool {
	switch th.Kind {
	case ledger.ThreadComplaint:
		return th.State != ledger.ThreadClosed
	case ledger.ThreadQuestion:
		return !th.ByShop && (th.State == ledger.ThreadOpen || th.State == ledger.ThreadClaimed)
	}
	return false
}

// waitingWarning is what the staff member is told, with a follow-up's
// draft, of c's newest complaint still open or question unanswered (""
// when none is): a cheerful "그동안 괜찮으셨어요?" to a customer waiting
// for an answer reads as ignoring them, and the message will not answer.
func (t *turn) waitingWarning(c ledger.Customer) (string, error) {
	ths, err := t.tx.ThreadsOf(c.ID, 20)
	if err != nil {
		return "", fmt.Errorf("dialog: threads of a followed-up customer: %w", err)
	}
	for _, th := range ths { // newest first
		if awaitsAnswer(th) {
			id := "care.followup.complaint_open"
			if th.Kind == ledger.ThreadQuestion {
				id = "care.followup.question_open"
			}
			return t.text(id, map[string]any{"Name": c.Name, "N": th.Number}), nil
		}
	}
	return "", nil
}

// followUpHead is the staff channel's head of a thread the shop opened
// with a follow-up to c (its first message is the staff's), in the shop's
// language: also what headUpdate (thread_relay.go) shows for it.
func (t *turn) followUpHead(th ledger.Thread, c ledger.Customer) string {
	lang := t.e.lang
	return t.e.cat.Text(lang, "care.followup.head", map[string]any{
		"Tag": t.threadTag(lang, th), "Name": c.Name, "Masked": maskPhone(c.Phone),
	})
}

// followUpFormID reports whether formID is a follow-up form's, and its note.
func followUpFormID(formID string) (string, bool) {
	id, ok := strings.CutPrefix(formID, formFollowUp)
	return id, ok && id != ""
}
