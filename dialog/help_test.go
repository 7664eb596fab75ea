package dialog

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// helpRuns are, for every help line, the commands it names, as they are
// run to see who may use them; mentions are commands a line only refers
// to (the win-back line points at /summary). A new help line needs a row.
var helpRuns = map[string]struct{ runs, mentions []string }{
	"core.help.note":              {runs: []string{"/note", "/note 김민지 커트 상담", "/note edit 김민지 1 새 내용", "/note delete 김민지 1"}},
	"core.help.customer":          {runs: []string{"/customer 김민지", "/customer #VIP", "/customer 5678", "/customer 김민지 생일 3/15", "/customer new 010-9999-0000 새고객"}},
	"core.help.customer_manage":   {runs: []string{"/customer 김민지 삭제", "/customer 김민지 등급 VIP"}},
	"core.help.points":            {runs: []string{"/points add 김민지 10000", "/points redeem 김민지 10", "/points 김민지", "/points undo"}},
	"core.help.points_void":       {runs: []string{"/points void 김민지 1"}},
	"core.help.link":              {runs: []string{"/link 김민지"}},
	"core.help.followups":         {runs: []string{"/followups"}},
	"customers.help":              {runs: []string{"/customers #VIP", "/customers #펌 90일 이상"}},
	"loyalty.help.coupon":         {runs: []string{"/coupon give 김민지 아메리카노 1잔", "/coupon 김민지", "/coupon use 김민지", "/coupon undo"}},
	"loyalty.help.coupon_void":    {runs: []string{"/coupon void 김민지 1"}},
	"loyalty.help.program":        {runs: []string{"/program"}},
	"loyalty.help.program_change": {runs: []string{"/program tiers", "/program stamps", "/program expire", "/program rate", "/program birthday", "/program winback"}},
	"winback.help":                {runs: []string{"/program winback off"}, mentions: []string{"/summary", "/customers"}},
	"loyalty.help.stamp":          {runs: []string{"/stamp 김민지", "/stamp undo"}},
	"loyalty.help.stamp_void":     {runs: []string{"/stamp void 김민지 1"}},
	"threads.help.reply":          {runs: []string{"/reply 1 안녕하세요"}},
	"threads.help.inbox":          {runs: []string{"/inbox", "/inbox 1", "/inbox close 1"}},
	"core.help.lang":              {runs: []string{"/lang"}},
	"core.help.cancel":            {runs: []string{"/cancel"}},
	"core.help.summary":           {runs: []string{"/summary", "/summary last"}},
	"core.help.staff":             {runs: []string{"/staff", "/staff add @U9", "/staff remove @U9"}},
	"customers.help.audit":        {runs: []string{"/audit 김민지", "/audit @U1"}},
	"campaign.help":               {runs: []string{"/campaign list", "/campaign 목록", "/campaign 1", "/campaign send 1", "/campaign 발송 1", "/campaign cancel 1", "/campaign all"}},
	"response.help":               {runs: []string{"/response", "/response 7"}},
	"core.help.start":             {runs: []string{"/start"}},
	"core.help.mypoints":          {runs: []string{"/points"}},
	"core.help.feedback":          {runs: []string{"/feedback", "/feedback 5 친절했어요"}},
	"core.help.mydata":            {runs: []string{"/mydata"}},
	"customer_edit.help.birthday": {runs: []string{"/birthday 3/15", "/birthday 삭제", "/birthday remove"}},
	"core.help.forget":            {runs: []string{"/forget"}},
	"loyalty.help.mycoupons":      {runs: []string{"/coupon"}},
	"ads.help.marketing":          {runs: []string{"/marketing"}},
	"loyalty.help.mystamps":       {runs: []string{"/stamp"}},
}

// helpToken is a command a help line names, with its sub-command when one
// of these follows: "/points void", "/stamp undo".
var helpToken = regexp.MustCompile(`/[a-z]+(?: (?:add|redeem|undo|void|new|edit|delete|give|use|close|remove|winback|tiers|stamps|expire|rate|birthday|list|cancel|send)\b)?`)

