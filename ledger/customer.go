package ledger

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxNameRunes is the longest customer name the ledger keeps; chat flows
// check it as it is typed, so they re-ask instead of failing at the save.
const MaxNameRunes = 100

// Limits on customer fields, generous for a 고객관리장부 and small enough to
// keep a record readable in a chat message.
const (
	maxNameRunes  = MaxNameRunes
	maxTextRunes  = 2000
	maxTags       = 20
	maxTagRunes   = 50
	maxLangLength = 16
)

// Validate reports whether c can be stored: it needs a name or a phone, a
// phone must already be normalized (NormalizePhone), CreatedAt must be set,
// and text fields stay within their limits. The error wraps ErrInvalid.
func (c *Customer) Validate() error {
	switch {
	case c.Name == "" && c.Phone == "" && !c.Erased:
		return invalid("customer", "name or phone is required")
	case utf8.RuneCountInString(c.Name) > maxNameRunes:
		return tooLong("customer", "name", maxNameRunes)
	case c.CreatedAt.IsZero():
		return invalid("customer", "created time is required")
	case utf8.RuneCountInString(c.Preferences) > maxTextRunes:
		return tooLong("customer", "preferences", maxTextRunes)
	case utf8.RuneCountInString(c.Remarks) > maxTextRunes:
		return tooLong("customer", "remarks", maxTextRunes)
	case len(c.Lang) > maxLangLength:
		return invalid("customer", "language tag too long")
	}
	for _, f := range []struct {
		field, value string
		multiline    bool
	}{{"name", c.Name, false}, {"preferences", c.Preferences, true}, {"remarks", c.Remarks, true}} {
		if err := checkChars("customer", f.field, f.value, f.multiline); err != nil {
			return err
		}
	}
	if c.Phone != "" {
		if d, ok := NormalizePhone(c.Phone); !ok || d != c.Phone {
			return invalid("customer", "phone %q is not a normalized Korean number", c.Phone)
		}
	}
	return validateTags("customer", c.Tags)
}

// invalid returns an error wrapping ErrInvalid with the reason.
func invalid(what, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, what, fmt.Sprintf(format, args...))
}

// LimitError is returned (wrapped) when a text is longer, or a list has more
// items, than the ledger keeps. errors.Is(err, ErrInvalid) holds for it, and
// callers can use errors.As to tell the user which field and what limit.
type LimitError struct {
	Record string // "customer", "note", "feedback", "points"
	Field  string // "name", "preferences", "remarks", "text", "comment", "reason", "tag", "tags"
	Limit  int    // characters, or items for "tags"
}

// Error says which record and field broke which limit.
func (e *LimitError) Error() string {
	if e.Field == "tags" {
		return fmt.Sprintf("ledger: invalid record: %s: more than %d tags", e.Record, e.Limit)
	}
	return fmt.Sprintf("ledger: invalid record: %s: %s longer than %d characters", e.Record, e.Field, e.Limit)
}

// Is makes a LimitError match ErrInvalid.
func (e *LimitError) Is(target error) bool { return target == ErrInvalid }

func tooLong(record, field string, limit int) error {
	return &LimitError{Record: record, Field: field, Limit: limit}
}

func validateTags(what string, tags []string) error {
	if len(tags) > maxTags {
		return tooLong(what, "tags", maxTags)
	}
	for _, t := range tags {
		if strings.TrimSpace(t) == "" {
			return invalid(what, "empty tag")
		}
		if utf8.RuneCountInString(t) > maxTagRunes {
			return tooLong(what, "tag", maxTagRunes)
		}
		if err := checkLine(what, "tag", t); err != nil {
			return err
		}
	}
	return nil
}

// tidyCustomer trims what people type: spaces around and inside the name,
// phone formats (an unreadable phone is left for Validate to reject), tags
// in their one form (CleanTags).
func tidyCustomer(c *Customer) {
	c.Name = strings.Join(strings.Fields(norm.NFC.String(c.Name)), " ")
	c.Preferences = strings.TrimSpace(c.Preferences)
	c.Remarks = strings.TrimSpace(c.Remarks)
	if d, ok := NormalizePhone(c.Phone); ok {
		c.Phone = d
	} else {
		c.Phone = strings.TrimSpace(c.Phone)
	}
	c.Tags = CleanTags(c.Tags)
}

