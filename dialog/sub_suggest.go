package dialog

// An unknown word after a command's customer, or in a sub-command's
// place, gets an answer that helps: "/customer 김하늘 나이 30" was told
// there is no customer "김하늘 나이 30" and to register one by that name;
// "/points give 김하늘 500" that no customer is called "give". A word
// right after a customer who exists is not a field: the fields are listed
// (and a 메모 is pointed at 특이사항 or a /note); a word a sub-command's
// slip or synonym ("give", "nwe") suggests it.

import (
	"slices"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// subWords are the sub-commands a word may have meant, by command: each
// sub-command's own words, then the words other tools use for it.
var subWords = map[string][]struct {
	sub   string
	words []string
}{
	"customer": {{"new", []string{"new", "register", "signup", "create"}}},
	"points": {
		{"add", []string{"add", "earn", "give", "grant", "award"}},
		{"redeem", []string{"redeem", "use", "spend", "deduct"}},
		{"undo", []string{"undo"}},
	},
}

// memoWords name a free note about a customer: not a field, but most
// likely the remarks (특이사항), or a consultation note.
var memoWords = []string{"메모", "memo", "note", "notes", "노트"}

// suggestSub returns the sub-command of command that word most likely
// meant: a synonym, or a slip of one of its words (one edit, two for
// words of five letters or more, or a prefix of three letters or more).
func suggestSub(command, word string) (string, bool) {
	w := strings.ToLower(word)
	if w == "" || strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return "", false // a name, a phone, a Korean word: not a slip of an English sub-command
	}
	for _, s := range subWords[command] {
		if slices.Contains(s.words, w) {
			return s.sub, true
		}
	}
	for _, s := range subWords[command] {
		for _, x := range s.words {
			d := editDistance(w, x) // command_suggest.go
			if d == 1 || d == 2 && (len(x) >= 5 || swapped(w, x)) || len(w) >= 3 && strings.HasPrefix(x, w) {
				return s.sub, true
			}
		}
	}
	return "", false
}

// saySub answers a word in a sub-command's place that is a slip or synonym
// of one: the command as it was likely meant, and the command's usage.
// It reports whether it answered.
func (t *turn) saySub(command, usage, word, rest string) bool {
	sub, ok := suggestSub(command, word)
	if !ok {
		return false
	}
	line := strings.TrimSpace("/" + command + " " + sub + " " + rest)
	t.say("core.command.suggest", map[string]any{"Command": "/" + command + " " + word, "Help": line + "\n" + t.text(usage, nil)})
	return true
}

// unknownField answers /customer <who> <word> …, where who names a
// customer exactly and word is no field: the fields, or for a memo word
// where such a note goes. It reports whether it answered.
func (t *turn) unknownField(args string) (bool, error) {
	cs, query, phone, rest, err := t.lookupLead(args) // flow_customer.go
	if err != nil || len(cs) == 0 || rest == "" {
		return false, err
	}
	exact := phone != ""
	for _, c := range cs {
		exact = exact || ledger.SameName(c.Name, query)
	}
	if !exact {
		return false, nil // "Anna Lee" with only an Anna Kim: nobody of that name
	}
	word, value := firstField(rest)
	data := map[string]any{"Word": word, "Who": query, "Value": value}
	if slices.Contains(memoWords, strings.ToLower(word)) {
		t.say("customer_edit.unknown_field_memo", data)
		return true, nil
	}
	t.say("customer_edit.unknown_field", data)
	return true, nil
}

// hasPhone reports whether s holds a phone number, whole or in pieces
// ("010 1234 5678"), as /customer new reads one.
func hasPhone(s string) bool {
	fs := strings.Fields(s)
	for i := range fs {
		for j := i + 1; j <= min(len(fs), i+phonePieces); j++ {
			if _, ok := ledger.NormalizePhone(strings.Join(fs[i:j], "")); ok {
				return true
			}
		}
	}
	return false
}

// swapped reports whether a is b with two neighbouring letters swapped
// ("nwe", "new"): one slip of the keys, though two edits.
func swapped(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}
