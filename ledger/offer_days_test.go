package ledger

import (
	"errors"
	"testing"
)

// TestOfferDaysRange: a benefit's coupon validity out of range says from
// 1, not from 0: 0 stands for the default and cannot be typed.
func TestOfferDaysRange(t *testing.T) {
	b := BirthdayBenefit{CouponDays: MaxCouponDays + 1, Coupon: &CouponBenefit{Kind: BenefitPercent, Percent: 10}}
	err := b.Validate()
	var re *RuleError
	if !errors.As(err, &re) || re.Field != "coupon_days" || re.Min != 1 || re.Max != MaxCouponDays {
		t.Errorf("Validate = %v, want coupon_days from 1 to %d", err, MaxCouponDays)
	}
}
