package dialog

import (
	"slices"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// careScripts are the care messages' scripts (issue 14): the NPS step's
// free text, the rating request and the follow-up message.
var careScripts = []script{
	{"FeedbackWordsAtNPSAreTheComment", func(h *harness, f fixture) []step {
		steps := linkMinji(h)
		return append(steps,
			step{msg: custMsg("/feedback")},
			step{msg: press(custMsg(""), "rate:4"), payloads: []string{"nps:0", "nps:10", "skip"}},
			step{msg: custMsg("직원분이 친절했어요"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				fs := h.allFeedback()
				if len(fs) != 1 || fs[0].Rating != 4 || fs[0].NPS != ledger.NoNPS || fs[0].Comment != "직원분이 친절했어요" || fs[0].CustomerID != f.minji {
					t.Errorf("feedback = %+v", fs)
				}
				noSession("telegram:"+custTG)(t, h, nil)
			}},
		)
	}},
	{"FeedbackScoreTyposAtNPSAreAskedAgain", func(h *harness, f fixture) []step {
		return []step{
			{msg: custMsg("/feedback")},
			{msg: press(custMsg(""), "rate:5")},
			{msg: custMsg("11"), ids: []string{"core.feedback.bad_nps"}},
			{msg: custMsg("11점"), ids: []string{"core.feedback.bad_nps"}},
			{msg: custMsg("8점"), ids: []string{"core.feedback.ask_comment"}},
			{msg: custMsg("great place"), ids: []string{"core.feedback.thanks"}, check: func(t *testing.T, h *harness, _ []Reply) {
				if fs := h.allFeedback(); len(fs) != 1 || fs[0].NPS != 8 || fs[0].Comment != "great place" {
					t.Errorf("feedback = %+v", fs)
				}
			}},
		}
	}},
	{"FeedbackPressesAreAnsweredInPlace", func(h *harness, f fixture) []step {
		// The answer to a press is the pressed question's next state
		// (Reply.InPlace); a typed answer's comes after it; the staff's
		// alert is never in place of anything.
		inPlace := func(want ...bool) func(*testing.T, *harness, []Reply) {
			return func(t *testing.T, _ *harness, rs []Reply) {
				var got []bool
				for _, r := range rs {
					got = append(got, r.InPlace)
				}
				if !slices.Equal(got, want) {
					t.Errorf("InPlace of %d replies = %v, want %v", len(rs), got, want)
				}
			}
		}
		steps := linkMinji(h)
		return append(steps,
			step{msg: custMsg("/feedback"), ids: []string{"core.feedback.ask_rating"}, check: inPlace(false)},
			step{msg: press(custMsg(""), "rate:2"), ids: []string{"core.feedback.ask_nps"}, check: inPlace(true)},
			step{msg: custMsg("3"), ids: []string{"core.feedback.ask_comment"}, check: inPlace(false)},
			step{msg: press(custMsg(""), "skip"), ids: []string{"core.feedback.thanks"}, check: inPlace(true, false)},
		)
	}},
}

func TestCareScripts(t *testing.T) { runScripts(t, careScripts) }
