package ledger

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"
)

// TestOpenReadOnly: with Options.ReadOnly a ledger opens without being
// written (a disk the system remounted read-only), reads as it does
// opened for writing, refuses every Update with ErrReadOnly and leaves
// the file byte for byte as it was; a file that opening must write to
// (erasures of the erased-keys list still to make) is refused with
// ErrNeedsWrite, never read with the erased person's data.
func TestOpenReadOnly(t *testing.T) {
	s := MustOpen(t)
	keep := &Customer{Name: "김하늘", Phone: "010-1234-5678", CreatedAt: t0}
	gone := &Customer{Name: "이수민", Phone: "010-2222-3333", CreatedAt: t0}
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.CreateCustomer(keep); err != nil {
			return err
		}
		return tx.CreateCustomer(gone)
	})
	path, erased := s.Path(), s.opts.ErasedKeys
	backup := path + ".bak"
	var buf bytes.Buffer
	if _, err := s.Backup(t.Context(), &buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(backup, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(gone.ID, t0.Add(time.Hour)) })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Reads", func(t *testing.T) {
		r, err := Open(path, &Options{Key: testKey, ErasedKeys: erased, ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only open: %v", err)
		}
		mustView(t, r, func(tx *Tx) error {
			got, err := tx.Customer(keep.ID)
			if err != nil || got.Name != keep.Name {
				t.Errorf("customer reads %+v (%v), want %s", got, err, keep.Name)
			}
			return nil
		})
		if _, err := r.Backup(t.Context(), &bytes.Buffer{}); err != nil {
			t.Errorf("backup of a read-only store: %v", err)
		}
		if err := r.Update(t.Context(), func(tx *Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Update = %v, want ErrReadOnly", err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
			t.Error("the file changed")
		}
	})
	t.Run("ErrNeedsWriteErased", func(t *testing.T) {
		_, err := Open(backup, &Options{Key: testKey, ErasedKeys: erased, ReadOnly: true})
		if !errors.Is(err, ErrNeedsWrite) {
			t.Errorf("backup from before an erasure, read-only: %v, want ErrNeedsWrite", err)
		}
	})
}
