package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Helpers of the loyalty tests.

// rawState is every key and value of every bucket, with each bucket's
// sequence: what "nothing changed" compares.
func rawState(tb testing.TB, s *Store) map[string]string {
	tb.Helper()
	out := map[string]string{}
	mustView(tb, s, func(tx *Tx) error {
		return tx.tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)+"#seq"] = fmt.Sprint(b.Sequence())
			return b.ForEach(func(k, v []byte) error {
				out[fmt.Sprintf("%s/%x", name, k)] = fmt.Sprintf("%x", v)
				return nil
			})
		})
	})
	return out
}

// assertUnchanged fails when the ledger differs from before.
func assertUnchanged(tb testing.TB, s *Store, before map[string]string) {
	tb.Helper()
	after := rawState(tb, s)
	if maps.Equal(before, after) {
		return
	}
	var diff []string
	for k, v := range after {
		if before[k] != v {
			diff = append(diff, "changed or added "+k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			diff = append(diff, "removed "+k)
		}
	}
	slices.Sort(diff)
	tb.Errorf("the ledger changed after a refusal:\n%s", strings.Join(diff, "\n"))
}

// earnAt appends an earn of amount won (pts points) at at.
func earnAt(tb testing.TB, s *Store, id string, amount, pts int64, at time.Time) PointsEntry {
	tb.Helper()
	e := PointsEntry{CustomerID: id, At: at, Kind: PointsEarn, Points: pts, Amount: amount, ActorID: "slack:U1", Reason: "커피"}
	mustUpdate(tb, s, func(tx *Tx) error { return tx.AddPoints(&e) })
	return e
}

func pointsAt(tb testing.TB, s *Store, id string, kind PointsKind, pts int64, at time.Time) PointsEntry {
	tb.Helper()
	e := PointsEntry{CustomerID: id, At: at, Kind: kind, Points: pts, ActorID: "slack:U1"}
	mustUpdate(tb, s, func(tx *Tx) error { return tx.AddPoints(&e) })
	return e
}

func TestProgrammeVersions(t *testing.T) {
	s := MustOpen(t)
	mustView(t, s, func(tx *Tx) error {
		p, err := tx.ProgrammeAt(t0)
		if err != nil {
			return err
		}
		if p.EarnRateBP != DefaultEarnRateBP || len(p.Tiers.Levels) != 3 || p.Tiers.Levels[2].MinVisits != 15 || p.Stamps.Goal != 0 || p.Expiry.Months != 0 {
			t.Errorf("default programme = %+v", p)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if ok, err := tx.SeedProgramme(750); err != nil || !ok {
			t.Errorf("seed = %v, %v", ok, err)
		}
		if ok, err := tx.SeedProgramme(100); err != nil || ok {
			t.Errorf("second seed = %v, %v; want false", ok, err)
		}
		return nil
	})
	later := t0.Add(time.Hour)
	rules := TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {Name: "단골", MinVisits: 5, EarnRateBP: 700}, {Name: "VIP", MinVisits: 15, MinSpend: 500000, EarnRateBP: 1000, Benefit: "10% 적립, 생일 쿠폰 20%"}}}
	mustUpdate(t, s, func(tx *Tx) error {
		p, err := tx.SetTiers(rules, "slack:M1", later, nil)
		if err != nil {
			return err
		}
		if p.Tiers.Levels[2].ID != "vip" || p.Tiers.Levels[1].ID != "단골" || p.EarnRateBP != 750 {
			t.Errorf("set tiers = %+v", p.Tiers)
		}
		return nil
	})
	mustView(t, s, func(tx *Tx) error {
		before, _ := tx.ProgrammeAt(later.Add(-time.Nanosecond))
		at, _ := tx.ProgrammeAt(later)
		if before.Tiers.WindowMonths != 0 || before.EarnRateBP != 750 || at.Tiers.WindowMonths != 12 || at.Changed != PartTiers {
			t.Errorf("before %+v, at %+v", before, at)
		}
		if got := at.EarnRateOf("vip"); got != 1000 {
			t.Errorf("vip rate %d", got)
		}
		if got := at.EarnRateOf("new"); got != 750 {
			t.Errorf("base rate %d", got)
		}
		vs, err := tx.Programmes()
		if err != nil || len(vs) != 2 {
			t.Errorf("programmes = %d, %v", len(vs), err)
		}
		var audit []AuditEntry
		tx.ScanAudit(t0, later.Add(time.Second), func(a AuditEntry) error { audit = append(audit, a); return nil })
		if len(audit) != 1 || audit[0].Action != "programme" || audit[0].ActorID != "slack:M1" ||
			audit[0].Detail != "tiers: all time: new; regular 5v; vip 15v → 12mo: new; 단골 5v 7%; vip 15v|500000w 10% (10% 적립, 생일 쿠폰 20%)" {
			t.Errorf("audit = %+v", audit)
		}
		return nil
	})
	if got := FormatRateBP(750); got != "7.5" {
		t.Errorf("FormatRateBP(750) = %q", got)
	}
	if pts, ok := PointsFor(12345, 750); !ok || pts != 925 {
		t.Errorf("PointsFor = %d, %v", pts, ok)
	}
}

