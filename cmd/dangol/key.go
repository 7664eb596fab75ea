package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dangol/dangol/ledger"
)

// The master key. dangol seals every personal value in the data file with
// keys wrapped by one master key, read from DANGOL_KEY (base64) or from the
// key file DANGOL_KEY_FILE (default: dangol.key beside the data file), a
// line of base64. On the first start without a key file (no data file yet,
// or one from before sealing, which Open then migrates) dangol makes one,
// mode 0600, and says to keep a copy apart from the backups. A sealed data
// file whose key file is missing is refused, never given a new key.
//
// dangol key rotate gives the data file a new master key. With a key file
// it goes in an order that leaves, at every point a crash can stop it, a
// state that opens with one of the two keys:
//
//  1. the new key is written to dangol.key.new (synced, mode 0600);
//  2. the ledger re-wraps its keys under it in one transaction
//     (ledger.Store.RotateKey): from the commit on, only the new key opens
//     the file;
//  3. the key file is linked (or copied) to dangol.key.old;
//  4. dangol.key.new is renamed over the key file.
//
// A start whose key file does not open the data file tries dangol.key.new:
// if that opens it, steps 3 and 4 were cut short and are done then. A start
// whose key file opens it removes a dangol.key.new left by a rotation that
// never committed, with a log line; a start of serve or chat removes a
// dangol.key.old kept oldKeyDays since the rotation, and says so. With DANGOL_KEY
// no file is written: the new key is printed once, before the commit, so
// that no crash can leave a file whose key nobody has.

// DefaultKeyFile is the key file's name beside the data file.
const DefaultKeyFile = "dangol.key"

// keyFile returns the path of the key file for the data file db.
func (m *Main) keyFile(db string) string {
	if p := strings.TrimSpace(m.Getenv("DANGOL_KEY_FILE")); p != "" {
		return p
	}
	return filepath.Join(filepath.Dir(db), DefaultKeyFile)
}

// ledgerOptions returns the options that open the data file db: its master
// key, and the erased-keys list beside the key file (or beside db when the
// key comes from DANGOL_KEY). When create is set and db needs a key that
// does not exist yet, it makes the key file.
func (m *Main) ledgerOptions(db string, create bool) (*ledger.Options, error) {
	lang := m.Config.Lang
	if env := strings.TrimSpace(m.Getenv("DANGOL_KEY")); env != "" {
		key, err := decodeKey(env)
		if err != nil {
			return nil, &localError{m.Catalog.Text(lang, "privacy.err.key_env", nil), err}
		}
		return &ledger.Options{Key: key, ErasedKeys: db + ".erased"}, nil
	}
	path := m.keyFile(db)
	opts := &ledger.Options{ErasedKeys: path + ".erased"}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if opts.Key, err = decodeKey(string(data)); err != nil {
			return nil, &localError{m.Catalog.Text(lang, "privacy.err.key_bad", map[string]any{"Key": path}), err}
		}
		return opts, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	if fi, err := os.Stat(db); err == nil && fi.IsDir() {
		// A folder where the data file belongs (made by hand, or a copy
		// gone wrong): said as such, not as a damaged data file.
		return nil, &fs.PathError{Op: "open", Path: db, Err: syscall.EISDIR}
	}
	sealed, err := ledger.Sealed(db, 0)
	if err != nil {
		return nil, err
	}
	if sealed || !create {
		return nil, &localError{m.Catalog.Text(lang, "privacy.err.key_missing", map[string]any{"Key": path, "DB": db}), fs.ErrNotExist}
	}
	if opts.Key, err = m.createKeyFile(path); err != nil {
		return nil, err
	}
	_, statErr := os.Stat(db)
	id := "privacy.key.created"
	if statErr == nil {
		id = "privacy.key.created_migrating"
	}
	notice := m.Catalog.Text(lang, id, map[string]any{"Key": path, "DB": db})
	// A service's log is read apart from the terminal, so it warns there;
	// at the terminal (the console, import) the notice is the same line,
	// in the shop's language, and the record stays for --verbose. With
	// JSON logs stderr is a collector's stream: the notice goes in the
	// record, as a warning, instead of as lines no parser reads.
	level := slog.LevelWarn
	attrs := []any{"key_file", path, "db", db}
	switch {
	case m.Config.LogFormat == "json":
		attrs = append(attrs, "notice", notice)
	case m.atTerminal:
		fmt.Fprintln(m.Stderr, notice)
		level = slog.LevelInfo
	default:
		fmt.Fprintln(m.Stderr, notice)
	}
	m.Logger.Log(context.Background(), level, "new master key created: keep a copy apart from the data file and its backups; without it the data cannot be read", attrs...)
	return opts, nil
}

