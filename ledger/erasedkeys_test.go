package ledger

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// erasureLineage is a shop's ledger and its copies around one erasure:
// before (a backup that still holds the customer's key), after (a backup
// taken once they were erased) and the live file, closed.
type erasureLineage struct {
	dir, live, before, after, list string
	id                             string // the erased customer
}

func newErasureLineage(t *testing.T) erasureLineage {
	t.Helper()
	dir := t.TempDir()
	l := erasureLineage{dir: dir, live: filepath.Join(dir, "dangol.db"), before: filepath.Join(dir, "before.db"),
		after: filepath.Join(dir, "after.db"), list: filepath.Join(dir, "dangol.key.erased")}
	s, err := Open(l.live, &Options{Key: testKey, ErasedKeys: l.list})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := mustCustomer(t, s, "김민지", "010-1234-5678")
	mustCustomer(t, s, "박서준", "010-2222-3333")
	l.id = c.ID
	if err := writeBackup(s, l.before); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0.Add(time.Hour)) })
	if err := writeBackup(s, l.after); err != nil {
		t.Fatal(err)
	}
	return l
}

// erasedIn opens path with the list and reports whether the customer reads
// as erased there.
func (l erasureLineage) erasedIn(t *testing.T, path, list string) bool {
	t.Helper()
	s, err := Open(path, &Options{Key: testKey, ErasedKeys: list})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var erased bool
	mustView(t, s, func(tx *Tx) error {
		c, err := tx.Customer(l.id)
		erased = c.Erased && c.Name == ""
		return err
	})
	return erased
}

func listLines(t *testing.T, list string) []string {
	t.Helper()
	data, err := os.ReadFile(list)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestErasuresOutliveTheList: the erased-keys list is a file beside the
// key, easily left behind when a shop moves to another computer. What it
// knew must come back from the copies of the ledger themselves.
func TestErasuresOutliveTheList(t *testing.T) {
	cases := []struct {
		name string
		// prepare returns the list to restore with, having done what the
		// shop did; want: the old backup shows the customer as erased.
		prepare func(t *testing.T, l erasureLineage, restored string) string
		want    bool
	}{
		{"ListKept", func(t *testing.T, l erasureLineage, _ string) string { return l.list }, true},
		{"ListLostNothingElse", func(t *testing.T, l erasureLineage, _ string) string {
			return filepath.Join(t.TempDir(), "dangol.key.erased") // a new computer: the old backup alone
		}, false},
		{"ListLostNewerBackupAtHand", func(t *testing.T, l erasureLineage, _ string) string {
			list := filepath.Join(t.TempDir(), "dangol.key.erased")
			added, skipped, err := RecordErasures(list, []string{l.after})
			if err != nil || added != 1 || len(skipped) != 0 {
				t.Fatalf("RecordErasures: added %d, skipped %v, err %v; want 1 added", added, skipped, err)
			}
			return list
		}, true},
		{"ListLostRebuiltByOpeningTheNewerFile", func(t *testing.T, l erasureLineage, _ string) string {
			// The first serve on the newest backup writes the list again.
			list := filepath.Join(t.TempDir(), "dangol.key.erased")
			s, err := Open(l.after, &Options{Key: testKey, ErasedKeys: list})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			return list
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newErasureLineage(t)
			restored := filepath.Join(t.TempDir(), "restored.db")
			copyFile(t, l.before, restored)
			list := tc.prepare(t, l, restored)
			if got := l.erasedIn(t, restored, list); got != tc.want {
				t.Errorf("old backup restored: erased %v, want %v", got, tc.want)
			}
		})
	}
}

// TestErasureRepeatedIsAudited: the backup predates the audit entry of the
// erasure, so the restored trail showed the customer erased by no one,
// never. The repeat is audited, at the first erasure's time.
func TestErasureRepeatedIsAudited(t *testing.T) {
	l := newErasureLineage(t)
	restored := filepath.Join(t.TempDir(), "restored.db")
	copyFile(t, l.before, restored)
	s, err := Open(restored, &Options{Key: testKey, ErasedKeys: l.list})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustView(t, s, func(tx *Tx) error {
		es, err := tx.AuditOf(l.id, 0)
		if err != nil {
			return err
		}
		n := 0
		for _, e := range es {
			if e.Action == "erase" {
				n++
				if e.ActorID != RestoreActor || e.Detail != EraseReasonRestored || !e.At.Equal(t0.Add(time.Hour)) {
					t.Errorf("erase entry %+v, want %s, %s at the first erasure", e, RestoreActor, EraseReasonRestored)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d erase entries in %+v, want one", n, es)
		}
		return nil
	})
}

// TestErasedKeysListHasNoRepeats: every open of a restored backup, and
// every grouped commit rerun, used to append the same ids again.
func TestErasedKeysListHasNoRepeats(t *testing.T) {
	l := newErasureLineage(t)
	if got := listLines(t, l.list); len(got) != 1 {
		t.Fatalf("after one erasure the list holds %q, want one line", got)
	}
	for range 3 {
		restored := filepath.Join(t.TempDir(), "restored.db")
		copyFile(t, l.before, restored)
		if !l.erasedIn(t, restored, l.list) {
			t.Fatal("restored backup shows the erased customer")
		}
	}
	if _, _, err := RecordErasures(l.list, []string{l.after, l.live}); err != nil {
		t.Fatal(err)
	}
	if got := listLines(t, l.list); len(got) != 1 {
		t.Errorf("after three restores and a merge the list holds %q, want one line", got)
	}
}

// TestErasuresListedBeforeTheFileRecordedThem: erasures made by a dangol
// from before the file kept its own record are only in the list. The next
// open writes them into the file, so its backups carry them from then on.
func TestErasuresListedBeforeTheFileRecordedThem(t *testing.T) {
	l := newErasureLineage(t)
	forgetRecords(t, l.live)
	forgetRecords(t, l.after)
	if added, _, _ := RecordErasures(filepath.Join(t.TempDir(), "x"), []string{l.after}); added != 0 {
		t.Fatalf("the stripped backup still records %d erasures", added)
	}
	s, err := Open(l.live, &Options{Key: testKey, ErasedKeys: l.list})
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "next.db")
	if err := writeBackup(s, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	list := filepath.Join(t.TempDir(), "dangol.key.erased")
	if added, _, err := RecordErasures(list, []string{backup}); err != nil || added != 1 {
		t.Fatalf("a backup made after the open records %d erasures (%v), want 1", added, err)
	}
	restored := filepath.Join(t.TempDir(), "restored.db")
	copyFile(t, l.before, restored)
	if !l.erasedIn(t, restored, list) {
		t.Error("old backup restored with the list rebuilt from a later backup shows the erased customer")
	}
}

// forgetRecords removes the erased_keys bucket from the file at path, as a
// file written before it existed.
func forgetRecords(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketErasedKeys) }); err != nil {
		t.Fatal(err)
	}
}

