package telegram

import (
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
)

// TestConformance runs the adapter contract's suite on the Bot in long
// polling against the shared fake Bot API.
func TestConformance(t *testing.T) {
	relaytest.Run(t, relaytest.Options{Channel: Channel}, func(t *testing.T, e *relaytest.Engine) relaytest.Platform {
		p, b := newTGPlatform(t, e, nil)
		p.stop = runBot(t, b)
		return p
	})
}

// newTGPlatform makes the suite's fake Bot API and a Bot on it with e as
// its engine and the limits lifted, the Config changed by mod if set.
func newTGPlatform(t *testing.T, e *relaytest.Engine, mod func(*Config)) (*tgPlatform, *Bot) {
	t.Helper()
	p := &tgPlatform{shown: map[int64]chan telegramfake.Call{}, last: map[string]telegramfake.Call{}}
	p.fake = telegramfake.New(telegramfake.Options{Token: testToken, OnCall: p.onCall})
	t.Cleanup(p.fake.Close)
	cfg := Config{
		Token:          testToken,
		APIURL:         p.fake.URL(),
		Handler:        e,
		Catalog:        testCatalog(),
		Logger:         slog.New(slog.DiscardHandler),
		ChatInterval:   time.Microsecond,
		GlobalRate:     1_000_000,
		RetryAfterUnit: time.Millisecond,
		RetryBase:      time.Millisecond,
		DrainTimeout:   relaytest.Wait,
	}
	if mod != nil {
		mod(&cfg)
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

// tgPlatform is the suite's view of a Bot polling the fake: user uN is the
// private chat 1000+N.
type tgPlatform struct {
	fake *telegramfake.Server
	stop func()
	// deliver, in webhook mode, posts the update pushed to the fake as id
	// to the bot's webhook and returns its body; nil: the bot polls.
	deliver func(t *testing.T, chat, id int64) []byte
	// redeliver, in webhook mode, posts a delivered body again.
	redeliver func(t *testing.T, chat int64, raw []byte)
	pushMu    sync.Mutex // in webhook mode, a push and its deliver at a time

	mu    sync.Mutex
	shown map[int64]chan telegramfake.Call // chat -> messages sent to it
	last  map[string]telegramfake.Call     // user -> the last message with buttons
}

// tgDelivery is an update pushed, for Redeliver.
type tgDelivery struct {
	id   int64
	u    telegramfake.Update
	chat int64
	raw  []byte // as posted to the webhook
}

func (p *tgPlatform) chat(user string) int64 {
	n, _ := strconv.Atoi(strings.TrimPrefix(user, "u"))
	return 1000 + int64(n)
}

func (p *tgPlatform) inbox(chat int64) chan telegramfake.Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown[chat] == nil {
		p.shown[chat] = make(chan telegramfake.Call, 100)
	}
	return p.shown[chat]
}

func (p *tgPlatform) onCall(c telegramfake.Call) {
	if c.Method == "sendMessage" || c.Method == "sendPhoto" {
		p.inbox(c.ChatID()) <- c
	}
}

func (p *tgPlatform) UserID(user string) string { return strconv.FormatInt(p.chat(user), 10) }

func (p *tgPlatform) push(t *testing.T, chat int64, u telegramfake.Update) any {
	t.Helper()
	if p.deliver != nil {
		// deliver reads the update back off the fake's queue, which
		// forgets what is below: one push at a time.
		p.pushMu.Lock()
		defer p.pushMu.Unlock()
	}
	ids, err := p.fake.Push(u)
	if err != nil {
		t.Fatal(err)
	}
	d := tgDelivery{id: ids[0], u: u, chat: chat}
	if p.deliver != nil {
		d.raw = p.deliver(t, chat, d.id)
	}
	return d
}

func (p *tgPlatform) Say(t *testing.T, user, text string) any {
	return p.push(t, p.chat(user), telegramfake.Text(p.chat(user), user, "ko", text))
}

func (p *tgPlatform) Press(t *testing.T, user, payload string) any {
	p.mu.Lock()
	on, ok := p.last[user]
	p.mu.Unlock()
	if !ok || !slices.Contains(on.Buttons(), payload) {
		t.Fatalf("no message with %q was shown to %s", payload, user)
	}
	return p.push(t, p.chat(user), telegramfake.Press(p.chat(user), user, "ko", on, payload))
}

func (p *tgPlatform) Redeliver(t *testing.T, d any) {
	dl := d.(tgDelivery)
	if p.redeliver != nil {
		p.redeliver(t, dl.chat, dl.raw)
		return
	}
	if err := p.fake.Redeliver(dl.id, dl.u); err != nil {
		t.Fatal(err)
	}
}

func (p *tgPlatform) Next(t *testing.T, user string) relaytest.Shown {
	t.Helper()
	select {
	case c := <-p.inbox(p.chat(user)):
		if len(c.Buttons()) > 0 {
			p.mu.Lock()
			p.last[user] = c
			p.mu.Unlock()
		}
		return relaytest.Shown{Text: c.Fields["text"], Buttons: c.Buttons()}
	case <-time.After(relaytest.Wait):
		t.Fatalf("nothing sent to %s within %v", user, relaytest.Wait)
		return relaytest.Shown{}
	}
}

func (p *tgPlatform) Stop(*testing.T) { p.stop() }
