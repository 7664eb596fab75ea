package ledger

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// copyFixture copies testdata/v1.db (schema 1, written by the code before
// sealing) into a temporary folder.
func copyFixture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dangol.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// v1Want is the dump of the schema-1 fixture as its code gave it, with the
// one change sealing brings on purpose: the name index now has suffixes,
// so "Park" finds Jane Park (C2).
func v1Want(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v1.dump.json"))
	if err != nil {
		t.Fatal(err)
	}
	old := []byte(`  "Found": {
    "01012345678": [
      "C1"
    ],
    "5678": [
      "C1",
      "C2"
    ],
    "C2": [
      "C2"
    ],`)
	if !bytes.Contains(b, old) {
		t.Fatal("testdata/v1.dump.json is not the one this test knows")
	}
	return bytes.Replace(b, old, append(bytes.Clone(old), `
    "Park": [
      "C2"
    ],`...), 1)
}

func TestMigrate(t *testing.T) {
	want := v1Want(t)
	t.Run("LosesNothing", func(t *testing.T) {
		path := copyFixture(t)
		s, err := Open(path, &Options{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		got := append(dumpLedger(t, s, v1Profiles, v1Sessions), '\n')
		if !bytes.Equal(got, want) {
			t.Errorf("dump after migration differs from the one of schema 1:\n%s", got)
		}
		assertNotInFile(t, path, "김하늘", "01012345678", "따뜻한 물 선호", "두피 민감", "telegram:424242", "커트 상담",
			"대기가 길었어요", "익명 의견입니다", "커트 구매", "반쯤 쓴 메모", "815887")
		mustView(t, s, func(tx *Tx) error {
			if v := tx.bucket(bucketMeta).Get(metaSchema); len(v) != 8 || v[7] != SchemaVersion {
				t.Errorf("schema %v", v)
			}
			return nil
		})
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("files beside the ledger after migration: %v", entries)
		}
	})
	t.Run("ReopenedAfterMigration", func(t *testing.T) {
		path := copyFixture(t)
		for range 2 {
			s, err := Open(path, &Options{Key: testKey})
			if err != nil {
				t.Fatal(err)
			}
			got := append(dumpLedger(t, s, v1Profiles, v1Sessions), '\n')
			s.Close()
			if !bytes.Equal(got, want) {
				t.Fatal("dump differs after reopening")
			}
		}
	})
	t.Run("StoppedHalfWay", func(t *testing.T) {
		path := copyFixture(t)
		before, _ := os.ReadFile(path)
		chunk := migrateChunk
		migrateChunk = 2
		stop := errors.New("power cut")
		migrateFault = func(done int) error {
			if done >= 10 {
				return stop
			}
			return nil
		}
		defer func() { migrateChunk, migrateFault = chunk, nil }()
		if _, err := Open(path, &Options{Key: testKey}); !errors.Is(err, stop) {
			t.Fatalf("Open: %v, want the injected failure", err)
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(before, after) {
			t.Fatal("the schema-1 file changed")
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("files left beside the ledger: %v", entries)
		}
		migrateFault = nil
		s, err := Open(path, &Options{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got := append(dumpLedger(t, s, v1Profiles, v1Sessions), '\n'); !bytes.Equal(got, want) {
			t.Error("dump differs after a migration that was stopped and run again")
		}
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		path := copyFixture(t)
		before, _ := os.ReadFile(path)
		if _, err := Open(path, nil); !errors.Is(err, ErrNoKey) {
			t.Fatalf("Open: %v, want ErrNoKey", err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Error("the file changed")
		}
	})
}
