package ledger

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
)

// Derived figures cached per customer (the points balance, the stamp
// card) are clear numbers a changed byte would alter unseen: one flip
// turned a balance of 2,750P into 5,822P, shown to the customer and spent
// by a redeem the history did not allow. Each is therefore stored with a
// tag, the first cacheTagSize bytes of HMAC-SHA256 under a key derived
// from the file key (label "cache") over the bucket, the customer key and
// the value: a value whose tag does not match is a damaged record
// (ErrCorrupt), never a figure. The tag binds the value to its customer,
// so a figure copied onto another customer does not read either.
//
// A cached value stored before the tags (a file of an earlier build, or
// one an earlier build wrote since) has none. A balance of that form is
// checked against its history, the sum of the customer's points entries,
// each time it is read, until the next entry stores it tagged; a stamp
// card of that form is taken as it is (its history depends on the goals
// in force over time) until its next change tags it. An earlier build
// reads a tagged value as a damaged record: a file used by this one is
// not for an older build.

// cacheTagSize is how many bytes of the HMAC a cached value keeps: a
// changed byte goes unnoticed once in 2^64.
const cacheTagSize = 8

// cacheMACs is a pool of HMACs keyed by the cache key, reset and reused as
// the blind indexes' are: a points check reads and writes a balance, and
// keying an HMAC afresh would cost as much again.
type cacheMACs struct {
	pool sync.Pool
}

// newCacheMACs derives the cache key from the file key fk.
func newCacheMACs(fk []byte) (*cacheMACs, error) {
	key, err := deriveKey(fk, "cache")
	if err != nil {
		return nil, fmt.Errorf("ledger: cache key: %w", err)
	}
	m := &cacheMACs{}
	m.pool.New = func() any { return &blinder{mac: hmac.New(sha256.New, key), buf: make([]byte, 0, 64)} }
	return m, nil
}

// tag appends to dst the tag of value stored under ck in bucket.
func (m *cacheMACs) tag(dst, bucket, ck, value []byte) []byte {
	b := m.pool.Get().(*blinder)
	b.mac.Reset()
	b.buf = append(append(append(append(b.buf[:0], bucket...), 0), ck...), value...)
	b.mac.Write(b.buf)
	b.buf = b.mac.Sum(b.buf[:0])
	dst = append(dst, b.buf[:cacheTagSize]...)
	m.pool.Put(b)
	return dst
}

// sealCache returns value as stored under ck in bucket: value, then its tag.
func (tx *Tx) sealCache(bucket, ck, value []byte) []byte {
	out := make([]byte, len(value), len(value)+cacheTagSize)
	copy(out, value)
	return tx.kr.caches.Load().tag(out, bucket, ck, value)
}

// openCache returns the value of a stored cached figure v of ck in bucket
// whose value proper is n bytes long (what its decoder read): tagged says
// whether it had a tag, which matched. A tag that does not match, or bytes
// that are neither form, wrap ErrCorrupt.
func (tx *Tx) openCache(bucket, ck, v []byte, n int) (tagged bool, err error) {
	switch len(v) - n {
	case 0:
		return false, nil
	case cacheTagSize:
		var sum [cacheTagSize]byte
		if !hmac.Equal(tx.kr.caches.Load().tag(sum[:0], bucket, ck, v[:n]), v[n:]) {
			return false, fmt.Errorf("%w: %s of %s does not match its tag", ErrCorrupt, bucket, custIDOfKey(ck))
		}
		return true, nil
	}
	return false, fmt.Errorf("%w: %s of %s: %d bytes after the value", ErrCorrupt, bucket, custIDOfKey(ck), len(v)-n)
}

// pointsSum is the customer at ck's balance as their history says: the sum
// of their points entries.
func (tx *Tx) pointsSum(ck []byte) (int64, error) {
	var sum int64
	c := tx.bucket(bucketCustPoints).Cursor()
	for k, _ := c.Seek(ck); k != nil && len(k) == custKeyLen+timeKeyLen && string(k[:custKeyLen]) == string(ck); k, _ = c.Next() {
		tk := k[custKeyLen:]
		v := tx.get(bucketPoints, tk)
		if v == nil {
			return 0, fmt.Errorf("%w: points entry %s of %s is missing", ErrCorrupt, idOf(tk), custIDOfKey(ck))
		}
		p, _, err := decodePoints(tk, v)
		if err != nil {
			return 0, err
		}
		sum += p.Points
	}
	return sum, nil
}
