package ledger

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"
)

// scanTime calls fn for every key/value of a time-keyed bucket with
// from <= time < to, in key order. It seeks to from, so it reads only the
// range.
func scanTime(b *bolt.Bucket, from, to time.Time, fn func(k, v []byte) error) error {
	end := timePrefix(to)
	c := b.Cursor()
	for k, v := c.Seek(timePrefix(from)); k != nil && bytes.Compare(k, end) < 0; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// newestOf calls fn with the time keys of a per-customer index
// (custKey + time key), newest first, at most limit (all if limit <= 0).
func newestOf(idx *bolt.Bucket, ck []byte, limit int, fn func(tk []byte) error) error {
	c := idx.Cursor()
	var k []byte
	if end := prefixEnd(ck); end == nil {
		k, _ = c.Last()
	} else if k, _ = c.Seek(end); k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for n := 0; k != nil && bytes.HasPrefix(k, ck) && (limit <= 0 || n < limit); n++ {
		if err := fn(k[len(ck):]); err != nil {
			return err
		}
		k, _ = c.Prev()
	}
	return nil
}

// forPrefix calls fn with the suffix of every key of b starting with prefix.
// Keys are copied first so fn may change b.
func forPrefix(b *bolt.Bucket, prefix []byte, fn func(suffix []byte) error) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k[len(prefix):]...))
	}
	for _, k := range keys {
		if err := fn(k); err != nil {
			return err
		}
	}
	return nil
}

// field reads a length-prefixed field as the bytes of v it occupies,
// without copying them; v must be the value d decodes (newDecoder(v)).
// Records keep their sealed part last, read this way: a scan that only
// counts never copies it, and one that opens it reads it in place (bbolt's
// memory, valid until the transaction ends).
func (d *decoder) field(v []byte) []byte {
	s := d.string()
	if d.err != nil {
		return nil
	}
	return v[d.off-len(s) : d.off : d.off]
}
