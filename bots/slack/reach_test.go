package slack

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

// TestRun_SlackDownAtStart: auth.test meets a dropped connection, a 502
// page and another drop; Run must keep trying with the back-off, log it
// once, then connect Socket Mode and serve.
func TestRun_SlackDownAtStart(t *testing.T) {
	fake := newFakeSlack(t)
	fake.Script("auth.test", answer{Status: 0}, answer{Status: 502}, answer{Status: 0})
	waits := make(chan time.Duration, 100)
	logs := &retrytest.Log{}
	s := newSocketEnvOn(t, fake, script, func(c *Config) {
		c.Reconnect = retrytest.Instant(waits)
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	s.envelope("E1", "events_api", dmEvent("EvD1", "U1", "D1", "안녕하세요", nil), 0)
	if m := s.h.next(t); m.Text != "안녕하세요" {
		t.Errorf("engine got %q", m.Text)
	}
	s.fake.Next(t, "chat.postMessage")
	close(waits)
	var got []time.Duration
	for d := range waits {
		got = append(got, d)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("waits %v, want %v", got, want)
	}
	out := logs.String()
	if n := strings.Count(out, "slack: API unreachable, retrying"); n != 1 {
		t.Errorf("%d unreachable lines for 3 failures within a minute, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "failed_tries=3") {
		t.Errorf("no line saying Slack answers again after 3 tries:\n%s", out)
	}
	if !s.bot.Reached().Equal(testNow) {
		t.Errorf("Reached = %v, want %v", s.bot.Reached(), testNow)
	}
}

// TestRun_SlackTokenRejected: whenever Slack refuses a token Run returns
// by itself with the error naming which token, at start or while serving.
func TestRun_SlackTokenRejected(t *testing.T) {
	tests := []struct {
		name   string
		http   bool // HTTP mode, else Socket Mode
		method string
		script []answer
		want   error
	}{
		{"SocketInvalidAuth", false, "auth.test", []answer{{Status: 200, Code: "invalid_auth"}}, ErrBotTokenRejected},
		{"SocketTokenRevoked", false, "auth.test", []answer{{Status: 200, Code: "token_revoked"}}, ErrBotTokenRejected},
		{"SocketAccountInactive", false, "auth.test", []answer{{Status: 200, Code: "account_inactive"}}, ErrBotTokenRejected},
		{"SocketAppNotAuthed", false, "apps.connections.open", []answer{{Status: 200, Code: "not_authed"}}, ErrAppTokenRejected},
		{"SocketAppInvalidAuth", false, "apps.connections.open", []answer{{Status: 200, Code: "invalid_auth"}}, ErrAppTokenRejected},
		{"HTTPInvalidAuth", true, "auth.test", []answer{{Status: 200, Code: "invalid_auth"}}, ErrBotTokenRejected},
		{"HTTPDownThenRejected", true, "auth.test", []answer{{Status: 0, Code: ""}, {Status: 502, Code: ""}, {Status: 200, Code: "invalid_auth"}}, ErrBotTokenRejected},
		// The keep-alive's auth.test, once nothing was heard for KeepAlive.
		{"HTTPRevokedWhileServing", true, "auth.test", []answer{{Status: 200, Code: ""}, {Status: 200, Code: "token_revoked"}}, ErrBotTokenRejected},
		{"SocketRevokedWhileServing", false, "auth.test", []answer{{Status: 200, Code: ""}, {Status: 200, Code: "token_revoked"}}, ErrBotTokenRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeSlack(t)
			fake.Script(tt.method, tt.script...)
			clock := testNow
			var mu sync.Mutex
			cfg := Config{
				BotToken: testBotToken, AppToken: testAppToken, APIURL: fake.APIURL(),
				Handler: &scriptHandler{msgs: make(chan dialog.Message, 8)}, Catalog: locales.MustLoad(), Logger: quietLogger(t),
				Reconnect: retrytest.Instant(make(chan time.Duration, 100)),
				KeepAlive: time.Millisecond,
				// Each reading is a second on: the keep-alive always finds
				// Slack silent for longer than KeepAlive.
				Now: func() time.Time { mu.Lock(); defer mu.Unlock(); clock = clock.Add(time.Second); return clock },
			}
			if tt.http {
				cfg.AppToken, cfg.SigningSecret, cfg.HTTPAddr = "", testSecret, "127.0.0.1:0"
			}
			b, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = b.Run(ctx)
			if !errors.Is(err, tt.want) || ctx.Err() != nil {
				t.Fatalf("Run = %v, want %v before the timeout", err, tt.want)
			}
			other := ErrAppTokenRejected
			if tt.want == ErrAppTokenRejected {
				other = ErrBotTokenRejected
			}
			if errors.Is(err, other) {
				t.Errorf("Run = %v: blames both tokens", err)
			}
			if b.Reached().IsZero() {
				t.Error("Reached is zero though Slack answered")
			}
		})
	}
}

func TestReached_ZeroBeforeAnyAnswer(t *testing.T) {
	b, err := New(Config{BotToken: testBotToken, SigningSecret: testSecret, APIURL: "http://127.0.0.1:1/api/", Handler: &scriptHandler{}, Logger: quietLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Reached().IsZero() {
		t.Errorf("Reached = %v before any request, want the zero time", b.Reached())
	}
}
