package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// EraseCustomer removes the customer's personal data (name, phone, birthday,
// preferences, remarks, tags, links, note texts, feedback comments, points
// reasons, audit details, link codes, profiles and sessions of linked users)
// and keeps anonymous counts: ids, times, visit stats, amounts, ratings, NPS,
// points and note tags stay, so past weekly summaries do not change. Note
// tags are kept on purpose: they are categories a shop picks ("커트",
// "재방문"), not words about the person. The record stays with Erased and
// ErasedAt set. Erasing an erased customer does nothing.
//
// After the transaction commits, the store rewrites the file so no erased
// bytes remain in free pages.
func (tx *Tx) EraseCustomer(id string, at time.Time) error {
	k, ok := custKeyOf(id)
	if !ok {
		return fmt.Errorf("ledger: erase %q: %w", id, ErrCustomerNotFound)
	}
	c, err := tx.customer(k)
	if err != nil {
		return fmt.Errorf("ledger: erase %s: %w", id, err)
	}
	if c.Erased {
		// Nothing to erase, but a rewrite that failed after the first
		// erasure is retried when its flag is still set.
		if tx.bucket(bucketMeta).Get(metaRewrite) != nil {
			tx.erased = true
		}
		return nil
	}
	fail := func(err error) error { return fmt.Errorf("ledger: erase %s: %w", id, err) }

	if err := tx.indexCustomer(k, &c, false); err != nil {
		return fail(err)
	}
	for _, l := range c.Links {
		if err := tx.DeleteProfile(l); err != nil {
			return fail(err)
		}
		// Feedback they left before linking carries their platform id.
		if _, err := tx.EraseSender(l); err != nil {
			return fail(err)
		}
	}
	if err := tx.eraseSessions(c); err != nil {
		return fail(err)
	}
	if _, err := tx.deleteLinkCodes(func(v []byte) bool { return bytes.Equal(v[:8], k) }); err != nil {
		return fail(err)
	}
	err = forPrefix(tx.bucket(bucketCustNotes), k, func(nk []byte) error {
		n, err := tx.note(nk)
		if err != nil {
			return err
		}
		n.Text = ""
		return tx.bucket(bucketNotes).Put(nk, encodeNote(&n))
	})
	if err != nil {
		return fail(err)
	}
	err = forPrefix(tx.bucket(bucketCustFeedback), k, func(fk []byte) error {
		f, err := tx.feedback(fk)
		if err != nil {
			return err
		}
		f.Comment = ""
		return tx.bucket(bucketFeedback).Put(fk, encodeFeedback(&f))
	})
	if err != nil {
		return fail(err)
	}
	err = forPrefix(tx.bucket(bucketCustPoints), k, func(pk []byte) error {
		p, err := tx.pointsEntry(pk)
		if err != nil {
			return err
		}
		p.Reason = "" // free text a staff member typed, possibly about the person
		return tx.bucket(bucketPoints).Put(pk, encodePoints(&p))
	})
	if err != nil {
		return fail(err)
	}
	err = forPrefix(tx.bucket(bucketCustAudit), k, func(ak []byte) error {
		v := tx.bucket(bucketAudit).Get(ak)
		if v == nil {
			return nil
		}
		a, err := decodeAudit(ak, v)
		if err != nil {
			return err
		}
		a.Detail = ""
		return tx.bucket(bucketAudit).Put(ak, encodeAudit(&a))
	})
	if err != nil {
		return fail(err)
	}

	c = Customer{
		ID:        c.ID,
		Consent:   c.Consent,
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
	if err := tx.markRewrite(); err != nil {
		return fail(err)
	}
	return nil
}

// eraseSessions deletes the sessions of c's linked users (a private chat's
// key is the platform id, a group's starts with it) and any session whose
// draft is about c, since a half-typed note may quote them. Sessions are
// few (they expire within the hour), so a full scan is fine.
func (tx *Tx) eraseSessions(c Customer) error {
	b := tx.bucket(bucketSessions)
	var dead [][]byte
	cur := b.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if sessionOf(string(k), v, c) {
			dead = append(dead, append([]byte(nil), k...))
		}
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func sessionOf(key string, v []byte, c Customer) bool {
	for _, l := range c.Links {
		if key == l || strings.HasPrefix(key, l+":") {
			return true
		}
	}
	var s Session
	if json.Unmarshal(v, &s) != nil {
		return true // unreadable: cannot prove it is not about c
	}
	for _, d := range s.Draft {
		// A draft may list several candidates ("C3,C7") while staff pick one.
		if slices.Contains(strings.Split(d, ","), c.ID) || (c.Phone != "" && strings.Contains(d, c.Phone)) ||
			(utf8.RuneCountInString(c.Name) >= 2 && strings.Contains(d, c.Name)) {
			return true
		}
	}
	return false
}
