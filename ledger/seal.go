package ledger

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"sync"
	"sync/atomic"
)

// Sealing. Every personal value is stored sealed with AES-256-GCM:
//
//	sealed = 0x01 | nonce (12 random bytes) | ciphertext and tag
//
// with the record's bucket name, a zero byte and its key as the associated
// data, so a sealed value copied onto another record fails to open. Values
// of a customer are sealed with that customer's data key (32 random bytes);
// the data keys are stored wrapped (sealed the same way) by a key derived
// from the shop's master key, in the keys bucket (customers) and the
// sender_keys bucket (senders of feedback not linked to a customer).
// Data tied to no one (conversation sessions, audit entries of no
// customer) is sealed with a shop key derived from the master key: those
// records are short-lived (sessions) or about the shop (audit), and are
// deleted, not shredded, when someone is erased.
//
// Two secrets stand behind the derived keys. From the master key
// HKDF-SHA256 derives the wrap key, which wraps every data key, the file
// key and the key check value. From the file key, a secret of the data file
// itself, it derives, each under its own label, the shop key and the index
// key of the blind indexes (HMAC-SHA256, see blind). The file key is
// stored in the meta bucket wrapped by the wrap key (schema 3); a file of
// schema 2 has none stored, its file key being its master key. The split is
// what makes key rotation (rotate.go) one small transaction: a new master
// key re-wraps the data keys and the file key, while every blind index and
// every value sealed with the shop key stay as they are, since the keys
// they were made with do not change.

// KeySize is the size in bytes of a master key (AES-256).
const KeySize = 32

// Errors about keys.
var (
	// ErrNoKey is returned by Open when Options.Key is empty: every ledger
	// is sealed, so a file cannot be opened (or created) without its key.
	ErrNoKey = errors.New("ledger: no key given")
	// ErrBadKey is returned by Open when Options.Key is not KeySize bytes
	// long (a truncated or damaged key file).
	ErrBadKey = errors.New("ledger: key has the wrong size")
	// ErrWrongKey is returned by Open when the key does not open the file:
	// it was made with another key. Nothing is written to the file.
	ErrWrongKey = errors.New("ledger: the key does not open this data file")
)

// errSealed is wrapped by every failure to open a sealed value: a value
// changed on disk, moved to another record, or sealed under another key.
// It is a damaged record (ErrCorrupt) like one that does not decode: Open
// has checked the key already, so a value that does not open is damage.
var errSealed = fmt.Errorf("%w: sealed value does not open", ErrCorrupt)

const (
	sealVersion  = 1
	nonceSize    = 12
	sealOverhead = 1 + nonceSize + 16
	keyIDSize    = 16 // random id of a data key, what the erased-keys list names
	blindSize    = 16 // bytes kept of a blind index's HMAC
)

// NewKey returns a new random master key of KeySize bytes.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("ledger: new key: %w", err)
	}
	return k, nil
}

// newAEAD returns AES-256-GCM under key.
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal seals plain under a with associated data ad.
func seal(a cipher.AEAD, ad, plain []byte) []byte {
	out := make([]byte, 1+nonceSize, sealOverhead+len(plain))
	out[0] = sealVersion
	rand.Read(out[1:]) // never fails since Go 1.24: it crashes the program instead
	return a.Seal(out, out[1:1+nonceSize], plain, ad)
}

// unseal opens a value made by seal. Any damage, a value of another record
// (ad) or another key returns an error wrapping errSealed, never a panic.
func unseal(a cipher.AEAD, ad, sealed []byte) ([]byte, error) {
	if len(sealed) < sealOverhead {
		return nil, fmt.Errorf("%w: %d bytes is too short", errSealed, len(sealed))
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: unknown version %d", errSealed, sealed[0])
	}
	plain, err := a.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], ad)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errSealed, err)
	}
	return plain, nil
}

