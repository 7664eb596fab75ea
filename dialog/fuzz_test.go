package dialog

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// The tests here drive the engine with adversarial conversations: a byte
// string (from the fuzzer, or from a seeded PRNG) is decoded into messages
// from every kind of sender, and after each one the invariants that must
// hold whatever people type are checked (see chaos.checkReplies and
// inspectLedger).
//
// Encoding of one message (a missing byte reads as 0, and decoding stops
// when the input runs out):
//
//	b0      sender: < 160 the previous sender, else senders[(b0-160) % len]
//	b1      kind, b1 % 16: see the kind constants
//	...     the kind's own bytes
//
// A token is one byte: < 224 picks chaosArgs[b % len], else a raw string
// follows as a length byte (% 64) and that many bytes. Raw strings are
// "tamed" (see tame) so the reply checks never trip over an echo of the
// sender's own words.

// Message kinds, the second byte of a message modulo kindCount.
const (
	kindCommand     = 0 // 0–5: a command prefix byte, then tokens
	kindPlain       = 6 // 6–7: tokens alone
	kindPressLast   = 8 // 8–9: press a button of the sender's last replies
	kindPressDict   = 10
	kindPressSeen   = 11 // press any button any reply has offered so far
	kindForm        = 12
	kindPhone       = 13
	kindRedeliver   = 14
	kindAdvance     = 15
	kindCount       = 16
	senderBase      = 160
	rawTokenMark    = 224
	maxFuzzMessages = 20
)

// chaosCommands are the command prefixes the fuzzer combines with tokens.
var chaosCommands = []string{
	"/note ", "/points add ", "/points redeem ", "/points ", "/customer ",
	"/customer new ", "/link ", "/start ", "/feedback", "/forget", "/lang",
	"/lang ", "/summary ", "/staff add ", "/staff remove ", "/staff",
	"/followups", "/cancel", "취소", "/mydata", "/help", "메모 ", "포인트 ",
	"/unknown ", "/start@dangol_bot ", "／note ", "/note", "고객 ", "/feedback5",
}

// chaosArgs are the tokens arguments and answers are made of: names and
// phones of the fixture, amounts, dates, link codes (the harness makes
// 100000, 100001, …), user references and awkward text.
var chaosArgs = []string{
	"김민지", "박지훈", "Anna", "Anna Lee", "Lee", "010-1234-5678", "01022223333",
	"010", "1234", "5678", "010-7777-8888", "+82 10-4444-5555", "최유나", "C1",
	"C2", "C3", "C4", "C5", "C99", "55,000원", "5.5만", "1000", "10", "0", "-5",
	"99999999999999999999", "9223372036854775807", "커트", "#염색", "#펌 #커트",
	"다음 주 금요일", "2026-05-20", "내일", "someday", "100000", "100001",
	"100002", "100003", "100004", "100005", "manager", "U2", "UX", "slack:UX", "<@UX|x>", "@U1",
	"en", "ko", "english", "this", "last", "2026-W19", "예", "아니요", "건너뛰기",
	"skip", "4", "5점", "11", "\n", strings.Repeat("가", 5001), "😀", "\x00",
	"<!channel>", "%s", "C1,C2", ":", "\u200b", "ｎｏｔｅ", "+821012345678",
	"020-123-4567", "3일 후", "2999-12-31", "9999개월 후", "2199-12-31", "next friday", "5/20", "만원", "1억", "저장", "save",
	"취소", "cancel", "#", "##", "\t", "  ", "0101234567800000",
}

// chaosPayloads are the button payloads the fuzzer presses from its dictionary.
var chaosPayloads = []string{
	"yes", "no", "skip", "cancel", "rate:1", "rate:2", "rate:3", "rate:4",
	"rate:5", "rate:0", "rate:9", "nps:0", "nps:10", "nps:11", "nps:x",
	"pick:C1", "pick:C2", "pick:C3", "pick:C4", "pick:C5", "pick:C99", "pick:",
	"answer:", "answer:zz", "answer:C1", "fu:", "fu:zz", "fu:AAAAAAAAAAAAAAAAAAAAAA",
	"lang:en", "lang:ko", "lang:xx", "lang:", "garbage", "::::", "", " yes ",
}

// chaosSender is someone who talks to the engine.
type chaosSender struct {
	channel, user, name, conv, lang string
	role                            ledger.Role // asserted; honoured on the console only
	private, canForm                bool
}

func (s chaosSender) base() Message {
	return Message{Channel: s.channel, UserID: s.user, UserName: s.name, ConversationID: s.conv,
		Lang: s.lang, Role: s.role, Private: s.private, CanForm: s.canForm}
}

// defaultSenders are the harness's people and a few odd ones: a staff
// member with forms, one in a channel, console operators, a customer in a
// group, and a sender with no ids at all.
func defaultSenders() []chaosSender {
	return []chaosSender{
		{channel: ChannelSlack, user: staffID, name: "지수", conv: "D" + staffID, private: true},
		{channel: ChannelSlack, user: staffID, name: "지수", conv: "D" + staffID, private: true, canForm: true},
		{channel: ChannelSlack, user: staff2ID, name: "현우", conv: "D" + staff2ID, private: true, lang: "en-US"},
		{channel: ChannelSlack, user: managerID, name: "사장님", conv: "D" + managerID, private: true},
		{channel: ChannelTelegram, user: custTG, name: "min", conv: custTG, private: true, lang: "ko"},
		{channel: ChannelTelegram, user: custTG2, name: "ann", conv: custTG2, private: true, lang: "en"},
		{channel: ChannelSlack, user: strangerID, name: "낯선이", conv: "D" + strangerID, private: true},
		{channel: ChannelConsole, user: "op", name: "op", conv: "console-op", role: ledger.RoleStaff, private: true},
		{channel: ChannelConsole, user: "boss", name: "boss", conv: "console-boss", role: ledger.RoleManager, private: true, lang: "en"},
		{channel: ChannelConsole, user: "nobody", conv: "console-nobody", private: true},
		{channel: ChannelTelegram, user: custTG, name: "min", conv: "-1001", lang: "fr"},
		{channel: ChannelSlack, user: staffID, name: "지수", conv: "C0STAFF"},
		{channel: ChannelSlack},
		// A stranger on Slack who asserts a role the engine must ignore.
		{channel: ChannelSlack, user: strangerID, conv: "D" + strangerID, role: ledger.RoleManager, private: true},
	}
}

