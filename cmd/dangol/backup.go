package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dangol/dangol/ledger"
)

// backup writes a consistent copy of the ledger to path. It reads through
// one ledger transaction (Store.Backup), so the copy is whole even if
// writes happen meanwhile; like every command it needs the file, so it
// cannot run beside a serving dangol.
func (m *Main) backup(ctx context.Context, path string, force bool) error {
	if err := refuseSameFile(path, m.Config.DB); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("backup: %s exists; pass --force to replace it", path)
	}
	if err := m.openStore(); err != nil {
		return err
	}
	var n int64
	err := writeOutput(m.Stdout, path, func(w io.Writer) error {
		var err error
		n, err = m.Store.Backup(ctx, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup %s: %w", m.Config.DB, err)
	}
	m.Logger.Info("backup written", "from", m.Config.DB, "to", path, "bytes", n)
	return nil
}

// restore replaces the ledger file with a backup. It refuses to replace an
// existing file without force, to replace a file another dangol holds, and
// to restore anything the ledger cannot open. The file it replaces is kept
// beside it as "<db>.before-restore".
func (m *Main) restore(ctx context.Context, from string, force bool) error {
	target := m.Config.DB
	if err := refuseSameFile(from, target); err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer src.Close()
	if fi, err := src.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		// bbolt would happily turn an empty file into a new, empty ledger.
		return fmt.Errorf("restore: %s is not a dangol data file (empty or not a regular file)", from)
	}
	_, err = os.Stat(target)
	exists := err == nil
	if exists && !force {
		return fmt.Errorf("restore: %s exists; pass --force to replace it (it is kept as %s.before-restore)", target, target)
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
	if err := checkLedger(tmp.Name()); err != nil {
		return fmt.Errorf("restore: %s is not a usable dangol data file: %w", from, err)
	}
	if exists {
		// Another dangol serving the target would keep writing to the file
		// we move away: refuse while it holds the lock.
		s, err := ledger.Open(target, nil)
		if errors.Is(err, ledger.ErrLocked) {
			return fmt.Errorf("restore: %s is in use by another dangol; stop it first: %w", target, err)
		}
		if err == nil {
			s.Close()
		}
		// A target that fails to open for another reason (corrupt) is
		// exactly what a restore is for.
		if err := os.Rename(target, target+".before-restore"); err != nil {
			return fmt.Errorf("restore: keep the old file: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	m.Logger.Info("restored", "from", from, "to", target)
	return nil
}

// checkLedger opens and closes the ledger file at path.
func checkLedger(path string) error {
	s, err := ledger.Open(path, nil)
	if err != nil {
		return err
	}
	return s.Close()
}

// refuseSameFile errors when a and b are the same file, which would make a
// backup overwrite its source or a restore copy a file onto itself.
func refuseSameFile(a, b string) error {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	same := errA == nil && errB == nil && os.SameFile(fa, fb)
	if !same && errors.Is(errA, fs.ErrNotExist) {
		absA, _ := filepath.Abs(a)
		absB, _ := filepath.Abs(b)
		same = absA == absB
	}
	if same {
		return usagef("%s is the data file itself; name another file", a)
	}
	return nil
}
