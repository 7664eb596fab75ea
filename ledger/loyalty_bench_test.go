package ledger

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), &Options{Key: testKey, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkEarnRedeem times an earn and a redeem, each its own
// transaction (no fsync), for a customer with 200 entries already: the
// path the lots hook of AddPoints adds to. Without expiry it stores no
// lot; with it, a lot per earn and the takes of each redeem.
func BenchmarkEarnRedeem(b *testing.B) {
	for _, months := range []int{0, 12} {
		b.Run("ExpiryMonths="+strconv.Itoa(months), func(b *testing.B) {
			s := openBench(b)
			c := Customer{Name: "단골", CreatedAt: t0}
			mustUpdate(b, s, func(tx *Tx) error {
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
				if months > 0 {
					if _, err := tx.SetExpiry(ExpiryRules{Months: months}, "slack:M", t0.Add(-time.Hour)); err != nil {
						return err
					}
				}
				for i := range 200 {
					e := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Duration(i) * time.Hour), Kind: PointsEarn, Points: 100, Amount: 2000, ActorID: "slack:U1"}
					if i%4 == 3 {
						e.Kind, e.Points, e.Amount = PointsRedeem, -150, 0
					}
					if err := tx.AddPoints(&e); err != nil {
						return err
					}
				}
				return nil
			})
			at := t0.AddDate(0, 1, 0)
			b.ResetTimer()
			for i := range b.N {
				at = at.Add(time.Minute)
				for _, e := range []PointsEntry{
					{CustomerID: c.ID, At: at, Kind: PointsEarn, Points: 100, Amount: 2000, ActorID: "slack:U1"},
					{CustomerID: c.ID, At: at, Kind: PointsRedeem, Points: -100, ActorID: "slack:U1", Reason: strconv.Itoa(i)},
				} {
					mustUpdate(b, s, func(tx *Tx) error { return tx.AddPoints(&e) })
				}
			}
		})
	}
}

// loyaltyShop makes customers customers, each with an earn, a note and a
// stamp entry a week over a month before t0, and a coupon.
func loyaltyShop(b *testing.B, s *Store, customers int) {
	b.Helper()
	mustUpdate(b, s, func(tx *Tx) error {
		if _, err := tx.SetTiers(TierRules{WindowMonths: 12, Levels: []Tier{{ID: TierNew}, {ID: TierRegular, MinVisits: 3}, {ID: TierVIP, MinVisits: 10, MinSpend: 300000}}}, "slack:M", t0.AddDate(0, -2, 0), nil); err != nil {
			return err
		}
		if _, err := tx.SetExpiry(ExpiryRules{Months: 1}, "slack:M", t0.AddDate(0, -2, 0)); err != nil {
			return err
		}
		_, err := tx.SetStamps(StampRules{Goal: 3, Reward: CouponBenefit{Kind: BenefitItem, Item: "커피"}}, "slack:M", t0.AddDate(0, -2, 0))
		return err
	})
	const chunk = 1000
	for start := 0; start < customers; start += chunk {
		mustUpdate(b, s, func(tx *Tx) error {
			for i := start; i < min(start+chunk, customers); i++ {
				c := Customer{Name: "손님" + strconv.Itoa(i), CreatedAt: t0.AddDate(0, -2, 0)}
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
				for w := range 4 {
					at := t0.AddDate(0, -1, 7*w).Add(time.Duration(i) * time.Second)
					e := PointsEntry{CustomerID: c.ID, At: at, Kind: PointsEarn, Points: 500, Amount: 10000 * int64(1+i%5), ActorID: "slack:U1"}
					if err := tx.AddPoints(&e); err != nil {
						return err
					}
					n := Note{CustomerID: c.ID, StaffID: "slack:U1", At: at.Add(time.Minute), Text: "상담"}
					if err := tx.AddNote(&n); err != nil {
						return err
					}
					if _, err := tx.AddStamps(c.ID, 1, "slack:U1", "", at, seoul); err != nil {
						return err
					}
					if _, err := tx.UpdateTier(c.ID, at.Add(time.Minute), seoul); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
}

// BenchmarkLoyaltyFigures times a month's loyalty figures of a shop of
// 10,000 customers (40,000 stamp entries, 13,000 rewards, tier moves).
func BenchmarkLoyaltyFigures(b *testing.B) {
	s := openBench(b)
	loyaltyShop(b, s, 10000)
	b.ResetTimer()
	for range b.N {
		mustView(b, s, func(tx *Tx) error {
			_, err := tx.LoyaltyFigures(t0.AddDate(0, -1, 0), t0)
			return err
		})
	}
}

// BenchmarkRunDaily times the daily run of that shop a month later, when
// every earn's lot expires, notices go out and tiers are recomputed (a
// fresh copy each time: the second run of a day does almost nothing).
func BenchmarkRunDaily(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s := openBench(b)
		loyaltyShop(b, s, 2000)
		b.StartTimer()
		res, err := s.RunDaily(context.Background(), t0.AddDate(0, 1, 0), seoul)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.LotsExpired != 2000*4 {
			b.Fatalf("%d lots expired", res.LotsExpired)
		}
		start := time.Now()
		if _, err := s.RunDaily(context.Background(), t0.AddDate(0, 1, 0), seoul); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/rerun")
		b.StartTimer()
	}
}