// goroutineSenders are the people of one concurrent driver: their own
// conversations, sharing the ledger (and its customers) with the others.
func goroutineSenders(g int) []chaosSender {
	return []chaosSender{
		{channel: ChannelConsole, user: fmt.Sprintf("g%d-staff", g), conv: fmt.Sprintf("g%d-staff", g), role: ledger.RoleStaff, private: true},
		{channel: ChannelConsole, user: fmt.Sprintf("g%d-staff", g), conv: fmt.Sprintf("g%d-staff", g), role: ledger.RoleStaff, private: true, canForm: true},
		{channel: ChannelConsole, user: fmt.Sprintf("g%d-boss", g), conv: fmt.Sprintf("g%d-boss", g), role: ledger.RoleManager, private: true, lang: "en"},
		{channel: ChannelTelegram, user: fmt.Sprintf("9%d01", g), conv: fmt.Sprintf("9%d01", g), private: true},
		{channel: ChannelTelegram, user: fmt.Sprintf("9%d02", g), conv: fmt.Sprintf("9%d02", g), private: true, lang: "en"},
		{channel: ChannelConsole, user: fmt.Sprintf("g%d-nobody", g), conv: fmt.Sprintf("g%d-nobody", g), private: true},
	}
}

// forbidden are substrings no reply may contain: leaked internals,
// unrendered templates, and "(****)", the masked phone of a record without
// one: every customer of these tests has a phone, so it shows an erased
// customer, whom nobody may be shown again.
var forbidden = []string{"panic", "goroutine", "runtime error", ".go:", "nil pointer", "{{", "<no value>", "(****)"}

// tame keeps sender-provided text from spelling a forbidden marker, so a
// reply that rightly echoes the sender's words is not taken for a leak.
func tame(s string) string {
	s = strings.NewReplacer("{", "(", "}", ")", "*", "x").Replace(s)
	for {
		t := s
		for _, f := range forbidden {
			t = strings.ReplaceAll(t, f, strings.ToUpper(f[:1])+f[1:]+"_")
		}
		t = strings.ReplaceAll(t, "no value", "no_value")
		if t == s {
			return s
		}
		s = t
	}
}

// source hands out the bytes that drive a conversation.
type source struct{ b []byte }

func (s *source) empty() bool { return len(s.b) == 0 }

func (s *source) u8() byte {
	if len(s.b) == 0 {
		return 0
	}
	c := s.b[0]
	s.b = s.b[1:]
	return c
}

func (s *source) pick(n int) int { return int(s.u8()) % n }

func (s *source) token() string {
	b := s.u8()
	if b < rawTokenMark {
		return chaosArgs[int(b)%len(chaosArgs)]
	}
	n := int(s.u8()) % 64
	n = min(n, len(s.b))
	raw := string(s.b[:n])
	s.b = s.b[n:]
	return tame(raw)
}

func (s *source) tokens() string {
	n := s.pick(4)
	ts := make([]string, n)
	for i := range ts {
		ts[i] = s.token()
	}
	return strings.Join(ts, " ")
}

// chaos drives one stream of messages and checks the invariants.
type chaos struct {
	t       *testing.T
	h       *harness
	senders []chaosSender
	prefix  string // of event ids, unique per driver
	shared  bool   // other drivers use the ledger at the same time

	who     int
	seq     int
	sent    []Message        // delivered messages, for re-delivery
	last    map[int][]string // payloads of the buttons last offered to each sender
	seen    []string         // payloads offered to anyone so far (newest last)
	history []string         // what happened, for failure messages
	reads   map[string]int   // audited reads of erased customers (see inspectLedger)
}

func newChaos(t *testing.T, h *harness, senders []chaosSender, prefix string) *chaos {
	return &chaos{t: t, h: h, senders: senders, prefix: prefix, last: map[int][]string{}}
}

// run decodes and handles up to max messages from data.
func (c *chaos) run(data []byte, max int) {
	src := &source{b: data}
	for i := 0; i < max && !src.empty(); i++ {
		if !c.step(src) {
			return
		}
	}
}

// step decodes one message, handles it and checks the invariants; it
// returns false once a check failed, to keep the report short.
func (c *chaos) step(src *source) bool {
	if b := src.u8(); b >= senderBase {
		c.who = int(b-senderBase) % len(c.senders)
	}
	kind := src.pick(kindCount)
	switch {
	case kind == kindAdvance:
		d := 31 * time.Minute
		switch src.pick(8) {
		case 0:
			d = 25 * time.Hour // link codes expire
		case 1:
			d = 8 * 24 * time.Hour // another week
		case 3:
			if !c.shared {
				// A restart: nothing of a conversation may live in memory.
				c.h.reopen()
				c.note("restart")
				return true
			}
		}
		c.h.advance(d)
		c.note("advance %v", d)
		return true
	case kind == kindRedeliver:
		if len(c.sent) == 0 {
			return true
		}
		return c.redeliver(c.sent[src.pick(len(c.sent))])
	}
	m := c.senders[c.who].base()
	switch {
	case kind < kindPlain:
		prefix := chaosCommands[src.pick(len(chaosCommands))]
		if args := src.tokens(); args != "" {
			if !strings.HasSuffix(prefix, " ") {
				prefix += " "
			}
			m.Text = tame(prefix + args)
		} else {
			m.Text = tame(prefix)
		}
	case kind < kindPressLast:
		m.Text = tame(src.tokens())
	case kind < kindPressDict:
		m.Action = &Action{Payload: pickPayload(src, c.last[c.who], false)}
	case kind == kindPressDict:
		m.Action = &Action{Payload: chaosPayloads[src.pick(len(chaosPayloads))]}
	case kind == kindPressSeen:
		m.Action = &Action{Payload: pickPayload(src, c.seen, true)}
	case kind == kindForm:
		m.FormID = "note"
		if src.pick(8) == 0 {
			m.FormID = "other"
		}
		if src.pick(8) != 0 {
			m.Form = map[string]string{}
			for _, f := range []string{"customer", "text", "amount", "tags", "followup", "junk"} {
				if src.pick(4) != 0 {
					m.Form[f] = src.token()
				}
			}
		}
	default: // kindPhone
		m.Phone = src.token()
		if m.Phone == "" {
			m.Phone = "+"
		}
	}
	return c.deliver(m)
}

