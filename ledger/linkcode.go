package ledger

import (
	"bytes"
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Link codes are stored as blind code -> customer key (8 bytes) + expiry
// (8 bytes, sortable nanos), and, for the two halves of a pair
// (PutLinkPair), the blind key of the other half (16 bytes): someone who
// copies the file cannot use a pending code. Codes are compared trimmed and
// upper-cased, so a code read aloud or typed in lower case still works.
//
// A used code is not deleted but left as a tombstone until its own expiry,
// so that typing it again is told apart from a wrong code (UsedCodeError):
// customer key and expiry as before, then the blind index of the platform
// id that used it (16 bytes, kind "codeuser": nobody can read the id back
// or test a guess without the master key, nor join it to the profile's
// blind key) and when it was used (8 bytes). Tombstones are pruned and
// erased with the customer as live codes are, so they are as few as the
// codes of the last day, and a new /link may draw a used code again,
// which ends its tombstone.

// Lengths of a stored link code's value: alone, one half of a pair, and
// a used code's tombstone.
const (
	linkValueLen     = 8 + 8
	linkPairValueLen = linkValueLen + blindSize
	linkUsedValueLen = linkValueLen + blindSize + 8
)

// linkValue reports a stored value a link code can have.
func linkValue(v []byte) bool {
	return len(v) == linkValueLen || len(v) == linkPairValueLen || len(v) == linkUsedValueLen
}

// UsedCodeError is returned by UseLinkCode and PeekLinkCode for a code
// already used, while it would still have been valid: the sender is told
// it was used (by them, or by another account), not that it is wrong. It
// is an ErrInvalidCode too (errors.Is), for callers that need not know.
type UsedCodeError struct {
	CustomerID string    // the customer the code linked
	At         time.Time // when it was used
	Yours      bool      // used by the platform id that asks now
}

// Error says when the code was used, never by whom.
func (e *UsedCodeError) Error() string {
	return fmt.Sprintf("ledger: link code used %s", e.At.UTC().Format(time.RFC3339))
}

// Is makes a used code an ErrInvalidCode.
func (e *UsedCodeError) Is(target error) bool { return target == ErrInvalidCode }

// codeUserBlind is the blind index of the platform id that used a code.
func (tx *Tx) codeUserBlind(platformID string) []byte { return tx.blind("codeuser", platformID) }

func (tx *Tx) linkCodeKey(code string) []byte {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "" {
		return nil
	}
	return tx.kr.blind("code", c)
}

// PutLinkCode stores a one-time code for customerID, valid until expires.
// A code still held by another customer is refused (ErrInvalid), so the
// caller draws a new one.
func (tx *Tx) PutLinkCode(code, customerID string, expires time.Time) error {
	if err := tx.putLinkCodes(customerID, expires, code); err != nil {
		return fmt.Errorf("ledger: put link code: %w", err)
	}
	return nil
}

// PutLinkPair stores two codes for customerID that are used up together,
// both valid until expires: the 6 digits a person types and the long token
// of a deep link (t.me/<bot>?start=<token>) made by the same /link. Using
// either with UseLinkCode deletes the other, so one /link links one
// account. A code or token still held by another customer is refused
// (ErrInvalid), as with PutLinkCode.
func (tx *Tx) PutLinkPair(code, token, customerID string, expires time.Time) error {
	if err := tx.putLinkCodes(customerID, expires, code, token); err != nil {
		return fmt.Errorf("ledger: put link pair: %w", err)
	}
	return nil
}

// putLinkCodes stores one code, or two that name each other.
func (tx *Tx) putLinkCodes(customerID string, expires time.Time, codes ...string) error {
	keys := make([][]byte, len(codes))
	for i, code := range codes {
		if keys[i] = tx.linkCodeKey(code); len(keys[i]) == 0 {
			return invalid("link code", "empty code")
		}
	}
	if len(keys) == 2 && bytes.Equal(keys[0], keys[1]) {
		return invalid("link code", "a pair of one code")
	}
	ck, err := tx.liveCustomer(customerID)
	if err != nil {
		return err
	}
	b := tx.bucket(bucketLinkCodes)
	for _, k := range keys {
		// A used code's tombstone holds nothing: a new /link may take the
		// code over, as it could when used codes were deleted.
		if v := b.Get(k); linkValue(v) && len(v) != linkUsedValueLen && !bytes.Equal(v[:8], ck) {
			return invalid("link code", "code in use")
		}
	}
	for i, k := range keys {
		v := concat(ck, timePrefix(expires))
		if len(keys) == 2 {
			v = concat(v, keys[1-i])
		}
		if err := b.Put(k, v); err != nil {
			return err
		}
	}
	return nil
}

// UseLinkCode uses code (and the other half of its pair, see
// PutLinkPair) for the platform id by and returns its customer id; an
// unknown or expired code returns ErrInvalidCode, and one used already,
// before its expiry, a *UsedCodeError. A code is valid while now is before
// its expiry. Both halves are left as tombstones naming by (blind) until
// that expiry; an expired code is deleted. An empty by is refused
// (ErrInvalid).
func (tx *Tx) UseLinkCode(code, by string, now time.Time) (string, error) {
	if by == "" {
		return "", fmt.Errorf("ledger: use link code: %w", invalid("link code", "used by nobody"))
	}
	r, err := tx.readLinkCode(code, by, now)
	b := tx.bucket(bucketLinkCodes)
	for _, dead := range r.dead {
		if err := b.Delete(dead); err != nil {
			return "", fmt.Errorf("ledger: use link code: %w", err)
		}
	}
	var used *UsedCodeError
	switch {
	case errors.As(err, &used):
		return "", err
	case err != nil:
		return "", fmt.Errorf("ledger: use link code: %w", err)
	}
	tomb := concat(r.ck, timePrefix(r.expires), tx.codeUserBlind(by), timePrefix(now))
	for _, k := range [][]byte{r.key, r.partner} {
		if len(k) == 0 {
			continue
		}
		if err := b.Put(k, bytes.Clone(tomb)); err != nil {
			return "", fmt.Errorf("ledger: use link code: %w", err)
		}
	}
	return r.customerID, nil
}

// PeekLinkCode tells, without using it, what UseLinkCode would make of
// code for the platform id by at now: its customer id for a valid code, a
// *UsedCodeError for one used before its expiry, else ErrInvalidCode.
func (tx *Tx) PeekLinkCode(code, by string, now time.Time) (string, error) {
	r, err := tx.readLinkCode(code, by, now)
	var used *UsedCodeError
	switch {
	case errors.As(err, &used):
		return "", err
	case err != nil:
		return "", fmt.Errorf("ledger: peek link code: %w", err)
	}
	return r.customerID, nil
}

// linkCodeRead is a stored link code as readLinkCode found it.
type linkCodeRead struct {
	// key is the code's blind key; partner the other half of its pair,
	// while that still names it (nil: none, or a later /link reused its
	// code for a pair of its own).
	key, partner []byte
	ck           []byte // the customer's key
	expires      time.Time
	customerID   string // the customer of a code valid at now
	// dead are the keys UseLinkCode deletes: a used code past its expiry,
	// or both halves of an unused one expired or whose customer is gone
	// (a code an erasure missed).
	dead [][]byte
}

// readLinkCode reads code at now for the platform id by, for UseLinkCode
// (which then deletes r.dead, and writes the tombstones of one valid) and
// PeekLinkCode: err is ErrInvalidCode (wrapped, saying why when expired)
// for a code unknown, expired or whose customer is gone, the
// *UsedCodeError of one used before its expiry, or nil with
// r.customerID.
func (tx *Tx) readLinkCode(code, by string, now time.Time) (r linkCodeRead, err error) {
	r.key = tx.linkCodeKey(code)
	if len(r.key) == 0 {
		return r, ErrInvalidCode
	}
	v := tx.get(bucketLinkCodes, r.key)
	if !linkValue(v) {
		return r, ErrInvalidCode
	}
	r.ck = append([]byte(nil), v[:8]...)
	r.expires = timeFromSortable(binary.BigEndian.Uint64(v[8:16]))
	if len(v) == linkUsedValueLen {
		if !now.Before(r.expires) {
			r.dead = [][]byte{r.key}
			return r, fmt.Errorf("%w (used, expired %s)", ErrInvalidCode, r.expires.UTC().Format(time.RFC3339))
		}
		_, err := tx.usedCode(v, by)
		return r, err
	}
	if len(v) == linkPairValueLen {
		// The other half goes whatever became of this one, unless a
		// later /link reused its code for a pair of its own.
		partner := append([]byte(nil), v[linkValueLen:]...)
		if pv := tx.get(bucketLinkCodes, partner); len(pv) == linkPairValueLen && bytes.Equal(pv[linkValueLen:], r.key) {
			r.partner = partner
		}
	}
	halves := [][]byte{r.key}
	if r.partner != nil {
		halves = append(halves, r.partner)
	}
	if !now.Before(r.expires) {
		r.dead = halves
		return r, fmt.Errorf("%w (expired %s)", ErrInvalidCode, r.expires.UTC().Format(time.RFC3339))
	}
	c, err := tx.customer(r.ck)
	if errors.Is(err, ErrCustomerNotFound) || (err == nil && c.Erased) {
		// A code an erasure missed goes now, as it did before tombstones:
		// the caller commits on ErrInvalidCode.
		r.dead = halves
		return r, ErrInvalidCode
	}
	if err != nil {
		return r, err
	}
	r.customerID = c.ID
	return r, nil
}

// usedCode is the UsedCodeError of tombstone v, asked by the platform id by.
func (tx *Tx) usedCode(v []byte, by string) (string, error) {
	user := v[linkValueLen : linkValueLen+blindSize]
	return "", &UsedCodeError{
		CustomerID: custIDOfKey(v[:8]),
		At:         timeFromSortable(binary.BigEndian.Uint64(v[linkValueLen+blindSize:])),
		Yours:      by != "" && hmac.Equal(user, tx.codeUserBlind(by)),
	}
}

// eraseCodeUser deletes the tombstones of the codes the platform id by
// used: each holds a keyed hash of the account beside the customer it
// linked to, which the account's /forget must not leave behind.
func (tx *Tx) eraseCodeUser(by string) error {
	blind := tx.codeUserBlind(by)
	b := tx.bucket(bucketLinkCodes)
	var dead [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) == linkUsedValueLen && hmac.Equal(v[linkValueLen:linkValueLen+blindSize], blind) {
			dead = append(dead, bytes.Clone(k))
		}
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("ledger: erase code user: %w", err)
		}
	}
	return nil
}

