package dialog

import (
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// TestCommandSuggest: an unknown command is answered with the command it
// most likely meant and that command's help line, among the commands the
// sender's role has; one that means nothing still points to /help.
func TestCommandSuggest(t *testing.T) {
	tests := []struct {
		name        string
		msg         func(string) Message
		role        ledger.Role
		typed, want string // want "": no suggestion
	}{
		{"Plural", staffMsg, ledger.RoleStaff, "/stamps", "stamp"},
		{"Synonym", staffMsg, ledger.RoleStaff, "/history 김민지", "points"},
		{"Transposed", staffMsg, ledger.RoleStaff, "/ponits", "points"},
		{"Prefix", staffMsg, ledger.RoleStaff, "/cust 김민지", "customer"},
		{"PluralOfNote", staffMsg, ledger.RoleStaff, "/notes", "note"},
		{"OneKey", staffMsg, ledger.RoleStaff, "/inbx", "inbox"},
		{"ManagerOnlyNotToStaff", staffMsg, ledger.RoleStaff, "/week", ""},
		{"ManagerOnlyToManager", managerMsg, ledger.RoleManager, "/week", "summary"},
		{"Nothing", staffMsg, ledger.RoleStaff, "/xyzzy", ""},
		{"CustomerSingular", custMsg, ledger.RoleCustomer, "/point", "points"},
		{"CustomerSynonym", custMsg, ledger.RoleCustomer, "/delete", "forget"},
		{"CustomerMyStamps", custMsg, ledger.RoleCustomer, "/mystamps", "stamp"},
		{"CustomerMyCoupons", custMsg, ledger.RoleCustomer, "/mycoupons", "coupon"},
		{"CustomerMyInfo", custMsg, ledger.RoleCustomer, "/myinfo", "mydata"},
		{"CustomerMyPoints", custMsg, ledger.RoleCustomer, "/mypoints", "points"},
		{"CustomerNothing", custMsg, ledger.RoleCustomer, "/hello", ""},
		{"CustomerNoStaffCommand", custMsg, ledger.RoleCustomer, "/notes", ""},
	}
	for _, lang := range locales.Languages {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				h := mustOpenHarness(t, nil, lang)
				seed(h)
				rs := h.send(tt.msg(tt.typed))
				got := strings.TrimSuffix(allText(rs), "\n")
				cmd, _, _ := strings.Cut(tt.typed, " ")
				if tt.want == "" {
					want := h.text("core.command.unknown", map[string]any{"Command": cmd})
					if tt.role == ledger.RoleCustomer {
						want = h.text("core.help.short_customer", nil)
					}
					if got != want {
						t.Fatalf("%s: %q, want %q", tt.typed, got, want)
					}
					return
				}
				h2 := &turn{e: h.eng, lang: lang, role: tt.role}
				help := h2.helpLineOf(tt.want)
				if help == "" {
					t.Fatalf("no help line of /%s", tt.want)
				}
				if want := h.text("core.command.suggest", map[string]any{"Command": cmd, "Help": help}); got != want {
					t.Errorf("%s: %q, want %q", tt.typed, got, want)
				}
			})
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"note", "note", 0}, {"note", "notes", 1}, {"ponits", "points", 2}, {"inbx", "inbox", 1}, {"", "lang", 4}, {"week", "help", 3}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestCommandSynonyms: each word stands for one command that exists, and
// is no command itself (it would never be reached).
func TestCommandSynonyms(t *testing.T) {
	seen := map[string]string{}
	for c, words := range commandSynonyms {
		if _, staff := staffCommands[c]; !staff {
			if _, cust := customerCommands[c]; !cust {
				t.Errorf("synonyms of %q, which is no command", c)
			}
		}
		for _, w := range words {
			if prev, ok := seen[w]; ok {
				t.Errorf("%q stands for %q and %q", w, prev, c)
			}
			seen[w] = c
			if _, ok := staffCommands[w]; ok {
				t.Errorf("synonym %q is a staff command", w)
			}
			if _, ok := customerCommands[w]; ok {
				t.Errorf("synonym %q is a customer command", w)
			}
		}
	}
}
