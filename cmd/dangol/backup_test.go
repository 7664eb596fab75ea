package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
	bolt "go.etcd.io/bbolt"
)

// backupFiles lists the files in dir, hidden ones (temporary files) too.
func backupFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestServe_Backups runs serve day after day over one ledger: each day's
// 03:00 backup is made once (also when dangol starts after 03:00), opens
// as a ledger with the data, is not made again on a restart, and only the
// newest DANGOL_BACKUP_KEEP are kept. Files that are not dangol's backups
// are left alone.
func TestServe_Backups(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	backups := filepath.Join(dir, "backups") // serve creates it
	env := map[string]string{"DANGOL_DB": db, "DANGOL_BACKUP_DIR": backups, "DANGOL_BACKUP_KEEP": "2"}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 11, day, hour, minute, 0, 0, seoul) }

	rounds := []struct {
		name string
		now  time.Time
		want []string
	}{
		{"FirstStartAfter03", at(25, 9, 30), []string{"dangol-2026-11-25T0300.db"}},
		{"RestartSameDay", at(25, 18, 0), []string{"dangol-2026-11-25T0300.db"}},
		{"NextDayAt03", at(26, 3, 0), []string{"dangol-2026-11-25T0300.db", "dangol-2026-11-26T0300.db"}},
		{"RotationKeeps2", at(27, 3, 1), []string{"dangol-2026-11-26T0300.db", "dangol-2026-11-27T0300.db"}},
		{"DownForTwoDays", at(29, 23, 0), []string{"dangol-2026-11-27T0300.db", "dangol-2026-11-29T0300.db"}},
	}
	var sameDay []byte
	for i, rd := range rounds {
		if i == 1 {
			// Files that only look like backups, or are someone else's.
			for _, name := range []string{"notes.txt", "dangol-old.db", "dangol-2020-01-01T0300.db.bak"} {
				if err := os.WriteFile(filepath.Join(backups, name), []byte("keep me"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, logs := serveRound(t, env, nil, rd.now, "-v") // console: its INFO lines need -v
		var got []string
		for _, name := range backupFiles(t, backups) {
			switch {
			case strings.HasPrefix(name, "."):
				t.Errorf("%s: temporary file %s left behind", rd.name, name)
			case backupName.MatchString(name):
				got = append(got, name)
			}
		}
		if !slices.Equal(got, rd.want) {
			t.Errorf("%s: backups %q, want %q\n%s", rd.name, got, rd.want, logs)
		}
		if strings.Contains(logs, "failed") {
			t.Errorf("%s: something failed:\n%s", rd.name, logs)
		}
		first := filepath.Join(backups, "dangol-2026-11-25T0300.db")
		switch rd.name {
		case "FirstStartAfter03":
			if !strings.Contains(logs, "scheduled backups") || !strings.Contains(logs, "backup written") {
				t.Errorf("the log does not say backups are on and one was written:\n%s", logs)
			}
			b, err := os.ReadFile(first)
			if err != nil {
				t.Fatal(err)
			}
			sameDay = b
		case "RestartSameDay":
			if b, _ := os.ReadFile(first); !bytes.Equal(b, sameDay) {
				t.Error("a restart the same day rewrote that day's backup")
			}
			if strings.Contains(logs, "backup written") {
				t.Errorf("a restart the same day made a backup:\n%s", logs)
			}
		}
	}
	for _, name := range []string{"notes.txt", "dangol-old.db", "dangol-2020-01-01T0300.db.bak"} {
		if _, err := os.Stat(filepath.Join(backups, name)); err != nil {
			t.Errorf("rotation removed %s, which is not a backup of dangol's: %v", name, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(backups, "dangol-2026-11-29T0300.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v (%v), want 0600: it holds customers' data", fi.Mode().Perm(), err)
	}

	// The newest backup is a ledger with the data, as restore would use it.
	s, err := ledger.Open(filepath.Join(backups, "dangol-2026-11-29T0300.db"), testLedgerOptions(t, db))
	if err != nil {
		t.Fatalf("the backup does not open as a ledger: %v", err)
	}
	defer s.Close()
	err = s.View(context.Background(), func(tx *ledger.Tx) error {
		c, err := tx.CustomerByPhone("01012345678")
		if err != nil {
			return err
		}
		bal, err := tx.Balance(c.ID)
		if c.Name != "김하늘" || bal != 1750 {
			t.Errorf("backup holds %s with %d points, want 김하늘 with 1750", c.Name, bal)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestServe_BackupsOff: without a folder, backups are off and the log says
// how to turn them on; "off" as the schedule turns them off too.
func TestServe_BackupsOff(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, seoul)
	t.Run("NoFolder", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "shop.db")
		r := runMainAt(t, now, map[string]string{"DANGOL_DB": db}, "serve", "-v")
		if r.err != nil {
			t.Fatal(r.err)
		}
		if want := "backups while serving are off: set DANGOL_BACKUP_DIR (or serve --backup-dir)"; strings.Count(r.stderr, want) != 1 {
			t.Errorf("stderr should say once %q:\n%s", want, r.stderr)
		}
	})
	t.Run("CronOff", func(t *testing.T) {
		dir := t.TempDir()
		backups := filepath.Join(dir, "backups")
		r := runMainAt(t, now, map[string]string{"DANGOL_DB": filepath.Join(dir, "shop.db"), "DANGOL_BACKUP_DIR": backups}, "serve", "-v", "--backup-cron", "OFF")
		if r.err != nil {
			t.Fatal(r.err)
		}
		if !strings.Contains(r.stderr, "backups while serving are off by configuration") {
			t.Errorf("no word on backups being off:\n%s", r.stderr)
		}
		if _, err := os.Stat(backups); err == nil {
			t.Errorf("backups off, yet %s was created", backups)
		}
	})
}

func TestServe_BackupErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"ErrCron", map[string]string{"DANGOL_BACKUP_DIR": dir, "DANGOL_BACKUP_CRON": "3am"}, nil, usageText("cli.err.cron.backup", nil) + ` "3am"`},
		{"ErrCronFlag", map[string]string{"DANGOL_BACKUP_DIR": dir}, []string{"--backup-cron", "@every 1h"}, "--backup-cron, DANGOL_BACKUP_CRON"},
		{"ErrFolderIsAFile", map[string]string{"DANGOL_BACKUP_DIR": file}, nil, "백업 폴더 " + file + "에 백업할 수 없어요 (--backup-dir, DANGOL_BACKUP_DIR): "},
		{"ErrKeepZero", map[string]string{"DANGOL_BACKUP_KEEP": "0"}, nil, usageText("cli.err.backup_keep", map[string]any{"Value": "0"})},
		{"ErrKeepText", map[string]string{"DANGOL_BACKUP_KEEP": "two weeks"}, nil, usageText("cli.err.backup_keep", map[string]any{"Value": "two weeks"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db")}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runMainAt(t, seededNow, env, append([]string{"serve"}, tt.args...)...)
			if !isUsage(r.err) || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error containing %q", r.err, tt.want)
			}
		})
	}
}

// TestScheduledBackups_Failure: a backup that cannot be written is an
// error (the scheduler tries again with back-off), logged, and leaves no
// file, half or whole; the next try, once the folder is back, makes it.
func TestScheduledBackups_Failure(t *testing.T) {
	dir := t.TempDir()
	s := mustOpenStore(t, filepath.Join(dir, "shop.db"))
	backups := filepath.Join(dir, "backups") // not there yet
	var logs bytes.Buffer
	b := &scheduledBackups{store: s, dir: backups, keep: 3, loc: time.UTC, logger: slog.New(slog.NewTextHandler(&logs, nil))}
	at := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

	replies, err := b.posts(context.Background(), at)
	if err == nil || len(replies) != 0 {
		t.Fatalf("posts = %v, %v; want an error and no replies", replies, err)
	}
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(logs.String(), "scheduled backup failed") {
		t.Errorf("err = %v, log %q; want ErrNotExist, logged", err, logs.String())
	}
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := b.posts(context.Background(), at); err != nil {
		t.Fatalf("the retry failed: %v", err)
	}
	if got := backupFiles(t, backups); !slices.Equal(got, []string{"dangol-2026-11-25T0300.db"}) {
		t.Errorf("files after the retry: %q", got)
	}
}

// TestBackup_WhileServing: dangol backup on a file a running dangol holds
// says, in the shop's language, that serve makes backups itself and how.
func TestBackup_WhileServing(t *testing.T) {
	t.Parallel() // its own data files; most of its time is waiting out a lock's timeout
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	s := mustOpenStore(t, db)
	defer s.Close()
	tests := []struct{ lang, want string }{
		{"ko", "파일은 실행 중인 dangol 이 쓰고 있어서 지금은 백업할 수 없어요.\n실행 중에는 dangol 이 직접 백업해요: DANGOL_BACKUP_DIR(또는 serve --backup-dir)"},
		{"en", "is in use by a running dangol, so it cannot be backed up now.\nWhile serving, dangol makes the backups itself: set DANGOL_BACKUP_DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_LANG": tt.lang}, "", "backup", filepath.Join(dir, "copy.db"))
			if !errors.Is(r.err, ledger.ErrLocked) || !strings.Contains(r.err.Error(), tt.want) || !strings.HasPrefix(r.err.Error(), db) {
				t.Fatalf("err = %v, want ErrLocked saying %q", r.err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "copy.db")); err == nil {
				t.Error("a refused backup left a file")
			}
		})
	}
}

