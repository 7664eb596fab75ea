package ledger

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/dangol/dangol/internal/testdamage"
	bolt "go.etcd.io/bbolt"
)

// cacheFixture is a closed ledger file with one customer who earned 2,750P
// and holds 3 stamps; it returns the file and the customer's id.
func cacheFixture(t *testing.T) (string, string) {
	t.Helper()
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "010-1234-5678")
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetStamps(StampRules{Goal: 10, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}, "slack:M", t0); err != nil {
			return err
		}
		if _, err := tx.AddStamps(c.ID, 3, "slack:U1", "", t0, seoul); err != nil {
			return err
		}
		e := PointsEntry{CustomerID: c.ID, Kind: PointsEarn, Points: 2750, Amount: 55000, ActorID: "slack:U1", At: t0}
		return tx.AddPoints(&e)
	})
	path := s.Path()
	s.Close()
	return path, c.ID
}

func reopen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDamagedCache: a changed byte in a customer's cached balance or stamp
// card (the tester's flip turned 2,750P into 5,822P, and a redeem of
// 5,000P went through) reads as a damaged record: Balance and the card
// fail with ErrCorrupt, and a redeem writes nothing.
func TestDamagedCache(t *testing.T) {
	for _, tt := range []struct {
		name, bucket string
		at           int
	}{
		{"BalanceValue", "balances", 0},
		{"BalanceTag", "balances", -1},
		{"CardValue", "stamp_cards", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, id := cacheFixture(t)
			testdamage.Flip(t, path, tt.bucket, 0, tt.at)
			s := reopen(t, path)
			mustView(t, s, func(tx *Tx) error {
				var err error
				if tt.bucket == "balances" {
					_, err = tx.Balance(id)
				} else {
					_, err = tx.StampCardOf(id, t0)
				}
				if !errors.Is(err, ErrCorrupt) {
					t.Errorf("read: %v, want ErrCorrupt", err)
				}
				return nil
			})
			if tt.bucket != "balances" {
				return
			}
			err := s.Update(t.Context(), func(tx *Tx) error {
				e := PointsEntry{CustomerID: id, Kind: PointsRedeem, Points: -2000, ActorID: "slack:U1", At: t0.Add(time.Hour)}
				return tx.AddPoints(&e)
			})
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("redeem on a damaged balance: %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestUntaggedCache: a file from before cached figures had tags keeps
// opening. Its balance reads when its entries add up to it and is damaged
// when they do not; the next entry stores it tagged. Its stamp card reads
// as it is.
func TestUntaggedCache(t *testing.T) {
	for _, tt := range []struct {
		name    string
		balance int64
		ok      bool
	}{{"Matches", 2750, true}, {"Changed", 5822, false}} {
		t.Run(tt.name, func(t *testing.T) {
			path, id := cacheFixture(t)
			ck, _ := custKeyOf(id)
			untag(t, path, func(b *bolt.Tx) error {
				if err := b.Bucket(bucketBalances).Put(ck, binary.AppendVarint(nil, tt.balance)); err != nil {
					return err
				}
				v := b.Bucket(bucketStampCards).Get(ck)
				return b.Bucket(bucketStampCards).Put(ck, append([]byte(nil), v[:len(v)-cacheTagSize]...))
			})
			s := reopen(t, path)
			mustView(t, s, func(tx *Tx) error {
				bal, err := tx.Balance(id)
				if tt.ok && (err != nil || bal != 2750) {
					t.Errorf("Balance = %d, %v; want 2750", bal, err)
				}
				if !tt.ok && !errors.Is(err, ErrCorrupt) {
					t.Errorf("Balance = %d, %v; want ErrCorrupt", bal, err)
				}
				if card, err := tx.StampCardOf(id, t0); err != nil || card.Stamps != 3 {
					t.Errorf("card = %+v, %v; want 3 stamps", card, err)
				}
				return nil
			})
			if !tt.ok {
				return
			}
			mustUpdate(t, s, func(tx *Tx) error {
				e := PointsEntry{CustomerID: id, Kind: PointsRedeem, Points: -750, ActorID: "slack:U1", At: t0.Add(time.Hour)}
				return tx.AddPoints(&e)
			})
			mustView(t, s, func(tx *Tx) error {
				v := tx.get(bucketBalances, ck)
				if _, n := binary.Varint(v); len(v) != n+cacheTagSize {
					t.Errorf("balance stored as %x after an entry, want it tagged", v)
				}
				if bal, err := tx.Balance(id); err != nil || bal != 2000 {
					t.Errorf("Balance = %d, %v; want 2000", bal, err)
				}
				return nil
			})
		})
	}
}

// untag rewrites the closed ledger file at path through bbolt.
func untag(t *testing.T, path string, fn func(*bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}
