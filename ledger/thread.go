package ledger

import (
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Threads (questions and complaints): a customer's words to the shop and
// the staff's answers, numbered (#12) and kept with the customer, sealed.

// Bucket names of threads (listed in allBuckets).
var (
	bucketThreads     = []byte("threads")      // thread number -> JSON clear fields + sealed sender id and close note
	bucketThreadMsgs  = []byte("thread_msgs")  // thread number + sequence -> binary ThreadMessage, text sealed
	bucketThreadOpen  = []byte("thread_open")  // thread number, for threads not closed
	bucketThreadTime  = []byte("thread_time")  // sortable nanos of the opening + thread number
	bucketThreadLast  = []byte("thread_last")  // 'c' + custKey or 's' + blind sender id -> thread number (their latest)
	bucketCustThreads = []byte("cust_threads") // custKey + thread number
	bucketThreadFB    = []byte("thread_fb")    // feedback time key -> thread number (a complaint's)
)

// ReopenWindow is how long after its closing a customer's new message
// reopens a thread instead of starting another.
const ReopenWindow = 7 * 24 * time.Hour

// MaxThreadTextRunes bounds one message of a thread and a closing note.
const MaxThreadTextRunes = 4000

// CheckThreadText reports whether s can be a thread message: not empty
// once trimmed, within MaxThreadTextRunes, without control characters. The
// error is a *LimitError or *ControlError (field "message") wrapping
// ErrInvalid.
func CheckThreadText(s string) error {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return invalid("thread message", "text is required")
	case utf8.RuneCountInString(s) > MaxThreadTextRunes:
		return tooLong("thread message", "message", MaxThreadTextRunes)
	}
	return checkText("thread message", "message", s)
}

// ThreadKind says what opened a thread.
type ThreadKind uint8

// The kinds of thread.
const (
	ThreadQuestion  ThreadKind = 1 // free text from a customer
	ThreadComplaint ThreadKind = 2 // a low rating
)

// ThreadState is where a thread is in its lifecycle: open → claimed →
// answered → closed, and open again when the customer writes within
// ReopenWindow of the closing.
type ThreadState uint8

// The states of a thread.
const (
	ThreadOpen     ThreadState = 1
	ThreadClaimed  ThreadState = 2 // a staff member took it on (a complaint: "연락 예정")
	ThreadAnswered ThreadState = 3 // a staff member's message went to the customer
	ThreadClosed   ThreadState = 4 // resolved
)

var (
	// ErrThreadClosed is returned when a message is added to a closed
	// thread that may not be reopened that way (a staff reply, or a
	// customer's message after ReopenWindow).
	ErrThreadClosed = errors.New("ledger: thread is closed")
	// ErrThreadClaimed is returned by ClaimThread when another staff
	// member holds the thread.
	ErrThreadClaimed = errors.New("ledger: thread is claimed by someone else")
)

// Thread is one conversation between a customer and the shop. SenderID and
// CloseNote are sealed (under the customer's key, or the unlinked sender's
// own); the rest is clear, for /inbox and the week's figures.
type Thread struct {
	Number     int64 // assigned by OpenThread, from 1
	Kind       ThreadKind
	State      ThreadState
	CustomerID string // empty for an unlinked sender
	SenderID   string // the platform-qualified id replies go to ("telegram:42"); sealed
	Lang       string // the customer's language, for the relayed replies' chrome
	FeedbackID string // a complaint's feedback
	Rating     int    // a complaint's rating

	OpenedAt   time.Time
	LastInAt   time.Time // the customer's latest message
	ClaimedBy  string    // Actor.ID() of the staff member
	ClaimedAt  time.Time
	AnsweredBy string // who sent the first staff message
	AnsweredAt time.Time
	ClosedBy   string
	ClosedAt   time.Time
	CloseNote  string // what was done; sealed
	Reopened   int    // how many times the customer's writing reopened it
	// ByShop says the shop opened it (a follow-up message to the
	// customer), so it is no question received: the week's question
	// figures leave it out.
	ByShop bool `json:",omitempty"`
}

// FirstResponse is the time from opening to the first staff message, 0
// when there was none.
func (t *Thread) FirstResponse() time.Duration {
	if t.AnsweredAt.IsZero() {
		return 0
	}
	return t.AnsweredAt.Sub(t.OpenedAt)
}

