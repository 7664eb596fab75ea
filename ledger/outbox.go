package ledger

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The outbox keeps the replies of a message with an effect from the
// moment the effect commits until the platform has taken them. The engine
// writes them with AddOutbox in the effect's own transaction, so a crash
// between the commit and the send loses nothing: a restart lists them
// (Outbox) and sends them, and a re-delivered event finds its unsent
// replies (OutboxOf). Once a platform has accepted a reply, the sender
// calls Sent: the entry is deleted with the next commit (no fsync of its
// own), so a sent reply lives in the file only as long as that. A crash
// before that commit sends it again: delivery is at least once, never
// silently dropped.
//
// An entry's payload is opaque here (the engine's encoding of the reply and
// its address) and personal, sealed and bound to the entry's key. An entry
// about a customer (AddOutboxFor: a reply to them, or a staff post of
// their thread) is sealed under that customer's data key and indexed by
// customer, so an erasure deletes it in its own transaction and, were a
// copy of it left (a free page, a backup), shredding the key makes it
// unreadable; one about no customer is sealed under the shop key. The
// event id is kept only as a blind index.

// Outbox buckets.
var (
	bucketOutbox      = []byte("outbox")       // time key -> version, blind event id, sealed payload
	bucketOutboxEvent = []byte("outbox_event") // blind event id + time key
	// bucketOutboxCustomer indexes the entries about a customer, for their
	// erasure: customer key + time key.
	bucketOutboxCustomer = []byte("outbox_customer")
)

// outboxVersion is the encoding of an outbox value: 1 (before erasure
// reached the outbox) is version, blind event id, payload sealed under the
// shop key; 2 adds, after the blind event id, the key of the customer the
// entry is about ("" for none), whose data key seals the payload. Both
// are read.
const outboxVersion = 2

// OutboxEntry is one reply waiting to be sent.
type OutboxEntry struct {
	ID      string    // 26 characters, in time order (of At, then of writing)
	At      time.Time // when it was written
	Payload []byte    // what AddOutbox was given; nil when Erased
	// Erased says the entry was about a customer whose key is gone (an
	// erasure that did not delete it: a file restored from a backup taken
	// before, then erased again): it can never be opened nor sent, and the
	// sender drops it (Store.Sent).
	Erased bool
	// Damaged is why the entry cannot be opened (a damaged byte: it wraps
	// ErrCorrupt or the seal's failure); Payload is then nil. It is listed
	// rather than failing the listing, so that one damaged entry does not
	// hold back every other reply a restart sends; the sender keeps it.
	Damaged error
}

// AddOutbox writes payload (a reply and where it goes) into the outbox for
// event id eventID ("" for none) and returns the entry's id, sealed under
// the shop key: for a reply about no customer. It belongs in the
// transaction of the effect the reply answers.
func (tx *Tx) AddOutbox(eventID string, at time.Time, payload []byte) (string, error) {
	return tx.AddOutboxFor(eventID, "", at, payload)
}

// AddOutboxFor is AddOutbox for a reply about the customer customerID (to
// them, or quoting them): the payload is sealed under their data key and
// the entry indexed under them, so EraseCustomer deletes it before it is
// sent. An empty customerID, or a customer already erased (the answer to
// their own /forget, which names nobody), seals it under the shop key as
// AddOutbox does; an unknown one is an error wrapping ErrCustomerNotFound.
func (tx *Tx) AddOutboxFor(eventID, customerID string, at time.Time, payload []byte) (string, error) {
	if len(payload) == 0 {
		return "", fmt.Errorf("ledger: add outbox: %w", invalid("outbox", "payload is required"))
	}
	a, ck := tx.kr.shop, []byte(nil)
	if customerID != "" {
		k, ok := custKeyOf(customerID)
		if !ok || tx.get(bucketCustomers, k) == nil {
			return "", fmt.Errorf("ledger: add outbox for %q: %w", customerID, ErrCustomerNotFound)
		}
		ca, err := tx.custAEAD(k)
		if err != nil {
			return "", fmt.Errorf("ledger: add outbox: %w", err)
		}
		if ca != nil {
			a, ck = ca, k
		}
	}
	b := tx.bucket(bucketOutbox)
	seq, err := b.NextSequence()
	if err != nil {
		return "", fmt.Errorf("ledger: add outbox: %w", err)
	}
	k := timeKey(at, seq)
	var blind []byte
	if eventID != "" {
		blind = tx.kr.blind("outbox", eventID)
	}
	e := encoder{b: make([]byte, 0, 1+1+len(blind)+1+len(ck)+len(payload)+64)}
	e.byte(outboxVersion)
	e.string(string(blind))
	e.string(string(ck))
	e.b = append(e.b, seal(a, recordAD(bucketOutbox, k), payload)...)
	if err := b.Put(k, e.b); err != nil {
		return "", fmt.Errorf("ledger: add outbox: %w", err)
	}
	if blind != nil {
		if err := tx.bucket(bucketOutboxEvent).Put(concat(blind, k), []byte{}); err != nil {
			return "", fmt.Errorf("ledger: add outbox: %w", err)
		}
	}
	if ck != nil {
		if err := tx.bucket(bucketOutboxCustomer).Put(concat(ck, k), []byte{}); err != nil {
			return "", fmt.Errorf("ledger: add outbox: %w", err)
		}
	}
	tx.outboxAdded++
	return idOf(k), nil
}