// pickPayload presses one of offered (counting from the newest when
// newest), or a dictionary payload when nothing was offered.
func pickPayload(src *source, offered []string, newest bool) string {
	i := src.pick(256)
	if len(offered) == 0 {
		return chaosPayloads[i%len(chaosPayloads)]
	}
	i %= len(offered)
	if newest {
		i = len(offered) - 1 - i
	}
	return offered[i]
}

func (c *chaos) note(format string, args ...any) {
	c.history = append(c.history, fmt.Sprintf(format, args...))
}

func (c *chaos) failf(format string, args ...any) bool {
	c.t.Helper()
	tail := c.history[max(0, len(c.history)-12):]
	c.t.Errorf("%s\nlast steps:\n  %s", fmt.Sprintf(format, args...), strings.Join(tail, "\n  "))
	return false
}

func describe(m Message) string {
	what := fmt.Sprintf("text %q", m.Text)
	switch {
	case m.Action != nil:
		what = fmt.Sprintf("press %q", m.Action.Payload)
	case m.FormID != "":
		what = fmt.Sprintf("form %q %q", m.FormID, m.Form)
	case m.Phone != "":
		what = fmt.Sprintf("phone %q", m.Phone)
	}
	if len(what) > 160 {
		what = what[:160] + "…"
	}
	return fmt.Sprintf("%s %s:%s@%s %s", m.EventID, m.Channel, m.UserID, m.ConversationID, what)
}

// deliver handles a new message and checks what came back.
func (c *chaos) deliver(m Message) bool {
	c.t.Helper()
	c.seq++
	m.EventID = fmt.Sprintf("%sev-%d", c.prefix, c.seq)
	c.note("%s", describe(m))
	if !c.shared && c.reads == nil {
		var err error
		if c.reads, err = inspectLedger(c.h); err != nil {
			return c.failf("before %s: %v", describe(m), err)
		}
	}
	stranger := c.stranger(m)
	rs, err := c.h.eng.Handle(context.Background(), m)
	c.sent = append(c.sent, m)
	if err != nil {
		return c.failf("%s: Handle error: %v\nreplies: %q", describe(m), err, allText(rs))
	}
	if !c.checkReplies(m, rs) {
		return false
	}
	if stranger {
		// Nothing about the shop is shown to someone without a role.
		for _, r := range rs {
			if r.Text != c.h.cat.Text(r.Lang, "core.refused", nil) || len(r.Buttons) > 0 || len(r.Sections) > 0 || r.Form != nil || r.To != ToConversation {
				return c.failf("%s: a stranger got %+v", describe(m), r)
			}
		}
	}
	if m.Channel == ChannelTelegram && !c.checkOthersHidden(m, rs) {
		return false
	}
	var mine []string
	for _, r := range rs {
		for _, b := range r.Buttons {
			c.seen = append(c.seen, b.Payload)
			if r.To == ToConversation {
				mine = append(mine, b.Payload)
			}
		}
	}
	if len(c.seen) > 64 {
		c.seen = c.seen[len(c.seen)-64:]
	}
	c.last[c.who] = mine
	if c.shared {
		return true
	}
	// Nothing else writes to the ledger, so this message's "after" is the
	// next one's "before".
	before := c.reads
	after, err := inspectLedger(c.h)
	c.reads = after
	if err != nil {
		return c.failf("after %s: %v", describe(m), err)
	}
	for id, n := range before {
		if after[id] > n {
			return c.failf("%s: showed %s, erased before", describe(m), id)
		}
	}
	return true
}

// stranger reports whether m comes from someone the engine must treat as
// nobody: no trusted role, no configured one, no ledger grant.
func (c *chaos) stranger(m Message) bool {
	if m.Channel == ChannelTelegram || (m.Channel == ChannelConsole && m.Role != ledger.RoleNone) {
		return false
	}
	if m.UserID == "" {
		return true
	}
	pid := m.Channel + ":" + m.UserID
	if slices.Contains(c.h.cfg.Managers, pid) || slices.Contains(c.h.cfg.Staff, pid) {
		return false
	}
	var granted bool
	c.h.view(func(tx *ledger.Tx) error {
		sm, ok, err := tx.Staff(pid)
		granted = ok && (sm.Role == ledger.RoleStaff || sm.Role == ledger.RoleManager)
		return err
	})
	return !granted
}

// checkOthersHidden checks that a customer is never shown the phone of a
// customer other than the one they are linked to.
func (c *chaos) checkOthersHidden(m Message, rs []Reply) bool {
	c.t.Helper()
	var txt strings.Builder
	for _, r := range rs {
		if r.To == ToConversation {
			txt.WriteString(allText([]Reply{r}))
		}
	}
	shown := txt.String()
	var leak string
	c.h.view(func(tx *ledger.Tx) error {
		own, err := tx.CustomerByLink(m.Channel + ":" + m.UserID)
		if err != nil {
			own = ledger.Customer{}
		}
		return tx.ForEachCustomer(func(cu ledger.Customer) error {
			if cu.ID == own.ID || cu.Phone == "" || leak != "" {
				return nil
			}
			if strings.Contains(shown, formatPhone(cu.Phone)) ||
				(maskPhone(cu.Phone) != maskPhone(own.Phone) && strings.Contains(shown, maskPhone(cu.Phone))) {
				leak = cu.ID
			}
			return nil
		})
	})
	if leak != "" {
		return c.failf("%s: a customer was shown %s's phone:\n%s", describe(m), leak, shown)
	}
	return true
}

// redeliver sends an already handled message again: nothing may come back
// and nothing may change.
func (c *chaos) redeliver(m Message) bool {
	c.t.Helper()
	c.note("again %s", describe(m))
	var before string
	if !c.shared {
		before = c.digest()
	}
	rs, err := c.h.eng.Handle(context.Background(), m)
	if err != nil || len(rs) > 0 {
		return c.failf("re-delivered %s: err %v, replies %q", describe(m), err, allText(rs))
	}
	if !c.shared {
		if after := c.digest(); after != before {
			return c.failf("re-delivered %s changed the ledger", describe(m))
		}
	}
	return true
}

