package ledger

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loyaltyFixture is a ledger with a stamp card, customers a and b, a coupon
// of a (valid three days), a used one and a void reward of a, and erased
// customer e.
type loyaltyFixture struct {
	s               *Store
	a, b, e         Customer
	valid, used     Coupon
	void            Coupon
	stamps          StampEntry
	pendingNoticeID string
}

func newLoyaltyFixture(t *testing.T) *loyaltyFixture {
	t.Helper()
	f := &loyaltyFixture{s: MustOpen(t)}
	f.a = mustCustomer(t, f.s, "가나다", "01012340001")
	f.b = mustCustomer(t, f.s, "라마바", "01012340002")
	f.e = mustCustomer(t, f.s, "지울이", "01012340003")
	mustUpdate(t, f.s, func(tx *Tx) error {
		if _, err := tx.SetStamps(StampRules{Goal: 2, Reward: CouponBenefit{Kind: BenefitItem, Item: "아메리카노 1잔"}}, "slack:M", t0); err != nil {
			return err
		}
		var err error
		spec := CouponSpec{CustomerID: f.a.ID, Benefit: CouponBenefit{Kind: BenefitWon, Won: 5000}, Days: 3, ActorID: "slack:U1"}
		if f.valid, err = tx.IssueCoupon(spec, t0, seoul); err != nil {
			return err
		}
		if f.used, err = tx.IssueCoupon(spec, t0, seoul); err != nil {
			return err
		}
		if f.used, err = tx.UseCoupon(f.a.ID, f.used.Code, "slack:U1", t0); err != nil {
			return err
		}
		r, err := tx.AddStamps(f.a.ID, 2, "slack:U1", "", t0, seoul)
		if err != nil {
			return err
		}
		f.stamps = r.Entry
		if _, err := tx.ReverseStamps(r.Entry.ID, "slack:U1", "", t0); err != nil {
			return err
		}
		if f.void, err = tx.Coupon(r.Rewards[0].ID); err != nil {
			return err
		}
		if _, err := tx.AddStamps(f.e.ID, 1, "slack:U1", "", t0, seoul); err != nil {
			return err
		}
		return tx.EraseCustomer(f.e.ID, t0)
	})
	return f
}

