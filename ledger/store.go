package ledger

import (
	"bytes"
	"context"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version this code writes into the meta bucket.
// Open refuses a file with a higher one. Version 1 kept every value in the
// clear; version 2 seals personal data (seal.go) and indexes it blindly,
// under keys derived from the master key; version 3 derives the shop and
// index keys from a file key wrapped by the master key instead, so the
// master key can be rotated (rotate.go). Open migrates a version-1 file
// (migrate.go) and creates files of version 3; a file of version 2 keeps
// that version, and the keys its master key derives, until its first key
// rotation.
const SchemaVersion = 3

// ErrClosed is returned by Update, View and Backup after Close.
var ErrClosed = errors.New("ledger: store is closed")

// Bucket names. Index buckets hold keys only (values are empty) unless said.
var (
	bucketMeta         = []byte("meta")          // "schema" -> uint64, "keycheck" -> sealed check value, "filekey" -> wrapped file key
	bucketKeys         = []byte("keys")          // custKey -> key id + wrapped data key
	bucketSenderKeys   = []byte("sender_keys")   // blind sender id -> key id + wrapped data key
	bucketCustomers    = []byte("customers")     // custKey -> JSON clear fields + sealed personal ones
	bucketPhones       = []byte("cust_phone")    // blind phone -> custKey
	bucketPhoneLast4   = []byte("cust_phone4")   // blind last 4 digits + custKey
	bucketNames        = []byte("cust_name")     // blind name, name prefix or name suffix + custKey
	bucketLinks        = []byte("cust_link")     // blind platform id -> custKey
	bucketCreated      = []byte("cust_created")  // sortable nanos + custKey
	bucketBirthdays    = []byte("cust_birthday") // "MMDD" + custKey
	bucketErased       = []byte("cust_erased")   // custKey, so writers need not decode the customer
	bucketVisits       = []byte("visits")        // custKey -> visits, first, last (varints)
	bucketNotes        = []byte("notes")         // time key -> binary Note
	bucketCustNotes    = []byte("cust_notes")    // custKey + time key
	bucketFollowUps    = []byte("followups")     // sortable nanos of the follow-up + note key
	bucketPoints       = []byte("points")        // time key -> binary PointsEntry
	bucketCustPoints   = []byte("cust_points")   // custKey + time key -> the key of its correction, if reversed (corrections.go)
	bucketBalances     = []byte("balances")      // custKey -> varint balance
	bucketFeedback     = []byte("feedback")      // time key -> binary Feedback
	bucketCustFeedback = []byte("cust_feedback") // custKey + time key
	bucketEvents       = []byte("events")        // event id -> sortable nanos
	bucketEventTimes   = []byte("event_time")    // sortable nanos + event id
	bucketCursors      = []byte("cursors")       // name -> int64
	bucketPosted       = []byte("posted")        // key -> sortable nanos
	bucketSessions     = []byte("sessions")      // blind key -> JSON Session, key and draft sealed
	bucketProfiles     = []byte("profiles")      // blind platform id -> JSON Profile
	bucketStaff        = []byte("staff")         // platform id -> JSON StaffMember
	bucketLinkCodes    = []byte("link_codes")    // blind code -> custKey + sortable expiry (+ pair, or used-by blind + used at)
	bucketAudit        = []byte("audit")         // time key -> binary AuditEntry, actor and detail sealed
	bucketCustAudit    = []byte("cust_audit")    // custKey + time key
)

var allBuckets = [][]byte{
	bucketMeta, bucketKeys, bucketSenderKeys, bucketCustomers, bucketPhones, bucketPhoneLast4, bucketNames,
	bucketLinks, bucketCreated, bucketBirthdays, bucketErased, bucketVisits, bucketNotes,
	bucketCustNotes, bucketFollowUps, bucketPoints, bucketCustPoints,
	bucketBalances, bucketFeedback, bucketCustFeedback, bucketEvents,
	bucketEventTimes, bucketCursors, bucketPosted, bucketSessions,
	bucketProfiles, bucketStaff, bucketLinkCodes, bucketAudit, bucketCustAudit,
	bucketCustTags, bucketActorAudit,
	bucketOutbox, bucketOutboxEvent, bucketOutboxCustomer, // outbox.go
	// loyalty.go
	bucketProgramme, bucketTiers, bucketLoyaltyLog, bucketNotices, bucketNoticePending, bucketStamps,
	bucketCustStamps, bucketStampCards, bucketCoupons, bucketCustCoupons, bucketCouponCodes, bucketCouponDue,
	bucketLots, bucketLotOpen, bucketLotDue, bucketLotTakes, bucketLotState,
	// thread.go
	bucketThreads, bucketThreadMsgs, bucketThreadOpen, bucketThreadTime, bucketThreadLast, bucketCustThreads, bucketThreadFB,
	bucketThreadRefs,      // refs.go
	bucketThreadMedia,     // thread_media.go
	bucketUnreachable,     // reach.go
	bucketMarketing,       // marketing.go
	bucketRetentionNotice, // retention_notice.go
	// campaign.go
	bucketCampaigns, bucketCampaignRcpt, bucketCampaignQueue, bucketCustCampaigns,
	bucketOutreach, bucketCustOutreach, // outreach.go
	bucketWinBack, bucketWinBackQueue, // winback.go
	bucketCustFeedbackLog, bucketCustThreadsLog, bucketCustFeedbackN, // deferred_index.go
	bucketErasedKeys, // erasedkeys.go
}

var (
	metaSchema  = []byte("schema")
	metaRewrite = []byte("rewrite") // schema 1 only: an erasure's rewrite was pending
)

// Options configure Open.
type Options struct {
	// Timeout bounds the wait for the file lock; 0 means one second.
	Timeout time.Duration
	// NoSync skips fsync on commit (benchmarks of non-durable paths, bulk loads).
	NoSync bool
	// BatchDelay was how long concurrent writers were collected into one
	// commit.
	//
	// Deprecated: Update no longer waits for a window: a commit starts as
	// soon as the previous one ends and takes every writer queued
	// meanwhile (pipeline.go). Update ignores the value.
	BatchDelay time.Duration
	// MarkDelay is how long queued marks (QueueMarks) and sent outbox
	// entries (Sent) wait for a commit to ride on before the store commits
	// them by themselves; 0 means DefaultMarkDelay.
	MarkDelay time.Duration
	// Key is the shop's master key, KeySize bytes (NewKey makes one). It
	// is required: Open without it fails with ErrNoKey, with a key of
	// another size with ErrBadKey, with another file's key with
	// ErrWrongKey, each before anything is written.
	Key []byte
	// ErasedKeys is the path of the erased-keys list: a small text file,
	// kept beside the key and apart from the backups, to which every
	// erasure appends the ids of the data keys it destroyed (before its
	// transaction commits). Open destroys those keys again in whatever
	// file it opens, so a restored backup taken before an erasure shows
	// the person as erased. Empty: no list (old backups then still hold
	// the erased person's key).
	ErasedKeys string
	// OnCommit, when set, is told how long each read-write transaction
	// took to commit and the commit's error (see observe.go). It is called
	// on the writer's goroutine and must return at once.
	OnCommit func(d time.Duration, err error)
	// Progress, when set, is told how far a long job of Open or of
	// RotateKey has come: records done of total, from (0, total) to
	// (total, total). It is called on the job's goroutine, often: it must
	// return at once (a progress bar, not a log line per call).
	Progress func(done, total int)
	// ReadOnly opens the file for reading only (bbolt's ReadOnly: the
	// file opened O_RDONLY under a shared lock), for a file on a disk the
	// system remounted read-only or one this user may not write: export,
	// backup and summary still get the data out. Nothing is written;
	// Update fails wrapping ErrReadOnly. A file that must be written to
	// open (new, of schema 1, missing a bucket or an index, or with
	// erasures of the erased-keys list to apply again) is refused with an
	// error wrapping ErrNeedsWrite, rather than read half-upgraded or with
	// an erased person's data.
	ReadOnly bool
}

// ErrNeedsWrite is returned (wrapped) by Open with Options.ReadOnly for a
// file that opening must write to: a copy on a writable disk opens.
var ErrNeedsWrite = errors.New("ledger: the file must be written to before it can be read (opened read-only)")

// DefaultBatchDelay was the collection window for concurrent writers.
//
// Deprecated: the commit pipeline has no window (see Options.BatchDelay).
const DefaultBatchDelay = time.Millisecond

// Store is the ledger: one bbolt file.
type Store struct {
	path string
	opts Options
	kr   *keyring

	// mu is held shared by every transaction and exclusively by Close.
	mu sync.RWMutex
	db *bolt.DB // nil once closed

	pipe pipeline // writers, marks and sent outbox entries waiting to commit
	// outboxN counts the committed outbox entries; outboxSent those of
	// them queued as sent but not yet deleted (outbox.go).
	outboxN, outboxSent atomic.Int64

	// fault, set by tests, is called at each named step of a key rotation
	// (rotate.go); an error stops it there as a crash would.
	fault func(step string, done int) error
}

// Tx is one ledger transaction; every method works inside it, and if the
// function given to Update returns an error, nothing of it is kept. A Tx must
// not be used after its function returns, nor from several goroutines.
type Tx struct {
	tx          *bolt.Tx
	kr          *keyring
	shredded    []shredded          // data keys erased in this transaction
	outboxAdded int                 // outbox entries added in this transaction
	audited     []string            // customers audited in this transaction (Audited)
	auditedSet  map[string]struct{} // audited as a set, once it is long (noteAudited)
	// pipe, when set, lets SeenEvent and Cursor see marks still queued
	// (pipeline.go): what this process handled, committed or not yet.
	pipe *pipeline
	// aeads memoizes customers' data keys (nil: shredded) for the life of
	// the bbolt transaction: a key changes only by a write of this
	// transaction (newCustKey, shred), which drops its entry. The
	// functions of a grouped commit share these three memos (txMemo).
	aeads map[[custKeyLen]byte]cipher.AEAD
	// customers memoizes opened customer records by key, each with the
	// stored bytes it was opened from (customer.go).
	customers map[[custKeyLen]byte]openedCustomer
	// tiers memoizes decoded tier records the same way (tier.go): a note
	// reads its customer's twice, in UpdateTier and for the card.
	tiers map[[custKeyLen]byte]openedTier
	// blinds memoizes blind indexes by kind and value (sealtx.go).
	blinds map[blindKey][]byte
	// programme memoizes the programme version last decoded (program.go).
	programme *openedProgramme
	// keyBuf is indexKey's scratch buffer (keys.go).
	keyBuf []byte
	// refs holds the bucket handles and read cursors asked for (bucket,
	// get); the calls of one grouped commit share one (pipeline.go), as
	// they share the bbolt transaction. nil until the first.
	refs *txRefs
	// bulk, inside Bulk, holds new customer-index entries to put in key
	// order (bulk.go).
	bulk *bulkIndex
	// damaged, when set, is told of each record a listing passed over
	// because it does not read (SkipDamaged, skip.go).
	damaged func(kind RecordKind, err error)
}

// txRefs are the bucket handles a bbolt transaction has given, up to 16,
// each with the cursor get reads it through.
type txRefs struct {
	buckets [16]bucketRef
	n       int
}

// Open opens (creating if needed) the ledger file at path with the master
// key in opts.Key. A file held by another process returns an error wrapping
// ErrLocked that names the file; a file with a newer schema returns one
// wrapping ErrNewerSchema; a file that is not a ledger or fails the
// consistency check returns one wrapping ErrDamaged; a missing key
// ErrNoKey, a key of the wrong size ErrBadKey and the key of another file
// ErrWrongKey. In all those cases the file is left byte for byte as it was.
// A file of schema 1 (nothing sealed) is migrated first (migrate.go).
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
	if s.opts.MarkDelay <= 0 {
		s.opts.MarkDelay = DefaultMarkDelay
	}
	kr, err := newKeyring(s.opts.Key)
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	s.kr = kr
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
	if err := checkRoot(db, path); err != nil {
		db.Close()
		return nil, err
	}
	schema, err := s.checkKey(db)
	if err == nil && s.opts.ReadOnly {
		err = s.readableAsIs(db, schema)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	if s.opts.ReadOnly {
		return s.openReadOnly(db)
	}
	if schema == 1 {
		if db, err = s.migrate(db); err != nil {
			return nil, err
		}
	}
	if err := s.initSchema(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	if err := s.buildIndexes(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	if err := s.startPipeline(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	s.db = db
	if err := s.applyErasedKeys(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) openBolt(path string) (*bolt.DB, error) {
	db, err := openChecked(path, &bolt.Options{Timeout: s.opts.Timeout, NoSync: s.opts.NoSync, ReadOnly: s.opts.ReadOnly})
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

// checkKey reads the file's schema (0 for a new file) and, for a sealed
// one, checks the key against the key check value. It only reads.
func (s *Store) checkKey(db *bolt.DB) (schema uint64, err error) {
	err = db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil // a new file
		}
		if v := meta.Get(metaSchema); len(v) == 8 {
			schema = binary.BigEndian.Uint64(v)
		} else {
			schema = 1 // the first files had a meta bucket before they had a version
		}
		if err := checkSchema(meta, schema); err != nil {
			return err
		}
		switch {
		case schema < 2:
			return s.kr.newFileKey() // for the file the migration writes
		}
		check := meta.Get(metaKeyCheck)
		if check == nil {
			return fmt.Errorf("%w: sealed file without a key check value", ErrDamaged)
		}
		if err := s.kr.verify(check); err != nil {
			return err
		}
		return s.kr.loadFileKey(meta, schema)
	})
	if err == nil && schema == 0 {
		err = s.kr.newFileKey()
	}
	return schema, err
}

// initSchema creates missing buckets, and on a new file the schema
// version, the key check value and the wrapped file key. A file that has a
// version keeps it (schema 2 until its first key rotation).
func (s *Store) initSchema(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); errors.Is(err, berrors.ErrIncompatibleValue) {
				// checkRoot refuses such a file first; this is in case.
				return fmt.Errorf("%w: %q is not a bucket", ErrDamaged, name)
			} else if err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(metaSchema) != nil {
			return nil
		}
		return s.kr.putKeyMeta(meta)
	})
}

