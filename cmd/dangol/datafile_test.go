package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangol/dangol/feedback/charttest"
)

// TestDataFile_EmptyOrMissing: a data file of zero bytes, and a missing one
// whose key file is there, are refused by every command that opens the
// ledger, in the shop's language, and nothing is made or changed; --new
// makes the new ledger on purpose; a first start (no key, no file) still
// just works.
func TestDataFile_EmptyOrMissing(t *testing.T) {
	t.Parallel() // its own folders and Main
	sheet := filepath.Join(t.TempDir(), "명부.csv")
	if err := os.WriteFile(sheet, []byte("이름,전화번호\n김하늘,010-1234-5678\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	commands := [][]string{
		{"chat"}, {"serve"}, {"export"}, {"summary"}, {"backup", filepath.Join(t.TempDir(), "b.bak")}, {"migrate"}, {"import", sheet}, {"key", "rotate"},
	}
	t.Run("ErrEmpty", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "dangol.db")
		seed(t, db) // its key file, beside it
		if err := os.WriteFile(db, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		backups := filepath.Join(dir, "backups")
		for _, args := range commands {
			r := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_BACKUP_DIR": backups}, "", args...)
			want := testCatalog.Text("ko", "cli.err.db_empty", map[string]any{"DB": db, "Abs": db, "BackupDir": backups})
			if r.err == nil || r.err.Error() != want {
				t.Errorf("%q: err = %v, want %q", args, r.err, want)
			}
			if fi, err := os.Stat(db); err != nil || fi.Size() != 0 {
				t.Fatalf("%q: the empty file was changed (%v, %v)", args, fi, err)
			}
		}
		if !strings.Contains(testCatalog.Text("ko", "cli.err.db_empty", map[string]any{"DB": db, "Abs": db, "BackupDir": backups}), "dangol restore") {
			t.Error("the refusal does not say how to restore")
		}
		// What the refusal says to start over with works.
		if r := runMain(t, map[string]string{"DANGOL_DB": db}, ":quit\n", "chat", "--new"); r.err != nil {
			t.Fatalf("chat --new on the empty file: %v", r.err)
		}
		if fi, err := os.Stat(db); err != nil || fi.Size() == 0 {
			t.Errorf("chat --new left no ledger (%v, %v)", fi, err)
		}
	})
	t.Run("ErrMissingWithKey", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "dangol.db")
		seed(t, db)
		if err := os.Remove(db); err != nil { // moved, or a share not mounted yet
			t.Fatal(err)
		}
		for _, args := range commands {
			r := runMain(t, map[string]string{"DANGOL_DB": db}, "", args...)
			if r.err == nil {
				t.Errorf("%q: a missing data file with its key there was accepted", args)
			}
			if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("%q: a data file was made: %v", args, err)
			}
		}
		for _, args := range [][]string{{"chat"}, {"serve"}} {
			r := runMain(t, map[string]string{"DANGOL_DB": db}, "", args...)
			want := testCatalog.Text("ko", "cli.err.db_missing_key", map[string]any{"DB": db, "Abs": db, "Dir": dir, "Key": filepath.Join(dir, DefaultKeyFile)})
			if r.err == nil || r.err.Error() != want {
				t.Errorf("%q: err = %v, want %q", args, r.err, want)
			}
		}
		if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat", "--new"); r.err != nil {
			t.Fatalf("chat --new: %v", r.err)
		}
		if _, err := os.Stat(db); err != nil {
			t.Errorf("chat --new made no data file: %v", err)
		}
	})
	t.Run("ErrMissingWithEnvKey", func(t *testing.T) {
		// The key in the environment (a service's secret), no key file:
		// the key still says a ledger was sealed with it.
		dir := t.TempDir()
		db := filepath.Join(dir, "dangol.db")
		seed(t, db)
		key, err := os.ReadFile(filepath.Join(dir, DefaultKeyFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{db, filepath.Join(dir, DefaultKeyFile)} {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
		env := map[string]string{"DANGOL_DB": db, "DANGOL_KEY": strings.TrimSpace(string(key))}
		for _, args := range commands {
			r := runMain(t, env, "", args...)
			if r.err == nil {
				t.Errorf("%q: a missing data file with DANGOL_KEY set was accepted", args)
			}
			if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("%q: a data file was made: %v", args, err)
			}
		}
		for _, args := range [][]string{{"chat"}, {"serve"}} {
			r := runMain(t, env, "", args...)
			want := testCatalog.Text("ko", "cli.err.db_missing_env_key", map[string]any{"DB": db, "Abs": db, "Dir": dir})
			if r.err == nil || r.err.Error() != want {
				t.Errorf("%q: err = %v, want %q", args, r.err, want)
			}
		}
		if r := runMain(t, env, "", "chat", "--new"); r.err != nil {
			t.Fatalf("chat --new: %v", r.err)
		}
		if _, err := os.Stat(db); err != nil {
			t.Errorf("chat --new made no data file: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, DefaultKeyFile)); err == nil {
			t.Error("chat --new with DANGOL_KEY wrote a key file")
		}
	})
	t.Run("OKFirstStart", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "dangol.db")
		if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat"); r.err != nil {
			t.Fatal(r.err)
		}
		if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export"); r.err != nil {
			t.Fatal(r.err)
		}
	})
}

