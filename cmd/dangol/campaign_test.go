package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/telegram"
	"github.com/dangol/dangol/bots/telegram/telegramfake"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// TestChat_Campaign, console goldens campaign.{ko,en}: a customer linked
// with advertising consent, a second one linked without it, the manager's
// one-line /campaign with its preview (counts, the first message as it
// goes, the time), [발송], the send by :time as '→ [고객 4242] (광고) …'
// with [수신 거부], nothing to the other customer, /campaign list, and
// three days later, after a note for 김하늘 (a visit), /campaign 1 with
// its response figures (재방문 1/1명, still counting).
func TestChat_Campaign(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			script := strings.Join([]string{
				":as manager 사장",
				":as staff 민지",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				"1", // [받을게요]
				":as staff 민지",
				"/customer new 010-1111-2222 이바다",
				"/link 010-1111-2222",
				":as customer 4343",
				"/start", "1", "815887",
				"2", // [받지 않을게요]: the baseline
				":as manager 사장",
				"/campaign : 이번 주 펌 20% 할인해 드려요 --points 500",
				"1", // [발송]
				":time +2m",
				"/campaign list",
				":time +3d",
				":as staff 민지",
				"/note 010-4815-1623 펌 상담 후 시술",
				":as manager 사장",
				"/campaign 1",
			}, "\n") + "\n"
			tr := shopChat(t, lang, script)
			to := testCatalog.Text(lang, "console.to.customer", map[string]any{"User": "4242"})
			ad := to + " " + testCatalog.Text(lang, "ads.header", map[string]any{"Shop": testShop, "Contact": testContact})
			if n := strings.Count(tr, ad); n != 1 {
				t.Errorf("advertising messages: %d, want the one campaign message:\n%s", n, tr)
			}
			assertGoldenFrom(t, tr, "> :as manager 사장", "campaign."+lang+".golden")
		})
	}
}

// refusingTelegram is a Telegram that refuses every message: blocked
// (403: dialog.ErrBlocked) to the users in blocked, down to the others.
type refusingTelegram struct{ blocked map[string]bool }

// Send implements relay.Sender.
func (f refusingTelegram) Send(_ context.Context, to relay.Address, _ dialog.Reply) error {
	if f.blocked[to.User] || f.blocked[to.Conversation] {
		return fmt.Errorf("telegram: forbidden: %w", dialog.ErrBlocked)
	}
	return errors.New("telegram: down")
}

// failRig is an engine with the outbox on, as serve runs it, over a
// ledger with two customers linked on Telegram (4242 김하늘, 4243 이바다)
// and consenting to advertising, and serve's router.
type failRig struct {
	t      *testing.T
	store  *ledger.Store
	engine *dialog.Engine
	router *router
	log    *slog.Logger
	now    time.Time
}

