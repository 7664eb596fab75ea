package ledger

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// dumpLedger renders everything a ledger holds that its API can list, through
// that API only, as indented JSON: the migration test compares the dump of the
// schema-1 fixture (made by the code of its day, testdata/v1.dump.json) with
// the dump of the same file once migrated.
func dumpLedger(tb testing.TB, s *Store, profiles, sessions []string) []byte {
	tb.Helper()
	type dump struct {
		Customers []Customer
		Notes     []Note
		Points    []PointsEntry
		Balances  map[string]int64
		Feedback  []Feedback
		Audit     []AuditEntry
		Sessions  []Session
		Profiles  []Profile
		Staff     []StaffMember
		Visits    []VisitStats
		Found     map[string][]string
	}
	var d dump
	d.Balances = map[string]int64{}
	d.Found = map[string][]string{}
	all := [2]time.Time{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	mustView(tb, s, func(tx *Tx) error {
		err := tx.ForEachCustomer(func(c Customer) error {
			d.Customers = append(d.Customers, c)
			b, err := tx.Balance(c.ID)
			d.Balances[c.ID] = b
			return err
		})
		if err != nil {
			return err
		}
		if err := tx.ScanNotes(all[0], all[1], func(n Note) error { d.Notes = append(d.Notes, n); return nil }); err != nil {
			return err
		}
		if err := tx.ScanPoints(all[0], all[1], func(p PointsEntry) error { d.Points = append(d.Points, p); return nil }); err != nil {
			return err
		}
		if err := tx.ScanFeedback(all[0], all[1], func(f Feedback) error { d.Feedback = append(d.Feedback, f); return nil }); err != nil {
			return err
		}
		if err := tx.ScanAudit(all[0], all[1], func(a AuditEntry) error { d.Audit = append(d.Audit, a); return nil }); err != nil {
			return err
		}
		for _, k := range sessions {
			ss, ok, err := tx.Session(k)
			if err != nil {
				return err
			}
			if ok {
				d.Sessions = append(d.Sessions, ss)
			}
		}
		for _, id := range profiles {
			p, err := tx.Profile(id)
			if err != nil {
				return err
			}
			d.Profiles = append(d.Profiles, p)
		}
		var err2 error
		if d.Staff, err2 = tx.ListStaff(); err2 != nil {
			return err2
		}
		if err := tx.ScanVisitStats(func(v VisitStats) error { d.Visits = append(d.Visits, v); return nil }); err != nil {
			return err
		}
		for _, q := range []string{"01012345678", "5678", "김하늘", "김", "Park", "C2"} {
			cs, err := tx.FindCustomers(q, 0)
			if err != nil {
				return err
			}
			for _, c := range cs {
				d.Found[q] = append(d.Found[q], c.ID)
			}
		}
		return nil
	})
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		tb.Fatal(fmt.Errorf("dump: %w", err))
	}
	return b
}

// v1Profiles and v1Sessions are the profile ids and session keys the
// schema-1 fixture holds (neither can be listed through the API).
var (
	v1Profiles = []string{"telegram:424242", "telegram:777"}
	v1Sessions = []string{"telegram:424242", "slack:C9:U1"}
)
