package ledger

import (
	"encoding/json"
	"fmt"
	"time"
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

// ExpireSessions ends every flow idle since before idleBefore: its draft
// (half a note, a typed phone) goes at once, and a small stub naming the
// flow stays so the person's next message can be told it was cancelled.
// Stubs idle since before forgetBefore go too. It returns how many flows it
// ended and how many stubs it dropped.
func (tx *Tx) ExpireSessions(idleBefore, forgetBefore time.Time) (ended, dropped int, err error) {
	var stubs []Session
	var gone [][]byte
	c := tx.bucket(bucketSessions).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var s Session
		if err := json.Unmarshal(v, &s); err != nil {
			// A record nobody can read is no use to the person either.
			gone = append(gone, append([]byte(nil), k...))
			continue
		}
		s.Key = string(k)
		switch {
		case s.Flow != "" && s.Updated.Before(idleBefore):
			stubs = append(stubs, Session{Key: s.Key, Lang: s.Lang, Updated: s.Updated, Expired: s.Flow})
		case s.Flow == "" && s.Updated.Before(forgetBefore):
			gone = append(gone, append([]byte(nil), k...))
		}
	}
	for _, s := range stubs {
		if err := tx.PutSession(s); err != nil {
			return 0, 0, fmt.Errorf("ledger: expire sessions: %w", err)
		}
	}
	for _, k := range gone {
		if err := tx.bucket(bucketSessions).Delete(k); err != nil {
			return 0, 0, fmt.Errorf("ledger: expire sessions: %w", err)
		}
	}
	return len(stubs), len(gone), nil
}