// TestLoyaltyRefusals: each refusal returns its error and changes nothing
// (the function returns nil, so whatever it wrote would commit).
func TestLoyaltyRefusals(t *testing.T) {
	item := func(s string) CouponBenefit { return CouponBenefit{Kind: BenefitItem, Item: s} }
	spec := func(f *loyaltyFixture, mod func(*CouponSpec)) CouponSpec {
		s := CouponSpec{CustomerID: f.a.ID, Benefit: CouponBenefit{Kind: BenefitPercent, Percent: 10}, ActorID: "slack:U1"}
		mod(&s)
		return s
	}
	rule := func(field string, p Problem) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var re *RuleError
			if !errors.As(err, &re) || re.Field != field || re.Problem != p {
				t.Errorf("got %v, want a RuleError of %s (%s)", err, field, p)
			}
		}
	}
	is := func(want error) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			if !errors.Is(err, want) {
				t.Errorf("got %v, want %v", err, want)
			}
		}
	}
	tests := []struct {
		name  string
		do    func(tx *Tx, f *loyaltyFixture) error
		check func(*testing.T, error)
	}{
		{"Coupon/NoKind", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Benefit = CouponBenefit{} }), t0, seoul)
			return err
		}, rule("kind", ProblemMissing)},
		{"Coupon/Percent0", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Benefit.Percent = 0 }), t0, seoul)
			return err
		}, rule("percent", ProblemRange)},
		{"Coupon/Percent101", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Benefit.Percent = 101 }), t0, seoul)
			return err
		}, rule("percent", ProblemRange)},
		{"Coupon/WonTooMuch", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Benefit = CouponBenefit{Kind: BenefitWon, Won: MaxCouponWon + 1} }), t0, seoul)
			return err
		}, rule("won", ProblemRange)},
		{"Coupon/EmptyItem", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Benefit = item("  ") }), t0, seoul)
			return err
		}, rule("item", ProblemMissing)},
		{"Coupon/ItemTwoLines", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Benefit = item("커피\n쿠키") }), t0, seoul)
			return err
		}, rule("item", ProblemChars)},
		{"Coupon/ItemTooLong", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Benefit = item(strings.Repeat("가", 101)) }), t0, seoul)
			return err
		}, rule("item", ProblemTooLong)},
		{"Coupon/TooManyDays", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Days = MaxCouponDays + 1 }), t0, seoul)
			return err
		}, rule("days", ProblemRange)},
		{"Coupon/DaysAndDate", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Days, s.LastDay = 3, t0.AddDate(0, 0, 5) }), t0, seoul)
			return err
		}, rule("days", ProblemConflict)},
		{"Coupon/LastDayPast", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.LastDay = t0.AddDate(0, 0, -1) }), t0, seoul)
			return err
		}, rule("last_day", ProblemPast)},
		{"Coupon/NoteWithControl", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.Note = "a\x00b" }), t0, seoul)
			return err
		}, rule("note", ProblemChars)},
		{"Coupon/NoActor", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.ActorID = "" }), t0, seoul)
			return err
		}, is(ErrInvalid)},
		{"Coupon/UnknownCustomer", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.CustomerID = "C99" }), t0, seoul)
			return err
		}, is(ErrCustomerNotFound)},
		{"Coupon/ErasedCustomer", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.IssueCoupon(spec(f, func(s *CouponSpec) { s.CustomerID = f.e.ID }), t0, seoul)
			return err
		}, is(ErrInvalid)},
		{"Use/AnotherCustomers", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UseCoupon(f.b.ID, f.valid.Code, "slack:U2", t0)
			return err
		}, is(ErrCouponNotYours)},
		{"Use/Twice", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UseCoupon(f.a.ID, f.used.ID, "slack:U2", t0)
			return err
		}, func(t *testing.T, err error) {
			var ce *CouponError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCouponUsed) || !ce.UsedAt.Equal(t0) || ce.UsedBy != "slack:U1" {
				t.Errorf("got %v (%+v), want used at t0 by slack:U1", err, ce)
			}
		}},
		{"Use/Void", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UseCoupon(f.a.ID, f.void.Code, "slack:U2", t0)
			return err
		}, is(ErrCouponVoid)},
		{"Use/AfterItsLastDay", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UseCoupon(f.a.ID, f.valid.Code, "slack:U2", time.Date(2026, 3, 5, 0, 0, 0, 0, seoul))
			return err
		}, func(t *testing.T, err error) {
			var ce *CouponError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCouponExpired) || ce.LastDay != "2026-03-04" {
				t.Errorf("got %v, want expired after 2026-03-04", err)
			}
		}},
		{"Use/BadCode", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UseCoupon(f.a.ID, "O0O0O0", "slack:U2", t0)
			return err
		}, is(ErrCouponNotFound)},
		{"Use/NoActor", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UseCoupon(f.a.ID, f.valid.Code, "", t0)
			return err
		}, is(ErrInvalid)},
		{"Stamps/Zero", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.AddStamps(f.a.ID, 0, "slack:U1", "", t0, seoul)
			return err
		}, rule("stamps", ProblemRange)},
		{"Stamps/TooMany", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.AddStamps(f.a.ID, MaxStampsAtOnce+1, "slack:U1", "", t0, seoul)
			return err
		}, rule("stamps", ProblemRange)},
		{"Stamps/ReasonTooLong", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.AddStamps(f.a.ID, 1, "slack:U1", strings.Repeat("a", maxReasonRunes+1), t0, seoul)
			return err
		}, is(ErrInvalid)},
		{"Stamps/Erased", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.AddStamps(f.e.ID, 1, "slack:U1", "", t0, seoul)
			return err
		}, is(ErrInvalid)},
		{"Stamps/ProgrammeOff", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.AddStamps(f.a.ID, 1, "slack:U1", "", t0, seoul)
			return err
		}, is(ErrNoStampProgramme)},
		{"ReverseStamps/Twice", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.ReverseStamps(f.stamps.ID, "slack:U1", "", t0)
			return err
		}, is(ErrAlreadyReversed)},
		{"Pin/UnknownTier", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.PinTier(f.a.ID, "gold", "slack:M", t0, seoul)
			return err
		}, is(ErrUnknownTier)},
		{"Pin/NoActor", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.PinTier(f.a.ID, TierVIP, "", t0, seoul)
			return err
		}, is(ErrInvalid)},
		{"Pin/Erased", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.PinTier(f.e.ID, TierVIP, "slack:M", t0, seoul)
			return err
		}, is(ErrInvalid)},
		{"UpdateTier/Erased", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UpdateTier(f.e.ID, t0, seoul)
			return err
		}, is(ErrInvalid)},
		{"UpdateTier/Unknown", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.UpdateTier("C99", t0, seoul)
			return err
		}, is(ErrCustomerNotFound)},
		{"Programme/NoActor", func(tx *Tx, f *loyaltyFixture) error {
			_, err := tx.SetEarnRate(700, "", t0)
			return err
		}, is(ErrInvalid)},
		{"Notice/Unknown", func(tx *Tx, f *loyaltyFixture) error {
			return tx.MarkNoticeDelivered("J2CE0QHD6QG000000000000099", t0)
		}, is(ErrNotFound)},
	}
	// Set up before the refused call, and kept: not part of the refusal.
	setups := map[string]func(tx *Tx) error{
		"Stamps/ProgrammeOff": func(tx *Tx) error { _, err := tx.SetStamps(StampRules{}, "slack:M", t0); return err },
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newLoyaltyFixture(t)
			if setup := setups[tt.name]; setup != nil {
				mustUpdate(t, f.s, setup)
			}
			before := rawState(t, f.s)
			var err error
			mustUpdate(t, f.s, func(tx *Tx) error { err = tt.do(tx, f); return nil })
			if err == nil {
				t.Fatal("not refused")
			}
			tt.check(t, err)
			assertUnchanged(t, f.s, before)
		})
	}
}

