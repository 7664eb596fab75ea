package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func ids(cs []Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestCreateCustomer(t *testing.T) {
	s := MustOpen(t)
	tests := []struct {
		name    string
		c       Customer
		wantErr error
	}{
		{"OK", Customer{Name: "  김민지 ", Phone: "010-1234-5678", CreatedAt: t0}, nil},
		{"OKPhoneOnly", Customer{Phone: "+82 10 2222 3333", CreatedAt: t0}, nil},
		{"ErrDuplicatePhone", Customer{Name: "다른 사람", Phone: "+82 10 1234 5678", CreatedAt: t0}, ErrDuplicatePhone},
		{"ErrNameOrPhoneRequired", Customer{CreatedAt: t0}, ErrInvalid},
		{"ErrBadPhone", Customer{Name: "홍길동", Phone: "010-12", CreatedAt: t0}, ErrInvalid},
		{"ErrCreatedAtRequired", Customer{Name: "홍길동"}, ErrInvalid},
		{"ErrEmptyTag", Customer{Name: "홍길동", Tags: []string{" "}, CreatedAt: t0}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.CreateCustomer(&c) })
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			mustView(t, s, func(tx *Tx) error {
				got, err := tx.Customer(c.ID)
				if err != nil {
					return err
				}
				if got.Name != c.Name || got.Phone != c.Phone {
					t.Errorf("stored %q %q, want %q %q", got.Name, got.Phone, c.Name, c.Phone)
				}
				return nil
			})
		})
	}
	mustView(t, s, func(tx *Tx) error {
		if got, _ := tx.Customer("C1"); got.Name != "김민지" || got.Phone != "01012345678" {
			t.Errorf("C1 not tidied: %q %q", got.Name, got.Phone)
		}
		for _, id := range []string{"", "C", "C0", "C01", "X1", "C99"} {
			if _, err := tx.Customer(id); !errors.Is(err, ErrCustomerNotFound) {
				t.Errorf("Customer(%q): got %v, want ErrCustomerNotFound", id, err)
			}
		}
		return nil
	})
}

func TestFindCustomers(t *testing.T) {
	s := MustOpen(t)
	minji := mustCustomer(t, s, "김민지", "010-1234-5678")
	minjun := mustCustomer(t, s, "김민준", "010-8765-5678")
	kim := mustCustomer(t, s, "김", "02-123-4567")
	anna := mustCustomer(t, s, "Anna Lee", "010-5555-0001")
	annabel := mustCustomer(t, s, "annabel", "010-5555-0002")
	gone := mustCustomer(t, s, "김민지", "010-9999-0000")
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(gone.ID, t0) })
	seojun := mustCustomer(t, s, "박 서 준", "010-5555-6666")
	haeun := mustCustomer(t, s, "정하은", "010-2222-3333")

	tests := []struct {
		query string
		limit int
		want  []string
	}{
		{"010-1234-5678", 0, []string{minji.ID}},
		{"01012345678", 0, []string{minji.ID}},
		{"+82 10 1234 5678", 0, []string{minji.ID}},
		{"+82-10-1234-5678", 0, []string{minji.ID}},
		{"010.1234.5678", 0, []string{minji.ID}},
		{"(02) 123-4567", 0, []string{kim.ID}},
		{"5678", 0, []string{minji.ID, minjun.ID}},
		{"5678", 1, []string{minji.ID}},
		{"4567", 0, []string{kim.ID}},
		{minjun.ID, 0, []string{minjun.ID}},
		{"c2", 0, []string{minjun.ID}},
		{"김민지", 0, []string{minji.ID}},
		{" 김민지 ", 0, []string{minji.ID}},
		{"김민", 0, []string{minjun.ID, minji.ID}},        // 준 sorts before 지
		{"김", 0, []string{kim.ID, minjun.ID, minji.ID}}, // exact first
		{"anna", 0, []string{anna.ID, annabel.ID}},      // a prefix of both, exact of neither
		{"ANNA LEE", 0, []string{anna.ID}},
		{"anna  lee", 0, []string{anna.ID}},
		{"Ann", 0, []string{anna.ID, annabel.ID}},
		{"nobody", 0, nil},
		{"", 0, nil},
		{"   ", 0, nil},
		// Spaces never decide a match, either way round.
		{"박서준", 0, []string{seojun.ID}},
		{"박 서준", 0, []string{seojun.ID}},
		{"박 서 준", 0, []string{seojun.ID}},
		{"서준", 0, []string{seojun.ID}}, // the given name
		{"서 준", 0, []string{seojun.ID}},
		{"박서", 0, []string{seojun.ID}},
		{"준", 0, []string{minjun.ID, seojun.ID}}, // suffixes, in name order
		{"정 하은", 0, []string{haeun.ID}},
		{"하은", 0, []string{haeun.ID}},
		{"annalee", 0, []string{anna.ID}},
		{"lee", 0, []string{anna.ID}},
		{"010-9999-0000", 0, nil}, // erased
		{gone.ID, 0, nil},
	}
	for _, tt := range tests {
		var got []Customer
		mustView(t, s, func(tx *Tx) error {
			var err error
			got, err = tx.FindCustomers(tt.query, tt.limit)
			return err
		})
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("FindCustomers(%q, %d) = %v, want %v", tt.query, tt.limit, ids(got), tt.want)
		}
	}
}