// eraseOutbox deletes, for the erasure of the customer at ck, every outbox
// entry about them still waiting (sent or not: one reported Sent but not
// yet deleted goes too), through their index, and returns how many.
func (tx *Tx) eraseOutbox(ck []byte) (int, error) {
	var keys [][]byte
	c := tx.bucket(bucketOutboxCustomer).Cursor()
	for k, _ := c.Seek(ck); k != nil && bytes.HasPrefix(k, ck); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k[len(ck):]))
	}
	n := 0
	for _, k := range keys {
		ok, err := tx.deleteOutbox(k)
		if err != nil {
			return n, fmt.Errorf("outbox: %w", err)
		}
		if ok {
			n++
		}
	}
	tx.outboxAdded -= n
	return n, nil
}

// OutboxOf returns the entries of event id eventID still waiting, in the
// order they were written; none when all were sent (or it had none). An
// entry reported Sent counts as sent at once, before the commit that
// deletes it. An entry that cannot be opened is listed Damaged.
func (tx *Tx) OutboxOf(eventID string) ([]OutboxEntry, error) {
	if eventID == "" {
		return nil, nil
	}
	blind := tx.kr.blind("outbox", eventID)
	var out []OutboxEntry
	c := tx.bucket(bucketOutboxEvent).Cursor()
	for k, _ := c.Seek(blind); k != nil && bytes.HasPrefix(k, blind); k, _ = c.Next() {
		tk := k[len(blind):]
		v := tx.get(bucketOutbox, tk)
		if v == nil || tx.sentQueued(tk) {
			continue
		}
		out = append(out, tx.openOutbox(tk, v))
	}
	return out, nil
}

// Outbox returns up to limit waiting entries written after the entry with
// id after ("" for the oldest), oldest first: what a restart sends, a page
// at a time. limit <= 0 means all. Entries reported Sent are left out, as
// in OutboxOf; one that cannot be opened is listed Damaged.
func (tx *Tx) Outbox(after string, limit int) ([]OutboxEntry, error) {
	c := tx.bucket(bucketOutbox).Cursor()
	var k, v []byte
	if after == "" {
		k, v = c.First()
	} else {
		ak, ok := keyOfID(after)
		if !ok {
			return nil, fmt.Errorf("ledger: outbox: %w", invalid("outbox", "bad id %q", after))
		}
		k, v = c.Seek(ak)
		if k != nil && bytes.Equal(k, ak) {
			k, v = c.Next()
		}
	}
	var out []OutboxEntry
	for ; k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		if tx.sentQueued(k) {
			continue
		}
		out = append(out, tx.openOutbox(k, v))
	}
	return out, nil
}

// sentQueued reports whether the entry at k was reported Sent and waits,
// in this process, for the commit that deletes it: no longer waiting.
func (tx *Tx) sentQueued(k []byte) bool { return tx.pipe != nil && tx.pipe.queuedSent(k) }

// openOutbox is decodeOutbox for a listing: an entry that cannot be opened
// comes back Damaged, with its id and time.
func (tx *Tx) openOutbox(k, v []byte) OutboxEntry {
	e, err := tx.decodeOutbox(k, v)
	if err != nil {
		return OutboxEntry{ID: idOf(k), At: keyTime(k), Damaged: fmt.Errorf("ledger: outbox: %w", err)}
	}
	return e
}

