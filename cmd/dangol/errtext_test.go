package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode"
)

// TestDamageDetail: the "자세히:" line under a damaged-file message names
// what was found, in plain words: not the words of a recovered panic,
// not the bytes of a broken page, not the file's name again.
func TestDamageDetail(t *testing.T) {
	tests := []struct {
		name, err, path, want string
	}{
		{"Panic", "ledger: data file is damaged: f/dangol.db: panic: assertion failed: Page expected to be: 0, but self identifies as 18446744073709551615", "f/dangol.db",
			"Page expected to be: 0, but self identifies as 18446744073709551615"},
		{"ControlCharacter", "ledger: data file is damaged: f/dangol.db: invalid freelist page: 9, page type is unknown\uffef\x01", "f/dangol.db",
			"invalid freelist page: 9, page type is unknown"},
		{"Lines", "ledger: data file is damaged: x.db: a\nb\tc", "x.db", "a b c"},
		{"WrappedTwice", "ledger: open g.db: ledger: data file is damaged: the schema field reads 5898243, which no dangol writes", "g.db",
			"the schema field reads 5898243, which no dangol writes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := damageDetail(stringError(tt.err), tt.path); got != tt.want {
				t.Errorf("damageDetail = %q, want %q", got, tt.want)
			}
		})
	}
	if got := []rune(damageDetail(stringError(strings.Repeat("x", 1000)), "")); len(got) > maxDetail {
		t.Errorf("a long cause is %d characters, want at most %d", len(got), maxDetail)
	}
}

// TestOpen_DamagedMetaDetail: a data file whose first page was overwritten
// makes bbolt panic inside Open; the message the owner reads says the file
// is damaged, and its detail has no "panic" and nothing unprintable.
func TestOpen_DamagedMetaDetail(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat"); r.err != nil {
		t.Fatal(r.err)
	}
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 17; i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export")
	if r.err == nil {
		t.Fatal("a damaged file opened")
	}
	msg := r.err.Error()
	head, _, _ := strings.Cut(testCatalog.Text("ko", "appliance.damaged", map[string]any{"DB": db, "Detail": ""}), "\n")
	if !strings.HasPrefix(msg, head) {
		t.Errorf("err = %q, want the damaged-file message", msg)
	}
	if strings.Contains(strings.ToLower(msg), "panic") || strings.ContainsFunc(msg, func(r rune) bool { return r != '\n' && !unicode.IsGraphic(r) }) {
		t.Errorf("err = %q: panic words or unprintable characters", msg)
	}
}

// stringError is an error that is only its text.
type stringError string

func (e stringError) Error() string { return string(e) }

// TestErrorText: what main prints of a file or permission problem is one
// sentence in the shop's language naming the path once; Go's text, which
// named it three times, follows only with -v. A message dangol already
// worded is printed as it is.
func TestErrorText(t *testing.T) {
	dir := t.TempDir()
	folderDB := filepath.Join(dir, "n", "dangol.db")
	os.MkdirAll(folderDB, 0o700)
	withKey := filepath.Join(dir, "k", "dangol.db")
	os.MkdirAll(filepath.Dir(withKey), 0o700)
	if r := runMain(t, map[string]string{"DANGOL_DB": withKey}, "", "chat"); r.err != nil {
		t.Fatal(r.err)
	}
	folderKey := filepath.Join(dir, "fk", "dangol.key")
	os.MkdirAll(folderKey, 0o700)
	missing := filepath.Join(dir, "gone.db")
	keyDir := filepath.Join(dir, "fk")
	run := func(env map[string]string, args ...string) error {
		return runMain(t, env, "", args...).err
	}
	tests := []struct {
		name string
		err  error
		lang string
		id   string
		path string
	}{
		{"FolderAsDataFile", run(map[string]string{"DANGOL_DB": folderDB}, "export"), "ko", "cli.err.os.is_dir", folderDB},
		{"FolderAsDataFileWithKey", run(map[string]string{"DANGOL_DB": folderDB, "DANGOL_KEY_FILE": filepath.Join(filepath.Dir(withKey), DefaultKeyFile)}, "export"), "en", "cli.err.os.is_dir", folderDB},
		{"FolderAsKeyFile", run(map[string]string{"DANGOL_DB": filepath.Join(keyDir, "dangol.db")}, "chat"), "ko", "cli.err.os.is_dir", folderKey},
		{"KeyCheckMissingFile", run(map[string]string{"DANGOL_DB": withKey}, "key", "check", missing), "ko", "cli.err.os.not_exist", missing},
		{"Permission", &fs.PathError{Op: "open", Path: "ro/dangol.key", Err: syscall.EACCES}, "ko", "cli.err.os.permission", "ro/dangol.key"},
		{"DiskFull", fmt.Errorf("key file sub/dangol.key: %w", &fs.PathError{Op: "write", Path: "sub/dangol.key", Err: syscall.ENOSPC}), "ko", "cli.err.os.full", "sub/dangol.key"},
		{"DiskFullTempFile", fmt.Errorf("ledger: backup: %w", &fs.PathError{Op: "write", Path: "usb/.bk.db.461720309", Err: syscall.ENOSPC}), "en", "cli.err.os.full", "usb"},
		{"DiskFullNoPath", fmt.Errorf("copy b1.db: %w", os.NewSyscallError("copy_file_range", syscall.ENOSPC)), "ko", "cli.err.os.full", "."},
		{"ReadOnlyDisk", &fs.PathError{Op: "open", Path: "cd/dangol.key.new", Err: syscall.EROFS}, "ko", "cli.err.os.read_only", "cd/dangol.key.new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("no error")
			}
			m := &Main{Catalog: testCatalog, Config: Config{Lang: tt.lang}}
			want := testCatalog.Text(tt.lang, tt.id, map[string]any{"Path": tt.path})
			if got := m.errorText(tt.err); got != want {
				t.Errorf("errorText(%q) = %q, want %q", tt.err, got, want)
			}
			m.Config.Verbose = true
			detail := testCatalog.Text(tt.lang, "cli.err.os.detail", map[string]any{"Detail": tt.err.Error()})
			if got := m.errorText(tt.err); got != want+"\n"+detail {
				t.Errorf("with -v: %q, want the sentence and %q", got, detail)
			}
		})
	}
	t.Run("LocalisedAsIs", func(t *testing.T) {
		err := run(map[string]string{"DANGOL_DB": missing}, "export")
		m := &Main{Catalog: testCatalog}
		if got := m.errorText(err); got != err.Error() {
			t.Errorf("errorText = %q, want %q", got, err.Error())
		}
	})
}

