package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Indexes for listing customers (ListCustomers) and reading the audit trail
// by actor (AuditBy).
//
// Tags of a person are personal, so the tag index is blind like the name
// index: blind("tag", NormalizeTag(tag)) + custKey for a customer's own
// tags, kept by indexCustomer with the record; blind("ntag", tag) + custKey
// + note key for a note's tags, added by AddNote. A note entry counts only
// while its note exists, so a deleted note's entries are harmless until
// indexNoteTags removes them. The actor index is blind("actor", actor id) +
// the audit entry's time key, written by Audit.
//
// Files made before these indexes existed get them at Open (buildIndexes),
// once, marked in the meta bucket.

var (
	bucketCustTags   = []byte("cust_tag")    // blind tag + custKey, or blind note tag + custKey + note key
	bucketActorAudit = []byte("actor_audit") // blind actor id + audit time key

	metaTagIndex   = []byte("index.tags")
	metaActorIndex = []byte("index.actors")
	// metaNameIndex marks a name index keyed without spaces (nameIndexKey);
	// files from before held names as spaced, so "박서준" missed 박 서 준.
	metaNameIndex = []byte("index.names_unspaced")
)

// tagBlind is the index entry prefix of a customer's own tag.
func (tx *Tx) tagBlind(tag string) []byte { return tx.kr.blind("tag", NormalizeTag(tag)) }

// noteTagBlind is the index entry prefix of a note's tag.
func (tx *Tx) noteTagBlind(tag string) []byte { return tx.blind("ntag", NormalizeTag(tag)) }

// actorBlind is the index entry prefix of an audit actor.
func (tx *Tx) actorBlind(actorID string) []byte { return tx.blind("actor", actorID) }

// indexNoteTags adds (add) or removes the tag index entries of the note at
// key nk of the customer at ck. A note whose tags change, or that is
// deleted, calls it with add false for the old tags first.
func (tx *Tx) indexNoteTags(ck, nk []byte, tags []string, add bool) error {
	b := tx.bucket(bucketCustTags)
	for _, t := range tags {
		if NormalizeTag(t) == "" {
			continue
		}
		key := tx.indexKey(tx.noteTagBlind(t), ck, nk)
		var err error
		if add {
			err = b.Put(key, []byte{})
		} else {
			err = b.Delete(key)
		}
		if err != nil {
			return fmt.Errorf("index note tags: %w", err)
		}
	}
	return nil
}

// CustomerFilter selects customers for ListCustomers. Every set field must
// hold; the zero filter selects every customer.
type CustomerFilter struct {
	// Tags must all be on the customer: their own tags or a tag of one of
	// their notes (compared after NormalizeTag).
	Tags []string
	// BirthMonth, when not zero, is the month of the birthday. Only
	// consenting customers' birthdays are indexed (the birthday index).
	BirthMonth time.Month
	// CreatedFrom and CreatedTo, when not zero, bound the registration time
	// [from, to).
	CreatedFrom, CreatedTo time.Time
	// Visits, when set, must accept the customer's visit stats (zero
	// counts for a customer who never visited): tiers, last visit and the
	// at-risk rule are all questions about them. Its CustomerID is not
	// set: the filter runs for every customer and an id costs an allocation.
	Visits func(VisitStats) bool
}

// ListCustomers returns how many customers (never erased ones) match f and
// the matches at [offset, offset+limit) in id (registration) order; a limit
// <= 0 returns all from offset. Only the returned customers are decoded:
// the count comes from the indexes and the compact visit stats.
func (tx *Tx) ListCustomers(f CustomerFilter, offset, limit int) (int, []Customer, error) {
	cands, all, err := tx.candidates(f)
	if err != nil {
		return 0, nil, fmt.Errorf("ledger: list customers: %w", err)
	}
	var keys [][]byte
	n := 0
	take := func(k []byte) {
		if n >= offset && (limit <= 0 || len(keys) < limit) {
			keys = append(keys, bytes.Clone(k))
		}
		n++
	}
	switch {
	case all:
		err = tx.scanLive(func(k []byte, v VisitStats) {
			if f.Visits == nil || f.Visits(v) {
				take(k)
			}
		})
	default:
		err = tx.checkCandidates(cands, f.Visits, take)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("ledger: list customers: %w", err)
	}
	out := make([]Customer, 0, len(keys))
	for _, k := range keys {
		c, err := tx.customer(k)
		if err != nil && tx.skipDamaged(RecordCustomer, err) {
			continue // still counted in n: the index has them
		}
		if err != nil {
			return 0, nil, fmt.Errorf("ledger: list customers: %w", err)
		}
		out = append(out, c)
	}
	return n, out, nil
}

