package dialog

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

const testBot = "dangol_test_bot"

// deepLinkRE finds /link's deep link and its token in a reply.
var deepLinkRE = regexp.MustCompile(`https://t\.me/` + testBot + `\?start=([A-Z2-7]{26})`)

// decodeQR reads a PNG's QR code back to its text, as a phone's camera would.
func decodeQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("image is not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// The image is the code alone, so it is read as one (PURE_BARCODE):
	// gozxing's finder-pattern search, made for photos, misjudges about 1
	// in 130 of these random-token codes (measured over 2,000: 15 missed,
	// every one of them read right as a pure code), which made this test
	// flaky without saying anything about the code itself.
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("QR code does not decode: %v", err)
	}
	return res.GetText()
}

func (h *harness) setBotName(name string) {
	h.tb.Helper()
	h.update(func(tx *ledger.Tx) error { return tx.SetBotName(name) })
}

func (h *harness) linkedTo(platformID string) string {
	h.tb.Helper()
	var id string
	h.view(func(tx *ledger.Tx) error {
		c, err := tx.CustomerByLink(platformID)
		if err == nil {
			id = c.ID
		}
		return nil
	})
	return id
}

// linkReply checks /link's answer: the code, the deep link in the text,
// the same link in the QR code, sent privately; it returns the token.
func linkReply(t *testing.T, h *harness, rs []Reply, code string) string {
	t.Helper()
	if len(rs) != 1 {
		t.Fatalf("want one reply, got %d: %q", len(rs), allText(rs))
	}
	r := rs[0]
	m := deepLinkRE.FindStringSubmatch(r.Text)
	if m == nil || !strings.Contains(r.Text, code) {
		t.Fatalf("reply lacks the code %s or a deep link:\n%s", code, r.Text)
	}
	if r.Image == nil || !strings.HasSuffix(r.Image.Name, ".png") {
		t.Fatalf("reply has no PNG image: %+v", r.Image)
	}
	if got := decodeQR(t, r.Image.PNG); got != m[0] {
		t.Errorf("QR code says %q, the text %q", got, m[0])
	}
	if !r.Private {
		t.Error("the code and link are not private to the staff member")
	}
	return m[1]
}

func TestLinkDeepLink(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			minji := h.customer("김민지", "01012345678")
			h.setBotName(testBot)
			var tok string
			runSteps(t, h, []step{
				{msg: staffMsg("/link 김민지"), want: []string{"100000", "김민지"}, check: func(t *testing.T, h *harness, rs []Reply) {
					tok = linkReply(t, h, rs, "100000")
				}},
				{build: func() Message { return custMsg("/start " + tok) }, payloads: []string{"yes", "no"}, not: []string{"김민지"}},
				{msg: press(custMsg(""), "yes"), want: []string{"김민지"}},
				// The pair is used up: the 6 digits and the token, for anyone,
				// who is told it was used, not that it is wrong.
				{msg: cust2Msg("/start 100000"), payloads: []string{"yes"}},
				{msg: press(cust2Msg(""), "yes"), ids: []string{"linking.code.used_other"}, not: []string{"김민지", h.text("core.err.invalid_code", nil)}},
				{build: func() Message { return cust2Msg("/start " + tok) }, ids: []string{"linking.code.used_other"}, not: []string{"김민지", h.text("core.err.invalid_code", nil)}},
			})
			if got := h.linkedTo("telegram:" + custTG); got != minji {
				t.Errorf("%s linked to %q, want %s", custTG, got, minji)
			}
			if got := h.linkedTo("telegram:" + custTG2); got != "" {
				t.Errorf("a used token linked %s to %s", custTG2, got)
			}
			as := h.audits()
			if len(as) == 0 || as[len(as)-1].Action != "link" || as[len(as)-1].CustomerID != minji || as[len(as)-1].ActorID != "slack:"+staffID {
				t.Errorf("audit = %+v, want a link of %s by slack:%s", as, minji, staffID)
			}
		})
	}
}