func TestProgrammeRefusals(t *testing.T) {
	base := []Tier{{ID: TierNew}}
	tests := []struct {
		name  string
		set   func(tx *Tx) (Programme, error)
		part  ProgrammePart
		field string
		level int
		prob  Problem
	}{
		{"RateTooHigh", func(tx *Tx) (Programme, error) { return tx.SetEarnRate(10001, "m", t0) }, PartRate, "rate", -1, ProblemRange},
		{"RateNegative", func(tx *Tx) (Programme, error) { return tx.SetEarnRate(-1, "m", t0) }, PartRate, "rate", -1, ProblemRange},
		{"NoLevels", func(tx *Tx) (Programme, error) { return tx.SetTiers(TierRules{}, "m", t0, nil) }, PartTiers, "level", -1, ProblemRange},
		{"BaseWithThreshold", func(tx *Tx) (Programme, error) {
			return tx.SetTiers(TierRules{Levels: []Tier{{ID: "a", MinVisits: 1}}}, "m", t0, nil)
		}, PartTiers, "visits", 0, ProblemBase},
		{"LevelWithoutThreshold", func(tx *Tx) (Programme, error) {
			return tx.SetTiers(TierRules{Levels: append(base, Tier{Name: "단골"})}, "m", t0, nil)
		}, PartTiers, "visits", 1, ProblemBase},
		{"Duplicate", func(tx *Tx) (Programme, error) {
			return tx.SetTiers(TierRules{Levels: append(base, Tier{Name: "VIP", MinVisits: 2}, Tier{Name: "vip", MinVisits: 3})}, "m", t0, nil)
		}, PartTiers, "name", 2, ProblemDuplicate},
		{"Order", func(tx *Tx) (Programme, error) {
			return tx.SetTiers(TierRules{Levels: append(base, Tier{Name: "VIP", MinVisits: 15}, Tier{Name: "단골", MinVisits: 5})}, "m", t0, nil)
		}, PartTiers, "visits", 2, ProblemOrder},
		{"Window", func(tx *Tx) (Programme, error) {
			return tx.SetTiers(TierRules{WindowMonths: 121, Levels: base}, "m", t0, nil)
		}, PartTiers, "window", -1, ProblemRange},
		{"BenefitLine", func(tx *Tx) (Programme, error) {
			return tx.SetTiers(TierRules{Levels: append(base, Tier{Name: "VIP", MinVisits: 2, Benefit: "a\nb"})}, "m", t0, nil)
		}, PartTiers, "benefit", 1, ProblemChars},
		{"StampGoal", func(tx *Tx) (Programme, error) {
			return tx.SetStamps(StampRules{Goal: 101, Reward: CouponBenefit{Kind: BenefitItem, Item: "커피"}}, "m", t0)
		}, PartStamps, "goal", -1, ProblemRange},
		{"StampReward", func(tx *Tx) (Programme, error) { return tx.SetStamps(StampRules{Goal: 10}, "m", t0) }, PartStamps, "reward", -1, ProblemMissing},
		{"ExpiryMonths", func(tx *Tx) (Programme, error) { return tx.SetExpiry(ExpiryRules{Months: 121}, "m", t0) }, PartExpiry, "months", -1, ProblemRange},
		{"BirthdayPercent", func(tx *Tx) (Programme, error) {
			return tx.SetBirthday(BirthdayBenefit{Coupon: &CouponBenefit{Kind: BenefitPercent, Percent: 0}}, "m", t0)
		}, PartBirthday, "percent", -1, ProblemRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			before := rawState(t, s)
			var err error
			mustUpdate(t, s, func(tx *Tx) error { _, err = tt.set(tx); return nil })
			var re *RuleError
			if !errors.As(err, &re) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want a RuleError", err)
			}
			if re.Part != tt.part || re.Field != tt.field || re.Level != tt.level || re.Problem != tt.prob {
				t.Errorf("got %+v, want %s %s %d %s", re, tt.part, tt.field, tt.level, tt.prob)
			}
			assertUnchanged(t, s, before)
		})
	}
}

