package ledger

import (
	"crypto/cipher"
	"fmt"
	"slices"
	"time"
)

// auditVersion 2 seals the actor and the detail; version 1 is only read by
// the migration (legacy.go).
const auditVersion = 2

// Which key seals an audit entry's actor and detail.
const (
	auditCustomerKey = 0 // the customer's: shredded with them
	auditShopKey     = 1 // the shop key: no customer, or one already erased
)

// encodeAudit: version, action, customer, which key, then the actor id and
// the detail sealed under that key; At is the key.
func encodeAudit(a *AuditEntry, keyKind byte, sealed []byte) []byte {
	e := encoder{b: make([]byte, 0, 8+len(a.Action)+len(a.CustomerID)+len(sealed))}
	e.byte(auditVersion)
	e.string(a.Action)
	e.string(a.CustomerID)
	e.byte(keyKind)
	e.string(string(sealed))
	return e.b
}

func decodeAudit(k, v []byte) (AuditEntry, byte, []byte, error) {
	d := newDecoder(v)
	d.version(auditVersion)
	if d.err == nil && v[0] != auditVersion {
		d.fail("version")
	}
	a := AuditEntry{At: keyTime(k)}
	a.Action = d.string()
	a.CustomerID = d.string()
	keyKind := d.byte()
	sealed := d.string()
	if d.err == nil && keyKind > auditShopKey {
		d.fail("key kind")
	}
	if d.err != nil {
		return AuditEntry{}, 0, nil, fmt.Errorf("audit entry %s: %w", idOf(k), d.err)
	}
	return a, keyKind, []byte(sealed), nil
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
	return tx.bucket(bucketAudit).Put(k, encodeAudit(a, keyKind, sealed))
}

// decodeAudit decodes the entry stored as v under k, opening its actor and
// detail (empty once the customer's key is shredded).
func (tx *Tx) decodeAudit(k, v []byte) (AuditEntry, error) {
	a, keyKind, sealed, err := decodeAudit(k, v)
	if err != nil || len(sealed) == 0 {
		return a, err
	}
	aead, err := tx.auditAEAD(&a, keyKind)
	if err != nil {
		return AuditEntry{}, err
	}
	plain, err := openRecord(aead, bucketAudit, k, sealed)
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
// customer shreds the key of their entries' actor and detail (the detail
// may quote them, the actor may be them), which then read as empty.
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
