package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// backup writes a consistent copy of the ledger to path. It reads through
// one ledger transaction (Store.Backup), so the copy is whole even if
// writes happen meanwhile; like every command it needs the file, so it
// cannot run beside a serving dangol, and says how serve makes backups
// itself (DANGOL_BACKUP_DIR) when one holds the file.
func (m *Main) backup(ctx context.Context, path string, force bool) error {
	if strings.TrimSpace(path) == "" {
		// A batch file's empty variable: the backup went to the terminal
		// and the run said it was made.
		return m.usage("cli.err.backup_no_file", nil)
	}
	if err := m.refuseOutput(path, force); err != nil {
		return err
	}
	if err := m.openExisting(); err != nil {
		if errors.Is(err, ledger.ErrLocked) {
			return &localError{m.Catalog.Text(m.Config.Lang, "cli.backup.locked", map[string]any{"DB": m.Config.DB}), err}
		}
		return err
	}
	var n int64
	var check func(string) error
	if path != "-" {
		// Checked before it replaces path: with --force, path may be the
		// last good backup.
		check = func(tmp string) error { return m.verifyManualBackup(tmp, path+".damaged") }
	}
	err := writeOutputChecked(m.Stdout, path, func(w io.Writer) error {
		var err error
		n, err = m.Store.Backup(ctx, w)
		return err
	}, check)
	var told *localError
	if errors.As(err, &told) {
		return err
	}
	if err != nil {
		if perr := m.outputProblem(path, err); perr != err {
			return perr
		}
		return fmt.Errorf("backup %s: %w", m.Config.DB, err)
	}
	m.Logger.Info("backup written", "from", m.Config.DB, "to", path, "bytes", n)
	done := map[string]any{"To": path, "Size": sizeText(n), "Key": m.keyName(m.Config.DB)}
	if path == "-" {
		// The backup itself is on standard output.
		fmt.Fprintln(m.Stderr, m.Catalog.Text(m.Config.Lang, "cli.backup.done_stdout", done))
		return nil
	}
	fmt.Fprintln(m.Stdout, m.Catalog.Text(m.Config.Lang, "cli.backup.done", done))
	return nil
}

// verifyManualBackup checks the backup just written at path as restore
// and key check would (verifyBackup), keeping it as damaged if it fails: a
// backup of a damaged ledger said "made" and was refused on the day it was
// needed.
func (m *Main) verifyManualBackup(path, damaged string) error {
	opts, err := m.withKey(m.Config.DB, nil, false)
	if err != nil {
		return err
	}
	kept, err := verifyBackup(path, damaged, opts.Key)
	if err != nil {
		return &localError{m.Catalog.Text(m.Config.Lang, "cli.backup.damaged", map[string]any{"DB": m.Config.DB, "Kept": kept, "Detail": damageDetail(err, path)}), err}
	}
	return nil
}

// verifyBackup checks, reading only, that the backup at path opens with
// key and that a sample of its sealed values opens (ledger.CheckKey, what
// restore and key check ask). A copy that does not is of a damaged ledger:
// it is renamed to damaged (still a rescue source, never taken for a good
// backup, and not a name rotation counts), and that name returned; where
// the rename fails the copy is left to its caller.
func verifyBackup(path, damaged string, key []byte) (string, error) {
	err := ledger.CheckKey(path, key)
	if err == nil {
		return "", nil
	}
	kept := damaged
	if rerr := os.Rename(path, kept); rerr != nil {
		kept = ""
	}
	return kept, fmt.Errorf("backup %s does not check: %w", path, err)
}

