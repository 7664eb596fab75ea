package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestRetentionExpiry(t *testing.T) {
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, seoul) }
	tests := []struct {
		name string
		r    Retention
		base time.Time
		loc  *time.Location
		want time.Time
	}{
		{"TwoYears", Retention{Years: 2}, at(2025, 1, 4, 15), seoul, at(2027, 1, 4, 15)},
		{"TwoYearsOverLeapDay", Retention{Years: 2}, at(2027, 3, 1, 9), seoul, at(2029, 3, 1, 9)},
		{"LeapDayPlusYear", Retention{Years: 1}, at(2024, 2, 29, 10), seoul, at(2025, 2, 28, 10)},
		{"MonthEndClamped", Retention{Months: 6}, at(2025, 8, 31, 18), seoul, at(2026, 2, 28, 18)},
		{"EighteenMonths", Retention{Months: 18}, at(2025, 7, 15, 12), seoul, at(2027, 1, 15, 12)},
		{"YearAndSixMonths", Retention{Years: 1, Months: 6}, at(2025, 7, 15, 12), seoul, at(2027, 1, 15, 12)},
		{"FourHundredDays", Retention{Days: 400}, at(2025, 1, 1, 0), seoul, at(2026, 2, 5, 0)},
		// 2025-12-31 20:00 UTC is New Year's Day 05:00 in Seoul: the
		// calendar is the shop's.
		{"ShopsCalendar", Retention{Years: 1}, time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC), seoul, at(2027, 1, 1, 5)},
		{"Off", Retention{}, at(2025, 1, 4, 15), seoul, time.Time{}},
		{"ZeroBase", Retention{Years: 2}, time.Time{}, seoul, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Expiry(tt.base, tt.loc); !got.Equal(tt.want) {
				t.Errorf("%v.Expiry(%v) = %v, want %v", tt.r, tt.base, got, tt.want)
			}
		})
	}
}

func TestRetentionString(t *testing.T) {
	tests := []struct {
		r    Retention
		want string
	}{
		{Retention{}, "0"},
		{Retention{Years: 2}, "2y"},
		{Retention{Months: 18}, "18m"},
		{Retention{Days: 400}, "400d"},
		{Retention{Years: 1, Months: 6, Days: 3}, "1y6m3d"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.r, got, tt.want)
		}
	}
	if err := (Retention{Months: -1}).Validate(); err == nil {
		t.Error("a negative retention validated")
	}
}

// retentionShop is a ledger with one customer of each kind the retention
// job must tell apart, two years being the period and now 2027-03-02.
type retentionShop struct {
	s   *Store
	now time.Time
	// oldVisit visited last 2025-02-01; oldSignup registered 2025-01-10 and
	// never came; recent visited 2026-12-01; back registered 2024 but came
	// again 2026-06-01; erased was erased on request; fresh registered
	// 2027-01-01.
	oldVisit, oldSignup, recent, back, erased, fresh string
	// told is when the two old ones were given their notice
	// (NoticeRetention), a month and a day before now: their erasure day
	// has come.
	told time.Time
}

var twoYears = Retention{Years: 2}

func mustRetentionShop(t *testing.T) retentionShop {
	t.Helper()
	s := MustOpen(t)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 11, 0, 0, 0, seoul) }
	sh := retentionShop{s: s, now: day(2027, 3, 2)}
	mk := func(name, phone string, created time.Time, visits ...time.Time) string {
		c := Customer{Name: name, Phone: phone, CreatedAt: created}
		mustUpdate(t, s, func(tx *Tx) error {
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			for _, v := range visits {
				if err := tx.RecordVisit(c.ID, v); err != nil {
					return err
				}
			}
			return nil
		})
		return c.ID
	}
	sh.oldVisit = mk("오래전", "01011110001", day(2024, 6, 1), day(2024, 6, 1), day(2025, 2, 1))
	sh.oldSignup = mk("가입만", "01011110002", day(2025, 1, 10))
	sh.recent = mk("요즘손님", "01011110003", day(2024, 6, 1), day(2026, 12, 1))
	sh.back = mk("다시옴", "01011110004", day(2024, 1, 5), day(2024, 1, 5), day(2026, 6, 1))
	sh.erased = mk("지운손님", "01011110005", day(2024, 1, 6))
	sh.fresh = mk("새손님", "01011110006", day(2027, 1, 1))
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(sh.erased, day(2026, 1, 1)) })
	sh.told = sh.now.AddDate(0, 0, -RetentionNoticeDays-1)
	mustUpdate(t, s, func(tx *Tx) error {
		_, err := tx.NoticeRetention(twoYears, seoul, sh.told)
		return err
	})
	return sh
}