// TestLoyaltyPrivacy: coupon notes, stamp reasons and the actors of both
// are sealed (never in the file), clear fields are not, and an erasure
// makes them unreadable.
func TestLoyaltyPrivacy(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "비밀손님", "01098761234")
	var cp Coupon
	var st StampResult
	mustUpdate(t, s, func(tx *Tx) error {
		n := Note{CustomerID: c.ID, StaffID: "slack:UNOTE", At: t0, Text: "상담", Tags: []string{"커트"}}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		if _, err := tx.SetStamps(StampRules{Goal: 3, Reward: CouponBenefit{Kind: BenefitItem, Item: "공개리워드"}}, "slack:UMANAGER", t0); err != nil {
			return err
		}
		var err error
		cp, err = tx.IssueCoupon(CouponSpec{CustomerID: c.ID, Benefit: CouponBenefit{Kind: BenefitItem, Item: "공개상품"}, Note: "쿠폰비밀메모",
			ActorID: "slack:UISSUERX"}, t0, seoul)
		if err != nil {
			return err
		}
		if _, err := tx.UseCoupon(c.ID, cp.Code, "slack:USERVERX", t0); err != nil {
			return err
		}
		st, err = tx.AddStamps(c.ID, 4, "slack:USTAMPERX", "도장비밀사유", t0, seoul)
		return err
	})
	// A coupon's item words are sealed with the customer's part (they may
	// say something about the person); the programme's reward words are
	// the shop's alone and stay clear, which shows the search works.
	assertNotInFile(t, s.Path(), "쿠폰비밀메모", "도장비밀사유", "slack:UISSUERX", "slack:USERVERX", "slack:USTAMPERX", "UISSUERX", "USTAMPERX", "공개상품")
	data := rawState(t, s)
	found := false
	for _, v := range data {
		if strings.Contains(string(mustHex(v)), "공개리워드") {
			found = true
		}
	}
	if !found {
		t.Error("the stamp rules' reward (the shop's text) is not in the clear, so the search above proves little")
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0) })
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.Coupon(cp.ID)
		if err != nil || got.Note != "" || got.UsedBy != "" || got.IssuedBy != "" || got.State != CouponUsed {
			t.Errorf("erased customer's coupon %+v, %v", got, err)
		}
		es, err := tx.StampsOf(c.ID, 0)
		if err != nil || len(es) != 1 || es[0].Reason != "" || es[0].ActorID != "" || es[0].N != 4 {
			t.Errorf("erased customer's stamps %+v, %v", es, err)
		}
		if p, _ := tx.PendingNotices(0); len(p) != 0 {
			t.Errorf("notices for an erased customer listed: %+v", p)
		}
		return nil
	})
	_ = st
}

func mustHex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		var x byte
		for _, c := range s[2*i : 2*i+2] {
			x <<= 4
			switch {
			case c >= '0' && c <= '9':
				x |= byte(c - '0')
			default:
				x |= byte(c - 'a' + 10)
			}
		}
		b[i] = x
	}
	return b
}

