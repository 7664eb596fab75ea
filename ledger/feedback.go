package ledger

import (
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxCommentRunes bounds a feedback comment: Validate refuses a longer one.
const MaxCommentRunes = 2000

// Validate reports whether f can be stored: a time, a rating of 1 to 5, an
// NPS of 0 to 10 or NoNPS (the zero value 0 is a real NPS answer, so callers
// without one must set NoNPS), a comment within its limit, and a sender id
// only on feedback without a customer. The error wraps ErrInvalid.
func (f *Feedback) Validate() error {
	switch {
	case f.At.IsZero():
		return invalid("feedback", "time is required")
	case f.Rating < 1 || f.Rating > 5:
		return invalid("feedback", "rating %d is not 1 to 5", f.Rating)
	case f.NPS != NoNPS && (f.NPS < 0 || f.NPS > 10):
		return invalid("feedback", "NPS %d is not 0 to 10", f.NPS)
	case utf8.RuneCountInString(f.Comment) > MaxCommentRunes:
		return tooLong("feedback", "comment", MaxCommentRunes)
	case f.SenderID != "" && f.CustomerID != "":
		return invalid("feedback", "a sender id is only for feedback without a customer")
	case len(f.SenderID) > 128:
		return invalid("feedback", "sender id longer than 128 bytes")
	}
	return checkText("feedback", "comment", f.Comment)
}

// feedbackVersion 2 seals the comment and the sender id; version 1 is only
// read by the migration (legacy.go).
const feedbackVersion = 2

// Flags of an encoded feedback: which optional parts follow.
const (
	feedbackAnswered = 1
	feedbackSender   = 2
)

// encodeFeedback: version, customer, rating, NPS, flags, then if answered:
// by, at; if from an unlinked sender: the sender's blind id; last the
// comment and sender id, sealed under the customer's key, the sender's key
// or (neither) the shop key.
func encodeFeedback(f *Feedback, senderBlind, sealed []byte) []byte {
	e := encoder{b: make([]byte, 0, 16+len(f.CustomerID)+len(f.AnsweredBy)+len(senderBlind)+len(sealed))}
	e.byte(feedbackVersion)
	e.string(f.CustomerID)
	e.uvarint(uint64(f.Rating))
	e.varint(int64(f.NPS))
	var flags byte
	if f.AnsweredBy != "" || !f.AnsweredAt.IsZero() {
		flags |= feedbackAnswered
	}
	if senderBlind != nil {
		flags |= feedbackSender
	}
	e.byte(flags)
	if flags&feedbackAnswered != 0 {
		e.string(f.AnsweredBy)
		e.varint(nanos(f.AnsweredAt))
	}
	if flags&feedbackSender != 0 {
		e.string(string(senderBlind))
	}
	e.string(string(sealed))
	return e.b
}

// decodeFeedback decodes the clear part of a feedback and returns the
// sender's blind id (nil if none) and the sealed part, both v's own bytes
// (not copied), valid only while v is.
func decodeFeedback(k, v []byte) (f Feedback, senderBlind, sealed []byte, err error) {
	p := parseFeedback(v)
	f = p.f
	f.At = keyTime(k)
	if p.d.err != nil {
		return Feedback{}, nil, nil, fmt.Errorf("feedback %s: %w", idOf(k), p.d.err)
	}
	var text string
	text, f.ID = p.d.textAndID(k)
	f.CustomerID, f.AnsweredBy = p.d.cut(text, p.cust), p.d.cut(text, p.by)
	return f, p.blind, p.sealed, nil
}

// feedbackParts is a stored feedback parsed in place: its numbers, where
// its strings are, and its blind id and sealed part (v's bytes).
type feedbackParts struct {
	d             clearDecoder
	f             Feedback // without ID, At and strings
	cust, by      span
	blind, sealed []byte
}

func parseFeedback(v []byte) (p feedbackParts) {
	d := &p.d
	d.v = v
	d.version(feedbackVersion)
	if d.err == nil && v[0] != feedbackVersion {
		d.fail("version")
	}
	p.cust = d.str()
	p.f.Rating = int(d.uvarint())
	p.f.NPS = int(d.varint())
	flags := d.byte()
	if flags&feedbackAnswered != 0 {
		p.by = d.str()
		p.f.AnsweredAt = time.Unix(0, d.varint())
	}
	if flags&feedbackSender != 0 {
		p.blind = d.field()
	}
	p.sealed = d.field()
	return p
}

// feedbackAEAD returns the key that seals a feedback's personal part.
func (tx *Tx) feedbackAEAD(f *Feedback, senderBlind []byte, create bool) (cipher.AEAD, error) {
	switch {
	case f.CustomerID != "":
		return tx.aeadOf(f.CustomerID)
	case senderBlind != nil:
		return tx.senderAEAD(senderBlind, create)
	}
	return tx.kr.shop, nil
}

// putFeedback seals f's comment and sender id and stores f under k.
func (tx *Tx) putFeedback(k []byte, f *Feedback) error {
	var blind []byte
	if f.SenderID != "" {
		blind = tx.senderBlind(f.SenderID)
	}
	var sealed []byte
	if f.Comment != "" || f.SenderID != "" {
		a, err := tx.feedbackAEAD(f, blind, true)
		if err != nil {
			return err
		}
		e := encoder{}
		e.string(f.Comment)
		e.string(f.SenderID)
		if sealed, err = sealRecord(a, bucketFeedback, k, e.b); err != nil {
			return err
		}
	}
	return tx.bucket(bucketFeedback).Put(k, encodeFeedback(f, blind, sealed))
}

// decodeFeedback decodes the feedback stored as v under k, opening its
// comment and sender id (empty once their key is shredded).
func (tx *Tx) decodeFeedback(k, v []byte) (Feedback, error) {
	f, blind, sealed, err := decodeFeedback(k, v)
	if err != nil || len(sealed) == 0 {
		return f, err
	}
	a, err := tx.feedbackAEAD(&f, blind, false)
	if err != nil {
		return Feedback{}, err
	}
	plain, err := openRecord(a, bucketFeedback, k, sealed)
	if err != nil || plain == nil {
		return f, err
	}
	d := newDecoder(plain)
	f.Comment = d.string()
	f.SenderID = d.string()
	if d.err != nil {
		return Feedback{}, fmt.Errorf("feedback %s: %w", f.ID, d.err)
	}
	return f, nil
}

// AddFeedback validates f, assigns f.ID and stores it. A feedback may have no
// customer (a sender not linked to a record); one that names a customer
// needs that customer to exist and not be erased.
func (tx *Tx) AddFeedback(f *Feedback) error {
	f.Comment = strings.TrimSpace(f.Comment)
	if err := f.Validate(); err != nil {
		return fmt.Errorf("ledger: add feedback: %w", err)
	}
	var ck []byte
	if f.CustomerID != "" {
		var err error
		if ck, err = tx.liveCustomer(f.CustomerID); err != nil {
			return fmt.Errorf("ledger: add feedback: %w", err)
		}
	}
	b := tx.bucket(bucketFeedback)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("ledger: add feedback: %w", err)
	}
	k := timeKey(f.At, seq)
	if err := tx.putFeedback(k, f); err != nil {
		return fmt.Errorf("ledger: add feedback: %w", err)
	}
	if ck != nil {
		if err := feedbackByCustomer.add(tx, ck, k); err != nil {
			return fmt.Errorf("ledger: add feedback: %w", err)
		}
	}
	f.ID = idOf(k)
	return nil
}

