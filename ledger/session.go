package ledger

import (
	"encoding/json"
	"fmt"
	"time"
)

// Sessions are stored under the blind index of their key (the key names a
// platform user or chat); the key itself and the draft are sealed with the
// shop key, since a session belongs to a conversation, not to a customer,
// and lives half an hour. Erasing a customer deletes the sessions about
// them.

// storedSession is a session as stored.
type storedSession struct {
	Flow    string    `json:",omitempty"`
	State   string    `json:",omitempty"`
	Lang    string    `json:",omitempty"`
	Updated time.Time `json:",omitzero"`
	Expired string    `json:",omitempty"`
	Sealed  []byte    // JSON sessionSecrets, sealed with the shop key
}

type sessionSecrets struct {
	Key   string
	Draft map[string]string `json:",omitempty"`
}

func (tx *Tx) sessionBlind(key string) []byte { return tx.kr.blind("session", key) }

// decodeSession decodes the session stored as v under blind key bk.
func (tx *Tx) decodeSession(bk, v []byte) (Session, error) {
	var ss storedSession
	if err := json.Unmarshal(v, &ss); err != nil {
		return Session{}, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	plain, err := openRecord(tx.kr.shop, bucketSessions, bk, ss.Sealed)
	if err != nil {
		return Session{}, err
	}
	var sec sessionSecrets
	if err := json.Unmarshal(plain, &sec); err != nil {
		return Session{}, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return Session{Key: sec.Key, Flow: ss.Flow, State: ss.State, Draft: sec.Draft, Lang: ss.Lang, Updated: ss.Updated, Expired: ss.Expired}, nil
}

// Session returns the stored session for key; ok is false if there is none.
func (tx *Tx) Session(key string) (s Session, ok bool, err error) {
	bk := tx.sessionBlind(key)
	v := tx.bucket(bucketSessions).Get(bk)
	if v == nil {
		return Session{}, false, nil
	}
	if s, err = tx.decodeSession(bk, v); err != nil {
		return Session{}, false, fmt.Errorf("ledger: session %s: %w", key, err)
	}
	if s.Key != key {
		return Session{}, false, fmt.Errorf("ledger: session %s: %w: stored for another key", key, errCorrupt)
	}
	return s, true, nil
}

// PutSession stores s under s.Key.
func (tx *Tx) PutSession(s Session) error {
	if s.Key == "" {
		return fmt.Errorf("ledger: put session: %w", invalid("session", "key is required"))
	}
	bk := tx.sessionBlind(s.Key)
	plain, err := json.Marshal(sessionSecrets{Key: s.Key, Draft: s.Draft})
	if err != nil {
		return fmt.Errorf("ledger: put session %s: %w", s.Key, err)
	}
	sealed, err := sealRecord(tx.kr.shop, bucketSessions, bk, plain)
	if err != nil {
		return fmt.Errorf("ledger: put session %s: %w", s.Key, err)
	}
	v, err := json.Marshal(storedSession{Flow: s.Flow, State: s.State, Lang: s.Lang, Updated: s.Updated, Expired: s.Expired, Sealed: sealed})
	if err != nil {
		return fmt.Errorf("ledger: put session %s: %w", s.Key, err)
	}
	if err := tx.bucket(bucketSessions).Put(bk, v); err != nil {
		return fmt.Errorf("ledger: put session %s: %w", s.Key, err)
	}
	return nil
}

// DeleteSession removes the session for key; a missing one is not an error.
func (tx *Tx) DeleteSession(key string) error {
	if err := tx.bucket(bucketSessions).Delete(tx.sessionBlind(key)); err != nil {
		return fmt.Errorf("ledger: delete session %s: %w", key, err)
	}
	return nil
}

// ForEachSession calls fn for every stored session, in no particular order
// (the idle-timeout sweep uses it).
func (tx *Tx) ForEachSession(fn func(Session) error) error {
	c := tx.bucket(bucketSessions).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		s, err := tx.decodeSession(k, v)
		if err != nil {
			return fmt.Errorf("ledger: session %x: %w", k, err)
		}
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
		s, err := tx.decodeSession(k, v)
		if err != nil {
			// A record nobody can read is no use to the person either.
			gone = append(gone, append([]byte(nil), k...))
			continue
		}
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
