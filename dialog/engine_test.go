package dialog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// The channel names of the adapters, as the tests use them: the engine
// itself names no platform (TestEngineNamesNoPlatform), and the tests give
// it the policy cmd/dangol gives it (testPolicy).
const (
	ChannelSlack    = "slack"
	ChannelTelegram = "telegram"
	ChannelConsole  = "console"
)

// testPolicy sets cmd/dangol's channel policy on cfg: Telegram carries
// customers, Slack and the console staff, the console is trusted.
func testPolicy(cfg *Config) {
	cfg.CustomerChannels = []string{ChannelTelegram}
	cfg.StaffChannels = []string{ChannelSlack, ChannelConsole}
	cfg.TrustedChannels = []string{ChannelConsole}
	cfg.UserIDs = map[string]func(string) bool{ChannelSlack: isSlackID}
}

// isSlackID is bots/slack.IsUserID's rule, which the engine's tests cannot
// import (bots/slack imports dialog).
func isSlackID(s string) bool {
	if len(s) < 2 || s[0] != 'U' && s[0] != 'W' {
		return false
	}
	for _, r := range s[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func TestNewRequiresStoreAndCatalog(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	tests := []struct {
		name string
		cfg  Config
	}{
		{"ErrNoStore", Config{Catalog: h.cat}},
		{"ErrNoCatalog", Config{Store: h.store}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil {
				t.Error("New accepted an incomplete config")
			}
		})
	}
	t.Run("Defaults", func(t *testing.T) {
		e, err := New(Config{Store: h.store, Catalog: h.cat})
		if err != nil {
			t.Fatal(err)
		}
		if e.rate != DefaultPointsRate || e.timeout != DefaultSessionTimeout || e.lang != "ko" || e.loc == nil {
			t.Errorf("defaults not applied: %+v", e)
		}
		if len(e.trusted)+len(e.customerCh)+len(e.staffCh) != 0 {
			t.Errorf("a channel policy by default: trusted %v, customers %v, staff %v", e.trusted, e.customerCh, e.staffCh)
		}
		if c := e.newCode(); !isCode(c) {
			t.Errorf("random code %q is not 6 digits", c)
		}
	})
}

// TestRestartMidNote closes the ledger and engine in the middle of a guided
// note and continues with new ones: the flow resumes and the note lands once.
func TestRestartMidNote(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, []step{
		{msg: staffMsg("/note")},
		{msg: staffMsg("010-1234-5678"), want: []string{"김민지"}},
		{msg: staffMsg("두피 케어 상담 #두피")},
	})
	h.reopen()
	runSteps(t, h, []step{
		{msg: staffMsg("33,000원"), ids: []string{"core.note.ask_tags"}},
		{msg: press(staffMsg(""), "skip")},
	})
	h.reopen()
	last := press(staffMsg(""), "skip")
	runSteps(t, h, []step{
		{msg: last, payloads: []string{"yes"}},
		{msg: press(staffMsg(""), "yes"), want: []string{"김민지"}},
	})
	ns := h.notes(f.minji)
	if len(ns) != 1 || ns[0].Text != "두피 케어 상담" || ns[0].Amount != 33000 {
		t.Fatalf("notes after restarts = %+v", ns)
	}
	// The same confirmation delivered again after another restart changes nothing.
	h.reopen()
	dup := press(staffMsg(""), "yes")
	dup.EventID = fmt.Sprintf("ev-%d", h.seq)
	if rs := h.send(dup); len(rs) != 0 {
		t.Errorf("re-delivered event answered %q", allText(rs))
	}
	if got := len(h.allNotes()); got != 1 {
		t.Errorf("notes = %d, want 1", got)
	}
}

