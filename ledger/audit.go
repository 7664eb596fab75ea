package ledger

import (
	"fmt"
	"time"
)

const auditVersion = 1

// encodeAudit: version, actor, action, customer, detail; At is the key.
func encodeAudit(a *AuditEntry) []byte {
	e := encoder{b: make([]byte, 0, 8+len(a.ActorID)+len(a.Action)+len(a.CustomerID)+len(a.Detail))}
	e.byte(auditVersion)
	e.string(a.ActorID)
	e.string(a.Action)
	e.string(a.CustomerID)
	e.string(a.Detail)
	return e.b
}

func decodeAudit(k, v []byte) (AuditEntry, error) {
	d := newDecoder(v)
	d.version(auditVersion)
	a := AuditEntry{At: keyTime(k)}
	a.ActorID = d.string()
	a.Action = d.string()
	a.CustomerID = d.string()
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

// Audit appends e to the audit trail. Entries are never changed, except that
// erasing a customer blanks the Detail of their entries (it may quote them).
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
	if err := b.Put(k, encodeAudit(&e)); err != nil {
		return fmt.Errorf("ledger: audit: %w", err)
	}
	if ck, ok := custKeyOf(e.CustomerID); ok {
		if err := tx.bucket(bucketCustAudit).Put(concat(ck, k), []byte{}); err != nil {
			return fmt.Errorf("ledger: audit: %w", err)
		}
	}
	return nil
}

// ScanAudit calls fn for every audit entry in [from, to), in time order.
func (tx *Tx) ScanAudit(from, to time.Time, fn func(AuditEntry) error) error {
	return scanTime(tx.bucket(bucketAudit), from, to, func(k, v []byte) error {
		a, err := decodeAudit(k, v)
		if err != nil {
			return fmt.Errorf("ledger: scan audit: %w", err)
		}
		return fn(a)
	})
}
