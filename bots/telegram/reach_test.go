package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/retry/retrytest"
)

// takeWaits returns the waits sent so far.
func takeWaits(waits chan time.Duration) []time.Duration {
	var out []time.Duration
	for {
		select {
		case d := <-waits:
			out = append(out, d)
		default:
			return out
		}
	}
}

func sameDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRun_TelegramDownAtStart: getMe fails as a network error, a proxy's
// 502 and a network error again; Run must keep trying with the back-off,
// log it once, then serve as usual.
func TestRun_TelegramDownAtStart(t *testing.T) {
	h := newScript(echo)
	f := newFakeAPI(t)
	f.failNext("getMe", failure{status: 0}, failure{status: 502, body: "<html>502 Bad Gateway</html>"}, failure{status: 0})
	logs := &syncBuffer{}
	cfg := testConfig(f, h, logs)
	waits := make(chan time.Duration, 100)
	cfg.Reconnect = retrytest.Instant(waits)
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Reached().IsZero() {
		t.Errorf("Reached before any request = %v, want the zero time", b.Reached())
	}
	runBot(t, b)
	for _, m := range []string{"getMe", "getMe", "getMe", "getMe", "setMyCommands", "setMyCommands", "deleteWebhook"} {
		f.expect(t, m)
	}
	f.push(text(1, minji, "안녕하세요"))
	if m := h.next(t); m.Text != "안녕하세요" {
		t.Errorf("engine got %q", m.Text)
	}
	if c := f.expect(t, "sendMessage"); c.Fields["text"] != "got: 안녕하세요" {
		t.Errorf("reply %v", c.Fields)
	}
	if got, want := takeWaits(waits), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !sameDurations(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	out := logs.String()
	if n := strings.Count(out, "telegram: API unreachable, retrying"); n != 1 {
		t.Errorf("%d unreachable lines for 3 failures within a minute, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "API reachable again") || !strings.Contains(out, "failed_tries=3") {
		t.Errorf("no line saying Telegram answers again after 3 tries:\n%s", out)
	}
	if b.Reached().IsZero() {
		t.Error("Reached is still zero after Telegram answered")
	}
}

// TestRun_TelegramDownWhilePolling: getUpdates fails (a dropped connection,
// then a 503) after start; polling must go on after the back-off and
// deliver the update, without a warning per failed poll.
func TestRun_TelegramDownWhilePolling(t *testing.T) {
	h := newScript(echo)
	waits := make(chan time.Duration, 100)
	hs := startBot(t, h, func(c *Config) { c.Reconnect = retrytest.Instant(waits) })
	// The first getUpdates is already on its way; the next ones fail.
	hs.f.failNext("getUpdates", failure{status: 0}, failure{status: 503, body: `{"ok":false,"error_code":503,"description":"Service Unavailable"}`})
	hs.f.push(text(1, minji, "첫 번째"))
	h.next(t)
	hs.f.expect(t, "sendMessage")
	hs.f.push(text(2, minji, "두 번째"))
	if m := h.next(t); m.Text != "두 번째" {
		t.Errorf("engine got %q after the outage", m.Text)
	}
	hs.f.expect(t, "sendMessage")
	if got, want := takeWaits(waits), []time.Duration{time.Second, 2 * time.Second}; !sameDurations(got, want) {
		t.Errorf("waits between polls %v, want %v", got, want)
	}
	out := hs.logs.String()
	if strings.Contains(out, `level=WARN msg="telegram: polling"`) {
		t.Errorf("a failed poll was logged by the library's handler too:\n%s", out)
	}
	if n := strings.Count(out, "telegram: API unreachable, retrying"); n != 1 {
		t.Errorf("%d unreachable lines, want 1:\n%s", n, out)
	}
}

// TestRun_TokenRejected: whenever Telegram refuses the token Run returns
// ErrTokenRejected by itself, at start or while serving.
func TestRun_TokenRejected(t *testing.T) {
	unauthorized := failure{status: 401, body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`}
	tests := []struct {
		name   string
		method string
		fail   failure
		mod    func(*Config)
	}{
		{"GetMe401", "getMe", unauthorized, nil},
		{"GetMe404", "getMe", failure{status: 404, body: `{"ok":false,"error_code":404,"description":"Not Found"}`}, nil},
		{"DeleteWebhook401", "deleteWebhook", unauthorized, nil},
		{"GetUpdates401", "getUpdates", unauthorized, nil},
		{"SetWebhook401", "setWebhook", unauthorized, func(c *Config) { c.WebhookURL = "https://shop.example/hook" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.failNext(tt.method, tt.fail)
			cfg := testConfig(f, newScript(nil), &syncBuffer{})
			cfg.Reconnect = retrytest.Instant(make(chan time.Duration, 100))
			at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			cfg.Now = func() time.Time { return at }
			if tt.mod != nil {
				tt.mod(&cfg)
			}
			b, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			err = b.Run(ctx)
			if !errors.Is(err, ErrTokenRejected) || ctx.Err() != nil {
				t.Fatalf("Run = %v, want ErrTokenRejected before the timeout", err)
			}
			if !b.Reached().Equal(at) {
				t.Errorf("Reached = %v, want %v: an error answer is an answer", b.Reached(), at)
			}
		})
	}
}

// TestRun_KeepAlive: in webhook mode dangol may not call Telegram for
// hours; getMe keeps Reached fresh, and a token revoked meanwhile ends Run.
func TestRun_KeepAlive(t *testing.T) {
	f := newFakeAPI(t)
	cfg := testConfig(f, newScript(nil), &syncBuffer{})
	cfg.WebhookURL = "https://shop.example/hook" // served by someone else: no listener
	cfg.KeepAlive = time.Millisecond
	cfg.Reconnect = retrytest.Instant(make(chan time.Duration, 100))
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	// The keep-alive may ask getMe between the start-up calls already.
	for c := f.next(t); c.Method != "setWebhook"; c = f.next(t) {
	}
	f.failNext("getMe", failure{status: 401, body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`})
	for c := f.next(t); c.Method != "getMe"; c = f.next(t) {
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrTokenRejected) {
			t.Errorf("Run = %v, want ErrTokenRejected", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not end after the keep-alive's getMe was refused")
	}
}
