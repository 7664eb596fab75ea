package dialog

import (
	"fmt"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// benchCustomers is the size of the shop BenchmarkCustomers lists.
const benchCustomers = 100_000

// seedMany registers n customers: every 10th tagged vip, every 7th with a
// note tagged 펌, visits spread over 0–24 in the last 400 days, half with
// a consented birthday, registered over the last 500 days.
func seedMany(tb testing.TB, h *harness, n int) {
	tb.Helper()
	day := 24 * time.Hour
	const chunk = 5000
	for start := 0; start < n; start += chunk {
		h.update(func(tx *ledger.Tx) error {
			for i := start; i < min(n, start+chunk); i++ {
				c := ledger.Customer{Name: fmt.Sprintf("손님%d", i), Phone: fmt.Sprintf("010%08d", i),
					CreatedAt: t0.Add(-time.Duration(1+i%500) * day)}
				if i%10 == 0 {
					c.Tags = []string{"vip"}
				}
				if i%2 == 0 {
					c.Consent = ledger.Consent{Given: true, At: c.CreatedAt, Purpose: ConsentPurpose}
					c.Birthday = time.Date(1990, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
				}
				if err := tx.CreateCustomer(&c); err != nil {
					return err
				}
				if v := i % 25; v > 0 {
					last := t0.Add(-time.Duration(1+i%200) * day)
					first := last
					if v > 1 {
						first = last.Add(-time.Duration(v*(10+i%30)) * day)
					}
					if err := tx.ImportVisits(c.ID, v, first, last); err != nil {
						return err
					}
				}
				if i%7 == 0 {
					nt := ledger.Note{CustomerID: c.ID, StaffID: "slack:" + staffID, At: t0.Add(-time.Duration(i%300) * day), Text: "펌 상담", Tags: []string{"펌"}}
					if err := tx.AddNote(&nt); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
}

// BenchmarkCustomers answers /customers over 100,000 customers through the
// engine: the count, the first page and its audit entries, committed. The
// issue asks under 50 ms for a tag or tier filter and under 300 ms for the
// others.
func BenchmarkCustomers(b *testing.B) {
	h := mustOpenHarness(b, nil, "ko")
	seedMany(b, h, benchCustomers)
	for _, filter := range []string{"#vip", "VIP", "단골", "일반", "#펌", "생일 3월", "뜸한", "최근 30일", "90일 이상", "신규 30일", "#펌 90일 이상"} {
		b.Run(filter, func(b *testing.B) {
			for b.Loop() {
				rs := h.send(staffMsg("/customers " + filter))
				if len(rs) != 1 || len(rs[0].Sections) != 1 {
					b.Fatalf("/customers %s answered %q", filter, allText(rs))
				}
			}
		})
	}
	// The CSV of 10,000 customers, each audited: the one answer that
	// writes in proportion to its size.
	b.Run("csv #vip", func(b *testing.B) {
		for b.Loop() {
			h.send(staffMsg("/customers #vip"))
			rs := h.send(press(staffMsg(""), "csv"))
			if len(rs) != 1 || rs[0].File == nil {
				b.Fatalf("csv answered %q", allText(rs))
			}
		}
	})
}