// sizeText is a file size as a shop reads it: "88 KB", "1.4 MB".
func sizeText(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// restore replaces the ledger file with a backup. It refuses to replace an
// existing file without force, to replace a file another dangol holds, and
// to restore anything the ledger cannot open: a backup that fails bbolt's
// consistency check, one made with another key (before a key rotation, or
// of another shop), and one whose sealed values do not open (a sample of
// ledger.KeyCheckSample, spread over the file). The file it replaces is
// kept beside it under a name of its own (keptName): a second restore never
// overwrites what the first kept, which may be the only copy of the day's
// ledger. A refused backup leaves everything as it was.
func (m *Main) restore(ctx context.Context, from string, force bool) error {
	target := m.Config.DB
	if err := m.refuseSameFile(from, target); err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return m.local("cli.restore.open", map[string]any{"File": from, "Err": err}, err)
	}
	defer src.Close()
	if fi, err := src.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		// bbolt would happily turn an empty file into a new, empty ledger.
		return m.local("cli.restore.not_ledger", map[string]any{"File": from}, nil)
	}
	_, err = os.Stat(target)
	exists := err == nil
	if exists && !force {
		return m.local("cli.restore.exists", map[string]any{"DB": target}, nil)
	}

	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".restore-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name()) // nothing left to remove once renamed
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: copy %s: %w", from, err)
	}
	m.gatherErasures(from, target, tmp.Name())
	opened, err := m.checkLedger(ctx, tmp.Name(), from, target)
	kept := ""
	if err != nil {
		// Never installed: a damaged backup in place of the data file
		// would panic or serve wrong data on the first read.
		return err
	}
	if exists {
		// Another dangol serving the target would keep writing to the file
		// we move away: refuse while it holds the lock.
		s, err := m.openLedgerKey(target, nil, false)
		if errors.Is(err, ledger.ErrLocked) {
			return m.local("cli.restore.in_use", map[string]any{"DB": target}, err)
		}
		if err == nil {
			s.Close()
		}
		// A target that fails to open for another reason (corrupt) is
		// exactly what a restore is for.
		if kept, err = m.keepReplaced(target); err != nil {
			return fmt.Errorf("restore: keep the old file: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	m.Logger.Info("restored", "from", from, "to", target)
	done := map[string]any{"From": from, "DB": target, "Opened": opened, "Kept": kept}
	fmt.Fprintln(m.Stdout, m.Catalog.Text(m.Config.Lang, "cli.restore.done", done))
	return nil
}

// gatherErasures writes down in target's erased-keys list, before the
// restored copy is opened (which erases again whoever the list names), the
// erasures recorded by every other copy of the ledger at hand: the data
// file being replaced, the files earlier restores kept beside it, and the
// .db files beside the backup and in the backup folder. A list left on an
// old computer would otherwise bring back everyone erased since the backup
// was made. The shop is told what was found, and warned when there was no
// list at all: an erasure later than every copy at hand cannot be known.
// Failures are only logged: opening the copy says what is wrong with the
// key, and a restore is not refused for a list it can do without.
func (m *Main) gatherErasures(from, target, copyPath string) {
	opts, err := m.withKey(target, nil, false)
	if err != nil || opts.ErasedKeys == "" {
		return
	}
	list := opts.ErasedKeys
	_, statErr := os.Stat(list)
	missing := errors.Is(statErr, fs.ErrNotExist)
	var files []string
	seen := map[string]bool{}
	add := func(path string) {
		if seen[path] || sameFile(path, from) || sameFile(path, copyPath) {
			return
		}
		seen[path] = true
		files = append(files, path)
	}
	if _, err := os.Stat(target); err == nil {
		add(target)
	}
	keptPrefix := filepath.Base(target) + ".before-restore-"
	for _, dir := range []string{filepath.Dir(target), filepath.Dir(from), m.Config.BackupDir} {
		if dir == "" {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if e.Type().IsRegular() && (strings.HasPrefix(name, keptPrefix) || (strings.HasSuffix(name, ".db") && !strings.HasPrefix(name, "."))) {
				add(filepath.Join(dir, name))
			}
		}
	}
	added, skipped, err := ledger.RecordErasures(list, files)
	for _, s := range skipped {
		m.Logger.Info("restore: a file beside the backup was not read for erasures", "err", s)
	}
	if err != nil {
		m.Logger.Warn("restore: the erased-keys list could not be completed from the other copies", "list", list, "err", err)
	}
	m.Logger.Info("restore: erasures gathered from the other copies", "list", list, "files", len(files), "added", added)
	lang := m.Config.Lang
	if added > 0 {
		fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "cli.restore.erasures_found", map[string]any{"N": added, "Files": len(files), "List": list}))
	}
	if missing {
		fmt.Fprintln(m.Stderr, m.Catalog.Text(lang, "cli.restore.no_erased_list", map[string]any{"List": list, "Name": filepath.Base(list)}))
	}
}

