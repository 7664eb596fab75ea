package ledger

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The details an erasure's audit entry (action "erase", written after the
// erasure, so sealed under the shop key and kept) records: the ground of
// the erasure as a category that names nothing about the customer, where
// a reason typed by staff might (it is not kept). The retention run
// records its period instead ("2y", RetentionActor).
const (
	// EraseReasonManager is a manager's erasure on request (/customer …
	// 삭제), by that manager.
	EraseReasonManager = "manager"
	// EraseReasonSelf is the customer's own /forget, by SelfActor.
	EraseReasonSelf = "self"
	// EraseReasonRestored is an erasure made again by Open in a file that
	// still held the customer (a backup from before their erasure), by
	// RestoreActor at the time of the erasure it repeats: the backup has no
	// entry of the first, which was written after it was made.
	EraseReasonRestored = "restored"
)

// RestoreActor is the actor of the audit entry of an erasure made again in
// a restored file (EraseReasonRestored): dangol itself, from the
// erased-keys list or another copy's record.
const RestoreActor = "system:restore"

// SelfActor is the actor of the audit entry of a customer's own erasure:
// the person themselves, named so, since their platform id goes with them.
const SelfActor = "customer:self"

// EraseCustomer erases the customer by crypto-shredding: their data key is
// deleted, so everything sealed under it (name, phone, birthday,
// preferences, remarks, tags, links, note texts, feedback comments, points
// reasons, audit details; the actors of audit and points entries are
// sealed under the shop key too and stay, but for the customer's own chat
// ids) no longer opens, in this file, in its
// free pages and in every backup (with the erased-keys list, see
// Options.ErasedKeys). In the same transaction the indexes, link codes,
// profiles and sessions of the customer go (another's flow about them
// ends, its draft with it: Session.Erased), and the record stays with
// Erased and ErasedAt set; an advertising consent given is withdrawn at
// at (ViaErasure), its last birthday greeting's day dropped. Anonymous counts stay: ids, times, visit stats,
// amounts, ratings, NPS, points and note tags, so past weekly summaries do
// not change. Note tags are kept on purpose: they are categories a shop
// picks ("커트", "재방문"), not words about the person. Erasing an erased
// customer does nothing (but shreds a key still left, as in a restored
// backup). Their threads still open are closed, by ThreadClosedByErasure.
func (tx *Tx) EraseCustomer(id string, at time.Time) error {
	k, ok := custKeyOf(id)
	if !ok {
		return fmt.Errorf("ledger: erase %q: %w", id, ErrCustomerNotFound)
	}
	c, err := tx.customer(k)
	if err != nil {
		return fmt.Errorf("ledger: erase %s: %w", id, err)
	}
	fail := func(err error) error { return fmt.Errorf("ledger: erase %s: %w", id, err) }
	if c.Erased {
		// A restored backup may still hold their waiting replies.
		if _, err := tx.eraseOutbox(k); err != nil {
			return fail(err)
		}
		if err := tx.shred(bucketKeys, k, at); err != nil {
			return fail(err)
		}
		return nil
	}

	// Their open questions and complaints close, by ThreadClosedByErasure:
	// nobody is left to answer, and an open one kept /inbox, the SLA check
	// and the staff channel's buttons asking for an answer that cannot go.
	if err := tx.closeThreadsOf(k, at); err != nil {
		return fail(err)
	}
	if err := tx.indexCustomer(k, &c, false); err != nil {
		return fail(err)
	}
	for _, l := range c.Links {
		if err := tx.DeleteProfile(l); err != nil {
			return fail(err)
		}
		// Feedback they left before linking carries their platform id.
		if _, err := tx.eraseSenderBlind(tx.senderBlind(l), at); err != nil {
			return fail(err)
		}
	}
	if err := tx.eraseSessions(c, at); err != nil {
		return fail(err)
	}
	if _, err := tx.deleteLinkCodes(func(v []byte) bool { return bytes.Equal(v[:8], k) }); err != nil {
		return fail(err)
	}
	if err := tx.eraseOutreach(k); err != nil {
		return fail(err)
	}
	if err := tx.eraseCouponWords(k); err != nil {
		return fail(err)
	}
	// Advertising consent ends with the erasure: left given, the record
	// read as consenting in the export and to every advertising check.
	if err := tx.eraseMarketing(k, at); err != nil {
		return fail(err)
	}
	// Replies to them (or quoting them) still waiting go unsent: sealed
	// under their key, they would not open after the shred anyway.
	if _, err := tx.eraseOutbox(k); err != nil {
		return fail(err)
	}
	if err := tx.shred(bucketKeys, k, at); err != nil {
		return fail(err)
	}
	c = Customer{
		ID:        c.ID,
		Consent:   c.Consent,
		Lang:      c.Lang,
		CreatedAt: c.CreatedAt,
		Erased:    true,
		ErasedAt:  at,
	}
	if err := tx.putCustomer(k, &c); err != nil {
		return fail(err)
	}
	if err := tx.bucket(bucketErased).Put(k, []byte{}); err != nil {
		return fail(err)
	}
	// What is left to index (the creation time) keeps new-customer counts.
	if err := tx.indexCustomer(k, &c, true); err != nil {
		return fail(err)
	}
	return nil
}

// eraseSessions deletes the sessions of c's linked users (a private chat's
// key is the platform id, a group's starts with it) and ends any other
// session whose draft is about c, since a half-typed note may quote them:
// its draft goes, and a stub naming the flow stays (Session.Erased), so
// the staff member's next answer is told the flow ended and why instead
// of being read as a new message. Sessions are few (they expire within
// the hour), so a full scan is fine.
func (tx *Tx) eraseSessions(c Customer, at time.Time) error {
	b := tx.bucket(bucketSessions)
	var dead [][]byte
	var ended []Session
	cur := b.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		s, err := tx.decodeSession(k, v)
		switch {
		case err != nil, linkedSession(s, c):
			// unreadable: cannot prove it is not about c
			dead = append(dead, append([]byte(nil), k...))
		case s.Flow != "" && sessionOf(s, c):
			ended = append(ended, Session{Key: s.Key, State: s.State, Lang: s.Lang, Updated: at, Expired: s.Flow, Erased: true})
		case sessionOf(s, c):
			dead = append(dead, append([]byte(nil), k...))
		}
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	for _, s := range ended {
		if err := tx.PutSession(s); err != nil {
			return err
		}
	}
	return nil
}

// linkedSession reports whether s is the conversation of one of c's
// linked users: theirs, so it goes whole.
func linkedSession(s Session, c Customer) bool {
	for _, l := range c.Links {
		if s.Key == l || strings.HasPrefix(s.Key, l+":") {
			return true
		}
	}
	return false
}

// sessionOf reports whether s's draft names c (their id, phone or name).
func sessionOf(s Session, c Customer) bool {
	for _, d := range s.Draft {
		// A draft may list several candidates ("C3,C7") while staff pick one.
		if slices.Contains(strings.Split(d, ","), c.ID) || (c.Phone != "" && strings.Contains(d, c.Phone)) ||
			(utf8.RuneCountInString(c.Name) >= 2 && strings.Contains(d, c.Name)) {
			return true
		}
	}
	return false
}