// createKeyFile writes a new master key to path (mode 0600, never over an
// existing file) and returns it.
func (m *Main) createKeyFile(path string) ([]byte, error) {
	key, err := ledger.NewKey()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	if err := writeKeyFile(path, key); err != nil {
		return nil, err
	}
	return key, nil
}

// writeKeyFile writes key to a new file at path (mode 0600, never over an
// existing file) as a line of base64, synced with its directory. On error
// no file is left.
func writeKeyFile(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("key file %s: %w", path, err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("key file %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a new file's name durable; failure only weakens crash safety.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// decodeKey reads a master key written as base64 (standard or URL
// alphabet, padded or not), surrounding space and a leading byte-order
// mark ignored: Notepad before Windows 10 1903 saved UTF-8 with one, and a
// key file an owner opened and saved there is still their key.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "\ufeff"))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != ledger.KeySize {
				return nil, fmt.Errorf("%w: %d bytes, want %d", ledger.ErrBadKey, len(key), ledger.KeySize)
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("%w: not base64", ledger.ErrBadKey)
}

// withKey returns opts (a fresh Options when nil) with the master key of
// the data file db and its erased-keys list. A rehearsal copy (chat --at)
// gets no list: what is erased there must not reach the shop's file.
func (m *Main) withKey(db string, opts *ledger.Options, create bool) (*ledger.Options, error) {
	rehearsing := m.rehearsal != nil && db == m.rehearsal.copy
	if rehearsing && strings.TrimSpace(m.Getenv("DANGOL_KEY")) == "" {
		if _, err := os.Stat(m.keyFile(db)); errors.Is(err, fs.ErrNotExist) {
			// A rehearsal without a shop ledger yet: a key for the
			// copy alone, in memory, gone with it.
			create = false
			key, err := ledger.NewKey()
			if err != nil {
				return nil, err
			}
			out := ledger.Options{}
			if opts != nil {
				out = *opts
			}
			out.Key = key
			m.followProgress(&out)
			return &out, nil
		}
	}
	k, err := m.ledgerOptions(db, create)
	if err != nil {
		return nil, err
	}
	out := ledger.Options{}
	if opts != nil {
		out = *opts
	}
	out.Key, out.ErasedKeys = k.Key, k.ErasedKeys
	if rehearsing {
		out.ErasedKeys = ""
	}
	m.followProgress(&out)
	return &out, nil
}

// keyName names where the key of db comes from, for messages.
func (m *Main) keyName(db string) string {
	if strings.TrimSpace(m.Getenv("DANGOL_KEY")) != "" {
		return "DANGOL_KEY"
	}
	return m.keyFile(db)
}

// keyCommand runs `dangol key check [--key KEYFILE] FILE` and `dangol key
// rotate`.
func (m *Main) keyCommand(ctx context.Context, pos []string, keyFile string) error {
	sub := ""
	if len(pos) > 0 {
		sub = pos[0]
	}
	want := map[string]int{"check": 2, "rotate": 1}
	n, ok := want[sub]
	switch {
	case sub == "":
		return m.usage("keys.err.no_sub", nil)
	case !ok:
		return m.usage("keys.err.usage", map[string]any{"Sub": sub})
	case len(pos) != n:
		return m.usage("keys.err.args", map[string]any{"Sub": sub, "Want": n - 1, "Got": len(pos) - 1})
	case sub == "rotate" && keyFile != "":
		return m.usage("keys.err.key_flag", nil)
	case sub == "rotate":
		return m.rotateKey(ctx)
	}
	return m.checkKey(pos[1], keyFile)
}

// checkKey checks, reading only, that a master key opens file, the data
// file itself or a backup: the key in keyFile when given (the old key of a
// rotation, for a backup from before it), else the data file's own
// (DANGOL_KEY, or its key file).
func (m *Main) checkKey(file, keyFile string) error {
	lang := m.Config.Lang
	var key []byte
	name := m.keyName(m.Config.DB)
	if keyFile != "" {
		data, err := os.ReadFile(keyFile)
		if errors.Is(err, fs.ErrNotExist) {
			return &localError{m.Catalog.Text(lang, "keys.err.key_flag_missing", map[string]any{"Key": keyFile}), err}
		}
		if err != nil {
			return fmt.Errorf("key file %s: %w", keyFile, err)
		}
		if key, err = decodeKey(string(data)); err != nil {
			return &localError{m.Catalog.Text(lang, "privacy.err.key_bad", map[string]any{"Key": keyFile}), err}
		}
		name = keyFile
	} else {
		opts, err := m.ledgerOptions(m.Config.DB, false)
		if errors.Is(err, fs.ErrNotExist) && !sameFile(file, m.Config.DB) {
			// Said of the file asked about, with the key looked for: the
			// data file's (--db), which is not beside it.
			return m.checkNoKey(file, err)
		}
		if err != nil {
			return err
		}
		key = opts.Key
	}
	err := ledger.CheckKey(file, key)
	switch {
	case errors.Is(err, ledger.ErrWrongKey):
		return &localError{m.Catalog.Text(lang, "privacy.err.wrong_key", map[string]any{"Key": name, "DB": file}), err}
	case errors.Is(err, ledger.ErrNotSealed):
		return &localError{m.Catalog.Text(lang, "privacy.err.not_sealed", map[string]any{"DB": file}), err}
	case errors.Is(err, ledger.ErrNotLedger):
		// Often the key file itself, given where the file to check goes.
		return &localError{m.Catalog.Text(lang, "privacy.err.check_not_ledger", map[string]any{"DB": file}), err}
	case errors.Is(err, ledger.ErrDamaged):
		return &localError{m.Catalog.Text(lang, "privacy.err.check_damaged", map[string]any{"DB": file, "Detail": damageDetail(err, file)}), err}
	case errors.Is(err, ledger.ErrLocked):
		return &localError{m.Catalog.Text(lang, "appliance.locked", map[string]any{"DB": file}), err}
	case err != nil:
		return err
	}
	_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "privacy.key.check_ok", map[string]any{"Key": name, "DB": file}))
	return err
}

