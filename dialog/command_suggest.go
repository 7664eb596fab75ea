package dialog

import (
	"slices"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// "알 수 없는 명령이에요: /stamps" left a staff member to read the whole
// /help for the command they nearly typed. An unknown command is answered
// with the command it most likely meant, and that command's help line: a
// slip of the keys ("/ponits"), a plural or a prefix ("/stamps", "/cust"),
// or the word another tool uses for it ("/history" is /points, "/week"
// /summary).

// commandSynonyms are words other tools (and habit) use for a command,
// by the command they mean here. Only a command the sender's role has is
// suggested.
var commandSynonyms = map[string][]string{
	"points":    {"history", "balance", "point", "pts", "mypoints", "mypoint"},
	"stamp":     {"mystamps", "mystamp"},
	"coupon":    {"mycoupons", "mycoupon"},
	"mydata":    {"myinfo", "info", "me", "profile", "privacy"},
	"summary":   {"week", "weekly", "report", "stats"},
	"inbox":     {"threads", "thread", "questions", "messages"},
	"customer":  {"search", "find", "lookup", "card"},
	"customers": {"list", "clients"},
	"note":      {"memo", "consult"},
	"followups": {"followup", "todo"},
	"lang":      {"language"},
	"link":      {"invite"},
	"program":   {"loyalty", "programme", "winback", "tiers"},
	"audit":     {"log"},
	"staff":     {"team", "members"},
	"reply":     {"answer"},
	"forget":    {"delete", "erase"},
	"birthday":  {"bday"},
	"marketing": {"ads"},
	"feedback":  {"rate", "review"},
}

// suggestCommand returns the command of table that name most likely meant,
// and whether there is one: a synonym, a plural or prefix of at least
// three letters, or a name at most one edit away (two for names of five
// letters or more). Managers' commands are suggested to managers only.
func (t *turn) suggestCommand(table map[string]command, name string) (string, bool) {
	usable := func(c string) bool {
		cmd, ok := table[c]
		return ok && (!cmd.manager || t.role == ledger.RoleManager)
	}
	name = strings.ToLower(name)
	for c, words := range commandSynonyms {
		if slices.Contains(words, name) && usable(c) {
			return c, true // each word is listed for one command
		}
	}
	names := make([]string, 0, len(table))
	for c := range table {
		if usable(c) {
			names = append(names, c)
		}
	}
	slices.Sort(names) // the same answer every time
	best, bestScore := "", 3
	for _, c := range names {
		score := 3
		switch {
		case len(name) >= 3 && (strings.HasPrefix(c, name) || strings.HasPrefix(name, c) && len(name)-len(c) <= 2):
			score = 0
		default:
			d := editDistance(name, c)
			if d == 1 || d == 2 && len(c) >= 5 {
				score = d
			}
		}
		// The shorter of equals: "/cust" is /customer before /customers.
		if score < bestScore || score == bestScore && score < 3 && len(c) < len(best) {
			best, bestScore = c, score
		}
	}
	return best, bestScore < 3
}

// helpLineOf is the line of the sender's /help that describes command
// name, or "" when none does.
func (t *turn) helpLineOf(name string) string {
	for _, id := range t.helpIDs() {
		line := t.text(id, nil)
		for _, l := range strings.Split(line, "\n") {
			if rest, ok := strings.CutPrefix(l, "/"+name); ok && (rest == "" || rest[0] == ' ') {
				return l
			}
		}
	}
	return ""
}

// unknownCommand answers a command the sender's role does not have.
func (t *turn) unknownCommand(table map[string]command, name string) {
	if c, ok := t.suggestCommand(table, name); ok {
		if help := t.helpLineOf(c); help != "" {
			t.say("core.command.suggest", map[string]any{"Command": "/" + name, "Help": help})
			return
		}
	}
	if t.role == ledger.RoleCustomer {
		t.say("core.help.short_customer", nil)
		return
	}
	t.say("core.command.unknown", map[string]any{"Command": "/" + name})
}

// editDistance is the Levenshtein distance of two short ASCII words.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