// TestLinkTokenTwice: a token whose customer pressed agree in one chat
// does not link a second account, even before the first one agreed.
func TestLinkTokenTwice(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.customer("김민지", "01012345678")
	h.setBotName(testBot)
	var tok string
	runSteps(t, h, []step{
		{msg: staffMsg("/link 김민지"), check: func(t *testing.T, h *harness, rs []Reply) { tok = linkReply(t, h, rs, "100000") }},
		{build: func() Message { return custMsg("/start " + tok) }, payloads: []string{"yes"}},
		{build: func() Message { return cust2Msg("/start " + tok) }, payloads: []string{"yes"}},
		{msg: press(custMsg(""), "yes"), want: []string{"김민지"}},
		{msg: press(cust2Msg(""), "yes"), ids: []string{"linking.code.used_other"}, not: []string{"김민지"}},
	})
	if got := h.linkedTo("telegram:" + custTG2); got != "" {
		t.Errorf("the token linked a second account to %s", got)
	}
}

// TestLinkWithoutBotName: before the bot's name is known /link still gives
// the code, says why there is no link, and makes no picture.
func TestLinkWithoutBotName(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.customer("김민지", "01012345678")
			runSteps(t, h, []step{
				{msg: staffMsg("/link 김민지"), want: []string{"100000"}, ids: []string{"linking.link.no_bot"}, not: []string{"t.me/"},
					check: func(t *testing.T, h *harness, rs []Reply) {
						for _, r := range rs {
							if r.Image != nil {
								t.Errorf("an image without a link: %s", r.Image.Name)
							}
						}
					}},
				{msg: custMsg("/start 100000"), payloads: []string{"yes"}},
				{msg: press(custMsg(""), "yes"), want: []string{"김민지"}},
			})
		})
	}
}

// TestLinkRefused: who may not use /link, and bad input, each with its
// message and nothing drawn, stored or audited.
func TestLinkRefused(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.customer("김민지", "01012345678")
			h.setBotName(testBot)
			runSteps(t, h, []step{
				{msg: strangerMsg("/link 김민지"), ids: []string{"core.refused"}, not: []string{"100000", "t.me/"}},
				{msg: custMsg("/link 김민지"), ids: []string{"core.help.short_customer"}, not: []string{"100000", "t.me/"}},
				{msg: staffMsg("/link"), ids: []string{"core.link.usage"}, not: []string{"t.me/"}},
				{msg: staffMsg("/link 최없음"), want: []string{h.text("core.err.customer_unknown", map[string]any{"Query": "최없음"})}, not: []string{"t.me/"}},
				// A code no /link made links nobody.
				{msg: custMsg("/start 100000"), payloads: []string{"yes"}},
				{msg: press(custMsg(""), "yes"), ids: []string{"core.err.invalid_code"}},
			})
			if h.codes != 0 {
				t.Errorf("%d codes drawn after refusals", h.codes)
			}
			if as := h.audits(); len(as) != 0 {
				t.Errorf("audited after refusals: %+v", as)
			}
			if got := h.linkedTo("telegram:" + custTG); got != "" {
				t.Errorf("linked to %s", got)
			}
		})
	}
}