// candidates returns the sorted customer sequences the indexed parts of f
// allow, or all set when f has none (every customer is a candidate).
func (tx *Tx) candidates(f CustomerFilter) (seqs []uint64, all bool, err error) {
	all = true
	narrow := func(s []uint64) {
		slices.Sort(s)
		s = slices.Compact(s)
		if all {
			seqs, all = s, false
			return
		}
		seqs = intersect(seqs, s)
	}
	for _, t := range f.Tags {
		narrow(tx.taggedSeqs(t))
	}
	if f.BirthMonth != 0 {
		prefix := fmt.Appendf(nil, "%02d", int(f.BirthMonth))
		var s []uint64
		c := tx.bucket(bucketBirthdays).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) == 4+custKeyLen {
				s = append(s, binary.BigEndian.Uint64(k[4:]))
			}
		}
		narrow(s)
	}
	if !f.CreatedFrom.IsZero() || !f.CreatedTo.IsZero() {
		to := f.CreatedTo
		if to.IsZero() {
			to = maxNanoTime
		}
		var s []uint64
		err := scanTime(tx.bucket(bucketCreated), f.CreatedFrom, to, func(k, _ []byte) error {
			if len(k) == 8+custKeyLen {
				s = append(s, binary.BigEndian.Uint64(k[8:]))
			}
			return nil
		})
		if err != nil {
			return nil, false, err
		}
		narrow(s)
	}
	return seqs, all, nil
}

// taggedSeqs returns the customers carrying tag on their record or on a
// note that still exists (unsorted, possibly repeated).
func (tx *Tx) taggedSeqs(tag string) []uint64 {
	var s []uint64
	b := tx.bucket(bucketCustTags)
	c := b.Cursor()
	own := tx.tagBlind(tag)
	for k, _ := c.Seek(own); k != nil && bytes.HasPrefix(k, own); k, _ = c.Next() {
		if len(k) == blindSize+custKeyLen {
			s = append(s, binary.BigEndian.Uint64(k[blindSize:]))
		}
	}
	notes := tx.bucket(bucketNotes)
	nt := tx.noteTagBlind(tag)
	last := uint64(0)
	for k, _ := c.Seek(nt); k != nil && bytes.HasPrefix(k, nt); k, _ = c.Next() {
		if len(k) != blindSize+custKeyLen+timeKeyLen {
			continue
		}
		seq := binary.BigEndian.Uint64(k[blindSize:])
		if seq == last {
			continue // one live note of this customer was enough
		}
		if notes.Get(k[blindSize+custKeyLen:]) != nil {
			s = append(s, seq)
			last = seq
		}
	}
	return s
}