// recordAD is the associated data of a value stored under key in bucket.
func recordAD(bucket, key []byte) []byte { return concat(bucket, []byte{0}, key) }

// keyring holds what the master key and the file key derive, and a cache
// of opened data keys.
type keyring struct {
	wrap  cipher.AEAD // from the master key: wraps data keys and the file key, seals the key check
	shop  cipher.AEAD // from the file key: seals data tied to no customer or sender
	index []byte      // from the file key: HMAC key of the blind indexes
	file  []byte      // the file key, kept to be wrapped again by a new master key

	mu    sync.Mutex
	cache map[[keyIDSize]byte]cipher.AEAD // data keys by id

	// blinders holds keyed HMACs of the index key, reset and reused: keying
	// an HMAC hashes its two pads, about half the cost of a short blind
	// index, and a single message computes several. Replaced whole when
	// the index key is set.
	blinders atomic.Pointer[sync.Pool]
	// caches tags the cached derived figures (cache.go), from the file
	// key; replaced whole with it.
	caches atomic.Pointer[cacheMACs]
}

// blinder is one reusable keyed HMAC with room for its input and sum.
type blinder struct {
	mac hash.Hash
	buf []byte
}

// maxCachedKeys bounds the data-key cache: beyond it the cache starts over.
// A summary touches each customer of a few weeks once; 16k keys cost a few
// MB.
const maxCachedKeys = 16384

// newKeyring returns the keyring of master, with master as the file key
// too (the layout of schema 2) until useFileKey says otherwise.
func newKeyring(master []byte) (*keyring, error) {
	switch {
	case len(master) == 0:
		return nil, ErrNoKey
	case len(master) != KeySize:
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrBadKey, len(master), KeySize)
	}
	kr := &keyring{cache: map[[keyIDSize]byte]cipher.AEAD{}}
	k, err := deriveKey(master, "wrap")
	if err == nil {
		kr.wrap, err = newAEAD(k)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: wrap key: %w", err)
	}
	if err := kr.useFileKey(master); err != nil {
		return nil, err
	}
	return kr, nil
}

// deriveKey derives the key of label from secret. The labels keep the
// "v2" of the schema that introduced them: a file key of schema 3 derives
// exactly what the master key of schema 2 derived.
func deriveKey(secret []byte, label string) ([]byte, error) {
	return hkdf.Key(sha256.New, secret, nil, "dangol ledger v2 "+label, KeySize)
}

// useFileKey derives the shop key and the index key from the file key fk.
func (kr *keyring) useFileKey(fk []byte) error {
	if len(fk) != KeySize {
		return fmt.Errorf("%w: file key of %d bytes", ErrCorrupt, len(fk))
	}
	k, err := deriveKey(fk, "shop")
	if err == nil {
		kr.shop, err = newAEAD(k)
	}
	if err != nil {
		return fmt.Errorf("ledger: shop key: %w", err)
	}
	if kr.index, err = deriveKey(fk, "index"); err != nil {
		return fmt.Errorf("ledger: index key: %w", err)
	}
	index := kr.index
	kr.blinders.Store(&sync.Pool{New: func() any {
		return &blinder{mac: hmac.New(sha256.New, index), buf: make([]byte, 0, 64)}
	}})
	caches, err := newCacheMACs(fk)
	if err != nil {
		return err
	}
	kr.caches.Store(caches)
	kr.file = bytes.Clone(fk)
	return nil
}

// newFileKey gives a new file a random file key.
func (kr *keyring) newFileKey() error {
	fk, err := NewKey()
	if err != nil {
		return err
	}
	return kr.useFileKey(fk)
}

// The file key in the meta bucket (schema 3), wrapped like a data key.
var metaFileKey = []byte("filekey")

// wrappedFileKey returns the file key sealed under the wrap key.
func (kr *keyring) wrappedFileKey() []byte {
	return seal(kr.wrap, recordAD(bucketMeta, metaFileKey), kr.file)
}

