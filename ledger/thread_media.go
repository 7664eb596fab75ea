package ledger

import (
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Photos of threads: what a customer sent the shop besides words (issue
// 12). The bytes are personal data like the thread's texts, sealed under
// the same key (the customer's, or the unlinked sender's), so an erasure
// shreds them with the rest; the time, the media type and the size stay
// clear, for the export's count.

// bucketThreadMedia holds the photos: thread number + photo number
// (big-endian uint32, from 1) -> binary ThreadPhoto, its bytes sealed
// (listed in allBuckets).
var bucketThreadMedia = []byte("thread_media")

// Bounds of a thread's photos.
const (
	// MaxPhotoBytes bounds one photo: what an adapter fetches
	// (dialog.MaxMediaBytes is the same 5 MiB).
	MaxPhotoBytes = 5 << 20
	// MaxThreadPhotos bounds the photos of one thread, so a customer
	// cannot fill the data file through one conversation.
	MaxThreadPhotos = 20
)

// ErrTooManyPhotos is returned by AddThreadPhoto when the thread holds
// MaxThreadPhotos photos already.
var ErrTooManyPhotos = errors.New("ledger: the thread holds as many photos as it may")

// ThreadPhoto is a photo a customer sent in a thread. Bytes are sealed
// like the thread's texts; the rest is clear.
type ThreadPhoto struct {
	Thread int64
	N      int // its number in the thread, from 1: the staff see "photo-N.jpg"
	At     time.Time
	Mime   string // "image/jpeg"
	Size   int    // len(Bytes) when stored
	// Bytes is the picture; nil when read without bytes, or once the key
	// that sealed it is shredded.
	Bytes []byte
}

// FileName is the photo's name as the staff and the export see it:
// "photo-3.jpg" (".png", ".webp" or ".gif" for those types).
func (p ThreadPhoto) FileName() string {
	ext := ".jpg"
	switch strings.ToLower(p.Mime) {
	case "image/png":
		ext = ".png"
	case "image/webp":
		ext = ".webp"
	case "image/gif":
		ext = ".gif"
	}
	return "photo-" + strconv.Itoa(p.N) + ext
}

// Validate reports whether p can be stored. The error wraps ErrInvalid.
func (p *ThreadPhoto) Validate() error {
	switch {
	case p.At.IsZero():
		return invalid("thread photo", "time is required")
	case !strings.HasPrefix(strings.ToLower(p.Mime), "image/") || len(p.Mime) > 64:
		return invalid("thread photo", "media type %q is not an image", p.Mime)
	case len(p.Bytes) == 0:
		return invalid("thread photo", "no bytes")
	case len(p.Bytes) > MaxPhotoBytes:
		return invalid("thread photo", "%d bytes, at most %d", len(p.Bytes), MaxPhotoBytes)
	}
	return nil
}

// takeIn moves t for a customer's message at at: it sets LastInAt and
// reopens a thread closed less than ReopenWindow before (ErrThreadClosed
// after). AddThreadMessage and AddThreadPhoto share it.
func (t *Thread) takeIn(at time.Time) error {
	if t.State == ThreadClosed {
		if at.Sub(t.ClosedAt) >= ReopenWindow {
			return ErrThreadClosed
		}
		t.State, t.ClosedBy, t.ClosedAt, t.CloseNote = ThreadOpen, "", time.Time{}, ""
		if !t.AnsweredAt.IsZero() {
			t.State = ThreadAnswered
		}
		t.Reopened++
	}
	t.LastInAt = at
	return nil
}

// AddThreadPhoto seals and stores p in its thread as the customer's,
// giving it the next number (p.N), and moves the thread as a customer's
// message does (AddThreadMessage). A thread with MaxThreadPhotos photos
// returns ErrTooManyPhotos, a closed one past ReopenWindow
// ErrThreadClosed; nothing is written then. It returns the thread as it is
// now.
func (tx *Tx) AddThreadPhoto(p *ThreadPhoto) (Thread, error) {
	fail := func(err error) (Thread, error) {
		return Thread{}, fmt.Errorf("ledger: thread %d photo: %w", p.Thread, err)
	}
	if err := p.Validate(); err != nil {
		return fail(err)
	}
	t, gone, err := tx.readThread(threadKey(p.Thread), true)
	if err != nil {
		return fail(err)
	}
	if gone {
		return fail(invalid("thread", "erased"))
	}
	n := tx.countThreadPhotos(p.Thread)
	if n >= MaxThreadPhotos {
		return fail(ErrTooManyPhotos)
	}
	if err := t.takeIn(p.At); err != nil {
		return fail(err)
	}
	p.N, p.Size = n+1, len(p.Bytes)
	k := binary.BigEndian.AppendUint32(threadKey(p.Thread), uint32(p.N))
	a, err := tx.threadAEAD(t.CustomerID, tx.threadBlind(t), false)
	if err != nil {
		return fail(err)
	}
	sealed, err := sealRecord(a, bucketThreadMedia, k, p.Bytes)
	if err != nil {
		return fail(err)
	}
	e := encoder{}
	e.byte(1) // version
	e.varint(nanos(p.At))
	e.string(p.Mime)
	e.uvarint(uint64(p.Size))
	e.string(string(sealed))
	if err := tx.bucket(bucketThreadMedia).Put(k, e.b); err != nil {
		return fail(err)
	}
	if err := tx.putThread(&t, false); err != nil {
		return fail(err)
	}
	return t, nil
}

// threadBlind is the blind id of t's sender when t has no customer, whose
// key seals t's personal parts; nil for a customer's thread.
func (tx *Tx) threadBlind(t Thread) []byte {
	if t.CustomerID != "" {
		return nil
	}
	return tx.senderBlind(t.SenderID)
}

// countThreadPhotos counts thread n's photos.
func (tx *Tx) countThreadPhotos(n int64) int {
	tk := threadKey(n)
	c := tx.bucket(bucketThreadMedia).Cursor()
	count := 0
	for k, _ := c.Seek(tk); k != nil && bytes.HasPrefix(k, tk); k, _ = c.Next() {
		count++
	}
	return count
}

// ThreadPhotos returns thread n's photos in the order sent; with
// withBytes their bytes too (nil once the key is shredded), else only the
// clear fields, without opening anything sealed.
func (tx *Tx) ThreadPhotos(n int64, withBytes bool) ([]ThreadPhoto, error) {
	fail := func(err error) ([]ThreadPhoto, error) {
		return nil, fmt.Errorf("ledger: thread %d photos: %w", n, err)
	}
	tk := threadKey(n)
	var a cipher.AEAD
	if withBytes {
		v := tx.get(bucketThreads, tk)
		if v == nil {
			return fail(ErrNotFound)
		}
		var rec threadRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fail(err)
		}
		var err error
		if a, err = tx.threadAEAD(rec.CustomerID, rec.Blind, false); err != nil {
			return fail(err)
		}
	}
	var photos []ThreadPhoto
	c := tx.bucket(bucketThreadMedia).Cursor()
	for k, v := c.Seek(tk); k != nil && bytes.HasPrefix(k, tk); k, v = c.Next() {
		if len(k) != len(tk)+4 {
			return fail(fmt.Errorf("%w: photo key of %d bytes", ErrCorrupt, len(k)))
		}
		d := newDecoder(v)
		d.version(1)
		p := ThreadPhoto{Thread: n, N: int(binary.BigEndian.Uint32(k[len(tk):]))}
		p.At = time.Unix(0, d.varint())
		p.Mime = d.string()
		p.Size = int(d.uvarint())
		sealed := d.string()
		if d.err != nil {
			return fail(d.err)
		}
		if withBytes {
			var err error
			if p.Bytes, err = openRecord(a, bucketThreadMedia, k, []byte(sealed)); err != nil {
				return fail(err)
			}
		}
		photos = append(photos, p)
	}
	return photos, nil
}
