package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version this code writes into the meta bucket.
// Open refuses a file with a higher one.
const SchemaVersion = 1

// ErrClosed is returned by Update, View and Backup after Close.
var ErrClosed = errors.New("ledger: store is closed")

// Bucket names. Index buckets hold keys only (values are empty) unless said.
var (
	bucketMeta         = []byte("meta")          // "schema" -> uint64, "rewrite" -> pending erase rewrite
	bucketCustomers    = []byte("customers")     // custKey -> JSON Customer
	bucketPhones       = []byte("cust_phone")    // phone digits -> custKey
	bucketPhoneLast4   = []byte("cust_phone4")   // last 4 digits + custKey
	bucketNames        = []byte("cust_name")     // normalized name + 0x00 + custKey
	bucketLinks        = []byte("cust_link")     // platform id -> custKey
	bucketCreated      = []byte("cust_created")  // sortable nanos + custKey
	bucketBirthdays    = []byte("cust_birthday") // "MMDD" + custKey
	bucketErased       = []byte("cust_erased")   // custKey, so writers need not decode the customer
	bucketVisits       = []byte("visits")        // custKey -> visits, first, last (varints)
	bucketNotes        = []byte("notes")         // time key -> binary Note
	bucketCustNotes    = []byte("cust_notes")    // custKey + time key
	bucketFollowUps    = []byte("followups")     // sortable nanos of the follow-up + note key
	bucketPoints       = []byte("points")        // time key -> binary PointsEntry
	bucketCustPoints   = []byte("cust_points")   // custKey + time key
	bucketBalances     = []byte("balances")      // custKey -> varint balance
	bucketFeedback     = []byte("feedback")      // time key -> binary Feedback
	bucketCustFeedback = []byte("cust_feedback") // custKey + time key
	bucketEvents       = []byte("events")        // event id -> sortable nanos
	bucketEventTimes   = []byte("event_time")    // sortable nanos + event id
	bucketCursors      = []byte("cursors")       // name -> int64
	bucketPosted       = []byte("posted")        // key -> sortable nanos
	bucketSessions     = []byte("sessions")      // key -> JSON Session
	bucketProfiles     = []byte("profiles")      // platform id -> JSON Profile
	bucketStaff        = []byte("staff")         // platform id -> JSON StaffMember
	bucketLinkCodes    = []byte("link_codes")    // code -> custKey + sortable expiry
	bucketAudit        = []byte("audit")         // time key -> binary AuditEntry
	bucketCustAudit    = []byte("cust_audit")    // custKey + time key
)

var allBuckets = [][]byte{
	bucketMeta, bucketCustomers, bucketPhones, bucketPhoneLast4, bucketNames,
	bucketLinks, bucketCreated, bucketBirthdays, bucketErased, bucketVisits, bucketNotes,
	bucketCustNotes, bucketFollowUps, bucketPoints, bucketCustPoints,
	bucketBalances, bucketFeedback, bucketCustFeedback, bucketEvents,
	bucketEventTimes, bucketCursors, bucketPosted, bucketSessions,
	bucketProfiles, bucketStaff, bucketLinkCodes, bucketAudit, bucketCustAudit,
}

var (
	metaSchema  = []byte("schema")
	metaRewrite = []byte("rewrite") // set by an erasure, cleared once the file is rewritten
)

// Options configure Open.
type Options struct {
	// Timeout bounds the wait for the file lock; 0 means one second.
	Timeout time.Duration
	// NoSync skips fsync on commit (benchmarks of non-durable paths, bulk loads).
	NoSync bool
	// BatchDelay is how long concurrent writers are collected into one
	// commit; 0 means DefaultBatchDelay.
	BatchDelay time.Duration
	// OnCommit, when set, is told how long each read-write transaction
	// took to commit and the commit's error (see observe.go). It is called
	// on the writer's goroutine and must return at once.
	OnCommit func(d time.Duration, err error)
}

// DefaultBatchDelay is the collection window for concurrent writers. bbolt's
// own 10 ms caps a busy store at about a hundred commits a second whatever
// the disk; with 1 ms, 64 durable writers measured 4x the throughput of
// 10 ms (BenchmarkAddNote), and writers arriving while a commit waits on
// fsync still pile into the next batch.
const DefaultBatchDelay = time.Millisecond

// Store is the ledger: one bbolt file.
type Store struct {
	path string
	opts Options

	// mu is held shared by every transaction and exclusively while the file
	// is swapped for its rewritten copy after an erasure, and by Close.
	mu       sync.RWMutex
	db       *bolt.DB // nil once closed
	inflight atomic.Int32
}

// Tx is one ledger transaction; every method works inside it, and if the
// function given to Update returns an error, nothing of it is kept. A Tx must
// not be used after its function returns, nor from several goroutines.
type Tx struct {
	tx     *bolt.Tx
	erased bool // an erasure happened: the store rewrites the file after commit
}

