package ledger

import (
	"encoding/binary"
	"fmt"
	"time"
)

// People the platform will not deliver to: a Telegram user who blocked
// the bot answers every message with 403. The mark is kept by the blind id
// of the platform-qualified id ("telegram:42"), with the time of the first
// refusal in the clear, so nothing personal is stored; the person writing
// again clears it.

// bucketUnreachable holds the marks: blind platform id -> sortable nanos
// of the first refusal (listed in allBuckets).
var bucketUnreachable = []byte("unreachable")

// unreachableBlind is the blind id a mark is kept under.
func (tx *Tx) unreachableBlind(id string) []byte { return tx.blind("unreachable", id) }

// MarkUnreachable records that the platform refused to deliver to id (a
// platform-qualified id, "telegram:42") at at. It reports whether the mark
// is new: false when id was marked already, whose first refusal is kept,
// so a caller tells the staff once.
func (tx *Tx) MarkUnreachable(id string, at time.Time) (bool, error) {
	if id == "" || at.IsZero() {
		return false, fmt.Errorf("ledger: mark unreachable: %w", invalid("unreachable", "an id and a time are required"))
	}
	b := tx.bucket(bucketUnreachable)
	k := tx.unreachableBlind(id)
	if b.Get(k) != nil {
		return false, nil
	}
	if err := b.Put(k, binary.BigEndian.AppendUint64(nil, sortableNanos(at))); err != nil {
		return false, fmt.Errorf("ledger: mark unreachable: %w", err)
	}
	return true, nil
}

// Unreachable returns since when the platform refuses to deliver to id,
// and whether it does.
func (tx *Tx) Unreachable(id string) (time.Time, bool, error) {
	v := tx.get(bucketUnreachable, tx.unreachableBlind(id))
	if v == nil {
		return time.Time{}, false, nil
	}
	if len(v) != 8 {
		return time.Time{}, false, fmt.Errorf("ledger: unreachable: %w: mark of %d bytes", ErrCorrupt, len(v))
	}
	return timeFromSortable(binary.BigEndian.Uint64(v)), true, nil
}

// ClearUnreachable removes id's mark (they wrote again, so the platform
// delivers to them once more) and reports whether there was one. Without
// one it writes nothing, so it may be called in a read-only transaction.
func (tx *Tx) ClearUnreachable(id string) (bool, error) {
	b := tx.bucket(bucketUnreachable)
	k := tx.unreachableBlind(id)
	if b.Get(k) == nil {
		return false, nil
	}
	if err := b.Delete(k); err != nil {
		return false, fmt.Errorf("ledger: clear unreachable: %w", err)
	}
	return true, nil
}