// openFileKey unwraps the stored file key and uses it.
func (kr *keyring) openFileKey(stored []byte) error {
	fk, err := unseal(kr.wrap, recordAD(bucketMeta, metaFileKey), stored)
	if err != nil {
		return fmt.Errorf("file key: %w", err)
	}
	return kr.useFileKey(fk)
}

// blind returns the blind index of value in the index kind: the first
// blindSize bytes of HMAC-SHA256 under the index key. Without the master
// key nobody can tell which phone or name an entry stands for, nor test a
// guess.
func (kr *keyring) blind(kind, value string) []byte {
	pool := kr.blinders.Load()
	b := pool.Get().(*blinder)
	b.mac.Reset()
	b.buf = append(append(append(b.buf[:0], kind...), 0), value...)
	b.mac.Write(b.buf)
	b.buf = b.mac.Sum(b.buf[:0])
	out := bytes.Clone(b.buf[:blindSize])
	if cap(b.buf) <= 1024 { // a long value's buffer is not kept
		pool.Put(b)
	}
	return out
}

// wrapped data keys are stored as key id | sealed data key.

// newDataKey draws a data key and returns its stored form under (bucket, k)
// with its AEAD.
func (kr *keyring) newDataKey(bucket, k []byte) ([]byte, cipher.AEAD, error) {
	if !isWrappedBucket(bucket) {
		return nil, nil, fmt.Errorf("ledger: data keys in bucket %s would not be rotated: list it in wrappedBuckets (rotate.go)", bucket)
	}
	raw := make([]byte, keyIDSize+KeySize)
	rand.Read(raw)
	id, key := raw[:keyIDSize], raw[keyIDSize:]
	a, err := newAEAD(key)
	if err != nil {
		return nil, nil, fmt.Errorf("new data key: %w", err)
	}
	stored := append(append([]byte(nil), id...), seal(kr.wrap, recordAD(bucket, k), key)...)
	kr.remember(id, a)
	return stored, a, nil
}

// openDataKey returns the AEAD of a stored data key found under (bucket, k).
func (kr *keyring) openDataKey(bucket, k, stored []byte) (cipher.AEAD, error) {
	if len(stored) < keyIDSize+sealOverhead {
		return nil, fmt.Errorf("%w: data key of %d bytes", ErrCorrupt, len(stored))
	}
	var id [keyIDSize]byte
	copy(id[:], stored)
	kr.mu.Lock()
	a := kr.cache[id]
	kr.mu.Unlock()
	if a != nil {
		return a, nil
	}
	key, err := unseal(kr.wrap, recordAD(bucket, k), stored[keyIDSize:])
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	if a, err = newAEAD(key); err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	kr.remember(id[:], a)
	return a, nil
}

func (kr *keyring) remember(id []byte, a cipher.AEAD) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if len(kr.cache) >= maxCachedKeys {
		clear(kr.cache)
	}
	kr.cache[[keyIDSize]byte(id)] = a
}

// forget drops a data key from the cache (it was shredded).
func (kr *keyring) forget(id []byte) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if len(id) >= keyIDSize {
		delete(kr.cache, [keyIDSize]byte(id[:keyIDSize]))
	}
}

// The key check value: a fixed text sealed under the wrap key in the meta
// bucket. Opening it proves the key is the file's before anything is written.
var (
	metaKeyCheck = []byte("keycheck")
	keyCheckText = []byte("dangol ledger key check v2")
)

func (kr *keyring) keyCheck() []byte {
	return seal(kr.wrap, recordAD(bucketMeta, metaKeyCheck), keyCheckText)
}

func (kr *keyring) verify(check []byte) error {
	plain, err := unseal(kr.wrap, recordAD(bucketMeta, metaKeyCheck), check)
	if err != nil || !hmac.Equal(plain, keyCheckText) {
		return ErrWrongKey
	}
	return nil
}
