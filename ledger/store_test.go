package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// seoul is the shop's time zone in tests; a fixed zone keeps them exact.
var seoul = time.FixedZone("KST", 9*3600)

// t0 is "now" in tests: Monday 2026-03-02 10:00 KST.
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, seoul)

// testKey is the master key of the test ledgers.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// MustOpen opens a store in a fresh temporary directory and closes it when
// the test ends.
func MustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "dangol.db"), &Options{Timeout: 100 * time.Millisecond, Key: testKey,
		ErasedKeys: filepath.Join(tb.TempDir(), "dangol.erased")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// mustUpdate runs fn in an Update and fails the test on error.
func mustUpdate(tb testing.TB, s *Store, fn func(*Tx) error) {
	tb.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// mustView runs fn in a View and fails the test on error.
func mustView(tb testing.TB, s *Store, fn func(*Tx) error) {
	tb.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// mustCustomer creates a customer and returns it.
func mustCustomer(tb testing.TB, s *Store, name, phone string) Customer {
	tb.Helper()
	c := Customer{Name: name, Phone: phone, CreatedAt: t0}
	mustUpdate(tb, s, func(tx *Tx) error { return tx.CreateCustomer(&c) })
	return c
}

func TestOpen(t *testing.T) {
	t.Run("ErrLocked", func(t *testing.T) {
		s := MustOpen(t)
		start := time.Now()
		_, err := Open(s.Path(), &Options{Timeout: 50 * time.Millisecond, Key: testKey})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("second open: got %v, want ErrLocked", err)
		}
		if !strings.Contains(err.Error(), s.Path()) {
			t.Errorf("error %q does not name the file", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("second open took %s", d)
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.db")
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			var v [8]byte
			binary.BigEndian.PutUint64(v[:], SchemaVersion+1)
			return b.Put(metaSchema, v[:])
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		_, err = Open(path, &Options{Key: testKey})
		if !errors.Is(err, ErrNewerSchema) {
			t.Fatalf("got %v, want ErrNewerSchema", err)
		}
		if want := fmt.Sprintf("schema %d", SchemaVersion+1); !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name the versions", err)
		}
	})
	t.Run("ReopenKeepsData", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "re.db")
		s, err := Open(path, &Options{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		c := mustCustomer(t, s, "김민지", "010-1234-5678")
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.View(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
			t.Errorf("view after close: got %v, want ErrClosed", err)
		}
		s, err = Open(path, &Options{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		mustView(t, s, func(tx *Tx) error {
			got, err := tx.Customer(c.ID)
			if err != nil {
				return err
			}
			if got.Name != "김민지" {
				t.Errorf("name after reopen: %q", got.Name)
			}
			return nil
		})
	})
}

func TestUpdateErrorKeepsNothing(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "이서연", "01099998888")
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx *Tx) error {
		if err := tx.MarkEvent("ev1", t0); err != nil {
			return err
		}
		n := Note{CustomerID: c.ID, StaffID: "slack:U1", At: t0, Text: "커트"}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		if err := tx.AddPoints(&PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 100, ActorID: "slack:U1"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	mustView(t, s, func(tx *Tx) error {
		if seen, _ := tx.SeenEvent("ev1"); seen {
			t.Error("event kept")
		}
		if notes, _ := tx.NotesOf(c.ID, 0); len(notes) != 0 {
			t.Errorf("notes kept: %d", len(notes))
		}
		if bal, _ := tx.Balance(c.ID); bal != 0 {
			t.Errorf("balance %d", bal)
		}
		if got, _ := tx.Customer(c.ID); got.Visits != 0 {
			t.Errorf("visits %d", got.Visits)
		}
		return nil
	})
}

func TestConcurrentUpdates(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "박지훈", "01011112222")
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := fmt.Sprintf("ev%d", i)
			errs <- s.Update(context.Background(), func(tx *Tx) error {
				// Batch may run this twice: the event check keeps it idempotent.
				if seen, err := tx.SeenEvent(ev); err != nil || seen {
					return err
				}
				e := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Duration(i) * time.Second), Kind: PointsEarn, Points: 10, ActorID: "slack:U1"}
				if err := tx.AddPoints(&e); err != nil {
					return err
				}
				return tx.MarkEvent(ev, t0)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		for i := range n {
			if seen, _ := tx.SeenEvent(fmt.Sprintf("ev%d", i)); !seen {
				t.Errorf("ev%d missing", i)
			}
		}
		entries, err := tx.PointsOf(c.ID, 0)
		if err != nil {
			return err
		}
		if len(entries) != n {
			t.Errorf("entries: got %d, want %d", len(entries), n)
		}
		if bal, _ := tx.Balance(c.ID); bal != 10*n {
			t.Errorf("balance: got %d, want %d", bal, 10*n)
		}
		return nil
	})
}

func TestBackup(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "최유나", "01033334444")
	path := filepath.Join(t.TempDir(), "backup.db")
	var buf strings.Builder
	n, err := s.Backup(context.Background(), &buf)
	if err != nil || n == 0 || int64(buf.Len()) != n {
		t.Fatalf("backup: n=%d len=%d err=%v", n, buf.Len(), err)
	}
	if err := os.WriteFile(path, []byte(buf.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mustView(t, b, func(tx *Tx) error {
		got, err := tx.CustomerByPhone("010-3333-4444")
		if err != nil {
			return err
		}
		if got.ID != c.ID {
			t.Errorf("backup customer %s, want %s", got.ID, c.ID)
		}
		return nil
	})
}

// TestConcurrentUpdatesSomeFail mixes writers whose function fails after
// writing with ones that succeed: bbolt's Batch reruns the others without
// the failed one, and the failed ones must leave nothing.
func TestConcurrentUpdatesSomeFail(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "박지훈", "01011112222")
	const n = 64
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := fmt.Sprintf("ev%d", i)
			errs[i] = s.Update(context.Background(), func(tx *Tx) error {
				if seen, err := tx.SeenEvent(ev); err != nil || seen {
					return err
				}
				if err := tx.MarkEvent(ev, t0); err != nil {
					return err
				}
				e := PointsEntry{CustomerID: c.ID, At: t0, Kind: PointsEarn, Points: 1, ActorID: "slack:U1"}
				if err := tx.AddPoints(&e); err != nil {
					return err
				}
				if i%2 == 1 {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if want := i%2 == 1; errors.Is(err, boom) != want || (!want && err != nil) {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		for i := range n {
			seen, _ := tx.SeenEvent(fmt.Sprintf("ev%d", i))
			if seen != (i%2 == 0) {
				t.Errorf("ev%d seen=%v", i, seen)
			}
		}
		if bal, _ := tx.Balance(c.ID); bal != n/2 {
			t.Errorf("balance %d, want %d", bal, n/2)
		}
		return nil
	})
}

// TestEraseWhileWriting runs an erasure (and so a file swap) among
// concurrent writers: nothing deadlocks and every write lands.
func TestEraseWhileWriting(t *testing.T) {
	s := MustOpen(t)
	keep := mustCustomer(t, s, "김민지", "010-1234-5678")
	gone := mustCustomer(t, s, "이서연", "010-2222-3333")
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers*5+1)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				at := t0.Add(time.Duration(i*10+j) * time.Minute)
				errs <- s.Update(context.Background(), func(tx *Tx) error {
					return tx.AddFeedback(&Feedback{CustomerID: keep.ID, At: at, Rating: 5, NPS: NoNPS})
				})
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs <- s.Update(context.Background(), func(tx *Tx) error { return tx.EraseCustomer(gone.ID, t0) })
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("writers and erasure did not finish")
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mustView(t, s, func(tx *Tx) error {
		fb, _ := tx.FeedbackOf(keep.ID, 0)
		if len(fb) != writers*5 {
			t.Errorf("feedback %d, want %d", len(fb), writers*5)
		}
		if c, _ := tx.Customer(gone.ID); !c.Erased {
			t.Error("not erased")
		}
		return nil
	})
}
