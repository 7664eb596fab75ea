package dialog

import "strings"

// draftSend is a message drafted for one customer that staff send as it
// is with [보내기], replace by typing in chat, or edit in a form where the
// client shows one: the follow-up's [메시지 보내기] and the win-back's
// [안부 메시지] are both one. Each names its session keys, its button and
// texts, its form field and what sends.
type draftSend struct {
	subject, text string // the session draft's keys: whom it is about, the text offered
	sendPayload   string // the [보내기] button's payload
	sendLabel     string // its catalog id
	reask         string // catalog id asking again for [보내기] or other words
	field         string // the form's text field
	send          func(t *turn, subject, text string) error
}

// step reads the answer to the draft: [보내기] sends the text offered,
// typed words are sent instead, anything else asks again.
func (d *draftSend) step(t *turn, in input) error {
	subject, text := t.sess.Draft[d.subject], t.sess.Draft[d.text]
	switch {
	case t.isButton(in, d.sendPayload, d.sendLabel):
	case t.isButton(in, "cancel", "core.btn.cancel"):
		return t.cancel()
	case in.payload != "" || in.text == "":
		d.askAgain(t, "")
		return nil
	default:
		text = strings.TrimSpace(in.text)
		if msg := t.replyFormError(text); msg != "" { // thread_relay.go
			d.askAgain(t, msg)
			return nil
		}
	}
	if err := t.fire("sent"); err != nil {
		return err
	}
	t.end()
	return d.send(t, subject, text)
}

// askAgain asks again for [보내기] or other words, after why ("": none).
func (d *draftSend) askAgain(t *turn, why string) {
	text := t.text(d.reask, nil)
	if why != "" {
		text = why + "\n" + text
	}
	t.add(t.mk(text, t.btn(d.sendLabel, d.sendPayload), t.btn("core.btn.cancel", "cancel")))
}

// onForm sends the text submitted in the form about subject; an empty,
// too long or garbled text keeps the form open with the error and sends
// nothing.
func (d *draftSend) onForm(t *turn, subject string) error {
	text := strings.TrimSpace(t.m.Form[d.field])
	if msg := t.replyFormError(text); msg != "" {
		t.add(Reply{Lang: t.lang, FormErrors: map[string]string{d.field: msg}})
		return nil
	}
	return d.send(t, subject, text)
}
