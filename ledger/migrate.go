package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Migration from schema 1 (every value in the clear) to the sealed schema
// (3: a file key of its own, seal.go). Open runs it on the first start with
// a key: the records are read from the old file and written, sealed and
// blindly indexed, into a new file beside it, which is synced and then
// renamed over the old one. Until the rename the old file is only read, so
// a migration stopped half-way (a crash, a full disk) leaves it exactly as
// it was, and the next Open starts over. Options.Progress is told of the
// records converted; PlanMigration says, reading only, what a migration
// would do.

// clearBuckets are copied as they are: they hold ids, times, counts and
// amounts only.
var clearBuckets = [][]byte{
	bucketCreated, bucketBirthdays, bucketErased, bucketVisits, bucketCustNotes, bucketFollowUps,
	bucketCustPoints, bucketBalances, bucketCustFeedback, bucketEvents, bucketEventTimes,
	bucketCursors, bucketPosted, bucketStaff, bucketCustAudit,
}

// migrateChunk is how many records one transaction of the new file takes.
// Small, because blind index keys are random: bbolt splits a node only at
// commit, so many random inserts into one transaction grow one node and
// cost quadratic time (measured: 5,000 customers with 8-character names
// took 6.8 s in one transaction, 0.4 s in chunks of 1,000).
var migrateChunk = 1000

// migrateFault, when set (tests), is called after each committed chunk
// with the records migrated so far; an error stops the migration there.
var migrateFault func(done int) error

// migrate converts the schema-1 file open as src into a sealed file at the
// same path and returns it open; src is closed in every case.
func (s *Store) migrate(src *bolt.DB) (*bolt.DB, error) {
	tmp := filepath.Join(filepath.Dir(s.path), "."+filepath.Base(s.path)+".migrate")
	fail := func(dst *bolt.DB, err error) (*bolt.DB, error) {
		if dst != nil {
			dst.Close()
		}
		os.Remove(tmp)
		src.Close()
		return nil, fmt.Errorf("ledger: migrate %s to sealed fields (the file is unchanged): %w", s.path, err)
	}
	_ = os.Remove(tmp) // a leftover of a stopped migration holds nothing we need
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: s.opts.Timeout, NoSync: true})
	if err != nil {
		return fail(nil, err)
	}
	if err := s.initSchema(dst); err != nil {
		return fail(dst, err)
	}
	err = src.View(func(stx *bolt.Tx) error { return s.migrateAll(stx, dst) })
	if err != nil {
		return fail(dst, err)
	}
	if err := dst.Sync(); err != nil {
		return fail(dst, err)
	}
	// dst keeps its lock on the new file across the rename, so no other
	// process can slip in between the swap and our use of it.
	if err := os.Rename(tmp, s.path); err != nil {
		return fail(dst, err)
	}
	syncDir(filepath.Dir(s.path))
	src.Close()
	dst.NoSync = s.opts.NoSync
	dst.MaxBatchDelay = s.opts.BatchDelay
	return dst, nil
}

