package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Corrections: a points entry is never changed or removed, it is reversed
// by a correction (an adjust that names it), so the history stays the
// record of what happened. A note is the staff's own text and can be edited
// (resealed) or deleted (removed with its indexes, so no count sees it).

// ErrAlreadyReversed is returned by AddPoints when a correction names an
// entry that another correction already reversed.
var ErrAlreadyReversed = errors.New("ledger: points entry already reversed")

// ErrIsCorrection is returned by ReversalOf and AddPoints when the entry
// to reverse is itself a correction: a correction is not corrected again
// (a new entry is made instead).
var ErrIsCorrection = errors.New("ledger: points entry is a correction")

// ReversalOf returns the correction that reverses e: an adjust of the
// opposite points, naming e, by actorID at at. It fails with
// ErrIsCorrection or ErrAlreadyReversed when e may not be reversed; the
// balance is checked by AddPoints.
func ReversalOf(e PointsEntry, actorID, reason string, at time.Time) (PointsEntry, error) {
	switch {
	case e.Reverses != "":
		return PointsEntry{}, fmt.Errorf("ledger: reverse %s: %w", e.ID, ErrIsCorrection)
	case e.ReversedBy != "":
		return PointsEntry{}, fmt.Errorf("ledger: reverse %s: %w", e.ID, ErrAlreadyReversed)
	}
	return PointsEntry{CustomerID: e.CustomerID, At: at, Kind: PointsAdjust, Points: -e.Points, ActorID: actorID, Reason: reason, Reverses: e.ID}, nil
}

// PartialReversalOf returns the partial correction of the earn e: an
// adjust taking back points of it (0 < points < e.Points), naming e, for
// an earn that was partly spent before the mistake was seen. What was
// spent stays spent; what is left of the wrong earn comes off the balance.
// e then counts as reversed (it is corrected once, ErrAlreadyReversed
// after), and its correction says how much (PartialCorrection). It fails
// as ReversalOf does, and with ErrInvalid for an entry that is no earn or
// points out of range; AddPoints refuses one that takes back more than is
// left of e (ErrInvalid), however it was made.
func PartialReversalOf(e PointsEntry, points int64, actorID, reason string, at time.Time) (PointsEntry, error) {
	r, err := ReversalOf(e, actorID, reason, at)
	if err != nil {
		return PointsEntry{}, err
	}
	if e.Kind != PointsEarn || points <= 0 || points >= e.Points {
		return PointsEntry{}, fmt.Errorf("ledger: reverse %s in part: %w", e.ID, invalid("points", "%d of an entry of %d points", points, e.Points))
	}
	r.Points = -points
	return r, nil
}

// partialOf reports whether the correction of points corr of the entry
// orig takes back only part of it: an earn partly spent.
func partialOf(orig PointsEntry, corr int64) bool {
	return orig.Kind == PointsEarn && corr < 0 && -corr < orig.Points
}

// PartialCorrection returns, for an entry e that a correction reversed,
// how many of its points the correction took back, and whether that was
// part of them only (PartialReversalOf): the rest counts as earned, since
// it was spent. The correction is read without opening its sealed part.
func (tx *Tx) PartialCorrection(e PointsEntry) (int64, bool, error) {
	k, ok := keyOfID(e.ReversedBy)
	if e.ReversedBy == "" || !ok {
		return 0, false, nil
	}
	v := tx.get(bucketPoints, k)
	if v == nil {
		return 0, false, fmt.Errorf("ledger: correction %s: %w", e.ReversedBy, ErrNotFound)
	}
	c, _, err := decodePoints(k, v)
	if err != nil {
		return 0, false, fmt.Errorf("ledger: correction %s: %w", e.ReversedBy, err)
	}
	return -c.Points, partialOf(e, c.Points), nil
}

