package feedback

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// testKey is the master key of the test ledgers.
var testKey = []byte("0123456789abcdef0123456789abcdef")

var update = flag.Bool("update", false, "rewrite testdata/*.golden and testdata/week.png")

// mustOpen opens a fresh ledger in a temporary directory.
func mustOpen(tb testing.TB) *ledger.Store {
	tb.Helper()
	s, err := ledger.Open(filepath.Join(tb.TempDir(), "dangol.db"), &ledger.Options{NoSync: true, Key: testKey})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// day returns a time in Seoul in 2026.
func day(month time.Month, d, hour, min int) time.Time {
	return time.Date(2026, month, d, hour, min, 0, 0, kst)
}

// fixture writes test data in one transaction, failing the test on any
// ledger error.
type fixture struct {
	tb testing.TB
	tx *ledger.Tx
}

func write(tb testing.TB, s *ledger.Store, fn func(f fixture)) {
	tb.Helper()
	err := s.Update(context.Background(), func(tx *ledger.Tx) error {
		fn(fixture{tb, tx})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func (f fixture) check(err error) {
	f.tb.Helper()
	if err != nil {
		f.tb.Fatal(err)
	}
}

func (f fixture) customer(name string, created time.Time, birthday time.Time, consent bool) string {
	f.tb.Helper()
	c := &ledger.Customer{Name: name, CreatedAt: created, Birthday: birthday}
	if consent {
		c.Consent = ledger.Consent{Given: true, At: created, Purpose: "loyalty+feedback"}
	}
	f.check(f.tx.CreateCustomer(c))
	return c.ID
}

type staff struct{ id, name string }

var (
	jimin  = staff{"slack:U1", "한지민"}
	sehoon = staff{"slack:U2", "오세훈"}
)

func (f fixture) note(cust string, by staff, at time.Time, followUp time.Time, tags ...string) string {
	f.tb.Helper()
	n := &ledger.Note{CustomerID: cust, StaffID: by.id, StaffName: by.name, At: at, Text: "상담", Tags: tags, FollowUp: followUp}
	f.check(f.tx.AddNote(n))
	return n.ID
}

func (f fixture) points(cust string, kind ledger.PointsKind, pts int64, at time.Time) {
	f.tb.Helper()
	f.check(f.tx.AddPoints(&ledger.PointsEntry{CustomerID: cust, Kind: kind, Points: pts, At: at, ActorID: jimin.id}))
}

func (f fixture) feedback(cust string, at time.Time, rating, nps int, comment string) string {
	f.tb.Helper()
	fb := &ledger.Feedback{CustomerID: cust, At: at, Rating: rating, NPS: nps, Comment: comment}
	f.check(f.tx.AddFeedback(fb))
	return fb.ID
}

// catalog is the real catalog, so the tests also prove every summary key
// exists in both languages.
func catalog(tb testing.TB) *locales.Catalog {
	tb.Helper()
	c, err := locales.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
