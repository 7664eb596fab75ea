package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Per-customer indexes with deferred writes.
//
// cust_feedback and cust_threads hold custKey + record key, so that one
// customer's feedback and threads are found without a scan. Customers
// write in no order, so every new entry used to land on a random leaf of
// its index, and bbolt rewrites a whole page for it: measured at 64 chats,
// 50 of the 109 pages a commit of line feedbacks wrote were cust_feedback's
// and 18 cust_threads'. A deferred index first appends its new entries to
// a log bucket instead, packed by arrival into values of logChunk entries,
// which costs the log's last page only. The write that brings the log to
// indexMergeAt entries moves them all into the index in key order, where
// many share a leaf (with 10,000 customers, about a seventh of a page an
// entry instead of one). Readers see both: the index, and the log's
// entries for their customer (at most indexMergeAt, scanned as packed
// bytes).

// Bucket names of the logs and counts (listed in allBuckets).
var (
	bucketCustFeedbackLog = []byte("cust_feedback_log") // chunk number -> (custKey + time key)…
	bucketCustThreadsLog  = []byte("cust_threads_log")  // chunk number -> (custKey + thread number)…
	// bucketCustFeedbackN counts each customer's entries in cust_feedback
	// (the merged ones; the log's are counted where they are), written by
	// the merge in key order, as the index is: custKey -> uvarint.
	bucketCustFeedbackN = []byte("cust_feedback_n")
)

// metaFeedbackCounts marks a file whose cust_feedback_n holds the counts
// of its index: a file from before it has them built at Open.
var metaFeedbackCounts = []byte("index.feedback_counts")

// logChunk is how many entries one log value packs: 128 × 24 bytes is 3
// KiB, so a chunk fits a page.
const logChunk = 128

// indexMergeAt is how many entries a log holds before they move into the
// index. Larger shares more leaves a merge and makes a reader scan more;
// 4096 entries are 96 KiB to scan. Tests lower it.
var indexMergeAt = 4096

// deferredIndex is one per-customer index and its log.
type deferredIndex struct {
	index, log []byte
	keyLen     int // the length of the record keys it indexes
	// counts, when set, is the bucket of each customer's count of
	// entries in index (count).
	counts []byte
}

var (
	feedbackByCustomer = deferredIndex{bucketCustFeedback, bucketCustFeedbackLog, timeKeyLen, bucketCustFeedbackN}
	threadsByCustomer  = deferredIndex{bucketCustThreads, bucketCustThreadsLog, len(threadKey(0)), nil}
)

func (d deferredIndex) width() int { return custKeyLen + d.keyLen }

// add records that customer ck has the record k, in the log, or with the
// whole log in the index when the log is full.
func (d deferredIndex) add(tx *Tx, ck, k []byte) error {
	if len(ck) != custKeyLen || len(k) != d.keyLen {
		return fmt.Errorf("%s: entry of %d+%d bytes", d.index, len(ck), len(k))
	}
	r := tx.ref(d.log)
	if r == nil {
		// The transaction keeps no handle for the log (it has kept 16
		// others): a handle of this call's own, with no tail kept.
		r = &bucketRef{name: d.log, b: tx.tx.Bucket(d.log)}
	}
	log := r.b
	if log == nil {
		return fmt.Errorf("%s: %w", d.log, bolt.ErrBucketNotFound)
	}
	// Entry i of the log is in chunk i / logChunk. The chunk is found by
	// its number, not by Cursor.Last: bbolt 1.5.0's Last loops for ever on
	// a bucket whose leaves a merge emptied earlier in the transaction.
	i := log.Sequence()
	if i+1 >= uint64(max(indexMergeAt, 1)) {
		r.tail = nil
		return d.merge(tx, concat(ck, k))
	}
	n, w := i/logChunk, d.width()
	chunk := binary.BigEndian.AppendUint64(nil, n)
	v := r.tail
	if v == nil || r.tailChunk != n || len(v) != int(i%logChunk)*w {
		// The chunk's first entry of this transaction: copied once into a
		// buffer with room for the whole chunk. The entries after it are
		// appended in place (bbolt keeps the slice Put is given until the
		// commit, and the bytes it holds do not change), instead of each
		// copying the chunk again: 47 feedbacks a commit at 64 chats
		// copied 1.3 KB each.
		old := log.Get(chunk)
		if len(old) != int(i%logChunk)*w {
			return fmt.Errorf("%s chunk %x: %d bytes for entry %d: %w", d.log, chunk, len(old), i, ErrDamaged)
		}
		v = append(make([]byte, 0, logChunk*w), old...)
	}
	v = append(append(v, ck...), k...)
	if err := log.Put(chunk, v); err != nil {
		r.tail = nil
		return fmt.Errorf("%s: %w", d.log, err)
	}
	r.tail, r.tailChunk = v, n
	if err := log.SetSequence(i + 1); err != nil {
		return fmt.Errorf("%s: %w", d.log, err)
	}
	return nil
}

