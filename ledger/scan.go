package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
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

// clearDecoder reads the clear part of a bulk-scanned record (a note, a
// feedback, a points entry) straight from the stored bytes, and copies
// only the bytes its strings occupy, once: the sealed part, most of such a
// record, is never copied (a summary counts from the clear part and opens
// the sealed one in place, if at all). A string field is read as a span;
// once every field is read, text makes the one copy (which stays valid
// after the transaction) and cut takes each string from it. Fields read
// with field stay v's bytes. The first error sticks, as with decoder.
type clearDecoder struct {
	v   []byte
	off int
	err error
	// lo and hi bound the string fields read so far, what text copies.
	lo, hi int
	spans  bool
}

// span is where a string field is in the stored value.
type span struct{ lo, hi int }

func (d *clearDecoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s at byte %d", ErrCorrupt, what, d.off)
	}
}

func (d *clearDecoder) version(max byte) byte {
	v := d.byte()
	if d.err == nil && (v == 0 || v > max) {
		d.err = fmt.Errorf("%w: unknown version %d", ErrCorrupt, v)
	}
	return v
}

func (d *clearDecoder) byte() byte {
	if d.err != nil || d.off >= len(d.v) {
		d.fail("byte")
		return 0
	}
	d.off++
	return d.v[d.off-1]
}

func (d *clearDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.v[d.off:])
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.off += n
	return x
}

func (d *clearDecoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// skip reads past a length-prefixed field and returns where its bytes are.
func (d *clearDecoder) skip() span {
	n := d.uvarint()
	if d.err != nil {
		return span{}
	}
	if n > uint64(len(d.v)-d.off) {
		d.fail("string length")
		return span{}
	}
	lo := d.off
	d.off += int(n)
	return span{lo, d.off}
}

// cover widens what text copies to s.
func (d *clearDecoder) cover(s span) {
	if !d.spans {
		d.lo, d.spans = s.lo, true
	}
	d.hi = s.hi // fields are read in order
}

// str reads a string field, to be cut from text.
func (d *clearDecoder) str() span {
	s := d.skip()
	if d.err == nil {
		d.cover(s)
	}
	return s
}

// list reads a list of strings (a count, then each one), to be cut from
// text with cutList.
func (d *clearDecoder) list() (span, int) {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return span{}, 0
	}
	if n > uint64(len(d.v)-d.off) { // each string takes at least one byte
		d.fail("list length")
		return span{}, 0
	}
	lo := d.off
	for range n {
		d.skip()
	}
	if d.err != nil {
		return span{}, 0
	}
	s := span{lo, d.off}
	d.cover(s)
	return s, int(n)
}

// field reads a length-prefixed field as v's own bytes, not copied: valid
// only while v is (in bbolt's memory, until the transaction ends).
func (d *clearDecoder) field() []byte {
	s := d.skip()
	if d.err != nil {
		return nil
	}
	return d.v[s.lo:s.hi:s.hi]
}

// timeKeyID reads a field holding a time key, or nothing, as its id ("" for
// nothing).
func (d *clearDecoder) timeKeyID(what string) string {
	k := d.field()
	switch {
	case len(k) == 0:
		return ""
	case len(k) != timeKeyLen:
		d.fail(what)
		return ""
	}
	return idOf(k)
}

// textAndID returns the one copy of the string fields read (from the
// first to the last of them) and the public id of the record's time key k,
// made in one allocation: a summary decodes records by the hundred
// thousand, and an id of its own each was a tenth of its time.
func (d *clearDecoder) textAndID(k []byte) (text, id string) {
	var ib [32]byte
	n := idEncoding.EncodedLen(len(k))
	if n > len(ib) {
		return d.text(), idOf(k)
	}
	idEncoding.Encode(ib[:n], k)
	var s strings.Builder
	if d.err == nil && d.spans {
		s.Grow(n + d.hi - d.lo)
		s.Write(ib[:n])
		s.Write(d.v[d.lo:d.hi])
	} else {
		s.Write(ib[:n])
	}
	all := s.String() // the builder's bytes, not copied again
	return all[n:], all[:n]
}

// text returns the one copy of the string fields read, from the first to
// the last of them.
func (d *clearDecoder) text() string {
	if d.err != nil || !d.spans {
		return ""
	}
	return string(d.v[d.lo:d.hi])
}

// cut returns the string field at s from text's copy.
func (d *clearDecoder) cut(text string, s span) string {
	if s.hi <= s.lo || d.err != nil {
		return ""
	}
	return text[s.lo-d.lo : s.hi-d.lo]
}

// cutList returns the n strings of the list at s from text's copy; nil
// for none.
func (d *clearDecoder) cutList(text string, s span, n int) []string {
	if n == 0 || d.err != nil {
		return nil
	}
	l := decoder{s: d.cut(text, s)} // no copy: the strings share text
	out := make([]string, n)
	for i := range out {
		out[i] = l.string()
	}
	return out
}