// TestLoyaltyOnOldFile: a file made before loyalty (none of its buckets)
// opens, gets them, and its customers' lots are built from their history:
// in memory when read, stored at their next entry.
func TestLoyaltyOnOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	c := mustCustomer(t, s, "오래된", "01077778888")
	earnAt(t, s, c.ID, 10000, 500, t0)
	pointsAt(t, s, c.ID, PointsRedeem, -200, t0.Add(time.Hour))
	mustUpdate(t, s, func(tx *Tx) error {
		for _, b := range loyaltyBuckets {
			if err := tx.tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	if s, err = Open(path, &Options{Key: testKey}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustView(t, s, func(tx *Tx) error {
		for _, b := range loyaltyBuckets {
			if tx.tx.Bucket(b) == nil {
				t.Errorf("bucket %s not made on open", b)
			}
		}
		lots, err := tx.LotsOf(c.ID)
		if err != nil || len(lots) != 1 || lots[0].Remaining != 300 || lots[0].Months != 0 {
			t.Errorf("lots built in memory: %+v, %v", lots, err)
		}
		if _, ok, _ := tx.NextExpiry(c.ID, seoul); ok {
			t.Error("an old lot expires")
		}
		if tx.bucket(bucketLotState).Get(mustKey(c.ID)) != nil {
			t.Error("a read stored the lots")
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetExpiry(ExpiryRules{Months: 6}, "slack:M", t0.Add(2*time.Hour))
		return err
	})
	earnAt(t, s, c.ID, 20000, 1000, t0.Add(3*time.Hour))
	mustView(t, s, func(tx *Tx) error {
		lots, _ := tx.LotsOf(c.ID)
		if len(lots) != 2 || lots[0].Remaining != 300 || lots[1].Remaining != 1000 || lots[1].Months != 6 {
			t.Errorf("lots after the next entry: %+v", lots)
		}
		if tx.bucket(bucketLotState).Get(mustKey(c.ID)) == nil {
			t.Error("lots not stored by the entry")
		}
		x, ok, _ := tx.NextExpiry(c.ID, seoul)
		if !ok || x.Points != 1000 || x.On != "2026-09-03" {
			t.Errorf("next expiry %+v", x)
		}
		return nil
	})
}

// TestLotCorrections: a redeem's correction puts points back into the lots
// it took from, an earn's correction takes from its own lot first, an
// expiry's correction comes back as a new lot, and an import's balance is
// one lot dated at the import.
func TestLotCorrections(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "정정", "01066667777")
	mustUpdate(t, s, func(tx *Tx) error { _, err := tx.SetExpiry(ExpiryRules{Months: 1}, "slack:M", t0); return err })
	imp := pointsAt(t, s, c.ID, PointsAdjust, 1000, t0) // what an import carries over
	e1 := earnAt(t, s, c.ID, 10000, 500, t0.AddDate(0, 0, 1))
	red := pointsAt(t, s, c.ID, PointsRedeem, -1200, t0.AddDate(0, 0, 2)) // 1000 of the import, 200 of e1
	lotsOf := func() []Lot {
		var l []Lot
		mustView(t, s, func(tx *Tx) error { var err error; l, err = tx.LotsOf(c.ID); return err })
		return l
	}
	if l := lotsOf(); len(l) != 2 || l[0].EntryID != imp.ID || !l[0].At.Equal(imp.At) || l[0].Remaining != 0 || l[1].Remaining != 300 {
		t.Fatalf("after redeem %+v", l)
	}
	reverse := func(e PointsEntry, at time.Time) PointsEntry {
		t.Helper()
		var rev PointsEntry
		mustUpdate(t, s, func(tx *Tx) error {
			orig, err := tx.PointsEntry(e.ID)
			if err != nil {
				return err
			}
			if rev, err = ReversalOf(orig, "slack:U1", "", at); err != nil {
				return err
			}
			return tx.AddPoints(&rev)
		})
		return rev
	}
	reverse(red, t0.AddDate(0, 0, 3))
	if l := lotsOf(); l[0].Remaining != 1000 || l[1].Remaining != 500 {
		t.Fatalf("after the redeem's correction %+v", l)
	}
	e2 := earnAt(t, s, c.ID, 10000, 400, t0.AddDate(0, 0, 4))
	pointsAt(t, s, c.ID, PointsRedeem, -1200, t0.AddDate(0, 0, 5)) // import 1000, e1 200
	reverse(e2, t0.AddDate(0, 0, 6))                               // e2's 400 from its own lot
	if l := lotsOf(); len(l) != 3 || l[0].Remaining != 0 || l[1].Remaining != 300 || l[2].Remaining != 0 {
		t.Fatalf("after the earn's correction %+v", l)
	}
	res, err := s.RunDaily(context.Background(), t0.AddDate(0, 1, 2), seoul)
	if err != nil || res.PointsExpired != 300 {
		t.Fatalf("expiry %+v %v", res, err)
	}
	var exp PointsEntry
	mustView(t, s, func(tx *Tx) error {
		es, _ := tx.PointsOf(c.ID, 1)
		exp = es[0]
		return nil
	})
	if exp.Kind != PointsExpire || exp.Points != -300 {
		t.Fatalf("newest entry %+v", exp)
	}
	back := reverse(exp, t0.AddDate(0, 1, 3))
	l := lotsOf()
	if last := l[len(l)-1]; last.EntryID != back.ID || last.Remaining != 300 || last.Months != 1 {
		t.Fatalf("after the expiry's correction %+v", l)
	}
	_ = e1
}

// TestRunDailyChunked: more lots, coupons and customers than one
// transaction takes; a run stopped after its first transaction (a crash)
// and run again does everything once.
func TestRunDailyChunked(t *testing.T) {
	s := MustOpen(t)
	const n = dailyChunk*2 + 17
	var ids []string
	mustUpdate(t, s, func(tx *Tx) error {
		if _, err := tx.SetExpiry(ExpiryRules{Months: 1}, "slack:M", t0); err != nil {
			return err
		}
		for i := range n {
			c := Customer{Name: "손님", CreatedAt: t0}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
			e := PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: int64(100 + i), Amount: 1000, ActorID: "slack:U1"}
			if err := tx.AddPoints(&e); err != nil {
				return err
			}
			if _, err := tx.IssueCoupon(CouponSpec{CustomerID: c.ID, Benefit: CouponBenefit{Kind: BenefitPercent, Percent: 5}, Days: 1, ActorID: "slack:U1"}, t0, seoul); err != nil {
				return err
			}
		}
		return nil
	})
	soon := t0.AddDate(0, 0, 30) // within ExpiryNoticeShortDays of the month's end
	// The crash: one transaction of expiry notices, then nothing.
	mustUpdate(t, s, func(tx *Tx) error { _, _, err := tx.noticeLots(soon, seoul, ExpiryNoticeDays, dailyChunk); return err })
	res, err := s.RunDaily(context.Background(), soon, seoul)
	if err != nil || res.ExpiryNotices != n-dailyChunk || res.CouponsExpired != n {
		t.Fatalf("first run: %+v, %v", res.ExpiryNotices, err)
	}
	if res2, err := s.RunDaily(context.Background(), soon, seoul); err != nil || res2.ExpiryNotices != 0 || res2.CouponsExpired != 0 || len(res2.Notices) != 0 {
		t.Fatalf("second run: %+v, %v", res2, err)
	}
	end := t0.AddDate(0, 1, 1) // gone the day after the month's last
	mustUpdate(t, s, func(tx *Tx) error { _, _, _, _, err := tx.expireLots(end, seoul, dailyChunk); return err })
	res, err = s.RunDaily(context.Background(), end, seoul)
	if err != nil || res.LotsExpired != n-dailyChunk {
		t.Fatalf("expiry run: %d, %v", res.LotsExpired, err)
	}
	mustView(t, s, func(tx *Tx) error {
		p, _ := tx.PendingNotices(0)
		kinds := map[NoticeKind]int{}
		for _, x := range p {
			kinds[x.Kind]++
		}
		if kinds[NoticeExpireSoon] != n || kinds[NoticeExpired] != n || kinds[NoticeCoupon] != n {
			t.Errorf("pending notices %v", kinds)
		}
		for _, id := range ids {
			if b, _ := tx.Balance(id); b != 0 {
				t.Errorf("%s: balance %d after expiry", id, b)
			}
		}
		f, _ := tx.LoyaltyFigures(t0, end.Add(time.Hour))
		if f.CouponsExpired != n || f.CouponsIssued != n {
			t.Errorf("figures %+v", f)
		}
		return nil
	})
	// Delivering: a notice leaves the list once, marking it again is no error.
	var first Notice
	mustView(t, s, func(tx *Tx) error { p, _ := tx.PendingNotices(1); first = p[0]; return nil })
	for range 2 {
		mustUpdate(t, s, func(tx *Tx) error { return tx.MarkNoticeDelivered(first.ID, end) })
	}
	mustView(t, s, func(tx *Tx) error {
		x, _ := tx.Notice(first.ID)
		p, _ := tx.PendingNotices(0)
		if x.State != NoticeDelivered || !x.DoneAt.Equal(end) || len(p) != 3*n-1 {
			t.Errorf("delivered %+v, %d pending", x, len(p))
		}
		return nil
	})
}

// TestImportLoyalty: coupons keep their state and code, stamps go on the
// card without a reward.
func TestImportLoyalty(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "가져온", "01012129898")
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.SetStamps(StampRules{Goal: 3, Reward: CouponBenefit{Kind: BenefitItem, Item: "빵"}}, "slack:M", t0)
		return err
	})
	in := Coupon{Code: "abc-def", CustomerID: c.ID, Benefit: CouponBenefit{Kind: BenefitWon, Won: 3000}, IssuedAt: t0.AddDate(0, -1, 0),
		Ends: t0.AddDate(0, 1, 0), State: CouponUsed, UsedAt: t0.AddDate(0, 0, -3), UsedBy: "slack:U9", Note: "이전 메모"}
	var got Coupon
	var st StampEntry
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		if got, err = tx.ImportCoupon(in); err != nil {
			return err
		}
		st, err = tx.ImportStamps(c.ID, 5, "cli:import", t0)
		return err
	})
	if got.Code != "ABCDEF" || got.State != CouponUsed || got.Source != SourceImport {
		t.Errorf("imported %+v", got)
	}
	mustView(t, s, func(tx *Tx) error {
		x, err := tx.Coupon("ABCDEF")
		if err != nil || x.UsedBy != "slack:U9" || x.Note != "이전 메모" || !x.UsedAt.Equal(in.UsedAt) {
			t.Errorf("read back %+v %v", x, err)
		}
		card, _ := tx.StampCardOf(c.ID, t0)
		cs, _ := tx.CouponsOf(c.ID, t0, true)
		if card.Stamps != 5 || len(cs) != 1 || !st.Imported {
			t.Errorf("card %+v, coupons %d", card, len(cs))
		}
		if p, _ := tx.PendingNotices(0); len(p) != 0 {
			t.Errorf("an import told the customer: %+v", p)
		}
		return nil
	})
	var r StampResult
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		r, err = tx.AddStamps(c.ID, 1, "slack:U1", "", t0, seoul)
		return err
	})
	if r.Card.Stamps != 0 || len(r.Rewards) != 2 {
		t.Errorf("the next stamp fills the imported cards: %+v", r.Card)
	}
}

