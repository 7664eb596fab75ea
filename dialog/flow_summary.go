package dialog

import (
	"context"

	"github.com/dangol/dangol/feedback"
)

// cmdSummary: /summary [this|last|YYYY-Www], managers only. The week is
// computed after the message's transaction commits, from a read
// transaction of its own: a summary never holds the write lock.
func (t *turn) cmdSummary(args string) error {
	w, err := feedback.ParseWeek(args, t.now, t.e.loc)
	if err != nil {
		t.say("core.summary.usage", nil)
		return nil
	}
	e, lang, now := t.e, t.lang, t.now
	t.later = func(ctx context.Context) ([]Reply, error) {
		r, err := e.summaryReply(ctx, w, lang, now)
		if err != nil {
			return nil, err
		}
		return []Reply{r}, nil
	}
	return nil
}