// Close closes the file. In-flight transactions finish first, then the
// queued marks and sent outbox entries are committed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.closePipeline()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	s.db = nil
	if err != nil {
		return fmt.Errorf("ledger: close %s: %w", s.path, err)
	}
	return nil
}

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Update runs fn in one read-write transaction and returns once it is
// committed (fsynced, unless Options.NoSync). Concurrent callers share
// commits (pipeline.go): a commit starts as soon as the previous one has
// ended and takes every caller queued meanwhile, so a lone caller commits
// at once and many share each fsync. When one caller's fn fails, the
// shared transaction is rolled back and made again without it, so fn may
// run more than once and must be idempotent (check the event id first);
// if fn returns an error nothing of it is kept, and the others' writes
// still commit. Queued marks and sent outbox entries ride on the commit.
// A commit the disk has no room for fails wrapping ErrNoSpace.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.opts.ReadOnly {
		return fmt.Errorf("ledger: %s was opened read-only: %w", s.path, ErrReadOnly)
	}
	start := time.Now()
	err, fnErr := s.update(fn)
	s.observeCommit(start, err, fnErr)
	return noSpace(err)
}

// View runs fn in a read-only transaction. A write attempted by fn fails
// with an error wrapping ErrReadOnly, and so does View when fn returns it.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed
	}
	// Registered before bbolt's snapshot is taken: what a commit ending
	// meanwhile settled stays known to SeenEvent and the outbox until the
	// reader ends (pipeline.prune).
	g := s.pipe.beginRead()
	defer s.pipe.endRead(g)
	return readOnly(s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, kr: s.kr, pipe: &s.pipe}) }))
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

