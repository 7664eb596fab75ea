package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrDamaged is returned by Open when the file is not a bbolt file, or one
// whose pages fail bbolt's consistency check (a truncated copy, a zeroed
// page, flipped bytes in the tree): serving it would panic on the first read
// of the bad page, or worse, hand out wrong data. The error names the file;
// the cure is a restore from a backup.
var ErrDamaged = errors.New("ledger: data file is damaged")

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

// bbolt's meta page, as read by checkLength: a 16-byte page header, then
// magic, version, page size, flags (4 bytes each), the root bucket (16),
// the freelist page, the high-water page id (at 40), the txid and an
// FNV-64a checksum of the 56 bytes before it (8 each), in the host's
// (little-endian) byte order.
const (
	metaOffset   = 16
	metaSumLen   = 56
	boltMagic    = 0xED0CDAED
	minPageSize  = 512
	metaPageSize = 4096 // where to look for the second meta when the first is broken
)

// checkLength refuses a file shorter than the pages its meta pages claim:
// bbolt's Open would read past the end of the map (its freelist), a fault
// (SIGBUS) that no recover catches. A file too short for a meta page, or
// without a valid one, is left for bbolt's Open to judge.
func checkLength(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // bbolt reports it (or creates the file)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	var need uint64
	readMeta := func(at int64) (pageSize, pages uint64, ok bool) {
		var b [metaOffset + metaSumLen + 8]byte
		if _, err := f.ReadAt(b[:], at); err != nil {
			return 0, 0, false
		}
		m := b[metaOffset:]
		if binary.LittleEndian.Uint32(m) != boltMagic {
			return 0, 0, false
		}
		h := fnv.New64a()
		h.Write(m[:metaSumLen])
		if h.Sum64() != binary.LittleEndian.Uint64(m[metaSumLen:]) {
			return 0, 0, false
		}
		ps := uint64(binary.LittleEndian.Uint32(m[8:]))
		if ps < minPageSize {
			return 0, 0, false
		}
		return ps, binary.LittleEndian.Uint64(m[40:]), true
	}
	second := int64(metaPageSize)
	if ps, pages, ok := readMeta(0); ok {
		need, second = max(need, ps*pages), int64(ps)
	}
	if ps, pages, ok := readMeta(second); ok {
		need = max(need, ps*pages)
	}
	if need > uint64(fi.Size()) {
		return fmt.Errorf("%w: %s: file is %d bytes, its pages need %d: it was cut short", ErrDamaged, path, fi.Size(), need)
	}
	return nil
}

// openChecked opens path with bbolt, turning the panics bbolt raises on some
// broken files (a freelist pointing past the end) into ErrDamaged.
func openChecked(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	if err := checkLength(path); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrDamaged, path, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, opts)
	if err != nil && damaged(err) {
		return nil, fmt.Errorf("%w: %s: %w", ErrDamaged, path, err)
	}
	return db, err
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
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := walkPages(data); err != nil {
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
func walkPages(data []byte) error {
	var root, txid uint64
	var ps uint64
	found := false
	for _, at := range []uint64{0, metaPageSize} {
		if at+metaOffset+metaSumLen+8 > uint64(len(data)) {
			continue
		}
		m := data[at+metaOffset:]
		h := fnv.New64a()
		h.Write(m[:metaSumLen])
		if binary.LittleEndian.Uint32(m) != boltMagic || h.Sum64() != binary.LittleEndian.Uint64(m[metaSumLen:]) {
			continue
		}
		if t := binary.LittleEndian.Uint64(m[48:]); !found || t > txid {
			found, txid = true, t
			ps, root = uint64(binary.LittleEndian.Uint32(m[8:])), binary.LittleEndian.Uint64(m[16:])
		}
	}
	if !found || ps < minPageSize {
		return nil
	}
	seen := map[uint64]bool{}
	var walkPage func(p []byte, depth int) error
	walkTree := func(pgid uint64, depth int) error {
		if seen[pgid] {
			return nil
		}
		seen[pgid] = true
		start := pgid * ps
		if pgid < 2 || start/ps != pgid || start+pageHeaderSize > uint64(len(data)) {
			return fmt.Errorf("page %d lies outside the file", pgid)
		}
		overflow := uint64(binary.LittleEndian.Uint32(data[start+12:]))
		end := start + (overflow+1)*ps
		if end > uint64(len(data)) || end < start {
			return fmt.Errorf("page %d (with %d overflow pages) runs past the end of the file", pgid, overflow)
		}
		return walkPage(data[start:end], depth)
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
