package ledger

import (
	"encoding/json"
	"fmt"
	"time"
)

// Profile is what dangol knows of one platform user before (or besides)
// linking them to a customer record: their language choice and consent.
type Profile struct {
	ID         string `json:",omitempty"` // platform-qualified, "telegram:12345"; not stored
	Lang       string
	Consent    Consent
	CustomerID string // the linked customer, if any
	// CodeMisses counts wrong link codes since CodeMissAt, so guessing a
	// 6-digit code can be slowed down.
	CodeMisses int       `json:",omitempty"`
	CodeMissAt time.Time `json:",omitzero"`
}

// Profiles are stored under the blind index of the platform id; the value
// holds no personal data (a language, a consent, a customer id, counts).
// Every message reads its sender's (the language), so the value is in the
// binary form of encoding.go since profileVersion; one written as JSON
// before (a '{' first) still reads, and takes the binary form when next
// written.

// profileVersion is the version of a profile's binary form.
const profileVersion = 1

// encodeProfile is p as stored (without its ID).
func encodeProfile(p *Profile) []byte {
	e := encoder{b: make([]byte, 0, 32+len(p.Lang)+len(p.Consent.Purpose)+len(p.CustomerID))}
	e.byte(profileVersion)
	var flags byte
	if p.Consent.Given {
		flags |= custConsentGiven
	}
	if p.Consent.Declined {
		flags |= custConsentDeclined
	}
	e.byte(flags)
	e.time(p.Consent.At)
	e.string(p.Consent.Purpose)
	e.string(p.Lang)
	e.string(p.CustomerID)
	e.varint(int64(p.CodeMisses))
	e.time(p.CodeMissAt)
	return e.b
}

// decodeProfile reads a stored profile, binary or JSON; errors wrap
// ErrCorrupt.
func decodeProfile(v []byte) (Profile, error) {
	var p Profile
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &p); err != nil {
			return Profile{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return p, nil
	}
	d := newDecoder(v)
	d.version(profileVersion)
	flags := d.byte()
	if d.err == nil && flags&^(custConsentGiven|custConsentDeclined) != 0 {
		d.fail("flags")
	}
	p.Consent.Given, p.Consent.Declined = flags&custConsentGiven != 0, flags&custConsentDeclined != 0
	p.Consent.At = d.time()
	p.Consent.Purpose = d.string()
	p.Lang = d.string()
	p.CustomerID = d.string()
	p.CodeMisses = int(d.varint())
	p.CodeMissAt = d.time()
	if d.err != nil {
		return Profile{}, d.err
	}
	return p, nil
}

func (tx *Tx) profileBlind(id string) []byte { return tx.blind("profile", id) }

// Profile returns what is known of a platform user (zero Profile with ID set if nothing).
func (tx *Tx) Profile(id string) (Profile, error) {
	p := Profile{ID: id}
	v := tx.get(bucketProfiles, tx.profileBlind(id))
	if v == nil {
		return p, nil
	}
	p, err := decodeProfile(v)
	if err != nil {
		return Profile{}, fmt.Errorf("ledger: profile %s: %w", id, err)
	}
	p.ID = id
	return p, nil
}

// PutProfile stores p under p.ID.
func (tx *Tx) PutProfile(p Profile) error {
	if p.ID == "" {
		return fmt.Errorf("ledger: put profile: %w", invalid("profile", "id is required"))
	}
	id := p.ID
	p.ID = "" // stored under its blind index, never in the clear
	if err := tx.bucket(bucketProfiles).Put(tx.profileBlind(id), encodeProfile(&p)); err != nil {
		return fmt.Errorf("ledger: put profile %s: %w", p.ID, err)
	}
	return nil
}

// DeleteProfile forgets a platform user; a missing one is not an error.
func (tx *Tx) DeleteProfile(id string) error {
	if err := tx.bucket(bucketProfiles).Delete(tx.profileBlind(id)); err != nil {
		return fmt.Errorf("ledger: delete profile %s: %w", id, err)
	}
	return nil
}
