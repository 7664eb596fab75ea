package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Notes, feedback, points entries and audit entries are scanned by the
// hundred thousand for weekly summaries, so they are stored in a compact
// hand-written binary form rather than JSON: a version byte, then fields as
// varints and length-prefixed strings in a fixed order. Their time and id
// live in the key and are not repeated in the value. A new field is added by
// bumping the version and appending it; decoders keep reading old versions.

// ErrCorrupt is returned (wrapped) when one stored record cannot be read:
// its value does not decode, or its sealed part (or its customer's data
// key) does not open. The file itself passed bbolt's checks (else Open
// says ErrDamaged), so the rest of it reads; a caller that lists many
// records can pass over this one (Tx.SkipDamaged), and should tell the
// shop the file is damaged and to restore it from a backup.
var ErrCorrupt = errors.New("ledger: damaged record")

// encoder appends fields to a byte slice.
type encoder struct{ b []byte }

func (e *encoder) byte(v byte)      { e.b = append(e.b, v) }
func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) string(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) strings(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.string(s)
	}
}

// time appends t as its instant and zone offset: a byte saying whether it
// is set, unix seconds, nanoseconds and the offset in seconds. It reads
// back as JSON's RFC 3339 text did (decoder.time), without the text.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.byte(0)
		return
	}
	_, off := t.Zone()
	e.byte(1)
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
	e.varint(int64(off))
}

// decoder reads fields back. It works on one string copy of the stored value
// so every decoded string shares that single allocation and stays valid
// after the transaction ends. The first error sticks; later reads return
// zero values.
type decoder struct {
	s   string
	off int
	err error
}

func newDecoder(v []byte) *decoder { return &decoder{s: string(v)} }

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s at byte %d", ErrCorrupt, what, d.off)
	}
}

func (d *decoder) byte() byte {
	if d.err != nil || d.off >= len(d.s) {
		d.fail("byte")
		return 0
	}
	v := d.s[d.off]
	d.off++
	return v
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if d.off >= len(d.s) {
			break
		}
		c := d.s[d.off]
		d.off++
		if c < 0x80 {
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
		shift += 7
	}
	d.fail("varint")
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.s)-d.off) {
		d.fail("string length")
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

func (d *decoder) strings() []string {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(d.s)-d.off) { // each string takes at least one byte
		d.fail("list length")
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.string()
	}
	return ss
}

// time reads what encoder.time wrote, in the location time.Parse gives a
// time written with that offset (what the JSON these records replace read
// back as): UTC for offset 0, Local when Local had that offset then, else
// a fixed zone (time.FixedZone shares one per whole hour, so +09:00 costs
// no allocation).
func (d *decoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
	default:
		d.fail("time")
		return time.Time{}
	}
	sec, ns, off := d.varint(), d.uvarint(), d.varint()
	if d.err != nil || ns >= uint64(time.Second) || off < -24*3600 || off > 24*3600 {
		d.fail("time")
		return time.Time{}
	}
	return time.Unix(sec, int64(ns)).In(zoneOf(sec, int(off)))
}

// zoneOf is the location of a time at unix second sec read with offset
// off: as time.Parse chooses it.
func zoneOf(sec int64, off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if _, lo := time.Unix(sec, 0).In(time.Local).Zone(); lo == off {
		return time.Local
	}
	return time.FixedZone("", off)
}

// version reads the leading version byte and checks it is one this code knows.
func (d *decoder) version(max byte) byte {
	v := d.byte()
	if d.err == nil && (v == 0 || v > max) {
		d.err = fmt.Errorf("%w: unknown version %d", ErrCorrupt, v)
	}
	return v
}
