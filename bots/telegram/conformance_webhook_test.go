package telegram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
)

// TestConformanceWebhook runs the adapter contract's suite on the Bot in
// webhook mode: the updates come as Telegram's webhook requests, each
// chat's one at a time (Telegram sends a chat's next update once the last
// was answered), and the answers go to the shared fake Bot API.
func TestConformanceWebhook(t *testing.T) {
	const secret = "conformance-secret"
	relaytest.Run(t, relaytest.Options{Channel: Channel}, func(t *testing.T, e *relaytest.Engine) relaytest.Platform {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p, b := newTGPlatform(t, e, func(c *Config) {
			c.WebhookURL, c.WebhookSecret, c.Listener = "https://shop.example/hook", secret, ln
		})
		h := &hookSender{t: t, fake: p.fake, url: "http://" + ln.Addr().String() + "/hook", secret: secret}
		p.deliver, p.redeliver = h.deliver, h.queue
		p.stop = runBot(t, b)
		t.Cleanup(h.chats.Close)
		return p
	})
}

// hookSender plays Telegram's side of a webhook: each update pushed to the
// fake (which numbers and encodes it, as for getUpdates) is taken back off
// the fake's queue and posted to the bot's webhook with the secret token,
// a chat's updates one after another, each once the last was answered.
type hookSender struct {
	t      *testing.T
	fake   *telegramfake.Server
	url    string
	secret string
	chats  relaytest.Serial // each chat's updates, posted in order
}

// deliver posts the update pushed to the fake as id to the webhook after
// its chat's earlier updates, and returns its body at once.
func (h *hookSender) deliver(t *testing.T, chat, id int64) []byte {
	t.Helper()
	raw := h.take(t, id)
	h.queue(t, chat, raw)
	return raw
}

// queue posts raw to the webhook after chat's earlier updates.
func (h *hookSender) queue(_ *testing.T, chat int64, raw []byte) {
	h.chats.Go(strconv.FormatInt(chat, 10), func() { h.post(raw) })
}

// take reads update id back from the fake's queue, as getUpdates gives it.
func (h *hookSender) take(t *testing.T, id int64) []byte {
	t.Helper()
	resp, err := http.Post(h.fake.URL()+"/bot"+testToken+"/getUpdates", "application/json",
		strings.NewReader(fmt.Sprintf(`{"offset":%d,"limit":1,"timeout":0}`, id)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Result []json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || len(got.Result) != 1 {
		t.Fatalf("update %d not read back from the fake: %v (%d updates)", id, err, len(got.Result))
	}
	return got.Result[0]
}

// post sends one webhook request and waits for its answer, as Telegram
// does; a refusal is the test's failure.
func (h *hookSender) post(body []byte) {
	req, _ := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", h.secret)
	resp, err := (&http.Client{Timeout: 2 * relaytest.Wait}).Do(req)
	if err != nil {
		h.t.Errorf("webhook request: %v", err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		h.t.Errorf("webhook answered %d", resp.StatusCode)
	}
}