// decodeOutbox opens an outbox value stored under k.
func (tx *Tx) decodeOutbox(k, v []byte) (OutboxEntry, error) {
	d := newDecoder(v)
	ver := d.version(outboxVersion)
	d.string() // the blind event id
	var ck string
	if ver >= 2 {
		ck = d.string()
	}
	if d.err != nil || (ck != "" && len(ck) != custKeyLen) {
		return OutboxEntry{}, fmt.Errorf("outbox %s: %w", idOf(k), cmp.Or(d.err, ErrCorrupt))
	}
	a := tx.kr.shop // version 1, or about no customer
	if ck != "" {
		ca, err := tx.custAEAD([]byte(ck))
		if err != nil && !errors.Is(err, errNoDataKey) {
			return OutboxEntry{}, fmt.Errorf("outbox %s: %w", idOf(k), err)
		}
		// A customer with no key (erased, or their key's entry damaged)
		// gets nothing sent: the entry is dropped like an erased one's,
		// rather than failing the listing every restart sends from.
		if ca == nil {
			return OutboxEntry{ID: idOf(k), At: keyTime(k), Erased: true}, nil
		}
		a = ca
	}
	plain, err := unseal(a, recordAD(bucketOutbox, k), []byte(d.s[d.off:]))
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("outbox %s: %w", idOf(k), err)
	}
	return OutboxEntry{ID: idOf(k), At: keyTime(k), Payload: plain}, nil
}

// deleteOutbox removes the entry at time key k and its index; it reports
// whether there was one.
func (tx *Tx) deleteOutbox(k []byte) (bool, error) {
	b := tx.bucket(bucketOutbox)
	v := b.Get(k)
	if v == nil {
		return false, nil
	}
	d := newDecoder(v)
	ver := d.version(outboxVersion)
	blind := d.string()
	var ck string
	if ver >= 2 {
		ck = d.string()
	}
	if err := b.Delete(k); err != nil {
		return false, err
	}
	if d.err == nil && blind != "" {
		if err := tx.bucket(bucketOutboxEvent).Delete(concat([]byte(blind), k)); err != nil {
			return false, err
		}
	}
	if d.err == nil && ck != "" {
		if err := tx.bucket(bucketOutboxCustomer).Delete(concat([]byte(ck), k)); err != nil {
			return false, err
		}
	}
	return true, nil
}

// deleteSent deletes the entries queued as sent and returns how many there
// were.
func (tx *Tx) deleteSent(sent map[string]bool) (int, error) {
	n := 0
	for k := range sent {
		ok, err := tx.deleteOutbox([]byte(k))
		if err != nil {
			return n, fmt.Errorf("ledger: delete sent outbox entry: %w", err)
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Sent records that the platform accepted the outbox entries ids: they
// are deleted with the next commit, or by themselves after
// Options.MarkDelay, without an fsync of their own. A crash before that
// sends them again. Unknown ids are ignored; a malformed one is an error
// wrapping ErrInvalid (and none of ids is recorded).
func (s *Store) Sent(ctx context.Context, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		k, ok := keyOfID(id)
		if !ok {
			return fmt.Errorf("ledger: sent: %w", invalid("outbox", "bad id %q", id))
		}
		keys = append(keys, string(k))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed
	}
	p := &s.pipe
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sent == nil {
		p.sent = map[string]bool{}
	}
	for _, k := range keys {
		if !p.sent[k] {
			p.sent[k] = true
			s.outboxSent.Add(1)
		}
	}
	p.outboxChanged()
	p.arm()
	return nil
}

// WaitOutbox returns once fewer than n outbox entries wait to be sent
// (OutboxPending), or with ctx's error when ctx ends first: intake calls it
// before taking a message, so that while the platforms fall behind, new
// messages wait at the platform instead of in memory. n <= 0 never waits.
func (s *Store) WaitOutbox(ctx context.Context, n int) error {
	if n <= 0 {
		return nil
	}
	p := &s.pipe
	for {
		p.mu.Lock()
		if s.OutboxPending() < n {
			p.mu.Unlock()
			return nil
		}
		if p.outboxMoved == nil {
			p.outboxMoved = make(chan struct{})
		}
		moved := p.outboxMoved
		p.mu.Unlock()
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// OutboxPending returns how many outbox entries wait to be sent: committed
// and not yet reported Sent. Intake compares it with a limit to stop
// taking new messages while the platforms fall behind.
func (s *Store) OutboxPending() int {
	return int(max(0, s.outboxN.Load()-s.outboxSent.Load()))
}

// PruneOutbox deletes entries written before before that were never
// reported sent, and returns how many: replies for a conversation that can
// no longer be reached. The caller logs the count, so nothing goes
// unnoticed.
func (tx *Tx) PruneOutbox(before time.Time) (int, error) {
	end := timePrefix(before)
	var keys [][]byte
	c := tx.bucket(bucketOutbox).Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if _, err := tx.deleteOutbox(k); err != nil {
			return 0, fmt.Errorf("ledger: prune outbox: %w", err)
		}
	}
	tx.outboxAdded -= len(keys)
	return len(keys), nil
}

// countOutbox counts the entries waiting in the file of db, at Open.
func countOutbox(db *bolt.DB) (int, error) {
	n := 0
	err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketOutbox); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n, err
}