// PruneLinkCodes deletes codes expired at now, used ones (tombstones) too,
// and returns how many.
func (tx *Tx) PruneLinkCodes(now time.Time) (int, error) {
	return tx.deleteLinkCodes(func(v []byte) bool {
		return !now.Before(timeFromSortable(binary.BigEndian.Uint64(v[8:16])))
	})
}

// deleteLinkCodes deletes every code whose value matches. Codes are few (one
// per customer being linked), so a full scan is fine.
func (tx *Tx) deleteLinkCodes(match func(v []byte) bool) (int, error) {
	b := tx.bucket(bucketLinkCodes)
	var dead [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if !linkValue(v) || match(v) {
			dead = append(dead, append([]byte(nil), k...))
		}
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("ledger: delete link codes: %w", err)
		}
	}
	return len(dead), nil
}

// Typed codes, bot-wide. A sender gets a few wrong codes before they wait
// (dialog counts those in their profile), but a guesser with many accounts
// is held back only by a limit over everyone's misses: the guard in the
// meta bucket keeps the times of the latest wrong typed codes, and the miss
// that makes the limit within the window pauses typed codes for everyone
// for one window. Long deep-link tokens are not guessable and are never
// paused or counted here. The guard is kept in the file, so a restart does
// not lift a pause or forget the misses.

