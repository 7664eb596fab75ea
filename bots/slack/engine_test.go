package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// testKey is the master key of the test ledgers.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// The tests in this file run the real dialog.Engine over a real ledger in
// t.TempDir(), behind the adapter and in front of the fake Slack.

// engineEnv is env with the real engine and its ledger.
type engineEnv struct {
	*env
	store    *ledger.Store
	customer ledger.Customer
	feedback ledger.Feedback
}

// newEngineEnv opens the ledger, seeds 김민지 and runs the engine, with
// opts applied to its configuration (a shop name, say).
func newEngineEnv(t *testing.T, opts ...func(*dialog.Config)) *engineEnv {
	t.Helper()
	store, err := ledger.Open(filepath.Join(t.TempDir(), "dangol.db"), &ledger.Options{Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	cat := locales.MustLoad()
	cfg := dialog.Config{
		Store:    store,
		Catalog:  cat,
		Logger:   quietLogger(t),
		Staff:    []string{"slack:U1"},
		Managers: []string{"slack:U2"},
		Now:      func() time.Time { return testNow },
		NewCode:  func() string { return "123456" },
		// cmd/dangol's policy: staff are granted in Slack, customers are
		// Telegram's.
		StaffChannels:    []string{Channel},
		CustomerChannels: []string{"telegram"},
	}
	for _, o := range opts {
		o(&cfg)
	}
	eng, err := dialog.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &engineEnv{env: newEnvHandler(t, eng, func(c *Config) { c.Catalog = cat })}
	e.store = store
	// Cleanups run last-registered first: drain the bot, then close the file.
	t.Cleanup(func() {
		_ = e.bot.Close(context.Background())
		if err := store.Close(); err != nil {
			t.Error(err)
		}
	})

	ctx := context.Background()
	err = store.Update(ctx, func(tx *ledger.Tx) error {
		e.customer = ledger.Customer{
			Name: "김민지", Phone: "01012345678", CreatedAt: testNow.AddDate(0, -2, 0),
			Preferences: "애쉬 브라운, 주말 오전", Remarks: "두피 민감 <!channel>", Tags: []string{"염색"},
		}
		if err := tx.CreateCustomer(&e.customer); err != nil {
			return err
		}
		old := ledger.Note{CustomerID: e.customer.ID, StaffID: "slack:U1", StaffName: "지수", At: testNow.AddDate(0, 0, -14), Text: "뿌리 염색, 다음엔 클리닉 권유", Amount: 55000}
		if err := tx.AddNote(&old); err != nil {
			return err
		}
		earn := ledger.PointsEntry{CustomerID: e.customer.ID, At: old.At, Kind: ledger.PointsEarn, Points: 2750, Amount: 55000, ActorID: "slack:U1"}
		if err := tx.AddPoints(&earn); err != nil {
			return err
		}
		e.feedback = ledger.Feedback{CustomerID: e.customer.ID, At: testNow.AddDate(0, 0, -1), Rating: 2, NPS: ledger.NoNPS, Comment: "기다림이 길었어요"}
		return tx.AddFeedback(&e.feedback)
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *engineEnv) notes() []ledger.Note {
	e.t.Helper()
	var out []ledger.Note
	err := e.store.View(context.Background(), func(tx *ledger.Tx) (err error) {
		out, err = tx.NotesOf(e.customer.ID, 100)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *engineEnv) audit() []ledger.AuditEntry {
	e.t.Helper()
	var out []ledger.AuditEntry
	err := e.store.View(context.Background(), func(tx *ledger.Tx) error {
		return tx.ScanAudit(time.Time{}, testNow.AddDate(1, 0, 0), func(a ledger.AuditEntry) error {
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// stable replaces the fake server's address, which changes with every run,
// by the host Slack's response URLs have.
func (e *engineEnv) stable(js []byte) []byte {
	return []byte(strings.ReplaceAll(string(js), e.fake.URL(), "https://hooks.slack.com"))
}

// openModal runs /note and returns what views.open received.
func (e *engineEnv) openModal(trigger string) apiCall {
	e.t.Helper()
	if resp := e.command("U1", "C1", "/note", "", trigger); resp.status != http.StatusOK {
		e.t.Fatalf("/note answered %d", resp.status)
	}
	return e.fake.Next(e.t, "views.open")
}

func TestEngineNoteModal(t *testing.T) {
	e := newEngineEnv(t)
	c := e.openModal("TRIG1")
	var body struct {
		View json.RawMessage `json:"view"`
	}
	if err := json.Unmarshal(c.JSON, &body); err != nil {
		t.Fatal(err)
	}
	golden(t, "note_modal", e.stable(body.View))
	e.close()
	e.fake.None(t) // the modal is the whole answer
}

func TestEngineNoteInvalid(t *testing.T) {
	e := newEngineEnv(t)
	view := viewFrom(t, e.openModal("TRIG1"))
	tests := []struct {
		name   string
		values map[string]string
		errs   []string // fields with an error
	}{
		{"BadPhone", map[string]string{"customer": "010-12", "text": "커트"}, []string{"customer"}},
		{"UnknownPhone", map[string]string{"customer": "010-9999-8888", "text": "커트"}, []string{"customer"}},
		{"Everything", map[string]string{"customer": "", "text": " ", "amount": "많이", "followup": "언젠가"}, []string{"amount", "customer", "followup", "text"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.interaction(submission("U1", "TRIG-BAD-"+tt.name, view, tt.values))
			var got slack.ViewSubmissionResponse
			if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
				t.Fatalf("answer %d %q: %v", resp.status, resp.body, err)
			}
			if got.ResponseAction != slack.RAErrors {
				t.Fatalf("response_action %q, want errors", got.ResponseAction)
			}
			var fields []string
			for f, msg := range got.Errors {
				fields = append(fields, f)
				if msg == "" {
					t.Errorf("empty error for %s", f)
				}
			}
			if strings.Join(sortedStrings(fields), ",") != strings.Join(tt.errs, ",") {
				t.Errorf("errors on %v, want %v (%v)", fields, tt.errs, got.Errors)
			}
			if i == 0 {
				golden(t, "note_modal_errors", []byte(resp.body))
			}
		})
	}
	e.close()
	e.fake.None(t)
	if n := e.notes(); len(n) != 1 {
		t.Errorf("%d notes after invalid submissions, want only the seeded one", len(n))
	}
}

func TestEngineNoteValid(t *testing.T) {
	e := newEngineEnv(t)
	view := viewFrom(t, e.openModal("TRIG1"))
	resp := e.interaction(submission("U1", "TRIG2", view, map[string]string{
		"customer": "010-1234-5678", "text": "클리닉 받음 #클리닉", "amount": "33,000", "tags": "#단골", "followup": "2026-12-08",
	}))
	if resp.status != http.StatusOK || resp.body != "" {
		t.Fatalf("valid submission answered %d %q, want an empty 200", resp.status, resp.body)
	}
	c := e.fake.Next(t, "response_url")
	if c.Form.Get("id") != "cmd-TRIG1" || c.JSONField(t, "response_type") != "ephemeral" {
		t.Errorf("confirmation to %s as %v, want the /note's response_url, ephemeral", c.Form.Get("id"), c.JSONField(t, "response_type"))
	}
	text := strings.Join(blockTexts(c.Blocks(t)), "\n")
	if !strings.Contains(text, "김민지") {
		t.Errorf("confirmation has no customer card: %q", text)
	}
	golden(t, "note_saved", e.stable(c.JSON))
	e.close()
	e.fake.None(t)

	notes := e.notes()
	if len(notes) != 2 {
		t.Fatalf("%d notes, want 2", len(notes))
	}
	n := notes[0]
	if n.Text != "클리닉 받음" || n.Amount != 33000 || n.StaffID != "slack:U1" || strings.Join(n.Tags, ",") != "클리닉,단골" ||
		n.FollowUp.In(testNow.Location()).Format(time.DateOnly) != "2026-12-08" || n.StaffName != "Display U1" {
		t.Errorf("note %+v", n)
	}
	// Re-delivering the same submission records nothing twice.
	e2 := e.interaction(submission("U1", "TRIG2", view, map[string]string{"customer": "010-1234-5678", "text": "클리닉 받음"}))
	if e2.status != http.StatusOK {
		t.Errorf("redelivery answered %d", e2.status)
	}
	if len(e.notes()) != 2 {
		t.Error("a redelivered submission added a note")
	}
}

func TestEngineCustomerCard(t *testing.T) {
	e := newEngineEnv(t)
	if resp := e.command("U1", "C1", "/customer", "김민지", "TRIG1"); resp.status != http.StatusOK {
		t.Fatalf("/customer answered %d", resp.status)
	}
	c := e.fake.Next(t, "response_url")
	if c.JSONField(t, "response_type") != "ephemeral" {
		t.Errorf("card is not ephemeral: %s", c.JSON)
	}
	text := strings.Join(blockTexts(c.Blocks(t)), "\n")
	for _, want := range []string{"김민지", "두피 민감 &lt;!channel&gt;", "뿌리 염색"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	golden(t, "customer_card", e.stable(c.JSON))
	e.close()
	e.fake.None(t)
	a := e.audit()
	if len(a) != 1 || a[0].Action != "read" || a[0].ActorID != "slack:U1" || a[0].CustomerID != e.customer.ID {
		t.Errorf("audit %+v, want one read by slack:U1", a)
	}
}

func TestEngineUnauthorised(t *testing.T) {
	e := newEngineEnv(t)
	e.command("UX", "C1", "/customer", "김민지", "TRIG1")
	c := e.fake.Next(t, "response_url")
	if c.JSONField(t, "response_type") != "ephemeral" {
		t.Errorf("refusal is not ephemeral: %s", c.JSON)
	}
	text := strings.Join(blockTexts(c.Blocks(t)), "\n")
	if strings.Contains(text, "김민지") || text != locales.MustLoad().Text("ko", "core.refused", nil) {
		t.Errorf("refusal %q", text)
	}
	// A stranger's modal submission (forged or stale) records nothing either.
	resp := e.interaction(submission("UX", "TRIG2", map[string]any{"callback_id": "note", "private_metadata": `{"c":"C1"}`},
		map[string]string{"customer": "010-1234-5678", "text": "x"}))
	if resp.status != http.StatusOK {
		t.Errorf("stranger's submission answered %d", resp.status)
	}
	e.fake.Next(t, "chat.postEphemeral") // the refusal, without a response_url
	e.close()
	e.fake.None(t)
	if a := e.audit(); len(a) != 0 {
		t.Errorf("audit %+v, want nothing read for a stranger", a)
	}
	if n := e.notes(); len(n) != 1 {
		t.Errorf("%d notes, want only the seeded one", len(n))
	}
}

func TestEngineAlertAnswered(t *testing.T) {
	e := newEngineEnv(t)
	e.interaction(buttonClick("U1", staffChannel, "TRIG1", "dangol_btn_0", "answer:"+e.feedback.ID, "제가 연락할게요", false, e.fake.ResponseURL("act-1")))
	c := e.fake.Next(t, "chat.postMessage")
	if c.Form.Get("channel") != staffChannel {
		t.Errorf("answer posted to %q, want the staff channel", c.Form.Get("channel"))
	}
	e.close()
	var f ledger.Feedback
	err := e.store.View(context.Background(), func(tx *ledger.Tx) (err error) {
		f, err = tx.Feedback(e.feedback.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.AnsweredBy != "slack:U1" {
		t.Errorf("feedback answered by %q, want slack:U1", f.AnsweredBy)
	}
}

func TestEngineDMFlow(t *testing.T) {
	e := newEngineEnv(t)
	e.event(dmEvent("EvD1", "U1", "D1", "메모", nil), 0)
	ask := e.fake.Next(t, "chat.postMessage")
	if ask.Form.Get("channel") != "D1" {
		t.Errorf("question posted to %q", ask.Form.Get("channel"))
	}
	blocks := ask.Blocks(t)
	if blocks[len(blocks)-1]["type"] != "actions" {
		t.Errorf("the guided note asks without a cancel button: %v", blocks)
	}
	e.event(dmEvent("EvD2", "U1", "D1", "010-1234-5678", nil), 0)
	next := e.fake.Next(t, "chat.postMessage")
	if text := strings.Join(blockTexts(next.Blocks(t)), "\n"); !strings.Contains(text, "김민지") {
		t.Errorf("second question %q does not name the customer", text)
	}
	e.close()
	e.fake.None(t)
}

func sortedStrings(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