// checkNoKey is key check's refusal of file when the key it would check
// with, the data file's, is missing: it names that key file and, when one
// lies beside file, the --key that checks with it.
func (m *Main) checkNoKey(file string, cause error) error {
	beside := filepath.Join(filepath.Dir(file), DefaultKeyFile)
	if _, err := os.Stat(beside); err != nil || sameFile(beside, m.keyFile(m.Config.DB)) {
		beside = ""
	}
	return &localError{m.Catalog.Text(m.Config.Lang, "keys.err.check_no_key", map[string]any{"DB": file, "Key": m.keyFile(m.Config.DB), "Beside": beside}), cause}
}

// newKeyPath and oldKeyPath are where a rotation keeps the new key before
// it replaces the key file, and the old key after.
func newKeyPath(keyFile string) string { return keyFile + ".new" }
func oldKeyPath(keyFile string) string { return keyFile + ".old" }

// usesKeyFile reports whether the data file db is opened with its key file
// (not DANGOL_KEY, not a rehearsal's own key): the key files a rotation
// leaves are then this Main's to settle.
func (m *Main) usesKeyFile(db string) bool {
	if strings.TrimSpace(m.Getenv("DANGOL_KEY")) != "" {
		return false
	}
	return m.rehearsal == nil || db != m.rehearsal.copy
}

// rotateKey runs `dangol key rotate` on the data file: see the order of
// its steps at the top of this file.
func (m *Main) rotateKey(ctx context.Context) error {
	db, lang := m.Config.DB, m.Config.Lang
	if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
		return &localError{m.Catalog.Text(lang, "keys.rotate.no_db", map[string]any{"DB": db}), err}
	}
	// The old key must open the file first: a missing key, another
	// file's key or a dangol serving the file stop the rotation here.
	if err := m.openStore(); err != nil {
		return err
	}
	next, err := ledger.NewKey()
	if err != nil {
		return err
	}
	m.progressLabel = "keys.progress.rotate"
	if !m.usesKeyFile(db) {
		return m.rotateEnvKey(ctx, next)
	}
	keyPath := m.keyFile(db)
	tmp, old := newKeyPath(keyPath), oldKeyPath(keyPath)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("key rotate: %w", err)
	}
	if err := writeKeyFile(tmp, next); err != nil {
		return fmt.Errorf("key rotate: %w", err) // nothing changed
	}
	if err := m.crash("key written"); err != nil {
		return err
	}
	if err := m.Store.RotateKey(ctx, next); err != nil {
		return m.rotateFailed(db, keyPath, err)
	}
	m.Logger.Info("master key rotated in the data file", "db", db, "key_file", keyPath)
	if err := m.crash("committed"); err != nil {
		return err
	}
	if err := m.installNewKey(keyPath); err != nil {
		// The file opens with the new key, which is in tmp: the next
		// start finishes what failed here.
		return fmt.Errorf("key rotate: the data file now opens with the key in %s only; move it to %s: %w", tmp, keyPath, err)
	}
	m.Logger.Info("new key file in place; the old key is kept beside it", "key_file", keyPath, "old", old, "days", oldKeyDays)
	_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "keys.rotate.done", map[string]any{"DB": db, "Key": keyPath, "Old": old, "Days": oldKeyDays}))
	return err
}

