package ledger

import (
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"slices"
	"time"
)

// Data keys inside a transaction: which key seals which record.

// custAEAD returns the data key of the customer at ck, or nil (and no
// error) when the customer has none: their key was shredded by an erasure,
// so what was sealed under it reads as erased.
func (tx *Tx) custAEAD(ck []byte) (cipher.AEAD, error) {
	var id [custKeyLen]byte
	copy(id[:], ck)
	if a, ok := tx.aeads[id]; ok {
		return a, nil // a summary reads a regular's records many times
	}
	v := tx.get(bucketKeys, ck)
	var a cipher.AEAD
	if v != nil {
		var err error
		if a, err = tx.kr.openDataKey(bucketKeys, ck, v); err != nil {
			return nil, fmt.Errorf("customer %s: %w", custIDOfKey(ck), err)
		}
	} else if err := tx.keyMissing(ck); err != nil {
		return nil, err
	}
	if tx.aeads == nil {
		tx.aeads = map[[custKeyLen]byte]cipher.AEAD{}
	}
	tx.trimBulkKeys()
	tx.aeads[id] = a
	return a, nil
}

// warmCustKeys memoizes the data keys of the customers numbered seqs
// (their keys as big-endian numbers; sorted in place) in one pass over the
// keys bucket in key order. A scan of a week's records, whose customers
// come in no order, then finds each key memoized instead of looking it up
// at a random place in the bucket of every customer's key, which cost a
// summary more than opening the comments.
func (tx *Tx) warmCustKeys(seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	if tx.aeads == nil {
		tx.aeads = make(map[[custKeyLen]byte]cipher.AEAD, len(seqs))
	}
	c := tx.bucket(bucketKeys).Cursor()
	var k, v []byte
	var ck [custKeyLen]byte
	for _, seq := range seqs {
		binary.BigEndian.PutUint64(ck[:], seq)
		if _, ok := tx.aeads[ck]; ok {
			continue
		}
		// The next key wanted is often a few entries on: step to it, and
		// seek only when it is further.
		for step := 0; k != nil && bytes.Compare(k, ck[:]) < 0; step++ {
			if step == 8 {
				k = nil
				break
			}
			k, v = c.Next()
		}
		if k == nil || bytes.Compare(k, ck[:]) < 0 {
			k, v = c.Seek(ck[:])
		}
		var a cipher.AEAD
		if k != nil && bytes.Equal(k, ck[:]) {
			var err error
			if a, err = tx.kr.openDataKey(bucketKeys, k, v); err != nil {
				return fmt.Errorf("customer %s: %w", custIDOfKey(ck[:]), err)
			}
		} else if err := tx.keyMissing(ck[:]); err != nil {
			return err
		}
		tx.aeads[ck] = a
	}
	return nil
}

// keyMissing tells why the customer at ck has no data key: nil when an
// erasure shredded it (the customer is marked erased) or there is no such
// customer, ErrCorrupt when a customer not erased has none. Only damage
// does that (a changed byte in the key's key in the keys bucket), and it
// must not read as an erasure: the customer's name and phone would come
// out empty, lookups would say there is no such customer, and the shop
// would register them again instead of restoring a backup.
func (tx *Tx) keyMissing(ck []byte) error {
	if tx.get(bucketErased, ck) != nil || tx.get(bucketCustomers, ck) == nil {
		return nil
	}
	return fmt.Errorf("customer %s: %w", custIDOfKey(ck), errNoDataKey)
}

// errNoDataKey is keyMissing's damage: a customer not erased without a
// data key.
var errNoDataKey = fmt.Errorf("%w: no data key, and not erased", ErrCorrupt)

// newCustKey gives the customer at ck a fresh data key.
func (tx *Tx) newCustKey(ck []byte) (cipher.AEAD, error) {
	stored, a, err := tx.kr.newDataKey(bucketKeys, ck)
	if err != nil {
		return nil, err
	}
	if err := tx.bucket(bucketKeys).Put(ck, stored); err != nil {
		return nil, fmt.Errorf("store data key: %w", err)
	}
	delete(tx.aeads, [custKeyLen]byte(ck))
	tx.forgetCustomer(ck)
	return a, nil
}

