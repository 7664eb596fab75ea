package dialog

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/locales"
)

// TestForgetUnlinked: /forget of someone linked to no customer names what
// is kept for them (their consent answer, their language, their feedback
// and questions), not a name, phone and points they do not have, and
// asks the same again when not answered; with nothing kept it says so and
// asks nothing. A linked customer is asked as before.
func TestForgetUnlinked(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seedList(h)
			kept := func(ids ...string) string {
				var parts []string
				for _, id := range ids {
					parts = append(parts, h.text(id, map[string]any{"Count": 1}))
				}
				return h.text("core.forget.ask_unlinked", map[string]any{"Kept": strings.Join(parts, ", ")})
			}
			linkedAsk := h.text("core.forget.ask", nil)
			runSteps(t, h, []step{
				// Never seen: nothing to delete, no question.
				{msg: cust2Msg("/forget"), ids: []string{"core.forget.nothing"}, not: []string{linkedAsk}, check: noSession("telegram:" + custTG2)},
				// Declined consent: that answer is what is kept.
				{msg: cust2Msg("/start")},
				{msg: press(cust2Msg(""), "no")},
				{msg: cust2Msg("/forget"), want: []string{kept("core.forget.kept_consent")}, not: []string{linkedAsk}, payloads: []string{"yes", "no"}},
				{msg: cust2Msg(word(h, "글쎄요", "hmm")), want: []string{h.text("core.forget.reask", nil), kept("core.forget.kept_consent")}},
				{msg: press(cust2Msg(""), "no"), ids: []string{"core.forget.kept"}},
				{msg: cust2Msg("/lang " + lang)},
				{msg: cust2Msg(word(h, "주차 되나요?", "Is there parking?"))},
				{msg: press(cust2Msg(""), questionSend)},
				{msg: cust2Msg("/forget"), want: []string{kept("core.forget.kept_consent", "core.forget.kept_lang", "core.forget.kept_questions")}},
				{msg: press(cust2Msg(""), "yes"), ids: []string{"core.forget.done"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if p := h.profile("telegram:" + custTG2); p.Lang != "" || p.Consent.Declined {
						t.Errorf("profile after /forget: %+v", p)
					}
				}},
				{msg: cust2Msg("/forget"), ids: []string{"core.forget.nothing"}},
			})
			// A linked customer is asked about their record, as before.
			runSteps(t, h, append(linkMinji(h), step{msg: custMsg("/forget"), want: []string{linkedAsk}}))
		})
	}
}
