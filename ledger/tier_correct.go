package ledger

import (
	"bytes"
	"fmt"
	"time"
)

// TierAfterCorrection recomputes the customer's tier after a correction
// took back a record that counted towards it: an earn reversed, a note
// deleted, recordAt being the record's time. A lapse waits for the daily
// run and its 30-day notice; a mistake does not. When the stored tier was
// given at or after recordAt (by a visit, the daily run or the customer's
// first record, not a manager's pin nor a starting tier) and the rules now
// give a lower one,
// the customer goes back at once, without a notice, to the tier they held
// before that move (the computed one if it is higher, or if they had
// none): a CauseCorrected move. A tier-up notice of that move not told
// yet is cancelled; TierChange.Told says one was. Anything else is left
// to the daily run, as a lapse is.
func (tx *Tx) TierAfterCorrection(customerID string, recordAt, at time.Time, loc *time.Location) (TierChange, error) {
	fail := func(err error) (TierChange, error) {
		return TierChange{}, fmt.Errorf("ledger: tier after correction: %w", err)
	}
	loc = locOr(loc, at)
	ck, err := tx.liveCustomer(customerID)
	if err != nil {
		return fail(err)
	}
	ch := TierChange{CustomerID: customerID, At: at}
	rec, stored, err := tx.tierRecord(ck)
	if err != nil {
		return fail(err)
	}
	ch.From, ch.To = rec.TierID, rec.TierID
	// A minute's slack: an entry is stored a little after its turn's
	// clock when it would fall before the customer's newest one, while the
	// tier move keeps the turn's time.
	if !stored || rec.Pinned || rec.Since.Before(recordAt.Add(-time.Minute)) {
		return ch, nil
	}
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		return fail(err)
	}
	cur := p.Tiers.Rank(rec.TierID)
	rank, _, _, err := tx.computeTier(ck, &p, at, loc)
	if err != nil {
		return fail(err)
	}
	if cur < 0 || rank >= cur {
		return ch, nil
	}
	move, err := tx.tierMoveAt(customerID, rec.Since)
	if err != nil {
		return fail(err)
	}
	if move.Cause == CausePin || move.Cause == CauseUnpin || move.Cause == CauseStart {
		return ch, nil // a manager's word, or the list's, not the record's
	}
	if before := p.Tiers.Rank(move.From); before > rank && before < cur {
		rank = before
	}
	told, err := tx.dropTierUpNotice(customerID, rec.TierID, rec.Since, at)
	if err != nil {
		return fail(err)
	}
	if err := tx.setTier(ck, &rec, &p, p.Tiers.Levels[rank].ID, CauseCorrected, at, &ch); err != nil {
		return fail(err)
	}
	ch.Told = told
	return ch, nil
}

// tierMoveAt returns the customer's tier move logged at exactly at, the
// time their record's Since holds; a zero move when none was (a record
// from before the log).
func (tx *Tx) tierMoveAt(customerID string, at time.Time) (TierMove, error) {
	var m TierMove
	err := tx.scanLog(at, at.Add(time.Nanosecond), func(e logEvent) error {
		if e.kind == logTierMove && e.customer == customerID {
			m = TierMove{CustomerID: customerID, At: e.at, From: e.a, To: e.b, Cause: TierCause(e.n)}
		}
		return nil
	})
	return m, err
}

// dropTierUpNotice cancels the customer's pending tier-up notice to tier
// recorded at since, and reports whether one had been told already.
func (tx *Tx) dropTierUpNotice(customerID, tier string, since, at time.Time) (told bool, err error) {
	lo := timePrefix(since)
	c := tx.bucket(bucketNotices).Cursor()
	for k, _ := c.Seek(lo); k != nil && bytes.HasPrefix(k, lo); k, _ = c.Next() {
		n, err := tx.notice(k)
		if err != nil {
			return false, err
		}
		if n.CustomerID != customerID || n.Kind != NoticeTierUp || n.Tier != tier {
			continue
		}
		if n.State != NoticePending {
			return n.State == NoticeDelivered, nil
		}
		return false, tx.finishNotice(n.ID, NoticeCancelled, at)
	}
	return false, nil
}