func TestTierUpgradeDowngrade(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 3}, {ID: TierVIP, MinSpend: 100000}}}, "slack:M1", t0, nil)
		return err
	})
	var last TierChange
	for d := range 3 {
		at := t0.AddDate(0, 0, d)
		earnAt(t, s, c.ID, 10000, 500, at)
		mustUpdate(t, s, func(tx *Tx) error {
			var err error
			last, err = tx.UpdateTier(c.ID, at, seoul)
			return err
		})
	}
	if !last.Up || last.From != TierNew || last.To != TierRegular || last.NoticeID == "" {
		t.Fatalf("third visit: %+v", last)
	}
	// A big purchase: VIP by spend.
	at := t0.AddDate(0, 0, 3)
	earnAt(t, s, c.ID, 80000, 4000, at)
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		last, err = tx.UpdateTier(c.ID, at, seoul)
		return err
	})
	if !last.Up || last.To != TierVIP {
		t.Fatalf("vip: %+v", last)
	}
	// A year later the window holds nothing: the daily run gives notice.
	later := t0.AddDate(1, 0, 5)
	res, err := s.RunDaily(context.Background(), later, seoul)
	if err != nil {
		t.Fatal(err)
	}
	if res.DownNotices != 1 || res.TierDowns != 0 {
		t.Fatalf("daily: %+v", res)
	}
	n := res.Notices[0]
	if n.Kind != NoticeTierDownSoon || n.FromTier != TierVIP || n.Tier != TierNew || n.On != "2027-04-06" {
		t.Errorf("notice = %+v", n)
	}
	// Twice the same day: nothing more.
	if res2, err := s.RunDaily(context.Background(), later.Add(time.Hour), seoul); err != nil || res2.DownNotices != 0 || len(res2.Notices) != 0 {
		t.Errorf("second run: %+v, %v", res2, err)
	}
	// Still VIP meanwhile.
	mustView(t, s, func(tx *Tx) error {
		st, err := tx.TierOf(c.ID, later, seoul)
		if st.TierID != TierVIP || st.DownTo != TierNew || st.Computed != TierNew {
			t.Errorf("status %+v, %v", st, err)
		}
		return err
	})
	// 30 days on: the downgrade.
	res, err = s.RunDaily(context.Background(), later.AddDate(0, 0, 30), seoul)
	if err != nil || res.TierDowns != 1 || len(res.Notices) != 1 || res.Notices[0].Kind != NoticeTierDown {
		t.Fatalf("downgrade run: %+v, %v", res, err)
	}
	mustView(t, s, func(tx *Tx) error {
		f, err := tx.LoyaltyFigures(t0, later.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		// Up and back down over the whole range: the customer ends where
		// they began, no move.
		if f.TierUps != 0 || f.TierDowns != 0 || len(f.Moves) != 0 || f.PerTier[TierNew] != 1 {
			t.Errorf("figures %+v", f)
		}
		// The first days: one customer up, in two moves.
		f, _ = tx.LoyaltyFigures(t0, t0.AddDate(0, 0, 4))
		if f.TierUps != 1 || f.TierDowns != 0 || len(f.Moves) != 1 || f.Moves[0] != (TierMoveCount{From: TierNew, To: TierVIP, Count: 1}) {
			t.Errorf("figures of the first days %+v", f)
		}
		f, _ = tx.LoyaltyFigures(later, later.AddDate(0, 1, 0))
		if f.TierUps != 0 || f.TierDowns != 1 || len(f.Moves) != 1 || f.Moves[0] != (TierMoveCount{From: TierVIP, To: TierNew, Count: 1}) {
			t.Errorf("figures of the downgrade's month %+v", f)
		}
		f, _ = tx.LoyaltyFigures(t0, t0.AddDate(0, 0, 4))
		if f.PerTier[TierVIP] != 1 {
			t.Errorf("per tier then: %+v", f.PerTier)
		}
		return nil
	})
}

func TestTierRequalifyCancels(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "박", "01011112222")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(TierRules{WindowMonths: 1, Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 2}}}, "slack:M1", t0, nil)
		return err
	})
	earnAt(t, s, c.ID, 1000, 50, t0)
	earnAt(t, s, c.ID, 1000, 50, t0.AddDate(0, 0, 1))
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UpdateTier(c.ID, t0.AddDate(0, 0, 1), seoul); return err })
	res, err := s.RunDaily(context.Background(), t0.AddDate(0, 2, 0), seoul)
	if err != nil || res.DownNotices != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	noticeID := res.Notices[0].ID
	at := t0.AddDate(0, 2, 1)
	earnAt(t, s, c.ID, 1000, 50, at)
	earnAt(t, s, c.ID, 1000, 50, at.AddDate(0, 0, 1))
	var ch TierChange
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		ch, err = tx.UpdateTier(c.ID, at.AddDate(0, 0, 1), seoul)
		return err
	})
	if !ch.DownCancelled || ch.Up || ch.To != TierRegular {
		t.Errorf("requalified: %+v", ch)
	}
	mustView(t, s, func(tx *Tx) error {
		n, err := tx.Notice(noticeID)
		if n.State != NoticeCancelled {
			t.Errorf("notice %+v, %v", n, err)
		}
		// Only the climb of the first days waits (its first record, by a
		// visit, was above the base tier); nothing of the downgrade.
		p, _ := tx.PendingNotices(0)
		if len(p) != 1 || p[0].Kind != NoticeTierUp || p[0].Tier != TierRegular {
			t.Errorf("pending %+v", p)
		}
		return nil
	})
}

