package dialog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// testKey is the master key of the test ledgers.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// t0 is the tests' "now": Wednesday 2026-05-13 14:00 in Seoul.
var (
	seoul = time.FixedZone("KST", 9*60*60)
	t0    = time.Date(2026, 5, 13, 14, 0, 0, 0, seoul)
)

// Users of the tests.
const (
	staffID    = "U1" // configured staff on Slack
	staff2ID   = "U2"
	managerID  = "UM" // configured manager on Slack
	strangerID = "UX" // nobody
	custTG     = "7001"
	custTG2    = "7002"
)

// harness is a real Engine over a real ledger in a temporary directory,
// with a clock the test moves and link codes it can predict.
type harness struct {
	tb   testing.TB
	path string
	cat  *locales.Catalog
	cfg  Config

	mu    sync.Mutex
	clock time.Time
	codes int

	store *ledger.Store
	eng   *Engine
	seq   int
	lang  string // the language scripts send in
}

// testCatalog is the catalog of harnesses opened without one of their
// own: parsing every locale file again for each test was a twentieth of
// the package's time. A test that asserts Catalog.Missing after driving
// flows may pass a fresh one, so nothing another test looked up counts.
var testCatalog = sync.OnceValue(locales.MustLoad)

// mustOpenHarness opens a fresh ledger and engine. cat may be shared by
// several harnesses (the catalog completeness test does); nil:
// testCatalog. The engine draws charts with charttest.Stub: a test about
// the picture sets h.cfg.Chart to nil (the real chart) and reopens.
func mustOpenHarness(tb testing.TB, cat *locales.Catalog, lang string) *harness {
	tb.Helper()
	if cat == nil {
		cat = testCatalog()
	}
	h := &harness{tb: tb, path: filepath.Join(tb.TempDir(), "dangol.db"), cat: cat, clock: t0, lang: lang}
	h.cfg = Config{
		Catalog:  cat,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Loc:      seoul,
		Lang:     "ko",
		Managers: []string{"slack:" + managerID},
		Staff:    []string{"slack:" + staffID, "slack:" + staff2ID},
		Now:      h.now,
		NewCode:  h.newCode,
		Chart:    charttest.Stub,
	}
	testPolicy(&h.cfg)
	h.open()
	tb.Cleanup(h.close)
	return h
}

func (h *harness) now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.clock
}

func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	h.clock = h.clock.Add(d)
	h.mu.Unlock()
}

func (h *harness) newCode() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.codes++
	return fmt.Sprintf("%06d", 100000+h.codes-1)
}

func (h *harness) open() {
	h.tb.Helper()
	s, err := ledger.Open(h.path, &ledger.Options{NoSync: true, Key: testKey})
	if err != nil {
		h.tb.Fatalf("open ledger: %v", err)
	}
	h.store = s
	cfg := h.cfg
	cfg.Store = s
	e, err := New(cfg)
	if err != nil {
		h.tb.Fatalf("new engine: %v", err)
	}
	h.eng = e
}

func (h *harness) close() {
	if h.store != nil {
		if err := h.store.Close(); err != nil {
			h.tb.Errorf("close ledger: %v", err)
		}
		h.store, h.eng = nil, nil
	}
}

// reopen simulates a restart: the store and engine are closed and made anew.
func (h *harness) reopen() {
	h.close()
	h.open()
}

// send handles m, giving it the script language and a fresh event id when
// it has none, and fails the test on an error.
func (h *harness) send(m Message) []Reply {
	h.tb.Helper()
	rs, err := h.try(m)
	if err != nil {
		h.tb.Fatalf("Handle(%+v): %v", m, err)
	}
	return rs
}

func (h *harness) try(m Message) ([]Reply, error) {
	if m.Lang == "" {
		m.Lang = h.lang
	}
	if m.EventID == "" {
		h.seq++
		m.EventID = fmt.Sprintf("ev-%d", h.seq)
	}
	return h.eng.Handle(context.Background(), m)
}