// nameKey is the name index form: NFC (so Hangul typed as decomposed jamo
// on a Mac still matches), spaces trimmed and collapsed, Latin letters lower
// case. Hangul has no case, so it matches exactly.
func nameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(name)), " "))
}

// CreateCustomer validates c, assigns c.ID and stores it. A phone already
// registered returns ErrDuplicatePhone. The name and phone are tidied first
// (c is updated); Visits, LastVisit and the erasure fields start empty.
func (tx *Tx) CreateCustomer(c *Customer) error {
	tidyCustomer(c)
	c.Visits, c.LastVisit, c.Erased, c.ErasedAt = 0, time.Time{}, false, time.Time{}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("ledger: create customer: %w", err)
	}
	if c.Phone != "" && tx.get(bucketPhones, tx.phoneBlind(c.Phone)) != nil {
		return fmt.Errorf("ledger: create customer: %w", ErrDuplicatePhone)
	}
	for _, l := range c.Links {
		if tx.get(bucketLinks, tx.linkBlind(l)) != nil {
			return fmt.Errorf("ledger: create customer: %w", invalid("customer", "%s is linked to another customer", l))
		}
	}
	seq, err := tx.bucket(bucketCustomers).NextSequence()
	if err != nil {
		return fmt.Errorf("ledger: create customer: %w", err)
	}
	k := custKey(seq)
	c.ID = custID(seq)
	if _, err := tx.newCustKey(k); err != nil {
		return fmt.Errorf("ledger: create customer: %w", err)
	}
	if err := tx.indexCustomer(k, c, true); err != nil {
		return fmt.Errorf("ledger: create customer: %w", err)
	}
	if err := tx.putCustomer(k, c); err != nil {
		return fmt.Errorf("ledger: create customer: %w", err)
	}
	return nil
}

// Customer returns the customer with id, or ErrCustomerNotFound. Erased
// customers are returned too, with Erased set and their personal data gone.
func (tx *Tx) Customer(id string) (Customer, error) {
	k, ok := custKeyOf(id)
	if !ok {
		return Customer{}, fmt.Errorf("ledger: customer %q: %w", id, ErrCustomerNotFound)
	}
	c, err := tx.customer(k)
	if err != nil {
		return Customer{}, fmt.Errorf("ledger: customer %s: %w", id, err)
	}
	return c, nil
}

// storedCustomer is a customer as stored: what the ledger counts in the
// clear, and the personal fields sealed under the customer's data key
// (customer_record.go has its binary form; the JSON tags are for records
// written before it).
type storedCustomer struct {
	Consent   Consent
	Lang      string `json:",omitempty"`
	CreatedAt time.Time
	Erased    bool      `json:",omitempty"`
	ErasedAt  time.Time `json:",omitzero"`
	Sealed    []byte    `json:",omitempty"` // JSON customerSecrets, sealed
}

// customerSecrets are the personal fields of a customer.
type customerSecrets struct {
	Name        string    `json:",omitempty"`
	Phone       string    `json:",omitempty"`
	Birthday    time.Time `json:",omitzero"`
	Preferences string    `json:",omitempty"`
	Remarks     string    `json:",omitempty"`
	Tags        []string  `json:",omitempty"`
	Links       []string  `json:",omitempty"`
}

// customer loads the customer at key k. A customer whose data key is gone
// (shredded by an erasure after the copy was made) reads as erased.
func (tx *Tx) customer(k []byte) (Customer, error) {
	v := tx.get(bucketCustomers, k)
	if v == nil {
		return Customer{}, ErrCustomerNotFound
	}
	ck, memo := [custKeyLen]byte{}, len(k) == custKeyLen
	if memo {
		ck = [custKeyLen]byte(k)
		if o, ok := tx.customers[ck]; ok && o.from(v) {
			c := o.c
			c.Tags, c.Links = slices.Clone(c.Tags), slices.Clone(c.Links)
			return tx.withVisits(k, c)
		}
	}
	c, err := tx.openCustomer(k, v)
	if err != nil {
		return Customer{}, err
	}
	if memo {
		if tx.customers == nil {
			tx.customers = map[[custKeyLen]byte]openedCustomer{}
		}
		o := openedCustomer{raw: v, c: c}
		o.c.Tags, o.c.Links = slices.Clone(c.Tags), slices.Clone(c.Links)
		tx.customers[ck] = o
	}
	return tx.withVisits(k, c)
}

