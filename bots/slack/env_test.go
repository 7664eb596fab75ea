package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from what the fake Slack recorded")

const (
	testSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	testBotToken = "xoxb-test"
	testAppToken = "xapp-test"
	staffChannel = "CSTAFF"
)

// testNow is the fixed clock of every test: a Tuesday morning in Seoul.
var testNow = time.Date(2026, 11, 24, 10, 30, 0, 0, time.FixedZone("KST", 9*3600))

// scriptHandler is a fake engine: it reports every message on msgs and
// answers with fn.
type scriptHandler struct {
	msgs chan dialog.Message
	fn   func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)
}

func (h *scriptHandler) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	h.msgs <- m
	return h.fn(ctx, m)
}

// next returns the next message the engine got.
func (h *scriptHandler) next(t *testing.T) dialog.Message {
	t.Helper()
	select {
	case m := <-h.msgs:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("the handler got no message")
	}
	return dialog.Message{}
}

// none fails if the handler got a message not consumed; call after Close.
func (h *scriptHandler) none(t *testing.T) {
	t.Helper()
	select {
	case m := <-h.msgs:
		t.Fatalf("the handler got an unexpected message: %+v", m)
	default:
	}
}

// senderFunc adapts a function to relay.Sender.
type senderFunc func(ctx context.Context, to relay.Address, r dialog.Reply) error

func (f senderFunc) Send(ctx context.Context, to relay.Address, r dialog.Reply) error {
	return f(ctx, to, r)
}

// deliver sends r through the bot's router, as the scheduler and the other
// adapters do.
func (e *env) deliver(ctx context.Context, r dialog.Reply) error {
	return e.bot.relay.Router().Deliver(ctx, r)
}

// env is one Bot in HTTP mode in front of a fake Slack.
type env struct {
	t      *testing.T
	fake   *fakeSlack
	h      *scriptHandler
	bot    *Bot
	srv    *httptest.Server
	sleeps chan time.Duration
	now    time.Time
}

func quietLogger(testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// newEnv starts a Bot in HTTP mode whose engine answers with fn.
func newEnv(t *testing.T, fn func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error), opts ...func(*Config)) *env {
	t.Helper()
	return newEnvHandler(t, &scriptHandler{msgs: make(chan dialog.Message, 64), fn: fn}, opts...)
}

func newEnvHandler(t *testing.T, h relay.Handler, opts ...func(*Config)) *env {
	t.Helper()
	e := &env{t: t, fake: newFakeSlack(t), sleeps: make(chan time.Duration, 16), now: testNow}
	e.h, _ = h.(*scriptHandler)
	e.fake.SetLocale("U1", "ko-KR")
	e.fake.SetLocale("U2", "en-US")
	cfg := Config{
		BotToken:      testBotToken,
		SigningSecret: testSecret,
		APIURL:        e.fake.APIURL(),
		StaffChannel:  staffChannel,
		Handler:       h,
		Catalog:       locales.MustLoad(),
		Logger:        quietLogger(t),
		Now:           func() time.Time { return e.now },
	}
	for _, o := range opts {
		o(&cfg)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.sleep = func(ctx context.Context, d time.Duration) error {
		e.sleeps <- d
		return nil
	}
	e.bot = b
	e.srv = httptest.NewServer(b.HTTPHandler())
	t.Cleanup(func() {
		e.srv.Close()
		_ = b.Close(context.Background())
	})
	return e
}

// close drains the bot: after it, every reply has been sent.
func (e *env) close() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.bot.Close(ctx); err != nil {
		e.t.Fatal(err)
	}
}

// sign returns Slack's v0 signature of body at ts with secret.
func sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

type response struct {
	status int
	body   string
	ctype  string
}

// postSigned sends body to path as Slack would, signed at e.now.
func (e *env) postSigned(path, ctype string, body []byte, hdr http.Header) response {
	e.t.Helper()
	if hdr == nil {
		hdr = http.Header{}
	}
	if hdr.Get("X-Slack-Request-Timestamp") == "" {
		ts := e.now.Unix()
		hdr.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
		hdr.Set("X-Slack-Signature", sign(testSecret, ts, body))
	}
	return e.post(path, ctype, body, hdr)
}

