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
			if v == nil || len(v) == 0 {
				continue // a nested bucket or an empty index entry
			}
			if i++; i <= nth {
				continue
			}
			v = bytes.Clone(v)
			off := at(v)
			if off < 0 || off >= len(v) {
				return nil
			}
			v[off] ^= 0x5a
			key = bytes.Clone(k)
			return b.Put(key, v)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if key == nil {
		tb.Fatalf("testdamage: no value %d with that byte in bucket %s of %s", nth, bucket, path)
	}
	return key
}

// FlipKey XORs the byte at offset at of the key of the nth value of bucket
// (0 the first, in key order) in the ledger file at path, which no Store
// may hold open: the value moves to a key nobody asks for, as when the disk
// flips a byte of a key in a leaf page. It returns the key as it was and
// fails the test when there is no such value.
func FlipKey(tb testing.TB, path, bucket string, nth, at int) []byte {
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
			if v == nil || len(v) == 0 {
				continue
			}
			if i++; i <= nth {
				continue
			}
			if at < 0 || at >= len(k) {
				return nil
			}
			key = bytes.Clone(k)
			moved := bytes.Clone(key)
			moved[at] ^= 0x5a
			v = bytes.Clone(v)
			if err := b.Delete(key); err != nil {
				return err
			}
			return b.Put(moved, v)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if key == nil {
		tb.Fatalf("testdamage: no key %d with that byte in bucket %s of %s", nth, bucket, path)
	}
	return key
}