// openedCustomer is a customer record as opened from raw, its stored bytes.
// A message reads the same customer several times (the lookup, the card,
// the tier); opening means a JSON decode, a key unwrap and an AES-GCM open.
type openedCustomer struct {
	raw []byte
	c   Customer
}

// from reports whether v is the very value o was opened from. A Put in this
// transaction stores a new slice, so the same bytes at the same address are
// the same record; raw stays referenced here, so its address is not reused.
func (o openedCustomer) from(v []byte) bool {
	return len(v) == len(o.raw) && len(v) > 0 && &v[0] == &o.raw[0]
}

// forgetCustomer drops the memo of customer key k (their data key shredded).
func (tx *Tx) forgetCustomer(k []byte) {
	if len(k) == custKeyLen {
		delete(tx.customers, [custKeyLen]byte(k))
	}
}

// withVisits fills in the visit stats of customer key k, never memoized:
// visits change without the record changing.
func (tx *Tx) withVisits(k []byte, c Customer) (Customer, error) {
	if v := tx.get(bucketVisits, k); v != nil {
		s, err := decodeVisitCounts(k, v) // no id, no copy: every open reads them
		if err != nil {
			return Customer{}, err
		}
		c.Visits, c.LastVisit = s.Visits, s.Last
	}
	return c, nil
}

// openCustomer decodes and opens the stored record v of key k, without its
// visit stats.
func (tx *Tx) openCustomer(k, v []byte) (Customer, error) {
	sc, err := decodeStoredCustomer(v)
	if err != nil {
		return Customer{}, fmt.Errorf("customer %s: %w", custIDOfKey(k), err)
	}
	c := Customer{ID: custIDOfKey(k), Consent: sc.Consent, Lang: sc.Lang, CreatedAt: sc.CreatedAt, Erased: sc.Erased, ErasedAt: sc.ErasedAt}
	if len(sc.Sealed) > 0 {
		a, err := tx.custAEAD(k)
		if err != nil {
			return Customer{}, err
		}
		if a == nil {
			c.Erased = true
		} else {
			plain, err := openRecord(a, bucketCustomers, k, sc.Sealed)
			if err != nil {
				return Customer{}, err
			}
			sec, err := decodeSecrets(plain)
			if err != nil {
				return Customer{}, fmt.Errorf("customer %s: %w", c.ID, err)
			}
			// Tags written before the ledger owned their form are
			// cleaned on read, so the card, the export and a filter see
			// one form without a rewrite of every record.
			c.Name, c.Phone, c.Birthday, c.Preferences, c.Remarks, c.Tags, c.Links =
				sec.Name, sec.Phone, sec.Birthday, sec.Preferences, sec.Remarks, CleanTags(sec.Tags), sec.Links
		}
	}
	return c, nil
}

func (tx *Tx) putCustomer(k []byte, c *Customer) error {
	sc := storedCustomer{Consent: c.Consent, Lang: c.Lang, CreatedAt: c.CreatedAt, Erased: c.Erased, ErasedAt: c.ErasedAt}
	sec := customerSecrets{Name: c.Name, Phone: c.Phone, Birthday: c.Birthday, Preferences: c.Preferences,
		Remarks: c.Remarks, Tags: c.Tags, Links: c.Links}
	if sec.Name != "" || sec.Phone != "" || !sec.Birthday.IsZero() || sec.Preferences != "" || sec.Remarks != "" ||
		len(sec.Tags) > 0 || len(sec.Links) > 0 {
		plain := encodeSecrets(&sec)
		a, err := tx.custAEAD(k)
		if err != nil {
			return err
		}
		if sc.Sealed, err = sealRecord(a, bucketCustomers, k, plain); err != nil {
			return err
		}
	}
	return tx.bucket(bucketCustomers).Put(k, encodeStoredCustomer(&sc))
}

