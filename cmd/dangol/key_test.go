package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

// TestKey_FirstStart: the first start makes dangol.key beside the data
// file, 0600, and tells the person to keep a copy apart from the backups;
// later starts say nothing and use it.
func TestKey_FirstStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dangol.db")
	env := map[string]string{"DANGOL_DB": db}
	// The first start as a service: serving Telegram (a fake), whose log
	// is read apart from the terminal.
	tg := newFakeTelegram(t)
	serveEnv := map[string]string{"DANGOL_DB": db, "DANGOL_TELEGRAM_TOKEN": tgToken, "DANGOL_TELEGRAM_API_URL": tg.URL(), "DANGOL_ADMIN_ADDR": "127.0.0.1:0"}
	stderr := &retrytest.Log{}
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: stderr,
		Getenv: func(k string) string { return serveEnv[k] },
	}
	srv := startServing(t, m, nil) // serving: the ledger, and its key, are open
	srv.stop()
	m.Close()
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
	if got := stderr.String(); !strings.Contains(got, notice) || !strings.Contains(got, "keep a copy apart") {
		t.Errorf("stderr lacks the console and log notice:\n%s", got)
	}
	if again := runMain(t, env, "", "export"); again.err != nil || strings.Contains(again.stderr, notice) {
		t.Errorf("second start: %v\n%s", again.err, again.stderr)
	}
	// In the console the person at the terminal is told once, in their
	// language: the log's warning would say it again, in the middle of
	// the welcome.
	fresh := filepath.Join(t.TempDir(), "dangol.db")
	c := runMain(t, map[string]string{"DANGOL_DB": fresh}, ":quit\n", "chat")
	freshNotice := testCatalog.Text("ko", "privacy.key.created", map[string]any{"Key": filepath.Join(filepath.Dir(fresh), DefaultKeyFile), "DB": fresh})
	if c.err != nil || !strings.Contains(c.stderr, freshNotice) || strings.Contains(c.stderr, "level=WARN") {
		t.Errorf("console's first start: %v, stderr\n%s\nwant the notice and no warning", c.err, c.stderr)
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
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat"); r.err != nil { // the first start
		t.Fatal(r.err)
	}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	key, _ := os.ReadFile(keyPath)
	// Another shop's ledger and key.
	otherDB := filepath.Join(t.TempDir(), "other.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": otherDB}, "", "chat"); r.err != nil { // the first start
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
	// The first start: with the key set beforehand it is a new ledger on
	// purpose (checkDataFile).
	if r := runMain(t, env, "", "chat", "--new"); r.err != nil {
		t.Fatal(r.err)
	}
	if r := runMain(t, env, "", "backup", backup); r.err != nil {
		t.Fatal(r.err)
	}
	otherDB := filepath.Join(t.TempDir(), "other.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": otherDB}, "", "chat"); r.err != nil { // its first start
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
		{"ErrUsage", db, testCatalog.Text("ko", "keys.err.usage", map[string]any{"Sub": "burn"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := "check"
			if tt.name == "ErrUsage" {
				sub = "burn"
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

// runMainWith is runMain with setup applied to the Main before it runs
// (a fault to inject, a terminal to pretend).
func runMainWith(t *testing.T, env map[string]string, setup func(*Main), args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader(""), Getenv: func(k string) string { return env[k] }}
	setup(m)
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return result{stdout.String(), stderr.String(), err}
}

// readKey reads a key file as dangol does.
func readKey(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, err := decodeKey(string(data))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// assertNoFile fails for each path that exists.
func assertNoFile(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists (%v)", p, err)
		}
	}
}

// TestKey_Rotate: dangol key rotate gives the data file a new key; the
// export is the same after (every customer readable), the old key is
// refused with the wrong-key message, a backup from before opens with the
// old key only (key check --key), and dangol.key.old goes at the next start.
func TestKey_Rotate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	oldKey := readKey(t, keyPath)
	oldCopy := filepath.Join(t.TempDir(), "old.key")
	data, _ := os.ReadFile(keyPath)
	os.WriteFile(oldCopy, data, 0o600)
	backup := filepath.Join(t.TempDir(), "before.db")
	if r := runMain(t, env, "", "backup", backup); r.err != nil {
		t.Fatal(r.err)
	}

	r := runMain(t, env, "", "key", "rotate")
	if r.err != nil {
		t.Fatal(r.err)
	}
	old := keyPath + ".old"
	if want := testCatalog.Text("ko", "keys.rotate.done", map[string]any{"DB": db, "Key": keyPath, "Old": old, "Days": oldKeyDays}); !strings.Contains(r.stdout, want) {
		t.Errorf("stdout %q lacks %q", r.stdout, want)
	}
	newKey := readKey(t, keyPath)
	if bytes.Equal(newKey, oldKey) {
		t.Fatal("the key file holds the old key")
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new key file: %v, %v", fi, err)
	}
	if !bytes.Equal(readKey(t, old), oldKey) {
		t.Error("dangol.key.old does not hold the old key")
	}
	assertNoFile(t, keyPath+".new")
	if strings.Contains(r.stdout+r.stderr, base64.StdEncoding.EncodeToString(newKey)) {
		t.Error("a rotation with a key file printed the new key")
	}

	// The next command opens with the new key and reads everything; a
	// reading command, or a start before oldKeyDays, keeps the old key:
	// the owner may not have copied it yet.
	r = runMain(t, env, "", "export")
	if r.err != nil {
		t.Fatal(r.err)
	}
	assertGolden(t, filepath.Join("testdata", "export-json.golden"), r.stdout)
	removed := testCatalog.Text("ko", "keys.rotate.old_removed", map[string]any{"Old": old, "Days": oldKeyDays})
	later := func(days int) func(*Main) {
		at := time.Now().AddDate(0, 0, days)
		return func(m *Main) { m.Now = func() time.Time { return at } }
	}
	for _, run := range []struct {
		name  string
		setup func(*Main)
		args  []string
	}{
		{"export a month later", later(oldKeyDays + 1), []string{"export"}},
		{"summary a month later", later(oldKeyDays + 1), []string{"summary"}},
		{"chat the next day", later(1), []string{"chat"}},
	} {
		if r := runMainWith(t, env, run.setup, run.args...); r.err != nil || strings.Contains(r.stderr, removed) {
			t.Errorf("%s: %v\n%s", run.name, r.err, r.stderr)
		}
		if _, err := os.Stat(old); err != nil {
			t.Fatalf("%s removed the old key: %v", run.name, err)
		}
	}
	// The first start of chat (or serve) oldKeyDays on removes it and says so.
	r = runMainWith(t, env, later(oldKeyDays), "chat")
	if r.err != nil || !strings.Contains(r.stderr, removed) {
		t.Errorf("chat %d days on: %v, want %q in\n%s", oldKeyDays, r.err, removed, r.stderr)
	}
	assertNoFile(t, old)

	rotated, _ := os.ReadFile(db)
	r = runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_KEY_FILE": oldCopy}, "", "export")
	if want := testCatalog.Text("ko", "privacy.err.wrong_key", map[string]any{"Key": oldCopy, "DB": db}); r.err == nil || r.err.Error() != want {
		t.Errorf("export with the old key: %v, want %q", r.err, want)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(rotated, after) {
		t.Error("a refused open changed the data file")
	}

	r = runMain(t, env, "", "key", "check", "--key", oldCopy, backup)
	if want := testCatalog.Text("ko", "privacy.key.check_ok", map[string]any{"Key": oldCopy, "DB": backup}); r.err != nil || !strings.Contains(r.stdout, want) {
		t.Errorf("key check --key old backup: %v %q, want %q", r.err, r.stdout, want)
	}
	r = runMain(t, env, "", "key", "check", backup)
	if want := testCatalog.Text("ko", "privacy.err.wrong_key", map[string]any{"Key": keyPath, "DB": backup}); r.err == nil || r.err.Error() != want {
		t.Errorf("key check of the old backup with the new key: %v, want %q", r.err, want)
	}
	r = runMain(t, env, "", "restore", "--force", backup)
	if want := testCatalog.Text("ko", "keys.restore.wrong_key", map[string]any{"From": backup, "Key": keyPath, "DB": db}); r.err == nil || r.err.Error() != want {
		t.Errorf("restore of the old backup: %v, want %q", r.err, want)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(rotated, after) {
		t.Error("a refused restore changed the data file")
	}
}

// TestKey_RotateEnv: with DANGOL_KEY the new key is printed once, with its
// warning, and no file is written.
func TestKey_RotateEnv(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	oldKey, _ := ledger.NewKey()
	oldB64 := base64.StdEncoding.EncodeToString(oldKey)
	env := map[string]string{"DANGOL_DB": db, "DANGOL_KEY": oldB64, "DANGOL_LANG": "en"}
	// The first start: with the key set beforehand it is a new ledger on
	// purpose (checkDataFile).
	if r := runMain(t, env, "", "chat", "--new"); r.err != nil {
		t.Fatal(r.err)
	}
	before, _ := os.ReadDir(dir)
	r := runMain(t, env, "", "key", "rotate")
	if r.err != nil {
		t.Fatal(r.err)
	}
	lines := strings.Split(r.stdout, "\n")
	var newB64 string
	for i, l := range lines {
		if strings.HasSuffix(l, "at once:") && i+1 < len(lines) {
			newB64 = lines[i+1]
		}
	}
	newKey, err := decodeKey(newB64)
	if err != nil {
		t.Fatalf("no new key in stdout %q: %v", r.stdout, err)
	}
	for _, want := range []string{
		testCatalog.Text("en", "keys.rotate.env_key", map[string]any{"Key": newB64}),
		testCatalog.Text("en", "keys.rotate.env_done", map[string]any{"DB": db}),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout %q lacks %q", r.stdout, want)
		}
	}
	if strings.Count(r.stdout+r.stderr, newB64) != 1 {
		t.Error("the new key is not printed exactly once")
	}
	if strings.Contains(r.stderr, newB64) {
		t.Error("the new key went to the log")
	}
	if after, _ := os.ReadDir(dir); len(after) != len(before) {
		t.Errorf("files before %v, after %v", before, after)
	}
	env["DANGOL_KEY"] = base64.StdEncoding.EncodeToString(newKey)
	if r := runMain(t, env, "", "export"); r.err != nil {
		t.Errorf("export with the new key: %v", r.err)
	}
	env["DANGOL_KEY"] = oldB64
	if r := runMain(t, env, "", "export"); !errors.Is(r.err, ledger.ErrWrongKey) {
		t.Errorf("export with the old key: %v", r.err)
	}
}

// TestKey_RotateRefused: a rotation without the key, with another file's
// key, on a file a dangol holds, without a data file or with wrong
// arguments is refused with its message, and nothing changes.
func TestKey_RotateRefused(t *testing.T) {
	t.Parallel() // its own data files; most of its time is waiting out a lock's timeout
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	keyPath := filepath.Join(dir, DefaultKeyFile)
	otherDB := filepath.Join(t.TempDir(), "other.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": otherDB}, "", "chat"); r.err != nil { // the first start
		t.Fatal(r.err)
	}
	otherKey := filepath.Join(filepath.Dir(otherDB), DefaultKeyFile)
	missing := filepath.Join(t.TempDir(), "gone.key")
	noDB := filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		hold bool
		want string
	}{
		{"ErrNoKey", map[string]string{"DANGOL_KEY_FILE": missing}, []string{"key", "rotate"}, false,
			testCatalog.Text("ko", "privacy.err.key_missing", map[string]any{"Key": missing, "DB": db})},
		{"ErrWrongKey", map[string]string{"DANGOL_KEY_FILE": otherKey}, []string{"key", "rotate"}, false,
			testCatalog.Text("ko", "privacy.err.wrong_key", map[string]any{"Key": otherKey, "DB": db})},
		{"ErrLocked", map[string]string{}, []string{"key", "rotate"}, true,
			testCatalog.Text("ko", "appliance.locked", map[string]any{"DB": db})},
		{"ErrNoDataFile", map[string]string{"DANGOL_DB": noDB}, []string{"key", "rotate"}, false,
			testCatalog.Text("ko", "keys.rotate.no_db", map[string]any{"DB": noDB})},
		{"ErrArgs", map[string]string{}, []string{"key", "rotate", db}, false,
			testCatalog.Text("ko", "keys.err.args", map[string]any{"Sub": "rotate", "Want": 0, "Got": 1})},
		{"ErrKeyFlag", map[string]string{}, []string{"key", "rotate", "--key", otherKey}, false,
			testCatalog.Text("ko", "keys.err.key_flag", nil)},
		// No sub-command: the usage, not "unknown command: ".
		{"ErrNoSub", map[string]string{}, []string{"key"}, false,
			testCatalog.Text("ko", "keys.err.no_sub", nil)},
		{"ErrUnknownSub", map[string]string{}, []string{"key", "frob"}, false,
			testCatalog.Text("ko", "keys.err.usage", map[string]any{"Sub": "frob"})},
		// The key file given where the file to check goes: not a data
		// file, rather than "damaged".
		{"ErrCheckNotLedger", map[string]string{}, []string{"key", "check", keyPath}, false,
			testCatalog.Text("ko", "privacy.err.check_not_ledger", map[string]any{"DB": keyPath})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env["DANGOL_DB"] == "" {
				tt.env["DANGOL_DB"] = db
			}
			if tt.hold {
				s, err := ledger.Open(db, testLedgerOptions(t, db))
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
			}
			before, _ := os.ReadFile(db)
			key, _ := os.ReadFile(keyPath)
			r := runMain(t, tt.env, "", tt.args...)
			if r.err == nil || r.err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", r.err, tt.want)
			}
			if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
				t.Error("the data file changed")
			}
			if after, _ := os.ReadFile(keyPath); !bytes.Equal(key, after) {
				t.Error("the key file changed")
			}
			assertNoFile(t, keyPath+".new", keyPath+".old", missing, noDB)
		})
	}
}