func TestPutCustomer(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김민지", "010-1234-5678")
	b := mustCustomer(t, s, "이서연", "010-2222-3333")

	t.Run("ReindexesPhoneAndName", func(t *testing.T) {
		mustUpdate(t, s, func(tx *Tx) error {
			c, err := tx.Customer(a.ID)
			if err != nil {
				return err
			}
			c.Name, c.Phone = "김민지2", "010-4444-5555"
			c.Visits = 99 // ledger-owned: ignored
			return tx.PutCustomer(c)
		})
		mustView(t, s, func(tx *Tx) error {
			if _, err := tx.CustomerByPhone("01012345678"); !errors.Is(err, ErrCustomerNotFound) {
				t.Errorf("old phone still found: %v", err)
			}
			c, err := tx.CustomerByPhone("010-4444-5555")
			if err != nil || c.ID != a.ID {
				t.Errorf("new phone: %v %v", c.ID, err)
			}
			if c.Visits != 0 {
				t.Errorf("visits overwritten: %d", c.Visits)
			}
			if got, _ := tx.FindCustomers("김민지2", 0); !slices.Equal(ids(got), []string{a.ID}) {
				t.Errorf("new name: %v", ids(got))
			}
			if got, _ := tx.FindCustomers("1234", 0); len(got) != 0 {
				t.Errorf("old last-4 still found: %v", ids(got))
			}
			return nil
		})
	})
	t.Run("ErrDuplicatePhone", func(t *testing.T) {
		err := s.Update(t.Context(), func(tx *Tx) error {
			c, _ := tx.Customer(b.ID)
			c.Phone = "01044445555"
			return tx.PutCustomer(c)
		})
		if !errors.Is(err, ErrDuplicatePhone) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrCustomerNotFound", func(t *testing.T) {
		err := s.Update(t.Context(), func(tx *Tx) error { return tx.PutCustomer(Customer{ID: "C77", Name: "x", CreatedAt: t0}) })
		if !errors.Is(err, ErrCustomerNotFound) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestLinkCustomer(t *testing.T) {
	s := MustOpen(t)
	a := mustCustomer(t, s, "김민지", "010-1234-5678")
	b := mustCustomer(t, s, "이서연", "010-2222-3333")
	consent := Consent{Given: true, At: t0, Purpose: "loyalty+feedback"}

	err := s.Update(t.Context(), func(tx *Tx) error { return tx.LinkCustomer(a.ID, "telegram:1", Consent{Declined: true}) })
	if !errors.Is(err, ErrNoConsent) {
		t.Fatalf("no consent: got %v", err)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.LinkCustomer(a.ID, "telegram:1", consent) })
	mustView(t, s, func(tx *Tx) error {
		c, err := tx.CustomerByLink("telegram:1")
		if err != nil || c.ID != a.ID || !c.Consent.Given || !slices.Equal(c.Links, []string{"telegram:1"}) {
			t.Errorf("linked: %+v %v", c, err)
		}
		p, _ := tx.Profile("telegram:1")
		if p.CustomerID != a.ID || !p.Consent.Given {
			t.Errorf("profile: %+v", p)
		}
		return nil
	})
	// Relinking moves the platform id.
	mustUpdate(t, s, func(tx *Tx) error { return tx.LinkCustomer(b.ID, "telegram:1", consent) })
	mustView(t, s, func(tx *Tx) error {
		if c, _ := tx.CustomerByLink("telegram:1"); c.ID != b.ID {
			t.Errorf("relinked to %s", c.ID)
		}
		if c, _ := tx.Customer(a.ID); len(c.Links) != 0 {
			t.Errorf("old customer keeps links %v", c.Links)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.UnlinkCustomer("telegram:1") })
	mustView(t, s, func(tx *Tx) error {
		if _, err := tx.CustomerByLink("telegram:1"); !errors.Is(err, ErrCustomerNotFound) {
			t.Errorf("after unlink: %v", err)
		}
		if p, _ := tx.Profile("telegram:1"); p.CustomerID != "" {
			t.Errorf("profile still linked to %s", p.CustomerID)
		}
		return nil
	})
}

func TestRecordVisit(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	visits := []time.Time{
		t0,                     // day 1
		t0.Add(3 * time.Hour),  // same day
		t0.Add(14 * time.Hour), // 00:00 next day KST
		t0.Add(-24 * time.Hour),
		t0.Add(48 * time.Hour),
	}
	for _, at := range visits {
		mustUpdate(t, s, func(tx *Tx) error { return tx.RecordVisit(c.ID, at) })
	}
	mustView(t, s, func(tx *Tx) error {
		st, err := tx.VisitStatsOf(c.ID)
		if err != nil {
			return err
		}
		if st.Visits != 4 || !st.First.Equal(t0.Add(-24*time.Hour)) || !st.Last.Equal(t0.Add(48*time.Hour)) {
			t.Errorf("stats %+v", st)
		}
		cu, _ := tx.Customer(c.ID)
		if cu.Visits != 4 || !cu.LastVisit.Equal(t0.Add(48*time.Hour)) {
			t.Errorf("customer visits %d last %s", cu.Visits, cu.LastVisit)
		}
		var all []VisitStats
		if err := tx.ScanVisitStats(func(v VisitStats) error { all = append(all, v); return nil }); err != nil {
			return err
		}
		if len(all) != 1 || all[0].CustomerID != c.ID {
			t.Errorf("scan visit stats %+v", all)
		}
		return nil
	})
}

func TestScanBirthdays(t *testing.T) {
	s := MustOpen(t)
	consent := Consent{Given: true, At: t0}
	mk := func(name string, month time.Month, day int, consented bool) string {
		c := Customer{Name: name, Birthday: time.Date(1990, month, day, 0, 0, 0, 0, time.UTC), CreatedAt: t0}
		if consented {
			c.Consent = consent
		}
		mustUpdate(t, s, func(tx *Tx) error { return tx.CreateCustomer(&c) })
		return c.ID
	}
	dec30 := mk("dec30", time.December, 30, true)
	dec31 := mk("dec31", time.December, 31, true)
	jan1 := mk("jan1", time.January, 1, true)
	jan3 := mk("jan3", time.January, 3, true)
	mk("jan2-noconsent", time.January, 2, false)
	feb29 := mk("feb29", time.February, 29, true)
	mar5 := mk("mar5", time.March, 5, true)
	erased := mk("mar2-erased", time.March, 2, true)
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(erased, t0) })

	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, seoul) }
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"AcrossNewYear", day(2026, 12, 28), day(2027, 1, 4), []string{dec30, dec31, jan1, jan3}},
		{"EndExclusive", day(2026, 12, 30), day(2027, 1, 1), []string{dec30, dec31}},
		{"LeapDayInCommonYear", day(2027, 2, 27), day(2027, 3, 6), []string{feb29, mar5}},
		{"OneWeek", day(2026, 3, 2), day(2026, 3, 9), []string{mar5}},
		{"WholeYear", day(2026, 3, 2), day(2027, 3, 2), []string{mar5, dec30, dec31, jan1, jan3, feb29}},
		{"Empty", day(2026, 3, 9), day(2026, 3, 9), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			mustView(t, s, func(tx *Tx) error {
				return tx.ScanBirthdays(tt.from, tt.to, func(c Customer) error { got = append(got, c.ID); return nil })
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScanNewCustomers(t *testing.T) {
	s := MustOpen(t)
	var want []string
	for i := range 10 {
		c := Customer{Name: "손님", CreatedAt: t0.Add(time.Duration(i) * 24 * time.Hour)}
		mustUpdate(t, s, func(tx *Tx) error { return tx.CreateCustomer(&c) })
		if i >= 3 && i < 7 {
			want = append(want, c.ID)
		}
	}
	var got []string
	mustView(t, s, func(tx *Tx) error {
		return tx.ScanNewCustomers(t0.Add(3*24*time.Hour), t0.Add(7*24*time.Hour), func(c Customer) error {
			got = append(got, c.ID)
			return nil
		})
	})
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestLimitError(t *testing.T) {
	long := func(n int) string { return strings.Repeat("가", n) }
	tags := make([]string, maxTags+1)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	tests := []struct {
		name  string
		err   error
		field string
		limit int
	}{
		{"CustomerName", (&Customer{Name: long(maxNameRunes + 1), CreatedAt: t0}).Validate(), "name", maxNameRunes},
		{"CustomerTags", (&Customer{Name: "홍길동", Tags: tags, CreatedAt: t0}).Validate(), "tags", maxTags},
		{"NoteText", (&Note{CustomerID: "C1", StaffID: "slack:U1", At: t0, Text: long(maxNoteRunes + 1)}).Validate(), "text", maxNoteRunes},
		{"FeedbackComment", (&Feedback{At: t0, Rating: 3, NPS: NoNPS, Comment: long(MaxCommentRunes + 1)}).Validate(), "comment", MaxCommentRunes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var le *LimitError
			if !errors.As(tt.err, &le) || le.Field != tt.field || le.Limit != tt.limit {
				t.Fatalf("err = %v, want a LimitError on %s at %d", tt.err, tt.field, tt.limit)
			}
			if !errors.Is(tt.err, ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", tt.err)
			}
		})
	}
	if err := (&Note{CustomerID: "C1", StaffID: "slack:U1", At: t0, Text: long(maxNoteRunes)}).Validate(); err != nil {
		t.Errorf("a note of exactly %d characters: %v", maxNoteRunes, err)
	}
}

func TestImportVisits(t *testing.T) {
	s := MustOpen(t)
	first, last := t0.AddDate(-1, 0, 0), t0.AddDate(0, -1, 0)
	tests := []struct {
		name        string
		visits      int
		first, last time.Time
		before      func(tx *Tx, id string) error // history already in the ledger
		wantErr     error
	}{
		{"OK", 12, first, last, nil, nil},
		{"OKOneVisit", 1, last, last, nil, nil},
		{"ErrNoVisits", 0, first, last, nil, ErrInvalid},
		{"ErrReversed", 3, last, first, nil, ErrInvalid},
		{"ErrSeveralOnOneInstant", 3, last, last, nil, ErrInvalid},
		{"ErrZeroTime", 3, time.Time{}, last, nil, ErrInvalid},
		{"ErrHistoryExists", 5, first, last, func(tx *Tx, id string) error { return tx.RecordVisit(id, t0) }, ErrInvalid},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCustomer(t, s, tt.name, fmt.Sprintf("010-7000-%04d", i))
			if tt.before != nil {
				mustUpdate(t, s, func(tx *Tx) error { return tt.before(tx, c.ID) })
			}
			err := s.Update(t.Context(), func(tx *Tx) error { return tx.ImportVisits(c.ID, tt.visits, tt.first, tt.last) })
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("ImportVisits = %v, want %v", err, tt.wantErr)
			}
			mustView(t, s, func(tx *Tx) error {
				st, err := tx.VisitStatsOf(c.ID)
				if err != nil {
					return err
				}
				cu, _ := tx.Customer(c.ID)
				switch {
				case tt.wantErr == nil && (st.Visits != tt.visits || !st.First.Equal(tt.first) || !st.Last.Equal(tt.last) || cu.Visits != tt.visits || !cu.LastVisit.Equal(tt.last)):
					t.Errorf("after import: stats %+v, customer visits %d last %s", st, cu.Visits, cu.LastVisit)
				case tt.before != nil && st.Visits != 1:
					t.Errorf("a refused import changed the history: %+v", st)
				case tt.wantErr != nil && tt.before == nil && st.Visits != 0:
					t.Errorf("a refused import left stats %+v", st)
				}
				return nil
			})
		})
	}
}