// PutCustomer stores changes to an existing customer (indexes follow). It
// changes the customer's own data (name, phone, birthday, preferences,
// remarks, tags, consent, language); the fields the ledger keeps itself
// (CreatedAt, Visits, LastVisit, Links, Erased, ErasedAt) stay as stored, so
// a copy read earlier in the transaction cannot undo a visit or a link. An
// erased customer cannot be changed.
func (tx *Tx) PutCustomer(c Customer) error {
	k, ok := custKeyOf(c.ID)
	if !ok {
		return fmt.Errorf("ledger: put customer %q: %w", c.ID, ErrCustomerNotFound)
	}
	old, err := tx.customer(k)
	if err != nil {
		return fmt.Errorf("ledger: put customer %s: %w", c.ID, err)
	}
	if old.Erased {
		return fmt.Errorf("ledger: put customer %s: %w", c.ID, invalid("customer", "erased"))
	}
	c.Tags = slices.Clone(c.Tags)
	tidyCustomer(&c)
	c.ID, c.CreatedAt, c.Links, c.Erased, c.ErasedAt = old.ID, old.CreatedAt, old.Links, old.Erased, old.ErasedAt
	if err := c.Validate(); err != nil {
		return fmt.Errorf("ledger: put customer %s: %w", c.ID, err)
	}
	if c.Phone != "" && c.Phone != old.Phone && tx.get(bucketPhones, tx.phoneBlind(c.Phone)) != nil {
		return fmt.Errorf("ledger: put customer %s: %w", c.ID, ErrDuplicatePhone)
	}
	if err := tx.reindexCustomer(k, &old, &c); err != nil {
		return fmt.Errorf("ledger: put customer %s: %w", c.ID, err)
	}
	if err := tx.putCustomer(k, &c); err != nil {
		return fmt.Errorf("ledger: put customer %s: %w", c.ID, err)
	}
	return nil
}

// reindexCustomer replaces old's index entries with c's.
func (tx *Tx) reindexCustomer(k []byte, old, c *Customer) error {
	if err := tx.indexCustomer(k, old, false); err != nil {
		return err
	}
	return tx.indexCustomer(k, c, true)
}

// birthdayKey is "MMDD" of a birthday, the form the birthday index sorts by.
func birthdayKey(t time.Time) []byte {
	return fmt.Appendf(nil, "%02d%02d", int(t.Month()), t.Day())
}

// Blind index entries (seal.go's blind): an HMAC of the value stands in
// for it, so the index works without the file saying whose phone or name
// it is. Each kind has its own label, so a phone's entry never matches a
// name's.

func (tx *Tx) phoneBlind(digits string) []byte    { return tx.blind("phone", digits) }
func (tx *Tx) linkBlind(platformID string) []byte { return tx.blind("link", platformID) }

// maxNameAffix bounds the prefixes and suffixes of a name that are indexed:
// longer queries find a name only when they are all of it.
const maxNameAffix = 30

// nameIndexKey is the form names are indexed and searched by: nameKey's
// without any space. People space a Korean name as they please ("박 서 준",
// "박서준", "정 하은"), and staff type it the other way, so spaces never
// decide a match. Two names that differ only in spacing are one name to
// the search (and to the same-name question at registration).
func nameIndexKey(name string) string {
	return strings.Join(strings.Fields(nameKey(name)), "")
}

// SameName reports whether a and b are one name as the search reads names:
// the same letters once spaces, Unicode forms and Latin case are set aside.
// The chat uses it to tell an exact match from a prefix or suffix one.
func SameName(a, b string) bool {
	ka := nameIndexKey(a)
	return ka != "" && ka == nameIndexKey(b)
}

// nameBlinds returns the name index entries of a name: the whole name
// ("="), each shorter prefix ("<") and each shorter suffix (">"), by
// characters of its nameIndexKey (no spaces), so "김", "김하" and "하늘" all
// find 김하늘, "서준" and "박서준" find 박 서 준, and "park" finds Jane Park.
func (tx *Tx) nameBlinds(name string) [][]byte {
	name = nameIndexKey(name)
	if name == "" {
		return nil
	}
	out := [][]byte{tx.kr.blind("name=", name)}
	r := []rune(name)
	for n := 1; n < len(r) && n <= maxNameAffix; n++ {
		out = append(out, tx.kr.blind("name<", string(r[:n])), tx.kr.blind("name>", string(r[len(r)-n:])))
	}
	return out
}

