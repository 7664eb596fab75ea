package ledger

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// Customer records are opened by nearly every message that names a
// customer (the lookup, the card, the tier), inside the write transaction
// a commit shares, one message after another: decoding them as JSON, with
// their times as RFC 3339 text, was about a tenth of a staff note's time
// there. Since custRecordVersion they are stored in the binary form of
// encoding.go, the clear part and the sealed plaintext alike. Records
// written as JSON before (a '{' first) still read as they are, and take the
// binary form when they are next written; a build from before cannot read
// the binary form (record versions only go up).

const (
	custRecordVersion  = 1 // storedCustomer's binary form
	custSecretsVersion = 1 // customerSecrets' binary form, what is sealed
)

// Flags of storedCustomer's binary form.
const (
	custConsentGiven = 1 << iota
	custConsentDeclined
	custErased
	custFlagsKnown = custConsentGiven | custConsentDeclined | custErased
)

// encodeStoredCustomer is sc as stored: the version, the length of the
// clear fields and the clear fields, then the sealed part to the end (so a
// read of the clear fields alone copies none of it).
func encodeStoredCustomer(sc *storedCustomer) []byte {
	var c encoder
	var flags byte
	if sc.Consent.Given {
		flags |= custConsentGiven
	}
	if sc.Consent.Declined {
		flags |= custConsentDeclined
	}
	if sc.Erased {
		flags |= custErased
	}
	c.byte(flags)
	c.time(sc.Consent.At)
	c.string(sc.Consent.Purpose)
	c.string(sc.Lang)
	c.time(sc.CreatedAt)
	c.time(sc.ErasedAt)
	e := encoder{b: make([]byte, 0, 1+binary.MaxVarintLen64+len(c.b)+len(sc.Sealed))}
	e.byte(custRecordVersion)
	e.uvarint(uint64(len(c.b)))
	e.b = append(e.b, c.b...)
	e.b = append(e.b, sc.Sealed...)
	return e.b
}

// decodeStoredCustomer reads a stored customer record, binary or JSON. Its
// Sealed is a slice of v (of bbolt's memory: valid only in the
// transaction), or nil. Errors wrap ErrCorrupt.
func decodeStoredCustomer(v []byte) (storedCustomer, error) {
	var sc storedCustomer
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &sc); err != nil {
			return storedCustomer{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return sc, nil
	}
	if len(v) == 0 || v[0] != custRecordVersion {
		return storedCustomer{}, fmt.Errorf("%w: unknown customer record version", ErrCorrupt)
	}
	n, w := binary.Uvarint(v[1:])
	if w <= 0 || n > uint64(len(v)-1-w) {
		return storedCustomer{}, fmt.Errorf("%w: bad customer record length", ErrCorrupt)
	}
	start := 1 + w
	d := newDecoder(v[start : start+int(n)])
	flags := d.byte()
	if d.err == nil && flags&^custFlagsKnown != 0 {
		d.fail("flags")
	}
	sc.Consent.Given, sc.Consent.Declined, sc.Erased =
		flags&custConsentGiven != 0, flags&custConsentDeclined != 0, flags&custErased != 0
	sc.Consent.At = d.time()
	sc.Consent.Purpose = d.string()
	sc.Lang = d.string()
	sc.CreatedAt = d.time()
	sc.ErasedAt = d.time()
	if d.err != nil {
		return storedCustomer{}, d.err
	}
	if sealed := v[start+int(n):]; len(sealed) > 0 {
		sc.Sealed = sealed
	}
	return sc, nil
}

// encodeSecrets is what putCustomer seals of a customer.
func encodeSecrets(sec *customerSecrets) []byte {
	e := encoder{b: make([]byte, 0, 64+len(sec.Name)+len(sec.Preferences)+len(sec.Remarks))}
	e.byte(custSecretsVersion)
	e.string(sec.Name)
	e.string(sec.Phone)
	e.time(sec.Birthday)
	e.string(sec.Preferences)
	e.string(sec.Remarks)
	e.strings(sec.Tags)
	e.strings(sec.Links)
	return e.b
}

// decodeSecrets reads an opened customer's personal fields, binary or
// JSON. Errors wrap ErrCorrupt.
func decodeSecrets(plain []byte) (customerSecrets, error) {
	var sec customerSecrets
	if len(plain) > 0 && plain[0] == '{' {
		if err := json.Unmarshal(plain, &sec); err != nil {
			return customerSecrets{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return sec, nil
	}
	d := newDecoder(plain)
	d.version(custSecretsVersion)
	sec.Name = d.string()
	sec.Phone = d.string()
	sec.Birthday = d.time()
	sec.Preferences = d.string()
	sec.Remarks = d.string()
	sec.Tags = d.strings()
	sec.Links = d.strings()
	if d.err != nil {
		return customerSecrets{}, d.err
	}
	return sec, nil
}