// keepReplaced moves the data file target out of a restore's way, to the
// first free keptName, and returns that name. The key is not touched: the
// backup is checked against it and installed under it, so the kept file
// and the restored one open with the same key file.
func (m *Main) keepReplaced(target string) (string, error) {
	now := m.now()
	if m.Config.Loc != nil {
		// Named in the shop's time, as the scheduled backups are: a name in
		// UTC put a 22:45 restore in Seoul at 13:45.
		now = now.In(m.Config.Loc)
	}
	for n := 1; ; n++ {
		kept := keptName(target, now, n)
		// Link, not rename: it fails when the name is taken, where a
		// rename would silently replace the copy kept before.
		err := os.Link(target, kept)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// No hard links here (FAT on a USB stick): rename once the
			// name is known to be free.
			if _, serr := os.Lstat(kept); serr == nil {
				continue
			}
			if err := os.Rename(target, kept); err != nil {
				return "", err
			}
			return kept, nil
		}
		if err := os.Remove(target); err != nil {
			os.Remove(kept)
			return "", err
		}
		syncDir(filepath.Dir(target))
		return kept, nil
	}
}

// keptName is the n-th name (from 1) for the data file db replaced by a
// restore at now: "dangol.db.before-restore-20261203-1345", then "…-2",
// "…-3" for more restores within that minute. Names sort by time.
func keptName(db string, now time.Time, n int) string {
	name := db + ".before-restore-" + now.Format("20060102-1504")
	if n > 1 {
		name += "-" + strconv.Itoa(n)
	}
	return name
}

// checkLedger opens the copy at path of the backup from with the key of
// the data file target (the backup must be sealed with the same key) and
// opens a sample of its sealed values, then closes it. Opening applies the
// erased-keys list, so people erased since the backup was taken are erased
// in the copy before it is installed. Errors name from, not the copy.
func (m *Main) checkLedger(ctx context.Context, path, from, target string) (int, error) {
	lang := m.Config.Lang
	opts, err := m.withKey(target, nil, false)
	if err != nil {
		return 0, err
	}
	s, err := ledger.Open(path, opts)
	switch {
	case errors.Is(err, ledger.ErrWrongKey):
		return 0, &localError{m.Catalog.Text(lang, "keys.restore.wrong_key", map[string]any{"From": from, "Key": m.keyName(target), "DB": target}), err}
	case errors.Is(err, ledger.ErrNotLedger):
		return 0, m.local("cli.restore.not_ledger", map[string]any{"File": from}, err)
	case errors.Is(err, ledger.ErrDamaged):
		return 0, &localError{m.Catalog.Text(lang, "appliance.restore.damaged", map[string]any{"From": from, "DB": target, "Detail": strings.ReplaceAll(err.Error(), path, from)}), err}
	case err != nil:
		return 0, m.local("cli.restore.unusable", map[string]any{"File": from, "Err": err}, err)
	}
	n, err := s.CheckSealed(ctx, ledger.KeyCheckSample)
	if cerr := s.Close(); err == nil && cerr != nil {
		return 0, fmt.Errorf("restore: %s: %w", from, cerr)
	}
	if err != nil {
		return 0, &localError{m.Catalog.Text(lang, "keys.restore.undecryptable", map[string]any{"From": from, "DB": target, "Detail": strings.ReplaceAll(err.Error(), path, from)}), err}
	}
	m.Logger.Info("backup checked: its sealed values open with the key", "from", from, "opened", n)
	return n, nil
}

