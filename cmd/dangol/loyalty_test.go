package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestChat_LoyaltyRehearsal is issue 13's console script with :time: a
// manager sets points to expire after 2 months, a linked customer earns
// 1,200P and gets a coupon for 3 days. The coupon is listed on its last
// day and gone a minute after it; 30 days before the points' end the
// customer is told once, and on the day they expire, once more.
func TestChat_LoyaltyRehearsal(t *testing.T) {
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
		":time 2026-06-12 23:00",
		":time 2026-06-13 10:01",
		":time 2026-07-12 23:00",
		":time 2026-07-13 10:01",
		":as customer 42",
		"/points",
	}, "\n") + "\n"
	var out, logs bytes.Buffer
	m := &Main{
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
	if got, _ := answer(t, tr, staff, "/coupon give 010-1234-5678 10% 3일"); !strings.Contains(got, "2026-05-15까지") || !strings.Contains(got, "→ [console:42] 🎟️ 쿠폰이 도착했어요: 10% 할인") {
		t.Errorf("coupon given:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, "/coupon 010-1234-5678"); !strings.Contains(got, "10% 할인 · 코드") {
		t.Errorf("on its last day the coupon is not listed:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, "/coupon use 010-1234-5678"); !strings.Contains(got, "김하늘님이 지금 쓸 수 있는 쿠폰이 없어요.") {
		t.Errorf("after its last day the coupon is still offered:\n%s", got)
	}
	soon := "→ [console:42] 1,200P가 2026-07-13에 소멸돼요. 2026-07-12까지 사용해 주세요."
	gone := "→ [console:42] 유효기간이 지나 1,200P가 소멸됐어요."
	if n := strings.Count(tr, soon); n != 1 {
		t.Errorf("the notice 30 days ahead is told %d times, want once:\n%s", n, tr)
	}
	if got, _ := answer(t, tr, staff, ":time 2026-06-12 23:00"); strings.Contains(got, "소멸") {
		t.Errorf("told before 30 days ahead:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, ":time 2026-06-13 10:01"); !strings.Contains(got, soon) {
		t.Errorf("not told 30 days ahead, at the 10:00 run:\n%s", got)
	}
	if got, _ := answer(t, tr, staff, ":time 2026-07-13 10:01"); !strings.Contains(got, gone) {
		t.Errorf("the expiry is not told:\n%s", got)
	}
	if n := strings.Count(tr, gone); n != 1 {
		t.Errorf("the expiry is told %d times, want once", n)
	}
	if got, _ := answer(t, tr, cust, "/points"); !strings.Contains(got, "김하늘님의 포인트: 0P") {
		t.Errorf("after the expiry:\n%s", got)
	}
}