// flipSealed changes the last byte of every sealed customer value in the
// file at path (inside GCM's tag), through bbolt: the tree stays whole
// (its consistency check passes), but GCM's authentication of those values
// fails. It returns how many values it changed.
func flipSealed(t *testing.T, path string) int {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	n := 0
	err = bdb.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket([]byte("customers"))
		if b == nil {
			return nil
		}
		type kv struct{ k, v []byte }
		var flipped []kv
		err := b.ForEach(func(k, v []byte) error {
			if len(v) > 0 && v[0] != '{' { // the binary form: its sealed part ends the value
				v = bytes.Clone(v)
				v[len(v)-1] ^= 0x55
				flipped = append(flipped, kv{bytes.Clone(k), v})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, f := range flipped {
			if err := b.Put(f.k, f.v); err != nil {
				return err
			}
		}
		n = len(flipped)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRestore_DecryptionCheck: restore opens a sample of a backup's sealed
// values before installing it. A backup whose sealed bytes were changed
// (bbolt's check passes) and one made with another key are refused with a
// message naming the backup, and the data file is left as it was.
func TestRestore_DecryptionCheck(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	keyPath := filepath.Join(dir, DefaultKeyFile)
	flipped := filepath.Join(t.TempDir(), "flipped.db")
	if r := runMain(t, env, "", "backup", flipped); r.err != nil {
		t.Fatal(r.err)
	}
	if n := flipSealed(t, flipped); n == 0 {
		t.Fatal("no sealed customer value found in the backup: the test proves nothing")
	}
	otherDB := filepath.Join(t.TempDir(), "other.db")
	seed(t, otherDB) // another shop: its own key beside it
	good := filepath.Join(t.TempDir(), "good.db")
	if r := runMain(t, env, "", "backup", good); r.err != nil {
		t.Fatal(r.err)
	}
	tests := []struct {
		name, from string
		want       string // the error starts with it; empty: restored
		wantErr    error
	}{
		{"ErrUndecryptable", flipped, firstLine(testCatalog.Text("ko", "keys.restore.undecryptable", map[string]any{"From": flipped, "DB": db, "Detail": ""})), ledger.ErrDamaged},
		{"ErrOtherKey", otherDB, testCatalog.Text("ko", "keys.restore.wrong_key", map[string]any{"From": otherDB, "Key": keyPath, "DB": db}), ledger.ErrWrongKey},
		{"ErrOtherKeyEnglish", otherDB, "", ledger.ErrWrongKey},
		{"OK", good, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(db)
			e := map[string]string{"DANGOL_DB": db}
			if strings.HasSuffix(tt.name, "English") {
				e["DANGOL_LANG"] = "en"
				tt.want = testCatalog.Text("en", "keys.restore.wrong_key", map[string]any{"From": otherDB, "Key": keyPath, "DB": db})
			}
			r := runMain(t, e, "", "restore", "--force", tt.from)
			if tt.wantErr == nil {
				if r.err != nil {
					t.Fatal(r.err)
				}
				// The shop reads that the check ran, in its language, and
				// no English log line (that is for -v).
				checked, _, _ := strings.Cut(testCatalog.Text("ko", "cli.restore.done", map[string]any{"From": tt.from, "DB": db, "Opened": "\x00"}), "\x00")
				if !strings.HasPrefix(r.stdout, checked) || strings.HasPrefix(r.stdout, checked+"0개") || strings.Contains(r.stderr, "level=INFO") {
					t.Errorf("restore said %q (stderr %q), want %q and a count of records opened", r.stdout, r.stderr, checked)
				}
				if r := runMain(t, e, "", "-v", "restore", "--force", tt.from); r.err != nil || !strings.Contains(r.stderr, "backup checked") {
					t.Errorf("with -v: %v, no log line of the decryption check:\n%s", r.err, r.stderr)
				}
				return
			}
			if !errors.Is(r.err, tt.wantErr) || !strings.HasPrefix(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q…", r.err, tt.want)
			}
			if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
				t.Error("a refused restore changed the data file")
			}
			if names := backupFiles(t, dir); slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "restore") }) {
				t.Errorf("files left beside the data file: %v", names)
			}
		})
	}
	// The flipped backup passes bbolt's check: what refused it is GCM.
	if err := ledger.CheckKey(flipped, readKey(t, keyPath)); !errors.Is(err, ledger.ErrDamaged) || strings.Contains(err.Error(), "page") {
		t.Errorf("CheckKey of the flipped backup: %v", err)
	}
}

