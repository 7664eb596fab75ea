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

func (tx *Tx) profileBlind(id string) []byte { return tx.kr.blind("profile", id) }

// Profile returns what is known of a platform user (zero Profile with ID set if nothing).
func (tx *Tx) Profile(id string) (Profile, error) {
	p := Profile{ID: id}
	v := tx.bucket(bucketProfiles).Get(tx.profileBlind(id))
	if v == nil {
		return p, nil
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return Profile{}, fmt.Errorf("ledger: profile %s: %w: %v", id, errCorrupt, err)
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
	v, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("ledger: put profile %s: %w", id, err)
	}
	if err := tx.bucket(bucketProfiles).Put(tx.profileBlind(id), v); err != nil {
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
