package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestIDTablesComplete: every key the code looks a message up by has its
// literal id in the table beside the code (locales' TestIDsLiteralInGo
// then holds each id to both catalogs).
func TestIDTablesComplete(t *testing.T) {
	for _, k := range responseKinds {
		if _, ok := responseKindNames[k]; !ok {
			t.Errorf("/response row %q has no name in responseKindNames", k)
		}
	}
	for _, f := range editFields {
		if ids, ok := editFieldIDs[f]; !ok || ids.name == "" || ids.hint == "" {
			t.Errorf("field %s has no name or hint in editFieldIDs", f)
		}
	}
	for _, p := range programParts {
		for name, table := range map[string]map[ledger.ProgrammePart]string{"programButtons": programButtons, "programPartNames": programPartNames, "programExamples": programExamples} {
			if table[p] == "" {
				t.Errorf("part %s is missing from %s", p, name)
			}
		}
		if auditProgrammeParts[string(p)] == "" {
			t.Errorf("part %s is missing from auditProgrammeParts", p)
		}
	}
	for _, kind := range []string{"reply", "resolve"} { // what slaDue returns
		if ids, ok := slaTexts[kind]; !ok || ids.dm == "" || ids.inbox == "" {
			t.Errorf("SLA kind %s has no texts in slaTexts", kind)
		}
	}
	for _, skip := range []AdSkip{AdNoConsent, AdUnlinked, AdErased, AdUnreachable, AdNoShop} {
		if winBackSkipID(skip) == "winback.skip.other" {
			t.Errorf("win-back skip %s has no words of its own", skip)
		}
	}
	for _, m := range programmeUnits.FindAllStringSubmatch("12mo 30d 5v 500000w off manual auto all time", -1) {
		if auditUnits[m[2]+m[3]] == "" {
			t.Errorf("audit unit %q is missing from auditUnits", m[0])
		}
	}
}

// TestIDFallbacks: a key no table knows (a session, an audit entry or a
// ledger value of another version) reads as plain words in the shop's
// language or as recorded, never as a catalog id.
func TestIDFallbacks(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			cat := locales.MustLoad()
			h := mustOpenHarness(t, cat, lang)
			h.cfg.Hours = Hours{Closed: []time.Weekday{time.Sunday, 7, -1}}
			h.reopen()
			text := func(id string) string { return cat.Text(lang, id, map[string]any{"Name": "김민지"}) }
			h.view(func(tx *ledger.Tx) error {
				tr := h.eng.quietTurn(tx, lang, h.now())
				_, rule := tr.ruleMessage(&ledger.RuleError{Field: "colour", Level: -1, Problem: ledger.ProblemRange, Min: 1, Max: 9}, "")
				dm, _, err := h.eng.winBackDroppedDM(tx, ledger.QueuedWinBack{ActorID: "slack:" + staffID}, ledger.Customer{Name: "김민지"}, "moved")
				if err != nil {
					t.Fatal(err)
				}
				sunday, saturday := text("threads.weekday.0"), text("threads.weekday.6")
				for _, tt := range []struct{ name, got, want string }{
					{"ClosedDays", tr.closedDays(), sunday + ", " + sunday + ", " + saturday},
					{"ResponseKind", tr.text(responseKindName("sms"), nil), text("response.kind.other")},
					{"FieldName", tr.fieldName("nickname"), "nickname"},
					{"FieldHint", tr.fieldHint("nickname"), ""},
					{"RuleField", rule["What"].(string), text("loyalty.field.other")},
					{"AuditAction", tr.auditAction("repaint"), "repaint"},
					{"AuditUnknownPart", tr.programmeDetail("colour: red → blue", h.now()), "colour: red → blue"},
					{"FlowTitle", tr.text(tr.flowTitle(ledger.Session{Flow: "gone", State: "dupname"}), nil), text("core.flow.other")},
					{"WinBackSkip", text(winBackSkipID("muted")), text("winback.skip.other")},
					{"WinBackDropped", dm.Text, cat.Text(dm.Lang, "winback.dropped", map[string]any{"Name": "김민지", "Why": cat.Text(dm.Lang, "winback.dropped_why.other", nil)})}, // in the staff member's language
				} {
					if tt.got != tt.want {
						t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
					}
					for _, area := range []string{"threads.", "response.", "customer_edit.", "loyalty.", "customers.", "core.", "winback."} {
						if strings.Contains(tt.got, area) {
							t.Errorf("%s = %q: a catalog id in chat", tt.name, tt.got)
						}
					}
				}
				if got := h.eng.slaDMs(ledger.Thread{Number: 3, OpenedAt: h.now()}, "answer", []string{"slack:" + managerID}); got != nil {
					t.Errorf("SLA DMs of a kind without texts = %+v, want none", got)
				}
				return nil
			})
			if m := cat.Missing(); len(m) > 0 {
				t.Errorf("missing messages: %v", m)
			}
		})
	}
}
