package dialog

// Opting out of advertising in the words customers use: Korean customers
// type 수신거부 out of the habit of advertising texts, whose law
// (정보통신망법 제50조) asks that opting out be easy; others type STOP or
// /unsubscribe. Each of these withdraws the consent at once, as
// /marketing off does, instead of going to staff as a question.

import (
	"strings"
	"unicode"

	"github.com/dangol/dangol/ledger"
)

func init() {
	for _, name := range []string{"unsubscribe", "stop", "optout"} {
		customerCommands[name] = command{run: (*turn).cmdOptOut}
	}
	typedAnswers = append(typedAnswers, (*turn).typedOptOut)
}

// optOutWords are whole messages that withdraw advertising consent, as
// normalised by optOutKey (lower case, no spaces or punctuation).
var optOutWords = map[string]bool{
	"수신거부": true, "수신거절": true, "수신차단": true, "광고수신거부": true, "광고거부": true, "광고거절": true,
	"광고사절": true, "광고그만": true, "광고그만보내세요": true, "그만보내세요": true, "그만보내주세요": true,
	"광고보내지마세요": true, "보내지마세요": true, "수신거부할게요": true, "수신거부합니다": true, "수신거부요": true,
	"그만받을래요": true, "그만받을게요": true, "그만받고싶어요": true, "안받을래요": true, "안받을게요": true,
	"광고안받을래요": true, "광고안받을게요": true, "광고그만받을래요": true,
	"stop": true, "unsubscribe": true, "optout": true,
}

// optOutKey is text as optOutWords holds it.
func optOutKey(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cmdOptOut: /unsubscribe, /stop: /marketing off.
func (t *turn) cmdOptOut(string) error { return t.cmdMarketing("off") }

// typedOptOut reads a line outside any flow that is one of optOutWords as
// /marketing off; for a sender not linked it says there is nothing to
// withdraw from, rather than passing it on to staff.
func (t *turn) typedOptOut(text string) (bool, error) {
	if t.role != ledger.RoleCustomer || !optOutWords[optOutKey(text)] {
		return false, nil
	}
	return true, t.cmdMarketing("off")
}