// TestCustomerMemo checks that a customer read twice in one transaction is
// opened once yet always current: a change, an erasure and a new key in
// the same transaction show at the next read, and a caller changing its
// copy's slices changes nothing for the next.
func TestCustomerMemo(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	var id string
	if err := s.Update(ctx, func(tx *Tx) error {
		c := Customer{Name: "김하늘", Phone: "01012345678", Tags: []string{"커트"}, CreatedAt: t0}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		id = c.ID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx *Tx) error {
		c, err := tx.Customer(id)
		if err != nil {
			return err
		}
		c.Tags[0] = "바뀜"
		again, err := tx.Customer(id)
		if err != nil {
			return err
		}
		if again.Tags[0] != "커트" {
			t.Errorf("a caller's change of Tags reached the next read: %v", again.Tags)
		}
		again.Name, again.Tags = "김바다", []string{"펌"}
		if err := tx.PutCustomer(again); err != nil {
			return err
		}
		after, err := tx.Customer(id)
		if err != nil {
			return err
		}
		if after.Name != "김바다" || !slices.Equal(after.Tags, []string{"펌"}) {
			t.Errorf("after PutCustomer the same transaction reads %q %v, want 김바다 [펌]", after.Name, after.Tags)
		}
		if err := tx.EraseCustomer(id, t0.Add(time.Hour)); err != nil {
			return err
		}
		gone, err := tx.Customer(id)
		if err != nil {
			return err
		}
		if !gone.Erased || gone.Name != "" {
			t.Errorf("after EraseCustomer the same transaction reads %+v, want it erased", gone)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
