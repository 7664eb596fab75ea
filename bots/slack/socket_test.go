package slack

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// socketEnv is a Bot in Socket Mode connected to the fake Slack's websocket.
type socketEnv struct {
	t      *testing.T
	fake   *fakeSlack
	h      *scriptHandler
	bot    *Bot
	conn   *websocket.Conn
	cancel context.CancelFunc
	done   chan error
}

func newSocketEnv(t *testing.T, fn func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)) *socketEnv {
	t.Helper()
	return newSocketEnvOn(t, newFakeSlack(t), fn)
}

// newSocketEnvOn is newSocketEnv on a fake the test has scripted, with the
// configuration changed by opts.
func newSocketEnvOn(t *testing.T, fake *fakeSlack, fn func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error), opts ...func(*Config)) *socketEnv {
	t.Helper()
	s := &socketEnv{t: t, fake: fake, h: &scriptHandler{msgs: make(chan dialog.Message, 64), fn: fn}, done: make(chan error, 1)}
	s.fake.SetLocale("U1", "ko-KR")
	cfg := Config{
		BotToken:     testBotToken,
		AppToken:     testAppToken,
		APIURL:       s.fake.APIURL(),
		StaffChannel: staffChannel,
		Handler:      s.h,
		Catalog:      locales.MustLoad(),
		Logger:       quietLogger(t),
		Now:          func() time.Time { return testNow },
	}
	for _, o := range opts {
		o(&cfg)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})

	if c := s.fake.Next(t, "apps.connections.open"); c.Token != testAppToken {
		t.Errorf("apps.connections.open with token %q, want the app token", c.Token)
	}
	select {
	case s.conn = <-s.fake.WS:
	case <-time.After(5 * time.Second):
		t.Fatal("the bot did not dial the websocket")
	}
	t.Cleanup(func() { s.conn.Close() })
	s.send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	return s
}

func (s *socketEnv) send(v any) {
	s.t.Helper()
	if err := s.conn.WriteJSON(v); err != nil {
		s.t.Fatal(err)
	}
}

// envelope sends a Socket Mode request and returns the ack for it.
func (s *socketEnv) envelope(id, typ string, payload any, retry int) map[string]any {
	s.t.Helper()
	s.send(map[string]any{"envelope_id": id, "type": typ, "payload": payload, "accepts_response_payload": true, "retry_attempt": retry})
	return s.ack(id)
}

func (s *socketEnv) ack(id string) map[string]any {
	s.t.Helper()
	_ = s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ack map[string]any
	if err := s.conn.ReadJSON(&ack); err != nil {
		s.t.Fatalf("no ack for %s: %v", id, err)
	}
	if ack["envelope_id"] != id {
		s.t.Fatalf("ack %v, want envelope %s", ack, id)
	}
	return ack
}

// stop cancels Run and waits for it.
func (s *socketEnv) stop() error {
	s.t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(10 * time.Second):
		s.t.Fatal("Run did not return after cancel")
	}
	return nil
}

func slashPayload(user, channel, command, text, trigger, responseURL string) map[string]any {
	return map[string]any{
		"token": "legacy", "team_id": "T1", "channel_id": channel, "user_id": user, "user_name": strings.ToLower(user),
		"command": command, "text": text, "response_url": responseURL, "trigger_id": trigger, "api_app_id": "A1",
	}
}

