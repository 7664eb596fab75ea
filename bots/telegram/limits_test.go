package telegram

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/lru"
	"github.com/dangol/dangol/bots/webhook"
	"github.com/dangol/dangol/bots/webhook/webhooktest"
)

// webhookBot is a Bot whose WebhookHandler takes the secret "abc", not run.
func webhookBot(t *testing.T, h *scriptHandler) (*Bot, *fakeAPI, *syncBuffer) {
	t.Helper()
	f := newFakeAPI(t)
	logs := &syncBuffer{}
	cfg := testConfig(f, h, logs)
	cfg.WebhookSecret = "abc"
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.drain)
	return b, f, logs
}

// TestWebhookRefusedBeforeBody sends requests without the right secret, or
// declaring a body over the limit: each is refused with nothing read.
func TestWebhookRefusedBeforeBody(t *testing.T) {
	h := newScript(echo)
	b, _, _ := webhookBot(t, h)
	tests := []struct {
		name   string
		secret string
		length int64 // Content-Length; 0: the body's
		want   int
	}{
		{"ErrNoSecret", "", 0, http.StatusUnauthorized},
		{"ErrWrongSecret", "abd", 0, http.StatusUnauthorized},
		{"ErrTooLarge", "abc", 2 << 20, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := webhooktest.NewBody(text(7, tom, "hello"))
			r := httptest.NewRequest(http.MethodPost, "/", body)
			if tt.secret != "" {
				r.Header.Set("X-Telegram-Bot-Api-Secret-Token", tt.secret)
			}
			if tt.length != 0 {
				r.ContentLength = tt.length
			}
			w := httptest.NewRecorder()
			b.WebhookHandler().ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("answered %d, want %d", w.Code, tt.want)
			}
			if n := body.BytesRead(); n != 0 {
				t.Errorf("read %d bytes of the body before refusing it", n)
			}
		})
	}
	h.expectNone(t)
}

// TestWebhookWithoutUpdateID refuses an update whose id is missing (it would
// be handled as update 0) and logs it.
func TestWebhookWithoutUpdateID(t *testing.T) {
	// withID is the /points update with its update_id set to id, or
	// without one for nil.
	withID := func(id any) string {
		var u map[string]any
		if err := json.Unmarshal([]byte(text(1, minji, "/points")), &u); err != nil {
			t.Fatal(err)
		}
		delete(u, "update_id")
		if id != nil {
			u["update_id"] = id
		}
		return mustJSON(u)
	}
	tests := []struct {
		name string
		body string
		want int
	}{
		{"ErrMissing", withID(nil), http.StatusBadRequest},
		{"ErrZero", withID(0), http.StatusBadRequest},
		{"ErrNegative", withID(-3), http.StatusBadRequest},
		{"OK", withID(1), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newScript(echo)
			b, f, logs := webhookBot(t, h)
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			r.Header.Set("X-Telegram-Bot-Api-Secret-Token", "abc")
			w := httptest.NewRecorder()
			b.WebhookHandler().ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Fatalf("answered %d, want %d", w.Code, tt.want)
			}
			if tt.want != http.StatusOK {
				h.expectNone(t)
				if !strings.Contains(logs.String(), "no update_id") {
					t.Errorf("refusal not logged:\n%s", logs)
				}
				return
			}
			if m := h.next(t); m.EventID != "telegram:1" {
				t.Errorf("engine got %+v", m)
			}
			f.expect(t, "sendMessage")
		})
	}
}

