package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrDamaged is returned by Open when the file is not a bbolt file, or one
// whose pages fail bbolt's consistency check (a truncated copy, a zeroed
// page, flipped bytes in the tree): serving it would panic on the first read
// of the bad page, or worse, hand out wrong data. The error names the file;
// the cure is a restore from a backup.
var ErrDamaged = errors.New("ledger: data file is damaged")

// ErrNotLedger comes with ErrDamaged when the file has no bbolt header at
// all: most often not a data file (a key file, a spreadsheet given by
// mistake), rarely one whose both header pages were overwritten. A caller
// that names what it was given says so rather than "damaged".
var ErrNotLedger = errors.New("ledger: not a data file")

// maxCheckErrors bounds what a consistency check collects: the first one
// decides, the few after it help whoever looks at the file.
const maxCheckErrors = 3

// damaged says whether err from bbolt's Open means a broken file rather than
// a problem of the host: the host's problems (permissions, a missing
// folder, the lock) come as *fs.PathError or ErrTimeout, and bbolt reports
// some broken files with unexported errors ("file size too small").
func damaged(err error) bool {
	var pe *fs.PathError
	switch {
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return true
	case errors.Is(err, berrors.ErrTimeout), errors.As(err, &pe):
		return false
	}
	return true
}

// openChecked opens path with bbolt, refusing first a file cut shorter than
// its meta page says (bbolt would read the freelist past the end of the
// mapping: a fault no recover catches), and turning the panics bbolt raises
// on other broken files into ErrDamaged.
func openChecked(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	if err := checkMeta(path); err != nil {
		return nil, err
	}
	// A fault reading the mapped file becomes a panic recovered below,
	// instead of killing the process, should a damage slip past checkMeta.
	// bbolt then never returns its half-open DB, so the file's descriptor
	// and lock stay with this process until it exits: acceptable for the
	// command that reports the damage and stops.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrDamaged, path, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, opts)
	if err != nil && errors.Is(err, berrors.ErrInvalid) {
		return nil, fmt.Errorf("%w: %s: %w (%w)", ErrDamaged, path, err, ErrNotLedger)
	}
	if err != nil && damaged(err) {
		return nil, fmt.Errorf("%w: %s: %w", ErrDamaged, path, err)
	}
	return db, err
}

// bbolt's meta page: after a 16-byte page header, the magic, version, page
// size and flags (uint32 each), the root bucket (pgid, sequence), the
// freelist pgid, the high-water pgid, the txid and an FNV-64a checksum of
// everything before it, in the machine's byte order (little-endian on
// every platform dangol ships for).
const (
	metaOffset   = 16
	metaSumAt    = 56
	metaLen      = 64
	boltMagic    = 0xED0CDAED
	boltVersion  = 2
	minPageBytes = 512
)

// checkMeta reads both meta pages as bbolt would, picks the valid one with
// the higher txid, and refuses a file shorter than the pages it names. A
// file with no valid meta page is left for bbolt to refuse; an empty one
// for bbolt to initialise.
func checkMeta(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return nil // bbolt's own open says what is wrong with the host
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return nil
	}
	read := func(off int64) (pageSize uint32, pgid, txid uint64, ok bool) {
		var b [metaOffset + metaLen]byte
		if _, err := f.ReadAt(b[:], off); err != nil {
			return 0, 0, 0, false
		}
		m := b[metaOffset:]
		h := fnv.New64a()
		h.Write(m[:metaSumAt])
		le := binary.LittleEndian
		if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion || le.Uint64(m[metaSumAt:]) != h.Sum64() {
			return 0, 0, 0, false
		}
		return le.Uint32(m[8:]), le.Uint64(m[40:]), le.Uint64(m[48:]), true
	}
	size0, pgid, txid, ok0 := read(0)
	second := int64(os.Getpagesize())
	if ok0 && size0 >= minPageBytes {
		second = int64(size0)
	}
	size1, pgid1, txid1, ok1 := read(second)
	switch {
	case ok1 && (!ok0 || txid1 > txid):
		size0, pgid = size1, pgid1
	case !ok0:
		return nil
	}
	if need := int64(pgid) * int64(size0); pgid > 1<<40 || need > fi.Size() {
		return fmt.Errorf("%w: %s: file is %d bytes, its pages need %d: it was cut short", ErrDamaged, path, fi.Size(), need)
	}
	return nil
}

