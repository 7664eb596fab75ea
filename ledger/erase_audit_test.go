package ledger

import (
	"testing"
	"time"
)

// TestEraseCustomer_AuditActor: after a customer's erasure the audit trail
// still says who read or changed their record, and who erased it (a
// record of destruction: who erased whom and when); the details, which may
// quote them, are gone. An entry written before the actor was sealed under
// the shop key too (no trailing field) loses its actor with the key, as it
// always did, and still reads; before the erasure it reads whole, as a
// build from before reads a new entry.
func TestEraseCustomer_AuditActor(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "황보다솜", "01087654321")
	const secret = "looked-up-dasom-8812"
	erasedAt := t0.Add(72 * time.Hour)
	entries := []AuditEntry{
		{At: t0, ActorID: "slack:U1", Action: "read", CustomerID: c.ID, Detail: secret},
		{At: t0.Add(time.Hour), ActorID: "slack:U2", Action: "note", CustomerID: c.ID, Detail: "N1"},
		{At: t0.Add(2 * time.Hour), ActorID: "slack:UOLD", Action: "read", CustomerID: c.ID, Detail: secret},
		{At: t0.Add(3 * time.Hour), ActorID: "slack:UM", Action: "audit", Detail: "slack:U1"},
	}
	const old = 2 // entries[old] is stored as an earlier dangol wrote it
	mustUpdate(t, s, func(tx *Tx) error {
		// A clear note tag, for assertNotInFile to show its search works.
		if err := tx.AddNote(&Note{CustomerID: c.ID, StaffID: "slack:U2", At: t0, Text: "상담", Tags: []string{"커트"}}); err != nil {
			return err
		}
		for _, e := range entries {
			if err := tx.Audit(e); err != nil {
				return err
			}
		}
		// Strip the trailing actor off one entry: the format before it.
		k := timeKey(entries[old].At, 3)
		st, err := decodeAudit(k, tx.get(bucketAudit, k))
		if err != nil || st.Action != "read" || len(st.actor) == 0 {
			t.Fatalf("entry %d as stored: %+v, %v; want a shop-sealed actor", old, st, err)
		}
		return tx.bucket(bucketAudit).Put(k, encodeAudit(&st.AuditEntry, st.keyKind, st.sealed, nil))
	})
	// Before the erasure every entry reads whole, the old one too.
	mustView(t, s, func(tx *Tx) error {
		i := 0
		return tx.ScanAudit(time.Time{}, erasedAt, func(a AuditEntry) error {
			if a.ActorID != entries[i].ActorID || a.Detail != entries[i].Detail {
				t.Errorf("before the erasure, entry %d reads %+v, want %+v", i, a, entries[i])
			}
			i++
			return nil
		})
	})
	mustUpdate(t, s, func(tx *Tx) error {
		if err := tx.EraseCustomer(c.ID, erasedAt); err != nil {
			return err
		}
		// As dialog and the retention run record it: after the erasure.
		return tx.Audit(AuditEntry{At: erasedAt, ActorID: "slack:UM", Action: "erase", CustomerID: c.ID, Detail: "manager"})
	})
	tests := []struct {
		name          string
		actor, detail string
	}{
		{"OK_ReadKeepsActor", "slack:U1", ""},
		{"OK_NoteKeepsActor", "slack:U2", ""},
		{"OK_OldEntryLosesActor", "", ""},
		{"OK_NoCustomerWhole", "slack:UM", "slack:U1"},
		{"OK_ErasureWhole", "slack:UM", "manager"},
	}
	var got []AuditEntry
	mustView(t, s, func(tx *Tx) error {
		return tx.ScanAudit(time.Time{}, erasedAt.Add(time.Hour), func(a AuditEntry) error { got = append(got, a); return nil })
	})
	if len(got) != len(tests) {
		t.Fatalf("entries after the erasure: %+v, want %d", got, len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got[i].ActorID != tt.actor || got[i].Detail != tt.detail {
				t.Errorf("entry %d reads actor %q detail %q, want %q %q", i, got[i].ActorID, got[i].Detail, tt.actor, tt.detail)
			}
		})
	}
	t.Run("OK_AuditBy", func(t *testing.T) {
		// /audit @staff finds the staff member's reads of the erased record.
		mustView(t, s, func(tx *Tx) error {
			es, err := tx.AuditBy("slack:U1", 0)
			if err != nil || len(es) != 1 || es[0].ActorID != "slack:U1" || es[0].CustomerID != c.ID || es[0].Detail != "" {
				t.Errorf("AuditBy slack:U1: %+v, %v", es, err)
			}
			return err
		})
	})
	assertNotInFile(t, s.Path(), secret)
}
