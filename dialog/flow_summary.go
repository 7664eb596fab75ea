package dialog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
)

// cmdSummary: /summary [this|last|YYYY-Www], managers only. The week is
// computed after the message's transaction commits, from a read
// transaction of its own: a summary never holds the write lock.
func (t *turn) cmdSummary(args string) error {
	w, err := feedback.ParseWeek(args, t.now, t.e.loc)
	if err != nil {
		if asksMonth(args) {
			t.say("core.summary.no_month", nil)
			return nil
		}
		t.say("core.summary.usage", map[string]any{"Value": strings.TrimSpace(args)})
		return nil
	}
	e, lang, now := t.e, t.lang, t.now
	t.later = func(ctx context.Context) ([]Reply, error) {
		r, sum, err := e.summaryReply(ctx, w, lang, now)
		if err != nil {
			return nil, err
		}
		bs, err := e.atRiskButtons(ctx, sum.AtRisk, lang, now)
		if err != nil {
			return nil, err
		}
		r.Buttons = append(r.Buttons, bs...)
		return []Reply{r}, nil
	}
	return nil
}

// atRiskButtons are the summary's [안부 메시지: 이름] for each regular at
// risk it names (list, in its order) who is still at risk at now
// (feedback.IsAtRisk), in lang; none for an erased one. A past week names
// those at risk at its end: one who came back since gets no button.
// Pressing one starts the win-back draft (flow_winback.go), which checks
// consent and the lapse.
func (e *Engine) atRiskButtons(ctx context.Context, list []feedback.AtRisk, lang string, now time.Time) ([]Button, error) {
	var out []Button
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		out = out[:0]
		for _, a := range list {
			if a.Customer.Erased || a.Customer.Name == "" {
				continue
			}
			v, err := tx.VisitStatsOf(a.Customer.ID)
			if err != nil {
				return err
			}
			if !feedback.IsAtRisk(v, now) {
				continue
			}
			out = append(out, Button{
				Label:   e.cat.Text(lang, "winback.button", map[string]any{"Name": a.Customer.Name}),
				Payload: winBackAction + ":" + a.Customer.ID,
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: summary win-back buttons: %w", err)
	}
	return out, nil
}

// summaryMonthWords ask for a month's summary, which dangol does not make yet.
var summaryMonthWords = []string{"month", "monthly", "월", "달", "월간"}

// asksMonth reports whether a /summary argument asks for a month: "이번달",
// "지난 달", "last month", "2026-11", "11월".
func asksMonth(s string) bool {
	in := strings.ToLower(strings.Join(strings.Fields(s), ""))
	for _, w := range summaryMonthWords {
		if strings.HasSuffix(in, w) {
			return true
		}
	}
	if y, m, ok := strings.Cut(in, "-"); ok && len(y) == 4 && len(m) <= 2 && strings.Trim(y+m, "0123456789") == "" {
		return true
	}
	return false
}