// TestHelpPerRole: /help lists, for each role, exactly the commands that
// role can run: every command a shown line names is accepted for that
// role, every line shown to managers alone is refused to staff (and every
// manager-only command is absent from staff's help), and each line names
// only what its row runs.
func TestHelpPerRole(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			probe := mustOpenHarness(t, nil, lang)
			refusals := []string{
				probe.text("core.command.manager_only", nil), probe.text("core.refused", nil),
				probe.text("corrections.void.manager_only", map[string]any{"Void": "/points void", "Undo": "/points undo"}),
				probe.text("corrections.void.manager_only", map[string]any{"Void": "/stamp void", "Undo": "/stamp undo"}),
				probe.text("corrections.void.manager_only", map[string]any{"Void": "/coupon void", "Undo": "/coupon undo"}),
				probe.text("loyalty.program.manager_only", nil), probe.text("loyalty.tier.pin_manager_only", nil),
				probe.text("core.help.short_customer", nil),
				strings.Split(probe.text("core.command.unknown", map[string]any{"Command": "\x00"}), "\x00")[0],
			}
			// refused runs text as a fresh sender of role and reports
			// whether the answer refuses it for the role.
			refused := func(role ledger.Role, text string) (bool, string) {
				h := mustOpenHarness(t, nil, lang)
				seedList(h)
				var m Message
				switch role {
				case ledger.RoleCustomer:
					m = custMsg(text)
				case ledger.RoleManager:
					m = managerMsg(text)
				default:
					m = staffMsg(text)
				}
				txt := allText(h.send(m))
				for _, r := range refusals {
					if strings.Contains(txt, r) {
						return true, txt
					}
				}
				return false, txt
			}
			helpOf := func(role ledger.Role) []string {
				tt := probe.eng.newTurn(t.Context(), nil, Message{}, "", t0)
				tt.role, tt.lang = role, lang
				return tt.helpIDs()
			}
			staff, manager, customer := helpOf(ledger.RoleStaff), helpOf(ledger.RoleManager), helpOf(ledger.RoleCustomer)
			for _, id := range slices.Concat(helpStaff, helpManager, helpCustomer) {
				if _, ok := helpRuns[id]; !ok {
					t.Errorf("help line %s has no row in helpRuns", id)
				}
			}
			for role, ids := range map[ledger.Role][]string{ledger.RoleStaff: staff, ledger.RoleManager: manager, ledger.RoleCustomer: customer} {
				for _, id := range ids {
					row := helpRuns[id]
					for _, run := range row.runs {
						if no, txt := refused(role, run); no {
							t.Errorf("%s's /help lists %s (%s), but %q is refused:\n%s", role, id, probe.text(id, nil), run, txt)
						}
					}
					// The line names only what its row runs.
					for _, l := range locales.Languages {
						for _, tok := range helpToken.FindAllString(probe.cat.Text(l, id, nil), -1) {
							covered := slices.Contains(row.mentions, tok)
							for _, run := range row.runs {
								covered = covered || run == tok || strings.HasPrefix(run, tok+" ")
							}
							if !covered {
								t.Errorf("help line %s (%s) names %q, which its row does not run", id, l, tok)
							}
						}
					}
				}
			}
			for _, id := range manager {
				if slices.Contains(staff, id) {
					continue
				}
				for _, run := range helpRuns[id].runs {
					if no, txt := refused(ledger.RoleStaff, run); !no {
						t.Errorf("%s is shown to managers alone, but staff may run %q:\n%s", id, run, txt)
					}
				}
			}
			for name, c := range staffCommands {
				if !c.manager {
					continue
				}
				for _, id := range staff {
					for _, l := range locales.Languages {
						if regexp.MustCompile(`/` + name + `\b`).MatchString(probe.cat.Text(l, id, nil)) {
							t.Errorf("staff's help line %s names the managers' /%s", id, name)
						}
					}
				}
			}
			// /help itself says the same lines.
			if got := allText(probe.send(staffMsg("/help"))); strings.Contains(got, "/points void") || strings.Contains(got, "/summary") || !strings.Contains(got, "/points add") {
				t.Errorf("staff /help:\n%s", got)
			}
		})
	}
}
