package slack

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/bots/lru"
	"github.com/dangol/dangol/bots/webhook"
	"github.com/dangol/dangol/bots/webhook/webhooktest"
)

// TestRefusedBeforeBody sends requests that cannot be Slack's: each is
// refused without a byte of its body read.
func TestRefusedBeforeBody(t *testing.T) {
	body := url0("/customer", "U1")
	ts := strconv.FormatInt(testNow.Unix(), 10)
	good := sign(testSecret, testNow.Unix(), []byte(body))
	tests := []struct {
		name   string
		hdr    http.Header
		length int64 // Content-Length; 0: the body's
		want   int
	}{
		{"ErrNoHeaders", http.Header{}, 0, http.StatusUnauthorized},
		{"ErrNoSignature", http.Header{"X-Slack-Request-Timestamp": {ts}}, 0, http.StatusUnauthorized},
		{"ErrNoTimestamp", http.Header{"X-Slack-Signature": {good}}, 0, http.StatusUnauthorized},
		{"ErrBadTimestamp", http.Header{"X-Slack-Request-Timestamp": {"soon"}, "X-Slack-Signature": {good}}, 0, http.StatusUnauthorized},
		{"ErrStale", signed(testNow.Add(-6*time.Minute).Unix(), good), 0, http.StatusUnauthorized},
		{"ErrFuture", signed(testNow.Add(6*time.Minute).Unix(), good), 0, http.StatusUnauthorized},
		{"ErrTooLarge", signed(testNow.Unix(), good), 2 << 20, http.StatusRequestEntityTooLarge},
	}
	e := newEnv(t, script)
	h := e.bot.HTTPHandler()
	for _, tt := range tests {
		for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactivity"} {
			t.Run(tt.name+path, func(t *testing.T) {
				b := webhooktest.NewBody(body)
				r := httptest.NewRequest(http.MethodPost, path, b)
				r.Header = tt.hdr.Clone()
				r.Header.Set("Content-Type", formType)
				if tt.length != 0 {
					r.ContentLength = tt.length
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != tt.want {
					t.Errorf("answered %d, want %d", w.Code, tt.want)
				}
				if n := b.BytesRead(); n != 0 {
					t.Errorf("read %d bytes of the body before refusing it", n)
				}
			})
		}
	}
	t.Run("OK/SignedIsRead", func(t *testing.T) {
		// The recording body works: a signed request is read and handled.
		b := webhooktest.NewBody(body)
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", b)
		r.Header = signed(testNow.Unix(), good)
		r.Header.Set("Content-Type", formType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || b.BytesRead() != int64(len(body)) {
			t.Errorf("answered %d having read %d of %d bytes", w.Code, b.BytesRead(), len(body))
		}
		e.h.next(t)
	})
	e.close()
	e.h.none(t)
}

// TestHTTPModeSlowClient runs HTTP mode's own server with a short read
// timeout: a body trickled slower than that, behind headers that pass, is
// cut off, and a signed command meanwhile is answered.
func TestHTTPModeSlowClient(t *testing.T) {
	e := newEnv(t, script)
	e.bot.limits = webhook.Limits{ReadTimeout: 200 * time.Millisecond, WriteTimeout: 5 * time.Second, IdleTimeout: time.Second, MaxConns: 4}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.bot.serveHTTP(ctx, ln) }()
	addr := ln.Addr().String()

	slow := make(chan string, 1)
	go func() {
		hdr := signed(testNow.Unix(), sign(testSecret, testNow.Unix(), []byte("whatever")))
		hdr.Set("Content-Type", formType)
		status, err := webhooktest.Trickle(addr, "/slack/commands", hdr, 10*time.Millisecond)
		if err != nil {
			status = err.Error()
		}
		slow <- status
	}()
	body := e.commandForm("U1", "C1", "/customer", "김민지", "T-fast").Encode()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
	req.Header = signed(testNow.Unix(), sign(testSecret, testNow.Unix(), []byte(body)))
	req.Header.Set("Content-Type", formType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a signed command beside the slow client answered %d", resp.StatusCode)
	}
	if m := e.h.next(t); m.EventID != "slack:cmd:T-fast" {
		t.Errorf("engine got %+v", m)
	}
	if status := <-slow; status != "" && !strings.Contains(status, " 400 ") {
		t.Errorf("the trickled request got %q, want a 400 or a closed connection", status)
	}
	e.fake.Next(t, "response_url")
	cancel()
	if err := <-served; err != nil {
		t.Errorf("serveHTTP: %v", err)
	}
	e.h.none(t)
}

func TestHTTPLimits(t *testing.T) {
	e := newEnv(t, script)
	// Slack wants an answer in 3 s: the server may take longer to write
	// one, never less than the wait for a modal's answer.
	if l := e.bot.limits; l.ReadTimeout <= 0 || l.WriteTimeout < 3*time.Second || l.IdleTimeout <= 0 || l.MaxConns <= 0 {
		t.Errorf("HTTP mode limits %+v", l)
	}
}

