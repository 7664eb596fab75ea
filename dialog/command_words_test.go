package dialog

import (
	"strings"
	"testing"
)

// TestCustomerCommandWords: the words customers use reach their commands
// (후기 and 리뷰 are feedback, 내정보 and /내정보 their data), a sentence
// asking something after 후기 stays a question for the shop, and the
// customer's /help lists their stamp card.
func TestCustomerCommandWords(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			rating := h.text("core.feedback.ask_rating", nil)
			steps := []step{
				{msg: custMsg("/help"), want: []string{h.text("loyalty.help.mystamps", nil)}},
				{msg: custMsg("후기"), want: []string{rating}, payloads: []string{"rate:1", "rate:5"}},
				{msg: custMsg("/cancel")},
				{msg: custMsg("리뷰 ★★★★★ 최고예요"), ids: []string{"core.feedback.thanks"}},
				{msg: custMsg("후기 이벤트 있나요?"), not: []string{rating}, check: func(t *testing.T, h *harness, rs []Reply) {
					if len(rs) == 0 || !strings.Contains(allText(rs), h.text("threads.ask", nil)) {
						t.Errorf("a question after 후기 = %q, want it offered to the staff", allText(rs))
					}
				}},
				{msg: custMsg("/cancel")},
				{msg: custMsg("내정보"), check: isMyData},
				{msg: custMsg("/내정보"), check: isMyData},
				// Staff typing a customer's word wrote text, not a command.
				{msg: staffMsg("후기 좋았다고 하심"), ids: []string{"core.help.short_staff"}, not: []string{"/feedback"}},
			}
			runSteps(t, h, steps)
			if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 5 {
				t.Errorf("feedback = %+v, want the one 리뷰 rated", fs)
			}
		})
	}
}

// isMyData checks that the replies are the customer's /mydata, which lists
// the feedback they left, not a question for the staff or the short help.
func isMyData(t *testing.T, h *harness, rs []Reply) {
	t.Helper()
	got := allText(rs)
	if len(rs) != 1 || !strings.Contains(got, "최고예요") || strings.Contains(got, h.text("threads.ask", nil)) {
		t.Errorf("replies = %q, want the customer's data", got)
	}
}

// TestSameCommandRestarts: a command that begins the flow it interrupts
// says it starts again, not that it was "stopped for the new command"; one
// still at its first question with nothing typed says nothing.
func TestSameCommandRestarts(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			title := h.text("core.flow.feedback", nil)
			replaced := h.text("core.flow.replaced", map[string]any{"Flow": title})
			restarted := h.text("core.flow.restarted", map[string]any{"Flow": title})
			runSteps(t, h, []step{
				{msg: custMsg("/feedback")},
				{msg: custMsg("/feedback"), ids: []string{"core.feedback.ask_rating"}, not: []string{replaced, restarted}},
				{msg: custMsg("/feedback 친절했어요")},
				{msg: custMsg("/feedback"), want: []string{restarted}, ids: []string{"core.feedback.ask_rating"}, not: []string{replaced}},
				{msg: staffMsg("/note")},
				{msg: staffMsg("/customer 김민지"), want: []string{h.text("core.flow.replaced", map[string]any{"Flow": h.text("core.flow.note", nil)})}}, // another flow: still said
			})
		})
	}
}