// Validate reports whether t can be stored. The error wraps ErrInvalid.
func (t *Thread) Validate() error {
	switch {
	case t.Kind != ThreadQuestion && t.Kind != ThreadComplaint:
		return invalid("thread", "kind %d", t.Kind)
	case t.State < ThreadOpen || t.State > ThreadClosed:
		return invalid("thread", "state %d", t.State)
	case t.OpenedAt.IsZero():
		return invalid("thread", "opening time is required")
	case t.SenderID == "" && t.CustomerID == "":
		return invalid("thread", "a customer or a sender id is required")
	case len(t.SenderID) > 128:
		return invalid("thread", "sender id longer than 128 bytes")
	case utf8.RuneCountInString(t.CloseNote) > MaxThreadTextRunes:
		return tooLong("thread", "note", MaxThreadTextRunes)
	}
	return checkText("thread", "note", t.CloseNote)
}

// ThreadMessage is one message of a thread: in (the customer's) or out (a
// staff member's, relayed). Text is sealed like the thread's.
type ThreadMessage struct {
	Thread  int64
	At      time.Time
	Out     bool
	StaffID string // Actor.ID() of the sender of an out message
	Text    string
	// AfterClose is a customer's message kept with a closed thread
	// without reopening it: a thanks for the resolution is part of the
	// conversation, but nothing for the staff to do again. On a thread
	// not closed it is an ordinary message.
	AfterClose bool
}

// threadRecord is a thread as stored: its clear fields, the blind id of an
// unlinked sender, and the sealed part.
type threadRecord struct {
	Thread
	SenderID  string `json:"-"`
	CloseNote string `json:"-"`
	Blind     []byte `json:",omitempty"`
	Sealed    []byte `json:",omitempty"`
}