// aeadOf returns the key that seals records of customerID: the customer's
// data key, or the shop key when customerID is empty or not a customer id.
// A customer whose key was shredded gives nil.
func (tx *Tx) aeadOf(customerID string) (cipher.AEAD, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return tx.kr.shop, nil
	}
	return tx.custAEAD(ck)
}

// blind is kr.blind, memoized across the functions of a grouped commit
// (txMemo): one staff member's notes in a commit name the same actor and
// profile, often the same customer and tag, each an HMAC. A transaction
// of its own (a read, a lone writer) asks each once and keeps no memo.
// A memoized slice is shared: its capacity is its length, so an append
// copies, and callers never write into it.
func (tx *Tx) blind(kind, value string) []byte {
	if tx.blinds == nil {
		return tx.kr.blind(kind, value)
	}
	k := blindKey{kind, value}
	if b, ok := tx.blinds[k]; ok {
		return b
	}
	b := tx.kr.blind(kind, value)
	b = b[:len(b):len(b)]
	tx.blinds[k] = b
	return b
}

// blindKey is what a blind index is made of: its kind and the value.
type blindKey struct{ kind, value string }

// senderBlind is the blind id of an unlinked sender's platform id.
func (tx *Tx) senderBlind(senderID string) []byte { return tx.kr.blind("sender", senderID) }

// senderAEAD returns the data key of an unlinked sender (by blind id),
// creating it if create is set; nil when there is none.
func (tx *Tx) senderAEAD(blind []byte, create bool) (cipher.AEAD, error) {
	b := tx.bucket(bucketSenderKeys)
	if v := b.Get(blind); v != nil {
		a, err := tx.kr.openDataKey(bucketSenderKeys, blind, v)
		if err != nil {
			return nil, fmt.Errorf("sender key: %w", err)
		}
		return a, nil
	}
	if !create {
		return nil, nil
	}
	stored, a, err := tx.kr.newDataKey(bucketSenderKeys, blind)
	if err != nil {
		return nil, err
	}
	if err := b.Put(blind, stored); err != nil {
		return nil, fmt.Errorf("store sender key: %w", err)
	}
	return a, nil
}

// shredded is a data key an erasure deleted, for the erased-keys list.
type shredded struct {
	id []byte
	at time.Time
}

// shred deletes the data key stored under (bucket, k), if any, and notes
// its id so Update writes it to the erased-keys list before committing.
func (tx *Tx) shred(bucket, k []byte, at time.Time) error {
	b := tx.bucket(bucket)
	v := b.Get(k)
	if v == nil {
		return nil
	}
	id := bytes.Clone(v[:min(len(v), keyIDSize)])
	if err := b.Delete(k); err != nil {
		return fmt.Errorf("shred key: %w", err)
	}
	tx.kr.forget(id)
	if len(k) == custKeyLen {
		delete(tx.aeads, [custKeyLen]byte(k))
	}
	tx.forgetCustomer(k)
	// In the file too, in the same transaction: its later backups then
	// carry the erasure even if the list beside the key is lost.
	if err := tx.recordErasure(id, at); err != nil {
		return fmt.Errorf("shred key: %w", err)
	}
	tx.shredded = append(tx.shredded, shredded{id: id, at: at})
	return nil
}

// sealRecord seals plain for the record (bucket, k) under a. A record with
// nothing personal (plain empty) stores nothing sealed, so it needs no key.
func sealRecord(a cipher.AEAD, bucket, k, plain []byte) ([]byte, error) {
	if len(plain) == 0 {
		return nil, nil
	}
	if a == nil {
		return nil, fmt.Errorf("%w: no key to seal %s %s (erased)", ErrInvalid, bucket, idOfAny(k))
	}
	return seal(a, recordAD(bucket, k), plain), nil
}

// openRecord opens what sealRecord made. Nothing sealed, or a key that is
// gone (a shredded customer), gives nil: the personal part reads as empty.
func openRecord(a cipher.AEAD, bucket, k, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 || a == nil {
		return nil, nil
	}
	plain, err := unseal(a, recordAD(bucket, k), sealed)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", bucket, idOfAny(k), err)
	}
	return plain, nil
}

// idOfAny names a record key in an error: a time key's id, a customer's id,
// or hex.
func idOfAny(k []byte) string {
	switch len(k) {
	case timeKeyLen:
		return idOf(k)
	case custKeyLen:
		return custIDOfKey(k)
	}
	return fmt.Sprintf("%x", k)
}
