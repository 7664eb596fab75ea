package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/locales"
)

// TestConformance runs the adapter contract's suite on the Bot in Socket
// Mode against the fake Slack: each user writes in their DM with dangol.
func TestConformance(t *testing.T) {
	relaytest.Run(t, relaytest.Options{Channel: Channel}, func(t *testing.T, e *relaytest.Engine) relaytest.Platform {
		p, b := newSLPlatform(t, e, func(c *Config) { c.AppToken = testAppToken })
		p.stop = relaytest.Start(t, b.Run)
		select {
		case p.conn = <-p.fake.WS:
		case <-time.After(relaytest.Wait):
			t.Fatal("the bot did not dial the websocket")
		}
		t.Cleanup(func() { p.conn.Close() })
		p.write(t, map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
		go p.readAcks()
		return p
	})
}

// newSLPlatform makes the suite's fake Slack, sorting what the bot posts
// there until the test ends, and a Bot on it with e as its engine, the
// Config changed by mode (Socket Mode's app token, HTTP mode's secret).
func newSLPlatform(t *testing.T, e *relaytest.Engine, mode func(*Config)) (*slPlatform, *Bot) {
	t.Helper()
	p := &slPlatform{fake: newFakeSlack(t), shown: map[string]chan apiCall{}, last: map[string]apiCall{}}
	cfg := Config{
		BotToken: testBotToken,
		APIURL:   p.fake.APIURL(),
		Handler:  e,
		Catalog:  locales.MustLoad(),
		Logger:   quietLogger(t),
		Now:      func() time.Time { return testNow },
	}
	mode(&cfg)
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan struct{})
	t.Cleanup(func() { close(ended) })
	go p.sort(ended)
	return p, b
}

// slPlatform is the suite's view of a Bot on the fake's websocket (or, in
// HTTP mode, its server): user uN is the Slack user UN, in the DM DUN.
type slPlatform struct {
	fake *fakeSlack
	conn *websocket.Conn
	stop func()
	n    atomic.Int64 // envelopes and events sent
	// post, in HTTP mode, sends a delivery as Slack's HTTP request (retry
	// > 0: a retry); nil: Socket Mode, an envelope on the socket.
	post func(t *testing.T, d slDelivery, retry int)

	wmu   sync.Mutex // one writer on the socket
	mu    sync.Mutex
	shown map[string]chan apiCall // DM channel -> messages posted there
	last  map[string]apiCall      // user -> the last message with buttons
}

func (p *slPlatform) UserID(user string) string { return "U" + strings.TrimPrefix(user, "u") }

func (p *slPlatform) dm(user string) string { return "D" + p.UserID(user) }

func (p *slPlatform) inbox(channel string) chan apiCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown[channel] == nil {
		p.shown[channel] = make(chan apiCall, 100)
	}
	return p.shown[channel]
}

// sort hands each message the bot posts to its channel's inbox; the other
// calls (conversations.open, apps.connections.open) need no answer here.
func (p *slPlatform) sort(ended <-chan struct{}) {
	for {
		select {
		case c := <-p.fake.Calls:
			if c.Method == "chat.postMessage" {
				p.inbox(c.Form.Get("channel")) <- c
			}
		case <-ended:
			return
		}
	}
}

// readAcks takes the bot's acknowledgements off the socket, so its writes
// never wait on the test.
func (p *slPlatform) readAcks() {
	for {
		var ack map[string]any
		if err := p.conn.ReadJSON(&ack); err != nil {
			return
		}
	}
}

func (p *slPlatform) write(t *testing.T, v any) {
	t.Helper()
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if err := p.conn.WriteJSON(v); err != nil {
		t.Fatal(err)
	}
}

// slDelivery is an envelope's type and payload, for Redeliver, and the
// suite's user it came from.
type slDelivery struct {
	typ     string
	payload map[string]any
	user    string
}

// deliver sends d the way the platform runs: an HTTP request or an
// envelope.
func (p *slPlatform) deliver(t *testing.T, d slDelivery, retry int) {
	t.Helper()
	if p.post != nil {
		p.post(t, d, retry)
		return
	}
	p.envelope(t, d.typ, d.payload, retry)
}

func (p *slPlatform) envelope(t *testing.T, typ string, payload map[string]any, retry int) {
	t.Helper()
	id := fmt.Sprint("E", p.n.Add(1))
	p.write(t, map[string]any{"envelope_id": id, "type": typ, "payload": payload, "accepts_response_payload": true, "retry_attempt": retry})
}

func (p *slPlatform) Say(t *testing.T, user, text string) any {
	d := slDelivery{"events_api", dmEvent(fmt.Sprint("Ev", p.n.Add(1)), p.UserID(user), p.dm(user), text, nil), user}
	p.deliver(t, d, 0)
	return d
}

func (p *slPlatform) Press(t *testing.T, user, payload string) any {
	p.mu.Lock()
	on, ok := p.last[user]
	p.mu.Unlock()
	if !ok {
		t.Fatalf("no message with buttons was shown to %s", user)
	}
	actionID, label := "", ""
	for _, b := range on.Blocks(t) {
		els, _ := b["elements"].([]any)
		for _, e := range els {
			btn, _ := e.(map[string]any)
			if btn["value"] == payload {
				actionID = fmt.Sprint(btn["action_id"])
				label = fmt.Sprint(btn["text"].(map[string]any)["text"])
			}
		}
	}
	if actionID == "" {
		t.Fatalf("no button %q on the message shown to %s", payload, user)
	}
	trigger := fmt.Sprint("TRIG", p.n.Add(1))
	d := slDelivery{"interactive", buttonClick(p.UserID(user), p.dm(user), trigger, actionID, payload, label, false, ""), user}
	p.deliver(t, d, 0)
	return d
}

// Redeliver sends the event again in a new envelope, as Slack does when it
// got no acknowledgement.
func (p *slPlatform) Redeliver(t *testing.T, d any) {
	p.deliver(t, d.(slDelivery), 1)
}

func (p *slPlatform) Next(t *testing.T, user string) relaytest.Shown {
	t.Helper()
	select {
	case c := <-p.inbox(p.dm(user)):
		s := relaytest.Shown{Text: c.Form.Get("text")}
		var blocks []map[string]any
		_ = json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
		for _, b := range blocks {
			els, _ := b["elements"].([]any)
			for _, e := range els {
				if btn, ok := e.(map[string]any); ok && btn["type"] == "button" {
					s.Buttons = append(s.Buttons, fmt.Sprint(btn["value"]))
				}
			}
		}
		if len(s.Buttons) > 0 {
			p.mu.Lock()
			p.last[user] = c
			p.mu.Unlock()
		}
		return s
	case <-time.After(relaytest.Wait):
		t.Fatalf("nothing posted to %s within %v", user, relaytest.Wait)
		return relaytest.Shown{}
	}
}

func (p *slPlatform) Stop(*testing.T) { p.stop() }