// TestForgetLeavesNoPersonalData erases a linked customer through /forget
// and checks the file on disk holds none of their personal data while the
// week's numbers stay the same.
func TestForgetLeavesNoPersonalData(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	steps := []step{
		{msg: staffMsg("/note 010-1234-5678 비밀상담XYZ 두피 #두피")},
		{msg: staffMsg("/points add 김민지 40000 영수증QRS")},
	}
	steps = append(steps, linkMinji(h)...)
	steps = append(steps,
		step{msg: custMsg("/feedback")},
		step{msg: press(custMsg(""), "rate:2")},
		step{msg: press(custMsg(""), "nps:6")},
		step{msg: custMsg("코멘트QWE 불친절")},
	)
	runSteps(t, h, steps)

	week := feedback.WeekOf(t0, seoul)
	weekly := func() feedback.Figures {
		s, err := feedback.Weekly(context.Background(), h.store, week, feedback.Options{Loc: seoul, Now: t0})
		if err != nil {
			t.Fatal(err)
		}
		return s.This
	}
	before := weekly()
	if before.Notes != 1 || before.Feedback != 1 || before.PointsEarned != 2000 {
		t.Fatalf("figures before erasure = %+v", before)
	}
	runSteps(t, h, []step{
		{msg: custMsg("/forget"), payloads: []string{"yes", "no"}},
		{msg: press(custMsg(""), "yes"), ids: []string{"core.forget.done"}, check: func(t *testing.T, h *harness, _ []Reply) {
			// The record of the destruction: whom, when, and that they
			// asked themselves (not their platform id: it goes with them).
			var erased []ledger.AuditEntry
			for _, a := range h.audits() {
				if a.Action == "erase" {
					erased = append(erased, a)
				}
			}
			if len(erased) != 1 {
				t.Fatalf("erase audit entries %+v, want one", erased)
			}
			a := erased[0]
			if c := h.cust(a.CustomerID); !c.Erased || !a.At.Equal(c.ErasedAt) || a.ActorID != ledger.SelfActor || a.Detail != ledger.EraseReasonSelf {
				t.Errorf("erase audit %+v of %+v, want the erasure's time, actor %s, detail %s", a, c, ledger.SelfActor, ledger.EraseReasonSelf)
			}
		}},
		{msg: custMsg("/points"), ids: []string{"core.mypoints.unlinked"}},
	})
	// Every count stays. The low rating alone stops waiting on the shop:
	// the erasure closed its complaint, and nobody is left to answer it
	// (it was 미해결 for good, beside "closed by erasure" in the threads).
	after := weekly()
	if before.LowUnanswered != 1 || after.LowUnanswered != 0 {
		t.Errorf("unresolved low ratings %d before the erasure, %d after; want 1, then 0", before.LowUnanswered, after.LowUnanswered)
	}
	after.LowUnanswered = before.LowUnanswered
	if after != before {
		t.Errorf("figures changed by erasure:\nbefore %+v\nafter  %+v", before, after)
	}
	if got := len(h.allNotes()); got != 1 {
		t.Errorf("notes counted after erasure = %d, want 1", got)
	}
	if got := len(h.allFeedback()); got != 1 {
		t.Errorf("feedback counted after erasure = %d, want 1", got)
	}
	h.close()
	raw, err := os.ReadFile(h.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"김민지", "01012345678", "010-1234-5678", "비밀상담XYZ", "코멘트QWE", "영수증QRS"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the ledger file still contains %q", secret)
		}
	}
	// Someone else's data stays (sealed, so asked through the ledger).
	h.open()
	err = h.store.View(context.Background(), func(tx *ledger.Tx) error {
		found, err := tx.FindCustomers("Anna Lee", 0)
		if err == nil && len(found) != 1 {
			t.Error("erasure removed another customer")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSummary asks for weekly summaries as a manager: a headline, sections
// and a chart.
func TestSummary(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			seed(h)
			steps := []step{
				{msg: staffMsg("/note 김민지 커트 #커트")},
				{msg: staffMsg("/points add 김민지 30000")},
				{msg: cust2Msg("/feedback")},
				{msg: press(cust2Msg(""), "rate:1")},
				{msg: press(cust2Msg(""), "skip")},
				{msg: press(cust2Msg(""), "skip")},
			}
			runSteps(t, h, steps)
			for _, arg := range []string{"", " this", " last", " 2026-W20", " " + feedback.WeekOf(t0, seoul).String()} {
				rs := h.send(managerMsg("/summary" + arg))
				if len(rs) != 1 || rs[0].Text == "" || len(rs[0].Sections) == 0 || rs[0].Lang != lang {
					t.Fatalf("/summary%s = %+v", arg, rs)
				}
				img := rs[0].Image
				if img == nil || !bytes.HasPrefix(img.PNG, []byte("\x89PNG")) || !strings.HasPrefix(img.Name, "week-2026-W") {
					t.Errorf("/summary%s image = %v", arg, img)
				}
			}
			// The 1,500 points earned on 30,000: a bare "1" would match the
			// dates in the headline whatever the counts said.
			rs := h.send(managerMsg("/summary this"))
			if !strings.Contains(allText(rs), "1,500") {
				t.Errorf("summary shows no counts: %s", allText(rs))
			}
			rs = h.send(managerMsg("/summary someday"))
			if len(rs) != 1 || rs[0].Text != h.text("core.summary.usage", map[string]any{"Value": "someday"}) || !strings.Contains(rs[0].Text, "'someday'") {
				t.Errorf("bad week answered %+v", rs)
			}
			// A month is not a week: said so, not the usage.
			for _, arg := range []string{"month", "이번달", "지난 달", "last month", "2026-11", "11월"} {
				if rs = h.send(managerMsg("/summary " + arg)); len(rs) != 1 || rs[0].Text != h.text("core.summary.no_month", nil) {
					t.Errorf("/summary %s answered %+v", arg, rs)
				}
			}
		})
	}
}

