package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The done-when test of loyalty: goroutines acting at once on a few
// customers (earns, redeems, corrections of both, stamps and their
// corrections, coupons given and used, notes, pins, programme changes,
// daily runs) while the clock jumps. After every step the invariants hold
// (checkLoyalty); at the end of each round, with everyone stopped, a daily
// run at the new time and the stricter checks after it (checkAfterDaily).

// refusals are the errors an operation of the test may meet; any other
// fails the test.
var refusals = []error{ErrInsufficientPoints, ErrAlreadyReversed, ErrIsCorrection, ErrStampsUsed, ErrCouponUsed,
	ErrCouponExpired, ErrCouponVoid, ErrCouponNotYours, ErrCouponNotFound, ErrNoStampProgramme, ErrNotFound}

func refused(err error) bool {
	for _, r := range refusals {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}

type randWorld struct {
	t         *testing.T
	s         *Store
	loc       *time.Location
	customers []string

	mu   sync.Mutex
	now  time.Time
	uses map[string]int // successful UseCoupon calls by coupon id
}

func (w *randWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *randWorld) jump(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// modelRank is the tier the rules in force at at give customer id,
// computed here from the records, not by the ledger's code: visits are
// the days in loc with an earn or a note in [at - window, at] (with no
// window, the visit stats), spend the amounts of earns not reversed.
func modelRank(tb testing.TB, tx *Tx, id string, at time.Time, loc *time.Location) int {
	tb.Helper()
	p, err := tx.ProgrammeAt(at)
	if err != nil {
		tb.Fatal(err)
	}
	entries, _ := tx.PointsOf(id, 0)
	notes, _ := tx.NotesOf(id, 0)
	w := p.Tiers.WindowMonths
	from := time.Time{}
	if w > 0 {
		from = at.AddDate(0, -w, 0)
	}
	in := func(t time.Time) bool { return !t.Before(from) && !t.After(at) }
	days := map[string]bool{}
	var spend int64
	for _, e := range entries {
		if e.Kind != PointsEarn || !in(e.At) {
			continue
		}
		// A reversed earn is neither a visit nor spend (tierFigures).
		if e.ReversedBy == "" {
			days[e.At.In(loc).Format(time.DateOnly)] = true
			spend += e.Amount
		}
	}
	for _, n := range notes {
		if in(n.At) {
			days[n.At.In(loc).Format(time.DateOnly)] = true
		}
	}
	visits := len(days)
	if w == 0 {
		vs, _ := tx.VisitStatsOf(id)
		visits = vs.Visits
	}
	rank := 0
	for i, l := range p.Tiers.Levels {
		if i == 0 {
			continue
		}
		v := l.MinVisits > 0 && visits >= l.MinVisits
		s := l.MinSpend > 0 && spend >= l.MinSpend
		met := v || s
		if l.Both && l.MinVisits > 0 && l.MinSpend > 0 {
			met = v && s
		}
		if met {
			rank = i
		}
	}
	return rank
}

// checkLoyalty checks what holds in every committed state, for the
// customers ids; quiet says no one is writing (so the test's own count of
// uses is as fresh as tx).
func (w *randWorld) checkLoyalty(tx *Tx, ids []string, quiet bool) {
	t := w.t
	for _, id := range ids {
		entries, err := tx.PointsOf(id, 0)
		if err != nil {
			t.Errorf("points of %s: %v", id, err)
			return
		}
		var sum, low int64
		for i := len(entries) - 1; i >= 0; i-- { // oldest first
			sum += entries[i].Points
			low = min(low, sum)
		}
		bal, _ := tx.Balance(id)
		if bal != sum || bal < 0 || low < 0 {
			t.Errorf("%s: balance %d, sum of entries %d, lowest running %d", id, bal, sum, low)
		}
		lots, err := tx.LotsOf(id)
		if err != nil {
			t.Errorf("lots of %s: %v", id, err)
			return
		}
		var left int64
		byEntry := map[string]Lot{}
		for _, l := range lots {
			left += l.Remaining
			byEntry[l.EntryID] = l
			if l.Remaining < 0 || l.Remaining > l.Points {
				t.Errorf("%s: lot %+v out of range", id, l)
			}
		}
		if left != bal {
			t.Errorf("%s: lots hold %d, balance %d", id, left, bal)
		}
		// No lot expires points earned after it: an expire entry takes its
		// points from one lot, made before it and ended by then.
		for _, e := range entries {
			if e.Kind != PointsExpire {
				continue
			}
			k, _ := keyOfID(e.ID)
			var takes int
			c := tx.bucket(bucketLotTakes).Cursor()
			for tk, v := c.Seek(k); tk != nil && bytes.HasPrefix(tk, k); tk, v = c.Next() {
				takes++
				n, _ := binary.Varint(v)
				l, ok := byEntry[idOf(tk[timeKeyLen:])]
				switch {
				case !ok:
					t.Errorf("%s: expiry %s took from an unknown lot", id, e.ID)
				case l.At.After(e.At) || l.Months == 0 || l.Ends(w.loc).After(e.At):
					t.Errorf("%s: expiry %s at %s took from lot %+v ending %s", id, e.ID, e.At, l, l.Ends(w.loc))
				case n != -e.Points:
					t.Errorf("%s: expiry %s of %d took %d", id, e.ID, e.Points, n)
				}
			}
			if takes != 1 {
				t.Errorf("%s: expiry %s took from %d lots", id, e.ID, takes)
			}
		}
		// Stamps: never negative, and the card is what the entries and
		// the rewards not voided make.
		card, _ := tx.StampCardOf(id, w.clock())
		stamps, _ := tx.StampsOf(id, 0)
		total := 0
		for _, s := range stamps {
			total += s.N
		}
		coupons, _ := tx.CouponsOf(id, w.clock(), true)
		rewards, taken := 0, 0
		for _, c := range coupons {
			if c.Source == SourceStamps && c.State != CouponVoid {
				rewards++
				taken += c.Stamps
			}
			if (c.State == CouponUsed) != !c.UsedAt.IsZero() {
				t.Errorf("%s: coupon %+v: state and use time disagree", id, c)
			}
			w.mu.Lock()
			uses := w.uses[c.ID]
			w.mu.Unlock()
			if uses > 1 || (quiet && uses == 1 && c.State != CouponUsed) {
				t.Errorf("%s: coupon %s used %d times, state %s", id, c.ID, uses, c.State)
			}
		}
		if card.Stamps < 0 || card.Total != total || card.Rewards != rewards || card.Stamps != total-taken {
			t.Errorf("%s: card %+v; entries add %d, %d rewards took %d", id, card, total, rewards, taken)
		}
		// A pending downgrade is announced and goes down.
		rec, stored, _ := tx.tierRecord(mustKey(id))
		if stored && rec.DownTo != "" && (rec.DownNotice == "" || rec.DownOn.IsZero() || rec.Pinned) {
			t.Errorf("%s: pending downgrade %+v", id, rec)
		}
	}
	// No coupon used twice, as the log tells it.
	used := map[string]int{}
	tx.scanLog(time.Time{}, maxNanoTime, func(e logEvent) error {
		if e.kind == logCouponUsed {
			used[e.a]++
		}
		return nil
	})
	for id, n := range used {
		if n > 1 {
			t.Errorf("coupon %s used %d times", id, n)
		}
	}
}

func mustKey(id string) []byte {
	k, _ := custKeyOf(id)
	return k
}

// checkTier checks, right after UpdateTier at at, that the customer's
// tier is not below what the rules give (an upgrade is never missed).
func (w *randWorld) checkTier(tx *Tx, id string, at time.Time) {
	st, err := tx.TierOf(id, at, w.loc)
	if err != nil {
		w.t.Errorf("tier of %s: %v", id, err)
		return
	}
	if st.Pinned {
		return
	}
	if m := modelRank(w.t, tx, id, at, w.loc); st.Rank < m {
		w.t.Errorf("%s at %s: tier %s (rank %d) below the rules' rank %d", id, at, st.TierID, st.Rank, m)
	}
}

// checkAfterDaily checks, with no one writing, the state a daily run at
// now leaves: every tier is the rules' unless pinned or announced to go
// down later; no lot with points left has ended; no coupon valid past its
// end; lots ending within the notice window were told.
func (w *randWorld) checkAfterDaily(tx *Tx, now time.Time) {
	t := w.t
	p, _ := tx.ProgrammeAt(now)
	for _, id := range w.customers {
		m := modelRank(t, tx, id, now, w.loc)
		rec, stored, _ := tx.tierRecord(mustKey(id))
		cur := p.Tiers.Rank(rec.TierID)
		switch {
		case !stored:
			if m != 0 {
				t.Errorf("%s: no tier record, rules give rank %d", id, m)
			}
		case rec.Pinned:
		case cur == m:
			if rec.DownTo != "" {
				t.Errorf("%s: at its tier with a downgrade pending %+v", id, rec)
			}
		case cur > m && rec.DownTo != "" && now.Before(rec.DownOn) && !now.Before(rec.DownOn.AddDate(0, 0, -TierDownNoticeDays-1)):
		default:
			t.Errorf("%s at %s: tier %s (rank %d), rules give %d, record %+v", id, now, rec.TierID, cur, m, rec)
		}
		lots, _ := tx.LotsOf(id)
		for _, l := range lots {
			if l.Remaining == 0 || l.Months == 0 {
				continue
			}
			soon := startOfDay(now, w.loc).AddDate(0, 0, expiryNoticeDays(l.Months)+1)
			if end := l.Ends(w.loc); !end.After(now) {
				t.Errorf("%s: lot %+v ended %s, not expired at %s", id, l, end, now)
			} else if end.Before(soon) && !l.Noticed {
				t.Errorf("%s: lot %+v ends %s, not told at %s", id, l, end, now)
			}
		}
		coupons, _ := tx.CouponsOf(id, now, true)
		for _, c := range coupons {
			if c.State == CouponValid && !now.Before(c.Ends) {
				t.Errorf("%s: coupon %+v still valid at %s", id, c, now)
			}
		}
	}
}

func TestLoyaltyRandomized(t *testing.T) {
	const (
		customers  = 6
		goroutines = 4
		rounds     = 12
		steps      = 18
	)
	for _, seed := range []uint64{1, 2} {
		t.Run("seed", func(t *testing.T) {
			// Durability is not what is tested here: without fsync the
			// run takes seconds, not minutes.
			s, err := Open(filepath.Join(t.TempDir(), "dangol.db"), &Options{Timeout: time.Second, Key: testKey, NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			w := &randWorld{t: t, s: s, loc: seoul, now: t0, uses: map[string]int{}}
			for i := range customers {
				c := mustCustomer(t, s, "손님", "0105555000"+string(rune('0'+i)))
				w.customers = append(w.customers, c.ID)
			}
			mustUpdate(t, s, func(tx *Tx) error {
				if _, err := tx.SetTiers(TierRules{WindowMonths: 2, Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 3},
					{ID: TierVIP, MinVisits: 6, MinSpend: 300000, EarnRateBP: 1000}}}, "console:m", t0, nil); err != nil {
					return err
				}
				if _, err := tx.SetStamps(StampRules{Goal: 5, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}, RewardDays: 10}, "console:m", t0); err != nil {
					return err
				}
				_, err := tx.SetExpiry(ExpiryRules{Months: 1}, "console:m", t0)
				return err
			})
			for round := range rounds {
				var wg sync.WaitGroup
				for g := range goroutines {
					wg.Add(1)
					go func() {
						defer wg.Done()
						rng := rand.New(rand.NewPCG(seed, uint64(round*goroutines+g)))
						for range steps {
							touched := w.step(rng)
							if err := s.View(context.Background(), func(tx *Tx) error { w.checkLoyalty(tx, touched, false); return nil }); err != nil {
								t.Error(err)
							}
						}
					}()
				}
				wg.Wait()
				if t.Failed() {
					t.Fatalf("seed %d, round %d", seed, round)
				}
				rng := rand.New(rand.NewPCG(seed, uint64(1000+round)))
				w.jump(time.Duration(rng.IntN(20*24)) * time.Hour)
				now := w.clock()
				if _, err := s.RunDaily(context.Background(), now, seoul); err != nil {
					t.Fatal(err)
				}
				mustView(t, s, func(tx *Tx) error {
					w.checkLoyalty(tx, w.customers, true)
					w.checkAfterDaily(tx, now)
					return nil
				})
				if t.Failed() {
					t.Fatalf("seed %d, after the daily run of round %d at %s", seed, round, now)
				}
			}
			mustView(t, s, func(tx *Tx) error {
				f, err := tx.LoyaltyFigures(t0, w.clock().Add(time.Hour))
				if err != nil {
					return err
				}
				t.Logf("seed %d: %+v", seed, f)
				if f.StampsGiven == 0 || f.CouponsIssued == 0 || f.CouponsUsed == 0 || f.PointsExpired == 0 || f.TierUps == 0 {
					t.Errorf("the run did too little to mean much: %+v", f)
				}
				return nil
			})
		})
	}
}

// step does one random operation at the shared clock and returns the
// customers it may have changed.
func (w *randWorld) step(rng *rand.Rand) []string {
	t := w.t
	id := w.customers[rng.IntN(len(w.customers))]
	ctx := context.Background()
	at := w.clock()
	var used string
	// Drawn before the transaction: Update may run fn again, which must
	// then do the same.
	op, sub := rng.IntN(100), rng.Uint64()
	err := w.s.Update(ctx, func(tx *Tx) error {
		used = ""
		rng := rand.New(rand.NewPCG(sub, 0))
		switch {
		case op < 25: // an earn at the tier's rate, then the tier
			p, err := tx.ProgrammeAt(at)
			if err != nil {
				return err
			}
			st, err := tx.TierOf(id, at, w.loc)
			if err != nil {
				return err
			}
			amount := int64(1000 * (1 + rng.IntN(150)))
			pts, _ := PointsFor(amount, p.EarnRateOf(st.TierID))
			e := PointsEntry{CustomerID: id, At: at, Kind: PointsEarn, Points: max(pts, 1), Amount: amount, ActorID: "console:s"}
			if err := tx.AddPoints(&e); err != nil {
				return err
			}
			if _, err := tx.UpdateTier(id, e.At, w.loc); err != nil {
				return err
			}
			w.checkTier(tx, id, e.At)
		case op < 35: // a redeem of some of the balance
			bal, err := tx.Balance(id)
			if err != nil || bal == 0 {
				return err
			}
			e := PointsEntry{CustomerID: id, At: at, Kind: PointsRedeem, Points: -(1 + rng.Int64N(bal)), ActorID: "console:s"}
			return tx.AddPoints(&e)
		case op < 43: // undo or void of any entry
			entries, err := tx.PointsOf(id, 0)
			if err != nil || len(entries) == 0 {
				return err
			}
			rev, err := ReversalOf(entries[rng.IntN(len(entries))], "console:s", "", at)
			if err != nil {
				return err
			}
			return tx.AddPoints(&rev)
		case op < 55: // stamps
			_, err := tx.AddStamps(id, 1+rng.IntN(7), "console:s", "", at, w.loc)
			return err
		case op < 60: // a stamp entry reversed
			entries, err := tx.StampsOf(id, 0)
			if err != nil || len(entries) == 0 {
				return err
			}
			_, err = tx.ReverseStamps(entries[rng.IntN(len(entries))].ID, "console:s", "", at)
			return err
		case op < 68: // a coupon given
			spec := CouponSpec{CustomerID: id, Benefit: CouponBenefit{Kind: BenefitWon, Won: 1000}, Days: rng.IntN(15), ActorID: "console:s"}
			if rng.IntN(3) == 0 {
				spec.Days, spec.LastDay = 0, at.AddDate(0, 0, rng.IntN(10))
			}
			_, err := tx.IssueCoupon(spec, at, w.loc)
			return err
		case op < 80: // a coupon used, maybe by the wrong customer
			owner := id
			if rng.IntN(4) == 0 {
				owner = w.customers[rng.IntN(len(w.customers))]
			}
			coupons, err := tx.CouponsOf(owner, at, true)
			if err != nil || len(coupons) == 0 {
				return err
			}
			c := coupons[rng.IntN(len(coupons))]
			_, err = tx.UseCoupon(id, c.Code, "console:s", at)
			if err == nil {
				if owner != id {
					t.Errorf("%s used coupon %s of %s", id, c.Code, owner)
				}
				used = c.ID
			} else if owner != id && !errors.Is(err, ErrCouponNotYours) {
				t.Errorf("%s using %s's coupon: %v", id, owner, err)
			}
			return err
		case op < 85: // a note (a visit)
			n := Note{CustomerID: id, StaffID: "console:s", At: at, Text: "상담"}
			if err := tx.AddNote(&n); err != nil {
				return err
			}
			if _, err := tx.UpdateTier(id, n.At, w.loc); err != nil {
				return err
			}
			w.checkTier(tx, id, n.At)
		case op < 88: // a manager pins or unpins
			tier := []string{"", "", TierNew, TierRegular, TierVIP}[rng.IntN(5)]
			_, err := tx.PinTier(id, tier, "console:m", at, w.loc)
			return err
		case op < 92: // the programme changes
			switch rng.IntN(3) {
			case 0:
				_, err := tx.SetTiers(TierRules{WindowMonths: rng.IntN(4), Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 1 + rng.IntN(4)},
					{ID: TierVIP, MinVisits: 5 + rng.IntN(4), MinSpend: int64(100000 * (1 + rng.IntN(5))), Both: rng.IntN(2) == 0}}}, "console:m", at, nil)
				return err
			case 1:
				_, err := tx.SetExpiry(ExpiryRules{Months: rng.IntN(3)}, "console:m", at)
				return err
			}
			r := StampRules{Goal: []int{0, 3, 5}[rng.IntN(3)], Reward: CouponBenefit{Kind: BenefitPercent, Percent: 10}}
			if _, err := tx.SetStamps(r, "console:m", at); err != nil || rng.IntN(2) == 0 {
				return err
			}
			// As the chat changes it: cards full under the new goal get
			// their reward at once.
			_, err := tx.FillStampCards("console:m", at, w.loc)
			return err
		}
		return nil
	})
	if err != nil && !refused(err) {
		t.Errorf("step at %s: %v", at, err)
	}
	if err == nil && used != "" {
		w.mu.Lock()
		w.uses[used]++
		w.mu.Unlock()
	}
	switch op := rng.IntN(100); {
	case op < 8: // a daily run among the others
		if _, err := w.s.RunDaily(ctx, w.clock(), w.loc); err != nil {
			t.Errorf("daily run: %v", err)
		}
		return w.customers
	case op < 30: // the clock jumps, by minutes to days
		w.jump(time.Duration(1+rng.IntN(3*24*60)) * time.Minute)
	}
	return []string{id}
}