// TestDataFile_ReadOnly: a data file this user may not write is refused by
// chat in the shop's language, saying it is read-only and how to fix it,
// where it stopped with an English "permission denied"; export, backup
// and summary, which only read, open it read-only and say so once, and so
// they do a file on a disk the system made read-only (a failing disk),
// which stopped them with "cannot write": exactly when the shop needs its
// data out. Nothing is written to the file. Root writes any file, so the
// probe refuses the way the system refuses another user, or the way a
// read-only disk does.
func TestDataFile_ReadOnly(t *testing.T) {
	t.Parallel() // its own folders and Mains
	for _, tc := range []struct {
		name  string
		errno error
		warn  string
	}{
		{"File", fs.ErrPermission, "cli.warn.db_read_only_file"},
		{"Disk", readOnlyErrnos[0], "cli.warn.db_read_only_disk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "dangol.db")
			seed(t, db)
			if err := os.Chmod(db, 0o400); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			openRW := func(path string) (*os.File, error) {
				return nil, &fs.PathError{Op: "open", Path: path, Err: tc.errno}
			}
			refused := testCatalog.Text("ko", "cli.err.db_read_only", map[string]any{"DB": db, "Abs": db})
			warn := testCatalog.Text("ko", tc.warn, map[string]any{"DB": db, "Key": filepath.Join(dir, DefaultKeyFile)})
			commands := [][]string{{"export"}, {"summary"}, {"backup", filepath.Join(dir, "b.bak")}}
			if tc.name == "File" {
				// On a read-only disk opening it for writing says so
				// (cli.err.os.read_only), which the probe cannot show.
				commands = append(commands, []string{"chat"})
			}
			for _, args := range commands {
				var stdout, stderr bytes.Buffer
				m := &Main{
					Catalog: testCatalog, Chart: charttest.Stub,
					Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
					Getenv: func(k string) string { return map[string]string{"DANGOL_DB": db}[k] },
					OpenRW: openRW,
				}
				err := m.Run(context.Background(), args)
				m.Close()
				switch {
				case args[0] == "chat":
					if err == nil || err.Error() != refused {
						t.Errorf("%q: err = %v, want %q", args, err, refused)
					}
				case err != nil:
					t.Errorf("%q: %v", args, err)
				case strings.Count(stderr.String(), warn) != 1:
					t.Errorf("%q: stderr %q, want once %q", args, stderr.String(), warn)
				}
				if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
					t.Fatalf("%q wrote to the read-only data file", args)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "b.bak")); err != nil {
				t.Errorf("no backup: %v", err)
			}
		})
	}
}

// TestDataFile_ReadOnlyNeedsWrite: a data file on a read-only disk that
// opening must write to (here one from before encryption, which opening
// migrates) is refused by export in the shop's language, saying to copy
// it to a writable disk, and is left as it was.
func TestDataFile_ReadOnlyNeedsWrite(t *testing.T) {
	t.Parallel() // its own folder and Main
	db := copyV1(t)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	r := runMainWith(t, map[string]string{"DANGOL_DB": db}, func(m *Main) {
		m.OpenRW = func(path string) (*os.File, error) {
			return nil, &fs.PathError{Op: "open", Path: path, Err: readOnlyErrnos[0]}
		}
	}, "export")
	want := testCatalog.Text("ko", "cli.err.db_read_only_needs_write", map[string]any{"DB": db, "Key": filepath.Join(filepath.Dir(db), DefaultKeyFile)})
	if r.err == nil || r.err.Error() != want {
		t.Errorf("export: err = %v, want %q", r.err, want)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
		t.Error("the data file changed")
	}
}