// checkPages runs bbolt's consistency check over every page reachable from
// the root (bbolt recovers the panics a bad page causes and reports them),
// and returns ErrDamaged with the first problems found.
func checkPages(db *bolt.DB, path string) error {
	var found []error
	err := db.View(func(tx *bolt.Tx) error {
		// A truncated copy keeps valid meta pages that point past its end;
		// touching those pages would fault (SIGBUS), which no recover
		// catches, so the size is checked before any page is read.
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.Size() < tx.Size() {
			return fmt.Errorf("file is %d bytes, its pages need %d: it was cut short", fi.Size(), tx.Size())
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := walkPages(f, fi.Size()); err != nil {
			return err
		}
		for err := range tx.Check() {
			if len(found) < maxCheckErrors {
				found = append(found, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDamaged, path, err)
	}
	if len(found) > 0 {
		return fmt.Errorf("%w: %s: %w", ErrDamaged, path, errors.Join(found...))
	}
	return nil
}

// Page layout of bbolt, as walkPages reads it (little-endian).
const (
	pageHeaderSize = 16 // id u64, flags u16, count u16, overflow u32
	elemSize       = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	branchPage     = 0x01
	leafPage       = 0x02
	bucketLeaf     = 0x01
	maxTreeDepth   = 64
)

// walkPages checks, on the file's bytes rather than bbolt's map, that every
// page reachable from the newest valid meta page lies inside the file and
// that every element's key and value lie inside its page. bbolt's own
// check trusts those offsets: a zeroed or flipped page can send it reading
// outside the map, a fault that kills the process. A file without a valid
// meta page is left to bbolt.
//
// The file is read a page at a time, each level of the tree into a buffer
// of its own reused for its siblings, so checking a file of a gigabyte
// holds a few pages (and the set of page ids seen), not the file.
func walkPages(r io.ReaderAt, size int64) error {
	var root, txid uint64
	var ps uint64
	found := false
	fileLen := uint64(size)
	for _, at := range []uint64{0, uint64(os.Getpagesize())} {
		if at+metaOffset+metaSumAt+8 > fileLen {
			continue
		}
		var mb [metaOffset + metaSumAt + 8]byte
		if _, err := r.ReadAt(mb[:], int64(at)); err != nil {
			continue
		}
		m := mb[metaOffset:]
		h := fnv.New64a()
		h.Write(m[:metaSumAt])
		if binary.LittleEndian.Uint32(m) != boltMagic || h.Sum64() != binary.LittleEndian.Uint64(m[metaSumAt:]) {
			continue
		}
		if t := binary.LittleEndian.Uint64(m[48:]); !found || t > txid {
			found, txid = true, t
			ps, root = uint64(binary.LittleEndian.Uint32(m[8:])), binary.LittleEndian.Uint64(m[16:])
		}
	}
	if !found || ps < minPageBytes {
		return nil
	}
	seen := map[uint64]bool{}
	bufs := make([][]byte, maxTreeDepth+2)
	var walkPage func(p []byte, depth int) error
	walkTree := func(pgid uint64, depth int) error {
		if seen[pgid] {
			return nil
		}
		seen[pgid] = true
		if depth > maxTreeDepth {
			return fmt.Errorf("tree deeper than %d", maxTreeDepth)
		}
		start := pgid * ps
		if pgid < 2 || start/ps != pgid || start+pageHeaderSize > fileLen {
			return fmt.Errorf("page %d lies outside the file", pgid)
		}
		var head [pageHeaderSize]byte
		if _, err := r.ReadAt(head[:], int64(start)); err != nil {
			return fmt.Errorf("page %d: %w", pgid, err)
		}
		overflow := uint64(binary.LittleEndian.Uint32(head[12:]))
		end := start + (overflow+1)*ps
		if end > fileLen || end < start {
			return fmt.Errorf("page %d (with %d overflow pages) runs past the end of the file", pgid, overflow)
		}
		n := end - start
		if uint64(cap(bufs[depth])) < n {
			bufs[depth] = make([]byte, n)
		}
		p := bufs[depth][:n]
		if _, err := r.ReadAt(p, int64(start)); err != nil {
			return fmt.Errorf("page %d: %w", pgid, err)
		}
		return walkPage(p, depth)
	}
	walkPage = func(p []byte, depth int) error {
		if depth > maxTreeDepth {
			return fmt.Errorf("tree deeper than %d", maxTreeDepth)
		}
		if len(p) < pageHeaderSize {
			return fmt.Errorf("page shorter than its header")
		}
		id := binary.LittleEndian.Uint64(p)
		flags := binary.LittleEndian.Uint16(p[8:])
		count := uint64(binary.LittleEndian.Uint16(p[10:]))
		if flags != branchPage && flags != leafPage {
			return fmt.Errorf("page %d: flags %#x where a branch or leaf belongs", id, flags)
		}
		if pageHeaderSize+count*elemSize > uint64(len(p)) {
			return fmt.Errorf("page %d: %d elements do not fit", id, count)
		}
		for i := range count {
			at := pageHeaderSize + i*elemSize
			e := p[at : at+elemSize]
			if flags == branchPage {
				pos, ksize := uint64(binary.LittleEndian.Uint32(e)), uint64(binary.LittleEndian.Uint32(e[4:]))
				if at+pos+ksize > uint64(len(p)) {
					return fmt.Errorf("page %d: key %d lies outside the page", id, i)
				}
				if err := walkTree(binary.LittleEndian.Uint64(e[8:]), depth+1); err != nil {
					return err
				}
				continue
			}
			lflags := binary.LittleEndian.Uint32(e)
			pos, ksize, vsize := uint64(binary.LittleEndian.Uint32(e[4:])), uint64(binary.LittleEndian.Uint32(e[8:])), uint64(binary.LittleEndian.Uint32(e[12:]))
			vstart := at + pos + ksize
			if vstart+vsize > uint64(len(p)) || vstart < at {
				return fmt.Errorf("page %d: element %d lies outside the page", id, i)
			}
			if lflags&bucketLeaf == 0 {
				continue
			}
			v := p[vstart : vstart+vsize]
			if len(v) < 16 {
				return fmt.Errorf("page %d: bucket %d has a short header", id, i)
			}
			if r := binary.LittleEndian.Uint64(v); r != 0 {
				if err := walkTree(r, depth+1); err != nil {
					return err
				}
			} else if len(v) > 16 {
				if err := walkPage(v[16:], depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walkTree(root, 0)
}

// maxSchema is the highest schema a file may name and still be taken for
// a newer dangol's. Schemas go up by one for a change older builds cannot
// read (3 in 2026); a number beyond this one is a changed byte of the
// schema field, which sent the shop to upgrade ("file has schema
// 5898243") when only a backup mends it.
const maxSchema = 64

// checkSchema refuses the schema a file's meta bucket names when no
// dangol can have written it (ErrDamaged) or a newer one did
// (ErrNewerSchema). A file that names no schema (1, the first files) yet
// holds a key check value was sealed: its schema field is damaged, and
// migrating it as a clear file would seal its sealed values again.
func checkSchema(meta *bolt.Bucket, schema uint64) error {
	switch {
	case schema > maxSchema:
		return fmt.Errorf("%w: the schema field reads %d, which no dangol writes", ErrDamaged, schema)
	case schema > SchemaVersion:
		return fmt.Errorf("%w: file has schema %d, this dangol knows up to %d", ErrNewerSchema, schema, SchemaVersion)
	case schema < 2 && meta.Get(metaKeyCheck) != nil:
		return fmt.Errorf("%w: sealed file whose schema field reads %d", ErrDamaged, schema)
	}
	return nil
}

// checkRoot refuses a file whose top level holds what no dangol put
// there: a value where only buckets belong, or a bucket whose name is one
// byte away from a bucket of dangol's that is missing. Both are a changed
// byte of the root page that bbolt's check does not see; without this the
// file either failed to open with bbolt's words ("create bucket
// coupon_due: incompatible value") or, worse, had the renamed bucket
// created again, empty, and went on without its records. A bucket of a
// name dangol does not know otherwise is a newer build's, and is left be.
func checkRoot(db *bolt.DB, path string) error {
	known := make(map[string]bool, len(allBuckets))
	for _, b := range allBuckets {
		known[string(b)] = true
	}
	err := db.View(func(tx *bolt.Tx) error {
		var odd [][]byte
		present := map[string]bool{}
		c := tx.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if v != nil {
				return fmt.Errorf("the top level holds a value %q where only buckets belong", k)
			}
			present[string(k)] = true
			if !known[string(k)] {
				odd = append(odd, bytes.Clone(k))
			}
		}
		if len(present) == 0 {
			return nil // a new file
		}
		for _, k := range odd {
			for _, b := range allBuckets {
				if !present[string(b)] && oneByteApart(k, b) {
					return fmt.Errorf("bucket %q is missing, and %q is there in its place", b, k)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrDamaged, path, err)
	}
	return nil
}

// oneByteApart reports whether a and b are of one length and differ in
// exactly one byte.
func oneByteApart(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n == 1
}