// keepEarlierOldKey makes room at old for the key being replaced. An old
// key left by an earlier rotation (a second rotation within its 30 days)
// still opens the backups made before that one: it is moved aside to
// "<old>-<its time>", never deleted. An old key equal to the key file (a
// rotation finished again after a crash) is only removed.
func keepEarlierOldKey(keyPath, old string) error {
	prev, err := os.ReadFile(old)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur, err := os.ReadFile(keyPath); err == nil && bytes.Equal(cur, prev) {
		return os.Remove(old)
	}
	at := time.Now()
	if fi, err := os.Stat(old); err == nil {
		at = fi.ModTime()
	}
	aside := old + "-" + at.Format("20060102-150405")
	for n := 2; ; n++ {
		if _, err := os.Stat(aside); errors.Is(err, fs.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s-%s-%d", old, at.Format("20060102-150405"), n)
	}
	return os.Rename(old, aside)
}

// installNewKey does steps 3 and 4 of a rotation whose commit is done:
// the key file to .old, .new over the key file.
func (m *Main) installNewKey(keyPath string) error {
	old := oldKeyPath(keyPath)
	if err := keepEarlierOldKey(keyPath, old); err != nil {
		return err
	}
	if err := os.Link(keyPath, old); err != nil {
		// No hard links on this file system (FAT on a USB stick): a copy.
		data, rerr := os.ReadFile(keyPath)
		if rerr != nil {
			return rerr
		}
		key, derr := decodeKey(string(data))
		if derr != nil {
			return derr
		}
		if err := writeKeyFile(old, key); err != nil {
			return err
		}
	}
	// A link shares the key file's time, from when that key was made:
	// the old key's days are counted from the rotation.
	now := m.now()
	if err := os.Chtimes(old, now, now); err != nil {
		return err
	}
	syncDir(filepath.Dir(old))
	if err := m.crash("old key kept"); err != nil {
		return err
	}
	if err := os.Rename(newKeyPath(keyPath), keyPath); err != nil {
		return err
	}
	syncDir(filepath.Dir(keyPath))
	return m.crash("renamed")
}

// rotateFailed reports a rotation whose transaction failed. A failed
// commit may still have reached the disk, so the data file is opened again
// the way a start opens it, which settles the key files either way.
func (m *Main) rotateFailed(db, keyPath string, cause error) error {
	m.Close()
	if err := m.openStore(); err != nil {
		return fmt.Errorf("key rotate: %w (and after it: %w)", cause, err)
	}
	return &localError{m.Catalog.Text(m.Config.Lang, "keys.rotate.failed", map[string]any{"DB": db, "Key": keyPath, "Err": cause}), cause}
}

// rotateEnvKey rotates to next a data file whose key is DANGOL_KEY: no file
// is written; the key is printed before the commit, so that a crash after
// it cannot leave a file whose key nobody has.
func (m *Main) rotateEnvKey(ctx context.Context, next []byte) error {
	db, lang := m.Config.DB, m.Config.Lang
	_, err := fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "keys.rotate.env_key", map[string]any{"Key": base64.StdEncoding.EncodeToString(next)}))
	if err != nil {
		return fmt.Errorf("key rotate: the new key could not be shown, so the key was not changed: %w", err)
	}
	if err := m.crash("key shown"); err != nil {
		return err
	}
	if err := m.Store.RotateKey(ctx, next); err != nil {
		m.Close()
		opts, oerr := m.withKey(db, nil, false)
		if oerr == nil {
			var s *ledger.Store
			s, oerr = ledger.Open(db, opts)
			if oerr == nil {
				s.Close()
			}
		}
		if errors.Is(oerr, ledger.ErrWrongKey) {
			return &localError{m.Catalog.Text(lang, "keys.rotate.env_unsure", map[string]any{"DB": db, "Err": err}), err}
		}
		return &localError{m.Catalog.Text(lang, "keys.rotate.env_kept", map[string]any{"DB": db, "Err": err}), err}
	}
	m.Logger.Info("master key rotated in the data file; DANGOL_KEY must be set to the new key", "db", db)
	_, err = fmt.Fprintln(m.Stdout, m.Catalog.Text(lang, "keys.rotate.env_done", map[string]any{"DB": db}))
	return err
}