func threadKey(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// threadAEAD returns the key of a thread's personal parts: the customer's,
// or the unlinked sender's (created if create is set). Nil when it is gone.
func (tx *Tx) threadAEAD(customerID string, blind []byte, create bool) (cipher.AEAD, error) {
	if customerID != "" {
		return tx.aeadOf(customerID)
	}
	return tx.senderAEAD(blind, create)
}

// personKey is the thread_last key of a customer or an unlinked sender.
func (tx *Tx) personKey(customerID, senderID string) ([]byte, error) {
	if customerID != "" {
		ck, ok := custKeyOf(customerID)
		if !ok {
			return nil, fmt.Errorf("customer %q: %w", customerID, ErrCustomerNotFound)
		}
		return concat([]byte{'c'}, ck), nil
	}
	return concat([]byte{'s'}, tx.senderBlind(senderID)), nil
}

// putThread seals t's personal parts and stores it with its open index.
func (tx *Tx) putThread(t *Thread, create bool) error {
	k := threadKey(t.Number)
	rec := threadRecord{Thread: *t}
	rec.Thread.SenderID, rec.Thread.CloseNote = "", ""
	if t.CustomerID == "" {
		rec.Blind = tx.senderBlind(t.SenderID)
	}
	a, err := tx.threadAEAD(t.CustomerID, rec.Blind, create)
	if err != nil {
		return err
	}
	// An erased customer's key is gone, and their thread reads without a
	// sender: nothing personal is kept (a closing note is dropped), but
	// the clear fields still move, so staff can close the thread.
	if a != nil || t.SenderID != "" {
		e := encoder{}
		e.string(t.SenderID)
		e.string(t.CloseNote)
		if rec.Sealed, err = sealRecord(a, bucketThreads, k, e.b); err != nil {
			return err
		}
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := tx.bucket(bucketThreads).Put(k, v); err != nil {
		return err
	}
	if t.State == ThreadClosed {
		return tx.bucket(bucketThreadOpen).Delete(k)
	}
	return tx.bucket(bucketThreadOpen).Put(k, []byte{})
}

// readThread decodes the thread stored under k; with open it unseals its
// personal parts (empty once the key is shredded), and gone reports a key
// that is shredded.
func (tx *Tx) readThread(k []byte, open bool) (t Thread, gone bool, err error) {
	v := tx.get(bucketThreads, k)
	if v == nil {
		return Thread{}, false, ErrNotFound
	}
	var rec threadRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return Thread{}, false, fmt.Errorf("thread %d: %w", binary.BigEndian.Uint64(k), err)
	}
	t = rec.Thread
	if !open {
		return t, false, nil
	}
	a, err := tx.threadAEAD(t.CustomerID, rec.Blind, false)
	if err != nil {
		return Thread{}, false, err
	}
	if a == nil {
		return t, true, nil
	}
	plain, err := openRecord(a, bucketThreads, k, rec.Sealed)
	if err != nil {
		return Thread{}, false, err
	}
	d := newDecoder(plain)
	t.SenderID = d.string()
	t.CloseNote = d.string()
	if d.err != nil && len(plain) > 0 {
		return Thread{}, false, fmt.Errorf("thread %d: %w", t.Number, d.err)
	}
	return t, false, nil
}

// OpenThread validates t, assigns t.Number and stores it open, with first
// (the customer's words, or a complaint's comment; may be empty) as its
// first message. A thread of a customer needs the customer to exist and
// not be erased; one of an unlinked sender gets the sender a data key.
func (tx *Tx) OpenThread(t *Thread, first string) error {
	fail := func(err error) error { return fmt.Errorf("ledger: open thread: %w", err) }
	t.State = ThreadOpen
	if t.LastInAt.IsZero() {
		t.LastInAt = t.OpenedAt
	}
	if err := t.Validate(); err != nil {
		return fail(err)
	}
	if strings.TrimSpace(first) != "" {
		if err := CheckThreadText(first); err != nil {
			return fail(err)
		}
	}
	var ck []byte
	if t.CustomerID != "" {
		var err error
		if ck, err = tx.liveCustomer(t.CustomerID); err != nil {
			return fail(err)
		}
	}
	seq, err := tx.bucket(bucketThreads).NextSequence()
	if err != nil {
		return fail(err)
	}
	t.Number = int64(seq)
	k := threadKey(t.Number)
	if err := tx.putThread(t, true); err != nil {
		return fail(err)
	}
	pk, err := tx.personKey(t.CustomerID, t.SenderID)
	if err != nil {
		return fail(err)
	}
	puts := []struct {
		b    []byte
		k, v []byte
	}{
		{bucketThreadTime, concat(binary.BigEndian.AppendUint64(nil, sortableNanos(t.OpenedAt)), k), []byte{}},
		{bucketThreadLast, pk, k},
	}
	if fk, ok := keyOfID(t.FeedbackID); ok && t.FeedbackID != "" {
		puts = append(puts, struct {
			b    []byte
			k, v []byte
		}{bucketThreadFB, fk, k})
	}
	for _, p := range puts {
		if err := tx.bucket(p.b).Put(p.k, p.v); err != nil {
			return fail(err)
		}
	}
	if ck != nil {
		if err := threadsByCustomer.add(tx, ck, k); err != nil {
			return fail(err)
		}
	}
	if strings.TrimSpace(first) != "" {
		if err := tx.putThreadMessage(t, &ThreadMessage{Thread: t.Number, At: t.OpenedAt, Text: first}); err != nil {
			return fail(err)
		}
	}
	return nil
}

// Thread returns thread n with its personal parts, or ErrNotFound.
func (tx *Tx) Thread(n int64) (Thread, error) {
	t, _, err := tx.readThread(threadKey(n), true)
	if err != nil {
		return Thread{}, fmt.Errorf("ledger: thread %d: %w", n, err)
	}
	return t, nil
}

// LatestThreadOf returns the latest thread of a customer (customerID) or,
// without one, of an unlinked sender (senderID), and whether there is one.
// A thread whose key was shredded (an erased sender) counts as none.
func (tx *Tx) LatestThreadOf(customerID, senderID string) (Thread, bool, error) {
	pk, err := tx.personKey(customerID, senderID)
	if err != nil {
		return Thread{}, false, fmt.Errorf("ledger: latest thread: %w", err)
	}
	k := tx.get(bucketThreadLast, pk)
	if k == nil {
		return Thread{}, false, nil
	}
	t, gone, err := tx.readThread(k, true)
	if err != nil {
		return Thread{}, false, fmt.Errorf("ledger: latest thread: %w", err)
	}
	return t, !gone, nil
}

// ThreadOfFeedback returns the complaint thread of a feedback, and whether
// there is one.
func (tx *Tx) ThreadOfFeedback(feedbackID string) (Thread, bool, error) {
	fk, ok := keyOfID(feedbackID)
	if !ok {
		return Thread{}, false, nil
	}
	k := tx.get(bucketThreadFB, fk)
	if k == nil {
		return Thread{}, false, nil
	}
	t, _, err := tx.readThread(k, true)
	if err != nil {
		return Thread{}, false, fmt.Errorf("ledger: thread of feedback: %w", err)
	}
	return t, true, nil
}

// AddThreadMessage seals and stores m in its thread and moves the thread:
// a customer's message sets LastInAt and reopens a thread closed less than
// ReopenWindow before m.At (ErrThreadClosed after); a staff message sets
// the first response (AnsweredBy, AnsweredAt) and makes an open or claimed
// thread answered, and is refused with ErrThreadClosed on a closed thread.
// A customer's message marked AfterClose leaves a closed thread closed
// (within ReopenWindow, as a reopening would be). It returns the thread as
// it is now.
func (tx *Tx) AddThreadMessage(m *ThreadMessage) (Thread, error) {
	fail := func(err error) (Thread, error) {
		return Thread{}, fmt.Errorf("ledger: thread %d message: %w", m.Thread, err)
	}
	m.Text = strings.TrimSpace(m.Text)
	switch {
	case m.At.IsZero():
		return fail(invalid("thread message", "time is required"))
	case m.Out && m.StaffID == "":
		return fail(invalid("thread message", "a staff message needs its sender"))
	}
	if err := CheckThreadText(m.Text); err != nil {
		return fail(err)
	}
	t, gone, err := tx.readThread(threadKey(m.Thread), true)
	if err != nil {
		return fail(err)
	}
	if gone {
		return fail(invalid("thread", "erased"))
	}
	if m.Out {
		if t.State == ThreadClosed {
			return fail(ErrThreadClosed)
		}
		if t.AnsweredAt.IsZero() {
			t.AnsweredBy, t.AnsweredAt = m.StaffID, m.At
		}
		t.State = ThreadAnswered
	} else if m.AfterClose && t.State == ThreadClosed {
		if m.At.Sub(t.ClosedAt) >= ReopenWindow {
			return fail(ErrThreadClosed)
		}
	} else if err := t.takeIn(m.At); err != nil { // thread_media.go
		return fail(err)
	}
	m.AfterClose = m.AfterClose && t.State == ThreadClosed
	if err := tx.putThread(&t, false); err != nil {
		return fail(err)
	}
	if err := tx.putThreadMessage(&t, m); err != nil {
		return fail(err)
	}
	return t, nil
}

// putThreadMessage seals m's text under t's key and stores it.
func (tx *Tx) putThreadMessage(t *Thread, m *ThreadMessage) error {
	b := tx.bucket(bucketThreadMsgs)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	k := binary.BigEndian.AppendUint64(threadKey(t.Number), seq)
	var blind []byte
	if t.CustomerID == "" {
		blind = tx.senderBlind(t.SenderID)
	}
	a, err := tx.threadAEAD(t.CustomerID, blind, false)
	if err != nil {
		return err
	}
	sealed, err := sealRecord(a, bucketThreadMsgs, k, []byte(m.Text))
	if err != nil {
		return err
	}
	e := encoder{}
	e.byte(1)    // version
	var out byte // 0 in, 1 out, 2 in after the close (read as in by older versions)
	switch {
	case m.Out:
		out = 1
	case m.AfterClose:
		out = 2
	}
	e.byte(out)
	e.varint(nanos(m.At))
	e.string(m.StaffID)
	e.string(string(sealed))
	return b.Put(k, e.b)
}

// ThreadMessages returns thread n's messages, oldest first, their texts
// empty once the customer's key is shredded.
func (tx *Tx) ThreadMessages(n int64) ([]ThreadMessage, error) {
	tk := threadKey(n)
	v := tx.get(bucketThreads, tk)
	if v == nil {
		return nil, fmt.Errorf("ledger: thread %d messages: %w", n, ErrNotFound)
	}
	var rec threadRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("ledger: thread %d messages: %w", n, err)
	}
	a, err := tx.threadAEAD(rec.CustomerID, rec.Blind, false)
	if err != nil {
		return nil, fmt.Errorf("ledger: thread %d messages: %w", n, err)
	}
	var out []ThreadMessage
	c := tx.bucket(bucketThreadMsgs).Cursor()
	for k, v := c.Seek(tk); k != nil && bytes.HasPrefix(k, tk); k, v = c.Next() {
		d := newDecoder(v)
		d.version(1)
		m := ThreadMessage{Thread: n}
		dir := d.byte()
		m.Out, m.AfterClose = dir == 1, dir == 2
		m.At = time.Unix(0, d.varint())
		m.StaffID = d.string()
		sealed := d.string()
		if d.err != nil {
			return nil, fmt.Errorf("ledger: thread %d messages: %w", n, d.err)
		}
		plain, err := openRecord(a, bucketThreadMsgs, k, []byte(sealed))
		if err != nil {
			return nil, fmt.Errorf("ledger: thread %d messages: %w", n, err)
		}
		m.Text = string(plain)
		out = append(out, m)
	}
	return out, nil
}

