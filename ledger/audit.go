package ledger

import (
	"crypto/cipher"
	"fmt"
	"slices"
	"time"
)

// auditVersion 2 seals the actor and the detail; version 1 is only read by
// the migration (legacy.go). An entry sealed under its customer's key ends
// with its actor sealed again under the shop key, after the fields of
// version 2 and in the same version: who read or changed a record is staff
// data, not the customer's, and must outlive their erasure (a record of
// destruction names who erased whom and when), while a build from before
// it reads the entry and ignores the field, where a new version would have
// made the trail unreadable to it after a downgrade. Entries written
// before it have no such field: their actor goes with the customer's key.
const auditVersion = 2

// auditActorAD is the "bucket" of the shop-sealed actor's associated data:
// not bucketAudit, so the actor sealed under the shop key can never be
// taken for the entry's other sealed field.
var auditActorAD = []byte("audit.actor")

// Which key seals an audit entry's actor and detail.
const (
	auditCustomerKey = 0 // the customer's: shredded with them
	auditShopKey     = 1 // the shop key: no customer, or one already erased
)

// encodeAudit: version, action, customer, which key, then the actor id and
// the detail sealed under that key, then (when that key is the customer's)
// the actor id sealed under the shop key; At is the key.
func encodeAudit(a *AuditEntry, keyKind byte, sealed, actor []byte) []byte {
	e := encoder{b: make([]byte, 0, 8+len(a.Action)+len(a.CustomerID)+len(sealed)+len(actor))}
	e.byte(auditVersion)
	e.string(a.Action)
	e.string(a.CustomerID)
	e.byte(keyKind)
	e.string(string(sealed))
	if len(actor) > 0 {
		e.string(string(actor))
	}
	return e.b
}

// storedAudit is an audit entry as stored: its clear fields, which key
// seals its actor and detail, and the sealed values.
type storedAudit struct {
	AuditEntry
	keyKind byte
	sealed  []byte // actor and detail, under keyKind's key
	actor   []byte // the actor under the shop key; empty before it was written
}

func decodeAudit(k, v []byte) (storedAudit, error) {
	d := newDecoder(v)
	d.version(auditVersion)
	if d.err == nil && v[0] != auditVersion {
		d.fail("version")
	}
	a := storedAudit{AuditEntry: AuditEntry{At: keyTime(k)}}
	a.Action = d.string()
	a.CustomerID = d.string()
	a.keyKind = d.byte()
	a.sealed = []byte(d.string())
	if d.err == nil && d.off < len(d.s) {
		a.actor = []byte(d.string())
	}
	if d.err == nil && a.keyKind > auditShopKey {
		d.fail("key kind")
	}
	if d.err != nil {
		return storedAudit{}, fmt.Errorf("audit entry %s: %w", idOf(k), d.err)
	}
	return a, nil
}

// auditAEAD returns the key of an audit entry of keyKind.
func (tx *Tx) auditAEAD(a *AuditEntry, keyKind byte) (cipher.AEAD, error) {
	if keyKind == auditShopKey {
		return tx.kr.shop, nil
	}
	return tx.aeadOf(a.CustomerID)
}

// putAudit seals a's actor and detail and stores a under k.
func (tx *Tx) putAudit(k []byte, a *AuditEntry) error {
	aead, err := tx.aeadOf(a.CustomerID)
	if err != nil {
		return err
	}
	var keyKind byte = auditCustomerKey
	if aead == tx.kr.shop || aead == nil {
		// No customer, or one erased before this entry (the record of
		// their erasure itself): the shop key, so who did it stays known.
		aead, keyKind = tx.kr.shop, auditShopKey
	}
	e := encoder{}
	e.string(a.ActorID)
	e.string(a.Detail)
	sealed, err := sealRecord(aead, bucketAudit, k, e.b)
	if err != nil {
		return err
	}
	// The actor again under the shop key, so their erasure leaves who
	// read or changed the record (the detail may quote them: it goes).
	// The copy under the customer's key stays for a build from before.
	var actor []byte
	if keyKind == auditCustomerKey {
		if actor, err = sealRecord(tx.kr.shop, auditActorAD, k, []byte(a.ActorID)); err != nil {
			return err
		}
	}
	return tx.bucket(bucketAudit).Put(k, encodeAudit(a, keyKind, sealed, actor))
}