// Feedback returns the feedback with id, or ErrNotFound.
func (tx *Tx) Feedback(id string) (Feedback, error) {
	k, ok := keyOfID(id)
	if !ok {
		return Feedback{}, fmt.Errorf("ledger: feedback %q: %w", id, ErrNotFound)
	}
	f, err := tx.feedback(k)
	if err != nil {
		return Feedback{}, fmt.Errorf("ledger: feedback %s: %w", id, err)
	}
	return f, nil
}

func (tx *Tx) feedback(k []byte) (Feedback, error) {
	v := tx.get(bucketFeedback, k)
	if v == nil {
		return Feedback{}, ErrNotFound
	}
	return tx.decodeFeedback(k, v)
}

// FeedbackOf returns a customer's newest feedback first, at most limit (all
// if limit <= 0).
func (tx *Tx) FeedbackOf(customerID string, limit int) ([]Feedback, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: feedback of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []Feedback
	err := feedbackByCustomer.newest(tx, ck, limit, func(k []byte) error {
		f, err := tx.feedback(k)
		if err != nil && tx.skipDamaged(RecordFeedback, err) {
			return nil
		}
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: feedback of %s: %w", customerID, err)
	}
	return out, nil
}

// FeedbackCount returns how many feedbacks a customer has: what FeedbackOf
// returns with no limit, without opening one or walking their index: the
// count the index's merges keep (cust_feedback_n) and the entries still in
// its log. An erasure keeps a customer's feedback (anonymous, counted in
// past summaries), and so its count.
func (tx *Tx) FeedbackCount(customerID string) (int, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return 0, fmt.Errorf("ledger: feedback count of %q: %w", customerID, ErrCustomerNotFound)
	}
	n, err := feedbackByCustomer.count(tx, ck)
	if err != nil {
		return 0, fmt.Errorf("ledger: feedback count of %s: %w", customerID, err)
	}
	return n, nil
}