// refuseSameFile errors when a and b are the same file, which would make a
// backup overwrite its source or a restore copy a file onto itself.
func (m *Main) refuseSameFile(a, b string) error {
	if sameFile(a, b) {
		return m.usage("cli.err.same_file", map[string]any{"File": a})
	}
	return nil
}

// refuseOwnFile errors when a command's output path is one of the files
// dangol keeps beside the data: the data file, the key file, an erased-keys
// list or the settings file. --force does not lift it: an export, a poster
// or a backup written there would destroy the ledger or the only key that
// opens it, and the shop would only find out at the next start.
func (m *Main) refuseOwnFile(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	if err := m.refuseSameFile(path, m.Config.DB); err != nil {
		return err
	}
	key := m.keyFile(m.Config.DB)
	own := []string{key, key + ".erased", m.Config.DB + ".erased"}
	if m.Config.EnvFile != "" {
		own = append(own, m.Config.EnvFile)
	}
	for _, f := range own {
		if sameFile(path, f) {
			return m.usage("cli.err.own_file", map[string]any{"File": path})
		}
	}
	return nil
}

// refuseOutput is refuseOwnFile for a command whose output may be a file
// of the shop's (an export, a backup): an existing one is replaced only
// with force, and a folder never (--force could not replace it, and the
// shop meant a file in it).
func (m *Main) refuseOutput(path string, force bool) error {
	if err := m.refuseOwnFile(path); err != nil {
		return err
	}
	if path == "" || path == "-" {
		return nil
	}
	fi, err := os.Stat(path)
	if err == nil && fi.IsDir() {
		return m.usage("cli.out.is_dir", map[string]any{"File": path, "Example": filepath.Join(path, "dangol-backup.db")})
	}
	if force {
		return nil
	}
	if err == nil {
		return m.local("cli.out.exists", map[string]any{"File": path}, nil)
	}
	return nil
}

// sameFile reports whether a and b name one file: the same file on disk, or,
// when a does not exist yet, the same absolute path.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	if !errors.Is(errA, fs.ErrNotExist) {
		return false
	}
	absA, _ := filepath.Abs(a)
	absB, _ := filepath.Abs(b)
	return absA == absB
}

// backupJob is the name of serve's scheduled backup in the ledger's record
// of scheduled work: keep it stable, or a restart makes the day's backup
// again.
const backupJob = "backup"

// backupMaxLate is how late a scheduled backup is still made. A week: a
// shop whose computer is off at 03:00 gets the backup when dangol starts
// in the morning, and the first start with backups on makes one at once.
const backupMaxLate = 7 * 24 * time.Hour

// backupLayout names a backup by its scheduled time in the shop's zone,
// "dangol-2026-11-25T0300.db", so names sort by time.
const backupLayout = "2006-01-02T1504"

// backupName matches the files serve writes, and only those: rotation
// never removes anything else in the folder.
var backupName = regexp.MustCompile(`^dangol-\d{4}-\d{2}-\d{2}T\d{4}\.db$`)