// ClaimThread records that staffID took thread n on at at. Claiming a
// thread one holds already changes nothing; one claimed by another returns
// ErrThreadClaimed (with the thread, so the caller can say by whom), and a
// closed one ErrThreadClosed.
func (tx *Tx) ClaimThread(n int64, staffID string, at time.Time) (Thread, error) {
	t, err := tx.Thread(n)
	if err != nil {
		return Thread{}, err
	}
	switch {
	case t.State == ThreadClosed:
		return t, fmt.Errorf("ledger: claim thread %d: %w", n, ErrThreadClosed)
	case t.ClaimedBy == staffID:
		return t, nil
	case t.ClaimedBy != "":
		return t, fmt.Errorf("ledger: claim thread %d: %w", n, ErrThreadClaimed)
	}
	t.ClaimedBy, t.ClaimedAt = staffID, at
	if t.State == ThreadOpen {
		t.State = ThreadClaimed
	}
	if err := tx.putThread(&t, false); err != nil {
		return Thread{}, fmt.Errorf("ledger: claim thread %d: %w", n, err)
	}
	return t, nil
}

// ThreadClosedByErasure is the ClosedBy of a thread closed because its
// customer was erased (EraseCustomer): no staff member closed it, and it
// cannot be reopened (ReopenThread), there being nobody to write to.
const ThreadClosedByErasure = "erasure"

