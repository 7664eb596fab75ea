package feedback

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dangol/dangol/ledger"
)

// ThreadWeek is a week's questions and complaints in numbers, read from the
// threads' clear fields only (times, states, kinds). Durations are opening
// time, as the caller's Opening counts it.
type ThreadWeek struct {
	Questions     int           // questions opened in the week
	Answered      int           // of which a staff member answered
	FirstMedian   time.Duration // median first response of those answered
	FirstP90      time.Duration // 90th percentile (nearest rank)
	ReplyBreaches int           // questions whose first answer came, or has not come by now (or by their closing, closed unanswered), past the reply SLA

	ComplaintsOpened   int
	ComplaintsResolved int // of the week's complaints, closed by now by the shop
	ComplaintsErased   int // closed by the customer's erasure: nobody resolved them
	ComplaintsOpen     int // still open now
	ResolveMedian      time.Duration
	ResolveBreaches    int

	// Slowest is the open thread of the week that has waited longest
	// (Number 0: none), for the staff's version of the summary.
	Slowest     ledger.Thread
	SlowestWait time.Duration
}

// ThreadOptions says how ThreadFigures counts time.
type ThreadOptions struct {
	// Opening returns the opening time between two instants (nights and
	// days off not counted); nil counts clock time.
	Opening func(from, to time.Time) time.Duration
	// ReplySLA and ResolveSLA are the service levels in opening time; 0:
	// no breaches counted.
	ReplySLA, ResolveSLA time.Duration
	Now                  time.Time // the moment "by now" means
}

// ThreadFigures counts the threads opened in [from, to).
func ThreadFigures(ctx context.Context, r Reader, from, to time.Time, opts ThreadOptions) (ThreadWeek, error) {
	opening := opts.Opening
	if opening == nil {
		opening = func(a, b time.Time) time.Duration { return b.Sub(a) }
	}
	var w ThreadWeek
	var firsts, resolves []time.Duration
	err := r.View(ctx, func(tx *ledger.Tx) error {
		return tx.ScanThreads(from, to, func(th ledger.Thread) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			waited := time.Duration(0)
			switch th.Kind {
			case ledger.ThreadQuestion:
				if th.ByShop {
					// The shop wrote first (a follow-up): no question was
					// received, and its "answer" at opening is no response time.
					break
				}
				w.Questions++
				switch {
				case th.AnsweredAt.IsZero() && th.State == ledger.ThreadClosed:
					// Closed without an answer (sorted out another way):
					// the wait ended with the closing, not now.
					waited = opening(th.OpenedAt, th.ClosedAt)
				case th.AnsweredAt.IsZero():
					waited = opening(th.OpenedAt, opts.Now)
				default:
					w.Answered++
					waited = opening(th.OpenedAt, th.AnsweredAt)
					firsts = append(firsts, waited)
				}
				if opts.ReplySLA > 0 && waited >= opts.ReplySLA {
					w.ReplyBreaches++
				}
			case ledger.ThreadComplaint:
				w.ComplaintsOpened++
				switch {
				case th.State == ledger.ThreadClosed && th.ClosedBy == ledger.ThreadClosedByErasure:
					// Not resolved, nor a time to resolve: the wait ended
					// because the customer left. A wait already past the
					// service level still counts as past it.
					w.ComplaintsErased++
					waited = opening(th.OpenedAt, th.ClosedAt)
				case th.State == ledger.ThreadClosed:
					w.ComplaintsResolved++
					waited = opening(th.OpenedAt, th.ClosedAt)
					resolves = append(resolves, waited)
				default:
					w.ComplaintsOpen++
					waited = opening(th.OpenedAt, opts.Now)
				}
				if opts.ResolveSLA > 0 && waited >= opts.ResolveSLA {
					w.ResolveBreaches++
				}
			}
			if th.State != ledger.ThreadClosed && (th.Kind == ledger.ThreadComplaint || th.AnsweredAt.IsZero()) && waited > w.SlowestWait {
				w.Slowest, w.SlowestWait = th, waited
			}
			return nil
		})
	})
	if err != nil {
		return ThreadWeek{}, fmt.Errorf("feedback: thread figures: %w", err)
	}
	w.FirstMedian, w.FirstP90 = rank(firsts, 50), rank(firsts, 90)
	w.ResolveMedian = rank(resolves, 50)
	return w, nil
}

// rank is the p-th percentile of ds by nearest rank (the median of an even
// count is the lower middle), 0 for none.
func rank(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := (p*len(ds)+99)/100 - 1
	return ds[max(0, min(i, len(ds)-1))]
}