func TestStampCard(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "이", "01022223333")
	before := rawState(t, s)
	var err error
	mustUpdate(t, s, func(tx *Tx) error { _, err = tx.AddStamps(c.ID, 1, "slack:U1", "", t0, seoul); return nil })
	if !errors.Is(err, ErrNoStampProgramme) {
		t.Fatalf("no programme: %v", err)
	}
	assertUnchanged(t, s, before)
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetStamps(StampRules{Goal: 10, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}, "slack:M1", t0)
		return err
	})
	var r StampResult
	mustUpdate(t, s, func(tx *Tx) error { r, err = tx.AddStamps(c.ID, 7, "slack:U1", "", t0, seoul); return err })
	if r.Card.Stamps != 7 || r.Card.Goal != 10 || len(r.Rewards) != 0 {
		t.Fatalf("7: %+v", r)
	}
	var big StampResult
	mustUpdate(t, s, func(tx *Tx) error {
		big, err = tx.AddStamps(c.ID, 25, "slack:U1", "단체 주문", t0, seoul)
		return err
	})
	if big.Card.Stamps != 2 || big.Card.Rewards != 3 || len(big.Rewards) != 3 || big.Rewards[0].Benefit.Item != "아메리카노 1잔" {
		t.Fatalf("25: %+v", big.Card)
	}
	// Use one reward, then reverse the 25: two rewards are voided, which
	// is not enough (2 + 20 < 25).
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UseCoupon(c.ID, big.Rewards[2].Code, "slack:U1", t0); return err })
	before = rawState(t, s)
	mustUpdate(t, s, func(tx *Tx) error { _, err = tx.ReverseStamps(big.Entry.ID, "slack:U1", "", t0); return nil })
	if !errors.Is(err, ErrStampsUsed) {
		t.Fatalf("reverse with a used reward: %v", err)
	}
	assertUnchanged(t, s, before)
	// Reversing the 7 with 2 on the card voids the newest unused reward:
	// 2 + 10 - 7 leaves 5.
	var rev StampResult
	mustUpdate(t, s, func(tx *Tx) error { rev, err = tx.ReverseStamps(r.Entry.ID, "slack:U1", "실수", t0); return err })
	if rev.Card.Stamps != 5 || rev.Card.Rewards != 2 || len(rev.Voided) != 1 || rev.Voided[0].ID != big.Rewards[1].ID || rev.Entry.N != -7 {
		t.Fatalf("reverse 7: %+v", rev)
	}
	mustView(t, s, func(tx *Tx) error {
		c1, _ := tx.Coupon(big.Rewards[1].ID)
		n, _ := tx.Notice(c1.NoticeID)
		if c1.State != CouponVoid || n.State != NoticeCancelled {
			t.Errorf("voided reward %+v, its notice %+v", c1, n)
		}
		entries, _ := tx.StampsOf(c.ID, 0)
		if len(entries) != 3 || entries[2].ReversedBy != rev.Entry.ID || entries[2].Reason != "" || entries[1].Reason != "단체 주문" {
			t.Errorf("entries %+v", entries)
		}
		f, _ := tx.LoyaltyFigures(t0, t0.Add(time.Second))
		if f.StampsGiven != 32 || f.StampsReversed != 7 || f.RewardsIssued != 3 || f.CouponsIssued != 3 || f.CouponsUsed != 1 || f.CouponsVoided != 1 {
			t.Errorf("figures %+v", f)
		}
		return nil
	})
	// A correction is not reversed, an entry not twice.
	for _, tt := range []struct {
		id   string
		want error
	}{{rev.Entry.ID, ErrIsCorrection}, {r.Entry.ID, ErrAlreadyReversed}, {"nope", ErrNotFound}} {
		before := rawState(t, s)
		mustUpdate(t, s, func(tx *Tx) error { _, err = tx.ReverseStamps(tt.id, "slack:U1", "", t0); return nil })
		if !errors.Is(err, tt.want) {
			t.Errorf("reverse %s: %v, want %v", tt.id, err, tt.want)
		}
		assertUnchanged(t, s, before)
	}
}