// TestStartJoin: the counter poster's /start join asks for consent and then
// offers the contact button (the menu); the contact, in whatever form the
// app sends it, links.
func TestStartJoin(t *testing.T) {
	share := func(m Message, phone string) Message {
		m.Text, m.Phone = "", phone
		return m
	}
	menu := func(t *testing.T, _ *harness, rs []Reply) {
		for _, r := range rs {
			if r.Menu {
				return
			}
		}
		t.Errorf("no reply brings the menu (the contact button): %q", allText(rs))
	}
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			minji := h.customer("김민지", "01012345678")
			anna := h.customer("Anna Lee", "01055556666")
			runSteps(t, h, []step{
				{msg: custMsg("/start join"), payloads: []string{"yes", "no"}, not: []string{"core.err"}},
				{msg: press(custMsg(""), "yes"), ids: []string{"core.consent.thanks", "linking.join.share"}, not: []string{h.text("core.start.ask_code", nil)}, check: menu},
				{msg: share(custMsg(""), "821012345678"), want: []string{"김민지"}},
				// Linked: join is a welcome back.
				{msg: custMsg("/start join"), want: []string{"김민지"}, not: []string{h.text("linking.join.share", nil)}},
				// Consented earlier but not linked: straight to the button.
				{msg: cust2Msg("/start"), payloads: []string{"yes"}},
				{msg: press(cust2Msg(""), "yes"), ids: []string{"core.start.ask_code"}},
				{msg: cust2Msg("/start JOIN"), ids: []string{"linking.join.share"}, check: menu},
				{msg: share(cust2Msg(""), "0082 10 5555 6666"), want: []string{"Anna Lee"}},
			})
			if got := h.linkedTo("telegram:" + custTG); got != minji {
				t.Errorf("%s linked to %q, want %s", custTG, got, minji)
			}
			if got := h.linkedTo("telegram:" + custTG2); got != anna {
				t.Errorf("%s linked to %q, want %s", custTG2, got, anna)
			}
			// "join" is no code: it never counts as a miss.
			if p := h.profile("telegram:" + custTG); p.CodeMisses != 0 {
				t.Errorf("join counted as %d code misses", p.CodeMisses)
			}
		})
	}
}

// TestStartJoinDeclined: declining the poster's consent links nothing and
// offers no button.
func TestStartJoinDeclined(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.customer("김민지", "01012345678")
			runSteps(t, h, []step{
				{msg: custMsg("/start join"), payloads: []string{"no"}},
				{msg: press(custMsg(""), "no"), ids: []string{"core.consent.declined"}, not: []string{h.text("linking.join.share", nil)}},
				{msg: Message{Channel: ChannelTelegram, UserID: custTG, ConversationID: custTG, Phone: "+82 10-1234-5678"}, ids: []string{"core.link.declined"}},
			})
			if got := h.linkedTo("telegram:" + custTG); got != "" {
				t.Errorf("linked to %s after declining", got)
			}
		})
	}
}

// TestLinkingIDsExist: every linking.* id flow_link.go uses is in both
// catalogs (the core.* ids have TestLocaleIDsExist).
func TestLinkingIDsExist(t *testing.T) {
	cat := locales.MustLoad()
	file, err := parser.ParseFile(token.NewFileSet(), "flow_link.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(file, func(node ast.Node) bool {
		lit, ok := node.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, _ := strconv.Unquote(lit.Value)
		if !strings.HasPrefix(s, "linking.") {
			return true
		}
		n++
		for _, lang := range locales.Languages {
			if !cat.Has(lang, s) {
				t.Errorf("%s is missing from the %s catalog", s, lang)
			}
		}
		return true
	})
	if n < 3 {
		t.Errorf("found %d linking ids in flow_link.go", n)
	}
}

