package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

// TestChat_LoyaltyRehearsal is issue 13's console script with :time: a
// manager sets points to expire after 2 months, a linked customer earns
// 1,200P and gets a coupon for 3 days. The coupon is listed on its last
// day and gone a minute after it; 30 days before the points' end the
// customer is told once, and the day after their last (2 months from the
// earn's day, 민법 제160조), once more.
func TestChat_LoyaltyRehearsal(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	db := filepath.Join(t.TempDir(), "dangol.db")
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	script := strings.Join([]string{
		":as manager 사장",
		"/program expire 2개월",
		"/customer new 010-1234-5678 김하늘",
		"/link 010-1234-5678",
		":as customer 42",
		"/start", "1", "815887",
		":as staff 민지",
		"/points add 010-1234-5678 24000",
		"/coupon give 010-1234-5678 10% 3일",
		":time 2026-05-15 23:59",
		"/coupon 010-1234-5678",
		":time 2026-05-16 00:01",
		"/coupon use 010-1234-5678",
		":time 2026-06-13 23:00",
		":time 2026-06-14 10:01",
		":time 2026-07-13 23:00",
		":time 2026-07-14 10:01",
		":as customer 42",
		"/points",
	}, "\n") + "\n"
	var out, logs bytes.Buffer
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(script), Stdout: &out, Stderr: &logs,
		Getenv:  func(k string) string { return map[string]string{"DANGOL_DB": db}[k] },
		Now:     func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, seoul) },
		NewCode: func() string { return "815887" },
	}
	err = m.Run(context.Background(), []string{"chat", "--at", "2026-05-13T14:00"})
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil || strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("chat: %v\n%s\n%s", err, out.String(), logs.String())
	}
	tr := out.String()
	const staff, cust = "민지(직원)", "42(고객)"
	if got, _ := answer(t, tr, staff, "/coupon give 010-1234-5678 10% 3일"); !strings.Contains(got, "2026-05-15까지") || !strings.Contains(got, "→ [고객 42] 🎟️ 쿠폰이 도착했어요: 10% 할인") {
		t.Errorf("coupon given:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, "/coupon 010-1234-5678"); !strings.Contains(got, "10% 할인 · 코드") {
		t.Errorf("on its last day the coupon is not listed:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, "/coupon use 010-1234-5678"); !strings.Contains(got, "김하늘님이 지금 쓸 수 있는 쿠폰이 없어요.") {
		t.Errorf("after its last day the coupon is still offered:\n%s", got)
	}
	soon := "→ [고객 42] 1,200P가 2026-07-14에 소멸돼요. 2026-07-13까지 사용해 주세요."
	gone := "→ [고객 42] 유효기간이 지나 1,200P가 소멸됐어요."
	if n := strings.Count(tr, soon); n != 1 {
		t.Errorf("the notice 30 days ahead is told %d times, want once:\n%s", n, tr)
	}
	if got, _ := answer(t, tr, staff, ":time 2026-06-13 23:00"); strings.Contains(got, "→ [고객 42]") {
		t.Errorf("told before 30 days ahead:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, ":time 2026-06-14 10:01"); !strings.Contains(got, soon) {
		t.Errorf("not told 30 days ahead, at the 10:00 run:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, ":time 2026-07-14 10:01"); !strings.Contains(got, gone) {
		t.Errorf("the expiry is not told:\n%s", got)
	}
	if n := strings.Count(tr, gone); n != 1 {
		t.Errorf("the expiry is told %d times, want once", n)
	}
	if got, _ := answer(t, tr, cust, "/points"); !strings.Contains(got, "김하늘님의 포인트: 0P") {
		t.Errorf("after the expiry:\n%s", got)
	}
}

// TestExport_Loyalty: the JSON export carries each customer's stored tier,
// stamp card and entries, coupons with their state at the export (used,
// expired past its last day, valid), point lots with their end, and every
// version of the programme.
func TestExport_Loyalty(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shop.db")
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, seoul) }
	s := mustOpenStore(t, db)
	err = s.Update(context.Background(), func(tx *ledger.Tx) error {
		c := &ledger.Customer{Name: "김하늘", Phone: "01012345678", CreatedAt: at(1, 10)}
		if err := tx.CreateCustomer(c); err != nil {
			return err
		}
		steps := []error{}
		_, err := tx.SetExpiry(ledger.ExpiryRules{Months: 12}, "slack:UM", at(1, 11))
		steps = append(steps, err)
		_, err = tx.SetStamps(ledger.StampRules{Goal: 3, Reward: ledger.CouponBenefit{Kind: ledger.BenefitItem, Item: "아메리카노 1잔"}}, "slack:UM", at(1, 11))
		steps = append(steps, err)
		steps = append(steps, tx.AddPoints(&ledger.PointsEntry{CustomerID: c.ID, At: at(2, 12), Kind: ledger.PointsEarn, Points: 500, Amount: 10000, ActorID: "slack:U1"}))
		_, err = tx.AddStamps(c.ID, 4, "slack:U1", "라떼", at(3, 12), seoul) // a full card: the reward, 1 left
		steps = append(steps, err)
		cp, err := tx.IssueCoupon(ledger.CouponSpec{CustomerID: c.ID, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitPercent, Percent: 10}, Days: 2, ActorID: "slack:U1", Note: "사과의 뜻"}, at(4, 12), seoul)
		steps = append(steps, err)
		if err == nil {
			_, err = tx.UseCoupon(c.ID, cp.Code, "slack:U2", at(5, 12))
			steps = append(steps, err)
		}
		_, err = tx.IssueCoupon(ledger.CouponSpec{CustomerID: c.ID, Benefit: ledger.CouponBenefit{Kind: ledger.BenefitWon, Won: 5000}, Days: 1, ActorID: "slack:U1"}, at(6, 12), seoul)
		steps = append(steps, err)
		_, err = tx.PinTier(c.ID, ledger.TierVIP, "slack:UM", at(7, 12), seoul)
		steps = append(steps, err)
		return errors.Join(steps...)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	export := func(args ...string) bytes.Buffer {
		t.Helper()
		var out, logs bytes.Buffer
		m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdout: &out, Stderr: &logs, Stdin: strings.NewReader(""),
			Getenv: func(k string) string { return map[string]string{"DANGOL_DB": db}[k] },
			Now:    func() time.Time { return at(20, 9) }}
		err := m.Run(context.Background(), append([]string{"export"}, args...))
		if cerr := m.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatalf("export %v: %v\n%s", args, err, logs.String())
		}
		return out
	}
	// The CSV's loyalty columns, after the older ones: the pinned tier (as
	// the shop calls it), the stamp left on the card after the reward, and
	// the one coupon still valid (the reward's), counted and named.
	csvOut := export("--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(csvOut.String())).ReadAll()
	if err != nil || len(rows) != 2 || !strings.HasSuffix(strings.Join(rows[0][:12], ","), ",created_at,tier,stamps,coupons_valid") {
		t.Fatalf("CSV export (%v):\n%s", err, csvOut.String())
	}
	if got := strings.Join(rows[1][9:13], "|"); !strings.HasPrefix(got, "VIP|1|1|아메리카노 1잔 (2026-12-02까지, 코드 ") {
		t.Errorf("CSV loyalty cells %q:\n%s", got, csvOut.String())
	}
	out := export()
	var got struct {
		Customers []struct {
			Loyalty *exportLoyalty `json:"loyalty"`
		} `json:"customers"`
		Programme []exportProgramme `json:"programme"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(got.Customers) != 1 || got.Customers[0].Loyalty == nil {
		t.Fatalf("no loyalty in the export:\n%s", out.String())
	}
	l := got.Customers[0].Loyalty
	if l.Tier == nil || l.Tier.Tier != ledger.TierVIP || !l.Tier.Pinned {
		t.Errorf("tier = %+v", l.Tier)
	}
	if st := l.Stamps; st == nil || st.OnCard != 1 || st.Total != 4 || st.Rewards != 1 || len(st.Entries) != 1 || st.Entries[0].Reason != "라떼" {
		t.Errorf("stamps = %+v", st)
	}
	states := map[string]string{}
	for _, c := range l.Coupons {
		states[c.Benefit.String()] = c.State
	}
	if len(l.Coupons) != 3 || states["item:아메리카노 1잔"] != "valid" || states["10%"] != "used" || states["5000won"] != "expired" {
		t.Errorf("coupons = %+v", l.Coupons)
	}
	if len(l.Lots) != 1 || l.Lots[0].Entry != 1 || l.Lots[0].Remaining != 500 || l.Lots[0].Expires == nil || *l.Lots[0].Expires != "2027-11-03" { // usable through 2027-11-02
		t.Errorf("lots = %+v", l.Lots)
	}
	if len(got.Programme) != 2 || got.Programme[0].Changed != "expiry" || got.Programme[1].Rules.Stamps.Goal != 3 || got.Programme[1].Rules.Expiry.Months != 12 {
		t.Errorf("programme = %+v", got.Programme)
	}
	for _, secret := range []string{"사과의 뜻", "slack:U2"} {
		if !strings.Contains(out.String(), secret) {
			t.Errorf("the export lacks %q (a coupon's note and who used it)", secret)
		}
	}
}

// TestImport_PointsLot: a spreadsheet's points column becomes one lot,
// dated at the import and expiring under the programme then in force.
func TestImport_PointsLot(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	s := mustOpenStore(t, db)
	err := s.Update(context.Background(), func(tx *ledger.Tx) error {
		_, err := tx.SetExpiry(ledger.ExpiryRules{Months: 6}, "slack:UM", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		return err
	})
	if err == nil {
		err = s.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(sheet, []byte("이름,전화번호,포인트\n김하늘,010-1234-5678,\"1,750\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "import", sheet); r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	after := time.Now()
	s = mustOpenStore(t, db)
	err = s.View(context.Background(), func(tx *ledger.Tx) error {
		c, err := tx.CustomerByPhone("01012345678")
		if err != nil {
			return err
		}
		lots, err := tx.LotsOf(c.ID)
		if err != nil {
			return err
		}
		if len(lots) != 1 || lots[0].Points != 1750 || lots[0].Remaining != 1750 || lots[0].Months != 6 || after.Sub(lots[0].At) > time.Hour {
			t.Errorf("lots = %+v, want one of 1,750 points made at the import, expiring after 6 months", lots)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