// backupSchedule returns serve's scheduled backup, or nil when backups are
// off (no DANGOL_BACKUP_DIR, or a schedule of "off"), said once in the log
// with how to turn them on. A schedule that does not parse, or a folder
// that cannot be created or written, is a *usageError naming its setting:
// found at start, not at 03:00.
//
// A backup refused because the ledger is damaged is told, with deliver,
// to the staff channel (where the disk warning goes, and the managers
// read), at most once a day: the first occurrence of each day.
func (m *Main) backupSchedule(deliver func(context.Context, dialog.Reply) error) (*dialog.Job, error) {
	dir := m.Config.BackupDir
	spec := strings.TrimSpace(m.Config.BackupCron)
	if spec == "" {
		spec = DefaultBackupCron
	}
	if dir == "" {
		m.Logger.Info("backups while serving are off: set DANGOL_BACKUP_DIR (or serve --backup-dir) to a folder, " +
			"and dangol copies the data file there on DANGOL_BACKUP_CRON (default daily 03:00), keeping the newest DANGOL_BACKUP_KEEP (default 14)")
		return nil, nil
	}
	if strings.EqualFold(spec, dialog.SpecOff) {
		m.Logger.Info("backups while serving are off by configuration", "setting", "--backup-cron, DANGOL_BACKUP_CRON")
		return nil, nil
	}
	opts, err := m.withKey(m.Config.DB, nil, false)
	if err != nil {
		return nil, err
	}
	b := &scheduledBackups{store: m.Store, key: opts.Key, dir: dir, keep: m.Config.BackupKeep, loc: m.Config.Loc, logger: m.Logger,
		db: m.Config.DB, lang: m.Config.Lang, text: m.Catalog.Text}
	if sc, err := cron.ParseStandard(spec); err == nil {
		b.firstOfDay = func(at time.Time) bool {
			y, mo, d := at.In(m.Config.Loc).Date()
			midnight := time.Date(y, mo, d, 0, 0, 0, 0, m.Config.Loc)
			return sc.Next(midnight.Add(-time.Second)).Equal(at)
		}
	}
	job := dialog.Job{
		Name: backupJob, Spec: spec, Loc: m.Config.Loc, MaxLate: backupMaxLate,
		// A backup sends nothing but the notice of a damaged ledger:
		// Posts does the work, and no replies completes the occurrence;
		// an error has the scheduler try again with back-off.
		Posts:   b.posts,
		Deliver: deliver,
	}
	if _, err := dialog.NewScheduler(dialog.SchedulerConfig{Store: m.Store, Jobs: []dialog.Job{job}, Now: m.Now}); err != nil {
		return nil, m.usage("cli.err.cron", map[string]any{
			"What": m.Catalog.Text(m.Config.Lang, "cli.err.cron.backup", nil), "Value": spec,
			"Example": DefaultBackupCron, "Setting": "--backup-cron, DANGOL_BACKUP_CRON", "Err": err,
		})
	}
	if err := checkBackupDir(dir); err != nil {
		return nil, m.usage("cli.err.backup_dir", map[string]any{"Dir": dir, "Err": err})
	}
	m.Logger.Info("scheduled backups", "dir", dir, "cron", spec, "tz", m.Config.TZ, "keep", m.Config.BackupKeep)
	return &job, nil
}

// checkBackupDir creates dir if needed and checks that a file can be
// written in it.
func checkBackupDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".dangol-write-check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// scheduledBackups writes serve's backups into one folder and keeps the
// newest keep of them.
type scheduledBackups struct {
	store *ledger.Store
	// key opens the backups, to check each one as restore would; nil:
	// not checked.
	key    []byte
	dir    string
	keep   int
	loc    *time.Location
	logger *slog.Logger

	// db, lang and text word the notice of a refused backup, to the staff
	// channel; text nil: none. firstOfDay says whether at is the day's
	// first occurrence, the one that tells (nil: every one is).
	db         string
	lang       string
	text       func(lang, id string, data any) string
	firstOfDay func(at time.Time) bool
}

// posts is the backup job's Posts: it makes the backup due at at. A
// backup refused because the ledger is damaged completes the occurrence,
// with the notice of the day's first one: trying again every few minutes
// would copy the whole file each time and find the same damage, which
// only a restore mends. Until then the good backups stay as they are (no
// dated backup is written, so rotation removes none) and each occurrence
// keeps the newest copy of what is readable as damagedBackup.
func (b *scheduledBackups) posts(ctx context.Context, at time.Time) ([]dialog.Reply, error) {
	err := b.run(ctx, at)
	var refused *refusedBackup
	if errors.As(err, &refused) {
		b.logger.ErrorContext(ctx, "scheduled backup refused: the data file is damaged; the good backups are kept as they are until it is restored",
			"dir", b.dir, "kept", refused.kept, "err", refused.err)
		if b.text == nil || (b.firstOfDay != nil && !b.firstOfDay(at)) {
			return nil, nil
		}
		return []dialog.Reply{{To: dialog.ToStaffChannel, Lang: b.lang, Text: b.text(b.lang, "appliance.backup.refused", map[string]any{
			"DB": b.db, "Last": lastBackup(b.dir), "Kept": refused.kept, "At": at.In(b.loc).Format("2006-01-02 15:04"),
		})}}, nil
	}
	if err != nil {
		b.logger.ErrorContext(ctx, "scheduled backup failed; it will be tried again", "dir", b.dir, "err", err)
		return nil, err
	}
	return nil, nil
}