// TestCommandEventID pins the event id of slash commands: one per
// invocation, even without a trigger_id.
func TestCommandEventID(t *testing.T) {
	base := slack.SlashCommand{TeamID: "T1", ChannelID: "C1", UserID: "U1", Command: "/points", Text: "C12"}
	with := func(f func(*slack.SlashCommand)) slack.SlashCommand {
		c := base
		f(&c)
		return c
	}
	urlA, urlB := "https://hooks.slack.com/commands/T1/1/a", "https://hooks.slack.com/commands/T1/2/b"
	tests := []struct {
		name  string
		a, b  slack.SlashCommand
		equal bool
	}{
		{"TriggerIDs", with(func(c *slack.SlashCommand) { c.TriggerID = "t1" }), with(func(c *slack.SlashCommand) { c.TriggerID = "t2" }), false},
		{"SameTriggerID", with(func(c *slack.SlashCommand) { c.TriggerID = "t1"; c.ResponseURL = urlA }), with(func(c *slack.SlashCommand) { c.TriggerID = "t1"; c.ResponseURL = urlB }), true},
		{"ResponseURLs", with(func(c *slack.SlashCommand) { c.ResponseURL = urlA }), with(func(c *slack.SlashCommand) { c.ResponseURL = urlB }), false},
		{"SameResponseURL", with(func(c *slack.SlashCommand) { c.ResponseURL = urlA }), with(func(c *slack.SlashCommand) { c.ResponseURL = urlA }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := commandEventID(tt.a), commandEventID(tt.b)
			if a == "" || b == "" || (a == b) != tt.equal {
				t.Errorf("ids %q and %q; want equal: %v", a, b, tt.equal)
			}
			if strings.Contains(a, "hooks.slack.com") {
				t.Errorf("id %q holds the response_url, a credential", a)
			}
		})
	}
	if id := commandEventID(base); id != "" {
		t.Errorf("a command with neither trigger_id nor response_url has id %q; the same text twice is two commands", id)
	}
}

// TestCommandWithoutTriggerOnce posts slash commands without trigger_id: a
// replayed request reaches the engine once, two invocations twice.
func TestCommandWithoutTriggerOnce(t *testing.T) {
	form := func(text, responseURL string) []byte {
		v := url.Values{"team_id": {"T1"}, "channel_id": {"C1"}, "user_id": {"U1"}, "command": {"/customer"}, "text": {text}}
		if responseURL != "" {
			v.Set("response_url", responseURL)
		}
		return []byte(v.Encode())
	}
	tests := []struct {
		name      string
		bodies    [][]byte
		stamps    []time.Duration // when each is signed, after testNow
		wantTimes int
	}{
		{"ReplayOnce", [][]byte{form("김민지", ""), form("김민지", "")}, []time.Duration{0, 0}, 1},
		{"SameTextLaterTwice", [][]byte{form("김민지", ""), form("김민지", "")}, []time.Duration{0, time.Second}, 2},
		{"ResponseURLReplayOnce", [][]byte{form("김민지", "https://x/r1"), form("김민지", "https://x/r1")}, []time.Duration{0, time.Second}, 1},
		{"ResponseURLsTwice", [][]byte{form("김민지", "https://x/r1"), form("김민지", "https://x/r2")}, []time.Duration{0, 0}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, script)
			for i, body := range tt.bodies {
				ts := testNow.Add(tt.stamps[i]).Unix()
				if resp := e.post("/slack/commands", formType, body, signed(ts, sign(testSecret, ts, body))); resp.status != http.StatusOK {
					t.Fatalf("command %d answered %d", i, resp.status)
				}
			}
			for range tt.wantTimes {
				if m := e.h.next(t); m.EventID == "" {
					t.Errorf("engine got a command without an event id: %+v", m)
				}
			}
			e.close()
			e.h.none(t)
		})
	}
}

// TestDMChannelsBounded remembers DM channels for two users at most: the
// least recently used is forgotten and asked for again.
func TestDMChannelsBounded(t *testing.T) {
	e := newEnv(t, script)
	e.bot.dms = lru.New[string, string](2)
	steps := []struct {
		user   string
		opened bool // conversations.open called
	}{
		{"U1", true}, {"U2", true}, {"U1", false}, {"U3", true}, // U2 was used least recently
		{"U1", false}, {"U2", true}, {"U3", true},
	}
	for i, s := range steps {
		if _, err := e.bot.dmChannel(t.Context(), s.user); err != nil {
			t.Fatal(err)
		}
		if s.opened {
			if c := e.fake.Next(t, "conversations.open"); c.Form.Get("users") != s.user {
				t.Errorf("step %d: opened a DM with %q, want %s", i, c.Form.Get("users"), s.user)
			}
		} else {
			e.fake.None(t)
		}
		if n := e.bot.dms.Len(); n > 2 {
			t.Fatalf("step %d: %d DM channels remembered, cap 2", i, n)
		}
	}
	e.close()
	e.fake.None(t)
}

// TestHTTPModeBodyWait trickles a body behind headers that pass, on a
// server whose read timeout is far longer than Slack's 3 s: the body's own
// wait (bodyWait) cuts it off, well within webhooktest.HeldTooLong, so a
// forged signature holds a connection no longer than that.
func TestHTTPModeBodyWait(t *testing.T) {
	e := newEnv(t, script)
	e.bot.limits = webhook.Limits{ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: time.Minute, MaxConns: 4}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.bot.serveHTTP(ctx, ln) }()
	hdr := signed(testNow.Unix(), sign(testSecret, testNow.Unix(), []byte("whatever")))
	hdr.Set("Content-Type", formType)
	status, err := webhooktest.Trickle(ln.Addr().String(), "/slack/commands", hdr, 10*time.Millisecond)
	if err != nil {
		t.Error(err)
	} else if status != "" && !strings.Contains(status, " 400 ") {
		t.Errorf("the trickled request got %q, want a 400 or a closed connection", status)
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("serveHTTP: %v", err)
	}
	e.h.none(t)
}