// indexCustomer adds (add) or removes c's entries in every customer index.
func (tx *Tx) indexCustomer(k []byte, c *Customer, add bool) error {
	var ops []struct {
		bucket []byte
		key    []byte
		value  []byte
	}
	put := func(b, key, value []byte) {
		ops = append(ops, struct{ bucket, key, value []byte }{b, key, value})
	}
	if c.Phone != "" {
		put(bucketPhones, tx.phoneBlind(c.Phone), k)
		put(bucketPhoneLast4, concat(tx.kr.blind("phone4", c.Phone[len(c.Phone)-4:]), k), nil)
	}
	for _, b := range tx.nameBlinds(c.Name) {
		put(bucketNames, concat(b, k), nil)
	}
	for _, l := range c.Links {
		put(bucketLinks, tx.linkBlind(l), k)
	}
	for _, tg := range c.Tags {
		put(bucketCustTags, concat(tx.tagBlind(tg), k), nil)
	}
	put(bucketCreated, concat(timePrefix(c.CreatedAt), k), nil)
	if !c.Birthday.IsZero() && c.Consent.Given && !c.Erased {
		put(bucketBirthdays, concat(birthdayKey(c.Birthday), k), nil)
	}
	if tx.bulk != nil && add {
		for _, op := range ops {
			tx.bulk.put(op.bucket, op.key, emptyIfNil(op.value))
		}
		return nil
	}
	for _, op := range ops {
		b := tx.bucket(op.bucket)
		var err error
		switch {
		case add:
			err = b.Put(op.key, emptyIfNil(op.value))
		case op.value != nil && !bytes.Equal(b.Get(op.key), op.value):
			// A unique index entry now owned by someone else stays.
		default:
			err = b.Delete(op.key)
		}
		if err != nil {
			return fmt.Errorf("index %s: %w", op.bucket, err)
		}
	}
	return nil
}

func emptyIfNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}

// CustomerByPhone returns the customer with this phone (any accepted format).
func (tx *Tx) CustomerByPhone(phone string) (Customer, error) {
	d, ok := NormalizePhone(phone)
	if !ok {
		return Customer{}, fmt.Errorf("ledger: customer by phone: %w", ErrCustomerNotFound)
	}
	k := tx.get(bucketPhones, tx.phoneBlind(d))
	if k == nil {
		return Customer{}, fmt.Errorf("ledger: customer by phone: %w", ErrCustomerNotFound)
	}
	c, err := tx.customer(k)
	if err != nil {
		return Customer{}, fmt.Errorf("ledger: customer by phone: %w", err)
	}
	return c, nil
}

// CustomerByLink returns the customer a platform id is linked to.
func (tx *Tx) CustomerByLink(platformID string) (Customer, error) {
	k := tx.get(bucketLinks, tx.linkBlind(platformID))
	if k == nil {
		return Customer{}, fmt.Errorf("ledger: customer by link %s: %w", platformID, ErrCustomerNotFound)
	}
	c, err := tx.customer(k)
	if err != nil {
		return Customer{}, fmt.Errorf("ledger: customer by link %s: %w", platformID, err)
	}
	return c, nil
}

// maxSortedMatches bounds how many prefix or suffix matches FindCustomers
// reads to sort them by name.
const maxSortedMatches = 100

// DefaultFindLimit is how many customers FindCustomers returns when limit <= 0.
const DefaultFindLimit = 10