func TestCoupons(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "가", "01033334444")
	b := mustCustomer(t, s, "나", "01044445555")
	var c Coupon
	var err error
	mustUpdate(t, s, func(tx *Tx) error {
		c, err = tx.IssueCoupon(CouponSpec{CustomerID: a.ID, Benefit: CouponBenefit{Kind: BenefitPercent, Percent: 10}, Days: 3, ActorID: "slack:U1", Note: "생일 축하"}, t0, seoul)
		return err
	})
	if c.LastDay != "2026-03-04" || !c.Ends.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, seoul)) || len(c.Code) != 6 {
		t.Fatalf("coupon %+v", c)
	}
	refuse := func(cust, ref string, at time.Time, want error) *CouponError {
		t.Helper()
		before := rawState(t, s)
		var err error
		mustUpdate(t, s, func(tx *Tx) error { _, err = tx.UseCoupon(cust, ref, "slack:U2", at); return nil })
		if !errors.Is(err, want) {
			t.Fatalf("got %v, want %v", err, want)
		}
		assertUnchanged(t, s, before)
		var ce *CouponError
		errors.As(err, &ce)
		return ce
	}
	refuse(b.ID, c.Code, t0, ErrCouponNotYours)
	refuse(a.ID, "ZZZZZZ", t0, ErrCouponNotFound)
	refuse(a.ID, c.Code, time.Date(2026, 3, 5, 0, 0, 0, 0, seoul), ErrCouponExpired)
	mustView(t, s, func(tx *Tx) error {
		v, _ := tx.CouponsOf(a.ID, time.Date(2026, 3, 4, 23, 59, 0, 0, seoul), false)
		gone, _ := tx.CouponsOf(a.ID, time.Date(2026, 3, 5, 0, 0, 0, 0, seoul), false)
		if len(v) != 1 || len(gone) != 0 || v[0].Note != "생일 축하" {
			t.Errorf("valid %+v, after %+v", v, gone)
		}
		return nil
	})
	usedAt := time.Date(2026, 3, 4, 23, 59, 0, 0, seoul)
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.UseCoupon(a.ID, strings.ToLower(c.Code[:3])+"-"+c.Code[3:], "slack:U1", usedAt)
		return err
	})
	ce := refuse(a.ID, c.ID, usedAt.Add(time.Second), ErrCouponUsed)
	if !ce.UsedAt.Equal(usedAt) || ce.UsedBy != "slack:U1" {
		t.Errorf("used error %+v", ce)
	}
}

func TestLotsExpire(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "최", "01055556666")
	old := earnAt(t, s, c.ID, 10000, 300, t0.AddDate(0, 0, -1)) // before expiry existed: never expires
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetExpiry(ExpiryRules{Months: 12}, "slack:M1", t0); return err })
	jan := time.Date(2026, 1, 31, 12, 0, 0, 0, seoul)
	_ = jan
	e1 := earnAt(t, s, c.ID, 20000, 1000, t0)
	e2 := earnAt(t, s, c.ID, 10000, 500, t0.AddDate(0, 1, 0))
	pointsAt(t, s, c.ID, PointsRedeem, -500, t0.AddDate(0, 2, 0)) // takes the old 300 and 200 of e1
	_ = old
	mustView(t, s, func(tx *Tx) error {
		x, ok, err := tx.NextExpiry(c.ID, seoul)
		if err != nil || !ok || x.Points != 800 || x.On != "2027-03-03" || x.LastDay != "2027-03-02" {
			t.Errorf("next expiry %+v %v %v", x, ok, err)
		}
		return err
	})
	res, err := s.RunDaily(context.Background(), time.Date(2027, 2, 1, 9, 0, 0, 0, seoul), seoul)
	if err != nil || res.ExpiryNotices != 1 || res.Notices[0].Points != 800 || res.Notices[0].On != "2027-03-03" {
		t.Fatalf("notice run %+v %v", res, err)
	}
	res, err = s.RunDaily(context.Background(), time.Date(2027, 2, 2, 9, 0, 0, 0, seoul), seoul)
	if err != nil || res.ExpiryNotices != 0 {
		t.Fatalf("notice told twice %+v %v", res, err)
	}
	// Usable through 2027-03-02, the day 12 months after the earn's
	// (민법 제160조): not gone until that day is over.
	if res, err := s.RunDaily(context.Background(), time.Date(2027, 3, 2, 23, 59, 0, 0, seoul), seoul); err != nil || res.LotsExpired != 0 {
		t.Fatalf("expired on its last day %+v %v", res, err)
	}
	res, err = s.RunDaily(context.Background(), time.Date(2027, 3, 3, 0, 0, 0, 0, seoul), seoul)
	if err != nil || res.LotsExpired != 1 || res.PointsExpired != 800 {
		t.Fatalf("expiry run %+v %v", res, err)
	}
	mustView(t, s, func(tx *Tx) error {
		bal, _ := tx.Balance(c.ID)
		if bal != 500 {
			t.Errorf("balance %d", bal)
		}
		lots, _ := tx.LotsOf(c.ID)
		if len(lots) != 3 || lots[1].EntryID != e1.ID || lots[1].Remaining != 0 || lots[2].EntryID != e2.ID || lots[2].Remaining != 500 {
			t.Errorf("lots %+v", lots)
		}
		return nil
	})
}

