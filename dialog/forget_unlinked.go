package dialog

import (
	"fmt"
	"strings"
)

// /forget of someone linked to no customer: "delete your name, phone
// number, notes … your points will be lost" spoke of a record they do not
// have. They are told what is kept for them (their consent answer, their
// language, the feedback and questions under their platform id) before
// they confirm, and that nothing is kept when nothing is.

// dForgetAsk is the forget flow's draft key for the question asked, so a
// re-ask says the same.
const dForgetAsk = "ask"

// forgetAsk is the question /forget asks the sender: "" for a linked
// customer (core.forget.ask), what is kept for an unlinked one. ok is
// false when an unlinked sender has nothing kept: they were told so, and
// there is nothing to confirm.
func (t *turn) forgetAsk() (ask string, ok bool, err error) {
	if _, linked, err := t.linkedCustomer(); err != nil || linked {
		return "", err == nil, err
	}
	p, err := t.tx.Profile(t.pid)
	if err != nil {
		return "", false, fmt.Errorf("dialog: read profile: %w", err)
	}
	fbs, err := t.tx.FeedbackOfSender(t.pid, 0)
	if err != nil {
		return "", false, fmt.Errorf("dialog: read feedback: %w", err)
	}
	ths, err := t.tx.ThreadsOfSender(t.pid, 0)
	if err != nil {
		return "", false, fmt.Errorf("dialog: read threads: %w", err)
	}
	var kept []string
	if p.Consent.Given || p.Consent.Declined {
		kept = append(kept, t.text("core.forget.kept_consent", nil))
	}
	if p.Lang != "" {
		kept = append(kept, t.text("core.forget.kept_lang", nil))
	}
	if len(fbs) > 0 {
		kept = append(kept, t.text("core.forget.kept_feedback", map[string]any{"Count": len(fbs)}))
	}
	if len(ths) > 0 {
		kept = append(kept, t.text("core.forget.kept_questions", map[string]any{"Count": len(ths)}))
	}
	if len(kept) == 0 {
		t.say("core.forget.nothing", nil)
		return "", false, nil
	}
	return t.text("core.forget.ask_unlinked", map[string]any{"Kept": strings.Join(kept, ", ")}), true, nil
}
