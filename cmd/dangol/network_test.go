package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/feedback/charttest"
)

// retryGate is Main.RetryAfter for tests: each wait a platform asks for is
// handed to the test, which lets the next try go when it chooses.
type retryGate chan chan time.Time

func (g retryGate) after(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	g <- c
	return c
}

// next returns the wait of the next failed try; it fails the test if
// serve ends (done) first.
func (g retryGate) next(t *testing.T, what string, done <-chan error) chan time.Time {
	t.Helper()
	select {
	case c := <-g:
		return c
	case err := <-done:
		t.Fatalf("serve ended instead of retrying %s: %v", what, err)
		return nil
	case <-time.After(waitTimeout):
		t.Fatalf("no retry of %s within %s", what, waitTimeout)
		return nil
	}
}

// refusingAddr returns a loopback address where nothing listens (yet).
func refusingAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serveAt serves h on addr, from now on.
func serveAt(t *testing.T, addr string, h http.Handler) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("bring the fake up on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
}

// switchable answers 502, as a proxy in front of a platform that is down,
// until up is set, then passes every request to h.
func switchable(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Bool) {
	up := &atomic.Bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, up
}

// slackSigned posts a slash command to the shared server, signed as Slack
// signs it.
func slackSigned(t *testing.T, base, secret, command, responseURL string) int {
	t.Helper()
	body := url.Values{
		"command": {command}, "text": {""}, "user_id": {"U1"}, "channel_id": {"C1"},
		"trigger_id": {"T" + strconv.FormatInt(time.Now().UnixNano(), 10)}, "response_url": {responseURL},
	}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// telegramUpdate posts a /help update to the shared server's webhook.
func telegramUpdate(t *testing.T, base string, id int) int {
	t.Helper()
	u := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1700000000,"from":{"id":42,"is_bot":false,"first_name":"하늘"},"chat":{"id":42,"type":"private"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`, id, id)
	req, _ := http.NewRequest(http.MethodPost, base+"/tg/hook", strings.NewReader(u))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "tg-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServe_PlatformDownAtStart starts dangol with one platform's API down
// (Telegram's address refusing connections, or Slack behind a proxy
// answering 502): dangol must keep running, serve the other platform all
// along, and serve the first once its API comes up, with no wait but the
// one the test releases.
func TestServe_PlatformDownAtStart(t *testing.T) {
	for _, down := range []string{"telegram", "slack"} {
		t.Run(strings.ToUpper(down[:1])+down[1:]+"Down", func(t *testing.T) {
			tg := newFakeTelegram(t)
			sl, slackCalls := newFakeSlack(t)
			tgURL, slURL := tg.URL(), sl.APIURL()
			var bringUp func()
			switch down {
			case "telegram":
				addr := refusingAddr(t)
				tgURL = "http://" + addr
				bringUp = func() { serveAt(t, addr, tg.Handler()) }
			case "slack":
				proxy, up := switchable(t, sl.Handler())
				slURL = proxy.URL + "/api/"
				bringUp = func() { up.Store(true) }
			}
			env := map[string]string{
				"DANGOL_DB":                      t.TempDir() + "/shop.db",
				"DANGOL_TELEGRAM_TOKEN":          tgToken,
				"DANGOL_TELEGRAM_API_URL":        tgURL,
				"DANGOL_TELEGRAM_WEBHOOK_URL":    "https://shop.example/tg/hook",
				"DANGOL_TELEGRAM_WEBHOOK_SECRET": "tg-secret",
				"DANGOL_SLACK_BOT_TOKEN":         "xoxb-test",
				"DANGOL_SLACK_SIGNING_SECRET":    "secret",
				"DANGOL_SLACK_API_URL":           slURL,
				"DANGOL_HTTP_ADDR":               "127.0.0.1:0",
			}
			gate := make(retryGate, 16)
			stderr := &retrytest.Log{}
			m := &Main{
				Catalog: testCatalog, Chart: charttest.Stub,
				Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: stderr,
				Getenv:     func(k string) string { return env[k] },
				RetryAfter: gate.after,
			}
			srv := startServing(t, m, nil)
			base, done := srv.base, srv.done

			// The platform that is down has failed a try and waits.
			wait := gate.next(t, down, done)
			// The other one serves meanwhile.
			switch down {
			case "telegram":
				if code := slackSigned(t, base, "secret", "/help", sl.ResponseURL("1")); code != http.StatusOK {
					t.Fatalf("slash command while Telegram is down: %d", code)
				}
				waitCall(t, slackCalls, "response/1", func(map[string]string) bool { return true })
			case "slack":
				waitCall(t, tg.calls, "setWebhook", func(map[string]string) bool { return true })
				if code := telegramUpdate(t, base, 7); code != http.StatusOK {
					t.Fatalf("Telegram update while Slack is down: %d", code)
				}
				waitCall(t, tg.calls, "sendMessage", func(f map[string]string) bool { return f["chat_id"] == "42" })
			}
			select {
			case err := <-done:
				t.Fatalf("serve ended while %s was down: %v\n%s", down, err, stderr)
			default:
			}

			// Up it comes, and the next try gets through.
			bringUp()
			wait <- time.Now()
			switch down {
			case "telegram":
				waitCall(t, tg.calls, "setWebhook", func(map[string]string) bool { return true })
				if code := telegramUpdate(t, base, 8); code != http.StatusOK {
					t.Fatalf("Telegram update once it is up: %d", code)
				}
				waitCall(t, tg.calls, "sendMessage", func(f map[string]string) bool { return f["chat_id"] == "42" })
			case "slack":
				waitCall(t, slackCalls, "auth.test", func(map[string]string) bool { return true })
				if code := slackSigned(t, base, "secret", "/help", sl.ResponseURL("2")); code != http.StatusOK {
					t.Fatalf("slash command once Slack is up: %d", code)
				}
				waitCall(t, slackCalls, "response/2", func(map[string]string) bool { return true })
			}
			if n := strings.Count(stderr.String(), down+": API unreachable, retrying"); n != 1 {
				t.Errorf("%d 'API unreachable' lines for %s, want 1:\n%s", n, down, stderr)
			}

			srv.stop()
			m.Close()
		})
	}
}

// rejectingAPI answers every request as a platform refusing the token, and
// counts them.
func rejectingAPI(t *testing.T, platform string) (*httptest.Server, *atomic.Int64) {
	n := &atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case platform == "telegram":
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		case platform == "slack-app" && strings.HasSuffix(r.URL.Path, "/auth.test"):
			fmt.Fprint(w, `{"ok":true,"user_id":"UBOT","team":"shop"}`)
		default:
			fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, n
}

// TestServe_TokenRejected: a token the platform refuses stops dangol with
// an error main exits 1 on (not a usage error), worded once, naming the
// variable and where a new token comes from.
func TestServe_TokenRejected(t *testing.T) {
	tests := []struct {
		name     string
		platform string
		lang     string
		env      func(api string) map[string]string
		want     string // message id
		variable string
		shared   bool // beside a Telegram webhook on one HTTP server, where Slack's Run does not run
	}{
		{"Telegram401", "telegram", "ko", func(api string) map[string]string {
			return map[string]string{"DANGOL_TELEGRAM_TOKEN": tgToken, "DANGOL_TELEGRAM_API_URL": api}
		}, "network.rejected.telegram", "DANGOL_TELEGRAM_TOKEN", false},
		{"Telegram401English", "telegram", "en", func(api string) map[string]string {
			return map[string]string{"DANGOL_TELEGRAM_TOKEN": tgToken, "DANGOL_TELEGRAM_API_URL": api}
		}, "network.rejected.telegram", "DANGOL_TELEGRAM_TOKEN", false},
		{"SlackBotInvalidAuth", "slack", "ko", func(api string) map[string]string {
			return map[string]string{"DANGOL_SLACK_BOT_TOKEN": "xoxb-revoked", "DANGOL_SLACK_SIGNING_SECRET": "secret", "DANGOL_SLACK_API_URL": api + "/", "DANGOL_HTTP_ADDR": "127.0.0.1:0"}
		}, "network.rejected.slack_bot", "DANGOL_SLACK_BOT_TOKEN", false},
		{"SlackAppInvalidAuth", "slack-app", "en", func(api string) map[string]string {
			return map[string]string{"DANGOL_SLACK_BOT_TOKEN": "xoxb-ok", "DANGOL_SLACK_APP_TOKEN": "xapp-revoked", "DANGOL_SLACK_API_URL": api + "/"}
		}, "network.rejected.slack_app", "DANGOL_SLACK_APP_TOKEN", false},
		{"SlackBotInvalidAuthShared", "slack", "ko", func(api string) map[string]string {
			return map[string]string{"DANGOL_SLACK_BOT_TOKEN": "xoxb-revoked", "DANGOL_SLACK_SIGNING_SECRET": "secret", "DANGOL_SLACK_API_URL": api + "/", "DANGOL_HTTP_ADDR": "127.0.0.1:0"}
		}, "network.rejected.slack_bot", "DANGOL_SLACK_BOT_TOKEN", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, calls := rejectingAPI(t, tt.platform)
			env := tt.env(api.URL)
			env["DANGOL_DB"] = t.TempDir() + "/shop.db"
			env["DANGOL_LANG"] = tt.lang
			if tt.shared {
				tg := newFakeTelegram(t)
				env["DANGOL_TELEGRAM_TOKEN"], env["DANGOL_TELEGRAM_API_URL"] = tgToken, tg.URL()
				env["DANGOL_TELEGRAM_WEBHOOK_URL"] = "https://shop.example/tg/hook"
			}
			gate := make(retryGate, 16)
			m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }, RetryAfter: gate.after}
			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			err := m.Run(ctx, []string{"serve"})
			m.Close()
			if err == nil || ctx.Err() != nil {
				t.Fatalf("serve = %v (context: %v), want it to stop by itself on the rejected token", err, ctx.Err())
			}
			if isUsage(err) {
				t.Errorf("a rejected token is a usage error (exit 2): %v", err)
			}
			if want := testCatalog.Text(tt.lang, tt.want, nil); err.Error() != want {
				t.Errorf("error = %q, want exactly %q", err, want)
			}
			if !strings.Contains(err.Error(), tt.variable) {
				t.Errorf("error %q does not name %s", err, tt.variable)
			}
			if len(gate) != 0 {
				t.Errorf("a rejected token was tried again %d times", len(gate))
			}
			if calls.Load() == 0 {
				t.Error("the fake was never asked")
			}
		})
	}
}

// TestServe_SlackTokensCheckedFirst: swapped or mistyped Slack tokens are
// a usage error (exit 2) naming both variables, and no request is made.
func TestServe_SlackTokensCheckedFirst(t *testing.T) {
	tests := []struct {
		name     string
		bot, app string
		want     string
		prefix   string
	}{
		{"ErrSwapped", "xapp-1-A1-123-abc", "xoxb-123-456-abc", "network.err.slack_swapped", ""},
		{"ErrAppTokenAsBot", "xapp-1-A1-123-abc", "xapp-1-A1-123-abc", "network.err.slack_bot_prefix", "xapp-"},
		{"ErrBotTokenAsApp", "xoxb-123-456-abc", "xoxb-123-456-abc", "network.err.slack_app_prefix", "xoxb-"},
		{"ErrUserToken", "xoxp-123-456-abc", "xapp-1-A1-123-abc", "network.err.slack_bot_prefix", "xoxp-"},
		{"ErrNotAToken", "8f14e45fceea167a", "xapp-1-A1-123-abc", "network.err.slack_bot_prefix", "8f14e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, calls := rejectingAPI(t, "slack")
			env := map[string]string{
				"DANGOL_DB":              t.TempDir() + "/shop.db",
				"DANGOL_SLACK_BOT_TOKEN": tt.bot,
				"DANGOL_SLACK_APP_TOKEN": tt.app,
				"DANGOL_SLACK_API_URL":   api.URL + "/",
			}
			r := runMain(t, env, "", "serve")
			if !isUsage(r.err) {
				t.Fatalf("err = %v, want a usage error", r.err)
			}
			want := testCatalog.Text("ko", tt.want, map[string]any{"Prefix": tt.prefix})
			if r.err.Error() != want {
				t.Errorf("err = %q, want %q", r.err, want)
			}
			for _, v := range []string{"DANGOL_SLACK_BOT_TOKEN", "DANGOL_SLACK_APP_TOKEN"} {
				if !strings.Contains(r.err.Error(), v) {
					t.Errorf("err %q does not name %s", r.err, v)
				}
			}
			if n := calls.Load(); n != 0 {
				t.Errorf("the fake Slack saw %d requests, want none", n)
			}
		})
	}
}

func TestSlackTokenUsage(t *testing.T) {
	tests := []struct {
		name, bot, app, want string
	}{
		{"OK", "xoxb-1-2-abc", "xapp-1-A-2-abc", ""},
		{"OKRotated", "xoxe.xoxb-1-abc", "xapp-1-A-2-abc", ""},
		{"OKHTTPMode", "xoxb-1-2-abc", "", ""},
		{"OKNoSlack", "", "", ""},
		{"ErrSwapped", "xapp-1", "xoxb-1", "network.err.slack_swapped"},
		{"ErrSwappedRotated", "xapp-1", "xoxe.xoxb-1", "network.err.slack_swapped"},
		{"ErrAppAsBotAlone", "xapp-1-A-2-abc", "", "network.err.slack_bot_prefix"},
		{"ErrAppPrefix", "xoxb-1", "xoxp-1", "network.err.slack_app_prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := slackTokenUsage(tt.bot, tt.app); got != tt.want {
				t.Errorf("slackTokenUsage(%q, %q) = %q, want %q", tt.bot, tt.app, got, tt.want)
			}
		})
	}
	if got := tokenPrefix("abc"); got != "a" {
		t.Errorf("tokenPrefix(abc) = %q: shows more than half a short value", got)
	}
}
