package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// feedbackLineScripts are /feedback typed on one line: the rating and the
// comment at once, the rating alone, words alone, a rating out of range.
var feedbackLineScripts = []script{
	{"FeedbackOneLine", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 4 직원분이 친절했어요"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, rs []Reply) {
				fs := h.allFeedback()
				if len(fs) != 1 || fs[0].Rating != 4 || fs[0].NPS != ledger.NoNPS || fs[0].Comment != "직원분이 친절했어요" || fs[0].CustomerID != f.minji {
					t.Errorf("feedback = %+v", fs)
				}
				if len(rs) != 1 || rs[0].To == ToStaffChannel {
					t.Errorf("a rating of 4 alerts nobody; replies %+v", rs)
				}
				noSession("telegram:"+custTG)(t, h, nil)
			}},
			// The Korean command word and the other ways of typing a rating.
			step{msg: custMsg("피드백 ★★★★★ 최고예요"), ids: []string{"core.feedback.thanks"}, not: []string{h.text("core.feedback.sorry_thread", nil), h.text("core.feedback.sorry", nil)}},
			step{msg: custMsg("/feedback 3점 보통이에요"), ids: []string{"core.feedback.thanks"}},
			step{msg: custMsg("/feedback 5/5 great"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				var got []string
				for _, fb := range h.allFeedback() {
					got = append(got, strings.Repeat("★", fb.Rating)+" "+fb.Comment)
				}
				want := map[string]bool{"★★★★ 직원분이 친절했어요": true, "★★★★★ 최고예요": true, "★★★ 보통이에요": true, "★★★★★ great": true}
				if len(got) != len(want) {
					t.Fatalf("feedback = %q", got)
				}
				for _, g := range got {
					if !want[g] {
						t.Errorf("unexpected feedback %q in %q", g, got)
					}
				}
			}},
		)
	}},
	// Four ratings within a minute (5, 2, 4, 3) were all averaged. The
	// latest within feedback.ReplaceWindow counts, and the customer is
	// told it took the place of the earlier one; one an hour later is a
	// rating of its own.
	{"FeedbackLaterRatingReplaces", func(h *harness, f fixture) []step {
		replaced := func(before, now int) string {
			return h.text("core.feedback.replaced", map[string]any{"Before": stars(before), "Now": stars(now)})
		}
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 5 친절했어요"), ids: []string{"core.feedback.thanks"}, not: []string{replaced(5, 5)}},
			step{advance: 15 * time.Second, msg: custMsg("/feedback 2"), ids: []string{"core.feedback.ask_nps"}},
			step{msg: press(custMsg(""), "skip")},
			step{msg: press(custMsg(""), "skip"), want: []string{replaced(5, 2)}, ids: []string{"core.feedback.sorry_thread"}},
			// The complaint the ★★ opened is told in its thread, and left open.
			step{advance: 15 * time.Second, msg: custMsg("/feedback 4 괜찮았어요"), want: []string{replaced(2, 4)}, check: func(t *testing.T, h *harness, rs []Reply) {
				posts := repliesTo(rs, ToStaffChannel)
				if len(posts) != 1 || posts[0].Thread != "1" || len(posts[0].Buttons) != 0 {
					t.Fatalf("staff posts %+v, want one note in thread 1", posts)
				}
				for _, w := range []string{"김민지", stars(2), stars(4)} { // in the shop's language
					if !strings.Contains(posts[0].Text, w) {
						t.Errorf("the note %q does not say %q", posts[0].Text, w)
					}
				}
				if th := h.thread(1); th.State == ledger.ThreadClosed {
					t.Errorf("the complaint was closed: %+v", th)
				}
			}},
			step{advance: 15 * time.Second, msg: custMsg("/feedback 3 그냥 그래요"), want: []string{replaced(4, 3)}, check: noStaffPost},
			step{msg: managerMsg("/summary"), want: []string{h.text("summary.rating", nil) + " 3.0"}},
			step{advance: time.Hour, msg: custMsg("/feedback 5 또 올게요"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, rs []Reply) {
				if strings.Contains(allText(rs), replaced(3, 5)) { // an hour later: a rating of its own
					t.Errorf("a rating an hour later said it replaced the last: %s", allText(rs))
				}
				if fs := h.allFeedback(); len(fs) != 5 {
					t.Errorf("feedback = %+v, want all five kept", fs)
				}
			}},
		)
	}},
	{"FeedbackOneLineLowRatingAlerts", func(h *harness, f fixture) []step {
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 1 너무 오래 기다렸어요"), ids: []string{"core.feedback.thanks", "core.feedback.sorry_thread"}, check: func(t *testing.T, h *harness, rs []Reply) {
				staffAlert(t, rs, "김민지", "010-****-5678", "너무 오래 기다렸어요", "★☆☆☆☆")
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 1 {
					t.Errorf("feedback = %+v", fs)
				}
			}},
		)
	}},
	{"FeedbackRatingAloneAsksTheRest", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("/feedback 5"), ids: []string{"core.feedback.ask_nps"}, payloads: []string{"nps:0", "nps:10", "skip"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 0 {
					t.Errorf("recorded before the flow ended: %+v", fs)
				}
			}},
			{msg: press(custMsg(""), "nps:9"), ids: []string{"core.feedback.ask_comment"}},
			{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 5 || fs[0].NPS != 9 || fs[0].Comment != "" {
					t.Errorf("feedback = %+v", fs)
				}
			}},
		}
	}},
	{"FeedbackWordsAloneKeepTheWords", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("/feedback 주차가 불편했어요"), ids: []string{"core.feedback.ask_rating"}, payloads: []string{"rate:1", "rate:5"}},
			{msg: press(custMsg(""), "rate:3"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 3 || fs[0].NPS != ledger.NoNPS || fs[0].Comment != "주차가 불편했어요" {
					t.Errorf("feedback = %+v", fs)
				}
				noSession("telegram:"+custTG)(t, h, nil)
			}},
		}
	}},
	{"FeedbackOneLineBadRating", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("/feedback 7 좋아요"), ids: []string{"core.feedback.bad_rating", "core.feedback.ask_rating"}},
			{msg: custMsg("0점"), ids: []string{"core.feedback.bad_rating"}},
			{msg: custMsg("★★★★★★"), ids: []string{"core.feedback.bad_rating"}},
			{msg: custMsg("4"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 4 || fs[0].Comment != "좋아요" {
					t.Errorf("feedback = %+v", fs)
				}
			}},
		}
	}},
	// A long comment is kept whole up to ledger.MaxCommentRunes; past it,
	// it is cut with "…" and the customer told. It was cut at 2000 bytes
	// (about 860 characters of Korean with spaces), silently.
	{"FeedbackLongComment", func(h *harness, f fixture) []step {
		sentence := "예약 시간보다 삼십 분 넘게 기다렸고 안내도 없어서 많이 답답했어요. "
		whole := strings.TrimSpace(strings.Repeat(sentence, 900/len([]rune(sentence))+1)) // some 900 characters
		long := strings.Repeat("가나다라 ", 500)                                              // 2500 characters
		cutNote := h.text("core.feedback.cut", map[string]any{"Limit": "2,000"})
		return append(linkMinji(h),
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:3")},
			step{msg: press(custMsg(""), "skip")},
			step{msg: custMsg(whole), ids: []string{"core.feedback.thanks"}, not: []string{cutNote}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].Comment != whole {
					t.Errorf("comment of %d characters kept as %+v, want whole", len([]rune(whole)), fs)
				}
			}},
			step{msg: custMsg("/feedback 1 " + long), want: []string{cutNote}, ids: []string{"core.feedback.sorry_thread"}, check: func(t *testing.T, h *harness, rs []Reply) {
				staffAlert(t, rs, "가나다라", "…")
				fs := h.allFeedback()
				if len(fs) != 2 {
					t.Fatalf("feedback %+v", fs)
				}
				c := []rune(fs[1].Comment)
				if len(c) != ledger.MaxCommentRunes || c[len(c)-1] != '…' || string(c[:8]) != "가나다라 가나다" {
					t.Errorf("long comment kept as %d characters ending %q, want %d ending with …", len(c), string(c[len(c)-3:]), ledger.MaxCommentRunes)
				}
			}},
		)
	}},
	// "모르겠어요", "글쎄요", "idk" at the comment step, and "없어요" typed
	// with /feedback, say there is nothing to add, as [건너뛰기] does: they
	// were kept as comments and read in the summary as its words.
	{"FeedbackNoCommentWords", func(h *harness, f fixture) []step {
		steps := linkMinji(h)
		for _, w := range []string{"모르겠어요", "글쎄요", "딱히", "idk", "nothing", "-"} {
			steps = append(steps,
				step{advance: dupFeedbackWindow, msg: custMsg("/feedback")}, // each its own, not one sent again
				step{msg: press(custMsg(""), "rate:4")},
				step{msg: press(custMsg(""), "skip")},
				step{msg: custMsg(w), ids: []string{"core.feedback.thanks"}})
		}
		steps = append(steps,
			step{msg: custMsg("/feedback 5 없어요"), ids: []string{"core.feedback.thanks"}},
			step{msg: custMsg("/feedback 딱히 없음"), ids: []string{"core.feedback.ask_rating"}},
			step{msg: press(custMsg(""), "rate:3"), ids: []string{"core.feedback.thanks"}},
			step{msg: managerMsg("/summary"), not: []string{"모르겠", "글쎄", "딱히", "idk", "nothing", "없어"}},
			step{msg: custMsg("/feedback 4 모르겠어요 왜 늦었는지"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				fs := h.allFeedback()
				if len(fs) != 9 {
					t.Fatalf("%d feedback, want 9", len(fs))
				}
				for _, fb := range fs[:8] {
					if fb.Comment != "" {
						t.Errorf("feedback %+v kept a no-comment answer as its comment", fb)
					}
				}
				if fs[8].Comment != "모르겠어요 왜 늦었는지" {
					t.Errorf("a sentence was dropped: %+v", fs[8])
				}
			}})
		return steps
	}},
	// The same feedback sent twice within dupFeedbackWindow is kept once,
	// and the customer told: a one-line /feedback sent twice was two, and
	// a low one opened two complaints and alerted the staff twice.
	{"FeedbackSentTwice", func(h *harness, f fixture) []step {
		count := func(want int) func(*testing.T, *harness, []Reply) {
			return func(t *testing.T, h *harness, rs []Reply) {
				if fs := h.allFeedback(); len(fs) != want {
					t.Errorf("%d feedback, want %d: %+v", len(fs), want, fs)
				}
			}
		}
		noAlert := func(t *testing.T, h *harness, rs []Reply) {
			if posts := repliesTo(rs, ToStaffChannel); len(posts) != 0 {
				t.Errorf("a repeated feedback alerted the staff: %+v", posts)
			}
			count(3)(t, h, rs)
			var ths []ledger.Thread
			h.view(func(tx *ledger.Tx) (err error) { ths, err = tx.OpenThreads(); return err })
			if len(ths) != 1 {
				t.Errorf("%d complaints open, want 1", len(ths))
			}
		}
		return append(linkMinji(h),
			step{msg: custMsg("/feedback 5 친절해요"), ids: []string{"core.feedback.thanks"}, check: count(1)},
			step{advance: 20 * time.Second, msg: custMsg("/feedback 5 친절해요"), ids: []string{"core.feedback.already"}, not: []string{h.text("core.feedback.thanks", nil)}, check: count(1)},
			// Step by step, twice, the same answers.
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:4")},
			step{msg: press(custMsg(""), "skip")},
			step{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.thanks"}, check: count(2)},
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:4")},
			step{msg: press(custMsg(""), "skip")},
			step{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.already"}, check: count(2)},
			step{msg: custMsg("/feedback 1 너무 늦었어요"), ids: []string{"core.feedback.sorry_thread"}, check: count(3)},
			step{advance: 30 * time.Second, msg: custMsg("/feedback 1 너무 늦었어요"), ids: []string{"core.feedback.already"}, check: noAlert},
			// Something else said, or the same later, is another feedback.
			step{msg: custMsg("/feedback 5 친절했어요"), ids: []string{"core.feedback.thanks"}, check: count(4)},
			step{advance: dupFeedbackWindow, msg: custMsg("/feedback 5 친절해요"), ids: []string{"core.feedback.thanks"}, check: count(5)},
			// Not linked: matched by their platform id.
			step{msg: cust2Msg("/feedback 3 보통"), ids: []string{"core.feedback.thanks"}, check: count(6)},
			step{msg: cust2Msg("/feedback 3 보통"), ids: []string{"core.feedback.already"}, check: count(6)},
		)
	}},
}

func TestFeedbackLineScripts(t *testing.T) { runScripts(t, feedbackLineScripts) }

// TestTypedRating is every way a rating can be typed with /feedback.
func TestTypedRating(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int // 0: not a rating
	}{
		{"1", 1}, {"5", 5}, {"4점", 4}, {"5/5", 5}, {"★★★", 3}, {"⭐⭐⭐⭐", 4}, {"⭐️⭐️", 2},
		{"0", 0}, {"6", 0}, {"10점", 0}, {"★★★★★★", 0}, {"★x", 0}, {"좋아요", 0}, {"", 0}, {"3.5", 0},
	} {
		got, ok := typedRating(c.in)
		if (c.want != 0) != ok || got != c.want && ok {
			t.Errorf("typedRating(%q) = %d, %v; want %d", c.in, got, ok, c.want)
		}
	}
}

// TestCommandWrites: a customer's /feedback, in any form, skips the
// read-only attempt; a read such as /points does not.
func TestCommandWrites(t *testing.T) {
	for _, c := range []struct {
		m    Message
		want bool
	}{
		{custMsg("/feedback"), true},
		{custMsg("/feedback 5 좋아요 great"), true},
		{custMsg("/feedback@dangol_bot 4"), true},
		{custMsg("피드백 ★★★ 보통"), true},
		{custMsg("/points"), false},
		{custMsg("포인트"), false},
		{custMsg("피드백이 늦었네요"), false}, // not the command word
		{custMsg(""), false},
		{press(custMsg(""), "rate:5"), false},
	} {
		tr := &turn{m: c.m}
		if got := tr.commandWrites(); got != c.want {
			t.Errorf("commandWrites(%q, action %v) = %v, want %v", c.m.Text, c.m.Action, got, c.want)
		}
	}
}
