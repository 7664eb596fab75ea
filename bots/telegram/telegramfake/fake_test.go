package telegramfake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/telegram/telegramfake"
)

const token = "123:TEST"

// TestFake_RealClient: go-telegram/bot's own client talks to the fake: getMe,
// a send with an inline keyboard, an edit, and the calls seen by OnCall.
func TestFake_RealClient(t *testing.T) {
	calls := make(chan telegramfake.Call, 10)
	srv := telegramfake.New(telegramfake.Options{Token: token, OnCall: func(c telegramfake.Call) { calls <- c }})
	defer srv.Close()
	b, err := bot.New(token, bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(t.Context())
	if err != nil || me.Username != telegramfake.BotUsername {
		t.Fatalf("getMe: %+v, %v", me, err)
	}
	<-calls
	kb := models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "★", CallbackData: "rate:1"}, {Text: "★★", CallbackData: "rate:2"}}}}
	m, err := b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: 1001, Text: "별점?", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	c := <-calls
	if c.Method != "sendMessage" || c.ChatID() != 1001 || c.Fields["text"] != "별점?" || c.MessageID != int64(m.ID) {
		t.Errorf("call %+v, message %d", c, m.ID)
	}
	if got := c.Buttons(); len(got) != 2 || got[1] != "rate:2" {
		t.Errorf("buttons %v", got)
	}
	if m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) != 1 {
		t.Errorf("the sent message lacks its keyboard: %+v", m)
	}
	e, err := b.EditMessageText(t.Context(), &bot.EditMessageTextParams{ChatID: 1001, MessageID: m.ID, Text: "별점? → ★"})
	if err != nil || e.ID != m.ID {
		t.Fatalf("edit: %+v, %v", e, err)
	}
	if c := <-calls; c.Method != "editMessageText" || c.MessageID != int64(m.ID) {
		t.Errorf("edit call %+v", c)
	}
}

// getUpdates posts a getUpdates as go-telegram/bot does (multipart) and
// returns the updates.
func getUpdates(t *testing.T, srv *telegramfake.Server, fields map[string]string) []map[string]any {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.Close()
	resp, err := http.Post(srv.URL()+"/bot"+token+"/getUpdates", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		OK     bool             `json:"ok"`
		Result []map[string]any `json:"result"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || !out.OK {
		t.Fatalf("getUpdates: %s (%v)", raw, err)
	}
	return out.Result
}

// TestFake_GetUpdates: batches of at most 100 in order, forgotten below the
// offset, a press carrying the pressed message, an empty answer after the
// timeout.
func TestFake_GetUpdates(t *testing.T) {
	srv := telegramfake.New(telegramfake.Options{Token: token})
	defer srv.Close()
	us := pointsChecks(150)
	sent := telegramfake.Call{Method: "sendMessage", Fields: map[string]string{"chat_id": "1001", "text": "별점?",
		"reply_markup": `{"inline_keyboard":[[{"text":"★","callback_data":"rate:1"}]]}`}, MessageID: 7}
	us = append(us, telegramfake.Press(1001, "민지", "ko", sent, "rate:1"))
	ids, err := srv.Push(us...)
	if err != nil || len(ids) != 151 || ids[0] != 1 || ids[150] != 151 {
		t.Fatalf("push: %v, %v", ids, err)
	}
	first := getUpdates(t, srv, map[string]string{"offset": "0", "timeout": "1"})
	if len(first) != telegramfake.MaxBatch || first[0]["update_id"].(float64) != 1 {
		t.Fatalf("first batch: %d updates", len(first))
	}
	ent := first[0]["message"].(map[string]any)["entities"].([]any)[0].(map[string]any)
	if ent["type"] != "bot_command" || ent["length"].(float64) != 7 {
		t.Errorf("entity %v", ent)
	}
	rest := getUpdates(t, srv, map[string]string{"offset": "101", "timeout": "1"})
	if len(rest) != 51 || srv.Queued() != 51 {
		t.Fatalf("second batch: %d updates, %d queued", len(rest), srv.Queued())
	}
	cq := rest[50]["callback_query"].(map[string]any)
	msg := cq["message"].(map[string]any)
	if cq["data"] != "rate:1" || msg["message_id"].(float64) != 7 || msg["date"].(float64) == 0 || msg["reply_markup"] == nil {
		t.Errorf("press %v", cq)
	}
	if empty := getUpdates(t, srv, map[string]string{"offset": "152", "timeout": "1"}); len(empty) != 0 || srv.Queued() != 0 {
		t.Errorf("after the timeout: %d updates, %d queued", len(empty), srv.Queued())
	}
}

// TestFake_ErrToken: a wrong token is Telegram's 401.
func TestFake_ErrToken(t *testing.T) {
	srv := telegramfake.New(telegramfake.Options{Token: token})
	defer srv.Close()
	b, err := bot.New("999:WRONG", bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetMe(t.Context()); err == nil {
		t.Fatal("getMe with a wrong token: no error")
	}
}

// TestFake_GetUpdatesLimit: a poll takes at most its limit from the front,
// forgets what its offset confirms and keeps the rest in order; a
// re-delivered update comes once, after the updates queued before it.
func TestFake_GetUpdatesLimit(t *testing.T) {
	srv := telegramfake.New(telegramfake.Options{Token: token})
	defer srv.Close()
	us := pointsChecks(250)
	if _, err := srv.Push(us...); err != nil {
		t.Fatal(err)
	}
	ids := func(batch []map[string]any) (first, last int) {
		if len(batch) == 0 {
			return 0, 0
		}
		return int(batch[0]["update_id"].(float64)), int(batch[len(batch)-1]["update_id"].(float64))
	}
	for _, c := range []struct {
		offset, limit       string
		first, last, queued int
	}{
		{"0", "10", 1, 10, 250},     // nothing confirmed yet
		{"11", "100", 11, 110, 240}, // 1-10 confirmed and forgotten
		{"11", "5", 11, 15, 240},    // the same offset again: the same front
		{"200", "100", 200, 250, 51},
	} {
		batch := getUpdates(t, srv, map[string]string{"offset": c.offset, "limit": c.limit, "timeout": "1"})
		if f, l := ids(batch); f != c.first || l != c.last || srv.Queued() != c.queued {
			t.Errorf("offset %s limit %s: updates %d-%d, %d queued; want %d-%d, %d", c.offset, c.limit, f, l, srv.Queued(), c.first, c.last, c.queued)
		}
	}
	if err := srv.Redeliver(7, telegramfake.Text(1001, "민지", "ko", "/points")); err != nil {
		t.Fatal(err)
	}
	batch := getUpdates(t, srv, map[string]string{"offset": "251", "timeout": "1"})
	if f, l := ids(batch); len(batch) != 1 || f != 7 || l != 7 || srv.Queued() != 0 {
		t.Errorf("after the redelivery: %d updates (%d-%d), %d queued; want update 7 once, none queued", len(batch), f, l, srv.Queued())
	}
}

// pointsChecks is n /points from one chat, to fill the fake's queue.
func pointsChecks(n int) []telegramfake.Update {
	us := make([]telegramfake.Update, 0, n+1)
	for range n {
		us = append(us, telegramfake.Text(1001, "민지", "ko", "/points"))
	}
	return us
}