// TestErrorsBecomeApologies: an unexpected error or a panic in flow code
// is logged and answered with an apology, never a stack trace.
func TestErrorsBecomeApologies(t *testing.T) {
	flows["boom"] = &flowDef{initial: "x", roles: staffRoles, step: func(*turn, input) error { panic("boom") }}
	t.Cleanup(func() { delete(flows, "boom") })

	h := mustOpenHarness(t, nil, "ko")
	apology := h.text("core.err.internal", nil)
	put := func(s ledger.Session) {
		h.update(func(tx *ledger.Tx) error { return tx.PutSession(s) })
	}
	check := func(name string, m Message, wantErr bool) {
		t.Run(name, func(t *testing.T) {
			rs, err := h.try(m)
			if (err != nil) != wantErr {
				t.Errorf("err = %v, want error %v", err, wantErr)
			}
			txt := allText(rs)
			if wantErr && !strings.Contains(txt, apology) {
				t.Errorf("no apology in %q", txt)
			}
			if strings.Contains(txt, "goroutine") || strings.Contains(txt, ".go:") || strings.Contains(txt, "boom") {
				t.Errorf("internals leaked to chat: %q", txt)
			}
		})
	}
	put(ledger.Session{Key: staffKey, Flow: "boom", State: "x", Updated: t0})
	check("Panic", staffMsg("hello"), true)
	put(ledger.Session{Key: staffKey, Flow: flowNote, State: "nonsense", Updated: t0})
	check("UnknownState", staffMsg("hello"), true)
	put(ledger.Session{Key: staffKey, Flow: "retired-flow", State: "x", Updated: t0})
	check("UnknownFlow", staffMsg("hello"), false)
	if _, ok := h.session(staffKey); ok {
		t.Error("a session of an unknown flow was kept")
	}
	if err := h.store.Close(); err != nil {
		t.Fatal(err)
	}
	check("LedgerClosed", staffMsg("/customer 김민지"), true)
}

// TestConversationsInParallel runs many conversations at once, several
// messages each, over the batched ledger: every effect lands exactly once.
// Amounts differ (the same amount again within minutes asks first).
func TestConversationsInParallel(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	const convs, each = 16, 5
	var wg sync.WaitGroup
	errs := make(chan error, convs*each)
	for c := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				m := staffMsg(fmt.Sprintf("/points add 김민지 %d", 1000*(c*each+i+1)))
				m.ConversationID = "C" + strconv.Itoa(c)
				m.EventID = fmt.Sprintf("par-%d-%d", c, i)
				rs, err := h.eng.Handle(context.Background(), m)
				if err != nil || len(rs) != 1 {
					errs <- fmt.Errorf("conversation %d message %d: %v %+v", c, i, err, rs)
				}
				// The same event again, concurrently with others: nothing.
				if rs, _ := h.eng.Handle(context.Background(), m); len(rs) != 0 {
					errs <- fmt.Errorf("re-delivery answered: %+v", rs)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if b, want := h.balance(f.minji), int64(50*convs*each*(convs*each+1)/2); b != want {
		t.Errorf("balance = %d, want %d", b, want)
	}
}

// TestLocaleIDsExist parses the package's Go files and checks every
// "core.…" string literal is a message in both catalogs, and every core
// message in the catalogs is used.
func TestLocaleIDsExist(t *testing.T) {
	cat := locales.MustLoad()
	idRE := regexp.MustCompile(`^core(\.[a-z0-9_]+)+$`)
	used := map[string]bool{"lang.name": true}
	for _, s := range stringLiterals(t, sourceFiles(t), idRE.MatchString) {
		used[s] = true
	}
	if len(used) < 100 {
		t.Fatalf("found only %d ids: is the text helper still called with literals?", len(used))
	}
	// Every flow has a name: the notice that a flow ended says which.
	for name, f := range flows {
		if f.title == "" {
			t.Errorf("flow %s has no title", name)
		}
	}
	for id := range used {
		for _, lang := range locales.Languages {
			if !cat.Has(lang, id) {
				t.Errorf("%s is used in dialog but missing from the %s catalog", id, lang)
			}
		}
	}
	for _, lang := range locales.Languages {
		for _, id := range cat.IDs(lang) {
			if strings.HasPrefix(id, "core.") && !used[id] {
				t.Errorf("%s (%s) is in the catalog but not used", id, lang)
			}
		}
	}
}

func TestKnownLedgerErrorsAreLocalised(t *testing.T) {
	h := mustOpenHarness(t, nil, "en")
	tr := &turn{e: h.eng, lang: "en"}
	for _, err := range []error{ledger.ErrCustomerNotFound, ledger.ErrInsufficientPoints, ledger.ErrDuplicatePhone, ledger.ErrInvalidCode, ledger.ErrNoConsent, ledger.ErrInvalid} {
		id, _, ok := tr.knownError(fmt.Errorf("dialog: x: %w", err))
		if !ok || !h.cat.Has("en", id) || !h.cat.Has("ko", id) {
			t.Errorf("%v maps to %q, %v", err, id, ok)
		}
	}
	if _, _, ok := tr.knownError(errors.New("disk on fire")); ok {
		t.Error("an unknown error was treated as known")
	}
}

func TestRender(t *testing.T) {
	tests := []struct{ got, want string }{
		{maskPhone("01012345678"), "010-****-5678"},
		{maskPhone("0212345678"), "02-****-5678"},
		{maskPhone("021234567"), "02-***-4567"},
		{maskPhone("0311234567"), "031-***-4567"},
		{formatPhone("021234567"), "02-123-4567"},
		{formatPhone("15881234"), "1588-1234"},
		{maskPhone("12"), "****"},
		{formatPhone("01012345678"), "010-1234-5678"},
		{formatPhone("0212345678"), "02-1234-5678"},
		{formatPhone("0311234567"), "031-123-4567"},
		{groupDigits(0), "0"},
		{groupDigits(999), "999"},
		{groupDigits(55000), "55,000"},
		{groupDigits(1234567), "1,234,567"},
		{groupDigits(-1000), "-1,000"},
		{stars(4), "★★★★☆"},
		{stars(9), "★★★★★"},
		{tierID(0), "core.tier.new"},
		{tierID(TierRegularVisits), "core.tier.regular"},
		{tierID(TierVIPVisits), "core.tier.vip"},
		{dropFields(" a  b\nc d ", 2), "c d"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text       string
		inFlow     bool
		name, args string
		word, ok   bool
	}{
		{"/note 010 커트", false, "note", "010 커트", false, true},
		{"/START@dangol_bot 123456", false, "start", "123456", false, true},
		{"/메모 김민지", false, "note", "김민지", false, true},
		{"메모 김민지 커트", false, "note", "김민지 커트", true, true},
		{"고객 불만 상담", true, "", "", false, false},
		{"취소", true, "cancel", "", true, true},
		{"cancel", true, "cancel", "", true, true},
		{"Cancel.", true, "cancel", "", true, true},
		{"My points?", true, "points", "", true, true},
		{"points balance", false, "points", "balance", true, true},
		{"points balance", true, "", "", false, false},
		{"feedback 5 great", false, "feedback", "5 great", true, true},
		{"help me find my coupon", false, "", "", false, false},
		{"stop", true, "", "", false, false}, // staff's only (readCommand); a customer's opts out
		{"안녕하세요", false, "", "", false, false},
		{"", false, "", "", false, false},
	}
	for _, tt := range tests {
		name, args, word, ok := parseCommand(tt.text, tt.inFlow)
		if name != tt.name || args != tt.args || word != tt.word || ok != tt.ok {
			t.Errorf("parseCommand(%q, %v) = %q, %q, word %v, %v", tt.text, tt.inFlow, name, args, word, ok)
		}
	}
}

func TestUserRef(t *testing.T) {
	tr := &turn{m: Message{Channel: ChannelSlack}}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"<@U123|bob>", "slack:U123", true},
		{"<@U123>", "slack:U123", true},
		{"@U123", "slack:U123", true},
		{"U123", "slack:U123", true},
		{"telegram:42", "telegram:42", true},
		{"", "", false},
		{"<@>", "", false},
		{":x", "", false},
	}
	for _, tt := range tests {
		got, ok := tr.userRef(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("userRef(%q) = %q, %v", tt.in, got, ok)
		}
	}
}

