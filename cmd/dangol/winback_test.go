package main

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/dialog"
)

// TestChat_WinBack, console goldens winback.{ko,en}: two regulars (three
// visits ten days apart, then two months away) linked with advertising
// consent; the manager's /program winback 쿠폰 10% 14일; a staff member's
// /customers 뜸한 with [안부 메시지] on each row, the draft exactly as it
// goes, [보내기] sending '→ [고객 4242] (광고) 단골미용실 …' with its
// coupon; at 11:00 the automatic win-back sends the other regular hers,
// not 김하늘 a second one; the next day nobody gets another.
func TestChat_WinBack(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			visits := func(phone string) []string {
				return []string{"/note " + phone + " 커트", ":time +10d", "/note " + phone + " 커트", ":time +10d", "/note " + phone + " 뿌리 염색"}
			}
			script := []string{":as staff 민지", "/customer new 010-4815-1623 김하늘", "/customer new 010-1111-2222 이바다"}
			script = append(script, visits("010-4815-1623")...)
			script = append(script, visits("010-1111-2222")...)
			script = append(script,
				":time +60d",
				"/link 010-4815-1623",
				":as customer 4242", "/start", "1", "815887", "1", // [받을게요]
				":as staff 민지",
				"/link 010-1111-2222",
				":as customer 4343", "/start", "1", "815887", "1",
				":as manager 사장",
				"/program winback 쿠폰 10% 14일",
				":as staff 민지",
				"/customers 뜸한",
				"1", // [안부 메시지: 김하늘]
				"1", // [보내기]
				":time 11:00",
				":time +1d",
			)
			tr := shopChat(t, lang, strings.Join(script, "\n")+"\n")
			ad := func(user string) string {
				return testCatalog.Text(lang, "console.to.customer", map[string]any{"User": user}) + " " + testCatalog.Text(lang, "ads.header", map[string]any{"Shop": testShop, "Contact": testContact})
			}
			for _, user := range []string{"4242", "4343"} {
				if n := strings.Count(tr, ad(user)); n != 1 {
					t.Errorf("win-back messages to %s: %d, want one:\n%s", user, n, tr)
				}
			}
			assertGoldenFrom(t, tr, "> :as manager 사장", "winback."+lang+".golden")
		})
	}
}

// DANGOL_WINBACK_AT takes a daytime HH:MM; unset is 11:00; a time in the
// night or garbage is refused naming the variable.
func TestConfigWinBackAt(t *testing.T) {
	for _, tt := range []struct {
		value, want string
		bad         bool
	}{
		{"", dialog.DefaultWinBackAt, false},
		{"10:30", "10:30", false},
		{"22:00", "", true},
		{"열한시", "", true},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_WINBACK_AT": tt.value})
			if tt.bad {
				wantUsage(t, err, "winback.err.at", map[string]any{"Value": tt.value})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.WinBackAt != tt.want {
				t.Errorf("WinBackAt = %q, want %q", cfg.WinBackAt, tt.want)
			}
		})
	}
}
