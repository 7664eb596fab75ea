package main

import (
	"strings"
	"testing"
)

// TestChat_Response is the response figures' console script, in Korean
// and English: a follow-up sent with [메시지 보내기] at 14:00 and answered
// by the customer (the console's clock stands still: at the same minute),
// the visit's rating request at 17:00, and a visit the next day; /response then shows the follow-up
// and the rating request each with its reply and its return visit, and
// /summary's care section ends with "보낸 메시지 2 · 답장 1 · 14일 내 재방문
// 1 (100%)" (two messages to one customer). Goldens (from /response on):
// testdata/response.<lang>.golden.
func TestChat_Response(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			answer := "네, 다음 주에 갈게요"
			if lang == "en" {
				answer = "Yes, I will come next week"
			}
			script := strings.Join([]string{
				":as manager 사장",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				"2", // [받지 않을게요]
				":as manager 사장",
				"/note", "010-4815-1623", "펌 상담, 다음 달 뿌리 염색 예정", "1", "#펌", "2026-05-13", "1",
				"/followups",
				"2", // [메시지 보내기: 김하늘]
				"1", // [보내기]
				":as customer 4242",
				answer,
				":as manager 사장",
				":time 2026-05-13 17:00", // the rating request
				":time 2026-05-14 15:00",
				"/note 010-4815-1623 뿌리 염색",
				"/response",
				"/summary",
			}, "\n") + "\n"
			tr := shopChat(t, lang, script)
			line := testCatalog.Text(lang, "response.summary", map[string]any{"Sent": "2", "Customers": "1", "Replied": "1", "Visited": "1", "Pct": "100"})
			if !strings.Contains(tr, line) {
				t.Errorf("the summary lacks %q:\n%s", line, tr)
			}
			assertGoldenFrom(t, tr, "> /response\n", "response."+lang+".golden")
		})
	}
}