// checkReversal checks the correction e of the customer at ck and returns
// the key of the entry it reverses.
func (tx *Tx) checkReversal(ck []byte, e *PointsEntry) ([]byte, error) {
	k, ok := keyOfID(e.Reverses)
	if !ok {
		return nil, fmt.Errorf("reverse %q: %w", e.Reverses, ErrNotFound)
	}
	v := tx.get(bucketCustPoints, concat(ck, k))
	if v == nil {
		// Not this customer's entry (or no entry at all).
		return nil, fmt.Errorf("reverse %s: %w", e.Reverses, ErrNotFound)
	}
	if len(v) > 0 {
		return nil, fmt.Errorf("reverse %s: %w", e.Reverses, ErrAlreadyReversed)
	}
	orig, err := tx.pointsEntry(k)
	if err != nil {
		return nil, fmt.Errorf("reverse %s: %w", e.Reverses, err)
	}
	switch {
	case orig.Reverses != "":
		return nil, fmt.Errorf("reverse %s: %w", e.Reverses, ErrIsCorrection)
	case e.Points != -orig.Points && !partialOf(orig, e.Points):
		return nil, fmt.Errorf("reverse %s: %w", e.Reverses, invalid("points", "a correction of %d points must change %d", orig.Points, -orig.Points))
	case e.Points != -orig.Points:
		// In part: never more than what is left of the earn, or the rest
		// would come off the customer's other earns.
		left, err := tx.unspentOf(ck, k)
		if err != nil {
			return nil, fmt.Errorf("reverse %s: %w", e.Reverses, err)
		}
		if -e.Points > left {
			return nil, fmt.Errorf("reverse %s: %w", e.Reverses, invalid("points", "%d taken back of an earn with %d points left", -e.Points, left))
		}
	}
	return bytes.Clone(k), nil
}

// unspentOf is what is left of the points of the entry at k of the
// customer at ck: its lot's points not yet taken (by a redeem, an expiry).
func (tx *Tx) unspentOf(ck, k []byte) (int64, error) {
	b, err := tx.lotBookOf(ck)
	if err != nil {
		return 0, err
	}
	r, err := b.get(k)
	if err != nil || r == nil {
		return 0, err
	}
	return r.remaining, nil
}

// reversedBy is the id of the correction of the entry at k of customerID,
// read from the per-customer index; "" if none.
func (tx *Tx) reversedBy(customerID string, k []byte) string {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return ""
	}
	if v := tx.get(bucketCustPoints, concat(ck, k)); len(v) == timeKeyLen {
		return idOf(v)
	}
	return ""
}

// PointsEntry returns the points entry with id, or ErrNotFound.
func (tx *Tx) PointsEntry(id string) (PointsEntry, error) {
	k, ok := keyOfID(id)
	if !ok {
		return PointsEntry{}, fmt.Errorf("ledger: points entry %q: %w", id, ErrNotFound)
	}
	p, err := tx.pointsEntry(k)
	if err != nil {
		return PointsEntry{}, fmt.Errorf("ledger: points entry %s: %w", id, err)
	}
	return p, nil
}

// PointsCount returns how many points entries a customer has. Entries are
// numbered from 1, the oldest, in the order they were appended: a number
// never changes, since entries are only added after the newest.
func (tx *Tx) PointsCount(customerID string) (int, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return 0, fmt.Errorf("ledger: points count of %q: %w", customerID, ErrCustomerNotFound)
	}
	return countPrefix(tx.cursor(bucketCustPoints), ck), nil
}

// PointsAt returns a customer's entry number n (1 is the oldest, as
// PointsCount numbers them), or ErrNotFound.
func (tx *Tx) PointsAt(customerID string, n int) (PointsEntry, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return PointsEntry{}, fmt.Errorf("ledger: points entry of %q: %w", customerID, ErrCustomerNotFound)
	}
	k := nthOfPrefix(tx.bucket(bucketCustPoints).Cursor(), ck, n)
	if k == nil {
		return PointsEntry{}, fmt.Errorf("ledger: points entry %d of %s: %w", n, customerID, ErrNotFound)
	}
	p, err := tx.pointsEntry(k)
	if err != nil {
		return PointsEntry{}, fmt.Errorf("ledger: points entry %d of %s: %w", n, customerID, err)
	}
	return p, nil
}

// NotesCount returns how many notes a customer has. Notes are numbered from
// 1, the oldest; deleting one renumbers those after it.
func (tx *Tx) NotesCount(customerID string) (int, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return 0, fmt.Errorf("ledger: notes count of %q: %w", customerID, ErrCustomerNotFound)
	}
	return countPrefix(tx.bucket(bucketCustNotes).Cursor(), ck), nil
}

