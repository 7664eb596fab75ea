package ledger

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// The erased-keys list (Options.ErasedKeys) is a text file of lines
//
//	<key id in hex> <time of the erasure, RFC 3339>
//
// appended by every erasure before it commits. A backup taken before an
// erasure still holds the erased person's wrapped key; when such a backup
// is restored, Open finds the key's id in the list and erases the person
// again, so the restored file shows them as erased, never their data.

// appendErasedKeys appends keys to the list at path (none when path is
// empty) and syncs it.
func appendErasedKeys(path string, keys []shredded) error {
	if path == "" || len(keys) == 0 {
		return nil
	}
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s %s\n", hex.EncodeToString(k.id), k.at.UTC().Format(time.RFC3339Nano))
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
// the erased-keys list but still in the file (a restored backup).
func (s *Store) applyErasedKeys() error {
	dead, err := readErasedKeys(s.opts.ErasedKeys)
	if err != nil || len(dead) == 0 {
		return err
	}
	type victim struct {
		k  []byte
		at time.Time
	}
	var custs, senders []victim
	err = s.View(context.Background(), func(tx *Tx) error {
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
	if err != nil || len(custs)+len(senders) == 0 {
		return err
	}
	if s.opts.ReadOnly {
		return s.stillErased(len(custs) + len(senders))
	}
	err = s.Update(context.Background(), func(tx *Tx) error {
		for _, v := range custs {
			if err := tx.EraseCustomer(custIDOfKey(v.k), v.at); err != nil {
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