// TestRecordErasuresPassesOverWhatDoesNotOpen: a restore reads every file
// beside the backup; one that is not a ledger, damaged or held by a
// serving dangol is said, not fatal.
func TestRecordErasuresPassesOverWhatDoesNotOpen(t *testing.T) {
	l := newErasureLineage(t)
	notLedger := filepath.Join(l.dir, "notes.db")
	if err := os.WriteFile(notLedger, bytes.Repeat([]byte("x"), 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	held, err := Open(l.live, &Options{Key: testKey, ErasedKeys: l.list})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	list := filepath.Join(t.TempDir(), "dangol.key.erased")
	added, skipped, err := RecordErasures(list, []string{notLedger, filepath.Join(l.dir, "missing.db"), l.live, l.after})
	if err != nil || added != 1 {
		t.Fatalf("added %d (%v), want 1 from after.db", added, err)
	}
	if len(skipped) != 3 {
		t.Fatalf("skipped %v, want the three that do not open", skipped)
	}
	if !errors.Is(skipped[2], ErrLocked) {
		t.Errorf("the held file is passed over as %v, want ErrLocked", skipped[2])
	}
}

// TestReadOnlyOpenOfAFileWithoutRecords: a file from before the record, on
// a disk remounted read-only, still opens read-only as it did.
func TestReadOnlyOpenOfAFileWithoutRecords(t *testing.T) {
	l := newErasureLineage(t)
	forgetRecords(t, l.after)
	s, err := Open(l.after, &Options{Key: testKey, ErasedKeys: l.list, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer s.Close()
	if err := s.View(context.Background(), func(tx *Tx) error {
		c, err := tx.Customer(l.id)
		if err == nil && !c.Erased {
			t.Error("erased customer reads as not erased")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