// decodeAudit decodes the entry stored as v under k, opening its actor and
// detail. Once the customer's key is shredded the detail is empty, and so
// is the actor of an entry written before the actor was sealed under the
// shop key too.
func (tx *Tx) decodeAudit(k, v []byte) (AuditEntry, error) {
	st, err := decodeAudit(k, v)
	a := st.AuditEntry
	if err != nil || len(st.sealed) == 0 {
		return a, err
	}
	aead, err := tx.auditAEAD(&a, st.keyKind)
	if err != nil {
		return AuditEntry{}, err
	}
	if aead == nil {
		// The customer's key is gone: only the shop-sealed actor opens.
		actor, err := openRecord(tx.kr.shop, auditActorAD, k, st.actor)
		if err != nil {
			return AuditEntry{}, fmt.Errorf("audit entry %s: %w", idOf(k), err)
		}
		a.ActorID = string(actor)
		return a, nil
	}
	plain, err := openRecord(aead, bucketAudit, k, st.sealed)
	if err != nil || plain == nil {
		return a, err
	}
	d := newDecoder(plain)
	a.ActorID = d.string()
	a.Detail = d.string()
	if d.err != nil {
		return AuditEntry{}, fmt.Errorf("audit entry %s: %w", idOf(k), d.err)
	}
	return a, nil
}

// Validate reports whether e can be appended: it needs a time, an actor and
// an action. The error wraps ErrInvalid.
func (e *AuditEntry) Validate() error {
	switch {
	case e.At.IsZero():
		return invalid("audit", "time is required")
	case e.ActorID == "":
		return invalid("audit", "actor is required")
	case e.Action == "":
		return invalid("audit", "action is required")
	}
	return nil
}

// Audit appends e to the audit trail. Entries are never changed; erasing a
// customer shreds the key of their entries' detail (it may quote them),
// which then reads as empty, while the actor, sealed under the shop key as
// well, stays: who read or changed the record, and who erased it, is the
// shop's to keep.
func (tx *Tx) Audit(e AuditEntry) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("ledger: audit: %w", err)
	}
	b := tx.bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("ledger: audit: %w", err)
	}
	k := timeKey(e.At, seq)
	if err := tx.putAudit(k, &e); err != nil {
		return fmt.Errorf("ledger: audit: %w", err)
	}
	if err := tx.bucket(bucketActorAudit).Put(tx.indexKey(tx.actorBlind(e.ActorID), k), []byte{}); err != nil {
		return fmt.Errorf("ledger: audit: %w", err)
	}
	if ck, ok := custKeyOf(e.CustomerID); ok {
		if err := tx.bucket(bucketCustAudit).Put(tx.indexKey(ck, k), []byte{}); err != nil {
			return fmt.Errorf("ledger: audit: %w", err)
		}
		tx.noteAudited(e.CustomerID)
	}
	return nil
}

// noteAudited adds id to Audited once. A message audits a customer or
// two, found in the list; an import audits every customer of its sheet,
// and the list's search made 30,000 rows quadratic, so past a few the
// ids are kept in a set as well.
func (tx *Tx) noteAudited(id string) {
	const listed = 16
	if tx.auditedSet == nil {
		if slices.Contains(tx.audited, id) {
			return
		}
		tx.audited = append(tx.audited, id)
		if len(tx.audited) > listed {
			tx.auditedSet = make(map[string]struct{}, 2*len(tx.audited))
			for _, a := range tx.audited {
				tx.auditedSet[a] = struct{}{}
			}
		}
		return
	}
	if _, ok := tx.auditedSet[id]; !ok {
		tx.auditedSet[id] = struct{}{}
		tx.audited = append(tx.audited, id)
	}
}

// Audited returns the ids of the customers audited so far in this
// transaction, in the order first audited: whom a staff member's message
// read or changed. The engine ties its answer to staff to the customer
// when there is exactly one, so that their erasure reaches it in the
// outbox (AddOutboxFor).
func (tx *Tx) Audited() []string { return slices.Clone(tx.audited) }

// ScanAudit calls fn for every audit entry in [from, to), in time order.
func (tx *Tx) ScanAudit(from, to time.Time, fn func(AuditEntry) error) error {
	return scanTime(tx.bucket(bucketAudit), from, to, func(k, v []byte) error {
		a, err := tx.decodeAudit(k, v)
		if err != nil && tx.skipDamaged(RecordAudit, err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ledger: scan audit: %w", err)
		}
		return fn(a)
	})
}