func newFailRig(t *testing.T) *failRig {
	path := filepath.Join(t.TempDir(), "dangol.db")
	store, err := ledger.Open(path, testLedgerOptions(t, path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r := &failRig{t: t, store: store, now: adminNow, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r.engine, err = dialog.New(dialog.Config{Store: store, Catalog: testCatalog, Logger: r.log, Outbox: true, ShopName: "단골미용실", ShopContact: testContact,
		Managers: []string{"slack:U2"}, Now: func() time.Time { return r.now }})
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(context.Background(), func(tx *ledger.Tx) error {
		for i, name := range []string{"김하늘", "이바다"} {
			c := ledger.Customer{Name: name, Phone: fmt.Sprintf("0104815%04d", i), CreatedAt: r.now}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			if err := tx.LinkCustomer(c.ID, fmt.Sprintf("telegram:%d", 4242+i), ledger.Consent{Given: true, At: r.now}); err != nil {
				return err
			}
			if _, err := tx.SetMarketing(c.ID, true, ledger.ViaCommand, r.now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.router = newOutboxRouter(r.log, r.engine)
	return r
}

// manager has the manager type text or press payload in their Slack DM
// and returns the first reply's text, taken as shown.
func (r *failRig) manager(text, payload string) string {
	r.t.Helper()
	ctx := context.Background()
	m := dialog.Message{Channel: "slack", UserID: "U2", ConversationID: "DU2", EventID: "ev-" + text + payload, Private: true, Lang: "ko", Text: text}
	if payload != "" {
		m.Action = &dialog.Action{Payload: payload}
	}
	rs, err := r.engine.Handle(ctx, m)
	if err != nil || len(rs) == 0 {
		r.t.Fatalf("%q %q: %v %+v", text, payload, err, rs)
	}
	for _, reply := range rs { // shown to the manager: out of the outbox
		if err := r.engine.Delivered(ctx, reply.OutboxID); err != nil {
			r.t.Fatal(err)
		}
	}
	return rs[0].Text
}

// send previews and confirms campaign 1, runs the campaign job once and
// delivers its messages through the router; it returns them, with the
// error of each delivery by Telegram user.
func (r *failRig) send() ([]dialog.Reply, map[string]error) {
	r.t.Helper()
	ctx := context.Background()
	r.manager("/campaign : 이번 주 펌 20% 할인해 드려요", "")
	r.manager("", "cmp:send:1")
	job := r.engine.CampaignJob(0, 0, r.router.Deliver)
	rs, err := job.Posts(ctx, r.now)
	if err != nil || len(rs) != 2 {
		r.t.Fatalf("campaign sends: %v, %d messages", err, len(rs))
	}
	errs := map[string]error{}
	for _, reply := range rs {
		if reply.OutboxID == "" || reply.Origin == "" {
			r.t.Errorf("campaign message without outbox id or origin: %+v", reply)
		}
		errs[reply.UserID] = job.Deliver(ctx, reply)
	}
	return rs, errs
}

// counts are campaign 1's counts.
func (r *failRig) counts() ledger.CampaignCounts {
	r.t.Helper()
	var c ledger.Campaign
	if err := r.store.View(context.Background(), func(tx *ledger.Tx) (err error) { c, err = tx.Campaign(1); return err }); err != nil {
		r.t.Fatal(err)
	}
	return c.Counts
}

// TestCampaignFailed: a campaign to two consenting customers through the
// outbox and serve's router, on a Telegram that refuses both: the one who
// blocked the bot is failed (blocked) at once, through blockedSender and
// Engine.Blocked; the other's message waits in the outbox and is failed
// (gave up) when the resender gives it up after outboxGiveUp. Each counts
// once, whichever path reports again; /campaign 1 shows it, and the next
// campaign skips the blocked customer as unreachable.
func TestCampaignFailed(t *testing.T) {
	t.Parallel() // its own ledger
	ctx := context.Background()
	r := newFailRig(t)
	watchBlocked(r.router, "telegram", refusingTelegram{blocked: map[string]bool{"4242": true}}, r.engine, r.log)
	rs, errs := r.send()
	if errs["4242"] != nil || errs["4243"] == nil {
		t.Errorf("deliveries %v: a block is done with, a failure is not", errs)
	}
	if c := r.counts(); c.Sent != 1 || c.Failed != 1 || c.FailedBy[ledger.FailBlocked] != 1 {
		t.Errorf("after the sends: %+v, want 1 sent and 1 failed (blocked)", c)
	}
	if n := r.engine.Pending(); n != 1 {
		t.Errorf("%d replies wait in the outbox, want the one that failed", n)
	}

	later := r.now.Add(outboxGiveUp)
	res := &resender{engine: r.engine, send: r.router.Send, now: func() time.Time { return later }, every: time.Hour, logger: r.log}
	for range 2 { // the second sweep finds nothing
		if _, _, err := res.sweep(ctx, later); err != nil {
			t.Fatal(err)
		}
	}
	for _, reply := range rs { // both paths report both again: nothing moves
		if err := r.engine.GaveUp(ctx, reply); err != nil {
			t.Fatal(err)
		}
		if _, err := r.engine.Blocked(ctx, "telegram", reply.UserID, reply); err != nil {
			t.Fatal(err)
		}
	}
	want := ledger.CampaignCounts{Failed: 2, FailedBy: map[string]int{ledger.FailBlocked: 1, ledger.FailGaveUp: 1}}
	if c := r.counts(); fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("counts %+v, want %+v", c, want)
	}
	if n := r.engine.Pending(); n != 0 {
		t.Errorf("%d replies wait in the outbox after the give-up", n)
	}
	show := r.manager("/campaign 1", "")
	if line := testCatalog.Text("ko", "campaign.failed", map[string]any{"Failed": 2, "Blocked": 2, "GaveUp": 0}); strings.Contains(show, line) {
		t.Errorf("/campaign 1 counts a failure twice:\n%s", show)
	}
	if line := testCatalog.Text("ko", "campaign.failed", map[string]any{"Failed": 2, "Blocked": 1, "GaveUp": 1}); !strings.Contains(show, line) {
		t.Errorf("/campaign 1 says\n%s\nwant %q", show, line)
	}
}

// TestCampaignFailed_Telegram403: the same campaign through the real
// Telegram adapter on its fake Bot API, where 김하늘 (4242) blocked the
// bot: her sendMessage is answered 403, once, and she is failed
// (blocked) and marked unreachable; 이바다's message goes. The next
// campaign's preview skips her as unreachable.
func TestCampaignFailed_Telegram403(t *testing.T) {
	t.Parallel() // its own ledger and fake
	r := newFailRig(t)
	var mu sync.Mutex
	sends := map[int64]int{}
	fake := telegramfake.New(telegramfake.Options{Token: tgToken, OnCall: func(c telegramfake.Call) {
		if c.Method == "sendMessage" {
			mu.Lock()
			sends[c.ChatID()]++
			mu.Unlock()
		}
	}})
	t.Cleanup(fake.Close)
	fake.Block(4242)
	tg, err := telegram.New(telegram.Config{Token: tgToken, APIURL: fake.URL(), Handler: r.engine, Catalog: testCatalog,
		Router: r.router.Router, Logger: r.log})
	if err != nil {
		t.Fatal(err)
	}
	watchBlocked(r.router, telegram.Channel, tg, r.engine, r.log)
	_, errs := r.send()
	if errs["4242"] != nil || errs["4243"] != nil {
		t.Errorf("deliveries %v, want both done with (one sent, one blocked)", errs)
	}
	want := ledger.CampaignCounts{Sent: 1, Failed: 1, FailedBy: map[string]int{ledger.FailBlocked: 1}}
	if c := r.counts(); fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("counts %+v, want %+v", c, want)
	}
	mu.Lock()
	if sends[4242] != 1 || sends[4243] != 1 {
		t.Errorf("sendMessage calls by chat %v, want one each (a 403 is not retried)", sends)
	}
	mu.Unlock()
	if n := r.engine.Pending(); n != 0 {
		t.Errorf("%d replies wait in the outbox", n)
	}
	if preview := r.manager("/campaign : 두 번째 소식", ""); !strings.Contains(preview, "받는 분: 1명") || !strings.Contains(preview, "연락 불가 1명") {
		t.Errorf("the next campaign's preview:\n%s\nwant the blocked customer skipped as unreachable", preview)
	}
}