// crash is a rotation step's test hook: keyFault, when set, may stop the
// rotation at the named step as a crash would (nothing after it runs).
func (m *Main) crash(step string) error {
	if m.keyFault == nil {
		return nil
	}
	return m.keyFault(step)
}

// oldKeyDays is how long the old key of a rotation is kept beside the key
// file: time to copy it apart for the backups made before the rotation,
// which only it opens. Only a start of serve or chat after that removes
// it; a command that reads (export, summary, backup, key check) never
// does. It went at the next command of any kind, with an English log line.
const oldKeyDays = 30

// settleKeyFiles runs once db has opened with its key file: a new key
// left by a rotation that never committed is removed (the key file opens
// the file, so that key opens nothing), and, at a start of serve or chat,
// the old key of a rotation done oldKeyDays ago or more, said in the
// shop's language.
func (m *Main) settleKeyFiles(db string) {
	if !m.usesKeyFile(db) {
		return
	}
	keyPath := m.keyFile(db)
	if err := os.Remove(newKeyPath(keyPath)); err == nil {
		m.Logger.Info("removed the new key of a key rotation that did not finish: the data file still opens with the key file", "removed", newKeyPath(keyPath), "key_file", keyPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		m.Logger.Warn("a key file left by a rotation cannot be removed", "path", newKeyPath(keyPath), "err", err)
	}
	old := oldKeyPath(keyPath)
	fi, err := os.Stat(old)
	if !m.startsService || err != nil || m.now().Sub(fi.ModTime()) < oldKeyDays*24*time.Hour {
		syncDir(filepath.Dir(keyPath))
		return
	}
	if err := os.Remove(old); err != nil {
		m.Logger.Warn("a key file left by a rotation cannot be removed", "path", old, "err", err)
		return
	}
	m.Logger.Info("removed the old key of a key rotation done 30 days ago or more: the data file opens with the new key", "removed", old, "key_file", keyPath)
	fmt.Fprintln(m.Stderr, m.Catalog.Text(m.Config.Lang, "keys.rotate.old_removed", map[string]any{"Old": old, "Days": oldKeyDays}))
	syncDir(filepath.Dir(keyPath))
}

// finishRotation is asked when the key file does not open db: if a
// rotation committed but stopped before its new key took the key file's
// place, the new key opens db. Then it finishes the rotation and returns
// the store open with the new key; otherwise nil.
func (m *Main) finishRotation(db string, opts *ledger.Options) *ledger.Store {
	if !m.usesKeyFile(db) {
		return nil
	}
	keyPath := m.keyFile(db)
	data, err := os.ReadFile(newKeyPath(keyPath))
	if err != nil {
		return nil
	}
	key, err := decodeKey(string(data))
	if err != nil {
		return nil
	}
	o, err := m.withKey(db, opts, false)
	if err != nil {
		return nil
	}
	o.Key = key
	s, err := ledger.Open(db, o)
	if err != nil {
		return nil
	}
	if err := m.installNewKey(keyPath); err != nil {
		s.Close()
		m.Logger.Error("the data file opens with the new key of a key rotation, which cannot be moved over the key file",
			"new", newKeyPath(keyPath), "key_file", keyPath, "err", err)
		return nil
	}
	m.Logger.Warn("finished a key rotation that stopped after its commit: the new key is now in the key file",
		"key_file", keyPath, "old", oldKeyPath(keyPath))
	fmt.Fprintln(m.Stderr, m.Catalog.Text(m.Config.Lang, "keys.rotate.finished", map[string]any{"DB": db, "Key": keyPath, "Old": oldKeyPath(keyPath)}))
	return s
}

// wrongKeyText words a data file db that key does not open. When key is
// the old key a rotation kept (dangol.key.old), the owner has put the key
// from before the rotation back: "use the key this file was made with"
// would send them to the very key they tried, so the message says the key
// was changed and that the new key opens the file.
func (m *Main) wrongKeyText(db string, key []byte) string {
	name := m.keyName(db)
	if m.usesKeyFile(db) {
		for _, kf := range []string{m.keyFile(db), filepath.Join(filepath.Dir(db), DefaultKeyFile)} {
			data, err := os.ReadFile(oldKeyPath(kf))
			if err != nil {
				continue
			}
			if old, err := decodeKey(string(data)); err == nil && bytes.Equal(old, key) {
				return m.Catalog.Text(m.Config.Lang, "keys.err.rotated_old", map[string]any{"Key": name, "DB": db, "Old": oldKeyPath(kf)})
			}
		}
	}
	return m.Catalog.Text(m.Config.Lang, "privacy.err.wrong_key", map[string]any{"Key": name, "DB": db})
}
