package ledger

import (
	"errors"
	"testing"
	"time"
)

// issueTold issues a coupon of benefit to customer and, when told, marks
// its notice delivered, as the chat does once the customer has it.
func issueTold(t *testing.T, s *Store, customer string, benefit CouponBenefit, told bool) Coupon {
	t.Helper()
	var c Coupon
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		if c, err = tx.IssueCoupon(CouponSpec{CustomerID: customer, Benefit: benefit, Days: 3, ActorID: "slack:U1"}, t0, seoul); err != nil {
			return err
		}
		if told {
			return tx.MarkNoticeDelivered(c.NoticeID, t0)
		}
		return nil
	})
	return c
}

func TestVoidCoupon(t *testing.T) {
	pct := CouponBenefit{Kind: BenefitPercent, Percent: 10}
	item := CouponBenefit{Kind: BenefitItem, Item: "두피 케어 1회"}
	t.Run("Refused", func(t *testing.T) {
		s := MustOpen(t)
		a := mustCustomer(t, s, "가", "01033334444")
		b := mustCustomer(t, s, "나", "01044445555")
		c := issueTold(t, s, a.ID, pct, true)
		used := issueTold(t, s, a.ID, pct, true)
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UseCoupon(a.ID, used.Code, "slack:U1", t0); return err })
		gone := issueTold(t, s, a.ID, pct, true)
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.VoidCoupon(a.ID, gone.Code, "slack:M1", t0); return err })
		mustUpdate(t, s, func(tx *Tx) error {
			_, err := tx.SetStamps(StampRules{Goal: 1, Reward: item}, "slack:M1", t0)
			return err
		})
		var reward Coupon
		mustUpdate(t, s, func(tx *Tx) error {
			r, err := tx.AddStamps(a.ID, 1, "slack:U1", "", t0, seoul)
			reward = r.Rewards[0]
			return err
		})
		for _, tt := range []struct {
			name, cust, ref, actor string
			at                     time.Time
			want                   error
		}{
			{"ErrCouponNotYours", b.ID, c.Code, "slack:M1", t0, ErrCouponNotYours},
			{"ErrCouponNotFound", a.ID, "ZZZZZZ", "slack:M1", t0, ErrCouponNotFound},
			{"ErrCouponUsed", a.ID, used.Code, "slack:M1", t0, ErrCouponUsed},
			{"ErrCouponVoid", a.ID, gone.Code, "slack:M1", t0, ErrCouponVoid},
			{"ErrCouponExpired", a.ID, c.Code, "slack:M1", c.Ends, ErrCouponExpired},
			{"ErrCouponReward", a.ID, reward.Code, "slack:M1", t0, ErrCouponReward},
			{"ErrInvalid", a.ID, c.Code, "", t0, ErrInvalid},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before := rawState(t, s)
				var err error
				mustUpdate(t, s, func(tx *Tx) error { _, err = tx.VoidCoupon(tt.cust, tt.ref, tt.actor, tt.at); return nil })
				if !errors.Is(err, tt.want) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
				assertUnchanged(t, s, before)
			})
		}
	})
	for _, tt := range []struct {
		name    string
		benefit CouponBenefit
		told    bool
	}{
		{"ToldGetsVoidNotice", pct, true},
		{"ToldItemKeepsItsWords", item, true},
		{"UntoldNoticeCancelled", pct, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			a := mustCustomer(t, s, "가", "01033334444")
			c := issueTold(t, s, a.ID, tt.benefit, tt.told)
			at := t0.Add(time.Hour)
			var v Coupon
			mustUpdate(t, s, func(tx *Tx) error {
				var err error
				v, err = tx.VoidCoupon(a.ID, c.Code, "slack:M1", at)
				return err
			})
			mustView(t, s, func(tx *Tx) error {
				got, err := tx.Coupon(c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != CouponVoid || !got.VoidedAt.Equal(at) || got.VoidedBy != "slack:M1" || got.Benefit != tt.benefit || got.IssuedBy != "slack:U1" {
					t.Errorf("stored %+v", got)
				}
				if got.VoidNotice != v.VoidNotice {
					t.Errorf("stored void notice %q, returned %q", got.VoidNotice, v.VoidNotice)
				}
				first, _ := tx.Notice(c.NoticeID)
				switch {
				case tt.told && first.State != NoticeDelivered:
					t.Errorf("issue notice %+v", first)
				case !tt.told && first.State != NoticeCancelled:
					t.Errorf("untold issue notice %+v, want cancelled", first)
				case !tt.told && got.VoidNotice != "":
					t.Errorf("untold customer gets void notice %s", got.VoidNotice)
				case tt.told:
					n, err := tx.Notice(got.VoidNotice)
					if err != nil || n.Kind != NoticeCouponVoid || n.State != NoticePending || n.CouponID != c.ID || n.CustomerID != a.ID {
						t.Errorf("void notice %+v, %v", n, err)
					}
				}
				f, _ := tx.LoyaltyFigures(t0, at.Add(time.Second))
				if f.CouponsIssued != 1 || f.CouponsVoided != 0 || f.CouponsCancelled != 1 {
					t.Errorf("figures %+v", f)
				}
				return nil
			})
		})
	}
}

