package ledger

// THIS FILE IS THE CONTRACT between ledger and its users (dialog, feedback,
// cmd). The ledger implementer replaces these stubs with real code spread
// over files by concept (store.go, customer.go, note.go, points.go, …) and
// deletes this file. Signatures may only grow (new methods), not change.

import (
	"context"
	"io"
	"time"
)

// Options configure Open.
type Options struct {
	// Timeout bounds the wait for the file lock; 0 means one second.
	Timeout time.Duration
	// NoSync skips fsync on commit (benchmarks of non-durable paths, bulk loads).
	NoSync bool
}

// Profile is what dangol knows of one platform user before (or besides)
// linking them to a customer record: their language choice and consent.
type Profile struct {
	ID         string // platform-qualified, "telegram:12345"
	Lang       string
	Consent    Consent
	CustomerID string // the linked customer, if any
}

// VisitStats is a customer's visit history in numbers, kept small so the
// at-risk rule can scan every customer quickly.
type VisitStats struct {
	CustomerID string
	Visits     int
	First      time.Time
	Last       time.Time
}

// Store is the ledger: one bbolt file.
type Store struct{}

// Tx is one ledger transaction; every method works inside it, and if the
// function given to Update returns an error, nothing of it is kept.
type Tx struct{}

// Open opens (creating if needed) the ledger file at path. A file held by
// another process returns an error wrapping ErrLocked that names the file; a
// file with a newer schema returns one wrapping ErrNewerSchema.
func Open(path string, opts *Options) (*Store, error) { panic("unimplemented") }

// Close closes the file. In-flight transactions finish first.
func (s *Store) Close() error { panic("unimplemented") }

// Path returns the file's path.
func (s *Store) Path() string { panic("unimplemented") }

// Update runs fn in one read-write transaction. Concurrent callers are
// coalesced into shared commits (bbolt Batch), so fn may run more than once
// and must be idempotent (check the event id first); a lone caller commits
// alone without the batch delay.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error { panic("unimplemented") }

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error { panic("unimplemented") }

// Backup writes a consistent copy of the file to w while serving.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) { panic("unimplemented") }

// --- events (de-duplication) ---

// SeenEvent reports whether event id was already committed.
func (tx *Tx) SeenEvent(id string) (bool, error) { panic("unimplemented") }

// MarkEvent records event id as processed at time at.
func (tx *Tx) MarkEvent(id string, at time.Time) error { panic("unimplemented") }

// --- cursors and posts (adapters and the scheduler) ---

// Cursor returns a named integer kept by the ledger (0 if unset), e.g. the
// last Telegram update id committed.
func (tx *Tx) Cursor(name string) (int64, error) { panic("unimplemented") }

// SetCursor stores a named integer; it never moves a cursor backwards.
func (tx *Tx) SetCursor(name string, v int64) error { panic("unimplemented") }

// Posted reports whether the scheduled post key (e.g. "summary:2026-W48") was made.
func (tx *Tx) Posted(key string) (bool, error) { panic("unimplemented") }

// MarkPosted records that the scheduled post key was made at at.
func (tx *Tx) MarkPosted(key string, at time.Time) error { panic("unimplemented") }

// --- sessions ---

// Session returns the stored session for key; ok is false if there is none.
func (tx *Tx) Session(key string) (s Session, ok bool, err error) { panic("unimplemented") }

// PutSession stores s under s.Key.
func (tx *Tx) PutSession(s Session) error { panic("unimplemented") }

// DeleteSession removes the session for key; a missing one is not an error.
func (tx *Tx) DeleteSession(key string) error { panic("unimplemented") }

// --- profiles, staff ---

// Profile returns what is known of a platform user (zero Profile with ID set if nothing).
func (tx *Tx) Profile(id string) (Profile, error) { panic("unimplemented") }

// PutProfile stores p under p.ID.
func (tx *Tx) PutProfile(p Profile) error { panic("unimplemented") }

// Staff returns the role granted in the ledger to platform user id, if any.
func (tx *Tx) Staff(id string) (StaffMember, bool, error) { panic("unimplemented") }

// PutStaff grants m.Role to m.ID.
func (tx *Tx) PutStaff(m StaffMember) error { panic("unimplemented") }

// RemoveStaff revokes a ledger-granted role.
func (tx *Tx) RemoveStaff(id string) error { panic("unimplemented") }

// ListStaff returns every ledger-granted member.
func (tx *Tx) ListStaff() ([]StaffMember, error) { panic("unimplemented") }

// --- customers ---

// CreateCustomer validates c, assigns c.ID and stores it. A phone already
// registered returns ErrDuplicatePhone.
func (tx *Tx) CreateCustomer(c *Customer) error { panic("unimplemented") }

// Customer returns the customer with id, or ErrCustomerNotFound.
func (tx *Tx) Customer(id string) (Customer, error) { panic("unimplemented") }

// PutCustomer stores changes to an existing customer (indexes follow).
func (tx *Tx) PutCustomer(c Customer) error { panic("unimplemented") }

// CustomerByPhone returns the customer with this phone (any accepted format).
func (tx *Tx) CustomerByPhone(phone string) (Customer, error) { panic("unimplemented") }

// CustomerByLink returns the customer a platform id is linked to.
func (tx *Tx) CustomerByLink(platformID string) (Customer, error) { panic("unimplemented") }

// FindCustomers returns customers matching query: an exact phone (any
// accepted format), a phone's last 4 digits, an id, or a name (exact matches
// first, then names starting with query), at most limit, never erased ones.
func (tx *Tx) FindCustomers(query string, limit int) ([]Customer, error) { panic("unimplemented") }