// TestLinkCodeGuessingBotWide: 40 accounts each try 5 wrong codes (each
// account's own limit). The DefaultLinkCodeMisses-th wrong code of the
// hour pauses typed codes for everyone and tells the staff channel, once;
// later codes, the right one too, are answered with the pause and not
// tried, across a restart; a deep link still links; once the hour has
// passed a typed code links again.
func TestLinkCodeGuessingBotWide(t *testing.T) {
	const accounts, each = 40, MaxCodeMisses
	guesser := func(n int, text string) Message {
		id := fmt.Sprintf("90%02d", n)
		return Message{Channel: ChannelTelegram, UserID: id, ConversationID: id, Text: text, Private: true}
	}
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			minji := h.customer("김민지", "01012345678")
			jihoon := h.customer("박지훈", "01098765432")
			h.setBotName(testBot)
			tok := linkReply(t, h, h.send(staffMsg("/link 김민지")), "100000")
			staffText := func(rs []Reply) (n int, text string) {
				for _, r := range rs {
					if r.To == ToStaffChannel {
						n++
						text = r.Text
					}
				}
				return n, text
			}
			paused := func(min int) string { return h.text("linking.code.paused", map[string]any{"Minutes": min}) }
			consent := func(n int) {
				h.send(guesser(n, "/start"))
				h.send(press(guesser(n, ""), "yes"))
			}

			told, misses := 0, 0
			for a := range accounts {
				consent(a)
				for j := range each {
					rs := h.send(guesser(a, fmt.Sprintf("9%02d%03d", a, j)))
					txt := allText(rs)
					n, staff := staffText(rs)
					told += n
					switch {
					case misses < DefaultLinkCodeMisses:
						misses++
						if w := h.text("core.err.invalid_code", nil); !strings.Contains(txt, w) {
							t.Fatalf("miss %d (account %d): replies lack %q:\n%s", misses, a, w, txt)
						}
						if misses == DefaultLinkCodeMisses {
							want := h.cat.Text("ko", "linking.code.paused_staff", map[string]any{
								"Misses": DefaultLinkCodeMisses, "Minutes": 60, "Until": h.now().Add(CodeMissWindow).In(seoul).Format("15:04")})
							if n != 1 || staff != want {
								t.Errorf("the miss that reached the limit told the staff channel %d times: %q, want once: %q", n, staff, want)
							}
						}
					case !strings.Contains(txt, paused(60)) || strings.Contains(txt, h.text("core.err.invalid_code", nil)):
						t.Fatalf("account %d, try %d during the pause: %q, want the pause", a, j, txt)
					}
				}
			}
			if told != 1 {
				t.Errorf("staff channel told %d times, want once for the pause", told)
			}
			if misses != DefaultLinkCodeMisses {
				t.Errorf("%d misses counted, want %d", misses, DefaultLinkCodeMisses)
			}

			// The right code waits too, even after a restart.
			h.close()
			h.open()
			consent(accounts)
			runSteps(t, h, []step{
				{msg: guesser(accounts, "100000"), want: []string{paused(60)}, not: []string{"김민지"}},
				// A deep link is a long token, not guessable: it links.
				{msg: custMsg("/start " + tok), payloads: []string{"yes"}},
				{msg: press(custMsg(""), "yes"), want: []string{"김민지"}},
				{advance: CodeMissWindow - time.Minute, msg: staffMsg("/link 박지훈"), want: []string{"100001"}},
				{msg: guesser(accounts, "100001"), want: []string{paused(1)}, not: []string{"박지훈"}},
				// The hour has passed: typing works again.
				{advance: time.Minute, msg: guesser(accounts, "100001"), want: []string{"박지훈"}},
			})
			if got := h.linkedTo("telegram:" + custTG); got != minji {
				t.Errorf("the deep link linked %q, want %s", got, minji)
			}
			if got := h.linkedTo("telegram:" + guesser(accounts, "").UserID); got != jihoon {
				t.Errorf("the typed code after the pause linked %q, want %s", got, jihoon)
			}
			for a := range accounts {
				if got := h.linkedTo("telegram:" + guesser(a, "").UserID); got != "" {
					t.Errorf("guesser %d linked to %s", a, got)
				}
			}
		})
	}
}

