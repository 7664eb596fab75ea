package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/internal/testdamage"
	"github.com/dangol/dangol/ledger"
)

// TestDamagedRecords: a customer record and a note that do not read
// (bytes changed inside their values) used to make /customers and that
// customer's card answer "try again later", for good. Now the list shows
// the others and says how many could not be read, the card shows the other
// notes and says one could not, and the damaged customer's own card says
// the record is damaged and to have the file restored.
func TestDamagedRecords(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.customer("손님가", "010-1000-0001")
	h.customer("손님나", "010-1000-0002")
	a := h.byPhone("01010000001").ID
	h.customer("손님다", "010-1000-0003")
	h.update(func(tx *ledger.Tx) error {
		for i, text := range []string{"첫 상담 메모", "둘째 상담 메모"} {
			n := ledger.Note{CustomerID: a, StaffID: "slack:" + staffID, At: h.now().Add(time.Duration(i-48) * time.Hour), Text: text}
			if err := tx.AddNote(&n); err != nil {
				return err
			}
		}
		return nil
	})
	h.close()
	testdamage.Flip(t, h.path, "customers", 1, -1) // 손님나: does not open
	testdamage.Flip(t, h.path, "notes", 0, -1)     // 손님가's first note
	h.open()

	tests := []struct {
		name      string
		msg       Message
		failed    bool // answered by the engine's failure path (logged)
		want, not []string
	}{
		{"list", staffMsg("/customers"), false,
			[]string{"손님가", "손님다", h.text("customers.damaged", map[string]any{"Count": 1})},
			[]string{"손님나", h.text("core.err.internal", nil)}},
		{"card with a damaged note", staffMsg("/customer 010-1000-0001"), false,
			[]string{"둘째 상담 메모", h.text("core.card.notes_damaged", map[string]any{"Count": 1})},
			[]string{"첫 상담 메모", h.text("core.err.internal", nil)}},
		{"damaged customer's card", staffMsg("/customer 010-1000-0002"), true,
			[]string{h.text("core.err.damaged", map[string]any{"DB": h.path})}, // the file by its name
			[]string{h.text("core.err.internal", nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := h.try(tt.msg)
			if (err != nil) != tt.failed {
				t.Errorf("err %v, want failed %v", err, tt.failed)
			}
			got := allText(rs)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply does not say %q:\n%s", w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("reply says %q:\n%s", w, got)
				}
			}
			h.try(staffMsg("/cancel"))
		})
	}
}
