package ledger

import (
	"encoding/json"
	"fmt"
)

// Session returns the stored session for key; ok is false if there is none.
func (tx *Tx) Session(key string) (s Session, ok bool, err error) {
	v := tx.bucket(bucketSessions).Get([]byte(key))
	if v == nil {
		return Session{}, false, nil
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return Session{}, false, fmt.Errorf("ledger: session %s: %w: %v", key, errCorrupt, err)
	}
	s.Key = key
	return s, true, nil
}

// PutSession stores s under s.Key.
func (tx *Tx) PutSession(s Session) error {
	if s.Key == "" {
		return fmt.Errorf("ledger: put session: %w", invalid("session", "key is required"))
	}
	v, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("ledger: put session %s: %w", s.Key, err)
	}
	if err := tx.bucket(bucketSessions).Put([]byte(s.Key), v); err != nil {
		return fmt.Errorf("ledger: put session %s: %w", s.Key, err)
	}
	return nil
}

// DeleteSession removes the session for key; a missing one is not an error.
func (tx *Tx) DeleteSession(key string) error {
	if err := tx.bucket(bucketSessions).Delete([]byte(key)); err != nil {
		return fmt.Errorf("ledger: delete session %s: %w", key, err)
	}
	return nil
}

// ForEachSession calls fn for every stored session in key order (the
// idle-timeout sweep uses it).
func (tx *Tx) ForEachSession(fn func(Session) error) error {
	c := tx.bucket(bucketSessions).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var s Session
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("ledger: session %s: %w: %v", k, errCorrupt, err)
		}
		s.Key = string(k)
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}
