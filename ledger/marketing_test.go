package ledger

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestSetMarketing(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name  string
		steps []bool // true: give, false: withdraw, each a day after the last
		want  Marketing
	}{
		{"OK_Given", []bool{true}, Marketing{Given: true, GivenAt: t0, ConfirmedAt: t0, Via: ViaCommand, AskedAt: t0}},
		{"OK_Declined", []bool{false}, Marketing{WithdrawnAt: t0, Via: ViaCommand, AskedAt: t0}},
		{"OK_Withdrawn", []bool{true, false}, Marketing{GivenAt: t0, ConfirmedAt: t0, WithdrawnAt: t0.Add(day), Via: ViaCommand, AskedAt: t0}},
		// A second withdrawal keeps the first one's date.
		{"OK_WithdrawnTwice", []bool{true, false, false}, Marketing{GivenAt: t0, ConfirmedAt: t0, WithdrawnAt: t0.Add(day), Via: ViaCommand, AskedAt: t0}},
		// A second yes confirms again, the first given time stays.
		{"OK_GivenTwice", []bool{true, true}, Marketing{Given: true, GivenAt: t0, ConfirmedAt: t0.Add(day), Via: ViaCommand, AskedAt: t0}},
		{"OK_GivenAgain", []bool{true, false, true}, Marketing{Given: true, GivenAt: t0.Add(2 * day), ConfirmedAt: t0.Add(2 * day), WithdrawnAt: t0.Add(day), Via: ViaCommand, AskedAt: t0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustOpen(t)
			c := mustCustomer(t, s, "김하늘", "01012345678")
			for i, give := range tt.steps {
				mustUpdate(t, s, func(tx *Tx) error {
					_, err := tx.SetMarketing(c.ID, give, ViaCommand, t0.Add(time.Duration(i)*day))
					return err
				})
			}
			var got Marketing
			mustView(t, s, func(tx *Tx) (err error) { got, err = tx.Marketing(c.ID); return err })
			tt.want.CustomerID = c.ID
			if !sameMarketing(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// sameMarketing compares two records by their instants.
func sameMarketing(a, b Marketing) bool {
	return a.CustomerID == b.CustomerID && a.Given == b.Given && a.GivenAt.Equal(b.GivenAt) &&
		a.WithdrawnAt.Equal(b.WithdrawnAt) && a.ConfirmedAt.Equal(b.ConfirmedAt) && a.Via == b.Via &&
		a.Lapsed == b.Lapsed && a.AskedAt.Equal(b.AskedAt) && a.ReconfirmAskedAt.Equal(b.ReconfirmAskedAt)
}

func TestSetMarketing_Errors(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0) })
	tests := []struct {
		name  string
		id    string
		given bool
		via   MarketingVia
		at    time.Time
		want  error
	}{
		{"ErrCustomerNotFound", "C99", true, ViaCommand, t0, ErrCustomerNotFound},
		{"ErrCustomerNotFound_BadID", "x", true, ViaCommand, t0, ErrCustomerNotFound},
		{"ErrInvalid_Erased", c.ID, true, ViaCommand, t0, ErrInvalid},
		{"ErrInvalid_NoTime", c.ID, false, ViaCommand, time.Time{}, ErrInvalid},
		{"ErrInvalid_Lapse", c.ID, false, ViaLapse, t0, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(t.Context(), func(tx *Tx) error {
				_, err := tx.SetMarketing(tt.id, tt.given, tt.via, tt.at)
				return err
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("OK_ErasedWithdraws", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetMarketing(c.ID, false, ViaOptOut, t0); return err })
	})
}

func TestMarkMarketingAsked(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	for i, want := range []bool{true, false} {
		var got bool
		mustUpdate(t, s, func(tx *Tx) (err error) {
			got, err = tx.MarkMarketingAsked(c.ID, t0.Add(time.Duration(i)*time.Hour))
			return err
		})
		if got != want {
			t.Errorf("ask %d: got %v, want %v", i+1, got, want)
		}
	}
	var m Marketing
	mustView(t, s, func(tx *Tx) (err error) { m, err = tx.Marketing(c.ID); return err })
	if !m.AskedAt.Equal(t0) || m.Given {
		t.Errorf("got %+v, want asked at %v and not given", m, t0)
	}
}

// TestRenewMarketing walks a consent through the law's two years: not
// asked a day before MarketingAskAhead ahead of them, asked once then,
// lapsed when the two years are up unanswered, and a yes in between starts
// the two years again.
func TestRenewMarketing(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김하늘", "01012345678") // never answers
	b := mustCustomer(t, s, "이바다", "01087654321") // answers yes
	n := mustCustomer(t, s, "박산", "01011112222")  // never consented
	for _, id := range []string{a.ID, b.ID} {
		mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetMarketing(id, true, ViaStart, t0); return err })
	}
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetMarketing(n.ID, false, ViaStart, t0); return err })
	due := t0.AddDate(MarketingReconfirmYears, 0, 0)
	ask := due.Add(-MarketingAskAhead)
	renew := func(at time.Time) MarketingRenewal {
		t.Helper()
		var r MarketingRenewal
		mustUpdate(t, s, func(tx *Tx) (err error) { r, err = tx.RenewMarketing(at); return err })
		return r
	}
	steps := []struct {
		name       string
		at         time.Time
		before     func()
		ask, lapse []string
	}{
		{"DayBeforeAsk", ask.Add(-24 * time.Hour), nil, nil, nil},
		{"AskAhead", ask, nil, []string{a.ID, b.ID}, nil},
		{"AskTriedAgain", ask, nil, []string{a.ID, b.ID}, nil},
		{"AskedOnce", ask.Add(time.Hour), nil, nil, nil},
		{"BeforeDue", due.Add(-time.Second), func() {
			mustUpdate(t, s, func(tx *Tx) error {
				_, err := tx.SetMarketing(b.ID, true, ViaReconfirm, ask.Add(time.Hour))
				return err
			})
		}, nil, nil},
		{"LapseAtDue", due, nil, nil, []string{a.ID}},
		{"LapsedOnce", due.Add(MarketingLapseAfter), nil, nil, nil},
		{"ReconfirmedAsk", ask.Add(time.Hour).AddDate(MarketingReconfirmYears, 0, 0), nil, []string{b.ID}, nil},
	}
	for _, st := range steps {
		if st.before != nil {
			st.before()
		}
		r := renew(st.at)
		if !slices.Equal(r.Ask, st.ask) || !slices.Equal(r.Lapsed, st.lapse) {
			t.Errorf("%s: got ask %v lapsed %v, want ask %v lapsed %v", st.name, r.Ask, r.Lapsed, st.ask, st.lapse)
		}
	}
	var m Marketing
	mustView(t, s, func(tx *Tx) (err error) { m, err = tx.Marketing(a.ID); return err })
	if m.Given || !m.Lapsed || m.Via != ViaLapse || !m.WithdrawnAt.Equal(due) {
		t.Errorf("lapsed record: got %+v", m)
	}
}

