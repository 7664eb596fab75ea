package ledger

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// maxCommentRunes bounds a feedback comment.
const maxCommentRunes = 2000

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
	case utf8.RuneCountInString(f.Comment) > maxCommentRunes:
		return tooLong("feedback", "comment", maxCommentRunes)
	case f.SenderID != "" && f.CustomerID != "":
		return invalid("feedback", "a sender id is only for feedback without a customer")
	case len(f.SenderID) > 128:
		return invalid("feedback", "sender id longer than 128 bytes")
	}
	return checkText("feedback", "comment", f.Comment)
}

const feedbackVersion = 1

// Flags of an encoded feedback: which optional parts follow. Records
// written before a flag existed simply do not have it set.
const (
	feedbackAnswered = 1
	feedbackSender   = 2
)

// encodeFeedback: version, customer, rating, NPS, comment, flags, then if
// answered: by, at; if from an unlinked sender: the sender's id.
func encodeFeedback(f *Feedback) []byte {
	e := encoder{b: make([]byte, 0, 16+len(f.CustomerID)+len(f.Comment)+len(f.AnsweredBy)+len(f.SenderID))}
	e.byte(feedbackVersion)
	e.string(f.CustomerID)
	e.uvarint(uint64(f.Rating))
	e.varint(int64(f.NPS))
	e.string(f.Comment)
	var flags byte
	if f.AnsweredBy != "" || !f.AnsweredAt.IsZero() {
		flags |= feedbackAnswered
	}
	if f.SenderID != "" {
		flags |= feedbackSender
	}
	e.byte(flags)
	if flags&feedbackAnswered != 0 {
		e.string(f.AnsweredBy)
		e.varint(nanos(f.AnsweredAt))
	}
	if flags&feedbackSender != 0 {
		e.string(f.SenderID)
	}
	return e.b
}

func decodeFeedback(k, v []byte) (Feedback, error) {
	d := newDecoder(v)
	d.version(feedbackVersion)
	f := Feedback{ID: idOf(k), At: keyTime(k)}
	f.CustomerID = d.string()
	f.Rating = int(d.uvarint())
	f.NPS = int(d.varint())
	f.Comment = d.string()
	flags := d.byte()
	if flags&feedbackAnswered != 0 {
		f.AnsweredBy = d.string()
		f.AnsweredAt = time.Unix(0, d.varint())
	}
	if flags&feedbackSender != 0 {
		f.SenderID = d.string()
	}
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
	if err := b.Put(k, encodeFeedback(f)); err != nil {
		return fmt.Errorf("ledger: add feedback: %w", err)
	}
	if ck != nil {
		if err := tx.bucket(bucketCustFeedback).Put(concat(ck, k), []byte{}); err != nil {
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
	v := tx.bucket(bucketFeedback).Get(k)
	if v == nil {
		return Feedback{}, ErrNotFound
	}
	return decodeFeedback(k, v)
}

// FeedbackOf returns a customer's newest feedback first, at most limit (all
// if limit <= 0).
func (tx *Tx) FeedbackOf(customerID string, limit int) ([]Feedback, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: feedback of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []Feedback
	err := newestOf(tx.bucket(bucketCustFeedback), ck, limit, func(k []byte) error {
		f, err := tx.feedback(k)
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
	if err := tx.bucket(bucketFeedback).Put(k, encodeFeedback(&f)); err != nil {
		return fmt.Errorf("ledger: answer feedback %s: %w", id, err)
	}
	return nil
}

// ScanFeedback calls fn for every feedback with from <= At < to, in time order.
func (tx *Tx) ScanFeedback(from, to time.Time, fn func(Feedback) error) error {
	return scanTime(tx.bucket(bucketFeedback), from, to, func(k, v []byte) error {
		f, err := decodeFeedback(k, v)
		if err != nil {
			return fmt.Errorf("ledger: scan feedback: %w", err)
		}
		return fn(f)
	})
}

// EraseSender blanks the comments an unlinked sender (platform id, as in
// Feedback.SenderID) left, and forgets whose they were; ratings and NPS stay
// for the counts. It returns how many were erased. Erasures are rare and
// such feedback has no index, so it reads every feedback record. After the
// transaction commits, the store rewrites the file as for EraseCustomer.
func (tx *Tx) EraseSender(senderID string) (int, error) {
	if senderID == "" {
		return 0, nil
	}
	b := tx.bucket(bucketFeedback)
	var keys [][]byte
	var recs []Feedback
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		f, err := decodeFeedback(k, v)
		if err != nil {
			return 0, fmt.Errorf("ledger: erase sender: %w", err)
		}
		if f.SenderID == senderID {
			keys = append(keys, bytes.Clone(k))
			recs = append(recs, f)
		}
	}
	for i, k := range keys {
		recs[i].Comment, recs[i].SenderID = "", ""
		if err := b.Put(k, encodeFeedback(&recs[i])); err != nil {
			return 0, fmt.Errorf("ledger: erase sender: %w", err)
		}
	}
	if len(keys) > 0 {
		if err := tx.markRewrite(); err != nil {
			return 0, fmt.Errorf("ledger: erase sender: %w", err)
		}
	}
	return len(keys), nil
}
