package ledger

import (
	"errors"
	"testing"
	"time"
)

// TestEraseCustomer_Marketing: an erasure withdraws an advertising consent
// given, at the erasure's time (ViaErasure), and drops the last birthday
// greeting's day (the erased birthday's month and day); a consent already
// withdrawn keeps its first date, and a customer never asked has no
// record. A customer erased by a dangol from before this (the record left
// given) reads the same, as withdrawn at their erasure. No advertising
// path takes any of them: AdsAllowed is false, the birthday benefit is
// refused for want of consent and the re-confirmation neither asks nor
// lapses them.
func TestEraseCustomer_Marketing(t *testing.T) {
	day := 24 * time.Hour
	erasedAt := t0.Add(3 * day)
	greeted := time.Date(2026, 3, 3, 0, 0, 0, 0, seoul)
	tests := []struct {
		name string
		// before sets up the consent of customer id before the erasure.
		before func(tx *Tx, id string) error
		// old writes the record as a dangol from before this left it.
		old  bool
		want Marketing
	}{
		{"OK_NeverAsked", nil, false, Marketing{}},
		{"OK_GivenIsWithdrawn", func(tx *Tx, id string) error {
			_, err := tx.SetMarketing(id, true, ViaStart, t0)
			return err
		}, false, Marketing{GivenAt: t0, ConfirmedAt: t0, WithdrawnAt: erasedAt, Via: ViaErasure, AskedAt: t0}},
		{"OK_GreetedAndAskedAgain", func(tx *Tx, id string) error {
			if _, err := tx.SetMarketing(id, true, ViaStart, t0); err != nil {
				return err
			}
			if _, err := tx.MarkBirthday(id, greeted, greeted.Add(10*time.Hour), BirthdayBenefit{}, seoul); err != nil {
				return err
			}
			m, err := tx.Marketing(id)
			m.ReconfirmAskedAt = t0.Add(day)
			return errors.Join(err, tx.putMarketing(m))
		}, false, Marketing{GivenAt: t0, ConfirmedAt: t0, WithdrawnAt: erasedAt, Via: ViaErasure, AskedAt: t0}},
		{"OK_WithdrawnKeepsItsDate", func(tx *Tx, id string) error {
			if _, err := tx.SetMarketing(id, true, ViaStart, t0); err != nil {
				return err
			}
			_, err := tx.SetMarketing(id, false, ViaOptOut, t0.Add(day))
			return err
		}, false, Marketing{GivenAt: t0, ConfirmedAt: t0, WithdrawnAt: t0.Add(day), Via: ViaOptOut, AskedAt: t0}},
		{"OK_ErasedBeforeThis", func(tx *Tx, id string) error {
			_, err := tx.SetMarketing(id, true, ViaStart, t0)
			return err
		}, true, Marketing{GivenAt: t0, ConfirmedAt: t0, WithdrawnAt: erasedAt, Via: ViaErasure, AskedAt: t0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김하늘", "01012345678")
			var stored Marketing
			mustUpdate(t, s, func(tx *Tx) (err error) {
				if tt.before != nil {
					if err := tt.before(tx, c.ID); err != nil {
						return err
					}
				}
				stored, err = tx.Marketing(c.ID)
				return err
			})
			mustUpdate(t, s, func(tx *Tx) error {
				if err := tx.EraseCustomer(c.ID, erasedAt); err != nil {
					return err
				}
				if tt.old {
					return tx.putMarketing(stored) // as it stood before the erasure
				}
				return nil
			})
			var got Marketing
			mustView(t, s, func(tx *Tx) (err error) { got, err = tx.Marketing(c.ID); return err })
			tt.want.CustomerID = c.ID
			if !sameMarketing(got, tt.want) || !got.BirthdayOn.IsZero() {
				t.Errorf("after erasure got %+v\nwant %+v", got, tt.want)
			}
			at := erasedAt.Add(day)
			if got.AdsAllowed(at) {
				t.Error("advertising allowed to an erased customer")
			}
			err := s.Update(t.Context(), func(tx *Tx) error {
				_, err := tx.MarkBirthday(c.ID, greeted.AddDate(1, 0, 0), at, BirthdayBenefit{Points: 100}, seoul)
				return err
			})
			if !errors.Is(err, ErrNoConsent) {
				t.Errorf("birthday benefit: got %v, want ErrNoConsent", err)
			}
			for _, when := range []time.Time{at, t0.AddDate(MarketingReconfirmYears, 0, 0)} {
				var r MarketingRenewal
				mustUpdate(t, s, func(tx *Tx) (err error) { r, err = tx.RenewMarketing(when); return err })
				if len(r.Ask) != 0 || len(r.Lapsed) != 0 {
					t.Errorf("re-confirmation at %v: %+v, want nobody asked or lapsed", when, r)
				}
			}
		})
	}
}