func TestRecordTierID(t *testing.T) {
	for _, id := range []string{"vip", "단골", `a"b`, "<골드>", `back\slash`, ""} {
		v, err := json.Marshal(&CustomerTier{TierID: id, Since: t0, DownTo: "new"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := recordTierID(custKey(1), v); err != nil || got != id {
			t.Errorf("recordTierID(%s) = %q, %v; want %q", v, got, err, id)
		}
	}
	if _, err := recordTierID(custKey(1), []byte(`{"tier":`)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a broken record: %v", err)
	}
}

// TestTierRenamed: a manager's new names for the levels carry customers
// over at their level, without a notice; a stricter level then goes down
// only after its notice.
func TestTierRenamed(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "단골손님", "01023456789")
	for d := range 6 {
		earnAt(t, s, c.ID, 1000, 50, t0.AddDate(0, 0, d))
	}
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UpdateTier(c.ID, t0.AddDate(0, 0, 5), seoul); return err })
	renamed := TierRules{Levels: []Tier{{Name: "일반"}, {Name: "단골", MinVisits: 5}, {Name: "VIP", MinVisits: 15}}}
	at := t0.AddDate(0, 0, 10)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(renamed, "slack:M", at, nil); return err })
	res, err := s.RunDaily(context.Background(), at.Add(time.Hour), seoul)
	if err != nil || len(res.Notices) != 0 || res.TierDowns != 0 {
		t.Fatalf("rename run: %+v, %v", res, err)
	}
	mustView(t, s, func(tx *Tx) error {
		st, _ := tx.TierOf(c.ID, at.Add(time.Hour), seoul)
		if st.TierID != "단골" || st.Rank != 1 || st.DownTo != "" || !st.Since.Equal(t0.AddDate(0, 0, 5)) {
			t.Errorf("after the rename: %+v", st)
		}
		// From the rename on: the first days' climb to 단골 is a move of
		// its own (a first record by a visit above the base tier).
		f, _ := tx.LoyaltyFigures(at, at.AddDate(0, 0, 1))
		if len(f.Moves) != 0 || f.PerTier["단골"] != 1 {
			t.Errorf("a rename counted as a move: %+v", f)
		}
		return nil
	})
	stricter := TierRules{Levels: []Tier{{Name: "일반"}, {Name: "단골손님", MinVisits: 10}}}
	at = at.AddDate(0, 0, 1)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(stricter, "slack:M", at, nil); return err })
	res, err = s.RunDaily(context.Background(), at.Add(time.Hour), seoul)
	if err != nil || res.DownNotices != 1 || res.Notices[0].FromTier != "단골손님" || res.Notices[0].Tier != "일반" {
		t.Fatalf("stricter run: %+v, %v", res, err)
	}
}

// TestLoyaltyJSON: what the export writes of loyalty reads back the same.
func TestLoyaltyJSON(t *testing.T) {
	p := DefaultProgramme(750)
	p.Since, p.Changed = t0, PartBirthday
	p.Stamps = StampRules{Goal: 10, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}, RewardDays: 14}
	p.Expiry.Months = 12
	p.Birthday = BirthdayBenefit{Points: 2000, Coupon: &CouponBenefit{Kind: BenefitPercent, Percent: 10}, CouponDays: 30}
	p.Tiers.Levels[2].Benefit = "10% 적립"
	values := []any{
		&p,
		&Coupon{ID: idOf(timeKey(t0, 1)), Code: "ABCDEF", CustomerID: "C1", Benefit: CouponBenefit{Kind: BenefitWon, Won: 5000}, Source: SourceStamps,
			IssuedAt: t0, LastDay: "2026-03-31", Ends: t0.AddDate(0, 1, 0), State: CouponUsed, UsedAt: t0, UsedBy: "slack:U1", Stamps: 10},
		&Lot{CustomerID: "C1", EntryID: idOf(timeKey(t0, 2)), At: t0, Points: 500, Remaining: 200, Months: 12, Noticed: true},
		&StampEntry{ID: idOf(timeKey(t0, 3)), CustomerID: "C1", At: t0, N: -3, Reverses: idOf(timeKey(t0, 4)), Voided: []string{"x"}},
		&StampCard{CustomerID: "C1", Stamps: 7, Goal: 10, Total: 27, Rewards: 2},
		&CustomerTier{TierID: TierVIP, Since: t0, DownTo: TierNew, DownOn: t0.AddDate(0, 0, 30), DownNotice: "n"},
	}
	for _, v := range values {
		a, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		back := reflect.New(reflect.TypeOf(v).Elem()).Interface()
		if err := json.Unmarshal(a, back); err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if b, _ := json.Marshal(back); string(a) != string(b) {
			t.Errorf("%T:\n%s\nread back as\n%s", v, a, b)
		}
	}
}