// NoteAt returns a customer's note number n (1 is the oldest, as
// NotesCount numbers them), or ErrNotFound.
func (tx *Tx) NoteAt(customerID string, n int) (Note, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return Note{}, fmt.Errorf("ledger: note of %q: %w", customerID, ErrCustomerNotFound)
	}
	k := nthOfPrefix(tx.bucket(bucketCustNotes).Cursor(), ck, n)
	if k == nil {
		return Note{}, fmt.Errorf("ledger: note %d of %s: %w", n, customerID, ErrNotFound)
	}
	note, err := tx.note(k)
	if err != nil {
		return Note{}, fmt.Errorf("ledger: note %d of %s: %w", n, customerID, err)
	}
	return note, nil
}

// cursorLike is what countPrefix and nthOfPrefix need of a bbolt cursor.
type cursorLike interface {
	Seek(seek []byte) (key, value []byte)
	Next() (key, value []byte)
}

func countPrefix(c cursorLike, prefix []byte) int {
	n := 0
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n
}

// nthOfPrefix returns a copy of the suffix of the n-th key (from 1) starting
// with prefix; nil if there are fewer.
func nthOfPrefix(c cursorLike, prefix []byte, n int) []byte {
	if n < 1 {
		return nil
	}
	i := 0
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if i++; i == n {
			return bytes.Clone(k[len(prefix):])
		}
	}
	return nil
}

// EditNote replaces the text of note id, and its tags when tags is not
// nil, resealed under the customer's key with a fresh nonce; the customer's
// tag index follows the tags. The edited note must still Validate; its
// time, author, amount and follow-up stay (and its tags with nil). A note of
// an erased customer cannot be edited.
func (tx *Tx) EditNote(id, text string, tags []string) (Note, error) {
	k, ok := keyOfID(id)
	if !ok {
		return Note{}, fmt.Errorf("ledger: edit note %q: %w", id, ErrNotFound)
	}
	n, err := tx.note(k)
	if err != nil {
		return Note{}, fmt.Errorf("ledger: edit note %s: %w", id, err)
	}
	ck, err := tx.liveCustomer(n.CustomerID)
	if err != nil {
		return Note{}, fmt.Errorf("ledger: edit note %s: %w", id, err)
	}
	old := n.Tags
	n.Text = strings.TrimSpace(text)
	if tags != nil {
		n.Tags = CleanTags(tags)
	}
	if err := n.Validate(); err != nil {
		return Note{}, fmt.Errorf("ledger: edit note %s: %w", id, err)
	}
	if err := tx.putNote(k, &n); err != nil {
		return Note{}, fmt.Errorf("ledger: edit note %s: %w", id, err)
	}
	if tags != nil {
		if err := tx.indexNoteTags(ck, k, old, false); err != nil {
			return Note{}, fmt.Errorf("ledger: edit note %s: %w", id, err)
		}
		if err := tx.indexNoteTags(ck, k, n.Tags, true); err != nil {
			return Note{}, fmt.Errorf("ledger: edit note %s: %w", id, err)
		}
	}
	return n, nil
}

// DeleteNote removes note id with its customer and follow-up index entries,
// so every later count (a week's notes, staff and topics, follow-ups due)
// is what it would have been without it. The customer's visit stats keep
// the visit the note counted: they hold no per-day history to take it from.
// It returns the deleted note.
func (tx *Tx) DeleteNote(id string) (Note, error) {
	k, ok := keyOfID(id)
	if !ok {
		return Note{}, fmt.Errorf("ledger: delete note %q: %w", id, ErrNotFound)
	}
	n, err := tx.note(k)
	if err != nil {
		return Note{}, fmt.Errorf("ledger: delete note %s: %w", id, err)
	}
	ck, ok := custKeyOf(n.CustomerID)
	if !ok {
		return Note{}, fmt.Errorf("ledger: delete note %s: %w", id, ErrCorrupt)
	}
	if err := tx.bucket(bucketNotes).Delete(k); err != nil {
		return Note{}, fmt.Errorf("ledger: delete note %s: %w", id, err)
	}
	if err := tx.bucket(bucketCustNotes).Delete(concat(ck, k)); err != nil {
		return Note{}, fmt.Errorf("ledger: delete note %s: %w", id, err)
	}
	if !n.FollowUp.IsZero() {
		if err := tx.bucket(bucketFollowUps).Delete(concat(timePrefix(n.FollowUp), k)); err != nil {
			return Note{}, fmt.Errorf("ledger: delete note %s: %w", id, err)
		}
	}
	return n, nil
}
