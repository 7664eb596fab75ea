package telegram

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// scriptHandler is a stand-in engine: it records every message and answers
// with reply (nil: no replies).
type scriptHandler struct {
	got   chan dialog.Message
	reply func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)
}

func newScript(reply func(ctx context.Context, m dialog.Message) ([]dialog.Reply, error)) *scriptHandler {
	return &scriptHandler{got: make(chan dialog.Message, 100), reply: reply}
}

func (h *scriptHandler) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	h.got <- m
	if h.reply == nil {
		return nil, nil
	}
	return h.reply(ctx, m)
}

// next returns the next message the engine got.
func (h *scriptHandler) next(t testing.TB) dialog.Message {
	t.Helper()
	select {
	case m := <-h.got:
		return m
	case <-time.After(waitFor):
		t.Fatalf("engine got no message within %v", waitFor)
		return dialog.Message{}
	}
}

// expectNone fails if the engine got a message not yet taken.
func (h *scriptHandler) expectNone(t testing.TB) {
	t.Helper()
	select {
	case m := <-h.got:
		t.Fatalf("engine got an unexpected message %+v", m)
	default:
	}
}

// echo answers every message with one text reply naming what it got.
func echo(_ context.Context, m dialog.Message) ([]dialog.Reply, error) {
	what := m.Text
	if m.Action != nil {
		what = "action " + m.Action.Payload
	}
	if m.Phone != "" {
		what = "phone " + m.Phone
	}
	return []dialog.Reply{{Text: "got: " + what}}, nil
}

// syncBuffer is a log sink tests can read while the bot writes.
type syncBuffer = retrytest.Log

var testCatalog = sync.OnceValue(locales.MustLoad)

// testConfig is a Config against f with limits and back-off scaled down so
// tests run fast.
func testConfig(f *fakeAPI, h relay.Handler, logs *syncBuffer) Config {
	return Config{
		Token:          testToken,
		APIURL:         f.URL(),
		Handler:        h,
		Catalog:        testCatalog(),
		Logger:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ChatInterval:   time.Microsecond,
		GlobalRate:     1_000_000,
		RetryAfterUnit: time.Millisecond,
		RetryBase:      time.Millisecond,
		DrainTimeout:   waitFor,
	}
}

// senderFunc adapts a function to relay.Sender.
type senderFunc func(ctx context.Context, to relay.Address, r dialog.Reply) error

func (f senderFunc) Send(ctx context.Context, to relay.Address, r dialog.Reply) error {
	return f(ctx, to, r)
}

// elsewhere returns a Router on which Slack, serving the staff channel,
// hands every reply it is given to ch: the other platforms, as Telegram's
// replies reach them.
func elsewhere(ch chan<- dialog.Reply) *relay.Router {
	r := relay.NewRouter(relay.RouterConfig{})
	r.Register("slack", senderFunc(func(_ context.Context, _ relay.Address, rep dialog.Reply) error {
		ch <- rep
		return nil
	}))
	r.SetStaff("slack")
	return r
}

// harness is a Bot running against a fake API.
type harness struct {
	f    *fakeAPI
	b    *Bot
	h    *scriptHandler
	logs *syncBuffer
	stop func() // cancels Run and waits for it
}

// startBot runs a Bot in polling mode against a new fake and takes the
// start-up calls (getMe, setMyCommands ×2, deleteWebhook) off the record.
func startBot(t testing.TB, h *scriptHandler, mod ...func(*Config)) *harness {
	t.Helper()
	f := newFakeAPI(t)
	logs := &syncBuffer{}
	cfg := testConfig(f, h, logs)
	for _, m := range mod {
		m(&cfg)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{f: f, b: b, h: h, logs: logs}
	hs.stop = runBot(t, b)
	for _, m := range []string{"getMe", "setMyCommands", "setMyCommands"} {
		f.expect(t, m)
	}
	if cfg.WebhookURL == "" {
		f.expect(t, "deleteWebhook")
	}
	return hs
}

// runBot starts b.Run and returns a func that stops it and waits for it to
// return; the test's cleanup calls it too.
func runBot(t testing.TB, b *Bot) func() {
	t.Helper()
	return relaytest.Start(t, b.Run)
}

// --- scripted updates ---

type user struct {
	id         int64
	first      string
	last       string
	lang       string
	chatType   string // "" = private
	chatID     int64  // 0 = the user's id (a private chat)
	isBot      bool
	skipFromID bool
}

var (
	minji = user{id: 1001, first: "민지", last: "김", lang: "ko"}
	tom   = user{id: 2002, first: "Tom", lang: "en-US"}
)

func (u user) chat() map[string]any {
	id, typ := u.chatID, u.chatType
	if id == 0 {
		id = u.id
	}
	if typ == "" {
		typ = "private"
	}
	c := map[string]any{"id": id, "type": typ}
	if typ != "private" {
		c["title"] = "단골 모임"
	}
	return c
}

func (u user) from() map[string]any {
	f := map[string]any{"id": u.id, "is_bot": u.isBot, "first_name": u.first}
	if u.last != "" {
		f["last_name"] = u.last
	}
	if u.lang != "" {
		f["language_code"] = u.lang
	}
	return f
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// message builds a message update with extra fields merged in.
func message(id int64, u user, kind string, extra map[string]any) string {
	m := map[string]any{"message_id": int(id) + 5000, "date": 1764000000, "chat": u.chat(), "from": u.from()}
	for k, v := range extra {
		m[k] = v
	}
	return mustJSON(map[string]any{"update_id": id, kind: m})
}

// text builds a text message update; a leading /command gets its entity.
func text(id int64, u user, s string) string {
	extra := map[string]any{"text": s}
	if strings.HasPrefix(s, "/") {
		cmd, _, _ := strings.Cut(s, " ")
		extra["entities"] = []any{map[string]any{"type": "bot_command", "offset": 0, "length": len(cmd)}}
	}
	return message(id, u, "message", extra)
}

// press builds a callback query for a button on message msgID, which showed
// msgText and keyboard (rows of label, data pairs). date 0 makes the
// message inaccessible, as Telegram sends for old ones.
func press(id int64, u user, msgID int, msgText string, keyboard [][][2]string, data string, date int) string {
	var rows [][]map[string]any
	for _, row := range keyboard {
		var r []map[string]any
		for _, b := range row {
			r = append(r, map[string]any{"text": b[0], "callback_data": b[1]})
		}
		rows = append(rows, r)
	}
	msg := map[string]any{"message_id": msgID, "date": date, "chat": u.chat()}
	if date != 0 {
		msg["text"] = msgText
		msg["from"] = map[string]any{"id": 123456, "is_bot": true, "first_name": "단골"}
		msg["reply_markup"] = map[string]any{"inline_keyboard": rows}
	}
	return mustJSON(map[string]any{"update_id": id, "callback_query": map[string]any{
		"id": "cq" + mustJSON(id), "from": u.from(), "chat_instance": "ci", "data": data, "message": msg,
	}})
}