// merge moves every entry of the log, and extra, into the index, in key
// order: bbolt inserts into a node by shifting the entries after the new
// one, and in ascending order those are only the ones already there.
func (d deferredIndex) merge(tx *Tx, extra []byte) error {
	log, idx := tx.bucket(d.log), tx.bucket(d.index)
	w := d.width()
	all := slices.Clone(extra)
	var chunks [][]byte
	c := log.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v)%w != 0 {
			return fmt.Errorf("%s chunk %x: %d bytes: %w", d.log, k, len(v), ErrDamaged)
		}
		chunks = append(chunks, slices.Clone(k))
		all = append(all, v...)
	}
	entries := make([][]byte, 0, len(all)/w)
	for i := 0; i < len(all); i += w {
		entries = append(entries, all[i:i+w:i+w])
	}
	slices.SortFunc(entries, bytes.Compare)
	for _, e := range entries {
		if err := idx.Put(e, []byte{}); err != nil {
			return fmt.Errorf("%s: %w", d.index, err)
		}
	}
	// Each record is added once (its key is new), so every entry is new
	// in the index too.
	if err := d.addCounts(tx, entries); err != nil {
		return err
	}
	for _, k := range chunks {
		if err := log.Delete(k); err != nil {
			return fmt.Errorf("%s: %w", d.log, err)
		}
	}
	if err := log.SetSequence(0); err != nil {
		return fmt.Errorf("%s: %w", d.log, err)
	}
	return nil
}

// addCounts adds entries, new in the index and in key order, to their
// customers' counts: one write a customer, in key order. The counts
// bucket's sequence keeps their sum, the index's size as far as counted
// merges know it (countsStale).
func (d deferredIndex) addCounts(tx *Tx, entries [][]byte) error {
	if d.counts == nil {
		return nil
	}
	b := tx.bucket(d.counts)
	if err := b.SetSequence(b.Sequence() + uint64(len(entries))); err != nil {
		return fmt.Errorf("%s: %w", d.counts, err)
	}
	for i := 0; i < len(entries); {
		ck := entries[i][:custKeyLen]
		j := i + 1
		for j < len(entries) && bytes.Equal(entries[j][:custKeyLen], ck) {
			j++
		}
		n, err := storedCount(d.counts, ck, b.Get(ck))
		if err != nil {
			return err
		}
		if err := b.Put(bytes.Clone(ck), binary.AppendUvarint(nil, uint64(n+j-i))); err != nil {
			return fmt.Errorf("%s: %w", d.counts, err)
		}
		i = j
	}
	return nil
}

// storedCount decodes a count of bucket name (none: 0).
func storedCount(name, ck, v []byte) (int, error) {
	if v == nil {
		return 0, nil
	}
	n, w := binary.Uvarint(v)
	if w <= 0 || w != len(v) || n > 1<<40 {
		return 0, fmt.Errorf("%s of %s: %x: %w", name, custIDOfKey(ck), v, ErrDamaged)
	}
	return int(n), nil
}

// count returns how many record keys ck has, in the index and the log
// together (what newest emits with no limit): the stored count of the
// index's and the log's entries for ck, read in place. Without counts
// (threads) the index's are walked.
func (d deferredIndex) count(tx *Tx, ck []byte) (int, error) {
	var b *bolt.Bucket
	if d.counts != nil {
		b = tx.bucket(d.counts)
	}
	var n int
	if b != nil {
		var err error
		if n, err = storedCount(d.counts, ck, b.Get(ck)); err != nil {
			return 0, err
		}
	} else {
		n = countPrefix(tx.bucket(d.index).Cursor(), ck)
	}
	err := d.eachPending(tx, ck, func([]byte) { n++ })
	return n, err
}