func (sh retentionShop) customer(t *testing.T, id string) Customer {
	t.Helper()
	var c Customer
	mustView(t, sh.s, func(tx *Tx) error {
		var err error
		c, err = tx.Customer(id)
		return err
	})
	return c
}

// TestEraseExpired: the customers whose last visit (or registration, never
// having visited) is more than the period ago are erased, once, each
// audited as the retention job's and counted until told; a customer who
// came back, a recent one, a new one and one erased before stay as they
// are and are not counted.
func TestEraseExpired(t *testing.T) {
	sh := mustRetentionShop(t)
	ctx := context.Background()

	var found []string
	mustView(t, sh.s, func(tx *Tx) error {
		var err error
		found, err = tx.ExpiredCustomers(twoYears, seoul, sh.now)
		return err
	})
	if want := []string{sh.oldVisit, sh.oldSignup}; !slices.Equal(found, want) {
		t.Fatalf("ExpiredCustomers = %v, want %v", found, want)
	}

	n, err := sh.s.EraseExpired(ctx, twoYears, seoul, sh.now)
	if err != nil || n != 2 {
		t.Fatalf("EraseExpired = %d, %v; want 2", n, err)
	}
	for _, id := range []string{sh.oldVisit, sh.oldSignup} {
		c := sh.customer(t, id)
		if !c.Erased || !c.ErasedAt.Equal(sh.now) || c.Name != "" || c.Phone != "" {
			t.Errorf("%s after retention = %+v, want erased at %v with nothing personal", id, c, sh.now)
		}
	}
	for _, id := range []string{sh.recent, sh.back, sh.fresh} {
		if c := sh.customer(t, id); c.Erased || c.Name == "" {
			t.Errorf("%s was erased: %+v", id, c)
		}
	}
	if c := sh.customer(t, sh.erased); !c.ErasedAt.Equal(time.Date(2026, 1, 1, 11, 0, 0, 0, seoul)) {
		t.Errorf("the customer erased before got a new erasure time: %+v", c)
	}

	var audits []AuditEntry
	mustView(t, sh.s, func(tx *Tx) error {
		return tx.ScanAudit(time.Time{}, sh.now.Add(time.Hour), func(a AuditEntry) error {
			audits = append(audits, a)
			return nil
		})
	})
	var erasedBy []string
	for _, a := range audits {
		if a.ActorID != RetentionActor || a.Action != "erase" || a.Detail != "2y" || !a.At.Equal(sh.now) {
			t.Errorf("audit entry %+v, want the retention job's erasure", a)
		}
		erasedBy = append(erasedBy, a.CustomerID)
	}
	if want := []string{sh.oldVisit, sh.oldSignup}; !slices.Equal(erasedBy, want) {
		t.Errorf("audited erasures of %v, want %v", erasedBy, want)
	}

	// Again, a day later: nobody new, nobody counted twice.
	if n, err := sh.s.EraseExpired(ctx, twoYears, seoul, sh.now.AddDate(0, 0, 1)); err != nil || n != 0 {
		t.Errorf("second EraseExpired = %d, %v; want 0", n, err)
	}

	// The count, told once per post; a retried post says it again.
	dm1, dm2 := sh.now.Add(22*time.Hour), sh.now.Add(46*time.Hour)
	for _, st := range []struct {
		name   string
		at     time.Time
		untold int
		want   int
	}{
		{"FirstPost", dm1, 2, 2},
		{"SamePostRetried", dm1, 0, 2},
		{"NextPost", dm2, 0, 0},
	} {
		mustUpdate(t, sh.s, func(tx *Tx) error {
			if u, err := tx.RetentionUntold(); err != nil || u != st.untold {
				t.Errorf("%s: RetentionUntold = %d, %v; want %d", st.name, u, err, st.untold)
			}
			if got, err := tx.TellRetention(st.at); err != nil || got != st.want {
				t.Errorf("%s: TellRetention = %d, %v; want %d", st.name, got, err, st.want)
			}
			return nil
		})
	}
}

