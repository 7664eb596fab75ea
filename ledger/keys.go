package ledger

import (
	"encoding/base32"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"
)

// Keys of time-ordered records are 16 bytes: the record's time as big-endian
// unix nanoseconds with the sign bit flipped (so times before 1970 still sort
// first), then a big-endian per-bucket sequence that keeps records of the
// same nanosecond apart and in insertion order. A week of records is thus one
// cursor range.
const timeKeyLen = 16

// Range limits: time.Time.UnixNano is undefined outside these, so times are
// clamped first (a zero time.Time means "the beginning").
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// nanos returns t as unix nanoseconds, clamped to what an int64 holds.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// sortableNanos maps t onto a uint64 whose byte order is time order.
func sortableNanos(t time.Time) uint64 { return uint64(nanos(t)) ^ (1 << 63) }

// timeFromSortable is the inverse of sortableNanos.
func timeFromSortable(u uint64) time.Time { return time.Unix(0, int64(u^(1<<63))) }

// timeKey returns the 16-byte key of a record at t with sequence seq.
func timeKey(t time.Time, seq uint64) []byte {
	k := make([]byte, timeKeyLen)
	binary.BigEndian.PutUint64(k, sortableNanos(t))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// timePrefix returns the 8-byte prefix every key at or after t (and before
// t+1ns) starts with; seeking it starts a range at t.
func timePrefix(t time.Time) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, sortableNanos(t))
	return k
}

// keyTime returns the time encoded in the first 8 bytes of a time key.
func keyTime(k []byte) time.Time { return timeFromSortable(binary.BigEndian.Uint64(k)) }

// idEncoding turns 16-byte time keys into 26-character ids. Its alphabet
// ("0-9A-V") is in ASCII order, so ids sort like the keys, that is by time.
var idEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// idOf returns the public id of a time key.
func idOf(k []byte) string { return idEncoding.EncodeToString(k) }

// IsID reports whether s is the public id of a ledger record (a note, a
// points entry, a feedback…): what an audit detail holds when it names one.
func IsID(s string) bool {
	_, ok := keyOfID(s)
	return ok
}

// keyOfID returns the time key of a public id; ok is false for a malformed id.
func keyOfID(id string) ([]byte, bool) {
	if len(id) != idEncoding.EncodedLen(timeKeyLen) {
		return nil, false
	}
	k, err := idEncoding.DecodeString(strings.ToUpper(id))
	if err != nil || len(k) != timeKeyLen {
		return nil, false
	}
	return k, true
}

// Customer ids are "C" and a decimal sequence ("C1", "C42"): short enough
// for staff to type. Stored keys are the sequence as 8 big-endian bytes so
// customers iterate in creation order.
const custKeyLen = 8

// custID returns the public id of customer sequence seq.
func custID(seq uint64) string { return "C" + strconv.FormatUint(seq, 10) }

// custKey returns the stored key of a customer sequence.
func custKey(seq uint64) []byte {
	k := make([]byte, custKeyLen)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

// custKeyOf parses a customer id ("C12" or "c12") into its stored key.
func custKeyOf(id string) ([]byte, bool) {
	if len(id) < 2 || (id[0] != 'C' && id[0] != 'c') {
		return nil, false
	}
	for i := 1; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return nil, false
		}
	}
	if id[1] == '0' {
		return nil, false // "C01" would alias "C1"
	}
	seq, err := strconv.ParseUint(id[1:], 10, 64)
	if err != nil || seq == 0 {
		return nil, false
	}
	return custKey(seq), true
}

// custIDOfKey returns the public id of a stored customer key.
func custIDOfKey(k []byte) string { return custID(binary.BigEndian.Uint64(k)) }

// indexKey joins parts into the Tx's scratch buffer, for the key of an
// index entry put or deleted at once: bbolt copies a key it stores and
// keeps none it looks up, so one buffer serves every such key (a note
// writes four). The slice is valid until the next indexKey.
func (tx *Tx) indexKey(parts ...[]byte) []byte {
	b := tx.keyBuf[:0]
	if b == nil {
		b = make([]byte, 0, 64) // a blind, a customer and a time key
	}
	for _, p := range parts {
		b = append(b, p...)
	}
	tx.keyBuf = b
	return b
}

// concat joins byte slices into a new slice.
func concat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// prefixEnd returns the smallest key greater than every key starting with
// prefix, or nil if there is none (prefix all 0xFF).
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
