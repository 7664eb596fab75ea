package ledger

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrDamaged is returned by Open when the file is not a bbolt file, or one
// whose pages fail bbolt's consistency check (a truncated copy, a zeroed
// page, flipped bytes in the tree): serving it would panic on the first read
// of the bad page, or worse, hand out wrong data. The error names the file;
// the cure is a restore from a backup.
var ErrDamaged = errors.New("ledger: data file is damaged")

// maxCheckErrors bounds what a consistency check collects: the first one
// decides, the few after it help whoever looks at the file.
const maxCheckErrors = 3

// damaged says whether err from bbolt's Open means a broken file rather than
// a problem of the host: the host's problems (permissions, a missing
// folder, the lock) come as *fs.PathError or ErrTimeout, and bbolt reports
// some broken files with unexported errors ("file size too small").
func damaged(err error) bool {
	var pe *fs.PathError
	switch {
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return true
	case errors.Is(err, berrors.ErrTimeout), errors.As(err, &pe):
		return false
	}
	return true
}

// openChecked opens path with bbolt, turning the panics bbolt raises on some
// broken files (a freelist pointing past the end) into ErrDamaged.
func openChecked(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrDamaged, path, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, opts)
	if err != nil && damaged(err) {
		return nil, fmt.Errorf("%w: %s: %w", ErrDamaged, path, err)
	}
	return db, err
}

// checkPages runs bbolt's consistency check over every page reachable from
// the root (bbolt recovers the panics a bad page causes and reports them),
// and returns ErrDamaged with the first problems found.
func checkPages(db *bolt.DB, path string) error {
	var found []error
	err := db.View(func(tx *bolt.Tx) error {
		// A truncated copy keeps valid meta pages that point past its end;
		// touching those pages would fault (SIGBUS), which no recover
		// catches, so the size is checked before any page is read.
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.Size() < tx.Size() {
			return fmt.Errorf("file is %d bytes, its pages need %d: it was cut short", fi.Size(), tx.Size())
		}
		for err := range tx.Check() {
			if len(found) < maxCheckErrors {
				found = append(found, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDamaged, path, err)
	}
	if len(found) > 0 {
		return fmt.Errorf("%w: %s: %w", ErrDamaged, path, errors.Join(found...))
	}
	return nil
}