// TestKey_RotateCrash: a rotation stopped at each step (as by a crash:
// nothing after the step runs) leaves a state the next start opens, with
// one of the two keys, every customer readable; it settles the key files.
func TestKey_RotateCrash(t *testing.T) {
	tests := []struct {
		step      string
		committed bool // the data file was rotated before the crash
		finished  bool // the next start must move the new key in place
	}{
		{"key written", false, false},
		{"committed", true, true},
		{"old key kept", true, true},
		{"renamed", true, false},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.step, " ", "_"), func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "shop.db")
			seed(t, db)
			env := map[string]string{"DANGOL_DB": db}
			keyPath := filepath.Join(dir, DefaultKeyFile)
			oldKey := readKey(t, keyPath)
			crash := errors.New("power cut")
			r := runMainWith(t, env, func(m *Main) {
				m.keyFault = func(step string) error {
					if step == tt.step {
						return crash
					}
					return nil
				}
			}, "key", "rotate")
			if !errors.Is(r.err, crash) {
				t.Fatalf("rotate: %v, want the crash", r.err)
			}
			var newKey []byte
			if tt.step != "renamed" {
				newKey = readKey(t, keyPath+".new")
			} else {
				newKey = readKey(t, keyPath)
			}

			r = runMain(t, env, "", "export")
			if r.err != nil {
				t.Fatalf("the start after the crash: %v\n%s", r.err, r.stderr)
			}
			assertGolden(t, filepath.Join("testdata", "export-json.golden"), r.stdout)
			finished := testCatalog.Text("ko", "keys.rotate.finished", map[string]any{"DB": db, "Key": keyPath, "Old": keyPath + ".old"})
			if got := strings.Contains(r.stderr, finished); got != tt.finished {
				t.Errorf("finish notice shown %v, want %v:\n%s", got, tt.finished, r.stderr)
			}
			want := oldKey
			if tt.committed {
				want = newKey
			}
			if got := readKey(t, keyPath); !bytes.Equal(got, want) {
				t.Errorf("after the start the key file holds the %s key", map[bool]string{true: "old", false: "new"}[bytes.Equal(got, oldKey)])
			}
			assertNoFile(t, keyPath+".new")
			if tt.finished && !bytes.Equal(readKey(t, keyPath+".old"), oldKey) {
				t.Error("the finished rotation did not keep the old key")
			}
			// The start after that one has nothing left to settle but the
			// old key, kept for oldKeyDays.
			if r := runMain(t, env, "", "export"); r.err != nil {
				t.Fatal(r.err)
			}
			assertNoFile(t, keyPath+".new")
			if _, err := os.Stat(keyPath + ".old"); (err == nil) != tt.committed {
				t.Errorf("old key kept: %v, want %t", err, tt.committed)
			}
		})
	}
}