// syncDir makes a rename durable; failure only weakens crash safety.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// bucket returns the transaction's top-level bucket name, which Open
// guarantees exists. A read-only bbolt
// transaction looks a bucket up afresh each time (a seek in the root and a
// new Bucket), and one message asks for the same few many times, so the Tx
// keeps the first handles it was given, by the name's backing array (the
// bucket names are package variables; any other slice is looked up).
// Buckets are created only by Open and never deleted, so a handle stays
// right for the whole transaction.
func (tx *Tx) bucket(name []byte) *bolt.Bucket {
	tx.heldFor(name)
	if r := tx.ref(name); r != nil {
		return r.b
	}
	return tx.tx.Bucket(name)
}

// ref is the handle the Tx keeps for bucket name, found or made; nil when
// it keeps none (no such bucket, an empty name, or no room left).
func (tx *Tx) ref(name []byte) *bucketRef {
	if len(name) == 0 {
		return nil
	}
	if tx.refs == nil {
		tx.refs = &txRefs{}
	}
	rs := tx.refs
	for i := range rs.n {
		if r := &rs.buckets[i]; len(r.name) == len(name) && &r.name[0] == &name[0] {
			return r
		}
	}
	if rs.n == len(rs.buckets) {
		return nil
	}
	b := tx.tx.Bucket(name)
	if b == nil {
		return nil
	}
	r := &rs.buckets[rs.n]
	*r = bucketRef{name: name, b: b}
	rs.n++
	return r
}