func (e *env) post(path, ctype string, body []byte, hdr http.Header) response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(string(body)))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), ctype: resp.Header.Get("Content-Type")}
}

const formType = "application/x-www-form-urlencoded"

// commandForm is a slash command as Slack posts it.
func (e *env) commandForm(user, channel, command, text, trigger string) url.Values {
	return url.Values{
		"token":        {"legacy-verification-token"},
		"team_id":      {"T1"},
		"channel_id":   {channel},
		"channel_name": {"front-desk"},
		"user_id":      {user},
		"user_name":    {strings.ToLower(user)},
		"command":      {command},
		"text":         {text},
		"response_url": {e.fake.ResponseURL("cmd-" + trigger)},
		"trigger_id":   {trigger},
		"api_app_id":   {"A1"},
	}
}

func (e *env) command(user, channel, command, text, trigger string) response {
	e.t.Helper()
	return e.postSigned("/slack/commands", formType, []byte(e.commandForm(user, channel, command, text, trigger).Encode()), nil)
}

// interaction posts an interactivity payload (block_actions, view_submission).
func (e *env) interaction(payload any) response {
	e.t.Helper()
	js, err := json.Marshal(payload)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.postSigned("/slack/interactivity", formType, []byte(url.Values{"payload": {string(js)}}.Encode()), nil)
}

// event posts an Events API callback; retry > 0 marks it as Slack's retry.
func (e *env) event(payload any, retry int) response {
	e.t.Helper()
	js, err := json.Marshal(payload)
	if err != nil {
		e.t.Fatal(err)
	}
	hdr := http.Header{}
	if retry > 0 {
		hdr.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		hdr.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	return e.postSigned("/slack/events", "application/json", js, hdr)
}

// dmEvent is a message.im callback.
func dmEvent(eventID, user, channel, text string, extra map[string]any) map[string]any {
	inner := map[string]any{
		"type": "message", "user": user, "text": text, "ts": "1700000000.000001",
		"channel": channel, "channel_type": "im", "event_ts": "1700000000.000001",
	}
	for k, v := range extra {
		inner[k] = v
	}
	return map[string]any{
		"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": inner,
	}
}

// submission is a view_submission payload for a modal opened in channel.
func submission(user, trigger string, view map[string]any, values map[string]string) map[string]any {
	state := map[string]any{}
	for k, v := range values {
		state[k] = map[string]any{k: map[string]any{"type": "plain_text_input", "value": v}}
	}
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"] = "V1"
	v["type"] = "modal"
	v["state"] = map[string]any{"values": state}
	return map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": "T1"},
		"user":       map[string]any{"id": user, "name": strings.ToLower(user)},
		"trigger_id": trigger,
		"view":       v,
	}
}

// buttonClick is a block_actions payload for a click on button value.
func buttonClick(user, channel, trigger, actionID, value, label string, ephemeral bool, responseURL string) map[string]any {
	return map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": "T1"},
		"user":         map[string]any{"id": user, "name": strings.ToLower(user)},
		"trigger_id":   trigger,
		"response_url": responseURL,
		"channel":      map[string]any{"id": channel},
		"container":    map[string]any{"type": "message", "channel_id": channel, "message_ts": "1.1", "is_ephemeral": ephemeral},
		"actions": []map[string]any{{
			"type": "button", "action_id": actionID, "block_id": "b1", "value": value,
			"text": map[string]any{"type": "plain_text", "text": label}, "action_ts": "1.2",
		}},
	}
}

// viewFrom turns a recorded views.open body back into the view Slack would
// send with a submission.
func viewFrom(t *testing.T, c apiCall) map[string]any {
	t.Helper()
	var body struct {
		TriggerID string         `json:"trigger_id"`
		View      map[string]any `json:"view"`
	}
	if err := json.Unmarshal(c.JSON, &body); err != nil {
		t.Fatal(err)
	}
	return body.View
}

// golden compares got (JSON) with testdata/name.golden, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatalf("golden %s: not JSON: %v", name, err)
	}
	pretty, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	pretty = append(pretty, '\n')
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(pretty) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n got: %s\nwant: %s", path, pretty, want)
	}
}
