package ledger

import (
	"context"
	"encoding/binary"
	"fmt"
)

// Thread refs: where a thread lives on a platform that threads messages
// (Slack: the staff channel and the timestamp of the thread's head post),
// so that its later posts go under the head, the head can be edited in
// place, and a staff member's message written under it is known as an
// answer to that thread. A ref is the platform's address of a message and
// a thread number is a counter: neither is personal data, so the bucket
// is clear and an erasure has nothing in it to shred.

// bucketThreadRefs holds, per platform, thread -> ref and ref -> thread,
// and the threads told that edits are not relayed (listed in allBuckets):
//
//	't' platform 0 thread -> ref
//	'r' platform 0 ref    -> thread
//	'e' thread number (8 bytes) -> empty
var bucketThreadRefs = []byte("thread_refs")

// Bounds of a thread ref's parts: a Slack channel id and ts are about 30
// bytes.
const (
	maxRefPlatform = 32
	maxRef         = 256
	maxRefThread   = 20 // an int64 in decimal
)

func refKey(kind byte, platform, s string) []byte {
	return concat([]byte{kind}, []byte(platform), []byte{0}, []byte(s))
}

// checkRef validates the parts of a thread ref. The error wraps ErrInvalid.
func checkRef(platform, thread, ref string) error {
	switch {
	case platform == "" || len(platform) > maxRefPlatform:
		return invalid("thread ref", "platform %q", platform)
	case thread == "" || len(thread) > maxRefThread:
		return invalid("thread ref", "thread %q", thread)
	case ref == "" || len(ref) > maxRef:
		return invalid("thread ref", "ref of %d bytes", len(ref))
	}
	return nil
}

// SetThreadRef records that thread lives at ref on platform, replacing
// any ref it had there before (whose reverse lookup is removed, so a reply
// under an old head is no longer taken for the thread's). Setting the same
// ref again changes nothing. The error wraps ErrInvalid for an empty or
// oversized part.
func (tx *Tx) SetThreadRef(platform, thread, ref string) error {
	if err := checkRef(platform, thread, ref); err != nil {
		return fmt.Errorf("ledger: set thread ref: %w", err)
	}
	b := tx.bucket(bucketThreadRefs)
	tk := refKey('t', platform, thread)
	if old := b.Get(tk); old != nil && string(old) != ref {
		if err := b.Delete(refKey('r', platform, string(old))); err != nil {
			return fmt.Errorf("ledger: set thread ref: %w", err)
		}
	}
	if err := b.Put(tk, []byte(ref)); err != nil {
		return fmt.Errorf("ledger: set thread ref: %w", err)
	}
	if err := b.Put(refKey('r', platform, ref), []byte(thread)); err != nil {
		return fmt.Errorf("ledger: set thread ref: %w", err)
	}
	return nil
}

// ThreadRef returns where thread lives on platform, and whether it is
// known there.
func (tx *Tx) ThreadRef(platform, thread string) (string, bool, error) {
	v := tx.get(bucketThreadRefs, refKey('t', platform, thread))
	if v == nil {
		return "", false, nil
	}
	return string(v), true, nil
}

// ThreadByRef returns the thread that lives at ref on platform, and
// whether there is one.
func (tx *Tx) ThreadByRef(platform, ref string) (string, bool, error) {
	v := tx.get(bucketThreadRefs, refKey('r', platform, ref))
	if v == nil {
		return "", false, nil
	}
	return string(v), true, nil
}

// MarkEditNoticed records that thread n was told that edits and deletions
// are not relayed to the customer, and reports whether this is the first
// time (the notice is said once per thread).
func (tx *Tx) MarkEditNoticed(n int64) (first bool, err error) {
	k := concat([]byte{'e'}, binary.BigEndian.AppendUint64(nil, uint64(n)))
	b := tx.bucket(bucketThreadRefs)
	if b.Get(k) != nil {
		return false, nil
	}
	if err := b.Put(k, []byte{}); err != nil {
		return false, fmt.Errorf("ledger: mark edit noticed %d: %w", n, err)
	}
	return true, nil
}

// SetThreadRef is Tx.SetThreadRef in a transaction of its own, for an
// adapter that learns a ref when the platform accepted a post. It may
// run more than once (Update), which changes nothing.
func (s *Store) SetThreadRef(ctx context.Context, platform, thread, ref string) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.SetThreadRef(platform, thread, ref) })
}

// ThreadRef is Tx.ThreadRef in a read-only transaction of its own.
func (s *Store) ThreadRef(ctx context.Context, platform, thread string) (ref string, ok bool, err error) {
	err = s.View(ctx, func(tx *Tx) error {
		ref, ok, err = tx.ThreadRef(platform, thread)
		return err
	})
	return ref, ok, err
}

// ThreadByRef is Tx.ThreadByRef in a read-only transaction of its own.
func (s *Store) ThreadByRef(ctx context.Context, platform, ref string) (thread string, ok bool, err error) {
	err = s.View(ctx, func(tx *Tx) error {
		thread, ok, err = tx.ThreadByRef(platform, ref)
		return err
	})
	return thread, ok, err
}