// TestKey_RotateFailed: a rotation whose transaction fails (a wrapped data
// key changed on disk cannot be re-wrapped) says so, and the data file
// still opens with the key file; the new key it wrote is gone.
func TestKey_RotateFailed(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	bdb, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket([]byte("keys"))
		k, v := b.Cursor().First()
		v = bytes.Clone(v)
		v[len(v)-1] ^= 1
		return b.Put(bytes.Clone(k), v)
	})
	bdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	key, _ := os.ReadFile(keyPath)
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "key", "rotate")
	want := testCatalog.Text("ko", "keys.rotate.failed", map[string]any{"DB": db, "Key": keyPath, "Err": "X"})
	want = want[:strings.Index(want, "X")]
	if !errors.Is(r.err, ledger.ErrDamaged) || !strings.HasPrefix(r.err.Error(), want) {
		t.Fatalf("err = %v, want %q…", r.err, want)
	}
	if after, _ := os.ReadFile(keyPath); !bytes.Equal(key, after) {
		t.Error("the key file changed")
	}
	assertNoFile(t, keyPath+".new", keyPath+".old")
	// Opening writes bbolt's meta page, so the file is not compared byte
	// for byte: it still opens with the key file.
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "key", "check", db); !errors.Is(r.err, ledger.ErrDamaged) {
		t.Errorf("key check after the failed rotation: %v, want the damage found again, not a wrong key", r.err)
	}
}