// TestWebhookSlowClient runs the webhook's own server with a short read
// timeout: a body trickled slower than that, behind the right secret, is
// cut off, and an update meanwhile is handled.
func TestWebhookSlowClient(t *testing.T) {
	h := newScript(echo)
	f := newFakeAPI(t)
	cfg := testConfig(f, h, &syncBuffer{})
	cfg.WebhookURL = "https://shop.example/hook"
	cfg.WebhookSecret = "abc"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listener = ln
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.limits = webhook.Limits{ReadTimeout: 200 * time.Millisecond, WriteTimeout: 5 * time.Second, IdleTimeout: time.Second, MaxConns: 4}
	stop := runBot(t, b)
	for _, m := range []string{"getMe", "setMyCommands", "setMyCommands", "setWebhook"} {
		f.expect(t, m)
	}
	addr := ln.Addr().String()
	slow := make(chan string, 1)
	go func() {
		status, err := webhooktest.Trickle(addr, "/hook", http.Header{"X-Telegram-Bot-Api-Secret-Token": {"abc"}}, 10*time.Millisecond)
		if err != nil {
			status = err.Error()
		}
		slow <- status
	}()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/hook", strings.NewReader(text(9, minji, "/points")))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "abc")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("an update beside the slow client answered %d", resp.StatusCode)
	}
	h.next(t)
	f.expect(t, "sendMessage")
	if status := <-slow; status != "" && !strings.Contains(status, " 400 ") {
		t.Errorf("the trickled request got %q, want a 400 or a closed connection", status)
	}
	stop()
	h.expectNone(t)
}

func TestWebhookLimits(t *testing.T) {
	b, _, _ := webhookBot(t, newScript(echo))
	// Telegram opens up to 100 connections to a webhook; the answer waits
	// for the engine, retries included.
	if l := b.limits; l.ReadTimeout <= 0 || l.WriteTimeout < 10*time.Second || l.IdleTimeout <= 0 || l.MaxConns < 100 {
		t.Errorf("webhook limits %+v", l)
	}
}

// TestContactWithoutPhone answers a shared contact of one's own that has no
// phone number (which the engine would see as an empty message) and hands
// the engine nothing.
func TestContactWithoutPhone(t *testing.T) {
	tests := []struct {
		name    string
		contact map[string]any
		who     user
		want    string
	}{
		{"NoPhone", map[string]any{"first_name": "민지", "user_id": minji.id}, minji,
			"연락처에 전화번호가 없어 연결해 드릴 수 없어요. 아래 ‘📱 연락처로 연결’을 눌러 본인 번호를 공유하시거나 매장에서 받은 연결 코드를 보내 주세요."},
		{"BlankPhone", map[string]any{"phone_number": "  ", "first_name": "Tom", "user_id": tom.id}, tom,
			"That contact has no phone number, so I can't link it. Tap “📱 Link by phone” below to share your own, or send the link code you got at the shop."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newScript(echo)
			hs := startBot(t, h)
			hs.f.push(message(1, tt.who, "message", map[string]any{"contact": tt.contact}))
			if c := hs.f.expect(t, "sendMessage"); c.Fields["text"] != tt.want {
				t.Errorf("sent %q, want %q", c.Fields["text"], tt.want)
			}
			hs.f.waitPoll(t, 2)
			hs.stop()
			h.expectNone(t)
		})
	}
}

// TestChatMemoryBounded meets more chats than the adapter remembers: it
// holds the newest, forgets the least recently used, and never grows past
// its cap.
func TestChatMemoryBounded(t *testing.T) {
	b, _, _ := webhookBot(t, newScript(echo))
	for chat := range int64(chatMemoryCap * 2) {
		b.rememberLang(chat, "en")
		b.setMenuShown(chat)
	}
	if n := b.chats.Len(); n != chatMemoryCap {
		t.Fatalf("%d chats remembered after %d, cap %d", n, chatMemoryCap*2, chatMemoryCap)
	}
	if b.knownLang(0) != "" || b.menuShown(0) {
		t.Error("the oldest chat is still remembered")
	}
	if b.knownLang(chatMemoryCap*2-1) != "en" || !b.menuShown(chatMemoryCap*2-1) {
		t.Error("the newest chat is forgotten")
	}

	b.chats = lru.New[int64, chatMemory](2)
	b.rememberLang(1, "ko")
	b.rememberLang(2, "en")
	_ = b.knownLang(1) // 1 is now used more recently than 2
	b.setMenuShown(3)
	if b.knownLang(1) != "ko" || b.knownLang(2) != "" || !b.menuShown(3) {
		t.Errorf("after chats 1, 2, 1, 3 with room for 2: lang 1 %q, lang 2 %q, menu 3 %v; want ko, \"\", true",
			b.knownLang(1), b.knownLang(2), b.menuShown(3))
	}
}
