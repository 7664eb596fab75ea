// Package testdamage damages one stored record of a closed ledger file for
// a test, through bbolt: the file's tree stays whole (bbolt's consistency
// check and dangol's open-time checks pass), so what the test sees is a
// reader meeting a record that does not read, as on a shop PC whose disk
// flipped bytes inside a value.
package testdamage

import (
	"bytes"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Flip XORs the byte at offset at (counted from the end when negative: -1
// is the last byte, inside a sealed value's GCM tag) of the nth value (0
// the first, in key order) of bucket in the ledger file at path, which no
// Store may hold open. It returns the key of the value changed and fails
// the test when there is no such value.
func Flip(tb testing.TB, path, bucket string, nth, at int) []byte {
	tb.Helper()
	return flip(tb, path, bucket, nth, func(v []byte) int {
		if at < 0 {
			return at + len(v)
		}
		return at
	})
}

// FlipIn is Flip at the first byte of the first text in the nth value of
// bucket: a field stored in the clear (a staff id), changed where no seal
// notices.
func FlipIn(tb testing.TB, path, bucket string, nth int, text string) []byte {
	tb.Helper()
	return flip(tb, path, bucket, nth, func(v []byte) int { return bytes.Index(v, []byte(text)) })
}

// flip XORs the byte at(v) of the nth value of bucket, failing the test
// when there is none.
func flip(tb testing.TB, path, bucket string, nth int, at func(v []byte) int) []byte {
	tb.Helper()
	return change(tb, path, bucket, nth, "value", func(b *bolt.Bucket, k, v []byte) (bool, error) {
		off := at(v)
		if off < 0 || off >= len(v) {
			return false, nil
		}
		v = bytes.Clone(v)
		v[off] ^= 0x5a
		return true, b.Put(k, v)
	})
}

// FlipKey XORs the byte at offset at of the key of the nth value of bucket
// (0 the first, in key order) in the ledger file at path, which no Store
// may hold open: the value moves to a key nobody asks for, as when the disk
// flips a byte of a key in a leaf page. It returns the key as it was and
// fails the test when there is no such value.
func FlipKey(tb testing.TB, path, bucket string, nth, at int) []byte {
	tb.Helper()
	return change(tb, path, bucket, nth, "key", func(b *bolt.Bucket, k, v []byte) (bool, error) {
		if at < 0 || at >= len(k) {
			return false, nil
		}
		moved, v := bytes.Clone(k), bytes.Clone(v)
		moved[at] ^= 0x5a
		if err := b.Delete(k); err != nil {
			return false, err
		}
		return true, b.Put(moved, v)
	})
}

// change hands the nth value of bucket (nested buckets and empty index
// entries passed over) to damage, in the file at path, and returns its key
// as it was; it fails the test when damage found nothing to change there.
func change(tb testing.TB, path, bucket string, nth int, what string, damage func(b *bolt.Bucket, k, v []byte) (bool, error)) []byte {
	tb.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer bdb.Close()
	var key []byte
	err = bdb.Update(func(btx *bolt.Tx) error {
		b := btx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		i := 0
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(v) == 0 {
				continue // a nested bucket or an empty index entry
			}
			if i++; i <= nth {
				continue
			}
			was := bytes.Clone(k) // k may not outlive damage's writes
			done, err := damage(b, was, v)
			if done {
				key = was
			}
			return err
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if key == nil {
		tb.Fatalf("testdamage: no %s %d with that byte in bucket %s of %s", what, nth, bucket, path)
	}
	return key
}