// FuzzDecodeLoyalty feeds arbitrary bytes to loyalty's decoders: an error,
// never a panic.
func FuzzDecodeLoyalty(f *testing.F) {
	k := timeKey(t0, 1)
	ck := custKey(1)
	f.Add(encodeLog(&logEvent{kind: logTierMove, customer: "C1", n: 4, a: "new", b: "vip"}))
	f.Add(encodeStamp(&StampEntry{CustomerID: "C1", N: -3, Reverses: idOf(k), Coupons: []string{"x"}}, []byte("sealed")))
	f.Add(encodeLot(&lotRec{points: 5, remaining: 3, months: 12, noticed: true}))
	dp := DefaultProgramme(500)
	dp.Expiry.Months = 12
	pv, _ := encodeProgramme(&dp)
	f.Add(pv)
	f.Add([]byte{1, 0x80, 0x80, 0x80})
	kr, err := newKeyring(testKey)
	if err != nil {
		f.Fatal(err)
	}
	tx := &Tx{kr: kr}
	f.Fuzz(func(t *testing.T, v []byte) {
		decodeLog(k, v)
		decodeStamp(k, v)
		decodeLot(k, v)
		tx.decodeStampCard(ck, v)
		if d := newDecoder(v); d.version(programmeFormat) == programmeFormat {
			d.uvarint()
		}
		if p, err := decodeProgramme(k, v); err == nil {
			p.Validate()
			p.partString(PartTiers)
		}
	})
}