// buildCounts writes every customer's count of the index's entries afresh
// (a file from before the counts), in one walk of the index in key order.
func (d deferredIndex) buildCounts(tx *Tx) error {
	b := tx.bucket(d.counts)
	var stale [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		stale = append(stale, bytes.Clone(k))
	}
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("%s: %w", d.counts, err)
		}
	}
	if err := b.SetSequence(0); err != nil {
		return fmt.Errorf("%s: %w", d.counts, err)
	}
	var run [][]byte
	flush := func() error {
		err := d.addCounts(tx, run)
		run = run[:0]
		return err
	}
	ic := tx.bucket(d.index).Cursor()
	for k, _ := ic.First(); k != nil; k, _ = ic.Next() {
		if len(k) != d.width() {
			return fmt.Errorf("%s key %x: %w", d.index, k, ErrDamaged)
		}
		if len(run) > 0 && !bytes.Equal(run[0][:custKeyLen], k[:custKeyLen]) {
			if err := flush(); err != nil {
				return err
			}
		}
		run = append(run, bytes.Clone(k))
	}
	return flush()
}

// countsStale reports whether the counts no longer sum to the index's
// size: a build from before the counts merged the log meanwhile (it moves
// entries into the index and counts none), so every count it left short
// is built again at Open. It walks the index's pages, once an Open.
func (d deferredIndex) countsStale(tx *Tx) bool {
	b, idx := tx.bucket(d.counts), tx.bucket(d.index)
	return b == nil || idx == nil || b.Sequence() != uint64(idx.Stats().KeyN)
}

// pending returns the record keys the log holds for ck, ascending. A file
// written before logs existed (opened read-only, so not given the bucket)
// has none.
func (d deferredIndex) pending(tx *Tx, ck []byte) ([][]byte, error) {
	var out [][]byte
	if err := d.eachPending(tx, ck, func(k []byte) { out = append(out, slices.Clone(k)) }); err != nil {
		return nil, err
	}
	slices.SortFunc(out, bytes.Compare)
	return out, nil
}

// eachPending calls fn with each record key the log holds for ck, in the
// log's order; fn must not keep k, which is the log's memory.
func (d deferredIndex) eachPending(tx *Tx, ck []byte, fn func(k []byte)) error {
	log := tx.bucket(d.log)
	if log == nil {
		return nil
	}
	w := d.width()
	c := log.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v)%w != 0 {
			return fmt.Errorf("%s chunk %x: %d bytes: %w", d.log, k, len(v), ErrDamaged)
		}
		for i := 0; i < len(v); i += w {
			if bytes.Equal(v[i:i+custKeyLen], ck) {
				fn(v[i+custKeyLen : i+w])
			}
		}
	}
	return nil
}

// lastAdded returns the record key added last for ck, or nil: the last of
// the log's entries for it (the log is in the order of the adds), else
// the index's largest. It walks the log back from its end and stops at
// the first entry of ck, where pending reads all of it: with 64 customers
// writing in turn that is about 64 entries, not up to indexMergeAt.
func (d deferredIndex) lastAdded(tx *Tx, ck []byte) ([]byte, error) {
	if log := tx.bucket(d.log); log != nil {
		w := d.width()
		// Chunks by number, not Cursor.Last (see add).
		for n := (log.Sequence() + logChunk - 1) / logChunk; n > 0; n-- {
			v := log.Get(binary.BigEndian.AppendUint64(nil, n-1))
			if len(v)%w != 0 {
				return nil, fmt.Errorf("%s chunk %d: %d bytes: %w", d.log, n-1, len(v), ErrDamaged)
			}
			for i := len(v) - w; i >= 0; i -= w {
				if bytes.Equal(v[i:i+custKeyLen], ck) {
					return slices.Clone(v[i+custKeyLen : i+w]), nil
				}
			}
		}
	}
	var last []byte
	err := newestOf(tx.bucket(d.index), ck, 1, func(k []byte) error {
		last = slices.Clone(k)
		return nil
	})
	return last, err
}

// errEnough stops newest's walk of the index once it has limit keys.
var errEnough = errors.New("enough")

// newest calls fn with ck's record keys, newest (largest) first, at most
// limit (all if limit <= 0), from the index and the log together.
func (d deferredIndex) newest(tx *Tx, ck []byte, limit int, fn func(k []byte) error) error {
	pend, err := d.pending(tx, ck)
	if err != nil {
		return err
	}
	n := 0
	emit := func(k []byte) error {
		if limit > 0 && n >= limit {
			return errEnough
		}
		n++
		return fn(k)
	}
	i := len(pend) - 1
	err = newestOf(tx.bucket(d.index), ck, limit, func(k []byte) error {
		for ; i >= 0 && bytes.Compare(pend[i], k) > 0; i-- {
			if err := emit(pend[i]); err != nil {
				return err
			}
		}
		return emit(k)
	})
	for ; err == nil && i >= 0; i-- {
		err = emit(pend[i])
	}
	if errors.Is(err, errEnough) {
		return nil
	}
	return err
}