// TestTierIDOf: the tier a card names is TierOf's TierID, whether the
// customer has a tier record yet (computed) or not, pinned or after an
// upgrade; an unknown customer is ErrCustomerNotFound.
func TestTierIDOf(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetTiers(TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 2}, {ID: TierVIP, MinVisits: 4}}}, "slack:M1", t0, nil)
		return err
	})
	fresh := mustCustomer(t, s, "새손님", "01022223333")
	regular := mustCustomer(t, s, "단골손님", "01033334444")
	pinned := mustCustomer(t, s, "고정손님", "01044445555")
	at := t0.AddDate(0, 0, 3)
	for d := range 3 {
		earnAt(t, s, regular.ID, 1000, 50, t0.AddDate(0, 0, d))
	}
	// Visits without a record: the computed tier is regular already.
	earnAt(t, s, fresh.ID, 1000, 50, t0)
	earnAt(t, s, fresh.ID, 1000, 50, t0.AddDate(0, 0, 1))
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.UpdateTier(regular.ID, at, seoul); err != nil {
			return err
		}
		_, err := tx.PinTier(pinned.ID, TierVIP, "slack:M1", at, seoul)
		return err
	})
	tests := []struct {
		name, id, want string
	}{
		{"Computed", fresh.ID, TierRegular},
		{"Stored", regular.ID, TierRegular},
		{"Pinned", pinned.ID, TierVIP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustView(t, s, func(tx *Tx) error {
				st, err := tx.TierOf(tt.id, at, seoul)
				if err != nil {
					return err
				}
				got, err := tx.TierIDOf(tt.id, at, seoul)
				if err != nil || got != st.TierID || got != tt.want {
					t.Errorf("TierIDOf = %q, %v; TierOf's %q, want %q", got, err, st.TierID, tt.want)
				}
				return nil
			})
		})
	}
	t.Run("ErrCustomerNotFound", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			if _, err := tx.TierIDOf("C999", at, seoul); !errors.Is(err, ErrCustomerNotFound) {
				t.Errorf("unknown customer: %v", err)
			}
			return nil
		})
	})
}

// TestProgrammeMemo: the programme in force, read again in the same
// transaction, is the stored version's whether memoized or not, shares
// nothing with an earlier read (a caller may change what it got), and a
// change in the transaction is read at once.
func TestProgrammeMemo(t *testing.T) {
	s := MustOpen(t)
	at := t0.Add(time.Hour)
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetTiers(TierRules{Levels: []Tier{{ID: TierNew}, {ID: "골드", Name: "골드", MinVisits: 3}}}, "slack:M1", t0, nil); err != nil {
			return err
		}
		_, err := tx.SetBirthday(BirthdayBenefit{Points: 500, Coupon: &CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}, "slack:M1", t0)
		return err
	})
	mustUpdate(t, s, func(tx *Tx) error {
		first, err := tx.ProgrammeAt(at)
		if err != nil {
			return err
		}
		first.Tiers.Levels[1].Name = "바뀜"
		first.Birthday.Coupon.Item = "바뀜"
		again, err := tx.ProgrammeAt(at)
		if err != nil {
			return err
		}
		if again.Tiers.Levels[1].Name != "골드" || again.Birthday.Coupon.Item != "아메리카노 1잔" || again.Birthday.Points != 500 {
			t.Errorf("read again after the first was changed: %+v, coupon %+v", again.Tiers, again.Birthday.Coupon)
		}
		if _, err := tx.SetEarnRate(900, "slack:M1", t0.Add(time.Minute)); err != nil {
			return err
		}
		changed, err := tx.ProgrammeAt(at)
		if err == nil && (changed.EarnRateBP != 900 || changed.Tiers.Levels[1].Name != "골드") {
			t.Errorf("after a change in the transaction: rate %d, tiers %+v", changed.EarnRateBP, changed.Tiers)
		}
		return err
	})
}

// TestTierPinDropped: a pin to a tier the new rules leave out is let go
// at the next run, and the customer carries over as an unpinned customer
// of that tier does (to the highest level the new rules keep, then down
// only after the notice), where before they kept a tier the shop no
// longer had, pinned for good.
func TestTierPinDropped(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "01023456789")
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.PinTier(c.ID, TierVIP, "slack:M", t0, seoul); return err })
	at := t0.AddDate(0, 0, 1)
	noVIP := TierRules{Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 3}}}
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetTiers(noVIP, "slack:M", at, nil); return err })
	if _, err := s.RunDaily(context.Background(), at.Add(time.Hour), seoul); err != nil {
		t.Fatal(err)
	}
	mustView(t, s, func(tx *Tx) error {
		st, err := tx.TierOf(c.ID, at.Add(time.Hour), seoul)
		if err != nil || st.Pinned || st.TierID != TierRegular || st.DownTo != TierNew || st.DownNotice == "" {
			t.Errorf("after the run: %+v, %v; want regular, unpinned, going down to new after its notice", st, err)
		}
		return nil
	})
	// A pin to a tier that stays is kept.
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.PinTier(c.ID, TierRegular, "slack:M", at.Add(2*time.Hour), seoul)
		return err
	})
	if _, err := s.RunDaily(context.Background(), at.AddDate(0, 0, 1), seoul); err != nil {
		t.Fatal(err)
	}
	mustView(t, s, func(tx *Tx) error {
		if st, err := tx.TierOf(c.ID, at.AddDate(0, 0, 1), seoul); err != nil || !st.Pinned || st.TierID != TierRegular {
			t.Errorf("a pin to a tier still there: %+v, %v", st, err)
		}
		return nil
	})
}

