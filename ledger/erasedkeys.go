package ledger

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The erased-keys list (Options.ErasedKeys) is a text file of lines
//
//	<key id in hex> <time of the erasure, RFC 3339>
//
// appended by every erasure before it commits. A backup taken before an
// erasure still holds the erased person's wrapped key; when such a backup
// is restored, Open finds the key's id in the list and erases the person
// again, so the restored file shows them as erased, never their data.
//
// The file remembers the same ids in its erased_keys bucket, written in the
// erasure's own transaction, so every later backup carries every earlier
// erasure. That is what a lost list is rebuilt from: Open writes down again
// what the file remembers and the list lacks, and records what the list
// names and the file does not, and RecordErasures gathers them from other
// files (a restore's replaced file and the newer backups beside it).

// bucketErasedKeys is the file's own record of the erasures it has seen:
// key id -> sortable nanos of the erasure. It holds ids only, nothing
// about anyone. Not required by a read-only open (readableAsIs): files
// written before it opened read-only as they were.
var bucketErasedKeys = []byte("erased_keys")

// recordErasure notes in the file that the data key id was erased at at.
func (tx *Tx) recordErasure(id []byte, at time.Time) error {
	if len(id) != keyIDSize {
		return nil
	}
	b, err := tx.tx.CreateBucketIfNotExists(bucketErasedKeys)
	if err != nil {
		return fmt.Errorf("erased keys: %w", err)
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], sortableNanos(at))
	return b.Put(id, v[:])
}

// erasuresOf reads the file's record of erasures (none in a file from before
// it, opened read-only).
func erasuresOf(btx *bolt.Tx) map[string]time.Time {
	out := map[string]time.Time{}
	b := btx.Bucket(bucketErasedKeys)
	if b == nil {
		return out
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != keyIDSize || len(v) != 8 {
			continue // not one of ours: ignored, as a torn list line is
		}
		out[string(k)] = time.Unix(0, int64(binary.BigEndian.Uint64(v)^(1<<63))).UTC()
	}
	return out
}

// appendErasedKeys appends keys to the list at path (none when path is
// empty) and syncs it. Ids the list names already are left out: a restored
// backup's erasures are made again at every open until it is written, and
// a grouped commit may run an erasure twice.
func appendErasedKeys(path string, keys []shredded) error {
	if path == "" || len(keys) == 0 {
		return nil
	}
	listed, err := readErasedKeys(path)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, k := range keys {
		if _, ok := listed[string(k.id)]; ok {
			continue
		}
		listed[string(k.id)] = k.at
		fmt.Fprintf(&b, "%s %s\n", hex.EncodeToString(k.id), k.at.UTC().Format(time.RFC3339Nano))
	}
	if b.Len() == 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("ledger: erased-keys list: %w", err)
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("ledger: erased-keys list %s: %w", path, err)
	}
	return nil
}

// readErasedKeys reads the list at path: key id (as a string of its
// bytes) -> time of the erasure. A missing file is an empty list; a line
// that does not parse (the torn end of a write cut by a crash) is skipped.
func readErasedKeys(path string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if path == "" {
		return out, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: erased-keys list: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		idHex, at, ok := strings.Cut(sc.Text(), " ")
		id, err := hex.DecodeString(idHex)
		t, terr := time.Parse(time.RFC3339Nano, at)
		if !ok || err != nil || terr != nil || len(id) != keyIDSize {
			continue
		}
		out[string(id)] = t
	}
	return out, nil
}