// get returns the value of key in the top-level bucket name, or nil, as
// Bucket.Get does, through one cursor kept for that bucket (txRefs):
// Bucket.Get makes a cursor each time and grows its stack from nothing, a
// few allocations for every read (a quarter of a staff note's). Seek
// starts from the root each time, so a Put in between is seen. Reads run
// one after another on the transaction's goroutine, so one cursor a
// bucket serves them all.
func (tx *Tx) get(name, key []byte) []byte {
	if tx.bulk != nil {
		if v, ok := tx.bulk.get(name, key); ok {
			return v
		}
	}
	r := tx.ref(name)
	if r == nil {
		return tx.tx.Bucket(name).Get(key)
	}
	if r.c == nil {
		r.c = r.b.Cursor()
	}
	k, v := r.c.Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// cursor returns the cursor the Tx keeps for bucket name (get's), for a
// read that moves it and is done before anything else reads that bucket:
// a First, a Seek and a step, a count. Its keys and values stay valid
// after it moves (they are the transaction's, not the cursor's). A scan
// that reads the same bucket while it iterates needs a cursor of its own.
func (tx *Tx) cursor(name []byte) *bolt.Cursor {
	tx.heldFor(name)
	r := tx.ref(name)
	if r == nil {
		return tx.tx.Bucket(name).Cursor()
	}
	if r.c == nil {
		r.c = r.b.Cursor()
	}
	return r.c
}

// bucketRef is a bucket handle a Tx keeps (bucket).
type bucketRef struct {
	name []byte
	b    *bolt.Bucket
	c    *bolt.Cursor // get's, made at its first read
	// tail is a deferred index's log chunk this transaction last wrote,
	// with room for the whole chunk, and tailChunk its number
	// (deferred_index.go).
	tail      []byte
	tailChunk uint64
}

// Sealed reports whether the file at path is a sealed ledger (schema 2 or
// later), without a key and without writing: a missing file, a new empty
// one and a schema-1 file are not. dangol asks it before making a new
// master key, so a sealed file whose key file went missing is never given
// a fresh, useless key. A damaged file returns an error wrapping ErrDamaged;
// a file another process holds, one wrapping ErrLocked.
func Sealed(path string, timeout time.Duration) (bool, error) {
	if fi, err := os.Stat(path); errors.Is(err, os.ErrNotExist) || (err == nil && fi.Size() == 0) {
		return false, nil
	}
	if timeout <= 0 {
		timeout = time.Second
	}
	db, err := openChecked(path, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if errors.Is(err, berrors.ErrTimeout) {
		return false, fmt.Errorf("ledger: %s: %w (waited %s)", path, ErrLocked, timeout)
	}
	if err != nil {
		return false, fmt.Errorf("ledger: %s: %w", path, err)
	}
	defer db.Close()
	sealed := false
	err = db.View(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			v := meta.Get(metaSchema)
			sealed = len(v) == 8 && binary.BigEndian.Uint64(v) >= 2
		}
		return nil
	})
	return sealed, err
}