// TestKeyCheck_OtherFolder: key check of a file in another folder, run
// where there is no data file and so no key, names the file asked about and
// the key file looked for, and the --key beside the file that would check
// it; that --key then does.
func TestKeyCheck_OtherFolder(t *testing.T) {
	t.Parallel() // its own folders and Main
	here, there := t.TempDir(), t.TempDir()
	file := filepath.Join(there, "dangol.db")
	seed(t, file)
	db := filepath.Join(here, "dangol.db") // not there, nor its key
	env := map[string]string{"DANGOL_DB": db}
	beside := filepath.Join(there, DefaultKeyFile)
	r := runMain(t, env, "", "key", "check", file)
	want := testCatalog.Text("ko", "keys.err.check_no_key", map[string]any{"DB": file, "Key": filepath.Join(here, DefaultKeyFile), "Beside": beside})
	if r.err == nil || r.err.Error() != want {
		t.Errorf("err = %v, want %q", r.err, want)
	}
	if r := runMain(t, env, "", "key", "check", "--key", beside, file); r.err != nil {
		t.Errorf("the --key it named does not check the file: %v", r.err)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("key check made a data file")
	}
}

// TestDecodeKey_Forms: a key file the owner opened and saved again in an
// editor still opens: a line ending of Windows, spaces, no final newline,
// and the byte-order mark old Notepad put before UTF-8.
func TestDecodeKey_Forms(t *testing.T) {
	key := bytes.Repeat([]byte{7}, ledger.KeySize)
	b64 := base64.StdEncoding.EncodeToString(key)
	tests := []struct{ name, text string }{
		{"LF", b64 + "\n"},
		{"CRLF", b64 + "\r\n"},
		{"NoNewline", b64},
		{"Spaces", "  " + b64 + " \n"},
		{"BOM", "\ufeff" + b64 + "\r\n"},
		{"BOMThenSpace", "\ufeff " + b64 + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeKey(tt.text)
			if err != nil || !bytes.Equal(got, key) {
				t.Errorf("decodeKey(%q) = %x, %v", tt.text, got, err)
			}
		})
	}
}

