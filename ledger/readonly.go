package ledger

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// readableAsIs says whether a file opened with Options.ReadOnly can be
// read without the writes Open makes to others: a sealed schema, every
// bucket, every index built (buildIndexes' flags and counts). Otherwise
// it returns an error wrapping ErrNeedsWrite.
func (s *Store) readableAsIs(db *bolt.DB, schema uint64) error {
	if schema < 2 {
		return fmt.Errorf("%w: schema %d is upgraded when opened", ErrNeedsWrite, schema)
	}
	return db.View(func(btx *bolt.Tx) error {
		for _, name := range allBuckets {
			if btx.Bucket(name) == nil && !bytes.Equal(name, bucketErasedKeys) {
				return fmt.Errorf("%w: bucket %s is made when opened", ErrNeedsWrite, name)
			}
		}
		tx := &Tx{tx: btx, kr: s.kr}
		meta := tx.bucket(bucketMeta)
		for _, flag := range [][]byte{metaTagIndex, metaActorIndex, metaNameIndex, metaFeedbackCounts} {
			if meta.Get(flag) == nil {
				return fmt.Errorf("%w: index %s is built when opened", ErrNeedsWrite, flag)
			}
		}
		if feedbackByCustomer.countsStale(tx) {
			return fmt.Errorf("%w: the feedback counts are rebuilt when opened", ErrNeedsWrite)
		}
		return nil
	})
}

// openReadOnly finishes Open of a file readableAsIs passed: the outbox
// count, and the erased-keys list, which may name nothing the file still
// holds (a restored backup's erasures are made again only by a write).
func (s *Store) openReadOnly(db *bolt.DB) (*Store, error) {
	if err := s.startPipeline(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", s.path, err)
	}
	s.db = db
	if err := s.applyErasedKeys(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// stillErased is applyErasedKeys' answer, with Options.ReadOnly, to a file
// that still holds n data keys the erased-keys list names.
func (s *Store) stillErased(n int) error {
	return fmt.Errorf("ledger: open %s: %w: %d people erased since this file was written are still in it", s.path, ErrNeedsWrite, n)
}