func TestSocketMode(t *testing.T) {
	s := newSocketEnv(t, script)

	// A slash command is acknowledged with no payload, then opens the modal.
	if ack := s.envelope("E1", "slash_commands", slashPayload("U1", "C1", "/note", "", "TRIG1", s.fake.ResponseURL("cmd-1")), 0); ack["payload"] != nil {
		t.Errorf("command ack carries %v", ack["payload"])
	}
	m := s.h.next(t)
	if m.Text != "/note" || !m.CanForm || m.EventID != "slack:cmd:TRIG1" || m.ConversationID != "C1/U1" {
		t.Errorf("command message %+v", m)
	}
	view := viewFrom(t, s.fake.Next(t, "views.open"))

	// An invalid submission: the errors travel in the ack.
	ack := s.envelope("E2", "interactive", submission("U1", "TRIG2", view, map[string]string{"customer": "010-12", "text": "x"}), 0)
	want := map[string]any{"response_action": "errors", "errors": map[string]any{"customer": "전화번호를 확인해 주세요."}}
	if !reflect.DeepEqual(ack["payload"], want) {
		t.Errorf("submission ack payload %v, want %v", ack["payload"], want)
	}
	s.h.next(t)

	// A valid one: a bare ack closes the modal; the card follows, ephemeral.
	if ack := s.envelope("E3", "interactive", submission("U1", "TRIG3", view, map[string]string{"customer": "010-1234-5678", "text": "커트"}), 0); ack["payload"] != nil {
		t.Errorf("valid submission ack carries %v", ack["payload"])
	}
	s.h.next(t)
	if c := s.fake.Next(t, "response_url"); c.Form.Get("id") != "cmd-1" || c.JSONField(t, "response_type") != "ephemeral" {
		t.Errorf("confirmation to %s as %v", c.Form.Get("id"), c.JSONField(t, "response_type"))
	}

	// A DM, and Slack's redelivery of it: handled once.
	ev := dmEvent("EvS1", "U1", "D1", "안녕하세요", nil)
	s.envelope("E4", "events_api", ev, 0)
	if m := s.h.next(t); m.EventID != "slack:EvS1" || m.Text != "안녕하세요" || !m.Private {
		t.Errorf("DM message %+v", m)
	}
	if c := s.fake.Next(t, "chat.postMessage"); c.Form.Get("channel") != "D1" {
		t.Errorf("DM answer to %q", c.Form.Get("channel"))
	}
	s.envelope("E5", "events_api", ev, 1)

	// The bot's own DM is not a message for the engine.
	s.envelope("E6", "events_api", dmEvent("EvS2", "UBOT", "D1", "echo", nil), 0)

	// A click on the alert in the staff channel.
	s.envelope("E7", "interactive", buttonClick("U1", staffChannel, "TRIG7", "dangol_btn_0", "answer:F1", "연락", false, ""), 0)
	if m := s.h.next(t); m.Action == nil || m.Action.Payload != "answer:F1" {
		t.Errorf("click message %+v", m)
	}
	s.fake.Next(t, "chat.postMessage")

	// A message the client cannot read is still acknowledged.
	s.send(map[string]any{"envelope_id": "E8", "type": "no_such_type", "payload": map[string]any{}})
	s.ack("E8")

	if err := s.stop(); err != nil {
		t.Errorf("Run returned %v after cancel", err)
	}
	s.h.none(t)
	s.fake.None(t)
}

