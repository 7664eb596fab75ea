package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestChat_ComplaintResolved is the resolution of a complaint in the
// console, in Korean and English: a linked customer's low rating opens
// complaint #1; the staff member presses [내가 연락할게요], then /inbox 1's
// [종료] (a number presses only the latest reply's buttons),
// says what was done, sends the shop's apology (naming DANGOL_SHOP_NAME)
// and gives 1,000 bonus points. The customer gets the apology with the
// points, and their /points shows the adjust entry with its reason; the
// complaint is closed with its note. Goldens: testdata/resolve.<lang>.golden.
func TestChat_ComplaintResolved(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := map[string]string{
				"DANGOL_DB": filepath.Join(t.TempDir(), "dangol.db"), "DANGOL_LANG": lang, "DANGOL_SHOP_NAME": "단골미용실",
			}
			comment, note := "너무 오래 기다렸어요", "전화로 사과드리고 다음 커트 무료로 약속"
			if lang == "en" {
				comment, note = "I waited far too long", "called to apologise, next cut free"
			}
			r := runChat(t, env, strings.Join([]string{
				":as staff 민지",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				"/feedback", "2", "11", comment,
				":as staff 민지",
				"1",        // [내가 연락할게요]
				"/inbox",   // 연락 예정
				"/inbox 1", // the thread with its buttons again: /inbox had none
				"2",        // [종료]: what was done?
				note,
				"1",     // [사과 문구 보내기]
				"1,000", // bonus points
				"/inbox",
				"/inbox 1",
				":as customer 4242",
				"/points",
			}, "\n")+"\n")
			if r.err != nil {
				t.Fatalf("chat: %v\n%s", r.err, r.stderr)
			}
			apology := testCatalog.Text(lang, "resolve.apology", map[string]any{"Shop": "단골미용실"})
			reason := testCatalog.Text(lang, "resolve.reason", map[string]any{"N": 1})
			for _, w := range []string{testCatalog.Text(lang, "console.to.customer", map[string]any{"User": "4242"}) + " " + apology, reason, "+1,000"} {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("chat output lacks %q:\n%s", w, r.stdout)
				}
			}
			assertGolden(t, filepath.Join("testdata", "resolve."+lang+".golden"), r.stdout)
		})
	}
}
