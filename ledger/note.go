package ledger

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// maxNoteRunes bounds a note's text: a long consult, not a document.
const maxNoteRunes = 5000

// Validate reports whether n can be stored: it needs a customer, an author
// (StaffID), a time, and some content (text, tags or an amount); the amount
// is not negative and the text and tags stay within their limits. The error
// wraps ErrInvalid.
func (n *Note) Validate() error {
	switch {
	case n.CustomerID == "":
		return invalid("note", "customer is required")
	case n.StaffID == "":
		return invalid("note", "author is required")
	case n.At.IsZero():
		return invalid("note", "time is required")
	case n.Amount < 0:
		return invalid("note", "negative amount")
	case strings.TrimSpace(n.Text) == "" && len(n.Tags) == 0 && n.Amount == 0:
		return invalid("note", "empty note")
	case utf8.RuneCountInString(n.Text) > maxNoteRunes:
		return tooLong("note", "text", maxNoteRunes)
	}
	if err := checkText("note", "text", n.Text); err != nil {
		return err
	}
	return validateTags("note", n.Tags)
}

// noteVersion 2 seals the text; version 1 (clear text) is only read by the
// migration (legacy.go).
const noteVersion = 2

const (
	noteHasFollowUp = 1 << iota
	noteFollowUpDone
)

// encodeNote: version, customer, staff id, staff name, tags, amount, flags,
// follow-up nanos (if flagged), then the text sealed under the customer's
// key (empty when there is no text). At and ID are the key. The staff name
// stays in the clear with the staff id: it is the shop's employee, whom the
// summary counts, and erasing a customer must not remove it.
func encodeNote(n *Note, sealedText []byte) []byte {
	e := encoder{b: make([]byte, 0, 32+len(n.CustomerID)+len(n.StaffID)+len(n.StaffName)+len(sealedText))}
	e.byte(noteVersion)
	e.string(n.CustomerID)
	e.string(n.StaffID)
	e.string(n.StaffName)
	e.strings(n.Tags)
	e.varint(n.Amount)
	var flags byte
	if !n.FollowUp.IsZero() {
		flags |= noteHasFollowUp
	}
	if n.FollowUpDone {
		flags |= noteFollowUpDone
	}
	e.byte(flags)
	if !n.FollowUp.IsZero() {
		e.varint(nanos(n.FollowUp))
	}
	e.string(string(sealedText))
	return e.b
}

// decodeNote decodes the clear part of a note and returns its sealed text,
// which is v's own bytes (no copy: summaries decode notes by the hundred
// thousand and most never open the text), valid only while v is.
func decodeNote(k, v []byte) (Note, []byte, error) { return decodeNoteMemo(k, v, nil) }

// decodeNoteMemo is decodeNote checking the tags' form with memo (nil:
// without one), for a scan of many notes.
func decodeNoteMemo(k, v []byte, memo tagMemo) (Note, []byte, error) {
	d := clearDecoder{v: v}
	d.version(noteVersion)
	if d.err == nil && v[0] != noteVersion {
		d.fail("version")
	}
	n := Note{At: keyTime(k)}
	cust, staff, name := d.str(), d.str(), d.str()
	tags, ntags := d.list()
	n.Amount = d.varint()
	flags := d.byte()
	if flags&noteHasFollowUp != 0 {
		n.FollowUp = time.Unix(0, d.varint())
	}
	n.FollowUpDone = flags&noteFollowUpDone != 0
	sealed := d.field()
	if d.err != nil {
		return Note{}, nil, fmt.Errorf("note %s: %w", idOf(k), d.err)
	}
	var text string
	text, n.ID = d.textAndID(k)
	n.CustomerID, n.StaffID, n.StaffName = d.cut(text, cust), d.cut(text, staff), d.cut(text, name)
	if !plausibleActorID(n.StaffID) || !utf8.ValidString(n.StaffName) {
		return Note{}, nil, fmt.Errorf("note %s: %w: bad staff id or name", n.ID, ErrCorrupt)
	}
	n.Tags = d.cutList(text, tags, ntags)
	if !memo.clean(n.Tags) {
		n.Tags = CleanTags(n.Tags) // one form for notes written before the ledger owned it
	}
	return n, sealed, nil
}

