package feedback

import (
	"math"

	"github.com/dangol/dangol/ledger"
)

// The week's line of response figures (issue 14, 프로모션 반응): the
// messages the shop started in the week — care messages (follow-ups,
// rating requests, birthday greetings, win-backs: ledger.Outreach) and
// campaign recipients sent — and what came back within
// ledger.ResponseWindow of each: replies, visits on a later day. It is
// read when the summary is made, so a past week's line may still grow for
// 14 days after its last message.

// scanOutreach computes Summary.Outreach for the week.
func (b *builder) scanOutreach(tx *ledger.Tx) error {
	f, err := tx.OutreachFigures(ledger.ResponseQuery{From: b.s.From, To: b.s.To, Campaigns: true})
	if err != nil {
		return err
	}
	b.s.Outreach = f
	return nil
}

// outreachLines are the care section's lines about the messages the shop
// sent in the week: none when it sent none. The line counts customers for
// replies and visits (a customer messaged twice counts once), its share of
// the customers messaged; the baseline line, when some customers were
// skipped for want of advertising consent, is how many of them came back
// without a message.
func (s *Summary) outreachLines(p printer) []string {
	f := s.Outreach
	if f.Sent == 0 {
		return nil
	}
	lines := []string{
		p.text("response.summary", map[string]any{
			"Sent": formatInt(int64(f.Sent)), "Customers": formatInt(int64(f.Customers)), "Replied": formatInt(int64(f.Replied)),
			"Visited": formatInt(int64(f.Visited)), "Pct": sharePct(f.Visited, f.Customers),
		}),
		p.text("response.summary_help", map[string]any{"This": p.current}),
	}
	if f.Baseline > 0 {
		lines = append(lines, p.text("response.baseline", map[string]any{
			"Count": formatInt(int64(f.Baseline)), "Visited": formatInt(int64(f.BaselineVisited)),
			"Pct": sharePct(f.BaselineVisited, f.Baseline),
		}))
	}
	return lines
}

// sharePct is n of total in whole percent ("25"); "0" when total is 0.
func sharePct(n, total int) string {
	if total <= 0 {
		return "0"
	}
	return formatInt(int64(math.Round(100 * float64(n) / float64(total))))
}