// Open opens (creating if needed) the ledger file at path. A file held by
// another process returns an error wrapping ErrLocked that names the file; a
// file with a newer schema returns one wrapping ErrNewerSchema; a file that
// is not a ledger or fails the consistency check returns one wrapping
// ErrDamaged, and is left unchanged.
func Open(path string, opts *Options) (*Store, error) {
	s := &Store{path: path}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Timeout <= 0 {
		s.opts.Timeout = time.Second
	}
	if s.opts.BatchDelay <= 0 {
		s.opts.BatchDelay = DefaultBatchDelay
	}
	db, err := s.openBolt(path)
	if err != nil {
		return nil, err
	}
	// Checked before anything is written: a damaged file is left as it was
	// for the restore, never "repaired" by a write on top of it.
	if err := checkPages(db, path); err != nil {
		db.Close()
		return nil, err
	}
	pending, err := initSchema(db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	s.db = db
	if pending {
		// A previous process erased someone and stopped before rewriting
		// the file: finish the job before serving.
		if err := s.rewrite(); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) openBolt(path string) (*bolt.DB, error) {
	db, err := openChecked(path, &bolt.Options{Timeout: s.opts.Timeout, NoSync: s.opts.NoSync})
	if errors.Is(err, ErrDamaged) {
		return nil, err
	}
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("ledger: open %s: %w (waited %s)", path, ErrLocked, s.opts.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	db.MaxBatchDelay = s.opts.BatchDelay
	return db, nil
}

// initSchema checks the schema version and creates missing buckets. It
// reports whether an erasure rewrite is pending.
func initSchema(db *bolt.DB) (pending bool, err error) {
	err = db.Update(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			if v := meta.Get(metaSchema); len(v) == 8 {
				if got := binary.BigEndian.Uint64(v); got > SchemaVersion {
					return fmt.Errorf("%w: file has schema %d, this dangol knows up to %d", ErrNewerSchema, got, SchemaVersion)
				}
			}
			pending = meta.Get(metaRewrite) != nil
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], SchemaVersion)
		return tx.Bucket(bucketMeta).Put(metaSchema, v[:])
	})
	return pending, err
}

// Close closes the file. In-flight transactions finish first.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	if err != nil {
		return fmt.Errorf("ledger: close %s: %w", s.path, err)
	}
	return nil
}

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Update runs fn in one read-write transaction. Concurrent callers are
// coalesced into shared commits (bbolt Batch), so fn may run more than once
// and must be idempotent (check the event id first); a lone caller commits
// alone without the batch delay.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var erased bool
	var fnErr error
	run := func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx}
		err := fn(tx)
		erased, fnErr = tx.erased, err
		return err
	}
	start := time.Now()
	err := func() error {
		s.mu.RLock()
		defer s.mu.RUnlock()
		if s.db == nil {
			return ErrClosed
		}
		// Batch only pays off when another writer is waiting; alone it
		// would add its 10 ms collection delay to every commit.
		if s.inflight.Add(1) > 1 {
			defer s.inflight.Add(-1)
			return s.db.Batch(run)
		}
		defer s.inflight.Add(-1)
		return s.db.Update(run)
	}()
	s.observeCommit(start, err, fnErr)
	if err != nil {
		return err
	}
	if erased {
		if err := s.rewrite(); err != nil {
			return fmt.Errorf("ledger: committed, but erased data may remain in the file until the next erasure or Open: %w", err)
		}
	}
	return nil
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed
	}
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx}) })
}

// Backup writes a consistent copy of the file to w while serving.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("ledger: backup: %w", err)
	}
	return n, nil
}

// rewrite copies the live data into a fresh file and swaps it in, so the
// bytes an erasure removed do not linger in free pages (bbolt never zeroes
// them). It holds the store exclusively while it runs.
func (s *Store) rewrite() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return ErrClosed
	}
	var pending bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		pending = tx.Bucket(bucketMeta).Get(metaRewrite) != nil
		return nil
	}); err != nil {
		return fmt.Errorf("ledger: rewrite %s: %w", s.path, err)
	}
	if !pending {
		return nil // a concurrent erasure's rewrite already covered this one
	}
	tmp := filepath.Join(filepath.Dir(s.path), "."+filepath.Base(s.path)+".rewrite")
	_ = os.Remove(tmp) // a leftover of a crashed rewrite holds nothing we need
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: s.opts.Timeout, NoSync: s.opts.NoSync})
	if err != nil {
		return fmt.Errorf("ledger: rewrite %s: %w", s.path, err)
	}
	dst.MaxBatchDelay = s.opts.BatchDelay
	fail := func(err error) error {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("ledger: rewrite %s: %w", s.path, err)
	}
	if err := bolt.Compact(dst, s.db, 32<<20); err != nil {
		return fail(err)
	}
	if err := dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(metaRewrite) }); err != nil {
		return fail(err)
	}
	if err := dst.Sync(); err != nil {
		return fail(err)
	}
	// dst keeps its lock on the new file across the rename, so no other
	// process can slip in between the swap and our use of it.
	if err := os.Rename(tmp, s.path); err != nil {
		return fail(err)
	}
	syncDir(filepath.Dir(s.path))
	old := s.db
	s.db = dst
	if err := old.Close(); err != nil {
		return fmt.Errorf("ledger: rewrite %s: close old file: %w", s.path, err)
	}
	return nil
}

// syncDir makes a rename durable; failure only weakens crash safety.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// bucket returns a top-level bucket, which Open guarantees exists.
func (tx *Tx) bucket(name []byte) *bolt.Bucket { return tx.tx.Bucket(name) }

// markRewrite records that the file must be rewritten after this commit.
func (tx *Tx) markRewrite() error {
	tx.erased = true
	return tx.bucket(bucketMeta).Put(metaRewrite, []byte{1})
}