// TestEraseExpiredOfVisitMeanwhile: a customer found expired who visits
// before the erasing transaction is kept, and not counted.
func TestEraseExpiredOfVisitMeanwhile(t *testing.T) {
	sh := mustRetentionShop(t)
	mustUpdate(t, sh.s, func(tx *Tx) error {
		ids, err := tx.ExpiredCustomers(twoYears, seoul, sh.now)
		if err != nil {
			return err
		}
		if err := tx.RecordVisit(sh.oldVisit, sh.now.Add(-time.Hour)); err != nil {
			return err
		}
		n, err := tx.EraseExpiredOf(append(ids, sh.erased, "C999", "nonsense"), twoYears, seoul, sh.now)
		if err != nil || n != 1 {
			t.Errorf("EraseExpiredOf = %d, %v; want 1 (the one who never came back)", n, err)
		}
		if u, err := tx.RetentionUntold(); err != nil || u != 1 {
			t.Errorf("RetentionUntold = %d, %v; want 1", u, err)
		}
		return nil
	})
	if c := sh.customer(t, sh.oldVisit); c.Erased {
		t.Errorf("the customer who came back was erased: %+v", c)
	}
	if c := sh.customer(t, sh.oldSignup); !c.Erased {
		t.Errorf("the customer who never came back was kept: %+v", c)
	}
}

// TestExpiredCustomersOpensNothing: candidates are found from the clear
// fields alone: a customer whose sealed part is garbage (which opening
// would report) is neither opened nor in the way.
func TestExpiredCustomersOpensNothing(t *testing.T) {
	sh := mustRetentionShop(t)
	mustUpdate(t, sh.s, func(tx *Tx) error {
		for _, id := range []string{sh.recent, sh.oldVisit} {
			k, _ := custKeyOf(id)
			sc, err := decodeStoredCustomer(tx.bucket(bucketCustomers).Get(k))
			if err != nil {
				return err
			}
			sc.Sealed = []byte("not a sealed value at all")
			if err := tx.bucket(bucketCustomers).Put(k, encodeStoredCustomer(&sc)); err != nil {
				return err
			}
		}
		return nil
	})
	mustView(t, sh.s, func(tx *Tx) error {
		if _, err := tx.Customer(sh.recent); err == nil {
			t.Error("the garbled record opened: the test proves nothing")
		}
		ids, err := tx.ExpiredCustomers(twoYears, seoul, sh.now)
		if err != nil {
			t.Errorf("ExpiredCustomers: %v", err)
		}
		if want := []string{sh.oldVisit, sh.oldSignup}; !slices.Equal(ids, want) {
			t.Errorf("ExpiredCustomers = %v, want %v", ids, want)
		}
		return nil
	})
}