// FindCustomers returns customers matching query: an exact phone (any
// accepted format), a phone's last 4 digits, an id, or a name (exact matches
// first, then names starting with query, then names ending with it, so a
// given name finds the family), at most limit, never erased ones. Names
// match with every space ignored ("박서준" and "서준" find 박 서 준, "박 서준"
// finds 박서준), case-insensitively for Latin letters and exactly for
// Hangul; prefixes and suffixes longer than 30 characters match
// only as the whole name. Prefix and suffix matches come in name order
// among the first 100 (or limit) found in id order: the blind index cannot
// sort by name. A limit <= 0 means DefaultFindLimit.
func (tx *Tx) FindCustomers(query string, limit int) ([]Customer, error) {
	if limit <= 0 {
		limit = DefaultFindLimit
	}
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, nil
	}
	var out []Customer
	seen := map[string]bool{}
	add := func(k []byte) (full bool, err error) {
		id := custIDOfKey(k)
		if seen[id] {
			return false, nil
		}
		seen[id] = true
		c, err := tx.customer(k)
		if err != nil {
			return false, fmt.Errorf("ledger: find customers: %w", err)
		}
		if !c.Erased {
			out = append(out, c)
		}
		return len(out) >= limit, nil
	}
	// scan adds the customers of the entries blind + custKey. With
	// sorted, up to maxSortedMatches of them are read first and added in
	// name order, as the plaintext index used to give them.
	scan := func(b, blind []byte, sorted bool) (full bool, err error) {
		var cands []Customer
		c := tx.bucket(b).Cursor()
		for k, _ := c.Seek(blind); k != nil && bytes.HasPrefix(k, blind); k, _ = c.Next() {
			if len(k) != len(blind)+custKeyLen {
				continue
			}
			ck := k[len(blind):]
			if !sorted {
				if full, err := add(ck); full || err != nil {
					return full, err
				}
				continue
			}
			if seen[custIDOfKey(ck)] {
				continue
			}
			cu, err := tx.customer(ck)
			if err != nil {
				return false, fmt.Errorf("ledger: find customers: %w", err)
			}
			if cands = append(cands, cu); len(cands) >= max(limit, maxSortedMatches) {
				break
			}
		}
		slices.SortStableFunc(cands, func(a, b Customer) int { return strings.Compare(nameKey(a.Name), nameKey(b.Name)) })
		for _, cu := range cands {
			k, _ := custKeyOf(cu.ID)
			if full, err := add(k); full || err != nil {
				return full, err
			}
		}
		return false, nil
	}
	if k, ok := custKeyOf(q); ok && tx.get(bucketCustomers, k) != nil {
		if full, err := add(k); full || err != nil {
			return out, err
		}
	}
	if d, ok := NormalizePhone(q); ok {
		if k := tx.get(bucketPhones, tx.phoneBlind(d)); k != nil {
			if full, err := add(k); full || err != nil {
				return out, err
			}
		}
	}
	if d, ok := lastFourDigits(q); ok {
		if full, err := scan(bucketPhoneLast4, tx.kr.blind("phone4", d), false); full || err != nil {
			return out, err
		}
	}
	n := nameIndexKey(q)
	if n == "" {
		return out, nil
	}
	for _, kind := range []string{"name=", "name<", "name>"} {
		if full, err := scan(bucketNames, tx.kr.blind(kind, n), kind != "name="); full || err != nil {
			return out, err
		}
	}
	return out, nil
}

// ForEachCustomer calls fn for every customer in id order, erased ones
// included (with Erased set), passing over damaged ones under SkipDamaged.
func (tx *Tx) ForEachCustomer(fn func(Customer) error) error {
	c := tx.bucket(bucketCustomers).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		cu, err := tx.customer(k)
		if err != nil && tx.skipDamaged(RecordCustomer, err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("ledger: for each customer: %w", err)
		}
		if err := fn(cu); err != nil {
			return err
		}
	}
	return nil
}

// LinkCustomer links platform id to customer id with the consent given; it
// returns ErrNoConsent unless consent.Given. The profile is updated too. A
// platform id linked to another customer before is moved to this one.
func (tx *Tx) LinkCustomer(customerID, platformID string, consent Consent) error {
	if !consent.Given {
		return fmt.Errorf("ledger: link %s to %s: %w", platformID, customerID, ErrNoConsent)
	}
	if strings.TrimSpace(platformID) == "" {
		return fmt.Errorf("ledger: link to %s: %w", customerID, invalid("link", "empty platform id"))
	}
	k, ok := custKeyOf(customerID)
	if !ok {
		return fmt.Errorf("ledger: link %s to %q: %w", platformID, customerID, ErrCustomerNotFound)
	}
	c, err := tx.customer(k)
	if err != nil {
		return fmt.Errorf("ledger: link %s to %s: %w", platformID, customerID, err)
	}
	if c.Erased {
		return fmt.Errorf("ledger: link %s to %s: %w", platformID, customerID, ErrCustomerNotFound)
	}
	if prev := tx.get(bucketLinks, tx.linkBlind(platformID)); prev != nil && !bytes.Equal(prev, k) {
		if err := tx.unlink(slices.Clone(prev), platformID); err != nil {
			return fmt.Errorf("ledger: link %s to %s: %w", platformID, customerID, err)
		}
	}
	old := c
	old.Links = slices.Clone(c.Links)
	if !slices.Contains(c.Links, platformID) {
		c.Links = append(c.Links, platformID)
	}
	c.Consent = consent
	if err := tx.reindexCustomer(k, &old, &c); err != nil {
		return fmt.Errorf("ledger: link %s to %s: %w", platformID, customerID, err)
	}
	if err := tx.putCustomer(k, &c); err != nil {
		return fmt.Errorf("ledger: link %s to %s: %w", platformID, customerID, err)
	}
	p, err := tx.Profile(platformID)
	if err != nil {
		return err
	}
	p.CustomerID, p.Consent = c.ID, consent
	if p.Lang == "" {
		p.Lang = c.Lang
	}
	return tx.PutProfile(p)
}