// text renders a catalog message in the harness language.
func (h *harness) text(id string, data any) string {
	return h.cat.Text(h.lang, id, data)
}

func (h *harness) view(fn func(tx *ledger.Tx) error) {
	h.tb.Helper()
	if err := h.store.View(context.Background(), fn); err != nil {
		h.tb.Fatalf("view: %v", err)
	}
}

func (h *harness) update(fn func(tx *ledger.Tx) error) {
	h.tb.Helper()
	if err := h.store.Update(context.Background(), fn); err != nil {
		h.tb.Fatalf("update: %v", err)
	}
}

// customer registers a customer directly in the ledger and returns its id.
func (h *harness) customer(name, phone string) string {
	h.tb.Helper()
	var id string
	h.update(func(tx *ledger.Tx) error {
		c := ledger.Customer{Name: name, Phone: phone, CreatedAt: h.now().Add(-90 * 24 * time.Hour)}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		id = c.ID
		return nil
	})
	return id
}

func (h *harness) byPhone(phone string) ledger.Customer {
	h.tb.Helper()
	var c ledger.Customer
	h.view(func(tx *ledger.Tx) error {
		var err error
		c, err = tx.CustomerByPhone(phone)
		return err
	})
	return c
}

func (h *harness) notes(customerID string) []ledger.Note {
	h.tb.Helper()
	var ns []ledger.Note
	h.view(func(tx *ledger.Tx) error {
		var err error
		ns, err = tx.NotesOf(customerID, 100)
		return err
	})
	return ns
}

func (h *harness) allNotes() []ledger.Note {
	h.tb.Helper()
	var ns []ledger.Note
	h.view(func(tx *ledger.Tx) error {
		return tx.ScanNotes(t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), func(n ledger.Note) error {
			ns = append(ns, n)
			return nil
		})
	})
	return ns
}

func (h *harness) allFeedback() []ledger.Feedback {
	h.tb.Helper()
	var fs []ledger.Feedback
	h.view(func(tx *ledger.Tx) error {
		return tx.ScanFeedback(t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), func(f ledger.Feedback) error {
			fs = append(fs, f)
			return nil
		})
	})
	return fs
}

func (h *harness) balance(customerID string) int64 {
	h.tb.Helper()
	var b int64
	h.view(func(tx *ledger.Tx) error {
		var err error
		b, err = tx.Balance(customerID)
		return err
	})
	return b
}

func (h *harness) profile(id string) ledger.Profile {
	h.tb.Helper()
	var p ledger.Profile
	h.view(func(tx *ledger.Tx) error {
		var err error
		p, err = tx.Profile(id)
		return err
	})
	return p
}

func (h *harness) audits() []ledger.AuditEntry {
	h.tb.Helper()
	var as []ledger.AuditEntry
	h.view(func(tx *ledger.Tx) error {
		return tx.ScanAudit(t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), func(a ledger.AuditEntry) error {
			as = append(as, a)
			return nil
		})
	})
	return as
}

func (h *harness) session(key string) (ledger.Session, bool) {
	h.tb.Helper()
	var s ledger.Session
	var ok bool
	h.view(func(tx *ledger.Tx) error {
		var err error
		s, ok, err = tx.Session(key)
		return err
	})
	return s, ok
}

// Message builders. Slack DMs are keyed by the user, Telegram private chats
// by the chat (= user) id.

func staffMsg(text string) Message {
	return Message{Channel: ChannelSlack, UserID: staffID, UserName: "지수", ConversationID: "D" + staffID, Text: text, Private: true}
}

func staff2Msg(text string) Message {
	m := staffMsg(text)
	m.UserID, m.UserName, m.ConversationID = staff2ID, "현우", "D"+staff2ID
	return m
}

func managerMsg(text string) Message {
	m := staffMsg(text)
	m.UserID, m.UserName, m.ConversationID = managerID, "사장님", "D"+managerID
	return m
}

func strangerMsg(text string) Message {
	m := staffMsg(text)
	m.UserID, m.UserName, m.ConversationID = strangerID, "낯선이", "D"+strangerID
	return m
}

