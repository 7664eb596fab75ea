package ledger

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrNotSealed is returned by CheckKey for a file of schema 1, written
// before sealing: it holds no key check (the first Open with a key
// encrypts it).
var ErrNotSealed = errors.New("ledger: data file is not encrypted yet")

// keyCheckSample is how many records of each kind CheckKey opens.
const keyCheckSample = 50

// CheckKey reports whether key opens the ledger file at path, a data file
// or a backup, without writing anything: nil when the key check value
// opens and so do the first records of each kind (customers, notes,
// points, feedback, audit). Otherwise the error wraps ErrNoKey, ErrBadKey,
// ErrWrongKey, ErrNotSealed, ErrNewerSchema, ErrDamaged (a sealed value that
// does not open: changed on disk) or ErrLocked, and names the file.
func CheckKey(path string, key []byte) error {
	kr, err := newKeyring(key)
	if err != nil {
		return fmt.Errorf("ledger: check key of %s: %w", path, err)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("ledger: check key of %s: %w", path, err)
	}
	db, err := openChecked(path, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if errors.Is(err, berrors.ErrTimeout) {
		return fmt.Errorf("ledger: check key of %s: %w", path, ErrLocked)
	}
	if err != nil {
		return fmt.Errorf("ledger: check key of %s: %w", path, err)
	}
	defer db.Close()
	if err := checkPages(db, path); err != nil {
		return err
	}
	s := &Store{path: path, kr: kr}
	schema, err := s.checkKey(db)
	switch {
	case err != nil:
		return fmt.Errorf("ledger: check key of %s: %w", path, err)
	case schema < 2:
		return fmt.Errorf("ledger: check key of %s: %w", path, ErrNotSealed)
	}
	err = db.View(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx, kr: kr}
		for _, b := range []struct {
			name []byte
			open func(k, v []byte) error
		}{
			{bucketCustomers, func(k, _ []byte) error { _, err := tx.customer(k); return err }},
			{bucketNotes, func(k, v []byte) error { _, err := tx.decodeNote(k, v); return err }},
			{bucketPoints, func(k, v []byte) error { _, err := tx.openPoints(k, v); return err }},
			{bucketFeedback, func(k, v []byte) error { _, err := tx.decodeFeedback(k, v); return err }},
			{bucketAudit, func(k, v []byte) error { _, err := tx.decodeAudit(k, v); return err }},
		} {
			bk := btx.Bucket(b.name)
			if bk == nil {
				continue
			}
			c := bk.Cursor()
			n := 0
			for k, v := c.First(); k != nil && n < keyCheckSample; k, v = c.Next() {
				if err := b.open(k, v); err != nil {
					return fmt.Errorf("%w: %s: %w", ErrDamaged, path, err)
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ledger: check key of %s: %w", path, err)
	}
	return nil
}