// run writes the backup due at at, then removes the oldest beyond keep. A
// backup made again for the same time (its record in the ledger failed)
// replaces the first: the same name, a later copy.
func (b *scheduledBackups) run(ctx context.Context, at time.Time) error {
	path := filepath.Join(b.dir, "dangol-"+at.In(b.loc).Format(backupLayout)+".db")
	n, err := writeBackup(ctx, b.store, path)
	if err != nil {
		return err
	}
	if b.key != nil {
		// One damaged copy a folder, the newest: rotation keeps dated
		// backups only, and a damaged ledger would add a copy a night.
		if kept, err := verifyBackup(path, filepath.Join(b.dir, damagedBackup), b.key); err != nil {
			os.Remove(path)
			// The ledger itself is damaged: the log says so in words a
			// support person acts on, and the copy is kept apart.
			b.logger.ErrorContext(ctx, "the backup just made does not check: the data file is damaged; restore the last good backup (dangol key check on the data file says more)",
				"kept", kept, "err", err)
			return &refusedBackup{kept: kept, err: err}
		}
	}
	b.logger.InfoContext(ctx, "backup written", "to", path, "bytes", n)
	removed, err := rotateBackups(b.dir, b.keep)
	for _, name := range removed {
		b.logger.InfoContext(ctx, "old backup removed", "file", filepath.Join(b.dir, name))
	}
	if err != nil {
		// The backup itself is made: the next one tries the rest again.
		b.logger.WarnContext(ctx, "removing old backups failed", "dir", b.dir, "err", err)
	}
	return nil
}

// refusedBackup is run's error for a backup that does not check: the
// ledger is damaged. kept is where its copy went ("" when it could not
// be kept).
type refusedBackup struct {
	kept string
	err  error
}

func (e *refusedBackup) Error() string { return e.err.Error() }
func (e *refusedBackup) Unwrap() error { return e.err }

// lastBackup is the newest of the backups serve wrote in dir, the one to
// restore, or "" for none.
func lastBackup(dir string) string {
	entries, err := os.ReadDir(dir) // sorted by name, so by time
	if err != nil {
		return ""
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Type().IsRegular() && backupName.MatchString(entries[i].Name()) {
			return filepath.Join(dir, entries[i].Name())
		}
	}
	return ""
}

// damagedBackup is the name in the backup folder of the last scheduled
// copy that did not check (verifyBackup).
const damagedBackup = "dangol-damaged.db.damaged"

// writeBackup copies the ledger to path through writeOutput: path is
// either absent or a whole copy, even after a crash.
func writeBackup(ctx context.Context, s *ledger.Store, path string) (int64, error) {
	var n int64
	err := writeOutput(nil, path, func(w io.Writer) error {
		var err error
		n, err = s.Backup(ctx, w)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// rotateBackups removes the oldest backups in dir beyond the newest keep,
// and returns the names it removed. Only files named as serve names them
// are counted or removed.
func rotateBackups(dir string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir) // sorted by name, so oldest first
	if err != nil {
		return nil, err
	}
	var backups []string
	for _, e := range entries {
		if e.Type().IsRegular() && backupName.MatchString(e.Name()) {
			backups = append(backups, e.Name())
		}
	}
	var removed []string
	var errs []error
	for _, name := range backups[:max(len(backups)-keep, 0)] {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, name)
	}
	return removed, errors.Join(errs...)
}
