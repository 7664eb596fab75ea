package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// TestKey_FirstStart: the first start makes dangol.key beside the data
// file, 0600, and tells the person to keep a copy apart from the backups;
// later starts say nothing and use it.
func TestKey_FirstStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dangol.db")
	env := map[string]string{"DANGOL_DB": db}
	r := runMain(t, env, "", "export")
	if r.err != nil {
		t.Fatal(r.err)
	}
	keyPath := filepath.Join(filepath.Dir(db), DefaultKeyFile)
	fi, err := os.Stat(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(keyPath)
	if key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data))); err != nil || len(key) != ledger.KeySize {
		t.Errorf("key file holds %q", data)
	}
	notice := testCatalog.Text("ko", "privacy.key.created", map[string]any{"Key": keyPath, "DB": db})
	if !strings.Contains(r.stderr, notice) || !strings.Contains(r.stderr, "keep a copy apart") {
		t.Errorf("stderr lacks the console and log notice:\n%s", r.stderr)
	}
	r = runMain(t, env, "", "export")
	if r.err != nil || strings.Contains(r.stderr, notice) {
		t.Errorf("second start: %v\n%s", r.err, r.stderr)
	}
	if again, _ := os.ReadFile(keyPath); !bytes.Equal(again, data) {
		t.Error("the key changed on the second start")
	}
}

// TestKey_Errors: a wrong key, a missing key file, a truncated one and a
// key of another file each fail at open with a clear, localised message,
// and leave the data file byte for byte as it was.
func TestKey_Errors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export"); r.err != nil {
		t.Fatal(r.err)
	}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	key, _ := os.ReadFile(keyPath)
	// Another shop's ledger and key.
	otherDB := filepath.Join(t.TempDir(), "other.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": otherDB}, "", "export"); r.err != nil {
		t.Fatal(r.err)
	}
	otherKey := filepath.Join(filepath.Dir(otherDB), DefaultKeyFile)
	otherB64, _ := os.ReadFile(otherKey)
	truncated := filepath.Join(t.TempDir(), "truncated.key")
	os.WriteFile(truncated, key[:len(key)/2], 0o600)
	missing := filepath.Join(t.TempDir(), "gone.key")

	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"ErrWrongKey", map[string]string{"DANGOL_KEY": strings.TrimSpace(string(otherB64))},
			testCatalog.Text("ko", "privacy.err.wrong_key", map[string]any{"Key": "DANGOL_KEY", "DB": db})},
		{"ErrKeyOfAnotherFile", map[string]string{"DANGOL_KEY_FILE": otherKey},
			testCatalog.Text("ko", "privacy.err.wrong_key", map[string]any{"Key": otherKey, "DB": db})},
		{"ErrKeyFileMissing", map[string]string{"DANGOL_KEY_FILE": missing},
			testCatalog.Text("ko", "privacy.err.key_missing", map[string]any{"Key": missing, "DB": db})},
		{"ErrKeyFileTruncated", map[string]string{"DANGOL_KEY_FILE": truncated},
			testCatalog.Text("ko", "privacy.err.key_bad", map[string]any{"Key": truncated})},
		{"ErrKeyEnv", map[string]string{"DANGOL_KEY": "c2hvcnQ="}, testCatalog.Text("ko", "privacy.err.key_env", nil)},
		{"ErrWrongKeyEnglish", map[string]string{"DANGOL_KEY_FILE": otherKey, "DANGOL_LANG": "en"},
			testCatalog.Text("en", "privacy.err.wrong_key", map[string]any{"Key": otherKey, "DB": db})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["DANGOL_DB"] = db
			r := runMain(t, tt.env, "", "export")
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", r.err, tt.want)
			}
			if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
				t.Error("the data file changed")
			}
			if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
				t.Error("a new key was made for a sealed file")
			}
		})
	}
}

// TestKey_MigratesOldFile: a data file of the schema before sealing is
// encrypted on the first start with a key, and reads the same.
func TestKey_MigratesOldFile(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("..", "..", "ledger", "testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "dangol.db")
	if err := os.WriteFile(db, old, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export")
	if r.err != nil {
		t.Fatal(r.err)
	}
	keyPath := filepath.Join(filepath.Dir(db), DefaultKeyFile)
	if want := testCatalog.Text("ko", "privacy.key.created_migrating", map[string]any{"Key": keyPath, "DB": db}); !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks the migration notice:\n%s", r.stderr)
	}
	for _, v := range []string{"김하늘", "01012345678", "두피 민감", "커트 상담, 다음엔 펌", "대기가 길었어요"} {
		if !strings.Contains(r.stdout, v) {
			t.Errorf("export lacks %q", v)
		}
	}
	data, _ := os.ReadFile(db)
	for _, v := range []string{"김하늘", "01012345678", "두피 민감"} {
		if bytes.Contains(data, []byte(v)) {
			t.Errorf("migrated file still holds %q", v)
		}
	}
	if !bytes.Contains(old, []byte("김하늘")) {
		t.Error("the fixture holds no clear name: the test proves nothing")
	}
}

// TestKey_Check: dangol key check says whether the data file's key opens
// a file (the data file, a backup, another shop's file, one not encrypted
// yet), in the shop's language.
func TestKey_Check(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	env := map[string]string{"DANGOL_DB": db}
	backup := filepath.Join(dir, "backup.db")
	if r := runMain(t, env, "", "backup", backup); r.err != nil {
		t.Fatal(r.err)
	}
	otherDB := filepath.Join(t.TempDir(), "other.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": otherDB}, "", "export"); r.err != nil {
		t.Fatal(r.err)
	}
	old := filepath.Join(t.TempDir(), "v1.db")
	fixture, _ := os.ReadFile(filepath.Join("..", "..", "ledger", "testdata", "v1.db"))
	os.WriteFile(old, fixture, 0o600)
	keyPath := filepath.Join(dir, DefaultKeyFile)
	tests := []struct {
		name, file string
		want       string // in stdout, or in the error
		ok         bool
	}{
		{"OK", db, testCatalog.Text("ko", "privacy.key.check_ok", map[string]any{"Key": keyPath, "DB": db}), true},
		{"OKBackup", backup, testCatalog.Text("ko", "privacy.key.check_ok", map[string]any{"Key": keyPath, "DB": backup}), true},
		{"ErrWrongKey", otherDB, testCatalog.Text("ko", "privacy.err.wrong_key", map[string]any{"Key": keyPath, "DB": otherDB}), false},
		{"ErrNotSealed", old, testCatalog.Text("ko", "privacy.err.not_sealed", map[string]any{"DB": old}), false},
		{"ErrUsage", db, testCatalog.Text("ko", "privacy.err.key_usage", map[string]any{"Sub": "rotate"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := "check"
			if tt.name == "ErrUsage" {
				sub = "rotate"
			}
			before, _ := os.ReadFile(tt.file)
			r := runMain(t, env, "", "key", sub, tt.file)
			switch {
			case tt.ok && (r.err != nil || !strings.Contains(r.stdout, tt.want)):
				t.Errorf("stdout %q, err %v; want %q", r.stdout, r.err, tt.want)
			case !tt.ok && (r.err == nil || !strings.Contains(r.err.Error(), tt.want)):
				t.Errorf("err %v; want %q", r.err, tt.want)
			}
			if after, _ := os.ReadFile(tt.file); !bytes.Equal(before, after) {
				t.Error("key check changed the file")
			}
		})
	}
}
