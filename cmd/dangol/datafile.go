package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// checkDataFile is asked before any command opens the data file path, so
// that no command turns what is not a ledger into a new, empty one:
//
//   - a file of zero bytes (a power cut or a copy cut short) is never a
//     ledger: bbolt would make it one, and staff would see "no customers"
//     and start registering again. Refused, with how to restore and how to
//     start over, whatever the command.
//   - a missing file while its key file is there means the file was moved,
//     the USB stick or share is not mounted yet, or dangol runs in the
//     wrong folder: refused, naming where it looked, unless the console or
//     serve is told --new. A first start (no key, no file) makes both.
//   - so is a missing file while DANGOL_KEY is set: a key given means a
//     ledger sealed with it, and the shop would meet an empty one with
//     that key as its own. A first start with a key set beforehand (a
//     service's secret) says --new once.
//   - a missing file for a command that does not create (create false) is
//     refused as cli.err.db_missing.
//
// A rehearsal's copy (chat --at) is dangol's own; the shop's file it
// copies is asked first (rehearse), so a missing one is refused alike.
func (m *Main) checkDataFile(path string, create bool) error {
	if m.rehearsal != nil && path == m.rehearsal.copy {
		return nil
	}
	lang := m.Config.Lang
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.Mode().IsRegular() && fi.Size() == 0 && create && m.newLedger:
		return nil // told to start over: bbolt makes the empty file a ledger
	case err == nil && fi.Mode().IsRegular() && fi.Size() == 0:
		return &localError{m.Catalog.Text(lang, "cli.err.db_empty", map[string]any{"DB": path, "Abs": abs, "BackupDir": m.Config.BackupDir}), errEmptyDataFile}
	case err == nil && fi.Mode().IsRegular():
		return m.checkWritable(path, abs)
	case !errors.Is(err, fs.ErrNotExist):
		return nil // opening it says what is wrong, if anything
	case !create:
		return &localError{m.Catalog.Text(lang, "cli.err.db_missing", map[string]any{"DB": path}), err}
	case m.newLedger:
		return nil
	case strings.TrimSpace(m.Getenv("DANGOL_KEY")) != "":
		return &localError{m.Catalog.Text(lang, "cli.err.db_missing_env_key", map[string]any{"DB": path, "Abs": abs, "Dir": filepath.Dir(abs)}), err}
	}
	key := m.keyFile(path)
	if fi, kerr := os.Stat(key); kerr != nil || !fi.Mode().IsRegular() {
		// A first start; or a folder where the key belongs, which
		// opening names.
		return nil
	}
	return &localError{m.Catalog.Text(lang, "cli.err.db_missing_key", map[string]any{"DB": path, "Abs": abs, "Dir": filepath.Dir(abs), "Key": key}), err}
}

// checkWritable refuses, in the shop's language, a data file this user
// may not write (copied from a CD or USB stick with the read-only
// attribute, or owned by another user), where opening it stopped with
// "permission denied", and says how to make it writable. A command that
// only reads (readsOnly: export, backup, summary) instead opens it
// read-only, as it does a file on a read-only disk (a failing disk the
// system remounted read-only stopped them with "cannot write": exactly
// when the shop needs its data out); readOnly says which.
func (m *Main) checkWritable(path, abs string) error {
	open := m.OpenRW
	if open == nil {
		open = func(path string) (*os.File, error) { return os.OpenFile(path, os.O_RDWR, 0) }
	}
	f, err := open(path)
	if err == nil {
		return f.Close()
	}
	if m.readsOnly && path == m.Config.DB {
		switch {
		case isErrno(err, readOnlyErrnos):
			m.readOnly = "cli.warn.db_read_only_disk"
			return nil
		case errors.Is(err, fs.ErrPermission):
			m.readOnly = "cli.warn.db_read_only_file"
			return nil
		}
	}
	if !errors.Is(err, fs.ErrPermission) {
		return nil // opening it says what is wrong
	}
	return &localError{m.Catalog.Text(m.Config.Lang, "cli.err.db_read_only", map[string]any{"DB": path, "Abs": abs}), err}
}

// errEmptyDataFile is the cause of the refusal of a data file of zero
// bytes.
var errEmptyDataFile = errors.New("the data file is empty (0 bytes)")