// FeedbackOfSender returns, newest first and at most limit (all if limit
// <= 0), the feedback an unlinked sender (platform id, as in
// Feedback.SenderID) left: what their /mydata shows and their /forget
// erases. Such feedback has no index, so, like EraseSender, it reads every
// feedback record's clear part, opening only theirs.
func (tx *Tx) FeedbackOfSender(senderID string, limit int) ([]Feedback, error) {
	if senderID == "" {
		return nil, nil
	}
	blind := tx.senderBlind(senderID)
	var out []Feedback
	c := tx.bucket(bucketFeedback).Cursor()
	for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
		_, fb, _, err := decodeFeedback(k, v)
		if err != nil {
			return nil, fmt.Errorf("ledger: feedback of sender: %w", err)
		}
		if fb == nil || !bytes.Equal(fb, blind) {
			continue
		}
		f, err := tx.decodeFeedback(k, v)
		if err != nil {
			return nil, fmt.Errorf("ledger: feedback of sender: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}

// LatestFeedback returns the newest feedback of a customer (customerID)
// or, with customerID empty, of an unlinked sender (senderID), if it was
// left at or after since; ok is false when there is none. A customer's is
// the one they added last; a sender's walks back only over the feedback
// since.
func (tx *Tx) LatestFeedback(customerID, senderID string, since time.Time) (f Feedback, ok bool, err error) {
	if customerID != "" {
		ck, valid := custKeyOf(customerID)
		if !valid {
			return Feedback{}, false, fmt.Errorf("ledger: latest feedback of %q: %w", customerID, ErrCustomerNotFound)
		}
		// The one added last, by a walk of the index's log that stops at
		// it: newest reads the whole log, which made this check a seventh
		// of a line feedback's time at 64 chats.
		k, err := feedbackByCustomer.lastAdded(tx, ck)
		if err == nil && k != nil && !keyTime(k).Before(since) {
			f, err = tx.feedback(k)
			ok = err == nil
		}
		if err != nil {
			return Feedback{}, false, fmt.Errorf("ledger: latest feedback of %s: %w", customerID, err)
		}
		return f, ok, nil
	}
	if senderID == "" {
		return Feedback{}, false, nil
	}
	blind := tx.senderBlind(senderID)
	c := tx.bucket(bucketFeedback).Cursor()
	for k, v := c.Last(); k != nil && !keyTime(k).Before(since); k, v = c.Prev() {
		_, fb, _, err := decodeFeedback(k, v)
		if err != nil {
			return Feedback{}, false, fmt.Errorf("ledger: latest feedback of sender: %w", err)
		}
		if fb == nil || !bytes.Equal(fb, blind) {
			continue
		}
		if f, err = tx.decodeFeedback(k, v); err != nil {
			return Feedback{}, false, fmt.Errorf("ledger: latest feedback of sender: %w", err)
		}
		return f, true, nil
	}
	return Feedback{}, false, nil
}

// AnswerFeedback records who took care of a feedback.
func (tx *Tx) AnswerFeedback(id, by string, at time.Time) error {
	if by == "" || at.IsZero() {
		return fmt.Errorf("ledger: answer feedback %s: %w", id, invalid("feedback", "who and when are required"))
	}
	k, ok := keyOfID(id)
	if !ok {
		return fmt.Errorf("ledger: answer feedback %q: %w", id, ErrNotFound)
	}
	f, err := tx.feedback(k)
	if err != nil {
		return fmt.Errorf("ledger: answer feedback %s: %w", id, err)
	}
	f.AnsweredBy, f.AnsweredAt = by, at
	if err := tx.putFeedback(k, &f); err != nil {
		return fmt.Errorf("ledger: answer feedback %s: %w", id, err)
	}
	return nil
}

// ScanFeedback calls fn for every feedback with from <= At < to, in time order.
func (tx *Tx) ScanFeedback(from, to time.Time, fn func(Feedback) error) error {
	// The customers' keys that open the comments first, in one ordered
	// pass (warmCustKeys); then the records, in time order.
	b := tx.bucket(bucketFeedback)
	var seqs []uint64
	err := scanTime(b, from, to, func(_, v []byte) error {
		p := parseFeedback(v)
		if p.d.err == nil && len(p.sealed) > 0 && p.cust.hi > p.cust.lo {
			if ck, ok := custKeyOf(string(v[p.cust.lo:p.cust.hi])); ok {
				seqs = append(seqs, binary.BigEndian.Uint64(ck))
			}
		}
		return nil
	})
	if err == nil {
		err = tx.warmCustKeys(seqs)
	}
	if err != nil {
		return fmt.Errorf("ledger: scan feedback: %w", err)
	}
	return scanTime(b, from, to, func(k, v []byte) error {
		f, err := tx.decodeFeedback(k, v)
		if err != nil && tx.skipDamaged(RecordFeedback, err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ledger: scan feedback: %w", err)
		}
		return fn(f)
	})
}

// ScanFeedbackClear is ScanFeedback without opening the sealed part: fn
// gets every feedback with from <= At < to, in time order, with Comment
// and SenderID empty. It is for summaries that count ratings and NPS and
// costs no decryption.
func (tx *Tx) ScanFeedbackClear(from, to time.Time, fn func(Feedback) error) error {
	return scanTime(tx.bucket(bucketFeedback), from, to, func(k, v []byte) error {
		f, _, _, err := decodeFeedback(k, v)
		if err != nil {
			return fmt.Errorf("ledger: scan feedback: %w", err)
		}
		return fn(f)
	})
}

// EraseSender erases what an unlinked sender (platform id, as in
// Feedback.SenderID) left: their data key is shredded, so every copy of
// their comments, in this file and in every backup, no longer opens, and
// the records forget whose they were; ratings and NPS stay for the counts.
// It returns how many feedback records were theirs. Erasures are rare and
// such feedback has no index, so it reads every feedback record's clear
// part.
func (tx *Tx) EraseSender(senderID string) (int, error) {
	if senderID == "" {
		return 0, nil
	}
	// The link codes it used name it too (by a keyed hash), until they
	// would have expired.
	if err := tx.eraseCodeUser(senderID); err != nil {
		return 0, err
	}
	// The erased-keys list gets no time for it: EraseSender is not told one.
	return tx.eraseSenderBlind(tx.senderBlind(senderID), time.Time{})
}

// eraseSenderBlind is EraseSender by the sender's blind id; at is when, for
// the erased-keys list.
func (tx *Tx) eraseSenderBlind(blind []byte, at time.Time) (int, error) {
	b := tx.bucket(bucketFeedback)
	var keys [][]byte
	var recs []Feedback
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		f, fb, _, err := decodeFeedback(k, v)
		if err != nil {
			return 0, fmt.Errorf("ledger: erase sender: %w", err)
		}
		if fb != nil && bytes.Equal(fb, blind) {
			keys = append(keys, bytes.Clone(k))
			recs = append(recs, f)
		}
	}
	for i, k := range keys {
		// The clear part stays; the sealed part (comment, sender id) goes.
		if err := b.Put(k, encodeFeedback(&recs[i], nil, nil)); err != nil {
			return 0, fmt.Errorf("ledger: erase sender: %w", err)
		}
	}
	if err := tx.shred(bucketSenderKeys, blind, at); err != nil {
		return 0, fmt.Errorf("ledger: erase sender: %w", err)
	}
	return len(keys), nil
}
