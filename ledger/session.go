package ledger

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Sessions are stored under the blind index of their key (the key names a
// platform user or chat); the key itself and the draft are sealed with the
// shop key, since a session belongs to a conversation, not to a customer,
// and lives half an hour. Erasing a customer deletes the sessions about
// them, leaving a stub (Session.Erased) where another's flow was about them.

// A message in a flow reads its session and stores it again, so sessions
// are in the binary form of encoding.go since sessionVersion, their clear
// fields and the sealed part alike; one written as JSON before (a '{'
// first) still reads, and takes the binary form when next stored.

const sessionVersion = 1 // storedSession's and sessionSecrets' binary forms

// storedSession is a session as stored.
type storedSession struct {
	Flow    string    `json:",omitempty"`
	State   string    `json:",omitempty"`
	Lang    string    `json:",omitempty"`
	Updated time.Time `json:",omitzero"`
	Expired string    `json:",omitempty"`
	Erased  bool      `json:",omitempty"`
	Sealed  []byte    // JSON sessionSecrets, sealed with the shop key
}

type sessionSecrets struct {
	Key   string
	Draft map[string]string `json:",omitempty"`
}

func (tx *Tx) sessionBlind(key string) []byte { return tx.blind("session", key) }

// decodeSession decodes the session stored as v under blind key bk.
func (tx *Tx) decodeSession(bk, v []byte) (Session, error) {
	ss, err := decodeStoredSession(v)
	if err != nil {
		return Session{}, err
	}
	plain, err := openRecord(tx.kr.shop, bucketSessions, bk, ss.Sealed)
	if err != nil {
		return Session{}, err
	}
	sec, err := decodeSessionSecrets(plain)
	if err != nil {
		return Session{}, err
	}
	return Session{Key: sec.Key, Flow: ss.Flow, State: ss.State, Draft: sec.Draft, Lang: ss.Lang, Updated: ss.Updated, Expired: ss.Expired, Erased: ss.Erased}, nil
}

// Session returns the stored session for key; ok is false if there is none.
func (tx *Tx) Session(key string) (s Session, ok bool, err error) {
	bk := tx.sessionBlind(key)
	v := tx.get(bucketSessions, bk)
	if v == nil {
		return Session{}, false, nil
	}
	if s, err = tx.decodeSession(bk, v); err != nil {
		return Session{}, false, fmt.Errorf("ledger: session %s: %w", key, err)
	}
	if s.Key != key {
		return Session{}, false, fmt.Errorf("ledger: session %s: %w: stored for another key", key, ErrCorrupt)
	}
	return s, true, nil
}

// PutSession stores s under s.Key.
func (tx *Tx) PutSession(s Session) error {
	if s.Key == "" {
		return fmt.Errorf("ledger: put session: %w", invalid("session", "key is required"))
	}
	bk := tx.sessionBlind(s.Key)
	plain := encodeSessionSecrets(&sessionSecrets{Key: s.Key, Draft: s.Draft})
	sealed, err := sealRecord(tx.kr.shop, bucketSessions, bk, plain)
	if err != nil {
		return fmt.Errorf("ledger: put session %s: %w", s.Key, err)
	}
	v := encodeStoredSession(&storedSession{Flow: s.Flow, State: s.State, Lang: s.Lang, Updated: s.Updated, Expired: s.Expired, Erased: s.Erased, Sealed: sealed})
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

// IdleSessions returns the sessions of the flows named in flows that have
// been idle since before before, opened. Their clear part is read first, so
// only those are unsealed: the idle-keep job asks every few minutes, among
// thousands of sessions and stubs.
func (tx *Tx) IdleSessions(before time.Time, flows ...string) ([]Session, error) {
	var out []Session
	c := tx.bucket(bucketSessions).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		ss, err := decodeStoredSession(v)
		if err != nil || ss.Flow == "" || !ss.Updated.Before(before) || !slices.Contains(flows, ss.Flow) {
			continue // an unreadable one is the sweep's to drop
		}
		s, err := tx.decodeSession(k, v)
		if err != nil {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// ExpireSessions ends every flow idle since before idleBefore: its draft
// (half a note, a typed phone) goes at once, and a small stub naming the
// flow (and the state it was in) stays so the person's next message can be
// told it was cancelled.
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
			// The state stays with the flow's name: a flow that was only
			// browsing (a list, a menu) ends without a word.
			stubs = append(stubs, Session{Key: s.Key, Lang: s.Lang, Updated: s.Updated, Expired: s.Flow, State: s.State})
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

// encodeStoredSession is ss as stored: the version, the length of the
// clear fields and the clear fields, then the sealed part to the end.
func encodeStoredSession(ss *storedSession) []byte {
	var c encoder
	c.string(ss.Flow)
	c.string(ss.State)
	c.string(ss.Lang)
	c.time(ss.Updated)
	c.string(ss.Expired)
	if ss.Erased {
		// Last and only when set: a session of an older build has none,
		// and an older build reading this one ignores it.
		c.byte(1)
	}
	e := encoder{b: make([]byte, 0, 1+binary.MaxVarintLen64+len(c.b)+len(ss.Sealed))}
	e.byte(sessionVersion)
	e.uvarint(uint64(len(c.b)))
	e.b = append(e.b, c.b...)
	e.b = append(e.b, ss.Sealed...)
	return e.b
}

// decodeStoredSession reads a stored session, binary or JSON; its Sealed
// is a slice of v. Errors wrap ErrCorrupt.
func decodeStoredSession(v []byte) (storedSession, error) {
	var ss storedSession
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &ss); err != nil {
			return storedSession{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return ss, nil
	}
	if len(v) == 0 || v[0] != sessionVersion {
		return storedSession{}, fmt.Errorf("%w: unknown session version", ErrCorrupt)
	}
	n, w := binary.Uvarint(v[1:])
	if w <= 0 || n > uint64(len(v)-1-w) {
		return storedSession{}, fmt.Errorf("%w: bad session length", ErrCorrupt)
	}
	start := 1 + w
	d := newDecoder(v[start : start+int(n)])
	ss.Flow = d.string()
	ss.State = d.string()
	ss.Lang = d.string()
	ss.Updated = d.time()
	ss.Expired = d.string()
	if d.err == nil && d.off < len(d.s) {
		ss.Erased = d.byte() == 1
	}
	if d.err != nil {
		return storedSession{}, d.err
	}
	if sealed := v[start+int(n):]; len(sealed) > 0 {
		ss.Sealed = sealed
	}
	return ss, nil
}

// encodeSessionSecrets is what PutSession seals: the key and the draft,
// its fields in key order.
func encodeSessionSecrets(sec *sessionSecrets) []byte {
	var e encoder
	e.byte(sessionVersion)
	e.string(sec.Key)
	e.uvarint(uint64(len(sec.Draft)))
	for _, k := range slices.Sorted(maps.Keys(sec.Draft)) {
		e.string(k)
		e.string(sec.Draft[k])
	}
	return e.b
}

// decodeSessionSecrets reads an opened session's key and draft, binary or
// JSON. Errors wrap ErrCorrupt.
func decodeSessionSecrets(plain []byte) (sessionSecrets, error) {
	var sec sessionSecrets
	if len(plain) > 0 && plain[0] == '{' {
		if err := json.Unmarshal(plain, &sec); err != nil {
			return sessionSecrets{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return sec, nil
	}
	d := newDecoder(plain)
	d.version(sessionVersion)
	sec.Key = d.string()
	n := d.uvarint()
	if d.err == nil && n > uint64(len(plain)) { // each field takes at least two bytes
		d.fail("draft length")
	}
	if d.err == nil && n > 0 {
		sec.Draft = make(map[string]string, n)
		for range n {
			k := d.string()
			sec.Draft[k] = d.string()
		}
	}
	if d.err != nil {
		return sessionSecrets{}, d.err
	}
	return sec, nil
}