// TestMarketingAdsAllowed: advertising goes only to a consent confirmed
// within the two years; past them it stops at once, whether the question
// is pending, asked late (a file from before questions went out ahead:
// it still has its full time to answer) or never asked.
func TestMarketingAdsAllowed(t *testing.T) {
	due := t0.AddDate(MarketingReconfirmYears, 0, 0)
	given := Marketing{Given: true, GivenAt: t0, ConfirmedAt: t0}
	asked := func(m Marketing, at time.Time) Marketing { m.ReconfirmAskedAt = at; return m }
	tests := []struct {
		name    string
		m       Marketing
		at      time.Time
		allowed bool
		lapses  time.Time
	}{
		{"Fresh", given, t0.Add(time.Hour), true, time.Time{}},
		{"LastMoment", given, due.Add(-time.Second), true, time.Time{}},
		{"AskedAhead", asked(given, due.Add(-MarketingAskAhead)), due.Add(-time.Hour), true, due},
		{"AskedAheadEarlier", asked(given, due.Add(-2*MarketingAskAhead)), due.Add(-time.Hour), true, due},
		{"PendingAtDue", asked(given, due.Add(-MarketingAskAhead)), due, false, due},
		{"NeverAskedPastDue", given, due.Add(24 * time.Hour), false, time.Time{}},
		{"AskedAtDue", asked(given, due), due.Add(48 * time.Hour), false, due.Add(MarketingLapseAfter)},
		{"NoConfirmationTime", Marketing{Given: true, GivenAt: t0}, t0, false, time.Time{}},
		{"Withdrawn", Marketing{ConfirmedAt: t0, WithdrawnAt: t0}, t0.Add(time.Hour), false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.AdsAllowed(tt.at); got != tt.allowed {
				t.Errorf("AdsAllowed(%v) = %v, want %v", tt.at, got, tt.allowed)
			}
			if got := tt.m.LapsesAt(); !got.Equal(tt.lapses) {
				t.Errorf("LapsesAt() = %v, want %v", got, tt.lapses)
			}
		})
	}
}

