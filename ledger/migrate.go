package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
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
				return fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			ss.Key = string(k)
			return tx.PutSession(ss)
		}},
		{bucketProfiles, func(tx *Tx, k, v []byte) error {
			var p Profile
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("%w: %v", ErrCorrupt, err)
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

// MigrationPlan is what a migration of a data file would do, as
// PlanMigration tells it.
type MigrationPlan struct {
	// From is the file's schema now (0: no file yet, or an empty one) and
	// To the one a migration leaves; equal when there is nothing to do.
	From, To uint64
	// Records of schema 1 whose personal part the migration seals (a
	// customer also gets a data key and blind indexes).
	Customers, Notes, Points, Feedback, Audit, Sessions, Profiles, LinkCodes int
	// Records is every record the migration reads, the total that
	// Options.Progress is told.
	Records int
	// Size is the file's size in bytes now. EstimatedSize is about how
	// much of the migrated file its data will fill: within 15% on
	// generated files of 100 to 20,000 customers (TestPlanMigration). The
	// file itself is larger, as bbolt allocates ahead: up to the next
	// power of two below 16 MB, up to 16 MB more above. Both are 0 when
	// there is nothing to do.
	Size, EstimatedSize int64
}

// Bytes a migration adds, on average, for each record of a kind: bbolt's
// 16-byte element header and the key of each new index entry, a sealed
// value's 29 bytes (a third more where JSON holds it as base64), a data
// key (85 bytes). planFill is bbolt's: it splits pages half full.
const (
	planIndexEntry   = 16 + blindSize + custKeyLen
	planDataKey      = 16 + custKeyLen + keyIDSize + sealOverhead + KeySize
	planSealedBinary = sealOverhead + 2
	planSealedJSON   = (sealOverhead+2)*4/3 + 12
	planFill         = 0.5
)

// PlanMigration reports, reading only, what the first Open with a key
// would do to the file at path: migrate it from schema 1, and how many
// records of each kind it would seal. It needs no key and writes nothing.
// A file already sealed returns From == To (nothing to do); a file of a
// newer schema an error wrapping ErrNewerSchema; a damaged one ErrDamaged;
// one another process holds ErrLocked; a missing one an error wrapping
// fs.ErrNotExist.
func PlanMigration(path string, timeout time.Duration) (MigrationPlan, error) {
	var p MigrationPlan
	fi, err := os.Stat(path)
	if err != nil {
		return p, fmt.Errorf("ledger: plan migration of %s: %w", path, err)
	}
	if fi.Size() == 0 {
		return p, nil
	}
	if timeout <= 0 {
		timeout = time.Second
	}
	db, err := openChecked(path, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if errors.Is(err, berrors.ErrTimeout) {
		return p, fmt.Errorf("ledger: plan migration of %s: %w (waited %s)", path, ErrLocked, timeout)
	}
	if err != nil {
		return p, fmt.Errorf("ledger: plan migration of %s: %w", path, err)
	}
	defer db.Close()
	if err := checkPages(db, path); err != nil {
		return p, err
	}
	if err := checkRoot(db, path); err != nil {
		return p, err
	}
	// The sizes of blind indexes do not depend on the key: any key
	// measures them, and this one is forgotten at once.
	kr, err := newKeyring(make([]byte, KeySize))
	if err != nil {
		return p, err
	}
	err = db.View(func(btx *bolt.Tx) error {
		meta := btx.Bucket(bucketMeta)
		if meta == nil {
			return nil // a bbolt file with nothing of dangol's yet
		}
		p.From = schemaOf(meta)
		if err := checkSchema(meta, p.From); err != nil {
			return err
		}
		p.To = p.From
		if p.From < 2 {
			p.To = SchemaVersion
		}
		return p.count(&Tx{tx: btx, kr: kr}, fi.Size())
	})
	if err != nil {
		return MigrationPlan{}, fmt.Errorf("ledger: plan migration of %s: %w", path, err)
	}
	return p, nil
}

// count fills the counts of p from the file in tx, and for a file of
// schema 1 the sizes.
func (p *MigrationPlan) count(tx *Tx, size int64) error {
	data, added := 0, 0
	for _, name := range migratedBuckets() {
		b := tx.tx.Bucket(name)
		if b == nil {
			continue
		}
		var n int
		err := b.ForEach(func(k, v []byte) error {
			n++
			data += 16 + len(k) + len(v)
			if p.From >= 2 {
				return nil
			}
			switch {
			case bytes.Equal(name, bucketCustomers):
				c, err := decodeCustomerV1(k, v)
				if err != nil {
					return err
				}
				entries := len(tx.nameBlinds(c.Name)) + len(c.Links) + len(c.Tags)
				if c.Phone != "" {
					entries += 2
				}
				added += planDataKey + planSealedJSON + len(v)/3 + entries*planIndexEntry
			case bytes.Equal(name, bucketSessions):
				added += planSealedJSON + len(v)/3 + blindSize - len(k)
			case bytes.Equal(name, bucketProfiles), bytes.Equal(name, bucketLinkCodes):
				added += blindSize - len(k)
			case bytes.Equal(name, bucketMeta):
			default:
				added += planSealedBinary
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		p.Records += n
		for _, c := range []struct {
			bucket []byte
			into   *int
		}{
			{bucketCustomers, &p.Customers}, {bucketNotes, &p.Notes}, {bucketPoints, &p.Points},
			{bucketFeedback, &p.Feedback}, {bucketAudit, &p.Audit}, {bucketSessions, &p.Sessions},
			{bucketProfiles, &p.Profiles}, {bucketLinkCodes, &p.LinkCodes},
		} {
			if bytes.Equal(name, c.bucket) {
				*c.into = n
			}
		}
	}
	if p.From >= 2 {
		return nil
	}
	p.Size = size
	const page = 4096
	pages := int64(float64(data+added)/planFill/page) + 4 // the meta pages, the freelist, the root
	p.EstimatedSize = pages * page
	return nil
}