// metaCodeGuard holds the guard: version 1, the end of the pause (8
// bytes, sortable nanos; the earliest time when none), then the times of
// the misses counted (8 bytes each, oldest first). It is fewer than limit
// entries, so at most a few hundred bytes.
var metaCodeGuard = []byte("linkcode.guard")

const codeGuardVersion = 1

// MaxCodeMissLimit bounds the misses a window may allow (each is kept).
const MaxCodeMissLimit = 1000

// codeGuard is the decoded guard.
type codeGuard struct {
	pausedUntil time.Time
	misses      []time.Time
}

// codeGuard reads the guard; a missing or unreadable one is empty (a
// guard that cannot be read must not stop every customer from linking).
func (tx *Tx) codeGuard() codeGuard {
	v := tx.get(bucketMeta, metaCodeGuard)
	if len(v) < 9 || v[0] != codeGuardVersion || (len(v)-9)%8 != 0 {
		return codeGuard{}
	}
	g := codeGuard{pausedUntil: timeFromSortable(binary.BigEndian.Uint64(v[1:9]))}
	for rest := v[9:]; len(rest) >= 8; rest = rest[8:] {
		g.misses = append(g.misses, timeFromSortable(binary.BigEndian.Uint64(rest)))
	}
	return g
}

func (tx *Tx) putCodeGuard(g codeGuard) error {
	v := make([]byte, 1, 9+8*len(g.misses))
	v[0] = codeGuardVersion
	v = append(v, timePrefix(g.pausedUntil)...)
	for _, m := range g.misses {
		v = append(v, timePrefix(m)...)
	}
	return tx.bucket(bucketMeta).Put(metaCodeGuard, v)
}