// firstLine is s up to its first newline.
func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{0: "0 KB", 1: "1 KB", 1024: "1 KB", 90112: "88 KB", 1<<20 - 1: "1024 KB", 1 << 20: "1.0 MB", 3*(1<<20) + 1<<19: "3.5 MB"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestRestore_KeepsEveryReplacedFile: each restore keeps the file it
// replaces under a name of its own, so the ledger of the day, kept by a
// first restore, survives a second one (the owner tries Monday's backup,
// then Tuesday's), and the message names the file kept.
func TestRestore_KeepsEveryReplacedFile(t *testing.T) {
	t.Parallel() // its own ledger and Main
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	bak := filepath.Join(dir, "monday.bak")
	if r := runMain(t, env, "", "backup", bak); r.err != nil {
		t.Fatal(r.err)
	}
	// Today's work, in the live file only.
	updateLedger(t, db, func(tx *ledger.Tx) error {
		return tx.CreateCustomer(&ledger.Customer{Name: "오늘손님", Phone: "01055556666", CreatedAt: time.Now()})
	})
	// 04:45 UTC is 13:45 in Seoul (DANGOL_TZ's default): the name is the
	// shop's time, as the scheduled backups' are.
	at := time.Date(2026, 12, 3, 4, 45, 0, 0, time.UTC)
	var kept []string
	for i := range 3 {
		r := runMainAt(t, at, env, "restore", "--force", bak)
		if r.err != nil {
			t.Fatal(r.err)
		}
		want := db + ".before-restore-20261203-1345"
		if i > 0 {
			want += "-" + strconv.Itoa(i+1)
		}
		if !strings.Contains(r.stdout, want) {
			t.Errorf("restore %d said %q, want it to name %s", i+1, r.stdout, want)
		}
		kept = append(kept, want)
	}
	for _, k := range kept {
		if _, err := os.Stat(k); err != nil {
			t.Errorf("kept file %s is gone: %v", k, err)
		}
	}
	first := mustOpenStore(t, kept[0])
	err := first.View(context.Background(), func(tx *ledger.Tx) error {
		_, err := tx.CustomerByPhone("01055556666")
		return err
	})
	if err != nil {
		t.Errorf("the ledger the first restore kept lost today's customer (a later restore overwrote it?): %v", err)
	}
}

// TestBackup_BadOutput: an empty backup name is refused (a batch file's
// empty variable wrote the backup to the terminal and said it was made),
// and so is a folder given for a backup or an export, with or without
// --force, saying it is a folder; nothing is written.
func TestBackup_BadOutput(t *testing.T) {
	t.Parallel() // its own ledger and Main
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	seed(t, db)
	env := map[string]string{"DANGOL_DB": db}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	isDir := usageText("cli.out.is_dir", map[string]any{"File": out, "Example": filepath.Join(out, "dangol-backup.db")})
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrEmptyName", []string{"backup", ""}, usageText("cli.err.backup_no_file", nil)},
		{"ErrBackupFolder", []string{"backup", out}, isDir},
		{"ErrBackupFolderForce", []string{"backup", "--force", out}, isDir},
		{"ErrExportFolderForce", []string{"export", "--force", "--out", out}, isDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMain(t, env, "", tt.args...)
			if !isUsage(r.err) || r.err.Error() != tt.want {
				t.Errorf("err = %v, want the usage error %q", r.err, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("wrote %d bytes to standard output", len(r.stdout))
			}
		})
	}
	if names := backupFiles(t, out); len(names) != 0 {
		t.Errorf("left %q in the folder", names)
	}
}

