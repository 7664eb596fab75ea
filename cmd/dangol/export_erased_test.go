package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// erasedExport is what these tests read of a JSON export.
type erasedExport struct {
	Customers []struct {
		ID        string           `json:"id"`
		Erased    bool             `json:"erased"`
		Consent   exportConsent    `json:"consent"`
		Marketing *exportMarketing `json:"marketing"`
	} `json:"customers"`
	Audit []exportAudit `json:"audit"`
}

// readErasedExport runs dangol export on db (times in UTC) and decodes it.
func readErasedExport(t *testing.T, db string) erasedExport {
	t.Helper()
	r := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_TZ": "UTC"}, "", "export")
	if r.err != nil {
		t.Fatal(r.err)
	}
	var out erasedExport
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("export: %v\n%s", err, r.stdout)
	}
	return out
}

// TestExport_ErasedMarketing: the export of an erased customer shows no
// advertising consent as given. One who had consented reads withdrawn at
// the erasure (via "erasure"), the times it was given and confirmed kept
// as the record that the advertising sent before was consented to, and no
// birthday greeting's day (the erased birthday); one who had withdrawn
// keeps that withdrawal; one never asked has none. The base consent reads
// withdrawn at the erasure, as before.
func TestExport_ErasedMarketing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	at := time.Date(2026, 5, 13, 14, 0, 0, 0, time.UTC)
	erasedAt := at.Add(72 * time.Hour)
	const (
		given     = "C1"
		withdrawn = "C2"
		never     = "C3"
	)
	updateLedger(t, db, func(tx *ledger.Tx) error {
		for i, name := range []string{"김하늘", "이바다", "박산"} {
			c := &ledger.Customer{Name: name, Phone: "0101111222" + string(rune('0'+i)), CreatedAt: at}
			if err := tx.CreateCustomer(c); err != nil {
				return err
			}
			if err := tx.LinkCustomer(c.ID, "telegram:4"+string(rune('0'+i)), ledger.Consent{Given: true, At: at, Purpose: "loyalty+feedback"}); err != nil {
				return err
			}
		}
		for _, id := range []string{given, withdrawn} {
			if _, err := tx.SetMarketing(id, true, ledger.ViaStart, at); err != nil {
				return err
			}
		}
		day := time.Date(2026, 5, 14, 0, 0, 0, 0, time.UTC)
		if _, err := tx.MarkBirthday(given, day, day.Add(10*time.Hour), ledger.BirthdayBenefit{}, time.UTC); err != nil {
			return err
		}
		if _, err := tx.SetMarketing(withdrawn, false, ledger.ViaOptOut, at.Add(24*time.Hour)); err != nil {
			return err
		}
		for _, id := range []string{given, withdrawn, never} {
			if err := tx.EraseCustomer(id, erasedAt); err != nil {
				return err
			}
		}
		return nil
	})
	str := func(s string) *string { return &s }
	tests := []struct {
		id   string
		want *exportMarketing
	}{
		{given, &exportMarketing{GivenAt: str("2026-05-13T14:00:00Z"), ConfirmedAt: str("2026-05-13T14:00:00Z"),
			WithdrawnAt: str("2026-05-16T14:00:00Z"), Via: "erasure", AskedAt: str("2026-05-13T14:00:00Z")}},
		{withdrawn, &exportMarketing{GivenAt: str("2026-05-13T14:00:00Z"), ConfirmedAt: str("2026-05-13T14:00:00Z"),
			WithdrawnAt: str("2026-05-14T14:00:00Z"), Via: "optout", AskedAt: str("2026-05-13T14:00:00Z")}},
		{never, nil},
	}
	out := readErasedExport(t, db)
	if len(out.Customers) != len(tests) {
		t.Fatalf("customers: %d, want %d", len(out.Customers), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c := out.Customers[i]
			if c.ID != tt.id || !c.Erased {
				t.Fatalf("customer %d: %s erased %v, want %s erased", i, c.ID, c.Erased, tt.id)
			}
			if got, want := marshalOrFail(t, c.Marketing), marshalOrFail(t, tt.want); got != want {
				t.Errorf("marketing\n got %s\nwant %s", got, want)
			}
			if c.Consent.Given || !c.Consent.Withdrawn || c.Consent.WithdrawnAt == nil || *c.Consent.WithdrawnAt != "2026-05-16T14:00:00Z" {
				t.Errorf("consent %+v, want withdrawn at the erasure", c.Consent)
			}
		})
	}
}

// marshalOrFail is v as JSON, to compare records field by field in one
// line.
func marshalOrFail(t *testing.T, v any) string {
	t.Helper()
	b, err := marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExport_ErasedAudit: the export's audit lines about a customer erased
// since still name who read or changed the record and who erased it, a
// manager's erasure in chat with its time and ground (a record of
// destruction); the details, which may quote the customer, are empty, and
// the reason the manager typed is not kept.
func TestExport_ErasedAudit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dangol.db")
	env := map[string]string{"DANGOL_DB": db}
	r := runChat(t, env, strings.Join([]string{
		":as staff 민지",
		"/customer new 010-4815-1623 황보잔티페",
		"/customer 010-4815-1623",
		":as manager 사장",
		"/customer 010-4815-1623 삭제", "고객 요청 (전화)", "1",
	}, "\n")+"\n")
	if r.err != nil || !strings.Contains(r.stdout, "황보잔티페 고객의 개인정보를 지웠어요") {
		t.Fatalf("chat: %v\n%s", r.err, r.stdout)
	}
	out := readErasedExport(t, db)
	tests := []struct{ action, actor, detail string }{
		{"create", "console:민지", ""},
		{"read", "console:민지", ""},
		{"erase", "console:사장", ledger.EraseReasonManager}, // the ground, not the words typed
	}
	var lines []exportAudit
	for _, a := range out.Audit {
		if a.CustomerID == "C1" {
			lines = append(lines, a)
		}
	}
	if len(lines) != len(tests) {
		t.Fatalf("audit lines of C1: %+v, want %d", lines, len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			if a := lines[i]; a.Action != tt.action || a.Actor != tt.actor || a.Detail != tt.detail || a.At != "2026-11-30T10:00:00Z" {
				t.Errorf("line %d: %+v, want %s by %s (%q) at the chat's time", i, a, tt.action, tt.actor, tt.detail)
			}
		})
	}
}
