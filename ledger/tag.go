package ledger

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// CleanTag returns the spelling the ledger keeps a tag in, whoever typed
// it and wherever (a chat note, a form, an imported sheet): one width
// (width.Fold: full-width "ＶＩＰ" reads as "VIP", half-width katakana and
// jamo as their usual forms) and NFC (jamo typed apart compose); not NFKC,
// which would turn the jamo of "#ㅋㅋ" into conjoining ones; no leading '#'
// (the mark of a tag in chat, not part of it); spaces trimmed and
// collapsed; its case as typed, since "VIP" and "Perm" are how the shop
// chose to write them. An empty result is left for Validate to refuse.
// Tags are matched by NormalizeTag, never by their spelling.
func CleanTag(tag string) string {
	// Nearly every tag typed ("#염색") is in form but for its '#': checking
	// that is far cheaper than folding and NFC, which were a twentieth of a
	// one-line note's time in the shared write transaction.
	if t := strings.TrimLeft(tag, "#"); tagClean(t) {
		return t
	}
	return cleanTag(tag)
}

// cleanTag is CleanTag without its shortcut.
func cleanTag(tag string) string {
	s := strings.TrimSpace(norm.NFC.String(width.Fold.String(tag)))
	s = strings.TrimLeft(s, "#")
	return strings.Join(strings.Fields(s), " ")
}

// NormalizeTag returns the key a tag is matched by: CleanTag's spelling in
// lower case, since "VIP" and "vip" are one category to a shop. The tag
// indexes (ListCustomers), a summary's counts and every "has this tag"
// compare keys, so #vip finds a customer tagged VIP; no record stores a
// key in place of its spelling.
func NormalizeTag(tag string) string {
	if t := strings.TrimLeft(tag, "#"); tagNormal(t) {
		return t
	}
	return normalizeTag(tag)
}

// normalizeTag is NormalizeTag without its shortcut.
func normalizeTag(tag string) string { return strings.ToLower(cleanTag(tag)) }

// SameTag reports whether a and b are one tag (their NormalizeTag keys are
// equal), however each is spelt.
func SameTag(a, b string) bool { return a == b || NormalizeTag(a) == NormalizeTag(b) }

// CleanTags cleans every tag (CleanTag) and drops those that are a tag
// before them in another spelling (SameTag), keeping the order and the
// spelling of first appearance; nil for none. An empty tag is kept once,
// so Validate still says a tag was empty. CreateCustomer, PutCustomer,
// AddNote and EditNote store what it returns, and every read of a customer
// or note returns it for the stored tags (tags written before the ledger
// owned their form read cleaned, lower case if that is how a version
// before spellings were kept stored them).
func CleanTags(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	if tagsClean(tags) {
		// Every read of a note or customer cleans its tags (records
		// written before the ledger owned their form), and nearly all are
		// already clean: checking is far cheaper than folding, NFC and a
		// map each time (a fifth of the weekly summary's time otherwise).
		// A copy still, as before: callers edit what they are given.
		return slices.Clone(tags)
	}
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = CleanTag(t)
		if k := NormalizeTag(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// NormalizeTags returns the keys of tags (NormalizeTag), repeats dropped,
// in order of first appearance; nil for none. An empty tag is kept once.
func NormalizeTags(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	if tagsNormal(tags) {
		return slices.Clone(tags) // a copy: callers edit what they are given
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

// tagsClean reports whether tags are already what CleanTags returns: each
// one clean (tagClean) and none the same tag as one before it.
func tagsClean(tags []string) bool {
	for i, t := range tags {
		if !tagClean(t) {
			return false
		}
		if repeatsTag(tags[:i], t) {
			return false
		}
	}
	return true
}

// repeatsTag reports whether t, clean, is the same tag as one of before,
// clean too: a clean tag's key is its lower case, compared rune by rune
// without building it (every note decode comes here, and "VIP" is kept
// as typed, so strings.ToLower would allocate).
func repeatsTag(before []string, t string) bool {
	for _, u := range before {
		if u == t || sameLower(u, t) {
			return true
		}
	}
	return false
}

// sameLower reports whether strings.ToLower(a) == strings.ToLower(b), as
// the tags' key compares them; strings.EqualFold is not the same (it keeps
// "İ" and "i" apart, which ToLower makes one key).
func sameLower(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if unicode.ToLower(ra) != unicode.ToLower(rb) {
			return false
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b == ""
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

// tagClean reports whether CleanTag(t) == t, without building it: no rune
// that width.Fold or the space rules would change, no leading '#', and NFC
// already. It may say false for a clean tag (the slow path then finds it
// unchanged), never true for one that is not.
func tagClean(t string) bool { return tagForm(t, false) }

// tagNormal reports whether NormalizeTag(t) == t, without building it: no
// rune that width.Fold, the lower-casing or the space rules would change,
// no leading '#', and NFC already. It may say false for a tag that is in
// form (the slow path then finds it unchanged), never true for one that
// is not.
func tagNormal(t string) bool { return tagForm(t, true) }

// tagForm is tagClean, and tagNormal with lower: a rune the lower-casing
// would change is out of form too.
func tagForm(t string, lower bool) bool {
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
		case r == utf8.RuneError, r == 0x3000, r >= 0xFF00 && r <= 0xFFEF, r >= 0x2985 && r <= 0x2986, unicode.IsSpace(r):
			return false
		case lower && (unicode.IsUpper(r) || unicode.IsTitle(r) || unicode.ToLower(r) != r):
			return false
		}
		space = false
	}
	return composed || norm.NFC.IsNormalString(t)
}