// applyErasedKeys erases every customer and sender whose data key is on
// the erased-keys list, or in the file's own record of erasures, but still
// in the file (a restored backup). It also mends the list from the file and
// the file from the list, so that a list lost or left behind (a move to
// another computer) is rebuilt by the next open, and a file knows what the
// list knew for its own backups.
func (s *Store) applyErasedKeys() error {
	listed, err := readErasedKeys(s.opts.ErasedKeys)
	if err != nil {
		return err
	}
	type victim struct {
		k  []byte
		at time.Time
	}
	var custs, senders []victim
	var unlisted []shredded
	var unrecorded map[string]time.Time
	err = s.View(context.Background(), func(tx *Tx) error {
		recorded := erasuresOf(tx.tx)
		dead := maps.Clone(listed)
		for id, at := range recorded {
			if _, ok := listed[id]; !ok {
				unlisted = append(unlisted, shredded{id: []byte(id), at: at})
				dead[id] = at
			}
		}
		for id, at := range listed {
			if _, ok := recorded[id]; !ok {
				if unrecorded == nil {
					unrecorded = map[string]time.Time{}
				}
				unrecorded[id] = at
			}
		}
		if len(dead) == 0 {
			return nil
		}
		for _, b := range []struct {
			name []byte
			into *[]victim
		}{{bucketKeys, &custs}, {bucketSenderKeys, &senders}} {
			c := tx.bucket(b.name).Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if len(v) >= keyIDSize {
					if at, ok := dead[string(v[:keyIDSize])]; ok {
						*b.into = append(*b.into, victim{bytes.Clone(k), at})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.opts.ReadOnly {
		if n := len(custs) + len(senders); n > 0 {
			return s.stillErased(n)
		}
		return nil // nothing written, the list included
	}
	slices.SortFunc(unlisted, func(a, b shredded) int { return bytes.Compare(a.id, b.id) })
	if err := appendErasedKeys(s.opts.ErasedKeys, unlisted); err != nil {
		return fmt.Errorf("ledger: open %s: write down the erasures the file records: %w", s.path, err)
	}
	if len(custs)+len(senders)+len(unrecorded) == 0 {
		return nil
	}
	err = s.Update(context.Background(), func(tx *Tx) error {
		for id, at := range unrecorded {
			if err := tx.recordErasure([]byte(id), at); err != nil {
				return err
			}
		}
		for _, v := range custs {
			id := custIDOfKey(v.k)
			if err := tx.EraseCustomer(id, v.at); err != nil {
				return err
			}
			// The record of destruction: the copy predates the entry of
			// the first erasure, so the trail would show none.
			if err := tx.Audit(AuditEntry{At: v.at, ActorID: RestoreActor, Action: "erase", CustomerID: id, Detail: EraseReasonRestored}); err != nil {
				return err
			}
		}
		for _, v := range senders {
			if _, err := tx.eraseSenderBlind(v.k, v.at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ledger: open %s: erase again what the erased-keys list names: %w", s.path, err)
	}
	return nil
}

// RecordErasures appends to the erased-keys list at list the erasures
// each of files records (its erased_keys bucket) that the list does not
// name yet, and returns how many it added. It reads the files without
// their key and writes none of them: a restore calls it with the file it
// replaces and the backups beside the one it restores, so that a list
// lost with an old computer is rebuilt from every copy of the ledger at
// hand before the restored file is opened. A file that does not open as a
// ledger (damaged, another program's, held by a serving dangol) is passed
// over and returned in skipped with why.
func RecordErasures(list string, files []string) (added int, skipped []error, err error) {
	found := map[string]time.Time{}
	for _, f := range files {
		got, err := erasuresInFile(f)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		for id, at := range got {
			if old, ok := found[id]; !ok || at.Before(old) {
				found[id] = at
			}
		}
	}
	listed, err := readErasedKeys(list)
	if err != nil {
		return 0, skipped, err
	}
	var add []shredded
	for id, at := range found {
		if _, ok := listed[id]; !ok {
			add = append(add, shredded{id: []byte(id), at: at})
		}
	}
	slices.SortFunc(add, func(a, b shredded) int { return bytes.Compare(a.id, b.id) })
	if err := appendErasedKeys(list, add); err != nil {
		return 0, skipped, err
	}
	return len(add), skipped, nil
}

// erasuresInFile reads the erasures the ledger file at path records,
// opening it read-only and only briefly.
func erasuresInFile(path string) (map[string]time.Time, error) {
	db, err := openChecked(path, &bolt.Options{ReadOnly: true, Timeout: 100 * time.Millisecond})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("ledger: %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", path, err)
	}
	defer db.Close()
	var out map[string]time.Time
	err = safeView(db, func(btx *bolt.Tx) error {
		out = erasuresOf(btx)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", path, err)
	}
	return out, nil
}

// safeView runs fn in a read transaction of db, turning a panic of bbolt
// on a damaged page (or a fault reading the mapped file) into ErrDamaged:
// the files RecordErasures reads are passed over if damaged, never fatal.
func safeView(db *bolt.DB, fn func(*bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrDamaged, r)
		}
	}()
	return db.View(fn)
}
