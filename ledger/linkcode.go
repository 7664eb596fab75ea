package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Link codes are stored as blind code -> customer key (8 bytes) + expiry
// (8 bytes, sortable nanos): someone who copies the file cannot use a
// pending code. Codes are compared trimmed and upper-cased, so a code read
// aloud or typed in lower case still works.

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
	k := tx.linkCodeKey(code)
	if len(k) == 0 {
		return fmt.Errorf("ledger: put link code: %w", invalid("link code", "empty code"))
	}
	ck, err := tx.liveCustomer(customerID)
	if err != nil {
		return fmt.Errorf("ledger: put link code: %w", err)
	}
	b := tx.bucket(bucketLinkCodes)
	if v := b.Get(k); len(v) == 16 && !bytes.Equal(v[:8], ck) {
		return fmt.Errorf("ledger: put link code: %w", invalid("link code", "code in use"))
	}
	if err := b.Put(k, concat(ck, timePrefix(expires))); err != nil {
		return fmt.Errorf("ledger: put link code: %w", err)
	}
	return nil
}

// UseLinkCode consumes code and returns its customer id; an unknown, used or
// expired code returns ErrInvalidCode. A code is valid while now is before
// its expiry.
func (tx *Tx) UseLinkCode(code string, now time.Time) (string, error) {
	k := tx.linkCodeKey(code)
	b := tx.bucket(bucketLinkCodes)
	v := b.Get(k)
	if len(k) == 0 || len(v) != 16 {
		return "", fmt.Errorf("ledger: use link code: %w", ErrInvalidCode)
	}
	ck := append([]byte(nil), v[:8]...)
	expires := timeFromSortable(binary.BigEndian.Uint64(v[8:]))
	if err := b.Delete(k); err != nil {
		return "", fmt.Errorf("ledger: use link code: %w", err)
	}
	if !now.Before(expires) {
		return "", fmt.Errorf("ledger: use link code: %w (expired %s)", ErrInvalidCode, expires.UTC().Format(time.RFC3339))
	}
	c, err := tx.customer(ck)
	if errors.Is(err, ErrCustomerNotFound) || (err == nil && c.Erased) {
		return "", fmt.Errorf("ledger: use link code: %w", ErrInvalidCode)
	}
	if err != nil {
		return "", fmt.Errorf("ledger: use link code: %w", err)
	}
	return c.ID, nil
}

// PruneLinkCodes deletes codes expired at now and returns how many.
func (tx *Tx) PruneLinkCodes(now time.Time) (int, error) {
	return tx.deleteLinkCodes(func(v []byte) bool {
		return !now.Before(timeFromSortable(binary.BigEndian.Uint64(v[8:])))
	})
}

// deleteLinkCodes deletes every code whose value matches. Codes are few (one
// per customer being linked), so a full scan is fine.
func (tx *Tx) deleteLinkCodes(match func(v []byte) bool) (int, error) {
	b := tx.bucket(bucketLinkCodes)
	var dead [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) != 16 || match(v) {
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