// closeThreadsOf closes, by ThreadClosedByErasure at at, the threads of the
// customer ck not closed yet; run before their key is shredded.
func (tx *Tx) closeThreadsOf(ck []byte, at time.Time) error {
	var open []int64
	err := threadsByCustomer.newest(tx, ck, 0, func(k []byte) error {
		t, _, err := tx.readThread(k, false)
		if err != nil {
			return err
		}
		if t.State != ThreadClosed {
			open = append(open, t.Number)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("threads to close: %w", err)
	}
	for _, n := range open { // after the index walk: closing writes to it
		if _, err := tx.CloseThread(n, ThreadClosedByErasure, "", at); err != nil {
			return err
		}
	}
	return nil
}

// CloseThread closes (resolves) thread n, by staffID at at, with an
// optional note of what was done. Closing a closed thread returns
// ErrThreadClosed.
//
// A thread whose person was erased closes too, without its note: there is
// no key left to seal it under.
func (tx *Tx) CloseThread(n int64, staffID, note string, at time.Time) (Thread, error) {
	k := threadKey(n)
	t, gone, err := tx.readThread(k, true)
	if err != nil {
		return Thread{}, fmt.Errorf("ledger: thread %d: %w", n, err)
	}
	if t.State == ThreadClosed {
		return t, fmt.Errorf("ledger: close thread %d: %w", n, ErrThreadClosed)
	}
	t.State, t.ClosedBy, t.ClosedAt, t.CloseNote = ThreadClosed, staffID, at, strings.TrimSpace(note)
	if gone && t.CustomerID == "" {
		// An erased unlinked sender: no sender id is left to validate or
		// to derive the blind id from, so the record keeps its own.
		t.CloseNote = ""
		if err := tx.closeGoneThread(k, t); err != nil {
			return Thread{}, fmt.Errorf("ledger: close thread %d: %w", n, err)
		}
		return t, nil
	}
	if err := t.Validate(); err != nil {
		return Thread{}, fmt.Errorf("ledger: close thread %d: %w", n, err)
	}
	if err := tx.putThread(&t, false); err != nil {
		return Thread{}, fmt.Errorf("ledger: close thread %d: %w", n, err)
	}
	return t, nil
}

// closeGoneThread stores t, closed, over the record at k, keeping the
// record's blind id and its (now unreadable) sealed part.
func (tx *Tx) closeGoneThread(k []byte, t Thread) error {
	var rec threadRecord
	if err := json.Unmarshal(tx.get(bucketThreads, k), &rec); err != nil {
		return err
	}
	rec.Thread = t
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := tx.bucket(bucketThreads).Put(k, v); err != nil {
		return err
	}
	return tx.bucket(bucketThreadOpen).Delete(k)
}

// ReopenThread opens a closed thread again (a staff member's choice, when
// they want to write to it); an open thread is returned unchanged. One
// closed by its customer's erasure is refused (ErrInvalid).
func (tx *Tx) ReopenThread(n int64, at time.Time) (Thread, error) {
	t, err := tx.Thread(n)
	if err != nil || t.State != ThreadClosed {
		return t, err
	}
	if t.ClosedBy == ThreadClosedByErasure {
		return t, fmt.Errorf("ledger: reopen thread %d: %w", n, invalid("thread", "erased"))
	}
	t.State, t.ClosedBy, t.ClosedAt, t.CloseNote = ThreadOpen, "", time.Time{}, ""
	if !t.AnsweredAt.IsZero() {
		t.State = ThreadAnswered
	} else if t.ClaimedBy != "" {
		t.State = ThreadClaimed
	}
	t.Reopened++
	if err := tx.putThread(&t, false); err != nil {
		return Thread{}, fmt.Errorf("ledger: reopen thread %d: %w", n, err)
	}
	return t, nil
}

// OpenThreads returns the threads not closed, oldest first, with their
// clear fields only (no sender id, no note): what /inbox lists.
func (tx *Tx) OpenThreads() ([]Thread, error) {
	var out []Thread
	c := tx.bucket(bucketThreadOpen).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		t, _, err := tx.readThread(k, false)
		if err != nil {
			return nil, fmt.Errorf("ledger: open threads: %w", err)
		}
		out = append(out, t)
	}
	return out, nil
}

// ScanThreads calls fn with every thread opened in [from, to), oldest
// first, clear fields only, without opening a sealed record: the week's
// figures.
func (tx *Tx) ScanThreads(from, to time.Time, fn func(Thread) error) error {
	c := tx.bucket(bucketThreadTime).Cursor()
	lo := binary.BigEndian.AppendUint64(nil, sortableNanos(from))
	hi := binary.BigEndian.AppendUint64(nil, sortableNanos(to))
	for k, _ := c.Seek(lo); k != nil && bytes.Compare(k[:8], hi) < 0; k, _ = c.Next() {
		t, _, err := tx.readThread(k[8:], false)
		if err != nil {
			return fmt.Errorf("ledger: scan threads: %w", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

// ThreadsOfSender returns, newest first, up to limit (0: all) threads of
// the unlinked sender senderID ("telegram:42"): what /mydata shows someone
// linked to no customer. Threads have no index by sender, so it reads them
// all, as FeedbackOfSender does: it is asked by one person about
// themselves, not for every message. Threads whose sender was erased are
// left out, as their feedback is.
func (tx *Tx) ThreadsOfSender(senderID string, limit int) ([]Thread, error) {
	if senderID == "" {
		return nil, nil
	}
	blind := tx.senderBlind(senderID)
	var out []Thread
	c := tx.bucket(bucketThreads).Cursor()
	for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
		var rec struct{ Blind []byte }
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("ledger: threads of sender: thread %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if !bytes.Equal(rec.Blind, blind) {
			continue
		}
		t, gone, err := tx.readThread(k, true)
		if err != nil {
			return nil, fmt.Errorf("ledger: threads of sender: %w", err)
		}
		if gone {
			continue // erased (EraseSender shredded their key): theirs no more
		}
		out = append(out, t)
	}
	return out, nil
}

// ThreadsOf returns a customer's threads, newest first, at most limit (all
// if limit <= 0), with their personal parts.
func (tx *Tx) ThreadsOf(customerID string, limit int) ([]Thread, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: threads of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []Thread
	err := threadsByCustomer.newest(tx, ck, limit, func(k []byte) error {
		t, _, err := tx.readThread(k, true)
		if err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: threads of %s: %w", customerID, err)
	}
	return out, nil
}
