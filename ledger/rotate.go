package ledger

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Key rotation. The master key wraps the data keys (one per customer, one
// per unlinked sender of feedback), the file key and the key check value,
// and nothing else: the shop key and the blind indexes' key are derived
// from the file key (seal.go). Rotating the master key therefore re-wraps
// those few values in one transaction, and leaves every sealed record and
// every blind index as it is. A file of schema 2 has no file key of its
// own (its master key is its file key): its first rotation stores the old
// master key as the file key, wrapped by the new one, and makes it a file
// of schema 3 (see the Caveats of the package documentation for what that
// means for an old key that leaked).
//
// Key ids are random and stay the same under a new master key, so the
// erased-keys list (erasedkeys.go) is not touched by a rotation.

// wrappedBuckets are the buckets whose values are data keys wrapped by the
// master key (key id | sealed data key), which RotateKey re-wraps. A new
// kind of data key must be stored in one of them, or be added here:
// newDataKey refuses any other bucket, so a forgotten one fails its first
// test instead of being left under the old key by a rotation.
var wrappedBuckets = [][]byte{bucketKeys, bucketSenderKeys}

// isWrappedBucket reports whether RotateKey re-wraps the data keys of
// bucket.
func isWrappedBucket(bucket []byte) bool {
	return slices.ContainsFunc(wrappedBuckets, func(b []byte) bool { return bytes.Equal(b, bucket) })
}

// RotateKey makes newKey the master key of the open file: in one
// transaction it re-wraps every data key and the file key under newKey and
// replaces the key check value, so that from its commit on the file opens
// with newKey only, and until then with the old key only. If an error is
// returned nothing changed and the file still opens with the old key; the
// exception is an error of the commit itself (an fsync that failed), after
// which the file may open with either, and whoever rotates must keep both
// keys until one of them opens it. Other transactions wait while it runs.
// Options.Progress is told of the keys re-wrapped.
//
// A newKey of the wrong size returns an error wrapping ErrBadKey (or
// ErrNoKey); the key the file already has, one wrapping ErrInvalid.
func (s *Store) RotateKey(ctx context.Context, newKey []byte) error {
	next, err := newKeyring(newKey)
	if err != nil {
		return fmt.Errorf("ledger: rotate key of %s: %w", s.path, err)
	}
	if hmac.Equal(newKey, s.opts.Key) {
		return fmt.Errorf("ledger: rotate key of %s: %w", s.path, invalid("key", "the new key is the one the file has"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return ErrClosed
	}
	if err := next.useFileKey(s.kr.file); err != nil {
		return fmt.Errorf("ledger: rotate key of %s: %w", s.path, err)
	}
	if err := s.db.Update(func(btx *bolt.Tx) error { return s.rewrap(ctx, btx, next) }); err != nil {
		return fmt.Errorf("ledger: rotate key of %s: %w", s.path, err)
	}
	// Data keys are the same keys under a new wrapping: the cache of
	// opened ones stays good.
	s.kr.mu.Lock()
	next.cache = s.kr.cache
	s.kr.mu.Unlock()
	s.kr = next
	s.opts.Key = bytes.Clone(newKey)
	return nil
}

// rewrapped is one stored data key under its new wrapping.
type rewrapped struct{ k, v []byte }

// rewrap re-wraps, inside btx, everything the master key wraps from s.kr to
// next, and writes next's key meta (schema 3).
func (s *Store) rewrap(ctx context.Context, btx *bolt.Tx, next *keyring) error {
	total := 0
	for _, name := range wrappedBuckets {
		total += btx.Bucket(name).Stats().KeyN
	}
	s.progress(0, total)
	done := 0
	for _, name := range wrappedBuckets {
		b := btx.Bucket(name)
		// Collected first, put after: bbolt's cursors do not promise to
		// survive changes made while they walk.
		var out []rewrapped
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(v) < keyIDSize+sealOverhead {
				return fmt.Errorf("%w: %s %s: data key of %d bytes", ErrCorrupt, name, idOfAny(k), len(v))
			}
			ad := recordAD(name, k)
			key, err := unseal(s.kr.wrap, ad, v[keyIDSize:])
			if err != nil {
				return fmt.Errorf("%w: %s %s: %w", ErrDamaged, name, idOfAny(k), err)
			}
			nv := append(bytes.Clone(v[:keyIDSize]), seal(next.wrap, ad, key)...)
			out = append(out, rewrapped{bytes.Clone(k), nv})
		}
		for _, r := range out {
			if err := b.Put(r.k, r.v); err != nil {
				return fmt.Errorf("%s %s: %w", name, idOfAny(r.k), err)
			}
			done++
			if done%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				s.progress(done, total)
			}
			if s.fault != nil {
				if err := s.fault("rewrap", done); err != nil {
					return err
				}
			}
		}
	}
	if err := next.putKeyMeta(btx.Bucket(bucketMeta)); err != nil {
		return err
	}
	s.progress(total, total)
	if s.fault != nil {
		return s.fault("commit", done)
	}
	return nil
}

// progress tells Options.Progress, if set.
func (s *Store) progress(done, total int) {
	if s.opts.Progress != nil {
		s.opts.Progress(done, total)
	}
}

// schemaOf reads the schema version in meta (1 when there is none).
func schemaOf(meta *bolt.Bucket) uint64 {
	if v := meta.Get(metaSchema); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 1
}