// checkReplies checks the replies to one new message.
func (c *chaos) checkReplies(m Message, rs []Reply) bool {
	c.t.Helper()
	where := describe(m)
	toSender := false
	for _, r := range rs {
		if r.To == ToConversation || (r.To == ToUser && r.Channel == m.Channel && r.UserID == m.UserID) {
			toSender = true
		}
		// A form's words are its title and fields (a Slack modal opens
		// without a post); any other reply says something.
		if strings.TrimSpace(r.Text) == "" && (r.Form == nil || strings.TrimSpace(r.Form.Title) == "") {
			return c.failf("%s: a reply without text: %+v", where, r)
		}
		if r.Lang == "" {
			return c.failf("%s: a reply without Lang: %q", where, r.Text)
		}
		for _, b := range r.Buttons {
			if b.Payload == "" || len(b.Payload) > 64 || strings.TrimSpace(b.Label) == "" {
				return c.failf("%s: bad button %+v", where, b)
			}
		}
	}
	if !toSender {
		return c.failf("%s: no reply to the sender (replies %+v)", where, rs)
	}
	txt := allText(rs)
	for _, r := range rs {
		if r.Form != nil {
			txt += r.Form.Title + "\n" + r.Form.Submit + "\n"
			for _, f := range r.Form.Fields {
				txt += f.Label + "\n" + f.Hint + "\n"
			}
		}
		for _, e := range r.FormErrors {
			txt += e + "\n"
		}
	}
	for _, f := range forbidden {
		if strings.Contains(txt, f) {
			return c.failf("%s: replies contain %q:\n%s", where, f, txt)
		}
	}
	if miss := c.h.cat.Missing(); len(miss) > 0 {
		return c.failf("%s: catalog ids missing: %v", where, miss)
	}
	return true
}

var (
	allTime = time.Time{}
	endTime = time.Unix(0, math.MaxInt64)
)

// digest condenses everything a message can change into a hash: customers
// with their balances, notes, feedback, points entries, audit entries,
// sessions, staff grants and the profiles of every sender.
func (c *chaos) digest() string {
	c.t.Helper()
	var b strings.Builder
	c.h.view(func(tx *ledger.Tx) error {
		err := tx.ForEachCustomer(func(cu ledger.Customer) error {
			bal, err := tx.Balance(cu.ID)
			fmt.Fprintf(&b, "customer %+v balance %d %v\n", cu, bal, err)
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.ScanNotes(allTime, endTime, func(n ledger.Note) error { _, err := fmt.Fprintf(&b, "note %+v\n", n); return err }); err != nil {
			return err
		}
		if err := tx.ScanFeedback(allTime, endTime, func(f ledger.Feedback) error { _, err := fmt.Fprintf(&b, "feedback %+v\n", f); return err }); err != nil {
			return err
		}
		if err := tx.ScanPoints(allTime, endTime, func(p ledger.PointsEntry) error { _, err := fmt.Fprintf(&b, "points %+v\n", p); return err }); err != nil {
			return err
		}
		if err := tx.ScanAudit(allTime, endTime, func(a ledger.AuditEntry) error { _, err := fmt.Fprintf(&b, "audit %+v\n", a); return err }); err != nil {
			return err
		}
		if err := tx.ForEachSession(func(s ledger.Session) error { _, err := fmt.Fprintf(&b, "session %+v\n", s); return err }); err != nil {
			return err
		}
		ms, err := tx.ListStaff()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "staff %+v\n", ms)
		for _, s := range c.senders {
			p, err := tx.Profile(s.channel + ":" + s.user)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "profile %+v\n", p)
		}
		return nil
	})
	return fmt.Sprintf("%x", sha256.Sum256([]byte(b.String())))
}

