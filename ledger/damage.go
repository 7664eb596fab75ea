package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
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