// TestEraseExpiredChunks: more customers than one transaction erases are
// all erased and counted, and an off retention erases nobody.
func TestEraseExpiredChunks(t *testing.T) {
	s := MustOpen(t)
	old := time.Date(2020, 1, 1, 9, 0, 0, 0, seoul)
	const n = 2*RetentionChunk + 17
	mustUpdate(t, s, func(tx *Tx) error {
		for i := range n {
			c := Customer{Name: fmt.Sprintf("손님%d", i), CreatedAt: old}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error {
		ns, err := tx.NoticeRetention(twoYears, seoul, t0.AddDate(0, 0, -RetentionNoticeDays-1))
		if err == nil && len(ns) != n {
			t.Errorf("NoticeRetention gave %d notices, want %d", len(ns), n)
		}
		return err
	})
	ctx := context.Background()
	if got, err := s.EraseExpired(ctx, Retention{}, seoul, t0); err != nil || got != 0 {
		t.Fatalf("EraseExpired off = %d, %v; want 0", got, err)
	}
	if got, err := s.EraseExpired(ctx, twoYears, seoul, t0); err != nil || got != n {
		t.Fatalf("EraseExpired = %d, %v; want %d", got, err, n)
	}
	mustView(t, s, func(tx *Tx) error {
		if u, err := tx.RetentionUntold(); err != nil || u != n {
			t.Errorf("RetentionUntold = %d, %v; want %d", u, err, n)
		}
		return tx.ForEachCustomer(func(c Customer) error {
			if !c.Erased {
				t.Errorf("%s kept", c.ID)
			}
			return nil
		})
	})
}

// BenchmarkExpiredCustomers finds the one expired customer among 100,000
// (half of them with visits): the daily run's cost when nobody is due.
func BenchmarkExpiredCustomers(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "dangol.db"), &Options{NoSync: true, Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const total = 100_000
	for start := 0; start < total; start += 5000 {
		mustUpdate(b, s, func(tx *Tx) error {
			for i := start; i < start+5000; i++ {
				c := Customer{Name: "손님", CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
				if i == 0 {
					c.CreatedAt = t0.AddDate(-3, 0, 0)
				}
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
				if i%2 == 1 {
					if err := tx.RecordVisit(c.ID, c.CreatedAt); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	b.ResetTimer()
	for b.Loop() {
		err := s.View(context.Background(), func(tx *Tx) error {
			ids, err := tx.ExpiredCustomers(twoYears, seoul, t0)
			if err == nil && len(ids) != 1 {
				err = fmt.Errorf("found %d, want 1", len(ids))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestRetentionNotice: nobody is erased for retention without a notice
// whose date leaves them RetentionNoticeDays. One whose period runs out in
// a month is told then and erased the day after it; one whose period ran
// out unannounced (as when retention is turned on) is told and erased a
// month later, not at the next run; a visit after the notice voids it.
func TestRetentionNotice(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, seoul) }
	var due, late, back Customer
	mustUpdate(t, s, func(tx *Tx) error {
		for _, c := range []*Customer{&due, &late, &back} {
			c.Name, c.CreatedAt = "손님", at(2020, 1, 1, 9)
			if err := tx.CreateCustomer(c); err != nil {
				return err
			}
		}
		// due's and back's two years end 2027-05-10 15:00; late's ended long ago.
		for _, c := range []Customer{due, back} {
			if err := tx.RecordVisit(c.ID, at(2025, 5, 10, 15)); err != nil {
				return err
			}
		}
		return nil
	})
	notice := func(now time.Time) map[string]RetentionNotice {
		t.Helper()
		got := map[string]RetentionNotice{}
		mustUpdate(t, s, func(tx *Tx) error {
			ns, err := tx.NoticeRetention(twoYears, seoul, now)
			for _, n := range ns {
				got[n.CustomerID] = n
			}
			return err
		})
		return got
	}
	erase := func(now time.Time) int {
		t.Helper()
		n, err := s.EraseExpired(ctx, twoYears, seoul, now)
		if err != nil {
			t.Fatalf("EraseExpired at %v: %v", now, err)
		}
		return n
	}
	erased := func(c Customer) bool {
		t.Helper()
		var got Customer
		mustView(t, s, func(tx *Tx) error {
			var err error
			got, err = tx.Customer(c.ID)
			return err
		})
		return got.Erased
	}

	// Retention turned on 2027-04-01 11:00: late is told, with a month.
	now := at(2027, 4, 1, 11)
	got := notice(now)
	if n, ok := got[late.ID]; len(got) != 1 || !ok || !n.EraseOn.Equal(at(2027, 5, 2, 0)) || !n.ToldAt.Equal(now) {
		t.Fatalf("notices at %v = %+v, want late's alone, erased 2027-05-02", now, got)
	}
	if got := notice(now); len(got) != 1 {
		t.Errorf("the same run again gave %d notices, want the same 1", len(got))
	}
	if n := erase(at(2027, 4, 2, 4)); n != 0 {
		t.Errorf("the next night erased %d, want 0: late was told yesterday", n)
	}

	// A month before due's and back's end: both told, the day after it.
	now = at(2027, 4, 10, 15)
	got = notice(now)
	for _, c := range []Customer{due, back} {
		if n, ok := got[c.ID]; !ok || !n.EraseOn.Equal(at(2027, 5, 11, 0)) || !n.Expiry.Equal(at(2027, 5, 10, 15)) {
			t.Errorf("notice of %s = %+v (%v), want erasure on 2027-05-11", c.ID, n, ok)
		}
	}
	if len(got) != 2 {
		t.Errorf("notices at %v = %+v, want due's and back's", now, got)
	}
	mustView(t, s, func(tx *Tx) error {
		c, err := tx.Customer(due.ID)
		if err != nil {
			return err
		}
		if on, told, err := tx.ErasureDate(c, twoYears, seoul, now); err != nil || !told || !on.Equal(at(2027, 5, 11, 0)) {
			t.Errorf("ErasureDate(due) = %v, %v, %v; want 2027-05-11, told", on, told, err)
		}
		return nil
	})
	if got := notice(now.AddDate(0, 0, 1)); len(got) != 0 {
		t.Errorf("the next day's run told again: %+v", got)
	}
	// back comes back after the notice: it no longer holds.
	mustUpdate(t, s, func(tx *Tx) error { return tx.RecordVisit(back.ID, at(2027, 5, 1, 12)) })

	if n := erase(at(2027, 5, 2, 4)); n != 1 || !erased(late) {
		t.Errorf("on late's day: erased %d (late erased %v), want late alone", n, erased(late))
	}
	if n := erase(at(2027, 5, 10, 23)); n != 0 {
		t.Errorf("past due's expiry, still on the day told: erased %d, want 0", n)
	}
	if n := erase(at(2027, 5, 11, 4)); n != 1 || !erased(due) || erased(back) {
		t.Errorf("on due's day: erased %d (due %v, back %v), want due alone", n, erased(due), erased(back))
	}
}
