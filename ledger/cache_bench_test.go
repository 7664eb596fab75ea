package ledger

import (
	"testing"
	"time"
)

// BenchmarkBalance measures what a points check pays to read a balance
// from the cache, its tag checked (cache.go): the HMAC is most of it.
func BenchmarkBalance(b *testing.B) {
	s := MustOpen(b)
	c := mustCustomer(b, s, "김하늘", "010-1234-5678")
	mustUpdate(b, s, func(tx *Tx) error {
		for i := range 5 {
			e := PointsEntry{CustomerID: c.ID, Kind: PointsEarn, Points: 500, ActorID: "slack:U1", At: t0.Add(time.Duration(i) * time.Hour)}
			if err := tx.AddPoints(&e); err != nil {
				return err
			}
		}
		return nil
	})
	b.Run("Read", func(b *testing.B) {
		mustView(b, s, func(tx *Tx) error {
			for b.Loop() {
				if _, err := tx.Balance(c.ID); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
