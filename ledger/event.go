package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// SeenEvent reports whether event id was already committed, or, in this
// process, queued to commit with its marks (Store.QueueMarks).
func (tx *Tx) SeenEvent(id string) (bool, error) {
	if tx.get(bucketEvents, []byte(id)) != nil {
		return true, nil
	}
	return tx.pipe != nil && tx.pipe.queuedEvent(id), nil
}

// MarkEvent records event id as processed at time at. The time lets
// PruneEvents forget ids too old to be delivered again.
func (tx *Tx) MarkEvent(id string, at time.Time) error {
	if id == "" {
		return fmt.Errorf("ledger: mark event: %w", invalid("event", "id is required"))
	}
	b, bt := tx.bucket(bucketEvents), tx.bucket(bucketEventTimes)
	key := []byte(id)
	if old := tx.get(bucketEvents, key); len(old) == 8 {
		if err := bt.Delete(concat(old, key)); err != nil {
			return fmt.Errorf("ledger: mark event %s: %w", id, err)
		}
	}
	t := timePrefix(at)
	if err := b.Put(key, t); err != nil {
		return fmt.Errorf("ledger: mark event %s: %w", id, err)
	}
	if err := bt.Put(tx.indexKey(t, key), []byte{}); err != nil {
		return fmt.Errorf("ledger: mark event %s: %w", id, err)
	}
	return nil
}

// PruneEvents forgets event ids marked before before and returns how many.
// Platforms redeliver within minutes (Slack) to a day (Telegram), so a week
// of ids is plenty.
func (tx *Tx) PruneEvents(before time.Time) (int, error) {
	b, bt := tx.bucket(bucketEvents), tx.bucket(bucketEventTimes)
	end := timePrefix(before)
	var keys [][]byte
	c := bt.Cursor()
	for k, _ := c.First(); k != nil && string(k[:8]) < string(end); k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := bt.Delete(k); err != nil {
			return 0, fmt.Errorf("ledger: prune events: %w", err)
		}
		if err := b.Delete(k[8:]); err != nil {
			return 0, fmt.Errorf("ledger: prune events: %w", err)
		}
	}
	return len(keys), nil
}

// Cursor returns a named integer kept by the ledger (0 if unset), e.g. the
// last Telegram update id committed, or, in this process, queued to commit
// with a message's marks (Store.QueueMarks) when that is higher.
func (tx *Tx) Cursor(name string) (int64, error) {
	var cur int64
	if v := tx.get(bucketCursors, []byte(name)); v != nil {
		if len(v) != 8 {
			return 0, fmt.Errorf("ledger: cursor %s: %w", name, ErrCorrupt)
		}
		cur = int64(binary.BigEndian.Uint64(v))
	}
	if tx.pipe != nil {
		if q, ok := tx.pipe.queuedCursor(name); ok && q > cur {
			cur = q
		}
	}
	return cur, nil
}

// SetCursor stores a named integer; it never moves a cursor backwards (a
// smaller v is ignored).
func (tx *Tx) SetCursor(name string, v int64) error {
	cur, err := tx.Cursor(name)
	if err != nil {
		return err
	}
	if tx.get(bucketCursors, []byte(name)) != nil && v <= cur {
		return nil
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	if err := tx.bucket(bucketCursors).Put([]byte(name), b[:]); err != nil {
		return fmt.Errorf("ledger: set cursor %s: %w", name, err)
	}
	return nil
}

// Posted reports whether the scheduled post key (e.g. "summary:2026-W48") was made.
func (tx *Tx) Posted(key string) (bool, error) {
	return tx.get(bucketPosted, []byte(key)) != nil, nil
}

// MarkPosted records that the scheduled post key was made at at.
func (tx *Tx) MarkPosted(key string, at time.Time) error {
	if key == "" {
		return fmt.Errorf("ledger: mark posted: %w", invalid("post", "key is required"))
	}
	if err := tx.bucket(bucketPosted).Put([]byte(key), timePrefix(at)); err != nil {
		return fmt.Errorf("ledger: mark posted %s: %w", key, err)
	}
	return nil
}

// PrunePosted forgets the scheduled posts whose keys start with prefix and
// that were made before before, returning how many. A job run every few
// minutes (a check) records an occurrence each time; without pruning its
// keys would grow the file for ever, though none older than the job's
// lateness is read again.
func (tx *Tx) PrunePosted(prefix string, before time.Time) (int, error) {
	if prefix == "" {
		return 0, fmt.Errorf("ledger: prune posted: %w", invalid("post", "prefix is required"))
	}
	cut := timePrefix(before)
	var old [][]byte
	c := tx.bucket(bucketPosted).Cursor()
	for k, v := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
		if bytes.Compare(v, cut) < 0 {
			old = append(old, bytes.Clone(k))
		}
	}
	b := tx.bucket(bucketPosted)
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("ledger: prune posted: %w", err)
		}
	}
	return len(old), nil
}

// UnmarkPosted forgets that the scheduled post key was made, so a post whose
// sending failed is tried again; an unknown key is not an error.
func (tx *Tx) UnmarkPosted(key string) error {
	if err := tx.bucket(bucketPosted).Delete([]byte(key)); err != nil {
		return fmt.Errorf("ledger: unmark posted %s: %w", key, err)
	}
	return nil
}
