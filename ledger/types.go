package ledger

import (
	"errors"
	"time"
)

// Role is what a person may do with dangol.
type Role string

// Roles, from least to most trusted.
const (
	RoleNone     Role = ""
	RoleCustomer Role = "customer"
	RoleStaff    Role = "staff"
	RoleManager  Role = "manager"
)

// Actor is who did something: a staff member, a manager, a customer or dangol
// itself ("system").
type Actor struct {
	Channel string // "slack", "telegram", "console", "system"
	UserID  string
	Name    string
	Role    Role
}

// ID returns the actor's platform-qualified id, "channel:user".
func (a Actor) ID() string { return a.Channel + ":" + a.UserID }

// Consent is a customer's answer to what dangol keeps about them.
type Consent struct {
	Given    bool
	Declined bool
	At       time.Time
	Purpose  string // the purpose agreed to, e.g. "loyalty+feedback"
}

// Customer is one person in the shop's 고객관리장부.
type Customer struct {
	ID          string // assigned by CreateCustomer, short and stable
	Name        string
	Phone       string    // digits only, Korean mobiles as 01012345678
	Birthday    time.Time // zero if unknown; only month and day are used for reminders
	Preferences string
	Remarks     string   // 특이사항
	Tags        []string // as spelt (CleanTag), matched by key (NormalizeTag)
	Consent     Consent
	Links       []string // platform ids linked to this record, "telegram:12345"
	Lang        string   // preferred language, "" for unknown
	CreatedAt   time.Time
	// LastVisit and Visits are read from the visit stats (VisitStatsOf),
	// not stored with the record.
	LastVisit time.Time `json:"-"`
	Visits    int       `json:"-"`
	Erased    bool      // personal data removed by an erasure; counts kept
	ErasedAt  time.Time
}

// Note is a consultation note a staff member records after a consult.
type Note struct {
	ID           string // assigned by AddNote; sorts by time
	CustomerID   string
	StaffID      string // Actor.ID() of the author
	StaffName    string
	At           time.Time
	Text         string
	Tags         []string  // as spelt (CleanTag), matched by key (NormalizeTag)
	Amount       int64     // purchase amount in won, 0 if none
	FollowUp     time.Time // zero if none; a date (midnight local time)
	FollowUpDone bool
}

// PointsKind is the kind of a points entry.
type PointsKind string

// Points entry kinds.
const (
	PointsEarn   PointsKind = "earn"
	PointsRedeem PointsKind = "redeem"
	PointsAdjust PointsKind = "adjust"
	PointsExpire PointsKind = "expire"
)

// PointsEntry is one append-only change to a customer's points. Points is
// signed: positive for earn, negative for redeem and expire, either for adjust.
type PointsEntry struct {
	ID         string // assigned by AddPoints; sorts by time
	CustomerID string
	At         time.Time
	Kind       PointsKind
	Points     int64
	Amount     int64 // purchase amount in won that earned the points, if any
	ActorID    string
	Reason     string
	// Reverses is the id of the entry this adjust reverses (a correction,
	// 정정); empty for any other entry.
	Reverses string `json:",omitempty"`
	// ReversedBy is the id of the correction that reversed this entry, if
	// any. It is read from the index, not stored with the entry, which
	// stays as it was appended.
	ReversedBy string `json:",omitempty"`
	// NoteID is the note whose purchase this earn is (the note's
	// [적립] button, dialog): a note is earned for once. Empty for an
	// earn typed with /points add and for every other entry.
	NoteID string `json:",omitempty"`
}

// Feedback is one rating a customer left.
type Feedback struct {
	ID         string // assigned by AddFeedback; sorts by time
	CustomerID string // empty when the sender is not linked to a record
	At         time.Time
	Rating     int // 1–5
	NPS        int // 0–10, or NoNPS
	Comment    string
	AnsweredBy string // Actor.ID() of who took care of a low rating
	AnsweredAt time.Time
	// SenderID is the platform id ("telegram:12345") of a sender not linked
	// to a customer, kept so their erasure request can reach the comment;
	// empty when CustomerID is set.
	SenderID string
}

// NoNPS is Feedback.NPS when the customer gave no NPS answer.
const NoNPS = -1

// Session is a conversation's persisted state: the flow, its fsm state and
// the half-filled draft.
type Session struct {
	Key     string // channel + ":" + conversation id
	Flow    string
	State   string
	Draft   map[string]string
	Lang    string
	Updated time.Time
	// Expired names the flow the housekeeping sweep ended for being idle
	// (its draft is gone), so the next message can still say so; Flow is
	// then empty.
	Expired string `json:",omitempty"`
	// Erased says the flow Expired names was ended by the erasure of a
	// customer it was about (EraseCustomer): its draft went with them, and
	// the next message is told so rather than taken for an answer.
	Erased bool `json:",omitempty"`
}

// AuditEntry records a staff read or change of a customer record.
type AuditEntry struct {
	At         time.Time
	ActorID    string
	Action     string // "read", "note", "points", "link", "erase", …
	CustomerID string
	Detail     string
}

// StaffMember is a person granted a staff or manager role in the ledger.
type StaffMember struct {
	ID        string // platform-qualified, "slack:U123"
	Name      string `json:",omitempty"` // the display name given when granted, if any
	Role      Role
	GrantedBy string
	At        time.Time
}

// Errors returned by the ledger. Callers compare with errors.Is.
var (
	// ErrCustomerNotFound is returned when no customer matches an id, phone or link.
	ErrCustomerNotFound = errors.New("ledger: customer not found")
	// ErrDuplicatePhone is returned when a customer is created with a phone another customer has.
	ErrDuplicatePhone = errors.New("ledger: phone already registered")
	// ErrInsufficientPoints is returned when a redeem, expire or adjust would make a balance negative.
	ErrInsufficientPoints = errors.New("ledger: insufficient points")
	// ErrInvalidCode is returned when a link code is unknown, used or expired.
	ErrInvalidCode = errors.New("ledger: invalid or expired link code")
	// ErrNotFound is returned when a note, feedback or session id is unknown.
	ErrNotFound = errors.New("ledger: not found")
	// ErrNewerSchema is returned by Open when the file was written by a newer dangol.
	ErrNewerSchema = errors.New("ledger: file has a newer schema")
	// ErrLocked is returned by Open when another process holds the file.
	ErrLocked = errors.New("ledger: file is in use by another process")
	// ErrInvalid is returned (wrapped, with the reason) when a record fails Validate.
	ErrInvalid = errors.New("ledger: invalid record")
	// ErrNoConsent is returned when a platform id is linked to a customer who has not consented.
	ErrNoConsent = errors.New("ledger: customer has not consented")
)