// TestLinkMoves: a customer already linked who is given a code again is
// said to be so at /link; the account that uses the code takes the link
// over, and the old account is unlinked and told, so that two accounts
// never share one customer's record (their /mydata shows the phone).
func TestLinkMoves(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			runSteps(t, h, linkMinji(h))
			runSteps(t, h, []step{
				{msg: staffMsg("/link 김민지"), want: []string{h.text("linking.link.already_linked", map[string]any{"Name": "김민지"})}},
				{msg: cust2Msg("/start 100001"), payloads: []string{"yes", "no"}},
				{msg: press(cust2Msg(""), "yes"), want: []string{"김민지"}, check: func(t *testing.T, h *harness, rs []Reply) {
					told := toUser(rs, ChannelTelegram, custTG)
					if len(told) != 1 || told[0].Text != h.text("linking.moved", map[string]any{"Name": "김민지"}) {
						t.Errorf("the old account was told %q", allText(told))
					}
					if p := h.profile(ChannelTelegram + ":" + custTG); p.CustomerID != "" {
						t.Errorf("the old account is still linked: %+v", p)
					}
					if p := h.profile(ChannelTelegram + ":" + custTG2); p.CustomerID != f.minji {
						t.Errorf("the new account is not linked: %+v", p)
					}
				}},
				{msg: custMsg("/mydata"), not: []string{"010"}},
			})
		})
	}
}

// TestLinkCodeUsed: a code used already is told apart from a wrong one, in
// both languages. The account that linked with it (a second tap of the
// link, the code typed again, either half of the pair) is told it is
// linked and shown what /points shows it; another account is told the
// code was used and to ask for a new one; the account that used it but
// was unlinked since is told so. Only a wrong or expired code counts as a
// miss; a used one is remembered only while it would have been valid.
func TestLinkCodeUsed(t *testing.T) {
	type who struct {
		msg func(string) Message
		pid string
	}
	a, b := who{custMsg, "telegram:" + custTG}, who{cust2Msg, "telegram:" + custTG2}
	tests := []struct {
		name       string
		script     func(h *harness, tok string) []step
		wantLinked map[string]bool // pid -> linked to 김민지
		wantMisses map[string]int
	}{
		{"RightCode", func(h *harness, _ string) []step {
			return []step{{msg: a.msg("100000"), want: []string{h.text("core.link.welcome", map[string]any{"Name": "김민지", "Points": h.pts("500")})}}}
		}, map[string]bool{a.pid: true}, map[string]int{a.pid: 0}},
		{"WrongCode", func(h *harness, _ string) []step {
			return []step{{msg: a.msg("999999"), ids: []string{"core.err.invalid_code"}, not: []string{"김민지", "이미"}}}
		}, map[string]bool{a.pid: false}, map[string]int{a.pid: 1}},
		{"SameAccountTypesItAgain", func(h *harness, _ string) []step {
			return []step{
				{msg: a.msg("100000"), want: []string{"김민지"}},
				{msg: a.msg("100000"), want: []string{usedYours(h), h.text("core.mypoints.head", map[string]any{"Name": "김민지", "Points": h.pts("500"), "Tier": h.text("core.tier.new", nil)})},
					not: []string{h.text("core.err.invalid_code", nil)}},
			}
		}, map[string]bool{a.pid: true}, map[string]int{a.pid: 0}},
		{"SameAccountTapsTheLinkTwice", func(h *harness, tok string) []step {
			return []step{
				{msg: a.msg("/start " + tok), want: []string{"김민지"}},
				{msg: a.msg("/start " + tok), want: []string{usedYours(h), h.pts("500")}},
				// The pair's other half says the same.
				{msg: a.msg("/start 100000"), want: []string{usedYours(h), h.pts("500")}},
			}
		}, map[string]bool{a.pid: true}, map[string]int{a.pid: 0}},
		{"AnotherAccount", func(h *harness, tok string) []step {
			return []step{
				{msg: a.msg("100000"), want: []string{"김민지"}},
				{msg: b.msg("100000"), ids: []string{"linking.code.used_other"}, not: []string{"김민지", h.pts("500"), h.text("core.err.invalid_code", nil)}},
				{msg: b.msg("/start " + tok), ids: []string{"linking.code.used_other"}, not: []string{"김민지"}},
			}
		}, map[string]bool{a.pid: true, b.pid: false}, map[string]int{b.pid: 0}},
		{"SameAccountUnlinkedSince", func(h *harness, _ string) []step {
			return []step{
				{msg: a.msg("100000"), want: []string{"김민지"}},
				{msg: staffMsg("/link 김민지"), want: []string{"100001"}},
				{msg: b.msg("100001"), want: []string{"김민지"}},
				{msg: a.msg("100000"), ids: []string{"linking.code.used_yours_unlinked"}, not: []string{"김민지", h.pts("500")}},
			}
		}, map[string]bool{a.pid: false, b.pid: true}, map[string]int{a.pid: 0}},
		{"Expired", func(h *harness, _ string) []step {
			return []step{{advance: LinkCodeTTL, msg: a.msg("100000"), ids: []string{"core.err.invalid_code"}, not: []string{"김민지"}}}
		}, map[string]bool{a.pid: false}, map[string]int{a.pid: 1}},
		{"UsedThenExpired", func(h *harness, _ string) []step {
			return []step{
				{msg: a.msg("100000"), want: []string{"김민지"}},
				{advance: LinkCodeTTL, msg: b.msg("100000"), ids: []string{"core.err.invalid_code"}, not: []string{h.text("linking.code.used_other", nil)}},
				// Linked, the code typed again is still no wrong code.
				{msg: a.msg("100000"), want: []string{h.text("core.link.already", map[string]any{"Name": "김민지"})}, not: []string{h.text("core.err.invalid_code", nil)}},
			}
		}, map[string]bool{a.pid: true, b.pid: false}, map[string]int{b.pid: 1}},
	}
	for _, lang := range locales.Languages {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				h := mustOpenHarness(t, nil, lang)
				minji := h.customer("김민지", "01012345678")
				h.setBotName(testBot)
				h.send(staffMsg("/points add 김민지 10000"))
				tok := linkReply(t, h, h.send(staffMsg("/link 김민지")), "100000")
				for _, w := range []who{a, b} {
					runSteps(t, h, []step{{msg: w.msg("/start"), payloads: []string{"yes"}}, {msg: press(w.msg(""), "yes"), ids: []string{"core.start.ask_code"}}})
				}
				runSteps(t, h, tt.script(h, tok))
				for pid, want := range tt.wantLinked {
					if got := h.linkedTo(pid); (got == minji) != want {
						t.Errorf("%s linked to %q; want linked to 김민지: %t", pid, got, want)
					}
				}
				for pid, want := range tt.wantMisses {
					if got := h.profile(pid).CodeMisses; got != want {
						t.Errorf("%s has %d code misses, want %d", pid, got, want)
					}
				}
			})
		}
	}
}

