package dialog

import (
	"context"
	"fmt"
	"time"

	"github.com/dangol/dangol/ledger"
)

// The Due of the checks serve runs every few minutes (Job.Due): when the
// console's clock jumps (Scheduler.Advance), each check is made at the
// first of its times when it has work, as serve would have made it, and
// not only before the next daily job or at the jump's end. Each reads what
// its Posts reads, in a read transaction, and answers the earliest moment
// at or after at when that Posts would send something; zero when nothing
// is waiting. A moment too early only costs a check that finds nothing;
// one too late would post late, so where a Posts would still refuse (a
// customer without consent) the moment is given anyway only when reading
// why is cheap.

// ratingNext is the rating job's Due: the start of the earliest rating
// window (ratingWindow) not over at at, of a visit day not asked about or
// rated yet, of a customer who can be asked.
func (e *Engine) ratingNext(ctx context.Context, at time.Time, after time.Duration) (time.Time, error) {
	var first time.Time
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		return tx.ScanVisitStats(func(s ledger.VisitStats) error {
			if s.Visits <= 0 {
				return nil
			}
			from, until, ok := ratingWindow(s.Last, after, e.loc)
			if !ok || !until.After(at) {
				return nil
			}
			d := maxTime(from, at)
			if !first.IsZero() && !d.Before(first) {
				return nil // no sooner than one found: not worth the reads
			}
			_, _, _, ask, err := e.ratingTarget(tx, s)
			if err != nil || !ask {
				return err
			}
			first = d
			return nil
		})
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("dialog: rating requests due: %w", err)
	}
	return first, nil
}

// slaNext is the SLA check's Due: the earliest deadline (slaDeadline) of
// an open thread whose managers were not told of it yet, or at when it has
// already passed.
func (e *Engine) slaNext(ctx context.Context, at time.Time) (time.Time, error) {
	var first time.Time
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		ths, err := tx.OpenThreads()
		if err != nil {
			return err
		}
		for _, th := range ths {
			kind, deadline := e.slaDeadline(th)
			if kind == "" {
				continue
			}
			told, err := tx.Posted(slaKey(kind, th.Number))
			if err != nil {
				return err
			}
			if d := maxTime(deadline, at); !told && (first.IsZero() || d.Before(first)) {
				first = d
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("dialog: SLA checks due: %w", err)
	}
	return first, nil
}

// idleKeepNext is the idle-keep job's Due: the first moment a flow that
// can keep its work is idle past the timeout (IdleKept takes those idle
// since before at minus the timeout), among those the housekeeping sweep
// has not stripped yet (IdleKeepGrace after the timeout).
func (e *Engine) idleKeepNext(ctx context.Context, at time.Time) (time.Time, error) {
	var first time.Time
	err := e.store.View(ctx, func(tx *ledger.Tx) error {
		idle, err := tx.IdleSessions(at.Add(time.Nanosecond), keepingFlows()...)
		if err != nil {
			return err
		}
		for _, s := range idle {
			idleAt := s.Updated.Add(e.timeout + time.Nanosecond)
			if s.Draft[dWriter] == "" || !idleAt.Add(IdleKeepGrace).After(at) {
				continue // IdleKept leaves it; the sweep strips it
			}
			if d := maxTime(idleAt, at); first.IsZero() || d.Before(first) {
				first = d
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("dialog: idle flows due: %w", err)
	}
	return first, nil
}
