package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// bulkIndex holds the customer-index entries written inside Bulk and not
// yet put into their buckets, by bucket and key.
//
// It exists because of how bbolt writes: a Put inserts into its leaf's
// in-memory node by copying the node's tail, and a node is split into
// pages only at commit. An import of thousands of customers into one
// transaction put each one's blind phone, name parts and registration
// time at random places of a few ever-growing nodes, so every put copied
// half a node: 8,000 customers took 15 s in CreateCustomer alone, 30,000
// did not finish in ten minutes. Put in key order, each entry lands at the
// end of what was put before it and copies only the few keys a leaf held
// already.
type bulkIndex struct {
	buckets map[string]*heldBucket
	err     error // the first failed put of an early flush (heldFor)
}

// heldBucket is what Bulk holds for one bucket: its name as the package
// declares it (Tx keeps its bucket handles by that slice) and the entries.
type heldBucket struct {
	name    []byte
	entries map[string][]byte
}

// put holds value for key in bucket; a later put of the same key wins,
// as it would in the bucket.
func (b *bulkIndex) put(bucket, key, value []byte) {
	h := b.buckets[string(bucket)]
	if h == nil {
		h = &heldBucket{name: bucket, entries: make(map[string][]byte)}
		b.buckets[string(bucket)] = h
	}
	h.entries[string(key)] = value
}

// get is the value held for key in bucket, if any.
func (b *bulkIndex) get(bucket, key []byte) ([]byte, bool) {
	h := b.buckets[string(bucket)]
	if h == nil {
		return nil, false
	}
	v, ok := h.entries[string(key)]
	return v, ok
}

// Bulk runs fn, which creates many customers in this transaction (an
// import), with their index entries held back and put in key order when
// fn returns, or as soon as anything reads an index otherwise than by
// exact key. What fn reads sees every customer it created: CreateCustomer's
// duplicate checks and CustomerByPhone look up held entries first, and a
// scan or an update of a customer's index puts what is held before it
// runs. Bulk inside Bulk is fn alone.
//
// A scan in the middle costs more than its own read: the entries put then
// sit in nodes that stay whole until commit, so what is held afterwards
// lands between them again. An import reads only by exact key.
func (tx *Tx) Bulk(fn func() error) (err error) {
	if tx.bulk != nil {
		return fn()
	}
	tx.bulk = &bulkIndex{buckets: make(map[string]*heldBucket)}
	defer func() {
		b := tx.bulk
		ferr := tx.flushBulk()
		tx.bulk = nil
		err = errors.Join(err, b.err, ferr, tx.fillPages())
	}()
	return fn()
}

// trimBulkKeys forgets the customers' data keys the transaction memoizes
// once it holds maxCachedKeys of them inside Bulk, as the keyring's own
// cache starts over. An import uses each new customer's key for the few
// records it writes of them and never again, and a key's cipher is most
// of a kilobyte (AES round keys and GCM tables): 30,000 customers held
// 22 MB of them to the commit. Outside Bulk the memo is kept whole: a
// summary warms a week's customers' keys to read them many times.
func (tx *Tx) trimBulkKeys() {
	if tx.bulk != nil && len(tx.aeads) >= maxCachedKeys {
		clear(tx.aeads)
	}
}

// bulkFillPercent is how full Bulk's transaction leaves the pages it
// writes, where bbolt leaves half of each empty.
//
// Half-empty pages suit random inserts, which then rarely split a page;
// but what Bulk writes lands in key order (customers, their keys, points
// and audit entries by sequence, the index entries sorted by flushBulk),
// so every page but the last of each run stayed half empty, and bbolt
// holds every page of a transaction in memory until its commit writes
// them: 30,000 customers took 100 MB of pages at the commit, on top of
// the nodes they were built from. Full pages halve that, and the file.
// A later insert into a full page splits it, once, as it would one
// filled by writes over time.
const bulkFillPercent = 0.95

// fillPages sets bulkFillPercent on every top-level bucket of the
// transaction, which bbolt reads when it splits the nodes into pages at
// commit.
func (tx *Tx) fillPages() error {
	return tx.tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		b.FillPercent = bulkFillPercent
		return nil
	})
}

// heldFor puts what Bulk holds before bucket is read or written otherwise
// than through get, so that access sees every entry. Holding goes on for
// what comes after.
func (tx *Tx) heldFor(bucket []byte) {
	b := tx.bulk
	if b == nil || b.buckets[string(bucket)] == nil {
		return
	}
	if err := tx.flushBulk(); err != nil && b.err == nil {
		b.err = err
	}
}

// flushBulk puts the entries Bulk holds, each bucket's in key order, and
// forgets them.
func (tx *Tx) flushBulk() error {
	b := tx.bulk
	if b == nil || len(b.buckets) == 0 {
		return nil
	}
	// The puts below go through bucket, which must not flush again.
	tx.bulk = nil
	defer func() { tx.bulk = b }()
	held := make([]*heldBucket, 0, len(b.buckets))
	for _, h := range b.buckets {
		held = append(held, h)
	}
	clear(b.buckets)
	slices.SortFunc(held, func(x, y *heldBucket) int { return bytes.Compare(x.name, y.name) })
	for _, h := range held {
		keys := make([]string, 0, len(h.entries))
		for k := range h.entries {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		bk := tx.bucket(h.name)
		if bk == nil {
			return fmt.Errorf("ledger: bulk index: no bucket %s", h.name)
		}
		for _, k := range keys {
			if err := bk.Put([]byte(k), h.entries[k]); err != nil {
				return fmt.Errorf("ledger: bulk index %s: %w", h.name, err)
			}
		}
	}
	return nil
}
