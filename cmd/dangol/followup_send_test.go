package main

import (
	"strings"
	"testing"
)

// TestChat_FollowUpMessage is the follow-up message's console script, in
// Korean and English: a note with a follow-up due today (tag #펌); its
// /followups item's [메시지 보내기] shows the draft with the customer's name
// and the topic (an English draft leaves the Korean tag out); [보내기] sends it to the linked customer, as the staff's
// answer in a new thread; the customer's answer continues that thread; the
// follow-up is done, so /followups has nothing left. Goldens (from the
// note on): testdata/followup.<lang>.golden.
func TestChat_FollowUpMessage(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			answer := "네, 덕분에 머리 잘 지내고 있어요"
			if lang == "en" {
				answer = "All good, thank you"
			}
			tr := shopChat(t, lang, strings.Join([]string{
				":as staff 민지",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				":as staff 민지",
				"/note", "010-4815-1623", "펌 상담, 다음 달 뿌리 염색 예정", "1", "#펌", "2026-05-13", "1",
				"/followups",
				"2", // [메시지 보내기: 김하늘]
				"1", // [보내기]
				":as customer 4242",
				answer,
				":as staff 민지",
				"/followups",
			}, "\n")+"\n")
			topic := map[string]string{"ko": "펌", "en": ""}[lang]
			draft := testCatalog.Text(lang, "care.followup.draft_text", map[string]any{"Name": "김하늘", "Topic": topic})
			if n := strings.Count(tr, draft); n != 3 { // the draft shown, the message the customer reads, its copy in the thread
				t.Errorf("the draft appears %d times, want 3 (shown, sent, in the thread):\n%s", n, tr)
			}
			if !strings.Contains(tr, testCatalog.Text(lang, "core.followups.none", nil)) {
				t.Errorf("the follow-up is not done:\n%s", tr)
			}
			assertGoldenFrom(t, tr, "> /note\n", "followup."+lang+".golden")
		})
	}
}