func TestStalePressIsMarked(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	for _, payload := range []string{"rate:4", "yes", "pick:C1", "fu:nope"} {
		rs := h.send(press(staffMsg(""), payload))
		if len(rs) != 1 || !rs[0].Stale || rs[0].Text != h.text("core.button.stale", nil) {
			t.Errorf("press %q: replies %+v, want one Stale explanation", payload, rs)
		}
	}
	if rs := h.send(staffMsg("/help")); len(rs) == 0 || rs[0].Stale {
		t.Errorf("/help answered %+v, want a reply not marked Stale", rs)
	}
}

// TestTooLongSaysWhichAndHowMuch: text over a ledger limit is refused with
// the field and the limit, and nothing is kept.
func TestTooLongSaysWhichAndHowMuch(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			var tags strings.Builder
			for i := range 21 {
				fmt.Fprintf(&tags, " #t%d", i)
			}
			field := func(id string) string { return h.text(id, nil) }
			runSteps(t, h, []step{
				{msg: staffMsg("/note 010-1234-5678 " + strings.Repeat("가", 5001)),
					want: []string{h.text("core.err.too_long", map[string]any{"Field": field("core.field.text"), "Limit": "5,000"})}},
				{msg: staffMsg("/note 010-1234-5678 상담" + tags.String()),
					want: []string{h.text("core.err.too_many_tags", map[string]any{"Limit": 20})}},
				{msg: staffMsg("/customer new 010-9999-8888 " + strings.Repeat("김", 101)),
					want: []string{h.text("core.err.too_long", map[string]any{"Field": field("core.field.name"), "Limit": "100"})}},
			})
			if n := h.notes(f.minji); len(n) != 0 {
				t.Errorf("refused notes were kept: %+v", n)
			}
			if _, err := h.try(staffMsg("/customer 010-9999-8888")); err != nil {
				t.Fatal(err)
			}
			h.view(func(tx *ledger.Tx) error {
				if _, err := tx.CustomerByPhone("01099998888"); !errors.Is(err, ledger.ErrCustomerNotFound) {
					t.Errorf("a customer with a refused name was kept: %v", err)
				}
				return nil
			})
		})
	}
}

