package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// copyV2 copies testdata/v2.db (schema 2: the schema-1 fixture migrated by
// the code before file keys, with testKey) into a temporary folder.
func copyV2(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v2.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dangol.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileSchema reads the schema version of an open store.
func fileSchema(t *testing.T, s *Store) uint64 {
	t.Helper()
	var v uint64
	mustView(t, s, func(tx *Tx) error { v = schemaOf(tx.bucket(bucketMeta)); return nil })
	return v
}

// newTestKey returns a fresh master key.
func newTestKey(t *testing.T) []byte {
	t.Helper()
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRotateKey: after a rotation the file opens with the new key only,
// reads as before (records, blind lookups, sessions sealed with the shop
// key), and a backup taken before still opens with the old key only.
func TestRotateKey(t *testing.T) {
	want := v1Want(t)
	for _, tt := range []struct {
		name       string
		copy       func(*testing.T) string
		schemaFrom uint64
	}{
		{"Schema2", copyV2, 2},
		{"Schema3", func(t *testing.T) string {
			path := copyFixture(t) // schema 1, migrated by Open to schema 3
			s, err := Open(path, &Options{Key: testKey})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return path
		}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.copy(t)
			s, err := Open(path, &Options{Key: testKey})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := fileSchema(t, s); got != tt.schemaFrom {
				t.Fatalf("schema %d before rotation, want %d", got, tt.schemaFrom)
			}
			if got := append(dumpLedger(t, s, v1Profiles, v1Sessions), '\n'); !bytes.Equal(got, want) {
				t.Fatalf("dump before rotation differs:\n%s", got)
			}
			backup := filepath.Join(t.TempDir(), "before.db")
			if err := writeBackup(s, backup); err != nil {
				t.Fatal(err)
			}
			next := newTestKey(t)
			if err := s.RotateKey(context.Background(), next); err != nil {
				t.Fatal(err)
			}
			if got := append(dumpLedger(t, s, v1Profiles, v1Sessions), '\n'); !bytes.Equal(got, want) {
				t.Errorf("dump right after rotation differs:\n%s", got)
			}
			if got := fileSchema(t, s); got != 3 {
				t.Errorf("schema %d after rotation, want 3", got)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			rotated, _ := os.ReadFile(path)
			if _, err := Open(path, &Options{Key: testKey}); !errors.Is(err, ErrWrongKey) {
				t.Errorf("Open with the old key: %v, want ErrWrongKey", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(rotated, after) {
				t.Error("a refused open changed the file")
			}
			s2, err := Open(path, &Options{Key: next})
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if got := append(dumpLedger(t, s2, v1Profiles, v1Sessions), '\n'); !bytes.Equal(got, want) {
				t.Errorf("dump after reopening with the new key differs:\n%s", got)
			}
			if n, err := s2.CheckSealed(context.Background(), KeyCheckSample); err != nil || n == 0 {
				t.Errorf("CheckSealed after rotation: %d opened, %v", n, err)
			}
			if err := CheckKey(backup, testKey); err != nil {
				t.Errorf("the backup from before, with the old key: %v", err)
			}
			if err := CheckKey(backup, next); !errors.Is(err, ErrWrongKey) {
				t.Errorf("the backup from before, with the new key: %v, want ErrWrongKey", err)
			}
		})
	}
}

// TestRotateKey_Twice: a second rotation (schema 3 already) works the same,
// and erasing after a rotation still shreds the customer's key.
func TestRotateKey_Twice(t *testing.T) {
	path := copyV2(t)
	s, err := Open(path, &Options{Key: testKey, ErasedKeys: filepath.Join(t.TempDir(), "erased")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k1, k2 := newTestKey(t), newTestKey(t)
	var totals []int
	s.opts.Progress = func(done, total int) {
		if done == total {
			totals = append(totals, total)
		}
	}
	for _, k := range [][]byte{k1, k2} {
		if err := s.RotateKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
	}
	// The fixture holds two live customer keys (C3 was erased in schema
	// 1 and got one too) and one sender key.
	if len(totals) != 2 || totals[0] != totals[1] || totals[0] < 3 {
		t.Errorf("progress totals %v", totals)
	}
	c := mustCustomer(t, s, "이수민", "01055554444")
	mustUpdate(t, s, func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0) })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertNotInFile(t, path, "이수민", "01055554444")
	s, err = Open(path, &Options{Key: k2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.Customer(c.ID)
		if err != nil || !got.Erased || got.Name != "" {
			t.Errorf("erased customer after rotations: %+v, %v", got, err)
		}
		found, err := tx.FindCustomers("01012345678", 5)
		if err != nil || len(found) != 1 || found[0].ID != "C1" {
			t.Errorf("phone lookup after two rotations: %v, %v", found, err)
		}
		return nil
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, k := range [][]byte{testKey, k1} {
		if _, err := Open(path, &Options{Key: k}); !errors.Is(err, ErrWrongKey) {
			t.Errorf("an earlier key opens the file: %v", err)
		}
	}
}

// TestRotateKey_Stopped: a rotation stopped at any point before its commit
// (the injected failure stands for a crash or a full disk) changes
// nothing: the store goes on with the old key, and so does the file.
func TestRotateKey_Stopped(t *testing.T) {
	want := v1Want(t)
	for _, step := range []struct {
		name string
		at   int
	}{{"rewrap", 1}, {"rewrap", 2}, {"commit", 0}} {
		t.Run(fmt.Sprintf("%s%d", step.name, step.at), func(t *testing.T) {
			path := copyV2(t)
			s, err := Open(path, &Options{Key: testKey})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			before, _ := os.ReadFile(path)
			cut := errors.New("power cut")
			s.fault = func(name string, done int) error {
				if name == step.name && done >= step.at {
					return cut
				}
				return nil
			}
			next := newTestKey(t)
			if err := s.RotateKey(context.Background(), next); !errors.Is(err, cut) {
				t.Fatalf("RotateKey: %v, want the injected failure", err)
			}
			if got := append(dumpLedger(t, s, v1Profiles, v1Sessions), '\n'); !bytes.Equal(got, want) {
				t.Errorf("the store after a stopped rotation reads differently:\n%s", got)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("a stopped rotation changed the file")
			}
			if _, err := Open(path, &Options{Key: next}); !errors.Is(err, ErrWrongKey) {
				t.Errorf("the new key opens the file after a stopped rotation: %v", err)
			}
			s, err = Open(path, &Options{Key: testKey})
			if err != nil {
				t.Fatalf("the old key after a stopped rotation: %v", err)
			}
			s.Close()
		})
	}
}

// TestRotateKey_Refused: what RotateKey refuses, changing nothing.
func TestRotateKey_Refused(t *testing.T) {
	s := MustOpen(t)
	mustCustomer(t, s, "김하늘", "01012345678")
	closed := MustOpen(t)
	closed.Close()
	tests := []struct {
		name string
		s    *Store
		key  []byte
		want error
	}{
		{"ErrNoKey", s, nil, ErrNoKey},
		{"ErrBadKey", s, testKey[:16], ErrBadKey},
		{"ErrInvalidSameKey", s, testKey, ErrInvalid},
		{"ErrClosed", closed, newTestKey(t), ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.s.RotateKey(context.Background(), tt.key); !errors.Is(err, tt.want) {
				t.Fatalf("RotateKey: %v, want %v", err, tt.want)
			}
		})
	}
	mustView(t, s, func(tx *Tx) error {
		if found, err := tx.FindCustomers("김하늘", 5); err != nil || len(found) != 1 {
			t.Errorf("after refused rotations: %v, %v", found, err)
		}
		return nil
	})
}

// TestRotateKey_DamagedKey: a wrapped data key changed on disk stops the
// rotation (it could not be re-wrapped) with ErrDamaged, changing nothing.
func TestRotateKey_DamagedKey(t *testing.T) {
	path := copyV2(t)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket(bucketKeys)
		k, v := b.Cursor().First()
		v = bytes.Clone(v)
		v[len(v)-1] ^= 1
		return b.Put(bytes.Clone(k), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, &Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RotateKey(context.Background(), newTestKey(t)); !errors.Is(err, ErrDamaged) {
		t.Fatalf("RotateKey: %v, want ErrDamaged", err)
	}
}

// TestNewDataKey_UnrotatedBucket: a data key stored in a bucket RotateKey
// does not know is refused, so no key is left behind by a rotation.
func TestNewDataKey_UnrotatedBucket(t *testing.T) {
	kr, err := newKeyring(testKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := kr.newDataKey([]byte("stamp_keys"), custKey(1)); err == nil {
		t.Fatal("newDataKey accepted a bucket that RotateKey would not re-wrap")
	}
}