// TestBackup_OfDamagedLedger: a backup of a ledger whose sealed values no
// longer open is checked as restore would check it, and refused, by hand
// (an error, not "백업을 만들었어요") and on serve's schedule (logged as
// failed); the copy is kept as <file>.damaged, never under a backup's name
// nor in place of a good one (--force), and the schedule keeps one such
// copy, not one a night.
func TestBackup_OfDamagedLedger(t *testing.T) {
	t.Parallel() // its own ledger and Main
	dir := t.TempDir()
	db := filepath.Join(dir, "dangol.db")
	seed(t, db)
	bak := filepath.Join(dir, "b.bak")
	good := filepath.Join(dir, "good.bak")
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "backup", good); r.err != nil {
		t.Fatal(r.err)
	}
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if flipSealed(t, db) == 0 {
		t.Fatal("nothing to damage")
	}
	// --force over the last good backup leaves it as it was.
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "backup", "--force", good)
	if r.err == nil || !errors.Is(r.err, ledger.ErrDamaged) {
		t.Errorf("backup --force over a good backup: err = %v", r.err)
	}
	if b, err := os.ReadFile(good); err != nil || !bytes.Equal(b, goodBytes) {
		t.Errorf("the good backup was replaced by a damaged one (err %v)", err)
	}
	r = runMain(t, map[string]string{"DANGOL_DB": db}, "", "backup", bak)
	want, _, _ := strings.Cut(testCatalog.Text("ko", "cli.backup.damaged", map[string]any{"DB": db, "Kept": bak + ".damaged"}), "\n")
	if r.err == nil || !errors.Is(r.err, ledger.ErrDamaged) || !strings.HasPrefix(r.err.Error(), want) {
		t.Errorf("err = %v (stdout %q), want %q…", r.err, r.stdout, want)
	}
	if _, err := os.Stat(bak); err == nil {
		t.Error("the damaged copy is under the backup's name")
	}
	if _, err := os.Stat(bak + ".damaged"); err != nil {
		t.Errorf("the damaged copy was not kept apart: %v", err)
	}

	s := mustOpenStore(t, db)
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	// The last good backup in the folder stays, and the notice names it.
	last := filepath.Join(backups, "dangol-2026-11-24T0300.db")
	if err := os.WriteFile(last, goodBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	b := &scheduledBackups{store: s, key: testLedgerOptions(t, db).Key, dir: backups, keep: 3, loc: time.UTC, logger: slog.New(slog.NewTextHandler(&logs, nil)),
		db: db, lang: "ko", text: testCatalog.Text}
	kept := filepath.Join(backups, damagedBackup)
	for day := 25; day <= 27; day++ {
		at := time.Date(2026, 11, day, 3, 0, 0, 0, time.UTC)
		// Refused, and done: no retry every few minutes, which would copy
		// the whole file again and find the same damage.
		replies, err := b.posts(context.Background(), at)
		if err != nil {
			t.Errorf("scheduled backup err = %v, want the occurrence done", err)
		}
		want := testCatalog.Text("ko", "appliance.backup.refused", map[string]any{"DB": db, "Last": last, "Kept": kept, "At": at.Format("2006-01-02 15:04")})
		if len(replies) != 1 || replies[0].To != dialog.ToStaffChannel || replies[0].Text != want {
			t.Errorf("day %d: notice %+v, want one to the staff channel: %q", day, replies, want)
		}
	}
	for _, w := range []string{"dangol export", "dangol restore " + last + " --force"} {
		if !strings.Contains(testCatalog.Text("ko", "appliance.backup.refused", map[string]any{"DB": db, "Last": last}), w) {
			t.Errorf("the notice does not say %q", w)
		}
	}
	if !strings.Contains(logs.String(), "data file is damaged") || !strings.Contains(logs.String(), "scheduled backup refused") {
		t.Errorf("the log does not say the data file is damaged:\n%s", logs.String())
	}
	if got := backupFiles(t, backups); !slices.Equal(got, []string{"dangol-2026-11-24T0300.db", "dangol-damaged.db.damaged"}) {
		t.Errorf("files in the backup folder: %q", got)
	}
	if bs, err := os.ReadFile(last); err != nil || !bytes.Equal(bs, goodBytes) {
		t.Errorf("the last good backup was changed (%v)", err)
	}
	// Backups every 6 hours: told once a day, at the day's first.
	b.firstOfDay = func(at time.Time) bool { return at.Hour() == 0 }
	for _, h := range []int{0, 6, 12} {
		replies, err := b.posts(context.Background(), time.Date(2026, 11, 28, h, 0, 0, 0, time.UTC))
		if err != nil || len(replies) != map[bool]int{true: 1, false: 0}[h == 0] {
			t.Errorf("%02d:00: %d notices (%v), want one at the day's first backup only", h, len(replies), err)
		}
	}
}

