package dialog

import "github.com/dangol/dangol/ledger"

// A flow about a customer erased meanwhile (a manager's erase, the
// customer's /forget, retention) ends with the erasure, its draft with it
// (ledger.Session.Erased): a staff member halfway through a note about
// them was otherwise answered "명령을 입력해 주세요" at their next answer,
// the note gone without a word. Their next message is told the flow ended
// and why, without the customer's name: after an erasure nothing of
// theirs is shown again, the name included.

// erasedFlow tells of the flow s names, ended by an erasure, ahead of what
// the message itself does, and leaves the conversation with no flow (the
// stub goes with this turn, as an expired session's does).
func (t *turn) erasedFlow(s ledger.Session) {
	t.sess = ledger.Session{Key: t.key}
	t.expired = true
	n := t.mk(t.text("customer_edit.flow_erased", map[string]any{
		"Flow": t.text(t.flowTitle(ledger.Session{Flow: s.Expired, State: s.State}), nil),
	}))
	t.notices = append(t.notices, n)
	t.replies = append(t.replies, n)
	t.expiryTold, t.flowErased = true, true
}
