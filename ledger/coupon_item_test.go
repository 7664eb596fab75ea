package ledger

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"
)

// TestCouponItemWordsGoWithTheCustomer: an item coupon's words are the
// shop's, but about the person ("두피 케어 1회" at a clinic). They were
// stored in the clear and outlived the customer's erasure; they are now
// sealed with the customer's part, and erasure blanks those a dangol from
// before left in the clear.
func TestCouponItemWordsGoWithTheCustomer(t *testing.T) {
	const words = "두피 케어 1회 무료"
	tests := []struct {
		name  string
		clear bool // the record as a dangol from before sealed items wrote it
	}{
		{"Sealed", false},
		{"WrittenInTheClearBefore", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김민지", "010-1234-5678")
			var cp Coupon
			mustUpdate(t, s, func(tx *Tx) error {
				var err error
				cp, err = tx.IssueCoupon(CouponSpec{CustomerID: c.ID, Benefit: CouponBenefit{Kind: BenefitItem, Item: words}, Days: 14, ActorID: "slack:U1"}, t0, time.UTC)
				return err
			})
			k, _ := keyOfID(cp.ID)
			raw := func() []byte {
				var v []byte
				mustView(t, s, func(tx *Tx) error { v = bytes.Clone(tx.bucket(bucketCoupons).Get(k)); return nil })
				return v
			}
			if tt.clear {
				var r couponRecord
				if err := json.Unmarshal(raw(), &r); err != nil {
					t.Fatal(err)
				}
				r.Benefit.Item = words
				v, _ := json.Marshal(&r)
				mustUpdate(t, s, func(tx *Tx) error { return tx.bucket(bucketCoupons).Put(k, v) })
			} else {
				data, err := os.ReadFile(s.Path())
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(data, []byte(words)) {
					t.Error("the item's words are in the file in the clear")
				}
			}
			mustView(t, s, func(tx *Tx) error {
				got, err := tx.CouponsOf(c.ID, t0, true)
				if err != nil || len(got) != 1 || got[0].Benefit.Item != words {
					t.Errorf("before erasure CouponsOf = %+v (%v), want the item %q", got, err, words)
				}
				return nil
			})
			mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0.Add(time.Hour)) })
			if bytes.Contains(raw(), []byte(words)) {
				t.Errorf("after erasure the coupon's record holds the words: %s", raw())
			}
			mustUpdate(t, s, func(tx *Tx) error {
				got, err := tx.CouponsOf(c.ID, t0, true)
				if err != nil || len(got) != 1 || got[0].Benefit.Item != "" || got[0].Benefit.Kind != BenefitItem {
					t.Errorf("after erasure CouponsOf = %+v (%v), want the item coupon without words", got, err)
				}
				// Rewritten after the erasure (the daily expiry does), it
				// has no key to seal with and nothing to seal.
				return tx.putCoupon(k, &got[0])
			})
		})
	}
}