// putNote seals n's text and stores n under k.
func (tx *Tx) putNote(k []byte, n *Note) error {
	a, err := tx.aeadOf(n.CustomerID)
	if err != nil {
		return err
	}
	sealed, err := sealRecord(a, bucketNotes, k, []byte(n.Text))
	if err != nil {
		return err
	}
	return tx.bucket(bucketNotes).Put(k, encodeNote(n, sealed))
}

// tagMemo remembers, for one scan, the tags found already in form: a
// week's notes bring the same few tags thousands of times, and checking a
// Hangul tag's form rune by rune was a fifth of reading a note.
type tagMemo map[string]struct{}

// maxTagMemo bounds a memo; past it, tags are checked each time.
const maxTagMemo = 4096

// clean reports what tagsClean(tags) reports, remembering the tags found
// in form. A nil memo checks every time.
func (m tagMemo) clean(tags []string) bool {
	if m == nil {
		return tagsClean(tags)
	}
	for i, t := range tags {
		if _, ok := m[t]; !ok {
			if !tagClean(t) {
				return false
			}
			if len(m) < maxTagMemo {
				m[t] = struct{}{}
			}
		}
		if repeatsTag(tags[:i], t) {
			return false
		}
	}
	return true
}

// decodeNote decodes the note stored as v under k, opening its text.
func (tx *Tx) decodeNote(k, v []byte) (Note, error) { return tx.decodeNoteMemo(k, v, nil) }

// decodeNoteMemo is tx.decodeNote with a memo of tags in form.
func (tx *Tx) decodeNoteMemo(k, v []byte, memo tagMemo) (Note, error) {
	n, sealed, err := decodeNoteMemo(k, v, memo)
	if err != nil || len(sealed) == 0 {
		return n, err
	}
	a, err := tx.aeadOf(n.CustomerID)
	if err != nil {
		return Note{}, err
	}
	text, err := openRecord(a, bucketNotes, k, sealed)
	if err != nil {
		return Note{}, err
	}
	n.Text = string(text)
	return n, nil
}

// liveCustomer returns the key of a customer that exists and is not erased.
// It reads two keys instead of decoding the customer: every note, points
// entry and feedback calls it.
func (tx *Tx) liveCustomer(id string) ([]byte, error) {
	k, ok := custKeyOf(id)
	if !ok || tx.get(bucketCustomers, k) == nil {
		return nil, fmt.Errorf("customer %q: %w", id, ErrCustomerNotFound)
	}
	if tx.get(bucketErased, k) != nil {
		return nil, fmt.Errorf("customer %s: %w", id, invalid("customer", "erased"))
	}
	return k, nil
}

// AddNote validates n, assigns n.ID and stores it, updating the customer's
// visit stats and last visit and the follow-up index.
func (tx *Tx) AddNote(n *Note) error {
	n.Text, n.Tags = strings.TrimSpace(n.Text), CleanTags(n.Tags)
	if err := n.Validate(); err != nil {
		return fmt.Errorf("ledger: add note: %w", err)
	}
	ck, err := tx.liveCustomer(n.CustomerID)
	if err != nil {
		return fmt.Errorf("ledger: add note: %w", err)
	}
	b := tx.bucket(bucketNotes)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("ledger: add note: %w", err)
	}
	k := timeKey(n.At, seq)
	if err := tx.putNote(k, n); err != nil {
		return fmt.Errorf("ledger: add note: %w", err)
	}
	if err := tx.bucket(bucketCustNotes).Put(tx.indexKey(ck, k), []byte{}); err != nil {
		return fmt.Errorf("ledger: add note: %w", err)
	}
	if err := tx.indexNoteTags(ck, k, n.Tags, true); err != nil {
		return fmt.Errorf("ledger: add note: %w", err)
	}
	if !n.FollowUp.IsZero() {
		if err := tx.bucket(bucketFollowUps).Put(concat(timePrefix(n.FollowUp), k), []byte{}); err != nil {
			return fmt.Errorf("ledger: add note: %w", err)
		}
	}
	if err := tx.RecordVisit(n.CustomerID, n.At); err != nil {
		return fmt.Errorf("ledger: add note: %w", err)
	}
	n.ID = idOf(k)
	return nil
}