// intersect returns the values in both sorted slices.
func intersect(a, b []uint64) []uint64 {
	out := a[:0:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// decodeVisitCounts is decodeVisits without the customer id and without
// copying v, for scans that read every customer's stats.
func decodeVisitCounts(k, v []byte) (VisitStats, error) {
	visits, n1 := binary.Uvarint(v)
	first, n2 := binary.Varint(v[max(n1, 0):])
	last, n3 := binary.Varint(v[max(n1, 0)+max(n2, 0):])
	if n1 <= 0 || n2 <= 0 || n3 <= 0 {
		return VisitStats{}, fmt.Errorf("%w: visit stats of %s", ErrCorrupt, custIDOfKey(k))
	}
	return VisitStats{Visits: int(visits), First: time.Unix(0, first), Last: time.Unix(0, last)}, nil
}

// scanLive calls fn for every customer that is not erased (one whose data
// key exists), in id order, with their visit stats. It walks the keys and
// visits buckets side by side: both are keyed by custKey.
func (tx *Tx) scanLive(fn func(k []byte, v VisitStats)) error {
	vc := tx.bucket(bucketVisits).Cursor()
	vk, vv := vc.First()
	kc := tx.bucket(bucketKeys).Cursor()
	for k, _ := kc.First(); k != nil; k, _ = kc.Next() {
		for vk != nil && bytes.Compare(vk, k) < 0 {
			vk, vv = vc.Next()
		}
		v := VisitStats{}
		if vk != nil && bytes.Equal(vk, k) {
			var err error
			if v, err = decodeVisitCounts(k, vv); err != nil {
				return err
			}
		}
		fn(k, v)
	}
	return nil
}

// checkCandidates calls take for each candidate that is not erased and
// whose visit stats visits accepts, in id order.
func (tx *Tx) checkCandidates(seqs []uint64, visits func(VisitStats) bool, take func(k []byte)) error {
	keys, vb := tx.bucket(bucketKeys), tx.bucket(bucketVisits)
	for _, seq := range seqs {
		k := custKey(seq)
		if keys.Get(k) == nil {
			continue
		}
		if visits != nil {
			v := VisitStats{}
			if raw := vb.Get(k); raw != nil {
				var err error
				if v, err = decodeVisitCounts(k, raw); err != nil {
					return err
				}
			}
			if !visits(v) {
				continue
			}
		}
		take(k)
	}
	return nil
}

// AuditOf returns the newest audit entries about a customer, newest first,
// at most limit (all if limit <= 0). An unknown id has none.
func (tx *Tx) AuditOf(customerID string, limit int) ([]AuditEntry, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, nil
	}
	out, err := tx.auditNewest(bucketCustAudit, ck, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: audit of %s: %w", customerID, err)
	}
	return out, nil
}

// AuditBy returns the newest audit entries whose actor is actorID ("slack:U1"),
// newest first, at most limit (all if limit <= 0).
func (tx *Tx) AuditBy(actorID string, limit int) ([]AuditEntry, error) {
	out, err := tx.auditNewest(bucketActorAudit, tx.actorBlind(actorID), limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: audit by actor: %w", err)
	}
	return out, nil
}

func (tx *Tx) auditNewest(idx, prefix []byte, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	audit := tx.bucket(bucketAudit)
	err := newestOf(tx.bucket(idx), prefix, limit, func(tk []byte) error {
		v := audit.Get(tk)
		if v == nil {
			return nil
		}
		a, err := tx.decodeAudit(tk, v)
		if err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// buildIndexes gives a file made before the tag and actor indexes, the
// unspaced name index and the feedback counts existed their entries, once:
// each one's meta flag says it is complete.
func (s *Store) buildIndexes(db *bolt.DB) error {
	return db.Update(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx, kr: s.kr}
		meta := tx.bucket(bucketMeta)
		if meta.Get(metaTagIndex) == nil {
			if err := tx.rebuildTagIndex(); err != nil {
				return fmt.Errorf("ledger: build tag index: %w", err)
			}
			if err := meta.Put(metaTagIndex, []byte{1}); err != nil {
				return err
			}
		}
		if meta.Get(metaActorIndex) == nil {
			if err := tx.rebuildActorIndex(); err != nil {
				return fmt.Errorf("ledger: build actor index: %w", err)
			}
			if err := meta.Put(metaActorIndex, []byte{1}); err != nil {
				return err
			}
		}
		if meta.Get(metaNameIndex) == nil {
			// A Tx of its own: no bucket handle kept from before the
			// rebuild's delete of the name bucket.
			if err := (&Tx{tx: btx, kr: s.kr}).rebuildNameIndex(); err != nil {
				return fmt.Errorf("ledger: build name index: %w", err)
			}
			if err := meta.Put(metaNameIndex, []byte{1}); err != nil {
				return err
			}
		}
		if meta.Get(metaFeedbackCounts) == nil || feedbackByCustomer.countsStale(tx) {
			if err := feedbackByCustomer.buildCounts(tx); err != nil {
				return fmt.Errorf("ledger: build feedback counts: %w", err)
			}
			if err := meta.Put(metaFeedbackCounts, []byte{1}); err != nil {
				return err
			}
		}
		return nil
	})
}

func (tx *Tx) rebuildTagIndex() error {
	b := tx.bucket(bucketCustTags)
	err := tx.ForEachCustomer(func(c Customer) error {
		if c.Erased {
			return nil
		}
		k, _ := custKeyOf(c.ID)
		for _, t := range c.Tags {
			if NormalizeTag(t) != "" {
				if err := b.Put(concat(tx.tagBlind(t), k), []byte{}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	c := tx.bucket(bucketNotes).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		n, _, err := decodeNote(k, v)
		if err != nil {
			return err
		}
		ck, ok := custKeyOf(n.CustomerID)
		if !ok {
			continue
		}
		if err := tx.indexNoteTags(ck, bytes.Clone(k), n.Tags, true); err != nil {
			return err
		}
	}
	return nil
}

// rebuildNameIndex rewrites the name index in nameIndexKey's form. A
// customer whose record does not open (damaged) keeps the entries it had,
// so it is found as before rather than not at all; an erased one has none.
func (tx *Tx) rebuildNameIndex() error {
	good := map[[custKeyLen]byte]Customer{}
	c := tx.bucket(bucketCustomers).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) != custKeyLen {
			continue
		}
		cu, err := tx.customer(k)
		if err != nil {
			continue
		}
		good[[custKeyLen]byte(k)] = cu
	}
	var kept [][]byte
	names := tx.tx.Bucket(bucketNames) // not tx.bucket: its handle would outlive the delete below
	err := names.ForEach(func(k, _ []byte) error {
		if len(k) < custKeyLen {
			return nil
		}
		if _, ok := good[[custKeyLen]byte(k[len(k)-custKeyLen:])]; !ok {
			kept = append(kept, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.tx.DeleteBucket(bucketNames); err != nil {
		return err
	}
	names, err = tx.tx.CreateBucket(bucketNames)
	if err != nil {
		return err
	}
	for _, k := range kept {
		if err := names.Put(k, []byte{}); err != nil {
			return err
		}
	}
	for k, cu := range good {
		if cu.Erased {
			continue
		}
		for _, b := range tx.nameBlinds(cu.Name) {
			if err := names.Put(concat(b, k[:]), []byte{}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (tx *Tx) rebuildActorIndex() error {
	b := tx.bucket(bucketActorAudit)
	c := tx.bucket(bucketAudit).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		a, err := tx.decodeAudit(k, v)
		if err != nil {
			return err
		}
		if a.ActorID == "" {
			continue // sealed under a shredded key: nobody can be named
		}
		if err := b.Put(concat(tx.actorBlind(a.ActorID), k), []byte{}); err != nil {
			return err
		}
	}
	return nil
}