// TestControlCharactersRefused: a NUL or an escape in a name or a text is
// refused with the field named, and nothing is kept.
func TestControlCharactersRefused(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			field := func(id string) string { return h.text(id, nil) }
			runSteps(t, h, []step{
				{msg: staffMsg("/note 010-1234-5678 커트\x00상담"),
					want: []string{h.text("core.err.control", map[string]any{"Field": field("core.field.text")})}},
				{msg: staffMsg("/customer new 010-9999-8888 김\x1b[2J"),
					want: []string{h.text("core.err.control", map[string]any{"Field": field("core.field.name")})}},
			})
			if n := h.notes(f.minji); len(n) != 0 {
				t.Errorf("refused notes were kept: %+v", n)
			}
			h.view(func(tx *ledger.Tx) error {
				if _, err := tx.CustomerByPhone("01099998888"); !errors.Is(err, ledger.ErrCustomerNotFound) {
					t.Errorf("a customer with a refused name was kept: %v", err)
				}
				return nil
			})
		})
	}
}

// TestNoEarning: a shop without a points programme refuses /points add
// politely and changes nothing, while balances and redeeming still work.
func TestNoEarning(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, []step{{msg: staffMsg("/points add 김민지 10000"), want: []string{"500P"}}})
	h.close()
	h.cfg.NoEarning = true
	h.open()
	runSteps(t, h, []step{
		{msg: staffMsg("/points add 김민지 55000"), ids: []string{"core.points.earn_off"}},
		{msg: staffMsg("/points redeem 김민지 200"), want: []string{"300P"}},
	})
	if b := h.balance(f.minji); b != 300 {
		t.Errorf("balance = %d, want 300 (500 earned before, 200 redeemed, nothing earned after)", b)
	}
}

// TestLinkCodeGuessingSlowed: after MaxCodeMisses wrong codes a sender must
// wait CodeMissWindow, even with the right code, so a 6-digit code cannot
// be guessed by trying them all.
func TestLinkCodeGuessingSlowed(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	steps := []step{
		{msg: staffMsg("/link 김민지")}, // code 100000
		{msg: custMsg("/start"), payloads: []string{"yes", "no"}},
		{msg: press(custMsg(""), "yes")},
	}
	for i := range MaxCodeMisses {
		steps = append(steps, step{msg: custMsg(fmt.Sprintf("99990%d", i)), ids: []string{"core.err.invalid_code"}})
	}
	steps = append(steps,
		step{msg: custMsg("100000"), want: []string{h.text("core.link.too_many_attempts", map[string]any{"Minutes": 60})}},
		step{advance: CodeMissWindow - time.Minute, msg: custMsg("100000"), want: []string{h.text("core.link.too_many_attempts", map[string]any{"Minutes": 60})}},
		step{advance: time.Minute, msg: custMsg("100000"), want: []string{"김민지"}},
	)
	runSteps(t, h, steps)
	if p := h.profile("telegram:" + custTG); p.CustomerID != f.minji || p.CodeMisses != 0 {
		t.Errorf("profile %+v, want linked to %s with misses reset", p, f.minji)
	}
}

// TestPickListIsAudited: asking "which 박지훈?" shows two records (names,
// masked phones), so both reads are in the audit trail, by who asked.
func TestPickListIsAudited(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, []step{{msg: staffMsg("/customer 박지훈"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2}}})
	listed := map[string]string{}
	for _, a := range h.audits() {
		if a.Action == "list" {
			listed[a.CustomerID] = a.ActorID
		}
	}
	want := map[string]string{f.jihoon1: "slack:" + staffID, f.jihoon2: "slack:" + staffID}
	if !maps.Equal(listed, want) {
		t.Errorf("list audits %v, want %v", listed, want)
	}
}