// Note returns the note with id, or ErrNotFound.
func (tx *Tx) Note(id string) (Note, error) {
	k, ok := keyOfID(id)
	if !ok {
		return Note{}, fmt.Errorf("ledger: note %q: %w", id, ErrNotFound)
	}
	n, err := tx.note(k)
	if err != nil {
		return Note{}, fmt.Errorf("ledger: note %s: %w", id, err)
	}
	return n, nil
}

func (tx *Tx) note(k []byte) (Note, error) {
	v := tx.get(bucketNotes, k)
	if v == nil {
		return Note{}, ErrNotFound
	}
	return tx.decodeNote(k, v)
}

// NotesOf returns a customer's newest notes first, at most limit (all if
// limit <= 0); one passed over under SkipDamaged takes its place in the
// limit, so a card's five shows four and says one did not read.
func (tx *Tx) NotesOf(customerID string, limit int) ([]Note, error) {
	ck, ok := custKeyOf(customerID)
	if !ok {
		return nil, fmt.Errorf("ledger: notes of %q: %w", customerID, ErrCustomerNotFound)
	}
	var out []Note
	err := newestOf(tx.bucket(bucketCustNotes), ck, limit, func(k []byte) error {
		n, err := tx.note(k)
		if err != nil && tx.skipDamaged(RecordNote, err) {
			return nil
		}
		if err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: notes of %s: %w", customerID, err)
	}
	return out, nil
}

// ScanNotes calls fn for every note with from <= At < to, in time order.
func (tx *Tx) ScanNotes(from, to time.Time, fn func(Note) error) error {
	memo := tagMemo{}
	return scanTime(tx.bucket(bucketNotes), from, to, func(k, v []byte) error {
		n, err := tx.decodeNoteMemo(k, v, memo)
		if err != nil {
			return fmt.Errorf("ledger: scan notes: %w", err)
		}
		return fn(n)
	})
}

// ScanNotesClear is ScanNotes without opening the sealed text: fn gets
// every note with from <= At < to, in time order, with Text empty. It is
// for summaries that count notes (by staff, tag, customer, amount) and
// costs no decryption.
func (tx *Tx) ScanNotesClear(from, to time.Time, fn func(Note) error) error {
	memo := tagMemo{}
	return scanTime(tx.bucket(bucketNotes), from, to, func(k, v []byte) error {
		n, _, err := decodeNoteMemo(k, v, memo)
		if err != nil {
			return fmt.Errorf("ledger: scan notes: %w", err)
		}
		return fn(n)
	})
}

// ScanFollowUps calls fn for every note whose follow-up date is in [from, to),
// not done ones and done ones alike, in follow-up order.
func (tx *Tx) ScanFollowUps(from, to time.Time, fn func(Note) error) error {
	return scanTime(tx.bucket(bucketFollowUps), from, to, func(k, _ []byte) error {
		n, err := tx.note(k[8:])
		if err != nil {
			return fmt.Errorf("ledger: scan follow-ups: %w", err)
		}
		return fn(n)
	})
}

// SetFollowUpDone marks a note's follow-up done.
func (tx *Tx) SetFollowUpDone(noteID string) error {
	k, ok := keyOfID(noteID)
	if !ok {
		return fmt.Errorf("ledger: follow-up done %q: %w", noteID, ErrNotFound)
	}
	n, err := tx.note(k)
	if err != nil {
		return fmt.Errorf("ledger: follow-up done %s: %w", noteID, err)
	}
	if n.FollowUpDone {
		return nil
	}
	n.FollowUpDone = true
	if err := tx.putNote(k, &n); err != nil {
		return fmt.Errorf("ledger: follow-up done %s: %w", noteID, err)
	}
	return nil
}
