package telegram

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/relay"
)

// TestDropResults: a send that went well, from a context marked
// withoutResult, comes back to go-telegram/bot without its Message (the
// adapter never reads it), while unmarked calls, errors, other methods'
// results and answers in another shape reach it as Telegram sent them, and
// every connection is drained for the next call.
func TestDropResults(t *testing.T) {
	const sent = `{"ok":true,"result":{"message_id":77,"date":1764000000,"chat":{"id":1001,"type":"private"},"text":"안녕"}}`
	answers := map[string]string{
		"sendMessage":     sent,
		"editMessageText": `{"ok": true, "result": {"message_id": 78, "date": 1764000000, "chat": {"id": 1001, "type": "private"}}}`,
		"sendPhoto":       `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`,
		"getMe":           `{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"단골","username":"dangol_fake_bot"}}`,
	}
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answers[r.URL.Path[len("/bot1:x/"):]])
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	api, err := bot.New("1:x", bot.WithServerURL(srv.URL), bot.WithSkipGetMe(),
		bot.WithHTTPClient(0, relay.Direct{Transport: dropResults{relay.Transport(1)}}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := withoutResult(t.Context())
	m, err := api.SendMessage(ctx, &bot.SendMessageParams{ChatID: "1001", Text: "안녕"})
	if err != nil || m == nil || m.ID != 0 {
		t.Errorf("sendMessage: %+v, %v; want an empty message and no error", m, err)
	}
	// A call that reads what it sent is not marked: Telegram's answer whole.
	if m, err := api.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: "1001", Text: "안녕"}); err != nil || m == nil || m.ID != 77 || m.Text != "안녕" {
		t.Errorf("unmarked sendMessage: %+v, %v; want message 77 decoded", m, err)
	}
	if m, err := api.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: "1001", MessageID: 78, Text: "→ ★"}); err != nil || m == nil || m.ID != 78 {
		t.Errorf("editMessageText in another shape: %+v, %v; want it decoded as sent", m, err)
	}
	var tooMany *bot.TooManyRequestsError
	if _, err := api.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: "1001", Photo: &models.InputFileString{Data: "photo1"}}); !errors.As(err, &tooMany) || tooMany.RetryAfter != 3 {
		t.Errorf("sendPhoto 429: %v; want retry_after 3", err)
	}
	if me, err := api.GetMe(t.Context()); err != nil || me.Username != "dangol_fake_bot" {
		t.Errorf("getMe: %+v, %v; want its result decoded", me, err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 5 calls, want 1: an answer was not drained", n)
	}
}