// TestRestore_ErasuresOutliveALostList: a shop moves to a new computer
// with the key and the backup folder, but not dangol.key.erased beside the
// key. Restoring a backup made before a customer's /forget brought the
// customer back; the later backups beside it remember the erasure, and the
// shop is warned that erasures later than every copy at hand cannot be known.
func TestRestore_ErasuresOutliveALostList(t *testing.T) {
	t.Parallel() // its own ledgers and Mains
	old := t.TempDir()
	db := filepath.Join(old, "dangol.db")
	seed(t, db)
	backups := filepath.Join(old, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	before, after := "dangol-2026-11-25T0300.db", "dangol-2026-11-26T0300.db"
	env := map[string]string{"DANGOL_DB": db}
	if r := runMain(t, env, "", "backup", filepath.Join(backups, before)); r.err != nil {
		t.Fatal(r.err)
	}
	updateLedger(t, db, func(tx *ledger.Tx) error {
		c, err := tx.CustomerByPhone("01012345678")
		if err != nil {
			return err
		}
		return tx.EraseCustomer(c.ID, time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC))
	})
	if r := runMain(t, env, "", "backup", filepath.Join(backups, after)); r.err != nil {
		t.Fatal(r.err)
	}
	tests := []struct {
		name   string
		copied []string // of the old computer's files, besides the key and the old backup
		erased bool     // the restored file shows 김하늘 as erased
		warned bool     // no list: the warning
		found  bool     // erasures found in other copies: said
	}{
		{"ListKept", []string{DefaultKeyFile + ".erased"}, true, false, false},
		{"ListLostNewerBackupBeside", []string{filepath.Join("backups", after)}, true, true, true},
		{"ListLostOldBackupAlone", nil, false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			nu := t.TempDir()
			if err := os.Mkdir(filepath.Join(nu, "backups"), 0o700); err != nil {
				t.Fatal(err)
			}
			for _, f := range append([]string{DefaultKeyFile, filepath.Join("backups", before)}, tt.copied...) {
				data, err := os.ReadFile(filepath.Join(old, f))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(nu, f), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{"DANGOL_DB": filepath.Join(nu, "dangol.db")}
			r := runMain(t, env, "", "restore", filepath.Join(nu, "backups", before))
			if r.err != nil {
				t.Fatal(r.err)
			}
			list := filepath.Join(nu, DefaultKeyFile+".erased")
			warning := testCatalog.Text("ko", "cli.restore.no_erased_list", map[string]any{"List": list, "Name": DefaultKeyFile + ".erased"})
			if got := strings.Contains(r.stderr, warning); got != tt.warned {
				t.Errorf("warned %v, want %v; stderr %q", got, tt.warned, r.stderr)
			}
			found := testCatalog.Text("ko", "cli.restore.erasures_found", map[string]any{"N": 1, "Files": 1, "List": list})
			if got := strings.Contains(r.stdout, found); got != tt.found {
				t.Errorf("said found %v, want %v; stdout %q", got, tt.found, r.stdout)
			}
			exported := runMain(t, env, "", "export", "--format", "json").stdout
			if got := !strings.Contains(exported, "김하늘"); got != tt.erased {
				t.Errorf("after the restore 김하늘 erased %v, want %v", got, tt.erased)
			}
		})
	}
}