func TestUnuseCoupon(t *testing.T) {
	pct := CouponBenefit{Kind: BenefitPercent, Percent: 10}
	s := MustOpen(t)
	a := mustCustomer(t, s, "가", "01033334444")
	b := mustCustomer(t, s, "나", "01044445555")
	valid := issueTold(t, s, a.ID, pct, true)
	gone := issueTold(t, s, a.ID, pct, true)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.VoidCoupon(a.ID, gone.Code, "slack:M1", t0); return err })
	c := issueTold(t, s, a.ID, pct, true)
	usedAt := t0.Add(time.Minute)
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UseCoupon(a.ID, c.Code, "slack:U2", usedAt); return err })
	for _, tt := range []struct {
		name, cust, ref string
		at              time.Time
		want            error
	}{
		{"ErrCouponNotYours", b.ID, c.Code, t0, ErrCouponNotYours},
		{"ErrCouponNotUsed", a.ID, valid.Code, t0, ErrCouponNotUsed},
		{"ErrCouponVoid", a.ID, gone.Code, t0, ErrCouponVoid},
		{"ErrCouponExpired", a.ID, c.Code, c.Ends, ErrCouponExpired},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := rawState(t, s)
			var err error
			mustUpdate(t, s, func(tx *Tx) error { _, err = tx.UnuseCoupon(tt.cust, tt.ref, "slack:U2", tt.at); return nil })
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			assertUnchanged(t, s, before)
		})
	}
	t.Run("OK", func(t *testing.T) {
		// Taken back the next week: the use's week no longer counts it,
		// and the coupon can be used (once) again.
		at := t0.AddDate(0, 0, 1)
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UnuseCoupon(a.ID, c.Code, "slack:U2", at); return err })
		mustView(t, s, func(tx *Tx) error {
			got, _ := tx.Coupon(c.ID)
			if got.StateAt(at) != CouponValid || !got.UsedAt.IsZero() || got.UsedBy != "" {
				t.Errorf("after unuse %+v", got)
			}
			f, _ := tx.LoyaltyFigures(t0, usedAt.Add(time.Second))
			if f.CouponsUsed != 0 {
				t.Errorf("use week still counts %d uses", f.CouponsUsed)
			}
			return nil
		})
		var err error
		mustUpdate(t, s, func(tx *Tx) error { _, err = tx.UseCoupon(a.ID, c.Code, "slack:U1", at); return err })
		if err != nil {
			t.Fatalf("use again: %v", err)
		}
		mustUpdate(t, s, func(tx *Tx) error { _, err = tx.UseCoupon(a.ID, c.Code, "slack:U1", at); return nil })
		if !errors.Is(err, ErrCouponUsed) {
			t.Fatalf("second use: %v", err)
		}
		// The expiry run sees it again while valid: the due index is back.
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.UnuseCoupon(a.ID, c.Code, "slack:U1", at); return err })
		mustUpdate(t, s, func(tx *Tx) error { _, _, err := tx.expireCoupons(c.Ends, 10); return err })
		mustView(t, s, func(tx *Tx) error {
			got, _ := tx.Coupon(c.ID)
			if got.State != CouponExpired {
				t.Errorf("after its last day %+v", got)
			}
			return nil
		})
	})
}

// TestReverseStampsTellsVoid: a reward the customer was told of, taken
// back with its stamps, is told to them; one never told is not.
func TestReverseStampsTellsVoid(t *testing.T) {
	for _, tt := range []struct {
		name string
		told bool
	}{{"Told", true}, {"NotTold", false}} {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			a := mustCustomer(t, s, "가", "01033334444")
			mustUpdate(t, s, func(tx *Tx) error {
				_, err := tx.SetStamps(StampRules{Goal: 2, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}, "slack:M1", t0)
				return err
			})
			var r StampResult
			mustUpdate(t, s, func(tx *Tx) error {
				var err error
				if r, err = tx.AddStamps(a.ID, 2, "slack:U1", "", t0, seoul); err != nil {
					return err
				}
				if tt.told {
					return tx.MarkNoticeDelivered(r.Rewards[0].NoticeID, t0)
				}
				return nil
			})
			var rev StampResult
			mustUpdate(t, s, func(tx *Tx) error {
				var err error
				rev, err = tx.ReverseStamps(r.Entry.ID, "slack:U1", "", t0.Add(time.Minute))
				return err
			})
			if len(rev.Voided) != 1 || (rev.Voided[0].VoidNotice != "") != tt.told || rev.Voided[0].VoidedBy != "slack:U1" {
				t.Fatalf("voided %+v", rev.Voided)
			}
		})
	}
}