// TestMarkBirthday: the greeting is recorded once a year with its
// benefit, the same day reads as a retry, and none without consent.
func TestMarkBirthday(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "01012345678")
	n := mustCustomer(t, s, "박산", "01011112222")
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetMarketing(c.ID, true, ViaStart, t0); return err })
	b := BirthdayBenefit{Points: 2000, Coupon: &CouponBenefit{Kind: BenefitPercent, Percent: 10}, CouponDays: 30}
	day := time.Date(2026, 3, 15, 0, 0, 0, 0, seoul)
	mark := func(id string, d time.Time) (bool, error) {
		var ok bool
		err := s.Update(t.Context(), func(tx *Tx) (err error) {
			ok, err = tx.MarkBirthday(id, d, d.Add(10*time.Hour), b, seoul)
			return err
		})
		return ok, err
	}
	state := func(d time.Time) BirthdayState {
		var st BirthdayState
		mustView(t, s, func(tx *Tx) (err error) { st, err = tx.Birthday(c.ID, d); return err })
		return st
	}
	if st := state(day); st != BirthdayDue {
		t.Fatalf("before: state %v, want due", st)
	}
	steps := []struct {
		name string
		day  time.Time
		want bool
		st   BirthdayState
	}{
		{"First", day, true, BirthdayToday},
		{"SameDay", day, false, BirthdayToday},
		{"LaterThisYear", day.AddDate(0, 1, 0), false, BirthdayDone},
		{"NextYear", day.AddDate(1, 0, 0), true, BirthdayToday},
	}
	for _, st := range steps {
		got, err := mark(c.ID, st.day)
		if err != nil || got != st.want {
			t.Errorf("%s: got %v, %v; want %v", st.name, got, err, st.want)
		}
		if s := state(st.day); s != st.st {
			t.Errorf("%s: state %v, want %v", st.name, s, st.st)
		}
	}
	var bal int64
	var coupons []Coupon
	mustView(t, s, func(tx *Tx) (err error) {
		if bal, err = tx.Balance(c.ID); err != nil {
			return err
		}
		coupons, err = tx.CouponsOf(c.ID, day, true)
		return err
	})
	if bal != 4000 || len(coupons) != 2 || coupons[0].Source != SourceBirthday {
		t.Errorf("two years: balance %d and coupons %+v, want 4000 and two birthday coupons", bal, coupons)
	}
	if _, err := mark(n.ID, day); !errors.Is(err, ErrNoConsent) {
		t.Errorf("without consent: got %v, want ErrNoConsent", err)
	}
	// Past the two years unconfirmed, the benefit is advertising to no one.
	if _, err := mark(c.ID, day.AddDate(2, 0, 0)); !errors.Is(err, ErrNoConsent) {
		t.Errorf("consent past two years unconfirmed: got %v, want ErrNoConsent", err)
	}
	// The greeting tells of the coupon: no notice of it waits for the
	// next morning's loyalty run.
	mustView(t, s, func(tx *Tx) error {
		ps, err := tx.PendingNotices(0)
		if err != nil || len(ps) != 0 {
			t.Errorf("pending notices after the greetings: %+v, %v", ps, err)
		}
		return err
	})
}