func custMsg(text string) Message {
	return Message{Channel: ChannelTelegram, UserID: custTG, UserName: "min", ConversationID: custTG, Text: text, Private: true}
}

func cust2Msg(text string) Message {
	m := custMsg(text)
	m.UserID, m.ConversationID = custTG2, custTG2
	return m
}

// press turns a message into a button press with payload p.
func press(m Message, p string) Message {
	m.Text = ""
	m.Action = &Action{Payload: p}
	return m
}

// allText is every visible string of the replies, for substring checks.
func allText(rs []Reply) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text)
		b.WriteByte('\n')
		for _, s := range r.Sections {
			b.WriteString(s.Title)
			b.WriteByte('\n')
			for _, l := range s.Lines {
				b.WriteString(l)
				b.WriteByte('\n')
			}
		}
		for _, bt := range r.Buttons {
			b.WriteString(bt.Label)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func payloads(rs []Reply) []string {
	var ps []string
	for _, r := range rs {
		for _, b := range r.Buttons {
			ps = append(ps, b.Payload)
		}
	}
	return ps
}

// step is one message of a script and what must come back.
type step struct {
	msg      Message
	build    func() Message // builds msg when it depends on earlier replies
	advance  time.Duration  // clock moves before the message
	want     []string       // substrings somewhere in the replies
	ids      []string       // catalog ids (without data) whose text must appear
	not      []string       // substrings that must not appear
	payloads []string       // button payloads that must be offered
	none     bool           // no replies at all
	check    func(t *testing.T, h *harness, rs []Reply)
}

// runSteps sends each step's message and checks its replies.
func runSteps(t *testing.T, h *harness, steps []step) {
	t.Helper()
	for i, s := range steps {
		if s.advance > 0 {
			h.advance(s.advance)
		}
		if s.build != nil {
			s.msg = s.build()
		}
		rs := h.send(s.msg)
		txt := allText(rs)
		where := fmt.Sprintf("step %d (%q %v)", i, s.msg.Text, s.msg.Action)
		if s.none && len(rs) > 0 {
			t.Errorf("%s: want no replies, got %q", where, txt)
		}
		if !s.none && len(rs) == 0 {
			t.Errorf("%s: no replies", where)
		}
		for _, w := range s.want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s: replies lack %q:\n%s", where, w, txt)
			}
		}
		for _, id := range s.ids {
			if w := h.text(id, nil); !strings.Contains(txt, w) {
				t.Errorf("%s: replies lack %s (%q):\n%s", where, id, w, txt)
			}
		}
		for _, w := range s.not {
			if strings.Contains(txt, w) {
				t.Errorf("%s: replies contain %q:\n%s", where, w, txt)
			}
		}
		ps := payloads(rs)
		for _, p := range s.payloads {
			if !slices.Contains(ps, p) {
				t.Errorf("%s: no button %q among %v", where, p, ps)
			}
		}
		for _, r := range rs {
			if r.Lang == "" {
				t.Errorf("%s: reply without Lang: %q", where, r.Text)
			}
			for _, b := range r.Buttons {
				if len(b.Payload) > 64 || b.Payload == "" || b.Label == "" {
					t.Errorf("%s: bad button %+v", where, b)
				}
			}
		}
		if s.check != nil {
			s.check(t, h, rs)
		}
	}
}

// staffAlert returns the last reply to the staff channel in rs, failing the
// test when there is none or its text lacks one of wants.
func staffAlert(t *testing.T, rs []Reply, wants ...string) *Reply {
	t.Helper()
	var alert *Reply
	for i := range rs {
		if rs[i].To == ToStaffChannel {
			alert = &rs[i]
		}
	}
	if alert == nil {
		t.Fatalf("no staff alert in %+v", rs)
	}
	for _, w := range wants {
		if !strings.Contains(alert.Text, w) {
			t.Errorf("alert %q lacks %q", alert.Text, w)
		}
	}
	return alert
}
