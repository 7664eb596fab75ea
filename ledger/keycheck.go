package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
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

// KeyCheckSample is how many sealed records CheckKey opens, spread over
// the file (see CheckSealed).
const KeyCheckSample = 200

// loadFileKey reads the file key of a sealed file whose key check has
// passed: the wrapped one in meta (schema 3), or the master key itself
// (schema 2).
func (kr *keyring) loadFileKey(meta *bolt.Bucket, schema uint64) error {
	if schema < 3 {
		return nil // newKeyring already took the master key as the file key
	}
	stored := meta.Get(metaFileKey)
	if stored == nil {
		return fmt.Errorf("%w: schema %d file without its file key", ErrDamaged, schema)
	}
	if err := kr.openFileKey(stored); err != nil {
		// The key check opened, so the master key is right: the stored
		// file key itself was changed.
		return fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	return nil
}

// putKeyMeta writes what a file of the current schema keeps about its keys
// into meta: the key check value, the wrapped file key and the schema.
func (kr *keyring) putKeyMeta(meta *bolt.Bucket) error {
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], SchemaVersion)
	for _, kv := range [][2][]byte{
		{metaKeyCheck, kr.keyCheck()},
		{metaFileKey, kr.wrappedFileKey()},
		{metaSchema, v[:]},
	} {
		if err := meta.Put(kv[0], kv[1]); err != nil {
			return fmt.Errorf("meta %s: %w", kv[0], err)
		}
	}
	return nil
}

// CheckKey reports whether key opens the ledger file at path, a data file
// or a backup, without writing anything: nil when the key check value
// opens and so do KeyCheckSample sealed records spread over the file
// (customers, notes, points, feedback, audit, sessions). Otherwise the
// error wraps ErrNoKey, ErrBadKey, ErrWrongKey, ErrNotSealed,
// ErrNewerSchema, ErrDamaged (a sealed value that does not open: changed
// on disk) or ErrLocked, and names the file.
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
		_, err := (&Tx{tx: btx, kr: kr}).checkSample(path, KeyCheckSample)
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger: check key of %s: %w", path, err)
	}
	return nil
}

// CheckSealed opens up to n sealed records spread evenly over the open
// file: customers, notes, points entries, feedback, audit entries and
// sessions, in that order, each kind's share going to the next when it has
// fewer records. It returns how many it opened. A record whose sealed value
// fails GCM's authentication (bytes changed on disk, a value moved to
// another record) or whose blind index does not match it returns an error
// wrapping ErrDamaged that names the file and the record. dangol restore
// asks it of a backup before installing it: bbolt's consistency check sees
// the tree, not the bytes inside values.
func (s *Store) CheckSealed(ctx context.Context, n int) (int, error) {
	var opened int
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		opened, err = tx.checkSample(s.path, n)
		return err
	})
	if err != nil {
		return opened, fmt.Errorf("ledger: check sealed values of %s: %w", s.path, err)
	}
	return opened, nil
}

// sampleKind is a bucket of sealed records and how to open one.
type sampleKind struct {
	name []byte
	open func(k, v []byte) error
}

func (tx *Tx) sampleKinds() []sampleKind {
	return []sampleKind{
		{bucketCustomers, func(k, _ []byte) error { _, err := tx.customer(k); return err }},
		{bucketNotes, func(k, v []byte) error { _, err := tx.decodeNote(k, v); return err }},
		{bucketPoints, func(k, v []byte) error { _, err := tx.openPoints(k, v); return err }},
		{bucketFeedback, func(k, v []byte) error { _, err := tx.decodeFeedback(k, v); return err }},
		{bucketAudit, func(k, v []byte) error { _, err := tx.decodeAudit(k, v); return err }},
		{bucketSessions, func(k, v []byte) error {
			ss, err := tx.decodeSession(k, v)
			if err == nil && !bytes.Equal(tx.sessionBlind(ss.Key), k) {
				// The index key is derived from the file key: a session
				// found under another blind key says the derivation broke.
				err = fmt.Errorf("session stored under a blind key that is not its key's")
			}
			return err
		}},
	}
}

// checkSample opens up to n records spread over the sample kinds; path
// names the file in errors.
func (tx *Tx) checkSample(path string, n int) (int, error) {
	kinds := tx.sampleKinds()
	opened := 0
	for i, kind := range kinds {
		b := tx.bucket(kind.name)
		if b == nil {
			continue
		}
		quota := (n - opened) / (len(kinds) - i)
		if i == len(kinds)-1 {
			quota = n - opened
		}
		done, err := spread(b, quota, kind.open)
		opened += done
		if err != nil {
			return opened, fmt.Errorf("%w: %s: %s: %w", ErrDamaged, path, kind.name, err)
		}
	}
	return opened, nil
}

// spread calls open on up to quota records of b spread evenly over its
// keys, read as big-endian numbers (time keys, customer keys and blind
// keys all spread that way), and returns how many it opened.
func spread(b *bolt.Bucket, quota int, open func(k, v []byte) error) (int, error) {
	c := b.Cursor()
	first, _ := c.First()
	last, _ := c.Last()
	if first == nil || quota <= 0 {
		return 0, nil
	}
	lo, hi := keyNumber(first), keyNumber(last)
	var prev []byte
	done := 0
	for i := range quota {
		target := lo
		if quota > 1 && hi > lo {
			target = lo + uint64(float64(hi-lo)*float64(i)/float64(quota-1))
		}
		var key [8]byte
		binary.BigEndian.PutUint64(key[:], target)
		k, v := c.Seek(key[:])
		if k != nil && prev != nil && bytes.Compare(k, prev) <= 0 {
			// Few records, or many in one place: take the next one
			// instead of the same one again.
			c.Seek(prev)
			k, v = c.Next()
		}
		if k == nil {
			break
		}
		if err := open(k, v); err != nil {
			return done, fmt.Errorf("%s: %w", idOfAny(k), err)
		}
		prev = bytes.Clone(k)
		done++
	}
	return done, nil
}

// keyNumber reads the first 8 bytes of k (zero-padded) as a big-endian
// number.
func keyNumber(k []byte) uint64 {
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}