// TestForgetUnlinkedFeedback: someone who never linked can leave feedback,
// and /forget erases its comment (from the file too) while the rating
// still counts.
func TestForgetUnlinkedFeedback(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	const comment = "대기 시간이 너무 길었어요 Percival Lindqvist"
	runSteps(t, h, []step{
		{msg: cust2Msg("/feedback")},
		{msg: press(cust2Msg(""), "rate:2")},
		{msg: press(cust2Msg(""), "skip")},
		{msg: cust2Msg(comment), ids: []string{"core.feedback.thanks"}},
	})
	if fs := h.allFeedback(); len(fs) != 1 || fs[0].SenderID != "telegram:"+custTG2 || fs[0].CustomerID != "" {
		t.Fatalf("feedback %+v, want one from the unlinked sender", fs)
	}
	readFile := func() []byte {
		t.Helper()
		data, err := os.ReadFile(h.path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	// Sealed: readable through the ledger, never in the file.
	if fs := h.allFeedback(); fs[0].Comment != comment {
		t.Fatalf("comment before /forget %q", fs[0].Comment)
	}
	if bytes.Contains(readFile(), []byte(comment)) {
		t.Error("comment in the file in the clear")
	}
	runSteps(t, h, []step{
		{msg: cust2Msg("/forget")},
		{msg: press(cust2Msg(""), "yes"), ids: []string{"core.forget.done"}},
	})
	if fs := h.allFeedback(); len(fs) != 1 || fs[0].Rating != 2 || fs[0].Comment != "" || fs[0].SenderID != "" {
		t.Errorf("feedback after /forget %+v, want the rating without comment or sender", fs)
	}
	if bytes.Contains(readFile(), []byte(comment)) {
		t.Error("comment still in the file after /forget")
	}
}

// TestStaffInConsole: on a fresh ledger with no configured roles (the
// console) /staff says there is nobody granted, without a count over it,
// and that the speakers :as names hold no grant (TestStaffListTrusted); people
// granted by name are answered by that name, never by the ledger's key.
func TestStaffInConsole(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.close()
	h.cfg.Managers, h.cfg.Staff = nil, nil
	h.open()
	boss := func(text string) Message {
		return Message{Channel: ChannelConsole, UserID: "사장", UserName: "사장", ConversationID: "manager:사장", Role: ledger.RoleManager, Text: text, Private: true}
	}
	rs := h.send(boss("/staff"))
	if len(rs) != 1 || rs[0].Text != h.text("core.staff.none_trusted", nil) || len(rs[0].Sections) != 0 {
		t.Fatalf("/staff on a fresh ledger = %+v, want only %q", rs, h.text("core.staff.none_trusted", nil))
	}
	runSteps(t, h, []step{
		{msg: boss("/staff add @지수"), want: []string{h.text("core.staff.added", map[string]any{"User": "지수", "Role": h.text("core.role.staff", nil)})}, not: []string{"console:"}},
		// Twice: said so, not granted again.
		{msg: boss("/staff add @지수"), want: []string{h.text("core.staff.already", map[string]any{"User": "지수", "Role": h.text("core.role.staff", nil)})}, not: []string{h.text("core.staff.added", map[string]any{"User": "지수", "Role": h.text("core.role.staff", nil)})}},
		{msg: boss("/staff"), want: []string{h.text("core.staff.head", map[string]any{"Count": 1}), "지수"}, not: []string{"console:"}},
		{msg: boss("/staff remove 지수"), want: []string{h.text("core.staff.removed", map[string]any{"User": "지수"})}, not: []string{"console:"}},
	})
}

// TestSweptSessionSaysExpired: a flow the housekeeping sweep ended loses
// its draft at once, and the person's next message is still told that it
// was cancelled, then handled afresh.
func TestSweptSessionSaysExpired(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	h.send(staffMsg("/note"))
	h.send(staffMsg("김민지"))
	if s, ok := h.session(staffKey); !ok || len(s.Draft) == 0 {
		t.Fatalf("no draft mid-flow: %+v", s)
	}
	h.advance(31 * time.Minute)
	h.update(func(tx *ledger.Tx) error {
		ended, dropped, err := tx.ExpireSessions(h.now().Add(-DefaultSessionTimeout), h.now().Add(-7*24*time.Hour))
		if ended != 1 || dropped != 0 {
			t.Errorf("ExpireSessions ended %d, dropped %d; want 1, 0", ended, dropped)
		}
		return err
	})
	if s, ok := h.session(staffKey); !ok || len(s.Draft) != 0 || s.Flow != "" {
		t.Fatalf("after the sweep the session is %+v, want a stub without draft", s)
	}
	expired := h.text("core.session.expired", map[string]any{"Flow": h.text("core.flow.note", nil), "Minutes": 30})
	runSteps(t, h, []step{{msg: staffMsg("상담 내용"), want: []string{expired}, check: func(t *testing.T, h *harness, _ []Reply) {
		noSession(staffKey)(t, h, nil)
		noteCount(0)(t, h, nil)
	}}})
}

// TestChannelPolicy: whom a channel carries is configuration. A sender on
// a customer channel is a customer, on a staff channel needs a grant, on a
// trusted one says who they are; a channel in no list admits only the
// staff configured by id.
func TestChannelPolicy(t *testing.T) {
	tests := []struct {
		name     string
		policy   func(*Config)
		channel  string
		user     string
		asserted ledger.Role
		want     ledger.Role
	}{
		{"CustomerChannel", testPolicy, "telegram", "42", ledger.RoleNone, ledger.RoleCustomer},
		{"CustomerChannelRoleNotTrusted", testPolicy, "telegram", "42", ledger.RoleManager, ledger.RoleCustomer},
		{"StaffChannelGranted", testPolicy, "slack", "UGRANTED", ledger.RoleNone, ledger.RoleStaff},
		{"StaffChannelStranger", testPolicy, "slack", "UNOBODY", ledger.RoleNone, ledger.RoleNone},
		{"ConfiguredWithoutPolicy", func(c *Config) {}, "slack", managerID, ledger.RoleNone, ledger.RoleManager},
		{"GrantWithoutPolicy", func(c *Config) {}, "slack", "UGRANTED", ledger.RoleNone, ledger.RoleNone},
		{"TrustedAsserts", testPolicy, "console", "지수", ledger.RoleManager, ledger.RoleManager},
		{"UnknownChannel", testPolicy, "kakao", "k1", ledger.RoleNone, ledger.RoleNone},
		{"GrantNotOnCustomerChannel", testPolicy, "telegram", "UGRANTED", ledger.RoleNone, ledger.RoleCustomer},
		{"AnotherShopsPolicy", func(c *Config) {
			c.CustomerChannels, c.StaffChannels, c.TrustedChannels = []string{"kakao"}, []string{"telegram"}, nil
		}, "kakao", "k1", ledger.RoleNone, ledger.RoleCustomer},
		{"AnotherShopsStaff", func(c *Config) {
			c.CustomerChannels, c.StaffChannels, c.TrustedChannels = []string{"kakao"}, []string{"telegram"}, nil
		}, "telegram", "UGRANTED", ledger.RoleNone, ledger.RoleStaff},
		{"AnotherShopsConsoleNotTrusted", func(c *Config) {
			c.CustomerChannels, c.StaffChannels, c.TrustedChannels = []string{"kakao"}, []string{"telegram"}, nil
		}, "console", "지수", ledger.RoleManager, ledger.RoleNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			for _, id := range []string{"slack:UGRANTED", "telegram:UGRANTED"} {
				err := h.store.Update(context.Background(), func(tx *ledger.Tx) error {
					return tx.PutStaff(ledger.StaffMember{ID: id, Role: ledger.RoleStaff, Name: "그랜트"})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			cfg := h.cfg
			cfg.Store = h.store
			cfg.CustomerChannels, cfg.StaffChannels, cfg.TrustedChannels = nil, nil, nil
			tt.policy(&cfg)
			e, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got ledger.Role
			err = h.store.Update(context.Background(), func(tx *ledger.Tx) error {
				m := Message{Channel: tt.channel, UserID: tt.user, ConversationID: tt.user, Role: tt.asserted}
				turn := e.newTurn(context.Background(), tx, m, m.Channel+":"+m.ConversationID, t0)
				err := turn.resolveRole()
				got = turn.role
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("role %q, want %q", got, tt.want)
			}
		})
	}
}

// TestEngineNamesNoPlatform: no platform's name is a string in the
// engine's code; which channel is which is the caller's configuration.
func TestEngineNamesNoPlatform(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	platform := regexp.MustCompile(`^"(telegram|slack|console|kakao)(:|"$)`)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && platform.MatchString(lit.Value) {
				t.Errorf("%s names a platform: %s", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
}

// TestFlowReplaced: a command typed while a flow waits ends the flow and
// says so, so that a note waiting for its customer's name is not taken
// for saved; /help and /cancel keep or end it themselves, and choosing
// among customers is nothing to lose.
func TestFlowReplaced(t *testing.T) {
	for _, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seedList(h)
			replaced := func(flow string) string {
				return h.text("core.flow.replaced", map[string]any{"Flow": h.text(flow, nil)})
			}
			anyReplaced := strings.SplitN(h.text("core.flow.replaced", map[string]any{"Flow": "\x00"}), "\x00", 2)[0]
			runSteps(t, h, []step{
				{msg: staffMsg("/note 010-9999-0000 펌 상담"), not: []string{anyReplaced}},
				{msg: staffMsg("/help"), not: []string{anyReplaced}},
				{msg: staffMsg("/points 김민지"), want: []string{replaced("core.flow.note"), "김민지"}, check: noSession(staffKey)},
				{msg: staffMsg("/points 김민지"), not: []string{anyReplaced}},
				{msg: staffMsg("/note 010-9999-0000 펌 상담")},
				{msg: staffMsg("/cancel"), ids: []string{"core.cancel.done"}, not: []string{anyReplaced}},
				// Paging the customer list is nothing to lose, nor is the
				// programme's menu; a value asked for after it is.
				{msg: staffMsg("/customers")},
				{msg: staffMsg("/followups"), not: []string{anyReplaced}},
				{msg: managerMsg("/program")},
				{msg: managerMsg("/followups"), not: []string{anyReplaced}},
				{msg: managerMsg("/program"), payloads: []string{"prog:rate"}},
				{msg: press(managerMsg(""), "prog:rate")},
				{msg: managerMsg("/followups"), want: []string{replaced("core.flow.program")}},
				// Every flow is named: a large earn waiting for [적립].
				{msg: staffMsg("/points add 김민지 1000000")},
				// named by what it confirms, not "확인 대기"
				{msg: staffMsg("/followups"), want: []string{replaced("core.flow.correct.earn")}, not: []string{replaced("core.flow.other")}},
				// A guided note with its text written is kept when a command
				// comes while it asks for the optional amount: the staff member
				// meant it (it was lost before).
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("두피 스케일링 #두피"), ids: []string{"core.note.ask_amount"}},
				{msg: staffMsg("/followups"), want: []string{h.text("core.flow.kept", map[string]any{"Flow": h.text("core.flow.note", nil)})}, not: []string{replaced("core.flow.note")}, check: func(t *testing.T, h *harness, _ []Reply) {
					if ns := h.notes(f.minji); len(ns) != 1 || ns[0].Text != "두피 스케일링" || !slices.Equal(ns[0].Tags, []string{"두피"}) {
						t.Errorf("notes %+v, want the guided note kept", ns)
					}
				}},
				// /cancel is still no.
				{msg: staffMsg("/note 김민지")},
				{msg: staffMsg("클리닉 상담")},
				{msg: staffMsg("/cancel"), ids: []string{"core.cancel.done"}, check: func(t *testing.T, h *harness, _ []Reply) {
					if ns := h.notes(f.minji); len(ns) != 1 {
						t.Errorf("notes %+v, want the cancelled one not saved", ns)
					}
				}},
				// /customer new of a name already there asks first: that is
				// a registration, not "고객 정보 수정".
				{msg: staffMsg("/customer new 010-4545-4545 김민지")},
				{msg: staffMsg("/followups"), want: []string{replaced("core.flow.customer_edit.dupname")}},
				// nor is erasing one "고객 정보 수정"
				{msg: managerMsg("/customer 김민지 delete")},
				{msg: managerMsg("/followups"), want: []string{replaced("core.flow.customer_edit.reason")}, not: []string{replaced("core.flow.customer_edit")}},
			})
			h.view(func(tx *ledger.Tx) error {
				if c, err := tx.CustomerByPhone("01099990000"); err == nil {
					t.Errorf("the stopped note registered %+v", c)
				}
				return nil
			})
		})
	}
}

// TestKoreanNumberParticles: a message naming a number puts no particle
// straight after it, since the particle a number takes depends on how its
// last digit is read (#5가 but #3이): "#5번은", "#2 캠페인을".
func TestKoreanNumberParticles(t *testing.T) {
	cat := locales.MustLoad()
	for _, tt := range []struct {
		id   string
		data map[string]any
		want string
	}{
		{"corrections.note.no_note", map[string]any{"Name": "김민지", "N": 5, "Count": 1}, "#5번이 없어요"},
		{"threads.closed", map[string]any{"N": 5}, "#5번은"},
		{"threads.close.done", map[string]any{"Name": "민지", "N": 2}, "#2번을"},
		{"threads.reopen.done", map[string]any{"N": 9}, "#9번을"},
		{"threads.reply.closed", map[string]any{"N": 4}, "#4번은"},
		{"threads.claim.other", map[string]any{"N": 5, "By": "민지"}, "#5번은"},
		{"campaign.cancelled", map[string]any{"Number": 2, "Sent": 0}, "#2 캠페인을"},
		{"campaign.not_found", map[string]any{"Number": 5}, "#5 캠페인을"},
	} {
		if got := cat.Text("ko", tt.id, tt.data); !strings.Contains(got, tt.want) {
			t.Errorf("%s = %q, want %q in it", tt.id, got, tt.want)
		}
	}
}

// TestBrowseExpiresQuietly: a flow that was only browsing (the customer
// list) ends without the expiry notice, whether the next message finds it
// idle or the housekeeping sweep ended it first; the next message is
// answered as if there had been none, and /cancel says nothing was running.
func TestBrowseExpiresQuietly(t *testing.T) {
	for _, sweep := range []bool{false, true} {
		t.Run(map[bool]string{false: "Idle", true: "Swept"}[sweep], func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			seedList(h)
			h.send(staffMsg("/customers"))
			if s, ok := h.session(staffKey); !ok || s.Flow != flowCustomers {
				t.Fatalf("no list session: %+v", s)
			}
			h.advance(31 * time.Minute)
			if sweep {
				h.update(func(tx *ledger.Tx) error {
					_, _, err := tx.ExpireSessions(h.now().Add(-DefaultSessionTimeout), h.now().Add(-7*24*time.Hour))
					return err
				})
			}
			notice := h.text("core.session.expired", map[string]any{"Flow": h.text("core.flow.customers", nil), "Minutes": 30})
			runSteps(t, h, []step{
				{msg: staffMsg("/cancel"), want: []string{h.text("core.cancel.nothing", nil)}, not: []string{notice}, check: noSession(staffKey)},
			})
		})
	}
}