func TestSocketModeBadToken(t *testing.T) {
	fake := newFakeSlack(t)
	fake.Fail("auth.test", "invalid_auth")
	b, err := New(Config{BotToken: "xoxb-bad", AppToken: testAppToken, APIURL: fake.APIURL(), Handler: &scriptHandler{}, Logger: quietLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Run with a bad token: %v", err)
	}
	fake.Next(t, "auth.test")
}

// TestRunHTTPDrains checks that Run in HTTP mode, once cancelled, returns
// only after the work in flight has been answered.
func TestRunHTTPDrains(t *testing.T) {
	fake := newFakeSlack(t)
	started := make(chan struct{})
	release := make(chan struct{})
	h := &scriptHandler{msgs: make(chan dialog.Message, 8), fn: func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
		close(started)
		<-release
		return []dialog.Reply{{Text: "done"}}, nil
	}}
	b, err := New(Config{
		BotToken: testBotToken, SigningSecret: testSecret, APIURL: fake.APIURL(), Handler: h,
		Logger: quietLogger(t), Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	b.submitWait = 20 * time.Millisecond // the engine is held: answer without it
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.serveHTTP(ctx, ln) }()

	body := url.Values{"command": {"/customer"}, "user_id": {"U1"}, "channel_id": {"C1"}, "text": {"김민지"},
		"trigger_id": {"T1"}, "response_url": {fake.ResponseURL("r1")}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", formType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(testNow.Unix(), 10))
	req.Header.Set("X-Slack-Signature", sign(testSecret, testNow.Unix(), []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("command answered %d", resp.StatusCode)
	}
	<-started
	cancel()
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	// Run has returned: the answer must already be out.
	select {
	case c := <-fake.Calls:
		if c.Method != "response_url" {
			t.Errorf("call %s", c.Method)
		}
	default:
		t.Error("Run returned before the reply in flight was sent")
	}
	if _, err := http.DefaultClient.Post("http://"+ln.Addr().String()+"/slack/commands", formType, strings.NewReader(body)); err == nil {
		t.Error("the server still answers after Run returned")
	}
}

func TestRunHTTPListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	b, err := New(Config{BotToken: "xoxb", SigningSecret: "s", HTTPAddr: ln.Addr().String(), Handler: &scriptHandler{}, Logger: quietLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	var opErr *net.OpError
	if err := b.Run(context.Background()); !errors.As(err, &opErr) {
		t.Errorf("Run on a taken address: %v", err)
	}
}

// TestSocketAckPayloadShape pins the JSON of a view-errors ack: Slack wants
// the ViewSubmissionResponse itself as the payload.
func TestSocketAckPayloadShape(t *testing.T) {
	b := &Bot{}
	resp, _ := b.modalAnswer(job{org: &origin{}, blockIDs: []string{"customer"}}, []dialog.Reply{{FormErrors: map[string]string{"customer": "x"}}})
	js, _ := json.Marshal(map[string]any{"envelope_id": "E", "payload": resp})
	if string(js) != `{"envelope_id":"E","payload":{"response_action":"errors","errors":{"customer":"x"}}}` {
		t.Errorf("ack %s", js)
	}
}

// TestSocketModeReconnects: Slack asks the client to reconnect (it does so
// every few hours); events keep flowing on the new connection.
func TestSocketModeReconnects(t *testing.T) {
	s := newSocketEnv(t, script)
	s.send(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	s.fake.Next(t, "apps.connections.open")
	select {
	case s.conn = <-s.fake.WS:
	case <-time.After(5 * time.Second):
		t.Fatal("the bot did not reconnect")
	}
	s.send(map[string]any{"type": "hello"})
	s.envelope("E1", "events_api", dmEvent("EvR1", "U1", "D1", "다시 연결", nil), 0)
	if m := s.h.next(t); m.Text != "다시 연결" {
		t.Errorf("message after reconnecting %+v", m)
	}
	s.fake.Next(t, "chat.postMessage")
	if err := s.stop(); err != nil {
		t.Errorf("Run returned %v", err)
	}
}

// TestSocketAckAfterCommit: an envelope is acknowledged only once the engine
// has handled it; Slack resends nothing acknowledged.
func TestSocketAckAfterCommit(t *testing.T) {
	var handled atomic.Int32
	s := newSocketEnv(t, func(context.Context, dialog.Message) ([]dialog.Reply, error) {
		handled.Add(1)
		return nil, nil
	})
	s.envelope("E1", "slash_commands", slashPayload("U1", "C1", "/customer", "김민지", "TRIG1", s.fake.ResponseURL("cmd-1")), 0)
	if handled.Load() != 1 {
		t.Error("the command was acknowledged before the engine handled it")
	}
	s.envelope("E2", "events_api", dmEvent("EvS9", "U1", "D1", "안녕하세요", nil), 0)
	if handled.Load() != 2 {
		t.Error("the event was acknowledged before the engine handled it")
	}
	s.h.next(t)
	s.h.next(t)
	if err := s.stop(); err != nil {
		t.Errorf("Run returned %v after cancel", err)
	}
}