// inspectLedger checks what must hold of the ledger after any message:
// every balance is the sum of its entries (by customer index and by time
// scan) and never negative, and every earn is the points rate of its
// purchase, every follow-up is a day as it was confirmed, links lead back
// to their customer (and erased ones have none), and every stored session
// is in a state its flow has. It also returns the audited reads of each
// erased customer: one more after a message means the message showed
// someone who had been erased before it.
func inspectLedger(h *harness) (erasedReads map[string]int, bad error) {
	erasedReads = map[string]int{}
	h.view(func(tx *ledger.Tx) error {
		scanned := map[string]int64{}
		if err := tx.ScanPoints(allTime, endTime, func(p ledger.PointsEntry) error {
			scanned[p.CustomerID] += p.Points
			if p.Kind == ledger.PointsEarn && bad == nil {
				// Exactly the rate of the amount, whatever its size.
				want := new(big.Int).Mul(big.NewInt(p.Amount), big.NewInt(DefaultPointsRate))
				want.Quo(want, big.NewInt(100))
				if !want.IsInt64() || want.Int64() != p.Points {
					bad = fmt.Errorf("customer %s earned %d points for %d won at %d%%, want %s", p.CustomerID, p.Points, p.Amount, DefaultPointsRate, want)
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if bad != nil {
			return nil
		}
		if err := tx.ForEachSession(func(ss ledger.Session) error {
			flow := ss.Flow
			if flow == "" && ss.Erased {
				flow = ss.Expired // the stub an erasure leaves names the flow it ended
			}
			if def, ok := flows[flow]; !ok || !slices.Contains(flowStates(def), ss.State) || ss.State == stateDone {
				bad = fmt.Errorf("session %s in flow %q, state %q", ss.Key, ss.Flow, ss.State)
			}
			return nil
		}); err != nil || bad != nil {
			return err
		}
		if err := tx.ScanNotes(allTime, endTime, func(n ledger.Note) error {
			// A follow-up is a day: midnight in the shop's time zone.
			if fu := n.FollowUp.In(seoul); !fu.IsZero() && !fu.Equal(time.Date(fu.Year(), fu.Month(), fu.Day(), 0, 0, 0, 0, seoul)) && bad == nil {
				bad = fmt.Errorf("note %s: follow-up %v is not a day", n.ID, fu)
			}
			return nil
		}); err != nil || bad != nil {
			return err
		}
		err := tx.ForEachCustomer(func(cu ledger.Customer) error {
			if cu.Erased {
				erasedReads[cu.ID] = 0
				if len(cu.Links) > 0 {
					bad = fmt.Errorf("erased customer %s still linked to %v", cu.ID, cu.Links)
					return bad
				}
			}
			for _, l := range cu.Links {
				if by, err := tx.CustomerByLink(l); err != nil || by.ID != cu.ID {
					bad = fmt.Errorf("customer %s links %s, which leads to %q (%v)", cu.ID, l, by.ID, err)
					return bad
				}
			}
			bal, err := tx.Balance(cu.ID)
			if err != nil {
				return err
			}
			es, err := tx.PointsOf(cu.ID, 0)
			if err != nil {
				return err
			}
			var sum int64
			for _, e := range es {
				sum += e.Points
			}
			switch {
			case bal < 0:
				bad = fmt.Errorf("customer %s: negative balance %d", cu.ID, bal)
			case bal != sum:
				bad = fmt.Errorf("customer %s: balance %d, entries sum to %d", cu.ID, bal, sum)
			case bal != scanned[cu.ID]:
				bad = fmt.Errorf("customer %s: balance %d, scanned entries sum to %d", cu.ID, bal, scanned[cu.ID])
			}
			if bad != nil {
				return bad
			}
			return nil
		})
		if err != nil {
			// A read error would otherwise pass the inspection silently.
			if bad == nil {
				bad = fmt.Errorf("read customers: %w", err)
			}
			return nil
		}
		if len(erasedReads) == 0 {
			return nil
		}
		return tx.ScanAudit(allTime, endTime, func(a ledger.AuditEntry) error {
			if _, ok := erasedReads[a.CustomerID]; ok && a.Action == "read" {
				erasedReads[a.CustomerID]++
			}
			return nil
		})
	})
	return erasedReads, bad
}

// flowStates lists the states a flow's machine can be in.
func flowStates(d *flowDef) []string {
	states := []string{d.initial}
	for _, e := range d.events {
		states = append(states, e.Dst)
		states = append(states, e.Src...)
	}
	return states
}

// chaosCodes is how many link codes the chaos harness cycles through:
// codes collide as soon as more customers than that hold one, and every
// code is in chaosArgs, so customers can type them.
const chaosCodes = 6

// chaosHarness is a fresh engine over a ledger seeded with the script
// fixture and some points, so redemptions and balances have something to
// work with. Its link codes repeat (see chaosCodes).
func chaosHarness(tb testing.TB, cat *locales.Catalog) *harness {
	h := mustOpenHarness(tb, cat, "ko")
	var mu sync.Mutex
	n := 0
	h.cfg.NewCode = func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%06d", 100000+(n-1)%chaosCodes)
	}
	h.reopen()
	f := seed(h)
	h.update(func(tx *ledger.Tx) error {
		for _, id := range []string{f.minji, f.anna} {
			e := ledger.PointsEntry{CustomerID: id, At: t0.Add(-time.Hour), Kind: ledger.PointsEarn, Points: 3000, Amount: 60000, ActorID: "slack:" + staffID}
			if err := tx.AddPoints(&e); err != nil {
				return err
			}
		}
		return nil
	})
	return h
}

// enc builds a fuzz input from readable steps, for the seed corpus.
type enc struct{ b []byte }

func (e *enc) from(who int) *enc {
	e.b = append(e.b, byte(senderBase+who))
	return e
}

func (e *enc) tok(s string) {
	if i := slices.Index(chaosArgs, s); i >= 0 && i < rawTokenMark {
		e.b = append(e.b, byte(i))
		return
	}
	if len(s) > 63 {
		panic("enc: raw token too long: " + s)
	}
	e.b = append(e.b, rawTokenMark, byte(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) toks(ts []string) {
	if len(ts) > 3 {
		panic("enc: at most 3 tokens")
	}
	e.b = append(e.b, byte(len(ts)))
	for _, s := range ts {
		e.tok(s)
	}
}

// cmd: who sends prefix followed by tokens.
func (e *enc) cmd(who int, prefix string, ts ...string) *enc {
	i := slices.Index(chaosCommands, prefix)
	if i < 0 {
		panic("enc: unknown command prefix " + prefix)
	}
	e.from(who)
	e.b = append(e.b, kindCommand, byte(i))
	e.toks(ts)
	return e
}

// say: who types tokens.
func (e *enc) say(who int, ts ...string) *enc {
	e.from(who)
	e.b = append(e.b, kindPlain)
	e.toks(ts)
	return e
}

// press: who presses the i-th button of their last replies.
func (e *enc) press(who, i int) *enc {
	e.from(who)
	e.b = append(e.b, kindPressLast, byte(i))
	return e
}

// pressDict: who presses payload p of chaosPayloads.
func (e *enc) pressDict(who int, p string) *enc {
	i := slices.Index(chaosPayloads, p)
	if i < 0 {
		panic("enc: unknown payload " + p)
	}
	e.from(who)
	e.b = append(e.b, kindPressDict, byte(i))
	return e
}

// pressSeen: who presses the i-th newest payload of those offered to anyone so far.
func (e *enc) pressSeen(who, i int) *enc {
	e.from(who)
	e.b = append(e.b, kindPressSeen, byte(i))
	return e
}

// form: who submits the note form with the fields given (customer, text,
// amount, tags, followup, junk; "" leaves one out).
func (e *enc) form(who int, fields ...string) *enc {
	e.from(who)
	e.b = append(e.b, kindForm, 1, 1)
	for i := range 6 {
		if i >= len(fields) || fields[i] == "" {
			e.b = append(e.b, 0)
			continue
		}
		e.b = append(e.b, 1)
		e.tok(fields[i])
	}
	return e
}

func (e *enc) phone(who int, p string) *enc {
	e.from(who)
	e.b = append(e.b, kindPhone)
	e.tok(p)
	return e
}

// restart closes and reopens the ledger and the engine.
func (e *enc) restart() *enc {
	e.b = append(e.b, 0, kindAdvance, 3)
	return e
}

// again re-delivers the i-th message sent.
func (e *enc) again(i int) *enc {
	e.b = append(e.b, 0, kindRedeliver, byte(i))
	return e
}

// wait advances the clock by 31 minutes (long: 25 hours).
func (e *enc) wait(long bool) *enc {
	d := byte(2)
	if long {
		d = 0
	}
	e.b = append(e.b, 0, kindAdvance, d)
	return e
}

// Indexes into defaultSenders, for the seeds.
const (
	sStaff = iota
	sStaffForm
	sStaff2
	sManager
	sCust
	sCust2
	sStranger
	sConsole
	sConsoleBoss
	sConsoleNobody
	sCustGroup
	sStaffChannel
	sEmpty
	sStrangerRole
)

// chaosSeeds are meaningful conversations, each within maxFuzzMessages.
func chaosSeeds() map[string][]byte {
	seeds := map[string]*enc{
		"note and points": new(enc).
			cmd(sStaff, "/note ", "010-1234-5678", "커트", "#염색").
			cmd(sStaff, "/points add ", "김민지", "55,000원", "커트").
			cmd(sStaff, "/points redeem ", "김민지", "1000").
			cmd(sStaff, "/points redeem ", "김민지", "99999999999999999999").
			cmd(sStaff, "/points add ", "김민지", "9223372036854775807").
			again(1).
			cmd(sStaff, "/points ", "박지훈").
			press(sStaff, 1).
			cmd(sStaff, "/customer ", "Anna Lee").
			cmd(sStaff, "/customer new ", "010-7777-8888", "최유나").
			again(4),
		"link, feedback, answer, forget": new(enc).
			cmd(sStaff, "/link ", "김민지").
			cmd(sCust, "/start ", "100000").
			pressDict(sCust, "yes").
			cmd(sCust, "/points ").
			cmd(sCust, "/feedback").
			pressDict(sCust, "rate:1").
			pressDict(sCust, "nps:0").
			say(sCust, "아니요", "커트").
			pressSeen(sStaff2, 0). // [해결됨]: what was done? (flow_resolve.go)
			say(sStaff2, "커트").
			press(sStaff2, 1). // [보내지 않기]
			press(sStaff2, 0). // [포인트 없이 해결]: resolved, the feedback answered
			again(8).
			cmd(sCust, "/mydata").
			cmd(sCust, "/forget").
			pressDict(sCust, "yes").
			cmd(sStaff, "/points redeem ", "C1", "10").
			cmd(sCust, "/mydata").
			again(15),
		"guided note with follow-up": new(enc).
			cmd(sStaff, "/note").
			say(sStaff, "박지훈").
			press(sStaff, 0).
			say(sStaff, "다음 주 금요일", "#펌 #커트").
			say(sStaff, "5.5만").
			pressDict(sStaff, "skip").
			say(sStaff, "2026-05-20").
			pressDict(sStaff, "yes").
			wait(true).wait(true).wait(true).wait(true).wait(true).wait(true).wait(true).
			cmd(sStaff, "/followups").
			press(sStaff, 0).
			press(sStaff, 0).
			cmd(sManager, "/followups"),
		"manager and strangers": new(enc).
			cmd(sStranger, "/note ", "김민지", "x").
			cmd(sStrangerRole, "/staff add ", "UX").
			cmd(sManager, "/staff add ", "UX", "manager").
			cmd(sStranger, "/note ", "김민지", "상담").
			cmd(sManager, "/staff").
			cmd(sManager, "/staff remove ", "UX").
			cmd(sStranger, "/customer ", "김민지").
			cmd(sStaff, "/summary ", "this").
			cmd(sManager, "/summary ", "last").
			cmd(sConsoleBoss, "/summary ", "someday").
			cmd(sConsoleNobody, "/help").
			form(sStranger, "김민지", "x").
			say(sEmpty, "hi").
			cmd(sEmpty, "/note ", "김민지", "x"),
		"expiry and cancel": new(enc).
			cmd(sStaff, "/note ", "김민지").
			wait(false).
			say(sStaff, "상담", "내용").
			pressDict(sStaff, "cancel").
			cmd(sStaff, "/note ", "010-7777-8888", "첫 방문").
			restart().
			say(sStaff, "최유나").
			cmd(sStaff, "취소").
			cmd(sCust, "/feedback").
			wait(false).
			pressDict(sCust, "rate:5").
			restart().
			again(7).
			cmd(sCust, "/cancel").
			cmd(sStaff, "/note ", "박지훈", "커트").
			press(sStaff, 2).
			wait(false).
			pressDict(sStaff, "pick:C2"),
		"forms": new(enc).
			cmd(sStaffForm, "/note").
			form(sStaffForm, "박지훈", "상담").
			form(sStaffForm, "010-1234-5678", "상담", "5.5만", "#펌", "내일").
			form(sStaffForm, "010-7777-8888", "", "-5", "##", "someday", "x").
			form(sStaffForm, "", strings.Repeat("x", 60)).
			again(2).
			form(sConsole, "Anna Lee", "perm", "1억").
			form(sConsole, "Anna Lee", "perm", "", "", "2999-12-31").
			form(sConsole, "Anna Lee", "perm", "", "", "2199-12-31"),
		"shared phone and languages": new(enc).
			phone(sCust2, "+821012345678").
			pressDict(sCust2, "yes").
			phone(sCust2, "010-0000-1111").
			cmd(sCust2, "/lang").
			press(sCust2, 0).
			cmd(sCust2, "/lang ", "english").
			pressDict(sCust2, "lang:xx").
			phone(sCust, "010-1234-5678").
			pressDict(sCust, "no").
			phone(sCust, "010-1234-5678").
			say(sCust, "100000").
			cmd(sStaff, "/lang ", "en").
			cmd(sStaff, "/help").
			phone(sStaff, "010-1234-5678").
			cmd(sCustGroup, "/start ", "100000").
			pressDict(sCustGroup, "yes").
			again(0),
		"link code expiry and reuse": new(enc).
			cmd(sStaff, "/link ", "Anna Lee").
			wait(true).
			cmd(sCust, "/start ", "100000").
			pressDict(sCust, "yes").
			cmd(sStaff, "/link ", "박지훈").
			press(sStaff, 1).
			cmd(sCust, "/start ", "100001").
			cmd(sCust2, "/start ", "100001").
			pressDict(sCust2, "yes").
			cmd(sCust2, "/start ", "100002"),
		// Regression: the pick flow showed a customer erased after the
		// question as an empty card, and /followups listed the follow-up
		// of an erased customer as "(****)".
		"erased while picked and followed up": new(enc).
			form(sStaff, "01022223333", "상담", "", "", "2026-05-20").
			cmd(sStaff, "/link ", "01022223333").
			cmd(sCust, "/start ", "100000").
			pressDict(sCust, "yes").
			cmd(sStaff2, "/customer ", "박지훈").
			cmd(sCust, "/forget").
			pressDict(sCust, "yes").
			press(sStaff2, 0).
			wait(true).wait(true).wait(true).wait(true).wait(true).wait(true).wait(true).
			cmd(sStaff, "/followups").
			cmd(sManager, "/followups"),
	}
	out := map[string][]byte{}
	for name, e := range seeds {
		out[name] = e.b
	}
	return out
}

// FuzzHandle checks that no sequence of messages, from anyone, breaks the
// engine: no panic or internals in replies, an answer to every new message,
// silence and no change on a re-delivery, balances that add up.
func FuzzHandle(f *testing.F) {
	cat := locales.MustLoad()
	for _, name := range slices.Sorted(maps.Keys(chaosSeeds())) {
		f.Add(chaosSeeds()[name])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h := chaosHarness(t, cat)
		newChaos(t, h, defaultSenders(), "").run(data, maxFuzzMessages)
	})
}

// TestChaosSeedsReachFlows makes sure the seed corpus really exercises what
// it is meant to (a decoder change would otherwise quietly turn the seeds
// into noise): each seed's messages all decode, and between them they save
// notes, feedback, links, points and an erasure.
func TestChaosSeedsReachFlows(t *testing.T) {
	cat := locales.MustLoad()
	seeds := chaosSeeds()
	type totals struct{ notes, feedback, earned, redeemed, linked, erased, answered, followUpsDone int }
	var sum totals
	for _, name := range slices.Sorted(maps.Keys(seeds)) {
		t.Run(name, func(t *testing.T) {
			h := chaosHarness(t, cat)
			c := newChaos(t, h, defaultSenders(), "")
			c.run(seeds[name], 1000)
			if t.Failed() {
				return
			}
			sum.notes += len(h.allNotes())
			for _, fb := range h.allFeedback() {
				sum.feedback++
				if fb.AnsweredBy != "" {
					sum.answered++
				}
			}
			for _, n := range h.allNotes() {
				if n.FollowUpDone {
					sum.followUpsDone++
				}
			}
			h.view(func(tx *ledger.Tx) error {
				if err := tx.ScanPoints(allTime, endTime, func(p ledger.PointsEntry) error {
					if p.Kind == ledger.PointsRedeem {
						sum.redeemed++
					} else if p.At.After(t0.Add(-time.Minute)) {
						sum.earned++
					}
					return nil
				}); err != nil {
					return err
				}
				return tx.ForEachCustomer(func(cu ledger.Customer) error {
					sum.linked += len(cu.Links)
					if cu.Erased {
						sum.erased++
					}
					return nil
				})
			})
		})
	}
	if sum.notes < 4 || sum.feedback < 1 || sum.answered < 1 || sum.earned < 1 || sum.redeemed < 1 || sum.linked < 2 || sum.erased < 1 || sum.followUpsDone < 1 {
		t.Errorf("seeds reach too little: %+v", sum)
	}
}

// randomBytes returns n bytes from a PCG seeded with seed.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x64616e676f6c))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestRandomConversations runs long random conversations with fixed seeds,
// one after another and then eight at once against one engine.
func TestRandomConversations(t *testing.T) {
	t.Parallel() // its own catalog and ledgers
	cat := locales.MustLoad()
	const seeds, messages = 20, 200
	t.Run("sequential", func(t *testing.T) {
		for s := range uint64(seeds) {
			t.Run(fmt.Sprint(s), func(t *testing.T) {
				h := chaosHarness(t, cat)
				newChaos(t, h, defaultSenders(), "").run(randomBytes(s, messages*24), messages)
			})
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		h := chaosHarness(t, cat)
		const drivers = 8
		var wg sync.WaitGroup
		for g := range drivers {
			c := newChaos(t, h, goroutineSenders(g), fmt.Sprintf("g%d-", g))
			c.shared = true
			data := randomBytes(uint64(1000+g), messages*24)
			wg.Go(func() { c.run(data, messages) })
		}
		wg.Wait()
		if _, err := inspectLedger(h); err != nil {
			t.Error(err)
		}
		if miss := cat.Missing(); len(miss) > 0 {
			t.Errorf("catalog ids missing: %v", miss)
		}
	})
}

// TestLinkCodeCollision: a drawn link code another customer still holds is
// refused by the ledger; /link draws again instead of answering that
// nothing could be saved.
func TestLinkCodeCollision(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	codes := []string{"123456", "123456", "654321", "123456"}
	var mu sync.Mutex
	h.cfg.NewCode = func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(codes) == 0 {
			return "999999"
		}
		c := codes[0]
		codes = codes[1:]
		return c
	}
	h.reopen()
	invalid := h.text("core.err.invalid", nil)
	runSteps(t, h, []step{
		{msg: staffMsg("/link 김민지"), want: []string{"123456"}},
		{msg: staffMsg("/link Anna Lee"), want: []string{"654321"}, not: []string{invalid}},
		// Drawing a customer's own code again just renews it.
		{msg: staffMsg("/link 김민지"), want: []string{"123456"}, not: []string{invalid}},
		{msg: custMsg("/start 654321")},
		{msg: press(custMsg(""), "yes"), want: []string{"Anna Lee"}},
		{msg: cust2Msg("/start 123456")},
		{msg: press(cust2Msg(""), "yes"), want: []string{"김민지"}},
	})
	for id, want := range map[string]string{f.minji: "telegram:" + custTG2, f.anna: "telegram:" + custTG} {
		var c ledger.Customer
		h.view(func(tx *ledger.Tx) error {
			var err error
			c, err = tx.Customer(id)
			return err
		})
		if !slices.Equal(c.Links, []string{want}) {
			t.Errorf("%s links = %v, want [%s]", c.Name, c.Links, want)
		}
	}
}

// TestErasedCustomerNotShown: a customer erased while a staff member was
// choosing between namesakes, or with a follow-up due, is not shown again.
func TestErasedCustomerNotShown(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	var fuNote string
	noReads := func(t *testing.T, h *harness, _ []Reply) {
		t.Helper()
		for _, a := range h.audits() {
			if a.CustomerID == f.jihoon1 && a.Action == "read" && !a.At.Before(h.now()) {
				t.Errorf("erased customer read: %+v", a)
			}
		}
	}
	runSteps(t, h, []step{
		{msg: staffMsg("/note 010-2222-3333")},
		{msg: staffMsg("상담")}, {msg: press(staffMsg(""), "skip")}, {msg: press(staffMsg(""), "skip")},
		{msg: staffMsg("2026-05-13")},
		{msg: press(staffMsg(""), "yes"), check: func(t *testing.T, h *harness, _ []Reply) {
			ns := h.notes(f.jihoon1)
			if len(ns) != 1 || ns[0].FollowUp.IsZero() {
				t.Fatalf("notes = %+v", ns)
			}
			fuNote = ns[0].ID
		}},
		{msg: staffMsg("/followups"), want: []string{"박지훈"}, check: func(t *testing.T, _ *harness, rs []Reply) {
			if ps := payloads(rs); !slices.Equal(ps, []string{"fu:" + fuNote, "fs:" + fuNote}) {
				t.Errorf("buttons = %v", ps)
			}
		}},
		{msg: staff2Msg("/customer 박지훈"), payloads: []string{"pick:" + f.jihoon1, "pick:" + f.jihoon2}},
		{msg: staffMsg("/link 010-2222-3333")},
		{msg: custMsg("/start 100000")},
		{msg: press(custMsg(""), "yes"), want: []string{"박지훈"}},
		{msg: custMsg("/forget")},
		{advance: time.Minute, msg: press(custMsg(""), "yes"), ids: []string{"core.forget.done"}},
		// The erasure ended the pending choice that listed the erased one
		// (its draft may hold text about them): the first press is told so
		// (erased_flow.go), the second is stale, and nothing of either
		// customer is read.
		{advance: time.Minute, msg: press(staff2Msg(""), "pick:"+f.jihoon1), want: []string{h.text("customer_edit.flow_erased", map[string]any{"Flow": h.text("core.flow.pick", nil)})}, not: []string{"010-2222-3333", "010-****-3333", "박지훈", h.text("core.button.stale", nil)},
			check: func(t *testing.T, h *harness, rs []Reply) {
				noReads(t, h, rs)
				noSession("slack:D"+staff2ID)(t, h, rs)
			}},
		{msg: press(staff2Msg(""), "pick:"+f.jihoon2), ids: []string{"core.button.stale"}},
		{msg: staff2Msg("/customer 박지훈"), want: []string{"010-4444-5555"}, not: []string{"010-2222-3333"}},
		{msg: staffMsg("/followups"), ids: []string{"core.followups.none"}, check: noReads},
		{msg: managerMsg("/followups"), ids: []string{"core.followups.none"}, check: noReads},
		{build: func() Message { return press(staffMsg(""), "fu:"+fuNote) }, ids: []string{"core.button.stale"}},
	})
	// Lookups never offer an erased customer in the first place.
	h2 := mustOpenHarness(t, nil, "ko")
	f2 := seed(h2)
	h2.update(func(tx *ledger.Tx) error { return tx.EraseCustomer(f2.jihoon1, t0) })
	runSteps(t, h2, []step{
		{msg: staffMsg("/points 박지훈"), want: []string{"010-****-5555"}, not: []string{"010-****-3333"}},
	})
	// Every candidate erased during the question: the erasure ended it.
	h3 := mustOpenHarness(t, nil, "ko")
	f3 := seed(h3)
	runSteps(t, h3, []step{
		{msg: staffMsg("/points 박지훈"), payloads: []string{"pick:" + f3.jihoon1, "pick:" + f3.jihoon2}},
	})
	h3.update(func(tx *ledger.Tx) error {
		for _, id := range []string{f3.jihoon1, f3.jihoon2} {
			if err := tx.EraseCustomer(id, h3.now()); err != nil {
				return err
			}
		}
		return nil
	})
	runSteps(t, h3, []step{
		{msg: press(staffMsg(""), "pick:"+f3.jihoon2), want: []string{h3.text("customer_edit.flow_erased", map[string]any{"Flow": h3.text("core.flow.pick", nil)})}, check: func(t *testing.T, h *harness, _ []Reply) {
			noSession(staffKey)(t, h, nil)
		}},
	})
}

// TestPointsHugeAmount: a purchase above MaxPurchaseWon is refused naming
// it in Korean units and the cap, nothing earned, however many digits it
// has (one past an int64's points said "could not read"); the cap itself
// asks first, saying the amount so, and earns exactly its rate. Points
// beyond an entry (ledger.MaxEntryPoints) cannot come from a purchase
// within the cap at any rate (ledger.MaxEarnRateBP), so core.points.too_big
// is not reached from chat.
func TestPointsHugeAmount(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	tooLarge := func(amount string, spoken string) string {
		return h.text("input.purchase.too_large", map[string]any{"Amount": amount + "원", "Spoken": spoken, "Max": "100,000,000원", "MaxSpoken": "1억"})
	}
	runSteps(t, h, []step{
		{msg: staffMsg("/points add 김민지 9223372036854775807"), want: []string{tooLarge("9,223,372,036,854,775,807", "922경 3,372조 368억 5,477만 5,807")}, check: balanceIs(&f.minji, 0)},
		{msg: staffMsg("/points add 김민지 9999999999"), want: []string{tooLarge("9,999,999,999", "99억 9,999만 9,999")}, check: balanceIs(&f.minji, 0)},
		{msg: staffMsg("/points add 김민지 100000001"), want: []string{tooLarge("100,000,001", "1억 1")}, check: balanceIs(&f.minji, 0)},
		{msg: staffMsg("/points add 김민지 1억"), want: []string{"1억원 맞나요?", "5,000,000P"}, payloads: []string{"yes", "no"}},
		{msg: press(staffMsg(""), "yes"), want: []string{"5,000,000"}},
	})
	if b := h.balance(f.minji); b != MaxPurchaseWon*DefaultPointsRate/100 {
		t.Errorf("balance = %d, want %d", b, MaxPurchaseWon*DefaultPointsRate/100)
	}
}

// TestFollowUpBeyondLedger: a follow-up past what the ledger can store
// (int64 nanoseconds end in 2262) is refused as a bad date instead of
// being saved as another day than the one confirmed.
func TestFollowUpBeyondLedger(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	form := func(followup string) Message {
		m := staffMsg("")
		m.FormID, m.Form = "note", map[string]string{"customer": "김민지", "text": "상담", "followup": followup}
		return m
	}
	runSteps(t, h, []step{
		{msg: form("2999-12-31"), check: func(t *testing.T, h *harness, rs []Reply) {
			if len(rs) != 1 || rs[0].FormErrors["followup"] != h.text("core.form.err.date", nil) {
				t.Errorf("replies = %+v", rs)
			}
			noteCount(0)(t, h, nil)
		}},
		{msg: staffMsg("/note 김민지")},
		{msg: staffMsg("상담")}, {msg: press(staffMsg(""), "skip")}, {msg: press(staffMsg(""), "skip")},
		{msg: staffMsg("9999개월 후"), ids: []string{"core.note.bad_date"}},
		{msg: staffMsg("3000-01-01"), ids: []string{"core.note.bad_date"}},
		{msg: staffMsg("2199-12-31"), want: []string{"2199-12-31"}},
		{msg: press(staffMsg(""), "yes"), want: []string{"2199-12-31"}},
	})
	ns := h.notes(f.minji)
	if want := time.Date(2199, 12, 31, 0, 0, 0, 0, seoul); len(ns) != 1 || !ns[0].FollowUp.Equal(want) {
		t.Errorf("notes = %+v, want one with follow-up %v", ns, want)
	}
}
