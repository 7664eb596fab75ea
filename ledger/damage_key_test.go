package ledger

import (
	"errors"
	"testing"
	"time"

	"github.com/dangol/dangol/internal/testdamage"
)

// TestDamagedDataKey: a changed byte in the key of a customer's wrapped data
// key (the keys bucket) leaves the customer with no key, which read as an
// erasure: an empty name and phone in the export, "no such customer" to a
// lookup. It is a damaged record like any other: ErrCorrupt to the reads
// of that customer, told to SkipDamaged by the listings. An erased
// customer, whose key was shredded, still reads as erased.
func TestDamagedDataKey(t *testing.T) {
	s := MustOpen(t)
	hit := mustCustomer(t, s, "김하늘", "010-1234-5678")
	gone := mustCustomer(t, s, "이바다", "010-2222-3333")
	mustUpdate(t, s, func(tx *Tx) error {
		n := Note{CustomerID: hit.ID, StaffID: "slack:U1", At: t0, Text: "커트 상담"}
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		return tx.EraseCustomer(gone.ID, t0)
	})
	path := s.Path()
	s.Close()
	testdamage.FlipKey(t, path, "keys", 0, 3) // hit's, the only key left
	s, err := Open(path, &Options{Timeout: 100 * time.Millisecond, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	mustView(t, s, func(tx *Tx) error {
		for name, err := range map[string]error{
			"Customer":        func() error { _, err := tx.Customer(hit.ID); return err }(),
			"CustomerByPhone": func() error { _, err := tx.CustomerByPhone("010-1234-5678"); return err }(),
			"FindCustomers":   func() error { _, err := tx.FindCustomers("김하늘", 5); return err }(),
			"NotesOf":         func() error { _, err := tx.NotesOf(hit.ID, 0); return err }(),
		} {
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s: %v, want ErrCorrupt", name, err)
			}
		}
		c, err := tx.Customer(gone.ID)
		if err != nil || !c.Erased {
			t.Errorf("erased customer = %+v, %v; want erased", c, err)
		}
		damaged := 0
		defer tx.SkipDamaged(tx.SkipDamaged(func(k RecordKind, err error) { damaged++ }))
		var seen []string
		if err := tx.ForEachCustomer(func(c Customer) error { seen = append(seen, c.ID); return nil }); err != nil {
			t.Errorf("ForEachCustomer: %v", err)
		}
		if damaged != 1 || len(seen) != 1 || seen[0] != gone.ID {
			t.Errorf("ForEachCustomer gave %v and told of %d damaged; want %s and 1", seen, damaged, gone.ID)
		}
		return nil
	})
}
