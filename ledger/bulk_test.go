package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// bulkScript creates n customers the way an import does and, with probe,
// the reads and updates a transaction may make between them: a duplicate
// phone refused, a phone looked up, a name searched (a scan, which puts
// what Bulk holds), a customer renamed.
func bulkScript(tb testing.TB, tx *Tx, n int, probe bool) error {
	tb.Helper()
	sur, given := []rune("김이박최정강조윤장임한오서신권황"), []rune("민준서연지우하윤도은예호수아시주원")
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		// Names, phones and registration days in no order, as a sheet has them.
		h := i * 7919
		name := string([]rune{sur[h%len(sur)], given[h/3%len(given)], given[h/7%len(given)]})
		c := Customer{Name: name, Phone: fmt.Sprintf("010%04d%04d", h%10000, i),
			Tags: []string{"커트", fmt.Sprintf("t%d", i%3)}, CreatedAt: at.Add(time.Duration(h%n) * time.Hour)}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		if !probe {
			continue
		}
		switch i {
		case n / 4:
			dup := Customer{Name: "다른이", Phone: c.Phone, CreatedAt: at}
			if err := tx.CreateCustomer(&dup); !errors.Is(err, ErrDuplicatePhone) {
				return fmt.Errorf("a phone created in this transaction: got %v, want ErrDuplicatePhone", err)
			}
			if got, err := tx.CustomerByPhone(c.Phone); err != nil || got.ID != c.ID {
				return fmt.Errorf("CustomerByPhone of a customer just created: %v, %v", got.ID, err)
			}
		case n / 2:
			found, err := tx.FindCustomers(c.Name, n)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(found, func(f Customer) bool { return f.ID == c.ID }) {
				return fmt.Errorf("FindCustomers(%s) right after creating %s: %d found, not it", c.Name, c.ID, len(found))
			}
		case 3 * n / 4:
			c.Name = "정다은"
			if err := tx.PutCustomer(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexDump is every entry of the customer indexes by the customer it
// points to, sorted: each store blinds with a secret of its own, so the
// blind parts differ between stores and the customers' keys do not.
func indexDump(tb testing.TB, s *Store) []string {
	tb.Helper()
	var out []string
	err := s.View(context.Background(), func(tx *Tx) error {
		for _, name := range [][]byte{bucketPhones, bucketPhoneLast4, bucketNames, bucketLinks, bucketCustTags, bucketCreated, bucketBirthdays} {
			err := tx.tx.Bucket(name).ForEach(func(k, v []byte) error {
				owner := v
				if len(v) == 0 {
					owner = k[len(k)-custKeyLen:]
				}
				out = append(out, fmt.Sprintf("%s %x", name, owner))
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestBulkIndexesAsWithout: customers created inside Bulk leave exactly
// the index entries they leave without it, and what the import reads
// meanwhile sees them.
func TestBulkIndexesAsWithout(t *testing.T) {
	const n = 400
	plain, bulk := MustOpen(t), MustOpen(t)
	mustUpdate(t, plain, func(tx *Tx) error { return bulkScript(t, tx, n, true) })
	mustUpdate(t, bulk, func(tx *Tx) error { return tx.Bulk(func() error { return bulkScript(t, tx, n, true) }) })
	want, got := indexDump(t, plain), indexDump(t, bulk)
	if len(want) < n*5 {
		t.Fatalf("the plain store has %d index entries for %d customers", len(want), n)
	}
	if len(got) != len(want) {
		t.Fatalf("Bulk left %d index entries, without Bulk %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("index entry %d: Bulk %s, without %s", i, got[i], want[i])
		}
	}
	err := bulk.View(context.Background(), func(tx *Tx) error {
		found, err := tx.FindCustomers("정다은", 10)
		if err != nil || len(found) != 1 {
			return fmt.Errorf("the renamed customer: %d found, %v", len(found), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBulkFailureKeepsNothing: a Bulk whose function fails leaves nothing
// held for a later write of the transaction to put.
func TestBulkFailureKeepsNothing(t *testing.T) {
	s := MustOpen(t)
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx *Tx) error {
		return tx.Bulk(func() error {
			c := Customer{Name: "김하늘", Phone: "01011112222", CreatedAt: time.Now()}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update: %v, want boom", err)
	}
	if d := indexDump(t, s); len(d) != 0 {
		t.Fatalf("a failed Bulk left %d index entries: %v", len(d), d)
	}
}

// BenchmarkImportCustomers creates 2,000 or 8,000 customers in one transaction,
// as `dangol import` does, with Bulk and without: without, bbolt copies
// half a growing node for every index entry (ledger/bulk.go).
func BenchmarkImportCustomers(b *testing.B) {
	for _, n := range []int{2000, 8000} {
		for _, useBulk := range []bool{true, false} {
			b.Run(fmt.Sprintf("customers=%d/bulk=%v", n, useBulk), func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					s := MustOpen(b)
					b.StartTimer()
					mustUpdate(b, s, func(tx *Tx) error {
						if useBulk {
							return tx.Bulk(func() error { return bulkScript(b, tx, n, false) })
						}
						return bulkScript(b, tx, n, false)
					})
				}
			})
		}
	}
}

// TestAuditedManyOnce: Audited lists each customer once, in the order
// first audited, past the length where it keeps a set too.
func TestAuditedManyOnce(t *testing.T) {
	for _, n := range []int{3, 16, 17, 50} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var tx Tx
			var want []string
			for i := range n {
				id := custID(uint64(i + 1))
				want = append(want, id)
				tx.noteAudited(id)
				tx.noteAudited(want[i/2])
			}
			if got := tx.Audited(); !slices.Equal(got, want) {
				t.Fatalf("Audited() = %v, want %v", got, want)
			}
		})
	}
}

// TestBulkMemory: what a big import holds to its commit is bounded where
// it can be without a second transaction. The customers' data keys Bulk
// memoizes stop at maxCachedKeys (an import held one cipher of most of a
// kilobyte per customer), every customer still reads back after its key
// was forgotten, and the pages Bulk's commit writes are full rather than
// half empty (30,000 customers' pages were 100 MB, 60 MB full).
func TestBulkMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("creates more customers than the key memo holds")
	}
	n := maxCachedKeys + 500
	s := MustOpen(t)
	var first Customer
	mustUpdate(t, s, func(tx *Tx) error {
		return tx.Bulk(func() error {
			at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
			for i := range n {
				c := Customer{Name: fmt.Sprintf("고객%d", i), Phone: fmt.Sprintf("010%04d%04d", 1000+i/10000, i%10000), CreatedAt: at}
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
			}
			if len(tx.aeads) > maxCachedKeys {
				return fmt.Errorf("Bulk memoizes %d data keys, want at most %d", len(tx.aeads), maxCachedKeys)
			}
			var err error
			first, err = tx.Customer(custID(1))
			return err
		})
	})
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.Customer(first.ID)
		if err != nil || got.Name != first.Name || got.Phone != first.Phone {
			t.Errorf("the first customer after the commit: %+v, %v; want %+v", got, err, first)
		}
		for _, name := range [][]byte{bucketCustomers, bucketKeys, bucketPhones} {
			st := tx.tx.Bucket(name).Stats()
			if fill := float64(st.LeafInuse) / float64(st.LeafAlloc); fill < 0.85 {
				t.Errorf("bucket %s: its pages are %.0f%% full after a bulk commit, want 85%% or more", name, 100*fill)
			}
		}
		return nil
	})
}
