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
	// adWarn, when set, is the catalog id of the warning that typed words
	// read as an offer (adLike): a service message may not carry an ad,
	// which needs consent, the (광고) mark and the day hours. The words
	// are kept as the draft, so [보내기] then sends them as they are; a
	// form's words go on in the chat, in flow (its state machine's name).
	adWarn string
	flow   string
}

// step reads the answer to the draft: [보내기] sends the text offered,
// typed words are sent instead, anything else asks again.
func (d *draftSend) step(t *turn, in input) error {
	subject, text := t.sess.Draft[d.subject], t.sess.Draft[d.text]
	// "네", "ok" or "no" alone answers the offer, and is no message to
	// send the customer in its place.
	answer := typedStep(in, nil, nil)
	switch {
	case answer > 0 || t.isButton(in, d.sendPayload, d.sendLabel):
	case answer < 0 || t.isButton(in, "cancel", "core.btn.cancel"):
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
		if d.adWarn != "" && adLike(text) {
			t.sess.Draft[d.text] = text
			d.askAgain(t, t.text(d.adWarn, nil))
			return nil
		}
	}
	if err := t.fire("sent"); err != nil {
		return err
	}
	t.end()
	return d.send(t, subject, text)
}

// adWords are words of an offer, lower case: a message that has one is
// taken for an advertisement.
var adWords = []string{"할인", "쿠폰", "이벤트", "세일", "특가", "프로모션", "사은품", "증정", "1+1", "무료 체험",
	"discount", "coupon", "sale", "promo", "offer", "% off"}

// adLike reports whether text reads as an offer.
func adLike(text string) bool {
	s := strings.ToLower(text)
	for _, w := range adWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
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
	if d.adWarn != "" && adLike(text) {
		// Asked in the chat, where [보내기] sends the words as they are:
		// the form closes on a submit without errors.
		t.begin(d.flow)
		t.sess.Draft[d.subject], t.sess.Draft[d.text] = subject, text
		d.askAgain(t, t.text(d.adWarn, nil))
		return nil
	}
	return d.send(t, subject, text)
}