// TestKey_FirstStartJSONLog: with DANGOL_LOG_FORMAT=json every line on
// stderr is a JSON record, the first start's key notice too (in its
// "notice" field), so a log collector is not broken by plain text.
func TestKey_FirstStartJSONLog(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dangol.db")
	r := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_LOG_FORMAT": "json"}, ":quit\n", "chat")
	if r.err != nil {
		t.Fatal(r.err)
	}
	notice := testCatalog.Text("ko", "privacy.key.created", map[string]any{"Key": filepath.Join(filepath.Dir(db), DefaultKeyFile), "DB": db})
	found := false
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("stderr line is not JSON: %q", line)
			continue
		}
		found = found || rec["notice"] == notice
	}
	if !found {
		t.Errorf("no record with the key notice in:\n%s", r.stderr)
	}
}

// TestKey_OldKeyPutBack: the owner puts the key from before a rotation
// back in dangol.key; the message says it is the old key and that the new
// one opens the file, instead of "use the key this file was made with".
func TestKey_OldKeyPutBack(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	if r := runMain(t, env, "", "key", "rotate"); r.err != nil {
		t.Fatal(r.err)
	}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	oldData, _ := os.ReadFile(keyPath + ".old")
	if err := os.WriteFile(keyPath, oldData, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, env, "", "export")
	if want := testCatalog.Text("ko", "keys.err.rotated_old", map[string]any{"Key": keyPath, "DB": db, "Old": keyPath + ".old"}); r.err == nil || r.err.Error() != want {
		t.Errorf("err = %v, want %q", r.err, want)
	}
}

// TestKey_RotateTwice: a second rotation within the first one's 30 days
// keeps the first one's old key aside instead of deleting it, so a backup
// made before both still opens with a key on disk.
func TestKey_RotateTwice(t *testing.T) {
	t.Parallel() // its own folder and Main
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	pre := filepath.Join(dir, "pre.bak")
	if r := runMain(t, env, "", "backup", pre); r.err != nil {
		t.Fatal(r.err)
	}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	first, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := runMain(t, env, "", "key", "rotate"); r.err != nil {
			t.Fatal(r.err)
		}
	}
	aside, _ := filepath.Glob(keyPath + ".old-*")
	if len(aside) != 1 {
		t.Fatalf("keys kept aside: %q, want the first rotation's", aside)
	}
	if b, _ := os.ReadFile(aside[0]); !bytes.Equal(b, first) {
		t.Errorf("%s is not the key from before the first rotation", aside[0])
	}
	if r := runMain(t, env, "", "key", "check", "--key", aside[0], pre); r.err != nil {
		t.Errorf("the backup from before both rotations does not open with %s: %v", aside[0], r.err)
	}
}
