package ledger

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// NormalizeTag returns the one form the ledger keeps a tag in, whoever
// typed it and wherever (a chat note, a form, an imported sheet): one width
// (width.Fold: full-width "ＶＩＰ" reads as "VIP", half-width katakana and
// jamo as their usual forms) and NFC (jamo typed apart compose); not NFKC,
// which would turn the jamo of "#ㅋㅋ" into conjoining ones; lower case, since
// "VIP" and "vip" are one category to a shop; no leading '#' (the mark of a
// tag in chat, not part of it); spaces trimmed and collapsed. An empty
// result is left for Validate to refuse.
func NormalizeTag(tag string) string {
	// Nearly every tag typed ("#염색") is in form but for its '#': checking
	// that is far cheaper than folding and NFC, which were a twentieth of a
	// one-line note's time in the shared write transaction.
	if t := strings.TrimLeft(tag, "#"); tagNormal(t) {
		return t
	}
	return normalizeTag(tag)
}

// normalizeTag is NormalizeTag without its shortcut.
func normalizeTag(tag string) string {
	s := strings.TrimSpace(norm.NFC.String(width.Fold.String(tag)))
	s = strings.TrimLeft(s, "#")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// NormalizeTags normalizes every tag (NormalizeTag) and drops repeats,
// keeping the order of first appearance; nil for none. An empty tag is kept
// once, so Validate still says a tag was empty.
func NormalizeTags(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	if tagsNormal(tags) {
		// Every read of a note or customer normalises its tags (records
		// written before the ledger owned their form), and nearly all are
		// already in it: checking is far cheaper than folding, NFC and a
		// map each time (a fifth of the weekly summary's time otherwise).
		// A copy still, as before: callers edit what they are given.
		return slices.Clone(tags)
	}
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = NormalizeTag(t)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// tagsNormal reports whether tags are already what NormalizeTags returns:
// each one in NormalizeTag's form and none repeated.
func tagsNormal(tags []string) bool {
	for i, t := range tags {
		if !tagNormal(t) {
			return false
		}
		for _, u := range tags[:i] {
			if u == t {
				return false
			}
		}
	}
	return true
}

// tagNormal reports whether NormalizeTag(t) == t, without building it: no
// rune that width.Fold, the lower-casing or the space rules would change,
// no leading '#', and NFC already. It may say false for a tag that is in
// form (the slow path then finds it unchanged), never true for one that
// is not.
func tagNormal(t string) bool {
	if t == "" || t[0] == '#' || t[0] == ' ' || t[len(t)-1] == ' ' {
		return false
	}
	space, composed := false, true
	for _, r := range t {
		// ASCII and precomposed Hangul syllables are NFC whatever follows
		// them, unless a combining mark comes next: only then is NFC's
		// own check needed.
		if r >= 0x80 && (r < 0xAC00 || r > 0xD7A3) {
			composed = false
		}
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
			continue
		case r == utf8.RuneError, r == 0x3000, r >= 0xFF00 && r <= 0xFFEF, r >= 0x2985 && r <= 0x2986,
			unicode.IsSpace(r), unicode.IsUpper(r), unicode.IsTitle(r), unicode.ToLower(r) != r:
			return false
		}
		space = false
	}
	return composed || norm.NFC.IsNormalString(t)
}