// migrateAll copies and converts every bucket of stx into dst.
func (s *Store) migrateAll(stx *bolt.Tx, dst *bolt.DB) error {
	total := 0
	for _, name := range migratedBuckets() {
		if b := stx.Bucket(name); b != nil {
			total += b.Stats().KeyN
		}
	}
	s.progress(0, total)
	done := 0
	// each runs convert over the records of a source bucket, a chunk per
	// transaction of dst.
	each := func(name []byte, convert func(tx *Tx, k, v []byte) error) error {
		b := stx.Bucket(name)
		if b == nil {
			return nil
		}
		err := dst.Update(func(btx *bolt.Tx) error {
			return btx.Bucket(name).SetSequence(b.Sequence())
		})
		if err != nil {
			return err
		}
		c := b.Cursor()
		k, v := c.First()
		for k != nil {
			err := dst.Update(func(btx *bolt.Tx) error {
				tx := &Tx{tx: btx, kr: s.kr}
				for n := 0; k != nil && n < migrateChunk; n++ {
					if err := convert(tx, k, v); err != nil {
						return fmt.Errorf("%s %s: %w", name, idOfAny(k), err)
					}
					k, v = c.Next()
					done++
				}
				return nil
			})
			if err != nil {
				return err
			}
			s.progress(min(done, total), total)
			if migrateFault != nil {
				if err := migrateFault(done); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, name := range clearBuckets {
		err := each(name, func(tx *Tx, k, v []byte) error {
			return tx.bucket(name).Put(bytes.Clone(k), bytes.Clone(v))
		})
		if err != nil {
			return err
		}
	}
	for _, st := range migrateSteps() {
		if err := each(st.bucket, st.convert); err != nil {
			return err
		}
	}
	s.progress(total, total)
	return nil
}

// migrateStep converts the records of one bucket of schema 1.
type migrateStep struct {
	bucket  []byte
	convert func(tx *Tx, k, v []byte) error
}

// migratedBuckets are the buckets of schema 1 that a migration reads.
func migratedBuckets() [][]byte {
	out := slices.Clone(clearBuckets)
	for _, st := range migrateSteps() {
		out = append(out, st.bucket)
	}
	return out
}

// migrateSteps are the conversions of the buckets that hold personal data.
func migrateSteps() []migrateStep {
	return []migrateStep{
		{bucketMeta, func(tx *Tx, k, v []byte) error {
			if bytes.Equal(k, metaSchema) || bytes.Equal(k, metaRewrite) || bytes.Equal(k, metaKeyCheck) {
				return nil
			}
			return tx.bucket(bucketMeta).Put(bytes.Clone(k), bytes.Clone(v))
		}},
		{bucketCustomers, func(tx *Tx, k, v []byte) error {
			c, err := decodeCustomerV1(k, v)
			if err != nil {
				return err
			}
			ck := bytes.Clone(k)
			// Erased customers get a key too: their notes still carry
			// the staff's words about nothing personal (kept by schema 1),
			// and the migration must lose nothing.
			if _, err := tx.newCustKey(ck); err != nil {
				return err
			}
			if err := tx.putCustomer(ck, &c); err != nil {
				return err
			}
			return tx.indexCustomer(ck, &c, true)
		}},
		{bucketNotes, func(tx *Tx, k, v []byte) error {
			n, err := decodeNoteV1(k, v)
			if err != nil {
				return err
			}
			return tx.putNote(bytes.Clone(k), &n)
		}},
		{bucketPoints, func(tx *Tx, k, v []byte) error {
			p, err := decodePointsV1(k, v)
			if err != nil {
				return err
			}
			return tx.putPoints(bytes.Clone(k), &p)
		}},
		{bucketFeedback, func(tx *Tx, k, v []byte) error {
			f, err := decodeFeedbackV1(k, v)
			if err != nil {
				return err
			}
			return tx.putFeedback(bytes.Clone(k), &f)
		}},
		{bucketAudit, func(tx *Tx, k, v []byte) error {
			a, err := decodeAuditV1(k, v)
			if err != nil {
				return err
			}
			return tx.putAudit(bytes.Clone(k), &a)
		}},
		{bucketSessions, func(tx *Tx, k, v []byte) error {
			var ss Session
			if err := json.Unmarshal(v, &ss); err != nil {
				return fmt.Errorf("%w: %v", errCorrupt, err)
			}
			ss.Key = string(k)
			return tx.PutSession(ss)
		}},
		{bucketProfiles, func(tx *Tx, k, v []byte) error {
			var p Profile
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("%w: %v", errCorrupt, err)
			}
			p.ID = string(k)
			return tx.PutProfile(p)
		}},
		{bucketLinkCodes, func(tx *Tx, k, v []byte) error {
			bk := tx.linkCodeKey(string(k))
			if bk == nil {
				return nil
			}
			return tx.bucket(bucketLinkCodes).Put(bk, bytes.Clone(v))
		}},
	}
}