// LinkCodesPaused reports whether typed link codes are paused for everyone
// at now, and until when.
func (tx *Tx) LinkCodesPaused(now time.Time) (until time.Time, paused bool) {
	g := tx.codeGuard()
	if now.Before(g.pausedUntil) {
		return g.pausedUntil, true
	}
	return time.Time{}, false
}

// CountLinkCodeMiss counts a wrong typed code at now against limit misses
// per window, for everyone together. The miss that makes limit misses
// within the last window pauses typed codes until now + window and returns
// started true: once per pause, so the caller tells staff once. During a
// pause nothing is counted (codes are not tried then). A limit of 0 or
// less counts nothing; one above MaxCodeMissLimit, or a window of zero or
// less, is refused (ErrInvalid).
func (tx *Tx) CountLinkCodeMiss(now time.Time, limit int, window time.Duration) (until time.Time, started bool, err error) {
	switch {
	case limit <= 0:
		return time.Time{}, false, nil
	case limit > MaxCodeMissLimit || window <= 0:
		return time.Time{}, false, fmt.Errorf("ledger: count link code miss: %w",
			invalid("link code", "a limit of %d misses per %v", limit, window))
	}
	g := tx.codeGuard()
	if now.Before(g.pausedUntil) {
		return g.pausedUntil, false, nil
	}
	// Keep the misses still inside the window (a clock set back keeps
	// them all), and no more than the limit needs.
	kept := g.misses[:0]
	for _, m := range g.misses {
		if now.Sub(m) < window {
			kept = append(kept, m)
		}
	}
	kept = append(kept, now)
	if len(kept) >= limit {
		g = codeGuard{pausedUntil: now.Add(window)}
		started = true
	} else {
		g.misses = kept
	}
	if err := tx.putCodeGuard(g); err != nil {
		return time.Time{}, false, fmt.Errorf("ledger: count link code miss: %w", err)
	}
	if !started {
		return time.Time{}, false, nil
	}
	return g.pausedUntil, true, nil
}

// metaBotName holds the Telegram bot's username, for deep links.
var metaBotName = []byte("telegram.bot")

// BotName returns the Telegram bot's username (without @) last stored with
// SetBotName, or "" if none was.
func (tx *Tx) BotName() (string, error) {
	return string(tx.get(bucketMeta, metaBotName)), nil
}

// SetBotName stores the Telegram bot's username, as Telegram's getMe or the
// configuration gave it; a leading @ is dropped. It is the shop's public
// name, not anyone's personal data, and is kept in the clear. An empty
// name is refused (ErrInvalid).
func (tx *Tx) SetBotName(name string) error {
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	if name == "" {
		return fmt.Errorf("ledger: set bot name: %w", invalid("bot name", "empty"))
	}
	if string(tx.get(bucketMeta, metaBotName)) == name {
		return nil // no write, no commit of a page for nothing
	}
	if err := tx.bucket(bucketMeta).Put(metaBotName, []byte(name)); err != nil {
		return fmt.Errorf("ledger: set bot name: %w", err)
	}
	return nil
}
