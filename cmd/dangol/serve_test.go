package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/bots/slack/slackfake"
	"github.com/dangol/dangol/bots/telegram"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

// call is one request a fake platform API received.
type call struct {
	method string
	fields map[string]string
}

// fakeTelegram is the shared fake Bot API (telegramfake), the updates
// given pushed at start, every call but getUpdates on calls.
type fakeTelegram struct {
	*telegramfake.Server
	calls chan call
}

const tgToken = "123456:TEST"

func newFakeTelegram(t *testing.T, updates ...string) *fakeTelegram {
	f := &fakeTelegram{calls: make(chan call, 100)}
	f.Server = telegramfake.New(telegramfake.Options{Token: tgToken, Username: "dangol_bot",
		OnCall: func(c telegramfake.Call) { f.calls <- call{c.Method, c.Fields} }})
	t.Cleanup(f.Close)
	for _, u := range updates {
		if _, err := f.Push(telegramfake.Raw(json.RawMessage(u))); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// newFakeSlack is the shared fake Slack (slackfake), every call on calls:
// a response_url's as "response/<id>", an upload's as "upload/F1" with the
// file's bytes in the field "file". conversations.open opens "D"+user.
func newFakeSlack(t *testing.T) (*slackfake.Server, chan call) {
	calls := make(chan call, 100)
	srv := slackfake.New(t, slackfake.Options{AuthTests: true, OnCall: func(c slackfake.Call) {
		fields := map[string]string{}
		for k, v := range c.Form {
			fields[k] = v[0]
		}
		method := c.Method
		switch method {
		case "response_url":
			method = "response/" + c.Form.Get("id")
		case "upload":
			method, fields = "upload/F1", map[string]string{"file": string(c.Body)}
		}
		calls <- call{method, fields}
	}})
	return srv, calls
}

// waitCall returns the first call of method whose fields satisfy ok.
func waitCall(t *testing.T, calls chan call, method string, ok func(map[string]string) bool) call {
	t.Helper()
	timeout := time.After(waitTimeout)
	for {
		select {
		case c := <-calls:
			if c.method == method && ok(c.fields) {
				return c
			}
		case <-timeout:
			t.Fatalf("no %s call within %s", method, waitTimeout)
		}
	}
}

// TestServe_RoutesBetweenPlatforms serves Telegram and Slack at once
// against fakes: a Telegram customer's low rating must reach the Slack
// staff channel, the customer must be answered in Telegram, and after
// shutdown the ledger must hold the Telegram cursor so a restart resumes.
func TestServe_RoutesBetweenPlatforms(t *testing.T) {
	from := `"from":{"id":42,"is_bot":false,"first_name":"하늘","language_code":"ko"}`
	chat := `"chat":{"id":42,"type":"private"}`
	msg := `"message_id":%d,"date":1700000000,` + from + `,` + chat
	tg := newFakeTelegram(t,
		fmt.Sprintf(`{"update_id":1,"message":{`+msg+`,"text":"/feedback","entities":[{"type":"bot_command","offset":0,"length":9}]}}`, 1),
		`{"update_id":2,"callback_query":{"id":"cb1",`+from+`,"message":{"message_id":500,"date":1700000000,`+chat+`},"chat_instance":"x","data":"rate:2"}}`,
		`{"update_id":3,"callback_query":{"id":"cb2",`+from+`,"message":{"message_id":500,"date":1700000000,`+chat+`},"chat_instance":"x","data":"skip"}}`,
		fmt.Sprintf(`{"update_id":4,"message":{`+msg+`,"text":"너무 오래 기다렸어요"}}`, 2),
	)
	sl, slackCalls := newFakeSlack(t)
	db := t.TempDir() + "/shop.db"
	env := map[string]string{
		"DANGOL_DB":                   db,
		"DANGOL_TELEGRAM_TOKEN":       tgToken,
		"DANGOL_TELEGRAM_API_URL":     tg.URL(),
		"DANGOL_SLACK_BOT_TOKEN":      "xoxb-test",
		"DANGOL_SLACK_SIGNING_SECRET": "secret",
		"DANGOL_SLACK_API_URL":        sl.APIURL(),
		"DANGOL_SLACK_STAFF_CHANNEL":  "CSTAFF",
		"DANGOL_HTTP_ADDR":            "127.0.0.1:0",
	}
	var stderr bytes.Buffer
	m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve"}) }()

	alert := waitCall(t, slackCalls, "chat.postMessage", func(f map[string]string) bool {
		return f["channel"] == "CSTAFF" && strings.Contains(f["text"]+f["blocks"], "너무 오래 기다렸어요")
	})
	if !strings.Contains(alert.fields["text"]+alert.fields["blocks"], "2") {
		t.Errorf("staff alert does not give the rating: %v", alert.fields)
	}
	waitCall(t, tg.calls, "sendMessage", func(f map[string]string) bool {
		return f["chat_id"] == "42" && strings.Contains(f["text"], "감사합니다")
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v\n%s", err, stderr.String())
		}
	case <-time.After(waitTimeout):
		t.Fatal("serve did not stop after its context was cancelled")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	s := mustOpenStore(t, db)
	err := s.View(context.Background(), func(tx *ledger.Tx) error {
		cur, err := tx.Cursor(telegram.CursorName)
		if err != nil {
			return err
		}
		if cur != 4 {
			t.Errorf("telegram.update cursor = %d, want 4", cur)
		}
		n := 0
		err = tx.ScanFeedback(time.Time{}, endOfTime, func(f ledger.Feedback) error {
			n++
			if f.Rating != 2 || f.Comment != "너무 오래 기다렸어요" {
				t.Errorf("feedback = %+v", f)
			}
			return nil
		})
		if n != 1 {
			t.Errorf("%d feedback stored, want 1", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fakePlatform records what the router hands it.
type fakePlatform struct{ got []dialog.Reply }

func (f *fakePlatform) Send(_ context.Context, _ relay.Address, r dialog.Reply) error {
	f.got = append(f.got, r)
	return nil
}

// testRouter is serve's router logging to logs, with the fake platforms
// registered by name and staff (if not "") serving the staff channel.
func testRouter(logs *bytes.Buffer, staff string, platforms map[string]*fakePlatform) *router {
	r := newRouter(slog.New(slog.NewTextHandler(logs, nil)))
	for name, p := range platforms {
		r.Register(name, p)
	}
	r.SetStaff(staff)
	return r
}

func TestRouter(t *testing.T) {
	tests := []struct {
		name  string
		reply dialog.Reply
		want  string // which platform gets it; "" = logged only
	}{
		{"StaffChannel", dialog.Reply{To: dialog.ToStaffChannel, Text: "alert"}, "slack"},
		{"ToTelegramUser", dialog.Reply{To: dialog.ToUser, Channel: "telegram", UserID: "42", Text: "hi"}, "telegram"},
		{"ToSlackUser", dialog.Reply{To: dialog.ToUser, Channel: "slack", UserID: "U1", Text: "hi"}, "slack"},
		{"ToUnknownPlatform", dialog.Reply{To: dialog.ToUser, Channel: "kakao", UserID: "1", Text: "hi"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			tg, sl := &fakePlatform{}, &fakePlatform{}
			r := testRouter(&logs, "slack", map[string]*fakePlatform{"telegram": tg, "slack": sl})
			err := r.Route(context.Background(), relay.Address{}, []dialog.Reply{tt.reply})
			if (err != nil) != (tt.want == "") {
				t.Fatalf("Route: %v", err)
			}
			got := map[string]int{"telegram": len(tg.got), "slack": len(sl.got)}
			for name, n := range got {
				if want := map[bool]int{true: 1}[name == tt.want]; n != want {
					t.Errorf("%s got %d replies, want %d", name, n, want)
				}
			}
			if tt.want == "" && !strings.Contains(logs.String(), "nowhere to go") {
				t.Errorf("an undeliverable reply was not logged: %q", logs.String())
			}
		})
	}
	t.Run("NoStaffChannel", func(t *testing.T) {
		var logs bytes.Buffer
		r := testRouter(&logs, "", nil)
		// A low-rating alert carries the customer's name, phone and words:
		// the log says a reply was dropped, never what it said.
		alert := "⚠️ 김하늘 (010-****-5678) ★2: 직원이 불친절했어요"
		if err := r.Route(context.Background(), relay.Address{}, []dialog.Reply{{To: dialog.ToStaffChannel, Text: alert}}); !errors.Is(err, relay.ErrNoRoute) {
			t.Fatalf("Route: %v, want ErrNoRoute", err)
		}
		if !strings.Contains(logs.String(), "nowhere to go") {
			t.Errorf("the dropped alert was not logged: %q", logs.String())
		}
		for _, personal := range []string{"김하늘", "5678", "불친절"} {
			if strings.Contains(logs.String(), personal) {
				t.Errorf("the log holds %q: %q", personal, logs.String())
			}
		}
	})
}

// TestServe_SharedHTTP serves Telegram's webhook and Slack's HTTP mode on
// one listener: each endpoint must reach its own adapter.
func TestServe_SharedHTTP(t *testing.T) {
	tg := newFakeTelegram(t)
	sl, _ := newFakeSlack(t)
	env := map[string]string{
		"DANGOL_DB":                      t.TempDir() + "/shop.db",
		"DANGOL_TELEGRAM_TOKEN":          tgToken,
		"DANGOL_TELEGRAM_API_URL":        tg.URL(),
		"DANGOL_TELEGRAM_WEBHOOK_URL":    "https://shop.example/tg/hook",
		"DANGOL_TELEGRAM_WEBHOOK_SECRET": "tg-secret",
		"DANGOL_SLACK_BOT_TOKEN":         "xoxb-test",
		"DANGOL_SLACK_SIGNING_SECRET":    "secret",
		"DANGOL_SLACK_API_URL":           sl.APIURL(),
		"DANGOL_HTTP_ADDR":               "127.0.0.1:0",
	}
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &retrytest.Log{},
		Getenv: func(k string) string { return env[k] },
	}
	srv := startServing(t, m, nil)
	base := srv.base
	waitCall(t, tg.calls, "setWebhook", func(f map[string]string) bool {
		return f["url"] == "https://shop.example/tg/hook" && f["secret_token"] == "tg-secret"
	})

	post := func(path, secret, body string) int {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	update := `{"update_id":7,"message":{"message_id":1,"date":1700000000,"from":{"id":42,"is_bot":false,"first_name":"하늘"},"chat":{"id":42,"type":"private"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`
	tests := []struct {
		name, path, secret, body string
		want                     int
	}{
		{"TelegramWrongSecret", "/tg/hook", "nope", update, http.StatusUnauthorized},
		{"SlackUnsigned", "/slack/commands", "", "command=%2Fhelp", http.StatusUnauthorized},
		{"TelegramUpdate", "/tg/hook", "tg-secret", update, http.StatusOK},
	}
	for _, tt := range tests {
		if got := post(tt.path, tt.secret, tt.body); got != tt.want {
			t.Errorf("%s: POST %s = %d, want %d", tt.name, tt.path, got, tt.want)
		}
	}
	waitCall(t, tg.calls, "sendMessage", func(f map[string]string) bool { return f["chat_id"] == "42" })

	srv.stop()
	m.Close()
}

func TestHousekeeper_Sweep(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := mustOpenStore(t, t.TempDir()+"/shop.db")
	ctx := context.Background()
	err := s.Update(ctx, func(tx *ledger.Tx) error {
		c := &ledger.Customer{Name: "김하늘", CreatedAt: now}
		if err := tx.CreateCustomer(c); err != nil {
			return err
		}
		for id, at := range map[string]time.Time{"old": now.Add(-8 * 24 * time.Hour), "recent": now.Add(-24 * time.Hour)} {
			if err := tx.MarkEvent(id, at); err != nil {
				return err
			}
		}
		if err := tx.PutLinkCode("111111", c.ID, now.Add(-time.Minute)); err != nil {
			return err
		}
		for key, idle := range map[string]time.Duration{"slack:Dold": 2 * time.Hour, "slack:Dnow": time.Minute} {
			s := ledger.Session{Key: key, Flow: "note", State: "text", Draft: map[string]string{"name": "김하늘"}, Updated: now.Add(-idle)}
			if err := tx.PutSession(s); err != nil {
				return err
			}
		}
		return tx.PutLinkCode("222222", c.ID, now.Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	h := &housekeeper{store: s, now: func() time.Time { return now }, every: time.Hour, logger: slog.New(slog.DiscardHandler)}
	events, codes, err := h.sweep(ctx)
	if err != nil || events != 1 || codes != 1 {
		t.Fatalf("sweep = %d events, %d codes, %v; want 1, 1, nil", events, codes, err)
	}
	err = s.Update(ctx, func(tx *ledger.Tx) error {
		for id, want := range map[string]bool{"old": false, "recent": true} {
			if seen, err := tx.SeenEvent(id); err != nil || seen != want {
				t.Errorf("SeenEvent(%q) = %t, %v; want %t", id, seen, err, want)
			}
		}
		if _, err := tx.UseLinkCode("222222", "telegram:1", now); err != nil {
			t.Errorf("the valid code was pruned: %v", err)
		}
		if s, _, _ := tx.Session("slack:Dold"); s.Flow != "" || s.Draft != nil || s.Expired != "note" {
			t.Errorf("a flow idle for 2h is %+v, want ended without its draft", s)
		}
		if s, _, _ := tx.Session("slack:Dnow"); s.Flow != "note" || s.Draft["name"] != "김하늘" {
			t.Errorf("a flow idle for a minute was touched: %+v", s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