// ForEachCustomer calls fn for every customer in id order.
func (tx *Tx) ForEachCustomer(fn func(Customer) error) error { panic("unimplemented") }

// LinkCustomer links platform id to customer id with the consent given; it
// returns ErrNoConsent unless consent.Given. The profile is updated too.
func (tx *Tx) LinkCustomer(customerID, platformID string, consent Consent) error {
	panic("unimplemented")
}

// EraseCustomer removes the customer's personal data (name, phone, birthday,
// preferences, remarks, tags, links, note texts, feedback comments, link
// codes, profiles, sessions of linked users) and keeps anonymous counts. After
// the transaction commits, the store rewrites the file so no erased bytes
// remain in free pages.
func (tx *Tx) EraseCustomer(id string, at time.Time) error { panic("unimplemented") }

// --- notes ---

// AddNote validates n, assigns n.ID and stores it, updating the customer's
// visit stats and last visit and the follow-up index.
func (tx *Tx) AddNote(n *Note) error { panic("unimplemented") }

// Note returns the note with id.
func (tx *Tx) Note(id string) (Note, error) { panic("unimplemented") }

// NotesOf returns a customer's newest notes first, at most limit.
func (tx *Tx) NotesOf(customerID string, limit int) ([]Note, error) { panic("unimplemented") }

// ScanNotes calls fn for every note with from <= At < to, in time order.
func (tx *Tx) ScanNotes(from, to time.Time, fn func(Note) error) error { panic("unimplemented") }

// ScanFollowUps calls fn for every note whose follow-up date is in [from, to), not done ones and done ones alike.
func (tx *Tx) ScanFollowUps(from, to time.Time, fn func(Note) error) error { panic("unimplemented") }

// SetFollowUpDone marks a note's follow-up done.
func (tx *Tx) SetFollowUpDone(noteID string) error { panic("unimplemented") }

// --- visits ---

// RecordVisit counts a visit of the customer at at (a note or an earn does it
// too; at most one visit per customer per day is counted).
func (tx *Tx) RecordVisit(customerID string, at time.Time) error { panic("unimplemented") }

// ScanVisitStats calls fn for every customer's visit stats.
func (tx *Tx) ScanVisitStats(fn func(VisitStats) error) error { panic("unimplemented") }

// --- points ---

// AddPoints validates e, assigns e.ID and appends it. An entry that would
// make the balance negative returns ErrInsufficientPoints and changes nothing.
func (tx *Tx) AddPoints(e *PointsEntry) error { panic("unimplemented") }

// Balance returns a customer's points balance.
func (tx *Tx) Balance(customerID string) (int64, error) { panic("unimplemented") }

// PointsOf returns a customer's newest points entries first, at most limit.
func (tx *Tx) PointsOf(customerID string, limit int) ([]PointsEntry, error) { panic("unimplemented") }

// ScanPoints calls fn for every points entry with from <= At < to, in time order.
func (tx *Tx) ScanPoints(from, to time.Time, fn func(PointsEntry) error) error {
	panic("unimplemented")
}

// --- feedback ---

// AddFeedback validates f, assigns f.ID and stores it.
func (tx *Tx) AddFeedback(f *Feedback) error { panic("unimplemented") }

// Feedback returns the feedback with id.
func (tx *Tx) Feedback(id string) (Feedback, error) { panic("unimplemented") }

// FeedbackOf returns a customer's newest feedback first, at most limit.
func (tx *Tx) FeedbackOf(customerID string, limit int) ([]Feedback, error) { panic("unimplemented") }

// AnswerFeedback records who took care of a feedback.
func (tx *Tx) AnswerFeedback(id, by string, at time.Time) error { panic("unimplemented") }

// ScanFeedback calls fn for every feedback with from <= At < to, in time order.
func (tx *Tx) ScanFeedback(from, to time.Time, fn func(Feedback) error) error {
	panic("unimplemented")
}

// --- customers by time and birthday (summaries) ---

// ScanNewCustomers calls fn for every customer created in [from, to).
func (tx *Tx) ScanNewCustomers(from, to time.Time, fn func(Customer) error) error {
	panic("unimplemented")
}

// ScanBirthdays calls fn for every consenting, not erased customer whose
// birthday (month and day) falls in [from, to), year ignored.
func (tx *Tx) ScanBirthdays(from, to time.Time, fn func(Customer) error) error {
	panic("unimplemented")
}

// --- link codes ---

// PutLinkCode stores a one-time code for customerID, valid until expires.
func (tx *Tx) PutLinkCode(code, customerID string, expires time.Time) error { panic("unimplemented") }

// UseLinkCode consumes code and returns its customer id; an unknown, used or
// expired code returns ErrInvalidCode.
func (tx *Tx) UseLinkCode(code string, now time.Time) (string, error) { panic("unimplemented") }

// --- audit ---

// Audit appends e to the audit trail.
func (tx *Tx) Audit(e AuditEntry) error { panic("unimplemented") }

// ScanAudit calls fn for every audit entry in [from, to), in time order.
func (tx *Tx) ScanAudit(from, to time.Time, fn func(AuditEntry) error) error { panic("unimplemented") }

// --- phones ---

// NormalizePhone returns the digits of a Korean phone number in domestic form
// (010-1234-5678, 01012345678 and +82 10 1234 5678 all give 01012345678); ok
// is false for anything that is not a plausible phone number.
func NormalizePhone(s string) (digits string, ok bool) { panic("unimplemented") }