// TestProgrammeAuditStamps: a stamp card's change is audited with the
// reward's validity it has, the default when none was given (it read
// "/0d", a reward valid no day).
func TestProgrammeAuditStamps(t *testing.T) {
	s := MustOpen(t)
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetStamps(StampRules{Goal: 10, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}, "slack:M1", t0); err != nil {
			return err
		}
		_, err := tx.SetStamps(StampRules{Goal: 8, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}, RewardDays: 14}, "slack:M1", t0.Add(time.Minute))
		return err
	})
	var got []string
	mustView(t, s, func(tx *Tx) error {
		return tx.ScanAudit(t0.Add(-time.Second), t0.Add(time.Hour), func(a AuditEntry) error { got = append(got, a.Detail); return nil })
	})
	want := []string{"stamps: off → 10=item:아메리카노 1잔/30d", "stamps: 10=item:아메리카노 1잔/30d → 8=item:아메리카노 1잔/14d"}
	if !slices.Equal(got, want) {
		t.Errorf("audit details %q, want %q", got, want)
	}
}

// TestLotEnds: a lot's months are counted as the Civil Act counts them,
// from the day after the earn, so its last usable day is the same day
// months later, or that month's last when it has no such day. Earned
// 1/31 with 1 month was gone at the start of 2/28 (28 days).
func TestLotEnds(t *testing.T) {
	for _, tt := range []struct {
		at      string
		months  int
		lastDay string
	}{
		{"2027-01-31T10:00", 1, "2027-02-28"},
		{"2027-01-30T23:59", 1, "2027-02-28"},
		{"2027-01-28T10:00", 1, "2027-02-28"},
		{"2027-01-27T10:00", 1, "2027-02-27"},
		{"2027-01-15T10:00", 1, "2027-02-15"},
		{"2028-01-31T10:00", 1, "2028-02-29"},
		{"2027-04-30T10:00", 1, "2027-05-31"},
		{"2027-02-28T10:00", 1, "2027-03-31"},
		{"2026-12-31T10:00", 2, "2027-02-28"},
		{"2026-03-02T10:00", 12, "2027-03-02"},
		{"2028-02-29T10:00", 12, "2029-02-28"},
	} {
		at, err := time.ParseInLocation("2006-01-02T15:04", tt.at, seoul)
		if err != nil {
			t.Fatal(err)
		}
		ends := lotEnds(at, tt.months, seoul)
		x := expiryAt(1, ends, seoul)
		if x.LastDay != tt.lastDay || ends.In(seoul).Hour() != 0 || ends.In(seoul).Minute() != 0 {
			t.Errorf("lotEnds(%s, %d) = %s (last day %s), want last day %s", tt.at, tt.months, ends.In(seoul), x.LastDay, tt.lastDay)
		}
	}
	if e := lotEnds(t0, 0, seoul); !e.IsZero() {
		t.Errorf("lotEnds(months 0) = %s, want never", e)
	}
}

// TestExpiryNoticeLead: points valid a month are told of
// ExpiryNoticeShortDays before their end, not the morning they are earned
// (ExpiryNoticeDays ahead was before the earn); longer ones 30 days ahead.
func TestExpiryNoticeLead(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, seoul)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		months     int
		earn       string
		quiet, due string // the last run that tells nothing, the one that tells
		on         string
	}{
		{1, "2027-01-31 10:00", "2027-02-21 09:00", "2027-02-22 09:00", "2027-03-01"},
		{1, "2027-01-15 10:00", "2027-02-08 09:00", "2027-02-09 09:00", "2027-02-16"},
		{2, "2027-01-31 10:00", "2027-03-01 09:00", "2027-03-02 09:00", "2027-04-01"},
		{12, "2026-03-02 10:00", "2027-01-31 09:00", "2027-02-01 09:00", "2027-03-03"},
	} {
		s := MustOpen(t)
		c := mustCustomer(t, s, "최", "01055556666")
		mustUpdate(t, s, func(tx *Tx) error {
			_, err := tx.SetExpiry(ExpiryRules{Months: tt.months}, "slack:M1", at(tt.earn).Add(-time.Hour))
			return err
		})
		earnAt(t, s, c.ID, 100000, 5000, at(tt.earn))
		for _, run := range []string{tt.earn, tt.quiet} {
			if res, err := s.RunDaily(context.Background(), at(run).Add(time.Minute), seoul); err != nil || res.ExpiryNotices != 0 {
				t.Errorf("%d months, earned %s: the run at %s told %+v, %v; want nothing yet", tt.months, tt.earn, run, res.Notices, err)
			}
		}
		res, err := s.RunDaily(context.Background(), at(tt.due), seoul)
		if err != nil || res.ExpiryNotices != 1 || res.Notices[0].On != tt.on {
			t.Errorf("%d months, earned %s: the run at %s told %+v, %v; want one notice on %s", tt.months, tt.earn, tt.due, res.Notices, err, tt.on)
		}
	}
}
