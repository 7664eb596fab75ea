package locales

import (
	"strings"
	"testing"
	"unicode"
)

// hangulInEnglish are the English messages that hold Korean on purpose,
// and why: everything else an English reader sees is English, so a Korean
// example ("5000원, 아메리카노 1잔") left in a translation fails the test.
var hangulInEnglish = map[string]string{
	"ads.header":                    "the law's (광고) mark, which an ad starts with in any language",
	"campaign.ask_text":             "names that (광고) mark",
	"campaign.form.text_hint":       "names that (광고) mark",
	"winback.form.hint":             "names that (광고) mark",
	"appliance.service.description": "the product's name, 단골",
	"core.help.lang":                "each language named in its own script, for someone who cannot read this one",
	"telegram.menu.lang":            "the same: the language button in both",
	"telegram.cmd.lang":             "the same: the command's description in both",
	"cli.import.usage":              "the Korean column headers a shop's spreadsheet has",
	"cli.import.err.no_header":      "the same headers",
	"bench.usage":                   "the Korean feedback line the bench sends",
}

// TestEnglishHasNoStrayKorean: an English message holds Hangul only where
// hangulInEnglish says why, and each reason still has its Korean.
func TestEnglishHasNoStrayKorean(t *testing.T) {
	c := MustLoad()
	hangul := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Hangul, r) })
	}
	for _, id := range c.IDs("en") {
		src := c.msgs["en"][id].src
		if c.msgs["en"][id].slow {
			src = c.Text("en", id, nil)
		}
		_, allowed := hangulInEnglish[id]
		switch {
		case hangul(src) && !allowed:
			t.Errorf("en %s holds Korean: %q", id, src)
		case allowed && !hangul(src):
			t.Errorf("en %s is listed in hangulInEnglish but holds no Korean any more", id)
		}
	}
}