// usedYours is the answer to a code the sender linked with.
func usedYours(h *harness) string {
	return h.text("linking.code.used_yours", map[string]any{"Name": "김민지"})
}

// TestConsentDeclinedRecord: a customer who declines in Telegram with a
// code or their shared phone keeps this account unlinked and is told the
// truth: the shop's record stays the shop's 장부, points given at the
// counter are earned as before, and the shop deletes it on request. The
// record names the decline for staff (its card, /link), and staff credit
// it as before; agreeing later links it and the note goes. A decline that
// names no record, or a record another account linked with consent,
// changes no record.
func TestConsentDeclinedRecord(t *testing.T) {
	share := func(m Message, phone string) Message {
		m.Text, m.Phone = "", phone
		return m
	}
	tests := []struct {
		name         string
		before       []Message // sent before the consent question's answer
		wantDeclined bool      // 김민지's record notes the decline
		wantLinked   string    // who is linked to 김민지 at the end ("" none)
	}{
		{"WithTypedCode", []Message{custMsg("/start 100000")}, true, ""},
		{"WithCodeTypedDuringTheQuestion", []Message{custMsg("/start"), custMsg("100000")}, true, ""},
		{"WithSharedPhone", []Message{share(custMsg(""), "+82 10-1234-5678")}, true, ""},
		{"WithoutCode", []Message{custMsg("/start")}, false, ""},
		{"WithWrongCode", []Message{custMsg("/start 999999")}, false, ""},
	}
	for _, lang := range locales.Languages {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				h := mustOpenHarness(t, nil, lang)
				minji := h.customer("김민지", "01012345678")
				h.send(staffMsg("/link 김민지"))
				for _, m := range tt.before {
					h.send(m)
				}
				day := t0.In(seoul).Format("2006-01-02")
				cardLine := h.text("linking.card.declined", map[string]any{"Date": day})
				runSteps(t, h, []step{
					{msg: press(custMsg(""), "no"), ids: []string{"core.consent.declined"}, not: []string{"김민지"}},
					// Staff credit the record as before; it is the shop's.
					{msg: staffMsg("/points add 김민지 10000"), want: []string{h.pts("500")}},
					{msg: custMsg("/mydata"), want: []string{h.text("core.mydata.consent_declined", map[string]any{"Date": t0.In(seoul).Format("2006-01-02")})}, not: []string{"김민지", "010"}},
				})
				c := h.customerByID(minji)
				if c.Consent.Declined != tt.wantDeclined || c.Consent.Given {
					t.Errorf("record consent %+v; want declined %t", c.Consent, tt.wantDeclined)
				}
				if h.balance(minji) != 500 {
					t.Errorf("balance %d, want 500: a decline in Telegram takes nothing from the counter", h.balance(minji))
				}
				card := allText(h.send(staffMsg("/customer 김민지")))
				if strings.Contains(card, cardLine) != tt.wantDeclined {
					t.Errorf("card shows the decline %q: %t, want %t:\n%s", cardLine, !tt.wantDeclined, tt.wantDeclined, card)
				}
				warn := h.text("linking.link.declined", map[string]any{"Name": "김민지", "Date": day})
				if got := allText(h.send(staffMsg("/link 김민지"))); strings.Contains(got, warn) != tt.wantDeclined {
					t.Errorf("/link warns %q: %t, want %t:\n%s", warn, !tt.wantDeclined, tt.wantDeclined, got)
				}
				// A change of mind: the new code links, and the note goes.
				runSteps(t, h, []step{
					{advance: time.Hour, msg: custMsg("/start 100001"), payloads: []string{"yes"}},
					{msg: press(custMsg(""), "yes"), want: []string{"김민지"}},
				})
				card = allText(h.send(staffMsg("/customer 김민지")))
				if strings.Contains(card, cardLine) || !strings.Contains(card, h.text("core.card.linked", nil)) {
					t.Errorf("after agreeing the card still shows the decline or no link:\n%s", card)
				}
				if c := h.customerByID(minji); !c.Consent.Given || c.Consent.Declined {
					t.Errorf("after agreeing the record's consent is %+v", c.Consent)
				}
			})
		}
	}

	t.Run("LinkedWithConsentElsewhere", func(t *testing.T) {
		h := mustOpenHarness(t, nil, "ko")
		minji := h.customer("김민지", "01012345678")
		runSteps(t, h, linkMinji(h))
		runSteps(t, h, []step{
			{msg: staffMsg("/link 김민지"), want: []string{"100001"}},
			{msg: cust2Msg("/start 100001"), payloads: []string{"no"}},
			{msg: press(cust2Msg(""), "no"), ids: []string{"core.consent.declined"}},
		})
		if c := h.customerByID(minji); !c.Consent.Given || c.Consent.Declined {
			t.Errorf("a second account's decline changed the linked record's consent: %+v", c.Consent)
		}
		if got := h.linkedTo("telegram:" + custTG); got != minji {
			t.Errorf("the consenting account is no longer linked: %q", got)
		}
	})
}
