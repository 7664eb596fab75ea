package dialog

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// Response figures (issue 14, 프로모션 반응): what came back from the
// messages the shop started. /response [days] (반응, managers) shows, for
// each kind of care message (follow-ups, rating requests, birthday
// greetings, win-backs) and for campaigns sent over the last days (30 by
// default), ledger.OutreachFigures: messages sent, customers who replied
// and who came back within 14 days, benefits used, and the baseline of the
// customers skipped for want of advertising consent. responseLine renders
// one set of figures, for any flow that shows them (a campaign's).

// Limits of /response.
const (
	responseDefaultDays = 30
	responseMaxDays     = 366
)

func init() {
	staffCommands["response"] = command{run: (*turn).cmdResponse, manager: true}
	koreanCommands["반응"] = "response"
	helpManager = append(helpManager, "response.help")
}

// responseKinds are the rows of /response, in order: each outreach kind,
// then the campaigns ("" kind).
var responseKinds = append(append([]ledger.OutreachKind(nil), ledger.OutreachKinds...), "")

// cmdResponse: /response [days]. Like /summary, the figures are read
// after the message's transaction, in a read transaction of their own.
func (t *turn) cmdResponse(args string) error {
	days, ok := parseResponseDays(args)
	if !ok {
		t.say("response.usage", map[string]any{"Max": responseMaxDays})
		return nil
	}
	e, lang, now := t.e, t.lang, t.now
	t.later = func(ctx context.Context) ([]Reply, error) {
		r, err := e.responseReply(ctx, lang, now, days)
		if err != nil {
			return nil, err
		}
		return []Reply{r}, nil
	}
	return nil
}

// parseResponseDays reads "", "30", "30일", "30d" or "30 days": 1 to
// responseMaxDays days.
func parseResponseDays(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(foldFullWidth(s)))
	if s == "" {
		return responseDefaultDays, true
	}
	for _, suffix := range []string{"days", "day", "일", "d"} {
		if rest, ok := strings.CutSuffix(s, suffix); ok {
			s = strings.TrimSpace(rest)
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > responseMaxDays {
		return 0, false
	}
	return n, true
}

// responseReply is /response's answer: the messages sent from the start
// of the day days-1 days before now's until now, a line per kind that sent
// or skipped any.
func (e *Engine) responseReply(ctx context.Context, lang string, now time.Time, days int) (Reply, error) {
	from := midnight(now, e.loc).AddDate(0, 0, -(days - 1))
	// Up to now included (ResponseQuery's To is not): a message sent at
	// this very moment counts, as on a clock that stands still (the
	// console's, between a follow-up and /response).
	to := now.Add(time.Nanosecond)
	var lines []string
	var t *turn
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		lines = lines[:0]
		t = e.quietTurn(tx, lang, now)
		for _, k := range responseKinds {
			q := ledger.ResponseQuery{From: from, To: to, Kinds: []ledger.OutreachKind{k}}
			if k == "" {
				q = ledger.ResponseQuery{From: from, To: to, CampaignsOnly: true}
			}
			f, err := tx.OutreachFigures(q)
			if err != nil {
				return err
			}
			if f.Sent > 0 || f.Baseline > 0 {
				lines = append(lines, t.text("response.row", map[string]any{"Kind": t.text(responseKindName(k), nil), "Line": t.responseLine(f)}))
			}
		}
		return nil
	})
	if err != nil {
		return Reply{}, fmt.Errorf("dialog: response figures: %w", err)
	}
	data := map[string]any{"Days": days, "From": t.day(from), "To": t.day(now)}
	if len(lines) == 0 {
		return t.mk(t.text("response.none", data)), nil
	}
	lines = append(lines, t.text("response.help_line", nil))
	return t.mkSections(t.text("response.head", data), []Section{{Lines: lines}}), nil
}

// responseKindName is the catalog id naming row k of /response (the
// campaigns for ""); a kind it does not know (one added to the ledger and
// not here) reads as a neutral "other messages", never an id.
func responseKindName(k ledger.OutreachKind) string {
	if id, ok := responseKindNames[k]; ok {
		return id
	}
	return "response.kind.other"
}

// responseKindNames are the catalog ids of the rows of /response.
var responseKindNames = map[ledger.OutreachKind]string{
	ledger.OutreachFollowUp: "response.kind.followup",
	ledger.OutreachRating:   "response.kind.rating",
	ledger.OutreachBirthday: "response.kind.birthday",
	ledger.OutreachWinBack:  "response.kind.winback",
	"":                      "response.kind.campaign",
}

// responseLine renders one set of response figures in the turn's
// language: "보낸 메시지 13건 (고객 6명) · 답장 3명 · 14일 내 재방문 6명 중
// 3명 (50%)": messages, then customers, each share with its base; then the
// benefits used when any was given, and the baseline when some customers
// were skipped for want of consent.
func (t *turn) responseLine(f ledger.ResponseFigures) string {
	line := t.text("response.summary", map[string]any{
		"Sent": f.Sent, "Customers": f.Customers, "Replied": f.Replied, "Visited": f.Visited, "Pct": responsePct(f.Visited, f.Customers),
	})
	if f.WithBenefit > 0 {
		line += t.text("response.redeemed", map[string]any{"Used": f.Redeemed, "Given": f.WithBenefit})
	}
	if f.Baseline > 0 {
		line += t.text("response.baseline_short", map[string]any{
			"Count": f.Baseline, "Visited": f.BaselineVisited, "Pct": responsePct(f.BaselineVisited, f.Baseline),
		})
	}
	return line
}

// responsePct is n of total in whole percent, rounded; 0 when total is 0.
func responsePct(n, total int) int {
	if total <= 0 {
		return 0
	}
	return int(math.Round(100 * float64(n) / float64(total)))
}
