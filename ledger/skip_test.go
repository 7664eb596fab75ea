package ledger

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dangol/dangol/internal/testdamage"
)

// TestSkipDamaged: one customer record that does not decode, one that does
// not open and one note that does not open fail the listings with
// ErrCorrupt; under SkipDamaged the listings give every other record and
// tell each one passed over, by kind.
func TestSkipDamaged(t *testing.T) {
	s := MustOpen(t)
	var ids []string
	for _, p := range []string{"010-1111-0001", "010-1111-0002", "010-1111-0003", "010-1111-0004"} {
		ids = append(ids, mustCustomer(t, s, "고객"+p[9:], p).ID)
	}
	mustUpdate(t, s, func(tx *Tx) error {
		for i, text := range []string{"첫 메모", "둘째 메모"} {
			n := Note{CustomerID: ids[0], StaffID: "slack:U1", At: t0.Add(time.Duration(i) * time.Hour), Text: text}
			if err := tx.AddNote(&n); err != nil {
				return err
			}
		}
		return nil
	})
	path := s.Path()
	s.Close()
	testdamage.Flip(t, path, "customers", 1, 0)  // its version byte: does not decode
	testdamage.Flip(t, path, "customers", 2, -1) // its GCM tag: does not open
	testdamage.Flip(t, path, "notes", 0, -1)     // the first note of ids[0]
	s, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	mustView(t, s, func(tx *Tx) error {
		for name, err := range map[string]error{
			"ForEachCustomer": tx.ForEachCustomer(func(Customer) error { return nil }),
			"ListCustomers":   func() error { _, _, err := tx.ListCustomers(CustomerFilter{}, 0, 0); return err }(),
			"NotesOf":         func() error { _, err := tx.NotesOf(ids[0], 0); return err }(),
			"Customer":        func() error { _, err := tx.Customer(ids[2]); return err }(),
		} {
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s without SkipDamaged: %v, want ErrCorrupt", name, err)
			}
		}
		return nil
	})

	mustView(t, s, func(tx *Tx) error {
		damaged := map[RecordKind]int{}
		defer tx.SkipDamaged(tx.SkipDamaged(func(k RecordKind, err error) {
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("told of %s: %v, not ErrCorrupt", k, err)
			}
			damaged[k]++
		}))
		var seen []string
		if err := tx.ForEachCustomer(func(c Customer) error { seen = append(seen, c.ID); return nil }); err != nil {
			t.Errorf("ForEachCustomer: %v", err)
		}
		if want := []string{ids[0], ids[3]}; !slices.Equal(seen, want) {
			t.Errorf("ForEachCustomer gave %v, want %v", seen, want)
		}
		n, cs, err := tx.ListCustomers(CustomerFilter{}, 0, 0)
		if err != nil || n != 4 || len(cs) != 2 {
			t.Errorf("ListCustomers = %d, %d customers, %v; want 4 counted, 2 read", n, len(cs), err)
		}
		notes, err := tx.NotesOf(ids[0], 0)
		if err != nil || len(notes) != 1 || notes[0].Text != "둘째 메모" {
			t.Errorf("NotesOf = %+v, %v; want the second note alone", notes, err)
		}
		if want := map[RecordKind]int{RecordCustomer: 4, RecordNote: 1}; damaged[RecordCustomer] != want[RecordCustomer] || damaged[RecordNote] != want[RecordNote] {
			t.Errorf("told of %v, want %v", damaged, want)
		}
		// A read by id still fails: passing over it would say "not found".
		if _, err := tx.Customer(ids[1]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Customer of a damaged one under SkipDamaged: %v, want ErrCorrupt", err)
		}
		return nil
	})
}

// TestDamagedStaffID: a note whose staff id, stored in the clear, had a
// byte changed reads as a damaged record, not as a note by "co4)sole:민지"
// that an export hands on as if nothing happened.
func TestDamagedStaffID(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "김하늘", "010-1234-5678")
	mustUpdate(t, s, func(tx *Tx) error {
		n := Note{CustomerID: c.ID, StaffID: "console:민지", StaffName: "민지", At: t0, Text: "커트"}
		return tx.AddNote(&n)
	})
	path := s.Path()
	s.Close()
	testdamage.FlipIn(t, path, "notes", 0, "sole:")
	s, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustView(t, s, func(tx *Tx) error {
		if notes, err := tx.NotesOf(c.ID, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("NotesOf = %+v, %v; want ErrCorrupt", notes, err)
		}
		return nil
	})
}

func TestPlausibleActorID(t *testing.T) {
	for id, want := range map[string]bool{
		"slack:U1": true, "console:민지": true, "telegram:42": true, "s": true, "slack:": true,
		"co4)56e:민지": false, ":U1": false, "Slack:U1": false, "slack:\xff": false, "\xfe": false,
	} {
		if got := plausibleActorID(id); got != want {
			t.Errorf("plausibleActorID(%q) = %v, want %v", id, got, want)
		}
	}
}
