package ledger

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// This file lets a reader of many records go on past one that is damaged
// (ErrCorrupt): an export that stopped at the first bad record, or a list
// that failed as a whole, would leave the shop with nothing of a file whose
// other records read well. Nothing is passed over silently: each record
// skipped is told to the caller, who counts it and says so.

// RecordKind names the kind of a record passed over by SkipDamaged, for
// the caller's count.
type RecordKind string

// The kinds of record the listings pass over when damaged.
const (
	RecordCustomer RecordKind = "customer"
	RecordNote     RecordKind = "note"
	RecordPoints   RecordKind = "points"   // a points entry
	RecordFeedback RecordKind = "feedback" // a rating or comment
	RecordAudit    RecordKind = "audit"    // an entry of the audit trail
)

// SkipDamaged makes the listings of this transaction (ForEachCustomer,
// ListCustomers, ListCustomersInTier, NotesOf, PointsOf, FeedbackOf,
// ScanFeedback, ScanAudit) pass over a record that does
// not read, calling damaged with its kind and error instead of failing;
// nil turns it off. It returns the callback it replaces, so a caller
// restores it with defer tx.SkipDamaged(tx.SkipDamaged(fn)). Reads of one
// record by its id (Customer, CustomerByPhone, FindCustomers) still fail
// with ErrCorrupt: a missing answer there would read as "no such customer".
// A customer not erased whose data key is missing is such a record too
// (keyMissing), not an erased one.
func (tx *Tx) SkipDamaged(damaged func(kind RecordKind, err error)) func(kind RecordKind, err error) {
	old := tx.damaged
	tx.damaged = damaged
	return old
}

// skipDamaged reports whether err is a damaged record of kind that this
// transaction passes over, telling the callback if so.
func (tx *Tx) skipDamaged(kind RecordKind, err error) bool {
	if tx.damaged == nil || !errors.Is(err, ErrCorrupt) {
		return false
	}
	tx.damaged(kind, err)
	return true
}

// plausibleActorID reports whether id, stored in the clear, can be an
// Actor.ID(): valid UTF-8 and, when it names a channel ("slack:U1"), a
// channel of lowercase letters, digits, '_' or '-'. Changed bytes in the
// clear part of a record break no seal, so they went out in the export as
// if nothing happened ("co4)56e:민지"); this catches most flips in the
// channel, none in the user part. Ids without a channel (tests, imports)
// pass.
func plausibleActorID(id string) bool {
	if !utf8.ValidString(id) {
		return false
	}
	ch, _, ok := strings.Cut(id, ":")
	if !ok {
		return true
	}
	if ch == "" {
		return false
	}
	for i := 0; i < len(ch); i++ {
		c := ch[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
