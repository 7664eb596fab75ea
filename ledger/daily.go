package ledger

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// dailyChunk bounds the work of one transaction of the daily run, so a
// large shop's run never holds the write lock long.
const dailyChunk = 200

// ExpiryNoticeDays is how long before their end customers are told their
// points expire.
const ExpiryNoticeDays = 30

// ExpiryNoticeShortDays is how long before their end customers are told of
// points valid less than twice ExpiryNoticeDays (a 1개월 expiry): told 30
// days ahead, they were told the morning they earned them, before they
// could have used any.
const ExpiryNoticeShortDays = 7

// expiryNoticeDays is how long before its end a lot of months is told of:
// ExpiryNoticeDays, or ExpiryNoticeShortDays when its shortest validity
// (30 days a month) is under twice that: a 1개월 expiry.
func expiryNoticeDays(months int) int {
	if months*30 < 2*ExpiryNoticeDays {
		return ExpiryNoticeShortDays
	}
	return ExpiryNoticeDays
}

// DailyResult is what one RunDaily did.
type DailyResult struct {
	LotsExpired    int
	PointsExpired  int64
	ExpiryNotices  int // NoticeExpireSoon recorded
	CouponsExpired int
	TierFirst      int // customers given their first tier record
	TierUps        int
	TierDowns      int
	DownNotices    int // NoticeTierDownSoon recorded
	DownsCancelled int // pending downgrades of customers who requalified
	// Notices are the notices this run recorded, in order. They are also
	// in PendingNotices until delivered.
	Notices []Notice
}

func (r *DailyResult) add(o DailyResult) {
	r.LotsExpired += o.LotsExpired
	r.PointsExpired += o.PointsExpired
	r.ExpiryNotices += o.ExpiryNotices
	r.CouponsExpired += o.CouponsExpired
	r.TierFirst += o.TierFirst
	r.TierUps += o.TierUps
	r.TierDowns += o.TierDowns
	r.DownNotices += o.DownNotices
	r.DownsCancelled += o.DownsCancelled
	r.Notices = append(r.Notices, o.Notices...)
}

// RunDaily runs loyalty's daily job at now, with calendar days in loc
// (nil: now's location): it expires what is left of point lots past their
// end (an expire entry each, NoticeExpired per customer and day), tells
// customers of points ending within ExpiryNoticeDays (NoticeExpireSoon,
// once per customer with everything ending within ExpiryNoticeDays of the
// first end: noticeLots), marks coupons past their last day expired, and
// recomputes every customer's tier (upgrades with NoticeTierUp; a lower
// tier first with NoticeTierDownSoon and TierDownNoticeDays later for
// real, NoticeTierDown; a requalified customer's pending downgrade
// cancelled).
//
// It works in transactions of at most dailyChunk items, each complete in
// itself, and everything it does is recorded with its effect: running it
// again the same day, or after a crash half way, does nothing twice. An
// error stops it; what committed before stays, and the next run goes on.
func (s *Store) RunDaily(ctx context.Context, now time.Time, loc *time.Location) (DailyResult, error) {
	loc = locOr(loc, now)
	var res DailyResult
	// step runs fn in transactions until it says no more is due. fn may
	// run more than once per transaction (Update's contract), so it
	// reports into a fresh result each time and the loop keeps only the
	// committed one.
	step := func(name string, fn func(tx *Tx, r *DailyResult) (more bool, err error)) error {
		for {
			var r DailyResult
			var more bool
			err := s.Update(ctx, func(tx *Tx) error {
				r = DailyResult{}
				var err error
				more, err = fn(tx, &r)
				return err
			})
			if err != nil {
				return fmt.Errorf("ledger: daily run: %s: %w", name, err)
			}
			res.add(r)
			if !more {
				return nil
			}
		}
	}
	err := step("expire points", func(tx *Tx, r *DailyResult) (bool, error) {
		n, pts, notices, more, err := tx.expireLots(now, loc, dailyChunk)
		r.LotsExpired, r.PointsExpired, r.Notices = n, pts, notices
		return more, err
	})
	if err == nil {
		err = step("expiry notices", func(tx *Tx, r *DailyResult) (bool, error) {
			notices, more, err := tx.noticeLots(now, loc, ExpiryNoticeDays, dailyChunk)
			r.ExpiryNotices, r.Notices = len(notices), notices
			return more, err
		})
	}
	if err == nil {
		err = step("expire coupons", func(tx *Tx, r *DailyResult) (bool, error) {
			n, more, err := tx.expireCoupons(now, dailyChunk)
			r.CouponsExpired = n
			return more, err
		})
	}
	if err != nil {
		return res, err
	}
	// Tiers: every customer, in id order, a chunk per transaction. The
	// position moves on only once a chunk committed.
	var after []byte
	for {
		var r DailyResult
		var next []byte
		err := s.Update(ctx, func(tx *Tx) error {
			r, next = DailyResult{}, nil
			var err error
			next, err = tx.dailyTiers(after, now, loc, &r)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("ledger: daily run: tiers: %w", err)
		}
		res.add(r)
		if next == nil {
			return res, nil
		}
		after = next
	}
}

// dailyTiers recomputes the tiers of up to dailyChunk customers after the
// key after (from the first when nil) and returns the last key done, nil
// when it reached the end.
func (tx *Tx) dailyTiers(after []byte, now time.Time, loc *time.Location, r *DailyResult) ([]byte, error) {
	var keys [][]byte
	c := tx.bucket(bucketCustomers).Cursor()
	k, _ := c.First()
	if after != nil {
		k, _ = c.Seek(after)
		if k != nil && bytes.Equal(k, after) {
			k, _ = c.Next()
		}
	}
	for ; k != nil && len(keys) <= dailyChunk; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	more := len(keys) > dailyChunk
	if more {
		keys = keys[:dailyChunk]
	}
	for _, ck := range keys {
		if tx.get(bucketErased, ck) != nil {
			continue
		}
		ch, err := tx.recomputeTier(custIDOfKey(ck), now, loc, true)
		if err != nil {
			return nil, err
		}
		switch {
		case ch.Cause == CauseFirst && ch.To != "":
			r.TierFirst++
		case ch.Up:
			r.TierUps++
		case ch.Down:
			r.TierDowns++
		}
		if ch.DownCancelled {
			r.DownsCancelled++
		}
		if ch.NoticeID != "" {
			n, err := tx.Notice(ch.NoticeID)
			if err != nil {
				return nil, err
			}
			if n.Kind == NoticeTierDownSoon {
				r.DownNotices++
			}
			r.Notices = append(r.Notices, n)
		}
	}
	if !more {
		return nil, nil
	}
	return keys[len(keys)-1], nil
}