// UnlinkCustomer removes the link of platform id to its customer, if any,
// and clears the profile's customer. Consent stays as given.
func (tx *Tx) UnlinkCustomer(platformID string) error {
	k := tx.get(bucketLinks, tx.linkBlind(platformID))
	if k == nil {
		return nil
	}
	if err := tx.unlink(slices.Clone(k), platformID); err != nil {
		return fmt.Errorf("ledger: unlink %s: %w", platformID, err)
	}
	p, err := tx.Profile(platformID)
	if err != nil {
		return err
	}
	p.CustomerID = ""
	return tx.PutProfile(p)
}

// unlink removes platformID from the customer at k and from the link index.
func (tx *Tx) unlink(k []byte, platformID string) error {
	if err := tx.bucket(bucketLinks).Delete(tx.linkBlind(platformID)); err != nil {
		return err
	}
	c, err := tx.customer(k)
	if err != nil {
		return err
	}
	c.Links = slices.DeleteFunc(c.Links, func(l string) bool { return l == platformID })
	return tx.putCustomer(k, &c)
}

// ScanNewCustomers calls fn for every customer created in [from, to), in
// creation-time order. Erased customers are included (with Erased set) so
// past counts stay true.
func (tx *Tx) ScanNewCustomers(from, to time.Time, fn func(Customer) error) error {
	return scanTime(tx.bucket(bucketCreated), from, to, func(k, _ []byte) error {
		cu, err := tx.customer(k[8:])
		if err != nil {
			return fmt.Errorf("ledger: scan new customers: %w", err)
		}
		return fn(cu)
	})
}

// ScanNewCustomersClear is ScanNewCustomers without opening the sealed
// fields: fn gets every customer created in [from, to), in creation-time
// order, with only ID, CreatedAt, Consent, Lang, Erased and ErasedAt set
// (Erased as stored: a customer whose key was shredded since a backup was
// taken reads as not erased here). It costs no decryption.
func (tx *Tx) ScanNewCustomersClear(from, to time.Time, fn func(Customer) error) error {
	return scanTime(tx.bucket(bucketCreated), from, to, func(k, _ []byte) error {
		ck := k[8:]
		v := tx.get(bucketCustomers, ck)
		if v == nil {
			return fmt.Errorf("ledger: scan new customers: %s: %w", custIDOfKey(ck), ErrCustomerNotFound)
		}
		sc, err := decodeStoredCustomer(v)
		if err != nil {
			return fmt.Errorf("ledger: scan new customers: customer %s: %w", custIDOfKey(ck), err)
		}
		return fn(Customer{ID: custIDOfKey(ck), Consent: sc.Consent, Lang: sc.Lang, CreatedAt: sc.CreatedAt, Erased: sc.Erased, ErasedAt: sc.ErasedAt})
	})
}

// ScanBirthdays calls fn for every consenting, not erased customer whose
// birthday (month and day) falls in [from, to), year ignored. The days of
// from and to are taken in their own locations; a range may cross New Year,
// and one of a year or more covers every birthday. Birthdays come in
// calendar order from from's day on.
func (tx *Tx) ScanBirthdays(from, to time.Time, fn func(Customer) error) error {
	if !from.Before(to) {
		return nil
	}
	lo, hi := birthdayKey(from), birthdayKey(to)
	type span struct{ lo, hi []byte }
	var spans []span
	switch {
	case !to.Before(from.AddDate(1, 0, 0)):
		spans = []span{{lo, []byte("1232")}, {[]byte("0101"), lo}}
	case bytes.Compare(lo, hi) < 0:
		spans = []span{{lo, hi}}
	case bytes.Compare(lo, hi) > 0:
		spans = []span{{lo, []byte("1232")}, {[]byte("0101"), hi}}
	default:
		return nil // same day of the year, less than a year apart: within one day
	}
	for _, sp := range spans {
		c := tx.bucket(bucketBirthdays).Cursor()
		for k, _ := c.Seek(sp.lo); k != nil && bytes.Compare(k[:4], sp.hi) < 0; k, _ = c.Next() {
			cu, err := tx.customer(k[4:])
			if err != nil {
				return fmt.Errorf("ledger: scan birthdays: %w", err)
			}
			if err := fn(cu); err != nil {
				return err
			}
		}
	}
	return nil
}