// TestFlagProblem: a mistyped option is named with the options the
// command has; an option without its value says so. Both in the shop's
// language, as usage errors.
func TestFlagProblem(t *testing.T) {
	tests := []struct {
		name string
		args []string
		lang string
		id   string
		data map[string]any
	}{
		{"Unknown", []string{"export", "-forse"}, "ko", "cli.err.flag_unknown", map[string]any{"Command": "dangol export", "Flag": "--forse",
			"Flags": "--db, --env-file, --force, --format, --lang, --out, --tz, -v, --verbose, --version"}},
		{"UnknownEnglish", []string{"--lang", "en", "backup", "--forse", "b.db"}, "en", "cli.err.flag_unknown", map[string]any{"Command": "dangol backup", "Flag": "--forse",
			"Flags": "--db, --env-file, --force, --lang, --tz, -v, --verbose, --version"}},
		{"UnknownBeforeCommand", []string{"-x", "export"}, "ko", "cli.err.flag_unknown", map[string]any{"Command": "dangol", "Flag": "-x",
			"Flags": "--db, --env-file, --lang, --tz, -v, --verbose, --version"}},
		{"NoValue", []string{"export", "--out"}, "ko", "cli.err.flag_value", map[string]any{"Flag": "--out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMain(t, nil, "", tt.args...)
			if want := testCatalog.Text(tt.lang, tt.id, tt.data); r.err == nil || !isUsage(r.err) || r.err.Error() != want {
				t.Errorf("err = %v, want the usage error %q", r.err, want)
			}
		})
	}
}

// TestOutputProblem_Cause: a folder that exists but refuses new files
// (/proc says "no such file" for them) is not called missing, and a
// read-only disk is called read-only.
func TestOutputProblem_Cause(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x.json")
	tests := []struct {
		name, why string
		err       error
	}{
		{"FolderRefusesFiles", "cli.out.why.cannot_create", &fs.PathError{Op: "open", Path: filepath.Join(dir, ".x.json.123"), Err: syscall.ENOENT}},
		{"FolderMissing", "cli.out.why.no_folder", &fs.PathError{Op: "open", Path: filepath.Join(dir, "gone", ".x.json.123"), Err: syscall.ENOENT}},
		{"ReadOnlyDisk", "cli.out.why.read_only", &fs.PathError{Op: "open", Path: filepath.Join(dir, ".x.json.123"), Err: syscall.EROFS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := file
			if tt.why == "cli.out.why.no_folder" {
				target = filepath.Join(dir, "gone", "x.json")
			}
			m := &Main{Catalog: testCatalog}
			why := testCatalog.Text("ko", tt.why, map[string]any{"Dir": filepath.Dir(target)})
			want := testCatalog.Text("ko", "cli.out.cannot_write", map[string]any{"File": target, "Why": why})
			if got := m.outputProblem(target, tt.err); got == nil || got.Error() != want {
				t.Errorf("outputProblem = %v, want %q", got, want)
			}
		})
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		// The shop's own case: /proc is there and takes no new file.
		db := filepath.Join(dir, "dangol.db")
		if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "chat"); r.err != nil {
			t.Fatal(r.err)
		}
		r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export", "--out", "/proc/x.json")
		why := testCatalog.Text("ko", "cli.out.why.cannot_create", map[string]any{"Dir": "/proc"})
		if want := testCatalog.Text("ko", "cli.out.cannot_write", map[string]any{"File": "/proc/x.json", "Why": why}); r.err == nil || r.err.Error() != want {
			t.Errorf("export --out /proc/x.json: %v, want %q", r.err, want)
		}
	}
}
