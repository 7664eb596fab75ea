package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestChat_Campaign, console goldens campaign.{ko,en}: a customer linked
// with advertising consent, a second one without it, the manager's
// one-line /campaign with its preview (counts, the first message as it
// goes, the time), [발송], the send by :time as '→ [고객 4242] (광고) …'
// with [수신 거부], nothing to the other customer, and /campaign list.
func TestChat_Campaign(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			script := strings.Join([]string{
				":as manager 사장",
				":as staff 민지",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				"1", // [받을게요]
				":as staff 민지",
				"/customer new 010-1111-2222 이바다",
				":as manager 사장",
				"/campaign : 이번 주 펌 20% 할인해 드려요 --points 500",
				"1", // [발송]
				":time +2m",
				"/campaign list",
			}, "\n") + "\n"
			tr := shopChat(t, lang, script)
			to := testCatalog.Text(lang, "console.to.customer", map[string]any{"User": "4242"})
			ad := to + " " + testCatalog.Text(lang, "ads.header", map[string]any{"Shop": "단골미용실"})
			if n := strings.Count(tr, ad); n != 1 {
				t.Errorf("advertising messages: %d, want the one campaign message:\n%s", n, tr)
			}
			_, from, ok := strings.Cut(tr, "> :as manager 사장")
			if !ok {
				t.Fatalf("no script in the transcript:\n%s", tr)
			}
			assertGolden(t, filepath.Join("testdata", "campaign."+lang+".golden"), "> :as manager 사장"+from)
		})
	}
}
