package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestChat_Advertising is advertising consent and a birthday in the
// console, in Korean and English: after the link the customer is asked
// the optional [혜택·이벤트 소식 받기 (선택)] and says no; /marketing shows
// it and turns it on; the manager's birthday benefit is 2,000P; :time to
// the birthday's 10:00 sends the greeting as an advertising message
// ("→ [고객 4242] (광고) 단골미용실 …" with [수신 거부]), once; [수신 거부]
// withdraws in one tap and says the date, and /marketing and /mydata show
// it; a day later nothing more is sent. Goldens: testdata/ads.<lang>.golden.
func TestChat_Advertising(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			script := strings.Join([]string{
				":as manager 사장",
				"/program birthday 2,000P",
				":as staff 민지",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				"2", // [받지 않을게요]
				"/marketing",
				"1", // [소식 받기]
				"/marketing off",
				"/marketing on",
				"/birthday 5/14",
				":as staff 민지",
				":time 2026-05-14 10:30",
				":as customer 4242",
				"1", // the greeting's [수신 거부]
				"/marketing",
				"/mydata",
				":as staff 민지",
				":time +1d", // nothing more
			}, "\n") + "\n"
			tr := shopChat(t, lang, script)
			to := testCatalog.Text(lang, "console.to.customer", map[string]any{"User": "4242"})
			ad := to + " " + testCatalog.Text(lang, "ads.header", map[string]any{"Shop": testShop, "Contact": testContact})
			if n := strings.Count(tr, ad); n != 1 {
				t.Errorf("advertising messages: %d, want the one birthday greeting:\n%s", n, tr)
			}
			off := testCatalog.Text(lang, "ads.set.off", map[string]any{"Shop": "단골미용실", "Date": "2026-05-14"})
			if !strings.Contains(tr, off) {
				t.Errorf("[수신 거부] is not confirmed with its date (%q):\n%s", off, tr)
			}
			// From the first line after the banner, which names the
			// rehearsal copy's temporary path.
			assertGoldenFrom(t, tr, "> :as manager 사장", "ads."+lang+".golden")
		})
	}
}

// TestExport_Marketing: the JSON export carries the advertising consent
// with its times and how it changed, and leaves it out for a customer
// never asked.
func TestExport_Marketing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	s, err := ledger.Open(db, testLedgerOptions(t, db))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 13, 14, 0, 0, 0, time.UTC)
	err = s.Update(context.Background(), func(tx *ledger.Tx) error {
		for _, c := range []*ledger.Customer{{Name: "김하늘", Phone: "01048151623", CreatedAt: at}, {Name: "이바다", Phone: "01011112222", CreatedAt: at}} {
			if err := tx.CreateCustomer(c); err != nil {
				return err
			}
		}
		if _, err := tx.SetMarketing("C1", true, ledger.ViaStart, at); err != nil {
			return err
		}
		_, err := tx.SetMarketing("C1", false, ledger.ViaOptOut, at.Add(24*time.Hour))
		return err
	})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	r := runMain(t, map[string]string{"DANGOL_DB": db, "DANGOL_TZ": "UTC"}, "", "export")
	if r.err != nil {
		t.Fatal(r.err)
	}
	var out struct {
		Customers []struct {
			ID        string           `json:"id"`
			Marketing *exportMarketing `json:"marketing"`
		} `json:"customers"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("export: %v\n%s", err, r.stdout)
	}
	if len(out.Customers) != 2 {
		t.Fatalf("customers: %d, want 2\n%s", len(out.Customers), r.stdout)
	}
	m := out.Customers[0].Marketing
	if m == nil || m.Given || m.Via != "optout" || m.GivenAt == nil || *m.GivenAt != "2026-05-13T14:00:00Z" ||
		m.WithdrawnAt == nil || *m.WithdrawnAt != "2026-05-14T14:00:00Z" {
		t.Errorf("C1's marketing: %+v\n%s", m, r.stdout)
	}
	if out.Customers[1].Marketing != nil {
		t.Errorf("C2 was never asked, and the export has %+v", out.Customers[1].Marketing)
	}
}
