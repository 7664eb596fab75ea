package ledger

import (
	"strings"

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
